"""prepare's ``fold_compact`` of a text whose ``fold`` is asked for too is that fold without its spaces
(``_compact_of_fold``): the same values as the plain expression, the letters folded once, not twice."""

from __future__ import annotations

import polars as pl

import pipelines.match.prepare as prepare
from pipelines.match.prepare import BLANK, _derived_values
from pipelines.text import strip_accents_expr
from tests.match_cases import messy_texts

TEXTS = [
    "361 Hồng Bàng, Phường Chánh Nghĩa, Thành phố Thủ Dầu Một, BD",
    "ĐẶNG  VĂN  ĐỨC",
    " Lê-Hoàng Ánh ",
    "Ḿai Ǆung Ωmega",
    "ΑΣ.b, ΑΣ b",  # a final sigma depends on what follows it
    "Kho \u212a, 12",  # the Kelvin sign lower-cases to "k"
    "a,\u0301 b",
    "  x  --  y  ",
    "...",  # nothing but a run: missing either way
    "",
    " ",
    None,
]


def _plain(values: pl.Series) -> pl.DataFrame:
    """Both columns by the plain expression, blank made missing as ``_derived_values`` does."""
    folded = strip_accents_expr(pl.col("v"))
    fold = folded.str.replace_all(r"[^a-z0-9]+", " ").str.strip_chars()
    compact = folded.str.replace_all(r"[^a-z0-9]+", "")
    return values.to_frame("v").select(
        pl.when(~fold.str.contains(BLANK)).then(fold).alias("f"),
        pl.when(~compact.str.contains(BLANK)).then(compact).alias("c"),
    )


def test_compact_of_the_fold_equals_the_plain_expression_and_folds_once(monkeypatch):
    made = messy_texts(11, 3_000, 12, ("\u00a0", "\u3000"))
    values = pl.Series("v", TEXTS * 20 + made, dtype=pl.String)
    expected = _plain(values)
    transforms = []  # the transforms worked out on the text itself (not from another's column)
    step = prepare._step
    monkeypatch.setattr(prepare, "_step", lambda expr, chain: transforms.append(chain) or step(expr, chain))
    added = _derived_values(values.to_frame(), "v", {"c": ("fold_compact",), "f": ("fold",)}).added
    assert added.select("f", "c").equals(expected)
    assert transforms == [("fold",)]  # fold_compact from the fold: its letters not folded again
    assert added["c"].to_list()[:3] == ["361hongbangphuongchanhnghiathanhphothudaumotbd", "dangvanduc", "lehoanganh"]
    assert added["c"][8] is None and added["f"][8] is None


def test_compact_alone_is_folded_itself(monkeypatch):
    values = pl.Series("v", TEXTS, dtype=pl.String)
    transforms = []
    step = prepare._step
    monkeypatch.setattr(prepare, "_step", lambda expr, chain: transforms.append(chain) or step(expr, chain))
    added = _derived_values(values.to_frame(), "v", {"c": ("fold_compact",)}).added
    assert added["c"].to_list() == _plain(values)["c"].to_list()
    assert transforms == [("fold_compact",)]

"""prepare's cheaper ways to the same values: an address's ``fold`` in one literal replacement of its letters with
diacritics and its runs of punctuation (``_folded_runs``, ``_runs_replaced``), and ``halves`` written as one text and
split (``_halves``); each falls back to the old way on values it cannot do, and gives the old way's values."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_series_equal

import pipelines.match.prepare as prepare
from pipelines.match.prepare import _folded_runs, _halves, _halves_expr, _runs_replaced, _runs_to_space
from pipelines.text import strip_accents_series
from tests.match_cases import messy_texts

ADDRESSES = [
    "361 Hồng Bàng, Phường Chánh Nghĩa, Thành phố Thủ Dầu Một, BD",
    "55/11 Huỳnh Văn Lũy, P. Long Phước, TP. Hồ Chí Minh",
    "478A Nguyễn Hữu Cảnh, H.Xuyên Mộc, Tỉnh Bà Rịa - Vũng Tàu",
    "ĐƯỜNG SỐ 7,, Q.1",  # ",," a run RUNS lists no one way of: the regular expression
    "a,\u0301 b",  # a mark between two runs joins them once removed: the two steps
    "Kho \u212a, 12",  # the Kelvin sign lower-cases to "k"
    "ΑΣ.b, ΑΣ b",  # a final sigma depends on what follows it
    "  x  --  y  ",
    "",
    " ",
    None,
]


def _two_steps(values: pl.Series) -> pl.Series:
    return _runs_to_space(strip_accents_series(values))


def test_runs_replaced_equals_the_regular_expression_and_falls_back_on_other_runs():
    values = strip_accents_series(pl.Series("v", ADDRESSES, dtype=pl.String))
    assert_series_equal(_runs_replaced(values), values.str.replace_all(r"[^a-z0-9]+", " "))
    # the literal replacement alone leaves ",," as two spaces: the fallback is what makes these equal
    assert values.str.replace_many(prepare.RUNS, [" "] * len(prepare.RUNS), leftmost=True)[3] != "duong so 7 q 1"
    assert _runs_replaced(values)[3] == "duong so 7 q 1"


def test_folded_runs_of_addresses_takes_the_one_replacement_and_equals_the_two_steps(monkeypatch):
    made = messy_texts(7, 5_000, 10, (". ", " - "))
    values = pl.Series("v", ADDRESSES * 100 + made, dtype=pl.String)
    expected = _two_steps(values)
    seen = []  # the values the two steps are run on: only those the one replacement cannot do
    monkeypatch.setattr(prepare, "strip_accents_series", lambda v: seen.append(len(v)) or strip_accents_series(v))
    assert_series_equal(_folded_runs(values), expected)
    assert seen and seen[0] < len(values)  # (the random texts: most taken by the two steps)
    seen.clear()
    usual = values.head(300).filter(values.head(300).str.contains("Hồng|Lũy|Cảnh"))  # only usual runs
    assert_series_equal(_folded_runs(usual), _two_steps(usual))
    assert not seen


def test_folded_runs_of_names_takes_the_two_steps(monkeypatch):
    values = pl.Series("v", ["Nguyễn Văn Tín", "Lương Ngọc Huyền", "Lê  Thị-Hoa", None, ""] * 300)
    seen = []
    monkeypatch.setattr(prepare, "strip_accents_series", lambda v: seen.append(len(v)) or strip_accents_series(v))
    assert_series_equal(_folded_runs(values), _two_steps(values))
    assert seen == [len(values)]


def test_fold_transform_of_addresses_equals_the_two_steps_then_trimmed():
    frame = pl.DataFrame({"a": ADDRESSES * 200}, schema={"a": pl.String})
    got = frame.select(prepare._transform(pl.col("a"), "fold"))["a"]
    assert_series_equal(got, _two_steps(frame["a"]).str.strip_chars())


def test_halves_equals_the_list_expression_with_and_without_a_bar():
    plain = pl.Series("v", [None, "", "a", "ab", "abc", " ", "é", "ễa", "615509188", "10-2"], dtype=pl.String)
    barred = plain.append(pl.Series("v", ["a|b", "|", "||x"]))
    for values in (plain, barred):
        assert_series_equal(_halves(values), values.to_frame().select(_halves_expr(pl.col("v")))["v"])
    assert _halves(barred).to_list()[-3:] == [["a-", "-|b"], ["-|"], ["|-", "-|x"]]
    assert _halves(plain).to_list()[:5] == [None, None, ["-a"], ["a-", "-b"], ["a-", "-bc"]]

"""The fast paths of resolve_addresses give the full reader's answer on tricky inputs.

- The tail path (each distinct administrative tail read once; with one mode for every row, the raw
  tails joined once) equals the per-address path (every distinct address read whole), on addresses
  built to be hard: names of both schemes, split units with gazetteer names in the street part,
  names of several units, province spellings that are also districts, a two-word marker cut by a
  comma, typos, every separator or none.
- Rows read with one mode for every row equal the same rows read among rows of other modes (the
  per-row (tail, mode) join).
- The split evidence looked for in a read's own words (``parse_address(..., original=None)``, the words
  joined only when the unit has gazetteer entries) is the evidence found in the text passed whole.
"""

from __future__ import annotations

import random

import polars as pl
import pytest

from pipelines.resolve import clean_expr, index_for, parse_address, resolve_addresses, tokenise
from pipelines.synth.addresses import ALL_MESS_TYPES
from tests.resolvehelpers import generated_addresses, synthetic_reference

SEED = 23

PROVINCES = [
    "TP.HCM",
    "tphcm",
    "Thành phố Hồ Chí Minh",
    "Thành, phố Hồ Chí Minh",  # a two-word marker cut by a comma: _is_anchored looks across it
    "Hồ Chí Minh - Việt Nam",
    "HCM, Việt Nam",
    "T. Bình Dương",
    "Bình Dương",
    "BRVT",
    "Bà Rịa - Vũng Tàu",
    "Vũng Tàu",  # a province alias and a district
    "TP Thủ Đức",  # a district where a province is expected
    "Hà Nội",
    "Tỉnh Lâm Đồng",
    "",
]
UNITS = [
    "Phường Tân Định",  # a name of both schemes
    "Phường Bến Nghé, Quận 1",
    "P. Bến Nghé, Q.1",
    "Phường Hiệp Thành, TP Thủ Dầu Một",  # a split unit
    "Phường Hiệp Thành",
    "Xã An Phú",  # several old units of that name
    "Xã An Phú, Huyện Củ Chi",
    "Phường Sài Gòn",  # 2025 only
    "Phường Bàn Cờ",
    "P12, Gò Vấp",
    "Phường 12",
    "12",
    "PBình Hưng Hòa, Bình Tân",
    "Xã Long Hải",
    "Phường Phú Mỹ",
    "Phường Tân Đinh",  # a typo
    "Xa Cam Gbang",
    "Đặc khu Côn Đảo",
    "Huyện Côn Đảo",
    "Thị trấn Củ Chi",
    "Phường Thủ Dầu Một",
    "Phường Vũng Tàu",
]
STREETS = ["12 Nguyễn Huệ", "8 Hai Bà Trưng", "45 Đại lộ Bình Dương", "Hẻm 22 Tân Định", "12 Lạc Long Quân", ""]


def _tricky(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        parts = [rnd.choice(STREETS), rnd.choice(UNITS), rnd.choice(PROVINCES)]
        sep = rnd.choice([", ", ",", " - ", " ", "; "])
        out.append(sep.join(p for p in parts if p))
    return out


@pytest.fixture(scope="module")
def reference():
    return synthetic_reference(SEED)[0]


@pytest.fixture(scope="module")
def addresses() -> list[str]:
    generated = generated_addresses(3_000, SEED, ALL_MESS_TYPES)
    return _tricky(3_000, SEED) + generated["address"].to_list()


def _same(a: pl.DataFrame, b: pl.DataFrame) -> None:
    assert a.columns == b.columns and a.height == b.height
    diff = pl.concat([a.with_row_index("row"), b.with_row_index("row")]).unique(keep="none").sort("row")
    assert diff.is_empty(), f"{diff['row'].n_unique()} rows differ:\n{diff.head(10)}"


def test_tail_path_equals_full_reader_on_tricky_inputs(addresses, reference):
    idx = index_for(reference)
    fast = resolve_addresses(addresses, index=idx)
    _same(fast, resolve_addresses(addresses, index=idx, by_tail=False))
    statuses = set(fast["status"])
    assert {"exact", "fuzzy", "split_review", "split_resolved", "scheme_review", "unresolved"} <= statuses


def test_comparison_fails_on_one_changed_row(addresses, reference):
    fast = resolve_addresses(addresses, index=index_for(reference))
    changed = fast.with_columns(status=pl.when(pl.int_range(pl.len()) == 7).then(pl.lit("x")).otherwise("status"))
    with pytest.raises(AssertionError, match="1 rows differ"):
        _same(fast, changed)


def test_one_mode_join_equals_per_row_modes(addresses, reference):
    """Rows without hint read alone (one mode: the raw tails joined once) equal the same rows read among
    rows of other modes (the (tail, mode) join)."""
    idx = index_for(reference)
    alone = resolve_addresses(addresses, index=idx)
    mixed = resolve_addresses(
        addresses + addresses, index=idx, scheme=[None] * len(addresses) + ["2025"] * len(addresses)
    )
    _same(alone, mixed.head(len(addresses)))
    assert not mixed.tail(len(addresses))["scheme"].eq("pre2025").any()


def test_split_evidence_from_the_reads_own_words(reference):
    """Addresses naming a split unit, with and without a gazetteer name of one of its parts (in the
    street part, in the tail, glued to other words): the reading with ``original=None`` equals the
    reading given the text's words, and some of them are placed by the evidence."""
    idx = index_for(reference)
    gazetteer = reference.gazetteer.select("old_uid", "name").join(
        reference.units_pre2025.select(old_uid="unit_uid", ward="name", district="district_name"), on="old_uid"
    )
    texts = []
    for _old, name, ward, district in gazetteer.head(200).iter_rows():
        texts += [
            f"12 {name}, {ward}, {district}",
            f"{ward}, {district}, 12 {name}",
            f"12 {name}{ward} {district}",
            f"{ward}, {district}",
        ]
    cleaned = pl.select(clean_expr(pl.lit(pl.Series(texts)))).to_series().to_list()
    placed = 0
    for text in cleaned:
        tokens = tokenise(text)
        lazy = parse_address(idx, text, None, tokens)
        given = parse_address(idx, text, " ".join(tokens.words), tokenise(text))
        assert (lazy.old_uid, lazy.new_uid, lazy.status, lazy.reason) == (
            given.old_uid,
            given.new_uid,
            given.status,
            given.reason,
        ), text
        placed += lazy.status == "split_resolved"
    assert placed > 50

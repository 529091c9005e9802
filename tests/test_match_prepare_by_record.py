"""A source column whose values are nearly all distinct (``prepare.BY_RECORD_SHARE``: the households' addresses and
book numbers) is transformed record by record, not on its distinct values, and ``ValueCodes`` codes its derived
columns in the records' order, not through a record per source code (``_through``): the same table, the same codes
and values either way (a transform's value is its text's; the codes number the same distinct values alike)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
from polars.testing import assert_frame_equal

import pipelines.match.compare as compare
import pipelines.match.prepare as prepare
from pipelines.match import load_spec
from pipelines.match.compare import ValueCodes
from pipelines.match.prepare import Prepared, derived_sources

SPEC = Path(__file__).resolve().parents[1] / "mappings" / "match" / "households.toml"


def _households(n: int = 400) -> pl.DataFrame:
    """Household records: every address but a few distinct (one missing, two blank-free repeats), book numbers
    distinct, heads' names repeating (few distinct: worked out on the distinct values either way)."""
    i = np.arange(n)
    streets = ["Hồng Bàng", "Nguyễn Văn Tạo", "BA THÁNG HAI", "Huỳnh Tấn Phát", "Bình Long"]
    address = [f"{k + 1} {streets[k % 5]}, Phường Chánh Nghĩa, Thành phố Thủ Dầu Một, BD" for k in i]
    address[7], address[9], address[11] = None, address[8], address[8]
    return pl.DataFrame(
        {
            "record_key": [f"h{k}" for k in i],
            "extract_date": pl.Series([None] * n, dtype=pl.Date),
            "household_no": [f"{100000000 + 7919 * k:09d}" for k in i],
            "head_name": [["Nguyễn Văn Tín", "Lê Hữu Khánh", "Trần Khánh Hoàng"][k % 3] for k in i],
            "head_personal_id": [f"{79000000000 + 104729 * k:012d}" if k % 4 else None for k in i],
            "members": (i % 7 + 1).astype(np.int32),
            "registered_on": pl.date_range(
                pl.date(2000, 1, 1), pl.date(2000, 1, 1) + pl.duration(days=n - 1), eager=True
            ),
            "address": address,
            "old_uid": ["a"] * n,
            "new_uid": [["2025:25747", "2025:25771", None][k % 3] for k in i],
        }
    )


COLUMNS = ("address__fold", "head_name__fold", "head_initials")


def _run(
    monkeypatch, share: float
) -> tuple[pl.DataFrame, Prepared, dict[str, tuple[np.ndarray, pl.Series]], list[str]]:
    """prepare's table and hand-over with ``BY_RECORD_SHARE`` at ``share``, the value codes of COLUMNS, and the columns
    ``compare._through`` coded (each call's)."""
    monkeypatch.setattr(prepare, "BY_RECORD_SHARE", share)  # (the one decision: ValueCodes reads prepare's)
    spec = load_spec(SPEC)
    prepared = Prepared()
    work = prepare.prepare(_households(), spec, prepared=prepared)
    seen: list[str] = []
    through = compare._through

    def recording(values, picked, place, checked=True):
        seen.append(values.name)
        return through(values, picked, place, checked)

    with monkeypatch.context() as patched:
        patched.setattr(compare, "_through", recording)
        codes = ValueCodes(work, derived_sources(spec), prepared)
        coded = {c: (codes.array(c), codes.values(c)) for c in COLUMNS}
        assert all(codes.follows(c, derived_sources(spec)[c]) for c in COLUMNS)
    return work, prepared, coded, seen


def test_nearly_distinct_sources_give_the_same_table_and_codes_by_record(monkeypatch):
    # the default share (0.9), then one past 1: every source worked out on its distinct values, as before
    work, prepared, codes, seen = _run(monkeypatch, prepare.BY_RECORD_SHARE)
    plain_work, plain_prepared, plain, plain_seen = _run(monkeypatch, 2.0)
    assert_frame_equal(work, plain_work)
    assert set(prepared.codes) == set(plain_prepared.codes) == {"address", "head_name", "household_no"}
    assert prepared.by_record == {"address", "household_no"} and plain_prepared.by_record == set()
    for source, (source_codes, by_code) in prepared.codes.items():
        assert source_codes.equals(plain_prepared.codes[source][0]), source
        assert by_code.equals(plain_prepared.codes[source][1]), source
    for column in COLUMNS:
        assert np.array_equal(codes[column][0], plain[column][0]), column
        assert codes[column][1].equals(plain[column][1]), column
    # the address (397 distinct of 400 records) coded in the records' order, the head's name (3 of 400) through its
    # source's codes; with the share past 1 both through the source
    assert "address__fold" not in seen and "head_name__fold" in seen
    assert "address__fold" in plain_seen and "head_name__fold" in plain_seen
    assert work["address__fold"][7] is None and work["address__fold"][9] == work["address__fold"][8]
    assert work["address__fold"][0] == "1 hong bang phuong chanh nghia thanh pho thu dau mot bd"


def test_every_source_by_record_gives_the_same_table(monkeypatch):
    work, prepared, codes, seen = _run(monkeypatch, 0.0)
    plain_work, _, plain, _ = _run(monkeypatch, 2.0)
    assert prepared.by_record == set(prepared.codes)
    assert_frame_equal(work, plain_work)
    for column in COLUMNS:
        assert np.array_equal(codes[column][0], plain[column][0]), column
        assert codes[column][1].equals(plain[column][1]), column
    assert seen == []  # (no column coded through its source)

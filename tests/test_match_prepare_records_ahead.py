"""A long source whose first values are nearly all distinct (``prepare.AHEAD_FROM``, ``AHEAD_SAMPLE``,
``AHEAD_SHARE``: the households' addresses and book numbers) is transformed record by record on one of prepare's
workers while its codes are worked out on the other (``prepare._records_ahead``), not after them: the same table,
codes and hand-over (``Prepared``) as the one task of codes then transforms, also where the codes then find the
source not nearly all distinct (``BY_RECORD_SHARE``: a transform's value is its text's)."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

import pipelines.match.prepare as prepare
from pipelines.match import load_spec
from pipelines.match.prepare import Prepared
from tests.test_match_prepare_by_record import SPEC, _households


def _prepared(monkeypatch, frame: pl.DataFrame, ahead_from: int) -> tuple[pl.DataFrame, Prepared, list[str]]:
    """prepare's table and hand-over with AHEAD_FROM at ``ahead_from``, and the sources that went ahead."""
    monkeypatch.setattr(prepare, "AHEAD_FROM", ahead_from)
    monkeypatch.setattr(prepare, "AHEAD_SAMPLE", 40)
    went: list[str] = []
    derived_of = prepare._derived_of

    def recording(column, once, outputs, records=None):
        if records is not None:
            went.append(column.name)
        return derived_of(column, once, outputs, records)

    with monkeypatch.context() as patched:
        patched.setattr(prepare, "_derived_of", recording)
        prepared = Prepared()
        work = prepare.prepare(frame, load_spec(SPEC), prepared=prepared)
    return work, prepared, went


def _same(first: tuple[pl.DataFrame, Prepared, list[str]], second: tuple[pl.DataFrame, Prepared, list[str]]) -> None:
    (work, prepared, _), (other, other_prepared, _) = first, second
    assert_frame_equal(work, other)
    assert prepared.by_record == other_prepared.by_record
    assert prepared.derived == other_prepared.derived
    assert set(prepared.codes) == set(other_prepared.codes)
    for source, (codes, by_code) in other_prepared.codes.items():
        assert prepared.codes[source][0].equals(codes) and prepared.codes[source][1].equals(by_code)


def test_nearly_distinct_sources_are_transformed_beside_their_codes(monkeypatch):
    frame = _households()
    frame = pl.concat([frame[20:], frame[:20]])  # (its missing and repeated addresses, rows 7-11, after the first 40)
    ahead = _prepared(monkeypatch, frame, 10)
    plain = _prepared(monkeypatch, frame, 10**9)
    # the addresses and the book numbers went ahead (all distinct in their first 40), not the heads' names (3 values)
    assert sorted(ahead[2]) == ["address", "household_no"] and plain[2] == []
    _same(ahead, plain)
    assert ahead[1].by_record == {"address", "household_no"}


def test_a_source_distinct_only_in_its_first_values_gives_the_same_table(monkeypatch):
    # the first 40 addresses distinct, then a handful repeated: ahead by its sample, not by record by its codes
    frame = _households()
    repeated = [f"{k % 5 + 1} Hồng Bàng, Phường Chánh Nghĩa, Thủ Dầu Một" for k in range(frame.height)]
    first = [f"{k + 1} Bình Long, Phường Chánh Nghĩa, Thủ Dầu Một" for k in range(40)]
    frame = frame.with_columns(pl.Series("address", [*first, *repeated[40:]]))
    ahead = _prepared(monkeypatch, frame, 10)
    plain = _prepared(monkeypatch, frame, 10**9)
    assert "address" in ahead[2]
    _same(ahead, plain)
    assert "address" not in ahead[1].by_record

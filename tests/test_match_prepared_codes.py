"""``prepare`` hands the value codes of its derived columns' sources to ``ValueCodes`` (``Prepared``): the derived
columns, gathered to the records by those codes, are coded through their source without comparing every record's
value with its code's, and the birth date's list keys are coded on one list per date and spread to the records
(``blocking._list_codes_through``). Exact: the same codes as without the hand-over (a list key's numbered otherwise,
the same partition of the same exploded rows); a table other than the one prepare returned is coded as before."""

from __future__ import annotations

import numpy as np
import polars as pl

import pipelines.match.compare as compare
from pipelines.match.blocking import _exact_codes, _list_codes_through, key_codes
from pipelines.match.compare import ValueCodes
from pipelines.match.prepare import Prepared, derived_sources, prepare
from tests.match_cases import background, people_spec  # noqa: F401 - the spec fixture


def _table(seed: int = 11) -> pl.DataFrame:
    """Background people, a few with a year-only birth date (its day keys missing) and a few with no name or date."""
    table = background(people=1500, seed=seed)
    coarse = pl.int_range(pl.len()) % 37 == 5
    return table.with_columns(
        pl.when(coarse).then(pl.lit("year")).otherwise(pl.lit("day")).alias("dob_precision"),
        pl.when(pl.int_range(pl.len()) % 53 == 7).then(None).otherwise(pl.col("full_name")).alias("full_name"),
        pl.when(pl.int_range(pl.len()) % 61 == 3).then(None).otherwise(pl.col("date_of_birth")).alias("date_of_birth"),
    )


def _checked(monkeypatch) -> list[bool]:
    """Records ``checked`` of every ``compare._through`` call."""
    seen: list[bool] = []
    through = compare._through

    def recording(values, picked, place, checked=True):
        seen.append(checked)
        return through(values, picked, place, checked)

    monkeypatch.setattr(compare, "_through", recording)
    return seen


def _same_partition(a: np.ndarray, b: np.ndarray) -> None:
    """Two codings of the same values: equal exactly where the other is (0 where missing in both)."""
    assert len(a) == len(b)
    assert np.array_equal(a == 0, b == 0)
    pairs = np.unique(np.stack([a, b]), axis=1)
    assert len(np.unique(pairs[0])) == len(np.unique(pairs[1])) == pairs.shape[1]


def test_prepare_hands_its_sources_codes_and_the_derived_columns_are_coded_unchecked(spec, monkeypatch):
    prepared = Prepared()
    work = prepare(_table(), spec, prepared=prepared)
    assert prepared.work is work
    # old_uid: the home comparison's old district is derived from it (people.toml since e202be7)
    assert set(prepared.codes) == {"full_name", "date_of_birth", "old_uid"}
    sources = derived_sources(spec)
    scalar = [c for c in sources if c in work.columns and not isinstance(work.schema[c], pl.List)]
    assert {"name", "given", "middle", "birth_date_any_order", "birth_month_day"} <= set(scalar)
    assert work["birth_month_day"].null_count() > work["date_of_birth"].null_count()  # year-only: no day key
    before = ValueCodes(work, sources)
    expected = {c: (before.array(c), before.get(c)[1]) for c in [*scalar, "full_name", "date_of_birth"]}
    seen = _checked(monkeypatch)
    handed = ValueCodes(work, sources, prepared)
    for column in scalar:
        seen.clear()
        assert np.array_equal(handed.array(column), expected[column][0]), column
        assert handed.get(column)[1].equals(expected[column][1]), column
        assert seen == [False], column  # coded through the source, the per-record check left out
    for source in ("full_name", "date_of_birth"):  # the source's codes prepare worked out: the same
        assert np.array_equal(handed.array(source), expected[source][0])
        assert handed.get(source)[1].equals(expected[source][1])


def test_list_keys_are_coded_per_date_and_spread_to_the_records(spec):
    prepared = Prepared()
    work = prepare(_table(seed=12), spec, prepared=prepared)
    handed = ValueCodes(work, derived_sources(spec), prepared)
    lists = [c for c in work.columns if isinstance(work.schema[c], pl.List)]
    assert set(lists) == {"birth_year_day_digit", "birth_year_keys", "given_deletions"}
    for column in lists:
        assert handed.built_from(column) is not None
        codes, positions, count = key_codes(work, [column], handed)[column]
        own_codes, own_positions, own_count = key_codes(work, [column])[column]  # exploded per record
        assert count == own_count
        assert np.array_equal(positions, own_positions)
        _same_partition(codes, own_codes)
        assert (codes == 0).any()  # missing dates and year-only dates' day keys: a missing row each


def test_another_table_than_prepares_is_coded_as_before(spec, monkeypatch):
    prepared = Prepared()
    work = prepare(_table(), spec, prepared=prepared)
    # one record's given name no longer its full name's: the hand-over is for prepare's table only
    changed = work.with_columns(pl.when(pl.col("_row") == 3).then(pl.lit("zzz")).otherwise("given").alias("given"))
    seen = _checked(monkeypatch)
    codes = ValueCodes(changed, derived_sources(spec), prepared)
    assert codes.built_from("birth_year_day_digit") is None
    given = codes.array("given")
    assert seen == [True]  # checked, and the check fell back to coding every record
    assert given[3] != 0 and (given == given[3]).sum() == 1
    assert not np.array_equal(given, ValueCodes(work, derived_sources(spec)).array("given"))


def test_a_blank_source_is_not_handed_on(spec):
    table = _table().with_columns(
        pl.when(pl.int_range(pl.len()) == 4).then(pl.lit("  ")).otherwise(pl.col("full_name")).alias("full_name")
    )
    prepared = Prepared()
    work = prepare(table, spec, prepared=prepared)
    assert work["full_name"][4] is None  # blank made missing after its derived columns were worked out
    assert "full_name" not in prepared.codes and "name" not in prepared.derived
    assert "date_of_birth" in prepared.codes


def test_list_codes_through_spreads_each_records_list_in_order():
    # lists of one per source code (an empty and a missing list among them), records in no order of their codes:
    # the same rows, positions and partition as the records' lists exploded and coded one by one
    by_code = [["a", "b"], [], None, ["b", "c", "a"], ["c"], ["a", "a"]]
    place = np.array([3, 0, 0, 5, 2, 1, 4, 3, 3, 0, 1, 2, 5], dtype=np.uint32)
    values = pl.Series("k", [by_code[c] for c in place], dtype=pl.List(pl.String))
    picked = pl.Series([int(np.flatnonzero(place == c)[-1]) for c in range(len(by_code))], dtype=pl.UInt32)
    codes, positions, count = _list_codes_through(values, picked, pl.Series(place))
    exploded = values.to_frame().with_row_index("_i").explode("k")
    own, own_count = _exact_codes(exploded["k"])
    assert count == own_count == 4
    assert positions.tolist() == exploded["_i"].to_list()
    _same_partition(codes, own)
    assert int((codes == 0).sum()) == 2  # the two records of the missing list (an empty list's explode no row here)

"""Value codes of a derived column worked out on its source's distinct values (``ValueCodes`` with ``sources``,
``compare._through``) are exact: equal values, equal codes, as when the column is coded on every record; a value
that is not its source value's (a record's own) falls back to coding every record; a year-only date's day keys
(missing) are told apart from a full date's through the precision. Blocking reads the same codes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

import pipelines.match.compare as compare
from pipelines.match.blocking import candidate_pairs
from pipelines.match.compare import ValueCodes
from pipelines.match.prepare import derived_sources, precision_column
from tests.match_cases import background, people_spec, people_work  # noqa: F401 - the spec and work fixtures


def _same_partition(codes: pl.Series, by_code: pl.Series, values: pl.Series) -> None:
    """Codes 1.. of ``values`` (null where missing), each code's value ``by_code``: exact."""
    assert codes.is_null().to_list() == values.is_null().to_list()
    present = codes.is_not_null()
    assert (
        by_code.gather(codes.filter(present) - 1).cast(values.dtype).equals(values.filter(present), check_names=False)
    )
    assert len(by_code) == values.drop_nulls().n_unique()


def _coded_lengths(monkeypatch) -> list[int]:
    """Records the length of every column ``compare._coded`` codes."""
    seen: list[int] = []
    coded = compare._coded

    def counting(values: pl.Series):
        seen.append(len(values))
        return coded(values)

    monkeypatch.setattr(compare, "_coded", counting)
    return seen


def test_derived_columns_coded_through_their_source_are_exact(work, spec, monkeypatch):
    sources = derived_sources(spec)
    scalar = [c for c in sources if c in work.columns and not isinstance(work.schema[c], pl.List)]
    assert {"name", "given", "family_middle", "birth_date_any_order", "full_name__fold__last_token"} <= set(scalar)
    seen = _coded_lengths(monkeypatch)
    codes = ValueCodes(work, sources)
    for column in scalar:
        seen.clear()
        _same_partition(*codes.get(column), work[column])
        # coded on one record per source value (the source itself coded once, before)
        assert seen and seen[-1] < work.height, column
        assert np.array_equal(codes.array(column), codes.get(column)[0].fill_null(0).to_numpy())


def test_a_value_not_its_sources_falls_back_to_every_record():
    # "d" is a function of "s" but for one record: coded on "s"'s distinct values, it would take its group's code
    work = pl.DataFrame({"s": ["a", "a", "b", "b", None, "c"], "d": ["x", "y", "z", "z", None, "x"]})
    codes = ValueCodes(work, {"d": "s"})
    _same_partition(*codes.get("d"), work["d"])
    assert codes.array("d")[0] != codes.array("d")[1]
    assert codes.array("d")[0] == codes.array("d")[5]


def test_a_year_only_dates_day_key_is_told_apart_through_its_precision(monkeypatch):
    day = dt.date(1990, 1, 1)
    work = pl.DataFrame(
        {
            "dob": [day, day, day, dt.date(1991, 3, 4), None],
            precision_column("dob"): ["day", "year", "day", "day", None],
            "md": ["01-01", None, "01-01", "03-04", None],  # missing for the year-only date (prepare)
        }
    )
    seen = _coded_lengths(monkeypatch)
    codes = ValueCodes(work, {"md": "dob"})
    _same_partition(*codes.get("md"), work["md"])
    assert seen[-1] == 4  # (date, precision) pairs: coded through them, no fallback
    assert codes.array("md").tolist()[:3] == [codes.array("md")[0], 0, codes.array("md")[0]]
    # without the precision the day key is not one per date: every record coded, still exact
    plain = ValueCodes(work.drop(precision_column("dob")), {"md": "dob"})
    _same_partition(*plain.get("md"), work["md"])


def test_blocking_with_the_shared_codes_finds_the_pairs_of_its_own(work, spec):
    shared = ValueCodes(work, derived_sources(spec))
    given, report = candidate_pairs(work, spec, shared)
    alone, alone_report = candidate_pairs(work, spec)
    uncoded, _ = candidate_pairs(work, spec, ValueCodes(work))  # no sources: every column coded on every record
    assert given.equals(alone) and given.equals(uncoded)
    assert report.pairs_per_rule == alone_report.pairs_per_rule
    assert "name" in shared._codes and "given" in shared._codes  # blocking coded them for the comparisons

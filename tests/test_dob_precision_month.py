"""A birth date known to its month only ('tháng 3 năm 1990', 'Jan 1997': staged since 36d56ce as the 1st of the month
with dob_precision 'month') was outside the declared values of dob_precision ('day', 'year'), and so of the people
review table's left_/right_dob_precision. A people review pair with such a record failed the restricted mart's gate
(marts_gates: expect_column_values_to_be_in_set on people_review), so `wardbridge run` published no marts, no exports
and no report (seen on the sample with one landed extract writing 'tháng M năm YYYY'). Now 'month' is declared."""

from __future__ import annotations

from pipelines.schema import review_table, staged_table
from quality.gx import validate
from tests.test_row_contracts import POP_COLUMNS, _csv, _load, _person, _stage


def test_every_precision_staging_writes_is_declared(tmp_path):
    dobs = ["tháng 3 năm 1990", "Jan 1997", "1996", "01/02/1980"]
    path = tmp_path / "p.csv"
    path.write_text(_csv([_person(str(i), dob=d) for i, d in enumerate(dobs, 1)]), encoding="utf-8")
    staged = _stage(_load(tmp_path, "population", "csv", path, POP_COLUMNS)).staged
    written = dict(zip(staged["source_key"], staged["dob_precision"], strict=True))
    assert written == {"1": "month", "2": "month", "3": "year", "4": "day"}
    declared = {f.name: f for f in staged_table("population").fields}["dob_precision"].allowed
    review = {f.name: f for f in review_table("people").fields}
    assert set(written.values()) <= set(declared)
    assert set(written.values()) <= set(review["left_dob_precision"].allowed)
    assert set(written.values()) <= set(review["right_dob_precision"].allowed)
    result = validate(staged_table("population"), staged)  # the gate a published table with them goes through
    assert result.passed, result.summary()

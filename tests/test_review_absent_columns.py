"""A review table written before its date columns were declared (left_/right_dob_precision, *_raw: eeb6260), e.g. the
1M warehouse matched before: ``Table.validate`` says which columns the table lacks and what to do (publish it again:
they are then null; run the step that writes it again: they are filled), instead of a bare "missing columns" that
stopped every other check, and still checks the rest. A column that was always declared is refused as before."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.schema import review_table

ADDED = ["left_dob_precision", "left_date_of_birth_raw", "right_dob_precision", "right_date_of_birth_raw"]


def _old_people_review(decision: str = "review") -> pl.DataFrame:
    """One people_review row as a warehouse matched before eeb6260 holds it: every column but the added ones."""
    table = review_table("people")
    row = {c: None for c in table.columns if c not in ADDED}
    row.update(
        left_id="a",
        right_id="b",
        match_probability=0.5,
        match_weight=0.0,
        decision=decision,
        evidence="name=exact",
        same_entity=False,
        left_date_of_birth=dt.date(1990, 1, 1),
    )
    return pl.DataFrame([row], schema={k: v for k, v in table.polars_schema.items() if k in row})


def test_the_added_columns_are_the_only_absent_ones_of_an_old_review_table():
    table = review_table("people")
    assert [f.name for f in table.fields if f.absent_as_null] == ADDED
    assert table.absent(_old_people_review()) == ADDED
    assert table.absent(table.cast(_old_people_review())) == []
    households = review_table("households")
    assert households.absent(pl.DataFrame(schema=households.polars_schema)) == []


def test_validate_names_the_absent_columns_and_what_to_do_and_checks_the_rest():
    table = review_table("people")
    problems = table.validate(_old_people_review())
    assert len(problems) == 1
    (problem,) = problems
    assert problem.startswith(f"people_review: columns {ADDED} absent")
    assert "materialise publish_marts, no re-match needed" in problem and "match_<kind>" in problem
    # the other constraints are still checked (before: 'missing columns' was reported alone)
    bad = table.validate(_old_people_review(decision="maybe"))
    assert len(bad) == 2 and "people_review.decision: 1 values outside ('review', 'refused')" in bad[1]
    # published again (cast: what the marts do), the table passes
    assert table.validate(table.cast(_old_people_review())) == []


def test_a_column_always_declared_is_still_refused_alone():
    table = review_table("people")
    assert table.validate(_old_people_review().drop("left_id")) == ["people_review: missing columns ['left_id']"]


def test_with_absent_adds_the_columns_null_and_leaves_the_rest_as_written():
    table = review_table("people")
    old = _old_people_review().with_columns(pl.col("match_weight").cast(pl.Float32))  # not the declared type
    filled = table.with_absent(old)
    assert filled.columns == [*old.columns, *ADDED]
    assert filled.select(ADDED).null_count().row(0) == (1, 1, 1, 1)
    assert filled.schema["left_dob_precision"] == table.polars_schema["left_dob_precision"]
    assert filled["match_weight"].dtype == pl.Float32  # a check reading it still sees the type written

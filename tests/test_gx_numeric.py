"""quality/gx.py hands GX numeric columns as numpy int64 / float64 (vectorised range checks) where
that changes no result: the same success, unexpected counts and example keys as Arrow-backed columns."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from pipelines.schema import Field, Table
from quality import gx as qgx
from quality import rules as qr


@pytest.fixture(scope="module", autouse=True)
def gx_loaded():
    qgx._gx()


def arrow_only(monkeypatch) -> None:
    """The conversion before: every column Arrow-backed."""
    monkeypatch.setattr(qgx, "_numpy_numeric", lambda part, columns, keys: {})


def outcomes(result: qgx.GateResult) -> list[tuple]:
    return sorted(
        (o.name, o.rule, o.columns, o.success, o.unexpected_count, o.element_count, o.examples) for o in result.outcomes
    )


AGE = Table("t", "", (Field("k", pl.String, "", required=True), Field("age", pl.Int32, "")), ("k",))


def test_range_on_a_nullable_integer_column_counts_as_before(monkeypatch):
    frame = pl.DataFrame(
        {"k": ["a", "b", "c", "d", "e"], "age": [5, 130, None, 120, -1]}, schema={"k": pl.String, "age": pl.Int32}
    )
    new = qgx.validate(AGE, frame, rules=[qr.between("age", 0, 120)])
    age = new.failed(rule="range")
    assert len(age) == 1 and not new.passed
    # two values out of range; the null is neither counted as unexpected nor made to fail
    assert age[0].unexpected_count == 2
    assert [x["k"] for x in age[0].examples] == ["b", "e"]
    arrow_only(monkeypatch)
    old = qgx.validate(AGE, frame, rules=[qr.between("age", 0, 120)])
    assert outcomes(new) == outcomes(old)
    # in range with a null: passes both ways
    ok = frame.with_columns(pl.col("age").clip(0, 120))
    monkeypatch.undo()
    assert qgx.validate(AGE, ok, rules=[qr.between("age", 0, 120)]).passed


def test_the_columns_gx_range_checks_vectorised_are_numpy_int64_or_float64():
    frame = pl.DataFrame(
        {
            "i32": pl.Series([1, 2, 3], dtype=pl.Int32),
            "i32_null": pl.Series([1, None, 3], dtype=pl.Int32),
            "f32_null": pl.Series([1.5, None, 3.0], dtype=pl.Float32),
            "f_nan": [1.0, float("nan"), None],  # a NaN that is not a null: GX would count it as missing
            "big_null": pl.Series([2**60, None, 1], dtype=pl.Int64),  # not exact in float64
            "u64_big": pl.Series([2**64 - 1, 0, 1], dtype=pl.UInt64),
            "key_null": pl.Series([1, None, 3], dtype=pl.Int64),  # a key: examples would read 1.0
            "s": ["x", None, "z"],
            "b": [True, None, False],
        }
    )
    got = qgx._numpy_numeric(frame, frame.columns, keys=("key_null",))
    assert {k: v.dtype for k, v in got.items()} == {
        "i32": np.dtype("int64"),
        "i32_null": np.dtype("float64"),
        "f32_null": np.dtype("float64"),
    }
    assert np.isnan(got["i32_null"][1]) and got["i32_null"][2] == 3.0


def test_outcomes_identical_to_arrow_backed_on_every_numeric_case(monkeypatch):
    n = 40
    i = pl.int_range(0, n)
    frame = pl.select(
        **{
            "k": pl.lit("r") + i.cast(pl.String),
            "count": i.cast(pl.Int16),
            "age": pl.when(i % 7 == 0).then(None).when(i % 11 == 0).then(150).otherwise(i).cast(pl.Int32),
            "score": pl.when(i % 5 == 0).then(None).otherwise(i / 4).cast(pl.Float32),
            "ratio": pl.when(i == 3).then(float("nan")).when(i == 4).then(None).otherwise(i / 40.0),
            "big": pl.when(i == 2).then(None).otherwise(pl.lit(2**60) + i * 1024).cast(pl.Int64),
            "huge": (pl.lit(2**64 - 1, dtype=pl.UInt64) - i.cast(pl.UInt64)),
            "code": pl.when(i % 9 == 0).then(None).otherwise(i % 4).cast(pl.Int8),
        }
    )
    table = Table(
        "nums",
        "",
        (
            Field("k", pl.String, "", required=True),
            Field("count", pl.Int16, "", required=True),
            Field("age", pl.Int32, "", required=True),  # nulls: the not-null check fails
            Field("score", pl.Float32, "", required=True),
            Field("ratio", pl.Float64, "", required=True),
            Field("big", pl.Int64, ""),
            Field("huge", pl.UInt64, ""),
            Field("code", pl.Int8, ""),
        ),
        ("k",),
    )
    in_set = qr.Rule(
        "codes", (qr.Expect("codes", "ExpectColumnValuesToBeInSet", {"column": "code", "value_set": [0, 1, 2]}),)
    )
    rules = [
        qr.between("count", 0, 30, rule="count_range"),
        qr.between("age", 0, 120, rule="age"),
        qr.between("score", 0.5, 8.25, rule="score_range"),
        qr.between("ratio", None, 0.5, rule="ratio_range"),
        qr.between("big", 2**60 + 5 * 1024, None, rule="big_range"),  # GX reads bounds as floats
        qr.between("huge", 2**64 - 10, None, rule="huge_range"),
        qr.unique("code", rule="code_unique"),
        in_set,
    ]

    def both_modes() -> list[list[tuple]]:
        got = [outcomes(qgx.validate(table, frame, rules=rules))]
        with monkeypatch.context() as m:  # per-column groups, and chunks (uniqueness then in Polars)
            m.setattr(qgx, "ONE_PASS_ROWS", 0)
            got.append(outcomes(qgx.validate(table, frame, rules=rules, chunk_rows=15)))
        return got

    new = both_modes()
    arrow_only(monkeypatch)
    assert new == both_modes()
    failed = {o[1] for o in new[0] if not o[3]}
    # the comparison covers failing range, not-null, set and uniqueness checks, not only passing ones
    assert {
        "count_range",
        "age",
        "score_range",
        "ratio_range",
        "big_range",
        "huge_range",
        "codes",
        "code_unique",
    } <= failed
    assert {"required"} <= failed

"""quality/gx.py splits a big chunk's suite into sub-suites: column existence on the chunk's columns with no
rows, every null count in one run, the other expectations per column. quality/rules.py proves uniqueness by
distinct hashes before counting distinct values. Both must give exactly the outcomes of the whole suite."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pipelines.schema import Field, Table
from quality import gx as qgx
from quality import rules as qr

T = Table(
    "t",
    "",
    (
        Field("k", pl.String, "", required=True),
        Field("a", pl.String, "", required=True),
        Field("b", pl.Int64, "", required=True),
        Field("sex", pl.String, "", allowed=("M", "F")),
        Field("note", pl.String, ""),
        Field("gone", pl.String, ""),  # declared, missing from the frame
        Field("born", pl.Date, ""),
    ),
    ("k",),
)
RULES = [qr.age_range("born", as_of=date(2026, 1, 1))]


@pytest.fixture(scope="module", autouse=True)
def gx_loaded():
    qgx._gx()


def bad_frame() -> pl.DataFrame:
    n = 40
    return pl.DataFrame(
        {
            "k": [f"r{i:03d}" for i in range(n)],
            "a": [None if i in (3, 17) else f"x{i}" for i in range(n)],
            "b": [None if i == 5 else i for i in range(n)],
            "sex": ["?" if i == 8 else "MF"[i % 2] for i in range(n)],
            "note": [None] * n,
            "born": [date(1800, 1, 1) if i == 30 else date(1990, 1, 1) for i in range(n)],
        },
        schema={"k": pl.String, "a": pl.String, "b": pl.Int64, "sex": pl.String, "note": pl.String, "born": pl.Date},
    )


def outcomes(result: qgx.GateResult) -> list[tuple]:
    return sorted(
        (o.name, o.rule, o.columns, o.success, o.unexpected_count, o.element_count, o.examples, o.error)
        for o in result.outcomes
    )


def test_sub_suites_give_the_whole_suites_outcomes(monkeypatch):
    frame = bad_frame()
    whole = qgx.validate(T, frame, rules=RULES)  # 40 rows: the whole suite in one GX run
    seen: list[tuple[int, tuple[str, ...]]] = []
    convert = qgx._GxRun._pandas

    def recording(self, part, columns, index):  # noqa: ANN001, ANN202
        seen.append((part.height, tuple(columns)))
        return convert(self, part, columns, index)

    monkeypatch.setattr(qgx._GxRun, "_pandas", recording)
    monkeypatch.setattr(qgx, "ONE_PASS_ROWS", 0)  # as for a big table
    split = qgx.validate(T, frame, rules=RULES)
    assert outcomes(split) == outcomes(whole)
    failed = {(o.rule, o.columns): o for o in split.failures}
    # each failure still named with its rows' keys
    assert [x["k"] for x in failed[("required", ("a",))].examples] == ["r003", "r017"]
    assert [x["k"] for x in failed[("required", ("b",))].examples] == ["r005"]
    assert [x["k"] for x in failed[("allowed", ("sex",))].examples] == ["r008"]
    assert [x["k"] for x in failed[("age_range", ("born",))].examples] == ["r030"]
    assert not failed[("exists", ("gone",))].success
    # existence was validated on the frame's columns without rows; the null counts of a and b in one run
    assert any(rows == 0 and set(frame.columns) <= set(cols) for rows, cols in seen)
    assert (frame.height, ("a", "b")) in seen or (frame.height, ("k", "a", "b")) in seen
    assert not any(rows and cols == ("note",) for rows, cols in seen)  # 'note' needs no values


def test_every_passing_chunk_passes_split_too(monkeypatch):
    good = bad_frame().with_columns(
        a=pl.col("a").fill_null("y"),
        b=pl.col("b").fill_null(0),
        sex=pl.lit("M"),
        born=pl.lit(date(1990, 1, 1)),
        gone=pl.lit(None, pl.String),
    )
    monkeypatch.setattr(qgx, "ONE_PASS_ROWS", 0)
    result = qgx.validate(T, good, rules=RULES, chunk_rows=15)  # 3 chunks
    assert result.passed, result.summary()
    assert result.chunks == 3


@pytest.mark.parametrize("cols", [["k"], ["k", "a"]])
def test_uniqueness_falls_back_to_the_exact_count_when_hashes_repeat(monkeypatch, cols):
    """Distinct hashes prove distinct keys; a repeated hash (here: every hash equal, as in a collision) must
    not make unique keys a duplicate, and real duplicates are found either way."""
    frame = bad_frame().with_columns(a=pl.col("a").fill_null("y")).reverse()  # unsorted keys
    dup = pl.concat([frame, frame.slice(2, 1)])
    for collide in (False, True):
        if collide:
            monkeypatch.setattr(
                pl.Series, "hash", lambda self, *a, **k: pl.Series(self.name, [0] * len(self), pl.UInt64)
            )
            monkeypatch.setattr(
                pl.Expr, "hash", lambda self, *a, **k: pl.lit(0, pl.UInt64).repeat_by(pl.len()).explode()
            )
        assert qr._has_duplicates(frame, cols) is False
        assert qr._has_duplicates(dup, cols) is True

"""A golden birth date prefers the most precise date the entity's records agree with.

Staging keeps 'Jan 1997' as 1997-01-01 with dob_precision 'month' and '1996' as 1996-01-01 with 'year'. Counted
as plain values, a person with 22/01/1997 in an older extract and 'Jan 1997' in a newer one tied 1-1 and the newer
won, so the golden record (and the public-security export) said 1997-01-01.
"""

from __future__ import annotations

import datetime as dt
import random

import polars as pl

from pipelines.match import entities, load_spec
from pipelines.match.entities import golden_records
from pipelines.warehouse import REPO_ROOT

SPEC = load_spec(REPO_ROOT / "mappings" / "match" / "people.toml")
D = dt.date


def _golden(records: list[tuple[str, dt.date | None, str | None, str]]) -> pl.DataFrame:
    """records: (entity, date_of_birth, dob_precision, extract_date); one record per row."""
    frame_columns = ("full_name", "date_of_birth", "dob_precision")
    frame = pl.DataFrame(
        {
            "record_key": [f"r{i}" for i in range(len(records))],
            "full_name": ["An"] * len(records),
            "date_of_birth": [r[1] for r in records],
            "dob_precision": [r[2] for r in records],
            "extract_date": [r[3] for r in records],
        },
        schema_overrides={"date_of_birth": pl.Date, "dob_precision": pl.String},
    ).with_columns(pl.lit(None, pl.String).alias(c) for c in SPEC.survivorship if c not in frame_columns)
    entity_ids = pl.Series([r[0] for r in records])
    return golden_records(frame, entity_ids, SPEC).sort("entity_id")


def _dates(golden: pl.DataFrame) -> dict[str, dt.date | None]:
    return dict(zip(golden["entity_id"], golden["date_of_birth"], strict=True))


def test_a_full_date_wins_over_the_newer_month_or_year_only_one_of_the_same_person():
    golden = _golden(
        [
            ("A", D(1997, 1, 22), "day", "2024-01-01"),
            ("A", D(1997, 1, 1), "month", "2025-09-20"),  # 'Jan 1997', newer
            ("B", D(1996, 5, 3), "day", "2024-01-01"),
            ("B", D(1996, 1, 1), "year", "2025-09-20"),  # '1996', newer
            ("C", D(1990, 1, 1), "year", "2025-09-20"),  # '1990' twice, a full date once: it agrees with both
            ("C", D(1990, 1, 1), "year", "2025-09-21"),
            ("C", D(1990, 8, 9), "day", "2023-01-01"),
        ]
    )
    assert _dates(golden) == {"A": D(1997, 1, 22), "B": D(1996, 5, 3), "C": D(1990, 8, 9)}
    # the golden precision is the winning date's (people.toml lists dob_precision in [survivorship])
    assert golden["dob_precision"].to_list() == ["day", "day", "day"]


def test_the_golden_precision_follows_the_golden_date_never_chosen_on_its_own():
    golden = _golden(
        [
            ("I", D(1960, 1, 1), "year", "2024-01-01"),
            ("I", D(1960, 1, 1), "year", "2025-01-01"),
            ("J", D(1961, 1, 1), "day", "2024-01-01"),  # a single record keeps its own precision
            ("K", D(1962, 3, 1), "month", "2024-01-01"),  # 'day' twice on a date of another month: most frequent
            ("K", D(1963, 4, 4), "day", "2025-01-01"),  # precision is 'day', yet the month-only date wins
            ("K", D(1962, 3, 1), "month", "2025-02-01"),
        ]
    )
    assert dict(zip(golden["entity_id"], golden["dob_precision"], strict=True)) == {
        "I": "year",
        "J": "day",
        "K": "month",
    }


def test_a_coarse_date_wins_only_where_nothing_finer_agrees_with_it():
    golden = _golden(
        [
            # a year-only date of another year does not vote for the full date: two 1985 records outvote it
            ("D", D(1985, 1, 1), "year", "2025-09-20"),
            ("D", D(1985, 1, 1), "year", "2025-09-21"),
            ("D", D(1986, 4, 4), "day", "2024-01-01"),
            # a month-only date agrees with a full date of its month only
            ("E", D(1970, 2, 1), "month", "2025-09-20"),
            ("E", D(1970, 3, 5), "day", "2024-01-01"),
            # both dates 1 January: the full one (day) wins the tie over the year-only one, though older
            ("F", D(2001, 1, 1), "year", "2025-09-20"),
            ("F", D(2001, 1, 1), "day", "2020-01-01"),
        ]
    )
    # E: each value has one vote; the tie goes to the finer date
    assert _dates(golden) == {"D": D(1985, 1, 1), "E": D(1970, 3, 5), "F": D(2001, 1, 1)}


def test_full_dates_alone_keep_plain_most_frequent_with_the_newer_record_winning_a_tie():
    golden = _golden(
        [
            ("G", D(1980, 1, 2), "day", "2024-01-01"),
            ("G", D(1980, 2, 1), "day", "2025-01-01"),
            ("H", D(1975, 6, 6), None, "2024-01-01"),  # no precision written: a full date
            ("H", D(1975, 6, 6), "day", "2025-01-01"),
            ("H", D(1975, 7, 7), "day", "2025-02-01"),
        ]
    )
    assert _dates(golden) == {"G": D(1980, 2, 1), "H": D(1975, 6, 6)}
    assert golden["dob_precision"].to_list() == ["day", "day"]  # H's winner has a record saying 'day'


def test_a_precision_no_record_gives_stays_missing_in_merged_entities_as_in_single_ones():
    golden = _golden([("M", D(1999, 9, 9), None, "2024-01-01"), ("M", D(1999, 9, 9), None, "2025-01-01")])
    golden = pl.concat([golden, _golden([("N", D(1998, 8, 8), None, "2024-01-01")])])
    assert golden["dob_precision"].to_list() == [None, None]  # merged M was 'day' (HV1's finding)


def test_a_categorical_precision_column_keeps_its_type_in_merged_and_single_entities():
    """A Parquet input keeps dob_precision Categorical (or Enum): the merged entities' precision came back String
    and stacking them onto the single-record ones failed (SchemaError, HV1's finding)."""
    rows = [("A", D(1997, 1, 22), "day", "2024-01-01"), ("A", D(1997, 1, 1), "month", "2025-09-20")]
    rows.append(("B", D(1990, 1, 1), "year", "2024-01-01"))
    for dtype in (pl.Categorical, pl.Enum(["day", "month", "year"])):
        frame = pl.DataFrame(
            {
                "record_key": ["r0", "r1", "r2"],
                "date_of_birth": [r[1] for r in rows],
                "dob_precision": [r[2] for r in rows],
                "extract_date": [r[3] for r in rows],
            },
            schema_overrides={"date_of_birth": pl.Date, "dob_precision": dtype},
        ).with_columns(
            pl.lit(None, pl.String).alias(c) for c in SPEC.survivorship if c not in ("date_of_birth", "dob_precision")
        )
        golden = golden_records(frame, pl.Series([r[0] for r in rows]), SPEC).sort("entity_id")
        assert golden["dob_precision"].dtype == dtype
        assert golden["dob_precision"].cast(pl.String).to_list() == ["day", "year"]


def _agreeing_by_every_pair(frame: pl.DataFrame, recency: str | None) -> pl.DataFrame:
    """The most_frequent dated survivorship written plainly (as before HS31's ``_votes``): each candidate date joined
    to every record of its entity, and the records that agree with it (of its precision or coarser, holding it cut to
    theirs) counted."""
    names = {v: k for k, v in entities.FINENESS.items()}
    base = frame.filter(pl.col("dob").is_not_null()).with_columns(
        pl.col("p").replace_strict(entities.FINENESS, default=0, return_dtype=pl.UInt8).alias("_fine")
    )
    tie = [pl.col(recency).max().alias("_recent")] if recency else []
    known = pl.col("p").is_not_null().any().alias("_known")
    candidates = base.group_by("_g", "dob", "_fine").agg(pl.col("_order").min().alias("_first"), known, *tie)
    cut = pl.col("dob")
    for level, every in entities._TRUNCATE.items():
        cut = pl.when(pl.col("_rf") == level).then(pl.col("dob").dt.truncate(every)).otherwise(cut)
    votes = (
        candidates.join(base.select("_g", pl.col("dob").alias("_r"), pl.col("_fine").alias("_rf")), on="_g")
        .filter((pl.col("_rf") >= pl.col("_fine")) & (cut == pl.col("_r")))
        .group_by("_g", "dob", "_fine")
        .agg(pl.len().alias("_n"))
    )
    order = ["_n", "_fine", *(["_recent"] if recency else []), "_first"]
    ranked = candidates.join(votes, on=["_g", "dob", "_fine"]).sort(
        ["_g", *order], descending=[False, True, False, *([True] if recency else []), False]
    )
    return ranked.unique("_g", keep="first", maintain_order=True).select(
        "_g", "dob", pl.when("_known").then(pl.col("_fine").replace_strict(names, return_dtype=pl.String)).alias("p")
    )


def test_agreeing_records_counted_from_the_dates_counts_equal_every_pair_compared():
    # entities of 1-6 records, days, months, years, missing and unknown precisions, coarse dates not cut to their
    # precision (day 15 of a 'year' date), missing dates and recencies, tied counts: _survive_dated's winners are
    # those of comparing every candidate date with every record of its entity. The 150 cases' entities are compared
    # in one frame (case c's entities numbered from 32 c; each case's records shuffled, in their order in the
    # frame): an entity's winner depends on its own records only. The cases short of month or year dates (_votes
    # skips a precision no candidate has, which a frame of all the cases never does) are compared alone as well.
    rng = random.Random(7)
    frames, alone = [], []
    for case in range(150):
        rows = []
        for g in range(rng.randint(1, 25)):
            for _ in range(rng.randint(1, 6)):
                precision = rng.choice(["day", "day", "month", "year", None, "odd"])
                month, day = rng.choice([1, 2, 5]), rng.choice([1, 2, 15])
                if rng.random() < 0.8:  # mostly stored as staging stores them: a coarse date on its first day
                    day = 1 if precision in ("month", "year") else day
                    month = 1 if precision == "year" else month
                date = None if rng.random() < 0.1 else D(rng.choice([1990, 1991]), month, day)
                recent = D(2020, 1, rng.randint(1, 3)) if rng.random() < 0.9 else None
                rows.append((32 * case + g, date, precision, recent))
        frame = pl.DataFrame(
            {k: [r[i] for r in rows] for i, k in enumerate(("_g", "dob", "p", "rec"))},
            schema={"_g": pl.UInt32, "dob": pl.Date, "p": pl.String, "rec": pl.Date},
        ).sample(fraction=1.0, shuffle=True, seed=case)
        frames.append(frame)
        if not {"month", "year"} <= set(frame.filter(pl.col("dob").is_not_null())["p"]):
            alone.append(frame)
    assert len(alone) >= 10
    ordered = pl.int_range(pl.len(), dtype=pl.UInt32).alias("_order")
    for frame in [pl.concat(frames), *alone]:
        frame = frame.with_columns(ordered)
        for recency in ("rec", None):
            want = _agreeing_by_every_pair(frame, recency)
            got = entities._survive_dated(frame, "dob", "p", "most_frequent", recency, "_g")
            differ = got.join(want, on=pl.all(), how="anti", nulls_equal=True)["_g"]
            assert got.equals(want), f"case {differ.min() // 32 if differ.len() else None}, recency {recency}"

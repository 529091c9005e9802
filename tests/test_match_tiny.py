"""A tiny registry (a handful of records): u is counted on every pair no blocking rule proposes, so the
duplicates a small table is full of do not make agreement look common."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from pipelines.match import load_spec, match
from pipelines.match.model import estimate_u
from pipelines.match.prepare import prepare
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background, frame, person_row

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"
D = dt.date


@pytest.fixture(scope="module")
def spec():
    return load_spec(PEOPLE_SPEC)


def tiny() -> pl.DataFrame:
    """Eight records: three namesakes (different people), one person registered twice (identical records with
    the same CCCD, rows 3 and 4: a pair the 28 random pairs drawn before held), and three others."""
    r = person_row
    return frame(
        [
            r(
                "an-1",
                "an1",
                "Nguyễn Văn An",
                D(1980, 1, 5),
                "M",
                pid="079080000101",
                household="1",
                address="1 Lê Lợi",
            ),
            r(
                "an-2",
                "an2",
                "Nguyễn Văn An",
                D(1992, 7, 9),
                "M",
                pid="079092000102",
                household="2",
                address="2 Lê Lợi",
            ),
            r("an-3", "an3", "Nguyễn Văn An", D(1975, 3, 2), "M", household="3", address="3 Nguyễn Huệ"),
            r(
                "dup-1",
                "dup",
                "Hoàng Ngọc Anh",
                D(1995, 12, 3),
                "F",
                pid="079195000107",
                household="7",
                address="7 Lê Lợi",
            ),
            r(
                "dup-2",
                "dup",
                "Hoàng Ngọc Anh",
                D(1995, 12, 3),
                "F",
                pid="079195000107",
                household="7",
                address="7 Lê Lợi",
            ),
            r(
                "lan",
                "lan",
                "Trần Thị Lan",
                D(1988, 4, 4),
                "F",
                pid="079188000104",
                household="4",
                address="4 Võ Văn Tần",
            ),
            r("hung", "hung", "Lê Minh Hùng", D(1960, 8, 1), "M", household="5", address="5 Hai Bà Trưng"),
            r("mai", "mai", "Phạm Thu Mai", D(2001, 2, 28), "F", household="6", address="6 Lý Thường Kiệt"),
        ]
    )


def test_a_tiny_registrys_identical_duplicate_with_one_id_is_linked(spec):
    result = match(tiny(), spec)
    ids = dict(result.records.select("record_id", "entity_id").iter_rows())
    assert ids["dup-1"] == ids["dup-2"]  # before: u from 28 random pairs, the pair went to review
    assert len({ids[k] for k in ("an-1", "an-2", "an-3", "lan", "hung", "mai", "dup-1")}) == 7  # namesakes apart
    pair = result.pairs.filter((pl.col("left_id") == "dup-1") & (pl.col("right_id") == "dup-2"))
    assert pair["decision"].cast(pl.String).item() == "link"


@pytest.mark.parametrize("records", [0, 1])
def test_a_registry_of_no_or_one_record_gives_as_many_entities_and_no_pair(spec, records):
    # (no record: the term frequencies' count per value code once failed on an empty table, IndexError)
    result = match(tiny().head(records), spec)
    assert result.records.height == result.entities.height == records
    assert result.pairs.height == result.review.height == 0


def test_tiny_u_is_counted_on_every_pair_outside_the_candidates_and_sums_to_one(spec):
    work = prepare(tiny(), spec)
    candidates = pl.DataFrame({"l": [0, 3], "r": [1, 4]}, schema={"l": pl.UInt32, "r": pl.UInt32})
    u, counted = estimate_u(work, spec, candidates=candidates)
    assert counted == 8 * 7 // 2 - 2  # each pair once, the candidates left out
    for name, levels in u.items():
        assert np.isclose(levels.sum(), 1.0), name
        assert (levels > 0).all() and (levels < 1).all(), name  # no level certain or impossible
    # the CCCD is shared by no pair counted (the duplicate's pair is a candidate): its agreement has the floor,
    # like an ID one digit off, not the share of a pair drawn among a few
    assert u["ids"][0] == u["ids"][1] < 0.1


def test_no_pair_left_to_count_gives_uniform_u_not_a_division_by_zero(spec):
    work = prepare(tiny().head(2), spec)
    candidates = pl.DataFrame({"l": [0], "r": [1]}, schema={"l": pl.UInt32, "r": pl.UInt32})
    u, counted = estimate_u(work, spec, candidates=candidates)
    assert counted == 0
    for levels in u.values():
        assert np.allclose(levels, 1.0 / len(levels))


def test_a_table_larger_than_its_u_sample_still_samples_at_random(spec):
    # over 447 records have more pairs than the 100,000 counted: random pairs, candidates not looked at
    work = prepare(background(people=600), spec)
    assert work.height * (work.height - 1) // 2 > spec.u_min_pairs
    u, counted = estimate_u(
        work, spec, candidates=pl.DataFrame({"l": [0], "r": [1]}, schema={"l": pl.UInt32, "r": pl.UInt32})
    )
    assert counted == spec.u_min_pairs
    plain, _ = estimate_u(work, spec)
    assert all(np.array_equal(u[name], plain[name]) for name in plain)

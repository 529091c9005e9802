"""``u_exact_floor``: the least u of a level counted exactly over every pair (``model._exact_counts``).

Such a level's u is the share of all pairs at it, from the values' frequencies; by default it is still floored at
half a random pair (``sample``), as if it had been counted on the random pairs. An exact 9-digit book number is
shared by about two ordered pairs per duplicate among n (n - 1), so its u falls as 1/n while that floor stays at
0.5 / u_sample_pairs: the weight stopped at log2(2 m u_sample_pairs), about 20.5 bits on the households spec's
1,000,000 pairs, while the prior fell from -22.8 bits (1M city, 309,092 household records) to about -26.7 bits (14M
city, 4,327,101). ``table`` floors those levels at half a pair of the table instead (households.toml sets it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import math
import random
import tomllib
from pathlib import Path

import polars as pl
import pytest

from pipelines.match import load_spec
from pipelines.match.compare import ValueCodes
from pipelines.match.model import _exact_counts, estimate_u
from pipelines.match.prepare import derived_sources, prepare
from pipelines.match.spec import SpecError, parse_spec
from pipelines.match.state import spec_fingerprint

SPEC = Path(__file__).resolve().parents[1] / "mappings" / "match" / "households.toml"
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Quốc", "Ngọc"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Lan", "Mai", "Nam", "Phong", "Tâm", "Thắm", "Vy"]


def households(n: int, seed: int = 5) -> pl.DataFrame:
    """``n`` household records with random 9-digit book numbers and 12-digit head IDs, one in fifty exported twice
    (the same book, head and size; another address)."""
    rnd = random.Random(seed)
    rows = []
    while len(rows) < n:
        row = {
            "household_no": f"{rnd.randrange(10**9):09d}",
            "head_name": f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}",
            "head_personal_id": f"079{rnd.randrange(10**9):09d}" if rnd.random() < 0.8 else None,
            "registered_on": dt.date(1995, 1, 1) + dt.timedelta(days=rnd.randrange(11_000)),
            "members": rnd.randint(1, 8),
            "address": f"{rnd.randint(1, 300)} Đường {rnd.choice(GIVEN)}",
            "old_uid": f"pre2025:{rnd.randint(26700, 26800)}",
            "new_uid": None,
            "extract_date": dt.date(2025, 8, 31),
        }
        rows.append(row)
        if rnd.random() < 0.02:
            rows.append(row | {"address": f"{rnd.randint(1, 300)} Đường {rnd.choice(GIVEN)}"})
    frame = pl.DataFrame(rows[:n], schema_overrides={"new_uid": pl.String, "members": pl.Int32})
    return frame.with_row_index("record_key").with_columns(pl.format("h{}", "record_key").alias("record_key"))


@pytest.fixture(scope="module")
def spec():
    # u counted on few random pairs, so that half a random pair lies far above an exact book number's share
    return dataclasses.replace(load_spec(SPEC), u_sample_pairs=2_000, u_min_pairs=2_000, u_pairs_per_record=1)


def _book_exact(spec, n: int) -> tuple[float, float, int]:
    """u of an exact book number, its share of the pairs (value frequencies) and the random pairs u was counted on."""
    work = prepare(households(n), spec)
    u, pairs = estimate_u(work, spec)
    comp = next(c for c in spec.scored_comparisons if c.name == "household_no")
    found = _exact_counts(work, comp, ValueCodes(work, derived_sources(spec)))
    assert found is not None and comp.levels[0].kind == "exact" and 0 in found.levels
    return float(u["household_no"][0]), found.levels[0] / found.present, pairs


def test_the_households_spec_floors_exact_levels_at_half_a_pair_of_the_table():
    assert load_spec(SPEC).u_exact_floor == "table"
    assert tomllib.loads(SPEC.read_text(encoding="utf-8"))["match"]["u_exact_floor"] == "table"


def test_an_exact_book_numbers_u_is_its_share_of_the_pairs_not_half_a_random_pair(spec):
    u, share, pairs = _book_exact(spec, 6_000)
    floor = 0.5 / pairs
    assert 0 < share < floor / 10  # (the test can tell the two apart)
    assert u == pytest.approx(share)
    sampled = dataclasses.replace(spec, u_exact_floor="sample")
    u_sampled, _, _ = _book_exact(sampled, 6_000)
    assert u_sampled == pytest.approx(floor)  # the ceiling the key lifts


def test_an_exact_book_numbers_weight_grows_with_the_table_as_the_prior_falls(spec):
    small, _, _ = _book_exact(spec, 3_000)
    large, _, _ = _book_exact(spec, 12_000)
    # duplicates grow as n, pairs as n^2: u about four times smaller on four times the records (two bits more)
    assert math.log2(small / large) == pytest.approx(2.0, abs=0.5)
    sampled = dataclasses.replace(spec, u_exact_floor="sample")
    assert _book_exact(sampled, 3_000)[0] == _book_exact(sampled, 12_000)[0]  # stuck at the floor


def test_a_level_no_pair_of_the_table_holds_gets_half_a_pair_of_the_table(spec):
    frame = households(3_000)
    frame = frame.with_columns(
        pl.format("{}", pl.int_range(pl.len()).cast(pl.String).str.zfill(9)).alias("household_no")
    )
    work = prepare(frame, spec)  # every book number its own: no pair agrees
    comp = next(c for c in spec.scored_comparisons if c.name == "household_no")
    found = _exact_counts(work, comp, ValueCodes(work, derived_sources(spec)))
    assert found.levels[0] == 0
    u, _ = estimate_u(work, spec)
    assert u["household_no"][0] == pytest.approx(0.5 / found.present)


def test_the_key_takes_sample_or_table_and_changes_the_fingerprint_only_when_set():
    raw = tomllib.loads(SPEC.read_text(encoding="utf-8"))
    with pytest.raises(SpecError, match=r"\[match\].*u_exact_floor"):
        parse_spec(raw | {"match": raw["match"] | {"u_exact_floor": "random"}})
    plain = parse_spec(raw | {"match": {k: v for k, v in raw["match"].items() if k != "u_exact_floor"}})
    assert plain.u_exact_floor == "sample"
    assert spec_fingerprint(plain) == hashlib.sha256(repr(plain).encode()).hexdigest()[:16]  # as before the key
    assert spec_fingerprint(parse_spec(raw)) != spec_fingerprint(plain)

"""The exports' age gate (birth dates in clear give ages 0-120 at the marts' reference date, the population's
latest extract) refused birth dates that staging keeps: staging keeps a birth date up to 120 years before the
record's OWN extract date, so a person aged 119 in an older extract (a backfill of 2024-01-01) is 121 at a
reference date of 2025-08-31. One such record failed the whole public_security gate: 'export not published ...
age_range: 1 of 10519 rows' (measured: the sample's catalogue plus a 2024-01-01 extract holding one person born
1904-02-01), and nobody could repair it (the record is valid and queued nowhere). Now the gate's upper age is the
age at the reference date of someone born 120 years before the oldest staged population extract (120 when every
extract is of the reference date, as in the sample); a birth date staging refuses still fails the gate."""

from __future__ import annotations

from datetime import date

import polars as pl

from pipelines.publish.exports import GateContext, gate_rules, load_declarations, oldest_population_extract
from pipelines.warehouse import PartitionedLayer, Warehouse

REFERENCE, OLDER = date(2025, 8, 31), date(2024, 1, 1)


def _context(oldest: date | None) -> GateContext:
    return GateContext((), (), (), (), REFERENCE, {}, {}, oldest_extract=oldest)


def _age_rule(ctx: GateContext):
    (population,) = [r for r in load_declarations()["public_security"].resources if r.name == "population"]
    (rule,) = [r for r in gate_rules(population, ctx) if r.name == "age_range"]
    (expect,) = rule.items
    return expect


def _ages_pass(expect, births: list[date]) -> list[bool]:
    frame = pl.DataFrame({"date_of_birth": births})
    (derive,) = expect.derive.values()
    low, high = expect.kwargs["min_value"], expect.kwargs["max_value"]
    return [low <= age <= high for age in derive(frame)]


def test_a_birth_date_staged_in_an_older_extract_passes_the_age_gate():
    expect = _age_rule(_context(OLDER))
    staged_ok = date(1904, 2, 1)  # 119 at its 2024-01-01 extract: staged; 121 at the reference date
    refused = date(1903, 6, 1)  # over 120 years before 2024-01-01: staging refuses it, the gate too (122)
    assert _ages_pass(expect, [staged_ok, refused, date(2025, 8, 1), date(2025, 9, 1)]) == [True, False, True, False]


def test_extracts_of_the_reference_date_keep_the_120_years():
    for oldest in (REFERENCE, None):
        expect = _age_rule(_context(oldest))
        assert expect.kwargs["max_value"] == 120
        assert _ages_pass(expect, [date(1905, 8, 31), date(1904, 8, 31)]) == [True, False]  # 120, 121


def test_the_oldest_population_extract_is_read_from_the_staged_partitions(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    assert oldest_population_extract(wh) is None  # nothing staged: the gate keeps 120 years
    layer = PartitionedLayer(wh, "staged")
    for key, day in (("a@2025-08-31", REFERENCE), ("b@2024-01-01", OLDER)):
        path = layer.path("staged_population", key)
        path.parent.mkdir(parents=True, exist_ok=True)
        pl.DataFrame({"extract_date": [day, day]}).write_parquet(path)
    assert oldest_population_extract(wh) == OLDER

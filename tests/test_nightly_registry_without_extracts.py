"""The nightly refresh when a registry has no extract at all (HR1, session 64): its catalogue sources match no file, so
the landing sensor deleted its partitions and its nightly ingest schedule skips. The assets downstream of ingest must
still run (its entities step retires the old extracts: assets/entities.py)."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from assets.ingest import CATALOGUE_ENV, catalogue_keys, partitions_name
from pipelines.schema import REGISTRY_KINDS
from tests.instancehelpers import copied_instance_for_test

ICT = dt.timezone(dt.timedelta(hours=7))
KEYS = ("address_corrections", "review_decisions", "households_entities", "people_entities", "analytics_mart")


def _catalogue(tmp, monkeypatch) -> None:  # noqa: ANN001
    """A catalogue whose one source, of households, matches no file (its extracts were moved to an archive)."""
    catalogue = tmp / "catalogue.toml"
    catalogue.write_text(
        f'base_dir = "{tmp.as_posix()}"\n[[source]]\nid = "households_9"\nregistry = "households"\nformat = "csv"\n'
        'path = "landed/households_9_*.csv"\nextract_date_pattern = \'households_9_(\\d{8})\'\nkey_column = "stt"\n'
        '[source.columns]\nso_hk = "household_no"\nchu_ho = "head_name"\ndia_chi = "address"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(CATALOGUE_ENV, str(catalogue))


def _at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2026, 12, 2, hour, minute, tzinfo=ICT)


def _materialized(instance, registry: str) -> None:  # noqa: ANN001
    for layer in ("raw", "staged", "quarantine"):
        event = dg.AssetMaterialization(f"{layer}_{registry}", partition=f"{registry}_1@2026-12-01")
        instance.report_runless_asset_event(event)


def _nightly(instance, reloaded: list[str], gone: list[str]) -> dict[str, int]:  # noqa: ANN001
    """Every registry's extract loaded the day before; after the 02:00 tick the partitions of the ``gone`` registries
    are deleted (the landing sensor: their files are not found any more) and the ``reloaded`` ones loaded again. How
    many of KEYS' partitions the evaluation after that requests."""
    from assets.definitions import defs

    for registry in REGISTRY_KINDS:
        instance.add_dynamic_partitions(partitions_name(registry), [f"{registry}_1@2026-12-01"])
        _materialized(instance, registry)
    result = dg.evaluate_automation_conditions(defs, instance, evaluation_time=_at(1, 50))
    result = dg.evaluate_automation_conditions(defs, instance, evaluation_time=_at(2, 1), cursor=result.cursor)
    assert result.total_requested == 0  # the tick passed, nothing reloaded yet
    for registry in gone:
        instance.delete_dynamic_partition(partitions_name(registry), f"{registry}_1@2026-12-01")
    for registry in reloaded:
        _materialized(instance, registry)
    result = dg.evaluate_automation_conditions(defs, instance, evaluation_time=_at(2, 30), cursor=result.cursor)
    return {key: result.get_num_requested(dg.AssetKey(key)) for key in KEYS}


def test_a_registry_with_no_extract_does_not_hold_the_nightly_refresh_back(tmp_path, monkeypatch):
    """Households' extract left (its partition deleted after the tick: no partition left, and the catalogue lists
    none); the other three registries were reloaded after the tick. At 1f85827 (NIGHTLY =
    AutomationCondition.on_cron) nothing was requested (the test fails there: every count 0), that night and every
    night after: address_corrections and review_decisions read every registry's staged layer, and on_cron waits for a
    partition of each to be updated. Run end to end on a real instance (the schedules, the landing sensor, the
    conditions' runs): nothing ran and the households extracts stayed live; with this condition they were retired by
    match_households and every downstream asset ran."""
    _catalogue(tmp_path, monkeypatch)
    others = [r for r in REGISTRY_KINDS if r != "households"]
    with copied_instance_for_test(tmp_path) as instance:
        assert not catalogue_keys("households", fresh=True)
        assert _nightly(instance, others, gone=["households"]) == dict.fromkeys(KEYS, 1)


def test_a_registry_whose_extract_was_not_reloaded_still_holds_it_back(tmp_path, monkeypatch):
    """A partition that exists and was not updated since the tick keeps the condition as on_cron had it: nothing runs on
    half-refreshed input (tax's extract is still there, not reloaded)."""
    _catalogue(tmp_path, monkeypatch)
    others = [r for r in REGISTRY_KINDS if r not in ("households", "tax")]
    with copied_instance_for_test(tmp_path) as instance:
        assert _nightly(instance, others, gone=["households"]) == dict.fromkeys(KEYS, 0)

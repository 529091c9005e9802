"""A corrected crosswalk, alias or gazetteer entry re-resolves only the affected staged records.

A small warehouse is staged from four sample extracts with the reference of mappings/ (fingerprint recorded
per partition, as the ingest does). Each correction below is applied through the overlay
(pipelines/entities/reresolve.py) and compared with re-staging every extract with the corrected reference:
the resolver columns must be identical, and only part of the records may have been re-resolved.
"""

from __future__ import annotations

import dagster as dg
import polars as pl
import pytest

import assets.corrections
from assets.corrections import address_corrections
from assets.resources import WarehouseResource
from pipelines.entities.io import read_staged
from pipelines.entities.reresolve import (
    RESOLVER_COLUMNS,
    corrections,
    record_staging_reference,
    staging_reference,
)
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.raw import load_raw
from pipelines.ingest.stage import stage
from pipelines.reference import Reference, default_reference
from pipelines.schema import GAZETTEER, staged_table
from pipelines.warehouse import PartitionedLayer, Warehouse

KEYS = [
    "households_718@2025-08-31",
    "households_767@2025-08-31",
    "households_767_unknown_units@2025-08-31",
    "tax_770@2025-08-31",
]
SPLIT_UNIT = "pre2025:25741"  # Hiệp Thành (Thủ Dầu Một): split, many split_review records in households_718


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    """(warehouse, raw frames by key, staged frames by key, extracts) staged with the reference of mappings/."""
    wh = Warehouse(tmp_path_factory.mktemp("reresolve_wh"))
    extracts = extracts_by_partition(load_catalogue())
    raws, frames = {}, {}
    for key in KEYS:
        extract = extracts[key]
        registry = extract.source.registry
        raws[key] = load_raw(extract, "test").frame
        result = stage(raws[key], registry, day_first=extract.source.day_first)
        PartitionedLayer(wh, "staged").write(staged_table(registry), key, result.staged)
        assert record_staging_reference(wh, registry, key, default_reference()) == result.reference
        frames[key] = result.staged
    return wh, raws, frames, extracts


def _with(reference: Reference, **tables: pl.DataFrame) -> Reference:
    return Reference(**{**reference.tables(), **tables})


def _gazetteer_entry(old_uid: str, name: str, new_uid: str) -> pl.DataFrame:
    from pipelines.text import fold

    row = {"old_uid": old_uid, "kind": "street", "name": name, "name_key": fold(name), "new_uid": new_uid}
    return GAZETTEER.cast(pl.DataFrame([{**row, "source": "test"}]))


def _resolver(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select("record_key", *RESOLVER_COLUMNS).sort("record_key")


def _assert_equals_restaging(staged, corrected: Reference):  # noqa: ANN001
    """The overlay applied to what was staged == every extract staged again with ``corrected``; returns the result."""
    wh, raws, frames, extracts = staged
    result = corrections(wh, corrected, adopt=False)  # the shared warehouse keeps its fingerprints
    for key in KEYS:
        extract = extracts[key]
        registry = extract.source.registry
        again = stage(raws[key], registry, day_first=extract.source.day_first, reference=corrected).staged
        from pipelines.entities.reresolve import apply_corrections

        overlaid = apply_corrections(frames[key], result.overlay, registry)
        assert _resolver(overlaid).equals(_resolver(again)), key
    return result


def _total(staged) -> int:  # noqa: ANN001
    return sum(f.height for f in staged[2].values())


def test_a_gazetteer_entry_re_resolves_only_the_records_of_its_unit_and_name(staged):
    ref = default_reference()
    split = staged[2]["households_718@2025-08-31"].filter(pl.col("old_uid") == SPLIT_UNIT)
    street_rows = split.filter(pl.col("address").str.contains("Trần Quang Khải"))
    assert split.height > street_rows.height > 0
    part = split["ward_candidates"][0][0]
    corrected = _with(ref, gazetteer=pl.concat([ref.gazetteer, _gazetteer_entry(SPLIT_UNIT, "Trần Quang Khải", part)]))
    result = _assert_equals_restaging(staged, corrected)
    # affected: the addresses naming the street (an entry applies only there), whatever their unit
    assert street_rows.height <= result.reresolved < split.height
    assert result.changed == street_rows.height
    assert set(result.overlay["ward_status"]) == {"split_resolved"} and set(result.overlay["new_uid"]) == {part}
    assert set(result.overlay["staged_reference"]) == {ref.fingerprint}


def test_an_alias_and_a_crosswalk_correction_equal_re_staging(staged):
    ref = default_reference()
    q1_ward = "pre2025:26734"  # Tân Định, Quận 1: "Phường 91, Quận 1" of the unknown-units extract is made its alias
    alias = ref.aliases.head(1).with_columns(
        level=pl.lit("ward"), alias=pl.lit("phuong 91"), alias_key=pl.lit("phuong91"), target_uid=pl.lit(q1_ward)
    )
    corrected = _with(ref, aliases=pl.concat([ref.aliases, alias]))
    result = _assert_equals_restaging(staged, corrected)
    assert 0 < result.changed <= result.reresolved < _total(staged)
    assert set(result.overlay["old_uid"].drop_nulls()) == {q1_ward}

    # a non-split old unit of the data re-pointed to another 2025 ward (a corrected crosswalk row)
    frame = staged[2]["households_767@2025-08-31"]
    old_uid, new_uid = frame.filter(pl.col("ward_status") == "exact").select("old_uid", "new_uid").row(0)
    other = ref.crosswalk.filter(pl.col("new_uid") != new_uid)["new_uid"][0]
    crosswalk = ref.crosswalk.with_columns(
        new_uid=pl.when(pl.col("old_uid") == old_uid).then(pl.lit(other)).otherwise("new_uid")
    )
    result = _assert_equals_restaging(staged, _with(ref, crosswalk=crosswalk))
    moved = frame.filter(pl.col("old_uid") == old_uid).height
    # and the rows whose two readings (old form: that unit; 2025 form) agreed on its 2025 ward: they no longer do
    agreed = sum(
        f.filter(pl.col("old_uid").is_null() & pl.col("ward_reason").str.contains(f"both read as {new_uid}")).height
        for f in staged[2].values()
    )
    assert result.changed == moved + agreed and 0 < result.reresolved < _total(staged)


def test_an_unrelated_correction_re_resolves_nothing(staged):
    ref = default_reference()
    present = set().union(*(set(f["old_uid"].drop_nulls()) for f in staged[2].values()))
    absent = ref.crosswalk.filter(pl.col("is_split") & ~pl.col("old_uid").is_in(sorted(present))).row(0, named=True)
    entry = _gazetteer_entry(absent["old_uid"], "Đường Không Ai Ở Zzyzx", absent["new_uid"])
    result = corrections(staged[0], _with(ref, gazetteer=pl.concat([ref.gazetteer, entry])), adopt=False)
    assert result.reresolved == 0 and result.changed == 0 and result.records == _total(staged)
    assert corrections(staged[0], ref, adopt=False).reresolved == 0  # the reference staged with: nothing to do


def test_a_partition_without_a_recorded_reference_is_re_resolved_whole(tmp_path, staged):
    key = KEYS[-1]
    wh = Warehouse(tmp_path)
    # the module's staging of the extract (the same stage() call with the same reference): not staged again here
    frame = staged[2][key]
    PartitionedLayer(wh, "staged").write(staged_table("tax"), key, frame)
    assert staging_reference(wh, "tax", key) is None
    found = corrections(wh, default_reference())
    assert found.reresolved == found.records == frame.height and found.changed == 0
    assert found.partitions == {f"tax/{key}": "unknown"}
    # nothing read differently: the partition is noted as resolved with this reference, the next run skips it
    assert staging_reference(wh, "tax", key) == default_reference().fingerprint
    again = corrections(wh, default_reference())
    assert again.reresolved == 0 and again.partitions == {f"tax/{key}": "current"}


def test_the_asset_publishes_the_overlay_and_readers_apply_it(staged, monkeypatch, tmp_path):
    import shutil

    wh = Warehouse(tmp_path / "wh")  # a copy: the asset notes adopted references in the partitions
    shutil.copytree(staged[0].root, wh.root)
    ref = default_reference()
    part = staged[2]["households_718@2025-08-31"].filter(pl.col("old_uid") == SPLIT_UNIT)["ward_candidates"][0][0]
    corrected = _with(ref, gazetteer=pl.concat([ref.gazetteer, _gazetteer_entry(SPLIT_UNIT, "Trần Quang Khải", part)]))
    monkeypatch.setattr(assets.corrections, "load_reference", lambda: corrected)

    def run() -> dg.MaterializeResult:
        result = dg.materialize(
            [address_corrections],
            instance=dg.DagsterInstance.ephemeral(),
            resources={"warehouse": WarehouseResource(path=str(wh.root))},
        )
        return result.get_asset_materialization_events()[0].materialization

    first, second = run(), run()
    meta = first.metadata
    assert (
        meta["records"].value == _total(staged) and 0 < meta["records_changed"].value < meta["records_reresolved"].value
    )
    assert first.tags["dagster/data_version"] == second.tags["dagster/data_version"]  # same overlay, same version
    households = read_staged(wh, "households", overlay=False)
    on_street = households.filter(pl.col("address").str.contains("Trần Quang Khải") & (pl.col("old_uid") == SPLIT_UNIT))
    assert set(on_street["new_uid"]) == {part} and set(on_street["ward_status"]) == {"split_resolved"}
    as_staged = read_staged(wh, "households", overlay=False, corrections=False)
    assert (
        as_staged.filter(pl.col("record_key").is_in(on_street["record_key"].implode()))["new_uid"].null_count()
        == on_street.height
    )

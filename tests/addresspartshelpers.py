"""A CSV extract whose catalogue entry maps an address text and the ward and district columns, read and staged as
the ingest does, and the marts' inputs of its rows (tests only: tests/test_stage_address_with_ward_column.py,
tests/test_quarantine_wards_address_parts.py, tests/test_quarantine_wards_as_of.py)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.raw import load_raw
from pipelines.ingest.stage import StageResult, stage
from pipelines.publish.marts import KIND_OF_REGISTRY, RAW_COLUMNS, STAGED_COLUMNS, MartInputs
from pipelines.schema import REGISTRY_KINDS

HEADER = ["stt", "so", "ten", "Địa chỉ", "Phường/Xã", "Quận/Huyện", "ngay_dang_ky"]
MAPPING = {
    "households": {"so": "household_no", "ten": "head_name"},
    "businesses": {"so": "registration_no", "ten": "business_name"},
}
PLACE = {"Địa chỉ": "address", "Phường/Xã": "ward", "Quận/Huyện": "district", "ngay_dang_ky": "registered_on"}


def staged_source(
    tmp_path: Path, rows: list[tuple[str, str, str, str]], registry: str = "households"
) -> tuple[pl.DataFrame, StageResult]:
    """(raw frame, StageResult) of source 'h' (extract 2025-08-31, keyed by 'stt' = 1, 2, ...) holding ``rows``:
    (name, address, ward, district) each, '' for an empty cell (an empty name is quarantined)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for i, (name, address, ward, district) in enumerate(rows, 1):
        writer.writerow([str(i), f"HK{i:03d}", name, address, ward, district, "01/02/2020"])
    (tmp_path / "h.csv").write_text(out.getvalue(), encoding="utf-8")
    catalogue = tmp_path / "h.toml"
    catalogue.write_text(
        f'base_dir = "{tmp_path.as_posix()}"\n[[source]]\nid = "h"\nregistry = "{registry}"\nformat = "csv"\n'
        'path = "h.csv"\nkey_column = "stt"\nextract_date = "2025-08-31"\n[source.columns]\n'
        + "".join(f'"{src}" = "{canon}"\n' for src, canon in {**MAPPING[registry], **PLACE}.items()),
        encoding="utf-8",
    )
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    raw = load_raw(extract, "test").frame
    return raw, stage(raw, registry, day_first=True)


def mart_inputs(registry: str, raw: pl.DataFrame, result: StageResult) -> MartInputs:
    """MartInputs of ``registry``'s rows alone (every staged row merged into one entity), on the raw columns
    marts.read_inputs reads."""
    read = [*RAW_COLUMNS, "read_problem"]
    frames = {
        "raw": raw.select(c for c in read if c in raw.columns),
        "staged": result.staged.select(STAGED_COLUMNS),
        "quarantine": result.quarantine,
    }
    lineage = result.staged.select("record_key", pl.lit("E1").alias("entity_id"))
    kind = KIND_OF_REGISTRY[registry]
    empty = pl.DataFrame()
    return MartInputs(
        units_2025=empty,
        units_pre2025=empty,
        crosswalk=empty,
        **{name: {r: f if r == registry else f.clear() for r in REGISTRY_KINDS} for name, f in frames.items()},
        entities={},
        lineage={k: lineage if k == kind else lineage.clear() for k in KIND_OF_REGISTRY.values()},
        review={},
        links=empty,
    )

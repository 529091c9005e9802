"""A quarantined row's registration date is read in its source's day/month order, as staging reads its staged twin's.

The marts (record flow, per-ward counts) and the review queue's quarantined_row items place a quarantined row by
resolving its raw address as of its registration date (marts.quarantine_wards). They read that date day first (the
catalogue's default), the catalogue not being among their inputs: a ``day_first = false`` source's ambiguous
'07/03/2025' (3 July, after the 1 July 2025 reform) was read 7 March, and '12 Hai Bà Trưng, Phường Tân Định' (no
district: the 2025 Tân Định or an old one) was placed in no ward while staging placed its twin in Tân Định (2025),
and the reverse for '03/07/2025'. Staging now records the date as it read it in quarantine.registered_on; the marts
and the queue read it there (and no longer read every raw row's registered_on). A quarantine partition written
before the column was declared gets its raw_values' date read day first, as the marts read it then."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from pathlib import Path

import polars as pl
import pytest

from assets.ingest import IngestOutcome, ingest_partition
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.quarantine import scan_quarantine
from pipelines.ingest.stage import stage
from pipelines.publish.marts import read_inputs, record_flow
from pipelines.reference import default_reference
from pipelines.review.io import quarantine_with_wards
from pipelines.schema import CROSSWALK, QUARANTINE, UNITS_2025, UNITS_PRE2025, raw_table
from pipelines.warehouse import PartitionedLayer, Warehouse
from tests.referencecopy import with_reference_snapshot

REGISTRY = "households"
NAME = f"quarantine_{REGISTRY}"
KEY = "h@2025-08-31"
ADDRESS = "12 Hai Bà Trưng, Phường Tân Định"  # no district: the old or the 2025 form (tests/test_resolver.py)
TAN_DINH_2025 = "2025:26737"
STAGED_KEY, QUARANTINED_KEY = f"{KEY}#1", f"{KEY}#2"
JULY_3, MARCH_7 = dt.date(2025, 7, 3), dt.date(2025, 3, 7)
# (source's day_first, date as written) -> the date staging reads: both numbers <= 12, the order decides the side of
# 1 July 2025, and so the address's form
CASES = {
    "month_first_after": (False, "07/03/2025", JULY_3),
    "month_first_before": (False, "03/07/2025", MARCH_7),
    "day_first_after": (True, "03/07/2025", JULY_3),
    "day_first_before": (True, "07/03/2025", MARCH_7),
}


def _warehouse(tmp: Path, day_first: bool, written: str) -> Warehouse:
    """A households extract of source 'h' (catalogue ``day_first`` as given) ingested as the ingest does: two rows with
    ``ADDRESS`` registered on ``written``, the second without a head name (quarantined); the reference tables the
    marts read beside them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["stt", "so", "ten", "dia_chi", "ngay_dang_ky"])
    writer.writerow(["1", "HK001", "Nguyễn Văn An", ADDRESS, written])
    writer.writerow(["2", "HK002", "", ADDRESS, written])
    (tmp / "h.csv").write_text(out.getvalue(), encoding="utf-8")
    columns = {"so": "household_no", "ten": "head_name", "dia_chi": "address", "ngay_dang_ky": "registered_on"}
    (tmp / "h.toml").write_text(
        f'base_dir = "{tmp.as_posix()}"\n[[source]]\nid = "h"\nregistry = "{REGISTRY}"\nformat = "csv"\n'
        f'path = "h.csv"\nkey_column = "stt"\nextract_date = "2025-08-31"\nday_first = {str(day_first).lower()}\n'
        "[source.columns]\n" + "".join(f'{src} = "{canon}"\n' for src, canon in columns.items()),
        encoding="utf-8",
    )
    (extract,) = extracts_by_partition(load_catalogue([tmp / "h.toml"])).values()
    assert extract.source.day_first is day_first
    wh = Warehouse(with_reference_snapshot(tmp / "wh"))
    ingest_partition(wh, REGISTRY, KEY, extract, "r", IngestOutcome(), logging.getLogger("test"))
    tables = default_reference().tables()
    for table in (UNITS_2025, UNITS_PRE2025, CROSSWALK):
        path = wh.parquet_path("reference", table.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        tables[table.name].write_parquet(path)
    return wh


def _layer(wh: Warehouse, layer: str) -> pl.DataFrame:
    return pl.read_parquet(PartitionedLayer(wh, layer).path(f"{layer}_{REGISTRY}", KEY))


def _placement(row: dict) -> tuple:
    return row["old_uid"], row["new_uid"], row.get("candidates", row.get("ward_candidates"))


@pytest.mark.parametrize("case", CASES)
def test_a_quarantined_row_is_placed_as_of_the_date_its_source_order_gives(tmp_path, case):
    day_first, written, read_on = CASES[case]
    wh = _warehouse(tmp_path, day_first, written)
    (staged,) = _layer(wh, "staged").iter_rows(named=True)
    assert staged["record_key"] == STAGED_KEY
    # staging read the date in the source's order, and the date decides the ward
    assert staged["registered_on"] == read_on
    if read_on > dt.date(2025, 7, 1):
        assert (staged["new_uid"], staged["ward_status"]) == (TAN_DINH_2025, "fuzzy")
    else:  # two old Tân Định, no district
        assert (staged["new_uid"], staged["ward_status"]) == (None, "unresolved")
    inputs = read_inputs(wh)
    (in_flow,) = record_flow(inputs).filter(pl.col("record_key") == QUARANTINED_KEY).iter_rows(named=True)
    assert in_flow["state"] == "quarantined"
    assert _placement(in_flow) == _placement(staged)  # the marts: as its staged twin
    (queued,) = quarantine_with_wards(wh)[REGISTRY].iter_rows(named=True)
    assert queued["record_key"] == QUARANTINED_KEY
    assert _placement(queued) == _placement(staged)  # the review queue's quarantine item: the same
    # the date staging read, recorded with the row; the marts no longer read every raw row's date
    assert _layer(wh, "quarantine")["registered_on"].to_list() == [read_on]
    assert "registered_on" not in inputs.raw[REGISTRY].columns


def test_a_partition_written_before_the_date_was_declared_reads_it_day_first_as_before(tmp_path):
    """An older partition (no registered_on, nor reason_kind) still scans: the kind from its reason, the date from its
    raw_values, day first (the marts' reading then: the warehouse has no catalogue): a month-first source's
    '07/03/2025' is 7 March there, 3 July once the partition is ingested again."""
    wh = _warehouse(tmp_path, False, "07/03/2025")
    written = scan_quarantine(wh, NAME).collect()
    assert written["registered_on"].to_list() == [JULY_3]
    path = PartitionedLayer(wh, "quarantine").path(NAME, KEY)
    pl.read_parquet(path).drop("registered_on", "reason_kind").write_parquet(path)
    legacy = scan_quarantine(wh, NAME).collect()
    assert QUARANTINE.validate(legacy) == []
    assert legacy.columns == QUARANTINE.columns
    assert legacy["registered_on"].to_list() == [MARCH_7]
    assert legacy.drop("registered_on").equals(written.drop("registered_on"))
    (queued,) = quarantine_with_wards(wh)[REGISTRY].iter_rows(named=True)
    assert (queued["registered_on"], queued["new_uid"]) == (MARCH_7, None)  # as the marts placed it before


def _raw_row(registry: str, **values: str) -> pl.DataFrame:
    """One raw row of ``registry`` (every declared column, null unless given) of source 'r', extract 2025-08-31."""
    lineage = {"record_key": "r@2025-08-31#1", "source_id": "r", "source_file": "r.csv", "source_key": "1"}
    row = {**lineage, "extract_date": dt.date(2025, 8, 31), "run_id": "t", **values}
    schema = raw_table(registry).polars_schema
    return pl.DataFrame({name: [row.get(name)] for name in schema}, schema=schema)


@pytest.mark.parametrize(
    ("registry", "values"),
    [
        ("tax", {"taxpayer_name": "Công ty A", "address": ADDRESS}),  # no tax code, no period: no registration date
        ("households", {"read_problem": "line 2 has an unbalanced quote", "registered_on": None}),  # not split
        ("households", {"address": ADDRESS, "registered_on": "07/03/2025"}),  # no number, no head name: a date
    ],
)
def test_staging_records_the_date_or_none_on_every_quarantined_row(registry, values):
    (row,) = stage(_raw_row(registry, **values), registry, day_first=False).quarantine.iter_rows(named=True)
    assert row["registered_on"] == (JULY_3 if values.get("registered_on") else None)

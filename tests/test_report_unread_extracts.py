"""The consolidation report of a run whose entities were built without an extract that could not be read
(`wardbridge run --allow-incomplete`: an empty file, a cut-off workbook, a file in an undeclared encoding) gave its
city totals as if every extract were counted: '15.612 hồ sơ nguồn (source records)' and no word of the three failed
extracts (measured on a hostile copy of the sample, 06:48). Now its overview names each extract whose last load
failed, from the ingest status (file and cause, never a value), and says their rows are not in the figures, and each
export's datapackage.json lists them (wardbridge.extracts_not_read); a warehouse whose extracts all loaded shows
nothing more."""

from __future__ import annotations

from pipelines.ingest.status import PartitionStatus, write_status
from pipelines.report.inputs import read_unread_extracts
from pipelines.report.page import _unread_extracts
from pipelines.warehouse import Warehouse


def _status(wh: Warehouse, registry: str, key: str, state: str, cause: str | None = None) -> None:
    write_status(wh, PartitionStatus(key, registry, state, cause, f"{registry}/{key.split('@')[0]}.csv", run_id="r"))


def test_failed_extracts_are_named_in_the_overview(tmp_path):
    wh = Warehouse(tmp_path)
    _status(
        wh, "population", "population_747@2025-08-31", "failed", "cannot read: population_747.csv: the file is empty"
    )
    _status(wh, "tax", "tax_748@2025-08-31", "failed", "cannot read: tax_748.xlsx: not a complete zip <archive>")
    _status(wh, "population", "population_718@2025-08-31", "ok")
    _status(wh, "households", "households_767@2025-08-31", "rejected", "extract rejected: 9 of 10 rows ...")
    _status(wh, "businesses", "businesses_old@2024-01-01", "retired", "retired")
    unread = read_unread_extracts(tmp_path)
    assert unread == (
        "population_747@2025-08-31 (population/population_747.csv): failed: cannot read: population_747.csv: the "
        "file is empty",
        "tax_748@2025-08-31 (tax/tax_748.csv): failed: cannot read: tax_748.xlsx: not a complete zip <archive>",
    )
    html = _unread_extracts(unread)
    assert 'data-unread-extracts="2"' in html and "their rows are not in these figures" in html
    assert "population_747@2025-08-31" in html and "&lt;archive&gt;" in html and "<archive>" not in html


def test_a_warehouse_whose_extracts_all_loaded_shows_nothing_more(tmp_path):
    wh = Warehouse(tmp_path)
    assert read_unread_extracts(tmp_path) == ()  # no status at all
    _status(wh, "population", "population_718@2025-08-31", "ok")
    assert read_unread_extracts(tmp_path) == () and _unread_extracts(()) == ""


def test_many_failed_extracts_are_cut_to_ten_and_counted():
    html = _unread_extracts(tuple(f"p{i}@2025-08-31 (p{i}.csv): failed: the file is empty" for i in range(13)))
    assert 'data-unread-extracts="13"' in html and "p9@" in html and "p10@" not in html and "(+3)" in html


def test_an_export_package_built_without_them_names_them(tmp_path):
    """The exports' datapackage.json says it too (wardbridge.extracts_not_read); a package of a warehouse whose
    extracts all loaded has no such key."""
    from datetime import UTC, datetime

    from pipelines.ingest.status import failed_extracts
    from pipelines.publish.exports import load_declarations, package_descriptor

    wh = Warehouse(tmp_path)
    declaration = load_declarations()["statistics"]
    common = {"rows": {}, "created": datetime(2026, 12, 6, tzinfo=UTC), "run_id": "r", "source_runs": {}, "key": None}
    assert "extracts_not_read" not in package_descriptor(declaration, [], **common)["wardbridge"]
    _status(
        wh, "population", "population_747@2025-08-31", "failed", "cannot read: population_747.csv: the file is empty"
    )
    package = package_descriptor(declaration, [], **common, unread_extracts=failed_extracts(wh))
    said = package["wardbridge"]["extracts_not_read"]
    assert said["extracts"] == [
        "population_747@2025-08-31 (population/population_747.csv): failed: cannot read: population_747.csv: the "
        "file is empty"
    ]
    assert "in none of this package's figures" in said["note"]

"""A file source whose glob matches no file (or whose files' names miss its extract_date_pattern) has no extract: it
loads nothing and fails nothing, so `wardbridge run` with a mistyped path SUCCEEDED with nothing of the source in it
and no word (HQ9's new-user pass). Now `wardbridge run` says it, before the jobs and in the summary's notes, from
pipelines/ingest/catalogue.py sources_without_extracts."""

from __future__ import annotations

from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue, sources_without_extracts

ENTRY = """[[source]]
id = "{id}"
registry = "population"
format = "csv"
path = "{path}"
{date}
[source.columns]
"ho_ten" = "full_name"
"ngay_sinh" = "date_of_birth"
"dia_chi" = "address"
"""


def test_sources_without_a_file_are_named(tmp_path):
    (tmp_path / "pop_2025-08-31.csv").write_text("ho_ten\n", encoding="utf-8")
    (tmp_path / "kept.csv").write_text("ho_ten\n", encoding="utf-8")
    catalogue = tmp_path / "c.toml"
    catalogue.write_text(
        f'base_dir = "{tmp_path.as_posix()}"\n'
        + ENTRY.format(id="typo", path="popl_*.csv", date="extract_date_pattern = '(\\d{8})'")
        + ENTRY.format(id="dashes", path="pop_*.csv", date="extract_date_pattern = '_(\\d{8})\\.csv'")
        + ENTRY.format(id="fine", path="kept.csv", date='extract_date = "2025-08-31"')
        + ENTRY.format(id="missing", path="gone.csv", date='extract_date = "2025-08-31"'),
        encoding="utf-8",
    )
    sources = load_catalogue([catalogue])
    lines = sources_without_extracts(sources, extracts_by_partition(sources))
    assert lines == [
        f"source 'typo' (c.toml): path 'popl_*.csv' matches no file in {tmp_path}: nothing of it is loaded",
        "source 'dashes' (c.toml): 1 file(s) match path 'pop_*.csv', none of their names matches "
        "extract_date_pattern '_(\\\\d{8})\\\\.csv': nothing of it is loaded",
    ]  # a plain path to a missing file is an extract that fails, named by the reader: not listed here


def test_a_catalogue_listing_no_source_is_said(tmp_path):
    catalogue = tmp_path / "c.toml"
    catalogue.write_text(f'base_dir = "{tmp_path.as_posix()}"\n', encoding="utf-8")
    sources = load_catalogue([catalogue])
    assert sources_without_extracts(sources, {}) == [
        "the catalogue lists no source: no extract is loaded (docs/guide/ingestion-catalogue.md)"
    ]

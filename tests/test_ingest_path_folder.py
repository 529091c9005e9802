"""A catalogue path naming a folder fails its extract with the folder named and what to write instead
(pipelines/ingest/readers.py, read_extract); it was 'cannot read: IsADirectoryError (details withheld: the message
may quote cell values)', naming neither the file nor the source (HQ9's new-user pass: path = "population/")."""

from __future__ import annotations

from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from tests.ingesthelpers import ingest_extract
from tests.test_bad_inputs import COLUMNS, PERSONAL, REGISTRY


def test_a_path_naming_a_folder_is_said(tmp_path):
    (tmp_path / "exports").mkdir()
    catalogue = tmp_path / "c.toml"
    catalogue.write_text(
        f'base_dir = "{tmp_path.as_posix()}"\n[[source]]\nid = "hh"\nregistry = "{REGISTRY}"\nformat = "csv"\n'
        'path = "exports"\nextract_date = "2025-08-31"\n[source.columns]\n'
        + "".join(f'{src} = "{canon}"\n' for src, canon in COLUMNS.items()),
        encoding="utf-8",
    )
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    got = ingest_extract(tmp_path / "wh", REGISTRY, extract, PERSONAL)
    assert got.state == "failed"
    assert "exports: a folder, not a file (source hh, catalogue c.toml)" in got.cause, got.cause
    assert "folder/*.csv" in got.cause

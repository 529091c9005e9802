"""A data engineer's own catalogue, kept beside their files with base_dir = "data": a relative base_dir is read
against the repository root, so the file is 'not found' although it is right there. The message now says where
it looked and, for a catalogue outside the repository, why."""

from __future__ import annotations

import dataclasses

import pytest

from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.readers import SourceReadError, read_extract
from pipelines.warehouse import REPO_ROOT


def _catalogue(folder, base_dir: str):
    folder.mkdir(parents=True, exist_ok=True)
    catalogue = folder / "mine.toml"
    catalogue.write_text(
        f'base_dir = "{base_dir}"\n[[source]]\nid = "population_he"\nregistry = "population"\nformat = "csv"\n'
        'path = "he_population_not_in_the_repository.csv"\nextract_date = "2025-08-31"\n'
        '[source.columns]\nho_ten = "full_name"\nngay_sinh = "date_of_birth"\ndia_chi = "address"\n',
        encoding="utf-8",
    )
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    return extract


def test_a_relative_base_dir_of_a_catalogue_outside_the_repository_is_explained(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "he_population_not_in_the_repository.csv").write_text("ho_ten,dia_chi\n", encoding="utf-8")
    extract = _catalogue(tmp_path, "data")
    with pytest.raises(SourceReadError) as raised:
        read_extract(extract)
    message = str(raised.value)
    assert message.startswith("he_population_not_in_the_repository.csv: file not found")
    assert f"looked for {REPO_ROOT / 'data' / 'he_population_not_in_the_repository.csv'}" in message
    assert "relative base_dir is read against the repository root" in message and "absolute path" in message
    assert "source population_he, catalogue mine.toml" in message


def test_no_hint_where_the_base_dir_was_meant_as_written(tmp_path):
    """An absolute base_dir, or a catalogue inside the repository (the bundled ones): only where it looked."""
    extract = _catalogue(tmp_path / "abs", str(tmp_path / "abs"))
    with pytest.raises(SourceReadError) as raised:
        read_extract(extract)
    assert f"looked for {tmp_path / 'abs' / 'he_population_not_in_the_repository.csv'}" in str(raised.value)
    assert "repository root" not in str(raised.value)

    relative = _catalogue(tmp_path / "rel", "data")
    inside = dataclasses.replace(
        relative,
        source=dataclasses.replace(relative.source, catalogue_file=REPO_ROOT / "mappings" / "sources" / "x.toml"),
    )
    with pytest.raises(SourceReadError) as raised:
        read_extract(inside)
    assert "file not found (looked for" in str(raised.value) and "repository root" not in str(raised.value)

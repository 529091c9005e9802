"""A real `wardbridge run` of one source sent as three monthly extracts (a glob and extract_date_pattern): every
row staged, each source record matched once (its earlier versions in its entity, 'same source record'), and the
officials' invalid_id items made for the newest version only, not once per extract (pipelines/entities/versions.py).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.entities.versions import SAME_SOURCE_RECORD
from tests.samplecut import cut_file

REPO = Path(__file__).resolve().parents[1]
WARDBRIDGE = Path(sys.executable).parent / "wardbridge"
SOURCE = "population_718"
MONTHS = ("20250630", "20250731", "20250831")
# the file's last 400 records of its 2,319, its 12 rows whose IDs are flagged among them (all in its last 300): three
# copies of the whole file cost ~4 CPU s more (about 32 for this file, 2026-12-07), the rest is the jobs' fixed cost
ROWS = 400


def _catalogue(tmp_path: Path) -> Path:
    """The sample catalogue's population_718 entry, its file's last ROWS records copied as three monthly extracts."""
    text = (REPO / "mappings" / "sources" / "sample.toml").read_text(encoding="utf-8")
    entry = next(e for e in text.split("[[source]]")[1:] if f'id = "{SOURCE}"' in e)
    entry = entry.replace(f'path = "population/{SOURCE}.csv"', f'path = "population/{SOURCE}_*.csv"')
    entry = re.sub(r'extract_date = "[0-9-]+"', f"extract_date_pattern = '{SOURCE}_(\\\\d{{8}})'", entry)
    assert "extract_date_pattern" in entry and "key_column" in entry
    data = tmp_path / "data" / "population"
    data.mkdir(parents=True)
    for month in MONTHS:
        cut_file(
            REPO / "data" / "sample" / "registries" / "population" / f"{SOURCE}.csv",
            data / f"{SOURCE}_{month}.csv",
            ROWS,
            last=True,
        )
    path = tmp_path / "catalogue.toml"
    path.write_text(f'base_dir = "{(tmp_path / "data").as_posix()}"\n[[source]]{entry}', encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("versions_run")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DAGSTER_", "WARDBRIDGE_"))}
    env["WARDBRIDGE_DECISIONS_DIR"] = str(tmp / "decisions")
    args = [
        "run",
        "--catalogue",
        str(_catalogue(tmp)),
        "--warehouse",
        str(tmp / "wh"),
        "--dagster-home",
        str(tmp / "dh"),
    ]
    proc = subprocess.run([str(WARDBRIDGE), *args], cwd=tmp, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return tmp / "wh"


def _sql(wh: Path, query: str) -> pl.DataFrame:
    with duckdb.connect(str(wh / "wardbridge.duckdb"), read_only=True, config={"file_search_path": str(wh)}) as con:
        return con.sql(query).pl()


def test_each_source_record_is_matched_once_and_its_versions_follow_it(run):
    staged = _sql(run, "SELECT record_key, source_key, extract_date FROM staged.staged_population")
    lineage = _sql(run, "SELECT * FROM entities.people_lineage")
    assert staged.height == 3 * staged.filter(pl.col("extract_date") == pl.col("extract_date").max()).height
    assert lineage.height == staged.height and lineage["record_key"].n_unique() == staged.height
    earlier = lineage.filter(pl.col("link_evidence") == SAME_SOURCE_RECORD)
    newest = staged["extract_date"].max()
    assert earlier.height == 2 * staged.height // 3 and (earlier["extract_date"] < newest).all()
    entities = _sql(run, "SELECT entity_id, record_count FROM entities.people_entities")
    assert int(entities["record_count"].sum()) == staged.height
    # every person's records are a multiple of three: the versions went with their newest one
    assert (entities["record_count"] % 3 == 0).all()


def test_invalid_id_items_are_made_for_the_newest_version_only(run):
    flagged = _sql(
        run,
        "SELECT record_key, extract_date FROM staged.staged_population WHERE id_flags IS NOT NULL "
        "OR old_id_flags IS NOT NULL",
    )
    items = _sql(run, "SELECT item_id, record_key FROM review.queue_items WHERE kind = 'invalid_id'")
    newest = flagged.filter(pl.col("extract_date") == flagged["extract_date"].max())
    assert items.height > 0
    assert items.height <= newest.height < flagged.height  # one extract's, not three
    assert items["record_key"].is_in(newest["record_key"].implode()).all()


def test_the_marts_count_each_source_record_once(run):
    staged = _sql(run, "SELECT count(*) AS n FROM staged.staged_population")["n"][0]
    with duckdb.connect(str(run / "analytics.duckdb"), read_only=True, config={"file_search_path": str(run)}) as con:
        records, entities = con.sql("SELECT sum(record_count), count(*) FROM marts.people").fetchone()
    assert records == staged // 3  # the report's duplicates merged: records - entities, not re-sent extracts
    assert entities == _sql(run, "SELECT count(*) AS n FROM entities.people_entities")["n"][0]

"""No name, ID number, birth date, phone or street address in the analysts' mart: analytics.duckdb (every column of
every table and view) and its Parquet copies (every file under marts/analytics, hive partition values included).

The personal values are those of the sample's raw and staged rows (names, ID numbers, tax codes, birth dates,
phones, addresses and street addresses, as the sources wrote them and as staged). A value is found in a cell when
the cell *is* it or *holds* it as a run of whole words, both compared as the export gate's ``normal_text`` (no
diacritics, lower case, punctuation as spaces, digit groups joined): a name or address copied into a longer text is
found, and one written with other accents or separators too. Values of one word shorter than 6 characters, and
values that are public reference names (a unit, a district, a province: an address may be just a ward's name), are
not looked for. tests/test_marts.py keeps the older whole-value scan of the DuckDB file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.publish.exports import normal_text
from pipelines.publish.store import ANALYTICS_FILENAME, PARQUET_DIR
from pipelines.warehouse import PartitionedLayer, Warehouse
from tests.marts_fixture import sample_marts

PERSONAL = {
    "population": ("full_name", "full_name_original", "date_of_birth", "personal_id", "old_id_number", "phone"),
    "households": ("head_name", "head_name_original", "head_personal_id"),
    "businesses": ("owner_name", "owner_personal_id", "tax_code", "registration_no"),
    "tax": ("taxpayer_code", "taxpayer_name"),
}
ADDRESSES = ("address", "street_address")
MAX_WORDS = 12  # longest run of words looked for in a cell


def _normal(values: pl.Series) -> pl.Series:
    return pl.select(normal_text(pl.lit(values.cast(pl.String)))).to_series()


def public_names(wh: Warehouse) -> set[str]:
    names = set()
    for table in ("units_2025", "units_pre2025"):
        frame = pl.read_parquet(wh.parquet_path("reference", table))
        for column in ("name", "short_name", "district_name", "district_short_name", "province_name"):
            if column in frame.columns:
                names |= set(_normal(frame[column]).drop_nulls().to_list())
    return names


def personal_values(wh: Warehouse, public: set[str]) -> set[str]:
    values: set[str] = set()
    for registry, names in PERSONAL.items():
        for layer in ("raw", "staged"):
            frame = PartitionedLayer(wh, layer).scan(f"{layer}_{registry}").collect()
            for name in (*names, *ADDRESSES):
                if name not in frame.columns:
                    continue
                series = frame[name].drop_nulls()
                if series.dtype == pl.Date:
                    series = pl.concat([series.dt.strftime("%Y-%m-%d"), series.dt.strftime("%d/%m/%Y")])
                values |= set(_normal(series.cast(pl.String)).drop_nulls().to_list())
    return {v for v in values if " " in v or len(v) >= 6} - public


def _runs_of_words(cell: str) -> set[str]:
    """Every run of up to MAX_WORDS words of a normalised cell; a run of numbers also joined ('lh 0903 123 456'
    holds '0903123456')."""
    words = cell.split(" ")
    runs = set()
    for i in range(len(words)):
        for j in range(i + 1, min(len(words), i + MAX_WORDS) + 1):
            run = words[i:j]
            runs.add(" ".join(run))
            if len(run) > 1 and all(w.isdigit() for w in run):
                runs.add("".join(run))
    return runs


def leaks(columns: dict[str, pl.Series], personal: set[str], public: set[str]) -> list[str]:
    """'<where>: n values' for every column (by name) holding a personal value; a cell that is a public reference
    name ('Thị trấn Tân Bình' holds 'Trần Tân', a two-word name of the sample) is not looked into."""
    # Every column's cells in one frame (numbered by column), normalised at once, and each distinct normalised cell
    # looked into once: column by column, the ~5,300 small columns of the Parquet copies took ~6.5 CPU s a scan.
    texts = [c.dt.strftime("%Y-%m-%d") if c.dtype == pl.Date else c.cast(pl.String) for c in columns.values()]
    cells = pl.DataFrame(
        {
            "column": pl.Series([n for n, text in enumerate(texts) for _ in range(text.len())], dtype=pl.UInt32),
            "cell": pl.concat(texts) if texts else pl.Series(dtype=pl.String),
        }
    )
    cells = cells.select("column", cell=normal_text(pl.col("cell"))).drop_nulls().unique()
    hit = [cell for cell in cells["cell"].unique().to_list() if cell not in public and _runs_of_words(cell) & personal]
    counts = dict(cells.filter(pl.col("cell").is_in(hit)).group_by("column").len().iter_rows())
    return [f"{where}: {counts[n]} values" for n, where in enumerate(columns) if n in counts]


def analytics_columns(root: Path) -> dict[str, pl.Series]:
    out = {}
    with duckdb.connect(str(root / ANALYTICS_FILENAME), read_only=True) as con:
        relations = con.sql(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT internal "
            "UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal"
        ).fetchall()
        for schema, table in relations:
            frame = con.sql(f'SELECT * FROM "{schema}"."{table}"').pl()
            out |= {f"{schema}.{table}.{c}": frame[c] for c in frame.columns}
    return out


def parquet_columns(root: Path) -> dict[str, pl.Series]:
    out = {}
    base = root / PARQUET_DIR
    for path in sorted(base.rglob("*.parquet")):
        where = str(path.relative_to(base))
        frame = pl.read_parquet(path, hive_partitioning=False)
        out |= {f"{where}:{c}": frame[c] for c in frame.columns}
        partition = [p.split("=", 1)[1] for p in path.relative_to(base).parts if "=" in p]
        if partition:
            out[f"{where}:partition"] = pl.Series(partition)
    return out


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, set[str], set[str]]:
    root, results = sample_marts(tmp_path_factory.getbasetemp())
    assert results["wardbridge_marts"].success
    public = public_names(Warehouse(root))
    personal = personal_values(Warehouse(root), public)
    assert len(personal) > 20_000 and len(public) > 1_000
    return root, personal, public


def test_no_personal_value_in_any_column_of_analytics_duckdb(sample):
    root, personal, public = sample
    columns = analytics_columns(root)
    assert len(columns) > 100 and any(k.startswith("marts.people.") for k in columns)
    assert leaks(columns, personal, public) == []


def test_no_personal_value_in_the_parquet_copies(sample):
    root, personal, public = sample
    columns = parquet_columns(root)
    assert any(k.startswith("people/new_ward_code=") for k in columns) and any(":partition" in k for k in columns)
    assert leaks(columns, personal, public) == []


def test_the_analytics_file_has_no_views(sample):
    with duckdb.connect(str(sample[0] / ANALYTICS_FILENAME), read_only=True) as con:
        assert con.sql("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchone()[0] == 0


def test_the_scan_finds_a_value_copied_into_a_longer_cell_and_written_otherwise(sample, tmp_path):
    root, personal, public = sample
    staged = PartitionedLayer(Warehouse(root), "staged").scan("staged_population").collect()
    person = staged.filter(pl.col("phone").is_not_null() & pl.col("date_of_birth").is_not_null()).row(0, named=True)
    copy = tmp_path / "wh"
    shutil.copytree(root / PARQUET_DIR, copy / PARQUET_DIR)
    shutil.copy(root / ANALYTICS_FILENAME, copy / ANALYTICS_FILENAME)
    planted = {
        "name": f"ghi chú: {person['full_name'].upper()} (đã chuyển)",
        "phone": f"LH {person['phone'][:4]} {person['phone'][4:7]} {person['phone'][7:]}",
        "birth date": person["date_of_birth"].strftime("%d/%m/%Y"),
        "street address": f"{person['address']}",
    }
    with duckdb.connect(str(copy / ANALYTICS_FILENAME)) as con:
        for i, text in enumerate(planted.values()):
            con.execute("UPDATE marts.ward_summary SET new_name = ? WHERE rowid = ?", [text, i])
    found = leaks(analytics_columns(copy), personal, public)
    assert found == ["marts.ward_summary.new_name: 4 values"], found
    path = next((copy / PARQUET_DIR / "people").rglob("*.parquet"))
    frame = pl.read_parquet(path)
    frame.with_columns(pl.lit(planted["name"]).alias("person_key")).write_parquet(path)
    found = leaks(parquet_columns(copy), personal, public)
    assert found == [f"{path.relative_to(copy / PARQUET_DIR)}:person_key: 1 values"], found

"""Ingestion of the bundled sample: every format and encoding back to the truth, bad files, row accounting."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest.catalogue import CATALOGUE_DIR, CatalogueError, extracts_by_partition, load_catalogue
from pipelines.ingest.raw import SourceSchemaError, load_raw
from pipelines.ingest.readers import SourceReadError
from pipelines.ingest.stage import account, stage
from pipelines.standardise import clean_person_name
from tests.sqlhelpers import load_sql_dump

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample" / "registries"
NAME_NOISE = ("name typo", "dropped middle name", "no diacritics", "upper case")


@pytest.fixture(scope="module")
def staged():
    out = {}
    for key, extract in extracts_by_partition(load_catalogue()).items():
        raw = load_raw(extract, "test")
        out[key] = (extract, raw, stage(raw.frame, extract.source.registry, day_first=extract.source.day_first))
    return out


def _truth(registry: str) -> pl.DataFrame:
    return pl.read_parquet(SAMPLE / "truth" / f"{registry}.parquet")


def test_every_raw_row_is_staged_or_quarantined(staged):
    for key, (_, raw, result) in staged.items():
        counts = account(raw.frame, result)
        assert counts["balanced"], (key, counts)


def test_every_format_and_encoding_is_read(staged):
    systems = {(e.source.format, raw.encoding.split("+")[0] if raw.encoding else None) for e, raw, _ in staged.values()}
    for expected in [
        ("csv", "utf-8"),
        ("csv", "utf-8-sig"),
        ("csv", "cp1258"),
        ("csv", "tcvn3"),
        ("csv", "vni"),
        ("xlsx", None),
        ("jsonl", "utf-8"),
        ("sqlite", None),
        ("pg_dump", "utf-8"),
    ]:
        assert expected in systems, expected
    assert any(raw.encoding and raw.encoding.endswith("+mojibake") for _, raw, _ in staged.values())


@pytest.mark.parametrize(
    "registry,name_field,truth_name", [("population", "full_name", "people"), ("households", "head_name", "people")]
)
def test_names_after_repair_equal_the_generators_originals(staged, registry, name_field, truth_name):
    truth = _truth(registry)
    people = pl.read_parquet(SAMPLE / "truth" / "people.parquet").select(
        "person_id", "household_id", true_name="full_name"
    )
    if registry == "population":
        truth = truth.filter(~pl.col("noise").str.contains("|".join(NAME_NOISE))).join(
            people.drop("household_id"), on="person_id"
        )
    else:
        heads = pl.read_parquet(SAMPLE / "truth" / "people.parquet").filter(pl.col("relation_to_head") == "Chủ hộ")
        clerk_errors = pl.col("noise").fill_null("").str.contains("head_name")  # typos the generator put on purpose
        truth = truth.filter(~clerk_errors).join(heads.select("household_id", true_name="full_name"), on="household_id")
    truth = truth.with_columns(expected=clean_person_name(truth["true_name"])["name"])
    checked = 0
    for key, (extract, _, result) in staged.items():
        if extract.source.registry != registry or "_" in key.split("@")[0].removeprefix(registry + "_"):
            continue  # the bad files carry no truth of their own
        got = result.staged.select("source_id", "source_key", name_field, "text_repairs").join(
            truth.select("source_id", pl.col("record_no").alias("source_key"), "expected"),
            on=["source_id", "source_key"],
        )
        assert got.height > 0.9 * result.staged.height, key
        wrong = got.filter(pl.col(name_field) != pl.col("expected"))
        assert wrong.height / got.height <= 0.005, (key, wrong.head(5).rows())
        checked += got.height
    assert checked > 3000


def test_ward_resolution_is_carried_into_staging(staged):
    truth = _truth("population").select("source_id", pl.col("record_no").alias("source_key"), "true_new_uid")
    frames = [r.staged for e, _, r in staged.values() if e.source.registry == "population"]
    got = pl.concat(frames).join(truth, on=["source_id", "source_key"])
    resolved = got.filter(pl.col("ward_status").is_in(["exact", "fuzzy"]))
    assert resolved.height > 0.6 * got.height
    assert (resolved["new_uid"] == resolved["true_new_uid"]).mean() >= 0.99
    review = got.filter(pl.col("ward_status") == "split_review")
    assert all(t in c for t, c in zip(review["true_new_uid"], review["ward_candidates"], strict=True))


def test_truncated_file_quarantines_its_last_row(staged):
    ((_, raw, result),) = [v for k, v in staged.items() if "truncated" in k]
    assert result.quarantine.height == 1
    q = result.quarantine.row(0, named=True)
    assert q["field"] == "*" and "truncated" in q["reason"] and q["source_file"].endswith("truncated.csv")
    assert q["source_key"] == f"line:{raw.frame.height + 1}"  # header on line 1, so data row n is on line n + 1
    assert "line" in q["reason"] and "," not in q["reason"]  # names the line, quotes no cell


def test_impossible_registration_dates_are_flagged_not_quarantined(staged):
    ((_, raw, result),) = [v for k, v in staged.items() if "impossible_dates" in k]
    assert result.quarantine.height == 0 and result.staged.height == raw.frame.height  # a record can live without it
    assert result.staged["registered_on"].null_count() == raw.frame.height
    assert result.staged["issues"].str.contains("registered_on: unreadable (impossible date)", literal=True).all()


def test_unknown_units_are_staged_unresolved_with_a_reason(staged):
    ((_, _, result),) = [v for k, v in staged.items() if "unknown_units" in k]
    assert result.staged.height > 0
    assert set(result.staged["ward_status"]) == {"unresolved"}
    assert result.staged["ward_reason"].is_not_null().all()


def test_files_that_cannot_be_loaded_fail_naming_file_and_cause():
    broken = load_catalogue([CATALOGUE_DIR / "broken" / "sample_broken.toml"])
    extracts = extracts_by_partition(broken)
    missing = next(e for k, e in extracts.items() if "missing_column" in k)
    with pytest.raises(SourceSchemaError, match=r"missing_column\.csv.*required column.*Họ tên chủ hộ"):
        load_raw(missing, "test")
    semicolon = next(e for k, e in extracts.items() if "semicolon" in k)
    with pytest.raises(SourceSchemaError, match=r"semicolon\.csv.*delimiter"):
        load_raw(semicolon, "test")


def test_unreadable_and_absent_files(tmp_path):
    spec = next(s for s in load_catalogue().values() if s.format == "xlsx")
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"this is not a workbook")
    catalogue = tmp_path / "c.toml"
    columns = "\n".join(f'"{k}" = "{v}"' for k, v in spec.columns.items())
    catalogue.write_text(
        f'base_dir = "{tmp_path}"\n[[source]]\nid = "x"\nregistry = "{spec.registry}"\nformat = "xlsx"\npath = "x.xlsx"\n'
        f'extract_date = "2025-08-31"\n[source.columns]\n{columns}\n',
        encoding="utf-8",
    )
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    with pytest.raises(SourceReadError, match=r"x\.xlsx: cannot read as xlsx"):
        load_raw(extract, "test")
    bad.unlink()
    with pytest.raises(SourceReadError, match=r"x\.xlsx: file not found"):
        load_raw(extract, "test")


def test_a_count_that_is_not_a_number_is_flagged_and_a_missing_head_quarantined(staged):
    ((extract, raw, _),) = [v for k, v in staged.items() if k.startswith("households_748@")]
    first = pl.int_range(pl.len()) == 0
    broken = raw.frame.with_columns(
        members=pl.when(first).then(pl.lit("năm")).otherwise("members"),
        head_name=pl.when(pl.int_range(pl.len()) == 1).then(None).otherwise("head_name"),
    )
    result = stage(broken, "households")
    assert result.quarantine.height == 1
    assert result.quarantine["field"][0] == "head_name" and result.quarantine["reason"][0] == "head_name: missing"
    (issues,) = result.staged.filter(pl.col("record_key") == broken["record_key"][0])["issues"]
    assert "members: unreadable" in issues and "năm" not in issues
    assert account(broken, result)["balanced"]


def test_extra_columns_are_kept_and_reported(tmp_path):
    spec = next(s for s in load_catalogue().values() if s.format == "csv" and s.registry == "tax")
    assert load_raw(next(iter(spec.extracts())), "t").extra_columns == []  # mapped in full
    catalogue = tmp_path / "c.toml"
    mapping = {k: v for k, v in spec.columns.items() if v != "tax_office"}
    columns = "\n".join(f'"{k}" = "{v}"' for k, v in mapping.items())
    catalogue.write_text(
        f'base_dir = "{spec.base_dir}"\n[[source]]\nid = "t2"\nregistry = "tax"\nformat = "csv"\npath = "{spec.path}"\n'
        f'key_column = "{spec.key_column}"\nextract_date = "2025-08-31"\n[source.columns]\n{columns}\n',
        encoding="utf-8",
    )
    loaded = load_raw(next(iter(load_catalogue([catalogue])["t2"].extracts())), "t")
    (office,) = [k for k, v in spec.columns.items() if v == "tax_office"]
    assert loaded.extra_columns == [office]
    assert loaded.frame["extra_columns"].str.contains("Chi cục Thuế").all()


def test_catalogue_errors_name_file_and_entry(tmp_path):
    catalogue = tmp_path / "c.toml"
    catalogue.write_text(
        '[[source]]\nid = "a"\nregistry = "people"\nformat = "csv"\npath = "x"\nextract_date = "2025-01-01"\n[source.columns]\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match=r"c\.toml: source 'a': registry 'people'"):
        load_catalogue([catalogue])


def test_postgresql_source_read_from_a_real_server(postgres_url, postgres_env, monkeypatch, tmp_path):
    spec = next(s for s in load_catalogue().values() if s.format == "pg_dump" and s.registry == "households")
    loaded = load_sql_dump(spec.base_dir / spec.path, postgres_url)
    (table,) = loaded.tables
    for k, v in postgres_env.items():
        monkeypatch.setenv(k, v)
    columns = "\n".join(f'"{k}" = "{v}"' for k, v in spec.columns.items())
    catalogue = tmp_path / "pg.toml"
    catalogue.write_text(
        "[[source]]\n"
        'id = "households_pg"\nregistry = "households"\nformat = "sql"\n'
        'url = "postgresql+psycopg://${WB_PG_USER}:${WB_PG_PASSWORD}@${WB_PG_HOST}:${WB_PG_PORT}/${WB_PG_DB}"\n'
        f'table = "{table.table}"\ndb_schema = "{table.schema}"\nkey_column = "{spec.key_column}"\nextract_date = "2025-08-31"\n'
        f"[source.columns]\n{columns}\n",
        encoding="utf-8",
    )
    from_server = load_raw(next(iter(load_catalogue([catalogue])["households_pg"].extracts())), "t").frame
    from_file = load_raw(next(iter(spec.extracts())), "t").frame
    cols = ["source_key", "household_no", "head_name", "address", "registered_on"]
    assert from_server.height == from_file.height > 0
    assert from_server.select(cols).sort("source_key").equals(from_file.select(cols).sort("source_key"))

"""A NUL character (a zero byte of a damaged or fixed-width export) in a cell of a table given to `wardbridge resolve`
or `wardbridge match` was kept: an address '12 Lê\\x00 Lợi' was read and written with it, an ID with one never
matched its copy. The CLI's readers take NULs out of every text cell with the function staging uses
(encodings.without_nul), counted per column on stderr with the first data rows, never with a value."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from click.testing import CliRunner

from pipelines.cli import TableRead, main, read_table
from pipelines.encodings import encode_cp1258, without_nul
from pipelines.reading.checks import without_nul_cells

SPEC = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.toml"
CUSTOMERS = Path(__file__).resolve().parents[1] / "docs" / "examples" / "customers.csv"
SECRET = "Bí Mật"  # part of a value: never printed


def _resolve(source, out, *extra):
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(out), *extra]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_resolve_takes_nul_out_of_csv_cells_and_counts_them_per_column(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(
        "id,note,address\n"
        f'1,{SECRET}\x00,"12 Lê\x00 Lợi, Phường Bến Nghé, Quận 1"\n'
        "\n"  # a blank line inside: data rows are numbered as the file numbers them
        f'2,x,"Phường\x00 5, Quận\x00 3"\n'
        "3\x00,y,abc\n",
        encoding="utf-8",
    )
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    assert f"wardbridge: {source}: NUL characters removed (values per column): " in result.output
    assert "'id' 1 (data row 4)" in result.output
    assert "'note' 1 (data row 1)" in result.output
    assert "'address' 2 (data rows 1, 3)" in result.output
    assert SECRET not in result.output and "Lợi" not in result.output
    assert "resolved 3 rows" in result.output
    written = pl.read_csv(out, infer_schema=False)
    assert written["id"].to_list() == ["1", "2", "3"]
    assert written["address"].to_list() == ["12 Lê Lợi, Phường Bến Nghé, Quận 1", "Phường 5, Quận 3", "abc"]
    assert written["note"][0] == SECRET
    assert written["status"][1] == "exact"  # read without the NUL: the ward is found


def test_resolve_takes_nul_out_of_legacy_encoded_and_parquet_inputs(tmp_path):
    legacy, out = tmp_path / "in.csv", tmp_path / "out.csv"
    legacy.write_bytes(encode_cp1258("id;address\n1;Phường\x00 5, Quận 3\n2;Phường Bến Nghé, Quận 1\n"))
    result = _resolve(legacy, out)
    assert result.exit_code == 0, result.output
    assert "'address' 1 (data row 1)" in result.output
    assert pl.read_csv(out, infer_schema=False)["address"][0] == "Phường 5, Quận 3"

    parquet, out_pq = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pl.DataFrame({"id": [1, 2], "address": ["Phường 5, Quận 3", "Phường\x00 5,\x00 Quận 3"]}).write_parquet(parquet)
    result = _resolve(parquet, out_pq)
    assert result.exit_code == 0, result.output
    assert "'address' 1 (data row 2)" in result.output
    written = pl.read_parquet(out_pq)
    assert written["address"].to_list() == ["Phường 5, Quận 3"] * 2 and written["id"].to_list() == [1, 2]


def test_match_reads_an_id_with_a_nul_as_the_id(tmp_path):
    customers = pl.read_csv(CUSTOMERS, infer_schema=False)
    first = customers["customer_id"][0]
    damaged = customers.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.col("customer_id").str.slice(0, 2) + "\x00" + pl.col("customer_id").str.slice(2))
        .otherwise(pl.col("customer_id"))
        .alias("customer_id")
    )
    source, out = tmp_path / "c.csv", tmp_path / "out.csv"
    damaged.write_csv(source)
    result = CliRunner().invoke(
        main, ["match", "--input", str(source), "--spec", str(SPEC), "--output", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "'customer_id' 1 (data row 1)" in result.output
    assert first not in result.output
    records = pl.read_csv(out, infer_schema=False)
    assert records.height == customers.height
    assert first in records["record_id"].to_list()
    assert not records["record_id"].str.contains("\x00", literal=True).any()


def test_many_rows_are_shown_as_a_few_and_a_table_without_nul_is_returned_as_it_is(tmp_path, capsys):
    frame = pl.DataFrame({"a": ["x\x00"] * 5 + ["y"], "n": list(range(6))})
    read = without_nul_cells(TableRead(frame), tmp_path / "f.csv")
    assert read.frame["a"].to_list() == ["x"] * 5 + ["y"] and read.frame["n"].to_list() == list(range(6))
    assert "'a' 5 (data rows 1, 2, 3, ...)" in capsys.readouterr().err
    clean = TableRead(pl.DataFrame({"a": ["x"], "n": [1]}))
    assert without_nul_cells(clean, tmp_path / "f.csv") is clean
    assert capsys.readouterr().err == ""


def test_staging_and_the_cli_share_one_function(tmp_path):
    import pipelines.cli as cli
    import pipelines.ingest.stage as stage

    frame = pl.DataFrame({"address": ["a\x00b", None, "c"], "id": ["1", "2\x00", "3"]})
    cleaned, counts, notes = without_nul(frame, ["address", "id"], notes=True)
    assert cleaned.to_dict(as_series=False) == {"address": ["ab", None, "c"], "id": ["1", "2", "3"]}
    assert counts == {"address": 1, "id": 1}
    assert notes.to_list()[:2] == ["address:nul_removed", "id:nul_removed"]
    assert stage.without_nul is without_nul  # staging calls it (no copy of it)
    source = tmp_path / "in.csv"
    source.write_text("id,address\n2\x00,a\x00b\n", encoding="utf-8")
    calls = []

    def spy(*args, **kwargs):
        calls.append(args[1])
        return without_nul(*args, **kwargs)

    import pipelines.encodings as encodings

    original = encodings.without_nul
    encodings.without_nul = spy
    try:
        read = read_table(source, "--input")
    finally:
        encodings.without_nul = original
    assert calls == [["id", "address"]] and read.frame.row(0) == ("2", "ab")
    assert cli.TableRead is TableRead

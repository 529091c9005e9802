"""NUL characters in column names and in Categorical or Enum columns of a table given to `wardbridge resolve` or
`wardbridge match` (pipelines/cli.py ``without_nul_cells``).

Before, only String columns were cleaned: a header 'add\\x00ress' made '--column address' fail ('column not found')
and a Parquet file's Categorical or Enum column kept its NULs into the output. Now the names lose them (said on
stderr, with the names; a name left as it is when without them it would be another column's) and coded columns
are cleaned and keep their type."""

from __future__ import annotations

import polars as pl
from click.testing import CliRunner

from pipelines.cli import main

ADDRESS = "12 Lê Lợi, Phường Bến Nghé, Quận 1"


def _resolve(source, out, *extra):
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(out), *extra]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_a_nul_in_a_header_name_is_taken_out_and_said(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(f'id,add\x00ress,no\x00te\n1,"{ADDRESS}",x\n', encoding="utf-8")
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    assert f"wardbridge: {source}: NUL characters removed from column names: 'address', 'note'" in result.output
    written = pl.read_csv(out, infer_schema=False)
    assert written.columns[:3] == ["id", "address", "note"]
    assert written["status"][0] == "exact"


def test_a_name_that_without_its_nul_is_another_column_is_kept_and_said(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(f'address,add\x00ress\n"{ADDRESS}",other\n', encoding="utf-8")
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    assert "column names holding NUL characters kept as they are" in result.output
    assert "add\\x00ress" in result.output
    assert pl.read_csv(out, infer_schema=False)["address"][0] == ADDRESS


def test_categorical_and_enum_columns_are_cleaned_and_keep_their_type(tmp_path):
    source, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    kinds = pl.Enum(["hộ\x00 khẩu", "tạm trú"])
    pl.DataFrame(
        {
            "address": [ADDRESS, ADDRESS, ADDRESS],
            "ward": ["Bến\x00 Nghé", "Bến Nghé", None],
            "kind": ["hộ\x00 khẩu", "tạm trú", "hộ\x00 khẩu"],
        }
    ).with_columns(pl.col("ward").cast(pl.Categorical), pl.col("kind").cast(kinds)).write_parquet(source)
    result = _resolve(source, out)
    assert result.exit_code == 0, result.output
    assert "'ward' 1 (data row 1)" in result.output and "'kind' 2 (data rows 1, 3)" in result.output
    written = pl.read_parquet(out)
    assert written["ward"].to_list() == ["Bến Nghé", "Bến Nghé", None]
    assert written["kind"].to_list() == ["hộ khẩu", "tạm trú", "hộ khẩu"]
    assert isinstance(written.schema["ward"], pl.Categorical)
    assert written.schema["kind"] == pl.Enum(["hộ khẩu", "tạm trú"])

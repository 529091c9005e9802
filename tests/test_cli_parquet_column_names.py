"""A Parquet input's column names are checked as a CSV header's are (HC6; HC5 left them unchecked): a name whose
bytes are not valid UTF-8 was refused as 'damaged (ComputeError)', an empty or blank name was read as a column no
option can name well, and a name given twice was said without its positions. Now each is refused (exit 1) naming
the columns' positions, never a value."""

from __future__ import annotations

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.reading.parquet import _footer_names


def _resolve(path, tmp_path):
    args = ["resolve", "--input", str(path), "--column", "id", "--output", str(tmp_path / "o.csv")]
    return CliRunner().invoke(main, args)


def test_a_name_not_valid_utf8_is_refused_naming_its_position(tmp_path):
    pq.write_table(pa.table({"id": ["1"], "addrQss": ["12 Lê Lợi"], "note": ["x"]}), tmp_path / "ok.parquet")
    data = (tmp_path / "ok.parquet").read_bytes()
    assert data.count(b"addrQss") == 2  # the footer's schema and the column chunk's path
    (tmp_path / "in.parquet").write_bytes(data.replace(b"addrQss", b"addr\xffss"))
    done = _resolve(tmp_path / "in.parquet", tmp_path)
    assert done.exit_code == 1, done.output
    assert (
        "cannot read as parquet: the name of column 2 (of 3) is not valid UTF-8 (a Parquet file's names are UTF-8: "
        "damaged bytes?)" in done.output
    ), done.output
    assert "ComputeError" not in done.output and "addr" not in done.output and "Lê" not in done.output


@pytest.mark.parametrize("name", ["", "  "])
def test_an_empty_or_blank_name_is_refused_naming_its_position(tmp_path, name):
    pq.write_table(pa.table({"id": ["1"], name: ["12 Lê Lợi"], "note": ["x"]}), tmp_path / "in.parquet")
    done = _resolve(tmp_path / "in.parquet", tmp_path)
    assert done.exit_code == 1, done.output
    assert "in.parquet: column 2 (of 3) has no name (empty or blanks only): name it in the file" in done.output


def test_a_name_given_twice_is_said_with_its_positions(tmp_path):
    columns = [pa.array(["1"]), pa.array(["a"]), pa.array(["b"]), pa.array(["c"]), pa.array(["d"])]
    pq.write_table(pa.table(columns, names=["id", "x", "y", "x", "y"]), tmp_path / "in.parquet")
    done = _resolve(tmp_path / "in.parquet", tmp_path)
    assert done.exit_code == 1, done.output
    assert "it names columns 'x', 'y' more than once (columns 2 and 4; 3 and 5)" in done.output, done.output
    values = ["id", "0790850001", "0790850001"]  # names that look like values: the positions only
    pq.write_table(pa.table([pa.array(["1"])] * 3, names=values), tmp_path / "v.parquet")
    done = _resolve(tmp_path / "v.parquet", tmp_path)
    assert "it names a column more than once (columns 2 and 3)" in done.output and "0790" not in done.output


def test_the_footer_names_are_pyarrows_for_nested_and_mapped_columns(tmp_path):
    frame = pl.DataFrame({"a": [1], "s": [{"x": 1, "y": [1, 2]}], "l": [[1, 2]], "tên": ["q"]})
    frame.write_parquet(tmp_path / "nested.parquet")
    mapped = pa.array([{"k": 1}], pa.map_(pa.string(), pa.int64()))
    pq.write_table(pa.table({"id": [1.5], "m": mapped, "z": [True], "d": [None]}), tmp_path / "map.parquet")
    for name in ("nested", "map"):
        path = tmp_path / f"{name}.parquet"
        assert [n.decode() for n in _footer_names(path)] == pq.read_schema(path).names
    (tmp_path / "cut.parquet").write_bytes((tmp_path / "map.parquet").read_bytes()[:-200])
    assert _footer_names(tmp_path / "cut.parquet") is None

"""The CLI's file reading: a CSV (any encoding, its delimiter sniffed), Parquet, a workbook's sheet or JSON read
into a table of text, each problem of the file named by line (never a value), and with --quarantine the records it
cannot read set aside. ``read_table`` is the entry; the modules beside this one hold its parts:

- tables: the file formats and ``TableRead`` (the rows read, their numbers in the file, the records set aside);
- csv_file: a CSV read by Polars and checked; encoding: what is not valid UTF-8 (or the chosen encoding) and why;
- records: the one walk of a CSV's records (Python's strict reader) behind every line a refusal names;
- quarantine: --quarantine's records set aside; mends: what is mended before Polars reads (end-of-file marks, lone
  CRs, Excel's 'sep=' line, byte order marks inside the file, --skip-rows); blank_lines, short_rows, checks: the rows
  read, checked;
- json_file, workbook, parquet: the other formats; messages: the wording they share.
"""

from __future__ import annotations

from pathlib import Path

import click
import polars as pl

from pipelines.reading.csv_file import read_csv_file
from pipelines.reading.json_file import read_json
from pipelines.reading.parquet import read_parquet
from pipelines.reading.tables import INPUT_FORMATS, TableRead, file_format
from pipelines.reading.workbook import read_workbook

__all__ = ["TableRead", "read_table", "read_table_file"]


def read_table_file(path: Path, option: str, *args: object, **kwargs: object) -> pl.DataFrame:
    """read_table's rows (read_table's arguments)."""
    return read_table(path, option, *args, **kwargs).frame  # type: ignore[arg-type]


def read_table(
    path: Path,
    option: str,
    encoding: str = "auto",
    delimiter: str | None = None,
    sheet: str | None = None,
    skip_rows: int = 0,
    quarantine: bool | None = None,
) -> TableRead:
    """A CSV (every column read as text: codes and IDs keep their leading zeros), Parquet, workbook (.xlsx: the
    first sheet, or ``sheet``) or JSON file (an array of objects, or JSON Lines). For CSV in any
    encoding: 'auto' detects UTF-8 (BOM or not), Windows-1258,
    VNI-Windows and TCVN3 (pipelines.encodings.detect_encoding, on the first 64 kB); the delimiter
    is sniffed unless given. Legacy encodings are decoded to NFC text; UTF-8 cells are kept as they
    are. 'auto' reads the lines of a UTF-8 file that are not UTF-8 but certainly one legacy encoding in it, as
    ingestion does (legacy_lines_read, said on stderr; only once the file failed as UTF-8: a valid file pays
    nothing); an explicit 'utf-8' reads UTF-8 only. An undecodable file is a data problem (exit 1). ``skip_rows`` lines (a CSV's) or rows (a sheet's) above
    the header are not read (a title line). With the file's row numbers (TableRead). ``quarantine`` (the command's
    --quarantine given): a CSV's lines not valid in its encoding (after the legacy lines auto reads) are set aside,
    TableRead.quarantined, and the rest read; False: the command offers it, the refusal says so; None: not offered."""
    fmt = file_format(path, option, INPUT_FORMATS)
    if sheet is not None and fmt != "xlsx":
        raise click.BadParameter(f"{path}: --sheet is for a workbook (.xlsx)", param_hint="--sheet")
    if skip_rows and fmt not in ("csv", "xlsx"):
        raise click.BadParameter(f"{path}: --skip-rows is for a CSV or a workbook", param_hint="--skip-rows")
    if fmt == "parquet":
        return read_parquet(path, option)
    if fmt == "xlsx":
        return read_workbook(path, option, sheet, skip_rows)
    if fmt == "json":
        return read_json(path, option, quarantine)
    return read_csv_file(path, option, encoding, delimiter, skip_rows, quarantine)

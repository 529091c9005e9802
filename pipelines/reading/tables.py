"""The file formats the CLI reads and writes, and a table as read (TableRead)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click
import polars as pl

if TYPE_CHECKING:
    import numpy as np

# .tsv: tab-separated text, read as CSV is (the delimiter sniffed) and written with tabs
FORMATS = {".csv": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet"}  # read and written


# read only: a workbook's sheet, JSON (an array of objects) or JSON Lines (one object a line)
INPUT_FORMATS = {**FORMATS, ".xlsx": "xlsx", ".xlsm": "xlsx", ".json": "json", ".jsonl": "json", ".ndjson": "json"}


def file_format(path: Path, option: str, formats: dict[str, str] = FORMATS) -> str:
    """The format of ``path`` by its extension among ``formats`` (:data:`INPUT_FORMATS` for a file read)."""
    fmt = formats.get(path.suffix.lower())
    if fmt is None:
        supported = ", ".join(sorted(formats))
        hint = ""
        if path.suffix.lower() in (".xls", ".ods"):
            hint = " (save the workbook as 'Excel Workbook' (.xlsx) or CSV UTF-8 first)"
        elif path.suffix.lower() in INPUT_FORMATS:
            hint = " (a workbook or JSON is read, not written)"
        raise click.BadParameter(
            f"{path}: unsupported file extension {path.suffix or '(none)'!r}; use one of {supported}{hint}",
            param_hint=option,
        )
    return fmt


def with_quarantined(read: TableRead, rows: pl.DataFrame) -> TableRead:
    """``read`` with the quarantine ``rows`` added to those it has (a file with lines set aside for two causes), in
    line order."""
    both = rows if read.quarantined is None else pl.concat([read.quarantined, rows])
    order = both["source_key"].str.extract(r":(\d+)", 1).cast(pl.Int64).arg_sort()
    return dataclasses.replace(read, quarantined=both[order])


@dataclasses.dataclass(frozen=True)
class TableRead:
    """A table file as read: its rows, and the file's data-row number of each row (1-based, the header not
    counted) when those are not 1..height: blank lines inside a CSV are skipped (no record) but counted as rows,
    as a user counts the lines under the header; None when no row was skipped. Unpacks as (frame, data_rows)."""

    frame: pl.DataFrame
    data_rows: np.ndarray | None = None
    # what ``data_rows`` numbers, for messages: a CSV's data rows (the header not counted), a workbook's sheet rows
    # as the spreadsheet shows them ("sheet 'Data' row"), a JSON array's objects, a JSON Lines file's lines
    rows: str = "data row"
    # lines set aside by --quarantine (quarantined_lines: source_key 'line:N', reason, raw_text), None without it
    quarantined: pl.DataFrame | None = None

    def __iter__(self) -> Iterator:
        return iter((self.frame, self.data_rows))

    def where(self, at: list[int]) -> str:
        """'data rows 3, 5' for the rows at 0-based positions ``at``: numbered as the file numbers them."""
        numbers = [int(self.data_rows[i]) if self.data_rows is not None else i + 1 for i in at]
        return f"{self.rows}{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"

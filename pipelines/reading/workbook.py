"""A workbook's sheet (.xlsx) read as a table of text."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click
import polars as pl

from pipelines.reading.checks import repeat_name, report_repeated_columns, without_nul_cells
from pipelines.reading.messages import column_said, echo
from pipelines.reading.tables import TableRead


def read_workbook(path: Path, option: str, sheet: str | None, skip_rows: int = 0) -> TableRead:
    """A workbook's sheet (the first, or ``sheet``) as read_table gives a CSV: every cell as text, the header the
    first row holding a value (blank rows above it skipped), blank rows inside skipped (said), a header naming a
    column twice read as a CSV's is (said), the rows numbered as the spreadsheet shows them."""
    import numpy as np

    if not path.is_file():
        raise click.BadParameter(f"file not found: {path}", param_hint=option)
    book = _Workbook.open(path, sheet)
    grid, placed, layout = book.load()
    cells = grid.with_columns(pl.all().cast(pl.String).str.strip_chars().replace("", None))
    filled = ~pl.all_horizontal(pl.all().is_null()) if grid.width else pl.lit(False)
    has_value = cells.select(filled.alias("v")).to_series() if grid.height else pl.Series([], dtype=pl.Boolean)
    if not has_value.any():
        raise click.ClickException(book.empty(layout))
    below = has_value & pl.Series(np.arange(layout.origin[0], layout.origin[0] + has_value.len()) > skip_rows)
    if not below.any():
        raise click.ClickException(f"{path}: sheet {book.name!r}: nothing below row {skip_rows} (--skip-rows)")
    header_at = int(below.arg_true()[0])  # the first row holding a value (below the rows --skip-rows skips)
    first_row = layout.origin[0] + header_at  # the sheet row of the header, as the spreadsheet shows it
    frame = _under_the_header(grid, header_at)
    frame, padded = _zero_padded(frame, layout, first_row + 1, path, book.name)
    frame, merged = _fill_merged_cells(frame, layout, first_row + 1, path, book.name)
    rows = np.arange(first_row + 1, first_row + 1 + frame.height)
    # a row whose only values are Excel-error cells was there (formulas that failed): kept, its cells empty as every
    # error cell is read, and said by _report_error_cells; not skipped as a blank row
    erred = {row for at in layout.errors_by_column(first_row + 1, frame.height, frame.width).values() for row in at}
    keep = has_value.slice(header_at + 1).to_numpy() | merged | np.isin(rows, sorted(erred))
    if not keep.all():
        book.say_blank_rows(rows, keep)
        frame, rows = frame.filter(pl.Series(keep)), rows[keep]
    _report_number_cells(book.reader, book.name, grid, header_at, keep, rows, frame.columns, path, padded, placed)
    _report_error_cells(layout, rows, frame.columns, path, book.name)
    book.say_sheet_read()
    report_repeated_columns(frame, path)
    return without_nul_cells(TableRead(frame, rows, f"sheet {book.name!r} row"), path)


def _under_the_header(grid: pl.DataFrame, header_at: int) -> pl.DataFrame:
    """The sheet's rows below its header (row ``header_at`` of ``grid``) named by it: an empty cell 'column_N', a
    repeated name as Polars names a CSV's (report_repeated_columns says it); a date cell as the date."""
    header = [str(v).strip() if v is not None else "" for v in grid.row(header_at)]
    labels = [cell or f"column_{i + 1}" for i, cell in enumerate(header)]
    columns: list[str] = []
    for label in labels:
        columns.append(repeat_name(label, {*labels, *columns}) if label in columns else label)
    frame = grid.slice(header_at + 1).rename(dict(zip(grid.columns, columns, strict=True)))
    # a date cell reads as '1990-03-15 00:00:00': the date, as the sheet shows it (a time of day is kept)
    return frame.with_columns(pl.all().cast(pl.String).str.replace(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", "$1"))


@dataclasses.dataclass
class _Workbook:
    """A workbook opened (fastexcel), the sheet to read (``name``: ``sheet`` as --sheet names it, else the first
    visible one) and its sheets' states; what is said about them."""

    path: Path
    sheet: str | None
    reader: object
    names: list[str]
    states: dict[str, str]
    shown: list[str]
    hidden: list[str]
    name: str

    @classmethod
    def open(cls, path: Path, sheet: str | None) -> _Workbook:
        """Refused when it is no workbook, lists no sheet, or has no sheet ``sheet``; a hidden sheet read said (a
        lookup list, a clerk's scratch: Excel does not show it; read only when --sheet names it, or every sheet is)."""
        import fastexcel

        from pipelines.ingest import xlsx_layout

        try:
            reader = fastexcel.read_excel(str(path))
            names = list(reader.sheet_names)
        except Exception:  # noqa: BLE001 - the library's message may quote cells
            raise click.ClickException(
                f"{path}: cannot read as a workbook (.xlsx): damaged, cut off or another kind of file"
            ) from None
        if not names:
            raise click.ClickException(f"{path}: the workbook lists no sheet (damaged or cut off)")
        if sheet is not None and sheet not in names:
            raise click.BadParameter(
                f"{path}: no sheet {sheet!r}; its sheets are: {', '.join(map(repr, names))}", param_hint="--sheet"
            )
        states = xlsx_layout.sheet_states(path, reader)
        shown = [n for n in names if states.get(n, "visible") == "visible"]
        hidden = [n for n in names if n not in shown]
        name = sheet if sheet is not None else (shown or names)[0]
        if name in hidden:  # named by --sheet, or every sheet is hidden (a program wrote it so; Excel keeps one shown)
            how = "read as --sheet names it" if sheet is not None else "every sheet is: the first is read"
            echo(f"wardbridge: {path}: sheet {name!r} is {states[name]} in the workbook: {how}")
        return cls(path, sheet, reader, names, states, shown, hidden, name)

    def load(self) -> tuple:
        """The sheet's cells (text), the columns' places in the sheet and its layout (one read of its XML)."""
        from pipelines.ingest import xlsx_layout

        try:
            loaded = self.reader.load_sheet(self.name, header_row=None, dtypes="string")  # type: ignore[attr-defined]
            grid, placed = loaded.to_polars(), [c.absolute_index for c in loaded.available_columns()]
        except Exception as exc:  # noqa: BLE001 - the library's message may quote cells
            raise click.ClickException(
                f"{self.path}: sheet {self.name!r} is damaged or cut off ({type(exc).__name__})"
            ) from None
        with xlsx_layout.WorkbookLayouts(self.path, padded=True) as workbook:
            layout = workbook.layout(self.name) or xlsx_layout.SheetLayout()
        return grid, placed, layout

    def empty(self, layout) -> str:  # noqa: ANN001 - an xlsx_layout.SheetLayout
        """Why a sheet with no value is refused: its Excel error cells (nothing to read, but not nothing there)
        and the other sheets --sheet could read."""
        others = [n for n in self.names if n != self.name] if self.sheet is None else []
        errors = len(layout.errors)
        return (
            f"{self.path}: sheet {self.name!r} is empty"
            + (
                f" of values: its {errors:,} cell{'s hold' if errors > 1 else ' holds'} an Excel error (a formula that "
                "failed: #REF!, #N/A..., or was never calculated), read as empty; correct it in the workbook"
                if errors
                else ""
            )
            + (
                f"; the workbook's other sheets: {', '.join(map(repr, others))} (--sheet NAME reads one)"
                if others
                else ""
            )
        )

    def say_blank_rows(self, rows, keep) -> None:  # noqa: ANN001 - numpy arrays
        """The blank rows inside the table (those after its last row go unsaid) on stderr: no record."""
        blank = rows[~keep]
        if keep.any() and blank[0] < rows[keep][-1]:
            shown = ", ".join(map(str, blank[:5])) + (", ..." if blank.size > 5 else "")
            echo(
                f"wardbridge: {self.path}: sheet {self.name!r}: {blank.size:,} blank row{'s' if blank.size > 1 else ''} "
                f"skipped (row{'s' if blank.size > 1 else ''} {shown}): a blank row is no record"
            )

    def say_sheet_read(self) -> None:
        """Which sheet of several was read, and the hidden ones not read (their rows), unless --sheet named it."""
        if len(self.names) < 2 or self.sheet is not None:
            return
        from pipelines.ingest.readers import hidden_words, rows_holding

        skipped = [(n, self.states[n], rows_holding(self.reader, n)) for n in self.hidden if n != self.name]
        echo(
            f"wardbridge: {self.path}: "
            + (
                "the first visible sheet read"
                if self.hidden and self.shown
                else f"the first of {len(self.names)} sheets read"
            )
            + f" ({self.name!r}); --sheet NAME reads another"
            + (f"; hidden sheets not read: {hidden_words(skipped)}" if skipped else "")
        )


def _zero_padded(frame: pl.DataFrame, layout, first: int, path: Path, sheet: str):  # noqa: ANN001, ANN202
    """Number cells whose number format is zeros only ('000000000000': the sheet shows 079085001234, the cell stores
    79085001234) given back their leading zeros to the width the format declares (the layout's ``padded`` cells,
    found in the read of its layout: xlsx_layout.zero_padded_cells),
    said per column with the sheet rows (never a value). Returns (the frame, column position -> per row whether the
    cell's format declares its width: _report_number_cells leaves them out)."""
    import numpy as np

    cells = layout.padded
    if not cells or not frame.height:
        return frame, {}
    top, left = first, layout.origin[1]
    # the cells as arrays (a per-cell loop built two full-height arrays per cell: quadratic in the rows)
    where = np.array(list(cells), dtype=np.int64).reshape(-1, 2) - np.array([top, left])
    declared_width = np.fromiter(cells.values(), dtype=np.int64, count=len(cells))
    inside = (where[:, 0] >= 0) & (where[:, 0] < frame.height) & (where[:, 1] >= 0) & (where[:, 1] < frame.width)
    where, declared_width = where[inside], declared_width[inside]
    padded, fixes = {}, []
    for j in np.unique(where[:, 1]).tolist():
        at_j = where[:, 1] == j
        declared, widths = np.zeros(frame.height, bool), np.zeros(frame.height, np.int64)
        declared[where[at_j, 0]], widths[where[at_j, 0]] = True, declared_width[at_j]
        name = frame.columns[j]
        value = frame[name].cast(pl.String).str.replace(r"\.0+$", "")
        short = (
            value.str.contains(r"^\d+$").fill_null(False).to_numpy()
            & (value.str.len_chars().fill_null(0).to_numpy() < widths)
            & declared
        )
        padded[j] = declared
        if not short.any():
            continue
        cut = pl.DataFrame({"v": value, "w": widths, "s": short})
        filled = cut.select(pl.when("s").then(pl.col("v").str.zfill(pl.col("w")))).to_series().rename(name)
        fixes.append(pl.coalesce(filled, pl.col(name)).alias(name))
        at = np.arange(top, top + frame.height)[short]
        shown = ", ".join(map(str, at[:NUMBER_ROWS_SHOWN])) + (", ..." if at.size > NUMBER_ROWS_SHOWN else "")
        echo(
            f"wardbridge: {path}: sheet {sheet!r}: {column_said(frame.columns, j)}: {at.size:,} number cell"
            f"{'s given back their' if at.size > 1 else ' given back its'} leading zeros to the {', '.join(map(str, sorted(set(widths[short].tolist()))))} digits its number format shows "
            f"(row{'s' if at.size > 1 else ''} {shown})"
        )
    return (frame.with_columns(fixes) if fixes else frame), padded


def _report_error_cells(layout, rows, columns: list[str], path: Path, sheet: str) -> None:  # noqa: ANN001
    """Say on stderr, per column, the data cells holding an Excel error (#REF!, #N/A, #DIV/0!: a formula that failed;
    xlsx_layout reads them from the sheet's XML): the reader reads them as empty, which passed as an empty cell
    (an address '#REF!' resolved as 'empty'). Counts and sheet rows only."""
    if not layout.errors or not len(rows):
        return
    kept = set(rows.tolist())
    every = layout.errors_by_column(min(kept), max(kept) - min(kept) + 1, len(columns))
    by_column = {j: at for j, rows_at in every.items() if (at := [row for row in rows_at if row in kept])}
    for j, at in sorted(by_column.items()):
        n = len(at)
        shown = ", ".join(map(str, at[:NUMBER_ROWS_SHOWN])) + (", ..." if n > NUMBER_ROWS_SHOWN else "")
        echo(
            f"wardbridge: {path}: sheet {sheet!r}: {column_said(columns, j)}: {n:,} cell{'s hold' if n > 1 else ' holds'} "
            f"an Excel error (row{'s' if n > 1 else ''} {shown}): a formula that failed (#REF!, #N/A, #DIV/0!...) or was "
            "never calculated (no result saved), "
            "read as empty; correct it in the workbook"
        )


def _fill_merged_cells(frame: pl.DataFrame, layout, first: int, path: Path, sheet: str):  # noqa: ANN001, ANN202
    """The data cells under a cell merged down over rows given its value, as ingestion does (readers.fill_merged_down: an
    address merged over a household's members' rows read empty below its first row), said on stderr per column (a
    count, never a value). Returns (the frame, per row whether a cell of it was filled)."""
    import numpy as np

    from pipelines.ingest.readers import fill_merged_down

    filled = fill_merged_down(frame, layout, first)
    if filled is frame:
        return frame, np.zeros(frame.height, dtype=bool)
    gained = frame.select(pl.col(c).is_null() & filled[c].is_not_null() for c in frame.columns)
    counts = {c: n for c, n in zip(frame.columns, gained.sum().row(0), strict=True) if n}
    if counts:
        echo(
            f"wardbridge: {path}: sheet {sheet!r}: {sum(counts.values()):,} cells under merged cells given the merged "
            f"value ({', '.join(column_said(frame.columns, frame.columns.index(c)) + (f' {n:,}' if len(counts) > 1 else '') for c, n in counts.items())})"
        )
    return filled, gained.select(pl.any_horizontal(pl.all())).to_series().to_numpy()


NUMBER_ROWS_SHOWN = 5


def _report_number_cells(
    reader, name: str, grid: pl.DataFrame, header_at: int, keep, rows, columns, path: Path, padded, placed
) -> None:  # noqa: ANN001, PLR0913
    """Say on stderr, per column, how many data cells that may be an ID (8 digits or more, the first not 0) the
    workbook holds as numbers, not text: an ID typed into Excel as a number has lost its leading zeros (a CCCD
    '079085001234' is 79085001234) and the CLI reads the number's digits as they are, restoring nothing (ingestion
    marks such cells, readers.xlsx_number_cells, and staging restores a personal ID's zero; the CLI knows no field).
    When the workbook cannot be read again to tell, the cells that may be so are counted instead. Names, counts
    and sheet rows only, never a value."""
    from pipelines.ingest.readers import xlsx_number_cells

    marks, not_told = xlsx_number_cells(reader, name, None, grid, placed)
    where = f"{path}: sheet {name!r}"
    for i, mask in marks.items():
        data = mask.slice(header_at + 1).to_numpy()
        if padded and i in padded:  # its number format declares the width: zeros given back (_zero_padded)
            data = data & ~padded[i]
        data = data[keep]
        n = int(data.sum())
        if not n:
            continue
        at = rows[data]
        shown = ", ".join(map(str, at[:NUMBER_ROWS_SHOWN])) + (", ..." if n > NUMBER_ROWS_SHOWN else "")
        echo(
            f"wardbridge: {where}: {column_said(columns, i)}: {n:,} cell{'s are numbers' if n > 1 else ' is a number'} in "
            f"the workbook, not text (row{'s' if n > 1 else ''} {shown}): an ID typed as a number has lost its "
            "leading zeros (a CCCD 0790... reads 790...) and is read as the number's digits, nothing restored; if "
            "the column holds IDs, format it as Text in the workbook and type them again"
        )
    for i in not_told:  # counted in the data rows (not_told counts the whole sheet, its header too)
        data = grid.to_series(i).slice(header_at + 1).filter(pl.Series(keep)).cast(pl.String)
        n = int(data.str.contains(r"^[1-9]\d{7,}$").sum())
        if not n:
            continue
        echo(
            f"wardbridge: {where}: {column_said(columns, i)}: {n:,} cell{'s' if n > 1 else ''} of 8 digits or more "
            "may be numbers in the workbook, not text (the sheet could not be read again to tell): an ID typed as "
            "a number has lost its leading zeros, nothing restored"
        )

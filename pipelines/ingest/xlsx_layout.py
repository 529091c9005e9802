"""Where a workbook sheet's cells really are, and which of them are merged: read from the sheet's XML.

The xlsx reader (fastexcel/calamine) returns a sheet's used range starting at its first cell holding a value,
so a sheet whose table starts below empty rows (or right of empty columns) loses its position: row numbers
named in quarantine reasons would be off. A merged cell holds its value in its top-left cell only; the
rows under it read as empty (a household's address merged over its members' rows, a common layout of
official lists). This module reads, without loading the sheet:

* ``origin``: the 1-based row and column of the first cell with a value (the reader's range start);
* ``merges``: the merged ranges, as 1-based (first row, last row, first column, last column);
* ``errors``: the cells holding an Excel error (``#REF!``, ``#N/A``...) or a formula whose result was never calculated
  (no value saved), which the reader reads as empty.

The sheet XML is streamed in blocks (``zipfile``), scanning only for cell references and ``mergeCell``
elements; nothing of a cell's value is read.
"""

from __future__ import annotations

import contextlib
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL = re.compile(rb"<c\s[^>]*?\br=\"([A-Z]{1,3})(\d+)\"[^>]*?(/?)>")
_MERGE = re.compile(rb"<mergeCell\s[^>]*?\bref=\"([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)\"")
# a cell holding an Excel error (t="e": #REF!, #N/A, #DIV/0!, #VALUE!...: a formula that failed); the reader reads it
# as empty
_ERROR_CELL = re.compile(rb"<c\s(?=[^>]*?\bt=\"e\")[^>]*?\br=\"([A-Z]{1,3})(\d+)\"")
# a cell holding a formula whose result was never calculated (a program wrote the workbook and nobody opened it in
# Excel: openpyxl saves an empty value, EPPlus none, a shared formula's copy none either); the reader reads it as empty.
# An empty value of a text result (t="str": the formula gave '') is an empty cell.
_FORMULA_CELL = re.compile(rb"<c\s([^>]*?)(?<!/)>\s*<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(<v\s*/>|<v>\s*</v>)?\s*</c>")
_REF = re.compile(rb"\br=\"([A-Z]{1,3})(\d+)\"")
_BLOCK = 1 << 20


@dataclass
class SheetLayout:
    origin: tuple[int, int] = (1, 1)  # (row, column) of the first cell with a value, 1-based
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row1, row2, col1, col2), 1-based
    errors: list[tuple[int, int]] = field(default_factory=list)  # (row, column), 1-based, of cells holding an error
    # (row, column), 1-based -> width, of the number cells whose number format is zeros only (zero_padded_cells),
    # found in the same read of the sheet when asked for (WorkbookLayouts(padded=True)); else empty
    padded: dict[tuple[int, int], int] = field(default_factory=dict)

    def errors_by_column(self, first: int, rows: int, width: int) -> dict[int, list[int]]:
        """Column position in the table (0 = the sheet's first column with a value) -> the sheet rows, in order, of
        its cells holding an Excel error, for the ``rows`` rows from sheet row ``first`` and the ``width`` columns."""
        out: dict[int, list[int]] = {}
        for row, col in sorted(self.errors):
            j = col - self.origin[1]
            if first <= row < first + rows and 0 <= j < width:
                out.setdefault(j, []).append(row)
        return out


def column_number(letters: bytes | str) -> int:
    """'A' -> 1, 'Z' -> 26, 'AA' -> 27."""
    n = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        n = n * 26 + ord(ch) - 64
    return n


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part in the archive (from the workbook and its relationships)."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
    out = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        if target:
            part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            out[sheet.get("name", "")] = part
    return out


# a sheet's state attribute in xl/workbook.xml (and fastexcel's ExcelSheet.visible), as messages say it
SHEET_STATES = {"visible": "visible", "hidden": "hidden", "veryhidden": "very hidden"}


def sheet_states(path: Path, reader=None) -> dict[str, str]:  # noqa: ANN001 - a fastexcel ExcelReader
    """Sheet name -> 'visible', 'hidden' or 'very hidden' (Excel's Hide; very hidden: set from the VBA editor only).
    Read from xl/workbook.xml (no sheet's cells are read); a workbook without that part (an .xls or .ods) through
    ``reader``, which reads each sheet whole, when given (else every sheet is taken as visible)."""
    try:
        with zipfile.ZipFile(path) as archive:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        return {
            sheet.get("name", ""): SHEET_STATES.get(sheet.get("state", "visible").lower(), "hidden")
            for sheet in book.iter(f"{_MAIN}sheet")
        }
    except Exception:  # noqa: BLE001 - not an xlsx archive: the reader says each sheet's state
        pass
    if reader is None:
        return {}
    states = {}
    for name in reader.sheet_names:
        try:
            states[name] = SHEET_STATES.get(str(reader.load_sheet(name, header_row=None, n_rows=0).visible), "hidden")
        except Exception:  # noqa: BLE001 - a sheet that cannot be read is said so where it is read
            states[name] = "visible"
    return states


def read_layouts(path: Path, sheets: Iterable[str] | None = None) -> dict[str, SheetLayout]:
    """The layout of each named sheet (every sheet when ``sheets`` is None) by name; an empty dict when the
    workbook's parts cannot be found. A sheet not named is not read."""
    with zipfile.ZipFile(path) as archive:
        try:
            parts = sheet_parts(archive)
        except (KeyError, ElementTree.ParseError):
            return {}
        wanted = parts if sheets is None else {name: parts[name] for name in sheets if name in parts}
        present = set(archive.namelist())
        return {name: _layout(archive, part) for name, part in wanted.items() if part in present}


class WorkbookLayouts:
    """The layouts of a workbook's sheets, each read when asked for (``layout(name)``), from one opening of the
    workbook: its archive and its list of sheets are read once, however many sheets are asked for. A workbook
    whose archive or list of sheets cannot be read gives no layout (None), as does a sheet not found or not
    readable. Close it (or use it in a ``with``)."""

    def __init__(self, path: Path, *, padded: bool = False) -> None:
        self._archive: zipfile.ZipFile | None = None
        self._parts: dict[str, str] = {}
        self._styles: dict[int, int] = {}  # zero_padded_styles, when ``padded``: a layout's ``padded`` cells
        try:
            self._archive = zipfile.ZipFile(path)
            present = set(self._archive.namelist())
            self._parts = {name: part for name, part in sheet_parts(self._archive).items() if part in present}
        except Exception:  # noqa: BLE001 - no layouts: sheets are read as their cells hold them
            self.close()
            return
        if padded:
            with contextlib.suppress(Exception):  # no styles read: no cell's width is declared
                self._styles = zero_padded_styles(self._archive)

    def layout(self, name: str) -> SheetLayout | None:
        part = self._parts.get(name)
        if part is None or self._archive is None:
            return None
        try:
            return _layout(self._archive, part, self._styles)
        except Exception:  # noqa: BLE001 - this sheet's layout only is missing
            return None

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()
            self._archive = None
        self._parts = {}

    def __enter__(self) -> WorkbookLayouts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _layout(archive: zipfile.ZipFile, part: str, styles: dict[int, int] | None = None) -> SheetLayout:
    """The sheet's layout from one read of its XML; ``styles`` (zero_padded_styles): its ``padded`` cells too."""
    first_row, first_col, merges, errors = None, None, [], []
    padded: dict[tuple[int, int], int] = {}
    styled = _styled_cells(styles) if styles else None
    carry, cell_carry = b"", b""
    with archive.open(part) as stream:
        while block := stream.read(_BLOCK):
            text = carry + block
            cut = text.rfind(b"<")  # an element may straddle two blocks: scanned with the next one
            text, carry = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
            cells, cell_carry = _whole_cells(cell_carry + text)  # a cell's elements, not its tag only: whole cells
            if b"<f" in cells:
                errors += _uncalculated(cells)
            if styled is not None:
                _padded_cells(text, styled, styles, padded)
            if first_col != 1:
                for m in _CELL.finditer(text):
                    if m.group(3):  # <c .../>: no value (a formatted empty cell, a merged range's other cells)
                        continue
                    row, col = int(m.group(2)), column_number(m.group(1))
                    first_row = row if first_row is None else min(first_row, row)
                    first_col = col if first_col is None else min(first_col, col)
                    if first_col == 1:
                        break
            if b't="e"' in text:
                errors += [(int(m.group(2)), column_number(m.group(1))) for m in _ERROR_CELL.finditer(text)]
            if b"<mergeCell" in text:
                for m in _MERGE.finditer(text):
                    c1, r1, c2, r2 = (
                        column_number(m.group(1)),
                        int(m.group(2)),
                        column_number(m.group(3)),
                        int(m.group(4)),
                    )
                    merges.append((r1, r2, c1, c2))
        if carry:
            merges.extend(
                (int(m.group(2)), int(m.group(4)), column_number(m.group(1)), column_number(m.group(3)))
                for m in _MERGE.finditer(carry)
            )
    return SheetLayout((first_row or 1, first_col or 1), merges, errors, padded)


def _whole_cells(text: bytes) -> tuple[bytes, bytes]:
    """``text`` up to a cell element its end cuts in two, and that cell's start (scanned with the next block)."""
    last = text.rfind(b"<c ")
    if last < 0 or last < text.rfind(b"</c>"):
        return text, b""
    tag_end = text.find(b">", last)
    if tag_end > 0 and text[tag_end - 1 : tag_end] == b"/":  # <c .../>: a cell of no value, whole
        return text, b""
    return text[:last], text[last:]


def _uncalculated(text: bytes) -> list[tuple[int, int]]:
    """(row, column), 1-based, of the cells of ``text`` holding a formula with no result saved (_FORMULA_CELL)."""
    out = []
    for m in _FORMULA_CELL.finditer(text):
        attributes, empty_value = m.group(1), m.group(2)
        ref = _REF.search(attributes)
        if ref and not (empty_value and b't="str"' in attributes):
            out.append((int(ref.group(2)), column_number(ref.group(1))))
    return out


# a number format of zeros only ('000000000000'): the cell is shown with its leading zeros to that many digits
_ZEROS = re.compile(r"^0{2,}$")
_ATTR = re.compile(rb"\b([rst])=\"([^\"]*)\"")


def zero_padded_styles(archive: zipfile.ZipFile) -> dict[int, int]:
    """Cell style index (a cell's ``s``) -> width, for the styles whose number format is zeros only: an ID stored as
    a number but shown with its leading zeros ('000000000000' shows 79085001234 as 079085001234). Empty when the
    workbook has no styles part or none such."""
    try:
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    except (KeyError, ElementTree.ParseError):
        return {}
    widths = {}
    for fmt in styles.iter(f"{_MAIN}numFmt"):
        code = (fmt.get("formatCode") or "").replace('"', "").strip()
        if _ZEROS.fullmatch(code) and (fmt.get("numFmtId") or "").isdigit():
            widths[int(fmt.get("numFmtId"))] = len(code)
    if not widths:
        return {}
    xfs = styles.find(f"{_MAIN}cellXfs")
    if xfs is None:
        return {}
    return {
        i: widths[int(xf.get("numFmtId", "0"))]
        for i, xf in enumerate(xfs.iter(f"{_MAIN}xf"))
        if (xf.get("numFmtId") or "0").isdigit() and int(xf.get("numFmtId", "0")) in widths
    }


def _styled_cells(styles: dict[int, int]) -> re.Pattern:
    """A regex finding the cells of the ``styles`` (only those reach Python: every cell did, 1.8 CPU s for 200k rows
    x 6 columns); group 1 their attributes."""
    wanted = sorted(str(i).encode() for i in styles)
    return re.compile(rb"<c\s(?=[^>]*?\bs=\"(?:" + b"|".join(wanted) + rb")\")([^>]*?)/?>")


def _padded_cells(text: bytes, styled: re.Pattern, styles: dict[int, int], out: dict[tuple[int, int], int]) -> None:
    """The number cells of ``text`` (a part of a sheet's XML) in one of the ``styles``, (row, column) -> width."""
    for m in styled.finditer(text):
        attrs = dict(_ATTR.findall(m.group(1)))
        s = attrs.get(b"s")
        if s is None or not s.isdigit() or int(s) not in styles or attrs.get(b"t", b"n") != b"n" or b"r" not in attrs:
            continue
        ref = re.fullmatch(rb"([A-Z]{1,3})(\d+)", attrs[b"r"])
        if ref:
            out[(int(ref.group(2)), column_number(ref.group(1)))] = styles[int(s)]


def zero_padded_cells(path: Path, sheet: str) -> dict[tuple[int, int], int]:
    """(row, column), 1-based -> width, of the sheet's number cells whose number format is zeros only
    (:func:`zero_padded_styles`): the width the workbook declares for them. Empty when the workbook has no such
    format (the sheet is then not read), or its parts cannot be read. (A sheet whose layout is read anyway gets them
    from the same read: ``WorkbookLayouts(path, padded=True)``.)"""
    try:
        with zipfile.ZipFile(path) as archive:
            styles = zero_padded_styles(archive)
            part = sheet_parts(archive).get(sheet) if styles else None
            if part is None or part not in set(archive.namelist()):
                return {}
            return _layout(archive, part, styles).padded
    except (OSError, zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        return {}

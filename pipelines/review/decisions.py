"""Officials' decisions: the decisions folder, validation, the append-only audit, the effective decision per item.

Folder: ``decisions/`` at the repository root, or ``$WARDBRIDGE_DECISIONS_DIR``. Every ``*.csv``, ``*.txt`` (Excel's
'Unicode text') and workbook (``*.xlsx``, ``*.xlsm``, ``*.xls``, ``*.ods``) in it (subfolders included; hidden files,
Excel's ``~$`` lock files, Thumbs.db and desktop.ini skipped; any other file is named in the errors, not read) is read on every run, whatever
the warehouse (``wardbridge run`` names the folder; it creates the repository's one, mode 0700, when missing). A
folder other accounts can open (group/other permission bits) is warned about: its files hold names and IDs.
Columns (any order, other columns ignored, so a per-ward export filled in is a decisions file):
``item_id, decision, reviewer, decided_on, note, new_ward_code``; Vietnamese headers are accepted
(``HEADER_ALIASES``), and a Vietnamese header row followed by an English one (as the exports write) too.
A cell starting with an apostrophe before = + - @ tab or CR (the exports' CSV formula escape) is read without it.

A match_pair item is shown on several rows of a ward file (one per record pair its decision labels): its decision may
be written on any of them, or the same on several (read once, reviewer, date and note from the first); rows of one
item in one sheet giving different decisions are all refused, naming the item and the rows, and its rows without a
decision beside a decided one are not items left undecided (``one_decision_per_item``). The ward file's pair columns
(left_id, right_id, record_pairs) are read too: a decision row whose file misses more of the record pairs its item
holds now than the rows an official may have deleted (a pair joined it, the item keeping its id, after the file was
written) is refused rather than label that pair unseen (``_unseen_pairs``). ``ward_file_pairs`` reads a ward file so for ``wardbridge match --labels``.
A match_pair decision keeps the record pairs it decided (audit ``left_ids``/``right_ids``, ``pairs_from``: the pairs its
ward file showed; a file without the pair columns: the pairs the item held when the row was first read) and labels
those only (``decided_pairs``): a pair its item gains later, the item published again under the same id, is left open
(``queues.pairs_not_decided``). An audit written before pairs were kept is read with its match_pair rows 'not kept':
they label the item's pairs of each run, as before (``migrated_audit``).

A row with a review item id and no decision is an item not decided yet (counted, not an error); a row with no
decision and an id that is not a review item id (mangled by a spreadsheet, a note in the column) is an error. Every other
row either passes validation or is reported in ``decision_errors`` with file, row, field and cause (never
the value) and is not applied; a broken file never stops the run. A CSV row with more fields than its header row (a
note holding the delimiter unquoted: every cell after it moved right) is such a row (field ``*``), never cut to the
header's width.

Valid rows enter the audit once (``audit_id`` = MD5 of item, decision, ward, reviewer, date, note) and
stay there: decisions survive re-runs, re-ingestion and the removal of their file. A row edited in place
(same item, file, sheet and row, new content) is a correction: the version loaded last replaces the earlier
ones (the audit keeps them all). A row edited back to an earlier version (A -> B -> A) enters the audit again
(its ``audit_id`` then also hashes the place and the load time), so A is in force again, not B. The effective decision per item is the latest by ``decided_on``; ``reverse`` undoes the decision before it (two reverses
undo two decisions; among rows of one date, load order, file and row say which is "before"); an item whose
decisions are all reversed is open again. Two different decisions (or wards) for one item on its latest
date from different places (files, sheets or rows) are a conflict, whatever run they came from: nothing decides between them, so the item stays
open (state ``conflict``) and each of those rows is reported in ``decision_errors`` (field ``decision``,
cause naming the other row's file and row) on every run until a later-dated decision settles it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import os
import stat
import unicodedata
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import polars as pl

from pipelines.reference import city_today
from pipelines.review.exports import ESCAPE, ESCAPED_FORMULA
from pipelines.review.ids import ITEM_ID_PATTERN, KIND_OF_PREFIX, md5_column, question_keys
from pipelines.schema import (
    OFFICIAL_STATUS,
    PAIRS_KEPT,
    REVIEW_DECISION_AUDIT,
    REVIEW_DECISION_ERRORS,
    REVIEW_DECISIONS,
    REVIEW_DECISIONS_TABLE,
    REVIEW_ITEM_KEYS,
    REVIEW_MATCH_LABELS,
    REVIEW_PLACEMENTS,
)
from pipelines.text import numbered
from pipelines.warehouse import REPO_ROOT

log = logging.getLogger("wardbridge.review")
DECISIONS_ENV = "WARDBRIDGE_DECISIONS_DIR"
DEFAULT_DECISIONS_DIR = REPO_ROOT / "decisions"
COLUMNS = ("item_id", "decision", "reviewer", "decided_on", "note", "new_ward_code")
REQUIRED_COLUMNS = ("item_id", "decision", "reviewer", "decided_on")
EMPTY_FILE = "the file is empty (a save or copy that never finished?)"  # a CSV or workbook of no data
# header text (folded: no diacritics, lower case, words) -> column
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "item_id": ("item id", "ma muc", "ma muc ra soat", "ma ho so ra soat"),
    "decision": ("decision", "quyet dinh", "ket qua ra soat"),
    "reviewer": ("reviewer", "nguoi duyet", "nguoi ra soat", "can bo ra soat"),
    "decided_on": ("decided on", "ngay quyet dinh", "ngay duyet"),
    "note": ("note", "notes", "ghi chu"),
    "new_ward_code": ("new ward code", "ma phuong xa moi", "ma xa phuong moi", "ma don vi moi"),
}
# a ward file's record-pair columns (a match_pair item is one row per record pair): read beside the decision columns
# when present (never required, never refused when named twice: the first is read). Their record keys tell which
# pairs of an item the file showed (``validate``: a pair that joined the item later is not decided unseen) and let
# ``wardbridge match --labels`` read a ward file (``ward_file_pairs``)
PAIR_COLUMNS = ("left_id", "right_id", "record_pairs")
PAIR_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "left_id": ("left id", "ma ho so trai"),
    "right_id": ("right id", "ma ho so phai"),
    "record_pairs": ("record pairs", "so cap ho so"),
}
# decisions each kind takes (every kind also takes "reverse")
KIND_DECISIONS: dict[str, tuple[str, ...]] = {
    "quarantined_row": ("fixed_at_source", "dismiss"),
    "unresolved_address": ("place", "dismiss"),
    "split_unit": ("place", "reject", "dismiss"),
    "invalid_id": ("accept", "fixed_at_source"),
    "match_pair": ("match", "no_match"),
    "unreadable_value": ("fixed_at_source", "dismiss"),
}
WARD_DECISIONS = ("place", "reject")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def decisions_dir(configured: str | None = None) -> Path:
    """The decisions folder: `configured`, else ``$WARDBRIDGE_DECISIONS_DIR``, else decisions/ in the repository."""
    value = (configured or os.environ.get(DECISIONS_ENV, "")).strip()
    return Path(value).expanduser().resolve() if value else DEFAULT_DECISIONS_DIR


def ensure_default_decisions_dir(folder: Path) -> bool:
    """Create the repository's decisions/ (mode 0700: officials' files hold personal values) when ``folder`` is it
    and it is missing; True when created. A folder given by configuration or $WARDBRIDGE_DECISIONS_DIR is never
    created (a mistyped path would read nothing, silently)."""
    if folder != DEFAULT_DECISIONS_DIR or folder.exists():
        return False
    folder.mkdir(mode=0o700)
    folder.chmod(0o700)  # whatever the umask
    return True


def open_to_others(folder: Path) -> str | None:
    """Why other accounts of the machine can read the decisions: the folder has group or other permission bits
    (its files hold names and IDs). None when it is private (0700) or absent."""
    if not folder.is_dir():
        return None
    mode = stat.S_IMODE(folder.stat().st_mode)
    if not mode & 0o077:
        return None
    return (
        f"decisions folder {folder} is mode {mode:04o}: other accounts can read the officials' files (names, IDs); "
        f"chmod 700 {folder}"
    )


def fold_header(text: str | None) -> str:
    """'Mã phường/xã mới' -> 'ma phuong xa moi'; 'new_ward_code' -> 'new ward code'."""
    if text is None:
        return ""
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if unicodedata.category(c) != "Mn").casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


_ALIAS = {alias: column for column, aliases in HEADER_ALIASES.items() for alias in (fold_header(column), *aliases)}
_PAIR_ALIAS = {alias: c for c, aliases in PAIR_HEADER_ALIASES.items() for alias in (fold_header(c), *aliases)}


NO_COLUMN = "no such column in the header"
NAMED_TWICE = "the header names this column twice"  # the cause (its start) of a header naming a column twice
BAD_ID = "not a review item id (two letters, '-', 16 hex digits)"
# a row with no decision and an id that is not a review item id: not an item left undecided, a row not read
UNDECIDED_BAD_ID = f"{BAD_ID}; the row has no decision either: copy the item id from the review file again"  # the cause of a header that lacks a required column


def _error(file: str, sheet: str | None, row: int, field: str, cause: str) -> dict:
    return {"source_file": file, "sheet": sheet, "source_row": row, "field": field, "cause": cause}


def unescape_cell(column: pl.Expr) -> pl.Expr:
    """Undo the exports' CSV formula escape: a leading apostrophe before = + - @ tab CR is dropped."""
    return pl.when(column.str.contains(ESCAPED_FORMULA)).then(column.str.slice(len(ESCAPE))).otherwise(column)


def _header_map(cells: list[str | None]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        column = _ALIAS.get(fold_header(cell))
        if column and column not in found:
            found[column] = i
    return found


def _named_twice(header_rows: list[tuple], mapping: dict[str, int]) -> dict[str, list[int]]:
    """Decision columns that the header row(s) name at more than one position: {column: positions (0-based)}.
    The two header rows the exports write name a column at the same position, which is once."""
    found: dict[str, set[int]] = {}
    for cells in header_rows:
        for i, cell in enumerate(cells):
            column = _ALIAS.get(fold_header(cell))
            if column:
                found.setdefault(column, {mapping[column]}).add(i)
    return {c: sorted(at) for c, at in found.items() if len(at) > 1}


def _column_label(position: int) -> str:
    """0 -> 'A', 26 -> 'AA': the spreadsheet's column letters (a CSV opened in Excel shows them too)."""
    label, n = "", position + 1
    while n:
        n, rest = divmod(n - 1, 26)
        label = chr(ord("A") + rest) + label
    return label


def _rows_from_grid(
    grid: pl.DataFrame,
    file: str,
    sheet: str | None,
    widths: list[int] | None = None,
    separator: str = ",",
    layout=None,  # noqa: ANN001 - xlsx_layout.SheetLayout of a workbook's sheet
) -> tuple[pl.DataFrame | None, list[dict]]:
    """The decision columns of a sheet of strings (no header read yet), with spreadsheet row numbers. ``widths``: a
    CSV's field count per record; a row with more fields than its header row is refused (:func:`_wider_rows`).
    ``layout``: where a workbook sheet's grid starts (its rows are numbered from there: the library's grid starts at
    the first row holding a value) and its cells holding an Excel error (read as empty: such a row is listed, not
    applied)."""
    skipped = layout.origin[0] - 1 if layout is not None else 0  # empty sheet rows above the grid
    head = grid.head(10).rows()
    start = next((i for i, cells in enumerate(head) if {"item_id", "decision"} <= set(_header_map(list(cells)))), None)
    if start is None:
        return None, []
    mapping = _header_map(list(head[start]))
    data_start = start + 1
    if data_start < len(head) and len(_header_map(list(head[data_start]))) >= 2:  # a second (English) header row
        mapping = {**mapping, **_header_map(list(head[data_start]))}
        data_start += 1
    missing = [c for c in REQUIRED_COLUMNS if c not in mapping]
    if missing:
        return None, [_error(file, sheet, start + 1 + skipped, c, NO_COLUMN) for c in missing]
    twice = _named_twice(head[start:data_start], mapping)
    if twice:  # which of the two holds the official's decision cannot be told: the file is not read, and said so
        return None, [
            _error(
                file,
                sheet,
                start + 1 + skipped,
                c,
                f"{NAMED_TWICE} (columns {' and '.join(_column_label(i) for i in at)}): keep one, delete the other",
            )
            for c, at in twice.items()
        ]
    names = grid.columns
    pair_at: dict[str, int] = {}  # the record-pair columns (PAIR_COLUMNS) either header row names, the first of each
    for cells in head[start:data_start]:
        for i, cell in enumerate(cells):
            column = _PAIR_ALIAS.get(fold_header(cell))
            if column:
                pair_at.setdefault(column, i)
    frame = grid.with_row_index("source_row", offset=1 + skipped).slice(data_start)
    repeated = _repeated_headers(grid, names[mapping["item_id"]], names[mapping["decision"]], data_start)
    if repeated:  # two review files pasted into one: the second one's header rows are no decisions
        frame = frame.filter(~pl.col("source_row").is_in([r + skipped for r in repeated]))
    wider: list[dict] = []
    if layout is not None and layout.errors:
        wider += _error_cells(layout, mapping, data_start + skipped + 1, file, sheet)
        frame = frame.filter(~pl.col("source_row").is_in([e["source_row"] for e in wider]))
    if widths is not None:
        wider += _wider_rows(widths, start, data_start, mapping, file, separator)
        frame = frame.filter(~pl.col("source_row").is_in([e["source_row"] for e in wider]))
    return (
        frame.select(
            pl.col("source_row").cast(pl.UInt32),
            *[
                (
                    unescape_cell(pl.col(names[mapping[c]]).cast(pl.String))
                    if c in mapping
                    else pl.lit(None, pl.String)
                ).alias(c)
                for c in COLUMNS
            ],
            *[
                (unescape_cell(pl.col(names[pair_at[c]]).cast(pl.String)) if c in pair_at else pl.lit(None, pl.String))
                .str.strip_chars()
                .alias(c)
                for c in PAIR_COLUMNS
            ],
        ).with_columns(pl.lit(file).alias("source_file"), pl.lit(sheet, pl.String).alias("sheet")),
        wider,
    )


EXCEL_ERROR = (
    "an Excel error (a formula that failed: #N/A, #REF!..., or was never calculated), read as empty: correct the cell "
    "(type the value)"
)


def _error_cells(layout, mapping: dict[str, int], first: int, file: str, sheet: str | None) -> list[dict]:  # noqa: ANN001
    """decision_errors rows for the cells of the decision columns, from sheet row ``first`` down, that hold an Excel
    error (xlsx_layout: ``t="e"``): the library reads them as empty, so a '#N/A' decision passed for an item not
    decided yet and a '#REF!' date for a missing one. Their rows are not applied."""
    field_at = {index: c for c, index in mapping.items()}
    last = max((row for row, _ in layout.errors), default=first)
    by_column = layout.errors_by_column(first, last - first + 1, max(field_at, default=-1) + 1)
    cells = sorted((row, j) for j, at in by_column.items() if j in field_at for row in at)
    return [_error(file, sheet, row, field_at[j], EXCEL_ERROR) for row, j in cells]


def _repeated_headers(grid: pl.DataFrame, id_column: str, decision_column: str, data_start: int) -> list[int]:
    """Spreadsheet row numbers of header rows below the data start: rows whose item_id and decision cells are the
    headers of those columns (a second review file's header rows pasted below the first's rows). They hold no
    decision, so they are not read (before, each was reported as a row with a bad id, decision and date)."""
    ids, decisions = grid[id_column].to_list(), grid[decision_column].to_list()
    return [
        i + 1
        for i in range(data_start, grid.height)
        if ids[i] is not None
        and decisions[i] is not None
        and _ALIAS.get(fold_header(ids[i])) == "item_id"
        and _ALIAS.get(fold_header(decisions[i])) == "decision"
    ]


def _wider_rows(
    widths: list[int], start: int, data_start: int, mapping: dict[str, int], file: str, separator: str
) -> list[dict]:
    """A CSV row with more fields than its header row: a cell holds the delimiter unquoted (a note 'see A; B' in a
    ';' file), so every cell after it moved right and which column holds what cannot be told: the row is refused,
    naming the counts and the cure, never a value. (Spreadsheets pad every row of a sheet to one width, the header
    too, and quote a cell holding the delimiter.)"""
    header = max(widths[start:data_start])
    named = ", ".join(c for c in COLUMNS if c in mapping)
    return [
        _error(
            file,
            None,
            i + 1,
            "*",
            f"the row has {n} fields where the header row has {header} (delimiter {separator!r}): a cell holds the "
            "delimiter without double quotes (a note?), so the cells after it moved right and the columns "
            f"({named}) cannot be told apart: put that cell in double quotes, or save the file from the spreadsheet "
            "as 'CSV UTF-8'; the row is not read",
        )
        for i, n in enumerate(widths[data_start:], start=data_start)
        if n > header
    ]


def _decode_csv(data: bytes) -> tuple[str | None, str]:
    """A decisions CSV's text and encoding: UTF-8 (BOM or not), else what the ingestion's detector finds: Excel's
    plain 'CSV' on a Vietnamese Windows is Windows-1258 (a VNI or TCVN3 file, UTF-16 with its mark too). None: no
    such text."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    from pipelines.encodings import LEGACY, decode_bytes, detect_encoding

    encoding = detect_encoding(data)
    if encoding not in (*LEGACY, "utf-16", "utf-16-le", "utf-16-be"):
        return None, encoding
    try:
        return decode_bytes(data, encoding).removeprefix("\ufeff"), encoding
    except (UnicodeDecodeError, ValueError):
        return None, encoding


def _unreadable(file: str, exc: OSError) -> dict:
    """A file the pipeline's account cannot open (an official's file saved with mode 0600 under their own account,
    one removed or renamed while the run read the folder): named, the run goes on. Never its contents."""
    why = (
        "permission denied: give the pipeline's account read access (chmod g+r, or copy the file into the folder "
        "as that account)"
        if isinstance(exc, PermissionError)
        else f"{type(exc).__name__}: {exc.strerror or 'an I/O error'}"
    )
    return _error(file, None, 0, "*", f"cannot be read ({why}); its decisions are not read this run")


def _read_csv(path: Path, file: str) -> tuple[list[pl.DataFrame], list[dict]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [_unreadable(file, exc)]
    text, encoding = _decode_csv(data)
    if text is None:
        return [], [_error(file, None, 0, "*", "not UTF-8 text: save the file as 'CSV UTF-8'")]
    if not text.replace("\ufeff", "").replace("\x00", "").strip():  # was 'no header row ... in the first 10 lines'
        return [], [_error(file, None, 0, "*", EMPTY_FILE)]
    first = text.split("\n", 1)[0]
    # Excel writes ';' where ',' is the decimal mark, tabs in 'Unicode text'
    counts = {sep: first.count(sep) for sep in ",;\t"}
    separator = max(counts, key=counts.get)  # ties: ','
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # a long note is a cell like any other (the default is 128 kB)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    except csv.Error as exc:  # any unreadable CSV is reported, the run goes on
        return [], [_error(file, None, 0, "*", f"not a readable CSV file ({type(exc).__name__})")]
    finally:
        csv.field_size_limit(limit)
    # every record, a spreadsheet's rows (a blank line one too): the grid is as wide as the widest, so a title line
    # above the header narrows nothing and a row wider than its header is seen, not cut to it
    widths = [len(r) for r in records]
    width = max(widths, default=0)
    grid = pl.DataFrame(
        [[*r, *[None] * (width - len(r))] for r in records],
        schema=[f"column_{i + 1}" for i in range(width)],
        orient="row",
    ).select(pl.all().cast(pl.String).replace("", None))
    frame, errors = _rows_from_grid(grid, file, None, widths, separator)
    if frame is None and not errors:
        read_as = "" if encoding == "utf-8" else f" (not UTF-8; read as {encoding}: save the file as 'CSV UTF-8')"
        errors = [_error(file, None, 0, "*", f"no header row with item_id and decision in the first 10 lines{read_as}")]
    return ([frame] if frame is not None else []), errors


def _read_xlsx(path: Path, file: str) -> tuple[list[pl.DataFrame], list[dict]]:
    import fastexcel

    try:
        with open(path, "rb") as f:  # the file itself (fastexcel's error would say only 'CalamineError')
            empty = not f.read(1)
    except OSError as exc:
        return [], [_unreadable(file, exc)]
    if empty:  # as a CSV of no byte is said (was 'not a readable workbook (CalamineError)')
        return [], [_error(file, None, 0, "*", EMPTY_FILE)]
    try:
        reader = fastexcel.read_excel(str(path))
        sheets = [
            (name, reader.load_sheet(name, header_row=None, dtypes="string").to_polars()) for name in reader.sheet_names
        ]
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is reported, the run goes on
        return [], [_error(file, None, 0, "*", f"not a readable workbook ({type(exc).__name__})")]
    from pipelines.ingest import xlsx_layout

    try:  # where each sheet starts and its error cells (an .xls or .ods has no such XML: rows as the grid gives them)
        layouts = xlsx_layout.read_layouts(path) if path.suffix.lower() in (".xlsx", ".xlsm") else {}
    except Exception:  # noqa: BLE001 - the workbook was read: its rows are, numbered from its first row with a value
        layouts = {}
    # a hidden sheet (Excel does not show it: a draft, an old copy) is not applied: said when it holds decisions
    states = xlsx_layout.sheet_states(path, reader)
    frames, errors = [], []
    for name, grid in sheets:
        if grid.height == 0:
            continue
        frame, problems = _rows_from_grid(grid.select(pl.all().cast(pl.String)), file, name, layout=layouts.get(name))
        if states.get(name, "visible") != "visible":
            if frame is not None or problems:  # a decisions header: none of its rows is applied
                rows = frame.height if frame is not None else None
                errors.append(_error(file, name, 0, "*", _hidden_sheet_cause(states[name], rows)))
            continue
        errors += problems
        if frame is not None:
            frames.append(frame)
    if not frames and not errors:
        empty = all(grid.height == 0 for _, grid in sheets)  # (a save that never finished?): not a header missing
        why = (
            "the workbook holds no data (no sheet has a cell with a value)"
            if empty
            else "no sheet with an item_id and decision header row"
        )
        errors = [_error(file, None, 0, "*", why)]
    return frames, errors


# how the cause of a hidden sheet of decisions starts ('hidden' or 'very hidden'): HIDDEN_SHEET finds it
HIDDEN_SHEET_CAUSE = "not read: a (very )?hidden sheet "


def _hidden_sheet_cause(state: str, rows: int | None) -> str:
    held = "its rows are" if rows is None else "its 1 row is" if rows == 1 else f"its {rows:,} rows are"
    return (
        f"not read: a {state} sheet (Excel does not show it), {held} not applied as decisions; to apply them, unhide "
        "the sheet in Excel (right-click a sheet tab > Unhide) and save the file"
    )


# Excel saves 'Unicode text' and 'Text (tab delimited)' as .txt; workbooks as .xlsx, .xlsm (with macros), .xls (97-2003)
TEXT_SUFFIXES = (".csv", ".txt")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
# what Windows and macOS leave in a shared folder: not an official's file
SYSTEM_FILES = ("thumbs.db", "desktop.ini")


def _candidate_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and not p.name.startswith((".", "~$"))
        and p.name.lower() not in SYSTEM_FILES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def decision_files(folder: Path) -> list[Path]:
    """The files read as decisions: text (CSV, Excel's .txt) and workbooks."""
    return [p for p in _candidate_files(folder) if p.suffix.lower() in (*TEXT_SUFFIXES, *WORKBOOK_SUFFIXES)]


def read_decision_rows(folder: Path) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Every row of every decisions file as strings (COLUMNS + source_file, sheet, source_row), file errors, and how
    many files were read as decisions tables (a text file or workbook without the decisions header is not one).
    A file of another kind in the folder (a PDF, a .docx, a .numbers export) is not read and is named in the errors,
    so an official's decisions are never skipped without a word."""
    frames, errors = [], []
    files = decision_files(folder)
    for path in _candidate_files(folder):
        if path not in files:
            cause = (
                f"not read: a {path.suffix or 'suffix-less'} file is not a decisions file; save it as 'CSV UTF-8' "
                "(.csv) or 'Excel Workbook' (.xlsx)"
            )
            errors.append(_error(str(path.relative_to(folder)), None, 0, "*", cause))
    tabled = set()  # files that gave a decisions table (rows or none)
    for path in files:
        file = str(path.relative_to(folder))
        reader = _read_csv if path.suffix.lower() in TEXT_SUFFIXES else _read_xlsx
        found, problems = reader(path, file)
        frames += found
        errors += problems
        if found:
            tabled.add(file)
    schema = {
        "source_row": pl.UInt32,
        **dict.fromkeys(COLUMNS, pl.String),
        **dict.fromkeys(PAIR_COLUMNS, pl.String),
        "source_file": pl.String,
        "sheet": pl.String,
    }
    rows = pl.concat([f.cast(schema) for f in frames]) if frames else pl.DataFrame(schema=schema)
    errors = pl.DataFrame(errors, schema=REVIEW_DECISION_ERRORS.polars_schema)
    # a file read as a decisions table gave a table or no whole-file error (a text or workbook without the header)
    not_read = set(errors.filter(WHOLE_FILE)["source_file"]) - tabled
    return rows, errors, sum(str(p.relative_to(folder)) not in not_read for p in files)


@dataclass
class LoadedDecisions:
    rows: (
        pl.DataFrame
    )  # valid rows: item_id, kind, decision, new_uid, reviewer, decided_on, note, source_file, sheet, source_row
    errors: pl.DataFrame  # REVIEW_DECISION_ERRORS
    files: int
    undecided: int  # rows naming an item with no decision yet (an export not filled in)

    @property
    def not_tables(self) -> list[str]:
        """The files not read as a decisions table, by name: :func:`not_table_files` of the errors."""
        return not_table_files(self.errors)

    @property
    def hidden_sheets(self) -> list[str]:
        """The hidden sheets of decisions workbooks, not read, by name: :func:`hidden_sheets` of the errors."""
        return hidden_sheets(self.errors)

    @property
    def rows_rejected(self) -> int:
        """Rows of the decisions tables that were read and are not valid (a file that is no table is no row)."""
        return rejected_rows(self.errors)


# an error about a whole file (or a workbook's sheet), not a row of it: a file of another kind (a PDF), a text file or
# workbook without a decisions header, one that cannot be read (row 0), a header lacking a required column or naming
# one twice, a hidden sheet of decisions (row 0: _hidden_sheet_cause)
WHOLE_FILE = (
    (pl.col("source_row") == 0) | (pl.col("cause") == NO_COLUMN) | pl.col("cause").str.starts_with(NAMED_TWICE)
).fill_null(False)
# a workbook's hidden sheet holding decisions (_hidden_sheet_cause): a decisions table, not read, said apart
HIDDEN_SHEET = pl.col("cause").str.contains(f"^{HIDDEN_SHEET_CAUSE}").fill_null(False)
# ... the others: a file or sheet not read as a decisions table
NOT_A_TABLE = WHOLE_FILE & ~HIDDEN_SHEET


def rejected_rows(errors: pl.DataFrame) -> int:
    """How many rows of decisions tables the REVIEW_DECISION_ERRORS rows are about: a row with three faults (no
    reviewer, a date in the future, no ward) is one row not applied, not three; a file that is no table is no row."""
    return errors.filter(~WHOLE_FILE).select("source_file", "sheet", "source_row").unique().height


def not_table_files(errors: pl.DataFrame) -> list[str]:
    """The names of the files of REVIEW_DECISION_ERRORS rows that are about a file not read as a decisions table
    (:data:`NOT_A_TABLE`; a workbook's sheet as 'book.xlsx sheet S'), each once, sorted: they are files, not rows."""
    return _named(errors.filter(NOT_A_TABLE))


def hidden_sheets(errors: pl.DataFrame) -> list[str]:
    """The hidden sheets of decisions workbooks, not read ('book.xlsx sheet S': :data:`HIDDEN_SHEET`), each once,
    sorted: decisions tables an official hid, not files of another kind."""
    return _named(errors.filter(HIDDEN_SHEET))


def _named(errors: pl.DataFrame) -> list[str]:
    named = errors.filter(pl.col("source_file").is_not_null()).select(
        pl.concat_str("source_file", pl.lit(" sheet ") + pl.col("sheet"), ignore_nulls=True)
    )
    return sorted(set(named.to_series().to_list()))


def _blank(column: str) -> pl.Expr:
    """The cell without NUL characters (no text: a damaged or fixed-width export; 'dismiss\\x00' was 'not a decision',
    a line of NULs a row with a bad item id) and surrounding spaces; null when nothing is left."""
    return pl.col(column).str.replace_all("\x00", "", literal=True).str.strip_chars().replace("", None)


# characters a copied cell brings along unseen (text copied from a chat, a web page or a PDF: zero-width spaces and
# joiners, a byte-order mark) and the dashes a word processor or mail program makes of '-' (en dash, minus sign,
# full-width hyphen...): a code cell that looks right to the official is read as what it shows
INVISIBLE = "[\u200b-\u200d\u2060\ufeff\u00ad]"
DASHES = "[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]"


def _code(column: str) -> pl.Expr:
    """A code cell (item id, decision, date, ward code): as :func:`_blank`, without invisible characters, any dash
    read as '-'."""
    return (
        _blank(column).str.replace_all(INVISIBLE, "").str.replace_all(DASHES, "-").str.strip_chars().replace("", None)
    )


# the year written with four digits from 1900 on (chrono's %Y reads `26` as the year 26: `1/12/26` was decided in
# 0026, and the audit keeps a row as it was read); a time after the date (Excel's date-time cell saved as CSV) is
# not part of it
ISO_DATE = r"^((?:19|20)\d{2}-\d{1,2}-\d{1,2})(?:[ T]|$)"
DMY_DATE = r"^(\d{1,2}/\d{1,2}/(?:19|20)\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
# day first with dots or dashes, as Vietnamese officials also write dates (04.12.2026, 04-12-2026): one separator
DMY_OTHER = tuple(rf"^(\d{{1,2}}\{sep}\d{{1,2}}\{sep}(?:19|20)\d{{2}})$" for sep in ".-")
# in words: '4 tháng 12 năm 2026' (the leading 'ngày' is dropped first, so 'ngày 4/12/2026' reads too)
VI_WORDS_DATE = r"(?i)^(\d{1,2})\s*th[áa]ng\s*(\d{1,2})\s*(?:n[ăa]m|,)\s*((?:19|20)\d{2})$"
NOT_A_DATE = (
    "not a date (YYYY-MM-DD, DD/MM/YYYY, DD.MM.YYYY, DD-MM-YYYY or '4 tháng 12 năm 2026', a four-digit year from 1900 "
    "on)"
)
# the same in a file whose dates were read month first (date_orders): its three-number dates are MM/DD/YYYY there
NOT_A_DATE_MONTH_FIRST = (
    "not a date (this file's dates are read month first (MM/DD/YYYY, MM.DD.YYYY, MM-DD-YYYY), as its dates with a "
    "second number above 12 tell; or YYYY-MM-DD or '4 tháng 12 năm 2026', a four-digit year from 1900 on)"
)


# a date of three numbers (12/4/2026, 12.4.2026, 12-4-2026): which of the first two is the day is read per file
NUMERIC_DATE = r"^(?i:ng[àa]y\s*)?(\d{1,2})[/.\-](\d{1,2})[/.\-](?:19|20)\d{2}(?:$|[ T])"


def date_orders(work: pl.DataFrame, column: str = "decided_on_text") -> tuple[set[str], list[str]]:
    """The files whose three-number dates are month first (US: ``12/4/2026`` is 4 December), and the warnings.

    Per file: a first number above 12 in any date says day first (Vietnam's order); a second number above 12 says
    month first, and the file's dates are then read month first. When both are found, or none tells (every date
    has both numbers 12 or less) and the two readings give different dates, nothing decides: the documented
    default, day first, is taken and a warning names the file, the column and the rows (never silent). A file
    whose dates read the same either way (5/5/2026) needs no warning."""
    parts = (
        work.select("source_file", "sheet", "source_row", pl.col(column).str.extract_groups(NUMERIC_DATE).alias("_n"))
        .with_columns(
            pl.col("_n").struct.field("1").cast(pl.Int32, strict=False).alias("_first"),
            pl.col("_n").struct.field("2").cast(pl.Int32, strict=False).alias("_second"),
        )
        .filter(pl.col("_first").is_not_null() & pl.col("_second").is_not_null())
    )
    month_first: set[str] = set()
    warnings = []
    for (file,), dates in parts.group_by("source_file", maintain_order=True):
        day_first = dates.filter(pl.col("_first") > 12)
        us = dates.filter(pl.col("_second") > 12)
        if us.height and not day_first.height:
            month_first.add(file)
            continue
        if day_first.height and not us.height:
            continue
        if us.height:  # both orders in one file
            why = f"rows {_rows(day_first)} are day first and rows {_rows(us)} month first"
        else:
            ambiguous = dates.filter(pl.col("_first") != pl.col("_second"))
            if not ambiguous.height:
                continue
            why = f"rows {_rows(ambiguous)} read either way (no day above 12 tells the order)"
        warnings.append(
            f"decisions file {file}: column decided_on: {why}; read day first (DD/MM/YYYY, the default): write the "
            "dates as YYYY-MM-DD, or all in one order with one day above 12, to be sure which date is meant"
        )
    return month_first, warnings


def _rows(dates: pl.DataFrame, most: int = 10) -> str:
    """'3, 5, 8' (with the sheet when the file has more than one: 'Sheet2:4'), the first ``most`` then '...'."""
    sheets = dates["sheet"].n_unique() > 1
    names = [f"{sheet}:{row}" if sheets else str(row) for sheet, row in dates.select("sheet", "source_row").iter_rows()]
    return ", ".join(names[:most]) + (f" and {len(names) - most} more" if len(names) > most else "")


def _month_first_swapped(column: str, month_first: set[str]) -> pl.Expr:
    """The text with the first two numbers of a three-number date swapped in the files read month first; other text
    as it is (it swapped the start of any text opening with two numbers: '12/2026' became '20/1226')."""
    text = pl.col(column)
    if not month_first:
        return text
    swapped = text.str.replace(r"^((?i:ng[àa]y\s*)?)(\d{1,2})([/.\-])(\d{1,2})", "${1}${4}${3}${2}")
    three = pl.col("source_file").is_in(sorted(month_first)) & text.str.contains(NUMERIC_DATE).fill_null(False)
    return pl.when(three).then(swapped).otherwise(text)


def _parse_date(column: str) -> pl.Expr:
    text = pl.col(column).str.replace(r"(?i)^ng[àa]y\s*", "")
    words = text.str.extract_groups(VI_WORDS_DATE)
    # an Excel date cell read as its serial number; a date-time cell's has the time as its fraction (46357.395833)
    serial = text.str.contains(r"^\d{5}(\.\d+)?$")
    return pl.coalesce(
        pl.when(serial).then(
            pl.lit(EXCEL_EPOCH) + pl.duration(days=text.str.extract(r"^(\d{5})").cast(pl.Int64, strict=False))
        ),
        text.str.extract(ISO_DATE).str.to_date("%Y-%m-%d", strict=False),
        text.str.extract(DMY_DATE).str.to_date("%d/%m/%Y", strict=False),
        *[text.str.extract(p).str.replace_all(r"[.\-]", "/").str.to_date("%d/%m/%Y", strict=False) for p in DMY_OTHER],
        pl.concat_str(
            words.struct.field("1"), words.struct.field("2"), words.struct.field("3"), separator="/"
        ).str.to_date("%d/%m/%Y", strict=False),
    )


def validate(
    rows: pl.DataFrame,
    *,
    ward_codes: set[str],
    items: pl.DataFrame | None,
    today: dt.date,
    audit: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """(valid rows, errors, undecided count). `items` (REVIEW_ITEM_KEYS) says which item ids exist and their candidates.
    A valid match_pair row carries the record pairs it decides (``_with_decided_pairs``: left_ids, right_ids,
    pairs_from); `audit` (review.decision_audit so far) says which rows are decisions it already keeps."""
    work, month_first = _read_cells(rows)
    work = _with_shown_pairs(work)
    work, disagreeing = one_decision_per_item(work)
    work, undecided, mangled = _without_undecided(work)
    work = _with_decided_pairs(work.join(_known_items(items), on="item_id", how="left", maintain_order="left"), audit)
    checks = _decision_checks(ward_codes, today, month_first)
    flagged = work.with_columns(*[cond.fill_null(False).alias(f"_e{i}") for i, (_, cond, _) in enumerate(checks)])
    errors = pl.concat(
        [
            flagged.filter(pl.col(f"_e{i}")).select(
                "source_file", "sheet", "source_row", pl.lit(field).alias("field"), _cause_expr(cause).alias("cause")
            )
            for i, (field, _, cause) in enumerate(checks)
        ]
        + [mangled.cast({"field": pl.String, "cause": pl.String}), disagreeing]
    ).sort("source_file", "sheet", "source_row", "field", nulls_last=False)
    bad = pl.any_horizontal(pl.col(f"_e{i}") for i in range(len(checks)))
    valid = _one_row_per_multi_row_item(flagged.filter(~bad))
    return valid, errors.cast(REVIEW_DECISION_ERRORS.polars_schema), undecided.height


def _read_cells(rows: pl.DataFrame) -> tuple[pl.DataFrame, set[str]]:
    """The rows with their cells read: item id, decision and ward code as codes, the date parsed (in the order its
    file writes dates: :func:`date_orders`, its warnings logged), the kind from the id's prefix, the ward as new_uid.
    Also the files read month first (their unreadable dates get the month-first cause)."""
    work = rows.with_columns(
        _code("item_id").str.to_lowercase().alias("item_id"),
        _code("decision").str.to_lowercase().str.replace_all(r"[\s\-]+", "_").alias("decision"),
        _blank("reviewer").alias("reviewer"),
        _code("decided_on").alias("decided_on_text"),
        _blank("note").alias("note"),
        # '2025:25750' is how the review files themselves write a 2025 ward (proposed_new_uid, left_/right_ward)
        _code("new_ward_code").str.replace(r"\.0+$", "").str.replace(r"^2025\s*:\s*(\d{5})$", "$1").alias("ward_text"),
    )
    month_first, warnings = date_orders(work)
    for warning in warnings:
        log.warning(warning)
    work = work.with_columns(_month_first_swapped("decided_on_text", month_first).alias("_date_text")).with_columns(
        pl.col("item_id").str.slice(0, 2).replace_strict(KIND_OF_PREFIX, default=None).alias("kind"),
        _parse_date("_date_text").alias("decided_on"),
        pl.when(pl.col("ward_text").str.contains(r"^\d{1,5}$"))
        .then(pl.concat_str(pl.lit("2025:"), pl.col("ward_text").str.zfill(5)))
        .alias("new_uid"),
    )
    return work, month_first


def _valid_id() -> pl.Expr:
    return pl.col("item_id").str.contains(ITEM_ID_PATTERN)


def _without_undecided(work: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(the rows to check, the items not decided yet, the errors of undecided rows with a mangled id). Empty rows
    and rows with an id but neither decision nor reviewer leave the rows to check."""
    empty = pl.all_horizontal(pl.col(c).is_null() for c in ("item_id", "decision", "reviewer", "decided_on_text"))
    no_decision = work.filter(
        pl.col("item_id").is_not_null() & pl.col("decision").is_null() & pl.col("reviewer").is_null()
    )
    # a row without a decision is an item not decided yet only when its id is a review item id: a mangled id (Excel
    # made it a number, a note typed in the column) is reported, so the official learns the row was not read
    undecided = no_decision.filter(_valid_id())
    mangled = no_decision.filter(~_valid_id()).select(
        "source_file", "sheet", "source_row", pl.lit("item_id").alias("field"), pl.lit(UNDECIDED_BAD_ID).alias("cause")
    )
    work = work.filter(~empty).join(
        no_decision.select("source_file", "sheet", "source_row"),
        on=["source_file", "sheet", "source_row"],
        how="anti",
        nulls_equal=True,
    )
    return work, undecided, mangled


def _known_items(items: pl.DataFrame | None) -> pl.DataFrame:
    """item_id, _known, _candidates, _name_key, _held of the published review items (none: an empty frame)."""
    if items is not None and items.height:
        return items.select(
            "item_id",
            pl.lit(True).alias("_known"),
            pl.col("candidates").alias("_candidates"),
            pl.col("name_key").alias("_name_key"),
        ).join(held_pairs(items), on="item_id", how="left")
    return pl.DataFrame(
        schema={
            "item_id": pl.String,
            "_known": pl.Boolean,
            "_candidates": pl.List(pl.String),
            "_name_key": pl.String,
            "_held": pl.List(pl.String),
        }
    )


def _decision_checks(
    ward_codes: set[str], today: dt.date, month_first: set[str]
) -> list[tuple[str, pl.Expr, str | pl.Expr]]:
    """(field, condition, cause) of each fault a decision row can have; a row with any of them is not applied."""
    valid_id = _valid_id()
    allowed = pl.col("kind").replace_strict(
        {k: ",".join((*v, "reverse")) for k, v in KIND_DECISIONS.items()}, default=""
    )
    takes_ward = pl.col("decision").is_in(WARD_DECISIONS)
    return [
        ("item_id", pl.col("item_id").is_null(), "missing"),
        (
            "item_id",
            pl.col("item_id").is_not_null() & ~valid_id,
            BAD_ID,
        ),
        ("item_id", valid_id & pl.col("_known").is_null(), "no published review item has this id (yet)"),
        ("decision", pl.col("decision").is_null(), "missing"),
        (
            "decision",
            pl.col("decision").is_not_null() & ~pl.col("decision").is_in(REVIEW_DECISIONS),
            pl.when(pl.col("kind").is_not_null())
            .then(pl.format("not a decision (kind {} takes {})", pl.col("kind"), allowed.str.replace_all(",", ", ")))
            .otherwise(pl.lit(f"not a decision: one of {', '.join(REVIEW_DECISIONS)}")),
        ),
        (
            "decision",
            pl.col("decision").is_in(REVIEW_DECISIONS)
            & pl.col("kind").is_not_null()
            & ~allowed.str.split(",").list.contains(pl.col("decision")),
            pl.format("not a decision for kind {} (it takes {})", pl.col("kind"), allowed.str.replace_all(",", ", ")),
        ),
        (
            "decision",
            (pl.col("decision") == "reject") & pl.col("_known") & pl.col("_name_key").is_null(),
            "reject applies to a named street item only",
        ),
        # (a row the audit already keeps, read again, is that decision on the pairs it decided, not a new one)
        ("decision", _unseen_pairs() & ~pl.col("_kept_pairs"), _unseen_cause()),
        ("reviewer", pl.col("reviewer").is_null(), "missing"),
        ("decided_on", pl.col("decided_on_text").is_null(), "missing"),
        (
            "decided_on",
            pl.col("decided_on_text").is_not_null() & pl.col("decided_on").is_null(),
            pl.when(pl.col("source_file").is_in(sorted(month_first)))
            .then(pl.lit(NOT_A_DATE_MONTH_FIRST))
            .otherwise(pl.lit(NOT_A_DATE)),
        ),
        ("decided_on", pl.col("decided_on") > pl.lit(today), "in the future"),
        (
            "new_ward_code",
            takes_ward & pl.col("ward_text").is_null(),
            f"missing: {' and '.join(WARD_DECISIONS)} need the 2025 ward code",
        ),
        (
            "new_ward_code",
            ~takes_ward & pl.col("ward_text").is_not_null(),
            f"only {' and '.join(WARD_DECISIONS)} take a ward code",
        ),
        (
            "new_ward_code",
            pl.col("ward_text").is_not_null()
            & ~pl.col("new_uid").is_in(sorted(f"2025:{c}" for c in ward_codes)).fill_null(False),
            "not the 5-digit code of a 2025 ward of the city",
        ),
        (
            "new_ward_code",
            takes_ward
            & pl.col("new_uid").is_not_null()
            & (pl.col("kind") == "split_unit")
            & pl.col("_known").fill_null(False)
            & ~pl.col("_candidates").list.contains(pl.col("new_uid")).fill_null(False),
            "not one of the item's candidate wards",
        ),
    ]


def _one_row_per_multi_row_item(passed: pl.DataFrame) -> pl.DataFrame:
    """The valid rows' columns (a ward only for a decision that takes one), one row per decided multi-row item."""
    valid = passed.select(
        "item_id",
        "kind",
        "decision",
        pl.when(pl.col("decision").is_in(WARD_DECISIONS)).then(pl.col("new_uid")).alias("new_uid"),
        "reviewer",
        "decided_on",
        "note",
        "source_file",
        "sheet",
        "source_row",
        "left_ids",
        "right_ids",
        "pairs_from",
    )
    # an item shown on several rows (MULTI_ROW_KINDS) and decided on more than one of them, the same: one decision,
    # its reviewer, date and note from the first of those rows
    multi = pl.col("kind").is_in(MULTI_ROW_KINDS).fill_null(False)
    valid = valid.with_columns(pl.int_range(pl.len()).over(*ITEM_PLACE).alias("_nth")).filter(
        ~multi | (pl.col("_nth") == 0)
    )
    return valid.drop("_nth")


def pair_key(left: pl.Expr, right: pl.Expr) -> pl.Expr:
    """A record pair whichever way it is written: 'smaller key' US 'larger key'."""
    return pl.concat_str(pl.min_horizontal(left, right), pl.max_horizontal(left, right), separator=PAIR_SEP)


def held_pairs(items: pl.DataFrame) -> pl.DataFrame:
    """item_id, _held: the record pairs (``_pair_key``) a match_pair item of REVIEW_ITEM_KEYS holds now: its own pair
    and its further ones (more_left_ids, more_right_ids), the pairs its decision labels (``decided_pairs``)."""
    absent = {c: t for c, t in REVIEW_ITEM_KEYS.polars_schema.items() if c not in items.columns}
    pairs = items.with_columns(pl.lit(None, t).alias(c) for c, t in absent.items()).filter(
        (pl.col("kind") == "match_pair") & pl.col("left_id").is_not_null() & pl.col("right_id").is_not_null()
    )
    return (
        pairs.select(
            "item_id",
            pl.concat_list("left_id", pl.col("more_left_ids").fill_null([])).alias("_l"),
            pl.concat_list("right_id", pl.col("more_right_ids").fill_null([])).alias("_r"),
        )
        .explode("_l", "_r")
        .group_by("item_id")
        .agg(pair_key(pl.col("_l"), pl.col("_r")).unique().alias("_held"))
    )


def _with_shown_pairs(work: pl.DataFrame) -> pl.DataFrame:
    """``work`` with what the row's file (sheet) shows of its match_pair item: ``_shown`` the record pairs on the
    item's rows there (left_id, right_id), ``_shown_count`` the item's record_pairs as the file says (rows an official
    deleted are still counted there). Empty / null where the file has no such columns."""
    place = list(ITEM_PLACE)
    both = pl.col("left_id").is_not_null() & pl.col("right_id").is_not_null()
    shown = (
        work.filter((pl.col("kind") == "match_pair").fill_null(False))
        .group_by(place)
        .agg(
            pair_key(pl.col("left_id"), pl.col("right_id")).filter(both).unique().alias("_shown"),
            pl.col("record_pairs").str.extract(r"^\s*(\d+)(?:\.0+)?\s*$").cast(pl.UInt32).max().alias("_shown_count"),
        )
    )
    return work.join(shown, on=place, how="left", nulls_equal=True, maintain_order="left")


def _unseen_pairs() -> pl.Expr:
    """A match or no_match row whose file shows some of its item's record pairs, and misses more of the pairs the item
    holds now (REVIEW_ITEM_KEYS, ``held_pairs``) than the rows an official may have deleted (the file's record_pairs
    less the rows shown): a pair joined the item (a later run published the item again, keyed as before by its
    smallest pair) after the file the official filled in was written, beside the pairs it showed or in place of one
    that left (as many pairs as before, one of them new). Its decision would label that pair unseen: the row is
    refused and the item stays open, every pair in this run's files. (A file without the pair columns, written by
    hand with the item id alone, cannot say: its decision decides the pairs the item holds when it is first read,
    ``_with_decided_pairs``.)"""
    shown = pl.col("_shown").fill_null([])
    deleted = pl.col("_shown_count").fill_null(shown.list.len()).cast(pl.Int64) - shown.list.len().cast(pl.Int64)
    return (
        pl.col("decision").is_in(KIND_DECISIONS["match_pair"])
        & (pl.col("kind") == "match_pair")
        & (shown.list.len() > 0)
        & (_not_shown().cast(pl.Int64) > deleted)
    )


def _not_shown() -> pl.Expr:
    """How many of the pairs the item holds now its row's file does not show."""
    return pl.col("_held").list.set_difference(pl.col("_shown").fill_null([])).list.len()


def _unseen_cause() -> pl.Expr:
    shown = pl.col("_shown_count").fill_null(pl.col("_shown").list.len())
    return pl.format(
        "item {} holds {} record pairs, the file shows {}, {} of them not: a pair joined the item after this file was "
        "written, and this decision would label it unseen; decide the item again on this run's ward file, which "
        "shows every pair; the row is not applied",
        pl.col("item_id"),
        pl.col("_held").list.len(),
        shown,
        _not_shown(),
    )


PAIR_SEP = "\x1f"  # between a pair's two record keys (pair_key)
DECIDED_CONTENT = ["decision", "reviewer", "decided_on", "note"]  # a match_pair row's content (AUDIT_KEY, no ward)


def keeps_pairs(column: str = "pairs_from") -> pl.Expr:
    """Whether a match_pair decision (a row of the audit or of review.decisions) keeps the record pairs it decided and
    labels those only: its ``pairs_from`` is 'ward file' or 'item when read' (PAIRS_KEPT). The one test of it: a
    decision's pair lists are read only then ('not kept' or null: the pairs its item holds on each run, whatever its
    lists hold; review.decisions carries them null)."""
    return pl.col(column).is_in(PAIRS_KEPT).fill_null(False)


def _kept_at_place(audit: pl.DataFrame | None) -> pl.DataFrame:
    """ITEM_PLACE, DECIDED_CONTENT, ``_kept`` (the pair keys; null for a row 'not kept') and ``_kept_from`` of the
    match_pair audit rows in force: the decisions the audit holds at each item's place in a file (sheet)."""
    schema = REVIEW_DECISION_AUDIT.polars_schema
    columns = {c: schema[c] for c in (*ITEM_PLACE, *DECIDED_CONTENT)}
    empty = pl.DataFrame(schema={**columns, "_kept": pl.List(pl.String), "_kept_from": pl.String})
    if audit is None or not audit.height:
        return empty
    kept = _in_force(migrated_audit(audit)).filter(
        (pl.col("kind") == "match_pair") & pl.col("pairs_from").is_not_null()
    )
    if not kept.height:
        return empty
    return (
        kept.with_row_index("_i")
        .explode("left_ids", "right_ids")
        .group_by("_i", maintain_order=True)
        .agg(
            *[pl.col(c).first() for c in (*ITEM_PLACE, *DECIDED_CONTENT)],
            pair_key(pl.col("left_ids"), pl.col("right_ids")).drop_nulls().sort().alias("_kept"),
            pl.col("pairs_from").first().alias("_kept_from"),
        )
        .unique([*ITEM_PLACE, *DECIDED_CONTENT], keep="last", maintain_order=True)
        .with_columns(pl.when(keeps_pairs("_kept_from")).then(pl.col("_kept")).alias("_kept"))
        .select(empty.columns)
        .cast(empty.schema)
    )


def _with_decided_pairs(work: pl.DataFrame, audit: pl.DataFrame | None) -> pl.DataFrame:
    """``work`` (rows joined with their items' ``_held`` pairs and the pairs their file shows) with the record pairs
    each match_pair row decides, as the audit keeps them (``left_ids``, ``right_ids``, sorted by pair; ``pairs_from``):

    - a row the audit already keeps (the same item, decision, reviewer, date and note in the same file and sheet,
      read again, its file showing no pair beyond those kept): the pairs it kept (``_kept_from`` set), whatever the
      item holds now; ``_kept_pairs`` says so (such a row is not refused as unseen: ``validate``). A row the audit
      holds 'not kept' (loaded before pairs were kept) stays that decision, 'not kept' (it hashes as before, so it is
      not added again: added now, it would sort after a same-day reversal of it and undo it);
    - a row of a ward file (pair columns): the pairs it shows, and the item's pairs it does not show when no more of
      them than the rows an official may have deleted (``_unseen_pairs`` refuses the row otherwise);
    - a row of a file without the pair columns (written by hand, item id alone): the pairs the item holds when it is
      first read, those of the ward files the last run wrote ('item when read'; it cannot say which pairs were seen).
    Other kinds: null."""
    place = [*ITEM_PLACE, *DECIDED_CONTENT]
    work = work.join(_kept_at_place(audit), on=place, how="left", nulls_equal=True, maintain_order="left")
    shown = pl.col("_shown").fill_null([])
    # the same row only while its file shows no pair beyond those kept (a later file showing more is a new decision)
    same = ~keeps_pairs("_kept_from") | (shown.list.set_difference(pl.col("_kept")).list.len() == 0)
    work = work.with_columns(pl.when(same).then(pl.col("_kept_from")).alias("_kept_from"))
    work = work.with_columns(keeps_pairs("_kept_from").alias("_kept_pairs"))
    held = pl.col("_held").fill_null([])
    extra = held.list.set_difference(shown)
    deleted = pl.col("_shown_count").fill_null(shown.list.len()).cast(pl.Int64) - shown.list.len().cast(pl.Int64)
    in_file = shown.list.len() > 0
    pair = (pl.col("kind") == "match_pair").fill_null(False)
    decided = (
        pl.when(~pair)
        .then(pl.lit(None, pl.List(pl.String)))
        .when(pl.col("_kept_from").is_not_null())  # the row the audit keeps: its pairs (null: 'not kept')
        .then(pl.col("_kept"))
        .when(in_file & (extra.list.len().cast(pl.Int64) <= deleted))
        .then(pl.concat_list(shown, extra))
        .when(in_file)
        .then(shown)
        .when(held.list.len() > 0)
        .then(held)
    )
    source = (
        pl.when(~pair)
        .then(pl.lit(None, pl.String))
        .when(pl.col("_kept_from").is_not_null())
        .then(pl.col("_kept_from"))
        .when(in_file)
        .then(pl.lit("ward file"))
        .when(held.list.len() > 0)
        .then(pl.lit("item when read"))
    )
    work = work.with_columns(decided.list.unique().list.sort().alias("_decided"), source.alias("pairs_from"))
    return work.with_columns(
        pl.col("_decided").list.eval(pl.element().str.split(PAIR_SEP).list.first()).alias("left_ids"),
        pl.col("_decided").list.eval(pl.element().str.split(PAIR_SEP).list.last()).alias("right_ids"),
    ).drop("_decided", "_kept")


# kinds whose ward files show one item on several rows (match_pair: one row per record pair its decision labels)
MULTI_ROW_KINDS = ("match_pair",)
ITEM_PLACE = ("source_file", "sheet", "item_id")  # an item's rows in one sheet (a CSV: sheet null)


def one_decision_per_item(work: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the rows left to validate, REVIEW_DECISION_ERRORS-shaped errors: source_file, sheet, source_row, field,
    cause) for the items of MULTI_ROW_KINDS, which a ward file shows on several rows: the decision may be written on
    any row of the item, or the same on several. Rows of one item in one sheet giving different decisions (or ward
    codes) are refused, every one of them, naming the item and the rows: nothing picks one of them. The item's rows
    without a decision, beside a row with one, are rows of a decided item: neither rows to validate nor items left
    undecided. (Rows of an item in different files or sheets are decisions of their own, as for every kind: the latest
    date wins, a same-day difference is a conflict.)"""
    multi = pl.col("kind").is_in(MULTI_ROW_KINDS).fill_null(False) & pl.col("item_id").is_not_null()
    decided = multi & pl.col("decision").is_not_null()
    what = pl.concat_str(pl.col("decision"), pl.col("ward_text").fill_null(""), separator="|")
    place = list(ITEM_PLACE)
    marked = work.with_columns(
        decided.alias("_decided"),
        decided.any().over(place).alias("_item_decided"),
        what.filter(decided).n_unique().over(place).alias("_answers"),
    )
    disagree = pl.col("_decided") & (pl.col("_answers") > 1)
    refused = marked.filter(disagree)
    errors = []
    for (file, sheet, item), group in refused.group_by(place, maintain_order=True):
        rows = sorted(group["source_row"].to_list())
        cause = (
            f"{numbered('row', rows)} of item {item} give different decisions: an item takes one decision (it labels "
            "every record pair of the item), written on any one of its rows or the same on each; none of these rows "
            "is applied"
        )
        errors += [
            {"source_file": file, "sheet": sheet, "source_row": r, "field": "decision", "cause": cause} for r in rows
        ]
    kept = marked.filter(~disagree & ~(multi & ~pl.col("_decided") & pl.col("_item_decided")))
    schema = {
        c: REVIEW_DECISION_ERRORS.polars_schema[c] for c in ("source_file", "sheet", "source_row", "field", "cause")
    }
    return kept.drop("_decided", "_item_decided", "_answers"), pl.DataFrame(errors, schema=schema)


@dataclass
class WardFilePairs:
    """A review file's match_pair decisions as the record pairs they label (``ward_file_pairs``)."""

    pairs: pl.DataFrame  # item_id, left_id, right_id, decision (the item's; null: a row of its own not decided), sheet,
    # source_row (the row holding the decision)
    errors: pl.DataFrame  # sheet, source_row, field, cause: rows not read (never a value)
    items: int  # items decided (each labels every record pair its rows show)
    undecided: int  # items with no decision on any of their rows
    refused: int  # items whose rows give different decisions (none of their rows read)
    # decided items with rows an official deleted (the file's record_pairs above the pairs its rows show), and those
    # rows' pairs: the file no longer names them, so they are not in ``pairs``; the review stage labels them too (it
    # knows the item's pairs: ``_with_decided_pairs``)
    deleted_items: int = 0
    deleted_pairs: int = 0


def _decisions_header(path: Path, head: int = 65536) -> bool:
    """Whether a text file may hold a decisions header (item_id and decision) in its first 10 lines, from its first
    ``head`` bytes cut at a line end: False only when those lines are read and hold none, so a plain list of pairs is
    not parsed whole by ``_read_csv`` first (a 200,000-row one took 0.44 CPU s). A UTF-16 file, or a head that cannot
    be decoded, says True: the whole file is read."""
    try:
        with open(path, "rb") as file:
            data = file.read(head)
    except OSError:
        return True
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 (Excel's 'Unicode text'): read whole
        return True
    text, _ = _decode_csv(data[: data.rfind(b"\n") + 1] if len(data) == head else data)
    if text is None:
        return True
    lines = text.splitlines()[:10]
    counts = {sep: (lines[0] if lines else "").count(sep) for sep in ",;\t"}
    rows = csv.reader(lines, delimiter=max(counts, key=counts.get))
    return any({"item_id", "decision"} <= set(_header_map(list(cells))) for cells in rows)


def ward_file_pairs(path: Path) -> WardFilePairs | None:
    """The record pairs a review file's match_pair decisions label (``wardbridge match --labels`` given a ward file),
    read as the review stage reads a decisions file (``_read_csv`` / ``_read_xlsx``: encoding detected, Vietnamese
    and English header rows, every visible sheet, the exports' formula escape undone) and applied as it applies them:
    one decision per item (``one_decision_per_item``: written on any of its rows, or the same on several; rows of one
    item in one sheet giving different decisions are refused, named in ``errors``), labelling every record pair the
    item's rows show. A row without a review item id is a pair of its own. None: no sheet with item_id, decision,
    left_id and right_id columns (a plain list of pairs)."""
    suffix = path.suffix.lower()
    if suffix not in (*TEXT_SUFFIXES, *WORKBOOK_SUFFIXES) or (suffix in TEXT_SUFFIXES and not _decisions_header(path)):
        return None
    frames, problems = (_read_csv if suffix in TEXT_SUFFIXES else _read_xlsx)(path, path.name)
    frames = [f for f in frames if f["left_id"].is_not_null().any() and f["right_id"].is_not_null().any()]
    if not frames:
        return None
    item_id = _code("item_id").str.to_lowercase()
    work = (
        pl.concat(frames)
        .with_columns(
            item_id.alias("item_id"),
            _code("decision").str.to_lowercase().str.replace_all(r"[\s\-]+", "_").alias("decision"),
            _code("new_ward_code").alias("ward_text"),
            pl.when(item_id.str.contains(ITEM_ID_PATTERN))
            .then(item_id.str.slice(0, 2).replace_strict(KIND_OF_PREFIX, default=None))
            .alias("kind"),
        )
        .filter(pl.col("left_id").is_not_null() | pl.col("right_id").is_not_null() | pl.col("decision").is_not_null())
    )
    kept, disagreeing = one_decision_per_item(work)
    place, multi = list(ITEM_PLACE), (pl.col("kind") == "match_pair").fill_null(False)
    columns = ["item_id", "left_id", "right_id", "decision", "sheet", "source_row"]
    decided = (
        kept.filter(multi & pl.col("decision").is_not_null())
        .unique(place, keep="first", maintain_order=True)
        .select(*place, "decision", "source_row")
    )
    items = work.filter(multi).select(*place, "left_id", "right_id")
    keyed = items.filter(pl.col("left_id").is_not_null() & pl.col("right_id").is_not_null())  # a row naming a pair
    pairs = pl.concat(
        [
            keyed.join(decided, on=place, how="inner", nulls_equal=True, maintain_order="left").select(columns),
            work.filter(~multi).select(columns),
        ]
    )
    groups = items.select(place).unique().height
    refused = disagreeing.select("sheet", "cause").unique().height
    shown = _with_shown_pairs(work.join(decided.select(place), on=place, how="semi", nulls_equal=True))
    gone = (
        shown.unique(place)
        .select((pl.col("_shown_count").cast(pl.Int64) - pl.col("_shown").list.len().cast(pl.Int64)).alias("n"))
        .filter(pl.col("n") > 0)["n"]
    )
    errors = pl.concat(
        [
            pl.DataFrame(problems, schema=REVIEW_DECISION_ERRORS.polars_schema).select(disagreeing.columns),
            disagreeing,
        ]
    )
    return WardFilePairs(
        pairs,
        errors.drop("source_file"),
        decided.height,
        groups - decided.height - refused,
        refused,
        gone.len(),
        int(gone.sum()),
    )


def _cause_expr(cause: str | pl.Expr) -> pl.Expr:
    """A check's cause: fixed text, or per row (naming the item's kind and the decisions it takes, never a value)."""
    return pl.lit(cause) if isinstance(cause, str) else cause.cast(pl.String)


def load_decisions(
    folder: Path,
    *,
    ward_codes: set[str],
    items: pl.DataFrame | None,
    now: dt.datetime | None = None,
    today: dt.date | None = None,
    audit: pl.DataFrame | None = None,
) -> LoadedDecisions:
    """The decisions folder's rows validated (``validate``; `audit`: review.decision_audit so far, which says which
    rows are decisions it already keeps with their record pairs). A decision dated after the city's date at the
    instant ``now`` (default: this instant) is in the future; ``today`` gives that date itself. Not the UTC date:
    from 00:00 to 07:00 in the city it is the day before, and a decision dated today there was refused."""
    today = city_today(now) if today is None else today
    rows, file_errors, files = read_decision_rows(folder)
    valid, errors, undecided = validate(rows, ward_codes=ward_codes, items=items, today=today, audit=audit)
    if not folder.is_dir():
        log.info("decisions: no folder %s: no decisions read", folder)
    else:
        log.info("decisions: %d file(s) read from %s", files, folder)
    exposed = open_to_others(folder)
    if exposed:
        log.warning(exposed)
    return LoadedDecisions(valid, pl.concat([file_errors, errors]), files, undecided)


# --------------------------------------------------------------------------- audit


AUDIT_KEY = ["item_id", "decision", "new_uid", "reviewer", "decided_on", "note"]
ORDER = ["item_id", "decided_on", "loaded_at", "source_file", "sheet", "source_row"]


def empty_audit() -> pl.DataFrame:
    return pl.DataFrame(schema=REVIEW_DECISION_AUDIT.polars_schema)


def migrated_audit(audit: pl.DataFrame) -> pl.DataFrame:
    """review.decision_audit as declared: an audit written before its rows kept their record pairs (no left_ids,
    right_ids, pairs_from) gets them null, and its match_pair rows pairs_from 'not kept': such a decision labels the
    pairs its item holds on each run, as it did (it says so in review.decisions.pairs_from). Rows are not changed
    otherwise (the audit's rows are never changed: these columns did not exist)."""
    absent = REVIEW_DECISION_AUDIT.absent(audit)
    audit = REVIEW_DECISION_AUDIT.with_absent(audit)
    if "pairs_from" in absent:
        audit = audit.with_columns(pl.when(pl.col("kind") == "match_pair").then(pl.lit("not kept")).alias("pairs_from"))
    return audit.select(REVIEW_DECISION_AUDIT.columns).cast(REVIEW_DECISION_AUDIT.polars_schema)


def _pairs_text(frame: pl.DataFrame) -> pl.Expr:
    """A ward-file row's decided pairs as one text (its left_ids and right_ids are sorted by pair, so the same pairs
    give the same text); null for other rows."""
    return pl.when(pl.col("pairs_from") == "ward file").then(
        pl.concat_str(pl.col("left_ids").list.join(PAIR_SEP), pl.lit("\x1e"), pl.col("right_ids").list.join(PAIR_SEP))
    )


def audit_ids(frame: pl.DataFrame) -> pl.Series:
    """A decision row's audit_id: MD5 of AUDIT_KEY, and for a row of a ward file (pairs_from 'ward file') of the pairs
    it decided too, so the same decision written on a later file showing other pairs is a decision of its own. Rows
    of other kinds, of files without the pair columns and of the audit before pairs were kept hash as they did."""
    if frame.height == 0:
        return pl.Series("md5", [], dtype=pl.String)
    frame = REVIEW_DECISION_AUDIT.with_absent(frame)
    base = pl.concat_str([pl.col(c).cast(pl.String).fill_null("") for c in AUDIT_KEY], separator="|")
    text = frame.select(
        pl.when(_pairs_text(frame).is_not_null())
        .then(pl.concat_str(base, pl.lit("|"), _pairs_text(frame)))
        .otherwise(base)
        .alias("s")
    )
    return md5_column(text, ["s"])


def _describe(prefix: str) -> pl.Expr:
    return pl.concat_str(
        pl.col(f"{prefix}decision"),
        pl.when(pl.col(f"{prefix}new_uid").is_not_null())
        .then(pl.concat_str(pl.lit(" "), pl.col(f"{prefix}new_uid")))
        .otherwise(pl.lit("")),
        pl.lit(" by "),
        pl.col(f"{prefix}reviewer"),
        pl.lit(" on "),
        pl.col(f"{prefix}decided_on").cast(pl.String),
    )


PLACE = ["item_id", "source_file", "sheet", "source_row"]


def append_audit(
    previous: pl.DataFrame | None, valid: pl.DataFrame, loaded_at: dt.datetime
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the whole audit, the rows added now). Rows already audited (same audit_id) are not added again, unless
    their place (item, file, sheet, row) now holds them again after another version: a row edited A -> B -> A is
    added a third time (audit_id of its content, place and load time), so the latest version is in force (A), not
    the last new one (B). A new place holding a version that is no longer in force anywhere (superseded at its
    own place) is added the same way; one still in force at another place is the same decision, kept once. Rows
    of `previous` are returned unchanged."""
    previous = empty_audit() if previous is None else migrated_audit(previous)
    incoming = _rows_to_audit(previous, valid, loaded_at)
    if incoming.height == 0:  # files loaded again unchanged: nothing to describe
        return previous, empty_audit()
    new = incoming.with_columns(
        pl.lit(loaded_at).cast(pl.Datetime("us", "UTC")).alias("loaded_at"), pl.lit("").alias("change")
    )
    both = pl.concat([previous, new.select(REVIEW_DECISION_AUDIT.columns).cast(REVIEW_DECISION_AUDIT.polars_schema)])
    ordered = both.sort(ORDER, nulls_last=False).with_columns(
        *[
            pl.col(c).shift(1).over("item_id").alias(f"prev_{c}")
            for c in ("decision", "new_uid", "reviewer", "decided_on")
        ]
    )
    described = ordered.with_columns(_change_described().alias("_change"))
    added = described.join(new.select("audit_id"), on="audit_id", how="semi").with_columns(
        pl.col("_change").alias("change")
    )
    added = added.select(REVIEW_DECISION_AUDIT.columns).sort(
        "loaded_at", "source_file", "sheet", "source_row", nulls_last=False
    )
    return pl.concat([previous, added]), added


def _rows_to_audit(previous: pl.DataFrame, valid: pl.DataFrame, loaded_at: dt.datetime) -> pl.DataFrame:
    """The valid rows the audit does not hold yet, or holds but no longer in force at their place (their audit_id
    then stamped with ``loaded_at``), each once."""
    schema = REVIEW_DECISION_AUDIT.polars_schema
    pairs = ("left_ids", "right_ids", "pairs_from")
    valid = REVIEW_DECISION_AUDIT.with_absent(valid)  # rows without pair columns: pairs not kept
    incoming = valid.cast({c: schema[c] for c in {*PLACE, *AUDIT_KEY, *pairs}}).with_columns(
        audit_ids(valid).alias("audit_id")
    )
    incoming = incoming.with_columns(pl.col("audit_id").alias("_key_id"))  # of its content (a stamped id is not)
    # the version in force at each place (its latest load), its content (with a ward file's pairs) compared
    content = [*AUDIT_KEY[1:], "_pairs"]
    standing = (
        previous.filter(_latest_at_place())
        .with_columns(_pairs_text(previous).alias("_pairs"))
        .select(*PLACE, *[pl.col(c).alias(f"_s_{c}") for c in content])
    )
    incoming = incoming.with_columns(_pairs_text(incoming).alias("_pairs")).join(
        standing, on=PLACE, how="left", nulls_equal=True, maintain_order="left"
    )
    seen = pl.col("audit_id").is_in(previous["audit_id"].implode())
    same = pl.all_horizontal(pl.col(c).eq_missing(pl.col(f"_s_{c}")) for c in content)
    # "seen" means ever audited: a version superseded at its place is no longer in force, so a new place
    # holding it again is added too (not silently dropped); one still in force elsewhere is not repeated
    in_force_ids = audit_ids(previous.filter(_latest_at_place()))
    elsewhere = pl.col("_key_id").is_in(in_force_ids.implode())
    restored = seen & ~same & (pl.col("_s_decision").is_not_null() | ~elsewhere)
    stamp = loaded_at.astimezone(dt.UTC).isoformat()
    incoming = incoming.filter(~seen | restored)
    return incoming.with_columns(
        pl.when(restored)
        .then(md5_column(incoming.with_columns(pl.lit(stamp).alias("_at")), [*AUDIT_KEY, *PLACE[1:], "_at"]))
        .otherwise(pl.col("audit_id"))
        .alias("audit_id")
    ).unique("audit_id", keep="first", maintain_order=True)


def _change_described() -> pl.Expr:
    """An audit row's change in words, against the item's row before it (prev_*): what it decides and what it
    supersedes or undoes."""
    return (
        pl.when(pl.col("prev_decision").is_null() & (pl.col("decision") == "reverse"))
        .then(pl.lit("reverse: nothing to undo (the item stays as it was)"))
        .when(pl.col("prev_decision").is_null())
        .then(pl.concat_str(_describe(""), pl.lit(" (was: open)")))
        .when(pl.col("decision") == "reverse")
        .then(
            pl.concat_str(
                pl.lit("reverse by "),
                pl.col("reviewer"),
                pl.lit(" on "),
                pl.col("decided_on").cast(pl.String),
                pl.lit(": undoes the decision before it (last: "),
                _describe("prev_"),
                pl.lit(")"),
            )
        )
        .otherwise(pl.concat_str(_describe(""), pl.lit(" (supersedes: "), _describe("prev_"), pl.lit(")")))
    )


# --------------------------------------------------------------------------- effective decisions


def _stack(group: pl.DataFrame, idle: list[int] | None = None) -> tuple[list[dict], dict]:
    """An item's decisions replayed in order ('reverse' pops the one before it): (the stack left, the last row).
    ``idle``: a list given gets the positions of the reverses that had nothing to pop (idle_reverses)."""
    stack: list[dict] = []
    last: dict = {}
    for i, row in enumerate(group.iter_rows(named=True)):
        last = row
        if row["decision"] != "reverse":
            stack.append(row)
        elif stack:
            stack.pop()
        elif idle is not None:
            idle.append(i)
    return stack, last


def idle_reverses(ordered: pl.DataFrame) -> pl.DataFrame:
    """The 'reverse' rows in force (``ordered``: _in_force) that undo nothing when their item's rows are replayed in
    order (_stack): no decision of the item before it, every one before it already reversed, or the decision it
    was meant for dated after it (rows replay by date). source_file, sheet, source_row, item_id, why."""
    schema = {"source_file": pl.String, "sheet": pl.String, "source_row": pl.Int64, "item_id": pl.String}
    ids = ordered.filter(pl.col("decision") == "reverse")["item_id"].unique()
    out: list[dict] = []
    rows = ordered.filter(pl.col("item_id").is_in(ids.implode()))
    for (item_id,), group in rows.group_by("item_id", maintain_order=True):
        idle: list[int] = []
        _stack(group, idle)
        decisions = group["decision"].to_list()
        for i in idle:
            if any(d != "reverse" for d in decisions[:i]):
                why = "every decision of the item before it is already reversed"
            elif any(d != "reverse" for d in decisions[i + 1 :]):
                why = (
                    "the item's decision comes after it (dated later, or the same day and read after it: rows replay "
                    "by date, then load time and file); date the reverse after the decision it is to undo"
                )
            else:
                why = "the item has no decision before it"
            row = group.row(i, named=True)
            out.append({**{k: row[k] for k in ("source_file", "sheet", "source_row")}, "item_id": item_id, "why": why})
    return pl.DataFrame(out, schema={**schema, "why": pl.String})


def idle_reverse_errors(idle: pl.DataFrame) -> pl.DataFrame:
    """REVIEW_DECISION_ERRORS rows for idle_reverses (field 'decision'; the cause names the item and why)."""
    cause = pl.concat_str(
        pl.lit("reverse of item "),
        pl.col("item_id"),
        pl.lit(" has nothing to undo: "),
        pl.col("why"),
        pl.lit("; the item stays as it was"),
    )
    return _decision_errors(idle, cause)


def _in_effect(stack: list[dict]) -> dict | None:
    """The decision in effect among the standing ones (in order): the last, except that a split item's 'reject'
    of one ward leaves a 'place' in another ward (or a 'dismiss') standing: "not in ward X" and "in ward Y" both
    hold, so wards that decline a split street and the ward that takes it do not undo each other. A 'reject' of
    the very ward placed supersedes the 'place' (the item opens again)."""
    top = None
    for row in stack:
        keeps = (
            row["decision"] == "reject"
            and top is not None
            and top["decision"] != "reject"
            and top["new_uid"] != row["new_uid"]
        )
        if not keeps:
            top = row
    return top


def _fold_with_reversals(rows: pl.DataFrame) -> pl.DataFrame:
    """Items with a 'reverse' or a split 'reject': replay their decisions in order on a stack ('reverse' pops the
    one before it) and take the one in effect (_in_effect; few rows: plain Python)."""
    out = []
    for (item_id,), group in rows.group_by("item_id", maintain_order=True):
        stack, last = _stack(group)
        top = _in_effect(stack)
        out.append(
            {
                "item_id": item_id,
                "kind": last["kind"],
                # a reject in effect rules one ward out and places nothing: the item stays in the open queue
                "state": ("open" if top["decision"] == "reject" else "closed") if top else "reopened",
                "decision": top["decision"] if top else None,
                "new_uid": top["new_uid"] if top else None,
                "reviewer": (top or last)["reviewer"],
                "decided_on": (top or last)["decided_on"],
                "note": (top or last)["note"],
                "decisions": group.height,
                "decided_left_ids": top["left_ids"] if top else None,
                "decided_right_ids": top["right_ids"] if top else None,
                "pairs_from": top["pairs_from"] if top else None,
            }
        )
    return pl.DataFrame(out, schema={c: REVIEW_DECISIONS_TABLE.polars_schema[c] for c in out[0]} if out else None)


CONFLICT_COLUMNS = ["item_id", "decided_on", "decision", "new_uid", "source_file", "sheet", "source_row"]


def _in_force(audit: pl.DataFrame) -> pl.DataFrame:
    """The audit rows in force, in ORDER: a row of a file edited in place (same item, source_file, sheet and
    source_row) replaces the versions of that row loaded before it (a correction, not a second opinion; the audit
    keeps them all)."""
    return REVIEW_DECISION_AUDIT.with_absent(audit).filter(_latest_at_place()).sort(ORDER, nulls_last=False)


def _latest_at_place() -> pl.Expr:
    """Whether an audit row is its place's (item, source_file, sheet, source_row) latest load."""
    return pl.col("loaded_at") == pl.col("loaded_at").max().over(PLACE)


def _standing_rows(ordered: pl.DataFrame) -> pl.DataFrame:
    """Per item, the decision rows still standing (not reversed) on the date of its effective decision."""
    reversed_items = ordered.filter(pl.col("decision") == "reverse").select("item_id").unique()
    simple = ordered.join(reversed_items, on="item_id", how="anti")
    standing = [
        simple.filter(pl.col("decided_on") == pl.col("decided_on").max().over("item_id")).select(CONFLICT_COLUMNS)
    ]
    replayed = ordered.join(reversed_items, on="item_id", how="semi")
    for _, group in replayed.group_by("item_id", maintain_order=True):  # few items: plain Python
        stack, _ = _stack(group)
        if stack:
            day = stack[-1]["decided_on"]
            rows = [r for r in stack if r["decided_on"] == day]
            standing.append(pl.DataFrame(rows).select(CONFLICT_COLUMNS).cast(standing[0].schema))
    return pl.concat(standing)


def decision_conflicts(audit: pl.DataFrame) -> pl.DataFrame:
    """Audit rows in force (_in_force) that contradict another standing row of the same item and date (a different
    decision or ward) from another place (file, sheet or row):
    item_id, source_file, sheet, source_row and the other row's other_file, other_sheet, other_row (the first
    contradicting row in load order). Nothing decides between them: the item stays open."""
    return _conflicts(_standing_rows(_in_force(audit)))


def _conflicts(standing: pl.DataFrame) -> pl.DataFrame:
    """decision_conflicts from the standing rows (_standing_rows of the rows in force)."""
    standing = standing.with_columns(
        pl.concat_str(pl.col("decision"), pl.col("new_uid").fill_null(""), separator="|").alias("_what")
    )
    contested = standing.filter(pl.col("_what").n_unique().over("item_id") > 1)
    other = contested.select(
        "item_id",
        pl.col("_what").alias("_other_what"),
        pl.col("decision").alias("_other_decision"),
        pl.col("new_uid").alias("_other_uid"),
        pl.col("source_file").alias("other_file"),
        pl.col("sheet").alias("other_sheet"),
        pl.col("source_row").alias("other_row"),
    )
    # a split item's 'reject' (not in ward X) holds beside a reject of another ward, a dismiss, or a place in
    # another ward; it contradicts only a place in ward X itself
    one_reject = (pl.col("decision") == "reject") | (pl.col("_other_decision") == "reject")
    same_ward_place = ((pl.col("decision") == "place") | (pl.col("_other_decision") == "place")) & (
        pl.col("new_uid") == pl.col("_other_uid")
    ).fill_null(False)
    return (
        contested.join(other, on="item_id", how="left", maintain_order="left")
        .filter((pl.col("_what") != pl.col("_other_what")) & ~(one_reject & ~same_ward_place))
        .unique(["item_id", "source_file", "sheet", "source_row"], keep="first", maintain_order=True)
        .select("item_id", "source_file", "sheet", "source_row", "other_file", "other_sheet", "other_row")
    )


def conflict_errors(conflicts: pl.DataFrame) -> pl.DataFrame:
    """REVIEW_DECISION_ERRORS rows for decision_conflicts (field 'decision'; the cause names the other row)."""
    other = pl.concat_str(
        pl.col("other_file"),
        pl.when(pl.col("other_sheet").is_not_null())
        .then(pl.concat_str(pl.lit(" sheet "), pl.col("other_sheet")))
        .otherwise(pl.lit("")),
        pl.lit(" row "),
        pl.col("other_row").cast(pl.String),
    )
    cause = pl.concat_str(
        pl.lit("conflicts with "),
        other,
        pl.lit(
            ": a different decision for the same item on the same date; the item stays open until a "
            "later-dated decision settles it"
        ),
    )
    return _decision_errors(conflicts, cause)


def _decision_errors(rows: pl.DataFrame, cause: pl.Expr) -> pl.DataFrame:
    """REVIEW_DECISION_ERRORS rows (field 'decision') for the audit rows `rows` with `cause`."""
    return rows.select(
        "source_file", "sheet", "source_row", pl.lit("decision").alias("field"), cause.alias("cause")
    ).cast(REVIEW_DECISION_ERRORS.polars_schema)


def effective_decisions(audit: pl.DataFrame, items: pl.DataFrame | None) -> pl.DataFrame:
    """REVIEW_DECISIONS_TABLE: one row per decided item, with the item's keys from `items` (REVIEW_ITEM_KEYS).
    An item with conflicting decisions on its latest date (decision_conflicts) has state 'conflict', no decision."""
    ordered = _in_force(audit)
    return _effective(ordered, _conflicts(_standing_rows(ordered)), items)


def _effective(ordered: pl.DataFrame, conflicts: pl.DataFrame, items: pl.DataFrame | None) -> pl.DataFrame:
    """effective_decisions from the rows in force (_in_force) and their same-date conflicts (_conflicts)."""
    # replayed in Python: items with a 'reverse', and split items with a 'reject' (_in_effect: not simply the last)
    reversed_items = ordered.filter(pl.col("decision").is_in(["reverse", "reject"])).select("item_id").unique()
    simple = (
        ordered.join(reversed_items, on="item_id", how="anti")
        .group_by("item_id", maintain_order=True)
        .agg(
            pl.col("kind").last(),
            pl.lit("closed").alias("state"),
            *[pl.col(c).last() for c in ("decision", "new_uid", "reviewer", "decided_on", "note")],
            pl.len().cast(pl.UInt32).alias("decisions"),
            pl.col("left_ids").last().alias("decided_left_ids"),
            pl.col("right_ids").last().alias("decided_right_ids"),
            pl.col("pairs_from").last(),
        )
    )
    # an item whose rows in force are all reverses was never decided: no row (each reverse is an idle_reverses
    # error, counted not applied), not a 'reopened' item carrying the reverser's name
    replayed = ordered.join(reversed_items, on="item_id", how="semi").filter(
        (pl.col("decision") != "reverse").any().over("item_id")
    )
    frames = [simple]
    if replayed.height:
        frames.append(_fold_with_reversals(replayed).select(simple.columns).cast(simple.schema))
    # the decided pairs only where the decision keeps them (keeps_pairs): an audit row 'not kept' may carry [] lists
    effective = pl.concat(frames).with_columns(
        pl.when(keeps_pairs()).then(pl.col(c)).alias(c) for c in ("decided_left_ids", "decided_right_ids")
    )
    effective = hold_contradictions(effective, conflicts.select("item_id").unique())
    key_columns = [
        c
        for c in REVIEW_DECISIONS_TABLE.columns
        if c in REVIEW_ITEM_KEYS.columns and c not in ("item_id", "kind", "new_uid")
    ]
    keys = REVIEW_ITEM_KEYS.with_absent(
        items if items is not None else pl.DataFrame(schema=REVIEW_ITEM_KEYS.polars_schema)
    ).select("item_id", *key_columns)
    return (
        effective.join(keys, on="item_id", how="left", maintain_order="left")
        .select(REVIEW_DECISIONS_TABLE.columns)
        .cast(REVIEW_DECISIONS_TABLE.polars_schema)
        .sort("item_id")
    )


def where_decided(audit: pl.DataFrame | None, decisions: pl.DataFrame) -> pl.DataFrame:
    """item_id, decided_in: where each decision in effect was written, '<file>[ sheet <s>] row <n>' (the decisions
    folder's relative path), from the audit rows in force (_in_force) of its item with its decision, ward and date
    (several such rows, the same decision in two files: '; '-joined in load order). No audit: no row."""
    schema = {"item_id": pl.String, "decided_in": pl.String}
    if audit is None or not audit.height or not {"decision", "new_uid", "decided_on"} <= set(decisions.columns):
        return pl.DataFrame(schema=schema)
    rows = _in_force(audit).select(
        "item_id",
        "decision",
        "new_uid",
        pl.col("decided_on").cast(pl.Date),
        pl.concat_str(
            "source_file",
            pl.when(pl.col("sheet").is_not_null()).then(pl.lit(" sheet ") + pl.col("sheet")).otherwise(pl.lit("")),
            pl.lit(" row "),
            pl.col("source_row").cast(pl.String),
        ).alias("decided_in"),
    )
    return (
        decisions.select("item_id", "decision", "new_uid", pl.col("decided_on").cast(pl.Date))
        .join(rows, on=["item_id", "decision", "new_uid", "decided_on"], nulls_equal=True, maintain_order="left")
        .group_by("item_id", maintain_order=True)
        .agg(pl.col("decided_in").unique(maintain_order=True).str.join("; "))
        .cast(schema)
    )


@dataclass
class SettledDecisions:
    """What the audit says now (settle_decisions): the decisions in effect and every row that could not take effect."""

    decisions: (
        pl.DataFrame
    )  # REVIEW_DECISIONS_TABLE; same-date conflicts and contradicting labels held (state conflict)
    errors: pl.DataFrame  # REVIEW_DECISION_ERRORS: conflict_errors, contradiction_errors, idle_reverse_errors
    conflicts: pl.DataFrame  # decision_conflicts
    contradictions: pl.DataFrame  # label_contradictions: item_id, others


def settle_decisions(
    audit: pl.DataFrame, items: pl.DataFrame | None, read: pl.DataFrame | None = None
) -> SettledDecisions:
    """effective_decisions, label_contradictions held (hold_contradictions), conflict_errors(decision_conflicts),
    contradiction_errors and idle_reverse_errors in one pass: the audit's rows in force and their standing rows are
    computed once (a run that calls the functions one by one filters the whole audit each time). ``read``: the rows
    this run read (LoadedDecisions.rows); a reverse with nothing to undo is listed only while its file is read (its
    audit row stays; a file removed stops the listing, as for a row not valid), every one when None."""
    ordered = _in_force(audit)
    idle = idle_reverses(ordered)
    if read is not None:
        places = (
            read.select(PLACE).unique().cast({"source_file": pl.String, "sheet": pl.String, "source_row": pl.Int64})
        )
        idle = idle.join(places, on=PLACE, how="semi", nulls_equal=True)
    standing = _standing_rows(ordered)
    conflicts = _conflicts(standing)
    decisions = _effective(ordered, conflicts, items)
    contradictions = label_contradictions(decisions)
    errors = pl.concat(
        [
            conflict_errors(conflicts),
            _contradiction_errors(standing, contradictions),
            idle_reverse_errors(idle),
        ]
    )
    return SettledDecisions(hold_contradictions(decisions, contradictions), errors, conflicts, contradictions)


def rows_held(settled: SettledDecisions, loaded: LoadedDecisions) -> tuple[int, int]:
    """(rows of this run's files that are held by a conflict or contradiction or are a reverse with nothing to undo,
    earlier audit rows so: their file was not read by this run, e.g. removed or in another decisions folder). settled.errors name audit rows in force,
    whichever run read them; only the first count is part of this run's rows (loaded.rows)."""
    places = settled.errors.select("source_file", "sheet", "source_row").unique()
    read_now = loaded.rows.select("source_file", "sheet", "source_row").unique()
    now = places.join(read_now, on=["source_file", "sheet", "source_row"], how="semi", nulls_equal=True).height
    return now, places.height - now


# --------------------------------------------------------------------------- what decisions change


def _closed(decisions: pl.DataFrame, kind: str, which: tuple[str, ...]) -> pl.DataFrame:
    """The items of ``kind`` whose decision in effect is one of ``which``: state 'closed', or 'open' for a 'reject'
    (one ward ruled out, the item still open)."""
    in_effect = (pl.col("state") == "closed") | ((pl.col("state") == "open") & (pl.col("decision") == "reject"))
    return decisions.filter(in_effect & (pl.col("kind") == kind) & pl.col("decision").is_in(which))


def official_split_evidence(decisions: pl.DataFrame, audit: pl.DataFrame | None = None) -> pl.DataFrame:
    """Officials' verdicts on named split items (the contract with the split-evidence step):
    old_uid, kind (street|hamlet|quarter), name_key, new_uid, verdict ('confirm'|'reject'), reviewer, decided_on.

    `decisions` is the review.decisions table (REVIEW_DECISIONS_TABLE). place -> confirm, reject -> reject. With
    the audit (review.decision_audit), every standing 'reject' of a decided split item is a verdict (standing_rejects),
    not only the one in effect: two candidate wards of a three-way split that each decline a street both rule
    themselves out, so learning proposes neither.
    """
    named = _closed(decisions, "split_unit", WARD_DECISIONS).filter(pl.col("name_key").is_not_null())
    if audit is not None and audit.height:
        rejects = standing_rejects(audit).join(named.select("item_id"), on="item_id", how="semi")
        keys = named.drop("decision", "new_uid", "reviewer", "decided_on")
        extra = rejects.join(keys, on="item_id").with_columns(pl.lit("reject").alias("decision"))
        named = pl.concat([named, extra.select(named.columns).cast(named.schema)]).unique(
            ["item_id", "decision", "new_uid"], keep="first", maintain_order=True
        )
    return named.select(
        pl.col("old_uid").cast(pl.String),
        pl.col("name_kind").cast(pl.String).alias("kind"),
        pl.col("name_key").cast(pl.String),
        pl.col("new_uid").cast(pl.String),
        pl.col("decision")
        .replace_strict({"place": "confirm", "reject": "reject"}, return_dtype=pl.String)
        .alias("verdict"),
        pl.col("reviewer").cast(pl.String),
        pl.col("decided_on").cast(pl.Date),
    ).sort("old_uid", "kind", "name_key", "verdict", "new_uid")


def standing_rejects(audit: pl.DataFrame) -> pl.DataFrame:
    """item_id, new_uid, reviewer, decided_on of every 'reject' still standing in the audit's rows in force: not
    undone by a 'reverse', and its ward not placed by a later 'place' (few rows: plain Python)."""
    ordered = _in_force(audit)
    with_reject = ordered.filter(pl.col("decision") == "reject").select("item_id").unique()
    out = []
    for _, group in ordered.join(with_reject, on="item_id", how="semi").group_by("item_id", maintain_order=True):
        stack, _ = _stack(group)
        standing: dict[str | None, dict] = {}
        for row in stack:
            if row["decision"] == "reject":
                standing[row["new_uid"]] = row
            elif row["decision"] == "place":
                standing.pop(row["new_uid"], None)
        out += [{c: r[c] for c in ("item_id", "new_uid", "reviewer", "decided_on")} for r in standing.values()]
    schema = {c: REVIEW_DECISION_AUDIT.polars_schema[c] for c in ("item_id", "new_uid", "reviewer", "decided_on")}
    return pl.DataFrame(out, schema=schema)


def decided_pairs(decisions: pl.DataFrame, which: tuple[str, ...] = ("match", "no_match")) -> pl.DataFrame:
    """item_id, entity_kind, left_id, right_id, decision, reviewer, decided_on of every record pair of the match_pair
    items decided ``which``: the item's own pair (left_id, right_id) and each of its further pairs (more_left_ids,
    more_right_ids: the pairs joining the same two entities, queues.entity_pair_items), each with the item's id and
    decision: a decision on an item applies to all its pairs. A decision that keeps the pairs it decided (``keeps_pairs``:
    its pairs_from; decided_left_ids, decided_right_ids: review.decision_audit's) applies to those only, not to a pair
    the item gained after it; one loaded before the audit kept pairs (pairs_from 'not kept') to the item's pairs of
    this run."""
    closed = _closed(REVIEW_DECISIONS_TABLE.with_absent(decisions), "match_pair", which)
    shared = ["item_id", "entity_kind", "decision", "reviewer", "decided_on"]
    kept = keeps_pairs()
    own = (
        closed.filter(kept)
        .select(*shared, pl.col("decided_left_ids").alias("left_id"), pl.col("decided_right_ids").alias("right_id"))
        .explode("left_id", "right_id")
    )
    pairs = closed.filter(~kept & pl.col("left_id").is_not_null() & pl.col("right_id").is_not_null())
    more = (
        pairs.filter(pl.col("more_left_ids").list.len().fill_null(0) > 0)
        .select(*shared, pl.col("more_left_ids").alias("left_id"), pl.col("more_right_ids").alias("right_id"))
        .explode("left_id", "right_id")
    )
    columns = ["item_id", "entity_kind", "left_id", "right_id", "decision", "reviewer", "decided_on"]
    return pl.concat([own.select(columns), pairs.select(columns), more.select(columns)]).filter(
        pl.col("left_id").is_not_null() & pl.col("right_id").is_not_null()
    )


def pairs_not_kept_warning(decisions: pl.DataFrame, named: int = 10) -> str | None:
    """The run's warning about the match_pair decisions in effect that do not keep their record pairs (``keeps_pairs``:
    recorded before the audit kept them, 'not kept'), in words for the ward officials: what such a decision does (it
    labels every pair its item holds on each run, a pair that joins the item later too, which no official looked at)
    and what they do about it (write the decision again: from then on it covers the pairs the item holds when it is
    read). Names the first ``named`` items (ids, never a value). None when there is none."""
    decisions = REVIEW_DECISIONS_TABLE.with_absent(decisions)
    unkept = decisions.filter(
        (pl.col("state") == "closed") & (pl.col("kind") == "match_pair") & (pl.col("pairs_from") == "not kept")
    )
    if not unkept.height:
        return None
    n, ids = unkept.height, sorted(unkept["item_id"].to_list())
    items = ", ".join(ids[:named]) + (f" and {n - named:,} more" if n > named else "")
    one = n == 1
    # (a row like the old one, same date and note, is that decision again, still 'not kept': append_audit)
    return (  # what to do and the first items within a run's progress line (400 characters: assets/progress.py)
        f"decisions: {n:,} match_pair decision{' was' if one else 's were'} recorded before wardbridge kept the pairs "
        f"{'it covers: it labels' if one else 'each covers: each labels'} every pair its item holds on each run, even "
        f"one that joins later, unseen. To fix, an official decides {'it' if one else 'each'} again in a decisions "
        f"file (item id, decision, name, today's date, a note): {items} (all: review.decisions, pairs_from 'not kept')"
    )


def match_labels(decisions: pl.DataFrame) -> pl.DataFrame:
    """REVIEW_MATCH_LABELS from closed match_pair items with their keys: one label per record pair of an item
    (``decided_pairs``), each under the id of the item decided (its further pairs too: before, each was given the id
    it would have as an item of its own, an id no queue, key or decision held). A pair labelled through two items
    (its entities changed between runs) keeps the later-dated decision and its item's id."""
    return (
        decided_pairs(decisions)
        .sort("decided_on", "item_id", descending=[True, False], nulls_last=True)
        .unique(["entity_kind", "left_id", "right_id"], keep="first", maintain_order=True)
        .sort("item_id", "entity_kind", "left_id", "right_id")
        .select(
            "item_id", "entity_kind", "left_id", "right_id", pl.col("decision").alias("label"), "reviewer", "decided_on"
        )
        .cast(REVIEW_MATCH_LABELS.polars_schema)
    )


def _root(parent: dict[str, str], x: str) -> str:
    """Union-find root of x (path halving)."""
    while parent.setdefault(x, x) != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _block_of_first_edge(edges: list[tuple[str, str]]) -> set[int]:
    """Indices of the edges in the same biconnected block as edges[0] (edges on a common simple cycle with it;
    parallel edges allowed). Iterative Tarjan from edges[0]'s first end: plain Python, officials' labels are few."""
    adjacent: dict[str, list[tuple[str, int]]] = {}
    for i, (a, b) in enumerate(edges):
        if a != b:
            adjacent.setdefault(a, []).append((b, i))
            adjacent.setdefault(b, []).append((a, i))
    start = edges[0][0]
    order, low = {start: 0}, {start: 0}
    edge_stack: list[int] = []
    work = [(start, -1, iter(adjacent.get(start, [])))]
    while work:
        v, via, neighbours = work[-1]
        for w, i in neighbours:
            if i == via:
                continue
            if w not in order:
                edge_stack.append(i)
                order[w] = low[w] = len(order)
                work.append((w, i, iter(adjacent[w])))
                break
            if order[w] < order[v]:  # back edge to an ancestor
                edge_stack.append(i)
                low[v] = min(low[v], order[w])
        else:
            work.pop()
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
                if low[v] >= order[u]:  # v's subtree and the edge (u, v) close a block
                    block = set()
                    while True:
                        i = edge_stack.pop()
                        block.add(i)
                        if i == via:
                            break
                    if 0 in block:
                        return block
    return {0}


def label_contradictions(decisions: pl.DataFrame) -> pl.DataFrame:
    """Closed match_pair decisions that contradict each other: a no_match pair whose two records are joined by a
    chain of match decisions (of the same entity kind), with the match decisions lying on any such chain (any
    simple path between the two records; matches elsewhere in the same group of linked records are not held).
    Returns item_id, others (the other items of those chains and their no_match pairs, sorted). Such labels cannot
    all hold: the items go back to a person. Officials' labels are few: plain Python union-find, then the
    biconnected block of the no_match pair added to its component's matches."""
    pairs = decided_pairs(decisions)  # every record pair of an item, under the item's id
    found: dict[str, set[str]] = {}
    for _, group in pairs.group_by("entity_kind", maintain_order=True):
        parent: dict[str, str] = {}
        root = partial(_root, parent)
        rows = group.select("item_id", "decision", "left_id", "right_id").rows()
        for _, decision, left, right in rows:
            if decision == "match":
                parent[root(left)] = root(right)
        members: dict[str, list[tuple[str, str, str]]] = {}
        for item, decision, left, right in rows:
            if decision == "match":
                members.setdefault(root(left), []).append((item, left, right))
        for item, decision, left, right in rows:
            if decision == "no_match" and left != right and root(left) == root(right):
                matches = members[root(left)]
                block = _block_of_first_edge([(left, right), *[(a, b) for _, a, b in matches]])
                chain = [item, *[matches[i - 1][0] for i in sorted(block) if i > 0]]
                for one in chain:
                    found.setdefault(one, set()).update(c for c in chain if c != one)
    return pl.DataFrame(
        {"item_id": list(found), "others": [sorted(v) for v in found.values()]},
        schema={"item_id": pl.String, "others": pl.List(pl.String)},
    ).sort("item_id")


def hold_contradictions(decisions: pl.DataFrame, contradictions: pl.DataFrame) -> pl.DataFrame:
    """review.decisions with the items of `contradictions` (item_id) in state 'conflict' (no decision: open, no
    label): same-date conflicts (effective_decisions) and labels that cannot all hold (label_contradictions)."""
    if contradictions.height == 0:
        return decisions
    held = pl.col("item_id").is_in(contradictions["item_id"].implode())
    return decisions.with_columns(
        pl.when(held).then(pl.lit("conflict")).otherwise(pl.col("state")).alias("state"),
        *[
            pl.when(held).then(pl.lit(None, decisions.schema[c])).otherwise(pl.col(c)).alias(c)
            for c in ("decision", "new_uid", "reviewer", "note")
        ],
    )


def contradiction_errors(audit: pl.DataFrame, contradictions: pl.DataFrame) -> pl.DataFrame:
    """REVIEW_DECISION_ERRORS for label_contradictions: the standing row(s) of each item, field 'decision',
    cause naming the other items (ids, never values)."""
    return _contradiction_errors(_standing_rows(_in_force(audit)), contradictions)


def _contradiction_errors(standing: pl.DataFrame, contradictions: pl.DataFrame) -> pl.DataFrame:
    rows = standing.join(contradictions, on="item_id", how="inner")
    cause = pl.concat_str(
        pl.lit("contradicts decisions "),
        pl.col("others").list.join(", "),
        pl.lit(
            ": a no_match pair inside a chain of match decisions cannot all hold; these items stay open until "
            "one of them is changed by a later-dated decision"
        ),
    )
    return _decision_errors(rows, cause)


def labelled_pairs(labels: pl.DataFrame, entity_kind: str, label: str = "match") -> pl.DataFrame:
    """The ``label`` labels ('match' or 'no_match') of one entity kind as record pairs (left_id, right_id)."""
    return labels.filter((pl.col("entity_kind") == entity_kind) & (pl.col("label") == label)).select(
        "left_id", "right_id"
    )


def _reason() -> pl.Expr:
    return pl.concat_str(
        pl.lit("official: placed by "),
        pl.col("reviewer"),
        pl.lit(" on "),
        pl.col("decided_on").cast(pl.String),
        pl.lit(" (item "),
        pl.col("item_id"),
        pl.lit(")"),
    ).alias("ward_reason")


def placements(
    decisions: pl.DataFrame,
    staged: dict[str, pl.DataFrame],
    named: pl.DataFrame | None = None,
    before: tuple[pl.DataFrame | None, pl.DataFrame | None] | None = None,
) -> pl.DataFrame:
    """REVIEW_PLACEMENTS: record-level wards from place decisions, over the staged rows as they are now.

    `staged`: registry -> frame with record_key, old_uid, ward_status (and source_id, source_key: a source record's
    versions). An unresolved_address item places its record (if still staged) and every other staged version of its
    source record with the same address (its question_key: the item's, kept in review.item_keys, else its record's;
    staged rows with source_id, source_key and address), so May's decision places June's extract of the record too.

    A split_unit item of (old unit, registry) places the records it held when the decision was first read, every
    version of them, and no other (_split_unit_records): records of that old unit and registry still split_review,
    except those in a named split item (`named`: registry, record_key of records that belong to one; see
    pipelines.review.queues.split_groups) and source records with a version placed otherwise (learned split evidence:
    resolved.split_placements of the last run, which reaches a new extract's versions later in the run). ``before``:
    the previous run's review.decisions and review.placements: a decision in effect then as now places the source
    records it placed then; one new this run (or without them) takes the item's records now. A record that comes
    later (a new extract) is not placed by a decision nobody made on it: it stays split_review and its item opens
    again (queues.split_records_not_decided). Named split items are applied by the split-evidence step
    (official_split_evidence).
    """
    frames = []
    address = REVIEW_DECISIONS_TABLE.with_absent(_closed(decisions, "unresolved_address", ("place",)))
    split = _closed(decisions, "split_unit", ("place",)).filter(
        pl.col("name_key").is_null() & pl.col("registry").is_not_null()
    )
    standing = _split_places_standing(split, *(before or (None, None)))
    for registry, rows in staged.items():
        in_named = (
            named.filter(pl.col("registry") == registry).select("record_key")
            if named is not None and named.height
            else None
        )
        placed_addresses = _address_versions(
            address.filter(pl.col("registry") == registry).select(
                "item_id", "record_key", "question_key", "new_uid", "reviewer", "decided_on"
            ),
            rows,
            registry,
        ).join(rows.select("record_key", "old_uid", "ward_status"), on="record_key")
        if in_named is not None:
            placed_addresses = placed_addresses.join(in_named, on="record_key", how="anti")
        decided = split.filter(pl.col("registry") == registry).select(
            "item_id", "old_uid", "new_uid", "reviewer", "decided_on"
        )
        before_here = None if standing is None else (standing[0], standing[1].filter(pl.col("registry") == registry))
        placed_split = _split_unit_records(decided, _split_keys(rows, decided, before_here, in_named), before_here)
        for placed in (placed_addresses, placed_split):
            frames.append(
                placed.select(
                    pl.lit(registry).alias("registry"),
                    "record_key",
                    "old_uid",
                    "new_uid",
                    pl.lit(OFFICIAL_STATUS).alias("ward_status"),
                    _reason(),
                    "item_id",
                )
            )
    if not frames:
        return pl.DataFrame(schema=REVIEW_PLACEMENTS.polars_schema)
    return (
        pl.concat([f.cast(REVIEW_PLACEMENTS.polars_schema) for f in frames])
        .unique(["registry", "record_key"], keep="first", maintain_order=True)
        .sort("registry", "record_key")
    )


def dismissed_addresses(decisions: pl.DataFrame | None, rows: pl.DataFrame, registry: str) -> pl.Series:
    """record_key of the records whose address an official dismissed (an unresolved_address item closed by
    'dismiss'): the item's record and the staged versions of its source record asking the same (``_address_versions``,
    as a 'place' places them). ``rows``: staged rows of ``registry`` with record_key, source_id, source_key, address,
    ward_status (those without a ward suffice). Such a record keeps no ward: the machine does not place it by its
    newest version (pipelines.entities.versions.place_by_newest_version), the official's decision wins."""
    none = pl.Series("record_key", [], pl.String)
    if decisions is None or not decisions.height or "kind" not in decisions.columns:
        return none
    dismissed = REVIEW_DECISIONS_TABLE.with_absent(_closed(decisions, "unresolved_address", ("dismiss",)))
    dismissed = dismissed.filter(pl.col("registry") == registry)
    if not dismissed.height:
        return none
    decided = dismissed.select("item_id", "record_key", "question_key", "new_uid", "reviewer", "decided_on")
    return _address_versions(decided, rows, registry)["record_key"].unique()


def _source_record_columns(rows: pl.DataFrame) -> list[pl.Expr]:
    """``_source``: a staged row's source record (source id and key: its versions share it), else its record_key."""
    if {"source_id", "source_key"} <= set(rows.columns):
        return [
            pl.concat_str("source_id", "source_key", separator=PAIR_SEP)
            .fill_null(pl.col("record_key"))
            .alias("_source")
        ]
    return [pl.col("record_key").alias("_source")]


def _split_places_standing(
    split: pl.DataFrame, decisions_before: pl.DataFrame | None, placed_before: pl.DataFrame | None
) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """(item_id of the split_unit 'place' decisions in effect in the previous run as now: same item, ward, date and
    reviewer; registry, record_key, item_id of the records the previous run placed by them), or None without the
    previous run's tables (every decision then takes its item's records as they are now)."""
    if decisions_before is None or placed_before is None:
        return None
    same = ["item_id", "decision", "new_uid", "decided_on", "reviewer"]
    before = REVIEW_DECISIONS_TABLE.with_absent(decisions_before).filter(pl.col("state") == "closed").select(same)
    standing = split.select(same).cast(before.schema).join(before, on=same, how="semi", nulls_equal=True)
    placed = (
        REVIEW_PLACEMENTS.with_absent(placed_before)
        .join(standing.select("item_id"), on="item_id", how="semi")
        .select("registry", "record_key", "item_id")
    )
    return standing.select("item_id"), placed


def _split_keys(
    rows: pl.DataFrame,
    decided: pl.DataFrame,
    before: tuple[pl.DataFrame, pl.DataFrame] | None,
    in_named: pl.DataFrame | None,
) -> pl.DataFrame:
    """record_key, old_uid, ward_status, _source of the staged rows _split_unit_records reads, not in a named split
    item: only those of the old units the registry's split_unit decisions name, and those the previous run placed by
    them (``before``: their source records), filtered before any join. The whole registry gave the same records
    placed, reading every row (534c676: 3-5x slower placements)."""
    if not decided.height:
        return rows.head(0).select("record_key", "old_uid", "ward_status", *_source_record_columns(rows))
    wanted = pl.col("old_uid").is_in(decided.get_column("old_uid").drop_nulls().unique().implode())
    if before is not None and before[1].height:
        wanted = wanted | pl.col("record_key").is_in(before[1].get_column("record_key").unique().implode())
    keys = rows.filter(wanted).select("record_key", "old_uid", "ward_status", *_source_record_columns(rows))
    if in_named is not None:
        keys = keys.join(in_named, on="record_key", how="anti")
    return keys


def _split_unit_records(
    decided: pl.DataFrame, keys: pl.DataFrame, before: tuple[pl.DataFrame, pl.DataFrame] | None
) -> pl.DataFrame:
    """item_id, record_key, old_uid, new_uid, reviewer, decided_on of the records a split_unit (old unit, registry)
    'place' places (placements): of its old unit, still split_review, whose source record has no version in that old
    unit placed otherwise; a decision the previous run already applied (``before``: _split_places_standing) only the source
    records it placed then, every version of them. ``keys``: _split_keys (the decided old units' rows, and the rows
    the previous run placed), or any superset of them."""
    waiting = keys.filter(pl.col("ward_status") == "split_review")
    # a version of the source record in this old unit placed otherwise (learned split evidence): not the decision's
    settled = keys.filter(pl.col("ward_status") != "split_review").select("old_uid", "_source").unique()
    candidates = decided.join(waiting.join(settled, on=["old_uid", "_source"], how="anti"), on="old_uid")
    if before is None:
        return candidates.drop("_source", "ward_status")
    applied, placed = before
    kept = placed.join(keys.select("record_key", "_source"), on="record_key").select("item_id", "_source").unique()
    new = candidates.join(applied, on="item_id", how="anti")
    again = candidates.join(kept, on=["item_id", "_source"], how="semi")
    return pl.concat([new, again]).drop("_source", "ward_status")


def _address_versions(decided: pl.DataFrame, rows: pl.DataFrame, registry: str) -> pl.DataFrame:
    """item_id, record_key, new_uid, reviewer, decided_on of each record an unresolved_address 'place' places: its own
    and the staged versions of its source record asking the same (``ids.question_keys``: same source id, key and
    address), found by the item's question_key, else by its record's; not its own record when that asks another
    question now (another address under the same record key: a new item). A record several decisions place follows the
    latest (decided_on)."""
    from pipelines.review.queues import ADDRESS_REVIEW_STATUSES

    columns = ["item_id", "record_key", "new_uid", "reviewer", "decided_on"]
    needed = {"source_id", "source_key", "address", "ward_status"}
    if not decided.height or not needed <= set(rows.columns):
        return decided.select(columns)
    waiting = rows.filter(pl.col("ward_status").is_in(ADDRESS_REVIEW_STATUSES)).select(
        pl.lit(registry).alias("registry"), "record_key", "source_id", "source_key", "address"
    )
    asked = waiting.select("record_key", question_keys(waiting, "unresolved_address"))
    decided = decided.join(
        asked.rename({"question_key": "_asked"}), on="record_key", how="left", maintain_order="left"
    ).with_columns(pl.coalesce("question_key", "_asked").alias("_question"))
    versions = decided.drop("record_key").join(
        asked.rename({"question_key": "_question"}), on="_question", how="inner", maintain_order="left"
    )
    # the decided record itself, unless it asks another question now (its extract sent again with another address:
    # a new item, not placed by the decision on the old one)
    own = decided.filter(
        pl.col("question_key").is_null() | pl.col("_asked").is_null() | (pl.col("_asked") == pl.col("question_key"))
    )
    # a version several decisions place (items of one question: a warehouse from before question_key had one per
    # version): the latest decision's, as the item the question keeps (queues._ids_of_questions), not by item order
    return (
        pl.concat([own.select(columns), versions.select(columns)])
        .sort("decided_on", descending=True, nulls_last=True, maintain_order=True)
        .unique("record_key", keep="first", maintain_order=True)
    )


def apply_placements(staged: pl.DataFrame, registry: str, placed: pl.DataFrame) -> pl.DataFrame:
    """Staged rows with new_uid / ward_status / ward_reason replaced where an official placed them (same rows, columns)."""
    overlay = placed.filter(pl.col("registry") == registry).select(
        "record_key",
        pl.col("new_uid").alias("_new"),
        pl.col("ward_status").alias("_status"),
        pl.col("ward_reason").alias("_reason"),
    )
    if overlay.height == 0:
        return staged
    return (
        staged.join(overlay, on="record_key", how="left", maintain_order="left")
        .with_columns(
            pl.coalesce("_new", "new_uid").alias("new_uid"),
            pl.coalesce("_status", "ward_status").alias("ward_status"),
            pl.coalesce("_reason", "ward_reason").alias("ward_reason"),
        )
        .select(staged.columns)
    )

"""Per-ward review files officials open in a spreadsheet: warehouse/review/wards/<ward code>/.

For every 2025 ward with open items: ``<kind>.csv`` for each queue kind (UTF-8 with BOM so Excel shows
Vietnamese; header row in English by default, ``headers="vi"`` Vietnamese, ``"both"`` Vietnamese then
English) and ``review_<code>.xlsx`` (one sheet per kind, a Vietnamese header row above the English one,
frozen, filters, column widths to fit). Items with only candidate wards appear in each candidate's files
(column ``candidate`` true); items with neither go to ``wards/unplaced/``. A match_pair item holding several record
pairs is shown one row per record pair (``pair_no``, its records' keys and values), its item id on each: its
decision labels every one of them, and may be written on any of its rows. A shown field's two sides
(``left_phone`` / ``right_phone``) are kept or dropped together. The decision columns
(decision, reviewer, decided_on, note, new_ward_code) are left blank: a filled-in file dropped into the
decisions folder is a decisions file. These files hold personal values (names, addresses, IDs): restricted.

Source text is never live in these files: the workbook stores every string as text (no formulas, no links), and a
CSV text cell starting with = + - @ tab or carriage return gets a leading apostrophe (OWASP CSV injection), which
the decisions reader strips again (pipelines.review.decisions.unescape_cell).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import polars as pl

from pipelines.publish.store import cannot_replace, put_back, swap_folder
from pipelines.schema import REVIEW_KINDS
from pipelines.warehouse import pid_alive

UNPLACED = "unplaced"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
# a cell a spreadsheet would evaluate; its escaped form (decisions.unescape_cell reads it back)
LIVE_FORMULA = "[" + re.escape("".join(FORMULA_STARTS)) + "]"
ESCAPED_FORMULA = "^" + re.escape(ESCAPE) + LIVE_FORMULA
DECISION_COLUMNS = ("decision", "reviewer", "decided_on", "note", "new_ward_code")
VI_LABELS = {
    "rank": "Thứ tự",
    "item_id": "Mã mục",
    "records_blocked": "Số hồ sơ bị chặn",
    "ward_code": "Mã phường/xã",
    "ward_name": "Tên phường/xã",
    "candidate": "Chỉ là phường/xã ứng viên",
    "candidate_wards": "Các phường/xã ứng viên",
    "summary": "Nội dung cần quyết định",
    "registry": "Sổ/cơ sở dữ liệu",
    "record_key": "Mã hồ sơ",
    "source_file": "Tệp nguồn",
    "source_key": "Dòng nguồn",
    "name": "Tên",
    "address": "Địa chỉ",
    "ward_status": "Trạng thái địa chỉ",
    "ward_reason": "Lý do",
    "old_uid": "Đơn vị cũ",
    "example_addresses": "Ví dụ địa chỉ",
    "name_kind": "Loại tên (đường/ấp/khu phố)",
    "name_key": "Khoá tên",
    "support": "Số hồ sơ ủng hộ",
    "conflicting": "Số hồ sơ mâu thuẫn",
    "evidence_wards": "Phường/xã theo bằng chứng",
    "state": "Trạng thái bằng chứng",
    "records_waiting": "Hồ sơ đang chờ",
    "fields": "Trường",
    "flags": "Vấn đề",
    "values": "Giá trị",
    "field": "Trường lỗi",
    "reason": "Lý do cách ly",
    "raw_values": "Dữ liệu gốc",
    "match_probability": "Xác suất trùng",
    "matcher_decision": "Kết luận của máy",
    "decision_reason": "Lý do từ chối",
    "evidence": "Bằng chứng so sánh",
    "shown_fields": "Các trường hiển thị",
    "left_ward": "Phường/xã hồ sơ trái",
    "right_ward": "Phường/xã hồ sơ phải",
    "decision": "Quyết định",
    "reviewer": "Người duyệt",
    "decided_on": "Ngày quyết định",
    "note": "Ghi chú",
    "new_ward_code": "Mã phường/xã mới",
    "informativeness": "Mức hữu ích của quyết định (bit)",
    "informative_why": "Vì sao xếp trước",
    "other_pairs": "Các cặp hồ sơ khác trong mục",
    "record_pairs": "Số cặp hồ sơ",
    "pair_no": "Cặp số (trong mục)",
    "left_id": "Mã hồ sơ trái",
    "right_id": "Mã hồ sơ phải",
    "proposed_new_uid": "Phường/xã mới đề xuất",
    "registries": "Các sổ/cơ sở dữ liệu",
}


def vi_label(column: str) -> str:
    if column in VI_LABELS:
        return VI_LABELS[column]
    for side, word in (("left_", "Hồ sơ trái: "), ("right_", "Hồ sơ phải: ")):
        if column.startswith(side):
            return word + column.removeprefix(side)
    return column


def ward_frames(items: pl.DataFrame, evidence: dict[str, pl.DataFrame], ward_names: pl.DataFrame) -> pl.DataFrame:
    """One row per (ward folder, open item): ward_code ('unplaced' for none), candidate flag, the item's columns."""
    base = items.select("item_id", "kind", "rank", "records_blocked", "new_uid", "candidates", "summary")
    placed = base.filter(pl.col("new_uid").is_not_null()).with_columns(
        pl.col("new_uid").alias("_ward"), pl.lit(False).alias("candidate")
    )
    cands = (
        base.filter(pl.col("new_uid").is_null() & (pl.col("candidates").list.len() > 0))
        .with_columns(pl.col("candidates").alias("_ward"))
        .explode("_ward")
        .with_columns(pl.lit(True).alias("candidate"))
    )
    nowhere = base.filter(
        pl.col("new_uid").is_null() & (pl.col("candidates").fill_null([]).list.len() == 0)
    ).with_columns(pl.lit(None, pl.String).alias("_ward"), pl.lit(False).alias("candidate"))
    rows = pl.concat([placed, cands, nowhere])
    names = ward_names.select(pl.col("unit_uid").alias("_ward"), pl.col("name").alias("ward_name"))
    named_candidates = (
        base.select("item_id", "candidates")
        .explode("candidates")
        .join(names.rename({"_ward": "candidates"}), on="candidates", how="left")
        .group_by("item_id")
        .agg(
            pl.concat_str(
                pl.col("candidates").str.split(":").list.last(), pl.lit(" "), pl.col("ward_name").fill_null("")
            )
            .drop_nulls()
            .str.join("; ")
            .alias("candidate_wards")
        )
    )
    return (
        rows.join(names, on="_ward", how="left")
        .join(named_candidates, on="item_id", how="left")
        .with_columns(pl.col("_ward").str.split(":").list.last().fill_null(UNPLACED).alias("ward_code"))
    )


FRONT = ["rank", "item_id", "records_blocked", "ward_code", "ward_name", "candidate", "candidate_wards", "summary"]


def _shown_table(table: pl.DataFrame) -> pl.DataFrame:
    """A ward's items of one kind joined with their evidence as the ward's table: the columns worth showing, the
    decision columns, the items in rank order (a match_pair item's rows in pair order)."""
    table = table.select(shown_columns(table, FRONT))
    order = ["rank", "pair_no"] if "pair_no" in table.columns else ["rank"]
    return table.with_columns([pl.lit(None, pl.String).alias(c) for c in DECISION_COLUMNS]).sort(
        order, maintain_order=True
    )


def _ward_tables(rows: pl.DataFrame, evidence: dict[str, pl.DataFrame]) -> dict[str, dict[str, pl.DataFrame]]:
    """Per ward code of ``rows`` (ward_frames'), in their order: its table of each kind (_shown_table of the ward's items
    of that kind, their common columns joined with their evidence; ``evidence`` may hold several rows per item,
    match_pair: one per record pair, ``pair_no``). Each kind's rows are joined with its evidence once, then split by
    ward (not one join a ward and kind)."""
    joined = {
        kind: rows.filter(pl.col("kind") == kind)
        .select(FRONT)
        .join(evidence[kind], on="item_id", how="left", maintain_order="left")
        for kind in REVIEW_KINDS
    }
    parts = {kind: table.partition_by("ward_code", as_dict=True, maintain_order=True) for kind, table in joined.items()}
    return {
        code: {kind: _shown_table(parts[kind].get((code,), joined[kind].clear())) for kind in REVIEW_KINDS}
        for code in rows["ward_code"].unique(maintain_order=True)
    }


SIDES = ("left_", "right_")


def shown_columns(table: pl.DataFrame, keep: list[str]) -> list[str]:
    """The columns of a ward's table worth a column: those with a value in some row (and ``keep``). The two sides of a
    pair's field (``left_phone`` / ``right_phone``) are kept or dropped together: a reviewer compares them side by
    side, and a lone ``left_phone`` would leave them to guess that the other record has none."""
    empty = {c for c in table.columns if table[c].null_count() == table.height and c not in keep}

    def other_side(column: str) -> str | None:
        for side, other in (SIDES, SIDES[::-1]):
            if column.startswith(side):
                return other + column.removeprefix(side)
        return None

    return [
        c for c in table.columns if c not in empty or (other_side(c) in table.columns and other_side(c) not in empty)
    ]


def escape_formulas(table: pl.DataFrame) -> pl.DataFrame:
    """Text cells a spreadsheet would evaluate (starting with = + - @ tab CR) prefixed with an apostrophe."""
    # one expression over the text columns (one a column cost ~4 times as much over a ward's tables)
    strings = [c for c, dtype in table.schema.items() if dtype == pl.String]
    return table.with_columns(pl.col(strings).str.replace("^(" + LIVE_FORMULA + ")", ESCAPE + "${1}"))


def _write_csv(table: pl.DataFrame, path: Path, headers: str) -> None:
    lines = []
    if headers in ("vi", "both"):
        lines.append(",".join(f'"{vi_label(c)}"' for c in table.columns))
    if headers in ("en", "both"):
        lines.append(",".join(table.columns))
    body = escape_formulas(table.with_columns(pl.col(pl.Boolean).cast(pl.String))).write_csv(include_header=False)
    path.write_text("\ufeff" + "\n".join(lines) + "\n" + body, encoding="utf-8")


def _decision_choices(sheet, kind: str, table: pl.DataFrame) -> None:  # noqa: ANN001 - an xlsxwriter Worksheet
    """The decision column of a sheet offers the decisions its kind takes (a drop-down list; a value typed that is
    not one of them is warned about on entry, as the run would reject its row), ``reverse`` included."""
    from pipelines.review.decisions import KIND_DECISIONS  # decisions imports this module

    if "decision" not in table.columns or not table.height:
        return
    column = table.columns.index("decision")
    choices = [*KIND_DECISIONS[kind], "reverse"]
    sheet.data_validation(
        2,
        column,
        table.height + 1,
        column,
        {
            "validate": "list",
            "source": choices,
            "error_type": "warning",
            "error_title": "Not a decision",
            "error_message": f"Quyết định / decision: one of {', '.join(choices)}",
            "input_title": "Quyết định",
            "input_message": ", ".join(choices),
        },
    )


def _item_bands(table: pl.DataFrame) -> list[bool]:
    """Per row of a sheet, whether it is shaded: where an item spans several rows (a match_pair item's record pairs),
    every other item is, so a reviewer sees which rows one decision covers. No shading otherwise."""
    if not table.height or table["item_id"].n_unique() == table.height:
        return [False] * table.height
    starts = (table["item_id"] != table["item_id"].shift(1)).fill_null(True)
    return ((starts.cast(pl.UInt32).cum_sum() % 2) == 0).to_list()


def _write_xlsx(tables: dict[str, pl.DataFrame], path: Path) -> None:
    import xlsxwriter

    # a NaN or infinite figure (a probability the model could not compute) is an error cell (#NUM!), as the CSV
    # writes NaN/inf: xlsxwriter raised on it, which failed review_queues for every ward. in_memory: the parts are
    # zipped from memory, not from ~15 temporary files a workbook (the same XML parts)
    options = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "nan_inf_to_errors": True,
        "in_memory": True,
    }
    with xlsxwriter.Workbook(str(path), options) as book:
        head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "valign": "top", "border": 1})
        key = book.add_format({"italic": True, "font_color": "#595959", "bg_color": "#F2F2F2", "border": 1})
        band = book.add_format({"bg_color": "#EEF3FA"})  # every other item, where an item spans several rows
        for kind in REVIEW_KINDS:
            table = tables[kind]
            sheet = book.add_worksheet(kind)
            sheet.write_row(0, 0, [vi_label(c) for c in table.columns], head)
            sheet.write_row(1, 0, table.columns, key)
            _write_cells(sheet, table, band)
            longest = _longest(table)
            for c, column in enumerate(table.columns):
                width = max(len(vi_label(column)) * 0.8, len(column), longest[column] or 0) + 2
                sheet.set_column(c, c, min(width, 60))
            _decision_choices(sheet, kind, table)
            sheet.freeze_panes(2, 2)
            sheet.autofilter(1, 0, max(1, table.height + 1), max(0, len(table.columns) - 1))
            sheet.set_row(0, 30)


def _write_cells(sheet, table: pl.DataFrame, band) -> None:  # noqa: ANN001 - an xlsxwriter Worksheet and Format
    """The table's rows from the sheet's third row, a shaded item's cells in ``band``. What ``write_row`` of each
    row with None as "" did (booleans as text "true"/"false", "" and None a blank cell: none unless shaded), with the
    write method chosen once a column, not by type a cell; cells written row by row, in the same order (the shared
    strings are numbered in it)."""
    bands = _item_bands(table)
    shown = table.with_columns(pl.col(pl.Boolean).cast(pl.String))
    writers = []
    for dtype in shown.schema.values():
        if dtype == pl.String:
            writers.append(sheet.write_string)
        elif dtype.is_numeric():
            writers.append(sheet.write_number)
        else:
            writers.append(sheet.write)
    blank = sheet.write_blank
    for r, row in enumerate(shown.iter_rows(), start=2):
        shade = band if bands[r - 2] else None
        for c, (value, write) in enumerate(zip(row, writers, strict=True)):
            if value is None or value == "":
                if shade is not None:
                    blank(r, c, None, shade)
            else:
                write(r, c, value, shade)


def _longest(table: pl.DataFrame) -> dict[str, int | None]:
    """Per column, the most characters a value of it has as text (None: no value, or no rows)."""
    if not table.height:
        return dict.fromkeys(table.columns)
    return table.select(pl.col(c).cast(pl.String).str.len_chars().max() for c in table.columns).row(0, named=True)


def write_ward_exports(
    items: pl.DataFrame,
    evidence: dict[str, pl.DataFrame],
    ward_names: pl.DataFrame,
    root: Path,
    *,
    headers: str = "en",
    pair_rows: pl.DataFrame | None = None,
) -> dict[str, int]:
    """Write root/wards/<code>/ for every ward with open items; returns {ward_code: items}. The previous
    wards/ folder is replaced whole (built aside, then swapped), so a ward whose queue emptied has no stale files.
    ``pair_rows`` (``Queues.pair_rows``): every record pair of the match_pair items, shown one row each under its
    item (an item's decision labels them all) instead of the item's one row of ``evidence``."""
    if headers not in ("en", "vi", "both"):
        raise ValueError(f"headers must be en, vi or both, not {headers!r}")
    if pair_rows is not None:
        evidence = {**evidence, "match_pair": pair_rows}
    rows = ward_frames(items, evidence, ward_names)
    target = root / "wards"
    _remove_leftovers(root, target)
    building = root / f".wards.{os.getpid()}.partial"
    shutil.rmtree(building, ignore_errors=True)
    counts = {}
    try:
        items_per_ward = dict(rows.group_by("ward_code").len().iter_rows())
        for code, tables in _ward_tables(rows, evidence).items():
            folder = building / code
            folder.mkdir(parents=True)
            for kind, table in tables.items():
                _write_csv(table, folder / f"{kind}.csv", headers)
            _write_xlsx(tables, folder / f"review_{code}.xlsx")
            counts[code] = items_per_ward[code]
        building.mkdir(parents=True, exist_ok=True)
        try:
            swap_folder(building, target, root / f".wards.{os.getpid()}.old", "review-wards")
        except OSError as exc:  # immutable, a read-only mount...
            kept = "the officials' previous files are left as they were and this run's are not written"
            raise OSError(exc.errno, cannot_replace(target, exc, kept)) from exc
    finally:
        shutil.rmtree(building, ignore_errors=True)  # personal values: no half-written copy is left behind
    return dict(sorted(counts.items()))


def _remove_leftovers(root: Path, target: Path) -> None:
    """What a killed run left beside wards/ (copies holding personal values, named by its process id): a previous
    folder renamed aside is put back when wards/ is missing, the rest deleted. A live process's are left alone."""

    def dead(pattern: str) -> list[Path]:
        return [path for path in root.glob(pattern) if not _owner_alive(path)]

    put_back(target, dead(".wards.*.old"), dead(".wards.*.partial"))


def _owner_alive(path: Path) -> bool:
    pid = path.name.split(".")[2]
    return pid.isdigit() and pid_alive(int(pid))

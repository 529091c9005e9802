"""A workbook whose header cell is merged across columns (a two-row header, common in official lists: 'dia_chi' over
'so_nha' | 'phuong'). The reader names the columns under the merged cell after its first '__UNNAMED__n': the mapped
address got the street only (every record then unresolved or misplaced) and the ward went to extra_columns, with
nothing said but 'extra columns kept ['__UNNAMED__5']'; the second header row was staged as a record (quarantined,
and queued for officials). Now such an extract fails naming the file, sheet, cell range and column, and what to do."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from tests.test_bad_inputs import HEADER, PERSONAL, ROWS, _ingest

ADDRESS = HEADER.index("dia_chi")


def _book(path: Path, rows: list[list[str]], merge: tuple[int, int, int, int, str]) -> bytes:
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("DanhSach")
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value:
                sheet.write_string(i, j, value)
    sheet.merge_range(*merge)
    book.close()
    return path.read_bytes()


def _split(header: list[str], second: list[str] | None, part) -> list[list[str]]:  # noqa: ANN001
    """The rows with an extra column after the address, holding ``part(address)``."""
    rows = [header[: ADDRESS + 1] + [""] + header[ADDRESS + 1 :]]
    if second is not None:
        rows.append(second)
    for r in ROWS:
        street, rest = r[ADDRESS].split(",", 1)
        rows.append(r[:ADDRESS] + [street, part(rest)] + r[ADDRESS + 1 :])
    return rows


def test_a_mapped_header_merged_over_a_column_with_values_fails_naming_it(tmp_path):
    second = [""] * ADDRESS + ["so_nha", "phuong"] + [""] * (len(HEADER) - ADDRESS - 1)
    rows = _split(HEADER, second, lambda rest: rest)
    data = _book(tmp_path / "two_rows.xlsx", rows, (0, ADDRESS, 0, ADDRESS + 1, "dia_chi"))
    result = _ingest(tmp_path, "xlsx", "two_rows.xlsx", data)
    assert result.state == "failed"
    assert "two_rows.xlsx: sheet 'DanhSach': the header cell 'dia_chi' is merged over E1:F1" in result.cause
    assert "1 column(s) under it after the first hold values but have no name" in result.cause
    assert not [v for v in PERSONAL if v in result.cause]


def test_a_header_merged_over_an_empty_column_or_an_unmapped_one_still_loads(tmp_path):
    rows = _split(HEADER, None, lambda rest: "")  # the covered column is empty: nothing is cut
    result = _ingest(tmp_path, "xlsx", "empty.xlsx", _book(tmp_path / "empty.xlsx", rows, (0, 4, 0, 5, "dia_chi")))
    assert result.state == "ok" and result.staged.height == 3, result.cause
    header = HEADER[:ADDRESS] + ["dia_chi", "ghi_chu"] + HEADER[ADDRESS + 1 :]  # 'ghi_chu' (not mapped) over two
    rows = [header[:6] + [""] + header[6:]] + [r[:5] + ["x", "y"] + r[5:] for r in ROWS]
    book = _book(tmp_path / "notes.xlsx", rows, (0, 5, 0, 6, "ghi_chu"))
    result = _ingest(tmp_path, "xlsx", "notes.xlsx", book)
    assert result.state == "ok" and result.staged.height == 3, result.cause
    assert sorted(result.staged["members"]) == [2, 3, 4]  # the columns after it are read as before

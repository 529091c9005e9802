"""A row quarantined because a required field's workbook cell held an Excel error says so (23eb54a: raw.py's
row_flags 'excel_error:<fields>'), also where the sheet's header names the column in other case or spacing than the
catalogue ('DIA_CHI' for dia_chi: raw._names_as_catalogued reads it by the catalogue's name). The reader's marks
named the header's column, which raw.py looked for under the catalogue's name: no flag, and the reason said
'address: missing', as for a cell empty in the source."""

from __future__ import annotations

from pipelines.ingest.stage import account, stage
from tests.test_cli_xlsx_error_cells import ADDRESS, with_error_cells
from tests.test_row_contracts import _load


def test_an_error_cell_under_a_header_named_in_other_case_says_so(tmp_path):
    rows = [["MA", "Ho_Ten", "NGAY_SINH", "DIA_CHI"]]
    rows += [[str(i), "Nguyễn Văn An", "01/02/1980", ADDRESS] for i in range(1, 5)]
    rows.append(["5", "Trần Thị Bình", "01/02/1980", None])  # empty in the source: 'missing'
    with_error_cells(tmp_path / "p.xlsx", rows, {"D3": "#REF!"})
    columns = {"ma": None, "ho_ten": "full_name", "ngay_sinh": "date_of_birth", "dia_chi": "address"}
    loaded = _load(tmp_path, "population", "xlsx", "p.xlsx", columns, key_column="ma")
    flags = dict(zip(loaded.frame["source_key"], loaded.frame["row_flags"], strict=True))
    assert flags["2"] == "excel_error:address", flags
    result = stage(loaded.frame, "population")
    assert account(loaded.frame, result)["balanced"]
    reasons = dict(zip(result.quarantine["source_key"], result.quarantine["reason"], strict=True))
    assert reasons == {
        "2": "address: an Excel error in the workbook (a formula that failed: #REF!, #N/A...), read as empty",
        "5": "address: missing",
    }, reasons

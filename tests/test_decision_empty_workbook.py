"""A decisions workbook of no byte (an official's save that never finished, a synced placeholder) was listed as 'not a
readable workbook (CalamineError)', a library's name, while an empty CSV beside it was 'the file is empty' and the
README says an empty file is said so. Now both say the file is empty; both are still a file not read as a decisions
table, never a row."""

from __future__ import annotations

from pipelines.review.decisions import not_table_files, read_decision_rows, rejected_rows


def test_an_empty_workbook_is_said_empty_as_an_empty_csv_is(tmp_path):
    for name in ("quyet_dinh.xlsx", "quyet_dinh.csv", "cu.xls", "ban.ods"):
        (tmp_path / name).write_bytes(b"")
    rows, errors, files = read_decision_rows(tmp_path)
    assert rows.height == 0 and files == 0  # none read as a decisions table
    causes = dict(zip(errors["source_file"], errors["cause"], strict=True))
    assert set(causes) == {"quyet_dinh.xlsx", "quyet_dinh.csv", "cu.xls", "ban.ods"}
    assert all(c.startswith("the file is empty") for c in causes.values()), causes
    assert not_table_files(errors) == ["ban.ods", "cu.xls", "quyet_dinh.csv", "quyet_dinh.xlsx"]
    assert rejected_rows(errors) == 0

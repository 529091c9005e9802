"""`wardbridge resolve` refuses a gazetteer whose entries the reference check `gazetteer_consistency` rejects.

Before (HV18's walk through the README), `resolve --gazetteer` read any entry: one naming a new unit that is not a
part of its old unit placed that unit's records there, `split_resolved` with confidence 0.95 — a Bình Dương
address ("Đường Số 9, P. Hiệp Thành, TP Thủ Dầu Một") put in Phường Sài Gòn, a ward outside its candidates —
while `wardbridge reference` and the pipeline's blocking check fail on the same file. The README says the check
rejects such entries; now `resolve` does too, for `--gazetteer` files and mappings/gazetteer.csv alike.
"""

from __future__ import annotations

import csv

from click.testing import CliRunner

import pipelines.reference
from pipelines.cli import main

HEADER = "old_uid,kind,name,name_key,new_uid,source\n"
# pre2025:25741 (Phường Hiệp Thành, Thủ Dầu Một) was split into 2025:25747 and 2025:25750;
# pre2025:26740 (Phường Bến Nghé) was not split; 2025:26740 is Phường Sài Gòn
ADDRESS = 'id,address\n1,"12 Đường Số 9, P. Hiệp Thành, TP Thủ Dầu Một, Bình Dương"\n'


def _resolve(tmp_path, gazetteer_rows: str | None):
    source = tmp_path / "in.csv"
    source.write_text(ADDRESS, encoding="utf-8")
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(tmp_path / "out.csv")]
    if gazetteer_rows is not None:
        gazetteer = tmp_path / "extra_gazetteer.csv"
        gazetteer.write_text(HEADER + gazetteer_rows, encoding="utf-8")
        args += ["--gazetteer", str(gazetteer)]
    return CliRunner().invoke(main, args)


def test_an_entry_naming_a_ward_that_is_not_a_part_of_its_old_unit_is_refused(tmp_path):
    result = _resolve(tmp_path, "pre2025:25741,street,Đường Số 9,,2025:26740,someone\n")
    assert result.exit_code == 1, result.output
    said = result.output
    assert "extra_gazetteer.csv" in said and "Traceback" not in said, said
    assert "not a part of their old unit" in said and "2025:26740" in said, said
    assert not (tmp_path / "out.csv").exists()  # nothing placed in a ward outside the unit's parts


def test_an_entry_for_an_old_unit_that_was_not_split_is_refused(tmp_path):
    result = _resolve(tmp_path, "pre2025:26740,street,Hàm Nghi,,2025:26740,someone\n")
    assert result.exit_code == 1, result.output
    assert "extra_gazetteer.csv" in result.output and "not split" in result.output, result.output
    assert not (tmp_path / "out.csv").exists()


def test_a_consistent_entry_places_the_record(tmp_path):
    result = _resolve(tmp_path, "pre2025:25741,street,Đường Số 9,,2025:25747,someone\n")
    assert result.exit_code == 0, result.output
    with open(tmp_path / "out.csv", encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    assert (row["status"], row["new_uid"]) == ("split_resolved", "2025:25747"), row


def test_the_repository_gazetteer_is_checked_too(tmp_path, monkeypatch):
    """mappings/gazetteer.csv, read by every resolve, with or without --gazetteer."""
    bad = tmp_path / "gazetteer.csv"
    bad.write_text(HEADER + "pre2025:25741,street,Đường Số 9,,2025:26740,someone\n", encoding="utf-8")
    monkeypatch.setattr(pipelines.reference, "USER_GAZETTEER", bad)
    for extra in (None, "pre2025:25741,street,Đường Số 8,,2025:25747,someone\n"):
        result = _resolve(tmp_path, extra)
        assert result.exit_code == 1, result.output
        assert str(bad) in result.output and "not a part of their old unit" in result.output, result.output
        assert "extra_gazetteer.csv" not in result.output  # the good file is not blamed
        assert not (tmp_path / "out.csv").exists()

"""The Python API refuses a gazetteer the reference check `gazetteer_consistency` rejects, as `wardbridge resolve`
does (7e92f7c).

Before, only the CLI checked: `load_reference(gazetteers=(USER_GAZETTEER, extra))` with an entry pre2025:25741
(Phường Hiệp Thành, Thủ Dầu Một: split into 2025:25747 / 2025:25750) -> 2025:26740 (Phường Sài Gòn), then
`resolve_table(..., reference=...)`, placed '12 Đường Số 9, P. Hiệp Thành, TP Thủ Dầu Một, Bình Dương' in Phường
Sài Gòn, split_resolved, confidence 0.95, without a word. Now load_reference checks each gazetteer file once, where
it is read (the CLI uses the same check), naming the file; the resolver's per-address path is untouched. The
reference reporters (`wardbridge reference`, the reference asset) load with ``checked=False`` and report the
check instead.
"""

from __future__ import annotations

import polars as pl
import pytest
from click.testing import CliRunner

import pipelines.reference
from pipelines.reference import USER_GAZETTEER, load_reference

HEADER = "old_uid,kind,name,name_key,new_uid,source\n"
OUTSIDE = "pre2025:25741,street,Đường Số 9,,2025:26740,someone\n"  # 2025:26740 is not a part of pre2025:25741
NOT_SPLIT = "pre2025:26740,street,Hàm Nghi,,2025:26740,someone\n"  # pre2025:26740 (Bến Nghé) was not split
GOOD = "pre2025:25741,street,Đường Số 9,,2025:25747,someone\n"
ADDRESS = "12 Đường Số 9, P. Hiệp Thành, TP Thủ Dầu Một, Bình Dương"


def _gazetteer(tmp_path, rows: str):
    path = tmp_path / "extra_gazetteer.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def _resolve_with(path):
    from pipelines.resolve import resolve_table

    reference = load_reference(gazetteers=(USER_GAZETTEER, path))
    return resolve_table(pl.DataFrame({"address": [ADDRESS]}), address_column="address", reference=reference)


def test_an_entry_naming_a_ward_outside_its_old_unit_is_refused_by_the_python_api(tmp_path):
    path = _gazetteer(tmp_path, OUTSIDE)
    with pytest.raises(ValueError) as refused:
        resolved = _resolve_with(path)
        pytest.fail(f"resolved without a word: {resolved.select('status', 'new_uid', 'confidence').row(0)}")
    said = str(refused.value)
    assert said.startswith(str(path)), said  # the file to mend is named first
    assert "not a part of their old unit" in said and "2025:26740" in said, said


def test_an_entry_of_an_old_unit_that_was_not_split_is_refused_by_the_python_api(tmp_path):
    path = _gazetteer(tmp_path, NOT_SPLIT)
    with pytest.raises(ValueError, match="not split"):
        load_reference(gazetteers=(USER_GAZETTEER, path))


def test_a_consistent_entry_places_the_record(tmp_path):
    resolved = _resolve_with(_gazetteer(tmp_path, GOOD))
    assert resolved.select("status", "new_uid").row(0) == ("split_resolved", "2025:25747")


def test_only_the_bad_file_is_named(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(HEADER + GOOD, encoding="utf-8")
    bad = _gazetteer(tmp_path, OUTSIDE)
    with pytest.raises(ValueError) as refused:
        load_reference(gazetteers=(good, bad))
    assert str(bad) in str(refused.value) and str(good) not in str(refused.value)


def test_the_reporters_load_it_unchecked_and_report_the_check(tmp_path, monkeypatch):
    """`wardbridge reference` prints the failed check (exit 1), as before, not a refusal at load."""
    from pipelines.cli import main

    path = _gazetteer(tmp_path, OUTSIDE)
    reference = load_reference(gazetteers=(path,), checked=False)
    assert reference.gazetteer.height == 1
    monkeypatch.setattr(pipelines.reference, "USER_GAZETTEER", path)
    result = CliRunner().invoke(main, ["reference"])
    assert result.exit_code == 1, result.output
    assert "[FAIL] gazetteer:" in result.output and "not a part of their old unit" in result.output, result.output
    assert "Traceback" not in result.output


def test_readers_of_the_units_only_do_not_refuse_for_the_gazetteer(tmp_path, monkeypatch):
    """The CCCD province prefixes (standardise.province_codes) and a match spec's old_district read the reference's
    units only: a bad mappings/gazetteer.csv does not stop them (`wardbridge match` uses no gazetteer)."""
    import pipelines.standardise
    from pipelines.match.prepare import _transform

    bad = _gazetteer(tmp_path, OUTSIDE)
    monkeypatch.setattr(pipelines.reference, "USER_GAZETTEER", bad)
    pipelines.reference.default_reference.cache_clear()
    pipelines.standardise.province_codes.cache_clear()
    try:
        with pytest.raises(ValueError, match="not a part of their old unit"):
            pipelines.reference.default_reference()  # the resolver's default: refused
        assert "079" in pipelines.standardise.province_codes()
        frame = pl.DataFrame({"old_uid": ["pre2025:26740"]})
        assert frame.select(_transform(pl.col("old_uid"), "old_district"))["old_uid"].to_list() == ["760"]
    finally:
        pipelines.reference.default_reference.cache_clear()
        pipelines.standardise.province_codes.cache_clear()

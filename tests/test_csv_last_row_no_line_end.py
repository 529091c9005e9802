"""A CSV whose last row is whole but has no line end after it (hand-edited files, DB tools, scripts that write no
final newline) is read: its last row is a record, and the run says so once (a warning and the partition's note
naming the file and the line, never a value), since a file cut off in transfer inside its last value looks the same.

Before (HV14's review, fixed by HV16), every CSV with no final line end had its last line quarantined as 'file ends
mid-row on line N (truncated)' (reason_kind cut_off, not queued) and the run warned that rows after it never arrived:
a whole, valid record lost to the quarantine. A last line with fewer fields than the header, an open quote, bytes not
valid in the encoding (a letter cut in two), NUL bytes, or a last value shorter than every other value of its column
(the sample's households_767_truncated.csv: a date cut to '202') is still cut off.
"""

from __future__ import annotations

import logging
import shutil
from datetime import date
from pathlib import Path

import pytest

from pipelines.encodings import LEGACY_CODECS, encode_cp1258
from tests.ingesthelpers import ingest_note
from tests.test_bad_inputs import HEADER, PERSONAL, ROWS, _csv, _ingest

SAMPLE = Path(__file__).resolve().parents[1] / "data/sample/registries"
UNENDED = "no line end after its last row"


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and r.name == "test"]


def _said(caplog) -> list[str]:
    return [w for w in _warnings(caplog) if UNENDED in w or "ends mid-row" in w]


def test_a_whole_last_row_without_a_line_end_is_a_record_and_said_once(tmp_path, caplog):
    text = _csv(ROWS).removesuffix("\n")
    with caplog.at_level(logging.WARNING, logger="test"):
        got = _ingest(tmp_path, "csv", "noeol.csv", text.encode("utf-8"))
    assert got.state == "ok" and got.cause is None
    assert sorted(got.staged["source_key"]) == ["1", "2", "3"] and got.quarantine.height == 0
    (warning,) = _said(caplog)
    assert "noeol.csv" in warning and "line 4" in warning and "read as complete (7 fields)" in warning
    assert "its last value may be incomplete" in warning
    assert not [v for v in PERSONAL if v in warning]


@pytest.mark.parametrize("codec", ["cp1258", "vni", "tcvn3"])
def test_a_legacy_file_without_a_final_line_end_keeps_its_last_row(tmp_path, codec, caplog):
    text = _csv(ROWS).removesuffix("\n")
    data = encode_cp1258(text) if codec == "cp1258" else LEGACY_CODECS[codec].encode(text)
    with caplog.at_level(logging.WARNING, logger="test"):
        got = _ingest(tmp_path, "csv", f"{codec}.csv", data, f'encoding = "{codec}"')
    assert got.state == "ok", got.cause
    assert sorted(got.staged["source_key"]) == ["1", "2", "3"] and got.quarantine.height == 0
    staged = dict(zip(got.staged["source_key"], got.staged["head_name"], strict=True))
    assert staged["3"] == "Lê Văn Cường"
    assert len(_said(caplog)) == 1


def test_a_crlf_file_without_a_final_line_end_keeps_its_last_row(tmp_path):
    text = _csv(ROWS).removesuffix("\n").replace("\n", "\r\n")
    got = _ingest(tmp_path, "csv", "crlf.csv", text.encode("utf-8"))
    assert got.state == "ok" and sorted(got.staged["source_key"]) == ["1", "2", "3"]
    assert got.quarantine.height == 0
    last = got.staged.filter(got.staged["source_key"] == "3")
    assert last["registered_on"].to_list() == [date(2021, 3, 3)] and last["issues"].to_list() == [None]


def test_the_line_by_line_path_keeps_the_last_row_too(tmp_path):
    """An unbalanced quote on line 3 sends the file to Python's csv module; its whole last row is still read."""
    text = _csv(ROWS).replace("Trần Thị", '"Trần Thị', 1).removesuffix("\n")
    got = _ingest(tmp_path, "csv", "tolerant.csv", text.encode("utf-8"))
    assert got.state == "ok" and sorted(got.staged["source_key"]) == ["1", "3"]
    reasons = dict(zip(got.quarantine["source_key"], got.quarantine["reason"], strict=True))
    assert list(reasons) == ["line:3"] and "unbalanced quote" in reasons["line:3"]


@pytest.mark.parametrize(
    ("name", "cut"),
    [
        ("fewer_fields", lambda t: t[: t.rindex(",03/03/2021")]),  # the last field never came
        ("open_quote", lambda t: t[: t.rindex("Phường Bến Thành")]),  # inside a quoted address
        ("short_value", lambda t: t[: t.rindex("03/2021")]),  # 7 fields, the date cut to '03/'
        ("nul_bytes", lambda t: t + "\x00\x00"),  # NULs after the last row without a line end
    ],
)
def test_a_last_row_cut_off_stays_cut_off(tmp_path, caplog, name, cut):
    text = cut(_csv(ROWS).removesuffix("\n"))
    with caplog.at_level(logging.WARNING, logger="test"):
        got = _ingest(tmp_path, "csv", f"{name}.csv", text.encode("utf-8"))
    assert got.state == "ok" and sorted(got.staged["source_key"]) == ["1", "2"]
    assert got.quarantine["reason"].to_list() == ["file ends mid-row on line 4 (truncated)"]
    assert got.quarantine["reason_kind"].to_list() == ["cut_off"]
    (warning,) = _said(caplog)
    assert "ends mid-row" in warning and UNENDED not in warning


def test_a_utf8_file_cut_inside_a_letter_of_its_last_value_stays_cut_off(tmp_path):
    """The head's name last: the file ends inside its 'ờ' (bytes not valid UTF-8), 7 fields all the same."""
    order = [0, 1, 3, 4, 5, 6, 2]
    text = _csv([[r[i] for i in order] for r in ROWS], [HEADER[i] for i in order]).removesuffix("\n")
    data = text[: text.rindex("ng")].encode("utf-8")[:-1]  # 'Lê Văn Cườ' less the last byte of its 'ờ'
    got = _ingest(tmp_path, "csv", "letter.csv", data)
    assert got.state == "ok" and sorted(got.staged["source_key"]) == ["1", "2"]
    assert got.quarantine["reason_kind"].to_list() == ["cut_off"]


def test_the_samples_cut_file_is_still_cut_and_the_whole_file_without_its_last_line_end_is_whole(tmp_path, caplog):
    """households_767_truncated.csv ends inside its last row's date ('202', 7 fields as the header): still cut off.
    households_767.csv with its final line end taken off: every row read, as with it, and said once."""
    toml = (SAMPLE.parents[2] / "mappings/sources/sample.toml").read_text("utf-8")
    entry = toml[toml.index('id = "households_767_truncated"') :]
    entry = entry[: entry.index("[[source]]")]
    results = {}
    for name, data in (
        ("cut", (SAMPLE / "bad/households_767_truncated.csv").read_bytes()),
        ("whole", (SAMPLE / "households/households_767.csv").read_bytes()),
        ("unended", (SAMPLE / "households/households_767.csv").read_bytes().removesuffix(b"\n")),
    ):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "bad").mkdir()
        (folder / "bad/households_767_truncated.csv").write_bytes(data)
        catalogue = folder / "c.toml"
        catalogue.write_text(f'base_dir = "{folder.as_posix()}"\n[[source]]\n{entry}', encoding="utf-8")
        caplog.clear()
        note, warnings = ingest_note(folder / "wh", "households", catalogue, caplog)
        results[name] = (note, [w for w in warnings if UNENDED in w or "ends mid-row" in w])
    shutil.rmtree(tmp_path / "whole" / "wh", ignore_errors=True)
    cut_note, cut_said = results["cut"]
    assert "+ 1 quarantined" in cut_note and [w for w in cut_said if "ends mid-row" in w]
    whole_note, whole_said = results["whole"]
    unended_note, unended_said = results["unended"]
    assert whole_said == [] and "+ 0 quarantined" in whole_note
    assert unended_note.split(", encoding")[0] == whole_note.split(", encoding")[0]  # the same rows, all read
    assert UNENDED in unended_note and "line 658" in unended_note
    (warning,) = unended_said
    assert "households_767_truncated.csv" in warning and "line 658" in warning

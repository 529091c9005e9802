"""A JSON lines file cut off mid-line is a transfer problem, said as a CSV file cut off mid-row is.

Before, the sample's population_748.jsonl cut at half its bytes loaded with no warning: its last line was
quarantined "line N is not a JSON object: Unterminated string ..." (a row-level content problem). Now its reason is
CSV's "file ends mid-row on line N (truncated)" and the run warns that rows after it never arrived. A bad line
that is not the last of a file without a final line end stays a content problem.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from tests.ingesthelpers import Ingested, ingest_extract

SAMPLE = Path(__file__).resolve().parents[1] / "data/sample/registries/population/population_748.jsonl"
CATALOGUE = Path(__file__).resolve().parents[1] / "mappings/sources/sample.toml"


def _entry() -> str:
    """The population_748 [[source]] entry of the sample catalogue, as written there."""
    text = CATALOGUE.read_text(encoding="utf-8")
    (entry,) = [e for e in text.split("[[source]]") if 'id = "population_748"' in e]
    return entry


def _ingest(tmp: Path, data: bytes, caplog) -> tuple[Ingested, list[str]]:
    name = "population_902_truncated"
    (tmp / f"{name}.jsonl").write_bytes(data)
    entry = _entry().replace('id = "population_748"', f'id = "{name}"')
    entry = entry.replace('path = "population/population_748.jsonl"', f'path = "{name}.jsonl"')
    catalogue = tmp / "bad.toml"
    catalogue.write_text(f'base_dir = "{tmp.as_posix()}"\n[[source]]{entry}', encoding="utf-8")
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    with caplog.at_level(logging.WARNING, logger="test"):
        got = ingest_extract(tmp / "wh", "population", extract, [])
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and r.name == "test"]
    return got, warnings


def test_a_jsonl_file_cut_off_mid_line_is_truncated_and_warned(tmp_path, caplog):
    data = SAMPLE.read_bytes()
    cut = data[: len(data) // 2]
    whole_lines = cut.count(b"\n")
    assert not cut.endswith(b"\n")
    got, warnings = _ingest(tmp_path, cut, caplog)
    assert got.state == "ok", got.cause
    assert got.staged.height + got.quarantine.height == whole_lines + 1
    cut_reasons = [r for r in got.quarantine["reason"] if "(truncated)" in r]
    assert cut_reasons == [f"file ends mid-row on line {whole_lines + 1} (truncated)"]
    assert not [r for r in got.quarantine["reason"] if "not a JSON object" in r]
    (warning,) = [w for w in warnings if "ends mid-row" in w]
    assert "population_902_truncated.jsonl" in warning


def test_a_cut_inside_a_character_is_truncated_too(tmp_path, caplog):
    data = SAMPLE.read_bytes()
    at = re.search(rb"[\xc3-\xef][\x80-\xbf]", data[len(data) // 2 :]).start() + len(data) // 2 + 1
    cut = data[:at]  # the first byte of a two-or-more-byte UTF-8 letter kept, the rest lost
    last = cut.count(b"\n") + 1
    got, warnings = _ingest(tmp_path, cut, caplog)
    assert got.state == "ok", got.cause
    assert [r for r in got.quarantine["reason"] if "(truncated)" in r] == [
        f"file ends mid-row on line {last} (truncated)"
    ]
    assert [w for w in warnings if "ends mid-row" in w]


def test_a_whole_last_line_without_a_line_end_is_a_row(tmp_path, caplog):
    data = SAMPLE.read_bytes().rstrip(b"\n")
    got, warnings = _ingest(tmp_path, data, caplog)
    assert got.state == "ok" and got.quarantine.height == 0
    assert got.staged.height == data.count(b"\n") + 1
    assert not [w for w in warnings if "ends mid-row" in w]


def test_a_bad_line_in_the_middle_stays_a_content_problem(tmp_path, caplog):
    lines = SAMPLE.read_bytes().split(b"\n")
    lines[3] = lines[3][: len(lines[3]) // 2]  # line 4 cut, the file whole
    got, warnings = _ingest(tmp_path, b"\n".join(lines), caplog)
    (reason,) = got.quarantine["reason"].to_list()
    assert reason.startswith("line 4 is not a JSON object: ")
    assert not [w for w in warnings if "ends mid-row" in w]

"""A quote in a CSV header (H5): a quote inside a name is a character of it, as a tolerant reader (Python's csv,
Excel) reads it; a name that opens a quote nothing closes leaves the names unknown: every row is quarantined with a
reason naming the file, the line and the header field, and the extract is rejected (none lost, the run says so)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import polars as pl

from assets.ingest import IngestOutcome, ingest_partition
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.status import read_status
from pipelines.warehouse import PartitionedLayer, Warehouse
from tests.test_bad_inputs import COLUMNS, HEADER, PERSONAL, REGISTRY, ROWS, _csv, _ingest, _quarantined

BODY = _csv(ROWS).split("\n", 1)[1]


def _layers(tmp: Path, name: str, text: str, columns: dict[str, str] = COLUMNS):
    """Ingest ``text`` as ``name`` (catalogue keys quoted: a name may hold a quote); (status, raw, quarantine)."""
    (tmp / name).write_bytes(text.encode())
    mapped = "".join(f"{json.dumps(src)} = {json.dumps(canon)}\n" for src, canon in columns.items())
    catalogue = tmp / f"{name}.toml"
    catalogue.write_text(
        f'base_dir = "{tmp.as_posix()}"\n[[source]]\nid = "q"\nregistry = "{REGISTRY}"\nformat = "csv"\n'
        f'path = "{name}"\nkey_column = "stt"\nextract_date = "2025-08-31"\n[source.columns]\n{mapped}',
        encoding="utf-8",
    )
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    wh = Warehouse(tmp / f"wh_{name}")
    outcome = IngestOutcome()
    ingest_partition(wh, REGISTRY, extract.partition_key, extract, "r", outcome, logging.getLogger("t"))
    status = read_status(wh, REGISTRY)[extract.partition_key]
    layer = {n: PartitionedLayer(wh, n).path(f"{n}_{REGISTRY}", extract.partition_key) for n in ("raw", "quarantine")}
    frames = {n: pl.read_parquet(p) if p.is_file() else None for n, p in layer.items()}
    return status, frames["raw"], frames["quarantine"], outcome


def test_a_quote_inside_a_header_name_is_a_character_of_the_name(tmp_path):
    """'ghi"chu' (an unmapped column): the whole file failed ('the header opens a quote that is never closed');
    now every row is staged and the column is kept under its name, quote included."""
    header = ",".join(HEADER) + ',ghi"chu'
    rows = "".join(line + ",x\n" for line in BODY.splitlines())
    result = _ingest(tmp_path, "csv", "note.csv", (header + "\n" + rows).encode())
    assert result.state == "ok", result.cause
    assert sorted(result.staged["source_key"]) == ["1", "2", "3"] and result.quarantine.height == 0
    assert {json.loads(e)['ghi"chu'] for e in result.raw["extra_columns"]} == {"x"}


def test_a_mapped_header_name_holding_a_quote_is_mapped_by_that_name(tmp_path):
    """A catalogue naming the column as the old system wrote it, quote included, reads it."""
    columns = {('ten"chu_ho' if k == "ten_chu_ho" else k): v for k, v in COLUMNS.items()}
    text = ",".join(HEADER).replace("ten_chu_ho", 'ten"chu_ho') + "\n" + BODY
    status, raw, quarantine, _ = _layers(tmp_path, "mapped.csv", text, columns)
    assert status.state == "ok", status.cause
    assert sorted(raw["head_name"]) == sorted(r[2] for r in ROWS) and quarantine.height == 0


def test_a_header_quote_and_a_later_stray_quote_do_not_swallow_the_rows_between(tmp_path):
    """Quote parity grouped the header with every line up to the next stray quote (line 3 here): the header's
    names were read across those lines. Now the header is its own line and each row is a row."""
    header = ",".join(HEADER).replace("so_nhan_khau", 'so"nhan_khau')
    text = header + "\n" + BODY.replace("Trần Thị", 'Trần "Thị')
    result = _ingest(tmp_path, "csv", "two.csv", text.encode())
    assert result.state == "ok", result.cause
    assert sorted(result.staged["source_key"]) == ["1", "2", "3"] and result.quarantine.height == 0
    names = dict(zip(result.raw["source_key"], result.raw["head_name"], strict=True))
    assert names["2"] == 'Trần "Thị Bình'  # the quote is a character of the cell, as in the header


def test_a_data_row_with_a_quote_inside_a_cell_beside_a_quoted_cell_is_read(tmp_path):
    """'Lê "Văn Cường,...,"7 Pasteur, Phường..."': the row has an odd number of quotes and a quoted cell, and was
    quarantined as 'unbalanced quote' though every quoted cell closes; it is read as Python's csv reads it."""
    text = _csv(ROWS).replace("Lê Văn", 'Lê "Văn')
    result = _ingest(tmp_path, "csv", "cell.csv", text.encode())
    assert result.state == "ok" and result.quarantine.height == 0, _quarantined(result)
    assert 'Lê "Văn Cường' in result.raw["head_name"].to_list()
    still = _ingest(tmp_path, "csv", "open.csv", _csv(ROWS).replace("Lê Văn", '"Lê Văn').encode())
    assert _quarantined(still) == {"line:4": "line 4 has an unbalanced quote"}  # a quote that opens a cell


def test_a_header_name_opening_a_quote_never_closed_quarantines_every_row_naming_file_line_and_field(tmp_path):
    """'stt,"so_ho_khau,...': where the second name ends is unknown. The file failed with nothing written; now its
    rows are all in raw and quarantined (field '*') with a reason naming the file, the line and the header field,
    and the partition is rejected (the run fails naming it)."""
    text = 'stt,"' + ",".join(HEADER[1:]) + "\n\n" + BODY
    status, raw, quarantine, outcome = _layers(tmp_path, "open.csv", text)
    assert status.state == "rejected" and list(outcome.failed) == [status.partition]
    why = "open.csv: header line 1, field 2 opens a quote that is never closed: the column names cannot be told apart"
    assert why in status.cause and "its 3 rows are quarantined" in status.cause
    assert sorted(raw["source_key"]) == ["line:3", "line:4", "line:5"]  # the blank line 2 is not a row
    assert raw.height == quarantine.height and set(quarantine["field"]) == {"*"}
    for key, reason in zip(quarantine["source_key"], quarantine["reason"], strict=True):
        assert reason.startswith(f"{key}: not read: {why}")
        assert not [v for v in PERSONAL if v in reason]
    kept = sorted(json.loads(e)["_unparsed"] for e in raw["extra_columns"])
    assert kept == sorted(BODY.splitlines())  # each row kept whole, to be read again once the header is mended


def test_a_quoted_header_name_holding_a_line_break_is_still_one_name(tmp_path):
    quoted = ",".join(HEADER[:-1]) + ',"ngay_dang_ky\nghi chú"\n'
    result = _ingest(tmp_path, "csv", "break.csv", (quoted + BODY).encode())
    assert result.state == "ok" and result.raw.height == 3
    assert sorted(result.raw["source_key"]) == ["1", "2", "3"]


def test_a_header_name_with_a_closed_quoted_part_followed_by_text_is_read_as_csv_reads_it(tmp_path):
    """'"ghi chú"(cũ)' and '"ten"_chu_ho': the quoted part closes, the text after it joins the name (Python's csv,
    Excel). Taken for a quote never closed, the whole extract was rejected; the names are 'ghi chú(cũ)' (kept as
    an extra column) and 'ten_chu_ho' (mapped)."""
    header = 'stt,"ghi chú"(cũ),' + ",".join(HEADER[1:]).replace("ten_chu_ho", '"ten"_chu_ho')
    rows = "".join(line.replace(",", ",x,", 1) + "\n" for line in BODY.splitlines())
    result = _ingest(tmp_path, "csv", "mid.csv", (header + "\n" + rows).encode())
    assert result.state == "ok", result.cause
    assert sorted(result.staged["source_key"]) == ["1", "2", "3"] and result.quarantine.height == 0
    assert sorted(result.raw["head_name"]) == sorted(r[2] for r in ROWS)
    assert {json.loads(e)["ghi chú(cũ)"] for e in result.raw["extra_columns"]} == {"x"}
    still = 'stt,"ghi chú"(cũ),"' + ",".join(HEADER[1:]) + "\n" + rows  # a later name opening a quote never closed
    status, _, quarantine, _ = _layers(tmp_path, "open.csv", still)
    assert status.state == "rejected" and "header line 1, field 3 opens a quote that is never closed" in status.cause
    assert quarantine.height == 3


def test_a_line_break_in_an_early_quoted_header_name_is_still_one_name(tmp_path):
    """Excel's wrapped header cell (Alt+Enter) in the first or second column: the header's first line then holds one
    or two names, its second line the rest, which looked like a row: the whole extract was rejected ('opens a quote
    that is never closed') and the header's second line quarantined as a row. The record is one header when it has
    as many names as the rows have fields and no part of a name on its second line looks like a row."""
    body = "".join("x," + line + "\n" for line in BODY.splitlines())
    for name, header in (
        ("first.csv", '"ghi\nchú",' + ",".join(HEADER)),
        ("second.csv", 'stt,"ghi\nchú",' + ",".join(HEADER[1:])),
    ):
        if name == "second.csv":
            body = "".join(line.replace(",", ",x,", 1) + "\n" for line in BODY.splitlines())
        result = _ingest(tmp_path, "csv", name, (header + "\n" + body).encode())
        assert result.state == "ok", (name, result.cause)
        assert sorted(result.staged["source_key"]) == ["1", "2", "3"] and result.quarantine.height == 0, name
        assert sorted(result.raw["head_name"]) == sorted(r[2] for r in ROWS), name
        assert [list(json.loads(e).values()) for e in result.raw["extra_columns"]] == [["x"]] * 3, name  # one name
    last = ",".join(HEADER) + ',"ghi\nchú"\n' + "".join(line + ",x\n" for line in BODY.splitlines())
    result = _ingest(tmp_path, "csv", "last.csv", last.encode())
    assert result.state == "ok" and sorted(result.staged["source_key"]) == ["1", "2", "3"], result.cause


def test_a_header_name_whose_quote_a_later_row_closes_is_still_refused(tmp_path):
    """'stt,"so_ho_khau,...' closed by a stray quote in row 2 ('2,HK002",...'): the record from the header to row 2
    has as many fields as a row, but row 1 inside a name looks like a row: the header is not read across the rows,
    the extract is rejected naming the field, every row quarantined."""
    plain = [[*r[:4], r[4].replace(",", ""), *r[5:]] for r in ROWS]  # no quoted cell to close the header's quote
    body = _csv(plain).split("\n", 1)[1].replace("2,HK002,", '2,HK002",', 1)
    status, raw, quarantine, _ = _layers(tmp_path, "swallow.csv", 'stt,"' + ",".join(HEADER[1:]) + "\n" + body)
    assert status.state == "rejected" and "header line 1, field 2 opens a quote that is never closed" in status.cause
    assert sorted(raw["source_key"]) == ["line:2", "line:3", "line:4"] and quarantine.height == 3

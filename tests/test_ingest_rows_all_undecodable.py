"""A small extract none (or hardly any) of whose rows is valid in the declared encoding fails its partition, naming
the file, the encoding and the one its rows read in, instead of loading 'ok' with every row quarantined for the
ward officials (who cannot mend an encoding).

Before (HV14's review, fixed by HV16), a partition failed only when more than half of the file's lines, and more than
10, were not valid: a CSV of a few rows written in Windows-1258 under `encoding = "utf-8"` (its header ASCII), or a
plain dump saying `SET client_encoding = 'UTF8'` whose few COPY rows are WIN1258 among its SQL lines, ended ok,
every row `unread_row` ('line 2 is not valid utf-8') and queued. Now the partition fails when every data row, or
at least 90 % of them (the header and a dump's SQL lines aside), is not valid. A file with some such rows among
good ones still loads, those rows quarantined.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipelines import encodings
from pipelines.encodings import encode_cp1258
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from tests.ingesthelpers import ingest_extract
from tests.test_bad_inputs import HEADER, PERSONAL, ROWS, _csv, _ingest

SAMPLE = Path(__file__).resolve().parents[1] / "data/sample/registries"
UTF8 = 'encoding = "utf-8"'


def _rows(n: int) -> list[list[str]]:
    return [[str(i + 1), *ROWS[i % len(ROWS)][1:]] for i in range(n)]


def _legacy_csv(rows: list[list[str]], good: int = 0, codec: str = "cp1258") -> bytes:
    """The header and the first ``good`` rows in UTF-8, the others in ``codec``."""
    lines = _csv(rows).removesuffix("\n").split("\n")
    encode = encode_cp1258 if codec == "cp1258" else encodings.LEGACY_CODECS[codec].encode
    return b"".join(
        (line + "\n").encode("utf-8") if i <= good else encode(line) + b"\n" for i, line in enumerate(lines)
    )


def test_a_small_csv_all_of_whose_rows_are_another_encoding_fails_naming_it(tmp_path):
    got = _ingest(tmp_path, "csv", "hk.csv", _legacy_csv(ROWS), UTF8)
    assert got.state == "failed", (got.state, got.cause)  # was ok, 3 rows unread_row, queued to the officials
    assert "hk.csv" in got.cause and "3 of its 3 rows" in got.cause and "not valid utf-8" in got.cause
    assert 'encoding = "cp1258"' in got.cause
    assert not [v for v in PERSONAL if v in got.cause]


def test_vni_and_tcvn3_rows_are_named_too(tmp_path):
    for codec in ("vni", "tcvn3"):
        got = _ingest(tmp_path, "csv", f"{codec}.csv", _legacy_csv(ROWS, codec=codec), UTF8)
        assert got.state == "failed" and f'encoding = "{codec}"' in got.cause, (codec, got.cause)


def test_nine_of_ten_rows_fail_the_partition_eight_do_not(tmp_path):
    got = _ingest(tmp_path, "csv", "nine.csv", _legacy_csv(_rows(10), good=1), UTF8)
    assert got.state == "failed" and "9 of its 10 rows" in got.cause, got.cause
    kept = _ingest(tmp_path, "csv", "eight.csv", _legacy_csv(_rows(10), good=2), UTF8)
    assert kept.state == "ok" and kept.staged.height == 2 and kept.quarantine.height == 8
    assert set(kept.quarantine["reason_kind"]) == {"unread_row"}


def test_json_lines_all_in_another_encoding_fail(tmp_path):
    lines = [json.dumps(dict(zip(HEADER, r, strict=True)), ensure_ascii=False) for r in ROWS]
    got = _ingest(tmp_path, "jsonl", "hk.jsonl", b"".join(encode_cp1258(line) + b"\n" for line in lines), UTF8)
    assert got.state == "failed" and "3 of its 3 rows" in got.cause and 'encoding = "cp1258"' in got.cause, got.cause


def test_a_dump_saying_utf8_whose_rows_are_win1258_fails(tmp_path):
    """HV14's case: a few COPY rows among the dump's SQL lines (fewer than half of its lines)."""
    head = "\n".join(
        [
            "--",
            "-- PostgreSQL database dump",
            "--",
            "SET statement_timeout = 0;",
            "SET client_encoding = 'UTF8';",
            "SET standard_conforming_strings = on;",
            "",
            "CREATE TABLE public.households (",
            *(f"    {c} text," for c in HEADER[:-1]),
            f"    {HEADER[-1]} text",
            ");",
            "",
            f"COPY public.households ({', '.join(HEADER)}) FROM stdin;",
            "",
        ]
    ).encode()
    body = b"".join(encode_cp1258("\t".join(r)) + b"\n" for r in ROWS)
    got = _ingest(tmp_path, "pg_dump", "hk.sql", head + body + b"\\.\n\n-- done\n")
    assert got.state == "failed", (got.state, got.cause)
    assert "hk.sql" in got.cause and "3 of its 3 rows" in got.cause and 'encoding = "cp1258"' in got.cause


def test_a_copy_of_a_sample_extract_written_in_windows_1258_under_utf8(tmp_path):
    """data/sample's businesses_ward_770.csv (8 rows, an ASCII header) with its rows in Windows-1258, declared
    utf-8: was ok, 8 raw -> 0 staged + 8 quarantined ('line 2 is not valid utf-8'), all queued."""
    text = encodings.repair_mojibake((SAMPLE / "businesses/businesses_ward_770.csv").read_text("utf-8"))
    header, *rows = text.removesuffix("\n").split("\n")
    (tmp_path / "b.csv").write_bytes((header + "\n").encode() + b"".join(encode_cp1258(r) + b"\n" for r in rows))
    toml = (SAMPLE.parents[2] / "mappings/sources/sample.toml").read_text("utf-8")
    entry = toml[toml.index('id = "businesses_ward_770"') :]
    entry = entry[: entry.index("[[source]]")].replace("businesses/businesses_ward_770.csv", "b.csv")
    catalogue = tmp_path / "c.toml"
    catalogue.write_text(
        f'base_dir = "{tmp_path.as_posix()}"\n[[source]]\n' + entry.replace('encoding = "detect"', UTF8), "utf-8"
    )
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    got = ingest_extract(tmp_path / "wh", "businesses", extract, [])
    assert got.state == "failed" and "8 of its 8 rows" in got.cause and 'encoding = "cp1258"' in got.cause, got.cause


def test_one_damaged_row_among_good_ones_is_still_only_that_row(tmp_path):
    data = _csv(ROWS).encode().replace("Trần".encode(), b"Tr\xff", 1)
    got = _ingest(tmp_path, "csv", "one.csv", data, UTF8)
    assert got.state == "ok" and got.staged.height == 2 and got.quarantine["reason_kind"].to_list() == ["unread_row"]


def test_a_one_row_file_cut_inside_a_letter_is_still_cut_off_not_a_wrong_encoding(tmp_path):
    """Its only row is not valid UTF-8 because the file ends inside a letter: a cut (cut_off), as before."""
    order = [0, 1, 3, 4, 5, 6, 2]  # the head's name last
    text = _csv([[ROWS[2][i] for i in order]], [HEADER[i] for i in order]).removesuffix("\n")
    got = _ingest(tmp_path, "csv", "cut.csv", text[: text.rindex("ng")].encode()[:-1], UTF8)
    assert got.state == "ok", got.cause
    assert got.quarantine["reason"].to_list() == ["file ends mid-row on line 2 (truncated)"]

"""`wardbridge resolve` / `wardbridge match` on a UTF-8 CSV with a few lines an old program appended in Windows-1258,
VNI or TCVN3. Ingestion reads such lines since 4f8e828 (readers._legacy_lines: the file's own non-ASCII UTF-8 lines
outnumber them, the encoding is the one they read best in together, and each is clean Vietnamese in that encoding and
no other: encodings.certain_legacy_reading); the CLI refused the whole file ('line 5 not valid UTF-8 (give
--encoding)', exit 1), and no --encoding helped: a legacy one garbles the UTF-8 lines. Now --encoding auto (the
default) reads them by the same rule, saying on stderr how many lines in which encoding and the first line numbers
(never a value). A line no encoding reads for certain (damaged bytes) is still refused naming it, and an explicit
--encoding utf-8 is strict: it refuses the file as before, and says auto-detection would read the line."""

from __future__ import annotations

import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.encodings import LEGACY, LEGACY_CODECS, detect_encoding
from tests.test_match_cli_encodings import HEADER, ROWS, SPEC

ADDRESSES = [
    ("1", "12 Lê Lợi, Phường Bến Nghé, Quận 1"),
    ("2", "5 Pasteur, Phường 6, Quận 3"),
    ("3", "7 Hai Bà Trưng, Phường Tân Định, Quận 1"),
    ("4", "45 Nguyễn Thị Minh Khai, Phường Bến Thành, Quận 1"),
    ("5", "9 Võ Văn Tần, Phường 6, Quận 3"),
    ("6", "20 Điện Biên Phủ, Phường Đa Kao, Quận 1"),
]


def _line(row: tuple[str, ...], encoding: str = "utf-8") -> bytes:
    text = ",".join(f'"{cell}"' if "," in cell else cell for cell in row) + "\r\n"
    return text.encode() if encoding == "utf-8" else LEGACY_CODECS[encoding].encode(text)


def _csv(header: tuple[str, ...], rows, legacy: dict[int, str]) -> bytes:
    """The rows as a UTF-8 CSV, the rows at positions ``legacy`` (0-based) in that legacy encoding."""
    return _line(header) + b"".join(_line(row, legacy.get(i, "utf-8")) for i, row in enumerate(rows))


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def _resolve(tmp_path, name: str, data: bytes, *options: str):
    source, out = tmp_path / f"{name}.csv", tmp_path / f"{name}.out.csv"
    source.write_bytes(data)
    result = _run("resolve", "--input", str(source), "--column", "address", "--output", str(out), *options)
    return result, out


@pytest.mark.parametrize("encoding", LEGACY)
def test_resolve_reads_the_legacy_lines_of_a_utf8_csv_and_says_which(tmp_path, encoding):
    plain, plain_out = _resolve(tmp_path, "plain", _csv(("id", "address"), ADDRESSES, {}))
    assert plain.exit_code == 0, plain.output
    assert "decoded" not in plain.output and "read as" not in plain.output  # a valid UTF-8 file: nothing said
    mixed, out = _resolve(tmp_path, "mixed", _csv(("id", "address"), ADDRESSES, {4: encoding, 5: encoding}))
    with pytest.raises(UnicodeDecodeError):
        (tmp_path / "mixed.csv").read_bytes().decode("utf-8")
    assert mixed.exit_code == 0, mixed.output
    assert f"mixed.csv: 2 lines not valid UTF-8 read as {encoding} (lines 6, 7)" in mixed.output, mixed.output
    assert "Võ Văn" not in mixed.output and "Điện Biên" not in mixed.output  # line numbers, never a value
    assert pl.read_csv(out, infer_schema=False).equals(pl.read_csv(plain_out, infer_schema=False))


def test_resolve_reads_legacy_lines_below_a_title_line_and_a_byte_order_mark(tmp_path):
    """--skip-rows and a UTF-8 byte order mark keep the file's line numbers."""
    plain, plain_out = _resolve(tmp_path, "plain", _csv(("id", "address"), ADDRESSES, {}))
    data = b"\xef\xbb\xbfDanh s\xc3\xa1ch\r\n" + _csv(("id", "address"), ADDRESSES, {1: "vni"})
    mixed, out = _resolve(tmp_path, "mixed", data, "--skip-rows", "1")
    assert mixed.exit_code == 0, mixed.output
    assert "mixed.csv: 1 line not valid UTF-8 read as vni (line 4)" in mixed.output, mixed.output
    assert mixed.output.count("skipped (--skip-rows 1)") == 1, mixed.output  # the mends are not done twice
    assert pl.read_csv(out, infer_schema=False).equals(pl.read_csv(plain_out, infer_schema=False))


def test_mends_are_said_once_and_a_skipped_title_line_is_not_judged(tmp_path):
    """Excel's 'sep=' line, a DOS end-of-file mark and a title line skipped in an encoding no rule can tell (cp1258 'Hoà'
    is VNI 'Hồ'): said once each, the title line not named, the legacy line read."""
    plain, plain_out = _resolve(tmp_path, "plain", _csv(("id", "address"), ADDRESSES, {}))
    data = b"sep=,\r\n" + _csv(("id", "address"), ADDRESSES, {2: "cp1258"}) + b"\x1a"
    mixed, out = _resolve(tmp_path, "mixed", data)
    assert mixed.exit_code == 0, mixed.output
    assert "mixed.csv: 1 line not valid UTF-8 read as cp1258 (line 5)" in mixed.output, mixed.output
    assert mixed.output.count("'sep=,'") == 1 and mixed.output.count("end-of-file mark") == 1, mixed.output
    assert pl.read_csv(out, infer_schema=False).equals(pl.read_csv(plain_out, infer_schema=False))
    titled, out = _resolve(tmp_path, "titled", _line(("Hoà",), "cp1258") + data[7:], "--skip-rows", "1")
    assert titled.exit_code == 0, titled.output
    assert "titled.csv: 1 line not valid UTF-8 read as cp1258 (line 5)" in titled.output, titled.output
    assert pl.read_csv(out, infer_schema=False).equals(pl.read_csv(plain_out, infer_schema=False))


def test_a_line_no_encoding_reads_for_certain_is_still_refused_naming_it(tmp_path):
    data = bytearray(_csv(("id", "address"), ADDRESSES, {4: "cp1258"}))
    damaged = "Điện".encode()
    data[data.index(damaged) + 1] = 0xFF  # a byte of a UTF-8 letter lost
    result, out = _resolve(tmp_path, "mixed", bytes(data))
    assert result.exit_code == 1 and not out.exists(), result.output
    assert "mixed.csv: line 7 not valid UTF-8" in result.output, result.output
    assert "line 6" not in result.output.split("not valid UTF-8")[0]  # the certain line is not the one named
    assert "Điện" not in result.output and "Võ Văn" not in result.output


def test_a_certain_line_beside_a_damaged_one_is_said_in_one_wording_with_either_encoding(tmp_path):
    """pipelines.reading.encoding.not_utf8 (cli._not_utf8) had four wordings for one refusal (HC1): now '<lines> not valid UTF-8 (<clauses>)'. Beside a
    certain cp1258 line (6) a damaged one (7): --encoding auto names line 7, says what auto reads and to mend line 7;
    an explicit utf-8 names both, and now also says to mend line 7 (it said only 'not line 7 (damaged bytes?)')."""
    data = bytearray(_csv(("id", "address"), ADDRESSES, {4: "cp1258"}))
    data[data.index("Điện".encode()) + 1] = 0xFF  # line 7: a byte of a UTF-8 letter lost
    auto, _ = _resolve(tmp_path, "auto", bytes(data))
    said = " ".join(auto.output.split())  # (the terminal's line breaks out)
    assert auto.exit_code == 1, auto.output
    assert "auto.csv: line 7 not valid UTF-8 (--encoding auto reads line 6 as cp1258; not certainly" in said, said
    assert "mend it at the source or remove it" in said, said
    strict, _ = _resolve(tmp_path, "strict", bytes(data), "--encoding", "utf-8")
    said = " ".join(strict.output.split())
    assert strict.exit_code == 1, strict.output
    assert "strict.csv: lines 6, 7 not valid UTF-8 (--encoding utf-8 reads UTF-8 only; --encoding auto" in said, said
    assert "line 7: not certainly a legacy encoding, damaged bytes? mend it" in said, said


def test_as_many_legacy_lines_as_utf8_ones_are_read_as_a_legacy_file_with_utf8_lines(tmp_path):
    """No more non-ASCII UTF-8 lines than legacy ones: not a UTF-8 file with a few appended lines (ingestion's rule);
    detected Windows-1258, and its UTF-8 lines read as UTF-8, as ingestion reads them (before: refused, 'lines 2, 3
    and 1 more not valid cp1258')."""
    plain, plain_out = _resolve(tmp_path, "plain", _csv(("id", "address"), ADDRESSES, {}))
    data = _csv(("id", "address"), ADDRESSES, {3: "cp1258", 4: "cp1258", 5: "cp1258"})
    result, out = _resolve(tmp_path, "mixed", data)
    assert result.exit_code == 0, result.output
    assert "mixed.csv read as cp1258 (detected)" in result.output, result.output
    assert "mixed.csv: 3 lines valid UTF-8 read as UTF-8 (lines 2, 3, 4)" in result.output, result.output
    assert pl.read_csv(out, infer_schema=False).equals(pl.read_csv(plain_out, infer_schema=False))


def test_an_explicit_utf8_encoding_refuses_and_says_auto_would_read_the_lines(tmp_path):
    data = _csv(("id", "address"), ADDRESSES, {5: "tcvn3"})
    for given in ("utf-8", "utf-8-sig", "UTF-8"):
        result, out = _resolve(tmp_path, "mixed", data, "--encoding", given)
        assert result.exit_code == 1 and not out.exists(), result.output
        assert "mixed.csv: line 7 not valid UTF-8" in result.output, result.output
        assert "--encoding auto reads line 7 as tcvn3" in result.output, result.output
        assert "Điện" not in result.output


def _match(tmp_path, *args: str):
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC, encoding="utf-8")
    return _run("match", "--spec", str(spec), *args)


@pytest.mark.parametrize("encoding", LEGACY)
def test_match_input_and_increment_read_legacy_lines_as_resolve_does(tmp_path, encoding):
    (tmp_path / "plain.csv").write_bytes(_csv(HEADER, ROWS, {}))
    (tmp_path / "mixed.csv").write_bytes(_csv(HEADER, ROWS, {5: encoding, 7: encoding}))
    for name in ("plain", "mixed"):
        result = _match(tmp_path, "--input", str(tmp_path / f"{name}.csv"), "--output", str(tmp_path / f"{name}.o.csv"))
        assert result.exit_code == 0, result.output
    assert f"mixed.csv: 2 lines not valid UTF-8 read as {encoding} (lines 7, 9)" in result.output, result.output
    for suffix in ("o.csv", "o.entities.csv"):
        plain, mixed = (pl.read_csv(tmp_path / f"{n}.{suffix}", infer_schema=False) for n in ("plain", "mixed"))
        assert mixed.sort(mixed.columns).equals(plain.sort(plain.columns)), suffix

    base, state = tmp_path / "base.csv", tmp_path / "state"
    base.write_bytes(_csv(HEADER, ROWS[:4], {}))
    result = _match(tmp_path, "--input", str(base), "--output", str(tmp_path / "b.csv"), "--save-state", str(state))
    assert result.exit_code == 0, result.output
    new = tmp_path / "new.csv"
    new.write_bytes(_csv(HEADER, ROWS[4:], {2: encoding}))  # Lê Văn Cường's row, file line 4
    result = _match(tmp_path, "--increment", str(new), "--state", str(state), "--output", str(tmp_path / "inc.csv"))
    assert result.exit_code == 0, result.output
    assert f"new.csv: 1 line not valid UTF-8 read as {encoding} (line 4)" in result.output, result.output
    entities = pl.read_csv(tmp_path / "inc.entities.csv", infer_schema=False)
    assert {"Lê Văn Cường", "Phạm Thị Thuỷ", "Đặng Quốc Bảo"} <= set(entities["name"])


def test_a_utf8_file_with_a_damaged_line_and_a_legacy_line_is_refused_not_read_as_vni(tmp_path):
    """Detection took a short UTF-8 file whose non-ASCII lines were half not valid (one damaged by a byte, one
    Windows-1258) for VNI: read whole so, exit 0, every UTF-8 letter garbled. A line with a byte wrong is still
    mostly UTF-8 letters: the file is UTF-8, and its two bad lines (as many as its good one) are refused."""
    data = bytearray(_csv(("id", "address"), ADDRESSES[:4], {3: "cp1258"}))
    data[data.index("Bến".encode()) + 2] = 0xFF
    assert detect_encoding(bytes(data)) == "utf-8"
    result, out = _resolve(tmp_path, "damaged", bytes(data))
    assert result.exit_code == 1 and not out.exists(), result.output
    assert "damaged.csv: lines 2, 5 not valid UTF-8" in result.output, result.output
    assert "read as vni" not in result.output


def test_a_utf8_file_with_cr_line_ends_and_a_legacy_line(tmp_path):
    """Lines ending in a carriage return alone (old Mac): detection split the sample on LF only, saw one line not
    valid UTF-8 and read the whole file as VNI (exit 0, garbled). Now UTF-8, and the cp1258 line read as such."""
    plain, plain_out = _resolve(tmp_path, "plain", _csv(("id", "address"), ADDRESSES, {}))
    data = _csv(("id", "address"), ADDRESSES, {1: "cp1258"}).replace(b"\r\n", b"\r")
    assert detect_encoding(data) == "utf-8"
    mixed, out = _resolve(tmp_path, "mixed", data)
    assert mixed.exit_code == 0, mixed.output
    assert "mixed.csv: 1 line not valid UTF-8 read as cp1258 (line 3)" in mixed.output, mixed.output
    assert pl.read_csv(out, infer_schema=False).equals(pl.read_csv(plain_out, infer_schema=False))


@pytest.mark.parametrize("encoding", LEGACY)
def test_a_legacy_file_is_still_detected_as_such(encoding):
    """A guard: a file in a legacy encoding (a few of whose lines may be valid UTF-8 by accident) is not UTF-8."""
    data = _csv(("id", "address"), ADDRESSES, dict.fromkeys(range(len(ADDRESSES)), encoding))
    assert detect_encoding(data) == encoding
    assert detect_encoding(data.replace(b"\r\n", b"\r")) == encoding


@pytest.mark.parametrize("encoding", LEGACY)
def test_a_legacy_file_with_appended_utf8_lines_reads_them_as_utf8(tmp_path, encoding):
    """The other way round: a Windows-1258 / VNI / TCVN3 file a newer system appended UTF-8 rows to. The CLI read it
    whole in the legacy encoding: the UTF-8 rows garbled ('Äiá»‡n BiÃªn') with exit 0, or refused where cp1258 has no
    character for a byte. Now as ingestion reads it (readers.decode_as, readers.decode_as): a line that is
    valid UTF-8 and reads more Vietnamese so is read as UTF-8, said with its line numbers."""
    plain, plain_out = _resolve(tmp_path, "plain", _csv(("id", "address"), ADDRESSES, {}))
    data = _csv(("id", "address"), ADDRESSES, dict.fromkeys(range(4), encoding))
    mixed, out = _resolve(tmp_path, "mixed", data)
    assert mixed.exit_code == 0, mixed.output
    assert f"mixed.csv read as {encoding} (detected)" in mixed.output, mixed.output
    assert "mixed.csv: 2 lines valid UTF-8 read as UTF-8 (lines 6, 7)" in mixed.output, mixed.output
    assert "Điện" not in mixed.output
    assert pl.read_csv(out, infer_schema=False).equals(pl.read_csv(plain_out, infer_schema=False))


def test_auto_does_not_advise_encoding_for_a_damaged_utf8_line(tmp_path):
    """A UTF-8 file whose bad line is UTF-8 with a byte lost (no legacy encoding reads it as clean Vietnamese): the
    refusal said '(give --encoding)', yet an explicit legacy --encoding reads that line as its mojibake with no error
    (VNI and TCVN3 give every byte a letter). Now: mend or remove the line; --encoding reads the whole file in one
    encoding. A line a legacy encoding reads cleanly but not certainly which (VNI 'Hồ' is Windows-1258 'Hoà') keeps
    '(give --encoding)' (tests/test_cli_csv_cut_in_a_character.py)."""
    data = bytearray(_csv(("id", "address"), ADDRESSES, {}))
    data[data.index("Điện".encode()) + 1] = 0xFF  # line 7
    both = bytearray(_csv(("id", "address"), ADDRESSES[:4], {3: "cp1258"}))
    both[both.index("Bến".encode()) + 2] = 0xFF  # line 2 damaged, line 5 cp1258: as many as the UTF-8 lines
    for name, raw, lines in (("damaged", data, "line 7"), ("both", both, "lines 2, 5")):
        result, out = _resolve(tmp_path, name, bytes(raw))
        assert result.exit_code == 1 and not out.exists(), result.output
        assert f"{name}.csv: {lines} not valid UTF-8" in result.output, result.output
        assert "give --encoding" not in result.output, result.output
        assert "mend" in result.output and "whole file" in result.output, result.output
    result, _ = _resolve(tmp_path, "damaged", bytes(data), "--encoding", "utf-8")  # auto would refuse it too
    assert result.exit_code == 1 and "leave --encoding to auto" not in result.output, result.output
    assert "damaged.csv: line 7 not valid UTF-8" in result.output and "mend" in result.output, result.output


def _jsonl(rows, legacy: dict[int, str]) -> bytes:
    """The rows as JSON Lines (id, address), the rows at positions ``legacy`` (0-based) in that legacy encoding."""
    out = b""
    for i, (ident, address) in enumerate(rows):
        text = f'{{"id": "{ident}", "address": "{address}"}}\n'
        out += LEGACY_CODECS[legacy[i]].encode(text) if i in legacy else text.encode()
    return out


def _resolve_json(tmp_path, name: str, data: bytes):
    source, out = tmp_path / f"{name}.jsonl", tmp_path / f"{name}.out.csv"
    source.write_bytes(data)
    return _run("resolve", "--input", str(source), "--column", "address", "--output", str(out)), out


@pytest.mark.parametrize("encoding", LEGACY)
def test_json_lines_read_legacy_lines_as_csv_does(tmp_path, encoding):
    """The CLI's JSON Lines reader refused a UTF-8 file with a line an old program appended ('not valid UTF-8 (JSON
    is UTF-8)') while ingestion reads it (readers.decode_file, _legacy_lines): now read by the same functions, said."""
    plain, plain_out = _resolve_json(tmp_path, "plain", _jsonl(ADDRESSES, {}))
    assert plain.exit_code == 0, plain.output
    assert "read as" not in plain.output
    mixed, out = _resolve_json(tmp_path, "mixed", _jsonl(ADDRESSES, {4: encoding, 5: encoding}))
    assert mixed.exit_code == 0, mixed.output
    assert f"mixed.jsonl: 2 lines not valid UTF-8 read as {encoding} (lines 5, 6)" in mixed.output, mixed.output
    assert "Võ Văn" not in mixed.output and "Điện Biên" not in mixed.output
    assert pl.read_csv(out, infer_schema=False).equals(pl.read_csv(plain_out, infer_schema=False))


def test_json_lines_damaged_line_is_still_refused_naming_it(tmp_path):
    data = bytearray(_jsonl(ADDRESSES, {4: "cp1258"}))
    data[data.index("Điện".encode()) + 1] = 0xFF  # line 6
    result, out = _resolve_json(tmp_path, "mixed", bytes(data))
    assert result.exit_code == 1 and not out.exists(), result.output
    assert "mixed.jsonl: line 6 not valid UTF-8" in result.output, result.output
    assert "line 5" not in result.output.split("not valid UTF-8")[0]
    assert "Điện" not in result.output and "Võ Văn" not in result.output

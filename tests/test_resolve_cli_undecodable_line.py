"""`wardbridge resolve` on a CSV with some lines in another encoding (a UTF-8 export with a BOM, and rows a second
system appended in Windows-1258): it said only 'not valid UTF-8 (give --encoding)', so the data engineer had to hunt
through the file for the lines. The message now names them (line numbers, never a value), for the detected and the
declared encoding; the exit code stays 1 and nothing is written."""

from __future__ import annotations

from click.testing import CliRunner

from pipelines.cli import main
from pipelines.encodings import encode_cp1258

UTF8 = ["id,address", '1,"12 Lê Lợi, Phường Bến Nghé, Quận 1"', '2,"5 Pasteur, Phường 6, Quận 3"']
CP1258 = ['3,"7 Hai Bà Trưng, Phường Tân Định, Quận 1"', '4,"9 Võ Văn Tần, Phường 6, Quận 3"']


def _resolve(tmp_path, data: bytes, *options: str):
    source, out = tmp_path / "mixed.csv", tmp_path / "out.csv"
    source.write_bytes(data)
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(out), *options]
    return CliRunner().invoke(main, args), out


def test_lines_in_another_encoding_are_named(tmp_path):
    cp1258 = encode_cp1258("\n".join(CP1258))
    data = b"\xef\xbb\xbf" + "\n".join(UTF8).encode() + b"\n" + cp1258 + b"\n"
    for options in ((), ("--encoding", "utf-8")):
        result, out = _resolve(tmp_path, data, *options)
        assert result.exit_code == 1 and not out.exists()
        assert "mixed.csv: lines 4, 5 not valid UTF-8" in result.output, result.output
        assert "Hai Bà" not in result.output and "Tân Định" not in result.output
    many = b"\xef\xbb\xbf" + "\n".join(UTF8).encode() + b"\n" + b"\n".join([cp1258] * 3) + b"\n"  # lines 4 to 9
    result, _ = _resolve(tmp_path, many)
    assert "lines 4, 5 and 4 more not valid UTF-8" in result.output, result.output


def test_a_line_a_declared_legacy_encoding_cannot_decode_is_named(tmp_path):
    """0x81 has no character in Windows-1258."""
    data = encode_cp1258("\n".join(UTF8[:1] + CP1258)) + b"\n5,\x81\n"
    result, _ = _resolve(tmp_path, data, "--encoding", "cp1258")
    assert result.exit_code == 1
    assert "mixed.csv: line 4 not valid cp1258 (try another --encoding)" in result.output, result.output

"""``wardbridge resolve`` repairs mis-decoded cells inside a Unicode file before reading them (issue 11 §4, HV audit
D12): a UTF-8 file whose cells were double-decoded once (mojibake: "PhÆ°á»ng"), or hold VNI / TCVN3 text pasted
as Latin-1 characters, is resolved as its clean twin is. The output keeps each cell as written; stderr counts the
repairs per kind, naming the file and column, never a value. Clean files are not touched."""

from __future__ import annotations

import polars as pl
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.encodings import encode_tcvn3, encode_vni

CLEAN = [
    "12 Nguyễn Huệ, Phường Bến Nghé, Quận 1, TP.HCM",
    "Phường Bàn Cờ, TP.HCM",
    "45 Lê Lợi, Phường Hiệp Thành, TP Thủ Dầu Một, Bình Dương",
    "Xã Long Hải, TP Hồ Chí Minh",
    "8 Hai Bà Trưng, Phường Tân Định, Quận 1, Thành phố Hồ Chí Minh",
]
RESOLVED = ["new_uid", "status", "scheme", "candidates"]


def _mojibake(text: str) -> str:
    """UTF-8 bytes read as Windows-1252 (bytes it leaves undefined kept as their C1 control characters)."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in text.encode("utf-8"))


def _resolve(tmp_path, name: str, cells: list[str]):
    source = tmp_path / f"{name}.csv"
    pl.DataFrame({"id": [str(i) for i in range(len(cells))], "address": cells}).write_csv(source)
    out = tmp_path / f"{name}.parquet"
    result = CliRunner().invoke(
        main, ["resolve", "--input", str(source), "--column", "address", "--output", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return pl.read_parquet(out), result.output


def test_mis_decoded_cells_resolve_as_their_clean_twins(tmp_path):
    clean, said = _resolve(tmp_path, "clean", CLEAN)
    assert "repaired" not in said
    assert (clean["status"] != "unresolved").all()
    broken = [
        _mojibake(CLEAN[0]),
        _mojibake(CLEAN[1]),
        encode_vni(CLEAN[2]).decode("latin-1"),
        encode_tcvn3(CLEAN[3]).decode("latin-1"),
        CLEAN[4],
    ]
    got, said = _resolve(tmp_path, "broken", broken)
    assert got.select(RESOLVED).equals(clean.select(RESOLVED))
    assert got["address"].to_list() == broken  # the cells as written
    line = next(line for line in said.splitlines() if "repaired" in line)
    assert "broken.csv" in line and "'address'" in line and "4 cell(s)" in line
    assert line.startswith("wardbridge: "), line  # as the reader's other lines on stderr (it had no prefix)
    assert "mojibake 2" in line
    for text in CLEAN + broken:
        for word in text.split(", ")[0].split():
            if len(word) > 3:
                assert word not in line  # no value quoted


def test_without_the_repair_the_cells_do_not_resolve(tmp_path):
    """The premise: the resolver alone cannot read a mojibake cell (what the repair step is for)."""
    from pipelines.resolve import resolve_addresses

    read = resolve_addresses(pl.Series([_mojibake(CLEAN[1])]))
    assert read["new_uid"][0] != "2025:27154"


def test_foreign_letters_that_are_no_mis_decoding_are_left_alone(tmp_path):
    """A cell with a character outside Vietnamese (a Chinese shop sign, an en dash) is looked at but kept."""
    cells = ["Phường Bàn Cờ – TP.HCM", "Chợ Lớn 堤岸, Phường Chợ Lớn, TP.HCM", CLEAN[1]]
    got, said = _resolve(tmp_path, "foreign", cells)
    assert "repaired" not in said
    assert got["address"].to_list() == cells

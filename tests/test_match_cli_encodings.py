"""`wardbridge match` reads a CSV as `wardbridge resolve` does: legacy Vietnamese encodings detected, the
delimiter sniffed. Before, it accepted UTF-8 with commas only and told the user to re-encode a VNI or TCVN3 file
with a conversion table they do not have. The runs are in the test's process (tests/cli_in_process.py) but for
the encoding and delimiter mistakes, whose exit codes and stderr are a real process's."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.encodings import encode_cp1258, encode_tcvn3, encode_vni
from tests.cli_in_process import wardbridge_in_process
from tests.test_cli import wardbridge

SPEC = """[match]
id = "customer_id"
link_threshold = 0.9
review_threshold = 0.5
[[blocking]]
name = "phone"
on = "phone"
[[blocking]]
name = "birth_date"
on = "birth_date"
[[compare]]
name = "name"
column = "name"
preset = "name"
[[compare]]
name = "phone"
column = "phone"
[[compare]]
name = "birth_date"
column = "birth_date"
[survivorship]
name = "most_frequent"
city = "most_frequent"
"""

ROWS = [
    ("1", "Nguyễn Văn Thành", "0901234567", "12/03/1985", "Hà Nội"),
    ("2", "Nguyễn Văn Thành", "0901234567", "12/03/1985", "Hà Nội"),
    ("3", "Nguyễn Văn Thanh", "0901234567", "12/03/1985", "Hà Nội"),
    ("4", "Trần Thị Hoà", "0912345678", "01/01/1990", "Đà Nẵng"),
    ("5", "Trần Thị Hoà", "0912345678", "01/01/1990", "Đà Nẵng"),
    ("6", "Lê Văn Cường", "0987654321", "05/05/1970", "Thừa Thiên Huế"),
    ("7", "Phạm Thị Thuỷ", "0977777777", "07/07/1977", "Cần Thơ"),
    ("8", "Đặng Quốc Bảo", "0966666666", "08/08/1988", "Hải Phòng"),
]
HEADER = ("customer_id", "name", "phone", "birth_date", "city")


def _text(sep: str = ",") -> str:
    return "".join(sep.join(row) + "\r\n" for row in [HEADER, *ROWS])


def _match(tmp_path, source, *options, run=wardbridge_in_process):
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp_path / f"{source.stem}.out.csv"
    proc = run("match", "--input", str(source), "--spec", str(spec), "--output", str(out), *options)
    return proc, out


@pytest.fixture
def expected(tmp_path):
    source = tmp_path / "utf8.csv"
    source.write_text(_text(), encoding="utf-8")
    proc, out = _match(tmp_path, source)
    assert proc.returncode == 0, proc.stderr
    records = pl.read_csv(out, infer_schema=False).sort("record_id")
    entities = pl.read_csv(out.with_name("utf8.out.entities.csv"), infer_schema=False)
    assert records["entity_id"].n_unique() < records.height  # the duplicates were merged
    assert "Nguyễn Văn Thành" in set(entities["name"])
    return records, entities.sort("entity_id")


@pytest.mark.parametrize(
    ("name", "encode", "label"),
    [
        ("vni", encode_vni, "vni"),
        ("tcvn3", encode_tcvn3, "tcvn3"),
        ("cp1258", encode_cp1258, "cp1258"),
        ("utf16", lambda text: text.encode("utf-16"), "utf-16"),
    ],
)
def test_match_reads_a_legacy_encoded_csv_like_its_utf8_copy(tmp_path, expected, name, encode, label):
    source = tmp_path / f"{name}.csv"
    source.write_bytes(encode(_text()))
    proc, out = _match(tmp_path, source)
    assert proc.returncode == 0, proc.stderr
    assert f"read as {label}" in proc.stderr
    records = pl.read_csv(out, infer_schema=False).sort("record_id")
    entities = pl.read_csv(out.with_name(f"{name}.out.entities.csv"), infer_schema=False).sort("entity_id")
    assert records.equals(expected[0])
    assert entities.equals(expected[1])  # names decoded to the same NFC text


def test_match_sniffs_the_delimiter_or_takes_it_given(tmp_path, expected):
    semicolons = tmp_path / "semi.csv"
    semicolons.write_text(_text(";"), encoding="utf-8")
    proc, out = _match(tmp_path, semicolons)
    assert proc.returncode == 0, proc.stderr
    assert pl.read_csv(out, infer_schema=False).sort("record_id").equals(expected[0])

    tabs = tmp_path / "tabs.csv"
    tabs.write_text(_text("\t"), encoding="utf-8")
    proc, out = _match(tmp_path, tabs, "--delimiter", "tab")
    assert proc.returncode == 0, proc.stderr
    assert pl.read_csv(out, infer_schema=False).sort("record_id").equals(expected[0])


def test_match_encoding_and_delimiter_mistakes_name_the_file_not_a_value(tmp_path):
    source = tmp_path / "vni.csv"
    source.write_bytes(encode_vni(_text()))
    proc, out = _match(tmp_path, source, "--encoding", "utf-8", run=wardbridge)
    assert proc.returncode == 1, proc.stderr  # a data problem
    assert "vni.csv" in proc.stderr and "not valid UTF-8" in proc.stderr
    assert "Traceback" not in proc.stderr and "Thành" not in proc.stderr and "Th" + "a\xf8nh" not in proc.stderr
    assert not out.exists()

    proc, out = _match(tmp_path, source, "--delimiter", ";;", run=wardbridge)
    assert proc.returncode == 2, proc.stderr  # a usage mistake, before any work
    assert "--delimiter" in proc.stderr and "one character" in proc.stderr
    assert not out.exists()


def test_match_increment_reads_a_legacy_encoded_csv(tmp_path, expected):
    """--increment is read like --input: an increment in the first input's (legacy) form is accepted."""
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC, encoding="utf-8")
    base = tmp_path / "base.csv"
    base.write_bytes(encode_vni("".join(",".join(r) + "\r\n" for r in [HEADER, *ROWS[:5]])))
    state = tmp_path / "state"
    proc = wardbridge_in_process(
        "match",
        "--input",
        str(base),
        "--spec",
        str(spec),
        "--output",
        str(tmp_path / "b.csv"),
        "--save-state",
        str(state),
    )
    assert proc.returncode == 0, proc.stderr
    new = tmp_path / "new.csv"
    new.write_bytes(encode_vni("".join(",".join(r) + "\r\n" for r in [HEADER, *ROWS[5:]])))
    out = tmp_path / "inc.csv"
    proc = wardbridge_in_process(
        "match", "--increment", str(new), "--state", str(state), "--spec", str(spec), "--output", str(out)
    )
    assert proc.returncode == 0, proc.stderr
    assert "read as vni" in proc.stderr
    entities = pl.read_csv(out.with_name("inc.entities.csv"), infer_schema=False)
    assert {"Lê Văn Cường", "Phạm Thị Thuỷ", "Đặng Quốc Bảo"} <= set(entities["name"])


def test_match_previous_reads_a_legacy_encoded_csv(tmp_path, expected):
    """--previous (the earlier --output whose entity ids are kept) is read as --input is: the earlier output opened
    and saved again by a Vietnamese Excel (Windows-1258, ';', a note column added) keeps its entity ids. Before, it
    was read as UTF-8 with commas: refused as not UTF-8."""
    records = expected[0]
    names = {e: f"hộ-cũ-{i}" for i, e in enumerate(records["entity_id"].unique(maintain_order=True))}
    previous = records.select("record_id", pl.col("entity_id").replace(names), ghi_chú=pl.lit("Đã xem"))
    lines = [";".join(previous.columns), *(";".join(row) for row in previous.rows())]
    path = tmp_path / "previous.csv"
    path.write_bytes(encode_cp1258("\r\n".join(lines) + "\r\n"))
    source = tmp_path / "utf8.csv"
    proc, out = _match(tmp_path, source, "--previous", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "previous.csv read as cp1258" in proc.stderr
    again = pl.read_csv(out, infer_schema=False).sort("record_id")
    assert again.select("record_id", "entity_id").equals(previous.select("record_id", "entity_id"))

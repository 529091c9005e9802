"""Issue 11 §4 audited as a user with files would run ``wardbridge resolve`` (HV's audit).

What these pin and the older tests did not: UTF-16 (with and without its mark) and Windows-1258
written decomposed, every delimiter sniffed in a legacy encoding too, a Parquet input giving the
same answers as its CSV; the input never overwritten through a hard link, a symlinked folder, an
absolute or ``./`` spelling, a Parquet output on a Parquet input; ``--old-code-column`` alone on
3,000 codes checked against the crosswalk, in input order; a header-only file; input columns named
like the output's (kept, the resolver's prefixed ``resolved_``).
"""

from __future__ import annotations

import random

import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.encodings import encode_cp1258, encode_tcvn3, encode_vni
from pipelines.reference import load_reference
from pipelines.schema import RESOLVED_ADDRESS

ROWS = [  # id, address, registration date, known form
    ("001", "12 Nguyễn Huệ, Phường Sài Gòn, TP. Hồ Chí Minh", "2025-08-01", ""),
    ("002", "Phường Bàn Cờ, TP.HCM", "", ""),
    ("003", "Xã Long Hải, TP Hồ Chí Minh", "", ""),
    ("004", "Phường Tân Định, TP.HCM", "", ""),
    ("005", "8 Hai Bà Trưng, Phường Tân Định", "", ""),
    ("006", "45 đường số 7, P12, Gò Vấp, HCM", "01/02/2024", "old"),
    ("007", "Phường Hiệp Thành, TP Thủ Dầu Một, Bình Dương", "", ""),
    ("008", "so 12 Đường Nguyễn Trãi 2 Quận 5 tphcm", "", ""),
    ("009", "Phường Tân Định", "2025-09-01", ""),
    ("010", "Phường Tân Định", "", "new"),
]
RESOLVED = ["old_uid", "new_uid", "status", "scheme", "confidence", "candidates", "reason"]


def _text(sep: str) -> str:
    lines = [sep.join(("id", "address", "date", "form"))]
    for row in ROWS:
        lines.append(sep.join(f'"{c}"' if sep in c else c for c in row))
    return "\n".join(lines) + "\n"


def _resolve(*args: str):
    return CliRunner().invoke(main, ["resolve", *args], catch_exceptions=False)


def _run(source, out, *extra: str) -> pl.DataFrame:
    result = _resolve(
        "--input", str(source), "--column", "address", "--as-of", "date", "--scheme-column", "form",
        "--output", str(out), *extra,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return pl.read_parquet(out)


@pytest.fixture(scope="module")
def expected(tmp_path_factory) -> pl.DataFrame:
    tmp = tmp_path_factory.mktemp("utf8")
    (tmp / "in.csv").write_text(_text(","), encoding="utf-8")
    got = _run(tmp / "in.csv", tmp / "out.parquet")
    # the examples, as the README documents them
    assert got["id"].to_list() == [r[0] for r in ROWS]
    assert got["new_name"].to_list()[:4] == ["Phường Sài Gòn", "Phường Bàn Cờ", "Xã Long Hải", "Phường Tân Định"]
    # 004: both readings give Tân Định, certain (exact) since HS3
    assert got["status"].to_list() == [
        "exact", "exact", "exact", "exact", "scheme_review", "exact", "split_review", "fuzzy", "fuzzy", "fuzzy",
    ]  # fmt: skip
    return got


ENCODED = {
    "utf-16": lambda t: t.encode("utf-16"),  # little-endian with its mark
    "utf-16-be": lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
    "utf-16-le-no-mark": lambda t: t.encode("utf-16-le"),
    "cp1258-decomposed": lambda t: encode_cp1258(t, precomposed=False),
    "vni": encode_vni,
    "tcvn3": encode_tcvn3,
    "utf-8-bom-crlf": lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode(),
}


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
@pytest.mark.parametrize("encoding", list(ENCODED))
def test_every_encoding_and_delimiter_reads_as_the_utf8_file(tmp_path, expected, encoding, sep):
    source = tmp_path / "in.csv"
    source.write_bytes(ENCODED[encoding](_text(sep)))
    got = _run(source, tmp_path / "out.parquet")
    assert got.select("id", "address", *RESOLVED).equals(expected.select("id", "address", *RESOLVED))


def test_parquet_input_gives_the_answers_of_its_csv(tmp_path, expected):
    source = tmp_path / "in.parquet"
    pl.DataFrame([list(r) for r in ROWS], schema=["id", "address", "date", "form"], orient="row").with_columns(
        pl.col("date", "form").replace("", None)
    ).write_parquet(source)
    got = _run(source, tmp_path / "out.parquet")
    assert got.select("id", *RESOLVED).equals(expected.select("id", *RESOLVED))


@pytest.mark.parametrize("spelling", ["absolute", "dot-slash", "hard-link", "symlinked-folder", "parquet"])
def test_the_input_is_never_overwritten(tmp_path, monkeypatch, spelling):
    source = tmp_path / ("in.parquet" if spelling == "parquet" else "in.csv")
    if spelling == "parquet":
        pl.DataFrame({"address": [r[1] for r in ROWS]}).write_parquet(source)
    else:
        source.write_text(_text(","), encoding="utf-8")
    before = source.read_bytes()
    monkeypatch.chdir(tmp_path)
    if spelling == "hard-link":
        output = tmp_path / "linked.csv"
        output.hardlink_to(source)
    elif spelling == "symlinked-folder":
        (tmp_path / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
        output = tmp_path / "elsewhere" / "in.csv"
    else:
        output = {"absolute": source.resolve(), "dot-slash": "./in.csv", "parquet": "in.parquet"}[spelling]
    result = _resolve("--input", source.name, "--column", "address", "--output", str(output))
    assert result.exit_code == 2, result.output
    assert "refusing to overwrite an input" in result.output and "Traceback" not in result.output
    assert source.read_bytes() == before
    assert "resolved" not in result.output  # refused before any work


def test_old_codes_alone_on_3000_rows_follow_the_crosswalk_in_input_order(tmp_path):
    reference = load_reference()
    old = reference.units_pre2025.filter(~pl.col("unit_uid").str.starts_with("pre2025-district:"))
    codes = random.Random(11).sample(old["code"].to_list(), 3000)
    odd = ["", "99999", "abc", "026740", " 26740 "]  # unknown ones said, padding spaces read
    source = tmp_path / "codes.csv"
    pl.DataFrame({"rid": [f"{i:05d}" for i in range(3005)], "code": codes + odd}).write_csv(source)
    out = tmp_path / "out.parquet"
    result = _resolve("--input", str(source), "--old-code-column", "code", "--output", str(out))
    assert result.exit_code == 0, result.output
    got = pl.read_parquet(out)
    assert got["rid"].to_list() == [f"{i:05d}" for i in range(3005)]  # each row once, in input order
    assert got.columns == ["rid", "code", *RESOLVED_ADDRESS.columns]
    parts = reference.crosswalk.group_by("old_code").agg(pl.col("new_uid").sort().alias("parts"))
    known = got.head(3000).join(parts, left_on="code", right_on="old_code", how="left", maintain_order="left")
    assert known["parts"].null_count() == 0
    assert known["old_uid"].to_list() == [f"pre2025:{c}" for c in codes]
    assert known["candidates"].list.sort().equals(known["parts"], check_names=False)
    one = known.filter(pl.col("parts").list.len() == 1)
    assert one["status"].unique().to_list() == ["exact"]
    assert one["new_uid"].equals(one["parts"].list.first(), check_names=False)
    split = known.filter(pl.col("parts").list.len() > 1)
    assert split.height > 50 and split["status"].unique().to_list() == ["split_review"]
    assert split["new_uid"].null_count() == split.height
    tail = got.tail(5)
    assert tail["status"].to_list() == ["unresolved"] * 4 + ["exact"]
    assert all("not a known pre-2025 commune code" in r for r in tail["reason"][1:4])
    assert tail["new_uid"][4] == "2025:26740"


def test_a_header_only_file_gives_a_header_only_output(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("id;address\n", encoding="utf-8")
    result = _resolve("--input", str(source), "--column", "address", "--output", str(out))
    assert result.exit_code == 0, result.output
    got = pl.read_csv(out, infer_schema=False)
    assert got.height == 0 and got.columns == ["id", "address", *RESOLVED_ADDRESS.columns]


def test_input_columns_named_like_the_output_are_kept_and_the_resolver_ones_prefixed(tmp_path):
    """A registry's own 'status' or 'reason' column survives; the resolver's become resolved_status/_reason."""
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text('id,address,status,reason\n1,"P. Bến Nghé, Q.1, TP.HCM",active,moved\n', encoding="utf-8")
    result = _resolve("--input", str(source), "--column", "address", "--output", str(out))
    assert result.exit_code == 0, result.output
    row = pl.read_csv(out, infer_schema=False).row(0, named=True)
    assert (row["status"], row["reason"]) == ("active", "moved")
    assert (row["resolved_status"], row["new_uid"], row["resolved_reason"]) == ("exact", "2025:26740", None)
    assert "exact                  1" in result.output  # the summary counts the resolver's status


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (["--as-of", "d"], 2, "--as-of"),  # a column of lists is not a date column
        (["--scheme-column", "s"], 2, "--scheme-column"),  # nor is a struct a form
        (["--encoding", "latin1"], 2, "--encoding"),
        (["--gazetteer", "{tmp}/bad_gazetteer.csv"], 1, "bad_gazetteer.csv"),  # a data problem in a file
    ],
    ids=["as-of-lists", "scheme-struct", "unknown-encoding", "malformed-gazetteer"],
)
def test_exit_codes_of_option_and_file_mistakes(tmp_path, args, code, said):
    source, out = tmp_path / "in.parquet", tmp_path / "out.csv"
    pl.DataFrame({"address": ["P. Bến Nghé, Q.1"], "d": [["2025-01-01"]], "s": [{"k": 1}]}).write_parquet(source)
    (tmp_path / "bad_gazetteer.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    argv = [a.format(tmp=tmp_path) for a in args]
    result = _resolve("--input", str(source), "--column", "address", "--output", str(out), *argv)
    assert result.exit_code == code, result.output
    assert said in result.output and "Traceback" not in result.output and "Bến Nghé" not in result.output
    assert not out.exists()

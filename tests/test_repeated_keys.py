"""A source key repeated within one extract (review h6 F13): every row of it is flagged, counted, and its record
key does not depend on the row's place in the file.

Each test builds a small CSV extract by hand (a catalogue in tmp_path).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.ingest.catalogue import load_catalogue
from pipelines.ingest.raw import load_raw
from pipelines.ingest.stage import account, stage

HEADER = ["ma", "ho_ten", "ngay_sinh", "dia_chi", "so_dt", "cmnd"]
COLUMNS = {"ho_ten": "full_name", "ngay_sinh": "date_of_birth", "dia_chi": "address", "so_dt": "phone"}
ADDRESS = "12 Lê Lợi, Phường Bến Nghé, Quận 1, TP Hồ Chí Minh"
REPEATED = "source_key: repeated in the extract"


def _load(tmp_path: Path, rows: list[list[str]], name: str = "p.csv"):
    lines = [",".join(HEADER)] + [",".join(f'"{v}"' if "," in v else v for v in r) for r in rows]
    (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    cat = [f'base_dir = "{tmp_path}"', "[[source]]", 'id = "src"', 'registry = "population"', 'format = "csv"']
    cat += [f'path = "{name}"', 'key_column = "ma"', 'extract_date = "2025-08-31"', "[source.columns]"]
    cat += [f'"{k}" = "{v}"' for k, v in COLUMNS.items()]
    (tmp_path / "cat.toml").write_text("\n".join(cat) + "\n", encoding="utf-8")
    (spec,) = load_catalogue([tmp_path / "cat.toml"]).values()
    (extract,) = spec.extracts()
    return load_raw(extract, "t")


def _stage(loaded):
    result = stage(loaded.frame, "population")
    counts = account(loaded.frame, result)
    assert counts["balanced"], counts
    return result


def _person(key, name, dob="01/02/1980", phone="0903123456"):
    return [key, name, dob, ADDRESS, phone, "023456789"]


ROWS = [
    _person("7", "Lê Văn Cường"),
    _person("9", "Nguyễn Văn An"),
    _person("9", "Trần Thị Bình", dob="15/06/1992", phone="0912345678"),
    _person("11", "Phạm Minh Đức"),
]


def _keys_by_name(frame: pl.DataFrame) -> dict[str, str]:
    return dict(frame.select("full_name", "record_key").iter_rows())


def test_every_row_of_a_repeated_key_is_flagged_and_counted(tmp_path):
    loaded = _load(tmp_path, ROWS)
    assert loaded.repeated_key_rows == 2 and loaded.counts["repeated_key_rows"] == 2
    frame = loaded.frame
    flags = dict(frame.select("full_name", "row_flags").iter_rows())
    assert flags["Nguyễn Văn An"] == flags["Trần Thị Bình"] == "key_repeated"
    assert flags["Lê Văn Cường"] is None and flags["Phạm Minh Đức"] is None
    assert frame["record_key"].n_unique() == 4
    keys = _keys_by_name(frame)
    assert {keys["Nguyễn Văn An"], keys["Trần Thị Bình"]} == {"src@2025-08-31#9", "src@2025-08-31#9~2"}
    assert keys["Lê Văn Cường"] == "src@2025-08-31#7"  # a key held once keeps its plain record key

    staged = _stage(loaded).staged
    assert staged.height == 4  # flagged, not quarantined: both rows are still people
    issues = dict(staged.select("full_name", "issues").iter_rows())
    assert REPEATED in issues["Nguyễn Văn An"] and REPEATED in issues["Trần Thị Bình"]
    assert issues["Lê Văn Cường"] is None and issues["Phạm Minh Đức"] is None
    assert "Bình" not in issues["Trần Thị Bình"] and "9" not in issues["Trần Thị Bình"]  # the issue quotes no value


def test_record_keys_do_not_depend_on_row_order(tmp_path):
    (tmp_path / "a").mkdir()
    first = _keys_by_name(_load(tmp_path / "a", ROWS).frame)
    (tmp_path / "b").mkdir()
    reordered = [ROWS[3], ROWS[2], ROWS[0], ROWS[1]]
    second = _keys_by_name(_load(tmp_path / "b", reordered).frame)
    assert first == second
    # three rows of one key: still the same keys whatever the order
    three = [*ROWS, _person("9", "Võ Thị Hoa", dob="03/03/1970")]
    (tmp_path / "c").mkdir()
    (tmp_path / "d").mkdir()
    one = _load(tmp_path / "c", three)
    other = _load(tmp_path / "d", list(reversed(three)))
    assert one.repeated_key_rows == other.repeated_key_rows == 3
    assert _keys_by_name(one.frame) == _keys_by_name(other.frame)
    assert sorted(_keys_by_name(one.frame).values())[-3:] == [
        "src@2025-08-31#9",
        "src@2025-08-31#9~2",
        "src@2025-08-31#9~3",
    ]


def test_repeated_key_with_a_quarantined_row_and_without_repeats(tmp_path):
    # failing path: one row of the repeated key has no name (required) -> quarantined; the other is staged,
    # still flagged, and the accounting balances (every raw key out exactly once)
    (tmp_path / "a").mkdir()
    rows = [_person("9", "Nguyễn Văn An"), _person("9", ""), _person("10", "Phạm Minh Đức")]
    loaded = _load(tmp_path / "a", rows)
    assert loaded.repeated_key_rows == 2
    result = _stage(loaded)
    assert result.quarantine.height == 1 and result.quarantine["source_key"].to_list() == ["9"]
    (issues,) = result.staged.filter(pl.col("source_key") == "9")["issues"]
    assert REPEATED in issues
    (other,) = result.staged.filter(pl.col("source_key") == "10")["issues"]
    assert other is None or REPEATED not in other

    # no repeated key: nothing flagged, count 0, plain record keys
    (tmp_path / "b").mkdir()
    clean = _load(tmp_path / "b", [ROWS[0], ROWS[1], ROWS[3]])
    assert clean.repeated_key_rows == 0 and clean.frame["row_flags"].null_count() == 3
    assert not clean.frame["record_key"].str.contains("~").any()

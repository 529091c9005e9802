"""A header name holding an invisible format character or fullwidth letters is the catalogue's column (HR1, session
64): before, the extract failed 'required column(s) ... missing' naming a column that is plainly there."""

from __future__ import annotations

import pytest

from tests.test_bad_inputs import HEADER, ROWS, _csv, _ingest


@pytest.mark.parametrize(
    "written",
    [
        "ten_chu_ho\u200b",  # a zero-width space pasted in with the name (fails at 1f85827)
        "ten_\u00adchu_ho",  # a soft hyphen (fails at 1f85827)
        "\u2060ten_chu_ho",  # a word joiner (fails at 1f85827)
        "ｔｅｎ_ｃｈｕ_ｈｏ",  # fullwidth letters an IME typed (fails at 1f85827)
        "TEN_CHU_HO ",  # case and spacing: read before too
    ],
)
def test_a_header_name_differing_only_invisibly_is_the_catalogues_column(tmp_path, written):
    header = [written if h == "ten_chu_ho" else h for h in HEADER]
    result = _ingest(tmp_path, "csv", "h.csv", _csv(ROWS, header=header).encode("utf-8"))
    assert result.state == "ok", result.cause
    assert sorted(result.staged["source_key"]) == ["1", "2", "3"]
    assert result.staged["head_name"].to_list()[0] == "Nguyễn Văn An"


def test_two_names_alike_once_folded_are_not_guessed_between(tmp_path):
    header = ["ten_chu_ho\u200b" if h == "ten_chu_ho" else h for h in HEADER] + ["ten_chu_ho\u2060"]
    result = _ingest(tmp_path, "csv", "two.csv", _csv([[*r, "x"] for r in ROWS], header=header).encode("utf-8"))
    assert result.state == "failed" and "'ten_chu_ho' (head_name) missing" in result.cause, result.cause

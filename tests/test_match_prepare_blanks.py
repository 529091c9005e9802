"""``prepare`` makes a blank text value (empty or only white space, Unicode's too) missing in every text column the spec
compares: a derived columns' source (found on its distinct values) and the other columns (found beside the derived
columns' work) alike; a column without a blank, or a value with white space around text, is left as it was."""

from __future__ import annotations

import polars as pl

from pipelines.match.prepare import BLANK, Prepared, _blank_columns, _maybe_blank, prepare
from tests.match_cases import background, people_spec  # noqa: F401 - the spec fixture

BLANKS = {  # row -> (column, blank value)
    3: ("full_name", "\u3000 "),  # a derived columns' source
    8: ("full_name", ""),
    5: ("phone", "\t"),  # not a source
    9: ("address", " \u00a0 "),
}


def _table() -> pl.DataFrame:
    table = background(people=400, seed=5)
    row = pl.int_range(pl.len())
    changed = {}
    for at, (column, value) in BLANKS.items():
        changed[column] = pl.when(row == at).then(pl.lit(value)).otherwise(changed.get(column, pl.col(column)))
    spaced = pl.when(row == 6).then(pl.lit("  x ")).otherwise(pl.col("household_no"))  # text, not blank
    return table.with_columns(*(expr.alias(c) for c, expr in changed.items()), spaced.alias("household_no"))


def test_blank_values_are_missing_in_sources_and_other_columns(spec):
    table = _table()
    prepared = Prepared()
    work = prepare(table, spec, prepared=prepared)
    assert work["_row"].to_list() == list(range(table.height))
    for at, (column, _) in BLANKS.items():
        assert work[column][at] is None, (at, column)
    assert work["name"][3] is None and work["name"][8] is None  # derived from the blank: missing as well
    assert work["household_no"][6] == "  x "
    for column in ("full_name", "phone", "address"):  # the rest of a column with a blank: as it was
        rest = ~pl.Series([i in BLANKS and BLANKS[i][0] == column for i in range(table.height)])
        assert work[column].filter(rest).equals(table[column].filter(rest)), column
    for column in ("household_no", "sex", "personal_id", "relation_to_head"):  # no blank: unchanged
        assert work[column].equals(table[column]), column
    assert "full_name" not in prepared.codes and "date_of_birth" in prepared.codes


def test_no_blank_no_change(spec):
    table = background(people=300, seed=6)
    work = prepare(table, spec)
    for column in ("full_name", "phone", "address", "household_no", "personal_id"):
        assert work[column].equals(table[column]), column


# every character regex's \s takes (Unicode's White_Space)
WHITE_SPACE = [chr(c) for c in (*range(0x09, 0x0E), 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B))] + [
    chr(c) for c in (0x2028, 0x2029, 0x202F, 0x205F, 0x3000)
]


def test_the_white_space_list_is_what_blank_reads():
    every = pl.Series([chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF])
    assert every.filter(every.str.contains(BLANK)).to_list() == WHITE_SPACE


def test_blank_columns_read_only_the_values_that_may_be_blank_and_find_each_white_space():
    # a blank of each white-space character, alone, doubled or after another, found; text around white space is not
    # blank; nulls, a slice and a column in chunks read alike
    for space in WHITE_SPACE:
        for blank in (space, space * 2, f" {space}", f"{space}\t"):
            column = pl.Series("c", [None, "a", f"{space}b", "b" + space, blank, None, "long text value over twelve"])
            for values in (column, column.slice(1), pl.concat([column.slice(0, 3), column.slice(3)], rechunk=False)):
                frame = values.to_frame()
                assert _blank_columns(frame, ["c"]) == ["c"], (hex(ord(space)), blank, values.n_chunks())
                assert _blank_columns(frame.filter(pl.col("c") != blank), ["c"]) == [], (hex(ord(space)), blank)
    frame = pl.DataFrame({"e": ["x", "", None], "n": pl.Series([None, None, None], dtype=pl.String), "z": ["", "", ""]})
    assert _blank_columns(frame, ["e", "n", "z"]) == ["e", "z"]
    assert _blank_columns(frame.head(0), ["e"]) == []
    maybe = _maybe_blank(pl.Series(["ab", " ab", "\u3000", "", None, "x" * 20, "\u00a0" + "y" * 20]))
    assert maybe is not None and maybe.tolist() == [1, 2, 3, 6]  # (a null, text starting with a letter: left out)

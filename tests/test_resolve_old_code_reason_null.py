"""An old code that is no pre-2025 commune code is said in its row's reason (1179113); the other rows of the table
kept no reason of their own as '' instead of null (concat_str of nulls only), so a Parquet output's reason was
empty text where the same rows without an old-code column have none. HV4."""

from __future__ import annotations

import polars as pl

import pipelines.resolve as r


def test_rows_without_an_unknown_code_keep_a_null_reason():
    addresses = ["Phường Bến Nghé, Quận 1", "Phường Tân Định, Quận 1", "Phường Bến Nghé, Quận 1"]
    frame = pl.DataFrame({"a": addresses, "c": [None, "", "abc"]})
    out = r.resolve_table(frame, address_column="a", old_code_column="c")
    plain = r.resolve_table(frame.drop("c"), address_column="a")
    assert plain["reason"].to_list()[:2] == [None, None]
    assert out["reason"].to_list() == [None, None, r.UNKNOWN_OLD_CODE]
    assert out.drop("c", "reason").equals(plain.drop("reason"))


def test_an_old_code_held_as_a_float_is_its_whole_number():
    """A Parquet code column of floats (pandas writes an integer column holding a null so) was read '26740.0': every
    code 'not a known pre-2025 commune code', the address read instead. HV4."""
    addresses = ["Phường Tân Định, Quận 1", "Phường Tân Định, Quận 1", "Phường Tân Định, Quận 1"]
    frame = pl.DataFrame({"a": addresses, "c": [26740.0, None, 26740.5]})
    out = r.resolve_table(frame, address_column="a", old_code_column="c")
    text = r.resolve_table(frame.with_columns(pl.col("c").cast(pl.String)), address_column="a", old_code_column="c")
    ints = r.resolve_table(frame.with_columns(pl.Series("c", [26740, None, None])), address_column="a",
                           old_code_column="c")  # fmt: skip
    for table in (out, text):
        assert table.row(0, named=True)["old_uid"] == ints.row(0, named=True)["old_uid"] == "pre2025:26740"
        assert table.row(0, named=True)["reason"] == ints.row(0, named=True)["reason"]
        assert table["reason"][2].startswith(r.UNKNOWN_OLD_CODE)  # a fraction is no code

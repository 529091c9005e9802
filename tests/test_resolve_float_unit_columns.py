"""A structured unit column held as floats (a numbered ward column a Parquet file or pandas keeps as floats for its
one missing value: 5.0, 12.0) was read as '5.0, Quận 3': no ward found on any row. Its whole numbers are read as
integers now, as an integer column's are. HV4."""

from __future__ import annotations

import polars as pl

import pipelines.resolve as r


def test_a_float_ward_column_reads_as_the_integer_one():
    districts = ["Quận 3", "Gò Vấp", "Quận 3", None]
    floats = pl.DataFrame({"w": [5.0, 12.0, 5.5, None], "d": districts})
    ints = pl.DataFrame({"w": [5, 12, None, None], "d": districts})
    got = r.resolve_table(floats, ward_column="w", district_column="d")
    want = r.resolve_table(ints, ward_column="w", district_column="d")
    assert got["status"].to_list()[:2] == ["exact", "exact"]
    assert got.drop("w").head(2).equals(want.drop("w").head(2))
    assert got["status"][2] != "exact"  # 5.5 is no ward number

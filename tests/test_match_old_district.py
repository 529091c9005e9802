"""The old_district transform: a pre-2025 unit id's district from the reference, missing for anything else."""

import polars as pl
import pytest

from pipelines.match.prepare import _transform
from pipelines.match.spec import SpecError


def test_old_district_of_pre2025_units():
    uids = pl.DataFrame({"u": ["pre2025:25756", "pre2025:26734", "2025:25747", None, "pre2025:99999", "25756"]})
    got = uids.select(_transform(pl.col("u"), "old_district"))["u"].to_list()
    # Phường Chánh Nghĩa in Thủ Dầu Một (718), Phường Tân Định in Quận 1 (760); a 2025 unit, an unknown code or a bare code: none
    assert got == ["718", "760", None, None, None, None]


def test_unknown_transform_still_refused():
    with pytest.raises(SpecError):
        _transform(pl.col("u"), "old_districts")

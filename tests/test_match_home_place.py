"""The people spec's home comparison: the household book, else the same old unit, else the same old district."""

import datetime as dt

import polars as pl

from pipelines.match.compare import comparison_levels
from pipelines.match.prepare import prepare
from tests.match_cases import frame, people_spec, person_row  # noqa: F401 (people_spec: the spec fixture)


def _home_levels(spec, places: list[tuple[str | None, str | None]], pairs) -> list[str | None]:
    rows = [
        dict(person_row(f"h{i}", f"p{i}", "Trần Minh Khoa", dt.date(2000, 1, 1), "M", household=book), old_uid=uid)
        for i, (book, uid) in enumerate(places)
    ]
    work = prepare(frame(rows), spec)
    comp = next(c for c in spec.comparisons if c.name == "home")
    l = pl.Series([a for a, _ in pairs], dtype=pl.UInt32)
    r = pl.Series([b for _, b in pairs], dtype=pl.UInt32)
    labels = [lv.label for lv in comp.levels] + ["different"]
    return [None if v is None else labels[v] for v in comparison_levels(work, l, r, (comp,))[comp.name]]


def test_home_is_the_book_then_the_old_unit_then_the_old_district(spec):
    places = [
        ("111111111", "pre2025:26734"),  # Phường Tân Định, Quận 1 (760)
        ("111111111", "pre2025:25756"),  # the same book in another unit's records: the book decides
        ("222222222", "pre2025:26734"),  # another book in the same old unit
        ("333333333", "pre2025:26737"),  # another unit of Quận 1
        ("444444444", "pre2025:25756"),  # Thủ Dầu Một (718)
        ("555555555", None),  # an address in the 2025 form: no old unit
        (None, "pre2025:26734"),  # no book, the same old unit
        (None, None),
    ]
    pairs = [(0, 1), (0, 2), (0, 3), (0, 4), (0, 5), (0, 6), (3, 6), (5, 7), (6, 7)]
    assert _home_levels(spec, places, pairs) == [
        "same_household",
        "same_unit",
        "same_district",
        "different",
        "different",  # books differ, the place unknown: as before the place was compared
        "same_unit",
        "same_district",
        None,  # nothing to compare: neutral
        None,
    ]

"""A source that maps both an address text ('Địa chỉ': house number and street) and address parts ('Phường/Xã',
'Quận/Huyện', ...) had its parts read only where the text was empty: '12 Lê Lợi' beside 'Phường Bến Thành' went to
review as unresolved although its row names its ward. Staging now appends to the text the parts it does not name
(compared folded, marker spellings alike: P. / Phường, Q.01 / Quận 1), in the order the resolver reads, and leaves
text-only and parts-only rows as they were. Raw keeps the text and the parts as the source wrote them."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.ingest.stage import address_text
from pipelines.reference import default_reference
from pipelines.schema import ADDRESS_PARTS
from tests.addresspartshelpers import staged_source


def _staged(tmp_path, rows: list[tuple[str, str, str]], registry: str = "households"):
    """(raw frame, staged frame) of an extract mapping the address text and the ward and district columns; ``rows``
    are (address, ward, district), '' for an empty cell."""
    raw, result = staged_source(tmp_path, [("Nguyễn Văn An", *row) for row in rows], registry)
    assert result.quarantine.height == 0
    return raw, result.staged.sort("source_key")


def _name_2025(uid: str) -> str:
    units = default_reference().units_2025
    return units.filter(pl.col("unit_uid") == uid)["name"].item()


def _joined(rows: list[dict]) -> list[str | None]:
    """address_text's text of each row (columns: address and every address part, missing ones null)."""
    frame = pl.DataFrame(
        [{c: r.get(c) for c in ("address", *ADDRESS_PARTS)} for r in rows],
        schema=dict.fromkeys(("address", *ADDRESS_PARTS), pl.String),
    )
    return address_text(frame)["address"].to_list()


def test_a_ward_column_beside_a_street_address_is_read(tmp_path):
    raw, staged = _staged(
        tmp_path,
        [("12 Lê Lợi", "Phường Bến Thành", "Quận 1"), ("12 Lê Lợi", "Phường Bến Thành", "")],
    )
    with_district, ward_only = staged.iter_rows(named=True)
    assert with_district["address"] == "12 Lê Lợi, Phường Bến Thành, Quận 1"
    assert (with_district["old_uid"], with_district["new_uid"]) == ("pre2025:26743", "2025:26743")
    assert with_district["ward_status"] == "exact" and _name_2025(with_district["new_uid"]) == "Phường Bến Thành"
    # no district: the ward's name is the same in both schemes, read as the 2025 ward (the text alone: unresolved)
    assert ward_only["address"] == "12 Lê Lợi, Phường Bến Thành" and ward_only["new_uid"] == "2025:26743"
    # raw keeps what the source wrote, each in its column
    assert raw.sort("source_key").select("address", "ward", "district").rows() == [
        ("12 Lê Lợi", "Phường Bến Thành", "Quận 1"),
        ("12 Lê Lợi", "Phường Bến Thành", None),
    ]


def test_a_text_that_names_its_units_is_not_given_them_twice(tmp_path):
    texts = [
        "12 Lê Lợi, Phường Bến Thành, Quận 1",
        "12 le loi, phuong ben thanh, q.01",  # case, diacritics, marker spelling and a leading zero aside
        "12 Lê Lợi P.Bến Thành Q1",  # no commas: the unit-type words separate the names
    ]
    _, staged = _staged(tmp_path, [(t, "Phường Bến Thành", "Quận 1") for t in [*texts, "12 Lê Lợi, P. Bến Thành"]])
    assert staged["address"].to_list() == [*texts, "12 Lê Lợi, P. Bến Thành, Quận 1"]  # only the district added
    assert staged["new_uid"].to_list() == ["2025:26743"] * 4


def test_a_business_sources_ward_is_repaired_before_it_is_added(tmp_path):
    # a double-decoded ward cell ('PhÆ°á»\x9dng ...'): repaired as the text is (business and tax sources' parts were
    # not repaired at all, as no such source was expected)
    mojibake = "Phường Bến Thành".encode().decode("latin-1")
    _, staged = _staged(tmp_path, [("12 Lê Lợi", mojibake, "Quận 1")], registry="businesses")
    (row,) = staged.iter_rows(named=True)
    assert row["address"] == "12 Lê Lợi, Phường Bến Thành, Quận 1" and row["new_uid"] == "2025:26743"
    assert row["text_repairs"] == "ward:mojibake"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # the ward goes right of the text's district, which is given again after it: the resolver reads the
        # province, the district, then the ward just left of it ('..., Quận 1, Phường Bến Thành' is read in no district)
        (
            {"address": "12 Lê Lợi, Quận 1", "ward": "Phường Bến Thành", "district": "Quận 1"},
            "12 Lê Lợi, Quận 1, Phường Bến Thành, Quận 1",
        ),
        # the text ends with another unit (its province): every part after it, the ward too
        (
            {"address": "12 Lê Lợi, P. Bến Thành, TP.HCM", "ward": "Phường Bến Thành", "district": "Quận 1"},
            "12 Lê Lợi, P. Bến Thành, TP.HCM, Phường Bến Thành, Quận 1",
        ),
        # only the province is not named (another spelling): it alone
        (
            {"address": "12 Lê Lợi, P. Bến Thành, Q.1, TP.HCM", "ward": "Bến Thành", "province": "Hồ Chí Minh"},
            "12 Lê Lợi, P. Bến Thành, Q.1, TP.HCM, Hồ Chí Minh",
        ),
        # a street named like a ward names no ward
        (
            {"address": "5 Đường Tân Định, Quận 1", "ward": "Tân Định", "district": "Quận 1"},
            "5 Đường Tân Định, Quận 1, Tân Định, Quận 1",
        ),
        # nor does a house number the ward's number: '12 Lê Lợi' is no 'Phường 12'
        ({"address": "12 Lê Lợi", "ward": "P.12", "district": "Q.3"}, "12 Lê Lợi, P.12, Q.3"),
        # a street column the text does not hold goes before it; one it holds is not repeated
        ({"address": "Phường 12, Quận 3", "street_address": "12 Lê Lợi"}, "12 Lê Lợi, Phường 12, Quận 3"),
        (
            {"address": "12 Le Loi, P12, Q3", "street_address": "12 Lê Lợi", "ward": "Phường 12", "district": "Quận 3"},
            "12 Le Loi, P12, Q3",
        ),
    ],
)
def test_the_parts_are_added_where_the_resolver_reads_them(row, expected):
    (joined,) = _joined([row])
    assert joined == expected
    if row.get("ward"):
        from pipelines.resolve import resolve_addresses

        resolved = resolve_addresses(pl.Series([joined]))  # read in the parts' district (old form), exactly
        assert resolved["status"][0] == "exact" and resolved["scheme"][0] == "pre2025", resolved.row(0)


def test_text_only_and_parts_only_rows_read_as_before():
    rows = [
        {"address": "12 Lê Lợi, Phường Bến Nghé, Quận 1"},
        {"address": "  7 Pasteur  "},  # kept as written
        {"street_address": "12 Lê Lợi", "ward": "Phường Bến Thành", "district": "Quận 1", "province": "TP.HCM"},
        {"ward": "Phường 12", "district": "Quận 3"},
        {"address": "12 Lê Lợi, Phường Bến Nghé, Quận 1"},  # repeated rows: each keeps its place
        {"ward": "Phường 12", "district": "Quận 3"},
        {},
    ]
    before = [
        r.get("address") or (", ".join(r.get(p) for p in ADDRESS_PARTS if r.get(p)) or None)
        for r in rows  # the old _address: the text, else the parts joined
    ]
    assert _joined(rows) == before
    # with a row having both in the frame too (the distinct-value path), the others are unchanged and in order
    both = {"address": "12 Lê Lợi", "ward": "Phường Bến Thành", "district": "Quận 1"}
    assert _joined([*rows, both]) == [*before, "12 Lê Lợi, Phường Bến Thành, Quận 1"]


def test_blank_parts_and_texts_count_as_none():
    rows = [
        {"address": "12 Lê Lợi", "ward": "", "district": "   ", "province": None},
        {"address": "   ", "street_address": "12 Lê Lợi", "ward": "Phường 12", "district": "Quận 3"},
        {"street_address": "12 Lê Lợi", "ward": " ", "district": "Quận 3"},
        {"address": "12 Lê Lợi", "ward": "Phường", "district": ""},  # a ward cell holding only its type names none
        {"address": "", "ward": "", "district": None},
    ]
    assert _joined(rows) == [
        "12 Lê Lợi",
        "12 Lê Lợi, Phường 12, Quận 3",  # a blank text: the parts, as for a source without text
        "12 Lê Lợi, Quận 3",  # was '12 Lê Lợi,  , Quận 3'
        "12 Lê Lợi",
        None,  # nothing: the row's address is missing (quarantined, as before)
    ]

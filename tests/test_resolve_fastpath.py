"""The tail path of resolve_addresses (each distinct administrative tail read once) gives exactly the
output of the per-address path (every distinct address read whole) — any difference is a failure.

Inputs: a generated mixed set (old form, hard old form, 2025 form, every mess type, split units with
and without gazetteer evidence, bad input), the same tails behind street parts that carry units
(ward numbers, districts, wards, gazetteer names, 2025 wards), and hand-written edge cases (no
commas, separators made by Unicode normalisation, control characters, " - " beside a comma); each
with no hint, per-row as-of dates and per-row scheme values.
"""

from __future__ import annotations

import random
import sys
import unicodedata

import polars as pl
import pytest

from pipelines.reference import default_reference
from pipelines.resolve import _SEPARATOR_MAKERS, _province_segment, index_for, resolve_addresses
from pipelines.synth.addresses import ALL_MESS_TYPES, generate_addresses
from tests.resolvehelpers import generated_addresses, synthetic_reference

N = 5_000
SEED = 11

HEADS = [
    "12",
    "so 12 Đường Nguyễn Trãi 2",
    "88 trần hưng đạo 7",
    "Quận 1",
    "Q.5",
    "123 Quận 1",
    "P.12",
    "Phường Bến Nghé",
    "Xã An Phú",
    "Huyện Củ Chi",
    "45/2 NGUYEN VAN CU PHUONG AN PHU",
    "12 Lê Lợi Phước Trung",
    "Tổ 5, Khu phố 5A",
    "Thành phố Thủ Đức",
    "Phường Sài Gòn",
    "Đại lộ Bình Dương",
    "Hẻm 22 Tân Định",
    "Vũng Tàu",
    "Gò Vấp",
    "tpthuduc",
    "q1",
    "12 - Thủ Đức",
    "Hẻm 5 Quận 3",
    "Côn Đảo",
    "",
    " - ",
]

# Street parts put before comma-less addresses: the comma-less path cuts before the first unit
# marker, so these end with marker words, parts of markers ("t p", "thanhpho", "th" + "i xa"), unit
# names, house numbers that are ward numbers, " - ".
COMMALESS_HEADS = [
    "12 Lê Thị",
    "12 Nguyễn Chí Thanh",
    "45 Trần",
    "12 Lạc Long Quân",
    "7",
    "12",
    "so 12",
    "Hẻm 5",
    "12 thanhpho",
    "12 T",
    "12 t p",
    "12 th",
    "12 Đắc",
    "12 Khu",
    "12 Phố",
    "88 trần hưng đạo 7",
    "12 Lê Lợi Phước Trung",
    "12 Tân Định",
    "12 Bến Nghé",
    "12 Đại lộ Bình Dương",
    "12 Vũng Tàu",
    "12 Dĩ An",
    "12 Thủ Đức",
    "12 Gò Vấp",
    "12 Xà",
    "12 Phú",
    "Bình",
    "An Phú",
    "12 - Lê Lợi",
    "12 Lê Lợi -",
]

EDGE = [
    # Comma-less, where the street part and the tail make a ward name read without marker: the tail
    # alone must not be used ("Mỹ P Hước" is "Mỹ Phước" read whole).
    "12 Mỹ P Hước Thành phố Bến Cát",
    "12 Long P Hước Thành phố Bà Rịa",
    "12 Tân P Hước Khánh Thành phố Tân Uyên Bình Dương",
    "12 Lê Thanhpho Xã An Phú Huyện Củ Chi",
    "12 Lê T P Hồ Chí Minh Phường 5 Quận 3",
    "so 12 Đường Nguyễn Trãi 2 Quận 5 tphcm",
    "88 trần hưng đạo 7 quận 5 hcm",
    "45/2 NGUYEN VAN CU PHUONG AN PHU THUAN AN T. BINH DUONG",
    "12 Lê Lợi Phước Trung Thành phố Bà Rịa",
    "12 Nguyễn Huệ\u037e P. Bến Nghé, Q.1, TP.HCM",  # GREEK QUESTION MARK: NFD makes it ';'
    "12 Nguyễn Huệ,\u037e P. Bến Nghé, Q.1, TP.HCM",
    "12 Nguyễn Huệ\n, P. Bến Nghé\t, Q.1, TP.HCM",
    "12 Nguyễn Huệ\x85,P. Bến Nghé,Q.1",
    "12 Nguyễn Huệ - , - P. Bến Nghé - Q.1 - TP.HCM",
    "12 Nguyễn Huệ,  ,, P. Bến Nghé,,Q.1,",
    "12 Nguyễn Huệ, - ",
    "12 Nguyễn Huệ,",
    ",",
    "(P. Bến Nghé) Q.1",
    "12 Nguyễn Huệ [P. Bến Nghé] Q.1",
    "12 Nguye\u0302\u0303n Hue\u0302\u0301, Phu\u031bo\u031b\u0300ng Be\u0302\u0301n Nghe\u0301, Qua\u0323\u0302n 1",
    "Phường Tân Định, TP.HCM",
    "8 Hai Bà Trưng, Phường Tân Định",
    "Phường Bàn Cờ, TP.HCM",
    "PBình Hưng Hòa, Bình Tân",
    "x" * 499 + ", Phường Bến Nghé, Quận 1",
    "12 Lê Lợi, " + "x" * 600,
    "",
    "   ",
    None,
]


@pytest.fixture(scope="module")
def reference():
    return synthetic_reference(SEED)[0]


@pytest.fixture(scope="module")
def addresses(reference) -> list[str | None]:
    truth = generated_addresses(N, SEED, ALL_MESS_TYPES)
    generated = truth["address"].to_list()
    rnd = random.Random(SEED)
    # Tails of generated addresses behind street parts that name units or gazetteer entries.
    gazetteer_names = reference.gazetteer["name"].unique().sort().to_list()
    heads = HEADS + [f"{rnd.randint(1, 300)} {name}" for name in rnd.sample(gazetteer_names, 40)]
    with_commas = [a for a in generated if a and "," in a]
    swapped = [f"{rnd.choice(heads)}, {a.split(',', 1)[1]}" for a in rnd.sample(with_commas, 1000)]
    # Comma-less: whole addresses and administrative parts alone behind the street parts above.
    commaless = [
        f"{rnd.choice(COMMALESS_HEADS)} {(a if rnd.random() < 0.5 else a.split(',', 1)[1]).replace(',', ' ')}"
        for a in rnd.sample(with_commas, 1500)
    ]
    return generated + swapped + commaless + EDGE


def _compare(addresses, reference, resolver=resolve_addresses, **hints) -> int:
    fast = resolver(addresses, reference, **hints)
    whole = resolver(addresses, reference, by_tail=False, **hints)
    assert fast.columns == whole.columns
    assert fast.height == whole.height == len(addresses)
    diff = (
        pl.concat([fast.with_row_index("row"), whole.with_row_index("row")])
        .unique(keep="none", maintain_order=True)
        .sort("row")
    )
    assert diff.is_empty(), f"{diff['row'].n_unique()} rows differ:\n{diff.head(20)}"
    return fast.height


def test_tail_path_equals_per_address_path(addresses, reference):
    assert _compare(addresses, reference) > N


def test_tail_path_equals_per_address_path_with_dates_and_schemes(addresses, reference):
    rnd = random.Random(SEED + 1)
    n = len(addresses)
    as_of = [rnd.choice(["2024-05-01", "01/08/2025", None, "not a date"]) for _ in range(n)]
    scheme = [rnd.choice(["old", "2025", None, "pre2025", "?"]) for _ in range(n)]
    _compare(addresses, reference, as_of=as_of)
    _compare(addresses, reference, scheme=scheme, as_of="2025-09-01")


def test_comparison_catches_a_difference(addresses, reference):
    """The comparison itself fails when one reading differs (here: a row resolved under another date)."""
    sample = [a for a in addresses[:3000] if a]
    fast = resolve_addresses(sample, reference)
    other = resolve_addresses(sample, reference, as_of="2024-01-01")
    diff = pl.concat([fast.with_row_index("row"), other.with_row_index("row")]).unique(keep="none")
    assert not diff.is_empty()


def test_only_the_listed_characters_become_separators_when_cleaned():
    """The tail is cut from the raw text: that holds only if no other character turns into a separator
    when lower-cased or decomposed (such rows are cleaned whole)."""
    separators = set(",;|()[]")
    makers = {
        c
        for c in map(chr, range(sys.maxunicode + 1))
        if c not in separators
        and separators & set(unicodedata.normalize("NFD", c.lower()) + unicodedata.normalize("NFD", c))
    }
    assert makers == set(_SEPARATOR_MAKERS)


def test_province_segments_read_once_only_where_they_name_provinces_alone(reference):
    """Tails whose last segment spells the same provinces are read once; a segment that also reads as
    something else (a district, a 2025 ward, a trailing country) keeps its own reading."""
    idx = index_for(reference)
    hcm = _province_segment(idx, "tp hcm")
    assert hcm is not None
    assert _province_segment(idx, "thanh pho ho chi minh") == hcm
    assert _province_segment(idx, "tinh binh duong") not in (None, hcm)  # old Bình Dương, 2025 HCMC
    for segment in ("vung tau", "tinh ba ria - vung tau", "binh duong", "thu duc", "phuong sai gon", "tp hcm vn"):
        assert _province_segment(idx, segment) is None, segment
    # Read through the tail path, the spellings give the same rows as read whole (see _compare above).
    rows = [f"{n} Lê Lợi, P. Bến Nghé, Q.1, {p}" for n in (1, 2) for p in ("TP.HCM", "tp hcm", "Thành phố Hồ Chí Minh")]
    rows += ["3 Lê Lợi, Phường Bình Dương, Bình Dương", "4 Lê Lợi, Phường Thắng Tam, Vũng Tàu"]
    assert _compare(rows, reference) == len(rows)


def test_fast_accent_folding_equals_the_expression():
    """strip_accents_series (one replace_many pass, the expression only for what that leaves non-ASCII)
    gives strip_accents_expr's values: Vietnamese in NFC and NFD, upper case, đ/Đ, other scripts whose
    lower case depends on context (final sigma), ligatures, nulls and empty text."""
    from pipelines.text import fold_table, strip_accents_expr, strip_accents_fast_expr, strip_accents_series

    words = ["Phường Tân Định", "QUẬN THỦ ĐỨC", "Xã Đắk Wil", "Hoà Hòa thuỷ thủy", "Côn Đảo ĐK", "İstanbul"]
    words += ["ΟΔΟΣ ΣΑΣ", "ﬁ ß ẞ", "ñandú Ǆ ǅ", "Ꮳ K Å", "\x00 tab\t", "", "12/3 Lê Lợi; P.12"]
    texts = words + [unicodedata.normalize("NFD", w) for w in words] + [None]
    frame = pl.DataFrame({"t": texts}, schema={"t": pl.String})
    expected = frame.select(strip_accents_expr(pl.col("t")))["t"]
    assert frame.select(strip_accents_fast_expr(pl.col("t")))["t"].to_list() == expected.to_list()
    assert strip_accents_series(frame["t"]).to_list() == expected.to_list()
    # Both ways were taken: Vietnamese letters through the table, Greek (not in it) through the expression.
    keys, _values = fold_table()
    assert "ệ" in keys and "Đ" in keys and "\u0301" in keys and "Σ" not in keys


def test_key_tables_keep_what_lookups_derive_from_them():
    """Each key table computes its keys' suffixes once, however many tables are in use (a shared cache
    of a few tables was cleared on nearly every lookup), and again only when keys are added."""
    from pipelines.resolve import KeyTable, _longest_key, _suffixes

    tables = [KeyTable({f"phuong{i}": {f"u{i}"}, "tanđinh": {"x"}}) for i in range(50)]
    first = [_suffixes(t) for t in tables]
    assert all(_suffixes(t) is s for t, s in zip(tables, first, strict=True))
    assert "inh" in first[0] and "phuong0" not in first[0]  # proper suffixes only
    tables[0]["benthanhmarket"].add("y")
    assert "market" in _suffixes(tables[0]) and _suffixes(tables[1]) is first[1]
    assert _longest_key(tables[0], None) == len("benthanhmarket")
    assert _longest_key(tables[1], KeyTable({"a" * 30: {"z"}})) == 30


def test_clean_up_equals_the_regex_chain_it_replaces():
    """clean_expr (one regex for ' - ' over whitespace runs, literal patterns for the spaces around
    separators, the fast accent fold) gives the text of the plain regex chain on random strings of
    the characters that make those steps differ: whitespace kinds, hyphens, every separator, '~',
    marks, punctuation."""
    from pipelines.resolve import _CONTROL, clean_expr
    from pipelines.text import strip_accents_expr

    def reference(column: pl.Expr) -> pl.Expr:
        folded = strip_accents_expr(column.str.replace_all(_CONTROL, " ")).str.replace_all(r"\s+", " ")
        return (
            folded.str.replace_all(" - ", "~", literal=True)
            .str.replace_all(r"[^a-z0-9,;|()\[\]~]+", " ")
            .str.replace_all(r" ?([,;|()\[\]~]) ?", "$1")
            .str.replace_all("~", " - ", literal=True)
            .str.strip_chars()
        )

    alphabet = ["a", "B", "1", " ", "  ", "\t", "\n", "\u00a0", "-", " - ", ",", ";", "|", "(", ")", "[", "]", "~"]
    alphabet += [".", "đ", "Á", "\u0301", "\x07", "Σ"]
    rng = random.Random(SEED)
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(3000)] + [None]
    frame = pl.DataFrame({"t": texts}, schema={"t": pl.String})
    got = frame.select(clean_expr(pl.col("t")))["t"]
    want = frame.select(reference(pl.col("t")))["t"]
    assert got.to_list() == want.to_list()
    assert want.str.contains(" - ").any() and want.str.contains(",").any()  # the cases occur


def test_moved_cuts_read_wards_without_marker_as_whole_addresses(reference):
    """Comma-less addresses whose ward has no marker ("298 Điện Biên Phủ Hòa Bình Huyện Xuyên Mộc BRVT")
    are read from a cut moved into the street part (the two street words before it standing as their
    classes); behind street parts that end with street words, house numbers, unit words and names,
    they give the rows read whole — and most are read by a moved cut, not whole."""
    from pipelines._native import source_module

    resolve = source_module()  # the spy is seen by the Python source's own calls, not by a compiled module's

    # (the generator's catalogue of the reference of mappings/, kept: the same units and crosswalk as ``reference``)
    truth = generate_addresses(600, seed=SEED + 2, reference=default_reference(), mess_types=("no_markers",))
    rnd = random.Random(SEED + 2)
    streets = ["Hẻm 5", "12 Đường", "12 Lê Lợi 7", "so 12 Tân", "12 Phú", "45 Lê Thị", "12 Xà", "9 Ngõ Huế"]
    rows = truth["address"].to_list()
    rows += [f"{rnd.choice(streets)} {a.split(' ', 1)[1]}" for a in rows]
    rows += [f"{rnd.choice(streets)} {a}" for a in rows[:300]]
    # A street word starting the street (after a house number) makes the name after it a street's.
    units = ["Tân Định Quận 1 TPHCM", "7 Quận 3 HCM", "Bến Nghé Quận 1", "An Phú Thành phố Thủ Đức", "2 Quận 5 SG"]
    rows += [f"{h} {u}" for h in ("12 Đường", "Hẻm 22", "so 5 Hẻm", "12 Lê Đường", "5 Kiệt", "a b Ngõ") for u in units]
    seen = []
    original = resolve._read_cut_tails

    def spy(idx, keys, classes=False):
        final, splits = original(idx, keys, classes)
        seen.append((classes, final.height + splits.height))
        return final, splits

    resolve._read_cut_tails = spy
    try:
        assert _compare(rows, reference, resolve.resolve_addresses) == len(rows)
    finally:
        resolve._read_cut_tails = original
    assert sum(n for classes, n in seen if classes) > len(truth) // 4  # keys read by a moved cut


def test_long_tails_read_from_their_last_three_segments(reference, monkeypatch):
    """Tails of four or more segments (hamlets, quarters before the ward) are read once per distinct last
    three segments; where that reading would need the text before it (the ward in the fourth-last
    segment, a trailing country, a cut after the first word of a two-word marker, an empty segment),
    the tail is read whole. Every row gives the reading of the per-address path."""
    from pipelines._native import source_module

    resolve = source_module()  # the spy is seen by the Python source's own calls, not by a compiled module's

    units = ["P. Bến Nghé, Q.1, TP.HCM", "Phường 12, Quận Tân Bình, Thành phố Hồ Chí Minh", "Xã An Phú, Huyện Củ Chi"]
    units += ["Phường Tân Tạo A, Quận Bình Tân, SG", "Phường Tân Định, TP.HCM", "Xã Phú Hòa Đông, Tỉnh Bình Dương"]
    heads = ["12 Lê Lợi, Khu phố {n}", "Tổ {n}, Ấp {n}B", "{n} Nguyễn Huệ, Tổ {n}, Khu phố 3", "Hẻm {n}, ,"]
    rows = [f"{h.format(n=n)}, {u}" for h in heads for u in units for n in range(1, 6)]
    # The last three segments alone do not read the address: the ward before them, a country after.
    rows += [f"12 Lê Lợi, Khu phố {n}, P. Bến Nghé, Q.1, TP.HCM, Việt Nam" for n in range(1, 4)]
    rows += [f"12 Lê Lợi, Thành, phố Thủ Đức, P. An Phú, TP.HCM{n}" for n in range(3)]
    rows += [f"12 Lê Lợi, Khu phố {n}, Phường Bến Nghé,, Quận 1" for n in range(3)]
    read = []
    original = resolve._read_tails

    def spy(idx, tails):
        read.append(tails["_tail"].to_list())
        return original(idx, tails)

    monkeypatch.setattr(resolve, "_read_tails", spy)
    assert _compare(rows, reference, resolve.resolve_addresses) == len(rows)
    first = set(read[0])
    # One key for the hamlets' rows of each unit (the province written as its shortest spelling seen).
    assert {t for t in first if "ben nghe" in t and "viet" not in t} == {"p ben nghe,q 1,sg", "phuong ben nghe,,quan 1"}
    assert not any(t.startswith("to ") for t in first)  # "to n,khu pho 3,...": its last three segments read it
    # The ward before the last three segments: read from the ward on (tests/test_resolve_ward_cut.py);
    # read whole: a two-word marker across.
    assert {t for t in first if "viet nam" in t} == {"p ben nghe,q 1,tp hcm,viet nam"}
    assert not any(t.startswith("pho thu duc") for t in first)

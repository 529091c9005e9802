"""Resolve old (pre-2025) addresses to their 2025 commune-level unit.

How an address is read
----------------------
1. Columnar clean-up (Polars): NFC, control characters removed, lower case,
   diacritics removed (so "Hoà"/"Hòa", NFD and unaccented text are equal).
   Everything after this works on *distinct* cleaned strings only.
2. The cleaned text is cut into tokens; commas, semicolons, brackets and " - "
   are segment boundaries. Unit-type words (phường, p., f., quận, q., huyện,
   tp., tx., tt., xã ...) are markers.
3. Parsing runs right to left, as Vietnamese addresses go small -> large from
   left to right: province (optional), then the district, then the ward that
   stands immediately left of it. A name only counts as a unit when it is
   *anchored*: it starts a segment or follows a unit-type marker. That is what
   keeps "Đại lộ Bình Dương" or "Đường Tân Định" from being read as a unit.
4. Exact lookups use folded keys (``pipelines.text.fold``) against the unit
   names and the alias table. Only when they fail does rapidfuzz compare the
   segment with the names *inside the already-resolved parent*, so a typo can
   never jump to another district.
5. The old unit goes through the crosswalk. A split old unit is resolved only
   on evidence from the gazetteer (a street, hamlet or quarter in the address);
   otherwise all its parts are returned for review.
"""

from __future__ import annotations

import gc
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final, cast

import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import OSA

from pipelines.reference import HCMC_OLD_PROVINCES, Reference, default_reference
from pipelines.resolve_tables import KeyTable, Markers
from pipelines.schema import RESOLVED_ADDRESS
from pipelines.text import fold_table, is_whole_number, strip_accents, strip_accents_fast_expr

MAX_INPUT_CHARS = 500  # real addresses are < 200 characters; longer input is not an address
FUZZY_MIN_CHARS = 5  # shorter names are too close to each other to correct a typo safely
MAX_SPAN = 6  # longest unit name in tokens ("thanh pho ba ria vung tau")
# resolve_addresses finds the distinct addresses first unless the distinct values number more than
# DISTINCT_SHARE of the rows, as estimated from the first DEDUPE_SAMPLE (N rows drawn from D values hold
# fewer distinct rows than D, so this is not the share of distinct rows; the result is the same either way,
# only the work differs).
DEDUPE_SAMPLE = 20_000
DISTINCT_SHARE = 0.95
UNCERTAIN = 0.9  # the highest confidence of an answer that is not exact (a default, a date or a typo decided)


# Unit-type words as they appear after folding, longest first. Multi-word ones
# are written with spaces and matched on consecutive tokens (Markers: pipelines/resolve_tables.py).
WARD_MARKERS = Markers("thi tran", "phuong", "ward", "xa", "tt", "p", "f", "x")
# The 2025 form has no district and no township (thị trấn); it adds the special zone (đặc khu, ĐK).
WARD_MARKERS_2025 = Markers("dac khu", "phuong", "ward", "xa", "dk", "p", "f", "x")
DISTRICT_MARKERS = Markers("thanh pho", "thi xa", "district", "quan", "huyen", "dist", "tp", "tx", "q", "h")
PROVINCE_MARKERS = Markers("thanh pho", "tinh", "tp", "t")
STREET_MARKERS = frozenset(("duong", "dai", "hem", "ngo", "ngach", "kiet", "so", "to", "lo", "km", "quoc", "tinh lo"))
TRAILING_COUNTRY = (("viet", "nam"), ("vietnam",), ("vn",))
_COUNTRY_BY_LAST = {w: [c for c in TRAILING_COUNTRY if c[-1] == w] for w in {c[-1] for c in TRAILING_COUNTRY}}
MARKER_TYPES = {  # marker -> unit types it may introduce (for disambiguation)
    "phuong": {"Phường"},
    "p": {"Phường"},
    "f": {"Phường"},
    "ward": {"Phường"},
    "xa": {"Xã"},
    "x": {"Xã"},
    "thi tran": {"Thị trấn"},
    "tt": {"Thị trấn"},
    "dac khu": {"Đặc khu"},
    "dk": {"Đặc khu"},
}
SCHEMES = ("pre2025", "2025")
# Words that start a unit of a lower level: a segment starting with one is not a district/province.
_WARD_WORDS = frozenset(w for m in (*WARD_MARKERS, *WARD_MARKERS_2025) for w in m.split(" ")[:1])
_LOWER_UNIT_WORDS = {
    WARD_MARKERS: frozenset(),
    WARD_MARKERS_2025: frozenset(),
    DISTRICT_MARKERS: _WARD_WORDS,
    PROVINCE_MARKERS: _WARD_WORDS | {"quan", "huyen", "q", "h", "tx", "district", "dist"},
}
REFORM_DATE = "2025-07-01"  # Resolution 202/2025/QH15: the two-tier form from this day
_TOKEN = re.compile(r"[a-z0-9]+|[,;|()\[\]\n]| - ")
_WORD = re.compile(r"[a-z0-9]+")
_COMPACT_MARKER = re.compile(r"^([pfqhx])(\d{1,2})$")
_CONTROL = r"[\x00-\x1f\x7f-\x9f]"
_DIGITS = re.compile(r"[^0-9]+")

_RESULT_SCHEMA = {
    "old_uid": pl.String,
    "new_uid": pl.String,
    "status": pl.String,
    "confidence": pl.Float64,
    "reason": pl.String,
}


def _squash(tokens: Sequence[str]) -> str:
    return _normalise_number("".join(tokens))


def _normalise_number(key: str) -> str:
    """'03' and '3' are the same numbered ward."""
    return key.lstrip("0") or key if key.isdigit() else key


def alias_forms(key: str, markers: Markers) -> list[str]:
    """An alias key and its forms without a unit-type prefix.

    A one-letter prefix is only removed before a digit ("p13" -> "13"): removing
    it before a name would turn "phuthanh" into the non-name "huthanh".
    """
    forms = [key]
    for squashed, _marker in markers.squashed:
        rest = key[len(squashed) :]
        if key.startswith(squashed) and rest and (len(squashed) > 1 or rest[0].isdigit()):
            forms.append(_normalise_number(rest))
    return forms


def _glued_forms(key: str, markers: Markers) -> list[tuple[str, str]]:
    """A squashed key without each unit-type prefix it could carry (hot path: only the markers
    starting with its first letter are tried, in the markers' order)."""
    out = []
    for squashed, marker in markers.squashed_by_letter.get(key[:1], ()):
        if key.startswith(squashed) and len(key) > len(squashed):
            out.append((_normalise_number(key[len(squashed) :]), marker))
    return out


def _key_tables() -> defaultdict[str, KeyTable]:
    return defaultdict(KeyTable)


@dataclass
class ResolverIndex:
    """Lookup tables built once per reference: folded key -> units, per parent."""

    province_keys: KeyTable = field(default_factory=KeyTable)
    district_keys: dict[str, KeyTable] = field(default_factory=_key_tables)
    ward_keys: dict[str, KeyTable] = field(default_factory=_key_tables)
    ward_alias_keys: dict[str, KeyTable] = field(default_factory=_key_tables)
    wards_by_province: dict[str, KeyTable] = field(default_factory=_key_tables)
    district_keys_merged: dict[tuple[str, ...], KeyTable] = field(default_factory=dict)
    wards_merged: dict[tuple[str, ...], KeyTable] = field(default_factory=dict)  # see _wards_of_provinces
    district_cache: dict[tuple, tuple] = field(default_factory=dict)  # see _find_districts
    ward_cache: dict[tuple, tuple] = field(default_factory=dict)  # see _find_ward
    ward_choices: dict[str, KeyTable] = field(default_factory=dict)  # names and aliases, for typos
    district_province: dict[str, str] = field(default_factory=dict)
    district_name: dict[str, str] = field(default_factory=dict)
    island_district_uid: dict[str, str] = field(default_factory=dict)  # districts without communes
    ward_type: dict[str, str] = field(default_factory=dict)
    ward_accented: dict[str, str] = field(default_factory=dict)
    parts: dict[str, list[str]] = field(default_factory=dict)  # old uid -> new uids (default first)
    gazetteer: dict[str, list[tuple[str, str, str, str]]] = field(
        default_factory=dict
    )  # old uid -> (needle, kind, name, new uid)
    scope_provinces: tuple[str, ...] = HCMC_OLD_PROVINCES
    # The 2025 scheme: province -> ward keys, every ward key in the country, the provinces searched
    # when an address names none (those the old scope provinces became), old province -> new.
    new_province_keys: KeyTable = field(default_factory=KeyTable)
    new_ward_keys: dict[str, KeyTable] = field(default_factory=_key_tables)
    new_ward_all: KeyTable = field(default_factory=KeyTable)
    new_ward_type: dict[str, str] = field(default_factory=dict)  # its type, and the type its name starts with
    new_ward_key: dict[str, str] = field(default_factory=dict)
    new_ward_old_provinces: dict[str, set[str]] = field(default_factory=dict)  # the provinces its territory was in
    new_hyphen_keys: dict[str, KeyTable] = field(default_factory=_key_tables)  # names with " - ", per province
    new_ward_last_words: set[str] = field(default_factory=set)  # the last word of each 2025 name ("tinh")
    new_province_own_keys: KeyTable = field(default_factory=KeyTable)  # 2025 provinces by their own names only
    old_province_name: dict[str, str] = field(default_factory=dict)
    new_scope: tuple[str, ...] = ()
    old_units: Any = None
    new_units: Any = None
    candidates: Any = None
    gazetteer_frame: pl.DataFrame | None = None  # idx.gazetteer as a table (vectorised split evidence)
    district_key_list: pl.Series | None = None  # every district key (see _may_end_with_district)
    unit_tables: tuple | None = None  # see _unit_tables
    old_wards_by_key: dict[str, dict[str, set[str]]] | None = None  # see _old_wards_named
    diacritic_needles: pl.DataFrame | None = None  # see _diacritic_needles


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", strip_accents(text)))


_VOWELS = frozenset("aeiouy")


def _iy(word: str, to: str) -> str:
    """Syllable-final i/y after a consonant written as ``to``: 'quy'/'qui', 'my'/'mi', 'ky'/'ki'.

    Vietnamese writes both (Quý/Quí, Mỹ/Mĩ, Kỳ/Kì); 'uy' after another consonant ('thuy', 'huy')
    and 'ay'/'oy'/'ai'/'oi' are other vowels and stay.
    """
    if len(word) < 2 or word[-1] not in "iy":
        return word
    before = word[-2]
    if before not in _VOWELS or (before == "u" and word[-3:-2] == "q"):
        return word[:-1] + to
    return word


def name_keys(name: str) -> tuple[str, ...]:
    """Matching keys of a reference name: folded words squashed, numbers without zeros, as written
    and with every syllable-final i/y written the other way (the text is matched as written)."""
    words = _words(name).split(" ")
    forms = ["".join(words), "".join(_iy(w, "i") for w in words), "".join(_iy(w, "y") for w in words)]
    return tuple(dict.fromkeys(_normalise_number(f) for f in forms))


def _key(name: str) -> str:
    return name_keys(name)[0]


def build_index(reference: Reference, scope_provinces: Sequence[str] = HCMC_OLD_PROVINCES) -> ResolverIndex:
    idx = ResolverIndex(scope_provinces=tuple(scope_provinces))
    units = reference.units_pre2025
    for row in units.iter_rows(named=True):
        district, province = row["district_code"], row["province_code"]
        idx.district_province[district] = province
        idx.district_name[district] = row["district_name"]
        if row["unit_uid"].startswith("pre2025-district:"):
            idx.island_district_uid[district] = row["unit_uid"]
            continue
        for key in name_keys(row["short_name"]):
            idx.ward_keys[district][key].add(row["unit_uid"])
            idx.wards_by_province[province][key].add(row["unit_uid"])
        idx.ward_type[row["unit_uid"]] = row["unit_type"]
        idx.ward_accented[row["unit_uid"]] = row["short_name"].lower()
    for row in (
        units.select("district_code", "district_short_name", "district_name", "province_code")
        .unique()
        .iter_rows(named=True)
    ):
        for key in (*name_keys(row["district_short_name"]), *name_keys(row["district_name"])):
            idx.district_keys[row["province_code"]][key].add(row["district_code"])
    _add_district_initials(idx, units)
    for row in units.select("province_code", "province_short_name", "province_name").unique().iter_rows(named=True):
        for key in (_key(row["province_short_name"]), _key(row["province_name"])):
            idx.province_keys[key].add(row["province_code"])

    ward_district = dict(units.select("unit_uid", "district_code").iter_rows())
    for level, key, target in reference.aliases.select("level", "alias_key", "target_uid").iter_rows():
        code = target.rsplit(":", 1)[1]
        if level == "province":
            for stripped in alias_forms(key, PROVINCE_MARKERS):
                idx.province_keys[stripped].add(code)
        elif level == "district" and code in idx.district_province:
            for stripped in alias_forms(key, DISTRICT_MARKERS):
                idx.district_keys[idx.district_province[code]][stripped].add(code)
        elif level == "ward" and target in ward_district:
            district = ward_district[target]
            for stripped in alias_forms(key, WARD_MARKERS):
                # An alias never shadows the current name of another unit.
                if stripped not in idx.ward_keys[district]:
                    idx.ward_alias_keys[district][stripped].add(target)

    crosswalk = reference.crosswalk.sort("old_uid", pl.col("is_default"), "new_uid", descending=[False, True, False])
    for old_uid, new_uid in crosswalk.select("old_uid", "new_uid").iter_rows():
        idx.parts.setdefault(old_uid, []).append(new_uid)
    for old_uid, kind, name, new_uid in reference.gazetteer.select("old_uid", "kind", "name", "new_uid").iter_rows():
        idx.gazetteer.setdefault(old_uid, []).append((f" {_words(name)} ", kind, name, new_uid))

    _build_2025(idx, reference)
    idx.old_units = units.select(
        old_uid="unit_uid", old_code="code", old_name="name", old_district="district_name", old_province="province_name"
    )
    idx.new_units = reference.units_2025.select(new_uid="unit_uid", new_code="code", new_name="name")
    idx.candidates = crosswalk.group_by("old_uid", maintain_order=True).agg(candidates=pl.col("new_uid"))  # as parts
    return idx


INITIALS_PROVINCES = ("79",)  # where districts go by their initials ("Q.GV", "Q.PN", "Q.TB": HCMC)


def _add_district_initials(idx: ResolverIndex, units: pl.DataFrame) -> None:
    """The initials of a district's two-word name as one of its keys ("P.12, Q.GV": Gò Vấp, "Q.PN": Phú
    Nhuận), in the provinces where that is written (``INITIALS_PROVINCES``), where no other district of the
    province has the same ("BT": Bình Thạnh or Bình Tân) and they are no unit-type word ("TP": Tân Phú)."""
    names = units.filter(pl.col("province_code").is_in(INITIALS_PROVINCES)).select(
        "province_code", "district_code", "district_short_name"
    )
    by_initials: dict[tuple[str, str], set[str]] = defaultdict(set)
    for province, district, short in names.unique().iter_rows():
        words = _words(short).split(" ")
        if len(words) == 2 and not any(w.isdigit() for w in words):
            by_initials[(province, words[0][0] + words[1][0])].add(district)
    for (province, initials), districts in by_initials.items():
        if len(districts) == 1 and initials not in _ALL_MARKER_FIRST and initials not in idx.district_keys[province]:
            idx.district_keys[province][initials] |= districts
    # Numbered districts written in words ("Quận Nhất": Quận 1), as one key with the marker: the word alone is
    # common ("Chưa cập nhật": not yet updated) and must not read as a district.
    for province, district, short in names.unique().iter_rows():
        for key in _DISTRICT_WORDS.get(_key(short), ()):
            if key not in idx.district_keys[province]:
                idx.district_keys[province][key].add(district)


# A numbered district's short name (its key) -> its keys in words, with the marker ("Nhứt": the southern form).
_DISTRICT_WORDS = {"quan1": ("quannhat", "quannhut")}


def _build_2025(idx: ResolverIndex, reference: Reference) -> None:
    """Keys of the 2025 scheme: every ward of the country under its province.

    A 2025-form address may still name its province the old way ("Bình Dương", "BRVT"):
    every old province key also stands for the new province most of its units went to.
    """
    new = reference.units_2025
    for uid, name, short, utype, province in new.select(
        "unit_uid", "name", "short_name", "unit_type", "province_code"
    ).iter_rows():
        for key in name_keys(short):
            idx.new_ward_keys[province][key].add(uid)
            idx.new_ward_all[key].add(uid)
        # Two units' names start with another type than theirs ("Phường Việt Hòa" is a Xã): either counts.
        idx.new_ward_type[uid] = f"{utype}|{name.removesuffix(short).strip()}"
        idx.new_ward_key[uid] = _key(short)
        idx.new_ward_last_words.add(_words(short).rsplit(" ", 1)[-1])
        if " - " in short:  # "Xuân Hương - Đà Lạt": a typo is corrected across the " - " (_ward_2025)
            for key in name_keys(short):
                idx.new_hyphen_keys[province][key].add(uid)
    for row in new.select("province_code", "province_short_name", "province_name").unique().iter_rows(named=True):
        for key in (_key(row["province_short_name"]), _key(row["province_name"])):
            idx.new_province_keys[key].add(row["province_code"])
            idx.new_province_own_keys[key].add(row["province_code"])
    old_to_new = (
        reference.crosswalk.join(
            reference.units_pre2025.select("unit_uid", old_p="province_code"), left_on="old_uid", right_on="unit_uid"
        )
        .join(new.select("unit_uid", new_p="province_code"), left_on="new_uid", right_on="unit_uid")
        .group_by("old_p", "new_p")
        .len()
        .sort("old_p", "len", "new_p", descending=[False, True, False])
        .unique("old_p", keep="first")
    )
    old_to_new = dict(old_to_new.select("old_p", "new_p").iter_rows())
    old_province = dict(reference.units_pre2025.select("unit_uid", "province_code").iter_rows())
    for old_uid, new_uid in reference.crosswalk.select("old_uid", "new_uid").iter_rows():
        if old_uid in old_province:
            idx.new_ward_old_provinces.setdefault(new_uid, set()).add(old_province[old_uid])
    for key, codes in list(idx.province_keys.items()):
        idx.new_province_keys[key] |= {old_to_new[c] for c in codes if c in old_to_new}
    # An old province that goes on under its name and code (HCMC, Hà Nội): its old spellings are current.
    old_names = dict(reference.units_pre2025.select("province_code", "province_name").unique().iter_rows())
    new_names = dict(new.select("province_code", "province_name").unique().iter_rows())
    kept = {c for c, name in old_names.items() if new_names.get(c) == name}
    idx.old_province_name.update(old_names)
    for key, codes in list(idx.province_keys.items()):
        if codes & kept:
            idx.new_province_own_keys[key] |= codes & kept
    idx.new_scope = tuple(sorted({old_to_new[p] for p in idx.scope_provinces if p in old_to_new}))


@cache
def _default_index() -> ResolverIndex:
    return build_index(default_reference())


_INDEX_CACHE: dict[int, tuple[Reference, ResolverIndex]] = {}


def index_for(reference: Reference | None) -> ResolverIndex:
    """The index of a reference, built once (~0.5 s) and kept for the last few references."""
    if reference is None:
        return _default_index()
    hit = _INDEX_CACHE.get(id(reference))
    if hit is None or hit[0] is not reference:
        if len(_INDEX_CACHE) >= 4:
            _INDEX_CACHE.pop(next(iter(_INDEX_CACHE)))
        hit = _INDEX_CACHE[id(reference)] = (reference, build_index(reference))
    return hit[1]


def forget_readings() -> None:
    """Drop the readings cached in every index kept (``_seen_lookup``; the indexes stay). For a process
    that has finished resolving: after a million addresses the interpreter's exit spends about 0.5 CPU s
    more on them than dropping them first does (measured: 0.34 vs 0.79 s from atexit to the end)."""
    indexes = [idx for _reference, idx in _INDEX_CACHE.values()]
    if _default_index.cache_info().currsize:
        indexes.append(_default_index())
    for idx in indexes:
        idx.ward_cache.clear()
        idx.district_cache.clear()
        for table in (idx.province_keys, idx.new_province_keys, idx.new_province_own_keys):
            table.province_spans = (-1, {})
    _FUZZY_MEMO.clear()


# ---------------------------------------------------------------------------
# Parsing one cleaned address (runs once per distinct string)
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Tokens:
    words: list[str]
    boundary_before: list[bool]  # a segment boundary precedes word i
    hard_before: list[bool]  # ... and it is not " - ", which also occurs inside names ("Bà Rịa - Vũng Tàu")
    # A lookup stopped at the start of the text where, had more text stood before it, it would have read
    # on: the reading of this text as the tail of a longer address is not that address's reading.
    edge: bool = False
    # Provinces of each "one segment further left" district lookup that stopped at the start of the text
    # (parse_address): in a longer text it reads an exact district ending right before this text.
    skips: list = field(default_factory=list)
    # A cut tail (_read_cut_tails): words before ``cut`` stand for the street part of a comma-less
    # address; a lookup that would read them sets ``edge``. 0 for a whole text or a comma tail.
    cut: int = 0
    first: str = ""  # ... and the street part's first word: "0" for a number, else as written or "a" (_read_cuts)
    # ... and the two words before ``cut`` are the classes (``_CLASS_WORDS``) of the street part's last two
    # words, not only its marker words: a ward read without marker may start right at ``cut``.
    classes: bool = False
    # Notes taken out of the words (_take_notes): the old district a "(Quận 1 cũ)" note names, and the
    # 2025 unit a "(nay là Phường Tân Mỹ)" note names (their words; empty without such a note).
    old_note: tuple[str, ...] = ()
    now_note: tuple[str, ...] = ()
    ward_note: tuple[str, ...] = ()  # the old ward a "(Phường 5 cũ)" note names (_with_old_ward)
    source: str = ""  # the text tokenised, where it held notes


def tokenise(text: str, notes: bool = True) -> _Tokens:
    """A cleaned address as the parser reads it: its words and where segments begin (commas, dashes); with ``notes``
    the note words ('cũ', 'nay', 'mới') and what they name are taken out of the words and kept (_noted_tokens)."""
    words: list[str] = []
    boundary: list[bool] = []
    hard: list[bool] = []
    pending, pending_hard = True, True
    for tok in _TOKEN.findall(text):
        if tok[0].isalnum():
            words.append(tok)
            boundary.append(pending)
            hard.append(pending_hard)
            pending = pending_hard = False
        else:
            pending = True
            pending_hard = pending_hard or tok != " - "
    if "ward" in words or "district" in words or "dist" in words:
        _english_order(words, boundary)
    if notes and ("cu" in words or "nay" in words or "moi" in words):
        return _noted_tokens(text, words, boundary, hard)
    return _Tokens(words, boundary, hard)


_ENGLISH_TYPES = frozenset(("ward", "district", "dist"))
_ALL_MARKER_FIRST = frozenset(
    m.split(" ")[0] for ms in (WARD_MARKERS, WARD_MARKERS_2025, DISTRICT_MARKERS, PROVINCE_MARKERS) for m in ms
)


def _english_order(words: list[str], boundary: list[bool]) -> None:
    """A segment that is a name followed by its English type ("Ben Nghe Ward", "Go Vap District", "Binh
    Thanh Dist."), in place: the type put before the name, where Vietnamese writes it. Not a segment
    starting with a house number or a unit-type word."""
    n = len(words)
    starts = [i for i in range(n) if boundary[i]] + [n]
    for s, e in zip(starts[:-1], starts[1:], strict=True):
        if (
            2 <= e - s <= MAX_SPAN + 1
            and words[e - 1] in _ENGLISH_TYPES
            and not words[s][0].isdigit()
            and words[s] not in _ALL_MARKER_FIRST
        ):
            words[s:e] = [words[e - 1], *words[s : e - 1]]


# A note in brackets naming the 2025 unit, with a province perhaps: "(nay là Phường Bà Rịa, TP.HCM)".
_NOW_NOTE = re.compile(r"\((?:nay la|nay thuoc|nay|moi la|moi) ((?:phuong|xa|p|x|f|dac khu|dk|ward) [^()]*)\)")
_NOTE_LEADS = frozenset(("cu", "nay", "moi", "thuoc"))
# A bracketed note naming the old ward it was: "(Phường 5 cũ)", "(P. Bến Nghé cũ)", "(P5 cũ)" (one to four
# words after the type).
_OLD_WARD_NOTE = re.compile(r"\(((?:phuong|xa|thi tran|p|x|tt|f) ?[a-z0-9]+(?: [a-z0-9]+){0,3}) cu\)")
# A bracketed note naming the old district and more, ending with "cũ": "(Huyện Long Điền, tỉnh Bà Rịa -
# Vũng Tàu cũ)": the district is its first part.
_OLD_NOTE_LISTED = re.compile(
    r"\((?:thuoc )?((?:quan|huyen|thanh pho|thi xa|tp|tx|q|h|district|dist) ?[a-z0-9][a-z0-9 ]*),[^()]* cu\)"
)


def _noted_tokens(text: str, words: list[str], boundary: list[bool], hard: list[bool]) -> _Tokens:
    """The tokens of a text holding a note word ("cũ", "nay", "mới"): notes on the old district or the
    2025 unit taken out of the words and kept (``_Tokens.old_note``, ``now_note``). A text starting with
    what would be a note after a separator is the tail of a longer address whose reading may differ
    (``edge``)."""
    now: tuple[str, ...] = ()
    bracketed: tuple[str, ...] = ()
    wards: tuple[str, ...] = ()
    if "(" in text:
        rest = text
        if (m := _NOW_NOTE.search(rest)) is not None:
            now = (m.group(1),)  # as text: it may hold a segment boundary and a province
            rest = rest[: m.start()] + "," + rest[m.end() :]
        if (m := _OLD_NOTE_LISTED.search(rest)) is not None:
            bracketed = (*_WORD.findall(m.group(1)), "cu")  # as an end-form note (_with_old_district)
            rest = rest[: m.start()] + "," + rest[m.end() :]
        if (m := _OLD_WARD_NOTE.search(rest)) is not None:
            wards = tuple(_WORD.findall(m.group(1)))  # "(Phường 5 cũ)": the old ward, a hint (_with_old_ward)
            rest = rest[: m.start()] + "," + rest[m.end() :]
        if rest is not text:
            full = tokenise(rest, notes=False)
            words, boundary, hard = full.words, full.boundary_before, full.hard_before
    old = (_drop_old_notes(words, boundary, hard) if "cu" in words else ()) or bracketed
    if not now and ("nay" in words or "moi" in words) and (taken := _take_now_note(words, boundary, hard)):
        now = (" ".join(taken),)
    first_end = next((i for i in range(1, len(words)) if boundary[i]), len(words))
    edge = bool(words) and (words[0] in _NOTE_LEADS or words[first_end - 1] == "cu")
    edge = edge or text.count(")") > text.count("(")  # cut inside brackets: a note may have begun before
    tokens = _Tokens(words, boundary, hard, edge=edge, old_note=old, now_note=now, source=text)
    tokens.ward_note = tuple(wards)
    return tokens


# Words after "cũ" that start a note of where the unit was ("(cũ: Q.1)", "(cũ Quận 1)"); not "xa":
# "(Cư xá Bắc Hải)" is a quarter.
_OLD_NOTE_NEXT = frozenset(("q", "quan", "p", "phuong", "f", "huyen", "h", "tp", "tx", "tt", "thi", "thanh"))


def _district_note(words: list[str], s: int, e: int) -> bool:
    """Do ``words[s:e]`` start with a district's type and hold a name after it ("quan 1", "tp vung tau",
    "q1")?"""
    if e <= s:  # nothing after the note's lead ("(cũ thuộc)", a note cut off: "(cũ là"): no district
        return False
    if e - s == 1:
        return _COMPACT_MARKER.match(words[s]) is not None and words[s][0] in "qh"
    marker = _marker_at(words, s, e, DISTRICT_MARKERS)
    return marker is not None and s + marker.count(" ") + 1 < e


def _drop_old_notes(words: list[str], boundary: list[bool], hard: list[bool]) -> tuple[str, ...]:
    """A segment that only notes that the unit before it is the old one ("Phường Tân Định (cũ), Quận 1")
    or where it was ("P. Tân Định, TP.HCM (cũ: Q.1)", "(Quận 1 cũ)", "(TP. Vũng Tàu cũ)") is no unit: its
    words are taken out (in place). Returns the words of the first old district such a note names (a hint
    read by ``_with_old_district``, never the address's own unit), or ()."""
    n = len(words)
    starts = [i for i in range(n) if boundary[i]] + [n]
    drop = []
    district: tuple[str, ...] = ()
    for s, e in zip(starts[:-1], starts[1:], strict=True):
        if s == 0:
            continue
        first = None  # where the old district's words start, if the note names one
        if words[s] == "cu" and (e - s == 1 or words[s + 1] in _OLD_NOTE_NEXT):
            drop.append((s, e))
            first = s + 1
        elif (
            words[s] == "cu"
            and hard[s]
            and words[s + 1] in ("la", "thuoc")
            and (e - s == 2 or _district_note(words, s + 2, e))
        ):
            # "(cũ thuộc Q.1)"; not "(cũ là P.5)": another ward, not a note on this one. A note cut off after its
            # lead ("(cũ là", "(cũ thuộc)": a fixed-width field's end) names nothing: taken out as "(cũ)" is
            drop.append((s, e))
            first = s + 2
        elif words[e - 1] == "cu" and e - s >= 2 and hard[s]:
            first = s + (words[s] == "thuoc")  # "(Quận 1 cũ)", "(thuộc Quận 1 cũ)"
            if not _district_note(words, first, e - 1):
                continue
            drop.append((s, e))
            district = district or tuple(words[first:e])  # with its "cu": see _with_old_district
            continue
        if first is not None and not district and first < e and _district_note(words, first, e):
            district = tuple(words[first:e])
    for s, e in reversed(drop):
        if e < len(words):
            hard[e] = hard[e] or hard[s]
        del words[s:e], boundary[s:e], hard[s:e]
    return district


# "(nay là Phường Tân Mỹ)", "(nay thuộc Phường Tân Mỹ)", "(nay: P. Tân Mỹ)", "(mới: Phường Tân Mỹ)".
_NOW_NOTE_WORDS = (("nay", "la"), ("nay", "thuoc"), ("nay",), ("moi", "la"), ("moi",))


def _take_now_note(words: list[str], boundary: list[bool], hard: list[bool]) -> tuple[str, ...]:
    """A segment noting the unit's 2025 name ("(nay là Phường Tân Mỹ)": "now: Tân Mỹ ward") is taken out of
    the words (in place); returns the words after its lead ("phuong tan my") of the first, or ()."""
    n = len(words)
    starts = [i for i in range(n) if boundary[i]] + [n]
    for s, e in zip(starts[:-1], starts[1:], strict=True):
        if s == 0 or not hard[s] or words[s] not in ("nay", "moi"):
            continue
        for lead in _NOW_NOTE_WORDS:
            k = len(lead)
            if tuple(words[s : s + k]) == lead and s + k < e and words[s + k] in _WARD_WORDS:
                note = tuple(words[s + k : e])
                if e < n:
                    hard[e] = hard[e] or hard[s]
                del words[s:e], boundary[s:e], hard[s:e]
                return note
    return ()


def _marker_at(words: list[str], start: int, end: int, markers: Markers) -> str | None:
    """The unit-type marker that starts at token ``start`` (and ends before ``end``), if any."""
    for marker, parts in markers.by_first.get(words[start], ()):
        n = len(parts)
        if start + n <= end and (n == 1 or words[start : start + n] == parts):
            return marker
    return None


def _is_anchored(tokens: _Tokens, start: int, markers: Markers) -> bool:
    """Does a unit name starting at token ``start`` start a segment or follow a marker?"""
    if tokens.boundary_before[start]:
        return True
    words = tokens.words
    for parts in markers.by_last.get(words[start - 1], ()):
        n = len(parts)
        if start >= n and (n == 1 or words[start - n : start] == parts):
            return True
    return False


@dataclass(slots=True)
class _Match:
    codes: set[str]
    start: int  # first token of the match (including its marker)
    score: float  # 100 exact
    how: str  # exact / alias / fuzzy
    marker: str | None = None
    text: str = ""


# what _span_candidate found at a start: a candidate key, nothing (the marker alone), or an unanchored word
_SPAN_CANDIDATE: Final = 0  # Final: mypyc inlines them (a module attribute is a dict lookup in the hot loop)
_SPAN_SKIP: Final = 1
_SPAN_UNANCHORED: Final = 2


def _exact_span(
    tokens: _Tokens,
    end: int,
    keys: KeyTable,
    markers: Markers,
    alias_keys=None,
    anchored_only: bool = True,
    prune: bool = True,
) -> _Match | None:
    """Longest anchored span ending at ``end`` whose key (minus a leading marker) is known.

    Spans grow leftwards one token at a time, so the squashed key is extended
    instead of rebuilt; the last hit is the longest.

    ``prune``: stop once the squashed span is *dead*, neither a proper suffix of a known key nor all
    digits, and has grown more than a marker's length past that point. Every candidate further left
    is the span minus at most a marker (written or glued) at its left end, so it ends with the dead
    span and is longer, or it is shorter only where a marker's letters reach into the dead span
    (at most ``markers.longest`` letters left of it): a longer string ending with a dead one is no
    key. False: the full search (for tests).
    """
    words, hard, cut, marker_longest = tokens.words, tokens.hard_before, tokens.cut, markers.longest
    best: Any = None  # (table, key, start, how, marker) of the longest hit so far
    key = ""
    longest, suffixes, alias_suffixes = _span_limits(keys, alias_keys, marker_longest)
    dead_at = -1 if prune else 1 << 30  # the length of the span when it died
    for start in range(end - 1, max(-1, end - MAX_SPAN - 1), -1):
        if start < cut:
            # The street part of a comma-less address: the lookup would read on into it, unless no
            # span reaching into it can be a known key whatever its words (_may_extend).
            if _may_extend(key, keys, alias_keys):
                tokens.edge = True
            break
        key = words[start] + key
        if len(key) > longest and not key[marker_longest:].isdigit():
            break
        if dead_at < 0:
            if not (key in suffixes or key in alias_suffixes or key.isdigit()):
                dead_at = len(key)
        elif len(key) - dead_at > marker_longest:
            break
        found, plain, used, glued = _span_candidate(tokens, start, end, key, markers, anchored_only)
        if found != _SPAN_CANDIDATE:
            if found == _SPAN_UNANCHORED and hard[start]:
                break
            continue
        hit = _span_hit(plain, key, start, keys, alias_keys, used, glued, markers)
        if hit is not None:
            best = hit
        if hard[start]:
            break  # no unit name spans a comma
    if best is None:
        return None
    table, candidate, start, how, best_marker = best
    return _Match(set(table[candidate]), start, 100.0, how, best_marker, " ".join(words[start:end]))


def _span_limits(keys: KeyTable, alias_keys, marker_longest: int) -> tuple[int, frozenset[str], frozenset[str]]:  # noqa: ANN001
    """(the longest squashed span worth reading, the proper suffixes of the known keys, of the alias keys).

    Every candidate from here leftwards is the squashed span minus at most a marker: once that is
    longer than every key (and, past the marker, not all digits, which lose their zeros), stop."""
    info = keys.span_info if keys.span_info[0] == len(keys) else keys.refresh_span_info()
    if alias_keys is None:
        return info[1] + marker_longest, info[2], _NO_SUFFIXES
    alias_info = alias_keys.span_info
    if alias_info[0] != len(alias_keys):
        alias_info = alias_keys.refresh_span_info()
    return max(info[1], alias_info[1]) + marker_longest, info[2], alias_info[2]


def _span_candidate(
    tokens: _Tokens, start: int, end: int, key: str, markers: Markers, anchored_only: bool
) -> tuple[int, str, str | None, bool]:
    """(what was found, the candidate key, the marker written before it, whether glued markers are tried) for the
    span ``key`` from token ``start`` to ``end``: the span without a written marker, or the compact "p12" form, or
    the span itself and then without each glued marker (_normalise_number inlined)."""
    words = tokens.words
    word = words[start]
    if word in markers.by_first and (marker := _marker_at(words, start, end, markers)) is not None:
        marker_len = len(marker) - marker.count(" ")
        if len(key) == marker_len:
            return _SPAN_SKIP, "", None, False  # the marker alone
        return _SPAN_CANDIDATE, key[marker_len:], marker, False
    if start == end - 1 and len(word) <= 3 and (compact := _COMPACT_MARKER.match(word)) is not None:
        return _SPAN_CANDIDATE, compact.group(2), compact.group(1), False
    if anchored_only and not (tokens.boundary_before[start] or _is_anchored(tokens, start, markers)):
        if start == end - 1 and _after_compact(words, start, markers.letters):
            # "P12 QGV": a glued marker right after a compact ward anchors its word (glued forms only)
            return _SPAN_CANDIDATE, "", None, True
        return _SPAN_UNANCHORED, "", None, False
    # A glued marker ("PTân Quy") right after a written marker ("Phường Ttân Bình")
    # would be a second unit type: that is a typo, not "TT. Ân Bình".
    glued = word[0] in markers.letters and (
        start == 0 or tokens.boundary_before[start] or words[start - 1] not in markers.last_words
    )  # glued marker: "pbennghe", "tphcm", "ptanquy"
    return _SPAN_CANDIDATE, key, None, glued


def _span_hit(  # noqa: ANN202 - (table, key, start, how, marker) or None
    plain: str,
    key: str,
    start: int,
    keys: KeyTable,
    alias_keys,  # noqa: ANN001 - KeyTable | None
    used: str | None,
    glued: bool,
    markers: Markers,
):
    """The known key a candidate span reads as: (its table, the key, ``start``, exact or alias, the marker), else
    None."""
    if plain.isdigit():
        plain = plain.lstrip("0") or plain
    if plain in keys:
        return (keys, plain, start, "exact", used)
    if alias_keys is not None and plain in alias_keys:
        return (alias_keys, plain, start, "alias", used)
    if used is not None and key in keys:  # a name starting with a marker's letters: "t p hcm"
        return (keys, key, start, "exact", None)
    if glued:
        for candidate, used_marker in _glued_forms(key, markers):
            if candidate in keys:
                return (keys, candidate, start, "exact", used_marker)
            if alias_keys is not None and candidate in alias_keys:
                return (alias_keys, candidate, start, "alias", used_marker)
    return None


_NO_SUFFIXES: frozenset[str] = frozenset()


def _after_compact(words: list[str], start: int, letters) -> bool:
    """Does the word at ``start`` begin with a marker letter and follow a compact ward ("p12", "f7", "x3")?
    Then a glued marker there ("P12 QGV": Phường 12, Quận Gò Vấp) stands where a written one would."""
    return start > 0 and words[start][0] in letters and _COMPACT_WARD.match(words[start - 1]) is not None


# The most words a segment remembered by _province_span has: a province name with its type and a ward or
# district before it in the same segment ("p 7 quan 5 tp hcm"); longer segments are read each time.
_PROVINCE_SEGMENT_WORDS = 8


def _province_span(tokens: _Tokens, end: int, keys: KeyTable) -> _Match | None:
    """``_exact_span(tokens, end, keys, PROVINCE_MARKERS, anchored_only=False)`` (a province at the end of
    the text, in either scheme's table), remembered per table on what that lookup can see: the words
    and boundaries from the comma-like boundary before ``end`` on, where the street part of a cut tail
    starts in them, and the word before them where the first is not at a boundary (the glued-marker
    check looks one word left). Without its anchor check the lookup reads nothing else; the few
    province segments of a large input ("sg", "tp hcm", "tinh binh duong") are each read once, where
    every reading of an address looked them up three to five times (old and 2025 form, the old
    province check). Whether it stopped at a cut tail's street part (``_Tokens.edge``) is kept with it;
    the match is rebuilt for each caller."""
    if end <= 0:
        return None
    words, hard = tokens.words, tokens.hard_before
    h = end - 1
    while h > 0 and not hard[h]:
        h -= 1
    if end - h > _PROVINCE_SEGMENT_WORDS:  # a whole comma-less address: seen once, not worth keeping
        return _exact_span(tokens, end, keys, PROVINCE_MARKERS, anchored_only=False)
    cut = tokens.cut
    boundary = tokens.boundary_before
    before = words[h - 1] if h > 0 and not boundary[h] else None
    key = (tuple(words[h:end]), tuple(boundary[h:end]), cut - h if cut > h else 0, before)
    size, memo = keys.province_spans
    if size != len(keys):
        memo = {}
        keys.province_spans = (len(keys), memo)
    hit = memo.get(key)
    if hit is None:
        edge, tokens.edge = tokens.edge, False
        m = _exact_span(tokens, end, keys, PROVINCE_MARKERS, anchored_only=False)
        hit = (None if m is None else (tuple(m.codes), m.start - h, m.how, m.marker, m.text), tokens.edge)
        tokens.edge = edge or tokens.edge
        if len(memo) < 100_000:
            memo[key] = hit
    else:
        tokens.edge = tokens.edge or hit[1]
    found = hit[0]
    if found is None:
        return None
    codes, rel, how, marker, text = found
    return _Match(set(codes), rel + h, 100.0, how, marker, text)


def _suffixes(table: KeyTable | None) -> frozenset[str]:
    """Every proper suffix of every key of ``table`` (not the whole key), computed once per table."""
    if table is None:
        return frozenset()
    return table.suffixes()


def _longest_key(keys: KeyTable, alias_keys: KeyTable | None) -> int:
    if alias_keys is None:
        return keys.longest()
    return max(keys.longest(), alias_keys.longest())


def _may_extend(key: str, keys, alias_keys) -> bool:
    """Could ``_exact_span`` find a known key at a start left of the words squashed into ``key``,
    whatever the words of the street part there are? ``_read_cuts`` cuts only where the street part
    holds no marker phrase and no marker, glued or spaced, runs from the street part into the tail or
    ends the street part. So a candidate there is the squashed words from that start on, perhaps
    minus a glued marker wholly in the street part: it ends with ``key`` and is longer; it cannot be
    known unless ``key`` is a proper suffix of a key. Digits are normalised ("03" is "3"): a key of
    digits always may extend.
    """
    if not key or key.isdigit():
        return True
    return key in _suffixes(keys) or key in _suffixes(alias_keys)


def _segment_start(tokens: _Tokens, end: int) -> int:
    start = end - 1
    while start > 0 and not tokens.boundary_before[start]:
        start -= 1
    return start


def _fuzzy_names(choices: KeyTable) -> list[str]:
    """The names of ``choices`` long enough to correct a typo in, computed once per lookup table."""
    return choices.derived("fuzzy", lambda t: [k for k in t if len(k) >= FUZZY_MIN_CHARS and not k.isdigit()])


# (query, id of the names, edits) -> (the names, the closest): see _closest_names; emptied by forget_readings.
_FUZZY_MEMO: dict[tuple, tuple] = {}


def _closest_names(query: str, names: list[str], max_edits: int) -> list[tuple]:
    """The names (up to 8, closest first) within ``max_edits`` of ``query``, with its digits (a typo never
    changes a number: "phuong 6 go vap" is no "Gò Vấp"), remembered: the same words are matched against
    the same names by several readings of one text and by the cuts of a comma-less address (56 % of the
    searches on 200,000 rows of the benchmark input)."""
    key = (query, id(names), max_edits)
    hit = _FUZZY_MEMO.get(key)
    if hit is not None and hit[0] is names:  # the list is kept with its result: its id is not reused
        return hit[1]
    best = process.extract(query, names, scorer=OSA.distance, limit=8, score_cutoff=max_edits)
    if best and not query.isalpha():
        digits = _DIGITS.sub("", query)
        best = [b for b in best if _DIGITS.sub("", b[0]) == digits]
    if len(_FUZZY_MEMO) < 500_000:
        _FUZZY_MEMO[key] = (names, best)
    return best


def _fuzzy_span(
    tokens: _Tokens, end: int, choices: KeyTable, markers: Markers, street_ok: bool = False, ambiguous: bool = False
) -> _Match | None:
    """Typo-tolerant match of the segment ending at ``end`` against one parent's children.

    The name is taken after a unit-type marker of the segment, trying the
    leftmost first (a name may itself start with a marker word: "Xã Xà Bang").
    ``street_ok``: a segment without marker may start with a street word (a typo made "Gò" "Lò").
    ``ambiguous``: where no name is closest alone, the first start's equally close units are returned,
    with how "ambiguous" ("binh than": Bình Thạnh and Bình Tân), to be listed, never chosen from.
    """
    if end <= 0:
        tokens.edge = True
        return None
    words = tokens.words
    seg_start = _segment_start(tokens, end)
    starts: list[Any] = []
    by_first = markers.by_first
    lower = _LOWER_UNIT_WORDS[markers]
    for i in range(seg_start, end):
        if words[i] in by_first and (marker := _marker_at(words, i, end, markers)) is not None:
            name_start = i + marker.count(" ") + 1
            # not a name starting with a lower unit's type ("Lạc Long Quân Xã Phong Điền": the street's
            # "quân" and "xa phong dien" are no typo of the district Phong Điền; no district name starts so)
            if name_start < end and words[name_start] not in lower:
                starts.append((name_start, marker))
    first = words[seg_start] if seg_start >= tokens.cut else tokens.first  # a cut tail: the street's first word
    if (
        not starts
        and seg_start < tokens.cut
        and not (first[0].isdigit() or first in STREET_MARKERS or first in _LOWER_UNIT_WORDS[markers])
    ):
        tokens.edge = True  # the name would be read from the street part
        return None
    if not starts and not (
        first[0].isdigit() or (first in STREET_MARKERS and not street_ok) or first in _LOWER_UNIT_WORDS[markers]
    ):
        # no marker; a house number or street word would make it a street, a ward word a ward
        starts.append((seg_start, None))
    if not starts:
        return None
    names = _fuzzy_names(choices)
    longest = choices.derived("fuzzy_longest", lambda t: max(map(len, _fuzzy_names(t)), default=0))
    tied = None
    for name_start, marker in starts:
        query = _squash(words[name_start:end])
        if len(query) < FUZZY_MIN_CHARS - 1 or query.isdigit():
            continue
        # Optimal string alignment distance counts a swap of two letters as one edit.
        max_edits = 1 if len(query) < 9 else 2
        if len(query) - longest > max_edits:
            continue  # at least one edit per letter more than the longest name has: nothing is that close
        best = _closest_names(query, names, max_edits)
        if not best:
            continue
        edits = best[0][1]
        codes = set().union(*(choices[key] for key, dist, _ in best if dist == edits))
        start = name_start if marker is None else name_start - marker.count(" ") - 1
        score = 100.0 * (1 - edits / len(query))
        if len(codes) != 1:  # several units are equally close: do not guess
            if ambiguous and tied is None and edits == 1 and len(codes) <= 3:
                # one letter from two or three names ("binh than"), of the same number if any
                digits = _DIGITS.sub("", query)
                if all(_DIGITS.sub("", k) == digits for k, dist, _ in best if dist == edits):
                    tied = _Match(codes, start, score, "ambiguous", marker, " ".join(words[name_start:end]))
            continue
        return _Match(codes, start, score, "fuzzy", marker, " ".join(words[name_start:end]))
    return tied


def _fuzzy_after_ward(
    tokens: _Tokens, end: int, choices: KeyTable, markers: Markers, ambiguous: bool = False
) -> list[_Match]:
    """``_fuzzy_span`` of a name without marker that starts inside the segment after a ward written with
    its type and at least its first word ("phuong 2 binh thanhh", "xa pham van coi cu ci"), shortest
    first; matched with how "fuzzy unanchored" (read only with that ward exact: _read_ward_of_district).
    The last ward marker of the segment counts: in a cut tail it is never in the street part."""
    if end <= 0:
        tokens.edge = True
        return []
    seg_start = _segment_start(tokens, end)
    words = tokens.words
    first = None  # the first word a name may start at: after the ward marker and one word
    for j in range(end - 2, max(seg_start, tokens.cut) - 1, -1):
        if (marker := _marker_at(words, j, end, WARD_MARKERS)) is not None and j + marker.count(" ") + 1 < end:
            first = j + marker.count(" ") + 2
            break
        if _COMPACT_MARKER.match(words[j]):
            first = j + 1
            break
    if first is None:
        if seg_start < tokens.cut:
            tokens.edge = True  # the ward may stand in the street part of a cut tail
        return []
    found = []
    for i in range(first, end):
        sub = _Tokens(
            words[:end],
            [*tokens.boundary_before[:i], True, *tokens.boundary_before[i + 1 : end]],
            tokens.hard_before[:end],
        )
        # right after the ward, a street word is a typo ("phuong 5 lo vap": Gò Vấp)
        m = _fuzzy_span(sub, end, choices, markers, street_ok=True, ambiguous=ambiguous)
        if m is not None and m.marker is None:
            m.how = "ambiguous unanchored" if m.how == "ambiguous" else "fuzzy unanchored"
            found.append(m)
    return found[::-1]  # the shortest name first: the ward before it keeps its words ("Bình Hưng Hòa B")


def _drop_country(tokens: _Tokens) -> int:
    """The end of the text without a trailing country ("Việt Nam") and postal code ("700000", "70000")."""
    words = tokens.words
    end = len(words)
    for _ in range(2):
        if end and len(words[end - 1]) in (5, 6) and words[end - 1].isdigit():
            end -= 1
        for suffix in _COUNTRY_BY_LAST.get(words[end - 1], ()) if end else ():
            n = len(suffix)
            if end >= n and tuple(words[end - n : end]) == suffix:
                end -= n
                break
    return end


@dataclass(slots=True)
class Resolution:
    old_uid: str | None = None
    status: str = "unresolved"
    confidence: float = 0.0
    new_uid: str | None = None
    reason: str | None = None
    scheme: str | None = None  # the form the address was read in: pre2025, 2025, or None (undecided)
    candidates: list[str] | None = None  # set when not the old unit's parts (2025 readings, scheme_review)
    district: bool = False  # an old district is written (with a marker or as its own segment)
    old_hits: tuple[str, ...] = ()  # old units a name without district could be (when several)
    typo: bool = False  # a name was matched with typo tolerance
    redo: tuple | None = None  # (old_uid, score, matches): to look for split evidence in a longer text
    unit_start: int = -1  # first token of the unit read without its parent (0: the text starts with it)
    complete: bool = False  # the unit's parent was found too (old district, 2025 province): safe to reuse as a tail


def _merged_keys(cache: dict, per_province: dict, provinces: tuple[str, ...]) -> KeyTable:
    """One key table for several provinces (the union of their tables), built once and kept in ``cache``."""
    merged = cache.get(provinces)
    if merged is None:
        merged = cache[provinces] = KeyTable()
        for p in provinces:
            for key, codes in per_province[p].items():
                merged[key] |= codes
    return merged


def _district_keys_of(idx: ResolverIndex, provinces: tuple[str, ...]) -> KeyTable:
    if len(provinces) == 1:
        return idx.district_keys[provinces[0]]
    return _merged_keys(idx.district_keys_merged, idx.district_keys, provinces)


def _wards_of_provinces(idx: ResolverIndex, provinces: tuple[str, ...]) -> KeyTable:
    """The ward keys of several provinces in one table (``_ward_without_district``), built once."""
    return _merged_keys(idx.wards_merged, idx.wards_by_province, provinces)


def _hard_start(tokens: _Tokens, end: int) -> int:
    start = end - 1
    while start > 0 and not tokens.hard_before[start]:
        start -= 1
    return start


# Every unit-type marker phrase of any level as words (see _seen_lookup), and the most words of one.
_MARKER_SEGMENTS = frozenset(
    tuple(m.split(" ")) for ms in (WARD_MARKERS, WARD_MARKERS_2025, DISTRICT_MARKERS, PROVINCE_MARKERS) for m in ms
)
_MARKER_SEGMENT_WORDS = max(map(len, _MARKER_SEGMENTS))


def _seen_lookup(cache: dict, tokens: _Tokens, end: int, extra: tuple, lookup) -> list[Any]:
    """``lookup()`` (matches ending at ``end``, as (tag, match) pairs), memoised on the text it can see.

    Every lookup stops at the comma-like boundary before ``end`` (no unit name spans one), so the
    words and soft boundaries from there to ``end`` decide the result, with: the street part's length
    in them and its first word (a cut tail), the word before the boundary where the first word after
    it ends a two-word marker (``_is_anchored`` looks that far), and ``extra`` (the lookup's other
    arguments). The same segment in many addresses is read once. Whether the lookup stopped at the
    start of the text (``_Tokens.edge``) is cached with it; the matches are cached relative to the
    boundary and copied out (callers change them), as plain tuples of strings and numbers: the
    garbage collector stops tracking those, where cached sets and matches (hundreds of thousands on a
    large input) cost each later full collection, and the interpreter's exit, about 0.4 s apiece.
    """
    h = _hard_start(tokens, end)
    words = tokens.words
    if end - h <= _MARKER_SEGMENT_WORDS and tuple(words[h:end]) in _MARKER_SEGMENTS:
        # A marker alone after the boundary: _exact_span reads on past it ("tp ky anh (thi xa)"), so the
        # words before the boundary decide too; not memoised (cached, the first text's reading was reused).
        return lookup()
    cut = tokens.cut - h if tokens.cut > h else 0
    before = words[h - 1] if h > 0 and words[h] in _MULTI_MARKER_SECOND else None
    first = (tokens.first, tokens.classes) if cut else ""
    key = (tuple(words[h:end]), tuple(tokens.boundary_before[h:end]), cut, first, before, *extra)
    hit = cache.get(key)
    if hit is None:
        edge, tokens.edge = tokens.edge, False
        found = lookup()
        hit = (
            tuple((tag, m.start - h, tuple(m.codes), m.score, m.how, m.marker, m.text) for tag, m in found),
            tokens.edge,
        )
        tokens.edge = tokens.edge or edge
        if len(cache) < 500_000:
            cache[key] = hit
    tokens.edge = tokens.edge or hit[1]  # a cut tail's lookup that would read its street part
    return [(tag, _Match(set(codes), rel + h, *rest)) for tag, rel, codes, *rest in hit[0]]


def _find_districts(
    idx: ResolverIndex, tokens: _Tokens, end: int, provinces: Sequence[str], province_given: bool = False
) -> list[tuple[str, _Match]]:
    """``_find_districts_uncached``, memoised on the text it can see (``_seen_lookup``) and on whether a
    ward with its type is the segment before (``_after_typed_ward``: that is outside the text seen)."""
    street_ok = end > 0 and _after_typed_ward(tokens, end)
    return _seen_lookup(
        idx.district_cache,
        tokens,
        end,
        (tuple(provinces), province_given, street_ok),
        lambda: _find_districts_uncached(idx, tokens, end, provinces, province_given, street_ok),
    )


def _find_districts_uncached(
    idx: ResolverIndex,
    tokens: _Tokens,
    end: int,
    provinces: Sequence[str],
    province_given: bool = False,
    street_ok: bool = False,
) -> list[tuple[str, _Match]]:
    """District readings ending at ``end``, most trusted first.

    Anchored exact names, then typo-tolerant matches, then (right before a written
    province) exact names without an anchor: "Huyện Bca Tân Uyên" is a typo of
    Bắc Tân Uyên, not the district Tân Uyên.
    """

    keys = _district_keys_of(idx, tuple(provinces))

    def exact(anchored_only: bool) -> list[tuple[str, _Match]]:
        # One lookup over the provinces' districts together: the longest span wins
        # ("thanh pho thu duc" over "thu duc"), as district codes are unique in the country.
        m = _exact_span(tokens, end, keys, DISTRICT_MARKERS, anchored_only=anchored_only)
        return [] if m is None else [(",".join(provinces), m)]

    found = exact(True)
    if found:
        return found
    # street_ok: "Phường 5, Lò Vấp": a typo made "Gò" a street word (_after_typed_ward)
    fuzzy = [
        (p, m)
        for p in provinces
        if (m := _fuzzy_span(tokens, end, idx.district_keys[p], DISTRICT_MARKERS, street_ok, ambiguous=True))
    ]
    found = [(p, m) for p, m in fuzzy if m.how == "fuzzy"]
    tied = [(p, m) for p, m in fuzzy if m.how != "fuzzy"]  # a typo as close to several districts
    if province_given or not found:
        # A district without type or comma after its ward ("Phường 6 Gò Vấp"; without a province only
        # when nothing else reads) counts only with a ward written with its type before it, exactly
        # (_read_ward_of_district); never read from a word of one letter ("Đông B ình Tân": the ward's B).
        unanchored = [
            (p, m)
            for p, m in exact(False)
            if m.marker is None and not m.text.isdigit() and len(m.text.split(" ", 1)[0]) > 1  # "phuong 1"
        ]
        for _p, m in unanchored:
            m.how = "unanchored"
        found += unanchored
    if province_given or not found:  # a typo in a district without type or comma after its ward
        after = _fuzzy_after_ward(tokens, end, keys, DISTRICT_MARKERS, ambiguous=True)
        found += [(",".join(provinces), m) for m in after if m.how == "fuzzy unanchored"]
        tied += [(",".join(provinces), m) for m in after if m.how != "fuzzy unanchored"]
    return found or tied[:1]  # the districts a typo is as close to: listed, never chosen from


def _after_typed_ward(tokens: _Tokens, end: int) -> bool:
    """Does the segment ending at ``end`` start with a street word and follow a segment that is a ward
    written with its type ("phuong 5, lo vap", "p5, lo vap")? Then its first word may be a typo in a
    district's name, as right after a ward in one segment (``_fuzzy_after_ward``)."""
    words = tokens.words
    seg = _segment_start(tokens, end)
    if words[seg] not in STREET_MARKERS or tokens.cut:  # a cut tail has no separators
        return False
    if seg <= 0:
        tokens.edge = True  # the ward would stand before the text
        return False
    prev = _segment_start(tokens, seg)
    if seg - prev == 1:
        return _COMPACT_WARD.match(words[prev]) is not None
    marker = _marker_at(words, prev, seg, WARD_MARKERS)
    return marker is not None and prev + marker.count(" ") + 1 < seg


def _find_ward(idx: ResolverIndex, tokens: _Tokens, end: int, district: str) -> _Match | None:
    """``_find_ward_uncached``, memoised on the text it can see (``_seen_lookup``)."""

    def lookup() -> list[tuple[None, _Match]]:
        m = _find_ward_uncached(idx, tokens, end, district)
        return [] if m is None else [(None, m)]

    found = _seen_lookup(idx.ward_cache, tokens, end, (district,), lookup)
    return found[0][1] if found else None


def _find_ward_uncached(idx: ResolverIndex, tokens: _Tokens, end: int, district: str) -> _Match | None:
    match = _exact_span(tokens, end, idx.ward_keys[district], WARD_MARKERS, idx.ward_alias_keys[district])
    if match is None:
        choices = idx.ward_choices.get(district)
        if choices is None:
            choices = idx.ward_choices[district] = KeyTable(
                {**idx.ward_alias_keys[district], **idx.ward_keys[district]}
            )
        match = _fuzzy_span(tokens, end, choices, WARD_MARKERS)
        if match is not None and match.marker in MARKER_TYPES:
            # A typo never changes the unit type written, as in the 2025 form: "Phường Xuân Hương - Đà Lạc"
            # is no typo of the old Xã Xuân Trường of Đà Lạt.
            match.codes = {c for c in match.codes if idx.ward_type.get(c) in MARKER_TYPES[match.marker]}
            match = match if match.codes else None
    if match is None:
        match = _unmarked_ward(idx, tokens, end, district)
    if match is not None and len(match.codes) > 1:
        match.codes = _disambiguate(idx, match)
    return match


def _disambiguate(idx: ResolverIndex, match: _Match) -> set[str]:
    """Folded names can collide ("Hoa Lộc"/"Hòa Lộc"): use the marker's unit type, then accents."""
    codes = match.codes
    if match.marker in MARKER_TYPES:
        typed = {c for c in codes if idx.ward_type.get(c) in MARKER_TYPES[match.marker]}
        codes = typed or codes
    return codes


def parse_address(idx: ResolverIndex, text: str, original: Any, tokens: _Tokens | None = None) -> Resolution:
    """Read one cleaned (lower-case, diacritic-free) address in the old (pre-2025) form. ``original``: the
    text split evidence is looked for in (its words joined by single spaces); None: the words of ``tokens``
    (the same text: the tokeniser's words are the runs of letters and digits), joined only if needed."""
    tokens = tokens or tokenise(text)
    if original is None:
        original = tokens
    if not tokens.words:
        return Resolution(reason="no letters or digits in the input")
    end = _drop_country(tokens)

    # Province: optional, anchored at the end. "Vũng Tàu" is both a province alias and
    # a district, so the reading without a province is kept as a fallback.
    readings: list[tuple[list[str], int, bool]] = []
    # At the very end of the text a province needs no anchor ("... Q1 HCM").
    province_match = _province_span(tokens, end, idx.province_keys)
    if province_match is not None:
        readings.append((sorted(province_match.codes), province_match.start, True))
    readings.append((list(idx.scope_provinces), end, False))

    best_failure: Resolution | None = None
    for provinces, district_end, province_given in readings:
        district_hits = (
            _find_districts(idx, tokens, district_end, provinces, province_given) if district_end > 0 else []
        )
        tokens.edge = tokens.edge or district_end <= 0
        tied = all(m.how in _TIED for _p, m in district_hits)  # (True without hits)
        if tied and province_given and district_end > 0:
            # Typo'd or unknown text between ward and province: try one segment further left.
            skip_to = _segment_start(tokens, district_end)
            if skip_to <= 0:
                tokens.skips.append(tuple(provinces))
            if skip_to > 0:
                district_hits = [
                    (p, m) for p, m in _find_districts(idx, tokens, skip_to, provinces) if m.how == "exact"
                ] or district_hits
        for _province, dmatch in district_hits:
            if dmatch.how in _TIED:
                result = _read_in_tied_districts(idx, tokens, dmatch, province_given, original)
                if result.old_hits and not (best_failure and best_failure.old_hits):
                    best_failure = result
                best_failure = best_failure or result
                continue
            for district in sorted(dmatch.codes):
                result = _resolve_in_district(idx, tokens, dmatch, district, province_given, original)
                if result.old_uid is not None:
                    return result
                best_failure = best_failure or result
    # No reading found a district: a ward name unique in its province still resolves.
    for provinces, district_end, province_given in readings:
        result = _ward_without_district(idx, tokens, district_end, provinces, province_given, original)
        if result.old_uid is not None or (result.old_hits and not (best_failure and best_failure.district)):
            return result
        best_failure = best_failure or result
    return best_failure or Resolution(reason="no administrative unit found")


_TIED = ("ambiguous", "ambiguous unanchored")  # a district typo as close to several districts


def _read_in_tied_districts(idx, tokens, dmatch: _Match, province_given: bool, original: Any) -> Resolution:
    """A district typo as close to several districts ("Bình Thạn": Bình Thạnh, Bình Tân): the ward is read
    in each, and the old units found are listed (``old_hits``: their 2025 wards become the candidates),
    never chosen from, even where one district alone has the ward."""
    hits = []
    for district in sorted(dmatch.codes):
        how = "fuzzy unanchored" if dmatch.how == "ambiguous unanchored" else "fuzzy"
        one = _Match({district}, dmatch.start, dmatch.score, how, dmatch.marker, dmatch.text)
        res = _resolve_in_district(idx, tokens, one, district, province_given, original)
        if res.old_uid is not None:
            hits.append((idx.district_name[district], res.old_uid))
    names = ", ".join(idx.district_name[d] for d in sorted(dmatch.codes))
    reason = f"district '{dmatch.text}' is as close to {len(dmatch.codes)} districts ({names})"
    if hits:
        reason += "; the ward read in " + ", ".join(name for name, _uid in hits)
    else:
        reason += "; the ward read in none of them"
    return Resolution(reason=reason, old_hits=tuple(sorted({uid for _name, uid in hits})))


def _resolve_in_district(idx, tokens, dmatch: _Match, district: str, province_given: bool, original: Any) -> Resolution:
    res = _read_ward_of_district(idx, tokens, dmatch, district, original)
    # A district with its own marker or segment is the old form; one glued to a ward marker
    # ("Phường Gò Vấp") is the name of a 2025 ward.
    start = dmatch.start
    after_ward_word = start > 0 and not tokens.hard_before[start] and tokens.words[start - 1] in _WARD_WORDS
    res.district = not after_ward_word and (
        dmatch.marker is not None or (tokens.hard_before[start] and dmatch.how != "fuzzy")
    )
    res.complete = True
    return res


def _read_ward_of_district(idx, tokens, dmatch: _Match, district: str, original: Any) -> Resolution:
    tokens.edge = tokens.edge or dmatch.start <= 0  # the ward would be looked for before the district
    written = _written_ward(tokens, dmatch.start)
    if district in idx.island_district_uid:
        if written is not None:  # "Xã X, Huyện Côn Đảo": a ward that does not exist is no island district
            return Resolution(reason=f"'{written}' is not a unit of {idx.district_name[district]} (it has no wards)")
        return _finish(idx, idx.island_district_uid[district], dmatch.score, [dmatch], original)
    wmatch = _find_ward(idx, tokens, dmatch.start, district) if dmatch.start > 0 else None
    if wmatch is None:
        # Never another unit of the district: unresolved, with the closest names considered.
        near = _closest_wards(idx, district, written) if written else ""
        return Resolution(reason=f"ward not found in {idx.district_name[district]}{near}")
    if len(wmatch.codes) > 1:
        return Resolution(reason=f"'{wmatch.text}' matches {len(wmatch.codes)} wards of {idx.district_name[district]}")
    if dmatch.how in _UNANCHORED and (wmatch.marker is None or wmatch.how not in ("exact", "alias")):
        return Resolution(reason=f"'{dmatch.text}' without type or comma, and no ward with its type before it")
    return _finish(idx, next(iter(wmatch.codes)), min(dmatch.score, wmatch.score), [dmatch, wmatch], original)


def _ward_without_district(idx, tokens, end: int, provinces, province_given: bool, original: Any) -> Resolution:
    """No district written: accept a ward name only if it is unique in the province(s)."""
    if end <= 0:
        tokens.edge = True
        return Resolution(reason="no ward or district found")
    hits: set[str] = set()
    match: Any = None
    if len(provinces) > 1:
        # One lookup over the provinces' wards together first: it explores at least the spans of each
        # province's lookup (its longest key is at least theirs) and knows each of their keys and
        # suffixes, so where it finds nothing and does not stop at a cut street part, none of them would.
        edge, tokens.edge = tokens.edge, False
        found = _exact_span(tokens, end, _wards_of_provinces(idx, tuple(provinces)), WARD_MARKERS)
        stopped, tokens.edge = tokens.edge, edge
        if found is None and not stopped:
            return Resolution(reason="no district found")
    for province in provinces:
        match_p = _exact_span(tokens, end, idx.wards_by_province[province], WARD_MARKERS)
        if match_p is not None and (match_p.marker is not None or province_given):
            if match_p.marker in MARKER_TYPES:  # "Phường X" is not the old "Xã X"
                match_p.codes = {c for c in match_p.codes if idx.ward_type.get(c) in MARKER_TYPES[match_p.marker]}
            if match_p.codes:
                hits |= match_p.codes
                match = match_p
    if len(hits) == 1 and match is not None:
        res = _finish(idx, next(iter(hits)), 90.0, [match], original)
        if res.status == "exact":
            res.status = "fuzzy"
        res.reason = "district missing; ward name unique in the province" + (f"; {res.reason}" if res.reason else "")
        res.unit_start = match.start
        return res
    if len(hits) > 1:
        return Resolution(
            reason=f"district missing and '{match.text}' names {len(hits)} wards", old_hits=tuple(sorted(hits))
        )
    return Resolution(reason="no district found")


def read_address(idx: ResolverIndex, clean: str, hint: str | None = None, side: str | None = None) -> Resolution:
    """Read one cleaned address in the scheme it is written in.

    ``hint`` is the scheme the caller knows ('pre2025' or '2025': read in that form only);
    ``side`` the scheme of the row's date (before or from 2025-07-01), which only decides
    between two readings. Without either, a written district means the old form, a name
    that exists in one scheme only decides, and two readings that lead to different 2025
    wards go to review (``scheme_review``) with both in the candidates.
    """
    return read_tokens(idx, clean, tokenise(clean), hint, side)


def read_tokens(idx: ResolverIndex, clean: str, tokens: _Tokens, hint: str | None, side: str | None) -> Resolution:
    """read_address of text already tokenised (``tokens``: tokenise(clean)): the Python parser's one read."""
    res = _checked(idx, tokens, _read_either(idx, clean, tokens, hint, side))
    if tokens.ward_note:
        res = _with_old_ward(idx, clean, tokens, hint, side, res)
    if tokens.old_note:
        res = _with_old_district(idx, clean, tokens, hint, side, res)
    if tokens.now_note:
        res = _with_2025_note(idx, tokens, res)
    return res


def _targets(idx: ResolverIndex, res: Resolution) -> set[str]:
    """The 2025 wards a reading leads to: its answer, else its old unit's parts or its candidates."""
    if res.new_uid is not None:
        return {res.new_uid}
    if res.old_uid is not None:
        return set(idx.parts.get(res.old_uid, ()))
    return set(res.candidates or ())


def _province_start(idx: ResolverIndex, tokens: _Tokens, end: int) -> int:
    """Where a province written at the end of the text (before ``end``) starts, in either scheme; else ``end``."""
    starts = [
        m.start
        for keys in (idx.province_keys, idx.new_province_keys)
        if (m := _province_span(tokens, end, keys)) is not None
    ]
    return min(starts, default=end)


def _inserted(tokens: _Tokens, at: int, words: tuple[str, ...], upto: int | None = None) -> _Tokens:
    """``tokens`` (up to ``upto``) with ``words`` inserted as a segment of their own before token ``at``."""
    upto = len(tokens.words) if upto is None else upto
    n = len(words)
    flags = [True] + [False] * (n - 1)
    after = [True] if at < upto else []
    return _Tokens(
        [*tokens.words[:at], *words, *tokens.words[at:upto]],
        [*tokens.boundary_before[:at], *flags, *after, *tokens.boundary_before[at + 1 : upto]],
        [*tokens.hard_before[:at], *flags, *after, *tokens.hard_before[at + 1 : upto]],
        cut=tokens.cut,
        first=tokens.first,
        classes=tokens.classes,
    )


def _took_part(tokens: _Tokens, reading: _Tokens) -> None:
    """What a second reading of the address (``reading``) met counts for the address's own ``tokens``."""
    tokens.edge = tokens.edge or reading.edge
    tokens.skips.extend(reading.skips)


def _read_without_notes(
    idx: ResolverIndex, clean: str, tokens: _Tokens, hint: str | None, side: str | None
) -> Resolution:
    """The address read as written, its bracketed notes not taken as notes (they name no unit of theirs)."""
    plain = tokenise(tokens.source, notes=False)
    res = read_tokens(idx, clean, plain, hint, side)
    _took_part(tokens, plain)
    return res


def _with_old_district(
    idx: ResolverIndex, clean: str, tokens: _Tokens, hint: str | None, side: str | None, base: Resolution
) -> Resolution:
    """An address with a note naming the old district it lay in ("Phường Tân Định, TP.HCM (Quận 1 cũ)",
    "(cũ: Q.1)"): the note is a hint, never the address's own unit. The address is read again with that
    district written before its province (as "Phường Tân Định, Quận 1, TP.HCM": an old ward of that
    district, or a 2025 ward lying in it); where that reading and the one without the note (``base``)
    lead to different wards, or the note's district holds no ward read, there is no answer and both are
    candidates."""
    note = tokens.old_note

    def district(words: tuple[str, ...], provinces: tuple[str, ...]) -> _Match | None:
        mini = _Tokens(list(words), [True] + [False] * (len(words) - 1), [True] + [False] * (len(words) - 1))
        m = _exact_span(mini, len(words), _district_keys_of(idx, provinces), DISTRICT_MARKERS)
        return m if m is not None and m.start == 0 else None

    if note[-1] == "cu":  # "(Quận 1 cũ)": a note only if it names a district, and "Huyện Trà Cú" is a name
        note = note[:-1]
        if district(note, idx.scope_provinces) is None or district(tokens.old_note, tuple(idx.district_keys)):
            return _read_without_notes(idx, clean, tokens, hint, side)
    dmatch = district(note, idx.scope_provinces)
    if dmatch is None or base.district or not tokens.words:
        return base  # not a district read (the note stays out of the reading), or a district is written
    sub = _inserted(tokens, _province_start(idx, tokens, _drop_country(tokens)), note)
    hinted = _checked(idx, sub, _read_either(idx, clean, sub, hint, side))
    _took_part(tokens, sub)
    written = " ".join(note)
    theirs, ours = _targets(idx, base), _targets(idx, hinted)
    if hinted.new_uid is not None or hinted.status == "split_review":
        if base.new_uid is None or base.new_uid in ours:
            if hinted.status in ("split_review", "split_resolved"):
                return hinted  # read as a split unit is (its evidence looked for in the whole address)
            hinted.reason = "; ".join(filter(None, [f"old district noted '{written}'", hinted.reason]))
            return hinted
    elif hinted.candidates is None and base.new_uid is None:
        return base  # nothing read either way: the reading without the note says why
    both = sorted(theirs | ours)
    reason = f"the old district noted '{written}' does not hold the ward read" + (
        f" ({hinted.reason})" if hinted.reason else ""
    )
    return Resolution(reason=reason, candidates=both or None)


def _with_old_ward(
    idx: ResolverIndex, clean: str, tokens: _Tokens, hint: str | None, side: str | None, base: Resolution
) -> Resolution:
    """An address with a note naming the OLD ward it was ("Phường Bàn Cờ (Phường 5 cũ), TP.HCM"): a hint,
    never a second ward. The old wards of that name (in the old provinces of the ward read, else of the
    default provinces) must have become the ward read: then the answer stands (reason "old ward noted");
    else there is no answer and the ward read is a candidate. Without a ward read, an old name that
    became one 2025 ward gives it (fuzzy). A ward whose name ends with "cũ" ("Xã An Cư") is no note."""
    note = list(tokens.ward_note)
    marker = _marker_at(note, 0, len(note), WARD_MARKERS)
    compact = _COMPACT_WARD.match(note[0]) if marker is None else None
    if marker is None and compact is None:
        # No ward type: "(Phố cũ)", "(Xóm cũ)" ("p", "x" and a word: _OLD_WARD_NOTE) are read as written
        return _read_without_notes(idx, clean, tokens, hint, side)
    name = note[marker.count(" ") + 1 :] if marker is not None else [cast(Any, compact).group(1)]
    key = _normalise_number(_squash(name))
    with_cu = _squash([*name, "cu"])
    provinces = sorted(idx.new_ward_old_provinces.get(cast(Any, base.new_uid), ())) or list(idx.scope_provinces)
    if with_cu in idx.new_ward_all or any(with_cu in idx.wards_by_province[p] for p in provinces):
        return _read_without_notes(idx, clean, tokens, hint, side)
    wanted = MARKER_TYPES.get(marker or "p", set())
    lower = {w.lower().split(" ")[0] for w in wanted}
    olds = {
        uid
        for uid in _old_wards_named(idx, key, provinces)
        # its type, or the type its name starts with ("Phường 15" of Phú Nhuận is a Xã in the reference)
        if idx.ward_type.get(uid) in wanted or idx.ward_accented.get(uid, "").split(" ")[0] in lower
    }
    became = {n for uid in olds for n in idx.parts.get(uid, ())}
    written = " ".join(note)
    if not became:  # no old ward of that name: no such note ("(Xã Minh Tân, Huyện Phù Cừ)" is read as written)
        return _read_without_notes(idx, clean, tokens, hint, side)
    if base.new_uid is not None and base.new_uid in became:
        if base.status in ("split_review", "split_resolved"):
            return base
        base.reason = "; ".join(filter(None, [f"old ward noted '{written}'", base.reason]))
        return base
    if base.new_uid is None and base.candidates is None and base.old_uid is None and len(became) == 1:
        uid = next(iter(became))
        reason = f"old ward noted '{written}' became {uid}; the ward written not read ({base.reason})"
        return Resolution(None, "fuzzy", UNCERTAIN, uid, reason, "pre2025", [uid])
    ours = _targets(idx, base)
    reason = f"the old ward noted '{written}' did not become the ward read" + (
        f" ({';'.join(sorted(ours))})" if ours else ""
    )
    return Resolution(reason=reason, candidates=sorted(ours | (became if len(became) <= 4 else set())) or None)


def _old_wards_named(idx: ResolverIndex, key: str, provinces: Sequence[str]) -> set[str]:
    """The old wards of ``provinces`` a ward key (name or alias) names, from a table of every old ward key
    per province built once per index (looking through every district's tables for each note took
    about 0.6 ms)."""
    by_province = idx.old_wards_by_key
    if by_province is None:
        by_province = {}
        for d, p in idx.district_province.items():
            names = by_province.setdefault(p, {})
            for table in (idx.ward_keys[d], idx.ward_alias_keys[d]):
                for k, uids in table.items():
                    names.setdefault(k, set()).update(uids)
        idx.old_wards_by_key = by_province
    return {uid for p in provinces for uid in by_province.get(p, {}).get(key, ())}


def _with_2025_note(idx: ResolverIndex, tokens: _Tokens, base: Resolution) -> Resolution:
    """An address with a note naming its 2025 unit ("Phường Tân Phong, Quận 7 (nay là Phường Tân Mỹ)"):
    the note is read as a 2025 address (with the province written at the end of the address) and is the
    2025 answer; the rest is the old reading (``base``). Where both lead to one ward the answer is
    certain; where they disagree there is no answer and both are candidates. A split old unit whose part
    the note names is placed by it."""
    noted = tokenise(tokens.now_note[0])
    if not noted.words:
        return base
    written = " ".join(noted.words)
    if _province_start(idx, noted, _drop_country(noted)) == len(noted.words):
        # no province in the note: the one written at the end of the address, if any
        end = _drop_country(tokens)
        at = _province_start(idx, tokens, end)
        flags = [True] + [False] * (end - at - 1) if at < end else []
        noted = _Tokens(
            [*noted.words, *tokens.words[at:end]],
            [*noted.boundary_before, *flags],
            [*noted.hard_before, *flags],
        )
    new = parse_2025(idx, noted)
    note = f"2025 unit noted '{written}'"
    mine = {new.new_uid} if new.new_uid is not None else set(new.candidates or ())
    old = _targets(idx, base)
    if not mine:
        base.reason = "; ".join(filter(None, [base.reason, f"{note} not read ({new.reason})"]))
        base.redo = None  # (a split reading with this reason is final)
        return base
    agreed = mine & old if old else mine
    if len(agreed) == 1 and (new.new_uid is not None or not old or base.new_uid is not None):
        uid = next(iter(agreed))
        certain = old and (base.status == "exact" or new.status == "exact")
        if base.new_uid == uid:
            status = "exact" if certain else base.status
        elif base.status == "split_review":
            status = "split_resolved"
        else:
            status = new.status if old else "fuzzy"
        reason = f"{note} agrees with the old form read" if old else f"{note}; the old form not read ({base.reason})"
        if base.new_uid is not None and base.reason:
            reason = f"{reason}; {base.reason}"
        confidence = 1.0 if status == "exact" else min(max(base.confidence, new.confidence), UNCERTAIN)
        scheme = base.scheme if old else "2025"
        return Resolution(base.old_uid, status, confidence, uid, reason, scheme, [uid])
    reason = f"{note} ({';'.join(sorted(mine))}) and the old form read ({';'.join(sorted(old))}) disagree"
    return Resolution(reason=reason, candidates=sorted(mine | old))


def _read_either(idx: ResolverIndex, clean: str, tokens: _Tokens, hint: str | None, side: str | None) -> Resolution:
    old = Resolution()
    if hint != "2025":
        old = parse_address(idx, clean, None, tokens)
        if old.old_uid is not None:
            old.scheme = "pre2025"
        if hint == "pre2025":
            return old
        if old.district:
            # No ward of that district, or one read with a typo: a 2025 ward written with its type and
            # the old district it lay in ("Phường Bình Trưng, TP. Thủ Đức": no typo of "Linh Trung").
            if (old.old_uid is None and not old.old_hits) or _ward_typo(old):
                new = _ward_2025_before_old_district(idx, tokens, typo_ok=old.old_uid is None)
                if new is not None and new.new_uid is None and old.old_uid is None:
                    new.reason = "; ".join(filter(None, [old.reason, new.reason]))  # outside the district
                    return new
                if new is not None and new.new_uid is not None and (old.old_uid is None or not new.typo):
                    return new
            return old
    new = parse_2025(idx, tokens)
    if new.new_uid is None and new.candidates is None and (hint == "2025" or not _old_targets(idx, old)):
        new = _ward_2025_before_old_district(idx, tokens) or new  # an old district of another old province
    if hint == "2025":
        return new
    if (
        new.new_uid is not None
        and new.typo
        and old.old_uid is not None
        and not old.typo
        and 0 <= new.unit_start < old.unit_start
        and not tokens.hard_before[old.unit_start]
        and tokens.words[new.unit_start] in _WARD_WORDS
    ):
        # "Phường Lâm Viên - Xà Lạt": a 2025 name with a hyphen and a typo (Lâm Viên - Đà Lạt), read by the
        # old form from its part after " - " only (the old Xã Lát), the ward written before it left out
        return new
    return _decide(idx, old, new, side)


def _ward_typo(res: Resolution) -> bool:
    """Was the ward of an old reading (with its district) matched typo-tolerantly, after its type?"""
    ward = res.redo[2][-1] if res.redo is not None and len(res.redo[2]) == 2 else None
    return ward is not None and ward.how == "fuzzy" and ward.marker is not None


def _ward_2025_before_old_district(idx: ResolverIndex, tokens: _Tokens, typo_ok: bool = True) -> Resolution | None:
    """A 2025 ward written with its type and the old district it lies in, with its type, before the
    province (or at the end): "Phường Hiệp Bình, TP. Thủ Đức, TP.HCM", as clerks still write. Fuzzy (the
    form is mixed); a 2025 ward outside that district's territory is no answer (it stays a candidate).
    ``typo_ok``: False where only a ward written exactly counts (no typo-tolerant search)."""
    end = _drop_country(tokens)
    pmatch = _province_span(tokens, end, idx.new_province_keys)
    dend, provinces = (pmatch.start, sorted(pmatch.codes)) if pmatch is not None else (end, list(idx.new_scope))
    if dend <= 0:
        tokens.edge = True
        return None
    dmatch = _exact_span(tokens, dend, _district_keys_of(idx, idx.scope_provinces), DISTRICT_MARKERS)
    if dmatch is None or dmatch.marker is None:
        return None
    if dmatch.start <= 0:
        tokens.edge = True
        return None
    res = _ward_2025(idx, tokens, dmatch.start, provinces, pmatch is not None, True, typo_ok)
    if res is None or res.new_uid is None:
        return None
    if pmatch is not None:
        res = _outside_old_province(idx, tokens, end, pmatch, res)
        if res.new_uid is None:
            return res
    territory = set().union(*(_district_parts(idx, d) for d in dmatch.codes))
    if res.new_uid not in territory:
        names = " / ".join(sorted(idx.district_name[d] for d in dmatch.codes))
        reason = f"the 2025 ward {res.new_uid} lies outside the old district written ({names})"
        return Resolution(reason=reason, candidates=[cast(Any, res.new_uid)])
    res.status = "fuzzy"
    res.confidence = min(res.confidence, UNCERTAIN)
    res.reason = "; ".join(filter(None, [f"2025 ward written with its old district '{dmatch.text}'", res.reason]))
    return res


def _district_parts(idx: ResolverIndex, district: str) -> frozenset[str]:
    """The 2025 wards the old wards of a district became (worked out once per district)."""
    return idx.ward_keys[district].derived(
        "parts", lambda t: frozenset(n for uids in t.values() for u in uids for n in idx.parts.get(u, ()))
    )


def _checked(idx: ResolverIndex, tokens: _Tokens, res: Resolution) -> Resolution:
    """What a reading must pass before it is an answer: an old name of several wards keeps them as
    candidates; no ward written with its type in an earlier segment may contradict the one read
    ("Phường Sài Gòn, Phường Bàn Cờ, TP.HCM": two wards, no answer, both candidates)."""
    if res.old_uid is None and res.old_hits and res.candidates is None:
        res.candidates = sorted(_old_targets(idx, res))
    if res.new_uid is None and res.status != "split_review":
        return res
    matches: Any = res.redo[2] if res.redo is not None else ()
    start = min(m.start for m in matches) if matches else res.unit_start
    if start < 0:
        return res
    targets: Any = set(idx.parts.get(res.old_uid, ())) if res.old_uid is not None else {res.new_uid}
    # The old wards an earlier name may be: those of the district read, else of the default provinces.
    district = next(iter(matches[0].codes)) if len(matches) == 2 and len(matches[0].codes) == 1 else None
    other = _other_ward_before(idx, tokens, start, targets, district)
    if other is None:
        return res
    text, its = other
    reason = f"two wards written: '{text}' before the one read (-> {';'.join(sorted(targets))})"
    return Resolution(reason=reason, candidates=sorted(targets | (its if len(its) <= 4 else set())))


_WARD_MARKER_FIRST = frozenset(m.split(" ")[0] for m in (*WARD_MARKERS, *WARD_MARKERS_2025))
_COMPACT_WARD = re.compile(r"^[pfx]([0-9]{1,2})$")


def _other_ward_before(
    idx: ResolverIndex, tokens: _Tokens, start: int, targets: set[str], district: str | None
) -> tuple | None:
    """A ward written with its type ("phuong x", "p 5", "p5") before the unit read at token ``start``,
    in its segment ("phuong sai gon phuong ban co") or one before it, whose 2025 wards (its own, or an
    old ward's parts) are none of ``targets``: (its text, those wards). Only the text's own segments
    are looked at: _read_rows reads an address whose first segment may hold such a ward whole
    (``_head_ward_pattern``)."""
    words = tokens.words
    seg_end = _segment_start(tokens, start + 1)  # where the segment of the ward read starts
    # Its own segment, before the unit read: each ward marker in turn ("xa lo ha noi phuong 5": the
    # street's "xa" names no ward). A cut tail's street part (_read_cuts) holds a marker word only as
    # the text's first word: where that is one, the whole text decides.
    first = seg_end
    if seg_end < tokens.cut:
        if tokens.first in _WARD_MARKER_FIRST:
            tokens.edge = True
            return None
        first = tokens.cut
    for i in range(first, start):
        if words[i] in _WARD_MARKER_FIRST:
            marker = _marker_at(words, i, start, WARD_MARKERS_2025) or _marker_at(words, i, start, WARD_MARKERS)
            if marker is not None and i + marker.count(" ") + 1 < start:
                its = _ward_targets(idx, _squash(words[i + marker.count(" ") + 1 : start]), district)
                if its:
                    return (" ".join(words[i:start]), its) if not its & targets else None
    while seg_end > 0:
        s = e = seg_end
        s = seg_end = _segment_start(tokens, e)  # the segment before it: [s, e)
        for i in range(s, e):
            key = None
            if words[i] in _WARD_MARKER_FIRST:
                marker = _marker_at(words, i, e, WARD_MARKERS_2025) or _marker_at(words, i, e, WARD_MARKERS)
                if marker is not None and i + marker.count(" ") + 1 < e:
                    key = _squash(words[i + marker.count(" ") + 1 : e])
            elif e - s == 1 and (compact := _COMPACT_WARD.match(words[i])) is not None:
                key = _normalise_number(compact.group(1))
            if key is None:
                continue
            its = _ward_targets(idx, key, district)
            if its and not its & targets:
                return " ".join(words[i:e]), its
            break
    return None


def _ward_targets(idx: ResolverIndex, key: str, district: str | None) -> set[str]:
    """The 2025 wards a ward key may mean: 2025 wards of that name, and the parts of the old wards of
    that name in ``district`` (else in the default provinces)."""
    its = set(idx.new_ward_all.get(key, ()))
    if district is not None:
        tables: Any = (idx.ward_keys[district], idx.ward_alias_keys[district])
    else:
        tables = tuple(idx.wards_by_province[p] for p in idx.scope_provinces)
    for old_uid in (uid for table in tables for uid in table.get(key, ())):
        its.update(idx.parts.get(old_uid, ()))
    return its


def _old_targets(idx: ResolverIndex, old: Resolution) -> set[str]:
    if old.status == "split_resolved":
        return {cast(Any, old.new_uid)}
    if old.old_uid is not None:
        return set(idx.parts.get(old.old_uid, ()))
    return {uid for hit in old.old_hits for uid in idx.parts.get(hit, ())}


def _decide(idx: ResolverIndex, old: Resolution, new: Resolution, side: str | None) -> Resolution:
    """Choose between the old-form and the 2025-form reading of an address without a district."""
    old_set = _old_targets(idx, old)
    new_set = {new.new_uid} if new.new_uid is not None else set(new.candidates or ())
    if not new_set:
        if not old_set:
            return Resolution(reason=f"{old.reason}; no 2025 ward either" if old.reason else new.reason)
        return old
    if not old_set:
        return new
    # A name written exactly in one scheme beats a typo-tolerant reading in the other.
    if old.typo != new.typo and new.new_uid is not None and old.old_uid is not None:
        return old if new.typo else new
    if old_set == new_set and new.new_uid is not None:
        # Every reading lands on one 2025 ward: the answer is as certain as the 2025 reading alone (an
        # old reading without its district is fuzzy only for what it may mean; here it means the same),
        # unless the old reading needed a typo. A date changes nothing but the form named.
        status = "fuzzy" if old.typo and new.status == "exact" else new.status
        confidence = min(old.confidence, new.confidence) if old.typo else new.confidence
        reason = "either form (no district, no date); both read as " + new.new_uid
        if side is not None:
            reason = f"either form; both read as {new.new_uid}; the as-of date says the {side} form"
        reason = "; ".join(filter(None, [reason, new.reason]))
        start = new.unit_start if old.unit_start == new.unit_start else -1
        return Resolution(
            None, status, confidence, new.new_uid, reason, side, [new.new_uid], complete=new.complete, unit_start=start
        )
    if side is not None:
        chosen = old if side == "pre2025" else new
        note = f"name of both schemes; read in the {side} form by the as-of date"
        if chosen.status == "exact":
            chosen.status = "fuzzy"
        if chosen.new_uid is not None:
            chosen.confidence = min(chosen.confidence, UNCERTAIN)
        chosen.reason = "; ".join(filter(None, [note, chosen.reason]))
        return chosen
    old_read = old.old_uid or f"{len(old.old_hits)} old units"
    reason = (
        f"name of both schemes and nothing decides (no district, date or scheme): old form {old_read} "
        f"-> {';'.join(sorted(old_set))}, 2025 form -> {';'.join(sorted(new_set))}"
    )
    return Resolution(None, "scheme_review", 0.5, None, reason, None, sorted(old_set | new_set))


def parse_2025(idx: ResolverIndex, tokens: _Tokens) -> Resolution:
    """Read a cleaned address in the 2025 form: street, ward/commune/special zone, province (optional).

    The ward must stand right before the province (or at the end) and be anchored like an
    old ward. Typos are corrected only among the wards of the province written, or of the
    provinces searched by default when none is written (never across the country).
    """
    if not tokens.words:
        return Resolution(reason="no letters or digits in the input")
    end = _drop_country(tokens)
    pmatch = _province_span(tokens, end, idx.new_province_keys)
    readings = [(sorted(pmatch.codes), pmatch.start, True)] if pmatch is not None else []
    if (
        pmatch is not None
        and pmatch.marker in idx.new_ward_last_words
        and pmatch.start > 0
        and (
            (tail := tokens.words[pmatch.start - 1] + pmatch.marker.replace(" ", "")) in idx.new_ward_all.suffixes()
            or tail in idx.new_ward_all
        )
    ):
        # The province's type word may end the ward's name ("Xã Tuệ Tĩnh Hải Phòng": not "Tỉnh Hải
        # Phòng"): read with the province's name alone where the type word leaves no ward before it.
        readings.append((sorted(pmatch.codes), pmatch.start + pmatch.marker.count(" ") + 1, True))
    readings.append((list(idx.new_scope), end, False))
    country: dict[int, _Match | None] = {}  # the lookup in the whole country, by end (see _ward_2025)
    for provinces, wend, given in readings:
        if wend <= 0:
            tokens.edge = True
            continue
        res = _ward_2025(
            idx, tokens, wend, provinces, given, need_marker=pmatch is not None and not given, country=country
        )
        if res is not None:
            res.complete = given
            return _outside_old_province(idx, tokens, end, cast(Any, pmatch), res) if given else res
    # No province written and no ward of the default provinces: a name unique in the country (looked up
    # already by the last reading's _ward_2025 where it got that far: the same lookup on the same tokens).
    match = country[end] if end in country else _exact_span(tokens, end, idx.new_ward_all, WARD_MARKERS_2025)
    if match is not None and match.marker is not None:
        codes = _typed(idx.new_ward_type, match)
        if len(codes) == 1:
            uid = next(iter(codes))
            reason = "province missing; 2025 ward name unique in the country"
            return Resolution(None, "fuzzy", UNCERTAIN, uid, reason, "2025", [uid], unit_start=match.start)
        return Resolution(
            reason=f"province missing and '{match.text}' names {len(codes)} 2025 wards", candidates=sorted(codes)
        )
    return Resolution(reason="no 2025 ward found")


def _outside_old_province(idx: ResolverIndex, tokens: _Tokens, end: int, pmatch: _Match, res: Resolution) -> Resolution:
    """A 2025 ward read under a province written by its pre-2025 name ("Bình Dương", "BRVT": now part
    of another province) must come from that old province: "Phường Sài Gòn, Bà Rịa - Vũng Tàu" or
    "Xã Long Hải, Bình Dương" contradict themselves and are not answered (the ward stays a candidate)."""
    if res.new_uid is None:
        return res
    current = _province_span(tokens, end, idx.new_province_own_keys)
    if current is not None and current.start == pmatch.start:
        return res  # the name of a 2025 province (some kept a predecessor's name, not its territory)
    old = _province_span(tokens, end, idx.province_keys)
    if old is None or old.start != pmatch.start or idx.new_ward_old_provinces.get(res.new_uid, set()) & old.codes:
        return res
    written = " / ".join(sorted(idx.old_province_name.get(c, c) for c in old.codes))  # not as written: see
    reason = f"the 2025 ward {res.new_uid} lies outside the old province written ({written})"  # _province_segment
    return Resolution(reason=reason, candidates=[res.new_uid])


def _typed(types: dict[str, str], match: _Match, strict: bool = False) -> set[str]:
    """The codes of the unit type the marker says; all codes when none has it (unless ``strict``)."""
    if match.marker in MARKER_TYPES:
        typed = {c for c in match.codes if not MARKER_TYPES[match.marker].isdisjoint(types.get(c, "").split("|"))}
        return typed if strict else typed or match.codes
    return match.codes


def _ward_2025(
    idx: ResolverIndex,
    tokens: _Tokens,
    end: int,
    provinces,
    given: bool,
    need_marker: bool = False,
    typos=True,
    country: dict[int, _Match | None] | None = None,
) -> Resolution | None:
    """The 2025 ward ending at ``end`` among ``provinces``; ``need_marker``: the text there also reads
    as a province ("..., Bình Dương"), so only a ward written with its type counts; ``typos``: False,
    only names written exactly. ``country``: where the name is looked up in the whole country, that
    match (or None) is kept there under ``end`` (parse_2025 reads it again when nothing else reads)."""
    hits: set[str] = set()
    matches = []
    for p in provinces:
        m = _exact_span(tokens, end, idx.new_ward_keys[p], WARD_MARKERS_2025)
        if m is not None and (m.marker is not None or not need_marker):
            m.codes = _typed(idx.new_ward_type, m, strict=True)  # "Xã Tân Hưng" is not "Phường Tân Hưng"
            hits |= m.codes
            matches.append(m)
    # Without a province, a name written exactly elsewhere in the country is not corrected into a
    # ward of the default provinces ("Phường Long Biên" is no typo of "Xã Long Điền"): parse_2025
    # reads it in the whole country.
    in_country = None
    if not hits and typos and not given:
        in_country = _exact_span(tokens, end, idx.new_ward_all, WARD_MARKERS_2025)
        if country is not None:
            country[end] = in_country
    if not hits and typos and (given or in_country is None):
        for p in provinces:
            m = _fuzzy_span(tokens, end, idx.new_ward_keys[p], WARD_MARKERS_2025)
            if m is not None and m.marker is not None:  # a name without type and with a typo: too little
                m.codes = _typed(idx.new_ward_type, m, strict=True)  # a typo never changes the unit type
                hits |= m.codes
                matches.append(m)
        seg = _segment_start(tokens, end) if not hits and end > 0 else 0
        if seg > 0 and not tokens.hard_before[seg]:
            # A name with " - " in it ("Phường Xuân Hương - Đà Lạt"): the typo'd segment may be its second
            # part. Read with that boundary taken away, among such names only.
            bounds = tokens.boundary_before[:end]
            bounds[seg] = False
            sub = _Tokens(tokens.words[:end], bounds, tokens.hard_before[:end], cut=tokens.cut, first=tokens.first)
            sub.classes = tokens.classes
            for p in provinces:
                table = idx.new_hyphen_keys.get(p)
                m = _fuzzy_span(sub, end, table, WARD_MARKERS_2025) if table else None
                if m is not None and m.marker is not None:
                    m.codes = _typed(idx.new_ward_type, m, strict=True)
                    hits |= m.codes
                    matches.append(m)
            tokens.edge = tokens.edge or sub.edge
    if not hits:
        return None
    if len(hits) > 1:
        return Resolution(reason=f"'{matches[0].text}' names {len(hits)} 2025 wards", candidates=sorted(hits))
    uid = next(iter(hits))
    m = next(m for m in matches if m.codes)
    notes = [f"fuzzy '{m.text}' ({m.score:.0f})"] if m.how == "fuzzy" else []
    if m.marker is None:  # "12 Hùng Vương, Chợ Lớn, HCM": a place name as much as a ward
        if _key(m.text) in idx.new_province_keys:  # "..., Sài Gòn, TP.HCM": the city's own name
            reason: Any = f"'{m.text}' is a province name as well as a 2025 ward written without its type"
            return Resolution(reason=reason, candidates=[uid])
        notes.append(f"2025 ward '{m.text}' written without its type")
    # Without a province, a name found in the default provinces is certain only if unique in the country.
    if not given and len(idx.new_ward_all[idx.new_ward_key[uid]]) > 1:
        notes.append("province missing; read in the default province")
    status = "fuzzy" if notes else "exact"
    confidence = round(m.score / 100 * (0.95 if m.how == "fuzzy" else 1.0), 4)
    if notes:
        confidence = min(confidence, UNCERTAIN)
    reason = "; ".join(notes) or None
    return Resolution(None, status, confidence, uid, reason, "2025", [uid], typo=m.how == "fuzzy", unit_start=m.start)


def _written_ward(tokens: _Tokens, end: int) -> str | None:
    """The ward written with its marker in the segment before ``end`` ("xa abc" -> "abc"), if any."""
    if end <= 0:
        tokens.edge = True
        return None
    words = tokens.words
    seg = _segment_start(tokens, end)
    for i in range(seg, end):
        marker = _marker_at(words, i, end, WARD_MARKERS)
        if marker is not None and i + marker.count(" ") + 1 < end:
            if i + marker.count(" ") + 1 < tokens.cut:  # the name's words stand for a cut tail's street part
                tokens.edge = True
                return None
            return " ".join(words[i + marker.count(" ") + 1 : end])
    return None


def _closest_wards(idx: ResolverIndex, district: str, written: str) -> str:
    names, keys = idx.ward_keys[district].derived("closest", lambda table: _closest_choices(idx, table))
    if not names:
        return ""
    best = process.extract(_squash(written.split(" ")), keys, scorer=OSA.distance, limit=3)
    return " (closest: " + ", ".join(names[uid] for _, _, uid in best) + ")"


def _closest_choices(idx: ResolverIndex, table: KeyTable) -> tuple[dict[str, str], dict[str, str]]:
    """The wards of a district's key table (uid -> accented name) and their keys, for ``_closest_wards``:
    worked out once per district (each unresolved row of a district built them again: 0.27 ms a call)."""
    names = {uid: idx.ward_accented[uid] for uids in table.values() for uid in uids}
    return names, {uid: _key(name) for uid, name in names.items()}


def _unmarked_ward(idx: ResolverIndex, tokens: _Tokens, end: int, district: str) -> _Match | None:
    """A ward written without marker or comma right before its district: "88 tran hung dao 7 quan 5",
    "12 le loi phuoc trung thanh pho ba ria". Not after a street word ("duong tan dinh", "hem 22")
    nor at the start of the text (a house number); such a reading is never exact."""
    m = _exact_span(tokens, end, idx.ward_keys[district], WARD_MARKERS, idx.ward_alias_keys[district], False)
    if m is None or m.start == 0 or tokens.hard_before[m.start]:
        return None
    if tokens.cut and m.start - (0 if tokens.classes else 2) < tokens.cut:
        tokens.edge = True  # the words before the ward are in the street part of a cut tail
        return None
    words = tokens.words
    before = words[m.start - 1]
    # "duong tan dinh", "hem 22": a street word starting the street (after a house number or at the
    # start); "vo van kiet an phu": the end of a street's name ("kiệt" is also an alley word)
    starts_street = m.start == 1 or words[m.start - 2][0].isdigit() or tokens.hard_before[m.start - 1]
    if (before in STREET_MARKERS and starts_street) or before in _WARD_WORDS:
        return None
    return _Match(m.codes, m.start, 90.0, "unmarked", m.marker, m.text)


_UNANCHORED = ("unanchored", "fuzzy unanchored")  # districts read only after a ward with its marker
_FUZZY_HOWS = ("fuzzy", "unmarked", *_UNANCHORED)  # (not written in the test of _finish_terms: mypyc)


def _finish_terms(idx: ResolverIndex, old_uid: str, score: float, matches: list[_Match]) -> tuple:
    """(parts, fuzzy matches, confidence, reason) of an old unit read with ``matches``."""
    parts = idx.parts.get(old_uid, [])
    fuzzy = [m for m in matches if m.how in _FUZZY_HOWS]
    confidence = round(score / 100.0 * (0.95 if fuzzy else 1.0), 4)
    notes = [
        f"fuzzy '{m.text}' ({m.score:.0f})"
        if m.how == "fuzzy"
        else f"district '{m.text}' without type or comma" + (" (fuzzy)" if m.how != "unanchored" else "")
        if m.how in _UNANCHORED
        else f"ward '{m.text}' without marker or comma"
        for m in fuzzy
    ] + [f"alias '{m.text}'" for m in matches if m.how == "alias"]
    return parts, fuzzy, confidence, "; ".join(notes) or None


def _finish(idx: ResolverIndex, old_uid: str, score: float, matches: list[_Match], original: Any) -> Resolution:
    parts, fuzzy, confidence, reason = _finish_terms(idx, old_uid, score, matches)
    res = _finish_parts(idx, old_uid, parts, fuzzy, confidence, reason, original)
    res.typo = any(m.how != "unanchored" for m in fuzzy)  # a district without type or comma is no typo
    res.redo = (old_uid, score, matches)
    return res


def _finish_parts(idx, old_uid, parts, fuzzy, confidence, reason, original) -> Resolution:
    if not parts:
        return Resolution(old_uid=old_uid, reason=f"old unit {old_uid} has no successor in the crosswalk")
    if len(parts) == 1:
        return Resolution(old_uid, "fuzzy" if fuzzy else "exact", confidence, parts[0], reason)
    # Split old unit: only evidence may pick a part.
    entries = idx.gazetteer.get(old_uid, ())
    if entries:
        words = original if isinstance(original, str) else " ".join(original.words)
        padded = f" {words} "
        evidence = {(new_uid, kind, name) for needle, kind, name, new_uid in entries if needle in padded}
    else:
        evidence = set()
    if entries:  # the outcome depends on the text: more text (before a tail) may hold evidence
        _EVIDENCE_READ.flag = True
    return _split_outcome(old_uid, parts, confidence, reason, evidence)


# Set when a reading looked for split evidence in its text, where the gazetteer has entries to find
# (_read_tail_keys): a split unit without entries reads the same whatever the text around it.
_EVIDENCE_READ = threading.local()


def _split_outcome(old_uid, parts, confidence, reason, evidence: set[tuple[str, str, str]]) -> Resolution:
    """A split old unit's reading given the gazetteer entries (new uid, kind, name) found in the address."""
    chosen = {e[0] for e in evidence}
    if len(chosen) == 1:
        new_uid, kind, name = sorted(evidence)[0]
        why = f"split unit; gazetteer {kind} '{name}' lies in {new_uid}"
        return Resolution(
            old_uid, "split_resolved", round(confidence * 0.95, 4), new_uid, "; ".join(filter(None, [why, reason]))
        )
    why = (
        "split unit; conflicting gazetteer evidence"
        if chosen
        else f"split unit across {len(parts)} new units; no street/hamlet evidence"
    )
    return Resolution(old_uid, "split_review", confidence, None, "; ".join(filter(None, [why, reason])))


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def clean_expr(column: pl.Expr) -> pl.Expr:
    """Columnar clean-up applied before parsing: NFC, no control characters, folded accents, and
    everything the tokeniser ignores made one space ("p. ben nghe ,q.1" -> "p ben nghe,q 1"), so
    spellings that read the same are one distinct string. A hyphen between whitespace is the " - "
    boundary; the space on either side of a separator is dropped (literal patterns, leftmost and
    longest first: as the regex ' ?([,;|()\\[\\]~]) ?' -> '$1')."""
    folded = strip_accents_fast_expr(column.str.replace_all(_CONTROL, " "))
    # Each run of other characters made one space, in two passes that touch only punctuation and
    # repeated spaces (one pass, "[^a-z0-9,;|()\[\]~]+" -> " ", replaced every single space too: twice
    # the time): each run of other characters but spaces becomes a space, then each run of spaces one.
    return (
        folded.str.replace_all(r"\s+-\s+", "~")
        .str.replace_all(r"[^a-z0-9,;|()\[\]~ ]+", " ")
        .str.replace_all("  +", " ")
        .str.replace_many(_SEP_SPACES, leftmost=True)
        .str.replace_all("~", " - ", literal=True)
        .str.strip_chars()
    )


_SEP_SPACES = {form: sep for sep in ",;|()[]~" for form in (f" {sep} ", f" {sep}", f"{sep} ")}


# The administrative tail: the cleaned text after the first separator (see _RAW_HEAD).
_TAIL = r"^[^,;|()\[\]]*[,;|()\[\]][ ]*(.*[a-z0-9].*)$"
_SCHEME_WORDS = {"pre2025": "pre2025", "old": "pre2025", "2025": "2025", "new": "2025"}
# _cands: a reading's own candidates (2025 readings, scheme_review) joined by _CANDS_SEP, split at the end
# (a list column built from Python rows costs several times the rest of the frame).
_RESULT_COLUMNS = {**_RESULT_SCHEMA, "scheme": pl.String, "_cands": pl.String}
_CANDS_SEP = "\x1f"


def _as_series(value, n: int, name: str, label: str) -> pl.Series:
    """One value per address: a Series/sequence of n values, or one value repeated."""
    if isinstance(value, pl.Series):
        if value.len() != n:
            raise ValueError(f"{label}: {value.len()} values for {n} addresses")
        return value.rename(name)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return _as_series(pl.Series(name, list(value)), n, name, label)
    return pl.repeat(value, n, eager=True).rename(name)


def scheme_expr(column: pl.Expr) -> pl.Expr:
    """A caller's scheme value as 'pre2025' / '2025' (also 'old' / 'new', any case); anything else null."""
    text = column.cast(pl.String).str.strip_chars().str.to_lowercase().str.replace_all(r"[\s_-]", "")
    return text.replace_strict(_SCHEME_WORDS, default=None, return_dtype=pl.String)


_ISO_DATETIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{1,2}:[0-9]{2}"
_DATE_FORMATS = (  # (format, the text's shape: a four-digit year)
    ("%Y-%m-%d", r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$"),
    ("%d/%m/%Y", r"^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$"),
    ("%d-%m-%Y", r"^[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}$"),
    ("%d.%m.%Y", r"^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}$"),
    ("%Y%m%d", r"^[0-9]{8}$"),
)


def as_of_side_expr(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """'pre2025' for a date before 2025-07-01, '2025' from that day; null when missing or unreadable.

    Text dates are read as ISO (2025-07-01, also the date of an ISO datetime), dd/mm/yyyy, dd-mm-yyyy,
    dd.mm.yyyy or yyyymmdd, with a four-digit year from 1900 on (a two-digit year is not guessed).
    """
    if dtype == pl.Datetime or isinstance(dtype, pl.Datetime):
        date = column.dt.date()
    elif dtype == pl.Date:
        date = column
    else:
        text = column.cast(pl.String).str.strip_chars()
        # An ISO datetime's date ("2025-09-15T08:00:00", "2025-09-15 08:00"); a year of four digits only:
        # "15/9/25" is no date (year 25, or 1925, or 2025: never guessed).
        text = pl.when(text.str.contains(_ISO_DATETIME)).then(text.str.slice(0, 10)).otherwise(text)
        date = pl.coalesce(
            *(pl.when(text.str.contains(shape)).then(text.str.to_date(f, strict=False)) for f, shape in _DATE_FORMATS)
        )
    reform = pl.lit(REFORM_DATE).str.to_date()
    date = pl.when(date.dt.year() >= 1900).then(date)  # an earlier year is a typo or a two-digit year read as such
    return pl.when(date.is_null()).then(None).when(date < reform).then(pl.lit("pre2025")).otherwise(pl.lit("2025"))


def _modes(n: int, scheme, as_of) -> pl.Series:
    """Per row 'hint/side' (each '-' when unknown): the scheme the caller knows, the scheme of the date."""
    if scheme is None and as_of is None:
        return pl.repeat("-/-", n, eager=True, dtype=pl.String).rename("_mode")
    if isinstance(as_of, str) and pl.select(as_of_side_expr(pl.lit(as_of), pl.String)).item() is None:
        # one text for every row that is no date (a column's name, as the CLI's --as-of COLUMN takes): refused, not
        # every row read as undated
        raise ValueError(
            f"as_of: {as_of!r} is not a date (YYYY-MM-DD, dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy or yyyymmdd, from 1900);"
            " for one date per row pass them as a Series or sequence (a frame's column: frame[name])"
        )
    frame = pl.DataFrame([_as_series(scheme, n, "s", "scheme").cast(pl.String), _as_series(as_of, n, "d", "as_of")])
    return frame.select(
        pl.concat_str(
            scheme_expr(pl.col("s")).fill_null("-"),
            as_of_side_expr(pl.col("d"), frame.schema["d"]).fill_null("-"),
            separator="/",
        ).alias("_mode")
    )["_mode"]


def _read_mode(idx: ResolverIndex, clean: str, mode: str) -> Resolution:
    hint, side = mode.split("/")
    return read_address(idx, clean, None if hint == "-" else hint, None if side == "-" else side)


def _row(res: Resolution) -> tuple:
    cands = None if res.candidates is None else _CANDS_SEP.join(res.candidates)
    return (res.old_uid, res.new_uid, res.status, res.confidence, res.reason, res.scheme, cands)


# A raw character whose lower case or canonical decomposition holds a separator (U+037E GREEK QUESTION
# MARK decomposes to ';'; no other code point does): a row with one is cleaned whole (see _read_rows).
_SEPARATOR_MAKERS = "\u037e"
# The raw text after the first separator (the text with _RAW_HEAD removed, where it has a separator).
# Cleaning maps each character on its own (NFC/NFD reordering never crosses a separator; spaces around
# a separator are dropped), so cleaning this part gives the cleaned address's text after its first
# separator (its _TAIL, when that has a letter or digit).
_RAW_SEPARATOR = r"[,;|()\[\]]"
_RAW_HEAD = rf"^[^,;|()\[\]]*{_RAW_SEPARATOR}"
_RAW_HEAD_GROUP = rf"^([^,;|()\[\]]*){_RAW_SEPARATOR}"  # the text before the first separator, as group 1
_KEY_SCHEMA = {"_tail": pl.String, "_mode": pl.String}


def _after_first_separator(text: pl.Expr) -> pl.Expr:
    """The text after its first separator (``_RAW_HEAD`` removed; null without one): cut at the byte
    offset ``str.find`` gives (the separators are ASCII: the cut keeps UTF-8 whole), half the time
    of the regex replace."""
    at = text.str.find(_RAW_SEPARATOR)
    return text.cast(pl.Binary).bin.slice(at + 1).cast(pl.String)


def _before_first_separator(text: pl.Expr) -> pl.Expr:
    """The text before its first separator (``_RAW_HEAD_GROUP``'s group; null without one)."""
    at = text.str.find(_RAW_SEPARATOR)
    return text.cast(pl.Binary).bin.head(at).cast(pl.String)


_SPLIT_SCHEMA = {"_split_uid": pl.String, "_split_conf": pl.Float64, "_split_reason": pl.String}


def _tuples(frame: pl.DataFrame):
    """The rows of ``frame`` as tuples (``iter_rows``), built from its columns' lists: about half the time."""
    return zip(*(frame[c].to_list() for c in frame.columns), strict=True)


def _read_tail_keys(idx: ResolverIndex, keys: pl.DataFrame, tokens_of) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read each distinct key (a row of ``keys``, all text columns, the mode last) once with the
    whole-address logic: ``tokens_of(*key)`` gives the text and its tokens.

    Every lookup of the parser stops at a comma-like boundary, except the few that extend left
    from a position; where one of those stopped at the start of the text (``_Tokens.edge``), the
    text before it could change the reading and the key is not used. Returns the keys whose reading
    is the address's whatever stands before them (``_skip``: unless that text ends with a district,
    see ``_tail_readings``), and the keys naming a split old unit with its district, whose part only
    gazetteer evidence in the whole address can pick (old unit, confidence and reason without
    evidence). A reading that looked for split evidence in the text is not used.
    """
    final_rows: list[tuple] = []
    split_rows: list[tuple] = []
    for key in _tuples(keys):
        hint, side = key[-1].split("/")
        text, tokens = tokens_of(*key)
        _EVIDENCE_READ.flag = False
        res = read_tokens(idx, text, tokens, None if hint == "-" else hint, None if side == "-" else side)
        if tokens.edge:
            continue  # a lookup would have read on into the text before the tail
        skip = bool(tokens.skips)  # valid only if no exact district ends the text before the tail
        if res.district and res.redo is not None and res.status in ("split_review", "split_resolved"):
            parts, _fuzzy, confidence, reason = _finish_terms(idx, *res.redo)
            if len(parts) > 1:
                split_rows.append((*key, skip, res.redo[0], confidence, reason))
        elif not _EVIDENCE_READ.flag:  # else it looked for split evidence: the text before the tail may hold some
            final_rows.append((*key, skip, *_row(res)))
    key_schema = {**dict.fromkeys(keys.columns, pl.String), "_skip": pl.Boolean}
    final = pl.DataFrame(final_rows, schema={**key_schema, **_RESULT_COLUMNS}, orient="row")
    splits = pl.DataFrame(split_rows, schema={**key_schema, **_SPLIT_SCHEMA}, orient="row")
    return final, splits


def _read_tails(idx: ResolverIndex, tails: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each distinct (tail, mode) read once (``_read_tail_keys``)."""
    return _read_tail_keys(idx, tails.select(list(_KEY_SCHEMA)), lambda t, _m: (t, tokenise(t)))


# The last comma-like segment of a tail, and the text before it (ending with its separator).
_LAST_SEGMENT = r"^(.*[,;|()\[\]])([^,;|()\[\]]*)$"
_MULTI_MARKERS = frozenset(
    m for m in (*WARD_MARKERS, *WARD_MARKERS_2025, *DISTRICT_MARKERS, *PROVINCE_MARKERS) if " " in m
)
_MULTI_MARKER_SECOND = frozenset(m.split(" ")[1] for m in _MULTI_MARKERS)
_DISTRICT_MARKER_SECOND = frozenset(m.split(" ")[1] for m in DISTRICT_MARKERS if " " in m)  # "pho", "xa"


def _province_segment(idx: ResolverIndex, segment: str) -> str | None:
    """The provinces a tail's last segment names, as a key ("old codes/new codes"), where that is all
    the parser can read in it; else None.

    Every lookup of the parser that ends at the end of the text sees that segment only (no unit name
    spans a comma; a segment starting with the second word of a two-word marker is excluded, as
    ``_is_anchored`` looks one word further left there). If the segment reads as a province of each
    scheme over its whole length, and as nothing else (no district, no old ward of the default
    provinces, no 2025 ward, not a trailing country), the reading of the tail depends on the provinces
    only: lookups of the province readings end where the segment starts, and those of the readings
    without province find nothing in it. Such segments naming the same provinces are interchangeable.
    """
    tokens = tokenise("0, " + segment)
    end = len(tokens.words)
    if end < 2 or _drop_country(tokens) != end or tokens.words[1] in _MULTI_MARKER_SECOND:
        return None
    old = _province_span(tokens, end, idx.province_keys)
    new = _province_span(tokens, end, idx.new_province_keys)
    if old is None or new is None or old.start != 1 or new.start != 1:
        return None
    scope = list(idx.scope_provinces)
    if (
        _find_districts_uncached(idx, tokens, end, scope, False)
        or (wards := _ward_without_district(idx, tokens, end, scope, False, "")).old_uid is not None
        or wards.old_hits
        or _ward_2025(idx, tokens, end, list(idx.new_scope), False, need_marker=True) is not None
        or _exact_span(tokens, end, idx.new_ward_all, WARD_MARKERS_2025) is not None
        or tokens.edge
    ):
        return None
    return ";".join(sorted(old.codes)) + "/" + ";".join(sorted(new.codes))


def _read_province_tails(idx: ResolverIndex, tails: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``_read_tails`` with tails that differ only in how their last segment writes the same
    provinces ("..., TP.HCM", "..., Thành phố Hồ Chí Minh": see ``_province_segment``) read once."""
    parts = tails.with_columns(pl.col("_tail").str.extract_groups(_LAST_SEGMENT).struct.unnest())
    parts = parts.rename({"1": "_pre", "2": "_last"})
    ok = pl.col("_pre").str.contains("[a-z0-9]")
    segments = parts.filter(ok).select(pl.col("_last").unique())
    keys = [_province_segment(idx, s) for s in segments["_last"]]
    segments = segments.with_columns(_prov=pl.Series(keys, dtype=pl.String))
    # One spelling per province key: the shortest (then first in order) of those seen.
    canon = (
        segments.drop_nulls("_prov")
        .sort(pl.col("_last").str.len_chars(), "_last")
        .group_by("_prov", maintain_order=True)
        .agg(_canon=pl.col("_last").first())
    )
    segments = segments.join(canon, on="_prov", how="left")
    parts = parts.join(segments.select("_last", "_canon"), on="_last", how="left").with_columns(
        _read=pl.when(ok & pl.col("_canon").is_not_null())
        .then(pl.col("_pre") + pl.col("_canon"))
        .otherwise(pl.col("_tail"))
    )
    return _read_short_tails(idx, parts.select("_tail", "_mode", "_read"))


# The last three comma-like segments of a tail of four or more (ward, district, province: "to 5,khu pho 2,
# p 18,q 4,sg" -> "p 18,q 4,sg"), as group 1.
_LAST_THREE = r"^(.*)[,;|()\[\]]([^,;|()\[\]]*[,;|()\[\]][^,;|()\[\]]*[,;|()\[\]][^,;|()\[\]]*)$"

# A tail cut before its first segment that opens with a ward marker phrase (the word, then a word or a
# number: "phuong tan dinh", "p 12", "p12"; not glued to a name), where no bracket stands before it (the
# cut is not inside a note): the text before (group 1, without the separator) and from the marker on.
_WARD_CUT = (
    r"^([^()\[\]]*?)[,;|]((?:"
    + "|".join(sorted({*WARD_MARKERS, *WARD_MARKERS_2025}, key=lambda m: (-len(m), m)))
    + r")(?: [a-z0-9]|[0-9]).*)$"
)


def _usable_cut(head: pl.Expr, short: pl.Expr) -> pl.Expr:
    """``short`` (a tail's end, cut at a separator after ``head``), null where its reading may depend on
    ``head`` in a way ``_read_tail_keys`` does not see: see ``_read_short_tails``."""
    first = short.str.extract(r"^[^a-z0-9]*([a-z0-9]+)", 1)
    before = head.str.extract(r"([a-z0-9]+)[^a-z0-9]*$", 1)  # null: in the address's head
    across = pl.concat_str(before.fill_null("?"), first, separator=" ").is_in(sorted(_MULTI_MARKERS))
    usable = short.str.contains("[a-z0-9]") & ~(first.is_in(sorted(_MULTI_MARKER_SECOND)) & (before.is_null() | across))
    usable = usable & ~head.str.contains(_CLEAN_WARD_WORD)  # a ward before them: _checked
    return pl.when(usable.fill_null(False)).then(short)


def _no_district_before(idx: ResolverIndex, heads: pl.Series) -> pl.Series:
    """Can no exact district reading end each of ``heads`` (a tail's text before a cut)? Its last comma-like
    segment with a word is checked as ``_may_end_with_district`` checks an address's first one; false where
    it has none (the segment before is then the address's head) or opens with the second word of a two-word
    district marker ("thanh,pho 4": ``_is_anchored`` reads one word across the separator before it)."""
    last = heads.str.replace(r"[^a-z0-9]+$", "").str.extract(r"([^,;|()\[\]]*)$", 1)
    first = last.str.extract(r"^[^a-z0-9]*([a-z0-9]+)", 1)
    unsafe = _segments_may_end_with_district(idx, last) | first.is_in(sorted(_DISTRICT_MARKER_SECOND))
    return (last.str.contains("[a-z0-9]") & ~unsafe).fill_null(False).rename("_skip_ok")


def _read_short_tails(idx: ResolverIndex, parts: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``_read_tails`` on the text to read of each tail (column ``_read``), where a tail is read from a
    shorter end of it first: from its first segment that opens with a ward marker ("kp 10,phuong tan
    dinh,sg" -> "phuong tan dinh,sg", ``_WARD_CUT``), else, for a tail of four or more segments, from
    its last three (hamlets, quarters and streets before the ward make most such tails distinct): one
    reading per distinct (shorter end, mode).

    Either is a tail cut at a separator, as the tail is the address cut at its first one:
    ``_read_tail_keys`` keeps their reading only where no lookup stopped at their start (and where it
    looked for no split evidence in the text), so the text before cannot change it. A reading that
    looked one segment further left (``_skip``) is not used here (the check of the text before,
    ``_tail_readings``, looks at the address's first segment only), nor a cut between the words of a
    two-word marker ("thanh,pho ...": ``_is_anchored`` looks one word across the separator there), or
    before a marker's second word whose word before is in the address's head, or after text holding a
    ward word (``_checked`` looks for one before the ward read). The tails whose shorter end gives no
    reading are read whole."""
    # The cuts made columns first: an expression naming a field of extract_groups' struct runs the regex again.
    parts = parts.with_columns(
        _ward=pl.col("_read").str.extract_groups(_WARD_CUT), _three=pl.col("_read").str.extract_groups(_LAST_THREE)
    )
    ward, three = pl.col("_ward").struct, pl.col("_three").struct
    parts = parts.with_columns(_by_ward=_usable_cut(ward.field("1"), ward.field("2")))
    by_ward = pl.col("_by_ward")
    short = pl.coalesce(by_ward, _usable_cut(three.field("1"), three.field("2")))
    head = pl.when(by_ward.is_not_null()).then(ward.field("1")).otherwise(three.field("1"))
    parts = parts.with_columns(_short=short, _head=head).drop("_ward", "_three", "_by_ward")
    keys = parts.select(pl.coalesce("_short", "_read").alias("_tail"), "_mode").unique()
    final, splits = _read_tails(idx, keys)
    whole = parts.filter(pl.col("_short").is_null()).select("_tail", "_mode", "_read")
    shortened = parts.filter(pl.col("_short").is_not_null()).select("_tail", "_mode", "_read", "_short", "_head")
    # A reading that looked one segment further left (_skip) is the tail's where that segment, the last one
    # of the text cut off, cannot end with a district (as _tail_readings checks the address's first one).
    shortened = shortened.with_columns(_no_district_before(idx, shortened["_head"]))
    on_short = ["_short", "_mode"]
    ok = ~pl.col("_skip") | pl.col("_skip_ok")
    final_short = shortened.join(final.rename({"_tail": "_short"}), on=on_short).filter(ok)
    splits_short = shortened.join(splits.rename({"_tail": "_short"}), on=on_short).filter(ok)
    final_short, splits_short = (
        f.with_columns(_skip=False).drop("_head", "_skip_ok") for f in (final_short, splits_short)
    )
    taken = pl.concat([final_short.select("_tail", "_mode"), splits_short.select("_tail", "_mode")])
    rest = shortened.join(taken, on=["_tail", "_mode"], how="anti").select("_tail", "_mode", "_read")
    if not rest.is_empty():
        final_rest, splits_rest = _read_tails(idx, rest.select(pl.col("_read").alias("_tail"), "_mode").unique())
        final, splits = pl.concat([final, final_rest]), pl.concat([splits, splits_rest])
        whole = pl.concat([whole, rest])
    final = whole.join(final.rename({"_tail": "_read"}), on=["_read", "_mode"]).drop("_read")
    splits = whole.join(splits.rename({"_tail": "_read"}), on=["_read", "_mode"]).drop("_read")
    drop = ["_read", "_short"]
    final = pl.concat([final, final_short.drop(drop)])
    splits = pl.concat([splits, splits_short.drop(drop)])
    return final, splits


def _gazetteer_frame(idx: ResolverIndex) -> pl.DataFrame:
    if idx.gazetteer_frame is None:
        rows = [
            (old, needle, kind, name, new)
            for old, entries in idx.gazetteer.items()
            for needle, kind, name, new in entries
        ]
        idx.gazetteer_frame = pl.DataFrame(
            rows,
            schema={
                "_split_uid": pl.String,
                "_needle": pl.String,
                "_kind": pl.String,
                "_gname": pl.String,
                "_gnew": pl.String,
            },
            orient="row",
        )
    return idx.gazetteer_frame


def _words_expr(clean: pl.Expr) -> pl.Expr:
    """The words of a cleaned address joined by single spaces (``" ".join(_WORD.findall(clean))``): every
    run of other characters one space, none at either end (no list of words built per row)."""
    return clean.str.replace_all(r"[^a-z0-9]+", " ").str.strip_chars(" ")


def _read_splits(idx: ResolverIndex, rows: pl.DataFrame) -> pl.DataFrame:
    """Split old units read from their tail: the gazetteer entries of the unit found in each whole
    address (vectorised), then one reading per distinct (unit reading, evidence)."""
    if rows.is_empty():
        return pl.DataFrame(schema={"_row": pl.UInt32, **_RESULT_COLUMNS})
    rows = rows.with_columns(_padded=pl.lit(" ") + _words_expr(clean_expr(pl.col("input"))) + pl.lit(" "))
    hits = (
        rows.select("_row", "_split_uid", "_padded")
        .join(_gazetteer_frame(idx), on="_split_uid")
        .filter(pl.col("_padded").str.contains(pl.col("_needle"), literal=True))
        .select("_row", _ev=pl.concat_str("_gnew", "_kind", "_gname", separator="\x1f"))
        .unique()
        .group_by("_row")
        .agg(pl.col("_ev").sort().str.join("\x1e"))
    )
    rows = rows.join(hits, on="_row", how="left").with_columns(pl.col("_ev").fill_null(""))
    keys = ["_split_uid", "_split_conf", "_split_reason", "_ev"]
    out = []
    for old_uid, confidence, reason, ev in _tuples(rows.select(keys).unique()):
        evidence = {tuple(e.split("\x1f")) for e in ev.split("\x1e")} if ev else set()
        res = _split_outcome(old_uid, idx.parts[old_uid], confidence, reason, evidence)
        res.scheme = "pre2025"
        out.append((old_uid, confidence, reason, ev, *_row(res)))
    by_key = pl.DataFrame(
        out,
        schema={"_split_uid": pl.String, "_split_conf": pl.Float64, "_split_reason": pl.String, "_ev": pl.String}
        | _RESULT_COLUMNS,
        orient="row",
    )
    return rows.join(by_key, on=keys, how="left", nulls_equal=True).select("_row", *_RESULT_COLUMNS)


def _with_clean(rows: pl.DataFrame) -> pl.DataFrame:
    """``rows`` (columns input, _length) with the cleaned address (_clean), cleaned only where the
    address is not too long to be one (null there: such input can be 10 kB of junk)."""
    fits = pl.col("_length") <= MAX_INPUT_CHARS
    return pl.concat(
        [
            rows.filter(fits).with_columns(_clean=clean_expr(pl.col("input"))),
            rows.filter(~fits).with_columns(_clean=pl.lit(None, dtype=pl.String)),
        ]
    )


def _read_whole(idx: ResolverIndex, rows: pl.DataFrame) -> pl.DataFrame:
    """Rows read as whole addresses: each distinct (cleaned address, mode) once; an address too long
    to be one is unresolved (saying its length), without being read."""
    too_long = rows.filter(pl.col("_length") > MAX_INPUT_CHARS).select(
        "_row",
        *(pl.lit(None, dtype=dtype).alias(name) for name, dtype in _RESULT_COLUMNS.items() if name != "reason"),
        reason=pl.format(
            "input too long ({} characters; an address has at most {})", "_length", pl.lit(MAX_INPUT_CHARS)
        ),
    )
    too_long = too_long.with_columns(status=pl.lit("unresolved"), confidence=pl.lit(0.0)).select(
        "_row", *_RESULT_COLUMNS
    )
    rows = rows.filter(pl.col("_length") <= MAX_INPUT_CHARS)
    out = []
    for clean, mode in _tuples(rows.select("_clean", "_mode").unique()):
        if not clean:
            res = Resolution(reason="empty after removing punctuation, control characters and spaces")
        else:
            res = _read_mode(idx, clean, mode)
        out.append((clean, mode, *_row(res)))
    by_clean = pl.DataFrame(out, schema={"_clean": pl.String, "_mode": pl.String, **_RESULT_COLUMNS}, orient="row")
    read = rows.join(by_clean, on=["_clean", "_mode"], how="left").select("_row", *_RESULT_COLUMNS)
    return pl.concat([read, too_long])


def _district_key_list(idx: ResolverIndex) -> pl.Series:
    if idx.district_key_list is None:
        idx.district_key_list = pl.Series(sorted({k for by_key in idx.district_keys.values() for k in by_key}))
    return idx.district_key_list


# A district marker word, a " - " boundary, or a compact last word ("q1").
_DISTRICT_MARKER_BOUNDARY_COMPACT = (
    r"(?:^| )(?:" + "|".join(DISTRICT_MARKERS) + r")(?: |$)| - |(?:^| )[pfqhx][0-9]{1,2}$"
)


def _may_end_with_district(idx: ResolverIndex, addresses: pl.Series) -> pl.Series:
    """Can the text before the first separator (one segment) end with a district ``_find_districts``
    reads exactly? A superset of its anchored lookups: the text has a district marker ("quan 1"),
    a " - " boundary, a compact last word ("q1"), or is itself a district key, with or without a
    glued marker ("govap", "tpthuduc"); cleaned only for the rows that ask.
    """
    head = pl.DataFrame({"a": addresses}).select(h=clean_expr(_before_first_separator(pl.col("a"))))
    return _segments_may_end_with_district(idx, head["h"])


def _segments_may_end_with_district(idx: ResolverIndex, segments: pl.Series) -> pl.Series:
    """``_may_end_with_district`` on cleaned text of one comma-like segment each (null stays null). The
    squashed text and its forms are made columns before they are looked up: an expression repeating them
    computed each again (2.7 times the time)."""
    keys = _district_key_list(idx).implode()
    # The text, and without a glued marker: the longest word marker, or a one-letter one.
    long = "|".join(m.replace(" ", "") for m in DISTRICT_MARKERS if len(m) > 1)
    short = "".join(m for m in DISTRICT_MARKERS if len(m) == 1)
    frame = pl.DataFrame({"h": segments}).with_columns(s=pl.col("h").str.replace_all(r"[^a-z0-9]", ""))
    frame = frame.with_columns(
        f1=pl.col("s").str.replace(f"^(?:{long})", ""), f2=pl.col("s").str.replace(f"^[{short}]", "")
    )
    forms = [pl.col("s"), pl.col("f1"), pl.col("f2")]
    numbers = [f.str.replace(r"^0+([1-9][0-9]*)$", "$1") for f in forms]  # as _normalise_number
    return frame.select(
        pl.col("h").str.contains(_DISTRICT_MARKER_BOUNDARY_COMPACT)
        | pl.any_horizontal(*(f.is_in(keys) for f in forms + numbers))
    ).to_series()


def _tail_readings(idx: ResolverIndex, keyed: pl.DataFrame, found: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows whose tail reading (column ``found`` not null) is theirs, and the other rows.

    A reading that looked one segment further left (``_skip``) is the address's only if the text
    before the tail cannot end with a district name (checked, vectorised, on those rows only).
    """
    hit = pl.col(found).is_not_null()
    skipped = keyed.filter(hit & pl.col("_skip"))
    skipped = skipped.with_columns(_unsafe=_may_end_with_district(idx, skipped["input"]).fill_null(False))
    use = pl.concat([keyed.filter(hit & ~pl.col("_skip")), skipped.filter(~pl.col("_unsafe")).drop("_unsafe")])
    rest = pl.concat([keyed.filter(~hit), skipped.filter("_unsafe").drop("_unsafe")])
    return use, rest


# A ward marker word (or compact "p12") in cleaned text: _checked looks for one before the ward read.
_WARD_MARKER_PHRASES = sorted({*WARD_MARKERS, *WARD_MARKERS_2025})
_CLEAN_WARD_WORD = (
    r"(?:^|[^a-z0-9])(?:"
    + "|".join(m.replace(" ", "[^a-z0-9]+") for m in _WARD_MARKER_PHRASES)
    + r"|[pfx][0-9]{1,2})(?:[^a-z0-9]|$)"
)


@cache
def _head_ward_pattern() -> str:
    """``_CLEAN_WARD_WORD`` on raw text: each letter stands for every character that cleans to it (the
    folding table, either case, combining marks after it), a word boundary for any other character.
    A superset of the raw texts whose cleaned form has such a word (a row with one in its first segment
    is read whole: its tail's reading cannot see that ward)."""
    keys, values = fold_table()
    same: dict[str, set[str]] = defaultdict(set)
    for key, value in zip(keys, values, strict=True):
        if len(value) == 1 and value.isalnum():
            same[value].add(key)
    word_chars = {c for v in "abcdefghijklmnopqrstuvwxyz" for c in (v, v.upper(), *same[v])}

    def letter(v: str) -> str:
        chars = "".join(sorted({v, v.upper(), *same[v]}))
        return "[" + re.escape(chars) + r"]\p{Mn}*" if v.isalpha() else v

    edge = "[^0-9" + re.escape("".join(sorted(word_chars))) + r"\p{Mn}]"
    words = [f"(?:{edge})+".join("".join(map(letter, w)) for w in m.split(" ")) for m in _WARD_MARKER_PHRASES]
    compact = "".join(sorted({c for v in "pfx" for c in (v, v.upper(), *same[v])}))
    words.append("[" + re.escape(compact) + r"]\p{Mn}*[0-9]{1,2}")
    return f"(?:^|{edge})(?:" + "|".join(words) + f")(?:{edge}|$)"


def _read_rows(idx: ResolverIndex, rows: pl.DataFrame) -> pl.DataFrame:
    """The reading of every row (columns _row, input (not null), _mode): _row plus the result columns.

    Rows mostly differ in the house number and street before the first separator, while
    "phuong x, quan y, tp z" repeats. The text after the first separator (the administrative
    tail) is cut from the *raw* text with a vectorised regex, cleaned once per distinct value
    and read once per distinct (tail, mode); the whole address is cleaned only for the rows
    that need it. A tail's reading is used for a row only where nothing before it can change
    it (``_read_tails``); a split unit's part is then picked from the gazetteer entries found
    in the whole address (vectorised); every other row is read whole, as ``read_address`` would
    (among them rows without a separator: there the street runs into the ward).
    """
    # The byte offset of the first separator (null without one: str.find), found once for the head and the tail
    # (_before_first_separator, _after_first_separator).
    rows = rows.with_columns(_length=pl.col("input").str.len_chars(), _at=pl.col("input").str.find(_RAW_SEPARATOR))
    raw, at = pl.col("input").cast(pl.Binary), pl.col("_at")
    fits = (pl.col("_length") <= MAX_INPUT_CHARS) & at.is_not_null()
    fits = fits & ~pl.col("input").str.contains(_SEPARATOR_MAKERS, literal=True)
    fits = fits & ~raw.bin.head(at).cast(pl.String).str.contains(_head_ward_pattern())  # _checked
    rows = rows.with_columns(_raw=pl.when(fits).then(raw.bin.slice(at + 1).cast(pl.String))).drop("_at")
    raw_tails = rows.select(pl.col("_raw").drop_nulls().unique())
    raw_tails = raw_tails.with_columns(_tail=clean_expr(pl.col("_raw"))).filter(
        pl.col("_tail").str.contains("[a-z0-9]")
    )
    mode = rows["_mode"]
    if mode.len() and mode.null_count() == 0 and (mode == mode[0]).all():
        # One mode for every row (no --as-of or --scheme-column): the distinct tails are those of the
        # distinct raw tails, and each raw tail gets its reading before the one join onto the rows.
        final, splits = _read_province_tails(idx, raw_tails.select(pl.col("_tail").unique(), _mode=pl.lit(mode[0])))
        by_raw = raw_tails.join(final.drop("_mode"), on="_tail", how="left")
        keyed = rows.join(by_raw, on="_raw", how="left").drop("_raw")
        rows = keyed.select(*(c for c in rows.columns if c != "_raw"), "_tail")
        keyed = keyed.select(*rows.columns, *(c for c in final.columns if c not in ("_tail", "_mode")))
    else:
        rows = rows.join(raw_tails, on="_raw", how="left").drop("_raw")
        final, splits = _read_province_tails(idx, rows.select("_tail", "_mode").drop_nulls().unique())
        keyed = rows.join(final, on=["_tail", "_mode"], how="left")
    done, left = _tail_readings(idx, keyed, "status")
    split_rows, left = _tail_readings(
        idx, left.select(rows.columns).join(splits, on=["_tail", "_mode"], how="left"), "_split_uid"
    )
    left = _with_clean(left.select(rows.columns))
    cut_done, cut_splits, left = _read_cuts(idx, left)
    split_columns = ["_row", "input", *_SPLIT_SCHEMA]
    splits = _read_splits(idx, pl.concat([split_rows.select(split_columns), cut_splits.select(split_columns)]))
    done = done.select("_row", *_RESULT_COLUMNS)
    whole = _read_whole(idx, left.select("_row", "_clean", "_mode", "_length"))
    return pl.concat([done, cut_done, splits, whole])


# Every unit-type marker phrase (any level, either scheme), longest first, and every word of one.
ALL_MARKERS = sorted(
    {m for ms in (WARD_MARKERS, WARD_MARKERS_2025, DISTRICT_MARKERS, PROVINCE_MARKERS) for m in ms},
    key=lambda m: (-len(m), m),
)
_MARKER_WORDS = sorted({w for m in ALL_MARKERS for w in m.split(" ")})
# A cleaned address without comma-like separators, cut before its first marker phrase: the street
# part (words and single spaces only: no " - ") and a tail of at least two words.
_CUT = r"^([a-z0-9 ]*?[a-z0-9]) ((?:" + "|".join(ALL_MARKERS) + r") [a-z0-9].*)$"
_CUT_KEYS = ["_cut", "_s0", "_s2", "_s1", "_mode"]
# "street part|tail" where a squashed marker starts at a word of the street part and ends at its end
# or in the tail, its letters perhaps split into words.
_STRADDLE = (
    r"(?:^| )(?:"
    + "|".join(
        " ?".join(sq[:k]) + r"\|" + " ?".join(sq[k:])
        for sq in sorted({m.replace(" ", "") for m in ALL_MARKERS})
        for k in range(1, len(sq) + 1)
    )
    + ")"
)


def _read_cuts(idx: ResolverIndex, left: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Comma-less addresses ("12 le loi phuong 7 quan 5 tphcm") read from their first unit marker on.

    The street part (house number and street: every address differs there) is cut off before the
    first marker phrase of any level, so it holds none; the tail is read once per distinct (tail,
    the street part's last two words where they are marker words, mode) by ``_read_cut_tails``.
    Where that reading would look into the street part (a ward written without marker between the
    street and the district: "12 le loi phuoc trung thanh pho ba ria"), the cut is moved left by
    ``_MOVED_CUTS`` words in turn, the two words before it standing as their classes (``_cut_keys``).
    Returns the rows read (_row + result columns), the rows naming a split old unit (for
    ``_read_splits``: evidence is looked for in the whole address) and the rows left to read whole.
    """
    fits = (pl.col("_length") <= MAX_INPUT_CHARS) & ~pl.col("_clean").str.contains(_RAW_SEPARATOR)
    g = pl.col("_g")
    cut = left.filter(fits).with_columns(_g=pl.col("_clean").str.extract_groups(_CUT))
    cut = cut.filter(g.struct.field("2").is_not_null()).select(
        "_row", "input", "_mode", _street=g.struct.field("1"), _tail=g.struct.field("2")
    )
    reads, split_parts = [], []
    for moved in (0, *_MOVED_CUTS):
        if cut.is_empty():
            break
        keyed = _cut_keys(cut, moved)
        final, splits = _read_cut_tails(idx, keyed.select(_CUT_KEYS).unique(), classes=moved > 0)
        read = keyed.join(final, on=_CUT_KEYS, how="inner")
        split_rows = keyed.join(splits, on=_CUT_KEYS, how="inner")
        reads.append(read.select("_row", *_RESULT_COLUMNS))
        split_parts.append(split_rows.select("_row", "input", *_SPLIT_SCHEMA))
        taken = pl.concat([read["_row"], split_rows["_row"]])
        cut = cut.filter(~pl.col("_row").is_in(taken.implode()))
    if not reads:
        no_splits = pl.DataFrame(schema={"_row": pl.UInt32, "input": pl.String, **_SPLIT_SCHEMA})
        return pl.DataFrame(schema={"_row": pl.UInt32, **_RESULT_COLUMNS}), no_splits, left
    read, split_rows = pl.concat(reads), pl.concat(split_parts)
    taken = pl.concat([read["_row"], split_rows["_row"]])
    rest = left.filter(~pl.col("_row").is_in(taken.implode()))
    return read, split_rows, rest


# Words moved from the street part into a cut tail, tried in this order (a ward written without marker
# has mostly two words; a numbered one needs the street word before it): see _read_cuts. Moving 1 or 4
# words as well read few more rows (about 3,000 of the 1M benchmark input) for more keys than it saved.
_MOVED_CUTS = (2, 3)
# Street words a cut tail's lookups tell apart (``_unmarked_ward``, ``_is_anchored``): any other word
# stands as "0" (it starts with a digit) or "a".
_CLASS_WORDS = sorted({*_MARKER_WORDS, *STREET_MARKERS})
# Street words a cut tail's reading tells from a house number nowhere as the street part's first word
# (``_Tokens.first``): ``_fuzzy_span`` asks whether it starts with a digit, is a street word or a lower
# unit's word (never a street word after a typed ward there: a cut tail has no separators,
# ``_after_typed_ward``), ``_other_ward_before`` whether it is a ward marker's first word. Such a first word
# stands as "0" in the key, so its tails are read once with the numbered ones.
_NUMBER_LIKE_FIRST = sorted(
    w
    for w in STREET_MARKERS
    if " " not in w and w not in _WARD_MARKER_FIRST and w not in set().union(*_LOWER_UNIT_WORDS.values())
)


def _cut_keys(cut: pl.DataFrame, moved: int) -> pl.DataFrame:
    """The rows of ``cut`` (columns _street, _tail: the cut before the first marker phrase) with the
    key of their cut tail, the last ``moved`` words of the street part moved into the tail (rows whose
    street part would keep fewer than two words are dropped). The key (``_CUT_KEYS``): the tail, the
    street part's first word ("0" for a number, else as written where a marker or street word, else
    "a"), its last two words (moved 0: as written where they are marker words, else "0"; else their
    class, see ``_CLASS_WORDS``) and the mode. No marker, glued or spaced, may end the street part or
    run from it into the tail ("thanhpho", "t p", "th" + "i xa"): stripped as a glued marker, it
    would leave a key of the tail (``_may_extend``); such rows are dropped."""
    words = pl.col("_street").str.split(" ")
    if moved:
        n = words.list.len()
        cut = cut.filter(n - moved >= 2).with_columns(
            _street=words.list.head(n - moved).list.join(" "),
            _tail=pl.concat_str(words.list.tail(moved).list.join(" "), pl.lit(" "), pl.col("_tail")),
        )
    straddle = pl.concat_str("_street", pl.lit("|"), "_tail").str.contains(_STRADDLE)
    last = ((words.list.get(-2, null_on_oob=True), "_s2"), (words.list.get(-1), "_s1"))
    if moved:
        sig = [
            pl.when(w.is_in(_CLASS_WORDS))
            .then(w)
            .when(w.str.contains("^[0-9]"))
            .then(pl.lit("0"))
            .otherwise(pl.lit("a"))
            .alias(name)
            for w, name in last
        ]
    else:
        sig = [pl.when(w.is_in(_MARKER_WORDS)).then(w).otherwise(pl.lit("0")).alias(name) for w, name in last]
    w0 = words.list.first()
    s0 = (
        pl.when(w0.str.contains("^[0-9]") | w0.is_in(_NUMBER_LIKE_FIRST))
        .then(pl.lit("0"))
        .when(w0.is_in(_CLASS_WORDS))
        .then(w0)
        .otherwise(pl.lit("a"))
    )
    return cut.filter(~straddle).with_columns(pl.col("_tail").alias("_cut"), *sig, s0.alias("_s0"))


def _read_cut_tails(idx: ResolverIndex, keys: pl.DataFrame, classes: bool = False) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read each distinct cut tail with ``_read_tail_keys``, the street part standing as two words: its
    last two words where they are marker words (they decide whether a word after them is anchored),
    else "0"; with ``classes``, their classes (``_cut_keys``: a ward without marker may then start the
    tail). Every lookup that would read further into the street part sets ``_Tokens.edge``
    (``_exact_span`` only where a known key could start there, ``_may_extend``): those tails are not
    used. ``_skip`` is not needed: the street part holds no boundary, so a lookup one segment further
    left stops at its start in the cut tail as in the whole address."""

    def tokens_of(t: str, s0: str, s2: str, s1: str, _mode: str) -> tuple[str, _Tokens]:
        tail = tokenise(t)
        n = len(tail.words)
        flags = [True, False, False, *tail.boundary_before[1:]]
        hard = [True] + [False] * (n + 1)
        return f"{s2} {s1} {t}", _Tokens([s2, s1, *tail.words], flags, hard, cut=2, first=s0, classes=classes)

    return _read_tail_keys(idx, keys.select(_CUT_KEYS), tokens_of)


def _read_rows_whole(idx: ResolverIndex, rows: pl.DataFrame) -> pl.DataFrame:
    """The per-address path: every row read whole (the reference the tail path must equal)."""
    return _read_whole(idx, _with_clean(rows.with_columns(_length=pl.col("input").str.len_chars())))


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while addresses are read: the reading allocates millions of
    short-lived objects without cycles (tuples, matches, readings; reference counting frees them) and
    the collector, run every few hundred allocations over them and the index's caches, took about a
    tenth of the time. Enabled again afterwards (if it was)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def resolve_addresses(
    addresses: pl.Series | Sequence[str | None],
    reference: Reference | None = None,
    index: ResolverIndex | None = None,
    *,
    as_of=None,
    scheme=None,
    by_tail: bool = True,
) -> pl.DataFrame:
    """Resolve free-text addresses written in the old or the 2025 form. One output row per input, in order.

    ``as_of``: the record's date (one value, or one per row: date, datetime or text); it
    decides between an old-form and a 2025-form reading when the address itself does not.
    ``scheme``: the form the caller knows the address is written in ('pre2025'/'old' or
    '2025'/'new'; one value or one per row; other values count as unknown).
    ``by_tail``: read each distinct administrative tail once (the default); False reads every
    distinct address whole (same results, slower: for tests).

    Columns: ``input`` plus the RESOLVED_ADDRESS columns (pipelines/schema.py).
    Never raises on bad values: they come back ``unresolved`` with a reason.
    """
    series = addresses if isinstance(addresses, pl.Series) else pl.Series(list(addresses), dtype=pl.String)
    series = series.cast(pl.String).rename("input")
    idx = index or index_for(reference)
    keys = ["input", "_mode"]
    frame = pl.DataFrame([series, _modes(series.len(), scheme, as_of)]).with_row_index("_i")
    constant = scheme is None and as_of is None  # one mode for every row: the text alone decides
    by = "input" if constant else keys
    if _nearly_distinct(frame, by):
        # Nearly every address distinct (registries: house numbers): every row is read as it stands;
        # the reading steps work on distinct tails and texts anyway, and finding the distinct rows
        # first (hashing every text, then joining the readings back) would save next to nothing.
        rows = frame.filter(pl.col("input").is_not_null()).select(pl.col("_i").alias("_row"), *keys)
        with _gc_paused():
            resolved = (_read_rows if by_tail else _read_rows_whole)(idx, rows)
        # Sorted first (the join alone, gathering the readings in their unsorted order, cost more on a million rows)
        resolved = resolved.sort("_row")
        if resolved["_row"].equals(frame["_i"]):  # one reading per row, no null input: in row order
            return _finish_rows(idx, pl.concat([frame.select("input"), resolved.drop("_row")], how="horizontal"))
        out = frame.join(resolved, left_on="_i", right_on="_row", how="left", maintain_order="left")
        return _finish_rows(idx, out)
    # Each distinct (raw address, mode) once, as the row where it first occurs (_first): mapped back
    # on that row number (an integer join; one on the text cost several times more).
    frame = frame.with_columns(_first=pl.col("_i").first().over(by))
    first = (pl.col("_i") == pl.col("_first")) & pl.col("input").is_not_null()
    rows = frame.filter(first).select(pl.col("_i").alias("_row"), *keys)
    with _gc_paused():
        resolved = (_read_rows if by_tail else _read_rows_whole)(idx, rows)
    out = frame.join(resolved, left_on="_first", right_on="_row", how="left", maintain_order="left")
    return _finish_rows(idx, out)


def _nearly_distinct(frame: pl.DataFrame, by) -> bool:
    """Is the number of distinct values D above DISTINCT_SHARE of the rows, as estimated from the first
    DEDUPE_SAMPLE: ``s`` rows drawn from ``D`` values repeat about s²/2D times, so D ≈ s²/(2 × repeats).
    (Rows drawn from D values are fewer distinct than D: 200,000 rows of 190,000 values are 62 % distinct.)"""
    sample = frame.head(DEDUPE_SAMPLE)
    s = sample.height
    repeats = s - sample.select(pl.struct(by).n_unique()).item()
    if s == frame.height:
        return s - repeats > DISTINCT_SHARE * s
    return s * s >= 2 * repeats * DISTINCT_SHARE * frame.height


def _finish_rows(idx: ResolverIndex, read: pl.DataFrame) -> pl.DataFrame:
    """Readings (``_read_rows``' columns and input) as the output columns: a row without reading is
    unresolved ("empty input (null)" where its input is null), units named, candidates listed."""
    read = _diacritics_decide(idx, read)
    read = read.with_columns(
        status=pl.col("status").fill_null("unresolved"),
        confidence=pl.col("confidence").fill_null(0.0),
        reason=pl.when(pl.col("input").is_null()).then(pl.lit("empty input (null)")).otherwise(pl.col("reason")),
    )
    read = _bare_numbers_said(read)
    cands = pl.col("_cands")
    own = pl.when(cands == "").then(pl.lit([], pl.List(pl.String))).otherwise(cands.str.split(_CANDS_SEP))
    read = _add_unit_columns(idx, read).with_columns(candidates=pl.coalesce(own, "candidates"))
    return read.select("input", *RESOLVED_ADDRESS.columns)


# A cell holding one number and nothing else that names anything ("12", "-12", "# 12"): no letter, one run of
# digits. It never names a unit (a ward number needs its district), though its reading finds "Quận 12".
_BARE_NUMBER = r"^[^\p{L}\p{N}]*[0-9]+[^\p{L}\p{N}]*$"
BARE_NUMBER_REASON = "a number alone is not an address (no unit named)"


def _bare_numbers_said(read: pl.DataFrame) -> pl.DataFrame:
    """``read`` (input, status, reason) with the reason of each unresolved row whose input is a number alone
    saying so. Only the unresolved rows are looked at (a number alone is never read as a unit); an input too
    long to be an address keeps that reason ("#####...123", 10 kB)."""
    unresolved = (read["status"] == "unresolved").arg_true()
    if unresolved.is_empty():
        return read
    inputs = read["input"].gather(unresolved)
    bare = (inputs.str.len_chars() <= MAX_INPUT_CHARS) & inputs.str.contains(_BARE_NUMBER)  # too long: said so
    bare = bare.fill_null(False)
    if not bare.any():
        return read
    rows = unresolved.filter(bare)
    return read.with_columns(read["reason"].scatter(rows, BARE_NUMBER_REASON))


_TONE = "\u0300\u0301\u0303\u0309\u0323"  # the five tone marks (NFD)


def _tone_placements(text: str) -> set[str]:
    """``text`` (NFC) with the tone of "oa", "oe", "uy" on either vowel ("hòa"/"hoà")."""
    nfd = unicodedata.normalize("NFD", text)
    moved = (re.sub(f"([ou])([{_TONE}])([aey])", r"\1\3\2", nfd), re.sub(f"([ou])([aey])([{_TONE}])", r"\1\3\2", nfd))
    return {unicodedata.normalize("NFC", t) for t in (nfd, *moved)}


def _diacritic_needles(idx: ResolverIndex) -> pl.DataFrame:
    """2025 units whose name folds to another's (Xã Thạnh An / Xã Thanh An): uid, folded key, and
    their full name as written (lower case, each tone placement) between spaces."""
    if idx.diacritic_needles is None:
        shared = {k for k, uids in idx.new_ward_all.items() if len(uids) > 1}
        names = idx.new_units.filter(
            pl.col("new_uid").map_elements(lambda u: idx.new_ward_key.get(u) in shared, return_dtype=pl.Boolean)
        )
        rows = [
            (uid, idx.new_ward_key[uid], f" {' '.join(_LETTERS.findall(variant))} ")
            for uid, name in names.select("new_uid", "new_name").iter_rows()
            for variant in _tone_placements(name.lower())
        ]
        idx.diacritic_needles = pl.DataFrame(
            rows, schema={"_c": pl.String, "_key": pl.String, "_needle": pl.String}, orient="row"
        )
    return idx.diacritic_needles


_LETTERS = re.compile(r"[^\W_]+")


def _diacritics_decide(idx: ResolverIndex, read: pl.DataFrame) -> pl.DataFrame:
    """D4 (HV audit): a row left without answer whose candidates are all 2025 units of one folded name
    ("Xã Cẩm Giàng" / "Xã Cẩm Giang") gets the one whose full name, type word included, the raw input
    holds with its diacritics (a text without any diacritic decides nothing): fuzzy, never exact."""
    # The few rows without answer and with several candidates first; the raw text scanned on those only.
    ask = pl.col("new_uid").is_null() & pl.col("_cands").str.contains(_CANDS_SEP, literal=True)
    rows = read.with_row_index("_dr").filter(ask.fill_null(False))
    rows = rows.filter(pl.col("input").str.contains(r"[^\x00-\x7f]").fill_null(False))
    if rows.is_empty():
        return read
    needles = _diacritic_needles(idx)
    each = rows.select("_dr", "input", _c=pl.col("_cands").str.split(_CANDS_SEP)).explode("_c")
    known = each.join(needles.unique(["_c", "_key"]), on="_c", how="left")
    one_name = known.group_by("_dr").agg(ok=pl.col("_key").is_not_null().all() & (pl.col("_key").n_unique() == 1))
    padded = (
        pl.lit(" ")
        + pl.col("input").str.normalize("NFC").str.to_lowercase().str.replace_all(r"[\W_]+", " ")
        + pl.lit(" ")
    )
    hits = (
        each.join(one_name.filter("ok").select("_dr"), on="_dr")
        .join(needles, on="_c")
        .filter(padded.str.contains(pl.col("_needle"), literal=True))
        .group_by("_dr")
        .agg(_uid=pl.col("_c").unique())
        .filter(pl.col("_uid").list.len() == 1)
        .select("_dr", _uid=pl.col("_uid").list.first())
    )
    if hits.is_empty():
        return read
    note = "the diacritics written decide between 2025 wards of one folded name"
    # The new reason worked out on the rows decided only (the concatenation over every row cost more
    # than the rest of this step), then put in with one join.
    hits = hits.join(rows.select("_dr", "_cands", "reason"), on="_dr").select(
        "_dr",
        "_uid",
        # The reason of the reading without answer ("names 2 2025 wards", "nothing decides") no longer
        # holds: the note replaces it, with the wards it chose between and a missing province kept.
        _why=pl.concat_str(
            pl.lit(note + " ("),
            pl.col("_cands").str.replace_all(_CANDS_SEP, ", ", literal=True),
            pl.lit(")"),
            pl.when(pl.col("reason").str.contains("province missing", literal=True)).then(pl.lit("; province missing")),
            ignore_nulls=True,
        ),
    )
    # The decided rows' cells put in place (Series.scatter: a copy of each column, the others kept): a join of
    # every row on its row number and a choice per row cost about twice as much.
    at, uid, k = hits["_dr"], hits["_uid"], hits.height
    decided = {
        "new_uid": uid,
        "status": pl.repeat("fuzzy", k, eager=True, dtype=pl.String),
        "confidence": pl.repeat(UNCERTAIN, k, eager=True, dtype=read.schema["confidence"]),
        "reason": hits["_why"],
        "scheme": pl.repeat("2025", k, eager=True, dtype=pl.String),
        "_cands": uid,
    }
    return read.with_columns(read[name].clone().scatter(at, values) for name, values in decided.items())


def _unit_tables(idx: ResolverIndex) -> tuple:
    """The old units (with their candidate parts) and the new units as lookup tables, with an Enum of
    each table's uids in row order (a uid's position is its Enum code); () where a uid repeats."""
    if idx.unit_tables is None:
        old = idx.old_units.join(idx.candidates, on="old_uid", how="left", maintain_order="left")
        new = idx.new_units
        unique = all(t[c].null_count() == 0 and t[c].is_unique().all() for t, c in ((old, "old_uid"), (new, "new_uid")))
        idx.unit_tables = (old, pl.Enum(old["old_uid"]), new, pl.Enum(new["new_uid"])) if unique else ()
    return idx.unit_tables


def _add_unit_columns(idx: ResolverIndex, frame: pl.DataFrame) -> pl.DataFrame:
    """Names and codes of the old and new unit, and every candidate part of the old unit: each row's
    uids cast to the tables' Enums (an unknown uid: null) and the columns gathered at those codes (a
    join on the uid pair cost about twice as much on a million rows)."""
    tables = _unit_tables(idx)
    if not tables:
        pairs = (
            frame.select("old_uid", "new_uid")
            .unique()
            .join(idx.old_units, on="old_uid", how="left")
            .join(idx.new_units, on="new_uid", how="left")
            .join(idx.candidates, on="old_uid", how="left")
        )
        return frame.join(pairs, on=["old_uid", "new_uid"], how="left", nulls_equal=True, maintain_order="left")
    old, old_enum, new, new_enum = tables
    at = frame.select(
        o=pl.col("old_uid").cast(old_enum, strict=False).to_physical(),
        n=pl.col("new_uid").cast(new_enum, strict=False).to_physical(),
    )
    units = [old[c].gather(at["o"]) for c in old.columns[1:]] + [new[c].gather(at["n"]) for c in new.columns[1:]]
    return frame.with_columns(units)


# resolve_addresses' columns after ``input``, in order: the resolver's columns of an output (tests check the order)
OUTPUT_COLUMNS = (
    "old_uid",
    "old_code",
    "old_name",
    "old_district",
    "old_province",
    "new_uid",
    "new_code",
    "new_name",
    "status",
    "scheme",
    "confidence",
    "candidates",
    "reason",
)


def output_names(input_columns: Sequence[str]) -> dict[str, str]:
    """The name each of the resolver's columns (:data:`OUTPUT_COLUMNS`) takes beside ``input_columns``: its own, or
    where the input has a column of that name ``resolved_<name>``, and ``resolved_<name>_2``, ``_3``... where that is
    taken too (a file resolved twice already, re-resolved: its ``resolved_*`` columns are the input's)."""
    taken = set(input_columns)
    names = {}
    for column in OUTPUT_COLUMNS:
        name, k = column, 1
        while name in taken:
            k += 1
            name = f"resolved_{column}" if k == 2 else f"resolved_{column}_{k - 1}"
        taken.add(name)
        names[column] = name
    return names


def resolve_table(
    frame: pl.DataFrame,
    *,
    address_column: str | None = None,
    ward_column: str | None = None,
    district_column: str | None = None,
    province_column: str | None = None,
    old_code_column: str | None = None,
    reference: Reference | None = None,
    as_of=None,
    scheme=None,
) -> pl.DataFrame:
    """Resolve a table: free text in ``address_column`` and/or structured unit columns.

    ``as_of`` and ``scheme``: as in ``resolve_addresses`` (one value, or one per row).

    Structured columns are joined into one address ("ward, district, province")
    so they go through the same parser; an old code, when given and known,
    wins over names. Returns the input columns followed by the resolver's.
    """
    named = [c for c in (address_column, ward_column, district_column, province_column, old_code_column) if c]
    if not named:
        raise ValueError("resolve_table needs address_column or ward/district/province/old_code columns")
    missing = [c for c in named if c not in frame.columns]
    if missing:
        raise ValueError(f"column(s) {missing} not in the input (it has {frame.columns})")
    parts = [
        _unit_text(c, frame.schema[c]) for c in (address_column, ward_column, district_column, province_column) if c
    ]
    if parts:
        # a row whose columns are all null is a null input (concat_str of nulls only gives ''), as a null cell is
        joined = pl.concat_str(parts, separator=", ", ignore_nulls=True)
        text = pl.when(pl.any_horizontal([p.is_not_null() for p in parts])).then(joined)
    else:  # only old codes: no text to read, one null per row
        text = pl.repeat(None, frame.height, dtype=pl.String)
    units = {"ward": ward_column, "district": district_column, "province": province_column}
    # a unit cell that is a date or other digits without letters (no unit number) names no unit: such a row is
    # not read (a date read as a fuzzy ward), it says which column and why, never the value
    said = frame.select(_not_a_unit_name({role: c for role, c in units.items() if c}, frame.schema).alias("s"))["s"]
    texts = frame.select(text.alias("t"))["t"]
    flagged = said.is_not_null()
    if flagged.any():
        texts = texts.zip_with(~flagged, pl.Series([None], dtype=pl.String))
    idx = index_for(reference)
    resolved = resolve_addresses(texts, index=idx, as_of=as_of, scheme=scheme)
    if flagged.any():
        resolved = resolved.with_columns(reason=pl.when(flagged).then(said).otherwise(pl.col("reason")))
    if old_code_column:
        resolved = _apply_old_codes(idx, resolved, frame[old_code_column])
    names = output_names(frame.columns)  # a name the input has already: resolved_<name> (then _2, _3...)
    extra = resolved.drop("input").rename({c: n for c, n in names.items() if c != n})
    return pl.concat([frame, extra], how="horizontal")


UNKNOWN_OLD_CODE = "old code is not a known pre-2025 commune code"


_DATE_CELL = (
    r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})\s*$"
)
_UNIT_NUMBER = r"^[^\p{L}\p{N}]*[0-9]+[^\p{L}\p{N}]*$"  # '5', '05', '# 5': a numbered unit (as _BARE_NUMBER)


def _not_a_unit_name(columns: dict[str, str], schema) -> pl.Expr:
    """Per row, the reason its first structured unit column (``columns``: role -> column) holding no unit name says
    so (a date, or digits without any letter that are no unit number: '1-2-3'), else null. The value is never said."""
    said = pl.lit(None, dtype=pl.String)
    for role, column in reversed(list(columns.items())):  # the first such column's reason wins
        dtype = schema[column]
        cell = _unit_text(column, dtype).str.strip_chars()
        if dtype in (pl.Date, pl.Datetime) or isinstance(dtype, pl.Datetime):
            date = pl.col(column).is_not_null()
            other = pl.lit(False)
        else:
            no_name = cell.str.contains(r"\p{N}") & ~cell.str.contains(r"\p{L}") & ~cell.str.contains(_UNIT_NUMBER)
            date = no_name & cell.str.contains(_DATE_CELL)
            other = no_name & ~date
        said = (
            pl.when(date)
            .then(pl.lit(f"the {role} column holds a date, not a unit name"))
            .when(other)
            .then(pl.lit(f"the {role} column holds digits without letters, not a unit name"))
            .otherwise(said)
        )
    return said


def _unit_text(column: str, dtype: pl.DataType) -> pl.Expr:
    """A column's cells as text to read; a float column's whole numbers as integers ('5', not '5.0': a numbered ward
    column a Parquet file or pandas holds as floats for its one missing value read no ward at all)."""
    col = pl.col(column)
    if not dtype.is_float():
        return col.cast(pl.String)
    whole = is_whole_number(col)
    return pl.when(whole).then(col.cast(pl.Int64, strict=False).cast(pl.String)).otherwise(col.cast(pl.String))


def _apply_old_codes(idx: ResolverIndex, resolved: pl.DataFrame, codes: pl.Series) -> pl.DataFrame:
    """Rows whose old code is a known pre-2025 commune code are resolved from the code.

    The code's reading replaces every resolver column of the row (a split unit's
    new_uid stays empty unless evidence places it); the address text of the row still
    counts as gazetteer evidence for a split unit, and an address that reads another
    unit is noted in the reason.
    """
    # a code held as a float ('26740.0': a Parquet or pandas column of codes holding a null) is its whole number
    given = codes.cast(pl.String).str.strip_chars().str.replace(r"^(\d{1,5})[.,]0+$", "${1}")
    unknown = (given.str.len_chars() > 0) & ~("pre2025:" + given.str.zfill(5)).is_in(list(idx.parts))
    if unknown.any():  # said, never silently ignored: the row keeps what its address reads
        flagged = pl.Series(unknown.fill_null(False))
        said = pl.concat_str(pl.lit(UNKNOWN_OLD_CODE), pl.col("reason"), separator="; ", ignore_nulls=True)
        # (the other rows keep their reason, a null too: concat_str of nulls only gave them '')
        resolved = resolved.with_columns(reason=pl.when(flagged).then(said).otherwise(pl.col("reason")))
    frame = (
        resolved.select(
            "input",
            _address_uid=pl.col("old_uid"),
            _address_new=pl.col("new_uid"),
            _code_uid=pl.lit("pre2025:") + given.str.zfill(5),
            _words=clean_expr(pl.col("input")).str.extract_all(r"[a-z0-9]+").list.join(" ").fill_null(""),
        )
        .with_row_index("_row")
        .filter(pl.col("_code_uid").is_in(list(idx.parts)))
    )
    if frame.is_empty():
        return resolved
    rows = []
    for old_uid, text in frame.select("_code_uid", "_words").unique().iter_rows():  # distinct (code, text) only
        res = _finish(idx, old_uid, 100.0, [], text)
        rows.append((old_uid, text, res.new_uid, res.status, res.confidence, res.reason))
    by_code = pl.DataFrame(
        rows,
        schema={
            "_code_uid": pl.String,
            "_words": pl.String,
            **{k: v for k, v in _RESULT_SCHEMA.items() if k != "old_uid"},
        },
        orient="row",
    )
    disagrees = pl.col("_address_uid").is_not_null() & (pl.col("_address_uid") != pl.col("_code_uid"))
    # The address answers a 2025 ward the code's unit did not become: no answer, both are candidates.
    successors = pl.DataFrame(
        {"_code_uid": list(idx.parts), "_parts": list(idx.parts.values())},
        schema={"_code_uid": pl.String, "_parts": pl.List(pl.String)},
    )
    frame = frame.join(successors, on="_code_uid", how="left")
    elsewhere = pl.col("_address_new").is_not_null() & ~pl.col("_parts").list.contains(pl.col("_address_new"))
    patch = frame.join(by_code, on=["_code_uid", "_words"], how="left").with_columns(
        old_uid=pl.col("_code_uid"),
        reason=pl.concat_str(
            pl.lit("from old code"),
            pl.col("reason"),
            pl.when(disagrees).then(pl.lit("the address reads ") + pl.col("_address_uid")),
            pl.when(elsewhere).then(pl.lit("the address reads the 2025 ward ") + pl.col("_address_new")),
            pl.when(elsewhere).then(pl.lit("code and address disagree")),
            separator="; ",
            ignore_nulls=True,
        ),
        new_uid=pl.when(~elsewhere).then(pl.col("new_uid")),
        status=pl.when(elsewhere).then(pl.lit("unresolved")).otherwise(pl.col("status")),
        confidence=pl.when(elsewhere).then(0.0).otherwise(pl.col("confidence")),
        _elsewhere=elsewhere,
    )
    patch = _add_unit_columns(idx, patch.select("_row", "input", *_RESULT_SCHEMA, "_address_new", "_elsewhere"))
    patch = patch.with_columns(
        scheme=pl.lit("pre2025"),
        candidates=pl.when("_elsewhere")
        .then(pl.concat_list("candidates", "_address_new").list.unique().list.sort())
        .otherwise(pl.col("candidates")),
    )
    base = resolved.with_row_index("_row")
    kept = base.filter(~pl.col("_row").is_in(patch["_row"].implode()))
    return pl.concat([kept, patch.select(base.columns)]).sort("_row").drop("_row")

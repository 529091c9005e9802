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

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import OSA

from pipelines.reference import HCMC_OLD_PROVINCES, Reference, default_reference
from pipelines.schema import RESOLVED_ADDRESS
from pipelines.text import fold, strip_accents, strip_accents_expr

MAX_INPUT_CHARS = 500  # real addresses are < 200 characters; longer input is not an address
FUZZY_MIN_CHARS = 5  # shorter names are too close to each other to correct a typo safely
MAX_SPAN = 6  # longest unit name in tokens ("thanh pho ba ria vung tau")


# Unit-type words as they appear after folding, longest first. Multi-word ones
# are written with spaces and matched on consecutive tokens.
class Markers(tuple):
    """Unit-type words, longest first, with lookups by first and last word (hot path)."""

    def __new__(cls, *markers: str):
        self = super().__new__(cls, markers)
        self.by_first = {}
        for marker in markers:
            self.by_first.setdefault(marker.split(" ")[0], []).append(marker)
        self.last_words = {m.split(" ")[-1] for m in markers}
        self.letters = {m[0] for m in markers}
        return self


WARD_MARKERS = Markers("thi tran", "phuong", "ward", "xa", "tt", "p", "f", "x")
DISTRICT_MARKERS = Markers("thanh pho", "thi xa", "district", "quan", "huyen", "tp", "tx", "q", "h")
PROVINCE_MARKERS = Markers("thanh pho", "tinh", "tp")
STREET_MARKERS = frozenset(("duong", "dai", "hem", "ngo", "ngach", "kiet", "so", "to", "lo", "km", "quoc", "tinh lo"))
TRAILING_COUNTRY = (("viet", "nam"), ("vietnam",), ("vn",))
MARKER_TYPES = {  # marker -> unit types it may introduce (for disambiguation)
    "phuong": {"Phường"},
    "p": {"Phường"},
    "f": {"Phường"},
    "ward": {"Phường"},
    "xa": {"Xã"},
    "x": {"Xã"},
    "thi tran": {"Thị trấn"},
    "tt": {"Thị trấn"},
}
_TOKEN = re.compile(r"[a-z0-9]+|[,;|()\[\]\n]| - ")
_WORD = re.compile(r"[a-z0-9]+")
_COMPACT_MARKER = re.compile(r"^([pfqhx])(\d{1,2})$")
_CONTROL = r"[\x00-\x1f\x7f-\x9f]"

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


def _alias_forms(key: str, markers: Sequence[str]) -> list[str]:
    """An alias key and its forms without a unit-type prefix.

    A one-letter prefix is only removed before a digit ("p13" -> "13"): removing
    it before a name would turn "phuthanh" into the non-name "huthanh".
    """
    forms = [key]
    for marker in markers:
        squashed = marker.replace(" ", "")
        rest = key[len(squashed) :]
        if key.startswith(squashed) and rest and (len(squashed) > 1 or rest[0].isdigit()):
            forms.append(_normalise_number(rest))
    return forms


def _strip_prefixes(key: str, markers: Sequence[str]) -> list[tuple[str, str | None]]:
    """A squashed key with and without each unit-type prefix it could carry."""
    out = [(key, None)]
    for marker in markers:
        squashed = marker.replace(" ", "")
        if key.startswith(squashed) and len(key) > len(squashed):
            out.append((_normalise_number(key[len(squashed) :]), marker))
    return out


@dataclass
class ResolverIndex:
    """Lookup tables built once per reference: folded key -> units, per parent."""

    province_keys: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    district_keys: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    ward_keys: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    ward_alias_keys: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )
    wards_by_province: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )
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
    old_units: pl.DataFrame | None = None
    new_units: pl.DataFrame | None = None
    candidates: pl.DataFrame | None = None


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", strip_accents(text)))


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
        key = _normalise_number(fold(row["short_name"]))
        idx.ward_keys[district][key].add(row["unit_uid"])
        idx.wards_by_province[province][key].add(row["unit_uid"])
        idx.ward_type[row["unit_uid"]] = row["unit_type"]
        idx.ward_accented[row["unit_uid"]] = row["short_name"].lower()
    for row in (
        units.select("district_code", "district_short_name", "district_name", "province_code")
        .unique()
        .iter_rows(named=True)
    ):
        for key in (fold(row["district_short_name"]), fold(row["district_name"])):
            idx.district_keys[row["province_code"]][_normalise_number(key)].add(row["district_code"])
    for row in units.select("province_code", "province_short_name", "province_name").unique().iter_rows(named=True):
        for key in (fold(row["province_short_name"]), fold(row["province_name"])):
            idx.province_keys[key].add(row["province_code"])

    ward_district = dict(units.select("unit_uid", "district_code").iter_rows())
    for level, key, target in reference.aliases.select("level", "alias_key", "target_uid").iter_rows():
        code = target.rsplit(":", 1)[1]
        if level == "province":
            for stripped in _alias_forms(key, PROVINCE_MARKERS):
                idx.province_keys[stripped].add(code)
        elif level == "district" and code in idx.district_province:
            for stripped in _alias_forms(key, DISTRICT_MARKERS):
                idx.district_keys[idx.district_province[code]][stripped].add(code)
        elif level == "ward" and target in ward_district:
            district = ward_district[target]
            for stripped in _alias_forms(key, WARD_MARKERS):
                # An alias never shadows the current name of another unit.
                if stripped not in idx.ward_keys[district]:
                    idx.ward_alias_keys[district][stripped].add(target)

    crosswalk = reference.crosswalk.sort("old_uid", pl.col("is_default"), "new_uid", descending=[False, True, False])
    for old_uid, new_uid in crosswalk.select("old_uid", "new_uid").iter_rows():
        idx.parts.setdefault(old_uid, []).append(new_uid)
    for old_uid, kind, name, new_uid in reference.gazetteer.select("old_uid", "kind", "name", "new_uid").iter_rows():
        idx.gazetteer.setdefault(old_uid, []).append((f" {_words(name)} ", kind, name, new_uid))

    idx.old_units = units.select(
        old_uid="unit_uid", old_code="code", old_name="name", old_district="district_name", old_province="province_name"
    )
    idx.new_units = reference.units_2025.select(new_uid="unit_uid", new_code="code", new_name="name")
    idx.candidates = pl.DataFrame(
        {"old_uid": list(idx.parts), "candidates": list(idx.parts.values())},
        schema={"old_uid": pl.String, "candidates": pl.List(pl.String)},
    )
    return idx


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


# ---------------------------------------------------------------------------
# Parsing one cleaned address (runs once per distinct string)
# ---------------------------------------------------------------------------


@dataclass
class _Tokens:
    words: list[str]
    boundary_before: list[bool]  # a segment boundary precedes word i
    hard_before: list[bool]  # ... and it is not " - ", which also occurs inside names ("Bà Rịa - Vũng Tàu")


def _tokenise(text: str) -> _Tokens:
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
    return _Tokens(words, boundary, hard)


def _marker_at(words: list[str], start: int, end: int, markers: Markers) -> str | None:
    """The unit-type marker that starts at token ``start`` (and ends before ``end``), if any."""
    for marker in markers.by_first.get(words[start], ()):
        parts = marker.split(" ")
        if start + len(parts) <= end and words[start : start + len(parts)] == parts:
            return marker
    return None


def _is_anchored(tokens: _Tokens, start: int, markers: Markers) -> bool:
    """Does a unit name starting at token ``start`` start a segment or follow a marker?"""
    if tokens.boundary_before[start]:
        return True
    words = tokens.words
    if words[start - 1] not in markers.last_words:
        return False
    for marker in markers:
        parts = marker.split(" ")
        if start >= len(parts) and words[start - len(parts) : start] == parts:
            return True
    return False


@dataclass
class _Match:
    codes: set[str]
    start: int  # first token of the match (including its marker)
    score: float  # 100 exact
    how: str  # exact / alias / fuzzy
    marker: str | None = None
    text: str = ""


def _exact_span(
    tokens: _Tokens, end: int, keys: dict[str, set[str]], markers: Markers, alias_keys=None, anchored_only: bool = True
) -> _Match | None:
    """Longest anchored span ending at ``end`` whose key (minus a leading marker) is known.

    Spans grow leftwards one token at a time, so the squashed key is extended
    instead of rebuilt; the last hit is the longest.
    """
    words = tokens.words
    best: _Match | None = None
    key = ""
    for start in range(end - 1, max(-1, end - MAX_SPAN - 1), -1):
        word = words[start]
        key = word + key
        marker = _marker_at(words, start, end, markers) if word in markers.by_first else None
        if marker is not None:
            marker_len = len(marker) - marker.count(" ")
            if len(key) == marker_len:
                continue  # the marker alone
            candidates = [(_normalise_number(key[marker_len:]), marker)]
        else:
            compact = _COMPACT_MARKER.match(word) if start == end - 1 else None
            if compact is not None:
                candidates = [(_normalise_number(compact.group(2)), compact.group(1))]
            elif anchored_only and not _is_anchored(tokens, start, markers):
                if tokens.hard_before[start]:
                    break
                continue
            else:
                candidates = [(_normalise_number(key), None)]
                # A glued marker ("PTân Quy") right after a written marker ("Phường Ttân Bình")
                # would be a second unit type: that is a typo, not "TT. Ân Bình".
                if word[0] in markers.letters and (
                    start == 0 or tokens.boundary_before[start] or words[start - 1] not in markers.last_words
                ):
                    candidates += _strip_prefixes(key, markers)[1:]  # glued marker: "pbennghe", "tphcm", "ptanquy"
        for candidate, used_marker in candidates:
            if candidate in keys:
                best = _Match(set(keys[candidate]), start, 100.0, "exact", used_marker, " ".join(words[start:end]))
                break
            if alias_keys is not None and candidate in alias_keys:
                best = _Match(
                    set(alias_keys[candidate]), start, 100.0, "alias", used_marker, " ".join(words[start:end])
                )
                break
        if tokens.hard_before[start]:
            break  # no unit name spans a comma
    return best


def _segment_start(tokens: _Tokens, end: int) -> int:
    start = end - 1
    while start > 0 and not tokens.boundary_before[start]:
        start -= 1
    return start


def _fuzzy_span(tokens: _Tokens, end: int, choices: dict[str, set[str]], markers: Markers) -> _Match | None:
    """Typo-tolerant match of the segment ending at ``end`` against one parent's children.

    The name is taken after a unit-type marker of the segment, trying the
    leftmost first (a name may itself start with a marker word: "Xã Xà Bang").
    """
    if end <= 0:
        return None
    words = tokens.words
    seg_start = _segment_start(tokens, end)
    starts = []
    for i in range(seg_start, end):
        marker = _marker_at(words, i, end, markers)
        if marker is not None and i + marker.count(" ") + 1 < end:
            starts.append((i + marker.count(" ") + 1, marker))
    if not starts and not (words[seg_start][0].isdigit() or words[seg_start] in STREET_MARKERS):
        starts.append((seg_start, None))  # no marker; a house number or street word would make it a street
    names = [k for k in choices if len(k) >= FUZZY_MIN_CHARS and not k.isdigit()]
    for name_start, marker in starts:
        query = _squash(words[name_start:end])
        if len(query) < FUZZY_MIN_CHARS - 1 or query.isdigit():
            continue
        # Optimal string alignment distance counts a swap of two letters as one edit.
        max_edits = 1 if len(query) < 9 else 2
        best = process.extract(query, names, scorer=OSA.distance, limit=8, score_cutoff=max_edits)
        if not best:
            continue
        edits = best[0][1]
        codes = set().union(*(choices[key] for key, dist, _ in best if dist == edits))
        if len(codes) != 1:
            continue  # several units are equally close: do not guess
        start = name_start if marker is None else name_start - marker.count(" ") - 1
        score = 100.0 * (1 - edits / len(query))
        return _Match(codes, start, score, "fuzzy", marker, " ".join(words[name_start:end]))
    return None


def _drop_country(tokens: _Tokens) -> int:
    end = len(tokens.words)
    for suffix in TRAILING_COUNTRY:
        n = len(suffix)
        if end >= n and tuple(tokens.words[end - n : end]) == suffix:
            return end - n
    return end


@dataclass
class Resolution:
    old_uid: str | None = None
    status: str = "unresolved"
    confidence: float = 0.0
    new_uid: str | None = None
    reason: str | None = None


def _find_districts(
    idx: ResolverIndex, tokens: _Tokens, end: int, provinces: Sequence[str], province_given: bool = False
) -> list[tuple[str, _Match]]:
    """District readings ending at ``end``, most trusted first.

    Anchored exact names, then typo-tolerant matches, then (right before a written
    province) exact names without an anchor: "Huyện Bca Tân Uyên" is a typo of
    Bắc Tân Uyên, not the district Tân Uyên.
    """

    def exact(anchored_only: bool) -> list[tuple[str, _Match]]:
        hits = [
            (p, m)
            for p in provinces
            if (m := _exact_span(tokens, end, idx.district_keys[p], DISTRICT_MARKERS, anchored_only=anchored_only))
        ]
        longest = min((m.start for _, m in hits), default=None)  # "thanh pho thu duc" over "thu duc"
        return [(p, m) for p, m in hits if m.start == longest]

    found = exact(True)
    if found:
        return found
    found = [(p, m) for p in provinces if (m := _fuzzy_span(tokens, end, idx.district_keys[p], DISTRICT_MARKERS))]
    if province_given:
        found += exact(False)
    return found


def _find_ward(idx: ResolverIndex, tokens: _Tokens, end: int, district: str) -> _Match | None:
    match = _exact_span(tokens, end, idx.ward_keys[district], WARD_MARKERS, idx.ward_alias_keys[district])
    if match is None:
        choices = {**idx.ward_alias_keys[district], **idx.ward_keys[district]}
        match = _fuzzy_span(tokens, end, choices, WARD_MARKERS)
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


def parse_address(idx: ResolverIndex, text: str, original: str) -> Resolution:
    """Resolve one cleaned (lower-case, diacritic-free) address."""
    tokens = _tokenise(text)
    if not tokens.words:
        return Resolution(reason="no letters or digits in the input")
    end = _drop_country(tokens)

    # Province: optional, anchored at the end. "Vũng Tàu" is both a province alias and
    # a district, so the reading without a province is kept as a fallback.
    readings: list[tuple[list[str], int, bool]] = []
    # At the very end of the text a province needs no anchor ("... Q1 HCM").
    province_match = _exact_span(tokens, end, idx.province_keys, PROVINCE_MARKERS, anchored_only=False)
    if province_match is not None:
        readings.append((sorted(province_match.codes), province_match.start, True))
    readings.append((list(idx.scope_provinces), end, False))

    best_failure: Resolution | None = None
    for provinces, district_end, province_given in readings:
        district_hits = (
            _find_districts(idx, tokens, district_end, provinces, province_given) if district_end > 0 else []
        )
        if not district_hits and province_given and district_end > 0:
            # Typo'd or unknown text between ward and province: try one segment further left.
            skip_to = _segment_start(tokens, district_end)
            if skip_to > 0:
                district_hits = [
                    (p, m) for p, m in _find_districts(idx, tokens, skip_to, provinces) if m.how == "exact"
                ]
        for _province, dmatch in district_hits:
            for district in sorted(dmatch.codes):
                result = _resolve_in_district(idx, tokens, dmatch, district, province_given, original)
                if result.old_uid is not None:
                    return result
                best_failure = best_failure or result
    # No reading found a district: a ward name unique in its province still resolves.
    for provinces, district_end, province_given in readings:
        result = _ward_without_district(idx, tokens, district_end, provinces, province_given, original)
        if result.old_uid is not None:
            return result
        best_failure = best_failure or result
    return best_failure or Resolution(reason="no administrative unit found")


def _resolve_in_district(idx, tokens, dmatch: _Match, district: str, province_given: bool, original: str) -> Resolution:
    if district in idx.island_district_uid:
        return _finish(idx, idx.island_district_uid[district], dmatch.score, [dmatch], original)
    wmatch = _find_ward(idx, tokens, dmatch.start, district) if dmatch.start > 0 else None
    if wmatch is None:
        return Resolution(reason=f"ward not found in {idx.district_name[district]}")
    if len(wmatch.codes) > 1:
        return Resolution(reason=f"'{wmatch.text}' matches {len(wmatch.codes)} wards of {idx.district_name[district]}")
    return _finish(idx, next(iter(wmatch.codes)), min(dmatch.score, wmatch.score), [dmatch, wmatch], original)


def _ward_without_district(idx, tokens, end: int, provinces, province_given: bool, original: str) -> Resolution:
    """No district written: accept a ward name only if it is unique in the province(s)."""
    if end <= 0:
        return Resolution(reason="no ward or district found")
    hits: set[str] = set()
    match = None
    for province in provinces:
        match_p = _exact_span(tokens, end, idx.wards_by_province[province], WARD_MARKERS)
        if match_p is not None and (match_p.marker is not None or province_given):
            hits |= match_p.codes
            match = match_p
    if len(hits) == 1 and match is not None:
        res = _finish(idx, next(iter(hits)), 90.0, [match], original)
        if res.status == "exact":
            res.status = "fuzzy"
        res.reason = "district missing; ward name unique in the province" + (f"; {res.reason}" if res.reason else "")
        return res
    if len(hits) > 1:
        return Resolution(reason=f"district missing and '{match.text}' names {len(hits)} wards")
    return Resolution(reason="no district found")


def _finish(idx: ResolverIndex, old_uid: str, score: float, matches: list[_Match], original: str) -> Resolution:
    parts = idx.parts.get(old_uid, [])
    fuzzy = [m for m in matches if m.how == "fuzzy"]
    confidence = round(score / 100.0 * (0.95 if fuzzy else 1.0), 4)
    notes = [f"fuzzy '{m.text}' ({m.score:.0f})" for m in fuzzy] + [
        f"alias '{m.text}'" for m in matches if m.how == "alias"
    ]
    reason = "; ".join(notes) or None
    if not parts:
        return Resolution(old_uid=old_uid, reason=f"old unit {old_uid} has no successor in the crosswalk")
    if len(parts) == 1:
        return Resolution(old_uid, "fuzzy" if fuzzy else "exact", confidence, parts[0], reason)
    # Split old unit: only evidence may pick a part.
    padded = f" {original} "
    evidence = {
        (new_uid, kind, name) for needle, kind, name, new_uid in idx.gazetteer.get(old_uid, []) if needle in padded
    }
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
    """Columnar clean-up applied before parsing: NFC, no control characters, folded accents."""
    return strip_accents_expr(column.str.replace_all(_CONTROL, " ")).str.replace_all(r"\s+", " ").str.strip_chars()


_FIRST_SEPARATOR = re.compile(r"[,;|()\[\]\n]")


def _parse_with_tail_cache(idx: ResolverIndex, clean: str, tails: dict[str, Resolution]) -> Resolution:
    """Parse, reusing the result for the text after the first comma.

    Distinct addresses mostly differ in the house number and street before the
    first comma, while "phuong x, quan y, tp z" repeats, so the administrative
    tail is parsed once. The cached reading is used only when it found an
    unsplit unit: the street could still be the ward, or hold split evidence.
    """
    cut = _FIRST_SEPARATOR.search(clean)
    if cut is not None and cut.end() < len(clean):
        tail = clean[cut.end() :]
        res = tails.get(tail)
        if res is None:
            res = tails[tail] = parse_address(idx, tail, " ".join(_WORD.findall(tail)))
        if res.status in ("exact", "fuzzy"):
            return res
    return parse_address(idx, clean, " ".join(_WORD.findall(clean)))


def resolve_addresses(
    addresses: pl.Series | Sequence[str | None], reference: Reference | None = None, index: ResolverIndex | None = None
) -> pl.DataFrame:
    """Resolve free-text old addresses. One output row per input, in input order.

    Columns: ``input`` plus the RESOLVED_ADDRESS columns (pipelines/schema.py).
    Never raises on bad values: they come back ``unresolved`` with a reason.
    """
    series = addresses if isinstance(addresses, pl.Series) else pl.Series(list(addresses), dtype=pl.String)
    series = series.cast(pl.String).rename("input")
    idx = index or index_for(reference)
    frame = series.to_frame()
    # Clean each distinct raw string once, then parse each distinct cleaned string once.
    raw = (
        frame.unique("input")
        .drop_nulls()
        .with_columns(_length=pl.col("input").str.len_chars(), _clean=clean_expr(pl.col("input")))
    )
    frame = frame.join(raw, on="input", how="left", maintain_order="left", nulls_equal=False)
    distinct = raw.group_by("_clean").agg(pl.col("_length").max())
    rows = []
    tails: dict[str, Resolution] = {}
    for clean, length in distinct.iter_rows():
        if length is not None and length > MAX_INPUT_CHARS:
            res = Resolution(reason=f"input too long ({length} characters; an address has at most {MAX_INPUT_CHARS})")
        elif not clean:
            res = Resolution(reason="empty after removing control characters and spaces")
        else:
            res = _parse_with_tail_cache(idx, clean, tails)
        rows.append((clean, res.old_uid, res.new_uid, res.status, res.confidence, res.reason))
    resolved = pl.DataFrame(rows, schema={"_clean": pl.String, **_RESULT_SCHEMA}, orient="row")
    out = frame.join(resolved, on="_clean", how="left", maintain_order="left").with_columns(
        status=pl.col("status").fill_null("unresolved"),
        confidence=pl.col("confidence").fill_null(0.0),
        reason=pl.when(pl.col("input").is_null()).then(pl.lit("empty input (null)")).otherwise(pl.col("reason")),
    )
    return _add_unit_columns(idx, out).select("input", *RESOLVED_ADDRESS.columns)


def _add_unit_columns(idx: ResolverIndex, frame: pl.DataFrame) -> pl.DataFrame:
    """Names and codes of the old and new unit, and every candidate part of the old unit."""
    return (
        frame.join(idx.old_units, on="old_uid", how="left", maintain_order="left")
        .join(idx.new_units, on="new_uid", how="left", maintain_order="left")
        .join(idx.candidates, on="old_uid", how="left", maintain_order="left")
    )


def resolve_table(
    frame: pl.DataFrame,
    *,
    address_column: str | None = None,
    ward_column: str | None = None,
    district_column: str | None = None,
    province_column: str | None = None,
    old_code_column: str | None = None,
    reference: Reference | None = None,
) -> pl.DataFrame:
    """Resolve a table: free text in ``address_column`` and/or structured unit columns.

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
    parts = [pl.col(c).cast(pl.String) for c in (address_column, ward_column, district_column, province_column) if c]
    if parts:
        text = pl.concat_str(parts, separator=", ", ignore_nulls=True)
    else:  # only old codes: no text to read, one null per row
        text = pl.repeat(None, frame.height, dtype=pl.String)
    texts = frame.select(text.alias("t"))["t"]
    idx = index_for(reference)
    resolved = resolve_addresses(texts, index=idx)
    if old_code_column:
        resolved = _apply_old_codes(idx, resolved, frame[old_code_column])
    clash = [c for c in resolved.columns if c in frame.columns and c != "input"]
    extra = resolved.drop("input").rename({c: f"resolved_{c}" for c in clash})
    return pl.concat([frame, extra], how="horizontal")


def _apply_old_codes(idx: ResolverIndex, resolved: pl.DataFrame, codes: pl.Series) -> pl.DataFrame:
    """Rows whose old code is a known pre-2025 commune code are resolved from the code.

    The code's reading replaces every resolver column of the row (a split unit's
    new_uid stays empty unless evidence places it); the address text of the row still
    counts as gazetteer evidence for a split unit, and an address that reads another
    unit is noted in the reason.
    """
    frame = (
        resolved.select(
            "input",
            _address_uid=pl.col("old_uid"),
            _code_uid=pl.lit("pre2025:") + codes.cast(pl.String).str.strip_chars().str.zfill(5),
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
    patch = frame.join(by_code, on=["_code_uid", "_words"], how="left").with_columns(
        old_uid=pl.col("_code_uid"),
        reason=pl.concat_str(
            pl.lit("from old code"),
            pl.col("reason"),
            pl.when(disagrees).then(pl.lit("the address reads ") + pl.col("_address_uid")),
            separator="; ",
            ignore_nulls=True,
        ),
    )
    patch = _add_unit_columns(idx, patch.select("_row", "input", *_RESULT_SCHEMA))
    base = resolved.with_row_index("_row")
    kept = base.filter(~pl.col("_row").is_in(patch["_row"].implode()))
    return pl.concat([kept, patch.select(base.columns)]).sort("_row").drop("_row")

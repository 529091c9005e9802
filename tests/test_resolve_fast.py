"""Shortcuts of the resolver's hot path give the answer of the full search they stand in for.

- ``_fuzzy_span`` skips the string-distance search when the query is longer than every name by more
  than the edits allowed: on generated segments, junk, and names lengthened by 1 to 3 letters (the
  boundary), it returns what it returns with the bound switched off. A bound that is too small is
  caught by the same comparison.
- ``_ward_without_district`` first looks a ward up in the scope provinces' wards together and stops
  where that finds nothing: on every segment end of generated addresses, wherever the merged lookup
  finds nothing and does not stop at a cut street part, no province's own lookup finds anything or
  stops there either. A merged table missing a province is caught by the same check.
- Junk-heavy input (long junk, marker words repeated) reads the same through the tail path and whole.
  Both paths use the two shortcuts above, so this checks tail against whole, not the shortcuts.
"""

from __future__ import annotations

import random
import string

import polars as pl
import pytest

from pipelines.resolve import (
    DISTRICT_MARKERS,
    WARD_MARKERS,
    WARD_MARKERS_2025,
    KeyTable,
    _exact_span,
    _fuzzy_names,
    _fuzzy_span,
    _wards_of_provinces,
    clean_expr,
    index_for,
    resolve_addresses,
    tokenise,
)
from pipelines.synth.addresses import ALL_MESS_TYPES, generate_addresses

SEED = 23


@pytest.fixture(scope="module")
def idx():
    return index_for(None)


@pytest.fixture(scope="module")
def cleaned(idx) -> list[str]:
    truth = generate_addresses(1_500, seed=SEED, mess_types=ALL_MESS_TYPES)
    frame = truth.select(c=clean_expr(pl.col("address"))).drop_nulls()
    return [c for c in frame["c"].to_list() if c and tokenise(c).words]  # not "," (bad input): no word to cut after


def _with_longest(table: KeyTable, longest: int) -> KeyTable:
    """A copy of ``table`` whose typo search believes its longest name has ``longest`` letters."""
    copy = KeyTable(dict(table))
    copy._derived["fuzzy_longest"] = (len(copy), longest)
    return copy


def _fuzzy_tables(idx) -> list[tuple[KeyTable, object]]:
    tables = [(idx.district_keys[p], DISTRICT_MARKERS) for p in idx.scope_provinces]
    tables += [(idx.new_ward_keys[p], WARD_MARKERS_2025) for p in idx.new_scope]
    districts = sorted(idx.ward_keys)[:8]
    tables += [(KeyTable({**idx.ward_alias_keys[d], **idx.ward_keys[d]}), WARD_MARKERS) for d in districts]
    return tables


def _queries(idx, cleaned: list[str], tables) -> list[str]:
    rnd = random.Random(SEED)
    texts = cleaned[:150]
    for table, _markers in tables:  # the boundary: the longest names with 1, 2 and 3 letters more
        names = sorted(_fuzzy_names(table), key=len)[-3:]
        texts += [f"x {name}{rnd.choice(string.ascii_lowercase) * k}" for name in names for k in (1, 2, 3)]
        texts += [f"{name[:-1]}{'ab' * k}" for name in names for k in (1, 2)]
    junk = "".join(rnd.choices(string.ascii_lowercase + string.digits + " ", k=300))
    texts += [junk, "x 0 " * 60, "p " * 40 + "ben nghe", "quan " * 30 + "go vap", junk.replace(" ", "")]
    return texts


def _answers(tokens_list, tables):
    out = []
    for tokens in tokens_list:
        for end in range(1, len(tokens.words) + 1):
            for table, markers in tables:
                m = _fuzzy_span(tokens, end, table, markers)
                out.append(None if m is None else (sorted(m.codes), m.start, m.score, m.marker, m.text))
    return out


def test_fuzzy_length_bound_gives_the_full_search_answer(idx, cleaned):
    tables = _fuzzy_tables(idx)
    tokens_list = [tokenise(t) for t in _queries(idx, cleaned, tables)]
    bounded = _answers(tokens_list, tables)
    unbounded = _answers(tokens_list, [(_with_longest(t, 10**6), m) for t, m in tables])
    assert bounded == unbounded
    assert sum(a is not None for a in bounded) > 100  # typo readings occur in the comparison
    # A bound one letter short of the truth is caught: lengthened names are no longer found.
    short = [(_with_longest(t, max(map(len, _fuzzy_names(t)), default=0) - 1), m) for t, m in tables]
    assert _answers(tokens_list, short) != unbounded


def _merged_claim_holds(idx, tokens, end, provinces, merged) -> bool:
    """Where the merged lookup finds nothing and does not stop at a cut street part, no province's
    own lookup does either (what ``_ward_without_district`` relies on to stop early)."""
    tokens.edge = False
    if _exact_span(tokens, end, merged, WARD_MARKERS) is not None or tokens.edge:
        return True
    for province in provinces:
        tokens.edge = False
        if _exact_span(tokens, end, idx.wards_by_province[province], WARD_MARKERS) is not None or tokens.edge:
            return False
    return True


def _cut_tokens(text: str):
    """``text`` as a cut tail behind a street part of two words (as ``_read_cut_tails`` builds it)."""
    tokens = tokenise(text)
    tokens.words[:0] = ["le", "loi"]
    tokens.boundary_before[:0] = [True, False]
    tokens.hard_before[:0] = [True, False]
    tokens.boundary_before[2] = tokens.hard_before[2] = False
    tokens.cut, tokens.first = 2, "0"
    return tokens


def test_wards_merged_over_provinces_find_what_any_province_finds(idx, cleaned):
    provinces = tuple(idx.scope_provinces)
    assert len(provinces) > 1
    merged = _wards_of_provinces(idx, provinces)
    texts = cleaned + ["phuong ben nghe", "xa an phu", "an phu", "p 12", "thi tran cu chi", "binh"]
    checked = empty = 0
    for text in texts:
        for tokens in (tokenise(text), _cut_tokens(text)):
            for end in range(1, len(tokens.words) + 1):
                assert _merged_claim_holds(idx, tokens, end, provinces, merged), (text, end)
                checked += 1
                tokens.edge = False
                empty += _exact_span(tokens, end, merged, WARD_MARKERS) is None and not tokens.edge
    assert checked > 1_000 and empty > 500  # the early stop is taken often
    # A merged table that misses a province is caught.
    partial = KeyTable()
    for p in provinces[1:]:
        for key, codes in idx.wards_by_province[p].items():
            partial[key] |= codes
    caught = any(
        not _merged_claim_holds(idx, tokens, end, provinces, partial)
        for tokens in map(tokenise, texts)
        for end in range(1, len(tokens.words) + 1)
    )
    assert caught


def test_junk_heavy_input_reads_the_same_by_tail_and_whole(idx, cleaned):
    rnd = random.Random(SEED)
    junk = [
        "".join(rnd.choices(string.ascii_letters + string.digits + "+/ ", k=rnd.randint(20, 480))) for _ in range(40)
    ]
    junk += ["x#0 " * 100, "P " * 120 + "Bến Nghé, Quận 1", "Quận " * 80 + "Gò Vấp", "12 Lê Lợi, " + "t " * 200]
    junk += [f"{j}, Phường Bến Nghé, Quận 1, TP.HCM" for j in junk[:10]]
    texts = pl.Series(junk + cleaned[:300], dtype=pl.String)
    by_tail = resolve_addresses(texts, index=idx)
    whole = resolve_addresses(texts, index=idx, by_tail=False)
    assert by_tail.equals(whole)
    assert (by_tail["status"] == "exact").sum() >= 10  # the junk before a good tail does not hide it


def _exact_answers(tokens_list, tables, prune: bool):
    out = []
    for tokens in tokens_list:
        for end in range(1, len(tokens.words) + 1):
            for table, markers, aliases, anchored in tables:
                tokens.edge = False
                m = _exact_span(tokens, end, table, markers, aliases, anchored, prune=prune)
                out.append((None if m is None else (sorted(m.codes), m.start, m.how, m.marker, m.text), tokens.edge))
    return out


def test_pruned_exact_lookup_gives_the_full_search_answer(idx, cleaned):
    """``_exact_span`` stops once the span is no suffix of a known key (plus a marker's length): on every
    end of generated addresses (whole and as cut tails), glued and two-word markers right before a
    name, and long digit runs, it returns the match and edge flag of the full search, for every kind
    of table it is used with (provinces, districts, wards with aliases, 2025 wards, the country)."""
    from pipelines.resolve import PROVINCE_MARKERS

    district = sorted(idx.ward_keys)[0]
    tables = [
        (idx.province_keys, PROVINCE_MARKERS, None, False),
        (idx.new_province_keys, PROVINCE_MARKERS, None, False),
        (idx.district_keys[idx.scope_provinces[0]], DISTRICT_MARKERS, None, True),
        (idx.district_keys[idx.scope_provinces[0]], DISTRICT_MARKERS, None, False),
        (idx.ward_keys[district], WARD_MARKERS, idx.ward_alias_keys[district], True),
        (idx.ward_keys[district], WARD_MARKERS, idx.ward_alias_keys[district], False),
        (_wards_of_provinces(idx, tuple(idx.scope_provinces)), WARD_MARKERS, None, True),
        (idx.new_ward_all, WARD_MARKERS_2025, None, True),
    ]
    texts = cleaned[:400] + ["le loi thanh pho thu duc", "so 5 t phcm", "12 thi tran cu chi", "x 0 0 0 0 12"]
    texts += ["tphcm", "ptanquy", "12 le p ben nghe q 1", "0 0 0 0 0 0 0 9", "a b c d e f thanh pho ho chi minh"]
    tokens_list = [t for text in texts for t in (tokenise(text), _cut_tokens(text))]
    pruned = _exact_answers(tokens_list, tables, prune=True)
    full = _exact_answers(tokens_list, tables, prune=False)
    assert pruned == full
    assert sum(a is not None for a, _edge in pruned) > 1_000 and sum(edge for _a, edge in pruned) > 50

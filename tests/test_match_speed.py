"""The fast paths of comparing pairs give what a plain per-pair computation gives.

Levels are evaluated only on pairs no stronger level took, string scorers run once per distinct
value pair and skip pairs a cheap per-value test rules out (word masks, lengths), and dates are
compared on integers: each is checked against a straightforward Python reference.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import polars as pl
import pytest
from rapidfuzz.distance import Levenshtein

import pipelines.match.compare as compare
from pipelines.match.blocking import candidate_pairs
from pipelines.match.compare import ValueCodes, comparison_levels
from pipelines.match.model import random_pairs
from pipelines.match.prepare import precision_column
from tests.match_cases import background, people_spec, people_work  # noqa: F401 - the spec and work fixtures


@pytest.fixture(scope="module")
def pairs(work, spec) -> tuple[pl.Series, pl.Series]:
    candidates, _ = candidate_pairs(work, spec)
    l, r = random_pairs(work.height, 20_000, seed=3)
    return pl.concat([candidates["l"], l]), pl.concat([candidates["r"], r])


def _rarest(a: list[str], b: list[str], shares: dict[str, float]) -> float:
    da, db = Counter(a) - Counter(b), Counter(b) - Counter(a)  # words with their repeats
    return min(shares.get(w, 0.0) for w in da | db) if da and db else 0.0


def _missing_typo(a: list[str], b: list[str]) -> bool:
    if len(a) == len(b):
        return False
    short, long = (a, b) if len(a) < len(b) else (b, a)
    only_short, only_long = Counter(short) - Counter(long), Counter(long) - Counter(short)
    return (
        only_short.total() == 1
        and bool(only_long)
        and any(Levenshtein.distance(*only_short, w) <= 1 for w in only_long)
    )


def _reference_level(comp, row_a: dict, row_b: dict, shares: dict[str, dict[str, float]]) -> int | None:
    """The first level of a string comparison that holds for two records, evaluated plainly."""
    if row_a[comp.columns[0]] is None or row_b[comp.columns[0]] is None:
        return None
    for index, level in enumerate(comp.levels):
        column = (level.columns or comp.columns)[0]
        a, b = row_a[column], row_b[column]
        if a is None or b is None:
            continue
        wa, wb = a.split(" "), b.split(" ")
        match level.kind:
            case "exact":
                holds = a == b
            case "levenshtein":
                holds = Levenshtein.distance(a, b) <= level.distance
            case "word_subset":
                holds = Counter(wa) <= Counter(wb) or Counter(wb) <= Counter(wa)
            case "word_subset_typo":
                holds = _missing_typo(wa, wb)
            case _:
                raise AssertionError(f"no reference for {level.kind}")
        if holds and level.common_words is not None:
            holds = _rarest(wa, wb, shares[column]) >= level.common_words
        if holds:
            return index
    return len(comp.levels)


@pytest.mark.parametrize("name", ["name", "given_name"])
def test_name_levels_equal_a_plain_per_pair_computation(work, pairs, spec, name):
    comp = next(c for c in spec.comparisons if c.name == name)
    codes = ValueCodes(work)
    got = comparison_levels(work, *pairs, (comp,), codes)[name].to_list()
    columns = sorted({(lv.columns or comp.columns)[0] for lv in comp.levels} | set(comp.columns))
    rows = work.select(columns).to_dicts()
    shares = {c: dict(codes.word_shares(c).iter_rows()) for c in columns}
    expected = [_reference_level(comp, rows[a], rows[b], shares) for a, b in zip(*pairs, strict=True)]
    assert got == expected
    counts = pl.Series(got).value_counts()
    assert counts.height >= min(4, len(comp.levels) + 1)  # the pairs reach several levels, not only "different"


def _reference_ids(comp, row_a: dict, row_b: dict) -> int | None:
    """A mixed ID comparison evaluated plainly: every column of one record against every column of the other,
    only values of the same length (a CMND with CMNDs); the strongest level of any such value pair; with none,
    the ``one_side`` level where one record only holds a value, ``not_comparable`` where both do, else None."""
    found = []
    for ca in comp.columns:
        for cb in comp.columns:
            a, b = row_a[ca], row_b[cb]
            if a is None or b is None or len(a) != len(b):
                continue
            apart = sum(x != y for x, y in zip(a, b, strict=True))
            for index, level in enumerate(comp.levels):
                if level.kind in ("one_side", "not_comparable"):
                    continue
                if level.kind == "exact" and a == b or level.kind == "one_digit" and apart <= level.distance:
                    found.append(index)
                    break
                assert level.kind in ("exact", "one_digit"), f"no reference for {level.kind}"
            else:
                found.append(len(comp.levels))
    if found:
        return min(found)
    kinds = [lv.kind for lv in comp.levels]
    held = [any(row[c] is not None for c in comp.columns) for row in (row_a, row_b)]
    if held[0] != held[1] and "one_side" in kinds:
        return kinds.index("one_side")
    if all(held) and "not_comparable" in kinds:
        return kinds.index("not_comparable")
    return None


def test_mixed_id_levels_equal_a_plain_per_pair_computation(spec):
    """CCCDs (12 digits) and CMNDs (9) in either ID column, copied with digits wrong or into the other column."""
    comp = next(c for c in spec.comparisons if c.name == "ids")
    kinds = ["exact", "one_digit", "one_digit", "one_side", "not_comparable"]
    assert comp.mixed and [lv.kind for lv in comp.levels] == kinds
    rnd = random.Random(8)
    cccd = [f"079{rnd.randrange(10**9):09d}" for _ in range(40)]
    cmnd = [f"02{rnd.randrange(10**7):07d}" for _ in range(40)]

    def copy(value: str | None) -> str | None:
        if value is None or rnd.random() < 0.4:
            return value
        digits = list(value)
        for i in rnd.sample(range(len(digits)), rnd.choice((1, 1, 2, 3))):
            digits[i] = rnd.choice("0123456789")
        return "".join(digits)

    rows = []
    for _ in range(1200):
        values = [rnd.choice(cccd) if rnd.random() < 0.6 else None, rnd.choice(cmnd) if rnd.random() < 0.5 else None]
        if rnd.random() < 0.3:  # a CMND left in personal_id, or a CCCD in the old ID column
            values.reverse()
        rows.append({"personal_id": copy(values[0]), "old_id_number": copy(values[1])})
    work = pl.DataFrame(rows, schema={"personal_id": pl.String, "old_id_number": pl.String})
    l, r = random_pairs(work.height, 30_000, seed=4)
    got = comparison_levels(work, l, r, (comp,), ValueCodes(work))["ids"].to_list()
    expected = [_reference_ids(comp, rows[a], rows[b]) for a, b in zip(l, r, strict=True)]
    assert got == expected
    reached = set(got)
    assert reached >= {None, 0, 1, 2, 3, 4, 5}, reached  # every level and neutral pairs
    # a shared code across the columns is what lets a CMND in personal_id meet the same CMND in old_id_number
    crossed = [
        i
        for i, (a, b) in enumerate(zip(l, r, strict=True))
        if rows[a]["personal_id"] is not None
        and rows[a]["personal_id"] == rows[b]["old_id_number"]
        and rows[a]["old_id_number"] != rows[b]["old_id_number"]
    ]
    assert crossed and all(got[i] == 0 for i in crossed)


def _written(d: dt.date, swapped: bool = False) -> str:
    return f"{d.year:04d}{d.day if swapped else d.month:02d}{d.month if swapped else d.day:02d}"


def _reference_date(a: dt.date | None, pa: str | None, b: dt.date | None, pb: str | None) -> int | None:
    """The people spec's date ladder evaluated plainly: exact, day/month swapped, a year off by one with the day and
    month kept, typo, year only, within 31 days, same year, else different (7); a year-only date (either side) holds
    only the year levels."""
    if a is None or b is None:
        return None
    if "year" in (pa, pb):
        return 4 if a.year == b.year else 7

    def apart(x: str, y: str) -> int:
        return sum(p != q for p, q in zip(x, y, strict=True))

    checks = (
        a == b,
        a != b and a.year == b.year and (a.month, a.day) == (b.day, b.month),
        abs(a.year - b.year) == 1 and (a.month, a.day) == (b.month, b.day),
        apart(_written(a), _written(b)) <= 1 or apart(_written(a), _written(b, swapped=True)) <= 1,
        False,  # year_only: only with a year-only side
        abs((a - b).days) <= 31,
        a.year == b.year,
    )
    return next((i for i, holds in enumerate(checks) if holds), len(checks))


def test_date_levels_equal_a_plain_per_pair_computation(spec):
    """The date ladder through comparison_levels: typos, swaps, years off, year-only and missing dates."""
    comp = next(c for c in spec.comparisons if c.name == "date_of_birth")
    assert [lv.kind for lv in comp.levels] == [
        "exact",
        "date_swap",
        "year_off",
        "date_typo",
        "year_only",
        "date_within",
        "same_year",
    ]
    rnd = random.Random(5)
    days = [dt.date(1900, 1, 1) + dt.timedelta(days=rnd.randrange(0, 48_000)) for _ in range(1500)]
    dates, precisions = [], []
    for d in days:  # each date and a copy: a typo, a swap with a typo, a year off, close, unrelated, missing
        kind = rnd.randrange(9)
        if kind == 0:
            other = d.replace(year=d.year + rnd.choice((-1, 1, 10, -10))) if d.month != 2 else d
        elif kind == 1:
            other = d.replace(day=max(1, min(28, (d.day % 10) + 10 * rnd.randrange(3))))
        elif kind == 2 and d.day <= 12:
            other = dt.date(d.year + rnd.choice((0, 0, 1, 100)), d.day, d.month)
        elif kind == 3:
            other = None
        elif kind == 4:
            other = d + dt.timedelta(days=rnd.randrange(-40, 40))
        else:
            other = rnd.choice(days)
        for value in (d, other):
            year_only = value is not None and rnd.random() < 0.1
            dates.append(value.replace(month=1, day=1) if year_only else value)
            precisions.append(None if value is None else "year" if year_only else "day")
    dates += [dt.date(999, 3, 4), dt.date(1999, 3, 4), dt.date(1999, 3, 4), dt.date(999, 4, 3)]
    precisions += ["day"] * 4
    work = pl.DataFrame(
        {"date_of_birth": dates, precision_column("date_of_birth"): precisions},
        schema={"date_of_birth": pl.Date, precision_column("date_of_birth"): pl.String},
    )
    n = work.height
    rest_l, rest_r = random_pairs(n, 20_000, seed=6)  # unrelated pairs, rows in any order
    l = pl.concat([pl.Series(range(0, n, 2), dtype=rest_l.dtype), rest_l])
    r = pl.concat([pl.Series(range(1, n, 2), dtype=rest_r.dtype), rest_r])
    got = comparison_levels(work, l, r, (comp,), ValueCodes(work))["date_of_birth"].to_list()
    expected = [_reference_date(dates[a], precisions[a], dates[b], precisions[b]) for a, b in zip(l, r, strict=True)]
    assert got == expected
    counts = pl.Series(got).value_counts()
    assert set(got) == {None, *range(len(comp.levels) + 1)}, counts  # every level, and missing
    assert got[n // 2 - 2 : n // 2] == [3, 3]  # year 999 vs 1999: one digit apart, also with day/month swapped


def test_rarest_word_is_looked_up_only_where_the_edit_distance_holds(work, pairs, spec, monkeypatch):
    """common_words is only read where its levenshtein level holds: it must not run on every distinct pair."""
    comp = next(c for c in spec.comparisons if c.name == "name")
    seen: list[int] = []

    def counted(inner):
        def call(left, right, shares):
            seen.append(len(left))
            return inner(left, right, shares)

        return call

    for name in ("_rarest_differing_word", "_rarest_differing_word_coded"):  # on the words' text or their codes
        monkeypatch.setattr(compare, name, counted(getattr(compare, name)))
    comparison_levels(work, *pairs, (comp,), ValueCodes(work))
    names = work["name"]
    close = [Levenshtein.distance(names[int(a)], names[int(b)]) <= 2 for a, b in zip(*pairs, strict=True)]
    assert 0 < sum(seen) <= sum(close)


def test_word_subset_mask_keeps_every_subset(work):
    """A value whose words are all in another's has no mask bit the other lacks, duplicates and empty words too."""
    values = pl.DataFrame({"name": ["an", "an an", "an  binh", "binh an chi", "chi", "", "dung"]})
    codes = ValueCodes(values)
    bloom = codes.per_code("bloom", "name")
    by_code = codes.get("name")[1].to_list()
    for i, x in enumerate(by_code):
        for j, y in enumerate(by_code):
            if set(x.split(" ")) <= set(y.split(" ")):
                assert bloom[i] & ~bloom[j] == 0, (i, j)


def test_a_column_missing_everywhere_gives_missing_levels_not_an_error(work, spec):
    """No value at all in a compared column (no codes to look up): every pair's level is missing."""
    empty = work.with_columns(pl.lit(None, pl.String).alias(c) for c in ("personal_id", "old_id_number", "full_name"))
    comps = tuple(c for c in spec.comparisons if c.name in ("ids", "name"))
    l, r = random_pairs(empty.height, 500, seed=1)
    levels = comparison_levels(empty, l, r, comps, ValueCodes(empty))
    assert levels["ids"].null_count() == levels["name"].null_count() == 500


def _reference_rule_pairs(work: pl.DataFrame, rule) -> set[tuple[int, int]]:
    """A rule's pairs computed plainly: all pairs of each block (with ``missing``, those where a side misses
    the column); a block over the cap paired with its next ``window`` records by ``sort_by``, then row."""
    from pipelines.match.blocking import keyed_rows

    keyed = keyed_rows(work, rule)
    blocks: dict[tuple, list[dict]] = {}
    for row in keyed.iter_rows(named=True):
        blocks.setdefault(tuple(row[c] for c in rule.on), []).append(row)
    out = set()
    full = rule.max_block * (rule.max_block - 1) // 2
    for members in blocks.values():
        gaps = [rule.missing is not None and m[rule.missing] is None for m in members]
        n, k = len(members), sum(gaps)
        if rule.missing and not k:
            continue
        big = (k * (n - k) + k * (k - 1) // 2 > full) if rule.missing else n > rule.max_block
        if big:
            ordered = sorted(members, key=lambda m: (*(m[c] for c in rule.sort_by), m["_row"]))
            candidates = [
                (ordered[i], ordered[i + d]) for i in range(n) for d in range(1, rule.window + 1) if i + d < n
            ]
        else:
            candidates = [(members[i], members[j]) for i in range(n) for j in range(i + 1, n)]
        for a, b in candidates:
            if rule.missing and a[rule.missing] is not None and b[rule.missing] is not None:
                continue
            out.add((min(a["_row"], b["_row"]), max(a["_row"], b["_row"])))
    return out


def test_blocking_pairs_equal_a_plain_computation(work, spec, monkeypatch):
    """Every rule's pairs (blocks numbered from hashed keys, pairs generated in numpy) equal a plain per-block
    computation, with small caps so sorted windows and ``missing`` blocks are exercised; and a hash collision
    (every key hashing alike) falls back to exact blocks with the same pairs."""
    import dataclasses

    import numpy as np

    import pipelines.match.blocking as blocking

    family = dataclasses.replace(spec.blocking[0], name="family", on=("family",), max_block=20, window=3)
    rules = (
        *spec.blocking,
        family,  # large blocks: sorted windows
        dataclasses.replace(family, name="family_sorted", sort_by=("name",)),
        dataclasses.replace(family, name="family_no_middle", missing="middle"),  # some blocks windowed
        dataclasses.replace(family, name="family_no_middle_all", missing="middle", max_block=500),
    )
    capped_spec = dataclasses.replace(spec, blocking=rules)
    pairs, report = candidate_pairs(work, capped_spec)
    assert report.capped_blocks.height > 0  # windows exercised
    assert pairs.select(pl.col("l") < pl.col("r")).to_series().all()
    assert pairs.select("l", "r").is_duplicated().sum() == 0
    found = {}
    for l, r, bits in pairs.iter_rows():
        for i in range(len(rules)):
            if bits >> i & 1:
                found.setdefault(i, set()).add((l, r))
    for i, rule in enumerate(rules):
        expected = _reference_rule_pairs(work, rule)
        assert found.get(i, set()) == expected, rule.name
        assert report.pairs_per_rule[rule.name] == len(expected)
    assert any(rule.missing for rule in rules) and any(found.get(i) for i, r in enumerate(rules) if r.missing)
    # the capped blocks reported: the blocks over the cap, each with its size, as a plain count per key
    for rule in rules:
        counted = blocking.keyed_rows(work, rule).group_by(list(rule.on)).agg(_n=pl.len(), _k=blocking.gap(rule).sum())
        over = counted.filter(blocking.windowed(rule))
        got = report.capped_blocks.filter(pl.col("rule") == rule.name)
        assert sorted(got["size"].to_list()) == sorted(over["_n"].to_list()), rule.name
        assert (got["pairs_all"] == got["size"] * (got["size"] - 1) // 2).all()
        assert got["size"].is_sorted(descending=True)  # largest first within a rule

    monkeypatch.setattr(blocking, "_key_hash", lambda keyed, on: np.zeros(keyed.height, dtype=np.uint64))
    collided, collided_report = candidate_pairs(work, capped_spec)
    assert collided.equals(pairs)
    assert collided_report.pairs_per_rule == report.pairs_per_rule
    assert collided_report.capped_blocks.equals(report.capped_blocks)  # same blocks, in the same order

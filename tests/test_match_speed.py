"""The fast paths of comparing pairs give what a plain per-pair computation gives.

Levels are evaluated only on pairs no stronger level took, string scorers run once per distinct
value pair and skip pairs a cheap per-value test rules out (word masks, lengths), and dates are
compared on integers: each is checked against a straightforward Python reference.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import polars as pl
import pytest
from rapidfuzz.distance import Levenshtein

import pipelines.match.compare as compare
from pipelines.match import load_spec
from pipelines.match.blocking import candidate_pairs
from pipelines.match.compare import ValueCodes, comparison_levels
from pipelines.match.model import random_pairs
from pipelines.match.prepare import prepare
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"


@pytest.fixture(scope="module")
def spec():
    return load_spec(PEOPLE_SPEC)


@pytest.fixture(scope="module")
def work(spec) -> pl.DataFrame:
    return prepare(background(people=1500, seed=11), spec)


@pytest.fixture(scope="module")
def pairs(work, spec) -> tuple[pl.Series, pl.Series]:
    candidates, _ = candidate_pairs(work, spec)
    l, r = random_pairs(work.height, 20_000, seed=3)
    return pl.concat([candidates["l"], l]), pl.concat([candidates["r"], r])


def _rarest(a: list[str], b: list[str], shares: dict[str, float]) -> float:
    da, db = set(a) - set(b), set(b) - set(a)
    return min(shares.get(w, 0.0) for w in da | db) if da and db else 0.0


def _missing_typo(a: list[str], b: list[str]) -> bool:
    if len(a) == len(b):
        return False
    short, long = (a, b) if len(a) < len(b) else (b, a)
    only_short, only_long = set(short) - set(long), set(long) - set(short)
    return (
        len(only_short) == 1 and bool(only_long) and any(Levenshtein.distance(*only_short, w) <= 1 for w in only_long)
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
                holds = set(wa) <= set(wb) or set(wb) <= set(wa)
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


def test_date_typo_equals_comparing_the_written_digits():
    rnd = random.Random(5)
    days = [dt.date(1900, 1, 1) + dt.timedelta(days=rnd.randrange(0, 48_000)) for _ in range(3000)]
    a, b = [], []
    for d in days:  # pairs that are a typo, a swap with a typo, a year off, or unrelated
        a.append(d)
        kind = rnd.randrange(5)
        if kind == 0:
            b.append(d.replace(year=d.year + rnd.choice((-1, 1, 10, -10))) if d.month != 2 else d)
        elif kind == 1:
            b.append(d.replace(day=max(1, min(28, (d.day % 10) + 10 * rnd.randrange(3)))))
        elif kind == 2 and d.day <= 12:
            b.append(dt.date(d.year + rnd.choice((0, 1, 100)), d.day, d.month))
        elif kind == 3:
            b.append(None)
        else:
            b.append(rnd.choice(days))
    a += [dt.date(999, 3, 4), dt.date(1999, 3, 4)]
    b += [dt.date(1999, 3, 4), dt.date(999, 4, 3)]

    def written(d: dt.date, swapped: bool = False) -> str:
        return f"{d.year:04d}{d.day if swapped else d.month:02d}{d.month if swapped else d.day:02d}"

    def apart(x: str, y: str) -> int:
        return sum(p != q for p, q in zip(x, y, strict=True))

    expected = [
        None
        if y is None
        else (abs(x.year - y.year) == 1 and (x.month, x.day) == (y.month, y.day))
        or apart(written(x), written(y)) <= 1
        or apart(written(x), written(y, swapped=True)) <= 1
        for x, y in zip(a, b, strict=True)
    ]
    left, right = pl.Series(a, dtype=pl.Date), pl.Series(b, dtype=pl.Date)
    got = compare._date_typo(left, right).to_list()
    assert got == expected
    # the same pairs as rows of two columns, shuffled: digits taken once per row
    order = np.random.default_rng(2).permutation(len(a))
    rows = compare._date_typo(left, right, order, order).to_list()
    assert rows == [expected[i] for i in order]
    assert 100 < sum(bool(v) for v in got) < len(got) - 100


def test_rarest_word_is_looked_up_only_where_the_edit_distance_holds(work, pairs, spec, monkeypatch):
    """common_words is only read where its levenshtein level holds: it must not run on every distinct pair."""
    comp = next(c for c in spec.comparisons if c.name == "name")
    seen: list[int] = []
    inner = compare._rarest_differing_word

    def counted(left, right, shares):
        seen.append(len(left))
        return inner(left, right, shares)

    monkeypatch.setattr(compare, "_rarest_differing_word", counted)
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

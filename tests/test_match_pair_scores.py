"""``_PairColumns.score``: each distinct value pair scored once, then read per pair, gives what scoring every pair's
own two strings gives; a pair with a value missing reads NaN and is never handed to the scorer; a level's test
worked out on the distinct pairs and gathered is the test of each pair's score."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from rapidfuzz.distance import JaroWinkler, Levenshtein

from pipelines.match import compare
from pipelines.match.compare import ValueCodes, _PairColumns

NAMES = ["le van an", "le van anh", "le an", "tran thi binh", "tran thi bich", "nguyen van an", "nguyen an", ""]


@pytest.fixture(params=[1 << 24, 0], ids=["table", "sort"])  # distinct pairs from a table of code pairs or a sort
def pair_columns(request, monkeypatch):
    monkeypatch.setattr(compare, "_TABLE_PAIRS", request.param)
    rng = np.random.default_rng(5)
    values = [None if rng.random() < 0.15 else NAMES[i] for i in rng.integers(0, len(NAMES), 400)]
    work = pl.DataFrame({"name": values}, schema={"name": pl.String})
    l = pl.Series(rng.integers(0, 400, 5_000).astype(np.uint32))  # noqa: E741
    r = pl.Series(rng.integers(0, 400, 5_000).astype(np.uint32))
    return (
        _PairColumns(work, l, r, ValueCodes(work)),
        work["name"].gather(l).to_list(),
        work["name"].gather(r).to_list(),
    )


@pytest.mark.parametrize(
    ("kind", "cutoff", "plain"),
    [
        ("levenshtein", 2, lambda a, b: min(Levenshtein.distance(a, b), 3)),
        ("jaro_winkler", 0.8, lambda a, b: s if (s := JaroWinkler.normalized_similarity(a, b)) >= 0.8 else 0.0),
    ],
)
def test_scores_per_pair_are_each_pairs_own_and_nan_where_a_value_is_missing(pair_columns, kind, cutoff, plain):
    cols, left, right = pair_columns
    handed = []
    compute = cols._compute
    cols._compute = lambda *args: handed.append(args[4]) or compute(*args)  # what the scorer is handed
    got = cols.score("name", kind, cutoff)
    for x, y, s in zip(left, right, got, strict=True):
        if x is None or y is None:
            assert np.isnan(s)
        else:
            assert s == pytest.approx(plain(x, y)), (x, y)
    packed = np.concatenate(handed)
    assert ((packed >> np.uint64(32)) != 0).all() and ((packed & np.uint64(0xFFFFFFFF)) != 0).all()
    assert len(packed) == len(np.unique(packed))  # each distinct value pair once


def test_a_test_on_distinct_pairs_is_the_test_of_each_pairs_score(pair_columns):
    cols, left, _ = pair_columns
    need = np.arange(len(left)) % 3 != 0  # only some pairs read: others may be NaN, never True
    scores = cols.score("name", "levenshtein", 2, need=need)
    tested = cols.score("name", "levenshtein", 2, need=need, test=lambda s: s <= 1)
    assert tested.dtype == np.bool_
    assert np.array_equal(tested, scores <= 1)
    assert tested[need].any() and not tested[np.isnan(scores)].any()


def test_date_levels_gathered_by_code_are_each_pairs_own():
    """Date levels read each date's parts and digits from tables per value code, gathered by the pairs' codes: every
    pair's level is the one its two records get compared alone (a two-record table, codes of its own)."""
    from pipelines.match import load_spec
    from pipelines.match.compare import comparison_levels
    from pipelines.warehouse import REPO_ROOT

    spec = load_spec(REPO_ROOT / "mappings" / "match" / "people.toml")
    (dates,) = [c for c in spec.comparisons if c.name == "date_of_birth"]
    rng = np.random.default_rng(11)
    base = np.datetime64("1980-01-01") + rng.integers(0, 400, 120).astype("timedelta64[D]")
    days = [None if rng.random() < 0.1 else d for d in base.astype("datetime64[D]").tolist()]
    # near dates: a day/month swap, a year one off, one digit off
    days += [d.replace(month=d.day, day=d.month) if d and d.day <= 12 else d for d in days[:40]]
    days += [d.replace(year=d.year + 1) if d and (d.month, d.day) != (2, 29) else d for d in days[40:80]]
    work = pl.DataFrame({"date_of_birth": days}, schema={"date_of_birth": pl.Date})
    n = work.height
    l = pl.Series(rng.integers(0, n, 600).astype(np.uint32))  # noqa: E741
    r = pl.Series(((l.to_numpy() + rng.choice([120, 160, 1, 7], 600)) % n).astype(np.uint32))
    levels = comparison_levels(work, l, r, (dates,))["date_of_birth"].to_list()
    for a, b, level in zip(l.to_list(), r.to_list(), levels, strict=True):
        alone = work[[a, b]]
        one = pl.Series([0], dtype=pl.UInt32)
        assert comparison_levels(alone, one, one + 1, (dates,))["date_of_birth"][0] == level, (days[a], days[b])
    assert len(set(levels)) >= 4


def test_words_missing_typo_on_word_codes_is_the_answer_on_the_words_text():
    """A word dropped and a typo in another, worked out on word codes: the same per value pair as on the text
    (duplicate words, empty words from double spaces, either side the shorter, values of one word)."""
    from pipelines.match.compare import _words_missing_typo, _words_missing_typo_coded

    rng = np.random.default_rng(7)
    vocabulary = ["le", "lee", "lle", "van", "thi", "an", "anh", "hien", "hieen", "", "nguyen", "nguyenn"]
    values = sorted({" ".join(rng.choice(vocabulary, size=rng.integers(1, 6))) for _ in range(3_000)})
    work = pl.DataFrame({"name": values})
    codes = ValueCodes(work)
    matrix, strings = codes.word_matrix("name")
    words = codes.per_code("words", "name")
    by_code = codes.get("name")[1]
    a, b = rng.integers(0, len(by_code), 20_000), rng.integers(0, len(by_code), 20_000)
    coded = _words_missing_typo_coded(matrix, strings, a, b, words[a], words[b])
    plain = _words_missing_typo(by_code.gather(pl.Series(a)), by_code.gather(pl.Series(b)))
    assert np.array_equal(coded, plain)
    assert 100 < coded.sum() < len(a) - 100  # both answers met


def test_values_of_many_words_are_compared_on_their_text():
    work = pl.DataFrame({"v": [" ".join(["w"] * 20), "a b", None]})
    assert ValueCodes(work).word_matrix("v") is None


def test_word_subset_and_rarest_differing_word_on_word_codes_are_the_answers_on_the_text():
    from pipelines.match.compare import _only_words, _rarest_differing_word, _rarest_differing_word_coded, _word_diff

    rng = np.random.default_rng(8)
    vocabulary = ["le", "van", "thi", "an", "anh", "", "nguyen", "tran", "hoa", "mai"]
    values = sorted({" ".join(rng.choice(vocabulary, size=rng.integers(1, 5))) for _ in range(2_000)})
    codes = ValueCodes(pl.DataFrame({"name": values * 3 + values[:50]}))  # (some words common, some not)
    matrix, _ = codes.word_matrix("name")
    by_code = codes.get("name")[1]
    a, b = rng.integers(0, len(by_code), 10_000), rng.integers(0, len(by_code), 10_000)
    left, right = by_code.gather(pl.Series(a)), by_code.gather(pl.Series(b))
    x, y = matrix[a], matrix[b]
    diff = _word_diff(left, right)
    subset = ((diff["da"].list.len() == 0) | (diff["db"].list.len() == 0)).to_numpy()
    assert np.array_equal(
        ~_only_words(x, y, once=False).any(axis=1) | ~_only_words(y, x, once=False).any(axis=1), subset
    )
    assert 100 < subset.sum() < len(a) - 100
    coded = _rarest_differing_word_coded(x, y, codes.word_code_shares("name"))
    plain = _rarest_differing_word(left, right, codes.word_shares("name"))
    assert np.array_equal(coded, plain)
    assert (coded > 0).sum() > 100 and (coded == 0).sum() > 100

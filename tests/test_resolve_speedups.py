"""The resolver's speed shortcuts give the plain answers: unit columns gathered through Enum codes equal
the join on the uid pair; readings cached as plain tuples (no sets or matches the garbage collector
tracks); dropping the cached readings (forget_readings, as `wardbridge resolve` does before it exits)
changes no answer."""

from __future__ import annotations

import gc
import random

import numpy as np
import polars as pl
from polars.testing import assert_frame_equal

import pipelines.resolve as r
from pipelines.reference import default_reference
from tests.resolvehelpers import fresh_index

ADDRESSES = [
    "12 Nguyễn Huệ, P. Bến Nghé, Q.1, TP.HCM",
    "45 đường số 7, P12, Gò Vấp, HCM",
    "Phường Hiệp Thành, TP Thủ Dầu Một, Bình Dương",
    "123 Lê Lợi",
    "12 Nguyễn Huệ, Phường Sài Gòn, TP. Hồ Chí Minh",
    "8 Hai Bà Trưng, Phường Tân Định",
    "Xã Long Hải, TP Hồ Chí Minh",
    "so 12 Đường Nguyễn Trãi 2 Quận 5 tphcm",
    None,
    "",
    "12 Nguyễn Huệ, P. Bến Nghé, Q.1, TP.HCM",
]


def _fresh_index() -> r.ResolverIndex:
    return fresh_index(default_reference())  # equal to a new build_index, nothing read (tests/resolvehelpers.py)


def test_unit_columns_by_enum_codes_equal_the_join():
    idx = _fresh_index()
    fast = r.resolve_addresses(ADDRESSES, index=idx)
    assert idx.unit_tables  # the Enum path was taken
    idx.unit_tables = ()  # as where a uid repeats: the join on the uid pair
    slow = r.resolve_addresses(ADDRESSES, index=idx)
    assert_frame_equal(fast, slow)
    assert fast["old_name"].null_count() < fast.height and fast["new_name"].null_count() < fast.height
    assert fast.filter(pl.col("status") == "split_review")["candidates"].list.len().min() >= 2


def test_unknown_uid_gets_no_unit_columns():
    idx = _fresh_index()
    frame = pl.DataFrame({"old_uid": ["pre2025:99999", None], "new_uid": ["2025:26740", "2025:00000"]})
    out = r._add_unit_columns(idx, frame)
    assert out["old_name"].to_list() == [None, None]
    assert out["new_name"][0] == "Phường Sài Gòn" and out["new_name"][1] is None
    assert out["candidates"].to_list() == [None, None]


def _atoms(value) -> bool:
    if isinstance(value, tuple):
        return all(_atoms(v) for v in value)
    return value is None or isinstance(value, str | int | float | bool)


def test_cached_readings_are_plain_tuples_and_forgetting_them_changes_nothing():
    # The objects the process made before this test (imports, earlier tests: in a suite's worker, millions) are
    # frozen out of the collections below, which walked them four times (9.4 s late in a full run, for 33 addresses);
    # the readings cached here are made after it and collected (and untracked) as before.
    gc.freeze()
    try:
        _cached_readings_are_plain_tuples_and_forgetting_them_changes_nothing()
    finally:
        gc.unfreeze()


def _cached_readings_are_plain_tuples_and_forgetting_them_changes_nothing() -> None:
    idx = _fresh_index()
    r._INDEX_CACHE[id(idx)] = (idx, idx)  # kept like index_for's, so forget_readings sees it
    try:
        first = r.resolve_addresses(ADDRESSES * 3, index=idx)
        entries = [*idx.ward_cache.items(), *idx.district_cache.items()]
        assert idx.ward_cache and idx.district_cache
        assert all(_atoms(key) and _atoms(hit) for key, hit in entries)
        for _ in range(4):  # a collection untracks a tuple whose items are untracked: one level of nesting each
            gc.collect()
        assert not any(gc.is_tracked(key) or gc.is_tracked(hit) for key, hit in entries)  # no longer walked
        r.forget_readings()
        assert not idx.ward_cache and not idx.district_cache
        assert_frame_equal(r.resolve_addresses(ADDRESSES * 3, index=idx), first)
    finally:
        r._INDEX_CACHE.pop(id(idx), None)


def test_reading_every_row_equals_reading_distinct_rows(monkeypatch):
    """Nearly distinct input is read row by row (no search for repeats first): same output as the
    distinct rows read once and mapped back, with and without null inputs and per-row dates."""
    idx = _fresh_index()
    distinct = [a for a in dict.fromkeys(ADDRESSES) if a is not None] + [
        f"{n} Lê Lợi, P. Bến Nghé, Q.1" for n in range(40)
    ]
    dates = ["2025-08-01", "2024-01-01", None] * 20
    for addresses, as_of in ((distinct, None), (distinct + [None], None), (distinct, dates[: len(distinct)])):
        frame = pl.DataFrame({"input": addresses}).with_row_index("_i")
        assert r._nearly_distinct(frame, "input")
        row_by_row = r.resolve_addresses(addresses, index=idx, as_of=as_of)
        monkeypatch.setattr(r, "DISTINCT_SHARE", 2.0)  # never nearly distinct: repeats searched first
        assert not r._nearly_distinct(frame, "input")
        assert_frame_equal(r.resolve_addresses(addresses, index=idx, as_of=as_of), row_by_row)
        monkeypatch.undo()


def test_repeats_are_estimated_from_the_first_rows():
    draws = np.random.default_rng(1)
    many = pl.DataFrame({"input": draws.integers(0, 200_000, 1_000_000)}).cast(pl.String).with_row_index("_i")
    assert not r._nearly_distinct(many, "input")  # 200,000 addresses drawn a million times
    assert r._nearly_distinct(pl.DataFrame({"input": [str(i) for i in range(100_000)]}).with_row_index("_i"), "input")
    few = pl.DataFrame({"input": ["a", "b", "a"]}).with_row_index("_i")
    assert not r._nearly_distinct(few, "input")


def test_clean_expr_equals_the_one_pass_clean_up():
    """clean_expr's two passes (punctuation, then repeated spaces) give the one-pass regex's text."""
    draws = random.Random(3)
    alphabet = "ab0 ,;|()[]~-.\t\n/\u00a0\u2003xéẾĐ\x00\x85"
    texts = ["".join(draws.choice(alphabet) for _ in range(draws.randint(0, 16))) for _ in range(20_000)]
    texts += ["12 Nguyễn Huệ, P. Bến Nghé ,Q.1 - TP.HCM", " .. P12 /  Gò Vấp ; HCM ", None]
    frame = pl.DataFrame({"t": texts})
    folded = r.strip_accents_fast_expr(pl.col("t").str.replace_all(r._CONTROL, " "))
    one_pass = (
        folded.str.replace_all(r"\s+-\s+", "~")
        .str.replace_all(r"[^a-z0-9,;|()\[\]~]+", " ")
        .str.replace_many(r._SEP_SPACES, leftmost=True)
        .str.replace_all("~", " - ", literal=True)
        .str.strip_chars()
    )
    got = frame.select(new=r.clean_expr(pl.col("t")), old=one_pass)
    assert got["new"].equals(got["old"])
    assert got["new"][-3] == "12 nguyen hue,p ben nghe,q 1 - tp hcm"


def test_words_expr_joins_the_words():
    texts = ["p ben nghe,q 1 - tp hcm", ",,a  b;;c,", "", ",", None, "12/3 ab.cd"]
    got = pl.DataFrame({"t": texts}).select(r._words_expr(pl.col("t")))["t"].to_list()
    assert got == [" ".join(r._WORD.findall(t)) if t is not None else None for t in texts]


def test_cut_at_the_first_separator_by_bytes_equals_the_regex():
    draws = random.Random(5)
    alphabet = "aệ ,;|()[]Đ-.\u037e"
    texts = ["".join(draws.choice(alphabet) for _ in range(draws.randint(0, 12))) for _ in range(20_000)] + [None]
    got = pl.DataFrame({"t": texts}).select(
        after=r._after_first_separator(pl.col("t")),
        before=r._before_first_separator(pl.col("t")),
        after_re=pl.when(pl.col("t").str.contains(r._RAW_SEPARATOR)).then(pl.col("t").str.replace(r._RAW_HEAD, "")),
        before_re=pl.col("t").str.extract(r._RAW_HEAD_GROUP, 1),
    )
    assert got["after"].equals(got["after_re"]) and got["before"].equals(got["before_re"])
    assert got["after"].null_count() > 1 and got["before"].drop_nulls().str.contains("ệ").any()


def test_cli_resolves_with_the_collector_off_and_restores_it(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from pipelines.cli import main

    seen = []
    real = r.resolve_table

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(r, "resolve_table", spy)
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text('id,address\n1,"12 Nguyễn Huệ, P. Bến Nghé, Q.1, TP.HCM"\n', encoding="utf-8")
    assert gc.isenabled()
    result = CliRunner().invoke(main, ["resolve", "--input", str(source), "--column", "address", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert seen == [False] and gc.isenabled()
    assert not r._default_index().ward_cache and not r._default_index().district_cache  # readings dropped

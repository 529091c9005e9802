"""A split_unit decision's placements read only the old units (and registries) the decisions name (HV31).

534c676/75b3256 made placements read every settled record of every registry to find the split_unit records (a source
record with a version placed otherwise is not the decision's): review_benchmark.py went from 0.035 s to 0.12-0.22 s
per 10,000 decisions (4 x 200,000 staged records), the same records placed. Now the staged rows are cut to the
decided old units (and the records the previous run placed by a standing decision) before any join; the records
placed are the same, checked here against a plain-Python reading of the rule on random registries."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl

from pipelines.review import decisions as decisions_module
from pipelines.review.decisions import placements
from pipelines.schema import REVIEW_DECISIONS_TABLE, REVIEW_PLACEMENTS

STATUSES = ["split_review", "split_review", "exact", "split_resolved", "unresolved"]


def _decisions(units: list[tuple[str, str, str]], day: dt.date = dt.date(2026, 12, 1)) -> pl.DataFrame:
    """(item_id, registry, old_uid) -> closed split_unit 'place' decisions."""
    rows = []
    for item, registry, old in units:
        row = {c: None for c in REVIEW_DECISIONS_TABLE.columns}
        row.update(
            item_id=item, kind="split_unit", state="closed", decision="place", new_uid=f"2025:{item[-3:]}",
            reviewer="Lê Văn Tám", decided_on=day, decisions=1, registry=registry, old_uid=old,
        )  # fmt: skip
        rows.append(row)
    return pl.DataFrame(rows, schema=REVIEW_DECISIONS_TABLE.polars_schema)


def _registry(rng: random.Random, name: str, n: int, units: int) -> pl.DataFrame:
    """n staged rows: source records with versions (extracts), some in another old unit than their other versions."""
    rows = []
    for i in range(n):
        source = f"{rng.randrange(n // 3)}"
        rows.append(
            {
                "record_key": f"{name}@{i}",
                "source_id": name if rng.random() > 0.05 else None,  # a few without a source record: record_key
                "source_key": source,
                "old_uid": f"pre2025:{rng.randrange(units)}" if rng.random() > 0.02 else None,
                "ward_status": rng.choice(STATUSES),
            }
        )
    return pl.DataFrame(rows)


def _expected(decided: pl.DataFrame, staged: dict, named: pl.DataFrame | None, before) -> set[tuple]:  # noqa: ANN001
    """The rule in plain Python (docstring of placements): (registry, record_key, item_id) placed."""
    out = set()
    named_keys = set() if named is None else {(r, k) for r, k in named.select("registry", "record_key").iter_rows()}
    applied = set() if before is None else set(before[0]["item_id"])
    placed_before = set() if before is None else set(before[1].select("registry", "record_key", "item_id").iter_rows())
    for item, registry, old in decided.select("item_id", "registry", "old_uid").iter_rows():
        rows = [r for r in staged[registry].iter_rows(named=True) if (registry, r["record_key"]) not in named_keys]
        source = {r["record_key"]: f"{r['source_id']}\x1f{r['source_key']}" if r["source_id"] else r["record_key"]
                  for r in rows}  # fmt: skip
        settled = {(r["old_uid"], source[r["record_key"]]) for r in rows if r["ward_status"] != "split_review"}
        kept = {source[k] for reg, k, it in placed_before if reg == registry and it == item and k in source}
        for r in rows:
            src = source[r["record_key"]]
            if r["old_uid"] != old or r["ward_status"] != "split_review" or (old, src) in settled:
                continue
            if item in applied and src not in kept:
                continue
            out.add((registry, r["record_key"], item))
    return out


def _random_case(seed: int):  # noqa: ANN202
    rng = random.Random(seed)
    staged = {name: _registry(rng, name, 400, 12) for name in ("population", "households", "businesses")}
    units = [(f"su-{seed:04d}{k:03d}", rng.choice(list(staged)), f"pre2025:{rng.randrange(14)}") for k in range(6)]
    units = list({(reg, old): (item, reg, old) for item, reg, old in units}.values())  # one item per (unit, registry)
    decided = _decisions(units)
    named = pl.concat(
        [
            frame.sample(20, seed=seed).select(pl.lit(name).alias("registry"), "record_key")
            for name, frame in staged.items()
        ]
    )
    first = placements(decided, staged, named)
    # the run after: records moved (a re-staged extract names another old unit), half the decisions standing
    moved = {name: frame.with_columns(
        pl.when(pl.int_range(pl.len()) % 7 == 0).then(pl.lit("pre2025:moved")).otherwise("old_uid").alias("old_uid"),
        pl.when(pl.int_range(pl.len()) % 5 == 0).then(pl.lit("split_review")).otherwise("ward_status").alias("ward_status"),
    ) for name, frame in staged.items()}  # fmt: skip
    standing = decided.filter(pl.int_range(pl.len()) % 2 == 0)
    before = (standing.select("item_id"), first.join(standing.select("item_id"), on="item_id", how="semi"))
    prior = (standing, first)
    return decided, staged, moved, named, first, before, prior


def test_the_records_placed_are_those_the_rule_names_on_random_registries_first_run_and_the_run_after():
    for seed in range(6):
        decided, staged, moved, named, first, before, prior = _random_case(seed)
        got = set(first.select("registry", "record_key", "item_id").iter_rows())
        assert got == _expected(decided, staged, named, None), seed
        assert first.height and first.height == len(got)
        after = placements(decided, moved, named, prior)
        got = set(after.select("registry", "record_key", "item_id").iter_rows())
        assert got == _expected(decided, moved, named, before), seed
        assert after.height == len(got)
        assert after.columns == REVIEW_PLACEMENTS.columns


def test_only_the_decided_old_units_rows_and_the_records_placed_before_are_read(monkeypatch):
    seen: list[tuple[str, set, int]] = []
    inner = decisions_module._split_unit_records

    def spy(decided, keys, before):  # noqa: ANN001, ANN202
        seen.append((decided["item_id"].to_list(), set(keys["old_uid"].drop_nulls()), keys.height))
        return inner(decided, keys, before)

    monkeypatch.setattr(decisions_module, "_split_unit_records", spy)
    decided, staged, moved, named, first, before, prior = _random_case(1)
    placements(decided, staged, named)
    units = set(decided["old_uid"])
    for items, read, height in seen:
        assert read <= units, (items, read - units)  # before: every old unit of every registry (12 each)
        if not items:
            assert height == 0  # a registry no decision names: nothing read
    seen.clear()
    placements(decided, moved, named, prior)
    keys_before = set(prior[1]["record_key"])
    for frame in moved.values():
        allowed = set(
            frame.filter(
                pl.col("old_uid").is_in(pl.Series(list(units)).implode())
                | pl.col("record_key").is_in(pl.Series(list(keys_before)).implode())
            )["old_uid"].drop_nulls()
        )
        assert any(read <= allowed for _, read, _ in seen)
    assert all(height < 400 for _, _, height in seen), [h for _, _, h in seen]

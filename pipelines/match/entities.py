"""Entities from clusters: stable ids, golden records by survivorship, lineage.

Entity ids are stable:

* without history, an entity is named after its founding record: ``<prefix>-`` + the
  first 16 hex digits of MD5(smallest record id in the cluster), so re-running on
  the same data yields the same ids;
* with the previous run's lineage (record id -> entity id), a cluster keeps the
  previous id most of its records carried; when an old entity is split, the part
  holding most of its records keeps the id and the others get new ones; when two
  old entities merge, the larger keeps its id and the other is recorded as merged.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.match.spec import MatchSpec
from pipelines.md5 import md5_hex


def _founder_ids(
    founders: pl.Series, prefix: str, salt: str = "", threads: int | None = None, in_python_under: int | None = None
) -> pl.Series:
    """``prefix``-MD5 ids of ``founders`` (``threads``: DuckDB's, where it hashes; None: its default, every core;
    ``in_python_under``: ``md5_hex``'s)."""
    text = founders.cast(pl.String)  # (+ "" copies every id: 0.45 -> 0.36 CPU s at 1M)
    return md5_hex(
        text + salt if salt else text, head=prefix + "-", length=16, threads=threads, in_python_under=in_python_under
    ).rename("entity_id")


def record_hashes(record_ids: pl.Series, prefix: str) -> pl.Series:
    """Per record (in order), the id an entity it founds is named with when no id is taken over or clashes: the
    founder's hash of every record, worked out before the clusters are known (the engine does it on the core that fitting
    and clustering leave idle), so ``assign_entity_ids(hashed=...)`` only gathers the founders' (at 1M people most
    records found their own entity: 1.05M founders of 1.19M records)."""
    # (one core: the other fits and clusters meanwhile). In one chunk: DuckDB's Arrow result comes in batches of 1M
    # rows, and the ids are gathered from it (a gather across chunks cost 0.021 CPU s for 1.19M ids, 0.006 from one).
    # By DuckDB however few (not under md5.SMALL_HASH in Python): a Python loop would hold the GIL while the other
    # thread works, and that thread's every Polars call waits for it (the engine hashes ahead from HASH_AHEAD records)
    return _founder_ids(record_ids, prefix, threads=1, in_python_under=0).rechunk()


def assign_entity_ids(
    record_ids: pl.Series,
    clusters: pl.Series,
    prefix: str,
    previous: pl.DataFrame | None = None,
    held: pl.Series | None = None,
    hashed: pl.Series | None = None,
) -> tuple[pl.Series, pl.DataFrame]:
    """Entity id per record, and the history of previous entities merged into others.

    ``held``: entity ids records outside ``record_ids`` keep (an increment's untouched entities): a new
    entity is never named with one, as the assignment over every record would not. ``hashed``: ``record_hashes``
    of ``record_ids`` with this prefix, when worked out already (a new entity's id is then its founder's, gathered)."""
    if hashed is not None and len(hashed) != len(record_ids):
        raise ValueError("hashed: one id per record expected")
    if hashed is not None and (previous is None or not previous.height) and (held is None or not len(held)):
        # nothing to take over or clash with: each record's id is its cluster's founder's hash, gathered
        return hashed.gather(_founder_rows(record_ids, clusters)).alias("entity_id"), _no_history()
    frame = pl.DataFrame({"record_id": record_ids.cast(pl.String), "c": clusters})
    per_cluster = _founders(frame, rows=hashed is not None)
    history = _no_history()
    if previous is not None and previous.height:
        prev = previous.select(pl.col("record_id").cast(pl.String), pl.col("entity_id").alias("prev"))
        claims = frame.join(prev, on="record_id").group_by("c", "prev").len("n")
        # each previous entity goes to the cluster holding most of its records
        owner = claims.sort(["prev", "n", "c"], descending=[False, True, False]).unique(
            "prev", keep="first", maintain_order=True
        )
        # each cluster keeps the previous entity it holds most records of
        kept = owner.sort(["c", "n", "prev"], descending=[False, True, False]).unique(
            "c", keep="first", maintain_order=True
        )
        per_cluster = per_cluster.join(kept.select("c", pl.col("prev").alias("kept")), on="c", how="left")
        merged = owner.join(kept.select("c", pl.col("prev").alias("kept")), on="c").filter(
            pl.col("prev") != pl.col("kept")
        )
        history = merged.select(pl.col("prev").alias("entity_id"), pl.col("kept").alias("merged_into")).sort(
            "entity_id"
        )
    else:
        per_cluster = per_cluster.with_columns(pl.lit(None, pl.String).alias("kept"))
    fresh = per_cluster.filter(pl.col("kept").is_null())
    if hashed is None:
        fresh_ids = _founder_ids(fresh["founder"], prefix)
    else:
        fresh_ids = hashed.gather(fresh["_at"]).alias("entity_id")  # (the founder's row: its record's hash)
    taken = pl.DataFrame({"e": per_cluster["kept"].drop_nulls()})
    if held is not None:
        taken = pl.concat([taken, pl.DataFrame({"e": held.cast(pl.String)})])

    def clash(ids: pl.Series) -> pl.Series:  # a founder hash equal to an id still in use
        if not taken.height:  # (no history: nothing to clash with, and no join over every new id)
            return pl.repeat(False, len(ids), dtype=pl.Boolean, eager=True)
        found = taken.join(pl.DataFrame({"e": ids}), on="e", how="semi")["e"]  # probes the few new ids
        return ids.is_in(found.implode())

    clashing = clash(fresh_ids)  # (a record left the entity named after it)
    salt = 1
    while clashing.any():
        fresh_ids = fresh_ids.zip_with(~clashing, _founder_ids(fresh["founder"], prefix, f"#{salt}"))
        clashing = clash(fresh_ids)
        salt += 1
    per_cluster = pl.concat(
        [
            per_cluster.filter(pl.col("kept").is_not_null()).select("c", pl.col("kept").alias("entity_id")),
            fresh.select("c").with_columns(fresh_ids),
        ]
    )
    # each record's cluster's id, gathered by the cluster's place among them (every record's cluster is there)
    place = np.zeros(int(per_cluster["c"].max()) + 1 if per_cluster.height else 0, dtype=np.uint32)
    place[per_cluster["c"].to_numpy()] = np.arange(per_cluster.height, dtype=np.uint32)
    ids = per_cluster["entity_id"].gather(pl.Series(place[frame["c"].to_numpy()], dtype=pl.UInt32))
    return ids, history


def _no_history() -> pl.DataFrame:
    return pl.DataFrame(schema={"entity_id": pl.String, "merged_into": pl.String})


def _founder_rows(record_ids: pl.Series, clusters: pl.Series) -> pl.Series:
    """Per record, the row of its cluster's founder (``_founders``' smallest record id), by numpy tables indexed by
    cluster number: a record alone in its cluster founds it, only the records of larger clusters are grouped (at 1M
    people 243k of 1.19M). The frames ``_founders`` builds, filters and joins back cost 0.13 CPU s there."""
    c = clusters.to_numpy()
    if not len(c):
        return pl.Series([], dtype=pl.UInt32)
    alone = np.bincount(c)[c] == 1
    founder = np.zeros(int(c.max()) + 1, dtype=np.uint32)
    single = np.flatnonzero(alone)
    founder[c[single]] = single
    multi = pl.Series(np.flatnonzero(~alone), dtype=pl.UInt32)
    smallest = (
        pl.DataFrame({"record_id": record_ids.cast(pl.String).gather(multi), "c": clusters.gather(multi), "_at": multi})
        .group_by("c")
        .agg(pl.col("_at").get(pl.col("record_id").arg_min()))
    )
    founder[smallest["c"].to_numpy()] = smallest["_at"].to_numpy()
    return pl.Series(founder[c], dtype=pl.UInt32)


def _founders(frame: pl.DataFrame, rows: bool = False) -> pl.DataFrame:
    """Per cluster (``c``) of ``frame`` (record_id, c): its founder, the smallest record id (``rows``: and the
    founder's row in ``frame``, ``_at``). Most clusters hold one record, which is its own founder: only the records
    of larger clusters are grouped (a group-by over every record's id text cost 0.37 CPU s at 1.1M records)."""
    c = frame["c"].to_numpy()
    alone = pl.Series(np.bincount(c)[c] == 1) if len(c) else pl.Series([], dtype=pl.Boolean)
    if rows:
        frame = frame.with_row_index("_at")
    at = [pl.col("_at")] if rows else []
    single = frame.filter(alone).select("c", pl.col("record_id").alias("founder"), *at)
    smallest = pl.col("record_id").arg_min()
    multi = (
        frame.filter(~alone)
        .group_by("c")
        .agg(pl.col("record_id").min().alias("founder"), *(a.get(smallest) for a in at))
    )
    return pl.concat([multi, single])


def _survive(
    frame: pl.DataFrame,
    column: str,
    rule: str,
    recency: str | None,
    key: str = "entity_id",
    carry: str | None = None,
) -> pl.DataFrame:
    """One value of `column` per entity (``key``: its id, or any column equal exactly for its records) under a
    survivorship rule (nulls never win); ``carry``: a column taken from the winning record (not most_frequent)."""
    kept = [c for c in dict.fromkeys([recency, carry]) if c and c != column]
    base = frame.select(key, "_order", column, *kept).filter(pl.col(column).is_not_null())
    if rule == "most_frequent":
        return _most_frequent(base, key, column, recency).select(key, column, *([carry] if carry else []))
    if rule == "most_recent":
        ranked = base.sort([key, recency, "_order"], descending=[False, True, False], nulls_last=True)
    elif rule == "longest":
        ranked = base.with_columns(pl.col(column).cast(pl.String).str.len_chars().alias("_len")).sort(
            [key, "_len", "_order"], descending=[False, True, False]
        )
    elif rule == "first":
        ranked = base.sort([key, "_order"])
    elif rule in ("max", "min"):
        ranked = base.sort([key, column, "_order"], descending=[False, rule == "max", False])
    else:
        raise ValueError(f"unknown survivorship rule {rule}")
    return ranked.unique(key, keep="first", maintain_order=True).select(key, column, *([carry] if carry else []))


def _most_frequent(base: pl.DataFrame, key: str, column: str, recency: str | None) -> pl.DataFrame:
    """Per ``key`` of ``base`` (key, ``_order``, ``column``, ``recency``; no nulls in ``column``), its most frequent
    value: ties to the value with the latest ``recency``, then to the one held first (``_first``: the smallest
    ``_order`` of its records)."""
    tie = [pl.col(recency).max().alias("_recent")] if recency else []
    counted = base.group_by(key, column).agg(pl.len().alias("_n"), pl.col("_order").min().alias("_first"), *tie)
    order = ["_n", *(["_recent"] if recency else []), "_first"]
    ranked = counted.sort([key, *order], descending=[False, True, *([True] if recency else []), False])
    return ranked.unique(key, keep="first", maintain_order=True)


# a date's precision column (staging's dob_precision): finer first
FINENESS = {"day": 0, "month": 1, "year": 2}
_TRUNCATE = {1: "1mo", 2: "1y"}  # a coarser date is stored as the first day of its month or year


def _survive_dated(
    frame: pl.DataFrame, column: str, precision: str, rule: str, recency: str | None, key: str
) -> pl.DataFrame:
    """``_survive`` for a date column known to different precisions (``precision``: day, month or year), returning
    the winner's precision beside it. most_frequent counts, for each value, the records that agree with it (a
    year-only date agrees with every date of its year), so a full date wins over the coarser ones of the same
    person, and a coarser one only where nothing finer agrees; ties go to the finer value, then as ``_survive``'s.
    The other rules pick a record, whose precision comes with its date."""
    rec = [recency] if recency and recency not in (column, precision) else []
    base = frame.select(key, "_order", column, precision, *rec).filter(pl.col(column).is_not_null())
    base = base.with_columns(
        pl.col(precision).cast(pl.String).replace_strict(FINENESS, default=0, return_dtype=pl.UInt8).alias("_fine")
    )
    if rule != "most_frequent":
        return _survive(base, column, rule, recency, key, carry=precision)
    tie = [pl.col(recency).max().alias("_recent")] if recency else []
    known = pl.col(precision).is_not_null().any().alias("_known")  # (a precision nobody wrote stays null)
    candidates = base.group_by(key, column, "_fine").agg(
        pl.col("_order").min().alias("_first"), pl.len().alias("_c"), known, *tie
    )
    order = ["_n", "_fine", *(["_recent"] if recency else []), "_first"]
    ranked = _votes(candidates, key, column).sort(
        [key, *order], descending=[False, True, False, *([True] if recency else []), False]
    )
    names = {v: k for k, v in FINENESS.items()}
    return ranked.unique(key, keep="first", maintain_order=True).select(
        key,
        column,
        pl.when("_known").then(pl.col("_fine").replace_strict(names, return_dtype=pl.String)).alias(precision),
    )


def _votes(candidates: pl.DataFrame, key: str, column: str) -> pl.DataFrame:
    """``candidates`` (key, date ``column``, its precision ``_fine`` and ``_c``: how many records hold that date at that
    precision) with ``_n``: the records of its key that agree with it (a record agrees with a date when its precision
    is the date's or coarser and it holds the date cut to its precision: 'Jan 1997' agrees with 22/01/1997, not the
    other way), those with none left out. Counted from the candidates' own counts, one lookup per coarser precision:
    each candidate joined to every record of its key and the agreeing ones counted cost twice as much (the
    survivorship of the birth date 0.10-0.115 -> 0.058-0.070 CPU s at 1M people, one Polars thread)."""
    finest = min(FINENESS.values())  # (a date of the finest precision is not cut: its own count is its lookup's)
    n = pl.when(pl.col("_fine") == finest).then(pl.col("_c")).otherwise(pl.lit(0, pl.UInt32))
    for level in sorted(set(FINENESS.values()) - {finest}):
        at = candidates.filter(pl.col("_fine") == level).select(
            key, pl.col(column).alias("_v"), pl.col("_c").alias("_m")
        )
        if not at.height:
            continue
        cut = pl.col(column).dt.truncate(_TRUNCATE[level])
        found = candidates.select(key, cut.alias("_v")).join(at, on=[key, "_v"], how="left", maintain_order="left")
        n = n + pl.when(pl.col("_fine") <= level).then(found["_m"].fill_null(0)).otherwise(0)
    return candidates.with_columns(n.alias("_n")).filter(pl.col("_n") > 0)


def _dated_columns(frame: pl.DataFrame, spec: MatchSpec) -> dict[str, str]:
    """Survivorship date columns typed as dates whose precision column ([[dates]] precision) the input has."""
    return {
        d.column: d.precision
        for d in spec.dates
        if d.precision
        and d.column in spec.survivorship
        and d.precision in frame.columns
        and d.column in frame.columns
        and frame.schema[d.column] == pl.Date
    }


def golden_records(
    frame: pl.DataFrame, entity_ids: pl.Series, spec: MatchSpec, clusters: pl.Series | None = None
) -> pl.DataFrame:
    """One row per entity: record count, source record ids, and each survivorship field.

    Most entities have one record, which is its own golden record; survivorship rules
    run only over the entities that merged several records, grouped by an integer (the
    record's cluster), not by the id's text. ``clusters``: the records' cluster numbers
    (``assign_entity_ids``' input: one cluster, one entity), when known; without them the rank of the entity id.
    """
    if clusters is None or not len(clusters):
        clusters = entity_ids.rank("dense").cast(pl.UInt32)
    return name_golden(golden_by_cluster(frame, spec, clusters), entity_ids)


def golden_by_cluster(frame: pl.DataFrame, spec: MatchSpec, clusters: pl.Series) -> pl.DataFrame:
    """``golden_records`` before the entities are named (it needs the clusters only, so the engine works it out
    while the ids are): one row per cluster (``_g``) with a record of it (``_at``, its row in ``frame``), the
    merged clusters first, then the single-record ones in input order. ``name_golden`` names them."""
    # a [[dates]] precision column in [survivorship] only when the input has it (typed dates; text dates have none)
    fields = [c for c in spec.survivorship if c in frame.columns or c not in spec.optional_columns]
    dated = _dated_columns(frame, spec)
    recency = spec.recency_column
    # Each field's winner is picked as a row of ``frame`` per merged cluster (numpy over the merged records sorted by
    # cluster) and gathered: no frame of the merged records grouped and joined back per field (1M taxpayers, 57.5k
    # records in 24.6k merged clusters: 0.068 -> 0.033 CPU s; its 2M people 1.44-1.48 -> 0.95-0.99)
    cluster = clusters.to_numpy()
    alone = np.bincount(cluster)[cluster] == 1 if len(cluster) else np.zeros(0, dtype=bool)
    merged = _Merged(cluster, np.flatnonzero(~alone))
    read = [spec.id_column, *fields, *dated.values(), *([recency] if recency else [])]
    data = frame.select(c for c in dict.fromkeys(read) if c in frame.columns)
    if 16 * len(merged.rows) > len(cluster):
        # gathered from one chunk: a gather across chunks cost ~30 ns a value, the copy into one ~2 (+ ~4 to gather)
        data = data.rechunk()
    golden = _cluster_columns(data[spec.id_column].cast(pl.String), cluster, alone, merged)
    # each field: its merged clusters' winners, then the single records' own values (a filter: no gather across
    # chunks; without fields none, a frame of no columns has no rows to filter)
    singles = data.select(fields).filter(pl.Series(alone)) if fields else None
    picked, joined = _picked_winners(data, spec, fields, dated, merged)
    if joined:  # (the other rules, and the dates known to different precisions, by _survive and a join)
        won = _joined_winners(data, spec, joined, dated, cluster, alone, merged)
        picked.update((column, won[column]) for column in won.columns[1:])
    golden.update((column, pl.concat([won, singles[column]])) for column, won in picked.items())
    return (
        pl.DataFrame(golden)
        .select("_g", "_at", "record_count", "record_ids", *fields)
        .with_columns(
            pl.Series("_merged", np.arange(len(cluster) - len(merged.rows) + len(merged.first)) < len(merged.first))
        )
    )


def _cluster_columns(ids: pl.Series, cluster: np.ndarray, alone: np.ndarray, merged: _Merged) -> dict[str, pl.Series]:
    """``golden_by_cluster``'s columns of each cluster (``_g``, ``_at``, record_count, record_ids: its record ids in
    order), the merged clusters first, then the single records in input order."""
    single = np.flatnonzero(alone)
    # each merged cluster's record ids in order (one sort by cluster and id, then listed per cluster)
    listed = (
        pl.DataFrame({"_k": merged.group, "record_ids": ids.gather(merged.rows)})
        .sort(["_k", "record_ids"])
        .group_by("_k", maintain_order=True)
        .agg("record_ids")
    )
    return {
        # (numpy arrays of Polars' type: an array converted by pl.Series cost 2-3 times as much)
        "_g": pl.Series(np.concatenate([merged.cluster, cluster[single]]).astype(np.uint32)),
        "_at": pl.Series(np.concatenate([merged.rows[merged.first], single]).astype(np.uint32)),
        "record_count": pl.Series(
            np.concatenate([merged.sizes, np.ones(len(single), dtype=np.int64)]).astype(np.uint32)
        ),
        "record_ids": pl.concat(
            [
                listed["record_ids"],
                ids.filter(pl.Series(alone)).to_frame("record_ids").select(pl.concat_list("record_ids"))["record_ids"],
            ]
        ),
    }


def _picked_winners(
    data: pl.DataFrame, spec: MatchSpec, fields: list[str], dated: dict[str, str], merged: _Merged
) -> tuple[dict[str, pl.Series], list[str]]:
    """Per field whose winner is a row picked in numpy (most_recent; most_frequent of values that group exactly), its
    merged clusters' winning values (``merged.cluster``'s order); and the fields left to ``_joined_winners`` (the
    other rules, and dates known to different precisions; a date's precision column follows its date's winner)."""
    recency = spec.recency_column
    follows = {p for p in dated.values() if p in spec.survivorship}
    latest = [c for c in fields if spec.survivorship[c] == "most_recent" and c not in dated and c not in follows]
    latest = latest if recency else []
    order = merged.by_recency(data[recency]) if latest else None
    # the most frequent fields' values of the merged records (and their recency) gathered once, side by side
    frequent = [
        c
        for c in fields
        if spec.survivorship[c] == "most_frequent" and c not in dated and c not in latest and _exact(data.schema[c])
    ]
    read = list(dict.fromkeys([*frequent, *([recency] if recency and frequent else [])]))  # (the recency may be one)
    by_row = data.select(read).gather(pl.Series(merged.rows)) if read else None
    # per group of fields whose winners are the same rows (gathered together), those rows: the most recent fields
    # never missing win with each cluster's most recent record (one group, key None), every other field with its own
    winners: dict[str | None, np.ndarray] = {}
    by_rows: dict[str | None, list[str]] = {}
    joined = []
    for column in fields:
        if column in latest and not data[column].null_count():
            key = None
            if key not in winners:
                winners[key] = merged.rows[order][merged.first]
        elif column in latest:
            key, winners[column] = column, merged.first_present(data[column], order)
        elif column in frequent:
            key, winners[column] = column, merged.most_frequent(by_row[column], by_row[recency] if recency else None)
        else:
            if column not in follows:
                joined.append(column)
            continue
        by_rows.setdefault(key, []).append(column)
    picked = {}
    for key, columns in by_rows.items():
        at = pl.Series(winners[key], dtype=pl.Int64).cast(pl.UInt32, strict=False)  # (-1, no winner: null)
        got = data.select(columns).gather(at)
        picked.update((column, got[column]) for column in columns)
    return picked, joined


def _joined_winners(
    data: pl.DataFrame,
    spec: MatchSpec,
    joined: list[str],
    dated: dict[str, str],
    cluster: np.ndarray,
    alone: np.ndarray,
    merged: _Merged,
) -> pl.DataFrame:
    """The ``joined`` fields' winners by ``_survive`` (``_survive_dated`` for a date known to different precisions,
    with its precision where that is in [survivorship]), one row per merged cluster (``_g``, ``merged.cluster``'s
    order)."""
    recency = spec.recency_column
    follows = {p for p in dated.values() if p in spec.survivorship}
    read = [*joined, *(dated[c] for c in joined if c in dated), *([recency] if recency else [])]
    multi = (
        data.select(c for c in dict.fromkeys(read) if c in data.columns)
        .with_columns(
            pl.int_range(pl.len(), dtype=pl.UInt32).alias("_order"), pl.Series("_g", cluster, dtype=pl.UInt32)
        )
        .filter(~pl.Series(alone))
    )
    won = pl.DataFrame({"_g": pl.Series(merged.cluster, dtype=pl.UInt32)})
    for column in joined:
        rule = spec.survivorship[column]
        if column in dated:
            precision = dated[column]
            got = _survive_dated(multi, column, precision, rule, recency, "_g").with_columns(
                pl.col(precision).cast(data.schema[precision])  # (its input type: a Categorical stays one)
            )
            won = won.join(got if precision in follows else got.drop(precision), on="_g", how="left")
        else:
            won = won.join(_survive(multi, column, rule, recency, "_g"), on="_g", how="left")
    return won


def _exact(dtype: pl.DataType) -> bool:
    """Values of ``dtype`` are equal exactly when they group together (no NaN, no -0.0, no categories)."""
    return dtype in (pl.String, pl.Date, pl.Boolean) or dtype.is_integer()


class _Merged:
    """The records of merged clusters (``rows``: their rows in the input) sorted by cluster, each cluster's in input
    order; ``group``: each one's cluster's place among the merged clusters (ascending cluster number), ``first``:
    each cluster's first place in ``rows``."""

    def __init__(self, cluster: np.ndarray, rows: np.ndarray):
        self.rows = rows[np.argsort(cluster[rows], kind="stable")]
        g = cluster[self.rows]
        self.first = np.flatnonzero(np.r_[True, g[1:] != g[:-1]]) if len(g) else np.zeros(0, dtype=np.int64)
        self.sizes = np.diff(np.r_[self.first, len(g)])
        self.cluster = g[self.first]
        # (intp: numpy indexes by it without a conversion)
        self.group = np.repeat(np.arange(len(self.first), dtype=np.intp), self.sizes)

    def by_recency(self, recency: pl.Series) -> np.ndarray:
        """Places in ``rows`` sorted by cluster, then by ``recency`` descending (nulls last), then input order."""
        values = recency.gather(self.rows)
        if values.dtype == pl.Date:  # one stable sort of one integer key (Polars' two sorts cost 4x as much)
            days = values.to_physical().fill_null(-(2**31)).to_numpy().astype(np.int64)
            return np.argsort((self.group.astype(np.int64) << 33) + (2**31 - 1 - days), kind="stable")
        keys = pl.DataFrame({"_k": self.group, "_r": values, "_i": np.arange(len(values), dtype=np.uint32)})
        keys = keys.sort("_r", descending=True, nulls_last=True, maintain_order=True).sort("_k", maintain_order=True)
        return keys["_i"].to_numpy()

    def first_present(self, values: pl.Series, order: np.ndarray) -> np.ndarray:
        """Per merged cluster, the row of its first record in ``order`` (``by_recency``) whose value is not null;
        -1 for none."""
        at = self.rows[order]  # (in order's places, the clusters' places are as in rows: order sorts by them first)
        present = values.is_not_null().to_numpy()[at]
        return self._firsts(at[present], self.group[present])

    def most_frequent(self, values: pl.Series, recency: pl.Series | None) -> np.ndarray:
        """Per merged cluster, a row holding its most frequent value (``_survive``'s most_frequent; -1 for none): a
        cluster whose values are all alike (taxpayers at 1M: 21.4k of 24.6k merged ones by name, all by office)
        wins with its first; only the others' records are counted. ``values`` and ``recency``: the merged records'
        (``rows``'), in order."""
        if values.null_count():
            present = values.is_not_null()
            where = np.flatnonzero(present.to_numpy())
            got = values.filter(present)
        else:
            where, got = None, values
        at = self.rows if where is None else self.rows[where]
        place = self.group if where is None else self.group[where]
        won = self._firsts(at, place)
        if len(at) < 2:
            return won
        differs = (got.slice(1) != got.slice(0, len(got) - 1)).to_numpy() & (place[1:] == place[:-1])
        if not differs.any():
            return won
        mixed = np.zeros(len(self.first), dtype=bool)
        mixed[place[1:][differs]] = True
        counted = mixed[place]
        base = pl.DataFrame(
            {
                "_k": place[counted],
                "_order": pl.Series(at[counted], dtype=pl.UInt32),
                "_v": got.filter(pl.Series(counted)),
                **(
                    {"_r": recency.gather(np.flatnonzero(counted) if where is None else where[counted])}
                    if recency is not None
                    else {}
                ),
            }
        )
        ranked = _most_frequent(base, "_k", "_v", "_r" if recency is not None else None)
        won[ranked["_k"].to_numpy()] = ranked["_first"].to_numpy()
        return won

    def _firsts(self, at: np.ndarray, place: np.ndarray) -> np.ndarray:
        """Per merged cluster, the first of ``at`` (rows of its records; ``place``: their clusters' places, ascending)
        in it; -1 for none."""
        won = np.full(len(self.first), -1, dtype=np.int64)
        if len(at):
            head = np.r_[True, place[1:] != place[:-1]]
            won[place[head]] = at[head]
        return won


def name_golden(golden: pl.DataFrame, entity_ids: pl.Series) -> pl.DataFrame:
    """``golden_by_cluster``'s rows named by their entity ids (per record): the merged entities by id, then the
    single-record ones in input order (deterministic without sorting everything)."""
    named = golden.select(entity_ids.gather(golden["_at"]).alias("entity_id"), pl.all().exclude("_g", "_at", "_merged"))
    # the merged ones are the first rows (golden_by_cluster's order): sliced off, not filtered (a filter copied the 942k
    # single-record entities' 14 columns at 1M people: 0.058 -> 0.046 CPU s)
    merged = int(golden["_merged"].sum())
    # (on the calling thread: Polars' multithreaded sort of the 103k merged entities' ids cost 0.056-0.065 CPU s at 1M
    # people against 0.031, the same order: the ids are distinct)
    return pl.concat([named.head(merged).sort("entity_id", multithreaded=False), named.slice(merged)])

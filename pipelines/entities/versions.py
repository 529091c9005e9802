"""Versions of one source record in several extracts: matched once, as its newest version.

A source sends an extract again and again (a monthly dump of the same table): the record its key names in May
and in June is one record of that system, not two people who happen to agree. Matched as separate records, each
person of a source loaded N times holds N records that all agree: candidate pairs grow with N², the review
queue with them, and past ``max_cluster_size`` copies (20 for people) the chaining guard splits one person into
several entities. So the entity step matches each source record once, as the version of its newest extract;
the earlier versions follow it into its entity, linked to it by the source's own key ("same source record").

Only keys the source itself gave (the catalogue's ``key_column``), unique in their extract, say "the same
record": a source without one is keyed by row number; a row keyed by its place in the file or by its content
(``source_key: missing`` in ``issues``) is matched as a record of its own, as before. A row whose key another row of
its extract has too (``source_key: repeated``) follows the newest extract's row of that key with the same content
(every staged value alike; else it is matched as a record of its own): matched each, a key repeated in every extract
added two agreeing records a month, past the chaining guard within a year. Two versions an official judged
different people (a no_match decision: the source reused a key) are matched apart too, and so are the versions of a
key whose newest version contradicts an earlier one on who it is (``IDENTITY``: another date of birth, sex or
personal ID; a household's number, a business's registration number or tax code): the source gave the key to another
record, and following it silently would merge two people with no item for an official to decide.

An earlier version without a ward of its own (its address unresolved) whose newest version has a ward is placed in
that ward (``place_by_newest_version``: ward_status ``placed_by_newest_version``), as the marts and the review queues
read the staged rows: the lineage already holds it in its newest version's entity, and asking an official where it
was (one unresolved_address item per such record: a source that starts filling in its ward column asked about every
record it sent before) is a question the data answers. An official's decision on its address wins (a 'place' is
applied first; a 'dismiss' leaves it without a ward: ``kept``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import polars as pl

from pipelines.schema import ADDRESS_REVIEW_STATUSES, NEWEST_VERSION_STATUS

#: staged ``issues`` saying the key is not the source's own or not unique in its extract (pipelines.ingest.stage)
UNSTABLE_KEY = r"source_key: (?:missing|repeated)"
#: staged ``issues`` of a row whose key another row of its extract has: versions of it are rows of the same content
REPEATED_KEY = "source_key: repeated"
#: staged columns that differ between two extracts of the same row (not its content)
_BOOKKEEPING = {"record_key", "source_id", "source_key", "extract_date", "source_file", "run_id"}
#: lineage ``link_evidence`` of an earlier version
SAME_SOURCE_RECORD = "same source record: the source's key, in a newer extract"
#: staged columns saying who a record is, per registry: two versions of a source key, both with a value, that differ
#: are two records (the source reused the key), matched version by version (a value missing on one side is none).
#: Not what a record may change and stay itself: a person's household number, a household's head, a business's
#: owner. People's date of birth is compared too (_contradicting_versions).
IDENTITY = {
    "population": ("sex", "personal_id", "old_id_number", "date_of_birth"),
    "households": ("household_no",),
    "businesses": ("registration_no", "tax_code"),
    "tax": ("taxpayer_code",),
}


@dataclass
class Versions:
    """``matched``: the staged records the engine matches; ``earlier``: record_key -> newest_key (the matched
    version of the same source record) of every other staged record; ``presence``: record_key, last_extract_date,
    in_newest_extract of every staged record (``_presence``), or None (a Versions built by hand)."""

    matched: pl.DataFrame
    earlier: pl.DataFrame
    presence: pl.DataFrame | None = None

    def to_newest(self, frame: pl.DataFrame, column: str) -> pl.DataFrame:
        """``frame`` with each earlier version's record key in ``column`` replaced by its newest version's."""
        renamed = self.earlier.rename({"record_key": column, "newest_key": "_newest"})
        return (
            frame.join(renamed, on=column, how="left", maintain_order="left")
            .with_columns(pl.coalesce("_newest", column).alias(column))
            .drop("_newest")
        )


def split_versions(
    staged: pl.DataFrame,
    keyed_sources: Collection[str] | None,
    kept_apart: pl.DataFrame | None = None,
    *,
    registry: str,
) -> Versions:
    """The newest version of each source record (and every record without a key of its source's own) to match,
    and the earlier versions. ``keyed_sources``: the sources whose records are keyed by a column of their own
    (the catalogue's ``key_column``; others are keyed by row number, which names another record in the next
    extract); None or empty: every record is matched. ``kept_apart``: record-key pairs (left_id, right_id)
    officials judged different entities; a source record two of whose versions they name is matched version by
    version. ``registry``: the staged table's (``IDENTITY``)."""
    none = pl.DataFrame(schema={"record_key": pl.String, "newest_key": pl.String})
    if not keyed_sources:
        return Versions(staged, none, _presence(staged, None, None))
    keyed = pl.col("source_id").is_in(list(keyed_sources)) & pl.col("source_key").is_not_null()
    issues = pl.col("issues").fill_null("")
    stable = staged.select(
        "record_key",
        "source_id",
        "source_key",
        "extract_date",
        (keyed & ~issues.str.contains(UNSTABLE_KEY)).alias("_stable"),
    ).filter("_stable")
    repeated = staged.filter(keyed & issues.str.contains(REPEATED_KEY))
    if repeated.height:  # a key several rows of an extract hold: its versions are the rows of the same content
        content = [c for c in staged.columns if c not in _BOOKKEEPING]
        stable = pl.concat(
            [
                stable,
                repeated.select(
                    "record_key",
                    "source_id",
                    (pl.col("source_key") + "\x00" + pl.struct(content).hash().cast(pl.String)).alias("source_key"),
                    "extract_date",
                    pl.lit(True).alias("_stable"),
                ),
            ]
        )
    every_stable = stable  # every row whose key names its record in the source (presence: in the newest extract?)
    # only keys held by several rows need the window (at 1M people, one extract a source: none; 0.13 s to know)
    stable = stable.filter(pl.struct("source_id", "source_key").is_duplicated())
    if not stable.height:
        return Versions(staged, none, _presence(staged, every_stable, None))
    stable = stable.with_columns(
        pl.col("record_key")
        .sort_by(["extract_date", "record_key"], descending=[True, True])
        .first()
        .over(["source_id", "source_key"])
        .alias("newest_key")
    )
    if kept_apart is not None and kept_apart.height:
        stable = stable.join(_reused_keys(stable, kept_apart), on=["source_id", "source_key"], how="anti")
    contradicting = _contradicting_versions(staged, stable, registry)
    stable = stable.join(
        contradicting.select("source_id", "source_key").unique(), on=["source_id", "source_key"], how="anti"
    )
    # (rows of one content in the newest's own extract, a key repeated there, are matched each: not a newer extract)
    newest_date = pl.col("extract_date").sort_by(["extract_date", "record_key"], descending=[True, True]).first()
    earlier = stable.filter(
        (pl.col("record_key") != pl.col("newest_key"))
        & (pl.col("extract_date") < newest_date.over(["source_id", "source_key"]))
    ).select("record_key", "newest_key")
    matched = staged.join(earlier.select("record_key"), on="record_key", how="anti", maintain_order="left")
    return Versions(matched, earlier, _presence(staged, every_stable, contradicting))


def _presence(staged: pl.DataFrame, stable: pl.DataFrame | None, replaced: pl.DataFrame | None) -> pl.DataFrame:
    """record_key, last_extract_date, in_newest_extract of every staged record: whether its source record is in its
    source's newest staged extract. A record whose key is the source's own (``stable``: record_key, source_id,
    source_key, extract_date; a key repeated in its extract with its content) is its source record's version:
    last_extract_date is the newest extract holding that key, and in_newest_extract whether that is its source's
    newest (False: missing from it, deleted in the old system or left out of a partial extract). A version another
    record took the key from (``replaced``: record_key of versions contradicting the key's newest, the source reused
    it) is not in it: False, last_extract_date the latest of those versions. A record whose key the newest extract
    holds only in rows of another content (a key repeated in an extract: the rows of one content are one record; a
    changed value, or the key held once before, repeated now) may be any of them: null (unknown), not False. Any other
    record (keyed by its row number or content) is known in its own extract only: True when that is the newest, else
    null (unknown)."""
    out = staged.select(
        "record_key", "extract_date", pl.col("extract_date").max().over("source_id").alias("_source_newest")
    )
    # every record in its source's newest extract (one extract a source): nothing older to look up
    older = (
        stable is not None
        and stable.height
        and out.select(pl.col("extract_date") < pl.col("_source_newest")).to_series().any()
    )
    if older:
        gone = (
            pl.col("record_key").is_in(replaced["record_key"].implode())
            if replaced is not None and replaced.height
            else pl.lit(False)
        )
        keyed = stable.select(
            "record_key",
            "source_id",
            "source_key",
            # the source's key without the content a repeated key's rows carry (split_versions)
            pl.col("source_key").str.split("\x00").list.first().alias("_key"),
            "extract_date",
            gone.alias("_replaced"),
        )
        last = pl.col("extract_date").max().over(["source_id", "source_key", "_replaced"])
        key_last = pl.col("extract_date").max().over(["source_id", "_key", "_replaced"])
        out = out.join(
            keyed.select(
                "record_key",
                last.alias("_last"),
                key_last.alias("_key_last"),
                "_replaced",
                pl.lit(True).alias("_keyed"),
            ),
            on="record_key",
            how="left",
            maintain_order="left",
        )
    else:
        out = out.with_columns(
            pl.lit(None, pl.Date).alias("_last"),
            pl.lit(None, pl.Date).alias("_key_last"),
            pl.lit(None, pl.Boolean).alias("_replaced"),
            pl.lit(None, pl.Boolean).alias("_keyed"),
        )
    return out.select(
        "record_key",
        pl.coalesce("_last", "extract_date").alias("last_extract_date"),
        pl.when(pl.col("_replaced").fill_null(False))
        .then(pl.lit(False))
        .when(pl.col("_keyed").fill_null(False) & (pl.col("_last") == pl.col("_source_newest")))
        .then(pl.lit(True))
        .when(pl.col("_keyed").fill_null(False) & (pl.col("_key_last") == pl.col("_source_newest")))
        .then(pl.lit(None, pl.Boolean))  # its key is there, in rows of another content: which record, unknown
        .when(pl.col("_keyed").fill_null(False))
        .then(pl.lit(False))
        .when(pl.col("extract_date") == pl.col("_source_newest"))
        .then(pl.lit(True))
        .otherwise(pl.lit(None, pl.Boolean))
        .alias("in_newest_extract"),
    )


def _contradicting_versions(staged: pl.DataFrame, stable: pl.DataFrame, registry: str) -> pl.DataFrame:
    """record_key, source_id, source_key of each version that says another record than its key's newest version: an
    ``IDENTITY`` value, both given and different (a date of birth: its year, or the day when both give the day). Its
    source record (source_id, source_key) is matched version by version."""
    columns = [c for c in IDENTITY.get(registry, ()) if c in staged.columns and c != "date_of_birth"]
    dob = "date_of_birth" in IDENTITY.get(registry, ()) and {"date_of_birth", "dob_precision"} <= set(staged.columns)
    if dob:
        columns += ["date_of_birth", "dob_precision"]
    if not columns:
        return stable.select("record_key", "source_id", "source_key").clear()
    values = staged.select("record_key", *columns)
    pairs = stable.join(values, on="record_key").join(
        values.rename({"record_key": "newest_key"}), on="newest_key", suffix="_newest"
    )
    differ = [
        pl.col(c).is_not_null() & pl.col(f"{c}_newest").is_not_null() & (pl.col(c) != pl.col(f"{c}_newest"))
        for c in columns
        if c not in ("date_of_birth", "dob_precision")
    ]
    if dob:
        born, newest = pl.col("date_of_birth"), pl.col("date_of_birth_newest")
        both_day = (pl.col("dob_precision") == "day") & (pl.col("dob_precision_newest") == "day")
        differ.append(
            born.is_not_null()
            & newest.is_not_null()
            & ((born.dt.year() != newest.dt.year()) | (both_day & (born != newest)))
        )
    return pairs.filter(pl.any_horizontal(differ)).select("record_key", "source_id", "source_key")


def _reused_keys(stable: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """(source_id, source_key) of the source records two of whose versions ``pairs`` name."""
    group = stable.select("record_key", "source_id", "source_key")
    sides = [
        group.rename({"record_key": side, "source_id": f"{side}_s", "source_key": f"{side}_k"})
        for side in ("left_id", "right_id")
    ]
    named = pairs.select("left_id", "right_id").join(sides[0], on="left_id").join(sides[1], on="right_id")
    same = named.filter((pl.col("left_id_s") == pl.col("right_id_s")) & (pl.col("left_id_k") == pl.col("right_id_k")))
    return same.select(pl.col("left_id_s").alias("source_id"), pl.col("left_id_k").alias("source_key")).unique()


def previous_on_newest(previous: pl.DataFrame | None, versions: Versions) -> pl.DataFrame | None:
    """The previous run's lineage (record_id, entity_id) as the records matched now: a newest version not seen
    before takes the entity of the source record's version the previous run placed (its own row first)."""
    if previous is None or not previous.height or not versions.earlier.height:
        return previous
    own = previous.with_columns(pl.lit(0).alias("_order"))
    moved = versions.to_newest(previous, "record_id").with_columns(pl.lit(1).alias("_order"))
    return pl.concat([own, moved]).sort("_order", maintain_order=True).unique("record_id", keep="first").drop("_order")


def pairs_on_newest(pairs: pl.DataFrame | None, versions: Versions) -> pl.DataFrame | None:
    """Record-key pairs (left_id, right_id) with earlier versions replaced by their newest; a pair of one source
    record's versions (trivially one entity) dropped."""
    if pairs is None or not pairs.height or not versions.earlier.height:
        return pairs
    moved = versions.to_newest(versions.to_newest(pairs, "left_id"), "right_id")
    return moved.filter(pl.col("left_id") != pl.col("right_id")).unique(["left_id", "right_id"], maintain_order=True)


def with_earlier_versions(
    lineage: pl.DataFrame, entities: pl.DataFrame, staged: pl.DataFrame, versions: Versions
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The lineage and entities of the matched records, completed with the earlier versions: each in its newest
    version's entity, linked to it with probability 1 and ``SAME_SOURCE_RECORD``; entity sizes, record counts and
    record ids over every staged record."""
    if not versions.earlier.height:
        return lineage, entities
    newest = lineage.select(pl.col("record_key").alias("newest_key"), "entity_id")
    added = (
        versions.earlier.join(newest, on="newest_key", how="left")
        .join(staged.select("record_key", "source_id", "extract_date"), on="record_key", how="left")
        .select(
            "record_key",
            "source_id",
            "extract_date",
            "entity_id",
            pl.col("newest_key").alias("linked_to"),
            pl.lit(1.0).alias("link_probability"),
            pl.lit(SAME_SOURCE_RECORD).alias("link_evidence"),
        )
    )
    lineage = pl.concat([lineage, added], how="diagonal_relaxed").select(lineage.columns)
    order = staged.select("record_key").with_row_index("_at")
    lineage = (
        lineage.join(order, on="record_key", how="left")
        .sort("_at")
        .drop("_at")
        .with_columns(pl.len().over("entity_id").cast(lineage.schema["entity_size"]).alias("entity_size"))
    )
    per_entity = added.group_by("entity_id").agg(pl.col("record_key").alias("_more"))
    entities = (
        entities.join(per_entity, on="entity_id", how="left", maintain_order="left")
        .with_columns(
            pl.concat_list("record_ids", pl.col("_more").fill_null(pl.lit([], pl.List(pl.String))))
            .list.sort()
            .alias("record_ids")
        )
        .with_columns(pl.col("record_ids").list.len().cast(entities.schema["record_count"]).alias("record_count"))
        .drop("_more")
    )
    return lineage, entities


def with_presence(lineage: pl.DataFrame, versions: Versions, distinct: bool = False) -> pl.DataFrame:
    """The lineage with last_extract_date and in_newest_extract of each record (``Versions.presence``): whether its
    source record is in its source's newest extract (a record deleted in the old system stays in its entity, marked).
    ``distinct``: the lineage's record keys are known to be distinct (``joined_on_distinct``)."""
    if versions.presence is None:
        return lineage.with_columns(
            pl.col("extract_date").alias("last_extract_date"), pl.lit(None, pl.Boolean).alias("in_newest_extract")
        )
    kept = lineage.drop("last_extract_date", "in_newest_extract", strict=False)
    if distinct:
        return joined_on_distinct(kept, versions.presence, "record_key")
    return kept.join(versions.presence, on="record_key", how="left", maintain_order="left")


def joined_on_distinct(left: pl.DataFrame, right: pl.DataFrame, on: str) -> pl.DataFrame:
    """``left.join(right, on=on, how="left", maintain_order="left")`` for a ``left`` whose keys are distinct (the
    caller knows: the matched records', which the engine checked): where ``right``'s keys are ``left``'s row by row
    (none missing, the same type, no other column name shared) each left row's one match is the right row beside it,
    so its other columns are put beside ``left`` without a hash join (the engine's records and the presence come in
    the matched records' order: 309,092 households' two joins 0.050 -> 0.003 CPU s); else that join."""
    keys, theirs = left[on], right[on]
    beside = (
        left.height == right.height
        and keys.dtype == theirs.dtype
        and not (set(left.columns) & set(right.columns)) - {on}
        and not keys.null_count()
        and keys.equals(theirs)
    )
    if beside:
        return left.hstack(right.drop(on))
    return left.join(right, on=on, how="left", maintain_order="left")


def not_in_newest(lineage: pl.DataFrame) -> int:
    """Source records (their earlier versions not counted again) missing from their source's newest extract."""
    # the records missing from it first (a Boolean column), then their evidence read: not every record's text (85,477
    # taxpayers' lineage, each in its newest extract: 3.2 -> ~0.2 ms, on the run's last steps)
    gone = lineage.filter(~pl.col("in_newest_extract").fill_null(True))
    return gone.select((pl.col("link_evidence").fill_null("") != SAME_SOURCE_RECORD).sum()).item()


def same_source_links(lineage: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """record_key, newest_key of the lineage's earlier versions (``SAME_SOURCE_RECORD``: linked to the newest version of
    their source record), the ``Versions.earlier`` of the run that built it."""
    return (
        lineage.lazy()
        .filter(pl.col("link_evidence") == SAME_SOURCE_RECORD)
        .select("record_key", pl.col("linked_to").alias("newest_key"))
        .collect()
    )


def place_by_newest_version(staged: pl.DataFrame, earlier: pl.DataFrame, kept: pl.Series | None = None) -> pl.DataFrame:
    """``staged`` with each earlier version (``earlier``: record_key, newest_key, as ``Versions.earlier`` or
    ``same_source_links``) that has no ward of its own (new_uid null, ward_status unresolved or scheme_review) placed
    in its newest version's ward, where that version (a row of ``staged``) has one: new_uid that ward, ward_status
    ``NEWEST_VERSION_STATUS``, ward_reason naming the version. Only the source's own stable keys link versions
    (``split_versions``: not row numbers, not a key whose versions contradict each other or officials kept apart), so
    only those are placed. ``kept``: record keys left as they are (an official dismissed their address). Apply after
    officials' placements (a placed record has a ward: not placed again). Same rows, same columns."""
    if not earlier.height or not staged.height:
        return staged
    no_ward = pl.col("new_uid").is_null() & pl.col("ward_status").is_in(ADDRESS_REVIEW_STATUSES)
    waiting = staged.filter(no_ward).select("record_key").join(earlier, on="record_key")
    if kept is not None and kept.len():
        waiting = waiting.filter(~pl.col("record_key").is_in(kept.implode()))
    if not waiting.height:
        return staged
    wards = staged.filter(
        pl.col("record_key").is_in(waiting["newest_key"].implode()) & pl.col("new_uid").is_not_null()
    ).select(pl.col("record_key").alias("newest_key"), pl.col("new_uid").alias("_v_new"), "extract_date")
    placed = waiting.join(wards, on="newest_key").select(
        "record_key",
        "_v_new",
        pl.format(
            "placed by its newest version: {} (extract {}) is in this ward; its own address has none",
            "newest_key",
            pl.col("extract_date").cast(pl.String),
        ).alias("_v_reason"),
    )
    if not placed.height:
        return staged
    out = staged.join(placed, on="record_key", how="left", maintain_order="left")
    hit = pl.col("_v_new").is_not_null()
    return out.with_columns(
        new_uid=pl.when(hit).then("_v_new").otherwise("new_uid"),
        ward_status=pl.when(hit).then(pl.lit(NEWEST_VERSION_STATUS)).otherwise("ward_status"),
        ward_reason=pl.when(hit).then("_v_reason").otherwise("ward_reason"),
    ).select(staged.columns)

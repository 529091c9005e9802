"""One review queue per kind, with stable item ids, the ward (or candidates) and a priority.

Kinds, most urgent first (``urgency`` 1..6; within a kind, items blocking more records first):

1. quarantined_row    a row that could not be staged is missing from every count. Only rows a person can
                      repair: a missing or unreadable field, or a line the reader could not split (re-enter it
                      from the source system): quarantine.reason_kind field or unread_row. Rows of a rejected
                      extract (extract_rejected: a wrong file or mapping) and the last line of a file cut off in
                      transfer (cut_off: the file is fetched again) are a data engineer's matter and not queued;
                      they stay in quarantine.* with their reason and are named in the run's log and ingest
                      status. Nor is a record its source marked deleted (source_deleted, dBase '*').
2. unresolved_address the record has no ward at all (ward_status unresolved or scheme_review). One item per source
                      record (its newest version; not one per extract) and address; an earlier version whose address
                      its newest version does not ask about (another address, or a ward) is an address of its own.
                      Not an earlier version whose newest version has a ward: read with that ward (ward_status
                      placed_by_newest_version, pipelines.entities.versions.place_by_newest_version), unless an
                      official decided on its address (a 'place' or 'dismiss' stands).
3. split_unit         the record is only estimated across its old unit's parts (split_review after the split
                      placements). With resolved.split_evidence, one item per (old unit, street/hamlet/quarter)
                      the evidence could not place (thin, conflicting, rejected), blocking the records that
                      carry the name; the other records: one item per (old unit, registry). Each record is in
                      one item.
4. invalid_id         a personal ID or tax code with structure problems or contradicting the record
                      (the staged *_id_flags, tax_code_kind 'invalid'): links may be missed or wrong.
5. match_pair         the uncertain or refused pairs of the matcher (entities.<kind>_review) that join the same two
                      different entities (entity_pair_items): one question, are they one person? (A pair inside
                      one entity is an item of its own: the entity may hold two people.) Keyed by
                      its pair with the smallest keys, the others listed (more_left_ids / more_right_ids); a
                      decision labels every pair, and the ward files show each pair a row of its own under the
                      item's id (Queues.pair_rows). Blocks its records. Most informative first (columns
                      informativeness, informative_why): an answer on an uncertain pair whose evidence pattern
                      many open pairs share teaches the matcher most (docs/guide/review.md "Learning from reviewers").
6. unreadable_value   a birth date, sex, phone, members count or registration date written but not read (the staged
                      issues; unreadable_fields: not the ID fields, invalid_id's): one item per source record (its
                      newest version) and question (the fields and their values as written, from the raw layer),
                      for the ward to correct at source. A missing value is not asked.

Item ids: '<prefix>-' + 16 hex digits of MD5 of the kind and stable keys (registry + record_key; entity kind +
both record keys, smaller first; old unit + registry; old unit + name kind + name key), so an item keeps
its id across runs and re-ingestion of the same extracts. An invalid_id, unresolved_address or unreadable_value item
keeps the id it was first published with while newer extracts' versions of its source record ask the same (its
question_key in review.item_keys: the same flagged ID values, the same address, the same unreadable values), so its
decision stands; a changed value is a new item.
An item closed by a decision leaves the queue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from pipelines.review.decisions import decided_pairs, keeps_pairs, pair_key, where_decided
from pipelines.review.ids import PREFIX, QUESTION_VALUES, URGENCY, flag_text, item_ids, question_keys
from pipelines.schema import (
    ADDRESS_REVIEW_STATUSES,
    ENTITY_KINDS,
    ENTITY_REVIEW_COLUMNS,
    QUARANTINE_KINDS_FOR_OFFICIALS,
    REVIEW_DECISIONS_TABLE,
    REVIEW_ITEM_KEYS,
    REVIEW_KINDS,
    REVIEW_QUEUE_ITEMS,
    REVIEW_QUEUE_SUMMARY,
    REVIEW_QUEUE_TOTALS,
    STAGED_FIELDS,
)
from pipelines.text import numbered

NAME_COLUMN = {
    "population": "full_name",
    "households": "head_name",
    "businesses": "business_name",
    "tax": "taxpayer_name",
}
# registry -> (ID column, flag expression naming the problem (codes, '; '-separated) or null)
ID_CHECKS: dict[str, tuple[tuple[str, pl.Expr], ...]] = {
    "population": (("personal_id", pl.col("id_flags")), ("old_id_number", pl.col("old_id_flags"))),
    "households": (("head_personal_id", pl.col("head_id_flags")),),
    "businesses": (
        ("owner_personal_id", pl.col("owner_id_flags")),
        (
            "tax_code",
            pl.when(pl.col("tax_code_kind") == "invalid").then(pl.lit("invalid_tax_code")),
        ),
    ),
    "tax": (
        (
            "taxpayer_code",
            pl.when(pl.col("tax_code_kind") == "invalid").then(pl.lit("invalid_tax_code")),
        ),
    ),
}
# what an invalid_id item's flags say to officials for the codes that are no plain word (the others read as their
# code); its question asks about the codes (ids.question_keys), so rewording one here reopens no decided item
ID_FLAG_WORDING = {"invalid_tax_code": "invalid tax code (check digit or form)"}
SPLIT_OPEN_STATES = ("thin", "conflicting", "rejected")
# quarantine rows a ward official can act on, by the kind of their reason (schema.QUARANTINE_REASON_KINDS): the
# others are the data engineer's (re-fetch or re-map the extract) or nobody's (the source system deleted the record)
FOR_OFFICIALS = pl.col("reason_kind").is_in(QUARANTINE_KINDS_FOR_OFFICIALS)


@dataclass
class ReviewInputs:
    staged: dict[str, pl.DataFrame]  # registry -> staged rows (split and official placements applied)
    quarantine: dict[str, pl.DataFrame]  # registry -> quarantine rows + old_uid, new_uid, candidates of the raw address
    review: dict[str, pl.DataFrame]  # entity kind -> entities.<kind>_review
    ward_names: pl.DataFrame  # unit_uid, name of 2025 and pre-2025 units
    split_evidence: pl.DataFrame | None = None  # resolved.split_evidence when published
    crosswalk: pl.DataFrame | None = None  # old_uid -> new_uid parts (candidates of named split items)
    # registry -> record_key + the shown date columns as the source wrote them (raw layer), for match pairs' records
    raw_dates: dict[str, pl.DataFrame] = field(default_factory=dict)
    # entity kind -> record_key, entity_id (entities.<kind>_lineage) of the match pairs' records: pairs joining the
    # same two entities are one item (entity_pair_items); a kind without it: one item per pair. It holds the records of
    # officials' no_match labels too: which decision keeps a refused pair apart (reviewers_apart)
    entity_of: dict[str, pl.DataFrame] = field(default_factory=dict)
    # registry -> record keys of earlier versions of a source record (pipelines.entities.versions; their entities'
    # lineage): a record-level item is made for the newest version only, not once per extract
    earlier_versions: dict[str, pl.Series] = field(default_factory=dict)
    # review.placements (registry, record_key, item_id, ...): the records an unresolved_address 'place' placed are no
    # longer unresolved, yet their item is kept up to date in review.item_keys (its newest record, its question)
    placements: pl.DataFrame | None = None
    # registry -> record_key + the unreadable_fields as the source wrote them (raw layer), for the records with an
    # unreadable value only (io.raw_unreadable_values): what an unreadable_value item shows and asks about
    raw_values: dict[str, pl.DataFrame] = field(default_factory=dict)
    # record_key, source_id, last_extract_date of the records the entities' lineage marks missing from their source's
    # newest extract (in_newest_extract false: io.not_in_newest): their open items say so (not_in_newest_notes)
    not_in_newest: pl.DataFrame | None = None


@dataclass
class Queues:
    items: pl.DataFrame  # REVIEW_QUEUE_ITEMS: open items, ranked
    closed: pl.DataFrame  # item_id, kind, new_uid, candidates, records_blocked of items closed by a decision
    evidence: dict[str, pl.DataFrame] = field(default_factory=dict)  # kind -> item_id + evidence columns (open items)
    item_keys: pl.DataFrame | None = None  # REVIEW_ITEM_KEYS after this run
    # every record pair of the open match_pair items, one row each under its item's id (_entity_pairs): what the
    # ward files show, so a reviewer sees each pair an item's decision labels
    pair_rows: pl.DataFrame | None = None


def _json(columns: list[str]) -> pl.Expr:
    return pl.struct([pl.col(c).cast(pl.String) for c in columns]).struct.json_encode()


def _common(frame: pl.DataFrame, kind: str, keys: list[str]) -> pl.DataFrame:
    return frame.with_columns(item_ids(frame, kind, keys), pl.lit(kind).alias("kind"))


def _lists_to_text(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        [pl.col(c).list.join("; ") for c, t in frame.schema.items() if isinstance(t, pl.List) and t.inner == pl.String]
    )


def unresolved_address(
    inputs: ReviewInputs,
    previous_keys: pl.DataFrame | None = None,
    decisions: pl.DataFrame | None = None,
    audit: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One item per source record whose newest version has no ward (not one per extract), and per address: the item
    keeps its id while newer extracts bring the same address (``_one_per_question``), so a decision on it stands; a
    'place' places every version of the record with that address (``decisions.placements``). An earlier version whose
    address its newest version does not ask about (the newest has another, or a ward) is asked about too, saying so
    (``_earlier_sentence``): else its rows stay under review with nobody asked. The staged rows the review step reads
    (io.read_review_inputs) have an earlier version whose newest version has a ward placed there already
    (``placed_by_newest_version``: no ward to ask about), unless an official dismissed its address."""
    placed = inputs.placements
    answered = (
        placed.filter(pl.col("item_id").str.starts_with(PREFIX["unresolved_address"]))
        if placed is not None and placed.height
        else pl.DataFrame(schema={"registry": pl.String, "record_key": pl.String})
    )
    frames = []
    for registry, staged in inputs.staged.items():
        placed_here = answered.filter(pl.col("registry") == registry)["record_key"].implode()
        was_placed = pl.col("record_key").is_in(placed_here)
        rows = staged.filter(pl.col("ward_status").is_in(ADDRESS_REVIEW_STATUSES) | was_placed)
        frames.append(
            rows.select(
                *_source_row(registry),
                pl.col(NAME_COLUMN[registry]).alias("name"),
                "address",
                "ward_status",
                "ward_reason",
                "old_uid",
                pl.col("ward_candidates").fill_null([]).alias("candidates"),
                *_version_columns(staged),
                was_placed.alias("_answered"),
            )
        )
    frame = pl.concat(frames) if frames else pl.DataFrame()
    frame = _one_per_question(frame, "unresolved_address", inputs, previous_keys, decisions, audit)
    if (
        "_answered" in frame.columns
    ):  # a placed record's item: kept in item_keys (closed by its decision), not asked again
        frame = frame.filter(~pl.col("_answered") | pl.col("_published_before")).drop("_answered")
    frame = frame.drop("_published_before", strict=False)
    return _single_record(
        frame.with_columns(pl.lit(None, pl.String).alias("new_uid")),
        pl.concat_str(pl.lit("address "), pl.col("ward_status"), pl.lit(" in "), pl.col("registry")),
    )


# staged columns a one-record item of a source record reads (its question, its newest version), not shown
_VERSION_COLUMNS = ("source_id", "extract_date")


def _version_columns(staged: pl.DataFrame) -> list[pl.Expr]:
    """``_VERSION_COLUMNS`` of ``staged`` (null where a frame lacks them: a test's table of a few columns)."""
    types = {"source_id": pl.String, "extract_date": pl.Date}
    return [pl.col(c) if c in staged.columns else pl.lit(None, types[c]).alias(c) for c in _VERSION_COLUMNS]


def _one_per_question(
    frame: pl.DataFrame,
    kind: str,
    inputs: ReviewInputs,
    previous_keys: pl.DataFrame | None,
    decisions: pl.DataFrame | None,
    audit: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The items of ``kind`` (one row per staged record, every extract's, with ``_VERSION_COLUMNS``), one per source
    record and question (``ids.question_keys``): the earlier versions of a source record sent again (``inputs.
    earlier_versions``) are left out, and the rows left asking the same question (versions a contradiction keeps apart,
    a key repeated in its extract) are one item, shown with the newest. Its id: the id an item of that question was
    published with before (``previous_keys``: review.item_keys; one published before question_key was kept, by the
    question of its record if still staged; several: the one decided, latest, then first seen), else from its
    record key, as always. So an item decided in May is that item in June's extract while the record asks the same, and
    a changed value is an item of its own. A question asked again after a 'fixed_at_source' carries ``_refixed``, the
    sentence saying so (:func:`_refixed_sentence`; ``audit``, review.decision_audit, names the decision's file)."""
    if not frame.width:
        return frame
    every = frame.with_columns(question_keys(frame, kind))
    newest = _newest_per_question(every, kind, inputs)
    out = _with_item_ids(newest, every, kind, previous_keys, decisions)
    out = _asked_again_after_fix(out, kind, decisions, audit)
    if kind == "unresolved_address":
        out = _returned_after_dismiss(out, inputs, decisions, audit)
    out = (
        out.with_columns(pl.col("_before").is_not_null().alias("_published_before"))
        if "_answered" in out.columns
        else out
    )
    return out.drop("_before", *_VERSION_COLUMNS).with_columns(pl.lit(kind).alias("kind"))


def _newest_per_question(every: pl.DataFrame, kind: str, inputs: ReviewInputs) -> pl.DataFrame:
    """One row per question (``every`` with its question keys): the earlier versions of a source record sent again
    left out (an unresolved address's earlier version asking what its newest does not is kept, saying so), the newest
    version of the rows asking the same question kept, sorted by registry and record key."""
    is_earlier = pl.any_horizontal(
        pl.lit(False),
        *[
            (pl.col("registry") == registry) & pl.col("record_key").is_in(earlier.implode())
            for registry, earlier in inputs.earlier_versions.items()
        ],
    )
    newest = every.filter(~is_earlier)
    if kind == "unresolved_address":
        # an earlier version whose address (no ward) its newest version does not ask about (another address, or a
        # ward) is a question of its own, still under review: asked, saying so, not left with nobody asked
        superseded = every.filter(is_earlier).join(newest.select("question_key"), on="question_key", how="anti")
        if superseded.height:
            noted = _with_newest_version(superseded, inputs.staged).with_columns(_earlier_sentence().alias("_earlier"))
            if "candidates" in noted.columns:  # the ward its record is in now: that ward's files show the item
                noted = noted.with_columns(
                    pl.when(pl.col("candidates").list.len().fill_null(0).eq(0) & pl.col("_n_ward").is_not_null())
                    .then(pl.concat_list(pl.col("_n_ward")))
                    .otherwise(pl.col("candidates"))
                    .alias("candidates")
                )
            newest = pl.concat([newest, noted.select(*newest.columns, "_earlier")], how="diagonal_relaxed")
    return (
        newest.sort(["extract_date", "record_key"], descending=True, nulls_last=True)
        .unique("question_key", keep="first")
        .sort("registry", "record_key")
    )


def _with_item_ids(
    newest: pl.DataFrame,
    every: pl.DataFrame,
    kind: str,
    previous_keys: pl.DataFrame | None,
    decisions: pl.DataFrame | None,
) -> pl.DataFrame:
    """``newest`` with its item ids: the id its question was published with before (``_before``), else from its
    record key, else (that id taken by another question) from its record key and question."""
    own = newest.with_columns(item_ids(newest, kind, ["registry", "record_key"]))
    before = _ids_of_questions(every, kind, previous_keys, decisions)
    out = own.join(before, on="question_key", how="left", maintain_order="left").with_columns(
        pl.coalesce("_before", "item_id").alias("item_id")
    )
    # an id taken by another question (its record's values read differently now: an extract sent again, corrected,
    # with the same record keys), in this run or published before with it: one of its own, not the decided item
    asked = _questions_published(kind, previous_keys)
    out = out.join(asked, on="item_id", how="left", maintain_order="left")
    taken = pl.col("_before").is_null() & (
        pl.col("item_id").is_duplicated()
        | (pl.col("_asked_before").is_not_null() & (pl.col("_asked_before") != pl.col("question_key")))
    )
    if out.select(taken.any()).item():
        fresh = item_ids(out, kind, ["registry", "record_key", "question_key"])
        out = out.with_columns(pl.when(taken).then(fresh).otherwise(pl.col("item_id")).alias("item_id"))
    return out.drop("_asked_before")


def _asked_again_after_fix(
    out: pl.DataFrame, kind: str, decisions: pl.DataFrame | None, audit: pl.DataFrame | None
) -> pl.DataFrame:
    """Items asked again after a 'fixed_at_source' decision: an id of their own and ``_refixed`` saying so."""
    # 'fixed_at_source' said the old system was corrected: a version from an extract dated after that decision still
    # asking the same did not get the fix, so it is asked again, an item of its own (one per question and decided
    # item: the same while it stays open), not closed by the decision
    # it says so, or the official sees the same question without its history and may mark it fixed again for ever
    fixed = _fixed_at_source(decisions, audit)
    if fixed.height:
        out = out.join(fixed, on="item_id", how="left", maintain_order="left")
        again = pl.col("_fixed_on").is_not_null() & (pl.col("extract_date") > pl.col("_fixed_on"))
        if out.select(again.any()).item():
            out = out.with_columns(pl.when(again).then(_refixed_sentence()).alias("_refixed"))
            fresh = item_ids(
                out.with_columns(pl.col("item_id").alias("_fixed_item")), kind, ["question_key", "_fixed_item"]
            )
            out = out.with_columns(pl.when(again).then(fresh).otherwise(pl.col("item_id")).alias("item_id"))
        out = out.drop("_fixed_on", "_fixed_by", "_fixed_in")
    return out


def _fixed_at_source(
    decisions: pl.DataFrame | None, audit: pl.DataFrame | None = None, decision: str = "fixed_at_source"
) -> pl.DataFrame:
    """item_id, _fixed_on, _fixed_by, _fixed_in: the items closed by a 'fixed_at_source' decision (or ``decision``),
    its date, reviewer and where it was written (decisions.where_decided; null without ``audit``)."""
    schema = {"item_id": pl.String, "_fixed_on": pl.Date, "_fixed_by": pl.String, "_fixed_in": pl.String}
    if decisions is None or not decisions.height or not {"state", "decision", "decided_on"} <= set(decisions.columns):
        return pl.DataFrame(schema=schema)
    fixed = decisions.filter((pl.col("state") == "closed") & (pl.col("decision") == decision)).unique(
        "item_id", keep="last", maintain_order=True
    )
    by = pl.col("reviewer") if "reviewer" in fixed.columns else pl.lit(None, pl.String)
    written = where_decided(audit, fixed)
    return (
        fixed.select("item_id", pl.col("decided_on").cast(pl.Date).alias("_fixed_on"), by.alias("_fixed_by"))
        .join(written.rename({"decided_in": "_fixed_in"}), on="item_id", how="left", maintain_order="left")
        .cast(schema)
    )


def _returned_after_dismiss(
    out: pl.DataFrame, inputs: ReviewInputs, decisions: pl.DataFrame | None, audit: pl.DataFrame | None
) -> pl.DataFrame:
    """``out`` (unresolved_address items of ``_one_per_question``) where an item closed by a 'dismiss' is asked again,
    an item of its own saying so (``_refixed``: :func:`_returned_sentence`): its record had moved to another address
    (or a ward) and a version dated after the dismiss brings the dismissed address back, none of its versions since
    that return having been seen before the dismiss. The official dismissed where the record was then (the item an
    earlier version asks: 'place this address (where the record was then) or dismiss it'), not where it is now; a
    dismiss of the address while the record had it, or after it came back, stands."""
    dismissed = _fixed_at_source(decisions, audit, "dismiss")
    if not dismissed.height or not out.height:
        return out
    cand = (
        out.select("item_id", "registry", "source_id", "source_key", "question_key", "extract_date")
        .join(dismissed.select("item_id", "_fixed_on"), on="item_id")
        .filter(pl.col("extract_date") > pl.col("_fixed_on"))
    )
    if not cand.height:
        return out
    record = ["registry", "source_id", "source_key"]
    needed = ("source_id", "source_key", "extract_date", "address", "ward_status")
    versions = [
        frame.select(needed)
        .with_columns(pl.lit(registry).alias("registry"))
        .join(cand.select(record).unique(), on=record, how="semi")
        for registry, frame in inputs.staged.items()
        if set(needed) <= set(frame.columns)
    ]
    if not versions:
        return out
    seen = pl.concat(versions, how="diagonal_relaxed")
    seen = seen.with_columns(
        pl.when(pl.col("ward_status").is_in(ADDRESS_REVIEW_STATUSES))
        .then(question_keys(seen, "unresolved_address"))
        .alias("_q"),
        pl.col("extract_date").alias("_v_date"),
    ).select(*record, "_q", "_v_date")
    paired = cand.join(seen, on=record).filter(pl.col("_v_date") <= pl.col("extract_date"))
    same = pl.col("_q").is_not_null() & (pl.col("_q") == pl.col("question_key"))
    # the last version before this one with another question (another address, or a ward): where the record was
    moved = paired.filter(~same).group_by("item_id", "question_key").agg(pl.col("_v_date").max().alias("_moved"))
    back = (
        paired.join(moved, on=["item_id", "question_key"])
        .filter(same & (pl.col("_v_date") > pl.col("_moved")))
        .group_by("item_id", "question_key", "_fixed_on")
        .agg(pl.col("_v_date").min().alias("_back_on"))
        .filter(pl.col("_back_on") > pl.col("_fixed_on"))
        .select("item_id", "question_key", pl.lit(True).alias("_returned"))
    )
    if not back.height:
        return out
    out = (
        out.join(back, on=["item_id", "question_key"], how="left", maintain_order="left")
        .join(dismissed, on="item_id", how="left", maintain_order="left")
        .with_columns(pl.col("_returned").fill_null(False))
    )
    fresh = item_ids(
        out.with_columns(pl.col("item_id").alias("_dismissed_item")),
        "unresolved_address",
        ["question_key", "_dismissed_item"],
    )
    note = (
        pl.concat_str(pl.col("_refixed"), pl.lit("; ") + _returned_sentence(), ignore_nulls=True)
        if "_refixed" in out.columns
        else _returned_sentence()
    )
    out = out.with_columns(
        pl.when("_returned")
        .then(note)
        .otherwise(pl.col("_refixed") if "_refixed" in out.columns else None)
        .alias("_refixed"),
        pl.when("_returned").then(fresh).otherwise(pl.col("item_id")).alias("item_id"),
    )
    return out.drop("_returned", "_fixed_on", "_fixed_by", "_fixed_in")


def _returned_sentence() -> pl.Expr:
    """What an address asked again after a 'dismiss' says (:func:`_returned_after_dismiss`): 'asked again: dismissed on
    <date> by <reviewer> (item <id>, <file> row <n>) while the record had moved from it, but the <date> extract of
    <source> has this address again: place it or dismiss it'."""
    return _asked_again_sentence(
        "dismissed", ") while the record had moved from it, but the ", " has this address again: place it or dismiss it"
    )


def _refixed_sentence() -> pl.Expr:
    """What a question asked again after a 'fixed_at_source' says (``_one_per_question``): 'asked again: marked fixed at
    source on <date> by <reviewer> (item <id>, <file> row <n>), but the <date> extract of <source> still has it: check
    the old system (the correction may not have been saved) before deciding again'."""
    return _asked_again_sentence(
        "marked fixed at source",
        "), but the ",
        " still has it: check the old system (the correction may not have been saved) before deciding again",
    )


def _asked_again_sentence(decided: str, but: str, ask: str) -> pl.Expr:
    """'asked again: <decided> on <_fixed_on> by <_fixed_by> (item <item_id>, <_fixed_in><but><extract_date> extract
    of <source_id><ask>', the parts whose column is null left out."""
    said = pl.concat_str(
        pl.concat_str(pl.lit("item "), pl.col("item_id")), pl.col("_fixed_in"), separator=", ", ignore_nulls=True
    )
    return pl.concat_str(
        pl.lit(f"asked again: {decided} on "),
        pl.col("_fixed_on").cast(pl.String),
        pl.when(pl.col("_fixed_by").is_not_null()).then(pl.lit(" by ") + pl.col("_fixed_by")).otherwise(pl.lit("")),
        pl.lit(" ("),
        said,
        pl.lit(but),
        pl.col("extract_date").cast(pl.String),
        pl.lit(" extract"),
        pl.when(pl.col("source_id").is_not_null()).then(pl.lit(" of ") + pl.col("source_id")).otherwise(pl.lit("")),
        pl.lit(ask),
    )


def _with_newest_version(rows: pl.DataFrame, staged: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """``rows`` (earlier versions: registry, source_id, source_key) with _n_date, _n_address, _n_ward: the extract date,
    address and ward (null: none) of their source record's newest staged version (the newest extract holding its
    key)."""
    keys = rows.select("registry", "source_id", "source_key").unique()
    found = [
        frame.select("source_id", "source_key", "extract_date", "address", "new_uid")
        .join(keys.filter(pl.col("registry") == registry), on=["source_id", "source_key"], how="semi")
        .with_columns(pl.lit(registry).alias("registry"))
        for registry, frame in staged.items()
        if {"source_id", "source_key", "extract_date", "address", "new_uid"} <= set(frame.columns)
    ]
    schema = {"registry": pl.String, "source_id": pl.String, "source_key": pl.String}
    newest = (
        pl.concat(found)
        .sort("extract_date", descending=True, nulls_last=True)
        .unique(["registry", "source_id", "source_key"], keep="first")
        .select(
            *schema,
            pl.col("extract_date").alias("_n_date"),
            pl.col("address").alias("_n_address"),
            pl.col("new_uid").alias("_n_ward"),
        )
        if found
        else pl.DataFrame(schema={**schema, "_n_date": pl.Date, "_n_address": pl.String, "_n_ward": pl.String})
    )
    return rows.join(newest, on=list(schema), how="left", maintain_order="left")


def _earlier_sentence() -> pl.Expr:
    """What an unresolved_address item of an earlier version says (``_one_per_question``): 'an earlier version of this
    record (its <date> extract); its newest version (its <date> extract) has another address: <address>, <in ward
    <w> | still without a ward>: place this address (where the record was then) or dismiss it'."""
    return pl.concat_str(
        pl.lit("an earlier version of this record (its "),
        pl.col("extract_date").cast(pl.String),
        pl.lit(" extract); its newest version (its "),
        pl.col("_n_date").cast(pl.String),
        pl.lit(" extract) has another address: "),
        pl.col("_n_address").fill_null("(none)"),
        pl.when(pl.col("_n_ward").is_not_null())
        .then(pl.lit(", in ward ") + pl.col("_n_ward"))
        .otherwise(pl.lit(", still without a ward")),
        pl.lit(": place this address (where the record was then) or dismiss it"),
    )


def _questions_published(kind: str, previous_keys: pl.DataFrame | None) -> pl.DataFrame:
    """item_id, _asked_before: the question each item of ``kind`` was last published with (review.item_keys; none for
    an item published before question_key was kept)."""
    schema = {"item_id": pl.String, "_asked_before": pl.String}
    if previous_keys is None or not previous_keys.height:
        return pl.DataFrame(schema=schema)
    keys = REVIEW_ITEM_KEYS.with_absent(previous_keys)
    return (
        keys.filter((pl.col("kind") == kind) & pl.col("question_key").is_not_null())
        .select("item_id", pl.col("question_key").alias("_asked_before"))
        .unique("item_id", keep="last")
    )


def _ids_of_questions(
    every: pl.DataFrame, kind: str, previous_keys: pl.DataFrame | None, decisions: pl.DataFrame | None
) -> pl.DataFrame:
    """question_key, _before: the item id each question was published under (``_one_per_question``)."""
    schema = {"question_key": pl.String, "_before": pl.String}
    if previous_keys is None or not previous_keys.height:
        return pl.DataFrame(schema=schema)
    keys = REVIEW_ITEM_KEYS.with_absent(previous_keys).filter(pl.col("kind") == kind)
    kept = keys.filter(pl.col("question_key").is_not_null()).select("item_id", "question_key", "first_seen")
    # published before question_key was kept: the question its record asks now, while the record is staged
    older = (
        keys.filter(pl.col("question_key").is_null())
        .select("item_id", "registry", "record_key", "first_seen")
        .join(every.select("registry", "record_key", "question_key"), on=["registry", "record_key"])
        .select("item_id", "question_key", "first_seen")
    )
    found = pl.concat([kept, older])
    decided = pl.DataFrame(schema={"item_id": pl.String, "_closed": pl.Boolean, "_on": pl.Date})
    if decisions is not None and decisions.height:
        decided = decisions.select(
            "item_id", (pl.col("state") == "closed").alias("_closed"), pl.col("decided_on").alias("_on")
        )
    return (
        found.join(decided, on="item_id", how="left")
        .sort(
            ["_closed", "_on", "first_seen", "item_id"],
            descending=[True, True, False, False],
            nulls_last=True,
        )
        .unique("question_key", keep="first")
        .select("question_key", pl.col("item_id").alias("_before"))
    )


def _source_row(registry: str) -> list:
    """The columns naming an item's source row: registry, record key, file and key in the file."""
    return [pl.lit(registry).alias("registry"), "record_key", "source_file", "source_key"]


def split_groups(staged: dict[str, pl.DataFrame], split_evidence: pl.DataFrame | None) -> pl.DataFrame:
    """Every record still split_review: registry, record_key, old_uid, address, candidates, and the open named
    split item it belongs to (name_kind, name_key; null when none: it goes to its old unit + registry item).

    A record goes to a named item when its address carries a street / hamlet / quarter (the split-evidence
    step's ``extract_names``) whose resolved.split_evidence entry is thin, conflicting or rejected; with
    several such names, the first by kind and key.
    """
    rows = pl.concat(
        [
            frame.filter(pl.col("ward_status") == "split_review").select(
                pl.lit(registry).alias("registry"),
                "record_key",
                "old_uid",
                "address",
                pl.col("ward_candidates").fill_null([]).alias("candidates"),
            )
            for registry, frame in staged.items()
        ]
    )
    unnamed = rows.with_columns(pl.lit(None, pl.String).alias("name_kind"), pl.lit(None, pl.String).alias("name_key"))
    if split_evidence is None or split_evidence.height == 0 or rows.height == 0:
        return unnamed
    try:
        from pipelines.entities.placement import extract_names  # the split-evidence step's reading of names
    except ImportError:  # pragma: no cover - without the split-evidence step: old unit + registry only
        return unnamed
    open_names = split_evidence.filter(pl.col("state").is_in(SPLIT_OPEN_STATES)).select(
        "old_uid", pl.col("kind").alias("name_kind"), "name_key"
    )
    names = extract_names(rows["address"]).select("address", pl.col("kind").alias("name_kind"), "name_key")
    named = (
        rows.select("registry", "record_key", "old_uid", "address")
        .join(names, on="address")
        .join(open_names, on=["old_uid", "name_kind", "name_key"], how="semi")
        .sort("registry", "record_key", "name_kind", "name_key")
        .unique(["registry", "record_key"], keep="first", maintain_order=True)
        .select("registry", "record_key", "name_kind", "name_key")
    )
    return rows.join(named, on=["registry", "record_key"], how="left", maintain_order="left")


def _split_by_old_unit(groups: pl.DataFrame) -> pl.DataFrame:
    frame = (
        groups.filter(pl.col("name_key").is_null())
        .group_by("old_uid", "registry")
        .agg(
            pl.len().cast(pl.UInt32).alias("records_blocked"),
            pl.col("candidates").first(),
            pl.col("address")
            .drop_nulls()
            .unique(maintain_order=True)
            .head(5)
            .str.join(" | ")
            .alias("example_addresses"),
        )
        .sort("old_uid", "registry")
    )
    frame = _common(frame, "split_unit", ["old_uid", "registry"])
    return frame.with_columns(
        pl.lit(None, pl.String).alias("new_uid"),
        pl.concat_str(
            pl.lit("split old unit "),
            pl.col("old_uid"),
            pl.lit(": "),
            pl.col("records_blocked").cast(pl.String),
            pl.lit(" "),
            pl.col("registry"),
            pl.lit(" records wait for a ward"),
        ).alias("summary"),
    )


def _split_by_name(groups: pl.DataFrame, evidence: pl.DataFrame | None) -> pl.DataFrame | None:
    named = groups.filter(pl.col("name_key").is_not_null())
    if evidence is None or named.height == 0:
        return None
    shown = evidence.select(
        "old_uid",
        pl.col("kind").alias("name_kind"),
        "name_key",
        "name",
        "state",
        "proposed_new_uid",
        "support",
        "conflicting",
        pl.col("candidates").alias("evidence_wards"),
    )
    frame = (
        named.group_by("old_uid", "name_kind", "name_key")
        .agg(
            pl.len().cast(pl.UInt32).alias("records_blocked"),
            pl.col("candidates").first(),
            pl.col("registry").unique().sort().str.join(", ").alias("registries"),
            pl.col("address")
            .drop_nulls()
            .unique(maintain_order=True)
            .head(5)
            .str.join(" | ")
            .alias("example_addresses"),
        )
        .join(shown, on=["old_uid", "name_kind", "name_key"], how="left")
        .sort("old_uid", "name_kind", "name_key")
    )
    frame = _common(frame, "split_unit", ["old_uid", "name_kind", "name_key"])
    return frame.with_columns(
        pl.lit(None, pl.String).alias("new_uid"),
        pl.concat_str(
            pl.col("name_kind"),
            pl.lit(" in split old unit "),
            pl.col("old_uid"),
            pl.lit(": evidence "),
            pl.col("state"),
        ).alias("summary"),
    )


def _newest_versions(inputs: ReviewInputs) -> dict[str, pl.DataFrame]:
    """The staged records but the earlier versions of a source record sent again in a newer extract: an item counts
    (and shows) each source record once, not once per extract."""
    out = {}
    for registry, staged in inputs.staged.items():
        earlier = inputs.earlier_versions.get(registry)
        out[registry] = (
            staged
            if earlier is None or not len(earlier)
            else staged.filter(~pl.col("record_key").is_in(earlier.implode()))
        )
    return out


def split_unit(inputs: ReviewInputs) -> pl.DataFrame:
    # records_blocked counts source records (placements() still places every version: it reads split_groups whole)
    groups = split_groups(_newest_versions(inputs), inputs.split_evidence)
    by_unit = _split_by_old_unit(groups)
    by_name = _split_by_name(groups, inputs.split_evidence)
    return by_unit if by_name is None else pl.concat([by_unit, by_name], how="diagonal_relaxed")


# ID flags naming a repair the pipeline made, not a problem for a ward official: a leading zero a number cell dropped,
# put back, and an ID read from a label, Excel's apostrophe or fullwidth digits around it (standardise.check_personal_id). Still in the staged *_id_flags and issues, counted in StageResult.repairs;
# an ID whose flags are all repairs is not queued, and the item of one with problems lists the problems only.
ID_REPAIRS = ("leading_zero_restored", "form_normalised")  # the second: an ID read from 'CCCD: 079...', "'079..."


def _id_problems(flags: pl.Expr) -> pl.Expr:
    """The ``'; '``-joined ID flags without the repairs (:data:`ID_REPAIRS`); null when none is left."""
    kept = flags.str.split("; ").list.filter(~pl.element().is_in(ID_REPAIRS)).list.join("; ")
    return pl.when(kept != "").then(kept)


def invalid_id(
    inputs: ReviewInputs,
    previous_keys: pl.DataFrame | None = None,
    decisions: pl.DataFrame | None = None,
    audit: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One item per source record whose newest version has an ID problem (not one per extract), and per question
    (the flagged fields, their problems and values): the item keeps its id while newer extracts bring the same values
    (``_one_per_question``), so an official's accept or fixed_at_source stands; a changed value is a new item."""
    frames = []
    for registry, staged in inputs.staged.items():
        for column, flag in ID_CHECKS[registry]:
            rows = staged.with_columns(_id_problems(flag).alias("_flag")).filter(pl.col("_flag").is_not_null())
            frames.append(
                rows.select(
                    *_source_row(registry),
                    pl.col(NAME_COLUMN[registry]).alias("name"),
                    pl.lit(column).alias("field"),
                    pl.col("_flag").alias("flags"),
                    pl.col(column).cast(pl.String).alias("value"),
                    "new_uid",
                    pl.col("ward_candidates").fill_null([]).alias("candidates"),
                    *_version_columns(rows),
                )
            )
    frame = _fields_per_record(
        pl.concat(frames), pl.concat_str("field", pl.lit(": "), "flags"), pl.col("value").str.join("; ")
    )
    frame = _one_per_question(frame, "invalid_id", inputs, previous_keys, decisions, audit)
    if "flags" in frame.columns:  # the codes in the officials' words (the question asked about the codes)
        frame = frame.with_columns(flag_text(pl.col("flags"), ID_FLAG_WORDING))
    return _single_record(
        frame, pl.concat_str(pl.lit("invalid or conflicting "), pl.col("fields"), pl.lit(" in "), pl.col("registry"))
    )


# an `issues` note on a field that is no unreadable value: nothing written ('missing', an Excel error read as empty:
# pipelines.ingest.stage EXCEL_ERROR_WHY), or a date read in the other day/month order (read, not a problem)
_NOT_UNREADABLE = r"^(missing$|an Excel error|read (day|month)-first)"


def unreadable_fields(registry: str) -> tuple[str, ...]:
    """The staged fields of ``registry`` whose unreadable value is flagged (``on_invalid`` 'flag' in
    pipelines/schema.py) and that no other kind asks about (the ID fields are ``invalid_id``'s, :data:`ID_CHECKS`):
    population date_of_birth, sex, phone, registered_on; households members, registered_on; businesses
    registered_on."""
    ids = {column for column, _ in ID_CHECKS.get(registry, ())}
    return tuple(f.name for f in STAGED_FIELDS.get(registry, ()) if f.on_invalid == "flag" and f.name not in ids)


def unreadable_problem(field: str) -> pl.Expr:
    """The staged row's ``issues`` note on ``field`` when its value was written but could not be read ('date_of_birth:
    unreadable (impossible date)', 'phone: not a phone number (wrong length)'); null otherwise (no note, or 'missing')."""
    notes = (
        pl.col("issues")
        .str.extract_all(rf"(?:^|; ){field}: [^;]+")
        .list.eval(pl.element().str.strip_prefix("; "))
        .list.eval(pl.element().filter(~pl.element().str.strip_prefix(f"{field}: ").str.contains(_NOT_UNREADABLE)))
    )
    return notes.list.first()


def unreadable_rows(registry: str, staged: pl.DataFrame) -> pl.Series:
    """The record keys of ``staged`` with an unreadable value of :func:`unreadable_fields` (the raw values an
    ``unreadable_value`` item shows are read for these only)."""
    fields = unreadable_fields(registry)
    if not fields or "issues" not in staged.columns:
        return pl.Series("record_key", [], dtype=pl.String)
    hit = pl.any_horizontal(unreadable_problem(f).is_not_null() for f in fields)
    return staged.filter(pl.col("issues").is_not_null()).filter(hit)["record_key"]


_UNREADABLE_ROW = {
    **dict.fromkeys(
        ("registry", "record_key", "source_file", "source_key", "name", "field", "flags", "value"), pl.String
    ),
    "new_uid": pl.String,
    "candidates": pl.List(pl.String),
    "source_id": pl.String,
    "extract_date": pl.Date,
}


def unreadable_value(
    inputs: ReviewInputs,
    previous_keys: pl.DataFrame | None = None,
    decisions: pl.DataFrame | None = None,
    audit: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One item per source record whose newest version has a value written that staging could not read (a birth
    date, sex, phone, members count or registration date: :func:`unreadable_fields`; flagged in ``issues``, the staged
    value empty), and per question (the fields and their values as the source wrote them, from the raw layer): the
    item keeps its id while newer extracts bring the same values (``_one_per_question``), so an official's
    fixed_at_source or dismiss stands; a changed value is a new item. A missing value (nothing written) is not asked."""
    frames = []
    for registry, staged in inputs.staged.items():
        fields = unreadable_fields(registry)
        if not fields or "issues" not in staged.columns:
            continue
        flagged = staged.filter(pl.col("issues").is_not_null())
        raw = inputs.raw_values.get(registry)
        for column in fields:
            rows = flagged.with_columns(unreadable_problem(column).alias("_flag")).filter(pl.col("_flag").is_not_null())
            written = (
                raw.select("record_key", pl.col(column).cast(pl.String).alias("value"))
                if raw is not None and column in raw.columns
                else pl.DataFrame(schema={"record_key": pl.String, "value": pl.String})
            )
            rows = rows.join(written, on="record_key", how="left", maintain_order="left")
            name = NAME_COLUMN[registry]
            frames.append(
                rows.select(
                    *_source_row(registry),
                    (pl.col(name) if name in rows.columns else pl.lit(None, pl.String)).alias("name"),
                    pl.lit(column).alias("field"),
                    pl.col("_flag").alias("flags"),
                    "value",
                    "new_uid",
                    pl.col("ward_candidates").fill_null([]).alias("candidates"),
                    *_version_columns(rows),
                )
            )
    if not frames:  # no registry with such fields or issues: no item (typed, as another kind's empty queue)
        frames.append(pl.DataFrame(schema=_UNREADABLE_ROW))
    frame = _fields_per_record(pl.concat(frames), pl.col("flags"), pl.col("value").fill_null("").str.join("; "))
    frame = _one_per_question(frame, "unreadable_value", inputs, previous_keys, decisions, audit)
    return _single_record(
        frame, pl.concat_str(pl.lit("unreadable "), pl.col("fields"), pl.lit(" in "), pl.col("registry"))
    )


def _fields_per_record(rows: pl.DataFrame, flag: pl.Expr, values: pl.Expr) -> pl.DataFrame:
    """A field-per-row frame (invalid_id, unreadable_value) as one row per record: its fields, their ``flag``s and
    ``values`` (an aggregation over the record's rows) each ``'; '``-joined, in the rows' order."""
    return rows.group_by("registry", "record_key", maintain_order=True).agg(
        *[pl.col(c).first() for c in ("source_file", "source_key", "name", "new_uid", "candidates", *_VERSION_COLUMNS)],
        pl.col("field").str.join("; ").alias("fields"),
        flag.str.join("; ").alias("flags"),
        values.alias("values"),
    )


def _single_record(frame: pl.DataFrame, summary: pl.Expr) -> pl.DataFrame:
    """Items that block their one record: candidate wards only where the record has no ward. A question asked again
    after a 'fixed_at_source' (``_refixed``) says so after the summary."""
    for note in ("_refixed", "_earlier"):
        if note in frame.columns:
            summary = pl.concat_str(summary, pl.lit("; ") + pl.col(note), ignore_nulls=True)
    return frame.with_columns(
        pl.when(pl.col("new_uid").is_not_null())
        .then(pl.lit([], pl.List(pl.String)))
        .otherwise(pl.col("candidates"))
        .alias("candidates"),
        pl.lit(1, pl.UInt32).alias("records_blocked"),
        summary.alias("summary"),
    ).drop("_refixed", "_earlier", strict=False)


def quarantined_row(inputs: ReviewInputs) -> pl.DataFrame:
    frames = []
    for registry, rows in inputs.quarantine.items():
        repairable = rows.filter(FOR_OFFICIALS)
        frames.append(
            repairable.select(
                *_source_row(registry),
                "field",
                "reason",
                "raw_values",
                "new_uid",
                pl.col("candidates").fill_null([]),
            )
        )
    frame = _common(pl.concat(frames), "quarantined_row", ["registry", "record_key"])
    return _single_record(
        frame, pl.concat_str(pl.lit("quarantined "), pl.col("registry"), pl.lit(" row, field "), pl.col("field"))
    )


def shown_date_columns(kind: str) -> dict[str, str | None]:
    """The date columns of an entity kind's review queue (typed dates among its spec's ``show`` columns), each with
    the staged column holding its precision (the spec's [[dates]] ``precision``: day / month / year) or None: as the
    review table declares them (``schema.review_dates``)."""
    from pipelines.schema import review_dates

    return review_dates(kind)


def date_as_known(date: pl.Expr, precision: pl.Expr | None) -> pl.Expr:
    """A date as text to the precision it is known: '2001' for a year-only date (staged as 1 January),
    '2001-03' for a month-only one, else the ISO date. What an official deciding a pair must see: a year-only
    date shown as 2001-01-01 looks like a birthday that disagrees with the other record's."""
    iso = date.cast(pl.String)
    if precision is None:
        return iso
    return (
        pl.when(precision == "year")
        .then(date.dt.strftime("%Y"))
        .when(precision == "month")
        .then(date.dt.strftime("%Y-%m"))
        .otherwise(iso)
    )


def _shown_sides(
    kind: str, dates: dict[str, str | None], staged: pl.DataFrame | None, raw: pl.DataFrame | None
) -> list:
    """Both records' shown columns as text, side by side; a date column (``dates``: ``shown_date_columns``) as known
    (``date_as_known``, its precision from the staged record) and followed by ``<side>_<column>_raw``, the text the
    source wrote (raw layer; null where the raw layer has no such column)."""
    out = []
    for c in ENTITY_REVIEW_COLUMNS[kind]:
        for s in ("left", "right"):
            value = pl.col(f"{s}_{c}")
            precision = dates.get(c)
            if c in dates and precision and staged is not None and precision in staged.columns:
                out.append(date_as_known(value, pl.col(f"_{s}_{precision}")).alias(f"{s}_{c}"))
            else:
                out.append(value.cast(pl.String))
        if c in dates:
            for s in ("left", "right"):
                written = raw is not None and c in raw.columns
                out.append((pl.col(f"_{s}_{c}_raw") if written else pl.lit(None, pl.String)).alias(f"{s}_{c}_raw"))
    return out


def _with_record_columns(
    review: pl.DataFrame, frame: pl.DataFrame | None, columns: list[str], suffix: str
) -> pl.DataFrame:
    """``review`` with ``_left_<column><suffix>`` / ``_right_<column><suffix>`` of each side's record from ``frame``
    (record_key + columns)."""
    columns = [c for c in columns if frame is not None and c in frame.columns]
    if not columns:
        return review
    values = frame.select("record_key", *columns).unique("record_key")
    for s in ("left", "right"):
        review = review.join(
            values.rename({"record_key": f"{s}_id", **{c: f"_{s}_{c}{suffix}" for c in columns}}),
            on=f"{s}_id",
            how="left",
            maintain_order="left",
        )
    return review


def _smaller_id_left(review: pl.DataFrame) -> pl.DataFrame:
    """The pairs with the smaller record key on the left (an item's key, whichever way the matcher wrote it), every
    ``left_*`` column swapped with its ``right_*`` one where the keys are swapped, so each record's values stay beside
    its own key (ids alone were swapped before: a swapped pair showed each record's values under the other's key)."""
    swap = pl.col("left_id") > pl.col("right_id")
    pairs = [(c, "right_" + c.removeprefix("left_")) for c in review.columns if c.startswith("left_")]
    pairs += [
        (f"_left_{c.removeprefix('_left_')}", f"_right_{c.removeprefix('_left_')}")
        for c in review.columns
        if c.startswith("_left_")
    ]
    pairs = [(a, b) for a, b in pairs if b in review.columns]
    return review.with_columns(
        *(pl.when(swap).then(pl.col(b)).otherwise(pl.col(a)).alias(a) for a, b in pairs),
        *(pl.when(swap).then(pl.col(a)).otherwise(pl.col(b)).alias(b) for a, b in pairs),
    )


def match_pair(inputs: ReviewInputs) -> pl.DataFrame:
    """The match_pair items (``match_pair_rows``' first part)."""
    return match_pair_rows(inputs)[0]


def match_pair_rows(inputs: ReviewInputs) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the match_pair items, every record pair of them): the items one row each (``entity_pair_items``: a pair of
    entities, keyed by its pair with the smallest keys), and the record pairs each item's decision labels, one row each
    under the item's id (``_entity_pairs``), which the ward files show."""
    frames = []
    for kind, review in inputs.review.items():
        registry = ENTITY_KINDS[kind]
        staged = inputs.staged[registry]
        wards = staged.select("record_key", "new_uid")
        show = ENTITY_REVIEW_COLUMNS[kind]
        dates = shown_date_columns(kind)
        review = _with_record_columns(review, staged, [p for p in dates.values() if p], "")
        raw = inputs.raw_dates.get(registry)
        review = _with_record_columns(review, raw, list(dates), "_raw")
        review = _smaller_id_left(review)
        sides = _shown_sides(kind, dates, staged, raw)
        frame = (
            review.select(
                pl.lit(kind).alias("entity_kind"),
                "left_id",
                "right_id",
                "match_probability",
                pl.col("decision").alias("matcher_decision"),
                "decision_reason",
                "evidence",
                pl.lit(", ".join(show)).alias("shown_fields"),
                *sides,
            )
            .join(wards.rename({"record_key": "left_id", "new_uid": "left_ward"}), on="left_id", how="left")
            .join(wards.rename({"record_key": "right_id", "new_uid": "right_ward"}), on="right_id", how="left")
        )
        frames.append(frame)
    frame = pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()
    frame = _common(frame, "match_pair", ["entity_kind", "left_id", "right_id"])
    frame, rows = _entity_pairs(_informative_first(frame), inputs.entity_of)
    # the item's ward: the one ward of all its records (every pair's, not its first pair's only: a decision changes
    # each of them), else each of their wards is a candidate and has the item in its files
    wards = (
        rows.select("item_id", pl.concat_list("left_ward", "right_ward").alias("_ward"))
        .explode("_ward")
        .drop_nulls("_ward")
        .group_by("item_id", maintain_order=True)
        .agg(pl.col("_ward").unique(maintain_order=True).alias("_wards"))
    )
    frame = frame.join(wards, on="item_id", how="left", maintain_order="left").with_columns(
        pl.col("_wards").fill_null(pl.lit([], pl.List(pl.String)))
    )
    one = pl.col("_wards").list.len() == 1
    items = frame.with_columns(
        pl.when(one).then(pl.col("_wards").list.first()).alias("new_uid"),
        pl.when(pl.col("_wards").list.len() > 1)
        .then(pl.col("_wards"))
        .otherwise(pl.lit([], pl.List(pl.String)))
        .alias("candidates"),
        pl.col("_records").cast(pl.UInt32).alias("records_blocked"),
        pl.when(pl.col("record_pairs") > 1)
        .then(
            pl.concat_str(
                pl.lit("uncertain "),
                pl.col("entity_kind"),
                pl.lit(" entities: "),
                pl.col("record_pairs").cast(pl.String),
                pl.lit(" record pairs (strongest "),
                pl.col("_strongest"),
                pl.lit(")"),
            )
        )
        .otherwise(
            pl.concat_str(
                pl.lit("uncertain "), pl.col("entity_kind"), pl.lit(" pair ("), pl.col("matcher_decision"), pl.lit(")")
            )
        )
        .alias("summary"),
    ).drop("_records", "_strongest", "_wards")
    return items, rows


PAIR_KEYS = ["entity_kind", "left_id", "right_id"]
# the columns of an item's record pairs (_entity_pairs) before their evidence, in the ward files' order
PAIR_ROW_FRONT = ["item_id", "pair_no", "record_pairs", "left_id", "right_id"]


def entity_pair_items(frame: pl.DataFrame, entity_of: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Match pairs (one row per record pair, smaller key left, with item_id) as review items: the pairs that join the
    same two different entities (``entity_of``: entity kind -> record_key, entity_id) are one question for a reviewer
    (are they one person?) and one item; a pair inside one entity is an item of its own (its entity may hold two
    people: a decision on one of its pairs is no decision on the others). The item is its pair with the smallest keys (left_id, right_id: its
    id and its columns are that pair's, so a lone pair keeps the id it always had); the others are listed in
    more_left_ids / more_right_ids (keys, so a decision on the item applies to each: ``decisions.match_labels``) and
    in ``other_pairs`` (evidence: 'left_id ~ right_id p=0.xxx decision'), ``record_pairs`` counts them all, and
    ``informativeness`` is its most informative pair's. ``_records``: the distinct records of the item; ``_strongest``:
    its pair of highest probability, 'p=0.xxx decision' (the shown pair, by its keys, may be a weaker one). A pair
    whose records' entities are not known is an item of its own. Every pair with its values: ``_entity_pairs``."""
    return _entity_pairs(frame, entity_of)[0]


def _entity_pairs(frame: pl.DataFrame, entity_of: dict[str, pl.DataFrame]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(entity_pair_items, and every record pair of ``frame`` under the id of the item it belongs to, with its own
    values: ``pair_no`` (1 = the item's strongest pair: highest probability, then smaller keys), ``record_pairs`` (the
    item's), then the pair's keys and evidence columns (PAIR_ROW_FRONT first): what a reviewer must see of an item, as
    its decision labels each of these pairs), grouped once."""
    if not frame.width:
        return frame, frame
    if not frame.height:
        items = frame.with_columns(
            pl.lit(None, pl.List(pl.String)).alias("more_left_ids"),
            pl.lit(None, pl.List(pl.String)).alias("more_right_ids"),
            pl.lit(None, pl.String).alias("other_pairs"),
            pl.lit(1, pl.UInt32).alias("record_pairs"),
            pl.lit(2, pl.UInt32).alias("_records"),
            pl.lit(None, pl.String).alias("_strongest"),
        )
        rows = frame.with_columns(pl.lit(1, pl.UInt32).alias("pair_no"), pl.lit(1, pl.UInt32).alias("record_pairs"))
        return items, _pair_row_order(rows)
    known = [f.select(pl.lit(k).alias("entity_kind"), "record_key", "entity_id") for k, f in entity_of.items()]
    ends = (
        pl.concat(known).unique(["entity_kind", "record_key"])
        if known
        else pl.DataFrame(schema={"entity_kind": pl.String, "record_key": pl.String, "entity_id": pl.String})
    )
    keyed = frame.join(
        ends.rename({"record_key": "left_id", "entity_id": "_le"}), on=["entity_kind", "left_id"], how="left"
    ).join(ends.rename({"record_key": "right_id", "entity_id": "_re"}), on=["entity_kind", "right_id"], how="left")
    # only pairs joining two different entities are grouped: the question is then one (are the two entities one
    # person?); pairs inside one entity stay an item each (a cluster of three may hold two people: a decision on one
    # of its pairs says nothing of the others): the matcher's rule, which counts the items (engine.items_between)
    from pipelines.match.engine import review_question

    question = review_question(pl.col("_le"), pl.col("_re"), pl.col("item_id"))
    keyed = keyed.with_columns(question.alias("_q")).sort("entity_kind", "_q", "left_id", "right_id")
    group = ["entity_kind", "_q"]
    rest = pl.int_range(pl.len()).over(group) > 0
    p_decision = pl.concat_str(
        pl.lit("p="), pl.col("match_probability").round(3).cast(pl.String), pl.lit(" "), "matcher_decision"
    )
    shown = pl.concat_str("left_id", pl.lit(" ~ "), "right_id", pl.lit(" "), p_decision)
    extra = keyed.group_by(group, maintain_order=True).agg(
        pl.col("left_id").filter(rest).alias("more_left_ids"),
        pl.col("right_id").filter(rest).alias("more_right_ids"),
        shown.filter(rest).str.join("; ").alias("other_pairs"),
        pl.len().cast(pl.UInt32).alias("record_pairs"),
        pl.col("left_id").append(pl.col("right_id")).n_unique().cast(pl.UInt32).alias("_records"),
        *([pl.col("informativeness").max().alias("_most")] if "informativeness" in keyed.columns else []),
        p_decision.sort_by("match_probability", descending=True, maintain_order=True).first().alias("_strongest"),
    )
    first = keyed.filter(~rest).join(extra, on=group, how="left", maintain_order="left")
    if "_most" in first.columns:
        first = first.with_columns(pl.col("_most").alias("informativeness")).drop("_most")
    items = first.with_columns(
        pl.when(pl.col("record_pairs") > 1).then(pl.col("other_pairs")).alias("other_pairs")
    ).drop("_le", "_re", "_q")
    # every pair under its item's id (the group's first pair's), strongest first
    rows = (
        keyed.with_columns(pl.col("item_id").first().over(group).alias("item_id"))
        .sort(
            [*group, "match_probability", "left_id", "right_id"],
            descending=[False, False, True, False, False],
            nulls_last=True,
        )
        .with_columns(
            pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).over(group).alias("pair_no"),
            pl.len().cast(pl.UInt32).over(group).alias("record_pairs"),
        )
        .drop("_le", "_re", "_q")
    )
    return items, _pair_row_order(rows)


def _pair_row_order(rows: pl.DataFrame) -> pl.DataFrame:
    """The record pairs' columns, PAIR_ROW_FRONT first (entity_kind and kind are the item's, not shown)."""
    hidden = (*PAIR_ROW_FRONT, "entity_kind", "kind")
    return rows.select(*PAIR_ROW_FRONT, *[c for c in rows.columns if c not in hidden])


def _informative_first(frame: pl.DataFrame) -> pl.DataFrame:
    """Match pairs with ``informativeness`` (bits) and ``informative_why``: an uncertain pair whose evidence
    pattern many other open pairs share teaches most (``pipelines.match.learning.rank_informative``, per
    entity kind); ``build_queues`` ranks match_pair items by it."""
    if not frame.width:
        return frame
    if not frame.height or "match_probability" not in frame.columns:
        return frame.with_columns(
            pl.lit(None, pl.Float64).alias("informativeness"), pl.lit(None, pl.String).alias("informative_why")
        )
    from pipelines.match.learning import rank_informative

    parts = [
        rank_informative(part.with_columns(pl.col("evidence").fill_null("")), tie=["item_id"]).with_columns(
            pl.col("informativeness").round(4)
        )
        for part in frame.partition_by("entity_kind", maintain_order=True)
    ]
    return pl.concat(parts, how="diagonal_relaxed")


BUILDERS = {
    "quarantined_row": quarantined_row,
    "unresolved_address": unresolved_address,
    "split_unit": split_unit,
    "invalid_id": invalid_id,
    "match_pair": match_pair,
    "unreadable_value": unreadable_value,
}
KEY_COLUMNS = [
    "registry",
    "record_key",
    "entity_kind",
    "left_id",
    "right_id",
    "more_left_ids",
    "more_right_ids",
    "old_uid",
    "name_kind",
    "name_key",
    "question_key",
]
LIST_KEYS = ("more_left_ids", "more_right_ids")
BASE = ["item_id", "kind", "new_uid", "candidates", "records_blocked", "summary"]


def _item_frame(kind: str, frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(common item columns, evidence columns) of one kind's frame."""
    for c in KEY_COLUMNS:
        if c not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.List(pl.String) if c in LIST_KEYS else pl.String).alias(c))
    evidence_columns = [
        c
        for c in frame.columns
        if c not in (*BASE, "kind", *[k for k in KEY_COLUMNS if k not in ("registry", "record_key", "old_uid")])
    ]
    evidence = _lists_to_text(frame.select("item_id", *evidence_columns))
    common = frame.select(*BASE, *KEY_COLUMNS).with_columns(
        _lists_to_text(frame.select(evidence_columns)).select(_json(evidence_columns).alias("evidence")).to_series()
    )
    return common, evidence


def unhonoured_matches(inputs: ReviewInputs, decisions: pl.DataFrame) -> pl.DataFrame:
    """item_id, _reopened (the new summary) of match_pair items closed as 'match' whose pair the matcher still
    refused (entities.<kind>_review decision 'refused', the records in different entities)."""
    frames = []
    for kind, review in inputs.review.items():
        if not review.height or "same_entity" not in review.columns:
            continue
        refused = review.filter((pl.col("decision") == "refused") & ~pl.col("same_entity").fill_null(False))
        swap = pl.col("left_id") > pl.col("right_id")
        keyed = refused.select(
            pl.lit(kind).alias("entity_kind"),
            pl.when(swap).then("right_id").otherwise("left_id").alias("left_id"),
            pl.when(swap).then("left_id").otherwise("right_id").alias("right_id"),
            pl.col("decision_reason"),
        )
        frames.append(keyed.with_columns(item_ids(keyed, "match_pair", PAIR_KEYS).alias("_pair_item")))
    if not frames:
        return pl.DataFrame(schema={"item_id": pl.String, "_reopened": pl.String})
    closed = decisions.filter((pl.col("state") == "closed") & (pl.col("decision") == "match"))
    refused = pl.concat(frames)
    # a refused pair that is an item itself, and (where the decisions carry their keys) a further pair of an item
    # (entity_pair_items), under the item's id
    found = [
        refused.join(closed.select(pl.col("item_id").alias("_pair_item")), on="_pair_item", how="semi").rename(
            {"_pair_item": "item_id"}
        )
    ]
    if {"kind", *PAIR_KEYS} <= set(decisions.columns):
        further = decided_pairs(closed, ("match",)).select(*PAIR_KEYS, "item_id")
        found.append(refused.drop("_pair_item").join(further, on=PAIR_KEYS))
    return (
        pl.concat(found, how="diagonal_relaxed")
        .select(
            "item_id",
            pl.concat_str(
                pl.lit("reopened: the 'match' decision was not applied, the matcher refused the link ("),
                pl.col("decision_reason").fill_null("no reason given"),
                pl.lit("); change a contradicting decision or decide again"),
            ).alias("_reopened"),
        )
        .unique("item_id", keep="first")
    )


def reviewers_apart(
    items: pl.DataFrame, rows: pl.DataFrame, entity_of: dict[str, pl.DataFrame], decisions: pl.DataFrame
) -> pl.DataFrame:
    """item_id, _apart (a sentence for the summary) of the match_pair items holding a record pair across two entities a
    reviewer judged different: a ``no_match`` item in effect has a record pair joining the same two entities
    (``entity_of`` holds the labelled records too: ``io.entity_of_pairs``). Such a pair is new to that decision (the
    decision's own pairs are vetoed, never queued): a new record linking to both sides, refused by the guard
    (``cluster.REVIEWERS_APART``), or a new uncertain pair. It is not settled by a decision that never saw it: it is
    queued, and the item names the decision(s) by id and date, so the official sees what keeps the two apart (and may
    change it by a later-dated decision). Ids and dates only, never a value."""
    schema = {"item_id": pl.String, "_apart": pl.String}
    if not rows.width or not rows.height or not entity_of:
        return pl.DataFrame(schema=schema)
    refused = rows.select("item_id", "left_id", "right_id")
    no_match = decided_pairs(decisions, ("no_match",)) if "state" in decisions.columns else None
    if not refused.height or no_match is None or not no_match.height:
        return pl.DataFrame(schema=schema)
    ends = pl.concat(
        [f.select(pl.lit(k).alias("entity_kind"), "record_key", "entity_id") for k, f in entity_of.items()]
    ).unique(["entity_kind", "record_key"])

    def entities(frame: pl.DataFrame) -> pl.DataFrame:
        for side in ("left", "right"):
            frame = frame.join(
                ends.rename({"record_key": f"{side}_id", "entity_id": f"_{side}_entity"}),
                on=["entity_kind", f"{side}_id"],
                how="inner",
            )
        sides = [pl.col("_left_entity"), pl.col("_right_entity")]
        return frame.with_columns(pl.min_horizontal(sides).alias("_e1"), pl.max_horizontal(sides).alias("_e2"))

    refused = entities(refused.join(items.select("item_id", "entity_kind"), on="item_id"))
    decided = entities(
        no_match.select(pl.col("item_id").alias("_decision"), "entity_kind", "left_id", "right_id", "decided_on")
    )
    found = refused.join(decided, on=["entity_kind", "_e1", "_e2"]).select(
        "item_id", pl.format("{} (no_match, {})", "_decision", pl.col("decided_on").cast(pl.String)).alias("_by")
    )
    return (
        found.unique()
        .sort("item_id", "_by")
        .group_by("item_id", maintain_order=True)
        .agg(
            pl.concat_str(
                pl.lit("a reviewer judged these two entities different: "),
                pl.col("_by").str.join(", "),
                pl.lit("; a record pair new to that decision: decide it, or change that decision by a later one"),
            ).alias("_apart")
        )
    )


def pairs_not_decided(rows: pl.DataFrame | None, decisions: pl.DataFrame) -> pl.DataFrame:
    """item_id, _undecided (a sentence for the summary) of the match_pair items closed by a decision that keeps the
    record pairs it decided (``decisions.keeps_pairs``; review.decisions decided_left_ids / decided_right_ids) and
    that hold, this run, a pair it did not decide (``rows``: every record pair of the items, ``match_pair_rows``): the item was published again and
    gained that pair under the same id. The decision labels its own pairs only (``decisions.decided_pairs``); the item
    stays open, its summary naming the new pairs by their number in the ward file (pair_no), the decision by kind and
    date. Numbers, decisions and dates only, never a value."""
    schema = {"item_id": pl.String, "_undecided": pl.String}
    decisions = REVIEW_DECISIONS_TABLE.with_absent(decisions)
    needed = {"state", "kind", "decision", "decided_on", "decided_left_ids"}
    if rows is None or not rows.height or not needed <= set(decisions.columns):
        return pl.DataFrame(schema=schema)
    kept = decisions.filter((pl.col("state") == "closed") & (pl.col("kind") == "match_pair") & keeps_pairs())
    if not kept.height:
        return pl.DataFrame(schema=schema)
    decided = (
        kept.select("item_id", pl.col("decided_left_ids").alias("_l"), pl.col("decided_right_ids").alias("_r"))
        .explode("_l", "_r")
        .select("item_id", pair_key(pl.col("_l"), pl.col("_r")).alias("_key"))
    )
    held = rows.join(kept.select("item_id"), on="item_id", how="semi").select(
        "item_id", "pair_no", "record_pairs", pair_key(pl.col("left_id"), pl.col("right_id")).alias("_key")
    )
    new = held.join(decided, on=["item_id", "_key"], how="anti")
    if not new.height:
        return pl.DataFrame(schema=schema)
    out = []
    when = dict(kept.select("item_id", pl.format("{}, {}", "decision", pl.col("decided_on").cast(pl.String))).rows())
    counts = dict(kept.select("item_id", pl.col("decided_left_ids").list.len()).rows())
    for (item,), group in new.sort("item_id", "pair_no").group_by("item_id", maintain_order=True):
        n, of = group.height, group["record_pairs"][0]
        out.append(
            {
                "item_id": item,
                "_undecided": f"reopened: {n} record pair{'s' if n > 1 else ''} joined this item after its decision "
                f"({when[item]}), which does not decide {'them' if n > 1 else 'it'} "
                f"({numbered('pair', group['pair_no'].to_list())} of {of}); decide the item again (until then the "
                f"decision labels the {counts[item]} pair{'s' if counts[item] != 1 else ''} it decided)",
            }
        )
    return pl.DataFrame(out, schema=schema)


def split_records_not_decided(items: pl.DataFrame, decisions: pl.DataFrame) -> pl.DataFrame:
    """item_id, _split_undecided (a sentence for the summary) of the split_unit items of (old unit, registry) closed by
    a 'place' that still hold records this run: records that came after the decision (a new extract), which it does
    not place (decisions.placements places the records its item held when it was first read, every version of them).
    The item opens again with its summary saying so; the decision still places the records it decided. Counts, the
    ward and the date only, never a value."""
    schema = {"item_id": pl.String, "_split_undecided": pl.String}
    if not {"state", "kind", "decision", "decided_on", "new_uid"} <= set(decisions.columns):
        return pl.DataFrame(schema=schema)
    placed = decisions.filter(
        (pl.col("state") == "closed") & (pl.col("kind") == "split_unit") & (pl.col("decision") == "place")
    ).select("item_id", "new_uid", "decided_on")
    held = items.filter(
        (pl.col("kind") == "split_unit") & pl.col("name_key").is_null() & (pl.col("records_blocked") > 0)
    ).select("item_id", "records_blocked", "registry")
    n = pl.col("records_blocked").cast(pl.String)
    plural = pl.col("records_blocked") > 1
    return (
        held.join(placed.rename({"new_uid": "_ward"}), on="item_id")
        .select(
            "item_id",
            pl.concat_str(
                pl.lit("reopened: "),
                n,
                pl.lit(" "),
                pl.col("registry"),
                pl.when(plural).then(pl.lit(" records")).otherwise(pl.lit(" record")),
                pl.lit(" came after its decision (place "),
                pl.col("_ward"),
                pl.lit(", "),
                pl.col("decided_on").cast(pl.String),
                pl.lit("), which does not place "),
                pl.when(plural).then(pl.lit("them")).otherwise(pl.lit("it")),
                pl.lit(
                    "; decide the item again (a new decision places every record of the item, those placed before "
                    "too; until then the decision places the records it decided)"
                ),
            ).alias("_split_undecided"),
        )
        .cast(schema)
    )


def build_queues(
    inputs: ReviewInputs,
    decisions: pl.DataFrame,
    previous_keys: pl.DataFrame | None,
    now: dt.datetime,
    rejects: pl.DataFrame | None = None,
    audit: pl.DataFrame | None = None,
) -> Queues:
    """Every kind's items; those closed by a decision are set aside; the rest ranked (urgent kinds first).
    ``rejects``: the audit's standing split rejects (decisions.standing_rejects), every declined ward out of its item's
    files (``_without_ruled_out_ward``). ``audit`` (review.decision_audit): where a 'fixed_at_source' a later extract
    contradicts was written, named by the question asked again."""
    commons, evidence, pair_rows, frame_of_pairs = _kind_frames(inputs, decisions, previous_keys, audit)
    declared = {**REVIEW_ITEM_KEYS.polars_schema, **REVIEW_QUEUE_ITEMS.polars_schema}  # question_key: item_keys only
    schema = {c: declared[c] for c in commons[0].columns}
    everything = pl.concat([c.cast(schema) for c in commons]).unique("item_id", keep="first", maintain_order=True)
    everything, closed_ids = _closed_and_noted(everything, inputs, decisions, pair_rows, frame_of_pairs)
    open_items = everything.join(closed_ids, on="item_id", how="anti")
    ranked = _ranked(open_items, evidence["match_pair"])
    ranked = _without_ruled_out_ward(ranked, decisions, rejects)
    keys = update_item_keys(previous_keys, everything, now)
    closed = keys.join(closed_ids, on="item_id", how="semi").select(
        "item_id", "kind", "new_uid", "candidates", "records_blocked", "name_key"
    )
    open_ids = ranked.select("item_id")
    return Queues(
        items=ranked,
        closed=closed,
        evidence={k: v.join(open_ids, on="item_id", how="semi") for k, v in evidence.items()},
        item_keys=keys,
        pair_rows=(
            _lists_to_text(pair_rows).join(open_ids, on="item_id", how="semi")
            if pair_rows is not None and "item_id" in pair_rows.columns
            else None
        ),
    )


def _kind_frames(
    inputs: ReviewInputs, decisions: pl.DataFrame, previous_keys: pl.DataFrame | None, audit: pl.DataFrame | None
) -> tuple[list[pl.DataFrame], dict[str, pl.DataFrame], pl.DataFrame | None, pl.DataFrame]:
    """Every kind's items (their common columns, in ``REVIEW_KINDS`` order), each kind's evidence, the match pairs'
    record pairs (None without pairs) and the match_pair items' frame."""
    commons, evidence = [], {}
    pair_rows, frame_of_pairs = None, pl.DataFrame()
    for kind in REVIEW_KINDS:
        if kind == "match_pair":
            frame, pair_rows = match_pair_rows(inputs)
            frame_of_pairs = frame
        elif kind in QUESTION_VALUES:  # one item per source record and question, its id kept across extracts
            frame = BUILDERS[kind](inputs, previous_keys, decisions, audit)
        else:
            frame = BUILDERS[kind](inputs)
        common, ev = _item_frame(kind, frame)
        commons.append(common)
        evidence[kind] = ev
    return commons, evidence, pair_rows, frame_of_pairs


def _closed_and_noted(
    everything: pl.DataFrame,
    inputs: ReviewInputs,
    decisions: pl.DataFrame,
    pair_rows: pl.DataFrame | None,
    frame_of_pairs: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(every item with the notes that reopen or explain it, the ids of the items a decision closes): a decision
    the matcher did not honour, or that did not decide records which came after it, leaves its item open."""
    # a 'reject' (not this ward: state 'open') informs the split-evidence step but leaves the item open until placed
    # or dismissed (also where an older review.decisions still says 'closed' of it)
    closed_ids = decisions.filter((pl.col("state") == "closed") & (pl.col("decision") != "reject")).select("item_id")
    # a 'match' the matcher did not honour (refused, records still apart) goes back to a person, with the reason
    unhonoured = unhonoured_matches(inputs, decisions)
    closed_ids = closed_ids.join(unhonoured, on="item_id", how="anti")
    everything = everything.join(unhonoured, on="item_id", how="left").with_columns(
        pl.coalesce("_reopened", "summary").alias("summary")
    )
    everything = everything.drop("_reopened")
    # an item of a record its source's newest extract no longer holds says so: the official need not chase it
    everything = _with_note(everything, not_in_newest_notes(everything, inputs), "_gone")
    # a closed item holding a record pair its decision did not decide (it joined the item later) goes back to a person
    undecided = pairs_not_decided(pair_rows, decisions)
    closed_ids = closed_ids.join(undecided, on="item_id", how="anti")
    everything = _with_note(everything, undecided, "_undecided")
    # a split_unit item of (old unit, registry) closed by a 'place' holding records that came after it goes back too
    split_undecided = split_records_not_decided(everything, decisions)
    closed_ids = closed_ids.join(split_undecided, on="item_id", how="anti")
    everything = _with_note(everything, split_undecided, "_split_undecided")
    # a pair the guard refused because a reviewer's no_match lies across its two sides says which decision
    if pair_rows is not None:
        apart = reviewers_apart(frame_of_pairs, pair_rows, inputs.entity_of, decisions)
        everything = _with_note(everything, apart, "_apart")
    return everything, closed_ids


def _ranked(open_items: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """The open items ranked: urgent kinds first; within a kind, items blocking more records first; match pairs (two
    records each, ``pairs`` their evidence) most informative first."""
    informative = pairs.select(
        "item_id",
        (pl.col("informativeness") if "informativeness" in pairs.columns else pl.lit(None, pl.Float64)).alias(
            "_informative"
        ),
    )
    return (
        open_items.with_columns(pl.col("kind").replace_strict(URGENCY, return_dtype=pl.UInt8).alias("urgency"))
        .join(informative, on="item_id", how="left")
        .sort(
            ["urgency", "records_blocked", "_informative", "item_id"],
            descending=[False, True, True, False],
            nulls_last=True,
        )
        .with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).alias("rank"))
        .select(REVIEW_QUEUE_ITEMS.columns)
    )


def not_in_newest_notes(items: pl.DataFrame, inputs: ReviewInputs) -> pl.DataFrame:
    """item_id, _gone: for each item holding a record missing from its source's newest extract (``inputs.
    not_in_newest``: deleted in the old system, or left out of a partial extract), the sentence saying so: 'this record
    is not in the newest extract of <source> (<its date>; last sent in its <date> extract): the old system may have
    deleted it ...', or '...: its key <key> holds other values there' when the newest extract has the key (the record
    changed, or the key went to another record); 'record <key> is ...' for a record of a match pair; several such
    records of an item, '; '-joined."""
    schema = {"item_id": pl.String, "_gone": pl.String}
    gone = inputs.not_in_newest
    if gone is None or not gone.height or not items.height:
        return pl.DataFrame(schema=schema)

    def records(column: str) -> pl.DataFrame:  # item_id, _record, _own (the item's own record, not a pair's)
        frame = items.select("item_id", pl.col(column).alias("_record"), pl.lit(column == "record_key").alias("_own"))
        return frame.explode("_record") if column in LIST_KEYS else frame  # more_*_ids: one row each

    held = pl.concat([records(c) for c in ("record_key", "left_id", "right_id", *LIST_KEYS) if c in items.columns])
    held = held.filter(pl.col("_record").is_not_null()).unique(
        ["item_id", "_record"], keep="first", maintain_order=True
    )
    hit = held.join(
        gone.select(pl.col("record_key").alias("_record"), "source_id", "last_extract_date"), on="_record"
    ).join(_newest_extracts(inputs.staged), on="source_id", how="left")
    if not hit.height:
        return pl.DataFrame(schema=schema)
    said = _with_key_reused(hit, inputs.staged).with_columns(_gone_sentence().alias("_gone"))
    return said.group_by("item_id", maintain_order=True).agg(pl.col("_gone").str.join("; ")).cast(schema)


def _with_key_reused(hit: pl.DataFrame, staged: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """``hit`` (_record, source_id, _newest) with _key (its source key) and _reused: whether the source's newest
    extract holds that key (with other values: the record changed there, or the key went to another record); else
    the key is not there at all (deleted in the old system, or left out of the extract)."""
    hit = hit.with_columns(pl.col("_record").str.splitn("#", 2).struct.field("field_1").alias("_key"))
    hit = hit.with_columns(
        pl.concat_str("source_id", pl.lit("@"), pl.col("_newest").cast(pl.String), pl.lit("#"), "_key").alias("_then")
    )
    asked = hit.select("_then").unique()
    present = [
        f.select(pl.col("record_key").alias("_then")).join(asked, on="_then", how="semi")
        for f in staged.values()
        if "record_key" in f.columns
    ]
    there = pl.concat(present)["_then"] if present else pl.Series("_then", [], pl.String)
    return hit.with_columns(pl.col("_then").is_in(there.implode()).fill_null(False).alias("_reused")).drop("_then")


def _gone_sentence() -> pl.Expr:
    """What an item says of one of its records missing from the newest extract (:func:`not_in_newest_notes`)."""
    reused = pl.col("_reused")
    last = pl.concat_str(pl.lit("last sent "), pl.when(reused).then(pl.lit("as here ")).otherwise(pl.lit("")))
    dates = pl.concat_str(
        pl.col("_newest").cast(pl.String),
        pl.concat_str(last, pl.lit("in its "), pl.col("last_extract_date").cast(pl.String), pl.lit(" extract")),
        separator="; ",
        ignore_nulls=True,
    )
    return pl.concat_str(
        pl.when("_own").then(pl.lit("this record")).otherwise(pl.concat_str(pl.lit("record "), "_record")),
        pl.lit(" is not in the newest extract of "),
        "source_id",
        pl.when(dates != "").then(pl.concat_str(pl.lit(" ("), dates, pl.lit(")"))).otherwise(pl.lit("")),
        pl.when(reused)
        .then(pl.concat_str(pl.lit(": its key "), "_key", pl.lit(" holds other values there")))
        .otherwise(pl.lit(": the old system may have deleted it (or the extract left it out)")),
        pl.lit("; check there before deciding"),
    )


def _newest_extracts(staged: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """source_id, _newest: the date of each source's newest staged extract."""
    dated = [
        f.select("source_id", "extract_date")
        for f in staged.values()
        if {"source_id", "extract_date"} <= set(f.columns)
    ]
    if not dated:
        return pl.DataFrame(schema={"source_id": pl.String, "_newest": pl.Date})
    return pl.concat(dated).group_by("source_id").agg(pl.col("extract_date").max().alias("_newest"))


def _with_note(items: pl.DataFrame, notes: pl.DataFrame, column: str) -> pl.DataFrame:
    """``items`` with the sentence ``notes[column]`` (item_id, column) appended to the summary of each item it names."""
    return (
        items.join(notes, on="item_id", how="left", maintain_order="left")
        .with_columns(
            pl.when(pl.col(column).is_not_null())
            .then(pl.concat_str("summary", pl.lit("; "), column))
            .otherwise(pl.col("summary"))
            .alias("summary")
        )
        .drop(column)
    )


def _without_ruled_out_ward(
    items: pl.DataFrame, decisions: pl.DataFrame, rejects: pl.DataFrame | None = None
) -> pl.DataFrame:
    """An open split item leaves the candidates of every ward an official ruled out (while another candidate
    remains), so that ward's officials do not get the street they declined again in their files; its summary names
    them. The wards ruled out: the one of a 'reject' in effect and, with ``rejects`` (item_id, new_uid: the audit's
    standing rejects, decisions.standing_rejects), every other candidate ward that declined it: before, a second
    ward's reject put the first one's street back in its files. When every candidate declined, all keep it (someone
    has to place it) and the summary names them all. The item's keys (review.item_keys) keep every candidate: a ward
    may still place it."""
    if "new_uid" not in decisions.columns or items.height == 0:
        return items
    ruled = decisions.filter(
        pl.col("state").is_in(["open", "closed"]) & (pl.col("decision") == "reject") & pl.col("new_uid").is_not_null()
    ).select("item_id", pl.col("new_uid").alias("_ruled_out"))
    if rejects is not None and rejects.height:
        standing = rejects.select("item_id", pl.col("new_uid").alias("_ruled_out")).cast(ruled.schema)
        ruled = pl.concat([ruled, standing]).drop_nulls().unique(maintain_order=True)
    hit = (
        items.select("item_id", "candidates")
        .join(ruled, on="item_id", how="inner")
        .filter(pl.col("candidates").list.contains(pl.col("_ruled_out")))
    )
    if hit.height == 0:
        return items
    names = hit.group_by("item_id", maintain_order=True).agg(
        pl.col("_ruled_out").unique().sort().str.join(", ").alias("_ruled")
    )
    kept = (
        hit.select("item_id", "candidates")
        .unique("item_id", maintain_order=True)
        .explode("candidates")
        .join(
            hit.select("item_id", "_ruled_out"),
            left_on=["item_id", "candidates"],
            right_on=["item_id", "_ruled_out"],
            how="anti",
        )
        .group_by("item_id", maintain_order=True)
        .agg(pl.col("candidates").alias("_kept"))
    )
    note = pl.concat_str(pl.col("summary"), pl.lit("; ruled out by an official: "), pl.col("_ruled"))
    return (
        items.join(names, on="item_id", how="left", maintain_order="left")
        .join(kept, on="item_id", how="left", maintain_order="left")
        .with_columns(
            pl.coalesce("_kept", "candidates").alias("candidates"),
            pl.when(pl.col("_ruled").is_not_null()).then(note).otherwise(pl.col("summary")).alias("summary"),
        )
        .select(items.columns)
    )


def update_item_keys(previous: pl.DataFrame | None, current: pl.DataFrame, now: dt.datetime) -> pl.DataFrame:
    """REVIEW_ITEM_KEYS: every item ever published; current items refresh their ward and records, keep first_seen."""
    stamp = pl.lit(now).cast(pl.Datetime("us", "UTC"))
    fresh = current.select([c for c in REVIEW_ITEM_KEYS.columns if c in current.columns]).with_columns(
        stamp.alias("first_seen"), stamp.alias("last_seen")
    )
    if previous is not None and previous.height:
        previous = REVIEW_ITEM_KEYS.cast(previous)  # (declared order; columns added since: null)
        first = previous.select("item_id", pl.col("first_seen").alias("_first"))
        fresh = (
            fresh.join(first, on="item_id", how="left")
            .with_columns(pl.coalesce("_first", "first_seen").alias("first_seen"))
            .drop("_first")
        )
        kept = previous.join(fresh.select("item_id"), on="item_id", how="anti")
        fresh = pl.concat([kept, REVIEW_ITEM_KEYS.cast(fresh)])
    # (REVIEW_ITEM_KEYS.cast: items of kinds with no question_key, or a queue frame without it, keep it null)
    return REVIEW_ITEM_KEYS.cast(fresh).sort("item_id")


def queue_summary(queues: Queues) -> pl.DataFrame:
    """REVIEW_QUEUE_SUMMARY: open/closed items and blocked records per ward (or candidate ward) and kind."""

    def per_ward(frame: pl.DataFrame) -> pl.DataFrame:
        counted = frame  # each record is in one item: records add up across items
        placed = counted.filter(pl.col("new_uid").is_not_null()).with_columns(pl.lit(False).alias("candidate"))
        cands = (
            counted.filter(pl.col("new_uid").is_null() & (pl.col("candidates").list.len() > 0))
            .explode("candidates")
            .with_columns(pl.col("candidates").alias("new_uid"), pl.lit(True).alias("candidate"))
        )
        nowhere = counted.filter(
            pl.col("new_uid").is_null() & (pl.col("candidates").fill_null([]).list.len() == 0)
        ).with_columns(pl.lit(False).alias("candidate"))
        cols = ["new_uid", "candidate", "kind", "records_blocked"]
        return (
            pl.concat([f.select(cols) for f in (placed, cands, nowhere)])
            .group_by("new_uid", "candidate", "kind")
            .agg(
                pl.len().cast(pl.UInt32).alias("items"),
                pl.col("records_blocked").sum().cast(pl.UInt32).alias("records_blocked"),
            )
        )

    opened = per_ward(queues.items).rename({"items": "open_items"})
    closed = per_ward(queues.closed.with_columns(pl.col("candidates").fill_null([]))).select(
        "new_uid", "candidate", "kind", pl.col("items").alias("closed_items")
    )
    summary = opened.join(closed, on=["new_uid", "candidate", "kind"], how="full", coalesce=True, nulls_equal=True)
    return (
        summary.with_columns(pl.col("open_items", "records_blocked", "closed_items").fill_null(0))
        .select(REVIEW_QUEUE_SUMMARY.columns)
        .cast(REVIEW_QUEUE_SUMMARY.polars_schema)
        .sort("new_uid", "kind", "candidate", nulls_last=True)
    )


def _pair_records(queues: Queues) -> pl.DataFrame | None:
    """kind 'match_pair', records_blocked: the distinct records of the open match pairs (a record in several pairs
    once), from item_keys; pairs without keys count their two records. None without item_keys."""
    if queues.item_keys is None:
        return None
    keys = REVIEW_ITEM_KEYS.with_absent(queues.item_keys)
    pairs = (
        queues.items.filter(pl.col("kind") == "match_pair")
        .select("item_id")
        .join(
            keys.select("item_id", "entity_kind", "left_id", "right_id", "more_left_ids", "more_right_ids"),
            on="item_id",
            how="left",
        )
    )
    keyed = pairs.filter(pl.col("left_id").is_not_null() & pl.col("right_id").is_not_null())
    ids = pl.concat(
        [keyed.select("entity_kind", pl.col(side).alias("record_id")) for side in ("left_id", "right_id")]
        + [  # an item's further pairs' records (entity_pair_items)
            keyed.select("entity_kind", pl.col(side).alias("record_id")).explode("record_id").drop_nulls()
            for side in ("more_left_ids", "more_right_ids")
        ]
    ).unique()
    return pl.DataFrame(
        {"kind": ["match_pair"], "_pair_records": [ids.height + 2 * (pairs.height - keyed.height)]},
        schema={"kind": pl.String, "_pair_records": pl.UInt32},
    )


def queue_totals(queues: Queues) -> pl.DataFrame:
    """REVIEW_QUEUE_TOTALS: per kind, open items, the records they block and closed items, each counted once city-wide
    (every kind listed, zeros included). A record in several open match pairs counts once (from item_keys; without
    them each pair counts its two records). Other kinds' items do not share records."""
    kinds = pl.DataFrame({"kind": list(REVIEW_KINDS)})
    opened = queues.items.group_by("kind").agg(
        pl.len().alias("open_items"), pl.col("records_blocked").sum().alias("records_blocked")
    )
    pair_records = _pair_records(queues)
    if pair_records is not None:
        opened = (
            opened.join(pair_records, on="kind", how="left")
            .with_columns(pl.coalesce("_pair_records", "records_blocked").alias("records_blocked"))
            .drop("_pair_records")
        )
    closed = queues.closed.group_by("kind").agg(pl.len().alias("closed_items"))
    pairs = queues.evidence.get("match_pair")
    held = (  # the record pairs of the open match_pair items (entity_pair_items: one or more per item)
        int(pairs["record_pairs"].sum())
        if pairs is not None and "record_pairs" in pairs.columns
        else int((queues.items["kind"] == "match_pair").sum())
    )
    return (
        kinds.join(opened, on="kind", how="left")
        .join(closed, on="kind", how="left")
        .with_columns(
            pl.col("open_items", "records_blocked", "closed_items").fill_null(0),
            pl.when(pl.col("kind") == "match_pair").then(pl.lit(held)).alias("open_record_pairs"),
        )
        .select(REVIEW_QUEUE_TOTALS.columns)
        .cast(REVIEW_QUEUE_TOTALS.polars_schema)
    )

"""Split old units placed from the registries' own evidence.

47 old units were split across two or three 2025 wards; an old-form address in one of them gets
``split_review`` at staging unless the gazetteer names its street. Records written since the reform
carry a street (or hamlet, quarter) *and* the 2025 ward. This module learns from them:

* names: the street of the first address segment (house number dropped) and any quarter (``khu phố``,
  ``KP``) or hamlet (``ấp``) segment, folded (``pipelines.text`` / the resolver's clean-up);
* evidence (a): a 2025-form record on street S in ward W counts for the old unit X when W is one of
  X's parts, S occurs in X's old-form records, and no other predecessor of W has S in its old-form
  records (then the record cannot tell which old unit's S it is: ignored);
* evidence (b): a 2025-form record whose household (``household_no``) has an old-form record in X on
  the same street, with W one of X's parts;
* per (old unit, kind, name): support (records for the best ward), conflicting (records for others);
  ``learned`` when support >= ``min_support`` and the conflicting records are at most
  ``max_conflict_share`` of the evidence (and at most ``max_conflicts``, when given); ``conflicting``,
  ``thin`` (too little support) and ``rejected`` go to officials; ``confirmed`` entries (officials,
  ``official=``) always win, and a rejected (old unit, kind, name, ward) is never proposed by learning;
* placements: a ``split_review`` record of X whose names have learned/confirmed entries that agree on
  one ward (confirmed ones alone when any) is placed there (``split_resolved``; ``official`` when placed by
  confirmed entries: the official's decision, not the data, placed it).

Everything runs as Polars expressions over distinct addresses and distinct (old unit, name) keys.
No dagster here: assets/placement.py publishes the tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from pipelines.reference import Reference, default_reference
from pipelines.resolve import clean_expr
from pipelines.schema import (
    OFFICIAL_STATUS,
    REGISTRY_KINDS,
    SCHEME_2025,
    SCHEME_PRE2025,
    SPLIT_EVIDENCE,
    SPLIT_EVIDENCE_STATES,
    SPLIT_NAME_KINDS,
    SPLIT_PLACEMENTS,
)
from pipelines.text import fold_expr

# Default thresholds: an entry is learned with at least MIN_SUPPORT 2025-form records for one ward and at most
# MAX_CONFLICT_SHARE of its evidence records for other wards (near-unanimous: registries carry clerks' slips,
# e.g. a duplicate registration in a neighbouring unit with the home street, while a street that really
# crosses two parts shows a large minority for the other part); MAX_CONFLICTS (absolute) is off by default.
# Strict unanimity: max_conflict_share=0 (or max_conflicts=0).
MIN_SUPPORT = 3
MAX_CONFLICT_SHARE = 0.10
MAX_CONFLICTS: int | None = None
SPLIT_SCHEMA = "resolved"  # warehouse schema of split_evidence and split_placements
OFFICIAL_COLUMNS = {
    "old_uid": pl.String,
    "kind": pl.String,
    "name_key": pl.String,
    "new_uid": pl.String,
    "verdict": pl.String,
    "reviewer": pl.String,
    "decided_on": pl.Date,
}
RECORD = ["registry", "record_key"]
NAME = ["old_uid", "kind", "name_key"]

# Address clean-up on the resolver's cleaned text (folded, separators kept).
_SEPARATORS = r"[;|()\[\]]| - "
# a quarter/hamlet/group segment glued to the street ("12 le loi khu pho 5 ..."): cut before it
_LOCALITY_GLUED = r" ((?:khu pho|kp|ap|to) ?[0-9])"
# no separator at all: the street ends where the ward marker starts (as the resolver reads it)
_WARD_GLUED = r"^([^,]*?[0-9a-z]) ((?:phuong|xa|thi tran|dac khu|p|f|x|tt|dk) [^,]*[a-z0-9].*)$"
_HOUSE = r"^(?:(?:so|sn|hem|ngo|ngach|kiet) )?(?:[0-9][0-9a-z]* ?)+(?: |$)"
_UNIT_START = (
    r"^(?:phuong|xa|thi tran|thi xa|dac khu|quan|huyen|thanh pho|tinh|tp|tx|tt|dk|p|f|x|q|h)(?: |[0-9]|$)|^[pfqhx][0-9]"
)
_QUARTER = r"^(?:khu pho|kp) ?([0-9]+[a-z]?)$"
_HAMLET = r"^ap ?([0-9a-z][0-9a-z ]*)$"
_GROUP = r"^to(?: dan pho)? ?[0-9]"


def extract_names(addresses: pl.Series) -> pl.DataFrame:
    """The street / quarter / hamlet names of each distinct address.

    Returns columns address, kind, name_key, name (display form) — zero or more rows per address.
    Only the first three segments are read (names stand left of the units). A street's display form is
    the spelling most of (up to 25 of) its addresses use, the house number dropped.
    """
    distinct = pl.DataFrame({"address": addresses.cast(pl.String)}).drop_nulls().unique()
    out = _named_segments(_name_segments(distinct))
    spelled = _street_spellings(out)
    return (
        out.join(spelled.with_columns(kind=pl.lit("street")), on=["kind", "name_key"], how="left")
        .with_columns(name=pl.coalesce("written", "name"))
        .drop("written")
    )


def _name_segments(distinct: pl.DataFrame) -> pl.DataFrame:
    """address, pos, seg, name: the first three comma-separated segments of each (cleaned) address that may be a
    name (the first, a street; any, a quarter or hamlet), ``name`` without the house number."""
    text = clean_expr(pl.col("address")).str.replace_all(_SEPARATORS, ",").str.replace_all(_LOCALITY_GLUED, ",$1")
    text = pl.when(text.str.contains(",")).then(text).otherwise(text.str.replace(_WARD_GLUED, "$1,$2"))
    segs = distinct.with_columns(segs=text.str.split(","))
    seg = pl.concat(
        [
            segs.select(
                "address", pl.lit(pos).alias("pos"), pl.col("segs").list.get(pos, null_on_oob=True).alias("seg")
            )
            for pos in range(3)
        ]
    ).filter(pl.col("seg").is_not_null())
    # the first segment may be a street; any of the three a quarter or hamlet
    seg = seg.with_columns(pl.col("seg").str.strip_chars()).filter(
        (pl.col("pos") == 0) | pl.col("seg").str.contains(r"^(?:khu pho|kp|ap) ?[0-9a-z]")
    )
    return seg.with_columns(name=pl.col("seg").str.replace(_HOUSE, "").str.strip_chars())


def _named_segments(seg: pl.DataFrame) -> pl.DataFrame:
    """address, kind (street, quarter, hamlet), name_key (folded, no spaces), name (display form): the segments
    that are a name, each once per address."""
    s = pl.col("name")
    quarter = s.str.extract(_QUARTER, 1)
    hamlet = s.str.extract(_HAMLET, 1)
    kind = (
        pl.when(quarter.is_not_null())
        .then(pl.lit("quarter"))
        .when(hamlet.is_not_null())
        .then(pl.lit("hamlet"))
        .when(
            (pl.col("pos") == 0)
            & s.str.contains(r"[a-z]")
            & ~s.str.contains(_UNIT_START)
            & ~s.str.contains(_GROUP)
            & (s.str.len_chars() >= 2)
        )
        .then(pl.lit("street"))
    )
    canonical = (
        pl.when(kind == "quarter")
        .then(pl.lit("khu pho ") + quarter)
        .when(kind == "hamlet")
        .then(pl.lit("ap ") + hamlet)
        .otherwise(s)
    )
    display = (
        pl.when(kind == "quarter")
        .then(pl.lit("Khu phố ") + quarter.str.to_uppercase())
        .when(kind == "hamlet")
        .then(pl.lit("Ấp ") + hamlet.str.to_titlecase())
        .otherwise(canonical.str.to_titlecase())
    )
    return (
        seg.with_columns(kind=kind, name_key=canonical.str.replace_all(" ", ""), name=display)
        .filter(pl.col("kind").is_not_null())
        .select("address", "kind", "name_key", "name")
        .unique(subset=["address", "kind", "name_key"], keep="first", maintain_order=True)
    )


def _street_spellings(out: pl.DataFrame) -> pl.DataFrame:
    """name_key, written: a street as the records write it, the first segment of the original text with the house
    number dropped, the spelling most of (up to 25 of) its addresses use (a tie: not all capitals, then by text)."""
    streets = out.filter(pl.col("kind") == "street").group_by("name_key").head(25)
    first = pl.col("address").str.normalize("NFC").str.replace_all(r"\s+", " ").str.split(",").list.first()
    written = first.str.strip_chars().str.replace(
        r"^(?i:(?:số|so|sn|hẻm|hem|ngõ|ngo|ngách|kiệt) )?(?:\d[\w/.-]* ?)+ ", ""
    )
    return (
        streets.with_columns(written=written)
        .filter(fold_expr(pl.col("written")) == pl.col("name_key"))
        .group_by("name_key", "written")
        .len()
        .with_columns(caps=pl.col("written") == pl.col("written").str.to_uppercase())  # a tie: not all capitals
        .sort(["name_key", "len", "caps", "written"], descending=[False, True, False, False])
        .group_by("name_key", maintain_order=True)
        .agg(pl.col("written").first())
    )


def staged_for_mining(staged: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """The columns mining needs from each registry's staged rows, one frame with a ``registry`` column."""
    frames = []
    for registry, frame in staged.items():
        if registry not in REGISTRY_KINDS:
            raise ValueError(f"staged: unknown registry '{registry}' (one of {REGISTRY_KINDS})")
        missing = [
            c for c in ("record_key", "address", "old_uid", "new_uid", "ward_status", "ward_scheme") if c not in frame
        ]
        if missing:
            raise ValueError(f"staged_{registry}: missing columns {missing}")
        household = pl.col("household_no") if "household_no" in frame.columns else pl.lit(None, dtype=pl.String)
        candidates = (
            pl.col("ward_candidates") if "ward_candidates" in frame.columns else pl.lit(None, dtype=pl.List(pl.String))
        )
        frames.append(
            frame.select(
                pl.lit(registry).alias("registry"),
                "record_key",
                "address",
                "old_uid",
                "new_uid",
                "ward_status",
                "ward_scheme",
                household.cast(pl.String).alias("household_no"),
                candidates.cast(pl.List(pl.String)).alias("ward_candidates"),
            )
        )
    schema = {
        "registry": pl.String,
        "record_key": pl.String,
        "address": pl.String,
        "old_uid": pl.String,
        "new_uid": pl.String,
        "ward_status": pl.String,
        "ward_scheme": pl.String,
        "household_no": pl.String,
        "ward_candidates": pl.List(pl.String),
    }
    return pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame(schema=schema)


def check_official(official: pl.DataFrame | None, crosswalk: pl.DataFrame) -> pl.DataFrame:
    """Officials' split decisions (the review contract's frame), validated; problems name row and field, no value."""
    if official is None:
        return pl.DataFrame(schema=OFFICIAL_COLUMNS)
    missing = [c for c in OFFICIAL_COLUMNS if c not in official.columns]
    if missing:
        raise ValueError(f"official split decisions: missing columns {missing}")
    frame = official.select(pl.col(c).cast(t) for c, t in OFFICIAL_COLUMNS.items()).with_row_index("_row", 1)
    parts = crosswalk.filter(pl.col("is_split")).select("old_uid", "new_uid")
    checks = [
        ("verdict", ~pl.col("verdict").is_in(["confirm", "reject"]).fill_null(False), "not confirm or reject"),
        ("kind", ~pl.col("kind").is_in(list(SPLIT_NAME_KINDS)).fill_null(False), "not street, hamlet or quarter"),
        ("name_key", pl.col("name_key").is_null() | (pl.col("name_key") == ""), "missing"),
        ("old_uid", ~pl.col("old_uid").is_in(parts["old_uid"].implode()).fill_null(False), "not a split old unit"),
        ("new_uid", (pl.col("verdict") == "confirm") & pl.col("new_uid").is_null(), "a confirmation needs a ward"),
        ("reviewer", pl.col("reviewer").is_null(), "missing"),
        ("decided_on", pl.col("decided_on").is_null(), "missing"),
    ]
    problems = []
    for field, bad, why in checks:
        rows = frame.filter(bad.fill_null(True))["_row"].to_list()
        if rows:
            problems.append(f"official split decisions row(s) {rows[:5]}: field {field}: {why}")
    not_part = frame.filter(pl.col("new_uid").is_not_null()).join(parts, on=["old_uid", "new_uid"], how="anti")
    if not_part.height:
        problems.append(
            f"official split decisions row(s) {not_part['_row'].to_list()[:5]}: field new_uid: "
            "not one of the old unit's parts"
        )
    if problems:
        raise ValueError("; ".join(problems))
    return frame.drop("_row")


@dataclass
class SplitEvidence:
    evidence: pl.DataFrame  # SPLIT_EVIDENCE
    placements: pl.DataFrame  # SPLIT_PLACEMENTS
    split_records: int  # old-form split_review records (all split old units)
    stats: dict[str, int]


def _new_form(rows: pl.DataFrame) -> pl.DataFrame:
    """Records read in the 2025 form, with their ward; a 2025-form reading the resolver could not finish because
    the ward name folds to several 2025 wards ('Thanh An' / 'Thạnh An') once per candidate ward (the name's
    old unit may decide between them)."""
    read = rows.filter(pl.col("ward_scheme") == SCHEME_2025, pl.col("new_uid").is_not_null()).select(
        *RECORD, "address", "household_no", pl.col("new_uid").alias("ward")
    )
    several = (
        rows.filter(
            pl.col("ward_status") == "unresolved",
            pl.col("ward_scheme").is_null(),
            pl.col("ward_candidates").list.len() >= 2,
        )
        .select(*RECORD, "address", "household_no", pl.col("ward_candidates").alias("ward"))
        .explode("ward")
    )
    return pl.concat([read, several])


def _evidence_votes(rows: pl.DataFrame, names: pl.DataFrame, crosswalk: pl.DataFrame) -> pl.DataFrame:
    """(old_uid, kind, name_key, new_uid, registry, record_key) for every 2025-form record that places a name:
    of the (ward, old unit) pairs its ward(s) and the name allow, exactly one, with the old unit split."""
    old = rows.filter(pl.col("ward_scheme") == SCHEME_PRE2025, pl.col("old_uid").is_not_null()).join(
        names, on="address"
    )
    new = _new_form(rows).join(names, on="address")
    seen_old = old.select(NAME).unique()
    parts = crosswalk.filter(pl.col("is_split")).select("old_uid", pl.col("new_uid").alias("ward"))
    predecessors = crosswalk.select("old_uid", pl.col("new_uid").alias("ward"))
    per_name = [*RECORD, "kind", "name_key"]
    # (a) the ward's predecessors whose old-form records have the name: exactly one, and split
    cand = (
        new.select(*per_name, "ward")
        .join(predecessors, on="ward")
        .join(seen_old, on=NAME, how="semi")
        .filter(pl.len().over(per_name) == 1)
    )
    a = cand.join(parts, on=["old_uid", "ward"], how="semi")
    # (b) the same household's old-form record in the old unit carries the name
    households = old.filter(pl.col("household_no").is_not_null()).select(*NAME, "household_no").unique()
    b = (
        new.filter(pl.col("household_no").is_not_null())
        .select(*per_name, "ward", "household_no")
        .join(households, on=["household_no", "kind", "name_key"])
        .join(parts, on=["old_uid", "ward"], how="semi")
        .unique(subset=[*per_name, "old_uid", "ward"])
        .filter(pl.len().over([*per_name, "old_uid"]) == 1)
    )
    cols = [*NAME, pl.col("ward").alias("new_uid"), *RECORD]
    return pl.concat([a.select(cols), b.select(cols)]).unique(subset=[*NAME, *RECORD])


def mine_split_evidence(
    staged: Mapping[str, pl.DataFrame] | pl.DataFrame,
    reference: Reference | None = None,
    *,
    official: pl.DataFrame | None = None,
    min_support: int = MIN_SUPPORT,
    max_conflict_share: float = MAX_CONFLICT_SHARE,
    max_conflicts: int | None = MAX_CONFLICTS,
) -> SplitEvidence:
    """Learn (old unit, kind, name) -> 2025 ward from all staged registries and place what it can.

    ``staged``: staged frames by registry (or ``staged_for_mining``'s frame); ``official``: the review
    contract's frame (old_uid, kind, name_key, new_uid, verdict, reviewer, decided_on) or None.
    """
    if min_support < 1 or not 0 <= max_conflict_share < 0.5 or (max_conflicts is not None and max_conflicts < 0):
        raise ValueError("min_support must be >= 1, max_conflict_share in [0, 0.5), max_conflicts >= 0 (or None)")
    reference = reference or default_reference()
    crosswalk = reference.crosswalk.select("old_uid", "new_uid", "is_split")
    official = check_official(official, crosswalk)
    rows = staged if isinstance(staged, pl.DataFrame) else staged_for_mining(staged)
    if "ward_candidates" not in rows.columns:
        rows = rows.with_columns(ward_candidates=pl.lit(None, dtype=pl.List(pl.String)))
    split_units = crosswalk.filter(pl.col("is_split"))["old_uid"].unique().implode()
    # the addresses worth reading: 2025-form records in a part of a split unit, old-form records of any
    # predecessor of such a part (to tell which old unit a name belongs to)
    split_parts = crosswalk.filter(pl.col("is_split"))["new_uid"].unique().implode()
    relevant_old = crosswalk.filter(pl.col("new_uid").is_in(split_parts))["old_uid"].unique().implode()
    rows = rows.filter(
        ((pl.col("ward_scheme") == SCHEME_2025) & pl.col("new_uid").is_in(split_parts))
        | ((pl.col("ward_scheme") == SCHEME_PRE2025) & pl.col("old_uid").is_in(relevant_old))
        | ((pl.col("ward_status") == "unresolved") & (pl.col("ward_candidates").list.len() >= 2))
    )
    names = extract_names(rows["address"])
    votes = _evidence_votes(rows, names, crosswalk)
    waiting = (
        rows.filter(pl.col("ward_status") == "split_review", pl.col("old_uid").is_in(split_units))
        .select(*RECORD, "old_uid", "address")
        .join(names, on="address")
        .drop("address")
    )
    display = pl.concat(
        [
            waiting.select(*NAME, "name"),
            rows.filter(pl.col("ward_scheme") == SCHEME_2025)
            .select("address")
            .join(names, on="address")
            .join(votes.select(*NAME).unique(), on=["kind", "name_key"])
            .select(*NAME, "name"),
        ]
    )
    display = display.group_by(*NAME, "name").len().sort([*NAME, "len", "name"], descending=[False] * 3 + [True, False])
    display = display.group_by(NAME, maintain_order=True).agg(pl.col("name").first())

    evidence = _decide(votes, waiting, display, official, min_support, max_conflict_share, max_conflicts)
    placements, used = _place(waiting, evidence)
    placed_per_name = used.group_by(NAME).agg(pl.len().alias("records_placed"))
    evidence = (
        evidence.join(placed_per_name, on=NAME, how="left")
        .with_columns(pl.col("records_placed").fill_null(0))
        .sort(NAME)
    )
    split_records = rows.filter(pl.col("ward_status") == "split_review", pl.col("old_uid").is_in(split_units)).height
    stats = {f"state/{s}": int((evidence["state"] == s).sum()) for s in SPLIT_EVIDENCE_STATES}
    stats |= {"records_split_review": split_records, "records_placed": placements.height, "votes": votes.height}
    return SplitEvidence(SPLIT_EVIDENCE.cast(evidence), SPLIT_PLACEMENTS.cast(placements), split_records, stats)


def _decide(
    votes: pl.DataFrame,
    waiting: pl.DataFrame,
    display: pl.DataFrame,
    official: pl.DataFrame,
    min_support: int,
    max_conflict_share: float,
    max_conflicts: int | None,
) -> pl.DataFrame:
    """One row per (old unit, kind, name): support, conflicts, candidates and state."""
    per_name = _votes_per_name(votes, official)
    waiting_n = waiting.group_by(NAME).agg(pl.len().cast(pl.UInt32).alias("records_waiting"))
    confirmed, rejected_by = _official_verdicts(official)
    keys = pl.concat([per_name.select(NAME), waiting_n.select(NAME), confirmed.select(NAME)]).unique()
    frame = (
        keys.join(per_name, on=NAME, how="left")
        .join(waiting_n, on=NAME, how="left")
        .join(confirmed, on=NAME, how="left")
        .join(rejected_by, on=NAME, how="left")
        .join(display, on=NAME, how="left")
        .with_columns(
            pl.col("support", "total", "records_waiting").fill_null(0),
            pl.col("best_rejected").fill_null(False),
        )
    )
    is_confirmed = pl.col("conf_uid").is_not_null()
    # against the confirmed ward, every other record conflicts
    conf_support = (
        votes.join(confirmed.select(*NAME, "conf_uid"), on=NAME)
        .filter(pl.col("new_uid") == pl.col("conf_uid"))
        .group_by(NAME)
        .agg(pl.len().cast(pl.UInt32).alias("conf_support"))
    )
    frame = frame.join(conf_support, on=NAME, how="left").with_columns(pl.col("conf_support").fill_null(0))
    support = pl.when(is_confirmed).then(pl.col("conf_support")).otherwise(pl.col("support"))
    conflicting = (pl.col("total") - support).cast(pl.UInt32)
    state = (
        pl.when(is_confirmed)
        .then(pl.lit("confirmed"))
        .when(pl.col("best_rejected"))
        .then(pl.lit("rejected"))
        .when(
            (conflicting.cast(pl.Float64) > max_conflict_share * pl.col("total"))
            | (conflicting > (max_conflicts if max_conflicts is not None else 2**31))
        )
        .then(pl.lit("conflicting"))
        .when(pl.col("support") >= min_support)
        .then(pl.lit("learned"))
        .otherwise(pl.lit("thin"))
    )
    return frame.with_columns(
        proposed_new_uid=pl.when(is_confirmed)
        .then(pl.col("conf_uid"))
        .when(pl.col("best_rejected"))
        .then(None)
        .otherwise(pl.col("best")),
        support=support.cast(pl.UInt32),
        conflicting=conflicting,
        state=state,
        name=pl.coalesce("name", pl.col("name_key")),
        reviewer=pl.when(is_confirmed)
        .then("reviewer")
        .otherwise(pl.when(pl.col("best_rejected")).then("rej_reviewer")),
        decided_on=pl.when(is_confirmed).then("decided_on").otherwise(pl.when(pl.col("best_rejected")).then("rej_on")),
    )


def _votes_per_name(votes: pl.DataFrame, official: pl.DataFrame) -> pl.DataFrame:
    """Per name: the ward most of its records vote for (best; ties by ward), whether officials rejected it, its
    support, the total and every candidate with its count."""
    counts = votes.group_by(*NAME, "new_uid").agg(pl.len().alias("n"))
    rejected = official.filter(pl.col("verdict") == "reject")
    # a rejected ward's records still count as conflicting evidence, but the ward is never proposed
    rejected_any = rejected.filter(pl.col("new_uid").is_null()).select(NAME).unique()
    rejected_ward = rejected.filter(pl.col("new_uid").is_not_null()).select(*NAME, "new_uid").unique()
    counts = counts.join(rejected_ward.with_columns(rej=pl.lit(True)), on=[*NAME, "new_uid"], how="left").with_columns(
        rej=pl.col("rej").fill_null(False)
    )
    counts = counts.join(rejected_any.with_columns(rej_any=pl.lit(True)), on=NAME, how="left").with_columns(
        rej=pl.col("rej") | pl.col("rej_any").fill_null(False)
    )
    ranked = counts.sort([*NAME, "n", "new_uid"], descending=[False, False, False, True, False])
    return ranked.group_by(NAME, maintain_order=True).agg(
        best=pl.col("new_uid").first(),
        best_rejected=pl.col("rej").first(),
        support=pl.col("n").first().cast(pl.UInt32),
        total=pl.col("n").sum().cast(pl.UInt32),
        candidates=pl.concat_str(pl.col("new_uid"), pl.lit(":"), pl.col("n").cast(pl.String)).str.join(";"),
    )


def _official_verdicts(official: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(per name, the ward officials confirmed last with its reviewer and date; per name, who rejected last and
    when)."""
    confirmed = (
        official.filter(pl.col("verdict") == "confirm")
        .sort("decided_on")
        .group_by(NAME)
        .agg(pl.col("new_uid").last().alias("conf_uid"), pl.col("reviewer").last(), pl.col("decided_on").last())
    )
    rejected_by = (
        official.filter(pl.col("verdict") == "reject")
        .sort("decided_on")
        .group_by(NAME)
        .agg(pl.col("reviewer").last().alias("rej_reviewer"), pl.col("decided_on").last().alias("rej_on"))
    )
    return confirmed, rejected_by


def _place(waiting: pl.DataFrame, evidence: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Placements of the waiting records, and the (record, name) pairs that placed them."""
    usable = evidence.filter(pl.col("state").is_in(["learned", "confirmed"])).select(
        *NAME, "name", "proposed_new_uid", "state", "support", "reviewer", "decided_on"
    )
    app = waiting.drop("name").join(usable, on=NAME)
    official = pl.col("state") == "confirmed"
    app = app.filter(official == official.max().over(RECORD))  # officials' entries alone when a record has any
    reason = (
        pl.when(official)
        .then(
            pl.format(
                "official: confirmed by {} on {}; {} {}",
                pl.col("reviewer"),
                pl.col("decided_on").cast(pl.String),
                pl.col("kind"),
                pl.col("name"),
            )
        )
        .otherwise(pl.format("learned: {} records; {} {}", pl.col("support"), pl.col("kind"), pl.col("name")))
    )
    app = app.with_columns(ward_reason=reason).sort(
        [*RECORD, "support", "kind", "name_key"], descending=[False, False, True, False, False]
    )
    agreed = app.filter(pl.col("proposed_new_uid").n_unique().over(RECORD) == 1)
    placements = (
        agreed.group_by(RECORD, maintain_order=True)
        .agg(
            pl.col("old_uid").first(),
            pl.col("proposed_new_uid").first().alias("new_uid"),
            pl.col("ward_reason").first(),
            official.first().alias("_official"),  # a record placed by officials' entries has those alone
        )
        .with_columns(
            ward_status=pl.when("_official").then(pl.lit(OFFICIAL_STATUS)).otherwise(pl.lit("split_resolved"))
        )
        .select(SPLIT_PLACEMENTS.columns)
    )
    return placements, agreed.select(*RECORD, *NAME)


def apply_split_placements(
    staged: pl.DataFrame,
    placements: pl.DataFrame,
    *,
    registry: str | None = None,
    statuses: tuple[str, ...] | None = ("split_review",),
) -> pl.DataFrame:
    """``staged`` rows with new_uid / ward_status / ward_reason replaced where placed: same columns, same rows.

    Only records whose ward_status is in ``statuses`` (default: still split_review; None: any) are placed, so
    a record re-staged since with another status keeps it. ``registry`` restricts the placements to that registry's
    (record keys are unique per registry); without it the placements must all be of one registry.
    """
    missing = [c for c in ("record_key", "new_uid", "ward_status", "ward_reason") if c not in staged.columns]
    if missing:
        raise ValueError(f"apply_split_placements: staged rows lack columns {missing}")
    missing = [c for c in SPLIT_PLACEMENTS.columns if c not in placements.columns]
    if missing:
        raise ValueError(f"apply_split_placements: placements lack columns {missing}")
    overlay = placements
    if registry is not None:
        overlay = overlay.filter(pl.col("registry") == registry)
    elif overlay["registry"].n_unique() > 1:
        raise ValueError("apply_split_placements: placements of several registries; name the registry")
    dupes = int(overlay.select(*RECORD).is_duplicated().sum())
    if dupes:
        raise ValueError(f"apply_split_placements: {dupes} placements repeat a (registry, record_key)")
    if overlay["new_uid"].null_count():
        raise ValueError("apply_split_placements: a placement without new_uid")
    overlay = overlay.select(
        "record_key",
        pl.col("new_uid").alias("_p_new"),
        pl.col("ward_status").alias("_p_status"),
        pl.col("ward_reason").alias("_p_reason"),
    )
    out = staged.join(overlay, on="record_key", how="left", maintain_order="left")
    hit = pl.col("_p_new").is_not_null()
    if statuses is not None:
        hit = hit & pl.col("ward_status").is_in(list(statuses))
    out = out.with_columns(
        new_uid=pl.when(hit).then("_p_new").otherwise("new_uid"),
        ward_status=pl.when(hit).then("_p_status").otherwise("ward_status"),
        ward_reason=pl.when(hit).then("_p_reason").otherwise("ward_reason"),
    ).select(staged.columns)
    if out.height != staged.height:
        raise AssertionError("apply_split_placements changed the number of rows")
    return out


def placement_summary(result: SplitEvidence) -> dict[str, float | int]:
    """Counts per state, records placed and the share of split_review records placed."""
    placed = result.placements.height
    return {
        **{k: v for k, v in result.stats.items() if k.startswith("state/")},
        "records_split_review": result.split_records,
        "records_placed": placed,
        "share_placed": round(placed / result.split_records, 4) if result.split_records else 0.0,
    }

"""Links between registries (plain Polars): lineages + staged tables --joins--> registry_links.

``build_links`` joins records of one registry to entities of another, record by record,
then collapses to one row per (from entity, to entity, link type):

* ``member_of``  people -> households: the population record's household book number is
  the book of a household entity; when several household entities carry the number, the
  one whose records lie in the same new (else old) ward.
* ``branch_of``  businesses -> businesses: a branch's tax code NNNNNNNNNN-NNN -> the business
  whose tax code is its first 10 digits.
* ``taxpayer_of`` taxpayers -> businesses: the tax record's code is a business's tax code,
  else its registration number (household businesses registered under the owner's
  personal ID), else -- for a personal ID -- the business of that owner with the same
  name (diacritics and case aside). ``tax_of_parent``: a branch code whose branch is not
  registered -> the parent by the first 10 digits.
* ``owned_by``  businesses -> people: the owner's personal ID (12 digits) or old CMND
  (9 digits) is the ID of a person entity's records.
* ``is_person``  taxpayers -> people: an individual filing under a 12-digit personal ID
  (from 1 July 2025, Circular 86/2024/TT-BTC).

A row that cannot be linked is counted with its reason (no key, no target, ambiguous
target) in ``LinkResult.report``: nothing is dropped silently. An ID that points to
several entities is linked to the one holding most records with it, and left unlinked as
ambiguous when that does not decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from pipelines.schema import REGISTRY_LINKS
from pipelines.text import fold_expr

# Each link_* function returns one row per source record: from_entity_id, to_entity_id (null when
# unlinked), evidence, reason (why unlinked; null when linked) [, link_type].


@dataclass(frozen=True)
class LinkSpec:
    link_type: str
    from_kind: str
    to_kind: str


LINKS = {
    "member_of": LinkSpec("member_of", "people", "households"),
    "branch_of": LinkSpec("branch_of", "businesses", "businesses"),
    "taxpayer_of": LinkSpec("taxpayer_of", "taxpayers", "businesses"),
    "owned_by": LinkSpec("owned_by", "businesses", "people"),
    "is_person": LinkSpec("is_person", "taxpayers", "people"),
}


@dataclass
class LinkResult:
    links: pl.DataFrame  # REGISTRY_LINKS rows
    report: dict[str, dict] = field(default_factory=dict)  # link -> {rows, linked, unlinked: {reason: n}}
    records: dict[str, pl.DataFrame] = field(
        default_factory=dict
    )  # link -> record-level candidates (for review and tests)

    @property
    def unlinked(self) -> int:
        return sum(sum(r["unlinked"].values()) for r in self.report.values())


def _with_entity(staged: pl.DataFrame, lineage: pl.DataFrame, alias: str = "from_entity_id") -> pl.DataFrame:
    return staged.join(
        lineage.select("record_key", pl.col("entity_id").alias(alias)),
        on="record_key",
        how="left",
        maintain_order="left",
    )


def _pick(
    rows: pl.DataFrame, key: str, index: pl.DataFrame, *, missing: str, absent: str, ambiguous: str
) -> pl.DataFrame:
    """For each row (row_nr, key, ...) the target entity of its key in index (key, to_entity_id, n).

    The entity holding most records with the key wins; a tie leaves the row unlinked as
    ambiguous. Returns row_nr, to_entity_id, reason.
    """
    ranked = (
        index.group_by(key, "to_entity_id")
        .agg(pl.col("n").sum())
        .sort([key, "n", "to_entity_id"], descending=[False, True, False])
        .with_columns(
            pl.col("n").rank("min", descending=True).over(key).alias("_rank"), pl.len().over(key).alias("_targets")
        )
        .filter(pl.col("_rank") == 1)
        .group_by(key)
        .agg(pl.col("to_entity_id").first(), pl.len().alias("_tied"), pl.col("_targets").first())
    )
    out = rows.select("_row", key).join(ranked, on=key, how="left", maintain_order="left")
    return out.select(
        "_row",
        pl.when(pl.col("_tied") == 1).then(pl.col("to_entity_id")).alias("to_entity_id"),
        pl.when(pl.col(key).is_null())
        .then(pl.lit(missing))
        .when(pl.col("to_entity_id").is_null())
        .then(pl.lit(absent))
        .when(pl.col("_tied") > 1)
        .then(pl.lit(ambiguous))
        .alias("reason"),
        pl.col("_targets"),
    )


def link_members(
    population: pl.DataFrame, people: pl.DataFrame, households: pl.DataFrame, household_lineage: pl.DataFrame
) -> pl.DataFrame:
    """member_of: population record's household book -> household entity (ward decides between several)."""
    rows = _with_entity(population, people).with_row_index("_row")
    hh = _with_entity(households, household_lineage, "to_entity_id")
    books = hh.group_by("household_no", "to_entity_id").agg(
        pl.len().alias("n"),
        pl.col("new_uid").drop_nulls().unique().alias("_new"),
        pl.col("old_uid").drop_nulls().unique().alias("_old"),
    )
    n_books = books.group_by("household_no").len("_entities")
    cand = (
        rows.select("_row", "household_no", "new_uid", "old_uid")
        .join(books, on="household_no", how="inner")
        .join(n_books, on="household_no")
    )
    # several household entities with this book number: keep those in the record's new ward, else its old ward
    cand = (
        cand.with_columns(
            pl.col("_new").list.contains(pl.col("new_uid")).fill_null(False).alias("_same_new"),
            pl.col("_old").list.contains(pl.col("old_uid")).fill_null(False).alias("_same_old"),
        )
        .with_columns(
            pl.col("_same_new").any().over("_row").alias("_any_new"),
            pl.col("_same_old").any().over("_row").alias("_any_old"),
        )
        .filter(
            (pl.col("_entities") == 1)
            | pl.col("_same_new")
            | (~pl.col("_any_new") & pl.col("_same_old"))
            | (~pl.col("_any_new") & ~pl.col("_any_old"))
        )
        .with_columns(pl.len().over("_row").alias("_left"))
    )
    chosen = cand.filter(pl.col("_left") == 1).select(
        "_row",
        "to_entity_id",
        pl.when(pl.col("_entities") == 1)
        .then(pl.format("household_no={}", "household_no"))
        .when(pl.col("_same_new"))
        .then(pl.format("household_no={} (in {} households); same new ward {}", "household_no", "_entities", "new_uid"))
        .otherwise(
            pl.format("household_no={} (in {} households); same old ward {}", "household_no", "_entities", "old_uid")
        )
        .alias("evidence"),
    )
    ambiguous = cand.filter(pl.col("_left") > 1).select("_row").unique()
    out = rows.select("_row", "from_entity_id", "household_no").join(
        chosen, on="_row", how="left", maintain_order="left"
    )
    out = out.join(ambiguous.with_columns(pl.lit(True).alias("_amb")), on="_row", how="left", maintain_order="left")
    return out.select(
        "from_entity_id",
        "to_entity_id",
        "evidence",
        pl.when(pl.col("household_no").is_null())
        .then(pl.lit("no household book number"))
        .when(pl.col("_amb").fill_null(False))
        .then(pl.lit("book number in several households, ward does not decide"))
        .when(pl.col("to_entity_id").is_null())
        .then(pl.lit("no household record with this book number"))
        .alias("reason"),
    )


def _business_keys(businesses: pl.DataFrame, business_lineage: pl.DataFrame) -> pl.DataFrame:
    return _with_entity(businesses, business_lineage, "to_entity_id")


def link_branches(businesses: pl.DataFrame, business_lineage: pl.DataFrame) -> pl.DataFrame:
    """branch_of: branch tax code NNNNNNNNNN-NNN -> the business whose tax code is its first 10 digits."""
    rows = (
        _with_entity(businesses, business_lineage)
        .filter(pl.col("tax_code_kind") == "branch")
        .with_row_index("_row")
        .with_columns(pl.col("tax_code").str.slice(0, 10).alias("parent_code"))
    )
    index = (
        _business_keys(businesses, business_lineage)
        .filter(pl.col("tax_code_kind") != "branch")
        .group_by(pl.col("tax_code").alias("parent_code"), "to_entity_id")
        .agg(pl.len().alias("n"))
    )
    picked = _pick(
        rows,
        "parent_code",
        index,
        missing="no tax code",
        absent="parent enterprise not registered",
        ambiguous="parent tax code in several businesses",
    )
    return rows.join(picked, on="_row", maintain_order="left").select(
        "from_entity_id",
        "to_entity_id",
        pl.when(pl.col("to_entity_id").is_not_null())
        .then(pl.format("branch tax_code={}; parent tax_code={}", "tax_code", "parent_code"))
        .alias("evidence"),
        "reason",
    )


def link_taxpayers(
    tax: pl.DataFrame, taxpayer_lineage: pl.DataFrame, businesses: pl.DataFrame, business_lineage: pl.DataFrame
) -> pl.DataFrame:
    """taxpayer_of / tax_of_parent: tax record's code -> business by tax code, registration number, owner + name, or branch root."""
    rows = (
        _with_entity(tax, taxpayer_lineage)
        .with_row_index("_row")
        .with_columns(
            pl.when(pl.col("tax_code_kind") == "personal_id")
            .then(pl.concat_str("taxpayer_code", fold_expr(pl.col("taxpayer_name")), separator="|"))
            .alias("owner_name"),
            pl.when(pl.col("tax_code_kind") == "branch").then(pl.col("taxpayer_code").str.slice(0, 10)).alias("root"),
        )
    )
    indexes = _taxpayer_indexes(_business_keys(businesses, business_lineage))
    out = rows.select("_row", "from_entity_id", "taxpayer_code", "tax_code_kind", "root")
    for step, (key, index) in indexes.items():
        picked = _pick(rows, key, index, missing="missing", absent="absent", ambiguous=_TAXPAYER_AMBIGUOUS[step])
        out = out.join(
            picked.select("_row", pl.col("to_entity_id").alias(f"_{step}"), pl.col("reason").alias(f"_{step}_reason")),
            on="_row",
            maintain_order="left",
        )
    found = pl.coalesce("_code", "_reg", "_owner", "_root")
    return out.select(
        "from_entity_id",
        found.alias("to_entity_id"),
        pl.when(pl.col("_root").is_not_null() & pl.coalesce("_code", "_reg", "_owner").is_null())
        .then(pl.lit("tax_of_parent"))
        .otherwise(pl.lit("taxpayer_of"))
        .alias("link_type"),
        pl.when(pl.col("_code").is_not_null())
        .then(pl.format("tax_code={}", "taxpayer_code"))
        .when(pl.col("_reg").is_not_null())
        .then(pl.format("registration_no={} ({})", "taxpayer_code", "tax_code_kind"))
        .when(pl.col("_owner").is_not_null())
        .then(pl.format("owner_personal_id={}; same business name", "taxpayer_code"))
        .when(pl.col("_root").is_not_null())
        .then(pl.format("branch tax_code={} not registered; parent tax_code={}", "taxpayer_code", "root"))
        .alias("evidence"),
        pl.when(found.is_null()).then(_taxpayer_unlinked_reason(indexes)).alias("reason"),
    )


# why a tax record's key is not linked by a step: several businesses hold it
_TAXPAYER_AMBIGUOUS = {
    "code": "tax code in several businesses",
    "reg": "registration number in several businesses",
    "owner": "owner has several businesses of this name",
    "root": "parent tax code in several businesses",
}


def _taxpayer_indexes(biz: pl.DataFrame) -> dict[str, tuple[str, pl.DataFrame]]:
    """step -> (the tax row's key, index of that key -> business entity), in the order the steps are tried: tax
    code, registration number, owner ID + business name, a branch's parent tax code."""
    return {
        "code": (
            "taxpayer_code",
            biz.group_by(pl.col("tax_code").alias("taxpayer_code"), "to_entity_id").agg(pl.len().alias("n")),
        ),
        "reg": (
            "taxpayer_code",
            biz.group_by(pl.col("registration_no").alias("taxpayer_code"), "to_entity_id").agg(pl.len().alias("n")),
        ),
        "owner": (
            "owner_name",
            biz.group_by(
                pl.concat_str("owner_personal_id", fold_expr(pl.col("business_name")), separator="|").alias(
                    "owner_name"
                ),
                "to_entity_id",
            ).agg(pl.len().alias("n")),
        ),
        "root": (
            "root",
            biz.filter(pl.col("tax_code_kind") != "branch")
            .group_by(pl.col("tax_code").alias("root"), "to_entity_id")
            .agg(pl.len().alias("n")),
        ),
    }


def _taxpayer_unlinked_reason(steps: dict) -> pl.Expr:
    """Why a tax record is linked to no business: no code, the first ambiguity met in the order of ``steps``, else
    what was not found."""
    reason = pl.when(pl.col("taxpayer_code").is_null()).then(pl.lit("no tax code"))
    for step in steps:  # the first ambiguity met explains why nothing was linked
        reason = reason.when(~pl.col(f"_{step}_reason").is_in(["missing", "absent"])).then(pl.col(f"_{step}_reason"))
    return (
        reason.when(pl.col("tax_code_kind") == "personal_id")
        .then(pl.lit("personal ID is no business's tax code, registration number or owner ID with this name"))
        .when(pl.col("tax_code_kind") == "branch")
        .then(pl.lit("neither the branch nor its parent is registered"))
        .otherwise(pl.lit("no business with this tax code"))
    )


def _person_index(population: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """ID (12-digit personal ID or 9-digit CMND) -> person entity, with the number of records carrying it."""
    rows = _with_entity(population, people, "to_entity_id")
    return (
        pl.concat(
            [
                rows.select(pl.col("personal_id").alias("id"), "to_entity_id"),
                rows.select(pl.col("old_id_number").alias("id"), "to_entity_id"),
            ]
        )
        .drop_nulls("id")
        .group_by("id", "to_entity_id")
        .agg(pl.len().alias("n"))
    )


def link_owners(
    businesses: pl.DataFrame, business_lineage: pl.DataFrame, population: pl.DataFrame, people: pl.DataFrame
) -> pl.DataFrame:
    """owned_by: owner's personal ID / CMND -> person entity."""
    rows = _with_entity(businesses, business_lineage).with_row_index("_row").rename({"owner_personal_id": "id"})
    picked = _pick(
        rows,
        "id",
        _person_index(population, people),
        missing="no owner ID",
        absent="no person with this ID in the population registry",
        ambiguous="ID in several people, none holds most of its records",
    )
    return rows.join(picked, on="_row", maintain_order="left").select(
        "from_entity_id",
        "to_entity_id",
        pl.when(pl.col("to_entity_id").is_not_null())
        .then(
            pl.format("owner_personal_id={}", "id")
            + pl.when(pl.col("_targets") > 1)
            .then(pl.format(" (carried by {} people; the one with most records)", "_targets"))
            .otherwise(pl.lit(""))
        )
        .alias("evidence"),
        "reason",
    )


def link_individual_taxpayers(
    tax: pl.DataFrame, taxpayer_lineage: pl.DataFrame, population: pl.DataFrame, people: pl.DataFrame
) -> pl.DataFrame:
    """is_person: a tax record filed under a 12-digit personal ID -> person entity."""
    rows = (
        _with_entity(tax, taxpayer_lineage)
        .filter(pl.col("tax_code_kind") == "personal_id")
        .with_row_index("_row")
        .rename({"taxpayer_code": "id"})
    )
    picked = _pick(
        rows,
        "id",
        _person_index(population, people),
        missing="no tax code",
        absent="no person with this ID in the population registry",
        ambiguous="ID in several people, none holds most of its records",
    )
    return rows.join(picked, on="_row", maintain_order="left").select(
        "from_entity_id",
        "to_entity_id",
        pl.when(pl.col("to_entity_id").is_not_null())
        .then(pl.format("taxpayer_code={} (personal ID)", "id"))
        .alias("evidence"),
        "reason",
    )


def _collapse(records: pl.DataFrame, spec: LinkSpec) -> pl.DataFrame:
    linked = records.filter(pl.col("to_entity_id").is_not_null())
    if "link_type" not in linked.columns:
        linked = linked.with_columns(pl.lit(spec.link_type).alias("link_type"))
    return (
        linked.group_by("from_entity_id", "to_entity_id", "link_type")
        .agg(
            pl.col("evidence").unique().sort().head(3).str.join(" | ").alias("evidence"),
            pl.len().cast(pl.UInt32).alias("records"),
        )
        .select(
            pl.lit(spec.from_kind).alias("from_kind"),
            "from_entity_id",
            pl.lit(spec.to_kind).alias("to_kind"),
            "to_entity_id",
            "link_type",
            "evidence",
            "records",
        )
    )


def _report(records: pl.DataFrame) -> dict:
    # most frequent first, ties by reason: the log line and rows_by_link read the same from run to run
    unlinked = (
        records.filter(pl.col("to_entity_id").is_null())
        .group_by("reason")
        .len()
        .sort(["len", "reason"], descending=[True, False])
    )
    return {
        "rows": records.height,
        "linked": int(records["to_entity_id"].is_not_null().sum()),
        "unlinked": {str(reason): int(n) for reason, n in unlinked.iter_rows()},
    }


def build_links(staged: dict[str, pl.DataFrame], lineage: dict[str, pl.DataFrame]) -> LinkResult:
    """All registry links from the staged tables and lineages, both keyed by entity kind."""
    records = {
        "member_of": link_members(staged["people"], lineage["people"], staged["households"], lineage["households"]),
        "branch_of": link_branches(staged["businesses"], lineage["businesses"]),
        "taxpayer_of": link_taxpayers(
            staged["taxpayers"], lineage["taxpayers"], staged["businesses"], lineage["businesses"]
        ),
        "owned_by": link_owners(staged["businesses"], lineage["businesses"], staged["people"], lineage["people"]),
        "is_person": link_individual_taxpayers(
            staged["taxpayers"], lineage["taxpayers"], staged["people"], lineage["people"]
        ),
    }
    links = pl.concat([_collapse(frame, LINKS[name]) for name, frame in records.items()], how="vertical_relaxed").sort(
        "link_type", "from_kind", "from_entity_id", "to_entity_id"
    )
    return LinkResult(REGISTRY_LINKS.cast(links), {name: _report(frame) for name, frame in records.items()}, records)


def link_problems(result: LinkResult) -> list[str]:
    """Each source row is linked or counted unlinked with a reason, never both, never lost."""
    problems = []
    for name, frame in result.records.items():
        r = result.report[name]
        if r["linked"] + sum(r["unlinked"].values()) != r["rows"]:
            problems.append(
                f"{name}: {r['rows']} rows != {r['linked']} linked + {sum(r['unlinked'].values())} unlinked"
            )
        both = frame.filter(pl.col("to_entity_id").is_not_null() & pl.col("reason").is_not_null()).height
        neither = frame.filter(pl.col("to_entity_id").is_null() & pl.col("reason").is_null()).height
        if both or neither:
            problems.append(f"{name}: {both} rows linked with a reason, {neither} unlinked without one")
        if n := frame["from_entity_id"].null_count():
            problems.append(f"{name}: {n} rows whose record has no entity")
    return problems

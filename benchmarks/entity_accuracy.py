"""Entity and link accuracy of a warehouse built from the bundled sample, against the generator's truth.

Run on demand (not part of the pipeline; production code does not know the generator)::

    uv run wardbridge run
    uv run python benchmarks/entity_accuracy.py [--warehouse DIR]

Pairwise precision/recall per entity kind (pipelines.match.evaluate.pairwise) and, per link
type, the share of links whose target is the true one and the share of linkable entities linked.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import polars as pl

from pipelines.entities.io import read_published
from pipelines.match.evaluate import pairwise
from pipelines.schema import ENTITY_KINDS
from pipelines.warehouse import REPO_ROOT, Warehouse

TRUTH_DIR = REPO_ROOT / "data" / "sample" / "registries" / "truth"

# kind -> (truth file, true id column)
TRUTH = {
    "people": ("population", "person_id"),
    "households": ("households", "household_id"),
    "businesses": ("businesses", "business_id"),
    "taxpayers": ("tax", "business_id"),
}


def _truth_records(kind: str, staged: pl.DataFrame, lineage: pl.DataFrame, truth_dir: Path) -> pl.DataFrame:
    name, _ = TRUTH[kind]
    truth = pl.read_parquet(truth_dir / f"{name}.parquet")
    return (
        lineage.select("record_key", "entity_id")
        .join(staged.select("record_key", "source_id", "source_key"), on="record_key")
        .join(truth, left_on=["source_id", "source_key"], right_on=["source_id", "record_no"], how="left")
    )


def _majority(frame: pl.DataFrame, column: str, alias: str) -> pl.DataFrame:
    """entity_id -> the most frequent non-null value of column among its records."""
    return (
        frame.drop_nulls(column)
        .group_by("entity_id", column)
        .len()
        .sort(["entity_id", "len", column], descending=[False, True, False])
        .unique("entity_id", keep="first")
        .select("entity_id", pl.col(column).alias(alias))
    )


def sample_accuracy(
    staged: dict[str, pl.DataFrame], lineage: dict[str, pl.DataFrame], links: pl.DataFrame, truth_dir: Path = TRUTH_DIR
) -> dict:
    """Pairwise precision/recall per kind and link accuracy against the generator's truth."""
    recs = {kind: _truth_records(kind, staged[kind], lineage[kind], truth_dir) for kind in ENTITY_KINDS}
    out: dict = {"entities": {kind: pairwise(recs[kind], "entity_id", TRUTH[kind][1]) for kind in ENTITY_KINDS}}
    person = _majority(recs["people"], "person_id", "true_person")
    person_household = _majority(recs["people"], "household_id", "true_household")
    household = _majority(recs["households"], "household_id", "true_household")
    business = _majority(recs["businesses"], "business_id", "true_business")
    # a branch whose tax code the generator made invalid on purpose cannot be linked by it: not expected
    business_parent = _majority(
        recs["businesses"].filter(pl.col("mst_intended_valid").fill_null(True)), "parent_business_id", "true_parent"
    )
    business_owner = _majority(recs["businesses"], "owner_person_id", "true_owner")
    tax_business = _majority(recs["taxpayers"], "business_id", "true_business")
    individual = (
        staged["taxpayers"]
        .filter(pl.col("tax_code_kind") == "personal_id")
        .select("record_key")
        .join(lineage["taxpayers"], on="record_key")
        .select("entity_id")
        .unique()
    )
    tax_owner = _majority(recs["taxpayers"], "owner_person_id", "true_owner").join(
        individual, on="entity_id", how="semi"
    )  # filing under a personal ID
    # (link types, expected value of the from entity, actual value of the to entity)
    checks = {
        "member_of": (
            ["member_of"],
            person_household.rename({"true_household": "expected"}),
            household.rename({"true_household": "actual"}),
        ),
        "branch_of": (
            ["branch_of"],
            business_parent.rename({"true_parent": "expected"}),
            business.rename({"true_business": "actual"}),
        ),
        "taxpayer_of": (
            ["taxpayer_of"],
            tax_business.rename({"true_business": "expected"}),
            business.rename({"true_business": "actual"}),
        ),
        "owned_by": (
            ["owned_by"],
            business_owner.rename({"true_owner": "expected"}),
            person.rename({"true_person": "actual"}),
        ),
        "is_person": (
            ["is_person"],
            tax_owner.rename({"true_owner": "expected"}),
            person.rename({"true_person": "actual"}),
        ),
    }
    accuracy = {}
    for name, (types, expected, actual) in checks.items():
        rows = (
            links.filter(pl.col("link_type").is_in(types))
            .join(expected, left_on="from_entity_id", right_on="entity_id", how="left")
            .join(actual, left_on="to_entity_id", right_on="entity_id", how="left")
        )
        judged = rows.filter(pl.col("expected").is_not_null() & pl.col("actual").is_not_null())
        correct = judged.filter(pl.col("expected") == pl.col("actual"))
        # recall: from entities whose true target exists as an entity, linked to it
        linkable = expected.filter(pl.col("expected").is_in(actual["actual"].implode()))
        found = linkable.join(
            correct.select(pl.col("from_entity_id").alias("entity_id")).unique(), on="entity_id", how="semi"
        ).height
        accuracy[name] = {
            "links": rows.height,
            "judged": judged.height,
            "correct": correct.height,
            "accuracy": correct.height / judged.height if judged.height else 1.0,
            "linkable_entities": linkable.height,
            "recall": found / linkable.height if linkable.height else 1.0,
        }
    # tax rows of a branch whose branch is not registered: the parent is right when it is the branch's parent
    parent_rows = links.filter(pl.col("link_type") == "tax_of_parent")
    if parent_rows.height:
        parents = (
            pl.read_parquet(truth_dir / "businesses.parquet")
            .select("business_id", "parent_business_id")
            .unique("business_id")
        )
        rows = (
            parent_rows.join(tax_business, left_on="from_entity_id", right_on="entity_id", how="left")
            .join(parents, left_on="true_business", right_on="business_id", how="left")
            .join(business, left_on="to_entity_id", right_on="entity_id", how="left", suffix="_to")
        )
        judged = rows.filter(pl.col("parent_business_id").is_not_null() & pl.col("true_business_to").is_not_null())
        correct = int((judged["parent_business_id"] == judged["true_business_to"]).sum())
        accuracy["tax_of_parent"] = {
            "links": rows.height,
            "judged": judged.height,
            "correct": correct,
            "accuracy": correct / judged.height if judged.height else 1.0,
        }
    out["links"] = accuracy
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Entity and link accuracy of a warehouse built from the bundled sample (after `wardbridge run`)."
    )
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help="Warehouse directory (default: $WARDBRIDGE_WAREHOUSE, else warehouse/).",
    )
    args = parser.parse_args(argv)
    warehouse = Warehouse(args.warehouse.resolve()) if args.warehouse else Warehouse.default()
    staged, lineage, links = read_published(warehouse)
    print(json.dumps(sample_accuracy(staged, lineage, links), indent=2))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""Entity specs and registry links on small hand-made staged tables (no warehouse, no Dagster)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from pipelines.entities.links import LINKS, build_links, link_problems
from pipelines.entities.resolve import lineage_problems, resolve_entities, spec_path
from pipelines.match import load_spec
from pipelines.match.evaluate import pairwise
from pipelines.schema import (
    ENTITY_GOLDEN_COLUMNS,
    ENTITY_KINDS,
    ENTITY_REVIEW_COLUMNS,
    REGISTRY_LINKS,
    entities_table,
    staged_table,
)

DAY = dt.date(2025, 8, 31)


def staged(registry: str, rows: list[dict], source: str | None = None) -> pl.DataFrame:
    """A staged table: the given fields, lineage filled in, every other field null."""
    source = source or f"{registry}_1"
    full = []
    for i, row in enumerate(rows, start=1):
        src = row.pop("source_id", source)
        full.append(
            {
                "record_key": f"{src}@{DAY}#{i}",
                "source_id": src,
                "extract_date": DAY,
                "source_file": "f",
                "source_key": str(i),
                "run_id": "test",
                "ward_status": "exact",
                "ward_confidence": 1.0,
                **row,
            }
        )
    return pl.DataFrame(full, schema=staged_table(registry).polars_schema)


def lineage(frame: pl.DataFrame, entity_of: dict[str, str]) -> pl.DataFrame:
    """Lineage giving each record the entity named in entity_of (by record_key), else its own."""
    return frame.select("record_key").with_columns(
        pl.col("record_key").replace_strict(entity_of, default=pl.col("record_key")).alias("entity_id")
    )


@pytest.mark.parametrize("kind", list(ENTITY_KINDS))
def test_specs_load_and_match_the_declared_tables(kind):
    spec = load_spec(spec_path(kind))
    assert spec.id_column == "record_key"
    # schema.py reads these lists from the spec files; the engine's reading of the spec must agree
    assert tuple(spec.survivorship) == ENTITY_GOLDEN_COLUMNS[kind]
    assert spec.show_columns == ENTITY_REVIEW_COLUMNS[kind]
    # every golden and review column is a declared staged field (entities_table would raise otherwise)
    assert {f.name for f in entities_table(kind).fields} >= set(ENTITY_GOLDEN_COLUMNS[kind])
    assert spec.input_columns <= set(staged_table(ENTITY_KINDS[kind]).columns)
    assert entities_table(kind).primary_key == ("entity_id",)


def test_business_spec_merges_two_offices_and_never_a_branch_with_its_parent():
    parent = {
        "registration_no": "3736751226",
        "business_name": "Công ty TNHH Hoàng Gia",
        "business_kind": "Doanh nghiệp",
        "tax_code": "3736751226",
        "tax_code_kind": "enterprise",
        "owner_name": "Trần Ngọc Khoa",
        "owner_personal_id": "079083302781",
        "vsic": "4649",
        "address": "12 Lê Lợi, Phường 4, Quận 3, TP Hồ Chí Minh",
    }
    rows = [
        {**parent, "source_id": "businesses_770"},
        {
            **parent,
            "source_id": "businesses_ward_770",
            "business_name": "Cong ty TNHH Hoang Gia",
            "address": "12 LE LOI, F4, Q3, TPHCM",
        },
        # a branch: everything the same but the 13-digit tax code
        {
            **parent,
            "source_id": "businesses_770",
            "tax_code": "3736751226-001",
            "tax_code_kind": "branch",
            "registration_no": "3736751226-001",
        },
        {
            **parent,
            "source_id": "businesses_ward_770",
            "tax_code": "3736751226-001",
            "tax_code_kind": "branch",
            "registration_no": "3736751226-001",
        },
    ]
    others = [
        {
            "registration_no": f"80{i:08d}",
            "business_name": f"Tạp hóa {name}",
            "business_kind": "Hộ kinh doanh",
            "tax_code": f"80{i:08d}",
            "tax_code_kind": "enterprise",
            "owner_name": f"Nguyễn Văn {name}",
            "owner_personal_id": f"0790{i:08d}",
            "vsic": "4711",
            "address": f"{i} Trần Phú, Phường 2, Quận 3",
        }
        for i, name in enumerate(["An", "Bình", "Cường", "Dũng", "Hà", "Lan", "Minh", "Nam"])
    ]
    frame = staged("businesses", rows + others)
    result = resolve_entities("businesses", frame)
    entity = dict(zip(result.lineage["record_key"], result.lineage["entity_id"], strict=True))
    keys = frame["record_key"].to_list()
    assert entity[keys[0]] == entity[keys[1]]  # district and ward registration of the enterprise
    assert entity[keys[2]] == entity[keys[3]]  # ... and of its branch
    assert entity[keys[0]] != entity[keys[2]]  # the branch is not its parent
    assert lineage_problems(frame, result.lineage) == []
    assert result.entities.height == 2 + len(others)
    assert entities_table("businesses").validate(entities_table("businesses").cast(result.entities)) == []
    # the branch and its parent were compared (same owner, same name) and kept apart by the tax code:
    # same base MST, other branch part (not a one-digit typo)
    pairs = result.result.pairs.filter(pl.col("tax_code_level") == "same_base_other_branch")
    assert pairs.height == 4
    assert set(pairs["decision"]) <= {"non_match", "refused"} and not pairs["same_entity"].any()


def _registries() -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame]]:
    population = staged(
        "population",
        [
            {
                "full_name": "Võ Thị Khánh",
                "date_of_birth": dt.date(1962, 5, 1),
                "personal_id": "079162657889",
                "household_no": "111111111",
                "new_uid": "2025:26740",
            },
            {
                "full_name": "Võ Thi Khanh",
                "date_of_birth": dt.date(1962, 5, 1),
                "personal_id": "079162657889",
                "household_no": "111111111",
                "new_uid": "2025:26740",
            },
            {
                "full_name": "Lê Văn Bình",
                "date_of_birth": dt.date(1970, 1, 2),
                "old_id_number": "024776460",
                "household_no": "222222222",
                "new_uid": "2025:27154",
            },
            {
                "full_name": "Lê Văn Cường",
                "date_of_birth": dt.date(1971, 1, 2),
                "household_no": "222222222",
                "new_uid": "2025:27139",
            },
            {"full_name": "Trần An", "date_of_birth": dt.date(1980, 3, 3), "household_no": "999999999"},
            {"full_name": "Trần Bé", "date_of_birth": dt.date(1981, 3, 3)},
        ],
    )
    households = staged(
        "households",
        [
            {"household_no": "111111111", "head_name": "Võ Thị Khánh", "new_uid": "2025:26740"},
            {
                "household_no": "222222222",
                "head_name": "Lê Văn Bình",
                "new_uid": "2025:27154",
            },  # two households with one book number
            {"household_no": "222222222", "head_name": "Phạm Thị Dung", "new_uid": "2025:27139"},  # in different wards
        ],
    )
    businesses = staged(
        "businesses",
        [
            {
                "business_name": "Nhà thuốc Khánh",
                "tax_code": "8084748509",
                "tax_code_kind": "enterprise",
                "registration_no": "41M8599557",
                "owner_personal_id": "079162657889",
            },
            {
                "business_name": "Công ty Hoàng Gia",
                "tax_code": "3736751226",
                "tax_code_kind": "enterprise",
                "owner_personal_id": "024776460",
            },
            {"business_name": "Chi nhánh Công ty Hoàng Gia", "tax_code": "3736751226-001", "tax_code_kind": "branch"},
            {"business_name": "Chi nhánh mồ côi", "tax_code": "0311001973-002", "tax_code_kind": "branch"},
        ],
    )
    tax = staged(
        "tax",
        [
            {"taxpayer_code": "8084748509", "tax_code_kind": "enterprise", "taxpayer_name": "Nhà thuốc Khánh"},
            {
                "taxpayer_code": "079162657889",
                "tax_code_kind": "personal_id",
                "taxpayer_name": "Nha thuoc Khanh",
            },  # after 1 July 2025
            {
                "taxpayer_code": "3736751226-002",
                "tax_code_kind": "branch",
                "taxpayer_name": "Chi nhánh 2 Hoàng Gia",
            },  # branch not registered
            {"taxpayer_code": "0123456789", "tax_code_kind": "enterprise", "taxpayer_name": "Ai đó"},
        ],
    )
    frames = {"people": population, "households": households, "businesses": businesses, "taxpayers": tax}
    keys = {k: f["record_key"].to_list() for k, f in frames.items()}
    lineages = {
        "people": lineage(population, {keys["people"][1]: keys["people"][0]}),  # the two Khánh records are one person
        "households": lineage(households, {}),
        "businesses": lineage(businesses, {}),
        "taxpayers": lineage(
            tax, {keys["taxpayers"][1]: keys["taxpayers"][0]}
        ),  # MST and personal ID rows: one taxpayer
    }
    return frames, lineages


def test_links_on_known_rows():
    frames, lineages = _registries()
    k = {kind: f["record_key"].to_list() for kind, f in frames.items()}
    result = build_links(frames, lineages)
    links = result.links
    assert links.columns == REGISTRY_LINKS.columns
    assert REGISTRY_LINKS.validate(links) == []
    got = {(r["link_type"], r["from_entity_id"], r["to_entity_id"]): r for r in links.iter_rows(named=True)}

    # the two records of Khánh: one person, one membership supported by both records
    assert got[("member_of", k["people"][0], k["households"][0])]["records"] == 2
    # book 222222222 is in two households: the ward decides
    assert ("member_of", k["people"][2], k["households"][1]) in got
    assert ("member_of", k["people"][3], k["households"][2]) in got
    assert "same new ward 2025:27139" in got[("member_of", k["people"][3], k["households"][2])]["evidence"]
    # branch -> parent by the first 10 digits; an orphan branch stays unlinked, counted
    assert ("branch_of", k["businesses"][2], k["businesses"][1]) in got
    assert result.report["branch_of"]["unlinked"] == {"parent enterprise not registered": 1}
    # the taxpayer (MST + personal ID rows) -> the business, from both rows
    assert got[("taxpayer_of", k["taxpayers"][0], k["businesses"][0])]["records"] == 2
    # a tax row of an unregistered branch -> the parent
    assert ("tax_of_parent", k["taxpayers"][2], k["businesses"][1]) in got
    assert result.report["taxpayer_of"]["unlinked"] == {"no business with this tax code": 1}
    # owners by personal ID and by old CMND; an individual taxpayer by personal ID
    assert ("owned_by", k["businesses"][0], k["people"][0]) in got
    assert ("owned_by", k["businesses"][1], k["people"][2]) in got
    assert ("is_person", k["taxpayers"][0], k["people"][0]) in got
    assert (
        got[("is_person", k["taxpayers"][0], k["people"][0])]["evidence"] == "taxpayer_code=079162657889 (personal ID)"
    )
    # nothing dropped: every source row is linked or counted with its reason
    assert link_problems(result) == []
    assert result.report["member_of"] == {
        "rows": 6,
        "linked": 4,
        "unlinked": {"no household record with this book number": 1, "no household book number": 1},
    }
    assert result.report["owned_by"]["unlinked"] == {"no owner ID": 2}
    assert set(result.report) == set(LINKS)


def test_ambiguous_book_without_ward_evidence_is_not_linked():
    frames, lineages = _registries()
    frames["people"] = frames["people"].with_columns(pl.lit(None, pl.String).alias("new_uid"))
    result = build_links(frames, lineages)
    assert result.report["member_of"]["unlinked"]["book number in several households, ward does not decide"] == 2
    assert link_problems(result) == []


def test_pairwise_precision_recall_by_counts():
    frame = pl.DataFrame({"pred": ["a", "a", "a", "b", "c"], "true": ["x", "x", "y", "y", None]})
    scores = pairwise(frame, "pred", "true")
    assert (scores["predicted_pairs"], scores["true_pairs"], scores["correct_pairs"]) == (3, 2, 1)
    assert scores["precision"] == pytest.approx(1 / 3) and scores["recall"] == pytest.approx(1 / 2)


def test_unlinked_reasons_in_the_same_order_whatever_the_rows_order():
    # group_by does not keep order: reasons of equal count must not swap from run to run (log line, metadata)
    from pipelines.entities.links import _report

    reasons = ["z reason", "a reason", "m reason", "a reason"]
    rows = pl.DataFrame({"to_entity_id": [None] * 4, "reason": reasons}, schema_overrides={"to_entity_id": pl.String})
    orders = {tuple(_report(rows.sample(fraction=1.0, shuffle=True, seed=s))["unlinked"]) for s in range(20)}
    assert orders == {("a reason", "m reason", "z reason")}

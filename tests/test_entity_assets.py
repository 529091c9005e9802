"""The entities group on a real Dagster instance over the staged bundled sample.

The staged layer is the one the session's sample run wrote (tests/marts_fixture.py: its ingest
assets staged every catalogue extract), its partition files copied into a fresh warehouse, so only
the entity assets run under Dagster here: first without the Quận 3 district business extract (the
businesses step under ``allow_incomplete``: that extract is in the catalogue but not staged), then
again with it, to check that entity ids survive a rerun that adds records.
"""

from __future__ import annotations

import hashlib
import shutil

import dagster as dg
import polars as pl
import pytest

from assets.definitions import defs
from assets.entities import ENTITY_ASSETS, JOB, registry_links
from assets.resources import WarehouseResource
from benchmarks.entity_accuracy import sample_accuracy
from pipelines.entities.io import ENTITY_SCHEMA, read_published, read_staged
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.schema import ENTITY_KINDS, ENTITY_TABLES, REGISTRY_LINKS, lineage_table, staged_table
from pipelines.warehouse import PartitionedLayer, Warehouse, refresh_views

LATE = "businesses_770@2025-08-31"  # loaded before the second run only
ENTITY_KEYS = {t.name for t in ENTITY_TABLES}


def _stage(wh: Warehouse, keys: list[str], extracts: dict, sample: Warehouse) -> None:
    """Stage ``keys`` as the ingest step did in the session's sample run (``sample``, its warehouse): its partition
    files copied (staging each extract again here took ~5 s alone, ~8 s in a full run), then each registry's view."""
    layer, staged = PartitionedLayer(wh, "staged"), PartitionedLayer(sample, "staged")
    registries = set()
    for key in keys:
        registry = extracts[key].source.registry
        name = staged_table(registry).name
        target = layer.path(name, key)
        target.parent.mkdir(parents=True)
        shutil.copyfile(staged.path(name, key), target)
        registries.add(registry)
    refresh_views(wh, [("staged", staged_table(r), staged_table(r).name) for r in sorted(registries)])


def _materialize(wh: Warehouse, assets: list, run_config: dict | None = None) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        assets,
        instance=dg.DagsterInstance.ephemeral(),
        resources={"warehouse": WarehouseResource(path=str(wh.root))},
        run_config=run_config,
        raise_on_error=False,
    )


INCOMPLETE_BUSINESSES = {"ops": {"match_businesses": {"config": {"allow_incomplete": True}}}}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    from tests.marts_fixture import sample_marts

    source, results = sample_marts(tmp_path_factory.getbasetemp())
    assert all(results[f"ingest_{r}"].success for r in ENTITY_KINDS.values())
    sample = Warehouse(source)
    wh = Warehouse(tmp_path_factory.mktemp("entities_wh"))
    extracts = extracts_by_partition(load_catalogue())
    _stage(wh, [k for k in extracts if k != LATE], extracts, sample)
    first = _materialize(wh, [*ENTITY_ASSETS, registry_links], INCOMPLETE_BUSINESSES)
    before = {kind: pl.read_parquet(wh.parquet_path(ENTITY_SCHEMA, lineage_table(kind).name)) for kind in ENTITY_KINDS}
    _stage(wh, [LATE], extracts, sample)
    businesses = next(a for a in ENTITY_ASSETS if "businesses_lineage" in {k.to_user_string() for k in a.keys})
    second = _materialize(wh, [businesses, registry_links])
    return wh, first, second, before


def test_job_is_registered_and_covers_the_group():
    job = defs.resolve_job_def(JOB)
    # the group also holds the steps the matching reads: officials' decisions, the address corrections
    # (records re-resolved under a corrected reference) and the split placements
    upstream = {"review_decisions", "address_corrections", "split_placements"}
    assert {k.to_user_string() for k in job.asset_layer.executable_asset_keys} == ENTITY_KEYS | upstream
    graph = defs.resolve_asset_graph()
    assert {k.to_user_string() for k in graph.get(dg.AssetKey("people_lineage")).parent_keys} == {
        "staged_population",
        *upstream,
    }
    assert {k.to_user_string() for k in graph.get(dg.AssetKey("split_placements")).parent_keys} == {
        *(f"staged_{r}" for r in ENTITY_KINDS.values()),
        "address_corrections",
        "review_decisions",
    }
    assert {k.to_user_string() for k in graph.get(dg.AssetKey("address_corrections")).parent_keys} == {
        f"staged_{r}" for r in ENTITY_KINDS.values()
    }
    assert {k.to_user_string() for k in graph.get(dg.AssetKey("registry_links")).parent_keys} == {
        f"{k}_lineage" for k in ENTITY_KINDS
    }
    checks = {
        (s.asset_key.to_user_string(), s.name): s for a in [*ENTITY_ASSETS, registry_links] for s in a.check_specs
    }
    assert all(checks[(f"{k}_lineage", "lineage_complete")].blocking for k in ENTITY_KINDS)
    assert checks[("registry_links", "links_accounted")].blocking


def test_runs_succeed_with_every_check_passing(runs):
    _, first, second, _ = runs
    for result in (first, second):
        assert result.success
        failed = [(e.check_name, e.description) for e in result.get_asset_check_evaluations() if not e.passed]
        assert failed == []
    assert {e.asset_key.to_user_string() for e in first.get_asset_materialization_events()} == ENTITY_KEYS
    assert len(first.get_asset_check_evaluations()) == len(ENTITY_KINDS) + 1


def test_lineage_covers_every_staged_record_exactly_once(runs):
    wh = runs[0]
    for kind, registry in ENTITY_KINDS.items():
        staged = read_staged(wh, registry)
        lineage = wh.read(ENTITY_SCHEMA, f"{kind}_lineage")
        assert lineage.height == staged.height > 0, kind
        assert lineage["record_key"].n_unique() == lineage.height
        assert sorted(lineage["record_key"]) == sorted(staged["record_key"])
        assert lineage["entity_id"].null_count() == 0
        entities = wh.read(ENTITY_SCHEMA, f"{kind}_entities")
        assert entities["record_count"].sum() == staged.height
        assert set(entities["entity_id"]) == set(lineage["entity_id"])
    assert (
        read_staged(wh, "businesses")["source_id"].is_in(["businesses_770"]).any()
    )  # the second run saw the late extract


def test_metadata_carries_the_match_statistics(runs):
    wh, first, second, _ = runs
    events = {
        e.asset_key.to_user_string(): e.materialization.metadata for e in first.get_asset_materialization_events()
    }
    people = events["people_entities"]
    assert people["dagster/row_count"].value == wh.read(ENTITY_SCHEMA, "people_entities").height
    assert people["dagster/table_name"].value == "entities.people_entities"
    assert people["match/records"].value == events["people_lineage"]["dagster/row_count"].value
    assert people["match/em_converged"].value is True
    assert set(people["match/new_pairs_per_rule"].value) >= {"personal_id", "household_birth_year"}
    assert people["match/decisions"].value["link"] > 0
    assert {"prepare", "blocking", "fit", "cluster"} <= set(people["match/seconds"].value)
    assert "match/capped_blocks" in people
    assert people["incomplete"].value is False
    # the first run built businesses without the late extract, and said so
    assert events["businesses_entities"]["incomplete"].value is True
    assert LATE in events["businesses_entities"]["incomplete/left_out"].value
    links = {
        e.asset_key.to_user_string(): e.materialization.metadata for e in second.get_asset_materialization_events()
    }["registry_links"]
    assert links["dagster/row_count"].value == wh.read(ENTITY_SCHEMA, "registry_links").height
    report = links["rows_by_link"].value
    assert links["unlinked_rows"].value == sum(sum(r["unlinked"].values()) for r in report.values())
    assert report["member_of"]["unlinked"]  # population books without a household record: counted, not dropped


def test_rerun_keeps_entity_ids(runs):
    wh, _, second, before = runs
    after = wh.read(ENTITY_SCHEMA, "businesses_lineage")
    kept = before["businesses"].join(after, on="record_key", suffix="_after")
    assert kept.height == before["businesses"].height
    assert (kept["entity_id"] == kept["entity_id_after"]).all()
    # the district office's copies joined the ward office's entities, which kept their ids although
    # a record with a smaller key (the founder a first run would name the entity after) arrived
    grown = wh.read(ENTITY_SCHEMA, "businesses_entities").filter(
        pl.col("record_ids").list.eval(pl.element().str.starts_with("businesses_770@")).list.any()
        & (pl.col("record_count") > 1)
    )
    assert grown.height >= 5
    founder_ids = {"B-" + hashlib.md5(min(ids).encode()).hexdigest()[:16] for ids in grown["record_ids"].to_list()}
    assert not founder_ids & set(grown["entity_id"])
    events = {
        e.asset_key.to_user_string(): e.materialization.metadata for e in second.get_asset_materialization_events()
    }
    assert events["businesses_lineage"]["previous_records"].value == before["businesses"].height


def test_links_on_known_sample_rows(runs):
    wh = runs[0]
    links = wh.read(ENTITY_SCHEMA, "registry_links")
    assert REGISTRY_LINKS.validate(links) == []
    lineage = {kind: wh.read(ENTITY_SCHEMA, f"{kind}_lineage") for kind in ENTITY_KINDS}
    staged = {kind: read_staged(wh, registry) for kind, registry in ENTITY_KINDS.items()}

    def entity(kind: str, **where) -> str:
        keys = staged[kind].filter(**where)["record_key"]
        ids = lineage[kind].filter(pl.col("record_key").is_in(keys.implode()))["entity_id"].unique()
        assert ids.len() == 1, (kind, where, ids)
        return ids[0]

    def linked(link_type: str, source: str, target: str) -> bool:
        return links.filter(link_type=link_type, from_entity_id=source, to_entity_id=target).height == 1

    # Hộ kinh doanh Nguyễn Hữu Sang: MST 8087615673, taxed under the owner's personal ID after the reform
    # (values read from the sample's source files; re-read them when the sample is regenerated)
    owner = entity("people", personal_id="074096601748")
    shop = entity("businesses", tax_code="8087615673")
    taxpayer = entity("taxpayers", taxpayer_code="074096601748")
    assert linked("owned_by", shop, owner)
    assert linked("is_person", taxpayer, owner)
    assert linked("taxpayer_of", taxpayer, shop)
    # a branch and its parent: two entities, one branch_of link
    branch, parent = entity("businesses", tax_code="3588771258-001"), entity("businesses", tax_code="3588771258")
    assert branch != parent and linked("branch_of", branch, parent)
    # the first person of population_718 is a member of their household's book (households_718)
    person = entity("people", source_id="population_718", source_key="1")
    assert linked("member_of", person, entity("households", household_no="362738046"))


def test_accuracy_against_the_sample_truth(runs):
    staged, lineage, links = read_published(runs[0])
    scores = sample_accuracy(staged, lineage, links)
    # issue 14's targets (precision >= 0.995, recall >= 0.97); the people spec is tuned for them at 1M, where
    # namesakes are common: on the small sample it gives up some recall (sex agreement adds nothing once the
    # names agree: 0.981 -> 0.973) for precision at scale
    for kind, s in scores["entities"].items():
        assert s["precision"] >= 0.995 and s["recall"] >= 0.97, (kind, s)
    for name, s in scores["links"].items():
        assert s["judged"] > 0 and s["accuracy"] >= 0.99, (name, s)
    assert scores["links"]["taxpayer_of"]["recall"] >= 0.99 and scores["links"]["branch_of"]["recall"] == 1.0


def test_entity_checks_rerun_alone_on_the_published_tables(runs, tmp_path):
    """Re-run lineage_complete and links_accounted alone (as the UI's Execute does): they pass on what the
    runs published, write nothing, and fail once the published lineage or links lose rows (a copy)."""
    import shutil

    import duckdb

    wh = Warehouse(tmp_path / "wh")
    shutil.copytree(runs[0].root, wh.root)
    checks = [
        dg.AssetCheckKey(dg.AssetKey("people_lineage"), "lineage_complete"),
        dg.AssetCheckKey(dg.AssetKey("registry_links"), "links_accounted"),
    ]

    def rerun() -> dict[str, bool]:
        result = dg.materialize(
            [*ENTITY_ASSETS, registry_links],
            selection=dg.AssetSelection.checks(*checks),
            instance=dg.DagsterInstance.ephemeral(),
            resources={"warehouse": WarehouseResource(path=str(wh.root))},
            raise_on_error=False,
        )
        assert result.get_asset_materialization_events() == []
        return {e.asset_key.to_user_string(): e.passed for e in result.get_asset_check_evaluations()}

    assert rerun() == {"people_lineage": True, "registry_links": True}
    with duckdb.connect(str(wh.duckdb_path)) as con:  # same counts, one link pointing elsewhere
        con.execute(
            "UPDATE entities.registry_links SET to_entity_id = 'X' || to_entity_id WHERE rowid = "
            "(SELECT min(rowid) FROM entities.registry_links WHERE to_entity_id IS NOT NULL)"
        )
    assert rerun() == {"people_lineage": True, "registry_links": False}
    lineage_path = wh.parquet_path(ENTITY_SCHEMA, lineage_table("people").name)
    pl.read_parquet(lineage_path).slice(3).write_parquet(lineage_path)  # three records lost from the lineage
    with duckdb.connect(str(wh.duckdb_path)) as con:
        con.execute("DELETE FROM entities.registry_links WHERE link_type = 'member_of' AND to_entity_id IS NOT NULL")
    assert rerun() == {"people_lineage": False, "registry_links": False}

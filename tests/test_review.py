"""Review queues and officials' decisions (pipelines/review, assets/review.py).

A small warehouse: the reference tables and two staged extracts per registry (the ingest engine,
as the ingest assets do). The two review assets run under Dagster: without decisions, with a
decisions file (places an address and a split unit, a bad row), after re-ingesting the same extracts,
and after a reversal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import dagster as dg
import fastexcel
import polars as pl
import pytest

from assets.definitions import defs, review_job
from assets.resources import WarehouseResource
from assets.review import JOB, review_decisions, review_queues
from pipelines.entities.io import read_staged
from pipelines.entities.resolve import labels_report, resolve_entities, spec_path
from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.raw import load_raw
from pipelines.ingest.stage import stage
from pipelines.match import load_spec, match
from pipelines.reference import load_reference
from pipelines.review.decisions import (
    DECISIONS_ENV,
    append_audit,
    effective_decisions,
    load_decisions,
    official_split_evidence,
)
from pipelines.review.io import official_match_labels
from pipelines.schema import (
    ANALYTICS_TABLES,
    CROSSWALK,
    QUARANTINE,
    REVIEW_DECISION_AUDIT,
    REVIEW_ITEM_KEYS,
    REVIEW_MATCH_LABELS,
    REVIEW_PLACEMENTS,
    REVIEW_SCHEMA,
    REVIEW_TABLES,
    UNITS_2025,
    UNITS_PRE2025,
    raw_table,
    review_table,
    staged_table,
)
from pipelines.warehouse import PartitionedLayer, Warehouse

TODAY = dt.date.today()
HEADER = "item_id,decision,reviewer,decided_on,note,new_ward_code\n"


# split units and ID flags, unknown units (unresolved; its first row without a head name: a quarantined row), a
# truncated file (its cut last line quarantined, a data engineer's matter: not queued), businesses, tax
KEYS = [
    "population_718@2025-08-31",
    "households_767_unknown_units@2025-08-31",
    "households_767_truncated@2025-08-31",
    "businesses_723@2025-08-31",
    "tax_723@2025-08-31",
]
NO_HEAD_NAME = "households_767_unknown_units@2025-08-31"  # its first row as if the clerk had left the name empty


def _stage(wh: Warehouse, keys: list[str], extracts: dict) -> None:
    for key in keys:
        extract = extracts[key]
        registry = extract.source.registry
        raw = load_raw(extract, "test").frame
        if key == NO_HEAD_NAME:
            first = pl.int_range(pl.len()) == 0
            raw = raw.with_columns(pl.when(first).then(None).otherwise(pl.col("head_name")).alias("head_name"))
        result = stage(raw, registry, day_first=extract.source.day_first)
        PartitionedLayer(wh, "raw").write(raw_table(registry), key, raw)
        PartitionedLayer(wh, "staged").write(staged_table(registry), key, result.staged)
        name = f"quarantine_{registry}"
        PartitionedLayer(wh, "quarantine").write(QUARANTINE, key, result.quarantine, name=name)


def _run(wh: Warehouse, decisions_dir, monkeypatch) -> dg.ExecuteInProcessResult:
    monkeypatch.setenv(DECISIONS_ENV, str(decisions_dir))
    return dg.materialize(
        [review_decisions, review_queues],
        instance=dg.DagsterInstance.ephemeral(),
        resources={"warehouse": WarehouseResource(path=str(wh.root))},
        raise_on_error=True,
    )


def _items(wh: Warehouse) -> pl.DataFrame:
    return wh.read(REVIEW_SCHEMA, "queue_items")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    base = tmp_path_factory.mktemp("review")
    wh = Warehouse(base / "wh")
    ref = load_reference()
    wh.publish(
        "reference", [(UNITS_PRE2025, ref.units_pre2025), (UNITS_2025, ref.units_2025), (CROSSWALK, ref.crosswalk)]
    )
    extracts = extracts_by_partition(load_catalogue())
    keys = KEYS
    _stage(wh, keys, extracts)
    population = PartitionedLayer(wh, "staged").read(staged_table("population").name, KEYS[0])
    people = resolve_entities("people", population)
    wh.publish("entities", [(review_table("people"), people.review)])
    folder = base / "decisions"
    folder.mkdir()
    clean = _run(wh, folder, mp).get_asset_check_evaluations()  # nothing decided yet: the check passes
    first = _items(wh)
    # officials decide: the top unresolved address and the largest split unit item; one bad row
    address = first.filter(pl.col("kind") == "unresolved_address").row(0, named=True)
    split = first.filter((pl.col("kind") == "split_unit") & pl.col("name_key").is_null()).row(0, named=True)
    split_ward = split["candidates"][0].split(":")[1]
    (folder / "ward_a.csv").write_text(
        HEADER
        + f"{address['item_id']},place,Nguyễn Văn A,{TODAY},checked on site,26740\n"
        + f"{split['item_id']},place,Trần Thị B,{TODAY},,{split_ward}\n"
        + f"{address['item_id']},place,Nguyễn Văn A,not-a-date,,26740\n",
        encoding="utf-8",
    )
    checked = _run(wh, folder, mp).get_asset_check_evaluations()
    second = _items(wh)
    audit_after_second = wh.read(REVIEW_SCHEMA, REVIEW_DECISION_AUDIT.name)
    # re-ingestion of the extracts of the decided records, then a re-run: decisions still applied
    _stage(wh, keys[:2], extracts)
    _run(wh, folder, mp)
    third = _items(wh)
    placements_third = wh.read(REVIEW_SCHEMA, "placements")
    # the split placement is reversed by a later file
    (folder / "ward_b.csv").write_text(
        HEADER + f"{split['item_id']},reverse,Trần Thị B,{TODAY},wrong part\n", encoding="utf-8"
    )
    _run(wh, folder, mp)
    fourth = _items(wh)
    yield {
        "wh": wh,
        "folder": folder,
        "first": first,
        "second": second,
        "third": third,
        "fourth": fourth,
        "address": address,
        "split": split,
        "audit_after_second": audit_after_second,
        "placements_third": placements_third,
        "checks": (clean, checked),
        "people": (population, people),
    }
    mp.undo()


def test_job_is_registered_between_entities_and_marts():
    job = review_job()
    assert job.name == JOB
    assert {k.to_user_string() for k in job.asset_layer.executable_asset_keys} == {"review_queues"}
    graph = defs.resolve_asset_graph()
    assert "review_decisions" in {k.to_user_string() for k in graph.get(dg.AssetKey("people_lineage")).parent_keys}


def test_queues_have_every_kind_and_ids_are_stable(runs):
    first, third = runs["first"], runs["third"]
    # a match_pair item for each review pair of the match (this one partition's match may queue none: since the
    # shrunk term frequencies of cb5b51e its one pair scores clear of review; match_pair items: test_review_labels)
    pairs = {"match_pair"} if runs["people"][1].review.height else set()
    assert set(first["kind"]) == {"quarantined_row", "unresolved_address", "split_unit", "invalid_id"} | pairs
    assert first["item_id"].is_unique().all()
    assert first["item_id"].str.contains(r"^(qr|ua|su|ii|mp)-[0-9a-f]{16}$").all()
    # re-run and re-ingestion: the same items keep their ids (only the two decided ones left)
    decided = {runs["address"]["item_id"], runs["split"]["item_id"]}
    assert set(third["item_id"]) == set(first["item_id"]) - decided
    assert set(third["item_id"]) != set(first["item_id"])  # failure path: a changed set is noticed


def test_only_rows_an_official_can_repair_are_queued(runs):
    """The row without a head name is a quarantined_row item; the truncated file's cut last line (a transfer problem:
    the data engineer fetches the file again) is not, though it is quarantined with its reason. Before, it was."""
    wh, items = runs["wh"], runs["first"]
    quarantine = PartitionedLayer(wh, "quarantine").read("quarantine_households", KEYS[2])
    (cut,) = quarantine.filter(pl.col("reason").str.contains("(truncated)", literal=True))["record_key"]
    queued = items.filter(pl.col("kind") == "quarantined_row")
    assert cut not in set(queued["record_key"])
    (blank,) = queued.select("registry", "record_key", "evidence").rows()
    assert blank[0] == "households" and blank[1].startswith(f"{NO_HEAD_NAME}#")
    assert '"reason":"head_name: missing"' in blank[2]


def test_priority_urgent_kinds_first_then_records_blocked(runs):
    items = runs["first"].sort("rank")
    assert items["rank"].to_list() == list(range(1, items.height + 1))
    assert items["urgency"].is_sorted()
    order = ["quarantined_row", "unresolved_address", "split_unit", "invalid_id", "match_pair"]
    kinds = items["kind"].unique(maintain_order=True).to_list()
    assert kinds == [k for k in order if k in kinds]
    split = items.filter(pl.col("kind") == "split_unit")["records_blocked"]
    assert split.is_sorted(descending=True) and split.max() > 1
    shuffled = items.sample(fraction=1.0, seed=1, shuffle=True)
    assert not shuffled["urgency"].is_sorted()  # failure path of the ordering check


def test_decision_applied_on_next_run_and_survives_reingestion(runs):
    address, split = runs["address"], runs["split"]
    for items in (runs["second"], runs["third"]):
        assert address["item_id"] not in set(items["item_id"])
        assert split["item_id"] not in set(items["item_id"])
    placed = runs["placements_third"]
    row = placed.filter(pl.col("item_id") == address["item_id"])
    assert row.height == 1 and row["new_uid"][0] == "2025:26740" and row["record_key"][0] == address["record_key"]
    assert row["ward_reason"][0].startswith("official: placed by Nguyễn Văn A")
    assert row["ward_status"][0] == "official"  # the official's decision placed it, not the resolver's fuzzy match
    split_rows = placed.filter(pl.col("item_id") == split["item_id"])
    assert split_rows.height == split["records_blocked"]
    assert (split_rows["ward_status"] == "official").all()
    assert REVIEW_PLACEMENTS.validate(placed) == []  # the schema allows the label
    # the entities read the record with the official's ward and label, which the staged schema allows
    staged = read_staged(runs["wh"], address["registry"])
    seen = staged.filter(pl.col("record_key") == address["record_key"])
    assert seen.select("new_uid", "ward_status").row(0) == ("2025:26740", "official")
    assert not [p for p in staged_table(address["registry"]).validate(seen) if ".ward_status" in p]
    assert runs["first"].filter(pl.col("item_id") == address["item_id"]).height == 1  # it was open before


def test_reversal_reopens_the_item_and_removes_its_placements(runs):
    wh, split = runs["wh"], runs["split"]
    assert split["item_id"] in set(runs["fourth"]["item_id"])
    assert runs["address"]["item_id"] not in set(runs["fourth"]["item_id"])
    placed = wh.read(REVIEW_SCHEMA, "placements")
    assert placed.filter(pl.col("item_id") == split["item_id"]).height == 0
    decisions = wh.read(REVIEW_SCHEMA, "decisions")
    assert decisions.filter(pl.col("item_id") == split["item_id"])["state"].to_list() == ["reopened"]


def test_audit_is_append_only_and_says_who_when_what(runs):
    wh = runs["wh"]
    before = runs["audit_after_second"]
    after = wh.read(REVIEW_SCHEMA, REVIEW_DECISION_AUDIT.name)
    assert before.height == 2  # the bad row is not audited; re-runs add nothing
    assert after.height == 3
    assert after.join(before, on=list(before.columns), how="semi", nulls_equal=True).height == before.height
    reverse = after.filter(pl.col("decision") == "reverse").row(0, named=True)
    assert reverse["source_file"] == "ward_b.csv" and reverse["source_row"] == 2
    assert reverse["reviewer"] == "Trần Thị B" and "undoes" in reverse["change"]
    first = after.filter(pl.col("item_id") == runs["address"]["item_id"]).row(0, named=True)
    assert first["change"].endswith("(was: open)") and first["source_row"] == 2


def test_bad_row_reported_with_file_row_field_not_value(runs):
    errors = runs["wh"].read(REVIEW_SCHEMA, "decision_errors")
    assert errors.select("source_file", "source_row", "field").rows() == [("ward_a.csv", 4, "decided_on")]
    assert "not-a-date" not in errors["cause"][0]
    clean, checked = runs["checks"]
    assert [c.passed for c in clean] == [True]
    assert [(c.check_name, c.passed) for c in checked] == [("decision_rows_valid", False)]


def test_validation_causes_and_broken_files(tmp_path):
    items = pl.DataFrame(
        {
            "item_id": ["ua-0123456789abcdef", "su-0123456789abcdef"],
            "kind": ["unresolved_address", "split_unit"],
            "candidates": [[], ["2025:26740", "2025:26737"]],
            "name_key": [None, None],
        },
        schema_overrides={"candidates": pl.List(pl.String), "name_key": pl.String},
    )
    (tmp_path / "a.csv").write_text(
        HEADER
        + f"ua-0123456789abcdef,place,A,{TODAY},,26740\n"  # valid
        + f"ua-0123456789abcdef,match,A,{TODAY},,\n"  # not a decision for addresses
        + f"su-0123456789abcdef,place,A,{TODAY},,26734\n"  # not a candidate
        + f"ua-0123456789abcdef,place,,{TODAY + dt.timedelta(days=3)},,\n"  # reviewer, future, no ward
        + "zz-1,dismiss,A,2026-01-01,,\n"  # not an item id
        + "ua-0123456789abcdef,,,,,\n",  # undecided: not an error
        encoding="utf-8",
    )
    (tmp_path / "b.xlsx").write_bytes(b"not a workbook")
    (tmp_path / "c.csv").write_bytes("mã mục;quyết định\n".encode("cp1258", errors="replace") + b"\xff\xfe")
    loaded = load_decisions(tmp_path, ward_codes={"26740", "26737", "26734"}, items=items, today=TODAY)
    assert loaded.rows.height == 1 and loaded.rows["new_uid"][0] == "2025:26740"
    assert loaded.undecided == 1
    got = set(loaded.errors.select("source_file", "source_row", "field").rows())
    assert got == {
        ("a.csv", 3, "decision"),
        ("a.csv", 4, "new_ward_code"),
        ("a.csv", 5, "reviewer"),
        ("a.csv", 5, "decided_on"),
        ("a.csv", 5, "new_ward_code"),
        ("a.csv", 6, "item_id"),
        ("b.xlsx", 0, "*"),
        ("c.csv", 0, "*"),
    }


def test_reverse_undoes_the_decision_before_it_and_later_dates_win():
    def row(decision, day, ward=None, file_row=1):
        return {
            "item_id": "ua-0123456789abcdef",
            "kind": "unresolved_address",
            "decision": decision,
            "new_uid": ward,
            "reviewer": "R",
            "decided_on": dt.date(2026, 1, day),
            "note": None,
            "source_file": "f.csv",
            "sheet": None,
            "source_row": file_row,
        }

    def state(rows):
        audit, _ = append_audit(
            None, pl.DataFrame(rows).cast({"source_row": pl.UInt32}), dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
        )
        return effective_decisions(audit, None).row(0, named=True)

    a, b = row("place", 1, "2025:26740", 1), row("place", 2, "2025:26737", 2)
    assert state([a, b])["new_uid"] == "2025:26737"
    assert state([b, a])["new_uid"] == "2025:26737"  # file order does not matter: the later date wins
    assert state([a, b, row("reverse", 3, file_row=3)])["new_uid"] == "2025:26740"
    gone = state([a, row("reverse", 3, file_row=3)])
    assert gone["state"] == "reopened" and gone["decision"] is None
    assert state([a])["state"] == "closed"  # failure path: without a reverse it stays closed


def test_official_split_evidence_contract():
    decisions = pl.DataFrame(
        {
            "item_id": ["su-1", "su-2", "su-3"],
            "kind": ["split_unit"] * 3,
            "state": ["closed", "closed", "reopened"],
            "decision": ["place", "reject", None],
            "new_uid": ["2025:26740", "2025:26737", None],
            "reviewer": ["A", "B", "C"],
            "decided_on": [dt.date(2026, 1, 1)] * 3,
            "old_uid": ["pre2025:26734"] * 3,
            "name_kind": ["street", "hamlet", "street"],
            "name_key": ["lehong", "ap1", "x"],
        }
    )
    out = official_split_evidence(decisions)
    assert out.columns == ["old_uid", "kind", "name_key", "new_uid", "verdict", "reviewer", "decided_on"]
    assert out.select("name_key", "verdict").rows() == [("ap1", "reject"), ("lehong", "confirm")]
    assert out.schema["decided_on"] == pl.Date


def test_ward_exports_open_in_a_spreadsheet_and_round_trip(runs, tmp_path):
    wh, items = runs["wh"], runs["fourth"]
    wards = wh.root / "review" / "wards"
    folders = {p.name for p in wards.iterdir()}
    assert folders and all(f == "unplaced" or (f.isdigit() and len(f) == 5) for f in folders)
    ward = next(f for f in sorted(folders) if f != "unplaced")
    book = fastexcel.read_excel(str(wards / ward / f"review_{ward}.xlsx"))
    assert book.sheet_names == [
        "quarantined_row",
        "unresolved_address",
        "split_unit",
        "invalid_id",
        "match_pair",
        "unreadable_value",
    ]
    split = book.load_sheet("split_unit", header_row=1).to_polars()  # row 0: Vietnamese headers, row 1: English
    csv = pl.read_csv(wards / ward / "split_unit.csv", infer_schema=False)
    assert split["item_id"].to_list() == csv["item_id"].to_list()
    expected = items.filter((pl.col("kind") == "split_unit") & pl.col("candidates").list.contains(f"2025:{ward}"))[
        "item_id"
    ]
    assert sorted(csv["item_id"].to_list()) == sorted(expected.to_list())
    vi = book.load_sheet("split_unit", header_row=0).to_polars().columns
    assert "Mã mục" in vi and "Quyết định" in vi
    # the export filled in is a decisions file
    import shutil

    folder = tmp_path / "filled"
    folder.mkdir()
    shutil.copy(wards / ward / f"review_{ward}.xlsx", folder / "filled.xlsx")
    keys = wh.read(REVIEW_SCHEMA, REVIEW_ITEM_KEYS.name)
    loaded = load_decisions(folder, ward_codes={ward}, items=keys, today=TODAY)
    assert loaded.rows.height == 0 and loaded.errors.height == 0 and loaded.undecided >= split.height


def test_summary_has_no_personal_values(runs):
    wh = runs["wh"]
    summary = pl.read_parquet(wh.root / "review" / "queue_summary.parquet")
    assert summary.columns == ["new_uid", "candidate", "kind", "open_items", "records_blocked", "closed_items"]
    open_total = runs["fourth"].height
    assert summary["open_items"].sum() >= open_total  # candidates count once per candidate ward
    assert summary["closed_items"].sum() == 1  # the address; the split item was reopened
    items = runs["fourth"]
    expected = (
        items.with_columns(
            pl.when(pl.col("new_uid").is_not_null())
            .then(pl.concat_list("new_uid"))
            .when(pl.col("candidates").list.len() > 0)
            .then("candidates")
            .otherwise(pl.lit([None], pl.List(pl.String)))  # neither: the row without a ward
            .alias("w")
        )
        .explode("w")
        .group_by("w", "kind")
        .agg(pl.col("records_blocked").sum().cast(pl.UInt32))
        .sort("w", "kind", nulls_last=True)
    )
    got = (
        summary.filter(pl.col("open_items") > 0)
        .group_by(pl.col("new_uid").alias("w"), "kind")
        .agg(pl.col("records_blocked").sum())
        .sort("w", "kind", nulls_last=True)
    )
    assert got.rows() == expected.rows() and expected["records_blocked"].sum() > 0
    # the queues are restricted: no review table is an analytics table, the summary has no record-level column
    assert not {t.name for t in REVIEW_TABLES} & {t.name for t in ANALYTICS_TABLES}
    assert not set(summary.columns) & {"record_key", "item_id", "evidence", "left_id", "right_id", "name", "address"}


def test_match_labels_reach_the_matcher(runs, tmp_path):
    """An official's 'match' on a pair reaches the matcher: EM reads it (m_source em+labels) and m moves. The pair is
    the least likely one a trained rule proposed (ties broken by ids), judged the same: its posterior goes from near 0
    to 1. It was the pair at the median probability, sorted on the probability alone: at e.g. 0.9999999998 its
    posterior is already 1.0 in floating point, so its label can leave m bit for bit the same (3 of the 61 pairs
    around the median do, at 54a4a96), and m's run-to-run rounding noise decided whether the models compared unequal."""
    wh = Warehouse(tmp_path / "wh")
    sample, plain = runs["people"]
    trained = [rule.name for rule in load_spec(spec_path("people")).blocking if rule.train]
    rules = pl.col("blocked_by").cast(pl.String).str.split(",")
    pair = (
        plain.result.pairs.filter(rules.list.eval(pl.element().is_in(trained)).list.any())
        .sort("match_probability", "left_id", "right_id")
        .row(0, named=True)
    )
    labels = pl.DataFrame(
        {
            "item_id": ["mp-0000000000000001"],
            "entity_kind": ["people"],
            "left_id": [pair["left_id"]],
            "right_id": [pair["right_id"]],
            "label": ["match"],
            "reviewer": ["A"],
            "decided_on": [TODAY],
        }
    )
    wh.publish(REVIEW_SCHEMA, [(REVIEW_MATCH_LABELS, labels)])
    given = official_match_labels(wh, "people")
    assert given.rows() == [(pair["left_id"], pair["right_id"])]
    assert official_match_labels(wh, "households").height == 0
    labelled = resolve_entities("people", sample, labelled_pairs=given)
    assert "em+labels" in labelled.result.model.m_source.values()
    moved = labelled.result.model_table()["m"] - plain.result.model_table()["m"]
    assert moved.abs().max() > 1e-6  # (more than rounding: m differs at 1e-16 from one run to the next)


def test_split_records_grouped_per_street_when_evidence_exists():
    from pipelines.entities.placement import extract_names
    from pipelines.review.decisions import placements
    from pipelines.review.queues import _split_by_name, _split_by_old_unit, split_groups

    old = "pre2025:27139"
    parts = ["2025:26740", "2025:26737"]
    addresses = ["12 Lê Lợi, Phường 5, Quận 3", "14 Lê Lợi, Phường 5, Quận 3", "4 Hai Bà Trưng, Phường 5, Quận 3"]
    staged = {
        "population": pl.DataFrame(
            {
                "record_key": ["p#1", "p#2", "p#3", "p#4"],
                "old_uid": [old] * 4,
                "address": [*addresses, "12 Lê Lợi, Phường 5, Quận 3"],
                "ward_status": ["split_review"] * 3 + ["exact"],
                "ward_candidates": [parts] * 4,
            }
        )
    }
    key = extract_names(pl.Series(addresses[:1])).filter(pl.col("kind") == "street")["name_key"][0]
    evidence = pl.DataFrame(
        {
            "old_uid": [old],
            "kind": ["street"],
            "name_key": [key],
            "name": ["Lê Lợi"],
            "state": ["conflicting"],
            "proposed_new_uid": [parts[0]],
            "support": [3],
            "conflicting": [2],
            "candidates": [f"{parts[0]}:3;{parts[1]}:2"],
        }
    )
    groups = split_groups(staged, evidence)
    assert groups.filter(pl.col("name_key") == key)["record_key"].to_list() == ["p#1", "p#2"]
    named, rest = _split_by_name(groups, evidence), _split_by_old_unit(groups)
    assert named["records_blocked"].to_list() == [2] and rest["records_blocked"].to_list() == [1]
    assert named["candidates"].to_list() == [parts] and named["item_id"][0] != rest["item_id"][0]
    # without evidence: one item per old unit and registry blocking all three
    assert _split_by_old_unit(split_groups(staged, None))["records_blocked"].to_list() == [3]
    # placing the old unit's item places only the record outside the named item
    decision = pl.DataFrame(
        {
            "item_id": [rest["item_id"][0]],
            "kind": ["split_unit"],
            "state": ["closed"],
            "decision": ["place"],
            "new_uid": [parts[1]],
            "reviewer": ["A"],
            "decided_on": [TODAY],
            "registry": ["population"],
            "record_key": [None],
            "old_uid": [old],
            "name_key": [None],
        },
        schema_overrides={"record_key": pl.String, "name_key": pl.String},
    )
    placed = placements(decision, staged, groups.filter(pl.col("name_key").is_not_null()))
    assert placed["record_key"].to_list() == ["p#3"]
    assert placements(decision, staged)["record_key"].to_list() == ["p#1", "p#2", "p#3"]  # failure path: no grouping


def test_reject_leaves_a_named_split_item_open_and_place_closes_it(runs):
    from pipelines.entities.placement import extract_names
    from pipelines.review.io import read_review_inputs
    from pipelines.review.queues import build_queues

    inputs = read_review_inputs(runs["wh"], None)
    waiting = inputs.staged["population"].filter(pl.col("ward_status") == "split_review").row(0, named=True)
    name = extract_names(pl.Series([waiting["address"]])).row(0, named=True)
    inputs.split_evidence = pl.DataFrame(
        {
            "old_uid": [waiting["old_uid"]],
            "kind": [name["kind"]],
            "name_key": [name["name_key"]],
            "name": [name["name"]],
            "state": ["thin"],
            "proposed_new_uid": [waiting["ward_candidates"][0]],
            "support": [1],
            "conflicting": [0],
            "candidates": [f"{waiting['ward_candidates'][0]}:1"],
        }
    )
    now = dt.datetime.now(dt.UTC)
    none = pl.DataFrame(schema={"item_id": pl.String, "state": pl.String, "decision": pl.String})
    items = build_queues(inputs, none, None, now).items
    named = items.filter(pl.col("name_key") == name["name_key"])
    assert named.height == 1 and named["records_blocked"][0] >= 1

    def decided(decision: str) -> set[str]:
        frame = pl.DataFrame({"item_id": [named["item_id"][0]], "state": ["closed"], "decision": [decision]})
        return set(build_queues(inputs, frame, None, now).items["item_id"])

    assert named["item_id"][0] in decided("reject")
    assert named["item_id"][0] not in decided("place")


def test_a_ward_that_declined_a_split_street_no_longer_gets_it_but_may_still_place_it(runs):
    """HA2: after ward X's 'reject' the item stays open for the other candidates only (X's officials saw the street
    they declined again in every file); the item's keys keep X, so X may still place it later."""
    from pipelines.review.io import read_review_inputs
    from pipelines.review.queues import build_queues, queue_summary

    inputs = read_review_inputs(runs["wh"], None)
    now = dt.datetime.now(dt.UTC)
    none = pl.DataFrame(schema={"item_id": pl.String, "state": pl.String, "decision": pl.String, "new_uid": pl.String})
    before = build_queues(inputs, none, None, now)
    split = before.items.filter((pl.col("kind") == "split_unit") & (pl.col("candidates").list.len() > 1)).row(
        0, named=True
    )
    ruled_out = split["candidates"][0]
    rejected = pl.DataFrame(
        {"item_id": [split["item_id"]], "state": ["closed"], "decision": ["reject"], "new_uid": [ruled_out]}
    )
    after = build_queues(inputs, rejected, None, now)
    item = after.items.filter(pl.col("item_id") == split["item_id"]).row(0, named=True)
    assert item["candidates"] == [c for c in split["candidates"] if c != ruled_out]
    assert item["summary"].endswith(f"; ruled out by an official: {ruled_out}")
    keys = after.item_keys.filter(pl.col("item_id") == split["item_id"]).row(0, named=True)
    assert keys["candidates"] == split["candidates"]  # X may still place it: a decision names a candidate of the keys
    summary = queue_summary(after)
    in_ruled_ward = summary.filter((pl.col("new_uid") == ruled_out) & (pl.col("kind") == "split_unit"))
    in_ruled_ward_before = queue_summary(before).filter(
        (pl.col("new_uid") == ruled_out) & (pl.col("kind") == "split_unit")
    )
    assert in_ruled_ward["open_items"].sum() == in_ruled_ward_before["open_items"].sum() - 1


def test_match_decisions_link_and_no_match_decisions_keep_apart(runs):
    """An official's 'match' links a pair the model would not; 'no_match' splits a pair it would link,
    also when a third record joins them."""
    sample, plain = runs["people"]
    pairs = plain.result.pairs
    records = plain.lineage.select("record_key", "entity_id")

    def entity_of(result, key: str) -> str:
        return result.lineage.filter(pl.col("record_key") == key)["entity_id"][0]

    linked = pairs.filter(pl.col("decision") == "link").sort("match_probability").row(0, named=True)
    weak = pairs.filter(pl.col("decision") != "link").sort("match_probability").row(-1, named=True)
    assert entity_of(plain, linked["left_id"]) == entity_of(plain, linked["right_id"])  # the failure path below
    assert entity_of(plain, weak["left_id"]) != entity_of(plain, weak["right_id"])
    # an entity of three or more records: keep its two ends apart
    big = records.group_by("entity_id").len().filter(pl.col("len") >= 3)
    assert big.height, "the sample has an entity of three records"
    members = records.filter(pl.col("entity_id") == big["entity_id"][0])["record_key"].sort()
    ends = (members[0], members[-1])

    different = pl.DataFrame({"left_id": [linked["left_id"], ends[0]], "right_id": [linked["right_id"], ends[1]]})
    same = pl.DataFrame({"left_id": [weak["left_id"]], "right_id": [weak["right_id"]]})
    decided = resolve_entities("people", sample, labelled_pairs=same, cannot_link_pairs=different)

    assert entity_of(decided, linked["left_id"]) != entity_of(decided, linked["right_id"])
    assert entity_of(decided, ends[0]) != entity_of(decided, ends[1])
    assert entity_of(decided, weak["left_id"]) == entity_of(decided, weak["right_id"])
    row = decided.result.pairs.filter(
        (pl.col("left_id") == weak["left_id"]) & (pl.col("right_id") == weak["right_id"])
    ).row(0, named=True)
    assert row["decision"] == "link" and row["decision_reason"] == "reviewer: same entity"
    vetoed = decided.result.pairs.filter(
        (pl.col("left_id") == linked["left_id"]) & (pl.col("right_id") == linked["right_id"])
    ).row(0, named=True)
    assert vetoed["decision"] != "link" and vetoed["decision_reason"] == "reviewer: different entities"
    # every record still in exactly one entity
    assert decided.lineage["record_key"].is_unique().all() and decided.lineage.height == sample.height


def test_labels_report_counts_labels_and_proposes_thresholds(runs):
    """Officials' labels: counted as used or naming records this run did not match; thresholds proposed
    only with enough labels (a handful moves nothing)."""
    sample, _ = runs["people"]
    # every pair in the pair table (the sample keeps 13 pairs under the link threshold from people.toml's floor up)
    spec = replace(load_spec(spec_path("people")), pair_floor=0.0)
    result = match(sample, spec)
    pairs = result.pairs.sort("match_probability", descending=True)
    few = pairs.head(3).select("left_id", "right_id")
    stranger = pl.DataFrame({"left_id": ["nobody#1"], "right_id": [pairs["left_id"][0]]})
    report = labels_report(result, pl.concat([few, stranger]), None, spec)
    assert report["labels"] == {"used": 3, "not_scored": 0, "unknown": 1}
    assert report["thresholds_from_labels"]["link_threshold"] == spec.link_threshold
    assert "thresholds kept" in report["thresholds_from_labels"]["reasons"][0]
    # 40 labels below the link threshold, all answered "same": true pairs at the bottom of the queue,
    # so the review band is extended downwards; answered "different": it is not
    below = pairs.filter(pl.col("match_probability") < spec.link_threshold).head(40).select("left_id", "right_id")
    same = labels_report(result, below, None, spec)["thresholds_from_labels"]
    assert same["review_threshold"] < spec.review_threshold and "lowered" in same["reasons"][1]
    different = labels_report(result, None, below, spec)
    assert different["labels"]["used"] == below.height
    assert different["thresholds_from_labels"]["review_threshold"] == spec.review_threshold
    assert different["thresholds_from_labels"]["link_threshold"] == spec.link_threshold
    assert labels_report(result, None, None, spec) == {}


def test_row_without_decision_and_a_mangled_item_id_is_reported_not_counted_undecided(tmp_path):
    """An id a spreadsheet turned into a number (or a note typed in the column) on a row without a decision is no
    item left undecided: the row is reported with file, row and field, never its value."""
    items = pl.DataFrame(
        {"item_id": ["ua-0123456789abcdef"], "kind": ["unresolved_address"], "candidates": [[]], "name_key": [None]},
        schema_overrides={"candidates": pl.List(pl.String), "name_key": pl.String},
    )
    (tmp_path / "w.csv").write_text(
        HEADER
        + "ua-0123456789abcdef,,,,,\n"  # undecided
        + "1.23457E+17,,,,,\n"  # the id as Excel shows a long number
        + "call the household back,,,,,\n",  # a note in the id column
        encoding="utf-8",
    )
    loaded = load_decisions(tmp_path, ward_codes={"26740"}, items=items, today=TODAY)
    assert loaded.undecided == 1
    assert loaded.errors.select("source_file", "source_row", "field").rows() == [
        ("w.csv", 3, "item_id"),
        ("w.csv", 4, "item_id"),
    ]
    assert all("not a review item id" in c and "no decision" in c for c in loaded.errors["cause"])
    assert not any("household" in c or "E+17" in c for c in loaded.errors["cause"])
    assert loaded.rows_rejected == 2

"""A match_pair item holding several record pairs, as a ward official works it (issue 14 / review queues; HV6).

An item is a pair of entities: every queued record pair joining the same two entities is one question, and a
``match`` decision labels every one of them (``decisions.match_labels``). Before, the ward file showed the values of
one pair and named the others by record key only (``other_pairs``): on the bundled sample item
``mp-56f94a5be7e14344`` of ward 25891 the unseen pair had p=0.186. Now each record pair is a row of its own in the
ward file, under the item's id; the decision may be written on any row of the item (or the same on several), rows of
one item giving different decisions are refused, naming the item and the rows. Left/right columns are kept in pairs.
"""

from __future__ import annotations

import datetime as dt

import fastexcel
import polars as pl
import pytest

from pipelines.review.decisions import append_audit, effective_decisions, load_decisions, match_labels
from pipelines.review.exports import write_ward_exports
from pipelines.review.ids import item_ids
from pipelines.review.queues import ReviewInputs, update_item_keys
from pipelines.schema import REVIEW_ITEM_KEYS, REVIEW_KINDS
from tests.reviewhelpers import LINEAGE, PAIRS, people_review, write_match_pair_files

NOW = dt.datetime(2026, 12, 5, tzinfo=dt.UTC)
DAY = dt.date(2026, 12, 5)
WARD = "26740"
HEADER = "item_id,decision,reviewer,decided_on,note,new_ward_code\n"

NAMES = {f"p#{i}": f"Người {i}" for i in range(1, 8)}
PHONES = {"p#1": "0901000001", "p#6": "0901000006"}  # p#1's phone on the left of its pair, its partner has none


def _review() -> pl.DataFrame:
    return people_review(
        PAIRS,
        lambda left, right: {
            "left_full_name": NAMES[left],
            "right_full_name": NAMES[right],
            "left_phone": PHONES.get(left),
            "right_phone": PHONES.get(right),
        },
    )


def _inputs() -> ReviewInputs:
    keys = sorted(NAMES)
    staged = pl.DataFrame({"record_key": keys, "new_uid": [f"2025:{WARD}"] * len(keys)})
    return ReviewInputs(
        staged={"population": staged},
        quarantine={},
        review={"people": _review()},
        ward_names=pl.DataFrame(),
        entity_of={"people": LINEAGE},
    )


def _pair_id(left: str, right: str) -> str:
    frame = pl.DataFrame({"entity_kind": ["people"], "left_id": [left], "right_id": [right]})
    return item_ids(frame, "match_pair", ["entity_kind", "left_id", "right_id"])[0]


KEY_TYPES = REVIEW_ITEM_KEYS.polars_schema
AB, CD = _pair_id("p#1", "p#2"), _pair_id("p#6", "p#7")


def _write(root, headers: str = "en"):  # noqa: ANN001, ANN202
    """The ward files of the match_pair items of PAIRS (A~B: three record pairs; C~D: one), and the items' keys."""
    queue = write_match_pair_files(_inputs(), root, WARD, headers)
    keyed = queue.with_columns(pl.lit(None, t).alias(c) for c, t in KEY_TYPES.items() if c not in queue.columns)
    return update_item_keys(None, keyed, NOW)


def test_every_record_pair_of_an_item_is_a_row_with_its_values(tmp_path):
    _write(tmp_path)
    table = pl.read_csv(tmp_path / "wards" / WARD / "match_pair.csv", infer_schema=False)
    ab = table.filter(pl.col("item_id") == AB)
    # one row per record pair, under the item's id, strongest first; each record's values beside its key
    assert ab.select("pair_no", "left_id", "right_id", "left_full_name", "right_full_name").rows() == [
        ("1", "p#4", "p#5", "Người 4", "Người 5"),
        ("2", "p#3", "p#4", "Người 3", "Người 4"),
        ("3", "p#1", "p#2", "Người 1", "Người 2"),
    ]
    assert set(ab["record_pairs"]) == {"3"} and ab["match_probability"].to_list() == ["0.7", "0.5", "0.2"]
    assert table.filter(pl.col("item_id") == CD).height == 1
    # the rows of an item are together, the item's rank on each
    assert table["item_id"].to_list() == [AB, AB, AB, CD] or table["item_id"].to_list() == [CD, AB, AB, AB]
    assert "other_pairs" not in table.columns  # every pair is shown: no list of keys beside one pair
    assert not {"kind", "entity_kind"} & set(table.columns)  # the item's, not the pair's
    # the workbook holds the same rows
    book = fastexcel.read_excel(str(tmp_path / "wards" / WARD / f"review_{WARD}.xlsx"))
    sheet = book.load_sheet("match_pair", header_row=1, dtypes="string").to_polars()
    assert (
        sheet.select("item_id", "left_id", "right_id").rows() == table.select("item_id", "left_id", "right_id").rows()
    )
    vi = book.load_sheet("match_pair", header_row=0).to_polars().columns
    assert {"Cặp số (trong mục)", "Mã hồ sơ trái", "Mã hồ sơ phải"} <= set(vi)


def test_left_and_right_columns_are_kept_or_dropped_together(tmp_path):
    """HV6: a ward file dropped a column empty for all its items one side at a time: left_phone kept, right_phone
    dropped. Both sides of a shown field are kept while either has a value, and dropped together."""
    _write(tmp_path)
    columns = pl.read_csv(tmp_path / "wards" / WARD / "match_pair.csv", infer_schema=False).columns
    assert {"left_phone", "right_phone"} <= set(columns)
    assert not {"left_personal_id", "right_personal_id"} & set(columns)  # empty on both sides: both dropped
    for column in columns:
        for side, other in (("left_", "right_"), ("right_", "left_")):
            if column.startswith(side):
                assert other + column.removeprefix(side) in columns, column


def test_left_and_right_columns_in_pairs_also_without_pair_rows(tmp_path):
    """The same rule on the item-level evidence alone (callers that pass no pair rows)."""
    items = pl.DataFrame(
        {
            "item_id": [AB],
            "kind": ["match_pair"],
            "rank": [1],
            "records_blocked": [2],
            "new_uid": [f"2025:{WARD}"],
            "candidates": [[]],
            "summary": ["uncertain people pair (review)"],
        },
        schema_overrides={"candidates": pl.List(pl.String), "rank": pl.UInt32, "records_blocked": pl.UInt32},
    )
    evidence = {kind: pl.DataFrame(schema={"item_id": pl.String}) for kind in REVIEW_KINDS}
    evidence["match_pair"] = pl.DataFrame(
        {"item_id": [AB], "left_phone": ["0901"], "right_phone": [None], "left_vsic": [None], "right_vsic": [None]},
        schema_overrides={"right_phone": pl.String, "left_vsic": pl.String, "right_vsic": pl.String},
    )
    names = pl.DataFrame({"unit_uid": [f"2025:{WARD}"], "name": ["Phường Sài Gòn"]})
    write_ward_exports(items, evidence, names, tmp_path)
    columns = pl.read_csv(tmp_path / "wards" / WARD / "match_pair.csv", infer_schema=False).columns
    assert {"left_phone", "right_phone"} <= set(columns) and not {"left_vsic", "right_vsic"} & set(columns)


def _keys_and_decide(folder, keys):  # noqa: ANN001, ANN202
    loaded = load_decisions(folder, ward_codes={WARD}, items=keys, today=DAY)
    audit, _ = append_audit(None, loaded.rows, NOW)
    return loaded, effective_decisions(audit, keys)


@pytest.mark.parametrize("row", [0, 1, 2])
def test_a_decision_on_any_row_of_an_item_labels_every_pair_csv(tmp_path, row):
    keys = _write(tmp_path / "wh")
    table = pl.read_csv(tmp_path / "wh" / "wards" / WARD / "match_pair.csv", infer_schema=False)
    at = [i for i, item in enumerate(table["item_id"]) if item == AB][row]
    filled = table.with_columns(
        pl.when(pl.int_range(pl.len()) == at).then(pl.lit(v)).otherwise(pl.col(c)).alias(c)
        for c, v in (("decision", "match"), ("reviewer", "Cán bộ A"), ("decided_on", str(DAY)))
    )
    folder = tmp_path / "decisions"
    folder.mkdir()
    filled.write_csv(folder / "match_pair.csv")
    loaded, decisions = _keys_and_decide(folder, keys)
    assert loaded.errors.height == 0 and loaded.rows["item_id"].to_list() == [AB]
    assert loaded.undecided == 1  # C~D; the item A~B's other rows are not items left undecided
    labels = match_labels(decisions)
    assert sorted(labels.select("left_id", "right_id").rows()) == [("p#1", "p#2"), ("p#3", "p#4"), ("p#4", "p#5")]
    assert set(labels["label"]) == {"match"}


def test_a_decision_filled_down_every_row_of_an_item_in_the_workbook_is_one_decision(tmp_path):
    import xlsxwriter

    keys = _write(tmp_path / "wh", headers="both")
    book = fastexcel.read_excel(str(tmp_path / "wh" / "wards" / WARD / f"review_{WARD}.xlsx"))
    grid = book.load_sheet("match_pair", header_row=None, dtypes="string").to_polars()
    cells = [["" if v is None else v for v in row] for row in grid.rows()]
    header = cells[1]  # row 1 Vietnamese, row 2 English
    for row in cells[2:]:
        if row[header.index("item_id")] == AB:  # the decision filled down the item's three rows
            for column, value in (("decision", "no_match"), ("reviewer", "Cán bộ A"), ("decided_on", str(DAY))):
                row[header.index(column)] = value
    folder = tmp_path / "decisions"
    folder.mkdir()
    with xlsxwriter.Workbook(str(folder / "filled.xlsx")) as out:
        sheet = out.add_worksheet("match_pair")
        for r, row in enumerate(cells):
            sheet.write_row(r, 0, row)
    loaded, decisions = _keys_and_decide(folder, keys)
    assert loaded.errors.height == 0 and loaded.rows.height == 1 and loaded.undecided == 1
    assert loaded.rows.row(0, named=True)["source_row"] == 3  # the first of the item's rows
    labels = match_labels(decisions)
    assert labels.height == 3 and set(labels["label"]) == {"no_match"}


def _bare_keys() -> pl.DataFrame:
    """REVIEW_ITEM_KEYS of the two items, ids and kind only (what validation reads)."""
    rows = {c: [None, None] for c in REVIEW_ITEM_KEYS.columns} | {
        "item_id": [AB, CD],
        "kind": ["match_pair"] * 2,
        "candidates": [[], []],
    }
    return pl.DataFrame(rows).cast(REVIEW_ITEM_KEYS.polars_schema, strict=False)


def test_rows_of_one_item_giving_different_decisions_are_refused_naming_the_item_and_rows(tmp_path):
    keys = _bare_keys()
    folder = tmp_path / "decisions"
    folder.mkdir()
    (folder / "ward.csv").write_text(
        HEADER
        + f"{AB},match,Cán bộ A,{DAY},,\n"  # row 2
        + f"{AB},,,,,\n"  # row 3: no decision, another row of the item
        + f"{AB},no_match,Cán bộ A,{DAY},,\n"  # row 4: disagrees with row 2
        + f"{CD},match,Cán bộ A,{DAY},,\n",  # row 5: another item, applied
        encoding="utf-8",
    )
    loaded, decisions = _keys_and_decide(folder, keys)
    assert loaded.rows["item_id"].to_list() == [CD]  # neither of the two is applied: nothing picks one
    errors = loaded.errors.sort("source_row")
    assert errors.select("source_file", "source_row", "field").rows() == [
        ("ward.csv", 2, "decision"),
        ("ward.csv", 4, "decision"),
    ]
    for cause in errors["cause"]:
        assert AB in cause and "rows 2, 4" in cause
        assert "Cán bộ" not in cause and "no_match" not in cause  # never a value
    assert decisions.filter(pl.col("item_id") == AB).height == 0
    assert loaded.undecided == 0  # the item's undecided row is not an item left undecided


def test_a_match_pair_row_in_another_file_is_not_part_of_the_disagreement(tmp_path):
    """Rows of one item in different files (or sheets) are different decisions: the later date wins, a same-day
    difference is a conflict (README), as before."""
    keys = _bare_keys()
    folder = tmp_path / "decisions"
    folder.mkdir()
    (folder / "a.csv").write_text(HEADER + f"{AB},match,Cán bộ A,2026-12-01,,\n", encoding="utf-8")
    (folder / "b.csv").write_text(HEADER + f"{AB},no_match,Cán bộ B,2026-12-02,,\n", encoding="utf-8")
    loaded, decisions = _keys_and_decide(folder, keys)
    assert loaded.errors.height == 0 and loaded.rows.height == 2
    assert decisions.row(0, named=True)["decision"] == "no_match"


def test_an_item_goes_to_the_wards_of_all_its_records(tmp_path):
    """HV6's sample item was in ward 25891's files only (its first pair's records), while its further pair's record
    #989 is in ward 27154: that ward's officials never saw the item that changes their record. An item's ward is the
    one ward of all its records, else each of their wards is a candidate and has it in its files."""
    from pipelines.review.queues import match_pair

    inputs = _inputs()
    other = "2025:27154"
    inputs.staged["population"] = inputs.staged["population"].with_columns(
        pl.when(pl.col("record_key") == "p#5").then(pl.lit(other)).otherwise(pl.col("new_uid")).alias("new_uid")
    )
    items = {r["item_id"]: r for r in match_pair(inputs).iter_rows(named=True)}
    # A~B: p#4 ~ p#5 (the strongest pair) joins a record of 27154 to one of 26740
    assert (items[AB]["new_uid"], sorted(items[AB]["candidates"])) == (None, [f"2025:{WARD}", other])
    assert (items[CD]["new_uid"], items[CD]["candidates"]) == (f"2025:{WARD}", [])


def test_the_matcher_counts_the_items_the_queue_makes():
    """One grouping rule (engine.review_question): the items the queue makes of the queued pairs are the items the
    matcher counts (engine.items_between, its review_items figure), a pair with an end of unknown entity included
    (an item of its own in the queue; it was not counted)."""
    from pipelines.match.engine import items_between
    from pipelines.review.queues import match_pair

    lineage = LINEAGE.filter(pl.col("record_key") != "p#7")  # p#6 ~ p#7: one end's entity not known
    inputs = _inputs()
    review = pl.concat(
        [inputs.review["people"], _review().head(1).with_columns(left_id=pl.lit("p#1"), right_id=pl.lit("p#5"))]
    )
    inputs.review["people"] = review  # and p#1 ~ p#5, inside A
    inputs.entity_of["people"] = lineage
    items = match_pair(inputs)
    assert items.height == 3  # A~B (3 pairs), inside A, p#6~p#7
    entity = dict(lineage.rows())
    left = pl.Series([entity.get(k) for k in review["left_id"]], dtype=pl.String)
    right = pl.Series([entity.get(k) for k in review["right_id"]], dtype=pl.String)
    assert items_between(left, right) == items.height


# ---------------------------------------------------------------------------------------------- the bundled sample

SAMPLE_ITEM = "mp-56f94a5be7e14344"  # ward 25891: two record pairs, HV6's finding
UNSEEN = ("population_723@2025-08-31#563", "population_770@2025-08-31#989")  # shown by key only before


def test_the_sample_items_every_record_pair_is_shown_with_its_values(sample_run):
    wards = sample_run.warehouse / "review" / "wards"
    table = pl.read_csv(wards / "25891" / "match_pair.csv", infer_schema=False)
    item = table.filter(pl.col("item_id") == SAMPLE_ITEM)
    assert item.height == 2 and set(item["record_pairs"]) == {"2"}
    unseen = item.filter((pl.col("left_id") == UNSEEN[0]) & (pl.col("right_id") == UNSEEN[1]))
    assert unseen.height == 1
    staged = pl.scan_parquet(sample_run.warehouse / "parquet" / "staged" / "staged_population" / "*" / "*.parquet")
    names = dict(staged.filter(pl.col("record_key").is_in(UNSEEN)).select("record_key", "full_name").collect().rows())
    shown = unseen.row(0, named=True)
    assert (shown["left_full_name"], shown["right_full_name"]) == (names[UNSEEN[0]], names[UNSEEN[1]])
    # its own probability, as the run published the pair (was a constant, 0.186, stale once the model moved: 0.127
    # since 9895b44 weighed a year off by one apart)
    published = pl.read_parquet(sample_run.warehouse / "parquet" / "entities" / "people_review.parquet").filter(
        (pl.col("left_id") == UNSEEN[0]) & (pl.col("right_id") == UNSEEN[1])
    )
    assert published.height == 1
    assert float(shown["match_probability"]) == pytest.approx(published["match_probability"].item(), rel=1e-12)


def test_every_sample_ward_file_shows_each_pair_of_its_items_and_pairs_its_columns(sample_run):
    wards = sample_run.warehouse / "review" / "wards"
    keys = pl.read_parquet(sample_run.warehouse / "parquet" / "review" / "item_keys.parquet")
    several = 0
    for path in wards.glob("*/match_pair.csv"):
        table = pl.read_csv(path, infer_schema=False)
        for column in table.columns:
            for side, other in (("left_", "right_"), ("right_", "left_")):
                if column.startswith(side):
                    assert other + column.removeprefix(side) in table.columns, (path.parent.name, column)
        if not table.height:
            continue
        shown = table.group_by("item_id").agg(pl.struct("left_id", "right_id").alias("pairs"))
        for item_id, pairs in shown.iter_rows():
            key = keys.filter(pl.col("item_id") == item_id).row(0, named=True)
            expected = {(key["left_id"], key["right_id"])} | set(
                zip(key["more_left_ids"] or [], key["more_right_ids"] or [], strict=True)
            )
            assert {(p["left_id"], p["right_id"]) for p in pairs} == expected, item_id
            several += len(expected) > 1
    assert several > 0  # the sample has items holding several record pairs

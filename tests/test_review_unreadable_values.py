"""A value staging could not read goes to the ward officials as an ``unreadable_value`` item (HV27).

Staging flags a birth date, sex, phone, members count or registration date it cannot read (the staged ``issues``,
the value left empty), and the exports said such records were "flagged in the city's warehouse ..., in no ward
officials' review queue" (a743fd0): nobody was asked to correct them at source (the sample's 200 households with an
unreadable registration date, none queued). IDs and tax codes with problems were already ``invalid_id`` items. Now
each source record (its newest version) with such values is one item per question (the fields and their values as
the source wrote them, from the raw layer), in the record's ward, decided ``fixed_at_source`` or ``dismiss``, its id
kept across monthly extracts while the values stay the same. A missing value (nothing written) is not asked.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import polars as pl

from pipelines.review.decisions import (
    KIND_DECISIONS,
    append_audit,
    effective_decisions,
    empty_audit,
    load_decisions,
)
from pipelines.review.exports import write_ward_exports
from pipelines.review.ids import ITEM_ID_PATTERN, PREFIX, URGENCY
from pipelines.review.queues import (
    ReviewInputs,
    build_queues,
    queue_summary,
    queue_totals,
    unreadable_fields,
    unreadable_rows,
)
from pipelines.schema import QUARANTINE, REVIEW_KINDS, review_table

NOW = dt.datetime(2026, 12, 6, 8, tzinfo=dt.UTC)
DAY = dt.date(2026, 12, 6)
WARD = "26740"
MONTHS = (dt.date(2025, 6, 30), dt.date(2025, 7, 31), dt.date(2025, 8, 31))
KIND = "unreadable_value"


def _record(month: dt.date, key: str, issues: str | None = None, **values) -> dict:  # noqa: ANN003
    row = {
        "record_key": f"population_718@{month.isoformat()}#{key}",
        "source_id": "population_718",
        "extract_date": month,
        "source_file": f"population/population_718_{month:%Y%m%d}.csv",
        "source_key": key,
        "full_name": f"Người {key}",
        "personal_id": None,
        "old_id_number": None,
        "id_flags": None,
        "old_id_flags": None,
        "date_of_birth": None,
        "sex": None,
        "phone": None,
        "registered_on": None,
        "issues": issues,
        "address": f"{key} Lê Lợi, Phường Sài Gòn",
        "old_uid": "pre2025:26734",
        "new_uid": f"2025:{WARD}",
        "ward_status": "exact",
        "ward_reason": None,
        "ward_candidates": None,
    }
    row.update(values)
    return row


def _month(month: dt.date) -> tuple[list[dict], list[dict]]:
    """(staged rows, raw rows) of one extract. Key 1: birth date and phone unreadable; 2: sex unreadable (its value
    changes in August); 3: birth date missing (nothing written); 4: a date read in the other order (read, no problem);
    5: an ID with a problem (invalid_id's, not this kind's); 6: nothing wrong."""
    august = month == MONTHS[2]
    sex = "x" if august else "?"
    staged = [
        _record(
            month,
            "1",
            "date_of_birth: unreadable (impossible date); phone: not a phone number (wrong length)",
            sex="F",
        ),
        _record(month, "2", "sex: unreadable (not M/F)"),
        _record(month, "3", "date_of_birth: missing", sex="M"),
        _record(month, "4", "registered_on: read month-first (the only valid order)", registered_on=month),
        _record(month, "5", "personal_id: non_digit", id_flags="non_digit"),
        _record(month, "6"),
    ]
    raw = [
        {"record_key": staged[0]["record_key"], "date_of_birth": "31/02/1990", "sex": "Nữ", "phone": "=0909 12"},
        {"record_key": staged[1]["record_key"], "date_of_birth": "01/01/1980", "sex": sex, "phone": None},
    ]
    return staged, raw


def _frames(months: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    staged, raw = [], []
    for month in MONTHS[:months]:
        s, r = _month(month)
        staged += s
        raw += r
    text = ("personal_id", "old_id_number", "id_flags", "old_id_flags", "sex", "phone", "ward_reason", "issues")
    staged_frame = pl.DataFrame(
        staged,
        schema_overrides={
            "ward_candidates": pl.List(pl.String),
            "date_of_birth": pl.Date,
            "registered_on": pl.Date,
            **dict.fromkeys(text, pl.String),
        },
    )
    return staged_frame, pl.DataFrame(
        raw, schema=dict.fromkeys(("record_key", "date_of_birth", "sex", "phone"), pl.String)
    )


def _inputs(months: int) -> ReviewInputs:
    staged, raw = _frames(months)
    newest = staged["extract_date"].max()
    earlier = staged.filter(pl.col("extract_date") < newest)  # every older version follows its newest
    quarantine = pl.DataFrame(schema=QUARANTINE.polars_schema).with_columns(
        pl.lit(None, pl.String).alias("new_uid"), pl.lit(None, pl.List(pl.String)).alias("candidates")
    )
    return ReviewInputs(
        staged={"population": staged},
        quarantine={"population": quarantine},
        review={"people": pl.DataFrame(schema=review_table("people").polars_schema)},
        ward_names=pl.DataFrame({"unit_uid": [f"2025:{WARD}"], "name": ["Phường Sài Gòn"]}),
        earlier_versions={"population": earlier["record_key"]},
        raw_values={"population": raw},
    )


def _decide(folder: Path, rows: list[tuple[str, str]], items: pl.DataFrame, audit: pl.DataFrame | None = None):
    """The officials' decisions file read as a run reads it: (the loaded rows, the audit, review.decisions)."""
    folder.mkdir(exist_ok=True)
    lines = ["item_id,decision,reviewer,decided_on,note,new_ward_code"]
    lines += [f"{item},{decision},Cán bộ A,{DAY.isoformat()},," for item, decision in rows]
    (folder / "decisions.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded = load_decisions(folder, ward_codes={WARD}, items=items, today=DAY)
    audit, _ = append_audit(audit, loaded.rows, NOW)
    return loaded, audit, effective_decisions(audit, items)


def _mine(items: pl.DataFrame) -> dict[str, dict]:
    """source key -> the open unreadable_value item (its queue row) of that source record."""
    rows = items.filter(pl.col("kind") == KIND)
    return {r["record_key"].split("#")[-1]: r for r in rows.iter_rows(named=True)}


def _queue(months: int = 2):  # noqa: ANN202
    return build_queues(_inputs(months), effective_decisions(empty_audit(), None), None, NOW)


def test_the_kind_is_declared_with_its_prefix_decisions_and_urgency():
    assert KIND in REVIEW_KINDS and PREFIX[KIND] == "uv"
    assert KIND_DECISIONS[KIND] == ("fixed_at_source", "dismiss")
    assert URGENCY[KIND] == len(REVIEW_KINDS)  # least urgent: the record is staged, counted and linked
    assert unreadable_fields("population") == ("date_of_birth", "sex", "phone", "registered_on")
    assert unreadable_fields("households") == ("members", "registered_on")
    assert unreadable_fields("businesses") == ("registered_on",)
    assert unreadable_fields("tax") == ()  # its flagged field is the tax code: invalid_id's


def test_an_unreadable_value_is_an_item_of_its_record_in_its_ward():
    queues = _queue()
    mine = _mine(queues.items)
    assert sorted(mine) == ["1", "2"]  # 3: missing (nothing written), 4: read, 5: an ID (invalid_id), 6: fine
    one = mine["1"]
    assert one["item_id"].startswith("uv-") and pl.Series([one["item_id"]]).str.contains(ITEM_ID_PATTERN).all()
    assert one["record_key"].endswith("2025-07-31#1")  # the newest version only: not one per extract
    assert one["new_uid"] == f"2025:{WARD}" and one["records_blocked"] == 1
    assert one["urgency"] == len(REVIEW_KINDS)
    assert one["summary"] == "unreadable date_of_birth; phone in population"  # no value in the summary
    evidence = queues.evidence[KIND].filter(pl.col("item_id") == one["item_id"]).row(0, named=True)
    assert evidence["fields"] == "date_of_birth; phone"
    assert evidence["values"] == "31/02/1990; =0909 12"  # as the source wrote them (raw), the sex it read not asked
    assert evidence["flags"] == "date_of_birth: unreadable (impossible date); phone: not a phone number (wrong length)"
    invalid = queues.items.filter(pl.col("kind") == "invalid_id")["record_key"].to_list()
    assert [k.split("#")[-1] for k in invalid] == ["5"]
    # every unreadable value of the newest versions is in exactly one item
    newest = _frames(2)[0].filter(pl.col("extract_date") == MONTHS[1])
    assert sorted(unreadable_rows("population", newest).to_list()) == sorted(r["record_key"] for r in mine.values())


def test_the_item_keeps_its_id_across_extracts_and_a_decision_stands(tmp_path):
    july = _queue(2)
    ids = {k: r["item_id"] for k, r in _mine(july.items).items()}
    loaded, audit, decisions = _decide(
        tmp_path / "dec", [(ids["1"], "fixed_at_source"), (ids["2"], "dismiss")], july.item_keys
    )
    assert loaded.errors.height == 0, loaded.errors
    august = build_queues(_inputs(3), decisions, july.item_keys, NOW + dt.timedelta(days=31))
    still = _mine(august.items)
    # key 1 asks the same in August: its item (decided) is closed, under July's id, now August's version
    assert "1" not in still
    kept = august.item_keys.filter(pl.col("item_id") == ids["1"]).row(0, named=True)
    assert kept["record_key"].endswith("2025-08-31#1") and kept["question_key"] is not None
    assert august.closed.filter(pl.col("item_id") == ids["1"]).height == 1
    # key 2's sex changed in August ('?' -> 'x'): another question, a new item
    assert list(still) == ["2"] and still["2"]["item_id"] != ids["2"]
    totals = queue_totals(august).filter(pl.col("kind") == KIND).row(0, named=True)
    assert (totals["open_items"], totals["records_blocked"], totals["closed_items"]) == (1, 1, 2)


def test_only_its_decisions_and_reverse_are_taken(tmp_path):
    july = _queue(2)
    item = _mine(july.items)["1"]["item_id"]
    loaded, _, _ = _decide(tmp_path / "bad", [(item, "accept")], july.item_keys)
    assert loaded.rows.height == 0 and loaded.errors.height == 1
    assert "it takes fixed_at_source, dismiss, reverse" in loaded.errors["cause"][0]
    assert "31/02/1990" not in loaded.errors.write_csv()  # never a value in the errors
    _, audit, decisions = _decide(tmp_path / "ok", [(item, "dismiss")], july.item_keys)
    assert decisions.filter(pl.col("item_id") == item)["state"].to_list() == ["closed"]
    # a reverse reopens it
    (tmp_path / "ok" / "decisions.csv").unlink()
    later = DAY + dt.timedelta(days=1)
    folder = tmp_path / "rev"
    folder.mkdir()
    (folder / "d.csv").write_text(
        f"item_id,decision,reviewer,decided_on\n{item},reverse,Cán bộ A,{later.isoformat()}\n", encoding="utf-8"
    )
    loaded = load_decisions(folder, ward_codes={WARD}, items=july.item_keys, today=later)
    assert loaded.errors.height == 0, loaded.errors
    audit, _ = append_audit(audit, loaded.rows, NOW + dt.timedelta(days=1))
    reopened = effective_decisions(audit, july.item_keys)
    again = build_queues(_inputs(2), reopened, july.item_keys, NOW + dt.timedelta(days=1))
    assert item in again.items["item_id"].to_list()


def test_the_ward_files_show_the_field_and_value_with_its_decisions(tmp_path):
    queues = _queue()
    write_ward_exports(queues.items, queues.evidence, _inputs(2).ward_names, tmp_path)
    folder = tmp_path / "wards" / WARD
    table = pl.read_csv(folder / f"{KIND}.csv", infer_schema=False)
    row = table.filter(pl.col("record_key").str.ends_with("#1")).row(0, named=True)
    assert row["fields"] == "date_of_birth; phone"
    assert row["values"] == "31/02/1990; =0909 12"  # as written (an '=' inside a cell is no formula)
    assert "decision" in table.columns
    with zipfile.ZipFile(folder / f"review_{WARD}.xlsx") as book:
        names = book.read("xl/workbook.xml").decode()
        assert f'name="{KIND}"' in names
        sheet = book.read(f"xl/worksheets/sheet{REVIEW_KINDS.index(KIND) + 1}.xml").decode()
    assert '"fixed_at_source,dismiss,reverse"' in sheet


def test_counted_per_ward_and_city_wide():
    queues = _queue()
    summary = queue_summary(queues).filter(pl.col("kind") == KIND).row(0, named=True)
    assert (summary["new_uid"], summary["open_items"], summary["records_blocked"]) == (f"2025:{WARD}", 2, 2)
    totals = queue_totals(queues)
    assert KIND in totals["kind"].to_list()
    assert totals.filter(pl.col("kind") == KIND)["open_items"].to_list() == [2]


def test_the_export_descriptions_say_the_officials_queue_lists_them():
    from pipelines.publish.exports import load_declarations

    described = {
        (d.recipient, r.name, f.name): f.description
        for d in load_declarations().values()
        for r in d.resources
        for f in r.fields
    }
    for where in (
        ("public_security", "population", "sex"),
        ("public_security", "households", "registered_on"),
        ("public_security", "households", "members"),
    ):
        assert "in the ward officials' review queue of unreadable values." in described[where], where
        assert "in no ward officials' review queue" not in described[where], where
    # a birth date: an unreadable one is queued, a missing one is not
    dob = described[("public_security", "population", "date_of_birth")]
    assert "review queue of unreadable values; those without one are flagged in the city's warehouse" in dob

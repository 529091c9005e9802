"""An invalid_id item's question (review.item_keys question_key) is about its ID flag codes, not the words officials
read: rewording a flag keeps every decided item closed under its id. Before, the tax code's flag was hashed as its
wording ('invalid tax code (check digit or form)'), so rewording it gave every invalid tax code a new question: each
decided item came back open under a new id. Items published before keep their ids and decisions: the tax flag's code
is hashed as that wording (ids.QUESTION_FLAG_TEXT, frozen)."""

from __future__ import annotations

import datetime as dt
import hashlib

import polars as pl

from pipelines.review import queues
from pipelines.review.decisions import effective_decisions, empty_audit
from pipelines.review.ids import item_ids
from pipelines.review.queues import ReviewInputs, build_queues
from pipelines.schema import QUARANTINE, review_table
from tests.test_review_items_per_source_record import NOW, _by_key, _decide

MONTHS = (dt.date(2025, 6, 30), dt.date(2025, 7, 31))
BAD = {"1": "0301234560", "2": "0309999991"}  # two MSTs whose check digit is wrong


def _staged(months: int) -> pl.DataFrame:
    rows = [
        {
            "record_key": f"tax_905@{month.isoformat()}#{key}",
            "source_id": "tax_905",
            "extract_date": month,
            "source_file": f"tax/tax_905_{month:%Y%m%d}.csv",
            "source_key": key,
            "taxpayer_name": f"Hộ kinh doanh {key}",
            "taxpayer_code": code,
            "tax_code_kind": "invalid",
            "address": f"{key} Lê Lợi, Phường Tân An",
            "old_uid": "pre2025:25747",
            "new_uid": "2025:25747",
            "ward_status": "resolved",
            "ward_reason": None,
            "ward_candidates": None,
        }
        for month in MONTHS[:months]
        for key, code in BAD.items()
    ]
    return pl.DataFrame(rows, schema_overrides={"ward_candidates": pl.List(pl.String), "ward_reason": pl.String})


def _inputs(staged: pl.DataFrame) -> ReviewInputs:
    quarantine = pl.DataFrame(schema=QUARANTINE.polars_schema).with_columns(
        pl.lit(None, pl.String).alias("new_uid"), pl.lit(None, pl.List(pl.String)).alias("candidates")
    )
    newest = staged["extract_date"].max()
    return ReviewInputs(
        staged={"tax": staged},
        quarantine={"tax": quarantine},
        review={"taxpayers": pl.DataFrame(schema=review_table("taxpayers").polars_schema)},
        ward_names=pl.DataFrame(schema={"unit_uid": pl.String, "name": pl.String}),
        earlier_versions={"tax": staged.filter(pl.col("extract_date") < newest)["record_key"]},
    )


def _flags(q: queues.Queues, item: str) -> str:
    return q.evidence["invalid_id"].filter(pl.col("item_id") == item)["flags"][0]


def test_rewording_a_flag_keeps_the_decided_item_closed_and_its_question(tmp_path, monkeypatch):
    june = build_queues(_inputs(_staged(1)), effective_decisions(empty_audit(), None), None, NOW)
    ids = _by_key(june.items, "invalid_id")
    assert _flags(june, ids["1"]) == "taxpayer_code: invalid tax code (check digit or form)"  # the words shown
    decisions = _decide(tmp_path / "dec", [(ids["1"], "accept", "")], june.item_keys)
    monkeypatch.setitem(queues.ID_FLAG_WORDING, "invalid_tax_code", "mã số thuế sai (số kiểm tra hoặc dạng)")
    july = build_queues(_inputs(_staged(2)), decisions, june.item_keys, NOW + dt.timedelta(days=31))
    assert _by_key(july.items, "invalid_id") == {"2": ids["2"]}  # was {'1': <new id>, '2': <new id>}
    assert july.closed.filter(pl.col("item_id") == ids["1"]).height == 1
    assert _flags(july, ids["2"]) == "taxpayer_code: mã số thuế sai (số kiểm tra hoặc dạng)"  # the new words shown
    questions = dict(july.item_keys.select("item_id", "question_key").iter_rows())
    assert questions == dict(june.item_keys.select("item_id", "question_key").iter_rows())


def test_an_item_keyed_before_the_codes_keeps_its_id_and_decision(tmp_path):
    """A warehouse's item keyed as before this change (its question hashed with the flag's wording), accepted; the
    record's next extract asks the same: the same item, still closed."""
    june = _staged(1).filter(pl.col("source_key") == "1").with_columns(pl.lit("tax").alias("registry"))
    old_question = hashlib.md5(
        f"invalid_id|tax|tax_905|1|taxpayer_code|taxpayer_code: invalid tax code (check digit or form)|{BAD['1']}".encode()
    ).hexdigest()
    item = item_ids(june, "invalid_id", ["registry", "record_key"])[0]
    kept = build_queues(_inputs(_staged(1)), effective_decisions(empty_audit(), None), None, NOW).item_keys
    old_keys = kept.filter(pl.col("record_key") == june["record_key"][0]).with_columns(
        pl.lit(item).alias("item_id"), pl.lit(old_question).alias("question_key")
    )
    assert old_keys.height == 1
    decisions = _decide(tmp_path / "dec", [(item, "accept", "")], old_keys)
    july = build_queues(_inputs(_staged(2)), decisions, old_keys, NOW + dt.timedelta(days=31))
    assert "1" not in _by_key(july.items, "invalid_id")
    assert july.closed.filter(pl.col("item_id") == item).height == 1
    assert july.item_keys.filter(pl.col("item_id") == item)["question_key"][0] == old_question
    assert july.item_keys.filter(pl.col("item_id") == item)["record_key"][0].startswith("tax_905@2025-07-31")

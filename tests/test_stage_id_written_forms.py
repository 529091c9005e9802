"""Personal IDs, tax codes and phone numbers as Excel and clerks write them: Excel's text marker (a leading
apostrophe, "'079..."), a label ('CCCD: 079...', 'CMND số 02...', 'Số CCCD 079...', 'MST: 0312...', 'SĐT 0901...'),
fullwidth digits ('０７９...'). Before, an ID so written was flagged non_digit and left out of personal_id (or, in
fullwidth digits, staged as written with unknown_province_code), a tax code was 'invalid tax code (unrecognised)'
(in fullwidth digits: kind invalid and no error at all) and a phone 'not a phone number (non-digit characters)'. Now
each is read as its bare digits, a repair counted (StageResult.repairs '<field>': 'form_normalised') and noted on its
row (an ID's flag form_normalised, as leading_zero_restored; a tax code's or phone's text_repairs
'tax_code:form_normalised'); an ID so read raises no invalid_id review item. Digits grouped by spaces or dots were
read already and are not marked; anything else is kept as it was. Every test here but
test_other_id_values_are_read_as_before fails at 2c141e2."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from pipelines.ingest.raw import load_raw
from pipelines.ingest.stage import account, stage
from pipelines.review.queues import _id_problems
from pipelines.standardise import FORM_FLAG, check_personal_id, check_tax_code, normalise_phone, route_id_kinds

CCCD, CMND = "079085001234", "023456789"
CCCD_FORMS = [
    f"'{CCCD}",
    f"CCCD: {CCCD}",
    f"Số CCCD {CCCD}",
    f"cccd:{CCCD}",
    "０７９０８５００１２３４",
    f"CMND/CCCD: {CCCD}",
]
CMND_FORMS = [f"CMND số {CMND}", f"'{CMND}", f"Số CMND: {CMND}", f"CMT {CMND}"]
AS_TODAY = {  # value -> (personal_id, flags): read already, or still no ID
    "079 085 001 234": (CCCD, []),
    "079.085.001.234": (CCCD, []),
    CCCD: (CCCD, []),
    f"CCCD: {CCCD} (cũ)": (None, ["non_digit"]),
    "CCCD: chưa cấp": (None, ["non_digit"]),
    "'": (None, ["non_digit"]),
}


def test_an_id_written_with_a_label_apostrophe_or_fullwidth_digits_is_its_digits():
    values = [*CCCD_FORMS, *CMND_FORMS]
    checked = check_personal_id(pl.Series(values))
    assert checked["personal_id"].to_list() == [CCCD] * len(CCCD_FORMS) + [CMND] * len(CMND_FORMS)
    assert checked["id_kind"].to_list() == ["cccd"] * len(CCCD_FORMS) + ["cmnd"] * len(CMND_FORMS)
    assert checked["id_flags"].to_list() == [[FORM_FLAG]] * len(values)


def test_other_id_values_are_read_as_before():
    checked = check_personal_id(pl.Series([*AS_TODAY, None, ""]))
    got = list(zip(checked["personal_id"].to_list(), checked["id_flags"].to_list(), strict=True))
    assert got == [*AS_TODAY.values(), (None, None), (None, None)]


def test_a_labelled_cmnd_is_routed_to_the_old_id_column():
    routed = route_id_kinds(pl.Series([f"CMND số {CMND}", f"'{CCCD}"]), pl.Series([None, None], dtype=pl.String))
    assert routed["personal_id"].to_list() == [None, f"'{CCCD}"]
    assert routed["old_id_number"].to_list() == [f"CMND số {CMND}", None]  # as written: checked (and marked) next


def test_tax_codes_and_phones_so_written():
    codes = check_tax_code(
        pl.Series(["'0300588569", "MST: 0300588569", "０３００５８８５６９", "Mã số thuế 0300588569-001"])
    )
    assert codes["tax_code"].to_list() == ["0300588569"] * 3 + ["0300588569-001"]
    assert codes["tax_code_kind"].to_list() == ["enterprise"] * 3 + ["branch"]
    assert codes["tax_code_error"].null_count() == 4 and codes[FORM_FLAG].all()
    kept = check_tax_code(pl.Series(["0300 588 569", "MST chưa có", None]))
    assert kept[FORM_FLAG].to_list() == [False, False, None] and kept["tax_code"].to_list()[0] == "0300588569"
    phones = normalise_phone(pl.Series(["'0901234567", "SĐT: 0901234567", "ĐT 0901234567", "０９０１２３４５６７"]))
    assert phones["phone"].to_list() == ["0901234567"] * 4 and phones["phone_error"].null_count() == 4
    assert phones[f"phone_{FORM_FLAG}"].all()
    assert normalise_phone(pl.Series(["090 123 4567"]))[f"phone_{FORM_FLAG}"].to_list() == [False]


def _raw(registry: str, n: int) -> pl.DataFrame:
    extract = next(e for e in extracts_by_partition(load_catalogue()).values() if e.source.registry == registry)
    return load_raw(extract, "test").frame.head(n)


def _in_order(frame: pl.DataFrame, result) -> pl.DataFrame:
    order = pl.col("record_key").replace_strict(frame["record_key"], range(frame.height))
    return result.staged.sort(order)


def test_staging_reads_the_ids_counts_the_repair_and_queues_no_review_item():
    values = [*CCCD_FORMS[:3], CMND_FORMS[0], "079 085 001 234", f"CCCD: {CCCD} (cũ)"]
    frame = _raw("population", len(values)).with_columns(
        personal_id=pl.Series(values),
        old_id_number=pl.lit(None, pl.String),
        phone=pl.lit("SĐT: 0901234567"),
        sex=pl.lit(None, pl.String),  # (no sex or birth year for the made-up CCCD to disagree with)
        date_of_birth=pl.lit(None, pl.String),
    )
    result = stage(frame, "population", day_first=True)
    assert account(frame, result)["balanced"] and result.quarantine.height == 0
    staged = _in_order(frame, result)
    assert staged["personal_id"].to_list() == [CCCD] * 3 + [None, CCCD, None]
    assert staged["old_id_number"].to_list() == [None] * 3 + [CMND, None, None]  # routed by its digits
    flags = [f or "" for f in staged["id_flags"].to_list()]
    assert [FORM_FLAG in f for f in flags] == [True, True, True, False, False, False]
    assert "non_digit" in flags[-1]
    assert FORM_FLAG in staged["old_id_flags"][3]
    assert result.repairs["personal_id"][FORM_FLAG] == 3 and result.repairs["old_id_number"][FORM_FLAG] == 1
    assert staged["phone"].to_list() == ["0901234567"] * len(values)
    assert result.repairs["phone"][FORM_FLAG] == len(values)
    assert staged["text_repairs"].str.contains(f"phone:{FORM_FLAG}", literal=True).all()
    # a repair is not a problem for a ward official: no invalid_id item for the IDs read so
    problems = staged.select(_id_problems(pl.col("id_flags")).alias("p"))["p"].to_list()
    assert problems[:3] == [None] * 3 and "non_digit" in problems[-1]


@pytest.mark.parametrize(("registry", "field"), [("businesses", "tax_code"), ("tax", "taxpayer_code")])
def test_staging_reads_a_labelled_tax_code(registry, field):
    frame = _raw(registry, 3).with_columns(
        pl.Series(field, ["MST: 0300588569", "'0300588569", "0300588569"]),
    )
    result = stage(frame, registry, day_first=True)
    assert account(frame, result)["balanced"]
    staged = _in_order(frame, result)
    assert staged[field].to_list() == ["0300588569"] * 3
    assert set(staged["tax_code_kind"]) == {"enterprise"}
    assert not staged["issues"].fill_null("").str.contains(field).any()
    assert result.repairs[field] == {FORM_FLAG: 2}
    notes = staged["text_repairs"].fill_null("").str.contains(f"{field}:{FORM_FLAG}", literal=True).to_list()
    assert notes == [True, True, False]

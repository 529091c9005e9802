"""What a ministry reads in datapackage.json: a bare-code field is described as a code (not as the '2025:<code>'
uid its values were cut from), and the policy sentences follow a finished sentence. Descriptions say what a field
means for the recipient, not the warehouse's internals (the staged row policy, the match spec file, the marts'
Parquet partitioning, warehouse table names, a condition's regular expression); the warehouse's own docs keep
them."""

from __future__ import annotations

import re

import pytest

from pipelines import schema as S
from pipelines.publish.exports import DeclarationError, RowCondition, load_declaration, load_declarations


def _fields():
    for declaration in load_declarations().values():
        for resource in declaration.resources:
            for f in resource.fields:
                yield declaration.recipient, resource.name, f


def test_bare_code_fields_are_described_as_codes():
    code_fields = [(r, t, f) for r, t, f in _fields() if f.unit == "code"]
    assert len(code_fields) >= 8  # statistics, home_affairs, public_security and finance_tax declare some
    for recipient, resource, f in code_fields:
        where = f"{recipient}/{resource}/{f.name}"
        assert ":<code>" not in f.description, where
        assert "GSO code of the" in f.description, where


def test_policy_sentences_follow_a_full_stop():
    for recipient, resource, f in _fields():
        for sentence in ("Pseudonymised", "Withheld"):
            for match in re.finditer(rf"(.)\s{sentence}\b", f.description):
                assert match.group(1) in ".)", f"{recipient}/{resource}/{f.name}: {f.description!r}"


# what the warehouse's docs say (docs/tables.md) and an export recipient can do nothing with
INTERNAL = (
    "Hive-partitioned",
    "`issues`",
    "staged",
    "Golden value",
    "mappings/",
    ".toml",
    "[survivorship]",
    "marts.",
    "reference.",
    "flow_accounting",
    "warehouse/",
    ".duckdb",
    "$WARDBRIDGE",
    "(?i)",
    "\\W",
)


def _texts():
    for declaration in load_declarations().values():
        yield declaration.recipient, declaration.description
        for resource in declaration.resources:
            yield f"{declaration.recipient}/{resource.name}", resource.description
            for f in resource.exported:
                yield f"{declaration.recipient}/{resource.name}/{f.name}", f.description


def test_no_description_a_recipient_reads_holds_internal_wording():
    texts = list(_texts())
    assert len(texts) > 100
    for where, text in texts:
        assert text.strip(), where
        found = [word for word in INTERNAL if word.lower() in text.lower()]
        assert not found, f"{where}: {found} in {text!r}"


def _described(recipient: str, resource: str) -> dict[str, str]:
    (res,) = [r for r in load_declarations()[recipient].resources if r.name == resource]
    return {f.name: f.description for f in res.exported}


def test_a_golden_value_says_its_rule_and_what_a_missing_or_unreadable_source_value_gives():
    people = _described("public_security", "population")
    assert people["date_of_birth"].startswith(
        "Date of birth. Empty when no source record of the person gives a readable"
    )
    assert "When several source records describe the same person: the value most of them give" in people["sex"]
    # a year-only birth date is exported as 1 January: said (before, nothing told a ministry so), with the field
    # saying which dates are known only so (the golden precision follows the golden date)
    assert people["date_of_birth"].endswith(
        "written as 1 January of that year, one given as a month and year only as the 1st of that month; the "
        "export's field date_of_birth_precision says which (day, month or year)."
    )
    assert "the date most of them agree with" in people["date_of_birth"]
    assert people["date_of_birth_precision"].startswith("How precisely the birth date is known")
    assert (
        "1 January" not in people["sex"] and "1 January" not in _described("finance_tax", "businesses")["registered_on"]
    )
    assert "Source records without it were set aside for correction" in people["full_name"]
    assert "the value of the most recent one" in people["address"]  # people.toml: address = most_recent
    businesses = _described("finance_tax", "businesses")
    assert businesses["registered_on"].endswith("describe the same business: the smallest value.")  # min
    assert "the longest value" in businesses["business_name"]
    assert "Empty when no source record" not in businesses["business_name"]  # missing: quarantined, not flagged


def test_the_warehouse_docs_keep_the_internal_sentences():
    """docs/tables.md (generated from pipelines/schema.py) still says where the rule is and what a row becomes."""
    entities = {f.name: f.description for f in S.entities_table("people").fields}
    assert "flagged in `issues`" in entities["date_of_birth"]
    assert "mappings/match/people.toml [survivorship]" in entities["date_of_birth"]
    tables = (S.MATCH_SPEC_DIR.parents[1] / "docs" / "tables.md").read_text(encoding="utf-8")
    assert "Hive-partitioned by new_ward_code" in tables and "flagged in `issues`" in tables


def test_a_condition_s_words_replace_its_pattern():
    described = _described("finance_tax", "businesses")
    assert (
        "Withheld (empty) on the rows where business_name starts with 'Hộ kinh doanh' or 'HKD'"
        in (described["business_name"])
    )
    assert RowCondition("x", matches="^a", says="starts with a").describe() == "x starts with a"
    assert RowCondition("x", matches="^a").describe() == "x matches the pattern '^a'"


def test_a_condition_s_words_must_be_text(tmp_path):
    text = (S.MATCH_SPEC_DIR.parents[1] / "mappings" / "exports" / "finance_tax.toml").read_text(encoding="utf-8")
    assert text.count(", says = ") >= 3
    path = tmp_path / "finance_tax.toml"
    path.write_text(text.replace(", says = ", ", says = 1, was = ", 1), encoding="utf-8")
    with pytest.raises(DeclarationError) as failure:
        load_declaration(path)
    assert "'says' must be the condition in words" in str(failure.value)

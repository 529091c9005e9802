"""Row-wise pseudonymisation of exports (pipelines/publish/exports.py shape, pseudonym.pseudonymise_rows).

A field with ``pseudonymise_when`` carries the keyed pseudonym on the rows the condition selects and the
shaped clear value on the others; only the distinct values of the selected rows are hashed, each once."""

from __future__ import annotations

import hashlib
import hmac

import polars as pl
import pytest

import pipelines.publish.pseudonym as P
from pipelines.publish.exports import load_declaration, shape

KEY = b"test-pseudonym-key-0123456789abcdef"

DECLARATION = """
[export]
recipient = "ministry_x"
title = "t"
code_scheme = "2025"
formats = ["csv"]

[[resources]]
name = "people"
source = "entities.people_entities"

[[resources.fields]]
source = "entity_id"
name = "person_id"

[[resources.fields]]
source = "personal_id"
name = "personal_id"
personal = "include"
pseudonymise_when = {column = "sex", in = ["F"]}

[[resources.fields]]
source = "old_id_number"
name = "old_id"
personal = "pseudonymise"
pseudonym_kind = "person"

[[resources.fields]]
source = "sex"
name = "sex"

[[resources.fields]]
source = "full_name"
name = "full_name"
personal = "include"
withhold_when = {column = "sex", in = ["M"]}
"""

# rows deliberately out of key order; '111' is on a selected (F) row and on rows left in clear
SOURCE = pl.DataFrame(
    {
        "entity_id": ["P-05", "P-01", "P-04", "P-02", "P-03", "P-06", "P-07"],
        "personal_id": ["111", "111", "222", "111", None, "333", "444"],
        "old_id_number": ["A", "A", None, "B", "C", "A", None],
        "sex": ["F", "M", "F", None, "F", "M", "F"],
        "full_name": ["An", "Binh", "Chi", "Dung", "Em", "Giang", "Ha"],
    }
)


def ref(kind: str, value: str | None) -> str | None:
    if value is None:
        return None
    return hmac.new(KEY, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


@pytest.fixture
def resource(tmp_path):
    path = tmp_path / "ministry_x.toml"
    path.write_text(DECLARATION, encoding="utf-8")
    return load_declaration(path).resources[0]


def test_selected_rows_carry_the_pseudonym_and_the_others_the_clear_value(resource, hashed):
    out = shape(resource, SOURCE, KEY, "ministry_x")
    assert out["person_id"].to_list() == sorted(SOURCE["entity_id"])
    src = {r["entity_id"]: r for r in SOURCE.iter_rows(named=True)}
    for row in out.iter_rows(named=True):
        s = src[row["person_id"]]
        if s["sex"] == "F":  # selected: the pseudonym of the recipient's kind, never the clear value
            assert row["personal_id"] == ref("ministry_x", s["personal_id"])
        else:  # not selected (M, null): the value in clear, exactly
            assert row["personal_id"] == s["personal_id"]
        assert row["old_id"] == ref("person", s["old_id_number"])  # pseudonymised on every row, own kind
        assert row["full_name"] == (None if s["sex"] == "M" else s["full_name"])
    # no selected row holds its clear value; the same value on an unselected row stays in clear there
    selected = out.filter(pl.col("sex") == "F")
    assert selected["personal_id"].drop_nulls().str.contains("^[0-9a-f]{32}$").all()
    assert set(selected["personal_id"].drop_nulls()).isdisjoint(SOURCE["personal_id"].drop_nulls())
    assert out.filter(pl.col("person_id") == "P-01")["personal_id"].item() == "111"
    assert out.filter(pl.col("person_id") == "P-03")["personal_id"].item() is None  # null stays null


def test_only_the_selected_rows_distinct_values_are_hashed_once(resource, hashed):
    shape(resource, SOURCE, KEY, "ministry_x")
    # personal_id: the F rows' distinct non-null values (not '333' of an M row, not the null); old_id: every
    # distinct non-null value once, though 'A' is on three rows
    assert sorted(map(sorted, hashed)) == [["111", "222", "444"], ["A", "B", "C"]]


def test_nothing_is_hashed_when_no_row_is_selected(resource, hashed):
    males = SOURCE.with_columns(sex=pl.lit("M"))
    out = shape(resource, males, KEY, "ministry_x")
    assert hashed == [["A", "B", "C"]]
    assert out.sort("person_id")["personal_id"].to_list() == males.sort("entity_id")["personal_id"].to_list()


def test_pseudonymise_rows_matches_the_reference_and_keeps_order():
    values = pl.Series("v", ["x", None, "y", "x", "z", "y"])
    selected = pl.Series([True, True, False, True, None, True])
    got = P.pseudonymise_rows(values, selected, "k", KEY)
    assert got.name == "v"
    assert got.to_list() == [ref("k", "x"), None, "y", ref("k", "x"), "z", ref("k", "y")]
    every = P.pseudonymise_rows(values, None, "k", KEY)
    assert every.to_list() == [ref("k", v) for v in values.to_list()]
    assert every.to_list() == P.pseudonymise(values, "k", KEY).to_list()  # as hashing every row
    assert P.pseudonymise_rows(pl.Series("v", [None, None], pl.String), None, "k", KEY).to_list() == [None, None]

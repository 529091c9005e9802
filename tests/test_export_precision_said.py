"""A birth date's description says the export tells which dates are known only to a year or month only when the
export carries the precision field (HV1 review of 334cf39: it said so whenever the people entities had the column,
so a recipient exporting date_of_birth without dob_precision was told of a field it does not get)."""

from __future__ import annotations

import tomllib

from pipelines.publish.exports import EXPORTS_DIR, parse_declaration

PATH = EXPORTS_DIR / "public_security.toml"


def _date_of_birth(drop: str | None = None, rename: str | None = None, withhold: bool = False) -> str:
    data = tomllib.loads(PATH.read_text(encoding="utf-8"))
    (population,) = [r for r in data["resources"] if r["name"] == "population"]
    fields = [f for f in population["fields"] if f["source"] != drop]
    for f in fields:
        if f["source"] == "dob_precision":
            f.update({"name": rename} if rename else {})
            f.update({"personal": "withhold"} if withhold else {})
    population["fields"] = fields
    declaration = parse_declaration(PATH, data)
    (resource,) = [r for r in declaration.resources if r.name == "population"]
    return {f.name: f.description for f in resource.fields}["date_of_birth"]


def test_the_precision_field_is_named_where_the_export_carries_it():
    assert _date_of_birth().endswith("the export's field date_of_birth_precision says which (day, month or year).")
    assert _date_of_birth(rename="dob_known_to").endswith(
        "the export's field dob_known_to says which (day, month or year)."
    )


def test_an_export_without_the_precision_field_says_it_does_not_tell():
    for text in (_date_of_birth(drop="dob_precision"), _date_of_birth(withhold=True)):
        assert text.endswith("1st of that month; this export does not say which dates are known only so."), text
        assert "says which" not in text

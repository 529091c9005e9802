"""finance_tax pseudonymises a household business's tax code wherever it stands, with one pseudonym.

A household business ("Hộ kinh doanh") is taxed under its owner's personal tax code: before 1 July 2025 a 10-digit MST
of the same shape as an enterprise's (tax_code_kind "enterprise"), since then the owner's 12-digit personal ID. Until
HF1 the declaration pseudonymised only codes that are personal IDs: at 1M, 53,825 household businesses' 10-digit codes
went out in clear in businesses.csv, and the same codes in taxpayers.csv, where the taxpayer's name is a trade name
("Quán phở Loan") that does not say "Hộ kinh doanh". The declaration now pseudonymises a household business's codes in
businesses (business_kind) and, by ``same_value_same_pseudonym``, every row of the package holding the same value, with
the same pseudonym; an enterprise's code stays in clear. These tests run the real declaration (mappings/exports/
finance_tax.toml) through the export's own shaping (sources given in memory) and gate check.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date
from pathlib import Path

import polars as pl
import pytest

import pipelines.publish.exports as E

KEY = b"test-pseudonym-key-0123456789abcdef"
DECLARATION = E.EXPORTS_DIR / "finance_tax.toml"
HKD = "Hộ kinh doanh"
ENTERPRISE = "Doanh nghiệp"
# 10-digit codes: the household businesses' look like an enterprise's (and their kind says "enterprise")
HKD_CODE, HKD_CODE_2, HKD_CODE_3, LONE_HKD_CODE = "8000000018", "8000000026", "8000000034", "8000000042"
ENTERPRISE_CODE = "0300000010"
OWNER_ID = "079000000001"


def ref(value: str) -> str:
    """The pseudonym the export must give ``value`` (recipient kind, HMAC-SHA256, 32 hex digits)."""
    return hmac.new(KEY, f"finance_tax:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def _rows(table: str, rows: list[dict]) -> pl.DataFrame:
    schema = E.source_tables()[f"entities.{table}"].polars_schema
    full = [{c: r.get(c) for c in schema} for r in rows]
    return pl.DataFrame(full, schema=schema)


BUSINESSES = _rows(
    "businesses_entities",
    [
        # registered under its tax code (the code twice on its row)
        {"entity_id": "B-01", "tax_code": HKD_CODE, "registration_no": HKD_CODE, "business_kind": HKD},
        # registration number = the code with a suffix; its certificate number; its owner's 12-digit ID
        {"entity_id": "B-02", "tax_code": HKD_CODE_2, "registration_no": f"{HKD_CODE_2}-001", "business_kind": HKD},
        {"entity_id": "B-03", "tax_code": HKD_CODE_3, "registration_no": "41A1234567", "business_kind": "HKD"},
        {"entity_id": "B-04", "tax_code": ENTERPRISE_CODE, "registration_no": ENTERPRISE_CODE},
        {"entity_id": "B-05", "tax_code": "8000000050", "registration_no": OWNER_ID, "owner_personal_id": OWNER_ID},
    ],
).with_columns(
    business_kind=pl.col("business_kind").fill_null(pl.lit(ENTERPRISE)).replace({"HKD": "hộ kinh doanh"}),
    business_name=pl.lit("Quán phở Loan"),
    tax_code_kind=pl.lit("enterprise"),
    registered_on=pl.lit(date(2020, 1, 1)),
)
BUSINESSES = BUSINESSES.with_columns(
    business_kind=pl.when(pl.col("entity_id") == "B-05").then(pl.lit(HKD)).otherwise(pl.col("business_kind"))
)
TAXPAYERS = _rows(
    "taxpayers_entities",
    [
        # the household business's own tax rows: a trade name, nothing says "Hộ kinh doanh"
        {"entity_id": "T-01", "taxpayer_code": HKD_CODE, "taxpayer_name": "Quán phở Loan"},
        {"entity_id": "T-02", "taxpayer_code": ENTERPRISE_CODE, "taxpayer_name": "Công ty TNHH An Khang"},
        # a household business with no business record: its name says what it is
        {"entity_id": "T-03", "taxpayer_code": LONE_HKD_CODE, "taxpayer_name": "HKD Nguyễn Văn An"},
        {
            "entity_id": "T-04",
            "taxpayer_code": OWNER_ID,
            "taxpayer_name": "Bánh mì Chi",
            "tax_code_kind": "personal_id",
        },
        {"entity_id": "T-05", "taxpayer_code": HKD_CODE_3, "taxpayer_name": "Cà phê Quyên"},
    ],
).with_columns(tax_code_kind=pl.col("tax_code_kind").fill_null(pl.lit("enterprise")))
SOURCES = {"entities.businesses_entities": BUSINESSES, "entities.taxpayers_entities": TAXPAYERS}


@pytest.fixture
def sources(monkeypatch):
    monkeypatch.setattr(E, "read_source", lambda _wh, source, columns: SOURCES[source].select(columns))


def _declaration(tmp_path: Path, drop: str | None = None) -> E.ExportDeclaration:
    """The real finance_tax declaration, or a copy without the lines starting with ``drop``."""
    text = DECLARATION.read_text(encoding="utf-8")
    if drop is None:
        return E.load_declaration(DECLARATION)
    path = tmp_path / "finance_tax.toml"
    path.write_text("\n".join(line for line in text.splitlines() if not line.startswith(drop)) + "\n", "utf-8")
    return E.load_declaration(path)


def _shaped(declaration: E.ExportDeclaration):
    frames, hidden, _, _ = E._shaped_resources(declaration, None, KEY)
    by_id = {
        name: {row[frame.columns[0]]: row for row in frame.iter_rows(named=True)} for name, frame in frames.items()
    }
    return frames, hidden, by_id


def test_a_household_business_code_has_one_pseudonym_in_businesses_and_taxpayers(sources, tmp_path):
    _, _, rows = _shaped(_declaration(tmp_path))
    b, t = rows["businesses"], rows["taxpayers"]
    # the 10-digit code of a household business: its pseudonym in both resources, on both of its own fields
    assert b["B-01"]["tax_code"] == ref(HKD_CODE) == t["T-01"]["taxpayer_code"]
    assert b["B-01"]["registration_no"] == ref(HKD_CODE)
    assert b["B-03"]["tax_code"] == ref(HKD_CODE_3) == t["T-05"]["taxpayer_code"]  # 'hộ kinh doanh' as written
    # registration numbers of a household business: the code with a suffix, a certificate number, the owner's ID
    assert b["B-02"]["registration_no"] == ref(f"{HKD_CODE_2}-001")
    assert b["B-03"]["registration_no"] == ref("41A1234567")
    assert b["B-05"]["registration_no"] == ref(OWNER_ID) == t["T-04"]["taxpayer_code"]
    # a taxpayer named as a household business, with no business row
    assert t["T-03"]["taxpayer_code"] == ref(LONE_HKD_CODE)
    # an enterprise's code stays in clear everywhere
    assert b["B-04"]["tax_code"] == b["B-04"]["registration_no"] == ENTERPRISE_CODE == t["T-02"]["taxpayer_code"]
    every = [v for r in (*b.values(), *t.values()) for v in r.values() if isinstance(v, str)]
    for code in (HKD_CODE, HKD_CODE_2, HKD_CODE_3, LONE_HKD_CODE, OWNER_ID):
        assert not any(code in v for v in every), code


def test_each_distinct_value_is_hashed_once_for_the_whole_package(sources, hashed, tmp_path):
    _shaped(_declaration(tmp_path))
    (values,) = hashed  # one kind (the recipient's): one call
    assert values == sorted(set(values))
    assert {HKD_CODE, HKD_CODE_3, LONE_HKD_CODE, OWNER_ID} <= set(values) and ENTERPRISE_CODE not in values


def test_the_gate_rejects_the_code_left_in_clear_in_taxpayers(sources, tmp_path):
    """Without same_value_same_pseudonym the household business's code is pseudonymised in businesses only: the
    gate's no_clear_pseudonymised_value finds it in clear in taxpayers.taxpayer_code (a row count, no value)."""
    declaration = _declaration(tmp_path, drop="same_value_same_pseudonym")
    assert not declaration.same_value_same_pseudonym
    frames, hidden, rows = _shaped(declaration)
    assert rows["businesses"]["B-01"]["tax_code"] == ref(HKD_CODE)
    assert rows["taxpayers"]["T-01"]["taxpayer_code"] == HKD_CODE  # in clear
    taxpayers = next(r for r in declaration.resources if r.name == "taxpayers")
    (failed,) = [o for o in E.clear_value_checks(taxpayers, frames["taxpayers"], hidden) if not o.success]
    assert (failed.rule, failed.columns, failed.unexpected_count) == (
        "no_clear_pseudonymised_value",
        ("taxpayer_code",),
        2,  # T-01 and T-05
    )
    assert HKD_CODE not in failed.detail
    # with the rule, the same check passes on every resource
    frames, hidden, _ = _shaped(_declaration(tmp_path))
    for resource in _declaration(tmp_path).resources:
        assert all(o.success for o in E.clear_value_checks(resource, frames[resource.name], hidden))


def test_datapackage_says_where_codes_are_pseudonymised(tmp_path):
    declaration = _declaration(tmp_path)
    fields = {(r.name, f.name): f for r in declaration.resources for f in r.fields}
    tax_code = fields["businesses", "tax_code"]
    assert "business_kind is 'Hộ kinh doanh' or 'HKD' as clerks write them" in tax_code.description
    assert "taxed under its owner's personal tax code" in tax_code.description
    for key in (("businesses", "tax_code"), ("businesses", "registration_no"), ("taxpayers", "taxpayer_code")):
        assert fields[key].same_value
        assert f"and on every row whose value is {E.SAME_VALUE_WORDS}" in fields[key].description
        assert f"and wherever the value is {E.SAME_VALUE_WORDS}" in fields[key].policy
    assert not fields["businesses", "owner_key"].same_value  # pseudonymised on every row already
    package = E.package_descriptor(
        declaration, [], rows={}, created=E.datetime.now(E.UTC), run_id="r", source_runs={}, key=KEY
    )
    said = package["wardbridge"]["pseudonymisation"]["same_value_same_pseudonym"]
    assert said.startswith("businesses.tax_code, businesses.registration_no, taxpayers.taxpayer_code: pseudonymised")


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('same_value_same_pseudonym = "yes"', "key 'same_value_same_pseudonym': must be true or false"),
        (
            "same_value_same_pseudonym = true",
            "key 'same_value_same_pseudonym': no field pseudonymises on some rows (pseudonymise_when)",
        ),
    ],
)
def test_the_package_rule_is_checked(tmp_path, line, problem):
    path = tmp_path / "ministry_x.toml"
    path.write_text(
        f'[export]\nrecipient = "ministry_x"\ntitle = "t"\ncode_scheme = "2025"\n{line}\n\n[[resources]]\n'
        'name = "taxpayers"\nsource = "entities.taxpayers_entities"\n\n[[resources.fields]]\nsource = "entity_id"\n'
        'name = "taxpayer_id"\n',
        encoding="utf-8",
    )
    with pytest.raises(E.DeclarationError) as failure:
        E.load_declaration(path)
    assert failure.value.problems == [f"ministry_x.toml: [export] {problem}"]


def test_the_gate_rejects_the_code_in_clear_with_a_branch_suffix(monkeypatch, tmp_path):
    """A household business's code written 'NNNNNNNNNN-001' on a taxpayer row is no value the package pseudonymises
    (its registration number 'code-001' is hidden on its own row), but the code is in clear inside it: the gate counts
    the cell (no_clear_pseudonymised_value compares whole cells, and a 10-digit code before a branch suffix)."""
    suffixed = TAXPAYERS.with_columns(
        taxpayer_code=pl.when(pl.col("entity_id") == "T-02")
        .then(pl.lit(f"{HKD_CODE}-001"))
        .otherwise(pl.col("taxpayer_code"))
    )
    sources = {**SOURCES, "entities.taxpayers_entities": suffixed}
    monkeypatch.setattr(E, "read_source", lambda _wh, source, columns: sources[source].select(columns))
    declaration = _declaration(tmp_path)
    frames, hidden, rows = _shaped(declaration)
    assert rows["taxpayers"]["T-02"]["taxpayer_code"] == f"{HKD_CODE}-001"
    taxpayers = next(r for r in declaration.resources if r.name == "taxpayers")
    (failed,) = [o for o in E.clear_value_checks(taxpayers, frames["taxpayers"], hidden) if not o.success]
    assert (failed.rule, failed.columns, failed.unexpected_count) == (
        "no_clear_pseudonymised_value",
        ("taxpayer_code",),
        1,
    )
    assert HKD_CODE not in failed.detail
    # an enterprise's branch code stays in clear and passes
    branch = {
        **SOURCES,
        "entities.taxpayers_entities": suffixed.with_columns(
            taxpayer_code=pl.col("taxpayer_code").str.replace(HKD_CODE, ENTERPRISE_CODE, literal=True)
        ),
    }
    monkeypatch.setattr(E, "read_source", lambda _wh, source, columns: branch[source].select(columns))
    frames, hidden, rows = _shaped(declaration)
    assert rows["taxpayers"]["T-02"]["taxpayer_code"] == f"{ENTERPRISE_CODE}-001"
    assert all(o.success for o in E.clear_value_checks(taxpayers, frames["taxpayers"], hidden))

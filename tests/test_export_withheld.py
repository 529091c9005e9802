"""The export gate refuses a package in which a *withheld* value is exported in clear (``no_clear_withheld_value``).

A field declared ``personal = "withhold"`` (finance_tax's owner names, public_security's phones) is not exported,
but its value could still leave in another column: a business named after its owner with a prefix the
``withhold_when`` pattern misses, a phone typed into the household book number. The gate compares, after
``normal_text`` (no diacritics, lower case, punctuation as spaces):

* every exported text cell of the package with every value withheld on every row (whole cells);
* on each row, every text cell with the value withheld on that row (whole cell, or as a run of whole words when it
  has two words or more; addresses as whole cells only: a street named after a person is no copy).

Unit tests run the real declarations through the export's own shaping and check; the last tests plant a leak in
the bundled sample's warehouse and export it for real.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.publish.exports import (
    EXPORTS_DIR,
    GateRejected,
    export,
    load_declaration,
    normal_text,
    read_columns,
    shape,
    withheld_on_rows,
    withheld_value_checks,
    withheld_values,
)
from pipelines.schema import entities_table
from pipelines.warehouse import Warehouse
from tests.marts_fixture import sample_marts
from tests.warehouse_parts import EXPORT_INPUTS, copy_parts, export_parts

KEY = b"test-pseudonym-key-0123456789abcdef"
OWNER = "Nguyễn Văn An"
RULE = "no_clear_withheld_value"


def _declaration(recipient: str):  # noqa: ANN202
    return load_declaration(EXPORTS_DIR / f"{recipient}.toml")


def _source(resource, rows: list[dict]) -> pl.DataFrame:  # noqa: ANN001
    """Source rows with every column the resource reads (unspecified ones null)."""
    columns = read_columns(resource)
    types = {f.source: pl.Date if f.type == "date" else pl.String for f in resource.fields}
    types |= {"members": pl.Int64}
    return pl.DataFrame(
        {c: [r.get(c) for r in rows] for c in columns}, schema={c: types.get(c, pl.String) for c in columns}
    )


def _gate(recipient: str, sources: dict[str, list[dict]]) -> dict[str, list]:
    """The withheld-value outcomes of each resource, as build_package computes them."""
    declaration = _declaration(recipient)
    frames = {r.name: _source(r, sources.get(r.name, [])) for r in declaration.resources}
    withheld = {}
    for resource in declaration.resources:
        withheld |= withheld_values(resource, frames[resource.name])
    out = {}
    for resource in declaration.resources:
        carry = withheld_on_rows(resource)
        shaped = shape(resource, frames[resource.name], KEY, recipient, carry=carry)
        rows = shaped.select(list(carry)) if carry else None
        out[resource.name] = withheld_value_checks(resource, shaped.drop(list(carry)), withheld, rows)
    return out


def _failed(outcomes: dict[str, list]) -> dict[tuple[str, str], int]:
    return {(r, o.columns[0]): o.unexpected_count for r, outs in outcomes.items() for o in outs if not o.success}


def _business(entity: str, **values) -> dict:  # noqa: ANN003
    return {
        "entity_id": entity,
        "business_kind": "Hộ kinh doanh",
        "tax_code_kind": "enterprise",
        "tax_code": "0312345678",
        "new_uid": "2025:26740",
        **values,
    }


def test_normal_text_ignores_case_diacritics_and_punctuation():
    got = pl.select(normal_text(pl.lit(pl.Series(["  NGUYỄN  văn-ĐỨC ", "Nguyen Van Duc", "--", None])))).to_series()
    assert got.to_list() == ["nguyen van duc", "nguyen van duc", None, None]


def test_an_owner_name_exported_as_another_business_name_is_refused():
    """Across rows and resources: an owner's name (withheld on every row) as a cell of any text column."""
    clean = {
        "businesses": [
            _business("B-1", owner_name=OWNER, business_name="Hộ kinh doanh Nguyễn Văn An"),
            _business("B-2", owner_name="Trần Thị Bình", business_name="Tạp hóa Bình"),
        ],
        "taxpayers": [{"entity_id": "T-1", "taxpayer_name": "Công ty TNHH Hòa Bình", "tax_code_kind": "enterprise"}],
    }
    assert _failed(_gate("finance_tax", clean)) == {}
    leaked = {
        **clean,
        "businesses": [clean["businesses"][0], {**clean["businesses"][1], "business_name": "NGUYEN VAN AN"}],
    }
    assert _failed(_gate("finance_tax", leaked)) == {("businesses", "business_name"): 1}
    in_taxpayers = {
        **clean,
        "taxpayers": [{"entity_id": "T-1", "taxpayer_name": "nguyễn văn an", "tax_code_kind": "enterprise"}],
    }
    assert _failed(_gate("finance_tax", in_taxpayers)) == {("taxpayers", "taxpayer_name"): 1}


def test_a_phone_typed_into_another_column_is_refused():
    people = [
        {"entity_id": "P-1", "full_name": "Lê Thị Hoa", "phone": "0903123456", "household_no": "HK001", "sex": "F"},
        {"entity_id": "P-2", "full_name": "Lê Văn Nam", "phone": "0912000111", "household_no": "HK002", "sex": "M"},
    ]
    households = [{"entity_id": "H-1", "household_no": "HK001", "head_name": "Lê Thị Hoa", "members": 2}]
    assert _failed(_gate("public_security", {"population": people, "households": households})) == {}
    people[1]["household_no"] = "0903 123 456"  # the first person's phone, spaced
    households[0]["household_no"] = "0912.000.111"
    assert _failed(_gate("public_security", {"population": people, "households": households})) == {
        ("population", "household_no"): 1,
        ("households", "household_no"): 1,
    }


def test_the_owner_inside_a_business_name_the_pattern_misses_is_refused_on_its_row():
    """'Hộ kih dnh <owner>' (two typos: the withhold_when pattern keeps it) and 'Tiệm vàng <owner>'."""
    for name in ("Hộ kih dnh Nguyễn Văn An", "Tiệm vàng NGUYỄN VĂN AN"):
        rows = {"businesses": [_business("B-1", owner_name=OWNER, business_name=name)]}
        declaration = _declaration("finance_tax")
        resource = declaration.resources[0]
        assert shape(resource, _source(resource, rows["businesses"]), KEY, "finance_tax")["business_name"][0] == name
        assert _failed(_gate("finance_tax", rows)) == {("businesses", "business_name"): 1}, name
    # a name that only starts the same words is not the owner's
    rows = {"businesses": [_business("B-1", owner_name=OWNER, business_name="Tiệm vàng Nguyễn Văn Anh")]}
    assert _failed(_gate("finance_tax", rows)) == {}


def test_a_street_named_after_a_person_is_no_copy_of_the_owner_name():
    """Addresses are compared as whole cells only: owner 'Lê Lợi' at '12 Lê Lợi' is not a leak."""
    rows = {
        "businesses": [
            _business("B-1", owner_name="Lê Lợi", business_name="Tạp hóa Minh", address="12 Lê Lợi, Phường Bến Thành"),
            _business("B-2", owner_name="Nguyễn Huệ", business_name="Cà phê Sáng", address="5 Đường Nguyễn Huệ"),
        ],
        "taxpayers": [
            {
                "entity_id": "T-1",
                "taxpayer_name": "Công ty Lê Lợi",
                "tax_code_kind": "enterprise",
                "address": "80 Lê Lợi, Quận 1",
            }
        ],
    }
    assert _failed(_gate("finance_tax", rows)) == {}
    # the whole address cell being the owner's name is one
    rows["businesses"][1]["address"] = "nguyen hue"
    assert _failed(_gate("finance_tax", rows)) == {("businesses", "address"): 1}


def test_a_conditionally_withheld_name_is_looked_for_on_its_own_row():
    """taxpayer_name is withheld on personal-ID rows: another cell of that row must not hold it."""
    row = {"entity_id": "T-1", "taxpayer_name": "Trần Thị Bình", "tax_code_kind": "personal_id", "address": "Q.1"}
    assert _failed(_gate("finance_tax", {"taxpayers": [row]})) == {}
    assert _failed(_gate("finance_tax", {"taxpayers": [{**row, "address": "TRAN THI BINH"}]})) == {
        ("taxpayers", "address"): 1
    }
    assert _failed(_gate("finance_tax", {"taxpayers": [{**row, "tax_office": "Chi cục thuế - Trần Thị Bình"}]})) == {
        ("taxpayers", "tax_office"): 1
    }
    # across rows it is not looked for: the same trade name is withheld where a personal taxpayer files under it and
    # exported where it names a business (the sample has such names)
    trade = {"entity_id": "T-2", "taxpayer_name": "Cà phê Hồng", "tax_code_kind": "personal_id"}
    business = _business("B-1", owner_name=OWNER, business_name="Cà phê Hồng")
    assert _failed(_gate("finance_tax", {"taxpayers": [trade], "businesses": [business]})) == {}


def test_outcomes_name_no_value():
    rows = {"businesses": [_business("B-1", owner_name=OWNER, business_name="Tiệm vàng Nguyễn Văn An")]}
    (outcome,) = [o for o in _gate("finance_tax", rows)["businesses"] if not o.success]
    text = f"{outcome.describe()} {outcome.detail}"
    assert outcome.rule == RULE and "business_name" in text and "businesses.owner_name" in text
    assert "nguy" not in text.lower()


# --------------------------------------------------------------------------- the sample, exported for real


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Warehouse:
    source, _ = sample_marts(tmp_path_factory.getbasetemp())
    root = tmp_path_factory.mktemp("withheld") / "wh"
    # what the two exports read (tests/warehouse_parts.py), not the whole folder
    wh = Warehouse(copy_parts(source, root, EXPORT_INPUTS))
    for recipient in ("finance_tax", "public_security"):
        result = export(_declaration(recipient), wh, run_id="clean", environ={"WARDBRIDGE_PSEUDONYM_KEY": KEY.decode()})
        rule = [o for g in result.gate_results.values() for o in g.outcomes if o.rule == RULE]
        assert len(rule) == 2 and all(o.success for o in rule), recipient  # both resources checked, passed
    return wh


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_planted_owner_name_blocks_the_sample_export_and_keeps_the_previous_one(warehouse, tmp_path):
    wh = Warehouse(copy_parts(warehouse.root, tmp_path / "wh", export_parts("finance_tax")))
    target = wh.root / "exports" / "finance_tax"
    before = _files(target)
    path = wh.parquet_path("entities", entities_table("businesses").name)
    businesses = pl.read_parquet(path)
    named = businesses.filter(
        pl.col("owner_name").is_not_null() & ~pl.col("business_name").str.contains("(?i)kinh doanh|hkd")
    ).sort("entity_id")
    victim, other = named.row(0, named=True), named.row(1, named=True)
    assert victim["owner_name"] != other["owner_name"]
    # another business's name is set to this owner's name, in capitals without accents
    planted = strip_marks(victim["owner_name"]).upper()
    businesses.with_columns(
        business_name=pl.when(pl.col("entity_id") == other["entity_id"])
        .then(pl.lit(planted))
        .otherwise(pl.col("business_name"))
    ).write_parquet(path)
    with pytest.raises(GateRejected) as failure:
        export(_declaration("finance_tax"), wh, run_id="leak", environ={"WARDBRIDGE_PSEUDONYM_KEY": KEY.decode()})
    failed = {(g.table, o.rule, o.columns) for g in failure.value.results for o in g.failures}
    assert failed == {("businesses", RULE, ("business_name",))}
    message = str(failure.value)
    assert "withheld_value_in_clear(business_name) [no_clear_withheld_value]: 1 of" in message
    assert victim["owner_name"] not in message and planted not in message
    assert _files(target) == before


def strip_marks(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).replace("đ", "d")

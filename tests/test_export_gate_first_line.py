"""A failed export gate's message began 'public_security.toml: export not published (the previous one stays),
quality gate failed:' and named the failing table and rule only on the lines after it; `wardbridge run`'s summary
shows a problem's first line only, so its line said what was refused and nothing of why ('FAILED check
export_public_security / export_gate: ... quality gate failed:  [run ...]', seen in a run at 07:05). Now the first
line names each failed table with its failed rules; the lines after it still give the expectations and record
keys, never a value."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.publish.exports import GateRejected, _validation_report, load_declarations
from quality.gx import GateResult
from quality.rules import Outcome


def test_the_first_line_of_a_failed_gate_names_the_table_and_the_rule(tmp_path):
    declaration = load_declarations()["public_security"]
    population, households = declaration.resources[0], declaration.resources[1]
    failed = GateResult(
        population.name,
        10,
        (
            Outcome("expect_column_values_to_be_between", "age_range", ("date_of_birth",), False, 1, 10),
            Outcome("expect_column_values_to_be_in_set", "ward_in_dimension", ("ward_uid",), False, 2, 10),
            Outcome("expect_column_to_exist", "exists", ("person_id",), True),
        ),
    )
    passed = GateResult(households.name, 5, (Outcome("expect_column_to_exist", "exists", ("household_id",), True),))
    with pytest.raises(GateRejected) as rejected:
        _validation_report(declaration, [(population, failed), (households, passed)], Path(tmp_path))
    first = str(rejected.value).splitlines()[0]
    assert first.startswith("public_security.toml: export not published (the previous one stays), quality gate failed")
    assert f"({population.name}: age_range, ward_in_dimension)" in first
    assert households.name not in first

"""A run with a frozen model codes derived columns (the given name, the birth year...) on their source's distinct
values as a fitted run does (``ValueCodes`` with ``prepare.derived_sources``): the same codes, worked out once per
full name instead of once per record."""

from __future__ import annotations

from pipelines.match import compare, load_spec, match
from pipelines.match.prepare import derived_sources, prepare
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"


def test_a_frozen_model_run_codes_derived_columns_through_their_source(monkeypatch):
    spec = load_spec(PEOPLE_SPEC)
    people = background(people=400).drop("person")
    fitted = match(people, spec, keep_state=True)
    through = []
    inner = compare._through
    monkeypatch.setattr(compare, "_through", lambda *args: through.append(1) or inner(*args))
    again = match(people, spec, model=fitted.state.frozen)
    assert through  # (every derived column coded record by record before)
    assert again.pairs.drop("decision_reason").equals(fitted.pairs.drop("decision_reason"))
    work = prepare(people, spec)
    frozen = fitted.state.frozen.codes(work, derived_sources(spec))
    plain = compare.ValueCodes(work)
    for column in ("given", "family_middle", "birth_year"):
        assert frozen.get(column)[0].equals(plain.get(column)[0]), column

"""HV11: a capped block ordered by a text column that another rule keys on (so it is coded) and a column that is not
text (sort_by = ["name", "date_of_birth"]): the rule pairs as it does alone. f03eea9 ranks 'name' from the key codes
and leaves it out of the capped rows; a sort_by with a column not text then goes to the frame sort, which needs it."""

from __future__ import annotations

import dataclasses

import polars as pl

from pipelines.match.blocking import candidate_pairs
from pipelines.match.prepare import ROW
from tests.match_cases import people_spec, people_work  # noqa: F401 - the spec and work fixtures


def _rule_pairs(pairs: pl.DataFrame, bit: int) -> set[tuple[int, int]]:
    return {(a, b) for a, b, rules in pairs.iter_rows() if rules >> bit & 1}


def test_a_capped_block_sorted_by_a_coded_text_column_and_a_date_pairs_as_the_rule_alone(work, spec):
    gap = pl.col(ROW) % 40 == 0  # some records without a birth date: the rule's blocks hold them
    work = work.with_columns(pl.when(~gap).then(pl.col(c)) for c in ("date_of_birth", "birth_date_any_order"))
    at, rule = next((i, r) for i, r in enumerate(spec.blocking) if r.sort_by == ("name",) and r.missing)
    assert any(r.on == ("name",) for r in spec.blocking)  # 'name' is a key column: coded
    assert work.schema["date_of_birth"] != pl.String
    mixed = dataclasses.replace(rule, sort_by=("name", "date_of_birth"), max_block=2, window=2)
    every = dataclasses.replace(spec, blocking=tuple(mixed if i == at else r for i, r in enumerate(spec.blocking)))
    pairs, report = candidate_pairs(work, every)
    alone, alone_report = candidate_pairs(work, dataclasses.replace(spec, blocking=(mixed,)))
    assert alone_report.capped_blocks.height > 0
    assert _rule_pairs(pairs, at) == _rule_pairs(alone, 0)

"""The marts' shortcuts give the results of the general code they skip.

The record flow finds staged rows by position when they are the raw rows not quarantined in the raw
rows' order; the row accounting proves "nothing to report" without its group-by over every key; a table
keyed by hex pseudonyms is sorted through an integer prefix. Each test compares the shortcut with the
general path (forced by breaking the shortcut's precondition) and checks that a broken input is not
waved through.
"""

from __future__ import annotations

import dataclasses
import random

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipelines.publish.marts import (
    KIND_OF_REGISTRY,
    _accounted_for,
    _first_link,
    _join_entity_columns,
    _sorted,
    _sorted_by_hex_prefix,
    accounting_problems,
    flow_and_accounting,
    input_accounting_problems,
    quarantined_rows,
    read_inputs,
    record_flow,
)
from pipelines.publish.pseudonym import pseudonymise
from pipelines.publish.store import _stable_sort_by_ward
from pipelines.schema import MART_PEOPLE, REGISTRY_KINDS, Field, Table
from pipelines.warehouse import Warehouse
from tests.marts_fixture import sample_marts


@pytest.fixture(scope="session")
def inputs(tmp_path_factory):
    root, _ = sample_marts(tmp_path_factory.getbasetemp())
    return read_inputs(Warehouse(root))


def _shuffled(frame: pl.DataFrame, seed: int = 7) -> pl.DataFrame:
    return frame.sample(fraction=1.0, shuffle=True, seed=seed)


def _with_quarantine(inputs, registry: str, n: int = 3):
    """The sample with ``n`` more rows of ``registry`` quarantined (out of staged and lineage): the positional path
    with quarantined rows in the middle of the raw rows."""
    staged, lineage = inputs.staged[registry], inputs.lineage[KIND_OF_REGISTRY[registry]]
    moved = staged["record_key"].gather([1, staged.height // 2, staged.height - 2][:n])
    quarantine = pl.concat(
        [inputs.quarantine[registry], pl.DataFrame({"record_key": moved})], how="diagonal_relaxed"
    ).select(inputs.quarantine[registry].columns)
    keep = ~pl.col("record_key").is_in(moved.implode())
    return dataclasses.replace(
        inputs,
        staged={**inputs.staged, registry: staged.filter(keep)},
        quarantine={**inputs.quarantine, registry: quarantine},
        lineage={**inputs.lineage, KIND_OF_REGISTRY[registry]: lineage.filter(keep)},
    )


# --------------------------------------------------------------------------- record flow by position


def test_the_sample_takes_the_positional_path(inputs):
    for registry in REGISTRY_KINDS:
        quarantined = quarantined_rows(inputs.raw[registry], inputs.staged[registry], inputs.quarantine[registry])
        assert quarantined is not None and int(quarantined.sum()) == inputs.quarantine[registry].height


@pytest.mark.parametrize("quarantine_more", [False, True])
def test_record_flow_by_position_equals_the_join_on_record_keys(inputs, quarantine_more):
    if quarantine_more:
        inputs = _with_quarantine(inputs, "population")
    positional = record_flow(inputs)
    # staged rows out of the raw rows' order: no positional match, the flow joins on record_key
    shuffled = dataclasses.replace(inputs, staged={r: _shuffled(f) for r, f in inputs.staged.items()})
    for registry in REGISTRY_KINDS:
        assert (
            quarantined_rows(shuffled.raw[registry], shuffled.staged[registry], shuffled.quarantine[registry]) is None
        )
    joined = record_flow(shuffled)
    assert_frame_equal(positional, joined)
    if quarantine_more:
        states = positional.filter(pl.col("registry") == "population")["state"].value_counts()
        assert states.filter(pl.col("state") == "quarantined")["count"].item() >= 3


def test_a_staged_row_missing_or_out_of_place_is_not_matched_by_position(inputs):
    raw, staged, quarantine = inputs.raw["population"], inputs.staged["population"], inputs.quarantine["population"]
    assert quarantined_rows(raw, staged.slice(1), quarantine) is None  # one row short
    swapped = pl.concat([staged.slice(1, 1), staged.slice(0, 1), staged.slice(2)])
    assert quarantined_rows(raw, swapped, quarantine) is None  # same rows, two in another order
    null_key = raw.with_columns(record_key=pl.when(pl.int_range(pl.len()) == 3).then(None).otherwise("record_key"))
    assert quarantined_rows(null_key, staged, quarantine) is None


# --------------------------------------------------------------------------- row accounting shortcut


def _cases(raw, staged, quarantine, lineage):
    """(name, raw, staged, quarantine, lineage) with one thing broken each."""
    first, second = staged["record_key"][0], staged["record_key"][1]
    not_first = pl.col("record_key") != first
    yield "raw row lost", raw, staged.filter(not_first), quarantine, lineage.filter(not_first)
    yield "staged row not merged", raw, staged, quarantine, lineage.filter(not_first)
    yield "raw row twice", pl.concat([raw, raw.head(1)]), staged, quarantine, lineage
    yield "staged row twice", raw, pl.concat([staged, staged.head(1)]), quarantine, lineage
    yield "lineage row twice", raw, staged, quarantine, pl.concat([lineage, lineage.head(1)]).sort("record_key")
    yield (
        "lineage without entity",
        raw,
        staged,
        quarantine,
        lineage.with_columns(entity_id=pl.when(~not_first).then(None).otherwise("entity_id")),
    )
    also_q = pl.concat([quarantine, pl.DataFrame({"record_key": [first]})], how="diagonal_relaxed")
    yield "staged and quarantined", raw, staged, also_q.select(quarantine.columns), lineage
    foreign = pl.concat([quarantine, pl.DataFrame({"record_key": ["nowhere@2025-01-01#1"]})], how="diagonal_relaxed")
    yield "quarantined row not in raw", raw, staged, foreign.select(quarantine.columns), lineage
    twice_q = pl.concat([quarantine, pl.DataFrame({"record_key": [first, first]})], how="diagonal_relaxed")
    kept = pl.col("record_key") != first
    yield "quarantined twice", raw, staged.filter(kept), twice_q.select(quarantine.columns), lineage.filter(kept)
    # the lineage swaps one record key for a key that is not staged: as many rows, still sorted
    swapped = lineage.with_columns(
        record_key=pl.when(pl.col("record_key") == second).then(pl.lit(second + "x")).otherwise("record_key")
    ).sort("record_key")
    yield "lineage row not staged", raw, staged, quarantine, swapped


@pytest.mark.parametrize("registry", ["population", "households"])
def test_the_accounting_shortcut_never_hides_a_problem(inputs, registry):
    raw, staged, quarantine = inputs.raw[registry], inputs.staged[registry], inputs.quarantine[registry]
    lineage = inputs.lineage[KIND_OF_REGISTRY[registry]]
    assert _accounted_for(raw, staged, quarantine, lineage)
    assert accounting_problems(registry, raw, staged, quarantine, lineage) == []
    for name, *tables in _cases(raw, staged, quarantine, lineage):
        assert not _accounted_for(*tables), name
        assert accounting_problems(registry, *tables), name


def test_the_accounting_shortcut_with_quarantined_rows_in_the_middle(inputs):
    more = _with_quarantine(inputs, "population")
    tables = (more.raw["population"], more.staged["population"], more.quarantine["population"])
    lineage = more.lineage["people"]
    assert _accounted_for(*tables, lineage)
    assert accounting_problems("population", *tables, lineage) == []


def test_rows_in_another_order_are_counted_by_the_general_path(inputs):
    raw, staged, quarantine = inputs.raw["tax"], inputs.staged["tax"], inputs.quarantine["tax"]
    lineage = inputs.lineage["taxpayers"]
    assert not _accounted_for(raw, _shuffled(staged), quarantine, lineage)
    assert not _accounted_for(raw, staged, quarantine, _shuffled(lineage))
    assert accounting_problems("tax", raw, _shuffled(staged), quarantine, _shuffled(lineage)) == []


# --------------------------------------------------------------------------- sorting by a hex prefix


def test_pseudonym_keys_sorted_by_their_prefix_as_by_the_strings():
    ids = pl.Series("id", [f"P-{i:08d}" for i in range(20_000)])
    keys = pseudonymise(ids, "people", b"test-key-0123456789")
    frame = pl.DataFrame({"person_key": keys, "n": range(20_000)})
    expected = frame.sort("person_key")
    fast = _sorted_by_hex_prefix(_shuffled(frame), ["person_key"])
    assert fast is not None and fast.equals(expected)


def test_the_hex_prefix_sort_declines_what_it_cannot_order():
    """Keys it cannot order by the prefix give None (the caller sorts the strings); keys whose prefix parses but
    may disagree with the string order (signs, upper case) give the string order or None, never another order."""
    rng = random.Random(1)
    base = [f"{rng.getrandbits(128):032x}" for _ in range(50)]
    table = Table("t", "", (Field("k", pl.String, ""), Field("i", pl.Int64, "")), ("k",))
    for name, keys, declined in (
        ("duplicate key", [*base, base[3]], True),
        ("equal prefixes", [*base, base[4][:15] + "0" * 17, base[4][:15] + "f" * 17], True),
        ("not hex", [*base, "zz" + base[5][2:]], True),
        ("short", [*base, "abc"], True),
        ("null", [*base, None], True),
        ("upper-case hex", [*base, *(k.upper() for k in base[:10])], False),
        ("signed", [*base, "-" + base[7][1:], "+" + base[8][1:]], False),
    ):
        frame = _shuffled(pl.DataFrame({"k": keys, "i": range(len(keys))}, schema={"k": pl.String, "i": pl.Int64}))
        out = _sorted_by_hex_prefix(frame, ["k"])
        if declined:
            assert out is None, name
        else:
            assert out is None or out.equals(frame.sort("k")), name
        if name != "duplicate key":  # _sorted gives the string sort either way
            assert _sorted(table, frame).equals(frame.sort("k", nulls_last=True)), name


def test_the_people_mart_is_sorted_by_the_prefix(inputs):
    """The marts' own key (32 hex digits) takes the integer sort and ends in string order."""
    ids = pl.Series("id", [f"P-{i:06d}" for i in range(5_000)])
    frame = pl.DataFrame({"person_key": pseudonymise(ids, "people", b"test-key-0123456789")})
    frame = frame.with_columns(
        **{c: pl.lit(None, MART_PEOPLE.polars_schema[c]) for c in MART_PEOPLE.columns if c != "person_key"}
    )
    assert _sorted_by_hex_prefix(_shuffled(frame), ["person_key"]) is not None
    assert _sorted(MART_PEOPLE, _shuffled(frame))["person_key"].is_sorted()


# --------------------------------------------------------------------------- first link of sorted links


def test_first_link_of_sorted_links_equals_the_group_by(inputs):
    links = inputs.links
    for types, kind in ((("member_of",), "people"), (("branch_of",), "businesses"), (("taxpayer_of",), "taxpayers")):
        found = links.filter(pl.col("link_type").is_in(types) & (pl.col("from_kind") == kind))
        expected = found.group_by("from_entity_id").agg(to_entity_id=pl.col("to_entity_id").min()).sort(pl.all())
        for frame in (links.sort(pl.all()), _shuffled(links)):  # in key order (no group-by), then not
            assert_frame_equal(_first_link(frame, types, kind).sort(pl.all()), expected)
    # several links from one entity, the smallest target not first in the file
    many = pl.DataFrame(
        {
            "from_kind": ["people"] * 4,
            "from_entity_id": ["P-1", "P-1", "P-2", "P-1"],
            "to_entity_id": ["H-9", "H-2", "H-5", "H-4"],
            "link_type": ["member_of"] * 4,
        }
    )
    for frame in (many, many.sort("from_entity_id", "to_entity_id")):
        out = _first_link(frame, ("member_of",), "people").sort("from_entity_id")
        assert out.rows() == [("P-1", "H-2"), ("P-2", "H-5")]


def test_the_ward_sort_of_the_parquet_tree_is_the_stable_string_sort():
    rng = random.Random(3)
    codes = [rng.choice(["26740", "26737", "none", "2674", "27001", "00001"]) for _ in range(5_000)]
    frame = pl.DataFrame({"new_ward_code": codes, "i": range(5_000)})
    assert _stable_sort_by_ward(frame).equals(frame.sort("new_ward_code", maintain_order=True))
    with_null = frame.with_columns(new_ward_code=pl.when(pl.col("i") == 7).then(None).otherwise("new_ward_code"))
    assert _stable_sort_by_ward(with_null).equals(with_null.sort("new_ward_code", maintain_order=True))


# --------------------------------------------------------------------------- accounting read off the record flow


def test_the_accounting_read_off_the_record_flow_equals_the_general_one(inputs):
    flow, problems = flow_and_accounting(inputs)
    assert problems == [] == input_accounting_problems(inputs)
    assert_frame_equal(flow, record_flow(inputs))
    for registry in ("population", "households"):
        kind = KIND_OF_REGISTRY[registry]
        base = (inputs.raw[registry], inputs.staged[registry], inputs.quarantine[registry], inputs.lineage[kind])
        for name, raw, staged, quarantine, lineage in _cases(*base):
            broken = dataclasses.replace(
                inputs,
                raw={**inputs.raw, registry: raw},
                staged={**inputs.staged, registry: staged},
                quarantine={**inputs.quarantine, registry: quarantine},
                lineage={**inputs.lineage, kind: lineage},
            )
            expected = input_accounting_problems(broken)
            assert expected, name
            assert flow_and_accounting(broken)[1] == expected, name


# --------------------------------------------------------------------------- entity columns set beside the rows


def test_entity_columns_beside_the_rows_equal_the_join():
    placed = pl.DataFrame({"entity_id": ["P-1", "P-2", "P-3"], "n": [1, 2, 3]})
    columns = pl.DataFrame({"entity_id": ["P-1", "P-2", "P-3"], "sex": ["F", "M", "unknown"]})
    expected = placed.join(columns, on="entity_id").sort("entity_id")
    assert _join_entity_columns(placed, columns).equals(expected)
    # not the same rows, or ids repeated / not increasing: the join, whose rows are what counts
    for left, right in (
        (placed, columns.reverse()),
        (placed.head(2), columns),
        (pl.concat([placed, placed.tail(1)]), pl.concat([columns, columns.tail(1)])),
        (placed.reverse(), columns.reverse()),
    ):
        joined = left.join(right, on="entity_id")
        assert_frame_equal(_join_entity_columns(left, right), joined, check_row_order=False)

"""The matching engine on hand-built cases mixed into a small population, with the real people spec."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import replace

import polars as pl
import pytest

from pipelines.match import SpecError, load_spec, match, parse_spec
from pipelines.match.blocking import candidate_pairs
from pipelines.match.cluster import AMBIGUOUS, guarded_clusters
from pipelines.match.compare import comparison_levels, level_labels
from pipelines.match.entities import assign_entity_ids
from pipelines.match.evaluate import pairwise
from pipelines.match.prepare import prepare
from pipelines.match.spec import BLOCKING_KEYS, DATES_KEYS, LEVEL_KEYS, MATCH_KEYS, _preset_levels, keys_markdown
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background, frame, person_row

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"
D = dt.date


def hand_built() -> pl.DataFrame:
    r = person_row
    return frame(
        [
            # a typo in the middle name, same household book, no IDs
            r(
                "typo-1",
                "typo",
                "Trần Minh Khoa",
                D(1990, 5, 17),
                "M",
                household="500000001",
                relation="Con",
                address="12 Lê Lợi, Phường Bến Thành",
            ),
            r(
                "typo-2",
                "typo",
                "Trần Minb Khoa",
                D(1990, 5, 17),
                "M",
                household="500000001",
                relation="Con",
                address="12 Lê Lợi, P. Bến Thành",
            ),
            # day and month swapped by a clerk, moved to another household
            r(
                "swap-1",
                "swap",
                "Lê Thị Hồng Nhung",
                D(1985, 3, 7),
                "F",
                household="500000002",
                relation="Vợ",
                address="5 Hai Bà Trưng, Phường Sài Gòn",
            ),
            r(
                "swap-2",
                "swap",
                "Lê Thị Hồng Nhung",
                D(1985, 7, 3),
                "F",
                household="500000003",
                relation="Vợ",
                address="80 Võ Văn Tần, Phường An Đông",
            ),
            # CCCD on one record, only the old CMND on the other: not comparable (weaker than neutral, never a
            # disagreement), the rest decides
            r(
                "cccd-1",
                "cccd",
                "Phạm Văn Đức",
                D(1970, 1, 2),
                "M",
                pid="079070001234",
                household="500000004",
                relation="Chủ hộ",
                address="3 Lý Thường Kiệt, Phường Chợ Lớn",
            ),
            r(
                "cccd-2",
                "cccd",
                "Phạm Văn Đức",
                D(1970, 1, 2),
                "M",
                cmnd="025123456",
                household="500000005",
                relation="Chủ hộ",
                address="3 Lý Thường Kiệt, Phường Chợ Lớn",
            ),
            # same name and birth date, two different personal IDs: two people
            r(
                "ids-1",
                "ids-a",
                "Nguyễn Văn Hùng",
                D(1980, 6, 15),
                "M",
                pid="079080111111",
                household="500000006",
                relation="Chủ hộ",
            ),
            r(
                "ids-2",
                "ids-b",
                "Nguyễn Văn Hùng",
                D(1980, 6, 15),
                "M",
                pid="079080922222",
                household="500000007",
                relation="Chủ hộ",
            ),
            # same name and birth date, other households, other phones: two people
            r(
                "home-1",
                "home-a",
                "Nguyễn Thị Lan",
                D(2001, 2, 3),
                "F",
                household="500000008",
                phone="0901000001",
                relation="Con",
                address="1 Lê Lợi, Phường Bến Thành",
            ),
            r(
                "home-2",
                "home-b",
                "Nguyễn Thị Lan",
                D(2001, 2, 3),
                "F",
                household="500000009",
                phone="0902000002",
                relation="Con",
                address="9 Nguyễn Huệ, Phường Sài Gòn",
            ),
            # twins: same household book and birthday, no IDs yet, different given names
            r(
                "twin-1",
                "twin-a",
                "Võ Gia Bảo",
                D(2015, 9, 9),
                "M",
                household="500000010",
                relation="Con",
                address="7 Trần Hưng Đạo, Phường Chợ Lớn",
            ),
            r(
                "twin-2",
                "twin-b",
                "Võ Gia Huy",
                D(2015, 9, 9),
                "M",
                household="500000010",
                relation="Con",
                address="7 Trần Hưng Đạo, Phường Chợ Lớn",
            ),
            # chaining: B shares a phone with A and a household with C; A and C carry different IDs
            r(
                "chain-a",
                "chain-a",
                "Đặng Văn Tài",
                D(1975, 4, 4),
                "M",
                pid="079075333333",
                phone="0903000003",
                household="500000011",
                relation="Chủ hộ",
            ),
            r(
                "chain-b",
                "chain-a",
                "Đặng Văn Tài",
                D(1975, 4, 4),
                "M",
                phone="0903000003",
                household="500000012",
                relation="Chủ hộ",
            ),
            r(
                "chain-c",
                "chain-c",
                "Đặng Văn Tài",
                D(1975, 4, 4),
                "M",
                pid="079075444444",
                household="500000012",
                relation="Chủ hộ",
            ),
        ]
    )


@pytest.fixture(scope="module")
def spec():
    return load_spec(PEOPLE_SPEC)


@pytest.fixture(scope="module")
def table() -> pl.DataFrame:
    return pl.concat([background(), hand_built()])


@pytest.fixture(scope="module")
def result(table, spec):
    return match(table, spec)


def entity(result, key: str) -> str:
    return result.records.filter(pl.col("record_id") == key)["entity_id"].item()


@pytest.mark.parametrize("case", ["typo", "swap", "cccd"])
def test_clerk_errors_still_match(result, case):
    assert entity(result, f"{case}-1") == entity(result, f"{case}-2")


@pytest.mark.parametrize("case", ["ids", "home", "twin"])
def test_different_people_with_the_same_name_and_birth_date_stay_apart(result, case):
    assert entity(result, f"{case}-1") != entity(result, f"{case}-2")


def test_twins_and_different_ids_are_vetoed_by_their_cannot_link_rules(result):
    pairs = result.pairs.filter(
        pl.col("left_id").is_in(["twin-1", "ids-1"]) & pl.col("right_id").is_in(["twin-2", "ids-2"])
    )
    reasons = dict(zip(pairs["left_id"], pairs["decision_reason"], strict=True))
    assert reasons["twin-1"] == "cannot-link rule 'twins'"
    assert reasons["ids-1"] == "cannot-link rule 'different_ids'"


def test_swap_level_is_what_links_the_swapped_dates(result):
    pair = result.pairs.filter((pl.col("left_id") == "swap-1") & (pl.col("right_id") == "swap-2"))
    assert pair["date_of_birth_level"].item() == "day_month_swapped"
    assert pair["decision"].item() == "link"


def test_cmnd_against_cccd_is_not_comparable_not_a_disagreement(result, spec):
    pair = result.pairs.filter((pl.col("left_id") == "cccd-1") & (pl.col("right_id") == "cccd-2"))
    assert pair["ids_level"].item() == "not_comparable"
    weight = dict(zip(level_labels(spec)["ids"], result.model.weights()["ids"], strict=True))
    # two people hold IDs of no common kind more often than one person's copies do, but far less
    # surely than two different IDs say two people
    assert weight["different"] < weight["not_comparable"] < 0 < weight["exact"]
    assert pair["ids_weight"].item() == pytest.approx(weight["not_comparable"], abs=1e-5)
    assert pair["decision_reason"].item() is None


def test_chaining_guard_keeps_records_with_different_ids_apart(result):
    a, b, c = (entity(result, f"chain-{x}") for x in "abc")
    assert a != c
    # B (no ID) shares a phone with A and a household book with C, about equally strong evidence
    # (phone vs household, under log2(0.95 / 0.05) bits apart): it is linked to neither, both pairs
    # are queued for a reviewer with the ambiguity guard's reason
    assert b not in (a, c)
    queued = result.pairs.filter(
        (pl.col("left_id").is_in(["chain-b"]) | pl.col("right_id").is_in(["chain-b"]))
        & (pl.col("left_id").is_in(["chain-a", "chain-c"]) | pl.col("right_id").is_in(["chain-a", "chain-c"]))
    )
    assert queued["decision"].cast(pl.String).to_list() == ["refused", "refused"]
    assert set(queued["decision_reason"]) == {AMBIGUOUS}
    assert queued["match_probability"].min() >= 0.95


def test_background_duplicates_found_with_high_precision(result, table):
    truth = table.select(pl.col("record_key").alias("record_id"), "person")
    scores = pairwise(result.records.join(truth, on="record_id"), "entity_id", "person")
    assert scores["precision"] >= 0.99
    assert scores["recall"] >= 0.95


def test_every_record_once_in_lineage_with_evidence_inside_its_entity(result, table):
    records = result.records
    assert records.height == table.height
    assert records["record_id"].n_unique() == table.height
    linked = records.filter(pl.col("linked_to").is_not_null())
    partner = records.select(pl.col("record_id").alias("linked_to"), pl.col("entity_id").alias("partner_entity"))
    joined = linked.join(partner, on="linked_to")
    assert (joined["entity_id"] == joined["partner_entity"]).all()
    assert linked["link_evidence"].null_count() == 0
    singles = records.filter(pl.col("entity_size") == 1)
    assert singles["linked_to"].null_count() == singles.height


def test_golden_record_takes_the_most_frequent_name(result):
    e = entity(result, "swap-1")
    golden = result.entities.filter(pl.col("entity_id") == e)
    assert golden["record_count"].item() == 2
    assert golden["full_name"].item() == "Lê Thị Hồng Nhung"
    assert sorted(golden["record_ids"].item().to_list()) == ["swap-1", "swap-2"]


def test_review_queue_holds_uncertain_and_vetoed_pairs_with_both_records(result, spec):
    review = result.review
    assert review.height > 0
    assert set(review["decision"].unique()) <= {"review", "refused"}
    assert {"left_full_name", "right_full_name", "evidence"} <= set(review.columns)
    assert (review["match_probability"] >= spec.review_threshold).all()


def test_same_data_same_entity_ids(table, spec, result):
    again = match(table, spec)
    assert again.records.select("record_id", "entity_id").equals(result.records.select("record_id", "entity_id"))


def test_adding_records_keeps_existing_entity_ids(table, spec):
    first = table.head(2500)
    before = match(first, spec).records.select("record_id", "entity_id")
    extra = frame(
        [
            person_row(
                "late-copy",
                "x",
                *first.row(0)[1:3],
                first["sex"][0],
                pid=first["personal_id"][0],
                phone=first["phone"][0],
                household=first["household_no"][0],
            )
        ]
    )
    after = match(pl.concat([table, extra]), spec, previous=before).records
    kept = before.join(after, on="record_id", suffix="_after")
    assert (kept["entity_id"] == kept["entity_id_after"]).mean() >= 0.999
    assert entity_of(after, "late-copy") == entity_of(after, first["record_key"][0])
    new_ids = set(after["entity_id"]) - set(before["entity_id"])
    assert new_ids  # the records after the first 2,500 made new entities


def entity_of(records: pl.DataFrame, key: str) -> str:
    return records.filter(pl.col("record_id") == key)["entity_id"].item()


def test_entity_ids_follow_the_larger_part_when_split_and_merged():
    previous = pl.DataFrame({"record_id": ["a", "b", "c", "d", "e"], "entity_id": ["E-1", "E-1", "E-1", "E-2", "E-3"]})
    records = pl.Series(["a", "b", "c", "d", "e", "f"])
    # a,b stay together; c split off; d and e merged; f is new
    clusters = pl.Series([0, 0, 2, 3, 3, 5], dtype=pl.UInt32)
    ids, merged = assign_entity_ids(records, clusters, "E", previous)
    got = dict(zip(records, ids, strict=True))
    assert got["a"] == got["b"] == "E-1"
    assert got["c"] not in ("E-1", "E-2", "E-3")
    assert got["d"] == got["e"] == "E-2"
    assert merged.rows() == [("E-3", "E-2")]
    assert got["f"].startswith("E-") and len(set(got.values())) == 4


def test_fresh_entity_ids_depend_only_on_the_founding_record():
    ids1, _ = assign_entity_ids(pl.Series(["r1", "r2", "r3"]), pl.Series([0, 0, 2], dtype=pl.UInt32), "P")
    ids2, _ = assign_entity_ids(pl.Series(["r3", "r1", "r2"]), pl.Series([7, 1, 1], dtype=pl.UInt32), "P")
    assert dict(zip(["r1", "r2", "r3"], ids1, strict=True)) == dict(zip(["r3", "r1", "r2"], ids2, strict=True))


SMALL_SPEC = {
    "match": {"id": "id"},
    "blocking": [{"name": "city", "on": "city", "max_block": 10, "window": 3}],
    "compare": [{"name": "name", "column": "name", "preset": "name"}],
}


def test_oversized_block_is_windowed_and_reported():
    rows = pl.DataFrame(
        {
            "id": [str(i) for i in range(60)],
            "city": ["Sài Gòn"] * 50 + ["Huế"] * 10,
            "name": [f"Người {i:02d}" for i in range(60)],
        }
    )
    spec = parse_spec(SMALL_SPEC)
    pairs, report = candidate_pairs(prepare(rows, spec), spec)
    assert pairs.height == (3 * (50 - 3) + 3) + 10 * 9 // 2  # windowed big block + full small block
    capped = report.capped_blocks
    assert capped.rows() == [("city", "Sài Gòn", 50, 1225, 144)]


def test_comparison_levels_missing_is_null_and_id_digits_counted(spec):
    people = frame(
        [
            person_row("a", "p", "An", D(2000, 1, 2), "M", pid="079200000001"),
            person_row("b", "p", "An", D(2000, 2, 1), "M", pid="079200000002", cmnd="025000001"),
            person_row("c", "p", "An", D(2001, 1, 2), "M", cmnd="025000001"),
            person_row("d", "p", "An", D(2001, 1, 2), "M"),
        ]
    )
    work = prepare(people, spec)
    comps = tuple(c for c in spec.comparisons if c.name in ("ids", "date_of_birth"))
    levels = comparison_levels(
        work, pl.Series([0, 0, 1, 2], dtype=pl.UInt32), pl.Series([1, 2, 2, 3], dtype=pl.UInt32), comps
    )
    ids = spec.comparisons[[c.name for c in spec.comparisons].index("ids")]
    labels = [lv.label for lv in ids.levels] + ["different"]
    # a CCCD against only a CMND: not comparable; a CMND against no ID: one side only
    assert [None if v is None else labels[v] for v in levels["ids"]] == [
        "one_digit_off",
        "not_comparable",
        "exact",
        "one_side",
    ]
    assert levels["date_of_birth"][0] == 1  # day_month_swapped
    # without those levels in the ladder (the `id` preset) both pairs are neutral: missing
    preset = replace(ids, levels=_preset_levels("id", ids.columns, "ids")[0])
    plain = comparison_levels(
        work, pl.Series([0, 0, 1, 2], dtype=pl.UInt32), pl.Series([1, 2, 2, 3], dtype=pl.UInt32), (preset,)
    )
    assert [None if v is None else labels[v] for v in plain["ids"]] == ["one_digit_off", None, "exact", None]


def test_spec_errors_name_the_section_and_key(tmp_path):
    with pytest.raises(SpecError, match=r"\[\[blocking\]\] #1: unknown keys \['onn'\]"):
        parse_spec({"match": {"id": "id"}, "blocking": [{"onn": "x"}], "compare": [{"column": "x"}]})
    with pytest.raises(SpecError, match="unknown comparison 'idz'"):
        parse_spec({**SMALL_SPEC, "cannot_link": [{"levels": {"idz": ["different"]}}]})
    with pytest.raises(SpecError, match="has no level"):
        parse_spec({**SMALL_SPEC, "cannot_link": [{"levels": {"name": ["nearly"]}}]})
    bad = tmp_path / "bad.toml"
    bad.write_text("[match\nid='x'", encoding="utf-8")
    with pytest.raises(SpecError, match="bad.toml: not valid TOML"):
        load_spec(bad)


def _with(section: str, change: dict, index: int = 0) -> dict:
    """SMALL_SPEC with one entry's keys changed (a deep enough copy)."""
    spec = {k: (dict(v) if isinstance(v, dict) else [dict(e) for e in v]) for k, v in SMALL_SPEC.items()}
    if isinstance(spec.get(section), list):
        spec[section][index].update(change)
    else:
        spec.setdefault(section, {}).update(change)
    return spec


LEVENSHTEIN = {"name": "name", "column": "name", "levels": [{"kind": "levenshtein", "distance": 2}]}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            _with("match", {"link_threshold": "high"}),
            r"\[match\]: `link_threshold`: expected number in \(0, 1\), got 'high'",
        ),
        (_with("match", {"link_threshold": 1.5}), r"\[match\]: `link_threshold`: expected number in \(0, 1\)"),
        (_with("match", {"review_threshold": 0}), r"\[match\]: `review_threshold`"),
        (
            _with("match", {"link_threshold": 0.9, "review_threshold": 0.9}),
            "`review_threshold` \\(0.9\\) must be below",
        ),
        (_with("match", {"max_cluster_size": 1}), r"`max_cluster_size`: expected integer >= 2"),
        (_with("match", {"max_cluster_size": 20.5}), r"`max_cluster_size`: expected integer"),
        (_with("match", {"em_iterations": 0}), r"`em_iterations`: expected integer >= 1"),
        (_with("match", {"seed": -1}), r"`seed`: expected integer >= 0"),
        (_with("match", {"u_sample_pairs": True}), r"`u_sample_pairs`: expected integer"),
        (_with("match", {"id": 7}), r"\[match\]: `id`: expected text"),
        (_with("match", {"show": 3}), r"`show`: expected column name or list"),
        (
            _with("blocking", {"max_block": -1}),
            r"\[\[blocking\]\] #1 \(city\): `max_block`: expected integer >= 2, got -1",
        ),
        (_with("blocking", {"window": 0}), r"\[\[blocking\]\] #1 \(city\): `window`: expected integer >= 1"),
        (_with("blocking", {"train": "yes"}), r"\[\[blocking\]\] #1 \(city\): `train`: expected true/false"),
        (_with("blocking", {"on": []}), r"\[\[blocking\]\] #1 \(city\): `on`: expected column name"),
        ({**SMALL_SPEC, "blocking": {"on": "city"}}, r"\[\[blocking\]\]: expected an array of tables"),
        ({**SMALL_SPEC, "match": ["id"]}, r"\[match\]: expected a table"),
        (
            {**SMALL_SPEC, "compare": [{"column": "name", "preset": "fuzzy"}]},
            r"\[\[compare\]\] #1: `preset`: expected one of",
        ),
        (
            {**SMALL_SPEC, "compare": [{"column": "name", "score": 1}]},
            r"\[\[compare\]\] #1: `score`: expected true/false",
        ),
        (
            {**SMALL_SPEC, "compare": [{**LEVENSHTEIN, "levels": [{"kind": "levenshtein", "distance": "two"}]}]},
            r"\[\[compare\]\] #1 \(name\) level #1: `distance`: expected number >= 0, got 'two'",
        ),
        (
            {**SMALL_SPEC, "compare": [{**LEVENSHTEIN, "levels": [{"kind": "levenshtein", "distance": 1.5}]}]},
            r"level #1: `distance` of level kind 'levenshtein' must be a whole number",
        ),
        (
            {**SMALL_SPEC, "compare": [{**LEVENSHTEIN, "levels": [{"kind": "levenshtein"}]}]},
            r"level #1: level kind 'levenshtein' needs `distance`",
        ),
        (
            {**SMALL_SPEC, "compare": [{**LEVENSHTEIN, "levels": [{"kind": "exact", "threshold": 0.9}]}]},
            r"level #1: `threshold` does not apply to level kind 'exact'",
        ),
        (
            {**SMALL_SPEC, "compare": [{**LEVENSHTEIN, "levels": [{"kind": "jaro_winkler", "threshold": 95}]}]},
            r"level #1: `threshold`: expected number in \(0, 1\]",
        ),
        (
            {**SMALL_SPEC, "compare": [{**LEVENSHTEIN, "levels": [{"kind": "fuzzy"}]}]},
            r"level #1: `kind`: expected one of exact",
        ),
        (
            {**SMALL_SPEC, "compare": [{**LEVENSHTEIN, "levels": [{"kind": "exact"}, {"kind": "exact"}]}]},
            r"\[\[compare\]\] #1 \(name\): level labels must be unique",
        ),
        (
            {**SMALL_SPEC, "compare": [{**LEVENSHTEIN, "preset": "name"}]},
            r"\[\[compare\]\] #1 \(name\): give `preset` or `levels`",
        ),
        (
            {**SMALL_SPEC, "derive": [{"name": "x", "from": "name", "transform": "soundex"}]},
            r"\[\[derive\]\] #1 \(x\): `transform`",
        ),
        (
            {**SMALL_SPEC, "derive": [{"name": "x"}]},
            r"\[\[derive\]\] #1 \(x\): `from` \(the input column\) is required",
        ),
        ({**SMALL_SPEC, "cannot_link": [{"levels": "name"}]}, r"\[\[cannot_link\]\] #1: `levels`: expected table"),
        ({**SMALL_SPEC, "survivorship": {"name": "longest_first"}}, r"\[survivorship\] name: rule must be one of"),
        (
            {**SMALL_SPEC, "compare": [{**LEVENSHTEIN, "levels": [{"kind": "exact", "common_words": 0.01}]}]},
            r"level #1: `common_words` does not apply to level kind 'exact'",
        ),
        (
            {
                **SMALL_SPEC,
                "compare": [{**LEVENSHTEIN, "levels": [{"kind": "levenshtein", "distance": 1, "common_words": 1.5}]}],
            },
            r"level #1: `common_words`: expected number in \(0, 1\)",
        ),
    ],
)
def test_every_spec_mistake_is_a_spec_error_naming_section_entry_and_key(spec, message):
    with pytest.raises(SpecError, match=message):
        parse_spec(spec)


def test_spec_values_are_typed_and_defaults_come_from_the_key_table():
    spec = parse_spec(_with("match", {"link_threshold": 1 - 1e-9, "review_threshold": 0.25}))
    assert isinstance(spec.link_threshold, float) and spec.review_threshold == 0.25
    assert spec.max_cluster_size == MATCH_KEYS["max_cluster_size"].default
    assert (
        spec.blocking[0].max_block == 10 and parse_spec(_with("blocking", {"max_block": 2})).blocking[0].max_block == 2
    )
    default_rule = parse_spec({**SMALL_SPEC, "blocking": [{"on": "city"}]}).blocking[0]
    assert (default_rule.max_block, default_rule.window) == (
        BLOCKING_KEYS["max_block"].default,
        BLOCKING_KEYS["window"].default,
    )
    level = parse_spec({**SMALL_SPEC, "compare": [{**LEVENSHTEIN, "levels": [{"kind": "one_digit"}]}]})
    assert level.comparisons[0].levels[0].distance == 1


def test_readme_key_reference_is_generated_from_the_key_table():
    readme = (REPO_ROOT / "docs" / "guide" / "matching.md").read_text(encoding="utf-8")
    assert keys_markdown() in readme, (
        "docs/guide/matching.md spec key reference is stale: run `uv run python -m pipelines.docs`"
    )
    for keys in (MATCH_KEYS, BLOCKING_KEYS, LEVEL_KEYS):
        for name in keys:
            assert f"`{name}`" in keys_markdown()


def test_missing_input_column_is_named(spec):
    with pytest.raises(SpecError, match=r"columns \['phone'\]"):
        match(background(50).drop("phone"), spec)


def test_duplicate_record_ids_are_refused(spec):
    table = background(50)
    with pytest.raises(SpecError, match="not unique"):
        match(pl.concat([table, table.head(1)]), spec)


def test_connected_components_long_chain_and_separate_parts():
    from pipelines.match.cluster import connected_components

    chain = pl.DataFrame({"l": list(range(0, 999)), "r": list(range(1, 1000))}, schema={"l": pl.UInt32, "r": pl.UInt32})
    star = pl.DataFrame({"l": [1005] * 4, "r": [1001, 1002, 1003, 1004]}, schema={"l": pl.UInt32, "r": pl.UInt32})
    labels = connected_components(1010, pl.concat([chain.sample(fraction=1.0, shuffle=True, seed=1), star]))
    assert labels.head(1000).n_unique() == 1 and labels[0] == 0
    assert labels.slice(1001, 5).to_list() == [1001] * 5
    assert labels[1000] == 1000 and labels[1009] == 1009  # untouched rows are their own component


# ----------------------------------------------------------------------- small inputs: u sample scales with the table


def test_u_sample_scales_with_the_table_between_its_floor_and_its_cap():
    from pipelines.match.model import u_pair_count

    spec = parse_spec(SMALL_SPEC)
    per, floor, cap = spec.u_pairs_per_record, spec.u_min_pairs, spec.u_sample_pairs
    assert u_pair_count(5_000, spec) == max(floor, per * 5_000) < cap  # a small table: far fewer than a million
    assert u_pair_count(30_000, spec) == per * 30_000  # grows with the table ...
    assert u_pair_count(2_000_000, spec) == cap  # ... up to u_sample_pairs
    assert u_pair_count(100, spec) == 100 * 99 // 2  # never more than the table has
    tuned = parse_spec(_with("match", {"u_pairs_per_record": 3, "u_min_pairs": 10, "u_sample_pairs": 50}))
    assert (u_pair_count(5, tuned), u_pair_count(12, tuned), u_pair_count(1000, tuned)) == (10, 36, 50)


def test_small_table_u_counted_on_the_scaled_sample_keeps_its_accuracy(table, spec, result):
    assert result.model.random_pairs == min(spec.u_sample_pairs, max(spec.u_min_pairs, 20 * table.height))
    assert result.model.random_pairs < 1_000_000
    raw = tomllib.loads(PEOPLE_SPEC.read_text(encoding="utf-8"))
    full = match(table, parse_spec({**raw, "match": {**raw["match"], "u_min_pairs": 1_000_000}}))
    truth = table.select(pl.col("record_key").alias("record_id"), "person")
    scaled_f1 = pairwise(result.records.join(truth, on="record_id"), "entity_id", "person")["f1"]
    full_f1 = pairwise(full.records.join(truth, on="record_id"), "entity_id", "person")["f1"]
    assert full.model.random_pairs > result.model.random_pairs
    assert scaled_f1 >= full_f1 - 0.005


def test_founder_ids_are_the_same_md5_in_python_and_duckdb():
    from pipelines import md5
    from pipelines.match import entities

    founders = pl.Series(["r-1", "Nguyễn Văn An", "", "x" * 200])
    small = entities._founder_ids(founders, "P", "#1")
    small_plain = entities._founder_ids(founders, "P")
    old = md5.SMALL_HASH
    try:
        md5.SMALL_HASH = 0  # force the DuckDB path
        assert entities._founder_ids(founders, "P", "#1").to_list() == small.to_list()
        odd = "P'x\\é"  # (a quote, a backslash, a letter outside ASCII: the prefix is a SQL string literal in DuckDB)
        assert entities._founder_ids(founders, odd).to_list() == [f"{odd}-{h[2:]}" for h in small_plain.to_list()]
    finally:
        md5.SMALL_HASH = old
    assert small[0] == "P-" + __import__("hashlib").md5(b"r-1#1").hexdigest()[:16]


# ----------------------------------------------------------------------- dates as users write them


def _as_text(table: pl.DataFrame) -> pl.DataFrame:
    """Birth dates written as clerks write them: d.m.Y, d/m/Y and Ymd in turn (none of them ISO)."""
    forms = pl.int_range(pl.len()) % 3
    d = pl.col("date_of_birth")
    text = (
        pl.when(forms == 0)
        .then(d.dt.strftime("%d.%m.%Y"))
        .when(forms == 1)
        .then(d.dt.strftime("%d/%m/%Y"))
        .otherwise(d.dt.strftime("%Y%m%d"))
    )
    return table.with_columns(text.alias("date_of_birth"))


@pytest.fixture(scope="module")
def text_dates(table):
    return _as_text(table)


@pytest.fixture(scope="module")
def text_result(text_dates, spec):
    return match(text_dates, spec)


def test_text_dates_in_vietnamese_forms_match_like_real_dates(result, text_result, text_dates):
    assert text_dates["date_of_birth"].str.contains("-").sum() == 0  # no ISO date left
    same = result.records.select("record_id", "entity_id").sort("record_id")
    assert text_result.records.select("record_id", "entity_id").sort("record_id").equals(same)
    report = text_result.stats["dates"]["date_of_birth"]
    assert report == {"values": text_dates.height, "unreadable": 0, "year_only": 0, "month_only": 0}
    assert "dates date_of_birth: " in text_result.summary() and "0 unreadable" in text_result.summary()


def test_review_queue_shows_the_date_as_written_beside_the_date_read(text_result, text_dates):
    review = text_result.review
    assert review.height
    assert {"left_date_of_birth", "left_date_of_birth_raw", "right_date_of_birth_raw"} <= set(review.columns)
    written = dict(zip(text_dates["record_key"], text_dates["date_of_birth"], strict=True))
    assert review["left_date_of_birth_raw"].to_list() == [written[k] for k in review["left_id"]]
    assert review.schema["left_date_of_birth"] == pl.Date and review["left_date_of_birth"].null_count() == 0
    assert review.columns.index("left_date_of_birth_raw") == review.columns.index("left_date_of_birth") + 1


def _dated(*dates: str | None) -> pl.DataFrame:
    rows = [person_row(f"d{i}", "p", "Trần Minh Khoa", D(2000, 1, 1), "M") for i in range(len(dates))]
    return frame(rows).with_columns(pl.Series("date_of_birth", list(dates), dtype=pl.String))


def _date_levels(spec, table: pl.DataFrame, pairs: list[tuple[int, int]]) -> list[str | None]:
    work = prepare(table, spec)
    comp = next(c for c in spec.comparisons if c.name == "date_of_birth")
    l = pl.Series([a for a, _ in pairs], dtype=pl.UInt32)
    r = pl.Series([b for _, b in pairs], dtype=pl.UInt32)
    labels = [lv.label for lv in comp.levels] + ["different"]
    return [None if v is None else labels[v] for v in comparison_levels(work, l, r, (comp,))[comp.name]]


def test_a_year_only_birth_date_is_compared_on_its_year(spec):
    table = _dated("1990", "17/05/1990", "1991", "1990", "01/01/1990", "05/1990", "18/05/1990")
    levels = _date_levels(spec, table, [(0, 1), (0, 2), (0, 3), (0, 4), (5, 1), (1, 6)])
    # a year against a full date of that year: year_only (its own level, never a mismatch and never
    # the weak same_year of two full dates); another year: different; two bare years, or 1990 against
    # 1 January 1990, are only the year (not an exact date); a month (05/1990) is compared on its year
    # too; two full dates still on their days (17/05 vs 18/05: one digit apart, a typo)
    assert levels == ["year_only", "different", "year_only", "year_only", "year_only", "typo"]
    work = prepare(table, spec)
    assert work["birth_year"].to_list() == ["1990", "1990", "1991", "1990", "1990", "1990", "1990"]
    # day-level keys need the day: a bare year is no blocking key on the birth date
    assert work["birth_date_any_order"].is_null().to_list() == [True, False, True, True, False, True, False]


def test_a_date_ladder_without_a_year_level_is_neutral_on_a_year_only_date():
    spec = parse_spec(
        {
            "match": {"id": "id"},
            "blocking": [{"on": "city"}],
            "compare": [
                {"name": "born", "column": "born", "levels": [{"kind": "exact"}, {"kind": "date_within", "days": 3}]}
            ],
        }
    )
    table = pl.DataFrame({"id": ["a", "b", "c"], "city": ["x"] * 3, "born": ["1990", "02/01/1990", "01/01/1990"]})
    work = prepare(table, spec)
    levels = comparison_levels(
        work, pl.Series([0, 1], dtype=pl.UInt32), pl.Series([1, 2], dtype=pl.UInt32), spec.comparisons
    )
    assert levels["born"].to_list() == [None, 1]  # year vs date: missing (neutral); two dates a day apart: within


def test_an_edit_between_two_common_words_is_its_own_level_and_a_rare_slip_stays_a_typo():
    ladder = [
        {"kind": "exact"},
        {"kind": "levenshtein", "label": "other_name", "distance": 1, "common_words": 0.2},
        {"kind": "levenshtein", "label": "typo", "distance": 1},
    ]
    spec = parse_spec(
        {"match": {"id": "id"}, "blocking": [{"on": "city"}], "compare": [{"column": "name", "levels": ladder}]}
    )
    names = ["nguyen thi ha", "nguyen thi kha", "nguyen thi ha", "nguyen thi kha", "nguyen thi haa", "tran an"]
    names += ["le van ha", "le van kha"] * 4  # ha and kha in 6 names of 14 each; haa in 1
    table = pl.DataFrame({"id": [str(i) for i in range(len(names))], "city": ["x"] * len(names), "name": names})
    work = prepare(table, spec)
    pairs = [(0, 1), (0, 4), (0, 2), (5, 0)]
    levels = comparison_levels(
        work,
        pl.Series([a for a, _ in pairs], dtype=pl.UInt32),
        pl.Series([b for _, b in pairs], dtype=pl.UInt32),
        spec.comparisons,
    )
    labels = [lv.label for lv in spec.comparisons[0].levels] + ["different"]
    # ha / kha: each in 6 of 14 names (>= 20 %): another name; ha / haa: "haa" in 1: a slip
    assert [labels[v] for v in levels["name"]] == ["other_name", "typo", "exact", "different"]
    stricter = parse_spec(
        {
            "match": {"id": "id"},
            "blocking": [{"on": "city"}],
            "compare": [{"column": "name", "levels": [{**ladder[1], "common_words": 0.5}, ladder[2]]}],
        }
    )
    levels = comparison_levels(
        prepare(table, stricter), pl.Series([0], dtype=pl.UInt32), pl.Series([1], dtype=pl.UInt32), stricter.comparisons
    )
    assert levels["name"].to_list() == [1]  # neither word is in half the names: a typo
    few = table.head(6)  # ha and kha in 2 names each: under 5 names, never common, whatever their share
    levels = comparison_levels(
        prepare(few, spec), pl.Series([0], dtype=pl.UInt32), pl.Series([1], dtype=pl.UInt32), spec.comparisons
    )
    assert [labels[v] for v in levels["name"]] == ["typo"]


def test_declared_date_forms_and_day_order_are_obeyed():
    base = {
        "match": {"id": "id", "allow_unreadable_dates": True},
        "blocking": [{"on": "city"}],
        "compare": [{"name": "born", "column": "born", "preset": "date"}],
    }
    table = pl.DataFrame({"id": ["a", "b", "c"], "city": ["x"] * 3, "born": ["05/03/1990", "1990-03-05", "1990"]})
    report: dict = {}
    month_first = prepare(table, parse_spec({**base, "dates": [{"column": "born", "day_first": False}]}), report=report)
    assert month_first["born"].to_list() == [D(1990, 5, 3), D(1990, 3, 5), D(1990, 1, 1)]
    assert report["born"] == {"values": 3, "unreadable": 0, "year_only": 1, "month_only": 0}
    report = {}
    iso_only = prepare(table, parse_spec({**base, "dates": [{"column": "born", "formats": ["iso"]}]}), report=report)
    assert iso_only["born"].to_list() == [None, D(1990, 3, 5), None]
    assert report["born"]["unreadable"] == 2 and report["born"]["year_only"] == 0
    assert prepare(table, parse_spec(base))["born"].to_list() == [D(1990, 3, 5), D(1990, 3, 5), D(1990, 1, 1)]


def test_a_mostly_unreadable_date_column_refuses_to_run_unless_allowed(spec, text_dates):
    broken = text_dates.head(300).with_columns(
        pl.when(pl.int_range(pl.len()) % 10 < 6)
        .then(pl.lit("khong ro"))
        .otherwise(pl.col("date_of_birth"))
        .alias("date_of_birth")
    )
    with pytest.raises(SpecError) as caught:
        match(broken, spec, source="people.csv")
    message = str(caught.value)
    assert "people.csv" in message and "'date_of_birth'" in message and "180 of 300 values (60%)" in message
    assert "allow_unreadable_dates = true" in message and "khong ro" not in message
    assert not any(v in message for v in broken["date_of_birth"].drop_nulls().to_list())
    raw = tomllib.loads(PEOPLE_SPEC.read_text(encoding="utf-8"))
    allowed = match(broken, parse_spec({**raw, "match": {**raw["match"], "allow_unreadable_dates": True}}))
    assert allowed.stats["dates"]["date_of_birth"]["unreadable"] == 180
    assert "180 unreadable (60.0%)" in allowed.summary()
    # at most half unreadable: runs, and says how many
    half = broken.with_columns(
        pl.when(pl.int_range(pl.len()) % 2 == 0)
        .then(pl.lit("??"))
        .otherwise(text_dates.head(300)["date_of_birth"])
        .alias("date_of_birth")
    )
    assert match(half, spec).stats["dates"]["date_of_birth"]["unreadable"] == 150


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ([{"column": "name", "formats": ["dd/mm/yyyy"]}], r"\[\[dates\]\] #1: `formats`: expected list of dmy"),
        ([{"column": "name", "day_first": "yes"}], r"\[\[dates\]\] #1: `day_first`: expected true/false"),
        ([{"formats": ["iso"]}], r"\[\[dates\]\] #1: `column` \(a date column .*\) is required"),
        ([{"column": "born"}], r"\[\[dates\]\] #1: `column`: 'born' is not a column the spec uses"),
        ([{"column": "name"}, {"column": "name"}], r"\[\[dates\]\]: each column is declared once"),
        ({"column": "name"}, r"\[\[dates\]\]: expected an array of tables"),
    ],
)
def test_date_declarations_are_checked_against_the_key_table(dates, message):
    with pytest.raises(SpecError, match=message):
        parse_spec({**SMALL_SPEC, "dates": dates})
    with pytest.raises(SpecError, match=r"`allow_unreadable_dates`: expected true/false"):
        parse_spec(_with("match", {"allow_unreadable_dates": "yes"}))
    assert parse_spec({**SMALL_SPEC, "dates": [{"column": "name"}]}).dates[0].formats == DATES_KEYS["formats"].default


# ----------------------------------------------------------------------- a mixed CMND/CCCD column


def _mixed_cases() -> pl.DataFrame:
    r = person_row
    return frame(
        [
            # one export put the person's CMND in personal_id, another has the CCCD there
            r("mix-1", "mix", "Phan Thị Diễm Kiều", D(1979, 9, 23), "F", pid="025111222"),
            r("mix-2", "mix", "Phan Thị Diễm Kiều", D(1979, 9, 23), "F", pid="079179333444"),
            # the CMND left in personal_id here, in old_id_number there
            r("cross-1", "cross", "Huỳnh Quốc Bảo", D(1969, 12, 2), "M", pid="024555666"),
            r("cross-2", "cross", "Huỳnh Quốc Bảo", D(1969, 12, 2), "M", pid="079069777888", cmnd="024555666"),
            # two different CMNDs, one of them in personal_id: still two people
            r("two-1", "two-1", "Võ Văn Tám", D(1960, 1, 8), "M", pid="023000111"),
            r("two-2", "two-2", "Võ Văn Tám", D(1960, 1, 8), "M", cmnd="027999888"),
        ]
    )


def _pair(result, a: str, b: str) -> dict:
    return result.pairs.filter((pl.col("left_id") == a) & (pl.col("right_id") == b)).to_dicts()[0]


def test_a_cmnd_in_personal_id_never_disagrees_with_a_cccd(spec):
    table = pl.concat([background(300), _mixed_cases()])
    result = match(table, spec)
    mix = _pair(result, "mix-1", "mix-2")
    assert mix["ids_level"] == "not_comparable" and mix["decision_reason"] is None
    assert entity(result, "mix-1") == entity(result, "mix-2")
    cross = _pair(result, "cross-1", "cross-2")
    assert cross["ids_level"] == "exact" and cross["decision"] == "link"  # found across the two columns
    two = _pair(result, "two-1", "two-2")
    assert two["ids_level"] == "different" and two["decision_reason"] == "cannot-link rule 'different_ids'"
    assert entity(result, "two-1") != entity(result, "two-2")
    # without `mixed` the CMND and the CCCD are two different IDs: the cannot-link rule refuses the true pair
    raw = tomllib.loads(PEOPLE_SPEC.read_text(encoding="utf-8"))
    plain = [{**c, "mixed": False} if c["name"] == "ids" else c for c in raw["compare"]]
    unmixed = match(table, parse_spec({**raw, "compare": plain}))
    assert _pair(unmixed, "mix-1", "mix-2")["decision_reason"] == "cannot-link rule 'different_ids'"
    assert entity(unmixed, "mix-1") != entity(unmixed, "mix-2")


def test_mixed_comparison_levels_across_columns(spec):
    ids = next(c for c in spec.comparisons if c.name == "ids")
    assert ids.mixed
    people = frame(
        [
            person_row("a", "p", "An", D(2000, 1, 2), "M", pid="025000001"),
            person_row("b", "p", "An", D(2000, 1, 2), "M", pid="079200000002", cmnd="025000007"),
            person_row("c", "p", "An", D(2000, 1, 2), "M", pid="079200000003"),
            person_row("d", "p", "An", D(2000, 1, 2), "M", cmnd="025000001"),
        ]
    )
    work = prepare(people, spec)
    l = pl.Series([0, 0, 1, 0, 2], dtype=pl.UInt32)
    r = pl.Series([1, 2, 2, 3, 3], dtype=pl.UInt32)
    labels = [lv.label for lv in ids.levels] + ["different"]
    got = [None if v is None else labels[v] for v in comparison_levels(work, l, r, (ids,))["ids"]]
    # a: CMND ...001 in personal_id; b: CMND ...007 in old_id_number: one digit off across the columns;
    # a vs c: CMND against CCCD only: not comparable; b vs c: two CCCDs one digit apart; a vs d: the same
    # CMND; c vs d: a CCCD against a CMND
    assert got == ["one_digit_off", "not_comparable", "one_digit_off", "exact", "not_comparable"]


def test_typed_dates_with_a_precision_column_compare_a_year_only_date_on_its_year(spec):
    assert spec.dates[0].precision == "dob_precision" and "dob_precision" not in spec.input_columns
    table = _dated(None, None, None).with_columns(
        pl.Series("date_of_birth", [D(1990, 1, 1), D(1990, 5, 17), D(1990, 1, 1)]),
        pl.Series("dob_precision", ["year", "day", "day"]),
    )
    # year-only against a date: year_only; two full dates of that year: same_year
    assert _date_levels(spec, table, [(0, 1), (0, 2), (2, 1)]) == ["year_only", "year_only", "same_year"]
    assert prepare(table, spec)["birth_date_any_order"].is_null().to_list() == [True, False, False]
    # the precision column is optional: without it typed dates are full dates
    assert _date_levels(spec, table.drop("dob_precision"), [(0, 2)]) == ["exact"]


def _guard(weights: dict[tuple[int, int], float]) -> tuple[list[int], dict[tuple[int, int], str]]:
    """guarded_clusters over 3 records: record 0 linked to 1 and 2 with the given weights, and 1 / 2
    scored as a conflict (-5 bits) when the guard asks. Returns cluster labels and refusal reasons."""

    def score_pairs(pairs: pl.DataFrame) -> pl.DataFrame:
        w = [weights.get((a, b), -5.0) for a, b in pairs.select("l", "r").iter_rows()]
        return pairs.select("l", "r").with_columns(
            pl.Series("match_weight", w, dtype=pl.Float64),
            pl.Series("match_probability", [1 / (1 + 2**-x) for x in w], dtype=pl.Float64),
            pl.lit(None, pl.String).alias("veto"),
        )

    links = score_pairs(pl.DataFrame({"l": [0, 0], "r": [1, 2]}, schema={"l": pl.UInt32, "r": pl.UInt32}))
    clusters, refused, _, _ = guarded_clusters(3, links, 12, score_pairs, 0.95, 0.0)
    return clusters.to_list(), {(a, b): why for a, b, why in refused.select("l", "r", "reason").iter_rows()}


def test_a_record_torn_between_two_different_people_is_linked_to_neither():
    # 0 is about as like 1 as 2 (1 bit apart, under log2(0.95 / 0.05) = 4.2), and 1 and 2 differ: review both
    clusters, refused = _guard({(0, 1): 10.0, (0, 2): 9.0})
    assert len(set(clusters)) == 3
    assert refused == {(0, 1): AMBIGUOUS, (0, 2): AMBIGUOUS}
    # far likelier 1 than 2 (6 bits): linked to 1, the link to 2 refused by the chaining guard
    clusters, refused = _guard({(0, 1): 15.0, (0, 2): 9.0})
    assert clusters[0] == clusters[1] != clusters[2]
    assert list(refused) == [(0, 2)] and refused[(0, 2)] != AMBIGUOUS
    # 1 and 2 the same person (their pair a link): no conflict, one cluster
    clusters, refused = _guard({(0, 1): 10.0, (0, 2): 9.0, (1, 2): 12.0})
    assert len(set(clusters)) == 1 and not refused


def test_levels_with_different_common_words_thresholds_on_one_column_each_give_their_own_answer():
    # one lookup of the rarest differing word per pair; each level compares it with its own threshold
    ladder = [
        {"kind": "levenshtein", "label": "very_common", "distance": 1, "common_words": 0.5},
        {"kind": "levenshtein", "label": "common", "distance": 1, "common_words": 0.2},
        {"kind": "levenshtein", "label": "typo", "distance": 1},
    ]
    spec = parse_spec(
        {"match": {"id": "id"}, "blocking": [{"on": "city"}], "compare": [{"column": "name", "levels": ladder}]}
    )
    names = ["nguyen thi ha", "nguyen thi kha", "nguyen thi haa"] + ["le van ha", "le van kha"] * 4 + ["tran an"]
    table = pl.DataFrame({"id": [str(i) for i in range(len(names))], "city": ["x"] * len(names), "name": names})
    levels = comparison_levels(
        prepare(table, spec), pl.Series([0, 0], dtype=pl.UInt32), pl.Series([1, 2], dtype=pl.UInt32), spec.comparisons
    )
    # ha and kha each in 5 of 12 names (42 %): common, not very common; haa in one name: a typo
    assert levels["name"].to_list() == [1, 2]


def _two_comparison_model(spec, m_name, u_name, m_sex, u_sex):
    import numpy as np

    from pipelines.match.model import Model

    return Model(
        {c.name: len(c.levels) + 1 for c in spec.scored_comparisons},
        {"name": np.array(m_name), "sex": np.array(m_sex)},
        {"name": np.array(u_name), "sex": np.array(u_sex)},
        0.1,
        1e-4,
        1,
        True,
        1000,
        {},
    )


def test_an_agreement_implied_by_another_comparison_adds_no_weight_and_a_disagreement_still_counts():
    import numpy as np

    from pipelines.match.model import score

    def spec_with(sex: dict):
        return parse_spec(
            {
                "match": {"id": "id"},
                "blocking": [{"on": "name"}],
                "compare": [{"column": "name", "levels": [{"kind": "exact"}]}, {"column": "sex", **sex}],
            }
        )

    spec = spec_with({"implied_by": "name"})
    model = _two_comparison_model(spec, [0.9, 0.1], [0.01, 0.99], [0.98, 0.02], [0.5, 0.5])
    # name: exact, exact, different, missing; sex: agree, differ, agree, agree
    gamma = pl.DataFrame({"name": [0, 0, 1, None], "sex": [0, 1, 0, 0]}, schema={"name": pl.Int8, "sex": pl.Int8})
    l = pl.Series([0, 1, 2, 3], dtype=pl.UInt32)  # noqa: E741
    w = score(l, gamma, model, spec, {})["w_sex"].to_list()
    agree, differ = pytest.approx(float(np.log2(0.98 / 0.5)), rel=1e-4), pytest.approx(float(np.log2(0.02 / 0.5)))
    assert w[0] == 0.0  # namesakes agree on sex as well: no evidence
    assert w[1] == differ  # a disagreement is evidence whatever the name says
    assert w[2] == agree and w[3] == agree  # names differ or are missing: sex agreeing tells something
    assert score(l, gamma, model, spec_with({}), {})["w_sex"].to_list()[0] == agree  # without implied_by: counted


@pytest.mark.parametrize(
    ("implied_by", "message"),
    [
        ("nonexistent", r"\[\[compare\]\] #2 \(sex\): `implied_by` must name another scored comparison"),
        ("sex", r"`implied_by` must name another scored comparison \(one of \['name'\]\), got 'sex'"),
        ("given", r"`implied_by` must name another scored comparison"),  # not scored
    ],
)
def test_implied_by_must_name_another_scored_comparison(implied_by, message):
    with pytest.raises(SpecError, match=message):
        parse_spec(
            {
                "match": {"id": "id"},
                "blocking": [{"on": "name"}],
                "compare": [
                    {"column": "name", "levels": [{"kind": "exact"}]},
                    {"column": "sex", "implied_by": implied_by},
                    {"name": "given", "column": "name", "score": False},
                ],
            }
        )


def test_a_typo_next_to_a_common_name_is_weaker_evidence_than_next_to_a_rare_one():
    from dataclasses import replace

    import numpy as np

    from pipelines.match.model import TF_MAX_BOOST_BITS, Model, score, term_frequencies

    spec = parse_spec(
        {
            "match": {"id": "id"},
            "blocking": [{"on": "city"}],
            "compare": [
                {
                    "column": "name",
                    "tf_adjust": True,
                    "tf_similar": True,
                    "levels": [{"kind": "exact"}, {"kind": "levenshtein", "label": "typo", "distance": 1}],
                }
            ],
        }
    )
    names = ["nguyen van an"] * 30 + ["nguyen van ann", "quach dieu khue", "quach dieu khuee"] + ["tran b"] * 67
    table = pl.DataFrame({"id": [str(i) for i in range(len(names))], "city": ["x"] * len(names), "name": names})
    work = prepare(table, spec)
    tf = {("name", "name"): term_frequencies(work, "name")}
    m, u = np.array([0.7, 0.2, 0.1]), np.array([0.1, 0.001, 0.899])
    model = Model({"name": 3}, {"name": m}, {"name": u}, 0.1, 1e-4, 1, True, 1000, {})
    gamma = pl.DataFrame({"name": [1, 1]}, schema={"name": pl.Int8})
    l, r = pl.Series([30, 31], dtype=pl.UInt32), pl.Series([0, 32], dtype=pl.UInt32)  # typo of common / of rare
    common, rare = score(l, gamma, model, spec, tf, r)["w_name"].to_list()
    base = float(np.log2(0.2 / 0.001))
    # the commoner side decides: "nguyen van an" in 30 of 100 names; u of agreeing on the name is 0.1
    assert common == pytest.approx(base + np.log2(0.1 / 0.30), rel=1e-4)
    assert rare == pytest.approx(base + min(np.log2(0.1 / 0.01), TF_MAX_BOOST_BITS), rel=1e-4)  # boost capped
    assert common < base < rare
    # without the right-hand records, or without tf_similar, only exact levels are adjusted (the typo keeps its
    # average weight)
    assert score(l, gamma, model, spec, tf)["w_name"].to_list() == pytest.approx([base, base], rel=1e-4)
    exact_only = replace(spec, comparisons=(replace(spec.comparisons[0], tf_similar=False),))
    assert score(l, gamma, model, exact_only, tf, r)["w_name"].to_list() == pytest.approx([base, base], rel=1e-4)


def test_people_spec_finds_typos_in_both_family_and_given_name_on_the_same_birth_date():
    spec = load_spec(REPO_ROOT / "mappings" / "match" / "people.toml")
    rows = background(300)
    born = dt.date(2021, 7, 23)
    extra = [
        person_row("x1", "px", "Nguyễn Anh Khang", born, "M", household="111"),
        person_row("x2", "px", "Nguễn Anh Khhang", born, "M", household="222"),  # family and given name mistyped
        person_row("y1", "py", "Trần Thùy Thương", dt.date(2011, 1, 15), "F", household="333"),
        person_row("y2", "py", "Tần Thùy Thương", dt.date(2012, 1, 15), "F", household="444"),  # and year off
    ]
    table = pl.concat([rows, frame(extra)], how="diagonal_relaxed")
    work = prepare(table, spec)
    pairs, _ = candidate_pairs(work, spec)
    row = dict(zip(work["record_key"].to_list(), work["_row"].to_list(), strict=True))
    found = set(zip(pairs["l"].to_list(), pairs["r"].to_list(), strict=True))
    for a, b in (("x1", "x2"), ("y1", "y2")):
        assert (min(row[a], row[b]), max(row[a], row[b])) in found


def test_people_spec_gives_a_dropped_middle_name_with_a_family_name_typo_its_own_name_level():
    spec = load_spec(REPO_ROOT / "mappings" / "match" / "people.toml")
    names = ["Lê Hiền", "Lle Thị Hiền", "Nguyễn Thị Hiền", "Lê Hiền", "Lê Thị Hiền", "Lê Thị Hiềnn", "Lê Văn Hòa"]
    names += ["Trần Thị Hiền", "Phạm Hiền Thu"]
    table = frame([person_row(f"r{i}", f"p{i}", n, dt.date(1990, 1, 1), "F") for i, n in enumerate(names)])
    work = prepare(table, spec)
    comp = next(c for c in spec.comparisons if c.name == "name")
    labels = [lv.label for lv in comp.levels] + ["different"]
    # (dropped middle + family typo), (namesake: only the given name), (dropped middle, no typo),
    # (extra middle + given typo), (two words missing/extra and the given name differs), (a typo in a word
    # not left out, but one more word differs too), (the same word count: never this level)
    pairs = [(0, 1), (0, 2), (3, 4), (0, 5), (0, 6), (0, 7), (1, 8)]
    levels = comparison_levels(
        work,
        pl.Series([a for a, _ in pairs], dtype=pl.UInt32),
        pl.Series([b for _, b in pairs], dtype=pl.UInt32),
        [comp],
    )
    got = [labels[v] for v in levels["name"]]
    assert got[0] == "words_missing_typo"
    assert got[1] == "same_given"  # Lê / Nguyễn: a namesake, not a typo
    assert got[2] == "words_missing"
    assert got[3] == "words_missing_typo"  # "hien" / "hienn" after "thi" left out
    assert got[4] == "different"
    assert got[5] == "same_given"  # le / tran: not one edit apart
    assert got[6] != "words_missing_typo"


def test_english_month_name_dates_are_read_by_default_and_only_when_declared():
    # 'Jan 22 1997' as spreadsheets write it: staging reads it (form month_name), so match must too
    base = {
        "match": {"id": "id", "allow_unreadable_dates": True},
        "blocking": [{"on": "city"}],
        "compare": [{"name": "born", "column": "born", "preset": "date"}],
    }
    table = pl.DataFrame({"id": ["a", "b", "c"], "city": ["x"] * 3, "born": ["Jan 22 1997", "22-Jan-97", "22/01/1997"]})
    report: dict = {}
    assert prepare(table, parse_spec(base), report=report)["born"].to_list() == [D(1997, 1, 22)] * 3
    assert report["born"]["unreadable"] == 0
    report = {}
    dmy_only = parse_spec({**base, "dates": [{"column": "born", "formats": ["dmy"]}]})
    assert prepare(table, dmy_only, report=report)["born"].to_list() == [None, None, D(1997, 1, 22)]
    assert report["born"]["unreadable"] == 2

"""Taxpayer branches: a tax code's base (10-digit MST) and branch part (-001) are compared apart;
and verdicts (`wardbridge match --labels`) on records the input does not hold are counted.

A branch and its parent, or two branches of one MST, are different taxpayers: they must never meet
at the "one digit off" level (a clerk's typo) nor be linked, even with the same name, office and
address. A digit wrong in the base of a branch's code is still a typo of that branch.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from pipelines.match import load_spec, match
from pipelines.match.learning import verdict_coverage
from pipelines.match.prepare import _transform
from pipelines.standardise import check_tax_code
from pipelines.synth.registries import _msts
from tests.test_cli import wardbridge

SPEC = Path(__file__).resolve().parents[1] / "mappings" / "match" / "taxpayers.toml"
NAME, ADDRESS, OFFICE = "Công ty TNHH Minh Phát", "12 Lê Lợi, Phường 1", "Chi cục Thuế Quận 1"


def test_base_and_branch_parts():
    codes = pl.Series(
        "c", ["0312345678", "0312345678-001", "0312345678001", "079012345678", None, "abc", "0312345678-000"]
    )
    out = codes.to_frame().select(
        base=_transform(pl.col("c"), "tax_base"),
        branch=_transform(pl.col("c"), "tax_branch"),
        code=_transform(pl.col("c"), "tax_canonical"),
    )
    # text without a digit has no base (it is no code: it must not share one with other such text)
    assert out["base"].to_list() == ["0312345678", "0312345678", "0312345678", "079012345678", None, None, "0312345678"]
    # the MST itself is branch "000" (so it differs from a branch); a personal ID has no branch part
    assert out["branch"].to_list() == ["000", "001", "001", None, None, None, "000"]
    # the code however written; "-000" is the head office, the MST itself
    assert out["code"].to_list() == [
        "0312345678", "0312345678001", "0312345678001", "079012345678", None, None, "0312345678"
    ]  # fmt: skip


def _city(x: str) -> pl.DataFrame:
    """120 ordinary taxpayers (1-3 period rows each) and one MST ``x`` with two branches, all four
    codes under the same name, office and address, plus a digit wrong in the base of branch 1's code
    and one in the parent's code."""
    rng, rnd = np.random.default_rng(3), random.Random(3)
    words = ["Minh", "Phát", "An", "Khang", "Sao", "Mai", "Hoàng", "Gia", "Phú", "Quý", "Nam", "Long"]
    streets = ["Lê Lợi", "Pasteur", "Hai Bà Trưng", "Võ Văn Kiệt", "Nguyễn Trãi", "Lý Thường Kiệt"]
    rows: list[tuple[str, str, str, str, str, str]] = []

    def add(code: str, name: str, address: str, office: str, k: int, truth: str) -> None:
        rows.extend((code, name, address, office, f"2024-{i + 1:02d}", truth) for i in range(k))

    for code in _msts(rng, np.array(["03"] * 120), np.ones(120, bool)):
        add(
            code,
            f"Công ty TNHH {rnd.choice(words)} {rnd.choice(words)} {rnd.randint(1, 99)}",
            f"{rnd.randint(1, 500)} {rnd.choice(streets)}, Phường {rnd.randint(1, 15)}",
            f"Chi cục Thuế Quận {rnd.randint(1, 12)}",
            rnd.randint(1, 3),
            code,
        )
    add(x, NAME, ADDRESS, OFFICE, 3, "parent")
    add(f"{x}-001", NAME, ADDRESS, OFFICE, 2, "branch 1")
    add(f"{x}-002", NAME, ADDRESS, OFFICE, 2, "branch 2")
    add(f"{x[:4]}{(int(x[4]) + 1) % 10}{x[5:]}-001", NAME, ADDRESS, OFFICE, 1, "branch 1")
    add(f"{x[:6]}{(int(x[6]) + 1) % 10}{x[7:]}", NAME, ADDRESS, OFFICE, 1, "parent")
    frame = pl.DataFrame(
        rows, schema=["raw", "taxpayer_name", "address", "tax_office", "period", "truth"], orient="row"
    )
    codes = check_tax_code(frame["raw"])
    return frame.with_columns(
        codes["tax_code"].alias("taxpayer_code"),
        codes["tax_code_kind"],
        pl.col("period").str.to_date("%Y-%m").alias("period_start"),
        pl.lit("79:1").alias("old_uid"),
        pl.lit("79:2").alias("new_uid"),
        pl.format("r{}", pl.int_range(pl.len())).alias("record_key"),
    )


@pytest.fixture(scope="module")
def city() -> pl.DataFrame:
    (x,) = _msts(np.random.default_rng(9), np.array(["03"]), np.ones(1, bool))
    return _city(x)


def _entities(frame: pl.DataFrame, spec_path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    result = match(frame.drop("raw", "truth"), load_spec(spec_path))
    lineage = result.records.select(pl.col("record_id").alias("record_key"), "entity_id")
    return frame.join(lineage, on="record_key"), result.pairs


def test_branch_and_parent_never_a_typo_level_match(city):
    records, pairs = _entities(city, SPEC)
    ours = records.filter(pl.col("taxpayer_name") == NAME)
    per_truth = ours.group_by("truth").agg(pl.col("entity_id").n_unique().alias("n"), pl.col("entity_id").first())
    # each taxpayer is one entity (the base-digit typos joined theirs), and the three are three
    assert per_truth.height == 3 and per_truth["n"].to_list() == [1, 1, 1]
    assert per_truth["entity_id"].n_unique() == 3
    side = ours.select("record_key", "truth", "raw")
    ours_pairs = (
        pairs.join(side.rename({"record_key": "left_id", "truth": "lt", "raw": "lraw"}), on="left_id")
        .join(side.rename({"record_key": "right_id", "truth": "rt", "raw": "rraw"}), on="right_id")
        .with_columns(pl.col("code_level", "decision").cast(pl.String))
    )
    across = ours_pairs.filter(pl.col("lt") != pl.col("rt"))
    assert across.height, "blocking on name and office pairs the parent with its branches"
    assert (across["decision"] == "refused").all()
    same_base = across.filter(pl.col("lraw").str.slice(0, 10) == pl.col("rraw").str.slice(0, 10))
    assert same_base.height and (same_base["code_level"] == "same_base_other_branch").all()
    # the digit wrong in the base of branch 1's code is a typo of branch 1: one digit off and linked
    typo = ours_pairs.filter(
        (pl.col("lt") == pl.col("rt")) & (pl.col("lt") == "branch 1") & (pl.col("lraw") != pl.col("rraw"))
    )
    assert typo.height and (typo["code_level"] == "one_digit_off").all() and (typo["decision"] == "link").all()


def _pairs_of(pairs: pl.DataFrame, prefix: str) -> pl.DataFrame:
    """Pairs with a record whose key starts with ``prefix``, levels and decisions as text."""
    return pairs.filter(pl.col("left_id").str.starts_with(prefix) | pl.col("right_id").str.starts_with(prefix)).select(
        "left_id", "right_id", pl.col("code_level", "decision").cast(pl.String)
    )


def test_the_mst_written_with_000_or_without_its_dash_is_the_same_taxpayer(city):
    """ "MST-000" (staged by check_tax_code as kind enterprise, written form kept) is the head office, the MST itself: not "another branch"
    of it; a branch's code written without its dash (input not staged) is that branch."""
    x = city.filter(pl.col("truth") == "parent")["raw"][0]
    parent = city.filter(pl.col("raw") == x)
    head = parent.head(2).with_columns(raw=pl.lit(f"{x}-000"), record_key=pl.format("z{}", pl.int_range(pl.len())))
    codes = check_tax_code(head["raw"])
    head = head.with_columns(codes["tax_code"].alias("taxpayer_code"), codes["tax_code_kind"])
    assert head["taxpayer_code"].to_list() == [f"{x}-000"] * 2  # as staging keeps it
    branch = city.filter(pl.col("raw") == f"{x}-001").head(1)
    branch = branch.with_columns(raw=pl.lit(f"{x}001"), taxpayer_code=pl.lit(f"{x}001"), record_key=pl.lit("y0"))
    records, pairs = _entities(pl.concat([city, head, branch]), SPEC)
    ours = records.filter(pl.col("taxpayer_name") == NAME)
    per_truth = ours.group_by("truth").agg(pl.col("entity_id").n_unique().alias("n"), pl.col("entity_id").first())
    assert per_truth.height == 3 and per_truth["n"].to_list() == [1, 1, 1]  # -000 joined the parent, -001 branch 1
    assert per_truth["entity_id"].n_unique() == 3  # still three taxpayers
    with_parent = _pairs_of(pairs, "z").filter(pl.col("left_id").is_in(parent["record_key"].to_list()))
    assert with_parent.height and (with_parent["code_level"] == "exact").all()
    assert (with_parent["decision"] == "link").all()


def test_text_without_a_digit_is_no_code_and_refuses_nothing(city):
    """Unstaged input with a placeholder in the code column: the code comparison is missing (neutral),
    the records join on name, office and address instead of being refused as taxpayers of one kind."""
    rows = city.filter(pl.col("truth") == "parent").head(3)
    placeholders = pl.Series(["N/A", "chưa có", "-"])
    rows = rows.with_columns(
        raw=placeholders,
        taxpayer_code=placeholders,
        tax_code_kind=pl.lit("invalid"),
        taxpayer_name=pl.lit("Tiệm Vàng Kim Ngân"),
        truth=pl.lit("no code"),
        record_key=pl.format("z{}", pl.int_range(pl.len())),
    )
    records, pairs = _entities(pl.concat([city, rows]), SPEC)
    assert records.filter(pl.col("truth") == "no code")["entity_id"].n_unique() == 1
    among = _pairs_of(pairs, "z").filter(
        pl.col("left_id").str.starts_with("z") & pl.col("right_id").str.starts_with("z")
    )
    assert among.height == 3 and among["code_level"].is_null().all() and (among["decision"] == "link").all()


def test_the_old_code_levels_merge_sibling_branches(city, tmp_path):
    """The failure the split comparison mends: on the whole code, -001 and -002 are one digit apart."""
    text = SPEC.read_text(encoding="utf-8")
    start, end = text.index('[[compare]]\nname = "code"'), text.index('[[compare]]\nname = "name"')
    old = (
        '[[compare]]\nname = "code"\ncolumn = "taxpayer_code"\nlevels = [\n'
        '    { kind = "exact", label = "exact" },\n'
        '    { kind = "one_digit", label = "one_digit_off", distance = 1 },\n'
        '    { kind = "exact", label = "same_kind_other_code", column = "tax_code_kind" },\n]\n\n'
    )
    text = text[:start] + old + text[end:]
    text = text.replace('["same_kind_other_code", "same_base_other_branch"]', '["same_kind_other_code"]')
    text = text[: text.index('[[cannot_link]]\nname = "other_branch"')] + text[text.index("[survivorship]") :]
    path = tmp_path / "taxpayers_old.toml"
    path.write_text(text, encoding="utf-8")
    records, pairs = _entities(city, path)
    ours = records.filter(pl.col("taxpayer_name") == NAME)
    branches = ours.filter(pl.col("truth").str.starts_with("branch"))
    assert branches["entity_id"].n_unique() == 1  # two branches made one taxpayer
    assert (pairs["code_level"].cast(pl.String) == "one_digit_off").any()


def test_verdict_coverage_counts_unknown_and_same_record_pairs():
    ids = pl.Series(["a", "b", "c"])
    same = pl.DataFrame({"left_id": ["a", "a", "x", None], "right_id": ["b", "a", "b", "c"]})
    different = pl.DataFrame({"left_id": ["c"], "right_id": ["y"]})
    assert verdict_coverage(ids, same, different) == {"pairs": 5, "unknown_records": 3, "same_record": 1, "usable": 1}
    assert verdict_coverage(ids, None) == {"pairs": 0, "unknown_records": 0, "same_record": 0, "usable": 0}
    # integer ids compare as text, as the engine compares them
    assert verdict_coverage(pl.Series([1, 2]), pl.DataFrame({"left_id": [1], "right_id": [2]}))["usable"] == 1


def test_match_labels_on_records_the_input_lacks_are_counted(city, tmp_path):
    data = tmp_path / "tax.parquet"
    city.drop("raw", "truth").write_parquet(data)
    parent = city.filter(pl.col("truth") == "parent")["record_key"]
    labels = tmp_path / "labels.csv"
    pl.DataFrame(
        {
            "left_id": [parent[0], parent[0], "gone-1", parent[1]],
            "right_id": [parent[1], "gone-2", parent[2], parent[1]],
        }
    ).write_csv(labels)
    args = ["match", "--input", str(data), "--spec", str(SPEC), "--output", str(tmp_path / "out.parquet")]
    proc = wardbridge(*args, "--labels", str(labels))
    assert proc.returncode == 0, proc.stderr
    assert "1 of 4 pairs used; 2 name a record id" in proc.stderr and "1 pair a record with itself" in proc.stderr
    assert NAME not in proc.stderr and "gone-1" not in proc.stderr  # counts, no values
    clean = tmp_path / "clean.csv"
    pl.DataFrame({"left_id": [parent[0]], "right_id": [parent[1]]}).write_csv(clean)
    proc = wardbridge(*args[:-1], str(tmp_path / "out2.parquet"), "--labels", str(clean))
    assert proc.returncode == 0 and "pairs used" not in proc.stderr

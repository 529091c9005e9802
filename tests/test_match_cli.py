"""`wardbridge match` on a table that is not one of ours: the README's customer example. A run of the installed
script where exit codes and stderr are what is tested (the example's first run, a data problem's 1, a usage
mistake's 2); in the test's process (tests/cli_in_process.py) where the engine's answer is."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.match.evaluate import pairwise
from tests.cli_in_process import wardbridge_in_process
from tests.test_cli import REPO, wardbridge

EXAMPLE = REPO / "docs" / "examples"


def test_match_customers_example(tmp_path):
    out = tmp_path / "customers_entities.csv"
    proc = wardbridge(
        "match",
        "--input",
        str(EXAMPLE / "customers.csv"),
        "--spec",
        str(EXAMPLE / "customers.toml"),
        "--output",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr
    assert "entities" in proc.stderr and "candidate pairs" in proc.stderr

    customers = pl.read_csv(EXAMPLE / "customers.csv", infer_schema=False)
    records = pl.read_csv(out, infer_schema=False)
    assert records.columns[:2] == ["record_id", "entity_id"]
    assert records.height == customers.height
    assert set(records["record_id"]) == set(customers["customer_id"])

    labelled = records.join(customers.select(pl.col("customer_id").alias("record_id"), "true_customer"), on="record_id")
    scores = pairwise(labelled, "entity_id", "true_customer")
    assert scores["precision"] >= 0.99
    assert scores["recall"] >= 0.95

    pairs = pl.read_csv(tmp_path / "customers_entities.pairs.csv", infer_schema=False)
    assert {"left_id", "right_id", "match_probability", "decision", "name_level", "email_weight", "blocked_by"} <= set(
        pairs.columns
    )
    assert set(pairs["decision"]) <= {"link", "review", "non_match", "refused"}
    entities = pl.read_csv(tmp_path / "customers_entities.entities.csv", infer_schema=False)
    assert entities.height == records["entity_id"].n_unique()
    assert (tmp_path / "customers_entities.review.csv").exists()
    model = pl.read_csv(tmp_path / "customers_entities.model.csv")
    assert set(model["comparison"]) == {"name", "email", "phone", "birth_date", "city"}
    assert (
        model.filter(pl.col("label") == "different")["weight_bits"].max()
        < 0
        < model.filter(pl.col("level") == 0)["weight_bits"].min()
    )

    # a second run given the first keeps every entity id: ids the engine would not make itself, so a run that
    # dropped --previous (its fresh ids are the founders' hashes, the first run's again) cannot pass
    previous = tmp_path / "previous.csv"
    records = records.with_columns((pl.lit("legacy-") + pl.col("entity_id")).alias("entity_id"))
    records.write_csv(previous)
    again = tmp_path / "again.parquet"
    proc = wardbridge_in_process(
        "match",
        "--input",
        str(EXAMPLE / "customers.csv"),
        "--spec",
        str(EXAMPLE / "customers.toml"),
        "--output",
        str(again),
        "--previous",
        str(previous),
    )
    assert proc.returncode == 0, proc.stderr
    assert (
        pl.read_parquet(again)
        .select("record_id", "entity_id")
        .sort("record_id")
        .equals(records.select("record_id", "entity_id").sort("record_id"))
    )


def test_labelled_pairs_refine_the_model(tmp_path):
    customers = pl.read_csv(EXAMPLE / "customers.csv", infer_schema=False)
    same = customers.join(customers, on="true_customer", suffix="_r").filter(
        pl.col("customer_id") < pl.col("customer_id_r")
    )
    labels = tmp_path / "labels.csv"
    same.select(pl.col("customer_id").alias("left_id"), pl.col("customer_id_r").alias("right_id")).head(50).write_csv(
        labels
    )
    args = ["match", "--input", str(EXAMPLE / "customers.csv"), "--spec", str(EXAMPLE / "customers.toml")]
    assert wardbridge_in_process(*args, "--output", str(tmp_path / "plain.parquet")).returncode == 0
    proc = wardbridge_in_process(*args, "--output", str(tmp_path / "labelled.parquet"), "--labels", str(labels))
    assert proc.returncode == 0, proc.stderr
    plain, labelled = (pl.read_parquet(tmp_path / f"{n}.model.parquet") for n in ("plain", "labelled"))
    assert plain.select("comparison", "level", "label", "u").equals(
        labelled.select("comparison", "level", "label", "u")
    )
    # m moved towards the labelled pairs' levels: by ~5e-6 here, where two runs without labels differ by ~1e-18
    assert (plain["m"] - labelled["m"]).abs().max() > 1e-9


def test_match_names_the_missing_column_and_bad_spec(tmp_path):
    table = tmp_path / "t.csv"
    pl.DataFrame({"customer_id": ["1", "2"], "name": ["A", "B"]}).write_csv(table)
    proc = wardbridge(
        "match", "--input", str(table), "--spec", str(EXAMPLE / "customers.toml"), "--output", str(tmp_path / "o.csv")
    )
    assert proc.returncode == 1  # a data problem
    assert "'email'" in proc.stderr and "t.csv" in proc.stderr
    spec = tmp_path / "bad.toml"
    spec.write_text(
        '[match]\nid = "customer_id"\n[[blocking]]\non = "name"\n[[compare]]\ncolumn = "name"\npreset = "fuzzy"\n',
        encoding="utf-8",
    )
    proc = wardbridge("match", "--input", str(table), "--spec", str(spec), "--output", str(tmp_path / "o.csv"))
    assert proc.returncode == 2  # a usage mistake
    assert "`preset`: expected one of" in proc.stderr and "'fuzzy'" in proc.stderr and "bad.toml" in proc.stderr


GOOD_SPEC = """[match]
id = "customer_id"
link_threshold = 0.95
[[blocking]]
on = "name"
max_block = 50
[[compare]]
name = "name"
column = "name"
levels = [{ kind = "levenshtein", distance = 2 }]
"""


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("distance = 2", 'distance = "two"', "[[compare]] #1 (name) level #1: `distance`"),
        ("link_threshold = 0.95", 'link_threshold = "high"', "[match]: `link_threshold`"),
        ("max_block = 50", "max_block = -1", "[[blocking]] #1: `max_block`"),
        # a key's mistake names its entry's `name`, as the entry's own checks do
        ('levels = [{ kind = "levenshtein", distance = 2 }]', 'preset = "dates"', "[[compare]] #1 (name): `preset`"),
        ("max_block = 50", 'max_block = -1\nname = "by_name"', "[[blocking]] #1 (by_name): `max_block`"),
        ("link_threshold = 0.95", "link_threshold = 0.95\nreview_threshold = 0.96", "`review_threshold`"),
    ],
)
def test_spec_mistakes_fail_before_the_data_is_read(tmp_path, old, new, expected):
    """The input does not even exist: the spec is refused first, with exit code 2 and no traceback."""
    assert old in GOOD_SPEC
    spec = tmp_path / "spec.toml"
    spec.write_text(GOOD_SPEC.replace(old, new), encoding="utf-8")
    missing = tmp_path / "not_there.csv"
    proc = wardbridge_in_process(
        "match", "--input", str(missing), "--spec", str(spec), "--output", str(tmp_path / "o.csv")
    )
    assert proc.returncode == 2, proc.stderr
    assert expected in proc.stderr and "spec.toml" in proc.stderr
    assert "not_there.csv" not in proc.stderr and "Traceback" not in proc.stderr
    # the same spec without the mistake reads the data (and fails on the missing file instead)
    spec.write_text(GOOD_SPEC, encoding="utf-8")
    proc = wardbridge_in_process(
        "match", "--input", str(missing), "--spec", str(spec), "--output", str(tmp_path / "o.csv")
    )
    assert proc.returncode == 2 and "not_there.csv" in proc.stderr


def test_a_list_column_used_by_the_spec_is_a_data_error(tmp_path):
    table = tmp_path / "t.parquet"
    pl.DataFrame({"customer_id": ["1", "2"], "name": [["An"], ["Bình", "Chi"]]}).write_parquet(table)
    spec = tmp_path / "spec.toml"
    spec.write_text(GOOD_SPEC, encoding="utf-8")
    proc = wardbridge_in_process(
        "match", "--input", str(table), "--spec", str(spec), "--output", str(tmp_path / "o.csv")
    )
    assert proc.returncode == 1, proc.stderr
    assert "'name'" in proc.stderr and "t.parquet" in proc.stderr and "lists" in proc.stderr
    assert "Traceback" not in proc.stderr and "Bình" not in proc.stderr


def test_a_mostly_unreadable_date_column_stops_the_run_without_quoting_it(tmp_path):
    customers = pl.read_csv(EXAMPLE / "customers.csv", infer_schema=False)
    garbled = customers.with_columns(
        pl.when(pl.int_range(pl.len()) % 4 != 0)
        .then(pl.concat_str(pl.lit("born "), pl.col("customer_id")))
        .otherwise(pl.col("birth_date"))
        .alias("birth_date")
    )
    table = tmp_path / "customers.csv"
    garbled.write_csv(table)
    out = tmp_path / "o.csv"
    proc = wardbridge_in_process(
        "match", "--input", str(table), "--spec", str(EXAMPLE / "customers.toml"), "--output", str(out)
    )
    assert proc.returncode == 1, proc.stderr
    assert "customers.csv" in proc.stderr and "'birth_date'" in proc.stderr and "cannot be read" in proc.stderr
    assert "allow_unreadable_dates" in proc.stderr and "Traceback" not in proc.stderr
    assert "born C" not in proc.stderr and not out.exists()
    # allowed by the spec: it runs, and the summary counts the unreadable dates
    spec = tmp_path / "spec.toml"
    text = (EXAMPLE / "customers.toml").read_text(encoding="utf-8")
    spec.write_text(text.replace("[match]\n", "[match]\nallow_unreadable_dates = true\n", 1), encoding="utf-8")
    proc = wardbridge_in_process("match", "--input", str(table), "--spec", str(spec), "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    written = garbled["birth_date"].drop_nulls()
    unreadable = int(written.str.starts_with("born ").sum())
    assert unreadable > written.len() / 2
    assert f"dates birth_date: {written.len():,} values, {unreadable:,} unreadable" in proc.stderr
    assert "born C" not in proc.stderr

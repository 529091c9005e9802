"""`wardbridge match` on a table that is not one of ours: the README's customer example."""

from __future__ import annotations

import polars as pl

from pipelines.match.evaluate import pairwise
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

    # a second run given the first keeps every entity id
    again = tmp_path / "again.parquet"
    proc = wardbridge(
        "match",
        "--input",
        str(EXAMPLE / "customers.csv"),
        "--spec",
        str(EXAMPLE / "customers.toml"),
        "--output",
        str(again),
        "--previous",
        str(out),
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
    assert wardbridge(*args, "--output", str(tmp_path / "plain.parquet")).returncode == 0
    proc = wardbridge(*args, "--output", str(tmp_path / "labelled.parquet"), "--labels", str(labels))
    assert proc.returncode == 0, proc.stderr
    plain, labelled = (pl.read_parquet(tmp_path / f"{n}.model.parquet") for n in ("plain", "labelled"))
    assert plain.select("comparison", "level", "label", "u").equals(
        labelled.select("comparison", "level", "label", "u")
    )
    assert not plain["m"].equals(labelled["m"])  # m moved towards the labelled pairs' levels


def test_match_names_the_missing_column_and_bad_spec(tmp_path):
    table = tmp_path / "t.csv"
    pl.DataFrame({"customer_id": ["1", "2"], "name": ["A", "B"]}).write_csv(table)
    proc = wardbridge(
        "match", "--input", str(table), "--spec", str(EXAMPLE / "customers.toml"), "--output", str(tmp_path / "o.csv")
    )
    assert proc.returncode != 0
    assert "'email'" in proc.stderr and "t.csv" in proc.stderr
    spec = tmp_path / "bad.toml"
    spec.write_text(
        '[match]\nid = "customer_id"\n[[blocking]]\non = "name"\n[[compare]]\ncolumn = "name"\npreset = "fuzzy"\n',
        encoding="utf-8",
    )
    proc = wardbridge("match", "--input", str(table), "--spec", str(spec), "--output", str(tmp_path / "o.csv"))
    assert proc.returncode != 0
    assert "unknown preset 'fuzzy'" in proc.stderr and "bad.toml" in proc.stderr

"""Which true pairs a people match loses, and what the review queue holds (issue 14; run on demand, not a test).

On a kept run (``match_benchmark.py --keep DIR``: its ``wardbridge.parquet``, ``.pairs.parquet``, ``.rows.parquet``
and ``.candidates/``) and its inputs:

    uv run python benchmarks/match_lost_pairs.py --run DIR \\
        --staged /tmp/city3m/staged/staged_population.parquet --truth /tmp/city3m/reg/truth/population.parquet

Every true pair (two records of one person_id in the generator's truth) gets one outcome:
- ``linked``: both records in one entity;
- ``queued``: in two entities joined by review (or refused) pairs (a reviewer accepting them would join them);
- ``scored``: a candidate pair scored in the pair table (at or over ``pair_floor``), neither linked nor queued;
- ``below_floor``: a candidate pair scored under ``pair_floor`` (counted by the engine, not kept);
- ``not_candidate``: no blocking rule proposed it (and no chain of links or review pairs joins its records).

The lost ones (the last three) are then compared with the engine's own comparisons (the spec's levels, worked out on
these pairs alone) and described by what their records differ in: name and birth date levels, IDs, household book
(shared; one side alone in its book), and the truth's noise labels of both records. The review queue is split by
truth (same person or not) and by the kind of evidence its pairs hold, per record, to compare cities of two sizes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.match import load_spec  # noqa: E402
from pipelines.match.compare import comparison_levels  # noqa: E402
from pipelines.match.evaluate import component_labels  # noqa: E402
from pipelines.match.prepare import prepare  # noqa: E402

OUTCOMES = ["linked", "queued", "scored", "below_floor", "not_candidate"]
LOST = ["scored", "below_floor", "not_candidate"]


def records_of(run: Path, staged_path: Path, truth_path: Path) -> pl.DataFrame:
    """Per engine row (``.rows.parquet`` order): record id, entity, person, noise, household book, IDs."""
    ids = pl.read_parquet(run / "wardbridge.rows.parquet")["record_id"]
    staged = pl.read_parquet(
        staged_path,
        columns=["record_key", "source_id", "source_key", "household_no", "personal_id", "old_id_number", "phone"],
    )
    truth = pl.read_parquet(truth_path, columns=["source_id", "record_no", "person_id", "noise"])
    clusters = pl.read_parquet(run / "wardbridge.parquet").select("record_key", pl.col("cluster_id").cast(pl.String))
    frame = (
        ids.to_frame()
        .with_row_index("i")
        .join(staged.rename({"record_key": "record_id"}), on="record_id", how="left", maintain_order="left")
        .join(
            truth.rename({"record_no": "source_key"}).with_columns(pl.col("source_key").cast(pl.String)),
            on=["source_id", "source_key"],
            how="left",
            maintain_order="left",
        )
        .join(clusters.rename({"record_key": "record_id"}), on="record_id", how="left", maintain_order="left")
    )
    book = frame.group_by("household_no").len("book_size")
    return frame.join(book, on="household_no", how="left", maintain_order="left").with_columns(
        (pl.col("household_no").is_not_null() & (pl.col("book_size") == 1)).alias("alone")
    )


def pair_outcomes(run: Path, records: pl.DataFrame) -> pl.DataFrame:
    """Every true pair (a < b, engine rows) with its outcome, probability and decision where scored."""
    person = records.select("i", "person_id").filter(pl.col("person_id").is_not_null())
    true = (
        person.join(person, on="person_id", suffix="_r")
        .filter(pl.col("i") < pl.col("i_r"))
        .select(pl.col("i").alias("a"), pl.col("i_r").alias("b"))
    )
    pid = records["person_id"].cast(pl.Categorical).to_physical().fill_null(-1).cast(pl.Int64).to_numpy()
    found = []
    for part in sorted((run / "wardbridge.candidates").glob("candidates-*.parquet")):
        c = pl.read_parquet(part)
        left, right = c["l"].to_numpy().astype(np.int64), c["r"].to_numpy().astype(np.int64)
        keep = (pid[left] == pid[right]) & (pid[left] >= 0)
        found.append(
            pl.DataFrame({"a": np.minimum(left, right)[keep], "b": np.maximum(left, right)[keep]}).with_columns(
                pl.col("a", "b").cast(pl.UInt32)
            )
        )
    candidates = pl.concat(found).unique().with_columns(pl.lit(True).alias("candidate"))
    index = records.select(pl.col("record_id"), pl.col("i"))
    table = (
        pl.read_parquet(run / "wardbridge.pairs.parquet")
        .with_columns(pl.col("decision").cast(pl.String))
        .join(index.rename({"record_id": "left_id", "i": "x"}), on="left_id")
        .join(index.rename({"record_id": "right_id", "i": "y"}), on="right_id")
        .with_columns(pl.min_horizontal("x", "y").alias("a"), pl.max_horizontal("x", "y").alias("b"))
    )
    entity = records["cluster_id"].cast(pl.Categorical).to_physical().cast(pl.Int64).to_numpy()
    queued = table.filter(pl.col("decision").is_in(["review", "refused"]))
    n_ent = int(entity.max()) + 1
    comp = component_labels(n_ent, entity[queued["a"].to_numpy()], entity[queued["b"].to_numpy()])
    a, b = true["a"].to_numpy(), true["b"].to_numpy()
    true = (
        true.with_columns(pl.col("a", "b").cast(pl.UInt32))
        .join(candidates, on=["a", "b"], how="left")
        .join(
            table.select(pl.col("a", "b").cast(pl.UInt32), "decision", "match_probability", "blocked_by"),
            on=["a", "b"],
            how="left",
        )
        .with_columns(
            pl.Series("linked", entity[a] == entity[b]),
            pl.Series("joined", comp[entity[a]] == comp[entity[b]]),
            pl.col("candidate").fill_null(False),
        )
        .with_columns(
            pl.when("linked")
            .then(pl.lit("linked"))
            .when("joined")
            .then(pl.lit("queued"))
            .when(pl.col("match_probability").is_not_null())
            .then(pl.lit("scored"))
            .when("candidate")
            .then(pl.lit("below_floor"))
            .otherwise(pl.lit("not_candidate"))
            .alias("outcome")
        )
    )
    return true, table


def with_levels(pairs: pl.DataFrame, staged_path: Path, spec_path: Path) -> pl.DataFrame:
    """The spec's comparison levels (labels) of ``pairs`` (a, b: engine rows), worked out on them alone."""
    spec = load_spec(spec_path)
    present = set(pl.read_parquet_schema(staged_path))
    used = spec.input_columns | (spec.optional_columns & present)
    work = prepare(pl.read_parquet(staged_path, columns=sorted(used)).rechunk(), spec)
    comps = [c for c in spec.comparisons if c.name in ("name", "date_of_birth", "ids", "home", "phone", "relation")]
    gamma = comparison_levels(work, pairs["a"], pairs["b"], tuple(comps))
    out = pairs
    for c in comps:
        labels = [lv.label for lv in c.levels] + ["different"]
        out = out.with_columns(
            gamma[c.name]
            .cast(pl.Int64)
            .map_elements(lambda k, labels=labels: labels[k], return_dtype=pl.String)
            .fill_null("missing")
            .alias(c.name)
        )
    return out


def features(pairs: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    side = records.select("i", "noise", "household_no", "alone", "personal_id", "old_id_number", "phone")
    out = pairs.join(side.rename(lambda c: f"{c}_a" if c != "i" else "a"), on="a", how="left").join(
        side.rename(lambda c: f"{c}_b" if c != "i" else "b"), on="b", how="left"
    )
    has_id = lambda s: pl.col(f"personal_id_{s}").is_not_null() | pl.col(f"old_id_number_{s}").is_not_null()  # noqa: E731
    return out.with_columns(
        (pl.col("household_no_a") == pl.col("household_no_b")).fill_null(False).alias("same_book"),
        (pl.col("alone_a") | pl.col("alone_b")).fill_null(False).alias("one_alone"),
        (has_id("a").cast(pl.Int8) + has_id("b").cast(pl.Int8)).alias("id_sides"),
        pl.concat_list(pl.col("noise_a").fill_null("").str.split("; "), pl.col("noise_b").fill_null("").str.split("; "))
        .list.eval(pl.element().filter(pl.element() != ""))
        .list.unique()
        .list.sort()
        .list.join("; ")
        .alias("noise"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", type=Path, required=True)
    parser.add_argument("--staged", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    parser.add_argument("--spec", type=Path, default=ROOT / "mappings" / "match" / "people.toml")
    parser.add_argument("--save", type=Path, help="write the lost true pairs with their levels here (Parquet)")
    args = parser.parse_args()
    records = records_of(args.run, args.staged, args.truth)
    n = records.height
    true, table = pair_outcomes(args.run, records)
    cfg = pl.Config(tbl_rows=80, tbl_cols=14, fmt_str_lengths=70, tbl_width_chars=200, float_precision=4)
    with cfg:
        print(f"{n:,} records, {true.height:,} true pairs")
        print(true.group_by("outcome").len().with_columns((pl.col("len") / true.height).alias("share")).sort("len"))
        lost = features(with_levels(true.filter(pl.col("outcome").is_in(LOST)), args.staged, args.spec), records)
        if args.save:
            lost.write_parquet(args.save)
        print(f"\nlost true pairs: {lost.height:,}")
        for by in (
            ["outcome", "same_book"],
            ["outcome", "id_sides"],
            ["outcome", "one_alone"],
            ["outcome", "name", "date_of_birth"],
            ["outcome", "ids"],
            ["outcome", "noise"],
        ):
            print(lost.group_by(by).len().sort("len", descending=True).head(30))
        # the review queue: what its pairs are, per record
        pid = records["person_id"].to_numpy()
        queue = table.filter(pl.col("decision").is_in(["review", "refused"]))
        review = queue.with_columns(
            pl.Series("same_person", pid[queue["a"].to_numpy()]) == pl.Series(pid[queue["b"].to_numpy()])
        )
        print(f"\nreview or refused pairs {review.height:,} ({review.height / n:.3%} of records)")
        kind = _kind()
        print(
            review.group_by("same_person", kind)
            .agg(pl.len().alias("pairs"), pl.col("match_probability").median().alias("median_p"))
            .with_columns((pl.col("pairs") / n * 100).alias("per_100_records"))
            .sort("pairs", descending=True)
        )


def _kind() -> pl.Expr:
    """The evidence a scored pair holds (levels as the pair table writes them)."""
    lv = {c: pl.col(f"{c}_level").cast(pl.String) for c in ("name", "date_of_birth", "ids", "home", "phone")}
    same_name = lv["name"].is_in(["exact", "exact_folded"])
    same_date = lv["date_of_birth"].is_in(["exact", "day_month_swapped"])
    return (
        pl.when(lv["ids"].is_in(["exact", "one_digit_off", "two_digits_off"]))
        .then(pl.lit("IDs agree"))
        .when(lv["phone"] == "exact")
        .then(pl.lit("phone agrees"))
        .when(lv["home"] == "same_household")
        .then(pl.lit("same book"))
        .when(same_name & same_date)
        .then(pl.lit("name and date only"))
        .when(same_date)
        .then(pl.concat_str(pl.lit("date, name "), lv["name"]))
        .when(same_name)
        .then(pl.concat_str(pl.lit("name, date "), lv["date_of_birth"].fill_null("missing")))
        .otherwise(pl.lit("other"))
        .alias("kind")
    )


if __name__ == "__main__":
    main()

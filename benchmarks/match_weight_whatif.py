"""What the links and the review band of a match would be with another prior or other m (run on demand, not a test).

    uv run python benchmarks/match_weight_whatif.py --staged <city>/staged/staged_population.parquet \\
        --truth <city>/reg/truth/population.parquet --ids-different -11.14 --phone-different -12.74

Matches the people table with mappings/match/people.toml, joins the pair table (its pairs from
``pair_floor`` up) to the generator's truth and re-weighs each pair: as fitted; with the truth's prior
(true pairs / all pairs, which no real run knows); with the given weights (bits) of the ``ids`` and
``phone`` levels ``different`` (e.g. those fitted on a smaller city); and with both. It counts direct
pairs over the thresholds (not vetoed), without the chaining guard or clustering: a diagnosis of the
weights, not the engine's output.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.match import load_spec, match  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--staged", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    parser.add_argument("--ids-different", type=float, required=True, help="weight (bits) of ids = different")
    parser.add_argument("--phone-different", type=float, required=True, help="weight (bits) of phone = different")
    args = parser.parse_args()
    spec = load_spec(ROOT / "mappings" / "match" / "people.toml")
    present = set(pl.read_parquet_schema(args.staged))
    cols = sorted(spec.input_columns | (spec.optional_columns & present))
    staged = pl.read_parquet(args.staged, columns=sorted(set(cols) | {"source_id", "source_key"}))
    result = match(staged.select(cols), spec)
    truth = pl.read_parquet(args.truth, columns=["source_id", "record_no", "person_id"])
    person = (
        staged.select("record_key", "source_id", "source_key")
        .join(
            truth.select("source_id", pl.col("record_no").cast(pl.String).alias("source_key"), "person_id"),
            on=["source_id", "source_key"],
        )
        .select("record_key", "person_id")
    )
    sizes = person.group_by("person_id").len()["len"].cast(pl.Int64)
    true_pairs = int((sizes * (sizes - 1) // 2).sum())
    pairs = (
        result.pairs.join(person.rename({"record_key": "left_id", "person_id": "lp"}), on="left_id")
        .join(person.rename({"record_key": "right_id", "person_id": "rp"}), on="right_id")
        .with_columns((pl.col("lp") == pl.col("rp")).alias("true"))
    )
    n = result.records.height
    prior = true_pairs / (n * (n - 1) / 2)
    shift = math.log2(prior / result.model.prior)
    print(
        f"records {n:,}, true pairs {true_pairs:,}; prior {result.model.prior:.3e}, truth's {prior:.3e} ({shift:+.2f} bits)"
    )
    table = result.model_table()

    def weight(comparison: str) -> float:
        return table.filter((pl.col("comparison") == comparison) & (pl.col("label") == "different"))[
            "weight_bits"
        ].item()

    moved = pl.when(pl.col("ids_level").cast(pl.String) == "different").then(
        args.ids_different - weight("ids")
    ).otherwise(0.0) + pl.when(pl.col("phone_level").cast(pl.String) == "different").then(
        args.phone_different - weight("phone")
    ).otherwise(0.0)
    fitted = pl.col("match_weight").cast(pl.Float64)
    not_vetoed = pl.col("decision_reason").is_null() | (pl.col("decision").cast(pl.String) == "refused")
    for name, w in (
        ("as fitted", fitted),
        ("the truth's prior", fitted + shift),
        ("the given m of ids/phone different", fitted + moved),
        ("both", fitted + shift + moved),
    ):
        p = pairs.with_columns((1 / (1 + 2 ** (-w))).alias("p2"))
        link = p.filter((pl.col("p2") >= spec.link_threshold) & not_vetoed)
        band = p.filter((pl.col("p2") >= spec.review_threshold) & (pl.col("p2") < spec.link_threshold))
        print(
            f"{name}: {link.height:,} pairs over the link threshold, {(~link['true']).mean():.4f} false, "
            f"{int(link['true'].sum()):,} true; review band {band.height:,} ({band.height / n:.2%} of records), "
            f"{(~band['true']).mean():.3f} false"
        )


if __name__ == "__main__":
    main()

"""What the review queue would hold if an uncertain pair were weighed with its entities and its records' other
candidates (issue 14: people's review items beyond 1M; run on demand, not a test; nothing in the engine does this).

On a kept run (``match_benchmark.py --keep DIR``: ``wardbridge.parquet``, ``wardbridge.pairs.parquet``) and its
inputs:

    uv run python benchmarks/match_queue_whatif.py --run DIR \\
        --staged /tmp/city3m/staged/staged_population.parquet --truth /tmp/city3m/reg/truth/population.parquet

The links (and so the entities, precision and recall) stay the run's. A pair under the link threshold is queued (as
the refused ones are) when its score reaches the review threshold; the score is its match probability times, per
variant:

- ``coverage``: the share of the two entities' record pairs that are in the pair table (scored at or over the pair
  floor). A record that is a person already seen twice should resemble both copies (at 3M people, of the 19,488
  entity pairs joined by a pair in the review band where one entity holds several records and not every record pair
  is in the table, 430 are one person);
- ``crowd``: 1 / the larger of its two records' sums of match probability over their pairs under the link threshold
  (when over 1): a record is one person's, so candidates that each look likely compete (a year-only copy with a
  name typo scored against every namesake of that year);

and their products. Printed per review threshold: linked or queued (true pairs in one entity or in entities a
queued pair joins) and review items counted as ``engine.review_items`` does, without the chaining guard (1-2 %
under the engine's count). Before them, the review band's true pairs against the model's expected true pairs (sum
of match probability) by entity coverage, the calibration the variants lean on.
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
from pipelines.match.evaluate import component_labels  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from match_lost_pairs import records_of  # noqa: E402  (the kept run's records with their person and entity)

THRESHOLDS = (0.03, 0.025, 0.0225, 0.02, 0.015, 0.01)


def load(run: Path, staged: Path, truth: Path) -> tuple[pl.DataFrame, np.ndarray, np.ndarray]:
    """The pair table (a, b: record numbers; match_probability; refused) and per record its person and entity (the
    records as ``match_lost_pairs.records_of`` reads them: a ``--keep`` run's rows)."""
    records = records_of(run, staged, truth)
    index = records.select("record_id", "i")
    pairs = (
        pl.read_parquet(
            run / "wardbridge.pairs.parquet", columns=["left_id", "right_id", "decision", "match_probability"]
        )
        .join(index.rename({"record_id": "left_id", "i": "a"}), on="left_id")
        .join(index.rename({"record_id": "right_id", "i": "b"}), on="right_id")
        .select("a", "b", "match_probability", (pl.col("decision") == "refused").alias("refused"))
    )
    person = records["person_id"].cast(pl.Categorical).to_physical().cast(pl.Int64).fill_null(-1).to_numpy()
    entity = records["cluster_id"].cast(pl.Categorical).to_physical().cast(pl.Int64).to_numpy()
    return pairs, person, entity


def same_pairs(labels: np.ndarray, truth: np.ndarray | None) -> int:
    """Pairs of records sharing a label (and a person, with ``truth``)."""
    frame = pl.DataFrame({"c": labels} | ({"t": truth} if truth is not None else {}))
    return int(
        frame.group_by(frame.columns)
        .len()
        .select((pl.col("len").cast(pl.Int64) * (pl.col("len") - 1) // 2).sum())
        .item()
    )


def factors(pairs: pl.DataFrame, entity: np.ndarray, link: float) -> dict[str, np.ndarray]:
    """Per pair: its entity pair's coverage (1 inside an entity) and its crowd factor."""
    a, b = pairs["a"].to_numpy(), pairs["b"].to_numpy()
    p = pairs["match_probability"].to_numpy()
    size = np.bincount(entity)
    ea, eb = entity[a], entity[b]
    key = np.minimum(ea, eb) * (len(size) + 1) + np.maximum(ea, eb)
    counted = pl.DataFrame({"key": key}).join(
        pl.DataFrame({"key": key[ea != eb]}).group_by("key").len("n"), on="key", how="left", maintain_order="left"
    )["n"]
    cover = np.where(ea != eb, counted.fill_null(1).to_numpy() / (size[ea] * size[eb]), 1.0)
    under = p < link
    held = np.bincount(a[under], p[under], minlength=len(entity)) + np.bincount(
        b[under], p[under], minlength=len(entity)
    )
    crowd = 1.0 / np.maximum(1.0, np.maximum(held[a], held[b]))
    return {"cover": cover, "crowd": crowd}


def queue_figures(pairs: pl.DataFrame, person: np.ndarray, entity: np.ndarray, queued: np.ndarray) -> tuple[float, int]:
    """Linked or queued and review items when ``queued`` (per pair) are queued beside the refused ones."""
    q = queued | pairs["refused"].to_numpy()
    a, b = pairs["a"].to_numpy()[q], pairs["b"].to_numpy()[q]
    n = len(entity)
    joined = component_labels(n, entity[a], entity[b])[entity]
    le, re = entity[a], entity[b]
    cross = le != re
    items = len(np.unique(np.minimum(le[cross], re[cross]) * (n + 1) + np.maximum(le[cross], re[cross])))
    items += len(np.unique(le[~cross]))
    return same_pairs(joined, person) / same_pairs(person, None), items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", type=Path, required=True)
    parser.add_argument("--staged", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    parser.add_argument("--spec", type=Path, default=ROOT / "mappings" / "match" / "people.toml")
    args = parser.parse_args()
    spec = load_spec(args.spec)
    pairs, person, entity = load(args.run, args.staged, args.truth)
    n = len(entity)
    p = pairs["match_probability"].to_numpy()
    f = factors(pairs, entity, spec.link_threshold)
    a, b = pairs["a"].to_numpy(), pairs["b"].to_numpy()
    band = (p >= spec.review_threshold) & (p < spec.link_threshold)
    cross = entity[a] != entity[b]
    several = np.bincount(entity)[entity[a]] * np.bincount(entity)[entity[b]] > 1
    calibration = (
        pl.DataFrame({"cover": f["cover"], "p": p, "true": person[a] == person[b]})
        .filter(pl.Series(band & cross & several))
        .group_by(pl.col("cover").round(2))
        .agg(pl.len().alias("pairs"), pl.col("true").sum(), pl.col("p").sum().round(1).alias("expected_true"))
        .with_columns((pl.col("true") / pl.col("expected_true")).round(3).alias("true / expected"))
        .sort(["pairs", "cover"], descending=True)
        .head(8)
    )
    print(
        f"{n:,} records, {pairs.height:,} pairs in the table; review band [{spec.review_threshold}, {spec.link_threshold})"
    )
    print("pairs in the band joining two entities, one holding several records, by the entities' coverage:")
    print(calibration)
    variants = {
        "as run": np.ones(len(p)),
        "coverage": f["cover"],
        "crowd": f["crowd"],
        "coverage x crowd": f["cover"] * f["crowd"],
        "coverage^2 x crowd": f["cover"] ** 2 * f["crowd"],
    }
    under = p < spec.link_threshold
    print(f"\n{'variant':<20}{'review':>8}{'linked or queued':>18}{'items':>10}{'% records':>11}")
    for name, factor in variants.items():
        for t in THRESHOLDS:
            loq, items = queue_figures(pairs, person, entity, under & (p * factor >= t))
            print(f"{name:<20}{t:>8.4f}{loq:>18.5f}{items:>10,}{items / n:>11.2%}")


if __name__ == "__main__":
    main()

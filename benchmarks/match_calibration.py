"""How well the people model's match probabilities are calibrated, and what re-weighing its evidence could give.

Run on demand (not a test), on the folder a benchmark run kept (``match_benchmark.py --keep DIR``):

    uv run python benchmarks/match_calibration.py --run DIR --staged <city>/staged/staged_population.parquet \
        --truth <city>/reg/truth/population.parquet [--cells-from DIR2 STAGED2 TRUTH2] [--u-seeds 42,7]

It prints, against the generator's truth:

* calibration: per band of match probability, the false pairs the model expects (the sum of 1 - p) and the false
  pairs there are, for the pairs with no other evidence (no ID, phone or household book agreeing), in all and per
  name / birth date level;
* the false-discovery rate among the pairs at or over each link threshold, expected and actual;
* the (folded name, birth date) key's crowd: pairs agreeing exactly on both, by how many records hold the key;
* what-ifs on the pair table (thresholds what-if as in ``match_benchmark.py``): relation to the head weighed
  against its share among records of the same birth year; each pair's bits moved by the calibration of its cell
  (name / date level, key crowd, phones and IDs on one side, a child) learned on another run (``--cells-from``:
  another city's kept run, its staged file and truth);
* with ``--m-whatif``: the name and date levels of the pairs with no other evidence moved to the m of the true such
  pairs (from the truth); with ``--u-whatif PAIRS``: every level moved to u from PAIRS random pairs (seeds 42 and 7);
* with ``--u-seeds``: u of the name, date and ID levels from random pairs (the spec's sample and 20 times it) for
  each seed (prepares the staged table: run it under flock from 3M records up).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import benchmarks.match_benchmark as mb  # noqa: E402
from pipelines.text import fold_expr  # noqa: E402

STRONG = ("exact", "one_digit_off", "two_digits_off")
BANDS = [0.3, 0.6, 0.8, 0.87, 0.9, 0.95, 0.99, 0.999]
THRESHOLDS = (0.95, 0.9, 0.87, 0.85, 0.8, 0.75, 0.7)


def level(name: str) -> pl.Expr:
    return pl.col(f"{name}_level").cast(pl.String)


def labelled(run: Path, staged: Path, truth: Path) -> pl.DataFrame:
    """The run's pair table with truth (``same``), pair context and both records' attributes used below."""
    columns = ["record_key", "source_id", "source_key", "full_name", "date_of_birth", "phone", "relation_to_head"]
    columns += ["personal_id", "old_id_number"]
    st = pl.read_parquet(staged, columns=columns)
    tr = pl.read_parquet(truth, columns=["source_id", "record_no", "person_id"])
    st = st.join(
        tr.select("source_id", pl.col("record_no").cast(pl.String).alias("source_key"), "person_id"),
        on=["source_id", "source_key"],
        how="left",
    ).with_columns(
        crowd=pl.len().over(fold_expr(pl.col("full_name")), "date_of_birth"),
        year=pl.col("date_of_birth").dt.year(),
        has_id=pl.col("personal_id").is_not_null() | pl.col("old_id_number").is_not_null(),
    )
    n_rel = max(int(st["relation_to_head"].is_not_null().sum()), 1)
    share = (
        st.drop_nulls("relation_to_head")
        .group_by("relation_to_head")
        .len()
        .select("relation_to_head", rel_share=pl.col("len") / n_rel)
    )
    by_year = (
        st.drop_nulls(["relation_to_head", "year"])
        .group_by("year", "relation_to_head")
        .len()
        .select("year", "relation_to_head", rel_share_year=pl.col("len") / pl.col("len").sum().over("year"))
    )
    st = st.join(share, on="relation_to_head", how="left").join(by_year, on=["year", "relation_to_head"], how="left")
    side = ["record_key", "person_id", "crowd", "year", "has_id", "phone", "rel_share", "rel_share_year"]
    left = st.select(side).rename(lambda c: "l_" + c)
    right = st.select(side).rename(lambda c: "r_" + c)
    p = pl.read_parquet(run / "wardbridge.pairs.parquet")
    p = p.join(left, left_on="left_id", right_on="l_record_key").join(
        right, left_on="right_id", right_on="r_record_key"
    )
    exact_both = level("name").is_in(["exact", "exact_folded"]) & (level("date_of_birth") == "exact")
    return p.with_columns(
        same=pl.col("l_person_id") == pl.col("r_person_id"),
        other=(
            (level("phone") == "exact") | (level("home") == "same_household") | level("ids").is_in(STRONG)
        ).fill_null(False),
        kind=level("name").fill_null("-") + "/" + level("date_of_birth").fill_null("-"),
        crowd=pl.when(exact_both).then(pl.col("l_crowd").clip(upper_bound=5)).otherwise(0),
        phones=pl.col("l_phone").is_not_null().cast(pl.Int8) + pl.col("r_phone").is_not_null().cast(pl.Int8),
        ids=pl.col("l_has_id").cast(pl.Int8) + pl.col("r_has_id").cast(pl.Int8),
        child=(pl.col("l_year") >= 2011).fill_null(False),
    )


def calibration(p: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    return (
        p.group_by(by)
        .agg(pairs=pl.len(), false=(~pl.col("same")).sum(), expected=(1 - pl.col("match_probability")).sum())
        .with_columns(ratio=pl.col("false") / pl.col("expected"))
        .sort(by)
    )


def report(p: pl.DataFrame) -> None:
    band = pl.col("match_probability").cut(BANDS).alias("band")
    plain = p.filter(~pl.col("other"), pl.col("match_probability") > BANDS[0]).with_columns(band)
    print("\ncalibration, pairs with no ID, phone or household book agreeing (false: actual; expected: sum of 1 - p)")
    print(calibration(plain, ["band"]))
    kinds = plain.group_by("kind").len().sort("len", descending=True).head(6)["kind"]
    print(calibration(plain.filter(pl.col("kind").is_in(kinds.implode())), ["kind", "band"]))
    print("\nfalse-discovery rate among the pairs at or over each link threshold (per mille; refused pairs left out)")
    kept = p.filter(pl.col("decision") != "refused")
    for t in THRESHOLDS:
        q = kept.filter(pl.col("match_probability") >= t)
        expected, actual = (1 - q["match_probability"]).sum() / q.height, (~q["same"]).sum() / q.height
        print(f"  {t:.2f}: {q.height:,} pairs, expected {expected * 1e3:.3f}, actual {actual * 1e3:.3f}")
    print("\nexact name (or folded) and birth date, no other evidence, p in [0.5, 0.995): by records holding the key")
    crowded = plain.filter(pl.col("crowd") > 0, pl.col("match_probability").is_between(0.5, 0.995, closed="left"))
    print(calibration(crowded, ["crowd"]).with_columns(true_share=1 - pl.col("false") / pl.col("pairs")))


def whatif(p: pl.DataFrame, bits: pl.Expr, what: str, staged: Path, truth: Path, out: Path) -> None:
    moved = p.with_columns(w=pl.col("match_weight") + bits).with_columns(
        match_probability=1 / (1 + 2 ** (-pl.col("w")))
    )
    moved.select("left_id", "right_id", "decision", "match_probability").write_parquet(out)
    st = pl.read_parquet(staged, columns=["record_key", "source_id", "source_key"])
    tr = pl.read_parquet(truth, columns=["source_id", "record_no", "person_id"])
    print(f"\nwhat-if: {what}")
    mb.print_threshold_whatif(st, tr, out)


CELL = ["kind", "crowd", "phones", "child", "ids"]


def cell_bits(train: pl.DataFrame) -> tuple[pl.DataFrame, pl.Expr]:
    """Per cell of the pairs with no other evidence and p in [0.2, 0.999): -log2 of the training run's ratio of
    false to expected false pairs (one pseudo-pair each)."""
    band = ~pl.col("other") & pl.col("match_probability").is_between(0.2, 0.999)
    bits = calibration(train.filter(band), CELL).select(
        *CELL, cell_bits=-((pl.col("false") + 1) / (pl.col("expected") + 1)).log(2)
    )
    return bits, band


def u_seeds(staged: Path, seeds: list[int]) -> None:
    from pipelines.match.compare import ValueCodes
    from pipelines.match.model import estimate_u, u_pair_count
    from pipelines.match.prepare import derived_sources, prepare
    from pipelines.match.spec import load_spec

    spec = load_spec(Path(__file__).resolve().parents[1] / "mappings/match/people.toml")
    work = prepare(pl.read_parquet(staged), spec, source="calibration")
    codes = ValueCodes(work, derived_sources(spec))
    sample = u_pair_count(work.height, spec)
    print(f"\nu (per million) of levels from random pairs: {work.height:,} records")
    for count in (sample, 20 * sample):
        for seed in seeds:
            u, n = estimate_u(
                work, dataclasses.replace(spec, u_sample_pairs=count, u_pairs_per_record=count, seed=seed), codes
            )
            shown = {c: np.round(u[c][:4] * 1e6, 2).tolist() for c in ("name", "date_of_birth", "ids")}
            print(f"  {n:,} pairs, seed {seed}: {shown}")


def m_shift(p: pl.DataFrame, model: pl.DataFrame) -> pl.Expr:
    """Bits moving the name and date levels of pairs with no other evidence to the m of the true such pairs."""
    bits = pl.lit(0.0)
    for comp in ("name", "date_of_birth"):
        m = model.filter(pl.col("comparison") == comp).select("label", "m")
        seen = (
            p.filter("same", ~pl.col("other"))
            .group_by(level(comp).alias("label"))
            .len()
            .with_columns(share=pl.col("len") / pl.col("len").sum())
        )
        moved = m.join(seen, on="label", how="left").with_columns(
            d=(pl.col("share") / pl.col("m")).log(2).fill_null(0.0)
        )
        print(f"  {comp}: " + ", ".join(f"{a} {b:+.2f}" for a, b in zip(moved["label"], moved["d"], strict=True)))
        shift = level(comp).replace_strict(
            dict(zip(moved["label"], moved["d"], strict=True)), default=0.0, return_dtype=pl.Float64
        )
        bits = bits + pl.when(~pl.col("other")).then(shift.fill_null(0.0)).otherwise(0.0)
    return bits


def u_shift(staged: Path, model: pl.DataFrame, count: int, seeds: list[int]) -> pl.Expr:
    """Bits moving every level to u counted on ``count`` random pairs (the mean over ``seeds``) in place of the
    run's u, a term-frequency adjusted level's share of agreeing moved with it (as ``model._tf_adjust`` reads it)."""
    from pipelines.match.compare import ValueCodes
    from pipelines.match.model import estimate_u, tf_levels
    from pipelines.match.prepare import derived_sources, prepare
    from pipelines.match.spec import load_spec

    spec = load_spec(Path(__file__).resolve().parents[1] / "mappings/match/people.toml")
    work = prepare(pl.read_parquet(staged), spec, source="calibration")
    codes = ValueCodes(work, derived_sources(spec))
    many = dataclasses.replace(spec, u_sample_pairs=count, u_pairs_per_record=count)
    runs = [estimate_u(work, dataclasses.replace(many, seed=seed), codes)[0] for seed in seeds]
    bits = pl.lit(0.0)
    for comp in spec.scored_comparisons:
        old = model.filter(pl.col("comparison") == comp.name).sort("level")["u"].to_numpy()
        new = np.mean([u[comp.name] for u in runs], axis=0)[: len(old)]

        adjusted = {t.level: t.agree for t in tf_levels(comp)}  # (as ``model._tf_adjust`` reads them)
        moved = {}
        for k, lv in enumerate(comp.levels):
            d = np.log2(old[k] / new[k])
            if k in adjusted:
                d += np.log2(float(sum(new[j] for j in adjusted[k])) / float(sum(old[j] for j in adjusted[k])))
            moved[lv.label] = float(d)
        moved["different"] = float(np.log2(old[-1] / new[-1]))
        print(f"  {comp.name}: " + ", ".join(f"{a} {b:+.2f}" for a, b in moved.items()))
        bits = bits + level(comp.name).replace_strict(moved, default=0.0, return_dtype=pl.Float64).fill_null(0.0)
    return bits


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--run", type=Path, required=True, help="a kept run's folder (match_benchmark.py --keep)")
    ap.add_argument("--staged", type=Path, required=True)
    ap.add_argument("--truth", type=Path, required=True)
    ap.add_argument("--cells-from", nargs=3, type=Path, metavar=("RUN", "STAGED", "TRUTH"))
    ap.add_argument("--u-seeds", help="comma-separated seeds: u of the levels per seed (prepares the table)")
    ap.add_argument(
        "--m-whatif", action="store_true", help="what-if: name and date m of the true pairs without other evidence"
    )
    ap.add_argument(
        "--u-whatif", type=int, metavar="PAIRS", help="what-if: u from this many random pairs, seeds 42 and 7"
    )
    a = ap.parse_args()
    pl.Config.set_tbl_rows(80)
    pl.Config.set_tbl_width_chars(200)
    p = labelled(a.run, a.staged, a.truth)
    report(p)
    out = a.run / "calibration_whatif.pairs.parquet"
    mb.THRESHOLD_WHATIF = tuple((t, 0.025) for t in THRESHOLDS)
    whatif(p, pl.lit(0.0), "as scored", a.staged, a.truth, out)
    year_share = pl.col("l_rel_share_year").fill_null(pl.col("r_rel_share_year"))
    relation = pl.when(level("relation") == "exact").then((pl.col("l_rel_share") / year_share).log(2)).otherwise(0.0)
    whatif(p, relation.fill_null(0.0), "relation weighed by its share in the birth year", a.staged, a.truth, out)
    if a.cells_from:
        train = labelled(*a.cells_from)
        bits, band = cell_bits(train)
        moved = p.join(bits, on=CELL, how="left")
        shift = pl.when(band).then(pl.col("cell_bits").fill_null(0.0)).otherwise(0.0)
        whatif(moved, shift, f"cells {CELL} calibrated on {a.cells_from[0]}", a.staged, a.truth, out)
    model = pl.read_parquet(a.run / "wardbridge.model.parquet")
    if a.m_whatif:
        print("\nm of the true pairs with no other evidence (bits moved):")
        whatif(p, m_shift(p, model), "name and date m of the true pairs with no other evidence", a.staged, a.truth, out)
    if a.u_whatif:
        print(f"\nu from {a.u_whatif:,} random pairs, seeds 42 and 7 (bits moved):")
        whatif(p, u_shift(a.staged, model, a.u_whatif, [42, 7]), "u from more random pairs", a.staged, a.truth, out)
    out.unlink(missing_ok=True)
    if a.u_seeds:
        u_seeds(a.staged, [int(s) for s in a.u_seeds.split(",")])


if __name__ == "__main__":
    main()

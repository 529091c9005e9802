"""New evidence on namesakes (issue 14): does the ward, or the household book, tell a person's copies from namesakes?

Run on demand (not a test), on a kept match run (``match_benchmark.py --keep DIR``) and its inputs:

    uv run python benchmarks/match_namesake_evidence.py --run DIR \\
        --staged /tmp/city3m/staged/staged_population.parquet --truth /tmp/city3m/reg/truth/population.parquet

Prints, against the generator's truth (person_id):
- the ward: shares of pairs in one district (one source file), one old unit (old_uid), one new ward (new_uid), for
  every true pair by household book shared or not, and for the run's scored pairs with no ID, phone or household
  book agreeing, per match probability band, true and false apart (the pairs namesakes are confused with);
- the household book: pairs of books holding records of one person, and how many hold two or more people's (the
  housemates a linked pair could lend its prior to); records alone in their book, and the share of pairs with one
  side alone;
- what-if: the run's pair table with a level "one side alone in its household book" on pairs not sharing a book,
  weighed by its m on the true pairs (the truth's: an upper bound) and u from the records' shares, thresholds as
  ``match_benchmark.py``'s what-if. What this level measures in the generator is its design (a copy that moved
  gets a new book of its own), not a register's: see docs/performance-history.md.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import benchmarks.match_benchmark as mb  # noqa: E402

BANDS = [0.025, 0.5, 0.87]


def ward_shares(pairs: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    same = lambda c: (pl.col(c) == pl.col(f"{c}_r")).fill_null(False).mean()  # noqa: E731
    return (
        pairs.group_by(by)
        .agg(
            pairs=pl.len(),
            district=same("source_id"),
            old_unit=same("old_uid"),
            new_ward=same("new_uid"),
            ward_missing=(pl.col("old_uid").is_null() | pl.col("old_uid_r").is_null()).mean(),
            one_alone=(pl.col("alone") | pl.col("alone_r")).mean(),
        )
        .sort(by)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", type=Path, required=True, help="a kept match_benchmark run (wardbridge.pairs.parquet)")
    parser.add_argument("--staged", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    parser.add_argument(
        "--thresholds",
        default="0.95,0.9,0.87,0.8",
        help="link thresholds of the what-if (review 0.025), comma separated",
    )
    args = parser.parse_args()

    cols = ["record_key", "source_id", "source_key", "old_uid", "new_uid", "household_no"]
    staged = pl.read_parquet(args.staged, columns=cols)
    truth = pl.read_parquet(args.truth, columns=["source_id", "record_no", "person_id"])
    rec = staged.join(
        truth.select("source_id", pl.col("record_no").cast(pl.String).alias("source_key"), "person_id"),
        on=["source_id", "source_key"],
    ).with_columns(alone=(pl.len().over("household_no") == 1) & pl.col("household_no").is_not_null())
    n = rec.height
    alone_share = float(rec["alone"].mean())
    print(
        f"records {n:,}; ward missing: old unit {rec['old_uid'].null_count() / n:.3f}, new ward "
        f"{rec['new_uid'].null_count() / n:.3f}; alone in their household book {alone_share:.4f}"
    )
    side = rec.select("record_key", "person_id", "source_id", "old_uid", "new_uid", "household_no", "alone")
    true_pairs = (
        side.join(side, on="person_id", suffix="_r")
        .filter(pl.col("record_key") < pl.col("record_key_r"))
        .with_columns(same_book=(pl.col("household_no") == pl.col("household_no_r")).fill_null(False))
    )
    with pl.Config(tbl_rows=40, tbl_width_chars=200):
        print("\nevery true pair, by household book shared: shares in one district / old unit / new ward")
        print(ward_shares(true_pairs, ["same_book"]))

        lv = lambda c: pl.col(f"{c}_level").cast(pl.String)  # noqa: E731
        pairs = pl.read_parquet(
            args.run / "wardbridge.pairs.parquet",
            columns=["left_id", "right_id", "decision", "match_probability", "match_weight", "ids_level"]
            + ["phone_level", "home_level"],
        )
        pairs = pairs.with_columns(
            other=(
                (lv("phone") == "exact")
                | (lv("home") == "same_household")
                | lv("ids").is_in(["exact", "one_digit_off", "two_digits_off"])
            ).fill_null(False)
        )
        pairs = pairs.join(side.rename({"record_key": "left_id"}), on="left_id").join(
            side.rename(lambda c: f"{c}_r").rename({"record_key_r": "right_id"}), on="right_id"
        )
        pairs = pairs.with_columns(
            same=pl.col("person_id") == pl.col("person_id_r"),
            band=pl.when(pl.col("match_probability") >= BANDS[2])
            .then(pl.lit(f"{BANDS[2]}+"))
            .when(pl.col("match_probability") >= BANDS[1])
            .then(pl.lit(f"{BANDS[1]}-{BANDS[2]}"))
            .when(pl.col("match_probability") >= BANDS[0])
            .then(pl.lit(f"{BANDS[0]}-{BANDS[1]}"))
            .otherwise(pl.lit(f"under {BANDS[0]}")),
        )
        print("\nthe run's pairs with no ID, phone or household book agreeing, by band, true (same) and false")
        print(ward_shares(pairs.filter(~pl.col("other")), ["band", "same"]))

    books = side.select("person_id", "household_no").drop_nulls().unique()
    book_pairs = (
        books.join(books, on="person_id", suffix="_r")
        .filter(pl.col("household_no") < pl.col("household_no_r"))
        .group_by("household_no", "household_no_r")
        .agg(people=pl.col("person_id").n_unique())
    )
    print(
        f"\npairs of household books holding records of one person: {book_pairs.height:,}; holding two or more "
        f"people's (housemates to lend a linked pair's prior): {book_pairs.filter(pl.col('people') >= 2).height:,}"
    )

    apart = true_pairs.filter(~pl.col("same_book"))
    m = float((apart["alone"] | apart["alone_r"]).mean())
    u = 1 - (1 - alone_share) ** 2
    m = min(m, 1 - 1e-4)
    w_alone, w_not = math.log2(m / u), math.log2((1 - m) / (1 - u))
    print(
        f"\nwhat-if, one side alone in its book (pairs not sharing one): m {m:.4f} (truth), u {u:.4f}: "
        f"{w_alone:+.2f} bits, neither alone {w_not:+.2f} bits"
    )
    not_same = lv("home") != "same_household"
    delta = (
        pl.when(not_same & (pl.col("alone") | pl.col("alone_r")))
        .then(w_alone)
        .when(not_same & ~(pl.col("alone") | pl.col("alone_r")))
        .then(w_not)
        .otherwise(0.0)
    )
    out = pairs.with_columns(w=pl.col("match_weight") + delta).with_columns(
        match_probability=1 / (1 + 2 ** (-pl.col("w")))
    )
    whatif = args.run / "namesake_whatif.pairs.parquet"
    out.select("left_id", "right_id", "decision", "match_probability").write_parquet(whatif)
    mb.THRESHOLD_WHATIF = tuple((float(t), 0.025) for t in args.thresholds.split(","))
    print("as scored:")
    mb.print_threshold_whatif(staged, truth, args.run / "wardbridge.pairs.parquet")
    print("with the alone-in-its-book level:")
    mb.print_threshold_whatif(staged, truth, whatif)


if __name__ == "__main__":
    main()

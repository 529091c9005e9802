"""Would the household's other members tell the lost true pairs from namesakes? (issue 14; on demand, not a test)

On a kept people run (``match_benchmark.py --keep DIR``) and its inputs:

    uv run python benchmarks/match_household_evidence.py --run DIR \\
        --staged /tmp/city3m/staged/staged_population.parquet --truth /tmp/city3m/reg/truth/population.parquet

For the true pairs (all; not linked; neither linked nor queued, outcomes as ``match_lost_pairs.py``'s) and the run's
false pairs (linked band; review band) it prints the level a "household co-members" comparison would give them:
same household book; no book on a side; one side alone in its book (unknown: nobody to compare); else how many
other members of the two books agree on folded name (``name_key``) and birth date: 2+, 1, none. Beside it what the
truth says: how many other members of the two books are one person (the evidence such a comparison could find at
best), and the agreeing members once the pair's own two people are left out (a record's own extra copies in its
book otherwise agree with the other side's namesake copies). Also the shares sharing a street (the address's first
part, house number dropped) and an old unit, and the birth year and relation to the head of the side alone in its
book.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.match_lost_pairs import pair_outcomes, records_of  # noqa: E402

SIDE = ["household_no", "book_size", "name_key", "date_of_birth", "street", "old_uid", "person_id", "relation_to_head"]


def with_book_fields(records: pl.DataFrame, staged: Path) -> pl.DataFrame:
    extra = pl.read_parquet(
        staged, columns=["record_key", "name_key", "date_of_birth", "address", "old_uid", "relation_to_head"]
    ).rename({"record_key": "record_id"})
    street = (
        pl.col("address")
        .str.split(",")
        .list.first()
        .str.to_lowercase()
        .str.replace(r"^[0-9/a-z]*[0-9][0-9/a-z]*\s+", "")
        .str.strip_chars()
    )
    return records.join(extra, on="record_id", how="left", maintain_order="left").with_columns(street.alias("street"))


def described(pairs: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    side = records.select("i", *SIDE)
    out = pairs.join(side.rename(lambda c: c if c == "i" else f"{c}_a").rename({"i": "a"}), on="a", how="left")
    out = out.join(side.rename(lambda c: c if c == "i" else f"{c}_b").rename({"i": "b"}), on="b", how="left")
    return out.with_columns(
        (pl.col("household_no_a") == pl.col("household_no_b")).fill_null(False).alias("same_book"),
        (pl.col("street_a") == pl.col("street_b")).fill_null(False).alias("same_street"),
        (pl.col("old_uid_a") == pl.col("old_uid_b")).fill_null(False).alias("same_unit"),
    )


def co_members(pairs: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    """``pairs`` (described) with the co-members' level, ``co_key`` (other members agreeing on folded name + birth
    date), ``co_key_own_left_out`` (the same without the pair's own two people, by the truth) and ``co_person``
    (other members of the two books who are one person, by the truth)."""
    members = records.filter(pl.col("household_no").is_not_null()).select(
        "household_no", pl.col("i").alias("m"), "name_key", "date_of_birth", "person_id"
    )
    two_books = pairs.filter(
        ~pl.col("same_book") & pl.col("household_no_a").is_not_null() & pl.col("household_no_b").is_not_null()
    ).select("a", "b", "household_no_a", "household_no_b", "person_id_a", "person_id_b")
    left = two_books.join(members.rename({"household_no": "household_no_a"}), on="household_no_a")
    right = two_books.join(members.rename({"household_no": "household_no_b"}), on="household_no_b")
    left, right = left.filter(pl.col("m") != pl.col("a")), right.filter(pl.col("m") != pl.col("b"))
    keys = left.join(
        right.select("a", "b", "m", "name_key", "date_of_birth", "person_id"),
        on=["a", "b", "name_key", "date_of_birth"],
    )
    keys = keys.filter(pl.col("m") != pl.col("m_right"))
    own = pl.any_horizontal(
        (pl.col(m) == pl.col(p)).fill_null(False)
        for m in ("person_id", "person_id_right")
        for p in ("person_id_a", "person_id_b")
    )
    by_key = keys.group_by("a", "b").agg(
        pl.col("m").n_unique().alias("co_key"),
        pl.col("m").filter(~own).n_unique().alias("co_key_own_left_out"),
    )
    by_person = (
        left.filter(pl.col("person_id").is_not_null())
        .join(right.select("a", "b", "m", "person_id"), on=["a", "b", "person_id"])
        .filter(pl.col("m") != pl.col("m_right"))
        .group_by("a", "b")
        .agg(pl.col("m").n_unique().alias("co_person"))
    )
    agree = pl.col("co_key").fill_null(0)
    return (
        pairs.join(by_key, on=["a", "b"], how="left")
        .join(by_person, on=["a", "b"], how="left")
        .with_columns(
            pl.when(pl.col("same_book"))
            .then(pl.lit("same book"))
            .when(pl.col("household_no_a").is_null() | pl.col("household_no_b").is_null())
            .then(pl.lit("no book"))
            .when((pl.col("book_size_a") == 1) | (pl.col("book_size_b") == 1))
            .then(pl.lit("one side alone (unknown)"))
            .when(agree >= 2)
            .then(pl.lit("2+ co-members agree"))
            .when(agree == 1)
            .then(pl.lit("1 co-member agrees"))
            .otherwise(pl.lit("none agree"))
            .alias("co_members"),
            pl.col("co_key", "co_key_own_left_out", "co_person").fill_null(0),
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", type=Path, required=True)
    parser.add_argument("--staged", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    args = parser.parse_args()
    records = with_book_fields(records_of(args.run, args.staged, args.truth), args.staged)
    true, table = pair_outcomes(args.run, records)
    person = records["person_id"]
    table = table.with_columns(
        (pl.Series(person.gather(table["a"])) == pl.Series(person.gather(table["b"]))).fill_null(False).alias("same")
    )
    p = pl.col("match_probability")
    groups = {
        "true pairs": true,
        "true pairs not linked": true.filter(pl.col("outcome") != "linked"),
        "true pairs neither linked nor queued": true.filter(~pl.col("outcome").is_in(["linked", "queued"])),
        "false pairs at or over 0.87": table.filter(~pl.col("same") & (p >= 0.87)),
        "false pairs in [0.025, 0.87)": table.filter(~pl.col("same") & (p >= 0.025) & (p < 0.87)),
    }
    cfg = pl.Config(tbl_rows=30, tbl_cols=12, fmt_str_lengths=40, tbl_width_chars=200, float_precision=4)
    with cfg:
        print(f"{records.height:,} records, {records['household_no'].n_unique():,} household books")
        for name, group in groups.items():
            d = co_members(described(group.select(pl.col("a", "b").cast(pl.UInt32)), records), records)
            n = d.height
            print(f"\n== {name}: {n:,}")
            print(d.group_by("co_members").len().with_columns((pl.col("len") / n).alias("share")).sort("len"))
            two = d.filter(~pl.col("same_book"))
            print(
                two.select(
                    pl.len().alias("in two books"),
                    (pl.col("co_person") > 0).sum().alias("books share a person (truth)"),
                    (pl.col("co_key") > 0).sum().alias("a member agrees"),
                    (pl.col("co_key_own_left_out") > 0).sum().alias("own people left out"),
                    pl.col("same_street").mean().alias("same street"),
                    pl.col("same_unit").mean().alias("same old unit"),
                )
            )
            alone = pl.concat(
                [
                    d.filter(pl.col(f"book_size_{s}") == 1).select(
                        pl.col(f"relation_to_head_{s}").alias("relation"),
                        pl.col(f"date_of_birth_{s}").dt.year().alias("year"),
                    )
                    for s in "ab"
                ]
            )
            if alone.height:
                print(
                    f"side alone in its book: {alone.height:,}, born 2007 or later {(alone['year'] >= 2007).mean():.3f}"
                )
                print(alone.group_by("relation").len().with_columns(pl.col("len") / alone.height).sort("len").tail(4))


if __name__ == "__main__":
    main()

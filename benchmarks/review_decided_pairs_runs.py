"""A match_pair decision and a record pair that joins its item, through real `wardbridge run`s (HR2, session 43).

Not a unit test (four whole runs, 20-50 s each): a check to run by hand after changing the review stage's decisions.
In a fresh folder: a catalogue of the bundled sample's population_723 and population_770 (their refused pair
723#657 ~ 770#2177 is a match_pair item, mp-27526a7e8c3e4130, its records in two wards), then a third extract holding
one new record, a copy of 770#2177 under another key:

1. run 1: the item, one pair, in both wards' files;
2. run 2, the new record ingested, no decision yet: the new record joins 770#2177's entity and its refused pair with
   723#657 joins the item under the same id (two pairs, both in the files);
3. run 3, the official's 'no_match' written on run 1's file (one pair shown): refused ('holds 2 record pairs, the file
   shows 1 ...'), nothing labelled, the item open;
4. run 4, the same written on run 3's file instead: both pairs decided ('ward file'), two labels, the item closed.

    uv run python benchmarks/review_decided_pairs_runs.py /tmp/somewhere

Exits 1 naming the first expectation not met. Prints each run's wall time and its processes' CPU seconds.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[1]
WARDBRIDGE = Path(sys.executable).parent / "wardbridge"
ITEM, WARD = "mp-27526a7e8c3e4130", "27139"
NEW_ROW = {
    "MA": "5001",
    "HOTEN": "Nguyễn Minh Rạng",
    "NGSINH": "01/09/2023",
    "GT": "Nam",
    "CCCD": "079223074264",
    "CMND": "",
    "SOHK": "366636038",
    "QHCH": "Con",
    "DIACHI": "391/28/16 Vo Van Kiet, Khu pho 3A, Phuong 4, Quan 3, TP Ho Chi Minh",
    "DT": "",
    "NGAYDK": "07/07/2015",
}


def _catalogues(base: Path) -> tuple[Path, Path]:
    """(the two sample extracts, the same and the new record's extract), their files copied under ``base``."""
    data = base / "data" / "population"
    data.mkdir(parents=True)
    for name in ("population_723.xlsx", "population_770.sqlite"):
        shutil.copy(REPO / "data/sample/registries/population" / name, data / name)
    with open(data / "population_799.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(NEW_ROW))
        writer.writeheader()
        writer.writerow(NEW_ROW)
    blocks = (REPO / "mappings/sources/sample.toml").read_text(encoding="utf-8").split("[[source]]")[1:]
    kept = [b for b in blocks if re.search(r'id = "population_(723|770)"', b)]
    new = next(b for b in kept if '"population_770"' in b)
    new = (
        new.replace('"population_770"', '"population_799"')
        .replace("population/population_770.sqlite", "population/population_799.csv")
        .replace('format = "sqlite"', 'format = "csv"')
        .replace('table = "population"\n', 'encoding = "utf-8"\ndelimiter = ","\n')
    )
    head = f'base_dir = "{(base / "data").as_posix()}"\n\n'
    first, second = base / "first.toml", base / "second.toml"
    first.write_text(head + "".join("[[source]]" + b for b in kept), encoding="utf-8")
    second.write_text(first.read_text(encoding="utf-8") + "[[source]]" + new, encoding="utf-8")
    return first, second


def _run(base: Path, catalogue: Path, n: int) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DAGSTER_", "WARDBRIDGE_"))}
    env["WARDBRIDGE_DECISIONS_DIR"] = str(base / "decisions")
    start, before = time.perf_counter(), os.times()
    proc = subprocess.run(
        [str(WARDBRIDGE), "run", "--catalogue", str(catalogue), "--warehouse", str(base / "wh"),
         "--dagster-home", str(base / "home")],
        cwd=base, env=env, capture_output=True, text=True, encoding="utf-8",
    )  # fmt: skip
    after = os.times()
    (base / f"run{n}.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    cpu = after.children_user - before.children_user + after.children_system - before.children_system
    print(f"run {n}: exit {proc.returncode}, {time.perf_counter() - start:.1f} s wall, {cpu:.1f} CPU s")
    if proc.returncode:
        sys.exit(f"run {n} failed: see {base / f'run{n}.log'}")


def _review(base: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(base / "wh/parquet/review" / f"{name}.parquet")


def _expect(what: str, ok: bool) -> None:
    print(f"  {'ok' if ok else 'NOT MET'}: {what}")
    if not ok:
        sys.exit(1)


def _decide(source: Path, target: Path) -> None:
    """``source`` (a ward's match_pair.csv) filled in as an official does: 'no_match' on the item's first row."""
    table = pl.read_csv(source, infer_schema=False)
    first = pl.int_range(pl.len()) == pl.int_range(pl.len()).filter(pl.col("item_id") == ITEM).first()
    values = {"decision": "no_match", "reviewer": "Cán bộ A", "decided_on": time.strftime("%Y-%m-%d")}
    table.with_columns(
        pl.when(first).then(pl.lit(v)).otherwise(pl.col(c)).alias(c) for c, v in values.items()
    ).write_csv(target)


def _item(base: Path) -> pl.DataFrame:
    return _review(base, "item_keys").filter(pl.col("item_id") == ITEM)


def main(base: Path) -> None:
    if base.exists() and any(base.iterdir()):
        sys.exit(f"{base}: not empty")
    base.mkdir(parents=True, exist_ok=True)
    first, second = _catalogues(base)
    (base / "home").mkdir()
    shutil.copy(REPO / "dagster.yaml", base / "home" / "dagster.yaml")
    (base / "decisions").mkdir(mode=0o700)
    ward_file = base / "wh/review/wards" / WARD / "match_pair.csv"

    _run(base, first, 1)
    _expect("run 1 queues the item with one pair", _item(base)["more_left_ids"].list.len().to_list() == [0])
    shutil.copy(ward_file, base / "run1_match_pair.csv")

    _run(base, second, 2)
    _expect(
        "run 2: the new record's pair joins the item under its id",
        _item(base)["more_left_ids"].list.len().to_list() == [1],
    )
    shown = pl.read_csv(ward_file, infer_schema=False).filter(pl.col("item_id") == ITEM)
    _expect("run 2's ward file shows both pairs", shown.height == 2)

    _decide(base / "run1_match_pair.csv", base / "decisions" / "run1_file.csv")
    _run(base, second, 3)
    errors = _review(base, "decision_errors")
    _expect(
        "run 3 refuses the decision written on run 1's file",
        errors.height == 1 and "holds 2 record pairs, the file shows 1" in errors["cause"][0],
    )
    _expect("run 3 labels nothing", _review(base, "match_labels").height == 0)
    _expect("run 3 leaves the item open", _review(base, "queue_items").filter(pl.col("item_id") == ITEM).height == 1)

    (base / "decisions" / "run1_file.csv").unlink()
    _decide(ward_file, base / "decisions" / "run3_file.csv")
    _run(base, second, 4)
    decision = _review(base, "decisions").filter(pl.col("item_id") == ITEM)
    _expect(
        "run 4 keeps the decision with both pairs",
        decision["pairs_from"].to_list() == ["ward file"] and decision["decided_left_ids"].list.len().to_list() == [2],
    )
    labels = _review(base, "match_labels")
    _expect("run 4 labels both pairs no_match", labels.height == 2 and set(labels["label"]) == {"no_match"})
    _expect("run 4 closes the item", _review(base, "queue_items").filter(pl.col("item_id") == ITEM).height == 0)
    print(f"all met; logs and the warehouse in {base}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]).resolve())

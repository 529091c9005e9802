"""Rows of a date that left its table, taken out of its kept partition: one rewrite per run against one per holder.

    uv run python benchmarks/left_release_benchmark.py --rows 200000 --holders 5 --moved 0.02

Builds a left partition (raw, staged, quarantine files) from the staged population rows of a generated city
(``--staged``, default /tmp/city1m/staged/staged_population.parquet, first ``--rows`` rows; a synthetic frame
when the file is absent), and ``--holders`` partitions of the same source each holding ``--moved`` of its rows.
Then releases them both ways in fresh copies: once per holder (what a run did before: one release after each
partition written) and once for all holders (pipelines/ingest/status.release_moved_rows with ``holders``),
prints CPU seconds (process time), wall seconds and the load average, and checks both leave the same files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl  # noqa: E402

from pipelines.ingest import status  # noqa: E402
from pipelines.ingest.status import PartitionStatus, write_status  # noqa: E402
from pipelines.warehouse import PartitionedLayer, Warehouse  # noqa: E402

REGISTRY = "population"
TABLES = {"raw": f"raw_{REGISTRY}", "staged": f"staged_{REGISTRY}", "quarantine": f"quarantine_{REGISTRY}"}
LEFT = "src@2025-09-30"


def _frame(path: Path, rows: int) -> pl.DataFrame:
    if path.is_file():
        frame = pl.read_parquet(path, n_rows=rows)
    else:
        frame = pl.DataFrame({f"c{i}": [f"value {i} {n}" for n in range(rows)] for i in range(20)})
    keys = pl.int_range(1, frame.height + 1, eager=True).cast(pl.String)
    frame = frame.drop("record_key", "source_key", strict=False)
    return frame.with_columns(record_key=LEFT + "#" + keys, source_key=keys)


def _build(root: Path, frame: pl.DataFrame, holders: list[str], moved: float) -> Warehouse:
    wh = Warehouse(root)
    quarantined = pl.col("source_key").cast(pl.Int64) % 50 == 0
    for layer, part in (
        ("raw", frame),
        ("staged", frame.filter(~quarantined)),
        ("quarantine", frame.filter(quarantined)),
    ):
        path = PartitionedLayer(wh, layer).path(TABLES[layer], LEFT)
        path.parent.mkdir(parents=True, exist_ok=True)
        part.write_parquet(path)
    write_status(wh, PartitionStatus(LEFT, REGISTRY, "ok", file="t", raw_rows=frame.height))
    step = int(frame.height * moved)
    for i, holder in enumerate(holders):
        held = frame["source_key"].slice(i * step, step)
        path = PartitionedLayer(wh, "raw").path(TABLES["raw"], holder)
        path.parent.mkdir(parents=True, exist_ok=True)
        pl.DataFrame({"record_key": holder + "#" + held, "source_key": held}).write_parquet(path)
    return wh


def _timed(fn) -> tuple[float, float]:  # noqa: ANN001
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--staged", type=Path, default=Path("/tmp/city1m/staged/staged_population.parquet"))
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--holders", type=int, default=5)
    parser.add_argument("--moved", type=float, default=0.02, help="share of the left rows each holder holds")
    args = parser.parse_args()
    frame = _frame(args.staged, args.rows)
    holders = [f"src@2025-10-{d:02d}" for d in range(1, args.holders + 1)]
    with tempfile.TemporaryDirectory(prefix="left-release-") as tmp:
        base = _build(Path(tmp) / "base", frame, holders, args.moved)
        results = {}
        for mode in ("per holder", "once per run"):
            root = Path(tmp) / mode.replace(" ", "_")
            shutil.copytree(base.root, root)
            wh = Warehouse(root)

            def release(wh: Warehouse = wh, mode: str = mode) -> None:
                if mode == "per holder":
                    for holder in holders:
                        status.release_moved_rows(wh, REGISTRY, TABLES, holders=holder, left=[LEFT], run_id="b")
                else:
                    status.release_moved_rows(wh, REGISTRY, TABLES, holders=holders, left=[LEFT], run_id="b")

            cpu, wall = _timed(release)
            layers = {n: pl.read_parquet(PartitionedLayer(wh, n).path(t, LEFT)) for n, t in TABLES.items()}
            results[mode] = layers
            print(f"{mode:>13}: {cpu:6.2f} CPU s, {wall:6.2f} s wall, left rows {layers['raw'].height}")
        same = all(results["per holder"][n].equals(results["once per run"][n]) for n in TABLES)
        print(f"rows {frame.height}, columns {frame.width}, holders {len(holders)}, same files: {same}")
        print("load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
        if not same:
            raise SystemExit("the two ways left different files")


if __name__ == "__main__":
    main()

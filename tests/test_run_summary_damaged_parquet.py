"""A step that fails reading a damaged Parquet file of the warehouse (cut off by a full disk or a copy stopped
half-way): the run summary names the file. Before, it printed only the reader's words ('ComputeError: parquet: File
out of specification: The file must end with PAR1 or PARE', 'ArrowInvalid: Parquet magic bytes not found in
footer'), which name no file, so a damaged staged partition whose extract could not be loaded again stopped every
run without saying where (found auditing: the sample's population_718 partition cut to 3,000 bytes, its source
missing)."""

from __future__ import annotations

import dagster as dg
import polars as pl

from assets.progress import RunSummary, damaged_parquet
from assets.resources import WarehouseResource
from assets.review import review_decisions
from pipelines.reference import load_reference
from pipelines.schema import CROSSWALK, UNITS_2025, UNITS_PRE2025
from pipelines.warehouse import Warehouse

PART = "parquet/staged/staged_population/part=population_718@2025-08-31/data.parquet"


def test_a_step_failing_on_a_damaged_partition_names_the_file_in_the_summary(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    ref = load_reference()
    wh.publish(
        "reference", [(UNITS_PRE2025, ref.units_pre2025), (UNITS_2025, ref.units_2025), (CROSSWALK, ref.crosswalk)]
    )
    damaged = wh.root / PART
    damaged.parent.mkdir(parents=True)
    pl.DataFrame({"record_key": ["a"] * 1000}).write_parquet(damaged)
    damaged.write_bytes(damaged.read_bytes()[:200])  # cut off
    aside = wh.root / "parquet/staged/.staged_tax.partial-1/data.parquet"  # being written: not published
    aside.parent.mkdir(parents=True)
    aside.write_bytes(b"PAR1")
    (tmp_path / "decisions").mkdir(mode=0o700)
    result = dg.materialize(
        [review_decisions],
        instance=dg.DagsterInstance.ephemeral(),
        resources={"warehouse": WarehouseResource(path=str(wh.root))},
        run_config={"ops": {"review_decisions": {"config": {"decisions_dir": str(tmp_path / "decisions")}}}},
        raise_on_error=False,
    )
    assert not result.success
    summary = RunSummary(warehouse=wh.root, home=tmp_path)
    summary.add("wardbridge_entities", result, 1.0)
    text = "\n".join(summary.lines())
    assert "FAILED step review_decisions" in text and "data.parquet" not in summary.problems[0].why
    assert f"DAMAGED 1 Parquet file(s) in {wh.root}" in text and PART in text
    assert summary.as_dict()["damaged_files"] == [PART]
    assert PART in "\n".join(summary.lines(errors_only=True))  # --quiet prints it too


def test_whole_parquet_files_are_not_damaged(tmp_path):
    pl.DataFrame({"a": [1]}).write_parquet(tmp_path / "ok.parquet")
    (tmp_path / "empty.parquet").write_bytes(b"")
    (tmp_path / "short.parquet").write_bytes(b"PAR1PAR1")
    assert damaged_parquet(tmp_path) == ["empty.parquet", "short.parquet"]

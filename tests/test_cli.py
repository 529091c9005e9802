"""The ``wardbridge`` command, run as a user would: a subprocess of the installed script.

The resolve, match, reference and catalogue runs about what the command computes or says (its outputs, its
messages and exit codes for usage mistakes and data problems) run in the test's process (tests/cli_in_process.py: click's CliRunner, ~1 CPU s less a run than starting
the script); real-process runs are kept for a real process's exit codes and output streams: a resolve that succeeds
(0, nothing on stdout, the summary on stderr), data problems (1), usage mistakes refused before any work (2).
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from pipelines.schema import RESOLVED_ADDRESS
from tests.cli_in_process import wardbridge_in_process

REPO = Path(__file__).resolve().parents[1]
WARDBRIDGE = Path(sys.executable).parent / "wardbridge"

BEN_NGHE = "12 Nguyễn Huệ, P. Bến Nghé, Q.1, TP.HCM"  # pre2025:26740 -> 2025:26740 Phường Sài Gòn
GO_VAP_12 = "45 đường số 7, Phường 12, Quận Gò Vấp, HCM"  # pre2025:26881 -> 2025:26882
HIEP_THANH = "Phường Hiệp Thành, Thành phố Thủ Dầu Một, Bình Dương"  # split: 2025:25747 / 2025:25750
ADDRESSES = [BEN_NGHE, "không phải địa chỉ", GO_VAP_12, None, f"12 Đường Thử Nghiệm, {HIEP_THANH}"]


def wardbridge(
    *args: str, cwd: Path | None = None, env: dict | None = None, timeout: int = 180
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(WARDBRIDGE), *args], cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=timeout
    )


@pytest.fixture
def addresses_csv(tmp_path) -> Path:
    path = tmp_path / "old.csv"
    pl.DataFrame({"id": ["007", "008", "009", "010", "011"], "address": ADDRESSES}).write_csv(path)
    return path


def test_resolve_csv_to_csv(addresses_csv, tmp_path):
    out = tmp_path / "out" / "new.csv"  # missing parent directory is created
    proc = wardbridge("resolve", "--input", str(addresses_csv), "--column", "address", "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    result = pl.read_csv(out, infer_schema=False)
    assert result.columns == ["id", "address", *RESOLVED_ADDRESS.columns]
    assert result["id"].to_list() == ["007", "008", "009", "010", "011"]  # order and leading zeros kept
    rows = result.rows_by_key("id", named=True, unique=True)
    assert rows["007"]["new_uid"] == "2025:26740" and rows["007"]["new_name"] == "Phường Sài Gòn"
    assert rows["007"]["status"] == "exact" and rows["007"]["candidates"] == "2025:26740"
    assert rows["009"]["old_uid"] == "pre2025:26881" and rows["009"]["new_uid"] == "2025:26882"
    assert rows["008"]["status"] == "unresolved" and rows["008"]["reason"]
    assert rows["010"]["status"] == "unresolved"
    # a split old unit without evidence: every part listed, ';'-joined
    assert rows["011"]["status"] == "split_review" and rows["011"]["new_uid"] is None
    assert sorted(rows["011"]["candidates"].split(";")) == ["2025:25747", "2025:25750"]
    # summary of status counts on stderr, nothing on stdout
    assert proc.stdout == ""
    assert "resolved 5 rows" in proc.stderr
    for line in ("exact", "unresolved", "split_review"):
        assert line in proc.stderr
    assert " 2 " in proc.stderr.split("unresolved")[1].splitlines()[0]


def test_resolve_csv_with_bom_to_parquet_and_back(addresses_csv, tmp_path):
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + addresses_csv.read_bytes())
    parquet = tmp_path / "new.parquet"
    proc = wardbridge_in_process("resolve", "--input", str(bom), "--column", "address", "--output", str(parquet))
    assert proc.returncode == 0, proc.stderr
    result = pl.read_parquet(parquet)
    assert result.schema["candidates"] == pl.List(pl.String)
    assert result.schema["confidence"] == pl.Float64
    assert result["id"].to_list() == ["007", "008", "009", "010", "011"]
    assert result["candidates"][0].to_list() == ["2025:26740"]

    # Parquet in, CSV out: the list column is flattened
    source = tmp_path / "only_input.parquet"
    pl.read_parquet(parquet).select("id", "address").write_parquet(source)
    csv = tmp_path / "again.csv"
    proc = wardbridge_in_process("resolve", "--input", str(source), "--column", "address", "--output", str(csv))
    assert proc.returncode == 0, proc.stderr
    again = pl.read_csv(csv, infer_schema=False)
    assert again["new_uid"].to_list() == result["new_uid"].to_list()
    assert again["candidates"][4].count(";") == 1


def test_resolve_structured_columns_and_old_codes(tmp_path):
    source = tmp_path / "units.csv"
    pl.DataFrame(
        {
            "ward": ["Phường Bến Nghé", "P.12", "Phường Gì Đó"],
            "district": ["Quận 1", "Gò Vấp", "Quận 1"],
            "province": ["TP.HCM", "HCM", "TP.HCM"],
            "old_code": ["", "", "26734"],  # the code wins over an unknown name
        }
    ).write_csv(source)
    out = tmp_path / "units_out.csv"
    proc = wardbridge_in_process(
        "resolve",
        "--input",
        str(source),
        "--ward-column",
        "ward",
        "--district-column",
        "district",
        "--province-column",
        "province",
        "--old-code-column",
        "old_code",
        "--output",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr
    result = pl.read_csv(out, infer_schema=False)
    assert result["new_uid"].to_list() == ["2025:26740", "2025:26882", "2025:26737"]
    assert result["old_uid"][2] == "pre2025:26734"


def test_resolve_with_gazetteer_resolves_a_split_unit(addresses_csv, tmp_path):
    gazetteer = tmp_path / "gazetteer.csv"
    gazetteer.write_text(
        "old_uid,kind,name,name_key,new_uid,source\npre2025:25741,street,Đường Thử Nghiệm,,2025:25747,test\n",
        encoding="utf-8",
    )
    out = tmp_path / "new.parquet"
    proc = wardbridge_in_process(
        "resolve",
        "--input",
        str(addresses_csv),
        "--column",
        "address",
        "--output",
        str(out),
        "--gazetteer",
        str(gazetteer),
    )
    assert proc.returncode == 0, proc.stderr
    row = pl.read_parquet(out).filter(pl.col("id") == "011").row(0, named=True)
    assert row["status"] == "split_resolved"
    assert row["new_uid"] == "2025:25747"
    assert "Đường Thử Nghiệm" in row["reason"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--input", "{tmp}/missing.csv", "--column", "address", "--output", "{tmp}/o.csv"], "missing.csv"),
        (["--input", "{csv}", "--column", "adress", "--output", "{tmp}/o.csv"], "'adress'"),
        (["--input", "{csv}", "--ward-column", "ward", "--output", "{tmp}/o.csv"], "'ward'"),
        (["--input", "{csv}", "--column", "address", "--output", "{tmp}/o.xlsx"], ".xlsx"),
        (["--input", "{tmp}/old.txt", "--column", "address", "--output", "{tmp}/o.csv"], ".txt"),
        (["--input", "{csv}", "--output", "{tmp}/o.csv"], "--column"),
        (
            ["--input", "{csv}", "--column", "address", "--output", "{tmp}/o.csv", "--gazetteer", "{tmp}/nogaz.csv"],
            "nogaz.csv",
        ),
    ],
    ids=[
        "missing-file",
        "missing-column",
        "missing-ward-column",
        "bad-output-ext",
        "bad-input-ext",
        "no-column",
        "missing-gazetteer",
    ],
)
def test_resolve_errors_name_the_culprit(addresses_csv, tmp_path, args, expected):
    (tmp_path / "old.txt").write_text("address\nx\n")
    argv = [a.format(tmp=tmp_path, csv=addresses_csv) for a in args]
    proc = wardbridge_in_process("resolve", *argv)
    assert proc.returncode == 2  # usage mistakes: exit code 2
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "o.csv").exists()


def test_resolve_rejects_non_utf8_with_the_file_name(tmp_path):
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes("address\nPhường Bến Nghé\n".encode().replace("ư".encode(), b"\xf0"))  # a cp1258 byte
    out = str(tmp_path / "o.csv")  # declared UTF-8 (auto-detection would read it: tests/test_resolver.py)
    proc = wardbridge_in_process(
        "resolve", "--input", str(legacy), "--column", "address", "--encoding", "utf-8", "--output", out
    )
    assert proc.returncode == 1  # a data problem: exit code 1
    assert "legacy.csv" in proc.stderr and "UTF-8" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_resolve_refuses_a_list_column_as_address(tmp_path):
    source = tmp_path / "lists.parquet"
    pl.DataFrame({"id": ["1", "2"], "address": [[BEN_NGHE], [GO_VAP_12, BEN_NGHE]]}).write_parquet(source)
    out = tmp_path / "o.csv"
    proc = wardbridge_in_process("resolve", "--input", str(source), "--column", "address", "--output", str(out))
    assert proc.returncode == 2, proc.stderr
    assert "'address'" in proc.stderr and "list" in proc.stderr and "--column" in proc.stderr
    assert "Traceback" not in proc.stderr and "Nguyễn" not in proc.stderr  # no cell value in the message
    assert not out.exists()


def test_resolve_writes_nested_input_columns_to_csv(tmp_path):
    """List, nested-list, struct and bytes columns carried through from Parquet are written as text."""
    source = tmp_path / "nested.parquet"
    pl.DataFrame(
        {
            "address": [BEN_NGHE, GO_VAP_12],
            "tags": [["a", "b"], None],
            "grid": [[[1, 2], [3]], [[4]]],
            "meta": [{"k": 1}, {"k": None}],
            "blob": [b"\x01\xff", b""],
        }
    ).write_parquet(source)
    out = tmp_path / "o.csv"
    proc = wardbridge_in_process("resolve", "--input", str(source), "--column", "address", "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    result = pl.read_csv(out, infer_schema=False)
    assert result["tags"].to_list() == ["a;b", None]
    assert result["grid"].to_list() == ["[[1,2],[3]]", "[[4]]"]
    assert result["meta"].to_list() == ['{"k":1}', '{"k":null}']
    assert result["blob"].to_list() == ["01ff", ""]
    assert result["new_uid"].to_list() == ["2025:26740", "2025:26882"]


@pytest.mark.parametrize("spelling", ["same", "dotted", "symlink"])
def test_resolve_refuses_to_overwrite_its_input(addresses_csv, tmp_path, spelling):
    before = addresses_csv.read_bytes()
    output = {
        "same": addresses_csv,
        "dotted": tmp_path / "sub" / ".." / addresses_csv.name,
        "symlink": tmp_path / "link.csv",
    }[spelling]
    if spelling == "symlink":
        output.symlink_to(addresses_csv)
    proc = wardbridge_in_process(
        "resolve", "--input", str(addresses_csv), "--column", "address", "--output", str(output)
    )
    assert proc.returncode == 2, proc.stderr
    assert "refusing to overwrite" in proc.stderr and "--input" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert addresses_csv.read_bytes() == before


def test_match_refuses_outputs_that_overwrite_an_input(tmp_path):
    example = REPO / "docs" / "examples"
    data = tmp_path / "customers.csv"
    shutil.copy(example / "customers.csv", data)
    before = data.read_bytes()
    proc = wardbridge_in_process(
        "match", "--input", str(data), "--spec", str(example / "customers.toml"), "--output", str(data)
    )
    assert proc.returncode == 2 and "refusing to overwrite" in proc.stderr, proc.stderr
    # a companion file (<output>.pairs.csv) would overwrite the labels
    labels = tmp_path / "out.pairs.csv"
    labels.write_text("left_id,right_id\n")
    proc = wardbridge_in_process(
        "match", "--input", str(data), "--spec", str(example / "customers.toml"), "--output", str(tmp_path / "out.csv"),
        "--labels", str(labels),
    )  # fmt: skip
    assert proc.returncode == 2 and "--labels" in proc.stderr, proc.stderr
    assert data.read_bytes() == before and labels.read_text() == "left_id,right_id\n"
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("where", ["under-a-file", "proc"])
def test_unwritable_output_fails_before_any_work(addresses_csv, tmp_path, where):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    output = blocker / "out" / "new.csv" if where == "under-a-file" else Path("/proc/wardbridge-test/new.csv")
    run = wardbridge if where == "under-a-file" else wardbridge_in_process  # one real process's exit 2 is enough
    proc = run("resolve", "--input", str(addresses_csv), "--column", "address", "--output", str(output))
    assert proc.returncode == 2, proc.stderr
    assert "cannot" in proc.stderr and "--output" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert "resolved" not in proc.stderr  # refused before reading and resolving


@pytest.mark.parametrize("where", ["under-a-file", "proc"])
def test_synth_output_that_cannot_be_made_is_refused_before_any_work(tmp_path, where):
    """`synth --output` under a file (or where nothing can be written) is a usage mistake said on one line (exit 2),
    as resolve's and match's --output are; it was a NotADirectoryError traceback at the first write (exit 1)."""
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    output = blocker / "registries" if where == "under-a-file" else Path("/proc/wardbridge-test/registries")
    proc = wardbridge_in_process("synth", "--people", "100", "--quiet", "--output", str(output))
    assert proc.returncode == 2, proc.stderr
    assert "cannot" in proc.stderr and "--output" in proc.stderr, proc.stderr
    assert "people" not in proc.stdout  # refused before generating (the statistics start with the people made)
    assert blocker.read_text() == "x"


def test_catalogue_output_under_a_file_is_a_usage_mistake_naming_it(tmp_path):
    """`catalogue --output <a file>/cat.toml` said 'cannot write ...: File exists' (the folder's mkdir met the file),
    exit 1; now, as resolve's --output: exit 2, the file in the way named."""
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    manifest = REPO / "data" / "sample" / "registries" / "manifest.json"
    proc = wardbridge_in_process("catalogue", "--manifest", str(manifest), "--output", str(blocker / "cat.toml"))
    assert proc.returncode == 2, proc.stderr
    assert f"{blocker} is not a directory" in proc.stderr and "--output" in proc.stderr, proc.stderr
    assert blocker.read_text() == "x"


def test_data_problems_exit_with_1(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    proc = wardbridge("resolve", "--input", str(empty), "--column", "address", "--output", str(tmp_path / "o.csv"))
    assert proc.returncode == 1 and "empty" in proc.stderr, proc.stderr
    garbage = tmp_path / "garbage.parquet"
    garbage.write_bytes(b"not parquet at all")
    proc = wardbridge_in_process(  # the real process's exit 1 is the empty file's, above
        "resolve", "--input", str(garbage), "--column", "address", "--output", str(tmp_path / "o.csv")
    )
    assert proc.returncode == 1 and "garbage.parquet" in proc.stderr and "Traceback" not in proc.stderr


def test_reference_command_reports_counts_and_checks():
    proc = wardbridge_in_process("reference")
    assert proc.returncode == 0, proc.stderr
    assert "units_pre2025" in proc.stdout and "10040" in proc.stdout
    assert "vietnamadminunits 1.0.4" in proc.stdout and "vietnam-provinces 2025.10.1" in proc.stdout
    assert "1685/NQ-UBTVQH15" in proc.stdout
    assert "[ok] crosswalk: hcmc_invariants: passed" in proc.stdout
    assert "FAIL" not in proc.stdout


def test_run_executes_the_job_on_a_persistent_instance(sample_run, monkeypatch):
    import json
    import re

    # `wardbridge run --json` with a pseudonym key (exports run only with a key) on a fresh Dagster home holding
    # a run left STARTED by a killed `wardbridge run` (tests/runhelpers.py run_sample, shared read-only)
    home, warehouse, proc, stale = sample_run.home, sample_run.warehouse, sample_run.proc, sample_run.stale
    assert proc.returncode == 0, proc.stderr[-5000:]
    summary = json.loads(proc.stdout)  # --json: stdout is one JSON document and nothing else
    assert summary["success"] is True and summary["exit_code"] == 0
    assert "wardbridge run SUCCEEDED" in proc.stderr  # and the summary for people on stderr
    # readable: no Dagster console lines, no stack traces; one "ok" line per step
    assert " - dagster - " not in proc.stderr and "Traceback" not in proc.stderr
    assert re.search(r"^  ok      load_households\s+\d+\.\ds$", proc.stderr, re.M)
    assert str(warehouse / "wardbridge.duckdb") in proc.stderr
    assert (warehouse / "wardbridge.duckdb").is_file()
    for name in ("reference/crosswalk", "resolved/sample_addresses_resolved", "resolved/address_review_queue"):
        assert (warehouse / "parquet" / f"{name}.parquet").is_file()

    # The run is recorded in the instance's SQLite storage under <home>/.dagster, which is what
    # `DAGSTER_HOME=<home> dagster dev` (started in <home>) reads.
    assert (home / ".dagster" / "storage" / "history" / "runs.db").is_file()
    import dagster as dg

    from assets.definitions import defs

    optional = {"wardbridge_review", "wardbridge_report"} & {job.name for job in defs.jobs}
    monkeypatch.chdir(home)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_run_by_id(stale).status == dg.DagsterRunStatus.FAILURE
        assert f"marked run {stale} FAILURE" in proc.stderr and summary["marked_failed"] == [stale]
        records = [r for r in instance.get_run_records() if r.dagster_run.run_id != stale]
        jobs = {r.dagster_run.job_name: r.dagster_run for r in records}
        assert set(jobs) == {
            "wardbridge_main",
            "ingest_population",
            "ingest_households",
            "ingest_businesses",
            "ingest_tax",
            "wardbridge_entities",
            "wardbridge_marts",
            "wardbridge_exports",
            *optional,
        }
        # in the documented order: main, ingest_<registry>..., entities, review, marts, exports, report
        order = [r["job"] for r in summary["runs"]]
        assert order[0] == "wardbridge_main" and order[-1] == (
            "wardbridge_report" if optional else "wardbridge_exports"
        )
        assert order.index("wardbridge_entities") < order.index("wardbridge_marts") < order.index("wardbridge_exports")
        if "wardbridge_review" in optional:
            assert (
                order.index("wardbridge_entities") < order.index("wardbridge_review") < order.index("wardbridge_marts")
            )
        assert {run.status for run in jobs.values()} == {dg.DagsterRunStatus.SUCCESS}
        assert {r["job"]: r["run_id"] for r in summary["runs"]} == {name: run.run_id for name, run in jobs.items()}
        assert all(run.tags.get("wardbridge/launched_by") == "wardbridge run" for run in jobs.values())
        # each ingest run covers its registry's catalogue partitions
        assert jobs["ingest_tax"].tags.get("dagster/asset_partition_range_start", "").startswith("tax_")
        # the summary's check counts are the runs' check evaluations in the event log
        evaluations = [
            e.asset_check_evaluation
            for run in jobs.values()
            for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
        ]
        passed = sum(e.passed for e in evaluations)
    assert summary["checks"] == {"passed": passed, "failed": 0} and passed > 20
    assert f"Checks: {passed} passed, 0 failed" in proc.stderr
    for layer in ("raw", "staged", "quarantine"):
        assert list((warehouse / "parquet" / layer).rglob("data.parquet"))
    # rows per stage and registry: raw and staged as the Parquet partitions hold them, entities as published
    for registry, kind in (("households", "households"), ("tax", "taxpayers")):
        row = summary["rows"][registry]
        raw = pl.scan_parquet(warehouse / "parquet" / "raw" / f"raw_{registry}" / "*" / "data.parquet")
        staged = pl.scan_parquet(warehouse / "parquet" / "staged" / f"staged_{registry}" / "*" / "data.parquet")
        entities = pl.read_parquet(warehouse / "parquet" / "entities" / f"{kind}_entities.parquet")
        assert row["raw"] == raw.select(pl.len()).collect().item() > 0
        assert row["staged"] == staged.select(pl.len()).collect().item()
        assert row["entities"] == entities.height
        assert row["raw"] == row["merged"] + row["quarantined"] + row["under_review"]
    for name in ("people_entities", "households_lineage", "businesses_review", "registry_links"):
        assert (warehouse / "parquet" / "entities" / f"{name}.parquet").is_file()
    assert (warehouse / "analytics.duckdb").is_file() and (warehouse / "restricted.duckdb").is_file()
    assert summary["outputs"]["analytics"] == str(warehouse / "analytics.duckdb")
    assert Path(summary["outputs"]["data_docs"]["marts"]).is_file()
    for recipient in ("public_security", "finance_tax", "statistics", "home_affairs"):
        assert (warehouse / "exports" / recipient / "datapackage.json").is_file()
        assert summary["outputs"]["exports"][recipient] == str(warehouse / "exports" / recipient / "datapackage.json")
    if "wardbridge_report" in optional:
        assert summary["outputs"]["report"] == str(warehouse / "reports" / "latest.html")
        assert f"report     {warehouse / 'reports' / 'latest.html'}" in proc.stderr
    assert "ministry exports skipped" not in proc.stderr


def test_run_fails_with_non_zero_exit(tmp_path):
    """A warehouse whose Parquet folder cannot be a directory makes the jobs fail; --quiet prints only the errors,
    once each. (A warehouse folder that cannot be made stops before any run: test_run_warehouse_unwritable.)
    The catalogue is the bundled one cut to its first extract: three failing runs (wardbridge_main, one ingest,
    wardbridge_entities with two failed steps) and the rest skipped, instead of six failing runs."""
    import re

    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    warehouse = tmp_path / "wh"
    warehouse.mkdir()
    (warehouse / "parquet").write_text("a file where the warehouse's parquet directory should be")
    head, first, *_ = re.split(r"(?m)^(?=\[\[source\]\][ \t]*$)", (REPO / "mappings/sources/sample.toml").read_text())
    catalogue = tmp_path / "one.toml"
    catalogue.write_text(head + first, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DAGSTER_", "WARDBRIDGE_"))}
    proc = wardbridge(
        "run", "--dagster-home", str(home), "--warehouse", str(warehouse), "--catalogue", str(catalogue), "--quiet",
        env=env, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("wardbridge run FAILED")
    problems = [line for line in lines if line.startswith("  FAILED ")]
    assert any(line.startswith("  FAILED step reference_tables: ") for line in problems)
    assert len(problems) >= 4  # every failed step of the three failed runs: main, the ingest, two of the entities'
    assert len(problems) == len(set(problems))  # no error printed twice
    assert "Traceback" not in proc.stderr and " - dagster - " not in proc.stderr
    assert not any(line.startswith(("[1/", "  ok ")) for line in lines)  # quiet: no progress
    assert "Dagster event log" in proc.stderr  # where the full error is


def test_run_progress_and_summary_of_a_failed_extract(tmp_path, monkeypatch, capsys):
    """Broken extracts: one progress line for the step, then exactly one summary line per failed extract naming
    its file, no stack trace, the step's own failure (which repeats them) not printed again."""
    import dagster as dg

    from assets.progress import PROGRESS_LOGGER, RunSummary

    broken = REPO / "mappings" / "sources" / "broken" / "sample_broken.toml"
    monkeypatch.setenv("WARDBRIDGE_CATALOGUE", str(broken))
    from assets.ingest import catalogue_keys

    keys = catalogue_keys("households")
    job = dg.build_reconstructable_job("assets.definitions", "ingest_job", reconstructable_args=("households",))
    run_config = {
        "resources": {"warehouse": {"config": {"path": str(tmp_path / "wh")}}},
        "loggers": {PROGRESS_LOGGER: {"config": {"log_level": "WARNING", "quiet": False}}},
    }
    tags = {"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]}
    summary = RunSummary(warehouse=tmp_path / "wh", home=tmp_path)
    (tmp_path / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "home")) as instance:
        with dg.execute_job(job, instance=instance, run_config=run_config, tags=tags) as result:
            assert not result.success
            summary.add("ingest_households", result, 1.0)
    progress = capsys.readouterr()
    assert progress.out == ""
    assert progress.err.splitlines() == ["  FAILED  load_households                     (why: in the summary below)"]
    text = "\n".join(summary.lines())
    problems = [line for line in text.splitlines() if line.startswith("  FAILED ")]
    assert len(problems) == len(keys) == 2
    for key in keys:
        (line,) = [p for p in problems if key in p]
        assert "extracts_readable" in line and f"bad/{key.split('@')[0]}.csv" in line
    assert "load_households" not in text  # the step failure (IngestFailed) repeats the extracts: left out
    assert "Traceback" not in text and "Checks: 1 passed, 1 failed" in text
    assert summary.as_dict()["exit_code"] == 1 and summary.as_dict()["rows"]["households"]["raw"] == 0


# --------------------------------------------------------------------------- engine / Dagster layer


_MODULE_AS_MAIN = """
import runpy, sys
for command in sys.argv[1:]:
    sys.argv = ["pipelines/cli.py", command, "--help"]
    print(f"=== {command}", flush=True)
    try:  # as `python -m pipelines.cli COMMAND --help` runs it: the module's code with __name__ == "__main__"
        runpy.run_module("pipelines.cli", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        print(f"=== exit {exc.code}", flush=True)
import assets.cli
print(f"=== heavy {sorted(m for m in ('pipelines.warehouse', 'dagster', 'duckdb', 'pyarrow') if m in sys.modules)}")
from pipelines.warehouse import WAREHOUSE_ENV
try:
    assets.cli.main(["run", "--help"])
except SystemExit as exc:
    print(f"=== run exit {exc.code} names ${WAREHOUSE_ENV}", flush=True)
"""


def test_python_m_pipelines_cli_offers_every_engine_command():
    """`python -m pipelines.cli synth` used to fail: the __main__ guard sat above the synth command. The module is
    run as ``python -m`` runs it (runpy, ``__name__ == "__main__"``) once a command in one child process, not one
    interpreter a command (~0.5 CPU s each). The same child then imports the installed script's module
    (assets/cli.py): the engine commands start without pipelines.warehouse (DuckDB, PyArrow) or Dagster, which only
    ``run`` imports, and ``run --help`` still names the warehouse's variable (written out in its help text)."""
    commands = ("resolve", "match", "reference", "synth", "run")
    proc = subprocess.run(
        [sys.executable, "-c", _MODULE_AS_MAIN, *commands], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    runs = proc.stdout.split("=== heavy")[0].split("=== ")[1:]
    assert [r.split()[0] for r in runs[0::2]] == list(commands), proc.stdout
    for command, (start, end) in zip(commands, zip(runs[0::2], runs[1::2], strict=True), strict=True):
        if command == "run":  # run is the Dagster layer's command
            assert end.split() == ["exit", "2"], proc.stdout
        else:
            assert "Usage:" in start and end.split() == ["exit", "0"], (command, start, end)
    heavy, _, run_help = proc.stdout.split("=== heavy")[1].partition("\n")
    assert heavy.strip() == "[]", heavy
    run_help, _, run_exit = run_help.partition("=== run exit")
    assert run_exit.split() == ["0", "names", "$WARDBRIDGE_WAREHOUSE"], run_exit
    assert "$WARDBRIDGE_WAREHOUSE" in " ".join(run_help.split()), run_help


def test_installed_script_offers_every_command_including_run():
    proc = wardbridge("--help")
    assert proc.returncode == 0, proc.stderr
    commands = proc.stdout.split("Commands:")[1].split()
    for command in ("resolve", "match", "reference", "synth", "run"):
        assert command in commands


def test_no_engine_module_imports_dagster():
    """Import every module under pipelines/ in a fresh interpreter: Dagster must not be loaded."""
    script = (
        "import importlib, pkgutil, sys, pipelines\n"
        "names = [m.name for m in pkgutil.walk_packages(pipelines.__path__, 'pipelines.')]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "    assert 'dagster' not in sys.modules, name\n"
        "print(len(names))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert int(proc.stdout) > 20  # every module was imported, the check is not vacuous


_SLEEPY_RUN = """
import sys, time
import dagster as dg
from assets.cli import _launch_tags

@dg.op
def sleepy():
    time.sleep(120)

@dg.job
def sleepy_job():
    sleepy()

with dg.DagsterInstance.from_config(sys.argv[1]) as instance:
    sleepy_job.execute_in_process(instance=instance, tags=_launch_tags())
"""


def test_runs_left_started_by_a_killed_process_are_marked_failed(tmp_path, monkeypatch):
    import signal

    import dagster as dg

    from assets.cli import LAUNCHED_BY, PID_TAG, _launch_tags, fail_dead_runs

    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.chdir(home)  # dagster.yaml paths are relative to the instance directory
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAGSTER_")}
    child = subprocess.Popen([sys.executable, "-c", _SLEEPY_RUN, str(home)], cwd=home, env=env)
    try:
        with dg.DagsterInstance.from_config(str(home)) as instance:
            deadline = time.monotonic() + 120
            records = []
            while time.monotonic() < deadline and not records:
                records = instance.get_run_records(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
                time.sleep(0.5)
            assert records, "the child's run never started"
            killed = records[0].dagster_run
            assert killed.tags[PID_TAG] == str(child.pid)
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
            assert instance.get_run_by_id(killed.run_id).status == dg.DagsterRunStatus.STARTED  # stuck

            @dg.op
            def noop():
                pass

            @dg.job
            def other_job():
                noop()

            alive = instance.create_run_for_job(other_job, status=dg.DagsterRunStatus.STARTED, tags=_launch_tags())
            foreign = instance.create_run_for_job(
                other_job, status=dg.DagsterRunStatus.STARTED, tags={**LAUNCHED_BY, PID_TAG: str(child.pid)}
            )  # no host tag: not ours to judge

            assert fail_dead_runs(instance) == [killed.run_id]
            assert instance.get_run_by_id(killed.run_id).status == dg.DagsterRunStatus.FAILURE
            assert instance.get_run_by_id(alive.run_id).status == dg.DagsterRunStatus.STARTED
            assert instance.get_run_by_id(foreign.run_id).status == dg.DagsterRunStatus.STARTED
            assert fail_dead_runs(instance) == []
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_catalogue_from_a_synth_manifest_loads_and_matches_the_sample(tmp_path, monkeypatch):
    import tomllib

    monkeypatch.chdir(tmp_path)
    out = tmp_path / "cat.toml"
    manifest = REPO / "data" / "sample" / "registries" / "manifest.json"
    proc = wardbridge_in_process("catalogue", "--manifest", str(manifest), "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    written = tomllib.loads(out.read_text(encoding="utf-8"))
    sample = tomllib.loads((REPO / "mappings" / "sources" / "sample.toml").read_text(encoding="utf-8"))
    assert f"{len(sample['source'])} sources" in proc.stderr and "wardbridge run --catalogue" in proc.stderr
    assert written["source"] == sample["source"]
    assert Path(written["base_dir"]) == Path(sample["base_dir"])
    bad = wardbridge_in_process("catalogue", "--manifest", str(out))  # a TOML is no manifest
    assert bad.returncode == 1 and "not a manifest" in bad.stderr

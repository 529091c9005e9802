"""Mends from a fresh user's review: what a first run says and writes (each test fails without its mend)."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue, url_problems
from pipelines.ingest.readers import SourceReadError, read_extract
from pipelines.report.history import run_measures
from pipelines.report.inputs import WARD_MEASURES, Gates, ReportInputs

REPO = Path(__file__).resolve().parents[1]
WARDBRIDGE = Path(sys.executable).parent / "wardbridge"
SECRET = "s3cr3t-value-never-shown"


def _sql_catalogue(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "sql.toml"
    path.write_text(
        f"""base_dir = "{tmp_path}"
[[source]]
id = "pop_sql"
registry = "population"
format = "sql"
url = "{url}"
table = "population"
extract_date = "2025-08-31"
[source.columns]
ho_ten = "full_name"
ngay_sinh = "date_of_birth"
dia_chi = "address"
""",
        encoding="utf-8",
    )
    return path


# --------------------------------------------------------------------------- 1. SQL URL variables


def test_unset_url_variable_is_named_in_the_read_error(tmp_path, monkeypatch):
    monkeypatch.delenv("WB_TEST_NOPE_HOST", raising=False)
    monkeypatch.setenv("WB_TEST_PW", SECRET)
    catalogue = _sql_catalogue(tmp_path, "postgresql+psycopg://u:${WB_TEST_PW}@${WB_TEST_NOPE_HOST}/db")
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    with pytest.raises(SourceReadError) as err:
        read_extract(extract)
    text = str(err.value)
    assert "WB_TEST_NOPE_HOST" in text and "not set" in text and "pop_sql" in text
    assert SECRET not in text and "WB_TEST_PW" not in text  # only the unset variable, never a value


def test_url_problems_before_a_run_name_variables_never_values(tmp_path):
    catalogue = _sql_catalogue(tmp_path, "postgresql+psycopg://u:${WB_PW}@h:${WB_PORT}/db")
    sources = load_catalogue([catalogue])
    (missing,) = url_problems(sources, {"WB_PW": SECRET})
    assert missing.startswith(f"{catalogue}: ") and "WB_PORT" in missing and "not set" in missing
    (port,) = url_problems(sources, {"WB_PW": SECRET, "WB_PORT": SECRET})  # a password typed into the port
    assert "source 'pop_sql'" in port and "port (from WB_PORT) is not a number" in port and SECRET not in port
    assert url_problems(sources, {"WB_PW": SECRET, "WB_PORT": "5432"}) == []


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DAGSTER_", "WARDBRIDGE_", "WB_TEST_"))}
    return {**env, **extra}


@pytest.fixture(scope="module")
def unset_variable_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """One real `wardbridge run` on a catalogue whose SQL URL names an unset variable (and a set secret one),
    with `--log-level Info` spelled in mixed case: the two tests below read it (one process, not two of the same
    options and catalogue; each was ~2.3 s of a -n 0 run)."""
    tmp_path = tmp_path_factory.mktemp("unset_variable")
    catalogue = _sql_catalogue(tmp_path, "postgresql+psycopg://u:${WB_TEST_PW}@${WB_TEST_NOPE_HOST}/db")
    proc = subprocess.run(
        [str(WARDBRIDGE), "run", "--dagster-home", str(tmp_path / "home"), "--warehouse", str(tmp_path / "wh")]
        + ["--catalogue", str(catalogue), "--log-level", "Info"],
        env=_env(WB_TEST_PW=SECRET),
        capture_output=True,
        text=True,
        timeout=300,
    )
    return tmp_path, proc


def test_run_stops_before_any_job_when_a_sql_variable_is_unset(unset_variable_run):
    tmp_path, proc = unset_variable_run
    home, warehouse = tmp_path / "home", tmp_path / "wh"
    assert proc.returncode == 3, proc.stderr[-3000:]
    assert "nothing ran" in proc.stderr and "WB_TEST_NOPE_HOST" in proc.stderr and "pop_sql" in proc.stderr
    assert SECRET not in proc.stderr + proc.stdout
    assert "[1/" not in proc.stderr and not warehouse.exists()  # no job started
    assert not (home / "history").exists()  # refused before the Dagster instance (its run storage) was made


def test_run_log_level_is_read_in_any_case(tmp_path, unset_variable_run):
    """`--log-level debug` was refused ('Invalid value for --log-level'): the level names are read in any case.
    Each spelling parsed as `wardbridge run` parses its options (click's context of the command, in this process:
    the command is not invoked, so nothing of it reaches the tests run after this one), then one real process: `run`
    sets $WARDBRIDGE_CATALOGUE and $DAGSTER_HOME and changes directory, which in the test's own process would reach
    the tests run after it. (Three real processes before: 16.8 s of a full run, the options read alike in each.)
    The real process is the module's ``unset_variable_run`` (`--log-level Info`), shared with the test above."""
    from assets.cli import run

    catalogue = _sql_catalogue(tmp_path, "postgresql+psycopg://u@${WB_TEST_NOPE_HOST}/db")
    args = ["--dagster-home", str(tmp_path / "home"), "--warehouse", str(tmp_path / "wh")]
    args += ["--catalogue", str(catalogue)]
    for level in ("debug", "Info", "WARNING"):
        with run.make_context("run", [*args, "--log-level", level]) as ctx:
            assert ctx.params["log_level"] == level.upper()
    assert not (tmp_path / "home").exists() and not (tmp_path / "wh").exists()  # parsed only
    _, proc = unset_variable_run
    assert proc.returncode == 3, proc.stderr[-2000:]  # got past the options to the catalogue's unset variable
    assert "nothing ran" in proc.stderr and "WB_TEST_NOPE_HOST" in proc.stderr


# --------------------------------------------------------------------------- 2. the report's open items


def _inputs(queue: pl.DataFrame, totals: pl.DataFrame | None) -> ReportInputs:
    wards = pl.DataFrame({"new_uid": ["2025:27154"], **{m: [0] for m in WARD_MEASURES}})
    accounting = pl.DataFrame({m: [0] for m in ("raw", "merged", "quarantined", "under_review")})
    duplicates = pl.DataFrame(schema={"kind": pl.String, "records": pl.Int64, "entities": pl.Int64})
    return ReportInputs(wards, pl.DataFrame(), pl.DataFrame(), accounting, duplicates, Gates(None), queue, None, totals)


def test_trend_open_items_equal_the_per_kind_table():
    """The trend's city-wide "open items" is the open column of the per-kind table (queue_totals, each item once),
    not the per-ward rows without the items that have only candidate wards."""
    queue = pl.DataFrame(
        {
            "new_uid": ["2025:27154", "2025:27139", "2025:27154", None],
            "kind": ["split_unit", "split_unit", "match_pair", "unresolved_address"],
            "open_items": [3, 3, 2, 4],  # 3 split items with two candidate wards each
            "records_blocked": [9, 9, 4, 4],
            "closed_items": [0, 0, 0, 0],
            "candidate": [True, True, False, False],
        }
    )
    totals = pl.DataFrame(
        {"kind": ["split_unit", "match_pair", "unresolved_address"], "open_items": [3, 2, 4]}
    ).with_columns(records_blocked=pl.lit(1), closed_items=pl.lit(0))
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    def city(inputs: ReportInputs) -> int:
        rows = run_measures(inputs, "r1", now)
        return rows.filter(pl.col("new_uid").is_null() & (pl.col("measure") == "open_review"))["value"].item()

    assert city(_inputs(queue, totals)) == 9 == totals["open_items"].sum()
    assert city(_inputs(queue, None)) == 6  # an older queue without totals: items with a ward or none


# --------------------------------------------------------------------------- 4. the pseudonym key


def test_run_refuses_a_short_pseudonym_key_before_anything_runs(tmp_path):
    home, warehouse, key = tmp_path / "home", tmp_path / "wh", "shortkey-7f3a"
    proc = subprocess.run(
        [str(WARDBRIDGE), "run", "--dagster-home", str(home), "--warehouse", str(warehouse)],
        env=_env(WARDBRIDGE_PSEUDONYM_KEY=key),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert "$WARDBRIDGE_PSEUDONYM_KEY is shorter than 16 bytes" in proc.stderr
    assert key not in proc.stderr + proc.stdout
    assert not home.exists() and not warehouse.exists()  # nothing started


# --------------------------------------------------------------------------- 3. the decisions folder


def test_default_decisions_folder_is_created_private_and_an_open_one_is_warned_about(tmp_path, monkeypatch, caplog):
    import logging

    from pipelines.review import decisions as dec

    default = tmp_path / "decisions"
    monkeypatch.setattr(dec, "DEFAULT_DECISIONS_DIR", default)
    old = os.umask(0o022)
    try:
        assert dec.ensure_default_decisions_dir(default) is True
        assert dec.ensure_default_decisions_dir(default) is False  # there already
        other = tmp_path / "typo"
        assert dec.ensure_default_decisions_dir(other) is False and not other.exists()  # only the default is made
    finally:
        os.umask(old)
    assert default.stat().st_mode & 0o777 == 0o700
    assert dec.open_to_others(default) is None and dec.open_to_others(tmp_path / "none") is None
    default.chmod(0o755)
    message = dec.open_to_others(default)
    assert "0755" in message and f"chmod 700 {default}" in message
    with caplog.at_level(logging.INFO, logger="wardbridge.review"):
        dec.load_decisions(default, ward_codes=set(), items=None, today=dt.date(2026, 1, 1))
    texts = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert (logging.WARNING, message) in texts
    assert (logging.INFO, f"decisions: 0 file(s) read from {default}") in texts


def test_run_names_the_decisions_folder_it_reads(tmp_path, monkeypatch):
    from assets import cli
    from pipelines.review import decisions as dec

    monkeypatch.setattr(dec, "DEFAULT_DECISIONS_DIR", tmp_path / "decisions")
    monkeypatch.delenv("WARDBRIDGE_DECISIONS_DIR", raising=False)
    line = cli._decisions_line()
    assert f"read from {tmp_path / 'decisions'} (created, mode 0700; " in line
    assert "whatever the warehouse" in line and "$WARDBRIDGE_DECISIONS_DIR" in line
    monkeypatch.setenv("WARDBRIDGE_DECISIONS_DIR", str(tmp_path / "elsewhere"))
    line = cli._decisions_line()
    assert f"read from {tmp_path / 'elsewhere'} (no such folder: none read; $WARDBRIDGE_DECISIONS_DIR)" in line
    assert not (tmp_path / "elsewhere").exists()


def test_a_decisions_folder_that_cannot_be_created_is_said_not_raised(tmp_path, monkeypatch):
    """A checkout the account cannot write (here: decisions/ under a file, which mkdir refuses even as root):
    the run's first line says so and reads none; before, mkdir's error escaped wardbridge run as a traceback."""
    from assets import cli
    from pipelines.review import decisions as dec

    (tmp_path / "checkout").write_text("a file, not a folder")
    monkeypatch.setattr(dec, "DEFAULT_DECISIONS_DIR", tmp_path / "checkout" / "decisions")
    monkeypatch.delenv("WARDBRIDGE_DECISIONS_DIR", raising=False)
    line = cli._decisions_line()
    assert "(could not be created: Not a directory; no such folder: none read; " in line


def test_summary_says_which_decisions_folder_the_run_read(tmp_path):
    import dagster as dg

    from tests.summaryhelpers import decisions_summary

    meta = {
        "decisions_dir": dg.MetadataValue.path(str(tmp_path / "decisions")),
        "files": dg.MetadataValue.int(2),
        "rows_valid": dg.MetadataValue.int(5),
        "rows_rejected": dg.MetadataValue.int(1),
        "rows_in_conflict": dg.MetadataValue.int(2),
    }
    summary = decisions_summary(tmp_path, meta)
    text = "\n".join(summary.lines())
    assert f"Decisions: 2 file(s) read from {tmp_path / 'decisions'}: 6 row(s), 3 applied, 3 not applied" in text
    assert summary.as_dict()["outputs"]["decisions"]["folder"] == str(tmp_path / "decisions")


# --------------------------------------------------------------------------- 13. the "Next:" hints


def test_next_hints_are_commands_that_work_after_the_readme_install(tmp_path):
    """The summary's query hints run with what `uv sync` installs (DuckDB's Python package), not the duckdb CLI."""
    import duckdb

    from assets.progress import RunSummary

    warehouse = tmp_path / "my wh"  # a space in the path: the hint is quoted for the shell
    warehouse.mkdir()
    with duckdb.connect(str(warehouse / "wardbridge.duckdb")) as con:
        con.execute("CREATE SCHEMA review; CREATE TABLE review.queue_totals AS SELECT 'split_unit' AS kind, 7 AS n")
    summary = RunSummary(warehouse=warehouse, home=tmp_path)
    lines = summary.lines()
    (at,) = [i for i, line in enumerate(lines) if line.startswith("  review queues: ")]
    assert "`uv sync` does not" in lines[at]  # the duckdb CLI is named as a separate install
    command = lines[at + 1].strip()
    assert command.startswith(
        f"uv run --project {shlex.quote(str(REPO))} python -c "
    )  # the project named: works outside it too
    done = subprocess.run(["bash", "-c", command], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "split_unit" in done.stdout


# --------------------------------------------------------------------------- 6. Dagster's own lines


def test_an_instance_without_dagster_yaml_prints_no_dagster_banner(tmp_path, monkeypatch, capfd):
    """A --dagster-home without dagster.yaml: no telemetry/welcome banner, no second 'no dagster.yaml' message
    amid wardbridge's lines (wardbridge's own note says it); telemetry off as in the repository's dagster.yaml."""
    import dagster as dg

    from assets.cli import dagster_instance

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.chdir(home)
    for name in ("CI", "GITHUB_ACTIONS", "BUILDKITE"):  # Dagster keeps the banner quiet on known CI systems
        monkeypatch.delenv(name, raising=False)

    @dg.asset
    def one() -> int:
        return 1

    with dagster_instance(home) as instance:
        assert instance.telemetry_enabled is False
        assert dg.materialize([one], instance=instance).success
    err = capfd.readouterr().err
    assert "Telemetry" not in err and "Welcome to Dagster" not in err
    assert "No dagster instance configuration file" not in err


def test_an_instance_without_dagster_yaml_routes_the_engines_warnings_as_the_repositorys_does(
    tmp_path, monkeypatch, capfd
):
    """A --dagster-home without dagster.yaml takes the repository's ``python_logs`` too: a step's wardbridge.* warning
    goes to the run's event log (so `wardbridge run` prints it as a 'warning <step>:' line, and --quiet silences it),
    not as a bare line on stderr from Python's last-resort handler, outside the event log (HD1, session 62: a
    decisions folder's 'mode 0755' warning printed bare under `wardbridge run -q --dagster-home <empty folder>`)."""
    import logging

    import dagster as dg
    import yaml

    from assets.cli import dagster_instance

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.chdir(home)
    repository = yaml.safe_load((REPO / "dagster.yaml").read_text(encoding="utf-8"))["python_logs"]
    message = "hd1 engine warning routed to the event log"

    @dg.asset
    def warns() -> int:
        logging.getLogger("wardbridge.test_fresh_user_mends").warning(message)
        return 1

    with dagster_instance(home) as instance:
        assert instance.get_settings("python_logs") == repository
        result = dg.materialize([warns], instance=instance)
        assert result.success
        logged = [e.user_message for e in instance.all_logs(result.run_id)]
    assert any(message in m for m in logged)
    assert message not in capfd.readouterr().err.splitlines()  # no bare line (Dagster's own console lines may hold it)


# --------------------------------------------------------------------------- 10. messages people can act on


def _csv_source(tmp_path: Path, text: str, header_row: int | None = None, fmt: str = "csv", name: str = "p.csv"):
    if fmt == "csv":
        (tmp_path / name).write_text(text, encoding="utf-8")
    catalogue = tmp_path / "c.toml"
    catalogue.write_text(
        f"""base_dir = "{tmp_path}"
[[source]]
id = "pop"
registry = "population"
format = "{fmt}"
path = "{name}"
extract_date = "2025-08-31"
{"" if header_row is None else f"header_row = {header_row}"}
[source.columns]
ho_ten = "full_name"
dia_chi = "address"
ngay_sinh = "date_of_birth"
""",
        encoding="utf-8",
    )
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    return extract


def test_header_place_is_counted_from_one(tmp_path):
    title = "Danh sách trích xuất\n"
    extract = _csv_source(tmp_path, title + "ho_ten,dia_chi,ngay_sinh\nA,B,C\n", header_row=1)
    assert read_extract(extract).header_at == "line 2"
    extract = _csv_source(
        tmp_path, "\n\nho_ten,dia_chi,ngay_sinh\nA,B,C\n"
    )  # blank lines before the header are skipped
    assert read_extract(extract).header_at == "line 3"
    extract = _csv_source(tmp_path, "ho_ten,dia_chi,ngay_sinh\nA,B,C\n", header_row=5)
    with pytest.raises(SourceReadError, match=r"no header at line 6 \(catalogue header_row 5, counted from 0\)"):
        read_extract(extract)


def test_xlsx_header_place_names_the_sheet_row(tmp_path):
    pl.DataFrame(
        {
            "a": ["Danh sách", None, "ho_ten", "A"],
            "b": [None, None, "dia_chi", "B"],
            "c": [None, None, "ngay_sinh", "C"],
        }
    ).write_excel(tmp_path / "p.xlsx", worksheet="Data", include_header=False)
    extract = _csv_source(tmp_path, "", fmt="xlsx", name="p.xlsx")
    assert read_extract(extract).header_at == "sheet 'Data' row 3"


def test_a_decision_the_kind_does_not_take_names_the_kind_and_its_decisions(tmp_path):
    from pipelines.review.decisions import load_decisions

    items = pl.DataFrame(
        {"item_id": ["ua-0123456789abcdef"], "kind": ["unresolved_address"], "candidates": [[]], "name_key": [None]},
        schema_overrides={"candidates": pl.List(pl.String), "name_key": pl.String},
    )
    (tmp_path / "d.csv").write_text(
        "item_id,decision,reviewer,decided_on,note,new_ward_code\n"
        "ua-0123456789abcdef,match,A,2026-01-01,,\n"
        "ua-0123456789abcdef,approve,A,2026-01-01,,\n",
        encoding="utf-8",
    )
    loaded = load_decisions(tmp_path, ward_codes=set(), items=items, today=dt.date(2026, 1, 2))
    causes = dict(loaded.errors.select("source_row", "cause").rows())
    assert causes[2] == "not a decision for kind unresolved_address (it takes place, dismiss, reverse)"
    assert causes[3] == "not a decision (kind unresolved_address takes place, dismiss, reverse)"
    assert "approve" not in causes[3]  # never the cell's value


# --------------------------------------------------------------------------- 11. docs/tables.md types


def test_table_docs_spell_every_type_as_duckdb_does():
    """One spelling: DuckDB's (DESCRIBE), not a mix of Polars names (UInt8, List(text), datetime(...)) and
    hand-mapped ones ('Uint' for UInt32)."""
    import duckdb

    from pipelines.docs import DOC_PATH

    text = DOC_PATH.read_text(encoding="utf-8")
    types = {line.split("|")[2].strip() for line in text.splitlines() if line.startswith("| `")}
    with duckdb.connect() as con:
        for name in types:  # each is a type name DuckDB itself writes back unchanged
            assert str(con.sql(f"SELECT NULL::{name} AS x").types[0]) == name
    assert {"VARCHAR", "BIGINT", "UINTEGER", "VARCHAR[]", "TIMESTAMP WITH TIME ZONE"} <= types

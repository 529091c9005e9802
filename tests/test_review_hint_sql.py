"""`wardbridge run`'s 'review queues' hints open wardbridge.duckdb so that its views read from any working
directory: the raw/staged/quarantine views (and review.*_flagged over them) name their Parquet files relative to
the warehouse folder, so a session needs ``file_search_path`` set to it (or to start in the folder). Each hinted
command is taken apart and its settings applied with DuckDB's Python API from another directory, on a copy of the
bundled sample's warehouse; every view is read."""

from __future__ import annotations

import ast
import shlex
import shutil
from pathlib import Path

import duckdb
import pytest

from assets.progress import RunSummary
from tests.marts_fixture import sample_marts


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    source, _ = sample_marts(tmp_path_factory.getbasetemp())
    root = tmp_path_factory.mktemp("hint") / "my warehouse"  # a space in the path: the hints quote it
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("exports", "marts"))
    return root


@pytest.fixture
def elsewhere(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)  # not the warehouse folder: relative view paths resolve only through the setting
    return tmp_path


def _hints(root: Path) -> tuple[str, str]:
    """(the DuckDB CLI command, the `uv run python -c` command) of the summary's 'review queues' lines."""
    lines = RunSummary(warehouse=root, home=root.parent).lines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  review queues: "))
    cli = lines[at].removeprefix("  review queues: ").split(" if you installed the DuckDB CLI")[0]
    return cli, lines[at + 1].strip()


def _read_every_view(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    views = con.sql("SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal").fetchall()
    assert len(views) >= 12  # raw, staged and quarantine views of the four registries
    return {f"{s}.{v}": con.sql(f'SELECT count(*) FROM "{s}"."{v}"').fetchone()[0] for s, v in views}


def test_the_views_need_the_setting_from_another_folder(warehouse, elsewhere):
    """The premise: without file_search_path a view fails outside the warehouse folder."""
    with duckdb.connect(str(warehouse / "wardbridge.duckdb"), read_only=True) as con:
        with pytest.raises(duckdb.IOException, match="No files found"):
            _read_every_view(con)


def test_the_python_hint_reads_every_view_from_another_folder(warehouse, elsewhere):
    _, python = _hints(warehouse)
    argv = shlex.split(python)
    assert argv[:6] == ["uv", "run", "--project", str(Path(__file__).resolve().parents[1]), "python", "-c"]  # HV17
    (connect,) = [
        node
        for node in ast.walk(ast.parse(argv[6]))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "connect"
    ]
    args = [ast.literal_eval(a) for a in connect.args]
    kwargs = {k.arg: ast.literal_eval(k.value) for k in connect.keywords}
    assert kwargs["read_only"] is True
    with duckdb.connect(*args, **kwargs) as con:
        assert sum(_read_every_view(con).values()) > 0


def test_the_duckdb_cli_hint_reads_every_view_from_another_folder(warehouse, elsewhere):
    cli, _ = _hints(warehouse)
    argv = shlex.split(cli)
    assert argv[0] == "duckdb" and "-readonly" in argv
    database = argv[-1]
    commands = [argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == "-cmd"]  # run before the session
    with duckdb.connect(database, read_only=True) as con:
        for command in commands:
            con.execute(command)
        assert sum(_read_every_view(con).values()) > 0

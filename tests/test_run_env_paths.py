"""`wardbridge run` changes into the Dagster home before the definitions read ``$WARDBRIDGE_CATALOGUE``, so a relative
path there was looked for in the home: `WARDBRIDGE_CATALOGUE=mine.toml wardbridge run --dagster-home /x` stopped with
'nothing ran: FileNotFoundError: ... mine.toml', while `--catalogue mine.toml` worked (its paths were resolved before
the chdir). The same held for a relative ``$WARDBRIDGE_DECISIONS_DIR`` or ``$WARDBRIDGE_LANDING``. Now relative paths
in them are the caller's, as --catalogue's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from assets.cli import resolve_env_paths
from tests.test_fresh_user_mends import _env, _sql_catalogue

WARDBRIDGE = Path(sys.executable).parent / "wardbridge"


def test_relative_paths_are_the_callers(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {
        "WARDBRIDGE_CATALOGUE": f"a.toml{os.pathsep}/abs/b.toml{os.pathsep}",
        "WARDBRIDGE_DECISIONS_DIR": "dec",
        "WARDBRIDGE_LANDING": " ",
        "OTHER": "x",
    }
    resolve_env_paths(env)
    assert env == {
        "WARDBRIDGE_CATALOGUE": f"{tmp_path / 'a.toml'}{os.pathsep}/abs/b.toml",
        "WARDBRIDGE_DECISIONS_DIR": str(tmp_path / "dec"),
        "WARDBRIDGE_LANDING": " ",  # blank: unset, left alone
        "OTHER": "x",
    }


def test_a_relative_catalogue_in_the_environment_is_read_from_the_callers_folder(tmp_path):
    catalogue = _sql_catalogue(tmp_path, "postgresql+psycopg://u:${WB_TEST_PW}@${WB_TEST_NOPE_HOST}/db")
    proc = subprocess.run(
        [str(WARDBRIDGE), "run", "--dagster-home", str(tmp_path / "home"), "--warehouse", str(tmp_path / "wh")],
        env=_env(WB_TEST_PW="pw-value", WARDBRIDGE_CATALOGUE=catalogue.name),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 3, proc.stderr[-3000:]
    out = proc.stdout + proc.stderr
    assert "FileNotFoundError" not in out, out[-2000:]  # was: the catalogue looked for in the Dagster home
    assert "WB_TEST_NOPE_HOST" in out and "not set" in out, out[-2000:]  # the catalogue was read: its URL checked


def test_a_catalogue_path_holding_the_path_separator_is_refused_naming_it(tmp_path):
    """`--catalogue 'cat 10:30.toml'` (a file click found) was passed on in $WARDBRIDGE_CATALOGUE, which separates files
    by os.pathsep, and cut in two: 'nothing ran: FileNotFoundError: .../cat 10' (exit 3). Now a usage error naming
    it (exit 2), before anything runs."""
    catalogue = _sql_catalogue(tmp_path, "postgresql+psycopg://u:${WB_TEST_PW}@${WB_TEST_NOPE_HOST}/db")
    odd = tmp_path / f"cat 10{os.pathsep}30.toml"
    odd.write_text(catalogue.read_text(encoding="utf-8"), encoding="utf-8")
    proc = subprocess.run(
        [str(WARDBRIDGE), "run", "--dagster-home", str(tmp_path / "home"), "--warehouse", str(tmp_path / "wh")]
        + ["--catalogue", str(odd)],
        env=_env(WB_TEST_PW="pw-value"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2, out[-2000:]
    assert "FileNotFoundError" not in out and f"cat 10{os.pathsep}30.toml" in out and "rename" in out, out[-2000:]

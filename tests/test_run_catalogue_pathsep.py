"""`wardbridge run --catalogue` passes its files on in $WARDBRIDGE_CATALOGUE, separated by os.pathsep (39d32ea refuses
a path holding one). The check looked at the path as typed, and the paths were then resolved following links: a link
to 'cat 10:30.toml' (the way out the message gives) was resolved back to that name and cut in two ('nothing ran:
FileNotFoundError'), and so was a relative name typed in a folder whose path holds the separator. Now the absolute
path is checked and links are not followed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assets.cli import resolve_env_paths
from tests.test_fresh_user_mends import _env, _sql_catalogue

WARDBRIDGE = Path(sys.executable).parent / "wardbridge"


def _run(tmp_path: Path, cwd: Path, catalogue: str, option: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(WARDBRIDGE), "run", "--dagster-home", str(tmp_path / "home"), "--warehouse", str(tmp_path / "wh")]
        + (["--catalogue", catalogue] if option else []),
        env=_env(WB_TEST_PW="pw-value", **({} if option else {"WARDBRIDGE_CATALOGUE": catalogue})),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_link_is_not_followed_back_to_the_name_it_avoids(tmp_path, monkeypatch):
    odd = tmp_path / f"cat 10{os.pathsep}30.toml"
    odd.write_text("", encoding="utf-8")
    (tmp_path / "cat.toml").symlink_to(odd)
    monkeypatch.chdir(tmp_path)
    env = {"WARDBRIDGE_CATALOGUE": "cat.toml"}
    resolve_env_paths(env)
    assert env == {"WARDBRIDGE_CATALOGUE": str(tmp_path / "cat.toml")}


def test_the_catalogue_read_through_a_link(tmp_path):
    catalogue = _sql_catalogue(tmp_path, "postgresql+psycopg://u:${WB_TEST_PW}@${WB_TEST_NOPE_HOST}/db")
    odd = tmp_path / f"cat 10{os.pathsep}30.toml"
    catalogue.rename(odd)
    (tmp_path / "link.toml").symlink_to(odd)
    proc = _run(tmp_path, tmp_path, "link.toml")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 3, out[-2000:]
    assert "FileNotFoundError" not in out, out[-2000:]  # was: resolved to 'cat 10:30.toml' and cut in two
    assert "WB_TEST_NOPE_HOST" in out and "not set" in out, out[-2000:]  # the catalogue was read: its URL checked


@pytest.mark.parametrize("option", [True, False], ids=["--catalogue", "WARDBRIDGE_CATALOGUE"])
def test_a_relative_name_in_a_folder_holding_the_separator_is_refused(tmp_path, option):
    """From --catalogue or from the variable: both were cut ('nothing ran: FileNotFoundError: .../run', exit 3)."""
    folder = tmp_path / f"run{os.pathsep}2"
    folder.mkdir()
    catalogue = _sql_catalogue(folder, "postgresql+psycopg://u:${WB_TEST_PW}@${WB_TEST_NOPE_HOST}/db")
    proc = _run(tmp_path, folder, catalogue.name, option)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2, out[-2000:]  # was 3: 'nothing ran: FileNotFoundError: .../run'
    assert "FileNotFoundError" not in out and f"run{os.pathsep}2" in out and "rename" in out, out[-2000:]

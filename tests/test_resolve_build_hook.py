"""hatch_build.py's compile, when it cannot compile: the build says why, leaves no earlier build behind (one of other
source would otherwise be refused at every run) and succeeds, so the resolver runs as Python."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def hook():
    spec = importlib.util.spec_from_file_location("hatch_build_under_test", ROOT / "hatch_build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def project(tmp_path):
    """A project folder holding resolve.py and an earlier build (files that are no library, a hash of other source)."""
    (tmp_path / "pipelines").mkdir()
    shutil.copy(ROOT / "pipelines" / "resolve.py", tmp_path / "pipelines" / "resolve.py")
    compiled = tmp_path / "pipelines" / "_compiled"
    compiled.mkdir()
    (compiled / "resolve.cpython-311-x86_64-linux-gnu.so").write_bytes(b"an earlier build")
    (compiled / "resolve__mypyc.cpython-311-x86_64-linux-gnu.so").write_bytes(b"an earlier build")
    (compiled / "resolve.sha256").write_text("0" * 64 + "\n", encoding="ascii")
    return tmp_path


def test_no_compiler_the_build_says_why_and_leaves_no_build(hook, project, monkeypatch, capsys):
    monkeypatch.setattr(sys, "executable", str(project / "no-such-python"))  # mypyc cannot even start
    assert hook.compile_resolver(project) == []
    compiled = project / "pipelines" / "_compiled"
    assert sorted(p.name for p in compiled.iterdir()) == [".lock", "failed.txt"]
    failed = (compiled / "failed.txt").read_text(encoding="utf-8")
    assert "compiling pipelines/resolve.py with mypyc failed" in failed and "no-such-python" in failed
    assert "the resolver runs as Python" in capsys.readouterr().err


def test_compile_turned_off(hook, project, monkeypatch, capsys):
    monkeypatch.setenv("WARDBRIDGE_NO_COMPILE", "1")
    assert hook.compile_resolver(project) == []
    assert [p.name for p in (project / "pipelines" / "_compiled").iterdir()] == [".lock"]
    assert "WARDBRIDGE_NO_COMPILE is set" in capsys.readouterr().err

"""Build hook: compiles ``pipelines/resolve.py`` with mypyc when the project is built.

``uv sync`` installs the project editable: the compiled module goes in place, into ``pipelines/_compiled/``
(git-ignored), with ``resolve.sha256``, the SHA-256 of the source compiled; ``pipelines/_native.py`` imports it only
while ``resolve.py`` still has that hash. A wheel (``uv build``) carries the same files. ``[tool.uv] cache-keys``
in pyproject.toml makes ``uv sync`` (and ``uv run``) build again when ``resolve.py`` or this file changes.

When the compile fails (no C compiler, no Python headers, a type error mypyc refuses), the build says why and
succeeds without it: the resolver then runs as Python, as it does with ``WARDBRIDGE_NO_COMPILE=1`` set at build time.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.machinery
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # imported by tests/test_resolve_build_hook.py, where hatchling is not installed
    BuildHookInterface = object  # type: ignore[misc,assignment]

SOURCE = Path("pipelines") / "resolve.py"
COMPILED = Path("pipelines") / "_compiled"  # pipelines/_native.py reads the same folder and file names
HASH_FILE = "resolve.sha256"
FAILED_FILE = "failed.txt"  # why the last build did not compile it (uv shows a build's output only with -v)
STEMS = ("resolve", "resolve__mypyc")  # the module and mypyc's library for it


def _say(message: str) -> None:
    print(f"wardbridge build: {message}", file=sys.stderr, flush=True)


def compile_resolver(root: Path) -> list[Path]:
    """Compile ``root/pipelines/resolve.py`` into ``root/pipelines/_compiled``; the files written, or [] on failure
    (the folder then holds nothing, so no earlier build of other source is left to be refused at run time)."""
    folder = root / COMPILED
    folder.mkdir(exist_ok=True)
    with open(folder / ".lock", "w") as lock:  # two builds of one checkout at once: one after the other
        fcntl.flock(lock, fcntl.LOCK_EX)
        # The hash first: a process importing meanwhile finds no build (and runs the source), never a half one.
        (folder / HASH_FILE).unlink(missing_ok=True)
        for old in folder.iterdir():
            if old.name != ".lock":
                old.unlink()
        if os.environ.get("WARDBRIDGE_NO_COMPILE", "") not in ("", "0"):
            _say("WARDBRIDGE_NO_COMPILE is set: the resolver runs as Python")
            return []
        source = (root / SOURCE).read_bytes()
        with tempfile.TemporaryDirectory(prefix="wardbridge-mypyc-") as tmp_name:
            tmp = Path(tmp_name)
            (tmp / "pipelines").mkdir()
            (tmp / "pipelines" / "__init__.py").write_text("")
            (tmp / SOURCE).write_bytes(source)
            cmd = [sys.executable, "-m", "mypyc", "--ignore-missing-imports", "--follow-imports=skip", str(SOURCE)]
            env = {**os.environ, "MYPY_CACHE_DIR": str(tmp / ".mypy_cache")}
            try:
                done = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True)
            except OSError as exc:
                done = subprocess.CompletedProcess(cmd, 1, "", str(exc))
            suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
            built = [tmp / "pipelines" / f"{stem}{suffix}" for stem in STEMS]
            if done.returncode != 0 or not all(p.is_file() for p in built):
                tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
                why = f"compiling {SOURCE} with mypyc failed (exit {done.returncode}); the resolver runs as Python:"
                _say(why)
                print(tail, file=sys.stderr, flush=True)
                (folder / FAILED_FILE).write_text(f"{why}\n{tail}\n", encoding="utf-8")
                return []
            written = []
            for path in built:
                shutil.copy2(path, folder / f".{path.name}.tmp")
                (folder / f".{path.name}.tmp").replace(folder / path.name)  # a library is never seen half written
                written.append(folder / path.name)
            recorded = folder / HASH_FILE
            recorded.with_suffix(".tmp").write_text(hashlib.sha256(source).hexdigest() + "\n", encoding="ascii")
            recorded.with_suffix(".tmp").replace(recorded)  # last: the build counts only once all of it is there
            written.append(recorded)
    _say(f"compiled {SOURCE} with mypyc into {COMPILED}")
    return written


class CompileResolver(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        written = compile_resolver(Path(self.root))
        if version == "editable" or not written:
            return  # editable: the files stay in place, where the checkout's pipelines package is imported from
        for path in written:
            build_data["force_include"][str(path)] = f"{COMPILED.as_posix()}/{path.name}"
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

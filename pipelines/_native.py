"""Which ``pipelines.resolve`` runs: the module compiled by mypyc when the project was built, or its Python source.

``hatch_build.py`` compiles ``pipelines/resolve.py`` with mypyc when the project is built (``uv sync``, ``uv build``)
and puts the result in ``pipelines/_compiled/`` (git-ignored): the module, its library and ``resolve.sha256``, the
SHA-256 of the source it was compiled from. A finder (installed by ``pipelines/__init__.py``, ahead of Python's own)
imports ``pipelines.resolve`` from there only when that hash is the one of the ``resolve.py`` beside it, the build is
for this interpreter and ``WARDBRIDGE_PURE_PYTHON`` is not set; otherwise from the source, saying once on stderr
why when a build is there but refused (stale, another Python). ``describe()`` says which one ran.

The compiled module is the same code with its annotations checked at run time, and its functions call each other
directly: replacing one of its attributes from outside (a test's monkeypatch, a benchmark's timing wrapper) does
not reach its own calls. Code that wraps the resolver's internals uses ``source_module()``.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

MODULE = "pipelines.resolve"
LIBRARY = "pipelines.resolve__mypyc"  # mypyc's shared library, imported by the compiled module
PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE = PACKAGE_DIR / "resolve.py"
COMPILED_DIR = PACKAGE_DIR / "_compiled"
HASH_FILE = "resolve.sha256"
FAILED_FILE = "failed.txt"  # written by the build when it could not compile resolve.py, with why
PURE_ENV = "WARDBRIDGE_PURE_PYTHON"
STALE = "compiled resolver is stale; using the Python source (run uv sync)"
OTHER_PYTHON = "compiled resolver was built for another Python; using the Python source (run uv sync)"

# What the finder decided for this process: None until pipelines.resolve is imported.
_chosen: dict[str, str] = {}


def source_sha256(path: Path = SOURCE) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _extension(folder: Path, stem: str) -> Path | None:
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = folder / f"{stem}{suffix}"
        if path.is_file():
            return path
    return None


def choose(source: Path = SOURCE, folder: Path = COMPILED_DIR, environ=os.environ) -> tuple[dict[str, Path], str, str]:
    """(compiled files by module name, or {} for the source; what ran; a warning to print, or '')."""
    if environ.get(PURE_ENV, "") not in ("", "0"):
        return {}, f"Python source ({PURE_ENV}=1)", ""
    recorded = folder / HASH_FILE
    if not recorded.is_file():
        if (folder / FAILED_FILE).is_file():
            # resolve.py is unchanged, so a plain `uv sync` after installing a compiler does not build again.
            why = f"the build could not compile it: {folder / FAILED_FILE}"
            return {}, f"Python source ({why}; with a C compiler: uv sync --reinstall-package wardbridge)", ""
        return {}, "Python source (no compiled build)", ""
    if recorded.read_text(encoding="ascii").strip() != source_sha256(source):
        return {}, "Python source (the compiled build is stale)", STALE
    module, library = _extension(folder, "resolve"), _extension(folder, "resolve__mypyc")
    if module is None or library is None:
        return {}, "Python source (the compiled build is for another Python)", OTHER_PYTHON
    return {MODULE: module, LIBRARY: library}, "compiled (mypyc)", ""


class _ResolverFinder:
    """Finds ``pipelines.resolve`` (and the compiled module's library) as ``choose`` decides; nothing else."""

    def __init__(self) -> None:
        self.files: dict[str, Path] | None = None

    def find_spec(self, name, path=None, target=None):
        if name not in (MODULE, LIBRARY):
            return None
        if self.files is None:
            self.files, ran, warning = choose()
            _chosen["ran"] = ran
            if warning:
                print(f"wardbridge: {warning}", file=sys.stderr)
        chosen = self.files.get(name)
        if chosen is not None:
            return importlib.util.spec_from_file_location(name, chosen)
        if name == MODULE:
            return importlib.util.spec_from_file_location(name, SOURCE)
        return None


def install() -> None:
    if not any(isinstance(f, _ResolverFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _ResolverFinder())


def describe() -> str:
    """Which resolver this process runs ('compiled (mypyc)' or 'Python source (why)')."""
    if "ran" not in _chosen:
        import pipelines.resolve  # noqa: F401  (the finder decides on import)
    return _chosen.get("ran", "Python source")


_source: list[ModuleType] = []


def is_compiled(module: ModuleType) -> bool:
    return not str(getattr(module, "__file__", "")).endswith(".py")


def source_module() -> ModuleType:
    """``pipelines.resolve`` as Python: the imported module when it is the source, else the source executed once
    into a module of its own (same name, not in ``sys.modules``), for code that wraps the resolver's internals."""
    import pipelines.resolve as imported

    if not is_compiled(imported):
        return imported
    if not _source:
        spec = importlib.util.spec_from_file_location(MODULE, SOURCE)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        saved = sys.modules.get(MODULE)
        sys.modules[MODULE] = module  # as an import does while the module runs (dataclasses look it up)
        try:
            spec.loader.exec_module(module)
        finally:
            if saved is None:
                sys.modules.pop(MODULE, None)
            else:
                sys.modules[MODULE] = saved
        _source.append(module)
    return _source[0]

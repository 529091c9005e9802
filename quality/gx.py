"""Quality gates with Great Expectations 1.x, in front of everything wardbridge publishes.

Contract of a gate (used by the publish layer and the exports)::

    result = publish_gated(
        write_aside=lambda: write_new_file(...),        # the new version, not yet visible
        validate=lambda new: validate(TABLE, read(new), rules=[...], docs_dir=run_dir / "gx"),
        swap_in=lambda new: os.replace(new, final),     # atomic; only called when passed
        discard=lambda new: new.unlink(),               # optional: drop the rejected version
    )

``validate`` runs the table's suite — derived from its declaration in
pipelines/schema.py plus attached domain rules (quality/rules.py) — on the Polars
frame converted to pandas with Arrow-backed dtypes (GX 1.x has no Polars or DuckDB
engine; numeric columns as numpy int64 / float64 where no result changes, so GX's range
checks are vectorised: see ``_numpy_numeric``), chunk by chunk for large frames, and returns a :class:`GateResult`: passed,
and per expectation the column(s), how many rows failed and a few record keys (or row
indices) — never a checked value. With ``docs_dir`` it writes GX's Data Docs (HTML,
``<docs_dir>/index.html``) and ``<docs_dir>/gate.json`` for asset metadata; the stored
validation results are scrubbed of cell values first.

GX is imported lazily: importing this module is cheap, the first validation pays
GX's import (several seconds).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import json
import sys
import threading
import time
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from pipelines.schema import Table
from quality.rules import (
    MAX_EXAMPLES,
    Expect,
    Outcome,
    Rule,
    _snake,
    declared_dtype_outcomes,
    declared_expectations,
    polars_unique_outcome,
)

CHUNK_ROWS = 1_000_000  # GX sees at most this many rows at a time (fewer validator runs: ~15 ms each)
ONE_PASS_ROWS = 50_000  # chunks up to this size are validated by the whole suite at once

T = TypeVar("T")

# Keys of a GX result dict that may hold cell values: dropped before anything is kept or rendered.
_VALUE_KEYS = ("partial_unexpected_list", "partial_unexpected_counts", "unexpected_list", "unexpected_index_query")


@dataclass(frozen=True)
class GateResult:
    """Outcome of a gate: ``passed`` only when every expectation and invariant passed."""

    table: str
    rows: int
    outcomes: tuple[Outcome, ...]
    chunks: int = 1
    seconds: float = 0.0
    docs_index: Path | None = None
    key_columns: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return all(o.success for o in self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success]

    def failed(self, name: str | None = None, rule: str | None = None, column: str | None = None) -> list[Outcome]:
        """Failing outcomes filtered by expectation name, rule and/or column."""
        return [
            o
            for o in self.failures
            if (name is None or o.name == name)
            and (rule is None or o.rule == rule)
            and (column is None or column in o.columns)
        ]

    def summary(self, limit: int = 20) -> str:
        if self.passed:
            return f"{self.table}: gate passed ({len(self.outcomes)} expectations, {self.rows} rows)"
        fails = self.failures
        lines = [f"{self.table}: gate failed, {len(fails)} of {len(self.outcomes)} expectations ({self.rows} rows)"]
        lines += ["  " + o.describe() for o in fails[:limit]]
        if len(fails) > limit:
            lines.append(f"  ... {len(fails) - limit} more")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "passed": self.passed,
            "rows": self.rows,
            "chunks": self.chunks,
            "seconds": round(self.seconds, 3),
            "expectations": len(self.outcomes),
            "failed": len(self.failures),
            "key_columns": list(self.key_columns),
            "docs_index": None if self.docs_index is None else str(self.docs_index),
            "outcomes": [o.as_dict() for o in self.outcomes],
        }

    def metadata(self) -> dict[str, Any]:
        """Flat values for asset / check metadata (the Dagster layer wraps them)."""
        return {
            "gate_passed": self.passed,
            "rows_validated": self.rows,
            "expectations": len(self.outcomes),
            "expectations_failed": len(self.failures),
            "gate_seconds": round(self.seconds, 3),
            "data_docs": None if self.docs_index is None else str(self.docs_index),
            "failures": [o.describe() for o in self.failures[:20]],
        }

    def raise_if_failed(self) -> GateResult:
        if not self.passed:
            raise GateFailed(self)
        return self


class GateFailed(RuntimeError):
    """A gate refused a new version; ``result`` says which expectation failed on which rows."""

    def __init__(self, result: GateResult):
        super().__init__(result.summary())
        self.result = result


def publish_gated(
    write_aside: Callable[[], T],
    validate: Callable[[T], GateResult],
    swap_in: Callable[[T], None],
    discard: Callable[[T], None] | None = None,
) -> GateResult:
    """Write aside, validate, swap in only when the gate passed.

    ``write_aside()`` produces the new version where readers do not see it (a temp
    file beside the published one) and returns a handle to it; ``validate(handle)``
    returns a :class:`GateResult`; ``swap_in(handle)`` makes it visible (e.g.
    ``os.replace``). On a failed gate (or an exception while validating) the
    previous version stays in place, ``discard(handle)`` is called if given, and
    :class:`GateFailed` is raised carrying the result.
    """
    new = write_aside()
    try:
        result = validate(new)
    except BaseException:
        if discard is not None:
            discard(new)
        raise
    if not result.passed:
        if discard is not None:
            discard(new)
        raise GateFailed(result)
    swap_in(new)
    return result


def suite_for(table: Table, rules: Iterable[Rule] = ()) -> list[Expect]:
    """Engine-neutral suite: the declaration's expectations plus the attached rules'."""
    return [*declared_expectations(table), *(e for r in rules for e in r.expectations())]


def validate(
    table: Table,
    frame: pl.DataFrame,
    rules: Iterable[Rule] = (),
    docs_dir: Path | None = None,
    *,
    checks: Iterable[Outcome] = (),
    key_columns: Sequence[str] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    partition_by: str | None = None,
    max_examples: int = MAX_EXAMPLES,
    run_name: str | None = None,
    session: GxSession | None = None,
) -> GateResult:
    """Validate ``frame`` against ``table``'s suite (+ ``rules``) with GX.

    * ``checks``: outcomes already computed elsewhere (cross-table invariants from
      quality/rules.py) that count for the gate too.
    * ``key_columns``: columns identifying a row in reports (default: the table's
      primary key when present in the frame, else the 0-based row index). Keys are
      shown as examples; choose non-personal ones (record_key, entity_id, ward uid).
    * ``chunk_rows`` / ``partition_by``: GX sees at most ``chunk_rows`` rows at a time,
      or one partition (value of ``partition_by``) at a time. With several chunks (or more than
      ``ONE_PASS_ROWS`` rows), uniqueness is checked in Polars over the whole frame (per-chunk
      uniqueness would miss duplicates across chunks; pandas' factorize was most of a big gate's time).
    * ``docs_dir``: write Data Docs (``index.html``) and ``gate.json`` there.
    * ``session``: a :class:`GxSession` shared by many gates: one GX context, and (with the
      session's ``docs_dir``) one Data Docs site for all of them, built by ``session.finish()``;
      ``gate.json`` then goes to ``<session docs_dir>/<table>/`` (``<table>__2`` for a second call). Without a session each call
      has its own context and, with ``docs_dir``, its own site (built before returning).
    """
    started = time.perf_counter()
    expects = suite_for(table, rules)
    if key_columns is None:
        key_columns = table.primary_key if all(c in frame.columns for c in table.primary_key) else ()
    keys = tuple(key_columns)
    chunks = list(_chunks(frame, chunk_rows, partition_by))
    polars_out, gx_expects = _polars_outcomes(table, frame, expects, keys, len(chunks) > 1)
    needed = [c for c in frame.columns if c in set(table.columns) | set(keys)]
    run, gate_dir = _open_run(table, gx_expects, keys, max_examples, docs_dir, run_name, session)
    _validate_chunks(run, chunks, needed, gx_expects)
    docs_index = run.finish() if session is None else session.docs_index
    result = GateResult(
        table=table.name,
        rows=frame.height,
        outcomes=(*run.outcomes(), *polars_out, *checks),
        chunks=len(chunks),
        seconds=time.perf_counter() - started,
        docs_index=docs_index,
        key_columns=keys,
    )
    if gate_dir is not None:
        gate_dir.mkdir(parents=True, exist_ok=True)
        (gate_dir / "gate.json").write_text(json.dumps(result.as_dict(), indent=2, default=str), encoding="utf-8")
    return result


def _polars_outcomes(
    table: Table, frame: pl.DataFrame, expects: list[Expect], keys: tuple[str, ...], chunked: bool
) -> tuple[list[Outcome], list[Expect]]:
    """(the outcomes found in Polars, the expectations left for GX): the declared dtypes, the rules that cannot run
    (a column they derive from is missing) and, when GX sees the frame in parts, uniqueness over the whole frame."""
    polars_out = declared_dtype_outcomes(table, frame)
    # a rule computing a column from one the frame lacks cannot run: report it, keep the rest
    unrunnable = [e for e in expects if e.derive and not all(c in frame.columns for c in e.columns)]
    polars_out += _unrunnable_outcomes(unrunnable, frame)
    expects = [e for e in expects if e not in unrunnable]
    gx_expects = expects
    # Uniqueness over the whole frame in Polars when GX sees it in parts (chunks, or per-column groups above
    # ONE_PASS_ROWS): the same outcome (count, row keys) for a fraction of pandas' factorize over every row
    if chunked or frame.height > ONE_PASS_ROWS:
        polars_out += [
            polars_unique_outcome(frame, e, keys)
            for e in expects
            if e.is_uniqueness and all(c in frame.columns for c in e.columns)
        ]
        gx_expects = [e for e in expects if not e.is_uniqueness or not all(c in frame.columns for c in e.columns)]
    return polars_out, gx_expects


def _unrunnable_outcomes(unrunnable: list[Expect], frame: pl.DataFrame) -> list[Outcome]:
    """A failed outcome per rule that computes a column from one the frame lacks, naming the missing columns."""
    return [
        Outcome(
            name=_snake(e.gx_type),
            rule=e.rule,
            columns=e.columns,
            success=False,
            unexpected_count=None,
            engine="polars",
            error=f"column {[c for c in e.columns if c not in frame.columns]} missing",
        )
        for e in unrunnable
    ]


def _open_run(  # noqa: ANN202 - (_GxRun or the session's run, the folder of gate.json or None)
    table: Table,
    gx_expects: list[Expect],
    keys: tuple[str, ...],
    max_examples: int,
    docs_dir: Path | None,
    run_name: str | None,
    session: GxSession | None,
):
    """The GX run of one gate: the session's (its Data Docs site, gate.json in ``<session docs_dir>/<run>/``) or a
    run of its own (its own site and gate.json in ``docs_dir``)."""
    if session is not None:
        if docs_dir is not None:
            raise ValueError("validate: with a session, Data Docs go to the session's docs_dir")
        run = session._run(table.name, gx_expects, keys, max_examples)
        return run, None if session.docs_dir is None else session.docs_dir / run.name
    return _GxRun(table.name, gx_expects, keys, max_examples, docs_dir, run_name), docs_dir


def _validate_chunks(run, chunks: list, needed: list[str], gx_expects: list[Expect]) -> None:  # noqa: ANN001 - a GX run
    """Each chunk's ``needed`` columns, with the columns the rules derive, through the GX run."""
    for label, chunk, index in chunks:
        part = chunk.select(needed)
        derived = {name: fn(chunk) for e in gx_expects for name, fn in e.derive.items()}
        if derived:
            part = part.with_columns(s.alias(n) for n, s in derived.items())
        run.validate_chunk(label, part, index)


class GxSession:
    """One GX context and at most one Data Docs site for many gates (a run's marts, an export).

    GX's fixed costs — the context, and above all a Data Docs site (static assets of ~4 MiB and
    the page templates compiled per site) — are paid once instead of once per table::

        with GxSession(docs_dir=run_dir / "gx") as session:
            for table, frame in tables:
                result = validate(table, frame, session=session)   # per-table GateResult as without
        # on exit: one site, <docs_dir>/index.html, listing every table's validation

    Results (outcomes, failures, examples) are exactly those of separate calls; only where the
    HTML goes differs. ``finish()`` builds the site (idempotent; also on leaving the ``with``).
    """

    def __init__(self, docs_dir: Path | None = None, run_name: str | None = None):
        self.docs_dir = None if docs_dir is None else Path(docs_dir)
        self.run_name = run_name or time.strftime("%Y%m%dT%H%M%S")
        self._ctx = None
        self._names: set[str] = set()
        self._built = False
        self.seconds = 0.0  # time spent building the site

    @property
    def docs_index(self) -> Path | None:
        return None if self.docs_dir is None else self.docs_dir / "index.html"

    def context(self):  # noqa: ANN201 - an ephemeral GX context
        if self._ctx is None:
            self._ctx = _new_context()
        return self._ctx

    def _run(self, name: str, expects: list[Expect], keys: tuple[str, ...], max_examples: int) -> _GxRun:
        unique, n = name, 1
        while unique in self._names:  # the same table twice in one session: keep both in the site
            n += 1
            unique = f"{name}__{n}"
        self._names.add(unique)
        return _GxRun(
            unique, expects, keys, max_examples, self.docs_dir, self.run_name, ctx=self.context(), build_site=False
        )

    def finish(self) -> Path | None:
        if self.docs_dir is None or self._built:
            return self.docs_index
        started = time.perf_counter()
        _build_site(self.context(), self.docs_dir)
        self._built = True
        self.seconds += time.perf_counter() - started
        return self.docs_index

    def __enter__(self) -> GxSession:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:  # noqa: ANN001
        self.finish()


def session_validator(docs_dir: Path | None, run_name: str | None = None):  # noqa: ANN201
    """A ``(table, frame) -> problems`` validator for pipelines/publish/store.py's ``publish_marts``
    that gates every table in one :class:`GxSession` (one Data Docs site at ``docs_dir``).
    publish_marts calls its ``finish()`` after the last table; ``results`` holds each GateResult."""
    session = GxSession(docs_dir, run_name)
    results: dict[str, GateResult] = {}

    def validator(table: Table, frame: pl.DataFrame) -> list[str]:
        result = validate(table, frame, session=session)
        results[table.name] = result
        return [] if result.passed else [result.summary()]

    validator.finish = session.finish  # type: ignore[attr-defined]
    validator.session = session  # type: ignore[attr-defined]
    validator.results = results  # type: ignore[attr-defined]
    return validator


# --------------------------------------------------------------------------- internals


def _chunks(frame: pl.DataFrame, chunk_rows: int, partition_by: str | None) -> Iterator[tuple[str, pl.DataFrame, Any]]:
    """(label, rows, pandas index of the rows' 0-based positions in ``frame``)."""
    import pandas as pd

    if partition_by is not None:
        indexed = frame.with_row_index("__row")
        for part in indexed.partition_by(partition_by, maintain_order=True):
            value = part[partition_by][0]
            rows = part.drop("__row")
            idx = pd.Index(part["__row"].to_numpy())
            for start in range(0, max(rows.height, 1), chunk_rows):
                label = f"{partition_by}={value}" + (f"/rows-{start}" if rows.height > chunk_rows else "")
                yield label, rows.slice(start, chunk_rows), idx[start : start + chunk_rows]
        if frame.height == 0:
            yield "empty", frame, pd.RangeIndex(0)
        return
    for start in range(0, max(frame.height, 1), chunk_rows):
        n = min(chunk_rows, frame.height - start)
        yield f"rows-{start}-{start + n - 1}", frame.slice(start, chunk_rows), pd.RangeIndex(start, start + n)


_GX_LOCK = threading.Lock()
_preloading: threading.Thread | None = None


def preload() -> None:
    """Start importing GX (several seconds of Python) in a background thread, once per process.

    Called where a stage starts (the marts before reading and building them, an export before
    reading its sources): the import then overlaps Polars / DuckDB work, which releases the GIL,
    instead of delaying the first gate. The first validation waits for it (``_gx``).

    Not a daemon thread (also when called from one): a process ending soon after this call waits for the import
    before the interpreter finalizes (``wardbridge run`` Ctrl-C'd in the marts exits ~1 s after it, the import
    still running). CPython (3.11) ends a daemon thread that takes the GIL during finalization with
    ``pthread_exit``, whose unwinding calls ``std::terminate`` when the thread is in C++ code that cannot be
    unwound (a destructor that released the GIL, as a DuckDB connection's does): 'terminate called without an
    active exception', SIGABRT, as `wardbridge run` died after its interrupted line in the fresh-clone CI at
    2998061 (that abort not reproduced here; tests/test_gx.py forces the mechanism)."""
    global _preloading
    with _GX_LOCK:
        if _preloading is None:
            _preloading = threading.Thread(target=_gx, name="gx-import", daemon=False)
            _preloading.start()


def _gx():
    with _GX_LOCK:  # one import and one patching, also when preload()'s thread is still importing
        if "great_expectations" not in sys.modules:
            for name in _DEFERRED:
                _defer(name)
        import great_expectations as gx
        import great_expectations.expectations as gxe
        from great_expectations.execution_engine import pandas_execution_engine

        # GX fingerprints every in-memory batch under 1 GB (batch marker ``pandas_data_fingerprint``)
        # by hashing each cell; on Arrow-backed columns that iterates in Python and took ~70 % of the
        # validation time (measured at 200k rows). The fingerprint is only metadata: switch it off.
        if hasattr(pandas_execution_engine, "HASH_THRESHOLD"):
            pandas_execution_engine.HASH_THRESHOLD = 0
        _share_compiled_templates()
        _one_environment_per_view_kind()
        _configuration_once_per_call()
        _validation_results_dumped_once()
        _plain_values_converted_at_once()
    return gx, gxe


# Modules GX imports with its own import only for an expectation wardbridge never runs
# (expect_column_kl_divergence_to_be_less_than: altair for its chart, scipy.stats for the entropy; the KS-test metrics:
# scipy.stats): ~1 s of a run's CPU. Each stands in sys.modules as a _Deferred module until something reads one of
# its attributes, which imports the real module then (same module, same results; only the import happens later or not).
_DEFERRED = ("altair", "scipy.stats")


class _Deferred(types.ModuleType):
    """Stands in ``sys.modules`` for a module not imported yet: reading any attribute (not set here) imports the
    real module, which replaces this one in ``sys.modules`` (and as the parent package's attribute), and is
    answered by it. ``__spec__`` is None here, so an import statement finds this module and reads nothing else."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.__spec__ = None
        self._deferred_lock = threading.Lock()
        self._deferred_real: types.ModuleType | None = None

    def _deferred_load(self) -> types.ModuleType:
        with self._deferred_lock:
            if self._deferred_real is None:
                if sys.modules.get(self.__name__) is self:
                    del sys.modules[self.__name__]
                try:
                    self._deferred_real = importlib.import_module(self.__name__)
                except BaseException:
                    sys.modules.setdefault(self.__name__, self)  # an import error is raised again next time
                    raise
            return self._deferred_real

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._deferred_load(), attr)


def _defer(name: str) -> None:
    """``name`` imported when first used, not now (nothing done when it is imported already or not installed)."""
    if name in sys.modules or importlib.util.find_spec(name.partition(".")[0]) is None:
        return
    sys.modules[name] = _Deferred(name)


def _configuration_once_per_call() -> None:
    """GX's ``Expectation.configuration`` is a property that rebuilds the configuration (a pydantic ``dict()``
    and a deep copy) on every access, and ``_get_domain_kwargs`` / ``_get_success_kwargs`` /
    ``_get_runtime_kwargs`` read it once per key (a fifth of the profiled time of the 1M marts' gates under
    cProfile, which inflates Python; without it the gain is small: 31 gates 4.87 -> 4.17 CPU s at one load).
    These replacements read it once per call and return the same dicts (same keys, values and defaults).

    The configuration's expectation type is the class name in snake case (GX's ``camel_to_snake``, two regular
    expressions, ~7 % of the sampled time of the sample marts' 32 gates, since GX builds the configuration of a
    fresh expectation object several times per expectation and run): it is computed once per name."""
    from great_expectations.expectations import expectation as expectation_module
    from great_expectations.expectations.expectation import (
        Expectation,
        InvalidExpectationKwargsError,
        parse_result_format,
    )

    if getattr(Expectation, "_wardbridge_configuration_once", False):
        return
    # a pure function of the class name (GX's ``util.camel_to_snake``): the same string, computed once per name
    expectation_module.camel_to_snake = functools.lru_cache(maxsize=None)(expectation_module.camel_to_snake)

    def _get_domain_kwargs(self, kwargs=None):  # noqa: ANN001, ANN202
        kwargs = self.configuration.kwargs if kwargs is None else kwargs
        domain_kwargs = {key: kwargs.get(key, self._get_default_value(key)) for key in self.domain_keys}
        if missing := set(self.domain_keys) - set(domain_kwargs.keys()):
            raise InvalidExpectationKwargsError(f"Missing domain kwargs: {list(missing)}")
        return domain_kwargs

    def _get_success_kwargs(self, kwargs=None):  # noqa: ANN001, ANN202
        kwargs = self.configuration.kwargs if kwargs is None else kwargs
        domain_kwargs = _get_domain_kwargs(self, kwargs)
        success_kwargs = {key: kwargs.get(key, self._get_default_value(key)) for key in self.success_keys}
        success_kwargs.update(domain_kwargs)
        return success_kwargs

    def _get_runtime_kwargs(self, runtime_configuration=None):  # noqa: ANN001, ANN202
        runtime_configuration = runtime_configuration or {}
        kwargs = self.configuration.kwargs
        success_kwargs = _get_success_kwargs(self, kwargs)

        def success_kwarg(key):  # noqa: ANN001, ANN202 - Expectation._get_success_kwarg on the same kwargs
            if key in kwargs:
                return kwargs[key]
            field_ = self.__fields__.get(key)
            if field_ is not None:
                return field_.default if not field_.required else None
            return self._get_success_kwarg(key)  # GX's own warning for an unknown key

        runtime_kwargs = {key: runtime_configuration.get(key, success_kwarg(key)) for key in self.runtime_keys}
        runtime_kwargs.update(success_kwargs)
        runtime_kwargs["result_format"] = parse_result_format(runtime_kwargs["result_format"])
        return runtime_kwargs

    replaced = {
        "_get_domain_kwargs": _get_domain_kwargs,
        "_get_success_kwargs": _get_success_kwargs,
        "_get_runtime_kwargs": _get_runtime_kwargs,
    }
    Expectation._wardbridge_originals = {name: Expectation.__dict__[name] for name in replaced}  # for the tests
    for name, fn in replaced.items():
        setattr(Expectation, name, fn)
    Expectation._wardbridge_configuration_once = True


def _validation_results_dumped_once() -> None:
    """GX's ``ValidationResultsStore.serialize`` (a stored validation result: read back by Data Docs) is
    ``schema.dumps(value.to_json_dict(), indent=2, sort_keys=True)``, and ``to_json_dict`` already returns that
    schema's dump: ``dumps`` dumps the dumped dict again (a deep copy and every result's fields once more) before
    ``json.dumps``. The replacement writes ``to_json_dict()`` with ``json.dumps`` and the same arguments: the same
    string (the sample cut run's 45 stored results: equal; 0.66 -> 0.48 CPU s a run). GX Cloud's store (a dict, no
    string) keeps GX's method."""
    from great_expectations.data_context.store.validation_results_store import ValidationResultsStore

    if getattr(ValidationResultsStore, "_wardbridge_dumped_once", False):
        return
    original = ValidationResultsStore.serialize

    def serialize(self, value):  # noqa: ANN001, ANN202
        if self.cloud_mode:
            return original(self, value)
        return json.dumps(value.to_json_dict(), indent=2, sort_keys=True)

    serialize._wardbridge_original = original  # type: ignore[attr-defined]
    ValidationResultsStore.serialize = serialize
    ValidationResultsStore._wardbridge_dumped_once = True


def _plain_values_converted_at_once() -> None:
    """GX's ``convert_to_json_serializable`` (every metric id: ``IDDict.to_id``; every stored result) tests a value
    against some twenty types before it returns a None unchanged (four ``np.issubdtype`` calls on the way): a
    metric's domain kwargs hold several Nones (row_condition, condition_parser, ...): the 26,404 metric ids of the
    sample run's gates took 0.48 CPU s (of ~5 s for the gates), 0.15 s with this. The replacement returns None, str, int, bool and a float that is not NaN
    (exactly these types, not subclasses) at once, as the original does after its tests, and hands every other value
    to the original (whose recursion into dicts and lists comes back here: it calls the module's name).
    Installed in GX's util module and in every GX module imported so far that holds the original under that name."""
    from great_expectations import util

    original = util.convert_to_json_serializable
    if getattr(original, "_wardbridge_plain_first", False):
        return

    def convert_to_json_serializable(data):  # noqa: ANN001, ANN202 - the original's values
        kind = type(data)
        if data is None or kind is str or kind is int or kind is bool:
            return data
        if kind is float:
            return None if data != data else data  # NaN -> None, as the original
        return original(data)

    convert_to_json_serializable._wardbridge_plain_first = True  # type: ignore[attr-defined]
    convert_to_json_serializable._wardbridge_original = original  # type: ignore[attr-defined]
    for name, module in list(sys.modules.items()):
        if (name == "great_expectations" or name.startswith("great_expectations.")) and getattr(
            module, "convert_to_json_serializable", None
        ) is original:
            module.convert_to_json_serializable = convert_to_json_serializable


class _TemplateCache:
    """Jinja bytecode cache in memory, shared by every Data Docs view of the process.

    Each GX view builds its own jinja Environment and so compiled the same page templates again
    for every site (about 0.6 s per site: most of an export's per-resource Data Docs). Jinja's
    documented bytecode cache keys a compiled template by its name and source checksum, so the
    pages rendered are the same; only the compiling is done once."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:  # noqa: ANN001 - jinja2.bccache.Bucket
        if (data := self.store.get(bucket.key)) is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket) -> None:  # noqa: ANN001
        self.store[bucket.key] = bucket.bytecode_to_string()


def _share_compiled_templates() -> None:
    import jinja2
    from great_expectations.render.view import view

    cls = view.DefaultJinjaView
    if getattr(cls, "_wardbridge_shared_cache", False):
        return
    cache = type("SharedTemplateCache", (_TemplateCache, jinja2.BytecodeCache), {})()
    init = cls.__init__

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        init(self, *args, **kwargs)
        self.env.bytecode_cache = cache
        # the package's templates do not change while a site is built: no stat of the file per page and block
        # (jinja's auto_reload check, ~9 % of the sample marts' site)
        self.env.auto_reload = False

    cls.__init__ = __init__
    cls._wardbridge_shared_cache = True


def _one_environment_per_view_kind() -> None:
    """Every Data Docs view (GX's DefaultJinjaView and subclasses) builds its own jinja Environment, and each
    Environment loads every page template again (the source read and checksummed, the bytecode unmarshalled and
    run): three views per site, and the exports build one site per resource. Views of the same class with the same
    custom directories share the first one's Environment here; its filters are that view's methods, which read
    nothing but the Environment and those directories, so the pages are the same. One sample run's gates loaded
    templates for 0.31 CPU s (of ~5 s for the gates)."""
    from great_expectations.render.view import view

    cls = view.DefaultJinjaView
    if getattr(cls, "_wardbridge_one_env", False):
        return
    init = cls.__init__
    first: dict[tuple[Any, ...], Any] = {}
    lock = threading.Lock()

    def __init__(self, custom_styles_directory=None, custom_views_directory=None) -> None:  # noqa: ANN001
        key = (type(self), custom_styles_directory, custom_views_directory)
        try:
            with lock:
                shared = first.get(key)
        except TypeError:  # a directory given as something unhashable: a view of its own
            init(self, custom_styles_directory, custom_views_directory)
            return
        if shared is None:
            init(self, custom_styles_directory, custom_views_directory)
            with lock:
                first.setdefault(key, self)
            return
        self.custom_styles_directory = custom_styles_directory
        self.custom_views_directory = custom_views_directory
        self.env = shared.env

    cls.__init__ = __init__
    cls._wardbridge_one_env = True
    cls._wardbridge_views = first  # for the tests: the views whose Environment is shared ...
    cls._wardbridge_own_environment = init  # ... and GX's own __init__ (an Environment per view)


@dataclass
class _Acc:
    success: bool = True
    unexpected: int | None = 0
    elements: int | None = 0
    examples: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


class _GxRun:
    """One ephemeral GX context, suite and batch definition for one gate; results merged across chunks."""

    def __init__(
        self,
        name: str,
        expects: list[Expect],
        keys: tuple[str, ...],
        max_examples: int,
        docs_dir,
        run_name,
        *,
        ctx=None,
        build_site: bool = True,
    ):
        gx, gxe = _gx()
        self.name, self.expects, self.keys, self.max_examples = name, expects, keys, max_examples
        self.docs_dir = docs_dir
        self.build_site = build_site
        self.run_name = run_name or time.strftime("%Y%m%dT%H%M%S")
        from great_expectations.validator.v1_validator import Validator

        self.validator_cls = Validator
        self.ctx = _new_context() if ctx is None else ctx
        self.batch_def = (
            self.ctx.data_sources.get("wardbridge")
            .add_dataframe_asset(name)
            .add_batch_definition_whole_dataframe("chunk")
        )

        def make(i: int, e: Expect):  # noqa: ANN202 - a GX expectation tagged with its place in ``expects``
            return getattr(gxe, e.gx_type)(**e.kwargs, meta={_INDEX_META: i})

        # the saved suite (Data Docs' expectation page) ...
        self.suite = self.ctx.suites.add(
            gx.ExpectationSuite(name=name, expectations=[make(i, e) for i, e in enumerate(expects)])
        )
        # ... and one unsaved sub-suite per set of columns: GX's pandas engine filters the whole
        # frame for every column expectation (a take over every column), so each sub-suite sees
        # only its columns (+ the key columns): at 1M rows and ~10 columns that was most of the time
        # Two kinds of expectation share one sub-suite across columns: those whose verdict depends on the
        # column names alone (validated on the chunk's columns with no rows: no values converted for them),
        # and null counts (GX counts nulls without filtering the frame, so one run of all of them on their
        # columns takes nothing over other columns).
        groups: dict[tuple[str, tuple[str, ...] | None], list[int]] = {}
        for i, e in enumerate(expects):
            if e.gx_type in _NAMES_ONLY:
                groups.setdefault(("names", None), []).append(i)
            elif e.gx_type not in _UNFILTERED:
                groups.setdefault(("rows", _kwargs_columns(e.kwargs)), []).append(i)
        unfiltered = [i for i, e in enumerate(expects) if e.gx_type in _UNFILTERED]
        if unfiltered:
            cols = tuple(dict.fromkeys(c for i in unfiltered for c in _kwargs_columns(expects[i].kwargs)))
            groups[("rows", cols)] = groups.get(("rows", cols), []) + unfiltered
        self.groups = [(cols, idxs, kind == "rows") for (kind, cols), idxs in groups.items()]
        self._make = make
        self._suites: dict[tuple[int, ...], Any] = {tuple(range(len(expects))): self.suite}
        self.acc = [_Acc() for _ in expects]
        self.result_format: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": max_examples}
        if keys:
            self.result_format["unexpected_index_column_names"] = list(keys)
        self.first_format: dict[str, Any] = {"result_format": "BASIC", "partial_unexpected_count": max_examples}
        self.stored: list[Any] = []

    def _suite(self, idxs: tuple[int, ...]):  # noqa: ANN202 - an unsaved GX suite of these expectations
        if idxs not in self._suites:
            gx, _ = _gx()
            self._suites[idxs] = gx.ExpectationSuite(
                name=self.name, expectations=[self._make(i, self.expects[i]) for i in idxs]
            )
        return self._suites[idxs]

    def _pandas(self, part: pl.DataFrame, columns: list[str], index):  # noqa: ANN001, ANN205
        import pandas as pd

        # through Arrow (Polars' to_arrow gives large_string, as its to_pandas does): the same Arrow-backed
        # frame for about half the CPU of to_pandas(use_pyarrow_extension_array=True) on string columns
        data = part.select(columns)
        if not data.width:
            pdf = pd.DataFrame(index=range(part.height))
        else:
            pdf = data.to_arrow().to_pandas(types_mapper=pd.ArrowDtype, self_destruct=True, split_blocks=True)
        for name, values in _numpy_numeric(part, columns, self.keys).items():
            pdf[name] = values
        pdf.index = index
        return pdf

    def _run_suite(self, pdf, suite, result_format: dict[str, Any]):  # noqa: ANN001, ANN202
        # The validator ValidationDefinition.run uses, without its storing of unscrubbed results;
        # Batch.validate would load (and fingerprint) the frame twice.
        validator = self.validator_cls(
            batch_definition=self.batch_def, batch_parameters={"dataframe": pdf}, result_format=result_format
        )
        return validator.validate_expectation_suite(suite)

    def _finish_result(self, res) -> None:  # noqa: ANN001 - statistics of a merged / filtered result
        ok = sum(bool(r.success) for r in res.results)
        res.success = ok == len(res.results)
        res.statistics.update(
            evaluated_expectations=len(res.results),
            successful_expectations=ok,
            unsuccessful_expectations=len(res.results) - ok,
            success_percent=100.0 * ok / len(res.results) if res.results else 100.0,
        )

    def validate_chunk(self, label: str, part: pl.DataFrame, index) -> None:
        if not self.expects:
            return
        res = None
        # a small chunk in one pass: the per-column split pays off only where GX's filtering of the
        # whole frame per expectation costs more than a validator run (~20 ms each)
        if part.height <= ONE_PASS_ROWS:
            groups = [((), self.suite, True)]
        else:
            groups = [(cols, self._suite(tuple(idxs)), rows) for cols, idxs, rows in self.groups]
        for cols, suite, rows in groups:
            # first pass: the group's columns only, results counted (BASIC); an expectation that failed is
            # validated again with the key columns and the failing rows' keys (SUMMARY). When every row
            # passes, GX neither carries the keys through its filters nor builds index lists of all rows.
            wanted = [c for c in part.columns if c in set(cols)] if cols else part.columns
            with_keys = [c for c in part.columns if c in set(wanted) | set(self.keys)]
            batch, at = (part, index) if rows else (part.clear(), index[:0])
            got = self._run_suite(self._pandas(batch, wanted or with_keys, at), suite, self.first_format)
            failed = sorted(
                r.expectation_config.meta[_INDEX_META]
                for r in got.results
                if not r.success or (r.exception_info or {}).get("raised_exception")
            )
            if failed:
                pdf = self._pandas(batch, with_keys, at)
                again = {
                    r.expectation_config.meta[_INDEX_META]: r
                    for r in self._run_suite(pdf, self._suite(tuple(failed)), self.result_format).results
                }
                got.results = [again.get(r.expectation_config.meta[_INDEX_META], r) for r in got.results]
            if res is None:
                res = got
            else:  # one validation result per chunk (one Data Docs page), as with a single suite
                res.results.extend(got.results)
        res.results.sort(key=lambda r: r.expectation_config.meta[_INDEX_META])
        self._finish_result(res)
        for r in res.results:
            i = r.expectation_config.meta[_INDEX_META]
            self._merge(self.acc[i], self.expects[i], r)
        if self.docs_dir is not None:
            self._store(label, res)

    def _examples(self, r: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for item in r.get("partial_unexpected_index_list") or []:
            if isinstance(item, dict):
                out.append({k: _plain(item.get(k)) for k in self.keys})
            else:
                out.append({"row": _plain(item)})
        return out

    def _merge(self, acc: _Acc, e: Expect, r) -> None:
        info = r.exception_info or {}
        if info.get("raised_exception"):
            acc.success = False
            acc.unexpected = None
            # GX's message for a missing column names only the column; other messages are not shown
            # (they may quote a value)
            msg = str(info.get("exception_message") or "").split("\n")[0]
            acc.error = acc.error or (msg[:200] if "does not exist" in msg else "the expectation raised an error")
            return
        acc.success = acc.success and bool(r.success)
        result = r.result or {}
        if "unexpected_count" in result and acc.unexpected is not None:
            acc.unexpected += int(result["unexpected_count"] or 0)
        elif not r.success:
            acc.unexpected = None
        if "element_count" in result and acc.elements is not None:
            acc.elements += int(result["element_count"] or 0)
        else:
            acc.elements = None
        if not r.success:
            room = self.max_examples - len(acc.examples)
            if room > 0:
                acc.examples += self._examples(result)[:room]

    def outcomes(self) -> list[Outcome]:
        return [
            Outcome(
                name=_snake(e.gx_type),
                rule=e.rule,
                columns=e.columns,
                success=a.success,
                unexpected_count=a.unexpected if not (a.success and a.unexpected is None) else 0,
                element_count=a.elements,
                examples=tuple(a.examples),
                engine="gx",
                error=a.error,
            )
            for e, a in zip(self.expects, self.acc, strict=True)
        ]

    # ----------------------------------------------------------------- data docs

    def _store(self, label: str, res) -> None:
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
            ValidationResultIdentifier,
        )

        for r in res.results:
            result = r.result or {}
            for k in _VALUE_KEYS:
                result.pop(k, None)
            result.pop("observed_value", None)
            if "partial_unexpected_index_list" in result:
                result["partial_unexpected_index_list"] = self._examples(result)
        safe = label.replace("/", "_").replace("=", "-")
        ident = hashlib.sha1(label.encode()).hexdigest()[:8]
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=self.name),
            run_id=RunIdentifier(run_name=self.run_name),
            batch_identifier=f"{safe[:60]}-{ident}",
        )
        self.ctx.validation_results_store.set(key, res)
        self.stored.append(key)

    def finish(self) -> Path | None:
        if self.docs_dir is None or not self.build_site:
            return None
        _build_site(self.ctx, Path(self.docs_dir))
        return Path(self.docs_dir) / "index.html"


_INT_TYPES = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64)
_EXACT_IN_FLOAT = 2**53  # integers up to this magnitude are exact in float64


def _numpy_numeric(part: pl.DataFrame, columns: list[str], keys: tuple[str, ...]) -> dict[str, Any]:
    """Numeric columns of ``part`` as numpy int64 / float64 arrays where that changes no GX result.

    GX's pandas engine compares ``expect_column_values_to_be_between`` vectorised only when the
    column's dtype is numpy int64 or float64 (``column.dtype in [int, float]``); on an Arrow-backed
    (or int32, float32) column it calls a Python function per row. GX counts NaN as a missing value
    like a null (pandas' isnull): nulls are skipped by the range check and counted by the not-null
    check either way. So:

    * an integer column without nulls -> int64 (uint64 above int64's range stays Arrow-backed);
    * an integer column with nulls -> float64 with NaN for null, when every value is exact in float64
      and the column is not a key (a key shown as an example would read 3.0 for 3); else Arrow;
    * a float column -> float64 with NaN for null, unless it holds a NaN that is not a null (GX
      would count that NaN as missing, Arrow-backed pandas does not); float32 widens exactly.

    Strings, booleans, dates and the rest stay Arrow-backed."""
    out: dict[str, Any] = {}
    for name in columns:
        s = part[name]
        dtype = s.dtype
        if dtype in _INT_TYPES:
            has_null = s.null_count() > 0
            if s.len() == s.null_count():
                continue
            lo, hi = s.min(), s.max()
            if not has_null:
                if hi <= 2**63 - 1:
                    out[name] = s.cast(pl.Int64).to_numpy()
            elif name not in keys and -_EXACT_IN_FLOAT <= lo and hi <= _EXACT_IN_FLOAT:
                out[name] = s.cast(pl.Float64).to_numpy()  # nulls -> NaN
        elif dtype in (pl.Float32, pl.Float64):
            if not s.is_nan().any():
                out[name] = s.cast(pl.Float64).to_numpy()  # nulls -> NaN
    return out


_INDEX_META = "wardbridge_expectation"  # meta key: the expectation's index in the gate's list
_NAMES_ONLY = frozenset({"ExpectColumnToExist"})  # the verdict depends on the batch's column names alone
_UNFILTERED = frozenset({"ExpectColumnValuesToNotBeNull"})  # GX counts nulls without filtering the frame


def _kwargs_columns(kwargs: dict[str, Any]) -> tuple[str, ...]:
    """The columns an expectation reads (empty: the whole frame)."""
    cols = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
    cols += list(kwargs.get("column_list") or ())
    return tuple(dict.fromkeys(cols))


def _new_context():  # noqa: ANN202 - an ephemeral GX context with wardbridge's pandas data source
    gx, _ = _gx()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    # An ephemeral context "saves" its whole project config (every data asset so far) into an in-memory store
    # that nothing reads back, after each data asset added: quadratic in a session's tables (31 for the marts).
    # The context keeps using its live config, so the copy is skipped.
    ctx._save_project_config = lambda: None
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    ctx.data_sources.add_pandas("wardbridge")
    return ctx


def _build_site(ctx, docs_dir: Path) -> None:  # noqa: ANN001
    """One Data Docs site at ``docs_dir`` over every suite and stored validation of ``ctx``."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    site = "wardbridge_gate"
    ctx.add_data_docs_site(
        site,
        {
            "class_name": "SiteBuilder",
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs_dir.resolve()),
            },
        },
    )
    ctx.build_data_docs(site_names=[site])


def _plain(v: Any) -> Any:
    if hasattr(v, "item"):
        try:
            return v.item()
        except (ValueError, AttributeError):
            pass
    return v

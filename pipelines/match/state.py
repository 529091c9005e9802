"""A match run's state: the frozen model and what an increment needs, saved to and loaded from a folder.

A *frozen model* is everything ``score`` needs (m, u, prior, the term-frequency table of
every adjusted column as value -> share) plus the spec's fingerprint. A run given one
(``match(..., model=frozen)``) skips ``fit``: u, EM and the term frequencies are not
re-estimated, so the same pair always gets the same weight. A value the frozen
term-frequency table has not seen counts as seen once (the rarest value; the boost stays
capped at ``TF_MAX_BOOST_BITS``).

A *state* (``MatchResult.state`` of ``match(..., keep_state=True)``, or of an increment)
holds the frozen model, the input rows, the prepared table, every scored pair (internal
form, row numbers), the lineage, the golden records and the reviewers' verdicts, and, once
computed, each record's block hash per blocking rule (so an increment need not hash every
saved key again). ``save_state`` writes it to a folder (Parquet + JSON, written to a
temporary folder and swapped in); ``load_state`` reads it back and checks its fingerprints.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.match.blocking import BLOCK_HASH_SCHEME, block_ids
from pipelines.match.compare import ValueCodes
from pipelines.match.learning import merged_verdicts, usable_verdicts
from pipelines.match.model import Model, tf_columns
from pipelines.match.spec import MatchSpec

log = logging.getLogger("wardbridge.match")

STATE_VERSION = 1
MANIFEST = "manifest.json"
BLOCKS = "blocks.parquet"
SEEN = "verdicts_seen.parquet"
TABLES = ("frame", "work", "scored", "records", "entities", "merged", "review", "labelled", "cannot_link")
CONTIGUOUS = ("frame", "work")  # read back in one chunk per column: a gather from many chunks is several times slower


class StateError(ValueError):
    """A state or frozen model that cannot be used with this spec or input (the message says why)."""


def spec_fingerprint(spec: MatchSpec) -> str:
    """16 hex digits of SHA-256 over the parsed spec (every key, defaults included; ``ambiguity_threshold`` only when
    set and ``u_exact_floor`` and ``prior_from`` only when not the default, so a spec without them keeps the
    fingerprint it had before the keys existed)."""
    text = repr(spec)
    if spec.ambiguity_threshold is not None:
        text += f" ambiguity_threshold={spec.ambiguity_threshold!r}"
    if spec.u_exact_floor != "sample":
        text += f" u_exact_floor={spec.u_exact_floor!r}"
    if spec.prior_from != "candidates":
        text += f" prior_from={spec.prior_from!r}"
    for comp in spec.comparisons:  # (out of a comparison's repr: a spec without it keeps its fingerprint)
        if comp.m_by is not None:
            text += f" {comp.name}.m_by={comp.m_by!r}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class FrozenCodes(ValueCodes):
    """Value codes of a table whose table-wide word shares are a frozen model's (for the columns it has)."""

    def __init__(
        self, work: pl.DataFrame, shares: dict[str, pl.DataFrame], sources: dict[str, str] | None = None
    ) -> None:
        super().__init__(work, sources)
        self.frozen_shares = shares

    def word_shares(self, column: str) -> pl.DataFrame:
        if column in self.frozen_shares:
            return self.frozen_shares[column]
        return super().word_shares(column)


def word_share_columns(spec: MatchSpec) -> list[str]:
    """Columns whose word shares a comparison reads (levels with ``common_words``)."""
    return sorted(
        {
            (level.columns or comp.columns)[0]
            for comp in spec.comparisons
            for level in comp.levels
            if level.common_words is not None
        }
    )


@dataclass
class FrozenModel:
    model: Model
    tf: dict[tuple[str, str], pl.DataFrame]  # (comparison, column) -> value, tf
    tf_unseen: dict[tuple[str, str], float]  # tf of a value the table has not seen (seen once)
    spec_fingerprint: str
    # table-wide statistics comparisons read (word shares per column, see ValueCodes.word_shares): frozen
    # with the model so a pair's levels do not depend on which other records are in the table
    word_shares: dict[str, pl.DataFrame] = field(default_factory=dict)
    word_columns: tuple[str, ...] = ()  # the columns whose shares ``keep_statistics`` takes

    def codes(self, work: pl.DataFrame, sources: dict[str, str] | None = None) -> ValueCodes:
        """Value codes of ``work`` that read the frozen word shares instead of the table's own (``sources``:
        ``prepare.derived_sources``, derived columns coded on their source's distinct values as in a fitted run:
        the same codes, at 1M people 0.5 CPU s less)."""
        return FrozenCodes(work, self.word_shares, sources)

    def keep_statistics(self, codes: ValueCodes) -> None:
        """Take the word shares of the fitted run's table (``codes``: its value codes, computed once there)."""
        self.word_shares = {c: codes.word_shares(c) for c in self.word_columns} | self.word_shares

    @classmethod
    def freeze(cls, model: Model, work: pl.DataFrame, spec: MatchSpec) -> FrozenModel:
        """The fitted model with the term-frequency tables of ``work`` (the same shares ``fit`` gave each record)."""
        tf, unseen = {}, {}
        for comp in spec.scored_comparisons:
            for column in tf_columns(comp):
                values = work.select(pl.col(column).alias("value"))
                total = max(values.height - values.null_count().item(), 1)
                tf[(comp.name, column)] = (
                    values.drop_nulls().group_by("value").len().select("value", (pl.col("len") / total).alias("tf"))
                )
                unseen[(comp.name, column)] = 1.0 / total
        return cls(model, tf, unseen, spec_fingerprint(spec), word_columns=tuple(word_share_columns(spec)))

    def tf_tables(self, work: pl.DataFrame) -> dict[tuple[str, str], pl.Series]:
        """Per record of ``work`` its value's frozen share (as ``fit`` returns them; null when missing)."""
        out = {}
        for key, table in self.tf.items():
            column = key[1]
            looked = work.select(pl.col(column).alias("value")).join(
                table, on="value", how="left", maintain_order="left"
            )
            out[key] = looked.select(
                pl.when(pl.col("value").is_not_null()).then(pl.col("tf").fill_null(self.tf_unseen[key])).alias("tf")
            )["tf"]
        return out

    def check(self, spec: MatchSpec, what: str = "the frozen model") -> None:
        if spec_fingerprint(spec) != self.spec_fingerprint:
            raise StateError(
                f"{what} was fitted under another spec (fingerprint {self.spec_fingerprint}, this spec "
                f"{spec_fingerprint(spec)}): a frozen model is only valid with the spec it was fitted with; "
                "run a full match to fit a new one"
            )

    SAVES_TF_RECORDS = True  # model_json/from_json keep Model.tf_records: model.fit sets them only then

    def model_json(self, diagnostics: bool = False) -> dict:
        """The model as JSON (what ``fingerprint`` hashes). ``diagnostics``: with ``Model.prior_estimate`` too (how
        the prior was worked out; ``save_state`` keeps it, so a run scored with a frozen model reports the prior's
        method and both priors as its fitted run did). Not hashed: it changes no weight, and its sums differ at
        1e-15 between shard counts."""
        m = self.model
        kept = {"tf_records": m.tf_records} if m.tf_records is not None else {}  # older states: same fingerprint
        if diagnostics and m.prior_estimate:
            kept["prior_estimate"] = m.prior_estimate
        if m.m_by:  # (a model without it: the same JSON, the same fingerprint)
            kept["m_by"] = {k: v.tolist() for k, v in m.m_by.items()}
            kept["m_by_when"] = m.m_by_when
            kept["m_by_from"] = m.m_by_from
        return kept | {
            "levels": m.levels,
            "m": {k: v.tolist() for k, v in m.m.items()},
            "u": {k: v.tolist() for k, v in m.u.items()},
            "candidate_match_share": m.candidate_match_share,
            "prior": m.prior,
            "em_iterations": m.em_iterations,
            "converged": m.converged,
            "random_pairs": m.random_pairs,
            "em_per_rule": m.em_per_rule,
            "m_source": m.m_source,
            "tf_unseen": [[c, col, v] for (c, col), v in self.tf_unseen.items()],
            "spec_fingerprint": self.spec_fingerprint,
        }

    @classmethod
    def from_json(cls, data: dict, tf: dict[tuple[str, str], pl.DataFrame]) -> FrozenModel:
        model = Model(
            data["levels"],
            {k: np.asarray(v, dtype=float) for k, v in data["m"].items()},
            {k: np.asarray(v, dtype=float) for k, v in data["u"].items()},
            data["candidate_match_share"],
            data["prior"],
            data["em_iterations"],
            data["converged"],
            data["random_pairs"],
            data["em_per_rule"],
            data["m_source"],
            data.get("tf_records"),
            data.get("prior_estimate", {}),  # states saved before it was kept: no diagnostics
            {k: np.asarray(v, dtype=float) for k, v in data.get("m_by", {}).items()},
            data.get("m_by_when", {}),
            data.get("m_by_from", {}),
        )
        unseen = {(c, col): v for c, col, v in data["tf_unseen"]}
        return cls(model, tf, unseen, data["spec_fingerprint"])

    def fingerprint(self) -> str:
        """16 hex digits over m, u, prior and the term-frequency tables: two runs with the same one score alike."""
        digest = hashlib.sha256(json.dumps(self.model_json(), sort_keys=True, default=str).encode())
        for column in sorted(self.word_shares):
            table = self.word_shares[column]
            table = table.sort(table.columns)
            digest.update(f"words:{column}:{table.height}".encode())
            _digest_values(digest.update, table.to_series(0))
            digest.update(table.to_series(1).cast(pl.Float64).to_numpy().tobytes())
        for key in sorted(self.tf):
            table = self.tf[key].sort("value")
            digest.update(f"{key}:{table.height}".encode())
            _digest_values(digest.update, table["value"])
            digest.update(table["tf"].to_numpy().tobytes())
        return digest.hexdigest()[:16]


DIGEST_CHUNK = 65_536  # values hashed at a time: one joined string per chunk, never one of a whole table


def _digest_values(update: Callable[[bytes], object], values: pl.Series) -> None:
    """Feed ``values`` as text joined by a separator to a digest (its ``update``) a chunk at a time (the same bytes as one
    joined string, so fingerprints saved before stay valid)."""
    text = values.cast(pl.String).drop_nulls()
    for start in range(0, len(text), DIGEST_CHUNK):
        if start:
            update(b"\x1f")
        update(text.slice(start, DIGEST_CHUNK).str.join("\x1f").item().encode())


@dataclass
class MatchState:
    """Everything an increment needs of the run it extends (row numbers: positions in ``frame``/``work``)."""

    frozen: FrozenModel
    frame: pl.DataFrame  # the input rows as given (golden records are built from them)
    work: pl.DataFrame  # the prepared table
    scored: pl.DataFrame  # every scored pair, internal form (l, r, rules, levels, weights, decision, ...)
    records: pl.DataFrame  # lineage, one row per record in row order
    entities: pl.DataFrame  # golden records
    merged: pl.DataFrame  # previous entities merged into others (history)
    review: pl.DataFrame  # the review queue
    labelled: pl.DataFrame  # reviewers' "same entity" verdicts (left_id, right_id) the run applied
    cannot_link: pl.DataFrame  # reviewers' "different entities" verdicts
    # per record and blocking rule, its block's hash (``blocking.block_ids``; None: not computed). Hashes are
    # only stable within one Polars version: a state saved by another is read without them
    blocks: pl.DataFrame | None = None
    # verdicts ("same" or "different") increments added since the model was fitted: they link or veto their
    # pairs, but the frozen m has not learned from them (a full run without --model refits m from every verdict; learning.refit_advised)
    verdicts_since_fit: int = 0
    # left_id, right_id (in text order), same: the verdicts usable at some point since the model was fitted (as an
    # increment began, or made usable by it), each counted once in verdicts_since_fit: a record withdrawn and sent
    # again does not count its verdicts twice. None: a full run's state (m fitted with the verdicts usable then)
    verdicts_seen: pl.DataFrame | None = None


def verdicts(pairs: pl.DataFrame | None) -> pl.DataFrame:
    """Reviewers' verdict pairs as kept in a state (left_id, right_id as text)."""
    if pairs is None or not pairs.height:
        return pl.DataFrame(schema={"left_id": pl.String, "right_id": pl.String})
    return pairs.select(pl.col("left_id").cast(pl.String), pl.col("right_id").cast(pl.String))


def ensure_block_ids(state: MatchState, spec: MatchSpec, what: str = "the state") -> pl.DataFrame:
    """The state's block ids of its records (``block_ids``): its saved ones when they fit ``spec`` (a column per
    blocking rule, in order, a row per record, hash dtypes), else computed again (a state saved without them,
    or by another Polars version, whose hashes may differ), after checking the state was fitted under ``spec``
    (``what`` names it in the error)."""
    names, blocks = [rule.name for rule in spec.blocking], state.blocks
    hashed = (pl.UInt32, pl.List(pl.UInt32))
    if blocks is not None and blocks.columns == names and blocks.height == state.work.height:
        if all(dtype in hashed for dtype in blocks.dtypes):
            return blocks
    state.frozen.check(spec, what)
    return block_ids(state.work, spec)


def save_state(state: MatchState, folder: str | Path, spec: MatchSpec | None = None) -> Path:
    """Write ``state`` to ``folder`` (replaced whole: written beside it, then swapped in). With ``spec`` (the
    state's), a state without fitting block hashes (a full run's) gets them first (``ensure_block_ids``), so the
    next increment reads them."""
    folder = Path(folder)
    blocks = state.blocks
    if spec is not None and spec.blocking:
        blocks = ensure_block_ids(state, spec, "the state to save")
    tmp = folder.with_name(folder.name + ".writing")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    for name in TABLES:
        getattr(state, name).write_parquet(tmp / f"{name}.parquet", compression="lz4")
    # the term-frequency and word tables in their values' order (they come from group-bys, which keep none): the
    # same fitted run saves the same files, whatever order its threads counted in
    tf_files = {}
    for i, ((comp, column), table) in enumerate(sorted(state.frozen.tf.items())):
        tf_files[f"tf_{i}.parquet"] = [comp, column]
        table.sort("value").write_parquet(tmp / f"tf_{i}.parquet")
    word_files = {}
    for i, (column, table) in enumerate(sorted(state.frozen.word_shares.items())):
        word_files[f"words_{i}.parquet"] = column
        table.sort("word").write_parquet(tmp / f"words_{i}.parquet")
    if blocks is not None:
        blocks.write_parquet(tmp / BLOCKS, compression="lz4")
    if state.verdicts_seen is not None:
        state.verdicts_seen.write_parquet(tmp / SEEN)
    manifest = {
        "version": STATE_VERSION,
        "spec_fingerprint": state.frozen.spec_fingerprint,
        "model_fingerprint": state.frozen.fingerprint(),
        "records": state.work.height,
        "pairs": state.scored.height,
        "verdicts_since_fit": state.verdicts_since_fit,
        "verdicts_seen": state.verdicts_seen is not None,
        "model": state.frozen.model_json(diagnostics=True),
        "tf_files": tf_files,
        "word_files": word_files,
        # block hashes are Polars' (stable within one version only)
        "blocks": None
        if blocks is None
        else {"polars": pl.__version__, "scheme": BLOCK_HASH_SCHEME, "rules": blocks.columns},
    }
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, default=str), encoding="utf-8")
    old = folder.with_name(folder.name + ".old")
    if folder.exists():
        if old.exists():
            shutil.rmtree(old)
        folder.rename(old)
    tmp.rename(folder)
    if old.exists():
        shutil.rmtree(old)
    return folder


def load_frozen(folder: str | Path) -> tuple[FrozenModel, dict]:
    """The frozen model of a saved state (and its manifest), its fingerprint checked."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.exists():
        raise StateError(
            f"{folder}: not a saved match state (no {MANIFEST}; save one with `wardbridge match --save-state`)"
        )
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("version") != STATE_VERSION:
        raise StateError(f"{folder}: state version {manifest.get('version')} (this wardbridge reads {STATE_VERSION})")
    tf = {(comp, column): pl.read_parquet(folder / name) for name, (comp, column) in manifest["tf_files"].items()}
    frozen = FrozenModel.from_json(manifest["model"], tf)
    frozen.word_shares = {column: pl.read_parquet(folder / name) for name, column in manifest["word_files"].items()}
    if frozen.fingerprint() != manifest["model_fingerprint"]:
        raise StateError(
            f"{folder}: the model read back (fingerprint {frozen.fingerprint()}) is not the one saved "
            f"({manifest['model_fingerprint']}): the state was changed or damaged; run a full match"
        )
    return frozen, manifest


def verdict_history(folder: str | Path, id_column: str) -> tuple[int, pl.DataFrame]:
    """What the frozen m of a saved state has not learned, and what it has seen: its count of verdicts since the fit
    and every verdict usable since the fit (its ``verdicts_seen`` with the verdicts its own records could use), as
    ``learning.verdicts_since_fit`` reads them for a run scored by that model (``--model``). Reads the manifest, the
    verdict tables and the records' ids, not the whole state."""
    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    ids = pl.read_parquet(folder / "work.parquet", columns=[id_column])[id_column]
    usable = usable_verdicts(
        ids, pl.read_parquet(folder / "labelled.parquet"), pl.read_parquet(folder / "cannot_link.parquet")
    )
    seen = pl.read_parquet(folder / SEEN) if manifest.get("verdicts_seen") else None
    return int(manifest.get("verdicts_since_fit", 0)), merged_verdicts(seen, usable)


def load_state(folder: str | Path, spec: MatchSpec | None = None) -> MatchState:
    """Read a saved state; with ``spec``, refuse it unless it was made under that spec."""
    folder = Path(folder)
    frozen, manifest = load_frozen(folder)
    if spec is not None:
        frozen.check(spec, f"the state in {folder}")
    tables = {name: pl.read_parquet(folder / f"{name}.parquet") for name in TABLES}
    for name in CONTIGUOUS:  # (read a row group a chunk; an increment gathers rows of these from all over)
        tables[name] = tables[name].rechunk()
    if tables["work"].height != manifest["records"] or tables["scored"].height != manifest["pairs"]:
        raise StateError(f"{folder}: its tables do not hold the records and pairs its manifest counts: damaged")
    blocks, saved = None, manifest.get("blocks")
    if saved and (saved["polars"], saved.get("scheme")) == (pl.__version__, BLOCK_HASH_SCHEME):
        # (hashes of another Polars version or scheme are computed again when needed)
        blocks = _read_blocks(folder / BLOCKS, manifest["records"], saved["rules"])
    since = int(manifest.get("verdicts_since_fit", 0))  # (a state saved before it was counted: 0)
    seen = pl.read_parquet(folder / SEEN) if manifest.get("verdicts_seen") else None
    return MatchState(frozen=frozen, **tables, blocks=blocks, verdicts_since_fit=since, verdicts_seen=seen)


def _read_blocks(path: Path, records: int, rules: list[str]) -> pl.DataFrame | None:
    """A state's saved block hashes, or None (a warning logged) when the file is missing, unreadable or does not
    cover the records: they are a cache, which the next increment computes again."""
    try:
        blocks = pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError) as error:
        # (the file holds hashes only: the error names no personal value)
        cause = "missing" if isinstance(error, FileNotFoundError) else f"unreadable ({type(error).__name__}: {error})"
        log.warning("%s: block hashes %s; the increment computes them again", path, cause)
        return None
    if blocks.height != records or blocks.columns != rules:
        log.warning(
            "%s: block hashes damaged (%d rows for %d records, rules %s for %s); the increment computes them again",
            path,
            blocks.height,
            records,
            blocks.columns,
            rules,
        )
        return None
    return blocks

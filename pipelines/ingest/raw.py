"""raw: one extract's rows, verbatim, under canonical column names, with lineage."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import polars as pl

from pipelines.ingest.catalogue import PERSONAL_ID_FIELDS, Extract
from pipelines.ingest.readers import (
    DECODED,
    EXCEL_ERROR,
    EXCEL_ERROR_FLAG,
    INTERNAL,
    KEY,
    LINE,
    NUMERIC,
    OVERFLOW,
    SHORT,
    SYNTHETIC,
    ReadResult,
    SourceReadError,
    column_named,
    folded_name,
    read_extract,
)
from pipelines.schema import ADDRESS_PARTS, CANONICAL_FIELDS, REQUIRED_FIELDS, raw_table


class SourceSchemaError(ValueError):
    """The extract lacks a column the catalogue maps to a required field (schema drift)."""


@dataclass
class RawLoad:
    frame: pl.DataFrame  # declared by raw_table(registry)
    encoding: str | None
    extra_columns: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)
    # field -> the file's columns the catalogue maps to it, when more than one: the last is read, the others are
    # kept in extra_columns (before, their values were dropped)
    mapped_twice: dict[str, list[str]] = field(default_factory=dict)
    read_problems: int = 0  # rows that could not be split into fields (they go to quarantine)
    blank_lines: int = 0  # blank lines or rows of the file (not rows)
    synthetic_keys: int = 0  # rows whose key cell was empty: keyed by their line ('line:17')
    overflow_rows: int = 0  # rows with values beyond the header's last column (kept in extra_columns._overflow)
    short_rows: int = 0  # rows with fewer fields than the header (the missing ones are null)
    deleted_records: int = 0  # records the file marks deleted (dbf): quarantined with their values, not loaded
    repeated_key_rows: int = 0  # rows whose source key another row of the extract has too (flagged key_repeated)
    # cells not in the file's encoding, per source column (dbf): their records are quarantined, named with the field
    undecodable_cells: dict[str, int] = field(default_factory=dict)
    # undecodable cells of columns the catalogue does not map (SQL: a photo), per column: kept as hex, rows loaded
    undecodable_kept: dict[str, int] = field(default_factory=dict)
    rejected: str | None = None  # why the extract is rejected whole on reading (its rows are all quarantined)
    renamed: dict[str, str] = field(default_factory=dict)  # header name -> the catalogue name it was read as
    # per mapped field, cells that may be numbers cut short whose kind (number or text) the reader could not tell
    # (xlsx: a second read of the sheet failed): not marked numeric, so staging restores no leading zero in them
    numbers_unknown: dict[str, int] = field(default_factory=dict)
    # per column (mapped ones by their field), xlsx cells holding an Excel error (#REF!, #N/A): read as empty
    error_cells: dict[str, int] = field(default_factory=dict)
    # xlsx sheets hidden or very hidden, not read as records: (name, state, rows holding a value or None)
    hidden_sheets: list[tuple[str, str, int | None]] = field(default_factory=list)
    # of them, those the catalogue's hidden_sheets_known names (listed, not warned about), and the names it gives that
    # are no hidden sheet of the workbook (warned about): readers.ReadResult
    hidden_known: list[tuple[str, str, int | None]] = field(default_factory=list)
    known_not_hidden: list[str] = field(default_factory=list)
    # lines of a UTF-8 file not valid UTF-8 and read in a legacy encoding (readers._legacy_lines): line -> encoding
    legacy_lines: dict[int, str] = field(default_factory=dict)
    # a CSV with no line end after its last row, read as whole: (its line, its fields, its last column's name)
    # (readers.ReadResult.unended)
    unended: tuple[int, int, str] | None = None
    # a JSON array (jsonl, one object per line) that is never closed: its last line (readers.ReadResult.unclosed_array)
    unclosed_array: int | None = None
    # personal-ID field -> (rows whose source key is that field's value, rows holding a value in it), when at least
    # half are: the source is keyed by people's ID numbers (_personal_keys)
    personal_keys: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        """The load's row counts, for reports."""
        return {
            "rows": self.frame.height,
            "read_problems": self.read_problems,
            "blank_lines": self.blank_lines,
            "synthetic_keys": self.synthetic_keys,
            "overflow_rows": self.overflow_rows,
            "short_rows": self.short_rows,
            "deleted_records": self.deleted_records,
            "repeated_key_rows": self.repeated_key_rows,
            "undecodable_cells": sum(self.undecodable_cells.values()),
            "undecodable_kept": sum(self.undecodable_kept.values()),
            "numbers_unknown": sum(self.numbers_unknown.values()),
        }


def _check_columns(extract: Extract, columns: list[str], header_at: str | None = None) -> tuple[list[str], list[str]]:
    """Extra and missing optional columns; a missing required column raises, naming no header cell of the file.

    A wrong header row makes a data row (names, IDs) read as the header: the message says
    how many columns were found and which of them are names the catalogue knows, never
    the other cells.
    """
    spec = extract.source
    present = set(columns)
    missing = {src: canon for src, canon in spec.columns.items() if src not in present}
    canon_present = {canon for src, canon in spec.columns.items() if src in present}
    required_missing = []
    for canon in REQUIRED_FIELDS[spec.registry]:
        serves = {"address", "ward", "district"} if canon == "address" else {canon}
        if not canon_present & serves:
            required_missing.append(_expected(spec.columns, canon, serves))
    if required_missing:
        found = [c for c in columns if c not in INTERNAL]
        known = set(spec.columns) | ({spec.key_column} if spec.key_column else set())
        matching = [c for c in found if c in known]
        hint = ""
        if len(found) <= 2 and found and any(d in found[0] for d in ";\t|" if d != spec.delimiter):
            hint = f"; the header reads as one column holding other separators: is the delimiter really {spec.delimiter!r}?"
        elif len(found) <= 2 and found and sum(folded_name(k) in folded_name(found[0]) for k in known) >= 2:
            # a tab between the names: the reader takes control characters out of header names, the tab too
            hint = (
                "; the header reads as one column running several of the catalogue's column names together (a tab "
                f'between them?): is the delimiter really {spec.delimiter!r}? (a tab-separated file: delimiter = "\\t")'
            )
        raise SourceSchemaError(
            f"{extract.location}: required column(s) {', '.join(required_missing)} missing (source {spec.id}, "
            f"catalogue {spec.catalogue_file.name}); {f'the header ({header_at})' if header_at else 'the source'} "
            f"has {len(found)} columns, "
            f"of which {len(matching)} match the catalogue's column names {matching}"
            + (f" (the other {n} are not shown: they may be data)" if (n := len(found) - len(matching)) else "")
            + hint
        )
    extra = [c for c in columns if c not in spec.columns and c not in INTERNAL and c != spec.key_column]
    return extra, sorted(missing)


def _expected(columns: dict[str, str], canon: str, serves: set[str]) -> str:
    """The source's own column(s) the catalogue maps to a required field, each with its canonical field in brackets:
    "'ten_chu_ho' (head_name)", "'dia_chi' (address) or 'phuong' (ward)", "'phuong' (ward) or 'quan' (district) for
    the address". Before, an address mapped as ward/district columns only was named by its canonical field among the
    source's column names (['ten_chu_ho', 'address']), and a ward column that would do went unnamed."""
    alternatives = [f"{src!r} ({field})" for src, field in columns.items() if field in serves]
    if not alternatives:  # the catalogue maps nothing to it (load_catalogue refuses such a source)
        return f"({canon})"
    return " or ".join(alternatives) + ("" if canon in columns.values() else f" for the {canon}")


def _repeats_differ(repeated: dict[str, list[str]], spec, columns: list[str]) -> pl.Expr:  # noqa: ANN001
    """Why a row is not read (else null): a column the catalogue maps is named twice in the header and this row's
    values in them differ, so which one the source meant is unknown (where they agree, or one is empty, it loads)."""
    problem = pl.lit(None, dtype=pl.String)
    used = set(spec.columns) | ({spec.key_column} if spec.key_column else set())
    where = pl.col(LINE) if LINE in columns else pl.lit("a row")
    # ``repeated`` is in header order (first copies' positions): the first listed is built last, so its reason wins
    for first, others in reversed(list(repeated.items())):
        if first not in used:
            continue
        value = pl.col(first).str.strip_chars()
        other = [pl.col(o).str.strip_chars() for o in others]
        differ = pl.any_horizontal([(value != "") & (o != "") & (o != value) for o in other])
        reason = pl.format(
            "{}: column {} is named more than once in the header and its values differ (which one is meant is unknown)",
            where,
            pl.lit(repr(first)),
        )
        problem = pl.when(differ.fill_null(False)).then(reason).otherwise(problem)
    return problem


def _mapped(src: str | None, repeated: dict[str, list[str]], columns: list[str]) -> pl.Expr:
    """The value of the source column ``src`` (None: not in the source). A column named more than once in the
    header is the first of its copies that is not blank (empty or spaces), else the first copy as it is: where
    the copies hold different values the row is not read (:func:`_repeats_differ`)."""
    if not src:
        return pl.lit(None, dtype=pl.String)
    copies = [c for c in [src, *repeated.get(src, [])] if c in columns]
    if len(copies) == 1:
        return pl.col(src)
    filled = [pl.when(pl.col(c).str.strip_chars() != "").then(pl.col(c)) for c in copies]
    return pl.coalesce(*filled, pl.col(src))


def _number_repeated(out: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Add ``_occurrence`` (1 for a key the extract holds once) and flag every row of a repeated key.

    A key the source repeats still gets a record of its own: occurrence n > 1 is suffixed ``~n`` by the caller.
    Among the rows of one key, n follows the order of the rows' values (their JSON text), not their place in the
    file, so a re-export in another row order gives each row the same record key; rows equal in every value
    keep file order (they are interchangeable). Every row of a repeated key gets ``key_repeated`` in row_flags
    (staged: listed in ``issues``), since which source row a key means is then the source's ambiguity."""
    repeated = pl.len().over("source_key") > 1
    out = out.with_row_index("_row").with_columns(_repeated=repeated)
    n = int(out["_repeated"].sum())
    if not n:
        return out.drop("_row", "_repeated").with_columns(_occurrence=pl.lit(1, dtype=pl.UInt32)), 0
    content = pl.struct(pl.all().exclude("_row", "_repeated", "source_key", "row_flags")).struct.json_encode()
    ranks = out.filter("_repeated").select("_row", _occurrence=content.rank("ordinal").over("source_key"))
    out = out.join(ranks, on="_row", how="left", maintain_order="left").with_columns(
        _occurrence=pl.col("_occurrence").fill_null(1),
        row_flags=pl.when("_repeated")
        .then(pl.concat_str([pl.col("row_flags"), pl.lit("key_repeated")], separator="; ", ignore_nulls=True))
        .otherwise(pl.col("row_flags")),
    )
    return out.drop("_row", "_repeated"), n


def _names_as_catalogued(frame: pl.DataFrame, spec) -> tuple[pl.DataFrame, dict[str, str]]:  # noqa: ANN001
    """The frame with each column whose name differs from a catalogue name in case and spacing only renamed to it
    (readers.column_named: one such column, and no column of the catalogue's own name); the renames made."""
    wanted = [*spec.columns, *([spec.key_column] if spec.key_column else [])]
    renamed = {}
    for name in wanted:
        found = column_named(name, [c for c in frame.columns if c not in INTERNAL])
        if found != name and found not in renamed and found not in wanted:
            renamed[found] = name
    return (frame.rename(renamed) if renamed else frame), renamed


def _decoded_flag(
    frame: pl.DataFrame, canonical: dict[str, str | None], extra: list[str], renamed: dict[str, str]
) -> pl.Expr:
    """row_flags 'decoded:address=tcvn3,head_name=vni,extra_columns.ghi_chu=vni': the fields whose cell the reader
    read in a legacy encoding (readers.DECODED: a SQLite cell not UTF-8; staging counts them as text repairs), a
    column the catalogue does not map named 'extra_columns.<its name>' (its text is kept there; ',', ';', '=' and
    ':' in the name written '_': they separate the flag's parts); null when none. The reader names the header's
    columns: a column read by its catalogue name (``renamed``, header name -> catalogue name) is looked for under
    its header name."""
    from pipelines.encodings import LEGACY

    if DECODED not in frame.columns:
        return pl.lit(None, dtype=pl.String)
    header = {name: found for found, name in renamed.items()}
    fields = {canon: src for canon, src in canonical.items() if src}
    fields.update({"extra_columns." + re.sub(r"[,;=:]", "_", src): src for src in extra})
    cells = pl.col(DECODED)
    marked = [
        pl.when(cells.list.contains(f"{encoding}:{header.get(src, src)}")).then(pl.lit(f"{label}={encoding}"))
        for label, src in fields.items()
        for encoding in LEGACY
    ]
    if not marked:
        return pl.lit(None, dtype=pl.String)
    flags = pl.concat_str(marked, separator=",", ignore_nulls=True)
    return pl.when(flags != "").then(pl.format("decoded:{}", flags))


def _stopped(exc: BaseException, rows: int) -> str:
    """Why a streamed read stopped, without the driver's text (it may quote a cell): a connection the database
    closed or lost mid-read (SQLAlchemy marks it invalidated: a server restart, an administrator's
    pg_terminate_backend, a network cut) is said as such, with the rows read before it (none of them is written)."""
    name = type(getattr(exc, "orig", None) or exc).__name__
    after = f"after {rows:,} rows (none of this extract is written)"
    if getattr(exc, "connection_invalidated", False):
        return f"reading stopped {after}: the connection to the database was lost ({name}); load the extract again"
    return f"reading stopped {after}: {name}"


def load_raw(extract: Extract, run_id: str) -> RawLoad:
    """Read an extract into the raw table of its registry. Raises on unreadable files and schema drift."""
    spec = extract.source
    result = read_extract(extract)
    frame, renamed = _names_as_catalogued(_read_rows(extract, result), spec)
    # the reader's number and Excel-error marks name the header's columns: renamed too (an error cell under 'DIA_CHI'
    # read as dia_chi lost its flag, its row's reason said 'missing')
    marks = [m for m in (NUMERIC, EXCEL_ERROR) if m in frame.columns] if renamed else []
    if marks:
        frame = frame.with_columns(pl.col(m).list.eval(pl.element().replace(renamed)) for m in marks)
    unknown = {renamed.get(src, src): n for src, n in result.numbers_unknown.items()}
    repeated = {renamed.get(first, first): others for first, others in result.repeated.items()}
    if result.header_problem:  # no column can be named: every row is a problem row, the extract is rejected
        extra, missing_optional = [], []
    else:
        extra, missing_optional = _check_columns(extract, frame.columns, result.header_at)
    table = raw_table(spec.registry)

    canonical = {**{c: None for c in CANONICAL_FIELDS[spec.registry]}, **{p: None for p in ADDRESS_PARTS}}
    shadowed: dict[str, list[str]] = {}  # field -> the file's other columns mapped to it, kept in extra_columns
    for src, canon in spec.columns.items():
        if src in frame.columns:
            if canonical[canon] is not None:  # two columns of the file mapped to one field: the last one mapped is
                shadowed.setdefault(canon, []).append(canonical[canon])  # read, the others kept (were dropped)
            canonical[canon] = src
    extra = [*extra, *(c for columns in shadowed.values() for c in columns)]
    # a missing mapped column whose field another column of the file gives (both spellings of a renamed column
    # mapped) leaves nothing empty: not said missing
    missing_optional = [c for c in missing_optional if canonical[spec.columns[c]] is None]
    for mark in (NUMERIC, EXCEL_ERROR):  # (a reader that marks none)
        if mark not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.List(pl.String)).alias(mark))
    out = frame.select(
        source_key=pl.col(KEY),
        **{canon: _mapped(src, repeated, frame.columns) for canon, src in canonical.items()},
        extra_columns=_extra_columns_json(extra),
        read_problem=_repeats_differ(repeated, spec, frame.columns),
        row_flags=_row_flags(frame, canonical, extra, renamed),
    )
    counts = frame.select(
        synthetic=pl.col(SYNTHETIC).fill_null(False).sum(), overflow=(_OVERFLOW > 0).sum(), short=(_SHORT > 0).sum()
    ).row(0, named=True)
    personal_keys = _personal_keys(out, spec)
    out, repeated_rows = _number_repeated(_with_problem_rows(out, result))
    return RawLoad(
        table.cast(_with_record_keys(out, extract, run_id)),
        result.encoding,
        extra,
        missing_optional,
        read_problems=len(result.problems) + sum(f.height for f in result.problem_frames) - result.deleted,
        blank_lines=result.blank_lines,
        synthetic_keys=int(counts["synthetic"] or 0),
        overflow_rows=int(counts["overflow"] or 0),
        short_rows=int(counts["short"] or 0),
        deleted_records=result.deleted,
        repeated_key_rows=repeated_rows,
        undecodable_cells=result.undecodable,
        undecodable_kept=result.undecodable_kept,
        rejected=result.header_problem,
        renamed=renamed,
        numbers_unknown={canon: unknown[src] for canon, src in canonical.items() if src and src in unknown},
        error_cells={
            {src: canon for canon, src in canonical.items() if src}.get(name, name): n
            for name, n in {renamed.get(src, src): n for src, n in result.error_cells.items()}.items()
        },
        hidden_sheets=result.hidden_sheets,
        hidden_known=result.hidden_known,
        known_not_hidden=result.known_not_hidden,
        legacy_lines=result.legacy_lines,
        unended=result.unended,
        unclosed_array=result.unclosed_array,
        personal_keys=personal_keys,
        mapped_twice={canon: [*others, canonical[canon]] for canon, others in shadowed.items()},
    )


def _personal_keys(out: pl.DataFrame, spec) -> dict[str, tuple[int, int]]:  # noqa: ANN001 - catalogue SourceSpec
    """Personal-ID field (catalogue.PERSONAL_ID_FIELDS) -> (rows whose source key equals its value, rows holding a
    value in it), for each field whose value is the key in at least half of those rows: every record key then holds
    a person's ID number. The catalogue warns about a key_column it maps to such a field (SourceSpec.
    personal_key_field: not counted again here); this sees the keys it cannot: a SQL table's primary key (no
    key_column) that is the ID column, a key_column the entry does not map holding the IDs a mapped column holds."""
    if spec.personal_key_field:
        return {}
    fields = [f for f in PERSONAL_ID_FIELDS if f in out.columns]
    if not fields or not out.height:
        return {}
    key = pl.col("source_key").str.strip_chars()
    counts = out.select(
        *(pl.col(f).str.strip_chars().replace("", None).is_not_null().sum().alias(f"held_{f}") for f in fields),
        *((pl.col(f).str.strip_chars() == key).fill_null(False).sum().alias(f"same_{f}") for f in fields),
    ).row(0, named=True)
    return {
        f: (counts[f"same_{f}"], counts[f"held_{f}"])
        for f in fields
        if counts[f"same_{f}"] and counts[f"same_{f}"] * 2 >= counts[f"held_{f}"]
    }


_OVERFLOW = pl.col(OVERFLOW).list.len().fill_null(0)  # values beyond the header's last column
_SHORT = pl.col(SHORT).fill_null(0)  # columns missing at the row's end


def _read_rows(extract: Extract, result: ReadResult) -> pl.DataFrame:
    """The reader's rows in one frame, with its SYNTHETIC, SHORT and OVERFLOW columns (null when it set none)."""
    frames: list[pl.DataFrame] = []
    try:  # database sources stream: a failure mid-stream is a read failure of this extract too
        frames.extend(f for f in result.batches if f.width)
    except SourceReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - named with the file/table, never with the driver's message
        raise SourceReadError(f"{extract.location}: {_stopped(exc, sum(f.height for f in frames))}") from exc
    frame = pl.concat(frames, how="diagonal") if frames else pl.DataFrame({KEY: []}, schema={KEY: pl.String})
    for name, dtype in ((SYNTHETIC, pl.Boolean), (SHORT, pl.Int32), (OVERFLOW, pl.List(pl.String))):
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=dtype).alias(name))
    return frame


def _extra_columns_json(extra: list[str]) -> pl.Expr:
    """extra_columns: the columns not in the catalogue and the values beyond the header's last column, as JSON."""
    kept = [pl.col(c) for c in extra] + [pl.when(_OVERFLOW > 0).then(pl.col(OVERFLOW)).alias("_overflow")]
    extra_json = pl.struct(kept).struct.json_encode()
    if not extra:  # only rows with overflow have something to keep
        return pl.when(_OVERFLOW > 0).then(extra_json)
    return extra_json.str.replace(r',"_overflow":null\}$', "}")


def _row_flags(frame: pl.DataFrame, canonical: dict[str, str | None], extra: list[str], renamed: dict) -> pl.Expr:
    """row_flags: a synthetic key, overflow, a short row, the fields read from number cells or from cells holding an
    Excel error, the cells decoded from a legacy encoding ('; ' between them; null when none)."""
    cells = pl.col(NUMERIC)  # a list of source column names (a name may hold a comma: never split on one)
    marked = [pl.when(cells.list.contains(src)).then(pl.lit(canon)) for canon, src in canonical.items() if src]
    # the canonical fields of the cells the reader read as numbers (stage.NUMERIC_CELLS)
    numeric = pl.concat_str(marked, separator=",", ignore_nulls=True) if marked else pl.lit("")
    failed = [
        pl.when(pl.col(EXCEL_ERROR).list.contains(src)).then(pl.lit(canon)) for canon, src in canonical.items() if src
    ]
    # the canonical fields whose cell held an Excel error, read as empty (stage: their 'missing' says so)
    failed_fields = pl.concat_str(failed, separator=",", ignore_nulls=True) if failed else pl.lit("")
    return pl.concat_str(
        [
            pl.when(pl.col(SYNTHETIC).fill_null(False)).then(pl.lit("key_synthetic")),
            pl.when(_OVERFLOW > 0).then(pl.format("overflow:{}", _OVERFLOW)),
            pl.when(_SHORT > 0).then(pl.format("short:{}", _SHORT)),
            pl.when(numeric != "").then(pl.format("numeric:{}", numeric)),
            pl.when(failed_fields != "").then(pl.format("{}:{}", pl.lit(EXCEL_ERROR_FLAG), failed_fields)),
            _decoded_flag(frame, canonical, extra, renamed),
        ],
        separator="; ",
        ignore_nulls=True,
    ).replace("", None)


def _with_problem_rows(out: pl.DataFrame, result: ReadResult) -> pl.DataFrame:
    """The raw rows with the reader's problem rows after them (each line it could not read, with its text)."""
    if result.problems:
        bad = pl.DataFrame(
            {
                "source_key": [p.source_key for p in result.problems],
                "extra_columns": [json.dumps({"_unparsed": p.raw_text}, ensure_ascii=False) for p in result.problems],
                "read_problem": [p.reason for p in result.problems],
                "row_flags": [p.flag for p in result.problems],
            },
            schema_overrides={"row_flags": pl.String},
        )
        out = pl.concat([out, bad], how="diagonal_relaxed")
    if result.problem_frames:  # rows a reader quarantined whole, column-wise (SQL rows with no extract date)
        out = pl.concat([out, *result.problem_frames], how="diagonal_relaxed")
    return out


def _with_record_keys(out: pl.DataFrame, extract: Extract, run_id: str) -> pl.DataFrame:
    """record_key (source@key date#source key, '~n' on a key's n-th repeat) and the lineage columns."""
    spec = extract.source
    record_key = pl.format("{}@{}#{}", pl.lit(spec.id), pl.lit(extract.key_date), "source_key")  # '...@undated#7' too
    occurrence = pl.col("_occurrence")
    return out.with_columns(
        record_key=pl.when(occurrence > 1).then(pl.format("{}~{}", record_key, occurrence)).otherwise(record_key),
        source_id=pl.lit(spec.id),
        extract_date=pl.lit(extract.extract_date),
        source_file=pl.lit(extract.location),
        run_id=pl.lit(run_id),
    ).drop("_occurrence")

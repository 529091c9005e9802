"""Read one extract of a source, in the format its old system emitted.

Every reader yields batches of text columns exactly as the source holds them
(after decoding its character encoding), plus ``_source_key``: the row's key in
the source (its record-number column when the catalogue names one, else the
1-based data row number, or the table's primary key). Rows that cannot even be
split into fields (a file cut off mid-row, a malformed JSON line) come back as
``RowProblem``s for the quarantine; a file that cannot be read at all raises
``SourceReadError`` naming the file and the cause.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import polars as pl

from pipelines import encodings
from pipelines.ingest.catalogue import Extract

KEY = "_source_key"


class SourceReadError(RuntimeError):
    """The extract cannot be read; the message names the file and the cause."""


@dataclass
class RowProblem:
    source_key: str
    reason: str
    raw_text: str


@dataclass
class ReadResult:
    batches: Iterator[pl.DataFrame]
    problems: list[RowProblem] = field(default_factory=list)
    encoding: str | None = None  # the file's character encoding (declared or detected)


def read_extract(extract: Extract, batch_rows: int = 100_000) -> ReadResult:
    spec = extract.source
    if extract.file is not None and not extract.file.exists():
        raise SourceReadError(
            f"{extract.location}: file not found (source {spec.id}, catalogue {spec.catalogue_file.name})"
        )
    try:
        reader = _READERS[spec.format]
        return reader(extract, batch_rows)
    except SourceReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to read is reported with the file named
        raise SourceReadError(f"{extract.location}: cannot read as {spec.format}: {type(exc).__name__}: {exc}") from exc


def _with_keys(frame: pl.DataFrame, extract: Extract, offset: int = 0) -> pl.DataFrame:
    key_column = extract.source.key_column
    frame = frame.select(pl.all().cast(pl.String))
    if key_column and key_column in frame.columns:
        return frame.rename({key_column: KEY})
    return frame.with_columns(
        pl.int_range(offset + 1, offset + frame.height + 1, dtype=pl.Int64).cast(pl.String).alias(KEY)
    )


# --------------------------------------------------------------------------- csv


def _decode(data: bytes, encoding: str) -> tuple[str, str]:
    if encoding == "detect":
        encoding = encodings.detect_encoding(data)
    return encodings.decode_bytes(data, encoding), encoding


def _read_csv(extract: Extract, batch_rows: int) -> ReadResult:
    spec = extract.source
    data = extract.file.read_bytes()
    if not data.strip():
        raise SourceReadError(f"{extract.location}: the file is empty")
    try:
        text, encoding = _decode(data, spec.encoding)
    except (UnicodeDecodeError, ValueError) as exc:
        raise SourceReadError(f"{extract.location}: cannot decode as {spec.encoding}: {exc}") from exc
    # A file whose every line was double-decoded (UTF-8 read as cp1252 and saved again)
    # shows it in the header already: repair the whole text the same way.
    first_line = text.split("\n", 1)[0]
    if encodings.repair_text(first_line)[1] == "mojibake":
        repaired = encodings.repair_mojibake(text)
        if repaired != text:
            text, encoding = repaired, f"{encoding}+mojibake"
    problems: list[RowProblem] = []
    truncated_tail = None
    if not text.endswith("\n"):
        # A file cut off mid-row (interrupted transfer): its last row is incomplete.
        head, _, tail = text.rpartition("\n")
        text, truncated_tail = head + "\n", tail
    frame = pl.read_csv(
        io.BytesIO(text.encode("utf-8")),
        separator=spec.delimiter,
        skip_rows=spec.header_row or 0,
        infer_schema=False,
        truncate_ragged_lines=True,
    )
    frame = _with_keys(frame, extract)
    if truncated_tail is not None:
        problems.append(
            RowProblem(str(frame.height + 1), f"file ends mid-row (truncated): {truncated_tail[:80]!r}", truncated_tail)
        )
    return ReadResult(iter([frame]), problems, encoding)


# --------------------------------------------------------------------------- xlsx


def _find_header(rows: list[list], expected: set[str]) -> int | None:
    best, best_hits = None, 0
    for i, row in enumerate(rows[:30]):
        hits = sum(1 for v in row if isinstance(v, str) and v.strip() in expected)
        if hits > best_hits:
            best, best_hits = i, hits
    return best if best_hits >= max(2, len(expected) // 2) else None


def _read_xlsx(extract: Extract, batch_rows: int) -> ReadResult:
    import fastexcel

    spec = extract.source
    expected = set(spec.columns) | ({spec.key_column} if spec.key_column else set())
    reader = fastexcel.read_excel(str(extract.file))
    frames, offset = [], 0
    for name in reader.sheet_names:
        probe = reader.load_sheet(name, header_row=None, n_rows=40, dtypes="string").to_polars()
        header = (
            spec.header_row if spec.header_row is not None else _find_header([list(r) for r in probe.rows()], expected)
        )
        if header is None:
            continue  # a notes sheet, not data
        sheet = reader.load_sheet(name, header_row=header, dtypes="string").to_polars()
        sheet = sheet.filter(~pl.all_horizontal(pl.all().is_null()))
        frames.append(_with_keys(sheet, extract, offset))
        offset += sheet.height
    if not frames:
        raise SourceReadError(
            f"{extract.location}: no sheet has the expected header (looked for {sorted(expected)[:5]}...)"
        )
    return ReadResult(iter([pl.concat(frames, how="diagonal")]), [], None)


# --------------------------------------------------------------------------- jsonl


def _read_jsonl(extract: Extract, batch_rows: int) -> ReadResult:
    data = extract.file.read_bytes()
    try:
        frame = pl.read_ndjson(io.BytesIO(data), infer_schema_length=None)
        return ReadResult(iter([_with_keys(frame, extract)]), [], "utf-8")
    except Exception:  # noqa: BLE001 - fall back to line by line to find the bad lines
        pass
    rows, problems = [], []
    for n, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("not a JSON object")
            rows.append({k: None if v is None else str(v) for k, v in obj.items()} | {"__line": str(n)})
        except ValueError as exc:
            problems.append(RowProblem(str(n), f"line {n} is not a JSON object: {exc}", line[:2000]))
    frame = pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame()
    key = extract.source.key_column
    frame = _with_keys(frame, extract) if key and key in frame.columns else frame.rename({"__line": KEY})
    return ReadResult(iter([frame.drop("__line", strict=False)]), problems, "utf-8")


# --------------------------------------------------------------------------- sql, sqlite, pg_dump


def _read_sql_like(extract: Extract, url: str, batch_rows: int) -> ReadResult:
    from pipelines.ingest.sql import read_sql_table

    spec = extract.source
    batches = read_sql_table(url, spec.table, schema=spec.db_schema, key_column=spec.key_column, batch_rows=batch_rows)

    def keyed() -> Iterator[pl.DataFrame]:
        for batch in batches:
            if spec.key_column and spec.key_column in batch.columns and "_source_key" in batch.columns:
                batch = batch.drop(spec.key_column)
            yield batch

    return ReadResult(keyed(), [], None)


def _read_sqlite(extract: Extract, batch_rows: int) -> ReadResult:
    return _read_sql_like(extract, f"sqlite:///{extract.file}", batch_rows)


def _read_sql(extract: Extract, batch_rows: int) -> ReadResult:
    from pipelines.ingest.sql import resolve_url

    spec = extract.source
    return _read_sql_like(extract, resolve_url(spec.url, source=spec.id, base_dir=spec.base_dir), batch_rows)


_COPY = re.compile(r"^COPY\s+(\S+)\s+\((.*)\)\s+FROM\s+stdin;\s*$")
_COPY_ESCAPE = re.compile(r"\\(.)")
_COPY_CHARS = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "\\": "\\"}


def _unescape_copy(value: str) -> str:
    return _COPY_ESCAPE.sub(lambda m: _COPY_CHARS.get(m.group(1), m.group(1)), value)


def _read_pg_dump(extract: Extract, batch_rows: int) -> ReadResult:
    """Rows of the COPY blocks of a plain-text PostgreSQL dump, without a server."""
    columns: list[str] | None = None
    lines: list[str] = []
    in_copy = False
    with extract.file.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if in_copy:
                if line == "\\.":
                    in_copy = False
                else:
                    lines.append(line)
                continue
            m = _COPY.match(line)
            if m:
                cols = [c.strip().strip('"') for c in m.group(2).split(",")]
                if columns is not None and cols != columns:
                    raise SourceReadError(f"{extract.location}: COPY blocks with different columns")
                columns, in_copy = cols, True
    if columns is None:
        raise SourceReadError(f"{extract.location}: no COPY ... FROM stdin block found")
    if in_copy:
        raise SourceReadError(f"{extract.location}: the dump ends inside a COPY block (truncated)")
    problems = []
    good = []
    for n, line in enumerate(lines, start=1):
        if line.count("\t") != len(columns) - 1:
            problems.append(
                RowProblem(
                    str(n), f"COPY row {n} has {line.count(chr(9)) + 1} fields, expected {len(columns)}", line[:2000]
                )
            )
        else:
            good.append(line)
    split = pl.DataFrame({"line": good}).select(pl.col("line").str.split_exact("\t", len(columns) - 1)).unnest("line")
    split.columns = columns
    distinct_escaped = {
        v
        for c in columns
        for v in split[c].filter(split[c].str.contains("\\", literal=True)).unique().to_list()
        if v != "\\N"
    }
    mapping = {v: _unescape_copy(v) for v in distinct_escaped}
    frame = split.with_columns(
        pl.when(pl.col(c) == "\\N").then(None).otherwise(pl.col(c).replace(mapping) if mapping else pl.col(c)).alias(c)
        for c in columns
    )
    spec = extract.source
    if spec.key_column and spec.key_column in frame.columns:
        frame = frame.rename({spec.key_column: KEY})
        frame = frame.drop("source_pk", strict=False)
    elif "source_pk" in frame.columns:
        frame = frame.rename({"source_pk": KEY})
    else:
        frame = _with_keys(frame, extract)
    return ReadResult(iter([frame]), problems, "utf-8")


_READERS = {
    "csv": _read_csv,
    "xlsx": _read_xlsx,
    "jsonl": _read_jsonl,
    "sqlite": _read_sqlite,
    "sql": _read_sql,
    "pg_dump": _read_pg_dump,
}

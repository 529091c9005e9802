"""The ``wardbridge`` command.

    wardbridge resolve --input old.csv --column address --output new.parquet
    wardbridge reference            # row counts, provenance and checks of the reference data
    wardbridge synth --people 20000 --output out/   # synthetic registries of the old units, with truth
    wardbridge match --input people.parquet --spec people.toml --output entities.parquet

These are the engine's commands; nothing here imports Dagster. The installed ``wardbridge``
script (assets/cli.py) adds ``run``, which executes the Dagster jobs; ``python -m pipelines.cli``
offers the engine commands alone. The input files are read by pipelines.reading (read_table).
"""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click
import polars as pl

from pipelines.reading import read_table, read_table_file
from pipelines.reading.encoding import ENCODINGS
from pipelines.reading.messages import NUL_ROWS_SHOWN, columns_listed, echo, header_looks_like_data
from pipelines.reading.quarantine import QUARANTINE_COLUMNS
from pipelines.reading.short_rows import SHORT_ROWS_READ, short_rows_note
from pipelines.reading.tables import INPUT_FORMATS, TableRead, file_format
from pipelines.text import is_whole_number

if TYPE_CHECKING:
    import numpy as np

    from pipelines.reference import Reference

LIST_SEPARATOR = ";"


# ------------------------------------------- the columns read, checked; the output written (reading: pipelines/reading)


NESTED = (pl.List, pl.Array, pl.Struct)


def _is_nested(dtype: pl.DataType) -> bool:
    return isinstance(dtype, NESTED)


# Letters of Vietnamese (precomposed, both cases), its combining marks (NFD input) and ASCII: a cell with any other
# character may be legacy-encoded or double-decoded text (Ã¡, Æ°, VNI's ö/ø, TCVN3's ¸/µ) and is worth repairing.
_VIETNAMESE = (
    "àáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
    "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ"
    "\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323"
)
_MAY_NEED_REPAIR = f"[^\\x00-\\x7F{_VIETNAMESE}]"


def _repaired_cells(frame: pl.DataFrame, columns: dict[str, str | None], path: Path) -> pl.DataFrame:
    """``frame`` with the named text columns' mis-decoded cells repaired (mojibake, VNI or TCVN3 text inside a file
    read as Unicode: ingestion's ``repair_column``), each repair counted on stderr. Only cells holding a character
    outside Vietnamese and ASCII are looked at, so clean files cost one vectorised scan per column."""
    from pipelines.encodings import repair_column

    repaired = {}
    for option, name in columns.items():
        if not name or name in repaired or frame[name].dtype != pl.String:
            continue
        suspect = frame[name].str.contains(_MAY_NEED_REPAIR).fill_null(False)
        if not suspect.any():
            continue
        fixed = repair_column(frame[name].filter(suspect))
        done = fixed["repair"].drop_nulls()
        if done.is_empty():
            continue
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(done.value_counts().iter_rows()))
        echo(f"wardbridge: {path}: {option} {name!r}: {done.len()} cell(s) repaired before reading ({kinds})")
        rows = suspect.arg_true()
        repaired[name] = frame[name].scatter(rows, fixed["text"])
    return frame.with_columns(**repaired) if repaired else frame


def check_text_columns(frame: pl.DataFrame, columns: dict[str, str | None], path: Path) -> None:
    """Each named column exists and holds scalars that read as text (not a list, array, struct or bytes)."""
    for option, name in columns.items():
        if not name:
            continue
        if name not in frame.columns:
            raise click.BadParameter(
                f"column {name!r} not found in {path}; {columns_listed(frame.columns)}",
                param_hint=option,
            )
        dtype = frame.schema[name]
        if _is_nested(dtype) or dtype == pl.Binary:
            raise click.BadParameter(
                f"column {name!r} of {path} has type {dtype}; it must hold one text value per row", param_hint=option
            )


def check_address_column(frame: pl.DataFrame, name: str | None, path: Path) -> None:
    """The free-text address column holds text: a column of numbers, booleans or dates (a Parquet's house
    numbers or IDs named by mistake) is refused, not read as "Quận 12" and the like. Unit columns may hold
    numbers (ward 12 in --ward-column)."""
    if not name:
        return
    dtype = frame.schema[name]
    if dtype.is_numeric() or dtype.is_temporal() or dtype == pl.Boolean:
        raise click.BadParameter(
            f"column {name!r} of {path} has type {dtype}: the address column must hold text (a number alone is "
            "not an address; a ward's number goes in --ward-column)",
            param_hint="--column",
        )


def _same_file(a: Path, b: Path) -> bool:
    if a.exists() and b.exists():
        return a.samefile(b)
    return a.expanduser().resolve() == b.expanduser().resolve()


def check_output(
    path: Path,
    option: str,
    inputs: Sequence[tuple[str, Path | None]],
    outputs: Sequence[tuple[str, Path | None]] = (),
) -> None:
    """Refuse, before any work, an output that is one of the inputs, is another output (``outputs``, the options
    already checked) or cannot be written.

    Raises BadParameter (exit code 2): the output path is a usage mistake, never a reason to
    overwrite an input or to fail after the work is done.
    """
    for input_option, source in inputs:
        if source is not None and _same_file(path, source):
            raise click.BadParameter(
                f"{path} is also the {input_option} file; refusing to overwrite an input: choose another output path",
                param_hint=option,
            )
    for other_option, other in outputs:
        if other is not None and _same_file(path, other):
            raise click.BadParameter(
                f"{option} and {other_option} are the same file ({path}): two outputs cannot share a file; "
                "choose another path for one of them",
                param_hint=option,
            )
    if path.is_dir():
        raise click.BadParameter(f"{path} is a directory", param_hint=option)
    if path.exists() and not os.access(path, os.W_OK):
        raise click.BadParameter(f"cannot write {path}: permission denied", param_hint=option)
    _check_creatable(path.expanduser().absolute().parent, path, option)


def check_output_dir(path: Path, option: str) -> None:
    """Refuse, before any work, an output folder that cannot be made or written into (a file in its path, a
    read-only file system): a usage mistake (exit code 2) on one line, not a traceback once the work has begun
    (``synth --output <a file>/<folder>`` failed so at its first write, exit 1)."""
    _check_creatable(path.expanduser().absolute(), path, option)


def _check_creatable(folder: Path, path: Path, option: str) -> None:
    """``folder`` (which ``path`` is in, or is) can be made and written into: its nearest existing ancestor is a
    directory that takes a file."""
    ancestor = folder
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise click.BadParameter(f"cannot create {path}: {ancestor} is not a directory", param_hint=option)
    try:  # a real probe: os.access says yes to root on read-only file systems
        with tempfile.NamedTemporaryFile(dir=ancestor, prefix=".wardbridge-probe-"):
            pass
    except OSError as exc:
        raise click.BadParameter(f"cannot write into {ancestor}: {exc.strerror or exc}", param_hint=option) from None


def _json_expr(name: str) -> pl.Expr:
    """A nested value as JSON text (Polars encodes structs only: wrap the value in one and unwrap the text)."""
    text = pl.struct(pl.col(name).alias("v")).struct.json_encode().str.slice(len('{"v":')).str.head(-1)
    return pl.when(pl.col(name).is_null()).then(None).otherwise(text).alias(name)


def csv_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """Columns CSV cannot hold, made text: lists of scalars ';'-joined; nested lists and structs as JSON;
    bytes as hex."""
    exprs = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.List | pl.Array) and not _is_nested(dtype.inner):
            col = pl.col(name).arr.to_list() if isinstance(dtype, pl.Array) else pl.col(name)
            if dtype.inner == pl.Binary:
                col = col.list.eval(pl.element().bin.encode("hex"))
            exprs.append(col.list.eval(pl.element().cast(pl.String)).list.join(LIST_SEPARATOR).alias(name))
        elif _is_nested(dtype):
            exprs.append(_json_expr(name))
        elif dtype == pl.Binary:
            exprs.append(pl.col(name).bin.encode("hex").alias(name))
    return frame.with_columns(exprs) if exprs else frame


def write_frame(frame: pl.DataFrame, path: Path, fmt: str) -> None:
    """Write atomically (a partial file renamed into place); a failure is a ClickException naming the file."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        if not path.parent.is_dir():
            path.parent.mkdir(parents=True, exist_ok=True)
            echo(f"wardbridge: created the folder {path.parent} for {path.name}")
        if fmt == "parquet":
            # In one piece (a CSV read in pieces wrote a page run per piece), without column statistics (min/max per
            # row group, a cost of every string column for skipping row groups that a table of mixed rows cannot)
            frame.rechunk().write_parquet(partial, statistics=False)
        else:
            csv_ready(frame).write_csv(partial, separator="\t" if path.suffix.lower() == ".tsv" else ",")  # UTF-8
        partial.replace(path)
    except (OSError, pl.exceptions.PolarsError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise click.ClickException(f"cannot write {path}: {detail}") from None
    finally:
        partial.unlink(missing_ok=True)


# --------------------------------------------------------------------------- commands


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="wardbridge")
def main() -> None:
    """wardbridge: remap pre-2025 Vietnamese addresses (old ward/district/province) to the 2025 units."""


def _report_unread_dates(frame: pl.DataFrame, column: str, table: TableRead | None = None) -> None:
    """The --as-of column's cells that are written but are not dates (31/02/2025, a two-digit year, words): counted
    and named by row (the first data row is row 1; as the file numbers them when ``table`` says otherwise: a CSV's
    blank lines counted, a sheet's rows, a JSON file's lines), never quoted. Such a row is read as undated: its reason says
    'no date', so without this note a typo in the dates passes for missing dates."""
    from pipelines.resolve import as_of_side_expr

    cell = pl.col(column)
    written = cell.is_not_null() & (cell.cast(pl.String).str.strip_chars() != "")
    unread = frame.select(
        (written & as_of_side_expr(cell, frame.schema[column]).is_null()).arg_true().alias("row")
    ).to_series()
    if unread.len():
        more = ", ..." if unread.len() > 5 else ""
        if table is not None and table.data_rows is not None:
            rows = table.where(unread.head(5).to_list()) + more
        else:
            rows = "rows " + ", ".join(str(r + 1) for r in unread.head(5).to_list()) + more
        echo(
            f"wardbridge: --as-of column {column!r}: {unread.len()} of {frame.height} cell(s) are written but not dates "
            f"({rows}; YYYY-MM-DD, dd/mm/yyyy or an ISO datetime, the year in four digits): those rows are read "
            "as undated"
        )


def _as_of_option(value: str | None, frame: pl.DataFrame, table: TableRead | None = None):
    """--as-of: a column of the input (one date per row) or one date for every row; else a usage error."""
    if value is None:
        return None
    if value in frame.columns:
        if _is_nested(frame.schema[value]):
            raise click.BadParameter(f"column {value!r} holds lists or structs, not dates", param_hint="--as-of")
        _report_unread_dates(frame, value, table)
        return frame[value]
    from pipelines.resolve import as_of_side_expr

    side = pl.select(as_of_side_expr(pl.lit(value), pl.String)).item()
    if side is None:
        raise click.BadParameter(
            f"{value!r} is neither a column of the input nor a date (YYYY-MM-DD, dd/mm/yyyy, an ISO datetime; "
            "the year in four digits, from 1900)",
            param_hint="--as-of",
        )
    return value


QUARANTINE = click.option(
    "--quarantine",
    "quarantine_path",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Set aside a CSV's records that cannot be read (a line not valid in its encoding, nor certainly a legacy "
    "one; more fields than the header; a broken quote; a quote never closed: from its record to the end) in FILE "
    "(.csv or .parquet: source_key 'line:N' or 'line:N-M' for a record over several lines, reason, raw_text; JSON "
    "Lines' lines likewise, a JSON array's objects 'object:N') and read the rest; without it such a record refuses "
    "the file. Not set aside: a header line, most of the file (refused). FILE is written on every run (no row: its "
    "header only).",
)


def write_quarantine(table: TableRead, path: Path | None, input_path: Path) -> None:
    """--quarantine: the lines read_table set aside, written to ``path`` (its header only when none) and counted on
    stderr with their first line numbers, never a value; the rows out and the lines here account for every line."""
    if path is None:
        return
    rows = table.quarantined
    rows = pl.DataFrame(schema=dict.fromkeys(QUARANTINE_COLUMNS, pl.String)) if rows is None else rows
    write_frame(rows, path, file_format(path, "--quarantine"))
    if rows.height:
        keys = rows["source_key"].to_list()
        places = [key.partition(":")[2] for key in keys[:NUL_ROWS_SHOWN]]
        more = f" and {len(keys) - len(places):,} more" if len(keys) > len(places) else ""
        if keys[0].startswith("object:"):  # a JSON array's objects
            noun, where = "JSON object", "JSON object"
        else:  # lines, or records over several lines ('line:3-5')
            noun = "record" if any("-" in key for key in keys) else "line"
            where = "line"
        plural = "s" if len(keys) > 1 else ""
        where += "s" if len(keys) > 1 or "-" in places[0] else ""
        echo(
            f"wardbridge: {input_path}: {rows.height:,} {noun}{plural} quarantined to {path} "
            f"({where} {', '.join(places)}{more}, each with its reason there); the other rows read"
        )


# resolve's and match's option (one declaration)
SKIP_ROWS = click.option(
    "--skip-rows",
    type=click.IntRange(0),
    default=0,
    metavar="N",
    help="Lines of a CSV (rows of a sheet) above the header not to read: a title line, as a sheet saved as CSV has.",
)


@main.command()
@click.option(
    "--input",
    "input_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Input table: .csv or .tsv (any encoding, see --encoding), .parquet, .xlsx (the first visible sheet, or "
    "--sheet), .json (an array of objects, or JSON Lines) or .jsonl/.ndjson (JSON Lines).",
)
@click.option(
    "--output",
    "output_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Output table: .csv (lists ';'-joined), .tsv (tab-separated) or .parquet.",
)
@click.option("--column", "address_column", metavar="NAME", help="Column with the free-text address.")
@click.option("--ward-column", metavar="NAME", help="Column with the old ward/commune name.")
@click.option("--district-column", metavar="NAME", help="Column with the old district name.")
@click.option("--province-column", metavar="NAME", help="Column with the old province name.")
@click.option(
    "--old-code-column", metavar="NAME", help="Column with the old 5-digit commune code (wins over names when known)."
)
@click.option(
    "--gazetteer",
    "gazetteers",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Extra gazetteer CSV (columns as mappings/gazetteer.csv) used with mappings/gazetteer.csv. Repeatable.",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE|COLUMN",
    help="Date of the records (YYYY-MM-DD or dd/mm/yyyy), or a column holding one per row: decides between the "
    "old and the 2025 reading of an address without district (before / from 2025-07-01).",
)
@click.option(
    "--scheme-column",
    metavar="NAME",
    help="Column saying which form each address is written in: pre2025/old or 2025/new (other values: unknown).",
)
@click.option(
    "--encoding",
    type=click.Choice(ENCODINGS, case_sensitive=False),
    default="auto",
    show_default=True,
    help="Encoding of a CSV input; auto (or detect) detects UTF-8, UTF-16, Windows-1258, VNI and TCVN3, and reads "
    "the lines of a UTF-8 file that are certainly one legacy encoding in it (said); utf-8 reads UTF-8 only.",
)
@click.option("--delimiter", metavar="CHAR", help="CSV delimiter (default: sniffed among , ; tab |).")
@click.option(
    "--sheet",
    metavar="NAME",
    help="With a workbook (.xlsx): the sheet to read (default: the first visible sheet; a hidden one only when named).",
)
@SKIP_ROWS
@QUARANTINE
def resolve(
    input_path: Path,
    output_path: Path,
    address_column: str | None,
    ward_column: str | None,
    district_column: str | None,
    province_column: str | None,
    old_code_column: str | None,
    gazetteers: Sequence[Path],
    as_of: str | None,
    scheme_column: str | None,
    encoding: str,
    delimiter: str | None,
    sheet: str | None = None,
    skip_rows: int = 0,
    quarantine_path: Path | None = None,
) -> None:
    """Add the old unit and the new 2025 ward to every row of a table.

    The output has the input columns followed by old_uid, old_code, old_name, old_district,
    old_province, new_uid, new_code, new_name, status, scheme, confidence, candidates, reason: one
    row per input row, in input order. Rows with status split_review, scheme_review or unresolved
    need a person.

    The resolver runs compiled (mypyc, built by `uv sync` where a C compiler is found) or as Python source;
    the summary's last line says which. WARDBRIDGE_PURE_PYTHON=1 runs the source.
    """
    # the options checked (nothing read yet) -> the input read, checked -> the resolver run and the output written
    # -> the summary on stderr
    started = time.perf_counter()
    SHORT_ROWS_READ.clear()
    columns = {
        "--column": address_column,
        "--ward-column": ward_column,
        "--district-column": district_column,
        "--province-column": province_column,
        "--old-code-column": old_code_column,
    }
    out_fmt, delimiter = _resolve_options(columns, input_path, output_path, gazetteers, delimiter, quarantine_path)
    table = read_table(
        input_path, "--input", encoding.lower(), delimiter, sheet, skip_rows, quarantine_path is not None
    )
    write_quarantine(table, quarantine_path, input_path)
    frame, written, as_of_value = _resolve_input(table, columns, scheme_column, as_of, input_path)
    reference = _user_gazetteers(gazetteers)
    resolved = _resolve_rows(frame, written, columns, reference, as_of_value, scheme_column, output_path, out_fmt)
    _resolve_summary(resolved, frame.columns, input_path, output_path, started)


def _resolve_options(
    columns: dict[str, str | None],
    input_path: Path,
    output_path: Path,
    gazetteers: Sequence[Path],
    delimiter: str | None,
    quarantine_path: Path | None,
) -> tuple[str, str | None]:
    """resolve's options checked before anything is read: a column named, the output's format, no output over an
    input, the gazetteers there, the delimiter one character. (The output's format, the delimiter as read.)"""
    if not any(columns.values()):
        raise click.UsageError(
            "name the address column with --column, or the unit columns with "
            "--ward-column/--district-column/--province-column/--old-code-column"
        )
    out_fmt = file_format(output_path, "--output")
    check_output(output_path, "--output", [("--input", input_path), *(("--gazetteer", g) for g in gazetteers)])
    for path in gazetteers:
        if not path.is_file():
            raise click.BadParameter(f"file not found: {path}", param_hint="--gazetteer")
    if delimiter is not None:
        delimiter = {"\\t": "\t", "tab": "\t"}.get(delimiter, delimiter)
        if len(delimiter) != 1:
            raise click.BadParameter("the delimiter must be one character (or 'tab')", param_hint="--delimiter")
    if quarantine_path is not None:
        check_output(quarantine_path, "--quarantine", [("--input", input_path)], [("--output", output_path)])
    return out_fmt, delimiter


def _resolve_input(
    table: TableRead,
    columns: dict[str, str | None],
    scheme_column: str | None,
    as_of: str | None,
    input_path: Path,
) -> tuple[pl.DataFrame, pl.DataFrame, object]:
    """resolve's input read checked: the named columns text, --as-of's dates. (The table the resolver reads, its
    damaged address cells repaired; the table as written, which the output keeps; the as-of value.)"""
    frame = table.frame
    check_text_columns(frame, {**columns, "--scheme-column": scheme_column}, input_path)
    check_address_column(frame, columns["--column"], input_path)
    as_of_value = _as_of_option(as_of, frame, table)
    written = frame
    frame = _repaired_cells(frame, {k: v for k, v in columns.items() if k != "--old-code-column"}, input_path)
    return frame, written, as_of_value


def _user_gazetteers(gazetteers: Sequence[Path]) -> Reference | None:
    """The reference with the user's --gazetteer files (None without them); one that cannot be read, or whose
    entries the reference check gazetteer_consistency rejects (mappings/gazetteer.csv too): exit 1. The check is
    load_reference's (pipelines.reference.check_gazetteer), the one the Python API runs."""
    from pipelines.reference import USER_GAZETTEER, check_gazetteer, default_reference, load_reference, read_user_table
    from pipelines.schema import GAZETTEER

    files = (USER_GAZETTEER, *gazetteers)
    try:
        if gazetteers:  # each file checked as it is loaded, the message naming the one to mend
            return load_reference(gazetteers=files)
        # the resolver's default reference (checked when first loaded, maybe earlier in this process): its file now
        gazetteer = read_user_table(USER_GAZETTEER, GAZETTEER, "name", "name_key")
        check_gazetteer(USER_GAZETTEER, gazetteer, default_reference().crosswalk)
        return None
    except (ValueError, pl.exceptions.PolarsError) as exc:
        text = str(exc)
        if not text.startswith(tuple(str(p) for p in files)):  # the file is not named
            text = f"gazetteer {', '.join(str(p) for p in gazetteers)}: {text}"
        raise click.ClickException(text) from None


def _resolve_rows(
    frame: pl.DataFrame,
    written: pl.DataFrame,
    columns: dict[str, str | None],
    reference: Reference | None,
    as_of: object,
    scheme_column: str | None,
    output_path: Path,
    out_fmt: str,
) -> pl.DataFrame:
    """The resolver run on every row and its output written (--output): the input's columns, its cells as
    written, and the resolver's."""
    from pipelines.resolve import forget_readings, resolve_table

    # The cyclic garbage collector off for the work (restored after): resolving creates no cycles, but
    # its first collection after the reading walked every reading cached (about 0.3 CPU s per million
    # addresses); the cached readings are dropped before it runs again (the process ends here).
    collecting = gc.isenabled()
    gc.disable()
    try:
        resolved = resolve_table(
            frame,
            address_column=columns["--column"],
            ward_column=columns["--ward-column"],
            district_column=columns["--district-column"],
            province_column=columns["--province-column"],
            old_code_column=columns["--old-code-column"],
            reference=reference,
            as_of=as_of,
            scheme=frame[scheme_column] if scheme_column else None,
        )
        if frame is not written:  # the output keeps the input's cells as written; the reading used the repaired text
            resolved = resolved.with_columns(written.select(c for c in written.columns if c in resolved.columns))
        write_frame(resolved, output_path, out_fmt)
        return resolved
    finally:
        forget_readings()  # dropping them now costs less than at the next collection or the interpreter's exit
        if collecting:
            gc.enable()


def _resolve_summary(
    resolved: pl.DataFrame, input_columns: list[str], input_path: Path, output_path: Path, started: float
) -> None:
    """resolve's summary on stderr: rows and time, the rows by status, those that need review, the resolver run."""
    from pipelines._native import describe
    from pipelines.resolve import output_names
    from quality.checks import REVIEW_STATUSES, status_counts

    status_column = output_names(input_columns)["status"]  # the resolver's (an input's own status: kept)
    counts = status_counts(resolved.select(pl.col(status_column).alias("status")))
    elapsed = time.perf_counter() - started
    echo(
        f"wardbridge: resolved {resolved.height} rows from {input_path} -> {output_path} in {elapsed:.1f}s"
        + short_rows_note()
    )
    for status, n in counts.items():
        share = f"{n / resolved.height:6.1%}" if resolved.height else "     -"
        echo(f"  {status:<15}{n:>9}  {share}")
    review = sum(counts.get(s, 0) for s in REVIEW_STATUSES)
    if review:
        echo(
            f"  {review} row(s) need review: status split_review or scheme_review (see candidates) "
            "or unresolved (see reason)"
        )
    echo(f"  resolver: {describe()}")  # compiled or Python source: who measures the speed needs to know


@main.command()
@click.option(
    "--input",
    "input_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Table to deduplicate (.csv, .tsv, .parquet, .xlsx, .json, .jsonl or .ndjson); or give --increment and "
    "--state.",
)
@click.option(
    "--spec",
    "spec_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Match spec (TOML; see docs/guide/matching.md).",
)
@click.option(
    "--output",
    "output_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="One row per input record: record_id, entity_id and the link that put it there (.csv, .tsv or .parquet).",
)
@click.option(
    "--previous",
    "previous_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A previous --output: records seen before keep their entity ids.",
)
@click.option(
    "--labels",
    "labels_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Reviewers' verdicts on record pairs (columns left_id, right_id, and label: match/same or "
    "no_match/different; without label every pair is 'same'). 'Same' pairs are linked whatever their score and, "
    "where blocking proposed them, EM reads them as matches when it fits m (semi-supervised: each pair counts once "
    "among all candidate pairs, so a few hundred labels move m little); 'different' pairs are never linked, "
    "directly or through a third record. A pipeline review file (match_pair.csv, review_<ward>.xlsx) filled in by "
    "an official is read as the review stage reads it: an item's decision labels every record pair of it. With "
    "--increment: verdicts since the saved run (m is not refitted).",
)
@click.option(
    "--save-state",
    "save_state_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Save the run's state here (frozen model, records, pairs, lineage): what --increment and --model read.",
)
@click.option(
    "--model",
    "model_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="A saved state whose frozen model scores this run (nothing is fitted; the spec must be the same).",
)
@click.option(
    "--increment",
    "increment_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="New or changed records (.csv, .tsv, .parquet, .xlsx, .json, .jsonl or .ndjson) to match against --state "
    "instead of a whole --input.",
)
@click.option(
    "--state",
    "state_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="With --increment: the saved state to extend; it is replaced by the new state unless --save-state is given.",
)
@click.option(
    "--withdrawn",
    "withdrawn_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="With --increment: record ids deleted in their source (.csv or .parquet, column record_id or the spec's id "
    "column): removed with their pairs, their linked records re-clustered.",
)
@click.option(
    "--encoding",
    type=click.Choice(ENCODINGS, case_sensitive=False),
    default="auto",
    show_default=True,
    help="Encoding of a CSV --input or --increment; auto (or detect) detects UTF-8, UTF-16, Windows-1258, VNI and "
    "TCVN3, and reads the lines of a UTF-8 file that are certainly one legacy encoding in it (said); utf-8 reads "
    "UTF-8 only.",
)
@click.option(
    "--delimiter", metavar="CHAR", help="CSV delimiter of --input or --increment (default: sniffed among , ; tab |)."
)
@click.option(
    "--sheet",
    metavar="NAME",
    help="With a workbook (.xlsx) --input or --increment: the sheet to read (default: the first visible sheet; a "
    "hidden one only when named).",
)
@SKIP_ROWS
@QUARANTINE
@click.option(
    "--shards",
    type=click.IntRange(1, 64),
    help="Match the candidate pairs this many shards at a time, spilled to the temporary folder between the steps "
    "(1: in one piece). Default: in shards from 2,000,000 records up, as many as hold --max-shard-pairs each. "
    "The result is the same; a run with --save-state is not sharded.",
)
@click.option(
    "--max-shard-pairs",
    type=click.IntRange(100, None),
    help="Shard so that a shard holds at most this many candidate pairs (as the blocking rules find them), whatever "
    "the number of records (default: 40,000,000 from 2,000,000 records up); fewer lower the memory a shard takes.",
)
def match(
    input_path: Path | None,
    spec_path: Path,
    output_path: Path,
    previous_path: Path | None,
    labels_path: Path | None,
    save_state_dir: Path | None,
    model_dir: Path | None,
    increment_path: Path | None,
    state_dir: Path | None,
    withdrawn_path: Path | None,
    encoding: str = "auto",
    delimiter: str | None = None,
    shards: int | None = None,
    max_shard_pairs: int | None = None,
    sheet: str | None = None,
    skip_rows: int = 0,
    quarantine_path: Path | None = None,
) -> None:
    """Deduplicate any table into entities under a declarative match spec.

    Beside OUTPUT it writes <name>.pairs (every scored candidate pair with its evidence
    and decision), <name>.review (pairs a person should decide), <name>.entities
    (golden records), <name>.capped (blocks too large to compare all-against-all, with
    the pairs kept) and <name>.model (m, u and weight of every comparison level), in
    OUTPUT's format.

    With --increment NEW --state DIR it matches only NEW's records against the saved run:
    OUTPUT holds the lineage of every record re-clustered, .pairs their pairs, .review the
    review rows among them, .entities their golden records, .blocking what each blocking
    rule re-paired and .merged the previous entities merged into others; the state is
    updated (docs/guide/matching.md "Increments"). --labels there are reviewers' verdicts ('same' and
    'different') given since the saved run; --withdrawn names records deleted in their source.
    """
    # the options checked (nothing read yet), the spec and --labels read -> an increment: _match_increment; else the
    # input, --model and --previous read -> the match run (_match_whole) -> the outputs written (and the state), the
    # summary
    import pipelines.match  # noqa: F401 - the engine imported before the options are checked

    started = time.perf_counter()
    SHORT_ROWS_READ.clear()
    _check_match_options(input_path, previous_path, labels_path, model_dir, increment_path, state_dir)
    _check_increment_options(increment_path, withdrawn_path, shards, max_shard_pairs)
    out_fmt = file_format(output_path, "--output")
    read = _table_reader(encoding, delimiter, sheet, skip_rows, quarantine_path is not None)
    outputs = increment_outputs(output_path) if increment_path else match_outputs(output_path)
    _check_outputs(
        outputs, quarantine_path, input_path, spec_path, previous_path, labels_path, increment_path, withdrawn_path
    )
    spec = _match_spec(spec_path)
    # the side files' record ids as the input's are read: a Parquet input holding its ids as floats is matched by
    # their text ('1.0'), so a side file's float ids keep theirs too (whole floats read as '1' met none of them)
    float_ids = _float_id_column(increment_path or input_path, spec.id_column)
    labels, different = _read_verdicts(labels_path, "--labels", float_ids) if labels_path is not None else (None, None)
    if increment_path is not None:
        _read_and_match_increment(
            read, spec, float_ids, increment_path, withdrawn_path, quarantine_path, state_dir, save_state_dir,
            outputs, out_fmt, started, labels, different,
        )  # fmt: skip
        return
    frozen, history = _frozen_model(model_dir, spec)
    table, frame = _match_input(read, input_path, quarantine_path, spec)
    previous = _read_previous(previous_path, frame, spec, input_path, float_ids)
    _say_matching(frame, spec, input_path, spec_path, labels, different, labels_path)
    result = _match_whole(
        frame, table, spec, input_path, previous, labels, different, frozen, save_state_dir, shards, max_shard_pairs
    )
    _write_match(result, frame, spec, history, labels, different, save_state_dir, outputs, out_fmt, started)


def _read_and_match_increment(
    read,  # noqa: ANN001 - _table_reader's reader
    spec,  # noqa: ANN001 - MatchSpec
    float_ids: bool,
    increment_path: Path,
    withdrawn_path: Path | None,
    quarantine_path: Path | None,
    state_dir: Path | None,
    save_state_dir: Path | None,
    outputs: list[Path],
    out_fmt: str,
    started: float,
    labels,  # noqa: ANN001
    different,  # noqa: ANN001
) -> None:
    """An --increment run: --withdrawn and the increment read (its quarantine written), then _match_increment."""
    withdrawn = _read_withdrawn(withdrawn_path, spec.id_column, float_ids) if withdrawn_path is not None else None
    increment = read(increment_path, "--increment")
    write_quarantine(increment, quarantine_path, increment_path)
    _match_increment(
        spec,
        increment,
        increment_path,
        state_dir,
        save_state_dir,
        outputs,
        out_fmt,
        started,
        labels,
        withdrawn,
        different,
    )


def _check_increment_options(
    increment_path: Path | None, withdrawn_path: Path | None, shards: int | None, max_shard_pairs: int | None
) -> None:
    """--withdrawn only with --increment; --shards and --max-shard-pairs only without."""
    if withdrawn_path is not None and increment_path is None:
        raise click.UsageError("--withdrawn goes with --increment (records deleted since the saved --state)")
    if (shards is not None or max_shard_pairs is not None) and increment_path is not None:
        raise click.UsageError("--shards and --max-shard-pairs are for a whole --input (not an --increment)")


def _match_whole(  # noqa: ANN202 - pipelines.match.MatchResult
    frame,  # noqa: ANN001 - polars.DataFrame
    table,  # noqa: ANN001 - the input as read
    spec,  # noqa: ANN001 - MatchSpec
    input_path: Path | None,
    previous,  # noqa: ANN001
    labels,  # noqa: ANN001
    different,  # noqa: ANN001
    frozen,  # noqa: ANN001 - FrozenModel or None
    save_state_dir: Path | None,
    shards: int | None,
    max_shard_pairs: int | None,
):
    """The match run of a whole --input (its rows checked first, named as the file numbers them); a SpecError said
    as a ClickException."""
    from pipelines.match import SpecError
    from pipelines.match import match as run_match

    try:
        _check_input(frame, spec, input_path, table)  # rows named as the file numbers them (prepare checks again)
        return run_match(
            frame,
            spec,
            previous=previous,
            labelled_pairs=labels,
            cannot_link_pairs=different,
            source=str(input_path),
            model=frozen,
            keep_state=save_state_dir is not None,
            shards=shards,
            shard_pairs=max_shard_pairs,
        )
    except SpecError as exc:
        raise click.ClickException(str(exc)) from None


def _check_outputs(
    outputs: list[Path],
    quarantine_path: Path | None,
    input_path: Path | None,
    spec_path: Path,
    previous_path: Path | None,
    labels_path: Path | None,
    increment_path: Path | None,
    withdrawn_path: Path | None,
) -> None:
    """match's output files (OUTPUT and its companions) and --quarantine's: none of them over an input or another."""
    inputs = [
        ("--input", input_path),
        ("--spec", spec_path),
        ("--previous", previous_path),
        ("--labels", labels_path),
        ("--increment", increment_path),
        ("--withdrawn", withdrawn_path),
    ]
    for path in outputs:
        check_output(path, "--output", inputs)
    if quarantine_path is not None:
        named = [("--output", outputs[0]), *((f"--output's companion {path.name}", path) for path in outputs[1:])]
        check_output(quarantine_path, "--quarantine", inputs, named)


def _match_spec(spec_path: Path):  # noqa: ANN202 - a MatchSpec
    """--spec read; one that is no match spec: a usage error naming the option."""
    from pipelines.match import SpecError, load_spec

    try:
        return load_spec(spec_path)
    except SpecError as exc:
        raise click.BadParameter(str(exc), param_hint="--spec") from None


def _frozen_model(model_dir: Path | None, spec) -> tuple:  # noqa: ANN001 - a MatchSpec
    """--model's frozen model, checked against the spec, and the verdicts its m has learned from (None, None
    without the option)."""
    from pipelines.match.state import StateError, load_frozen, verdict_history

    if model_dir is None:
        return None, None
    try:
        frozen, _ = load_frozen(model_dir)
        frozen.check(spec, f"the model in {model_dir}")
        history = verdict_history(model_dir, spec.id_column)  # (what its m has learned from reviewers)
    except StateError as exc:
        raise click.BadParameter(str(exc), param_hint="--model") from None
    return frozen, history


def _match_input(
    read: Callable[[Path, str], TableRead], input_path: Path, quarantine_path: Path | None, spec
) -> tuple[TableRead, pl.DataFrame]:  # noqa: ANN001 - spec: a MatchSpec
    """--input read (its unreadable records set aside with --quarantine), the spec's columns as text, checked: no
    nested column, some rows, the spec's columns named. (The file read, the table matched.)"""
    # one chunk a column: the engine's table shares the columns it takes from it instead of copying them into one
    # chunk (a Parquet file is read a row group a chunk; at 1M people 185 bytes a record less after preparing)
    table = read(input_path, "--input")
    write_quarantine(table, quarantine_path, input_path)
    frame = _spec_columns_as_text(table.frame.rechunk(), spec)
    _refuse_nested_columns(frame, spec, input_path)
    if not frame.height:  # a data problem, as an empty file is (the engine has nothing to fit a model on)
        raise click.ClickException(f"{input_path}: has no rows (a header only): nothing to match")
    _check_spec_columns_named(frame, spec, input_path)
    return table, frame


def _read_previous(
    previous_path: Path | None, frame: pl.DataFrame, spec, input_path: Path, float_ids: bool
) -> pl.DataFrame | None:  # noqa: ANN001 - spec: a MatchSpec
    """--previous read: record_id and entity_id as text, one entity a record; said when none of its records is one
    of the input's (None without the option)."""
    if previous_path is None:
        return None
    # an earlier --output, maybe opened and saved again in Excel: read as --labels is (encoding detected,
    # delimiter sniffed)
    previous_read = read_table(previous_path, "--previous")
    previous = previous_read.frame
    if not {"record_id", "entity_id"} <= set(previous.columns):
        raise click.BadParameter(
            f"{previous_path}: needs columns record_id and entity_id (a previous --output)", param_hint="--previous"
        )
    previous = _as_text_columns(
        previous, ("record_id", "entity_id"), previous_path, "--previous", ("record_id",) if float_ids else ()
    )
    previous = _one_entity_per_record(previous, previous_path, previous_read.data_rows, previous_read.rows)
    if previous.height and spec.id_column in frame.columns:  # ids written otherwise lose every entity id
        met = previous["record_id"].is_in(frame[spec.id_column].cast(pl.String).implode())
        if not met.any():
            echo(
                f"--previous {previous_path}: none of its {previous.height:,} record ids is a record of "
                f"{input_path}: no entity keeps its previous id (ids written otherwise? '1.0' is not '1')"
            )
    return previous


def _say_matching(
    frame: pl.DataFrame,
    spec,  # noqa: ANN001 - a MatchSpec
    input_path: Path,
    spec_path: Path,
    labels: pl.DataFrame | None,
    different: pl.DataFrame | None,
    labels_path: Path | None,
) -> None:
    """The run's log on stderr from here; what is matched, and the --labels pairs left out (no record of the input,
    or a record with itself)."""
    import logging

    from pipelines.match.learning import verdict_coverage

    logging.basicConfig(level=logging.INFO, format="  %(message)s", stream=sys.stderr)
    echo(f"wardbridge: matching {frame.height:,} rows of {input_path} with {spec_path}")
    if labels is not None and spec.id_column in frame.columns:  # (a missing id column: prepare says so)
        coverage = verdict_coverage(frame[spec.id_column], labels, different)
        if coverage["unknown_records"] or coverage["same_record"]:
            echo(
                f"--labels {labels_path}: {coverage['usable']:,} of {coverage['pairs']:,} pairs used; "
                f"{coverage['unknown_records']:,} name a record id {input_path} does not hold (or none) and "
                f"{coverage['same_record']:,} pair a record with itself: left out"
            )


def _write_match(
    result,  # noqa: ANN001 - a MatchResult
    frame: pl.DataFrame,
    spec,  # noqa: ANN001 - a MatchSpec
    history: tuple | None,
    labels: pl.DataFrame | None,
    different: pl.DataFrame | None,
    save_state_dir: Path | None,
    outputs: list[Path],
    out_fmt: str,
    started: float,
) -> None:
    """match's result written: the state (--save-state; with --model, the verdicts its m has not learned from
    counted in it), OUTPUT and its companions; the summary on stderr."""
    from pipelines.match.learning import frozen_model_note, usable_verdicts, verdicts_since_fit
    from pipelines.match.state import save_state

    since_fit = None
    if history is not None:  # m frozen: the verdicts it has not learned from, counted as an increment counts them
        since_fit = verdicts_since_fit(*history, usable_verdicts(frame[spec.id_column], labels, different))
        if result.state is not None:
            result.state.verdicts_since_fit, result.state.verdicts_seen = since_fit.count, since_fit.seen
    if save_state_dir is not None:
        save_state(result.state, save_state_dir, spec)
        echo(f"state saved in {save_state_dir} (model {result.state.frozen.fingerprint()})")
    tables = [
        result.records,
        result.pairs,
        result.review,
        result.entities,
        result.blocking.capped_blocks,
        result.model_table(),
    ]
    for path, table in zip(outputs, tables, strict=True):
        write_frame(table, path, out_fmt)
    echo(result.summary())
    if since_fit is not None and since_fit.count:
        echo(frozen_model_note(since_fit.count, since_fit.given, "this run"))
    echo(f"wrote {', '.join(str(p) for p in outputs)} in {time.perf_counter() - started:.1f}s{short_rows_note()}")


def _check_spec_columns_named(frame: pl.DataFrame, spec, path: Path) -> None:  # noqa: ANN001 - a MatchSpec
    """When the table lacks columns the spec uses and its header looks like a data row (a CSV without a header),
    refuse it saying so (exit 1, as the engine's missing-column check), the columns counted and not listed: the
    engine's message lists the table's columns, which would be that row's values."""
    missing = sorted(set(spec.input_columns) - set(frame.columns))
    if missing and header_looks_like_data(frame.columns):
        raise click.ClickException(
            f"{path}: the spec uses columns {missing} that the table does not have; {columns_listed(frame.columns)}"
        )


def _table_reader(
    encoding: str, delimiter: str | None, sheet: str | None = None, skip_rows: int = 0, quarantine: bool = False
) -> Callable[[Path, str], TableRead]:
    """How match reads the table it deduplicates (--input, --increment): as resolve reads its input, a CSV in
    UTF-8, Windows-1258, VNI or TCVN3 (detected unless --encoding says) with the delimiter sniffed unless given;
    with the file's data-row numbers (TableRead); ``quarantine``: --quarantine given (read_table)."""
    if delimiter is not None:
        delimiter = {"\\t": "\t", "tab": "\t"}.get(delimiter, delimiter)
        if len(delimiter) != 1:
            raise click.BadParameter("the delimiter must be one character (or 'tab')", param_hint="--delimiter")
    return lambda path, option: read_table(path, option, encoding.lower(), delimiter, sheet, skip_rows, quarantine)


def _check_input(frame: pl.DataFrame, spec, path: Path, table: TableRead) -> None:  # noqa: ANN001 - a MatchSpec
    """match's prepare checks (check_input) with the rows named as the file numbers them, when that is not 1..height:
    a CSV's data rows with its blank lines counted, a workbook's sheet rows, a JSON file's objects or lines."""
    from pipelines.match import SpecError
    from pipelines.match.prepare import check_input, repeated_id_rows, repeated_ids_said

    if table.data_rows is None:
        return
    ids = frame[spec.id_column] if spec.id_column in frame.columns else None
    if table.rows != "data row" and ids is not None and ids.null_count():
        at = ids.is_null().arg_true().head(5).to_list()
        raise SpecError(f"{path}: {ids.null_count()} rows have no {spec.id_column!r} ({table.where(at)})")
    if table.rows != "data row" and ids is not None and ids.n_unique() != frame.height:  # rows, never the id
        groups, n = repeated_id_rows(ids)
        numbers = [[int(table.data_rows[i]) for i in at] for at in groups]
        raise SpecError(f"{path}: {spec.id_column!r} is not unique: {repeated_ids_said(n, numbers, table.rows + 's')}")
    check_input(frame, spec, str(path), table.data_rows)


def _one_entity_per_record(
    previous: pl.DataFrame, path: Path, data_rows: np.ndarray | None = None, rows_are: str = "data row"
) -> pl.DataFrame:
    """A previous --output has one entity id per record: rows repeated as they were are read once; a record
    given two entity ids is refused (which one it keeps would be a guess), naming the data rows, not the ids:
    the file's (``data_rows``, TableRead's, when blank lines were skipped; ``rows_are`` what they number)."""
    torn = previous.with_row_index("row").filter(pl.col("entity_id").n_unique().over("record_id") > 1)
    if torn.height:
        records = torn["record_id"].n_unique()
        at = torn["row"].head(6)
        rows = (at + 1).to_list() if data_rows is None else data_rows[at.to_numpy()].tolist()
        raise click.BadParameter(
            f"{path}: {records:,} record(s) have more than one entity_id ({rows_are}s {rows}): a previous --output has "
            "one row per record",
            param_hint="--previous",
        )
    return previous.unique(subset=["record_id"], keep="first", maintain_order=True)


def _check_match_options(
    input_path: Path | None,
    previous_path: Path | None,
    labels_path: Path | None,
    model_dir: Path | None,
    increment_path: Path | None,
    state_dir: Path | None,
) -> None:
    """Which options go together: a whole table (--input) or an increment (--increment with --state)."""
    if increment_path is None:
        if input_path is None:
            raise click.UsageError("give --input (a whole table) or --increment with --state (new records)")
        if state_dir is not None:
            raise click.UsageError("--state is the saved run an --increment extends; for a whole --input use --model")
        return
    if input_path is not None:
        raise click.UsageError("give either --input (a whole table) or --increment (new records), not both")
    if state_dir is None:
        raise click.UsageError("--increment needs --state: the folder a run saved with --save-state")
    for option, value in (("--previous", previous_path), ("--model", model_dir)):
        if value is not None:
            raise click.UsageError(f"{option} does not go with --increment: the state holds the lineage and model")


def _row_at(path: Path, table: TableRead, at: int) -> str:
    """Where the row at 0-based position ``at`` is, for a message: a CSV's record after the header (a quoted cell,
    a note, may span lines before it), else as the file numbers its rows (a sheet row, a JSON line, a data row)."""
    if path.suffix.lower() in (".csv", ".tsv"):
        return f"record {at + 1} after the header"
    return table.where([at])


def _float_id_column(path: Path, id_column: str) -> bool:
    """Whether a Parquet input holds its id column as floats (the engine reads them as their text, '1.0'); read from
    the file's schema alone. Any other input, or a file that cannot be read so (said when it is read): False."""
    if INPUT_FORMATS.get(path.suffix.lower()) != "parquet":  # (an unknown extension: said when it is read)
        return False
    try:
        dtype = pl.read_parquet_schema(path).get(id_column)
    except Exception:  # noqa: BLE001 - the input's own read says why
        return False
    return dtype is not None and dtype.is_float()


def _as_text_columns(
    frame: pl.DataFrame, columns: Sequence[str], path: Path, option: str, float_text: Sequence[str] = ()
) -> pl.DataFrame:
    """``frame`` with its ``columns`` (those it has) as text, as a CSV's are read: an id or verdict a Parquet file
    holds as a number, a date or true/false is its text (an int entity_id met the text ids of the input in a join and
    crashed with a Polars SchemaError); a column of lists, structs or bytes holds no one value per row and is
    refused, named with its type (it crashed with 'cannot cast List type'). ``float_text``: columns whose floats are
    read as their text ('1.0'), as the engine reads an input's float ids (``_float_id_column``), not as whole
    numbers. Names and types only, never a value."""
    for column in columns:
        dtype = frame.schema.get(column)
        if dtype is not None and (_is_nested(dtype) or dtype == pl.Binary):
            raise click.BadParameter(
                f"{path}: column {column!r} has type {dtype}; it must hold one value per row", param_hint=option
            )
    # a float column of whole numbers (pandas writes an int id column holding a null as float: 1.0, 2.0) is read as
    # the integers' text: as '1.0' it met the input's '1' nowhere and every previous id was lost, silently
    floats = [c for c in columns if c in frame.columns and frame.schema[c].is_float() and c not in float_text]
    for column in floats:
        if not frame.select(is_whole_number(pl.col(column)).all()).item():
            raise click.BadParameter(
                f"{path}: column {column!r} has type {frame.schema[column]} and holds numbers that are not whole: "
                "an id is text or a whole number",
                param_hint=option,
            )
    if floats:
        frame = frame.with_columns(pl.col(floats).cast(pl.Int64))
    cast = [c for c in columns if c in frame.columns and frame.schema[c] != pl.String]
    return frame.with_columns(pl.col(c).cast(pl.String) for c in cast) if cast else frame


def _spec_columns_as_text(frame: pl.DataFrame, spec) -> pl.DataFrame:  # noqa: ANN001 - a MatchSpec
    """The spec's columns that a Parquet file holds as categorical (pandas' 'category' dtype, read by Polars as
    Categorical) or Enum, as their text: Polars' string functions refuse the categorical type, and the match stopped
    with a traceback on a name column saved so ('str.replace_many operation not supported for dtypes `cat`')."""
    used = {c.split("__")[0] for c in spec.referenced_columns} | spec.input_columns | spec.optional_columns
    coded = [c for c in sorted(used) if isinstance(frame.schema.get(c), pl.Categorical | pl.Enum)]
    return frame.with_columns(pl.col(coded).cast(pl.String)) if coded else frame


def _refuse_nested_columns(frame: pl.DataFrame, spec, path: Path) -> None:  # noqa: ANN001 - a MatchSpec
    """A column the spec uses holding lists or structs (a Parquet --input or --increment) is a data problem, named
    with its type: the spec compares one value per record (an --increment's crashed: 'cannot cast List type')."""
    nested = [c for c in sorted(spec.input_columns) if c in frame.columns and _is_nested(frame.schema[c])]
    if nested:
        raise click.ClickException(
            f"{path}: column(s) {nested} used by the spec hold lists or structs ({frame.schema[nested[0]]}); "
            "the spec compares one value per record"
        )


def _read_pairs(path: Path, option: str, float_ids: bool = False) -> TableRead:
    """Reviewers' pairs (left_id, right_id) from a CSV or Parquet file: a CSV as --input is read (UTF-8,
    Windows-1258, VNI or TCVN3 detected; the delimiter sniffed: a ward file saved by a Vietnamese Excel uses ';')."""
    pairs = read_table(path, option)
    if not {"left_id", "right_id"} <= set(pairs.frame.columns):
        raise click.BadParameter(f"{path}: needs columns left_id and right_id", param_hint=option)
    ids = ("left_id", "right_id")
    frame = _as_text_columns(pairs.frame, (*ids, *VERDICT_COLUMNS), path, option, ids if float_ids else ())
    return dataclasses.replace(pairs, frame=frame)


VERDICT_COLUMNS = ("label", "verdict", "decision")  # the first one present says each pair's verdict
SAME_VERDICTS = ("match", "same")
DIFFERENT_VERDICTS = ("no_match", "different")


def _read_verdicts(path: Path, option: str, float_ids: bool = False) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Reviewers' verdicts from a pairs file: (the 'same' pairs, the 'different' pairs or None without a verdict
    column). A verdict column (label, verdict or decision, as review.match_labels and the ward files write it) holds
    match/same or no_match/different (any case); without one every pair is 'same'. A row with an empty verdict is
    a pair not decided yet (a ward file partly filled in): left out and counted. Another value is refused with the
    count and first row, never the value. A review file of the pipeline (review_<ward>.xlsx, match_pair.csv: an item
    one row per record pair) is read as the review stage reads it (``review.decisions.ward_file_pairs``): an item's
    decision labels every record pair it shows; rows of one item giving different decisions are left out, named."""
    from pipelines.review.decisions import ward_file_pairs

    ward = ward_file_pairs(path)
    if ward is not None:
        pairs, column = ward.pairs, "decision"
        _say_ward_file(path, option, ward)
    else:
        table = _read_pairs(path, option, float_ids)
        pairs = table.frame
        column = next((c for c in VERDICT_COLUMNS if c in pairs.columns), None)
        if column is None:
            return pairs.select("left_id", "right_id"), None

    def where(at: int) -> str:  # a CSV record is counted, not a line: a quoted cell (a note) may span lines before it
        if ward is None:
            return _row_at(path, table, at)
        sheet = pairs["sheet"][at]
        return f"row {pairs['source_row'][at]}" + (f" of sheet {sheet!r}" if sheet is not None else "")

    verdict = pairs[column].cast(pl.String).str.strip_chars().str.to_lowercase().str.replace_all(r"[\s\-]+", "_")
    undecided = verdict.replace("", None).is_null()
    bad = ~undecided & ~verdict.is_in([*SAME_VERDICTS, *DIFFERENT_VERDICTS]).fill_null(False)
    if bad.any():
        first = int(bad.arg_true()[0])
        rows = int(bad.sum()) if ward is None else pairs.filter(bad).select("sheet", "source_row").unique().height
        raise click.BadParameter(
            f"{path}: {rows:,} rows whose {column} is not one of {', '.join(SAME_VERDICTS)} (same entity) "
            f"or {', '.join(DIFFERENT_VERDICTS)} (different entities); the first at {where(first)}",
            param_hint=option,
        )
    if undecided.any():
        echo(f"{option} {path}: {int(undecided.sum()):,} rows without a {column} (not decided yet) left out")
    same, different = verdict.is_in(SAME_VERDICTS).fill_null(False), verdict.is_in(DIFFERENT_VERDICTS).fill_null(False)
    # one pair (either order) judged both same and different: the matcher reads it as different, the safer verdict
    # (engine._reviewed_pairs); said with the count and the first row, never an id
    ids = [pl.col(c).cast(pl.String) for c in ("left_id", "right_id")]
    key = pairs.select(pl.concat_str(pl.min_horizontal(ids), pl.max_horizontal(ids), separator="\x1f")).to_series()
    conflict = (key.is_in(key.filter(same).implode()) & key.is_in(key.filter(different).implode())).fill_null(False)
    if conflict.any():
        first = int(conflict.arg_true()[0])
        echo(
            f"{option} {path}: {int(key.filter(conflict).n_unique()):,} pairs judged both same and different "
            f"({int(conflict.sum()):,} rows, the first at {where(first)}): read as different (never linked); decide them "
            "again"
        )
    return pairs.filter(same).select("left_id", "right_id"), pairs.filter(different).select("left_id", "right_id")


def _say_ward_file(path: Path, option: str, ward) -> None:  # noqa: ANN001 - a review.decisions.WardFilePairs
    """What was read of a review file given as verdicts: decided items and the record pairs they label, items not
    decided yet, and the rows not read (rows of one item giving different decisions, named by item and rows; cells the
    review stage refuses), never a value."""
    own = int(ward.pairs["item_id"].is_null().sum()) if ward.pairs.height else 0
    mp = ward.pairs.height - own
    echo(
        f"{option} {path}: a review file: {ward.items:,} decided item(s), {mp:,} record pair(s) (an item's decision "
        f"labels every record pair of it)"
        + (f", {own:,} row(s) without an item id read as pairs of their own" if own else "")
        + f"; {ward.undecided:,} item(s) not decided yet left out"
    )
    if ward.deleted_items:
        echo(
            f"{option} {path}: {ward.deleted_items:,} decided item(s) with rows deleted from the file (their "
            f"record_pairs counts {ward.deleted_pairs:,} record pair(s) more than their rows show): this file no longer "
            "names those pairs, so they are not labelled here; the pipeline's review stage labels them too (it knows "
            "each item's pairs): for its labels give review.match_labels, written out, as the labels file"
        )
    if ward.refused:
        causes = ward.errors.filter(pl.col("field") == "decision")["cause"].unique(maintain_order=True)
        echo(
            f"{option} {path}: {ward.refused:,} item(s) whose rows give different decisions not read: "
            + "; ".join(causes.head(5))
            + (f"; and {causes.len() - 5:,} more" if causes.len() > 5 else "")
        )
    others = ward.errors.filter(~pl.col("cause").str.contains(" give different decisions"))
    if others.height:
        first = others.row(0, named=True)
        at = f"row {first['source_row']}" + (f" of sheet {first['sheet']!r}" if first["sheet"] is not None else "")
        echo(
            f"{option} {path}: {others.height:,} row(s) not read; the first at {at} ({first['field']}): {first['cause']}"
        )


def _read_withdrawn(path: Path, id_column: str, float_ids: bool = False) -> pl.Series:
    """Record ids deleted in their source: column record_id, else the spec's id column (as text). The file comes
    from a source system's export: read as --input is (encoding detected, delimiter sniffed)."""
    table = read_table_file(path, "--withdrawn")
    column = next((c for c in ("record_id", id_column) if c in table.columns), None)
    if column is None:
        raise click.BadParameter(f"{path}: needs a column record_id (or {id_column})", param_hint="--withdrawn")
    return _as_text_columns(table, (column,), path, "--withdrawn", (column,) if float_ids else ())[column]


def _match_increment(
    spec,  # noqa: ANN001 - a MatchSpec
    table: TableRead,
    increment_path: Path,
    state_dir: Path,
    save_state_dir: Path | None,
    outputs: list[Path],
    out_fmt: str,
    started: float,
    verdicts: pl.DataFrame | None = None,
    withdrawn: pl.Series | None = None,
    different: pl.DataFrame | None = None,
) -> None:
    import logging

    from pipelines.match import SpecError
    from pipelines.match.increment import match_increment
    from pipelines.match.state import StateError, load_state, save_state

    frame = _spec_columns_as_text(table.frame, spec)

    try:
        state = load_state(state_dir, spec)
    except StateError as exc:
        raise click.BadParameter(str(exc), param_hint="--state") from None
    _refuse_nested_columns(frame, spec, increment_path)
    _check_spec_columns_named(frame, spec, increment_path)
    logging.basicConfig(level=logging.INFO, format="  %(message)s", stream=sys.stderr)
    echo(f"wardbridge: matching {frame.height:,} new or changed rows of {increment_path} against {state_dir}")
    try:
        _check_input(frame, spec, increment_path, table)  # rows named as the file numbers them (prepare again)
        result = match_increment(
            state,
            frame,
            spec,
            labelled_pairs=verdicts,
            cannot_link_pairs=different,
            withdrawn=withdrawn,
            source=str(increment_path),
        )
    except (SpecError, StateError) as exc:
        raise click.ClickException(str(exc)) from None
    tables = [result.records, result.pairs, result.review, result.entities, result.blocking, result.merged_entities]
    for path, table in zip(outputs, tables, strict=True):
        write_frame(table, path, out_fmt)
    target = save_state_dir or state_dir
    save_state(result.state, target)
    echo(result.summary())
    echo(
        f"wrote {', '.join(str(p) for p in outputs)} and the state {target} in {time.perf_counter() - started:.1f}s"
        + short_rows_note()
    )


def increment_outputs(output_path: Path) -> list[Path]:
    """OUTPUT of an increment and its companions: .pairs, .review, .entities, .blocking, .merged."""
    parts = ("pairs", "review", "entities", "blocking", "merged")
    stem, suffix = output_path.stem, output_path.suffix
    return [output_path, *(output_path.with_name(f"{stem}.{part}{suffix}") for part in parts)]


def match_outputs(output_path: Path) -> list[Path]:
    """OUTPUT and its companions: .pairs, .review, .entities, .capped, .model (in that order)."""
    parts = ("pairs", "review", "entities", "capped", "model")
    stem, suffix = output_path.stem, output_path.suffix
    return [output_path, *(output_path.with_name(f"{stem}.{part}{suffix}") for part in parts)]


@main.command()
def reference() -> None:
    """Print the reference tables' row counts, provenance and invariant checks."""
    from pipelines.reference import REFERENCE_DIR, load_reference
    from pipelines.schema import REFERENCE_TABLES
    from quality.checks import reference_checks

    ref = load_reference(checked=False)  # gazetteer_consistency reported below, not refused at load
    tables = ref.tables()
    click.echo("Reference tables (mappings/):")
    for table in REFERENCE_TABLES:
        click.echo(f"  {table.name:<22}{tables[table.name].height:>8} rows")
    provenance = json.loads((REFERENCE_DIR / "provenance.json").read_text(encoding="utf-8"))
    click.echo("Sources:")
    for source in provenance.get("sources", []):
        click.echo(
            f"  {source['package']} {source['version']} ({source.get('license', '?')}): {source.get('used_for', '')}"
        )
    click.echo("Legal basis:")
    for subject, basis in provenance.get("legal_basis", {}).items():
        click.echo(f"  {subject}: {basis}")
    click.echo("Checks:")
    failed = 0
    for name, outcomes in reference_checks(tables, {t.name: t for t in REFERENCE_TABLES}).items():
        for outcome in outcomes:
            failed += not outcome.passed
            click.echo(f"  [{'ok' if outcome.passed else 'FAIL'}] {name}: {outcome.summary()}")
    if failed:
        raise SystemExit(1)


@main.command()
@click.option(
    "--output",
    "output_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Directory to write the registries, truth/ and manifest.json into (created; must be empty or absent).",
)
@click.option(
    "--people",
    type=click.IntRange(min=1),
    default=20_000,
    show_default=True,
    help="People to generate, a target: households are drawn for it and their sizes decide the total (about 4% more: 2000 gives 2095; the whole city: 14000000).",
)
@click.option("--seed", type=int, default=42, show_default=True, help="Same seed (and --chunk-people), same bytes.")
@click.option(
    "--duplicate-rate",
    type=click.FloatRange(0, 0.5),
    default=0.10,
    show_default=True,
    help="Share of people registered 2-4 times across old units.",
)
@click.option(
    "--local-moves",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    metavar="SHARE",
    help="Of the registrations that moved (60 % of the extra ones: a new unit, a new household book), the share "
    "moved to a unit of the same old district; the rest go to a unit anywhere in the city (0: all do). The 2019 "
    "census (GSO) counts 2.7 % intra-district and 1.4 % inter-district migrants within a province (whole country): "
    "0.66 is that share.",
)
@click.option(
    "--sample",
    is_flag=True,
    help="Only the old units of the bundled sample (whole districts in each old province) and the bad files.",
)
@click.option(
    "--bad-files/--no-bad-files", default=None, help="Also write deliberately broken files (default: with --sample)."
)
@click.option(
    "--chunk-people",
    type=click.IntRange(min=1000),
    default=250_000,
    show_default=True,
    help="People per chunk (bounds memory). Part of the seed: another chunk size draws another city.",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def synth(
    output_dir: Path,
    people: int,
    seed: int,
    duplicate_rate: float,
    local_moves: float,
    sample: bool,
    bad_files: bool | None,
    chunk_people: int,
    quiet: bool,
) -> None:
    """Write synthetic household, population, business and tax registries of the old units, with truth."""
    from pipelines.synth.registries import SynthConfig, format_stats, generate, sample_units

    if output_dir.exists() and any(output_dir.iterdir()):
        raise click.BadParameter(f"{output_dir} is not empty; choose a new directory", param_hint="--output")
    check_output_dir(output_dir, "--output")
    config = SynthConfig(
        people=people,
        seed=seed,
        duplicate_rate=duplicate_rate,
        local_moves=local_moves,
        unit_uids=sample_units() if sample else None,
        chunk_people=chunk_people,
        bad_files=sample if bad_files is None else bad_files,
        progress=not quiet,
    )
    stats, _ = generate(config, output_dir)
    echo(format_stats(stats))
    echo(f"wrote {output_dir}/ (manifest.json lists every source file, its format, encoding and columns)")
    echo(
        f"next: wardbridge catalogue --manifest {output_dir / 'manifest.json'} --output {output_dir / 'catalogue.toml'}"
    )


@main.command()
@click.option(
    "--manifest",
    "manifest_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="manifest.json written by `wardbridge synth`.",
)
@click.option(
    "--output",
    "output_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Catalogue TOML to write (default: standard output).",
)
@click.option("--broken", is_flag=True, help="Only the files that cannot be loaded at all (for testing failures).")
def catalogue(manifest_path: Path, output_path: Path | None, broken: bool) -> None:
    """Write the source catalogue (TOML) of a `wardbridge synth` output, for `wardbridge run --catalogue`."""
    from pipelines.ingest.catalogue import catalogue_from_manifest, load_catalogue
    from pipelines.warehouse import REPO_ROOT, write_text_atomic

    if not manifest_path.is_file():
        raise click.BadParameter(f"file not found: {manifest_path}", param_hint="--manifest")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):  # a JSON list, string or number: no manifest's keys to read
            raise TypeError(f"a JSON {type(manifest).__name__}, not an object")
        root = manifest_path.parent.resolve()
        base_dir = str(root.relative_to(REPO_ROOT)) if root.is_relative_to(REPO_ROOT) else str(root)
        text = catalogue_from_manifest(manifest, base_dir, broken=broken, source=str(manifest_path))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise click.ClickException(
            f"{manifest_path}: not a manifest written by `wardbridge synth` ({type(exc).__name__}: {exc})"
        ) from None
    if output_path is None:
        click.echo(text, nl=False)
        return
    if output_path.resolve() == manifest_path.resolve():
        raise click.BadParameter("the output would overwrite the manifest", param_hint="--output")
    check_output(output_path, "--output", ())  # a file in its path: exit 2 naming it (was exit 1, 'File exists')
    try:
        write_text_atomic(output_path, text)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output_path}: {exc.strerror or type(exc).__name__}") from None
    sources = load_catalogue([output_path])  # what `wardbridge run` will read: it must load
    echo(f"wrote {output_path}: {len(sources)} sources; run them with `wardbridge run --catalogue {output_path}`")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

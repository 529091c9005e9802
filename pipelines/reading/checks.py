"""Checks of the rows read, whatever the format: NUL characters taken out, columns a header names twice."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import polars as pl

from pipelines.reading.messages import DATA_LIKE_HEADER, NUL_ROWS_SHOWN, echo, header_looks_like_data
from pipelines.reading.tables import TableRead


def without_nul_cells(read: TableRead, path: Path) -> TableRead:
    """The table with every NUL character (a zero byte of a damaged or fixed-width export) taken out of its text
    cells, as staging takes them out (encodings.without_nul): kept, an address '12 Lê\\x00 Lợi' was unresolved and
    an ID with one never matched its copy. Counted per column on stderr with the first data rows (numbered as the
    file numbers them), never a value. Categorical and Enum columns (a Parquet file's) are cleaned too and keep
    their type; NULs in column names are taken out (said, with the names: '--column address' finds 'add\\x00ress')
    unless the name without them is another column's."""
    frame = _without_nul_names(read.frame, path)
    coded = [
        name
        for name, dtype in frame.schema.items()
        if isinstance(dtype, (pl.Categorical, pl.Enum))
        and frame[name].unique().cast(pl.String).str.contains("\x00", literal=True).any()
    ]
    types = {name: frame.schema[name] for name in coded}
    frame = frame.with_columns(pl.col(coded).cast(pl.String)) if coded else frame
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not text or not frame.height:
        return dataclasses.replace(read, frame=frame) if frame is not read.frame else read
    from pipelines.encodings import without_nul

    cleaned, counts, _ = without_nul(frame, text)
    if coded:
        cleaned = cleaned.with_columns(pl.col(name).cast(_cleaned_type(dtype)) for name, dtype in types.items())
    if not counts:
        return dataclasses.replace(read, frame=cleaned) if cleaned is not read.frame else read
    parts = []
    for name, n in counts.items():
        rows = frame.select(pl.col(name).str.contains("\x00", literal=True).arg_true().head(NUL_ROWS_SHOWN)).to_series()
        more = ", ..." if n > rows.len() else ""
        where = read.where(rows.to_list())
        if n > 1 and rows.len() == 1:  # 'data rows 4, ...': the plural for the count
            where = where.replace(f"{read.rows} ", f"{read.rows}s ", 1)
        parts.append(f"{name!r} {n} ({where}{more})")
    echo(
        f"wardbridge: {path}: NUL characters removed (values per column): {'; '.join(parts)}; a NUL is no text "
        "(a damaged or fixed-width export): the values are read and written without it"
    )
    return dataclasses.replace(read, frame=cleaned)


def _cleaned_type(dtype: pl.DataType) -> pl.DataType:
    """A Categorical column's type again after its NULs are out; an Enum's categories without them (one each)."""
    if isinstance(dtype, pl.Enum):
        categories = dtype.categories.str.replace_all("\x00", "", literal=True)
        return pl.Enum(list(dict.fromkeys(categories.to_list())))
    return dtype


def _without_nul_names(frame: pl.DataFrame, path: Path) -> pl.DataFrame:
    """``frame`` with NUL characters taken out of its column names (said on stderr), a name left as it is when the
    name without them is empty or another column's (said too)."""
    named = [name for name in frame.columns if "\x00" in name]
    if not named:
        return frame
    taken = set(frame.columns) - set(named)
    renames, kept = {}, []
    for name in named:
        new = name.replace("\x00", "")
        if new.strip() and new not in taken:
            renames[name] = new
            taken.add(new)
        else:
            kept.append(name.replace("\x00", "\\x00"))
    said = ", ".join(repr(n) for n in renames.values())
    message = f"wardbridge: {path}: NUL characters removed from column names: {said}" if renames else ""
    if kept:
        message += ("; " if message else f"wardbridge: {path}: ") + (
            f"column names holding NUL characters kept as they are (without them they would be empty or another "
            f"column's name): {', '.join(kept)}"
        )
    echo(message)
    return frame.rename(renames)


def report_repeated_columns(frame: pl.DataFrame, path: Path) -> None:
    """Say on stderr which columns a CSV's header names more than once (Polars reads the first under the name and
    renames the others '<name>_duplicated_<n>'): a spec or option naming the column reads the first copy, which may
    not be the one meant, so it is not done silently. Names and positions only, never a value."""
    columns = frame.columns
    data_like = header_looks_like_data(columns)
    for i, name in enumerate(columns):
        found = re.fullmatch(r"(.+)_duplicated_\d+", name)
        if found and found.group(1) in columns[:i]:
            first = columns.index(found.group(1))
            if data_like:  # values, not names: the positions only
                echo(
                    f"wardbridge: {path}: the first line names a column more than once (columns {first + 1} and "
                    f"{i + 1}); {DATA_LIKE_HEADER}"
                )
                continue
            echo(
                f"wardbridge: {path}: the header names column {found.group(1)!r} more than once (columns {first + 1} "
                f"and {i + 1}): column {first + 1} is read as {found.group(1)!r}, column {i + 1} as {name!r}; "
                "rename one in the header if the other is meant"
            )


def repeat_name(name: str, taken: set) -> str:
    """The name a repeated column (a workbook's header, a JSON object's key) is read under, as Polars names a CSV's:
    '<name>_duplicated_<n>', the first n whose name is not in ``taken``."""
    n = 0
    while f"{name}_duplicated_{n}" in taken:
        n += 1
    return f"{name}_duplicated_{n}"

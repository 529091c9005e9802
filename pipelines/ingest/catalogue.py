"""The source catalogue: one declarative entry per old unit's source system.

Catalogue files are TOML (``mappings/sources/*.toml``)::

    base_dir = "data/sample/registries"    # relative paths below resolve against it (itself against the repo root)

    [[source]]
    id = "population_770"                  # unique; used in partition keys and lineage
    registry = "population"                # population | households | businesses | tax
    format = "csv"                         # csv | xlsx | jsonl | dbf | sqlite | pg_dump | sql
    path = "population/population_770.csv" # a file, or a glob with one file per extract
    encoding = "detect"                    # utf-8 | utf-8-sig | cp1258 | tcvn3 | vni | detect (csv, jsonl, dbf, pg_dump)
    delimiter = ","                        # csv only
    header_row = 0                         # 0-based row of the header (csv/xlsx; xlsx finds it when omitted)
    read_hidden_sheets = false             # xlsx: hidden sheets are not read as records (each named in the note)
    hidden_sheets_known = ["DanhMuc"]      # xlsx: hidden sheets known to be no records: skipped with no warning
    day_first = true                       # dates written d/m (Vietnamese convention)
    extract_date = "2025-08-31"            # or extract_date_pattern = 'population_770_(\\d{8})\\.csv'
    old_units = ["pre2025:27139"]          # old units the system covers
    allow_outside_base = false             # paths must stay inside base_dir (after symlinks) unless true
    [source.columns]                       # source column -> canonical field
    ho_ten = "full_name"

SQL sources name a SQLAlchemy URL whose credentials come from environment
variables, never from the file: ``url = "postgresql+psycopg://${WB_PG_USER}:${WB_PG_PASSWORD}@${WB_PG_HOST}/${WB_PG_DB}"``
with ``table``, optional ``db_schema`` and ``key_column``, and either ``extract_date`` (the table is one
extract) or ``extract_date_column = "ngay_trich_xuat"``: the table holds several extracts, one per distinct
date in that column, found in the database (``SELECT DISTINCT``) whenever the catalogue's extracts are listed
(pipelines/ingest/sql.py ``extract_date_groups``), plus one partition ``<source id>@undated`` that holds the rows
whose date is empty or no date (quarantined; often none). It is listed whatever dates the table holds, so those
rows are in that one partition however dates arrive or are purged.

Adding an old unit's export is adding one entry: no code.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from pipelines.encodings import LEGACY
from pipelines.schema import ADDRESS_PARTS, CANONICAL_FIELDS, REGISTRY_KINDS, REQUIRED_FIELDS

REPO_ROOT = Path(__file__).resolve().parents[2]
CATALOGUE_DIR = REPO_ROOT / "mappings" / "sources"
FORMATS = ("csv", "xlsx", "jsonl", "dbf", "sqlite", "pg_dump", "sql")
ENCODINGS = ("utf-8", "utf-8-sig", *LEGACY, "detect")
PARTITION_SEPARATOR = "@"
UNDATED = "undated"
"""Partition key suffix (``<source id>@undated``) of the rows of an ``extract_date_column`` table with no date."""
UNDATED_EXTRACT_DATE = date(1900, 1, 1)
"""The ``extract_date`` of the ``<source id>@undated`` partition's rows in the raw and quarantine tables (which
need a date): fixed, so every run writes the same rows, and before any real extract, so never the latest."""


# canonical fields that hold a person's national ID number: a key_column mapped to one puts that number into every
# record_key (lineage, review queues, entity tables' record_ids). Warned about, not refused (catalogues
# keyed so already run); taxpayer_code is an individual's personal ID since 1 July 2025
PERSONAL_ID_FIELDS = ("personal_id", "old_id_number", "head_personal_id", "owner_personal_id", "taxpayer_code")
log = logging.getLogger("wardbridge.catalogue")
_WARNED: set[str] = set()  # the personal key warnings this process has given (load_catalogue runs every listing)


class CatalogueError(ValueError):
    """A catalogue entry is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class SourceSpec:
    id: str
    registry: str
    format: str
    columns: dict[str, str]  # source column -> canonical field
    catalogue_file: Path
    base_dir: Path
    path: str | None = None
    url: str | None = None
    table: str | None = None
    db_schema: str | None = None
    key_column: str | None = None
    encoding: str = "detect"
    delimiter: str = ","
    header_row: int | None = None
    day_first: bool = True
    extract_date: date | None = None
    extract_date_pattern: str | None = None
    extract_date_column: str | None = None  # sql: one extract per distinct date in this column of the table
    old_units: tuple[str, ...] = ()
    description: str = ""
    allow_outside_base: bool = False  # read files outside base_dir (absolute paths, '..', symlinks leading out)
    # population: the sex a boolean sex column's true (and a 0/1 column's 1) means ("M" or "F"); false (0) is the
    # other. Without it, a row whose sex is true/false (PostgreSQL boolean, SQLite BOOLEAN, an XLSX TRUE/FALSE cell, a
    # dBase logical) is quarantined, and 1/0 read 1 = male
    sex_true: str | None = None
    # xlsx: read hidden and very hidden sheets as visible ones. Without it they are not read as records (a clerk's
    # scratch or lookup sheet nobody opening the file sees), each named in the partition's note with its rows
    read_hidden_sheets: bool = False
    # xlsx: hidden sheets known to be no records (a clerk's code list read by formulas): never read, and skipped
    # without the warning an unknown hidden sheet gives every run (still listed in the partition's note); a name here
    # the workbook does not have, or whose sheet is visible, is warned about
    hidden_sheets_known: tuple[str, ...] = ()

    @property
    def personal_key_field(self) -> str | None:
        """The personal-ID field (PERSONAL_ID_FIELDS) ``key_column`` is mapped to, if any."""
        field_ = self.columns.get(self.key_column) if self.key_column else None
        return field_ if field_ in PERSONAL_ID_FIELDS else None

    @property
    def canonical_columns(self) -> dict[str, str]:
        """Canonical field -> source column."""
        return {v: k for k, v in self.columns.items()}

    def missing_required(self) -> list[str]:
        """Required canonical fields this source's mapping does not provide."""
        have = set(self.columns.values())
        missing = []
        for f in REQUIRED_FIELDS[self.registry]:
            if f == "address" and ("ward" in have or "district" in have):
                continue
            if f not in have:
                missing.append(f)
        return missing

    def check_inside_base(self, path: Path) -> None:
        """Refuse a file outside the base directory (after following symlinks) unless the entry allows it."""
        if self.allow_outside_base:
            return
        base = self.base_dir.resolve()
        if not path.resolve().is_relative_to(base):
            raise CatalogueError(
                f"{self.catalogue_file}: source {self.id!r}: path {self.path!r} leads outside the base directory "
                f"{base} (set allow_outside_base = true in the entry to read it)"
            )

    def extract_groups(self):  # noqa: ANN201 - sql.ExtractDates
        """``extract_date_column``: the table's distinct dates, grouped (one query; sql.source_groups)."""
        from pipelines.ingest.sql import source_groups

        return source_groups(self)

    def date_of_file(self, file: Path) -> date | None:
        """The extract date ``extract_date_pattern`` reads in a file's name; None when the name does not match it or
        its date is no date ('population_775_20251345.csv'). Such a file is no extract of the source: one misnamed
        delivery in a landing folder stopped every run and sensor tick with a CatalogueError (the whole catalogue
        unreadable); it is named by :func:`misdated_files` instead."""
        m = re.search(self.extract_date_pattern, file.name) if self.extract_date_pattern else None
        if m is None:
            return None
        try:
            return _parse_date(m.group(1), f"{self.catalogue_file}: source {self.id}: file {file.name}")
        except CatalogueError:
            return None

    def extracts(self, groups=None) -> list[Extract]:  # noqa: ANN001 - sql.ExtractDates already listed, or None
        """The extracts this source has: one per matching file (or one for a database table)."""
        if self.format == "sql":
            if self.extract_date_column:  # the database says which extracts there are
                groups = groups if groups is not None else self.extract_groups()
                # the rows with no date: one partition whatever the dates do (a stable key, never a date's)
                undated = Extract(self, UNDATED_EXTRACT_DATE, None, groups, undated=True)
                return [*(Extract(self, day, None, groups) for day in groups.dates), undated]
            if self.extract_date is None:
                raise CatalogueError(f"{self.catalogue_file}: source {self.id}: a sql source needs extract_date")
            return [Extract(self, self.extract_date, None)]
        pattern = self.base_dir / self.path
        files = sorted(pattern.parent.glob(pattern.name)) if any(c in self.path for c in "*?[") else [pattern]
        by_day: dict[date, list[Path]] = {}
        for f in files:
            self.check_inside_base(f)
            if self.extract_date_pattern:
                day = self.date_of_file(f)
                if day is None:  # the name misses the pattern, or holds no real date (misdated_files says so)
                    continue
                by_day.setdefault(day, []).append(f)
            else:
                by_day.setdefault(self.extract_date, []).append(f)
        # two files of one date are one partition: read, it fails naming them all (before, the file sorted last was
        # the extract and the other's rows were never loaded, silently)
        return [Extract(self, day, found[0], others=tuple(found[1:])) for day, found in by_day.items()]


@dataclass(frozen=True)
class Extract:
    """One source's extract for one date: the unit that is loaded, reloaded and backfilled."""

    source: SourceSpec
    extract_date: date
    file: Path | None
    # extract_date_column: the table's date groups (sql.ExtractDates) as listed with this extract, so reading it
    # does not list them again (None: the reader lists them)
    groups: object = field(default=None, compare=False, repr=False)
    # extract_date_column: the table's rows whose date is empty or no date (partition ``<id>@undated``); their
    # ``extract_date`` is UNDATED_EXTRACT_DATE (1900-01-01: the raw and quarantine tables need one), not in the key
    undated: bool = False
    # the source's other files whose names give this extract's date: one extract cannot be two files, so reading it
    # fails naming them (readers.read_extract), never one loaded in place of the other
    others: tuple = field(default=(), compare=False)
    # the partitions of other sources whose path finds this extract's file too (overlapping globs, one file named by
    # two entries): its rows would be loaded once per source, so reading it fails naming them (readers.read_extract)
    shared_with: tuple = field(default=(), compare=False)

    @property
    def partition_key(self) -> str:
        return f"{self.source.id}{PARTITION_SEPARATOR}{self.key_date}"

    @property
    def key_date(self) -> str:
        """The partition key's date part (in record keys too): the ISO extract date, or ``undated``."""
        return UNDATED if self.undated else self.extract_date.isoformat()

    @property
    def location(self) -> str:
        """Human-readable location for lineage and error messages (files relative to the base dir)."""
        if self.file is None:
            qualified = (
                f"{self.source.db_schema}.{self.source.table}" if self.source.db_schema else str(self.source.table)
            )
            return f"{qualified} ({self.source.id})"
        try:
            return str(self.file.relative_to(self.source.base_dir))
        except ValueError:
            return str(self.file)


def _parse_date(text: str, where: str) -> date:
    for fmt in ("%Y-%m-%d", "%Y%m%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CatalogueError(f"{where}: extract date {text!r} is not YYYY-MM-DD or YYYYMMDD")


# the type each key of an entry takes (extract_date: a TOML date or its text, checked by _parse_date)
KEY_TYPES: dict[str, tuple[type, str]] = {
    **dict.fromkeys(
        (
            "id",
            "registry",
            "format",
            "path",
            "url",
            "table",
            "db_schema",
            "key_column",
            "encoding",
            "delimiter",
            "extract_date_pattern",
            "extract_date_column",
            "description",
            "sex_true",
        ),
        (str, "a text in quotes"),
    ),
    "header_row": (int, "a whole number from 0 (no quotes)"),
    "day_first": (bool, "true or false (no quotes)"),
    "allow_outside_base": (bool, "true or false (no quotes)"),
    "read_hidden_sheets": (bool, "true or false (no quotes)"),
    "old_units": (list, 'a list of texts, ["pre2025:27139"]'),
    "hidden_sheets_known": (list, 'a list of sheet names, ["DanhMuc"]'),
    "columns": (dict, 'a table of source column = "canonical field" ([source.columns])'),
}
# a source id names its partitions' folders (part=<id>@<date>, other characters written '_'): two ids differing in
# such a character only would write one folder, each load replacing the other's rows
ID_PATTERN = re.compile(r"[\w.-]+")


def _check_types(raw: dict, where: str) -> None:
    """Every key of an entry of the type it takes, named with the entry (a TOML value of another type was taken as it
    was: day_first = "no" read as true, old_units = "pre2025:1" as its characters, columns = "x" an AttributeError)."""
    for key, (kind, words) in KEY_TYPES.items():
        if key not in raw:
            continue
        value = raw[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise CatalogueError(f"{where}: {key} must be {words}")
    for key in ("old_units", "hidden_sheets_known"):
        if any(not isinstance(v, str) for v in raw.get(key, [])):
            raise CatalogueError(f"{where}: {key} must be {KEY_TYPES[key][1]}")
    if any(not isinstance(v, str) for v in raw.get("columns", {}).values()):
        raise CatalogueError(f"{where}: columns must be {KEY_TYPES['columns'][1]}")
    if raw.get("header_row", 0) < 0:
        raise CatalogueError(f"{where}: header_row must be {KEY_TYPES['header_row'][1]}")
    if "delimiter" in raw and len(raw["delimiter"]) != 1:
        raise CatalogueError(f'{where}: delimiter must be one character ("," ";" "\\t" "|")')
    if "id" in raw and not ID_PATTERN.fullmatch(raw["id"]):
        raise CatalogueError(
            f"{where}: id must be letters, digits, '_', '-' or '.' (it names the partitions' folders, where other "
            "characters would be written '_' and two sources could share one)"
        )
    pattern = raw.get("extract_date_pattern")
    if pattern is not None:
        try:
            groups = re.compile(pattern).groups
        except re.error as exc:
            raise CatalogueError(f"{where}: extract_date_pattern is not a regular expression ({exc})") from None
        if groups < 1:
            raise CatalogueError(f"{where}: extract_date_pattern needs a group around the date, e.g. 'x_(\\d{{8}})'")


def _entry(raw: dict, catalogue_file: Path, base_dir: Path) -> SourceSpec:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{catalogue_file}: each source is a [[source]] table")
    where = f"{catalogue_file}: source {raw.get('id', '?')!r}"
    _check_entry_keys(raw, where)
    _check_format_options(raw, where)
    extract = _entry_extract_date(raw, where)
    spec = SourceSpec(
        **{k: v for k, v in raw.items() if k not in ("extract_date", "old_units", "columns", "hidden_sheets_known")},
        columns=dict(raw["columns"]),
        extract_date=extract,
        old_units=tuple(raw.get("old_units", ())),
        hidden_sheets_known=tuple(raw.get("hidden_sheets_known", ())),
        catalogue_file=catalogue_file,
        base_dir=base_dir,
    )
    missing = spec.missing_required()
    if missing:
        raise CatalogueError(f"{where}: no column maps to required field(s) {missing}")
    if spec.path is not None and not any(c in spec.path for c in "*?["):
        spec.check_inside_base(base_dir / spec.path)
    return spec


def _check_entry_keys(raw: dict, where: str) -> None:
    """CatalogueError for an unknown or missing key, a value of the wrong type, an unknown registry, format or
    encoding, or a column mapped to a field the registry does not have."""
    known = set(SourceSpec.__dataclass_fields__) - {"catalogue_file", "base_dir"}
    unknown = set(raw) - known
    if unknown:
        raise CatalogueError(f"{where}: unknown keys {sorted(unknown)}; an entry takes {sorted(known)}")
    for key in ("id", "registry", "format", "columns"):
        if key not in raw:
            raise CatalogueError(f"{where}: missing key {key!r}")
    _check_types(raw, where)
    if raw["registry"] not in REGISTRY_KINDS:
        raise CatalogueError(f"{where}: registry {raw['registry']!r} is not one of {REGISTRY_KINDS}")
    if raw["format"] not in FORMATS:
        raise CatalogueError(f"{where}: format {raw['format']!r} is not one of {FORMATS}")
    if raw.get("encoding", "detect") not in ENCODINGS:
        raise CatalogueError(f"{where}: encoding {raw['encoding']!r} is not one of {ENCODINGS}")
    allowed = set(CANONICAL_FIELDS[raw["registry"]]) | set(ADDRESS_PARTS)
    bad = {k: v for k, v in raw["columns"].items() if v not in allowed}
    if bad:
        raise CatalogueError(
            f"{where}: columns map to unknown {raw['registry']} fields {bad}; known: {sorted(allowed)}"
        )


def _check_format_options(raw: dict, where: str) -> None:
    """CatalogueError when the entry lacks what its format needs (a sql source's url and table, a file's path, a
    sqlite source's table) or sets an option another format or a missing column needs."""
    if raw["format"] == "sql":
        if not raw.get("url") or not raw.get("table"):
            raise CatalogueError(f"{where}: a sql source needs url and table")
    elif not raw.get("path"):
        raise CatalogueError(f"{where}: a {raw['format']} source needs path")
    if raw["format"] == "sqlite" and not raw.get("table"):
        raise CatalogueError(f"{where}: a sqlite source needs table")
    if not isinstance(raw.get("allow_outside_base", False), bool):
        raise CatalogueError(f"{where}: allow_outside_base must be true or false")
    if "sex_true" in raw:
        if raw["sex_true"] not in ("M", "F"):
            raise CatalogueError(
                f'{where}: sex_true must be "M" or "F" (the sex a true in the boolean sex column means)'
            )
        if "sex" not in raw["columns"].values():
            raise CatalogueError(f"{where}: sex_true is set but no column maps to sex")
    for key in ("read_hidden_sheets", "hidden_sheets_known"):
        if key in raw and raw["format"] != "xlsx":
            raise CatalogueError(
                f"{where}: {key} is for xlsx sources only (this one is {raw['format']!r}): a workbook's hidden sheets"
            )


def _entry_extract_date(raw: dict, where: str) -> date | None:
    """The entry's extract_date (None when a pattern or, for sql, a column gives the dates); CatalogueError when
    nothing gives them, or extract_date_column is misused."""
    column = raw.get("extract_date_column")
    if column is not None:
        if raw["format"] != "sql":
            raise CatalogueError(
                f"{where}: field 'extract_date_column' is for sql sources only (this one is {raw['format']!r})"
            )
        if not isinstance(column, str) or not column.strip():
            raise CatalogueError(f"{where}: field 'extract_date_column' must name a column of table {raw['table']!r}")
        clash = [k for k in ("extract_date", "extract_date_pattern") if k in raw]
        if clash:
            raise CatalogueError(
                f"{where}: field 'extract_date_column' reads the extract dates from the table; "
                f"remove {' and '.join(repr(k) for k in clash)}"
            )
    extract = raw.get("extract_date")
    if extract is not None and not isinstance(extract, date):
        extract = _parse_date(str(extract), where)
    if extract is None and not raw.get("extract_date_pattern") and column is None:
        raise CatalogueError(
            f"{where}: give extract_date or extract_date_pattern"
            + (" (or extract_date_column)" if raw["format"] == "sql" else "")
        )
    return extract


def load_catalogue(paths: Iterable[Path] | None = None) -> dict[str, SourceSpec]:
    """All sources of the given catalogue files (default: mappings/sources/*.toml), by id."""
    files = sorted(CATALOGUE_DIR.glob("*.toml")) if paths is None else [Path(p) for p in paths]
    sources: dict[str, SourceSpec] = {}
    for path in files:
        try:  # a byte-order mark (Windows Notepad writes one) is no part of the TOML
            data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
        except IsADirectoryError:  # ($WARDBRIDGE_CATALOGUE naming a folder: 'IsADirectoryError: [Errno 21] ...')
            raise CatalogueError(
                f"{path}: a folder, not a catalogue file: name the catalogue files (TOML) in it, each one ("
                f"--catalogue once per file; {os.pathsep!r} between them in $WARDBRIDGE_CATALOGUE)"
            ) from None
        except OSError as exc:  # not there, not readable: named with the system's reason
            raise CatalogueError(
                f"{path}: cannot read the catalogue file: {exc.strerror or type(exc).__name__}"
            ) from None
        except UnicodeDecodeError:
            raise CatalogueError(f"{path}: not UTF-8 text: save the catalogue as UTF-8") from None
        except tomllib.TOMLDecodeError as exc:
            raise CatalogueError(f"{path}: not valid TOML: {exc}") from None
        unknown = sorted(set(data) - {"base_dir", "source"})
        if unknown:  # '[[sources]]' or 'basedir': the sources or the folder would be ignored without a word
            raise CatalogueError(
                f"{path}: unknown top-level keys {unknown}; a catalogue holds base_dir and [[source]] entries"
            )
        if not isinstance(data.get("base_dir", "."), str):
            raise CatalogueError(f"{path}: base_dir must be a text in quotes (a folder)")
        if not isinstance(data.get("source", []), list):
            raise CatalogueError(f"{path}: sources are written [[source]] (an array of tables), not [source]")
        base = Path(data.get("base_dir", "."))
        base = base if base.is_absolute() else (REPO_ROOT / base)
        for raw in data.get("source", []):
            spec = _entry(raw, path, base)
            if spec.id in sources:
                raise CatalogueError(f"{path}: source id {spec.id!r} also defined in {sources[spec.id].catalogue_file}")
            sources[spec.id] = spec
    for line in personal_key_warnings(sources):
        if line not in _WARNED:  # once a process: the sensor and each step list the catalogue again and again
            _WARNED.add(line)
            log.warning(line)
    return sources


def personal_key_warnings(sources: dict[str, SourceSpec]) -> list[str]:
    """One line per source whose ``key_column`` is mapped to a personal-ID field (PERSONAL_ID_FIELDS): every record
    key then holds that person's ID number. Names the file, the source, the column and the field, never a value.
    A warning, not a refusal (load_catalogue logs each once a process)."""
    return [
        f"{spec.catalogue_file}: source {spec.id!r}: key_column {spec.key_column!r} is mapped to {field_}: every "
        f"record key ({spec.id}@<date>#<key>: lineage, review queues, entity tables' record_ids) will hold a "
        "person's ID number; key the source by its record number instead (docs/ingestion.md, key_column)"
        for spec in sources.values()
        if (field_ := spec.personal_key_field) is not None
    ]


def extracts_by_partition(
    sources: dict[str, SourceSpec],
    registry: str | None = None,
    unlisted: dict[str, Exception] | None = None,
    groups: dict | None = None,
) -> dict[str, Extract]:
    """Every extract of the catalogue (of ``registry``) by partition key.

    ``unlisted``: when given, a SQL source whose database cannot tell its extract dates (down, refusing,
    table gone) is recorded there (source id -> reason, password masked) and skipped, so one database
    does not stop the others' runs; without it the error is raised. ``groups``: when given, receives the
    date groups (sql.ExtractDates) of each listed ``extract_date_column`` source.
    """
    from pipelines.ingest.sql import SqlSourceError

    out: dict[str, Extract] = {}
    for spec in sources.values():
        if registry is not None and spec.registry != registry:
            continue
        try:
            found = spec.extract_groups() if spec.extract_date_column else None
            extracts = spec.extracts(found)
        except SqlSourceError as exc:
            if unlisted is None:
                raise
            unlisted[spec.id] = exc
            continue
        if groups is not None and spec.extract_date_column:
            groups[spec.id] = found
        for extract in extracts:
            out[extract.partition_key] = extract
    return dict(sorted(_shared_files_marked(out).items()))


def _shared_files_marked(extracts: dict[str, Extract]) -> dict[str, Extract]:
    """``extracts`` with each extract whose file is also another source's extract of the same registry marked
    ``shared_with`` those partitions (before HR1 such a file was loaded once per source: every row staged twice,
    under two record keys). Not shared: another registry's source reading the file (a households export read for
    its heads as population too), another table of a database file or dump, a workbook's sheets under another
    header (an xlsx source reads the sheets holding its own columns)."""
    by_file: dict[tuple, list[str]] = {}
    for key, extract in extracts.items():
        spec = extract.source
        columns = frozenset(spec.columns) if spec.format == "xlsx" else None
        for f in (extract.file, *extract.others) if extract.file is not None else ():
            by_file.setdefault((spec.registry, f.resolve(), spec.table, columns), []).append(key)
    shared: dict[str, tuple] = {}
    for keys in by_file.values():
        for key in keys:
            other = tuple(k for k in keys if extracts[k].source.id != extracts[key].source.id)
            if other:
                shared[key] = tuple(sorted({*shared.get(key, ()), *other}))
    return {k: replace(e, shared_with=shared[k]) if k in shared else e for k, e in extracts.items()}


def misdated_files(sources: dict[str, SourceSpec]) -> list[str]:
    """One line per file a source's path matches whose name matches its extract_date_pattern but holds no real date
    ('population_775_20251345.csv'): not loaded, named so that it is renamed (SourceSpec.date_of_file)."""
    lines = []
    for spec in sources.values():
        if spec.format == "sql" or spec.path is None or not spec.extract_date_pattern:
            continue
        pattern = spec.base_dir / spec.path
        files = sorted(pattern.parent.glob(pattern.name)) if pattern.parent.is_dir() else []
        lines += [note for f in files if f.is_file() and (note := misdated_note(spec, f)) is not None]
    return lines


def misdated_note(spec: SourceSpec, file: Path) -> str | None:
    """The line naming ``file`` when its name matches the source's extract_date_pattern but holds no real date
    (:func:`misdated_files`); None for a file whose name misses the pattern or holds a date."""
    m = re.search(spec.extract_date_pattern, file.name) if spec.extract_date_pattern else None
    if m is None or spec.date_of_file(file) is not None:
        return None
    return (
        f"source {spec.id!r} ({spec.catalogue_file.name}): file {file.name}: its extract date {m.group(1)!r} "
        "is not a date (YYYY-MM-DD or YYYYMMDD): not loaded; rename the file"
    )


def sources_without_extracts(sources: dict[str, SourceSpec], extracts: dict[str, Extract]) -> list[str]:
    """Why each file source of the catalogue has no extract today, one line each: its glob matches no file, or no
    matching file's name matches its extract_date_pattern. Such a source loads nothing and fails nothing, so
    without this line a mistyped path made a run that succeeded with nothing of the source in it. A catalogue
    listing no source at all is one line too. Then the files not loaded because their name's date is no date
    (:func:`misdated_files`), whether or not their source has other extracts."""
    if not sources:
        return ["the catalogue lists no source: no extract is loaded (docs/guide/ingestion-catalogue.md)"]
    having = {e.source.id for e in extracts.values()}
    lines = []
    for spec in sources.values():
        if spec.format == "sql" or spec.id in having or spec.path is None:
            continue
        pattern = spec.base_dir / spec.path
        where = f"source {spec.id!r} ({spec.catalogue_file.name})"
        files = [f for f in pattern.parent.glob(pattern.name) if f.is_file()] if pattern.parent.is_dir() else []
        # a file whose name matches the pattern but holds no real date is named by misdated_files, not here
        unmatched = [f for f in files if misdated_note(spec, f) is None]
        if not files:
            lines.append(f"{where}: path {spec.path!r} matches no file in {pattern.parent}: nothing of it is loaded")
        elif unmatched:
            lines.append(
                f"{where}: {len(unmatched)} file(s) match path {spec.path!r}, none of their names matches "
                f"extract_date_pattern {spec.extract_date_pattern!r}: nothing of it is loaded"
            )
    return lines + misdated_files(sources)


def url_problem(exc: Exception) -> str:
    """The message of a SQL source's error (pipelines.ingest.sql: written by wardbridge, the password masked),
    without a variable's value. sql.py names a port that is not a number by its variable, never by its text
    (``port (from WB_PORT) is not a number``); as a second guard, in a malformed template's message (not a missing
    variable's, not a literal password's) a quoted text right after the word ``port`` (``port '54x'``,
    ``port "54x"``, as messages before 4932675 quoted it) is shown ``port '…'``. Every other quoted text is kept:
    the source id (``source 'pop_sql'``) stays named."""
    from pipelines.ingest.sql import LiteralPasswordError, MissingVariableError, UrlTemplateError

    text = str(exc)
    if isinstance(exc, UrlTemplateError) and not isinstance(exc, (MissingVariableError, LiteralPasswordError)):
        text = re.sub(r"\bport (?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")", "port '…'", text)
    return text


def url_problems(sources: dict[str, SourceSpec], env: Mapping[str, str] | None = None) -> list[str]:
    """What keeps a SQL source's URL template from being filled before anything is read: an environment variable
    not set (named, never a value), a literal password, a malformed template. One line per source, naming the
    catalogue file; [] when every SQL source's URL can be built (default ``env``: os.environ)."""
    from pipelines.ingest.sql import UrlTemplateError, resolve_url

    out = []
    for spec in sources.values():
        if spec.format != "sql" or not spec.url:
            continue
        try:
            resolve_url(spec.url, env, source=spec.id, base_dir=spec.base_dir)
        except UrlTemplateError as exc:
            out.append(f"{spec.catalogue_file}: {url_problem(exc)}")
    return out


def source_of(partition_key: str) -> str:
    """The source id of a partition key (``<source id>@<extract date>``)."""
    return partition_key.rsplit(PARTITION_SEPARATOR, 1)[0]


def catalogue_from_manifest(manifest: dict, base_dir: str, *, broken: bool = False, source: str | None = None) -> str:
    """TOML catalogue for a directory written by ``wardbridge synth`` (its manifest.json).

    Declares every source as an operator would, with the generator's files that have
    bad rows (quarantined at staging). ``broken=True`` gives instead the files that
    cannot be loaded at all (wrong delimiter, missing column): their partitions fail.
    """
    source = source or "data/sample/registries/manifest.json"
    lines = [
        f"# Source catalogue of {Path(source).parent} (written by `wardbridge synth`), made by",
        f"# `wardbridge catalogue --manifest {source}`.",
        "# Each [[source]] is one old unit's source system: see pipelines/ingest/catalogue.py for the format.",
        f'base_dir = "{base_dir}"',
        "",
    ]
    fmt_of = {"postgres_dump": "pg_dump"}
    bad = manifest.get("bad_files", [])
    chosen = (
        [b for b in bad if b.get("defect_fails_file")]
        if broken
        else [*manifest["sources"], *(b for b in bad if not b.get("defect_fails_file"))]
    )
    for s in chosen:
        fmt = fmt_of.get(s["fmt"], s["fmt"])
        lines.append("[[source]]")
        lines.append(f'id = "{s["id"]}"')
        lines.append(f'registry = "{s["registry"]}"')
        lines.append(f'format = "{fmt}"')
        lines.append(f'path = "{s["path"]}"')
        if fmt in ("sqlite", "pg_dump"):
            lines.append(f'table = "{s["registry"]}"')
        if fmt == "pg_dump":
            lines.append(f'db_schema = "{s["id"]}"  # where the dump creates the table when loaded into PostgreSQL')
        key = s["columns"].get("record_no")
        if key:
            lines.append(f'key_column = "{key}"')
        if s.get("defect"):
            lines.append(f'description = "deliberately broken sample file: {s["defect"]}"')
        if fmt == "csv":
            lines.append('encoding = "detect"')
            lines.append('delimiter = ","')
        if fmt == "dbf":
            lines.append('encoding = "detect"  # on the character fields\' bytes')
        if s.get("header_row") and fmt in ("csv", "xlsx"):
            lines.append(f"header_row = {s['header_row']}")
        lines.append(f"day_first = {'false' if s.get('date_format') == 'mdy' else 'true'}")
        lines.append(f'extract_date = "{manifest["extract_date"]}"')
        lines.append("old_units = [" + ", ".join(f'"{u}"' for u in s["unit_uids"]) + "]")
        lines.append("[source.columns]")
        for canonical, column in s["columns"].items():
            if canonical == "record_no":
                continue  # the row number is lineage, not a field
            lines.append(f'"{column}" = "{canonical}"')
        lines.append("")
    return "\n".join(lines)

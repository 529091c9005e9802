"""Load the administrative reference data in mappings/.

``mappings/reference/`` is rebuilt from upstream by scripts/build_reference.py;
``mappings/aliases.csv`` and ``mappings/gazetteer.csv`` are maintained by users
and merged in at load time, so local knowledge survives a rebuild.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from pipelines.schema import ALIASES, CROSSWALK, GAZETTEER, SOURCE_DISAGREEMENTS, UNITS_2025, UNITS_PRE2025, Table
from pipelines.text import fold

MAPPINGS_DIR = Path(__file__).resolve().parents[1] / "mappings"
REFERENCE_DIR = MAPPINGS_DIR / "reference"
USER_ALIASES = MAPPINGS_DIR / "aliases.csv"
USER_GAZETTEER = MAPPINGS_DIR / "gazetteer.csv"

# Old provinces whose units formed the new Ho Chi Minh City, with their number of old
# commune-level units (Resolution 1685/NQ-UBTVQH15): the one place these codes are written.
HCMC_OLD_UNITS_BY_PROVINCE = {"79": 273, "74": 91, "77": 78}  # old HCMC, Binh Duong, Ba Ria - Vung Tau
HCMC_OLD_PROVINCES = tuple(HCMC_OLD_UNITS_BY_PROVINCE)
HCMC_NEW_PROVINCE = "79"
# The city's clock, the one place it is written: the nightly schedules tick in it (assets/operations.py), SQL sources'
# dates are read in it (pipelines/ingest/sql.py), and an official's "today" is its date (city_today).
CITY_TIME_ZONE = "Asia/Ho_Chi_Minh"


def city_today(now: dt.datetime | None = None) -> dt.date:
    """The city's calendar date at the instant ``now`` (an aware datetime; default: this instant). Officials work
    07:30-17:00 in the city, from 00:30 UTC: the UTC date is the day before until 07:00 there."""
    now = dt.datetime.now(dt.UTC) if now is None else now
    if now.tzinfo is None:
        raise ValueError("city_today needs an aware instant (a naive datetime's zone is unknown)")
    return now.astimezone(ZoneInfo(CITY_TIME_ZONE)).date()


# the tables the resolver reads (source_disagreements is documentation only)
RESOLVER_TABLES = ("units_pre2025", "units_2025", "crosswalk", "aliases", "gazetteer")


def read_table(path: Path, table: Table) -> pl.DataFrame:
    """Read a CSV declared by ``table``; every code column stays text (leading zeros)."""
    try:
        frame = pl.read_csv(path, schema_overrides=table.polars_schema, infer_schema=False)
    except FileNotFoundError:
        raise FileNotFoundError(f"reference table {table.name}: {path} not found") from None
    problems = table.validate(table.cast(frame))
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    return table.cast(frame)


def read_user_table(path: Path, table: Table, key_from: str, key_to: str) -> pl.DataFrame:
    """User-maintained CSV: ``key_to`` (folded) may be left empty and is derived from ``key_from``."""
    if not path.exists():
        return pl.DataFrame(schema=table.polars_schema)
    frame = pl.read_csv(path, infer_schema=False, comment_prefix="#")
    # checked before key_to is added: a file with other columns is told what it lacks, not polars' "unable to find
    # column" listing the key_to column the file does not have
    missing = [f.name for f in table.fields if f.name not in frame.columns and f.name != key_to]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise ValueError(
            f"{path}: missing column{plural} {', '.join(missing)} (a {table.name} file has the columns "
            f"{', '.join(c for c in table.columns if c != key_to)} and may have {key_to}; "
            f"this one has {', '.join(frame.columns)})"
        )
    if key_to not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(key_to))
    frame = frame.with_columns(
        pl.when(pl.col(key_to).is_null() | (pl.col(key_to) == ""))
        .then(pl.col(key_from).map_elements(fold, return_dtype=pl.String))
        .otherwise(pl.col(key_to))
        .alias(key_to)
    )
    frame = table.cast(frame)
    problems = table.validate(frame)
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    return frame


# True while load_reference builds its Reference: it checks each gazetteer file itself (or leaves the check to the
# caller's report: checked=False), so Reference.__post_init__ does not check the whole again
_LOADING: ContextVar[bool] = ContextVar("wardbridge_loading_reference", default=False)


@dataclass(frozen=True)
class Reference:
    """The reference tables the resolver reads. Build it with load_reference; one built by hand (``Reference(...)``,
    ``dataclasses.replace(ref, gazetteer=...)``) has its gazetteer checked as it is built (check_gazetteer, once,
    a few ms), so no resolve starts from a gazetteer load_reference would refuse."""

    units_pre2025: pl.DataFrame
    units_2025: pl.DataFrame
    crosswalk: pl.DataFrame
    aliases: pl.DataFrame
    gazetteer: pl.DataFrame
    source_disagreements: pl.DataFrame

    def __post_init__(self) -> None:
        if not _LOADING.get():
            check_gazetteer(
                "Reference built by hand (not by load_reference): its gazetteer", self.gazetteer, self.crosswalk
            )

    def tables(self) -> dict[str, pl.DataFrame]:
        return {
            "units_pre2025": self.units_pre2025,
            "units_2025": self.units_2025,
            "crosswalk": self.crosswalk,
            "aliases": self.aliases,
            "gazetteer": self.gazetteer,
            "source_disagreements": self.source_disagreements,
        }

    @cached_property
    def fingerprint(self) -> str:
        """sha256 (16 hex digits) of the resolver's tables as loaded: same reference, same fingerprint."""
        digest = hashlib.sha256()
        for name in RESOLVER_TABLES:
            digest.update(name.encode() + b"\0" + getattr(self, name).write_csv().encode() + b"\0")
        return digest.hexdigest()[:16]

    def hcmc_old_units(self) -> pl.DataFrame:
        return self.units_pre2025.filter(pl.col("province_code").is_in(HCMC_OLD_PROVINCES))

    def hcmc_new_units(self) -> pl.DataFrame:
        return self.units_2025.filter(pl.col("province_code") == HCMC_NEW_PROVINCE)


def load_reference(
    reference_dir: Path = REFERENCE_DIR,
    user_aliases: Path | None = USER_ALIASES,
    gazetteers: tuple[Path, ...] | None = None,
    *,
    checked: bool = True,
) -> Reference:
    """The reference tables of ``reference_dir`` with the user's aliases and ``gazetteers`` (default
    mappings/gazetteer.csv, looked up when called). Each gazetteer file is checked once here (check_gazetteer), so
    every resolve, the CLI's and the Python API's, refuses an entry that would place a split unit's records outside
    its parts (ValueError naming the file); ``checked=False`` for the reporters that evaluate gazetteer_consistency
    themselves (`wardbridge reference`, the reference asset)."""
    gazetteers = (USER_GAZETTEER,) if gazetteers is None else gazetteers
    aliases = [read_table(reference_dir / "aliases_upstream.csv", ALIASES)]
    if user_aliases is not None:
        aliases.append(read_user_table(user_aliases, ALIASES, "alias", "alias_key"))
    crosswalk = read_table(reference_dir / "crosswalk.csv", CROSSWALK)
    files = [read_user_table(p, GAZETTEER, "name", "name_key") for p in gazetteers]
    if checked:
        for path, frame in zip(gazetteers, files, strict=True):
            check_gazetteer(path, frame, crosswalk)
    gazetteer = pl.concat(files) if files else pl.DataFrame(schema=GAZETTEER.polars_schema)
    token = _LOADING.set(True)
    try:
        return Reference(
            units_pre2025=read_table(reference_dir / "units_pre2025.csv", UNITS_PRE2025),
            units_2025=read_table(reference_dir / "units_2025.csv", UNITS_2025),
            crosswalk=crosswalk,
            aliases=pl.concat(aliases).unique(
                subset=["level", "alias_key", "target_uid"], keep="first", maintain_order=True
            ),
            gazetteer=gazetteer.unique(subset=["old_uid", "kind", "name_key"], keep="last", maintain_order=True),
            source_disagreements=read_table(reference_dir / "source_disagreements.csv", SOURCE_DISAGREEMENTS),
        )
    finally:
        _LOADING.reset(token)


def check_gazetteer(path: Path | str, gazetteer: pl.DataFrame, crosswalk: pl.DataFrame) -> None:
    """A gazetteer file's entries as the reference check gazetteer_consistency wants them, else ValueError naming
    the file: an entry of a split old unit naming a ward that is not one of its parts would place the unit's
    records there (split_resolved), one of an old unit that was not split is a mistake. Once per file as it is
    loaded (a few joins of the small table), never per address."""
    from quality.checks import gazetteer_consistency  # (quality.checks imports this module)

    problems = gazetteer_consistency(gazetteer, crosswalk).problems
    if problems:
        raise ValueError(
            f"{path}: {'; '.join(problems)}: an entry places an address of a split old unit in one of that unit's "
            "new parts (crosswalk.csv); mend or remove these entries"
        )


@cache
def default_reference() -> Reference:
    """mappings/ as the resolver reads it by default, its gazetteer checked (load_reference)."""
    return load_reference()


@cache
def pre2025_units() -> pl.DataFrame:
    """The reference's units before 2025 (mappings/reference/units_pre2025.csv), for readers that need the units
    only (CCCD province prefixes, a match spec's old_district): not stopped by a user gazetteer load_reference
    refuses, which they do not read."""
    return read_table(REFERENCE_DIR / "units_pre2025.csv", UNITS_PRE2025)

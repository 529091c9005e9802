"""Owners, tags and code versions of every asset, applied in one place (assets/definitions.py).

* owners: the team answering for the asset, by group (``OWNERS``; edit here when teams change);
* tags: ``wardbridge/stage`` (the asset group) and ``wardbridge/module`` (the assets/ module defining it);
* code version: a hash of the asset's module source, of the engine modules it imports directly
  (``pipelines.*``) and of the mapping files it reads (``mappings/``: reference tables, aliases,
  gazetteer, source catalogue, match specs, export declarations). Editing any of them changes the code
  version, so Dagster marks the asset (and what depends on it) changed; nothing else does.

Declarative automation: the assets downstream of ingest (groups in ``AUTOMATED_GROUPS``) carry
``NIGHTLY``, ``AutomationCondition.on_cron`` at the nightly ingest's hour (an ingest layer with no partition at
all aside: ``nightly_condition``): after that tick each one runs once every asset it depends on has been updated
since, so entities follow the ingest, the review
queues the entities, the marts and the report what they read, whenever the ingest finishes, and
nothing runs on half-refreshed input. The sensor ``nightly_refresh`` (assets/sensors.py) evaluates them.
Exports are left out: they need $WARDBRIDGE_PSEUDONYM_KEY in the daemon's environment.

An asset that declares its own owners, code version or automation condition keeps them.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import dagster as dg

from pipelines.reference import CITY_TIME_ZONE
from pipelines.schema import REGISTRY_KINDS
from pipelines.warehouse import REPO_ROOT

MAPPINGS = REPO_ROOT / "mappings"
NIGHTLY_CRON, TIMEZONE = "0 2 * * *", CITY_TIME_ZONE  # the nightly ingest schedules' tick (assets/schedules.py)
# the ingest's partitioned layers (one partition per catalogue extract): pipelines.schema.REGISTRY_KINDS' raw, staged
# and quarantine tables
_INGEST_LAYERS = [f"{layer}_{registry}" for registry in REGISTRY_KINDS for layer in ("raw", "staged", "quarantine")]


def nightly_condition(cron: str = NIGHTLY_CRON, timezone: str = TIMEZONE) -> dg.AutomationCondition:
    """``AutomationCondition.on_cron(cron, timezone)``, except that an ingest layer with no partition at all does not
    hold its dependents back: the tick passed and every dependency was updated since (or is about to be), an ingest
    layer of a registry with no extract (its catalogue sources match no file, their partitions deleted; or a
    registry the catalogue does not list) counting as updated. on_cron waited for at least one of its partitions
    to be updated, which none ever was: address_corrections and review_decisions read every registry's staged
    layer, so no entities, review queues, marts or report were refreshed on any night after, and the registry's
    old extracts, which its entities step retires, stayed live (found end to end by HR1 on the real instance)."""
    tick = dg.AutomationCondition.cron_tick_passed(cron, timezone)
    updated = dg.AutomationCondition.newly_updated().since(tick) | dg.AutomationCondition.will_be_requested()
    anything = dg.AutomationCondition.missing() | ~dg.AutomationCondition.missing()  # true on every partition
    layers = dg.AssetSelection.assets(*_INGEST_LAYERS)
    others = dg.AutomationCondition.all_deps_match(updated).ignore(layers)
    per_layer = [
        dg.AutomationCondition.any_deps_match(updated).allow(dg.AssetSelection.assets(key))
        | ~dg.AutomationCondition.any_deps_match(anything).allow(dg.AssetSelection.assets(key))
        for key in _INGEST_LAYERS
    ]
    deps = others
    for layer in per_layer:
        deps = deps & layer
    return (
        dg.AutomationCondition.in_latest_time_window()
        & tick.since_last_handled()
        & deps.with_label(f"all_deps_updated_since_cron({cron}, {timezone}), ingest layers with no partition aside")
    ).with_label(f"on_cron({cron}, {timezone})")


NIGHTLY = nightly_condition()
AUTOMATED_GROUPS = {"entities", "review", "marts", "report"}
DEFAULT_OWNER = "team:wardbridge"
OWNERS = {
    "reference": "team:reference-data",
    "addresses": "team:address-resolution",
    "ingest": "team:data-engineering",
    "entities": "team:record-linkage",
    "review": "team:ward-review",
    "marts": "team:publishing",
    "exports": "team:publishing",
    "report": "team:publishing",
}
_REFERENCE = ("reference/*", "aliases.csv", "gazetteer.csv")
# mapping files (globs under mappings/) read by the assets of a group
MAPPINGS_BY_GROUP = {
    "reference": _REFERENCE,
    "addresses": _REFERENCE,
    # staging resolves each record's ward with the reference of the day; a corrected reference is applied by
    # address_corrections (OWN_MAPPINGS), so it does not mark the staged tables changed
    "ingest": ("sources/*.toml",),
    "entities": ("match/*.toml",),
    "review": ("match/*.toml", "decisions/*"),
    "marts": (*_REFERENCE, "vsic_sections.csv", "match/*.toml"),
    "report": (*_REFERENCE,),
}


# assets that read other mapping files than their group's
OWN_MAPPINGS = {"address_corrections": _REFERENCE}


def mapping_files(key: str, group: str | None) -> list[Path]:
    """The mapping files an asset reads: per group, narrowed to its own spec or declaration where it has one."""
    if key in OWN_MAPPINGS:
        patterns: Iterable[str] = OWN_MAPPINGS[key]
    elif group == "exports" and key.startswith("export_"):
        patterns = (f"exports/{key.removeprefix('export_')}.toml",)
    elif group == "entities" and (own := _match_spec(key)) is not None:
        patterns = (f"match/{own}.toml",)
    else:
        patterns = MAPPINGS_BY_GROUP.get(group or "", ())
    return sorted({p for pattern in patterns for p in MAPPINGS.glob(pattern) if p.is_file()})


def _match_spec(key: str) -> str | None:
    for suffix in ("_entities", "_lineage", "_review"):
        if key.endswith(suffix) and (MAPPINGS / "match" / f"{key.removesuffix(suffix)}.toml").is_file():
            return key.removesuffix(suffix)
    return None


@cache
def module_files(module: str) -> tuple[Path, ...]:
    """The module's source file and those of the ``pipelines`` modules it imports directly."""
    source = Path(sys.modules[module].__file__) if module in sys.modules else None
    if source is None or not source.is_file():
        return ()
    files = {source}
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            if name.split(".")[0] != "pipelines":
                continue
            try:
                spec = importlib.util.find_spec(name)
            except (ImportError, ValueError):
                continue
            if spec is not None and spec.origin and spec.origin.endswith(".py"):
                files.add(Path(spec.origin))
    return tuple(sorted(files))


def code_version(files: Iterable[Path]) -> str:
    """sha256 of the files' repository paths and bytes, 16 hex digits."""
    digest = hashlib.sha256()
    for path in sorted(set(files)):
        name = path.relative_to(REPO_ROOT).as_posix() if path.is_relative_to(REPO_ROOT) else path.name
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _module_of(asset: dg.AssetsDefinition) -> str:
    fn = asset.op.compute_fn
    return getattr(getattr(fn, "decorated_fn", fn), "__module__", "")


def with_operations_attributes(assets: Iterable[dg.AssetsDefinition]) -> list[dg.AssetsDefinition]:
    """Every asset with owners, tags and a code version (see the module docstring)."""
    mapped = []
    for asset in assets:
        module = _module_of(asset)
        code = module_files(module)

        def attributes(spec: dg.AssetSpec, module: str = module, code: tuple[Path, ...] = code) -> dg.AssetSpec:
            group = spec.group_name
            return spec.replace_attributes(
                owners=list(spec.owners) or [OWNERS.get(group or "", DEFAULT_OWNER)],
                tags={**spec.tags, "wardbridge/stage": group or "default", "wardbridge/module": module.split(".")[-1]},
                code_version=spec.code_version
                or code_version([*code, *mapping_files(spec.key.to_user_string(), group)]),
                automation_condition=spec.automation_condition or (NIGHTLY if group in AUTOMATED_GROUPS else None),
            )

        mapped.append(asset.map_asset_specs(attributes))
    return mapped

"""Asset checks that can be re-run alone (from the UI: an asset's *Checks* tab, *Execute*; or a job / ``dg launch``
with a check selection).

Every asset that carries checks is a subsettable multi-asset (``can_subset=True``). A run that selects only
checks of it runs its op with no asset selected: the op then re-evaluates the selected checks from what is
published in the warehouse (DuckDB tables, Parquet partitions, the ingest status; the published marts and export
packages: assets/publish.py, assets/exports.py) and writes nothing. A run that selects the assets works as before:
it materialises them and evaluates the checks on what it wrote. Steps that write several tables at once (the
reference tables, an ingest step's raw/staged/quarantine, an entity kind's three tables, the two marts) cannot
write part of them: a selection of some of their assets fails naming the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import dagster as dg


def check_only(context: dg.AssetExecutionContext) -> bool:
    """The run selected checks of this op but none of its assets: re-evaluate, write nothing."""
    return not context.selected_asset_keys


def require_whole(context: dg.AssetExecutionContext, what: str, keys: Iterable[str | dg.AssetKey]) -> None:
    """Fail (before writing anything) when some but not all of the op's assets (``keys``) are selected."""
    every = {dg.AssetKey.from_coercible(k) for k in keys}
    chosen = set(context.selected_asset_keys)
    if chosen and chosen != every:
        missing = sorted(k.to_user_string() for k in every - chosen)
        raise dg.Failure(
            description=f"{what} are written together: select {', '.join(missing)} as well (or only checks, "
            "to re-run them on what is published)",
            allow_retries=False,
        )


def selected(context: dg.AssetExecutionContext, results: Iterable[dg.AssetCheckResult]) -> Iterator:
    """The check results the run selected (a run may select some checks of an asset, or none)."""
    wanted = context.selected_asset_check_keys
    for result in results:
        key = dg.AssetCheckKey(dg.AssetKey.from_coercible(result.asset_key), result.check_name)
        if key in wanted:
            yield result


def rerun_note(context: dg.AssetExecutionContext) -> None:
    names = ", ".join(sorted(k.to_user_string() for k in context.selected_asset_check_keys))
    context.log.info(f"re-running checks on what is published (nothing is written): {names}")

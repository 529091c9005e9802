"""Test helper: one evaluation of the landing sensor, its partition requests applied as the sensor daemon does."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg


def sensor_tick(instance: dg.DagsterInstance, cursor: str | None = None, settle: str | None = "0") -> dg.SensorResult:
    """Evaluate ``landing_folder_sensor`` once on ``instance``; add/delete the dynamic partitions it asks for.

    ``settle``: ``$WARDBRIDGE_LANDING_SETTLE_SECONDS`` for this tick; "0" (the default here) reads the files a test has
    just written at once; None leaves the variable as it is."""
    from assets.sensors import SETTLE_ENV, landing_folder_sensor

    before = os.environ.get(SETTLE_ENV)
    if settle is not None:
        os.environ[SETTLE_ENV] = settle
    try:
        result = landing_folder_sensor(dg.build_sensor_context(instance=instance, cursor=cursor))
    finally:
        if before is None:
            os.environ.pop(SETTLE_ENV, None)
        else:
            os.environ[SETTLE_ENV] = before
    for request in result.dynamic_partitions_requests or []:
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)
    return result


def households_900_catalogue(tmp_path: Path, base_dir: Path, folder: str = "") -> Path:
    """A catalogue of one source, households_900 (the sample's households_718 layout), its files
    ``<folder>households_900_<yyyymmdd>.csv`` under ``base_dir``."""
    path = tmp_path / "catalogue.toml"
    path.write_text(
        f'base_dir = "{base_dir.as_posix()}"\n'
        "[[source]]\n"
        'id = "households_900"\n'
        'registry = "households"\n'
        'format = "csv"\n'
        f'path = "{folder}households_900_*.csv"\n'
        "extract_date_pattern = 'households_900_(\\d{8})\\.csv'\n"
        'key_column = "ma_ban_ghi"\n'
        "[source.columns]\n"
        '"so_ho_khau" = "household_no"\n'
        '"ten_chu_ho" = "head_name"\n'
        '"dia_chi" = "address"\n',
        encoding="utf-8",
    )
    return path

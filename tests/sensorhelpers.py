"""Test helper: one evaluation of the landing sensor, its partition requests applied as the sensor daemon does."""

from __future__ import annotations

import dagster as dg


def sensor_tick(instance: dg.DagsterInstance, cursor: str | None = None) -> dg.SensorResult:
    """Evaluate ``landing_folder_sensor`` once on ``instance``; add/delete the dynamic partitions it asks for."""
    from assets.sensors import landing_folder_sensor

    result = landing_folder_sensor(dg.build_sensor_context(instance=instance, cursor=cursor))
    for request in result.dynamic_partitions_requests or []:
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)
    return result

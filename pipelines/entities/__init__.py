"""Entities: one module per concern (no Dagster).

* ``resolve``  run the matching engine on one staged registry, shape the published tables, lineage check
* ``links``    joins between the registries' entities (registry_links) and their accounting check
* ``io``       warehouse reads: staged partitions, the previous lineage, published entity tables

Truth-based accuracy on the bundled sample lives outside the production path:
``benchmarks/entity_accuracy.py``.
"""

"""Synthetic data with known truth, for tests and benchmarks of the resolver.

The generator lives in ``pipelines.synth.addresses`` (also runnable with
``python -m pipelines.synth.addresses``); its main names are re-exported lazily
here so that ``-m`` does not import the module twice.
"""

from __future__ import annotations

import importlib

__all__ = [
    "MESS_TYPES",
    "NON_SPLIT_MESS_TYPES",
    "evaluate",
    "generate_addresses",
    "row_correct",
    "synthetic_gazetteer",
    "write_synthetic_gazetteer",
]


def __getattr__(name: str):
    if name in __all__:
        return getattr(importlib.import_module("pipelines.synth.addresses"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

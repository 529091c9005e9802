"""Shared by the tests of folders a run cannot replace and of the officials' per-ward review files."""

from __future__ import annotations

import os
import subprocess

import polars as pl
import pytest

from pipelines.review.exports import write_ward_exports
from pipelines.schema import REVIEW_KINDS

ITEM = "ua-0123456789abcdef"


def lock_folder(target):  # noqa: ANN001, ANN201 - returns the undo
    """Make ``target`` impossible to rename: immutable for root (permissions do not stop root), else a read-only
    parent. Skips when the file system cannot."""
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(target)], capture_output=True).returncode != 0:
            pytest.skip("chattr +i is not available here")
        return lambda: subprocess.run(["chattr", "-i", str(target)], check=True)
    target.parent.chmod(0o555)
    return lambda: target.parent.chmod(0o755)


def write_one_address_item(root, summary: str, evidence_row: dict | None = None):  # noqa: ANN001, ANN201
    """The per-ward files of one unresolved-address review item (ward 26740, Phường Sài Gòn) under ``root``;
    ``evidence_row``: its evidence columns besides item_id, else no evidence."""
    items = pl.DataFrame(
        {
            "item_id": [ITEM],
            "kind": ["unresolved_address"],
            "rank": [1],
            "records_blocked": [1],
            "new_uid": ["2025:26740"],
            "candidates": [[]],
            "summary": [summary],
        },
        schema_overrides={"candidates": pl.List(pl.String), "rank": pl.UInt32, "records_blocked": pl.UInt32},
    )
    evidence = {kind: pl.DataFrame(schema={"item_id": pl.String}) for kind in REVIEW_KINDS}
    if evidence_row is not None:
        evidence["unresolved_address"] = pl.DataFrame({"item_id": [ITEM], **{k: [v] for k, v in evidence_row.items()}})
    names = pl.DataFrame({"unit_uid": ["2025:26740"], "name": ["Phường Sài Gòn"]})
    return write_ward_exports(items, evidence, names, root)

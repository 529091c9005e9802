"""An export folder this account cannot replace (read-only, immutable, a read-only mount): the run says which folder,
that the previous export is left as it was and this run's is not published, and what to do. Before, the step failed
with the rename's own words naming a folder that never existed ('PermissionError: [Errno 1] Operation not
permitted: '.../exports/statistics' -> '.../exports/.statistics.old-84f49c73'', found auditing with `chattr +i`)."""

from __future__ import annotations

import pytest

from pipelines.publish.exports import ExportError, swap_in
from tests.fshelpers import lock_folder


def test_an_export_folder_that_cannot_be_replaced_is_named_and_left_as_it_was(tmp_path):
    root = tmp_path / "exports"
    target, staging = root / "statistics", root / ".statistics.partial-1"
    target.mkdir(parents=True)
    (target / "datapackage.json").write_text("previous")
    staging.mkdir()
    (staging / "datapackage.json").write_text("new")
    undo = lock_folder(target)
    try:
        with pytest.raises(ExportError) as caught:
            swap_in(staging, target)
    finally:
        undo()
    message = str(caught.value)
    assert message.startswith(f"{target} cannot be replaced (")
    assert "previous export is left as it was" in message and ".old-" not in message
    assert (target / "datapackage.json").read_text() == "previous"
    assert sorted(p.name for p in root.iterdir()) == [".statistics.partial-1", "statistics"]  # the caller removes it

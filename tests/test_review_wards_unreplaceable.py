"""The officials' per-ward folder (warehouse/review/wards) when it cannot be replaced, and what killed runs left
beside it. Before: a wards/ folder this account could not rename failed review_queues with the rename's own words
('Operation not permitted: .../review/wards -> .../review/.wards.31788.old', a folder that never existed) and left
the new copy, personal values and all, in .wards.<pid>.partial, one more per failed run (found auditing the sample
with chattr +i on review/wards)."""

from __future__ import annotations

import pytest

from tests.fshelpers import lock_folder, write_one_address_item


def _write(root):  # noqa: ANN001, ANN202
    return write_one_address_item(root, "1 record")


def test_a_wards_folder_that_cannot_be_replaced_is_named_and_no_copy_is_left(tmp_path):
    root = tmp_path / "review"
    root.mkdir()
    _write(root)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    undo = lock_folder(root / "wards")
    try:
        with pytest.raises(OSError) as caught:
            _write(root)
    finally:
        undo()
    assert f"{root / 'wards'} cannot be replaced (" in str(caught.value)
    assert "previous files are left as they were" in str(caught.value) and ".old" not in str(caught.value)
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before  # nothing beside wards/


def test_what_a_killed_run_left_is_put_back_or_removed(tmp_path):
    root = tmp_path / "review"
    root.mkdir()
    _write(root)
    dead = 2**22 + 12345  # above Linux's default pid_max: no such process
    (root / "wards").rename(root / f".wards.{dead}.old")  # killed between the two renames: wards/ missing
    (root / f".wards.{dead + 1}.partial" / "26740").mkdir(parents=True)  # killed while writing
    _write(root)
    assert sorted(p.name for p in root.iterdir()) == ["wards"]
    assert (root / "wards" / "26740" / "unresolved_address.csv").is_file()

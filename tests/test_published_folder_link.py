"""A published folder that is a symbolic link (an export folder, the officials' review/wards or one ward's folder in
it, the marts' Parquet folder, linked to a share the recipients read) is not swapped away silently (HV17).

Before: each run exchanged the link itself with its new folder, so the run published into a plain folder in the
warehouse while the share the link pointed to kept the first run's files for ever, without a word; the link was then
left beside it under the build's name (``.statistics.partial-<hex>``, ``.wards.<pid>.partial``), which the leftover
cleanup could not remove (``rmtree`` refuses a link). Found publishing the sample's statistics export with
``exports/statistics`` linked to another folder. Now the step fails naming the link and where it points, keeps the
previous files (and the link) as they were, and says what to do instead.
"""

from __future__ import annotations

import pytest

from pipelines.publish.exports import ExportError, swap_in
from pipelines.publish.store import unreplaceable
from tests.fshelpers import write_one_address_item


def _linked(link, target):  # noqa: ANN001, ANN202
    target.mkdir(parents=True)
    (target / "datapackage.json").write_text("previous")
    link.symlink_to(target, target_is_directory=True)


def test_an_export_folder_linked_elsewhere_is_named_and_left_as_it_was(tmp_path):
    root, share = tmp_path / "exports", tmp_path / "share" / "statistics"
    root.mkdir()
    target, staging = root / "statistics", root / ".statistics.partial-1"
    _linked(target, share)
    staging.mkdir()
    (staging / "datapackage.json").write_text("new")
    with pytest.raises(ExportError) as caught:  # before: published into a plain folder, the share left stale
        swap_in(staging, target)
    message = str(caught.value)
    assert message.startswith(f"{target} is a symbolic link to {share}")
    assert "previous export is left as it was" in message and "ln -s" in message
    assert target.is_symlink() and (target / "datapackage.json").read_text() == "previous"
    assert sorted(p.name for p in root.iterdir()) == [".statistics.partial-1", "statistics"]  # the caller removes it
    assert not staging.is_symlink()


@pytest.mark.parametrize("linked", ["wards", "wards/26740"])
def test_a_review_folder_linked_elsewhere_is_named_and_no_copy_is_left(tmp_path, linked):
    root, share = tmp_path / "review", tmp_path / "share"
    root.mkdir()
    if linked == "wards/26740":
        write_one_address_item(root, "1 record")
        for f in (root / "wards" / "26740").iterdir():
            f.unlink()
        (root / "wards" / "26740").rmdir()
    _linked(root / linked, share)
    before = sorted(str(p.relative_to(root)) for p in root.rglob("*"))
    with pytest.raises(OSError) as caught:
        write_one_address_item(root, "1 record")
    message = str(caught.value)
    assert f"{root / linked} is a symbolic link to {share}" in message
    assert "previous files are left as they were" in message
    assert (root / linked).is_symlink() and sorted((share).iterdir()) == [share / "datapackage.json"]
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*")) == before  # nothing beside wards/


def test_the_marts_parquet_folder_linked_elsewhere_is_found_before_the_swaps(tmp_path):
    link, share = tmp_path / "marts" / "analytics", tmp_path / "share" / "analytics"
    link.parent.mkdir()
    _linked(link, share)
    why = unreplaceable(link)  # looked at before the marts' three swaps (before: None, and the link swapped away)
    assert why is not None and why.startswith(f"a symbolic link to {share}")
    assert unreplaceable(share) is None
    mart, copy = tmp_path / "analytics.duckdb", tmp_path / "share" / "analytics.duckdb"
    copy.write_bytes(b"previous")
    mart.symlink_to(copy)
    assert (unreplaceable(mart) or "").startswith(f"a symbolic link to {copy}")  # os.replace would replace the link

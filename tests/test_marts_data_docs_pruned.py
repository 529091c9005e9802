"""The marts' GX Data Docs (`marts/gx/<run id>/`, about 7.3 MB per run on the sample) are kept for the newest
$WARDBRIDGE_KEEP_DATA_DOCS runs (default 10) and the folders something still links to; older ones are removed at
each marts publication (pipelines/publish/gate_docs.py, called by assets/publish.py). Before, every marts run's
folder was kept for ever: a daily schedule filled the disk."""

from __future__ import annotations

import html
import json
import os

import pytest

from pipelines.publish.gate_docs import DEFAULT_KEEP_DATA_DOCS, keep_data_docs, linked_gate_docs, prune_gate_docs

T0 = 1_780_000_000  # mtimes one hour apart, oldest first


def _runs(root, count: int, failed: set[int] = frozenset()) -> list[str]:
    """`count` marts runs' Data Docs folders, run-00 oldest; the runs in `failed` had a gate refuse their marts."""
    (root / "analytics.duckdb").write_bytes(b"")  # published marts (latest_gates_dir needs the file)
    names = []
    for i in range(count):
        folder = root / "marts" / "gx" / f"run-{i:02d}"
        (folder / "ward_summary").mkdir(parents=True)
        (folder / "ward_summary" / "gate.json").write_text(json.dumps({"passed": i not in failed}), encoding="utf-8")
        (folder / "index.html").write_text("<html>Data Docs</html>", encoding="utf-8")
        for path in (folder / "ward_summary" / "gate.json", folder / "ward_summary", folder):
            os.utime(path, (T0 + 3600 * i, T0 + 3600 * i))
        names.append(folder.name)
    return names


def _left(root) -> list[str]:
    return sorted(d.name for d in (root / "marts" / "gx").iterdir())


def _report_linking(root, name: str) -> None:
    """reports/latest.html as the report writes its gates' Data Docs: a path in <code> (pipelines/report/page.py)."""
    (root / "reports").mkdir(exist_ok=True)
    index = root / "marts" / "gx" / name / "index.html"
    (root / "reports" / "latest.html").write_text(
        f"<p>Chi tiết (Data Docs, on the pipeline's machine): <code>{html.escape(str(index))}</code></p>",
        encoding="utf-8",
    )


def test_n_plus_3_runs_keep_the_newest_n(tmp_path, monkeypatch):
    monkeypatch.delenv("WARDBRIDGE_KEEP_DATA_DOCS", raising=False)
    names = _runs(tmp_path, DEFAULT_KEEP_DATA_DOCS + 3)
    removed = prune_gate_docs(tmp_path, current="run-12")
    assert sorted(p.name for p in removed) == names[:3]
    assert _left(tmp_path) == names[3:]
    assert DEFAULT_KEEP_DATA_DOCS == 10


def test_the_folders_the_report_and_the_published_marts_link_are_kept(tmp_path, monkeypatch):
    """Keep 3 of 6: run-03..05 are the newest, but their gates refused their marts, so the published marts are
    run-02's (kept); reports/latest.html still names run-00 (kept); run-01 links to nothing and goes."""
    monkeypatch.setenv("WARDBRIDGE_KEEP_DATA_DOCS", "3")
    names = _runs(tmp_path, 6, failed={3, 4, 5})
    _report_linking(tmp_path, "run-00")
    assert linked_gate_docs(tmp_path) == {"run-00", "run-02"}
    removed = prune_gate_docs(tmp_path, current="run-05")
    assert [p.name for p in removed] == ["run-01"]
    assert _left(tmp_path) == [n for n in names if n != "run-01"]


def test_the_running_publication_keeps_its_own_folder_and_links_and_files_are_left(tmp_path):
    names = _runs(tmp_path, 4)
    os.utime(tmp_path / "marts" / "gx" / "run-00", (T0 + 99_999, T0 + 99_999))  # run-00 touched: newest by mtime
    (tmp_path / "marts" / "gx" / "notes.txt").write_text("an analyst's note", encoding="utf-8")
    (tmp_path / "marts" / "gx" / "share").symlink_to(tmp_path / "marts" / "gx" / "run-01")
    removed = prune_gate_docs(tmp_path, keep=1, current="run-01")
    assert sorted(p.name for p in removed) == ["run-02"]  # run-03: the published marts' gates (newest all passed)
    assert _left(tmp_path) == ["notes.txt", "run-00", "run-01", "run-03", "share"]
    assert names == ["run-00", "run-01", "run-02", "run-03"]


def test_nothing_to_prune_without_marts_gx(tmp_path):
    assert prune_gate_docs(tmp_path, keep=1) == []


@pytest.mark.parametrize("text", ["0", "-2", "ten", "1.5"])
def test_the_setting_is_a_whole_number_of_runs_from_1(monkeypatch, text):
    monkeypatch.setenv("WARDBRIDGE_KEEP_DATA_DOCS", text)
    with pytest.raises(ValueError, match=r"\$WARDBRIDGE_KEEP_DATA_DOCS must be"):
        keep_data_docs()


def test_the_marts_asset_prunes_at_publication_and_the_readme_says_how():
    """The asset calls the pruning on both outcomes (published and refused); README names the setting."""
    import inspect

    import assets.publish as publish
    from pipelines.warehouse import REPO_ROOT

    source = inspect.getsource(publish.publish_marts_asset.op.compute_fn.decorated_fn)
    assert source.count("_prune_data_docs(context, wh.root, keep)") == 2
    readme = (REPO_ROOT / "docs" / "guide" / "dagster-job.md").read_text(encoding="utf-8")  # the README's until HV36
    assert "WARDBRIDGE_KEEP_DATA_DOCS" in readme


def test_a_bad_setting_fails_the_marts_step_before_anything_is_published(tmp_path, monkeypatch):
    """Read when the step begins, as the pseudonym key is (lead's review of 0aaefa5: read at the pruning, a bad value
    failed the step after the marts were swapped in, so the step failed with the marts published)."""
    import dagster as dg

    from assets.publish import publish_marts_asset
    from assets.resources import WarehouseResource

    monkeypatch.setenv("WARDBRIDGE_KEEP_DATA_DOCS", "0")
    root = tmp_path / "wh"
    root.mkdir()
    result = dg.materialize(
        [publish_marts_asset],
        instance=dg.DagsterInstance.ephemeral(),
        resources={"warehouse": WarehouseResource(path=str(root))},
        raise_on_error=False,
    )
    assert not result.success
    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    error = failure.step_failure_data.error
    assert "$WARDBRIDGE_KEEP_DATA_DOCS must be 1 or more" in error.message + (
        error.cause.message if error.cause else ""
    )
    assert not (root / "analytics.duckdb").exists() and not (root / "marts").exists()

"""The sharded engine's spill folder (shards.spill_folder): a run's own, removed however the run ends; one left by a
run that was killed is removed by the next run, a live run's is kept. And `wardbridge match --shards`."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipelines.match import load_spec, match, shards
from pipelines.warehouse import REPO_ROOT
from tests.cli_in_process import wardbridge_in_process
from tests.match_cases import background
from tests.test_cli import wardbridge

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"


@pytest.fixture(scope="module")
def people() -> pl.DataFrame:
    return background(1500, seed=5)


@pytest.fixture
def spill_dir(tmp_path, monkeypatch) -> Path:
    """The temporary directory runs spill into (tempfile's, as a run without one given uses)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _ended_process() -> tuple[int, int]:
    """The pid and start time of a process that has ended."""
    child = subprocess.Popen(
        [sys.executable, "-c", "import os, sys; print(open(f'/proc/{os.getpid()}/stat').read())"],
        stdout=subprocess.PIPE,
        text=True,
    )
    out, _ = child.communicate()
    started = int(out.rsplit(")", 1)[1].split()[19])
    return child.pid, started


def _spill_folders(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{shards.SPILL_PREFIX}*"))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="process start times are read from /proc")
def test_a_killed_runs_spill_folder_is_removed_by_the_next_run_and_a_live_ones_kept(people, spill_dir):
    pid, started = _ended_process()
    stale = spill_dir / f"{shards.SPILL_PREFIX}{pid}-{started}-x1y2"
    stale.mkdir()
    (stale / "bucket00.rule00.u64").write_bytes(b"\0" * 64)
    me = os.getpid()
    mine = shards._started(me)
    live = spill_dir / f"{shards.SPILL_PREFIX}{me}-{mine}-a1b2"  # a run of this process still going
    live.mkdir()
    reused = spill_dir / f"{shards.SPILL_PREFIX}{me}-{mine + 1}-c3d4"  # this pid, but another process's start
    reused.mkdir()
    other = spill_dir / "wardbridge-shards-legacy"  # not named by spill_folder: not ours to judge
    other.mkdir()

    result = match(people, load_spec(PEOPLE_SPEC), shards=3)

    assert result.stats["shards"] == 3
    assert not stale.exists() and not reused.exists()
    assert live.exists() and other.exists()
    assert _spill_folders(spill_dir) == [live, other]  # and the run's own folder is gone too


def test_a_failed_runs_spill_folder_is_removed(people, spill_dir, tmp_path):
    blocked = tmp_path / "a_file"
    blocked.write_text("not a folder")
    with pytest.raises(OSError):  # the candidates' folder cannot be made: the run fails after spilling
        match(people, load_spec(PEOPLE_SPEC), shards=2, keep_candidates=blocked / "candidates")
    assert _spill_folders(spill_dir) == []


def test_the_spill_folder_is_named_after_its_process(spill_dir):
    folder = shards.spill_folder()
    assert folder.parent == spill_dir and folder.is_dir()
    assert folder.name.startswith(f"{shards.SPILL_PREFIX}{os.getpid()}-")
    assert shards.remove_stale_spills(spill_dir) == []  # its owner runs
    folder.rmdir()


def test_wardbridge_match_shards_gives_the_one_piece_output(people, tmp_path):
    table = tmp_path / "people.parquet"
    people.write_parquet(table)
    spill = tmp_path / "spill"
    spill.mkdir()
    pid, started = _ended_process() if Path("/proc/self/stat").exists() else (0, 0)
    stale = spill / f"{shards.SPILL_PREFIX}{pid}-{started}-zz"
    if pid:
        stale.mkdir()
    env = {**os.environ, "TMPDIR": str(spill)}
    outputs = {}
    for count in ("1", "3"):
        out = tmp_path / f"out{count}.parquet"
        args = ["match", "--input", str(table), "--spec", str(PEOPLE_SPEC), "--output", str(out), "--shards", count]
        # the run in one piece, the reference, in this process (its $TMPDIR not the spill folder: the stale folder
        # left there is the sharded process's to remove); the sharded run a real process spilling into its $TMPDIR
        proc = wardbridge_in_process(*args) if count == "1" else wardbridge(*args, env=env)
        assert proc.returncode == 0, proc.stderr
        assert (f"in {count} shards" in proc.stderr) == (count != "1")
        outputs[count] = out
    for suffix in ("", ".pairs", ".review", ".entities"):
        one, three = (p.with_name(p.stem + suffix + ".parquet") for p in (outputs["1"], outputs["3"]))
        assert_frame_equal(pl.read_parquet(three), pl.read_parquet(one))
    assert not stale.exists() and _spill_folders(spill) == []

    proc = wardbridge_in_process(  # refused by the option's range: no process asked
        "match",
        "--input",
        str(table),
        "--spec",
        str(PEOPLE_SPEC),
        "--output",
        str(tmp_path / "o.parquet"),
        "--shards",
        "65",
    )
    assert proc.returncode == 2 and "--shards" in proc.stderr


def test_a_most_pairs_a_shard_shards_a_small_table_too(people, tmp_path):
    """match(shard_pairs=) and `wardbridge match --max-shard-pairs`: sharded by pairs whatever the records (the
    default shards from 2M records up), fewer pairs a shard making more shards; the result the same."""
    spec = load_spec(PEOPLE_SPEC)
    whole = match(people, spec)
    assert whole.stats["shards"] == 1
    few, many = match(people, spec, shard_pairs=600), match(people, spec, shard_pairs=200)
    assert 1 < few.stats["shards"] < many.stats["shards"]
    for result in (few, many):
        assert_frame_equal(result.records, whole.records)
        assert_frame_equal(result.pairs, whole.pairs)

    table = tmp_path / "people.parquet"
    people.write_parquet(table)
    args = ["match", "--input", str(table), "--spec", str(PEOPLE_SPEC), "--output", str(tmp_path / "o.parquet")]
    proc = wardbridge_in_process(*args, "--max-shard-pairs", "200")  # the option reaches match(): no process asked
    assert proc.returncode == 0, proc.stderr
    assert f"in {many.stats['shards']} shards" in proc.stderr

"""benchmarks/entity_accuracy.py --staged-dir: re-match ingest_benchmark.py's staged files (no warehouse) and score
them against the generator's truth with the same metrics code as a warehouse's re-match."""

from __future__ import annotations

import argparse

import polars as pl
import pytest

from benchmarks import entity_accuracy, ingest_benchmark
from pipelines.synth.registries import SynthConfig, generate


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    root = tmp_path_factory.mktemp("city")
    generate(SynthConfig(people=3000, progress=False), root / "reg")
    args = argparse.Namespace(source_dir=root / "reg", registry="households", save=root / "staged", people=None)
    work = root / "work"
    work.mkdir()
    ingest_benchmark.run(args, work)
    return root


def test_staged_dir_rematches_and_scores(city):
    out = entity_accuracy.registry_accuracy(None, ["households"], city / "reg" / "truth", staged_dir=city / "staged")
    s = out["households"]
    staged = pl.read_parquet(city / "staged" / "staged_households.parquet")
    assert s["source"] == "rematch" and s["records"] == staged.height
    assert s["true_pairs"] > 0 and s["candidate_pairs"] > 0
    assert s["pair_completeness"] is not None and 0.9 <= s["pair_completeness"] <= 1.0
    assert 0.9 <= s["precision"] <= 1.0 and 0.9 <= s["recall"] <= 1.0
    assert s["match_cpu_seconds"] >= 0 and s["peak_rss_mib"] > 0
    assert "peak MiB" in entity_accuracy.table(out)


def test_staged_dir_without_the_registry_file_says_how_to_stage_it(city):
    with pytest.raises(SystemExit, match="--registry tax"):
        entity_accuracy.registry_accuracy(None, ["taxpayers"], city / "reg" / "truth", staged_dir=city / "staged")


def test_staged_dir_refuses_links(city, capsys):
    with pytest.raises(SystemExit):
        entity_accuracy.main(["--staged-dir", str(city / "staged"), "--links", "--truth", str(city / "reg" / "truth")])
    assert "--links" in capsys.readouterr().err


@pytest.fixture(scope="module")
def staged_all(city):
    """The city's households, businesses and tax registries staged together (``city/staged`` holds households only)."""
    for registry in ("households", "businesses", "tax"):
        args = argparse.Namespace(source_dir=city / "reg", registry=registry, save=city / "staged_all", people=None)
        work = city / f"work_{registry}"
        work.mkdir()
        ingest_benchmark.run(args, work)
    return city / "staged_all"


def test_splink_peer_per_registry_with_the_wall_time_ratio(city, staged_all):
    pytest.importorskip("splink")
    kinds = ["households", "businesses", "taxpayers"]
    out = entity_accuracy.registry_accuracy(None, kinds, city / "reg" / "truth", staged_dir=staged_all, splink=True)
    assert list(out) == [k for kind in kinds for k in (kind, f"{kind}_splink")]
    for kind in kinds:
        ours, peer = out[kind], out[f"{kind}_splink"]
        assert peer["records"] == ours["records"] and peer["true_pairs"] == ours["true_pairs"] > 0
        # the peer is matched on the spec's columns and rules: on a small clean-ish city it finds the duplicates
        assert peer["precision"] >= 0.9 and peer["recall"] >= 0.9, (kind, peer)
        assert peer["match_seconds"] > 0
        assert ours["splink_ratio"] == pytest.approx(ours["match_seconds"] / peer["match_seconds"])
    printed = entity_accuracy.table(out)
    for kind in kinds:
        assert f"{kind} wall time ours / Splink 5's" in printed

"""The whole flow on generated registries, stage by stage: wall time, share of the run, peak RSS, rows.

Run on demand (not a test), with the bench dependency group (psutil):

    uv run --group bench python benchmarks/pipeline_benchmark.py                     # 1,000,000 people
    uv run --group bench python benchmarks/pipeline_benchmark.py --people 20000
    uv run --group bench python benchmarks/pipeline_benchmark.py --from /tmp/registries --keep /tmp/bench
    uv run --group bench python benchmarks/pipeline_benchmark.py --publish-only /tmp/bench/warehouse \
        --rest /tmp/bench/pipeline_benchmark.json            # re-time marts + exports only

With ``--publish-only WAREHOUSE`` the warehouse (a finished run's: reference, raw/staged/quarantine,
entities; its marts and exports are the "previous publication" the new one replaces) is copied into
the work directory (never changed in place) and only the publishing stages run on the copy. The
share of the run is then computed with the other stages' seconds of ``--rest`` (the
pipeline_benchmark.json a full run wrote), shown as "(from --rest)".

Stages, with the engine only (no Dagster), each in its own Python process so that its peak
RSS is its own (the parent samples the process tree's RSS with psutil; the child reports its
ru_maxrss), except the two publishing stages: marts and exports run one after the other in one
process, as ``wardbridge run`` runs the jobs wardbridge_marts and wardbridge_exports (``dg.execute_job``
in one process, in-process executor): Python, Polars and GX are imported once for both, as in a
run. Each stage's CPU time is its own (``os.times`` around it), so are its wall time (from the end of the
previous stage's window, the first from the launch) and its load at the end; the exports' peak RSS is the highest
sample taken while they ran (the process still holds what the marts left to the allocator):

* synth     ``pipelines.synth.registries.generate`` (skipped with --from: an existing output)
* reference the reference tables published into the warehouse (as assets/reference.py)
* ingest    raw + staged + quarantine of every extract, as assets/ingest.py (PartitionedLayer;
            DuckDB views refreshed once per registry at the end)
* entities  resolve_entities for the 4 kinds + registry links, published as assets/entities.py
* marts     read_inputs + build_marts + publish with the GX gate in a MartsPublication (the restricted mart
            written aside while the rest is built), as assets/publish.py
            (quality/gx.py session_validator: one GX context and one Data Docs site for all 31
            tables; its suites are derived from the declarations, so Table.validate is not run too)
* exports   every declaration of mappings/exports/, as assets/exports.py

The "share" column is of the pipeline run (reference + ingest + entities + marts + exports);
synthesis makes the test data and is shown apart. Publishing = marts (incl. gates) + exports.
WARDBRIDGE_PSEUDONYM_KEY is set to a fixed benchmark key for the stages unless already set.
The machine's load average is printed per stage: on a shared machine wall times include waiting.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

RESULT_PREFIX = "PIPELINE-BENCH-RESULT "
BENCH_KEY = "pipeline-benchmark-key-0123456789abcdef0123456789abcdef"  # fixed: reruns give the same pseudonyms
STAGES = ("synth", "reference", "ingest", "entities", "marts", "exports")
PIPELINE = STAGES[1:]
PUBLISHING = ("marts", "exports")
GATES_PART = "gates: GX"


# --------------------------------------------------------------------------- the stages (child processes)


class Clock:
    """Named sub-timings of a stage."""

    def __init__(self) -> None:
        self.parts: dict[str, float] = {}

    def add(self, name: str, seconds: float) -> None:
        self.parts[name] = self.parts.get(name, 0.0) + seconds

    def timed(self, name: str, fn: Callable, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            self.add(name, time.perf_counter() - t)


def stage_synth(work: Path, people: int, clock: Clock) -> dict:
    from pipelines.synth.registries import SynthConfig, generate

    stats, _ = clock.timed("generate", generate, SynthConfig(people=people, progress=False), work / "registries")
    return {"rows": sum(n for k, n in stats.records.items() if not k.startswith("_")), "people": stats.people}


def stage_reference(work: Path, people: int, clock: Clock) -> dict:
    from pipelines.reference import load_reference
    from pipelines.schema import REFERENCE_TABLES
    from pipelines.warehouse import Warehouse

    declarations = {t.name: t for t in REFERENCE_TABLES}
    tables = load_reference().tables()
    Warehouse(work / "warehouse").publish("reference", [(declarations[n], f) for n, f in tables.items()])
    return {"rows": sum(f.height for f in tables.values())}


def stage_ingest(work: Path, people: int, clock: Clock) -> dict:
    from pipelines.ingest.catalogue import catalogue_from_manifest, extracts_by_partition, load_catalogue
    from pipelines.ingest.raw import load_raw
    from pipelines.ingest.stage import account, stage
    from pipelines.ingest.status import PartitionStatus, write_status
    from pipelines.schema import QUARANTINE, raw_table, staged_table
    from pipelines.warehouse import PartitionedLayer, Warehouse, ingest_views, refresh_views

    root = registries_dir(work)
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    catalogue = work / "catalogue.toml"
    catalogue.write_text(catalogue_from_manifest(manifest, str(root.resolve())), encoding="utf-8")
    wh = Warehouse(work / "warehouse")
    raw_layer, staged_layer, quarantine_layer = (PartitionedLayer(wh, n) for n in ("raw", "staged", "quarantine"))
    totals = {"raw": 0, "staged": 0, "quarantined": 0}
    extracts = extracts_by_partition(load_catalogue([catalogue]))
    for key, extract in extracts.items():
        registry = extract.source.registry
        loaded = clock.timed("read -> raw", load_raw, extract, "bench")
        result = clock.timed("stage + resolve", stage, loaded.frame, registry, day_first=extract.source.day_first)
        t = time.perf_counter()
        raw_layer.write(raw_table(registry), key, loaded.frame, refresh=False)
        staged_layer.write(staged_table(registry), key, result.staged, refresh=False)
        quarantine_layer.write(QUARANTINE, key, result.quarantine, name=f"quarantine_{registry}", refresh=False)
        counts = account(loaded.frame, result)
        if not counts["balanced"]:
            raise SystemExit(f"ingest: {key}: raw rows not accounted for")
        write_status(
            wh,
            PartitionStatus(
                key,
                registry,
                "ok",
                None,
                extract.location,
                counts["raw"],
                counts["staged"],
                counts["quarantined"],
                "bench",
            ),
        )
        clock.add("write layers + status", time.perf_counter() - t)
        for k in totals:
            totals[k] += counts[k]
    # views refreshed once per registry after its partitions, as assets/ingest.py
    t = time.perf_counter()
    for registry in sorted({e.source.registry for e in extracts.values()}):
        refresh_views(wh, ingest_views(registry))
    clock.add("write layers + status", time.perf_counter() - t)
    return {"rows": totals["raw"], "extracts": len(extracts), **totals}


def stage_entities(work: Path, people: int, clock: Clock) -> dict:
    from pipelines.entities.io import ENTITY_SCHEMA, previous_lineage, read_staged, staged_in_lineage
    from pipelines.entities.links import build_links, link_problems
    from pipelines.entities.resolve import lineage_problems, resolve_entities
    from pipelines.review.io import raw_dates_reader
    from pipelines.schema import ENTITY_KINDS, REGISTRY_LINKS, lineage_table
    from pipelines.warehouse import Warehouse

    wh = Warehouse(work / "warehouse")
    out = {"rows": 0}
    for kind, registry in ENTITY_KINDS.items():
        t = time.perf_counter()
        staged = read_staged(wh, registry)
        result = resolve_entities(kind, staged, previous_lineage(wh, kind), raw_dates=raw_dates_reader(wh, kind))
        wh.publish(ENTITY_SCHEMA, result.tables())
        problems = lineage_problems(staged, result.lineage)
        clock.add(kind, time.perf_counter() - t)
        if problems:
            raise SystemExit(f"entities: {kind}: {'; '.join(problems)}")
        out["rows"] += staged.height
        out[f"{kind}_entities"] = result.entities.height
        del staged, result
    t = time.perf_counter()
    lineage = {kind: wh.read(ENTITY_SCHEMA, lineage_table(kind).name) for kind in ENTITY_KINDS}
    staged = {kind: staged_in_lineage(read_staged(wh, r), lineage[kind]) for kind, r in ENTITY_KINDS.items()}
    links = build_links(staged, lineage)
    wh.publish(ENTITY_SCHEMA, [(REGISTRY_LINKS, links.links)])
    clock.add("links", time.perf_counter() - t)
    if problems := link_problems(links):
        raise SystemExit(f"entities: links: {'; '.join(problems)}")
    out["links"] = links.links.height
    return out


def gx_validator(docs_root: Path, clock: Clock):  # noqa: ANN201 - Validator
    """quality/gx.py's session_validator (one GX context, one Data Docs site for all tables), timed."""
    from quality import gx

    inner = gx.session_validator(docs_root)

    def validate(table, frame):  # noqa: ANN001, ANN202
        return clock.timed(GATES_PART, inner, table, frame)

    validate.finish = lambda: clock.timed(GATES_PART, inner.finish)  # type: ignore[attr-defined]
    return validate


def stage_marts(work: Path, people: int, clock: Clock) -> dict:
    from pipelines.publish.marts import publish_from_warehouse
    from pipelines.warehouse import Warehouse
    from quality import gx

    gx.preload()  # as assets/publish.py: GX's import overlaps reading and building
    wh = Warehouse(work / "warehouse")
    validators = [gx_validator(wh.root / "marts" / "gx" / "bench", clock)]  # as assets/publish.py

    def timed(part, step, *args, **kwargs):  # noqa: ANN001, ANN202
        if part != "publish":
            return clock.timed(part, step, *args, **kwargs)
        t = time.perf_counter()
        result = step(*args, **kwargs)
        clock.add("write + swap in", time.perf_counter() - t - clock.parts.get(GATES_PART, 0.0))
        return result

    _, published = publish_from_warehouse(wh, validators=validators, run_id="bench", timed=timed)
    return {
        "rows": sum(published.rows.values()),
        "tables": len(published.rows),
    }


def stage_exports(work: Path, people: int, clock: Clock) -> dict:
    from pipelines.publish.exports import export, load_declarations
    from pipelines.warehouse import Warehouse

    wh = Warehouse(work / "warehouse")
    rows = {}
    for recipient, declaration in load_declarations().items():
        result = clock.timed(recipient, export, declaration, wh, run_id="bench")
        rows[recipient] = sum(result.rows.values())
    return {"rows": sum(rows.values()), **rows}


def registries_dir(work: Path) -> Path:
    pointer = work / "registries.path"
    return Path(pointer.read_text(encoding="utf-8")) if pointer.is_file() else work / "registries"


def run_stages(names: list[str], work: Path, people: int) -> None:
    """Child process: run the stages one after another, print each one's result as one JSON line."""
    for name in names:
        clock = Clock()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        cpu = os.times()
        started = time.monotonic()  # CLOCK_MONOTONIC: comparable with the parent's RSS samples
        t = time.perf_counter()
        facts = globals()[f"stage_{name}"](work, people, clock)
        seconds = time.perf_counter() - t
        cpu_end = os.times()
        usage_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        usage_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        # a later stage of the process owns ru_maxrss only when it raised it; else its sampled peak counts
        own_peak = usage_self if name == names[0] or usage_self > rss_before else 0.0
        result = {
            "stage": name,
            "seconds": seconds,
            "cpu_seconds": (cpu_end.user - cpu.user) + (cpu_end.system - cpu.system),
            "maxrss_mib": max(own_peak, usage_children),
            "parts": clock.parts,
            "facts": facts,
            "window": [started, time.monotonic()],
            "process": "+".join(names),
        }
        print(RESULT_PREFIX + json.dumps(result), flush=True)


# --------------------------------------------------------------------------- the parent


def sample_rss(pid: int, stop: threading.Event, samples: list[tuple[float, float]]) -> None:
    import psutil

    try:
        proc = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    while not stop.is_set():
        try:
            rss = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
        except psutil.Error:
            break
        samples.append((time.monotonic(), rss / 2**20))
        stop.wait(0.1)


def launch(names: list[str], work: Path, people: int, env: dict[str, str]) -> list[dict]:
    """Run ``names`` in one child process; one result per stage (a failed stage ends the list)."""
    load_before = os.getloadavg()[0]
    launched = time.monotonic()  # the clock of the child's stage windows
    proc = subprocess.Popen(
        [sys.executable, __file__, "--stage", ",".join(names), "--work", str(work), "--people", str(people)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    stop, samples = threading.Event(), []
    sampler = threading.Thread(target=sample_rss, args=(proc.pid, stop, samples), daemon=True)
    sampler.start()
    # each stage's result is read as it is printed: its load_after is the load at the end of its own window
    results, load, boundary = [], load_before, launched
    for line in proc.stdout:
        if not line.startswith(RESULT_PREFIX):
            continue
        result = json.loads(line[len(RESULT_PREFIX) :])
        begin, end = result["window"]
        peak = max((rss for at, rss in samples if begin <= at <= end), default=0.0)
        # a stage's wall runs from the end of the previous stage's window (the first: from the launch, so
        # the child's start-up counts once) to the end of its own
        result.update(wall=end - boundary, sampled_mib=peak, load=load, load_after=os.getloadavg()[0])
        results.append(result)
        load, boundary = result["load_after"], end
    proc.wait()
    stop.set()
    sampler.join()
    if proc.returncode != 0 or len(results) < len(names):
        failed, wall = names[len(results)], time.monotonic() - boundary  # the failed stage: since the last window
        peak = max((rss for at, rss in samples if at >= boundary), default=0.0)
        results.append({"stage": failed, "failed": proc.returncode, "wall": wall, "sampled_mib": peak, "load": load})
    return results


def mib(value: float) -> str:
    return f"{value:,.0f} MiB"


def report(results: list[dict], people: int, source: str, command: str) -> str:
    ok = [r for r in results if "failed" not in r]
    pipeline_s = sum(r["seconds"] for r in ok if r["stage"] in PIPELINE)
    lines = [
        f"pipeline benchmark: {people:,} people ({source}); {os.cpu_count()} cores; command: {command}",
        f"{'stage':<26}{'seconds':>9}{'share':>8}{'cpu s':>9}{'peak RSS':>12}{'rows':>13}  load avg (1 min) at start",
    ]
    for r in results:
        if "failed" in r:
            lines.append(f"{r['stage']:<26}{'FAILED':>9}  exit {r['failed']} after {r['wall']:.1f} s")
            continue
        share = f"{100 * r['seconds'] / pipeline_s:6.1f} %" if r["stage"] in PIPELINE and pipeline_s else "   --  "
        rss = max(r["maxrss_mib"], r["sampled_mib"])
        stage = r["stage"] + (" (from --rest)" if r.get("from_rest") else "")
        lines.append(
            f"{stage:<26}{r['seconds']:9.1f}{share:>8}{r['cpu_seconds']:9.1f}{mib(rss):>12}"
            f"{r['facts']['rows']:>13,}  {r['load']:.2f}"
        )
        for part, s in r["parts"].items():
            part_share = f"{100 * s / pipeline_s:6.1f} %" if r["stage"] in PIPELINE and pipeline_s else ""
            lines.append(f"  {part:<24}{s:9.1f}{part_share:>8}")
    publishing = sum(r["seconds"] for r in ok if r["stage"] in PUBLISHING)
    gates = sum(s for r in ok if r["stage"] == "marts" for p, s in r["parts"].items() if p == GATES_PART)
    peak_pub = max((max(r["maxrss_mib"], r["sampled_mib"]) for r in ok if r["stage"] in PUBLISHING), default=0)
    lines.append(f"pipeline run (reference + ingest + entities + marts + exports): {pipeline_s:.1f} s")
    if pipeline_s and all(any(r["stage"] == s for r in ok) for s in PUBLISHING):
        lines.append(
            f"publishing (marts + gates + exports) = {publishing:.1f} s = {100 * publishing / pipeline_s:.1f} % of the run"
            f" (marts gates {gates:.1f} s = {100 * gates / pipeline_s:.1f} %; exports gate inside exports); peak RSS of"
            f" publishing {mib(peak_pub)}"
        )
        cpu = sum(r["cpu_seconds"] for r in ok if r["stage"] in PIPELINE)
        cpu_pub = sum(r["cpu_seconds"] for r in ok if r["stage"] in PUBLISHING)
        lines.append(
            f"publishing = {100 * cpu_pub / cpu:.1f} % of the run's CPU time ({cpu_pub:.1f} of {cpu:.1f} s; "
            "less sensitive to the machine's load than wall time)"
        )
    for r in ok:
        extra = {k: v for k, v in r["facts"].items() if k != "rows"}
        if extra:
            lines.append(f"{r['stage']}: " + ", ".join(f"{k} {v:,}" for k, v in extra.items()))
    lines.append(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--from", dest="source_dir", type=Path, help="existing `wardbridge synth` output")
    parser.add_argument(
        "--keep", type=Path, help="work here (registries, warehouse) and keep it (default: temp, removed)"
    )
    parser.add_argument(
        "--publish-only",
        type=Path,
        metavar="WAREHOUSE",
        help="copy this finished warehouse and time only marts + exports on the copy",
    )
    parser.add_argument(
        "--rest",
        type=Path,
        metavar="JSON",
        help="with --publish-only: pipeline_benchmark.json of a full run, for the other stages' seconds",
    )
    parser.add_argument("--stage", help=argparse.SUPPRESS)  # internal: run these stages (comma-separated)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        names = args.stage.split(",")
        if unknown := [n for n in names if n not in STAGES]:
            parser.error(f"--stage: unknown {unknown}")
        run_stages(names, args.work, args.people)
        return
    if args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
        parser.error(f"--keep {args.keep} is not empty (the warehouse must start empty)")
    work = args.keep or Path(tempfile.mkdtemp(prefix="wardbridge-pipeline-"))
    work.mkdir(parents=True, exist_ok=True)
    stages = list(STAGES)
    earlier: list[dict] = []
    if args.publish_only is not None:
        if not (args.publish_only / "wardbridge.duckdb").is_file():
            parser.error(f"--publish-only {args.publish_only}: not a warehouse (no wardbridge.duckdb)")
        shutil.copytree(args.publish_only, work / "warehouse", ignore=shutil.ignore_patterns("*.tmp-*", ".*.partial-*"))
        stages = list(PUBLISHING)
        if args.rest is not None:
            earlier = [
                r | {"from_rest": True}
                for r in json.loads(args.rest.read_text(encoding="utf-8"))
                if r.get("stage") in PIPELINE and r["stage"] not in PUBLISHING and "failed" not in r
            ]
    elif args.source_dir is not None:
        (work / "registries.path").write_text(str(args.source_dir.resolve()), encoding="utf-8")
        stages.remove("synth")
    env = {**os.environ, "WARDBRIDGE_PSEUDONYM_KEY": os.environ.get("WARDBRIDGE_PSEUDONYM_KEY") or BENCH_KEY}
    env["PYTHONWARNINGS"] = env.get("PYTHONWARNINGS", "ignore::DeprecationWarning")
    command = " ".join(["uv run --group bench python benchmarks/pipeline_benchmark.py", *sys.argv[1:]])
    print(f"work directory {work}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    results = list(earlier)
    # one process per stage, except publishing: marts then exports in one process, as `wardbridge run` does
    groups = [[n] for n in stages if n not in PUBLISHING] + [[n for n in stages if n in PUBLISHING]]
    groups = [g for g in groups if g]
    for names in groups:
        for result in launch(names, work, args.people, env):
            results.append(result)
            name = result["stage"]
            status = f"FAILED (exit {result['failed']})" if "failed" in result else f"{result['seconds']:.1f} s"
            print(f"  {name}: {status}, load {os.getloadavg()[0]:.2f}", flush=True)
        if any("failed" in r for r in results):
            break
    source = f"from {args.source_dir}" if args.source_dir else "generated"
    if args.publish_only is not None:
        source = f"publishing only, on a copy of {args.publish_only}" + (
            f"; other stages from {args.rest}" if earlier else "; no --rest: shares are of publishing alone"
        )
    print(report(results, args.people, source, command), flush=True)
    (work / "pipeline_benchmark.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    if any("failed" in r for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()

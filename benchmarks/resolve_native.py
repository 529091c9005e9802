"""The resolver compiled with mypyc, measured against the same source run by the interpreter.

The install compiles it too since d630638 (``hatch_build.py``; ``pipelines/_native.py`` chooses); this script
builds a copy of its own, so any commit can be compared, and runs the repository's checkout as Python
(``WARDBRIDGE_PURE_PYTHON=1``). It copies the ``pipelines`` package into a build directory, compiles ``pipelines/resolve.py`` there with
mypyc (its type annotations become C types; ``pipelines/resolve_tables.py`` stays Python), then runs
``resolve_addresses`` on the first ``--n`` addresses of the benchmark input (``generate_addresses``, all mess
types, the resolver benchmark's seed) in one process per run, pinned to one core, alternating the
interpreted and the compiled module, and checks that both give the same DataFrame::

    uv run --with mypy --with setuptools python benchmarks/resolve_native.py --n 200000 --pairs 3

``--cli`` runs ``wardbridge resolve`` end to end instead (CSV in, Parquet out, ``python -m pipelines.cli``
with ``PYTHONPATH`` the repository or the build), timing each run's user + sys CPU and peak RSS (VmHWM, polled)::

    uv run --with mypy --with setuptools python benchmarks/resolve_native.py --cli --n 1000000 --pairs 3

``--build DIR`` keeps the build (``PYTHONPATH=DIR python -m pipelines.cli resolve ...`` then runs the CLI on
the compiled resolver; its tests and ``benchmarks/resolve_fuzz.py`` run there too, from a copy of the
repository's ``tests``/``benchmarks`` next to it). A module compiled by mypyc checks its annotations at
run time (a ``str`` parameter given None raises TypeError), and module attributes replaced from outside
(``benchmarks/resolve_breakdown.py``'s wrappers, monkeypatched tests) no longer reach its own calls.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RUN = r"""
import os, sys, time, gc
os.environ["POLARS_MAX_THREADS"] = "1"
from pathlib import Path
import polars as pl
from pipelines.reference import load_reference
import pipelines.resolve as r
data, n, out = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
reference = load_reference(gazetteers=(data / "gazetteer.csv",))
addresses = pl.read_parquet(data / "addresses.parquet")["address"].head(n)
index = r.build_index(reference)
gc.collect()
started = time.process_time()
resolved = r.resolve_addresses(addresses, index=index)
cpu = time.process_time() - started
resolved.write_parquet(out)
print(f"{cpu:.3f} {r.__file__}")
"""


def build(target: Path) -> Path:
    """``pipelines`` copied into ``target`` with ``pipelines/resolve.py`` compiled there (mypyc); the
    repository's ``mappings`` linked beside it (the package finds its reference data there)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(
        ROOT / "pipelines",
        target / "pipelines",
        ignore=shutil.ignore_patterns("__pycache__", "*.so", "_compiled"),
        dirs_exist_ok=True,
    )
    for name in ("mappings",):
        if not (target / name).exists():
            (target / name).symlink_to(ROOT / name)
    cmd = [sys.executable, "-m", "mypyc", "--ignore-missing-imports", "--follow-imports=skip", "pipelines/resolve.py"]
    done = subprocess.run(cmd, cwd=target, capture_output=True, text=True)
    if done.returncode != 0 or not list((target / "pipelines").glob("resolve.*.so")):
        raise SystemExit(f"mypyc failed ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    # Where pipelines/_native.py looks for a build (as hatch_build.py leaves it), with the hash of the source built.
    package = target / "pipelines"
    if (package / "_native.py").exists():
        compiled = package / "_compiled"
        compiled.mkdir(exist_ok=True)
        for built in package.glob("resolve*.so"):
            built.replace(compiled / built.name)
        digest = hashlib.sha256((package / "resolve.py").read_bytes()).hexdigest()
        (compiled / "resolve.sha256").write_text(digest + "\n", encoding="ascii")
    return target


def write_input(data: Path, n: int, seed: int) -> None:
    """The benchmark's addresses (first ``n``) and synthetic gazetteer, as resolve_benchmark.py makes them."""
    sys.path.insert(0, str(ROOT))
    import polars as pl

    from pipelines.reference import load_reference
    from pipelines.synth.addresses import ALL_MESS_TYPES, generate_addresses, write_synthetic_gazetteer

    write_synthetic_gazetteer(data / "gazetteer.csv", seed)
    reference = load_reference(gazetteers=(data / "gazetteer.csv",))
    truth = generate_addresses(n, seed=seed, reference=reference, mess_types=ALL_MESS_TYPES)
    truth.select("address").write_parquet(data / "addresses.parquet")
    truth.select(pl.int_range(truth.height).alias("id"), "address").write_csv(data / "addresses.csv")


def run(path: Path, data: Path, n: int, out: Path, core: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(path), "POLARS_MAX_THREADS": "1", "RAYON_NUM_THREADS": "1"}
    env["WARDBRIDGE_PURE_PYTHON"] = "1" if path == ROOT else "0"  # the checkout's own build is not the one compared
    argv = ["taskset", "-c", str(core), sys.executable, "-c", RUN, str(data), str(n), str(out)]
    done = subprocess.run(argv, env=env, cwd=path, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"run failed in {path}:\n{done.stderr[-4000:]}")
    cpu, module = done.stdout.split()[-2:]
    expected = "resolve.py" if path == ROOT else ".so"
    if not module.endswith(expected):
        raise SystemExit(f"{path}: ran {module}, expected a module ending with {expected}")
    return float(cpu)


def run_cli(path: Path, data: Path, out: Path, core: int) -> tuple[float, float]:
    """``wardbridge resolve`` on the input CSV with the resolver of ``path``: (user + sys CPU s, peak RSS MiB)."""
    env = {**os.environ, "PYTHONPATH": str(path), "POLARS_MAX_THREADS": "1", "RAYON_NUM_THREADS": "1"}
    env["WARDBRIDGE_PURE_PYTHON"] = "1" if path == ROOT else "0"  # the checkout's own build is not the one compared
    argv = ["taskset", "-c", str(core), sys.executable, "-m", "pipelines.cli", "resolve"]
    argv += ["--input", str(data / "addresses.csv"), "--column", "address", "--gazetteer", str(data / "gazetteer.csv")]
    argv += ["--output", str(out)]
    out.unlink(missing_ok=True)
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(argv, env=env, cwd=path, stdout=subprocess.DEVNULL, stderr=err)
        # The rusage of this run alone (taskset execs the program); its peak RSS from /proc while it runs
        # (ru_maxrss of a forked child starts from this process's own, over a GB here).
        peak, status, usage = 0, 0, None
        while usage is None:
            try:
                with open(f"/proc/{proc.pid}/status") as f:
                    peak = max([peak] + [int(line.split()[1]) for line in f if line.startswith("VmHWM:")])
            except (OSError, ValueError):
                pass
            pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                usage = rusage
            else:
                time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"wardbridge resolve failed in {path}:\n{err.read()[-4000:]}")
    return usage.ru_utime + usage.ru_stime, peak / 1024  # VmHWM: kB


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200_000, help="addresses resolved per run")
    parser.add_argument("--pairs", type=int, default=3, help="alternated (interpreted, compiled) pairs")
    parser.add_argument("--core", type=int, default=1, help="the core each run is pinned to")
    parser.add_argument("--seed", type=int, default=20250701)
    parser.add_argument("--build", type=Path, help="build here and keep it (default: a temporary directory)")
    parser.add_argument("--cli", action="store_true", help="time wardbridge resolve end to end (CSV in, Parquet out)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="wardbridge-native-") as tmp_name:
        tmp = Path(tmp_name)
        target = build(args.build or tmp / "build")
        data = tmp / "data"
        data.mkdir()
        write_input(data, args.n, args.seed)
        import polars as pl

        for pair in range(args.pairs if args.cli else 0):
            load = os.getloadavg()[0]
            plain, plain_rss = run_cli(ROOT, data, tmp / "plain.parquet", args.core)
            native, native_rss = run_cli(target, data, tmp / "native.parquet", args.core)
            same = pl.read_parquet(tmp / "plain.parquet").equals(pl.read_parquet(tmp / "native.parquet"))
            print(
                f"pair {pair + 1}: wardbridge resolve on {args.n:,} rows, one core: interpreted {plain:.2f} CPU s "
                f"({args.n / plain:,.0f}/s), compiled {native:.2f} CPU s ({args.n / native:,.0f}/s, "
                f"{native / plain - 1:+.0%}); peak RSS {plain_rss:,.0f} / {native_rss:,.0f} MiB; "
                f"output identical: {same}; load {load:.1f}",
                flush=True,
            )
            if not same:
                raise SystemExit(1)
        for pair in range(0 if args.cli else args.pairs):
            load = os.getloadavg()[0]
            plain = run(ROOT, data, args.n, tmp / "plain.parquet", args.core)
            native = run(target, data, args.n, tmp / "native.parquet", args.core)
            same = pl.read_parquet(tmp / "plain.parquet").equals(pl.read_parquet(tmp / "native.parquet"))
            print(
                f"pair {pair + 1}: resolve_addresses on {args.n:,} rows, one core: interpreted {plain:.2f} CPU s, "
                f"compiled {native:.2f} CPU s ({native / plain - 1:+.0%}); output identical: {same}; "
                f"load {load:.1f}",
                flush=True,
            )
            if not same:
                raise SystemExit(1)


if __name__ == "__main__":
    main()

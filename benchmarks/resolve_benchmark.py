"""Throughput, memory and accuracy of ``wardbridge resolve`` on one core, and a peer side by side.

Run on demand (not a test)::

    uv run --group bench python benchmarks/resolve_benchmark.py                  # 1,000,000 rows
    uv run --group bench python benchmarks/resolve_benchmark.py --n-rows 200000

1. Generates ``--n-rows`` distinct messy addresses with known truth (old form and 2025
   form, every mess type of pipelines.synth.addresses.ALL_MESS_TYPES, synthetic split
   gazetteer): the *distinct-heavy* input, as registries are (house numbers).
2. Writes them as CSV and runs ``wardbridge resolve`` end to end (CSV in, Parquet out,
   reference loading included) in a subprocess pinned to ONE core (CPU affinity {0},
   POLARS_MAX_THREADS=1); prints addresses/second, the peak RSS of the subprocess and the
   accuracy per mess type read back from its output.
3. The same for *repetitive* input: ``--n-rows`` rows sampled with replacement from the
   first ``--repetitive-distinct`` addresses.
4. On a random sample (``--peer-sample``) of the rows, runs the peer
   ``vietnamadminunits.convert_address`` and wardbridge, and prints both side by side.
   The peer geocodes split wards online (ArcGIS); this workplace has no network, so
   its geocoder is replaced by one that finds nothing, and the peer falls back to
   its default part, as it does when geocoding fails. It reads old-form addresses only.
5. With ``--breakdown``: where ``resolve_addresses`` spends its CPU on the distinct-heavy input,
   in this process: the Python parser's reads timed per stage (comma tails, comma-less cut tails,
   whole addresses) and outcome (status, scheme), the rest being Polars work and glue.
6. The same sample through ``onflow-location-platform`` 1.1.2 (a newer converter on the same
   data, same API), run from its own virtual environment in a subprocess (``--onflow-python``;
   it is not a project dependency), its geocoder replaced the same way::

       uv venv /tmp/onflow && uv pip install --python /tmp/onflow/bin/python onflow-location-platform==1.1.2
       uv run --group bench python benchmarks/resolve_benchmark.py --onflow-python /tmp/onflow/bin/python

With ``--write-inputs DIR`` nothing is run: the inputs of steps 2 and 3 are written to DIR (``gazetteer.csv``,
``distinct-heavy.csv``, ``repetitive.csv``: columns id, address, as the runs read them) for the commands quoted in
docs/performance-history.md (``wardbridge resolve --input DIR/distinct-heavy.csv --column address --gazetteer
DIR/gazetteer.csv ...``, ``benchmarks/resolve_reads.py --csv ... --gazetteer ...``).
"""

from __future__ import annotations

import argparse
import os
import sys

# One core, set before polars (and its thread pool) is imported.
os.environ["POLARS_MAX_THREADS"] = "1"
os.environ["RAYON_NUM_THREADS"] = "1"
# Pinned to one core when run as a script only: imported (tests/), pinning at import pinned the importing process and
# every process it started after (a test worker: the whole suite on one of two cores, the other idle)
if __name__ == "__main__" and hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {0})

import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl  # noqa: E402

from benchmarks.resolve_breakdown import breakdown  # noqa: E402
from pipelines.reference import HCMC_NEW_PROVINCE, Reference, load_reference  # noqa: E402
from pipelines.synth.addresses import (  # noqa: E402
    ALL_MESS_TYPES,
    NON_SPLIT_MESS_TYPES,
    evaluate,
    generate_addresses,
    write_synthetic_gazetteer,
)
from pipelines.text import fold  # noqa: E402

try:
    import psutil
except ImportError:  # psutil comes with the 'bench' group; ru_maxrss still works
    psutil = None


def fmt_table(frame: pl.DataFrame) -> str:
    with pl.Config(
        tbl_rows=50,
        tbl_width_chars=200,
        float_precision=4,
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
    ):
        return str(frame)


# ------------------------------------------------------------------------ peer


def peer_resolver(reference: Reference):
    """vietnamadminunits.convert_address, mapped to our 2025 uids, geocoder offline."""
    import vietnamadminunits.converter.converter_2025 as conv
    from vietnamadminunits import convert_address

    conv.get_geo_location = lambda address: None  # no network here: fall back to the default part

    new = reference.hcmc_new_units()
    by_name = {fold(s): uid for s, uid in zip(new["short_name"], new["unit_uid"], strict=True)}
    by_code = {c: uid for c, uid in zip(new["code"], new["unit_uid"], strict=True)}

    def resolve_one(address: str | None) -> str | None:
        if not address:
            return None
        try:
            unit = convert_address(address)
        except Exception:  # the peer raises on input it cannot parse
            return None
        if not unit.short_ward or unit.province_code != HCMC_NEW_PROVINCE:
            return None
        return by_name.get(fold(unit.short_ward)) or by_code.get(unit.ward_code)

    return resolve_one


# Runs inside onflow-location-platform's own environment: addresses (one JSON string per line) on
# stdin, one JSON [province_code, ward_code, short_ward, seconds] per line on stdout.
ONFLOW_SCRIPT = r"""
import json, sys, time
import onflow_location_platform.converter.converter_new as conv
from onflow_location_platform import convert_address_old_to_new
conv.get_geo_location = lambda address: None  # no network here: fall back to the default part
convert_address_old_to_new("Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh")  # loads its data
for line in sys.stdin:
    address = json.loads(line)
    t = time.perf_counter()
    try:
        unit = convert_address_old_to_new(address) if address else None
        row = [unit.province_code, unit.ward_code, unit.short_ward] if unit is not None else [None, None, None]
    except Exception:  # the peer raises on input it cannot parse
        row = [None, None, None]
    print(json.dumps([*row, time.perf_counter() - t]))
"""


def onflow_resolver(python: str, reference: Reference, addresses: list[str | None]):
    """onflow-location-platform's convert_address_old_to_new on ``addresses`` (mapped to our 2025 uids)
    and the seconds it spent per address, run with ``python`` (its own environment), one core."""
    import json
    import subprocess

    new = reference.hcmc_new_units()
    by_name = {fold(s): uid for s, uid in zip(new["short_name"], new["unit_uid"], strict=True)}
    by_code = {c: uid for c, uid in zip(new["code"], new["unit_uid"], strict=True)}
    stdin = "".join(json.dumps(a) + "\n" for a in addresses)
    proc = subprocess.run(
        ["taskset", "-c", "0", python, "-c", ONFLOW_SCRIPT], input=stdin, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    out, secs = [], []
    for line in proc.stdout.splitlines():
        province, ward_code, short_ward, sec = json.loads(line)
        secs.append(sec)
        if not short_ward or str(province) != HCMC_NEW_PROVINCE:
            out.append(None)
        else:
            out.append(by_name.get(fold(short_ward)) or by_code.get(str(ward_code)))
    return out, secs


def peer_table(sample: pl.DataFrame, ours: pl.DataFrame, peer_new: list[str | None]) -> pl.DataFrame:
    """Per mess type: our correct rate and the peer's.

    The peer returns one ward or nothing: it is right when that ward is the true
    new unit (non-split, split_evidence), or nothing for bad input. It cannot send
    a split old unit without evidence to review, so for split_no_evidence it has no
    correct answer; 'peer_in_candidates' shows how often it at least picked a part.
    """
    df = pl.concat(
        [
            sample,
            ours.select("status", pl.col("new_uid").alias("our_new_uid"), pl.col("candidates").fill_null([])),
            pl.DataFrame({"peer_new_uid": peer_new}, schema={"peer_new_uid": pl.String}),
        ],
        how="horizontal",
    )
    mess = pl.col("mess_type")
    ours_right = pl.col("true_new_uid").is_not_null() & pl.col("our_new_uid").eq_missing(pl.col("true_new_uid"))
    peer_right = pl.col("true_new_uid").is_not_null() & pl.col("peer_new_uid").eq_missing(pl.col("true_new_uid"))
    ours_ok = (
        pl.when(mess == "bad_input")
        .then(pl.col("status") == "unresolved")
        .when(mess == "split_evidence")
        .then((pl.col("status") == "split_resolved") & ours_right)
        .when(mess == "split_no_evidence")
        .then(
            (pl.col("status") == "split_review")
            & (pl.col("true_candidates").list.set_difference("candidates").list.len() == 0)
        )
        .otherwise(pl.col("status").is_in(["exact", "fuzzy"]) & ours_right)
    )
    peer_ok = (
        pl.when(mess == "bad_input")
        .then(pl.col("peer_new_uid").is_null())
        .when(mess == "split_no_evidence")
        .then(pl.lit(None, dtype=pl.Boolean))
        .otherwise(peer_right)
    )
    in_cands = pl.when(pl.col("is_split")).then(
        pl.col("true_candidates").list.contains(pl.col("peer_new_uid")).fill_null(False)
    )
    df = df.with_columns(ours_ok.alias("ours_ok"), peer_ok.alias("peer_ok"), in_cands.alias("peer_in_candidates"))
    agg = (
        pl.len().alias("n"),
        pl.col("ours_ok").mean().alias("wardbridge"),
        pl.col("peer_ok").mean().alias("vietnamadminunits"),
        pl.col("peer_in_candidates").mean().alias("peer_in_candidates"),
    )
    order = {t: i for i, t in enumerate(ALL_MESS_TYPES)}
    per_type = df.group_by("mess_type").agg(*agg).sort(pl.col("mess_type").replace_strict(order, default=99))
    comparable = df.filter(mess != "split_no_evidence")
    return pl.concat(
        [
            per_type,
            df.filter(mess.is_in(NON_SPLIT_MESS_TYPES)).select(pl.lit("ALL non-split").alias("mess_type"), *agg),
            comparable.select(pl.lit("ALL but split_no_evidence").alias("mess_type"), *agg),
        ],
        how="vertical_relaxed",
    )


# ------------------------------------------------------------------------ main


def run_cli(truth: pl.DataFrame, gazetteer: Path, tmp: Path, label: str) -> pl.DataFrame:
    """``wardbridge resolve`` on the truth's addresses, CSV in, Parquet out, one core; prints the figures."""
    import subprocess

    source, out = tmp / f"{label}.csv", tmp / f"{label}.parquet"
    truth.select(pl.int_range(truth.height).alias("id"), "address").write_csv(source)
    env = {**os.environ, "POLARS_MAX_THREADS": "1", "RAYON_NUM_THREADS": "1"}
    argv = [sys.executable, "-m", "pipelines.cli", "resolve", "--input", str(source), "--column", "address"]
    argv += ["--gazetteer", str(gazetteer), "--output", str(out)]
    import resource

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = psutil.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    proc.cpu_affinity([0])
    peak = 0
    while proc.poll() is None:
        try:
            peak = max(peak, proc.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.02)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the subprocess has been waited for
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    said = proc.stderr.read()
    if proc.returncode != 0:
        raise SystemExit(f"wardbridge resolve failed ({proc.returncode}): {said[-2000:]}")
    # The summary's last line: the resolver compiled at install (mypyc) or its Python source, and why.
    ran = next(
        (line.split(":", 1)[1].strip() for line in said.splitlines() if line.strip().startswith("resolver:")), "?"
    )
    n = truth.height
    distinct = truth["address"].n_unique()
    print(
        f"{label:<16} {n:>10,} rows {distinct:>10,} distinct  {wall:7.2f} s  {n / wall:10,.0f} addresses/s  "
        f"CPU {cpu:6.2f} s ({n / cpu:,.0f} addresses per CPU second)  peak RSS {peak / 2**20:6,.0f} MiB  "
        f"(load average at start {load:.1f}: on a shared machine the CPU figure is the steadier one); resolver: {ran}"
    )
    return pl.read_parquet(out)


def write_inputs(folder: Path, n_rows: int, repetitive_distinct: int, seed: int) -> None:
    """The runs' inputs written to ``folder``: the gazetteer and both CSVs exactly as ``main`` makes them."""
    folder.mkdir(parents=True, exist_ok=True)
    gazetteer_path = folder / "gazetteer.csv"
    write_synthetic_gazetteer(gazetteer_path, seed)
    reference = load_reference(gazetteers=(gazetteer_path,))
    truth = generate_addresses(n_rows, seed=seed, reference=reference, mess_types=ALL_MESS_TYPES)
    repetitive = truth.head(repetitive_distinct).sample(n=n_rows, with_replacement=True, shuffle=True, seed=seed)
    for label, frame in (("distinct-heavy", truth), ("repetitive", repetitive)):
        frame.select(pl.int_range(frame.height).alias("id"), "address").write_csv(folder / f"{label}.csv")
    print(
        f"wrote {gazetteer_path}, {folder / 'distinct-heavy.csv'}, {folder / 'repetitive.csv'} ({n_rows:,} rows each)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="wardbridge resolver benchmark (one core)")
    parser.add_argument("--n-rows", type=int, default=1_000_000, help="rows to resolve in each run")
    parser.add_argument(
        "--repetitive-distinct", type=int, default=200_000, help="distinct addresses of the repetitive run"
    )
    parser.add_argument("--peer-sample", type=int, default=2_000, help="rows given to the peer (0: skip the peer)")
    parser.add_argument("--seed", type=int, default=20250701)
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="also time the Python parser's reads per stage and outcome on the distinct-heavy input (in-process)",
    )
    parser.add_argument(
        "--onflow-python",
        help="python of a virtual environment with onflow-location-platform==1.1.2 (compared on the peer sample)",
    )
    parser.add_argument(
        "--write-inputs",
        type=Path,
        metavar="DIR",
        help="write the gazetteer and the distinct-heavy and repetitive CSVs to DIR and stop (nothing is run)",
    )
    args = parser.parse_args(argv)
    if args.write_inputs is not None:
        write_inputs(args.write_inputs, args.n_rows, args.repetitive_distinct, args.seed)
        return
    if psutil is None:
        raise SystemExit("psutil is needed: uv run --group bench ...")

    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    print(f"# wardbridge resolver benchmark  (cpu affinity {cpus}, POLARS_MAX_THREADS={pl.thread_pool_size()})")

    from pipelines.resolve import resolve_addresses

    with tempfile.TemporaryDirectory(prefix="wardbridge-bench-") as tmp_name:
        tmp = Path(tmp_name)
        gazetteer_path = tmp / "gazetteer.csv"
        write_synthetic_gazetteer(gazetteer_path, args.seed)
        reference = load_reference(gazetteers=(gazetteer_path,))
        t = time.perf_counter()
        truth = generate_addresses(args.n_rows, seed=args.seed, reference=reference, mess_types=ALL_MESS_TYPES)
        print(f"generated {truth.height:,} distinct addresses in {time.perf_counter() - t:.1f} s")
        repetitive = truth.head(args.repetitive_distinct).sample(
            n=args.n_rows, with_replacement=True, shuffle=True, seed=args.seed
        )
        print()
        print("## wardbridge resolve, CSV in, Parquet out, one core, end to end (reference load included)")
        out = run_cli(truth, gazetteer_path, tmp, "distinct-heavy")
        out_rep = run_cli(repetitive, gazetteer_path, tmp, "repetitive")

    n = truth.height
    print()
    print(f"## Accuracy per mess type, distinct-heavy run ({n:,} rows)")
    print(fmt_table(evaluate(truth, out.select(out.columns[2:]))))
    rep = evaluate(repetitive, out_rep.select(out_rep.columns[2:]))
    print(f"repetitive run: overall correct {rep.filter(pl.col('mess_type') == 'ALL')['correct_rate'].item():.4f}")
    if args.breakdown:
        print()
        print(f"## Where the CPU goes, distinct-heavy input ({n:,} rows, in-process, one core)")
        print(fmt_table(breakdown(truth["address"], reference)))

    if args.peer_sample <= 0:
        return
    k = min(args.peer_sample, n)
    old_form = truth.filter(~pl.col("mess_type").str.starts_with("new_"))  # the peer reads the old form only
    sample = old_form.sample(n=min(k, old_form.height), seed=args.seed + 1)
    k = sample.height
    ours_sample_input = sample["address"]

    t = time.perf_counter()
    ours = resolve_addresses(ours_sample_input, reference)
    t_ours = time.perf_counter() - t
    t = time.perf_counter()
    resolve_addresses(ours_sample_input, reference)  # again: per-call set-up already cached, if any
    t_ours_again = time.perf_counter() - t

    t = time.perf_counter()
    peer = peer_resolver(reference)
    peer("Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh")  # loads the peer's data
    t_peer_load = time.perf_counter() - t
    peer_new, peer_secs = [], []
    for a in ours_sample_input.to_list():
        t = time.perf_counter()
        peer_new.append(peer(a))
        peer_secs.append(time.perf_counter() - t)
    t_peer = sum(peer_secs)
    is_bad = (sample["mess_type"] == "bad_input").to_list()
    t_peer_good = sum(x for x, b in zip(peer_secs, is_bad, strict=True) if not b)
    k_good = k - sum(is_bad)

    print()
    print(f"## Side by side on a random sample of {k:,} old-form rows")
    print("tool                 wall (s)   addresses/s")
    print(
        f"wardbridge           {t_ours:8.2f}   {k / t_ours:11,.0f}   (resolve only, one call; reference already loaded)"
    )
    print(f"wardbridge, again    {t_ours_again:8.2f}   {k / t_ours_again:11,.0f}   (same call repeated)")
    print(
        f"vietnamadminunits    {t_peer:8.2f}   {k / t_peer:11,.0f}   (convert_address per row; +{t_peer_load:.1f} s first-call load)"
    )
    print(
        f"  without bad_input  {t_peer_good:8.2f}   {k_good / t_peer_good:11,.0f}   ({k_good:,} rows; 10 kB junk strings are slow for it)"
    )
    print()
    print(fmt_table(peer_table(sample, ours, peer_new)))
    print("vietnamadminunits cannot flag a split old unit for review: its split_no_evidence accuracy is undefined;")
    print("peer_in_candidates = share of split rows where its single answer is one of the true parts.")
    if not args.onflow_python:
        print("onflow-location-platform: not compared (no --onflow-python; it is not a project dependency).")
        return
    try:
        onflow_new, onflow_secs = onflow_resolver(args.onflow_python, reference, ours_sample_input.to_list())
    except (OSError, RuntimeError) as exc:
        print(f"onflow-location-platform: could not run: {str(exc)[-500:]}")
        return
    t_onflow = sum(onflow_secs)
    t_onflow_good = sum(x for x, b in zip(onflow_secs, is_bad, strict=True) if not b)
    print()
    print(f"## onflow-location-platform 1.1.2 on the same {k:,} rows (own environment, one core)")
    print(f"onflow-location-platform {t_onflow:8.2f} s  {k / t_onflow:11,.0f} addresses/s (convert_address_old_to_new)")
    print(f"  without bad_input      {t_onflow_good:8.2f} s  {k_good / t_onflow_good:11,.0f} addresses/s")
    table = peer_table(sample, ours, onflow_new).rename(
        {"vietnamadminunits": "onflow", "peer_in_candidates": "onflow_in_candidates"}
    )
    print(fmt_table(table))


if __name__ == "__main__":
    main()

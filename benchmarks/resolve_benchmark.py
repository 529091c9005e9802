"""Throughput, memory and accuracy of the resolver on one core, and a peer side by side.

Run on demand (not a test)::

    uv run --group bench python benchmarks/resolve_benchmark.py                 # 1,000,000 rows
    uv run --group bench python benchmarks/resolve_benchmark.py --n-rows 200000

1. Builds ``--n-distinct`` distinct messy old addresses with known truth
   (pipelines.synth.addresses, synthetic split gazetteer), samples them with
   replacement to ``--n-rows`` shuffled rows (real registries repeat addresses).
2. Resolves them with ``pipelines.resolve.resolve_addresses`` on ONE core
   (POLARS_MAX_THREADS=1, RAYON_NUM_THREADS=1, CPU affinity {0}) and prints
   addresses/second (resolve only, and including loading the reference), peak RSS
   and accuracy per mess type.
3. On a random sample (``--peer-sample``) of the same rows, runs the peer
   ``vietnamadminunits.convert_address`` and wardbridge, and prints both side by side.
   The peer geocodes split wards online (ArcGIS); this workplace has no network, so
   its geocoder is replaced by one that finds nothing, and the peer falls back to
   its default part, as it does when geocoding fails.
"""

from __future__ import annotations

import argparse
import os
import sys

# One core, set before polars (and its thread pool) is imported.
os.environ["POLARS_MAX_THREADS"] = "1"
os.environ["RAYON_NUM_THREADS"] = "1"
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {0})

import resource  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl  # noqa: E402

from pipelines.reference import HCMC_NEW_PROVINCE, Reference, load_reference  # noqa: E402
from pipelines.synth.addresses import (  # noqa: E402
    MESS_TYPES,
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


class PeakRSS:
    """Peak resident memory while a block runs (psutil sampling every 20 ms)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()

    def _sample(self) -> None:
        proc = psutil.Process()
        while not self._stop.is_set():
            self.peak = max(self.peak, proc.memory_info().rss)
            self._stop.wait(0.02)

    def __enter__(self) -> PeakRSS:
        if psutil is not None:
            self.peak = psutil.Process().memory_info().rss
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if psutil is not None:
            self._stop.set()
            self._thread.join()
            self.peak = max(self.peak, psutil.Process().memory_info().rss)


def rss_mib() -> float:
    return psutil.Process().memory_info().rss / 2**20 if psutil is not None else float("nan")


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


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
    order = {t: i for i, t in enumerate(MESS_TYPES)}
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="wardbridge resolver benchmark (one core)")
    parser.add_argument("--n-rows", type=int, default=1_000_000, help="rows to resolve (sampled with replacement)")
    parser.add_argument("--n-distinct", type=int, default=200_000, help="distinct addresses generated")
    parser.add_argument("--peer-sample", type=int, default=2_000, help="rows given to the peer (0: skip the peer)")
    parser.add_argument("--seed", type=int, default=20250701)
    args = parser.parse_args(argv)

    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    print(f"# wardbridge resolver benchmark  (cpu affinity {cpus}, POLARS_MAX_THREADS={pl.thread_pool_size()})")
    print(f"rows {args.n_rows:,} sampled from {args.n_distinct:,} distinct addresses, seed {args.seed}")

    from pipelines.resolve import resolve_addresses

    with tempfile.TemporaryDirectory(prefix="wardbridge-bench-") as tmp:
        gazetteer_path = Path(tmp) / "gazetteer.csv"
        write_synthetic_gazetteer(gazetteer_path, args.seed)
        t = time.perf_counter()
        reference = load_reference(gazetteers=(gazetteer_path,))
        t_ref = time.perf_counter() - t

    t = time.perf_counter()
    distinct = generate_addresses(args.n_distinct, seed=args.seed, reference=reference)
    t_gen = time.perf_counter() - t
    truth = distinct.sample(n=args.n_rows, with_replacement=True, shuffle=True, seed=args.seed)
    print(f"generated {distinct.height:,} distinct addresses in {t_gen:.1f} s; sampled {truth.height:,} rows")

    rss_before = rss_mib()
    addresses = truth["address"]
    with PeakRSS() as peak:
        t = time.perf_counter()
        resolved = resolve_addresses(addresses, reference)
        t_resolve = time.perf_counter() - t
    n = truth.height
    print()
    print("## Throughput (one core)")
    print(f"reference load            {t_ref:8.2f} s")
    print(f"resolve                   {t_resolve:8.2f} s   {n / t_resolve:12,.0f} addresses/s")
    print(f"resolve + reference load  {t_ref + t_resolve:8.2f} s   {n / (t_ref + t_resolve):12,.0f} addresses/s")
    print(f"RSS before resolve        {rss_before:8.0f} MiB (reference + {n:,} generated rows with truth)")
    print(f"peak RSS during resolve   {peak.peak / 2**20:8.0f} MiB (+{peak.peak / 2**20 - rss_before:.0f} MiB)")
    print(f"peak RSS of the process   {max_rss_mib():8.0f} MiB (ru_maxrss)")

    print()
    print(f"## Accuracy per mess type ({n:,} rows)")
    print(fmt_table(evaluate(truth, resolved)))

    if args.peer_sample <= 0:
        return
    k = min(args.peer_sample, n)
    idx = pl.int_range(0, n, eager=True).sample(k, seed=args.seed + 1)
    sample = truth[idx]
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
    print(f"## Side by side on a random sample of {k:,} of the same rows")
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


if __name__ == "__main__":
    main()

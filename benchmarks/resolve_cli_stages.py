"""Where ``wardbridge resolve`` spends its CPU outside the Python reads: the command run in this process with its
stages timed (``time.process_time``, inclusive and exclusive of the stages inside them), the imports too.

Run on demand (not a test), one core, Polars on one thread (set here)::

    python benchmarks/resolve_cli_stages.py --input <csv> --column address [--gazetteer <csv>] --output <parquet>

Only coarse functions are wrapped (module attributes, for the run), plus the Python parser's read
(``read_tokens``, ``_read_mode``, about 1 us of timing per read): a stage's *own* time is its time minus the
stages inside it, so a reading stage's own time is its Polars work and glue, and "reads" the parser's.
The first lines are the imports' CPU s (the command imports the resolver inside ``resolve``; here before it).
"""

from __future__ import annotations

import os
import sys
import time

T0 = time.process_time()
os.environ["POLARS_MAX_THREADS"] = "1"
os.environ["RAYON_NUM_THREADS"] = "1"
if __name__ == "__main__" and hasattr(os, "sched_setaffinity") and not os.environ.get("HR_NO_PIN"):  # a script only
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
sys.path.insert(0, os.getcwd())

import polars as pl  # noqa: E402, F401

T_POLARS = time.process_time()
import pipelines.cli as cli  # noqa: E402

T_CLI = time.process_time()
import pipelines.resolve as r  # noqa: E402
import quality.checks  # noqa: E402, F401
from pipelines import reference  # noqa: E402

T_RESOLVE = time.process_time()

CLI_STAGES = (
    "read_table",
    "check_text_columns",
    "check_address_column",
    "_as_of_option",
    "_repaired_cells",
    "write_frame",
)
# the CSV reader's stages (pipelines/reading): wrapped in every module that calls them by name
READING_STAGES = (
    "mended",
    "without_blank_lines",
    "report_short_rows",
    "report_repeated_columns",
    "without_nul_cells",
    "without_inner_marks",
    "with_lone_cr_line_ends",
)
RESOLVE_STAGES = (
    "resolve_table",
    "resolve_addresses",
    "index_for",
    "_modes",
    "_nearly_distinct",
    "_read_rows",
    "_read_province_tails",
    "_province_segment",
    "_read_short_tails",
    "_read_tails",
    "_read_tail_keys",
    "_no_district_before",
    "_tail_readings",
    "_with_clean",
    "_read_cuts",
    "_cut_keys",
    "_read_cut_tails",
    "_read_splits",
    "_read_whole",
    "_finish_rows",
    "_diacritics_decide",
    "_bare_numbers_said",
    "_add_unit_columns",
    "forget_readings",
)
READS = ("read_tokens", "_read_mode")

inclusive: dict[str, float] = {}
own: dict[str, float] = {}
calls: dict[str, int] = {}
stack: list[list[float]] = []  # per active stage: [children's time]


def wrapped(name: str, fn):  # noqa: ANN001, ANN201
    def run(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        stack.append([0.0])
        t = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent = time.process_time() - t
            children = stack.pop()[0]
            if stack:
                stack[-1][0] += spent
            inclusive[name] = inclusive.get(name, 0.0) + spent
            own[name] = own.get(name, 0.0) + spent - children
            calls[name] = calls.get(name, 0) + 1

    return run


for name in CLI_STAGES:
    setattr(cli, name, wrapped(name, getattr(cli, name)))
for module in [m for n, m in sorted(sys.modules.items()) if n.startswith("pipelines.reading.")]:
    for name in READING_STAGES:
        if hasattr(module, name):
            setattr(module, name, wrapped(name, getattr(module, name)))
for name in RESOLVE_STAGES:
    setattr(r, name, wrapped(name, getattr(r, name)))
for name in READS:
    setattr(r, name, wrapped("reads:" + name, getattr(r, name)))
reference.load_reference = wrapped("load_reference", reference.load_reference)

# Every Polars query (each eager step collects one) timed and charged to the first line of the project's code on
# the stack (--by-line): where the Polars work of the stages is.
by_line: dict[str, list] = {}


def _project_line() -> str:
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if "/pipelines/" in name or "/quality/" in name:
            return f"{name.rsplit('/', 1)[-1]}:{frame.f_lineno} {frame.f_code.co_name}"
        frame = frame.f_back
    return "?"


def charged(fn):  # noqa: ANN001, ANN201
    def run(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        t = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent = time.process_time() - t
            entry = by_line.setdefault(_project_line(), [0, 0.0])
            entry[0] += 1
            entry[1] += spent

    return run


if "--by-line" in sys.argv:
    sys.argv.remove("--by-line")
    from polars.lazyframe import engine

    engine._LocalEngine.collect = charged(engine._LocalEngine.collect)
    pl.DataFrame.write_parquet = charged(pl.DataFrame.write_parquet)
    pl.read_csv = charged(pl.read_csv)

resolve_cmd = cli.main.commands["resolve"].callback
cli.main.commands["resolve"].callback = wrapped("resolve (command)", resolve_cmd)


def main() -> None:
    start = time.process_time()
    try:
        cli.main.main(["resolve", *sys.argv[1:]], standalone_mode=False)
    finally:
        total = time.process_time()
        print(
            f"imports: polars {T_POLARS - T0:.2f}, pipelines.cli {T_CLI - T_POLARS:.2f}, "
            f"resolver+checks+reference {T_RESOLVE - T_CLI:.2f} CPU s; command {total - start:.2f}; "
            f"process so far {total:.2f}",
            file=sys.stderr,
        )
        print(f"{'stage':<28}{'calls':>8}{'incl s':>9}{'own s':>9}", file=sys.stderr)
        for name in sorted(inclusive, key=lambda n: -own[n]):
            print(f"{name:<28}{calls[name]:>8}{inclusive[name]:>9.2f}{own[name]:>9.2f}", file=sys.stderr)
        if by_line:
            print(f"{'Polars queries by line':<60}{'calls':>8}{'s':>9}", file=sys.stderr)
            for line, (n, spent) in sorted(by_line.items(), key=lambda kv: -kv[1][1])[:40]:
                print(f"{line:<60}{n:>8}{spent:>9.3f}", file=sys.stderr)
        print("numpy imported" if "numpy" in sys.modules else "numpy not imported", file=sys.stderr)
        ru = os.getloadavg()
        print(f"load {ru[0]:.2f} {ru[1]:.2f} {ru[2]:.2f}", file=sys.stderr)


if __name__ == "__main__":
    main()

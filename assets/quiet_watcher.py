"""Dagster's compute-log watcher (dagster/_core/execution/scripts/watch_orphans.py) with Ctrl-C ignored.

Dagster starts one per step, in the terminal's process group, to kill the step's ``tail -F`` mirror if the run's
process dies; a Ctrl-C reached it too and it printed a KeyboardInterrupt traceback amid ``wardbridge run``'s lines.
``wardbridge run`` points Dagster at this script (assets/cli.py ``_quiet_watchers``), which ignores SIGINT and runs
Dagster's own script (its path in ``$WARDBRIDGE_DAGSTER_WATCHER``): the watcher still ends when Dagster stops it or
its parent dies. Run as a script, not imported (no package import: it starts as fast as Dagster's). It is also
started in a process group of its own (``_quiet_watchers``), out of the Ctrl-C's reach: SIGINT is ignored here only
once Python has started.
"""

import os
import runpy
import signal

if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    runpy.run_path(os.environ["WARDBRIDGE_DAGSTER_WATCHER"], run_name="__main__")

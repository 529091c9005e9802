"""When the reader of ``wardbridge run``'s stderr goes away (``wardbridge run 2>&1 | head -9``, a watcher that exits).

The runs go on to their normal end and exit code: a nightly run does not die because whoever watched its progress
left. The first write that meets the closed pipe (BrokenPipeError) calls :func:`gone`: every descriptor of this
process on that pipe (stderr, the progress lines' copy of it, stdout under ``--json`` while the runs go on) is
pointed at /dev/null, so nothing more is written there and no later write (a progress line, a warning, the
summary, Dagster's compute-log mirror, the interpreter's last flush) fails or prints 'Exception ignored'. No
personal values and no imports beyond os: ``assets/cli.py`` and ``assets/progress.py`` both use it.
"""

from __future__ import annotations

import os

GONE = False  # the reader went away during this process's `wardbridge run`: the progress lines stopped
_WATCHED: set[int] = {1, 2}  # descriptors that may be on the pipe (watch(): the progress lines' copy of stderr)


def watch(fd: int) -> None:
    """``fd`` may be a copy of stderr: pointed at /dev/null too when stderr's reader goes away. A new watch means a
    new `wardbridge run` (assets/cli.py sets the progress stream once per run): ``GONE`` starts false again."""
    global GONE
    GONE = False
    _WATCHED.add(fd)


def gone(stream) -> None:  # noqa: ANN001 - a text stream whose write raised BrokenPipeError
    """The pipe ``stream`` writes to has no reader: every watched descriptor on the same pipe (and ``stream``'s own)
    is pointed at /dev/null, and ``GONE`` is set. A stream without a descriptor (a test's) only sets ``GONE``."""
    global GONE
    GONE = True
    try:
        failed = stream.fileno()
        pipe = os.fstat(failed)
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is an OSError and a ValueError
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for fd in sorted(_WATCHED | {failed}):
            try:
                if os.path.samestat(os.fstat(fd), pipe):
                    os.dup2(devnull, fd)
            except OSError:  # closed since: nothing to point elsewhere
                continue
    finally:
        os.close(devnull)

"""Shared fixtures.

PostgreSQL (``postgres_server`` / ``postgres_url`` / ``postgres_env``), one per session:

* If ``WB_PG_HOST`` is set, the running server given by ``WB_PG_HOST``, ``WB_PG_PORT``
  (default 5432), ``WB_PG_USER``, ``WB_PG_PASSWORD`` (may be empty) and ``WB_PG_DB`` is
  used. Tests create and drop tables in it: point it at a scratch database. Only
  loopback hosts (or a unix-socket directory) are accepted.
* Otherwise a throwaway cluster is started with the server binaries
  (``/usr/lib/postgresql/<version>/bin`` on Debian, else ``initdb``/``pg_ctl`` on
  PATH) in a temporary directory: as the ``postgres`` OS user when running as root
  (initdb refuses root), listening on 127.0.0.1 on a free port with its unix socket in
  the temporary directory, password authentication (scram-sha-256) with a random
  password, fsync off. It is stopped and deleted at the end of the session.
* Without server binaries the tests using it are skipped, unless ``CI`` is set: then
  they fail, because CI (``.ci/run``) must provide PostgreSQL.
"""

from __future__ import annotations

import gc
import glob
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# One Polars thread in each test process (the xdist workers and the `wardbridge` processes they start, which inherit
# the environment), unless set: two workers on two cores each with a pool of two oversubscribe them, and Polars' idle
# pool threads spin (sched_yield) on the small frames tests use. tests/test_match_guard_large.py alone, alternated:
# 24.3 / 23.0 s wall (6.7-7.4 s sys) with the default pool, 19.2 / 18.6 s (3.7-3.8 s sys) with one thread. The product
# code does not depend on the pool's size.
os.environ.setdefault("POLARS_MAX_THREADS", "1")

PG_ENV_VARS = ("WB_PG_HOST", "WB_PG_PORT", "WB_PG_USER", "WB_PG_PASSWORD", "WB_PG_DB")
_LOOPBACK = {"localhost", "127.0.0.1", "::1", "[::1]"}


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    password: str
    dbname: str

    @property
    def env(self) -> dict[str, str]:
        """The ``WB_PG_*`` variables a catalogue URL template reads."""
        return {
            "WB_PG_HOST": self.host,
            "WB_PG_PORT": str(self.port),
            "WB_PG_USER": self.user,
            "WB_PG_PASSWORD": self.password,
            "WB_PG_DB": self.dbname,
        }

    @property
    def url(self) -> str:
        """SQLAlchemy URL (psycopg driver), password included."""
        from sqlalchemy.engine import URL

        return URL.create(
            "postgresql+psycopg",
            username=self.user,
            password=self.password or None,
            host=self.host,
            port=self.port,
            database=self.dbname,
        ).render_as_string(hide_password=False)


def _unavailable(reason: str) -> None:
    """Fail under CI (it must provide PostgreSQL), skip elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL needed under CI: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL not available: {reason}")


def _version_key(path: str) -> tuple[int, ...]:
    m = re.search(r"/postgresql/([\d.]+)/bin/", path)
    return tuple(int(x) for x in m.group(1).split(".")) if m else (0,)


def _server_bin() -> Path | None:
    """Directory with initdb and pg_ctl: newest Debian version, else PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    if found:
        return Path(found[-1]).parent
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Path(initdb).resolve().parent
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_from_env() -> PostgresServer:
    env = os.environ
    missing = [v for v in ("WB_PG_USER", "WB_PG_DB") if not env.get(v)]
    if missing:
        pytest.fail(f"WB_PG_HOST is set but {', '.join(missing)} is not", pytrace=False)
    host = env["WB_PG_HOST"]
    if host not in _LOOPBACK and not host.startswith("/"):
        pytest.fail(f"WB_PG_HOST={host!r}: tests only use a loopback server (they drop tables)", pytrace=False)
    return PostgresServer(
        host=host.strip("[]"),
        port=int(env.get("WB_PG_PORT") or 5432),
        user=env["WB_PG_USER"],
        password=env.get("WB_PG_PASSWORD", ""),
        dbname=env["WB_PG_DB"],
    )


def _wait_ready(server: PostgresServer, timeout: float = 20.0) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(
                host=server.host, port=server.port, user=server.user, password=server.password,
                dbname=server.dbname, connect_timeout=3,
            ):  # fmt: skip
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    if os.environ.get("WB_PG_HOST"):
        server = _server_from_env()
        _wait_ready(server, timeout=10)
        yield server
        return

    bindir = _server_bin()
    if bindir is None:
        _unavailable("no server binaries (/usr/lib/postgresql/*/bin/initdb or initdb on PATH); "
                     "install them (apt-get install postgresql) or set WB_PG_HOST etc.")  # fmt: skip
    as_user: list[str] = []
    owner: tuple[int, int] | None = None
    if os.geteuid() == 0:  # initdb and postgres refuse to run as root
        import pwd

        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("running as root and there is no 'postgres' OS user to run the server as")
        runuser = shutil.which("runuser")
        if runuser is None:
            _unavailable("running as root without runuser to switch to the 'postgres' user")
        as_user = [runuser, "-u", "postgres", "--"]
        owner = (pw.pw_uid, pw.pw_gid)

    base = Path(tempfile.mkdtemp(prefix="wb-pg-"))
    data = base / "data"
    user, password, dbname = "wardbridge", secrets.token_urlsafe(18), "wardbridge_test"
    pwfile = base / "pwfile"
    pwfile.write_text(password + "\n")
    os.chmod(pwfile, 0o600)
    if owner is not None:
        os.chown(base, *owner)
        os.chown(pwfile, *owner)

    def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*as_user, *args], check=False, cwd=base, capture_output=True, text=True, timeout=timeout)

    started = False
    try:
        init = run(
            str(bindir / "initdb"), "-D", str(data), "-U", user, f"--pwfile={pwfile}", "-A", "scram-sha-256",
            "-E", "UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip
        if init.returncode != 0:
            pytest.fail(f"initdb failed:\n{init.stdout[-1500:]}{init.stderr[-1500:]}", pytrace=False)
        pwfile.unlink()
        log = base / "server.log"
        for _attempt in range(3):  # a free port can be taken between probing and binding
            port = _free_port()
            opts = (
                f"-c listen_addresses=127.0.0.1 -p {port} -k {shlex.quote(str(base))} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=40"
            )
            start = run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", opts, "-w", "-t", "30", "start")
            if start.returncode == 0:
                started = True
                break
            text = log.read_text(errors="replace") if log.exists() else ""
            if "already in use" not in text and "could not bind" not in text:
                break
        if not started:
            text = log.read_text(errors="replace") if log.exists() else ""
            pytest.fail(f"pg_ctl start failed:\n{start.stdout[-1000:]}{start.stderr[-1000:]}\n{text[-1500:]}",
                        pytrace=False)  # fmt: skip
        admin = PostgresServer("127.0.0.1", port, user, password, "postgres")
        _wait_ready(admin)
        import psycopg

        with psycopg.connect(
            host=admin.host, port=admin.port, user=user, password=password, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')
        yield PostgresServer("127.0.0.1", port, user, password, dbname)
    finally:
        if started:
            run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """SQLAlchemy URL of the session's PostgreSQL database (password included)."""
    return postgres_server.url


@pytest.fixture(scope="session")
def postgres_env(postgres_server: PostgresServer) -> dict[str, str]:
    """``WB_PG_*`` variables for the session's PostgreSQL database."""
    return postgres_server.env


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory):
    """The session's one ``wardbridge run --json`` over the bundled sample (tests/runhelpers.py
    ``session_sample_run``, also the warehouse of tests/marts_fixture.py's ``sample_marts``), shared read-only by
    the tests that check what a whole run leaves."""
    from tests.runhelpers import session_sample_run

    return session_sample_run(tmp_path_factory.getbasetemp())


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[list[str | None]]:
    """Every list of values given to the HMAC (pipelines.publish.pseudonym.pseudonymise), in call order: the export
    tests' count of what was hashed (test_export_pseudonyms, test_export_household_codes)."""
    import polars as pl  # noqa: PLC0415 - only the tests that ask for it

    import pipelines.publish.pseudonym as pseudonym  # noqa: PLC0415

    calls: list[list[str | None]] = []
    real = pseudonym.pseudonymise

    def spy(ids: pl.Series, kind: str, key: bytes) -> pl.Series:
        calls.append(ids.to_list())
        return real(ids, kind, key)

    monkeypatch.setattr(pseudonym, "pseudonymise", spy)
    return calls


@pytest.fixture
def gc_frozen() -> Iterator[None]:
    """The objects this process made before the test frozen out of the garbage collector's walks (``gc.freeze``)
    while it runs: the benchmark helpers' ``gc.collect()`` before their timings walked them all (in a worker late in a
    full run, millions: about 2 s a collection). What the test makes is collected as before."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


# pytest-xdist (``-n 2 --dist loadfile`` in pyproject.toml): each test file runs on one worker, so a module's
# fixtures are built once; the files sharing the session's sample run (the ``sample_run`` fixture, and the sample
# marts of tests/marts_fixture.py, which are that run's warehouse) are one unit together, so that run is made on
# one worker, not on both. (xdist's xdist_group marks do nothing under pytest 9: xdist 3.8 renames the test ids
# through ``item._nodeid``, which pytest 9 no longer reads.)
SHARED_BUILDS = {"tests.marts_fixture import sample_marts": "sample_run", "sample_run": "sample_run"}  # marker: unit
_TESTS = Path(__file__).resolve().parent


def _scope_of_file(relative: str) -> str:
    """The scheduling unit of a test file (path relative to the repository): its shared build, else itself."""
    path = _TESTS.parent / relative
    text = path.read_text(encoding="utf-8") if path.suffix == ".py" and path.is_file() else ""
    return next((group for marker, group in SHARED_BUILDS.items() if marker in text), relative)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):  # noqa: ANN001, ANN201 - xdist's types
    if config.getvalue("dist") != "loadfile":
        return None
    import functools

    from xdist.scheduler import LoadFileScheduling

    scope = functools.cache(_scope_of_file)

    class SharedBuildScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return scope(nodeid.split("::", 1)[0])

    return SharedBuildScheduling(config, log)


# Hypothesis profiles (tests/test_hostile.py): "ci" by default, bounded so the hostile suite
# runs in under 3 minutes on 2 cores; HYPOTHESIS_PROFILE=long for a long run on demand.
from hypothesis import HealthCheck  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

_HYPOTHESIS_COMMON = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "print_blob": True,
}
hypothesis_settings.register_profile("ci", max_examples=20, **_HYPOTHESIS_COMMON)
hypothesis_settings.register_profile("long", max_examples=1000, **_HYPOTHESIS_COMMON)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# SIGINT/SIGTERM and the CPU affinity kept as they were around each test, a test changing one failed
# (tests/signal_guard.py).
from tests.signal_guard import (  # noqa: E402, F401
    pytest_collection_finish,
    pytest_configure,
    pytest_runtest_setup,
    pytest_runtest_teardown,
)

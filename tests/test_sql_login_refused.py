"""A database that refuses the login (a wrong password) or the database named is not retried as if it were down.

Measured with a real dagster-daemon and PostgreSQL (HV24, 2026-12-06): a catalogue SQL source whose
``WB_PG_PASSWORD`` was wrong failed with 'password authentication failed for user ...' (the URL's password masked),
and the step was then retried in 30 s, 110 s and ~120 s (SOURCE_RETRY, meant for a database that is down): the
failure came about 4.5 minutes late and the run made 4 failed logins, which a server may count towards locking the
account. Such a refusal is now failed at once; a server nobody answers for is still retried
(tests/test_operations.py ``test_unreachable_database_source_is_retried_with_backoff``)."""

from __future__ import annotations

from pipelines.ingest.sql import login_refused
from pipelines.ingest.status import read_status
from pipelines.warehouse import Warehouse
from tests.test_operations import CATALOGUE_ENV, REGISTRY, _attempts, _sql_catalogue

WRONG = "wrong-Pw-for-test-777"


def _env(monkeypatch, server, **changes: str) -> None:
    env = {"WB_PG_USER": server.user, "WB_PG_PASSWORD": server.password, "WB_PG_DB": server.dbname}
    env |= {"WB_DOWN_PORT": str(server.port)} | changes
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def test_a_wrong_password_fails_at_once_naming_the_source_never_the_password(postgres_server, tmp_path, monkeypatch):
    _env(monkeypatch, postgres_server, WB_PG_PASSWORD=WRONG)
    catalogue = _sql_catalogue(tmp_path)
    monkeypatch.setenv(CATALOGUE_ENV, str(catalogue))
    success, retries = _attempts(str(catalogue), tmp_path / "wh")
    assert not success and retries == 0  # before: 2, every retry of the policy (each one more failed login)
    (status,) = read_status(Warehouse(tmp_path / "wh"), REGISTRY).values()
    assert status.state == "failed" and "households_db" in status.cause
    assert "password authentication failed" in status.cause and "waiting does not mend" in status.cause
    assert WRONG not in status.cause and postgres_server.password not in status.cause


def test_a_database_that_does_not_exist_is_not_retried(postgres_server, tmp_path, monkeypatch):
    _env(monkeypatch, postgres_server, WB_PG_DB="no_such_registry")
    catalogue = _sql_catalogue(tmp_path)
    monkeypatch.setenv(CATALOGUE_ENV, str(catalogue))
    success, retries = _attempts(str(catalogue), tmp_path / "wh")
    assert not success and retries == 0
    (status,) = read_status(Warehouse(tmp_path / "wh"), REGISTRY).values()
    assert 'database "no_such_registry" does not exist' in status.cause


def test_login_refused_tells_a_refusal_from_a_server_down():
    assert login_refused(Exception('FATAL:  password authentication failed for user "wardbridge"'))
    assert login_refused(Exception("(1045, \"Access denied for user 'wb'@'localhost' (using password: YES)\")"))
    assert login_refused(Exception("Login failed for user 'wb'. (18456)"))
    assert not login_refused(Exception('connection to server at "127.0.0.1", port 5 failed: Connection refused'))
    assert not login_refused(Exception("connection timeout expired"))

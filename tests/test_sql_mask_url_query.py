"""A password given as a query parameter of a SQL source's URL (``postgresql://clerk@host/db?password=${PGPASS}``,
a form resolve_url fills from the environment) was shown in clear by mask_url, so in every SqlSourceError and log
line naming the source ('cannot connect to postgresql://clerk@127.0.0.1:1/ho_tich?password=S3cret-pw: ...'). HV4."""

from __future__ import annotations

import pytest

from pipelines.ingest.sql import SqlSourceError, mask_url, read_sql_table, resolve_url

SECRET = "S3cret-pw"


@pytest.mark.parametrize(
    "template",
    [
        "postgresql://clerk@db.example/ho_tich?password=${PGPASS}",
        "postgresql+psycopg://db.example/ho_tich?sslmode=require&password=${PGPASS}",
        "postgresql://clerk:${PGPASS}@db.example/ho_tich",
    ],
)
def test_a_password_anywhere_in_the_url_is_masked(template):
    url = resolve_url(template, {"PGPASS": SECRET})
    assert SECRET in url  # (the engine needs it)
    masked = mask_url(url)
    assert SECRET not in masked and "***" in masked, masked
    assert "db.example/ho_tich" in masked


def test_other_query_parameters_are_kept():
    assert mask_url("postgresql://db.example/x?sslmode=require&password=abc") == (
        "postgresql://db.example/x?password=***&sslmode=require"
    )
    assert mask_url("postgresql://db.example/x?sslmode=require") == "postgresql://db.example/x?sslmode=require"


def test_a_failed_connection_does_not_say_the_password():
    url = resolve_url("postgresql://clerk@127.0.0.1:1/ho_tich?password=${PGPASS}", {"PGPASS": SECRET})
    with pytest.raises(SqlSourceError) as caught:
        next(iter(read_sql_table(url, "people")))
    assert "cannot connect to postgresql://clerk@127.0.0.1:1/ho_tich?password=***" in str(caught.value)
    assert SECRET not in str(caught.value)

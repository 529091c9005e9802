"""Error messages that must not print a value read from the environment."""

from __future__ import annotations

import pytest

from pipelines.ingest.sql import UrlTemplateError, resolve_url

PG_TEMPLATE = "postgresql+psycopg://${WB_PG_USER}:${WB_PG_PASSWORD}@${WB_PG_HOST}:${WB_PG_PORT}/${WB_PG_DB}"


def test_a_port_that_is_not_a_number_is_named_by_its_variable_never_by_its_value():
    """The port's value was printed ('port '54x-secret' (from WB_PG_PORT) ...'): a variable set by mistake may hold
    anything (a password pasted in the wrong variable); the message names the variable only."""
    env = {"WB_PG_USER": "u", "WB_PG_PASSWORD": "p", "WB_PG_HOST": "h", "WB_PG_PORT": "54x-s3cret", "WB_PG_DB": "d"}
    with pytest.raises(UrlTemplateError) as err:
        resolve_url(PG_TEMPLATE, env, source="tax_718")
    message = str(err.value)
    assert "port (from WB_PG_PORT) is not a number" in message and "tax_718" in message
    assert "s3cret" not in message and "54x" not in message


def test_a_literal_port_that_is_not_a_number_is_refused_without_its_text():
    with pytest.raises(UrlTemplateError) as err:
        resolve_url("postgresql+psycopg://${WB_PG_USER}@h:54x/d", {"WB_PG_USER": "u"})
    assert "port is not a number" in str(err.value) and "54x" not in str(err.value)

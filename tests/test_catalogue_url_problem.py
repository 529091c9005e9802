"""catalogue.url_problem: what it hides and what it keeps of a SQL source's URL error (its docstring, checked)."""

from __future__ import annotations

import pytest

from pipelines.ingest.catalogue import url_problem
from pipelines.ingest.sql import MissingVariableError, UrlTemplateError, resolve_url

SECRET = "54x-s3cret"


def test_sql_s_own_port_message_names_the_variable_and_passes_unchanged():
    with pytest.raises(UrlTemplateError) as err:
        resolve_url("postgresql://u:${WB_PW}@h:${WB_PORT}/db", {"WB_PW": "pw", "WB_PORT": SECRET}, source="pop_sql")
    assert url_problem(err.value) == str(err.value)  # nothing to hide: sql.py never writes the value
    assert "source 'pop_sql'" in str(err.value) and "port (from WB_PORT) is not a number" in str(err.value)
    assert SECRET not in str(err.value)


@pytest.mark.parametrize("quoted", [f"'{SECRET}'", f'"{SECRET}\'s"', repr(f"a'b\"{SECRET}")])
def test_a_quoted_port_text_is_hidden_and_the_source_kept(quoted):
    text = url_problem(UrlTemplateError(f"source 'pop_sql': port {quoted} is not a number"))
    assert text == "source 'pop_sql': port '…' is not a number"


def test_other_quoted_text_is_kept():
    """Only a quote right after the word ``port``: a source id holding 'port' inside a word stays as it is."""
    message = "source \"airport 'T1'\": not a SQLAlchemy URL (expected dialect[+driver]://...)"
    assert url_problem(UrlTemplateError(message)) == message
    assert url_problem(UrlTemplateError("source 'passport': port is not a number")).startswith("source 'passport'")


def test_a_missing_variable_s_message_is_not_rewritten():
    exc = MissingVariableError("source 'pop_sql': environment variable WB_PORT not set", ["WB_PORT"], "pop_sql")
    assert url_problem(exc) == str(exc)

"""What a ministry reads in datapackage.json: a bare-code field is described as a code (not as the '2025:<code>'
uid its values were cut from), and the policy sentences follow a finished sentence."""

from __future__ import annotations

import re

from pipelines.publish.exports import load_declarations


def _fields():
    for declaration in load_declarations().values():
        for resource in declaration.resources:
            for f in resource.fields:
                yield declaration.recipient, resource.name, f


def test_bare_code_fields_are_described_as_codes():
    code_fields = [(r, t, f) for r, t, f in _fields() if f.unit == "code"]
    assert len(code_fields) >= 8  # statistics, home_affairs, public_security and finance_tax declare some
    for recipient, resource, f in code_fields:
        where = f"{recipient}/{resource}/{f.name}"
        assert ":<code>" not in f.description, where
        assert "GSO code of the" in f.description, where


def test_policy_sentences_follow_a_full_stop():
    for recipient, resource, f in _fields():
        for sentence in ("Pseudonymised", "Withheld"):
            for match in re.finditer(rf"(.)\s{sentence}\b", f.description):
                assert match.group(1) in ".)", f"{recipient}/{resource}/{f.name}: {f.description!r}"

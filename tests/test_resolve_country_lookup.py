"""A 2025-form address without province whose ward is not one of the default provinces' is looked up in the
whole country once per reading: parse_2025 reuses the lookup its last reading (``_ward_2025`` in the default
provinces) made on the same tokens; the answers are those of the whole-country lookup."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines._native import source_module
from pipelines.reference import default_reference

# These tests wrap the resolver's own functions: the Python source, where its calls go through them
# (a compiled module calls its functions directly; pipelines/_native.py).
r = source_module()


@pytest.fixture(scope="module")
def idx() -> r.ResolverIndex:
    return r.build_index(default_reference())


def _clean(text: str) -> str:
    return pl.select(r.clean_expr(pl.lit(text))).item()


@pytest.mark.parametrize(
    ("text", "status", "answered"),
    [
        ("Xã Nga Sơn", "fuzzy", True),  # one 2025 ward of that name, outside the default province
        ("Phường Long Biên", "fuzzy", True),  # written exactly elsewhere: not corrected into Xã Long Điền
        ("Xã Không Có Tên Này", "unresolved", False),  # no such ward anywhere
    ],
)
def test_whole_country_looked_up_once(monkeypatch, idx, text, status, answered):
    lookups = []
    real = r._exact_span

    def counted(tokens, end, keys, *args, **kwargs):
        if keys is idx.new_ward_all:
            lookups.append(end)
        return real(tokens, end, keys, *args, **kwargs)

    monkeypatch.setattr(r, "_exact_span", counted)
    res = r.parse_2025(idx, r.tokenise(_clean(text)))
    assert lookups == [len(r.tokenise(_clean(text)).words)]  # once, at the end of the text
    assert res.status == status
    assert (res.new_uid is not None) == answered
    if answered:
        assert res.scheme == "2025" and "unique in the country" in res.reason

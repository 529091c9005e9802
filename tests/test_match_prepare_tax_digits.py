"""prepare's tax code transforms (tax_base, tax_branch, tax_canonical) read the text's digits from a column made once
for all three (``_add_steps``): the values of the plain expressions, each writing the digits at every use."""

from __future__ import annotations

import polars as pl

import pipelines.match.prepare as prepare
from pipelines.match.prepare import BLANK, _derived_values, _transform

CODES = [
    "0101234567",
    "0101234567-001",
    "0101234567-000",  # the MST itself, written with its head office suffix
    "0101234567000",
    " 0101 234 567 / 002 ",
    "079201001234",  # a personal ID: 12 digits
    "12345",
    "abc",  # no digit: no code
    "MST: 0312345678",
    "٠١٢٣٤٥٦٧٨٩",  # other digits than 0-9 (\\d is Unicode's)
    "",
    None,
]


def _plain(name: str) -> pl.Expr:
    digits = pl.col("v").cast(pl.String).str.replace_all(r"\D+", "")
    length = digits.str.len_chars()
    if name == "tax_base":
        return pl.when(length == 13).then(digits.str.slice(0, 10)).when(length > 0).then(digits)
    if name == "tax_canonical":
        head = (length == 13) & (digits.str.slice(10, 3) == "000")
        return pl.when(head).then(digits.str.slice(0, 10)).when(length > 0).then(digits)
    return pl.when(length == 13).then(digits.str.slice(10, 3)).when(length == 10).then(pl.lit("000"))


def test_tax_codes_from_the_digits_once_equal_the_plain_expressions(monkeypatch):
    frame = pl.DataFrame({"v": CODES * 3}, schema={"v": pl.String})
    names = ("tax_canonical", "tax_base", "tax_branch")
    calls = []
    digits = prepare._digits
    monkeypatch.setattr(prepare, "_digits", lambda expr: calls.append(1) or digits(expr))
    added = _derived_values(frame, "v", {name: (name,) for name in names}).added
    assert len(calls) == 1  # the digits written once, for the three
    for name in names:
        plain = _plain(name)
        want = frame.select(pl.when(~plain.str.contains(BLANK)).then(plain).alias(name))[name]
        assert added[name].to_list() == want.to_list(), name
        assert frame.select(_transform(pl.col("v"), name))["v"].to_list() == frame.select(plain)["v"].to_list()
    assert added["tax_canonical"].to_list()[:5] == [
        "0101234567",
        "0101234567001",
        "0101234567",
        "0101234567",
        "0101234567002",
    ]
    assert added["tax_branch"].to_list()[:4] == ["000", "001", "000", "000"]
    assert added["tax_base"][7] is None and added["tax_base"][5] == "079201001234"

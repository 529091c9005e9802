"""The report writes numbers the Vietnamese way throughout: '.' groups thousands (1.394), ',' is the decimal mark.
The duplicates share was printed '11.7 %' beside '1.394' duplicates and '1,58' filings per taxpayer: read as
eleven thousand seven hundred per cent by a Vietnamese reader."""

from __future__ import annotations

from pipelines.report.page import _dup_row


def test_duplicate_share_uses_the_decimal_comma():
    row = _dup_row({"registry": "population", "records": 11915, "entities": 10521})
    assert '<td class="n">11,7 %</td>' in row and "11.7" not in row
    assert 'data-duplicates="1394"' in row

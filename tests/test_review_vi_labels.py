"""Ward files with Vietnamese headers (csv_headers: vi / both) name every column in Vietnamese (HV6: six columns of
the bundled sample's ward files were headed by their English names, among them match_pair's other_pairs and
record_pairs)."""

from __future__ import annotations

from pipelines.review.exports import vi_label

# the columns of the bundled sample's ward files (wardbridge run, 492efbf) that had no Vietnamese label
COLUMNS = ("informative_why", "informativeness", "other_pairs", "proposed_new_uid", "record_pairs", "registries")


def test_every_sample_column_has_a_vietnamese_label():
    assert [c for c in COLUMNS if vi_label(c) == c] == []

"""The run's entity counts by size (``stats["entity_size_counts"]``: entities per number of records, counted from the
records' entity sizes) are those of the entities table itself."""

from __future__ import annotations

from pipelines.match import load_spec, match
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"


def test_entity_size_counts_are_the_entities_per_record_count():
    result = match(background(3000, seed=11), load_spec(PEOPLE_SPEC))
    per_size = result.entities.group_by("record_count").len().sort("record_count")
    expected = {int(size): int(n) for size, n in per_size.iter_rows()}
    assert len(expected) >= 2  # merged entities as well as single records, else the count shows nothing here
    assert result.stats["entity_size_counts"] == expected
    assert list(result.stats["entity_size_counts"]) == sorted(expected)  # by size, smallest first
    assert result.stats["entity_size_max"] == max(expected)
    assert sum(size * n for size, n in expected.items()) == result.records.height

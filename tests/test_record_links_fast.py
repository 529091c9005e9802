"""The lineage's evidence patterns, numbered the fast way, are the plain ones.

``_evidence_patterns`` writes each pair's levels as the bytes of one word instead of shifting and or-ing 64-bit words
per comparison; ``_record_links`` filters the links' columns it reads only. The lineage by record place (the engine's)
is the lineage by join (an increment's rows).
"""

from __future__ import annotations

import numpy as np
import polars as pl
from polars.testing import assert_frame_equal

from pipelines.match import load_spec
from pipelines.match.compare import level_labels
from pipelines.match.engine import ROW, _evidence, _evidence_patterns, _record_links
from pipelines.warehouse import REPO_ROOT

SPEC = load_spec(REPO_ROOT / "mappings" / "match" / "taxpayers.toml")
NAMES = [c.name for c in SPEC.comparisons]
LEVELS = level_labels(SPEC)


def _scored(n: int, links: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    l = rng.integers(0, n - 1, links)  # noqa: E741
    r = l + rng.integers(1, 30, links)
    pairs = pl.DataFrame({"l": l.clip(0, n - 1), "r": r.clip(0, n - 1)}, schema={"l": pl.UInt32, "r": pl.UInt32})
    pairs = pairs.filter(pl.col("l") < pl.col("r")).unique(maintain_order=True)
    k = pairs.height
    return pairs.with_columns(
        # few distinct probabilities: many ties among a record's links
        match_probability=pl.Series(rng.choice([0.91, 0.95, 0.99, 1.0], k)),
        _same=pl.Series(rng.random(k) < 0.9),
        decision=pl.Series(rng.choice(["link", "review"], k, p=[0.85, 0.15])).cast(
            pl.Enum(["link", "review", "non_match", "refused"])
        ),
        **{name: pl.Series(rng.choice([None, *range(len(LEVELS[name]))], k).tolist(), dtype=pl.Int8) for name in NAMES},
    )


def test_the_lineage_by_record_place_is_the_lineage_by_join():
    n = 3000
    scored = _scored(n, 6000, 9)
    ids = pl.Series([f"t{i:05d}" for i in range(n)])
    positional = _record_links(scored, pl.DataFrame({ROW: pl.Series(range(n), dtype=pl.UInt32)}), ids, SPEC)
    # rows not numbered by position (an increment's): the joins and the sort, as before
    shifted = _record_links(
        scored.with_columns(pl.col("l") + 5, pl.col("r") + 5),
        pl.DataFrame({ROW: pl.Series(range(5, n + 5), dtype=pl.UInt32)}),
        ids,
        SPEC,
    )
    assert_frame_equal(positional, shifted)
    assert positional["linked_to"].null_count() < n


def test_evidence_patterns_number_the_levels_as_the_word_per_comparison_did():
    scored = _scored(3000, 6000, 3)
    numbers, text = _evidence_patterns(scored, SPEC)
    key = np.zeros(scored.height, dtype=np.uint64)
    for name in NAMES:
        key <<= np.uint64(8)
        key |= (scored[name].fill_null(-1).to_numpy().astype(np.int64) & 0xFF).astype(np.uint64)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    assert numbers.to_list() == inverse.reshape(-1).tolist()
    assert text.gather(numbers).to_list() == scored.select(_evidence(SPEC))[:, 0].to_list()

"""ValueCodes' per-code word counts, word masks and character masks worked out from the values' words (split once,
``ValueCodes._split``), and ``word_code_shares`` counted on the word codes: the same as from the values themselves."""

import numpy as np
import polars as pl
import pytest

from pipelines.match.compare import ValueCodes, _char_masks
from pipelines.match.state import FrozenCodes

VALUES = [
    "",
    " ",
    "a",
    "ab",
    "a b",
    "b a",
    "a  b",
    " a",
    "a ",
    "nguyen van an",
    "nguyen  van an",
    "le thi b",
    "ệ ê",
    "a a b a",
    "thanh thanh",
    None,
]


def _table(repeat: int = 3) -> pl.DataFrame:
    values = VALUES * repeat + ["nguyen van an"] * 7 + ["le thi hoa"] * 4  # (words in 5+ values: a share)
    return pl.DataFrame({"_row": np.arange(len(values), dtype=np.uint32), "v": pl.Series(values, dtype=pl.String)})


def _from_values(values: pl.Series) -> dict[str, np.ndarray]:
    """The masks as worked out on each value's own words and characters (before ``_split``)."""
    words = values.str.split(" ")
    counts = words.list.len().to_numpy().astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    bits = np.left_shift(np.uint64(1), words.explode().hash().to_numpy() & np.uint64(63))
    return {"words": counts, "bloom": np.bitwise_or.reduceat(bits, starts), "chars": _char_masks(values)}


def test_masks_from_words_are_the_values_own() -> None:
    codes = ValueCodes(_table())
    expected = _from_values(codes.get("v")[1])
    for what in ("words", "bloom", "chars"):
        assert np.array_equal(codes.per_code(what, "v"), expected[what]), what


def test_a_space_between_words_is_a_character() -> None:
    codes = ValueCodes(pl.DataFrame({"_row": [0, 1], "v": ["ab", "a b"]}, schema_overrides={"_row": pl.UInt32}))
    chars = codes.per_code("chars", "v")
    by_code = codes.get("v")[1].to_list()
    assert chars[by_code.index("ab")] != chars[by_code.index("a b")]


def test_word_code_shares_count_records_once_per_word() -> None:
    work = _table()
    codes = ValueCodes(work)
    _, by_word = codes.word_matrix("v")
    shares = codes.word_code_shares("v")
    # the same as word_shares' table, looked up per word (worked out on another table of codes: not cached there)
    table = ValueCodes(work).word_shares("v")
    looked_up = dict(zip(table["word"].to_list(), table["share"].to_list(), strict=True))
    assert shares.tolist() == [looked_up.get(word, 0.0) for word in by_word]
    # 'nguyen' in 3 + 3 + 7 records ('nguyen van an', 'nguyen  van an'); 'thanh' in 3 (twice in each): under 5
    values = work["v"].drop_nulls().len()
    assert shares[by_word.tolist().index("nguyen")] == pytest.approx(13 / values, rel=1e-15)
    assert shares[by_word.tolist().index("thanh")] == 0.0


def test_a_frozen_models_shares_are_read_as_they_are() -> None:
    frozen = pl.DataFrame({"word": ["nguyen"], "share": [0.5]})
    codes = FrozenCodes(_table(), {"v": frozen})
    _, by_word = codes.word_matrix("v")
    shares = codes.word_code_shares("v")
    assert shares[by_word.tolist().index("nguyen")] == 0.5
    assert shares[by_word.tolist().index("van")] == 0.0

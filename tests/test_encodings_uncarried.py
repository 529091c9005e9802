"""repair_column's fast path for cells holding a Han ideograph (encodings._UNCARRIED) gives what reading them gives."""

import random
import unicodedata

import polars as pl
import pytest

from pipelines import encodings as enc
from pipelines.encodings import encode_tcvn3, encode_vni, repair_column

NEVER = r"[^\s\S]"  # a pattern no text matches: every cell read by _repair


def _han_chars() -> list[str]:
    every = pl.Series([chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c <= 0xDFFF])
    return every.filter(every.str.contains(enc._UNCARRIED)).to_list()


def test_every_han_character_is_carried_by_no_code_page_and_makes_no_clean_cell():
    chars = _han_chars()
    assert len(chars) > 90_000
    for ch in chars:
        nfc = unicodedata.normalize("NFC", ch)
        assert enc._sloppy_1252_encode(ch) is None and enc._cp1258_carrier(ch) is None, ch
        assert all(c not in enc._LETTER_INFO and c.lower() not in enc._LETTER_INFO for c in nfc), ch
        _good, _common, bad, junk, _longer = enc._analyse(nfc)
        assert bad or junk, ch  # never clean Unicode: the column context's count is unchanged


def _cells(seed: int) -> list[str]:
    rng = random.Random(seed)
    han = _han_chars()
    vietnamese = ["Phường Bến Nghé", "Quận Gò Vấp", "Thành phố Hồ Chí Minh", "Nguyễn Văn Cừ", "Xã Thạnh An"]
    cells = []
    for _ in range(400):
        text = rng.choice(vietnamese)
        kind = rng.randrange(6)
        if kind == 0:
            cells.append(text.encode("utf-8").decode("cp1252", errors="replace"))  # mojibake
        elif kind == 1:
            cells.append(encode_vni(text).decode("cp1252", errors="replace"))
        elif kind == 2:
            cells.append(encode_tcvn3(text).decode("cp1252", errors="replace"))
        elif kind == 3:  # junk with Han ideographs, alone or around other text
            cells.append("".join(rng.choice(han) for _ in range(rng.randrange(1, 40))) + rng.choice(["", "9273", text]))
        elif kind == 4:  # mojibake or VNI with one ideograph in it: still not carried by any code page
            legacy = (
                text.encode("utf-8").decode("cp1252", errors="replace")
                if rng.random() < 0.5
                else encode_vni(text).decode("cp1252", errors="replace")
            )
            at = rng.randrange(len(legacy) + 1)
            cells.append(legacy[:at] + rng.choice(han) + legacy[at:])
        else:
            cells.append(unicodedata.normalize("NFD", text) if rng.random() < 0.5 else text)
    return cells


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("column_context", [True, False])
def test_fast_path_equals_reading_every_cell(monkeypatch, seed, column_context):
    series = pl.Series("a", [*_cells(seed), None])
    fast = repair_column(series, column_context=column_context)
    monkeypatch.setattr(enc, "_UNCARRIED", NEVER)
    read = repair_column(series, column_context=column_context)
    assert fast.equals(read)
    assert read["repair"].drop_nulls().len() > 0  # the column holds cells the repair changes


def test_a_pattern_taking_repairable_cells_would_be_caught(monkeypatch):
    """The comparison above can fail: a fast path that also took mojibake cells gives other results."""
    series = pl.Series("a", _cells(1))
    read = repair_column(series)
    monkeypatch.setattr(enc, "_UNCARRIED", r"[^\x00-\x7F]")
    assert not repair_column(series).equals(read)

"""Readings shared within one ``resolve_addresses`` call, keyed on the text as the tokeniser sees it.

``_token_text`` writes a text as ``_tokenise`` sees it (gaps between words as ``,``, `` - `` or a space;
nothing before the first word or after the last); ``_read_tail_keys`` and ``_read_whole`` read each such
text once per call (``_reading_memo``), so a comma tail is not read again as a whole address, nor as another
tail differing only in punctuation the tokeniser skips. A text with notes is read once per token set (notes
taken out) unless its reading read the notes as written (``_read_without_notes``). Here: the tokens of every
text equal those of its ``_token_text`` (random texts over the characters that matter), and the output of a
batch equals the output without the memo, with fewer reads.
"""

from __future__ import annotations

import random
from contextlib import nullcontext

import polars as pl
import pytest

import pipelines.resolve as r
from pipelines.reference import default_reference


def _fields(t: r._Tokens) -> tuple:
    return (*r._tokens_key(t), t.source)


def test_token_text_keeps_the_tokens():
    rng = random.Random(7)
    alphabet = ["a", "b", "0", "7", " ", " ", "-", " - ", ",", ";", "|", "(", ")", "[", "]", "\n", "~", "Q", "đ"]
    alphabet += ["\x01", "\x02", "cu", "nay", "moi", "ward", "district", "p", "q"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(30_000)]
    texts += ["a - b", "a  -  b", "a -- b", "a - - b", " - a", "a - ", "a,- b", "a -,b", "ward 5, district 3"]
    canon = r._token_text(pl.Series(texts, dtype=pl.String)).to_list()
    assert sum(a != b for a, b in zip(texts, canon, strict=True)) > 10_000  # it does rewrite texts
    differ = [(a, b) for a, b in zip(texts, canon, strict=True) if _fields(r._tokenise(a)) != _fields(r._tokenise(b))]
    assert differ == []


def test_token_text_forms():
    texts = [",16680", ",,16680", "p 1 ; q 3,,sg,", "a -- b", "a - - b", "x (cu) y", "a\x01b"]
    assert r._token_text(pl.Series(texts)).to_list() == [
        "16680",
        "16680",
        "p 1,q 3,sg",
        "a b",
        "a - b",
        "x (cu) y",  # notes are read from the text: kept
        "a\x01b",  # a placeholder character: kept
    ]


ADDRESSES = [
    "12 Lê Lợi, Phường 28, Quận Bình Thạnh",
    "Phường 28, Quận Bình Thạnh",  # read whole: the text of the first one's tail
    "Phường 28,, Quận Bình Thạnh;",  # ... and as it with other punctuation
    "Phường 6, Quận 10 (nay là Phường Diên Hồng), TP.HCM",
    "Phường 6, Quận 10 (mới Phường Diên Hồng), TP.HCM",
    "5 Hai Bà Trưng,, Phường 28,, Quận Bình Thạnh",  # the same tail, other punctuation
    "7 Pasteur; Phường 28 | Quận Bình Thạnh ;",
    "3 Trần Phú, Phường 6, Quận 10 (nay là Phường Diên Hồng), TP.HCM",
    "4 Trần Phú, Phường 6, Quận 10 (mới Phường Diên Hồng), TP.HCM",  # the same tokens, notes taken out
    "8 Trần Phú, Phường 6, Quận 10 (nay thuộc Phường Diên Hồng), TP.HCM",
    "9 Lý Thái Tổ, Phường 1, Quận 3 (nay là khu abc), TP.HCM",  # a note naming no unit: read as written
    "10 Lý Thái Tổ, Phường 1, Quận 3 (mới khu abc), TP.HCM",
    "Phường Bến Nghé - Quận 1 - TP.HCM",
    "Phường Bến Nghé -  Quận 1  -  TP.HCM",
    "11 Nguyễn Huệ Phường Bến Nghé Quận 1",  # comma-less: cut tails
    "12 Nguyễn Huệ  Phường Bến Nghé  Quận 1",
]


@pytest.mark.parametrize("by_tail", [True, False])
def test_memo_changes_no_output_and_saves_reads(monkeypatch, by_tail):
    reference = default_reference()
    rows = ADDRESSES * 3
    reads: list[str] = []
    read_tokens = r._read_tokens

    def counted(idx, clean, tokens, hint, side):
        reads.append(clean)
        return read_tokens(idx, clean, tokens, hint, side)

    monkeypatch.setattr(r, "_read_tokens", counted)
    monkeypatch.setattr(r, "DISTINCT_SHARE", 0.0)  # nearly distinct: every row read as it stands
    shared = r.resolve_addresses(rows, index=r.build_index(reference), by_tail=by_tail)
    with_memo = len(reads)
    reads.clear()
    monkeypatch.setattr(r, "_reading_memo", nullcontext)
    alone = r.resolve_addresses(rows, index=r.build_index(reference), by_tail=by_tail)
    assert shared.equals(alone)
    assert with_memo < len(reads)
    assert shared["status"].is_in(["exact", "fuzzy"]).sum() >= 30

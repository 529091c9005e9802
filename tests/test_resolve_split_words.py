"""The words a split row's evidence is looked for in: its head's then its cleaned tail's (resolve._read_rows) are
the words of the whole cleaned address, for every text the tail path cuts (a separator, none made by cleaning)."""

import random

import polars as pl

from pipelines import resolve as r

PIECES = [
    "12 Nguyễn Huệ",
    "P. Bến Nghé",
    "Q.1",
    "TP.HCM",
    " - ",
    "-",
    "  ",
    "\t",
    "\n",
    "\x85",
    "\x01",
    "ß",
    "İ",
    "Σ",
    "ΑΣ",
    "\u0301",
    "e\u0302\u0303",
    "Phu\u031bo\u031b\u0300ng",
    "(",
    ")",
    "[",
    "]",
    ",",
    ";",
    "|",
    "~",
    "Đ",
    "x",
    "45/2",
    "Thủ Đức",
    "Ấp 3",
    "ﬁ",
    "Ⅻ",
    "①",
    "１２",
]


def _texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randrange(1, 12))) for _ in range(n)]


def _words_both_ways(texts: list[str], separator: str = " ") -> pl.DataFrame:
    frame = pl.DataFrame({"input": texts}).filter(
        pl.col("input").str.contains(r._RAW_SEPARATOR) & ~pl.col("input").str.contains(r._SEPARATOR_MAKERS)
    )
    tail = r.clean_expr(r._after_first_separator(pl.col("input")))
    head_words = r._words_expr(r.clean_expr(r._before_first_separator(pl.col("input"))))
    return (
        frame.with_columns(_tail=tail)
        .filter(pl.col("_tail").str.contains("[a-z0-9]"))
        .select(
            whole=r._words_expr(r.clean_expr(pl.col("input"))),
            parts=pl.concat_str(
                pl.when(head_words != "").then(head_words),
                r._words_expr(pl.col("_tail")),
                separator=separator,
                ignore_nulls=True,
            ),
        )
    )


def test_head_then_tail_words_are_the_whole_address_words():
    both = _words_both_ways(_texts(20_000, 7))
    assert both.height > 5_000
    assert (both["whole"] == both["parts"]).all(), both.filter(pl.col("whole") != pl.col("parts")).head()


def test_the_comparison_fails_when_the_words_are_joined_wrong():
    both = _words_both_ways(_texts(2_000, 8), separator="")
    assert not (both["whole"] == both["parts"]).all()

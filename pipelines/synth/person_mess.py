"""Recall-loss cases for the person matcher: birth dates and names as clerks get them wrong.

Applied to the *extra registrations* of people (the copies a duplicate registry holds,
never the first record of a person), after the clerk errors of ``registries._noisy_copies``,
so every case is a true pair (copy, original) the matcher has to find. The truth keeps
a label per case in its ``noise`` column (``"; "``-separated), so a benchmark can score
pairs per case:

birth date (any copy)
    ``birth year only``           the register holds only the year ("1965"), the other a full date
    ``birth year off by one``     year ±1
    ``birth date one digit``      one digit of dd/mm/yyyy wrong (still a valid date)
    ``birth date swapped and one digit``  day and month swapped and another digit wrong

name (copies with no personal ID and no CMND, the pairs with the least evidence)
    ``extra middle name``         a second middle name added
    ``dropped middle name``       middle name(s) left out
    ``given name typo``           one letter of the given name wrong, missing or doubled
    ``family name typo``          one letter of the family name wrong, missing or doubled
    ``no diacritics``             written without diacritics

Seeded by the caller (own generator: the other random streams of the generator are not
disturbed). Rates are per copy and deliberately higher than real registers so that each
case has thousands of pairs at 100k people.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

import numpy as np
import polars as pl

from pipelines.synth.names import SECOND_MIDDLE
from pipelines.synth.registry_noise import strip_accents

YEAR_ONLY = "_dob_year_only"  # column read by registries._emit: write the birth date as its year only

# per copy: cumulative bands of one uniform draw
DATE_CASES = (
    ("birth year only", 0.05),
    ("birth year off by one", 0.02),
    ("birth date one digit", 0.02),
    ("birth date swapped and one digit", 0.01),
)
# per copy without any ID
NAME_CASES = (
    ("extra middle name", 0.05),
    ("dropped middle name", 0.05),
    ("given name typo", 0.05),
    ("family name typo", 0.05),
    ("no diacritics", 0.05),
)


def _letter_typo(word: str, rnd: random.Random) -> str:
    """One letter of a word wrong, missing or doubled (never the whole word gone)."""
    if len(word) < 2:
        return word + rnd.choice("hn")
    i = rnd.randrange(len(word))
    op = rnd.randrange(3)
    if op == 0:
        return word[:i] + word[i + 1 :]
    if op == 1:
        return word[:i] + word[i] + word[i:]
    other = rnd.choice([c for c in "aeinothuc" if c != word[i].lower()])
    return word[:i] + (other.upper() if word[i].isupper() else other) + word[i + 1 :]


def name_variant(name: str, case: str, rnd: random.Random) -> str:
    words = name.split()
    if len(words) < 2:
        return name
    if case == "extra middle name":
        extra = rnd.choice([w for w in SECOND_MIDDLE if w not in words] or list(SECOND_MIDDLE))
        words = [*words[:-1], extra, words[-1]]
    elif case == "dropped middle name":
        words = [words[0], words[-1]]
    elif case == "given name typo":
        words[-1] = _letter_typo(words[-1], rnd)
    elif case == "family name typo":
        words[0] = _letter_typo(words[0], rnd)
    elif case == "no diacritics":
        return strip_accents(name)
    return " ".join(words)


def year_off_by_one(d: date, rnd: random.Random) -> date:
    """d a year earlier or later (29 February becomes the 28th)."""
    y = d.year + rnd.choice((-1, 1))
    return d.replace(year=y, day=min(d.day, 28) if d.month == 2 else d.day)


def one_digit_date(d: date, rnd: random.Random, positions: tuple[int, ...] = (0, 1, 2, 3, 6, 7)) -> date | None:
    """d with one digit of ddmmyyyy changed, still a valid date (None when none found)."""
    text = d.strftime("%d%m%Y")
    for _ in range(20):
        i = rnd.choice(positions)
        digit = rnd.choice([c for c in "0123456789" if c != text[i]])
        t = text[:i] + digit + text[i + 1 :]
        try:
            out = date(int(t[4:]), int(t[2:4]), int(t[:2]))
        except ValueError:
            continue
        if 1900 <= out.year <= 2025:
            return out
    return None


def mess_copies(
    frame: pl.DataFrame, truth: pl.DataFrame, seed: int | list[int], counts: Counter | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Apply the cases to the copies (``truth['is_duplicate']``) of a population chunk.

    ``frame`` has full_name, date_of_birth (Date), personal_id, old_id_number and ``_swap``;
    ``truth`` has is_duplicate and noise. Returns both with the cases applied and labelled, and
    ``frame`` with a ``_dob_year_only`` column. ``counts`` (if given) is updated per label."""
    rng = np.random.default_rng(seed)
    rnd = random.Random(int(rng.integers(0, 2**31)))
    n = frame.height
    copy = truth["is_duplicate"].to_numpy()
    no_id = (frame["personal_id"].is_null() & frame["old_id_number"].is_null()).to_numpy()
    date_draw, name_draw = rng.random(n), rng.random(n)

    def band(draw: np.ndarray, cases: tuple[tuple[str, float], ...]) -> np.ndarray:
        edges = np.cumsum([p for _, p in cases])
        picked = np.searchsorted(edges, draw, side="right")  # len(cases): none
        return picked

    date_case = np.where(copy, band(date_draw, DATE_CASES), len(DATE_CASES))
    name_case = np.where(copy & no_id, band(name_draw, NAME_CASES), len(NAME_CASES))

    dob = frame["date_of_birth"].to_list()
    names = frame["full_name"].to_list()
    swap = frame["_swap"].to_list()
    notes = truth["noise"].to_list()
    year_only = np.zeros(n, dtype=bool)
    for i in np.nonzero(date_case < len(DATE_CASES))[0].tolist():
        label = DATE_CASES[date_case[i]][0]
        d = dob[i]
        if d is None:
            continue
        if label == "birth year only":
            year_only[i] = True
            swap[i] = False
        elif label == "birth year off by one":
            dob[i] = year_off_by_one(d, rnd)
        else:
            changed = one_digit_date(d, rnd)
            if changed is None:
                continue
            dob[i] = changed
            if label == "birth date swapped and one digit":
                swap[i] = True
        notes[i] = "; ".join(filter(None, [notes[i], label]))
        if counts is not None:
            counts[label] += 1
    for i in np.nonzero(name_case < len(NAME_CASES))[0].tolist():
        label = NAME_CASES[name_case[i]][0]
        if names[i] is None:
            continue
        changed = name_variant(names[i], label, rnd)
        if changed == names[i]:
            continue
        names[i] = changed
        notes[i] = "; ".join(filter(None, [notes[i], f"{label} (no id)"]))
        if counts is not None:
            counts[f"{label} (no id)"] += 1
    frame = frame.with_columns(
        pl.Series("full_name", names, dtype=pl.String),
        pl.Series("date_of_birth", dob, dtype=pl.Date),
        pl.Series("_swap", swap, dtype=pl.Boolean),
        pl.Series(YEAR_ONLY, year_only),
    )
    return frame, truth.with_columns(pl.Series("noise", notes, dtype=pl.String))


def year_only_text(values: pl.Series, written: pl.Series, year_only: pl.Series) -> pl.Series:
    """The written birth dates, with the year alone where ``year_only`` holds."""
    return written.zip_with(~year_only.fill_null(False), values.cast(pl.Date).dt.year().cast(pl.String))

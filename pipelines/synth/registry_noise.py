"""Clerk errors on the duplicates of households, businesses and taxpayers, and the generator's accent fold.

People get their clerk errors in ``registries._noisy_copies`` and ``person_mess``. The other
registries' duplicates would otherwise be exact copies of book number, head ID and tax code, and a
matcher would score 1.0 on them without trying. ``put_noise`` gives each chosen record one error
category of ``NOISE[registry]`` (a third of them a second) among those that can change its value, and
returns the categories that did per record for the truth's ``noise`` column ("; "-separated, "" when
untouched), so a benchmark can score true pairs per category (``benchmarks/entity_accuracy.py``).

Which records: households and businesses, every extra registration (truth ``is_duplicate``);
taxpayers, ``TAX_NOISE_RATE`` of the rows of a taxpayer with several rows (one row per period).
A digit error in a tax code never touches the branch suffix (``-001``): a wrong suffix is another
branch's code, which nothing in the record could tell apart.

Seeded by the caller with its own ``random.Random``: the generator's other random streams are not
disturbed, so adding noise changes no other value.
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from datetime import date, timedelta

import numpy as np
import polars as pl

# registry -> category -> (column of the generator's frame, error kind of _error)
NOISE: dict[str, dict[str, tuple[str, str]]] = {
    "households": {
        "book_no_typo": ("household_no", "digit"),
        "head_name_typo": ("head_name", "typo"),
        "head_name_unaccented": ("head_name", "unaccent"),
        "head_id_missing": ("head_personal_id", "null"),
        "head_id_typo": ("head_personal_id", "digit"),
        "registered_on_typo": ("registered_on", "date"),
        "members_off": ("members", "plus_one"),
    },
    "businesses": {
        "tax_code_typo": ("tax_code", "digit"),
        "tax_code_missing": ("tax_code", "null"),
        "registration_no_typo": ("registration_no", "digit"),
        "name_typo": ("business_name", "typo"),
        "owner_id_missing": ("owner_personal_id", "null"),
        "owner_name_unaccented": ("owner_name", "unaccent"),
    },
    "tax": {
        "code_typo": ("taxpayer_code", "digit"),
        "name_typo": ("taxpayer_name", "typo"),
        "name_unaccented": ("taxpayer_name", "unaccent"),
        "address_missing": ("address", "null"),
    },
}
SECOND_CATEGORY = 1 / 3  # share of chosen records with two error categories
TAX_NOISE_RATE = 0.1  # share of the rows of a taxpayer with several rows
DATE_SHIFTS = (-365, 365, -1, 1, 10, -10)  # days a wrong registration date is off (when not day/month swapped)


def strip_accents(text: str) -> str:
    """Vietnamese text without diacritics, case kept ("Đỗ Thị Ánh" -> "Do Thi Anh")."""
    folded = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return folded.replace("đ", "d").replace("Đ", "D")


def _error(value, error: str, rnd: random.Random, latest: date | None = None):  # noqa: ANN001, ANN202 - any cell
    """``value`` with one clerk error of kind ``error`` (None stays None)."""
    if value is None or error == "null":
        return None
    if error == "digit":  # one digit wrong, never in a branch suffix
        stem = value.split("-")[0]
        digits = [i for i, c in enumerate(stem) if c.isdigit()]
        if not digits:
            return value
        i = rnd.choice(digits)
        return value[:i] + rnd.choice([d for d in "0123456789" if d != value[i]]) + value[i + 1 :]
    if error == "typo":  # a letter dropped, swapped with the next or replaced (never the first); always a change
        letters = [i for i, c in enumerate(value) if c.isalpha()]
        if not letters:
            return value
        i = rnd.choice(letters[1:] or letters)
        how = rnd.randrange(3)
        if how == 0:
            return value[:i] + value[i + 1 :]
        if how == 1 and i + 1 < len(value) and value[i + 1] != value[i]:  # swapping two equal letters is none
            return value[:i] + value[i + 1] + value[i] + value[i + 2 :]
        return value[:i] + rnd.choice([c for c in "aeiouynhtmgc" if c != value[i]]) + value[i + 1 :]
    if error == "unaccent":
        return strip_accents(value)
    if error == "date":  # day and month swapped, or a year, a day or ten days off (none after ``latest``)
        if rnd.random() < 0.5 and value.day <= 12 and value.day != value.month:
            swapped = date(value.year, value.day, value.month)
            if latest is None or swapped <= latest:
                return swapped
        shift = rnd.choice(DATE_SHIFTS)
        out = value + timedelta(days=shift)
        return value - timedelta(days=abs(shift)) if latest is not None and out > latest else out
    if error == "plus_one":
        return value + rnd.choice([-1, 1]) if value > 1 else value + 1
    raise ValueError(f"unknown clerk error kind {error!r}")


def _can_change(value, error: str) -> bool:  # noqa: ANN001 - any cell
    """Whether an error of kind ``error`` can change ``value`` (an ID already missing cannot go missing or get a
    typo; a name without accents cannot lose them)."""
    if value is None:
        return False
    if error == "digit":
        return any(c.isdigit() for c in value.split("-")[0])
    if error == "typo":
        return any(c.isalpha() for c in value)
    if error == "unaccent":
        return strip_accents(value) != value
    return True


def put_noise(
    registry: str,
    frame: pl.DataFrame,
    chosen: np.ndarray,
    rnd: random.Random,
    counts: Counter | None = None,
    latest: date | None = None,
) -> tuple[pl.DataFrame, pl.Series]:
    """``frame`` (a registry's rows as the generator writes them) with NOISE[registry] errors on the rows
    where ``chosen``, and the ``noise`` labels per row. ``counts`` gets "<registry>: <category>" per error."""
    table = NOISE[registry]
    categories = list(table)
    labels = [""] * frame.height
    rows = np.nonzero(chosen)[0]
    if not len(rows):
        return frame, pl.Series("noise", labels, dtype=pl.String)
    columns = sorted({column for column, _ in table.values()})
    values = {c: frame[c].gather(rows).to_list() for c in columns}
    for k, row in enumerate(rows.tolist()):
        # only categories that can change the row's value (no ID category for a missing ID)
        possible = [c for c in categories if _can_change(values[table[c][0]][k], table[c][1])]
        picked = sorted(rnd.sample(possible, min(2 if rnd.random() < SECOND_CATEGORY else 1, len(possible))))
        made = []
        for category in picked:
            column, error = table[category]
            before = values[column][k]
            values[column][k] = _error(before, error, rnd, latest)
            if values[column][k] != before:  # labelled only when made (a typo after the ID went missing is not)
                made.append(category)
                if counts is not None:
                    counts[f"{registry}: {category}"] += 1
        labels[row] = "; ".join(made)
    index = pl.Series(rows, dtype=pl.UInt32)
    frame = frame.with_columns(
        frame[c].scatter(index, pl.Series(c, v, dtype=frame.schema[c])) for c, v in values.items()
    )
    return frame, pl.Series("noise", labels, dtype=pl.String)


def several_rows(group: np.ndarray, rate: float, rnd: random.Random) -> np.ndarray:
    """Rows of a group (a taxpayer) with more than one row, each chosen with probability ``rate``."""
    _, inverse, sizes = np.unique(group, return_inverse=True, return_counts=True)
    draws = np.random.default_rng(rnd.getrandbits(64)).random(len(group))
    return (sizes[inverse] > 1) & (draws < rate)

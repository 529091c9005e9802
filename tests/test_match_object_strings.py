"""The string scorers read each code's value as a Python string from a numpy array made once per column
(``ValueCodes.strings``, ``word_matrix``'s words): Polars' own numpy array of the text (``compare._object_strings``),
not a list copied into one; the same strings."""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.match.compare import ValueCodes, _object_strings


def test_object_strings_are_the_values_in_order():
    values = pl.Series("v", ["nguyen van an", None, "", "ba ria vung tau", "a" * 200])
    out = _object_strings(values)
    assert out.dtype == object and out.tolist() == values.to_list()
    assert _object_strings(pl.Series("v", [], dtype=pl.String)).shape == (0,)


def test_another_numpy_form_of_text_falls_back_to_the_list(monkeypatch):
    values = pl.Series("v", ["x", None, "yz"])
    monkeypatch.setattr(pl.Series, "to_numpy", lambda self, *a, **k: np.array(self.to_list(), dtype=np.str_))
    out = _object_strings(values)
    assert out.dtype == object and out.tolist() == ["x", None, "yz"]


def test_value_codes_strings_and_words_are_each_codes_value():
    work = pl.DataFrame({"name": ["le van an", "tran thi binh", None, "le van an", "nguyen  an"]})
    codes = ValueCodes(work)
    strings = codes.strings("name")
    assert strings.dtype == object and strings.tolist() == codes.values("name").to_list()
    matrix, words = codes.word_matrix("name")
    assert words.dtype == object
    split = [[words[w - 1] for w in row if w] for row in matrix]
    assert [" ".join(ws) for ws in split] == codes.values("name").to_list()

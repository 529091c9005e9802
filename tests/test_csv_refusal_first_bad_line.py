"""A CSV with several broken rows is refused naming the first one, with its own cause; the refusals' grammar.

HV18's walk through the README: a file whose line 12 has 4 fields where the header has 2, line 13 a quote closing a
field followed by more text (`12,"x"y`) and lines 15-16 a quote left open on line 15 was refused with
'line 13: a quoted field opened in the row starting on this line is not closed (or a quote inside it is not doubled
as "")': a later line, and a cause that is not line 13's (its quote is closed; text follows it). --quarantine set
the three records aside with reasons 'line 12 has 4 fields ...', 'line 13 has a quoted field followed by more
text ...' and 'lines 15-16 has a quoted field ...'; the offers read 'such rows set aside, the rest read' and
'(or give --quarantine FILE: them set aside, the rest read)'.
"""

from __future__ import annotations

import re

import polars as pl

from tests.test_cli_legacy_lines import ADDRESSES, _csv, _resolve

ROWS = "".join(f'{n},"P.12, Q. Gò Vấp, TPHCM"\n' for n in range(1, 11))
HV18 = (
    "id,address\n" + ROWS + '11,"a","b",extra\n' + '12,"x"y\n' + '13,"Phường Bến Nghé, Quận 1"\n'
    '14,"never closed\n' + '15,"more"\n'
).encode()  # lines 12 (4 fields), 13 (text after a closing quote), 15-16 (a quote left open on line 15)


def _said(result) -> str:  # noqa: ANN001
    return " ".join(result.output.split())


def test_the_refusal_names_the_first_bad_line_and_its_cause(tmp_path):
    result, out = _resolve(tmp_path, "bad", HV18)
    said = _said(result)
    assert result.exit_code == 1 and not out.exists(), said
    assert "bad.csv: line 12: the row starting on this line has 4 fields where the header has 2" in said, said
    assert "line 13" not in said and "is not closed" not in said, said


def test_a_quote_followed_by_more_text_is_said_so_not_a_quote_never_closed(tmp_path):
    data = ("id,address\n" + ROWS.replace('3,"P.12', '3,"P."12', 1)).encode()  # line 4: 3,"P."12, Q. Gò Vấp, TPHCM"
    result, _ = _resolve(tmp_path, "after", data)
    said = _said(result)
    assert result.exit_code == 1, said
    assert "after.csv: line 4: the row starting on this line has a quoted field followed by more text" in said, said
    assert "is not closed" not in said, said


def test_a_quote_left_open_over_a_line_end_is_said_so(tmp_path):
    data = ("id,address\n" + ROWS + '11,"never closed\n12,"more"\n').encode()  # lines 12-13: one record
    result, _ = _resolve(tmp_path, "open", data)
    said = _said(result)
    assert result.exit_code == 1, said
    opened = "open.csv: line 12: a quoted field opened in the row starting on this line is not closed on that line"
    assert f"{opened}: it runs on to line 13, where more text follows the quote closing it" in said, said


def test_the_quarantine_reasons_agree_with_their_lines(tmp_path):
    quarantine = tmp_path / "q.csv"
    result, out = _resolve(tmp_path, "bad", HV18, "--quarantine", str(quarantine))
    assert result.exit_code == 0, result.output
    rows = pl.read_csv(quarantine, infer_schema=False)
    reasons = dict(zip(rows["source_key"], rows["reason"], strict=True))
    assert list(reasons) == ["line:12", "line:13", "line:15-16"], reasons
    assert reasons["line:12"] == "line 12 has 4 fields where the header has 2 (delimiter ',')"
    assert reasons["line:13"].startswith("line 13 has a quoted field followed by more text"), reasons
    assert not any(re.match(r"lines \d+-\d+ has", r) for r in reasons.values()), reasons  # 'lines ... has'
    assert reasons["line:15-16"].startswith("lines 15-16 (one record over 2 lines the reader cannot split"), reasons
    assert pl.read_csv(out, infer_schema=False)["id"].to_list() == [str(n) for n in (*range(1, 11), 13)]


def test_the_offers_of_quarantine_are_sentences(tmp_path):
    result, _ = _resolve(tmp_path, "bad", HV18)
    said = _said(result)
    assert "such rows set aside" not in said, said
    assert "or give --quarantine FILE, which sets such rows aside and reads the rest" in said, said
    data = bytearray(_csv(("id", "address"), ADDRESSES, {}))
    for word in ("Điện", "Nguyễn"):  # two lines (7 and 5) with a byte of a UTF-8 letter lost
        data[data.index(word.encode()) + 1] = 0xFF
    result, _ = _resolve(tmp_path, "damaged", bytes(data))
    said = _said(result)
    assert result.exit_code == 1 and "not valid UTF-8" in said, said
    assert "them set aside" not in said, said
    assert "(or give --quarantine FILE, which sets them aside and reads the rest)" in said, said

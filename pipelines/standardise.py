"""Vectorised standardisation of registry fields for the staging step.

Every function takes a Polars Series (String, nullable, any length) and returns a
DataFrame (or Series) of the same height and order. None of them raises on a bad
*value*: a value that cannot be standardised gives null plus a reason in the
function's error column, and soft evidence goes to a flags column. A null or blank
input gives null outputs and no error (missing is not an error).

How the work is done: string-heavy parsing runs once per DISTINCT value (``unique``
-> compute -> left join back, order kept), everything is Polars expressions; there is
no per-row Python loop. Registry columns repeat a lot (birth dates, names, sex), so
the distinct pass is usually much smaller than the column.

Functions (design.md §3 "Identifiers", "Text", "Dates"):

* :func:`parse_dates` / :func:`column_day_first` — dd/mm/yyyy, d/m/yy, yyyy-mm-dd,
  yyyymmdd, Excel serials, year only, mm/yyyy, "ngày 5 tháng 3 năm 1990", "năm 1996", "Năm sinh: 1996".
* :func:`written_form` — an ID, tax code or phone as Excel and clerks write it ("'079...", 'CCCD: 079...',
  fullwidth digits) read as its digits; check_personal_id, route_id_kinds, check_tax_code and normalise_phone use it.
* :func:`check_personal_id` — CCCD (12) / CMND (9) normalisation and soft structure
  checks (province-of-birth code, century/sex digit, birth year digits), placeholders
  (:func:`id_placeholder`) kept out, a leading zero a number cell dropped put back;
  :func:`route_id_kinds` sends each ID of a mixed CMND/CCCD column to its kind's column;
  :func:`id_form_digits` the values matching's ``mixed`` comparison compares.
* :func:`check_tax_code` — MST (10 digits, check digit), branch (13, NNNNNNNNNN-NNN),
  12-digit personal ID used as tax code from 1 July 2025 (Circular 86/2024/TT-BTC).
* :func:`normalise_phone` — national form 0XXXXXXXXX; +84/84 prefixes; the 2018
  conversion of 11-digit mobile numbers to 10 digits.
* :func:`clean_person_name` / :func:`name_key` — NFC, Title Case, flags.
* :func:`normalise_sex` — 'M' / 'F' / null.
* :func:`parse_amounts` / :func:`amount_notation` — money amounts in Vietnamese
  (1.234.567 / 1.234,50) and English (1,234,567 / 1,234.50) notation.
* :func:`error_summary` — counts of reasons in a result, for load reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import lru_cache

import polars as pl

from pipelines.text import fold_expr, strip_accents_expr

__all__ = [
    "DATE_MIN_YEAR",
    "DATE_MAX_YEAR",
    "EXCEL_SERIAL_MAX",
    "MOBILE_PREFIX_2018",
    "MOBILE_PREFIXES",
    "MST_WEIGHTS",
    "parse_dates",
    "empty_date",
    "column_day_first",
    "two_digit_year_pivot",
    "province_codes",
    "check_personal_id",
    "route_id_kinds",
    "id_digits",
    "id_placeholder",
    "id_form_digits",
    "CMND_PREFIX_MAX",
    "ID_PLACEHOLDER_RUN",
    "FORM_FLAG",
    "written_form",
    "check_tax_code",
    "normalise_phone",
    "clean_person_name",
    "name_key",
    "normalise_sex",
    "parse_amounts",
    "amount_notation",
    "error_category",
    "error_summary",
]

DISTINCT_KEY = "__value"


def _as_string(values: pl.Series) -> pl.Series:
    """The input as a String series named ``DISTINCT_KEY`` (numbers from spreadsheets become text)."""
    if values.dtype == pl.String:
        return values.rename(DISTINCT_KEY)
    if values.dtype == pl.Null:
        return pl.repeat(None, len(values), dtype=pl.String, eager=True).rename(DISTINCT_KEY)
    return values.cast(pl.String, strict=False).rename(DISTINCT_KEY)


def via_distinct(values: pl.Series, compute: Callable[[pl.DataFrame], pl.DataFrame]) -> pl.DataFrame:
    """Run ``compute`` on the distinct values and join the result back in the input's order.

    ``compute`` receives a frame with one String column ``DISTINCT_KEY`` and returns that column
    plus the result columns.
    """
    s = _as_string(values)
    distinct = s.unique().to_frame()
    result = compute(distinct)
    out = s.to_frame().join(result, on=DISTINCT_KEY, how="left", nulls_equal=True, maintain_order="left")
    return out.drop(DISTINCT_KEY)


def _blank(e: pl.Expr) -> pl.Expr:
    return e.is_null() | (e.str.strip_chars() == "")


def _flag_mask(*pairs: tuple[pl.Expr, str]) -> pl.Expr:
    """Bit i set where condition i is true (null = false); turned into names by :func:`_flag_lists`.

    (A ``concat_list`` of literals is ~30x slower on millions of rows than this mask plus
    a gather from the table of all 2^k flag lists.)
    """
    return pl.sum_horizontal(
        [
            pl.when(cond.fill_null(False)).then(pl.lit(1 << i, pl.UInt32)).otherwise(pl.lit(0, pl.UInt32))
            for i, (cond, _) in enumerate(pairs)
        ]
    ).cast(pl.UInt32)


def _flag_lists(mask: pl.Series, names: Sequence[str], name: str) -> pl.Series:
    """list[str] of the flag names whose bit is set; null where the mask is null."""
    table = pl.Series(
        name, [[n for i, n in enumerate(names) if m >> i & 1] for m in range(1 << len(names))], dtype=pl.List(pl.String)
    )
    return table.gather(mask).rename(name)


# =========================================================================== dates

DATE_MIN_YEAR = 1800  # a parsed year outside [DATE_MIN_YEAR, DATE_MAX_YEAR] is an error
DATE_MAX_YEAR = 2199
YEAR_ONLY_RANGE = (1800, 2100)  # a bare 4-digit integer in this range is a year, otherwise an Excel serial
EXCEL_SERIAL_MAX = 80_000  # 2119-01-11; serials are only read from plain 4-5 digit integers (>= 1000)
_EXCEL_EPOCH_OFFSET = 25_569  # serial of 1970-01-01 (Excel counts days from 1899-12-30)

# a time after the date, ignored: '13:45', '13:45:10.123', '1:45 PM', '1:45 CH' (the Vietnamese locale's marks, SA
# sáng = a.m., CH chiều = p.m.: Windows' and .NET's '25/03/1990 12:00:00 SA'), with a time zone as PostgreSQL writes a
# timestamptz cast to text ('2017-04-20 00:00:00+07', '+05:30', 'Z', ' UTC')
_TIME_SUFFIX = (
    r"[ T]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?i:[ap]\.?m\.?|s\.?a\.?|c\.?h\.?)?"
    r"(?:\s*(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?))?$"
)
_VN_TEXT = r"^(?:ngay\s*)?(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{2,4})$"
# Vietnamese words around a date on forms (accents folded, lower case): a field label before it ('Ngày sinh:',
# 'Năm sinh:', 'NS:', 'Sinh năm'), and the words of a year or month alone: 'năm 1996', '1996 (năm)', 'tháng 3 năm
# 1990', 'tháng 03/1990', 'ngày 05/03/1990'. Each is read as the bare form it names (year_only, month_year, dmy).
_VN_LABEL = r"^(?:(?:ngay|thang|nam)\s*sinh|ns|sinh(?:\s*(?:ngay|thang|nam))?)\s*[:.\-]?\s*"
_VN_YEAR = r"^nam\s*[:.]?\s*(\d{4})$|^(\d{4})\s*\(\s*nam\s*\)$"
_VN_MONTH = r"^thang\s*[:.]?\s*(\d{1,2})\s*(?:nam|[/.\-])\s*(\d{4})$"
_VN_DAY = r"^ngay\s*[:.]?\s*(\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4})$"
# English month names as spreadsheets write dates ('Jan 22 1997', 'January 22, 1997', '22-Jan-97', '22 January 1997',
# lower-cased): the name says which part is the month, so the order is never in doubt (form ``month_name``). A day
# and year need a separator between them ('Jan 1997' is no 'Jan 19 97').
_EN_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_EN_DMY = rf"^(\d{{1,2}})(?:st|nd|rd|th)?[\s/.,\-]*{_EN_MONTH}[\s/.,\-]*(\d{{4}}|\d{{2}})$"
_EN_MDY = rf"^{_EN_MONTH}[\s/.,\-]*(\d{{1,2}})(?:st|nd|rd|th)?[\s/.,\-]+(\d{{4}}|\d{{2}})$"
# a month name and a year, no day ('Jan 1997', 'January 1997', 'Jan-97'): a month, as 03/1997 is (form month_year);
# two digits are a year only when no day has them ('Jan-97'; 'Dec 28' may be the 28th: not read)
_EN_MY = rf"^{_EN_MONTH}[\s/.,\-]*(\d{{4}}|3[2-9]|[4-9]\d)$"
_EN_MONTHS = {
    m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
}


def two_digit_year_pivot(reference_year: int | None = None) -> int:
    """Largest two-digit year read as 20yy: ``yy <= pivot`` -> 20yy, ``yy > pivot`` -> 19yy.

    The pivot is the current two-digit year + 1 (in 2026: 27, so '27' -> 2027, '28' -> 1928).
    """
    year = reference_year if reference_year is not None else date.today().year
    return year % 100 + 1


def _days_in_month(y: pl.Expr, m: pl.Expr) -> pl.Expr:
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    return (
        pl.when(m == 2).then(pl.when(leap).then(29).otherwise(28)).when(m.is_in([4, 6, 9, 11])).then(30).otherwise(31)
    )


def _day_month_ok(y: pl.Expr, m: pl.Expr, d: pl.Expr) -> pl.Expr:
    return m.is_between(1, 12) & (d >= 1) & (d <= _days_in_month(y, m))


def _english_month_date(folded: pl.Expr, pivot: int) -> pl.Expr:
    """'yyyy-mm-dd' for a date written with an English month name (_EN_DMY, _EN_MDY; lower case), else null. A
    two-digit year is read as in d/m/yy (``pivot``)."""
    dmy, mdy = folded.str.extract_groups(_EN_DMY), folded.str.extract_groups(_EN_MDY)
    day = pl.coalesce(dmy.struct.field("1"), mdy.struct.field("2"))
    month = pl.coalesce(dmy.struct.field("2"), mdy.struct.field("1")).str.slice(0, 3)
    year = pl.coalesce(dmy.struct.field("3"), mdy.struct.field("3"))
    return pl.concat_str(_full_year(year, pivot), _month_number(month), day.str.zfill(2), separator="-")


def _full_year(year: pl.Expr, pivot: int) -> pl.Expr:
    """A year of four digits as it is, of two as in d/m/yy (``pivot``), as text."""
    yy = year.cast(pl.Int32, strict=False)
    full = pl.when(year.str.len_chars() == 4).then(yy).when(yy > pivot).then(1900 + yy).otherwise(2000 + yy)
    return full.cast(pl.String)


def _month_number(name: pl.Expr) -> pl.Expr:
    """'01'..'12' for an English month name's first three letters (lower case), else null."""
    return name.replace_strict(_EN_MONTHS, default=None, return_dtype=pl.Int32).cast(pl.String).str.zfill(2)


def _english_month_year(folded: pl.Expr, pivot: int) -> pl.Expr:
    """'mm/yyyy' for a month written with an English month name and a year but no day (_EN_MY; lower case), else
    null: read as the month_year form ('03/1997'). A two-digit year (32-99: 'Dec 28' may be a day) is read as in
    d/m/yy (``pivot``)."""
    found = folded.str.extract_groups(_EN_MY)
    month = _month_number(found.struct.field("1").str.slice(0, 3))
    return pl.concat_str(month, _full_year(found.struct.field("2"), pivot), separator="/")


def _date_parts(frame: pl.DataFrame, reference_year: int | None) -> pl.DataFrame:
    """Shape of each value of ``frame[DISTINCT_KEY]``, before any day/month reading.

    Adds columns (staged, so every expression stays small): ``_text`` (trimmed value),
    ``_canon`` (separators unified to '/'), ``_form`` (iso, dmy, dmy_short, dmy_text,
    month_year, compact, year_only, excel_serial or null), ``_a``/``_b`` (first and
    second of a day/month pair; iso: day, month; month_year: 1, month), ``_y`` (full
    year) and ``_num`` (the value as an integer, for bare numbers).
    """
    return _with_date_form(_with_canonical_date_text(frame, reference_year), reference_year)


def _with_canonical_date_text(frame: pl.DataFrame, reference_year: int | None) -> pl.DataFrame:
    """``_text`` (the value trimmed, a spreadsheet serial's fraction dropped), ``_folded`` (accents folded, lower case,
    a field label dropped; null for figures and separators only), ``_vn`` (a date in Vietnamese words), ``_named``
    (an English month name), ``_is_text`` and ``_canon`` (the date in words or figures, separators made '/')."""
    s = pl.col(DISTINCT_KEY).str.strip_chars().str.replace_all(r"\s+", " ").str.replace(_TIME_SUFFIX, "")
    frame = frame.with_columns(_text=s)
    t = pl.col("_text")
    # Folded once, and only where the text is more than figures and separators: for those the fold is the
    # text itself and no word form can match, so null there reads the same and spares the regexes below.
    plain = t.str.contains(r"^(?:[0-9/.\-:](?:[0-9\s/.\-:]*[0-9/.\-:])?)?$")
    frame = frame.with_columns(
        _folded=pl.when(plain)
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(strip_accents_expr(t).str.to_lowercase().str.strip_chars().str.replace(_VN_LABEL, ""))
    )
    folded = pl.col("_folded")
    year, month = folded.str.extract_groups(_VN_YEAR), folded.str.extract_groups(_VN_MONTH)
    worded = pl.coalesce(  # a year, month or day in words: the bare form it names
        year.struct.field("1"),
        year.struct.field("2"),
        pl.concat_str(month.struct.field("1"), month.struct.field("2"), separator="/"),
        folded.str.extract(_VN_DAY, 1),
    )
    labelled = folded.str.contains(r"^\d[\d\s/.\-]*$")  # a label before a date in figures ('Năm sinh: 1996')
    named = _english_month_date(folded, two_digit_year_pivot(reference_year))  # 'Jan 22 1997' -> '1997-01-22'
    named_month = _english_month_year(folded, two_digit_year_pivot(reference_year))  # 'Jan 1997' -> '01/1997'
    # (read on _text as it is when evaluated: _canon below reads it on _text with a serial's fraction dropped)
    t = (
        pl.when(named.is_not_null())
        .then(named)
        .when(named_month.is_not_null())
        .then(named_month)
        .when(worded.is_not_null())
        .then(worded)
        .when(labelled & (folded != t))
        .then(folded)
        .otherwise(t)
    )
    frame = frame.with_columns(  # '36526.0' from spreadsheets; Vietnamese words with accents folded
        # a serial's fraction is its time, ignored ('43831.5': noon; '43831,0': a decimal comma); four digits only
        # with zeros after them ('1990.05' may be a year and month)
        _text=pl.when(t.str.contains(r"^(?:\d{4,5}[.,]0+|\d{5}[.,]\d+)$"))
        .then(t.str.replace(r"[.,]\d+$", ""))
        .when(named.is_not_null() | named_month.is_not_null())
        .then(pl.col("_text"))  # errors quote the value as written ('Feb 30 1997'), not its ISO reading
        .otherwise(t),
        _vn=folded.str.extract_groups(_VN_TEXT),
        _named=named.is_not_null(),
    )
    vn = pl.col("_vn")
    frame = frame.with_columns(_is_text=vn.struct.field("1").is_not_null())
    return frame.with_columns(
        _canon=pl.when("_is_text")
        .then(pl.concat_str(vn.struct.field("1"), vn.struct.field("2"), vn.struct.field("3"), separator="/"))
        .otherwise(t.str.replace_all(r"\s*[-/.]\s*|\s+", "/"))
    )


def _with_date_form(frame: pl.DataFrame, reference_year: int | None) -> pl.DataFrame:
    """From ``_canon``: its parts (``_p1``..``_p3`` of d/m/y, ``_q1``/``_q2`` of m/yyyy), ``_num``, ``_form``, and the
    day/month pair ``_a``/``_b`` and full year ``_y`` the form gives (a two-digit year read with the pivot)."""
    c = pl.col("_canon")
    frame = frame.with_columns(
        _g3=c.str.extract_groups(r"^(\d{1,4})/(\d{1,2})/(\d{1,4})$"),
        _g2=c.str.extract_groups(r"^(\d{1,2})/(\d{4})$"),
        _single=c.str.contains(r"^\d+$"),
        _ns=c.str.len_chars(),
        _num=c.cast(pl.Int64, strict=False),
    )
    g3, g2 = pl.col("_g3"), pl.col("_g2")
    frame = frame.with_columns(
        _p1=g3.struct.field("1"),
        _p2=g3.struct.field("2"),
        _p3=g3.struct.field("3"),
        _q1=g2.struct.field("1").cast(pl.Int32, strict=False),
        _q2=g2.struct.field("2").cast(pl.Int32, strict=False),
    ).with_columns(_n1=pl.col("_p1").str.len_chars(), _n3=pl.col("_p3").str.len_chars())
    p1, n1, n3, ns, single, num, is_text = (
        pl.col(k) for k in ("_p1", "_n1", "_n3", "_ns", "_single", "_num", "_is_text")
    )
    frame = frame.with_columns(
        _form=pl.when(p1.is_not_null() & (n1 == 4) & (n3 <= 2))
        .then(pl.when(pl.col("_named")).then(pl.lit("month_name")).otherwise(pl.lit("iso")))
        .when(p1.is_not_null() & (n1 <= 2) & (n3 == 4))
        .then(pl.when(is_text).then(pl.lit("dmy_text")).otherwise(pl.lit("dmy")))
        .when(p1.is_not_null() & (n1 <= 2) & (n3 == 2))
        .then(pl.when(is_text).then(pl.lit("dmy_text")).otherwise(pl.lit("dmy_short")))
        .when(pl.col("_q1").is_not_null())
        .then(pl.lit("month_year"))
        .when(single & (ns == 8))
        .then(pl.lit("compact"))
        .when(single & (ns == 4) & num.is_between(*YEAR_ONLY_RANGE))
        .then(pl.lit("year_only"))
        .when(single & ns.is_between(4, 5) & ~c.str.starts_with("0"))
        .then(pl.lit("excel_serial")),
        _i1=p1.cast(pl.Int32, strict=False),
        _i2=pl.col("_p2").cast(pl.Int32, strict=False),
        _i3=pl.col("_p3").cast(pl.Int32, strict=False),
    )
    form, i1, i2, i3 = pl.col("_form"), pl.col("_i1"), pl.col("_i2"), pl.col("_i3")
    pivot = two_digit_year_pivot(reference_year)
    return frame.with_columns(
        _y=pl.when(form.is_in(["iso", "month_name"]))
        .then(i1)
        .when(form.is_in(["dmy", "dmy_text"]) & (n3 == 4))
        .then(i3)
        .when(form.is_in(["dmy_short", "dmy_text"]))
        .then(pl.when(i3 > pivot).then(1900 + i3).otherwise(2000 + i3))
        .when(form == "month_year")
        .then(pl.col("_q2"))
        .when(form == "year_only")
        .then(num.cast(pl.Int32)),
        _a=pl.when(form.is_in(["iso", "month_name"]))
        .then(i3)
        .when(form == "month_year")
        .then(pl.lit(1, pl.Int32))
        .otherwise(i1),
        _b=pl.when(form == "month_year").then(pl.col("_q1")).otherwise(i2),
    )


# An empty date as its writer puts it, all zeros: dBase writes '00000000' in a date field left empty (and CSV exports of
# its tables keep it), MySQL '0000-00-00' (optionally with a zero time). Read as no date (a missing value), not as a
# date whose year is out of range.
EMPTY_DATE = r"^(?:0{8}|0{4}[-/.]0{2}[-/.]0{2}|0{2}[-/.]0{2}[-/.]0{4})(?:[ T]0{2}:0{2}(?::0{2})?)?$"


def empty_date(text: pl.Expr) -> pl.Expr:
    """True where the text is a writer's empty date (:data:`EMPTY_DATE`), spaces around it allowed; null stays null."""
    return text.str.strip_chars().str.contains(EMPTY_DATE)


def parse_dates(values: pl.Series, *, day_first: bool = True, reference_year: int | None = None) -> pl.DataFrame:
    """Parse the date forms of old registries into ``pl.Date``.

    Columns:

    * ``date`` (Date): null when missing or when the value cannot be a date.
    * ``date_format``: which form matched — ``dmy`` (d/m/yyyy), ``dmy_short`` (d/m/yy),
      ``dmy_text`` ("ngày 5 tháng 3 năm 1990"), ``iso`` (yyyy-mm-dd), ``month_name`` ("Jan 22 1997"), ``ymd_compact``
      (yyyymmdd), ``dmy_compact`` (ddmmyyyy, when yyyymmdd is impossible),
      ``month_year`` (mm/yyyy -> first of the month), ``year_only`` ("1965" -> 1965-01-01),
      ``excel_serial``. With ``day_first=False`` the day/month forms are named ``mdy``,
      ``mdy_short``, ``mdy_text``, ``mdy_compact``. Kept on impossible dates (the form
      matched, the numbers did not); null when unparseable.
    * ``precision``: ``day`` | ``month`` | ``year`` (null when no date).
    * ``ambiguous`` (bool): a day/month form whose two parts are both <= 12 and differ, so
      d/m and m/d cannot be told apart from the value alone (see :func:`column_day_first`).
    * ``error``: null, or the reason ("impossible date 31/02/1990", "unparseable 'abc'",
      "year out of range 15/03/0199", "excel serial out of range 99999").
    * ``other_order`` (Date): where the value is impossible in the declared day/month order but
      valid in the other, that other reading (its error ends "(valid month-first)"); else null.

    An empty date written as zeros ('00000000', as dBase writes an empty date field; '0000-00-00', '00/00/0000': see
    :data:`EMPTY_DATE`) is no value: every column null, as for an empty cell.

    Separators ``/ - .`` and spaces are accepted (mixed too), as are a trailing time
    (``1990-03-15 00:00:00``) and a float serial (``36526.0``; five digits with a time, ``43831.5``, or
    a decimal comma, ``43831,0``: the day, the time ignored). Vietnamese words around a date, accents or not:
    a field label before it ('Ngày sinh:', 'Năm sinh:', 'NS:', 'Sinh năm'), a year or month in words ('năm 1996',
    '1996 (năm)' -> year_only; 'tháng 3 năm 1990', 'tháng 03/1990' -> month_year; 'ngày 05/03/1990' -> dmy).
    English month names ('Jan 22 1997', 'January 22, 1997', '22-Jan-97', '22 January 1997') -> ``month_name``,
    read the same whatever ``day_first`` says (the name is the month) and never ambiguous.

    Two-digit years: ``yy <= pivot`` -> 20yy, else 19yy, with
    ``pivot = two_digit_year_pivot(reference_year)`` = current two-digit year + 1
    (in 2026: '27' -> 2027, '28' -> 1928).

    Bare integers: 8 digits -> yyyymmdd (else ddmmyyyy when only that is a valid date);
    4 digits within 1800..2100 -> a year; other 4-5 digit integers without a leading
    zero -> Excel serial (days since 1899-12-30, 1000..80000 = 1902-09-26..2119-01-11).

    ``day_first=False`` reads d/m forms as m/d (sources declared month-first). A value
    impossible in the declared order but valid the other way round is NOT swapped here: ``date``
    stays null, ``other_order`` holds the other reading and the error ends with "(valid month-first)"
    / "(valid day-first)". Staging decides: it keeps
    that only valid reading and notes it in the row's ``issues`` (pipelines/ingest/stage.py ``read_dates``).
    """
    return via_distinct(values, lambda frame: _read_dates(frame, day_first, reference_year))


def _read_dates(frame: pl.DataFrame, day_first: bool, reference_year: int | None) -> pl.DataFrame:
    """:func:`parse_dates`' columns for the distinct values in ``frame[DISTINCT_KEY]``."""
    f = _with_day_month_year(_date_parts(frame, reference_year), day_first)
    f = _with_validity(f)
    form, a, b, num = (pl.col(k) for k in ("_form", "_a", "_b", "_num"))
    y, month, day, serial = pl.col("_y"), pl.col("_month"), pl.col("_day"), pl.col("_serial")
    serial_ok, year_ok, valid = pl.col("_serial_ok"), pl.col("_year_ok"), pl.col("_valid")
    safe = valid & ~serial
    built = pl.date(
        pl.when(safe).then(y).otherwise(2000),
        pl.when(safe).then(month).otherwise(1),
        pl.when(safe).then(day).otherwise(1),
    )
    from_serial = (
        (pl.when(serial_ok).then(num).otherwise(_EXCEL_EPOCH_OFFSET) - _EXCEL_EPOCH_OFFSET).cast(pl.Int32).cast(pl.Date)
    )
    coarse = pl.col("_coarse")  # a day (and month) written as zeros: known to the month (year) only
    precision = (
        pl.when(~valid)
        .then(None)
        .when(coarse.is_not_null())
        .then(coarse)
        .when(form == "year_only")
        .then(pl.lit("year"))
        .when(form == "month_year")
        .then(pl.lit("month"))
        .otherwise(pl.lit("day"))
    )
    # (a zero day or month can only be read in one order: never ambiguous)
    ambiguous = (valid & pl.col("_pair") & coarse.is_null() & (a <= 12) & (b <= 12) & (a != b)).fill_null(False)
    # impossible as declared, a valid date with day and month swapped: the error says so, other_order holds it
    other_ok = (~valid & pl.col("_pair") & pl.col("_swap_ok") & year_ok).fill_null(False)
    present = ~_blank(pl.col(DISTINCT_KEY)) & ~empty_date(pl.col(DISTINCT_KEY))
    swapped = pl.date(  # the other day/month order, built only where it is a valid date
        pl.when(other_ok).then(y).otherwise(2000),
        pl.when(other_ok).then(day).otherwise(1),
        pl.when(other_ok).then(month).otherwise(1),
    )
    return f.select(
        pl.col(DISTINCT_KEY),
        pl.when(present).then(pl.when(serial_ok).then(from_serial).when(safe).then(built)).alias("date"),
        pl.when(present)
        .then(
            pl.when(valid & (coarse == "year"))
            .then(pl.lit("year_only"))
            .when(valid & (coarse == "month"))
            .then(pl.lit("month_year"))
            .otherwise(_date_format_name(day_first))
        )
        .alias("date_format"),
        pl.when(present).then(precision).alias("precision"),
        pl.when(present).then(ambiguous).alias("ambiguous"),
        pl.when(present).then(_date_error(other_ok, day_first)).alias("error"),
        pl.when(present & other_ok).then(swapped).alias("other_order"),
    )


def _with_day_month_year(f: pl.DataFrame, day_first: bool) -> pl.DataFrame:
    """``_date_parts``' frame with ``_day``, ``_month``, ``_y`` in the declared order (a compact date: yyyymmdd
    first, then ddmmyyyy, mmddyyyy when month-first, marked ``_compact_dmy``), ``_pair`` (a day/month form) and
    ``_serial``."""
    form, a, b, y = (pl.col(k) for k in ("_form", "_a", "_b", "_y"))
    fixed = form.is_in(["iso", "month_name", "month_year", "year_only"])
    straight = fixed | pl.lit(day_first)
    # compact: yyyymmdd first, then ddmmyyyy (mmddyyyy when month-first)
    digits = pl.col("_canon")
    f = f.with_columns(
        _day=pl.when(form == "year_only").then(pl.lit(1, pl.Int32)).when(straight).then(a).otherwise(b),
        _month=pl.when(form == "year_only").then(pl.lit(1, pl.Int32)).when(straight).then(b).otherwise(a),
        _cy=digits.str.slice(0, 4).cast(pl.Int32, strict=False),
        _cm=digits.str.slice(4, 2).cast(pl.Int32, strict=False),
        _cd=digits.str.slice(6, 2).cast(pl.Int32, strict=False),
        _ry=digits.str.slice(4, 4).cast(pl.Int32, strict=False),
        _r1=digits.str.slice(0, 2).cast(pl.Int32, strict=False),
        _r2=digits.str.slice(2, 2).cast(pl.Int32, strict=False),
    )
    cy, cm, cd, ry = pl.col("_cy"), pl.col("_cm"), pl.col("_cd"), pl.col("_ry")
    rd, rm = (pl.col("_r1"), pl.col("_r2")) if day_first else (pl.col("_r2"), pl.col("_r1"))
    f = f.with_columns(
        _compact_dmy=(form == "compact")
        & ~(_day_month_ok(cy, cm, cd) & cy.is_between(DATE_MIN_YEAR, DATE_MAX_YEAR)).fill_null(False)
        & (_day_month_ok(ry, rm, rd) & ry.is_between(DATE_MIN_YEAR, DATE_MAX_YEAR)).fill_null(False)
    )
    cdmy = pl.col("_compact_dmy")
    is_compact = form == "compact"
    return f.with_columns(
        _y=pl.when(is_compact).then(pl.when(cdmy).then(ry).otherwise(cy)).otherwise(y),
        _month=pl.when(is_compact).then(pl.when(cdmy).then(rm).otherwise(cm)).otherwise("_month"),
        _day=pl.when(is_compact).then(pl.when(cdmy).then(rd).otherwise(cd)).otherwise("_day"),
        _pair=form.is_in(["dmy", "dmy_short", "dmy_text"]) | cdmy,
        _serial=(form == "excel_serial").fill_null(False),
    )


def _with_validity(f: pl.DataFrame) -> pl.DataFrame:
    """``_serial_ok``, ``_year_ok``, ``_dm_ok`` (day and month a date of the year), ``_swap_ok`` (the same with day
    and month swapped), ``_coarse`` (a day and month written as zeros, unknown: :func:`_unknown_day_month`) and
    ``_valid``; where ``_coarse`` is set, ``_day`` and ``_month`` are made 1 (the date kept is the first of its month
    or year, as month_year and year_only forms are)."""
    form, num = pl.col("_form"), pl.col("_num")
    y, month, day, serial = pl.col("_y"), pl.col("_month"), pl.col("_day"), pl.col("_serial")
    f = f.with_columns(
        _serial_ok=serial & num.is_between(1, EXCEL_SERIAL_MAX).fill_null(False),
        _year_ok=y.is_between(DATE_MIN_YEAR, DATE_MAX_YEAR).fill_null(False),
        _dm_ok=_day_month_ok(y, month, day).fill_null(False),
        _swap_ok=_day_month_ok(y, day, month).fill_null(False),
        _coarse=_unknown_day_month(form, month, day),
    )
    serial_ok, year_ok, dm_ok, coarse = pl.col("_serial_ok"), pl.col("_year_ok"), pl.col("_dm_ok"), pl.col("_coarse")
    zeroed = year_ok & coarse.is_not_null()
    return f.with_columns(
        _valid=pl.when(serial)
        .then(serial_ok)
        .otherwise(form.is_not_null() & year_ok & (dm_ok | coarse.is_not_null()))
        .fill_null(False),
        _coarse=pl.when(year_ok).then(coarse),
        _day=pl.when(zeroed).then(pl.lit(1, pl.Int32)).otherwise(day),
        _month=pl.when(zeroed & (coarse == "year")).then(pl.lit(1, pl.Int32)).otherwise(month),
    )


def _unknown_day_month(form: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """'year' where a date gives its day and month as zeros ('00/00/1990', '0/0/1990', '1990-00-00', '19900000'; a
    month alone as zeros, '00/1990'), 'month' where it gives its day as zeros and a month ('00/03/1990',
    '1990-03-00', month first '03/00/1990'): Vietnamese registers write an unknown day or month so. Read in the
    declared day/month order; a day with a zero month ('15/00/1990') is no date (null here)."""
    parts = form.is_not_null() & ~form.is_in(["year_only", "excel_serial"])
    return (
        pl.when(parts & (day == 0) & (month == 0))
        .then(pl.lit("year"))
        .when((form == "month_year") & (month == 0))
        .then(pl.lit("year"))
        .when(parts & (day == 0) & month.is_between(1, 12))
        .then(pl.lit("month"))
    )


def _date_format_name(day_first: bool) -> pl.Expr:
    """The form's name as ``date_format`` says it: the day/month forms named in the declared order (dmy or mdy...)."""
    first, second = ("d", "m") if day_first else ("m", "d")
    form = pl.col("_form")
    return (
        pl.when(pl.col("_compact_dmy"))
        .then(pl.lit(f"{first}{second}y_compact"))
        .when(form == "compact")
        .then(pl.lit("ymd_compact"))
        .when(form == "dmy")
        .then(pl.lit(f"{first}{second}y"))
        .when(form == "dmy_short")
        .then(pl.lit(f"{first}{second}y_short"))
        .when(form == "dmy_text")
        .then(pl.lit(f"{first}{second}y_text"))
        .otherwise(form)
    )


def _date_error(other_ok: pl.Expr, day_first: bool) -> pl.Expr:
    """Why a value is no date, quoting it as written; null for a date. ``other_ok``: valid in the other order."""
    flip = "month-first" if day_first else "day-first"
    form, serial, shown = pl.col("_form"), pl.col("_serial"), pl.col("_text")
    return (
        pl.when(form.is_null())
        .then(pl.concat_str(pl.lit("unparseable '"), shown, pl.lit("'")))
        .when(serial & ~pl.col("_serial_ok"))
        .then(pl.concat_str(pl.lit("excel serial out of range "), shown))
        .when(~serial & ~pl.col("_year_ok"))
        .then(pl.concat_str(pl.lit("year out of range "), shown))
        .when(other_ok)
        .then(pl.concat_str(pl.lit("impossible date "), shown, pl.lit(f" (valid {flip})")))
        .when(~pl.col("_valid"))
        .then(pl.concat_str(pl.lit("impossible date "), shown))
    )


def column_day_first(values: pl.Series) -> bool | None:
    """Infer a column's day/month order from its unambiguous values.

    A d/m/y value whose first part is > 12 (and second <= 12) is evidence of day-first,
    second part > 12 (and first <= 12) of month-first. Counted over distinct values;
    the larger count wins (clerks' swaps leave a little evidence the other way), a tie or
    no evidence at all gives None. ISO, compact and serial values carry no evidence.
    """
    distinct = _as_string(values).drop_nulls().unique().to_frame()
    if distinct.is_empty():
        return None
    f = _date_parts(distinct, None)
    pair, a, b = pl.col("_form").is_in(["dmy", "dmy_short", "dmy_text"]), pl.col("_a"), pl.col("_b")
    counts = f.select(day=(pair & (a > 12) & (b <= 12)).sum(), month=(pair & (b > 12) & (a <= 12)).sum()).row(0)
    day, month = (int(c or 0) for c in counts)
    if day == month:
        return None
    return day > month


# =========================================================================== personal IDs


@lru_cache(maxsize=1)
def province_codes() -> frozenset[str]:
    """GSO province codes of the pre-2025 scheme, zero-padded to 3 (the CCCD prefix)."""
    from pipelines.reference import pre2025_units

    codes = pre2025_units()["province_code"].drop_nulls().unique().to_list()
    return frozenset(f"{int(c):03d}" for c in codes)


def _birth_years(birth: pl.Series) -> pl.Series:
    if birth.dtype == pl.Date or isinstance(birth.dtype, pl.Datetime):
        return birth.dt.year().cast(pl.Int32)
    if birth.dtype.is_integer():
        return birth.cast(pl.Int32)
    return parse_dates(_as_string(birth))["date"].dt.year().cast(pl.Int32)


def _strip_float_suffix(s: pl.Expr) -> pl.Expr:
    """'79082688035.0' (a number cell from a spreadsheet) -> '79082688035'."""
    return pl.when(s.str.contains(r"^\d+\.0+$")).then(s.str.replace(r"\.0+$", "")).otherwise(s)


# What clerks and spreadsheets write around an ID's, a tax code's or a phone number's digits: Excel's text marker, a
# leading apostrophe ('079..., typed so a number keeps its leading zero); a label ('CCCD: 079...', 'CMND số 02...',
# 'Số CCCD 079...', 'MST: 0312...', 'SĐT 0901...'); fullwidth digits (０７９..., an East Asian input method). Each is
# read as the bare value, and the value is marked as read from such a form (FORM_FLAG: a repair, counted). Labels are
# matched on the value with accents folded and in lower case (text.strip_accents_expr).
FORM_FLAG = "form_normalised"
_APOSTROPHE = r"^['\u2018\u2019`]+\s*"
_ID_LABEL = (
    r"^(?:(?:so|ma)\s*)?(?:(?:cccd|cmnd|cmtnd|cmt|can\s*cuoc(?:\s*cong\s*dan)?|chung\s*minh(?:\s*nhan\s*dan|\s*thu)?"
    r"|dinh\s*danh(?:\s*ca\s*nhan)?|id)\s*[/,]?\s*)+(?:so\b)?\s*[:.#\-]?\s*"
)
_TAX_LABEL = r"^(?:mst|msdn|ma\s*so\s*(?:thue|doanh\s*nghiep)|tax\s*code|tin)\s*[:.#\-]?\s*"
_PHONE_LABEL = (
    r"^(?:so\s*)?(?:(?:sdt|dtdd|dt|dd|dien\s*thoai(?:\s*di\s*dong)?|di\s*dong|tel|phone|mobile|mob)\.?\s*[/,]?\s*)+"
    r"[:.#\-]?\s*"
)
# what may be left once the form is read, per kind of value: digits and the separators each reader already takes
_ID_LEFT = r"^[0-9][0-9\s.\-_]*$"
_TAX_LEFT = r"^[0-9][0-9\s.\-_/]*$"
_PHONE_LEFT = r"^[0-9+(][0-9\s.\-()+,;/|]*$"


def written_form(values: pl.Series, label: str, left: str) -> tuple[pl.Series, pl.Series]:
    """(the values with a leading apostrophe, a ``label`` and fullwidth characters (NFKC) taken out where what is left
    matches ``left``, else as written; whether each value was so read (null where missing)). Worked out once per
    distinct value, and only for values holding a character outside ASCII digits, spaces and ``.-_/+()`` (nearly
    none in a registry column: the rest are kept as they are)."""
    s = _as_string(values)
    odd = s.str.contains(r"[^0-9\s.\-_/+(),;|]").fill_null(False)
    changed = pl.repeat(False, len(s), dtype=pl.Boolean, eager=True).rename("form")
    if not odd.any():
        return s, changed.set(s.is_null(), None)
    where = odd.arg_true()

    def compute(frame: pl.DataFrame) -> pl.DataFrame:
        text = pl.col(DISTINCT_KEY).str.normalize("NFKC").str.strip_chars()
        folded = strip_accents_expr(text).str.replace(_APOSTROPHE, "").str.replace(label, "")
        rest = folded.str.replace(_APOSTROPHE, "").str.strip_chars()
        read = rest.str.contains(left).fill_null(False)
        return frame.select(
            DISTINCT_KEY,
            pl.when(read).then(rest).otherwise(pl.col(DISTINCT_KEY)).alias("text"),
            read.alias("form"),
        )

    found = via_distinct(s.gather(where), compute)
    out = s.clone().scatter(where, found["text"])
    return out, changed.scatter(where, found["form"]).set(s.is_null(), None)


# Placeholders: what clerks type into an ID field when they have no ID. A digit string whose every digit
# follows from the first -- one digit repeated ('0', '000000000', '111111111111') or a run of consecutive
# digits up or down, as long as an ID (9 digits or more), wrapping 9 -> 0 ('123456789', '012345678',
# '987654321', '123456789012') -- carries no information about a person. No issued CCCD has this form (000/111...
# are no province codes; a run's digits 4-6 give an impossible or future birth year); a real CMND would have to
# be one of 30 strings in a billion. Such a value is flagged ``placeholder`` and kept out of the ID columns used
# for matching. A shorter run is junk of the wrong length anyway, and may be a real ID a number cell cut short
# ('023456789' -> 23456789): not called a placeholder.
ID_PLACEHOLDER_RUN = 9
_DIGITS = list("0123456789")
# CMND series were issued per province police with 2-digit prefixes 01-38 (a few 3-digit: 095, 230, 280, 285):
# a 9-digit number cell starting above 38 is no CMND but a longer value whose leading zero the cell dropped.
CMND_PREFIX_MAX = 38


def id_digits(raw: pl.Expr) -> pl.Expr:
    """An ID's digits as written: surrounding space, inner spaces, dots, dashes, underscores and a spreadsheet's
    trailing '.0' removed (non-digit characters other than these are kept: the caller tells them apart)."""
    return _strip_float_suffix(raw.str.strip_chars()).str.replace_all(r"[\s.\-_]", "")


def id_placeholder(digits: pl.Expr) -> pl.Expr:
    """True where ``digits`` (see :func:`id_digits`) is a placeholder: one digit repeated, or a run of
    :data:`ID_PLACEHOLDER_RUN` or more consecutive digits up or down (9 -> 0 wraps). Null stays null."""
    head, tail = digits.str.head(-1), digits.str.tail(-1)
    up = head.str.replace_many(_DIGITS, [*_DIGITS[1:], "0"])
    down = head.str.replace_many(_DIGITS, ["9", *_DIGITS[:-1]])
    run = (digits.str.len_chars() >= ID_PLACEHOLDER_RUN) & ((up == tail) | (down == tail))
    return digits.str.contains(r"^\d+$") & ((head == tail) | run)


ID_REPAIR_FLAG = "leading_zero_restored"  # check_personal_id's flag of a repair (not a problem): a zero put back


def _restore_leading_zero(digits: pl.Expr, numeric: pl.Expr, codes: list[str]) -> pl.Expr:
    """How many leading zeros the value lost are put back (0, 1 or 2; ``digits`` all digits):

    * 11 digits that a '0' in front turns into a known CCCD province code ('79080123456' -> '079...'): a
      CCCD written in a number cell, whatever the reader knows (no 11-digit ID exists);
    * from a cell the reader knows was a number (``numeric``): 8 digits (a CMND '023456789' -> 23456789),
      and 9 digits starting above :data:`CMND_PREFIX_MAX` (no CMND: a 10-digit '0790801234' -> 790801234,
      restored to the 10 digits it was, so it stays wrong_length instead of passing for a CMND);
    * from such a cell, two zeros: 10 digits that '00' in front turns into a known province code (001-009: Hà Nội,
      Hà Giang, ...) followed by a century digit 0-3 ('001090123456' -> 1090123456; no 10-digit ID exists).
    """
    n = digits.str.len_chars()
    province = pl.concat_str(pl.lit("0"), digits.str.slice(0, 2)).is_in(codes)
    province_of_two = pl.concat_str(pl.lit("00"), digits.str.slice(0, 1)).is_in(codes) & digits.str.slice(1, 1).is_in(
        ["0", "1", "2", "3"]
    )
    above_cmnd = digits.str.slice(0, 2).cast(pl.Int32, strict=False) > CMND_PREFIX_MAX
    number = numeric.fill_null(False)
    all_digits = digits.str.contains(r"^\d+$").fill_null(False)
    one = ((n == 11) & province) | (number & ((n == 8) | ((n == 9) & above_cmnd)))
    two = number & (n == 10) & province_of_two
    return (
        pl.when(all_digits & two.fill_null(False))
        .then(pl.lit(2, pl.Int8))
        .when(all_digits & one.fill_null(False))
        .then(pl.lit(1, pl.Int8))
        .otherwise(pl.lit(0, pl.Int8))
    )


def _restored(digits: pl.Expr, restore: pl.Expr) -> pl.Expr:
    return (
        pl.when(restore == 2)
        .then(pl.concat_str(pl.lit("00"), digits))
        .when(restore == 1)
        .then(pl.concat_str(pl.lit("0"), digits))
        .otherwise(digits)
    )


def _numeric_flags(numeric: pl.Series | None, n: int) -> pl.Series:
    if numeric is None:
        return pl.repeat(False, n, dtype=pl.Boolean, eager=True)
    if len(numeric) != n:
        raise ValueError(f"numeric has {len(numeric)} rows, ids has {n}")
    return numeric.cast(pl.Boolean).fill_null(False)


def id_form_digits(values: pl.Series) -> pl.Series:
    """For comparing IDs of several kinds in one column (matching's ``mixed``): the digits (:func:`id_digits`)
    where they are a CMND (9) or CCCD (12) and no placeholder; null otherwise (junk, other lengths, '0')."""
    d = id_digits(pl.col("v"))
    form = d.str.contains(r"^(?:\d{9}|\d{12})$") & ~id_placeholder(d)
    return pl.DataFrame({"v": values.cast(pl.String)}).select(pl.when(form).then(d).alias(values.name))[values.name]


def check_personal_id(
    ids: pl.Series,
    sex: pl.Series | None = None,
    birth_date: pl.Series | None = None,
    *,
    numeric: pl.Series | None = None,
    valid_provinces: Iterable[str] | None = None,
    reference_year: int | None = None,
) -> pl.DataFrame:
    """Normalise personal ID numbers and check their structure (soft evidence only).

    Columns:

    * ``personal_id``: digits only (spaces, dots, dashes, underscores removed; leading
      zeros kept; a spreadsheet's trailing '.0' removed; a lost leading zero put back, see
      ``leading_zero_restored``); null when empty, when the value holds other characters, or
      when it is a ``placeholder`` (kept out of matching; the value as written stays in raw).
    * ``id_kind``: ``cccd`` (12 digits) | ``cmnd`` (9 digits) | ``invalid`` (also a placeholder)
      | null (missing).
    * ``id_flags`` (list[str]; empty = no problem seen; null when missing):
      ``form_normalised`` (a repair: read from a written form, :func:`written_form`: Excel's leading apostrophe,
      a label 'CCCD: ', 'CMND số', 'Số CCCD', fullwidth digits),
      ``non_digit``, ``wrong_length``, ``placeholder`` (one digit repeated or a run of consecutive
      digits: '0', '000000000', '123456789'; see :func:`id_placeholder`),
      ``leading_zero_restored`` (a '0' put back: 11 digits whose first two with a '0' in front are a
      known CCCD province code, or, from a cell the reader knows was a number (``numeric``), 8 digits
      (a CMND) or 9 digits starting above 38 (no CMND: a 10-digit value, then ``wrong_length``); two: 10 digits
      from such a cell that '00' in front makes a CCCD of provinces 001-009),
      and for CCCDs:
      ``unknown_province_code`` (digits 1-3 not a GSO province code), ``impossible_century``
      (digit 4 above 3: born 2100 or later), ``future_birth_year`` (digits 4-6 give a year
      after ``reference_year``/this year), ``century_sex_mismatch`` (digit 4: 0/1 male/female
      1900s, 2/3 male/female 2000s, against ``sex`` and the birth year's century),
      ``birth_year_mismatch`` (digits 5-6 against the birth year).

    No check digit exists: a clean-looking number can still be wrong, and a flag is
    evidence for review, not proof. CMNDs (9 digits) carry no checkable structure.

    ``sex`` may be any text :func:`normalise_sex` understands; ``birth_date`` a Date,
    an integer year or date text (parsed with :func:`parse_dates`, day first); ``numeric``
    (bool per row) whether the reader read the value from a number cell (XLSX number,
    SQL integer, dBase numeric field), which drops leading zeros.
    """
    n = len(ids)
    for other, label in ((sex, "sex"), (birth_date, "birth_date")):
        if other is not None and len(other) != n:
            raise ValueError(f"{label} has {len(other)} rows, ids has {n}")
    codes = sorted(valid_provinces) if valid_provinces is not None else sorted(province_codes())
    now = reference_year if reference_year is not None else date.today().year
    text, form = written_form(ids, _ID_LABEL, _ID_LEFT)
    frame = pl.DataFrame(
        {
            DISTINCT_KEY: text,
            "_form": form.fill_null(False),
            "_sex": normalise_sex(sex) if sex is not None else pl.repeat(None, n, dtype=pl.String, eager=True),
            "_year": _birth_years(birth_date)
            if birth_date is not None
            else pl.repeat(None, n, dtype=pl.Int32, eager=True),
            "_numeric": _numeric_flags(numeric, n),
        }
    )
    frame = _with_id_digits(frame, codes)
    missing, digits, non_digit, placeholder = (pl.col(k) for k in ("_missing", "_digits", "_nd", "_placeholder"))
    checks = _personal_id_checks(codes, now)
    out = frame.select(
        pl.when(~missing & ~non_digit & ~placeholder).then(digits).alias("personal_id"),
        pl.when(missing)
        .then(None)
        .when(pl.col("_cccd"))
        .then(pl.lit("cccd"))
        .when(pl.col("_cmnd"))
        .then(pl.lit("cmnd"))
        .otherwise(pl.lit("invalid"))
        .alias("id_kind"),
        pl.when(~missing).then(_flag_mask(*checks)).alias("id_flags"),
    )
    return out.with_columns(_flag_lists(out["id_flags"], [label for _, label in checks], "id_flags"))


def _with_id_digits(frame: pl.DataFrame, codes: list[str]) -> pl.DataFrame:
    """The ID's digits (``_digits``, a lost leading zero put back: ``_restore`` zeros) and their shape: ``_missing``,
    ``_nd`` (other characters), ``_len``, ``_century`` (digit 4), ``_yy`` (digits 5-6), ``_placeholder``,
    ``_cccd`` (12 digits), ``_cmnd`` (9 digits)."""
    raw = pl.col(DISTINCT_KEY)
    frame = frame.with_columns(_missing=_blank(raw), _written=id_digits(raw))
    frame = frame.with_columns(_restore=_restore_leading_zero(pl.col("_written"), pl.col("_numeric"), codes))
    frame = frame.with_columns(_digits=_restored(pl.col("_written"), pl.col("_restore")))
    missing, digits = pl.col("_missing"), pl.col("_digits")
    frame = frame.with_columns(
        _nd=~missing & ~digits.str.contains(r"^\d+$").fill_null(False),
        _len=digits.str.len_chars(),
        _century=digits.str.slice(3, 1).cast(pl.Int32, strict=False),
        _yy=digits.str.slice(4, 2).cast(pl.Int32, strict=False),
        _placeholder=~missing & id_placeholder(digits).fill_null(False),
    )
    non_digit, length, placeholder = pl.col("_nd"), pl.col("_len"), pl.col("_placeholder")
    return frame.with_columns(
        _cccd=~missing & ~non_digit & ~placeholder & (length == 12),
        _cmnd=~missing & ~non_digit & ~placeholder & (length == 9),
    )


def _personal_id_checks(codes: list[str], now: int) -> tuple[tuple[pl.Expr, str], ...]:
    """(condition, flag) of each ``id_flags`` flag, on :func:`_with_id_digits`' columns; ``now``: the latest birth
    year."""
    missing, digits, non_digit, length = pl.col("_missing"), pl.col("_digits"), pl.col("_nd"), pl.col("_len")
    century, yy, cccd = pl.col("_century"), pl.col("_yy"), pl.col("_cccd")
    id_year = 1900 + (century // 2) * 100 + yy
    sx, year = pl.col("_sex"), pl.col("_year")
    sex_bad = ((sx == "M") & (century % 2 == 1)) | ((sx == "F") & (century % 2 == 0))
    century_bad = year.is_not_null() & (century // 2 != year // 100 - 19)
    return (
        (non_digit, "non_digit"),
        (~missing & ~non_digit & ~length.is_in([9, 12]), "wrong_length"),
        (pl.col("_placeholder"), "placeholder"),
        (~missing & (pl.col("_restore") > 0), ID_REPAIR_FLAG),
        (~missing & pl.col("_form"), FORM_FLAG),
        (cccd & ~digits.str.slice(0, 3).is_in(codes), "unknown_province_code"),
        (cccd & (century > 3), "impossible_century"),
        (cccd & (century <= 3) & (id_year > now), "future_birth_year"),
        (cccd & (century <= 3) & (sex_bad | century_bad), "century_sex_mismatch"),
        (cccd & year.is_not_null() & (yy != year % 100), "birth_year_mismatch"),
    )


ID_ROUTING_FLAGS = ("cmnd_in_personal_id", "cccd_in_old_id_number")


def route_id_kinds(
    personal: pl.Series,
    old: pl.Series,
    *,
    personal_numeric: pl.Series | None = None,
    old_numeric: pl.Series | None = None,
    valid_provinces: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Send each ID to the column of its kind, told by its form: a mixed "Số CMND/CCCD" column.

    Exports often hold one ID column with 12-digit CCCDs and 9-digit CMNDs mixed, mapped
    to ``personal_id`` (or to ``old_id_number``). Per row, on the digits (spaces, dots,
    dashes, a spreadsheet '.0' ignored; a lost leading zero put back as
    :func:`check_personal_id` does, so an 11-digit CCCD of a number cell is a CCCD and, when the
    reader knows the cell was a number (``*_numeric``), an 8-digit one a CMND):

    * a CMND (9 digits) in ``personal_id`` moves to ``old_id_number`` when that is empty,
      holds a placeholder or a CCCD (the two swap) or holds the same CMND (then it is dropped here);
    * a CCCD (12 digits) in ``old_id_number`` moves to ``personal_id`` likewise;
    * a placeholder (:func:`id_placeholder`) is no ID: it never moves by itself, and counts as free
      room for the other column's ID (the two swap, so it is still flagged, in the other column);
    * anything else stays where it was: other forms are flagged by
      :func:`check_personal_id`, and a CMND or CCCD that could not move (the other column
      holds another ID of the same kind) gets ``cmnd_in_personal_id`` /
      ``cccd_in_old_id_number``.

    Columns: ``personal_id``, ``old_id_number`` (the values as written, routed),
    ``personal_id_flag``, ``old_id_flag`` (null or the flag above), ``routed`` (bool:
    something moved), ``personal_id_numeric``, ``old_id_numeric`` (the ``*_numeric`` input of the
    value now in that column, for :func:`check_personal_id`).
    """
    if len(personal) != len(old):
        raise ValueError(f"old has {len(old)} rows, personal has {len(personal)}")
    n = len(personal)
    codes = sorted(valid_provinces) if valid_provinces is not None else sorted(province_codes())
    frame = pl.DataFrame(
        {
            "p": _as_string(personal),
            "o": _as_string(old),
            "pn": _numeric_flags(personal_numeric, n),
            "on": _numeric_flags(old_numeric, n),
            # the digits routed by ('CCCD: 079...', "'079...": check_personal_id reads them so, from the value routed)
            "_pt": written_form(personal, _ID_LABEL, _ID_LEFT)[0],
            "_ot": written_form(old, _ID_LABEL, _ID_LEFT)[0],
        }
    )
    f = _with_id_moves(frame, codes)
    p_cmnd, o_cccd, p_move, o_move = (pl.col(c) for c in ("_pcmnd", "_occcd", "_pmove", "_omove"))
    p, o = pl.col("p"), pl.col("o")
    personal_side = (pl.col("_pcccd"), o_move, p_move, pl.col("_oph"))
    old_side = (pl.col("_ocmnd"), p_move, o_move, pl.col("_pph"))
    return f.select(
        _routed(p, o, *personal_side).alias("personal_id"),
        _routed(o, p, *old_side).alias("old_id_number"),
        pl.when(p_cmnd & ~p_move).then(pl.lit(ID_ROUTING_FLAGS[0])).alias("personal_id_flag"),
        pl.when(o_cccd & ~o_move).then(pl.lit(ID_ROUTING_FLAGS[1])).alias("old_id_flag"),
        (p_move | o_move).alias("routed"),
        _routed(pl.col("pn"), pl.col("on"), *personal_side).fill_null(False).alias("personal_id_numeric"),
        _routed(pl.col("on"), pl.col("pn"), *old_side).fill_null(False).alias("old_id_numeric"),
    )


def _with_id_moves(frame: pl.DataFrame, codes: list[str]) -> pl.DataFrame:
    """Each column's digits (a lost leading zero put back), form (placeholder ``_pph``/``_oph``, CCCD, CMND) and
    whether its ID leaves it: ``_pmove`` (personal_id's CMND), ``_omove`` (old_id_number's CCCD)."""
    f = frame.with_columns(_pw=id_digits(pl.col("_pt")), _ow=id_digits(pl.col("_ot")))
    f = f.with_columns(
        _pd=_restored(pl.col("_pw"), _restore_leading_zero(pl.col("_pw"), pl.col("pn"), codes)),
        _od=_restored(pl.col("_ow"), _restore_leading_zero(pl.col("_ow"), pl.col("on"), codes)),
        _pblank=_blank(pl.col("p")),
        _oblank=_blank(pl.col("o")),
    )
    pd, od, p_blank, o_blank = pl.col("_pd"), pl.col("_od"), pl.col("_pblank"), pl.col("_oblank")
    f = f.with_columns(_pph=id_placeholder(pd).fill_null(False), _oph=id_placeholder(od).fill_null(False))
    p_ph, o_ph = pl.col("_pph"), pl.col("_oph")
    f = f.with_columns(
        _pcccd=pd.str.contains(r"^\d{12}$").fill_null(False) & ~p_ph,
        _pcmnd=pd.str.contains(r"^\d{9}$").fill_null(False) & ~p_ph,
        _occcd=od.str.contains(r"^\d{12}$").fill_null(False) & ~o_ph,
        _ocmnd=od.str.contains(r"^\d{9}$").fill_null(False) & ~o_ph,
        _same=(pd == od).fill_null(False),
    )
    p_cccd, p_cmnd, o_cccd, o_cmnd, same = (pl.col(c) for c in ("_pcccd", "_pcmnd", "_occcd", "_ocmnd", "_same"))
    return f.with_columns(
        _pmove=p_cmnd & (o_blank | o_ph | o_cccd | same),  # personal_id's CMND leaves it
        _omove=o_cccd & (p_blank | p_ph | p_cmnd | same),  # old_id_number's CCCD leaves it
    )


def _routed(
    own: pl.Expr, other: pl.Expr, keeps: pl.Expr, takes: pl.Expr, leaves: pl.Expr, other_ph: pl.Expr
) -> pl.Expr:
    """A column's value after routing. ``keeps``: own value is of this column's kind; ``takes``: the other's moves
    in; ``leaves``: own moves out (the other's placeholder comes in its place)."""
    return (
        pl.when(keeps)
        .then(own)
        .when(takes)
        .then(other)
        .when(leaves & other_ph)
        .then(other)
        .when(leaves)
        .then(None)
        .otherwise(own)
    )


# =========================================================================== tax codes (MST)

MST_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def _mst_check_digit(code: pl.Expr) -> pl.Expr:
    """10 - (Σ wᵢ·dᵢ mod 11) over the first nine digits; 10 means no valid code exists."""
    total = sum(code.str.slice(i, 1).cast(pl.Int32, strict=False) * w for i, w in enumerate(MST_WEIGHTS))
    return 10 - total % 11


def check_tax_code(codes: pl.Series) -> pl.DataFrame:
    """Normalise and classify tax codes (MST).

    Columns:

    * ``tax_code``: 10 digits, ``NNNNNNNNNN-NNN`` for 13 (accepts '0312345678 - 001',
      '0312345678001', '0312345678_001'), or 12 digits; spaces and dots removed. Kept
      when the shape is right even if the check digit fails (the code as registered is
      still the link between registries; filter on ``tax_code_kind``); null when the
      shape is not a tax code.
    * ``tax_code_kind``: ``enterprise`` (10 digits, valid check digit — individuals' old
      10-digit MSTs have the same structure and land here too; also ``NNNNNNNNNN-000``, the
      head office written with the branch suffix 000: the MST itself, as matching's
      ``tax_canonical`` reads it; the code is kept as written), ``branch`` (13 digits,
      valid check digit on the first 10, suffix not 000; household-business numbers
      'MST-00X' have this shape as well), ``personal_id`` (12 digits: from 1 July 2025
      individuals and household businesses file under the personal ID, Circular
      86/2024/TT-BTC), ``invalid``; null when missing.
    * ``check_digit_ok``: bool for 10/13-digit codes, null otherwise.
    * ``form_normalised`` (bool; null when missing): read from a written form (:func:`written_form`: Excel's
      leading apostrophe, a label 'MST: ', 'Mã số thuế', fullwidth digits).
    * ``tax_code_error``: null or the reason ("check digit mismatch: expected 7, got 3",
      "no valid check digit exists for stem 031234567", "wrong length (9 digits)",
      "unrecognised '...'").

    Check digit: digit 10 = 10 − (Σ wᵢ·dᵢ mod 11), weights 31,29,23,19,17,13,7,5,3 over
    digits 1–9; a stem giving 10 has no valid code.
    """

    text, form = written_form(codes, _TAX_LABEL, _TAX_LEFT)
    return via_distinct(text, _read_tax_codes).with_columns(form.alias(FORM_FLAG))


def _read_tax_codes(frame: pl.DataFrame) -> pl.DataFrame:
    """:func:`check_tax_code`'s columns for the distinct values in ``frame[DISTINCT_KEY]``."""
    f = _with_tax_code_kind(_with_tax_code_shape(frame))
    raw, missing, s, first10 = pl.col(DISTINCT_KEY), pl.col("_missing"), pl.col("_s"), pl.col("_first10")
    main, suffix, is10, is12 = pl.col("_main"), pl.col("_suffix"), pl.col("_is10"), pl.col("_is12")
    is13 = main.is_not_null()
    expected, got, ok, shaped, kind = (
        pl.col("_expected"),
        pl.col("_got"),
        pl.col("_ok"),
        pl.col("_shaped"),
        pl.col("_kind"),
    )
    digits_only = s.str.replace_all("-", "")
    error = (
        pl.when(missing | (kind != "invalid"))
        .then(None)
        .when(shaped & (expected == 10))
        .then(pl.concat_str(pl.lit("no valid check digit exists for stem "), first10.str.slice(0, 9)))
        .when(shaped & ~ok)
        .then(pl.format("check digit mismatch: expected {}, got {}", expected, got))
        .when(digits_only.str.contains(r"^\d+$"))
        .then(pl.format("wrong length ({} digits)", digits_only.str.len_chars()))
        .otherwise(pl.concat_str(pl.lit("unrecognised '"), raw.str.strip_chars(), pl.lit("'")))
    )
    code = pl.when(is13).then(pl.concat_str(main, pl.lit("-"), suffix)).when(is10 | is12).then(s)
    return f.select(
        pl.col(DISTINCT_KEY),
        pl.when(~missing).then(code).alias("tax_code"),
        kind.alias("tax_code_kind"),
        pl.when(~missing & shaped).then(ok).alias("check_digit_ok"),
        error.alias("tax_code_error"),
    )


def _with_tax_code_shape(frame: pl.DataFrame) -> pl.DataFrame:
    """``_missing``, ``_s`` (spaces and dots out, dashes unified), its shape (``_is10``, ``_is12``, ``_main`` and
    ``_suffix`` of a 13-digit code), ``_first10``, the check digit ``_expected`` and ``_got``, ``_ok``, ``_shaped``."""
    raw = pl.col(DISTINCT_KEY)
    f = frame.with_columns(
        _missing=_blank(raw),
        _s=_strip_float_suffix(raw.str.strip_chars()).str.replace_all(r"[\s.]", "").str.replace_all(r"[–—_/]", "-"),
    )
    s = pl.col("_s")
    f = f.with_columns(
        _g13=s.str.extract_groups(r"^(\d{10})-?(\d{3})$"),
        _is10=s.str.contains(r"^\d{10}$"),
        _is12=s.str.contains(r"^\d{12}$"),
    )
    f = f.with_columns(_main=pl.col("_g13").struct.field("1"), _suffix=pl.col("_g13").struct.field("2"))
    main, is10 = pl.col("_main"), pl.col("_is10")
    is13 = main.is_not_null()
    f = f.with_columns(_first10=pl.when(is13).then(main).when(is10).then(s))
    first10 = pl.col("_first10")
    f = f.with_columns(_expected=_mst_check_digit(first10), _got=first10.str.slice(9, 1).cast(pl.Int32, strict=False))
    expected, got = pl.col("_expected"), pl.col("_got")
    return f.with_columns(
        _ok=((expected != 10) & (expected == got)).fill_null(False), _shaped=(is10 | is13).fill_null(False)
    )


def _with_tax_code_kind(f: pl.DataFrame) -> pl.DataFrame:
    """``_kind``: enterprise, branch, personal_id or invalid (null when missing), from the code's shape and check."""
    missing, suffix, is10, is12, ok = (pl.col(k) for k in ("_missing", "_suffix", "_is10", "_is12", "_ok"))
    is13 = pl.col("_main").is_not_null()
    suffix_ok = (suffix != "000").fill_null(False)
    return f.with_columns(
        _kind=pl.when(missing)
        .then(None)
        .when(is10 & ok)
        .then(pl.lit("enterprise"))
        .when(is13 & ok & suffix_ok)
        .then(pl.lit("branch"))
        .when(is13 & ok)  # 'MST-000': the head office, the MST itself (as matching reads it: tax_canonical)
        .then(pl.lit("enterprise"))
        .when(is12)
        .then(pl.lit("personal_id"))
        .otherwise(pl.lit("invalid"))
    )


# =========================================================================== phones

# 2018 conversion of 11-digit mobile numbers to 10 digits (Ministry of Information and
# Communications, 15 Sep - 15 Nov 2018).
MOBILE_PREFIX_2018 = {
    "0162": "032",
    "0163": "033",
    "0164": "034",
    "0165": "035",
    "0166": "036",
    "0167": "037",
    "0168": "038",
    "0169": "039",
    "0120": "070",
    "0121": "079",
    "0122": "077",
    "0126": "076",
    "0128": "078",
    "0123": "083",
    "0124": "084",
    "0125": "085",
    "0127": "081",
    "0129": "082",
    "0186": "056",
    "0188": "058",
    "0199": "059",
}
# 10-digit mobile prefixes in use after the conversion.
MOBILE_PREFIXES = frozenset(
    [f"03{d}" for d in "23456789"]
    + ["052", "055", "056", "058", "059"]
    + ["070", "076", "077", "078", "079"]
    + [f"08{d}" for d in "123456789"]
    + [f"09{d}" for d in "0123456789"]
)


def normalise_phone(phones: pl.Series) -> pl.DataFrame:
    """Vietnamese phone numbers in the national form.

    Columns:

    * ``phone``: mobiles as 10 digits ``0XXXXXXXXX``; fixed lines (2017 area codes 02x)
      as their 11 digits ``02XXXXXXXXX``; null when not a valid Vietnamese number.
    * ``phone_kind``: ``mobile`` | ``landline`` | null.
    * ``phone_multiple`` (bool): the cell held several numbers (split on , ; / |); the
      first one is kept.
    * ``phone_form_normalised`` (bool; null when missing): read from a written form (:func:`written_form`: Excel's
      leading apostrophe, a label 'SĐT: ', 'ĐT', 'Tel', fullwidth digits).
    * ``phone_error``: null or the reason ("foreign number +1...", "wrong length (8
      digits)", "unknown mobile prefix 010", "obsolete prefix 0190 has no mapping",
      "non-digit characters 'abc'").

    Accepted: +84 / 0084 / 84 prefixes (also '+84 (0) 90...'), spaces, dots, dashes,
    parentheses; the 11-digit mobile prefixes of before 2018 (0162 -> 032 ...,
    :data:`MOBILE_PREFIX_2018`); a leading zero lost in a spreadsheet number cell (9
    digits starting 3/5/7/8/9, 10 digits starting 1 or 2).
    Not detectable: an old HCMC landline written '08 3823 4567' (pre-2017 area code)
    reads as a valid 083 mobile.
    """
    old = pl.DataFrame({"p4": list(MOBILE_PREFIX_2018), "new3": list(MOBILE_PREFIX_2018.values())})
    text, form = written_form(phones, _PHONE_LABEL, _PHONE_LEFT)
    return via_distinct(text, lambda frame: _read_phones(frame, old)).with_columns(form.alias(f"phone_{FORM_FLAG}"))


def _read_phones(frame: pl.DataFrame, old: pl.DataFrame) -> pl.DataFrame:
    """:func:`normalise_phone`'s columns for the distinct values in ``frame[DISTINCT_KEY]``; ``old``: the 2018 prefix map."""
    f = _with_phone_kind(_with_national_number(frame), old)
    missing, trimmed, c, intl, nat = (pl.col(k) for k in ("_missing", "_trimmed", "_c", "_intl", "_nat"))
    n, digits, p4, new3, old_mobile = (pl.col(k) for k in ("_n", "_digits", "_p4", "_new3", "_old_mobile"))
    conv, mobile, landline = pl.col("_conv"), pl.col("_mobile"), pl.col("_landline")
    error = (
        pl.when(missing | mobile | landline)
        .then(None)
        .when(c.str.starts_with("+") & intl.is_null())
        .then(pl.concat_str(pl.lit("foreign number "), c))
        .when(c == "")
        .then(pl.concat_str(pl.lit("no number '"), trimmed, pl.lit("'")))
        .when(~digits)
        .then(pl.concat_str(pl.lit("non-digit characters '"), trimmed, pl.lit("'")))
        .when(old_mobile & new3.is_null())
        .then(pl.concat_str(pl.lit("obsolete prefix "), p4, pl.lit(" has no mapping")))
        .when(n == 10)
        .then(pl.concat_str(pl.lit("unknown mobile prefix "), nat.str.slice(0, 3)))
        .otherwise(pl.format("wrong length ({} digits)", n))
    )
    return f.select(
        pl.col(DISTINCT_KEY),
        pl.when(mobile).then(conv).when(landline).then(nat).alias("phone"),
        pl.when(mobile).then(pl.lit("mobile")).when(landline).then(pl.lit("landline")).alias("phone_kind"),
        pl.when(~missing).then(pl.col("_multiple").fill_null(False)).alias("phone_multiple"),
        error.alias("phone_error"),
    )


def _with_national_number(frame: pl.DataFrame) -> pl.DataFrame:
    """``_missing``, ``_trimmed``, ``_multiple`` (more numbers after the first), ``_c`` (the first number without
    separators), ``_intl`` (after a +84 / 0084 / 84 prefix) and ``_nat`` (the national form, a lost '0' put back)."""
    raw = pl.col(DISTINCT_KEY)
    f = frame.with_columns(_missing=_blank(raw), _trimmed=_strip_float_suffix(raw.str.strip_chars()))
    trimmed = pl.col("_trimmed")
    f = f.with_columns(
        _multiple=trimmed.str.contains(r"[,;/|][^,;/|]*\d"),
        _c=trimmed.str.extract(r"^([^,;/|]*)", 1).str.replace_all(r"[\s.\-()\u2013]", ""),
    )
    c = pl.col("_c")
    f = f.with_columns(
        _intl=pl.when(c.str.starts_with("+84"))
        .then(c.str.slice(3))
        .when(c.str.starts_with("0084"))
        .then(c.str.slice(4))
        .when(c.str.starts_with("84") & c.str.len_chars().is_in([11, 12]))
        .then(c.str.slice(2))
    )
    intl = pl.col("_intl")
    f = f.with_columns(
        _nat=pl.when(intl.is_not_null()).then(pl.concat_str(pl.lit("0"), intl.str.replace(r"^0", ""))).otherwise(c)
    )
    nat = pl.col("_nat")
    n = nat.str.len_chars()
    lost_zero = ~nat.str.starts_with("0") & (
        ((n == 9) & nat.str.contains(r"^[35789]")) | ((n == 10) & nat.str.contains(r"^[12]"))
    )
    return f.with_columns(_nat=pl.when(lost_zero).then(pl.concat_str(pl.lit("0"), nat)).otherwise(nat))


def _with_phone_kind(f: pl.DataFrame, old: pl.DataFrame) -> pl.DataFrame:
    """From ``_nat``: ``_n``, ``_digits``, ``_p4``, ``_new3`` and ``_old_mobile`` (an 11-digit mobile of before 2018),
    ``_conv`` (converted to 10 digits), ``_mobile`` and ``_landline``."""
    nat = pl.col("_nat")
    f = f.with_columns(_n=nat.str.len_chars(), _digits=nat.str.contains(r"^\d+$"), _p4=nat.str.slice(0, 4))
    n, digits, p4 = pl.col("_n"), pl.col("_digits"), pl.col("_p4")
    f = f.with_columns(
        _new3=p4.replace_strict(old["p4"], old["new3"], default=None, return_dtype=pl.String),
        _old_mobile=(digits & (n == 11) & nat.str.starts_with("01")).fill_null(False),
    )
    new3, old_mobile = pl.col("_new3"), pl.col("_old_mobile")
    f = f.with_columns(_conv=pl.when(old_mobile).then(pl.concat_str(new3, nat.str.slice(4))).otherwise(nat))
    conv = pl.col("_conv")
    return f.with_columns(
        _mobile=(digits & (conv.str.len_chars() == 10) & conv.str.slice(0, 3).is_in(sorted(MOBILE_PREFIXES))).fill_null(
            False
        ),
        _landline=(digits & (n == 11) & nat.str.starts_with("02")).fill_null(False),
    )


# =========================================================================== names

# Combining marks of Vietnamese letters after NFD: grave, acute, tilde, hook above, dot
# below, breve, circumflex, horn.
NAME_FLAGS = (
    "empty",
    "digits_removed",
    "punctuation_removed",
    "no_diacritics",
    "unexpected_letters",
    "single_word",
    "case_fixed",
)
_VN_MARKS = "\u0300\u0301\u0303\u0309\u0323\u0306\u0302\u031b"


def _clean_name_frame(frame: pl.DataFrame) -> pl.DataFrame:
    raw = pl.col(DISTINCT_KEY)
    f = frame.with_columns(
        _missing=_blank(raw), _n=raw.str.normalize("NFC").str.replace_all("[\u2019\u02bc`\u00b4]", "'")
    )
    n = pl.col("_n")
    # a control character (a NUL of a legacy export) inside a word is dropped, not taken for a word break
    x = n.str.replace_all(r"[^\P{Cc}\s]", "").str.replace_all(r"[^\p{L}\p{M}\s'\-]", " ")
    x = x.str.replace_all(r"['\-]*\s+['\-]*", " ").str.strip_chars(" '-")  # a stray ' or - next to a space
    f = f.with_columns(
        _x=x.str.replace_all(r"\s+", " ").str.strip_chars(),
        _digits=n.str.contains(r"\d"),
        _punct=n.str.contains(r"[^\p{L}\p{M}\d\s'\-]"),
    )
    x = pl.col("_x")
    f = f.with_columns(_titled=x.str.to_titlecase())
    titled = pl.col("_titled")
    empty = titled == ""
    checks = {
        "empty": empty,
        "digits_removed": pl.col("_digits"),
        "punctuation_removed": pl.col("_punct"),
        "no_diacritics": x.str.contains(r"[A-Za-z]") & ~x.str.contains(r"[^\x00-\x7F]"),
        "unexpected_letters": x.str.normalize("NFD").str.contains(rf"[^\x00-\x7F\u0110\u0111{_VN_MARKS}]"),
        "single_word": ~empty & ~x.str.contains(" "),
        "case_fixed": ~empty & (titled != x),
    }
    missing = pl.col("_missing")
    return f.select(
        pl.col(DISTINCT_KEY),
        pl.when(~missing & ~empty).then(titled).alias("name"),
        pl.when(~missing).then(_flag_mask(*((checks[k], k) for k in NAME_FLAGS))).alias("name_flags"),
    )


def clean_person_name(names: pl.Series) -> pl.DataFrame:
    """Clean person names for display and matching.

    Columns:

    * ``name``: NFC, digits and stray punctuation removed (apostrophes and hyphens inside
      a word kept: "H'Hen Niê"), whitespace collapsed, each word in Title Case
      ("NGUYỄN VĂN ĐỨC", "nguyễn văn đức" -> "Nguyễn Văn Đức"). Tone-mark placement
      (Hòa/Hoà) is left as written. Null when missing or nothing is left.
    * ``name_original``: the input unchanged.
    * ``name_flags`` (list[str]; null when missing): ``no_diacritics`` (letters but no
      Vietnamese diacritic at all: typed without accents, or a rare accent-free name),
      ``digits_removed``, ``punctuation_removed`` (also a hint of undecoded legacy
      encodings, whose letters are symbols), ``unexpected_letters`` (letters outside the
      Vietnamese Latin alphabet), ``single_word``, ``case_fixed`` (the case changed),
      ``empty`` (nothing left).

    Legacy encodings (TCVN3, VNI, mojibake) must be repaired before
    (``pipelines.encodings.repair_column``): this function does not guess them.
    """
    out = via_distinct(names, _clean_name_frame)
    return out.select("name", pl.Series("name_original", names)).with_columns(
        _flag_lists(out["name_flags"], NAME_FLAGS, "name_flags")
    )


def name_key(names: pl.Series) -> pl.Series:
    """Matching key of a person name: ``fold`` of the cleaned name (no accents, no spaces)."""

    def compute(frame: pl.DataFrame) -> pl.DataFrame:
        cleaned = _clean_name_frame(frame)
        key = fold_expr(pl.col("name"))
        return cleaned.select(DISTINCT_KEY, pl.when(key != "").then(key).alias("name_key"))

    return via_distinct(names, compute)["name_key"]


# =========================================================================== sex

_MALE = ("nam", "m", "male", "man", "1", "trai")
_FEMALE = ("nu", "f", "female", "woman", "0", "gai")


def normalise_sex(values: pl.Series) -> pl.Series:
    """'M' / 'F' / null.

    Nam, nam, NAM, M, male, 1 -> 'M'; Nữ, Nu, nữ, F, female, 0 -> 'F' (case, accents and
    spaces ignored). The digit convention is 1 = male, 0 = female (a boolean "is male"
    column, as the old systems export it); ISO 5218's 2 = female is NOT read, because
    there 0 means "not known". Anything else -> null.
    """
    key = fold_expr(_strip_float_suffix(pl.col(DISTINCT_KEY).str.strip_chars()))
    mapping = {**{k: "M" for k in _MALE}, **{k: "F" for k in _FEMALE}}

    def compute(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.select(
            DISTINCT_KEY,
            key.replace_strict(list(mapping), list(mapping.values()), default=None, return_dtype=pl.String).alias(
                "sex"
            ),
        )

    return via_distinct(values, compute)["sex"].rename(values.name or "sex")


# =========================================================================== amounts

_AMOUNT_NOISE = r"(?i)\s+|vn[dđ]|đồng|dong|[đ₫]"
_AMOUNT_SHAPES = {
    # name: (regex on the cleaned text, notation it proves, decimal separator)
    "plain": (r"^\d+$", None, None),
    "vi_thousands": (r"^\d{1,3}(?:\.\d{3}){2,}$", "vi", None),
    "en_thousands": (r"^\d{1,3}(?:,\d{3}){2,}$", "en", None),
    "vi_grouped_decimal": (r"^\d{1,3}(?:\.\d{3})+,\d+$", "vi", ","),
    "en_grouped_decimal": (r"^\d{1,3}(?:,\d{3})+\.\d+$", "en", "."),
    "vi_decimal": (r"^\d+,(?:\d{1,2}|\d{4,})$|^\d{4,},\d+$", "vi", ","),
    "en_decimal": (r"^\d+\.(?:\d{1,2}|\d{4,})$|^\d{4,}\.\d+$", "en", "."),
    "ambiguous": (r"^\d{1,3}[.,]\d{3}$", None, None),
}


def _amount_shape(frame: pl.DataFrame) -> pl.DataFrame:
    raw = pl.col(DISTINCT_KEY)
    f = frame.with_columns(_missing=_blank(raw), _t=raw.str.replace_all(_AMOUNT_NOISE, ""))
    t = pl.col("_t")
    f = f.with_columns(_neg=t.str.starts_with("-") | (t.str.starts_with("(") & t.str.ends_with(")")))
    f = f.with_columns(_t=t.str.strip_chars("-+()"))
    shape = pl.lit(None, dtype=pl.String)
    for name, (pattern, _, _) in reversed(_AMOUNT_SHAPES.items()):
        shape = pl.when(t.str.contains(pattern)).then(pl.lit(name)).otherwise(shape)
    return f.with_columns(_shape=shape)


def amount_notation(values: pl.Series) -> str | None:
    """A column's notation, ``'vi'`` or ``'en'``, from its unambiguous values (distinct values counted).

    '1.234.567' and '1.234,5' are evidence of Vietnamese notation, '1,234,567' and '1,234.5'
    of English. The larger count wins; a tie or no evidence gives None.
    """
    distinct = _as_string(values).drop_nulls().unique().to_frame()
    if distinct.is_empty():
        return None
    shapes = _amount_shape(distinct)["_shape"]
    counts = {"vi": 0, "en": 0}
    for name, n in shapes.drop_nulls().value_counts().iter_rows():
        notation = _AMOUNT_SHAPES[name][1]
        if notation:
            counts[notation] += n
    if counts["vi"] == counts["en"]:
        return None
    return "vi" if counts["vi"] > counts["en"] else "en"


def parse_amounts(values: pl.Series, *, notation: str | None = None) -> pl.DataFrame:
    """Money amounts as written in Vietnamese or English notation; never a silent guess.

    Columns:

    * ``integer`` (Int64): the whole part with its sign; null when missing or unreadable.
    * ``fraction`` (String): the digits after the decimal separator ('50' for 1.234,50),
      null when there are none. ``fractional`` (bool): a fraction that is not all zeros.
    * ``notation``: ``plain`` (digits only), ``vi``, ``en``; null when unreadable.
    * ``ambiguous`` (bool): the value has one separator followed by exactly three digits
      ('1.234', '500,000'): thousands in one notation, decimals in the other.
    * ``error``: null, ``ambiguous separator`` (an ambiguous value and no ``notation``
      to read it by) or ``not an amount``.

    Rules: spaces, 'VND'/'VNĐ'/'đ'/'₫'/'đồng' and a sign ('-' or parentheses) are accepted.
    '1.234.567' (several dot groups) and '1.234,5' are Vietnamese; '1,234,567' and
    '1,234.5' English; a separator followed by 1-2 or 4+ digits, or preceded by 4+
    digits, can only be a decimal separator ('1234,5' Vietnamese, '12.50' English). An
    ambiguous value is read in ``notation`` when given ('vi': '1.234' = 1234, '1,234' =
    1.234; 'en' the other way round), typically :func:`amount_notation` of the value's
    column, i.e. the source's own convention shown by its unambiguous values; else it is
    an error.
    """
    if notation not in (None, "vi", "en"):
        raise ValueError(f"notation must be 'vi', 'en' or None, not {notation!r}")

    def compute(frame: pl.DataFrame) -> pl.DataFrame:
        f = _amount_shape(frame)
        shape, t = pl.col("_shape"), pl.col("_t")
        proves = {n: v[1] for n, v in _AMOUNT_SHAPES.items()}
        decimal = {n: v[2] for n, v in _AMOUNT_SHAPES.items()}
        resolved = pl.lit(notation, dtype=pl.String)
        f = f.with_columns(
            _notation=pl.when(shape == "plain")
            .then(pl.lit("plain"))
            .when(shape == "ambiguous")
            .then(resolved)
            .otherwise(shape.replace_strict(proves, default=None, return_dtype=pl.String))
        )
        n = pl.col("_notation")
        dec_sep = (
            pl.when(shape == "ambiguous")
            .then(pl.when(n == "vi").then(pl.lit(",")).when(n == "en").then(pl.lit(".")))
            .otherwise(shape.replace_strict(decimal, default=None, return_dtype=pl.String))
        )
        f = f.with_columns(_dec=dec_sep)
        dec = pl.col("_dec")
        parts = t.str.split(dec.fill_null("\x00"))
        f = f.with_columns(
            _whole=pl.when(n.is_not_null()).then(parts.list.get(0, null_on_oob=True).str.replace_all(r"[.,]", "")),
            _frac=pl.when(n.is_not_null() & dec.is_not_null()).then(parts.list.get(1, null_on_oob=True)),
        )
        whole = pl.col("_whole").cast(pl.Int64, strict=False)
        sign = pl.when(pl.col("_neg")).then(-1).otherwise(1)
        frac = pl.col("_frac")
        missing = pl.col("_missing")
        ok = ~missing & whole.is_not_null()
        return f.select(
            pl.col(DISTINCT_KEY),
            pl.when(ok).then(whole * sign).alias("integer"),
            pl.when(ok).then(frac).alias("fraction"),
            pl.when(ok).then(frac.str.contains("[1-9]").fill_null(False)).alias("fractional"),
            pl.when(ok).then(n).alias("notation"),
            pl.when(~missing).then((shape == "ambiguous").fill_null(False)).alias("ambiguous"),
            pl.when(missing | ok)
            .then(None)
            .when(shape == "ambiguous")
            .then(pl.lit("ambiguous separator"))
            .otherwise(pl.lit("not an amount"))
            .alias("error"),
        )

    return via_distinct(values, compute)


# =========================================================================== reporting

_CATEGORY = r"^([a-z][a-z0-9 -]*?)(?:\s*[:(]|\s+'|\s+\+|\s+\d|$)"


def error_category(errors: pl.Expr) -> pl.Expr:
    """The leading words of an error text, without the value it quotes ("impossible date 31/02/1990" -> "impossible date")."""
    return errors.str.extract(_CATEGORY, 1)


_ERROR_COLUMNS = ("error", "tax_code_error", "phone_error")
_FLAG_COLUMNS = ("id_flags", "name_flags")


def error_summary(result: pl.DataFrame) -> pl.DataFrame:
    """Rows per reason in a standardisation result: ``column``, ``reason``, ``rows``.

    Errors are grouped by their leading words ("impossible date 31/02/1990" ->
    "impossible date"); flags by name. For load reports and validation summaries.
    """
    parts = []
    for c in _ERROR_COLUMNS:
        if c in result.columns:
            reason = error_category(pl.col(c))
            parts.append(result.select(pl.lit(c).alias("column"), reason.alias("reason")).drop_nulls("reason"))
    for c in _FLAG_COLUMNS:
        if c in result.columns:
            parts.append(
                result.select(pl.lit(c).alias("column"), pl.col(c).alias("reason"))
                .explode("reason")
                .drop_nulls("reason")
            )
    if not parts:
        return pl.DataFrame(schema={"column": pl.String, "reason": pl.String, "rows": pl.UInt32})
    return (
        pl.concat(parts)
        .group_by("column", "reason")
        .agg(rows=pl.len())
        .sort(["column", "rows", "reason"], descending=[False, True, False])
    )

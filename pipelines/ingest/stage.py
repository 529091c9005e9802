"""staged: raw rows typed, repaired and validated; rows that cannot be staged go to quarantine.

Per registry: text fields have legacy encodings repaired (and the repair noted),
names cleaned with the original kept, dates parsed (ambiguous day/month flagged),
IDs, tax codes and phones validated with flags rather than drops, and the old
address resolved to its 2025 ward. Each staged field declares in pipelines/schema.py
what a missing or unreadable value does to its row (``on_missing`` / ``on_invalid``):
quarantine it (the row cannot be read or placed: no name, no address, no tax period)
or stage it with the problem listed in ``issues`` (a birth date, ID or phone a record
can live without). Rows the reader could not split are quarantined too, and an
extract whose rows mostly cannot be staged is rejected whole. Every raw row ends in
exactly one of the two outputs; reasons and issues never quote a value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from pipelines import standardise as std
from pipelines.encodings import NUL_REMOVED, repair_column, without_nul
from pipelines.ingest.readers import CUT_OFF_FLAG, DELETED_FLAG, EXCEL_ERROR_FLAG, HEADER_FLAG
from pipelines.reference import default_reference
from pipelines.resolve import (
    DISTRICT_MARKERS,
    PROVINCE_MARKERS,
    WARD_MARKERS,
    WARD_MARKERS_2025,
    resolve_addresses,
)
from pipelines.schema import (
    ADDRESS_PARTS,
    LINEAGE_FIELDS,
    QUARANTINE,
    REJECT_MIN_ROWS,
    REJECT_SHARE,
    STAGED_FIELDS,
    staged_table,
)
from pipelines.text import strip_accents_fast_expr

LINEAGE = [f.name for f in LINEAGE_FIELDS]
# the sex too: a double-decoded 'Nữ' ('Ná»¯') read unrepaired was no sex, every woman of such a file flagged unreadable
TEXT_FIELDS = {
    "population": ("full_name", "sex", "relation_to_head", "address", *ADDRESS_PARTS),
    "households": ("head_name", "address", *ADDRESS_PARTS),
    "businesses": ("business_name", "business_kind", "owner_name", "status", "address", *ADDRESS_PARTS),
    "tax": ("taxpayer_name", "tax_office", "tax_type", "address", *ADDRESS_PARTS),
}


@dataclass
class StageResult:
    staged: pl.DataFrame
    quarantine: pl.DataFrame
    repairs: dict[
        str, dict[str, int]
    ]  # field -> repair kind -> rows (text repairs; an ID field's leading_zero_restored)
    ward_status: dict[str, int]
    rejected: str | None = None  # why the whole extract was rejected (all rows quarantined): fail its partition
    reference: str | None = None  # fingerprint of the reference the addresses were resolved with (reresolve.py)
    # date field -> rows whose value is written but could not be read as a date (each flagged in its row's issues)
    unreadable: dict[str, int] = field(default_factory=dict)


DECODED_FLAG = r"(?:^|; )decoded:([^;]+)"  # row_flags 'decoded:address=tcvn3,...' (raw.py): read in that encoding


def _without_nul(raw: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, int], list[pl.Expr]]:
    """The raw rows with every NUL character taken out of their field values (encodings.without_nul: they stayed in
    staging, an address '12 Lê\\x00 Lợi', a household number; an ID or a date with one inside was read as invalid).
    Per field, how many values held one (a repair of kind nul_removed), and the row notes ('address:nul_removed');
    never a value. Raw keeps the rows as read."""
    fields = [
        c
        for c, dtype in raw.schema.items()
        if dtype == pl.String and c not in LINEAGE and c not in ("read_problem", "row_flags", "extra_columns")
    ]
    cleaned, counts, notes = without_nul(raw, fields, notes=True)
    # a row without NUL has an empty note: null, or text_repairs would read '; address:vni' beside another repair
    return cleaned, counts, [] if notes is None else [pl.lit(notes.replace("", None))]


def repair_text_fields(raw: pl.DataFrame, registry: str) -> tuple[pl.DataFrame, dict[str, dict[str, int]]]:
    """NFC + legacy-encoding repair of every text field; notes which repair each row got. A field the reader
    already read in a legacy encoding (row_flags 'decoded:field=encoding': a SQLite cell not UTF-8) counts as
    repaired by that encoding, and the row's note says so, as for a repair made here. NUL characters are taken out
    of every field first (_without_nul), counted as repairs of kind nul_removed."""
    raw, nuls, notes = _without_nul(raw)
    repairs: dict[str, dict[str, int]] = {name: {NUL_REMOVED: n} for name, n in nuls.items()}
    if "row_flags" in raw.columns:
        decoded = raw.select(pl.col("row_flags").str.extract(DECODED_FLAG, 1).str.split(",")).to_series()
        if decoded.drop_nulls().len():
            for item, n in decoded.explode().drop_nulls().value_counts().iter_rows():
                name, encoding = item.split("=", 1)
                repairs.setdefault(name, {})[encoding] = n
            notes.append(pl.lit(decoded.list.eval(pl.element().str.replace("=", ":", literal=True)).list.join("; ")))
    columns = {}
    for name in TEXT_FIELDS[registry]:
        if name not in raw.columns or raw[name].null_count() == raw.height:
            continue
        fixed = repair_column(raw[name])
        columns[name] = fixed["text"]
        counts = fixed["repair"].drop_nulls().value_counts()
        for kind, n in counts.iter_rows():
            repairs.setdefault(name, {})[kind] = repairs.get(name, {}).get(kind, 0) + n
        notes.append(pl.when(fixed["repair"].is_not_null()).then(pl.format("{}:{}", pl.lit(name), fixed["repair"])))
    frame = raw.with_columns(**columns)
    if notes:
        frame = frame.with_columns(
            text_repairs=pl.concat_str(notes, separator="; ", ignore_nulls=True).replace("", None)
        )
    else:
        frame = frame.with_columns(text_repairs=pl.lit(None, dtype=pl.String))
    return frame, repairs


# The resolver's segment boundaries (pipelines.resolve._TOKEN) and unit-type words (its Markers, longest first), for
# comparing an address text with the address parts a source also maps (address_text)
_SEGMENT = r"[,;|()\[\]\n]| - "
_UNIT_WORD = r"\b(?:{})\b".format(
    "|".join(
        sorted(
            {m for markers in (WARD_MARKERS, WARD_MARKERS_2025, DISTRICT_MARKERS, PROVINCE_MARKERS) for m in markers},
            key=lambda m: (-len(m), m),
        )
    )
)
_STREET, _UNITS = ADDRESS_PARTS[0], ADDRESS_PARTS[1:]  # street_address; ward, district, province: small to large


def _named(folded: pl.Expr) -> pl.Expr:
    """The unit names an address text gives, as comparable text: ' | 12 le loi | ben thanh | 1 | ' for '12 Lê Lợi,
    P. Bến Thành, Q.01' (``folded``: text.strip_accents). Segment boundaries and unit-type words (phường, P., Q.,
    quận, TP., ...; P12 read as P 12) are each one ' | ', leading zeros of numbers dropped, so 'Phường 12', 'P.12'
    and 'F12' are all ' | 12 | ', and a name counts only as a whole segment or after a unit-type word, as the
    resolver anchors it: the '12' of '12 Lê Lợi' and the 'Tân Định' of 'Đường Tân Định' name no unit."""
    return (
        pl.concat_str(pl.lit("|"), folded.str.replace_all(_SEGMENT, " | "), pl.lit("|"))
        .str.replace_all(r"[^a-z0-9|]+", " ")
        .str.replace_all(r"\b([pfqhx])(\d+)\b", "${1} ${2}")
        .str.replace_all(r"\b0+(\d)", "${1}")
        .str.replace_all(_UNIT_WORD, "|")
        .str.replace_all(r"\s*(?:\|\s*)+", " | ")
    )


def _unit_names(values: pl.Series) -> pl.Series:
    """:func:`_named` of address parts, worked out once per distinct value (a ward column holds few)."""
    named = _named(strip_accents_fast_expr(pl.col(std.DISTINCT_KEY))).alias("named")
    return std.via_distinct(values, lambda d: d.with_columns(named))["named"]


def _with_parts(rows: pl.DataFrame) -> pl.Series:
    """Each row's address text with the address parts of its row it does not name (``rows``: address and the parts,
    street_address, ward, district, province, null where blank). The text is kept as written, first: a street it
    does not hold goes before it; the units go after it, small to large, as the resolver reads right to left (the
    province, the district, then the ward just left of it): none when the text names every unit part (anywhere:
    :func:`_named`); else those after the parts the text ends with ('12 Lê Lợi, P. Bến Thành' + Quận 1 -> '..., Quận
    1'); else the province alone when the text names the others (in another spelling, 'TP.HCM' + Hồ Chí Minh); else
    all of them, even ones the text names elsewhere: a ward put after the text's district or province is read in no
    district ('12 Lê Lợi, Quận 1' + Phường Bến Thành -> '12 Lê Lợi, Quận 1, Phường Bến Thành, Quận 1')."""
    units = [p for p in _UNITS if p in rows.columns]
    heads = [
        pl.concat_str(units[:k], separator=", ", ignore_nulls=True).replace("", None) for k in range(1, len(units))
    ]
    work = rows.with_columns(_folded=strip_accents_fast_expr(pl.col("address")))
    work = work.with_columns(
        _named=_named(pl.col("_folded")),
        _folded=pl.col("_folded").str.replace_all(r"[^a-z0-9]+", ""),  # text.fold's key: the street is looked up in it
        **{f"_unit{i}": _unit_names(rows[u]) for i, u in enumerate(units)},
        **{f"_head{k}": _unit_names(rows.select(h).to_series()) for k, h in enumerate(heads, 1)},
    )
    named = pl.col("_named")
    unit_named = [
        pl.col(u).is_null() | named.str.contains(pl.col(f"_unit{i}"), literal=True).fill_null(False)
        for i, u in enumerate(units)
    ]
    tail = pl.concat_str(units, separator=", ", ignore_nulls=True)
    if units and units[-1] == _UNITS[-1]:
        tail = pl.when(pl.all_horizontal(unit_named[:-1])).then(pl.col(units[-1])).otherwise(tail)
    for k in range(1, len(units)):  # the longest run of leading parts the text ends with is left out
        ends = pl.col(f"_head{k}").is_not_null() & named.str.ends_with(pl.col(f"_head{k}")).fill_null(False)
        tail = pl.when(ends).then(pl.concat_str(units[k:], separator=", ", ignore_nulls=True)).otherwise(tail)
    tail = pl.when(pl.all_horizontal(unit_named)).then(None).otherwise(tail.replace("", None))
    joined = pl.concat_str(["address", tail], separator=", ", ignore_nulls=True)
    if _STREET in rows.columns:
        street = pl.col(_STREET)
        held = pl.col("_folded").str.contains(
            strip_accents_fast_expr(street).str.replace_all(r"[^a-z0-9]+", ""), literal=True
        )
        joined = (
            pl.when(street.is_not_null() & ~held.fill_null(False))
            .then(pl.concat_str([street, joined], separator=", "))
            .otherwise(joined)
        )
    return work.select(joined.alias("address")).to_series()


def address_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Every row's one address text, the resolver's input: the source's address text, or its address parts
    (street_address, ward, district, province) joined small to large when it has no text, or, when it has both, the
    text with the parts it does not name (:func:`_with_parts`): a ward column beside an 'Địa chỉ' of house number and
    street was never read. A blank text or part counts as none. Worked out once per distinct text and parts. The
    marts read a quarantined row's address with it too (publish.marts.quarantine_wards), after
    :func:`repair_text_fields`."""
    columns = [p for p in ADDRESS_PARTS if p in frame.columns]
    parts = {p: pl.when(~_blank(p)).then(pl.col(p)).alias(p) for p in columns}
    text = pl.when(~_blank("address")).then(pl.col("address")).alias("address")
    joined = pl.concat_str(list(parts.values()), separator=", ", ignore_nulls=True).replace("", None)
    both = (text.is_not_null() & pl.any_horizontal(p.is_not_null() for p in parts.values())) if parts else pl.lit(False)
    if not frame.select(both.any()).item():
        return frame.with_columns(address=pl.coalesce(text, joined))
    keys = ["address", *columns]
    distinct = frame.filter(both).select(keys).unique()
    distinct = distinct.with_columns(_address=_with_parts(distinct.select(text, *parts.values())))
    frame = frame.join(distinct, on=keys, how="left", nulls_equal=True, maintain_order="left")
    return frame.with_columns(address=pl.coalesce("_address", text, joined)).drop("_address")


def with_resolved_addresses(frame: pl.DataFrame, reference=None) -> pl.DataFrame:
    """``frame`` with its addresses read by the resolver: old_uid, new_uid and the ward_* columns. Staging's reading,
    which entities.reresolve repeats when the reference changes (same inputs, same reading)."""
    # The registration date decides between an old-form and a 2025-form reading of an address
    # without district (the extract date cannot: old systems are extracted after the reform).
    as_of = frame["registered_on"] if "registered_on" in frame.columns else None
    resolved = resolve_addresses(frame["address"], reference, as_of=as_of)
    return frame.with_columns(
        old_uid=resolved["old_uid"],
        new_uid=resolved["new_uid"],
        ward_status=resolved["status"],
        ward_scheme=resolved["scheme"],
        ward_confidence=resolved["confidence"],
        ward_candidates=resolved["candidates"],
        ward_reason=resolved["reason"],
    )


def _joined(flags: pl.Series) -> pl.Series:
    """A list of flags as '; '-joined text (null when none)."""
    if flags.dtype == pl.String:
        return flags
    return flags.list.join("; ").replace("", None)


def _blank(col: str) -> pl.Expr:
    return pl.col(col).is_null() | (pl.col(col).str.strip_chars() == "")


# date prefix -> staged field whose source order may be overridden (see read_dates): noted in ``issues``
_SWAPPABLE = {"dob": "date_of_birth", "reg": "registered_on"}


def read_dates(frame: pl.DataFrame, col: str, day_first: bool, prefix: str) -> pl.DataFrame:
    """Parse ``col`` in the source's declared day/month order, keeping the only valid reading.

    A value impossible in the declared order but valid in the other (a day-first registry's
    "03/25/1990": there is no month 25) is staged in the other order, not left empty:
    ``{prefix}_swapped`` marks it and :func:`_swap_notes` lists it in the row's ``issues``.
    parse_dates itself never swaps; this is where the decision is made. Values that are
    ambiguous (both parts <= 12) keep the declared order and their ``ambiguous`` flag.
    """
    if (
        frame[col].dtype == pl.String
    ):  # a writer's empty date ('00000000' from dBase) is empty: 'missing', not unreadable
        frame = frame.with_columns(pl.when(std.empty_date(pl.col(col))).then(None).otherwise(pl.col(col)).alias(col))
    parsed = std.parse_dates(frame[col], day_first=day_first)
    swapped = parsed["other_order"].is_not_null()
    return frame.with_columns(
        pl.coalesce(parsed["date"], parsed["other_order"]).alias(f"{prefix}_date"),
        pl.when(swapped).then(None).otherwise(parsed["error"]).alias(f"{prefix}_error"),
        pl.when(swapped).then(pl.lit("day")).otherwise(parsed["precision"]).alias(f"{prefix}_precision"),
        # a reading valid in one order only is not ambiguous
        pl.when(swapped).then(False).otherwise(parsed["ambiguous"]).alias(f"{prefix}_ambiguous"),
        swapped.alias(f"{prefix}_swapped"),
    )


def _swap_notes(frame: pl.DataFrame, day_first: bool) -> list[pl.Expr]:
    """Issue texts for dates staged in the other day/month order (value-free); none once a later check voided the date."""
    order = "month-first" if day_first else "day-first"
    return [
        pl.when(pl.col(f"{prefix}_swapped") & pl.col(f"{prefix}_date").is_not_null()).then(
            pl.lit(f"{field}: read {order} (the only valid order)")
        )
        for prefix, field in _SWAPPABLE.items()
        if f"{prefix}_swapped" in frame.columns
    ]


@dataclass(frozen=True)
class Check:
    """What can be wrong with one staged field of a row: ``missing`` or ``invalid`` (with ``why``, value-free).

    The staged field's declaration (``on_missing`` / ``on_invalid`` in pipelines/schema.py)
    decides whether a failing row is quarantined or staged with the problem in ``issues``.
    ``label`` names the field in reasons (the source's field: 'period' for period_start).
    """

    field: str
    missing: pl.Expr
    invalid: pl.Expr
    why: pl.Expr
    label: str | None = None
    missing_why: pl.Expr | None = None  # the reason of a missing value per row (default 'missing')
    on_invalid: str | None = None  # overrides the field's declared on_invalid for this check (a boolean sex)


def _never() -> pl.Expr:
    return pl.lit(False)


_EXCEL_ERRORS = "_excel_errors"  # per row, the fields stage() found in its excel_error flag
EXCEL_ERROR_WHY = (
    "an Excel error in the workbook (a formula that failed: #REF!, #N/A..., or was never calculated: no result saved), "
    "read as empty"
)
NOT_A_NAME = "written but no letters (digits or punctuation only): not a name"
# a JSON true/false, a SQLite BOOLEAN column's, an XLSX TRUE/FALSE cell or a PostgreSQL boolean in a name's column: the
# readers write it as the text 'true' / 'false', which the name cleaning read as the name 'True'
BOOLEAN_NAME = "written true/false (a yes/no value, not text): not a name"


def _boolean_text(col: str) -> pl.Expr:
    """True where the column's value is a boolean as the readers write one: 'true' / 'false' (case and spaces aside)."""
    return pl.col(col).str.strip_chars().str.to_lowercase().is_in(["true", "false"]).fill_null(False)


def _no_boolean(name: pl.Series, written: pl.Series) -> pl.Series:
    """The name, null where the value ``written`` is a boolean (:func:`_boolean_text`): it is flagged, not staged."""
    boolean = pl.DataFrame({"w": written}).select(_boolean_text("w"))["w"]
    return name.set(boolean, None) if boolean.any() else name


def _not_a_name_why(original: str) -> pl.Expr:
    return pl.when(_boolean_text(original)).then(pl.lit(BOOLEAN_NAME)).otherwise(pl.lit(NOT_A_NAME))


def _name_check(field: str, original: str | None = None) -> Check:
    """A person's name the cleaning left empty: 'missing' where nothing was written, else why (a SQLite INTEGER, a
    '12345' or '???' typed in the column is not a missing name: the source holds something there; nor is a boolean,
    'true' / 'false'). ``original``: the column holding the value as written (default ``<field>_original``)."""
    original = original or f"{field}_original"
    return Check(
        field,
        pl.col(field).is_null(),
        _never(),
        pl.lit(""),
        missing_why=pl.when(~_blank(original)).then(_not_a_name_why(original)).otherwise(pl.lit("missing")),
    )


def _optional_name_check(field: str, original: str) -> Check:
    """A name a row can live without (a business's owner, a taxpayer's name) written but left empty by the reading (no
    letters, or a boolean): flagged in the row's issues with why, not staged silently empty."""
    return Check(
        field,
        _never(),
        pl.col(field).is_null() & ~_blank(original),
        _not_a_name_why(original),
        on_invalid="flag",
    )


def _category(errors: pl.Expr) -> pl.Expr:
    return pl.coalesce(std.error_category(errors), pl.lit("unreadable"))


# registry -> (ID field, its staged flags column): where restored leading zeros are counted (StageResult.repairs)
ID_FLAG_COLUMNS = {
    "population": (("personal_id", "id_flags"), ("old_id_number", "old_id_flags")),
    "households": (("head_personal_id", "head_id_flags"),),
    "businesses": (("owner_personal_id", "owner_id_flags"),),
}
ID_REPAIRS = (std.ID_REPAIR_FLAG, std.FORM_FLAG)  # the ID flags that name a repair made, not a problem
# registry -> fields read from a written form by standardise.written_form (a tax code 'MST: 0312...', a phone
# "'0901..."), each marked in a column _form_<field>: counted as repairs and noted in the row's text_repairs
FORM_FIELDS = {"population": ("phone",), "businesses": ("tax_code",), "tax": ("taxpayer_code",)}
NUMERIC_CELLS = (
    "numeric"  # row_flags 'numeric:personal_id,old_id_number': the reader read these fields from number cells
)


def _numeric_cells(frame: pl.DataFrame, field: str) -> pl.Series:
    """Per row, whether the reader marked ``field``'s cell as a number (row_flags ``numeric:<field>,...``): an XLSX
    number cell, a SQL integer, a dBase numeric field, a JSON number, all of which drop an ID's leading zeros. False
    when the reader said nothing (text cells, CSV, JSON strings)."""
    pattern = rf"(?:^|; ){NUMERIC_CELLS}:(?:[a-z_]+,)*{field}(?:,|;|$)"
    return frame.select(pl.col("row_flags").fill_null("").str.contains(pattern).alias(field))[field]


def _id_check(field: str, ids: pl.DataFrame, flags_col: str) -> tuple[dict, Check]:
    flags = _joined(ids["id_flags"])
    columns = {field: ids["personal_id"], flags_col: flags}
    check = Check(field, _never(), pl.col(flags_col).is_not_null(), pl.col(flags_col))
    return columns, check


BOOLEAN_SEX = (
    "written true/false (column {column} is yes/no): which sex is true is not declared; "
    'set sex_true = "M" or "F" in its catalogue entry'
)


def _boolean_sex(sex_raw: pl.Series, sex: pl.Series, sex_true: str | None) -> tuple[pl.Series, pl.Series]:
    """(sex, whether the row's sex is a boolean left undeclared). A boolean cannot say which sex is true: the readers
    write a PostgreSQL boolean, a SQLite BOOLEAN column's 0/1, an XLSX TRUE/FALSE cell and a dBase logical as
    'true'/'false'; such a value is read by ``sex_true`` (the catalogue's "M" or "F"; false is the other), and without
    it the row is quarantined (it was staged with the sex unreadable on every row, a dBase 'F' as female). With
    ``sex_true`` declared, the digits 1 / 0 are true / false too (undeclared, they keep standardise.normalise_sex's
    reading, 1 = male): a declaration that said 1 is female and was not applied to a 0/1 text column would stage
    every person the other sex."""
    word = sex_raw.str.strip_chars().str.to_lowercase()
    boolean = word.is_in(["true", "false"]).fill_null(False)
    if sex_true is None:
        return sex, boolean
    other = "F" if sex_true == "M" else "M"
    digit = word.str.replace(r"\.0+$", "")
    declared_values = boolean | digit.is_in(["1", "0"]).fill_null(False)
    truth = (word == "true") | (digit == "1")
    declared = pl.select(pl.when(truth).then(pl.lit(sex_true)).otherwise(pl.lit(other))).to_series()
    return sex.zip_with(~declared_values, declared).rename(sex.name), pl.repeat(False, sex.len(), eager=True)


def _population(
    frame: pl.DataFrame, day_first: bool, sex_true: str | None = None, sex_column: str | None = None
) -> tuple[pl.DataFrame, list[Check]]:
    names = std.clean_person_name(frame["full_name"])
    names = names.with_columns(_no_boolean(names["name"], frame["full_name"]))
    frame = _with_plausible_birth_dates(frame, day_first)
    frame = read_dates(frame, "registered_on", day_first, "reg")
    sex, undeclared = _boolean_sex(frame["sex"], std.normalise_sex(frame["sex"]), sex_true)
    ids, id_check, cmnd, cmnd_check = _checked_person_ids(frame, sex)
    phone = std.normalise_phone(frame["phone"])
    frame = frame.with_columns(
        _phone_error=phone["phone_error"],
        _phone_multiple=phone["phone_multiple"],
        _form_phone=phone[f"phone_{std.FORM_FLAG}"],
        _sex_raw=frame["sex"],
        _sex_boolean=undeclared,
        _dob_raw=frame["date_of_birth"],
    )
    frame = frame.with_columns(
        full_name=names["name"],
        full_name_original=names["name_original"],
        name_key=std.name_key(names["name"]),
        name_flags=_joined(names["name_flags"]),
        sex=sex,
        **ids,
        **cmnd,
        phone=phone["phone"],
        phone_flags=pl.concat_str(
            [
                std.error_category(pl.col("_phone_error")),
                pl.when(pl.col("_phone_multiple")).then(pl.lit("multiple numbers")),
            ],
            separator="; ",
            ignore_nulls=True,
        ).replace("", None),
    )
    checks = _population_checks(id_check, cmnd_check, sex_column)
    frame = frame.with_columns(
        date_of_birth="dob_date",
        dob_precision="dob_precision",
        dob_ambiguous="dob_ambiguous",
        registered_on="reg_date",
    )
    return frame, checks


def _with_plausible_birth_dates(frame: pl.DataFrame, day_first: bool) -> pl.DataFrame:
    """The birth date parsed (dob_*), a date after the extract or over 120 years before it made unreadable."""
    frame = read_dates(frame, "date_of_birth", day_first, "dob")
    # A birth date after the extract was written, or more than 120 years before it, is a clerk's
    # slip (a year typo), not a person: the date is unreadable and flagged, the person stays.
    implausible = (pl.col("dob_date") > pl.col("extract_date")) | (
        pl.col("dob_date") < pl.col("extract_date").dt.offset_by("-120y")
    )
    return frame.with_columns(
        dob_error=pl.when(implausible)
        .then(pl.lit("implausible date (after the extract or over 120 years before)"))
        .otherwise("dob_error"),
        dob_date=pl.when(implausible).then(None).otherwise("dob_date"),
        # no date kept, no precision either (it said 'day' beside an empty date_of_birth)
        dob_precision=pl.when(implausible).then(None).otherwise("dob_precision"),
        dob_ambiguous=pl.when(implausible).then(None).otherwise("dob_ambiguous"),
    )


def _checked_person_ids(frame: pl.DataFrame, sex: pl.Series) -> tuple[dict, Check, dict, Check]:
    """(personal_id's columns, its check, old_id_number's columns, its check): each ID routed to the column of its
    form, then checked (the CCCD against sex and birth date)."""
    # one "Số CMND/CCCD" column holds both kinds: each value goes to the column of its form; a placeholder
    # ('000000000', '0', '123456789') is flagged and kept out of the ID columns (its text stays in raw)
    routed = std.route_id_kinds(
        frame["personal_id"],
        frame["old_id_number"],
        personal_numeric=_numeric_cells(frame, "personal_id"),
        old_numeric=_numeric_cells(frame, "old_id_number"),
    )
    ids, id_check = _id_check(
        "personal_id",
        _with_route_flag(
            std.check_personal_id(routed["personal_id"], sex, frame["dob_date"], numeric=routed["personal_id_numeric"]),
            routed["personal_id_flag"],
        ),
        "id_flags",
    )
    cmnd, cmnd_check = _id_check(
        "old_id_number",
        _with_route_flag(
            std.check_personal_id(routed["old_id_number"], numeric=routed["old_id_numeric"]), routed["old_id_flag"]
        ),
        "old_id_flags",
    )
    return ids, id_check, cmnd, cmnd_check


def _with_route_flag(checked: pl.DataFrame, flag: pl.Series) -> pl.DataFrame:
    """The checked IDs' id_flags with the routing's flag of the row (when it has one) after them."""
    extra = pl.DataFrame({"f": flag}).select(pl.concat_list(pl.col("f")).list.drop_nulls())["f"]
    return checked.with_columns(pl.col("id_flags").list.concat(extra))


def _population_checks(id_check: Check, cmnd_check: Check, sex_column: str | None) -> list[Check]:
    """The population registry's field checks, in the order their reasons are listed."""
    return [
        _name_check("full_name"),
        Check(
            "date_of_birth",
            _blank("_dob_raw"),
            pl.col("dob_date").is_null() & ~_blank("_dob_raw"),
            pl.format("unreadable ({})", _category(pl.col("dob_error"))),
        ),
        Check(
            "sex",
            _never(),
            pl.col("sex").is_null() & ~_blank("_sex_raw") & ~pl.col("_sex_boolean"),
            pl.lit("unreadable (not M/F)"),
        ),
        Check(
            "sex",
            _never(),
            pl.col("_sex_boolean"),
            pl.lit(BOOLEAN_SEX.format(column=repr(sex_column) if sex_column else "sex")),
            on_invalid="quarantine",
        ),
        id_check,
        cmnd_check,
        Check(
            "phone",
            _never(),
            pl.col("_phone_error").is_not_null(),
            pl.format("not a phone number ({})", _category(pl.col("_phone_error"))),
        ),
        _registered_on(),
    ]


def _registered_on() -> Check:
    return Check(
        "registered_on",
        _never(),
        pl.col("reg_error").is_not_null(),
        pl.format("unreadable ({})", _category(pl.col("reg_error"))),
    )


def _households(frame: pl.DataFrame, day_first: bool):
    names = std.clean_person_name(frame["head_name"])
    names = names.with_columns(_no_boolean(names["name"], frame["head_name"]))
    frame = read_dates(frame, "registered_on", day_first, "reg")
    head_ids = std.check_personal_id(frame["head_personal_id"], numeric=_numeric_cells(frame, "head_personal_id"))
    ids, id_check = _id_check("head_personal_id", head_ids, "head_id_flags")
    # a float's text of a whole number ('3.0' of a pandas export, '3,0' with a decimal comma) is that number; one zero
    # only: '1.000' may be a thousand (Vietnamese notation) or one (English), and stays unreadable
    members = frame["members"].str.strip_chars().str.replace(r"^(\d+)[.,]0$", "$1").cast(pl.Int32, strict=False)
    # a household has at least its head: 0 or fewer members is flagged and not kept (as an implausible birth date)
    implausible = (members < 1).fill_null(False)
    frame = frame.with_columns(
        head_name=names["name"],
        head_name_original=names["name_original"],
        **ids,
        members=pl.Series("members", members).set(implausible, None),
        registered_on="reg_date",
        _members_raw=frame["members"],
        _members_implausible=implausible,
    )
    checks = [
        Check("household_no", _blank("household_no"), _never(), pl.lit("")),
        _name_check("head_name"),
        id_check,
        Check(
            "members",
            _never(),
            pl.col("members").is_null() & ~_blank("_members_raw"),
            pl.when(pl.col("_members_implausible"))
            .then(pl.lit("implausible (fewer than 1 member)"))
            .otherwise(pl.lit("unreadable (not a number of members)")),
        ),
        _registered_on(),
    ]
    return frame, checks


def _businesses(frame: pl.DataFrame, day_first: bool):
    owner = std.clean_person_name(frame["owner_name"])
    frame = read_dates(frame, "registered_on", day_first, "reg")
    codes = std.check_tax_code(frame["tax_code"])
    owner_ids = std.check_personal_id(frame["owner_personal_id"], numeric=_numeric_cells(frame, "owner_personal_id"))
    ids, id_check = _id_check("owner_personal_id", owner_ids, "owner_id_flags")
    business = frame["business_name"].str.strip_chars()
    frame = frame.with_columns(
        registration_no=pl.col("registration_no").str.replace_all(r"\s+", ""),
        tax_code=codes["tax_code"],
        tax_code_kind=codes["tax_code_kind"],
        tax_code_valid=codes["check_digit_ok"],
        _tax_code_error=codes["tax_code_error"],
        _form_tax_code=codes[std.FORM_FLAG],
        _owner_raw=pl.col("owner_name"),
        owner_name=_no_boolean(owner["name"], frame["owner_name"]),
        **ids,
        registered_on="reg_date",
        _business_raw=pl.col("business_name"),
        business_name=_no_boolean(business.replace("", None), business),
    )
    checks = [
        _name_check("business_name", "_business_raw"),
        _optional_name_check("owner_name", "_owner_raw"),
        _tax_code_check("tax_code"),
        id_check,
        _registered_on(),
    ]
    return frame, checks


def _tax_code_check(field: str, label: str | None = None) -> Check:
    return Check(
        field,
        _never(),
        pl.col("_tax_code_error").is_not_null(),
        pl.format("invalid tax code ({})", _category(pl.col("_tax_code_error"))),
        label,
    )


# a tax period: 'YYYY-MM' (or YYYY/MM); a month first, as Vietnamese write it: 'MM/YYYY', 'MM-YYYY', 'MM.YYYY', after
# 'Tháng' / 'T' ('Tháng 3/2024', 'T3/2024'); an Excel date cell (a typed '03/2024' becomes one) read as the first of
# its month, at midnight ('2024-03-01 00:00:00'); a quarter 'Qn/YYYY', 'Qn-YYYY', 'Quý n/YYYY' (case aside). Before
# (HR1) only 'YYYY-MM', 'YYYY/MM' and 'Qn/YYYY' were read: the others' rows were quarantined 'period: unreadable'.
_PERIOD_MONTH = r"^\s*(\d{4})[-/](\d{1,2})(?:-01(?:[ T]00:00(?::00(?:\.0+)?)?)?)?\s*$"
_PERIOD_MONTH_FIRST = r"(?i)^\s*(?:(?:tháng|thang|t)\s*\.?\s*)?(\d{1,2})\s*[-/.]\s*(\d{4})\s*$"
_PERIOD_QUARTER = r"(?i)^\s*(?:q|quý|quy)\s*\.?\s*([1-4])\s*[-/.]\s*(\d{4})\s*$"


def _period_start(period: pl.Expr) -> pl.Expr:
    """First day of a month's or a quarter's period (_PERIOD_MONTH, _PERIOD_MONTH_FIRST, _PERIOD_QUARTER); null (never
    an error) for anything else, e.g. month 13."""
    month = period.str.extract_groups(_PERIOD_MONTH)
    first_month = period.str.extract_groups(_PERIOD_MONTH_FIRST)
    quarter = period.str.extract_groups(_PERIOD_QUARTER)
    year = pl.coalesce(month.struct.field("1"), first_month.struct.field("2"), quarter.struct.field("2"))
    year = year.cast(pl.Int32, strict=False)
    first = pl.coalesce(
        month.struct.field("2").cast(pl.Int32, strict=False),
        first_month.struct.field("1").cast(pl.Int32, strict=False),
        (quarter.struct.field("1").cast(pl.Int32, strict=False) - 1) * 3 + 1,
    )
    ok = year.is_between(std.DATE_MIN_YEAR, std.DATE_MAX_YEAR) & first.is_between(1, 12)
    return pl.when(ok).then(pl.date(pl.when(ok).then(year).otherwise(2000), pl.when(ok).then(first).otherwise(1), 1))


def _tax(frame: pl.DataFrame, day_first: bool):
    codes = std.check_tax_code(frame["taxpayer_code"])
    amounts = std.parse_amounts(frame["amount_vnd"], notation=std.amount_notation(frame["amount_vnd"]))
    amount_ok = amounts["integer"].is_not_null() & ~amounts["fractional"].fill_null(False)
    frame = frame.with_columns(
        _code_raw=pl.col("taxpayer_code"),
        taxpayer_code=codes["tax_code"],
        tax_code_kind=codes["tax_code_kind"],
        tax_code_valid=codes["check_digit_ok"],
        _tax_code_error=codes["tax_code_error"],
        _form_taxpayer_code=codes[std.FORM_FLAG],
        _taxpayer_raw=pl.col("taxpayer_name"),
        taxpayer_name=_no_boolean(frame["taxpayer_name"], frame["taxpayer_name"]),
        period_start=_period_start(pl.col("period")),
        _amount_raw=pl.col("amount_vnd"),
        _amount_error=pl.when(amounts["fractional"].fill_null(False))
        .then(pl.lit("fractional amount (VND has no decimals)"))
        .otherwise(amounts["error"]),
        amount_vnd=pl.when(amount_ok).then(amounts["integer"]),
    )
    checks = [
        Check("taxpayer_code", _blank("_code_raw"), _never(), pl.lit("")),
        _tax_code_check("taxpayer_code"),
        _optional_name_check("taxpayer_name", "_taxpayer_raw"),
        Check(
            "period_start",
            _blank("period"),
            pl.col("period_start").is_null() & ~_blank("period"),
            pl.lit("unreadable (not YYYY-MM or Qn/YYYY)"),
            "period",
        ),
        Check(
            "amount_vnd",
            _blank("_amount_raw"),
            pl.col("amount_vnd").is_null() & ~_blank("_amount_raw"),
            pl.format("unreadable ({})", pl.col("_amount_error")),
        ),
    ]
    return frame, checks


_REGISTRY_STEPS = {"population": _population, "households": _households, "businesses": _businesses, "tax": _tax}


_SHORT_FLAG, _SHORT_NOTE = r"(?:^|; )short:(\d+)", "row: {} fields fewer than the header"
_READER_NOTES = (
    (r"(?:^|; )key_synthetic(?:;|$)", None, "source_key: missing (the row is keyed by its place in the file)"),
    (r"(?:^|; )key_repeated(?:;|$)", None, "source_key: repeated in the extract (another row has the same key)"),
    (r"(?:^|; )overflow:(\d+)", "overflow", "row: {} values beyond the header (kept in raw extra_columns)"),
    (_SHORT_FLAG, "short", _SHORT_NOTE),
)


def _reader_notes() -> list[pl.Expr]:
    flags = pl.col("row_flags")
    out = []
    for pattern, group, text in _READER_NOTES:
        if group is None:
            out.append(pl.when(flags.str.contains(pattern)).then(pl.lit(text)))
        else:
            out.append(pl.format(text, flags.str.extract(pattern, 1)))
    return out


# a row the reader quarantined whole and flagged -> its quarantine.reason_kind (otherwise: unread_row)
_READER_KINDS = ((HEADER_FLAG, "extract_rejected"), (DELETED_FLAG, "source_deleted"), (CUT_OFF_FLAG, "cut_off"))


def _reason_kind(readable: pl.Expr) -> pl.Expr:
    """quarantine.reason_kind of a row that cannot be staged: the reader's flag, else unread_row for a row the reader
    could not split, else field (a field's declared policy quarantines it). A rejected extract's rows are all
    extract_rejected (set in :func:`stage`)."""
    flags = pl.col("row_flags").fill_null("").str.split("; ")
    by_flag = [pl.when(flags.list.contains(flag)).then(pl.lit(kind)) for flag, kind in _READER_KINDS]
    return pl.coalesce(*by_flag, pl.when(~readable).then(pl.lit("unread_row")), pl.lit("field"))


def _policies(registry: str, checks: list[Check]) -> tuple[list[tuple[pl.Expr, str, pl.Expr]], list[pl.Expr]]:
    """(quarantine condition, field label, reason) and issue texts, from each field's declared policy."""
    declared = {f.name: f for f in STAGED_FIELDS[registry]}
    covered = {c.field for c in checks}
    undeclared = sorted(n for n, f in declared.items() if (f.on_missing or f.on_invalid) and n not in covered)
    if undeclared:
        raise RuntimeError(f"staged_{registry}: no check for fields with a declared policy: {undeclared}")
    quarantine, issues = [], []
    for c in checks:
        f = declared[c.field]
        label = c.label or c.field
        missing = c.missing_why if c.missing_why is not None else pl.lit("missing")
        # a workbook cell holding an Excel error (#REF!, #N/A) is read as empty: not 'missing' in the source
        failed = pl.col(_EXCEL_ERRORS).list.contains(c.field).fill_null(False)
        missing = pl.when(failed).then(pl.lit(EXCEL_ERROR_WHY)).otherwise(missing)
        invalid_policy = c.on_invalid or f.on_invalid
        for cond, policy, why in ((c.missing, f.on_missing, missing), (c.invalid, invalid_policy, c.why)):
            text = pl.format("{}: {}", pl.lit(label), why)
            if policy == "quarantine":
                quarantine.append((cond.fill_null(False), label, text))
            elif policy == "flag":
                issues.append(pl.when(cond.fill_null(False)).then(text))
    return quarantine, issues


def _commonest_read_problem(failing: pl.DataFrame) -> str:
    """'; 20 rows not read: column 'ho_ten' is named more than once ...': the reader's commonest cause among the rows
    it could not read (field '*'), its line numbers taken out, so the extract's cause says why they were not read
    (a reader's cause names lines and columns, never a value); '' when every row was read."""
    causes = failing.filter(pl.col("_field") == "*").select(
        pl.col("read_problem")
        .str.replace(r"^line:\d+: ", "")
        .str.replace_all(r"\bline[: ]\d+", "line N")
        .alias("cause")
    )
    counts = causes["cause"].drop_nulls().value_counts(sort=True)
    if not counts.height:
        return ""
    cause, n = counts.row(0)
    return f"; {n} rows not read: {cause}"


def stage(
    raw: pl.DataFrame,
    registry: str,
    *,
    day_first: bool = True,
    reference=None,
    sex_true: str | None = None,
    sex_column: str | None = None,
) -> StageResult:
    """Turn one partition's raw rows into staged rows and quarantine rows (together: all of them).

    Which problems quarantine a row and which only flag it is declared per field in
    pipelines/schema.py (``on_missing`` / ``on_invalid``). An extract with at least
    :data:`REJECT_MIN_ROWS` rows of which more than :data:`REJECT_SHARE` cannot be staged
    is rejected: every row is quarantined (field '*') and ``StageResult.rejected`` says why.
    ``sex_true`` (population): the sex a boolean sex column's true means (catalogue ``sex_true``; else such rows are
    quarantined); ``sex_column``: the source's name of that column, for reasons.
    """
    frame, repairs = repair_text_fields(raw, registry)
    frame = address_text(frame)
    options = {"sex_true": sex_true, "sex_column": sex_column} if registry == "population" else {}
    frame, checks = _REGISTRY_STEPS[registry](frame, day_first, **options)
    frame = _form_repairs(frame, registry, repairs)
    if "address" in {f.name for f in STAGED_FIELDS[registry] if f.on_missing}:
        checks.append(Check("address", _blank("address"), _never(), pl.lit("")))
    frame = _with_verdicts(frame, registry, checks, day_first)
    readable = pl.col("read_problem").is_null()  # an unread row has no fields to check: its reason is the reader's
    unreadable = _unreadable_dates(frame.filter(readable))
    frame, rejected = _rejected_extract(frame, registry, sex_column)
    bad = frame.filter(pl.col("_field").is_not_null())
    bad = bad.with_columns(_kind=pl.lit("extract_rejected") if rejected else _reason_kind(readable))
    good = frame.filter(pl.col("_field").is_null())
    good = with_resolved_addresses(good, reference)
    raw_cols = [c for c in raw.columns if c not in LINEAGE and c not in ("read_problem", "row_flags")]
    # the registration date as read here (the source's day/month order): the marts and the review queue read the
    # quarantined row's address as of it, as with_resolved_addresses reads a staged row's (none in tax)
    read_on = pl.col("registered_on") if "registered_on" in bad.columns else pl.lit(None, pl.Date)
    quarantine = raw.join(
        bad.select("record_key", "_field", "_reason", "_kind", read_on.alias("_registered_on")),
        on="record_key",
        how="inner",
        maintain_order="left",
    ).select(
        *LINEAGE,
        registry=pl.lit(registry),
        field=pl.col("_field"),
        reason=pl.col("_reason"),
        reason_kind=pl.col("_kind"),
        registered_on=pl.col("_registered_on"),
        raw_values=pl.struct(raw_cols).struct.json_encode(),
    )
    staged = staged_table(registry).cast(good)
    for name, flags in ID_FLAG_COLUMNS.get(registry, ()):  # a leading zero put back is a repair, counted as one
        for repair in ID_REPAIRS:  # and so is an ID read from a written form ('CCCD: 079...', "'079...")
            restored = int(staged[flags].str.contains(repair, literal=True).sum())
            if restored:
                repairs.setdefault(name, {})[repair] = restored
    status = dict(staged["ward_status"].value_counts().iter_rows()) if staged.height else {}
    fingerprint = (reference or default_reference()).fingerprint  # recorded per staged partition
    return StageResult(staged, QUARANTINE.cast(quarantine), repairs, status, rejected, fingerprint, unreadable)


def _form_repairs(frame: pl.DataFrame, registry: str, repairs: dict[str, dict[str, int]]) -> pl.DataFrame:
    """Counts the values of :data:`FORM_FIELDS` read from a written form (a label, Excel's apostrophe, fullwidth
    digits: column ``_form_<field>``) as repairs of kind ``form_normalised``, and notes each in its row's
    ``text_repairs`` ('tax_code:form_normalised'), as a text repair is."""
    notes = []
    for name in FORM_FIELDS.get(registry, ()):
        marked = pl.col(f"_form_{name}").fill_null(False)
        n = int(frame.select(marked.sum()).item())
        if n:
            repairs.setdefault(name, {})[std.FORM_FLAG] = repairs.get(name, {}).get(std.FORM_FLAG, 0) + n
            notes.append(pl.when(marked).then(pl.lit(f"{name}:{std.FORM_FLAG}")))
    if not notes:
        return frame
    text = pl.concat_str([pl.col("text_repairs"), *notes], separator="; ", ignore_nulls=True).replace("", None)
    return frame.with_columns(text_repairs=text)


def _with_verdicts(frame: pl.DataFrame, registry: str, checks: list[Check], day_first: bool) -> pl.DataFrame:
    """Each row's ``_field`` (the first failing check quarantining it; null: staged), ``_reason`` (every failure,
    and a short row's note) and ``issues`` (what was flagged but kept), by the registry's declared policies."""
    quarantine_checks, issue_texts = _policies(registry, checks)
    # the fields whose workbook cell held an Excel error (raw.py's row flag), split once for every check's reason
    errors = pl.col("row_flags").str.extract(rf"(?:^|; ){EXCEL_ERROR_FLAG}:([a-z_,]+)", 1).str.split(",")
    frame = frame.with_columns(errors.alias(_EXCEL_ERRORS))
    readable = pl.col("read_problem").is_null()  # an unread row has no fields to check: its reason is the reader's
    quarantine_checks = [
        (~readable, "*", pl.col("read_problem")),
        *((readable & cond, name, why) for cond, name, why in quarantine_checks),
    ]
    # First failing check names the field; the reason lists every failure, and a row with fewer fields than the
    # header says so: its 'missing' fields were never in the row (a line cut short), not left empty in the source.
    field = pl.coalesce([pl.when(cond).then(pl.lit(name)) for cond, name, _ in quarantine_checks])
    short = pl.col("row_flags").str.extract(_SHORT_FLAG, 1)
    reason = pl.concat_str(
        [
            *(pl.when(cond).then(why) for cond, _, why in quarantine_checks),
            pl.when(readable & short.is_not_null()).then(pl.format(_SHORT_NOTE, short)),
        ],
        separator="; ",
        ignore_nulls=True,
    )
    # a field whose cell held an Excel error and whose 'missing' no policy says (a registration date, an ID): said here,
    # else it was staged empty with no word on its row
    unsaid = pl.col(_EXCEL_ERRORS).list.set_difference(sorted(f.name for f in STAGED_FIELDS[registry] if f.on_missing))
    unsaid = unsaid.list.eval(pl.concat_str(pl.element(), pl.lit(f": {EXCEL_ERROR_WHY}"))).list.join("; ")
    issues = pl.concat_str(
        [*issue_texts, *_swap_notes(frame, day_first), *_reader_notes(), unsaid.replace("", None)],
        separator="; ",
        ignore_nulls=True,
    ).replace("", None)
    return frame.with_columns(_field=field, _reason=reason, issues=issues)


def _rejected_extract(frame: pl.DataFrame, registry: str, sex_column: str | None) -> tuple[pl.DataFrame, str | None]:
    """(the rows, why the extract is rejected or None). An extract of at least REJECT_MIN_ROWS rows of which more
    than REJECT_SHARE fail is rejected: every row then quarantined (field '*', the why before its reason)."""
    # records the file itself marks deleted (dbf) are quarantined but say nothing about whether the extract is one
    judged = frame.filter(~pl.col("row_flags").fill_null("").str.contains(DELETED_FLAG, literal=True))
    failing = judged.filter(pl.col("_field").is_not_null())
    if not (judged.height >= REJECT_MIN_ROWS and failing.height > REJECT_SHARE * judged.height):
        return frame, None
    top = failing["_field"].value_counts(sort=True).head(3).iter_rows()
    rejected = (
        f"extract rejected: {failing.height} of {judged.height} rows lack required fields or cannot be read "
        f"({', '.join(f'{name}: {n}' for name, n in top)}){_commonest_read_problem(failing)}"
        + (
            f"; {n} rows: sex {BOOLEAN_SEX.format(column=repr(sex_column) if sex_column else 'sex')}"
            if (n := int(failing["_sex_boolean"].sum()) if "_sex_boolean" in failing.columns else 0)
            else f"; is it a {registry} registry extract?"
        )
    )
    frame = frame.with_columns(
        _field=pl.lit("*"),
        _reason=pl.concat_str([pl.lit(rejected), pl.col("_reason")], separator="; ", ignore_nulls=True),
    )
    return frame, rejected


def _unreadable_dates(frame: pl.DataFrame) -> dict[str, int]:
    """Per date field, the rows whose written value could not be read (:func:`read_dates`' error, also for an
    implausible birth date): each is flagged in its row's issues; these are the counts, for reports."""
    out = {}
    for prefix, name in _SWAPPABLE.items():
        if f"{prefix}_error" in frame.columns:
            n = int(frame[f"{prefix}_error"].is_not_null().sum())
            if n:
                out[name] = n
    return out


def account(raw: pl.DataFrame, result: StageResult) -> dict:
    """Row accounting for one partition: staged + quarantined must equal raw, keys unique and disjoint.

    Column-wise: raw keys unique (load_raw numbers repeated source keys, flagged key_repeated), as many rows out as in, no key out
    twice and every key out a raw key -- together, the same keys."""
    raw_keys = raw["record_key"]
    out_keys = pl.concat([result.staged["record_key"], result.quarantine["record_key"]])
    return {
        "raw": raw.height,
        "staged": result.staged.height,
        "quarantined": result.quarantine.height,
        "balanced": raw.height == out_keys.len() == out_keys.n_unique() == raw_keys.n_unique()
        and bool(out_keys.is_in(raw_keys.implode()).all()),
    }

"""What a partition's load says: the warnings of a loaded extract and its one-line note (never a cell value).

The ingest step (assets/ingest.py ``ingest_partition``) logs these and keeps the notes in its materialization's
metadata. Plain Python: no Dagster.
"""

from __future__ import annotations

from pipelines.ingest.raw import RawLoad
from pipelines.ingest.readers import hidden_words, legacy_words
from pipelines.ingest.stage import NUL_REMOVED, StageResult

# the ingest status cause of an extract that loads but whose file ends mid-row (its last line quarantined)
CUT_OFF = (
    "ends mid-row (cut off in transfer?): its last line is quarantined, not queued for the officials, and any rows "
    "after it never arrived; fetch the file again and compare its row count with the source system's"
)
NO_ROWS = (
    "has no rows (a header only): an export that stopped before its rows, or the wrong file? The partition now holds "
    "none of this source's records for the date; compare the file with the source system's"
)


def unended_words(unended: tuple[int, int, str]) -> str:
    """A CSV's whole last row with no line end after it, as the warning and the partition's note say it (never a
    value): its line and fields, and what is not checked: a cut inside its last value is caught only when it leaves
    the value shorter than every other value of its column (readers._last_value_cut); any other cut reads as a whole
    value, which nothing cheap can tell apart."""
    line, fields, column = unended
    return (
        f"no line end after its last row (line {line}); read as complete ({fields} fields); if the file was cut off "
        f"in transfer, its last value may be incomplete: a cut inside it (column '{column}', line {line}) is caught "
        "only when it leaves the value shorter than every other value of that column; compare that record with the "
        "source system's"
    )


def cell_counts(what: str, counts: dict[str, int]) -> str:
    """', <what>: <column> <n>, ...' for a partition's note, or nothing when no column has such cells."""
    return f", {what}: " + ", ".join(f"{name} {n}" for name, n in counts.items()) if counts else ""


def personal_key_words(spec, found: dict[str, tuple[int, int]]) -> str:  # noqa: ANN001 - catalogue SourceSpec
    """ "record keys hold people's ID numbers: the key (key_column 'ma') is head_personal_id in 3 of 3 rows" (a
    RawLoad.personal_keys), never a value."""
    keyed = f"key_column {spec.key_column!r}" if spec.key_column else "the table's primary key"
    fields = "; ".join(f"{fld} in {same:,} of {held:,} rows" for fld, (same, held) in found.items())
    return f"record keys hold people's ID numbers: the key ({keyed}) is {fields}"


def mapped_words(spec, columns: list[str]) -> str:  # noqa: ANN001 - catalogue SourceSpec
    """Catalogued source columns with their canonical fields: "'cccd_chu_ho' (head_personal_id), 'dt' (phone)"."""
    return ", ".join(f"{c!r} ({spec.columns.get(c, '?')})" for c in columns)


def twice_words(loaded: RawLoad) -> str:
    """ "head_personal_id read from 'cmnd', 'cccd' kept in extra_columns" for each field mapped from several columns."""
    return "; ".join(
        f"{canon} read from {columns[-1]!r}, {', '.join(map(repr, columns[:-1]))} kept in extra_columns"
        for canon, columns in loaded.mapped_twice.items()
    )


def unclosed_words(line: int) -> str:
    """A JSON array written one object per line whose ']' never comes, as the warning and the partition's note say
    it: every line was read, but the file may have been cut off after a whole line (before HR1, nothing said so)."""
    return (
        f"its JSON array is never closed (no ']' after its last object, line {line}): the file may have been cut off "
        "in transfer after a whole line, and the objects after it never arrived; compare its row count with the "
        "source system's"
    )


def key_warnings(key: str, location: str, spec, loaded: RawLoad, raw_rows: int) -> list[str]:  # noqa: ANN001
    """The warnings about how the file's rows and columns were read: a last row with no line end, a JSON array never
    closed, record keys that are people's ID numbers, a field mapped from two columns, catalogued columns missing
    (``spec`` its SourceSpec)."""
    found = []
    if loaded.unended:  # a whole last row with no line end: read, and said (a cut inside its last value looks so)
        found.append(f"{key}: {location}: {unended_words(loaded.unended)}")
    if loaded.unclosed_array:  # a JSON array cut off after a whole line? read, and said
        found.append(f"{key}: {location}: {unclosed_words(loaded.unclosed_array)}")
    if loaded.personal_keys:  # keyed by people's ID numbers without the catalogue seeing it (its key_column unmapped)
        found.append(
            f"{key}: {location}: {personal_key_words(spec, loaded.personal_keys)}: every record key "
            "(lineage, review queues, the entities' record_ids) carries a person's ID number; key source "
            f"{spec.id} by its record number (key_column) instead"
        )
    if loaded.mapped_twice:  # two columns of the file mapped to one field: the other is kept in extra_columns
        found.append(
            f"{key}: {location}: a field is mapped from more than one column of the file: {twice_words(loaded)}; "
            f"correct [source.columns] of source {spec.id} (one column per field)"
        )
    if loaded.missing_optional:  # a mapped column renamed in the source: its field is empty in every row
        found.append(
            f"{key}: {location}: column(s) the catalogue maps are not in the file: "
            f"{mapped_words(spec, loaded.missing_optional)}; those fields are empty in all {raw_rows} "
            f"rows (a column renamed in the source? {len(loaded.extra_columns)} column(s) of the file are not mapped: "
            f"the note's extra columns); correct [source.columns] of source {spec.id}"
        )
    return found


def cell_warnings(key: str, location: str, spec, loaded: RawLoad) -> list[str]:  # noqa: ANN001 - SourceSpec
    """The warnings about a workbook's cells and sheets and a file's lines: Excel error cells, hidden sheets, known
    hidden sheets that are not, lines read in a legacy encoding, number cells not told from text."""
    found = []
    if loaded.error_cells:
        found.append(
            f"{key}: {location}: cells holding an Excel error (a formula that failed: #REF!, #N/A..., or was never calculated) are "
            "read as "
            "empty: " + ", ".join(f"{name} ({n} cells)" for name, n in loaded.error_cells.items())
        )
    if loaded.hidden_sheets:
        found.append(
            f"{key}: {location}: hidden sheets not read as records: {hidden_words(loaded.hidden_sheets)} (a clerk's "
            "scratch or lookup sheet nobody opening the workbook sees); if one holds the registry's rows, unhide it in "
            f"Excel or set read_hidden_sheets = true on source {spec.id}; if it holds none, name it in the "
            "source's hidden_sheets_known to be told no more"
        )
    if loaded.known_not_hidden:
        found.append(
            f"{key}: {location}: hidden_sheets_known of source {spec.id} names no hidden sheet of the "
            f"workbook: {', '.join(loaded.known_not_hidden)} (renamed or unhidden since?)"
        )
    if loaded.legacy_lines:
        found.append(
            f"{key}: {location}: lines not valid UTF-8 read in a legacy encoding (each reads as clean Vietnamese in "
            f"it and in no other; an old program's rows appended?): {legacy_words(loaded.legacy_lines)}"
        )
    if loaded.numbers_unknown:
        found.append(
            f"{key}: {location}: the workbook could not be read a second time to tell number cells from text (file "
            "replaced or damaged while read?): leading zeros of IDs in number cells are not restored in "
            + ", ".join(f"{fld} ({n} cells)" for fld, n in loaded.numbers_unknown.items())
            + "; load the partition again"
        )
    return found


def partition_note(key: str, spec, loaded: RawLoad, result: StageResult, counts: dict) -> str:  # noqa: ANN001
    """The partition's line in the run's notes: its counts (of stage.account), encoding and whatever its reading
    kept, mended or left out."""
    return (
        f"{key}: {counts['raw']} raw -> {counts['staged']} staged + {counts['quarantined']} quarantined"
        f", encoding {loaded.encoding or 'n/a'}"
        + (f", extra columns kept {loaded.extra_columns}" if loaded.extra_columns else "")
        + (f", fields mapped from more than one column: {twice_words(loaded)}" if loaded.mapped_twice else "")
        + (
            f", catalogued columns not in the file: {mapped_words(spec, loaded.missing_optional)}"
            if loaded.missing_optional
            else ""
        )
        + (f", columns read by their catalogue names {loaded.renamed}" if loaded.renamed else "")
        + (f", {loaded.read_problems} unreadable rows" if loaded.read_problems else "")
        + (f", {unended_words(loaded.unended)}" if loaded.unended else "")
        + (f", {unclosed_words(loaded.unclosed_array)}" if loaded.unclosed_array else "")
        + (f", {personal_key_words(spec, loaded.personal_keys)}" if loaded.personal_keys else "")
        + (f", hidden sheets not read: {hidden_words(loaded.hidden_sheets)}" if loaded.hidden_sheets else "")
        + (f", known hidden sheets not read: {hidden_words(loaded.hidden_known)}" if loaded.hidden_known else "")
        + (f", {legacy_words(loaded.legacy_lines)}" if loaded.legacy_lines else "")
        + (f", {loaded.deleted_records} records marked deleted (quarantined)" if loaded.deleted_records else "")
        + _cells_note(loaded)
        + (
            ", NUL characters removed (values): " + ", ".join(f"{fld} {kinds[NUL_REMOVED]}" for fld, kinds in nuls)
            if (nuls := [(f, k) for f, k in result.repairs.items() if NUL_REMOVED in k])
            else ""
        )
        + (
            f", {loaded.repeated_key_rows} rows share a source key with another row (flagged key_repeated)"
            if loaded.repeated_key_rows
            else ""
        )
    )


def _cells_note(loaded: RawLoad) -> str:
    """The note's counts of cells per column: not told number or text, undecodable, Excel errors, kept as hex."""
    return (
        cell_counts("cells not told number or text (leading zeros not restored)", loaded.numbers_unknown)
        + cell_counts("undecodable cells (records quarantined)", loaded.undecodable_cells)
        + cell_counts("cells holding an Excel error (#REF!, #N/A...: read as empty)", loaded.error_cells)
        + cell_counts(
            "undecodable cells of columns not mapped (kept as hex in extra_columns, records loaded)",
            loaded.undecodable_kept,
        )
    )

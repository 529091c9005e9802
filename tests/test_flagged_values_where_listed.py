"""Where a record with an unreadable value is listed is what the export descriptions say (HV17's finding, HV19).

datapackage.json said of every flagged field (birth date, sex, phone, IDs, registration date, members) that such
records "are listed for correction". The review queues take flagged IDs and tax codes only (the ward officials'
`invalid_id` queue: pipelines/review/queues.py ID_CHECKS); an unreadable birth date, sex, phone, members count or
registration date is only flagged in the warehouse (`issues`, review.staged_<registry>_flagged), in no officials'
queue: on the sample 200 households with an unreadable registration date, none of them queued. The descriptions now
say which, per field. Since the ``unreadable_value`` queue (HV27) an unreadable birth date, sex, phone, members count or
registration date is in the officials' queue of unreadable values; a missing birth date is still only flagged.
"""

from __future__ import annotations

import polars as pl

from pipelines import schema as S
from pipelines.publish.exports import load_declarations, queued_id_columns, queued_unreadable_columns
from pipelines.review.queues import ID_CHECKS, ReviewInputs, invalid_id, unreadable_fields, unreadable_value

QUEUED = "in the ward officials' review queue of invalid IDs"
UNREADABLE_QUEUED = "in the ward officials' review queue of unreadable values"
NOT_QUEUED = "in no ward officials' review queue"


def _flagged_exported_fields():
    """(where, staged field, registry, description) of every exported golden value whose staged field is flagged."""
    for declaration in load_declarations().values():
        for resource in declaration.resources:
            schema, table = resource.source.split(".", 1)
            kind = table.removesuffix("_entities")
            if schema != "entities" or kind not in S.ENTITY_KINDS:
                continue
            registry = S.ENTITY_KINDS[kind]
            for f in resource.fields:
                if f.source not in S.ENTITY_GOLDEN_COLUMNS[kind] or f.personal == "withhold":
                    continue
                staged = S.staged_field(registry, f.source)
                if "flag" in (staged.on_missing, staged.on_invalid):
                    yield f"{declaration.recipient}/{resource.name}/{f.name}", staged, registry, f.description


def test_no_description_says_listed_for_correction():
    for declaration in load_declarations().values():
        for resource in declaration.resources:
            for f in resource.fields:
                assert "listed for correction" not in f.description, (declaration.recipient, resource.name, f.name)


def test_each_flagged_field_says_whether_an_officials_queue_lists_it():
    said = {}
    for where, staged, registry, description in _flagged_exported_fields():
        if "Empty when no source record" not in description:  # the declaration wrote its own description
            continue
        queued = staged.name in {column for column, _ in ID_CHECKS[registry]}
        unreadable = staged.name in unreadable_fields(registry)
        assert (QUEUED in description) == queued, (where, description)
        assert (UNREADABLE_QUEUED in description) == unreadable, (where, description)
        # 'in no queue': a value queued nowhere, or a missing one beside an unreadable one queued (a birth date)
        nowhere = not (queued or unreadable) or (unreadable and staged.on_missing == "flag")
        assert (NOT_QUEUED in description) == nowhere, (where, description)
        said[where] = "invalid_id" if queued else "unreadable_value" if unreadable else None
    # the sample's exports: IDs are invalid_id items; an unreadable birth date, sex, phone, members count or
    # registration date an unreadable_value item
    assert said["public_security/population/date_of_birth"] == "unreadable_value"
    assert said["public_security/households/registered_on"] == "unreadable_value"
    assert said["public_security/population/personal_id"] == "invalid_id"
    assert said["finance_tax/taxpayers/taxpayer_code"] == "invalid_id"
    assert queued_id_columns("households") == {"head_personal_id"}
    assert queued_unreadable_columns("households") == {"members", "registered_on"}


def test_the_invalid_id_queue_takes_a_flagged_id_and_not_an_unreadable_date():
    """Behaviour: of two flagged households, the one with an unreadable registration date is no invalid_id item (it
    is an unreadable_value item since HV27: it was in no queue item); the one with an ID that is not digits is an
    invalid_id item."""
    staged = pl.DataFrame(
        {
            "record_key": ["h1", "h2"],
            "source_file": ["ho_khau.csv"] * 2,
            "source_key": ["row:2", "row:3"],
            "head_name": ["Lê Văn Tám", "Trần Thị Bé"],
            "head_personal_id": [None, None],
            "head_id_flags": [None, "non_digit"],
            "registered_on": [None, None],
            "issues": ["registered_on: unreadable (impossible date)", "head_personal_id: non_digit"],
            "new_uid": ["2025:26740"] * 2,
            "ward_candidates": [None, None],
        },
        schema_overrides={
            "head_personal_id": pl.String,
            "registered_on": pl.Date,
            "ward_candidates": pl.List(pl.String),
        },
    )
    inputs = ReviewInputs(staged={"households": staged}, quarantine={}, review={}, ward_names=pl.DataFrame())
    items = invalid_id(inputs)
    assert items["record_key"].to_list() == ["h2"]
    # the unreadable registration date is an unreadable_value item (HV27)
    assert unreadable_value(inputs)["record_key"].to_list() == ["h1"]

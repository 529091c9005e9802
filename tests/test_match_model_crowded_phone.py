"""A phone many different people carry (a placeholder, a ward office's number) is not identifying: with
``tf_adjust`` its agreement weighs by the value's share of the records (``model._tf_adjust``), not as the
average phone agreement, which is a person's own two records at most."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from pipelines.match import load_spec, match
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background, frame, person_row

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"
PLACEHOLDER = "0900000000"


@pytest.fixture(scope="module")
def crowded() -> tuple[object, object]:
    """1,131 background records (131 true pairs, phones a person's own) and 30 different people, names a typo
    apart, birth dates all different, all with the placeholder phone."""
    spec = load_spec(PEOPLE_SPEC)
    people = background(1000, seed=7).drop("person")
    crowd = frame(
        [
            person_row(f"ph-{i:02d}", f"ph{i}", f"Phạm Văn Người{i}", dt.date(1950 + i, 1 + i % 12, 1 + i % 28), "M")
            | {"phone": PLACEHOLDER}
            for i in range(30)
        ]
    ).drop("person")
    return spec, match(pl.concat([people, crowd]), spec)


def test_the_people_spec_weighs_phone_agreement_by_the_phones_share(crowded):
    spec, _ = crowded
    phone = next(c for c in spec.comparisons if c.name == "phone")
    assert phone.tf_adjust


def test_a_phone_shared_by_thirty_people_weighs_less_than_a_persons_own(crowded):
    _, result = crowded
    pairs = result.pairs.filter(pl.col("phone_level").cast(pl.String) == "exact")
    crowd = pairs.filter(pl.col("left_id").str.starts_with("ph-") & pl.col("right_id").str.starts_with("ph-"))
    own = pairs.filter(~pl.col("left_id").str.starts_with("ph-") & ~pl.col("right_id").str.starts_with("ph-"))
    assert crowd.height == 435 and own.height > 20
    # a person's two records: about the level's weight; the crowd's share (30 of some 500 phones) 4 bits under it
    assert crowd["phone_weight"].max() < own["phone_weight"].min() - 3
    # so the crowd's best pair (a one-letter name difference, another birth date) is far from a link: 0.78 when
    # phone agreement weighed as its level does, which kept people's link threshold at 0.9
    assert crowd["match_probability"].max() < 0.5
    entities = result.records.filter(pl.col("record_id").str.starts_with("ph-"))["entity_id"]
    assert entities.n_unique() == 30

"""Increments: new or changed records matched against a saved run equal a full re-match with the frozen model."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.match import SpecError, load_spec, match, parse_spec
from pipelines.match.blocking import BLOCK_HASH_SCHEME, block_hash, block_ids
from pipelines.match.increment import match_increment
from pipelines.match.prepare import prepare
from pipelines.match.spec import MatchSpec
from pipelines.match.state import StateError, load_state, save_state
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background, frame, person_row

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"

PLACEHOLDER = "0900000000"  # a phone many unrelated records carry: its block is capped (max_block 30)
DOB = dt.date(1975, 3, 14)


def bridge_records() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Two records of one person the base cannot link (no shared ID, one without a birth date), and a
    later record carrying the ID of one and the phone of the other."""
    a = person_row("dy-a", "dy", "Lê Thị Mỹ Duyên", DOB, "F", pid="079175001234", household="H-1")
    b = person_row("dy-b", "dy", "Lê Thị Mỹ Duyên", None, "F", phone="0912345678", household="H-2")
    c = person_row("dy-c", "dy", "Lê Thị Mỹ Duyên", DOB, "F", pid="079175001234", phone="0912345678")
    return frame([a, b]), frame([c])


def placeholder_records(keys: list[str]) -> pl.DataFrame:
    """Different people sharing the placeholder phone (no other key in common)."""
    rows = [
        person_row(key, key, f"Phạm Văn Người{i}", dt.date(1950 + i, 1 + i % 12, 1 + i % 28), "M", phone=PLACEHOLDER)
        for i, key in enumerate(keys)
    ]
    return frame(rows)


@pytest.fixture(scope="module")
def spec() -> MatchSpec:
    return load_spec(PEOPLE_SPEC)


@pytest.fixture(scope="module")
def data() -> dict:
    people = background(1500, seed=11)
    order = people["record_key"].sample(fraction=1.0, shuffle=True, seed=5)
    held = order.head(200)
    keys = set(people["record_key"].to_list()) - set(held.to_list())
    changed_ids = pl.Series([k for k in order.to_list() if f"{k}-copy" in keys and k in keys][:5])  # have a copy
    bridge_base, bridge_new = bridge_records()
    base = pl.concat(
        [
            people.filter(~pl.col("record_key").is_in(held.implode())),
            bridge_base,
            placeholder_records([f"ph-{i:02d}" for i in range(30)]),  # max_block: paired all-against-all
        ]
    )
    changed = people.filter(pl.col("record_key").is_in(changed_ids.implode())).with_columns(
        pl.col("full_name").str.to_uppercase(), pl.lit(None, pl.String).alias("personal_id")
    )
    increment = pl.concat(
        [
            people.filter(pl.col("record_key").is_in(held.implode())),
            changed,
            bridge_new,
            placeholder_records([f"ph-{i:02d}x" for i in (3, 12, 25)]),  # the block grows past max_block
        ]
    )
    return {"base": base, "increment": increment, "changed": changed_ids.to_list(), "held": held.to_list()}


@pytest.fixture(scope="module")
def runs(data, spec) -> dict:
    base = match(data["base"], spec, keep_state=True)
    increment = match_increment(base.state, data["increment"], spec)
    whole = pl.concat(
        [data["base"].filter(~pl.col("record_key").is_in(data["changed"])), data["increment"]], how="diagonal_relaxed"
    )
    full = match(whole, spec, model=base.state.frozen, previous=base.records, keep_state=True)
    return {"base": base, "increment": increment, "full": full}


def by(frame: pl.DataFrame, *keys: str) -> pl.DataFrame:
    return frame.sort(list(keys))


def test_increment_equals_a_full_rematch_with_the_frozen_model(runs):
    inc, full = runs["increment"].state, runs["full"].state
    assert inc.records.height == full.records.height
    assert by(inc.records, "record_id").equals(by(full.records, "record_id"))  # partition, ids, links, evidence
    assert by(inc.scored, "l", "r").equals(by(full.scored, "l", "r"))  # every pair: levels, weights, decision
    assert by(inc.review, "left_id", "right_id").equals(by(full.review, "left_id", "right_id"))
    assert by(inc.entities.with_columns(pl.col("record_ids").list.sort()), "entity_id").equals(
        by(full.entities.with_columns(pl.col("record_ids").list.sort()), "entity_id")
    )
    assert by(runs["increment"].merged_entities, "entity_id").equals(by(runs["full"].merged_entities, "entity_id"))


def test_only_the_touched_components_are_reclustered_and_every_other_entity_keeps_its_id(runs, data):
    base, inc = runs["base"], runs["increment"]
    redone = set(inc.records["record_id"].to_list())
    assert set(data["held"]) <= redone and set(data["changed"]) <= redone
    assert len(redone) < 0.3 * inc.state.records.height
    before = base.records.select("record_id", pl.col("entity_id").alias("before"))
    after = inc.state.records.join(before, on="record_id")
    untouched = after.filter(~pl.col("record_id").is_in(list(redone)))
    assert untouched.height > 1000 and (untouched["entity_id"] == untouched["before"]).all()
    assert inc.stats["unchanged_entities"] == untouched["entity_id"].n_unique()
    # every base entity none of whose records was re-clustered is still there, same id, same records
    kept = base.entities.filter(
        ~pl.col("entity_id").is_in(after.filter(pl.col("record_id").is_in(list(redone)))["before"].implode())
    )
    assert kept.join(inc.state.entities, on=["entity_id", "record_count"], how="anti").height == 0


def test_pairs_of_new_records_are_decided_and_explained_as_in_the_full_run(runs, data, spec):
    inc_pairs, full_pairs = runs["increment"].pairs, runs["full"].pairs
    new_ids = data["increment"]["record_key"].implode()
    involving = pl.col("left_id").is_in(new_ids) | pl.col("right_id").is_in(new_ids)
    mine, theirs = inc_pairs.filter(involving), full_pairs.filter(involving)
    assert mine.height >= 50 and set(mine["decision"].unique().to_list()) >= {"link", "non_match"}
    assert mine.columns == theirs.columns  # the same decision, decision_reason, evidence columns as full runs
    text = pl.col("blocked_by").cast(pl.String)  # an Enum of the rule names present in each table
    assert by(mine.with_columns(text), "left_id", "right_id").equals(
        by(theirs.with_columns(text), "left_id", "right_id")
    )
    assert mine["decision"].is_not_null().all()
    refused = mine.filter(pl.col("decision") == "refused")
    assert refused["decision_reason"].is_not_null().all()
    assert (mine.filter(pl.col("decision") == "review")["match_probability"] >= spec.review_threshold).all()


def test_a_changed_record_replaces_its_old_version(runs, data):
    inc = runs["increment"]
    records = inc.state.records
    assert records["record_id"].n_unique() == records.height  # each record once, old versions gone
    changed = data["changed"]
    assert records.filter(pl.col("record_id").is_in(changed)).height == len(changed)
    upper = inc.state.work.filter(pl.col("record_key").is_in(changed))["full_name"]
    assert (upper == upper.str.to_uppercase()).all()  # the new values are what is matched
    # its pairs are those of the new version: nobody else's name is written in capitals
    of_changed = inc.pairs.filter(pl.col("left_id").is_in(changed) | pl.col("right_id").is_in(changed))
    assert of_changed.height > 0
    assert (of_changed["name_level"].cast(pl.String) != "exact").all()
    was = runs["base"].pairs.filter(pl.col("left_id").is_in(changed) | pl.col("right_id").is_in(changed))
    assert (was["name_level"].cast(pl.String) == "exact").any()  # the old versions' pairs are gone


def test_a_record_linking_two_existing_entities_merges_them_and_records_the_merge(runs):
    base, inc = runs["base"], runs["increment"]

    def entity(records: pl.DataFrame, key: str) -> str:
        return records.filter(pl.col("record_id") == key)["entity_id"].item()

    a, b = entity(base.records, "dy-a"), entity(base.records, "dy-b")
    assert a != b  # the base could not link them
    after = {entity(inc.state.records, key) for key in ("dy-a", "dy-b", "dy-c")}
    assert len(after) == 1
    kept = after.pop()
    assert kept in {a, b}
    gone = ({a, b} - {kept}).pop()
    assert inc.merged_entities.filter(pl.col("entity_id") == gone)["merged_into"].to_list() == [kept]
    assert gone in inc.retired_entities["entity_id"].to_list()
    links = inc.pairs.filter(pl.col("right_id").eq("dy-c") | pl.col("left_id").eq("dy-c"))
    assert (links.filter(pl.col("decision") == "link")).height == 2


def test_a_capped_block_the_increment_enters_is_re_windowed_as_a_full_run_would(runs):
    phone = runs["increment"].blocking.filter(pl.col("rule") == "phone").row(0, named=True)
    assert phone["capped_blocks_touched"] == 1
    assert phone["pairs_lost"] > 0  # pairs of two existing records the windowed block no longer holds
    base_phone = runs["base"].pairs.filter(pl.col("blocked_by").cast(pl.String) == "phone")
    full_phone = runs["full"].pairs.filter(pl.col("blocked_by").cast(pl.String) == "phone")
    old = set(base_phone.select("left_id", "right_id").iter_rows())
    new = set(full_phone.select("left_id", "right_id").iter_rows())
    lost = {p for p in old - new if not p[0].endswith("x") and not p[1].endswith("x")}
    assert lost  # the full run lost them too: the increment equals it (first test)


def test_saved_state_loads_back_and_gives_the_same_increment(runs, data, spec, tmp_path):
    save_state(runs["base"].state, tmp_path / "state")
    loaded = load_state(tmp_path / "state", spec)
    again = match_increment(loaded, data["increment"], spec)
    assert by(again.state.records, "record_id").equals(by(runs["increment"].state.records, "record_id"))
    save_state(again.state, tmp_path / "state")  # replaced whole
    assert load_state(tmp_path / "state", spec).work.height == again.state.work.height


def test_an_increment_under_another_spec_or_a_damaged_state_is_refused(runs, data, spec, tmp_path):
    other = parse_spec({**_raw_spec(), "match": {**_raw_spec()["match"], "link_threshold": 0.95}})
    with pytest.raises(StateError, match="another spec"):
        match_increment(runs["base"].state, data["increment"], other)
    with pytest.raises(StateError, match="another spec"):
        match(data["base"], other, model=runs["base"].state.frozen)
    with pytest.raises(SpecError, match="full_name"):
        match_increment(runs["base"].state, data["increment"].drop("full_name"), spec)
    with pytest.raises(StateError, match="no manifest.json"):
        load_state(tmp_path / "nothing", spec)
    folder = save_state(runs["base"].state, tmp_path / "state")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["model"]["prior"] *= 2  # a model edited by hand no longer has the saved fingerprint
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(StateError, match="changed or damaged"):
        load_state(folder, spec)


def _raw_spec() -> dict:
    import tomllib

    return tomllib.loads(PEOPLE_SPEC.read_text(encoding="utf-8"))


def test_cli_full_run_saves_state_and_an_increment_updates_it(data, tmp_path):
    from pipelines.cli import main

    base, new = tmp_path / "base.parquet", tmp_path / "new.parquet"
    data["base"].drop("person").write_parquet(base)
    data["increment"].drop("person").write_parquet(new)
    state = tmp_path / "people.state"
    runner = CliRunner()
    common = ["match", "--spec", str(PEOPLE_SPEC)]
    done = runner.invoke(
        main,
        [*common, "--input", str(base), "--output", str(tmp_path / "base_out.parquet"), "--save-state", str(state)],
    )
    assert done.exit_code == 0, done.output
    assert (state / "blocks.parquet").exists()  # the full run saves the block hashes the increment joins on
    out = tmp_path / "inc_out.parquet"
    done = runner.invoke(main, [*common, "--increment", str(new), "--state", str(state), "--output", str(out)])
    assert done.exit_code == 0, done.output
    assert "increment:" in done.output
    lineage = pl.read_parquet(out)
    assert set(data["increment"]["record_key"].to_list()) <= set(lineage["record_id"].to_list())
    assert load_state(state).records.height == data["base"].height + data["increment"].height - len(data["changed"])
    # misuse: --increment without --state, and a state made under another spec
    done = runner.invoke(main, [*common, "--increment", str(new), "--output", str(tmp_path / "x.parquet")])
    assert done.exit_code != 0 and "--state" in done.output
    other = tmp_path / "other.toml"
    other.write_text(
        re.sub(r"link_threshold = [0-9.]+", "link_threshold = 0.95", PEOPLE_SPEC.read_text(encoding="utf-8"))
    )
    done = runner.invoke(
        main,
        [
            "match",
            "--spec",
            str(other),
            "--increment",
            str(new),
            "--state",
            str(state),
            "--output",
            str(tmp_path / "y.parquet"),
        ],
    )
    assert done.exit_code != 0 and "another spec" in done.output


def test_a_new_record_whose_founder_id_an_untouched_entity_still_holds_gets_another_id(spec):
    """A record deleted earlier comes back: the entity once named after it keeps its id, as in a full run."""
    from pipelines.match.entities import _founder_ids

    people = background(300, seed=3)
    returning = person_row("back-1", "back", "Trịnh Công Sơn", dt.date(1939, 2, 28), "M", pid="079039000001")
    held_by = people["record_key"][0]  # its entity was named after back-1, which left the data
    name = _founder_ids(pl.Series(["back-1"]), spec.entity_prefix).item()
    previous = pl.DataFrame({"record_id": ["back-1", held_by], "entity_id": [name, name]})
    base = match(people, spec, previous=previous, keep_state=True)
    assert base.records.filter(pl.col("record_id") == held_by)["entity_id"].item() == name
    increment = match_increment(base.state, frame([returning]), spec)
    full = match(
        pl.concat([people, frame([returning])]), spec, model=base.state.frozen, previous=base.records, keep_state=True
    )
    assert by(increment.state.records, "record_id").equals(by(full.state.records, "record_id"))
    ids = dict(increment.state.records.select("record_id", "entity_id").iter_rows())
    assert ids[held_by] == name and ids["back-1"] != name


def test_a_pair_lost_in_one_block_of_a_list_key_and_kept_by_another_touched_one(spec):
    """Name + year + day-or-month + a digit of the other keys (a list): A and B share four keys; the increment
    windows one of their blocks (past max_block) so A-B is lost there, and enters another without capping it: A-B
    stays."""
    import dataclasses

    small = dataclasses.replace(
        spec,
        blocking=tuple(
            dataclasses.replace(r, max_block=3, window=1) if r.name == "name_year_day_or_month" else r
            for r in spec.blocking
        ),
    )

    def tu(key: str, day: int, month: int) -> dict:
        return person_row(key, key, "Đinh Văn Tú", dt.date(1990, month, day), "M")

    people = background(200, seed=4)
    # keys 1990-5-t0 (a, c, b), 1990-3-u5 (a, b), 1990-5-u3 and 1990-3-t0 (a, b)
    base_rows = frame([tu("tu-a", 5, 3), tu("tu-c", 5, 8), tu("tu-b", 3, 5)])
    # d: 1990-5-t0 grows past max_block; e: 1990-3-u5 stays small
    new_rows = frame([tu("tu-d", 5, 7), tu("tu-e", 25, 3)])
    base = match(pl.concat([people, base_rows]), small, keep_state=True)
    increment = match_increment(base.state, new_rows, small)
    full = match(
        pl.concat([people, base_rows, new_rows]), small, model=base.state.frozen, previous=base.records, keep_state=True
    )
    rule = increment.blocking.filter(pl.col("rule") == "name_year_day_or_month").row(0, named=True)
    assert rule["capped_blocks_touched"] == 1
    assert by(increment.state.scored, "l", "r").equals(by(full.state.scored, "l", "r"))


def test_windowed_blocks_changed_at_start_middle_and_end_are_diffed_locally_and_equal_a_full_rematch(spec):
    """Two windowed blocks (the phone, and family + given name of records without a date, sorted by name;
    window 2): records enter at the start, the middle and the end of their sorted order, one moves (renamed)
    and one leaves the phone block (its phone changed); only pairs near those places are looked at. Pairs
    lost start one or two places before an insertion (Hữu-Minh and Khắc-Ngọc around Lâm)."""
    import dataclasses

    windowed = {"phone", "family_given_no_birth_date"}
    small = dataclasses.replace(
        spec,
        blocking=tuple(
            dataclasses.replace(r, max_block=4, window=2, sort_by=("name",)) if r.name in windowed else r
            for r in spec.blocking
        ),
    )
    middles = ["Bá", "Công", "Đình", "Gia", "Hữu", "Khắc", "Minh", "Ngọc", "Quang", "Thế", "Văn", "Xuân"]

    def hung(key: str, middle: str, i: int, phone: str = PLACEHOLDER, dated: bool | None = None) -> dict:
        dob = dt.date(1960 + i, 1 + i % 12, 1 + i % 28) if (i % 2 if dated is None else dated) else None
        return person_row(key, key, f"Phạm {middle} Hùng", dob, "M", phone=phone)

    people = background(200, seed=6)
    base_rows = frame([hung(f"hg-{i:02d}", m, i) for i, m in enumerate(middles)])
    new_rows = frame(
        [
            hung("hg-start", "An", 20),  # before every name of the block
            hung("hg-mid", "Lâm", 21),  # between Khắc and Minh
            hung("hg-end", "Yên", 22),  # after Xuân
            hung("hg-00", "Sơn", 0),  # Bá renamed: leaves the start, enters between Quang and Thế
            hung("hg-02", "Đình", 2, phone="0987654321"),  # leaves the phone block: Công and Hữu 2 places apart
        ]
    )
    changed = ["hg-00", "hg-02"]
    base = match(pl.concat([people, base_rows]), small, keep_state=True)
    increment = match_increment(base.state, new_rows, small)
    full = match(
        pl.concat([people, base_rows.filter(~pl.col("record_key").is_in(changed)), new_rows]),
        small,
        model=base.state.frozen,
        previous=base.records,
        keep_state=True,
    )
    report = {r["rule"]: r for r in increment.blocking.to_dicts()}
    for name in windowed:
        assert report[name]["windowed_blocks_touched"] == 1 and report[name]["blocks_paired_whole"] == 0
        assert report[name]["pairs_gained"] > 0 and report[name]["pairs_lost"] > 0
    inc, ref = increment.state, full.state
    assert by(inc.scored, "l", "r").equals(by(ref.scored, "l", "r"))
    assert by(inc.records, "record_id").equals(by(ref.records, "record_id"))
    assert by(inc.review, "left_id", "right_id").equals(by(ref.review, "left_id", "right_id"))
    # a pair the phone window lost is gone from the full run too: Quang, Thế, Văn became Quang, Sơn, Thế, Văn
    key = base.state.work.select("record_key", pl.col("name"))
    ids = dict(zip(key["name"].to_list(), key["record_key"].to_list(), strict=True))
    before = set(
        base.pairs.filter(pl.col("blocked_by").cast(pl.String).str.contains("phone"))
        .select("left_id", "right_id")
        .iter_rows()
    )
    after = set(
        full.pairs.filter(pl.col("blocked_by").cast(pl.String).str.contains("phone"))
        .select("left_id", "right_id")
        .iter_rows()
    )
    pair = tuple(sorted((ids["pham quang hung"], ids["pham van hung"])))
    assert pair in before and pair not in after


def test_the_model_fingerprint_hashes_long_tables_in_chunks_as_one_joined_string(runs):
    """States saved before the chunked hashing keep their fingerprint: the digest is fed the same bytes."""
    import dataclasses
    import hashlib

    from pipelines.match.state import DIGEST_CHUNK

    frozen = runs["base"].state.frozen
    values = pl.Series([f"tên {i}" for i in range(DIGEST_CHUNK * 2 + 7)])
    table = pl.DataFrame({"value": values, "tf": pl.Series([1.0 / len(values)] * len(values))})
    key = next(iter(frozen.tf))
    big = dataclasses.replace(frozen, tf={key: table}, word_shares={})
    digest = hashlib.sha256(json.dumps(big.model_json(), sort_keys=True, default=str).encode())
    digest.update(f"{key}:{table.height}".encode())
    digest.update(table.sort("value")["value"].str.join("\x1f").item().encode())
    digest.update(table.sort("value")["tf"].to_numpy().tobytes())
    assert big.fingerprint() == digest.hexdigest()[:16]
    changed = dataclasses.replace(big, tf={key: table.with_columns(pl.col("value").str.replace("tên 5", "tên 6"))})
    assert changed.fingerprint() != big.fingerprint()  # a value changed inside a later chunk changes it


def test_block_hashes_are_saved_read_back_and_recomputed_when_absent_or_of_another_polars(runs, data, spec, tmp_path):
    expected = runs["increment"].state
    folder = save_state(runs["base"].state, tmp_path / "state", spec)  # a full run's state: hashes computed
    loaded = load_state(folder, spec)
    assert loaded.blocks is not None and loaded.blocks.equals(block_ids(runs["base"].state.work, spec))
    again = match_increment(loaded, data["increment"], spec)
    assert by(again.state.scored, "l", "r").equals(by(expected.scored, "l", "r"))
    # the new state's hashes are the kept records' and the new ones', in its row order
    assert again.state.blocks.equals(block_ids(again.state.work, spec))
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["blocks"]["polars"] = "0.0.1"  # hashes of another Polars version are not read
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert load_state(folder, spec).blocks is None
    manifest["blocks"]["polars"] = pl.__version__
    manifest["blocks"]["scheme"] = "64 bits"  # nor those hashed another way
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert load_state(folder, spec).blocks is None
    manifest["blocks"]["scheme"] = BLOCK_HASH_SCHEME
    (folder / "manifest.json").write_text(json.dumps(manifest))


def test_the_added_records_block_hashes_come_from_blocking_block_ids(runs, data, spec, monkeypatch):
    """The increment hashes its records' blocks with ``blocking.block_ids`` (one definition of a block id, the one
    the state keeps for its other records), not with a copy of its logic."""
    import pipelines.match.increment as increment

    calls = []

    def spy(work: pl.DataFrame, spec_: MatchSpec) -> pl.DataFrame:
        calls.append(work.height)
        return block_ids(work, spec_)

    monkeypatch.setattr(increment, "block_ids", spy)
    again = match_increment(runs["base"].state, data["increment"], spec)
    assert calls == [data["increment"].height]  # once, for the added records
    assert again.state.blocks.equals(block_ids(again.state.work, spec))
    assert by(again.state.scored, "l", "r").equals(by(runs["increment"].state.scored, "l", "r"))


@pytest.mark.parametrize("damage", ["deleted", "not parquet", "cut short", "too few rows"])
def test_missing_or_damaged_block_hashes_are_recomputed_with_a_warning(runs, data, spec, tmp_path, caplog, damage):
    """The saved block hashes are a cache: a state whose hashes are missing or damaged is read without them
    (a warning names the file and the cause), and its increment equals the one from the intact state."""
    folder = save_state(runs["base"].state, tmp_path / "state", spec)
    path = folder / "blocks.parquet"
    if damage == "deleted":
        path.unlink()
    elif damage == "not parquet":
        path.write_bytes(b"not a parquet file at all")
    elif damage == "cut short":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    else:
        pl.read_parquet(path).head(10).write_parquet(path)
    with caplog.at_level("WARNING", logger="wardbridge.match"):
        loaded = load_state(folder, spec)
    assert loaded.blocks is None
    warning = [r.getMessage() for r in caplog.records if r.levelname == "WARNING" and "block hashes" in r.getMessage()]
    assert len(warning) == 1 and str(path) in warning[0]
    cause = {"deleted": "missing", "too few rows": "damaged (10 rows"}.get(damage, "unreadable")
    assert cause in warning[0]
    again = match_increment(loaded, data["increment"], spec)
    expected = runs["increment"].state
    assert by(again.state.scored, "l", "r").equals(by(expected.scored, "l", "r"))
    assert by(again.state.records, "record_id").equals(by(expected.records, "record_id"))
    assert again.state.blocks.equals(block_ids(again.state.work, spec))  # computed again for the next one


def test_two_keys_of_one_saved_hash_are_still_two_blocks(runs, data, spec):
    """A saved key of an untouched block given the hash of a touched one (as a hash collision would) is found
    among the touched blocks' records by its hash, but does not join that block: its key differs."""
    base = runs["base"].state
    blocks = block_ids(base.work, spec)
    added = prepare(data["increment"], spec)
    names = {"phone", "given_birth_date"}
    assert names <= {r.name for r in spec.blocking}  # a renamed rule must not leave the loop below empty
    for rule in (r for r in spec.blocking if r.name in names):
        on = list(rule.on)
        new_keys = added.drop_nulls(on)
        collided_hash = new_keys.head(1).select(block_hash(rule)).item()
        other = base.work.drop_nulls(on).join(new_keys.select(on).unique(), on=on, how="anti").select(on).row(0)
        rows = base.work.select(pl.all_horizontal(pl.col(c) == v for c, v in zip(on, other, strict=True))).to_series()
        assert rows.any()
        blocks = blocks.with_columns(blocks[rule.name].scatter(rows.arg_true(), collided_hash))
    again = match_increment(replace(base, blocks=blocks), data["increment"], spec)
    assert by(again.state.scored, "l", "r").equals(by(runs["increment"].state.scored, "l", "r"))


def colliding_hashes(monkeypatch, names: set[str]) -> None:
    """A test seam: every key of the rules ``names`` gets one block hash (every block collides with every other),
    in the saved hashes and the increment's alike; what is under test is the key comparison after the hash join."""
    from pipelines.match import blocking, increment

    real = blocking.block_hash

    def hashed(rule):
        return pl.lit(7, pl.UInt32).alias(blocking.BLOCK_HASH) if rule.name in names else real(rule)

    monkeypatch.setattr(blocking, "block_hash", hashed)
    monkeypatch.setattr(increment, "block_hash", hashed)


GAP_RULES = {"name_no_birth_date", "family_given_no_birth_date"}  # scalar keys, with ``missing``


def test_a_touched_key_colliding_with_a_gap_block_is_not_counted_touched(runs, data, spec, monkeypatch):
    """With ``missing``, only blocks holding a record missing the column are touched, decided on the key: a
    touched key whose hash is that of a gap block (here every hash is one) is not counted among them."""
    base = runs["base"].state
    colliding_hashes(monkeypatch, GAP_RULES)
    again = match_increment(replace(base, blocks=None), data["increment"], spec)
    added = prepare(data["increment"], spec)
    removed = base.work.filter(pl.col(spec.id_column).is_in(data["changed"]))
    report = {r["rule"]: r for r in again.blocking.iter_rows(named=True)}
    assert GAP_RULES <= {r.name for r in spec.blocking}  # a renamed rule must not leave the loop below empty
    for rule in (r for r in spec.blocking if r.name in GAP_RULES):
        on = list(rule.on)
        keys = pl.concat([added.select(on), removed.select(on)]).drop_nulls().unique()
        gaps = pl.concat([base.work, added], how="diagonal_relaxed").filter(pl.col(rule.missing).is_null())
        expected = keys.join(gaps.select(on).drop_nulls().unique(), on=on, how="semi").height
        assert 0 < expected < keys.height  # some touched keys have no gap block: they must not count
        assert report[rule.name]["touched_blocks"] == expected
        real = runs["increment"].blocking.filter(pl.col("rule") == rule.name)["touched_blocks"].item()
        assert real == expected
    full = runs["full"].state
    assert by(again.state.scored, "l", "r").equals(by(full.scored, "l", "r"))
    assert by(again.state.records, "record_id").equals(by(full.records, "record_id"))


LIST_RULES = {"name_year_day_or_month", "name_birth_month_day", "middle_given_birth_month_day"}  # keyed on a list


@pytest.mark.parametrize("names", [LIST_RULES, GAP_RULES, None], ids=["list keys", "missing", "every rule"])
def test_blocks_of_one_hash_are_told_apart_by_their_keys(runs, data, spec, monkeypatch, names):
    """Every key of the rules given one hash (all of them collide): each touched block's records are still those
    of its key (a record of a list-keyed rule in each block of its keys; a block with ``missing`` only when it
    holds a record missing the column), and the increment equals the full re-match."""
    names = names or {r.name for r in spec.blocking}
    assert all(any(r.name == n for r in spec.blocking) for n in names)
    colliding_hashes(monkeypatch, names)
    again = match_increment(replace(runs["base"].state, blocks=None), data["increment"], spec)
    full = runs["full"].state
    assert by(again.state.scored, "l", "r").equals(by(full.scored, "l", "r"))
    assert by(again.state.records, "record_id").equals(by(full.records, "record_id"))
    assert by(again.state.review, "left_id", "right_id").equals(by(full.review, "left_id", "right_id"))
    assert again.stats["pairs_entered"] == runs["increment"].stats["pairs_entered"] > 0


def test_increment_pairs_come_in_the_order_of_their_records_rows(runs, spec):
    inc = runs["increment"]
    row_of = inc.state.work.select(pl.col(spec.id_column).alias("id"), pl.int_range(pl.len()).alias("row"))
    rows = (
        inc.pairs.select("left_id", "right_id")
        .with_row_index("i")
        .join(row_of.rename({"id": "left_id", "row": "l"}), on="left_id")
        .join(row_of.rename({"id": "right_id", "row": "r"}), on="right_id")
        .sort("i")
    )
    assert rows.height == inc.pairs.height > 100
    assert rows.select("l", "r").equals(rows.select("l", "r").sort("l", "r"))


def test_saved_pairs_found_by_other_rules_now_take_their_new_rules(spec):
    """A capped placeholder block shrinking back under ``max_block`` (changed records lose the phone) pairs all
    against all again: saved pairs of untouched records found so far by their name alone are now found by the
    phone too; their rules equal a full re-match's."""

    def rec(key: str, i: int, phone: str | None = PLACEHOLDER) -> dict:
        return person_row(key, key, f"Phạm Văn Người{i}", dt.date(1950 + i, 1 + i % 12, 1 + i % 28), "M", phone=phone)

    base = frame([rec(f"ph-{i:02d}", i) for i in range(40)] + [rec(f"tw-{i:02d}", i) for i in (4, 9, 17)])
    added = frame([rec(f"ph-{i:02d}", i, phone="0912345678") for i in range(20, 35)])
    before = match(base, spec, keep_state=True)
    again = match_increment(before.state, added, spec)
    assert again.stats["pairs_rules_changed"] > 0
    whole = pl.concat([base.filter(~pl.col("record_key").is_in(added["record_key"].implode())), added])
    full = match(whole, spec, model=before.state.frozen, previous=before.records, keep_state=True)
    assert by(again.state.scored, "l", "r").equals(by(full.state.scored, "l", "r"))
    assert by(again.state.records, "record_id").equals(by(full.state.records, "record_id"))


def _ids(pairs: list[tuple[str, str]]) -> pl.DataFrame:
    return pl.DataFrame(pairs, schema={"left_id": pl.String, "right_id": pl.String}, orient="row")


def _entity(records: pl.DataFrame, key: str) -> str:
    return records.filter(pl.col("record_id") == key)["entity_id"].item()


def _assert_equal_runs(inc, full) -> None:
    """An increment's state equals a full re-match's: lineage, every pair, review queue, golden records."""
    assert by(inc.state.records, "record_id").equals(by(full.state.records, "record_id"))
    assert by(inc.state.scored, "l", "r").equals(by(full.state.scored, "l", "r"))
    assert by(inc.state.review, "left_id", "right_id").equals(by(full.state.review, "left_id", "right_id"))
    sort_ids = pl.col("record_ids").list.sort()
    assert by(inc.state.entities.with_columns(sort_ids), "entity_id").equals(
        by(full.state.entities.with_columns(sort_ids), "entity_id")
    )
    assert by(inc.merged_entities, "entity_id").equals(by(full.merged_entities, "entity_id"))


@pytest.fixture(scope="module")
def verdict_runs(runs, data, spec) -> dict:
    """Verdicts given with the increment: "same" on a review pair, on a non-match and on a pair no rule proposes,
    and on a new record with a saved one; "different" on a saved link of two kept records, on the two records
    the increment's bridge record links, and on a pair also judged "same" (the safer verdict wins); one naming
    a record nobody holds."""
    base = runs["base"]
    keys = set(data["base"]["record_key"].to_list()) | set(data["increment"]["record_key"].to_list())
    moving = set(data["changed"]) | set(data["held"])
    # "same" verdicts join records of no other entity (a record with a copy would refuse a stranger: the guard)
    alone = base.records.filter((pl.col("entity_size") == 1) & ~pl.col("record_id").is_in(list(moving)))
    alone = [k for k in alone["record_id"].to_list() if k.startswith("bg-") and f"{k}-copy" not in keys]
    one = pl.col("left_id").is_in(alone) & pl.col("right_id").is_in(alone)
    kept = ~pl.col("left_id").is_in(list(moving)) & ~pl.col("right_id").is_in(list(moving))
    bg = pl.col("left_id").str.starts_with("bg-") & pl.col("right_id").str.starts_with("bg-")
    pairs = base.pairs.filter(kept)
    review = pairs.filter(pl.col("left_id").str.starts_with("ph-") & (pl.col("decision") == "review"))
    review = review.select("left_id", "right_id").row(0)
    non_match = pairs.filter(one & (pl.col("decision") == "non_match")).select("left_id", "right_id").row(0)
    link, turned = pairs.filter(bg & (pl.col("decision") == "link")).select("left_id", "right_id").rows()[:2]
    paired = set(base.pairs.select("left_id", "right_id").iter_rows())
    loose = [k for k in alone if k not in non_match][:40]
    unblocked = next((a, b) for a, b in zip(loose[::2], loose[1::2], strict=True) if (a, b) not in paired)
    assert _entity(base.records, unblocked[0]) != _entity(base.records, unblocked[1])
    newcomer = next(k for k in data["held"] if f"{k}-copy" not in keys and not k.endswith("-copy"))
    new_pair = (newcomer, loose[-1])
    same = _ids([review, non_match, unblocked, new_pair, turned, ("nobody", loose[0])])
    different = _ids([link, ("dy-a", "dy-b"), turned])
    inc = match_increment(base.state, data["increment"], spec, labelled_pairs=same, cannot_link_pairs=different)
    whole = pl.concat(
        [data["base"].filter(~pl.col("record_key").is_in(data["changed"])), data["increment"]], how="diagonal_relaxed"
    )
    full = match(
        whole,
        spec,
        model=base.state.frozen,
        previous=base.records,
        labelled_pairs=inc.state.labelled,
        cannot_link_pairs=inc.state.cannot_link,
        keep_state=True,
    )
    named = {"review": review, "non_match": non_match, "unblocked": unblocked, "new": new_pair}
    return {"inc": inc, "full": full, "same": named, "different": {"link": link, "bridge": ("dy-a", "dy-b")}} | {
        "turned": turned
    }


def test_verdicts_given_with_an_increment_equal_a_full_rematch_with_them(verdict_runs):
    _assert_equal_runs(verdict_runs["inc"], verdict_runs["full"])


def test_verdicts_given_with_an_increment_link_and_never_link(verdict_runs, runs):
    inc, plain = verdict_runs["inc"], runs["increment"]
    records, without = inc.state.records, plain.state.records
    for a, b in verdict_runs["same"].values():
        assert _entity(records, a) == _entity(records, b)
    for a, b in [*verdict_runs["different"].values(), verdict_runs["turned"]]:
        assert _entity(records, a) != _entity(records, b)
    # each verdict changed what the increment without it gives
    assert all(_entity(without, a) != _entity(without, b) for a, b in verdict_runs["same"].values())
    assert all(_entity(without, a) == _entity(without, b) for a, b in verdict_runs["different"].values())
    reasons = dict(
        ((a, b), why) for a, b, why in inc.state.review.select("left_id", "right_id", "decision_reason").iter_rows()
    ) | dict(((a, b), why) for a, b, why in inc.pairs.select("left_id", "right_id", "decision_reason").iter_rows())
    assert reasons[verdict_runs["same"]["non_match"]] == "reviewer: same entity"
    assert reasons[verdict_runs["different"]["link"]] == "reviewer: different entities"
    v = inc.stats["verdicts"]
    assert (v["pairs"], v["unknown_records"], v["usable"]) == (9, 1, 8)
    assert inc.stats["verdicts_changed"] == 7  # the turned pair counts once, the unknown one not at all
    assert "verdicts: 8 of 9 given pairs used (1 name a record id" in inc.summary()
    assert "nobody" in inc.state.labelled["left_id"].to_list()  # kept, as a full run keeps what it was given


def test_verdicts_alone_re_decide_only_their_components_and_equal_a_full_rematch(verdict_runs, spec):
    """An increment without records (verdicts only), on the state an increment with verdicts left: the new ones
    are added to the saved ones; a second "different" on a saved "same" pair turns it."""
    before = verdict_runs["inc"]
    a, b = verdict_runs["same"]["review"]
    again = match_increment(before.state, None, spec, cannot_link_pairs=_ids([(a, b)]))
    assert again.stats["new_records"] == 0 and again.stats["verdicts_changed"] == 1
    assert _entity(again.state.records, a) != _entity(again.state.records, b)
    assert set(again.records["record_id"].to_list()) >= {a, b}
    assert again.records.height <= 10  # their component only
    full = match(
        before.state.frame,
        spec,
        model=before.state.frozen,
        previous=before.state.records,
        labelled_pairs=again.state.labelled,
        cannot_link_pairs=again.state.cannot_link,
        keep_state=True,
    )
    _assert_equal_runs(again, full)


@pytest.fixture(scope="module")
def withdrawal_runs(runs, data, spec) -> dict:
    """An increment that also withdraws a linked record (its copy stays), a record alone in its entity, a record
    of the capped placeholder block (the window shifts) and an id nobody holds."""
    base = runs["base"]
    moving = set(data["changed"]) | set(data["held"])
    records = base.records.filter(~pl.col("record_id").is_in(list(moving)) & pl.col("record_id").str.starts_with("bg-"))
    linked = records.filter(pl.col("entity_size") == 2).sort("record_id")["record_id"][0]
    alone = records.filter(pl.col("entity_size") == 1).sort("record_id")["record_id"][0]
    gone = [linked, alone, "ph-05"]
    inc = match_increment(base.state, data["increment"], spec, withdrawn=[*gone, "nobody", None])
    whole = pl.concat(
        [data["base"].filter(~pl.col("record_key").is_in(data["changed"] + gone)), data["increment"]],
        how="diagonal_relaxed",
    )
    full = match(whole, spec, model=base.state.frozen, previous=base.records, keep_state=True)
    return {"inc": inc, "full": full, "linked": linked, "alone": alone, "gone": gone}


def test_an_increment_withdrawing_records_equals_a_full_rematch_without_them(withdrawal_runs):
    _assert_equal_runs(withdrawal_runs["inc"], withdrawal_runs["full"])
    phone = withdrawal_runs["inc"].blocking.filter(pl.col("rule") == "phone").row(0, named=True)
    assert phone["touched_blocks"] >= 1  # the placeholder block lost a record: its window was diffed


def test_withdrawn_records_leave_their_entities_and_an_entity_they_alone_made_is_retired(withdrawal_runs, runs):
    inc, base = withdrawal_runs["inc"], runs["base"]
    gone = withdrawal_runs["gone"]
    assert not inc.state.records["record_id"].is_in(gone).any()
    assert not inc.state.work["record_key"].is_in(gone).any()
    assert not inc.state.entities["record_ids"].list.eval(pl.element().is_in(gone)).list.any().any()
    assert not (inc.state.review["left_id"].is_in(gone) | inc.state.review["right_id"].is_in(gone)).any()
    alone_entity = _entity(base.records, withdrawal_runs["alone"])
    assert alone_entity in inc.retired_entities["entity_id"].to_list()
    linked_entity = _entity(base.records, withdrawal_runs["linked"])
    (mate,) = set(base.records.filter(pl.col("entity_id") == linked_entity)["record_id"].to_list()) - set(gone)
    assert _entity(inc.state.records, mate) == linked_entity  # the copy left behind keeps the entity and its id
    assert linked_entity not in inc.retired_entities["entity_id"].to_list()
    s = inc.stats
    assert (s["withdrawn_records"], s["withdrawn_unknown"], s["changed_records"]) == (3, 1, 5)
    assert inc.state.records.height == base.records.height + s["new_records"] - 3
    assert "and 3 withdrawn records against 1,514 (1 withdrawn ids it does not hold);" in inc.summary()


def test_withdrawing_the_record_that_bridged_two_records_splits_their_entity(runs, spec):
    """Withdrawals alone (no records): the bridge record goes, the two it held together part; the larger share
    of the entity keeps its id (as a full run with the previous lineage names them)."""
    before = runs["increment"]
    assert _entity(before.state.records, "dy-a") == _entity(before.state.records, "dy-b")
    after = match_increment(before.state, None, spec, withdrawn=pl.Series(["dy-c"]))
    assert _entity(after.state.records, "dy-a") != _entity(after.state.records, "dy-b")
    assert _entity(before.state.records, "dy-a") in {
        _entity(after.state.records, "dy-a"),
        _entity(after.state.records, "dy-b"),
    }
    assert set(after.records["record_id"].to_list()) == {"dy-a", "dy-b"}  # only they are re-clustered
    assert after.state.blocks.equals(block_ids(after.state.work, spec))  # no record added: the kept ones' hashes
    full = match(
        before.state.frame.filter(pl.col("record_key") != "dy-c"),
        spec,
        model=before.state.frozen,
        previous=before.state.records,
        keep_state=True,
    )
    _assert_equal_runs(after, full)


def test_a_record_both_withdrawn_and_sent_again_is_refused(runs, data, spec):
    key = data["increment"]["record_key"][0]
    with pytest.raises(StateError, match="1 withdrawn record ids are also among the increment's records") as error:
        match_increment(runs["base"].state, data["increment"], spec, withdrawn=[key])
    assert key not in str(error.value)  # counts, never the id


def test_a_single_string_of_withdrawn_ids_is_refused_not_split_into_characters(runs, data, spec):
    """A str is a Sequence[str]: ``withdrawn="123"`` used to withdraw records "1", "2" and "3" (review r2)."""
    key = runs["base"].records["record_id"][0]
    for given in (key, "123"):
        with pytest.raises(TypeError, match="withdrawn takes a list or Series of record ids, not one str") as error:
            match_increment(runs["base"].state, data["increment"], spec, withdrawn=given)
        assert given not in str(error.value)  # never the id
    inc = match_increment(runs["base"].state, None, spec, withdrawn=[key])  # one id, in a list, is withdrawn
    assert inc.stats["withdrawn_records"] == 1


def test_a_saved_pair_found_by_other_rules_now_inside_a_reclustered_component_takes_its_new_rules(spec):
    """As above, but a new record (a third registration of the twin's person, another phone) links to both
    records of a saved pair whose rules change: that pair is re-decided with the component (``_recluster``) and
    must carry its new rules there too."""

    def rec(key: str, i: int, phone: str | None = PLACEHOLDER) -> dict:
        return person_row(key, key, f"Phạm Văn Người{i}", dt.date(1950 + i, 1 + i % 12, 1 + i % 28), "M", phone=phone)

    base = frame([rec(f"ph-{i:02d}", i) for i in range(40)] + [rec(f"tw-{i:02d}", i) for i in (4, 9, 17)])
    added = frame(
        [rec(f"ph-{i:02d}", i, phone="0912345678") for i in range(20, 35)] + [rec("tw-04-again", 4, "0987654321")]
    )
    before = match(base, spec, keep_state=True)
    again = match_increment(before.state, added, spec)
    pair = again.pairs.filter((pl.col("left_id") == "ph-04") & (pl.col("right_id") == "tw-04"))
    assert pair.height == 1  # re-decided: among the re-clustered records' pairs
    assert {"ph-04", "tw-04", "tw-04-again"} <= set(again.records["record_id"].to_list())
    was = before.pairs.filter((pl.col("left_id") == "ph-04") & (pl.col("right_id") == "tw-04"))
    assert "phone" not in was["blocked_by"].cast(pl.String).item().split(",")  # the capped block's window missed it
    assert "phone" in pair["blocked_by"].cast(pl.String).item().split(",")  # the block paired whole finds it now
    whole = pl.concat([base.filter(~pl.col("record_key").is_in(added["record_key"].implode())), added])
    full = match(whole, spec, model=before.state.frozen, previous=before.records, keep_state=True)
    assert by(again.state.scored, "l", "r").equals(by(full.state.scored, "l", "r"))
    theirs = full.pairs.filter((pl.col("left_id") == "ph-04") & (pl.col("right_id") == "tw-04"))
    text = pl.col("blocked_by").cast(pl.String)
    assert pair.with_columns(text).equals(theirs.with_columns(text))


def test_many_same_verdicts_keep_m_frozen_equal_a_full_rematch_and_advise_a_refit(runs, data, spec, tmp_path, caplog):
    """An increment does not refit m (a refit changes every pair's weight: a full re-match). With many "same"
    verdicts it still equals the full re-match with the frozen model, counts the verdicts m has not learned from
    (kept in the saved state, added up over increments) and, from REFIT_AFTER of them, says a full run is due."""
    from pipelines.match.learning import REFIT_AFTER

    base = runs["base"]
    moving = list(set(data["changed"]) | set(data["held"]))
    kept = ~pl.col("left_id").is_in(moving) & ~pl.col("right_id").is_in(moving)
    pairs = base.pairs.filter(kept & (pl.col("decision") != "link")).select("left_id", "right_id")
    same = pairs.head(REFIT_AFTER + 5)
    with caplog.at_level("WARNING", logger="wardbridge.match"):
        inc = match_increment(base.state, data["increment"], spec, labelled_pairs=same)
    whole = pl.concat(
        [data["base"].filter(~pl.col("record_key").is_in(data["changed"])), data["increment"]], how="diagonal_relaxed"
    )
    full = match(
        whole, spec, model=base.state.frozen, previous=base.records, labelled_pairs=inc.state.labelled, keep_state=True
    )
    _assert_equal_runs(inc, full)
    assert inc.state.frozen.fingerprint() == base.state.frozen.fingerprint()  # m, u, prior: frozen
    assert inc.stats["verdicts_since_fit"] == REFIT_AFTER + 5
    assert "full run without --model refits m" in inc.summary() and "refits m" in caplog.text
    # what the increment leaves out: a full run fitting the model refines m with these verdicts
    refit = match(whole, spec, previous=base.records, labelled_pairs=inc.state.labelled)
    frozen_m = base.state.frozen.model.m
    assert any(not np.allclose(refit.model.m[name], frozen_m[name]) for name in frozen_m)
    # the count is saved with the state and added up by the next increment (verdicts alone; repeats not counted)
    loaded = load_state(save_state(inc.state, tmp_path / "state", spec), spec)
    assert loaded.verdicts_since_fit == REFIT_AFTER + 5
    more = match_increment(
        loaded, None, spec, labelled_pairs=pl.concat([same.head(3), pairs.slice(REFIT_AFTER + 5, 2)])
    )
    assert more.stats["verdicts_since_fit"] == more.state.verdicts_since_fit == REFIT_AFTER + 7
    # a few verdicts: counted, no refit advised
    few = match_increment(base.state, data["increment"], spec, labelled_pairs=same.head(2))
    assert few.stats["verdicts_since_fit"] == 2
    assert "have not refined m" in few.summary() and "refits m" not in few.summary()


def test_verdicts_since_fit_count_a_pair_once_in_either_orientation_and_only_usable_ones(runs, data, spec):
    """(b, a) after (a, b) is the same verdict; a pair naming a record nobody holds, or a record with itself, is
    left out by the engine: none of them is a verdict m has not learned from."""
    base = runs["base"]
    pairs = base.pairs.filter(pl.col("decision") != "link").select("left_id", "right_id").rows()
    (a, b), (c, d), (e, f) = pairs[:3]
    one = match_increment(base.state, data["increment"], spec, labelled_pairs=_ids([(a, b), (c, d)]))
    assert one.stats["verdicts_since_fit"] == 2
    again = match_increment(
        one.state, None, spec, labelled_pairs=_ids([(b, a), (d, c), (a, "nobody"), (a, a), (e, f), (f, e)])
    )
    assert again.stats["verdicts_since_fit"] == again.state.verdicts_since_fit == 3  # (e, f) only


def test_an_increment_counts_its_review_items_as_a_full_run_does(runs):
    """The increment's summary gives its queued pairs as review items (one per pair of entities they join), counted
    as a full run counts them: over the whole updated state, the same number as the full re-match's."""
    from pipelines.match.increment import _review_items

    inc, full = runs["increment"], runs["full"]
    assert _review_items(inc.state.review, inc.state.records) == full.stats["review_items"] > 0
    assert inc.stats["review_pairs"] == inc.review.height > 0
    assert 0 < inc.stats["review_items"] < inc.stats["review_pairs"]  # some pairs join the same two entities
    assert inc.stats["review_items"] == _review_items(inc.review, inc.state.records)
    assert f"in {inc.stats['review_items']:,} item" in inc.summary()


def test_an_increments_review_line_says_it_counts_only_the_re_clustered_records(runs, data, spec):
    """The increment's queue line counts the pairs among its re-clustered records (its .review output), not the saved
    state's whole queue: it says so, so 'none' after an increment touching no queued pair is not read as an empty
    queue while the state still holds its pairs."""
    inc = runs["increment"]
    one = data["increment"].head(1).with_columns(pl.col("record_key") + "_alone")
    again = match_increment(inc.state, one, spec)
    assert again.review.height == 0 < again.state.review.height
    assert "queued for review among re-clustered records: none" in again.summary()
    assert f"queued for review among re-clustered records: {inc.review.height:,} pairs" in inc.summary()
    assert "among re-clustered" not in runs["full"].summary()

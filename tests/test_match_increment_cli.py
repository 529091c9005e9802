"""`wardbridge match --increment` with reviewers' verdicts (--labels) and withdrawn records (--withdrawn)."""

from __future__ import annotations

import click
import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.match import load_spec
from pipelines.match.increment import match_increment
from pipelines.match.state import load_state
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> dict:
    """A full run of 400 people saved with --save-state, and 40 of them held out as the increment."""
    folder = tmp_path_factory.mktemp("inc_cli")
    people = background(400, seed=21).drop("person")
    held = people["record_key"].sample(40, seed=3)
    base = people.filter(~pl.col("record_key").is_in(held.implode()))
    new = people.filter(pl.col("record_key").is_in(held.implode()))
    base.write_parquet(folder / "base.parquet")
    new.write_parquet(folder / "new.parquet")
    done = _match(
        "--input", folder / "base.parquet", "--output", folder / "base_out.parquet", "--save-state", folder / "state"
    )
    assert done.exit_code == 0, done.output
    return {"folder": folder, "base": base, "new": new}


def _apart(state_dir, k: int = 2) -> list[str]:
    """k record ids of the saved run that are in k different entities."""
    records = load_state(state_dir).records
    firsts = records.group_by("entity_id", maintain_order=True).agg(pl.col("record_id").first())
    return firsts["record_id"].head(k).to_list()


def _match(*args) -> object:
    """`wardbridge match --spec <people spec> ARGS` (paths given as they are)."""
    return CliRunner().invoke(main, ["match", "--spec", str(PEOPLE_SPEC), *(str(a) for a in args)])


def _increment(folder, state, out, *extra) -> object:
    return _match("--increment", folder / "new.parquet", "--state", state, "--output", out, *extra)


def test_an_increment_takes_verdicts_and_withdrawals_from_the_command_line_as_the_api_does(saved, tmp_path):
    folder = saved["folder"]
    left, right, gone = _apart(folder / "state", 3)
    labels = pl.DataFrame({"left_id": [left], "right_id": [right]})
    labels.write_csv(tmp_path / "labels.csv")
    # as a source system exports it on Vietnamese Windows: Windows-1258, ';' between cells
    (tmp_path / "withdrawn.csv").write_bytes(f"record_id;ghi chú\r\n{gone};đóng\r\n".encode("cp1258"))
    spec = load_spec(PEOPLE_SPEC)
    expected = match_increment(
        load_state(folder / "state", spec),
        saved["new"],
        spec,
        labelled_pairs=labels,
        withdrawn=[gone],
        source=str(folder / "new.parquet"),
    )
    done = _increment(
        folder,
        folder / "state",
        tmp_path / "out.parquet",
        "--labels",
        str(tmp_path / "labels.csv"),
        "--withdrawn",
        str(tmp_path / "withdrawn.csv"),
        "--save-state",
        str(tmp_path / "new_state"),
    )
    assert done.exit_code == 0, done.output
    after = load_state(tmp_path / "new_state").records
    entity = dict(after.select("record_id", "entity_id").iter_rows())
    assert entity[left] == entity[right]  # the reviewer's "same" verdict links two entities that were apart
    assert gone not in entity  # the withdrawn record left the state
    key = ["record_id"]
    assert after.sort(key).equals(expected.state.records.sort(key))


def test_increment_options_that_do_not_fit_are_refused_naming_the_option(saved, tmp_path):
    folder = saved["folder"]
    pl.DataFrame({"id": ["x"]}).write_csv(tmp_path / "no_column.csv")
    done = _increment(folder, folder / "state", tmp_path / "a.parquet", "--withdrawn", str(tmp_path / "no_column.csv"))
    assert done.exit_code == 2 and "--withdrawn" in done.output and "record_id" in done.output
    sent_again = saved["new"]["record_key"][0]  # withdrawn and sent in the same increment
    pl.DataFrame({"record_id": [sent_again]}).write_csv(tmp_path / "both.csv")
    done = _increment(folder, folder / "state", tmp_path / "b.parquet", "--withdrawn", str(tmp_path / "both.csv"))
    assert done.exit_code == 1 and "withdrawn or sent again" in done.output
    assert sent_again not in done.output  # counts only: record ids are personal values
    done = _match(
        "--input", folder / "base.parquet", "--output", tmp_path / "c.parquet", "--withdrawn", tmp_path / "both.csv"
    )
    assert done.exit_code == 2 and "--withdrawn goes with --increment" in done.output


def _linked(state_dir, avoid: set[str]) -> tuple[str, str]:
    """Two record ids the saved run linked into one entity (neither in ``avoid``)."""
    records = load_state(state_dir).records.filter(~pl.col("record_id").is_in(list(avoid)))
    pairs = records.group_by("entity_id").agg(pl.col("record_id").sort()).filter(pl.col("record_id").list.len() == 2)
    return tuple(pairs.sort("entity_id")["record_id"][0].to_list())


def test_labels_with_a_label_column_carry_different_verdicts_to_the_increment(saved, tmp_path):
    """--labels reads 'different' (no_match) verdicts too: the increment never links such a pair, as the API given
    them as cannot_link_pairs; 'same' (match) ones are linked."""
    folder = saved["folder"]
    left, right = _apart(folder / "state")
    one, other = _linked(folder / "state", set(saved["new"]["record_key"].to_list()))
    labels = pl.DataFrame({"left_id": [left, one], "right_id": [right, other], "label": ["Match", "no_match"]})
    undecided = pl.DataFrame({"left_id": [left], "right_id": [other], "label": [""]})  # a ward file partly filled in
    pl.concat([labels, undecided]).write_csv(tmp_path / "labels.csv")
    spec = load_spec(PEOPLE_SPEC)
    expected = match_increment(
        load_state(folder / "state", spec),
        saved["new"],
        spec,
        labelled_pairs=labels.head(1).select("left_id", "right_id"),
        cannot_link_pairs=labels.tail(1).select("left_id", "right_id"),
        source=str(folder / "new.parquet"),
    )
    done = _increment(
        folder,
        folder / "state",
        tmp_path / "out.parquet",
        "--labels",
        str(tmp_path / "labels.csv"),
        "--save-state",
        str(tmp_path / "new_state"),
    )
    assert done.exit_code == 0, done.output
    assert "1 rows without a label (not decided yet) left out" in done.output
    state = load_state(tmp_path / "new_state")
    entity = dict(state.records.select("record_id", "entity_id").iter_rows())
    assert entity[left] == entity[right] and entity[one] != entity[other]  # linked before: the verdict split them
    assert state.cannot_link.select("left_id", "right_id").rows() == [(one, other)]
    assert state.labelled.select("left_id", "right_id").rows() == [(left, right)]
    key = ["record_id"]
    assert state.records.sort(key).equals(expected.state.records.sort(key))


def test_a_full_run_reads_different_verdicts_and_a_bad_verdict_is_refused_without_its_value(saved, tmp_path):
    folder = saved["folder"]
    one, other = _linked(folder / "state", set())
    pl.DataFrame({"left_id": [one], "right_id": [other], "verdict": ["different"]}).write_csv(tmp_path / "diff.csv")
    done = _match(
        "--input", folder / "base.parquet", "--output", tmp_path / "full.parquet", "--labels", tmp_path / "diff.csv"
    )
    assert done.exit_code == 0, done.output
    entity = dict(pl.read_parquet(tmp_path / "full.parquet").select("record_id", "entity_id").iter_rows())
    assert entity[one] != entity[other]  # without the verdict the run links them (the saved state)
    bad = pl.DataFrame({"left_id": [one] * 3, "right_id": [other] * 3, "label": ["match", None, "perhaps-secret"]})
    bad.write_csv(tmp_path / "bad.csv")
    done = _increment(folder, folder / "state", tmp_path / "bad.parquet", "--labels", tmp_path / "bad.csv")
    assert done.exit_code == 2 and "--labels" in done.output and "1 rows whose label" in done.output
    assert "the first at record 3 after the header" in done.output
    assert "perhaps-secret" not in done.output and one not in done.output


def test_a_bad_verdicts_place_is_its_record_after_the_header_when_a_note_spans_lines(tmp_path):
    """A quoted note over two lines before the bad row: the message counted lines as records ("line 3" for the
    row on line 4); it names the record now."""
    from pipelines.cli import _read_verdicts

    path = tmp_path / "v.csv"
    path.write_text('left_id,right_id,note,label\n1,2,"two\nlines",same\n3,4,x,maybe\n', encoding="utf-8")
    with pytest.raises(click.BadParameter) as refused:
        _read_verdicts(path, "--labels")
    assert "the first at record 2 after the header" in refused.value.message
    assert "maybe" not in refused.value.message

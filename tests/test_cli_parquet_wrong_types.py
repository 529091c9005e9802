"""`wardbridge match`'s side files read from Parquet keep their column types (a CSV's cells are all text): an
entity_id stored as a number in --previous crashed in a join ('datatypes of join keys don't match'), a list in an id
or verdict column of --previous, --labels or --withdrawn crashed ('cannot cast List type'), and an --increment whose
spec column holds lists crashed where --input said so. Now a number, date or true/false is read as its text (as a
CSV's cell is), and a column of lists, structs or bytes is refused naming the file, the column and its type (exit 2,
or 1 for the data of --increment as for --input), never a value."""

from __future__ import annotations

import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.warehouse import REPO_ROOT
from tests.match_cases import background

PEOPLE_SPEC = REPO_ROOT / "mappings" / "match" / "people.toml"


def _match(*args) -> object:
    return CliRunner().invoke(main, ["match", "--spec", str(PEOPLE_SPEC), *(str(a) for a in args)])


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("wrong_types")
    people = background(200, seed=5).drop("person")
    people.write_parquet(folder / "in.parquet")
    people.head(20).write_parquet(folder / "new.parquet")
    done = _match("--input", folder / "in.parquet", "--output", folder / "out.parquet", "--save-state", folder / "st")
    assert done.exit_code == 0, done.output
    return {"folder": folder, "out": pl.read_parquet(folder / "out.parquet"), "people": people}


def _listed(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    return frame.with_columns(pl.concat_list(pl.col(column)).alias(column))


def test_a_previous_entity_id_stored_as_a_number_is_read_as_its_text(run, tmp_path):
    folder, out = run["folder"], run["out"]
    codes = {e: i for i, e in enumerate(out["entity_id"].unique(maintain_order=True))}
    previous = out.with_columns(pl.col("entity_id").replace_strict(codes, return_dtype=pl.Int64))
    previous.write_parquet(tmp_path / "prev.parquet")
    done = _match("--input", folder / "in.parquet", "--output", tmp_path / "o.parquet", "--previous",
                  tmp_path / "prev.parquet")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "Traceback" not in done.output
    # every entity keeps its previous id, now the number's text
    again = pl.read_parquet(tmp_path / "o.parquet")
    assert set(again["entity_id"]) == {str(i) for i in codes.values()}, again["entity_id"].head()


@pytest.mark.parametrize(
    ("option", "make", "column"),
    [
        ("--previous", lambda out: _listed(out, "record_id"), "record_id"),
        ("--labels", lambda out: _listed(_pairs(out), "left_id"), "left_id"),
        ("--labels", lambda out: _listed(_pairs(out), "verdict"), "verdict"),
    ],
    ids=["previous_record_id", "labels_left_id", "labels_verdict"],
)
def test_a_column_of_lists_in_a_side_file_is_refused_by_name(run, tmp_path, option, make, column):
    folder = run["folder"]
    make(run["out"]).write_parquet(tmp_path / "side.parquet")
    done = _match(
        "--input", folder / "in.parquet", "--output", tmp_path / "o.parquet", option, tmp_path / "side.parquet"
    )
    assert done.exit_code == 2, done.output
    assert f"side.parquet: column {column!r} has type List(String); it must hold one value per row" in done.output
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception


def _pairs(out: pl.DataFrame) -> pl.DataFrame:
    ids = out["record_id"]
    return pl.DataFrame({"left_id": [ids[0]], "right_id": [ids[1]], "verdict": ["match"]})


def test_withdrawn_ids_of_lists_are_refused_and_numbers_read_as_text(run, tmp_path):
    folder = run["folder"]
    base = ["--increment", folder / "new.parquet", "--state", folder / "st", "--output", tmp_path / "o.parquet"]
    pl.DataFrame({"record_id": [[run["out"]["record_id"][0]]]}).write_parquet(tmp_path / "w.parquet")
    done = _match(*base, "--withdrawn", tmp_path / "w.parquet")
    assert done.exit_code == 2, done.output
    assert "w.parquet: column 'record_id' has type List(String)" in done.output
    pl.DataFrame({"record_id": [12345]}).write_parquet(tmp_path / "n.parquet")
    done = _match(*base, "--withdrawn", tmp_path / "n.parquet")
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception


def test_withdrawn_ids_stored_as_numbers_withdraw_their_records(tmp_path):
    """The half of the test above on numbers only asked that nothing crashed: an id read wrongly (as '12345.0', or
    dropped) passed it. Here a withdrawn id a Parquet file holds as an integer withdraws its record (HV4)."""
    people = background(60, seed=9).drop("person")
    people = people.with_columns(pl.int_range(1, people.height + 1).cast(pl.String).alias("record_key"))
    people.write_parquet(tmp_path / "in.parquet")
    people.head(5).write_parquet(tmp_path / "new.parquet")
    done = _match("--input", tmp_path / "in.parquet", "--output", tmp_path / "out.parquet", "--save-state",
                  tmp_path / "st")  # fmt: skip
    assert done.exit_code == 0, done.output
    pl.DataFrame({"record_id": [10, 11]}).write_parquet(tmp_path / "w.parquet")  # records '10', '11': not sent again
    again = _match("--increment", tmp_path / "new.parquet", "--state", tmp_path / "st", "--output",
                   tmp_path / "o.parquet", "--withdrawn", tmp_path / "w.parquet")  # fmt: skip
    assert again.exit_code == 0, again.output
    assert "and 2 withdrawn records against" in again.output and "withdrawn ids it does not hold" not in again.output


def test_an_increment_whose_spec_column_holds_lists_is_refused_as_the_input_is(run, tmp_path):
    folder = run["folder"]
    _listed(run["people"].head(20), "full_name").write_parquet(tmp_path / "new.parquet")
    done = _match("--increment", tmp_path / "new.parquet", "--state", folder / "st", "--output", tmp_path / "o.parquet")
    assert done.exit_code == 1, done.output
    assert "new.parquet: column(s) ['full_name'] used by the spec hold lists or structs (List(String))" in done.output


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("twice", "cannot read as parquet: it names column 'address' more than once"),
        ("no_columns", "the Parquet file has no columns"),
        ("cut", "cannot read as parquet: the file is cut off or damaged"),
        ("csv", "cannot read as parquet: not a Parquet file"),
    ],
)
def test_an_unreadable_parquet_input_says_why_not_the_error_type(tmp_path, kind, said):
    """Before: 'cannot read as parquet (DuplicateError)', '(ComputeError)', and for a file of no columns 'column
    'address' not found ...; its columns are: ' with nothing after it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "in.parquet"
    if kind == "twice":
        pq.write_table(pa.table([pa.array(["12 Lê Lợi"]), pa.array(["x"])], names=["address", "address"]), path)
    elif kind == "no_columns":
        pq.write_table(pa.table({}), path)
    elif kind == "cut":
        pq.write_table(pa.table({"address": ["12 Lê Lợi"] * 100}), tmp_path / "whole.parquet")
        path.write_bytes((tmp_path / "whole.parquet").read_bytes()[:-40])
    else:
        path.write_text("address\n12 Lê Lợi\n", encoding="utf-8")
    done = CliRunner().invoke(
        main, ["resolve", "--input", str(path), "--column", "address", "--output", str(tmp_path / "o.csv")]
    )
    assert done.exit_code == 1, done.output
    assert said in done.output, done.output
    assert "Error)" not in done.output and "Lê" not in done.output, done.output


def test_whole_float_ids_are_read_as_integers_and_fractions_refused(tmp_path):
    """HV3: a --previous whose record_id pandas wrote as float (an int column holding a null) was read '1.0', met the
    input's '1' nowhere, and every entity lost its previous id without a word."""
    people = background(60, seed=9).drop("person")
    people = people.with_columns(pl.int_range(1, people.height + 1).cast(pl.String).alias("record_key"))
    people.write_parquet(tmp_path / "in.parquet")
    done = _match("--input", tmp_path / "in.parquet", "--output", tmp_path / "out.parquet")
    assert done.exit_code == 0, done.output
    out = pl.read_parquet(tmp_path / "out.parquet")
    previous = out.with_columns(pl.col("record_id").cast(pl.Float64), ("X" + pl.col("entity_id")).alias("entity_id"))
    previous.write_parquet(tmp_path / "prev.parquet")
    again = _match("--input", tmp_path / "in.parquet", "--output", tmp_path / "o.parquet", "--previous",
                   tmp_path / "prev.parquet")  # fmt: skip
    assert again.exit_code == 0, again.output
    assert pl.read_parquet(tmp_path / "o.parquet")["entity_id"].str.starts_with("X").all()
    assert "none of its" not in again.output, again.output
    previous.with_columns(pl.col("record_id") + 0.5).write_parquet(tmp_path / "half.parquet")
    half = _match("--input", tmp_path / "in.parquet", "--output", tmp_path / "o.parquet", "--previous",
                  tmp_path / "half.parquet")  # fmt: skip
    assert half.exit_code == 2, half.output
    assert "column 'record_id' has type Float64 and holds numbers that are not whole" in half.output, half.output


def test_side_file_float_ids_follow_an_input_holding_its_ids_as_floats(tmp_path):
    """HV4 on ec268ca: a Parquet input holding its ids as floats is matched by their text ('1.0'); a --previous or
    --labels whose ids are floats too met it (224 of 224 previous ids kept at 5976245) until ec268ca read the side
    file's whole floats as '1': every previous id lost. Side files' float ids now follow the input's."""
    people = background(60, seed=9).drop("person")
    people = people.with_columns(pl.int_range(1, people.height + 1).cast(pl.Float64).alias("record_key"))
    people.write_parquet(tmp_path / "in.parquet")
    done = _match("--input", tmp_path / "in.parquet", "--output", tmp_path / "out.parquet")
    assert done.exit_code == 0, done.output
    out = pl.read_parquet(tmp_path / "out.parquet")
    assert out["record_id"].head(2).to_list() == ["1.0", "2.0"]  # the engine's text of the input's floats
    previous = out.with_columns(pl.col("record_id").cast(pl.Float64), ("X" + pl.col("entity_id")).alias("entity_id"))
    previous.write_parquet(tmp_path / "prev.parquet")
    labels = pl.DataFrame({"left_id": [1.0, 3.0], "right_id": [2.0, 4.0], "verdict": ["different", "different"]})
    labels.write_parquet(tmp_path / "labels.parquet")
    again = _match("--input", tmp_path / "in.parquet", "--output", tmp_path / "o.parquet", "--previous",
                   tmp_path / "prev.parquet", "--labels", tmp_path / "labels.parquet")  # fmt: skip
    assert again.exit_code == 0, again.output
    assert "none of its" not in again.output and "name a record id" not in again.output, again.output
    assert pl.read_parquet(tmp_path / "o.parquet")["entity_id"].str.starts_with("X").all()


def test_previous_ids_meeting_no_record_are_said(run, tmp_path):
    folder, out = run["folder"], run["out"]
    out.with_columns(("other-" + pl.col("record_id")).alias("record_id")).write_parquet(tmp_path / "prev.parquet")
    done = _match("--input", folder / "in.parquet", "--output", tmp_path / "o.parquet", "--previous",
                  tmp_path / "prev.parquet")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert f"none of its {out.height:,} record ids is a record of" in done.output, done.output

"""A full run scored by a frozen model (`wardbridge match --model DIR`) counts the reviewers' verdicts its m has not
learned from, as an increment does. Before, the state it saved said 0 verdicts since the fit whatever verdicts the
run applied, so the next increment never advised a refit and the run's summary said nothing."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.match.learning import usable_verdicts, verdicts_since_fit

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "docs" / "examples" / "customers.toml"
CUSTOMERS = REPO / "docs" / "examples" / "customers.csv"


def _labels(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    pl.DataFrame(rows, schema=["left_id", "right_id", "label"], orient="row").write_csv(path)
    return path


def _match(tmp_path: Path, name: str, *options: str):
    out = tmp_path / f"{name}.csv"
    args = ["match", "--input", str(CUSTOMERS), "--spec", str(SPEC), "--output", str(out), *options]
    done = CliRunner().invoke(main, args)
    assert done.exit_code == 0, done.output
    return done


def _since_fit(state: Path) -> int:
    return json.loads((state / "manifest.json").read_text(encoding="utf-8"))["verdicts_since_fit"]


@pytest.fixture(scope="module")
def ids() -> list[str]:
    return pl.read_csv(CUSTOMERS, infer_schema=False)["customer_id"].sort().to_list()


def test_a_frozen_model_run_counts_the_verdicts_its_model_has_not_learned(tmp_path, ids):
    fitted = tmp_path / "fitted.state"
    first = _labels(tmp_path / "first.csv", [(ids[0], ids[1], "same")])
    _match(tmp_path, "fit", "--labels", str(first), "--save-state", str(fitted))
    assert _since_fit(fitted) == 0  # m fitted with the one verdict

    # the verdict m learned from, two new ones, one naming a record the data does not hold, one repeated reversed
    later = [
        (ids[0], ids[1], "same"),
        (ids[2], ids[3], "same"),
        (ids[5], ids[4], "different"),
        (ids[6], "NOT-A-RECORD", "same"),
        (ids[3], ids[2], "same"),
    ]
    frozen = tmp_path / "frozen.state"
    done = _match(
        tmp_path, "frozen", "--model", str(fitted), "--labels", str(_labels(tmp_path / "later.csv", later)),
        "--save-state", str(frozen),
    )  # fmt: skip
    assert _since_fit(frozen) == 2
    assert "2 verdicts since it was fitted (this run: 1 'same', 1 'different')" in done.output

    # the same verdicts again with the model of that run: nothing new; a verdict turned to different counts once
    again = tmp_path / "again.state"
    _match(
        tmp_path, "again", "--model", str(frozen), "--labels", str(tmp_path / "later.csv"), "--save-state", str(again)
    )
    assert _since_fit(again) == 2
    turned = later + [(ids[1], ids[0], "different")]
    done = _match(
        tmp_path, "turned", "--model", str(again), "--labels", str(_labels(tmp_path / "turned_labels.csv", turned)),
        "--save-state", str(tmp_path / "turned.state"),
    )  # fmt: skip
    assert _since_fit(tmp_path / "turned.state") == 3
    assert "3 verdicts since it was fitted (this run: 0 'same', 1 'different')" in done.output


def test_a_fitted_run_says_nothing_of_frozen_verdicts(tmp_path, ids):
    labels = _labels(tmp_path / "l.csv", [(ids[0], ids[1], "same")])
    done = _match(tmp_path, "fit", "--labels", str(labels), "--save-state", str(tmp_path / "s"))
    assert "m frozen" not in done.output and _since_fit(tmp_path / "s") == 0


def test_verdicts_since_fit_counts_each_pair_once_and_a_turn_to_different():
    held = pl.Series(["a", "b", "c", "d"])
    seen = usable_verdicts(held, pl.DataFrame({"left_id": ["b"], "right_id": ["a"]}), None)
    assert seen.rows() == [("a", "b", True)]
    now = usable_verdicts(
        held,
        pl.DataFrame({"left_id": ["a", "c", "d", "c"], "right_id": ["b", "d", "c", "c"]}),  # a-b seen; c-c itself
        pl.DataFrame({"left_id": ["b"], "right_id": ["a"]}),  # a-b judged both ways: different
    )
    assert sorted(now.rows()) == [("a", "b", False), ("c", "d", True)]
    tally = verdicts_since_fit(4, seen, now)
    assert (tally.count, tally.given) == (6, {"same": 1, "different": 1})
    assert sorted(tally.seen.rows()) == [("a", "b", False), ("c", "d", True)]
    assert verdicts_since_fit(0, tally.seen, now).count == 0  # nothing new the second time

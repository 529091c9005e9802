"""`wardbridge catalogue --manifest` on a JSON file that is not an object (a list, a string) is a data problem named
in one line (exit 1), never a traceback: it was AttributeError: 'list' object has no attribute 'get' (HQ9's new-user
pass)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pipelines.cli import main


@pytest.mark.parametrize("text", ["[]", '"manifest"', "3", '{"sources": "x"}'])
def test_a_json_that_is_no_manifest_is_named_not_a_traceback(tmp_path, text):
    path = tmp_path / "manifest.json"
    path.write_text(text, encoding="utf-8")
    done = CliRunner().invoke(main, ["catalogue", "--manifest", str(path)])
    assert done.exit_code == 1, (done.output, done.exception)
    assert isinstance(done.exception, SystemExit), repr(done.exception)
    assert "not a manifest written by `wardbridge synth`" in done.output

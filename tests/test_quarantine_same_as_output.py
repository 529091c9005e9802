"""`--quarantine` naming the same file as `--output` (or, for match, one of OUTPUT's companion files) is refused
saying the two outputs are one file, naming both options.

Before, check_output treated --output as one more input: 'refusing to overwrite an input', which --output is not
(HV14's probe). The clash with a real input still says that.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pipelines.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


def _said(result) -> str:
    return " ".join(result.output.split())


def test_resolve_quarantine_equal_to_output(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text('id,address\n1,"Phường Bến Nghé, Quận 1, TP Hồ Chí Minh"\n', encoding="utf-8")
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(out)]
    for spelling in (str(out), str(tmp_path / "sub" / ".." / "out.csv")):
        result = CliRunner().invoke(main, [*args, "--quarantine", spelling])
        said = _said(result)
        assert result.exit_code == 2, said
        assert "--quarantine and --output are the same file" in said and "two outputs" in said, said
        assert "input" not in said.replace("--input", ""), said  # --output is no input
        assert not out.exists()
    result = CliRunner().invoke(main, [*args, "--quarantine", str(source)])
    assert result.exit_code == 2 and "is also the --input file; refusing to overwrite an input" in _said(result)


def test_match_quarantine_equal_to_output_or_a_companion(tmp_path):
    out = tmp_path / "out.csv"
    args = ["match", "--input", str(EXAMPLES / "customers.csv"), "--spec", str(EXAMPLES / "customers.toml")]
    args += ["--output", str(out)]
    result = CliRunner().invoke(main, [*args, "--quarantine", str(out)])
    said = _said(result)
    assert result.exit_code == 2 and "--quarantine and --output are the same file" in said, said
    result = CliRunner().invoke(main, [*args, "--quarantine", str(tmp_path / "out.pairs.csv")])
    said = _said(result)
    assert result.exit_code == 2 and "--quarantine and --output's companion out.pairs.csv are the same" in said, said
    assert "refusing to overwrite an input" not in said
    assert not out.exists()

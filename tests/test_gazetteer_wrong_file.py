"""`wardbridge resolve --gazetteer <a file that is no gazetteer>`: the error names the columns the file lacks.

Before, read_user_table added the derived name_key column and only then failed on the missing `name`, so the
message was polars' 'unable to find column "name"; valid columns: ["foo", "bar", "name_key"]': it listed a column
(name_key) that the file does not have and named one missing column of five (HV14's probe).
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.reference import read_user_table
from pipelines.schema import ALIASES, GAZETTEER

ADDRESS = 'id,address\n1,"Phường Bến Nghé, Quận 1, TP Hồ Chí Minh"\n'


def _resolve(tmp_path, gazetteer_text: str):
    source = tmp_path / "in.csv"
    source.write_text(ADDRESS, encoding="utf-8")
    gazetteer = tmp_path / "wrong.csv"
    gazetteer.write_text(gazetteer_text, encoding="utf-8")
    args = ["resolve", "--input", str(source), "--column", "address", "--output", str(tmp_path / "out.csv")]
    return CliRunner().invoke(main, [*args, "--gazetteer", str(gazetteer)])


def test_a_file_with_other_columns_is_refused_naming_what_it_lacks(tmp_path):
    result = _resolve(tmp_path, "foo,bar\n1,2\n")
    assert result.exit_code == 1, result.output
    said = result.output
    assert "wrong.csv" in said and "Traceback" not in said
    missing, has = said.split("this one has")
    # the file has no name_key column, and may leave it out (derived from name): not among the missing or present
    assert "name_key" not in missing.split("(")[0] and "name_key" not in has, said
    assert said.count("wrong.csv") == 1, said
    for column in ("old_uid", "kind", "name", "new_uid", "source"):
        assert column in said, said
    assert "foo, bar" in said, said  # what the file does have
    assert not (tmp_path / "out.csv").exists()


def test_the_resolve_input_given_as_gazetteer_is_refused_the_same_way(tmp_path):
    result = _resolve(tmp_path, ADDRESS)
    assert result.exit_code == 1 and "missing columns old_uid, kind, name, new_uid, source (" in result.output
    assert result.output.rstrip().endswith("this one has id, address)"), result.output


def test_only_the_missing_columns_are_named(tmp_path):
    path = tmp_path / "gaz.csv"
    path.write_text("old_uid,kind,name,new_uid\npre2025:26734,street,Đường Số 7,2025:26734\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"missing column source\b") as raised:
        read_user_table(path, GAZETTEER, "name", "name_key")
    assert "name_key" not in str(raised.value).split("(")[0]
    # name_key left out of a gazetteer is still fine (derived by folding name), as are aliases without alias_key
    path.write_text(
        "old_uid,kind,name,new_uid,source\npre2025:26734,street,Đường Số 7,2025:26734,ward office\n", encoding="utf-8"
    )
    assert read_user_table(path, GAZETTEER, "name", "name_key")["name_key"].to_list() == ["duongso7"]
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("level,alias\nward,Bến Nghé\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"missing columns target_uid, source ") as raised:
        read_user_table(aliases, ALIASES, "alias", "alias_key")
    assert "alias_key" not in str(raised.value).split("(")[0]

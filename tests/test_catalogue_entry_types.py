"""A catalogue entry's keys are checked for their types, and the file for its encoding, naming the file, the source
and the key (pipelines/ingest/catalogue.py, _check_types, load_catalogue). Before, a value of another type was taken
as it was (day_first = "no" read as true, old_units = "pre2025:27139" as its characters, a two-character
delimiter), or `wardbridge run` said only 'nothing ran: AttributeError: 'str' object has no attribute 'items''
(columns = "x"), 'error: missing ), unterminated subpattern' (a bad extract_date_pattern) or a UnicodeDecodeError
(a catalogue saved in Windows-1258); a source id with '/' or a space shared its partition folder with the id
written with '_' (part=<id>@<date>: other characters are written '_'). A catalogue with Notepad's byte-order mark
was 'not valid TOML: Invalid statement (at line 1, column 1)'; it is read. Found by HQ9's new-user pass."""

from __future__ import annotations

import pytest

from pipelines.encodings import encode_cp1258
from pipelines.ingest.catalogue import CatalogueError, load_catalogue

ENTRY = """base_dir = "{base}"
[[source]]
id = "{id}"
registry = "population"
format = "csv"
path = "p.csv"
extract_date = "2025-08-31"
{extra}
[source.columns]
"ho_ten" = "full_name"
"ngay_sinh" = "date_of_birth"
"dia_chi" = "address"
"""


def _load(tmp_path, extra: str = "", id: str = "s1", data: bytes | None = None):
    path = tmp_path / "c.toml"
    path.write_bytes(data if data is not None else ENTRY.format(base=tmp_path, id=id, extra=extra).encode("utf-8"))
    return load_catalogue([path])


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ('day_first = "no"', "day_first must be true or false"),
        ('old_units = "pre2025:27139"', "old_units must be a list of texts"),
        ("old_units = [27139]", "old_units must be a list of texts"),
        ('delimiter = ";;"', "delimiter must be one character"),
        ('header_row = "2"', "header_row must be a whole number"),
        ("header_row = -1", "header_row must be a whole number"),
        ("header_row = true", "header_row must be a whole number"),
        ("key_column = 3", "key_column must be a text"),
        ('extract_date_pattern = "p(.csv"', "extract_date_pattern is not a regular expression"),
        ('extract_date_pattern = "p.csv"', "extract_date_pattern needs a group"),
    ],
)
def test_a_key_of_another_type_is_named(tmp_path, extra, named):
    with pytest.raises(CatalogueError) as caught:
        _load(tmp_path, extra)
    assert "c.toml: source 's1': " + named in str(caught.value)


def test_columns_not_a_table_is_named(tmp_path):
    text = ENTRY.format(base=tmp_path, id="s1", extra="").split("[source.columns]")[0] + 'columns = "x"\n'
    with pytest.raises(CatalogueError, match="source 's1': columns must be a table"):
        _load(tmp_path, data=text.encode())


@pytest.mark.parametrize("id", ["pop/770", "pop 770", "pop@770", ""])
def test_an_id_that_would_share_a_partition_folder_is_refused(tmp_path, id):
    with pytest.raises(CatalogueError, match="id must be letters, digits"):
        _load(tmp_path, id=id)


def test_ids_of_letters_digits_and_dots_are_read(tmp_path):
    assert list(_load(tmp_path, id="phường_7.v2-a")) == ["phường_7.v2-a"]


def test_encoding_and_byte_order_mark(tmp_path):
    text = ENTRY.format(base=tmp_path, id="s1", extra='description = "Họ tên"')
    assert list(_load(tmp_path, data=b"\xef\xbb\xbf" + text.encode("utf-8"))) == ["s1"]
    with pytest.raises(CatalogueError, match="c.toml: not UTF-8 text"):
        _load(tmp_path, data=encode_cp1258(text))


def test_a_single_source_table_is_named(tmp_path):
    with pytest.raises(CatalogueError, match=r"written \[\[source\]\]"):
        _load(tmp_path, data=b'[source]\nid = "x"\n')


@pytest.mark.parametrize("text", ['[[sources]]\nid = "x"\n', 'basedir = "/data"\n'])
def test_an_unknown_top_level_key_is_named(tmp_path, text):
    """'[[sources]]' (a plural) or 'basedir' was ignored: a catalogue of no source, or read against the repository."""
    with pytest.raises(CatalogueError, match="unknown top-level keys"):
        _load(tmp_path, data=text.encode())

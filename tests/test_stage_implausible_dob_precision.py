"""A birth date staging finds implausible (after the extract, or over 120 years before it) is not kept, and neither
are its precision and ambiguity (pipelines/ingest/stage.py, _population): the row said dob_precision 'day' beside an
empty date_of_birth, as an unreadable date never did. Found by HQ9's new-user pass (dates in odd forms)."""

from __future__ import annotations

from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from tests.ingesthelpers import ingest_extract

CSV = """stt,ho_ten,ngay_sinh,dia_chi
1,Nguyễn Văn An,22/01/2097,"12 Lê Lợi, Phường Bến Nghé, Quận 1"
2,Trần Thị Bình,22/01/1897,"5 Hai Bà Trưng, Phường 6, Quận 3"
3,Lê Văn Cường,22/01/1997,"7 Pasteur, Phường Bến Thành, Quận 1"
4,Lê Văn Dũng,31/02/1997,"7 Pasteur, Phường Bến Thành, Quận 1"
"""


def test_an_implausible_birth_date_keeps_no_precision(tmp_path):
    (tmp_path / "p.csv").write_text(CSV, encoding="utf-8")
    catalogue = tmp_path / "c.toml"
    catalogue.write_text(
        f'base_dir = "{tmp_path.as_posix()}"\n[[source]]\nid = "p"\nregistry = "population"\nformat = "csv"\n'
        'path = "p.csv"\nkey_column = "stt"\nextract_date = "2025-08-31"\n[source.columns]\n'
        'ho_ten = "full_name"\nngay_sinh = "date_of_birth"\ndia_chi = "address"\n',
        encoding="utf-8",
    )
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    got = ingest_extract(tmp_path / "wh", "population", extract, [])
    assert got.state == "ok", got.cause
    rows = {r["source_key"]: r for r in got.staged.iter_rows(named=True)}
    for key in ("1", "2", "4"):  # implausible (after the extract, over 120 years before) and impossible
        assert (rows[key]["date_of_birth"], rows[key]["dob_precision"]) == (None, None), rows[key]
        assert "date_of_birth: unreadable" in rows[key]["issues"]
    assert rows["3"]["dob_precision"] == "day" and rows["3"]["date_of_birth"] is not None

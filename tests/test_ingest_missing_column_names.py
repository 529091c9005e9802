"""A source missing a required column fails naming the source's own column(s) the catalogue maps to it, each with its
canonical field in brackets. Before, an address the catalogue maps as ward/district columns was named by its canonical
field among the source's names (required column(s) ['ten_chu_ho', 'address'] missing: no column 'address' is expected
in that file), and where an address column or a ward column would each do, only the first was named."""

from __future__ import annotations

from pathlib import Path

from pipelines.ingest.catalogue import extracts_by_partition, load_catalogue
from tests.ingesthelpers import ingest_extract

PARTS = {"so_ho_khau": "household_no", "ten_chu_ho": "head_name", "so_nha": "street_address", "phuong": "ward"}


def _cause(tmp: Path, columns: dict[str, str], header: list[str]) -> str:
    row = {"stt": "1", "so_ho_khau": "HK1", "ten_chu_ho": "An", "so_nha": "12", "phuong": "P1", "dia_chi": "12 P1"}
    lines = [",".join(header), ",".join(row[h] for h in header)]
    (tmp / "h.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    catalogue = tmp / "c.toml"
    catalogue.write_text(
        f'base_dir = "{tmp.as_posix()}"\n[[source]]\nid = "x"\nregistry = "households"\nformat = "csv"\n'
        'path = "h.csv"\nkey_column = "stt"\nextract_date = "2025-08-31"\n[source.columns]\n'
        + "".join(f'{src} = "{canon}"\n' for src, canon in columns.items()),
        encoding="utf-8",
    )
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    result = ingest_extract(tmp / "wh", "households", extract, [])
    assert result.state == "failed"
    return result.cause


def test_an_address_mapped_as_its_parts_is_named_by_the_sources_part_columns(tmp_path):
    cause = _cause(tmp_path, PARTS | {"quan": "district"}, ["stt", "so_ho_khau", "so_nha"])
    assert (
        "required column(s) 'ten_chu_ho' (head_name), 'phuong' (ward) or 'quan' (district) for the address missing"
        in cause
    )
    assert "'address'" not in cause  # the canonical field is no column of the file


def test_an_address_column_or_a_ward_column_that_would_do_are_both_named(tmp_path):
    columns = {"so_ho_khau": "household_no", "ten_chu_ho": "head_name", "dia_chi": "address", "phuong": "ward"}
    cause = _cause(tmp_path, columns, ["stt", "so_ho_khau", "ten_chu_ho"])
    assert "required column(s) 'dia_chi' (address) or 'phuong' (ward) missing" in cause


def test_a_ward_column_alone_is_the_address(tmp_path):
    """The failure path's boundary: with its ward column the source loads (no address column needed)."""
    tmp = tmp_path / "ok"
    tmp.mkdir()
    (tmp / "h.csv").write_text("stt,so_ho_khau,ten_chu_ho,phuong\n1,HK1,An,P1\n", encoding="utf-8")
    catalogue = tmp / "c.toml"
    catalogue.write_text(
        f'base_dir = "{tmp.as_posix()}"\n[[source]]\nid = "x"\nregistry = "households"\nformat = "csv"\n'
        'path = "h.csv"\nkey_column = "stt"\nextract_date = "2025-08-31"\n[source.columns]\n'
        + "".join(f'{src} = "{canon}"\n' for src, canon in PARTS.items()),
        encoding="utf-8",
    )
    (extract,) = extracts_by_partition(load_catalogue([catalogue])).values()
    assert ingest_extract(tmp / "wh", "households", extract, []).state == "ok"

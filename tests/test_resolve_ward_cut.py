"""Comma tails read from their first segment that opens with a ward marker (resolve._WARD_CUT): the
hamlet, quarter or street segments before the ward make most tails distinct, the ward on repeats.
Every row must give the reading of the per-address path (each distinct address read whole), and the
rows must share their readings (fewer distinct keys read than tails)."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines._native import source_module
from pipelines.reference import load_reference
from pipelines.resolve import resolve_addresses
from pipelines.synth.addresses import write_synthetic_gazetteer


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    path = tmp_path_factory.mktemp("gaz") / "gazetteer.csv"
    write_synthetic_gazetteer(path, seed=3)
    return load_reference(gazetteers=(path,))


UNITS = [
    "Phường Tân Định, TP.HCM",
    "P. Bến Nghé, Q.1, TP.HCM",
    "Phường 12, Quận Tân Bình",
    "P12, Q.Gò Vấp, SG",
    "Xã An Phú, Huyện Củ Chi, Thành phố Hồ Chí Minh",
    "Thị trấn Củ Chi, Huyện Củ Chi",
    "Xã Hòa Lộc, Tỉnh Vĩnh Long",
    "Phường Sài Gòn, Thành phố Hồ Chí Minh",
    "Phường 5, TP.HCM",
    "Phường Tân Định",
]
# Segments before the ward: hamlets and streets, and ones the reading of the ward on may not ignore (a
# district before a 2025-looking ward, a ward number run into the street, a two-word marker cut across).
HEADS = ["Khu phố {n}", "Tổ {n}, Ấp {n}B", "Đường số {n}", "Kp {n}", "Thôn {n}"]
TRAPS = ["Quận {n}", "Gò Vấp {n}", "Thủ Đức", "Hẻm {n} Quận 3", "Phường {n}", "P{n}", "Thị", "Thành", "{n}"]


def _compare(addresses, reference, resolver=resolve_addresses, **hints) -> pl.DataFrame:
    fast = resolver(addresses, reference, **hints)
    whole = resolver(addresses, reference, by_tail=False, **hints)
    diff = (
        pl.concat([fast.with_row_index("row"), whole.with_row_index("row")])
        .unique(keep="none", maintain_order=True)
        .sort("row")
    )
    assert diff.is_empty(), f"{diff['row'].n_unique()} rows differ:\n{diff.head(20)}"
    return fast


def _keys_read(addresses, reference, monkeypatch) -> list[str]:
    read: list[str] = []
    resolve = source_module()  # the spy is seen by the Python source's own calls, not by a compiled module's
    original = resolve._read_tails

    def spy(idx, tails):
        read.extend(tails["_tail"].to_list())
        return original(idx, tails)

    monkeypatch.setattr(resolve, "_read_tails", spy)
    _compare(addresses, reference, resolve.resolve_addresses)
    return read


def test_tails_are_read_from_the_ward_on(reference, monkeypatch):
    rows = [f"{n} Lê Lợi, {h.format(n=n)}, {u}" for h in HEADS for u in UNITS for n in range(1, 6)]
    read = _keys_read(rows, reference, monkeypatch)
    # No key holds a hamlet or street segment: one reading per unit, not one per hamlet.
    assert not [t for t in read if t.startswith(("khu pho", "to ", "duong so", "kp ", "thon "))]
    assert len(read) <= 2 * len(UNITS)
    assert "phuong tan dinh,sg" in read  # "tp hcm" stands as the shortest spelling of its province seen


def test_rows_the_ward_on_cannot_read_are_read_whole(reference, monkeypatch):
    rows = [f"{n} Lê Lợi, {t.format(n=n)}, {u}" for t in TRAPS for u in UNITS for n in (1, 2, 7)]
    rows += [f"{n} Lê Lợi, Khu phố {n}, Quận 3, {u}" for u in UNITS for n in (1, 2)]
    read = _keys_read(rows, reference, monkeypatch)
    # A district segment right before "Phường 5, TP.HCM": its reading looked one segment further left.
    assert "quan 1,phuong 5,sg" in read
    assert "thi,xa hoa loc,tinh vinh long" in read  # "thi,xa": maybe the marker "thi xa" across


def test_ward_cut_with_dates_and_schemes(reference):
    rows = [f"{n} Lê Lợi, {h.format(n=n)}, {u}" for h in (*HEADS, *TRAPS) for u in UNITS for n in (1, 5)]
    n = len(rows)
    as_of = [("2024-05-01", "01/08/2025", None)[i % 3] for i in range(n)]
    scheme = [("old", "2025", None, "?")[i % 4] for i in range(n)]
    _compare(rows, reference, as_of=as_of)
    _compare(rows, reference, scheme=scheme, as_of="2025-09-01")

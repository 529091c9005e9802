"""Random and adversarial addresses through two versions of the resolver: any difference is printed
and the exit status is 1.

Run on demand (not a test), e.g. against the resolver of an earlier commit::

    git show HEAD~1:pipelines/resolve.py > /tmp/resolve_before.py
    uv run python benchmarks/resolve_fuzz.py --old /tmp/resolve_before.py --n 200000

The addresses mix real unit names of both schemes (old wards, districts and provinces; 2025 wards
and provinces of the whole country) with every spelling the resolver reads (markers written,
abbreviated, glued or missing; no diacritics, NFD, upper case; province short forms), typos (a
letter dropped, doubled, swapped or replaced), street parts that hold unit names, separators of
every kind or none, and junk. Each version reads them with a fresh index, without hints, with
per-row dates and with per-row scheme values; the outputs must be equal row for row.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl  # noqa: E402

import pipelines.resolve as current  # noqa: E402
from pipelines.reference import load_reference  # noqa: E402
from pipelines.synth.addresses import write_synthetic_gazetteer  # noqa: E402

WARD_MARKS = [
    "Phường ",
    "P. ",
    "P.",
    "P",
    "phuong ",
    "F",
    "Xã ",
    "X. ",
    "xa ",
    "Thị trấn ",
    "TT. ",
    "Đặc khu ",
    "ĐK ",
    "",
]
DISTRICT_MARKS = ["Quận ", "Q.", "Q", "quan ", "Huyện ", "H. ", "Thành phố ", "TP. ", "TP", "Thị xã ", "TX. ", ""]
PROVINCE_FORMS = [
    "TP.HCM",
    "TPHCM",
    "HCM",
    "SG",
    "Thành phố Hồ Chí Minh",
    "TP Hồ Chí Minh",
    "Bình Dương",
    "BD",
    "BRVT",
    "BR-VT",
    "Bà Rịa - Vũng Tàu",
    "Tỉnh Bà Rịa - Vũng Tàu",
    "Việt Nam",
    "",
]
STREETS = [
    "12 Nguyễn Huệ",
    "so 12 Đường Nguyễn Trãi",
    "45/2 Lê Lợi",
    "Hẻm 22 Tân Định",
    "88 Đại lộ Bình Dương",
    "12 Lạc Long Quân",
    "Tổ 5, Khu phố 2",
    "Ấp 3",
    "7",
    "",
    # street words that start a comma-less address as a house number does (0c8d65c: _NUMBER_LIKE_FIRST)
    "Đường Lê Lợi",
    "Ngõ 5 Lê Lợi",
    "Kiệt 12 Hùng Vương",
    "Km 9 Quốc lộ 1",
    "Số 7 Trần Phú",
    "Tổ 3 Ấp 2",
]
JUNK = ["n/a", "không rõ", "???", "12345", "-", "po box 12", "x" * 60, "\x00\x1f", " ", "Lorem ipsum", "(", ")"]
SEPARATORS = [", ", ",", " - ", " ", "; ", " | ", "(", ")", "[", "]"]


def load_module(path: str):
    spec = importlib.util.spec_from_file_location("resolve_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["resolve_under_test"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def typo(rnd: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    i = rnd.randrange(1, len(text) - 1)
    kind = rnd.randrange(4)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    if kind == 2:
        return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]
    return text[:i] + rnd.choice("abcdeghiklmnopqrstuvxy") + text[i + 1 :]


def spelling(rnd: random.Random, text: str) -> str:
    roll = rnd.random()
    if roll < 0.15:
        return current.strip_accents(text)
    if roll < 0.25:
        return unicodedata.normalize("NFD", text)
    if roll < 0.35:
        return text.upper()
    if roll < 0.45:
        return text.lower()
    return text


def fuzz_addresses(n: int, seed: int, reference) -> list[str | None]:
    rnd = random.Random(seed)
    old = reference.units_pre2025
    wards = old["short_name"].to_list()
    districts = old["district_short_name"].unique().sort().to_list()
    new_wards = reference.units_2025["short_name"].to_list()
    provinces = PROVINCE_FORMS + reference.units_2025["province_short_name"].unique().sort().to_list()
    out: list[str | None] = []
    for _ in range(n):
        roll = rnd.random()
        if roll < 0.02:
            out.append(None)
            continue
        if roll < 0.08:
            out.append(rnd.choice(JUNK) + (f" {rnd.randint(1, 99999)}" if rnd.random() < 0.5 else ""))
            continue
        parts = []
        if rnd.random() < 0.7:
            parts.append(rnd.choice(STREETS))
        ward = rnd.choice(new_wards if rnd.random() < 0.4 else wards)
        if rnd.random() < 0.2:
            ward = typo(rnd, ward)
        parts.append(rnd.choice(WARD_MARKS) + ward)
        if rnd.random() < 0.55:
            district = rnd.choice(districts)
            if rnd.random() < 0.15:
                district = typo(rnd, district)
            parts.append(rnd.choice(DISTRICT_MARKS) + district)
        if rnd.random() < 0.8:
            parts.append(rnd.choice(provinces))
        parts = [p for p in parts if p]
        if rnd.random() < 0.1:
            rnd.shuffle(parts)
        text = parts[0] if parts else ""
        for part in parts[1:]:
            text += rnd.choice(SEPARATORS) + part
        if rnd.random() < 0.06:
            text = text.replace(",", "")
        out.append(spelling(rnd, text))
    return out


def compare(old, new, reference, addresses, label: str, **hints) -> int:
    started = time.process_time()
    a = old.resolve_addresses(addresses, index=old.build_index(reference), **hints)
    middle = time.process_time()
    b = new.resolve_addresses(addresses, index=new.build_index(reference), **hints)
    ended = time.process_time()
    diff = (
        pl.concat([a.with_row_index("row"), b.with_row_index("row")])
        .unique(keep="none", maintain_order=True)
        .sort("row")
    )
    rows = diff["row"].n_unique()
    print(
        f"{label:<22} {len(addresses):>9,} rows: {rows} differ "
        f"(old {middle - started:.1f} CPU s, new {ended - middle:.1f} CPU s)"
    )
    if rows:
        with pl.Config(tbl_rows=20, fmt_str_lengths=80, tbl_width_chars=200):
            print(diff.head(20))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--old", required=True, help="a resolve.py of another version (git show REV:pipelines/resolve.py)"
    )
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    old = load_module(args.old)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        gazetteer = Path(tmp) / "gazetteer.csv"
        write_synthetic_gazetteer(gazetteer, args.seed)
        reference = load_reference(gazetteers=(gazetteer,))
        addresses = fuzz_addresses(args.n, args.seed, reference)
        rnd = random.Random(args.seed + 1)
        as_of = [rnd.choice(["2024-05-01", "01/08/2025", None, "not a date"]) for _ in addresses]
        scheme = [rnd.choice(["old", "2025", None, "pre2025", "?"]) for _ in addresses]
        bad = compare(old, current, reference, addresses, "no hint")
        bad += compare(old, current, reference, addresses, "per-row dates", as_of=as_of)
        bad += compare(old, current, reference, addresses, "per-row schemes", scheme=scheme)
        repeated = addresses[: args.n // 10] * 10
        bad += compare(old, current, reference, repeated, "repetitive, no hint")
    print("identical" if not bad else f"{bad} rows differ")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())

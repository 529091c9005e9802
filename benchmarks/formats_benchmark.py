"""Throughput of the export writers (pipelines.synth.formats), one core.

Writes N rows of a 10-column registry-like table (Vietnamese names and addresses,
12-digit IDs, dates, nulls) in chunks to every CSV encoding and every other format,
and prints rows/s and bytes per row. Data generation is not timed.

    .venv/bin/python benchmarks/formats_benchmark.py [--rows 200000] [--chunk 50000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.synth.formats import CSV_ENCODINGS, FORMATS, open_writer

SURNAMES = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
MIDDLE = "Văn Thị Minh Ngọc Quốc Thanh Đức Hữu Hoàng Thuỷ".split()
GIVEN = "An Bình Cường Dũng Hùng Hương Lan Hạnh Thảo Trang Phương Tuấn Ánh Ẩn Yến Khoa Việt".split()
STREETS = "Lê Lợi|Nguyễn Trãi|Điện Biên Phủ|Cách Mạng Tháng Tám|Phạm Văn Đồng|Lý Thường Kiệt|Quang Trung".split("|")
WARDS = "Bến Nghé|Đa Kao|Tân Định|Phường 12|Linh Tây|Bình Mỹ|Phước Kiển|Tân Quý".split("|")
DISTRICTS = "Quận 1|Quận 3|Quận 10|Quận Gò Vấp|Huyện Củ Chi|Huyện Nhà Bè|Thành phố Thủ Đức".split("|")
COLUMNS = [
    "so_dinh_danh", "ho_ten", "ngay_sinh", "gioi_tinh", "dia_chi",
    "phuong_xa", "quan_huyen", "ma_ho", "quan_he_chu_ho", "ghi_chu",
]  # fmt: skip


def make_frame(n: int, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)

    def pick(values: list[str]) -> np.ndarray:
        return np.asarray(values, dtype=object)[rng.integers(0, len(values), n)]

    names = [f"{s} {m} {g}" for s, m, g in zip(pick(SURNAMES), pick(MIDDLE), pick(GIVEN), strict=True)]
    addr = [
        f"{h}/{k} {s}, Tổ {t}"
        for h, k, s, t in zip(rng.integers(1, 500, n), rng.integers(1, 30, n), pick(STREETS), rng.integers(1, 40, n), strict=True)
    ]  # fmt: skip
    ids = [f"079{x:09d}" for x in rng.integers(0, 10**9, n)]
    days, months, years = rng.integers(1, 29, n), rng.integers(1, 13, n), rng.integers(1940, 2020, n)
    dates = [f"{d:02d}/{m:02d}/{y}" for d, m, y in zip(days, months, years, strict=True)]
    notes = np.where(rng.random(n) < 0.9, None, pick(["Tạm vắng", 'Chuyển đi, "đã báo"', "Đã mất"]))
    return pl.DataFrame(
        {
            "so_dinh_danh": ids,
            "ho_ten": names,
            "ngay_sinh": dates,
            "gioi_tinh": pick(["Nam", "Nữ"]),
            "dia_chi": addr,
            "phuong_xa": pick(WARDS),
            "quan_huyen": pick(DISTRICTS),
            "ma_ho": [f"HK{x:08d}" for x in rng.integers(0, 10**7, n)],
            "quan_he_chu_ho": pick(["Chủ hộ", "Vợ", "Chồng", "Con", "Cháu", "Bố", "Mẹ"]),
            "ghi_chu": notes.tolist(),
        },
        schema={c: pl.String for c in COLUMNS},
    )


def bench(out: Path, frame: pl.DataFrame, chunk: int, fmt: str, **kw) -> tuple[float, int, int]:
    path = out / f"bench_{fmt}_{kw.get('encoding', 'utf-8')}"
    chunks = [frame.slice(i, chunk) for i in range(0, frame.height, chunk)]
    t0 = time.perf_counter()
    with open_writer(path, fmt, "nhan_khau", COLUMNS, **kw) as w:
        for c in chunks:
            w.write(c)
    dt = time.perf_counter() - t0
    return dt, w.stats.bytes, w.stats.unencodable


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--chunk", type=int, default=50_000)
    args = ap.parse_args()
    frame = make_frame(args.rows)
    print(f"{args.rows:,} rows x {len(COLUMNS)} columns, chunks of {args.chunk:,}")
    print(f"{'format':<14}{'encoding':<11}{'seconds':>9}{'rows/s':>12}{'bytes/row':>11}{'unencodable':>13}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        runs = [("csv", {"encoding": e}) for e in CSV_ENCODINGS]
        runs += [(f, {}) for f in FORMATS if f != "csv"]
        for fmt, kw in runs:
            if fmt == "xlsx":
                kw = {"title_rows": ["UỶ BAN NHÂN DÂN PHƯỜNG BẾN NGHÉ", "DANH SÁCH NHÂN KHẨU"], "sheet_rows": 100_000}
            dt, size, bad = bench(out, frame, args.chunk, fmt, **kw)
            enc = kw.get("encoding", "utf-8")
            print(f"{fmt:<14}{enc:<11}{dt:>9.3f}{args.rows / dt:>12,.0f}{size / args.rows:>11.1f}{bad:>13}")


if __name__ == "__main__":
    main()

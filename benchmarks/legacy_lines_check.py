"""Reading the legacy lines of a UTF-8 file (pipelines/ingest/readers._legacy_lines): is it safe, and what does it cost.

Safety (``--safety``): the non-ASCII lines of UTF-8 CSV files (the bundled sample's population registries by default)
are (a) damaged, one continuation byte of a letter changed (a line that is no UTF-8 and no legacy text either: read in
a legacy encoding, it would be mojibake), and (b) encoded in cp1258, VNI and TCVN3 (an old program's rows). For each,
how many the per-line test (encodings.certain_legacy_reading) reads, in which encoding, and whether the text read is
the line (NFC; TCVN3 keeps no letter case for some capitals: said apart).

Cost (``--cost FILE``): readers.decode_file of a UTF-8 CSV repeated ``--times`` times with 1,000 of its non-ASCII lines
appended in cp1258, legacy_lines False / True alternated, three rounds: CPU and wall seconds per call.

    uv run python benchmarks/legacy_lines_check.py --safety
    uv run python benchmarks/legacy_lines_check.py --cost /tmp/city1m/reg/population/population_718.csv --times 10
"""

from __future__ import annotations

import argparse
import random
import time
import unicodedata
from pathlib import Path

from pipelines.encodings import LEGACY_CODECS, certain_legacy_reading, encode_cp1258

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample" / "registries" / "population"


def _utf8_lines(files: list[Path]) -> list[str]:
    lines = []
    for f in files:
        try:
            text = f.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue  # a legacy file: not a source of UTF-8 lines
        lines += [line for line in text.split("\n")[1:] if line and not line.isascii()]
    return lines


def safety(files: list[Path]) -> None:
    rng = random.Random(7)
    lines = _utf8_lines(files)
    print(f"{len(lines):,} non-ASCII UTF-8 lines of {len(files)} files")
    damaged = read = 0
    for line in lines:
        data = bytearray(line.encode())
        at = rng.choice([i for i, b in enumerate(data) if b >= 0xC0])
        data[at + 1] = rng.choice([0x20, 0x41, 0xFF, 0xC3])  # a continuation byte lost or changed
        try:
            bytes(data).decode("utf-8")
            continue
        except UnicodeDecodeError:
            damaged += 1
        read += certain_legacy_reading(bytes(data)) is not None
    print(f"damaged (one byte of a letter changed): {damaged:,} lines not UTF-8, {read} read in a legacy encoding")
    for encoding, codec in LEGACY_CODECS.items():
        total = exact = case_only = other = changed = 0
        for line in lines:
            data = codec.encode(line)
            try:
                data.decode("utf-8")
                continue
            except UnicodeDecodeError:
                total += 1
            reading = certain_legacy_reading(data)
            if reading is None:
                continue
            text, found = reading
            want = unicodedata.normalize("NFC", line)
            if found != encoding:
                other += 1
            elif text == want:
                exact += 1
            elif text.lower() == want.lower():
                case_only += 1
            else:
                changed += 1
        left = total - exact - case_only - other - changed
        print(
            f"{encoding}: {total:,} lines not UTF-8: read back exactly {exact:,}, in letter case only differing "
            f"{case_only:,}, otherwise differing {changed}, read in another encoding {other}, left unread {left:,}"
        )


def cost(path: Path, times: int) -> None:
    from pipelines.ingest.readers import decode_file

    header, *rows = path.read_bytes().decode("utf-8").rstrip("\n").split("\n")
    foreign = [r for r in rows if not r.isascii()][:1000]
    data = "\n".join([header] + rows * times).encode() + b"\n"
    data += b"\n".join(encode_cp1258(r) for r in foreign) + b"\n"
    print(f"{len(data):,} bytes, {data.count(10):,} lines, {len(foreign):,} of them cp1258")
    for rnd in range(3):
        for flag in (False, True):
            cpu, wall = time.process_time(), time.perf_counter()
            _text, _label, bad, legacy = decode_file(data, "detect", "x", legacy_lines=flag)
            print(
                f"round {rnd} legacy_lines={flag}: {time.process_time() - cpu:.2f} CPU s, "
                f"{time.perf_counter() - wall:.2f} s wall; lines left bad {len(bad):,}, read {len(legacy):,}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--safety", action="store_true")
    parser.add_argument("--files", nargs="*", type=Path, help="UTF-8 CSV files (default: the sample's population)")
    parser.add_argument("--cost", type=Path, help="a UTF-8 CSV")
    parser.add_argument("--times", type=int, default=10)
    args = parser.parse_args()
    if args.safety:
        safety(args.files or sorted(SAMPLE.glob("*.csv")))
    if args.cost:
        cost(args.cost, args.times)


if __name__ == "__main__":
    main()

"""The legacy encodings are declared once (pipelines.encodings.LEGACY_CODECS, H5): the reader, the catalogue and the
generator (its CSV and DBF encodings, its old systems) derive from it, so a codec added there is generated and
tested with no other list to edit; the bundled sample's systems stay as they were."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from pipelines import encodings
from pipelines.ingest import catalogue
from pipelines.synth import formats, registries

REPO = Path(__file__).resolve().parents[1]

# The old systems the bundled sample (data/sample) was generated with: a change here would change its files.
SAMPLE_SYSTEMS = (
    ("csv", "utf-8"),
    ("xlsx", None),
    ("csv", "cp1258"),
    ("jsonl", None),
    ("csv", "tcvn3"),
    ("sqlite", None),
    ("csv", "utf-8-sig"),
    ("csv", "vni"),
    ("postgres_dump", None),
    ("csv", "mojibake"),
)


def test_every_declared_legacy_encoding_is_generated_and_read():
    legacy = set(encodings.LEGACY)
    assert legacy == set(encodings.LEGACY_CODECS)
    assert legacy < set(formats.CSV_ENCODINGS) and legacy < set(formats.DBF_ENCODINGS)
    assert legacy <= {encoding for _, encoding in registries.SYSTEMS}
    assert legacy < set(catalogue.ENCODINGS)


def test_the_old_systems_of_the_bundled_sample_are_kept():
    assert registries.SYSTEMS == registries.old_systems() == SAMPLE_SYSTEMS


def test_an_encoding_added_to_the_declaration_becomes_an_old_system():
    """Slots in alphabetical order, one beyond them appended: every declared encoding is generated once."""
    more = registries.old_systems((*encodings.LEGACY, "vps"))
    assert more == (*SAMPLE_SYSTEMS, ("csv", "vps"))
    toy = registries.old_systems((*encodings.LEGACY, "toy"))  # sorts before vni: takes its slot, vni appended
    assert toy[7] == ("csv", "toy") and toy[-1] == ("csv", "vni") and len(toy) == len(SAMPLE_SYSTEMS) + 1
    others = [s for s in SAMPLE_SYSTEMS if s[1] not in encodings.LEGACY]
    assert [s for s in toy if s[1] not in (*encodings.LEGACY, "toy")] == others  # the other systems keep their order
    fewer = registries.old_systems(("vni",))  # slots left over are dropped
    assert [e for _, e in fewer if e not in {s[1] for s in others}] == ["vni"] and len(fewer) == len(others) + 1


def test_a_codec_added_to_the_declaration_is_written_by_the_generator_and_read_back_by_ingest(tmp_path):
    """In a fresh interpreter: a toy legacy codec (ASCII, 'đ' as byte 0xF0) is declared in pipelines.encodings
    before the rest is imported; the generator writes a CSV and a DBF table in it, its old systems include it, the
    catalogue accepts it, and the reader reads the file back."""
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        import polars as pl
        from pipelines import encodings as e

        def encode(text):
            return text.replace("đ", "\\xf0").encode("latin-1")

        def decode(data):
            return bytes(data).decode("latin-1").replace("\\xf0", "đ")

        e.LEGACY_CODECS["toy"] = e.LegacyCodec(encode, decode, decode)
        e.LEGACY = tuple(e.LEGACY_CODECS)
        from pipelines.ingest import catalogue
        from pipelines.synth import formats, registries

        assert "toy" in formats.CSV_ENCODINGS and "toy" in formats.DBF_ENCODINGS, formats.CSV_ENCODINGS
        assert ("csv", "toy") in registries.SYSTEMS, registries.SYSTEMS
        assert "toy" in catalogue.ENCODINGS
        out = Path({str(tmp_path)!r})
        frame = pl.DataFrame({{"A": ["đi đá", "ok"]}})
        for fmt in ("csv", "dbf"):
            with formats.open_writer(out / f"t.{{fmt}}", fmt, "t", ["A"], encoding="toy") as w:
                w.write(frame)
        assert (out / "t.csv").read_bytes() == b"A\\n\\xf0i \\xf0\\xe1\\nok\\n", (out / "t.csv").read_bytes()
        assert e.decode_bytes((out / "t.csv").read_bytes(), "toy") == "A\\nđi đá\\nok\\n"
        print("ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]

"""What numpy loads lazily at its first use is loaded with the engine, not inside a process's first match (where the
entity benchmark times it against Splink): numpy.unique's numpy.ma (6.5 ms CPU on prepare's path) and numpy.random
(4.5 ms on u's)."""

from __future__ import annotations

import subprocess
import sys


def test_the_engine_loads_what_numpy_loads_at_first_use():
    code = "import sys\nimport pipelines.match\nprint('numpy.ma' in sys.modules, 'numpy.random' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True"], out.stdout


def test_a_match_imports_nothing_more_of_numpy():
    code = (
        "import sys\n"
        "import polars as pl\n"
        "from pipelines.match import match, parse_spec\n"
        "spec = parse_spec({'match': {'id': 'id'}, 'blocking': [{'on': ['k']}], 'compare': [{'name': 'n', 'column': 'n'}]})\n"
        "frame = pl.DataFrame({'id': [str(i) for i in range(300)], 'k': [str(i % 7) for i in range(300)],\n"
        "                      'n': [f'name {i % 11}' for i in range(300)]})\n"
        "before = {m for m in sys.modules if m.startswith('numpy')}\n"
        "match(frame, spec)\n"
        "print(sorted({m for m in sys.modules if m.startswith('numpy')} - before))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout

"""pipelines.text is the text normalisation every stage shares: other modules use its public names only."""

import ast
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]


def _private_text_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "pipelines.text":
            found += [f"{path.relative_to(ROOT)}:{node.lineno} {a.name}" for a in node.names if a.name.startswith("_")]
    return found


def test_no_module_imports_a_private_name_of_text():
    """The letters' folding table is ``fold_table`` (it was ``_fold_table``, imported by match/prepare.py and
    resolve.py)."""
    files = [p for d in ("pipelines", "tests", "benchmarks") for p in sorted((ROOT / d).rglob("*.py"))]
    found = [hit for p in files if p.name != "text.py" for hit in _private_text_imports(p)]
    assert not found, found


def test_fold_table_is_strip_accents_series_table():
    """fold_table's pairs fold as strip_accents_expr does, and replacing by them is strip_accents_series on text
    of those letters only (the table its fast path uses); one table, computed once."""
    from pipelines.text import fold_table, strip_accents_expr, strip_accents_series

    keys, values = fold_table()
    assert fold_table() is fold_table()
    assert len(keys) == len(values) and "ệ" in keys and "Đ" in keys and "\u0301" in keys
    expected = pl.DataFrame({"c": keys}).select(strip_accents_expr(pl.col("c")))["c"].to_list()
    assert values == expected
    text = pl.Series(["".join(keys), "Phường Tân Định", None])
    assert text.str.replace_many(keys, values).str.to_lowercase().to_list() == strip_accents_series(text).to_list()

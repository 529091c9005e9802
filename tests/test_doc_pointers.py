"""The pages the code's messages, help texts and comments send a reader to exist, and hold what they are sent there
for. HV37's walk through the guide: a `wardbridge run` stopped by an unset ${VAR} of a SQL source's URL said "set the
variables in the environment (docs/guide/ingestion-catalogue.md)", a page that says nothing of them (the catalogue's
database sources are in docs/ingestion.md). tests/test_doc_links.py checks the Markdown links; this checks the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCES = sorted(p for folder in ("pipelines", "assets", "quality") for p in (REPO / folder).rglob("*.py"))
PAGE = re.compile(r"docs/(?:guide/)?[a-z0-9_-]+\.md")
# a page followed by the heading of the section meant: docs/guide/matching.md "Increments"
SECTION = re.compile(r"(docs/(?:guide/)?[a-z0-9_-]+\.md)[ ,(]+[\"']([A-Z][^\"'()]*?)[\"']")


def _text(path: Path) -> str:
    """The file with comment and string continuations joined, so a heading cut by a line break is read whole."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\n\s*#\s*", " ", text)  # a comment continued on the next line
    return re.sub(r"[\"']\s*\n\s*f?[\"']", "", text)  # "...Entities in the " "pipeline..." in a call


def _pointers() -> list[tuple[str, str, str | None]]:
    out = []
    for path in SOURCES:
        text = _text(path)
        where = str(path.relative_to(REPO))
        out += [(where, m.group(0), None) for m in PAGE.finditer(text)]
        out += [(where, m.group(1), m.group(2)) for m in SECTION.finditer(text)]
    return out


POINTERS = _pointers()


def test_the_code_points_at_pages():
    assert len(POINTERS) > 10
    assert any(section for _, _, section in POINTERS)  # some name a section too


@pytest.mark.parametrize(
    ("where", "page", "section"), POINTERS, ids=[f"{w} {p} {s or ''}"[:90] for w, p, s in POINTERS]
)
def test_pointer_resolves(where, page, section):
    file = REPO / page
    assert file.is_file(), f"{where}: {page} does not exist"
    if section is not None:
        headings = {
            m.group(1).strip() for m in re.finditer(r"^#{1,6}\s+(.*?)\s*#*\s*$", file.read_text(encoding="utf-8"), re.M)
        }
        assert section in headings, f"{where}: {page} has no heading {section!r}"


def test_unset_sql_variable_message_names_the_page_that_explains_them():
    text = (REPO / "assets" / "cli.py").read_text(encoding="utf-8")
    m = re.search(r"set the variables in the environment \((docs/[a-z0-9/_-]+\.md)", text)
    assert m, "the message for an unset ${VAR} of a SQL source's URL no longer names a page"
    page = (REPO / m.group(1)).read_text(encoding="utf-8")
    assert "${" in page and "url" in page, f"{m.group(1)} does not say how a SQL source's URL takes its variables"

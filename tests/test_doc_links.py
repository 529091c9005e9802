"""Every relative Markdown link of README.md and docs/**/*.md resolves: its file exists and its anchor, if any, is a
heading of that file (GitHub's slugs). Moving a section to another page leaves no link behind it (HV36)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
LINK = re.compile(r"\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^()\s]+)\)")
FENCE = re.compile(r"^\s*(```|~~~)")


def _prose(path: Path) -> list[tuple[int, str]]:
    """(line number, line) outside fenced code blocks."""
    out, fenced = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            out.append((number, line))
    return out


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"<[^>]+>", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


@cache
def anchors(path: Path) -> frozenset[str]:
    seen: dict[str, int] = {}
    out = set()
    for _, line in _prose(path):
        if m := re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line):
            base = slug(m.group(1))
            n = seen.get(base, 0)
            seen[base] = n + 1
            out.add(base if n == 0 else f"{base}-{n}")
        out.update(re.findall(r"""<a\s+(?:id|name)=["']([^"']+)["']""", line))
    return frozenset(out)


def _links() -> list[tuple[str, Path, str]]:
    out = []
    for page in PAGES:
        for number, line in _prose(page):
            line = re.sub(r"``[^`]*``", "", line)
            for m in LINK.finditer(line):
                out.append((f"{page.relative_to(REPO)}:{number}", page, m.group(1)))
    return out


LINKS = _links()


def test_the_pages_have_links():
    assert len(LINKS) > 100
    assert any(where.startswith("docs/guide/") for where, _, _ in LINKS)


@pytest.mark.parametrize(("where", "page", "target"), LINKS, ids=[f"{w} {t}"[:90] for w, _, t in LINKS])
def test_relative_link_resolves(where, page, target):
    if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
        return
    path, _, anchor = target.partition("#")
    file = (page.parent / path).resolve() if path else page
    assert file.exists(), f"{where}: {target}: no file {file}"
    if anchor and file.suffix == ".md":
        assert anchor in anchors(file), f"{where}: {target}: no heading #{anchor} in {file.relative_to(REPO)}"

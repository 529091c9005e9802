"""The refit measurement is quoted in two places (docs/guide/matching.md "Increments" and learning.refit_advised): the
same one."""

import re
from pathlib import Path

from pipelines.match.learning import refit_advised

README = Path(__file__).resolve().parents[1] / "docs" / "guide" / "matching.md"


def _figures(text: str) -> list[str]:
    """Wall and CPU seconds, precision/recall values and the commit of the refit claim, in order."""
    return re.findall(r"\d+\.\d+ (?:CPU )?s\b|0\.9\d{3}|\b(?=[0-9a-f]*\d)[0-9a-f]{7}\b", text)


def test_the_refit_figures_in_the_docstring_are_the_readme_ones():
    readme = " ".join(README.read_text(encoding="utf-8").split())
    at = readme.index("that a full run without `--model` refits m")
    claim = readme[at : readme.index("so it is advised, not automatic", at)]
    doc = " ".join(refit_advised.__doc__.split())
    doc = doc[doc.index("At 1M") :]
    assert _figures(claim) and _figures(doc) == _figures(claim)

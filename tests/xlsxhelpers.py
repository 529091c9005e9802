"""Workbooks as other programs save them: a workbook written with xlsxwriter, then its first sheet's XML changed."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path


def with_sheet_xml(plain: Path, path: Path, change: Callable[[str], str]) -> None:
    """``plain`` (a workbook) copied to ``path`` with its first sheet's XML (xl/worksheets/sheet1.xml) passed through
    ``change``; ``plain`` is removed."""
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data.decode()).encode()
            zout.writestr(item, data)
    plain.unlink()

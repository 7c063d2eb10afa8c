"""Export cells that a spreadsheet would run as formulas are written as text, and imports read them back.

Excel, LibreOffice and Google Sheets take a CSV cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return for a formula (CSV injection): an FAQ answer ``=HYPERLINK("http://...","Click")`` would be
a link in the sheet, ``@SUM(...)`` a sum. Exports write such a cell with an apostrophe in front, so that
it is text; imports remove that apostrophe, so an exported file imported again gives every cell back as it
was. A cell whose apostrophes are followed by such a character gets one more apostrophe for the same
reason (``'=x`` is written ``''=x``). A negative number such as ``-5.00`` is a number to a spreadsheet,
not a formula, and is written as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from knowledge_base.csv_table import CsvTable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
APOSTROPHE = "'"
_NEGATIVE_NUMBER = re.compile(r"-\d+(\.\d+)?")


def _formula_like(cell: str) -> bool:
    """Whether the cell, after the apostrophes it starts with, would be run as a formula."""
    text = cell.lstrip(APOSTROPHE)
    return text.startswith(FORMULA_STARTS) and not _NEGATIVE_NUMBER.fullmatch(text)


def escape_formula(cell: str) -> str:
    """The cell as an export writes it: with an apostrophe in front when it is formula-like."""
    return APOSTROPHE + cell if _formula_like(cell) else cell


def unescape_formula(cell: str) -> str:
    """The cell as it was before ``escape_formula``; any other cell as it is."""
    return cell[1:] if cell.startswith(APOSTROPHE) and _formula_like(cell) else cell


def escape_formulas(cells: Iterable[str]) -> list[str]:
    return [escape_formula(cell) for cell in cells]


def unescape_formulas(table: CsvTable) -> CsvTable:
    """The table with every cell as it was before an export escaped it."""
    rows = [replace(row, cells={name: unescape_formula(cell) for name, cell in row.cells.items()})
            for row in table.rows]
    return replace(table, rows=rows)

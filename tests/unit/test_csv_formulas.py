"""Export cells that spreadsheets would run as formulas get an apostrophe; imports take it off again."""

from __future__ import annotations

import pytest

from knowledge_base.csv_formulas import escape_formula, unescape_formula, unescape_formulas
from knowledge_base.csv_table import read_table


@pytest.mark.parametrize(
    ("cell", "exported"),
    [
        ('=HYPERLINK("http://evil.example","Track")', '\'=HYPERLINK("http://evil.example","Track")'),
        ("+1 555 0100", "'+1 555 0100"),
        ("-", "'-"),
        ("- Free returns", "'- Free returns"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tindented", "'\tindented"),
        ("\rcmd", "'\rcmd"),
        ("'=1+1", "''=1+1"),
        ("''@x", "'''@x"),
    ],
)
def test_a_formula_like_cell_gets_one_apostrophe_and_loses_it_on_import(cell, exported):
    assert escape_formula(cell) == exported
    assert unescape_formula(exported) == cell


@pytest.mark.parametrize(
    "cell",
    ["'Tis the season", "'quoted' word", "'", "plain text", "", "19.99", "-5.00", "-5", "'-5.00", "a=b", " =1"],
)
def test_other_cells_are_the_same_both_ways(cell):
    assert escape_formula(cell) == cell
    assert unescape_formula(cell) == cell


def test_an_apostrophe_written_before_an_ordinary_cell_is_kept_on_import():
    assert unescape_formula("'19.99") == "'19.99"
    assert unescape_formula("'Tis") == "'Tis"


def test_every_cell_of_a_read_table_is_unescaped_with_its_row_number_kept():
    table = read_table("question,answer\n'=1+1,'@SUM(A1)\n'Tis?,'-5.00\n",
                       required=("question", "answer"), expected=("question", "answer"), what="FAQ")
    unescaped = unescape_formulas(table)
    assert [(row.number, row.cells) for row in unescaped.rows] == [
        (2, {"question": "=1+1", "answer": "@SUM(A1)"}),
        (3, {"question": "'Tis?", "answer": "'-5.00"}),
    ]
    assert (unescaped.columns, unescaped.delimiter) == (table.columns, table.delimiter)

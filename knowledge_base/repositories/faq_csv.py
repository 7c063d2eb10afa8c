"""FAQ import and export as CSV: ``question,answer,intent,alternates,tags,active`` with ``|`` between items.

An import is atomic: every row is checked first, and if any row is bad nothing is written and the error
names each bad row number (the header is row 1). A row whose question already exists updates that entry;
a column left out of the file (intent, alternates, tags, active) or an empty intent cell leaves that part
of existing entries as it is, and a row that matches its entry exactly is left alone. A new entry without
an intent gets the one the caller's ``guess_intent`` reads from its question and alternates. A question or
answer written in HTML (a help centre's export) is turned into Markdown first.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import IO

from sqlalchemy.orm import Session

from knowledge_base.csv_formulas import escape_formulas, unescape_formulas
from knowledge_base.csv_table import CsvRow, decode_csv, overflow_problem, read_csv_text, read_table
from knowledge_base.errors import CsvImportError, UserInputError
from knowledge_base.html_text import html_to_markdown, looks_like_html
from knowledge_base.repositories.faqs import (
    FaqFields,
    add_faq,
    find_by_question,
    list_faqs,
    question_key,
    update_faq,
)
from knowledge_base.repositories.intents import intent_names

COLUMNS = ("question", "answer", "intent", "alternates", "tags", "active")
REQUIRED = ("question", "answer")
ALIASES = {
    "question": ("q", "title", "faq", "questions", "question_title"),
    "answer": ("a", "body", "content", "response", "reply", "answers", "answer_text", "description"),
    "alternates": ("alternate_questions", "alternatives", "variations", "paraphrases", "other_questions"),
    "tags": ("labels", "label_names", "keywords"),
}
"""Other names of the columns in help centres' and FAQ tools' exports (a Zendesk article's title and body)."""
SEPARATOR = "|"
ACTIVE_WORDS = {"yes": True, "true": True, "1": True, "active": True,
                "no": False, "false": False, "0": False, "inactive": False}

__all__ = ["ImportReport", "IntentGuess", "decode_csv", "export_faqs_csv", "import_faqs_csv", "read_csv_text"]


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    faq_ids: list[int] = field(default_factory=list)
    guessed: list[tuple[str, str]] = field(default_factory=list)
    """(question, intent) of each new entry whose intent was guessed."""
    from_html: int = 0
    """Rows whose answer (or question) was written in HTML and was turned into Markdown."""
    note: str = ""
    """Columns read under another name, when there were any."""

    def summary(self) -> str:
        total = self.added + self.updated + self.unchanged
        text = f"{total} rows: {self.added} added, {self.updated} updated, {self.unchanged} unchanged{self.note}"
        if self.from_html:
            text += f"; {self.from_html} rows converted from HTML to Markdown"
        if self.guessed:
            text += f"; intent guessed for {len(self.guessed)} new entries (check them in the FAQ list)"
        return text


def export_faqs_csv(*, session: Session, stream: IO[str]) -> int:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    entries = list_faqs(session=session)
    for entry in entries:
        writer.writerow(
            escape_formulas([
                entry.question,
                entry.answer,
                entry.intent.name,
                SEPARATOR.join(entry.alternate_questions),
                SEPARATOR.join(entry.tags or []),
                "yes" if entry.active else "no",
            ])
        )
    return len(entries)


IntentGuess = Callable[[Sequence[str]], str | None]
"""The intent for an entry's wordings (question first, then alternates), or None when it cannot tell."""


def import_faqs_csv(*, session: Session, text: str, guess_intent: IntentGuess | None = None) -> ImportReport:
    """Validate every row, then add or update all of them in the caller's transaction."""
    table = unescape_formulas(read_table(text, required=REQUIRED, expected=COLUMNS, what="FAQ", aliases=ALIASES))
    known = set(intent_names(session=session))
    problems: dict[int, str] = {}
    seen: dict[str, int] = {}
    valid_rows: list[tuple[int, FaqFields]] = []
    from_html = 0
    for row in table.rows:
        cells = row.cells
        converted = _from_html(cells)
        from_html += converted != cells
        row = replace(row, cells=converted)
        problem = overflow_problem(table) if row.overflow else _row_problem(row, known, seen)
        if problem and converted != cells and problem.endswith("is empty"):
            problem += " once its HTML tags are removed"
        if problem:
            problems[row.number] = problem
        else:
            valid_rows.append((row.number, _fields(row.cells)))
    if problems:
        raise CsvImportError(problems)
    with session.begin_nested():
        report = _write(session, valid_rows, guess_intent)
    report.from_html = from_html
    report.note = table.renamed_note
    return report


def _from_html(cells: dict[str, str]) -> dict[str, str]:
    """The row with a question or answer written in HTML turned into Markdown (see ``html_text``)."""
    return {name: html_to_markdown(value) if name in ("question", "answer") and looks_like_html(value) else value
            for name, value in cells.items()}


def _row_problem(row: CsvRow, known: set[str], seen: dict[str, int]) -> str | None:
    cells = row.cells
    question = cells.get("question", "").strip()
    if not question:
        return "the question is empty"
    if not cells.get("answer", "").strip():
        return "the answer is empty"
    intent = cells.get("intent", "").strip()
    if intent and intent not in known:
        return f"unknown intent {intent!r} (known: {', '.join(sorted(known))})"
    if cells.get("active", "").strip().lower() not in ("", *ACTIVE_WORDS):
        return f"active must be yes or no, not {cells['active'].strip()!r}"
    key = question_key(question)
    if key in seen:
        return f"the same question as row {seen[key]}"
    seen[key] = row.number
    return None


def _fields(cells: dict[str, str]) -> FaqFields:
    active = cells.get("active", "").strip().lower()
    return FaqFields(
        question=cells["question"],
        answer=cells["answer"],
        intent=cells.get("intent", "").strip() or None,
        alternates=_split(cells["alternates"]) if "alternates" in cells else None,
        tags=_split(cells["tags"]) if "tags" in cells else None,
        active=ACTIVE_WORDS[active] if active else None,
    )


def _guessed_intent(session: Session, fields: FaqFields, guess_intent: IntentGuess | None) -> str:
    known = intent_names(session=session)
    guess = guess_intent([fields.question or "", *(fields.alternates or ())]) if guess_intent else None
    if guess is None or guess not in known:
        why = "the intent router could not tell" if guess_intent else "only an intent router (ASSISTANT_ROUTER) guesses one"
        raise UserInputError(f"the intent is empty ({why}); name one of the known intents: {', '.join(known)}")
    return guess


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(SEPARATOR) if part.strip()]


def _write(session: Session, valid_rows: list[tuple[int, FaqFields]], guess_intent: IntentGuess | None) -> ImportReport:
    """Write every row; a row the repository refuses aborts the savepoint and is named in the error."""
    report = ImportReport()
    problems: dict[int, str] = {}
    for number, fields in valid_rows:
        try:
            entry = _upsert(session, fields, report, guess_intent)
        except UserInputError as error:
            problems[number] = str(error)
            continue
        report.faq_ids.append(entry.id)
    if problems:
        raise CsvImportError(problems)
    return report


def _upsert(session: Session, fields: FaqFields, report: ImportReport, guess_intent: IntentGuess | None):
    existing = find_by_question(session=session, question=fields.question or "")
    if existing is None:
        if fields.intent is None:
            fields = replace(fields, intent=_guessed_intent(session, fields, guess_intent))
            report.guessed.append((fields.question or "", fields.intent or ""))
        report.added += 1
        return add_faq(session=session, fields=fields)
    before = existing.updated_at
    entry = update_faq(session=session, faq_id=existing.id, fields=fields)
    if entry.updated_at == before:
        report.unchanged += 1
    else:
        report.updated += 1
    return entry

"""FAQ import and export as CSV: ``question,answer,intent,alternates,tags`` with ``|`` between items.

An import is atomic: every row is checked first, and if any row is bad nothing is written and the error
names each bad row number (the header is row 1). A row whose question already exists updates that entry.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import IO

from sqlalchemy.orm import Session

from knowledge_base.errors import CsvImportError, UserInputError
from knowledge_base.repositories.faqs import (
    FaqFields,
    add_faq,
    find_by_question,
    list_faqs,
    question_key,
    update_faq,
)
from knowledge_base.repositories.intents import intent_names

COLUMNS = ("question", "answer", "intent", "alternates", "tags")
REQUIRED = ("question", "answer", "intent")
SEPARATOR = "|"


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    faq_ids: list[int] = field(default_factory=list)


def export_faqs_csv(*, session: Session, stream: IO[str]) -> int:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    entries = list_faqs(session=session)
    for entry in entries:
        writer.writerow(
            [
                entry.question,
                entry.answer,
                entry.intent.name,
                SEPARATOR.join(entry.alternate_questions),
                SEPARATOR.join(entry.tags or []),
            ]
        )
    return len(entries)


def read_csv_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserInputError(
            f"The file is not UTF-8 text (byte {error.start} cannot be read); "
            "save it as 'CSV UTF-8' and import again."
        ) from error


def import_faqs_csv(*, session: Session, text: str) -> ImportReport:
    """Validate every row, then add or update all of them in the caller's transaction."""
    rows = _parse(text)
    known = set(intent_names(session=session))
    problems: dict[int, str] = {}
    seen: dict[str, int] = {}
    valid_rows: list[tuple[int, FaqFields]] = []
    for number, row in rows:
        problem = _row_problem(row, known, seen, number)
        if problem:
            problems[number] = problem
        else:
            valid_rows.append((number, _fields(row)))
    if problems:
        raise CsvImportError(problems)
    with session.begin_nested():
        return _write(session, valid_rows)


def _parse(text: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as error:
        raise CsvImportError({1: f"unreadable CSV header: {error}"}) from error
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CsvImportError({1: f"missing column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}"})
    reader.fieldnames = header
    try:
        rows = [(number, row) for number, row in enumerate(reader, start=2)]
    except csv.Error as error:
        raise CsvImportError({reader.line_num: f"unreadable CSV: {error}"}) from error
    if not rows:
        raise UserInputError("The CSV file has a header but no FAQ rows.")
    return rows


def _row_problem(row: dict, known: set[str], seen: dict[str, int], number: int) -> str | None:
    if None in row:
        return "more fields than columns (is there an unquoted comma?)"
    question = (row.get("question") or "").strip()
    if not question:
        return "the question is empty"
    if not (row.get("answer") or "").strip():
        return "the answer is empty"
    intent = (row.get("intent") or "").strip()
    if intent not in known:
        return f"unknown intent {intent!r}" if intent else "the intent is empty"
    key = question_key(question)
    if key in seen:
        return f"the same question as row {seen[key]}"
    seen[key] = number
    return None


def _fields(row: dict[str, str]) -> FaqFields:
    return FaqFields(
        question=row["question"],
        answer=row["answer"],
        intent=row["intent"].strip(),
        alternates=_split(row.get("alternates")),
        tags=_split(row.get("tags")),
    )


def _split(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split(SEPARATOR) if part.strip()]


def _write(session: Session, valid_rows: list[tuple[int, FaqFields]]) -> ImportReport:
    """Write every row; a row the repository refuses aborts the savepoint and is named in the error."""
    report = ImportReport()
    problems: dict[int, str] = {}
    for number, fields in valid_rows:
        try:
            entry = _upsert(session, fields, report)
        except UserInputError as error:
            problems[number] = str(error)
            continue
        report.faq_ids.append(entry.id)
    if problems:
        raise CsvImportError(problems)
    return report


def _upsert(session: Session, fields: FaqFields, report: ImportReport):
    existing = find_by_question(session=session, question=fields.question or "")
    if existing is None:
        report.added += 1
        return add_faq(session=session, fields=fields)
    report.updated += 1
    return update_faq(session=session, faq_id=existing.id, fields=fields)

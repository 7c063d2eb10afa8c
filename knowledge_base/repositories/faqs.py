"""FAQ entries with their alternate questions, intent and tags.

Every change goes through these functions, which validate it, bump ``updated_at`` (so dense vectors are
refreshed) and leave the FTS index to the database's triggers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from knowledge_base.errors import DuplicateQuestionError, FaqNotFoundError, UserInputError
from knowledge_base.models import FaqAlternate, FaqEntry, utcnow
from knowledge_base.repositories.intents import require_intent
from knowledge_base.text_input import require_printable

MAX_QUESTION_CHARS = 500
MAX_ANSWER_CHARS = 5000


def question_key(question: str) -> str:
    """The form two questions share when they are the same question (case, spacing, end punctuation)."""
    return re.sub(r"\s+", " ", question).strip().rstrip("?!. ").lower()


@dataclass(frozen=True)
class FaqFields:
    """The editable content of an entry; ``None`` in an update means "leave as it is"."""

    question: str | None = None
    answer: str | None = None
    intent: str | None = None
    alternates: Sequence[str] | None = None
    tags: Sequence[str] | None = None
    active: bool | None = None


def add_faq(*, session: Session, fields: FaqFields) -> FaqEntry:
    if fields.question is None or fields.answer is None or fields.intent is None:
        raise UserInputError("A new FAQ entry needs a question, an answer and an intent.")
    entry = FaqEntry(question="", question_key="", answer="", tags=[], active=True)
    _apply(session, entry, fields)
    session.add(entry)
    session.flush()
    return entry


def update_faq(*, session: Session, faq_id: int, fields: FaqFields) -> FaqEntry:
    """Apply ``fields``; ``updated_at`` moves only when the content changed (which re-embeds the entry)."""
    entry = get_faq(session=session, faq_id=faq_id)
    before = _content(entry)
    _apply(session, entry, fields)
    if _content(entry) != before:
        entry.updated_at = utcnow()
    session.flush()
    return entry


def delete_faq(*, session: Session, faq_id: int) -> None:
    session.delete(get_faq(session=session, faq_id=faq_id))
    session.flush()


def get_faq(*, session: Session, faq_id: int) -> FaqEntry:
    entry = session.get(FaqEntry, faq_id)
    if entry is None:
        raise FaqNotFoundError(faq_id)
    return entry


def find_by_question(*, session: Session, question: str) -> FaqEntry | None:
    return session.scalar(select(FaqEntry).where(FaqEntry.question_key == question_key(question)))


def list_faqs(
    *,
    session: Session,
    intent: str | None = None,
    contains: str | None = None,
    include_inactive: bool = True,
    limit: int | None = None,
    offset: int = 0,
) -> list[FaqEntry]:
    query = select(FaqEntry).order_by(FaqEntry.id).offset(offset).limit(limit)
    if intent:
        query = query.where(FaqEntry.intent_id == require_intent(session=session, name=intent).id)
    if not include_inactive:
        query = query.where(FaqEntry.active.is_(True))
    if contains:
        needle = contains.lower()
        query = query.where(
            or_(
                func.lower(FaqEntry.question).contains(needle, autoescape=True),
                func.lower(FaqEntry.answer).contains(needle, autoescape=True),
            )
        )
    return list(session.scalars(query).unique())


def faqs_for_intent(*, session: Session, intent: str, limit: int = 20) -> list[FaqEntry]:
    return list_faqs(session=session, intent=intent, include_inactive=False, limit=limit)


def count_faqs(*, session: Session) -> int:
    return session.scalar(select(func.count(FaqEntry.id))) or 0


def _apply(session: Session, entry: FaqEntry, fields: FaqFields) -> None:
    if fields.question is not None:
        question = _clean_text(fields.question, "question", MAX_QUESTION_CHARS)
        _ensure_unique(session, question, entry.id)
        entry.question, entry.question_key = question, question_key(question)
    if fields.answer is not None:
        entry.answer = _clean_text(fields.answer, "answer", MAX_ANSWER_CHARS, keep_lines=True)
    if fields.intent is not None:
        entry.intent = require_intent(session=session, name=fields.intent)
    if fields.alternates is not None:
        _set_alternates(entry, fields.alternates)
    if fields.tags is not None:
        entry.tags = _clean_list(fields.tags, lower=True)
    if fields.active is not None:
        entry.active = fields.active


def _content(entry: FaqEntry) -> tuple:
    intent = entry.intent.name if entry.intent is not None else None
    return (entry.question, entry.answer, intent, tuple(entry.alternate_questions),
            tuple(entry.tags or ()), entry.active)


def _set_alternates(entry: FaqEntry, alternates: Iterable[str]) -> None:
    own_key = entry.question_key
    cleaned = [
        _clean_text(a, "alternate question", MAX_QUESTION_CHARS) for a in _clean_list(alternates)
    ]
    unique = {question_key(a): a for a in cleaned if question_key(a) != own_key}
    if list(unique.values()) == entry.alternate_questions:
        return
    entry.alternates = [
        FaqAlternate(question=text, position=i) for i, text in enumerate(unique.values())
    ]


def _ensure_unique(session: Session, question: str, own_id: int | None) -> None:
    existing = session.scalar(
        select(FaqEntry.id).where(FaqEntry.question_key == question_key(question))
    )
    if existing is not None and existing != own_id:
        raise DuplicateQuestionError(question, existing)


def _clean_text(value: str, what: str, limit: int, *, keep_lines: bool = False) -> str:
    text = value.strip() if keep_lines else " ".join(value.split())
    require_printable(text, what)
    if not text:
        raise UserInputError(f"The {what} is empty.")
    if len(text) > limit:
        raise UserInputError(f"The {what} is {len(text):,} characters long; the limit is {limit:,}.")
    return text


def _clean_list(values: Iterable[str], *, lower: bool = False) -> list[str]:
    items = (" ".join(v.split()) for v in values)
    return list(dict.fromkeys(v.lower() if lower else v for v in items if v))



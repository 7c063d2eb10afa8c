"""Labelled messages the intent router learns from: operators' own examples and the FAQ wordings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.models import FaqEntry, TrainingExample


@dataclass(frozen=True)
class LabelledMessage:
    text: str
    intent: str
    image_path: str | None = None


def add_training_examples(*, session: Session, examples: Sequence[LabelledMessage], source: str) -> int:
    for example in examples:
        session.add(
            TrainingExample(text=example.text, intent=example.intent, image_path=example.image_path, source=source)
        )
    session.flush()
    return len(examples)


def list_training_examples(*, session: Session) -> list[LabelledMessage]:
    rows = session.scalars(select(TrainingExample).order_by(TrainingExample.id))
    return [LabelledMessage(r.text, r.intent, r.image_path) for r in rows]


def faq_wordings(*, session: Session) -> list[LabelledMessage]:
    """Every FAQ question and alternate wording, labelled with its entry's intent."""
    out = []
    for entry in session.scalars(select(FaqEntry).order_by(FaqEntry.id)):
        for wording in (entry.question, *entry.alternate_questions):
            out.append(LabelledMessage(wording, entry.intent.name))
    return out

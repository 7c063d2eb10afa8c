"""Intents: the labels that route a message and group FAQ entries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.errors import UnknownIntentError
from knowledge_base.models import Intent


def list_intents(*, session: Session) -> list[Intent]:
    return list(session.scalars(select(Intent).order_by(Intent.name)))


def intent_names(*, session: Session) -> list[str]:
    return list(session.scalars(select(Intent.name).order_by(Intent.name)))


def require_intent(*, session: Session, name: str) -> Intent:
    """The intent called ``name``; raises UnknownIntentError naming the known ones otherwise."""
    intent = session.scalar(select(Intent).where(Intent.name == name.strip()))
    if intent is None:
        raise UnknownIntentError(name, intent_names(session=session))
    return intent


def upsert_intent(
    *, session: Session, name: str, description: str = "", examples: Sequence[str] = ()
) -> Intent:
    intent = session.scalar(select(Intent).where(Intent.name == name))
    if intent is None:
        intent = Intent(name=name)
        session.add(intent)
    intent.description = description
    intent.examples = list(examples)
    session.flush()
    return intent

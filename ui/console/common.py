"""Small helpers the console tabs share."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from assistant.errors import AssistantError, UserInputError
from knowledge_base.db import session_scope
from knowledge_base.repositories.intents import intent_names


def attempt(work: Callable[[], str]) -> str:
    """Run a staff action; a refused action becomes its message for the status line."""
    try:
        return work()
    except AssistantError as error:
        return f"Not done: {error}"


def intent_choices(sessions: sessionmaker[Session]) -> list[str]:
    with session_scope(sessions) as session:
        return intent_names(session=session)


def short(text: str | None, limit: int = 120) -> str:
    """One line of at most ``limit`` characters, for table cells."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def chosen_id(value, what: str) -> int:
    """The id of the row picked in a table; says what to pick when nothing is."""
    if value is None or not str(value).strip():
        raise UserInputError(f"Pick {what} first.")
    return int(value)

"""Small helpers the console tabs share."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from assistant.errors import AssistantError, UserInputError
from assistant.files import atomic_write
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


def exports_folder(data_dir: Path) -> Path:
    """Where the console's downloads are written: one file per kind, replaced by the next export, so that
    files holding customers' emails do not pile up in the system's temporary folder."""
    return data_dir / "exports"


def write_export(sessions: sessionmaker[Session], write: Callable[..., int], path: Path) -> Path:
    """Writes ``write(session=, stream=)``'s CSV to ``path``, whole or not at all: a failed export leaves
    the previous file as it was, and staff exporting at the same time each download a complete file."""
    path.parent.mkdir(parents=True, exist_ok=True)

    def write_csv(out) -> None:
        stream = io.TextIOWrapper(out, encoding="utf-8", newline="")
        with session_scope(sessions) as session:
            write(session=session, stream=stream)
        stream.flush()
        stream.detach()  # the file is closed by atomic_write

    atomic_write(path, write_csv)
    return path

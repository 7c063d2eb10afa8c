"""Rows of one table, read in their own session and detached, for checks after an import."""

from __future__ import annotations

from sqlalchemy import select

from knowledge_base.db import session_scope


def stored_by(sessions, model, key: str) -> dict:
    """Every ``model`` row by its ``key`` attribute."""
    with session_scope(sessions) as session:
        rows = session.scalars(select(model)).all()
        session.expunge_all()
    return {getattr(row, key): row for row in rows}

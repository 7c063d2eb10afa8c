"""Aggregates for the staff analytics: conversations per day, intent mix, outcomes, feedback, latency.

Every function counts from ``since`` (inclusive) on. Outcomes are counted per assistant turn from its
action: ``answer``, ``product`` and ``order_status`` are answered, ``clarify`` and ``no_match``
clarified, ``handoff`` handed off; any other action is counted under its own name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge_base.models import Conversation, Feedback, Message

OUTCOME_OF_ACTION = {
    "answer": "answered",
    "product": "answered",
    "order_status": "answered",
    "clarify": "clarified",
    "no_match": "clarified",
    "handoff": "handed off",
}
OUTCOMES = ("answered", "clarified", "handed off")


@dataclass(frozen=True)
class FeedbackSummary:
    positive: int
    negative: int

    @property
    def total(self) -> int:
        return self.positive + self.negative

    @property
    def positive_ratio(self) -> float | None:
        """Share of thumbs-up among all ratings; None when there are none."""
        return self.positive / self.total if self.total else None


@dataclass(frozen=True)
class LatencySummary:
    turns: int
    p50_ms: float | None
    p95_ms: float | None


def conversations_per_day(*, session: Session, since: dt.date, until: dt.date) -> list[tuple[dt.date, int]]:
    """Conversations started on each day from ``since`` to ``until``, days without any included as 0."""
    day = func.date(Conversation.started_at)
    rows = session.execute(
        select(day, func.count(Conversation.id))
        .where(Conversation.started_at >= _midnight(since), Conversation.started_at < _midnight(until, 1))
        .group_by(day)
    )
    counts = {_as_date(value): count for value, count in rows}
    days = (since + dt.timedelta(days=n) for n in range((until - since).days + 1))
    return [(d, counts.get(d, 0)) for d in days]


def intent_mix(*, session: Session, since: dt.date) -> list[tuple[str, int]]:
    """Assistant turns per routed intent, most frequent first ('(none)' when no intent was set)."""
    rows = session.execute(
        select(Message.intent, func.count(Message.id))
        .where(Message.role == "assistant", Message.created_at >= _midnight(since))
        .group_by(Message.intent)
    )
    mix = [(intent or "(none)", count) for intent, count in rows]
    return sorted(mix, key=lambda item: (-item[1], item[0]))


def outcome_counts(*, session: Session, since: dt.date) -> dict[str, int]:
    """Assistant turns per outcome: answered, clarified and handed off always present."""
    rows = session.execute(
        select(Message.action, func.count(Message.id))
        .where(Message.role == "assistant", Message.created_at >= _midnight(since))
        .group_by(Message.action)
    )
    counts = dict.fromkeys(OUTCOMES, 0)
    for action, count in rows:
        outcome = OUTCOME_OF_ACTION.get(action or "", action or "(none)")
        counts[outcome] = counts.get(outcome, 0) + count
    return counts


def feedback_summary(*, session: Session, since: dt.date) -> FeedbackSummary:
    positive, negative = session.execute(
        select(func.count(Feedback.id).filter(Feedback.rating > 0), func.count(Feedback.id).filter(Feedback.rating < 0))
        .where(Feedback.created_at >= _midnight(since))
    ).one()
    return FeedbackSummary(positive=positive, negative=negative)


def latency_summary(*, session: Session, since: dt.date) -> LatencySummary:
    """p50 and p95 of the assistant's reply time (``latency_ms``) over its turns."""
    values = _latencies(session, since)
    if not values:
        return LatencySummary(0, None, None)
    p50, p95 = np.percentile(np.asarray(values, dtype=float), [50, 95])
    return LatencySummary(len(values), float(p50), float(p95))


def latency_per_day(*, session: Session, since: dt.date) -> list[tuple[dt.date, float, float]]:
    """(day, p50, p95) for each day with at least one timed assistant turn."""
    day = func.date(Message.created_at)
    rows = session.execute(
        select(day, Message.latency_ms).where(
            Message.role == "assistant", Message.latency_ms.is_not(None), Message.created_at >= _midnight(since)
        )
    )
    by_day: dict[dt.date, list[float]] = {}
    for value, latency in rows:
        by_day.setdefault(_as_date(value), []).append(latency)
    result = []
    for d in sorted(by_day):
        p50, p95 = np.percentile(np.asarray(by_day[d], dtype=float), [50, 95])
        result.append((d, float(p50), float(p95)))
    return result


def _latencies(session: Session, since: dt.date) -> list[float]:
    return list(
        session.scalars(
            select(Message.latency_ms).where(
                Message.role == "assistant",
                Message.latency_ms.is_not(None),
                Message.created_at >= _midnight(since),
            )
        )
    )


def _midnight(day: dt.date, plus_days: int = 0) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=plus_days), dt.time())


def _as_date(value) -> dt.date:
    """SQLite's date() returns text, PostgreSQL's a date."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])

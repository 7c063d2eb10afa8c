from __future__ import annotations

import datetime as dt

import pytest

from knowledge_base.db import session_scope
from knowledge_base.repositories.analytics import (
    conversations_per_day,
    feedback_summary,
    intent_mix,
    latency_per_day,
    latency_summary,
    outcome_counts,
)
from tests.turns import rate, record_turn

DAY1 = dt.datetime(2026, 11, 18, 9, 30)
DAY3 = dt.datetime(2026, 11, 20, 17, 45)
OLD = dt.datetime(2026, 10, 1, 12, 0)


@pytest.fixture
def known_turns(sessions):
    """Four conversations: two on day 1, one on day 3, one a month before; latencies 100..400 ms."""
    with session_scope(sessions) as session:
        first = record_turn(session, "delivery time?", at=DAY1, latency_ms=100)
        record_turn(session, "and to Austria?", action="clarify", confidence=0.3, at=DAY1, latency_ms=200,
                    conversation=first.conversation)
        refund = record_turn(session, "refund please", intent="return_refund", at=DAY1, latency_ms=300)
        person = record_turn(session, "a human please", action="handoff", intent="human_agent", at=DAY3,
                             latency_ms=400)
        old = record_turn(session, "old question", action="no_match", at=OLD, latency_ms=5000)
        rate(session, first, 1, at=DAY1)
        rate(session, refund, -1, at=DAY1)
        rate(session, person, 1, at=DAY3)
        rate(session, old, -1, at=OLD)
    return sessions


def test_conversations_per_day_fills_quiet_days(known_turns):
    with session_scope(known_turns) as session:
        days = conversations_per_day(session=session, since=DAY1.date(), until=DAY3.date() + dt.timedelta(days=1))
    assert days == [(dt.date(2026, 11, 18), 2), (dt.date(2026, 11, 19), 0), (dt.date(2026, 11, 20), 1),
                    (dt.date(2026, 11, 21), 0)]


def test_intent_mix_and_outcomes_count_assistant_turns_in_the_period(known_turns):
    with session_scope(known_turns) as session:
        mix = intent_mix(session=session, since=DAY1.date())
        outcomes = outcome_counts(session=session, since=DAY1.date())
        everything = outcome_counts(session=session, since=OLD.date())
    assert mix == [("shipping_info", 2), ("human_agent", 1), ("return_refund", 1)]
    assert outcomes == {"answered": 2, "clarified": 1, "handed off": 1}
    assert everything == {"answered": 2, "clarified": 2, "handed off": 1}


def test_feedback_ratio(known_turns):
    with session_scope(known_turns) as session:
        recent = feedback_summary(session=session, since=DAY1.date())
        empty = feedback_summary(session=session, since=dt.date(2027, 1, 1))
    assert (recent.positive, recent.negative, recent.total) == (2, 1, 3)
    assert recent.positive_ratio == pytest.approx(2 / 3)
    assert empty.total == 0 and empty.positive_ratio is None


def test_latency_percentiles(known_turns):
    with session_scope(known_turns) as session:
        summary = latency_summary(session=session, since=DAY1.date())
        per_day = latency_per_day(session=session, since=DAY1.date())
        none = latency_summary(session=session, since=dt.date(2027, 1, 1))
    assert summary.turns == 4
    assert summary.p50_ms == pytest.approx(250.0)  # median of 100, 200, 300, 400
    assert summary.p95_ms == pytest.approx(385.0)  # linear interpolation between 300 and 400
    assert per_day == [(dt.date(2026, 11, 18), pytest.approx(200.0), pytest.approx(290.0)),
                       (dt.date(2026, 11, 20), 400.0, 400.0)]
    assert (none.turns, none.p50_ms, none.p95_ms) == (0, None, None)

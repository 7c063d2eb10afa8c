"""Analytics tab: conversations per day, intent mix, answered / clarified / handed off, feedback ratio and
reply latency p50/p95, over the last N days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import gradio as gr
import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from assistant.runtime import Runtime
from knowledge_base.db import session_scope
from knowledge_base.repositories.analytics import (
    conversations_per_day,
    feedback_summary,
    intent_mix,
    latency_per_day,
    latency_summary,
    outcome_counts,
)

PERIODS = {"last 7 days": 7, "last 30 days": 30, "last 90 days": 90, "last 365 days": 365}


@dataclass(frozen=True)
class AnalyticsView:
    summary: str
    """Markdown: feedback ratio, latency p50/p95 and totals."""
    conversations: pd.DataFrame
    """day, conversations"""
    intents: pd.DataFrame
    """intent, turns"""
    outcomes: pd.DataFrame
    """outcome, turns"""
    feedback: pd.DataFrame
    """rating, count"""
    latency: pd.DataFrame
    """day, percentile ('p50'/'p95'), ms"""


def analytics_view(sessions: sessionmaker[Session], days: int, today: dt.date) -> AnalyticsView:
    """Every chart's data for the ``days`` days that end with ``today``."""
    since = today - dt.timedelta(days=days - 1)
    with session_scope(sessions) as session:
        per_day = conversations_per_day(session=session, since=since, until=today)
        mix = intent_mix(session=session, since=since)
        outcomes = outcome_counts(session=session, since=since)
        feedback = feedback_summary(session=session, since=since)
        latency = latency_summary(session=session, since=since)
        latency_days = latency_per_day(session=session, since=since)
    ratio = "no ratings yet" if feedback.positive_ratio is None else f"{feedback.positive_ratio:.0%} helpful"
    timing = "no timed replies yet" if latency.p50_ms is None else (
        f"p50 {latency.p50_ms:.0f} ms, p95 {latency.p95_ms:.0f} ms over {latency.turns} replies"
    )
    summary = (
        f"**{sum(c for _, c in per_day)}** conversations since {since:%d %b %Y} · "
        f"**feedback:** {feedback.positive} helpful / {feedback.negative} not helpful ({ratio}) · "
        f"**reply time:** {timing}"
    )
    return AnalyticsView(
        summary=summary,
        conversations=pd.DataFrame(
            [(pd.Timestamp(d), n) for d, n in per_day], columns=["day", "conversations"]
        ),
        intents=pd.DataFrame(mix, columns=["intent", "turns"]),
        outcomes=pd.DataFrame(list(outcomes.items()), columns=["outcome", "turns"]),
        feedback=pd.DataFrame(
            [("thumbs up", feedback.positive), ("thumbs down", feedback.negative)], columns=["rating", "count"]
        ),
        latency=pd.DataFrame(
            [(pd.Timestamp(d), name, round(ms, 1)) for d, p50, p95 in latency_days
             for name, ms in (("p50", p50), ("p95", p95))],
            columns=["day", "percentile", "ms"],
        ),
    )


def build_analytics_tab(runtime: Runtime) -> None:
    sessions = runtime.sessions
    with gr.Row():
        period = gr.Dropdown(list(PERIODS), value="last 30 days", label="Period", scale=1)
        refresh = gr.Button("Refresh", scale=0)
    summary = gr.Markdown(elem_id="analytics-summary")
    with gr.Row():
        conversations = gr.LinePlot(x="day", y="conversations", title="Conversations per day")
        latency = gr.LinePlot(x="day", y="ms", color="percentile", title="Reply time p50 / p95 (ms)")
    with gr.Row():
        outcomes = gr.BarPlot(x="outcome", y="turns", title="Answered, clarified, handed off")
        feedback = gr.BarPlot(x="rating", y="count", title="Feedback")
    intents = gr.BarPlot(x="intent", y="turns", title="Intent mix", x_label_angle=-30, sort="-y")

    def on_refresh(name):
        view = analytics_view(sessions, PERIODS.get(name, 30), dt.datetime.now(dt.UTC).date())
        return view.summary, view.conversations, view.latency, view.outcomes, view.feedback, view.intents

    outputs = [summary, conversations, latency, outcomes, feedback, intents]
    gr.on([refresh.click, period.change], on_refresh, [period], outputs)
    gr.on(None, lambda: on_refresh("last 30 days"), None, outputs)  # on page load

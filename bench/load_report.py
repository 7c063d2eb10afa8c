"""Figures of a load run: throughput and latency percentiles per turn kind, errors, and a check that every
answered turn is stored in the database (customer message and answer, counted per conversation)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
from sqlalchemy import func, select

from bench.load_customers import TURN_KINDS, CustomerLog, TurnRecord
from knowledge_base.db import make_engine, make_session_factory, session_scope
from knowledge_base.models import Conversation, Message


@dataclass(frozen=True)
class KindFigures:
    turns: int
    errors: int
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None


@dataclass(frozen=True)
class StorageCheck:
    """Answered turns against the messages stored in their conversations."""

    conversations: int
    answered_turns: int
    stored_customer_messages: int
    stored_answers: int
    mismatched_conversations: list[str] = field(default_factory=list)
    pipeline_p50_ms: float | None = None
    pipeline_p95_ms: float | None = None
    """The stored answers' ``latency_ms``: the pipeline's own time for a turn, without the web server's
    queue, the HTTP exchange and the final insert; the rest of what a customer waits is spent there."""

    @property
    def ok(self) -> bool:
        return not self.mismatched_conversations and self.answered_turns == self.stored_customer_messages


@dataclass(frozen=True)
class RunFigures:
    label: str
    customers: int
    seconds: float
    turns: int
    errors: int
    turns_per_second: float
    kinds: dict[str, KindFigures]
    load_average: tuple[float, float]
    """1-minute load average before and after the run."""
    storage: StorageCheck | None = None
    error_samples: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        figures = asdict(self)
        if self.storage is not None:
            figures["storage"]["ok"] = self.storage.ok
        return figures


def kind_figures(records: list[TurnRecord]) -> KindFigures:
    answered = np.array([r.seconds * 1000.0 for r in records if r.ok])
    if answered.size == 0:
        return KindFigures(len(records), len(records), None, None, None)
    p50, p95, p99 = (round(float(v), 1) for v in np.percentile(answered, [50, 95, 99]))
    return KindFigures(len(records), sum(not r.ok for r in records), p50, p95, p99)


def summarise(label: str, logs: list[CustomerLog], seconds: float, load_average: tuple[float, float],
              storage: StorageCheck | None) -> RunFigures:
    records = [t for log in logs for t in log.turns]
    kinds = {k: kind_figures([r for r in records if r.kind == k]) for k in TURN_KINDS}
    errors = [r for r in records if not r.ok]
    return RunFigures(
        label=label, customers=len(logs), seconds=round(seconds, 1), turns=len(records), errors=len(errors),
        turns_per_second=round((len(records) - len(errors)) / seconds, 2) if seconds else 0.0,
        kinds={k: v for k, v in kinds.items() if v.turns}, load_average=load_average, storage=storage,
        error_samples=sorted({r.error for r in errors})[:5],
    )


def check_storage(database_url: str, logs: list[CustomerLog]) -> StorageCheck:
    """Counts each conversation's stored customer messages and answers against its answered turns."""
    expected = {log.conversation_id: log.answered for log in logs if log.conversation_id}
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            rows = session.execute(
                select(Conversation.public_id, Message.role, func.count(Message.id))
                .join(Message, Message.conversation_id == Conversation.id)
                .where(Conversation.public_id.in_(list(expected)))
                .group_by(Conversation.public_id, Message.role)
            ).all()
            latencies = session.scalars(
                select(Message.latency_ms).join(Conversation, Message.conversation_id == Conversation.id)
                .where(Conversation.public_id.in_(list(expected)), Message.latency_ms.is_not(None))
            ).all()
    finally:
        engine.dispose()
    stored: dict[str, dict[str, int]] = {}
    for public_id, role, count in rows:
        stored.setdefault(public_id, {})[role] = count
    mismatched = [
        cid for cid, answered in expected.items()
        if stored.get(cid, {}).get("customer", 0) != answered or stored.get(cid, {}).get("assistant", 0) != answered
    ]
    return StorageCheck(
        conversations=len(expected), answered_turns=sum(log.answered for log in logs),
        stored_customer_messages=sum(s.get("customer", 0) for s in stored.values()),
        stored_answers=sum(s.get("assistant", 0) for s in stored.values()), mismatched_conversations=mismatched,
        **_pipeline_percentiles(latencies),
    )


def _pipeline_percentiles(latencies: list[float]) -> dict[str, float]:
    if not latencies:
        return {}
    p50, p95 = (round(float(v), 1) for v in np.percentile(latencies, [50, 95]))
    return {"pipeline_p50_ms": p50, "pipeline_p95_ms": p95}


def print_run(figures: RunFigures) -> None:
    low, high = figures.load_average
    print(f"\n{figures.label}: {figures.customers} customers, {figures.seconds} s, load average {low:.2f} "
          f"before / {high:.2f} after")
    print(f"  turns {figures.turns}, errors {figures.errors}, throughput {figures.turns_per_second} turns/s")
    print(f"  {'kind':<6} {'turns':>6} {'errors':>6} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9}")
    for kind, k in figures.kinds.items():
        cells = [f"{v:>9.1f}" if v is not None else f"{'-':>9}" for v in (k.p50_ms, k.p95_ms, k.p99_ms)]
        print(f"  {kind:<6} {k.turns:>6} {k.errors:>6} {' '.join(cells)}")
    for sample in figures.error_samples:
        print(f"  error: {sample[:160]}")
    if figures.storage is None:
        print("  storage check skipped (no database URL for an attached server)")
        return
    s = figures.storage
    verdict = "every answered turn is stored" if s.ok else f"MISMATCH in {len(s.mismatched_conversations)} conversations"
    print(f"  stored: {s.stored_customer_messages} customer messages and {s.stored_answers} answers for "
          f"{s.answered_turns} answered turns in {s.conversations} conversations: {verdict}")
    if s.pipeline_p50_ms is not None:
        print(f"  pipeline time of the stored answers (all kinds): p50 {s.pipeline_p50_ms} ms, "
              f"p95 {s.pipeline_p95_ms} ms")

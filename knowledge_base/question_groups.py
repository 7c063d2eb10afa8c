"""The unanswered queue: unanswered turns grouped by similar question, minus those answered since.

Grouping is greedy, newest turn first: a turn joins the group whose newest question's vector is most
similar to its own, when that cosine similarity is at least ``QueueOptions.similarity``; otherwise it
starts a new group, represented by its newest question. The default, 0.65, comes from
all-MiniLM-L6-v2 on sixteen shop questions: rewordings of one question ("return shoes wrong size" /
"can I send back shoes that are too small", "can I pay with paypal" / "is paypal accepted") scored
0.68-0.83, different questions at most 0.47.

A group leaves the queue once an answer exists: its question, searched now, reaches the answer threshold
with an FAQ entry that was created or edited after the group's newest turn. So creating an entry from a
group (or editing the entry a customer disliked) drops the group, while a thumbs-down on an answer that
has not changed since keeps it queued. Nothing is stored to mark a group done.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge_base.models import FaqEntry
from knowledge_base.repositories.unanswered import NO_WORDS, UnansweredTurn, unanswered_turns
from knowledge_base.retrieval import HybridRetriever


@dataclass(frozen=True)
class QueueOptions:
    similarity: float = 0.65
    """Cosine similarity from which two questions are grouped as one."""
    answer_threshold: float = 0.50
    """An answer with a confidence under this is low-confidence (the retrieval threshold)."""
    since: dt.datetime | None = None
    """Only turns from this time on; None for all."""
    limit: int = 1000
    """Most recent turns considered."""


@dataclass(frozen=True)
class QuestionGroup:
    turns: tuple[UnansweredTurn, ...]
    """Newest first."""

    @property
    def question(self) -> str:
        return self.turns[0].question

    @property
    def count(self) -> int:
        return len(self.turns)

    @property
    def newest_at(self) -> dt.datetime:
        return self.turns[0].at

    @property
    def reasons(self) -> dict[str, int]:
        return dict(Counter(turn.reason for turn in self.turns))

    @property
    def wordings(self) -> list[str]:
        """The distinct questions of the group, newest first."""
        seen: dict[str, str] = {}
        for turn in self.turns:
            seen.setdefault(" ".join(turn.question.lower().split()), turn.question)
        return [q for q in seen.values() if q != NO_WORDS]


def group_similar(
    turns: Sequence[UnansweredTurn], vectors: np.ndarray, *, similarity: float
) -> list[tuple[QuestionGroup, np.ndarray]]:
    """Greedy grouping of ``turns`` (newest first) with their row vectors; returns each group and its
    leader's normalised vector, in the order of their newest turn."""
    if len(turns) != len(vectors):
        raise ValueError(f"{len(turns)} turns but {len(vectors)} vectors")
    unit = _normalised(np.asarray(vectors, dtype=np.float32))
    leaders: list[int] = []
    members: list[list[int]] = []
    for row, turn in enumerate(turns):
        best = _closest_group(turns, unit, leaders, row, similarity) if turn.question != NO_WORDS else None
        if best is None:
            leaders.append(row)
            members.append([row])
        else:
            members[best].append(row)
    return [
        (QuestionGroup(tuple(turns[r] for r in rows)), unit[leader])
        for leader, rows in zip(leaders, members)
    ]


def _closest_group(turns, unit: np.ndarray, leaders: list[int], row: int, similarity: float) -> int | None:
    """Index of the group whose leader is most similar to ``row``, if at least ``similarity``."""
    scores = unit[leaders] @ unit[row] if leaders else np.zeros(0)
    fits = [(scores[i], i) for i, leader in enumerate(leaders)
            if turns[leader].question != NO_WORDS and scores[i] >= similarity]
    return max(fits)[1] if fits else None


def unanswered_queue(
    *, session: Session, retriever: HybridRetriever, options: QueueOptions = QueueOptions()
) -> list[QuestionGroup]:
    """Grouped unanswered questions still without an answer, newest group first."""
    turns = unanswered_turns(
        session=session, answer_threshold=options.answer_threshold, since=options.since, limit=options.limit
    )
    if not turns:
        return []
    vectors = retriever.dense.embedder.embed([turn.question for turn in turns])
    groups = group_similar(turns, vectors, similarity=options.similarity)
    last_change = session.scalar(select(func.max(FaqEntry.updated_at)))
    return [
        group for group, vector in groups
        if not _answered_since(session, retriever, group, vector, last_change)
    ]


def _answered_since(
    session: Session, retriever: HybridRetriever, group: QuestionGroup, vector: np.ndarray,
    last_change: dt.datetime | None,
) -> bool:
    """True when an entry created or edited after the group's newest turn now answers its question."""
    if group.question == NO_WORDS or last_change is None or last_change <= group.newest_at:
        return False  # no entry has changed since: nothing to search
    result = retriever.search_with_vector(session, group.question, vector, k=1)
    if not result.confident or result.best is None:
        return False
    changed = session.scalar(select(FaqEntry.updated_at).where(FaqEntry.id == result.best.faq_id))
    return changed is not None and changed > group.newest_at


def _normalised(vectors: np.ndarray) -> np.ndarray:
    if vectors.size == 0:
        return vectors
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)

"""Frozen dataclasses that carry one chat turn through the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from knowledge_base.retrieval import Hit, SearchResult

__all__ = ["Hit", "IntentPrediction", "Reply", "SearchResult", "Source", "UserTurn"]


@dataclass(frozen=True)
class UserTurn:
    """What a customer sent in one turn."""

    text: str = ""
    conversation_id: str | None = None
    """Public id of an ongoing conversation; None starts a new one."""
    images: tuple[Path, ...] = ()
    audio: Path | None = None


@dataclass(frozen=True)
class IntentPrediction:
    intent: str
    confidence: float
    top_k: tuple[tuple[str, float], ...] = ()
    out_of_scope: bool = False
    router: str = "retrieval"
    """Which router produced it ('retrieval' ranks FAQ entries and takes the best one's intent)."""


@dataclass(frozen=True)
class Source:
    """The curated FAQ entry an answer was taken from."""

    faq_id: int
    question: str
    score: float


@dataclass(frozen=True)
class Reply:
    text: str
    action: str
    """'answer', 'clarify' (not sure: closest questions offered) or 'no_match'."""
    intent: str | None
    confidence: float
    sources: tuple[Source, ...] = ()
    suggestions: tuple[Source, ...] = ()
    transcript: str | None = None
    language: str | None = None
    conversation_id: str | None = None
    message_id: int | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "reply": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "action": self.action,
            "sources": [_source_json(s) for s in self.sources],
            "suggestions": [_source_json(s) for s in self.suggestions],
            "transcript": self.transcript,
            "language": self.language,
            "conversation_id": self.conversation_id,
            "message_id": self.message_id,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }


def _source_json(source: Source) -> dict:
    return {"faq_id": source.faq_id, "question": source.question, "score": round(source.score, 4)}

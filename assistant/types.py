"""Frozen dataclasses that carry one chat turn through the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from knowledge_base.retrieval import Hit, SearchResult

__all__ = [
    "Hit",
    "ImageFeatures",
    "Inspection",
    "IntentPrediction",
    "OcrLine",
    "Reply",
    "SearchResult",
    "Segment",
    "Source",
    "Transcript",
    "UserTurn",
]


@dataclass(frozen=True)
class Segment:
    """One stretch of speech, with times in seconds from the start of the recording."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Transcript:
    text: str
    """What was said, in the language it was said in (shown to the customer and to staff)."""
    language: str
    """ISO 639-1 code, e.g. 'en', 'de'."""
    language_probability: float
    duration_s: float
    segments: tuple[Segment, ...] = ()
    english_text: str | None = None
    """English translation used for routing, when translation is on and the speech was not English."""
    model: str = ""

    @property
    def routing_text(self) -> str:
        return self.english_text or self.text


@dataclass(frozen=True)
class OcrLine:
    text: str
    box: tuple[tuple[float, float], ...]
    """Corner points (x, y) in pixels of the original image, clockwise from top-left."""
    confidence: float


@dataclass(frozen=True, eq=False)
class ImageFeatures:
    pooled: np.ndarray
    """(dim,) L2-normalised image vector."""
    tokens: np.ndarray
    """(n_tokens, token_dim) visual tokens for cross-attention (a patch or feature-map grid)."""
    encoder: str
    """Name of the encoder that made them (recorded beside stored vectors and checkpoints)."""
    ocr_lines: tuple[OcrLine, ...] = ()
    plain: bool = False
    """The picture is one flat colour (a blank photo): it shows no item to match."""

    @property
    def ocr_text(self) -> str:
        """The words, one row of the image per line."""
        from assistant.ocr import ocr_text

        return ocr_text(self.ocr_lines)


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
    """What the assistant did (see ``assistant.dialogue``):

    - ``answer``: a curated FAQ answer, verbatim, with its source;
    - ``clarify``: not sure, the closest questions are offered as ``suggestions`` (also: a photo without
      words that matches no product); ``no_match``: nothing close at all;
    - ``product``: details of the catalogue product in the customer's photo;
    - ``order_status``: the order's status, carrier, tracking number and delivery date from the database;
      ``ask_order_number``: the order number is needed; ``order_not_found``: no order has that number;
      with ``ASSISTANT_ORDER_CHECK=email``, ``ask_order_email``: the order's email address is needed too,
      ``order_email_mismatch``: no order has that number and email address;
    - ``handoff``: a hand-off ticket was opened (the customer asked for a person, or two failed turns in a
      row); a person will reply;
    - ``greeting``, ``goodbye``: short replies; ``out_of_scope``: a polite refusal.
    """
    intent: str | None
    confidence: float
    sources: tuple[Source, ...] = ()
    suggestions: tuple[Source, ...] = ()
    transcript: str | None = None
    language: str | None = None
    ocr_text: str | None = None
    products: tuple[dict, ...] = ()
    """Catalogue products that match the customer's photo (``assistant.products.product_hit_json``)."""
    conversation_id: str | None = None
    message_id: int | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)
    order_number: str | None = None
    """The order this reply is about, or the one the conversation remembers."""
    handoff_ticket_id: int | None = None
    """The open hand-off ticket, when this turn handed the conversation to a person."""
    top_intents: tuple[tuple[str, float], ...] = ()
    """The router's best intents with their confidences."""
    out_of_scope: bool = False
    router: str = "retrieval"

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
            "ocr_text": self.ocr_text,
            "products": list(self.products),
            "conversation_id": self.conversation_id,
            "message_id": self.message_id,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "order_number": self.order_number,
            "handoff_ticket_id": self.handoff_ticket_id,
            "top_intents": [{"intent": name, "confidence": round(score, 4)} for name, score in self.top_intents],
            "out_of_scope": self.out_of_scope,
            "router": self.router,
        }


@dataclass(frozen=True)
class Inspection:
    """What one turn would do, for the staff test console: the same path as a reply, nothing stored."""

    prediction: IntentPrediction
    hits: list[Hit]
    """The ranked FAQ hits the decision saw (empty when the turn had no words)."""
    action: str
    text: str
    transcript: str | None
    ocr_text: str | None
    products: tuple[dict, ...]
    sources: tuple[Source, ...] = ()
    suggestions: tuple[Source, ...] = ()
    order_number: str | None = None
    intent_filtered: bool = False
    """True when the hits come from the search filtered by the routed intent (False: unfiltered)."""
    timings_ms: dict[str, float] = field(default_factory=dict)


def _source_json(source: Source) -> dict:
    return {"faq_id": source.faq_id, "question": source.question, "score": round(source.score, 4)}

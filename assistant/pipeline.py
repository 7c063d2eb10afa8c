"""One chat turn: ``Assistant.respond(turn) -> Reply``, stored in SQL as it happens."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from sqlalchemy.orm import Session, sessionmaker

from assistant.dialogue import decide, route_from_hits
from assistant.settings import Settings
from assistant.types import Reply, UserTurn
from knowledge_base.db import session_scope
from knowledge_base.dense import DenseIndex, Embedder
from knowledge_base.repositories.conversations import add_message, open_conversation
from knowledge_base.retrieval import HybridRetriever, RetrievalOptions, validate_query


def retrieval_options(settings: Settings) -> RetrievalOptions:
    return RetrievalOptions(
        dense_weight=settings.dense_weight,
        lexical_saturation=settings.lexical_saturation,
        threshold=settings.answer_threshold,
        max_query_chars=settings.max_query_chars,
    )


def build_retriever(settings: Settings, embedder: Embedder) -> HybridRetriever:
    return HybridRetriever(DenseIndex(embedder), retrieval_options(settings))


@dataclass
class Assistant:
    """The pipeline; its components are injected so tests can pass real fakes of the protocols."""

    settings: Settings
    sessions: sessionmaker[Session]
    retriever: HybridRetriever

    def respond(self, turn: UserTurn) -> Reply:
        started = time.perf_counter()
        text = validate_query(turn.text, max_chars=self.settings.max_query_chars)
        timings: dict[str, float] = {}
        with session_scope(self.sessions) as session:
            conversation = open_conversation(session=session, public_id=turn.conversation_id)
            add_message(session=session, conversation=conversation, role="customer", text=text)
            t0 = time.perf_counter()
            vector = self.retriever.dense.embedder.embed([text])[0]
            timings["embed_text"] = _ms(t0)
            t0 = time.perf_counter()
            result = self.retriever.search_with_vector(session, text, vector, k=self.settings.search_k)
            timings["retrieve"] = _ms(t0)
            prediction = route_from_hits(result)
            decision = decide(result, suggestions=self.settings.suggestions)
            timings["total"] = _ms(started)
            stored = add_message(
                session=session,
                conversation=conversation,
                role="assistant",
                text=decision.text,
                intent=prediction.intent,
                confidence=prediction.confidence,
                action=decision.action,
                sources=[asdict(s) for s in decision.sources + decision.suggestions],
                latency_ms=timings["total"],
            )
            return Reply(
                text=decision.text,
                action=decision.action,
                intent=prediction.intent,
                confidence=prediction.confidence,
                sources=decision.sources,
                suggestions=decision.suggestions,
                conversation_id=conversation.public_id,
                message_id=stored.id,
                timings_ms=timings,
            )


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000.0

"""One chat turn: ``Assistant.respond(turn) -> Reply``, stored in SQL as it happens."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from sqlalchemy.orm import Session, sessionmaker

from assistant.dialogue import PICTURE_ONLY_TEXT, Decision, decide, describe_product, route_from_hits
from assistant.perception import MediaReader, Perception
from assistant.products import product_hit_json
from assistant.settings import Settings
from assistant.types import IntentPrediction, Reply, UserTurn
from knowledge_base.db import session_scope
from knowledge_base.dense import DenseIndex, Embedder
from knowledge_base.models import Product
from knowledge_base.product_index import ProductImageIndex
from knowledge_base.repositories.conversations import add_message, open_conversation
from knowledge_base.retrieval import HybridRetriever, RetrievalOptions, validate_query
from knowledge_base.errors import EmptyQueryError


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
    media: MediaReader | None = None
    products: ProductImageIndex | None = None

    def respond(self, turn: UserTurn) -> Reply:
        started = time.perf_counter()
        seen = self.media.read(turn) if self.media and (turn.images or turn.audio) else Perception()
        said = " ".join(part for part in (turn.text.strip(), _spoken(seen)) if part)
        if not said and not seen.images:
            raise EmptyQueryError()
        timings = dict(seen.timings_ms)
        with session_scope(self.sessions) as session:
            conversation = open_conversation(session=session, public_id=turn.conversation_id)
            add_message(
                session=session, conversation=conversation, role="customer", text=turn.text.strip(),
                transcript=seen.transcript.text if seen.transcript else None,
                language=seen.transcript.language if seen.transcript else None,
                attachments=[str(p) for p in (*turn.images, *((turn.audio,) if turn.audio else ()))],
            )
            decision, prediction, products = self._decide(session, said, seen, timings)
            timings["total"] = _ms(started)
            stored = add_message(
                session=session, conversation=conversation, role="assistant", text=decision.text,
                intent=prediction.intent, confidence=prediction.confidence, action=decision.action,
                sources=[asdict(s) for s in decision.sources + decision.suggestions], latency_ms=timings["total"],
            )
            return Reply(
                text=decision.text, action=decision.action, intent=prediction.intent,
                confidence=prediction.confidence, sources=decision.sources, suggestions=decision.suggestions,
                transcript=seen.transcript.text if seen.transcript else None,
                language=seen.transcript.language if seen.transcript else None,
                ocr_text=seen.ocr_text or None, products=tuple(products),
                conversation_id=conversation.public_id, message_id=stored.id, timings_ms=timings,
            )

    def _decide(self, session: Session, said: str, seen: Perception, timings: dict):
        products = self._match_products(session, seen, timings)
        if products and products[0]["score"] >= self.settings.product_match_threshold:
            product = session.get(Product, products[0]["product_id"])
            prediction = IntentPrediction("product_question", products[0]["score"], router="product-photo")
            return describe_product(product), prediction, products
        query = " ".join(part for part in (said, seen.ocr_text) if part)
        if not query:
            return Decision("clarify", PICTURE_ONLY_TEXT), IntentPrediction("product_question", 0.0), products
        query = validate_query(query, max_chars=self.settings.max_query_chars)
        started = time.perf_counter()
        vector = self.retriever.dense.embedder.embed([query])[0]
        timings["embed_text"] = _ms(started)
        started = time.perf_counter()
        result = self.retriever.search_with_vector(session, query, vector, k=self.settings.search_k)
        timings["retrieve"] = _ms(started)
        return decide(result, suggestions=self.settings.suggestions), route_from_hits(result), products

    def _match_products(self, session: Session, seen: Perception, timings: dict) -> list[dict]:
        photos = seen.product_photos()
        if not photos or self.products is None:
            return []
        started = time.perf_counter()
        hits = self.products.search(session, photos[0].pooled, k=3)
        timings["product_search"] = _ms(started)
        return [product_hit_json(hit) for hit in hits]


def _spoken(seen: Perception) -> str:
    return seen.transcript.routing_text if seen.transcript else ""


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000.0

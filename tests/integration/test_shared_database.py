"""Two processes on one database: what one changes, the other's next search sees (in-process dense path
and lexical search), whichever backend the tests run on."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from knowledge_base.db import make_engine, make_session_factory, session_scope
from knowledge_base.dense import DenseIndex
from knowledge_base.models import FaqEmbedding, Product, ProductEmbedding
from knowledge_base.product_index import ProductImageIndex
from knowledge_base.repositories.faqs import FaqFields, add_faq, delete_faq, update_faq
from knowledge_base.retrieval import HybridRetriever, RetrievalOptions
from knowledge_base.seed import seed_demo_store
from tests.fakes import HashingEmbedder, ThumbnailPhotoEmbedder

SOCKS = FaqFields("Do you sell merino socks?", "Yes, merino socks cost EUR 9.", "shipping_info")
GERMANY = FaqFields("How long does delivery to Germany take?", "Two to four business days.", "shipping_info")


@pytest.fixture
def other_process(db_url, sessions):
    """A second engine and its own retriever on the same database, as a second server would have."""
    engine = make_engine(db_url)
    yield make_session_factory(engine), HybridRetriever(DenseIndex(HashingEmbedder()), RetrievalOptions())
    engine.dispose()


def best(factory, retriever, query: str) -> tuple[int | None, str | None, float]:
    with session_scope(factory) as session:
        hit = retriever.search(session, query, k=3).best
    return (hit.faq_id, hit.answer, hit.dense) if hit else (None, None, 0.0)


def test_changes_made_by_one_process_reach_the_others_next_search(sessions, retriever, other_process):
    other_sessions, other_retriever = other_process
    with session_scope(sessions) as session:
        germany = add_faq(session=session, fields=GERMANY).id
    assert best(other_sessions, other_retriever, "delivery to Germany")[0] == germany  # B loads its matrix

    with session_scope(sessions) as session:  # A adds an entry: B finds it by meaning
        socks = add_faq(session=session, fields=SOCKS).id
    assert best(other_sessions, other_retriever, "merino socks")[:2] == (socks, SOCKS.answer)

    with session_scope(other_sessions) as session:  # B edits it: A answers with the new text
        update_faq(session=session, faq_id=socks, fields=FaqFields(answer="Merino socks are EUR 7 now."))
    assert best(sessions, retriever, "merino socks")[:2] == (socks, "Merino socks are EUR 7 now.")

    with session_scope(sessions) as session:  # A deactivates it: gone from B's dense and lexical results
        update_faq(session=session, faq_id=socks, fields=FaqFields(active=False))
    with session_scope(other_sessions) as session:
        hits = other_retriever.search(session, "merino socks", k=5).hits
    assert socks not in [hit.faq_id for hit in hits]

    with session_scope(sessions) as session:  # A deletes the other entry: B's matrix drops it too
        delete_faq(session=session, faq_id=germany)
    with session_scope(other_sessions) as session:
        dense = other_retriever.dense.similarities(session, HashingEmbedder().embed(["Germany"])[0],
                                                   intent_id=None, top=5)
    assert dense == {}


ONE_WRITER = "PostgreSQL lets two transactions write at once; SQLite has one writer"


@pytest.mark.postgresql_only(ONE_WRITER)
def test_two_processes_embedding_the_same_new_entry_at_once_store_its_vectors_once(sessions, other_process):
    with session_scope(sessions) as session:
        entry = add_faq(session=session, fields=replace(SOCKS, alternates=["merino socks?"])).id
    indexes = DenseIndex(HashingEmbedder()), DenseIndex(HashingEmbedder())
    assert sync_at_once(indexes, sessions, other_process[0]) == (1, 0)
    with session_scope(sessions) as session:
        germany = add_faq(session=session, fields=GERMANY).id
    shared = DenseIndex(HashingEmbedder())  # two turns of one process
    assert sync_at_once((shared, shared), sessions, other_process[0]) == (1, 0)
    with session_scope(sessions) as session:
        rows = session.scalars(select(FaqEmbedding.position).where(FaqEmbedding.faq_id == entry)).all()
        assert len(shared.similarities(session, HashingEmbedder().embed(["delivery"])[0], intent_id=None, top=2)) == 2
        assert session.scalar(select(func.count()).where(FaqEmbedding.faq_id == germany)) == 1
    assert sorted(rows) == [0, 1]


@pytest.mark.postgresql_only(ONE_WRITER)
def test_two_processes_embedding_the_same_product_photos_at_once_store_their_vectors_once(
    sessions, other_process, tmp_path
):
    with session_scope(sessions) as session:
        seed_demo_store(session=session, data_dir=tmp_path)
        photos = sum(len(p.photos) for p in session.scalars(select(Product)))
    indexes = (ProductImageIndex(ThumbnailPhotoEmbedder(), tmp_path), ProductImageIndex(ThumbnailPhotoEmbedder(), tmp_path))
    assert sync_at_once(indexes, sessions, other_process[0]) == (photos, 0)
    with session_scope(sessions) as session:
        assert session.scalar(select(func.count(ProductEmbedding.id))) == photos


@pytest.mark.postgresql_only(ONE_WRITER)
def test_an_entry_left_to_a_transaction_that_rolls_back_is_embedded_at_the_next_search(sessions, other_process):
    with session_scope(sessions) as session:
        entry = add_faq(session=session, fields=GERMANY).id
    index, query = DenseIndex(HashingEmbedder()), HashingEmbedder().embed(["delivery to Germany"])[0]
    writer = sessions()
    try:
        assert index.sync(writer) == 1  # holds the vector writers' lock, uncommitted
        with session_scope(other_process[0]) as session:
            assert index.similarities(session, query, intent_id=None, top=1) == {}  # left to the writer
    finally:
        writer.rollback()
        writer.close()
    with session_scope(other_process[0]) as session:
        assert list(index.similarities(session, query, intent_id=None, top=1)) == [entry]


def sync_at_once(indexes, first_sessions, second_sessions) -> tuple[int, int]:
    """The first index writes its vectors and, before it commits, the second looks at the same rows: it must
    neither wait for the first transaction nor write them too."""
    first, second = indexes
    synced: list[int] = []
    with session_scope(first_sessions) as session:
        wrote = first.sync(session)
        other = threading.Thread(target=_sync_and_commit, args=(second, second_sessions, synced))
        other.start()
        other.join(timeout=10)
        stuck = other.is_alive()
    other.join(timeout=30)
    assert not stuck  # a turn waiting here could hold an index's thread lock that the first one needs
    return wrote, *synced


def _sync_and_commit(index, factory, synced: list[int]) -> None:
    with session_scope(factory) as session:
        synced.append(index.sync(session))

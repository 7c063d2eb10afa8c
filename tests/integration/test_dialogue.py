"""Every dialogue action over the seeded demo store, with a keyword router and light real fakes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import func, select

from assistant.errors import EmptyQueryError, UserInputError
from assistant.pipeline import Assistant, build_retriever
from assistant.routing import IntentRouter
from assistant.types import OcrLine, Transcript, UserTurn
from knowledge_base.db import make_engine, make_session_factory, session_scope, upgrade_to_head
from knowledge_base.models import Conversation, FaqEntry, HandoffTicket, Message, Product
from knowledge_base.product_index import ProductImageIndex
from knowledge_base.seed import seed_demo_store
from tests.fakes import HashingEmbedder, KeywordRouter, PreparedMediaReader, ThumbnailPhotoEmbedder
from tests import databases


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The demo store seeded once: (settings, session factory, retriever, product index)."""
    data_dir = tmp_path_factory.mktemp("store")
    # the clear-winner rule's cosines were chosen for MiniLM; the hashing embedder's shared-word cosines differ
    settings = databases.current().settings_for(data_dir).model_copy(update={"clear_winner_cosine": 1.01})
    engine = make_engine(settings.resolved_database_url())
    upgrade_to_head(engine)
    sessions = make_session_factory(engine)
    retriever = build_retriever(settings, HashingEmbedder())
    products = ProductImageIndex(ThumbnailPhotoEmbedder(), data_dir)
    with session_scope(sessions) as session:
        seed_demo_store(session=session, data_dir=data_dir)
        retriever.dense.sync(session)
        products.sync(session)
    yield settings, sessions, retriever, products
    engine.dispose()


@pytest.fixture
def media() -> PreparedMediaReader:
    return PreparedMediaReader(ThumbnailPhotoEmbedder())


@pytest.fixture
def router() -> KeywordRouter:
    return KeywordRouter()


@pytest.fixture
def assistant(store, media, router) -> Assistant:
    settings, sessions, retriever, products = store
    return Assistant(settings, sessions, retriever, media, products, router)


def count(store, model) -> int:
    with session_scope(store[1]) as session:
        return session.scalar(select(func.count()).select_from(model))


def conversation(store, public_id: str) -> Conversation:
    with session_scope(store[1]) as session:
        return session.scalar(select(Conversation).where(Conversation.public_id == public_id))


def tickets(store, public_id: str) -> list[HandoffTicket]:
    with session_scope(store[1]) as session:
        return list(session.scalars(
            select(HandoffTicket).join(Conversation).where(Conversation.public_id == public_id)
        ))


def screenshot(path: Path, lines: list[str]) -> Path:
    image = Image.new("RGB", (360, 40 + 30 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        draw.text((20, 20 + 30 * row), line, fill="black")
    image.save(path)
    return path


def ocr_lines(*texts: str) -> tuple[OcrLine, ...]:
    return tuple(
        OcrLine(text, ((20.0, 20.0 + 30 * i), (300.0, 20.0 + 30 * i), (300.0, 40.0 + 30 * i), (20.0, 40.0 + 30 * i)), 0.97)
        for i, text in enumerate(texts)
    )


def test_routed_question_gets_the_curated_answer_of_its_intent(assistant, store, router):
    reply = assistant.respond(UserTurn("How long does delivery take within the EU?"))
    assert (reply.action, reply.intent, reply.router) == ("answer", "shipping_info", "test-keyword-router")
    with session_scope(store[1]) as session:
        entry = session.get(FaqEntry, reply.sources[0].faq_id)
        assert entry.intent.name == "shipping_info" and entry.answer == reply.text
    assert isinstance(router, IntentRouter)
    assert router.seen[-1] == ("How long does delivery take within the EU?", 0)
    assert reply.as_json()["top_intents"][0] == {"intent": "shipping_info", "confidence": 1.0}


def test_a_wrong_intent_with_no_confident_hit_falls_back_to_the_unfiltered_search(store, media):
    settings, sessions, retriever, products = store
    misrouting = Assistant(settings, sessions, retriever, media, products, KeywordRouter({"promotions": ("eu",)}))
    inspection = misrouting.inspect(UserTurn("How long does delivery take within the EU?"))
    assert inspection.prediction.intent == "promotions"
    assert inspection.intent_filtered is False
    assert inspection.action == "answer" and inspection.hits[0].intent == "shipping_info"
    routed = misrouting.inspect(UserTurn("Is there a student discount in the EU?"))
    assert routed.intent_filtered is True and {h.intent for h in routed.hits} == {"promotions"}


def test_human_agent_opens_a_handoff_ticket_at_once(assistant, store):
    reply = assistant.respond(UserTurn("I want to talk to a person please"))
    assert reply.action == "handoff" and "a person will reply" in reply.text
    opened = tickets(store, reply.conversation_id)
    assert [t.id for t in opened] == [reply.handoff_ticket_id]
    assert opened[0].status == "open" and "asked for a person" in opened[0].reason
    assert conversation(store, reply.conversation_id).status == "handed_off"


def test_two_failed_turns_in_a_row_hand_the_conversation_to_a_person(assistant, store):
    first = assistant.respond(UserTurn("my account zorbled the quix"))
    assert first.action == "clarify" and 1 <= len(first.suggestions) <= 3
    assert tickets(store, first.conversation_id) == []
    second = assistant.respond(UserTurn("account blorp frazzle", conversation_id=first.conversation_id))
    assert second.action == "handoff" and "a person will reply" in second.text
    opened = tickets(store, first.conversation_id)
    assert len(opened) == 1 and opened[0].id == second.handoff_ticket_id
    assert "2 turns in a row" in opened[0].reason


def test_an_answer_between_failed_turns_resets_the_count(assistant, store):
    first = assistant.respond(UserTurn("my account zorbled the quix"))
    answered = assistant.respond(UserTurn("How long does delivery take within the EU?", conversation_id=first.conversation_id))
    third = assistant.respond(UserTurn("account blorp frazzle", conversation_id=first.conversation_id))
    assert (first.action, answered.action, third.action) == ("clarify", "answer", "clarify")
    assert tickets(store, first.conversation_id) == []


def test_greeting_goodbye_and_out_of_scope_get_short_replies(assistant):
    hello = assistant.respond(UserTurn("Hello there"))
    bye = assistant.respond(UserTurn("thanks, bye", conversation_id=hello.conversation_id))
    refused = assistant.respond(UserTurn("What is the boiling point of mercury on Mars?"))
    assert (hello.action, hello.intent) == ("greeting", "greeting") and "How can I help" in hello.text
    assert (bye.action, bye.intent) == ("goodbye", "thanks_goodbye")
    assert refused.action == "out_of_scope" and refused.out_of_scope and "only help" in refused.text
    assert refused.as_json()["out_of_scope"] is True


def test_order_number_is_asked_for_then_used_then_remembered(assistant, store):
    asked = assistant.respond(UserTurn("Where is my order?"))
    assert asked.action == "ask_order_number" and "FG-" in asked.text
    # "FG 104280" alone routes out of scope, but the assistant asked for the number
    given = assistant.respond(UserTurn("it's fg 104280", conversation_id=asked.conversation_id))
    assert (given.action, given.order_number) == ("order_status", "FG-104280")
    assert "has been shipped" in given.text and "DHL" in given.text
    assert "JJD0092635935083678478" in given.text and "27 November 2026" in given.text
    later = assistant.respond(UserTurn("Has it arrived yet?", conversation_id=asked.conversation_id))
    assert (later.action, later.order_number) == ("order_status", "FG-104280")
    assert conversation(store, asked.conversation_id).context["order_number"] == "FG-104280"


def test_delivered_order_reports_its_delivery_date(assistant):
    reply = assistant.respond(UserTurn("Can you track order #100154?"))
    assert reply.action == "order_status"
    assert "has been delivered" in reply.text and "12 August 2026" in reply.text and "DHL" in reply.text


def test_unknown_order_number_gets_a_clear_reply_and_the_next_number_is_used(assistant, store):
    wrong = assistant.respond(UserTurn("where is my order FG-999999"))
    assert wrong.action == "order_not_found" and "couldn't find an order FG-999999" in wrong.text
    context = conversation(store, wrong.conversation_id).context
    assert context["order_number"] is None and context["awaiting_order_number"] is True
    right = assistant.respond(UserTurn("sorry, FG 100060", conversation_id=wrong.conversation_id))
    assert right.action == "order_status" and "has been refunded" in right.text


def test_order_number_is_read_from_a_screenshot(assistant, media, router, tmp_path):
    path = screenshot(tmp_path / "tracking.png", ["Order FG - 104260", "Out for delivery", "Carrier DHL"])
    media.ocr[path] = ocr_lines("Order FG - 104260", "Out for delivery", "Carrier DHL")
    reply = assistant.respond(UserTurn("can you track this for me?", images=(path,)))
    assert (reply.action, reply.order_number) == ("order_status", "FG-104260")
    assert "is out for delivery" in reply.text and "FG - 104260" in reply.ocr_text
    assert router.seen[-1] == ("can you track this for me?", 1)  # the image, with its words, went along


def test_order_number_is_read_from_a_voice_note(assistant, media, router, tmp_path):
    note = tmp_path / "note.ogg"
    media.transcripts[note] = Transcript("Hi, can you track my order F G one zero three nine five eight?", "en", 0.99, 4.0)
    reply = assistant.respond(UserTurn(audio=note))
    assert (reply.action, reply.order_number) == ("order_status", "FG-103958")
    assert "USPS" in reply.text and reply.transcript.startswith("Hi, can you track")
    assert router.seen[-1] == (media.transcripts[note].text, 0)


def test_product_question_with_a_catalogue_photo_answers_from_that_product(assistant, store):
    settings, sessions = store[0], store[1]
    with session_scope(sessions) as session:
        product = session.scalar(select(Product).where(Product.sku == "FG-SN-002"))
        name, photo = product.name, settings.data_dir / product.photos[0]
    reply = assistant.respond(UserTurn("how much is this one?", images=(photo,)))
    assert (reply.action, reply.intent) == ("product", "product_question")
    assert name in reply.text and reply.products[0]["sku"] == "FG-SN-002"


def test_inspect_runs_the_same_path_and_stores_nothing(assistant, store):
    before = [count(store, model) for model in (Conversation, Message, HandoffTicket)]
    inspection = assistant.inspect(UserTurn("I want to talk to a person please"))
    assert inspection.action == "handoff" and inspection.prediction.intent == "human_agent"
    answered = assistant.inspect(UserTurn("How long does delivery take within the EU?"))
    assert answered.action == "answer" and answered.intent_filtered
    assert answered.hits[0].score >= answered.hits[-1].score
    assert all(0 <= h.score <= 1 and h.bm25 >= 0 for h in answered.hits)
    assert [count(store, model) for model in (Conversation, Message, HandoffTicket)] == before


def test_inspect_reads_a_conversations_memory_without_changing_it(assistant, store):
    asked = assistant.respond(UserTurn("Where is my order?"))
    stored, messages_before = conversation(store, asked.conversation_id).context, count(store, Message)
    inspection = assistant.inspect(UserTurn("FG-104280", conversation_id=asked.conversation_id))
    assert (inspection.action, inspection.order_number) == ("order_status", "FG-104280")
    assert stored["awaiting_order_number"] is True
    assert conversation(store, asked.conversation_id).context == stored
    assert count(store, Message) == messages_before
    with session_scope(store[1]) as session:
        messages = session.scalars(select(Message).join(Conversation).where(Conversation.public_id == asked.conversation_id)).all()
    assert len(messages) == 2


def test_unknown_conversation_and_empty_turn_are_clear_errors(assistant, store):
    before = count(store, Conversation)
    for call in (assistant.respond, assistant.inspect):
        with pytest.raises(UserInputError, match="There is no conversation 'nope'; start a new one"):
            call(UserTurn("where is my order?", conversation_id="nope"))
        with pytest.raises(EmptyQueryError):
            call(UserTurn("   "))
    assert count(store, Conversation) == before


def test_without_a_router_retrieval_routes_and_unsure_turns_are_clarified(store, media):
    settings, sessions, retriever, products = store
    plain = Assistant(settings, sessions, retriever, media, products)
    order = plain.respond(UserTurn("Where is my order FG-104280?"))
    assert (order.router, order.intent, order.action) == ("retrieval", "order_status", "order_status")
    unsure = plain.respond(UserTurn("What is the boiling point of mercury on Mars?"))
    assert unsure.action == "clarify" and unsure.suggestions

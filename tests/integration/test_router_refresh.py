"""Start-up with a router trained on older examples: it answers at once and a new one is trained in the
background; a new intent still needs a training before the router can be used."""

from __future__ import annotations

import logging

import pytest

from assistant.fusion.classifier import FusionClassifier
from assistant.fusion.config import TrainOptions
from assistant.fusion.lifecycle import RouterTrainer
from assistant.runtime import Runtime
from assistant.settings import Settings
from knowledge_base.db import session_scope
from knowledge_base.repositories.faqs import FaqFields, add_faq
from knowledge_base.repositories.intents import upsert_intent
from tests.integration.test_faults_router import LightModels

pytestmark = pytest.mark.slow


@pytest.fixture
def runtime(tmp_path) -> Runtime:
    """A runtime whose router folder holds a checkpoint trained on the store as it was (one epoch)."""
    runtime = Runtime.start(Settings(data_dir=tmp_path, database_url=None, router_max_epochs=1))
    runtime.models = LightModels()
    add_entry(runtime, "How long is delivery?", "shipping_info")
    RouterTrainer(runtime.settings, runtime.sessions, runtime.models, TrainOptions(epochs=1)).train()
    return runtime


def add_entry(runtime: Runtime, question: str, intent: str) -> None:
    with session_scope(runtime.sessions) as session:
        upsert_intent(session=session, name=intent, description=intent.replace("_", " "))
        add_faq(session=session, fields=FaqFields(question, "Yes.", intent))


def test_an_outdated_router_answers_at_once_and_is_replaced_by_a_background_training(runtime, caplog):
    before = FusionClassifier.load(runtime.settings.data_dir / "router").provenance
    add_entry(runtime, "Do you deliver on Sundays?", "shipping_info")

    with caplog.at_level(logging.WARNING):
        router = runtime.router
    assert router.provenance == before  # used as it is: nothing was trained before answering
    assert "trained on older examples" in caplog.text
    assert not runtime.router_trainer().is_current(router)

    thread = runtime.refresh_router_in_background()
    thread.join(timeout=600)
    assert not thread.is_alive()
    assert runtime.router is not router
    assert runtime.router_trainer().is_current(runtime.router)
    assert FusionClassifier.load(runtime.settings.data_dir / "router").provenance.fingerprint == (
        runtime.router.provenance.fingerprint)
    assert runtime.refresh_router_in_background() is None  # now current: nothing to do


def test_a_new_intent_trains_a_router_before_it_is_used(runtime):
    add_entry(runtime, "Can you gift wrap my order?", "gift_wrapping")

    router = runtime.router
    assert "gift_wrapping" in router.config.labels
    assert runtime.router_trainer().is_current(router)
    assert runtime.refresh_router_in_background() is None


def test_the_current_router_is_used_without_any_training(runtime, caplog):
    with caplog.at_level(logging.INFO):
        router = runtime.router
    assert "intent router loaded from" in caplog.text
    assert runtime.router_trainer().is_current(router)
    assert runtime.refresh_router_in_background() is None

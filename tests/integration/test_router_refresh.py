"""Start-up with a router trained on older examples: it answers at once and a new one is trained in the
background; a new intent still needs a training before the router can be used."""

from __future__ import annotations

import json
import logging
import threading

import pytest

from assistant.errors import RetrainingBusyError
from assistant.fusion.classifier import FusionClassifier
from assistant.fusion.config import TrainOptions
from assistant.fusion.lifecycle import TRAINING_RECIPE, RouterTrainer
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
        assistant = runtime.assistant
    router = runtime.router
    assert assistant.router is router and router.provenance == before  # nothing was trained before answering
    assert "trained on older examples" in caplog.text
    assert not runtime.router_trainer().is_current(router)

    thread = runtime.refresh_router_in_background()
    thread.join(timeout=600)
    assert not thread.is_alive()
    assert runtime.router is not router
    assert runtime.router_trainer().is_current(runtime.router)
    assert assistant.router is runtime.router  # later turns route with the new one
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


def test_a_checkpoint_from_another_training_recipe_is_never_used_in_place_of_a_training(runtime):
    config = runtime.settings.data_dir / "router" / "config.json"
    raw = json.loads(config.read_text(encoding="utf-8"))
    config.write_text(json.dumps(raw | {"training_recipe": TRAINING_RECIPE - 1}), encoding="utf-8")
    add_entry(runtime, "Do you deliver on Sundays?", "shipping_info")

    router = runtime.router
    assert router.provenance.training_recipe == TRAINING_RECIPE
    assert runtime.router_trainer().is_current(router)


def test_a_second_retraining_while_one_runs_is_refused_with_a_message(runtime):
    from ui.console.retrain import run_retraining

    with runtime._retraining:  # what a retraining in progress holds
        with pytest.raises(RetrainingBusyError, match="already being retrained"):
            runtime.retrain_router()
        status, metrics = run_retraining(runtime, lambda fraction, message: None)
    assert status.startswith("Not retrained: The intent router is already being retrained")
    assert metrics.empty


def test_serving_starts_with_the_outdated_router_and_retrains_it_in_the_background(runtime):
    from ui.server import warm_up

    before = FusionClassifier.load(runtime.settings.data_dir / "router").provenance
    add_entry(runtime, "Do you deliver on Sundays?", "shipping_info")

    warm_up(runtime)
    for thread in threading.enumerate():
        if thread.name == "router-refresh":
            thread.join(timeout=600)
    assert runtime.router.provenance.fingerprint != before.fingerprint
    assert runtime.router_trainer().is_current(runtime.router)
    assert runtime.assistant.router is runtime.router

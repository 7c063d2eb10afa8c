"""The fusion intent router with the real packaged encoders, on the seeded demo store."""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.fusion.config import TrainOptions
from assistant.fusion.lifecycle import SHIPPED_CHECKPOINT, RouterTrainer
from assistant.runtime import Runtime
from assistant.screens import render_screen
from knowledge_base.db import session_scope
from knowledge_base.repositories.training_examples import LabelledMessage, add_training_examples
from knowledge_base.seed import seed_demo_store
from tests import databases

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runtime(tmp_path_factory) -> Runtime:
    data_dir = tmp_path_factory.mktemp("router-store")
    runtime = Runtime.start(databases.current().settings_for(data_dir))
    with session_scope(runtime.sessions) as session:
        seed_demo_store(session=session, data_dir=data_dir)
    return runtime


def see(runtime: Runtime, image):
    (features,) = runtime.models.image_encoder().encode([image])
    return replace(features, ocr_lines=runtime.models.ocr_reader().read(image))


def test_the_shipped_router_is_current_for_the_demo_store_and_loads_without_training(runtime):
    trainer = runtime.router_trainer()
    router = trainer.load_or_train()
    assert router.provenance.fingerprint == trainer.current_fingerprint(trainer.data())
    assert not trainer.folder.exists()  # nothing was trained: the shipped checkpoint was used
    assert router.provenance.image_encoder == runtime.models.image_encoder().name
    assert (SHIPPED_CHECKPOINT / "config.json").is_file()


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("hiya, anyone there?", "greeting"),
        ("cheers, that sorted it, bye", "thanks_goodbye"),
        ("I want to talk to a real person please", "human_agent"),
        ("what is the capital of Australia", "out_of_scope"),
        ("the jumper you sent has a big hole in the sleeve", "damaged_or_wrong_item"),
    ],
)
def test_plain_messages_route_to_their_intent(runtime, text, intent):
    assert runtime.router.predict(text=text).intent == intent


@pytest.mark.parametrize(("kind", "intent"), [("payment_declined", "payment_billing"), ("account_locked", "account_login"),
                                              ("promo_invalid", "promotions")])
def test_the_screenshot_decides_what_an_ambiguous_message_means(runtime, kind, intent):
    screen = render_screen(kind, random.Random(987_654_321))  # a render the router never saw
    prediction = runtime.router.predict(text="why does it keep showing me this??", images=(see(runtime, screen.image),))
    assert prediction.intent == intent
    assert prediction.router == "fusion" and 0.0 < prediction.confidence <= 1.0


def test_eval_prints_scores_and_writes_a_confusion_matrix(runtime, tmp_path):
    random_screen = render_screen("login_failed", random.Random(42_424_242)).image
    random_screen.save(tmp_path / "login.png")
    (tmp_path / "check.csv").write_text(
        "text,intent,image\nwhere is my parcel,order_status,\nit won't let me in,account_login,login.png\n"
        "how do I bake bread,out_of_scope,\n", encoding="utf-8")
    env = databases.current().env_for(runtime.settings.data_dir)
    result = CliRunner().invoke(app, ["eval", "--data", str(tmp_path / "check.csv"), "--confusion",
                                      str(tmp_path / "confusion.png"), "--json"], env=env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["examples"] == 3
    assert set(report) >= {"accuracy", "macro_f1", "per_intent", "out_of_scope_recall", "confusion_png"}
    assert (tmp_path / "confusion.png").stat().st_size > 1000


def test_eval_refuses_intents_the_router_does_not_know(runtime, tmp_path):
    (tmp_path / "bad.csv").write_text("text,intent\nhello,weather_report\n", encoding="utf-8")
    env = databases.current().env_for(runtime.settings.data_dir)
    result = CliRunner().invoke(app, ["eval", "--data", str(tmp_path / "bad.csv")], env=env)
    assert result.exit_code == 2
    assert "Unknown intent(s) weather_report" in result.stderr


def test_new_examples_make_the_checkpoint_stale_and_load_or_train_trains_a_new_one(runtime):
    with session_scope(runtime.sessions) as session:
        add_training_examples(session=session, examples=[LabelledMessage("yo where my hoodie at", "order_status")],
                              source="test")
    trainer = RouterTrainer(runtime.settings, runtime.sessions, runtime.models, TrainOptions(epochs=1, patience=1))
    notes = []
    trained = trainer.load_or_train(progress=lambda fraction, message: notes.append((fraction, message)))
    assert trainer.folder.is_dir() and notes[-1][0] == 1.0
    assert trained.provenance.fingerprint == trainer.current_fingerprint(trainer.data())
    assert set(trained.provenance.metrics["test"]) >= {"accuracy", "macro_f1", "per_intent"}
    soup = trained.provenance.metrics["soup"]
    assert list(soup) == ["run 1", "run 2"] and any(run["in_soup"] for run in soup.values())
    assert any(message.startswith("run 2/2, epoch 1:") for _, message in notes)
    again = trainer.load_or_train()
    assert again.provenance.fingerprint == trained.provenance.fingerprint


def test_the_console_retrains_the_router_and_later_turns_use_the_new_one(runtime):
    from ui.console.retrain import run_retraining

    quick = Runtime.start(databases.current().settings_for(runtime.settings.data_dir, router_max_epochs=1))
    before = quick.assistant.router
    fractions = []
    status, metrics = run_retraining(quick, lambda fraction, message: fractions.append(fraction))
    assert status.startswith("Retrained")
    assert {"test / accuracy", "test / macro_f1", "image_decides / accuracy", "soup / run 2 / in_soup"} <= set(metrics["metric"])
    assert quick.assistant.router is quick.router is not before
    assert fractions[-1] == 1.0 and fractions == sorted(fractions)

"""The router checkpoint under faults: damaged (a clear message naming the folder, then a retraining),
and a training run killed part-way (the old checkpoint stays in place and is used at the next start-up).

The router here reads light real encoders (tests/fusion_fakes.py), so the shipped checkpoint (trained on
the packaged encoders) is stale and a damaged data-folder checkpoint can only be replaced by training.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.errors import CheckpointError
from assistant.fusion.classifier import FusionClassifier, recover_interrupted_save
from assistant.fusion.config import TrainOptions
from assistant.fusion.lifecycle import RouterTrainer
from assistant.runtime import Runtime
from assistant.settings import Settings
from knowledge_base.db import session_scope
from knowledge_base.repositories.faqs import FaqFields, add_faq
from knowledge_base.repositories.intents import upsert_intent
from tests.fakes import HashingEmbedder
from tests.fusion_fakes import ColourGridEncoder, HashingTokenEncoder, NoWordsReader

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


class LightModels:
    """The three encoders a RouterTrainer reads, and the multilingual one a chat turn may, as light real
    implementations."""

    def __init__(self) -> None:
        self._text, self._image = HashingTokenEncoder(dim=384), ColourGridEncoder()

    def text_encoder(self):
        return self._text

    def image_encoder(self):
        return self._image

    def ocr_reader(self):
        return NoWordsReader()

    def multilingual_encoder(self):
        return HashingEmbedder()


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A runtime whose router folder holds a checkpoint trained on the current data (one epoch)."""
    data_dir = tmp_path_factory.mktemp("checkpoint-store")
    runtime = Runtime.start(Settings(data_dir=data_dir, database_url=None, router_max_epochs=1))
    runtime.models = LightModels()
    with session_scope(runtime.sessions) as session:
        upsert_intent(session=session, name="shipping_info", description="delivery")
        add_faq(session=session, fields=FaqFields("How long is delivery?", "2-4 days.", "shipping_info"))
    trainer = RouterTrainer(runtime.settings, runtime.sessions, runtime.models, TrainOptions(epochs=1))
    trainer.train()
    return runtime, trainer


def truncate_weights(folder):
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])


def garble_config(folder):
    (folder / "config.json").write_text("{\"format_version\": 1, \"model\": {", encoding="utf-8")


def remove_labels(folder):
    (folder / "labels.json").unlink()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (truncate_weights, r"checkpoint in .*router is damaged .*retrain it with `assistant train`"),
        (garble_config, r"checkpoint in .*router is damaged .*retrain it with `assistant train`"),
        (remove_labels, r"checkpoint in .*router is incomplete: labels.json is missing; retrain it"),
    ],
)
def test_a_damaged_checkpoint_is_a_clear_error_naming_its_folder(trained, tmp_path, damage, message):
    runtime, trainer = trained
    copy = tmp_path / "router"
    shutil.copytree(trainer.folder, copy)
    damage(copy)
    with pytest.raises(CheckpointError, match=message):
        FusionClassifier.load(copy)


def test_start_up_retrains_instead_of_crashing_on_a_damaged_checkpoint(trained, caplog):
    runtime, trainer = trained
    good = FusionClassifier.load(trainer.folder).provenance
    truncate_weights(trainer.folder)
    runtime.__dict__.pop("router", None)
    with caplog.at_level(logging.INFO, logger="assistant.fusion.lifecycle"):
        router = runtime.router  # what start-up and the first chat turn use
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(str(trainer.folder) in w and "damaged" in w for w in warnings), warnings
    assert any("training the intent router" in w for w in warnings), warnings
    reloaded = FusionClassifier.load(trainer.folder)  # the retraining wrote a whole new checkpoint
    assert reloaded.provenance.fingerprint == router.provenance.fingerprint == good.fingerprint
    assert router.predict(text="how long is delivery").intent in router.config.labels


CHILD_TRAINING = """
import sys
from assistant.fusion.config import TrainOptions
from assistant.fusion.lifecycle import RouterTrainer
from assistant.runtime import Runtime
from assistant.settings import Settings
from tests.integration.test_faults_router import LightModels

runtime = Runtime.start(Settings(data_dir=sys.argv[1], database_url=None))
trainer = RouterTrainer(runtime.settings, runtime.sessions, LightModels(), TrainOptions(epochs=500, patience=500))
trainer.train(lambda fraction, message: print(f"{fraction:.3f} {message}", flush=True))
print("finished", flush=True)
"""


def test_a_training_run_killed_after_its_first_epoch_leaves_the_old_checkpoint_in_use(trained, caplog):
    runtime, trainer = trained
    weights_before = (trainer.folder / "model.safetensors").read_bytes()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ASSISTANT_DATABASE_URL": ""}
    child = subprocess.Popen([sys.executable, "-c", CHILD_TRAINING, str(runtime.settings.data_dir)],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    try:
        seen = list(_lines_until(child, "epoch 1:"))
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL and not any("finished" in line for line in seen)

    assert (trainer.folder / "model.safetensors").read_bytes() == weights_before
    runtime.__dict__.pop("router", None)
    with caplog.at_level(logging.INFO, logger="assistant.fusion.lifecycle"):
        router = runtime.router
    assert f"intent router loaded from {trainer.folder}" in caplog.text
    assert "training the intent router" not in caplog.text
    assert router.provenance == FusionClassifier.load(trainer.folder).provenance
    assert sorted(p.name for p in trainer.folder.parent.glob("router.*")) == []


def _lines_until(child: subprocess.Popen, marker: str):
    for line in child.stdout:
        yield line
        if marker in line:
            return
    raise AssertionError(f"the training run ended before printing {marker!r}")


def test_a_save_killed_between_its_renames_leaves_the_old_checkpoint_usable(trained):
    runtime, trainer = trained
    folder = trainer.folder
    before = FusionClassifier.load(folder).provenance
    # what a process killed after `router -> router.old` and before `router.partial-N -> router` leaves
    folder.rename(folder.with_name("router.old"))
    partial = folder.with_name("router.partial-999999999")
    partial.mkdir()
    (partial / "config.json").write_text("{", encoding="utf-8")
    recover_interrupted_save(folder)
    assert FusionClassifier.load(folder).provenance == before
    assert sorted(p.name for p in folder.parent.glob("router.*")) == []

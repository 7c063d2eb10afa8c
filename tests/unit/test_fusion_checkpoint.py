from __future__ import annotations

import json
import os

import numpy as np
import pytest
from PIL import Image

from assistant.errors import CheckpointError
from assistant.fusion.classifier import FusionClassifier, Provenance, recover_interrupted_save
from assistant.fusion.config import FusionConfig
from assistant.fusion.model import FusionModel
from assistant.types import ImageFeatures, OcrLine
from tests.fusion_fakes import ColourGridEncoder, HashingTokenEncoder

LABELS = ("account_login", "greeting", "out_of_scope", "payment_billing")


@pytest.fixture
def classifier() -> FusionClassifier:
    config = FusionConfig(labels=LABELS, text_dim=16, visual_dim=3, width=16, heads=2)
    provenance = Provenance("test-hashing-tokens", ColourGridEncoder.name, "abc123", {"test": {"accuracy": 0.5}})
    return FusionClassifier(FusionModel(config), temperature=1.7, threshold=0.3, provenance=provenance,
                            text_encoder=HashingTokenEncoder(dim=16))


def screenshot(colour: str) -> ImageFeatures:
    (features,) = ColourGridEncoder().encode([Image.new("RGB", (40, 30), colour)])
    line = OcrLine("Payment declined", ((0, 0), (10, 0), (10, 5), (0, 5)), 0.99)
    return ImageFeatures(features.pooled, features.tokens, features.encoder, (line,))


def test_save_and_load_give_the_same_predictions(classifier, tmp_path):
    folder = classifier.save(tmp_path / "router")
    assert sorted(p.name for p in folder.iterdir()) == ["config.json", "labels.json", "model.safetensors"]
    loaded = FusionClassifier.load(folder, text_encoder=HashingTokenEncoder(dim=16))
    message = dict(text="it won't go through", images=(screenshot("red"),))
    assert loaded.predict(**message) == classifier.predict(**message)
    assert loaded.provenance == classifier.provenance
    assert (loaded.temperature, loaded.threshold) == (1.7, 0.3)
    assert not list(tmp_path.glob("*.partial*")) and not list(tmp_path.glob("*.old"))


def test_a_prediction_has_calibrated_top_intents(classifier):
    prediction = classifier.predict(text="hello there")
    assert prediction.router == "fusion"
    assert len(prediction.top_k) == 3
    assert prediction.top_k[0][1] == pytest.approx(prediction.confidence)
    assert sum(p for _, p in prediction.top_k) <= 1.0 + 1e-6


def test_a_low_top_probability_is_out_of_scope(classifier):
    classifier.threshold = 0.99
    prediction = classifier.predict(text="hello there")
    assert prediction.out_of_scope and prediction.intent == "out_of_scope"


def test_saving_again_replaces_the_old_checkpoint(classifier, tmp_path):
    classifier.save(tmp_path / "router")
    classifier.temperature = 2.5
    classifier.save(tmp_path / "router")
    assert FusionClassifier.load(tmp_path / "router").temperature == 2.5


def test_a_missing_checkpoint_names_the_missing_file(tmp_path):
    with pytest.raises(CheckpointError, match="config.json is missing"):
        FusionClassifier.load(tmp_path / "nowhere")


def test_damaged_weights_are_a_clear_error(classifier, tmp_path):
    folder = classifier.save(tmp_path / "router")
    (folder / "model.safetensors").write_bytes(b"\x00" * 40)
    with pytest.raises(CheckpointError, match="damaged.*assistant train"):
        FusionClassifier.load(folder)


def test_labels_that_disagree_with_the_config_are_refused(classifier, tmp_path):
    folder = classifier.save(tmp_path / "router")
    (folder / "labels.json").write_text(json.dumps(["a", "b"]))
    with pytest.raises(CheckpointError, match="damaged"):
        FusionClassifier.load(folder)


def test_pictures_from_another_encoder_are_refused(classifier):
    other = ImageFeatures(np.ones(3, np.float32), np.ones((16, 3), np.float32), "clip:ViT-B-32:openai")
    with pytest.raises(CheckpointError, match="retrain"):
        classifier.predict(text="what is this", images=(other,))


def test_recovery_removes_only_the_partial_folders_of_processes_that_are_gone(classifier, tmp_path):
    folder = classifier.save(tmp_path / "router")
    running = tmp_path / f"router.partial-{os.getpid()}"  # a save in progress in a live process
    gone = tmp_path / "router.partial-999999999"
    running.mkdir()
    gone.mkdir()
    recover_interrupted_save(folder)
    assert running.is_dir() and not gone.exists()
    assert FusionClassifier.load(folder).temperature == 1.7

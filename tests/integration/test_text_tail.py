"""The router's own copy of the text encoder's top layers, on the real packaged MiniLM."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from assistant.fusion.classifier import FusionClassifier, Provenance
from assistant.fusion.config import FusionConfig, TrainOptions
from assistant.fusion.features import ExampleArrays, TextFeatures
from assistant.fusion.text_tail import tail_settings
from assistant.fusion.train import fit
from tests.fusion_fakes import HashingTokenEncoder

MESSAGES = ["where is my parcel FG-100200?", "hi", "my card was declined twice at checkout"]


def test_an_untrained_tail_reproduces_the_encoders_output_from_its_inner_states(text_encoder):
    from assistant.fusion.model import FusionModel

    settings = tail_settings(text_encoder, 2)
    assert (settings["tuned_text_layers"], settings["text_input_layer"]) == (2, 4)
    model = FusionModel(FusionConfig(labels=("a", "b"), **settings))
    model.text_tail.start_from(text_encoder.transformer_layers()[1])
    model.eval()
    inner = text_encoder.tokens(MESSAGES, layer=4)
    output = text_encoder.tokens(MESSAGES)
    assert not np.allclose(inner.vectors, output.vectors, atol=1e-2)
    with torch.no_grad():
        tuned = model.text_tail(torch.from_numpy(inner.vectors), torch.from_numpy(inner.mask)).numpy()
    np.testing.assert_allclose(tuned, output.vectors, atol=1e-4)


def test_encoders_without_transformer_layers_and_a_count_of_zero_tune_nothing(text_encoder):
    assert tail_settings(HashingTokenEncoder(), 2) == {"tuned_text_layers": 0}
    assert tail_settings(text_encoder, 0) == {"tuned_text_layers": 0}
    assert tail_settings(text_encoder, 99)["tuned_text_layers"] == 6  # at most every layer


def test_training_moves_the_tail_and_the_checkpoint_loads_back_with_the_same_answers(text_encoder, tmp_path):
    labels = ("order_status", "out_of_scope", "payment_billing")
    texts = ["where is my order", "my parcel has not arrived", "track my package please",
             "card declined", "payment failed at checkout", "why was I charged twice",
             "what is the capital of peru", "write me a poem", "who won the match"]
    intents = [labels[0]] * 3 + [labels[2]] * 3 + [labels[1]] * 3
    config = FusionConfig(labels=labels, **tail_settings(text_encoder, 1))
    arrays = [ExampleArrays(a) for a in TextFeatures(text_encoder, layer=config.text_input_layer).encode(texts)]
    options = TrainOptions(epochs=3, patience=3, batch_size=3, text_tail_learning_rate=1e-3)
    fitted = fit(config, (arrays, intents), (arrays, intents), options, text_encoder=text_encoder)
    start = text_encoder.transformer_layers()[1][-1].state_dict()
    moved = fitted.model.text_tail.layers[0].state_dict()
    assert any(not torch.equal(moved[name], start[name]) for name in start)

    classifier = FusionClassifier(fitted.model, temperature=fitted.temperature, threshold=fitted.threshold,
                                  provenance=Provenance("minilm", "none", "test"), text_encoder=text_encoder)
    folder = classifier.save(tmp_path / "router")
    saved = json.loads((folder / "config.json").read_text())["model"]
    assert saved["tuned_text_layers"] == 1 and saved["text_input_layer"] == 5
    loaded = FusionClassifier.load(folder, text_encoder=text_encoder)
    question = [loaded.arrays("has my order shipped yet?")]
    np.testing.assert_allclose(loaded.probabilities(question), classifier.probabilities(question), atol=1e-6)


def test_a_tuned_router_needs_the_encoder_to_start_from(text_encoder):
    config = FusionConfig(labels=("a", "b"), **tail_settings(text_encoder, 1))
    arrays = [ExampleArrays(a) for a in TextFeatures(text_encoder, layer=5).encode(["one", "two"])]
    with pytest.raises(ValueError, match="needs the text encoder"):
        fit(config, (arrays, ["a", "b"]), (arrays, ["a", "b"]), TrainOptions(epochs=1))

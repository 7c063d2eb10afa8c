"""Training on messages whose words are the same and only the picture tells the intent apart."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.fusion.calibration import choose_threshold, fit_temperature, negative_log_likelihood, route, softmax
from assistant.fusion.config import FusionConfig, TrainOptions
from assistant.fusion.features import ExampleArrays, PictureArrays, TextArrays
from assistant.fusion.train import batch_logits, fit

LABELS = ("account_login", "out_of_scope", "payment_billing")
VISUAL = {"payment_billing": 1.0, "account_login": -1.0}


def ambiguous_message(rng, intent: str) -> ExampleArrays:
    """The same few words every time; the picture's tokens lean one way per intent."""
    words = TextArrays(np.ones((3, 8), np.float16) + rng.normal(0, 0.05, (3, 8)).astype(np.float16),
                       np.ones(8, np.float32) / np.sqrt(8))
    tokens = rng.normal(VISUAL[intent], 1.0, (6, 6)).astype(np.float16)
    picture = PictureArrays(tokens, tokens.astype(np.float32).mean(0), TextArrays(np.zeros((0, 8), np.float16), np.zeros(8, np.float32)), 0)
    return ExampleArrays(words, (picture,))


def off_topic_message(rng) -> ExampleArrays:
    tokens = rng.normal(0, 1, (4, 8)).astype(np.float16) - 2
    vector = tokens.astype(np.float32).mean(0)
    return ExampleArrays(TextArrays(tokens, vector / np.linalg.norm(vector)))


def toy_split(seed: int, n: int) -> tuple[list[ExampleArrays], list[str]]:
    rng = np.random.default_rng(seed)
    intents = [("payment_billing", "account_login", "out_of_scope")[i % 3] for i in range(n)]
    arrays = [off_topic_message(rng) if i == "out_of_scope" else ambiguous_message(rng, i) for i in intents]
    return arrays, intents


def accuracy(fitted, split) -> float:
    predicted = batch_logits(fitted.model, split[0]).argmax(1)
    return float(np.mean([LABELS[p] == t for p, t in zip(predicted, split[1], strict=True)]))


@pytest.fixture(scope="module")
def splits():
    return toy_split(1, 150), toy_split(2, 60), toy_split(3, 90)


def train(fusion: str, splits):
    config = FusionConfig(labels=LABELS, text_dim=8, visual_dim=6, width=16, heads=2, fusion=fusion)
    options = TrainOptions(epochs=25, patience=6, image_dropout=0.0, text_dropout=0.0)
    return fit(config, splits[0], splits[1], options)


def test_cross_attention_learns_what_only_the_picture_says(splits):
    assert accuracy(train("cross_attention", splits), splits[2]) >= 0.9


def test_the_text_only_model_cannot_tell_the_pictures_apart(splits):
    fitted = train("text_only", splits)
    test = splits[2]
    predicted = batch_logits(fitted.model, test[0]).argmax(1)
    in_scope = [i for i, t in enumerate(test[1]) if t != "out_of_scope"]
    hits = sum(LABELS[predicted[i]] == test[1][i] for i in in_scope)
    assert hits / len(in_scope) <= 0.65


def test_training_is_reproducible_with_the_same_seed(splits):
    first, second = train("concat", splits), train("concat", splits)
    np.testing.assert_allclose(batch_logits(first.model, splits[2][0]), batch_logits(second.model, splits[2][0]), atol=1e-5)
    assert first.best_epoch == second.best_epoch


def test_the_soup_scores_no_lower_on_validation_than_its_best_run(splits):
    config = FusionConfig(labels=LABELS, text_dim=8, visual_dim=6, width=16, heads=2, fusion="cross_attention")
    fitted = fit(config, splits[0], splits[1], TrainOptions(epochs=6, patience=6, soup_runs=3))
    assert [r["run"] for r in fitted.runs] == [1, 2, 3]
    assert [r["image_dropout"] for r in fitted.runs] == [0.15, 0.3, 0.15]
    assert any(r["in_soup"] for r in fitted.runs)
    assert fitted.val_macro_f1 >= max(r["val_macro_f1"] for r in fitted.runs) - 1e-4
    assert fitted.epochs_run == sum(r["epochs"] for r in fitted.runs)


def test_a_single_run_is_not_a_soup(splits):
    config = FusionConfig(labels=LABELS, text_dim=8, visual_dim=6, width=16, heads=2, fusion="concat")
    fitted = fit(config, splits[0], splits[1], TrainOptions(epochs=3, patience=3, soup_runs=1))
    assert len(fitted.runs) == 1 and fitted.runs[0]["in_soup"]


def test_temperature_scaling_lowers_the_nll_of_overconfident_logits():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 400)
    logits = rng.normal(0, 1, (400, 3))
    logits[np.arange(400), labels] += 1.0
    overconfident = logits * 8
    temperature = fit_temperature(overconfident, labels)
    assert temperature > 2
    assert negative_log_likelihood(overconfident, labels, temperature) < negative_log_likelihood(overconfident, labels, 1.0)


def test_the_threshold_keeps_in_scope_accuracy_within_its_budget():
    rng = np.random.default_rng(1)
    labels = np.array([0, 2] * 100 + [1] * 50)
    logits = rng.normal(0, 1, (250, 3))
    logits[np.arange(200), labels[:200]] += 3.0  # in-scope messages are mostly confident
    probs = softmax(logits)
    threshold = choose_threshold(probs, labels, oos_index=1, budget=0.02)
    in_scope = labels != 1
    base = (route(probs, 0.0, 1)[in_scope] == labels[in_scope]).mean()
    routed = route(probs, threshold, 1)
    assert (routed[in_scope] == labels[in_scope]).mean() >= base - 0.02
    assert (routed[~in_scope] == 1).mean() > (route(probs, 0.0, 1)[~in_scope] == 1).mean()

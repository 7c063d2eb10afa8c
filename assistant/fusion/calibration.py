"""Temperature scaling of the logits and the out-of-scope threshold, both fitted on held-out data."""

from __future__ import annotations

import numpy as np


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    scaled = logits / temperature
    scaled = scaled - scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=1, keepdims=True)


def negative_log_likelihood(logits: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    probs = softmax(logits, temperature)
    return float(-np.log(probs[np.arange(len(labels)), labels].clip(1e-12)).mean())


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature in [0.05, 20] with the lowest validation NLL (a fine log-spaced search: one
    parameter, so a search is exact enough and cannot diverge)."""
    grid = np.exp(np.linspace(np.log(0.05), np.log(20.0), 400))
    losses = [negative_log_likelihood(logits, labels, t) for t in grid]
    return float(grid[int(np.argmin(losses))])


def expected_calibration_error(probs: np.ndarray, labels: np.ndarray, bins: int = 10) -> float:
    confidence, predicted = probs.max(1), probs.argmax(1)
    correct = predicted == labels
    edges = np.linspace(0, 1, bins + 1)
    error = 0.0
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            error += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(error)


def route(probs: np.ndarray, threshold: float, oos_index: int) -> np.ndarray:
    """Arg-max intents, with messages whose top probability is under ``threshold`` sent to out_of_scope."""
    predicted = probs.argmax(1)
    return np.where(probs.max(1) < threshold, oos_index, predicted)


def choose_threshold(probs: np.ndarray, labels: np.ndarray, oos_index: int, *, budget: float) -> float:
    """The highest threshold whose in-scope accuracy stays within ``budget`` of no threshold at all:
    it catches the most out-of-scope messages the model would otherwise answer."""
    in_scope = labels != oos_index
    if not in_scope.any():
        return 0.0
    base = (route(probs, 0.0, oos_index)[in_scope] == labels[in_scope]).mean()
    best = 0.0
    for threshold in np.unique(np.round(probs.max(1), 4)):
        accuracy = (route(probs, threshold, oos_index)[in_scope] == labels[in_scope]).mean()
        if accuracy >= base - budget:
            best = max(best, float(threshold))
    return best

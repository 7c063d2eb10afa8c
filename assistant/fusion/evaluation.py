"""Scores a router on labelled examples: overall, where the picture decides, and out of scope."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.fusion.corpus import Example
from assistant.fusion.features import ExampleArrays
from assistant.fusion.metrics import RoutingReport, routing_report


def predicted_intents(classifier, arrays: Sequence[ExampleArrays]) -> list[str]:
    out: list[str] = []
    for start in range(0, len(arrays), 128):
        probs = classifier.probabilities(arrays[start : start + 128])
        out.extend(classifier.decide(row).intent for row in probs)
    return out


def evaluate(classifier, arrays: Sequence[ExampleArrays], truth: Sequence[str]) -> RoutingReport:
    return routing_report(truth, predicted_intents(classifier, arrays), classifier.config.labels)


def subset_reports(classifier, arrays: Sequence[ExampleArrays], examples: Sequence[Example]) -> dict:
    """Accuracy on the examples whose picture decides the intent, and on those with any picture."""
    predicted = predicted_intents(classifier, arrays)
    out = {}
    for name, keep in (("image_decides", lambda e: e.kind == "image_decides"), ("with_image", lambda e: bool(e.image))):
        rows = [i for i, e in enumerate(examples) if keep(e)]
        if rows:
            hits = sum(predicted[i] == examples[i].intent for i in rows)
            out[name] = {"examples": len(rows), "accuracy": round(hits / len(rows), 4)}
    return out

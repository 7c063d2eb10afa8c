"""Routing quality: accuracy, macro-F1, per-intent precision and recall, and a confusion-matrix picture."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from assistant.fusion.corpus import OUT_OF_SCOPE


@dataclass(frozen=True)
class IntentScores:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class RoutingReport:
    accuracy: float
    macro_f1: float
    out_of_scope_recall: float | None
    """Share of out-of-scope messages routed to out_of_scope (None when there are none)."""
    in_scope_accuracy: float | None
    examples: int
    per_intent: dict[str, IntentScores] = field(default_factory=dict)
    confusion: list[list[int]] = field(default_factory=list)
    """Rows: true intent, columns: predicted intent, both in ``labels`` order."""
    labels: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {
            "examples": self.examples,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "out_of_scope_recall": None if self.out_of_scope_recall is None else round(self.out_of_scope_recall, 4),
            "in_scope_accuracy": None if self.in_scope_accuracy is None else round(self.in_scope_accuracy, 4),
            "per_intent": {
                name: {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4),
                       "support": s.support}
                for name, s in self.per_intent.items()
            },
        }


def routing_report(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> RoutingReport:
    index = {name: i for i, name in enumerate(labels)}
    confusion = np.zeros((len(labels), len(labels)), dtype=int)
    for t, p in zip(truth, predicted, strict=True):
        confusion[index[t], index[p]] += 1
    per_intent = {}
    for name, i in index.items():
        support = int(confusion[i].sum())
        if support == 0:
            continue
        tp = confusion[i, i]
        precision = tp / confusion[:, i].sum() if confusion[:, i].sum() else 0.0
        recall = tp / support
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_intent[name] = IntentScores(float(precision), float(recall), float(f1), support)
    truth_arr, pred_arr = np.array(truth), np.array(predicted)
    in_scope = truth_arr != OUT_OF_SCOPE
    return RoutingReport(
        accuracy=float((truth_arr == pred_arr).mean()) if len(truth_arr) else 0.0,
        macro_f1=float(np.mean([s.f1 for s in per_intent.values()])) if per_intent else 0.0,
        out_of_scope_recall=float((pred_arr[~in_scope] == OUT_OF_SCOPE).mean()) if (~in_scope).any() else None,
        in_scope_accuracy=float((pred_arr[in_scope] == truth_arr[in_scope]).mean()) if in_scope.any() else None,
        examples=len(truth_arr),
        per_intent=per_intent,
        confusion=confusion.tolist(),
        labels=tuple(labels),
    )


def draw_confusion(report: RoutingReport, path: Path, *, cell: int = 34) -> Path:
    """A PNG heat map of the confusion matrix with counts, true intents down and predictions across."""
    labels, matrix = report.labels, np.array(report.confusion)
    font = ImageFont.load_default(size=13)
    margin = 12 + max(int(font.getlength(name)) for name in labels)
    size = margin + cell * len(labels) + 12
    image = Image.new("RGB", (size, size + 24), "white")
    draw = ImageDraw.Draw(image)
    draw.text((margin, 4), "predicted ->  (rows: true intent)", fill="black", font=font)
    top = margin + 24
    row_totals = matrix.sum(1, keepdims=True).clip(min=1)
    for i, name in enumerate(labels):
        draw.text((4, top + i * cell + cell // 3), name, fill="black", font=font)
        column = Image.new("RGB", (margin, 16), "white")
        ImageDraw.Draw(column).text((0, 0), name, fill="black", font=font)
        image.paste(column.rotate(90, expand=True), (margin + i * cell + cell // 3, 24))
        for j in range(len(labels)):
            share = matrix[i, j] / row_totals[i, 0]
            shade = int(255 - 200 * share)
            box = (margin + j * cell, top + i * cell, margin + (j + 1) * cell - 1, top + (i + 1) * cell - 1)
            draw.rectangle(box, fill=(shade, shade, 255), outline=(220, 220, 220))
            if matrix[i, j]:
                draw.text((box[0] + 6, box[1] + cell // 3), str(matrix[i, j]), fill="black", font=font)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path

"""Retraining tab: retrain the intent router on the current intents, FAQ entries and training examples,
with progress, and show the new model's metrics."""

from __future__ import annotations

from collections.abc import Callable

import gradio as gr
import pandas as pd

from assistant.errors import AssistantError
from assistant.runtime import Runtime

METRIC_COLUMNS = ["metric", "value"]


def metrics_frame(metrics: dict) -> pd.DataFrame:
    """Metrics as rows; nested dicts (e.g. recall per intent) become ``outer / inner`` rows."""
    rows: list[tuple[str, object]] = []

    def add(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                add(f"{prefix} / {key}" if prefix else str(key), inner)
        else:
            rows.append((prefix, round(value, 4) if isinstance(value, float) else value))

    add("", metrics)
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)


def run_retraining(runtime: Runtime, report: Callable[[float, str], None]) -> tuple[str, pd.DataFrame]:
    """Retrain the router, passing its progress to ``report(fraction, message)``."""
    try:
        metrics = runtime.retrain_router(progress=report)
    except AssistantError as error:
        return f"Not retrained: {error}", pd.DataFrame(columns=METRIC_COLUMNS)
    return "Retrained: the chat routes with the new model from now on.", metrics_frame(metrics)


def build_retrain_tab(runtime: Runtime) -> None:
    gr.Markdown("Retrain the intent router on the knowledge base and training examples as they are now.")
    start = gr.Button("Retrain the router", variant="primary")
    status = gr.Markdown()
    metrics = gr.Dataframe(headers=METRIC_COLUMNS, label="Metrics of the new model", interactive=False)

    def on_start(progress=gr.Progress()):
        return run_retraining(runtime, lambda fraction, message: progress(fraction, desc=message))

    start.click(on_start, None, [status, metrics], concurrency_limit=1)

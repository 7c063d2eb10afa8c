"""Test console: run a query (and an optional image) through the chat's own code path
(``Assistant.inspect``) and show the routed intent, the action and the ranked hits with each signal's score."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import pandas as pd

from assistant.errors import AssistantError, UserInputError
from assistant.runtime import Runtime
from assistant.types import UserTurn
from ui.console.common import short

HIT_COLUMNS = ["rank", "faq_id", "question", "intent", "score", "dense", "lexical", "bm25"]
INTENT_COLUMNS = ["intent", "probability"]


def summary_markdown(inspection) -> str:
    """The routed intent, the action and what was read from the attachments."""
    prediction = inspection.prediction
    lines = [
        f"**Intent:** `{prediction.intent}` (confidence {prediction.confidence:.3f})"
        + (" — out of scope" if prediction.out_of_scope else ""),
        f"**Action:** `{inspection.action}`",
        f"**Reply:** {inspection.text}",
    ]
    if inspection.transcript:
        lines.append(f"**Transcript:** {inspection.transcript}")
    if inspection.ocr_text:
        lines.append(f"**Words in the image:** {short(inspection.ocr_text, 300)}")
    for product in inspection.products or ():
        lines.append(f"**Product match:** {product.get('name', '?')} ({product.get('sku', '?')}), "
                     f"score {float(product.get('score', 0.0)):.3f}")
    return "\n\n".join(lines)


def hits_frame(inspection) -> pd.DataFrame:
    rows = [
        [rank, hit.faq_id, hit.question, hit.intent, round(hit.score, 4), round(hit.dense, 4),
         round(hit.lexical, 4), round(hit.bm25, 3)]
        for rank, hit in enumerate(inspection.hits, start=1)
    ]
    return pd.DataFrame(rows, columns=HIT_COLUMNS)


def intents_frame(inspection) -> pd.DataFrame:
    """The router's top intents; the routed one alone when the router gave no list."""
    prediction = inspection.prediction
    pairs = prediction.top_k or ((prediction.intent, prediction.confidence),)
    return pd.DataFrame([[name, round(float(p), 4)] for name, p in pairs], columns=INTENT_COLUMNS)


def run_inspection(assistant, text: str, image_path: str | None):
    """Inspect one turn; returns (summary markdown, hits, intents). Refused input becomes the summary."""
    try:
        if not (text or "").strip() and not image_path:
            raise UserInputError("Type a question or add an image to test.")
        images = (Path(image_path),) if image_path else ()
        inspection = assistant.inspect(UserTurn(text=text or "", images=images))
    except AssistantError as error:
        return f"Not run: {error}", pd.DataFrame(columns=HIT_COLUMNS), pd.DataFrame(columns=INTENT_COLUMNS)
    return summary_markdown(inspection), hits_frame(inspection), intents_frame(inspection)


def build_test_console_tab(runtime: Runtime) -> None:
    gr.Markdown("Ask as a customer would: the chat's own pipeline routes and ranks it.")
    with gr.Row():
        query = gr.Textbox(label="Customer question", scale=3, elem_id="test-query")
        image = gr.Image(label="Image (optional)", type="filepath", scale=1, height=160)
    run = gr.Button("Run", variant="primary", elem_id="test-run")
    summary = gr.Markdown(elem_id="test-summary")
    hits = gr.Dataframe(headers=HIT_COLUMNS, label="Ranked hits", interactive=False, wrap=True)
    intents = gr.Dataframe(headers=INTENT_COLUMNS, label="Intent probabilities", interactive=False)

    def on_run(text, path):
        return run_inspection(runtime.assistant, text, path)

    for trigger in (run.click, query.submit):
        trigger(on_run, [query, image], [summary, hits, intents])

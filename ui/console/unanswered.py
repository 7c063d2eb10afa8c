"""Unanswered tab: questions the assistant was unsure about or that got a thumbs-down, grouped by
similarity, newest first; "Create FAQ entry from this" pre-fills an entry with the group's wordings.

A saved entry that answers the group's question drops the group from the queue (see
``knowledge_base.question_groups``).
"""

from __future__ import annotations

from collections import Counter

import gradio as gr
import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from assistant.runtime import Runtime
from knowledge_base.db import session_scope
from knowledge_base.question_groups import QuestionGroup, QueueOptions, unanswered_queue
from knowledge_base.retrieval import HybridRetriever
from ui.console.common import intent_choices, short
from ui.console.faq import FaqForm, build_faq_editor, form_values, id_text, read_form, save_faq

QUEUE_COLUMNS = ["asked", "question", "why", "last asked", "other wordings"]
TURN_COLUMNS = ["when", "why", "customer asked", "assistant replied", "confidence", "comment"]


def load_queue(
    sessions: sessionmaker[Session], retriever: HybridRetriever, options: QueueOptions
) -> list[QuestionGroup]:
    with session_scope(sessions) as session:
        return unanswered_queue(session=session, retriever=retriever, options=options)


def queue_frame(groups: list[QuestionGroup]) -> pd.DataFrame:
    rows = [
        [
            group.count,
            group.question,
            ", ".join(f"{reason} ×{n}" for reason, n in sorted(group.reasons.items())),
            group.newest_at.strftime("%Y-%m-%d %H:%M"),
            " | ".join(short(w, 80) for w in group.wordings[1:4]),
        ]
        for group in groups
    ]
    return pd.DataFrame(rows, columns=QUEUE_COLUMNS)


def turns_frame(group: QuestionGroup) -> pd.DataFrame:
    rows = [
        [turn.at.strftime("%Y-%m-%d %H:%M"), turn.reason, turn.question, short(turn.reply, 160),
         None if turn.confidence is None else round(turn.confidence, 3), turn.comment]
        for turn in group.turns
    ]
    return pd.DataFrame(rows, columns=TURN_COLUMNS)


def faq_form_from_group(group: QuestionGroup, known_intents: list[str]) -> FaqForm:
    """A new entry: the group's newest question, its other wordings as alternates, and the known intent
    the assistant routed most of them to; staff write the answer."""
    intents = Counter(turn.intent for turn in group.turns if turn.intent in known_intents)
    return FaqForm(
        question=group.question if group.wordings else "",
        alternates="\n".join(group.wordings[1:]),
        intent=intents.most_common(1)[0][0] if intents else None,
    )


def queue_summary(groups: list[QuestionGroup]) -> str:
    if not groups:
        return "Nothing waiting: every recent question was answered with confidence."
    turns = sum(group.count for group in groups)
    return (f"{_count(len(groups), 'question')} waiting ({_count(turns, 'turn')}). "
            "Click one to see its turns and create an entry.")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def build_unanswered_tab(runtime: Runtime) -> None:
    sessions = runtime.sessions
    options = QueueOptions(answer_threshold=runtime.settings.answer_threshold)
    groups_state = gr.State([])
    refresh = gr.Button("Refresh queue")
    summary = gr.Markdown()
    queue = gr.Dataframe(headers=QUEUE_COLUMNS, interactive=False, wrap=True, max_height=400,
                         elem_id="unanswered-table")
    turns = gr.Dataframe(headers=TURN_COLUMNS, label="Turns in this group", interactive=False, wrap=True,
                         column_widths=["14%", "12%", "24%", "34%", "8%", "8%"])
    create = gr.Button("Create FAQ entry from this", elem_id="unanswered-create")
    gr.Markdown("New FAQ entry (write the answer, check the intent, then save):")
    intents = intent_choices(sessions)
    editor = build_faq_editor(intents, "unanswered")
    save = gr.Button("Save FAQ entry", variant="primary", elem_id="unanswered-save")
    status = gr.Markdown(elem_id="unanswered-status")
    chosen = gr.State(None)

    def on_refresh():
        """The queue again; the selection is cleared because the rows may have moved."""
        groups = load_queue(sessions, runtime.retriever, options)
        return groups, queue_frame(groups), queue_summary(groups), None, pd.DataFrame(columns=TURN_COLUMNS)

    def on_select(groups, evt: gr.SelectData):
        index = evt.index[0]
        return index, turns_frame(groups[index])

    def on_create(groups, index):
        if index is None or index >= len(groups):
            return [*form_values(FaqForm()), "Pick a question in the queue first."]
        return [*form_values(faq_form_from_group(groups[index], intents)), ""]

    def on_save(*values):
        message, faq_id = save_faq(sessions, runtime.reindex, read_form(*values))
        return [message, id_text(faq_id), *on_refresh()]

    queue_outputs = [groups_state, queue, summary, chosen, turns]
    refresh.click(on_refresh, None, queue_outputs)
    gr.on(None, on_refresh, None, queue_outputs)  # on page load
    queue.select(on_select, [groups_state], [chosen, turns])
    create.click(on_create, [groups_state, chosen], [*editor.inputs, status])
    save.click(on_save, editor.inputs, [status, editor.faq_id, *queue_outputs])

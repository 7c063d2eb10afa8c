"""FAQ tab: search the entries, add, edit and delete them, import and export CSV.

Every write refreshes the dense index in the same transaction (as ``assistant faq`` does), so the chat
finds a saved entry with its next question.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from assistant.errors import UserInputError
from assistant.runtime import Runtime
from knowledge_base.db import session_scope
from knowledge_base.repositories.faq_csv import IntentGuess, decode_csv, export_faqs_csv, import_faqs_csv
from knowledge_base.repositories.faqs import FaqFields, add_faq, delete_faq, get_faq, list_faqs, update_faq
from ui.console.common import attempt, chosen_id, exports_folder, intent_choices, short, write_export

TABLE_COLUMNS = ["id", "question", "intent", "alternates", "tags", "active", "updated"]
TABLE_WIDTHS = ["6%", "30%", "14%", "24%", "10%", "6%", "10%"]
ALL_INTENTS = "(all intents)"


@dataclass(frozen=True)
class FaqForm:
    """The editor's fields as the form shows them: alternates one per line, tags comma-separated."""

    faq_id: int | None = None
    question: str = ""
    answer: str = ""
    intent: str | None = None
    alternates: str = ""
    tags: str = ""
    active: bool = True

    def fields(self) -> FaqFields:
        return FaqFields(
            question=self.question,
            answer=self.answer,
            intent=self.intent or None,
            alternates=[line for line in self.alternates.splitlines() if line.strip()],
            tags=[tag for tag in self.tags.replace("\n", ",").split(",") if tag.strip()],
            active=self.active,
        )


def faq_table(sessions: sessionmaker[Session], search: str = "", intent: str | None = None) -> pd.DataFrame:
    """Entries whose question or answer contains ``search``, of one intent or all."""
    chosen = None if intent in (None, "", ALL_INTENTS) else intent
    with session_scope(sessions) as session:
        entries = list_faqs(session=session, contains=search.strip() or None, intent=chosen)
        rows = [
            [e.id, e.question, e.intent.name, " | ".join(e.alternate_questions), ", ".join(e.tags or []),
             "yes" if e.active else "no", e.updated_at.strftime("%Y-%m-%d %H:%M")]
            for e in entries
        ]
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def load_faq(sessions: sessionmaker[Session], faq_id: int) -> FaqForm:
    with session_scope(sessions) as session:
        entry = get_faq(session=session, faq_id=int(faq_id))
        return FaqForm(
            faq_id=entry.id,
            question=entry.question,
            answer=entry.answer,
            intent=entry.intent.name,
            alternates="\n".join(entry.alternate_questions),
            tags=", ".join(entry.tags or []),
            active=entry.active,
        )


def save_faq(
    sessions: sessionmaker[Session], reindex: Callable[[Session], object], form: FaqForm
) -> tuple[str, int | None]:
    """Add the entry (no id) or update it, and embed it for every search that keeps vectors
    (``Runtime.reindex``); returns the status line and the entry's id."""
    saved: list[int] = []

    def work() -> str:
        with session_scope(sessions) as session:
            if form.faq_id is None:
                entry = add_faq(session=session, fields=form.fields())
            else:
                entry = update_faq(session=session, faq_id=int(form.faq_id), fields=form.fields())
            reindex(session)
            saved.append(entry.id)
        verb = "Added" if form.faq_id is None else "Saved"
        return f"{verb} FAQ entry {saved[0]}; the chat answers with it from now on."

    status = attempt(work)
    return status, (saved[0] if saved else form.faq_id)


def delete_faq_entry(sessions: sessionmaker[Session], faq_id: int | None) -> str:
    def work() -> str:
        chosen = chosen_id(faq_id, "an entry in the table")
        with session_scope(sessions) as session:
            delete_faq(session=session, faq_id=chosen)
        return f"Deleted FAQ entry {chosen}."

    return attempt(work)


def import_csv(
    sessions: sessionmaker[Session], reindex: Callable[[Session], object], path: str | None,
    guess_intent: IntentGuess | None = None,
) -> str:
    """Imports the file's rows and embeds the new and changed entries for every search that keeps vectors
    (``Runtime.reindex``), so the first customer after a large import does not wait for them."""
    def work() -> str:
        if not path:
            raise UserInputError("Choose a CSV or Excel file to import first.")
        decoded = decode_csv(Path(path).read_bytes())
        with session_scope(sessions) as session:
            report = import_faqs_csv(session=session, text=decoded.text, guess_intent=guess_intent)
            reindex(session)
        return f"Imported {report.summary()}{decoded.note}."

    return attempt(work)


def export_csv(sessions: sessionmaker[Session], folder: Path) -> Path:
    return write_export(sessions, export_faqs_csv, folder / "faq-export.csv")


def id_text(faq_id: int | None) -> str:
    return "" if faq_id is None else str(faq_id)


def form_values(form: FaqForm) -> list:
    """The form in the order of the editor's components (see ``FaqEditor.inputs``)."""
    return [id_text(form.faq_id), form.question, form.answer, form.intent, form.alternates, form.tags, form.active]


@dataclass
class FaqEditor:
    """The editor's components; the unanswered tab builds one too."""

    faq_id: gr.Textbox
    question: gr.Textbox
    answer: gr.Textbox
    intent: gr.Dropdown
    alternates: gr.Textbox
    tags: gr.Textbox
    active: gr.Checkbox

    @property
    def inputs(self) -> list:
        return [self.faq_id, self.question, self.answer, self.intent, self.alternates, self.tags, self.active]


def read_form(faq_id, question, answer, intent, alternates, tags, active) -> FaqForm:
    return FaqForm(
        faq_id=int(faq_id) if str(faq_id or "").strip() else None,
        question=question or "", answer=answer or "", intent=intent or None,
        alternates=alternates or "", tags=tags or "", active=bool(active),
    )


def build_faq_editor(intents: list[str], prefix: str) -> FaqEditor:
    """The entry form; ``prefix`` keeps its element ids unique on the page (``<prefix>-question``...)."""
    with gr.Group():
        faq_id = gr.Textbox(label="Entry id (empty for a new entry)", interactive=False, elem_id=f"{prefix}-id")
        question = gr.Textbox(label="Question", elem_id=f"{prefix}-question")
        answer = gr.Textbox(label="Answer (returned verbatim)", lines=5, elem_id=f"{prefix}-answer")
        intent = gr.Dropdown(intents, label="Intent", value=None, elem_id=f"{prefix}-intent")
        alternates = gr.Textbox(label="Alternate questions, one per line", lines=3, elem_id=f"{prefix}-alternates")
        tags = gr.Textbox(label="Tags, comma-separated", elem_id=f"{prefix}-tags")
        active = gr.Checkbox(label="Active (the chat may answer with it)", value=True)
    return FaqEditor(faq_id, question, answer, intent, alternates, tags, active)


def build_faq_tab(runtime: Runtime) -> None:
    sessions = runtime.sessions
    intents = intent_choices(sessions)
    with gr.Row():
        search = gr.Textbox(label="Search questions and answers", scale=3, elem_id="faq-search")
        intent_filter = gr.Dropdown([ALL_INTENTS, *intents], value=ALL_INTENTS, label="Intent", scale=1)
        search_button = gr.Button("Search", scale=0)
    table = gr.Dataframe(lambda: faq_table(sessions), interactive=False, wrap=True, max_height=400,
                         column_widths=TABLE_WIDTHS, elem_id="faq-table")
    gr.Markdown("Click a row to edit it, or fill in the form and save to add a new entry.")
    editor = build_faq_editor(intents, "faq")
    with gr.Row():
        save = gr.Button("Save", variant="primary", elem_id="faq-save")
        new = gr.Button("New entry")
        delete = gr.Button("Delete", variant="stop")
    status = gr.Markdown(elem_id="faq-status")
    with gr.Accordion("CSV import and export", open=False):
        gr.Markdown("Columns `question,answer,intent,alternates,tags`; alternates and tags separated by `|`. "
                    "An import adds or updates all rows, or none when any row is wrong.")
        upload = gr.File(label="CSV or Excel file to import", file_types=[".csv", ".xlsx"], type="filepath",
                         elem_id="faq-upload")
        import_button = gr.Button("Import")
        export_button = gr.Button("Export all entries")
        download = gr.File(label="Exported CSV", interactive=False, elem_id="faq-download")

    def refresh(text, intent):
        return faq_table(sessions, text or "", intent)

    def on_select(evt: gr.SelectData):
        return form_values(load_faq(sessions, evt.row_value[0]))

    def on_save(text, intent_name, *values):
        message, faq_id = save_faq(sessions, runtime.reindex, read_form(*values))
        return message, id_text(faq_id), faq_table(sessions, text or "", intent_name)

    def on_delete(text, intent_name, faq_id):
        message = delete_faq_entry(sessions, faq_id)
        return [message, faq_table(sessions, text or "", intent_name), *form_values(FaqForm())]

    def on_import(text, intent_name, path):
        return import_csv(sessions, runtime.reindex, path, runtime.intent_guesser()), faq_table(sessions, text or "", intent_name)

    for trigger in (search_button.click, search.submit, intent_filter.change):
        trigger(refresh, [search, intent_filter], table)
    table.select(on_select, None, editor.inputs)
    save.click(on_save, [search, intent_filter, *editor.inputs], [status, editor.faq_id, table])
    new.click(lambda: form_values(FaqForm()), None, editor.inputs)
    delete.click(on_delete, [search, intent_filter, editor.faq_id], [status, table, *editor.inputs])
    import_button.click(on_import, [search, intent_filter, upload], [status, table])
    exports = exports_folder(runtime.settings.data_dir)
    export_button.click(lambda: str(export_csv(sessions, exports)), None, download)

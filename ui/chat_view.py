"""What the chat shows: stored messages turned into Chatbot entries, and errors turned into plain words.

Every text that someone typed (customers' messages and transcripts, FAQ answers and questions, staff
replies) is made inert before the Chatbot renders it: HTML is escaped, so ``<script>`` or
``<img onerror=...>`` show as the characters typed and never run. A customer's own text is also shown
literally rather than as Markdown; FAQ answers and staff replies keep their Markdown (lists, emphasis).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import AssistantError, ModelError, StorageError, UploadStorageError, UserInputError
from knowledge_base.models import Message
from ui.attachments import display_copy, display_folder
from ui.uploads import kind_of

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on our side. Please try again in a moment."
STORAGE_TROUBLE = "Sorry, we could not save your message just now. Please try again in a moment."
MODEL_TROUBLE = (
    "Sorry, I cannot read photos or voice notes right now. Please type your question instead."
)
HIGH_CONFIDENCE = 0.75
MEDIUM_CONFIDENCE = 0.55


@dataclass
class ChatView:
    """Chatbot entries and, for each entry, the stored message it shows (None for notes not stored)."""

    history: list[dict] = field(default_factory=list)
    message_ids: list[int | None] = field(default_factory=list)

    @property
    def last_message_id(self) -> int:
        return max((i for i in self.message_ids if i is not None), default=0)

    def add(self, entry: dict, message_id: int | None = None) -> None:
        self.history.append(entry)
        self.message_ids.append(message_id)


UNSURE_ACTIONS = ("clarify", "no_match")
STORED_AUDIO_SUFFIXES = frozenset({".wav", ".mp3", ".ogg", ".webm", ".m4a", ".flac", ".aac", ".amr", ".caf", ".aiff"})
HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
MARKDOWN_SPECIALS = frozenset("\\`*_{}[]()#+-.!|~$")


def inert_html(text: str) -> str:
    """``text`` with HTML escaped: tags show as typed and never become elements."""
    return text.translate(HTML_ESCAPES)


def literal_text(text: str) -> str:
    """``text`` shown exactly as typed: HTML escaped and Markdown punctuation backslash-escaped."""
    return "".join(f"\\{ch}" if ch in MARKDOWN_SPECIALS else ch for ch in inert_html(text))


def confidence_label(confidence: float) -> str:
    if confidence >= HIGH_CONFIDENCE:
        return "high confidence"
    return "medium confidence" if confidence >= MEDIUM_CONFIDENCE else "low confidence"


def answer_confidence(message: Message) -> float | None:
    """How sure the reply is: an answer's match score with its FAQ entry; none for a question back."""
    if message.action in UNSURE_ACTIONS:
        return 0.0
    if message.action == "answer" and message.sources:
        return float(message.sources[0].get("score", message.confidence or 0.0))
    return message.confidence


def answer_markdown(message: Message) -> str:
    """The answer, then its source FAQ entry and confidence label when it was taken from one."""
    lines = [inert_html(message.text)]
    confidence = answer_confidence(message)
    label = confidence_label(confidence) if confidence is not None else None
    if message.action == "answer":
        for source in message.sources[:1]:
            question = literal_text(str(source["question"]))
            lines.append(f"\n*Source: FAQ #{source['faq_id']}, \"{question}\" ({label})*")
    elif label and message.action not in (None, "handoff"):
        lines.append(f"\n*({label})*")
    return "\n".join(lines)


def suggestion_options(message: Message) -> list[dict]:
    """Closest questions offered as buttons when the assistant was not sure."""
    if message.action in ("answer", "product", "handoff") or not message.sources:
        return []
    return [{"label": s["question"], "value": s["question"]} for s in message.sources]


def _attachment_entry(path_text: str) -> dict:
    path = Path(path_text)
    kind = "audio" if _safe_kind(path_text) == "audio" else "image"
    shown = display_copy(path, kind, display_folder())
    if shown is not None:
        return {"role": "user", "content": {"path": str(shown)}}
    what = "voice note" if kind == "audio" else "photo"
    return {"role": "user", "content": f"*(a {what} that is no longer stored)*"}


def add_customer_message(view: ChatView, message: Message) -> None:
    for attachment in message.attachments:
        view.add(_attachment_entry(attachment), message.id)
    if message.transcript:
        view.add({"role": "user", "content": f"*Voice note:* \"{literal_text(message.transcript)}\""}, message.id)
    if message.text:
        view.add({"role": "user", "content": literal_text(message.text)}, message.id)


def view_of(messages: list[Message], *, store_name: str) -> ChatView:
    """The Chatbot entries of a stored conversation, in the order they happened; staff replies are
    signed '<store name> team'."""
    view = ChatView()
    for message in messages:
        if message.role == "customer":
            add_customer_message(view, message)
        elif message.role == "staff":
            view.add({"role": "assistant", "content": f"**{store_name} team:** {inert_html(message.text)}"}, message.id)
        else:
            entry = {"role": "assistant", "content": answer_markdown(message)}
            if options := suggestion_options(message):
                entry["options"] = options
            view.add(entry, message.id)
    return view


def pending_entries(text: str, files: list[str]) -> list[dict]:
    """The customer's turn as shown while it is being answered, with a note of what is happening."""
    entries = [{"role": "user", "content": {"path": f}} for f in files]
    if text.strip():
        entries.append({"role": "user", "content": literal_text(text)})
    kinds = {_safe_kind(f) for f in files}
    note = "Transcribing your voice note…" if "audio" in kinds else (
        "Looking at your picture…" if "image" in kinds else "Looking for the answer…"
    )
    entries.append({"role": "assistant", "content": "", "metadata": {"title": note, "status": "pending"}})
    return entries


def _safe_kind(path: str) -> str:
    try:
        return kind_of(Path(path))
    except UserInputError:
        return "other"
    except OSError:  # a stored file that is gone: its name was given by its content when it was kept
        return "audio" if Path(path).suffix in STORED_AUDIO_SUFFIXES else "image"


def friendly_error(error: Exception) -> str:
    """A short message for the customer; anything unexpected is logged in full and only apologised for."""
    if isinstance(error, UserInputError):
        return str(error)
    if isinstance(error, UploadStorageError):  # written for the customer; the cause goes to the log
        log.error("could not store an attachment: %s", error.__cause__)
        return str(error)
    if isinstance(error, StorageError):
        log.warning("storage problem during a chat turn: %s", error)
        return STORAGE_TROUBLE
    if isinstance(error, ModelError):
        log.error("model problem during a chat turn: %s", error)
        return MODEL_TROUBLE
    if isinstance(error, AssistantError):
        log.error("assistant error during a chat turn: %s", error)
        return APOLOGY
    log.exception("unexpected error during a chat turn", exc_info=error)
    return APOLOGY

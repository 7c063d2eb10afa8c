"""Customer chat: plain handler functions, then the Blocks layout and wiring behind ``build_chat()``.

Every turn is stored by the pipeline as it happens; what the chat shows is rebuilt from the stored
conversation, so a page reload (the conversation id is kept, encrypted, in the browser) and a staff reply
look the same as a live turn. Models live in the shared ``Runtime``, never in per-session state.
"""

import hashlib
import hmac
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import gradio as gr

from assistant.errors import StorageError, TooManyMessagesError, UserInputError
from assistant.loading import pick_device
from assistant.runtime import Runtime
from assistant.settings import Settings
from assistant.types import UserTurn
from knowledge_base.db import session_scope
from knowledge_base.repositories.conversations import add_message, conversation_messages, open_conversation
from knowledge_base.repositories.feedback import THUMBS_DOWN, THUMBS_UP, clear_feedback, record_feedback
from knowledge_base.repositories.handoffs import open_handoff
from ui.chat_view import ChatView, friendly_error, pending_entries, view_of
from ui.rate_limits import MessageLimiter
from ui.uploads import Attachments, UploadStore, upload_store

log = logging.getLogger(__name__)

MODELS_CONCURRENCY_ID = "models"
HANDOFF_REASON = "The customer asked to talk to a person."
HANDOFF_TEXT = (
    "I have asked a member of our team to join this conversation. They will reply here, "
    "usually within a few minutes during opening hours; you can keep this page open."
)
BROWSER_KEY = "ferngrove-conversation"
UPLOAD_TYPES = ["image", "audio", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".heic", ".heif", ".avif",
                ".wav", ".mp3", ".ogg", ".oga", ".opus", ".webm", ".m4a", ".3gp", ".aac", ".amr", ".caf",
                ".aif", ".aiff", ".flac"]
"""What the chat's upload takes. Gradio checks a file's type by its name, through the host's table of
media types, which may be missing (a slim container) and never knows .caf; and it takes .webm (a browser
recorder's voice note) for video. So every accepted suffix is named; the content decides afterwards."""


def load_view(runtime: Runtime, conversation_id: str | None) -> ChatView:
    if not conversation_id:
        return ChatView()
    with session_scope(runtime.sessions) as session:
        messages = conversation_messages(session=session, public_id=conversation_id)
        return view_of(messages, store_name=runtime.settings.store_name)


@dataclass
class TurnOutcome:
    view: ChatView
    conversation_id: str | None
    keep_message: bool = False
    """The turn failed for a reason that is not the message's fault: it stays in the box to send again."""


def message_limiter(settings: Settings) -> MessageLimiter:
    return MessageLimiter(settings.chat_max_messages, settings.chat_rate_window_seconds)


def run_turn(runtime: Runtime, text: str, files: list[str], conversation_id: str | None, *,
             limiter: MessageLimiter | None = None, session_key: str | None = None,
             store: UploadStore | None = None) -> TurnOutcome:
    """Run one customer turn; the conversation as now stored, or, on failure, the stored conversation
    followed by the customer's turn and a short explanation (nothing of the failed turn is kept).
    ``store`` keeps the attachments (default: ``<data dir>/uploads``)."""
    attachments = Attachments()
    try:
        _count_message(limiter, session_key, conversation_id)
        attachments = (store or upload_store(runtime.settings)).keep(files)
        turn = UserTurn(text=text or "", conversation_id=conversation_id, images=attachments.images,
                        audio=attachments.audio)
        reply = runtime.assistant.respond(turn)
        if limiter is not None and conversation_id is None:
            limiter.count(("conversation", reply.conversation_id))
        return TurnOutcome(load_view(runtime, reply.conversation_id), reply.conversation_id)
    except Exception as error:  # every failure reaches the customer as a short message, never a trace
        _discard(attachments)
        message, keep = friendly_error(error), _worth_sending_again(error)
    view = _safe_view(runtime, conversation_id)
    for entry in pending_entries(text or "", files)[:-1]:
        view.add(entry)
    view.add({"role": "assistant", "content": message})
    return TurnOutcome(view, conversation_id, keep)


def answer_turn(runtime: Runtime, text: str, files: list[str], conversation_id: str | None):
    """``run_turn`` without a message limit; returns the conversation shown and its id."""
    outcome = run_turn(runtime, text, files, conversation_id)
    return outcome.view, outcome.conversation_id


def _count_message(limiter: MessageLimiter | None, session_key: str | None, conversation_id: str | None) -> None:
    if limiter is None:
        return
    keys = tuple(key for key in (("session", session_key), ("conversation", conversation_id)) if key[1])
    wait = limiter.try_send(keys)
    if wait:
        raise TooManyMessagesError(wait)


def _worth_sending_again(error: Exception) -> bool:
    return isinstance(error, (StorageError, TooManyMessagesError)) or not isinstance(error, UserInputError)


def _discard(attachments: Attachments) -> None:
    for path in attachments.paths:
        path.unlink(missing_ok=True)


def _safe_view(runtime: Runtime, conversation_id: str | None) -> ChatView:
    try:
        return load_view(runtime, conversation_id)
    except Exception as error:
        friendly_error(error)
        return ChatView()


def send(runtime: Runtime, message: dict | None, history: list, conversation_id: str | None,
         message_ids: list, *, limiter: MessageLimiter | None = None, session_key: str | None = None
         ) -> Iterator[tuple]:
    """The send handler: shows the turn with a progress note at once, then the stored answer."""
    text = (message or {}).get("text") or ""
    files = [str(f) for f in (message or {}).get("files") or []]
    busy = gr.update(value=None, interactive=False)
    yield busy, list(history or []) + pending_entries(text, files), conversation_id, message_ids
    outcome = run_turn(runtime, text, files, conversation_id, limiter=limiter, session_key=session_key)
    box = {"text": text, "files": files} if outcome.keep_message else None
    view = outcome.view
    yield gr.update(value=box, interactive=True), view.history, outcome.conversation_id, view.message_ids


def rate_answer(runtime: Runtime, message_ids: list, index, liked) -> str | None:
    """Store a thumbs up / down (or its removal) for the answer at ``index``; returns a note on refusal."""
    position = index[0] if isinstance(index, (list, tuple)) else index
    message_id = message_ids[position] if 0 <= position < len(message_ids or []) else None
    if message_id is None:
        return "Only the assistant's answers can be rated."
    try:
        with session_scope(runtime.sessions) as session:
            if liked is True or liked is False:
                rating = THUMBS_UP if liked else THUMBS_DOWN
                record_feedback(session=session, message_id=message_id, rating=rating)
            else:
                clear_feedback(session=session, message_id=message_id)
    except Exception as error:
        return friendly_error(error)
    return None


def hand_off(runtime: Runtime, conversation_id: str | None) -> tuple[ChatView, str | None]:
    """Open a hand-off ticket (starting a conversation when there is none) and say so in the chat."""
    try:
        with session_scope(runtime.sessions) as session:
            conversation = open_conversation(session=session, public_id=conversation_id)
            open_handoff(session=session, conversation=conversation, reason=HANDOFF_REASON)
            add_message(session=session, conversation=conversation, role="assistant", text=HANDOFF_TEXT,
                        action="handoff")
            conversation_id = conversation.public_id
    except Exception as error:
        view = _safe_view(runtime, conversation_id)
        view.add({"role": "assistant", "content": friendly_error(error)})
        return view, conversation_id
    return load_view(runtime, conversation_id), conversation_id


def restore(runtime: Runtime, conversation_id: str | None) -> tuple[ChatView, str | None]:
    """The stored conversation kept in the browser; a fresh start when it no longer exists."""
    try:
        return load_view(runtime, conversation_id), conversation_id
    except Exception as error:
        friendly_error(error)
        return ChatView(), None


def new_staff_replies(runtime: Runtime, conversation_id: str | None, message_ids: list) -> ChatView | None:
    """The conversation again when staff wrote in it since it was last shown, else None."""
    if not conversation_id:
        return None
    shown = max((i for i in message_ids or [] if i is not None), default=0)
    try:
        with session_scope(runtime.sessions) as session:
            messages = conversation_messages(session=session, public_id=conversation_id)
    except Exception as error:
        friendly_error(error)
        return None
    if not any(m.role == "staff" and m.id > shown for m in messages):
        return None
    return view_of(messages, store_name=runtime.settings.store_name)


def ask_json(runtime: Runtime, text: str, conversation_id: str | None, *, limiter: MessageLimiter | None = None,
             session_key: str | None = None) -> dict:
    """The public ``/ask`` API: one typed turn, answered as ``Reply.as_json()``; errors as ``gr.Error``."""
    try:
        _count_message(limiter, session_key, conversation_id)
        return runtime.assistant.respond(UserTurn(text=text or "", conversation_id=conversation_id or None)).as_json()
    except Exception as error:
        raise gr.Error(friendly_error(error)) from None


def browser_state_key(settings: Settings) -> str | None:
    """The key the browser encrypts the kept conversation id with. Gradio hands it to the browser, so it
    is derived from ``session_secret`` (stable across restarts) and never is the secret itself."""
    if not settings.session_secret:
        return None
    return hmac.new(settings.session_secret.encode(), b"ferngrove browser state", hashlib.sha256).hexdigest()[:32]


def build_chat(runtime: Runtime) -> gr.Blocks:
    settings = runtime.settings
    store = runtime.settings.store_name
    with gr.Blocks(title=f"{store} help") as chat:
        gr.Markdown(f"## {store}: customer help\nAsk by typing, attach a photo or a screenshot, "
                    "or record a voice note.")
        conversation = gr.BrowserState(None, storage_key=BROWSER_KEY, secret=browser_state_key(settings))
        message_ids = gr.State([])
        chatbot = gr.Chatbot(label="Conversation", height=520, elem_id="conversation",
                             group_consecutive_messages=False)
        message = gr.MultimodalTextbox(
            label="Your message", placeholder="Ask about delivery, returns, sizes… or attach a photo",
            file_types=UPLOAD_TYPES, file_count="multiple", sources=["upload", "microphone"],
            elem_id="message",
        )
        with gr.Row():
            person = gr.Button("Talk to a person", variant="secondary", elem_id="talk-to-person")
        note = gr.Markdown(elem_id="chat-note")
        poll = gr.Timer(settings.staff_poll_seconds)
        _wire_chat(runtime, chat, conversation, message_ids, chatbot, message, person, note, poll)
    return chat


def _wire_chat(runtime, chat, conversation, message_ids, chatbot, message, person, note, poll) -> None:
    turn_outputs = [message, chatbot, conversation, message_ids]
    model_limits = {
        "concurrency_limit": runtime.settings.resolved_model_concurrency(pick_device(runtime.settings.device)),
        "concurrency_id": MODELS_CONCURRENCY_ID,
    }
    # the chat shows its own progress note; Gradio's overlay would also cover the chat when the queue is full
    quiet = {"show_progress": "hidden"}
    limiter = message_limiter(runtime.settings)

    def on_send(text_and_files, history, conversation_id, ids, request: gr.Request):
        yield from send(runtime, text_and_files, history, conversation_id, ids, limiter=limiter,
                        session_key=request.session_hash)

    def on_option(history, conversation_id, ids, selected: gr.SelectData, request: gr.Request):
        yield from send(runtime, {"text": selected.value, "files": []}, history, conversation_id, ids,
                        limiter=limiter, session_key=request.session_hash)

    def on_like(ids, data: gr.LikeData):
        return rate_answer(runtime, ids, data.index, data.liked) or ""

    def on_person(conversation_id):
        view, conversation_id = hand_off(runtime, conversation_id)
        return view.history, conversation_id, view.message_ids

    def on_load(conversation_id):
        view, conversation_id = restore(runtime, conversation_id)
        return view.history, conversation_id, view.message_ids

    def ask(text: str, conversation_id: str | None = None, request: gr.Request = None) -> dict:
        """Ask as a customer; pass the returned conversation_id back to continue the conversation."""
        return ask_json(runtime, text, conversation_id, limiter=limiter,
                        session_key=getattr(request, "session_hash", None))

    def on_clear():
        return None, []

    def on_tick(conversation_id, ids):
        view = new_staff_replies(runtime, conversation_id, ids)
        return (gr.skip(), gr.skip()) if view is None else (view.history, view.message_ids)

    inputs = [message, chatbot, conversation, message_ids]
    message.submit(on_send, inputs, turn_outputs, api_name="send", **model_limits, **quiet)
    chatbot.option_select(on_option, [chatbot, conversation, message_ids], turn_outputs,
                          api_visibility="private", **model_limits, **quiet)
    gr.api(ask, api_name="ask", **model_limits)
    chatbot.clear(on_clear, None, [conversation, message_ids], api_visibility="private", queue=False)
    chatbot.like(on_like, [message_ids], [note], api_visibility="private", queue=False)
    person.click(on_person, [conversation], [chatbot, conversation, message_ids], api_name="talk_to_person",
                 queue=False)
    chat.load(on_load, [conversation], [chatbot, conversation, message_ids], api_visibility="private",
              queue=False)
    poll.tick(on_tick, [conversation, message_ids], [chatbot, message_ids], api_visibility="private",
              queue=False, show_progress="hidden")

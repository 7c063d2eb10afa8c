"""Hand-off inbox: conversations the assistant passed to a person. Staff read the conversation, reply
into it (the customer's chat shows the reply) and resolve the ticket, which gives the conversation back
to the assistant."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from assistant.runtime import Runtime
from knowledge_base.db import session_scope
from knowledge_base.models import Message
from knowledge_base.repositories.inbox import list_tickets, reply_to_ticket, resolve_ticket, ticket_messages
from ui.chat_view import inert_html
from ui.console.common import attempt, chosen_id, short

TICKET_COLUMNS = ["ticket", "status", "opened", "messages", "reason", "customer said last", "conversation"]
PICK_TICKET = "a conversation in the inbox"
SPEAKER = {"customer": "user", "assistant": "assistant", "staff": "assistant"}


def tickets_frame(sessions: sessionmaker[Session], include_resolved: bool = False) -> pd.DataFrame:
    with session_scope(sessions) as session:
        tickets = list_tickets(session=session, include_resolved=include_resolved)
    rows = [
        [t.ticket_id, t.status, t.created_at.strftime("%Y-%m-%d %H:%M"), t.message_count, short(t.reason, 80),
         short(t.last_customer_text, 120), t.conversation_id]
        for t in tickets
    ]
    return pd.DataFrame(rows, columns=TICKET_COLUMNS)


def chat_message(message: Message) -> dict:
    """A stored message as a Chatbot message; staff replies are labelled so they stand out."""
    text = inert_html(message.text or "")  # a customer's <script> shows as text to staff too
    if message.transcript and not text:
        text = f"(voice note) {inert_html(message.transcript)}"
    if message.attachments:
        names = ", ".join(Path(path).name for path in message.attachments)
        text = f"{text}\n\n*Attached: {names}*".strip()
    if message.role == "staff":
        text = f"**Staff:** {text}"
    elif message.role == "assistant" and message.action:
        text = f"{text}\n\n*({message.action}, intent {message.intent or '-'})*"
    return {"role": SPEAKER.get(message.role, "assistant"), "content": text}


def conversation_history(sessions: sessionmaker[Session], ticket_id: int) -> list[dict]:
    with session_scope(sessions) as session:
        return [chat_message(m) for m in ticket_messages(session=session, ticket_id=int(ticket_id))]


def send_staff_reply(
    sessions: sessionmaker[Session], ticket_id: int | None, text: str, staff_username: str | None = None
) -> tuple[str, bool]:
    """Store the reply (signed by the staff member's account); returns the status line and whether it
    was sent."""
    sent: list[bool] = []

    def work() -> str:
        chosen = chosen_id(ticket_id, PICK_TICKET)
        with session_scope(sessions) as session:
            reply_to_ticket(session=session, ticket_id=chosen, text=text or "", staff_username=staff_username)
        sent.append(True)
        return f"Reply sent to the customer of ticket {chosen}."

    return attempt(work), bool(sent)


def resolve(sessions: sessionmaker[Session], ticket_id: int | None) -> str:
    def work() -> str:
        chosen = chosen_id(ticket_id, PICK_TICKET)
        with session_scope(sessions) as session:
            resolve_ticket(session=session, ticket_id=chosen)
        return f"Ticket {chosen} resolved; the assistant answers this customer again."

    return attempt(work)


def build_inbox_tab(runtime: Runtime) -> None:
    sessions = runtime.sessions
    with gr.Row():
        show_resolved = gr.Checkbox(label="Show resolved tickets", value=False)
        refresh = gr.Button("Refresh", scale=0)
    tickets = gr.Dataframe(headers=TICKET_COLUMNS, interactive=False, wrap=True, max_height=300,
                           elem_id="inbox-table")
    ticket_id = gr.State(None)
    conversation = gr.Chatbot(label="Conversation", height=360, elem_id="inbox-conversation")
    reply = gr.Textbox(label="Reply to the customer", lines=3, elem_id="inbox-reply")
    with gr.Row():
        send = gr.Button("Send reply", variant="primary", elem_id="inbox-send")
        close = gr.Button("Resolve ticket")
    status = gr.Markdown(elem_id="inbox-status")

    def on_refresh(include_resolved):
        return tickets_frame(sessions, include_resolved)

    def on_select(evt: gr.SelectData):
        chosen = int(evt.row_value[0])
        return chosen, conversation_history(sessions, chosen), ""

    def on_send(chosen, text, include_resolved, request: gr.Request):
        message, sent = send_staff_reply(sessions, chosen, text, getattr(request, "username", None))
        history = conversation_history(sessions, chosen) if chosen is not None else []
        return message, history, "" if sent else text, tickets_frame(sessions, include_resolved)

    def on_resolve(chosen, include_resolved):
        return resolve(sessions, chosen), tickets_frame(sessions, include_resolved)

    gr.on([refresh.click, show_resolved.change], on_refresh, [show_resolved], tickets)
    gr.on(None, lambda: tickets_frame(sessions), None, tickets)  # on page load
    tickets.select(on_select, None, [ticket_id, conversation, status])
    send.click(on_send, [ticket_id, reply, show_resolved], [status, conversation, reply, tickets])
    close.click(on_resolve, [ticket_id, show_resolved], [status, tickets])

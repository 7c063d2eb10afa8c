"""Customer chat: plain handler functions, then the Blocks layout, behind ``build_app()``."""

from __future__ import annotations

import gradio as gr

from assistant.errors import AssistantError
from assistant.runtime import Runtime
from assistant.types import Reply, UserTurn

FRIENDLY_FAILURE = "Sorry, something went wrong on our side. Please try again in a moment."


def render_reply(reply: Reply) -> str:
    lines = [reply.text]
    for source in reply.sources:
        lines.append(f"\n*Source: FAQ #{source.faq_id}, \"{source.question}\" ({confidence_label(reply.confidence)})*")
    return "\n".join(lines)


def confidence_label(confidence: float) -> str:
    if confidence >= 0.75:
        return "high confidence"
    return "medium confidence" if confidence >= 0.55 else "low confidence"


def handle_message(runtime: Runtime, text: str, history: list, conversation_id: str | None):
    """One customer turn: returns the cleared textbox, the new history and the conversation id."""
    history = list(history or [])
    history.append({"role": "user", "content": text})
    try:
        reply = runtime.assistant.respond(UserTurn(text=text, conversation_id=conversation_id))
    except AssistantError as error:
        history.append({"role": "assistant", "content": str(error)})
        return "", history, conversation_id
    except Exception:
        history.append({"role": "assistant", "content": FRIENDLY_FAILURE})
        return "", history, conversation_id
    history.append({"role": "assistant", "content": render_reply(reply)})
    return "", history, reply.conversation_id


def build_app(runtime: Runtime) -> gr.Blocks:
    with gr.Blocks(title="Ferngrove Apparel help") as app:
        gr.Markdown("## Ferngrove Apparel: customer help")
        conversation_id = gr.State(None)
        chat = gr.Chatbot(label="Conversation", height=480)
        message = gr.Textbox(label="Your message", placeholder="Ask about delivery, returns, sizes...")
        send = gr.Button("Send", variant="primary")

        def on_send(text, history, conv):
            return handle_message(runtime, text, history, conv)

        for trigger in (send.click, message.submit):
            trigger(on_send, [message, chat, conversation_id], [message, chat, conversation_id])
    return app


def launch(runtime: Runtime, *, host: str, port: int) -> None:
    runtime.retriever  # load the shared models before the first customer arrives
    app = build_app(runtime)
    app.queue(default_concurrency_limit=1).launch(
        server_name=host, server_port=port, root_path=runtime.settings.root_path or None
    )

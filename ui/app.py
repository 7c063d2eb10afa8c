"""The web application: the customer chat at ``/`` and the staff console at ``/admin`` behind a login."""

from __future__ import annotations

import gradio as gr
from fastapi import FastAPI

from assistant.loading import pick_device
from assistant.runtime import Runtime
from ui.auth import LOGIN_MESSAGE, staff_login
from ui.chat import build_chat
from ui.console import build_console
from ui.uploads import uploads_dir

CONSOLE_PATH = "/admin"


def build_app(runtime: Runtime) -> FastAPI:
    """Both Gradio apps on one FastAPI app; the console's pages and API answer only signed-in staff."""
    settings = runtime.settings
    root = settings.root_path.rstrip("/")
    app = FastAPI(title="Ferngrove Apparel assistant", docs_url=None, redoc_url=None, openapi_url=None)
    console = build_console(runtime).queue(max_size=settings.queue_max_size)
    gr.mount_gradio_app(
        app, console, path=CONSOLE_PATH, auth=staff_login(runtime), auth_message=LOGIN_MESSAGE,
        root_path=f"{root}{CONSOLE_PATH}" if root else None, footer_links=[],
    )
    limit = settings.resolved_model_concurrency(pick_device(settings.device))
    chat = build_chat(runtime).queue(max_size=settings.queue_max_size, default_concurrency_limit=limit)
    gr.mount_gradio_app(
        app, chat, path="/", root_path=root or None, footer_links=["api"],
        allowed_paths=[str(uploads_dir(settings.data_dir))], max_file_size=_largest_upload(runtime),
    )
    return app


def _largest_upload(runtime: Runtime) -> int:
    return max(runtime.settings.max_image_bytes, runtime.settings.max_audio_bytes)

"""The web application: the customer chat at ``/`` and the staff console at ``/admin`` behind a login."""

from __future__ import annotations

import gradio as gr
from fastapi import FastAPI
from starlette.routing import Mount

from assistant.loading import pick_device
from assistant.runtime import Runtime
from ui.auth import LOGIN_MESSAGE, gradio_session_user, staff_login
from ui.chat import build_chat
from ui.console import build_console
from ui.console_guard import ConsoleGuard, SignInThrottle, sign_in_limits

CONSOLE_PATH = "/admin"
NO_SCHEMA = {"openapi_url": None, "docs_url": None, "redoc_url": None}


def build_app(runtime: Runtime) -> FastAPI:
    """Both Gradio apps on one FastAPI app; the console's pages and API answer only signed-in staff.

    No folder of stored attachments is served: the chat shows re-encoded copies (``ui.attachments``).
    """
    settings = runtime.settings
    root = settings.root_path.rstrip("/")
    app = FastAPI(title=f"{settings.store_name} assistant", **NO_SCHEMA)
    console = build_console(runtime).queue(max_size=settings.queue_max_size)
    gr.mount_gradio_app(
        app, console, path=CONSOLE_PATH, auth=staff_login(runtime), auth_message=LOGIN_MESSAGE,
        root_path=f"{root}{CONSOLE_PATH}" if root else None, footer_links=[], app_kwargs=NO_SCHEMA,
    )
    limit = settings.resolved_model_concurrency(pick_device(settings.device))
    chat = build_chat(runtime).queue(max_size=settings.queue_max_size, default_concurrency_limit=limit)
    gr.mount_gradio_app(
        app, chat, path="/", root_path=root or None, footer_links=["api"], app_kwargs=NO_SCHEMA,
        max_file_size=_largest_upload(runtime),
    )
    app.add_middleware(
        ConsoleGuard, prefix=CONSOLE_PATH, session_user=gradio_session_user(mounted_app(app, CONSOLE_PATH)),
        throttle=SignInThrottle(sign_in_limits(settings)), login_message=LOGIN_MESSAGE,
    )
    return app


def mounted_app(app: FastAPI, path: str):
    """The Gradio app mounted at ``path``."""
    return next(route.app for route in app.routes if isinstance(route, Mount) and route.path == path)


def _largest_upload(runtime: Runtime) -> int:
    return max(runtime.settings.max_image_bytes, runtime.settings.max_audio_bytes)

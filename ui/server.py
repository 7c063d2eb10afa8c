"""``assistant serve``: loads the shared models, then runs the web application under uvicorn."""

from __future__ import annotations

import logging

import uvicorn

from assistant.runtime import Runtime
from knowledge_base.db import session_scope
from ui.app import build_app

log = logging.getLogger(__name__)


def warm_up(runtime: Runtime) -> None:
    """Load the models every chat turn needs before the first customer arrives."""
    runtime.retriever
    runtime.product_index
    with session_scope(runtime.sessions) as session:
        runtime.reindex(session)
        if runtime.cross_lingual is not None:
            runtime.cross_lingual.prepare(session)
    runtime.assistant  # loads the router: trained first only when no checkpoint fits today's intents
    runtime.refresh_router_in_background()


def serve(runtime: Runtime, *, host: str, port: int) -> None:
    warm_up(runtime)
    app = build_app(runtime)
    log.warning("serving the chat on http://%s:%d/ and the staff console on /admin", host, port)
    uvicorn.run(app, host=host, port=port, log_level="warning")

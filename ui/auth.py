"""The staff login that guards the console: accounts from the database, checked in constant time.

A password check costs a deliberately slow, memory-hard scrypt hash (see
``knowledge_base.repositories.staff``), so it runs in a worker thread, never on the server's event loop,
and at most ``MAX_CONCURRENT_HASHES`` run at once, which bounds the memory a burst of sign-ins can take.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Awaitable, Callable

import anyio
from starlette.requests import HTTPConnection

from assistant.runtime import Runtime
from knowledge_base.db import session_scope
from knowledge_base.repositories.staff import authenticate_staff

log = logging.getLogger(__name__)

LOGIN_MESSAGE = (
    "Staff sign-in. Accounts are created with `assistant staff add USERNAME`. Repeated failed sign-ins "
    "pause sign-in for that account and address for a while."
)
MAX_CONCURRENT_HASHES = 2


def staff_login(runtime: Runtime) -> Callable[[str, str], Awaitable[bool]]:
    """A Gradio auth callable: True when the username and password belong to a staff account."""
    hashing = threading.BoundedSemaphore(MAX_CONCURRENT_HASHES)

    def check_now(username: str, password: str) -> bool:
        with hashing, session_scope(runtime.sessions) as session:
            user = authenticate_staff(session=session, username=username, password=password)
        if user is None:
            log.warning("refused a staff sign-in as %r", username)
            return False
        return True

    async def check(username: str, password: str) -> bool:
        return await anyio.to_thread.run_sync(check_now, username, password)

    return check


def gradio_session_user(console_app) -> Callable[[HTTPConnection], str | None]:
    """The staff username of a request's console session cookie (as Gradio's login set it), else None."""

    def user_of(connection: HTTPConnection) -> str | None:
        cookie_id = console_app.cookie_id
        token = connection.cookies.get(f"access-token-{cookie_id}") or connection.cookies.get(
            f"access-token-unsecure-{cookie_id}"
        )
        return console_app.tokens.get(token) if token else None

    return user_of

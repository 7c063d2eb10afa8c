"""The gate in front of the staff console: only the login form is public, and sign-ins are rate-limited.

Gradio guards most of its routes with a login check, but not all of them (``openapi.json``, the run
history, streams, heartbeats, ...), and a new Gradio release may add more. So this ASGI middleware refuses
every request under the console's path that does not carry a staff session, except the few that draw the
login form (the page shell, its scripts and styles) and the sign-in itself. Sign-ins are counted per
username and per client address: too many failures within the window lock that username or address for a
cool-down, during which even the right password is refused (HTTP 429 with ``Retry-After``) without
spending a password hash.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import HTTPConnection, Request

from assistant.settings import Settings
from ui.rate_limits import FailureLimiter, LockoutPolicy

log = logging.getLogger(__name__)

PUBLIC_PATHS = frozenset({"", "/", "/favicon.ico", "/theme.css", "/gradio_api/theme.css", "/robots.txt", "/logout"})
PUBLIC_PREFIXES = ("/assets/", "/static/", "/svelte/")
LOGIN_PATHS = frozenset({"/login", "/login/"})
MAX_LOGIN_BODY = 64 * 1024

Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


@dataclass(frozen=True)
class SignInLimits:
    per_username: LockoutPolicy
    per_address: LockoutPolicy


def sign_in_limits(settings: Settings) -> SignInLimits:
    window, lockout = settings.login_failure_window_seconds, settings.login_lockout_seconds
    return SignInLimits(
        per_username=LockoutPolicy(settings.login_max_failures, window, lockout),
        per_address=LockoutPolicy(settings.login_max_failures_per_address, window, lockout),
    )


def lockout_message(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (f"Too many failed sign-ins for this account or from this address. Sign-in is paused for "
            f"{minutes} {unit}; try again then, or ask an administrator to reset the password.")


class SignInThrottle:
    """Failure counts per username and per client address (see ``SignInLimits``)."""

    def __init__(self, limits: SignInLimits, *, clock=None) -> None:
        extra = {} if clock is None else {"clock": clock}
        self.usernames = FailureLimiter(limits.per_username, **extra)
        self.addresses = FailureLimiter(limits.per_address, **extra)

    def seconds_locked(self, username: str, address: str) -> float:
        return max(self.usernames.seconds_locked(username), self.addresses.seconds_locked(address))

    def failed(self, username: str, address: str) -> None:
        self.usernames.record_failure(username)
        self.addresses.record_failure(address)

    def succeeded(self, username: str, address: str) -> None:
        self.usernames.clear(username)
        self.addresses.clear(address)


class ConsoleGuard:
    """ASGI middleware: everything under ``prefix`` needs a staff session but the login form and sign-in.

    ``session_user(connection)`` returns the signed-in staff username for a request, else None.
    """

    def __init__(self, app, *, prefix: str, session_user: Callable[[HTTPConnection], str | None],
                 throttle: SignInThrottle, login_message: str) -> None:
        self.app = app
        self.prefix = prefix.rstrip("/")
        self.session_user = session_user
        self.throttle = throttle
        self.login_message = login_message

    async def __call__(self, scope: dict, receive: Receive, send: Send) -> None:
        sub_path = self._console_path(scope)
        if sub_path is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "http" and sub_path in LOGIN_PATHS and scope["method"] == "POST":
            await self._sign_in(scope, receive, send)
        elif self._public(scope, sub_path) or self.session_user(HTTPConnection(scope)) is not None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        else:
            await self._refuse(scope, send)

    def _console_path(self, scope: dict) -> str | None:
        if scope["type"] not in ("http", "websocket"):
            return None
        path = scope["path"]
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root):]
        if path == self.prefix or path.startswith(self.prefix + "/"):
            return path[len(self.prefix):]
        return None

    @staticmethod
    def _public(scope: dict, sub_path: str) -> bool:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return False
        return sub_path in PUBLIC_PATHS or sub_path.startswith(PUBLIC_PREFIXES)

    async def _refuse(self, scope: dict, send: Send) -> None:
        wait = self.throttle.addresses.seconds_locked(_address(scope))
        message = lockout_message(wait) if wait else self.login_message
        detail = {"error": "Not authenticated", "auth_message": message}
        await _json(send, 401, {"detail": detail})

    async def _sign_in(self, scope: dict, receive: Receive, send: Send) -> None:
        body = await _read_body(receive, MAX_LOGIN_BODY)
        if body is None:
            await _json(send, 413, {"detail": "The sign-in request is too large."})
            return
        replay = _replaying(body)
        username = await _form_username(scope, replay())
        address = _address(scope)
        wait = self.throttle.seconds_locked(username, address)
        if wait:
            log.warning("refused a staff sign-in as %r from %s: locked for %.0f s", username, address, wait)
            await _json(send, 429, {"detail": lockout_message(wait)}, retry_after=wait)
            return
        status = []

        async def watch(message: dict) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        await self.app(scope, replay(), watch)
        if status and status[0] == 200:
            self.throttle.succeeded(username, address)
        elif status and status[0] in (400, 401):
            self.throttle.failed(username, address)


def _address(scope: dict) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replaying(body: bytes) -> Callable[[], Receive]:
    """A fresh ``receive`` that hands over the already-read body, for each reader."""

    def make() -> Receive:
        sent = False

        async def receive() -> dict:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        return receive

    return make


async def _form_username(scope: dict, receive: Receive) -> str:
    try:
        form = await Request(scope, receive).form()
        return str(form.get("username") or "").strip().lower()
    except Exception:  # an unreadable form is refused by the login route itself
        return ""


async def _json(send: Send, status: int, payload: dict, *, retry_after: float | None = None) -> None:
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if retry_after is not None:
        headers.append((b"retry-after", str(max(1, math.ceil(retry_after))).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

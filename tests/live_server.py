"""A seeded demo store and a real web server on a free loopback port, shared by the browser tests and the
load benchmark."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from typer.testing import CliRunner

from assistant.runtime import Runtime


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed_store(data_dir: Path, *, staff_password: str | None = None, env: dict[str, str] | None = None) -> None:
    """``assistant init`` and ``assistant seed`` (with the demo staff account when a password is given);
    ``env`` names the database (default: the SQLite file in ``data_dir``)."""
    from assistant.cli import app

    env = dict(env) if env is not None else {"ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_DATABASE_URL": ""}
    seed = ["seed"]
    if staff_password is not None:
        env["ASSISTANT_DEMO_STAFF_PASSWORD"] = staff_password
        seed.append("--demo-staff")
    for args in (["init"], seed):
        result = CliRunner().invoke(app, args, env=env)
        if result.exit_code != 0:
            raise RuntimeError(f"`assistant {' '.join(args)}` failed: {result.stdout}{result.stderr}")


@contextmanager
def running_server(runtime: Runtime) -> Iterator[str]:
    """The web app of ``runtime`` served by uvicorn in a thread; yields its base URL."""
    from ui.app import build_app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(build_app(runtime), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the web server did not start")
        time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        if thread.is_alive():  # connections still open: close them, so the server ends with its test
            server.force_exit = True
            thread.join(timeout=15)

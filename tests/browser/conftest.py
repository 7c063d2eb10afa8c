"""A real server (seeded demo store, real models) on a free loopback port, and Debian's chromium.

The browser is launched from ``/usr/bin/chromium`` (``make system-packages`` installs it); Playwright's own
browser downloads are never used. Screenshots of each step go to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from typer.testing import CliRunner

from assistant.runtime import Runtime
from tests import databases

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
STAFF_USER = "demo-staff"
STAFF_PASSWORD = "browser-test-password"
ANSWER_TIMEOUT_MS = 120_000


@dataclass(frozen=True)
class LiveServer:
    url: str
    runtime: Runtime
    staff_user: str
    staff_password: str


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed_store(data_dir: Path) -> None:
    from assistant.cli import app

    env = databases.current().env_for(data_dir) | {"ASSISTANT_DEMO_STAFF_PASSWORD": STAFF_PASSWORD}
    for args in (["init"], ["seed", "--demo-staff"]):
        result = CliRunner().invoke(app, args, env=env)
        assert result.exit_code == 0, (result.stdout, result.stderr)


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
        assert thread.is_alive() and time.monotonic() < deadline, "the web server did not start"
        time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("web-store")
    seed_store(data_dir)
    settings = databases.current().settings_for(data_dir, staff_poll_seconds=1.0,
                                                session_secret="browser-tests", router_max_epochs=1)  # a quick retraining test
    runtime = Runtime.start(settings)
    with running_server(runtime) as url:
        yield LiveServer(url, runtime, STAFF_USER, STAFF_PASSWORD)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run `make system-packages` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser profile per test: a new customer with an empty conversation."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def shot(request):
    """``shot(page, "step")`` saves test-artifacts/browser/<test>-<n>-<step>.png and returns its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^a-z0-9_]+", "_", request.node.name.lower())
    counter = iter(range(1, 100))

    def take(page, step: str) -> Path:
        path = ARTIFACTS / f"{test_name}-{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path))
        return path

    return take


"""A real server (seeded demo store, real models) on a free loopback port, and Debian's chromium.

The browser is launched from ``/usr/bin/chromium`` (``make system-packages`` installs it); Playwright's own
browser downloads are never used. Screenshots of each step go to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.runtime import Runtime
from tests import databases
from tests.live_server import running_server, seed_store

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


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("web-store")
    seed_store(data_dir, staff_password=STAFF_PASSWORD, env=databases.current().env_for(data_dir))
    settings = databases.current().settings_for(data_dir, staff_poll_seconds=1.0,
                                                session_secret="browser-tests", router_max_epochs=1,
                                                router_soup_runs=1)  # a quick retraining test
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


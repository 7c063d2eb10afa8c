"""A full queue: the customer is told the assistant is busy instead of waiting forever."""

from __future__ import annotations

import json
import threading
import time
import urllib.request

import pytest
from gradio_client import Client

from assistant.runtime import Runtime
from assistant.types import Reply, UserTurn
from tests.browser.chat_page import open_chat
from tests import databases
from tests.live_server import running_server

pytestmark = pytest.mark.slow


class HeldAssistant:
    """An assistant whose answers wait until the test lets them go (a real ``respond`` implementation)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Event()

    def respond(self, turn: UserTurn) -> Reply:
        self.started.set()
        self.release.wait(timeout=120)
        return Reply(text=f"You said: {turn.text}", action="no_match", intent=None, confidence=0.0,
                     conversation_id=turn.conversation_id)


def queue_size(url: str) -> int:
    with urllib.request.urlopen(url + "/gradio_api/queue/status", timeout=10) as response:
        return json.loads(response.read())["queue_size"]


def test_full_queue_tells_the_customer_it_is_busy(tmp_path, page, shot):
    settings = databases.current().settings_for(tmp_path, queue_max_size=1, model_concurrency=1)
    runtime = Runtime.start(settings)
    held = HeldAssistant()
    runtime.__dict__["assistant"] = held
    with running_server(runtime) as url:
        client = Client(url + "/", verbose=False)
        running = client.submit("first", None, api_name="/ask")
        assert held.started.wait(timeout=60)
        waiting = client.submit("second", None, api_name="/ask")
        deadline = time.monotonic() + 30
        while queue_size(url) < 1:
            assert time.monotonic() < deadline, "the second turn never queued"
            time.sleep(0.1)
        open_chat(page, url)
        page.locator("#message textarea").fill("is anyone there?")
        page.locator("#message textarea").press("Enter")
        page.get_by_text("This application is currently busy").wait_for()
        shot(page, "busy")
        assert page.locator("#message textarea").input_value() == "is anyone there?"  # kept to send again
        held.release.set()
        assert running.result(timeout=60)["reply"] == "You said: first"
        assert waiting.result(timeout=60)["reply"] == "You said: second"

"""Two `assistant serve` processes on one database serve one conversation alternately and share FAQ edits.

Both are real server processes started the way an operator would (same ASSISTANT_DATABASE_URL and
ASSISTANT_SESSION_SECRET, different ports); on the PostgreSQL backend the database is the test server's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client

from knowledge_base.db import make_engine, make_session_factory, session_scope
from knowledge_base.repositories.conversations import conversation_messages
from tests import databases
from tests.live_server import free_port
from tests.cli_runner import run, run_json

pytestmark = pytest.mark.slow

START_TIMEOUT_S = 300
TURNS = [
    "How long does delivery to Germany take?",
    "Can I pay with PayPal?",
    "How do I return an item?",
    "Do you ship to Switzerland?",
]
NEW_ANSWER = "Germany: 1-2 business days with our new courier (edited on one server)."


def wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server exited: {log.read_text()[-3000:]}"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    pytest.fail(f"{url} did not answer within {START_TIMEOUT_S} s: {log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("shared-store")
    run(data_dir, "init")
    run(data_dir, "seed")
    return data_dir


@pytest.fixture(scope="module")
def servers(store: Path, tmp_path_factory) -> Iterator[list[str]]:
    env = os.environ | databases.current().env_for(store) | {
        "ASSISTANT_SESSION_SECRET": "one-secret-for-every-server", "ASSISTANT_ROUTER": "retrieval"}
    logs = tmp_path_factory.mktemp("server-logs")
    started = []
    try:
        for name in ("a", "b"):
            port = free_port()
            log = logs / f"{name}.log"
            command = [str(Path(sys.executable).parent / "assistant"), "serve", "--port", str(port)]
            process = subprocess.Popen(command, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
            started.append((process, f"http://127.0.0.1:{port}/", log))
        for process, url, log in started:
            wait_until_serving(url, process, log)
        yield [url for _, url, _ in started]
    finally:
        for process, _, _ in started:
            stop(process)


def test_one_conversation_alternates_between_servers_without_losing_a_message(store, servers):
    clients = [Client(url, verbose=False) for url in servers]
    conversation_id, replies = None, []
    for turn, question in enumerate(TURNS):
        reply = clients[turn % 2].predict(question, conversation_id, api_name="/ask")
        assert reply["conversation_id"] == (conversation_id or reply["conversation_id"])
        conversation_id = reply["conversation_id"]
        replies.append(reply["reply"])

    url = databases.current().url_for(store) or f"sqlite:///{store / 'assistant.db'}"
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            stored = [(m.role, m.text) for m in conversation_messages(session=session, public_id=conversation_id)]
    finally:
        engine.dispose()
    expected = [pair for question, answer in zip(TURNS, replies, strict=True)
                for pair in (("customer", question), ("assistant", answer))]
    assert stored == expected


def test_an_faq_edited_while_both_serve_is_answered_with_the_new_text_by_each(store, servers):
    clients = [Client(url, verbose=False) for url in servers]
    before = clients[1].predict(TURNS[0], None, api_name="/ask")  # server B has loaded the old entry
    faq_id = before["sources"][0]["faq_id"]
    assert before["reply"] != NEW_ANSWER
    run(store, "faq", "edit", str(faq_id), "--answer", NEW_ANSWER)
    assert run_json(store, "faq", "list", "--contains", "new courier")[0]["faq_id"] == faq_id
    for client in clients:
        after = client.predict(TURNS[0], None, api_name="/ask")
        assert (after["reply"], after["sources"][0]["faq_id"]) == (NEW_ANSWER, faq_id)

"""An import killed part-way (SIGKILL while it writes): the database keeps its old rows, has none of the
half-done import's, and a fresh import of the same file then succeeds.

The import runs as a real `assistant` process; the test waits until that process holds the database's
write lock (it is writing inside its one transaction), then kills it.
"""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from assistant.runtime import Runtime
from assistant.settings import Settings
from knowledge_base.db import session_scope
from knowledge_base.repositories.faqs import FaqFields, add_faq
from knowledge_base.repositories.intents import upsert_intent
from knowledge_base.repositories.training_examples import LabelledMessage, add_training_examples
from tests.cli_runner import run

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only("kills the import while it holds SQLite's write lock")]
ROOT = Path(__file__).resolve().parents[2]
FAQ_ROWS = 1500
EXAMPLE_ROWS = 150_000


@pytest.fixture
def store(tmp_path) -> Path:
    """A data folder with two FAQ entries and two labelled examples; no connection left open."""
    data_dir = tmp_path / "data"
    runtime = Runtime.start(Settings(data_dir=data_dir, database_url=None))
    with session_scope(runtime.sessions) as session:
        upsert_intent(session=session, name="shipping_info", description="delivery")
        upsert_intent(session=session, name="greeting", description="hello")
        add_faq(session=session, fields=FaqFields("Do you ship to Norway?", "Yes, in 5-7 days.", "shipping_info"))
        add_faq(session=session, fields=FaqFields("Can I pay later?", "Not yet.", "shipping_info"))
        add_training_examples(session=session, examples=[LabelledMessage("hiya", "greeting"),
                                                         LabelledMessage("where is my parcel", "shipping_info")],
                              source="old.csv")
    runtime.engine.dispose()
    return data_dir


def rows(data_dir: Path, query: str) -> list[tuple]:
    with closing(sqlite3.connect(data_dir / "assistant.db")) as connection:
        return connection.execute(query).fetchall()


def kill_while_writing(data_dir: Path, *args: str) -> None:
    """Run `assistant ARGS` and SIGKILL it once it holds the write lock; fails if it ends by itself."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_DATABASE_URL": ""}
    child = subprocess.Popen([sys.executable, "-m", "assistant.cli", *args], env=env, cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while not _write_lock_taken(data_dir / "assistant.db"):
            assert child.poll() is None, f"the import ended before it was killed: {child.stderr.read()}"
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.02)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL


def _write_lock_taken(database: Path) -> bool:
    probe = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        if "locked" not in str(error):
            raise
        return True
    finally:
        probe.close()


def test_a_killed_faq_import_leaves_the_old_entries_and_none_of_its_rows(store, tmp_path):
    big = tmp_path / "big.csv"
    with big.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["question", "answer", "intent", "alternates", "tags"])
        for n in range(FAQ_ROWS):
            writer.writerow([f"Imported question {n} about parcel {n * 7}?", f"Answer {n}.", "shipping_info",
                             f"Another wording {n}", "imported"])
    before = rows(store, "SELECT id, question, answer FROM faq_entries ORDER BY id")

    kill_while_writing(store, "faq", "import", str(big))

    assert rows(store, "PRAGMA integrity_check") == [("ok",)]
    assert rows(store, "SELECT id, question, answer FROM faq_entries ORDER BY id") == before
    assert rows(store, "SELECT count(*) FROM faq_alternates WHERE question LIKE 'Another wording%'") == [(0,)]
    assert rows(store, "SELECT count(*) FROM faq_fts WHERE faq_fts MATCH 'imported'") == [(0,)]

    result = run(store, "faq", "import", str(big))
    assert f"imported {FAQ_ROWS} rows: {FAQ_ROWS} added" in result.stdout
    assert rows(store, "SELECT count(*) FROM faq_entries") == [(len(before) + FAQ_ROWS,)]


def test_a_killed_intents_import_leaves_the_old_examples_and_none_of_its_rows(store, tmp_path):
    big = tmp_path / "examples.csv"
    with big.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["text", "intent", "image"])
        for n in range(EXAMPLE_ROWS):
            writer.writerow([f"when will parcel {n} arrive", "shipping_info", ""])
    before = rows(store, "SELECT id, text, intent, source FROM training_examples ORDER BY id")

    kill_while_writing(store, "intents", "import", str(big))

    assert rows(store, "PRAGMA integrity_check") == [("ok",)]
    assert rows(store, "SELECT id, text, intent, source FROM training_examples ORDER BY id") == before

    result = run(store, "intents", "import", str(big))
    assert f"imported {EXAMPLE_ROWS} examples" in result.stdout
    assert rows(store, "SELECT count(*) FROM training_examples") == [(len(before) + EXAMPLE_ROWS,)]

"""`assistant backup` and `assistant restore` round trips while the app serves, on SQLite and PostgreSQL,
and the files a restore refuses."""

from __future__ import annotations

import re
import shutil
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.pipeline import build_retriever
from assistant.runtime import Runtime
from assistant.settings import Settings
from knowledge_base.backup_postgres import check_versions, find_pg_tool, tool_major_version
from knowledge_base.db import make_engine, session_scope
from knowledge_base.errors import BackupError
from knowledge_base.models import Base
from knowledge_base.repositories.faqs import FaqFields, add_faq, list_faqs
from knowledge_base.repositories.intents import upsert_intent
from tests.live_server import running_server
from tests.cli_runner import run
from ui.chat import hand_off

pytestmark = [
    pytest.mark.slow,
    pytest.mark.sqlite_only("each test picks its database itself: SQLite files and a PostgreSQL server of its own"),
]
DELIVERY = FaqFields("How long does delivery to Germany take?", "2-4 business days to Germany.", "shipping_info")
LATER = FaqFields("Do you deliver to the Moon?", "Not yet, sorry.", "shipping_info")


def add_store_data(runtime: Runtime) -> None:
    with session_scope(runtime.sessions) as session:
        upsert_intent(session=session, name="shipping_info", description="delivery")
        add_faq(session=session, fields=DELIVERY)
        runtime.retriever.dense.sync(session)


def sqlite_tables(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table of the schema, as stored in the SQLite file ``path``."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        return {name: sorted(connection.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
                for name in [*Base.metadata.tables, "alembic_version"]}


class ChatTraffic:
    """Customers asking through the served `/ask` API in a thread until stopped."""

    def __init__(self, url: str) -> None:
        from gradio_client import Client

        self.client = Client(url + "/", verbose=False)
        self.replies: list[dict] = []
        self.errors: list[Exception] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._ask, daemon=True)

    def __enter__(self) -> ChatTraffic:
        self._thread.start()
        while not self.replies and not self.errors and self._thread.is_alive():
            self._stop.wait(0.1)
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=120)

    def _ask(self) -> None:
        while not self._stop.is_set():
            try:
                self.replies.append(self.client.predict(DELIVERY.question, None, api_name="/ask"))
            except Exception as error:  # reported by the test
                self.errors.append(error)


@pytest.fixture
def served_sqlite(tmp_path, text_encoder):
    settings = Settings(data_dir=tmp_path / "data", database_url=None, router="retrieval")
    runtime = Runtime.start(settings)
    runtime.__dict__["retriever"] = build_retriever(settings, text_encoder)
    add_store_data(runtime)
    with running_server(runtime) as url:
        yield runtime, url


def test_sqlite_backup_and_restore_while_customers_chat(served_sqlite, tmp_path):
    runtime, url = served_sqlite
    data_dir, backup = runtime.settings.data_dir, tmp_path / "store.backup"
    with ChatTraffic(url) as traffic:
        result = run(data_dir, "backup", str(backup))
        asked_during_backup = len(traffic.replies)
    assert "backed up the sqlite database" in result.stdout
    assert not traffic.errors and asked_during_backup >= 1
    assert all(r["action"] == "answer" for r in traffic.replies)
    at_backup = sqlite_tables(backup)
    assert at_backup["faq_entries"] and at_backup["messages"]

    run(data_dir, "faq", "add", "--question", LATER.question, "--answer", LATER.answer, "--intent", LATER.intent)
    with ChatTraffic(url) as traffic:
        result = run(data_dir, "restore", str(backup))
    assert "restored" in result.stdout and not traffic.errors
    live = sqlite_tables(data_dir / "assistant.db")
    chat_tables = ("conversations", "messages")
    assert {k: v for k, v in live.items() if k not in chat_tables} == {
        k: v for k, v in at_backup.items() if k not in chat_tables}
    for name in chat_tables:  # turns answered after the restore finished are added on top of the backup
        newer = set(live[name]) - set(at_backup[name])
        assert set(at_backup[name]) <= set(live[name])
        assert all(row[0] > max(r[0] for r in at_backup[name]) for row in newer)
    last_backed_up = max(r[0] for r in at_backup["messages"])
    with closing(sqlite3.connect(data_dir / "assistant.db")) as connection:
        newer_texts = {t for (t,) in connection.execute("SELECT text FROM messages WHERE id > ?", (last_backed_up,))}
    assert newer_texts <= {DELIVERY.question, DELIVERY.answer}

    reply = traffic.client.predict(DELIVERY.question, None, api_name="/ask")
    assert reply["action"] == "answer" and reply["reply"] == DELIVERY.answer
    with session_scope(runtime.sessions) as session:
        assert [e.question for e in list_faqs(session=session)] == [DELIVERY.question]


@pytest.fixture
def sqlite_backup(tmp_path) -> tuple[Path, Path]:
    data_dir = tmp_path / "data"
    run(data_dir, "init")
    run(data_dir, "backup", str(tmp_path / "good.backup"))
    return data_dir, tmp_path / "good.backup"


def _with_revision(source: Path, target: Path, revision: str) -> Path:
    shutil.copy(source, target)
    with closing(sqlite3.connect(target)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        connection.commit()
    return target


def _other_sqlite(target: Path) -> Path:
    with closing(sqlite3.connect(target)) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
        connection.commit()
    return target


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda good, tmp: tmp / "missing.backup", "There is no backup file"),
        (lambda good, tmp: _write(tmp / "junk.backup", b"hello, not a database"),
         "is not a SQLite backup \\(it does not start with the SQLite file header\\)"),
        (lambda good, tmp: _write(tmp / "pg.backup", b"PGDMP\x01\x0e\x00" + b"\x00" * 64),
         "is a PostgreSQL backup, but this assistant's database is SQLite"),
        (lambda good, tmp: _other_sqlite(tmp / "other.db"), "not a backup of this assistant's database"),
        (lambda good, tmp: _with_revision(good, tmp / "newer.backup", "9999_from_the_future"),
         "schema revision '9999_from_the_future', which this version of the assistant does not know"),
        (lambda good, tmp: _write(tmp / "cut.backup", good.read_bytes()[:4096 * 3]), "damaged|cannot be read"),
    ],
)
def test_restore_refuses_a_file_that_is_not_a_backup_of_this_database(sqlite_backup, tmp_path, make, message):
    data_dir, good = sqlite_backup
    run(data_dir, "faq", "list")  # the schema exists
    before = sqlite_tables(data_dir / "assistant.db")
    result = run(data_dir, "restore", str(make(good, tmp_path)), code=2)
    assert result.stderr.startswith("error: ")
    assert re.search(message, result.stderr), result.stderr
    assert sqlite_tables(data_dir / "assistant.db") == before


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_missing_pg_dump_is_a_clear_error(tmp_path):
    with pytest.raises(BackupError, match="pg_dump was not found: install PostgreSQL's client programs"):
        find_pg_tool("pg_dump", roots=[tmp_path], path=str(tmp_path))


def test_an_older_pg_dump_than_the_server_is_refused_with_the_version_to_install():
    with pytest.raises(BackupError, match="PostgreSQL 14, older than the server's PostgreSQL 16.*version 16 or newer"):
        check_versions("pg_dump", 14, 16)
    check_versions("pg_dump", 16, 15)


def pg_rows(engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {name: sorted(map(tuple, connection.exec_driver_sql(f'SELECT * FROM "{name}"')), key=repr)
                for name in [*Base.metadata.tables, "alembic_version"]}


def pg_runtime(url: str, data_dir: Path, text_encoder) -> Runtime:
    settings = Settings(data_dir=data_dir, database_url=url, router="retrieval")
    runtime = Runtime.start(settings)
    runtime.__dict__["retriever"] = build_retriever(settings, text_encoder)
    return runtime


def test_postgres_backup_and_restore_while_customers_write(postgres, tmp_path, text_encoder):
    url = postgres.create_database()
    runtime = pg_runtime(url, tmp_path / "data", text_encoder)
    add_store_data(runtime)
    assert find_pg_tool("pg_dump").parent == postgres.bin_dir
    assert tool_major_version(find_pg_tool("pg_dump")) == int(postgres.bin_dir.parent.name)
    env = {"ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_DATABASE_URL": url}
    backup = tmp_path / "store.dump"

    stop, failures, handed_off = threading.Event(), [], []

    def customers() -> None:  # "talk to a person" writes a conversation, a ticket and a message each time
        while not stop.is_set():
            view, conversation_id = hand_off(runtime, None)
            (handed_off if conversation_id else failures).append(view.history[-1]["content"])

    writer = threading.Thread(target=customers, daemon=True)
    writer.start()
    try:
        result = CliRunner().invoke(app, ["backup", str(backup)], env=env)
    finally:
        stop.set()
        writer.join(timeout=60)
    assert result.exit_code == 0, result.stderr
    assert "backed up the postgresql database" in result.stdout and not failures and handed_off

    scratch = make_engine(postgres.create_database())  # an empty database the dump alone fills
    postgres.run_tool("pg_restore", "--no-owner", f"--dbname={scratch.url.database}", str(backup))
    at_backup = pg_rows(scratch)
    scratch.dispose()
    assert at_backup["faq_entries"] and at_backup["alembic_version"]

    with session_scope(runtime.sessions) as session:
        add_faq(session=session, fields=LATER)
    result = CliRunner().invoke(app, ["restore", str(backup)], env=env)
    assert result.exit_code == 0, result.stderr
    assert pg_rows(runtime.engine) == at_backup
    view, conversation_id = hand_off(runtime, None)  # the running process keeps working on the restored data
    assert conversation_id and len(pg_rows(runtime.engine)["handoff_tickets"]) == len(at_backup["handoff_tickets"]) + 1


def test_a_sqlite_backup_given_to_postgres_is_refused(postgres, sqlite_backup, tmp_path, text_encoder):
    url = postgres.create_database()
    runtime = pg_runtime(url, tmp_path / "pgdata", text_encoder)
    env = {"ASSISTANT_DATA_DIR": str(tmp_path / "pgdata"), "ASSISTANT_DATABASE_URL": url}
    result = CliRunner().invoke(app, ["restore", str(sqlite_backup[1])], env=env)
    assert result.exit_code == 2
    assert "is a SQLite backup, but this assistant's database is PostgreSQL" in result.stderr

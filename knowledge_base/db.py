"""Engines, sessions and schema upgrades.

SQLite files run in WAL mode with foreign keys on and a busy timeout; any other SQLAlchemy URL works too.
Database failures that a person can fix (read-only file, lock held elsewhere) become ``StorageError``\\ s.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from knowledge_base.errors import DatabaseLockedError, DatabaseReadOnlyError, StorageError
from knowledge_base.lexical import is_fts_object

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def make_engine(url: str, *, busy_timeout_ms: int = 5000) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_ms))
        return engine
    return create_engine(url, pool_pre_ping=True)


def _ensure_sqlite_folder(url: str) -> None:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:" and "mode=memory" not in path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(busy_timeout_ms: int):
    def on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except Exception:  # a read-only file cannot switch journal mode; reads still work
            pass
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    return on_connect


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def translate_operational_error(error: OperationalError, url: str) -> StorageError:
    text = str(error.orig if error.orig is not None else error).lower()
    if "readonly" in text or "read-only" in text:
        return DatabaseReadOnlyError(url)
    if "locked" in text or "busy" in text:
        return DatabaseLockedError(url)
    return StorageError(f"The database at {url} could not be used: {error.orig}")


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits on success, rolls back on any error and names database problems plainly."""
    session = factory()
    url = _display_url(factory)
    try:
        yield session
        session.commit()
    except OperationalError as error:
        session.rollback()
        raise translate_operational_error(error, url) from error
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _display_url(factory: sessionmaker[Session]) -> str:
    bind = factory.kw.get("bind")
    return bind.url.render_as_string(hide_password=True) if bind is not None else "?"


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """For autogenerate: FTS5 tables and their shadow tables are written by hand in revisions."""
    return not (type_ == "table" and is_fts_object(name))


def alembic_config(engine: Engine):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (creates it on an empty database)."""
    from alembic import command

    try:
        command.upgrade(alembic_config(engine), "head")
    except OperationalError as error:
        raise translate_operational_error(error, engine.url.render_as_string(True)) from error


VECTOR_WRITER_LOCK = 0x6661715F76656374
"""PostgreSQL advisory lock key held by the transaction that writes vectors."""


def may_write_vectors(session: Session) -> bool:
    """Whether this transaction may write vectors now. On PostgreSQL only one transaction at a time may (a
    transaction advisory lock, held until it ends): two processes sharing a database (two servers, a server
    and the CLI) that find the same entry or photo without vectors would otherwise each delete the rows the
    other cannot see yet and insert their own, and keep two sets. A transaction that finds another one
    writing does not wait for it (a turn waiting while holding an index's thread lock could stall every turn
    of its process): it searches the vectors there are, and the next search finds the other's. SQLite
    writers are one at a time already."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    taken = session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": VECTOR_WRITER_LOCK})
    return bool(taken.scalar())

"""Backing up and restoring the whole database, for SQLite and PostgreSQL, while the app keeps serving.

SQLite: the backup is made with SQLite's online backup API in one step, so it is the database as it was
at one moment even while others write (WAL readers never block writers). A restore checks the file (the
SQLite header, an integrity check, an Alembic revision this version knows), copies it to a staging file
beside the database and upgrades that copy to the newest revision, then copies it into the live database
with the same API in one transaction: other connections see the old data or the new, never a mix, and
nobody has to stop. PostgreSQL: ``pg_dump -Fc`` and ``pg_restore --clean --if-exists --single-transaction``
(see ``knowledge_base.backup_postgres``).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from knowledge_base.db import alembic_config, make_engine, upgrade_to_head
from knowledge_base.errors import BackupError, BackupFileError

SQLITE_HEADER = b"SQLite format 3\x00"
POSTGRES_HEADER = b"PGDMP"
BUSY_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class BackupResult:
    """What ``backup_database`` wrote."""

    path: Path
    backend: str
    """``sqlite`` or ``postgresql``."""
    size_bytes: int
    revision: str | None
    """The Alembic revision of the schema that was backed up."""


@dataclass(frozen=True)
class RestoreResult:
    """What ``restore_database`` did."""

    path: Path
    backend: str
    revision: str | None
    """The backup's Alembic revision; the database was then upgraded to ``head``."""
    head: str | None


def backup_database(*, engine: Engine, target: Path) -> BackupResult:
    """Write a consistent copy of ``engine``'s database to ``target`` (written beside it, then renamed)."""
    target = Path(target)
    if target.is_dir():
        raise BackupFileError(f"{target} is a folder; give the name of the backup file to write.")
    if not target.parent.is_dir():
        raise BackupFileError(f"The folder {target.parent} does not exist; create it first.")
    if engine.dialect.name == "sqlite":
        revision = _sqlite_backup(sqlite_file(engine), target)
    elif engine.dialect.name == "postgresql":
        from knowledge_base.backup_postgres import postgres_backup

        revision = postgres_backup(engine, target)
    else:
        raise BackupError(f"Backups are made for SQLite and PostgreSQL only, not {engine.dialect.name}.")
    return BackupResult(target, engine.dialect.name, target.stat().st_size, revision)


def restore_database(*, engine: Engine, source: Path) -> RestoreResult:
    """Replace ``engine``'s database with the backup ``source`` and upgrade it to the newest revision.
    A file that is not a backup of this assistant's database is refused and nothing changes."""
    source = Path(source)
    if not source.is_file():
        raise BackupFileError(f"There is no backup file {source}.")
    header = _header(source)
    if engine.dialect.name == "sqlite":
        if header.startswith(POSTGRES_HEADER):
            raise BackupFileError(f"{source} is a PostgreSQL backup, but this assistant's database is SQLite.")
        revision = _sqlite_restore(source, sqlite_file(engine), known_revisions(engine))
    elif engine.dialect.name == "postgresql":
        from knowledge_base.backup_postgres import postgres_restore

        if header.startswith(SQLITE_HEADER):
            raise BackupFileError(f"{source} is a SQLite backup, but this assistant's database is PostgreSQL.")
        revision = postgres_restore(engine, source, known_revisions(engine))
        upgrade_to_head(engine)
    else:
        raise BackupError(f"Restores are made for SQLite and PostgreSQL only, not {engine.dialect.name}.")
    return RestoreResult(source, engine.dialect.name, revision, head_revision(engine))


def sqlite_file(engine: Engine) -> Path:
    """The file of a SQLite engine; in-memory databases have none to back up."""
    database = engine.url.database or ""
    if not database or database == ":memory:" or "mode=memory" in database:
        raise BackupError("An in-memory SQLite database has no file to back up or restore.")
    if database.startswith("file:"):
        database = database[len("file:"):].split("?", 1)[0]
    return Path(database)


def known_revisions(engine: Engine) -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(alembic_config(engine)).walk_revisions()}


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def check_revision(source: Path, revision: str | None, known: set[str]) -> None:
    """Refuse a backup without an Alembic revision, or with one this version does not know."""
    if revision is None:
        raise BackupFileError(
            f"{source} is not a backup of this assistant's database: it has no alembic_version table."
        )
    if revision not in known:
        raise BackupFileError(
            f"{source} has the schema revision {revision!r}, which this version of the assistant does not know "
            "(a backup from a newer version?); restore it with that version."
        )


def _header(path: Path) -> bytes:
    with path.open("rb") as stream:
        return stream.read(len(SQLITE_HEADER))


def _sqlite_backup(database: Path, target: Path) -> str | None:
    if not database.is_file():
        raise BackupError(f"There is no SQLite database at {database} to back up; run `assistant init` first.")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        _sqlite_copy(database, partial)
        copy = sqlite3.connect(partial)
        try:
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            revision = _sqlite_revision(copy)
        finally:
            copy.close()
        _fsync(partial)
        os.replace(partial, target)
    except sqlite3.Error as error:
        raise BackupError(f"The backup of {database} could not be written to {target}: {error}") from error
    finally:
        partial.unlink(missing_ok=True)
    return revision


def _sqlite_restore(source: Path, database: Path, known: set[str]) -> str | None:
    revision = _check_sqlite_backup(source, known)
    staged = database.with_name(database.name + ".restoring")
    _remove_with_journals(staged)
    try:
        _sqlite_copy(source, staged)
        staged_engine = make_engine(f"sqlite:///{staged}")
        try:
            upgrade_to_head(staged_engine)
        finally:
            staged_engine.dispose()
        _sqlite_copy(staged, database)
    except sqlite3.Error as error:
        raise BackupError(f"The backup {source} could not be restored into {database}: {error}") from error
    finally:
        _remove_with_journals(staged)
    return revision


def _remove_with_journals(database: Path) -> None:
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm"), Path(f"{database}-journal")):
        path.unlink(missing_ok=True)


def _check_sqlite_backup(source: Path, known: set[str]) -> str | None:
    if _header(source) != SQLITE_HEADER:
        raise BackupFileError(f"{source} is not a SQLite backup (it does not start with the SQLite file header).")
    reader = sqlite3.connect(f"file:{source}?mode=ro&immutable=1", uri=True)
    try:
        (status,) = reader.execute("PRAGMA quick_check").fetchone()
        if status != "ok":
            raise BackupFileError(f"The backup {source} is damaged ({status}); restore an older backup.")
        revision = _sqlite_revision(reader)
    except sqlite3.DatabaseError as error:
        raise BackupFileError(f"The backup {source} cannot be read as a SQLite database: {error}.") from error
    finally:
        reader.close()
    check_revision(source, revision, known)
    return revision


def _sqlite_revision(connection: sqlite3.Connection) -> str | None:
    found = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if not found:
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy with SQLite's backup API in a single step: one read snapshot of ``source``, one write
    transaction on ``target`` (which may be a live database other connections use)."""
    reader = sqlite3.connect(source, timeout=BUSY_TIMEOUT_S)
    writer = sqlite3.connect(target, timeout=BUSY_TIMEOUT_S)
    try:
        reader.backup(writer, pages=-1)
    finally:
        writer.close()
        reader.close()


def _fsync(path: Path) -> None:
    with path.open("rb") as stream:
        os.fsync(stream.fileno())

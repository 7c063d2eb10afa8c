"""`assistant backup FILE` and `assistant restore FILE`: the whole database, while the app keeps serving."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli_common import reports_errors
from assistant.runtime import Runtime
from knowledge_base.backup import backup_database, restore_database


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)


def _runtime() -> Runtime:
    # no schema upgrade first: a backup copies what is there, and a restore must work on a broken database
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return Runtime.start(upgrade=False)


@reports_errors
def backup(path: Annotated[Path, typer.Argument(help="The backup file to write (replaced if it exists).")]) -> None:
    """Back up the whole database to FILE (SQLite's online backup, or pg_dump -Fc for PostgreSQL)."""
    runtime = _runtime()
    result = backup_database(engine=runtime.engine, target=path)
    typer.echo(f"backed up the {result.backend} database (schema revision {result.revision}) to {result.path}, "
               f"{result.size_bytes:,} bytes")


@reports_errors
def restore(path: Annotated[Path, typer.Argument(help="A file written by `assistant backup`.")]) -> None:
    """Replace the whole database with the backup FILE, then upgrade its schema to the newest revision."""
    runtime = _runtime()
    result = restore_database(engine=runtime.engine, source=path)
    typer.echo(f"restored {result.path} into the {result.backend} database (backup's schema revision "
               f"{result.revision}, now {result.head}); running servers see it at their next request")

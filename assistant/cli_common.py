"""What every `assistant` sub-command shares: start-up, JSON output and error reporting."""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

import typer

from assistant.errors import AssistantError, UserInputError
from assistant.runtime import Runtime
from knowledge_base.db import session_scope


def start_runtime() -> Runtime:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return Runtime.start()


def read_input_file(path: Path) -> bytes:
    """The bytes of a file named on the command line; a missing or unreadable one is the user's to fix."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise _file_problem(path, error, writing=False) from error


@contextlib.contextmanager
def open_output_file(path: Path) -> Iterator[TextIO]:
    """A UTF-8 text file to write; a missing folder or a folder in the file's place is the user's to fix."""
    try:
        stream = path.open("w", encoding="utf-8", newline="")
    except OSError as error:
        raise _file_problem(path, error, writing=True) from error
    with stream:
        yield stream


def _file_problem(path: Path, error: OSError, *, writing: bool) -> UserInputError:
    if isinstance(error, IsADirectoryError):
        return UserInputError(f"{path} is a folder; name a file.")
    if isinstance(error, FileNotFoundError):
        missing = f"the folder {path.parent} does not exist" if writing else "there is no such file"
        return UserInputError(f"Cannot {'write' if writing else 'read'} {path}: {missing}.")
    return UserInputError(f"Cannot {'write' if writing else 'read'} {path}: {error.strerror or error}.")


def export_to(path: Path | None, write: Callable[..., int], what: str) -> None:
    """Run an exporter ``write(session=, stream=)`` into a file, or onto stdout when no file is named."""
    runtime = start_runtime()
    with session_scope(runtime.sessions) as session:
        if path is None:
            write(session=session, stream=sys.stdout)
            return
        with open_output_file(path) as stream:
            count = write(session=session, stream=stream)
    typer.echo(f"exported {count} {what} to {path}")


def print_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))


def reports_errors(command):
    """Show AssistantErrors as one plain line on stderr (exit 2 for bad input, 1 otherwise)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except AssistantError as error:
            print(f"error: {error}", file=sys.stderr)
            raise typer.Exit(2 if isinstance(error, UserInputError) else 1) from None

    return wrapper

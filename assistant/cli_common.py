"""What every `assistant` sub-command shares: start-up, JSON output and error reporting."""

from __future__ import annotations

import functools
import json
import logging
import sys
from typing import Any

import typer

from assistant.errors import AssistantError, UserInputError
from assistant.runtime import Runtime


def start_runtime() -> Runtime:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return Runtime.start()


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

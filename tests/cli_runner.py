"""Running the `assistant` command in process against a data folder, for integration tests."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from assistant.cli import app
from tests import databases


def run(data_dir: Path, *args: str, code: int = 0):
    env = databases.current().env_for(data_dir)
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


def run_json(data_dir: Path, *args: str):
    return json.loads(run(data_dir, *args, "--json").stdout)


def ask(data_dir: Path, *args: str) -> dict:
    return run_json(data_dir, "ask", *args)


def no_traceback_of_ours(stderr: str) -> bool:
    """True when ``stderr`` shows no traceback through this project's code. The runner captures the whole
    process's stderr, where a web server thread of another test may log its own."""
    return not re.search(r'File "[^"]*/(assistant|knowledge_base|ui)/', stderr)

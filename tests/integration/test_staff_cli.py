"""`assistant staff` and the demo staff account: passwords from stdin, hashed, with clear refusals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.cli_staff import DEMO_STAFF_USERNAME, ensure_demo_staff
from assistant.runtime import Runtime
from knowledge_base.db import session_scope
from knowledge_base.repositories.staff import authenticate_staff, find_staff
from tests import databases


def staff(data_dir: Path, *args: str, password: str | None, code: int = 0):
    env = databases.current().env_for(data_dir)
    result = CliRunner().invoke(app, ["staff", *args], input=password, env=env)
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


def signs_in(data_dir: Path, username: str, password: str) -> bool:
    runtime = Runtime.start(databases.current().settings_for(data_dir))
    with session_scope(runtime.sessions) as session:
        return authenticate_staff(session=session, username=username, password=password) is not None


def test_add_reads_the_password_from_stdin_and_stores_only_its_hash(tmp_path):
    result = staff(tmp_path, "add", "sam", "--display-name", "Sam Ortiz", "--admin",
                   password="a long enough secret\n")
    assert "staff account 'sam' created (admin)" in result.stdout
    assert signs_in(tmp_path, "sam", "a long enough secret")
    assert not signs_in(tmp_path, "sam", "a long enough secreT")
    stored = databases.current().raw_contents(tmp_path)
    assert b"scrypt$" in stored and b"a long enough secret" not in stored


def test_password_changes_the_sign_in(tmp_path):
    staff(tmp_path, "add", "kim", password="first long password\n")
    staff(tmp_path, "password", "kim", password="second long password\n")
    assert signs_in(tmp_path, "kim", "second long password")
    assert not signs_in(tmp_path, "kim", "first long password")


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (("add", "lee"), "short\n", "use at least 10"),
        (("add", "lee"), "", "No password on stdin"),
        (("add", "a b"), "a long enough secret\n", "is not usable"),
        (("password", "ghost"), "a long enough secret\n", "no staff account 'ghost'"),
    ],
)
def test_bad_requests_exit_2_with_a_reason(tmp_path, args, password, message):
    result = staff(tmp_path, *args, password=password, code=2)
    assert message in result.stderr


def test_taken_username_is_refused(tmp_path):
    staff(tmp_path, "add", "max", password="a long enough secret\n")
    assert "is taken" in staff(tmp_path, "add", "Max", password="another long secret\n", code=2).stderr


def test_demo_account_exists_only_when_asked_for_with_a_random_or_given_password(tmp_path):
    runtime = Runtime.start(databases.current().settings_for(tmp_path))
    with session_scope(runtime.sessions) as session:
        assert find_staff(session=session, username=DEMO_STAFF_USERNAME) is None
    line = ensure_demo_staff(runtime, None)
    generated = re.fullmatch(rf"demo staff account: {DEMO_STAFF_USERNAME} / (\S+)", line).group(1)
    assert len(generated) >= 12 and signs_in(tmp_path, DEMO_STAFF_USERNAME, generated)
    assert ensure_demo_staff(runtime, "chosen demo password").endswith("(from ASSISTANT_DEMO_STAFF_PASSWORD)")
    assert signs_in(tmp_path, DEMO_STAFF_USERNAME, "chosen demo password")
    assert not signs_in(tmp_path, DEMO_STAFF_USERNAME, generated)

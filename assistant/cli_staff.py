"""`assistant staff`: staff accounts for the console (passwords are hashed with scrypt, never stored)."""

from __future__ import annotations

import secrets
import sys
from typing import Annotated

import typer

from assistant.cli_common import reports_errors, start_runtime
from assistant.errors import UserInputError
from knowledge_base.db import session_scope
from knowledge_base.repositories.staff import add_staff, find_staff, set_password

app = typer.Typer(help="Staff accounts for the console at /admin.", no_args_is_help=True)

DEMO_STAFF_USERNAME = "demo-staff"


def read_password() -> str:
    """Prompt twice without echo on a terminal; read the first line of stdin otherwise (for scripts)."""
    if sys.stdin.isatty():
        return typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise UserInputError("No password on stdin: pipe it in, e.g. `printf '%s\\n' \"$PW\" | assistant staff add NAME`.")
    return line


@app.command("add")
@reports_errors
def add(
    username: str,
    display_name: Annotated[str, typer.Option(help="Name shown to colleagues.")] = "",
    admin: Annotated[bool, typer.Option("--admin", help="May manage other staff accounts.")] = False,
) -> None:
    """Create a staff account; the password is asked for (or read from stdin)."""
    password = read_password()
    runtime = start_runtime()
    with session_scope(runtime.sessions) as session:
        user = add_staff(session=session, username=username, password=password, display_name=display_name,
                         is_admin=admin)
        typer.echo(f"staff account {user.username!r} created{' (admin)' if user.is_admin else ''}")


@app.command("password")
@reports_errors
def password(username: str) -> None:
    """Set a new password for a staff account (asked for, or read from stdin)."""
    new_password = read_password()
    runtime = start_runtime()
    with session_scope(runtime.sessions) as session:
        set_password(session=session, username=username, password=new_password)
    typer.echo(f"password of {username!r} changed")


def ensure_demo_staff(runtime, password: str | None) -> str:
    """Create or reset the demo staff account; returns the line to print (with a generated password)."""
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    with session_scope(runtime.sessions) as session:
        if find_staff(session=session, username=DEMO_STAFF_USERNAME) is None:
            add_staff(session=session, username=DEMO_STAFF_USERNAME, password=password,
                      display_name="Demo staff", is_admin=True)
        else:
            set_password(session=session, username=DEMO_STAFF_USERNAME, password=password)
    shown = password if generated else "(from ASSISTANT_DEMO_STAFF_PASSWORD)"
    return f"demo staff account: {DEMO_STAFF_USERNAME} / {shown}"

"""PostgreSQL backups with ``pg_dump -Fc`` and restores with ``pg_restore``, run as child processes.

The client programs are looked for in Debian's ``/usr/lib/postgresql/<version>/bin`` (newest first), then
on ``PATH``; ``pg_dump`` refuses servers newer than itself, so the versions are compared first and the
error says which version to install.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine, text

from knowledge_base.errors import BackupError, BackupFileError

DEBIAN_ROOTS = (Path("/usr/lib/postgresql"),)
TIMEOUT_S = 3600


def find_pg_tool(name: str, *, roots: Sequence[Path] = DEBIAN_ROOTS, path: str | None = None) -> Path:
    """The newest ``name`` (pg_dump, pg_restore) under ``roots``' version folders, else on ``path``."""
    candidates = []
    for root in roots:
        for binary in Path(root).glob(f"*/bin/{name}"):
            version = binary.parent.parent.name
            candidates.append((int(version) if version.isdigit() else 0, binary))
    if candidates:
        return max(candidates)[1]
    for folder in (path if path is not None else os.environ.get("PATH", "")).split(os.pathsep):
        binary = Path(folder) / name
        if folder and binary.is_file() and os.access(binary, os.X_OK):
            return binary
    raise BackupError(
        f"{name} was not found: install PostgreSQL's client programs of the server's version or newer "
        "(Debian: apt-get install postgresql-client)."
    )


def tool_major_version(binary: Path) -> int:
    """The major version printed by ``binary --version`` (e.g. 15 for 'pg_dump (PostgreSQL) 15.10')."""
    output = _run([str(binary), "--version"], what=f"{binary.name} --version").stdout
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", output) or re.search(r"(\d+)\.\d+", output)
    if not found:
        raise BackupError(f"Could not tell the version of {binary} from {output.strip()!r}.")
    return int(found.group(1))


def check_versions(tool: str, tool_major: int, server_major: int) -> None:
    if tool_major < server_major:
        raise BackupError(
            f"{tool} is PostgreSQL {tool_major}, older than the server's PostgreSQL {server_major}, and cannot "
            f"read its databases: install the client programs of version {server_major} or newer."
        )


def server_major_version(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000


def postgres_backup(engine: Engine, target: Path) -> str | None:
    """``pg_dump -Fc`` into ``target`` (written beside it, then renamed); returns the schema revision."""
    pg_dump = _checked_tool("pg_dump", engine)
    with engine.connect() as connection:
        revision = connection.execute(
            text("SELECT version_num FROM alembic_version")
        ).scalar_one_or_none() if _has_alembic_table(connection) else None
    partial = target.with_name(target.name + ".partial")
    try:
        _run([str(pg_dump), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}",
              *_connection_args(engine)], what="pg_dump", env=_password_env(engine))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return revision


def postgres_restore(engine: Engine, source: Path, known: set[str]) -> str | None:
    """Check that ``source`` is a custom-format dump of this schema, then restore it in one transaction."""
    from knowledge_base.backup import check_revision

    pg_restore = _checked_tool("pg_restore", engine)
    listing = subprocess.run([str(pg_restore), "--list", str(source)], capture_output=True, text=True)
    if listing.returncode != 0:
        raise BackupFileError(
            f"{source} is not a PostgreSQL backup made with pg_dump -Fc: {listing.stderr.strip()}"
        )
    revision = _dumped_revision(pg_restore, source)
    check_revision(source, revision, known)
    _run([str(pg_restore), "--clean", "--if-exists", "--single-transaction", "--no-owner", "--no-privileges",
          *_connection_args(engine), str(source)], what="pg_restore", env=_password_env(engine))
    return revision


def _dumped_revision(pg_restore: Path, source: Path) -> str | None:
    """The row of ``alembic_version`` inside the dump, read without restoring anything."""
    script = _run([str(pg_restore), "--data-only", "--table=alembic_version", "--file=-", str(source)],
                  what="pg_restore --list").stdout
    lines = script.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line and number + 1 < len(lines):
            value = lines[number + 1].strip()
            return None if value == "\\." else value
    return None


def _checked_tool(name: str, engine: Engine) -> Path:
    binary = find_pg_tool(name)
    check_versions(name, tool_major_version(binary), server_major_version(engine))
    return binary


def _has_alembic_table(connection) -> bool:
    return connection.execute(text("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar_one()


def _connection_args(engine: Engine) -> list[str]:
    url = engine.url
    args = [f"--dbname={url.database}"]
    if url.host:
        args.append(f"--host={url.host}")
    if url.port:
        args.append(f"--port={url.port}")
    if url.username:
        args.append(f"--username={url.username}")
    return [*args, "--no-password"]


def _password_env(engine: Engine) -> dict[str, str]:
    env = dict(os.environ)
    if engine.url.password:
        env["PGPASSWORD"] = str(engine.url.password)
    return env


def _run(command: list[str], *, what: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BackupError(f"{what} could not run: {error}") from error
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()[:2000]}")
    return result

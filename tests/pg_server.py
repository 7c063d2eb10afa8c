"""A throwaway PostgreSQL server from Debian's ``postgresql`` package, on a free loopback port.

``initdb`` refuses to run as root, so when the tests run as root the cluster belongs to the ``postgres``
system user (made by the Debian package). The cluster lives in a temporary folder and is removed on stop.
Each caller gets its own fresh database through :meth:`PostgresServer.create_database`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

PG_BIN_ROOT = Path("/usr/lib/postgresql")
SUPERUSER = "assistant"


class PostgresUnavailable(RuntimeError):
    """Debian's PostgreSQL server binaries are not installed here."""


def pg_bin_dir() -> Path:
    """The bin folder of the newest installed PostgreSQL major version."""
    versions = sorted(
        (p for p in PG_BIN_ROOT.glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if not versions:
        raise PostgresUnavailable(f"no PostgreSQL server under {PG_BIN_ROOT} (apt-get install postgresql)")
    return versions[-1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PostgresServer:
    """One running cluster; ``url(db)`` gives a SQLAlchemy URL for psycopg 3."""

    root: Path
    port: int
    bin_dir: Path
    _run_as: list[str] = field(default_factory=list)

    @classmethod
    def start(cls) -> PostgresServer:
        bin_dir = pg_bin_dir()
        root = Path(tempfile.mkdtemp(prefix="assistant-pg-"))
        run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if run_as:
            shutil.chown(root, user="postgres")
        server = cls(root=root, port=_free_port(), bin_dir=bin_dir, _run_as=run_as)
        server._initdb()
        server._pg_ctl("start", "-w", "-l", str(root / "server.log"), "-o", server._options())
        return server

    @property
    def data_dir(self) -> Path:
        return self.root / "cluster"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "kb") -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self.run_tool("createdb", name)
        return self.url(name)

    def run_tool(self, tool: str, *args: str) -> subprocess.CompletedProcess:
        """Run a client program (createdb, pg_dump, ...) of this server's version against it."""
        command = [str(self.bin_dir / tool), "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, *args]
        return subprocess.run(command, check=True, capture_output=True, text=True)

    def halt(self) -> None:
        """Stop the server, closing every client's connection, and keep its data for ``resume``. (A fast
        stop, not an immediate one: this server commits asynchronously, so a crash would lose the last
        commits.)"""
        self._pg_ctl("stop", "-m", "fast")

    def resume(self) -> None:
        """Start the halted server again on the same port; clients reconnect to the same URL."""
        self._pg_ctl("start", "-w", "-l", str(self.root / "server.log"), "-o", self._options())

    def stop(self) -> None:
        try:
            self._pg_ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _initdb(self) -> None:
        self._as_owner(
            str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", SUPERUSER,
            "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
        )

    def _options(self) -> str:
        socket_dir = self.root
        return (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={socket_dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )

    def _pg_ctl(self, *args: str) -> None:
        self._as_owner(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), *args)

    def _as_owner(self, *command: str) -> None:
        result = subprocess.run([*self._run_as, *command], capture_output=True, text=True, cwd=self.root)
        if result.returncode != 0:
            raise PostgresUnavailable(f"{Path(command[0]).name} failed: {result.stderr or result.stdout}")

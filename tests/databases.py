"""Which database the tests run on: SQLite files (default) or a throwaway PostgreSQL server.

``pytest --db-backend=postgresql`` (or ASSISTANT_TEST_DB_BACKEND=postgresql) starts one server for the
run, on first need, and gives every data folder a fresh database of its own; on SQLite a data folder keeps
the application's default ``assistant.db`` inside it. Every test that makes a database asks here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from tests.pg_server import PostgresServer

BACKENDS = ("sqlite", "postgresql")
BACKEND_ENV = "ASSISTANT_TEST_DB_BACKEND"


@dataclass
class DatabaseBackend:
    backend: str = "sqlite"
    _server: PostgresServer | None = None
    _by_folder: dict[Path, str] = field(default_factory=dict)

    @property
    def on_postgresql(self) -> bool:
        return self.backend == "postgresql"

    @property
    def server(self) -> PostgresServer:
        if self._server is None:
            self._server = PostgresServer.start()
        return self._server

    def url_for(self, data_dir: Path) -> str | None:
        """The database a data folder uses: None (the default SQLite file in it) or its own PostgreSQL
        database, the same one each time the folder is asked about."""
        if not self.on_postgresql:
            return None
        key = Path(data_dir).resolve()
        if key not in self._by_folder:
            self._by_folder[key] = self.server.create_database()
        return self._by_folder[key]

    def fresh_url(self, sqlite_file: Path) -> str:
        """A new empty database: ``sqlite_file`` on SQLite, a new PostgreSQL database otherwise."""
        if self.on_postgresql:
            return self.server.create_database()
        return f"sqlite:///{sqlite_file}"

    def settings_for(self, data_dir: Path, **overrides):
        """Settings for ``data_dir`` on this backend's database for it (``overrides`` as keywords)."""
        from assistant.settings import Settings

        return Settings(data_dir=data_dir, database_url=self.url_for(data_dir), **overrides)

    def env_for(self, data_dir: Path) -> dict[str, str]:
        """ASSISTANT_* variables that point the `assistant` command at ``data_dir`` and its database."""
        return {"ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_DATABASE_URL": self.url_for(data_dir) or ""}

    def raw_contents(self, data_dir: Path) -> bytes:
        """Everything the database of ``data_dir`` stores, as bytes: the SQLite file (and its WAL), or a
        pg_dump of the PostgreSQL database."""
        url = self.url_for(data_dir)
        if url is None:
            files = [data_dir / "assistant.db", data_dir / "assistant.db-wal"]
            return b"".join(path.read_bytes() for path in files if path.exists())
        return self.server.run_tool("pg_dump", url.rsplit("/", 1)[1]).stdout.encode()

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


_current = DatabaseBackend(os.environ.get(BACKEND_ENV, "sqlite"))


def configure(backend: str) -> DatabaseBackend:
    """Called once by tests/conftest.py with the chosen backend."""
    global _current
    _current.close()
    _current = DatabaseBackend(backend)
    return _current


def current() -> DatabaseBackend:
    return _current

"""Database engines for the store: SQLite (the default) and any SQLAlchemy URL.

SQLite files are opened in WAL mode with ``synchronous=NORMAL``: readers never block the
writer, and a committed transaction survives the process being killed (a power cut may
lose the last commits, never corrupt the file). Transactions are started explicitly, and
write transactions with ``BEGIN IMMEDIATE`` so two writers queue for the lock
(``busy_timeout``) instead of failing half-way.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import QueuePool

from mizan.detector.errors import MizanError
from mizan.detector.store.migrations import WRITE_OPTION

SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite writer waits for another writer's lock before failing."""


class StoreError(MizanError):
    """The store cannot be opened or used (bad URL, missing driver, unreadable database)."""


def _use_wal(cursor: Any) -> None:
    """Switch a SQLite file to WAL, waiting out a switch made at the same time elsewhere.

    Changing the journal mode needs the file to itself, and SQLite answers "database is
    locked" at once (no busy handler) while another connection does the same, as when several
    scoring processes open a new store together; the switch is retried for the busy timeout.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _is_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or "mode=memory" in str(url)


def is_process_local(url: str) -> bool:
    """Whether a store URL names an in-memory SQLite database (one per process)."""
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and _is_memory(parsed)


def _sqlite_engine(url: URL) -> Engine:
    memory = _is_memory(url)
    if not memory and url.database:
        folder = Path(url.database).expanduser().parent
        if not folder.is_dir():
            raise StoreError(
                f"cannot open the store {url.database}: its folder {folder} does not exist "
                "(create it first; the store never creates folders)"
            )
    options: dict[str, Any] = {
        "connect_args": {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    }
    if memory:
        # One connection, so every thread sees the same in-memory database, lent to one
        # thread at a time: sqlite3 connections must not run two transactions at once.
        options.update(poolclass=QueuePool, pool_size=1, max_overflow=0, pool_timeout=60)
    engine = create_engine(url, **options)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN, not the sqlite3 module.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not memory:
            _use_wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        writing = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    return engine


def create_store_engine(url: str) -> Engine:
    """Return an engine for ``url`` (``sqlite:///path.db``, ``postgresql+psycopg://...``).

    Raises:
        StoreError: the URL is malformed or its database driver is not installed.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise StoreError(f"store URL {url!r} is not a database URL: {error}") from error
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(parsed)
        return create_engine(parsed, pool_pre_ping=True)
    except NoSuchModuleError as error:
        raise StoreError(f"store URL {url!r} names an unknown database: {error}") from error
    except ImportError as error:
        raise StoreError(
            f"the driver for {parsed.drivername} is not installed ({error}); for PostgreSQL "
            "install psycopg and use a postgresql+psycopg:// URL"
        ) from error

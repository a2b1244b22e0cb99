"""Opening the terminal's SQLite store: pragmas, migrations, transactions.

Every connection gets WAL, synchronous=FULL, foreign keys and a busy timeout.
pysqlite's own transaction handling is switched off so that we emit BEGIN
ourselves: BEGIN IMMEDIATE for writes (a deferred BEGIN lets two writers read the
same balance and lose an update), plain BEGIN for reads.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL

BUSY_TIMEOUT_MS = 10_000

# A writer waiting for another connection's write transaction tries again this often
# (ms). SQLite's own busy handler sleeps up to 100 ms between tries: another program's
# importer or directory pull (core.store.chunks), which leaves the file free for a few
# ms between its chunks, would be missed chunk after chunk and a sale at the till wait
# a second.
WRITE_POLL_MS = 5


# With a background Checkpointer, a store's own connections checkpoint only past this
# many WAL pages (about 40 MB), as a safety net should the checkpointer fall behind.
WAL_SAFETY_PAGES = 10_000


# The search box's own connections keep this much of the lookup indexes in their page
# cache (KiB; SQLite's default is 2 MiB). At 1M members a pinyin query ranks thousands
# of keys through ix_members_rank (80 MB there), and the default cache makes each of
# those look-ups a read from the OS: about twice the time.
LOOKUP_CACHE_KIB = 65_536


def _configure(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _begin)
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def configure_lookup(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA cache_size=-{LOOKUP_CACHE_KIB}")
    cur.execute("PRAGMA query_only=ON")
    cur.close()


def _begin(conn: Any) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    if mode == "IMMEDIATE":
        begin_immediate(conn.connection.driver_connection)
    else:
        conn.exec_driver_sql(f"BEGIN {mode}")


def begin_immediate(raw: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, waiting up to BUSY_TIMEOUT_MS for another writer in tries
    WRITE_POLL_MS apart; raises SQLite's "database is locked" after that. The connection's
    own busy timeout is restored for the statements of the transaction."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    raw.execute(f"PRAGMA busy_timeout={WRITE_POLL_MS}")
    try:
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as e:
                busy = getattr(e, "sqlite_errorname", "").startswith("SQLITE_BUSY")
                if not (busy or "locked" in str(e)) or time.monotonic() >= deadline:
                    raise
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def make_engine(path: Path | str, *, wal_autocheckpoint: int | None = None) -> Engine:
    # URL.create, not an f-string: a '?' or '#' in a folder name must stay part of the path.
    engine = create_engine(URL.create("sqlite", database=str(path)), future=True)
    event.listen(engine, "connect", _configure)
    if wal_autocheckpoint is not None:
        event.listen(
            engine,
            "connect",
            lambda conn, _rec: conn.execute(f"PRAGMA wal_autocheckpoint={int(wal_autocheckpoint)}"),
        )
    event.listen(engine, "begin", _begin)
    return engine


def one_line(text: str) -> str:
    return " ".join(text.split())

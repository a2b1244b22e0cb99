"""Checkpointing the write-ahead log off the till's hot path."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

from .connect import BUSY_TIMEOUT_MS

log = logging.getLogger(__name__)


class Checkpointer:
    """Copies the write-ahead log back into the database file off the till's hot path.

    SQLite's automatic checkpoint runs inside whichever commit takes the log past 1,000
    pages, so every hundred sales or so one sale also waits for the database file's
    writes and fsync. This thread checkpoints instead, on its own connection, once the
    store has been idle for `idle` seconds (or after `every` writes when it never is).
    A PASSIVE checkpoint never blocks a writer and never waits for a reader.
    """

    def __init__(
        self, path: Path, *, idle: float = 0.03, every: int = 100, interval: float = 0.02
    ) -> None:
        self.path = path
        self.idle, self.every, self.interval = idle, every, interval
        self.runs = 0
        self.last: tuple[int, int, int] | None = None  # (busy, log pages, checkpointed)
        self._writes = 0
        self._last_write = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="wal-checkpoint", daemon=True)
        self._thread.start()

    def wrote(self) -> None:
        """Called after each committed write transaction."""
        self._writes += 1
        self._last_write = time.monotonic()

    def _loop(self) -> None:
        conn: sqlite3.Connection | None = None
        try:
            while not self._stop.wait(self.interval):
                writes = self._writes
                if not writes:
                    continue
                if writes < self.every and time.monotonic() - self._last_write < self.idle:
                    continue
                self._writes -= writes
                try:
                    if conn is None:
                        conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000)
                    row = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    self.last = (int(row[0]), int(row[1]), int(row[2]))
                    self.runs += 1
                except sqlite3.Error as exc:  # the next commit past the safety net does it
                    log.warning("background checkpoint of %s failed: %s", self.path, exc)
        finally:
            if conn is not None:
                conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()

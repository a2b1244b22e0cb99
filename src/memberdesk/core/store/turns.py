"""Writers of one open store take turns, first come first served.

SQLite lets one writer in at a time and makes the others poll (busy_timeout): a
waiting sale retries every 100 ms or so, and a long job that commits a chunk and at
once begins the next can win every race, so the sale waits for the whole job and
fails. Inside one process the writers queue here instead, and the lock is handed to
the one that has waited longest the moment the current transaction ends: a sale
waits for at most one chunk of an import. (Another process still meets SQLite's
polling; long jobs pause between their chunks for it.)
"""

from __future__ import annotations

import threading
from collections import deque


class WriteTurns:
    """A fair, re-entrant lock: the thread that asked first is served next."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._depth = 0
        self._waiting: deque[tuple[int, threading.Event]] = deque()

    def take(self, timeout: float) -> bool:
        """Wait for this thread's turn; False when `timeout` seconds went by first."""
        me = threading.get_ident()
        with self._lock:
            if self._owner == me:
                self._depth += 1
                return True
            if self._owner is None and not self._waiting:
                self._owner, self._depth = me, 1
                return True
            turn = (me, threading.Event())
            self._waiting.append(turn)
        if turn[1].wait(timeout):
            return True
        with self._lock:
            if turn[1].is_set():  # handed over just as the wait ended
                return True
            self._waiting.remove(turn)
            return False

    def give_back(self) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth:
                return
            if self._waiting:
                ident, event = self._waiting.popleft()
                self._owner, self._depth = ident, 1
                event.set()
            else:
                self._owner = None

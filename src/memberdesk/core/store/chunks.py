"""Long writes in short transactions: rows gathered into chunks, each its own unit of work.

An import (members, items) writes through the operations the till uses, in chunks sized
as it goes so that each takes about CHUNK_S, and a chunk takes no new row after
CHUNK_CAP_S however slow a row turns out (a cold page, a busy disk): a sale at the till
waits for one chunk and one row at most. Between chunks the writer pauses PAUSE_S, room
for another program's writer, which tries every few ms (core.store.connect). A chunk
the store refuses as a whole is written again row by row, each in a savepoint, a refused
row reported and left out. An import stopped part way (cancelled, a full disk) leaves
whole chunks.
"""

from __future__ import annotations

import time
from typing import Generic, Protocol, TypeVar

from ..errors import DomainError
from ..progress import STEP, Progress
from .database import Store
from .uow import UnitOfWork

CHUNK, CHUNK_MIN, CHUNK_MAX = 100, 5, 500  # rows: the first chunk, and the bounds
CHUNK_S = 0.08  # what a chunk is sized to take
CHUNK_CAP_S = 0.12  # after this a chunk takes no new row
PAUSE_S = 0.02  # between chunks; a waiting writer tries every 5 ms (core.store.connect)


class Stopped(Exception):
    """The caller's progress callback raised: stop after the chunks already committed."""


class Row(Protocol):
    row: int  # the row's number in its file


R = TypeVar("R", bound=Row)


class ChunkedWriter(Generic[R]):
    """Rows added one by one, written in chunks. A subclass writes a row (`write_row`),
    reports a refused one (`refused`), audits a chunk (`audit`) and counts what was
    written (`wrote`); `begin` prepares each transaction."""

    def __init__(self, store: Store, total: int, progress: Progress | None) -> None:
        self.store, self.total, self.progress = store, total, progress
        self.done = 0  # rows taken: written or refused
        self.rows: list[R] = []
        self.size = CHUNK
        self.per_row = float("inf")

    # -- for subclasses
    def begin(self, uow: UnitOfWork) -> None:
        """Called at the start of each chunk's transaction."""

    def write_row(self, uow: UnitOfWork, r: R) -> None:
        raise NotImplementedError

    def refused(self, r: R, e: DomainError) -> None:
        raise NotImplementedError

    def audit(self, uow: UnitOfWork, first: R, last: R, written: list[R]) -> None:
        """Called in a chunk's transaction when it wrote anything."""

    def wrote(self, written: list[R]) -> None:
        """Called after a chunk's transaction committed."""

    # -- the writing
    def tell(self, done: int) -> None:
        if self.progress is not None:
            try:
                self.progress(done, self.total)
            except Exception as exc:
                raise Stopped from exc

    def add(self, r: R) -> None:
        self.rows.append(r)
        if len(self.rows) >= self.size:
            self.flush()

    def flush(self) -> None:
        rows, self.rows = self.rows, []
        while rows:
            if self.done:
                time.sleep(PAUSE_S)
            started = time.perf_counter()
            try:
                taken, written = self._write(rows, one_by_one=False)
                # The quickest a row has been written: time spent waiting for the till's
                # turn between sales must not shrink the chunks (and the import's pace).
                self.per_row = min(self.per_row, (time.perf_counter() - started) / taken)
                wanted = int(CHUNK_S / max(self.per_row, 1e-5))
                self.size = max(CHUNK_MIN, min(CHUNK_MAX, wanted, self.size * 2))
            except DomainError as e:
                if e.code.startswith("store."):
                    raise
                taken, written = self._write(rows, one_by_one=True)
            self.done += taken
            self.wrote(written)
            rows = rows[taken:]

    def _write(self, rows: list[R], *, one_by_one: bool) -> tuple[int, list[R]]:
        """One transaction: the rows in order until all are taken or CHUNK_CAP_S has
        passed; one_by_one, each row in a savepoint, a row the store refuses reported
        and left out. Returns how many rows were taken and those written."""
        written: list[R] = []
        taken = 0
        with self.store.write() as uow:
            started = time.perf_counter()
            self.begin(uow)
            for i, r in enumerate(rows, self.done):
                if taken and time.perf_counter() - started > CHUNK_CAP_S:
                    break  # the till may be waiting: the rest go in the next chunk
                taken += 1
                if not one_by_one:
                    if i % STEP == 0:
                        self.tell(i)
                    self.write_row(uow, r)
                    written.append(r)
                    continue
                try:
                    with uow.session.begin_nested():
                        self.write_row(uow, r)
                    written.append(r)
                except DomainError as e:
                    if e.code.startswith("store."):
                        raise
                    self.refused(r, e)
            if written:
                self.audit(uow, rows[0], rows[taken - 1], written)
        return taken, written

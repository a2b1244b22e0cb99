"""An open memberdesk database file: its engines, its write and read transactions, its settings."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from ..clock import Clock, SystemClock, to_utc_naive
from ..errors import DomainError
from . import anchor, connect
from .changes import Changes, collect_changes, committed
from .checkpoint import Checkpointer
from .connect import WAL_SAFETY_PAGES, configure_lookup, make_engine
from .failures import busy_seconds, store_failure
from .migrate import migrate
from .models import Setting
from .turns import WriteTurns
from .uow import UnitOfWork


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


class Store:
    """An open memberdesk database file."""

    def __init__(
        self,
        path: Path | str,
        *,
        clock: Clock | None = None,
        migrate_on_open: bool = True,
        background_checkpoint: bool = False,
    ):
        """`background_checkpoint`: a long-lived store (the till) checkpoints the WAL on a
        thread of its own when idle, instead of inside a sale's commit (see Checkpointer)."""
        self.path = Path(path)
        self.clock: Clock = clock or SystemClock()
        if not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        new = not self.path.exists() or self.path.stat().st_size == 0
        self.engine = make_engine(
            self.path, wal_autocheckpoint=WAL_SAFETY_PAGES if background_checkpoint else None
        )
        self.checkpointer: Checkpointer | None = None
        self._lookup_engine: Engine | None = None
        self._lookup_lock = threading.Lock()
        self.backup_dir = self.path.parent / "backups"
        self.upgrade_backup: str | None = None
        if migrate_on_open:
            try:
                with self._failures():
                    self.upgrade_backup = migrate(
                        self.engine, self.path, self.backup_dir, self.clock
                    )
            except BaseException:
                self.engine.dispose()  # no pooled handle left on a file we refused
                raise
        if new and migrate_on_open:  # a new shop's journal: nothing earlier expected of it
            anchor.forget(self.path)
        self._file = _file_identity(self.path)
        self._gone = False
        self._writer = sessionmaker(
            bind=self.engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False
        )
        self._reader = sessionmaker(bind=self.engine, expire_on_commit=False)
        self._turns = WriteTurns()
        if background_checkpoint:
            self.checkpointer = Checkpointer(self.path)

    @contextmanager
    def write(self) -> Iterator[UnitOfWork]:
        """A write transaction (BEGIN IMMEDIATE); commits on success, rolls back on any error.

        The writers of this store take turns in the order they came (core.store.turns).
        A full disk, a file held by another program or one this user may not write is
        refused as such (core.store.failures). Once it has committed, what it changed
        goes to the collectors open on this thread (`changes`)."""
        if not self._turns.take(connect.BUSY_TIMEOUT_MS / 1000):
            raise DomainError("store.busy", path=str(self.path), seconds=busy_seconds())
        try:
            with self._failures(), self._writer() as session, session.begin():
                uow = UnitOfWork(session, self.clock)
                yield uow
                self._require_same_file()  # else nothing of this transaction is kept
                ends = uow.ends()
        finally:
            self._turns.give_back()
        anchor.note(self.path, *ends)  # committed: the journal and audit log reach these
        if uow.changes:
            committed(uow.changes)
        if self.checkpointer is not None:
            self.checkpointer.wrote()

    def _require_same_file(self) -> None:
        """Refuse to commit when the file under our name is not the one we opened.

        SQLite keeps writing to an open file that was deleted or replaced (a cleaning
        tool, a copy over it, a restore from another program): every sale would be
        acknowledged and then lost when the till closes. One stat per transaction."""
        now = _file_identity(self.path)
        if self._file is None and not self._gone:  # opened before the file was made
            self._file = now
        if not self._gone and now is not None and now == self._file:
            return
        self._gone = True
        raise DomainError("store.file_gone", path=str(self.path))

    def changes(self) -> AbstractContextManager[Changes]:
        """Collect what the transactions committed on this thread inside the block changed
        (core.store.changes)."""
        return collect_changes()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._failures(), self._reader() as session, session.begin():
            yield session

    @contextmanager
    def _failures(self) -> Iterator[None]:
        """SQLite's refusals that a person can act on, as a DomainError naming this file."""
        try:
            yield
        except Exception as exc:
            failure = store_failure(exc, self.path)
            if failure is None:
                raise
            raise failure from exc

    @property
    def lookup_engine(self) -> Engine:
        """Read-only connections for the search box, with a page cache of their own
        (LOOKUP_CACHE_KIB): what the lookups keep there is not pushed out by the jobs
        and lists reading sales on the store's other connections, and the jobs' pages
        never grow to that size."""
        with self._lookup_lock:
            if self._lookup_engine is None:
                engine = make_engine(self.path)
                event.listen(engine, "connect", configure_lookup)
                self._lookup_engine = engine
            return self._lookup_engine

    @contextmanager
    def lookup_read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction on one of the search box's own connections (see
        ``lookup_engine``), as the plain ``sqlite3.Connection`` the lookups run their
        fixed statements on (``core.store.statements`` explains why plain)."""
        with self._failures():
            pooled = self.lookup_engine.raw_connection()
            try:
                con: sqlite3.Connection = pooled.driver_connection  # type: ignore[assignment]
                con.execute("BEGIN")
                try:
                    yield con
                finally:
                    if con.in_transaction:
                        con.execute("COMMIT")
            finally:
                pooled.close()

    def now(self) -> datetime:
        return to_utc_naive(self.clock.now())

    def close(self) -> None:
        if self.checkpointer is not None:
            self.checkpointer.close()
            self.checkpointer = None
        with self._lookup_lock:
            if self._lookup_engine is not None:
                self._lookup_engine.dispose()
                self._lookup_engine = None
        self.engine.dispose()

    # Settings are few and read often; they are plain JSON values.
    def get_setting(self, key: str, default: Any = None) -> Any:
        with self.read() as s:
            row = s.get(Setting, key)
            return default if row is None else row.value

    def all_settings(self) -> dict[str, Any]:
        with self.read() as s:
            return {row.key: row.value for row in s.scalars(select(Setting))}

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""A consistent copy of a live database file (SQLite's online backup API)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from ..errors import DomainError
from ..files import atomic_write
from .connect import BUSY_TIMEOUT_MS
from .failures import store_failure

BACKUP_PAGES = 1024  # pages copied between progress reports (4 MB at SQLite's page size)


def sqlite_backup(
    source: Path, target: Path, progress: Callable[[int, int], None] | None = None
) -> None:
    """Copy a live database with SQLite's online backup API (safe while it is open).

    The copy is written under a temporary name and renamed when complete, so a crash
    never leaves a half-written file under a backup's name; it is a self-contained
    file (rollback journal, no -wal/-shm needed to read it).
    """
    if not source.is_file():
        raise DomainError("store.missing", path=str(source))
    try:
        _copy(source, target, progress)
    except sqlite3.Error as exc:  # a full disk, a folder it may not write: said as such
        failure = store_failure(exc, target)
        if failure is None:
            raise
        raise failure from exc


def _copy(source: Path, target: Path, progress: Callable[[int, int], None] | None) -> None:
    src = sqlite3.connect(str(source), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        # One read transaction over every step: the copy is of one moment of the file, and a
        # sale written meanwhile by another connection does not start it over from page 1
        # (which, on a large file at a busy till, could go on for as long as the selling).
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()
        with atomic_write(target) as partial:
            dst = sqlite3.connect(str(partial))
            try:
                if progress is None:
                    src.backup(dst)
                else:  # report (done, total) pages; raising from it stops and removes the copy
                    src.backup(dst, pages=BACKUP_PAGES,
                               progress=lambda _status, left, total: progress(total - left, total))  # fmt: skip
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
                # A copy that failed (a full disk) leaves its rollback journal; it goes
                # with the half-written copy, which is removed.
                partial.with_name(partial.name + "-journal").unlink(missing_ok=True)
    finally:
        src.close()

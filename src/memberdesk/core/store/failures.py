"""What SQLite's refusals mean to the person at the till.

SQLite says "database or disk is full", "database is locked" or "attempt to write a
readonly database"; a person needs to know which file, what holds it, and what to do.
`store_failure` turns those into a ``DomainError`` naming the file and the cause (the
free space, the folder that cannot be written, the time waited), so the window and the
command line say it in the reader's language instead of an internal error. Anything
else is left as it was: a real bug must still reach the log as one.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from ..errors import DomainError
from ..i18n import N_, Message
from . import connect
from .connect import one_line


def sqlite_error(exc: BaseException) -> sqlite3.Error | None:
    """The sqlite3 error behind `exc` (itself, or what SQLAlchemy wrapped), if any."""
    if isinstance(exc, sqlite3.Error):
        return exc
    if isinstance(exc, DBAPIError) and isinstance(exc.orig, sqlite3.Error):
        return exc.orig
    return None


def store_failure(exc: BaseException, path: Path | str) -> DomainError | None:
    """The refusal a person can act on for SQLite's `exc` on the file `path`; None if
    `exc` is no such failure (a bug, a constraint: let it be raised as it is)."""
    error = sqlite_error(exc)
    if error is None:
        return None
    name = getattr(error, "sqlite_errorname", "") or ""
    text = str(error).lower()
    path = Path(path)
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return DomainError("store.disk_full", path=str(path), free=_free_space(path))
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return DomainError("store.busy", path=str(path), seconds=busy_seconds())
    if name.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH")) or "readonly" in text:
        return DomainError("store.read_only", path=str(path), why=why_not_writable(path))
    if name.startswith("SQLITE_CANTOPEN") and (
        path.exists() or not os.access(path.parent, os.W_OK)
    ):
        return DomainError("store.read_only", path=str(path), why=why_not_writable(path))
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return DomainError("store.io_error", path=str(path), detail=one_line(str(error)))
    return None


def busy_seconds() -> int | str:
    """How long a writer waits for the file before giving up, as a person reads it."""
    ms = connect.BUSY_TIMEOUT_MS
    return ms // 1000 if ms % 1000 == 0 else f"{ms / 1000:g}"


def why_not_writable(path: Path) -> Message:
    """Why this user cannot write the database: the disk, the folder or the file."""
    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return Message(N_("the disk is mounted read-only"))
    except (OSError, AttributeError):  # no statvfs on Windows
        pass
    if not os.access(folder, os.W_OK):
        return Message(
            N_(
                "this user may not write in its folder {folder}, where the database keeps "
                "its -wal and -shm files"
            ),
            folder=str(folder),
        )
    if path.exists() and not os.access(path, os.W_OK):
        return Message(N_("the file is read-only for this user"))
    for side in ("-wal", "-shm"):
        companion = path.with_name(path.name + side)
        if companion.exists() and not os.access(companion, os.W_OK):
            return Message(N_("the file {file} beside it is read-only"), file=companion.name)
    return Message(N_("this user may not write it"))


def _free_space(path: Path) -> Message | str:
    """What is left on the disk holding `path` (cheap: one statvfs), or "unknown"."""
    here = path if path.exists() else path.parent
    try:
        free = shutil.disk_usage(here).free
    except OSError:
        return Message(N_("unknown"))
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if free >= size:
            return f"{free / size:.1f} {unit}"
    return f"{free} B"

"""Backups with SQLite's online backup API: rolling automatic copies, manual ones, restore."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from .clock import Clock, SystemClock, to_utc_naive
from .db import Store, head_revision, sqlite_backup
from .errors import DomainError
from .shop import get_shop

PREFIX = "memberdesk-"
AUTO_INTERVAL = timedelta(hours=24)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime  # naive UTC, from the file name
    size: int


def backup_dir(store: Store) -> Path:
    return store.backup_dir


def backup_now(store: Store, *, keep: int | None = None) -> Path:
    """Copy the live database into the backup folder and drop the oldest beyond `keep`."""
    stamp = to_utc_naive(store.clock.now())
    target = backup_dir(store) / f"{PREFIX}{stamp:%Y%m%d-%H%M%S-%f}.sqlite"
    sqlite_backup(store.path, target)
    _prune(store, keep if keep is not None else get_shop(store).backups_keep)
    return target


def list_backups(store: Store) -> list[BackupInfo]:
    found = []
    for p in sorted(backup_dir(store).glob(f"{PREFIX}*.sqlite")):
        try:
            taken = datetime.strptime(p.stem[len(PREFIX) :], "%Y%m%d-%H%M%S-%f")
        except ValueError:
            continue
        found.append(BackupInfo(p, taken, p.stat().st_size))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def _prune(store: Store, keep: int) -> None:
    for old in list_backups(store)[max(keep, 1) :]:
        old.path.unlink(missing_ok=True)


def auto_backup(store: Store) -> Path | None:
    """Take a backup if the newest one is older than a day (run at start and daily)."""
    newest = next(iter(list_backups(store)), None)
    if newest is not None and store.now() - newest.taken_at < AUTO_INTERVAL:
        return None
    return backup_now(store)


def verify_database_file(path: Path) -> str:
    """Refuse anything that is not a sound memberdesk database; return its schema revision."""
    if not path.is_file():
        raise DomainError("store.missing", path=str(path))
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise DomainError("store.not_memberdesk", path=str(path))
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            raise DomainError("store.corrupt", path=str(path), detail="; ".join(result[:3]))
        try:
            rev = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            conn.execute("SELECT count(*) FROM members").fetchone()
        except sqlite3.DatabaseError as exc:
            raise DomainError("store.not_memberdesk", path=str(path)) from exc
    except sqlite3.DatabaseError as exc:
        raise DomainError("store.corrupt", path=str(path), detail=str(exc)) from exc
    finally:
        conn.close()
    if rev is None:
        raise DomainError("store.not_memberdesk", path=str(path))
    return str(rev[0])


def restore(db_path: Path, source: Path, *, clock: Clock | None = None) -> Path:
    """Replace the database at `db_path` with `source`, after backing up the current one.

    The store must not be open elsewhere in this process. Returns the safety copy.
    Older schema versions are upgraded by the next open.
    """
    clock = clock or SystemClock()
    verify_database_file(source)
    if source.resolve() == db_path.resolve():
        raise DomainError("store.not_memberdesk", path=str(source))
    stamp = to_utc_naive(clock.now())
    safety = db_path.parent / "backups" / f"before-restore-{stamp:%Y%m%d-%H%M%S-%f}.sqlite"
    if db_path.exists():
        sqlite_backup(db_path, safety)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(str(db_path))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return safety


def schema_is_current(path: Path) -> bool:
    return verify_database_file(path) == head_revision()

"""Backups with SQLite's online backup API: rolling automatic copies, manual ones, restore."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ..clock import Clock, SystemClock, to_utc_naive
from ..errors import DomainError
from ..progress import Progress
from ..store.connect import BUSY_TIMEOUT_MS, one_line
from ..store.database import Store
from ..store.migrate import SQLITE_MAGIC, is_known_revision
from ..store.snapshot import sqlite_backup
from .details import get_shop

PREFIX = "memberdesk-"


AUTO_INTERVAL = timedelta(hours=24)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime  # naive UTC, from the file name
    size: int


def backup_dir(store: Store) -> Path:
    return store.backup_dir


def backup_now(store: Store, *, keep: int | None = None, progress: Progress | None = None) -> Path:
    """Copy the live database into the backup folder and drop the oldest beyond `keep`.

    `progress(done, total)` counts pages; raising from it stops the copy and leaves no file.
    """
    stamp = to_utc_naive(store.clock.now())
    target = backup_dir(store) / f"{PREFIX}{stamp:%Y%m%d-%H%M%S-%f}.sqlite"
    while target.exists():  # same instant twice (a stopped clock): never overwrite a backup
        stamp += timedelta(microseconds=1)
        target = backup_dir(store) / f"{PREFIX}{stamp:%Y%m%d-%H%M%S-%f}.sqlite"
    sqlite_backup(store.path, target, progress)
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
    """Take a backup if the newest one is older than a day (run at start and daily).

    A newest backup dated in the future (the clock was wrong once, then corrected)
    does not count, or backups would stop until that date comes round.
    """
    newest = next(iter(list_backups(store)), None)
    if newest is not None and timedelta(0) <= store.now() - newest.taken_at < AUTO_INTERVAL:
        return None
    return backup_now(store)


def _read_only_uri(path: Path) -> str:
    # as_uri() escapes '?', '#' and '%' in folder names and writes Windows drives correctly.
    return path.resolve().as_uri() + "?mode=ro"


def verify_database_file(path: Path) -> str:
    """Refuse anything that is not a sound memberdesk database; return its schema revision."""
    if not path.is_file():
        raise DomainError("store.missing", path=str(path))
    with path.open("rb") as fh:
        if fh.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise DomainError("store.not_memberdesk", path=str(path))
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True)
        conn.text_factory = lambda b: b.decode("utf-8", "replace")
    except sqlite3.Error as exc:
        raise DomainError("store.not_memberdesk", path=str(path)) from exc
    try:
        result = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            detail = "; ".join(one_line(r) for r in result[:3])
            raise DomainError("store.corrupt", path=str(path), detail=detail)
        try:
            rev = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            conn.execute("SELECT count(*) FROM members").fetchone()
        except sqlite3.DatabaseError as exc:
            raise DomainError("store.not_memberdesk", path=str(path)) from exc
    # A damaged page can make SQLite's own error text undecodable: that is damage too.
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise DomainError("store.corrupt", path=str(path), detail=one_line(str(exc))) from exc
    finally:
        conn.close()
    if rev is None or not rev[0]:
        raise DomainError("store.not_memberdesk", path=str(path))
    return str(rev[0])


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and a.samefile(b))
    except OSError:
        return False


def _readable_database(path: Path) -> bool:
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except (sqlite3.Error, UnicodeDecodeError):
        return False
    return True


def restore(db_path: Path, source: Path, *, clock: Clock | None = None) -> Path | None:
    """Replace the database at `db_path` with `source`, after backing up the current one.

    The store must not be open elsewhere in this process. Returns the safety copy
    (None when there was no database yet). Older schema versions are upgraded by the
    next open; a file from a newer memberdesk is refused before anything changes.
    A damaged current database (the usual reason to restore) is kept byte for byte.
    """
    clock = clock or SystemClock()
    if _same_file(source, db_path):
        raise DomainError("restore.same_file", path=str(source))
    rev = verify_database_file(source)
    if not is_known_revision(rev):
        raise DomainError("store.too_new", path=str(source))
    stamp = to_utc_naive(clock.now())
    safety = db_path.parent / "backups" / f"before-restore-{stamp:%Y%m%d-%H%M%S-%f}.sqlite"
    if not db_path.exists():
        _copy_database(source, db_path)
        return None
    if _readable_database(db_path):
        sqlite_backup(db_path, safety)
        _copy_database(source, db_path)
    else:
        _replace_damaged(db_path, source, safety)
    return safety


def _copy_database(source: Path, db_path: Path) -> None:
    """Write `source` into `db_path` in one transaction (SQLite's backup API, WAL-aware)."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(_read_only_uri(source), uri=True)
    try:
        dst = sqlite3.connect(str(db_path), timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _replace_damaged(db_path: Path, source: Path, safety: Path) -> None:
    """The current file cannot be opened as a database: keep its bytes, then write anew."""
    safety.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(db_path, safety)
    for suffix in ("-wal", "-shm", "-journal"):
        side = db_path.with_name(db_path.name + suffix)
        if side.exists():
            shutil.copyfile(side, safety.with_name(safety.name + suffix))
            side.unlink()  # a stale log must never be replayed onto the restored file
    fresh = db_path.with_name(db_path.name + ".restoring")
    fresh.unlink(missing_ok=True)
    _copy_database(source, fresh)
    fresh.replace(db_path)

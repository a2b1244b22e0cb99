"""Backups with SQLite's online backup API: rolling automatic copies, manual ones, restore."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ..clock import Clock, SystemClock, to_utc_naive
from ..errors import DomainError
from ..files import PART_SUFFIX, atomic_write
from ..progress import Progress
from ..store import anchor
from ..store.connect import BUSY_TIMEOUT_MS, one_line
from ..store.database import Store
from ..store.failures import store_failure, why_not_writable
from ..store.journal import (
    STORED_TIME,
    SYNC_SEALED,
    append_unattended_audit,
    held_sync_settings,
    payload_text,
    sealed_sync_settings,
    sync_as_sealed,
    sync_seal_detail,
)
from ..store.migrate import SQLITE_MAGIC, is_known_revision
from ..store.snapshot import sqlite_backup
from .details import ShopInfo, get_shop, read_setting, write_setting
from .staff import Actor, require

PREFIX = "memberdesk-"
PART_STALE_S = 600  # a half-written copy this old was stopped, not running
log = logging.getLogger(__name__)


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
    _require_sound_copy(store.path, target)
    keep = keep if keep is not None else get_shop(store).backups_keep
    _prune(backup_dir(store), keep, target)
    _copy_to_second_folder(store, target, keep)
    return target


def _require_sound_copy(db_path: Path, copy: Path) -> None:
    """A copy of a damaged file (a bad sector the till has not read yet) is kept, but it
    must not push the last sound backups out: stop before pruning, and say so."""
    conn = sqlite3.connect(_read_only_uri(copy), uri=True)
    try:
        result = [str(r[0]) for r in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        result = [str(exc)]
    finally:
        conn.close()
    if result != ["ok"]:
        log.error("backup %s of a damaged database: %s", copy, result[:3])
        raise DomainError("backup.source_damaged", path=str(db_path), backup=str(copy),
                          detail="; ".join(one_line(r) for r in result[:3]))  # fmt: skip


# ---------------------------------------------------------------- a second folder

K_SECOND, K_SECOND_LAST = "backup.second_dir", "backup.second_last"
# The disk the second folder was on when it was chosen, where that is not the shop's own disk.
K_SECOND_DISK = "backup.second_disk"


@dataclass(frozen=True)
class SecondFolder:
    path: Path | None
    last_at: str = ""  # when a copy last went there (ISO, UTC)
    error: str = ""  # why the last copy could not go there (empty when it did)


def second_folder(store: Store) -> SecondFolder:
    with store.read() as s:
        path = read_setting(s, K_SECOND)
        last = read_setting(s, K_SECOND_LAST) or {}
    return SecondFolder(Path(path) if path else None, str(last.get("at", "")),
                        str(last.get("error", "")))  # fmt: skip


def set_second_folder(store: Store, actor: Actor, path: Path | str | None) -> SecondFolder:
    """Where every backup is copied as well (a USB stick, a synced folder); None: nowhere.

    The folder must exist and take a file, and not be the backup folder itself."""
    require(actor, "backup_settings")
    folder = Path(path).expanduser() if path else None
    if folder is not None:
        if not folder.is_dir():
            raise DomainError("backup.second_missing", path=str(folder))
        if _same_file(folder, backup_dir(store)):
            raise DomainError("backup.second_same", path=str(folder))
        probe = folder / f".{PREFIX}probe"
        try:
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise DomainError("backup.second_unwritable", path=str(folder),
                              reason=exc.strerror or str(exc)) from exc  # fmt: skip
    disk = _disk(folder) if folder is not None else None
    with store.write() as uow:
        write_setting(uow.session, K_SECOND, str(folder) if folder else None)
        write_setting(uow.session, K_SECOND_DISK,
                      disk if disk is not None and disk != _disk(store.path.parent) else None)  # fmt: skip
        write_setting(uow.session, K_SECOND_LAST, {})
        uow.audit("backup.second_dir", staff_id=actor.staff_id, staff_name=actor.name,
                  target=str(folder or "")[:80])  # fmt: skip
        uow.touched("backup.configured")
    return second_folder(store)


def _copy_to_second_folder(store: Store, backup: Path, keep: int) -> None:
    """Copy a backup to the second folder; a stick pulled out never fails the backup itself
    (the reason is kept and shown on the backups page)."""
    folder = second_folder(store).path
    if folder is None:
        return
    outcome: dict[str, str] = {"at": to_utc_naive(store.clock.now()).isoformat()}
    try:
        if not folder.is_dir():
            raise FileNotFoundError(2, "folder not found", str(folder))
        with store.read() as s:
            chosen = read_setting(s, K_SECOND_DISK)
        if (
            chosen is not None
            and _disk(folder) != chosen
            and _disk(folder) == _disk(store.path.parent)
        ):
            # The stick is out but its mount point stays behind as an empty folder on the
            # shop's own disk: a copy there would not outlive the disk it is meant to cover.
            raise DomainError("backup.second_not_mounted", path=str(folder))
        _copy_whole(backup, folder / backup.name)
        _prune(folder, keep, folder / backup.name)
    except (OSError, DomainError) as exc:
        reason = exc.message() if isinstance(exc, DomainError) else (exc.strerror or str(exc))
        log.warning("backup not copied to %s: %s", folder, reason)
        outcome["error"] = reason
    with store.write() as uow:
        write_setting(uow.session, K_SECOND_LAST, outcome)


VERIFY_BYTES = 1 << 20  # read back from each end of a copy: its header, its last pages


def _copy_whole(backup: Path, target: Path) -> None:
    """Copy `backup` to `target` (on a USB stick, a share) so that it is on the device,
    whole, under its name before the caller removes anything there: written under a
    temporary name, flushed to the device, checked against the backup (size, then the
    bytes at each end: SQLite's header and the last pages), and only then named, the
    folder flushed too. A copy that does not check out is removed and said as such."""
    with atomic_write(target) as part:
        shutil.copyfile(backup, part)
        with part.open("r+b") as f:  # r+: Windows flushes only a file open for writing
            os.fsync(f.fileno())
        _require_same_copy(backup, part, target)
    _flush_folder(target.parent)


def _require_same_copy(backup: Path, copy: Path, shown: Path) -> None:
    size, got = backup.stat().st_size, copy.stat().st_size
    if got != size:
        raise DomainError("backup.second_short", path=str(shown), size=_size(got),
                          expected=_size(size))  # fmt: skip
    n = min(size, VERIFY_BYTES)
    with backup.open("rb") as a, copy.open("rb") as b:
        head = a.read(n)
        same = head == b.read(n)
        a.seek(size - n)
        b.seek(size - n)
        same = same and a.read(n) == b.read(n)
    if not same or not head.startswith(SQLITE_MAGIC):
        raise DomainError("backup.second_differs", path=str(shown))


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.1f} KB"


def _flush_folder(folder: Path) -> None:
    """Flush a folder's entries (a file's new name) to its device; where a folder cannot
    be opened so (Windows), renaming there is already written through."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _disk(path: Path) -> int:
    """The device a folder is on (a USB stick, a share, the shop's own disk)."""
    return path.stat().st_dev


def list_backups(store: Store) -> list[BackupInfo]:
    """This till's backups, newest first (a second shop file beside this one shares the
    folder: its backups are not this till's to list, restore or count as today's)."""
    till = _shop_of(store.path)[0]
    return [b for b in _backups_in(backup_dir(store)) if not _of_another_till(b.path, till)]


def _of_another_till(path: Path, till: str | None) -> bool:
    """Whether the backup at `path` names a till other than `till` (one that cannot be read
    names none)."""
    other = _shop_of(path)[0]
    return other is not None and other != till


def backup_taken_at(path: Path) -> datetime | None:
    """When the backup at `path` was taken (naive UTC, from its name: a backup's or the copy
    a restore kept); None for a file not named as either is."""
    prefix = next((p for p in (PREFIX, RESTORE_COPY) if path.name.startswith(p)), None)
    if prefix is None or path.suffix != ".sqlite":
        return None
    try:
        return datetime.strptime(path.stem[len(prefix) :], "%Y%m%d-%H%M%S-%f")
    except ValueError:
        return None


def _backups_in(folder: Path) -> list[BackupInfo]:
    found = []
    for p in sorted(folder.glob(f"{PREFIX}*.sqlite")):
        taken = backup_taken_at(p)
        if taken is None:
            continue
        found.append(BackupInfo(p, taken, p.stat().st_size))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def _prune(folder: Path, keep: int, latest: Path) -> None:
    """Keep `latest` (the backup just taken) and the newest others, `keep` in all, and
    remove what stopped copies left behind.

    Backups are ordered by the time in their names, which is the clock's: with the clock
    set back, the copy just taken has the oldest name, yet it holds the newest data.

    Only this till's backups count: a folder it shares with another till (one USB stick
    for two tills, two shops' files in one data folder) keeps the other's backups."""
    mine = _shop_of(latest)[0]
    others = [
        b for b in _backups_in(folder) if b.path != latest and not _of_another_till(b.path, mine)
    ]
    for old in others[max(keep, 1) - 1 :]:
        old.path.unlink(missing_ok=True)
    stale = time.time() - PART_STALE_S
    for part in [
        *folder.glob(f"{PREFIX}*{PART_SUFFIX}"),
        *folder.glob(f"{PREFIX}*{PART_SUFFIX}-journal"),
    ]:
        with contextlib.suppress(OSError):
            if part.stat().st_mtime < stale:  # not a copy running right now
                part.unlink()


def backup_due(store: Store) -> bool:
    """Whether the newest backup is older than a day (or there is none).

    A newest backup dated in the future (the clock was wrong once, then corrected)
    does not count, or backups would stop until that date comes round.
    """
    newest = next(iter(list_backups(store)), None)
    return newest is None or not timedelta(0) <= store.now() - newest.taken_at < AUTO_INTERVAL


def auto_backup(store: Store) -> Path | None:
    """Take a backup if the newest one is older than a day (run at start, and by a window
    left open, every hour it finds one due)."""
    return backup_now(store) if backup_due(store) else None


def _read_only_uri(path: Path) -> str:
    # as_uri() escapes '?', '#' and '%' in folder names and writes Windows drives correctly.
    uri = path.resolve().as_uri() + "?mode=ro"
    if not os.access(path.parent, os.W_OK) and not _side(path, "-wal").exists():
        # A WAL-mode file (the shop's own file, copied as it is) on a write-protected stick
        # or share: SQLite cannot make the -shm file it reads such a file with. No -wal
        # beside it means the file alone is the whole database, and nothing can change it.
        uri += "&immutable=1"
    return uri


def _side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


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


def readable_database(path: Path) -> bool:
    """Whether SQLite reads the file; a file another program holds locked is refused as
    such (store.busy), never taken for a damaged one that may be replaced."""
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        failure = store_failure(exc, path)
        if failure is not None and failure.code == "store.busy":
            raise failure from exc
        return False
    except UnicodeDecodeError:
        return False
    return True


@dataclass(frozen=True)
class Restored:
    safety: Path | None  # the previous database, kept (None when there was none)
    carried: int = 0  # outbox rows after the backup's, carried onto the restored file
    unsent: int = 0  # of them, not yet acknowledged by HQ: they will be sent
    syncs: bool = False  # the till has a head office


# Numbers that must never go back: receipts per day and kind, generated cards, coupons (a
# coupon's number is in its code, which a customer holds and head office knows).
_COUNTERS = "key LIKE 'receipt.seq.%' OR key = 'card.next_seq' OR key = 'coupon.seq'"


def unsent_records(db_path: Path) -> int:
    """Records of the database at `db_path` its head office has not acknowledged (0 when
    it syncs to none, or cannot be read)."""
    if not db_path.exists() or not readable_database(db_path) or not _syncs(db_path):
        return 0
    conn = sqlite3.connect(_read_only_uri(db_path), uri=True)
    try:
        row = conn.execute(
            "SELECT count(*) FROM outbox WHERE state IN ('pending', 'inflight')"
        ).fetchone()
    except sqlite3.Error:
        return 0
    finally:
        conn.close()
    return int(row[0])


@dataclass(frozen=True)
class RestorePreview:
    """What a restore takes off this till: the records made after the backup's last one.
    They stay in the copy the restore keeps and, for a till with a head office, reach HQ
    (carried over), but the till itself no longer shows them."""

    records: int = 0  # every record made after the backup
    sales: int = 0
    refunds: int = 0
    topups: int = 0
    members: int = 0  # members issued after the backup
    unsent: int = 0  # records head office has not received yet
    syncs: bool = False
    taken_at: datetime | None = None  # when the backup was taken (naive UTC), if its name says


_LOST_KINDS = {"sale.completed": "sales", "sale.refunded": "refunds", "wallet.topup": "topups",
               "member.issued": "members"}  # fmt: skip


def restore_preview(db_path: Path, source: Path) -> RestorePreview:
    """What restoring `source` over the database at `db_path` takes off this till (nothing
    when the current database cannot be read: there is nothing left to lose from it)."""
    if not db_path.exists() or not readable_database(db_path):
        return RestorePreview(taken_at=backup_taken_at(source))
    conn = sqlite3.connect(_read_only_uri(source), uri=True)
    try:
        last = conn.execute("SELECT coalesce(max(seq), 0) FROM outbox").fetchone()[0]
    except sqlite3.Error:
        last = 0
    finally:
        conn.close()
    conn = sqlite3.connect(_read_only_uri(db_path), uri=True)
    try:
        by_kind = dict(
            conn.execute(
                "SELECT kind, count(*) FROM outbox WHERE seq > ? GROUP BY kind", (int(last),)
            ).fetchall()
        )
    except sqlite3.Error:
        by_kind = {}
    finally:
        conn.close()
    counts = {field: int(by_kind.get(kind, 0)) for kind, field in _LOST_KINDS.items()}
    return RestorePreview(
        records=sum(int(n) for n in by_kind.values()), unsent=unsent_records(db_path),
        syncs=_syncs(db_path), taken_at=backup_taken_at(source), **counts,
    )  # fmt: skip


def check_restore_source(db_path: Path, source: Path) -> None:
    """Refuse a source that is the live file, damaged, foreign or from a newer memberdesk
    (nothing is opened for writing)."""
    if _same_file(source, db_path):
        raise DomainError("restore.same_file", path=str(source))
    rev = verify_database_file(source)
    if not is_known_revision(rev):
        raise DomainError("store.too_new", path=str(source))


RESTORE_COPY = "before-restore-"  # backups/before-restore-<UTC time>.sqlite
RESTORE_COPIES_MIN = 3  # each holds data no other file has: never fewer, whatever `keep`


def restore(
    db_path: Path, source: Path, *, clock: Clock | None = None, carry_unsent: bool = False,
    other_shop: bool = False, keep: int | None = None,
) -> Restored:  # fmt: skip
    """Replace the database at `db_path` with `source`, after backing up the current one.

    The store must not be open elsewhere in this process. Older schema versions are
    upgraded by the next open; a file from a newer memberdesk is refused before anything
    changes. A damaged current database (the usual reason to restore) is kept byte for byte.

    What HQ has not got is never dropped: a current database with records not yet sent
    is refused unless `carry_unsent`. When the current database is readable, everything
    it recorded after the backup's last record (sent or not) is carried onto the restored
    file as its sync history — so the till goes on where it was, HQ sees no gap and no
    second version of a number, and the unsent ones are sent — and its receipt and card
    counters never go back. A backup of another shop or till is refused unless `other_shop`.

    The copy of the current data it keeps (backups/before-restore-*.sqlite) joins those of
    earlier restores; once the restore is done, the newest `keep` of them stay (default:
    as many as the rolling backups, at least RESTORE_COPIES_MIN), the one just made always.
    """
    clock = clock or SystemClock()
    check_restore_source(db_path, source)
    _require_writable(db_path)
    stamp = to_utc_naive(clock.now())
    safety = db_path.parent / "backups" / f"{RESTORE_COPY}{stamp:%Y%m%d-%H%M%S-%f}.sqlite"
    # The note of the file's ends (core/store/anchor.py) is forgotten before the file is
    # replaced and set to the new one's after: a restore stopped in between leaves none,
    # never one the file in place does not reach.
    if not db_path.exists():
        anchor.forget(db_path)
        _copy_database(source, db_path)
        anchor.reset(db_path, stamp)
        return Restored(None)
    if not readable_database(db_path):
        anchor.forget(db_path)
        _replace_damaged(db_path, source, safety)
        anchor.reset(db_path, stamp)
        _prune_restore_copies(db_path, safety, keep)
        return Restored(safety)
    if not other_shop:
        _require_same_shop(db_path, source)
    unsent = unsent_records(db_path)
    if unsent and not carry_unsent:
        raise DomainError("restore.unsent", n=unsent)
    # The restored file is made whole beside the current one (the backup at this version's
    # schema, then what it carries over), and only then put in its place: a restore stopped
    # at any moment leaves either the current data or the restored, never a mix.
    fresh = db_path.with_name(db_path.name + ".restoring")
    upgrade_copies = _upgrade_copies(db_path)
    try:
        sqlite_backup(db_path, safety)
        _remove_database(fresh)
        _copy_database(source, fresh)
        Store(fresh, clock=clock).close()
        carried = _carry_forward(fresh, safety, stamp)
        _settle(db_path)
        anchor.forget(db_path)
        fresh.replace(db_path)
        anchor.reset(db_path, stamp)
    except BaseException as exc:
        # Refused or failed before the file was replaced (another window has it open, a
        # full disk): the current data is as it was, so no copy is left behind — nor the
        # one an older backup's upgrade kept of the file being restored.
        _remove_database(fresh)
        _remove_database(safety)
        for copy in _upgrade_copies(db_path) - upgrade_copies:
            _remove_database(copy)
        failure = store_failure(exc, db_path) if isinstance(exc, sqlite3.Error) else None
        if failure is not None:
            raise failure from exc
        raise
    _prune_restore_copies(db_path, safety, keep)
    return Restored(safety, carried, unsent, syncs=_syncs(db_path))


def _prune_restore_copies(db_path: Path, latest: Path, keep: int | None) -> None:
    """After a restore: keep `latest` (the data it just replaced) and the newest other
    before-restore copies, `keep` in all (the shop's backups setting unless given, at least
    RESTORE_COPIES_MIN); remove the older ones with their side files.

    Ordered by the time in their names, as the rolling backups are; only this till's
    count (a second shop file in the same folder keeps its own)."""
    if keep is None:
        keep = _keep_setting(latest) or _keep_setting(db_path) or ShopInfo().backups_keep
    keep = max(keep, RESTORE_COPIES_MIN)
    # the till the data replaced was, and the one restored (a backup of another till's
    # taken over with other_shop): a copy naming neither is another shop file's
    mine = {_shop_of(latest)[0], _shop_of(db_path)[0]} - {None}
    found = []
    for p in latest.parent.glob(f"{RESTORE_COPY}*.sqlite"):
        try:
            taken = datetime.strptime(p.stem[len(RESTORE_COPY) :], "%Y%m%d-%H%M%S-%f")
        except ValueError:
            continue
        till = _shop_of(p)[0]
        if p != latest and (till is None or not mine or till in mine):
            found.append((taken, p))
    for _, old in sorted(found, reverse=True)[keep - 1 :]:
        with contextlib.suppress(OSError):  # a copy that will not go is no failed restore
            _remove_database(old)


def _keep_setting(path: Path) -> int | None:
    """The number of backups the shop keeps, as the database at `path` says (None when it
    says nothing or cannot be read)."""
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True)
        try:
            row = conn.execute(
                "SELECT value FROM settings WHERE key = 'shop.backups_keep'"
            ).fetchone()
        finally:
            conn.close()
    except (sqlite3.Error, UnicodeDecodeError):
        return None
    if row is None:
        return None
    try:
        value = int(json.loads(row[0]) if isinstance(row[0], str) else row[0])
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def _upgrade_copies(db_path: Path) -> set[Path]:
    """The copies kept before a schema upgrade (core/store/migrate.py) in the backups folder
    of the database at `db_path`; opening the file being restored from an older backup
    makes one there."""
    return set((db_path.parent / "backups").glob("before-upgrade-*.sqlite"))


def _require_writable(db_path: Path) -> None:
    """Refuse a restore into a folder that cannot be written (a disk mounted read-only, a
    folder of another user) before anything is done, as such: a database there that
    SQLite cannot open for reading is not damaged, only out of reach."""
    folder = db_path.parent
    try:
        (folder / "backups").mkdir(parents=True, exist_ok=True)
        for place in (folder, folder / "backups"):  # the new file, the current one kept
            probe = place / f".{PREFIX}restore-probe"
            probe.write_bytes(b"")
            probe.unlink()
    except OSError as exc:
        raise DomainError(
            "store.read_only", path=str(db_path), why=why_not_writable(db_path)
        ) from exc


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _settle(db_path: Path) -> None:
    """Fold the current file's log into it and drop the log files, so that the file put in
    its place next is never read with a stale log."""
    conn = sqlite3.connect(str(db_path), timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)


def _syncs(path: Path) -> bool:
    """Whether the database at `path` has a head office to sync to."""
    conn = sqlite3.connect(_read_only_uri(path), uri=True)
    try:
        return conn.execute("SELECT 1 FROM settings WHERE key = 'sync.url'").fetchone() is not None
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def _shop_of(path: Path) -> tuple[str | None, str | None]:
    conn = sqlite3.connect(_read_only_uri(path), uri=True)
    try:
        rows = dict(
            conn.execute(
                "SELECT key, value FROM settings WHERE key IN ('shop.terminal_id', 'shop.store_code')"
            ).fetchall()
        )
    except (sqlite3.Error, UnicodeDecodeError):
        return None, None
    finally:
        conn.close()
    return rows.get("shop.terminal_id"), rows.get("shop.store_code")


def _store_code(stored: str | None) -> str:
    """A store code as the settings keep it (JSON); a shop that never set one has the default."""
    if not stored:
        return ShopInfo().store_code
    try:
        return str(json.loads(stored))
    except ValueError:
        return stored


def _require_same_shop(db_path: Path, source: Path) -> None:
    (here, here_store), (there, there_store) = _shop_of(db_path), _shop_of(source)
    if here and there and here != there:
        raise DomainError(
            "restore.other_shop", path=str(source), store=_store_code(there_store),
            here=_store_code(here_store),
        )  # fmt: skip


def _carry_forward(db_path: Path, previous: Path, stamp: datetime) -> int:
    """Carry the previous file's later sync history and counters onto the restored file."""
    conn = sqlite3.connect(str(db_path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        conn.execute("ATTACH DATABASE ? AS previous", (_read_only_uri(previous),))
        conn.execute("BEGIN IMMEDIATE")
        mine = [r[1] for r in conn.execute("PRAGMA main.table_info(outbox)")]
        theirs = {r[1] for r in conn.execute("PRAGMA previous.table_info(outbox)")}
        cols = ", ".join(c for c in mine if c in theirs)
        last = conn.execute("SELECT coalesce(max(seq), 0) FROM main.outbox").fetchone()[0]
        carried = conn.execute(
            f"INSERT INTO main.outbox ({cols}) SELECT {cols} FROM previous.outbox "
            "WHERE seq > ? ORDER BY seq",
            (last,),
        ).rowcount
        for key, value in conn.execute(
            f"SELECT key, value FROM previous.settings WHERE {_COUNTERS}"
        ):
            conn.execute(
                "INSERT INTO main.settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE "
                "SET value = excluded.value WHERE CAST(excluded.value AS INTEGER) > "
                "CAST(settings.value AS INTEGER)",
                (key, value),
            )
        # What the link to HQ knows did not go back with the data — but for the copy of the
        # chain's directory, which did: the backup's cursor stays, so the next pull brings
        # every member changed since, with the entries of the records carried here (whose
        # changes stayed in the old file) counted by HQ with everyone else's.
        conn.execute(
            "INSERT OR REPLACE INTO main.settings (key, value) "
            "SELECT key, value FROM previous.settings WHERE key LIKE 'sync.%' "
            "AND key NOT LIKE 'sync.directory%'"
        )
        _keep_sync_target(conn, stamp)
        if carried:
            first = conn.execute("SELECT min(seq) FROM previous.outbox WHERE seq > ?", (last,))
            span = [first.fetchone()[0], last + carried]
            row = conn.execute("SELECT value FROM main.settings WHERE key = 'restore.carried'")
            spans = json.loads((row.fetchone() or ["[]"])[0])
            spans.append(span)
            conn.execute(
                "INSERT OR REPLACE INTO main.settings (key, value) VALUES ('restore.carried', ?)",
                (json.dumps(spans),),
            )
            _audit_carried(conn, stamp, previous.name[:80],
                           json.dumps({"first_seq": span[0], "last_seq": span[1], "rows": carried}))  # fmt: skip
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE previous")
        conn.execute("PRAGMA journal_mode=DELETE")  # one self-contained file to put in place
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()
    return carried


SYNC_SEALED_FROM = "0021"  # the schema from which the sync target is sealed (its migration)


def _sync_target(conn: sqlite3.Connection, schema: str) -> tuple | None:
    """Where the file at `schema` may sync to: what the last act that set it there sealed;
    for a file from before that was sealed (its upgrade seals what it holds), what it holds."""
    execute = conn.execute
    sealed = sealed_sync_settings(execute, schema)
    if sealed is not None:
        return sealed
    version = conn.execute(f"SELECT version_num FROM {schema}.alembic_version").fetchone()
    held = held_sync_settings(execute, schema)
    if version is not None and str(version[0]) < SYNC_SEALED_FROM and held != (None, None):
        return held
    return None


def _keep_sync_target(conn: sqlite3.Connection, stamp: datetime) -> None:
    """The restored file syncs where the till did before (or, if it never synced, where the
    backup did) — as last set at a till, never an address written into either file — and
    seals it, when it is not what the backup last sealed."""
    target = _sync_target(conn, "previous") or _sync_target(conn, "main")
    for key, value in zip(("sync.url", "sync.terminal_id"), target or (None, None), strict=True):
        if value is None:
            conn.execute("DELETE FROM main.settings WHERE key = ?", (key,))
        else:
            conn.execute("INSERT OR REPLACE INTO main.settings (key, value) VALUES (?, ?)",
                         (key, json.dumps(value)))  # fmt: skip
    held = held_sync_settings(conn.execute, "main")
    if sync_as_sealed(held, sealed_sync_settings(conn.execute, "main")):
        return
    append_unattended_audit(conn.execute, stamp.strftime(STORED_TIME),
                            [(SYNC_SEALED, str(held[0] or ""),
                              payload_text(sync_seal_detail(*held)))], schema="main")  # fmt: skip


def _audit_carried(conn: sqlite3.Connection, stamp: datetime, target: str, detail: str) -> None:
    """The audit entry of a carried span, sealed to the entry before it (the restored file
    was brought to this version's schema first)."""
    append_unattended_audit(conn.execute, stamp.strftime(STORED_TIME),
                            [("restore.carried", target, detail)], schema="main")  # fmt: skip


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

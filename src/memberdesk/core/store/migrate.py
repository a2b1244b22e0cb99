"""Bringing a store file to the newest schema: what a file holds, Alembic's upgrade in one
transaction, and the copy taken before it.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from ..clock import Clock, to_utc_naive
from ..errors import DomainError
from .connect import BUSY_TIMEOUT_MS, one_line
from .failures import store_failure
from .snapshot import sqlite_backup

if TYPE_CHECKING:
    from alembic.config import Config


log = logging.getLogger(__name__)


MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


# The newest migration in MIGRATIONS/versions. Opening a file that is already at this
# revision needs no Alembic (which, with Mako and Pygments, costs a good part of the
# start-up time); Alembic is imported only to upgrade or to judge another revision.
# tests/integration/test_head_revision.py fails when a migration is added without it.
HEAD_REVISION = "0024"


SQLITE_MAGIC = b"SQLite format 3\x00"


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    return HEAD_REVISION


def is_known_revision(rev: str) -> bool:
    if rev == HEAD_REVISION:
        return True
    from alembic.script import ScriptDirectory

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(rev) is not None
    except Exception:  # alembic raises several kinds for a revision it has never heard of
        return False


def _refusal(exc: sqlite3.Error | UnicodeDecodeError, path: Path) -> DomainError:
    """Why the file could not be read: busy, unwritable (a WAL file needs its folder),
    damaged, or not ours."""
    failure = store_failure(exc, path)
    if failure is not None:
        return failure
    name = getattr(exc, "sqlite_errorname", "")
    if name.startswith("SQLITE_CORRUPT") or isinstance(exc, UnicodeDecodeError):
        return DomainError("store.corrupt", path=str(path), detail=one_line(str(exc)))
    return DomainError("store.not_memberdesk", path=str(path))


def inspect_file(path: Path) -> str | None:
    """The schema revision of the memberdesk database at `path`; None when it holds nothing yet.

    Looks without changing anything: no WAL switch, no writes (query_only), so a file
    of another program, or one written by a newer memberdesk, is refused exactly as
    it was found. Raises store.not_memberdesk / store.too_new / store.corrupt.
    """
    if not path.exists():
        return None
    if not path.is_file():
        raise DomainError("store.not_memberdesk", path=str(path))
    with path.open("rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if head and head != SQLITE_MAGIC:
        raise DomainError("store.not_memberdesk", path=str(path))
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise _refusal(exc, path) from exc
    try:
        conn.execute("PRAGMA query_only=ON")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            return None
        if "alembic_version" not in tables:
            raise DomainError("store.not_memberdesk", path=str(path))
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        raise _refusal(exc, path) from exc
    finally:
        conn.close()
    if row is None or not row[0]:
        raise DomainError("store.not_memberdesk", path=str(path))
    rev = str(row[0])
    if not is_known_revision(rev):
        raise DomainError("store.too_new", path=str(path))
    return rev


def _upgrade(engine: Engine) -> None:
    """Run every pending migration in ONE transaction: all of them, or none.

    Foreign keys are switched off meanwhile (batch migrations rebuild tables, and
    dropping a referenced table with them on fails) and checked before commit.
    """
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        raw.execute("PRAGMA foreign_keys=OFF")  # only takes effect outside a transaction
        # A batch migration drops a table and renames its rebuilt copy to the old name: with
        # SQLite's newer ALTER TABLE, a trigger of another table that reads it (call_log's
        # reads members) fails the rename, as the table is briefly missing. The legacy rename
        # leaves triggers as they are, and they read the rebuilt table by the same name.
        raw.execute("PRAGMA legacy_alter_table=ON")
        try:
            # IMMEDIATE: a second process opening the same old file waits, then finds it current.
            conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                from alembic import command

                cfg = alembic_config()
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(
                        f"migration left {len(broken)} rows with broken foreign keys, e.g. {broken[0]}"
                    )
        finally:
            raw.execute("PRAGMA legacy_alter_table=OFF")
            raw.execute("PRAGMA foreign_keys=ON")


def migrate(engine: Engine, path: Path, backup_dir: Path, clock: Clock) -> str | None:
    """Bring the file to the newest schema; copy it first if it already holds data.

    Returns the path of the pre-migration copy, if one was made.
    """
    rev = inspect_file(path)
    if rev == head_revision():
        return None
    copy = None
    if rev is not None:
        stamp = to_utc_naive(clock.now()).strftime("%Y%m%d-%H%M%S-%f")
        copy_path = backup_dir / f"before-upgrade-{rev}-{stamp}.sqlite"
        sqlite_backup(path, copy_path)
        copy = str(copy_path)
        log.info("backed up %s to %s before upgrading from %s", path, copy_path, rev)
    _upgrade(engine)
    return copy

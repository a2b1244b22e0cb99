"""Opening the terminal's SQLite store: pragmas, migrations, transactions.

Every connection gets WAL, synchronous=FULL, foreign keys and a busy timeout.
pysqlite's own transaction handling is switched off so that we emit BEGIN
ourselves: BEGIN IMMEDIATE for writes (a deferred BEGIN lets two writers read the
same balance and lose an update), plain BEGIN for reads.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from .clock import Clock, SystemClock, to_utc_naive
from .errors import DomainError
from .models import AuditEntry, OutboxEvent, Setting

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
BUSY_TIMEOUT_MS = 10_000


def _configure(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _begin)
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _begin(conn: Any) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(path: Path | str) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _configure)
    event.listen(engine, "begin", _begin)
    return engine


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def sqlite_backup(source: Path, target: Path) -> None:
    """Copy a live database with SQLite's online backup API (safe while it is open)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _is_empty_database(engine: Engine) -> bool:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
    return not rows


def migrate(engine: Engine, path: Path, backup_dir: Path, clock: Clock) -> str | None:
    """Bring the file to the newest schema; copy it first if it already holds data.

    Returns the path of the pre-migration copy, if one was made.
    """
    script = ScriptDirectory.from_config(alembic_config())
    head = head_revision()
    try:
        rev = current_revision(engine)
    except Exception as exc:  # not a database at all
        raise DomainError("store.not_memberdesk", path=str(path)) from exc
    if rev == head:
        return None
    empty = _is_empty_database(engine)
    if rev is None and not empty:
        raise DomainError("store.not_memberdesk", path=str(path))
    if rev is not None:
        try:
            script.get_revision(rev)
        except Exception as exc:
            raise DomainError("store.too_new", path=str(path)) from exc
    copy = None
    if not empty:
        stamp = to_utc_naive(clock.now()).strftime("%Y%m%d-%H%M%S")
        copy_path = backup_dir / f"before-upgrade-{rev}-{stamp}.sqlite"
        sqlite_backup(path, copy_path)
        copy = str(copy_path)
        log.info("backed up %s to %s before upgrading from %s", path, copy_path, rev)
    cfg = alembic_config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.commit()
    return copy


class UnitOfWork:
    """One user action = one write transaction, with its outbox rows inside it."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.now = to_utc_naive(clock.now())

    def emit(self, kind: str, aggregate_id: str, payload: dict[str, Any]) -> OutboxEvent:
        event_row = OutboxEvent(
            kind=kind,
            aggregate_id=aggregate_id,
            payload=payload,
            created_at=self.now,
            state="pending",
        )
        self.session.add(event_row)
        return event_row

    def audit(
        self,
        action: str,
        *,
        staff_id: str | None,
        staff_name: str,
        target: str = "",
        detail: dict[str, Any] | None = None,
        authorised_by: str | None = None,
    ) -> None:
        self.session.add(
            AuditEntry(
                at=self.now,
                staff_id=staff_id,
                staff_name=staff_name,
                authorised_by=authorised_by,
                action=action,
                target=target,
                detail=detail or {},
            )
        )


class Store:
    """An open memberdesk database file."""

    def __init__(
        self, path: Path | str, *, clock: Clock | None = None, migrate_on_open: bool = True
    ):
        self.path = Path(path)
        self.clock: Clock = clock or SystemClock()
        if not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = make_engine(self.path)
        self.backup_dir = self.path.parent / "backups"
        self.upgrade_backup: str | None = None
        if migrate_on_open:
            self.upgrade_backup = migrate(self.engine, self.path, self.backup_dir, self.clock)
        self._writer = sessionmaker(
            bind=self.engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False
        )
        self._reader = sessionmaker(bind=self.engine, expire_on_commit=False)

    @contextmanager
    def write(self) -> Iterator[UnitOfWork]:
        """A write transaction (BEGIN IMMEDIATE); commits on success, rolls back on any error."""
        with self._writer() as session, session.begin():
            yield UnitOfWork(session, self.clock)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session, session.begin():
            yield session

    def now(self) -> datetime:
        return to_utc_naive(self.clock.now())

    def close(self) -> None:
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

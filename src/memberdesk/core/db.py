"""Opening the terminal's SQLite store: pragmas, migrations, transactions.

Every connection gets WAL, synchronous=FULL, foreign keys and a busy timeout.
pysqlite's own transaction handling is switched off so that we emit BEGIN
ourselves: BEGIN IMMEDIATE for writes (a deferred BEGIN lets two writers read the
same balance and lose an update), plain BEGIN for reads.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections import namedtuple
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, Table, create_engine, event, select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from .clock import Clock, SystemClock, shop_date, to_utc_naive
from .errors import DomainError
from .models import AuditEntry, Base, OutboxEvent, Setting, new_id

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# The newest migration in MIGRATIONS/versions. Opening a file that is already at this
# revision needs no Alembic (which, with Mako and Pygments, costs a good part of the
# start-up time); Alembic is imported only to upgrade or to judge another revision.
# tests/integration/test_head_revision.py fails when a migration is added without it.
HEAD_REVISION = "0008"
BUSY_TIMEOUT_MS = 10_000
# With a background Checkpointer, a store's own connections checkpoint only past this
# many WAL pages (about 40 MB), as a safety net should the checkpointer fall behind.
WAL_SAFETY_PAGES = 10_000
SQLITE_MAGIC = b"SQLite format 3\x00"
# The search box's own connections keep this much of the lookup indexes in their page
# cache (KiB; SQLite's default is 2 MiB). At 1M members a pinyin query ranks thousands
# of keys through ix_members_rank (80 MB there), and the default cache makes each of
# those look-ups a read from the OS: about twice the time.
LOOKUP_CACHE_KIB = 65_536


def _configure(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _begin)
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _configure_lookup(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA cache_size=-{LOOKUP_CACHE_KIB}")
    cur.execute("PRAGMA query_only=ON")
    cur.close()


def _begin(conn: Any) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(path: Path | str, *, wal_autocheckpoint: int | None = None) -> Engine:
    # URL.create, not an f-string: a '?' or '#' in a folder name must stay part of the path.
    engine = create_engine(URL.create("sqlite", database=str(path)), future=True)
    event.listen(engine, "connect", _configure)
    if wal_autocheckpoint is not None:
        event.listen(
            engine,
            "connect",
            lambda conn, _rec: conn.execute(f"PRAGMA wal_autocheckpoint={int(wal_autocheckpoint)}"),
        )
    event.listen(engine, "begin", _begin)
    return engine


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    return HEAD_REVISION


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_known_revision(rev: str) -> bool:
    if rev == HEAD_REVISION:
        return True
    from alembic.script import ScriptDirectory

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(rev) is not None
    except Exception:  # alembic raises several kinds for a revision it has never heard of
        return False


def _refusal(exc: sqlite3.Error | UnicodeDecodeError, path: Path) -> DomainError:
    name = getattr(exc, "sqlite_errorname", "")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return DomainError("store.busy", path=str(path))
    if name.startswith("SQLITE_CORRUPT") or isinstance(exc, UnicodeDecodeError):
        return DomainError("store.corrupt", path=str(path), detail=one_line(str(exc)))
    return DomainError("store.not_memberdesk", path=str(path))


def one_line(text: str) -> str:
    return " ".join(text.split())


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
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(str(source), timeout=BUSY_TIMEOUT_MS / 1000)
    try:
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
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    partial.replace(target)


def _upgrade(engine: Engine) -> None:
    """Run every pending migration in ONE transaction: all of them, or none.

    Foreign keys are switched off meanwhile (batch migrations rebuild tables, and
    dropping a referenced table with them on fails) and checked before commit.
    """
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        raw.execute("PRAGMA foreign_keys=OFF")  # only takes effect outside a transaction
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


class Checkpointer:
    """Copies the write-ahead log back into the database file off the till's hot path.

    SQLite's automatic checkpoint runs inside whichever commit takes the log past 1,000
    pages, so every hundred sales or so one sale also waits for the database file's
    writes and fsync. This thread checkpoints instead, on its own connection, once the
    store has been idle for `idle` seconds (or after `every` writes when it never is).
    A PASSIVE checkpoint never blocks a writer and never waits for a reader.
    """

    def __init__(
        self, path: Path, *, idle: float = 0.03, every: int = 100, interval: float = 0.02
    ) -> None:
        self.path = path
        self.idle, self.every, self.interval = idle, every, interval
        self.runs = 0
        self.last: tuple[int, int, int] | None = None  # (busy, log pages, checkpointed)
        self._writes = 0
        self._last_write = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="wal-checkpoint", daemon=True)
        self._thread.start()

    def wrote(self) -> None:
        """Called after each committed write transaction."""
        self._writes += 1
        self._last_write = time.monotonic()

    def _loop(self) -> None:
        conn: sqlite3.Connection | None = None
        try:
            while not self._stop.wait(self.interval):
                writes = self._writes
                if not writes:
                    continue
                if writes < self.every and time.monotonic() - self._last_write < self.idle:
                    continue
                self._writes -= writes
                try:
                    if conn is None:
                        conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000)
                    row = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    self.last = (int(row[0]), int(row[1]), int(row[2]))
                    self.runs += 1
                except sqlite3.Error as exc:  # the next commit past the safety net does it
                    log.warning("background checkpoint of %s failed: %s", self.path, exc)
        finally:
            if conn is not None:
                conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


class UnitOfWork:
    """One user action = one write transaction, with its outbox rows inside it."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.now = to_utc_naive(clock.now())
        self._pending: list[tuple[Table, dict[str, Any] | Base]] | None = None

    def today(self, tz: str) -> date:
        """The business date of this transaction in the shop's time zone.

        Derived from ``now`` so a builder that replays history (demo, benchmark) can
        set ``uow.now`` before each operation inside one transaction.
        """
        return shop_date(self.now, tz)

    def emit(self, kind: str, aggregate_id: str, payload: dict[str, Any]) -> str:
        """Append an outbox row for this change; returns its event id."""
        event_id = new_id()
        self.insert(
            OUTBOX,
            {"event_id": event_id, "kind": kind, "aggregate_id": aggregate_id, "payload": payload,
             "created_at": self.now, "state": "pending", "batch_id": None, "reason": ""},
        )  # fmt: skip
        return event_id

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
        self.insert(
            AUDIT,
            {"at": self.now, "staff_id": staff_id, "staff_name": staff_name,
             "authorised_by": authorised_by, "action": action, "target": target,
             "detail": detail or {}},
        )  # fmt: skip

    # Append-only rows (sales, ledgers, outbox, audit) are written with prebuilt Core
    # INSERTs rather than through the ORM's unit of work: they are never updated in
    # the same transaction, and the ORM's per-object bookkeeping cost more than
    # SQLite's work. Rows given as ORM objects are read at write time, so an
    # operation may still fill in a field (a sale's details) inside ``rows()``.

    def insert(self, table: Table, row: dict[str, Any] | Base) -> None:
        """Write one append-only row now, or at the end of the enclosing ``rows()`` block."""
        if self._pending is not None:
            self._pending.append((table, row))
        else:
            self._write([(table, row)])

    @contextmanager
    def rows(self) -> Iterator[None]:
        """Collect the rows inserted inside the block and write them, in order, at its end.

        Lets an operation write a parent row first (the sale) and fill in what only the
        children determine (balances after it) before anything reaches the database.
        """
        outer, self._pending = self._pending, []
        try:
            yield
            pending = self._pending
        finally:
            self._pending = outer
        if outer is not None:
            outer.extend(pending)
        elif pending:
            self._write(pending)

    def _write(self, rows: list[tuple[Table, dict[str, Any] | Base]]) -> None:
        write_rows(self.session, rows)


def write_rows(session: Session, rows: list[tuple[Table, dict[str, Any] | Base]]) -> None:
    """INSERT `rows` ((table, values or unsaved ORM object), in order) on the transaction's
    own connection, grouped into executemany where consecutive rows share a shape."""
    if session.new:  # rows added to the session may be what ours point at
        session.flush()
    conn = session.connection()
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    dialect = conn.dialect
    try:
        group: list[tuple[Any, ...]] = []
        shape: _RawInsert | None = None
        for table, row in rows:
            values = row if isinstance(row, dict) else row_values(table, row)
            stmt = _raw_insert(table, tuple(values), dialect)
            if stmt is not shape and group:
                shape.run(cursor, group)  # type: ignore[union-attr]
                group = []
            shape = stmt
            group.append(stmt.params(values))
        if group:
            shape.run(cursor, group)  # type: ignore[union-attr]
    finally:
        cursor.close()


def raw_connection(session: Session) -> sqlite3.Connection:
    """The transaction's own sqlite3 connection, for the few fixed statements every sale runs.

    SQLAlchemy's per-statement work costs more than SQLite's for these; they see the
    same transaction. Nothing is autoflushed: callers read only what is written at once.
    """
    return session.connection().connection.driver_connection  # type: ignore[return-value]


def select_rows(
    session: Session, table: Table, keys: tuple[str, ...], where: str, params: tuple[Any, ...]
) -> list[Any]:
    """Rows of `table` (named tuples of `keys`) matching a fixed `where` clause, read on the
    transaction's own connection through the columns' result processors.

    For the few reads on a till's hot path that need no ORM object; the values are
    what SQLAlchemy would return (dates, JSON, booleans).
    """
    stmt = _RAW_SELECTS.get((table, keys, where))
    if stmt is None:
        stmt = _RAW_SELECTS[(table, keys, where)] = _RawSelect(table, keys, where, session)
    return stmt.run(raw_connection(session), params)


class _RawSelect:
    def __init__(self, table: Table, keys: tuple[str, ...], where: str, session: Session) -> None:
        dialect = session.get_bind().dialect
        quote = dialect.identifier_preparer.quote
        cols = [table.c[k] for k in keys]
        self.sql = f"SELECT {', '.join(quote(c.name) for c in cols)} FROM {quote(table.name)} WHERE {where}"
        self.procs = [c.type._cached_result_processor(dialect, None) for c in cols]
        self.row = namedtuple(f"{table.name}_row", keys)  # type: ignore[misc]

    def run(self, conn: sqlite3.Connection, params: tuple[Any, ...]) -> list[Any]:
        procs, make = self.procs, self.row._make
        return [
            make(p(v) if p is not None else v for p, v in zip(procs, raw, strict=True))
            for raw in conn.execute(self.sql, params)
        ]


_RAW_SELECTS: dict[tuple[Table, tuple[str, ...], str], _RawSelect] = {}


def update_row(
    session: Session, table: Table, values: dict[str, Any], where: str, params: tuple[Any, ...]
) -> int:
    """UPDATE the columns in `values` of the `table` rows matching a fixed `where` clause, on
    the transaction's own connection; returns how many rows matched.

    The values go through the columns' bind processors, so the stored text is what the
    ORM would write. An ORM object of the row that the session holds would not see the
    change: callers update rows the session has not loaded.
    """
    key = (table, tuple(values), where)
    stmt = _RAW_UPDATES.get(key)
    if stmt is None:
        stmt = _RAW_UPDATES[key] = _RawUpdate(table, key[1], where, session)
    return stmt.run(raw_connection(session), values, params)


class _RawUpdate:
    def __init__(self, table: Table, keys: tuple[str, ...], where: str, session: Session) -> None:
        dialect = session.get_bind().dialect
        quote = dialect.identifier_preparer.quote
        cols = [table.c[k] for k in keys]
        sets = ", ".join(f"{quote(c.name)} = ?" for c in cols)
        self.sql = f"UPDATE {quote(table.name)} SET {sets} WHERE {where}"
        self.procs = [c.type._cached_bind_processor(dialect) for c in cols]

    def run(self, conn: sqlite3.Connection, values: dict[str, Any], params: tuple[Any, ...]) -> int:
        bound = [
            p(v) if p is not None else v for p, v in zip(self.procs, values.values(), strict=True)
        ]
        return conn.execute(self.sql, (*bound, *params)).rowcount


_RAW_UPDATES: dict[tuple[Table, tuple[str, ...], str], _RawUpdate] = {}


class _RawInsert:
    """One table's INSERT for one set of columns, run on the DBAPI cursor.

    The values go through the columns' own bind processors (JSON, dates, booleans), so
    the stored text is what SQLAlchemy would write; only its per-statement bookkeeping
    (about 0.1 ms a statement, more than SQLite's work) is skipped.
    """

    def __init__(self, table: Table, keys: tuple[str, ...], dialect: Any) -> None:
        quote = dialect.identifier_preparer.quote
        cols = [table.c[k] for k in keys]
        self.keys = keys
        self.sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for c in cols)}) "
            f"VALUES ({', '.join('?' * len(cols))})"
        )
        self.procs = [c.type._cached_bind_processor(dialect) for c in cols]

    def params(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(
            p(values[k]) if p is not None else values[k]
            for k, p in zip(self.keys, self.procs, strict=True)
        )

    def run(self, cursor: sqlite3.Cursor, group: list[tuple[Any, ...]]) -> None:
        if len(group) == 1:
            cursor.execute(self.sql, group[0])
        else:
            cursor.executemany(self.sql, group)


_INSERTS: dict[tuple[Table, tuple[str, ...]], _RawInsert] = {}


def _raw_insert(table: Table, keys: tuple[str, ...], dialect: Any) -> _RawInsert:
    stmt = _INSERTS.get((table, keys))
    if stmt is None:
        stmt = _INSERTS[(table, keys)] = _RawInsert(table, keys, dialect)
    return stmt


def row_values(table: Table, obj: Base) -> dict[str, Any]:
    """The column values of a not-yet-saved ORM object, with the columns' Python defaults.

    A generated primary key is set on the object too, so the caller knows the id.
    """
    state = obj.__dict__
    values: dict[str, Any] = {}
    for col in table.columns:
        value = state.get(col.key)
        if value is None:
            default = col.default
            if default is None:
                if col is table.autoincrement_column:
                    continue  # SQLite assigns it
            else:
                value = default.arg(None) if default.is_callable else default.arg
                if col.primary_key:
                    setattr(obj, col.key, value)
        values[col.key] = value
    return values


OUTBOX: Table = OutboxEvent.__table__  # type: ignore[assignment]
AUDIT: Table = AuditEntry.__table__  # type: ignore[assignment]


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
                self.upgrade_backup = migrate(self.engine, self.path, self.backup_dir, self.clock)
            except BaseException:
                self.engine.dispose()  # no pooled handle left on a file we refused
                raise
        self._writer = sessionmaker(
            bind=self.engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False
        )
        self._reader = sessionmaker(bind=self.engine, expire_on_commit=False)
        if background_checkpoint:
            self.checkpointer = Checkpointer(self.path)

    @contextmanager
    def write(self) -> Iterator[UnitOfWork]:
        """A write transaction (BEGIN IMMEDIATE); commits on success, rolls back on any error."""
        with self._writer() as session, session.begin():
            yield UnitOfWork(session, self.clock)
        if self.checkpointer is not None:
            self.checkpointer.wrote()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session, session.begin():
            yield session

    @property
    def lookup_engine(self) -> Engine:
        """Read-only connections for the search box, with a page cache of their own
        (LOOKUP_CACHE_KIB): what the lookups keep there is not pushed out by the jobs
        and lists reading sales on the store's other connections, and the jobs' pages
        never grow to that size."""
        with self._lookup_lock:
            if self._lookup_engine is None:
                engine = make_engine(self.path)
                event.listen(engine, "connect", _configure_lookup)
                self._lookup_engine = engine
            return self._lookup_engine

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

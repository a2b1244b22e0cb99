"""HQ's database: PostgreSQL in production, an SQLite file for a trial.

`open_database(url)` makes the engine and brings the schema to HQ's newest
revision (HQ's own Alembic history, separate from the terminal's). On SQLite,
write transactions begin IMMEDIATE (batches from several terminals serialise
instead of failing) and readers use WAL; on PostgreSQL the batch applier locks
the terminal's row, so two copies of one request apply one after the other.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from ..core.errors import DomainError
from ..core.i18n import N_
from ..paths import APP

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "hq_alembic_version"
SQLITE_BUSY_MS = 30_000
# Any constant: serialises concurrent schema upgrades of one PostgreSQL database.
MIGRATION_LOCK = 0x6D64_6871
# The PostgreSQL driver HQ installs (`.[hq]`): a URL naming no driver, or PostgreSQL's own
# `postgres://` spelling, means this one, not SQLAlchemy's default psycopg2.
PG_DRIVER = "postgresql+psycopg"

# Why HQ will not use the database it was given (never the URL itself: it may hold a password).
DB_MESSAGES = {
    "hq.db_url_invalid": N_(
        "--db is not a database address: give postgresql+psycopg://USER@HOST/DATABASE "
        "or an SQLite file's path"
    ),
    "hq.db_kind": N_(
        "HQ runs on PostgreSQL (postgresql+psycopg://USER@HOST/DATABASE) or, for a trial, "
        "an SQLite file; not on {kind}"
    ),
    "hq.db_missing": N_(
        "there is no HQ database at {path}: check --db (a trial's file is made by add-store "
        "or serve)"
    ),
    "hq.schema_newer": N_(
        "this database was brought to a newer HQ schema ({found}) than this memberdesk-hq "
        "knows ({known}): install the new version here before running it (docs/hq-deploy.md, "
        "Upgrading)"
    ),
    "hq.not_hq_database": N_(
        "the database given with --db holds tables that are not HQ's ({tables}): it may be "
        "a till's file or another program's; HQ adds its tables only to an empty database "
        "or its own, and has changed nothing here"
    ),
}


class DatabaseRefused(DomainError):
    """HQ will not open this database; nothing was written to it."""

    @property
    def msgid(self) -> str:
        return DB_MESSAGES[self.code]


def default_url() -> str:
    env = os.environ.get("MEMBERDESK_HQ_DB", "").strip()
    if env:
        return env
    from platformdirs import user_data_dir

    return str(
        URL.create("sqlite", database=str(Path(user_data_dir(APP, appauthor=False)) / "hq.sqlite"))
    )


def normalize_url(url_or_path: str) -> str:
    """Accept a SQLAlchemy URL or a plain file path (an SQLite trial database)."""
    if "://" in url_or_path:
        scheme, rest = url_or_path.split("://", 1)
        if scheme.lower() in ("postgresql", "postgres"):
            return f"{PG_DRIVER}://{rest}"
        return url_or_path
    return URL.create("sqlite", database=str(Path(url_or_path).expanduser())).render_as_string()


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    conn.exec_driver_sql(f"BEGIN {conn.get_execution_options().get('sqlite_begin', 'DEFERRED')}")


@dataclass(frozen=True)
class Pool:
    """The PostgreSQL connections one HQ process may hold: `size` kept open, `overflow` more
    at a peak. A worker's requests wait for one (`timeout` seconds, then 503) rather than
    open more, so workers × (size + overflow) is the whole budget (docs/hq-deploy.md)."""

    size: int = 4
    overflow: int = 2
    timeout: float = 10.0

    @property
    def most(self) -> int:
        return self.size + self.overflow


def parse_url(url_or_path: str) -> URL:
    """The database HQ is given, refused in words when it is no address HQ can use."""
    try:
        url = make_url(normalize_url(url_or_path))
        backend = url.get_backend_name()
    except (ArgumentError, ValueError):
        raise DatabaseRefused("hq.db_url_invalid") from None
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseRefused("hq.db_kind", kind=backend)
    return url


def make_engine(url_or_path: str, pool: Pool | None = None) -> Engine:
    url = parse_url(url_or_path)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    pool = pool or Pool()
    # No ping before each use (a round trip per request): a connection that died with a
    # restarted server fails its one request (503, which a till retries) and SQLAlchemy
    # then replaces every connection the pool held.
    return create_engine(url, pool_size=pool.size, max_overflow=pool.overflow,
                         pool_timeout=pool.timeout)  # fmt: skip


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def writer(engine: Engine) -> Engine:
    """The engine to write through: BEGIN IMMEDIATE on SQLite, unchanged elsewhere."""
    return engine.execution_options(sqlite_begin="IMMEDIATE") if is_sqlite(engine) else engine


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest HQ schema, in one transaction."""
    with writer(engine).begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        cfg = alembic_config()
        _check_is_hq(conn, ScriptDirectory.from_config(cfg))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _check_is_hq(conn: Connection, script: ScriptDirectory) -> None:
    """Refuse, before anything is written, a database of a newer HQ (an old version run
    against it would fail in the middle, or write to tables it does not know) and one that
    is not HQ's at all (a till's file, another program's database given by mistake)."""
    found = MigrationContext.configure(
        conn, opts={"version_table": VERSION_TABLE}
    ).get_current_heads()
    if found:
        unknown = [rev for rev in found if rev not in {s.revision for s in script.walk_revisions()}]
        if unknown:
            raise DatabaseRefused("hq.schema_newer", found=", ".join(unknown),
                                  known=script.get_current_head())  # fmt: skip
        return
    others = sorted(t for t in inspect(conn).get_table_names() if not t.startswith("hq_"))
    if others:
        shown = ", ".join(others[:3]) + (", …" if len(others) > 3 else "")
        raise DatabaseRefused("hq.not_hq_database", tables=shown)


def open_database(url_or_path: str, pool: Pool | None = None, *, create: bool = True) -> Engine:
    """The database at HQ's schema. `create=False`: an SQLite file that is not there is
    refused instead of made (a command that only reads or changes what exists, given a
    mistyped path, would otherwise answer from a new, empty HQ)."""
    url = parse_url(url_or_path)
    path = url.database if url.get_backend_name() == "sqlite" else None
    if not create and path not in (None, "", ":memory:") and not Path(path).is_file():
        raise DatabaseRefused("hq.db_missing", path=path)
    engine = make_engine(url_or_path, pool)
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def on_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def driver_cursor(conn: Connection):
    """A cursor of the connection's driver (psycopg) in its transaction: the statements of
    every batch go this way on PostgreSQL, without SQLAlchemy's work per statement."""
    return conn.connection.driver_connection.cursor()

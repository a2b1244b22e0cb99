"""Plain statements: the one way core runs SQL beneath the ORM, on the transaction's connection.

Design note. An operation reaches its data in ONE transaction, opened by
``Store.write()`` / ``Store.read()``. The ORM (``uow.session``) is the default way
in: it reads and writes models and is what most operations use. Where SQLAlchemy's
per-statement bookkeeping costs more than SQLite's own work (about 0.1 ms a
statement, more than a sale's whole indexed read or insert), an operation on the
till's hot path — checkout, refund, the lookups, the counters that number cards and
receipts, the outbox — uses this module instead, and nothing else:

- ``write_rows`` / ``select_rows`` / ``update_row``: table-shaped INSERT, SELECT and
  UPDATE with a fixed WHERE clause. Values pass through the columns' own bind and
  result processors (``type.dialect_impl(dialect).bind_processor`` and
  ``.result_processor``, public API), so what is stored and read back is exactly what
  the ORM would write and return (JSON, dates, booleans); the SQL and its processors
  are built once per (table, columns, clause).
- ``raw_connection``: the transaction's own ``sqlite3.Connection`` for fixed SQL with
  ``?`` parameters (aggregates, counters, ``PRAGMA``), for callers that need no type
  processing.

Both see the transaction the session opened (the same connection), so a plain
statement and an ORM read in one operation agree. Nothing is autoflushed: a caller
mixing the two flushes first (``write_rows`` does) or reads only what it wrote
plainly. No module outside ``core.store`` reaches for the DBAPI connection itself.
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from .models import Base


def write_rows(session: Session, rows: list[tuple[Table, dict[str, Any] | Base]]) -> None:
    """INSERT `rows` ((table, values or unsaved ORM object), in order) on the transaction's
    own connection, grouped into executemany where consecutive rows share a shape."""
    if session.new:  # rows added to the session may be what ours point at
        session.flush()
    conn = session.connection()
    cursor = raw_connection(session).cursor()
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
        self.procs = [c.type.dialect_impl(dialect).result_processor(dialect, None) for c in cols]
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
        self.procs = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in cols]

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
        self.procs = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in cols]

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

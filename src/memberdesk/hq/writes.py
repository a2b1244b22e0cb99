"""Writing a batch's rows: on PostgreSQL by COPY and one statement per kind of row,
executemany elsewhere; members where their version wins; parked refunds once their sale
has come."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, Table, and_, case, or_, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .db import driver_cursor, on_postgres
from .lookups import CHUNK, present
from .models import cards, events, members, parked_refunds, sales
from .projections import Context, Source, plan

EVENT_COLUMNS = ("terminal_id", "epoch", "seq", "event_id", "kind", "aggregate_id", "store_code",
                 "business_date", "created_at", "received_at", "batch_id", "status", "reason",
                 "code", "params", "payload")  # fmt: skip


@dataclass
class Tuples:
    """Rows built as tuples in the order of `columns`, JSON columns as their text on
    PostgreSQL (as COPY takes them: no dict per row to take apart again)."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]

    def __len__(self) -> int:
        return len(self.rows)


def write_rows(conn: Connection, work: list[tuple[Table, list[dict[str, Any]] | Tuples]]) -> None:
    """Insert the rows of several tables: on PostgreSQL by COPY, one per table (a quarter of
    the client's CPU of a multi-row insert even for a till's ten events, and the least work
    for the server); executemany elsewhere. A JSON column `x` whose row also has `x_text`
    is written as that text (encoded once already)."""
    work = [(table, rows) for table, rows in work if rows]
    if not work:
        return
    if not on_postgres(conn):
        for table, rows in work:
            if isinstance(rows, Tuples):
                rows = [dict(zip(rows.columns, row, strict=True)) for row in rows.rows]
            if any(f"{c.name}_text" in rows[0] for c in table.columns):
                rows = [{k: v for k, v in row.items() if k in table.c} for row in rows]
            conn.execute(table.insert(), rows)
        return
    with driver_cursor(conn) as cursor:
        for table, rows in work:
            columns, values = (rows.columns, rows.rows) if isinstance(rows, Tuples) else \
                _values(table, rows)  # fmt: skip
            with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)


def _values(table: Table, rows: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """The rows' columns and values as the driver takes them, JSON as its text."""
    columns = [c.name for c in table.columns if c.name in rows[0]]
    as_json = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]
    take = itemgetter(*columns)
    out = []
    for row in rows:
        try:
            values = list(take(row)) if len(columns) > 1 else [take(row)]
        except KeyError:  # a row without some column: NULL there
            values = [row.get(c) for c in columns]
        for i in as_json:
            if values[i] is not None:
                done = row.get(f"{columns[i]}_text")
                values[i] = done if done is not None else json.dumps(values[i], ensure_ascii=False)
        out.append(values)
    return columns, out


MEMBER_CHANGES = ("terminal_id", "card_no", "name", "phone", "tier", "status", "version", "data",
                  "updated_at", "epoch", "seq", "superseded")  # fmt: skip
# Newer member versions win; so does anything over a superseded row, and a new epoch of
# the same terminal even with a lower version (its till was restored).
MEMBER_WINS = ("hq_members.superseded OR excluded.version > hq_members.version OR "
               "(hq_members.terminal_id = excluded.terminal_id AND excluded.epoch > hq_members.epoch)")  # fmt: skip
# A version HQ published stays behind every later one, so that every till takes the row
# again, also when a restored till's lower version wins.
MEMBER_VERSION = ("CASE WHEN excluded.version > hq_members.version THEN excluded.version "
                  "ELSE hq_members.version + 1 END")  # fmt: skip


def upsert_members(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Write the members the batch sent where their version wins (MEMBER_WINS)."""
    if not rows:
        return
    if on_postgres(conn):
        # One statement for all of them, the rows as one JSON text (one per member id: the
        # batch's latest): a statement per member cost a round of the protocol each, on
        # both sides.
        columns = [c.name for c in members.columns if c.name in rows[0]]
        changes = ", ".join(
            f"{c} = {MEMBER_VERSION}" if c == "version" else f"{c} = excluded.{c}"
            for c in MEMBER_CHANGES
        )
        listed = ", ".join(columns)
        with driver_cursor(conn) as cursor:
            cursor.execute(
                f"INSERT INTO hq_members ({listed}) SELECT {listed} FROM "
                "json_populate_recordset(NULL::hq_members, %s::json) "
                f"ON CONFLICT (id) DO UPDATE SET {changes} WHERE {MEMBER_WINS}",
                (_json_rows(rows, columns),),
            )
        return
    stmt = sqlite_insert(members)
    new = stmt.excluded
    version = case((new.version > members.c.version, new.version), else_=members.c.version + 1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[members.c.id],
        set_={**{c: new[c] for c in MEMBER_CHANGES}, "version": version},
        where=or_(
            members.c.superseded,
            new.version > members.c.version,
            and_(members.c.terminal_id == new.terminal_id, new.epoch > members.c.epoch),
        ),
    )
    conn.execute(stmt, rows)


def _json_rows(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """Rows as one JSON text for json_populate_recordset: times and dates as ISO text,
    a JSON column as its value (PostgreSQL takes it as it is)."""
    return json.dumps([{c: row.get(c) for c in columns} for row in rows], ensure_ascii=False,
                      default=_iso)  # fmt: skip


def _iso(value: Any) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def remember_cards(conn: Connection, rows: list[dict[str, Any]], now: datetime) -> None:
    """Every card number a member event carried, so a till can ask whether one is in use."""
    numbers: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["card_no"]:
            numbers.setdefault(row["card_no"], row)
    if not numbers:
        return
    if on_postgres(conn):
        with driver_cursor(conn) as cursor:
            cursor.execute(
                "INSERT INTO hq_cards (card_no, member_id, store_code, first_seen_at) "
                "SELECT c.card_no, c.member_id, c.store_code, %s FROM json_to_recordset(%s::json) "
                "AS c(card_no text, member_id text, store_code text) "
                "ON CONFLICT (card_no) DO NOTHING",
                (now, json.dumps([{"card_no": n, "member_id": r["id"], "store_code": r["store_code"]}
                                  for n, r in numbers.items()], ensure_ascii=False)),
            )  # fmt: skip
        return
    stmt = sqlite_insert(cards).on_conflict_do_nothing(index_elements=[cards.c.card_no])
    conn.execute(stmt, [{"card_no": n, "member_id": r["id"], "store_code": r["store_code"],
                         "first_seen_at": now} for n, r in numbers.items()])  # fmt: skip


def apply_parked(conn: Connection, sale_ids: list[str], now: datetime) -> int:
    """Apply the parked refunds of sales that have just arrived (same store only)."""
    sale_ids = sorted(present(conn, parked_refunds, "sale_id", sale_ids))  # usually none
    waiting = []
    for i in range(0, len(sale_ids), CHUNK):
        waiting.extend(conn.execute(
            select(parked_refunds, events.c.payload, events.c.created_at, sales.c.store_code.label("owner"))
            .join(events, and_(events.c.terminal_id == parked_refunds.c.terminal_id,
                               events.c.epoch == parked_refunds.c.epoch,
                               events.c.seq == parked_refunds.c.seq))
            .join(sales, sales.c.id == parked_refunds.c.sale_id)
            .where(parked_refunds.c.sale_id.in_(sale_ids[i : i + CHUNK]),
                   parked_refunds.c.applied_at.is_(None), parked_refunds.c.superseded.is_(False))
        ).all())  # fmt: skip
    rows: dict[Table, list[dict[str, Any]]] = {}
    applied: list[str] = []
    for w in waiting:
        if w.owner != w.store_code:
            continue  # the sale is another store's: the refund stays parked and is listed
        payload = w.payload if isinstance(w.payload, dict) else json.loads(w.payload)
        ctx = Context(w.terminal_id, w.store_code, "UTC", w.epoch)
        for table, row in plan("sale.refunded", payload, Source(ctx, w.seq, w.created_at)).rows:
            rows.setdefault(table, []).append(row)
        applied.append(w.refund_id)
    write_rows(conn, list(rows.items()))  # the refund first, then its tender lines
    for i in range(0, len(applied), CHUNK):
        conn.execute(
            update(parked_refunds)
            .where(parked_refunds.c.refund_id.in_(applied[i : i + CHUNK]))
            .values(applied_at=now)
        )
    return len(applied)

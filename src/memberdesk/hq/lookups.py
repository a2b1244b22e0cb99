"""What HQ's tables hold about a batch's new events, asked before it is judged: which
event ids are held already and by whom, the owning store of what the events touch, the
record ids held, the refunds parked for the batch's sales, and the membership scope —
on PostgreSQL in one round trip."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Row, Table, bindparam, select, text

from .db import driver_cursor, on_postgres
from .directory import ChainSettings
from .models import chain_settings, parked_refunds, refunds
from .ownership import OWNED_IN, load_owners, members_shared, sale_members

CHUNK = 500  # ids per IN (…) list
SCOPE_KEY = "membership_scope"  # the chain setting that says whether members are shared


def present(conn: Connection, table: Table, column: str, ids: list[str]) -> set[str]:
    """Which of `ids` the table already holds in `column` (one query per chunk)."""
    if not ids:
        return set()
    if conn.dialect.name == "postgresql":  # one array parameter instead of a thousand
        return set(
            conn.scalars(
                text(f"SELECT {column} FROM {table.name} WHERE {column} = ANY(:ids)"), {"ids": ids}
            )
        )
    found: set[str] = set()
    col = table.c[column]
    for i in range(0, len(ids), CHUNK):
        found.update(conn.scalars(select(col).where(col.in_(ids[i : i + CHUNK]))))
    return found


@dataclass
class Found:
    """What HQ's tables hold about one batch's new events."""

    holders: dict[str, Any]  # event id → (terminal code, store) of the accepted event holding it
    owners: dict[tuple[str, str], str]  # (record, id) → its owning store
    held: dict[Table, set[str]]  # record ids each table already holds (refunds: parked too)
    parked_for: set[str]  # sales of this batch that parked refunds wait for
    shared: bool = False  # membership is chain-wide (hq/directory.py)
    # sale id → (its store, the member it named), for the refunds and entries of those sales
    sale_members: dict[str, tuple[str, str]] = field(default_factory=dict)


def batch_lookups(
    conn: Connection, event_ids: list[str], touches: list[tuple[str, str]],
    ids: dict[Table, list[str]], sale_ids: list[str], of_sales: list[str] = (),
) -> Found:  # fmt: skip
    """Everything the batch's judgement needs from HQ's tables; on PostgreSQL in one round
    trip (ownership.load_owners, holders, present in one UNION ALL)."""
    if not on_postgres(conn):
        held = {table: present(conn, table, "id", found) for table, found in ids.items()}
        if refunds in ids:
            held[refunds] |= present(conn, parked_refunds, "refund_id", ids[refunds])
        return Found(holders(conn, event_ids), load_owners(conn, touches), held,
                     present(conn, parked_refunds, "sale_id", sale_ids), members_shared(conn),
                     sale_members(conn, of_sales))  # fmt: skip
    wanted: dict[str, set[str]] = {}
    for record, record_id in touches:
        wanted.setdefault(record, set()).add(record_id)
    parts: list[str] = []
    params: list[str] = []
    slots: list[Any] = []

    def part(select_from: str, values: list[str], slot: Any) -> None:
        # The ids as one JSON text: the driver writes a list as an array element by
        # element in Python, a microsecond each — a few milliseconds for a catch-up batch.
        parts.append(f"SELECT {len(slots)} AS n, {select_from} "
                     "= ANY(ARRAY(SELECT json_array_elements_text(%s::json)))")  # fmt: skip
        params.append(json.dumps(values))
        slots.append(slot)

    if event_ids:
        part(HOLDER_ROWS, event_ids, "holder")
    for record, found in wanted.items():
        part(f"id, store_code, NULL FROM {OWNED_IN[record].name} WHERE id", sorted(found), record)
    for table, found in ids.items():
        part(f"id, NULL, NULL FROM {table.name} WHERE id", found, table)
        if table is refunds:
            part("refund_id, NULL, NULL FROM hq_parked_refunds WHERE refund_id", found, table)
    if sale_ids:
        part("sale_id, NULL, NULL FROM hq_parked_refunds WHERE sale_id", sale_ids, "parked")
    if of_sales:
        part("id, store_code, member_id FROM hq_sales WHERE member_id IS NOT NULL"
             " AND NOT superseded AND id",
             sorted(set(of_sales)), "sale_member")  # fmt: skip
    part(f"key, value #>> '{{}}', NULL FROM {chain_settings.name} WHERE key", [SCOPE_KEY], "scope")
    out = Found({}, {}, {table: set() for table in ids}, set())
    with driver_cursor(conn) as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for n, record_id, store, code in cursor:
            slot = slots[n]
            if slot == "holder":
                out.holders[record_id] = Holder(record_id, code, store)
            elif slot == "parked":
                out.parked_for.add(record_id)
            elif slot == "sale_member":
                out.sale_members[record_id] = (store, code)
            elif slot == "scope":
                out.shared = ChainSettings(scope=store).shared
            elif isinstance(slot, str):
                out.owners[(slot, record_id)] = store
            else:
                out.held[slot].add(record_id)
    return out


@dataclass(frozen=True)
class Holder:
    event_id: str
    code: str
    store_code: str


HOLDER_ROWS = (
    "e.event_id, t.store_code, t.code FROM hq_events e JOIN hq_terminals t ON t.id = e.terminal_id"
    " WHERE e.status = 'accepted' AND e.event_id"  # what the partial unique index covers
)
HOLDERS = "SELECT " + HOLDER_ROWS + " {}"


def holders(conn: Connection, ids: list[str]) -> dict[str, Row]:
    """Accepted events already holding any of `ids`: event id → (terminal code, store)
    (SQLite; PostgreSQL asks in `_tables`)."""
    if not ids:
        return {}
    found: dict[str, Row] = {}
    query = text(HOLDERS.format("IN :ids")).bindparams(bindparam("ids", expanding=True))
    for i in range(0, len(ids), CHUNK):
        for row in conn.execute(query, {"ids": ids[i : i + CHUNK]}):
            found[row.event_id] = row
    return found

"""Applying one terminal's batch: in one transaction, exactly once, in sequence.

The rules, in order:
- the batch id was seen before (same terminal): the stored answer is replayed;
  a reused id with other events is refused (409 batch_reused);
- events at or below the terminal's last sequence are ones HQ already holds: each
  must be the same event (else 409 diverged) and is reported as a duplicate,
  with its original rejection if it had one;
- the new events must continue the sequence exactly (else 409 sequence_gap with
  the sequence HQ expects);
- each new event is validated on its own; a bad one is stored as rejected with
  its reason and the others go on; good ones update the projections.
Everything in a batch commits together or not at all.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Connection, Engine, Table, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .db import writer
from .models import (
    batches,
    events,
    members,
    points_entries,
    refunds,
    sales,
    tender_lines,
    terminals,
    wallet_entries,
)
from .projections import MAX_ID, PROJECTORS, Context, EventInvalid, member_row, parse_time

CHUNK = 500  # ids per IN (…) list


class BatchInvalid(Exception):
    """The body is not a batch at all (400): nothing in it can be applied."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass
class Incoming:
    seq: int
    event_id: str | None
    kind: str
    aggregate_id: str
    created_at: datetime | None
    payload: Any
    problem: str | None = None


@dataclass
class Batch:
    batch_id: str
    terminal_id: str
    store_code: str
    events: list[Incoming]
    digest: str


@dataclass
class Outcome:
    status: int
    answer: dict[str, Any]


# ---------------------------------------------------------------- parsing


def _short_str(value: Any, limit: int = MAX_ID) -> str | None:
    ok = isinstance(value, str) and 0 < len(value) <= limit and "\x00" not in value
    return value if ok else None


def parse_batch(data: Any, max_events: int) -> Batch:
    """Check the envelope of a batch; each event's own problems are kept for later."""
    if not isinstance(data, dict):
        raise BatchInvalid("bad_batch", "the body is not a JSON object")
    batch_id = _short_str(data.get("batch_id"))
    terminal_id = _short_str(data.get("terminal_id"))
    store_code = _short_str(data.get("store_code"), 40)
    raw = data.get("events")
    if batch_id is None or terminal_id is None or store_code is None:
        raise BatchInvalid("bad_batch", "batch_id, terminal_id and store_code are required")
    if not isinstance(raw, list) or not raw:
        raise BatchInvalid("bad_batch", "events must be a non-empty list")
    if len(raw) > max_events:
        raise BatchInvalid("too_many_events", f"at most {max_events} events per batch")
    out: list[Incoming] = []
    previous = 0
    for item in raw:
        seq = item.get("seq") if isinstance(item, dict) else None
        if not isinstance(seq, int) or isinstance(seq, bool) or seq <= previous:
            raise BatchInvalid("bad_batch", "every event needs a seq, strictly increasing")
        previous = seq
        event_id = _short_str(item.get("event_id"))
        kind = _short_str(item.get("kind"), 40)
        aggregate_id = item.get("aggregate_id")
        created_at = parse_time(item.get("created_at"))
        payload = item.get("payload")
        problem = None
        if event_id is None:
            problem = "event_id missing or invalid"
        elif kind is None:
            problem = "kind missing or invalid"
        elif not isinstance(aggregate_id, str) or len(aggregate_id) > MAX_ID:
            problem = "aggregate_id missing or invalid"
        elif created_at is None:
            problem = "created_at missing or not an ISO time"
        elif not isinstance(payload, dict):
            problem = "payload is not a JSON object"
        out.append(
            Incoming(
                seq, event_id, kind or "", aggregate_id if isinstance(aggregate_id, str) else "",
                created_at, payload, problem,
            )
        )  # fmt: skip
    digest = hashlib.sha256(
        json.dumps([[e.seq, e.event_id, e.kind] for e in out]).encode()
    ).hexdigest()
    return Batch(batch_id, terminal_id, store_code, out, digest)


def _business_date(e: Incoming, member: dict | None) -> date | None:
    if member is not None:
        return member["joined_date"]
    value = e.payload.get("business_date") if isinstance(e.payload, dict) else None
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


# ---------------------------------------------------------------- applying


def _present(conn: Connection, table: Table, column: str, ids: list[str]) -> set[str]:
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


def _bulk_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows: COPY on PostgreSQL (one round trip), executemany elsewhere."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(table.insert(), rows)
        return
    columns = [c.name for c in table.columns if c.name in rows[0]]
    as_json = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]
    cursor = conn.connection.driver_connection.cursor()
    try:
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                values = [row.get(c) for c in columns]
                for i in as_json:
                    if values[i] is not None:
                        values[i] = json.dumps(values[i], ensure_ascii=False)
                copy.write_row(values)
    finally:
        cursor.close()


def _upsert_members(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(members)
    changing = ("card_no", "name", "phone", "tier", "status", "version", "data", "updated_at")
    stmt = stmt.on_conflict_do_update(
        index_elements=[members.c.id],
        set_={c: stmt.excluded[c] for c in changing},
        where=members.c.version < stmt.excluded.version,
    )
    conn.execute(stmt, rows)


def apply_batch(engine: Engine, ctx: Context, batch: Batch, now: datetime) -> Outcome:
    """Apply `batch` for the terminal in `ctx`; the answer is stored with the batch id."""
    now = now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now
    with writer(engine).begin() as conn:
        term = conn.execute(
            select(terminals.c.last_seq, terminals.c.last_event_id, terminals.c.revoked_at)
            .where(terminals.c.id == ctx.terminal_id)
            .with_for_update()
        ).first()
        if term is None or term.revoked_at is not None:
            return Outcome(401, {"error": "unauthorized"})
        prior = conn.execute(
            select(batches.c.digest, batches.c.answer).where(
                batches.c.terminal_id == ctx.terminal_id, batches.c.batch_id == batch.batch_id
            )
        ).first()
        if prior is not None:
            if prior.digest == batch.digest:
                return Outcome(200, {**prior.answer, "replayed": True})
            return Outcome(409, {"error": "batch_reused", "batch_id": batch.batch_id})
        last_seq = int(term.last_seq)
        old = [e for e in batch.events if e.seq <= last_seq]
        new = [e for e in batch.events if e.seq > last_seq]
        for offset, e in enumerate(new):
            if e.seq != last_seq + 1 + offset:
                return Outcome(
                    409,
                    {"error": "sequence_gap", "expected_seq": last_seq + 1, "last_seq": last_seq,
                     "last_event_id": term.last_event_id},
                )  # fmt: skip
        rejected: list[dict[str, Any]] = []
        if old:
            held = {
                r.seq: r
                for r in conn.execute(
                    select(events.c.seq, events.c.event_id, events.c.status, events.c.reason).where(
                        events.c.terminal_id == ctx.terminal_id,
                        events.c.seq.between(old[0].seq, old[-1].seq),
                    )
                )
            }
            for e in old:
                h = held.get(e.seq)
                if h is None or h.event_id != e.event_id:
                    return Outcome(
                        409,
                        {"error": "diverged", "seq": e.seq, "last_seq": last_seq,
                         "last_event_id": term.last_event_id},
                    )  # fmt: skip
                if h.status == "rejected":
                    rejected.append({"seq": e.seq, "event_id": e.event_id, "reason": h.reason})
        accepted = _apply_new(conn, ctx, batch, new, now, rejected)
        if new:
            conn.execute(
                update(terminals)
                .where(terminals.c.id == ctx.terminal_id)
                .values(last_seq=new[-1].seq, last_event_id=new[-1].event_id, last_seen_at=now)
            )
        answer = {
            "batch_id": batch.batch_id,
            "processed_through": batch.events[-1].seq,
            "last_seq": new[-1].seq if new else last_seq,
            "accepted": accepted,
            "duplicates": len(old),
            "rejected": sorted(rejected, key=lambda r: r["seq"]),
        }
        conn.execute(
            batches.insert().values(
                terminal_id=ctx.terminal_id, batch_id=batch.batch_id, digest=batch.digest,
                first_seq=batch.events[0].seq, last_seq=batch.events[-1].seq, received_at=now,
                answer=answer,
            )
        )  # fmt: skip
        return Outcome(200, answer)


def _apply_new(
    conn: Connection, ctx: Context, batch: Batch, new: list[Incoming], now: datetime,
    rejected: list[dict[str, Any]],
) -> int:  # fmt: skip
    if not new:
        return 0
    reasons: dict[int, str] = {}
    ids = [e.event_id for e in new if e.event_id]
    held_ids = _present(conn, events, "event_id", ids)
    seen_ids: set[str] = set()
    planned: dict[int, list[tuple[Table, dict]]] = {}
    member_rows: dict[int, dict[str, Any]] = {}
    for e in new:
        if e.problem:
            reasons[e.seq] = e.problem
            continue
        if e.event_id in held_ids or e.event_id in seen_ids:
            reasons[e.seq] = "event_id already used by another event"
            continue
        seen_ids.add(e.event_id)
        if "_omitted" in e.payload:  # the terminal could not send a payload this large
            reasons[e.seq] = f"payload too large for HQ ({e.payload.get('bytes', '?')} bytes)"
            continue
        try:
            if e.kind.startswith("member."):
                member_rows[e.seq] = member_row(e.payload, ctx, now)
            elif e.kind in PROJECTORS:
                planned[e.seq] = PROJECTORS[e.kind](e.payload, ctx)
        except EventInvalid as exc:
            reasons[e.seq] = str(exc)
    # A projection row whose id is already held (or twice in this batch) rejects its event.
    by_table: dict[Table, list[tuple[int, str]]] = {}
    for seq, rows in planned.items():
        for table, row in rows:
            if table is not tender_lines:
                by_table.setdefault(table, []).append((seq, row["id"]))
    for table, pairs in by_table.items():
        found = _present(conn, table, "id", [i for _, i in pairs])
        seen: set[str] = set()
        for seq, row_id in pairs:
            if row_id in found or row_id in seen:
                reasons[seq] = f"{table.name[3:]} id {row_id} already recorded"
            seen.add(row_id)
    event_rows = []
    inserts: dict[Table, list[dict]] = {}
    latest_member: dict[str, dict[str, Any]] = {}
    accepted = 0
    for e in new:
        reason = reasons.get(e.seq)
        member = member_rows.get(e.seq)
        if reason is None:
            accepted += 1
            for table, row in planned.get(e.seq, ()):
                inserts.setdefault(table, []).append(row)
            if member is not None:
                have = latest_member.get(member["id"])
                if have is None or member["version"] >= have["version"]:
                    latest_member[member["id"]] = member
        else:
            rejected.append({"seq": e.seq, "event_id": e.event_id, "reason": reason})
        event_rows.append(
            {
                "terminal_id": ctx.terminal_id, "seq": e.seq, "event_id": e.event_id, "kind": e.kind[:40],
                "aggregate_id": e.aggregate_id[:MAX_ID], "store_code": ctx.store_code,
                "business_date": _business_date(e, member) if reason is None else None,
                "created_at": e.created_at, "received_at": now, "batch_id": batch.batch_id,
                "status": "accepted" if reason is None else "rejected", "reason": reason or "",
                "payload": e.payload,
            }
        )  # fmt: skip
    _bulk_insert(conn, events, event_rows)
    for table in (sales, refunds, tender_lines, points_entries, wallet_entries):
        _bulk_insert(conn, table, inserts.get(table, []))
    _upsert_members(conn, list(latest_member.values()))
    return accepted

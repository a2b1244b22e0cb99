"""Applying one terminal's batch: in one transaction, exactly once, in sequence.

The rules, in order:
- the batch id was seen before (same terminal): the stored answer is replayed;
  a reused id with other events is refused (409 batch_reused);
- a terminal marked diverged sends nothing until `memberdesk-hq rebase-terminal`
  (409 diverged with the first sequence it disagreed at);
- events at or below the terminal's last sequence are ones HQ already holds: each
  must be the same event (else 409 diverged, and the terminal is marked so) and is
  reported as a duplicate, with its original rejection if it had one;
- the new events must continue the sequence exactly (else 409 sequence_gap with
  the sequence HQ expects);
- each new event is judged on its own (projections.plan), then against HQ's tables
  for the whole batch (ids already held, the owning store of what it touches); a bad
  one is stored as rejected with its code, params and reason, and the others go on;
  good ones update the projections. A refund of a sale HQ does not hold is parked
  and applied when the sale arrives.
Everything in a batch commits together or not at all.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Engine,
    Row,
    Table,
    and_,
    bindparam,
    case,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..core.store.journal import GENESIS, link, payload_text
from .db import writer
from .directory import record_changes
from .models import (
    batches,
    cards,
    clock_problems,
    coupon_events,
    events,
    journal_breaks,
    members,
    parked_refunds,
    points_entries,
    refunds,
    sales,
    tender_lines,
    terminals,
    wallet_entries,
)
from .ownership import OWNED_IN, check_touches, load_owners, members_shared
from .projections import MAX_ID, Context, Plan, Source, clock_window, moment, plan
from .rejections import Rejected, invalid

CHUNK = 500  # ids per IN (…) list
CLOCK_SLACK = timedelta(minutes=10)  # how far a sale's time may stray before it is listed
CLOCK_TOLERANCE_S = 300  # the offset a handshake may measure (the till refuses beyond 5 min)
RECORDS = {sales: "sale", refunds: "refund", points_entries: "points_entry",
           wallet_entries: "wallet_entry"}  # fmt: skip


class BatchInvalid(Exception):
    """The body is not a batch at all (400): nothing in it can be applied."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass
class Incoming:
    """One event of a batch as sent; only `seq` is known to be sound."""

    seq: int
    event_id: Any
    kind: Any
    aggregate_id: Any
    created_at: Any
    payload: Any
    chain: Any = None  # the till's journal link for this event
    text: str | None = None  # the payload's JSON text, encoded once (journal link and COPY)

    def payload_json(self) -> str:
        if self.text is None:
            self.text = payload_text(self.payload)
        return self.text


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


@dataclass
class Verdict:
    """What HQ decided about one new event."""

    event: Incoming
    created_at: datetime | None = None
    plan: Plan | None = None
    rejected: Rejected | None = None
    parked: bool = False


# ---------------------------------------------------------------- parsing


def _short_str(value: Any, limit: int = MAX_ID) -> str | None:
    ok = isinstance(value, str) and 0 < len(value) <= limit and "\x00" not in value
    return value if ok else None


def parse_batch(data: Any, max_events: int) -> Batch:
    """Check the envelope of a batch; each event's own problems are judged later."""
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
        if type(seq) is not int or seq <= previous or seq > 2**62:
            raise BatchInvalid("bad_batch", "every event needs a seq, strictly increasing")
        previous = seq
        out.append(Incoming(seq, item.get("event_id"), item.get("kind"), item.get("aggregate_id"),
                            item.get("created_at"), item.get("payload"), item.get("chain")))  # fmt: skip
    digest = hashlib.sha256(
        json.dumps([[e.seq, e.event_id, e.kind] for e in out], default=str).encode()
    ).hexdigest()
    return Batch(batch_id, terminal_id, store_code, out, digest)


def _envelope(e: Incoming, window: tuple[datetime, datetime]) -> datetime:
    """The event's own fields, checked; returns its time (naive UTC)."""
    if e.event_id is None:
        raise invalid("event_id", "missing")
    if _short_str(e.event_id) is None:
        raise invalid("event_id", "too_long" if isinstance(e.event_id, str) else "type")
    if _short_str(e.kind, 40) is None:
        raise invalid("kind", "missing" if e.kind is None else "type")
    if not isinstance(e.aggregate_id, str) or "\x00" in e.aggregate_id:
        raise invalid("aggregate_id", "missing" if e.aggregate_id is None else "type")
    if len(e.aggregate_id) > MAX_ID:
        raise invalid("aggregate_id", "too_long")
    created_at = moment(e.created_at, "created_at")
    if not window[0] <= created_at <= window[1]:
        raise invalid("created_at", "time_range")
    if not isinstance(e.payload, dict):
        raise invalid("payload", "missing" if e.payload is None else "type")
    return created_at


# ---------------------------------------------------------------- helpers


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


def _lookup(
    conn: Connection, touches: list[tuple[str, str]], ids: dict[Table, list[str]]
) -> tuple[dict[tuple[str, str], str], dict[Table, set[str]]]:
    """On PostgreSQL, in one round trip: the owning store of each (record, id) touched
    (ownership.load_owners) and which new record ids each table already holds (a refund's
    also among the parked ones)."""
    wanted: dict[str, set[str]] = {}
    for record, record_id in touches:
        wanted.setdefault(record, set()).add(record_id)
    parts, params, slots = [], {}, []
    for record, found in wanted.items():
        parts.append(f"SELECT {len(slots)} AS n, id, store_code FROM {OWNED_IN[record].name} "
                     f"WHERE id = ANY(:p{len(slots)})")  # fmt: skip
        params[f"p{len(slots)}"] = sorted(found)
        slots.append(record)
    for table, found in ids.items():
        for source, column in (
            (table, "id"),
            *([(parked_refunds, "refund_id")] * (table is refunds)),
        ):
            parts.append(f"SELECT {len(slots)} AS n, {column} AS id, NULL AS store_code "
                         f"FROM {source.name} WHERE {column} = ANY(:p{len(slots)})")  # fmt: skip
            params[f"p{len(slots)}"] = found
            slots.append(table)
    owners: dict[tuple[str, str], str] = {}
    held: dict[Table, set[str]] = {table: set() for table in ids}
    if parts:
        for n, record_id, store in conn.execute(text(" UNION ALL ".join(parts)), params):
            slot = slots[n]
            if isinstance(slot, str):
                owners[(slot, record_id)] = store
            else:
                held[slot].add(record_id)
    return owners, held


HOLDERS = (
    "SELECT e.event_id, t.code, t.store_code FROM hq_events e"
    " JOIN hq_terminals t ON t.id = e.terminal_id"
    " WHERE e.status = 'accepted' AND e.event_id {}"  # what the partial unique index covers
)


def _holders(conn: Connection, ids: list[str]) -> dict[str, Row]:
    """Accepted events already holding any of `ids`: event id → (terminal code, store)."""
    if not ids:
        return {}
    if conn.dialect.name == "postgresql":  # one array parameter instead of a thousand
        rows = conn.execute(text(HOLDERS.format("= ANY(:ids)")), {"ids": ids})
        return {row.event_id: row for row in rows}
    found: dict[str, Row] = {}
    query = text(HOLDERS.format("IN :ids")).bindparams(bindparam("ids", expanding=True))
    for i in range(0, len(ids), CHUNK):
        for row in conn.execute(query, {"ids": ids[i : i + CHUNK]}):
            found[row.event_id] = row
    return found


PIPELINED = 200  # rows up to which a batch's inserts go in one pipeline, not one COPY a table


def _write_rows(conn: Connection, work: list[tuple[Table, list[dict[str, Any]]]]) -> None:
    """Insert the rows of several tables. On PostgreSQL a few rows (a till's batch of the
    day) go as multi-row inserts in one pipeline — one round trip for all the tables —
    and many (a catch-up) by COPY, one per table; executemany elsewhere. A JSON column
    `x` whose row also has `x_text` is written as that text (encoded once already)."""
    work = [(table, rows) for table, rows in work if rows]
    if not work:
        return
    if conn.dialect.name != "postgresql":
        for table, rows in work:
            if any(f"{c.name}_text" in rows[0] for c in table.columns):
                rows = [{k: v for k, v in row.items() if k in table.c} for row in rows]
            conn.execute(table.insert(), rows)
        return
    driver = conn.connection.driver_connection
    if sum(len(rows) for _, rows in work) <= PIPELINED:
        with driver.pipeline(), driver.cursor() as cursor:
            for table, rows in work:
                columns, values = _values(table, rows)
                marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
                cursor.execute(
                    f"INSERT INTO {table.name} ({', '.join(columns)}) "
                    f"VALUES {', '.join([marks] * len(values))}",
                    [value for row in values for value in row],
                )
        return
    with driver.cursor() as cursor:
        for table, rows in work:
            columns, values = _values(table, rows)
            with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)


def _values(table: Table, rows: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """The rows' columns and values as the driver takes them, JSON as its text."""
    columns = [c.name for c in table.columns if c.name in rows[0]]
    as_json = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]
    out = []
    for row in rows:
        values = [row.get(c) for c in columns]
        for i in as_json:
            if values[i] is not None:
                done = row.get(f"{columns[i]}_text")
                values[i] = done if done is not None else json.dumps(values[i], ensure_ascii=False)
        out.append(values)
    return columns, out


def _insert(conn: Connection):
    return pg_insert if conn.dialect.name == "postgresql" else sqlite_insert


def _upsert_members(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Newer member versions win; so does anything over a superseded row, and a new
    epoch of the same terminal even with a lower version (its till was restored)."""
    if not rows:
        return
    stmt = _insert(conn)(members)
    new = stmt.excluded
    changing = ("terminal_id", "card_no", "name", "phone", "tier", "status", "version", "data",
                "updated_at", "epoch", "seq", "superseded")  # fmt: skip
    # A version HQ published stays behind every later one, so that every till takes the
    # row again, also when a restored till's lower version wins.
    version = case((new.version > members.c.version, new.version), else_=members.c.version + 1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[members.c.id],
        set_={**{c: new[c] for c in changing}, "version": version},
        where=or_(
            members.c.superseded,
            new.version > members.c.version,
            and_(members.c.terminal_id == new.terminal_id, new.epoch > members.c.epoch),
        ),
    )
    conn.execute(stmt, rows)


def _remember_cards(conn: Connection, rows: list[dict[str, Any]], now: datetime) -> None:
    """Every card number a member event carried, so a till can ask whether one is in use."""
    numbers: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["card_no"]:
            numbers.setdefault(row["card_no"], row)
    if not numbers:
        return
    stmt = _insert(conn)(cards).on_conflict_do_nothing(index_elements=[cards.c.card_no])
    conn.execute(stmt, [{"card_no": n, "member_id": r["id"], "store_code": r["store_code"],
                         "first_seen_at": now} for n, r in numbers.items()])  # fmt: skip


def _business_date(e: Incoming, member: dict | None) -> date | None:
    if member is not None:
        return member["joined_date"]
    value = e.payload.get("business_date") if isinstance(e.payload, dict) else None
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def answer_row(seq: int, event_id: Any, rejected: Rejected) -> dict[str, Any]:
    return {"seq": seq, "event_id": event_id if isinstance(event_id, str) else None,
            "code": rejected.code, "params": rejected.params, "reason": rejected.reason}  # fmt: skip


# ---------------------------------------------------------------- the batch


def apply_batch(
    engine: Engine, ctx: Context, batch: Batch, now: datetime, *, token_hash: str | None = None
) -> Outcome:
    """Apply `batch` for the terminal in `ctx`; the answer is stored with the batch id.
    With `token_hash`, the terminal's token must still be that one (a token revoked or
    replaced a moment ago writes nothing, whatever a cache still believes)."""
    now = now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now
    with writer(engine).begin() as conn:
        term = conn.execute(
            select(
                terminals.c.last_seq, terminals.c.last_event_id, terminals.c.revoked_at,
                terminals.c.epoch, terminals.c.diverged_seq, terminals.c.clock_offset_s,
                terminals.c.latest_created_at, terminals.c.last_chain, terminals.c.token_hash,
            )
            .where(terminals.c.id == ctx.terminal_id)
            .with_for_update()
        ).first()  # fmt: skip
        if (
            term is None
            or term.revoked_at is not None
            or (token_hash is not None and term.token_hash != token_hash)
        ):
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
        if term.diverged_seq is not None:
            return _diverged(term.diverged_seq, term)
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
            held = held_events(conn, ctx.terminal_id, old[0].seq, old[-1].seq)
            for e in old:
                h = held.get(e.seq)
                if h is None or h.event_id != e.event_id:
                    mark_diverged(conn, ctx.terminal_id, e.seq)
                    return _diverged(e.seq, term)
                if h.status == "rejected":
                    original = Rejected(h.code or "invalid", **(h.params or {}))
                    rejected.append({**answer_row(e.seq, e.event_id, original),
                                     "reason": h.reason})  # fmt: skip
        ctx = Context(ctx.terminal_id, ctx.store_code, ctx.timezone, int(term.epoch))
        ingest = Ingest(conn, ctx, term, batch.batch_id, now)
        ingest.run(new)
        rejected.extend(ingest.answers)
        if new:  # one update of the terminal's row per batch
            last = new[-1]
            conn.execute(
                update(terminals)
                .where(terminals.c.id == ctx.terminal_id)
                .values(last_seq=last.seq, last_event_id=_short_str(last.event_id), last_seen_at=now,
                        latest_created_at=ingest.latest, last_chain=check_links(conn, ctx, term, new, now))
            )  # fmt: skip
        answer = {
            "batch_id": batch.batch_id,
            "processed_through": batch.events[-1].seq,
            "last_seq": new[-1].seq if new else last_seq,
            "accepted": ingest.accepted,
            "duplicates": len(old),
            "parked": ingest.parked,
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


def _diverged(seq: int, term: Row) -> Outcome:
    return Outcome(409, {"error": "diverged", "seq": int(seq), "last_seq": int(term.last_seq),
                         "last_event_id": term.last_event_id})  # fmt: skip


def held_events(conn: Connection, terminal_id: str, first: int, last: int) -> dict[int, Row]:
    """The event HQ counts at each sequence in [first, last]: the newest epoch's."""
    held: dict[int, Row] = {}
    rows = conn.execute(
        select(events.c.seq, events.c.epoch, events.c.event_id, events.c.status, events.c.code,
               events.c.params, events.c.reason)
        .where(events.c.terminal_id == terminal_id, events.c.seq.between(first, last))
        .order_by(events.c.seq, events.c.epoch)
    )  # fmt: skip
    for row in rows:
        held[row.seq] = row
    return held


def mark_diverged(conn: Connection, terminal_id: str, seq: int) -> None:
    """Remember the first sequence a terminal disagreed at (for `terminals` and rebase)."""
    conn.execute(
        update(terminals)
        .where(
            terminals.c.id == terminal_id,
            or_(terminals.c.diverged_seq.is_(None), terminals.c.diverged_seq > seq),
        )
        .values(diverged_seq=seq)
    )


@dataclass
class Ingest:
    """The new events of one batch: judged one by one, then against HQ's tables, then written."""

    conn: Connection
    ctx: Context
    term: Row
    batch_id: str
    now: datetime
    accepted: int = 0
    parked: int = 0
    latest: datetime | None = None  # the terminal's latest record time, for the clock checks
    answers: list[dict[str, Any]] = field(default_factory=list)

    def run(self, new: list[Incoming]) -> None:
        if not new:
            return
        verdicts = self._judge(new)
        self._check_against_tables([v for v in verdicts if v.plan is not None])
        self._write(verdicts)

    # -------------------------------------------------------- on its own

    def _judge(self, new: list[Incoming]) -> list[Verdict]:
        window = clock_window(self.now)
        ids = [e.event_id for e in new if _short_str(e.event_id) is not None]
        holders = _holders(self.conn, ids)
        seen: set[str] = set()
        verdicts = []
        for e in new:
            v = Verdict(e)
            try:
                v.created_at = _envelope(e, window)
                if e.event_id in seen:
                    raise Rejected("event_id_twice", event_id=e.event_id)
                seen.add(e.event_id)
                holder = holders.get(e.event_id)
                if holder is not None:
                    raise Rejected("event_id_reused", event_id=e.event_id,
                                   terminal_code=holder.code, store_code=holder.store_code)  # fmt: skip
                if "_omitted" in e.payload:  # the terminal could not send a payload this big
                    size = e.payload.get("bytes")
                    raise Rejected("too_large", bytes=size if type(size) is int else None)
                v.plan = plan(e.kind, e.payload, Source(self.ctx, e.seq, v.created_at))
            except Rejected as r:
                v.rejected = r
            verdicts.append(v)
        return verdicts

    # -------------------------------------------------------- against HQ's tables

    def _check_against_tables(self, planned: list[Verdict]) -> None:
        """Owners of what the events touch, ids already held, refunds to park — in order,
        so a member or sale made earlier in the batch counts for the events after it."""
        conn = self.conn
        touches = [t for v in planned for t in v.plan.touches]
        shared = members_shared(conn)
        ids: dict[Table, list[str]] = {}
        for v in planned:
            for table, row in v.plan.rows:
                if table in RECORDS:
                    ids.setdefault(table, []).append(row["id"])
        if conn.dialect.name == "postgresql":
            owners, held = _lookup(conn, touches, ids)
        else:
            owners = load_owners(conn, touches)
            held = {table: _present(conn, table, "id", found) for table, found in ids.items()}
            if refunds in ids:
                held[refunds] |= _present(conn, parked_refunds, "refund_id", ids[refunds])
        made: dict[str, set[str]] = {"member": set(), "sale": set()}
        for v in planned:
            p = v.plan
            try:
                check_touches(p.touches, self.ctx.store_code, owners, shared=shared)
                member = p.needs_member
                if member and ("member", member) not in owners and member not in made["member"]:
                    raise invalid("member_id", "unknown")
                for table, row in p.rows:
                    if table in RECORDS and row["id"] in held[table]:
                        raise Rejected("record_reused", record=RECORDS[table], id=row["id"])
            except Rejected as r:
                v.plan, v.rejected = None, r
                continue
            for table, row in p.rows:
                if table in RECORDS:
                    held[table].add(row["id"])
            if p.member is not None:
                made["member"].add(p.member["id"])
            if p.rows and p.rows[0][0] is sales:
                made["sale"].add(p.rows[0][1]["id"])
            if p.refund_of and ("sale", p.refund_of) not in owners:
                v.parked = p.refund_of not in made["sale"]

    # -------------------------------------------------------- writing

    def _write(self, verdicts: list[Verdict]) -> None:
        conn, ctx, now = self.conn, self.ctx, self.now
        event_rows, parked_rows, late = [], [], []
        inserts: dict[Table, list[dict]] = {}
        latest_member: dict[str, dict[str, Any]] = {}
        member_rows: list[dict[str, Any]] = []
        clock = ClockWatch(self.term, now)
        for v in verdicts:
            e, p = v.event, v.plan
            member = p.member if p is not None else None
            if p is None:
                self.answers.append(answer_row(e.seq, e.event_id, v.rejected))
            elif v.parked:
                self.parked += 1
                refund_id = p.rows[0][1]["id"]
                parked_rows.append({"refund_id": refund_id, "sale_id": p.refund_of,
                                    "store_code": ctx.store_code, "terminal_id": ctx.terminal_id,
                                    "epoch": ctx.epoch, "seq": e.seq, "received_at": now})  # fmt: skip
            else:
                self.accepted += 1
                for table, row in p.rows:
                    inserts.setdefault(table, []).append(row)
                if member is not None:
                    member["updated_at"] = now
                    member_rows.append(member)
                    have = latest_member.get(member["id"])
                    if have is None or member["version"] >= have["version"]:
                        latest_member[member["id"]] = member
            if p is not None and (p.rows or member is not None):
                trouble = clock.see(
                    v.created_at, is_sale=p.rows[0][0] is sales if p.rows else False
                )
                if trouble:
                    late.append({"sale_id": p.rows[0][1]["id"], "store_code": ctx.store_code,
                                 "terminal_id": ctx.terminal_id, "epoch": ctx.epoch, "seq": e.seq,
                                 "problem": trouble, "created_at": v.created_at,
                                 "received_at": now})  # fmt: skip
            rejected = v.rejected
            event_rows.append(
                {
                    "terminal_id": ctx.terminal_id, "epoch": ctx.epoch, "seq": e.seq,
                    "event_id": _short_str(e.event_id), "kind": e.kind[:40] if isinstance(e.kind, str) else "",
                    "aggregate_id": e.aggregate_id[:MAX_ID] if isinstance(e.aggregate_id, str) else "",
                    "store_code": ctx.store_code,
                    "business_date": _business_date(e, member) if rejected is None else None,
                    "created_at": v.created_at, "received_at": now, "batch_id": self.batch_id,
                    "status": "accepted" if rejected is None else "rejected",
                    "reason": rejected.reason if rejected else "",
                    "code": rejected.code if rejected else "",
                    "params": rejected.params if rejected else None, "payload": e.payload,
                    "payload_text": e.payload_json() if type(e.payload) is dict else None,
                }
            )  # fmt: skip
        _write_rows(conn, [
            (events, event_rows),
            *((table, inserts.get(table, []))
              for table in (sales, refunds, tender_lines, points_entries, wallet_entries,
                            coupon_events)),
            (parked_refunds, parked_rows),
            (clock_problems, late),
        ])  # fmt: skip
        _upsert_members(conn, list(latest_member.values()))
        _remember_cards(conn, member_rows, now)
        record_changes(conn, ctx.terminal_id, member_rows, inserts, now)
        new_sales = [row["id"] for row in inserts.get(sales, [])]
        if new_sales:
            apply_parked(conn, new_sales, now)
        self.latest = clock.latest


class ClockWatch:
    """Sales whose time says the till's clock was wrong: listed, never refused.

    `ahead`: more than 10 minutes after HQ received it; `back`: more than 10 minutes
    before a record (member, sale, refund, ledger entry) the terminal sent earlier;
    `offset`: its batch came after a handshake that measured the till's clock off by
    more than the tolerance. Settings, staff and shift events are no reference: a
    shop's history imported or replayed after its setup is not a clock gone back.
    """

    def __init__(self, term: Row, now: datetime) -> None:
        self.now = now
        self.latest: datetime | None = term.latest_created_at
        offset = term.clock_offset_s
        self.offset = offset is not None and abs(offset) > CLOCK_TOLERANCE_S

    def see(self, at: datetime, *, is_sale: bool) -> str:
        problems = []
        if is_sale:
            if at > self.now + CLOCK_SLACK:
                problems.append("ahead")
            if self.latest is not None and at < self.latest - CLOCK_SLACK:
                problems.append("back")
            if self.offset:
                problems.append("offset")
        # A time in the future is no reference for the events after it.
        reference = min(at, self.now)
        if self.latest is None or reference > self.latest:
            self.latest = reference
        return ",".join(problems)


def apply_parked(conn: Connection, sale_ids: list[str], now: datetime) -> int:
    """Apply the parked refunds of sales that have just arrived (same store only)."""
    sale_ids = sorted(_present(conn, parked_refunds, "sale_id", sale_ids))  # usually none
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
    _write_rows(conn, list(rows.items()))  # the refund first, then its tender lines
    for i in range(0, len(applied), CHUNK):
        conn.execute(
            update(parked_refunds)
            .where(parked_refunds.c.refund_id.in_(applied[i : i + CHUNK]))
            .values(applied_at=now)
        )
    return len(applied)


def check_links(
    conn: Connection, ctx: Context, term: Any, new: list[Incoming], now: datetime
) -> str | None:
    """Follow the terminal's journal through the new events (core/store/journal.py): an event
    whose link does not follow from the one before is listed as a break, never refused (the
    records are what they are; the journal shows they were changed). Where HQ cannot
    follow — the first events of a terminal that synced before links existed, a payload
    too large to send — it takes the till's link and goes on from there."""
    if not new:
        return term.last_chain
    first_ever = int(term.last_seq) == 0 and int(term.epoch) == 1
    previous = GENESIS if first_ever else term.last_chain
    breaks = []
    for e in new:
        claimed = e.chain if isinstance(e.chain, str) and len(e.chain) <= 64 else None
        if claimed is None:
            previous = None
            continue
        if previous is not None and isinstance(e.payload, dict) and "_omitted" not in e.payload:
            try:
                want = link(previous, e.seq, str(e.event_id), str(e.kind), str(e.aggregate_id),
                            str(e.created_at), e.payload_json())  # fmt: skip
            except ValueError:  # a time that is not one: the event itself says so
                want = claimed
            if want != claimed:
                breaks.append({"terminal_id": ctx.terminal_id, "epoch": ctx.epoch, "seq": e.seq,
                               "store_code": ctx.store_code, "event_id": str(e.event_id)[:MAX_ID],
                               "kind": str(e.kind)[:40], "found_at": now})  # fmt: skip
        previous = claimed
    if breaks:
        conn.execute(journal_breaks.insert(), breaks)
    return previous

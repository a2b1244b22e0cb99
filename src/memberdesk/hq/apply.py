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
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
from psycopg.rows import namedtuple_row
from sqlalchemy import (
    Connection,
    Engine,
    Row,
    Table,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError

from ..core.store.journal import GENESIS, link, payload_text
from .coupons import issued_to
from .db import on_postgres, writer
from .directory import record_changes
from .lookups import Found, batch_lookups
from .models import (
    batches,
    clock_problems,
    coupon_events,
    events,
    journal_breaks,
    parked_refunds,
    points_entries,
    refunds,
    sales,
    tender_lines,
    terminals,
    wallet_entries,
)
from .ownership import CardHolders, SaleCredits, card_holders, check_touches
from .projections import (
    MAX_ID,
    Context,
    Plan,
    Source,
    check_texts,
    clock_window,
    may_hold_control,
    moment,
    plan,
)
from .rejections import Rejected, invalid
from .writes import EVENT_COLUMNS, Tuples, apply_parked, remember_cards, upsert_members, write_rows

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


def _plain_json() -> Callable[[Any], str]:
    """`payload_text` (plain ``json.dumps``) with its C encoder made once rather than at each
    call: 4.4 → 3.2 µs a payload of 470 bytes. The same text; only the check for cycles is
    left out, which parsed JSON cannot hold."""
    make = json.encoder.c_make_encoder
    if make is None:
        return payload_text
    plain = json.JSONEncoder()
    encode = make(None, plain.default, json.encoder.encode_basestring_ascii, None,
                  plain.key_separator, plain.item_separator, False, False, True)  # fmt: skip
    return lambda value: "".join(encode(value, 0))


encode_payload = _plain_json()


@dataclass(slots=True)
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
            self.text = encode_payload(self.payload)
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


@dataclass(slots=True)
class Verdict:
    """What HQ decided about one new event."""

    event: Incoming
    created_at: datetime | None = None
    plan: Plan | None = None
    rejected: Rejected | None = None
    parked: bool = False
    id_checked: bool = False  # its id is sound and not twice in the batch: is it held already?


# ---------------------------------------------------------------- parsing


def _short_str(value: Any, limit: int = MAX_ID) -> str | None:
    ok = isinstance(value, str) and 0 < len(value) <= limit and _storable_text(value)
    return value if ok else None


def _storable_text(value: str) -> bool:
    """Whether a database can keep the text: no NUL, no lone surrogate (JSON's "\\ud800"
    parses to one, which no UTF-8 column or driver takes)."""
    if value.isascii():
        return "\x00" not in value
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return "\x00" not in value


def _suspect(text: str) -> bool:
    """Whether a payload's ASCII JSON text (the one its journal link and COPY use, made
    once) may hold what `_unstorable` looks for: usually not, and nothing is walked."""
    return "\\u0000" in text or "\\ud" in text or "Infinity" in text or "NaN" in text


def _unstorable(value: Any) -> bool:
    """Whether a parsed payload holds what no JSON column keeps: a text (key or value) with
    NUL or a lone surrogate, or a number beyond a float (1e400 parses to infinity)."""
    kind = type(value)
    if kind is str:
        return not _storable_text(value)
    if kind is float:
        return not math.isfinite(value)
    if kind is dict:
        return any(_unstorable(k) or _unstorable(v) for k, v in value.items())
    if kind is list:
        return any(_unstorable(v) for v in value)
    return False


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
    if not isinstance(e.aggregate_id, str) or not _storable_text(e.aggregate_id):
        raise invalid("aggregate_id", "missing" if e.aggregate_id is None else "type")
    if len(e.aggregate_id) > MAX_ID:
        raise invalid("aggregate_id", "too_long")
    created_at = moment(e.created_at, "created_at")
    if not window[0] <= created_at <= window[1]:
        raise invalid("created_at", "time_range")
    if not isinstance(e.payload, dict):
        raise invalid("payload", "missing" if e.payload is None else "type")
    return created_at


def _business_date(e: Incoming, member: dict | None) -> date | None:
    if member is not None:
        return member["joined_date"]
    value = e.payload.get("business_date") if isinstance(e.payload, dict) else None
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def answer_row(seq: int, event_id: Any, rejected: Rejected) -> dict[str, Any]:
    sound = isinstance(event_id, str) and _storable_text(event_id)
    return {"seq": seq, "event_id": event_id if sound else None,
            "code": rejected.code, "params": rejected.params, "reason": rejected.reason}  # fmt: skip


# ---------------------------------------------------------------- the batch


def apply_batch(
    engine: Engine, ctx: Context, batch: Batch, now: datetime, *, token_hash: str | None = None
) -> Outcome:
    """Apply `batch` for the terminal in `ctx`; the answer is stored with the batch id.
    With `token_hash`, the terminal's token must still be that one (a token revoked or
    replaced a moment ago writes nothing, whatever a cache still believes); the terminal's
    store must still be the one `ctx` names."""
    now = now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now
    try:
        return _apply(engine, ctx, batch, now, token_hash)
    except psycopg.Error as exc:  # from a statement sent by the driver itself: as SQLAlchemy's
        raise DBAPIError.instance(None, None, exc, psycopg.Error) from exc


def _apply(
    engine: Engine, ctx: Context, batch: Batch, now: datetime, token_hash: str | None
) -> Outcome:
    with writer(engine).begin() as conn:
        term, prior = _terminal(conn, ctx.terminal_id, batch.batch_id)
        if (
            term is None
            or term.revoked_at is not None
            or (token_hash is not None and term.token_hash != token_hash)
        ):
            return Outcome(401, {"error": "unauthorized"})
        if term.store_code != ctx.store_code:  # given to another store since it was remembered
            return Outcome(403, {"error": "wrong_store", "store_code": term.store_code})
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
        ctx = Context(ctx.terminal_id, ctx.store_code, ctx.timezone, int(term.epoch),
                      term.joined_at or term.created_at)  # fmt: skip
        ingest = Ingest(conn, ctx, term, batch.batch_id, now)
        ingest.run(new)
        rejected.extend(ingest.answers)
        answer = {
            "batch_id": batch.batch_id,
            "processed_through": batch.events[-1].seq,
            "last_seq": new[-1].seq if new else last_seq,
            "accepted": ingest.accepted,
            "duplicates": len(old),
            "parked": ingest.parked,
            "rejected": sorted(rejected, key=lambda r: r["seq"]),
        }
        moved = None
        if new:  # one update of the terminal's row per batch
            last = new[-1]
            moved = {"last_seq": last.seq, "last_event_id": _short_str(last.event_id),
                     "last_seen_at": now, "latest_created_at": ingest.latest,
                     "last_chain": check_links(conn, ctx, term, new, now)}  # fmt: skip
        _close(conn, ctx.terminal_id, moved, {
            "terminal_id": ctx.terminal_id, "batch_id": batch.batch_id, "digest": batch.digest,
            "first_seq": batch.events[0].seq, "last_seq": batch.events[-1].seq,
            "received_at": now, "answer": answer})  # fmt: skip
        # Last before the commit: the directory's feed number is one row that every batch
        # changing a member updates, so its lock is held from here to the commit.
        record_changes(conn, ctx.terminal_id, ingest.member_rows, ingest.inserts, now)
        return Outcome(200, answer)


def _diverged(seq: int, term: Row) -> Outcome:
    return Outcome(409, {"error": "diverged", "seq": int(seq), "last_seq": int(term.last_seq),
                         "last_event_id": term.last_event_id})  # fmt: skip


TERMINAL = ("last_seq", "last_event_id", "revoked_at", "epoch", "diverged_seq", "clock_offset_s",
            "latest_created_at", "last_chain", "token_hash", "created_at", "joined_at",
            "store_code")  # fmt: skip


@dataclass(frozen=True)
class Prior:
    digest: str
    answer: dict[str, Any]


def _terminal(conn: Connection, terminal_id: str, batch_id: str) -> tuple[Any, Prior | None]:
    """The terminal's row, locked until the batch commits, and the batch of this id it sent
    before (its digest and answer), or None; on PostgreSQL in one round trip."""
    if on_postgres(conn):
        # Pipelined, the batch is looked for after the lock is granted, with a snapshot
        # taken then: a copy of this batch that held the lock before is seen committed.
        driver = conn.connection.driver_connection
        with driver.pipeline(), driver.cursor(row_factory=namedtuple_row) as lock, \
                driver.cursor() as seen:  # fmt: skip
            lock.execute(f"SELECT {', '.join(TERMINAL)} FROM hq_terminals WHERE id = %s "
                         "FOR UPDATE", (terminal_id,))  # fmt: skip
            seen.execute("SELECT digest, answer FROM hq_batches "
                         "WHERE terminal_id = %s AND batch_id = %s", (terminal_id, batch_id))  # fmt: skip
            term, prior = lock.fetchone(), seen.fetchone()  # one sync: one round trip
        return term, Prior(*prior) if prior is not None else None
    term = conn.execute(
        select(*(terminals.c[c] for c in TERMINAL))
        .where(terminals.c.id == terminal_id)
        .with_for_update()
    ).first()
    prior = conn.execute(
        select(batches.c.digest, batches.c.answer).where(
            batches.c.terminal_id == terminal_id, batches.c.batch_id == batch_id
        )
    ).first()
    return term, Prior(prior.digest, prior.answer) if prior is not None else None


def _close(conn: Connection, terminal_id: str, moved: dict[str, Any] | None,
           batch: dict[str, Any]) -> None:  # fmt: skip
    """Move the terminal's row on (`moved`, when the batch held new events) and store the
    batch with its answer; on PostgreSQL both in one round trip."""
    if not on_postgres(conn):
        if moved:
            conn.execute(update(terminals).where(terminals.c.id == terminal_id).values(**moved))
        conn.execute(batches.insert().values(**batch))
        return
    driver = conn.connection.driver_connection
    with driver.pipeline(), driver.cursor() as cursor:
        if moved:
            cursor.execute(
                f"UPDATE hq_terminals SET {', '.join(f'{c} = %s' for c in moved)} WHERE id = %s",
                [*moved.values(), terminal_id],
            )
        batch = {**batch, "answer": json.dumps(batch["answer"], ensure_ascii=False)}
        cursor.execute(
            f"INSERT INTO hq_batches ({', '.join(batch)}) VALUES ({', '.join(['%s'] * len(batch))})",
            list(batch.values()),
        )


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
    member_rows: list[dict[str, Any]] = field(default_factory=list)  # members written
    inserts: dict[Table, list[dict[str, Any]]] = field(default_factory=dict)  # rows written
    answers: list[dict[str, Any]] = field(default_factory=list)

    def run(self, new: list[Incoming]) -> None:
        if not new:
            return
        verdicts = self._judge(new)
        planned = [v for v in verdicts if v.plan is not None]
        stepped = [v.plan for v in planned if v.plan.coupon_of]
        if stepped:  # a member's coupon is that member's: its steps touch them (usually none)
            members_of = issued_to(self.conn, [p.coupon_of for p in stepped])
            for p in stepped:
                if p.coupon_of in members_of:
                    p.touches.append(("member", members_of[p.coupon_of]))
        touches = [t for v in planned for t in v.plan.touches]
        ids: dict[Table, list[str]] = {}
        for v in planned:
            for table, row in v.plan.rows:
                if table in RECORDS:
                    ids.setdefault(table, []).append(row["id"])
        event_ids = [v.event.event_id for v in verdicts if v.id_checked]
        of_sales = [v.plan.of_sale for v in planned if v.plan.of_sale]
        found = batch_lookups(self.conn, event_ids, touches, ids, ids.get(sales, []), of_sales)
        for v in verdicts:  # an id held already is the answer, whatever else is wrong
            holder = found.holders.get(v.event.event_id) if v.id_checked else None
            if holder is not None:
                v.plan, v.rejected = None, Rejected(
                    "event_id_reused", event_id=holder.event_id, terminal_code=holder.code,
                    store_code=holder.store_code)  # fmt: skip
        numbers = [v.plan.member["card_no"] for v in verdicts if v.plan and v.plan.member]
        self._check_against_tables(
            [v for v in verdicts if v.plan is not None], found, card_holders(self.conn, numbers)
        )
        self._write(verdicts, found.parked_for)

    # -------------------------------------------------------- on its own

    def _judge(self, new: list[Incoming]) -> list[Verdict]:
        """Each event on its own, without HQ's tables: whether its id is held already is
        asked with the rest, for the whole batch (`run`)."""
        window = clock_window(self.now)
        seen: set[str] = set()
        verdicts = []
        for e in new:
            v = Verdict(e)
            try:
                v.created_at = _envelope(e, window)
                if e.event_id in seen:
                    raise Rejected("event_id_twice", event_id=e.event_id)
                seen.add(e.event_id)
                v.id_checked = True
                if "_omitted" in e.payload:  # the terminal could not send a payload this big
                    size = e.payload.get("bytes")
                    raise Rejected("too_large", bytes=size if type(size) is int else None)
                planned = plan(e.kind, e.payload, Source(self.ctx, e.seq, v.created_at))
                if planned.member is not None and planned.member["id"] != e.aggregate_id:
                    # A member's history is read by its record id (a rebase puts a member
                    # back to its newest kept event, totals count the members a till issued):
                    # an event naming one member and carrying another's row would write
                    # that row into the member it names.
                    raise invalid("aggregate_id", "mismatch")
                if _suspect(e.payload_json()) and _unstorable(e.payload):
                    raise invalid("payload", "type")  # a field's own check names it first
                if may_hold_control(e.payload_json()):
                    check_texts(e.kind, e.payload)  # what a till refuses where it is typed
                v.plan = planned
            except Rejected as r:
                v.rejected = r
            verdicts.append(v)
        return verdicts

    # -------------------------------------------------------- against HQ's tables

    def _check_against_tables(
        self, planned: list[Verdict], found: Found, numbers: CardHolders
    ) -> None:
        """Owners of what the events touch (a member's card number too), ids already held,
        refunds to park — in order, so a member or sale made earlier in the batch counts for
        the events after it."""
        shared, owners, held = found.shared, found.owners, found.held
        made: dict[str, set[str]] = {"member": set(), "sale": set()}
        credits: SaleCredits | None = None  # asked only when an event leans on its sale
        for v in planned:
            p = v.plan
            try:
                own_sale = found.sale_members.get(p.of_sale) if p.of_sale else None
                through_sale = check_touches(
                    p.touches, self.ctx.store_code, owners, shared=shared,
                    sale_member=own_sale[1] if own_sale and own_sale[0] == self.ctx.store_code
                    else None)  # fmt: skip
                if through_sale is not None and p.rows:
                    credits = credits or SaleCredits(self.conn)
                    credits.take(p.rows[0][0], p.rows[0][1], p.of_sale, through_sale)
                if p.member is not None and p.member["card_no"]:
                    numbers.check(p.member["card_no"], p.member["id"], self.ctx.store_code)
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

    def _write(self, verdicts: list[Verdict], parked_for: set[str]) -> None:
        """Write the batch; `parked_for`: the new sales that refunds parked before wait for."""
        conn, ctx, now = self.conn, self.ctx, self.now
        event_rows: list[tuple[Any, ...]] = []
        parked_rows, late = [], []
        pg = on_postgres(conn)
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
            payload, params = e.payload, rejected.params if rejected else None
            if rejected is not None and _unstorable(payload):
                payload = None  # kept without what no column holds; the code says why
            if pg:  # the JSON columns as their text, the payload's encoded once already
                if type(payload) is dict:
                    payload = e.payload_json()
                elif payload is not None:
                    payload = json.dumps(payload, ensure_ascii=False)
                params = None if params is None else json.dumps(params, ensure_ascii=False)
            event_rows.append((  # in EVENT_COLUMNS' order
                ctx.terminal_id, ctx.epoch, e.seq, _short_str(e.event_id),
                e.kind[:40] if isinstance(e.kind, str) and _storable_text(e.kind) else "",
                e.aggregate_id[:MAX_ID]
                if isinstance(e.aggregate_id, str) and _storable_text(e.aggregate_id) else "",
                ctx.store_code, _business_date(e, member) if rejected is None else None,
                v.created_at, now, self.batch_id, "accepted" if rejected is None else "rejected",
                rejected.reason if rejected else "", rejected.code if rejected else "",
                params, payload,
            ))  # fmt: skip
        write_rows(conn, [
            (events, Tuples(EVENT_COLUMNS, event_rows)),
            *((table, inserts.get(table, []))
              for table in (sales, refunds, tender_lines, points_entries, wallet_entries,
                            coupon_events)),
            (parked_refunds, parked_rows),
            (clock_problems, late),
        ])  # fmt: skip
        upsert_members(conn, list(latest_member.values()))
        remember_cards(conn, member_rows, now)
        self.member_rows, self.inserts = member_rows, inserts
        waited = parked_for | {row["sale_id"] for row in parked_rows}
        new_sales = [row["id"] for row in inserts.get(sales, []) if row["id"] in waited]
        if new_sales:  # a refund sent before its sale (usually none)
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
        if claimed is not None and not _storable_text(claimed):
            claimed = None
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

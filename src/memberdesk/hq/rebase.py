"""A diverged terminal starts a new epoch: its restored history is accepted, nothing counts twice.

A till restored from an old backup sends, at a sequence HQ already holds, an event
HQ does not know; HQ marks the terminal diverged at that sequence and takes nothing
more from it. `rebase_terminal` then, in one transaction:
- records that the terminal's history from that sequence on is superseded (the
  events stay in `hq_events`; `hq_rebases` says which no longer count);
- flags the projection rows those events wrote (sales, refunds, tender lines,
  points and wallet entries, parked refunds, coupon steps) superseded: totals and balances skip
  them, `memberdesk-hq problems` lists them as only at HQ;
- puts each member those events last wrote back to the newest version a kept event
  wrote (or flags it superseded when none did), so the till's versions win again;
- starts a new epoch whose last sequence is the one before the divergence, so the
  restored till pushes its history from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, func, select, update

from .apply import held_events
from .db import writer
from .directory import mark_changed, replay_fields
from .models import (
    coupon_events,
    events,
    members,
    parked_refunds,
    points_entries,
    rebases,
    refunds,
    sales,
    stores,
    tender_lines,
    terminals,
    wallet_entries,
)
from .projections import Context, Source, member_row
from .provision import ProvisionError, till_name

SUPERSEDABLE = (sales, refunds, tender_lines, points_entries, wallet_entries, parked_refunds,
                coupon_events)  # fmt: skip


@dataclass(frozen=True)
class Rebased:
    terminal_id: str
    till: str  # as the operator knows it: S002-01 (provision.till_name)
    old_epoch: int
    epoch: int
    from_seq: int
    sales: int  # sales now only at HQ
    members_restored: int


def rebase_terminal(engine: Engine, terminal_id: str) -> Rebased:
    now = datetime.now(UTC).replace(tzinfo=None)
    with writer(engine).begin() as conn:
        term = conn.execute(
            select(terminals.c.epoch, terminals.c.diverged_seq, terminals.c.store_code)
            .where(terminals.c.id == terminal_id)
            .with_for_update()
        ).first()
        if term is None:
            raise ProvisionError("hq.terminal_missing", terminal=terminal_id)
        if term.diverged_seq is None:
            raise ProvisionError("hq.not_diverged", terminal=till_name(conn, terminal_id))
        start, epoch = int(term.diverged_seq), int(term.epoch)
        till = till_name(conn, terminal_id)
        conn.execute(
            rebases.insert().values(
                terminal_id=terminal_id, epoch=epoch, from_seq=start, rebased_at=now
            )
        )
        gone = {}
        for table in SUPERSEDABLE:
            gone[table] = conn.execute(
                update(table)
                .where(table.c.terminal_id == terminal_id, table.c.seq >= start,
                       table.c.superseded.is_(False))
                .values(superseded=True)
            ).rowcount  # fmt: skip
        touched, published = _touched_members(conn, terminal_id, start)
        restored = _restore_members(conn, terminal_id, start)
        _refields(conn, terminal_id, start, touched, published)
        before = held_events(conn, terminal_id, start - 1, start - 1).get(start - 1)
        conn.execute(
            update(terminals)
            .where(terminals.c.id == terminal_id)
            .values(epoch=epoch + 1, diverged_seq=None, last_seq=start - 1,
                    last_event_id=before.event_id if before else None,
                    latest_created_at=_latest_kept(conn, terminal_id, start),
                    last_chain=None)  # the restored journal's link there is not held here
        )  # fmt: skip
    return Rebased(terminal_id, till, epoch, epoch + 1, start, gone[sales], restored)


def _touched_members(
    conn: Connection, terminal_id: str, start: int
) -> tuple[list[str], dict[str, int]]:
    """The members the superseded events edited (their rows or one of their fields), and
    the highest version HQ has published of each."""
    ids = set(
        conn.scalars(
            select(events.c.aggregate_id).where(
                events.c.terminal_id == terminal_id, events.c.seq >= start,
                events.c.status == "accepted", events.c.kind.like("member.%"),
            )
        )
    )  # fmt: skip
    published = dict(
        conn.execute(select(members.c.id, members.c.version).where(members.c.id.in_(ids))).all()
    )
    return sorted(ids), published


def _refields(
    conn: Connection, terminal_id: str, start: int, ids: list[str], published: dict[str, int]
) -> None:
    """The per-field merge forgets what the superseded edits wrote: each field of these
    members goes back to its latest kept edit. Their rows get a version above any HQ has
    published, and the feed's next number, so that every till — also one that pulled a
    superseded profile — takes the profile as it now stands."""
    if not ids:
        return
    spans_of: dict[str, list[tuple[int, int]]] = {}

    def kept(e: Row) -> bool:
        if e.terminal_id not in spans_of:
            spans_of[e.terminal_id] = superseded_spans(conn, e.terminal_id)
        return not is_superseded(spans_of[e.terminal_id], e.epoch, e.seq)

    replay_fields(conn, ids, kept)
    for member_id, version in published.items():
        conn.execute(
            update(members)
            .where(members.c.id == member_id, members.c.version <= version)
            .values(version=version + 1)
        )
    mark_changed(conn, ids)


def superseded_spans(conn: Connection, terminal_id: str) -> list[tuple[int, int]]:
    """(epoch, from_seq) of each rebase: an event of epoch ≤ e at seq ≥ from_seq is superseded."""
    return [
        (r.epoch, r.from_seq)
        for r in conn.execute(
            select(rebases.c.epoch, rebases.c.from_seq).where(rebases.c.terminal_id == terminal_id)
        )
    ]


def is_superseded(spans: list[tuple[int, int]], epoch: int, seq: int) -> bool:
    return any(epoch <= e and seq >= start for e, start in spans)


def _latest_kept(conn: Connection, terminal_id: str, start: int) -> datetime | None:
    return conn.scalar(
        select(func.max(events.c.created_at)).where(
            events.c.terminal_id == terminal_id, events.c.seq < start
        )
    )


def _restore_members(conn: Connection, terminal_id: str, start: int) -> int:
    """Members last written by now-superseded events go back to their newest kept version."""
    ids = list(
        conn.scalars(
            select(members.c.id).where(
                members.c.terminal_id == terminal_id, members.c.seq >= start,
                members.c.superseded.is_(False),
            )
        )
    )  # fmt: skip
    if not ids:
        return 0
    timezone = conn.scalar(
        select(stores.c.timezone)
        .join(terminals, terminals.c.store_code == stores.c.code)
        .where(terminals.c.id == terminal_id)
    )
    spans_of: dict[str, list[tuple[int, int]]] = {}
    best: dict[str, tuple[Any, ...]] = {}
    candidates = conn.execute(
        select(events.c.aggregate_id, events.c.terminal_id, events.c.epoch, events.c.seq,
               events.c.created_at, events.c.payload, terminals.c.store_code)
        .join(terminals, terminals.c.id == events.c.terminal_id)
        .where(events.c.aggregate_id.in_(ids), events.c.status == "accepted",
               events.c.kind.like("member.%"))
    )  # fmt: skip
    for c in candidates:
        if c.terminal_id not in spans_of:
            spans_of[c.terminal_id] = superseded_spans(conn, c.terminal_id)
        if is_superseded(spans_of[c.terminal_id], c.epoch, c.seq):
            continue
        version = c.payload.get("version", 0) if isinstance(c.payload, dict) else 0
        key = (version, c.epoch, c.seq)
        if c.aggregate_id not in best or key > best[c.aggregate_id][0]:
            best[c.aggregate_id] = (key, c)
    for member_id in ids:
        found = best.get(member_id)
        values = {"superseded": True} if found is None else _row_of(found[1], timezone)
        conn.execute(update(members).where(members.c.id == member_id).values(**values))
    return sum(1 for member_id in ids if member_id in best)


def _row_of(event: Row, timezone: str) -> dict[str, Any]:
    ctx = Context(event.terminal_id, event.store_code, timezone, event.epoch)
    row = member_row(event.payload, Source(ctx, event.seq, event.created_at))
    row.pop("id")
    row.pop("store_code")  # the owner never changes
    return {**row, "superseded": False}


@dataclass(frozen=True)
class RebasePreview:
    """What `rebase_terminal` would do, read without changing anything."""

    terminal_id: str
    till: str  # as the operator knows it: S002-01 (provision.till_name)
    store_code: str
    from_seq: int
    last_seq: int  # the last record HQ holds of the history that would stop counting
    sales: int  # sales that would be only at HQ
    total: int  # their amount, fen


def rebase_preview(engine: Engine, terminal_id: str) -> RebasePreview:
    with engine.connect() as conn:
        term = conn.execute(
            select(terminals.c.diverged_seq, terminals.c.store_code, terminals.c.last_seq)
            .where(terminals.c.id == terminal_id)
        ).first()  # fmt: skip
        if term is None:
            raise ProvisionError("hq.terminal_missing", terminal=terminal_id)
        till = till_name(conn, terminal_id)
        if term.diverged_seq is None:
            raise ProvisionError("hq.not_diverged", terminal=till)
        start = int(term.diverged_seq)
        count, total = conn.execute(
            select(func.count(), func.coalesce(func.sum(sales.c.total), 0)).where(
                sales.c.terminal_id == terminal_id, sales.c.seq >= start,
                sales.c.superseded.is_(False),
            )
        ).one()  # fmt: skip
    return RebasePreview(terminal_id, till, term.store_code, start, int(term.last_seq or 0),
                         int(count), int(total))  # fmt: skip

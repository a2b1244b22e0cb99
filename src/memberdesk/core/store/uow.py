"""The unit of work: one user action, one write transaction, its outbox and audit rows inside it.

It also keeps a note of what it changed — each outbox row's kind, and each
``touched(kind)`` for a change the window shows but head office is not told of —
when a caller has opened a collector on this thread (store.changes); with none
open it keeps nothing. Store.write() hands the note over once the transaction has
committed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from ..clock import Clock, shop_date, to_utc_naive
from .anchor import AUDIT_END, JOURNAL_END, End
from .changes import Changes, recorder
from .journal import GENESIS, audit_link, link, payload_text
from .models import AuditEntry, Base, OutboxEvent, new_id
from .statements import raw_connection, write_rows


class UnitOfWork:
    """One user action = one write transaction, with its outbox rows inside it."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.now = to_utc_naive(clock.now())
        self._pending: list[tuple[Table, dict[str, Any] | Base]] | None = None
        # What this transaction changed, kept only while someone collects (store.changes).
        self.changes: Changes | None = recorder()
        # Journal rows or audit entries written: their ends are noted (anchor.py), when the
        # transaction waits for the disk (`durable`: a directory chunk's does not).
        self.emitted = self.audited = False
        self.durable = True

    def today(self, tz: str) -> date:
        """The business date of this transaction in the shop's time zone.

        Derived from ``now`` so a builder that replays history (demo, benchmark) can
        set ``uow.now`` before each operation inside one transaction.
        """
        return shop_date(self.now, tz)

    def emit(self, kind: str, aggregate_id: str, payload: dict[str, Any]) -> str:
        """Append an outbox row for this change, sealed to the row before it (journal.py);
        returns its event id."""
        event_id = new_id()
        previous_seq, previous = self._journal_tail()
        seq = previous_seq + 1
        chain = link(previous, seq, event_id, kind, aggregate_id, self.now, payload_text(payload))
        self.insert(
            OUTBOX,
            {"seq": seq, "event_id": event_id, "kind": kind, "aggregate_id": aggregate_id,
             "payload": payload, "created_at": self.now, "state": "pending", "batch_id": None,
             "reason": "", "chain": chain},
        )  # fmt: skip
        if self.changes is not None:
            self.changes.note(kind, aggregate_id, payload)
        self.emitted = True
        return event_id

    def _journal_tail(self) -> tuple[int, str]:
        """The last outbox row's sequence and chain: one still waiting in a ``rows()``
        block, else the table's (read now: a rolled-back savepoint leaves no stale copy)."""
        for table, row in reversed(self._pending or ()):
            if table is OUTBOX and isinstance(row, dict):
                return row["seq"], row["chain"]
        last = raw_connection(self.session).execute(JOURNAL_END).fetchone()
        return (0, GENESIS) if last is None else (int(last[0]), last[1] or GENESIS)

    def ends(self) -> tuple[End | None, End | None]:
        """The journal's and the audit log's last rows as this transaction leaves them, of
        those it wrote to (read from the tables: a savepoint rolled back may have taken a
        row written)."""
        if not self.durable:
            return None, None
        conn = raw_connection(self.session)
        out: list[End | None] = []
        for wrote, statement in ((self.emitted, JOURNAL_END), (self.audited, AUDIT_END)):
            last = conn.execute(statement).fetchone() if wrote else None
            out.append(End(int(last[0]), last[1], self.now) if last and last[1] else None)
        return out[0], out[1]

    def touched(self, kind: str, aggregate_id: str = "") -> None:
        """Note a change the window shows that writes no outbox row (e.g. printer settings).

        `kind` is named like an event kind (``printer.configured``)."""
        if self.changes is not None:
            self.changes.note(kind, aggregate_id, None)

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
        detail = detail or {}
        previous_id, previous = self._audit_tail()
        entry_id = previous_id + 1
        self.audited = True
        chain = audit_link(previous, entry_id, self.now, staff_id, staff_name, authorised_by,
                           action, target, payload_text(detail))  # fmt: skip
        self.insert(
            AUDIT,
            {"id": entry_id, "at": self.now, "staff_id": staff_id, "staff_name": staff_name,
             "authorised_by": authorised_by, "action": action, "target": target,
             "detail": detail, "chain": chain},
        )  # fmt: skip

    def _audit_tail(self) -> tuple[int, str]:
        """The last audit entry's id and chain: one still waiting in a ``rows()`` block,
        else the table's."""
        for table, row in reversed(self._pending or ()):
            if table is AUDIT and isinstance(row, dict):
                return row["id"], row["chain"]
        last = raw_connection(self.session).execute(AUDIT_END).fetchone()
        return (0, GENESIS) if last is None else (int(last[0]), last[1] or GENESIS)

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

    def pending(self, table: Table) -> list[dict[str, Any]]:
        """The rows of ``table`` inserted in the enclosing ``rows()`` block, not written yet."""
        return [row for t, row in self._pending or () if t is table and isinstance(row, dict)]

    def _write(self, rows: list[tuple[Table, dict[str, Any] | Base]]) -> None:
        write_rows(self.session, rows)


OUTBOX: Table = OutboxEvent.__table__  # type: ignore[assignment]


AUDIT: Table = AuditEntry.__table__  # type: ignore[assignment]

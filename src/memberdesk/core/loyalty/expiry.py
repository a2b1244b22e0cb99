"""Points past their expiry date, for one member, at the moment they would be spent.

The daily job (core/daily/jobs.py) clears expired lots when the till starts. A till left
open past a clearing date (New Year's Eve to 2 January), or a sale rung up before the
job has finished, must not let a member pay with points that have expired meanwhile:
a sale, a gift or a coupon for points first expires what is due, in its own transaction,
exactly as the job would (the same lots, replayed from the ledger), so a later run of the
job finds nothing left to clear.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from ..i18n import N_, translate
from ..store.models import Member
from ..store.statements import raw_connection
from ..store.uow import UnitOfWork
from .calendar import expiry_cutoff, lot_expires_on
from .ledger import post_points
from .lots import Entry, Lots, replay
from .program import Program

# Points earned before the cutoff: none means nothing can have expired (one indexed sum).
_OLD = (
    "SELECT COALESCE(SUM(delta), 0) FROM points_ledger"
    " WHERE member_id = ? AND delta > 0 AND business_date < ?"
)


_ENTRIES = (
    "SELECT kind, delta, business_date, sale_id, refund_id FROM points_ledger"
    " WHERE member_id = ? ORDER BY rowid"
)


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


# The cutoff the daily job last cleared every member's lots to (core/daily/jobs.py): up to
# it, nothing is left for a sale to clear, and the ledger need not be replayed (a regular's
# hundreds of entries, at every quote and sale).
EXPIRY_DONE = "jobs.expiry.cleared_to"


def points_expired(
    session: Session, program: Program, member_id: str, balance: int, today: date
) -> int:
    """The member's points (of ``balance``) in lots that have expired by ``today``."""
    cutoff = expiry_cutoff(program, today)
    if cutoff is None or balance <= 0:
        return 0
    conn = raw_connection(session)
    done = conn.execute("SELECT value FROM settings WHERE key = ?", (EXPIRY_DONE,)).fetchone()
    if done is not None and done[0] == json.dumps(cutoff.isoformat()):
        return 0  # the daily job has cleared to this cutoff already
    if not conn.execute(_OLD, (member_id, cutoff.isoformat())).fetchone()[0]:
        return 0
    rows = conn.execute(_ENTRIES, (member_id,)).fetchall()
    lots = replay(Entry(k, d, _as_date(b), s, r) for k, d, b, s, r in rows)
    return min(lots.due_before(cutoff), balance)


def expire_due_in(uow: UnitOfWork, program: Program, member: Member, today: date, lang: str) -> int:
    """Expire, inside the caller's transaction, the member's points past their date (as the
    daily job would); returns how many."""
    due = points_expired(uow.session, program, member.id, member.points, today)
    if due > 0:
        cutoff = expiry_cutoff(program, today)
        note = translate(N_("points earned before {date} expired"), lang, date=f"{cutoff:%Y-%m-%d}")
        post_points(uow, member, -due, "expire", today, note=note)
    return due


# How far ahead the receipt and the member panel tell a member of points about to expire.
# A quarter: long enough for a member who comes back now and then to still use them (and
# for yearly clearing on 1 January it covers October to December, when shops remind), short
# enough that the line is not printed all year on every receipt, saying what changes with
# every later sale anyway.
EXPIRY_NOTICE_DAYS = 90


@dataclass(frozen=True)
class ExpiringPoints:
    """A member's points that expire at their next expiry date."""

    points: int
    last_day: date  # the last day they can be spent (可用到, as the program's rule says)

    @property
    def cleared_on(self) -> date:
        """The day at whose start they are cleared (the expiry job's date)."""
        return self.last_day + timedelta(days=1)


def next_expiry(program: Program, lots: Lots, balance: int, today: date) -> ExpiringPoints | None:
    """Of ``lots`` (a member's, replayed), the points the expiry job clears at the earliest
    date after ``today`` some of them expire, if nothing is spent meanwhile; None when none
    expire (the program never expires points, or nothing is held)."""
    if balance <= 0:
        return None
    due: dict[date, int] = {}
    for lot in lots.lots:
        expires = lot_expires_on(program, lot.earned_on)
        if expires is not None and expires > today and lot.left > 0:
            due[expires] = due.get(expires, 0) + lot.left
    if not due:
        return None
    first = min(due)
    # The job clears min(lots earned before the cutoff, balance): the same here.
    return ExpiringPoints(min(due[first], balance), first - timedelta(days=1))


# Points earned from the cutoff the daily job last cleared to (nothing earned before it is
# left) and before a later cutoff: those that can expire by then (one indexed sum).
_EARNED_BETWEEN = (
    "SELECT COALESCE(SUM(delta), 0) FROM points_ledger"
    " WHERE member_id = ? AND delta > 0 AND business_date >= ? AND business_date < ?"
)


def _earned_to_expire(
    conn: sqlite3.Connection, program: Program, member_id: str, pending: list[Entry], by: date
) -> bool:
    """Whether the member earned any points that expire by ``by`` and the daily job has not
    cleared (a lot lives from the entry that earned it; one given back by a refund keeps
    the date of the entry that first earned it)."""
    cutoff = expiry_cutoff(program, by)
    if cutoff is None:
        return False
    if any(e.delta > 0 and e.business_date < cutoff for e in pending):
        return True
    done = conn.execute("SELECT value FROM settings WHERE key = ?", (EXPIRY_DONE,)).fetchone()
    cleared = json.loads(done[0]) if done is not None else date.min.isoformat()
    return bool(
        conn.execute(_EARNED_BETWEEN, (member_id, cleared, cutoff.isoformat())).fetchone()[0]
    )


def points_expiring(
    session: Session, program: Program, member_id: str, balance: int, today: date, *,
    pending: Iterable[Entry] = (), within_days: int | None = EXPIRY_NOTICE_DAYS,
) -> ExpiringPoints | None:  # fmt: skip
    """The member's points that expire next, and their last day, when that day is within
    ``within_days`` of ``today`` (None: however far). The lots are replayed from the
    member's ledger as the expiry job replays them, then ``pending``: entries of the
    caller's transaction not written yet (a sale's, for its receipt)."""
    if program.expiry.mode == "never" or balance <= 0:
        return None
    conn = raw_connection(session)
    pending = list(pending)
    if within_days is not None and not _earned_to_expire(
        conn, program, member_id, pending, today + timedelta(days=within_days + 1)
    ):
        return None  # nothing held can expire by then: the ledger need not be replayed
    rows = conn.execute(_ENTRIES, (member_id,)).fetchall()
    entries = [Entry(k, d, _as_date(b), s, r) for k, d, b, s, r in rows]
    found = next_expiry(program, replay([*entries, *pending]), balance, today)
    if found is None or (within_days is not None and (found.last_day - today).days > within_days):
        return None
    return found

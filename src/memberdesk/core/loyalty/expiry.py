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
from datetime import date

from sqlalchemy.orm import Session

from ..i18n import N_, translate
from ..store.models import Member
from ..store.statements import raw_connection
from ..store.uow import UnitOfWork
from .calendar import expiry_cutoff
from .ledger import post_points
from .lots import Entry, replay
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

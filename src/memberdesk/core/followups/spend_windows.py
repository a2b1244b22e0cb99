"""Each member's net spend in two windows before today, for the dropping-away list:
the last `window` days ("recent") and the year before them ("prior").

Summing every regular's sales over 15 months reads hundreds of thousands of index
entries at a large shop (about 0.4 s at 2M sales), too slow for a list the owner opens
and filters again and again. So the sums are taken once per shop day, for all members
in one pass over `ix_sales_member_date` (the window takes them with its start-up jobs), and
every read brings them up to date with what was written since:

- a sale written since counts in the window of its business date;
- a refund written since of a sale the sums already hold takes its amount off that
  sale's window (a refund of a newer sale is already in that sale's net total).

Sales and refunds are append-only, and SQLite gives a new row a rowid above every
existing one in a table never deleted from, so the highest rowid of each table when
the sums were taken marks where "since" begins. A sale's only later change is its
refunded total, which refunds account for. The sums live with the open Store (a
restore opens a new one) and are taken again for a new day or a new window length.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, text

from ..store.database import Store

PRIOR_DAYS = 365  # the year before the recent window: the member's usual spend


_TAKE = text(
    "SELECT member_id,"
    " sum(CASE WHEN business_date >= :recent THEN total - refunded_total ELSE 0 END),"
    " sum(CASE WHEN business_date < :recent THEN total - refunded_total ELSE 0 END)"
    " FROM sales INDEXED BY ix_sales_member_date"
    " WHERE member_id IS NOT NULL AND business_date >= :prior"
    " GROUP BY member_id"
)


_NEW_SALES = text(
    "SELECT member_id, business_date, total - refunded_total FROM sales"
    " WHERE rowid > :sales AND member_id IS NOT NULL AND business_date >= :prior"
)


_NEW_REFUNDS = text(
    "SELECT s.member_id, s.business_date, -r.amount FROM refunds r"
    " JOIN sales s ON s.id = r.sale_id"
    " WHERE r.rowid > :refunds AND s.rowid <= :sales"
    " AND s.member_id IS NOT NULL AND s.business_date >= :prior"
)


@dataclass(frozen=True)
class _Sums:
    day: date
    window: int
    sales_mark: int  # the last sales rowid the sums hold
    refunds_mark: int
    spend: dict[str, tuple[int, int]]  # member id → (recent, prior)

    def params(self) -> dict[str, object]:
        recent, prior = window_starts(self.day, self.window)
        return {"recent": recent.isoformat(), "prior": prior.isoformat(),
                "sales": self.sales_mark, "refunds": self.refunds_mark}  # fmt: skip


_TAKEN: WeakKeyDictionary[Store, _Sums] = WeakKeyDictionary()


_LOCK = threading.Lock()


def window_starts(today: date, window: int) -> tuple[date, date]:
    """(first day of the recent window, first day of the prior one)."""
    recent = today - timedelta(days=window)
    return recent, recent - timedelta(days=PRIOR_DAYS)


def _marks(conn: Connection) -> tuple[int, int]:
    """The last sales rowid and the last refunds rowid `conn`'s transaction sees."""
    raw = conn.exec_driver_sql
    return (raw("SELECT coalesce(max(rowid), 0) FROM sales").scalar_one(),
            raw("SELECT coalesce(max(rowid), 0) FROM refunds").scalar_one())  # fmt: skip


def _take(conn: Connection, today: date, window: int) -> _Sums:
    """All members' sums as of the transaction `conn` is in (marks and sums alike)."""
    sums = _Sums(today, window, *_marks(conn), {})
    sums.spend.update(
        (member, (int(r), int(p))) for member, r, p in conn.execute(_TAKE, sums.params())
    )
    return sums


def take(store: Store, conn: Connection, today: date, window: int) -> int:
    """Take the sums for `today` on `conn`'s transaction and keep them with `store`;
    returns how many members have spent in the windows."""
    sums = _take(conn, today, window)
    with _LOCK:
        _TAKEN[store] = sums
    return len(sums.spend)


def spend_reader(
    store: Store, conn: Connection, today: date, window: int
) -> Callable[[str], tuple[int, int]]:
    """member id → (recent, prior) net spend in fen as of `conn`'s transaction.

    Uses the sums kept with `store` when they are for this day and window (taking them
    now when not), plus the sales and refunds written since."""
    with _LOCK:
        sums = _TAKEN.get(store)
    if sums is None or (sums.day, sums.window) != (today, window):
        sums = _take(conn, today, window)
        with _LOCK:
            _TAKEN[store] = sums
    else:
        sales, refunds = _marks(conn)
        if sales < sums.sales_mark or refunds < sums.refunds_mark:
            sums = _take(conn, today, window)  # a transaction begun before they were taken
    params = sums.params()
    recent_from = window_starts(today, window)[0]
    since: dict[str, list[int]] = {}
    for sql in (_NEW_SALES, _NEW_REFUNDS):
        for member, day, fen in conn.execute(sql, params):
            both = since.setdefault(member, [0, 0])
            both[0 if date.fromisoformat(day) >= recent_from else 1] += fen
    spend = sums.spend
    if not since:
        return lambda member: spend.get(member, (0, 0))

    def read(member: str) -> tuple[int, int]:
        recent, prior = spend.get(member, (0, 0))
        extra = since.get(member)
        return (recent, prior) if extra is None else (recent + extra[0], prior + extra[1])

    return read

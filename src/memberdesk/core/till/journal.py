"""The sales journal: any sale, member or walk-in, by receipt number, day, amount, member or
cashier, and everything that happened to it since (its refunds).

A receipt's barcode and QR code carry its receipt number, so a scanned receipt names one
sale; a scanned refund slip names the sale it refunded. Lists are newest first (business
day, then time, then the order the till wrote them) and come a page at a time: the next
page starts after the last row shown (a cursor, not an offset), so the tenth page of two
million sales costs what the first does.

Every filter reads an index (migration 0013 adds the ones that were missing and gives
the figures): the receipt number is unique; a member's sales, the walk-ins, a cashier's
sales and an exact amount each have an index in newest-first order per day; a day range
reads the business-day index. An amount range is the one filter an index cannot both
narrow and order: when few sales fall in it (``FEW``), they are read through the amount
index and sorted; when many do, the business-day index is walked newest first and the
first page is full long before the range's far end.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import from_utc_naive
from ..errors import DomainError
from ..i18n import N_, Listing
from ..members.lookup import find_members
from ..money import MAX_FEN, format_fen, whole
from ..shop.details import shop_info
from ..store.database import Store
from ..store.models import Refund, Staff
from ..store.statements import raw_connection
from .receipts import SaleResult, load_sale

PAGE = 50
MAX_PAGE = 500
# A name or pinyin query names at most this many members; the list shows all their sales.
MEMBER_LIMIT = 50
# An amount range with at most this many sales is read through the amount index (see above).
FEW = 2000


@dataclass(frozen=True)
class SaleQuery:
    """What to look for; every field left empty matches every sale. Amounts in fen."""

    receipt: str = ""  # a sale's (or a refund slip's) receipt number: that one sale
    day_from: date | None = None
    day_to: date | None = None
    amount: int | None = None  # the sale's total, exactly
    amount_min: int | None = None
    amount_max: int | None = None
    member: str = ""  # card number (any the member ever had), phone, last 4 digits, name, pinyin
    walk_in: bool = False  # only sales without a member
    cashier: str = ""  # staff name


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: the next page starts after this sale."""

    business_date: str
    created_at: str
    rowid: int


@dataclass(frozen=True)
class JournalRow:
    sale_id: str
    receipt_no: str
    business_date: date
    local_time: datetime  # the shop's wall clock
    total: int
    discount_total: int
    refunded_total: int
    tenders: dict[str, int]
    cashier: str
    member_id: str | None
    member_name: str  # "" for a walk-in
    card_no: str

    @property
    def refundable(self) -> bool:
        return self.refunded_total < self.total

    @property
    def walk_in(self) -> bool:
        return self.member_id is None


@dataclass(frozen=True)
class MemberMatch:
    member_id: str
    name: str
    card_no: str


@dataclass(frozen=True)
class JournalPage:
    rows: tuple[JournalRow, ...]
    next: Cursor | None  # None: this was the last page
    members: tuple[MemberMatch, ...] = ()  # whom the member filter named
    by_receipt: bool = False  # the receipt number named this one sale


@dataclass(frozen=True)
class RefundRow:
    refund_id: str
    receipt_no: str
    local_time: datetime
    amount: int  # value of the goods returned
    tenders: dict[str, int]  # money back by tender; stored value back as "wallet"
    lines: dict[int, int]  # line number → quantity returned
    points_reversed: int
    points_returned: int
    cashier: str
    authorised_by: str
    reason: str


@dataclass(frozen=True)
class JournalSale:
    """A sale as the journal opens it: the receipt's contents and its refunds since."""

    sale: SaleResult
    refunds: tuple[RefundRow, ...]
    member_name: str  # the member's name now ("" for a walk-in)

    @property
    def refundable(self) -> bool:
        return self.sale.refunded_total < self.sale.total


# ---------------------------------------------------------------------------- checking

_DAY = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")


def parse_day(text: str | None) -> date | None:
    """A day as typed: 2026-03-10 (or 2026-3-10, 2026/3/10); None when left empty."""
    typed = str(text or "").strip()
    if not typed:
        return None
    found = _DAY.fullmatch(typed)
    try:
        if found is None:
            raise ValueError(typed)
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        raise DomainError("followup.date_invalid", value=typed) from None


def _fen(value: Any, what: str) -> int | None:
    if value is None:
        return None
    fen = whole(value, what, limit=MAX_FEN)
    if fen < 0:
        raise DomainError("amount.negative")
    return fen


def check_query(q: SaleQuery) -> SaleQuery:
    """The query as core reads it, or a refusal naming what is wrong (nothing is searched)."""
    for day in (q.day_from, q.day_to):
        if day is not None and not isinstance(day, date):
            raise DomainError("followup.date_invalid", value=str(day))
    if q.day_from and q.day_to and q.day_from > q.day_to:
        raise DomainError("followup.period_invalid", start=q.day_from.isoformat(),
                          end=q.day_to.isoformat())  # fmt: skip
    amount = _fen(q.amount, N_("the amount"))
    low = _fen(q.amount_min, N_("the lowest amount"))
    high = _fen(q.amount_max, N_("the highest amount"))
    if amount is not None and (low is not None or high is not None):
        raise DomainError("journal.amount_and_range")
    if low is not None and high is not None and low > high:
        raise DomainError("journal.amount_range", low=format_fen(low), high=format_fen(high))
    member = " ".join(str(q.member or "").split())
    if member and q.walk_in:
        raise DomainError("journal.member_and_walk_in")
    return SaleQuery(receipt=str(q.receipt or "").strip(), day_from=q.day_from, day_to=q.day_to,
                     amount=amount, amount_min=low, amount_max=high, member=member,
                     walk_in=bool(q.walk_in), cashier=str(q.cashier or "").strip())  # fmt: skip


# ---------------------------------------------------------------------------- finding

_SALE_BY_RECEIPT = "SELECT id FROM sales WHERE receipt_no = ?"
_REFUND_BY_RECEIPT = "SELECT sale_id FROM refunds WHERE receipt_no = ?"
_SALE_BY_ID = "SELECT id FROM sales WHERE id = ?"
_TOPUP_BY_RECEIPT = "SELECT 1 FROM topups WHERE receipt_no = ?"


def sale_by_receipt(store: Store, text: str) -> str:
    """The id of the sale a scanned or typed receipt number names (a refund slip's number
    names the sale it refunded); refuses a number that names no sale."""
    with store.read() as s:
        return _sale_by_receipt(raw_connection(s), text)


def _sale_by_receipt(con: sqlite3.Connection, text: str) -> str:
    wanted = " ".join(str(text or "").split())
    if not wanted:
        raise DomainError("journal.receipt_empty")
    # A scanner in the wrong keyboard mode sends upper case as lower case: the codes are ASCII.
    for key in dict.fromkeys((wanted, wanted.upper())):
        for sql in (_SALE_BY_RECEIPT, _REFUND_BY_RECEIPT, _SALE_BY_ID):
            row = con.execute(sql, (key,)).fetchone()
            if row is not None:
                return row[0]
        if con.execute(_TOPUP_BY_RECEIPT, (key,)).fetchone() is not None:
            raise DomainError("journal.not_a_sale", receipt=key)
    raise DomainError("sale.not_found", receipt=wanted)


def find_sales(
    store: Store, query: SaleQuery, *, after: Cursor | None = None, limit: int = PAGE
) -> JournalPage:
    """A page of the sales `query` matches, newest first; `after` continues a list."""
    q = check_query(query)
    limit = max(1, min(int(limit), MAX_PAGE))
    members: tuple[MemberMatch, ...] = ()
    if q.member and not q.receipt:
        members = _members(store, q.member)
    with store.read() as s:
        con = raw_connection(s)
        tz = ZoneInfo(shop_info(s).timezone)
        if q.receipt:
            sale_id = _sale_by_receipt(con, q.receipt)
            sql = _SELECT.replace("{index}", "") + " WHERE s.id = ?"
            found = _rows_sql(con, sql, [sale_id], tz, 1)
            return JournalPage(tuple(r for r, _ in found), None, by_receipt=True)
        cashier_id = _cashier(con, q.cashier) if q.cashier else None
        sql, params = journal_sql(con, q, [m.member_id for m in members], cashier_id, after)
        rows = _rows_sql(con, sql, params, tz, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = Cursor(*rows[-1][1]) if more else None
    return JournalPage(tuple(r for r, _ in rows), cursor, members)


def _cashier(con: sqlite3.Connection, name: str) -> str:
    rows = con.execute("SELECT id, name FROM staff ORDER BY name").fetchall()
    for staff_id, staff_name in rows:
        if staff_name == name or staff_name.casefold() == name.casefold():
            return staff_id
    raise DomainError("journal.cashier_unknown", name=name,
                      names=Listing([n for _, n in rows]))  # fmt: skip


_CARD_MEMBER = (
    "SELECT m.id, m.name, m.card_no FROM cards c JOIN members m ON m.id = c.member_id"
    " WHERE c.card_no = ?"
)


def _members(store: Store, text: str) -> tuple[MemberMatch, ...]:
    """Whom a member filter names: the holder of any card ever issued with that number
    (a lost or replaced card's sales are still theirs), else the till's search."""
    with store.read() as s:
        row = raw_connection(s).execute(_CARD_MEMBER, (text.upper(),)).fetchone()
    if row is not None:
        return (MemberMatch(*row),)
    result = find_members(store, text, limit=MEMBER_LIMIT, include_cancelled=True)
    if not result.hits:
        raise DomainError("journal.member_unknown", query=text)
    return tuple(MemberMatch(h.member_id, h.name, h.card_no) for h in result.hits)


_ORDER = " ORDER BY s.business_date DESC, s.created_at DESC, s.rowid DESC"


def journal_sql(
    con: sqlite3.Connection, q: SaleQuery, member_ids: list[str], cashier_id: str | None,
    after: Cursor | None,
) -> tuple[str, list[Any]]:  # fmt: skip
    """The statement a checked query runs (its plan is in the module's docstring)."""
    where: list[str] = []
    params: list[Any] = []
    index = ""
    if q.day_from is not None:
        where.append("s.business_date >= ?")
        params.append(q.day_from.isoformat())
    if q.day_to is not None:
        where.append("s.business_date <= ?")
        params.append(q.day_to.isoformat())
    if member_ids:
        where.append(f"s.member_id IN ({', '.join('?' * len(member_ids))})")
        params.extend(member_ids)
    elif q.walk_in:
        where.append("s.member_id IS NULL")
    if cashier_id is not None:
        where.append("s.cashier_id = ?")
        params.append(cashier_id)
    if q.amount is not None:
        where.append("s.total = ?")
        params.append(q.amount)
    elif q.amount_min is not None or q.amount_max is not None:
        low = q.amount_min if q.amount_min is not None else 0
        high = q.amount_max if q.amount_max is not None else MAX_FEN
        narrowed = member_ids or q.walk_in or cashier_id is not None
        if not narrowed and _few(con, low, high, q.day_from, q.day_to):
            index = " INDEXED BY ix_sales_total_date"
            where.append("s.total BETWEEN ? AND ?")
        else:  # the other filter's index, or the days newest first (+: not the amount's)
            where.append("+s.total BETWEEN ? AND ?")
        params.extend((low, high))
    if after is not None:
        where.append(
            "s.business_date <= ? AND (s.business_date < ? OR s.created_at < ?"
            " OR (s.created_at = ? AND s.rowid < ?))"
        )
        params.extend((after.business_date, after.business_date, after.created_at,
                       after.created_at, after.rowid))  # fmt: skip
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return _SELECT.replace("{index}", index) + clause + _ORDER, params


_FEW_SQL = (
    "SELECT count(*) FROM (SELECT 1 FROM sales INDEXED BY ix_sales_total_date"
    " WHERE total BETWEEN ? AND ? AND business_date BETWEEN ? AND ? LIMIT ?)"
)


def _few(con: sqlite3.Connection, low: int, high: int, start: date | None,
         end: date | None) -> bool:  # fmt: skip
    """Whether at most FEW sales fall in the range (read from the amount index alone)."""
    first = start.isoformat() if start else ""
    last = end.isoformat() if end else "9999-12-31"
    return con.execute(_FEW_SQL, (low, high, first, last, FEW + 1)).fetchone()[0] <= FEW


_SELECT = (
    "SELECT s.rowid, s.id, s.receipt_no, s.business_date, s.created_at, s.total,"
    " s.discount_total, s.refunded_total, s.member_id, json_extract(s.details, '$.cashier'),"
    " m.name, m.card_no FROM sales s{index} LEFT JOIN members m ON m.id = s.member_id"
)


def _rows_sql(con: sqlite3.Connection, sql: str, params: list[Any], tz: ZoneInfo,
              limit: int) -> list[tuple[JournalRow, tuple[str, str, int]]]:  # fmt: skip
    found = con.execute(sql + " LIMIT ?", [*params, limit]).fetchall()
    tenders: dict[str, dict[str, int]] = {r[1]: {} for r in found}
    if found:
        marks = ", ".join("?" * len(tenders))
        for sale_id, kind, amount in con.execute(
            f"SELECT sale_id, kind, amount FROM sale_tenders WHERE sale_id IN ({marks})"
            " ORDER BY id",
            list(tenders),
        ):
            tenders[sale_id][kind] = amount
    out = []
    for rowid, sale_id, receipt, day, created, total, discount, refunded, member_id, cashier, \
            name, card in found:  # fmt: skip
        moment = from_utc_naive(datetime.fromisoformat(created)).astimezone(tz)
        row = JournalRow(
            sale_id=sale_id, receipt_no=receipt, business_date=date.fromisoformat(day),
            local_time=moment.replace(tzinfo=None), total=total, discount_total=discount,
            refunded_total=refunded, tenders=tenders[sale_id], cashier=cashier or "",
            member_id=member_id, member_name=name or "", card_no=card or "",
        )  # fmt: skip
        out.append((row, (day, created, rowid)))
    return out


# ---------------------------------------------------------------------------- one sale


def journal_sale(store: Store, sale_ref: str) -> JournalSale:
    """One sale by id or receipt number (a refund slip's number names its sale), with its
    refunds, newest last."""
    with store.read() as s:
        con = raw_connection(s)
        sale_id = _sale_by_receipt(con, sale_ref)
        sale = load_sale(s, sale_id)
        return JournalSale(sale, _refunds(s, sale_id), _member_name(con, sale.sale_id))


def _member_name(con: sqlite3.Connection, sale_id: str) -> str:
    row = con.execute(
        "SELECT m.name FROM sales s JOIN members m ON m.id = s.member_id WHERE s.id = ?",
        (sale_id,),
    ).fetchone()
    return row[0] if row else ""


def _refunds(session: Session, sale_id: str) -> tuple[RefundRow, ...]:
    tz = ZoneInfo(shop_info(session).timezone)
    rows = session.execute(
        select(Refund, Staff.name)
        .outerjoin(Staff, Staff.id == Refund.cashier_id)
        .where(Refund.sale_id == sale_id)
        .order_by(Refund.created_at, Refund.receipt_no)
    ).all()
    out = []
    for r, staff_name in rows:
        d = r.details or {}
        money_back = {k: int(v) for k, v in (r.tenders or {}).items() if v}
        wallet = int(d.get("wallet_principal", 0)) + int(d.get("wallet_bonus", 0))
        if wallet:
            money_back["wallet"] = wallet
        moment = from_utc_naive(r.created_at).astimezone(tz).replace(tzinfo=None)
        out.append(
            RefundRow(
                refund_id=r.id,
                receipt_no=r.receipt_no,
                local_time=moment,
                amount=r.amount,
                tenders=money_back,
                lines={int(k): int(v) for k, v in (d.get("lines") or {}).items()},
                points_reversed=r.points_reversed,
                points_returned=r.points_returned,
                cashier=d.get("cashier") or staff_name or "",
                authorised_by=r.authorised_by,
                reason=d.get("reason", ""),
            )  # fmt: skip
        )
    return tuple(out)

"""The day-end report (日结) of any business day, today's or a past one's, for the manager
and the owner.

What a figure of the day means is defined once, in ``totals`` (sales, member sales,
refunds, tenders, points earned and spent, top-ups): the report takes those as they are
and adds what is read at closing time — walk-in sales (every sale less the member
sales), the discounts given by kind (as the sale lines hold them: a kind the program
names, a manual one, or whatever a line says), top-ups as principal and bonus, top-ups
reversed and stored value cashed out, the money taken by tender net of what went back,
and each cashier's sales and refunds. Sales are counted on their business day with
their full total, refunds on their own day, as everywhere else.

Kinds stay codes here; the slip, the PDF and the window name them in their reader's
language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ..clock import from_utc_naive, shop_date
from ..errors import DomainError
from ..shop.details import ShopInfo, shop_info
from ..shop.staff import Actor, require
from ..store.database import Store
from ..store.statements import raw_connection
from .totals import DayTotals, TerminalDay, day_totals

# What paid a sale but is not money in the drawer or the bank.
NOT_MONEY = frozenset({"wallet", "points"})


@dataclass(frozen=True)
class CashierFigures:
    name: str
    sales_count: int
    sales_amount: int
    refunds_count: int
    refunds_amount: int


@dataclass(frozen=True)
class DayReport:
    day: date
    shop: ShopInfo
    made_at: datetime  # the shop's wall clock when the report was made
    totals: DayTotals  # the figures as ``totals`` defines them (and HQ counts them)
    discounts: tuple[tuple[str, int], ...]  # (kind as the lines hold it, fen), largest first
    points_by_kind: tuple[tuple[str, int], ...]  # every points kind's net change, by kind
    topup_principal: int
    topups_reversed_count: int
    topups_reversed: int  # principal paid back
    topups_reversed_bonus: int  # bonus taken back with it
    cashouts_count: int
    cashouts: int  # stored value paid out in cash
    money_by_tender: dict[
        str, int
    ]  # sales + top-ups + count cards − refunds − reversals − cash-outs
    cashiers: tuple[CashierFigures, ...]
    count_cards_by_tender: dict[str, int] = field(default_factory=dict)  # sold less refunded

    @property
    def walk_in_count(self) -> int:
        return self.totals.sales_count - self.totals.member_sales_count

    @property
    def walk_in_gross(self) -> int:
        return self.totals.gross - self.totals.member_gross

    @property
    def money_total(self) -> int:
        return sum(self.money_by_tender.values())


def day_report(store: Store, actor: Actor, day: date | None = None) -> DayReport:
    """The report of `day` (today when not given), for a manager or the owner."""
    require(actor, "day_report")
    with store.read() as s:
        today = shop_date(store.clock.now(), shop_info(s).timezone)
        day = day or today
        if not isinstance(day, date):
            raise DomainError("followup.date_invalid", value=str(day))
        if day > today:
            raise DomainError("report.future_day", day=day.isoformat())
        return day_report_in(s, day, store.now())


_DISCOUNTS = """SELECT l.discount_kind, sum(l.discount) FROM sale_lines l
    JOIN sales s ON s.id = l.sale_id
    WHERE s.business_date = ? AND l.discount != 0 GROUP BY l.discount_kind"""

_REVERSALS = """SELECT t.tender, count(*), -sum(w.principal_delta), -sum(w.bonus_delta)
    FROM wallet_ledger w JOIN topups t ON t.id = w.topup_id
    WHERE w.business_date = ? AND w.kind = 'topup_reversal' GROUP BY t.tender"""

_CASHOUTS = """SELECT count(*), coalesce(-sum(principal_delta), 0) FROM wallet_ledger
    WHERE business_date = ? AND kind = 'cashout'"""

_TOPUP_PRINCIPAL = "SELECT coalesce(sum(amount), 0) FROM topups WHERE business_date = ?"

_COUNT_CARDS = """SELECT tender, sum(CASE kind WHEN 'refund' THEN -amount ELSE amount END)
    FROM count_card_ledger WHERE business_date = ? AND kind IN ('sold', 'refund') GROUP BY tender"""

# By name: the staff row's, else the name the record kept (a till's system user has none).
_CASHIER_SALES = """SELECT coalesce(st.name, json_extract(s.details, '$.cashier'), ''),
    count(*), sum(s.total) FROM sales s LEFT JOIN staff st ON st.id = s.cashier_id
    WHERE s.business_date = ? GROUP BY 1"""

_CASHIER_REFUNDS = """SELECT coalesce(st.name, json_extract(r.details, '$.cashier'), ''),
    count(*), sum(r.amount) FROM refunds r LEFT JOIN staff st ON st.id = r.cashier_id
    WHERE r.business_date = ? GROUP BY 1"""


def day_report_in(session: Session, day: date, now: datetime) -> DayReport:
    """The report inside a caller's read transaction (a print job lays it out from here);
    `now` is naive UTC."""
    shop = shop_info(session)
    totals = day_totals(day, TerminalDay(session, day, shop.timezone))
    con = raw_connection(session)
    key = (day.isoformat(),)
    by_lines = {kind: int(fen) for kind, fen in con.execute(_DISCOUNTS, key)}
    unnamed = totals.discounts - sum(by_lines.values())  # a discount no line carries
    if unnamed:
        by_lines[""] = by_lines.get("", 0) + unnamed
    discounts = tuple(sorted(((k, v) for k, v in by_lines.items() if v), key=lambda kv: -kv[1]))
    points = {kind: int(net) for kind, net in TerminalDay(session, day, shop.timezone).points()}
    reversed_by: dict[str, int] = {}
    reversed_count = reversed_bonus = 0
    for tender, n, principal, bonus in con.execute(_REVERSALS, key):
        reversed_by[tender] = int(principal)
        reversed_count += int(n)
        reversed_bonus += int(bonus)
    cashouts_count, cashouts = (int(v) for v in con.execute(_CASHOUTS, key).fetchone())
    money: dict[str, int] = {}

    def add(kind: str, fen: int) -> None:
        if kind not in NOT_MONEY:
            money[kind] = money.get(kind, 0) + fen

    for kind, fen in totals.tenders.items():
        add(kind, fen)
    for kind, fen in totals.topup_tenders.items():
        add(kind, fen)
    for kind, fen in totals.refund_tenders.items():
        add(kind, -fen)
    for kind, fen in reversed_by.items():
        add(kind, -fen)
    if cashouts:
        add("cash", -cashouts)
    cards = {tender: int(fen) for tender, fen in con.execute(_COUNT_CARDS, key) if fen}
    for kind, fen in cards.items():
        add(kind, fen)
    return DayReport(
        day=day, shop=shop,
        made_at=from_utc_naive(now).astimezone(ZoneInfo(shop.timezone)).replace(tzinfo=None),
        totals=totals, discounts=discounts,
        points_by_kind=tuple(sorted((k, v) for k, v in points.items() if v)),
        topup_principal=int(con.execute(_TOPUP_PRINCIPAL, key).fetchone()[0]),
        topups_reversed_count=reversed_count, topups_reversed=sum(reversed_by.values()),
        topups_reversed_bonus=reversed_bonus, cashouts_count=cashouts_count, cashouts=cashouts,
        money_by_tender={k: v for k, v in money.items() if v}, cashiers=_cashiers(con, key),
        count_cards_by_tender=cards,
    )  # fmt: skip


def _cashiers(con, key: tuple[str]) -> tuple[CashierFigures, ...]:  # noqa: ANN001 (sqlite3)
    figures: dict[str, list[int]] = {}
    for name, n, fen in con.execute(_CASHIER_SALES, key):
        figures.setdefault(name, [0, 0, 0, 0])[:2] = [int(n), int(fen)]
    for name, n, fen in con.execute(_CASHIER_REFUNDS, key):
        figures.setdefault(name, [0, 0, 0, 0])[2:] = [int(n), int(fen)]
    rows = (CashierFigures(name, *values) for name, values in figures.items())
    return tuple(sorted(rows, key=lambda c: (-c.sales_amount, c.name)))

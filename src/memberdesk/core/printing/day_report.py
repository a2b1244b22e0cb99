"""The day-end report (日结) as words: its sections and rows in one language, and the slip
the receipt printer prints of them.

The rows are made once here (``report_sections``) and read by the slip below, the A4
PDF (``day_pdf``) and the window's report page, so the three say the same thing in the
same order. A row carries its amount in fen; each reader writes it its own way (￥ on
the slip, ¥ elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import DEFAULT_LANG, N_, name_of, translate
from ..loyalty.ledger import POINTS_KIND_NAMES
from ..loyalty.program import TENDER_NAMES
from ..till.day_report import DayReport
from ..till.totals import POINTS_EARNED_KINDS, POINTS_SPENT_KINDS
from .layout import DISCOUNT_NAMES, OTHER_DISCOUNT, TENDER_ORDER, Paper, Slip, SlipBuilder, local
from .layout import money as slip_money

TITLE = N_("Day-end report")


SECTION_INDENT = 2  # columns a section's rows stand in under its title (a row's own indent adds)


@dataclass(frozen=True)
class Row:
    label: str
    amount: int | None = None  # fen
    text: str = ""  # a value that is not money (a count, points)
    indent: int = 0
    strong: bool = False


@dataclass(frozen=True)
class Section:
    title: str  # "" for the head of the report
    rows: tuple[Row, ...]


def _ordered(amounts: dict[str, int]) -> list[str]:
    return [k for k in TENDER_ORDER if k in amounts] + sorted(set(amounts) - set(TENDER_ORDER))


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def discount_name(kind: str, lang: str) -> str:
    """A discount kind by its name; a kind no one named reads as itself."""
    return translate(OTHER_DISCOUNT, lang) if not kind else name_of(DISCOUNT_NAMES, kind, lang)


def report_sections(r: DayReport, lang: str = DEFAULT_LANG) -> tuple[Section, ...]:
    """Every section of the report, in `lang`."""

    def t(msgid: str, **params: object) -> str:
        return translate(msgid, lang, **params)

    def tender(kind: str) -> str:
        return name_of(TENDER_NAMES, kind, lang)

    d = r.totals
    head = (
        Row(t(N_("Business day")), text=r.day.isoformat(), strong=True),
        Row(t(N_("Store / till")), text=f"{r.shop.store_code} / {r.shop.terminal_code}"),
        Row(t(N_("Report made")), text=local(r.made_at)),
    )
    sales = [
        Row(t(N_("Sales: {n}"), n=d.sales_count), d.gross, strong=True),
        Row(t(N_("Member sales: {n}"), n=d.member_sales_count), d.member_gross, indent=2),
        Row(t(N_("Walk-in sales: {n}"), n=r.walk_in_count), r.walk_in_gross, indent=2),
        Row(t(N_("Refunds: {n}"), n=d.refunds_count), -d.refunds_amount),
        Row(t(N_("Net sales")), d.net, strong=True),
        Row(t(N_("Discounts given")), d.discounts),
        *(Row(discount_name(kind, lang), fen, indent=2) for kind, fen in r.discounts),
    ]
    # The first level of their sections (nothing above them to stand in under).
    paid = [Row(tender(k), d.tenders[k]) for k in _ordered(d.tenders)]
    back = [Row(tender(k), d.refund_tenders[k]) for k in _ordered(d.refund_tenders)]
    stored = [
        Row(t(N_("Top-ups: {n}"), n=d.topups_count), r.topup_principal, strong=True),
        Row(t(N_("Top-up bonus")), d.topup_bonus, indent=2),
        *(Row(tender(k), d.topup_tenders[k], indent=2) for k in _ordered(d.topup_tenders)),
    ]
    if r.topups_reversed_count:
        stored.append(Row(t(N_("Top-ups reversed: {n}"), n=r.topups_reversed_count),
                          -r.topups_reversed))  # fmt: skip
        if r.topups_reversed_bonus:
            stored.append(Row(t(N_("Bonus taken back")), -r.topups_reversed_bonus, indent=2))
    if r.cashouts_count:
        stored.append(Row(t(N_("Stored value cashed out: {n}"), n=r.cashouts_count), -r.cashouts))
    cards = r.count_cards_by_tender
    if cards:
        stored.append(
            Row(t(N_("Count cards sold less refunded")), sum(cards.values()), strong=True)
        )
        stored += [Row(tender(k), cards[k], indent=2) for k in _ordered(cards)]
    money = [Row(tender(k), r.money_by_tender[k], indent=2) for k in _ordered(r.money_by_tender)]
    money.append(Row(t(N_("Total")), r.money_total, strong=True))
    points = [
        Row(t(N_("Points issued")), text=_signed(d.points_earned), strong=True),
        Row(t(N_("Points used")), text=_signed(-d.points_spent), strong=True),
    ]
    counted = set(POINTS_EARNED_KINDS) | set(POINTS_SPENT_KINDS)
    for kind, net in r.points_by_kind:
        if kind not in counted:
            points.append(Row(name_of(POINTS_KIND_NAMES, kind, lang), text=_signed(net), indent=2))
    points.append(Row(t(N_("New members")), text=t(N_("{n} people"), n=d.new_members)))
    cashiers = []
    for c in r.cashiers:
        cashiers.append(Row(c.name or "—", strong=True))
        cashiers.append(Row(t(N_("Sales: {n}"), n=c.sales_count), c.sales_amount, indent=2))
        if c.refunds_count:
            cashiers.append(Row(t(N_("Refunds: {n}"), n=c.refunds_count), -c.refunds_amount,
                                indent=2))  # fmt: skip
    sections = [
        Section("", head),
        Section(t(N_("Sales")), tuple(sales)),
        Section(t(N_("Sales paid by")), tuple(paid)),
        Section(t(N_("Refunds paid back by")), tuple(back)),
        Section(t(N_("Stored value")), tuple(stored)),
        Section(t(N_("Money taken, net of money back")), tuple(money)),
        Section(t(N_("Points and members")), tuple(points)),
        Section(t(N_("By cashier")), tuple(cashiers)),
    ]
    return tuple(s for s in sections if s.rows)


def day_slip(r: DayReport, paper: Paper, lang: str | None = None) -> Slip:
    """The report on the receipt printer, in the shop's language (or `lang`)."""
    b = SlipBuilder(paper, lang or r.shop.language)
    b.shop_head(r.shop, b.t(TITLE))
    for section in report_sections(r, b.lang):
        # A section's rows stand in under its title, as on the screen and in the PDF: bold
        # alone does not show on every printer, and 销售 read as one more row of figures.
        under = SECTION_INDENT if section.title else 0
        if section.title:
            b.text(section.title, bold=True)
        for row in section.rows:
            value = slip_money(row.amount) if row.amount is not None else row.text
            if value:
                b.pair(row.label, value, bold=row.strong, indent=under + row.indent)
            else:
                b.text(row.label, bold=row.strong, indent=under + row.indent)
        b.rule()
    b.text(b.t(N_("Checked by (signature):")))
    b.blank()
    return b.slip("day", "", r.made_at)

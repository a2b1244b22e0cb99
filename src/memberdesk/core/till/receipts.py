"""What a sale receipt says, as plain data: built at checkout, rebuilt for a reprint.

Balances AFTER the sale are captured in the sale's details when it is written, so a
reprint next month shows what the member held right after that sale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import from_utc_naive
from ..errors import DomainError
from ..i18n import DEFAULT_LANG, N_, Message, translate
from ..loyalty.expiry import ExpiringPoints
from ..loyalty.program import Program
from ..members.birthdays import next_birthday
from ..members.member import birthday_of
from ..members.phone import mask_phone
from ..shop.details import ShopInfo, shop_info
from ..store.models import Member, Sale, SaleLine, SaleTender

PERIOD_NAMES = {
    "day": N_("On your birthday"),
    "week": N_("In your birthday week"),
    "month": N_("In your birthday month"),
}


@dataclass(frozen=True)
class ReceiptLine:
    no: int
    description: str
    quantity: int
    unit_price: int
    discount: int
    discount_kind: str
    amount: int
    refunded_qty: int


@dataclass(frozen=True)
class MemberAfter:
    """The member as the receipt shows them, after the sale."""

    id: str
    name: str
    card_no: str
    phone_masked: str
    tier: str
    tier_name: str
    points: int
    wallet_principal: int
    wallet_bonus: int
    birthday_note: str
    # Of the points, those that expire next and the last day they can be spent (ISO date),
    # when that day is near (loyalty/expiry.py EXPIRY_NOTICE_DAYS); 0 and "": none.
    expiring_points: int = 0
    expiring_last_day: str = ""


@dataclass(frozen=True)
class SaleResult:
    sale_id: str
    receipt_no: str
    business_date: date
    created_at: datetime  # naive UTC
    local_time: datetime  # the shop's wall clock
    cashier: str
    shop: ShopInfo
    lines: tuple[ReceiptLine, ...]
    subtotal: int
    discount_by_kind: dict[str, int]
    discount_total: int
    total: int
    points_redeemed: int
    points_value: int
    gift: dict | None
    wallet_principal_used: int
    wallet_bonus_used: int
    tenders: dict[str, int]  # applied, by kind (cash net of change)
    cash_tendered: int
    change: int
    points_earned: int
    earn_parts: tuple[dict, ...]
    tier_before: str
    tier_after: str
    member: MemberAfter | None
    refunded_total: int
    birthday_gift: str | None = None  # a birthday gift to hand over with this sale
    # Discounts given by hand (checkout._manual_records): line, kind, value, off, approved_by.
    manual_discounts: tuple[dict, ...] = ()
    references: dict[str, str] = field(default_factory=dict)  # tender → payment code (付款码)
    # Gifts for spend (core/till/spend_gifts.py): code, name, threshold, period, out_of_stock.
    spend_gifts: tuple[dict, ...] = ()

    @property
    def gifts_to_hand_over(self) -> tuple[dict, ...]:
        return tuple(g for g in self.spend_gifts if not g.get("out_of_stock"))

    coupon: dict | None = None  # the coupon it used: id, name, kind, off (till/coupons.py)
    coupons_issued: tuple[dict, ...] = ()  # coupons it earned (a tier up, a spend reached)

    def line_discounts(self, line: ReceiptLine) -> list[tuple[str, int]]:
        """A line's discounts by kind (fen): its own, and apart from it the share of the
        coupon (which the line's one discount column holds together with its own)."""
        shares = {int(no): int(fen) for no, fen in (self.coupon or {}).get("lines", ())}
        by_coupon = min(shares.get(line.no, 0), line.discount)
        parts = (
            [(line.discount_kind, line.discount - by_coupon)] if line.discount > by_coupon else []
        )
        return parts + ([("coupon", by_coupon)] if by_coupon else [])

    @property
    def tier_upgraded(self) -> bool:
        return bool(self.member and self.tier_before and self.tier_after != self.tier_before)


def birthday_note(program: Program, member: Member, today: date, lang: str = DEFAULT_LANG) -> str:
    """The member's birthday privilege in words, in the shop's language (kept with the sale)."""
    privilege = program.promotions.birthday
    b = birthday_of(member)
    if privilege is None or b is None:
        return ""
    when = next_birthday(b, today)
    if privilege.kind == "discount":
        # 30 % off: 7 折, seven tenths of the price
        tenths = f"{(100 - privilege.discount_percent) / 10:g}"
        what = Message(N_("{tenths}/10 of the price"), tenths=tenths)
    elif privilege.kind == "multiplier":
        what = Message(N_("{times}× points"), times=f"{privilege.multiplier_percent / 100:g}")
    else:
        what = Message(N_("gift: {name}"), name=privilege.gift_name)
    return translate(N_("{period}: {privilege} (birthday {date})"), lang,
                     period=Message(PERIOD_NAMES[privilege.period]), privilege=what,
                     date=f"{when:%m-%d}")  # fmt: skip


def member_snapshot(
    member: Member, tier_name: str, note: str = "", expiring: ExpiringPoints | None = None
) -> dict:
    """The member after the sale as the sale keeps them: a reprint shows the same."""
    return {
        "id": member.id, "name": member.name, "card_no": member.card_no,
        "phone_masked": mask_phone(member.phone), "tier": member.tier, "tier_name": tier_name,
        "points": member.points, "wallet_principal": member.wallet_principal,
        "wallet_bonus": member.wallet_bonus, "birthday_note": note,
        **({"expiring_points": expiring.points,
            "expiring_last_day": expiring.last_day.isoformat()} if expiring else {}),
    }  # fmt: skip


def sale_result(
    sale: Sale, lines: list[SaleLine], tenders: list[SaleTender], shop: ShopInfo
) -> SaleResult:
    d = sale.details or {}
    m = d.get("member")
    return SaleResult(
        sale_id=sale.id, receipt_no=sale.receipt_no, business_date=sale.business_date,
        created_at=sale.created_at,
        local_time=from_utc_naive(sale.created_at).astimezone(ZoneInfo(shop.timezone)).replace(tzinfo=None),
        cashier=d.get("cashier", ""), shop=shop,
        lines=tuple(
            ReceiptLine(ln.line_no, ln.description, ln.quantity, ln.unit_price, ln.discount,
                        ln.discount_kind, ln.amount, ln.refunded_qty)
            for ln in sorted(lines, key=lambda x: x.line_no)
        ),
        subtotal=sale.subtotal, discount_by_kind=dict(d.get("discount_by_kind", {})),
        discount_total=sale.discount_total, total=sale.total, points_redeemed=sale.points_redeemed,
        points_value=sale.points_value, gift=d.get("gift"),
        wallet_principal_used=d.get("wallet_principal", 0), wallet_bonus_used=d.get("wallet_bonus", 0),
        tenders={t.kind: t.amount for t in tenders}, cash_tendered=sale.cash_tendered,
        change=sale.change_given, points_earned=sale.points_earned,
        earn_parts=tuple(d.get("earn_parts", ())), tier_before=d.get("tier_before", ""),
        tier_after=d.get("tier_after", ""), member=MemberAfter(**m) if m else None,
        refunded_total=sale.refunded_total, birthday_gift=d.get("birthday_gift"),
        manual_discounts=tuple(d.get("manual_discounts", ())),
        references={t.kind: t.reference for t in tenders if getattr(t, "reference", "")},
        spend_gifts=tuple(d.get("spend_gifts") or ()),
        coupon=d.get("coupon"), coupons_issued=tuple(d.get("coupons_issued", ())),
    )  # fmt: skip


def load_sale(session: Session, sale_id_or_receipt: str) -> SaleResult:
    sale = session.get(Sale, sale_id_or_receipt) or session.scalar(
        select(Sale).where(Sale.receipt_no == sale_id_or_receipt)
    )
    if sale is None:
        raise DomainError("sale.not_found", receipt=sale_id_or_receipt)
    lines = list(session.scalars(select(SaleLine).where(SaleLine.sale_id == sale.id)))
    tenders = list(session.scalars(select(SaleTender).where(SaleTender.sale_id == sale.id)))
    return sale_result(sale, lines, tenders, shop_info(session))


def last_sale_id(session: Session) -> str | None:
    return session.scalar(
        select(Sale.id).order_by(Sale.created_at.desc(), Sale.receipt_no.desc()).limit(1)
    )

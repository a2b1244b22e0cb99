"""Pure pricing and earning rules: discounts, redemption, points, tiers, stored value.

No database, no Qt, no I/O: plain dataclasses in and out, money in integer fen,
points as integers, never float. Decisions (tested in tests/unit/test_pricing.py):

- Discounts do NOT stack: per line the single best percentage among the member's
  tier, the member day, the birthday privilege and the line's category (the
  program's ``categories``) applies. On a tie the tier wins, then the member day,
  then the birthday, so a once-a-year birthday use is only spent when it is
  strictly better. Each line's discount is rounded half up to whole fen.
- A catalogue item's member price is one more offer on its line, for a member only:
  the line costs the member price or the best percentage off, whichever is less (a
  tie goes to the member price, kind ``member_price``). It applies to a 不打折 item
  too: it is the item's price for members, set by hand, not a discount of the program.
- 不打折 (the item's flag or its category's rule) takes no percentage discount; an
  item marked "no points" (or its category) earns none: what is paid for it is left
  out of the points, as 不打折 lines are when ``earn.no_discount_lines_earn`` is off.
- Multipliers do NOT multiply each other: the maximum of tier, double-points day,
  member day and birthday applies, to the base points (extra points rounded down).
- Base points: the amount paid by earning tenders (never points; wallet per setting,
  and then only its principal: the top-up bonus was the shop's gift, not money paid)
  divided by ``earn.fen_per_point``, rounded per ``earn.rounding``.

Redemption lives in ``redemption``, tiers and stored value in ``loyalty_rules``, the
date rules in ``loyalty_calendar``; everything public is re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from ..i18n import N_, gettext
from .calendar import (
    add_months,
    expiry_cutoff,
    in_birthday_period,
    is_birthday_period,
    is_double_points_day,
    is_member_day,
    last_day,
    lot_expires_on,
    next_review_date,
    redeem_window_open,
    tier_window_start,
)
from .program import TENDERS, Program
from .redemption import RedeemLimits, check_redemption, redeem_gift, redeem_limits, redeem_value
from .rules import (
    MemberContext,
    RuleViolation,
    birthday_due,
    split_wallet_payment,
    tier_after_sale,
    tier_at_review,
    tier_for_spend,
    tier_rank,
    topup_bonus,
)

__all__ = [
    "CartLine", "EarnPart", "EarnResult", "MemberContext", "PricedLine", "Pricing",
    "RedeemLimits", "RuleViolation", "add_months", "check_redemption", "earn_points",
    "expiry_cutoff", "in_birthday_period", "is_birthday_period", "is_double_points_day",
    "is_member_day", "last_day", "lot_expires_on", "next_review_date", "price_sale",
    "redeem_gift", "redeem_limits", "redeem_value", "redeem_window_open", "signup_bonus",
    "split_wallet_payment", "tier_after_sale", "tier_at_review", "tier_for_spend",
    "tier_rank", "tier_window_start", "topup_bonus",
]  # fmt: skip


@dataclass(frozen=True)
class CartLine:
    description: str
    quantity: int
    unit_price_fen: int
    category: str | None = None
    no_discount: bool = False  # 不打折: never discounted (and earns per earn setting)
    member_price_fen: int | None = None  # a catalogue item's price for members
    earns_points: bool = True  # an item marked "no points" earns none

    @property
    def total_fen(self) -> int:
        return self.quantity * self.unit_price_fen


@dataclass(frozen=True)
class PricedLine:
    line: CartLine
    total_fen: int
    discount_kind: str | None  # "tier" | "member_day" | "birthday" | "category" | "member_price"
    discount_percent: int
    discount_fen: int
    net_fen: int
    no_discount: bool = False  # 不打折, by the item or by its category's rule
    earns_points: bool = True  # by the item and its category's rule


@dataclass(frozen=True)
class Pricing:
    lines: tuple[PricedLine, ...]
    subtotal_fen: int
    discount_fen: int
    total_fen: int  # amount due before points and wallet
    discount_kind: str | None  # the percentage kind applied first (they do not stack on a line)
    discount_percent: int
    discount_by_kind: Mapping[str, int]  # kind → fen, for the receipt
    birthday_use_consumed: bool  # the caller records one birthday use
    birthday_gift: str | None  # a birthday gift is due (kind="gift"); caller records the use
    member_day: bool
    no_discount_total_fen: int
    no_earn_fen: int  # pass to earn_points(no_earn_fen=…)


def _discount_offer(
    program: Program, member: MemberContext | None, business_date: date
) -> tuple[str | None, int]:
    """The single best (kind, percent off); ties prefer tier, then member day, then birthday."""
    if member is None:
        return None, 0
    offers: list[tuple[str, int]] = []
    tier = program.tier(member.tier_code)
    if tier is not None:
        offers.append(("tier", tier.discount_percent))
    if is_member_day(program, business_date):
        offers.append(("member_day", program.promotions.member_day_discount_percent))
    bday = program.promotions.birthday
    if (
        bday is not None
        and bday.kind == "discount"
        and birthday_due(program, member, business_date)
    ):
        offers.append(("birthday", bday.discount_percent))
    best: tuple[str | None, int] = (None, 0)
    for kind, percent in offers:
        if percent > best[1]:  # strict: the earlier kind keeps a tie
            best = (kind, percent)
    return best


def price_sale(
    program: Program,
    member: MemberContext | None,
    lines: Sequence[CartLine] | int,
    business_date: date,
) -> Pricing:
    """Subtotal, per-line discount (best single kind, half-up to fen) and amount due.

    ``lines`` may be a plain amount in fen for an amount-only sale.
    """
    if isinstance(lines, int):
        lines = [CartLine(gettext(N_("Item")), 1, lines)]
    for line in lines:
        if line.quantity < 1 or line.unit_price_fen < 0:
            raise RuleViolation(
                "line.invalid",
                N_("line “{description}” has an invalid quantity or price"),
                description=line.description,
            )
    kind, percent = _discount_offer(program, member, business_date)
    priced: list[PricedLine] = []
    by_kind: dict[str, int] = {}
    percent_used: tuple[str, int] | None = None  # the first percentage applied, for the summary
    for line in lines:
        total = line.total_fen
        rule = program.category(line.category)
        no_discount = line.no_discount or bool(rule and rule.no_discount)
        earns = line.earns_points and (rule is None or rule.earns_points)
        line_kind, line_percent = kind, percent
        if member is not None and rule is not None and rule.discount_percent > line_percent:
            line_kind, line_percent = "category", rule.discount_percent
        applies = line_kind is not None and not no_discount and line_percent > 0
        # Half up on the discount itself: 99 fen at 5 % off = 4.95 → 5 fen.
        off = (total * line_percent + 50) // 100 if applies else 0
        chosen = line_kind if applies and off > 0 else None
        member_price = line.member_price_fen
        if (
            member is not None
            and member_price is not None
            and 0 <= member_price < line.unit_price_fen
        ):
            below = (line.unit_price_fen - member_price) * line.quantity
            if below >= off:
                chosen, off = "member_price", below
        shown_percent = line_percent if chosen not in (None, "member_price") else 0
        if chosen is not None:
            by_kind[chosen] = by_kind.get(chosen, 0) + off
        if shown_percent and percent_used is None:
            percent_used = (chosen, shown_percent)  # type: ignore[assignment]
        priced.append(
            PricedLine(line, total, chosen, shown_percent, off, total - off, no_discount, earns)
        )
    subtotal = sum(p.total_fen for p in priced)
    discount = sum(p.discount_fen for p in priced)
    no_discount_total = sum(p.total_fen for p in priced if p.no_discount)
    no_earn = sum(
        p.net_fen for p in priced
        if not p.earns_points or (p.no_discount and not program.earn.no_discount_lines_earn)
    )  # fmt: skip
    gift = None
    bday = program.promotions.birthday
    if member is not None and bday is not None and bday.kind == "gift":
        gift = bday.gift_name if birthday_due(program, member, business_date) else None
    summary_kind, summary_percent = percent_used or (None, 0)
    return Pricing(
        lines=tuple(priced),
        subtotal_fen=subtotal,
        discount_fen=discount,
        total_fen=subtotal - discount,
        discount_kind=summary_kind,
        discount_percent=summary_percent,
        discount_by_kind=by_kind,
        birthday_use_consumed="birthday" in by_kind,
        birthday_gift=gift,
        member_day=is_member_day(program, business_date),
        no_discount_total_fen=no_discount_total,
        no_earn_fen=no_earn,
    )


@dataclass(frozen=True)
class EarnPart:
    kind: str  # base | tier | double_day | member_day | birthday | first_month
    points: int
    multiplier_percent: int = 100


@dataclass(frozen=True)
class EarnResult:
    earning_fen: int = 0  # paid amount the base points were computed on
    base_points: int = 0
    multiplier_kind: str | None = None  # the one multiplier applied (maximum wins)
    multiplier_percent: int = 100
    sale_points: int = 0  # base + multiplier extra
    first_month_bonus: int = 0
    total_points: int = 0  # credited to this member: sale_points + first_month_bonus
    referral_bonus_to_referrer: int = 0  # credit to the referrer (first purchase only)
    birthday_use_consumed: bool = False
    parts: tuple[EarnPart, ...] = field(default_factory=tuple)  # for the receipt


def signup_bonus(program: Program) -> int:
    return program.promotions.signup_bonus_points


def earn_points(
    program: Program,
    member: MemberContext | None,
    paid_by_tender: Mapping[str, int],
    business_date: date,
    tier_code: str | None = None,
    *,
    no_earn_fen: int = 0,
    wallet_bonus_fen: int = 0,
) -> EarnResult:
    """Points for a sale from what was actually paid, by tender.

    ``tier_code`` picks the tier whose multiplier applies (default: the member's).
    ``no_earn_fen`` is the part of the sale that must not earn (``Pricing.no_earn_fen``);
    it is taken out of the earning tenders only after the non-earning tenders, which is
    the member-friendly reading. ``wallet_bonus_fen`` is the part of the ``wallet``
    payment that came from the top-up bonus: it is paid, but never earns.
    """
    for tender, fen in paid_by_tender.items():
        if tender not in TENDERS:
            raise RuleViolation("tender.unknown", N_("unknown tender: {tender}"), tender=tender)
        if fen < 0:
            raise RuleViolation("tender.negative", N_("a payment cannot be negative"))
    if no_earn_fen < 0 or not 0 <= wallet_bonus_fen <= paid_by_tender.get("wallet", 0):
        raise RuleViolation("earn.negative", N_("amounts cannot be negative"))
    if member is None:
        return EarnResult()
    total_paid = sum(paid_by_tender.values())
    earning_paid = sum(
        fen for tender, fen in paid_by_tender.items() if tender in program.earn.tenders
    )
    if "wallet" in program.earn.tenders:
        earning_paid -= wallet_bonus_fen
    earning = max(0, min(earning_paid, total_paid - no_earn_fen))
    per = program.earn.fen_per_point
    if program.earn.rounding == "round_half_up":
        base = (2 * earning + per) // (2 * per)
    else:
        base = earning // per

    promos = program.promotions
    candidates: list[tuple[str, int]] = []  # order = tie priority
    tier = program.tier(tier_code or member.tier_code)
    if tier is not None:
        candidates.append(("tier", tier.multiplier_percent))
    if is_double_points_day(program, business_date):
        candidates.append(("double_day", promos.double_points_multiplier_percent))
    if is_member_day(program, business_date):
        candidates.append(("member_day", promos.member_day_multiplier_percent))
    bday = promos.birthday
    if (
        bday is not None
        and bday.kind == "multiplier"
        and birthday_due(program, member, business_date)
    ):
        candidates.append(("birthday", bday.multiplier_percent))
    kind, percent = None, 100
    if base > 0:
        for name, value in candidates:
            if value > percent:
                kind, percent = name, value
    extra = base * (percent - 100) // 100
    sale_points = base + extra
    parts = [EarnPart("base", base)]
    if kind is not None:
        parts.append(EarnPart(kind, extra, percent))

    bonus = 0
    challenge = promos.first_month
    if (
        challenge is not None
        and not member.first_month_bonus_given
        and member.joined_on is not None
        and 0 <= (business_date - member.joined_on).days < challenge.days
        and member.points_since_joining + sale_points >= challenge.target_points
    ):
        bonus = challenge.bonus_points
        parts.append(EarnPart("first_month", bonus))
    referral = 0
    if member.has_referrer and not member.has_purchased_before and total_paid > 0:
        referral = promos.referral_bonus_points
    return EarnResult(
        earning_fen=earning,
        base_points=base,
        multiplier_kind=kind,
        multiplier_percent=percent,
        sale_points=sale_points,
        first_month_bonus=bonus,
        total_points=sale_points + bonus,
        referral_bonus_to_referrer=referral,
        birthday_use_consumed=kind == "birthday",
        parts=tuple(parts),
    )

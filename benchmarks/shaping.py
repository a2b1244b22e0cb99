"""What a customer asks for at the till: lines, points to redeem, wallet, tenders.

The request is shaped from the program's pure rules (pricing, redemption limits) and
the member's cached balances, without the database queries a preview makes; the
checkout itself (core's `checkout_in`) then checks and writes everything. Where the
guess misses (a birthday privilege already used this year …) the checkout refuses
before writing anything, and `exact_request` shapes it again from core's own preview,
the way the demo builder does.
"""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy.orm import Session

from memberdesk.core.clock import shop_date
from memberdesk.core.loyalty.pricing import (
    CartLine,
    MemberContext,
    price_sale,
    redeem_limits,
    redeem_value,
)
from memberdesk.core.loyalty.program import Program
from memberdesk.core.store.models import Member
from memberdesk.core.till.checkout import (
    CheckoutRequest,
    SaleLineInput,
    birthday_now,
    compute,
    member_tier,
)

from .population import NO_DISCOUNT, basket, tender

REDEEM_SHARE = 0.3  # of member sales where the member has enough points
WALLET_SHARE = 0.7  # of member sales where the member holds a balance


def sale_lines(rng: random.Random) -> tuple[SaleLineInput, ...]:
    return tuple(
        SaleLineInput(desc, price, qty, no_discount=desc in NO_DISCOUNT)
        for desc, price, qty in basket(rng)
    )


def context(program: Program, m: Member, today: date, tz: str) -> MemberContext:
    return MemberContext(
        tier_code=member_tier(program, m), tier_locked=m.tier_locked, points_balance=m.points,
        wallet_principal_fen=m.wallet_principal, wallet_bonus_fen=m.wallet_bonus,
        joined_on=shop_date(m.joined_at, tz), birthday_occurrence=birthday_now(program, m, today),
        has_purchased_before=m.visit_count > 0, has_referrer=m.referrer_id is not None,
        first_month_bonus_given=True,
    )  # fmt: skip


def _pay(
    rng: random.Random, lines: tuple[SaleLineInput, ...], m: Member | None, due: int, max_points: int,
    program: Program,
) -> CheckoutRequest:  # fmt: skip
    redeem = max_points if max_points and rng.random() < REDEEM_SHARE else 0
    if redeem:
        due -= redeem_value(program, redeem)
    balance = m.wallet_principal + m.wallet_bonus if m is not None else 0
    wallet = min(due, balance) if balance and rng.random() < WALLET_SHARE else 0
    rest = due - wallet
    kind = tender(rng)
    paid = {kind: rest if kind != "cash" else -(-rest // 10000) * 10000} if rest else {}
    return CheckoutRequest(
        lines, m.id if m is not None else None, redeem_points=redeem, wallet=wallet, tenders=paid
    )


def guessed_request(
    rng: random.Random, program: Program, m: Member | None, today: date, tz: str,
    lines: tuple[SaleLineInput, ...],
) -> CheckoutRequest:  # fmt: skip
    ctx = context(program, m, today, tz) if m is not None else None
    cart = [
        CartLine(ln.description, ln.quantity, ln.unit_price, None, ln.no_discount) for ln in lines
    ]
    due = price_sale(program, ctx, cart, today).total_fen
    limits = redeem_limits(program, ctx, due, today) if ctx is not None else None
    return _pay(rng, lines, m, due, limits.max_points if limits else 0, program)


def exact_request(
    rng: random.Random, session: Session, program: Program, m: Member | None, today: date, tz: str,
    lines: tuple[SaleLineInput, ...],
) -> CheckoutRequest:  # fmt: skip
    """Shaped from core's preview (the same computation the checkout makes)."""
    req = CheckoutRequest(lines, m.id if m is not None else None)
    preview = compute(session, program, m, req, today, require_full_payment=False, tz=tz)
    max_points = preview.limits.max_points if preview.limits else 0
    return _pay(rng, lines, m, preview.pricing.total_fen, max_points, program)

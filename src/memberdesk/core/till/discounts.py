"""What the till asks before it changes a line or gives a discount: the effect, whether
the person at the till may give it alone, a manager's approval, and the shop's limits.

The rules themselves are in ``manual.py``; ``checkout`` checks every approval again
when the sale is written, so nothing here is trusted on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..errors import DomainError
from ..i18n import N_, Message
from ..money import MAX_LINE_FEN, format_fen, whole
from ..shop.details import read_setting, write_setting
from ..shop.staff import Actor, authorise
from ..store.database import Store
from .checkout import MAX_LINE_QTY, CheckoutRequest, SaleLineInput, quote
from .manual import (
    LIMITS_KEY,
    AppliedDiscount,
    DiscountLimits,
    ManualDiscount,
    RoleLimit,
    discount_name,
    limits_in,
    over_limit,
)


@dataclass(frozen=True)
class DiscountCheck:
    """A discount (or price change) as it would apply, before anyone approves it."""

    request: CheckoutRequest  # the sale with it in place
    applied: AppliedDiscount | None  # None: nothing is discounted (a discount taken off)
    needs_approval: Message | None  # why a manager's PIN is needed (None: not needed)

    @property
    def what(self) -> Message | None:
        return discount_name(self.applied) if self.applied is not None else None


def discount_limits(store: Store) -> DiscountLimits:
    with store.read() as s:
        return limits_in(s)


def set_discount_limits(store: Store, actor: Actor, limits: DiscountLimits) -> DiscountLimits:
    """The owner sets what cashiers and managers may give without approval."""
    if actor.role != "owner":
        raise DomainError("discount.limits_owner", name=actor.name)
    for limit in (limits.cashier, limits.manager):
        percent = whole(limit.percent, N_("the discount"), limit=1000, fen=False)
        if not 0 <= percent <= 100:
            raise DomainError("discount.over_100", value=f"{percent}%")
        if whole(limit.amount, N_("the discount"), limit=MAX_LINE_FEN) < 0:
            raise DomainError("amount.negative")
    if (
        limits.cashier.percent > limits.manager.percent
        or limits.cashier.amount > limits.manager.amount
    ):
        raise DomainError("discount.limits_order")
    with store.write() as uow:
        before = limits_in(uow.session).as_json()
        write_setting(uow.session, LIMITS_KEY, limits.as_json())
        uow.session.flush()
        uow.audit("discount.limits", staff_id=actor.staff_id, staff_name=actor.name,
                  detail={"before": before, "after": limits.as_json()})  # fmt: skip
        terminal = read_setting(uow.session, "shop.terminal_id") or ""
        uow.emit("shop.configured", terminal, {"discount_limits": limits.as_json()})
        return limits


def with_price(line: SaleLineInput, price: int) -> SaleLineInput:
    """The line at a new unit price: a hand-typed price is corrected in place; a list
    price stays and the new one is a price change (a manual discount of kind price)."""
    price = whole(price, N_("the unit price"), limit=MAX_LINE_FEN)
    if price < 0:
        raise DomainError("discount.price_negative", value=format_fen(price))
    if line.price_typed:
        kept = line.manual if line.manual is not None and line.manual.kind != "price" else None
        return replace(line, unit_price=price, manual=kept)
    if price == line.unit_price:
        return replace(line, manual=None) if _is_price(line.manual) else line
    return replace(line, manual=ManualDiscount("price", price))


def with_quantity(line: SaleLineInput, quantity: int) -> SaleLineInput:
    quantity = whole(quantity, N_("the quantity"), limit=MAX_LINE_QTY, fen=False)
    if quantity < 1:
        reason = Message(N_("the quantity {quantity} is not valid"), quantity=quantity)
        raise DomainError("sale.line_invalid", line=1, reason=reason)
    return replace(line, quantity=quantity)


def _is_price(d: ManualDiscount | None) -> bool:
    return d is not None and d.kind == "price"


def try_discount(
    store: Store, actor: Actor, req: CheckoutRequest, line: int | None,
    discount: ManualDiscount | None,
) -> DiscountCheck:  # fmt: skip
    """The sale with `discount` on line index `line` (None: on the whole sale), priced, and
    whether `actor` may give it alone. Refuses what no one may give (over 100 %, more than
    the line, a negative price)."""
    if line is None:
        changed = replace(req, sale_discount=discount)
    else:
        lines = list(req.lines)
        lines[line] = replace(lines[line], manual=discount)
        changed = replace(req, lines=tuple(lines))
    return check_request(store, actor, changed, line)


def check_request(
    store: Store, actor: Actor, req: CheckoutRequest, line: int | None
) -> DiscountCheck:
    """Price `req` (a line changed, or the whole-sale discount) and say whether the manual
    discount on `line` (None: the whole sale's) needs someone's approval."""
    c = quote(store, replace(req, tenders={}, references={}))
    number = None if line is None else line + 1
    applied = next((a for a in c.manual if a.line == number), None)
    with store.read() as s:
        limits = limits_in(s)
    why = over_limit(limits, actor, applied) if applied is not None else None
    approver = applied.discount.approved_by if applied is not None else None
    if why is not None and approver is not None and over_limit(limits, approver, applied) is None:
        why = None  # approved already, and still within the approver's limit
    return DiscountCheck(req, applied, why)


def approve_discount(store: Store, name: str, pin: str, applied: AppliedDiscount) -> Actor:
    """A manager's or owner's PIN for a discount over the acting staff's limit: the approver
    core believes, when their own limit covers it (a wrong PIN counts towards the lockout
    of `name` — the person chosen, never anyone by default)."""
    if not name:
        raise DomainError("discount.approver_missing")
    who = authorise(store, name, pin, "discount")
    with store.read() as s:
        still = over_limit(limits_in(s), who, applied)
    if still is not None:
        raise DomainError("discount.approver_limit", name=who.name, what=discount_name(applied),
                          why=still)  # fmt: skip
    return who


__all__ = [
    "DiscountCheck", "DiscountLimits", "RoleLimit", "approve_discount", "check_request",
    "try_discount", "discount_limits", "set_discount_limits", "with_price", "with_quantity",
]  # fmt: skip

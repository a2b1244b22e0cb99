"""Coupons (代金券) as program data: the kinds a shop hands out and the rules that issue them.

A coupon type says what a coupon takes off and when it may be used; the issue rules say
which event hands one out. Money is integer fen, percentages integer percent. The rules
that apply a coupon to a sale live in ``core/till/coupons.py``; the codes in
``core/coupons/codes.py``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import StringConstraints, field_validator

from ..i18n import N_
from .program_base import Name, NonNeg, Percent, Positive, Rules
from .program_errors import Problem, problem, refuse

# A type's code rides inside every coupon's code: short, plain ASCII.
TypeCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_-]{1,8}$")]


COUPON_KINDS = ("amount", "percent", "threshold", "gift")


# How each kind reads on a screen or a slip (translated where shown).
COUPON_KIND_NAMES = {
    "amount": N_("Amount off"),
    "percent": N_("Percent off"),
    "threshold": N_("Spend X, save Y"),
    "gift": N_("Free gift item"),
}


class CouponType(Rules):
    """One kind of coupon. `value`: fen off (amount, threshold), percent off (percent), or
    unused (gift: one unit of `gift_item` is free)."""

    code: TypeCode  # e.g. NEW10
    name: Name  # shown to people, e.g. 入会礼券
    kind: Literal["amount", "percent", "threshold", "gift"] = "amount"
    value: NonNeg = 0
    min_spend_fen: NonNeg = 0  # 满X: the sale (or the category's lines) must reach this
    category: str = ""  # only lines of this catalogue category count ("" = the whole sale)
    gift_item: str = ""  # the catalogue item code a gift coupon gives one of
    valid_days: Positive | None = 30  # valid this many days from the issue day …
    valid_from: date | None = None  # … or between these dates (both inclusive)
    valid_until: date | None = None
    with_tier_discount: bool = True  # stacks with the member's discounts (tier, member day …)
    with_points: bool = True  # points may pay part of the same sale

    def _problems(self) -> list[Problem]:
        out: list[Problem] = []
        if self.kind in ("amount", "threshold") and self.value == 0:
            out.append(problem("value", N_("a coupon must take something off")))
        if self.kind == "percent" and not 0 < self.value < 100:
            out.append(problem("value", N_("a percent coupon takes 1 to 99 percent off")))
        if self.kind == "threshold" and self.min_spend_fen <= self.value:
            out.append(
                problem("min_spend_fen", N_("the spend to reach must be above what it takes off"))
            )
        if self.kind == "gift" and not self.gift_item.strip():
            out.append(problem("gift_item", N_("a gift coupon names the item it gives")))
        if self.valid_days is None and self.valid_until is None:
            out.append(problem("valid_days", N_("a coupon needs a number of days or an end date")))
        if self.valid_from and self.valid_until and self.valid_from > self.valid_until:
            out.append(problem("valid_until", N_("the end date is before the start date")))
        return out


class SpendReward(Rules):
    spend_fen: Positive  # the member's lifetime spend crossing this …
    coupon: TypeCode  # … earns this coupon


class PointsExchange(Rules):
    points: Positive  # points the member gives at the till …
    coupon: TypeCode  # … for this coupon


class CouponRules(Rules):
    types: tuple[CouponType, ...] = ()
    on_join: TypeCode | None = None  # 入会送券
    on_birthday: TypeCode | None = None  # on the birthday (the daily job)
    on_tier_up: TypeCode | None = None  # when a sale lifts the member's tier
    on_spend: tuple[SpendReward, ...] = ()  # 累计消费满额送券
    exchange: tuple[PointsExchange, ...] = ()  # 积分兑券 at the till
    refund_returns: bool = True  # a fully refunded sale gives its coupon back while still valid

    @field_validator("types")
    @classmethod
    def _distinct(cls, types: tuple[CouponType, ...]) -> tuple[CouponType, ...]:
        refuse([problem(f"{i}.code", N_("duplicate coupon type: {code}"), code=t.code)
                for i, t in enumerate(types) if t.code in [u.code for u in types[:i]]])  # fmt: skip
        return types

    def _problems(self) -> list[Problem]:
        codes = {t.code for t in self.types}
        named = [("on_join", self.on_join), ("on_birthday", self.on_birthday),
                 ("on_tier_up", self.on_tier_up)]  # fmt: skip
        named += [(f"on_spend.{i}.coupon", r.coupon) for i, r in enumerate(self.on_spend)]
        named += [(f"exchange.{i}.coupon", r.coupon) for i, r in enumerate(self.exchange)]
        return [problem(path, N_("no such coupon type: {code}"), code=code)
                for path, code in named if code is not None and code not in codes]  # fmt: skip

    def type(self, code: str | None) -> CouponType | None:
        return next((t for t in self.types if t.code == code), None)


__all__ = ["COUPON_KINDS", "COUPON_KIND_NAMES", "CouponRules", "CouponType", "Percent"]

"""Coupons (代金券) as program data: the kinds a shop hands out and the rules that issue them.

A coupon type says what a coupon takes off and when it may be used; the issue rules say
which event hands one out. Money is integer fen, percentages integer percent. The rules
that apply a coupon to a sale live in ``core/till/coupons.py``; the codes in
``core/coupons/codes.py``.

A percent coupon may have a cap (8折，最高优惠 ¥50): it never takes more than that off
one sale. Like the category and the stacking rules, the cap is the type's in the program
in force, not a term of the coupon's signed code; a program stored before caps existed
loads with none. ``coupon_terms`` is how a coupon reads everywhere it is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Literal

from pydantic import Field, Strict, StringConstraints, field_validator

from ..i18n import N_, Message
from ..money import format_fen
from .program_base import Name, NonNeg, Percent, Positive, Rules
from .program_errors import Problem, problem, refuse

# A type's code rides inside every coupon's code: short, plain ASCII.
TypeCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_-]{1,8}$")]


COUPON_KINDS = ("amount", "percent", "threshold", "gift")


# How long a coupon is good for, in whole days from its issue day: a new type's, unless the
# owner says otherwise, and the most a type may give (past it no one means "days").
NEW_TYPE_VALID_DAYS = 30
MAX_VALID_DAYS = 3650
ValidDays = Annotated[int, Strict(), Field(gt=0, le=MAX_VALID_DAYS)]


# How each kind reads on a screen or a slip (translated where shown).
COUPON_KIND_NAMES = {
    "amount": N_("Amount off"),
    "percent": N_("Percent off"),
    "threshold": N_("Spend X, save Y"),
    "gift": N_("Free gift item"),
}


def coupon_terms(
    kind: str, value: int, min_spend: int = 0, max_off: int = 0,
    money: Callable[[int], str] = format_fen,
) -> Message:  # fmt: skip
    """What a coupon gives, in words: ¥10.00 off, ¥50.00 off a spend of ¥300.00, 20% off
    (at most ¥50.00 off), a gift. `money` writes an amount (a slip writes ￥)."""
    if kind == "gift":
        return Message(COUPON_KIND_NAMES["gift"])
    if kind == "percent":
        what = (Message(N_("{percent}% off a spend of {spend}"), percent=value, spend=money(min_spend))
                if min_spend else Message(N_("{percent}% off"), percent=value))  # fmt: skip
        if max_off:
            return Message(N_("{terms}, at most {cap} off"), terms=what, cap=money(max_off))
        return what
    if min_spend:
        return Message(N_("{off} off a spend of {spend}"), off=money(value), spend=money(min_spend))
    return Message(N_("{off} off"), off=money(value))


def coupon_validity(
    valid_days: int | None, valid_from: date | None = None, valid_until: date | None = None
) -> Message:
    """How long a coupon of a type is good for, in words: 30天有效; 有效期至 2026-06-30;
    30天有效，最晚至 2026-06-30 (as core/coupons/issue.py's `validity` counts it)."""
    if not valid_days:
        if valid_from and valid_until:
            return Message(N_("valid {start} to {end}"), start=valid_from.isoformat(),
                           end=valid_until.isoformat())  # fmt: skip
        return Message(N_("valid until {end}"), end=valid_until.isoformat() if valid_until else "")
    what = Message(N_("valid for {days} days"), days=valid_days)
    if valid_from:
        what = Message(N_("{terms}, not before {start}"), terms=what, start=valid_from.isoformat())
    if valid_until:
        what = Message(N_("{terms}, until {end} at the latest"), terms=what,
                       end=valid_until.isoformat())  # fmt: skip
    return what


class CouponType(Rules):
    """One kind of coupon. `value`: fen off (amount, threshold), percent off (percent), or
    unused (gift: one unit of `gift_item` is free). `max_off_fen`: the most a percent
    coupon takes off one sale (0: no cap)."""

    code: TypeCode  # e.g. NEW10
    name: Name  # shown to people, e.g. 入会礼券
    kind: Literal["amount", "percent", "threshold", "gift"] = "amount"
    value: NonNeg = 0
    max_off_fen: NonNeg = 0  # a percent coupon's cap (最高优惠), 0 = none
    min_spend_fen: NonNeg = 0  # 满X: the sale (or the category's lines) must reach this
    category: str = ""  # only lines of this catalogue category count ("" = the whole sale)
    gift_item: str = ""  # the catalogue item code a gift coupon gives one of
    valid_days: ValidDays | None = NEW_TYPE_VALID_DAYS  # valid this many days from the issue day …
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
        if self.kind != "percent" and self.max_off_fen:
            out.append(problem("max_off_fen", N_("only a percent coupon has a most it takes off")))
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

    def terms(self, money: Callable[[int], str] = format_fen) -> Message:
        """What a coupon of this type gives, in words (its cap too)."""
        return coupon_terms(self.kind, self.value, self.min_spend_fen, self.max_off_fen, money)

    def validity(self) -> Message:
        """How long a coupon of this type is good for, in words (30天有效)."""
        return coupon_validity(self.valid_days, self.valid_from, self.valid_until)


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

    def cap(self, code: str | None, kind: str) -> int:
        """The most a coupon of type `code` whose code says `kind` takes off a sale, by the
        type in this program (0: no cap; only a percent coupon has one)."""
        t = self.type(code)
        return t.max_off_fen if t is not None and t.kind == kind == "percent" else 0


__all__ = ["COUPON_KINDS", "COUPON_KIND_NAMES", "CouponRules", "CouponType", "Percent",
           "coupon_terms"]  # fmt: skip

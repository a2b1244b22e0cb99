"""Paying with points: limits on a sale, the value of points, catalogue gifts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..i18n import N_, Listing, Message
from .calendar import redeem_window_open
from .program import Gift, Program
from .rules import MemberContext, RuleViolation, yuan


@dataclass(frozen=True)
class RedeemLimits:
    max_points: int  # most points usable on this sale (0 = none)
    max_value_fen: int
    cap_fen: int  # max_share_percent of the amount due, rounded down
    unit_points: int
    min_points: int
    points_per_yuan: int
    unit_value_fen: int  # what one unit is worth
    blocked: str | None = None  # why nothing is usable: walk_in|window|cap|balance|min|disabled


def _unit_value(program: Program) -> int:
    # Exact: the program guarantees unit_points * 100 is divisible by points_per_yuan.
    return program.redeem.unit_points * 100 // program.redeem.points_per_yuan


def redeem_limits(
    program: Program, member: MemberContext | None, amount_due_fen: int, business_date: date
) -> RedeemLimits:
    """How many points this member may use on a sale of ``amount_due_fen`` (after discounts)."""
    rule = program.redeem
    cap = max(amount_due_fen, 0) * rule.max_share_percent // 100
    unit_value = _unit_value(program)
    blocked: str | None = None
    units = 0
    if member is None:
        blocked = "walk_in"
    elif not redeem_window_open(program, business_date):
        blocked = "window"
    elif rule.max_share_percent == 0:
        blocked = "disabled"
    else:
        by_cap = cap // unit_value
        by_balance = max(member.points_balance, 0) // rule.unit_points
        units = min(by_cap, by_balance)
        if units == 0:
            blocked = "cap" if by_cap == 0 else "balance"
        elif units * rule.unit_points < rule.min_points:
            blocked, units = "min", 0
    return RedeemLimits(
        max_points=units * rule.unit_points,
        max_value_fen=units * unit_value,
        cap_fen=cap,
        unit_points=rule.unit_points,
        min_points=rule.min_points,
        points_per_yuan=rule.points_per_yuan,
        unit_value_fen=unit_value,
        blocked=blocked,
    )


def redeem_value(program: Program, points: int) -> int:
    """Cash value in fen of ``points``; refuses part units and amounts below the minimum."""
    rule = program.redeem
    if points < 0:
        raise RuleViolation("redeem.negative", N_("points cannot be negative"))
    if points == 0:
        return 0
    if points % rule.unit_points:
        raise RuleViolation(
            "redeem.unit", N_("points must be used in multiples of {unit}"), unit=rule.unit_points
        )
    if points < rule.min_points:
        raise RuleViolation("redeem.min", N_("use at least {min} points"), min=rule.min_points)
    return points // rule.unit_points * _unit_value(program)


def _check_can_redeem(
    program: Program, member: MemberContext | None, business_date: date
) -> MemberContext:
    if member is None:
        raise RuleViolation("redeem.walk_in", N_("walk-in customers cannot use points"))
    if not redeem_window_open(program, business_date):
        months = Listing(Message(N_("month {month}"), month=m) for m in program.redeem.windows)
        raise RuleViolation(
            "redeem.window",
            N_("points cannot be redeemed now; they can be in: {months}"),
            months=months,
        )
    return member


def check_redemption(
    program: Program,
    member: MemberContext | None,
    points: int,
    amount_due_fen: int,
    business_date: date,
) -> int:
    """Value in fen of redeeming ``points`` on this sale, or RuleViolation saying why not."""
    if points == 0:
        return 0
    holder = _check_can_redeem(program, member, business_date)
    value = redeem_value(program, points)
    if points > holder.points_balance:
        raise RuleViolation(
            "redeem.balance",
            N_("not enough points: {held} held, {need} needed"),
            held=holder.points_balance,
            need=points,
        )
    cap = max(amount_due_fen, 0) * program.redeem.max_share_percent // 100
    if value > cap:
        share = program.redeem.max_share_percent
        raise RuleViolation(
            "redeem.cap",
            N_("points may pay at most {share}% of this sale ({cap} yuan)"),
            share=share,
            cap=yuan(cap),
        )
    return value


def redeem_gift(
    program: Program,
    member: MemberContext | None,
    gift_code: str,
    business_date: date,
    stock_left: int | None = None,
) -> Gift:
    """The catalogue gift to hand over; ``stock_left`` is the live stock (None = catalogue's)."""
    holder = _check_can_redeem(program, member, business_date)
    gift = program.gift(gift_code)
    if gift is None:
        raise RuleViolation("gift.unknown", N_("no such gift: {code}"), code=gift_code)
    stock = gift.stock if stock_left is None else stock_left
    if stock is not None and stock <= 0:
        raise RuleViolation("gift.stock", N_("gift “{name}” is out of stock"), name=gift.name)
    if gift.points > holder.points_balance:
        raise RuleViolation(
            "redeem.balance",
            N_("not enough points: {held} held, {need} needed"),
            held=holder.points_balance,
            need=gift.points,
        )
    return gift

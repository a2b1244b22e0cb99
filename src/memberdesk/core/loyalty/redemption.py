"""Paying with points: limits on a sale, the value of points, catalogue gifts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
        raise RuleViolation("redeem.negative", "积分数不能为负", "points cannot be negative")
    if points == 0:
        return 0
    if points % rule.unit_points:
        raise RuleViolation(
            "redeem.unit",
            f"积分须按 {rule.unit_points} 的整数倍使用",
            f"points must be used in multiples of {rule.unit_points}",
        )
    if points < rule.min_points:
        raise RuleViolation(
            "redeem.min",
            f"至少使用 {rule.min_points} 积分",
            f"use at least {rule.min_points} points",
        )
    return points // rule.unit_points * _unit_value(program)


def _check_can_redeem(
    program: Program, member: MemberContext | None, business_date: date
) -> MemberContext:
    if member is None:
        raise RuleViolation(
            "redeem.walk_in", "散客不能使用积分", "walk-in customers cannot use points"
        )
    if not redeem_window_open(program, business_date):
        months = "、".join(f"{m}月" for m in program.redeem.windows)
        raise RuleViolation(
            "redeem.window",
            f"现在不能兑换积分，兑换月份：{months}",
            f"points can only be redeemed in month(s) {list(program.redeem.windows)}",
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
            f"积分不足：现有 {holder.points_balance}，需要 {points}",
            f"not enough points: {holder.points_balance} held, {points} requested",
        )
    cap = max(amount_due_fen, 0) * program.redeem.max_share_percent // 100
    if value > cap:
        share = program.redeem.max_share_percent
        raise RuleViolation(
            "redeem.cap",
            f"积分最多抵扣本单的 {share}%（{yuan(cap)} 元）",
            f"points may pay at most {share}% of this sale ({yuan(cap)} yuan)",
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
        raise RuleViolation(
            "gift.unknown", f"没有这个礼品：{gift_code}", f"no such gift: {gift_code}"
        )
    stock = gift.stock if stock_left is None else stock_left
    if stock is not None and stock <= 0:
        raise RuleViolation(
            "gift.stock", f"礼品“{gift.name}”已兑完", f"gift {gift.name!r} is out of stock"
        )
    if gift.points > holder.points_balance:
        raise RuleViolation(
            "redeem.balance",
            f"积分不足：现有 {holder.points_balance}，需要 {gift.points}",
            f"not enough points: {holder.points_balance} held, {gift.points} needed",
        )
    return gift

"""Gifts for spend (购物满额赠礼): which of the program's offers a sale earns. Pure rules.

A "sale" offer is earned by a sale whose total (after discounts) reaches the threshold;
a month / quarter / year offer by the one sale with which the member's spend in that
calendar period first reaches it (spend before the sale below the threshold, with the
sale at or above it), once per period.
"""

from __future__ import annotations

from datetime import date

from .program import Program, SpendGift


def period_start(period: str, day: date) -> date | None:
    """The first day of the calendar period holding `day` (None for "sale")."""
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if period == "year":
        return date(day.year, 1, 1)
    return None


def period_after(period: str, day: date) -> date | None:
    """The first day of the calendar period after the one holding `day` (None for "sale")."""
    start = period_start(period, day)
    if start is None:
        return None
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def gifts_earned(
    program: Program, sale_total: int, spend_before: dict[str, int], given: set[str]
) -> list[SpendGift]:
    """The offers this sale earns. `spend_before`: the member's net spend in each period
    before this sale (no key: a walk-in, who can earn only "sale" offers); `given`: the
    offers already handed over in the current period ("period:gift_code")."""
    out = []
    for offer in program.spend_gifts:
        if offer.period == "sale":
            if sale_total >= offer.threshold_fen:
                out.append(offer)
            continue
        before = spend_before.get(offer.period)
        if before is None or key(offer) in given:
            continue
        if before < offer.threshold_fen <= before + sale_total:
            out.append(offer)
    return out


def key(offer: SpendGift) -> str:
    return f"{offer.period}:{offer.gift_code}:{offer.threshold_fen}"

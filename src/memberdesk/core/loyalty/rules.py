"""Shared pieces of the loyalty rules: refusals, the member context, tiers, stored value.

Pure functions over a ``Program``; ``pricing`` re-exports everything public here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..errors import DomainError
from ..i18n import N_
from .calendar import is_birthday_period
from .program import Program


class RuleViolation(DomainError, ValueError):
    """A request the program's rules refuse: a code (what callers test) and the message
    id of its text, with the parameters the text names."""

    def __init__(self, code: str, msgid: str, /, **params: Any) -> None:
        self._msgid = msgid
        super().__init__(code, **params)

    @property
    def msgid(self) -> str:
        return self._msgid


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


@dataclass(frozen=True)
class MemberContext:
    """What the rules need to know about the member at the counter."""

    tier_code: str
    tier_locked: bool = False
    points_balance: int = 0
    wallet_principal_fen: int = 0
    wallet_bonus_fen: int = 0
    joined_on: date | None = None
    # The birthday's occurrence whose period holds the business date (lunar resolved), and
    # the privileges already used in that period: one birthday, one allowance.
    birthday_occurrence: date | None = None
    birthday_uses: int = 0
    has_purchased_before: bool = False
    has_referrer: bool = False
    points_since_joining: int = 0  # earned from purchases, for the first-month challenge
    first_month_bonus_given: bool = False


def tier_rank(program: Program, code: str | None) -> int:
    """Position of a tier, lowest = 0; -1 for a code the program no longer has."""
    codes = [t.code for t in program.tiers.levels]
    return codes.index(code) if code in codes else -1


def tier_for_spend(program: Program, spend_fen: int) -> str:
    """The highest tier whose threshold the spend reaches (thresholds inclusive)."""
    reached = [t for t in program.tiers.levels if t.threshold_fen <= spend_fen]
    return (reached[-1] if reached else program.tiers.levels[0]).code


def tier_after_sale(program: Program, current: str, locked: bool, spend_in_window_fen: int) -> str:
    """Upgrade at once when the window's spend reaches a higher tier; never downgrade here."""
    if locked:
        return current
    earned = tier_for_spend(program, spend_in_window_fen)
    return earned if tier_rank(program, earned) > tier_rank(program, current) else current


def tier_at_review(program: Program, current: str, locked: bool, spend_in_window_fen: int) -> str:
    """Tier at a periodic review: may go down only if ``tiers.downgrade_at_review``."""
    if locked:
        return current
    if program.tiers.downgrade_at_review or tier_rank(program, current) < 0:
        return tier_for_spend(program, spend_in_window_fen)
    return tier_after_sale(program, current, locked, spend_in_window_fen)


def birthday_due(program: Program, member: MemberContext, business_date: date) -> bool:
    """In the birthday period, entitled by tier, and uses left this year."""
    privilege = program.promotions.birthday
    if privilege is None or not is_birthday_period(
        program, member.birthday_occurrence, business_date
    ):
        return False
    if privilege.min_tier is not None and tier_rank(program, member.tier_code) < tier_rank(
        program, privilege.min_tier
    ):
        return False
    return privilege.uses_per_year is None or member.birthday_uses < privilege.uses_per_year


def topup_bonus(program: Program, amount_fen: int) -> int:
    """Bonus for a top-up: the highest tier reached (充1000送100 …), tiers inclusive."""
    reached = [t.bonus_fen for t in program.wallet.topup_bonus if amount_fen >= t.min_topup_fen]
    return reached[-1] if reached else 0


def topup_room(program: Program, principal_fen: int) -> int | None:
    """How much a member holding `principal_fen` of their own money may still top up under
    ``wallet.principal_limit_fen`` (the bonus does not count); None when there is no limit."""
    limit = program.wallet.principal_limit_fen
    if not limit:
        return None
    return max(0, limit - principal_fen)


def next_topup_tier(
    program: Program, amount_fen: int, room_fen: int | None = None
) -> tuple[int, int] | None:
    """(how much more to top up, the bonus it then gets) for the next tier above what
    `amount_fen` reaches, or None when it reaches the highest (or there are none), or
    when that tier's top-up is more than `room_fen` (what the member may still top up)."""
    for t in program.wallet.topup_bonus:
        if amount_fen < t.min_topup_fen and t.bonus_fen > topup_bonus(program, amount_fen):
            if room_fen is not None and t.min_topup_fen > room_fen:
                return None  # the tiers only rise: none further up is reachable either
            return t.min_topup_fen - amount_fen, t.bonus_fen
    return None


def split_wallet_payment(
    program: Program, amount_fen: int, principal_fen: int, bonus_fen: int
) -> tuple[int, int]:
    """(from_principal, from_bonus) for a wallet payment, per ``wallet.spend_order``.

    proportional: the bonus share is rounded half up, the principal takes the rest, so
    the two always add up exactly and neither exceeds its balance.
    """
    if amount_fen < 0 or principal_fen < 0 or bonus_fen < 0:
        raise RuleViolation("wallet.negative", N_("amounts cannot be negative"))
    if amount_fen > principal_fen + bonus_fen:
        raise RuleViolation(
            "wallet.insufficient",
            N_("wallet balance {balance} yuan is less than the {need} yuan to pay"),
            balance=yuan(principal_fen + bonus_fen),
            need=yuan(amount_fen),
        )
    order = program.wallet.spend_order
    if order == "principal_first":
        from_principal = min(amount_fen, principal_fen)
        return from_principal, amount_fen - from_principal
    if order == "bonus_first":
        from_bonus = min(amount_fen, bonus_fen)
        return amount_fen - from_bonus, from_bonus
    if amount_fen == 0:
        return 0, 0
    balance = principal_fen + bonus_fen
    from_bonus = (2 * amount_fen * bonus_fen + balance) // (2 * balance)
    return amount_fen - from_bonus, from_bonus

"""Posting to the points and wallet ledgers.

The only place that changes a member's cached balances: each posting appends a
ledger row, moves the cached balance in the same transaction, and writes the
entry's outbox row. Wallet balances can never go negative; points only when the
caller says the program allows it.
"""

from __future__ import annotations

from datetime import date

from ..errors import DomainError
from ..i18n import N_
from ..money import format_fen
from ..store.models import Member, PointsEntry, WalletEntry, new_id
from ..store.uow import UnitOfWork

POINTS = PointsEntry.__table__


WALLET = WalletEntry.__table__


# How each kind of entry reads in a member's history (translated where shown).
POINTS_KIND_NAMES = {
    "earn": N_("Earned"), "redeem": N_("Redeemed"), "gift": N_("Gift"),
    "signup": N_("Sign-up bonus"), "referral": N_("Referral bonus"),
    "challenge": N_("First-month bonus"), "refund_reverse": N_("Refund: earned points back"),
    "refund_return": N_("Refund: redeemed points returned"), "expire": N_("Expired"),
    "adjust": N_("Manual adjustment"), "import": N_("Imported"), "opening": N_("Opening balance"),
    "chain": N_("At other tills and stores"), "coupon": N_("Exchanged for a coupon"),
}  # fmt: skip


WALLET_KIND_NAMES = {
    "topup": N_("Top-up"), "pay": N_("Payment"), "refund": N_("Refund"),
    "topup_reversal": N_("Top-up reversed"), "cashout": N_("Cash-out"),
    "forfeit": N_("Bonus lapsed"), "import": N_("Imported"), "opening": N_("Opening balance"),
    "chain": N_("At other tills and stores"),
}  # fmt: skip


def post_points(
    uow: UnitOfWork,
    member: Member,
    delta: int,
    kind: str,
    business_date: date,
    *,
    sale_id: str | None = None,
    refund_id: str | None = None,
    note: str = "",
    allow_negative: bool = False,
) -> str | None:
    """Append a points entry and move the member's balance; returns the entry's id."""
    if delta == 0:
        return None
    after = member.points + delta
    if after < 0 and not allow_negative:
        raise DomainError("points.insufficient", name=member.name, have=member.points, need=-delta)
    member.points = after
    entry_id = new_id()
    uow.insert(
        POINTS,
        {"id": entry_id, "member_id": member.id, "created_at": uow.now,
         "business_date": business_date, "delta": delta, "kind": kind, "sale_id": sale_id,
         "refund_id": refund_id, "balance_after": after, "note": note},
    )  # fmt: skip
    uow.emit(
        "points.entry",
        entry_id,
        {
            "id": entry_id, "member_id": member.id, "delta": delta, "kind": kind,
            "business_date": business_date.isoformat(), "sale_id": sale_id,
            "refund_id": refund_id, "balance_after": after, "note": note,
        },
    )  # fmt: skip
    return entry_id


def post_wallet(
    uow: UnitOfWork,
    member: Member,
    principal_delta: int,
    bonus_delta: int,
    kind: str,
    business_date: date,
    *,
    sale_id: str | None = None,
    topup_id: str | None = None,
    refund_id: str | None = None,
    note: str = "",
) -> str | None:
    """Append a wallet entry and move the member's balances; returns the entry's id."""
    if principal_delta == 0 and bonus_delta == 0:
        return None
    principal = member.wallet_principal + principal_delta
    bonus = member.wallet_bonus + bonus_delta
    # Below zero only where it was already (an overdraft of the chain pulled from HQ,
    # core/members/chain_directory.py): money coming in pays the debt down, none goes out.
    if (principal < 0 and principal_delta < 0) or (bonus < 0 and bonus_delta < 0):
        raise DomainError(
            "wallet.insufficient",
            name=member.name,
            have=format_fen(member.wallet_principal + member.wallet_bonus),
            need=format_fen(-(principal_delta + bonus_delta)),
        )
    member.wallet_principal, member.wallet_bonus = principal, bonus
    entry_id = new_id()
    uow.insert(
        WALLET,
        {"id": entry_id, "member_id": member.id, "created_at": uow.now,
         "business_date": business_date, "principal_delta": principal_delta,
         "bonus_delta": bonus_delta, "kind": kind, "sale_id": sale_id, "topup_id": topup_id,
         "refund_id": refund_id, "principal_after": principal, "bonus_after": bonus, "note": note},
    )  # fmt: skip
    uow.emit(
        "wallet.entry",
        entry_id,
        {
            "id": entry_id, "member_id": member.id, "principal_delta": principal_delta,
            "bonus_delta": bonus_delta, "kind": kind, "business_date": business_date.isoformat(),
            "sale_id": sale_id, "topup_id": topup_id, "refund_id": refund_id,
            "principal_after": principal, "bonus_after": bonus, "note": note,
        },
    )  # fmt: skip
    return entry_id

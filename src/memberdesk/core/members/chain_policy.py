"""Spending a chain member's points or stored value at a till (the chain's policy).

A till's balance of a member of the chain's directory is every other till's entries as
HQ last confirmed them plus this till's own since (core/members/chain_directory.py),
so spending never goes past "the last confirmed balance minus what this till spent
since". While the till has not pulled from HQ for longer than the policy says
(`offline_after_minutes`), other tills may be spending the same balance unseen: then a
member may spend at most `offline_points_per_day` points and `offline_wallet_per_day`
fen of stored value per day at this till (points redeemed, given as a gift or exchanged
for a coupon; stored value paid, cashed out or given back as a top-up reversed). What two stores still spend at once is an
overdraft HQ records and lists (hq/directory.py), never lost or forgiven.

The policy is chain data set at HQ (`memberdesk-hq chain set`) and arrives with each pull.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from ..errors import DomainError
from ..money import format_fen
from ..shop.details import read_setting
from ..store.statements import raw_connection

K_SCOPE, K_POLICY, K_PULLED, K_STORES = (
    "sync.directory_scope", "sync.directory_policy", "sync.directory_pulled_at",
    "sync.directory_stores",  # the chain's stores by code: {"S002": "滨江店"}
)  # fmt: skip
DEFAULTS = {"offline_after_minutes": 15, "offline_points_per_day": 5000,
            "offline_wallet_per_day": 20000}  # fmt: skip

_SPENT_POINTS = (
    "SELECT coalesce(-sum(delta), 0) FROM points_ledger WHERE member_id = ? AND business_date = ?"
    " AND kind IN ('redeem', 'gift', 'coupon') AND delta < 0"
)
_SPENT_WALLET = (
    "SELECT coalesce(-sum(principal_delta + bonus_delta), 0) FROM wallet_ledger"
    " WHERE member_id = ? AND business_date = ? AND kind IN ('pay', 'cashout', 'topup_reversal')"
)


def check_chain_spend(
    session: Session, member: Any, *, points: int, wallet: int, now: datetime, today: date
) -> None:
    """Refuse a spend the chain's offline limit does not allow (DomainError)."""
    if not (points or wallet) or not getattr(member, "chain_store", ""):
        return
    if read_setting(session, K_SCOPE) != "chain":
        return  # each store's members are its own: no other store spends them
    policy = {**DEFAULTS, **(read_setting(session, K_POLICY) or {})}
    pulled = read_setting(session, K_PULLED)
    minutes = int(policy["offline_after_minutes"])
    if pulled and now - datetime.fromisoformat(pulled) <= timedelta(minutes=minutes):
        return  # online: the balance HQ confirmed a moment ago holds
    con = raw_connection(session)
    if points:
        limit = int(policy["offline_points_per_day"])
        spent = con.execute(_SPENT_POINTS, (member.id, today)).fetchone()[0]
        if spent + points > limit:
            raise DomainError("chain.offline_points", minutes=minutes, name=member.name,
                              limit=limit, spent=spent)  # fmt: skip
    if wallet:
        limit = int(policy["offline_wallet_per_day"])
        spent = con.execute(_SPENT_WALLET, (member.id, today)).fetchone()[0]
        if spent + wallet > limit:
            raise DomainError("chain.offline_wallet", minutes=minutes, name=member.name,
                              limit=format_fen(limit), spent=format_fen(spent))  # fmt: skip

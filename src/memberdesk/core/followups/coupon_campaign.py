"""Campaigns to a follow-up list: one coupon to each member on it (立减10元 for the dormant
members, a voucher for the birthdays), whose SMS texts then carry each one's {coupon}."""

from __future__ import annotations

from typing import Any

from ..coupons.issue import CouponInfo, issue_coupons
from ..errors import DomainError
from ..members.member import find_by_card_or_phone
from ..shop.details import shop_info
from ..shop.staff import Actor
from ..store.database import Store
from .lists import followup_list


def issue_to_list(
    store: Store, actor: Actor, kind: str, type_code: str, campaign: str, *,
    period: Any = None, authoriser: Actor | None = None,
) -> dict[str, CouponInfo]:  # fmt: skip
    """A follow-up-list campaign: one coupon to each member on the list ({member id: coupon}),
    e.g. 立减10元 for the dormant members; the list's SMS texts can then carry {coupon}."""
    if not campaign.strip():
        raise DomainError("coupon.campaign_name")
    members = [row.member_id for row in followup_list(store, kind, period).rows]
    issued = issue_coupons(store, actor, type_code, members, campaign=campaign.strip(),
                           source="campaign", authoriser=authoriser)  # fmt: skip
    return dict(zip(members, issued, strict=True))


def members_by_card_or_phone(store: Store, refs: list[str]) -> list[str]:
    """The ids of the members named by card numbers or phones, in order; an unknown one is
    refused by name (coupons issued to a list typed or given on the command line)."""
    out = []
    with store.read() as s:
        prefix = shop_info(s).card_prefix
        for ref in refs:
            m = find_by_card_or_phone(s, ref, prefix)
            if m is None:
                raise DomainError("card.not_found", card=ref)
            out.append(m.id)
    return out

"""The gift catalogue at the till: what each gift costs, how many are left, and whether
the member at the counter may take it now (with the rules' own words when not)."""

from __future__ import annotations

from dataclasses import dataclass

from ..clock import shop_date
from ..errors import DomainError
from ..loyalty.program import preset
from ..loyalty.program_store import DEFAULT_PRESET, program_in_force
from ..loyalty.redemption import redeem_gift
from ..shop.details import shop_info
from ..store.database import Store
from .checkout import gift_stock_left, member_context, usable_member


@dataclass(frozen=True)
class GiftOffer:
    code: str
    name: str
    points: int  # what it costs
    stock_left: int | None  # None: no limit
    refusal: DomainError | None  # why this member cannot take it now; None when they can


def gift_offers(store: Store, member_id: str | None) -> list[GiftOffer]:
    """Every catalogue gift with its live stock, judged for `member_id` (None: a walk-in)."""
    with store.read() as s:
        shop = shop_info(s)
        current = program_in_force(s)
        program = current.program if current else preset(DEFAULT_PRESET)
        if not program.redeem.gifts:
            return []
        today = shop_date(store.clock.now(), shop.timezone)
        member = usable_member(s, member_id) if member_id else None
        holder = member_context(s, program, member, today, shop.timezone) if member else None
        offers = []
        for gift in program.redeem.gifts:
            left = gift_stock_left(s, gift)
            refusal = None
            try:
                redeem_gift(program, holder, gift.code, today, left)
            except DomainError as exc:
                refusal = exc
            offers.append(GiftOffer(gift.code, gift.name, gift.points, left, refusal))
        return offers

"""A coupon on a sale: checked, priced, redeemed once, and given back by a full refund.

Decisions (tests/integration/test_coupons.py works them through by hand):

- One coupon per sale. It is checked offline: its code's signature (core/coupons), its
  dates, its member (a member's coupon is theirs alone), and this till's ledger (used or
  expired here). The type's code names the category, the gift item and the stacking
  rules in the program in force.
- It is applied after the program's discounts and the discounts given by hand, to the
  lines it covers (every line, or its category's, or its gift item's; never a 不打折
  line, except the item a gift coupon gives): amount off (at
  most what they cost), percent off (half up to the fen), 满X减Y (the lines must reach
  X), one unit of the gift item free. A percent coupon whose type has a cap (最高优惠)
  takes at most the cap off in all. What it takes off is shared over the lines in
  proportion (largest remainder first), so a refund of some lines gives back their
  share of what was paid, never the coupon's value.
- A coupon that does not stack with the member's discounts takes the covered lines at
  their list price instead of the program's (tier, member day, birthday, category,
  member price); one that would leave the member paying more than without it is
  refused with the reason. One that does not stack with points refuses points on the
  same sale.
- Refunding the whole sale gives the coupon back while it is still valid, when the
  program says so; a partial refund keeps it used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from ..coupons.codes import CouponTerms, clean, member_tag, verify
from ..coupons.issue import (
    COUPONS,
    CouponInfo,
    coupon_payload,
    coupon_type,
    issue_by_rule,
    issue_in,
    record_event,
    spend_rewards,
)
from ..coupons.keys import known_keys
from ..errors import DomainError
from ..loyalty.coupon_rules import CouponType
from ..loyalty.expiry import expire_due_in
from ..loyalty.ledger import post_points
from ..loyalty.pricing import PricedLine, Pricing, tier_rank
from ..loyalty.program import Program
from ..loyalty.program_store import ensure_program
from ..members.chain_policy import check_chain_spend
from ..money import format_fen
from ..shop.details import shop_info
from ..shop.staff import Actor
from ..store.database import Store
from ..store.statements import raw_connection
from ..store.uow import UnitOfWork
from .manual import MANUAL_KINDS, _repriced, _shares

if TYPE_CHECKING:
    from ..shop.details import ShopInfo
    from .checkout import Computation, MemberRow, SaleLineInput

KIND = "coupon"  # the sale lines' and the receipt's discount kind


@dataclass(frozen=True)
class CouponOnSale:
    """A coupon checked for a sale, and what it took off."""

    terms: CouponTerms
    code: str
    ctype: CouponType
    known: bool  # this till holds its row (issued here, or seen before)
    member_id: str | None  # whom it was issued to, when this till knows
    off: int = 0
    shares: tuple[tuple[int, int], ...] = ()  # (line number from 1, fen) of what it took off

    def share_of(self, line_no: int) -> int:
        """What the coupon took off line `line_no` (counted from 1)."""
        return dict(self.shares).get(line_no, 0)

    @property
    def id(self) -> str:
        return self.terms.serial


_ROW = "SELECT status, member_id FROM coupons WHERE id = ?"


_ELSEWHERE = "SELECT store_code, business_date FROM coupons_used_elsewhere WHERE coupon_id = ?"


def check_coupon(
    s: Session, program: Program, code: str, member_id: str | None, today: date
) -> CouponOnSale:
    """A coupon that may be used on a sale of `member_id` today, or the reason it may not.
    The code is kept as its coupon's (typed in small letters or with dashes, it is the
    same coupon: what the sale keeps and sends to head office is the code as issued)."""
    code = clean(code)
    terms = verify(code, known_keys(shop_info(s).terminal_id))
    conn = raw_connection(s)
    row = conn.execute(_ROW, (terms.serial,)).fetchone()
    if row is not None and row[0] == "redeemed":
        raise DomainError("coupon.used", serial=terms.serial)
    elsewhere = conn.execute(_ELSEWHERE, (terms.serial,)).fetchone()
    if elsewhere is not None:  # HQ said another till used it (core/sync/coupon_status.py)
        raise DomainError("coupon.used_elsewhere", serial=terms.serial, store=elsewhere[0],
                          day=str(elsewhere[1]))  # fmt: skip
    if (row is not None and row[0] == "expired") or today > terms.valid_until:
        raise DomainError("coupon.expired", serial=terms.serial, day=terms.valid_until.isoformat())
    if today < terms.valid_from:
        raise DomainError("coupon.not_yet", serial=terms.serial, day=terms.valid_from.isoformat())
    if terms.member_tag and (member_id is None or member_tag(member_id) != terms.member_tag):
        raise DomainError("coupon.other_member", serial=terms.serial)
    if row is not None and row[1] and row[1] != member_id:
        raise DomainError("coupon.other_member", serial=terms.serial)
    ctype = program.coupons.type(terms.type_code)
    if ctype is None:
        raise DomainError("coupon.type_unknown", code=terms.type_code)
    return CouponOnSale(terms, code, ctype, row is not None, row[1] if row else member_id)


def apply_coupon(
    pricing: Pricing, coupon: CouponOnSale, given: Sequence[SaleLineInput],
    *, no_earn_on_no_discount: bool,
) -> tuple[Pricing, CouponOnSale]:  # fmt: skip
    """The sale's pricing with the coupon taken off the lines it covers."""
    ctype, terms = coupon.ctype, coupon.terms
    covered = [i for i, pl in enumerate(pricing.lines) if _covers(ctype, pl, given[i])]
    if not covered:
        raise DomainError("coupon.nothing_covered", name=ctype.name)
    lines = list(pricing.lines)
    if not ctype.with_tier_discount:  # the coupon instead of the member's discounts
        for i in covered:
            pl = lines[i]
            if pl.discount_kind and pl.discount_kind not in MANUAL_KINDS:
                lines[i] = replace(pl, discount_kind=None, discount_percent=0, discount_fen=0,
                                   net_fen=pl.total_fen)  # fmt: skip
    base = sum(lines[i].net_fen for i in covered)
    if base < terms.min_spend:
        raise DomainError("coupon.below_min", name=ctype.name, need=format_fen(terms.min_spend),
                          have=format_fen(base))  # fmt: skip
    if terms.kind == "percent":
        off = (base * terms.value + 50) // 100
        cap = _cap(coupon)
        if cap:  # 最高优惠
            off = min(off, cap)
    elif terms.kind == "gift":
        first = lines[covered[0]]
        covered = covered[:1]
        off = first.net_fen // first.line.quantity
    else:
        off = min(terms.value, base)
    shares = dict(zip(covered, _shares(off, [lines[i].net_fen for i in covered]), strict=True))
    for i, share in shares.items():
        pl = lines[i]
        lines[i] = replace(pl, discount_kind=pl.discount_kind or (KIND if share else None),
                           discount_fen=pl.discount_fen + share, net_fen=pl.net_fen - share)  # fmt: skip
    priced = _repriced(pricing, lines, no_earn_on_no_discount)
    # A line keeps its own kind when the coupon stacks on it: the coupon's share is apart.
    by_kind: dict[str, int] = {}
    for i, pl in enumerate(lines):
        own = pl.discount_fen - shares.get(i, 0)
        if own and pl.discount_kind:
            by_kind[pl.discount_kind] = by_kind.get(pl.discount_kind, 0) + own
    if off:
        by_kind[KIND] = off
    priced = replace(priced, discount_by_kind=by_kind, birthday_use_consumed="birthday" in by_kind)
    if priced.total_fen >= pricing.total_fen and off:
        raise DomainError("coupon.program_better", name=ctype.name,
                          discount=format_fen(pricing.discount_fen))  # fmt: skip
    taken = tuple((i + 1, share) for i, share in sorted(shares.items()) if share)
    return priced, replace(coupon, off=pricing.total_fen - priced.total_fen, shares=taken)


def _cap(coupon: CouponOnSale) -> int:
    """The most a percent coupon takes off: as its code states (its slip printed it when it
    was issued), else (a code from before codes stated it) its type's in the program."""
    t = coupon.terms
    if t.kind != "percent":
        return 0
    return coupon.ctype.max_off_fen if t.max_off is None else t.max_off


def _covers(ctype: CouponType, pl: PricedLine, given: SaleLineInput) -> bool:
    if ctype.kind == "gift":
        return bool(given.item_id) and given.item_code == ctype.gift_item
    if pl.no_discount:  # 不打折 goods (tobacco, gift cards …) take no coupon either
        return False
    return not ctype.category or pl.line.category == ctype.category


def check_points(coupon: CouponOnSale | None, redeem_points: int) -> None:
    if coupon is not None and redeem_points and not coupon.ctype.with_points:
        raise DomainError("coupon.no_points", name=coupon.ctype.name)


def redeem_in(
    uow: UnitOfWork, coupon: CouponOnSale, sale_id: str, today: date, store_code: str,
    staff_name: str,
) -> dict[str, Any]:  # fmt: skip
    """Mark the coupon used by the sale (learning it from its code if this till had not
    seen it); returns what the sale's details keep of it. May run inside a ``rows()`` block:
    a coupon learnt here is written already used."""
    t = coupon.terms
    if not coupon.known:
        row = {
            "id": t.serial, "code": coupon.code, "type_code": t.type_code,
            "name": coupon.ctype.name, "kind": t.kind, "value": t.value,
            "min_spend": t.min_spend, "member_id": coupon.member_id if t.member_tag else None,
            "source": "chain", "campaign": "", "issued_at": uow.now, "valid_from": t.valid_from,
            "valid_until": t.valid_until, "status": "redeemed",  # as the events below say
        }  # fmt: skip
        uow.insert(COUPONS, row)
        record_event(uow, t.serial, "issue", today, reported=False)
    record_event(uow, t.serial, "redeem", today, sale_id=sale_id, off=coupon.off,
                 staff_name=staff_name)  # fmt: skip
    terms = {"code": coupon.code, "type_code": t.type_code, "kind": t.kind, "value": t.value,
             "min_spend": t.min_spend, "valid_from": t.valid_from.isoformat(),
             "valid_until": t.valid_until.isoformat()}  # fmt: skip
    uow.emit("coupon.redeemed", t.serial, {"id": t.serial, "store_code": store_code,
                                           "sale_id": sale_id, "off": coupon.off,
                                           "business_date": today.isoformat(), **terms})  # fmt: skip
    return {"id": t.serial, "name": coupon.ctype.name, "kind": t.kind, "off": coupon.off,
            "value": t.value, "min_spend": t.min_spend,
            "max_off": _cap(coupon),
            "lines": [list(pair) for pair in coupon.shares]}  # fmt: skip


def on_sale(
    uow: UnitOfWork, program: Program, c: Computation, member: MemberRow | None, sale_id: str,
    today: date, shop: ShopInfo, actor: Actor,
) -> dict[str, Any]:  # fmt: skip
    """A sale's coupons (after its member's postings): the one it used, and those it earned
    by lifting the member's tier or taking their spend across a threshold. Returns what
    the sale's details keep of them (the receipt prints the new ones' codes)."""
    out: dict[str, Any] = {}
    if c.coupon is not None:
        out["coupon"] = redeem_in(uow, c.coupon, sale_id, today, shop.store_code, actor.name)
    if member is None:
        return out
    issued = []
    if tier_rank(program, c.tier_after) > tier_rank(program, c.tier_before) >= 0:
        issued.append(issue_by_rule(uow, program, "tier_up", member.id))
    if c.pricing.total_fen > 0:
        after = member.lifetime_spend
        issued += spend_rewards(uow, program, member.id, after - c.pricing.total_fen, after)
    if any(issued):
        out["coupons_issued"] = [slip_fields(i, program) for i in issued if i is not None]
    return out


def slip_fields(info: CouponInfo, program: Program) -> dict[str, Any]:
    """What a receipt or a coupon slip prints of a coupon (its type's cap in `program`)."""
    return {"id": info.id, "code": info.code, "name": info.name, "kind": info.kind,
            "value": info.value, "min_spend": info.min_spend,
            "max_off": info.cap(program.coupons),
            "valid_from": info.valid_from.isoformat(), "valid_until": info.valid_until.isoformat()}  # fmt: skip


def exchange_points(store: Store, actor: Actor, member_id: str, type_code: str) -> CouponInfo:
    """积分兑券 at the till: the member gives the program's points for a coupon."""
    from .checkout import sale_member, save_member  # which imports this module

    with store.write() as uow:
        program = ensure_program(uow).program
        offer = next((x for x in program.coupons.exchange if x.coupon == type_code), None)
        if offer is None:
            raise DomainError("coupon.no_exchange", code=type_code)
        ctype = coupon_type(program, type_code)
        member = sale_member(uow.session, member_id)
        shop = shop_info(uow.session)
        today = uow.today(shop.timezone)
        expire_due_in(uow, program, member, today, shop.language)  # not spent once expired
        # Points other stores may be spending too: the chain's offline limit holds here as well.
        check_chain_spend(uow.session, member, points=offer.points, wallet=0, now=uow.now,
                          today=today)  # fmt: skip
        info = issue_in(uow, ctype, member_id=member_id, source="exchange", staff_name=actor.name)
        post_points(uow, member, -offer.points, "coupon", today, note=f"{ctype.name} {info.id}")
        save_member(uow.session, member)
        return info


_USED_BY = (
    "SELECT c.id, c.valid_until, c.status FROM coupon_events e JOIN coupons c ON c.id = e.coupon_id"
    " WHERE e.sale_id = ? AND e.kind = 'redeem'"
)


def return_in(
    uow: UnitOfWork, program: Program, sale_id: str, refund_id: str, fully_refunded: bool,
    today: date, store_code: str,
) -> str | None:  # fmt: skip
    """Give the sale's coupon back after a full refund, while it is still valid and the
    program says so; returns its serial (None: nothing given back)."""
    if not fully_refunded or not program.coupons.refund_returns:
        return None
    found = raw_connection(uow.session).execute(_USED_BY, (sale_id,)).fetchone()
    if found is None or found[2] != "redeemed" or date.fromisoformat(str(found[1])) < today:
        return None
    record_event(uow, found[0], "return", today, sale_id=sale_id, refund_id=refund_id)
    uow.emit("coupon.returned", found[0], {"id": found[0], "store_code": store_code,
                                           "sale_id": sale_id, "refund_id": refund_id,
                                           "business_date": today.isoformat()})  # fmt: skip
    return found[0]


__all__ = ["KIND", "CouponOnSale", "apply_coupon", "check_coupon", "coupon_payload", "redeem_in",
           "return_in"]  # fmt: skip

"""Issuing coupons: by the program's rules, by a manager, or to a follow-up list.

Each coupon is issued inside the transaction of what earned it (the joining, the sale
that lifted the tier or crossed a spend, the points given for it), with its ledger row
and its outbox row; a manager's issue and a campaign are transactions of their own,
audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from ..errors import DomainError
from ..i18n import Message
from ..loyalty.coupon_rules import CouponRules, CouponType, coupon_terms
from ..loyalty.program import Program
from ..loyalty.program_store import ensure_program
from ..shop.details import ensure_terminal_id, next_counter, read_setting, shop_info
from ..shop.staff import Actor, require
from ..store.database import Store
from ..store.models import Coupon, CouponEvent, Member, new_id
from ..store.statements import raw_connection
from ..store.uow import UnitOfWork
from .codes import MAX_24, CouponTerms, encode, member_tag, serial_of, stated_cap
from .keys import signing_key

COUPONS, EVENTS = Coupon.__table__, CouponEvent.__table__
SOURCES = ("join", "birthday", "tier_up", "spend", "exchange", "campaign", "manager", "chain")
MAX_AT_ONCE = 5000  # coupons one manager's issue or one campaign may hand out


@dataclass(frozen=True)
class CouponInfo:
    id: str
    code: str
    type_code: str
    name: str
    kind: str
    value: int
    min_spend: int
    member_id: str | None
    source: str
    campaign: str
    valid_from: date
    valid_until: date
    status: str

    def terms(self, rules: CouponRules) -> Message:
        """What it gives, in words, with the cap its code states (one issued before codes
        stated caps: its type's in `rules`, the program in force)."""
        return coupon_terms(self.kind, self.value, self.min_spend, self.cap(rules))

    def cap(self, rules: CouponRules) -> int:
        return stated_cap(self.code, self.kind, rules.cap(self.type_code, self.kind))


def _info(row: dict[str, Any]) -> CouponInfo:
    return CouponInfo(**{k: row[k] for k in CouponInfo.__dataclass_fields__})


def validity(ctype: CouponType, today: date) -> tuple[date, date]:
    """From when to when a coupon of `ctype` issued `today` is good (both days included)."""
    start = max(today, ctype.valid_from) if ctype.valid_from else today
    ends = [start + timedelta(days=ctype.valid_days - 1)] if ctype.valid_days else []
    if ctype.valid_until:
        ends.append(ctype.valid_until)
    return start, min(ends)


def issue_in(
    uow: UnitOfWork, ctype: CouponType, *, member_id: str | None, source: str,
    campaign: str = "", staff_name: str = "",
) -> CouponInfo:  # fmt: skip
    """Issue one coupon of `ctype` inside the caller's transaction."""
    s = uow.session
    shop = shop_info(s)
    today = uow.today(shop.timezone)
    start, end = validity(ctype, today)
    if end < today:
        raise DomainError("coupon.type_ended", name=ctype.name, day=end.isoformat())
    if max(ctype.value, ctype.min_spend_fen, ctype.max_off_fen) > MAX_24:
        raise DomainError("coupon.too_large", name=ctype.name)
    terminal_id = shop.terminal_id or ensure_terminal_id(uow)
    key_id, secret = signing_key(terminal_id, syncs=bool(read_setting(s, "sync.url")))
    prefix, seq = int(shop.card_prefix), next_counter(s, "coupon.seq")
    terms = CouponTerms(
        key_id=key_id, prefix=prefix, seq=seq, type_code=ctype.code, kind=ctype.kind,
        value=ctype.value, min_spend=ctype.min_spend_fen, valid_from=start, valid_until=end,
        member_tag=member_tag(member_id),
        max_off=ctype.max_off_fen if ctype.kind == "percent" else None,
    )  # fmt: skip
    row = {
        "id": serial_of(prefix, seq), "code": encode(terms, secret), "type_code": ctype.code,
        "name": ctype.name, "kind": ctype.kind, "value": ctype.value,
        "min_spend": ctype.min_spend_fen, "member_id": member_id, "source": source,
        "campaign": campaign[:40], "issued_at": uow.now, "valid_from": start, "valid_until": end,
        "status": "outstanding",
    }  # fmt: skip
    uow.insert(COUPONS, row)
    record_event(uow, row["id"], "issue", today, staff_name=staff_name)
    uow.emit("coupon.issued", row["id"], coupon_payload(row, shop.store_code))
    return _info(row)


def coupon_payload(row: dict[str, Any], store_code: str) -> dict[str, Any]:
    return {
        "id": row["id"], "code": row["code"], "store_code": store_code,
        "type_code": row["type_code"], "name": row["name"], "kind": row["kind"],
        "value": row["value"], "min_spend": row["min_spend"], "member_id": row["member_id"],
        "source": row["source"], "campaign": row["campaign"],
        "valid_from": row["valid_from"].isoformat(), "valid_until": row["valid_until"].isoformat(),
    }  # fmt: skip


def record_event(
    uow: UnitOfWork, coupon_id: str, kind: str, today: date, *, sale_id: str | None = None,
    refund_id: str | None = None, off: int = 0, staff_name: str = "", reported: bool = True,
) -> None:  # fmt: skip
    """Append to the coupon ledger and move the coupon's status with it."""
    uow.insert(EVENTS, {"id": new_id(), "coupon_id": coupon_id, "kind": kind, "at": uow.now,
                        "business_date": today, "sale_id": sale_id, "refund_id": refund_id,
                        "off": off, "staff_name": staff_name[:40], "reported": reported})  # fmt: skip
    if kind != "issue":  # written at once (never inside a ``rows()`` block): the row exists
        raw_connection(uow.session).execute(
            "UPDATE coupons SET status = ? WHERE id = ?", (STATUS_AFTER[kind], coupon_id)
        )


STATUS_AFTER = {"issue": "outstanding", "redeem": "redeemed", "return": "outstanding",
                "expire": "expired"}  # fmt: skip


def issue_by_rule(
    uow: UnitOfWork, program: Program, rule: str, member_id: str, *, code: str | None = None
) -> CouponInfo | None:
    """The coupon a rule of the program gives (`join`, `birthday`, `tier_up`; `spend` and
    `exchange` name their type), or None when the program gives none."""
    rules = program.coupons
    if code is None:
        code = {"join": rules.on_join, "birthday": rules.on_birthday,
                "tier_up": rules.on_tier_up}.get(rule)  # fmt: skip
    ctype = rules.type(code)
    if ctype is None:
        return None
    try:
        return issue_in(uow, ctype, member_id=member_id, source=rule)
    except DomainError as exc:
        if exc.code in ("coupon.type_ended", "coupon.no_key"):
            return None  # a campaign that ended, or a till not yet given the chain's key
        raise


def spend_rewards(
    uow: UnitOfWork, program: Program, member_id: str, before: int, after: int
) -> list[CouponInfo]:
    """The coupons of each spend threshold a sale took the member's lifetime spend across
    for the first time: a return lowers the lifetime spend, and buying again crosses the
    same threshold again without earning its coupon twice."""
    out = []
    given: dict[str, int] | None = None
    for reward in program.coupons.on_spend:
        if not before < reward.spend_fen <= after:
            continue
        if given is None:  # only read when a threshold is crossed: most sales cross none
            given = dict(raw_connection(uow.session).execute(_SPEND_GIVEN, (member_id,)).fetchall())
        # The thresholds below this one that give the same coupon had theirs first.
        rank = sum(1 for r in program.coupons.on_spend
                   if r.coupon == reward.coupon and r.spend_fen < reward.spend_fen)  # fmt: skip
        if given.get(reward.coupon, 0) > rank:
            continue
        found = issue_by_rule(uow, program, "spend", member_id, code=reward.coupon)
        if found is not None:
            out.append(found)
            given[reward.coupon] = given.get(reward.coupon, 0) + 1
    return out


# How many coupons of each type the member's lifetime spend has given them so far.
_SPEND_GIVEN = (
    "SELECT type_code, count(*) FROM coupons WHERE member_id = ? AND source = 'spend'"
    " GROUP BY type_code"
)


def coupon_type(program: Program, type_code: str) -> CouponType:
    ctype = program.coupons.type(type_code)
    if ctype is None:
        raise DomainError("coupon.type_unknown", code=type_code)
    return ctype


def issue_coupons(
    store: Store, actor: Actor, type_code: str, member_ids: Sequence[str | None], *,
    campaign: str = "", source: str = "manager", authoriser: Actor | None = None,
) -> list[CouponInfo]:  # fmt: skip
    """A manager's issue: one coupon per entry of `member_ids` (None: to the bearer)."""
    if not member_ids:
        raise DomainError("coupon.none_to_issue")
    if len(member_ids) > MAX_AT_ONCE:
        raise DomainError("coupon.too_many", most=MAX_AT_ONCE)
    with store.write() as uow:
        allowed_by = require(actor, "coupon_issue", authoriser)
        ctype = coupon_type(ensure_program(uow).program, type_code)
        _check_members(uow.session, [m for m in member_ids if m])
        issued = [issue_in(uow, ctype, member_id=m, source=source, campaign=campaign,
                           staff_name=actor.name) for m in member_ids]  # fmt: skip
        uow.audit("coupon.issue", staff_id=actor.staff_id, staff_name=actor.name,
                  authorised_by=None if allowed_by is actor else allowed_by.name,
                  target=campaign or type_code,
                  detail={"type": type_code, "count": len(issued), "source": source,
                          "first": issued[0].id, "last": issued[-1].id})  # fmt: skip
        return issued


def _check_members(s: Session, member_ids: Iterable[str]) -> None:
    for member_id in set(member_ids):
        m = s.get(Member, member_id)
        if m is None:
            raise DomainError("member.not_found")
        if m.status == "cancelled":
            raise DomainError("member.cancelled", name=m.name)

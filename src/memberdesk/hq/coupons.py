"""Coupons at head office: the chain's signing key, each coupon step the tills send, and
the coupons redeemed twice.

Every till signs and verifies coupons offline with the chain's key, which HQ makes once
and hands to each till at its handshake (over the terminal's authenticated connection).
A till enforces single use at once; two tills cut off from HQ can still both take the
same coupon, and HQ lists that here (`memberdesk-hq problems`) — the same coupon with
two redemptions and no refund giving it back between them.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..core.coupons.codes import CouponTerms, read_terms
from ..core.errors import DomainError
from .db import writer
from .models import chain_settings, coupon_events
from .projections import Plan, Source, _day, _id, _int, _money, _text
from .rejections import invalid

KEY_SETTING = "coupon_key"
KINDS = {"coupon.issued": "issued", "coupon.redeemed": "redeemed",
         "coupon.returned": "returned", "coupon.expired": "expired"}  # fmt: skip
COUPON_KINDS = ("amount", "percent", "threshold", "gift")
MAX_VALUE = 2**24 - 1  # what a code can carry (core/coupons/codes.py)


def coupon_key(engine: Engine, now: datetime) -> dict[str, Any]:
    """The chain's coupon key {"id", "secret"} (hex), made the first time it is asked for."""
    with engine.connect() as conn:
        found = conn.execute(select(chain_settings.c.value)
                             .where(chain_settings.c.key == KEY_SETTING)).scalar()  # fmt: skip
    if found:
        return found
    key = {"id": 1, "secret": secrets.token_hex(32)}
    with writer(engine).begin() as conn:
        insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        conn.execute(insert(chain_settings).values(key=KEY_SETTING, value=key, updated_at=now)
                     .on_conflict_do_nothing(index_elements=[chain_settings.c.key]))  # fmt: skip
        return conn.execute(select(chain_settings.c.value)
                            .where(chain_settings.c.key == KEY_SETTING)).scalar_one()  # fmt: skip


def _terms(p: dict) -> dict[str, Any]:
    code = _text(p, "code", 96, required=True)
    if not code.startswith("CP") or not code[2:].isalnum():
        raise invalid("code", "type")
    kind = _text(p, "kind", 10, required=True)
    if kind not in COUPON_KINDS:
        raise invalid("kind", "unknown_kind")
    for key in ("valid_from", "valid_until"):
        try:
            date.fromisoformat(p.get(key))
        except (TypeError, ValueError):
            raise invalid(key, "type") from None
    return {"code": code, "type_code": _text(p, "type_code", 8, required=True), "kind": kind,
            "value": _int(p, "value", 0, MAX_VALUE), "min_spend": _int(p, "min_spend", 0, MAX_VALUE),
            "valid_from": p["valid_from"], "valid_until": p["valid_until"]}  # fmt: skip


def _plan(kind: str) -> Callable[[dict, Source], Plan]:
    def take(p: dict, source: Source) -> Plan:
        coupon_id = _text(p, "id", 24, required=True)
        data: dict[str, Any] = {}
        if kind in ("issued", "redeemed"):
            data = _terms(p)
        if kind == "issued":
            data["member_id"] = _id(p, "member_id", optional=True)
            data["name"] = _text(p, "name", 40)
            data["source"] = _text(p, "source", 12)
            data["campaign"] = _text(p, "campaign", 40)
        row = {
            "terminal_id": source.ctx.terminal_id, "coupon_id": coupon_id, "kind": kind,
            "store_code": source.ctx.store_code,
            "business_date": _day(p, source) if "business_date" in p else source.created_at.date(),
            "sale_id": _id(p, "sale_id", optional=True), "refund_id": _id(p, "refund_id", optional=True),
            "off": _money(p, "off", 0), "data": data, "epoch": source.ctx.epoch, "seq": source.seq,
        }  # fmt: skip
        if kind == "redeemed" and row["sale_id"] is None:
            raise invalid("sale_id", "missing")
        # A redemption or return is of the store's own sale; an issue for a member it may touch.
        touches = [("sale", row["sale_id"])] if row["sale_id"] else []
        if data.get("member_id"):
            touches.append(("member", data["member_id"]))
        if data.get("member_id"):
            return Plan([(coupon_events, row)], touches, needs_member=data["member_id"])
        return Plan(
            [(coupon_events, row)], touches, coupon_of=None if kind == "issued" else coupon_id
        )

    return take


COUPON_PROJECTORS = {event: _plan(kind) for event, kind in KINDS.items()}
CHUNK = 500  # serials per IN (…) list


def issued_to(conn: Connection, serials: list[str]) -> dict[str, str]:
    """The member each of these coupons was issued to, of those HQ holds an issue naming
    one for (issues a rebase superseded left out): a step on such a coupon touches that
    member, so another store's till takes it only while membership is chain-wide."""
    found: dict[str, str] = {}
    wanted = sorted(set(serials))
    for i in range(0, len(wanted), CHUNK):
        rows = conn.execute(
            select(coupon_events.c.coupon_id, coupon_events.c.data)
            .where(coupon_events.c.coupon_id.in_(wanted[i : i + CHUNK]),
                   coupon_events.c.kind == "issued", coupon_events.c.superseded.is_(False))
        )  # fmt: skip
        for coupon_id, data in rows:
            member = (data or {}).get("member_id")
            if isinstance(member, str) and member:
                found[coupon_id] = member
    return found


@dataclass(frozen=True)
class CouponTwice:
    """A coupon redeemed more often than it was given back plus once."""

    coupon_id: str
    uses: list[tuple[str, str, str | None, date]]  # (store, terminal, sale, day) of each use


def coupons_used_twice(conn: Connection, store: str | None = None) -> list[CouponTwice]:
    rows = conn.execute(
        select(coupon_events.c.coupon_id, coupon_events.c.kind, coupon_events.c.store_code,
               coupon_events.c.terminal_id, coupon_events.c.sale_id, coupon_events.c.business_date)
        .where(coupon_events.c.kind.in_(("redeemed", "returned")),
               coupon_events.c.superseded.is_(False))
        .order_by(coupon_events.c.coupon_id, coupon_events.c.business_date)
    ).all()  # fmt: skip
    by_coupon: dict[str, list] = {}
    for r in rows:
        by_coupon.setdefault(r.coupon_id, []).append(r)
    out = []
    for coupon_id, steps in by_coupon.items():
        uses = [s for s in steps if s.kind == "redeemed"]
        if len(not_given_back(steps)) > 1 and (
            store is None or any(u.store_code == store for u in uses)
        ):
            out.append(CouponTwice(coupon_id, [(u.store_code, u.terminal_id, u.sale_id,
                                                u.business_date) for u in uses]))  # fmt: skip
    return out


@dataclass(frozen=True)
class CouponUse:
    store_code: str
    terminal_id: str
    sale_id: str | None
    business_date: date


def coupon_uses(conn: Connection, coupon_id: str) -> list[CouponUse]:
    """The uses of a coupon HQ holds that no refund gave back, the latest last: what a
    till asks before taking a coupon it has not seen used (`GET /v1/coupons/{serial}`).
    Once HQ holds the coupon's issue, a use whose code states other terms is no use of it:
    a till holding the chain's key can sign any serial anew, and would otherwise make the
    coupon look used to the till that issued it (`memberdesk-hq problems` lists that use)."""
    steps = conn.execute(
        select(coupon_events.c.kind, coupon_events.c.store_code, coupon_events.c.terminal_id,
               coupon_events.c.sale_id, coupon_events.c.business_date, coupon_events.c.data)
        .where(coupon_events.c.coupon_id == coupon_id,
               coupon_events.c.kind.in_(("redeemed", "returned", "issued")),
               coupon_events.c.superseded.is_(False))
        .order_by(coupon_events.c.business_date)
    ).all()  # fmt: skip
    issued = [terms_of((s.data or {}).get("code")) for s in steps if s.kind == "issued"]
    if issued:
        steps = [s for s in steps if s.kind != "redeemed"
                 or any(same_terms(terms_of((s.data or {}).get("code")), it) for it in issued)]  # fmt: skip
    return [CouponUse(s.store_code, s.terminal_id, s.sale_id, s.business_date)
            for s in not_given_back([s for s in steps if s.kind != "issued"])]  # fmt: skip


def not_given_back(steps: list[Any]) -> list[Any]:
    """The redemptions among a coupon's steps (oldest first) that no return gave back. A
    return gives back a use of its own store — the refund of that store's sale, the one it
    names when it names one —: another store's "return" gives back nothing, or a store
    could make a coupon used elsewhere look unused to every till, and hide its own second
    use from `memberdesk-hq problems`."""
    uses = [s for s in steps if s.kind == "redeemed"]
    for r in (s for s in steps if s.kind == "returned"):
        for i, u in enumerate(uses):
            if u.store_code == r.store_code and (r.sale_id is None or u.sale_id == r.sale_id):
                del uses[i]
                break
    return uses


def terms_of(code: str | None) -> CouponTerms | None:
    try:
        return read_terms(code or "")[0]
    except DomainError:
        return None


def same_terms(a: CouponTerms | None, b: CouponTerms | None) -> bool:
    """Whether two codes state the same coupon: serial, type, kind, value, minimum spend,
    validity, member and (where the code states one) cap; the key that signed it aside."""
    if a is None or b is None:
        return False
    return (a.prefix, a.seq, a.type_code, a.kind, a.value, a.min_spend, a.valid_from,
            a.valid_until, a.member_tag, a.max_off) == (
        b.prefix, b.seq, b.type_code, b.kind, b.value, b.min_spend, b.valid_from,
        b.valid_until, b.member_tag, b.max_off)  # fmt: skip

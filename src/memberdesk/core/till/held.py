"""Held sales (挂单): a sale put aside before it is paid, kept in the database.

A held sale keeps its lines (with their discounts and who approved them), the member,
a gift chosen for points and a whole-sale discount; it survives logging out and a
restart, and any staff member at this till may recall it (the list says who held it
and when). Payment is not kept: points, stored value and tenders are taken after the
sale is recalled, when the member's balances are read again.

A held sale is not a sale: it has no receipt number, writes no ledger entry and is not
sent to head office — the customer it waits for is at this counter, and a sale that
is completed after the recall is recorded and synced as any other. Recalling deletes
the row; putting the sale on screen aside while recalling another is the same
transaction, so nothing is lost between the two.

What was put aside is sealed all the same: holding writes an audit log entry with the
digest of the held row (store/journal.py `held_digest`; the audit log is a hash chain),
and recalling or removing it writes another. A held sale that is no longer what was
sealed — its prices lowered, its discount or approver or member changed in the file, or
one written in, or put back after its recall — is not taken back (its manager-approved
discount would be given again without the manager) and `check` names it; a manager or
the owner removes it from the list. A held sale deleted in the file (its last entry its
hold, its row gone: the money taken, the sale never rung up) is named by `check` too,
with the amount its hold recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..clock import from_utc_naive
from ..errors import DomainError
from ..i18n import N_
from ..money import MAX_FEN, whole
from ..shop.details import shop_info
from ..shop.staff import Actor, approver_again, require
from ..store.database import Store
from ..store.journal import HELD_ACTIONS, HELD_DISCARD, HELD_HOLD, HELD_RECALL, held_digest
from ..store.models import HeldSale, Member
from ..store.statements import raw_connection
from ..store.uow import UnitOfWork
from .checkout import CheckoutRequest, SaleLineInput, quote_in
from .manual import ManualDiscount, as_json, from_json

MAX_HELD = 200  # a till with more put aside has lost track of them


@dataclass(frozen=True)
class HeldSummary:
    """One row of the recall list."""

    id: str
    held_at: datetime  # the shop's wall clock
    staff_name: str
    member_name: str  # "" for a walk-in customer
    amount: int  # fen, as priced when it was held
    line_count: int


@dataclass(frozen=True)
class HeldDraft:
    """A recalled sale: what to put back on the till."""

    id: str
    request: CheckoutRequest  # lines, member, gift, whole-sale discount
    staff_name: str
    lapsed_approvals: int = 0  # discounts whose approver may no longer approve: ask again


def hold_sale(
    store: Store, actor: Actor, req: CheckoutRequest, *, shift_id: str | None = None
) -> HeldSummary:
    """Put the sale on screen aside; returns how it reads in the recall list."""
    with store.write() as uow:
        return _hold(uow, actor, req, shift_id)


def _hold(uow: UnitOfWork, actor: Actor, req: CheckoutRequest, shift_id: str | None) -> HeldSummary:
    s = uow.session
    if not req.lines and req.member_id is None and req.gift_code is None:
        raise DomainError("held.empty")
    if (s.scalar(select(func.count()).select_from(HeldSale)) or 0) >= MAX_HELD:
        raise DomainError("held.too_many", most=MAX_HELD)
    member_name = ""
    if req.member_id is not None:
        member = s.get(Member, req.member_id)
        if member is None:
            raise DomainError("member.not_found")
        member_name = member.name
    row = HeldSale(
        held_at=uow.now, staff_id=actor.staff_id, staff_name=actor.name, shift_id=shift_id,
        member_id=req.member_id, member_name=member_name, amount=_amount(s, uow, req),
        line_count=len(req.lines), sale=request_json(req),
    )  # fmt: skip
    s.add(row)
    s.flush()
    # The seal, and how much it came to: were the row deleted in the file, `check` says what
    # went missing (the entry itself says when and by whom).
    uow.audit(HELD_HOLD, staff_id=actor.staff_id, staff_name=actor.name, target=row.id,
              detail={"digest": held_digest(_values(row)), "amount": row.amount})  # fmt: skip
    uow.touched("held.changed", row.id)
    return _summary(row, shop_info(s).timezone)


def _values(row: HeldSale) -> dict[str, Any]:
    return {
        "id": row.id, "held_at": row.held_at, "staff_id": row.staff_id,
        "staff_name": row.staff_name, "shift_id": row.shift_id, "member_id": row.member_id,
        "member_name": row.member_name, "amount": row.amount, "line_count": row.line_count,
        "sale": row.sale,
    }  # fmt: skip


# The last audit entry of a held sale: its hold, or its recall or removal. Read from the
# newest entry back: a held sale is taken back within the day, a few entries ago.
_LAST_ENTRY = (
    f"SELECT action, detail FROM audit_log WHERE target = ? AND action IN "
    f"({', '.join(repr(a) for a in HELD_ACTIONS)}) ORDER BY id DESC LIMIT 1"
)


def as_sealed(s: Session, row: HeldSale) -> bool:
    """Whether the held row is what its hold sealed (and has not been taken back since)."""
    last = raw_connection(s).execute(_LAST_ENTRY, (row.id,)).fetchone()
    if last is None or last[0] != HELD_HOLD:
        return False
    try:
        sealed = json.loads(last[1]).get("digest")
    except (AttributeError, TypeError, ValueError):
        return False
    return sealed == held_digest(_values(row))


def _amount(s: Session, uow: UnitOfWork, req: CheckoutRequest) -> int:
    """What the sale came to when it was held (the plain sum if it cannot be priced now)."""
    try:
        return quote_in(s, uow.now, req).pricing.total_fen if req.lines else 0
    except DomainError:
        return whole(sum(ln.unit_price * ln.quantity for ln in req.lines), N_("the amount"),
                     limit=MAX_FEN)  # fmt: skip


def held_sales(store: Store) -> list[HeldSummary]:
    """Every sale put aside at this till, oldest first."""
    with store.read() as s:
        tz = shop_info(s).timezone
        rows = s.scalars(select(HeldSale).order_by(HeldSale.held_at, HeldSale.id))
        return [_summary(r, tz) for r in rows]


def count_held(store: Store, staff_id: str | None = None) -> int:
    """How many sales are put aside (by `staff_id`, when given)."""
    with store.read() as s:
        q = select(func.count()).select_from(HeldSale)
        if staff_id is not None:
            q = q.where(HeldSale.staff_id == staff_id)
        return int(s.scalar(q) or 0)


def recall_held(
    store: Store, actor: Actor, held_id: str, *, swap: CheckoutRequest | None = None,
    shift_id: str | None = None,
) -> HeldDraft:  # fmt: skip
    """Take a held sale back (its row is deleted); `swap`: the sale on screen, put aside in
    the same transaction."""
    with store.write() as uow:
        s = uow.session
        row = s.get(HeldSale, held_id)
        if row is None:
            raise DomainError("held.gone")
        if not as_sealed(s, row):
            raise DomainError("held.altered")
        req, lapsed = request_from_json(s, row.sale)
        draft = HeldDraft(row.id, req, row.staff_name, lapsed)
        s.delete(row)
        s.flush()
        uow.audit(HELD_RECALL, staff_id=actor.staff_id, staff_name=actor.name, target=held_id)
        uow.touched("held.changed", held_id)
        if swap is not None and (swap.lines or swap.member_id or swap.gift_code):
            _hold(uow, actor, swap, shift_id)
        return draft


def discard_held(
    store: Store, actor: Actor, held_id: str, *, authoriser: Actor | None = None
) -> None:
    """Remove a held sale from the list (the customer left). Anyone at the till may, as
    they may recall it and clear the screen; one no longer as it was sealed (changed or
    written in outside memberdesk) only with a manager's or the owner's authority, so that
    it cannot disappear unseen. The removal is written in the audit log."""
    with store.write() as uow:
        s = uow.session
        row = s.get(HeldSale, held_id)
        if row is None:
            raise DomainError("held.gone")
        altered = not as_sealed(s, row)
        allowed_by = require(actor, "held_discard", authoriser) if altered else actor
        detail = {"amount": row.amount, "line_count": row.line_count, "altered": altered}
        s.delete(row)
        s.flush()
        uow.audit(HELD_DISCARD, staff_id=actor.staff_id, staff_name=actor.name, target=held_id,
                  authorised_by=None if allowed_by is actor else allowed_by.name,
                  detail=detail)  # fmt: skip
        uow.touched("held.changed", held_id)


def _summary(row: HeldSale, tz: str) -> HeldSummary:
    local = from_utc_naive(row.held_at).astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    return HeldSummary(row.id, local, row.staff_name, row.member_name, row.amount, row.line_count)


# ------------------------------------------------------------------ kept as JSON


def request_json(req: CheckoutRequest) -> dict[str, Any]:
    return {
        "lines": [
            {"description": ln.description, "unit_price": ln.unit_price, "quantity": ln.quantity,
             "category": ln.category, "no_discount": ln.no_discount, "price_typed": ln.price_typed,
             "manual": as_json(ln.manual),
             **({"item_id": ln.item_id, "item_code": ln.item_code, "member_price": ln.member_price,
                 "earns_points": ln.earns_points} if ln.item_id else {})}
            for ln in req.lines
        ],
        "member_id": req.member_id, "gift_code": req.gift_code,
        "sale_discount": as_json(req.sale_discount), "coupon": req.coupon,
    }  # fmt: skip


def request_from_json(s: Session, data: dict[str, Any]) -> tuple[CheckoutRequest, int]:
    """The kept request, its approvals believed again where the approver still may approve
    (`approver_again`); returns how many lapsed."""
    lapsed = 0

    def discount(kept: Any) -> ManualDiscount | None:
        nonlocal lapsed
        d, approver = from_json(kept)
        if d is None or not approver:
            return d
        again = approver_again(s, approver.get("id"))
        if again is None:
            lapsed += 1
            return d
        return d.approved(again)

    try:
        lines = tuple(
            SaleLineInput(str(ln["description"]), int(ln["unit_price"]), int(ln["quantity"]),
                          str(ln.get("category") or ""), bool(ln.get("no_discount")),
                          manual=discount(ln.get("manual")), price_typed=bool(ln.get("price_typed")),
                          item_id=ln.get("item_id") or None, item_code=str(ln.get("item_code") or ""),
                          member_price=(None if ln.get("member_price") is None
                                        else int(ln["member_price"])),
                          earns_points=bool(ln.get("earns_points", True)))
            for ln in data.get("lines", ())
        )  # fmt: skip
        req = CheckoutRequest(
            lines=lines, member_id=data.get("member_id"), gift_code=data.get("gift_code"),
            sale_discount=discount(data.get("sale_discount")),
            coupon=str(data["coupon"]) if data.get("coupon") else None,
        )  # fmt: skip
    except (KeyError, TypeError, ValueError) as exc:
        raise DomainError("held.unreadable") from exc
    return req, lapsed

"""The sale on the till, kept beside the shop's file as it is rung up, so a crash, a power
cut or a killed program loses none of it.

Logging out and closing the window already put an unfinished sale on hold (held.py). What
they cannot cover is the program stopping unasked: the lines, the member and the discounts
on screen lived only in memory. So every change to the sale on screen is written, whole,
to ``<file>.open-sale.json`` (a new file renamed over the old one and flushed to the disk:
it is the old sale or the new, never half of one), and the file goes when the sale is
completed, voided or held. At the next log-in a file still there is a sale the till never
finished: it is put on hold (one transaction, sealed as any hold) and the cashier is told
to take it back with F8.

Nothing in the file is believed beyond what a held sale would be: a discount a manager
approved is recovered without the approval (the till asks for it again when the sale is
completed: a file anyone can write approves nothing), goods are at the catalogue's prices
whatever the file says (a price changed on the till is a discount, asked for again), and a
line naming no item the till holds is a price typed by hand. Completing a sale removes the file before the sale is written, so a crash in
between never brings back a sale already paid for (it may lose that one sale's lines).
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ..errors import DomainError
from ..shop.staff import Actor
from ..store.database import Store
from ..store.models import Item
from .checkout import CheckoutRequest, SaleLineInput
from .held import HeldSummary, _hold, request_from_json, request_json

SUFFIX = ".open-sale.json"
VERSION = 1


@dataclass(frozen=True)
class Recovered:
    """A sale the till never finished, now on hold."""

    held: HeldSummary
    cashier: str  # who was ringing it up
    saved_at: datetime  # when it was last changed (UTC)


def open_sale_path(store: Store) -> Path:
    return store.path.with_name(store.path.name + SUFFIX)


def keep_open_sale(store: Store, actor: Actor, req: CheckoutRequest) -> None:
    """Write the sale on screen (the lines, member, gift, discounts and coupon a hold keeps).
    A member looked up with nothing to sell them (their points asked about) is no sale:
    nothing is kept, so a stop leaves no empty sale on hold."""
    if not worth_keeping(req):
        drop_open_sale(store)
        return
    data = {
        "version": VERSION, "staff_id": actor.staff_id, "staff_name": actor.name,
        "saved_at": datetime.now(UTC).isoformat(), "sale": request_json(req),
    }  # fmt: skip
    path = open_sale_path(store)
    part = path.with_name(path.name + ".part")
    with open(part, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False)
        out.flush()
        os.fsync(out.fileno())
    os.replace(part, path)


def worth_keeping(req: CheckoutRequest) -> bool:
    """Whether a sale on the till holds anything to sell: goods, or a gift for points."""
    return bool(req.lines) or req.gift_code is not None


def drop_open_sale(store: Store) -> None:
    with contextlib.suppress(FileNotFoundError):
        open_sale_path(store).unlink()


def _without_approvals(sale: dict[str, Any]) -> dict[str, Any]:
    """The kept sale with every discount's approver left out: asked for again."""

    def plain(kept: Any) -> Any:
        return {**kept, "approved_by": None} if isinstance(kept, dict) else kept

    lines = [
        {**ln, "manual": plain(ln.get("manual"))} if isinstance(ln, dict) else ln
        for ln in sale.get("lines") or ()
    ]
    return {**sale, "lines": lines, "sale_discount": plain(sale.get("sale_discount"))}


def _as_listed(s: Session, line: SaleLineInput) -> SaleLineInput:
    """A line of goods at the catalogue's prices, not the file's (a lower price on an item
    is a price change a manager approves); a line naming no item the till holds is a price
    typed by hand, as the cashier may type one."""
    if not line.item_id:
        return line
    item = s.get(Item, line.item_id)
    if item is None:
        return replace(line, item_id=None, item_code="", member_price=None, price_typed=True)
    return replace(line, unit_price=item.price, member_price=item.member_price, price_typed=False)


def recover_open_sale(
    store: Store, actor: Actor, *, shift_id: str | None = None
) -> Recovered | None:
    """Put a sale the till never finished on hold, as `actor` (who logged in since); None when
    there is none. A file that cannot be read is kept aside (``….unreadable``) and refused
    with ``held.unreadable``: it is never silently dropped."""
    path = open_sale_path(store)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(raw)
        sale = _without_approvals(data["sale"])
        cashier = str(data.get("staff_name") or "")
        saved_at = datetime.fromisoformat(data["saved_at"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        os.replace(path, path.with_name(path.name + ".unreadable"))
        raise DomainError("held.unreadable") from exc
    try:
        with store.write() as uow:
            req, _lapsed = request_from_json(uow.session, sale)
            req = replace(req, lines=tuple(_as_listed(uow.session, ln) for ln in req.lines))
            held = _hold(uow, actor, req, shift_id) if worth_keeping(req) else None
    except DomainError as exc:
        if exc.code in ("held.unreadable", "member.not_found"):
            os.replace(path, path.with_name(path.name + ".unreadable"))
        raise
    drop_open_sale(store)
    if held is None:
        return None
    return Recovered(held, cashier, saved_at)

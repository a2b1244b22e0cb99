"""Gifts for spend at the till (购物满额赠礼): what a sale earns, counted out of the gift
catalogue's stock inside the sale's own transaction (core/loyalty/spend_gifts.py has the
rules; the gift slip the till prints for a gift is the hand-over slip)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from ..loyalty.program import Program
from ..loyalty.spend_gifts import gifts_earned, key, period_after, period_start
from ..store.models import GiftStock, Refund, Sale


def spend_gifts_for_sale(
    session: Session,
    program: Program,
    member_id: str | None,
    sale_total: int,
    today: date,
    moved: dict[str, GiftStock] | None = None,
) -> list[dict[str, Any]]:
    """The gifts for spend this sale earns, each counted out of its stock now. One whose
    stock has run out is listed with ``out_of_stock`` so the receipt says so, instead of
    promising a gift the shelf no longer has. The stock rows it counted go into `moved`."""
    if not program.spend_gifts:
        return []
    spend_before: dict[str, int] = {}
    given: set[str] = set()
    if member_id is not None:
        for period in {o.period for o in program.spend_gifts if o.period != "sale"}:
            in_period = (Sale.member_id == member_id,
                         Sale.business_date >= period_start(period, today))  # fmt: skip
            spend_before[period] = int(session.scalar(
                select(func.coalesce(func.sum(Sale.total - Sale.refunded_total), 0))
                .where(*in_period)
            ) or 0)  # fmt: skip
            for offer in program.spend_gifts:
                mark = f"|{key(offer)}|"
                taken_back = exists().where(  # a refund took the gift back: it may be earned again
                    Refund.sale_id == Sale.id,
                    func.instr(func.json_extract(Refund.details, "$.gift_keys_back"), mark) > 0,
                )
                if offer.period == period and session.scalar(
                    select(Sale.id)
                    .where(*in_period, func.instr(func.json_extract(Sale.details, "$.spend_gift_keys"),
                                                  mark) > 0, ~taken_back)
                    .limit(1)
                ):  # fmt: skip
                    given.add(key(offer))
    earned = []
    for offer in gifts_earned(program, sale_total, spend_before, given):
        gift = program.gift(offer.gift_code)
        if gift is None:
            continue
        row = stock_row(session, gift.code, gift.stock)
        out = row is not None and row.remaining <= 0
        if row is not None and not out:
            row.remaining -= 1
            if moved is not None:
                moved[gift.code] = row
        earned.append({"code": gift.code, "name": gift.name, "key": key(offer),
                       "threshold": offer.threshold_fen, "period": offer.period,
                       "out_of_stock": out})  # fmt: skip
    return earned


def gifts_back(
    session: Session, program: Program, sale: Any, moved: dict[str, GiftStock] | None = None
) -> list[dict[str, Any]]:
    """The gifts for spend `sale` handed over that the goods the customer keeps no longer
    earn, once its refunded total is written: the cashier takes each back (the refund slip
    says which) and it goes back into its stock. A "sale" offer is judged on what is left
    of the sale; a period's on the member's net spend in the period of the sale. The stock
    rows it counted go into `moved`."""
    handed = [g for g in (sale.details or {}).get("spend_gifts", []) if not g.get("out_of_stock")]
    if not handed:
        return []
    earlier = "".join(
        d.get("gift_keys_back", "") if isinstance(d, dict) else ""
        for d in session.scalars(select(Refund.details).where(Refund.sale_id == sale.id))
    )
    back = []
    for g in handed:
        if f"|{g['key']}|" in earlier:
            continue  # taken back by an earlier refund of this sale
        period = g.get("period", "sale")
        start, after = (
            period_start(period, sale.business_date),
            period_after(period, sale.business_date),
        )
        if start is None or sale.member_id is None:
            spend = sale.total - sale.refunded_total
        else:
            spend = int(session.scalar(
                select(func.coalesce(func.sum(Sale.total - Sale.refunded_total), 0)).where(
                    Sale.member_id == sale.member_id, Sale.business_date >= start,
                    Sale.business_date < after)
            ) or 0)  # fmt: skip
        if spend >= g["threshold"]:
            continue
        gift = program.gift(g["code"])
        row = stock_row(session, g["code"], gift.stock if gift is not None else None)
        if row is not None:
            row.remaining += 1
            if moved is not None:
                moved[row.code] = row
        back.append(g)
    return back


def gift_keys(earned: list[dict[str, Any]]) -> str:
    """The offers a sale handed over, as its details keep them for the once-a-period test."""
    return "".join(f"|{g['key']}|" for g in earned if not g["out_of_stock"])


def stock_after(moved: dict[str, GiftStock]) -> dict[str, Any]:
    """What a sale's or a refund's journal row seals of the gift stock it moved: what each
    gift's count is after it (`memberdesk check` compares the count with the last sealed)."""
    return {"gift_stock": {code: row.remaining for code, row in moved.items()}} if moved else {}


def stock_row(session: Session, code: str, stock: int | None) -> GiftStock | None:
    """A counted gift's stock row (created from the catalogue on first use); None: not counted."""
    if stock is None:
        return None
    row = session.get(GiftStock, code)
    if row is None:
        row = GiftStock(code=code, remaining=stock)
        session.add(row)
    return row

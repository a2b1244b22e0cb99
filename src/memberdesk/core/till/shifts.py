"""Shifts and the shift close (交班): what came in and went out, by tender, and the cash count."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from ..errors import DomainError
from ..i18n import N_
from ..money import MAX_FEN, whole
from ..shop.staff import Actor
from ..store.database import Store
from ..store.models import AuditEntry, Member, Refund, Sale, SaleTender, Shift, Topup, new_id


@dataclass(frozen=True)
class ShiftSummary:
    shift_id: str
    cashier: str
    opened_at: datetime  # naive UTC
    closed_at: datetime | None
    opening_float: int
    sales_count: int
    sales_by_tender: dict[str, int]
    sales_total: int
    refunds_count: int
    refunds_by_tender: dict[str, int]
    topups_by_tender: dict[str, int]
    topup_bonus: int
    cashouts: int
    points_redeemed: int
    points_earned: int
    new_members: int
    expected_cash: int
    counted_cash: int | None = None
    difference: int | None = None
    next_shift_id: str | None = None
    extra: dict = field(default_factory=dict)


def open_shift(store: Store, actor: Actor, opening_float: int) -> str:
    whole(opening_float, N_("the opening float"), limit=MAX_FEN)
    if opening_float < 0:
        raise DomainError("amount.negative")
    with store.write() as uow:
        if uow.session.scalar(
            select(Shift.id).where(Shift.cashier_id == actor.staff_id, Shift.closed_at.is_(None))
        ):
            raise DomainError("shift.open", name=actor.name)
        shift = Shift(
            id=new_id(), cashier_id=actor.staff_id, opened_at=uow.now, opening_float=opening_float
        )
        uow.session.add(shift)
        uow.emit("shift.opened", shift.id, {"id": shift.id, "cashier": actor.name, "opening_float": opening_float,
                                            "opened_at": uow.now.isoformat()})  # fmt: skip
        return shift.id


def open_shift_of(store: Store, actor: Actor) -> str | None:
    with store.read() as s:
        return s.scalar(
            select(Shift.id).where(Shift.cashier_id == actor.staff_id, Shift.closed_at.is_(None))
        )


def summarise_shift(s, shift: Shift, until: datetime, cashier: str) -> ShiftSummary:
    window = (shift.opened_at, until)
    sales = select(Sale.id).where(
        Sale.cashier_id == shift.cashier_id,
        Sale.created_at >= window[0],
        Sale.created_at <= window[1],
    )
    by_tender = Counter(dict(s.execute(
        select(SaleTender.kind, func.sum(SaleTender.amount)).where(SaleTender.sale_id.in_(sales)).group_by(SaleTender.kind)
    ).all()))  # fmt: skip
    agg = s.execute(
        select(func.count(), func.coalesce(func.sum(Sale.total), 0), func.coalesce(func.sum(Sale.points_redeemed), 0),
               func.coalesce(func.sum(Sale.points_earned), 0)).where(Sale.id.in_(sales))
    ).one()  # fmt: skip
    refunds = list(
        s.scalars(
            select(Refund).where(
                Refund.cashier_id == shift.cashier_id,
                Refund.created_at >= window[0],
                Refund.created_at <= window[1],
            )
        )
    )
    refunds_by = Counter()
    for r in refunds:
        refunds_by.update(r.tenders)
    topups = s.execute(
        select(Topup.tender, func.sum(Topup.amount), func.sum(Topup.bonus))
        .where(
            Topup.cashier_id == shift.cashier_id,
            Topup.created_at >= window[0],
            Topup.created_at <= window[1],
        )
        .group_by(Topup.tender)
    ).all()
    topups_by = {t: int(a) for t, a, _ in topups}
    # Reversed top-ups give the money back in the original tender; cash-outs are paid
    # from the drawer. Both belong to the cashier who did them: their audit rows (written
    # with the ledger entry) say who, so two shifts open at once never count one twice.
    reversals = s.execute(
        select(Topup.tender, func.sum(Topup.amount))
        .join(AuditEntry, AuditEntry.target == Topup.receipt_no)
        .where(
            AuditEntry.action == "wallet.topup_reversal",
            AuditEntry.staff_id == shift.cashier_id,
            AuditEntry.at >= window[0],
            AuditEntry.at <= window[1],
        )
        .group_by(Topup.tender)
    ).all()
    for tender, amount in reversals:
        topups_by[tender] = topups_by.get(tender, 0) - int(amount)
    cashouts = int(s.scalar(
        select(func.coalesce(func.sum(func.json_extract(AuditEntry.detail, "$.amount")), 0))
        .where(AuditEntry.action == "wallet.cashout", AuditEntry.staff_id == shift.cashier_id,
               AuditEntry.at >= window[0], AuditEntry.at <= window[1])
    ) or 0)  # fmt: skip
    new_members = int(
        s.scalar(
            select(func.count())
            .select_from(Member)
            .where(Member.created_at >= window[0], Member.created_at <= window[1])
        )
        or 0
    )
    expected = (
        shift.opening_float
        + by_tender.get("cash", 0)
        + topups_by.get("cash", 0)
        - refunds_by.get("cash", 0)
        - cashouts
    )
    return ShiftSummary(
        shift_id=shift.id, cashier=cashier, opened_at=shift.opened_at, closed_at=shift.closed_at,
        opening_float=shift.opening_float, sales_count=int(agg[0]), sales_by_tender=dict(by_tender),
        sales_total=int(agg[1]), refunds_count=len(refunds), refunds_by_tender=dict(refunds_by),
        topups_by_tender=topups_by, topup_bonus=sum(int(b) for _, _, b in topups), cashouts=cashouts,
        points_redeemed=int(agg[2]), points_earned=int(agg[3]), new_members=new_members, expected_cash=expected,
    )  # fmt: skip


def shift_summary(store: Store, shift_id: str, cashier: str = "") -> ShiftSummary:
    with store.read() as s:
        shift = s.get(Shift, shift_id)
        if shift is None:
            raise DomainError("shift.not_open")
        return summarise_shift(s, shift, shift.closed_at or store.now(), cashier)


def close_shift(
    store: Store,
    actor: Actor,
    shift_id: str,
    counted_cash: int,
    *,
    next_float: int | None = None,
    note: str = "",
) -> ShiftSummary:
    """Close the shift with the counted cash; record the difference; optionally open the next."""
    whole(counted_cash, N_("the cash counted"), limit=MAX_FEN)
    if counted_cash < 0:
        raise DomainError("amount.negative")
    with store.write() as uow:
        s = uow.session
        shift = s.get(Shift, shift_id)
        if shift is None:
            raise DomainError("shift.not_open")
        if shift.closed_at is not None:
            raise DomainError("shift.closed")
        summary = summarise_shift(s, shift, uow.now, actor.name)
        shift.closed_at = uow.now
        shift.expected_cash = summary.expected_cash
        shift.counted_cash = counted_cash
        shift.note = note
        data = _as_json(summary, counted_cash)
        shift.summary = data
        uow.emit("shift.closed", shift.id, {"id": shift.id, "cashier": actor.name, **data})
        next_id = None
        if next_float is not None:
            next_id = new_id()
            s.add(
                Shift(
                    id=next_id,
                    cashier_id=actor.staff_id,
                    opened_at=uow.now,
                    opening_float=next_float,
                )
            )
            uow.emit("shift.opened", next_id, {"id": next_id, "cashier": actor.name, "opening_float": next_float,
                                               "opened_at": uow.now.isoformat()})  # fmt: skip
        return ShiftSummary(**{**summary.__dict__, "closed_at": uow.now, "counted_cash": counted_cash,
                               "difference": counted_cash - summary.expected_cash, "next_shift_id": next_id})  # fmt: skip


def _as_json(summary: ShiftSummary, counted: int) -> dict:
    return {
        "opened_at": summary.opened_at.isoformat(), "opening_float": summary.opening_float,
        "sales_count": summary.sales_count, "sales_total": summary.sales_total,
        "sales_by_tender": summary.sales_by_tender, "refunds_count": summary.refunds_count,
        "refunds_by_tender": summary.refunds_by_tender, "topups_by_tender": summary.topups_by_tender,
        "topup_bonus": summary.topup_bonus, "cashouts": summary.cashouts,
        "points_redeemed": summary.points_redeemed, "points_earned": summary.points_earned,
        "new_members": summary.new_members, "expected_cash": summary.expected_cash,
        "counted_cash": counted, "difference": counted - summary.expected_cash,
    }  # fmt: skip

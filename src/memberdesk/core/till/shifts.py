"""Shifts and the shift close (交班): what came in and went out, by tender, and the cash count.

The count is blind: before the cashier has typed what the drawer holds, the till
shows nothing from which the cash expected could be worked out (`shift_progress`).
A difference above the shop's threshold (`note_threshold`, ¥10 unless set) is
recorded only with a note saying what happened. Of the cash counted, the hand-over
stays in the drawer as the next shift's float (offered to whoever opens it next,
`last_handover`); the rest is taken out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select

from ..errors import DomainError
from ..i18n import N_
from ..loyalty.program import TENDER_NAMES
from ..money import MAX_FEN, format_fen, whole
from ..shop.staff import Actor
from ..store.database import Store
from ..store.models import (
    AuditEntry,
    CountCardEntry,
    Member,
    PointsEntry,
    Refund,
    Sale,
    SaleTender,
    Shift,
    Staff,
    Topup,
    new_id,
)
from ..store.uow import UnitOfWork
from ..text import check_text
from .refunds import returned_by_tender
from .shift_settings import threshold_in

NOTE_MAX = 200


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
    handover: int | None = None  # of the count, left in the drawer for the next shift
    note: str = ""  # what the cashier said about a difference
    # Count cards (次卡) sold less refunded, by tender: their money passes the drawer too.
    count_cards_by_tender: dict[str, int] = field(default_factory=dict)
    # Refunds whole, as the refund slips said them: the value of the goods returned, what
    # went back by tender as sales are shown (money, stored value, points' value in fen),
    # and what was not given back (points' value deducted, lapsed with a closed account).
    # `refunds_by_tender` above is the money alone.
    refunds_total: int = 0
    refunds_returned: dict[str, int] = field(default_factory=dict)
    refunds_kept: int = 0
    # Points the shift's refunds moved back, as their points entries did: redeemed points
    # given back to the members, and earned points (a first-month bonus included) taken
    # back. `points_redeemed` and `points_earned` above are the sales' own, as the sales'
    # money is shown before its refunds.
    refunds_points_returned: int = 0
    refunds_points_reversed: int = 0

    @property
    def taken_out(self) -> int | None:
        """What was taken out of the drawer at the close (the count less the hand-over)."""
        if self.counted_cash is None or self.handover is None:
            return None
        return self.counted_cash - self.handover


@dataclass(frozen=True)
class ShiftProgress:
    """What the shift page may show before the count: nothing that gives away the cash
    expected (no amounts by tender, no takings), so the count is blind."""

    shift_id: str
    cashier: str
    opened_at: datetime  # naive UTC
    opening_float: int  # counted by the cashier at the opening: theirs to know
    sales_count: int
    refunds_count: int
    new_members: int
    points_earned: int
    points_redeemed: int
    refunds_points_reversed: int = 0
    refunds_points_returned: int = 0


@dataclass(frozen=True)
class CountCheck:
    """The count compared with what the drawer should hold, before the shift is closed."""

    counted: int
    expected: int
    handover: int
    threshold: int

    @property
    def difference(self) -> int:
        """Counted less expected: below zero a shortage (短款), above an overage (长款)."""
        return self.counted - self.expected

    @property
    def taken_out(self) -> int:
        return self.counted - self.handover

    @property
    def needs_note(self) -> bool:
        return abs(self.difference) > self.threshold


def open_shift(store: Store, actor: Actor, opening_float: int) -> str:
    whole(opening_float, N_("the opening float"), limit=MAX_FEN)
    if opening_float < 0:
        raise DomainError("amount.negative")
    with store.write() as uow:
        return open_shift_in(uow, actor, opening_float)


def open_shift_in(uow: UnitOfWork, actor: Actor, opening_float: int) -> str:
    if uow.session.scalar(
        select(Shift.id).where(Shift.cashier_id == actor.staff_id, Shift.closed_at.is_(None))
    ):
        raise DomainError("shift.open", name=actor.name)
    shift = Shift(
        id=new_id(), cashier_id=actor.staff_id, opened_at=uow.now, opening_float=opening_float
    )
    uow.session.add(shift)
    uow.emit("shift.opened", shift.id, {"id": shift.id, "cashier": actor.name, "opening_float": opening_float,
                                        "opened_at": uow.now.isoformat(),
                                        "cashier_id": actor.staff_id})  # fmt: skip
    return shift.id


def open_shift_of(store: Store, actor: Actor) -> str | None:
    with store.read() as s:
        return s.scalar(
            select(Shift.id).where(Shift.cashier_id == actor.staff_id, Shift.closed_at.is_(None))
        )


def _in_order(amounts: Mapping[str, int]) -> dict[str, int]:
    """`amounts` by tender in the till's order (cash, card …, stored value, points)."""
    order = {kind: n for n, kind in enumerate(TENDER_NAMES)}
    return dict(sorted(amounts.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))


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
    in_shift = (
        Refund.cashier_id == shift.cashier_id,
        Refund.created_at >= window[0],
        Refund.created_at <= window[1],
    )
    refunds = list(s.scalars(select(Refund).where(*in_shift)))
    # the points the refunds moved, as their entries did (found through the sales they
    # return: the points ledger is looked up by sale)
    points_back = {
        kind: int(total)
        for kind, total in s.execute(
            select(PointsEntry.kind, func.sum(PointsEntry.delta))
            .where(PointsEntry.sale_id.in_(select(Refund.sale_id).where(*in_shift)),
                   PointsEntry.refund_id.in_(select(Refund.id).where(*in_shift)))
            .group_by(PointsEntry.kind)
        )
    }  # fmt: skip
    refunds_by, returned, kept = Counter(), Counter(), 0
    for r in refunds:
        refunds_by.update(r.tenders)
        back, not_back = returned_by_tender(r.amount, r.tenders, r.details or {}, r.points_returned)
        returned.update(back)
        kept += not_back
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
    cards_by = {
        tender: int(amount)
        for tender, amount in s.execute(
            select(CountCardEntry.tender,
                   func.sum(case((CountCardEntry.kind == "refund", -CountCardEntry.amount),
                                 else_=CountCardEntry.amount)))
            .where(CountCardEntry.kind.in_(("sold", "refund")),
                   CountCardEntry.cashier_id == shift.cashier_id,
                   CountCardEntry.created_at >= window[0], CountCardEntry.created_at <= window[1])
            .group_by(CountCardEntry.tender)
        )
        if amount
    }  # fmt: skip
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
        + cards_by.get("cash", 0)
        - refunds_by.get("cash", 0)
        - cashouts
    )
    return ShiftSummary(
        shift_id=shift.id, cashier=cashier, opened_at=shift.opened_at, closed_at=shift.closed_at,
        opening_float=shift.opening_float, sales_count=int(agg[0]), sales_by_tender=_in_order(by_tender),
        sales_total=int(agg[1]), refunds_count=len(refunds), refunds_by_tender=dict(refunds_by),
        topups_by_tender=topups_by, topup_bonus=sum(int(b) for _, _, b in topups), cashouts=cashouts,
        points_redeemed=int(agg[2]), points_earned=int(agg[3]), new_members=new_members, expected_cash=expected,
        count_cards_by_tender=cards_by, refunds_total=sum(r.amount for r in refunds),
        refunds_returned=_in_order(returned), refunds_kept=kept,
        refunds_points_returned=points_back.get("refund_return", 0),
        # earned points taken back: the sales' own and a first-month bonus they had earned
        refunds_points_reversed=-(points_back.get("refund_reverse", 0) + points_back.get("challenge", 0)),
    )  # fmt: skip


def shift_summary(store: Store, shift_id: str, cashier: str = "") -> ShiftSummary:
    with store.read() as s:
        shift = s.get(Shift, shift_id)
        if shift is None:
            raise DomainError("shift.not_open")
        summary = summarise_shift(s, shift, shift.closed_at or store.now(), cashier)
        if shift.closed_at is None:
            return summary
        return closed_summary(summary, shift)


def closed_summary(summary: ShiftSummary, shift: Shift) -> ShiftSummary:
    """`summary` of a closed shift with what its close recorded (count, hand-over, note)."""
    counted = shift.counted_cash
    return ShiftSummary(**{**summary.__dict__, "closed_at": shift.closed_at, "counted_cash": counted,
                           "difference": None if counted is None else counted - summary.expected_cash,
                           "handover": shift.handover, "note": shift.note or ""})  # fmt: skip


def shift_progress(store: Store, shift_id: str, cashier: str = "") -> ShiftProgress:
    """The open shift as the cashier may see it before counting the drawer."""
    s = shift_summary(store, shift_id, cashier)
    return ShiftProgress(
        shift_id=s.shift_id, cashier=s.cashier, opened_at=s.opened_at,
        opening_float=s.opening_float, sales_count=s.sales_count, refunds_count=s.refunds_count,
        new_members=s.new_members, points_earned=s.points_earned, points_redeemed=s.points_redeemed,
        refunds_points_reversed=s.refunds_points_reversed, refunds_points_returned=s.refunds_points_returned,
    )  # fmt: skip


# ---------------------------------------------------------------------- the count


def _amounts(counted: int, handover: int) -> None:
    whole(counted, N_("the cash counted"), limit=MAX_FEN)
    whole(handover, N_("the cash left for the next shift"), limit=MAX_FEN)
    if counted < 0 or handover < 0:
        raise DomainError("amount.negative")
    if handover > counted:
        raise DomainError("shift.handover_over", handover=format_fen(handover),
                          counted=format_fen(counted))  # fmt: skip


def check_count(store: Store, shift_id: str, counted: int, handover: int = 0) -> CountCheck:
    """Compare a count with the cash expected, changing nothing (asked once the count is typed)."""
    _amounts(counted, handover)
    with store.read() as s:
        shift = s.get(Shift, shift_id)
        if shift is None:
            raise DomainError("shift.not_open")
        if shift.closed_at is not None:
            raise DomainError("shift.closed")
        summary = summarise_shift(s, shift, store.now(), "")
        return CountCheck(counted, summary.expected_cash, handover, threshold_in(s))


def last_handover(store: Store) -> int | None:
    """The cash the latest close on this till left in the drawer: the next float on offer."""
    with store.read() as s:
        return s.scalar(
            select(Shift.handover)
            .where(Shift.closed_at.is_not(None), Shift.handover.is_not(None))
            .order_by(Shift.closed_at.desc(), Shift.opened_at.desc())
            .limit(1)
        )


def close_shift(
    store: Store,
    actor: Actor,
    shift_id: str,
    counted_cash: int,
    *,
    handover: int | None = None,
    next_float: int | None = None,
    note: str = "",
) -> ShiftSummary:
    """Close the shift with the counted cash; record the difference and the hand-over;
    optionally open the next shift (its float defaults to the hand-over).

    A difference above the shop's threshold needs a `note`; the hand-over (what stays in
    the drawer, default the next float, else nothing) cannot be more than the count."""
    if handover is None:
        handover = next_float if next_float is not None else 0
    _amounts(counted_cash, handover)
    if next_float is not None:
        whole(next_float, N_("the opening float"), limit=MAX_FEN)
        if next_float < 0:
            raise DomainError("amount.negative")
    note = note.strip()
    check_text(note, N_("the note"))
    if len(note) > NOTE_MAX:
        raise DomainError("shift.note_too_long", max=NOTE_MAX)
    with store.write() as uow:
        return close_shift_in(uow, actor, shift_id, counted_cash, handover=handover,
                              next_float=next_float, note=note)  # fmt: skip


def close_shift_in(
    uow: UnitOfWork, actor: Actor, shift_id: str, counted_cash: int, *, handover: int,
    next_float: int | None = None, note: str = "",
) -> ShiftSummary:  # fmt: skip
    """close_shift inside the caller's transaction (the demo shop closes one at its own time)."""
    s = uow.session
    shift = s.get(Shift, shift_id)
    if shift is None:
        raise DomainError("shift.not_open")
    if shift.closed_at is not None:
        raise DomainError("shift.closed")
    summary = summarise_shift(s, shift, uow.now, actor.name)
    difference = counted_cash - summary.expected_cash
    threshold = threshold_in(s)
    if abs(difference) > threshold and not note:
        raise DomainError("shift.note_needed", difference=format_fen(abs(difference)),
                          threshold=format_fen(threshold))  # fmt: skip
    shift.closed_at = uow.now
    shift.expected_cash = summary.expected_cash
    shift.counted_cash = counted_cash
    shift.handover = handover
    shift.note = note
    data = _as_json(summary, counted_cash, handover, note)
    shift.summary = data
    uow.emit("shift.closed", shift.id, {"id": shift.id, "cashier": actor.name, **data,
                                        "closed_at": uow.now.isoformat()})  # fmt: skip
    next_id = None
    if next_float is not None:
        next_id = open_shift_in(uow, actor, next_float)
    return ShiftSummary(**{**summary.__dict__, "closed_at": uow.now, "counted_cash": counted_cash,
                           "difference": difference, "next_shift_id": next_id,
                           "handover": handover, "note": note})  # fmt: skip


def last_close(store: Store) -> ShiftSummary | None:
    """The latest shift closed on this till, as its close recorded it (with its cashier)."""
    with store.read() as s:
        shift = s.scalars(
            select(Shift).where(Shift.closed_at.is_not(None))
            .order_by(Shift.closed_at.desc(), Shift.opened_at.desc()).limit(1)
        ).first()  # fmt: skip
        if shift is None:
            return None
        name = s.scalar(select(Staff.name).where(Staff.id == shift.cashier_id)) or ""
        return closed_summary(summarise_shift(s, shift, shift.closed_at, name), shift)


def _as_json(summary: ShiftSummary, counted: int, handover: int, note: str) -> dict:
    return {
        "opened_at": summary.opened_at.isoformat(), "opening_float": summary.opening_float,
        "sales_count": summary.sales_count, "sales_total": summary.sales_total,
        "sales_by_tender": summary.sales_by_tender, "refunds_count": summary.refunds_count,
        "refunds_by_tender": summary.refunds_by_tender, "refunds_total": summary.refunds_total,
        "refunds_returned": summary.refunds_returned, "refunds_kept": summary.refunds_kept,
        "refunds_points_returned": summary.refunds_points_returned,
        "refunds_points_reversed": summary.refunds_points_reversed,
        "topups_by_tender": summary.topups_by_tender,
        "topup_bonus": summary.topup_bonus, "cashouts": summary.cashouts,
        "points_redeemed": summary.points_redeemed, "points_earned": summary.points_earned,
        "new_members": summary.new_members, "expected_cash": summary.expected_cash,
        "counted_cash": counted, "difference": counted - summary.expected_cash,
        "handover": handover, "taken_out": counted - handover, "note": note,
    }  # fmt: skip

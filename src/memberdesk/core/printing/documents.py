"""Rebuild any printed document from the database, by kind and reference.

A print job stores only (kind, ref); the slip is laid out again from the stored rows
each time, so a retry after a dead printer and a reprint next month print the same
thing the first attempt would have (balances come from the ledger rows of the act).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from ..clock import from_utc_naive
from ..coupons.codes import stated_cap
from ..coupons.issue import CouponInfo
from ..errors import DomainError
from ..loyalty.points import AdjustResult
from ..loyalty.program_store import program_in_force
from ..members.phone import mask_phone
from ..shop.details import ShopInfo, shop_info
from ..store.models import (
    AuditEntry,
    Member,
    OutboxEvent,
    PointsEntry,
    Refund,
    Sale,
    SaleLine,
    Shift,
    Staff,
    Topup,
    WalletEntry,
)
from ..store.statements import raw_connection
from ..till.count_cards import CountCardSlip, slip_of_entry
from ..till.day_report import DayReport, day_report_in
from ..till.receipts import SaleResult, load_sale
from ..till.refunds import RefundedLine, RefundResult, refunded_lines
from ..till.shifts import ShiftSummary, closed_summary, summarise_shift
from ..till.wallet import WalletResult
from .coupon_slip import coupon_slip
from .day_report import day_slip
from .layout import Paper, Slip, sale_receipt
from .slips import (
    SlipContext,
    adjust_slip,
    count_card_slip,
    gift_slip,
    refund_slip,
    shift_slip,
    test_slip,
    wallet_slip,
)

REVERSAL = "V:"  # ref prefix: the reversal of the top-up whose id follows


def job_ref(result: object) -> tuple[str, str]:
    """(kind, ref) of what an operation returned, for print_now / reprint."""
    if isinstance(result, SaleResult):
        return "sale", result.sale_id
    if isinstance(result, RefundResult):
        return "refund", result.refund_id
    if isinstance(result, WalletResult):
        return "topup", (
            REVERSAL + result.ref_id if result.kind == "topup_reversal" else result.ref_id
        )
    if isinstance(result, AdjustResult):
        return "adjust", result.entry_id
    if isinstance(result, ShiftSummary):
        return "shift", result.shift_id
    if isinstance(result, DayReport):
        return "day", result.day.isoformat()
    if isinstance(result, CountCardSlip):
        return "countcard", result.entry_id
    if isinstance(result, CouponInfo):
        return "coupon", result.id
    raise TypeError(f"nothing to print for {type(result).__name__}")


def _local(shop: ShopInfo, naive_utc: datetime) -> datetime:
    return from_utc_naive(naive_utc).astimezone(ZoneInfo(shop.timezone)).replace(tzinfo=None)


def _staff_name(session: Session, staff_id: str | None) -> str:
    staff = session.get(Staff, staff_id) if staff_id else None
    return staff.name if staff is not None else ""


def _outbox_payload(session: Session, kind: str, aggregate_id: str) -> dict:
    payload = session.scalar(
        select(OutboxEvent.payload).where(
            OutboxEvent.kind == kind, OutboxEvent.aggregate_id == aggregate_id
        )
    )
    return payload or {}


def _receipt_from_outbox(session: Session, kind: str, aggregate_id: str) -> str:
    return _outbox_payload(session, kind, aggregate_id).get("receipt_no", "")


def _lapse_of(session: Session, cashout: WalletEntry, lapsed: int) -> WalletEntry | None:
    """The entry that took the bonus lapsing with a cash-out: written right after it, in
    the same transaction (so at the same time), for the member, by the amount it noted."""
    if lapsed <= 0:
        return None
    rowid = session.scalar(
        select(text("rowid")).select_from(WalletEntry).where(WalletEntry.id == cashout.id)
    )
    return session.scalar(
        select(WalletEntry)
        .where(
            WalletEntry.member_id == cashout.member_id, WalletEntry.kind == "forfeit",
            WalletEntry.created_at == cashout.created_at, WalletEntry.bonus_delta == -lapsed,
            text("wallet_ledger.rowid > :after").bindparams(after=rowid),
        )
        .order_by(text("wallet_ledger.rowid"))
        .limit(1)
    )  # fmt: skip


def _refund(session: Session, refund_id: str) -> tuple[RefundResult, str, datetime]:
    row = session.get(Refund, refund_id) or session.scalar(
        select(Refund).where(Refund.receipt_no == refund_id)
    )
    if row is None:
        raise DomainError("sale.not_found", receipt=refund_id)
    d = row.details or {}
    sale = session.get(Sale, row.sale_id)
    member = session.get(Member, row.member_id) if row.member_id else None
    points = session.scalars(
        select(PointsEntry).where(PointsEntry.refund_id == row.id).order_by(text("rowid"))
    ).all()
    wallet = session.scalars(
        select(WalletEntry).where(WalletEntry.refund_id == row.id).order_by(text("rowid"))
    ).all()
    result = RefundResult(
        refund_id=row.id, receipt_no=row.receipt_no, sale_receipt_no=sale.receipt_no,
        business_date=row.business_date, amount=row.amount, tenders=dict(row.tenders),
        points_reversed=row.points_reversed, points_returned=row.points_returned,
        wallet_principal=d.get("wallet_principal", 0), wallet_bonus=d.get("wallet_bonus", 0),
        deducted_for_points=d.get("deducted_for_points", 0), policy_note=d.get("policy_note", ""),
        bonus_reversed=d.get("bonus_reversed", 0), gifts_back=tuple(d.get("gifts_back", ())),
        member_name=member.name if member else None,
        points_after=points[-1].balance_after if points else _points_at(session, member, row.created_at),
        wallet_principal_after=wallet[-1].principal_after if wallet else None,
        wallet_bonus_after=wallet[-1].bonus_after if wallet else None,
        sale_refunded_total=sale.refunded_total, sale_total=sale.total, authorised_by=row.authorised_by,
        lines=_returned_lines(session, row), reason=d.get("reason", ""),
    )  # fmt: skip
    cashier = d.get("cashier") or _staff_name(session, row.cashier_id)
    return result, cashier, row.created_at


def _returned_lines(session: Session, row: Refund) -> tuple[RefundedLine, ...]:
    """The goods a refund took back, priced as it priced them: each line's share follows
    what the sale's earlier refunds had returned of it (not what later ones did)."""
    refunds = session.scalars(
        select(Refund).where(Refund.sale_id == row.sale_id).order_by(text("refunds.rowid"))
    ).all()
    before: dict[int, int] = {}
    for earlier in refunds:
        if earlier.id == row.id:
            break
        for no, qty in ((earlier.details or {}).get("lines") or {}).items():
            before[int(no)] = before.get(int(no), 0) + int(qty)
    wanted = {int(no): int(qty) for no, qty in ((row.details or {}).get("lines") or {}).items()}
    sale_lines = {
        ln.line_no: ln
        for ln in session.scalars(select(SaleLine).where(SaleLine.sale_id == row.sale_id))
    }
    return refunded_lines(sale_lines, wanted, before)


def _points_at(session: Session, member: Member | None, at: datetime) -> int | None:
    """The member's points balance as it stood at `at` (by the ledger, not today's balance:
    a slip reprinted next month says what the act left)."""
    if member is None:
        return None
    balance = session.scalar(
        select(PointsEntry.balance_after)
        .where(PointsEntry.member_id == member.id, PointsEntry.created_at <= at)
        .order_by(PointsEntry.created_at.desc(), text("rowid DESC"))
        .limit(1)
    )
    return balance or 0


def _wallet(session: Session, ref: str) -> tuple[WalletResult, str, datetime, str]:
    reversal = ref.startswith(REVERSAL)
    key = ref.removeprefix(REVERSAL)
    topup = session.get(Topup, key) or session.scalar(select(Topup).where(Topup.receipt_no == key))
    if topup is not None:
        kind = "topup_reversal" if reversal else "topup"
        entry = session.scalar(
            select(WalletEntry).where(WalletEntry.topup_id == topup.id, WalletEntry.kind == kind)
        )
        receipt = topup.receipt_no
        if reversal:
            receipt = _receipt_from_outbox(session, "wallet.topup_reversed", topup.id)
        tender, cashier = topup.tender, _staff_name(session, topup.cashier_id)
    else:
        entry = session.get(WalletEntry, key)
        kind, tender, cashier = "cashout", "cash", ""
        if entry is None or entry.kind != "cashout":
            raise DomainError("topup.not_found")
        payload = _outbox_payload(session, "wallet.cashout", key)
        receipt = payload.get("receipt_no", "")
        audit = session.scalar(
            select(AuditEntry).where(AuditEntry.action == "wallet.cashout", AuditEntry.at == entry.created_at)
        )  # fmt: skip
        cashier = audit.staff_name if audit is not None else ""
    if entry is None:
        raise DomainError("topup.not_found")
    m = session.get(Member, entry.member_id)
    principal_delta, bonus_delta = entry.principal_delta, entry.bonus_delta
    principal_after, bonus_after = entry.principal_after, entry.bonus_after
    if kind == "cashout":
        # the bonus lapsing with the principal is the next entry of the act: the slip
        # shows it and the balances after it, as the cash-out's own result did
        lapse = _lapse_of(session, entry, int(payload.get("bonus_lapsed") or 0))
        if lapse is not None:
            bonus_delta += lapse.bonus_delta
            principal_after, bonus_after = lapse.principal_after, lapse.bonus_after
    result = WalletResult(
        kind, entry.topup_id or entry.id, receipt, entry.business_date, m.id, m.name, m.card_no,
        principal_delta, bonus_delta, tender, principal_after, bonus_after,
        _points_at(session, m, entry.created_at) or 0, cashier,
    )  # fmt: skip
    return result, cashier, entry.created_at, mask_phone(m.phone)


def _adjust(session: Session, entry_id: str) -> tuple[AdjustResult, str, datetime, str]:
    entry = session.get(PointsEntry, entry_id)
    if entry is None or entry.kind != "adjust":
        raise DomainError("print.nothing", ref=entry_id)
    m = session.get(Member, entry.member_id)
    audit = session.scalar(
        select(AuditEntry)
        .where(
            AuditEntry.action == "points.adjust", AuditEntry.at == entry.created_at,
            AuditEntry.target == m.card_no,
            func.json_extract(AuditEntry.detail, "$.delta") == entry.delta,
            func.json_extract(AuditEntry.detail, "$.reason") == entry.note,
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )  # fmt: skip
    cashier = audit.staff_name if audit else ""
    allowed = (audit.authorised_by or audit.staff_name) if audit else ""
    result = AdjustResult(
        entry.id, m.id, m.name, entry.delta, entry.balance_after, entry.note, allowed
    )
    return result, cashier, entry.created_at, m.card_no


def _shift(session: Session, shift_id: str, now: datetime) -> tuple[ShiftSummary, datetime]:
    shift = session.get(Shift, shift_id)
    if shift is None:
        raise DomainError("shift.not_open")
    until = shift.closed_at or now
    summary = summarise_shift(session, shift, until, _staff_name(session, shift.cashier_id))
    if shift.closed_at is not None:
        summary = closed_summary(summary, shift)
    return summary, until


_COUPON = """SELECT c.id, c.code, c.name, c.kind, c.value, c.min_spend, c.valid_from,
                     c.valid_until, c.issued_at, m.name, c.type_code FROM coupons c
              LEFT JOIN members m ON m.id = c.member_id WHERE c.id = ? OR c.code = ?"""


def _coupon(session: Session, serial: str) -> tuple[dict, str, datetime]:
    """A coupon by its serial, or by its code (what its slip's QR code carries), with the
    most the till takes off: as its code states, else its type's in the program in force."""
    row = raw_connection(session).execute(_COUPON, (serial, serial)).fetchone()
    if row is None:
        raise DomainError("coupon.not_found", serial=serial)
    keys = ("id", "code", "name", "kind", "value", "min_spend", "valid_from", "valid_until")
    issued = row[8] if isinstance(row[8], datetime) else datetime.fromisoformat(str(row[8]))
    current = program_in_force(session)
    cap = stated_cap(row[1], row[3], current.program.coupons.cap(row[10], row[3]) if current else 0)
    return (
        {k: str(v) if k.startswith("valid") else v for k, v in zip(keys, row, strict=False)}
        | {"max_off": cap},
        row[9] or "",
        issued,
    )


def load_slip(
    session: Session, kind: str, ref: str, paper: Paper, *, now: datetime, reprint: int = 0,
    settings_lines: list[tuple[str, str]] | None = None,
) -> Slip:  # fmt: skip
    """The document (kind, ref) laid out for `paper`, marked 重印 when `reprint` > 0.

    `now` (naive UTC) is when it is printed: shown on a reprint and on the test page."""
    shop = shop_info(session)
    now_local = _local(shop, now)
    when = now_local if reprint else None
    if kind in ("sale", "gift"):
        sale = load_sale(session, ref)
        if kind == "gift":
            if not sale.gift and not sale.gifts_to_hand_over:
                raise DomainError("print.nothing", ref=ref)
            return gift_slip(sale, paper, reprint=reprint, reprinted_at=when)
        return sale_receipt(sale, paper, reprint=reprint, reprinted_at=when)
    if kind == "refund":
        r, cashier, at = _refund(session, ref)
        return refund_slip(r, SlipContext(shop, _local(shop, at), cashier, reprint, when), paper)
    if kind == "topup":
        w, cashier, at, phone = _wallet(session, ref)
        return wallet_slip(
            w, SlipContext(shop, _local(shop, at), cashier, reprint, when), paper, phone
        )
    if kind == "countcard":
        c, at = slip_of_entry(session, ref)
        return count_card_slip(
            c, SlipContext(shop, _local(shop, at), c.cashier, reprint, when), paper
        )
    if kind == "adjust":
        a, cashier, at, card = _adjust(session, ref)
        return adjust_slip(
            a, SlipContext(shop, _local(shop, at), cashier, reprint, when), paper, card
        )
    if kind == "shift":
        s, until = _shift(session, ref, now)
        ctx = SlipContext(shop, _local(shop, until), s.cashier, reprint, when)
        return shift_slip(s, ctx, paper, _local(shop, s.opened_at))
    if kind == "day":  # the day-end report, made afresh at each print
        try:
            day = date.fromisoformat(ref)
        except ValueError:
            raise DomainError("print.nothing", ref=ref) from None
        return day_slip(day_report_in(session, day, now), paper)
    if kind == "coupon":
        c, member, issued = _coupon(session, ref)
        return coupon_slip(c, shop, _local(shop, issued), paper, member=member, reprint=reprint,
                           reprinted_at=when)  # fmt: skip
    if kind == "test":
        ctx = SlipContext(shop, now_local)
        return test_slip(ctx, paper, settings_lines or [])
    raise DomainError("print.kind_unknown", kind=kind)

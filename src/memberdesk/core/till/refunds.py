"""Refunds: whole sales or selected lines, reversed in proportion, with a manager's leave.

Every share (goods value, points earned, points spent, wallet principal and
bonus, each paying tender) is computed cumulatively — what is due after this
refund minus what earlier refunds already took — so a sale refunded in several
parts gives back exactly what it took, never a fen more. The paying parts of one
refund add up to its amount to the fen (_apportion): the slip's 退款金额 is what the
customer gets back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from ..clock import shop_date
from ..errors import DomainError
from ..i18n import N_, Message, gettext
from ..loyalty.ledger import post_points, post_wallet
from ..loyalty.pricing import lot_expires_on
from ..loyalty.program import Program
from ..loyalty.program_store import program_in_force, program_version
from ..money import format_fen, whole
from ..shop.clock_check import require_clock_right
from ..shop.details import shop_info
from ..shop.staff import Actor, require
from ..store.database import Store
from ..store.models import GiftStock, Member, Refund, Sale, SaleLine, SaleTender, new_id
from ..store.statements import raw_connection, select_rows
from ..store.uow import UnitOfWork
from .checkout import MAX_LINE_QTY, MemberRow, read_member, receipt_number, save_member
from .coupons import return_in
from .spend_gifts import gift_keys, gifts_back, stock_after

# A refund's policy note is kept as its message id and translated where it is shown
# (the slip in the shop's language, the window in its own).
EXPIRED_NOTE = N_("The points this sale earned have expired; none are taken back")


CANCELLED_NOTE = N_(
    "The member is cancelled: stored-value principal comes back in cash, the bonus part "
    "lapses, and points do not change"
)


CHALLENGE_BACK_NOTE = N_("First-month target no longer reached after the refund: bonus taken back")


POLICY_NAMES = {
    "refuse": N_("Not enough points: the program refuses the refund"),
    "allow_negative": N_("Not enough points: the program lets the balance go negative"),
    "deduct_cash": N_("Not enough points: their value is deducted from the refund"),
}


@dataclass(frozen=True)
class RefundedLine:
    """One line of the sale a refund takes back: how many and the money refunded for them
    (their share of the line's amount after its discounts)."""

    no: int
    description: str
    quantity: int
    amount: int


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    receipt_no: str
    sale_receipt_no: str
    business_date: date
    amount: int  # value of the goods returned
    tenders: dict[str, int]  # what goes back, by tender (cash net of any deduction)
    points_reversed: int  # earned points taken back
    points_returned: int  # redeemed points given back
    wallet_principal: int
    wallet_bonus: int
    deducted_for_points: int  # fen kept back under the deduct_cash policy
    policy_note: str  # what the cashier is told when the member lacked the points
    member_name: str | None
    points_after: int | None
    wallet_principal_after: int | None
    wallet_bonus_after: int | None
    sale_refunded_total: int
    sale_total: int
    authorised_by: str
    bonus_reversed: int = 0  # a first-month bonus this return undid (its target is no longer met)
    coupon_returned: str | None = None  # the serial of the sale's coupon a full refund gave back
    gifts_back: tuple[str, ...] = ()  # gifts for spend the goods kept no longer earn: take back
    lines: tuple[RefundedLine, ...] = ()  # the goods returned, in the sale's order
    reason: str = ""  # why, as the cashier typed it (may be empty)


def refunded_lines(
    sale_lines: Mapping[int, Any], wanted: Mapping[int, int], before: Mapping[int, int]
) -> tuple[RefundedLine, ...]:
    """The lines a refund of `wanted` ({line_no: quantity}) takes back, each with the money
    refunded for it, when `before` ({line_no: quantity}) had been returned by earlier
    refunds: as the refund counted them, so they add up to its amount."""
    return tuple(
        RefundedLine(no, ln.description, wanted[no],
                     _share(ln.amount, before.get(no, 0), before.get(no, 0) + wanted[no], ln.quantity))
        for no, ln in sorted(sale_lines.items()) if wanted.get(no)
    )  # fmt: skip


def returned_by_tender(
    amount: int, tenders: Mapping[str, int], details: Mapping[str, Any], points_returned: int
) -> tuple[dict[str, int], int]:
    """What a refund of goods worth `amount` gave back, by tender as a sale is paid, and
    what of it was not given back.

    The money is `tenders`; stored value ("wallet") is the principal and bonus put back;
    points ("points") are the value in fen of the redeemed points given back — the part
    of the amount left once money, stored value and any deduction are counted, since a
    refund's parts add up to its amount (`_parts_back`). Not given back: the points'
    value kept under the deduct_cash policy, and what lapsed with a cancelled account
    (its bonus and points)."""
    back = {k: v for k, v in tenders.items() if v}
    wallet = details.get("wallet_principal", 0) + details.get("wallet_bonus", 0)
    if wallet:
        back["wallet"] = back.get("wallet", 0) + wallet
    deducted = details.get("deducted_for_points", 0)
    rest = amount - sum(back.values()) - deducted
    if points_returned and rest > 0:
        back["points"] = back.get("points", 0) + rest
        rest = 0
    return back, deducted + max(rest, 0)


def _share(total: int, before: int, after: int, whole: int) -> int:
    """The part of `total` that belongs to the slice (before, after] of `whole`."""
    if whole <= 0:
        return 0
    return total * after // whole - total * before // whole


def _apportion(parts: Mapping[str, int], upto: int, whole: int) -> dict[str, int]:
    """The first `upto` fen of a sale of `whole` fen, shared among its paying `parts`
    (which add up to `whole`) so the shares add up to `upto` exactly: each part's share
    rounded down, then the fen left over one at a time to the part with the highest
    average (part / (share + 1), the earlier part on a tie). A larger `upto` never gives
    a part less (highest averages is house-monotone), so each refund's share of a part —
    what is due after it minus what was due before — is never negative, the shares of one
    refund add up to its amount, and the last refund leaves every part returned whole."""
    shares = {k: v * upto // whole for k, v in parts.items()}
    for _ in range(upto - sum(shares.values())):
        best = None
        for k, v in parts.items():
            if shares[k] < v and (
                best is None or v * (shares[best] + 1) > parts[best] * (shares[k] + 1)
            ):
                best = k
        if best is None:
            break
        shares[best] += 1
    return shares


def _line_amount(line: Any, qty: int) -> int:
    return _share(line.amount, line.refunded_qty, line.refunded_qty + qty, line.quantity)


def _parts_back(
    tenders: Mapping[str, int], details: Mapping[str, Any], before: int, after: int, total: int
) -> tuple[int, int, dict[str, int]]:
    """What goes back of each part of the sale's payment for its slice (before, after]:
    wallet principal, wallet bonus and the money by tender. The points' value is a part
    too (it comes back as points, counted apart). Together they are the refund's amount
    to the fen; a sale whose parts do not add up to its total (none is written so) has
    each part's share rounded down instead."""
    parts = {f"tender:{k}": v for k, v in tenders.items() if k not in ("wallet", "points")}
    parts["principal"] = details.get("wallet_principal", 0)
    parts["bonus"] = details.get("wallet_bonus", 0)
    parts["points"] = tenders.get("points", 0)
    parts = dict(sorted(parts.items()))  # a tie goes the same way at every refund
    if sum(parts.values()) == total and total > 0 and min(parts.values()) >= 0:
        due_after, due_before = _apportion(parts, after, total), _apportion(parts, before, total)
        back = {k: due_after[k] - due_before[k] for k in parts}
    else:
        back = {k: _share(v, before, after, total) for k, v in parts.items()}
    money = {k.removeprefix("tender:"): v for k, v in back.items() if k.startswith("tender:") and v}
    return back["principal"], back["bonus"], money


def _earning_slice(
    sale: Any, sale_lines: Mapping[int, Any], wanted: Mapping[int, int], after: int
) -> tuple[int, int, int]:
    """(before, after, whole): the slice this refund takes of the goods that earned the
    sale's points. Lines that earned none (``no_earn_lines``) are left out, so returning
    them takes no points back and returning the rest takes back all of them; a sale
    whose every line earned is sliced as its total is."""
    skip = set((sale.details or {}).get("no_earn_lines", ()))
    if not skip:
        return sale.refunded_total, after, sale.total
    earning = [(n, ln) for n, ln in sale_lines.items() if n not in skip]
    before = sum(ln.amount * ln.refunded_qty // ln.quantity for _, ln in earning)
    after = sum(
        ln.amount * (ln.refunded_qty + wanted.get(n, 0)) // ln.quantity for n, ln in earning
    )
    return before, after, sum(ln.amount for _, ln in earning)


def refund_value(lines: Iterable[Any], wanted: Mapping[int, int]) -> int:
    """What returning `wanted` ({line_no: quantity}) of a receipt's `lines` is worth, as the
    refund will count it (shown before a manager approves it)."""
    return sum(_line_amount(ln, wanted[ln.no]) for ln in lines if wanted.get(ln.no))


def refund(
    store: Store,
    actor: Actor,
    sale_ref: str,
    lines: Mapping[int, int] | None = None,
    *,
    authoriser: Actor | None = None,
    reason: str = "",
    shift_id: str | None = None,
) -> RefundResult:
    """Refund `lines` ({line_no: quantity}) of a sale, or everything left when None."""
    with store.write() as uow:
        allowed_by = require(actor, "refund", authoriser)
        return refund_in(uow, actor, allowed_by, sale_ref, lines, reason, shift_id)


class _Quoted(Exception):
    """Carries a quote out of the transaction it was computed in, rolling that back."""

    def __init__(self, result: RefundResult) -> None:
        super().__init__("refund quoted")
        self.result = result


def quote_refund(
    store: Store, actor: Actor, sale_ref: str, lines: Mapping[int, int] | None = None
) -> RefundResult:
    """What refunding `lines` of a sale would give back — money by tender, stored value,
    points returned and taken back, the program's policy — shown before the cashier
    confirms and a manager approves. It is the refund itself, run in a transaction that
    is rolled back: the figures are the ones the refund will write, and a refund core
    would refuse is refused here with the same words. Nothing is written."""
    try:
        with store.write() as uow:
            raise _Quoted(refund_in(uow, actor, actor, sale_ref, lines, "", None))
    except _Quoted as quoted:
        return quoted.result


SALES, LINES, TENDERS = Sale.__table__, SaleLine.__table__, SaleTender.__table__


SALE_KEYS = ("id", "receipt_no", "business_date", "member_id", "program_version", "total",
             "points_redeemed", "points_earned", "refunded_total", "details")  # fmt: skip


LINE_KEYS = ("line_no", "description", "quantity", "amount", "refunded_qty")


def refund_in(
    uow: UnitOfWork, actor: Actor, allowed_by: Actor, sale_ref: str,
    lines: Mapping[int, int] | None, reason: str, shift_id: str | None,
) -> RefundResult:  # fmt: skip
    # The sale, its lines and tenders are read and updated with plain statements on the
    # transaction's connection (a refund is on the till's hot path, like a sale).
    s = uow.session
    require_clock_right(s)
    found = select_rows(s, SALES, SALE_KEYS, "id = ?", (sale_ref,)) or select_rows(
        s, SALES, SALE_KEYS, "receipt_no = ?", (sale_ref,)
    )
    if not found:
        raise DomainError("sale.not_found", receipt=sale_ref)
    sale = found[0]
    sale_lines = {
        ln.line_no: ln for ln in select_rows(s, LINES, LINE_KEYS, "sale_id = ?", (sale.id,))
    }
    wanted = (
        dict(lines)
        if lines is not None
        else {n: ln.quantity - ln.refunded_qty for n, ln in sale_lines.items()}
    )
    wanted = {n: q for n, q in wanted.items() if q}
    if not wanted:
        raise DomainError("refund.nothing_left", receipt=sale.receipt_no)
    amount = 0
    for line_no, qty in wanted.items():
        whole(qty, Message(N_("line {line}: the quantity to refund"), line=line_no),
              limit=MAX_LINE_QTY, fen=False)  # fmt: skip
        line = sale_lines.get(line_no) if isinstance(line_no, int) else None
        if line is None:
            raise DomainError("refund.no_line", receipt=sale.receipt_no, line=line_no)
        left = line.quantity - line.refunded_qty
        if qty < 0 or qty > left:
            raise DomainError(
                "refund.too_many", line=line_no, description=line.description, left=left
            )
        amount += _line_amount(line, qty)
    before, after = sale.refunded_total, sale.refunded_total + amount
    if after > sale.total:
        raise DomainError("refund.exceeds", left=format_fen(sale.total - before))
    shop = shop_info(s)
    today = uow.today(shop.timezone)
    program = program_version(s, sale.program_version)
    tenders = {
        t.kind: t.amount
        for t in select_rows(s, TENDERS, ("kind", "amount"), "sale_id = ?", (sale.id,))
    }
    d = sale.details or {}
    # The sale's own points come back in proportion. Its first-month bonus is judged on its
    # own (_challenge_back); a referral bonus stays with the referrer, who is not the one
    # returning anything, and a sign-up bonus belongs to joining, not to a sale.
    earned_for_sale = sale.points_earned - d.get("first_month_bonus", 0)
    points_reversed = _share(earned_for_sale, *_earning_slice(sale, sale_lines, wanted, after))
    points_returned = _share(sale.points_redeemed, before, after, sale.total)
    principal, bonus, money_back = _parts_back(tenders, d, before, after, sale.total)
    # Read with a plain statement, whatever its status (a cancelled member may return goods),
    # and written back with one UPDATE at the end (save_member), as a sale does.
    member = read_member(s, sale.member_id) if sale.member_id else None
    refund_id = new_id()
    deducted, note, allow_negative = 0, "", False
    # Expiry follows the program in force (as the expiry job does). Once the sale's lot
    # has expired its points are gone either way: nothing is taken back, and a January
    # return after the yearly clearing is not refused as "points already spent".
    in_force = program_in_force(s)
    expires = lot_expires_on(in_force.program, sale.business_date) if in_force else None
    if member is not None and member.status == "cancelled":
        # The account is closed (its bonus lapsed and its principal was cashed out when it
        # was cancelled): the wallet's own money comes back in cash, the bonus part lapses
        # as the rest of it did, and the closed account's points are left as they are.
        if principal:
            money_back["cash"] = money_back.get("cash", 0) + principal
        principal = bonus = points_reversed = points_returned = 0
        note = CANCELLED_NOTE
    bonus_back = 0
    if member is not None and points_reversed and expires is not None and expires <= today:
        points_reversed, note = 0, EXPIRED_NOTE
    elif member is not None and points_reversed:
        bonus_back = _challenge_back(s, program, member, sale, points_reversed, shop.timezone)
    if member is not None and points_reversed + bonus_back > member.points + points_returned:
        policy = program.wallet.refund_policy
        short = points_reversed + bonus_back - member.points - points_returned
        note = POLICY_NAMES[policy]
        if policy == "refuse":
            raise DomainError("refund.points_spent", name=member.name, short=short)
        if policy == "allow_negative":
            allow_negative = True
        else:  # deduct_cash: the missing points' value comes off the money returned
            value = -(-short * 100 // program.redeem.points_per_yuan)  # round up to a fen
            deducted = _take_from(money_back, value)
            # Money going back to the wallet is money returned too: principal, then bonus.
            from_principal = min(principal, value - deducted)
            from_bonus = min(bonus, value - deducted - from_principal)
            principal, bonus = principal - from_principal, bonus - from_bonus
            deducted += from_principal + from_bonus
            if deducted < value:
                raise DomainError("refund.points_spent", name=member.name, short=short)
            cut = min(bonus_back, short)  # what was paid for is not taken as points
            bonus_back, points_reversed = bonus_back - cut, points_reversed - (short - cut)
    returned = refunded_lines(
        sale_lines, wanted, {n: ln.refunded_qty for n, ln in sale_lines.items()}
    )
    receipt_no = receipt_number(s, shop, today, "R")
    conn = raw_connection(s)
    conn.executemany(
        "UPDATE sale_lines SET refunded_qty = refunded_qty + ? WHERE sale_id = ? AND line_no = ?",
        [(qty, sale.id, line_no) for line_no, qty in wanted.items()],
    )
    conn.execute("UPDATE sales SET refunded_total = ? WHERE id = ?", (after, sale.id))
    moved: dict[str, GiftStock] = {}  # the gift stock the gifts taken back go into
    gifts = gifts_back(s, program, sale._replace(refunded_total=after), moved)
    row = Refund(
        id=refund_id, sale_id=sale.id, receipt_no=receipt_no, business_date=today, created_at=uow.now,
        cashier_id=actor.staff_id, shift_id=shift_id, authorised_by=allowed_by.name,
        member_id=sale.member_id, amount=amount, tenders=money_back,
        points_reversed=points_reversed, points_returned=points_returned,
        details={"lines": {str(k): v for k, v in wanted.items()}, "reason": reason,
                 "wallet_principal": principal, "wallet_bonus": bonus,
                 "deducted_for_points": deducted, "policy_note": note, "cashier": actor.name,
                 "bonus_reversed": bonus_back, "gifts_back": [g["name"] for g in gifts],
                 "gift_keys_back": gift_keys(gifts)},
    )  # fmt: skip
    uow.insert(Refund.__table__, row)
    coupon_back = return_in(uow, program, sale.id, refund_id, after == sale.total, today,
                            shop.store_code)  # fmt: skip
    if member is not None:
        post_points(
            uow,
            member,
            points_returned,
            "refund_return",
            today,
            sale_id=sale.id,
            refund_id=refund_id,
        )
        post_points(uow, member, -points_reversed, "refund_reverse", today, sale_id=sale.id,
                    refund_id=refund_id, allow_negative=allow_negative)  # fmt: skip
        post_points(uow, member, -bonus_back, "challenge", today, sale_id=sale.id,
                    refund_id=refund_id, note=gettext(CHALLENGE_BACK_NOTE, shop.language),
                    allow_negative=allow_negative)  # fmt: skip
        post_wallet(
            uow, member, principal, bonus, "refund", today, sale_id=sale.id, refund_id=refund_id
        )
        member.lifetime_spend -= amount
    uow.audit(
        "refund", staff_id=actor.staff_id, staff_name=actor.name,
        authorised_by=None if allowed_by is actor else allowed_by.name, target=sale.receipt_no,
        detail={"refund": receipt_no, "amount": amount, "lines": {str(k): v for k, v in wanted.items()}, "reason": reason},
    )  # fmt: skip
    uow.emit(
        "sale.refunded", refund_id,
        {"id": refund_id, "sale_id": sale.id, "receipt_no": receipt_no, "store_code": shop.store_code,
         "business_date": today.isoformat(), "member_id": sale.member_id, "amount": amount,
         "tenders": money_back, "wallet_principal": principal, "wallet_bonus": bonus,
         "points_reversed": points_reversed, "points_returned": points_returned,
         "deducted_for_points": deducted, "bonus_reversed": bonus_back,
         "gifts_back": [g["code"] for g in gifts], **stock_after(moved),
         # who gave the money back, in which shift, on whose authority, why, and the lines
         # taken back: the shift's expected cash and the sale's history read them
         "cashier_id": actor.staff_id, "shift_id": shift_id, "authorised_by": allowed_by.name,
         "cashier": actor.name, "reason": reason, "lines": row.details["lines"]},
    )  # fmt: skip
    if member is not None:
        save_member(s, member)  # its balances and spend, after the rows that explain them
    return RefundResult(
        refund_id=refund_id, receipt_no=receipt_no, sale_receipt_no=sale.receipt_no, business_date=today,
        amount=amount, tenders=money_back, points_reversed=points_reversed,
        points_returned=points_returned, wallet_principal=principal, wallet_bonus=bonus,
        deducted_for_points=deducted, policy_note=note, member_name=member.name if member else None,
        points_after=member.points if member else None,
        wallet_principal_after=member.wallet_principal if member else None,
        wallet_bonus_after=member.wallet_bonus if member else None,
        sale_refunded_total=after, sale_total=sale.total, authorised_by=allowed_by.name,
        bonus_reversed=bonus_back, coupon_returned=coupon_back,
        gifts_back=tuple(g["name"] for g in gifts), lines=returned, reason=reason,
    )  # fmt: skip


# A member's first-month points: what their purchases made inside the window earned,
# less what refunds of those purchases took back (whenever the refund was).
_WINDOW_EARNED = """SELECT COALESCE(SUM(p.delta), 0) FROM points_ledger p JOIN sales x ON x.id = p.sale_id
    WHERE p.member_id = ? AND p.kind IN ('earn', 'refund_reverse') AND x.business_date < ?"""


_CHALLENGE_HELD = (
    "SELECT COALESCE(SUM(delta), 0) FROM points_ledger WHERE member_id = ? AND kind = 'challenge'"
)


def _challenge_back(
    s: Session, program: Program, member: Member | MemberRow, sale: Any, reversing: int, tz: str
) -> int:
    """The first-month bonus to take back when this return leaves the member's first-month
    points short of the target the bonus was given for (0 when it still holds)."""
    challenge = program.promotions.first_month
    if challenge is None:
        return 0
    end = shop_date(member.joined_at, tz) + timedelta(days=challenge.days)
    if sale.business_date >= end:  # a later purchase never counted towards it
        return 0
    conn = raw_connection(s)
    held = conn.execute(_CHALLENGE_HELD, (member.id,)).fetchone()[0]
    if held <= 0:
        return 0
    earned = conn.execute(_WINDOW_EARNED, (member.id, end.isoformat())).fetchone()[0]
    return held if earned - reversing < challenge.target_points else 0


def _take_from(money_back: dict[str, int], value: int) -> int:
    """Keep back up to `value` fen, cash first; returns what was kept."""
    taken = 0
    for kind in ("cash", "wechat", "alipay", "card"):
        if taken >= value:
            break
        part = min(money_back.get(kind, 0), value - taken)
        if part:
            money_back[kind] -= part
            taken += part
    for kind in [k for k, v in money_back.items() if v == 0]:
        del money_back[kind]
    return taken

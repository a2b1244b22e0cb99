"""Checkout: one sale, one transaction.

The pure rules (discounts, redemption, earning, tiers) live in ``pricing``; this
module gathers the member's facts from the database, asks the rules, and writes
the sale, its lines and tenders, the ledger entries, the member's totals and the
outbox rows together. ``quote`` runs the very same computation without writing,
so what the till shows before "complete" is what the sale will be.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import KW_ONLY, dataclass, field, replace
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, inspect, or_, select
from sqlalchemy.orm import Session

from ..clock import DEFAULT_TZ, shop_date
from ..errors import DomainError
from ..i18n import DEFAULT_LANG, N_, Message, gettext, translate
from ..loyalty.calendar import birthday_occurrence, birthday_period_span
from ..loyalty.expiry import ExpiringPoints, expire_due_in, points_expired, points_expiring
from ..loyalty.ledger import POINTS, post_points, post_wallet
from ..loyalty.lots import Entry
from ..loyalty.pricing import (
    CartLine,
    EarnResult,
    MemberContext,
    Pricing,
    RedeemLimits,
    check_redemption,
    earn_points,
    price_sale,
    redeem_gift,
    redeem_limits,
    split_wallet_payment,
    tier_after_sale,
    tier_window_start,
)
from ..loyalty.program import TENDER_NAMES, Gift, Program
from ..loyalty.program_store import ensure_program, program_in_force
from ..members.birthdays import occurrences
from ..members.chain_policy import check_chain_spend
from ..members.member import birthday_of, change_tier
from ..money import MAX_FEN, MAX_LINE_FEN, MAX_POINTS, format_fen, whole
from ..shop.clock_check import require_clock_right
from ..shop.details import ShopInfo, next_counter, shop_info
from ..shop.staff import Actor
from ..store.database import Store
from ..store.models import GiftStock, Member, PointsEntry, Sale, SaleLine, SaleTender, new_id
from ..store.statements import raw_connection, select_rows, update_row
from ..store.uow import UnitOfWork
from ..text import check_text
from . import coupons as coupon_rules
from .manual import AppliedDiscount, ManualDiscount, apply_manual, approver_of, limits_in
from .paycodes import check_payment_code
from .receipts import SaleResult, birthday_note, member_snapshot, sale_result
from .spend_gifts import gift_keys, spend_gifts_for_sale, stock_after, stock_row

PAY_TENDERS = ("cash", "card", "wechat", "alipay")


# A line typed without a description (an amount-only sale) is stored with this name,
# in the shop's language.
DEFAULT_DESCRIPTION = N_("Item")


MAX_LINE_QTY = 9999


@dataclass(frozen=True)
class SaleLineInput:
    description: str
    unit_price: int  # fen
    quantity: int = 1
    category: str = ""
    no_discount: bool = False
    _: KW_ONLY  # the rest by name: several parts add fields here
    manual: ManualDiscount | None = None  # the cashier's own discount or price change (manual.py)
    # The price was typed by hand (a free-text line): changing it corrects it, while a
    # line with a list price (the catalogue's) takes a new price as a price change.
    price_typed: bool = False
    # A line of a catalogue item: the item, its code, its price for members, its points.
    item_id: str | None = None
    item_code: str = ""
    member_price: int | None = None  # fen
    earns_points: bool = True


@dataclass(frozen=True)
class CheckoutRequest:
    lines: tuple[SaleLineInput, ...] = ()
    member_id: str | None = None
    redeem_points: int = 0
    gift_code: str | None = None
    wallet: int = 0  # fen paid from stored value
    tenders: Mapping[str, int] = field(default_factory=dict)  # cash = what was handed over
    shift_id: str | None = None
    sale_discount: ManualDiscount | None = None  # a whole-sale discount given by hand
    references: Mapping[str, str] = field(default_factory=dict)  # tender → payment code (付款码)
    coupon: str | None = None  # a coupon's code, scanned or picked (till/coupons.py)


@dataclass(frozen=True)
class Computation:
    business_date: date
    pricing: Pricing
    limits: RedeemLimits | None
    points_value: int
    gift: Gift | None
    wallet_principal: int
    wallet_bonus: int
    applied: dict[str, int]  # tender → fen applied to the sale
    cash_tendered: int
    change: int
    due_after_points_wallet: int
    earn: EarnResult
    tier_before: str
    tier_after: str
    still_due: int = 0  # what the tenders typed so far leave to pay (0 once they cover it)
    manual: tuple[AppliedDiscount, ...] = ()  # what the discounts given by hand came to
    references: Mapping[str, str] = field(default_factory=dict)  # tender → payment code
    coupon: coupon_rules.CouponOnSale | None = None  # with what it takes off


MEMBERS = Member.__table__


MEMBER_KEYS = tuple(c.key for c in MEMBERS.columns)


_MEMBER_IDENTITY = inspect(Member).identity_key_from_primary_key


class MemberRow:
    """A member's row as a sale reads and changes it, without an ORM object.

    Every column of ``members`` is an attribute, so what is written for ``Member``
    (ledger postings, ``member_payload``, the receipt's snapshot) takes it as it is.
    It is read with a plain statement and what the sale changed is written back with
    one UPDATE (``sale_member``, ``save_member``): on the till's hot path the ORM's load
    and flush of the member cost more than the rest of the sale's Python.
    """

    def __init__(self, row: Any) -> None:
        self.__dict__.update(row._asdict())
        self._read = row

    def changes(self) -> dict[str, Any]:
        """The columns changed since the row was read, with their values now."""
        now = self.__dict__
        return {k: now[k] for k, was in zip(MEMBER_KEYS, self._read, strict=True) if now[k] != was}


def lowest_tier(program: Program) -> str:
    return program.tiers.levels[0].code


def member_tier(program: Program, member: Member | MemberRow) -> str:
    return member.tier if program.tier(member.tier) is not None else lowest_tier(program)


_SPEND = (
    "SELECT coalesce(sum(total - refunded_total), 0) FROM sales"
    " WHERE member_id = ? AND business_date >= ?"
)


def spend_in_window(session: Session, program: Program, member_id: str, today: date) -> int:
    """The member's net spend in the tier window (every sale asks; a prebuilt statement).

    Read on the transaction's connection: sales are inserted at once, and a refund
    flushes its changes to the sale before it returns.
    """
    start = tier_window_start(program, today)
    params = (member_id, start.isoformat() if start is not None else "")
    return int(raw_connection(session).execute(_SPEND, params).fetchone()[0] or 0)


def birthday_now(program: Program, m: Member | MemberRow, today: date) -> date | None:
    """The occurrence of the member's birthday whose privilege period holds ``today``."""
    privilege = program.promotions.birthday
    b = birthday_of(m) if privilege is not None else None
    if b is None:
        return None
    near = occurrences(b, today - timedelta(days=31), today + timedelta(days=31))
    return birthday_occurrence(privilege.period, near, today)


def member_context(
    session: Session, program: Program, m: Member | MemberRow, today: date, tz: str = DEFAULT_TZ
) -> MemberContext:
    occurrence, uses = birthday_now(program, m, today), 0
    # Only read inside the birthday period (by ``birthday_due``): most sales skip the query.
    if occurrence is not None:
        first, last = birthday_period_span(program.promotions.birthday.period, occurrence)
        uses = int(
            session.scalar(
                select(func.count())
                .select_from(Sale)
                .where(
                    Sale.member_id == m.id,
                    Sale.business_date.between(first, last),
                    func.json_extract(Sale.details, "$.birthday_used") == 1,
                    # A purchase returned in full never enjoyed the privilege: it is the
                    # member's again (a birthday gift handed over stays given).
                    or_(
                        Sale.refunded_total < Sale.total,
                        func.json_extract(Sale.details, "$.birthday_gift").is_not(None),
                    ),
                )
            )
            or 0
        )
    since_joining, challenge_given = 0, False
    challenge = program.promotions.first_month
    joined_on = shop_date(m.joined_at, tz)
    if challenge is not None and (today - joined_on).days < challenge.days:
        rows = session.execute(
            select(PointsEntry.kind, func.sum(PointsEntry.delta))
            .where(
                PointsEntry.member_id == m.id,
                PointsEntry.kind.in_(("earn", "challenge", "refund_reverse")),
            )
            .group_by(PointsEntry.kind)
        ).all()
        sums = dict(rows)
        since_joining = int(sums.get("earn", 0) + sums.get("refund_reverse", 0))
        challenge_given = sums.get("challenge", 0) > 0  # a return can take it back
    elif challenge is not None:
        challenge_given = True  # the window is over either way
    # Points past their date are not the member's to spend, even before the daily job
    # (which runs when the till starts) has cleared them.
    points = m.points - points_expired(session, program, m.id, m.points, today)
    return MemberContext(
        tier_code=member_tier(program, m), tier_locked=m.tier_locked, points_balance=points,
        wallet_principal_fen=m.wallet_principal, wallet_bonus_fen=m.wallet_bonus, joined_on=joined_on,
        birthday_occurrence=occurrence, birthday_uses=uses,
        has_purchased_before=m.visit_count > 0, has_referrer=m.referrer_id is not None,
        points_since_joining=since_joining, first_month_bonus_given=challenge_given,
    )  # fmt: skip


def usable_member(session: Session, member_id: str) -> Member:
    m = session.get(Member, member_id)
    if m is None:
        raise DomainError("member.not_found")
    _check_usable(m)
    return m


def read_member(session: Session, member_id: str) -> MemberRow:
    """The member's row, read without the ORM and whatever the member's status.

    A batch builder (demo, benchmark) may hold the member as an ORM object in the same
    transaction: its unsaved changes are flushed first, and ``save_member`` writes to it.
    """
    held = _held(session, member_id)
    if session.new or (held is not None and inspect(held).modified):
        session.flush()  # the plain read below sees only what is written
    rows = select_rows(session, MEMBERS, MEMBER_KEYS, "id = ?", (member_id,))
    if not rows:
        raise DomainError("member.not_found")
    return MemberRow(rows[0])


def sale_member(session: Session, member_id: str) -> MemberRow:
    """The member a sale is for, refused as ``usable_member`` refuses (``read_member``)."""
    m = read_member(session, member_id)
    _check_usable(m)
    return m


def save_member(session: Session, m: MemberRow) -> None:
    """Write what the sale changed of the member's row: one UPDATE, none when nothing did.

    When the session holds the member as an ORM object, the changes go to that object
    instead (flushed with the session, expired by a rollback to a savepoint), so what it
    holds never goes stale.
    """
    changes = m.changes()
    if not changes:
        return
    held = _held(session, m.id)
    if held is None:
        update_row(session, MEMBERS, changes, "id = ?", (m.id,))
    else:
        for key, value in changes.items():
            setattr(held, key, value)


def _held(session: Session, member_id: str) -> Member | None:
    """The session's ORM object for the member, when it has loaded one."""
    return session.identity_map.get(_MEMBER_IDENTITY((member_id,)))


def _check_usable(m: Member | MemberRow) -> None:
    if m.status == "lost":
        raise DomainError("member.lost", name=m.name)
    if m.status == "frozen":
        raise DomainError("member.frozen", name=m.name)
    if m.status == "cancelled":
        raise DomainError("member.cancelled", name=m.name)


def _cart(req: CheckoutRequest, lang: str = DEFAULT_LANG) -> list[CartLine]:
    lines = []
    for i, line in enumerate(req.lines, start=1):
        quantity = whole(line.quantity, Message(N_("line {line}: the quantity"), line=i),
                         limit=MAX_LINE_QTY, fen=False)  # fmt: skip
        if quantity < 1:
            reason = Message(N_("the quantity {quantity} is not valid"), quantity=line.quantity)
            raise DomainError("sale.line_invalid", line=i, reason=reason)
        price = whole(line.unit_price, Message(N_("line {line}: the unit price"), line=i),
                      limit=MAX_LINE_FEN)  # fmt: skip
        if price < 0:
            reason = Message(N_("the unit price {price} is not valid"), price=format_fen(price))
            raise DomainError("sale.line_invalid", line=i, reason=reason)
        whole(price * quantity, Message(N_("line {line}: the amount"), line=i), limit=MAX_LINE_FEN)
        description = (line.description or gettext(DEFAULT_DESCRIPTION, lang)).strip()[:120]
        # Typed by hand on a free-text line: head office refuses such text, as the till does
        # an item's name (core/text.py).
        check_text(description, Message(N_("line {line}: the description"), line=i))
        member_price = line.member_price
        if member_price is not None:
            whole(member_price, Message(N_("line {line}: the member price"), line=i),
                  limit=MAX_LINE_FEN)  # fmt: skip
            if member_price < 0:
                reason = Message(N_("the member price {price} is not valid"),
                                 price=format_fen(member_price))  # fmt: skip
                raise DomainError("sale.line_invalid", line=i, reason=reason)
        category, flags = line.category or None, (line.no_discount, member_price, line.earns_points)
        lines.append(CartLine(description, quantity, price, category, *flags))
    return lines


@contextmanager
def _refusing(part: str) -> Iterator[None]:
    """A refusal raised inside is of `part` of the sale (DomainError.part): the points, the
    gift, the coupon, the stored value or one tender, which the rest stands without."""
    try:
        yield
    except DomainError as exc:
        exc.part = exc.part or part
        raise


def _check_tenders(tenders: Mapping[str, int]) -> dict[str, int]:
    clean = {}
    for kind, amount in tenders.items():
        with _refusing(kind):
            if kind not in PAY_TENDERS:
                raise DomainError("tender.unknown", tender=kind)
            whole(amount, Message(TENDER_NAMES[kind]), limit=MAX_FEN)
            if amount < 0:
                raise DomainError("amount.negative")
        if amount:
            clean[kind] = amount
    return clean


def _check_references(references: Mapping[str, str], tenders: Mapping[str, int]) -> dict[str, str]:
    """Each payment code belongs to its app's tender, and that tender pays something."""
    clean = {}
    for kind, code in references.items():
        if not code:
            continue
        with _refusing(kind):
            clean[kind] = check_payment_code(kind, code)
            if not tenders.get(kind):
                raise DomainError("paycode.no_amount", tender=Message(TENDER_NAMES[kind]))
    return clean


def compute(
    session: Session, program: Program, member: Member | MemberRow | None, req: CheckoutRequest,
    today: date,
    *, require_full_payment: bool = True, stock_left: int | None = None, tz: str = DEFAULT_TZ,
    lang: str = DEFAULT_LANG,
) -> Computation:  # fmt: skip
    lines = _cart(req, lang)
    if not lines and not req.gift_code:
        raise DomainError("sale.empty")
    with _refusing("points"):
        whole(req.redeem_points, N_("the points redeemed"), limit=MAX_POINTS, fen=False)
        if req.redeem_points < 0:
            raise DomainError("amount.negative")
    with _refusing("wallet"):
        whole(req.wallet, N_("the stored-value payment"), limit=MAX_FEN)
        if req.wallet < 0:
            raise DomainError("amount.negative")
    tenders = _check_tenders(req.tenders)
    if member is None and (req.redeem_points or req.wallet or req.gift_code):
        raise DomainError("sale.walk_in_points")
    ctx = member_context(session, program, member, today, tz) if member is not None else None
    pricing = price_sale(program, ctx, lines, today)
    pricing, manual = apply_manual(
        pricing, [ln.manual for ln in req.lines], req.sale_discount,
        no_earn_on_no_discount=not program.earn.no_discount_lines_earn,
    )  # fmt: skip
    coupon = None
    if req.coupon:
        with _refusing("coupon"):
            coupon = coupon_rules.check_coupon(session, program, req.coupon,
                                               member.id if member else None, today)  # fmt: skip
        with _refusing("points"):  # the coupon on the sale refuses the points typed
            coupon_rules.check_points(coupon, req.redeem_points)
        with _refusing("coupon"):
            pricing, coupon = coupon_rules.apply_coupon(
                pricing,
                coupon,
                req.lines,
                no_earn_on_no_discount=not program.earn.no_discount_lines_earn,
            )
    due = pricing.total_fen
    limits = redeem_limits(program, ctx, due, today) if ctx is not None else None
    with _refusing("points"):
        try:
            points_value = (
                check_redemption(program, ctx, req.redeem_points, due, today)
                if req.redeem_points
                else 0
            )
        except DomainError as exc:
            # 3450 typed where 3400 is the most: "whole units of 100" would not say the limit.
            if (
                exc.code == "redeem.unit"
                and limits is not None
                and 0 < limits.max_points < req.redeem_points
            ):
                raise DomainError("points.over_max", points=req.redeem_points,
                                  most=limits.max_points,
                                  value=format_fen(limits.max_value_fen)) from exc  # fmt: skip
            raise
    gift = None
    if req.gift_code:
        with _refusing("gift"):
            gift = redeem_gift(program, ctx, req.gift_code, today, stock_left)
        needed = req.redeem_points + gift.points
        if ctx is not None and needed > ctx.points_balance:
            # the gift was taken with the points it needs: the points typed besides are refused
            with _refusing("points" if req.redeem_points else "gift"):
                raise DomainError(
                    "points.insufficient", name=member.name, have=ctx.points_balance, need=needed
                )
    due -= points_value
    from_principal = from_bonus = 0
    if req.wallet:
        with _refusing("wallet"):
            if req.wallet > due:
                raise DomainError("wallet.over_due", wallet=format_fen(req.wallet),
                                  due=format_fen(due))  # fmt: skip
            if req.wallet > member.wallet_principal + member.wallet_bonus:
                raise DomainError(
                    "wallet.insufficient", name=member.name,
                    have=format_fen(member.wallet_principal + member.wallet_bonus), need=format_fen(req.wallet),
                )  # fmt: skip
        from_principal, from_bonus = split_wallet_payment(
            program, req.wallet, member.wallet_principal, member.wallet_bonus
        )
    due -= req.wallet
    non_cash = {k: v for k, v in tenders.items() if k != "cash"}
    left = due
    for kind, paid in non_cash.items():
        if paid > left:  # said of the tender that takes it over what is due
            with _refusing(kind):
                raise DomainError("tender.over", kind=Message(TENDER_NAMES[kind]),
                                  paid=format_fen(paid), due=format_fen(left))  # fmt: skip
        left -= paid
    references = _check_references(req.references, tenders)
    cash_needed = due - sum(non_cash.values())
    cash_given = tenders.get("cash", 0)
    still_due = max(0, cash_needed - cash_given)
    if require_full_payment and cash_given < cash_needed:
        raise DomainError("tender.short", missing=format_fen(cash_needed - cash_given))
    change = max(0, cash_given - cash_needed)
    applied = dict(non_cash)
    if cash_given - change:
        applied["cash"] = cash_given - change
    if req.wallet:
        applied["wallet"] = req.wallet
    if points_value:
        applied["points"] = points_value
    tier_before = member_tier(program, member) if member is not None else ""
    tier_after = tier_before
    if member is not None and pricing.total_fen > 0:
        spent = spend_in_window(session, program, member.id, today) + pricing.total_fen
        tier_after = tier_after_sale(program, tier_before, member.tier_locked, spent)
    earn = (
        earn_points(
            program,
            ctx,
            applied,
            today,
            tier_after or None,
            no_earn_fen=pricing.no_earn_fen,
            wallet_bonus_fen=from_bonus,
        )
        if ctx
        else EarnResult()
    )
    return Computation(
        business_date=today, pricing=pricing, limits=limits, points_value=points_value, gift=gift,
        wallet_principal=from_principal, wallet_bonus=from_bonus, applied=applied,
        cash_tendered=cash_given, change=change, due_after_points_wallet=due, earn=earn,
        tier_before=tier_before, tier_after=tier_after, still_due=still_due, manual=manual,
        references=references, coupon=coupon,
    )  # fmt: skip


def quote(store: Store, req: CheckoutRequest) -> Computation:
    """What the sale would be, without writing anything (tenders may still be short)."""
    with store.read() as s:
        return quote_in(s, store.clock.now(), req)


def quote_in(s: Session, now: datetime, req: CheckoutRequest) -> Computation:
    """`quote` inside a caller's transaction, at `now`."""
    shop = shop_info(s)
    current = program_in_force(s)
    program = current.program if current else _default_program()
    member = sale_member(s, req.member_id) if req.member_id else None
    today = shop_date(now, shop.timezone)
    return compute(s, program, member, req, today, require_full_payment=False,
                   stock_left=gift_stock_left(s, program.gift(req.gift_code)),
                   tz=shop.timezone, lang=shop.language)  # fmt: skip


@dataclass(frozen=True)
class Refusal:
    """A part of the sale core refuses, and why."""

    part: str  # "points", "gift", "coupon", "wallet", or a tender ("cash", "card", …)
    error: DomainError


@dataclass(frozen=True)
class StandingQuote:
    """What the sale comes to with the parts core takes; those it refuses count as none."""

    computation: Computation
    request: CheckoutRequest  # what was quoted: the request without the parts refused
    refused: tuple[Refusal, ...] = ()


def _without(req: CheckoutRequest, part: str) -> CheckoutRequest | None:
    """`req` without its `part` (with a tender, its payment code), or None: nothing to take
    out, the refusal is of the whole sale."""
    if part == "points" and req.redeem_points:
        return replace(req, redeem_points=0)
    if part == "wallet" and req.wallet:
        return replace(req, wallet=0)
    if part == "gift" and req.gift_code:
        return replace(req, gift_code=None)
    if part == "coupon" and req.coupon:
        return replace(req, coupon=None)
    if part in req.tenders or part in req.references:
        return replace(
            req,
            tenders={k: v for k, v in req.tenders.items() if k != part},
            references={k: v for k, v in req.references.items() if k != part},
        )
    return None


def quote_standing(store: Store, req: CheckoutRequest) -> StandingQuote:
    """`quote`, with each part of the sale core refuses — the points, the gift, the coupon,
    the stored value, a tender — counted as none and said why, the others still paying: what
    the amounts it takes cover while the one refused is put right. A refusal of the whole
    sale (its lines, its member) is raised as `quote` raises it."""
    refused: list[Refusal] = []
    with store.read() as s:
        now = store.clock.now()
        while True:
            try:
                return StandingQuote(quote_in(s, now, req), req, tuple(refused))
            except DomainError as exc:
                rest = _without(req, exc.part)
                if rest is None:
                    raise
                refused.append(Refusal(exc.part, exc))
                req = rest


def gift_stock_left(session: Session, gift: Gift | None) -> int | None:
    """What is left of a gift with limited stock (None: not counted), without writing."""
    if gift is None or gift.stock is None:
        return None
    row = session.get(GiftStock, gift.code)
    return gift.stock if row is None else row.remaining


def _default_program() -> Program:
    from ..loyalty.program import preset
    from ..loyalty.program_store import DEFAULT_PRESET

    return preset(DEFAULT_PRESET)


def receipt_number(session: Session, shop: ShopInfo, today: date, kind: str = "") -> str:
    """Sequential per terminal, per business day and per kind; the counter never goes back.

    Each kind (sale "", refund "R", top-up "T" …) has its own series, so a top-up between
    two sales does not leave a gap in the sales numbers an auditor would ask about.
    """
    seq = next_counter(session, f"receipt.seq.{kind}{today:%Y%m%d}")
    return f"{shop.store_code}-{shop.terminal_code}-{today:%y%m%d}-{kind}{seq:04d}"


def _gift_stock(session: Session, gift: Gift | None) -> GiftStock | None:
    """The gift's stock row, to be counted down (created from the catalogue on first use)."""
    return stock_row(session, gift.code, gift.stock) if gift is not None else None


def checkout(store: Store, actor: Actor, req: CheckoutRequest) -> SaleResult:
    with store.write() as uow:
        return checkout_in(uow, actor, req)


def checkout_in(uow: UnitOfWork, actor: Actor, req: CheckoutRequest) -> SaleResult:
    """The sale inside a caller's transaction (the demo and benchmark builders batch these)."""
    s = uow.session
    require_clock_right(s)
    shop = shop_info(s)
    current = ensure_program(uow)
    program = current.program
    today = uow.today(shop.timezone)
    member = sale_member(s, req.member_id) if req.member_id else None
    if member is not None:  # expired since the daily job ran: cleared before the sale
        expire_due_in(uow, program, member, today, shop.language)
    stock_row = _gift_stock(s, program.gift(req.gift_code)) if req.gift_code else None
    c = compute(
        s, program, member, req, today, stock_left=stock_row.remaining if stock_row else None,
        tz=shop.timezone, lang=shop.language,
    )  # fmt: skip
    if member is not None:  # a balance other stores may be spending too: the chain's policy
        check_chain_spend(s, member, points=req.redeem_points + (c.gift.points if c.gift else 0),
                          wallet=req.wallet, now=uow.now, today=today)  # fmt: skip
    # Discounts given by hand: within the cashier's own limit, or approved by someone's PIN.
    approvers = [approver_of(limits_in(s), actor, a) for a in c.manual] if c.manual else []
    sale_id = new_id()
    receipt_no = receipt_number(s, shop, today)
    p = c.pricing
    # Plain records, not ORM objects (which cost more to build than to write): the receipt
    # and the outbox payload read their attributes, the INSERTs their live dicts.
    sale = SimpleNamespace(
        id=sale_id, receipt_no=receipt_no, business_date=today, created_at=uow.now,
        cashier_id=actor.staff_id, shift_id=req.shift_id, member_id=member.id if member else None,
        program_version=current.version, subtotal=p.subtotal_fen, discount_total=p.discount_fen,
        total=p.total_fen, points_redeemed=req.redeem_points, points_value=c.points_value,
        cash_tendered=c.cash_tendered, change_given=c.change, points_earned=c.earn.total_points,
        refunded_total=0, details=None,
    )  # fmt: skip
    lines = [
        SimpleNamespace(
            sale_id=sale_id, line_no=i, description=pl.line.description, quantity=pl.line.quantity,
            unit_price=pl.line.unit_price_fen, category=pl.line.category or "",
            no_discount=pl.no_discount, discount=pl.discount_fen,
            discount_kind=pl.discount_kind or "", amount=pl.net_fen, refunded_qty=0,
            item_id=given.item_id, item_code=given.item_code[:40] if given.item_id else "",
        )
        for i, (pl, given) in enumerate(zip(p.lines, req.lines, strict=True), start=1)
    ]  # fmt: skip
    tenders = [
        SimpleNamespace(sale_id=sale_id, kind=k, amount=v, reference=c.references.get(k, ""))
        for k, v in c.applied.items()
    ]
    with uow.rows():  # written at the end of the block, the sale first; details filled last
        uow.insert(SALES, vars(sale))
        for line in lines:
            uow.insert(SALE_LINES, vars(line))
        for tender in tenders:
            uow.insert(SALE_TENDERS, vars(tender))
        moved: dict[str, GiftStock] = {}  # the gift stock this sale counts out
        entries = (
            _post(uow, member, req, c, today, sale_id, stock_row, shop.language, moved)
            if member
            else {}
        )
        if c.manual:
            entries["manual_discounts"] = _manual_records(uow, actor, c.manual, approvers, sale)
        earned = spend_gifts_for_sale(s, program, sale.member_id, p.total_fen, today, moved)
        if earned:  # gifts for spend, handed over with the sale
            entries["spend_gifts"], entries["spend_gift_keys"] = earned, gift_keys(earned)
        entries.update(coupon_rules.on_sale(uow, program, c, member, sale_id, today, shop, actor))
        expiring = _expiring_after(uow, program, member, today) if member else None
        sale.details = _details(c, member, program, actor, entries, shop.language, expiring)
        uow.emit("sale.completed", sale_id, _payload(sale, lines, c, shop, actor, moved))
    if member is not None:
        save_member(s, member)  # its totals, balances and tier, after the rows that explain them
    return sale_result(sale, lines, tenders, shop)


def _post(
    uow: UnitOfWork, member: MemberRow, req: CheckoutRequest, c: Computation, today: date,
    sale_id: str, stock_row: GiftStock | None, lang: str = DEFAULT_LANG,
    moved: dict[str, GiftStock] | None = None,
) -> dict[str, int]:  # fmt: skip
    """The member's side of a sale: ledger entries, totals, tier."""
    entries: dict[str, int] = {}
    if req.redeem_points:
        post_points(uow, member, -req.redeem_points, "redeem", today, sale_id=sale_id)
    if c.gift is not None:
        post_points(uow, member, -c.gift.points, "gift", today, sale_id=sale_id, note=c.gift.name)
        if stock_row is not None:
            stock_row.remaining -= 1
            if moved is not None:
                moved[stock_row.code] = stock_row
    post_wallet(uow, member, -c.wallet_principal, -c.wallet_bonus, "pay", today, sale_id=sale_id)
    post_points(uow, member, c.earn.sale_points, "earn", today, sale_id=sale_id)
    post_points(
        uow, member, c.earn.first_month_bonus, "challenge", today, sale_id=sale_id,
        note=gettext(N_("First-month challenge bonus"), lang),
    )  # fmt: skip
    if c.earn.referral_bonus_to_referrer and member.referrer_id:
        referrer = uow.session.get(Member, member.referrer_id)
        if referrer is not None and referrer.status != "cancelled":
            post_points(uow, referrer, c.earn.referral_bonus_to_referrer, "referral", today,
                        sale_id=sale_id, note=translate(N_("{name}'s first purchase (referred)"),
                                                        lang, name=member.name))  # fmt: skip
            entries["referral"] = c.earn.referral_bonus_to_referrer
    if c.pricing.total_fen > 0:
        member.lifetime_spend += c.pricing.total_fen
        member.visit_count += 1
        member.last_visit_at = uow.now
    if c.tier_after != member.tier:
        change_tier(uow, member, c.tier_after, "sale")
    return entries


def _expiring_after(
    uow: UnitOfWork, program: Program, member: MemberRow, today: date
) -> ExpiringPoints | None:
    """The member's points that expire next, after this sale: its points entries are not
    written yet, so they are replayed after the ledger's."""
    mine = [r for r in uow.pending(POINTS) if r["member_id"] == member.id]
    pending = [Entry(r["kind"], r["delta"], r["business_date"], r["sale_id"], r["refund_id"])
               for r in mine]  # fmt: skip
    return points_expiring(uow.session, program, member.id, member.points, today, pending=pending)


def _manual_records(
    uow: UnitOfWork, actor: Actor, applied: tuple[AppliedDiscount, ...],
    approvers: list[Actor | None], sale: SimpleNamespace,
) -> list[dict[str, Any]]:  # fmt: skip
    """The sale's manual discounts as its details keep them, each audited: who gave it, who
    approved it, the line, and the amounts before and after."""
    records = []
    for a, approver in zip(applied, approvers, strict=True):
        record = {
            "line": a.line, "item": a.description, "kind": a.discount.kind,
            "value": a.discount.value, "zhe": a.discount.zhe, "off": a.off, "base": a.base,
            "before": a.before, "after": a.after,
            "approved_by": approver.name if approver is not None else None,
        }  # fmt: skip
        records.append(record)
        uow.audit("sale.discount", staff_id=actor.staff_id, staff_name=actor.name,
                  authorised_by=approver.name if approver is not None else None,
                  target=sale.receipt_no, detail={"sale_id": sale.id, **record})  # fmt: skip
    return records


SALES = Sale.__table__


SALE_LINES = SaleLine.__table__


SALE_TENDERS = SaleTender.__table__


def _details(
    c: Computation, member: MemberRow | None, program: Program, actor: Actor, extra: dict,
    lang: str = DEFAULT_LANG, expiring: ExpiringPoints | None = None,
) -> dict:  # fmt: skip
    tier = program.tier(c.tier_after) if c.tier_after else None
    # The lines that earned no points (the item's or its category's rule, 不打折 where the
    # program says so): a return of them takes none of the sale's points back.
    no_earn = [
        no for no, pl in enumerate(c.pricing.lines, start=1)
        if not pl.earns_points or (pl.no_discount and not program.earn.no_discount_lines_earn)
    ]  # fmt: skip
    return {
        "cashier": actor.name,
        **({"no_earn_lines": no_earn} if no_earn else {}),
        "discount_by_kind": dict(c.pricing.discount_by_kind),
        "discount_percent": c.pricing.discount_percent,
        # A gift that is due is handed over with this sale: that uses the privilege too.
        "birthday_used": 1 if (c.pricing.birthday_use_consumed or c.earn.birthday_use_consumed
                               or c.pricing.birthday_gift) else 0,
        "birthday_gift": c.pricing.birthday_gift,
        "gift": {"code": c.gift.code, "name": c.gift.name, "points": c.gift.points} if c.gift else None,
        "wallet_principal": c.wallet_principal,
        "wallet_bonus": c.wallet_bonus,
        "earn_parts": [{"kind": part.kind, "points": part.points, "multiplier": part.multiplier_percent} for part in c.earn.parts],
        "first_month_bonus": c.earn.first_month_bonus,
        "tier_before": c.tier_before,
        "tier_after": c.tier_after,
        "tier_name": tier.name if tier else "",
        "member": member_snapshot(member, tier.name if tier else "",
                                  birthday_note(program, member, c.business_date, lang), expiring)
        if member
        else None,
        **extra,
    }  # fmt: skip


def _payload(
    sale: SimpleNamespace,
    lines: list[SimpleNamespace],
    c: Computation,
    shop: ShopInfo,
    actor: Actor,
    moved: dict[str, GiftStock] | None = None,
) -> dict:
    return {
        "id": sale.id, "receipt_no": sale.receipt_no, "store_code": shop.store_code,
        "terminal_id": shop.terminal_id, "business_date": sale.business_date.isoformat(),
        "created_at": sale.created_at.isoformat(), "cashier": actor.name, "member_id": sale.member_id,
        "subtotal": sale.subtotal, "discount": sale.discount_total, "total": sale.total,
        "tenders": dict(c.applied), "change": c.change, "points_earned": sale.points_earned,
        "points_redeemed": sale.points_redeemed, "points_value": sale.points_value,
        "wallet_principal_used": c.wallet_principal, "wallet_bonus_used": c.wallet_bonus,
        "program_version": sale.program_version,
        "discount_by_kind": dict(c.pricing.discount_by_kind),
        # Who sold it and in which shift (the sales journal's cashier, the shift's expected
        # cash), the gift for points it handed over (its slip can be printed again) and the
        # gift stock it counted out, as they are after it.
        "cashier_id": sale.cashier_id, "shift_id": sale.shift_id,
        "gift": sale.details.get("gift"), **stock_after(moved or {}),
        # What a refund reads of the sale's details, sealed with it: the lines that earned no
        # points (their return takes none back) and the gifts for spend it handed over (taken
        # back by a return, and found by the once-a-period test). Always present, so that
        # one added in the file to a sale that had none is seen.
        "no_earn_lines": sale.details.get("no_earn_lines", []),
        "spend_gifts": sale.details.get("spend_gifts", []),
        **({"tender_refs": dict(c.references)} if c.references else {}),
        "lines": [
            {"no": ln.line_no, "description": ln.description, "quantity": ln.quantity,
             "unit_price": ln.unit_price, "discount": ln.discount, "amount": ln.amount,
             "discount_kind": ln.discount_kind,
             **({"item_id": ln.item_id, "item_code": ln.item_code} if ln.item_id else {})}
            for ln in lines
        ],
    }  # fmt: skip

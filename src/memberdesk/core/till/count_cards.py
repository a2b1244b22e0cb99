"""Count cards (次卡): so many visits of one catalogue item or category, paid up front.

Sold at the till to a member (counts, validity, what it covers, the price, a tender);
one count used per visit, only once the member has confirmed it, with the counts left
printed on the slip; the unused counts refunded by the program's rule (a manager's
act), or expired by the daily job once the card's validity is over. Each act is one
transaction with its ledger entry, the card's cached count and its outbox rows, as the
wallet does; `check` proves counts sold = used + refunded + expired + left.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..clock import shop_date
from ..errors import DomainError
from ..i18n import N_
from ..loyalty.program import CountCardRule
from ..loyalty.program_store import ensure_program, program_version
from ..members.phone import mask_phone
from ..money import MAX_FEN, format_fen, whole
from ..shop.clock_check import require_clock_right
from ..shop.details import ShopInfo, shop_info
from ..shop.staff import Actor, require
from ..store.database import Store
from ..store.models import CountCard, CountCardEntry, Item, Member, Staff, new_id
from ..store.uow import UnitOfWork
from .checkout import PAY_TENDERS, receipt_number, usable_member

MAX_COUNTS = 1000
MAX_VALID_DAYS = 3650
EXPIRY_BATCH = 200  # cards per write transaction of the expiry job

# How each kind of entry reads in a card's history (translated where shown).
ENTRY_KIND_NAMES = {
    "sold": N_("Sold"), "use": N_("Used"), "refund": N_("Refunded"), "expire": N_("Expired"),
}  # fmt: skip


@dataclass(frozen=True)
class CountCardForm:
    """A card to sell: what it covers (an item's code, or a category), counts, price."""

    name: str
    counts: int
    price: int  # fen
    tender: str
    item_code: str | None = None
    category: str | None = None
    valid_days: int | None = None  # None: no end


@dataclass(frozen=True)
class CountCardView:
    id: str
    receipt_no: str
    member_id: str
    name: str
    covers: str  # the item's name, or the category
    item_id: str | None
    category: str | None
    counts: int
    left: int
    price: int
    expires_on: date | None  # the first day it no longer works
    sold_on: date

    def usable_on(self, day: date) -> bool:
        return self.left > 0 and (self.expires_on is None or day < self.expires_on)


@dataclass(frozen=True)
class CountCardSlip:
    """What the slip of a sale, a use or a refund of a card prints."""

    kind: str  # sold | use | refund | expire
    receipt_no: str
    business_date: date
    card: CountCardView
    member_name: str
    card_no: str
    counts: int  # counts this act moved (positive)
    amount: int  # fen: paid for the card, or given back
    tender: str
    cashier: str
    entry_id: str = ""  # its ledger entry: what the slip is printed (and reprinted) from
    phone_masked: str = ""


@dataclass(frozen=True)
class CountCardEntryView:
    business_date: date
    kind: str
    delta: int
    left_after: int
    amount: int
    receipt_no: str | None
    note: str


def _view(session: Session, card: CountCard) -> CountCardView:
    covers = card.category or ""
    if card.item_id is not None:
        item = session.get(Item, card.item_id)
        covers = item.name if item is not None else ""
    return CountCardView(
        card.id, card.receipt_no, card.member_id, card.name, covers, card.item_id, card.category,
        card.counts, card.counts_left, card.price, card.expires_on, card.business_date,
    )  # fmt: skip


def _card_payload(card: CountCard, shop: ShopInfo) -> dict:
    return {
        "id": card.id, "receipt_no": card.receipt_no, "member_id": card.member_id,
        "name": card.name, "item_id": card.item_id, "category": card.category,
        "counts": card.counts, "price": card.price, "visit_price": card.visit_price,
        "tender": card.tender, "business_date": card.business_date.isoformat(),
        "expires_on": card.expires_on.isoformat() if card.expires_on else None,
        "store_code": shop.store_code,
    }  # fmt: skip


def _post(
    uow: UnitOfWork, shop: ShopInfo, card: CountCard, delta: int, kind: str, today: date, *,
    receipt_no: str | None = None, amount: int = 0, tender: str | None = None,
    actor: Actor | None = None, shift_id: str | None = None, note: str = "",
) -> str:  # fmt: skip
    """Append a ledger entry, move the card's cached count, and write the entry's outbox row
    (a card just sold already holds its counts: the entry only records them)."""
    if kind != "sold":
        if card.counts_left + delta < 0:
            raise DomainError("countcard.used_up", name=card.name)
        card.counts_left += delta
    entry_id = new_id()
    row = {
        "id": entry_id, "card_id": card.id, "member_id": card.member_id, "created_at": uow.now,
        "business_date": today, "delta": delta, "kind": kind, "receipt_no": receipt_no,
        "amount": amount, "tender": tender, "cashier_id": actor.staff_id if actor else None,
        "shift_id": shift_id, "left_after": card.counts_left, "note": note,
    }  # fmt: skip
    uow.insert(CountCardEntry.__table__, row)
    payload = {k: v for k, v in row.items() if k != "created_at"}
    payload["business_date"] = today.isoformat()
    payload["store_code"] = shop.store_code
    uow.emit("countcard.entry", entry_id, payload)
    return entry_id


def _covered(session: Session, form: CountCardForm) -> tuple[Item | None, str | None]:
    """The item (by code) or the category the card covers; exactly one of them."""
    code, category = (form.item_code or "").strip(), (form.category or "").strip()
    if bool(code) == bool(category):
        raise DomainError("countcard.covers")
    if code:
        item = session.scalar(select(Item).where(Item.code == code))
        if item is None or not item.active:
            raise DomainError("countcard.no_item", code=code)
        return item, None
    if session.scalar(select(Item.id).where(Item.category == category).limit(1)) is None:
        raise DomainError("countcard.no_category", category=category)
    return None, category


def _check_form(form: CountCardForm) -> str:
    name = (form.name or "").strip()
    if not name:
        raise DomainError("countcard.name")
    if len(name) > 80:
        raise DomainError("name.too_long", max=80)
    whole(form.counts, N_("the number of visits"), limit=MAX_COUNTS, fen=False)
    if form.counts < 1:
        raise DomainError("countcard.counts", max=MAX_COUNTS)
    whole(form.price, N_("the card's price"), limit=MAX_FEN)
    if form.price < 0:
        raise DomainError("countcard.price")
    if form.valid_days is not None:
        whole(form.valid_days, N_("the days it is valid"), limit=MAX_VALID_DAYS, fen=False)
        if form.valid_days < 1:
            raise DomainError("countcard.valid_days", max=MAX_VALID_DAYS)
    if form.tender not in PAY_TENDERS:
        raise DomainError("countcard.tender")
    return name


def sell_count_card(
    store: Store, actor: Actor, member_id: str, form: CountCardForm, *,
    shift_id: str | None = None,
) -> CountCardSlip:  # fmt: skip
    """Sell a card to a member: paid now, its counts on its ledger, a slip to print."""
    name = _check_form(form)
    with store.write() as uow:
        s = uow.session
        require_clock_right(s)
        member = usable_member(s, member_id)
        item, category = _covered(s, form)
        in_force = ensure_program(uow)
        limit = in_force.program.wallet.principal_limit_fen
        if limit and form.price > limit:  # a registered prepaid card, as stored value is
            raise DomainError("countcard.over_limit", price=format_fen(form.price),
                              limit=format_fen(limit))  # fmt: skip
        shop = shop_info(s)
        today = uow.today(shop.timezone)
        receipt = receipt_number(s, shop, today, "K")
        card = CountCard(
            id=new_id(), receipt_no=receipt, member_id=member.id, name=name,
            item_id=item.id if item else None, category=category, counts=form.counts,
            price=form.price, visit_price=item.price if item else 0, tender=form.tender,
            sold_at=uow.now, business_date=today,
            expires_on=today + timedelta(days=form.valid_days) if form.valid_days else None,
            cashier_id=actor.staff_id, shift_id=shift_id,
            program_version=in_force.version, counts_left=form.counts,
        )  # fmt: skip
        s.add(card)
        s.flush()
        uow.emit("countcard.sold", card.id, {**_card_payload(card, shop), "cashier": actor.name})
        entry = _post(uow, shop, card, form.counts, "sold", today, receipt_no=receipt,
                      amount=form.price, tender=form.tender, actor=actor, shift_id=shift_id)  # fmt: skip
        return CountCardSlip("sold", receipt, today, _view(s, card), member.name, member.card_no,
                             form.counts, form.price, form.tender, actor.name, entry,
                             mask_phone(member.phone))  # fmt: skip


def _card(session: Session, ref: str) -> CountCard:
    card = session.get(CountCard, ref) or session.scalar(
        select(CountCard).where(CountCard.receipt_no == ref)
    )
    if card is None:
        raise DomainError("countcard.not_found")
    return card


def use_count_card(
    store: Store, actor: Actor, card_ref: str, *, member_confirmed: bool,
    shift_id: str | None = None,
) -> CountCardSlip:  # fmt: skip
    """One visit: one count, only with the member's confirmation; the slip shows the rest."""
    if not member_confirmed:
        raise DomainError("countcard.unconfirmed")
    with store.write() as uow:
        s = uow.session
        require_clock_right(s)
        card = _card(s, card_ref)
        member = usable_member(s, card.member_id)
        shop = shop_info(s)
        today = uow.today(shop.timezone)
        _still_valid(card, today)
        receipt = receipt_number(s, shop, today, "U")
        entry = _post(uow, shop, card, -1, "use", today, receipt_no=receipt, actor=actor,
                      shift_id=shift_id)  # fmt: skip
        return CountCardSlip("use", receipt, today, _view(s, card), member.name, member.card_no,
                             1, 0, "", actor.name, entry, mask_phone(member.phone))  # fmt: skip


def refund_value(rule: CountCardRule, card: CountCard, left: int) -> int:
    """What a member gets back for `left` unused counts of `card`, by the program's rule."""
    if rule.refund == "none" or left <= 0:
        return 0
    if rule.refund == "visit_price" and card.visit_price > 0:
        used = card.counts - left
        return max(0, card.price - used * card.visit_price)
    return card.price * left // card.counts


def _refund_rule(session: Session, card: CountCard) -> CountCardRule:
    """The rule of the program the card was sold under (a later change does not reach it)."""
    return program_version(session, card.program_version).count_cards


def _still_valid(card: CountCard, today: date) -> None:
    """Visits left, and within the card's validity: what may be used may be refunded."""
    if card.counts_left <= 0:
        raise DomainError("countcard.used_up", name=card.name)
    if card.expires_on is not None and today >= card.expires_on:
        raise DomainError("countcard.expired", name=card.name,
                          date=f"{card.expires_on - timedelta(days=1):%Y-%m-%d}")  # fmt: skip


def refund_preview(store: Store, card_ref: str) -> int:
    """The money a refund of the card's unused counts would give back now."""
    with store.read() as s:
        card = _card(s, card_ref)
        _still_valid(card, shop_date(store.clock.now(), shop_info(s).timezone))
        return refund_value(_refund_rule(s, card), card, card.counts_left)


def refund_count_card(
    store: Store, actor: Actor, card_ref: str, *, authoriser: Actor | None = None,
    reason: str = "", shift_id: str | None = None,
) -> CountCardSlip:  # fmt: skip
    """Refund every unused count (a manager's act): money back in the card's tender."""
    with store.write() as uow:
        allowed_by = require(actor, "refund", authoriser)
        s = uow.session
        require_clock_right(s)
        card = _card(s, card_ref)
        member = s.get(Member, card.member_id)
        shop = shop_info(s)
        today = uow.today(shop.timezone)
        _still_valid(card, today)
        left = card.counts_left
        amount = refund_value(_refund_rule(s, card), card, left)
        receipt = receipt_number(s, shop, today, "Q")
        entry = _post(uow, shop, card, -left, "refund", today, receipt_no=receipt, amount=amount,
                      tender=card.tender, actor=actor, shift_id=shift_id, note=reason)  # fmt: skip
        uow.audit(
            "countcard.refund", staff_id=actor.staff_id, staff_name=actor.name,
            authorised_by=None if allowed_by is actor else allowed_by.name, target=card.receipt_no,
            detail={"counts": left, "amount": amount, "reason": reason, "receipt_no": receipt},
        )  # fmt: skip
        return CountCardSlip("refund", receipt, today, _view(s, card), member.name, member.card_no,
                             left, amount, card.tender, actor.name, entry,
                             mask_phone(member.phone))  # fmt: skip


def expire_count_cards(store: Store, today: date) -> tuple[int, int]:
    """The daily job: every card whose validity is over loses its unused counts.

    Returns (cards, counts). Found in a read transaction, written EXPIRY_BATCH cards per
    write transaction, each card read again there; a second run finds nothing.
    """
    due = select(CountCard.id).where(
        CountCard.expires_on.is_not(None), CountCard.expires_on <= today, CountCard.counts_left > 0
    )
    with store.read() as s:
        found = list(s.scalars(due))
        shop = shop_info(s)
    cards = counts = 0
    for start in range(0, len(found), EXPIRY_BATCH):
        with store.write() as uow:
            for card in uow.session.scalars(
                due.with_only_columns(CountCard).where(
                    CountCard.id.in_(found[start : start + EXPIRY_BATCH])
                )
            ):
                left = card.counts_left
                _post(uow, shop, card, -left, "expire", today)
                cards, counts = cards + 1, counts + left
    return cards, counts


def count_cards_of(store: Store, member_id: str, *, all_cards: bool = False) -> list[CountCardView]:
    """A member's cards, newest first: those still holding counts, or every one."""
    with store.read() as s:
        q = select(CountCard).where(CountCard.member_id == member_id)
        if not all_cards:
            q = q.where(CountCard.counts_left > 0)
        return [_view(s, c) for c in s.scalars(q.order_by(CountCard.sold_at.desc()))]


def card_history(store: Store, card_ref: str) -> list[CountCardEntryView]:
    """Every entry of a card's ledger, oldest first."""
    with store.read() as s:
        card = _card(s, card_ref)
        q = select(CountCardEntry).where(CountCardEntry.card_id == card.id).order_by(text("rowid"))
        return [
            CountCardEntryView(e.business_date, e.kind, e.delta, e.left_after, e.amount,
                               e.receipt_no, e.note)
            for e in s.scalars(q)
        ]  # fmt: skip


def slip_of_entry(session: Session, entry_id: str) -> tuple[CountCardSlip, datetime]:
    """The slip of a card's sale, visit or refund, from its ledger entry (to print again),
    with the moment it happened (naive UTC)."""
    e = session.get(CountCardEntry, entry_id)
    if e is None or e.kind == "expire":
        raise DomainError("countcard.not_found")
    card = session.get(CountCard, e.card_id)
    member = session.get(Member, e.member_id)
    staff = session.get(Staff, e.cashier_id) if e.cashier_id else None
    view = replace(_view(session, card), left=e.left_after)  # as it stood then
    slip = CountCardSlip(e.kind, e.receipt_no or "", e.business_date, view, member.name,
                         member.card_no, abs(e.delta), e.amount, e.tender or "",
                         staff.name if staff else "", e.id, mask_phone(member.phone))  # fmt: skip
    return slip, e.created_at


@dataclass(frozen=True)
class MemberCardEntry:
    """One line of a member's count card history."""

    business_date: date
    card_name: str
    kind: str
    delta: int
    left_after: int
    counts: int
    amount: int
    receipt_no: str


def member_card_history(store: Store, member_id: str, limit: int = 500) -> list[MemberCardEntry]:
    """Every entry of every card of a member, newest first."""
    with store.read() as s:
        rows = s.execute(
            select(CountCardEntry.business_date, CountCard.name, CountCardEntry.kind,
                   CountCardEntry.delta, CountCardEntry.left_after, CountCard.counts,
                   CountCardEntry.amount, CountCardEntry.receipt_no)
            .join(CountCard, CountCard.id == CountCardEntry.card_id)
            .where(CountCardEntry.member_id == member_id)
            .order_by(text("count_card_ledger.rowid DESC"))
            .limit(limit)
        ).all()  # fmt: skip
    return [MemberCardEntry(d, n, k, delta, left, counts, amount, receipt or "")
            for d, n, k, delta, left, counts, amount, receipt in rows]  # fmt: skip

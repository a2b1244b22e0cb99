"""Stored value (储值): top-up with its bonus tier, reverse an unspent top-up, cash out principal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..errors import DomainError
from ..i18n import N_, gettext
from ..loyalty.ledger import post_wallet
from ..loyalty.pricing import topup_bonus
from ..loyalty.program import Program
from ..loyalty.program_store import current_program, ensure_program
from ..loyalty.rules import next_topup_tier, topup_room
from ..members.chain_policy import check_chain_spend
from ..money import MAX_FEN, MAX_TOPUP_FEN, format_fen, whole
from ..shop.clock_check import require_clock_right
from ..shop.details import shop_info
from ..shop.staff import Actor, require
from ..store.database import Store
from ..store.models import Member, Topup, WalletEntry, new_id
from ..store.uow import UnitOfWork
from .checkout import PAY_TENDERS, receipt_number, usable_member

CASHOUT_LAPSE_NOTE = N_("Cash-out: the bonus given with that principal lapses")


@dataclass(frozen=True)
class WalletResult:
    kind: str  # topup | topup_reversal | cashout
    ref_id: str
    receipt_no: str
    business_date: date
    member_id: str
    member_name: str
    card_no: str
    principal_delta: int
    bonus_delta: int
    tender: str
    principal_after: int
    bonus_after: int
    points_after: int
    cashier: str


def bonus_preview(store: Store, amount: int) -> int:
    """The bonus a top-up of `amount` would get now (shown before the cashier confirms)."""
    return topup_offer(store, amount).bonus


@dataclass(frozen=True)
class TopUpOffer:
    """What the programme gives a top-up, for the cashier to tell the member."""

    tiers: tuple[tuple[int, int], ...]  # (top up at least, bonus), lowest first, within `room`
    bonus: int  # what `amount` gets now
    more: int | None  # top up this much more…
    more_bonus: int | None  # …and the bonus is this
    limit: int = 0  # the most principal a member may hold; 0 = no limit
    room: int | None = None  # what this member may still top up; None = no limit (or no member)
    refusal: DomainError | None = None  # why the limit refuses `amount`, if it does


def topup_refusal(program: Program, principal: int, amount: int) -> DomainError | None:
    """The refusal of a top-up of `amount` that would take a member holding `principal`
    above the programme's principal limit (the bonus does not count), else None."""
    room = topup_room(program, principal)
    if room is None or amount <= room:
        return None
    limit = format_fen(program.wallet.principal_limit_fen)
    if room == 0:
        return DomainError("topup.at_limit", limit=limit, principal=format_fen(principal))
    return DomainError("topup.over_limit", limit=limit, room=format_fen(room))


def topup_offer(store: Store, amount: int, member_id: str | None = None) -> TopUpOffer:
    """The programme's top-up tiers, the bonus `amount` gets, and the next tier up; for a
    member, only what they may still top up under the principal limit, and what it is."""
    program = current_program(store).program
    room, principal = None, 0
    if member_id is not None:
        with store.read() as s:
            member = s.get(Member, member_id)
            principal = member.wallet_principal if member is not None else 0
        room = topup_room(program, principal)
    tiers = tuple((t.min_topup_fen, t.bonus_fen) for t in program.wallet.topup_bonus
                  if room is None or t.min_topup_fen <= room)  # fmt: skip
    amount = max(amount, 0)
    following = next_topup_tier(program, amount, room) if amount > 0 else None
    more, more_bonus = following if following else (None, None)
    refusal = topup_refusal(program, principal, amount) if member_id and amount > 0 else None
    return TopUpOffer(tiers, topup_bonus(program, amount) if amount else 0, more, more_bonus,
                      program.wallet.principal_limit_fen, room, refusal)  # fmt: skip


def topup_room_in(uow: UnitOfWork, member_id: str) -> int | None:
    """What the member may still top up under the programme in force, inside a caller's
    transaction (the demo and benchmark builders cap their amounts with it); None = no limit."""
    member = uow.session.get(Member, member_id)
    return topup_room(ensure_program(uow).program, member.wallet_principal if member else 0)


def _result(
    kind: str,
    ref: str,
    receipt: str,
    today: date,
    m: Member,
    p: int,
    b: int,
    tender: str,
    actor: Actor,
) -> WalletResult:
    return WalletResult(kind, ref, receipt, today, m.id, m.name, m.card_no, p, b, tender,
                        m.wallet_principal, m.wallet_bonus, m.points, actor.name)  # fmt: skip


def top_up(
    store: Store,
    actor: Actor,
    member_id: str,
    amount: int,
    tender: str,
    *,
    shift_id: str | None = None,
) -> WalletResult:
    with store.write() as uow:
        return top_up_in(uow, actor, member_id, amount, tender, shift_id=shift_id)


def top_up_in(
    uow: UnitOfWork,
    actor: Actor,
    member_id: str,
    amount: int,
    tender: str,
    *,
    shift_id: str | None = None,
) -> WalletResult:
    """The top-up inside a caller's transaction (the demo builder replays many in one)."""
    whole(amount, N_("the top-up"), limit=MAX_TOPUP_FEN)
    if amount <= 0:
        raise DomainError("topup.invalid")
    if tender not in PAY_TENDERS:
        raise DomainError("topup.tender")
    s = uow.session
    require_clock_right(s)
    member = usable_member(s, member_id)
    current = ensure_program(uow)
    refusal = topup_refusal(current.program, member.wallet_principal, amount)
    if refusal is not None:  # the principal limit (储值上限); the bonus does not count
        raise refusal
    bonus = topup_bonus(current.program, amount)
    shop = shop_info(s)
    today = uow.today(shop.timezone)
    receipt = receipt_number(s, shop, today, "T")
    topup = Topup(
        id=new_id(), receipt_no=receipt, member_id=member.id, created_at=uow.now, business_date=today,
        cashier_id=actor.staff_id, shift_id=shift_id, amount=amount, bonus=bonus, tender=tender,
        program_version=current.version,
    )  # fmt: skip
    uow.insert(Topup.__table__, topup)
    post_wallet(uow, member, amount, bonus, "topup", today, topup_id=topup.id)
    uow.emit(
        "wallet.topup", topup.id,
        {"id": topup.id, "receipt_no": receipt, "member_id": member.id, "amount": amount,
         "bonus": bonus, "tender": tender, "business_date": today.isoformat(),
         "store_code": shop.store_code, "cashier": actor.name, "cashier_id": topup.cashier_id,
         "shift_id": topup.shift_id},
    )  # fmt: skip
    return _result("topup", topup.id, receipt, today, member, amount, bonus, tender, actor)


def reverse_topup(
    store: Store, actor: Actor, topup_id: str, *, authoriser: Actor | None = None, reason: str = "",
    shift_id: str | None = None,
) -> WalletResult:  # fmt: skip
    """Undo a top-up while none of the stored value has been spent since (manager)."""
    with store.write() as uow:
        allowed_by = require(actor, "refund", authoriser)
        s = uow.session
        require_clock_right(s)  # cash leaves the drawer on the business day of this clock
        topup = s.get(Topup, topup_id) or s.scalar(
            select(Topup).where(Topup.receipt_no == topup_id)
        )
        if topup is None:
            raise DomainError("topup.not_found")
        if s.scalar(
            select(WalletEntry.id).where(
                WalletEntry.topup_id == topup.id, WalletEntry.kind == "topup_reversal"
            )
        ):
            raise DomainError("topup.already_reversed")
        spent_since = s.scalar(
            select(WalletEntry.id)
            .where(
                WalletEntry.member_id == topup.member_id,
                WalletEntry.created_at >= topup.created_at,
                WalletEntry.kind.in_(("pay", "cashout")),
            )
            .limit(1)
        )
        member = s.get(Member, topup.member_id)
        if (
            spent_since
            or member.wallet_principal < topup.amount
            or member.wallet_bonus < topup.bonus
        ):
            raise DomainError("topup.spent")
        shop = shop_info(s)
        today = uow.today(shop.timezone)
        # Stored value other stores may have spent unseen: the chain's offline limit holds
        # for the cash given back, as for a cash-out.
        check_chain_spend(s, member, points=0, wallet=topup.amount, now=uow.now, today=today)
        receipt = receipt_number(s, shop, today, "V")
        post_wallet(
            uow,
            member,
            -topup.amount,
            -topup.bonus,
            "topup_reversal",
            today,
            topup_id=topup.id,
            note=reason,
        )
        uow.audit(
            "wallet.topup_reversal", staff_id=actor.staff_id, staff_name=actor.name,
            authorised_by=None if allowed_by is actor else allowed_by.name, target=topup.receipt_no,
            detail={"amount": topup.amount, "bonus": topup.bonus, "reason": reason, "shift_id": shift_id},
        )  # fmt: skip
        uow.emit(
            "wallet.topup_reversed", topup.id,
            {"topup_id": topup.id, "receipt_no": receipt, "member_id": member.id, "amount": topup.amount,
             "bonus": topup.bonus, "tender": topup.tender, "business_date": today.isoformat(),
             "store_code": shop.store_code, "shift_id": shift_id},
        )  # fmt: skip
        return _result(
            "topup_reversal",
            topup.id,
            receipt,
            today,
            member,
            -topup.amount,
            -topup.bonus,
            topup.tender,
            actor,
        )


def bonus_lapsing(principal: int, bonus: int, amount: int) -> int:
    """The bonus that lapses when `amount` of `principal` is cashed out: its share of the
    bonus, rounded up to a fen (all of the principal, all of the bonus). Shown to the
    cashier before the cash-out, and taken by it."""
    if principal <= 0 or amount <= 0 or bonus <= 0:
        return 0
    return min(bonus, -(-bonus * min(amount, principal) // principal))


def cash_out(
    store: Store, actor: Actor, member_id: str, amount: int, *, authoriser: Actor | None = None,
    reason: str = "", shift_id: str | None = None,
) -> WalletResult:  # fmt: skip
    """Pay stored principal back in cash, with a manager's leave.

    The bonus is never paid out, and it was given for the principal staying in the shop:
    taking the principal back takes its bonus with it, in proportion (the bonus share of
    the principal cashed out, rounded up to a fen; all of the principal, all of the bonus).
    Otherwise 充1000送100 then cashing out 1000 would leave 100 to spend for nothing.
    """
    with store.write() as uow:
        allowed_by = require(actor, "wallet_cashout", authoriser)
        s = uow.session
        require_clock_right(s)  # cash leaves the drawer on the business day of this clock
        member = s.get(Member, member_id)
        if member is None:
            raise DomainError("member.not_found")
        whole(amount, N_("the cash-out"), limit=MAX_FEN)
        if amount <= 0 or amount > member.wallet_principal:
            raise DomainError("cashout.invalid", principal=format_fen(member.wallet_principal))
        shop = shop_info(s)
        today = uow.today(shop.timezone)
        # Stored value other stores may be spending too: the chain's offline limit holds.
        check_chain_spend(s, member, points=0, wallet=amount, now=uow.now, today=today)
        receipt = receipt_number(s, shop, today, "C")
        lapsed = bonus_lapsing(member.wallet_principal, member.wallet_bonus, amount)
        entry_id = post_wallet(uow, member, -amount, 0, "cashout", today, note=reason)
        post_wallet(uow, member, 0, -lapsed, "forfeit", today,
                    note=gettext(CASHOUT_LAPSE_NOTE, shop.language))  # fmt: skip
        uow.audit(
            "wallet.cashout", staff_id=actor.staff_id, staff_name=actor.name,
            authorised_by=None if allowed_by is actor else allowed_by.name, target=member.card_no,
            detail={"amount": amount, "bonus_lapsed": lapsed, "reason": reason, "receipt_no": receipt,
                    "shift_id": shift_id},
        )  # fmt: skip
        uow.emit(
            "wallet.cashout", entry_id,
            {"id": entry_id, "receipt_no": receipt, "member_id": member.id, "amount": amount,
             "bonus_lapsed": lapsed, "business_date": today.isoformat(),
             "store_code": shop.store_code, "shift_id": shift_id},
        )  # fmt: skip
        return _result("cashout", entry_id, receipt, today, member, -amount, -lapsed, "cash", actor)

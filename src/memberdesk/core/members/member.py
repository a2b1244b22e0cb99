"""Members and their cards: issue, edit, report lost, replace, freeze, cancel.

Each public function is one user action: one write transaction, its outbox row
inside it, a plain `MemberView` back. Validation collects every field's problem at
once (`ValidationFailed`) so a form can show each message beside its field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, or_, select, text
from sqlalchemy.orm import Session

from ..clock import shop_date
from ..coupons.issue import issue_by_rule
from ..errors import DomainError, ValidationFailed
from ..i18n import N_, Message, gettext
from ..loyalty.ledger import post_points, post_wallet
from ..loyalty.pricing import signup_bonus as bonus_on_signup
from ..loyalty.program_store import ensure_program
from ..money import format_fen
from ..shop.details import ShopInfo, ensure_terminal_id, next_counter, shop_info
from ..shop.staff import Actor
from ..store.database import Store
from ..store.models import Card, Member, MemberSearchKey, Staff, new_id
from ..store.statements import raw_connection, select_rows, write_rows
from ..store.uow import UnitOfWork
from ..text import check_text
from .birthdays import (
    GUARDIAN_AGE,
    Birthday,
    lunar_birthday,
    solar_birthday,
    solar_birthday_in,
    under_guardian,
)
from .card_numbers import generated_number, normalize_card
from .phone import mask_phone, normalize_mobile
from .search_keys import search_keys

MAX_NAME = 40


# How the fields read in a refusal about what was typed in them (core.text).
NAME_FIELD, NOTES_FIELD = N_("the name"), N_("the notes")


MEMBERS, CARDS, SEARCH = Member.__table__, Card.__table__, MemberSearchKey.__table__


_CARD_TAKEN = "SELECT 1 FROM cards WHERE card_no = ?"


_STAFF_EXISTS = "SELECT 1 FROM staff WHERE id = ?"


# How a member's status reads (translated where shown: screens, exports, refusals).
STATUS_NAMES = {
    "active": N_("Active"),
    "lost": N_("Card lost"),
    "frozen": N_("Frozen"),
    "cancelled": N_("Cancelled"),
}


# A card's own status (a replaced card is not the member's any more).
CARD_STATUS_NAMES = {
    "active": N_("In use"),
    "lost": N_("Card lost"),
    "replaced": N_("Replaced"),
    "cancelled": N_("Cancelled"),
}


GENDER_NAMES = {"M": N_("Male"), "F": N_("Female"), "U": N_("Not given")}


# What each status change is called in a refusal ("… cannot be {action}").
ACTIONS = {
    "report_lost": N_("reported lost"),
    "replace": N_("given a new card"),
    "freeze": N_("frozen"),
    "unfreeze": N_("unfrozen"),
    "cancel": N_("cancelled"),
    "tier_set": N_("moved to another tier"),
}


GENDERS = {"M", "F", "U"}


# What a form or a person may type for each gender (the refusal names 男、女、未知).
GENDER_WORDS = {
    "M": "M", "MALE": "M", "男": "M",
    "F": "F", "FEMALE": "F", "女": "F",
    "U": "U", "UNKNOWN": "U", "未知": "U", "": "U",
}  # fmt: skip


@dataclass(frozen=True)
class LunarDate:
    year: int
    month: int
    day: int
    leap: bool = False


@dataclass(frozen=True)
class MemberForm:
    """What a person types when issuing or editing a member."""

    name: str
    phone: str | None = None
    gender: str = "U"
    birthday: date | None = None  # solar date of birth
    lunar_birthday: LunarDate | None = None  # or a lunar one
    salesperson_id: str | None = None
    referrer: str | None = None  # card number or phone of the referring member
    marketing_consent: bool = False
    # A parent's or guardian's consent: required for a member under 14 (birthdays.py).
    guardian_consent: bool = False
    notes: str = ""
    joined_store: str | None = None
    tier: str | None = None


@dataclass(frozen=True)
class MemberView:
    id: str
    card_no: str
    name: str
    phone: str | None
    phone_masked: str
    gender: str
    birthday: date | None
    birthday_lunar: bool
    lunar_month: int | None
    lunar_day: int | None
    lunar_leap: bool
    tier: str
    tier_locked: bool
    status: str
    salesperson_id: str | None
    salesperson_name: str | None
    joined_at: datetime
    joined_store: str
    referrer_id: str | None
    marketing_consent: bool
    notes: str
    points: int
    wallet_principal: int
    wallet_bonus: int
    lifetime_spend: int
    visit_count: int
    last_visit_at: datetime | None
    updated_at: datetime
    version: int
    guardian_consent: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def birthday_info(self) -> Birthday | None:
        return birthday_of(self)


def birthday_of(m: Member | MemberView) -> Birthday | None:
    if m.birthday is None:
        return None
    return Birthday(m.birthday, m.birthday_lunar, m.lunar_month, m.lunar_day, m.lunar_leap)


def view_of(m: Member, salesperson_name: str | None = None) -> MemberView:
    return MemberView(
        id=m.id, card_no=m.card_no, name=m.name, phone=m.phone, phone_masked=mask_phone(m.phone),
        gender=m.gender, birthday=m.birthday, birthday_lunar=m.birthday_lunar,
        lunar_month=m.lunar_month, lunar_day=m.lunar_day, lunar_leap=m.lunar_leap,
        tier=m.tier, tier_locked=m.tier_locked, status=m.status, salesperson_id=m.salesperson_id,
        salesperson_name=salesperson_name, joined_at=m.joined_at, joined_store=m.joined_store,
        referrer_id=m.referrer_id, marketing_consent=m.marketing_consent, notes=m.notes,
        points=m.points, wallet_principal=m.wallet_principal, wallet_bonus=m.wallet_bonus,
        lifetime_spend=m.lifetime_spend, visit_count=m.visit_count, last_visit_at=m.last_visit_at,
        updated_at=m.updated_at, version=m.version, guardian_consent=bool(m.guardian_consent),
    )  # fmt: skip


def member_payload(m: Member) -> dict:
    """The member as HQ receives it (every change carries the whole row)."""
    return {
        "id": m.id, "card_no": m.card_no, "name": m.name, "phone": m.phone, "gender": m.gender,
        "birthday": m.birthday.isoformat() if m.birthday else None,
        "birthday_lunar": m.birthday_lunar, "lunar_month": m.lunar_month, "lunar_day": m.lunar_day,
        "lunar_leap": m.lunar_leap, "tier": m.tier, "tier_locked": m.tier_locked, "status": m.status,
        "salesperson_id": m.salesperson_id, "joined_at": m.joined_at.isoformat(),
        "joined_store": m.joined_store, "referrer_id": m.referrer_id,
        "marketing_consent": m.marketing_consent, "notes": m.notes, "version": m.version,
        "guardian_consent": bool(m.guardian_consent),
    }  # fmt: skip


@dataclass
class _Clean:
    name: str
    phone: str | None
    gender: str
    birthday: Birthday | None
    salesperson_id: str | None
    referrer_id: str | None


def _validate(
    session: Session, form: MemberForm, today: date, *, member_id: str | None, prefix: str
) -> _Clean:
    if session.new or session.dirty:  # the checks below read with plain statements
        session.flush()
    errors: dict[str, DomainError] = {}
    name = (form.name or "").strip()
    if not name:
        errors["name"] = DomainError("name.required")
    elif len(name) > MAX_NAME:
        errors["name"] = DomainError("name.too_long", max=MAX_NAME)
    else:
        try:
            check_text(name, NAME_FIELD)
        except DomainError as e:
            errors["name"] = e
    try:
        check_text(form.notes or "", NOTES_FIELD, line_breaks=True)
    except DomainError as e:
        errors["notes"] = e
    phone = None
    if form.phone and str(form.phone).strip():
        try:
            phone = normalize_mobile(form.phone)
        except DomainError as e:
            errors["phone"] = e
        else:
            holder = _phone_taken(session, phone)
            if holder is not None and holder.id != member_id:
                errors["phone"] = DomainError(
                    "phone.duplicate", name=holder.name, card=holder.card_no
                )
    gender = GENDER_WORDS.get((form.gender or "U").strip().upper(), "")
    if not gender:
        errors["gender"] = DomainError("gender.invalid")
    birthday = None
    try:
        if form.lunar_birthday is not None:
            lb = form.lunar_birthday
            birthday = lunar_birthday(lb.year, lb.month, lb.day, lb.leap, today)
        elif form.birthday is not None:
            birthday = solar_birthday(form.birthday, today)
    except DomainError as e:
        errors["birthday"] = e
    if birthday is not None and under_guardian(birthday, today) and not form.guardian_consent:
        errors["guardian_consent"] = DomainError("member.guardian_consent", age=GUARDIAN_AGE)
    salesperson_id = form.salesperson_id or None
    if (
        salesperson_id
        and not raw_connection(session).execute(_STAFF_EXISTS, (salesperson_id,)).fetchone()
    ):
        errors["salesperson"] = DomainError("staff.not_found", name=salesperson_id)
    referrer_id = None
    if form.referrer and str(form.referrer).strip():
        ref = find_by_card_or_phone(session, str(form.referrer).strip(), prefix)
        if ref is None or ref.status == "cancelled":
            errors["referrer"] = DomainError("referrer.not_found", ref=form.referrer)
        elif ref.id == member_id:
            errors["referrer"] = DomainError("referrer.self")
        else:
            referrer_id = ref.id
    if errors:
        raise ValidationFailed(errors)
    return _Clean(name, phone, gender, birthday, salesperson_id, referrer_id)


def _phone_taken(session: Session, phone: str) -> Any:
    """(id, name, card_no) of the member holding `phone`, or None: a plain indexed read."""
    rows = select_rows(session, MEMBERS, ("id", "name", "card_no"),
                       "phone = ? AND status != 'cancelled' LIMIT 1", (phone,))  # fmt: skip
    return rows[0] if rows else None


def phone_holder(session: Session, phone: str) -> Member | None:
    return session.scalar(
        select(Member).where(Member.phone == phone, Member.status != "cancelled").limit(1)
    )


def find_by_card_or_phone(session: Session, text: str, prefix: str) -> Member | None:
    card = session.scalar(select(Card).where(Card.card_no == text.upper()))
    if card is not None:
        return session.get(Member, card.member_id)
    try:
        phone = normalize_mobile(text)
    except DomainError:
        return None
    return phone_holder(session, phone)


def _apply(m: Member, c: _Clean, form: MemberForm, today: date) -> None:
    m.name, m.phone, m.gender = c.name, c.phone, c.gender
    m.phone_last4 = c.phone[-4:] if c.phone else None
    b = c.birthday
    m.birthday = b.solar if b else None
    m.birthday_lunar = bool(b and b.lunar)
    m.lunar_month = b.lunar_month if b else None
    m.lunar_day = b.lunar_day if b else None
    m.lunar_leap = bool(b and b.lunar_leap)
    refresh_birthday_md(m, today.year)
    m.salesperson_id = c.salesperson_id
    m.referrer_id = c.referrer_id if form.referrer is not None else m.referrer_id
    m.marketing_consent = bool(form.marketing_consent)
    m.guardian_consent = bool(form.guardian_consent)
    m.notes = (form.notes or "").strip()


def apply_form(uow: UnitOfWork, m: Member, form: MemberForm) -> None:
    """Validate `form` against the shop and write it onto `m`, keeping its search keys.

    Raises ValidationFailed (every field's problem at once) and changes nothing then.
    The caller records the change (``record_change``) once it has set what else it sets.
    """
    shop = shop_info(uow.session)
    today = shop_date(uow.clock.now(), shop.timezone)
    clean = _validate(uow.session, form, today, member_id=m.id, prefix=shop.card_prefix)
    old_name = m.name
    _apply(m, clean, form, today)
    if m.name != old_name:
        reindex_member(uow.session, m)


def change_tier(uow: UnitOfWork, member: Member | Any, tier: str, why: str) -> None:
    """Move a member to `tier` (a sale earned it, or the review decided it) and report it.

    `member` is the ORM row or the till's plain row (which the caller writes back).
    """
    before = member.tier
    member.tier = tier
    member.version += 1
    member.updated_at = uow.now
    payload = member_payload(member)
    payload["fields"] = ["tier"]
    payload["change"] = {"tier_from": before, "tier_to": tier, "why": why}
    uow.emit("member.tier_changed", member.id, payload)


def not_in_year(year: int) -> ColumnElement[bool]:
    """Members whose birthday_md is not (yet) for `year`: ranges of
    ix_members_birthday_year_md (`!=` would scan the table)."""
    column = Member.birthday_md_year
    return or_(column.is_(None), column < year, column > year)


def refresh_birthday_md(m: Member, year: int) -> None:
    b = birthday_of(m)
    if b is None:
        m.birthday_md, m.birthday_md_year = None, None
        return
    d = solar_birthday_in(b, year)
    m.birthday_md, m.birthday_md_year = d.month * 100 + d.day, year


def reindex_member(session: Session, m: Member, *, fresh: bool = False) -> None:
    if not fresh:  # a member just issued has no keys yet
        session.execute(delete(MemberSearchKey).where(MemberSearchKey.member_id == m.id))
    # One executemany, not an ORM object per key (an import writes thousands of members).
    write_rows(session, [(SEARCH, {"key": k, "member_id": m.id}) for k in search_keys(m.name)])


def _take_card_number(session: Session, shop: ShopInfo, card_no: str | None) -> str:
    if card_no:
        try:
            number = normalize_card(card_no, shop.card_prefix)
        except DomainError as e:  # a field error, shown beside the card number
            raise ValidationFailed({"card": e}) from None
        existing = session.scalar(select(Card).where(Card.card_no == number))
        if existing is not None:
            holder = session.get(Member, existing.member_id)
            raise ValidationFailed(
                {"card": DomainError("card.duplicate", card=number, name=holder.name)}
            )
        return number
    while True:  # skip numbers taken by pre-printed cards that happen to collide
        number = generated_number(shop.card_prefix, next_counter(session, "card.next_seq"))
        if not raw_connection(session).execute(_CARD_TAKEN, (number,)).fetchone():
            return number


def create_member(
    uow: UnitOfWork,
    form: MemberForm,
    *,
    card_no: str | None = None,
    joined_at: datetime | None = None,
    by: str = "",
    signup_bonus: bool = True,
) -> Member:
    """Issue a member inside the caller's transaction (used by issue_card and import).

    The member starts in the program's lowest tier (or the tier given, if the program
    has it) and receives the sign-up bonus, if any, as a ledger entry — unless
    `signup_bonus` is False (an import that brings the old system's points: those are
    the member's points, nothing is added to them).
    """
    session = uow.session
    shop = shop_info(session)
    today = uow.today(shop.timezone)
    errors: dict[str, DomainError] = {}
    try:
        clean = _validate(session, form, today, member_id=None, prefix=shop.card_prefix)
    except ValidationFailed as e:
        errors.update(e.errors)
    try:
        number = _take_card_number(session, shop, card_no)
    except ValidationFailed as e:
        errors.update(e.errors)
    if errors:  # every field's problem at once, the card number's too
        raise ValidationFailed(errors)
    m = Member(
        card_no=number, tier=form.tier or "", status="active",
        joined_at=joined_at or uow.now, joined_store=form.joined_store or shop.store_code,
        created_at=uow.now, updated_at=uow.now, version=1, points=0, wallet_principal=0,
        wallet_bonus=0, lifetime_spend=0, visit_count=0, tier_locked=False,
    )  # fmt: skip
    _apply(m, clean, form, today)
    program = ensure_program(uow).program
    if program.tier(m.tier) is None:
        m.tier = program.tiers.levels[0].code
    session.add(m)
    session.flush()  # the member row first: its card and keys point at it
    reindex_member(session, m, fresh=True)
    if not shop.terminal_id:
        ensure_terminal_id(uow)
    uow.insert(CARDS, {"id": new_id(), "card_no": number, "member_id": m.id, "status": "active",
                       "issued_at": uow.now, "ended_at": None, "end_reason": ""})  # fmt: skip
    payload = member_payload(m)
    if by:
        payload["change"] = {"by": by}
    uow.emit("member.issued", m.id, payload)
    if signup_bonus:
        post_points(uow, m, bonus_on_signup(program), "signup", today,
                    note=gettext(N_("Sign-up gift"), shop.language))  # fmt: skip
        issue_by_rule(uow, program, "join", m.id)  # 入会送券, when the program gives one
    # The card and the outbox row in one more flush: an import or the demo issues
    # thousands of members in one transaction, and each flush costs.
    session.flush()
    return m


def issue_card(
    store: Store, actor: Actor, form: MemberForm, *, card_no: str | None = None
) -> MemberView:
    """Issue a new member card: a generated number, or a pre-printed card's scanned number."""
    with store.write() as uow:
        m = create_member(uow, form, card_no=card_no, by=actor.name)
        m_view = member_view(uow.session, m)
    return m_view


def form_problems(
    store: Store, form: MemberForm, *, member_id: str | None = None
) -> dict[str, DomainError]:
    """Each field's problem with `form` as issuing (or editing `member_id`) would find it,
    read without writing: a form with a problem of its own (a birthday it cannot read) shows
    these beside it, every one at once."""
    with store.read() as s:
        shop = shop_info(s)
        today = shop_date(store.clock.now(), shop.timezone)
        try:
            _validate(s, form, today, member_id=member_id, prefix=shop.card_prefix)
        except ValidationFailed as e:
            return dict(e.errors)
    return {}


def needs_guardian(store: Store, birthday: date | None, lunar: LunarDate | None) -> bool:
    """Whether a member born so is under 14 today, and so issued or edited only with a
    parent's or guardian's consent (a form asks for it then); a birthday that is not one
    needs none here (its own problem is said)."""
    if birthday is None and lunar is None:
        return False
    with store.read() as s:
        today = shop_date(store.clock.now(), shop_info(s).timezone)
    try:
        if lunar is not None:
            born = lunar_birthday(lunar.year, lunar.month, lunar.day, lunar.leap, today)
        else:
            born = solar_birthday(birthday, today)
    except DomainError:
        return False
    return under_guardian(born, today)


def load_member(session: Session, member_id: str) -> Member:
    m = session.get(Member, member_id)
    if m is None:
        raise DomainError("member.not_found")
    return m


def member_view(session: Session, m: Member) -> MemberView:
    sp = session.get(Staff, m.salesperson_id) if m.salesperson_id else None
    return view_of(m, sp.name if sp else None)


# What a member event changes when it is not a form (whose fields are compared): HQ merges
# edits from two places field by field (hq/directory.py), so an event names its fields.
KIND_FIELDS = {
    "member.card_lost": ("status",), "member.card_replaced": ("card_no", "status"),
    "member.cancelled": ("status",), "member.frozen": ("status",), "member.active": ("status",),
    "member.tier_changed": ("tier", "tier_locked"),
    # Every personal field, whether or not it held anything here: HQ may hold another
    # till's edit of one (hq/directory.py merges by field), which the erasure clears too.
    "member.erased": ("name", "phone", "gender", "birthday", "birthday_lunar", "lunar_month",
                      "lunar_day", "lunar_leap", "marketing_consent", "referrer_id", "notes",
                      "status"),
}  # fmt: skip


def record_change(
    uow: UnitOfWork, m: Member, kind: str, extra: dict | None = None, *, before: dict | None = None
) -> None:
    """Report a change of `m`: the whole row, and which fields this change made (those that
    differ from `before`, the member's payload before the change, or the kind's own)."""
    m.updated_at = uow.now
    m.version += 1
    payload = member_payload(m)
    if before is not None:
        payload["fields"] = sorted(k for k, v in payload.items()
                                   if k not in ("id", "version") and before.get(k) != v)  # fmt: skip
    elif kind in KIND_FIELDS:
        payload["fields"] = list(KIND_FIELDS[kind])
    if extra:
        payload["change"] = extra
    uow.emit(kind, m.id, payload)


def edit_member(
    store: Store,
    actor: Actor,
    member_id: str,
    form: MemberForm,
    *,
    expected_version: int | None = None,
) -> MemberView:
    with store.write() as uow:
        m = load_member(uow.session, member_id)
        if expected_version is not None and m.version != expected_version:
            raise DomainError("member.stale", name=m.name)
        if m.status == "cancelled":
            raise DomainError("member.cancelled", name=m.name)
        before = member_payload(m)
        apply_form(uow, m, form)
        record_change(uow, m, "member.edited", {"by": actor.name}, before=before)
        return member_view(uow.session, m)


def _card_row(session: Session, m: Member) -> Card:
    return session.scalar(select(Card).where(Card.card_no == m.card_no))


def report_lost(store: Store, actor: Actor, member_id: str, reason: str = "") -> MemberView:
    with store.write() as uow:
        m = load_member(uow.session, member_id)
        require_status(m, {"active", "frozen"}, "report_lost")
        card = _card_row(uow.session, m)
        card.status, card.ended_at, card.end_reason = "lost", uow.now, reason
        before, m.status = m.status, "lost"
        record_change(uow, m, "member.card_lost",
               {"card_no": m.card_no, "reason": reason, "by": actor.name, "status_before": before})  # fmt: skip
        return member_view(uow.session, m)


def replace_card(
    store: Store, actor: Actor, member_id: str, *, new_card_no: str | None = None, reason: str = ""
) -> MemberView:
    """New number, same member and history; the old number is refused at the till from now on."""
    with store.write() as uow:
        m = load_member(uow.session, member_id)
        require_status(m, {"active", "lost", "frozen"}, "replace")
        shop = shop_info(uow.session)
        number = _take_card_number(uow.session, shop, new_card_no)
        old = _card_row(uow.session, m)
        if old.status == "active":
            old.status, old.ended_at, old.end_reason = "replaced", uow.now, reason
        elif old.status == "lost":
            old.status = "replaced"  # keep when and why it was lost
        uow.session.add(Card(card_no=number, member_id=m.id, status="active", issued_at=uow.now))
        old_no, m.card_no = m.card_no, number
        if m.status == "lost":  # a card frozen before it was lost stays frozen on the new card
            m.status = _status_before_loss(uow.session, m.id)
        record_change(
            uow,
            m,
            "member.card_replaced",
            {"old_card_no": old_no, "reason": reason, "by": actor.name},
        )
        return member_view(uow.session, m)


_LOST_EVENT = text(
    "SELECT payload FROM outbox WHERE aggregate_id = :m AND kind = 'member.card_lost'"
    " ORDER BY seq DESC LIMIT 1"
)


def _status_before_loss(session: Session, member_id: str) -> str:
    payload = session.execute(_LOST_EVENT, {"m": member_id}).scalar()
    change = (json.loads(payload) if isinstance(payload, str) else payload or {}).get("change", {})
    return "frozen" if change.get("status_before") == "frozen" else "active"


def freeze(store: Store, actor: Actor, member_id: str, reason: str = "") -> MemberView:
    return _set_status(store, actor, member_id, {"active"}, "frozen", "freeze", reason)


def unfreeze(store: Store, actor: Actor, member_id: str, reason: str = "") -> MemberView:
    return _set_status(store, actor, member_id, {"frozen"}, "active", "unfreeze", reason)


def cancel(store: Store, actor: Actor, member_id: str, reason: str = "") -> MemberView:
    """Cancel (注销): the member and history stay; the phone becomes free.

    Stored principal must be cashed out first; bonus value lapses (a ledger entry says so).
    A balance below zero (the chain's overdraft) must be settled first.
    """
    with store.write() as uow:
        m = load_member(uow.session, member_id)
        require_status(m, {"active", "lost", "frozen"}, "cancel")
        # An overdraft of the chain (two stores spent one balance offline) is settled, never
        # forgiven by cancelling.
        if m.wallet_principal + m.wallet_bonus < 0 or m.wallet_principal < 0:
            owed = -min(m.wallet_principal, m.wallet_principal + m.wallet_bonus)
            raise DomainError("member.owes_wallet", name=m.name, amount=format_fen(owed))
        if m.points < 0:
            raise DomainError("member.owes_points", name=m.name, points=-m.points)
        if m.wallet_principal > 0:  # the member's own money: cash it out first
            raise DomainError(
                "member.has_balance", name=m.name, balance=format_fen(m.wallet_principal)
            )
        if m.wallet_bonus > 0:  # bonus value was a gift; it lapses with the card
            shop = shop_info(uow.session)
            post_wallet(uow, m, 0, -m.wallet_bonus, "forfeit", uow.today(shop.timezone),
                        note=gettext(N_("Cancelled: the bonus balance lapses"), shop.language))  # fmt: skip
        card = _card_row(uow.session, m)
        if card.status == "active":
            card.status, card.ended_at, card.end_reason = "cancelled", uow.now, reason
        m.status = "cancelled"
        record_change(uow, m, "member.cancelled", {"reason": reason, "by": actor.name})
        return member_view(uow.session, m)


def _set_status(
    store: Store, actor: Actor, member_id: str, allowed: set[str], to: str, action: str, reason: str
) -> MemberView:
    with store.write() as uow:
        m = load_member(uow.session, member_id)
        require_status(m, allowed, action)
        m.status = to
        record_change(uow, m, f"member.{to}", {"reason": reason, "by": actor.name})
        return member_view(uow.session, m)


def require_status(m: Member, allowed: set[str], action: str) -> None:
    """Refuse `action` (a key of ACTIONS) unless the member's status is one of `allowed`."""
    if m.status not in allowed:
        raise DomainError("member.bad_status_change", name=m.name,
                          status=Message(STATUS_NAMES[m.status]), action=Message(ACTIONS[action]))  # fmt: skip


def get_member(store: Store, member_id: str) -> MemberView:
    with store.read() as s:
        return member_view(s, load_member(s, member_id))


def member_for_till(store: Store, card_no: str) -> MemberView:
    """The member behind a scanned card, or a refusal naming why the card cannot be used."""
    with store.read() as s:
        number = card_no.strip().upper()
        card = s.scalar(select(Card).where(Card.card_no == number))
        if card is None:
            raise DomainError("card.not_found", card=number)
        if card.status != "active":
            raise DomainError(f"card.{card.status}", card=number)
        m = load_member(s, card.member_id)
        if m.status == "frozen":
            raise DomainError("member.frozen", name=m.name)
        if m.status == "cancelled":
            raise DomainError("member.cancelled", name=m.name)
        return member_view(s, m)


def card_history(store: Store, member_id: str) -> list[dict]:
    with store.read() as s:
        rows = s.scalars(select(Card).where(Card.member_id == member_id).order_by(Card.issued_at))
        return [
            {"card_no": c.card_no, "status": c.status, "issued_at": c.issued_at,
             "ended_at": c.ended_at, "reason": c.end_reason}
            for c in rows
        ]  # fmt: skip

"""Erasing a cancelled member's personal information (清除个人信息, PIPL art. 47).

A member with history is never deleted, only cancelled; when the member also asks for
their personal information to go, the profile goes and the record stays: the member's
row, id and card numbers, their sales, refunds and ledgers (accounting records, kept by
law) and the cached totals. What goes: the name (a placeholder, ERASED_NAME, takes its
place), phone and its last four digits, gender, birthday (solar and lunar), marketing
consent, referrer and notes; the lookup keys of the name; the notes of follow-up calls.

The card number still finds the row (lookup by card, the member list with 已注销): it
is the key to the kept records — a refund of an old sale, the points history — and
names no person. Name, phone, last four digits and pinyin no longer find anyone.

One transaction writes the cleared row and its journal row `member.erased`, which carries
the member as it became (the whole row, as every member event does, so `memberdesk
check` compares the row with it) and never the erased values; the audit entry names who
did it, on whose authority and when. Older journal rows keep what they sealed: the
journal's hash chain covers them, and they are the records the law keeps.

A till knows an erased member by the placeholder name on a cancelled row (in any of the
languages: a pulled member arrives with the name the erasing till gave it), so a pull
from head office clears the copy at the other tills in the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from ..errors import DomainError
from ..i18n import LANGS, N_, gettext
from ..shop.details import shop_info
from ..shop.staff import Actor, require
from ..store.database import Store
from ..store.models import CallLogEntry, Card, Member, MemberSearchKey
from .member import MemberView, load_member, member_view, record_change

# The name an erased member's row keeps (a placeholder that passes the name rules).
ERASED_NAME = N_("Erased member")
ERASED = "member.erased"  # the journal kind and the audit action


# What an erased member's profile holds of the personal fields (as a member event carries
# them): HQ refuses an erasure that still carries any, and keeps them so after it.
ERASED_FIELDS = {"phone": None, "gender": "U", "birthday": None, "birthday_lunar": False,
                 "lunar_month": None, "lunar_day": None, "lunar_leap": False,
                 "marketing_consent": False, "referrer_id": None, "notes": ""}  # fmt: skip


@cache
def erased_names() -> frozenset[str]:
    """The placeholder in every language a till may have written it in (asked per member
    by a directory pull: read once)."""
    return frozenset(gettext(ERASED_NAME, lang) for lang in LANGS)


def is_erased(name: str, status: str) -> bool:
    return status == "cancelled" and name in erased_names()


def not_erased() -> ColumnElement[bool]:
    """Members that are not erased (SQL over `members`)."""
    return ~and_(Member.status == "cancelled", Member.name.in_(sorted(erased_names())))


# The personal information a member's row may hold, as a person names it: what an
# erasure clears (the call notes apart).
PERSONAL = {"name": N_("name"), "phone": N_("phone"), "gender": N_("gender"),
            "birthday": N_("birthday"), "marketing_consent": N_("marketing consent"),
            "referrer": N_("referrer"), "notes": N_("notes")}  # fmt: skip


@dataclass(frozen=True)
class ErasePlan:
    """What `erase_member` would clear of one member, read without changing anything."""

    member: MemberView
    held: tuple[str, ...]  # the keys of PERSONAL the row holds something in
    call_notes: int  # follow-up calls with a note about the member


def _refuse_unless_erasable(m: Member) -> None:
    if is_erased(m.name, m.status):
        raise DomainError("member.erased_already", card=m.card_no)
    if m.status != "cancelled":
        raise DomainError("member.erase_not_cancelled", name=m.name, card=m.card_no)


def member_by_card_or_id(session: Session, card_or_id: str) -> str:
    """The id of the member with this card number (any card they had) or id; refused with
    `member.no_card_or_id` (the command line's way of naming a member)."""
    query = card_or_id.strip()
    member_id = session.scalar(
        select(Member.id).where(
            or_(Member.id == query,
                Member.id.in_(select(Card.member_id).where(Card.card_no == query.upper())))
        )
    )  # fmt: skip
    if member_id is None:
        raise DomainError("member.no_card_or_id", query=query)
    return member_id


def erase_plan(store: Store, card_or_id: str) -> ErasePlan:
    """The member with this card number (any card they had) or id, and what erasing their
    personal information would clear; refused as `erase_member` refuses it."""
    with store.read() as session:
        m = load_member(session, member_by_card_or_id(session, card_or_id))
        _refuse_unless_erasable(m)
        return ErasePlan(member_view(session, m), _held(m), _call_notes(session, m.id))


def _held(m: Member) -> tuple[str, ...]:
    holds = {"name": True, "phone": m.phone is not None, "gender": m.gender != "U",
             "birthday": m.birthday is not None or m.lunar_month is not None,
             "marketing_consent": bool(m.marketing_consent),
             "referrer": m.referrer_id is not None, "notes": bool(m.notes)}  # fmt: skip
    return tuple(key for key in PERSONAL if holds[key])


def _call_notes(session: Session, member_id: str) -> int:
    return (
        session.scalar(
            select(func.count()).where(CallLogEntry.member_id == member_id, CallLogEntry.note != "")
        )
        or 0
    )


def erase_member(
    store: Store, actor: Actor, member_id: str, *, authoriser: Actor | None = None
) -> MemberView:
    """Clear a cancelled member's personal information; a manager or owner allows it."""
    with store.write() as uow:
        allowed_by = require(actor, "member_erase", authoriser)
        session = uow.session
        m = load_member(session, member_id)
        _refuse_unless_erasable(m)
        shop = shop_info(session)
        m.name = gettext(ERASED_NAME, shop.language)
        m.phone = m.phone_last4 = None
        m.gender = "U"
        m.birthday, m.birthday_lunar, m.lunar_leap = None, False, False
        m.lunar_month = m.lunar_day = None
        m.birthday_md = m.birthday_md_year = None
        m.marketing_consent = False
        m.referrer_id = None
        m.notes = ""
        session.flush()
        session.execute(delete(MemberSearchKey).where(MemberSearchKey.member_id == m.id))
        session.execute(
            update(CallLogEntry)
            .where(CallLogEntry.member_id == m.id, CallLogEntry.note != "")
            .values(note="")
        )
        record_change(uow, m, ERASED, {"by": actor.name})
        uow.audit(
            ERASED, staff_id=actor.staff_id, staff_name=actor.name,
            authorised_by=None if allowed_by is actor else allowed_by.name, target=m.card_no,
            detail={"member_id": m.id},
        )  # fmt: skip
        return member_view(session, m)

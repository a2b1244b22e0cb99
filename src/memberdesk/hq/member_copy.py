"""A member's copy of what the chain holds about them, made at head office (个人信息副本,
个人信息保护法 art. 45): `memberdesk-hq member-copy CARD_OR_ID -o FILE.xlsx`.

A till's copy (core/followups/personal_copy.py) holds what that till keeps; a member of a
chain-wide membership bought at several stores, and head office holds all of it: the
profile as HQ merged it, every card number a till sent, and the sales, refunds, points and
stored-value entries of every store, each with its store. An erased member has nothing
personal left to copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, or_, select

from ..core.errors import DomainError
from ..core.files import atomic_write
from ..core.i18n import DEFAULT_LANG, N_, gettext, name_of
from ..core.loyalty.ledger import POINTS_KIND_NAMES, WALLET_KIND_NAMES
from ..core.members.erase import is_erased
from ..core.members.import_columns import FIELD_NAMES, NO_WORD, YES_WORD
from ..core.members.member import GENDER_NAMES, STATUS_NAMES
from ..core.money import fen_to_decimal
from .models import cards, members, points_entries, refunds, sales, wallet_entries


@dataclass(frozen=True)
class ChainCopy:
    card_no: str
    path: Path
    stores: tuple[str, ...]
    sales: int
    refunds: int
    points: int
    wallet: int


def _money(fen: Any) -> Decimal:
    return fen_to_decimal(int(fen or 0))


def _day(value: Any) -> date | str:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else ""
    except ValueError:
        return str(value)


def chain_copy(
    conn: Connection, card_or_id: str, path: Path, *, lang: str = DEFAULT_LANG
) -> ChainCopy:
    """Write the member's copy of what head office holds to `path` (.xlsx)."""
    from ..core.followups.personal_copy import write_sheets

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise DomainError("member.copy_format", path=str(path))
    query = card_or_id.strip()
    member_id = conn.scalar(
        select(members.c.id).where(
            or_(members.c.id == query,
                members.c.id.in_(select(cards.c.member_id).where(cards.c.card_no == query.upper())))
        )
    )  # fmt: skip
    if member_id is None:
        raise DomainError("member.no_card_or_id", query=query)
    m = conn.execute(select(members).where(members.c.id == member_id)).one()
    data = m.data if isinstance(m.data, dict) else {}
    if is_erased(m.name, m.status):
        raise DomainError("member.erased_already", card=m.card_no)

    def t(msgid: str) -> str:
        return gettext(msgid, lang)

    yes, no = t(YES_WORD), t(NO_WORD)
    birthday = _day(data.get("birthday"))
    if data.get("birthday_lunar") and data.get("lunar_month"):
        birthday = f"{t(N_('Lunar birthday'))} {data.get('lunar_month')}-{data.get('lunar_day')}"
    profile = [
        (FIELD_NAMES["card"], m.card_no), (FIELD_NAMES["name"], m.name),
        (FIELD_NAMES["phone"], m.phone or ""),
        (FIELD_NAMES["gender"], name_of(GENDER_NAMES, data.get("gender") or "U", lang)),
        (FIELD_NAMES["birthday"], birthday), (FIELD_NAMES["tier"], m.tier),
        (FIELD_NAMES["status"], name_of(STATUS_NAMES, m.status, lang)),
        (FIELD_NAMES["joined"], m.joined_date or ""),
        (N_("Joined at store"), data.get("joined_store") or m.store_code),
        (FIELD_NAMES["consent"], yes if data.get("marketing_consent") else no),
        (FIELD_NAMES["guardian"], yes if data.get("guardian_consent") else no),
        (FIELD_NAMES["notes"], data.get("notes") or ""),
    ]  # fmt: skip
    held_cards = conn.execute(
        select(cards.c.card_no, cards.c.store_code, cards.c.first_seen_at)
        .where(cards.c.member_id == member_id).order_by(cards.c.first_seen_at)
    ).all()  # fmt: skip
    bought = conn.execute(
        select(sales).where(sales.c.member_id == member_id)
        .order_by(sales.c.business_date.desc(), sales.c.receipt_no.desc())
    ).all()  # fmt: skip
    returned = conn.execute(
        select(refunds).where(refunds.c.member_id == member_id)
        .order_by(refunds.c.business_date.desc(), refunds.c.receipt_no.desc())
    ).all()  # fmt: skip
    points = conn.execute(
        select(points_entries).where(points_entries.c.member_id == member_id)
        .order_by(points_entries.c.business_date.desc())
    ).all()  # fmt: skip
    wallet = conn.execute(
        select(wallet_entries).where(wallet_entries.c.member_id == member_id)
        .order_by(wallet_entries.c.business_date.desc())
    ).all()  # fmt: skip
    sheets: list[tuple[str, list[str], list[list[Any]]]] = [
        (N_("Personal information"), [N_("Field"), N_("Value")],
         [[t(label), value] for label, value in profile]),
        (N_("Cards held"), [N_("Card no."), N_("Store"), N_("Issued")],
         [[c.card_no, c.store_code, c.first_seen_at.date()] for c in held_cards]),
        (N_("Purchases"), [N_("Date"), N_("Store"), N_("Receipt"), N_("Amount"),
                           N_("Points earned"), N_("Points used")],
         [[s.business_date, s.store_code, s.receipt_no, _money(s.total), int(s.points_earned),
           int(s.points_redeemed)] for s in bought]),
        (N_("Refunds"), [N_("Date"), N_("Store"), N_("Receipt"), N_("Amount")],
         [[r.business_date, r.store_code, r.receipt_no, _money(r.amount)] for r in returned]),
        (N_("Points history"), [N_("Date"), N_("Store"), N_("Entry kind"), N_("Points change"),
                                N_("Points balance")],
         [[e.business_date, e.store_code, name_of(POINTS_KIND_NAMES, e.kind, lang),
           int(e.delta), int(e.balance_after)] for e in points]),
        (N_("Stored value history"), [N_("Date"), N_("Store"), N_("Entry kind"),
                                      N_("Principal change"), N_("Bonus change"),
                                      N_("Principal after"), N_("Bonus after")],
         [[e.business_date, e.store_code, name_of(WALLET_KIND_NAMES, e.kind, lang),
           _money(e.principal_delta), _money(e.bonus_delta), _money(e.principal_after),
           _money(e.bonus_after)] for e in wallet]),
    ]  # fmt: skip
    with atomic_write(path) as part:
        write_sheets(part, [(t(title), [t(h) for h in head], rows) for title, head, rows in sheets])
    stores = tuple(sorted({s.store_code for s in bought} | {e.store_code for e in points}
                          | {e.store_code for e in wallet}))  # fmt: skip
    return ChainCopy(m.card_no, path, stores, len(bought), len(returned), len(points),
                     len(wallet))  # fmt: skip

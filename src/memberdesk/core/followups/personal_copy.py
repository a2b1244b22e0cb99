"""A member's copy of the personal information the shop holds about them (个人信息副本).

A person may see and have a copy of their personal information (个人信息保护法 art. 45):
a member who asks is handed one .xlsx with everything this till keeps about them — the
profile as the member form holds it (the whole phone number, the birthday, consents,
notes), every card they had, and their sales, points, stored value and the follow-up
calls logged about them, newest first, on the shop's clock. A manager or the owner makes
it (it holds the whole phone number), and the audit log says who made whose copy and
when, not what it held. A member whose personal information was erased has none left to
copy: refused, as erasing them again is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..clock import from_utc_naive
from ..errors import DomainError
from ..files import atomic_write
from ..i18n import DEFAULT_LANG, N_, gettext, name_of
from ..loyalty.ledger import POINTS_KIND_NAMES, WALLET_KIND_NAMES
from ..loyalty.program import TENDER_NAMES
from ..loyalty.program_store import tier_names
from ..members.erase import is_erased, member_by_card_or_id
from ..members.import_columns import FIELD_NAMES, NO_WORD, YES_WORD, lunar_text
from ..members.member import (
    CARD_STATUS_NAMES,
    GENDER_NAMES,
    STATUS_NAMES,
    card_history,
    load_member,
    member_view,
)
from ..money import fen_to_decimal
from ..shop.details import shop_info
from ..shop.staff import Actor, require
from ..store.database import Store
from ..store.models import Member
from ..text import xlsx_text
from ..till.history import call_history, member_sales, points_history, wallet_history
from .calllog import OUTCOMES
from .lists import LIST_NAMES

ACTION = "member.copy_given"
EVERYTHING = 10**9  # no limit on a member's history rows


@dataclass(frozen=True)
class PersonalCopy:
    card_no: str
    path: Path
    sales: int
    points: int
    wallet: int
    calls: int


def personal_copy(
    store: Store, actor: Actor, card_or_id: str, path: Path, *,
    authoriser: Actor | None = None, lang: str = DEFAULT_LANG,
) -> PersonalCopy:  # fmt: skip
    """Write the member's copy to `path` (.xlsx) and note in the audit log that it was made."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise DomainError("member.copy_format", path=str(path))
    allowed = require(actor, "member_copy", authoriser)
    with store.read() as s:
        member_id = member_by_card_or_id(s, card_or_id)
        m = load_member(s, member_id)
        if is_erased(m.name, m.status):
            raise DomainError("member.erased_already", card=m.card_no)
        view = member_view(s, m)
        shop = shop_info(s)
        tiers = tier_names(s)
        referrer = s.get(Member, m.referrer_id).card_no if m.referrer_id else ""
    sales = member_sales(store, member_id, limit=EVERYTHING)
    points = points_history(store, member_id, limit=EVERYTHING)
    wallet = wallet_history(store, member_id, limit=EVERYTHING)
    calls = call_history(store, member_id, limit=EVERYTHING)
    cards = card_history(store, member_id)
    tz = ZoneInfo(shop.timezone)
    now = store.clock.now().astimezone(tz)

    def t(msgid: str) -> str:
        return gettext(msgid, lang)

    yes, no = t(YES_WORD), t(NO_WORD)
    birthday: Any = view.birthday
    if view.birthday_lunar and view.lunar_month and view.birthday:
        birthday = lunar_text(view.birthday.year, view.lunar_month, view.lunar_day or 1,
                              view.lunar_leap, lang)  # fmt: skip
    profile = [
        (FIELD_NAMES["card"], view.card_no), (FIELD_NAMES["name"], view.name),
        (FIELD_NAMES["phone"], view.phone or ""),
        (FIELD_NAMES["gender"], name_of(GENDER_NAMES, view.gender, lang)),
        (FIELD_NAMES["birthday"], birthday or ""),
        (FIELD_NAMES["tier"], tiers.get(view.tier, view.tier)),
        (FIELD_NAMES["status"], name_of(STATUS_NAMES, view.status, lang)),
        (FIELD_NAMES["salesperson"], view.salesperson_name or ""),
        (FIELD_NAMES["referrer"], referrer),
        (FIELD_NAMES["joined"], _local(view.joined_at, tz).date()),
        (N_("Joined at store"), view.joined_store),
        (FIELD_NAMES["consent"], yes if view.marketing_consent else no),
        (FIELD_NAMES["guardian"], yes if view.guardian_consent else no),
        (FIELD_NAMES["notes"], view.notes),
        (FIELD_NAMES["points"], view.points),
        (FIELD_NAMES["wallet_principal"], fen_to_decimal(view.wallet_principal)),
        (FIELD_NAMES["wallet_bonus"], fen_to_decimal(view.wallet_bonus)),
        (FIELD_NAMES["lifetime_spend"], fen_to_decimal(view.lifetime_spend)),
        (FIELD_NAMES["visits"], view.visit_count),
        (FIELD_NAMES["last_visit"],
         _local(view.last_visit_at, tz) if view.last_visit_at else ""),
    ]  # fmt: skip
    sheets: list[tuple[str, list[str], list[list[Any]]]] = [
        (N_("Personal information"), [N_("Field"), N_("Value")],
         [[t(label), value] for label, value in profile]
         + [[t(N_("Copy made on")), now.replace(tzinfo=None, microsecond=0)],
            [t(N_("Made by")), f"{shop.name} · {actor.name}"]]),
        (N_("Cards held"), [N_("Card no."), N_("Status"), N_("Issued"), N_("Ended"), N_("Reason")],
         [[c["card_no"], name_of(CARD_STATUS_NAMES, c["status"], lang),
           _local(c["issued_at"], tz), _local(c["ended_at"], tz) if c["ended_at"]
           else "", c["reason"]] for c in cards]),
        (N_("Purchases"), [N_("Time"), N_("Receipt"), N_("Amount"), N_("Refunded"),
                       N_("Points earned"), N_("Points used"), N_("Paid by")],
         [[r.local_time, r.receipt_no, fen_to_decimal(r.total), fen_to_decimal(r.refunded_total),
           r.points_earned, r.points_redeemed,
           "、".join(f"{name_of(TENDER_NAMES, k, lang)} {fen_to_decimal(v)}"
                    for k, v in r.tenders.items())] for r in sales]),
        (N_("Points history"), [N_("Time"), N_("Entry kind"), N_("Points change"),
                                N_("Points balance"), N_("Receipt"), N_("Note")],
         [[r.local_time, name_of(POINTS_KIND_NAMES, r.kind, lang), r.delta, r.balance_after,
           r.receipt_no, r.note] for r in points]),
        (N_("Stored value history"), [N_("Time"), N_("Entry kind"), N_("Principal change"),
                              N_("Bonus change"), N_("Principal after"), N_("Bonus after"),
                              N_("Receipt"), N_("Note")],
         [[r.local_time, name_of(WALLET_KIND_NAMES, r.kind, lang),
           fen_to_decimal(r.principal_delta), fen_to_decimal(r.bonus_delta),
           fen_to_decimal(r.principal_after), fen_to_decimal(r.bonus_after), r.receipt_no,
           r.note] for r in wallet]),
        (N_("Follow-up calls"), [N_("Time"), N_("Staff"), N_("List"), N_("Outcome"), N_("Note")],
         [[r.local_time, r.staff_name, name_of(LIST_NAMES, r.list_kind, lang),
           name_of(OUTCOMES, r.outcome, lang), r.note] for r in calls]),
    ]  # fmt: skip
    with atomic_write(path) as part:
        write_sheets(part, [(t(title), [t(h) for h in head], rows) for title, head, rows in sheets])
        with store.write() as uow:  # noted before the file appears under its name
            uow.audit(ACTION, staff_id=actor.staff_id, staff_name=actor.name,
                      authorised_by=None if allowed is actor else allowed.name,
                      target=view.card_no, detail={"member_id": member_id})  # fmt: skip
    return PersonalCopy(view.card_no, path, len(sales), len(points), len(wallet), len(calls))


def _local(moment: datetime, tz: Any) -> datetime:
    return from_utc_naive(moment).astimezone(tz).replace(tzinfo=None, microsecond=0)


def write_sheets(path: Path, sheets: list[tuple[str, list[str], list[list[Any]]]]) -> None:
    """Sheets (title, headings, rows) in one .xlsx: times and dates as such, money (Decimal)
    as 0.00, text that starts like a formula as text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    for title, head, rows in sheets:
        ws = wb.create_sheet(title[:31])
        ws.append(head)
        for row in rows:
            cells = []
            for value in row:
                if isinstance(value, datetime | date | Decimal):
                    cell = WriteOnlyCell(ws, value)
                    cell.number_format = (
                        "yyyy-mm-dd hh:mm" if isinstance(value, datetime)
                        else "yyyy-mm-dd" if isinstance(value, date) else "0.00"
                    )  # fmt: skip
                    cells.append(cell)
                else:
                    cells.append(xlsx_text(ws, value))
            ws.append(cells)
    wb.save(path)

"""How codes read on screen: tenders, statuses, ledger kinds, roles, discount kinds.

The names are core's (one table per kind of code, in core's message catalogue), read in
the window's language; the codes and their meaning belong to core.
"""

from __future__ import annotations

from datetime import datetime

from ..core.followups.calllog import OUTCOMES
from ..core.i18n import Message, join, name_of, translate
from ..core.loyalty.ledger import POINTS_KIND_NAMES, WALLET_KIND_NAMES
from ..core.loyalty.program import TENDER_NAMES
from ..core.members.chain_directory import store_name
from ..core.members.member import GENDER_NAMES, STATUS_NAMES
from ..core.money import format_fen
from ..core.printing.layout import DISCOUNT_NAMES
from ..core.shop.details import timezone_name as core_timezone_name
from ..core.shop.staff import ROLE_NAMES
from ..core.store.database import Store
from ..core.till.count_cards import ENTRY_KIND_NAMES
from .i18n import current_language, tr


def money(fen: int) -> str:
    return format_fen(fen)


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "—"


def tier_text(name: str, locked: bool) -> str:
    """金卡, or 金卡（已锁定） when no sale or review will move it."""
    return tr("%1 (locked)").replace("%1", name) if locked else name


def _name(table: dict[str, str], code: str) -> str:
    return name_of(table, code, current_language())


def tender_name(kind: str) -> str:
    return _name(TENDER_NAMES, kind)


def status_name(status: str) -> str:
    return _name(STATUS_NAMES, status)


def role_name(role: str) -> str:
    return _name(ROLE_NAMES, role)


def gender_name(gender: str) -> str:
    return _name(GENDER_NAMES, gender)


def discount_kind_name(kind: str) -> str:
    return _name(DISCOUNT_NAMES, kind)


def points_kind_name(kind: str) -> str:
    return _name(POINTS_KIND_NAMES, kind)


def wallet_kind_name(kind: str) -> str:
    return _name(WALLET_KIND_NAMES, kind)


def count_card_kind_name(kind: str) -> str:
    return _name(ENTRY_KIND_NAMES, kind)


def timezone_name(tz: str) -> str:
    """中国标准时间（北京时间） for Asia/Shanghai; a zone without a name by its IANA name."""
    return core_timezone_name(tz, current_language())


def call_outcome_name(outcome: str) -> str:
    return _name(OUTCOMES, outcome)


def coupon_text(name: str, terms: Message) -> str:
    """A coupon or a coupon type by its name and what it gives (core's words, its cap too):
    八折券：减 20%，最高优惠 ¥50.00."""
    return tr("%1: %2").replace("%2", terms.text(current_language())).replace("%1", name)


def core_text(msgid: str, **params: object) -> str:
    """A text of core's catalogue (a list's title, a policy note) in the window's language."""
    return translate(msgid, current_language(), **params)


def list_kind_name(kind: str) -> str:
    names = {
        "birthdays": tr("Birthdays"), "dormant": tr("Dormant"), "new": tr("New members"),
        "bigspend": tr("After a large purchase"), "dropping": tr("Visiting less"), "other": tr("Other"),
    }  # fmt: skip
    return names.get(kind, kind)


def tenders_text(tenders: dict[str, int]) -> str:
    parts = [f"{tender_name(k)} {money(v)}" for k, v in tenders.items() if v]
    return join(parts, current_language(), kind="phrases") or "—"


def tender_lines(tenders: dict[str, int]) -> str:
    """The ways paid, one a line (银行卡 ¥10,000.00 / 微信 ¥2,345.00): a narrow column reads
    them whole where one line of them was cut to "…"."""
    return "\n".join(f"{tender_name(k)} {money(v)}" for k, v in tenders.items() if v) or "—"


def tender_ways(tenders: dict[str, int]) -> str:
    """The ways paid without their amounts (银行卡、微信), for a list; the sale shows the amounts."""
    return join([tender_name(k) for k, v in tenders.items() if v], current_language()) or "—"


def list_time(when: datetime, this_year: int) -> str:
    """A time in a list: 12-07 14:05 in the shop's current year, 2025-12-07 14:05 before it."""
    return when.strftime("%m-%d %H:%M" if when.year == this_year else "%Y-%m-%d %H:%M")


def store_words(store: Store, code: str, known: dict[str, str]) -> str:
    """A member's store as a list names it: 本店 for this store's (`code` empty), 滨江店（S002）
    for another store of the chain (its code alone while HQ has not said its name); `known`
    keeps the names already read for one list."""
    if not code:
        return tr("This store")
    if code not in known:
        name = store_name(store, code)
        known[code] = tr("%1 (%2)").replace("%1", name).replace("%2", code) if name else code
    return known[code]

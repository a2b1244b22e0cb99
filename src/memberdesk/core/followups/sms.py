"""SMS texts and call scripts for the follow-up lists, from editable templates.

Templates use placeholders in braces — {name} {points} {tier} {tier_member} {shop} {card}
{date} {birthday} {salesperson} {reason} {spend} {last_visit} {coupon} — checked when saved, so a typo
is refused at the desk, not discovered in 300 sent messages. A Chinese SMS is
billed in segments: up to 70 characters is one message; a longer one is split into
67-character parts (the rest carries the joining header). Members without marketing
consent get no SMS text at all.
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from ..errors import DomainError
from ..i18n import DEFAULT_LANG, N_, Listing, gettext, translate
from ..members.tiers import MEMBER_SUFFIXES, tier_member
from ..money import format_fen
from ..shop.details import read_setting, write_setting
from ..shop.staff import Actor, require
from ..store.database import Store
from .lists import LIST_KINDS, FollowupList, FollowupRow

SINGLE_SMS = 70


MULTI_PART = 67


PLACEHOLDERS = ("name", "points", "tier", "tier_member", "shop", "card", "date", "birthday",
                "salesperson", "reason", "spend", "last_visit", "coupon")  # fmt: skip


SMS_KEY, SCRIPT_KEY = "sms.templates", "callsheet.scripts"


# The templates a shop starts with, in the language of the list (a saved template is the
# owner's own text and is used as written). {tier_member} reads 银卡会员, or 积分会员 for a
# tier whose name already says 会员.
DEFAULT_SMS = {
    "birthdays": N_(
        "[{shop}] Dear {name}, {birthday} is your birthday: happy birthday! Come in during your birthday for your member treat; we look forward to seeing you. Reply T to unsubscribe"
    ),
    "dormant": N_(
        "[{shop}] Dear {name}, long time no see! You still have {points} points to spend as cash; come and see what is new. Reply T to unsubscribe"
    ),
    "new": N_(
        "[{shop}] Dear {name}, thank you for becoming our {tier_member}; whatever you need, just contact us. Reply T to unsubscribe"
    ),
    "bigspend": N_(
        "[{shop}] Dear {name}, thank you for your visit on {date}; if anything you bought gives you trouble, please contact us. Reply T to unsubscribe"
    ),
    # Listed for coming less often or spending less: maybe in last week, so not "we have not
    # seen you lately".
    "dropping": N_(
        "[{shop}] Dear {name}, thank you for being one of our regulars: new arrivals are in and you have {points} points. Come and have a look. Reply T to unsubscribe"
    ),
}


DEFAULT_SCRIPTS = {
    "birthdays": N_(
        "Wish {name} a happy birthday, tell them about the birthday treat, invite them in"
    ),
    "dormant": N_("Ask how they are, remind them of their {points} points, invite them back"),
    "new": N_("Thank them for joining, ask how things are going, explain the points rules"),
    "bigspend": N_(
        "Thank them for the purchase, ask how it is working out and whether they are happy"
    ),
    "dropping": N_(
        "Ask how they are, find out if anything disappointed them, tell them about new arrivals"
    ),
}


# The defaults that speak of the member's points, as they read for a member with none left:
# "you still have 0 points to spend" is no reason to come back.
NO_POINTS_SMS = {
    "dormant": N_(
        "[{shop}] Dear {name}, long time no see! New arrivals are in; come and see what is new. Reply T to unsubscribe"
    ),
    "dropping": N_(
        "[{shop}] Dear {name}, thank you for being one of our regulars: new arrivals are in. Come and have a look. Reply T to unsubscribe"
    ),
}


NO_POINTS_SCRIPTS = {
    "dormant": N_("Ask how they are, tell them about new arrivals, invite them back"),
}


@dataclass(frozen=True)
class SmsMessage:
    member_id: str
    name: str
    phone: str | None
    text: str
    length: int
    segments: int


def sms_segments(text: str) -> int:
    """Billed messages for one text: 70 characters fit one, longer ones go in 67s."""
    n = len(text)
    if n == 0:
        return 0
    return 1 if n <= SINGLE_SMS else math.ceil(n / MULTI_PART)


def check_template(text: str) -> str:
    """The template if every placeholder is known and the braces are balanced."""
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError as exc:
        raise DomainError("sms.template_invalid", template=text) from exc
    for name in fields:
        if name not in PLACEHOLDERS:
            raise DomainError(
                "sms.placeholder_unknown",
                name=name or "{}",
                known=" ".join(f"{{{p}}}" for p in PLACEHOLDERS),
            )
    return text


def values_of(
    row: FollowupRow, shop: str, lang: str = DEFAULT_LANG, coupon: str = ""
) -> dict[str, Any]:
    """The placeholders' values for one member; `coupon`: the code of the coupon a campaign
    issued them (core/coupons/issue.py ``issue_to_list``), '' when none."""

    def words(d: date) -> str:
        return translate(N_("{month}/{day}"), lang, month=d.month, day=d.day)

    # {date}: the day the message is about (a large purchase's own day, not the day its
    # callback falls due); {birthday}: the day the list is for.
    day = words(row.due)
    return {
        "name": row.name, "points": row.points, "tier": row.tier,
        "tier_member": tier_member(row.tier, lang), "shop": shop, "card": row.card_no,
        "date": words(row.event) if row.event else day, "birthday": day, "salesperson": row.salesperson, "reason": row.reason,
        "spend": format_fen(row.lifetime_spend),
        "last_visit": f"{row.last_visit:%Y-%m-%d}" if row.last_visit else "", "coupon": coupon,
    }  # fmt: skip


def fill(
    template: str, row: FollowupRow, shop: str, lang: str = DEFAULT_LANG, coupon: str = ""
) -> str:
    if row.points <= 0:  # a default that offers the member's points, for one who has none
        template = _without_points(lang).get(template, template)
    # An owner's template from before {tier_member} may say {tier}会员: for a tier named
    # 积分会员 that would read 积分会员会员.
    if row.tier.endswith(MEMBER_SUFFIXES):
        for suffix in MEMBER_SUFFIXES:
            template = template.replace("{tier}" + suffix, "{tier}")
    try:
        return template.format_map(values_of(row, shop, lang, coupon))
    except (KeyError, ValueError, IndexError):  # a template saved before a placeholder was retired
        return template


@lru_cache(maxsize=8)
def _without_points(lang: str) -> dict[str, str]:
    """Each default text that mentions points (in `lang`) → its wording for a member who has
    none. An owner's own template is not in here: it is used as written."""
    pairs = [(DEFAULT_SMS, NO_POINTS_SMS), (DEFAULT_SCRIPTS, NO_POINTS_SCRIPTS)]
    return {gettext(defaults[kind], lang): gettext(other, lang)
            for defaults, others in pairs for kind, other in others.items()}  # fmt: skip


def _templates(
    session: Session, key: str, defaults: Mapping[str, str], lang: str
) -> dict[str, str]:
    saved = read_setting(session, key) or {}
    return {kind: saved.get(kind) or gettext(defaults[kind], lang) for kind in LIST_KINDS}


def sms_templates(session: Session, lang: str = DEFAULT_LANG) -> dict[str, str]:
    """Each list's SMS template: the owner's, else the default one in `lang`."""
    return _templates(session, SMS_KEY, DEFAULT_SMS, lang)


def call_scripts(session: Session, lang: str = DEFAULT_LANG) -> dict[str, str]:
    return _templates(session, SCRIPT_KEY, DEFAULT_SCRIPTS, lang)


def save_template(
    store: Store, actor: Actor, kind: str, text: str, *, script: bool = False,
    lang: str = DEFAULT_LANG,
) -> str:  # fmt: skip
    """Save the SMS template (or, with script=True, the call script) of a list; '' restores
    the default (returned in `lang`)."""
    require(actor, "program_change")
    if kind not in LIST_KINDS:
        raise DomainError("followup.kind_unknown", kind=kind, kinds=Listing(LIST_KINDS))
    text = check_template((text or "").strip())
    key = SCRIPT_KEY if script else SMS_KEY
    with store.write() as uow:
        saved = dict(read_setting(uow.session, key) or {})
        saved[kind] = text
        write_setting(uow.session, key, saved)
        uow.audit("sms.template" if not script else "callsheet.script", staff_id=actor.staff_id,
                  staff_name=actor.name, target=kind, detail={"text": text})  # fmt: skip
    return text or gettext((DEFAULT_SCRIPTS if script else DEFAULT_SMS)[kind], lang)


def scripts_for(store: Store, fl: FollowupList) -> dict[str, str]:
    """The suggested script line of every row (member id → text), in the list's language."""
    with store.read() as s:
        template = call_scripts(s, fl.lang)[fl.kind]
    return {row.member_id: fill(template, row, fl.shop_name, fl.lang) for row in fl.rows}


def sms_for_list(
    store: Store, fl: FollowupList, template: str | None = None,
    coupons: Mapping[str, str] | None = None,
) -> list[SmsMessage]:  # fmt: skip
    """One SMS per member who consented to marketing and has a mobile number (the others
    are left out); `coupons` gives each member's coupon code for {coupon} (a campaign's,
    member id → code)."""
    if template is None:
        with store.read() as s:
            template = sms_templates(s, fl.lang)[fl.kind]
    check_template(template)
    out = []
    for row in fl.rows:
        if not row.consent or not row.phone:  # no number: nothing to send it to
            continue
        text = fill(template, row, fl.shop_name, fl.lang, (coupons or {}).get(row.member_id, ""))
        out.append(
            SmsMessage(row.member_id, row.name, row.phone, text, len(text), sms_segments(text))
        )
    return out

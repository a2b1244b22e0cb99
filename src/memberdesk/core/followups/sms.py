"""SMS texts and call scripts for the follow-up lists, from editable templates.

Templates use placeholders in braces — {name} {points} {tier} {shop} {card} {date}
{birthday} {salesperson} {reason} {spend} {last_visit} — checked when saved, so a typo
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
from typing import Any

from sqlalchemy.orm import Session

from ..errors import DomainError
from ..money import format_fen
from ..shop.details import read_setting, write_setting
from ..shop.staff import Actor, require
from ..store.database import Store
from .lists import LIST_KINDS, FollowupList, FollowupRow

SINGLE_SMS = 70


MULTI_PART = 67


PLACEHOLDERS = ("name", "points", "tier", "shop", "card", "date", "birthday", "salesperson",
                "reason", "spend", "last_visit")  # fmt: skip


SMS_KEY, SCRIPT_KEY = "sms.templates", "callsheet.scripts"


DEFAULT_SMS = {
    "birthdays": "【{shop}】{name}您好，{birthday}是您的生日，祝您生日快乐！生日期间到店可享会员礼遇，期待您的光临。回T退订",
    "dormant": "【{shop}】{name}您好，好久不见！您还有{points}积分可以抵现，欢迎回店看看新品。回T退订",
    "new": "【{shop}】{name}您好，感谢您成为我们的{tier}会员，有任何需要欢迎随时联系我们。回T退订",
    "bigspend": "【{shop}】{name}您好，感谢您{date}的惠顾，商品使用中有任何问题请随时联系我们。回T退订",
    "dropping": "【{shop}】{name}您好，最近没见到您，店里上了新品，您现有{points}积分，期待您再来。回T退订",
}


DEFAULT_SCRIPTS = {
    "birthdays": "祝{name}生日快乐，告知生日礼遇，邀请到店",
    "dormant": "问候近况，提醒还有{points}积分可用，邀请回店",
    "new": "感谢入会，询问使用体验，介绍积分规则",
    "bigspend": "感谢惠顾，回访商品使用情况和满意度",
    "dropping": "关心近况，了解有无不满意，介绍新品活动",
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


def values_of(row: FollowupRow, shop: str) -> dict[str, Any]:
    return {
        "name": row.name, "points": row.points, "tier": row.tier, "shop": shop, "card": row.card_no,
        "date": f"{row.due.month}月{row.due.day}日", "birthday": f"{row.due.month}月{row.due.day}日",
        "salesperson": row.salesperson, "reason": row.reason,
        "spend": format_fen(row.lifetime_spend),
        "last_visit": f"{row.last_visit:%Y-%m-%d}" if row.last_visit else "",
    }  # fmt: skip


def fill(template: str, row: FollowupRow, shop: str) -> str:
    try:
        return template.format_map(values_of(row, shop))
    except (KeyError, ValueError, IndexError):  # a template saved before a placeholder was retired
        return template


def _templates(session: Session, key: str, defaults: Mapping[str, str]) -> dict[str, str]:
    saved = read_setting(session, key) or {}
    return {kind: saved.get(kind) or defaults[kind] for kind in LIST_KINDS}


def sms_templates(session: Session) -> dict[str, str]:
    return _templates(session, SMS_KEY, DEFAULT_SMS)


def call_scripts(session: Session) -> dict[str, str]:
    return _templates(session, SCRIPT_KEY, DEFAULT_SCRIPTS)


def save_template(store: Store, actor: Actor, kind: str, text: str, *, script: bool = False) -> str:
    """Save the SMS template (or, with script=True, the call script) of a list; '' restores the default."""
    require(actor, "program_change")
    if kind not in LIST_KINDS:
        raise DomainError("followup.kind_unknown", kind=kind, kinds="、".join(LIST_KINDS))
    text = check_template((text or "").strip())
    key = SCRIPT_KEY if script else SMS_KEY
    with store.write() as uow:
        saved = dict(read_setting(uow.session, key) or {})
        saved[kind] = text
        write_setting(uow.session, key, saved)
        uow.audit("sms.template" if not script else "callsheet.script", staff_id=actor.staff_id,
                  staff_name=actor.name, target=kind, detail={"text": text})  # fmt: skip
    return text or (DEFAULT_SCRIPTS if script else DEFAULT_SMS)[kind]


def scripts_for(store: Store, fl: FollowupList) -> dict[str, str]:
    """The suggested script line of every row (member id → text)."""
    with store.read() as s:
        template = call_scripts(s)[fl.kind]
    return {row.member_id: fill(template, row, fl.shop_name) for row in fl.rows}


def sms_for_list(store: Store, fl: FollowupList, template: str | None = None) -> list[SmsMessage]:
    """One SMS per member who consented to marketing (the others are left out)."""
    if template is None:
        with store.read() as s:
            template = sms_templates(s)[fl.kind]
    check_template(template)
    out = []
    for row in fl.rows:
        if not row.consent:
            continue
        text = fill(template, row, fl.shop_name)
        out.append(
            SmsMessage(row.member_id, row.name, row.phone, text, len(text), sms_segments(text))
        )
    return out

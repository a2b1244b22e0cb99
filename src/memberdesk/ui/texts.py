"""How codes read on screen: tenders, statuses, ledger kinds, roles, discount kinds.

Presentation only: the codes and their meaning belong to core.
"""

from __future__ import annotations

from datetime import datetime

from ..core.money import format_fen
from .i18n import tr


def money(fen: int) -> str:
    return format_fen(fen)


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "—"


def tier_text(name: str, locked: bool) -> str:
    """金卡, or 金卡（已锁定） when no sale or review will move it."""
    return tr("%1 (locked)").replace("%1", name) if locked else name


def tender_name(kind: str) -> str:
    names = {
        "cash": tr("Cash"), "card": tr("Bank card"), "wechat": tr("WeChat Pay"),
        "alipay": tr("Alipay"), "wallet": tr("Stored value"), "points": tr("Points"),
    }  # fmt: skip
    return names.get(kind, kind)


def status_name(status: str) -> str:
    names = {
        "active": tr("Active"), "lost": tr("Card lost"), "frozen": tr("Frozen"),
        "cancelled": tr("Cancelled"),
    }  # fmt: skip
    return names.get(status, status)


def role_name(role: str) -> str:
    return {"cashier": tr("Cashier"), "manager": tr("Manager"), "owner": tr("Owner")}.get(
        role, role
    )


def gender_name(gender: str) -> str:
    return {"M": tr("Male"), "F": tr("Female"), "U": tr("Not given")}.get(gender, gender)


def discount_kind_name(kind: str) -> str:
    names = {
        "tier": tr("Member tier discount"), "member_day": tr("Member day discount"),
        "birthday": tr("Birthday discount"),
    }  # fmt: skip
    return names.get(kind, kind)


def points_kind_name(kind: str) -> str:
    names = {
        "earn": tr("Earned"), "redeem": tr("Redeemed"), "gift": tr("Gift"),
        "signup": tr("Sign-up bonus"), "referral": tr("Referral bonus"),
        "challenge": tr("First-month bonus"), "refund_reverse": tr("Refund: earned points back"),
        "refund_return": tr("Refund: redeemed points returned"), "expire": tr("Expired"),
        "adjust": tr("Manual adjustment"), "import": tr("Imported"),
    }  # fmt: skip
    return names.get(kind, kind)


def wallet_kind_name(kind: str) -> str:
    names = {
        "topup": tr("Top-up"), "pay": tr("Payment"), "refund": tr("Refund"),
        "topup_reversal": tr("Top-up reversed"), "cashout": tr("Cash-out"), "import": tr("Imported"),
    }  # fmt: skip
    return names.get(kind, kind)


def call_outcome_name(outcome: str) -> str:
    names = {
        "connected": tr("Talked"), "no_answer": tr("No answer"), "appointment": tr("Will visit"),
        "do_not_contact": tr("Do not contact"), "sms": tr("Message sent"),
    }  # fmt: skip
    return names.get(outcome, outcome)


def list_kind_name(kind: str) -> str:
    names = {
        "birthdays": tr("Birthdays"), "dormant": tr("Dormant"), "new": tr("New members"),
        "bigspend": tr("After a large purchase"), "dropping": tr("Visiting less"), "other": tr("Other"),
    }  # fmt: skip
    return names.get(kind, kind)


def tenders_text(tenders: dict[str, int]) -> str:
    return "，".join(f"{tender_name(k)} {money(v)}" for k, v in tenders.items() if v) or "—"

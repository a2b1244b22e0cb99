"""Checking one event's payload and turning it into projection rows.

Each projector takes a payload and the sending terminal's context and returns the
rows it adds (or raises `EventInvalid` with a reason the terminal will show).
Everything a database column could refuse — a too-long text, a NUL character, a
number beyond BIGINT — is refused here, for that one event: a database error would
fail the whole batch, and then every retry of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table

from .models import points_entries, refunds, sales, tender_lines, wallet_entries

MAX_ID = 64
# Any amount a shop can have fits easily; bigger numbers would overflow a database column
# and fail the whole batch on every retry, so they reject the one event instead.
MAX_INT = 2**53
MAX_SMALL = 2**31 - 1


class EventInvalid(Exception):
    """One event cannot be accepted; the reason is stored and sent back."""


@dataclass(frozen=True)
class Context:
    terminal_id: str
    store_code: str
    timezone: str


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _int(p: dict, key: str, *, minimum: int | None = None, maximum: int = MAX_INT) -> int:
    value = p.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise EventInvalid(f"{key} must be an integer")
    if minimum is not None and value < minimum:
        raise EventInvalid(f"{key} must be at least {minimum}")
    if not -MAX_INT <= value <= maximum:
        raise EventInvalid(f"{key} is out of range")
    return value


def _id(p: dict, key: str, *, optional: bool = False) -> str | None:
    value = p.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ID or "\x00" in value:
        raise EventInvalid(f"{key} must be an id of 1–{MAX_ID} characters")
    return value


def _text(p: dict, key: str, limit: int) -> str:
    value = p.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str) or "\x00" in value:
        raise EventInvalid(f"{key} must be text")
    return value[:limit]


def _day(p: dict, key: str = "business_date") -> date:
    value = p.get(key)
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise EventInvalid(f"{key} must be a date (YYYY-MM-DD)") from None


def _tenders(p: dict, key: str = "tenders") -> dict[str, int]:
    value = p.get(key)
    if not isinstance(value, dict):
        raise EventInvalid(f"{key} must be an object of tender → fen")
    out = {}
    for kind, amount in value.items():
        if not isinstance(kind, str) or not 0 < len(kind) <= 16:
            raise EventInvalid(f"{key} has an invalid tender name")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise EventInvalid(f"{key}.{kind} must be a non-negative integer")
        if amount:
            out[kind] = amount
    return out


def _own_store(p: dict, ctx: Context) -> None:
    code = p.get("store_code")
    if code is not None and code != ctx.store_code:
        raise EventInvalid(f"store_code {code!r} is not this terminal's store {ctx.store_code!r}")


def _where(ctx: Context) -> dict[str, str]:
    return {"store_code": ctx.store_code, "terminal_id": ctx.terminal_id}


def _sale(p: dict, ctx: Context) -> list[tuple[Table, dict]]:
    _own_store(p, ctx)
    sale_id, day = _id(p, "id"), _day(p)
    row = {
        "id": sale_id, **_where(ctx), "receipt_no": _text(p, "receipt_no", 60), "business_date": day,
        "member_id": _id(p, "member_id", optional=True), "subtotal": _int(p, "subtotal"),
        "discount": _int(p, "discount"), "total": _int(p, "total", minimum=0),
        "points_earned": _int(p, "points_earned"), "points_redeemed": _int(p, "points_redeemed"),
    }  # fmt: skip
    out: list[tuple[Table, dict]] = [(sales, row)]
    for kind, amount in _tenders(p).items():
        out.append((tender_lines, {"source": "sale", "source_id": sale_id, **_where(ctx),
                                   "business_date": day, "kind": kind, "amount": amount}))  # fmt: skip
    return out


def _refund(p: dict, ctx: Context) -> list[tuple[Table, dict]]:
    _own_store(p, ctx)
    refund_id, day = _id(p, "id"), _day(p)
    row = {
        "id": refund_id, "sale_id": _id(p, "sale_id"), **_where(ctx),
        "receipt_no": _text(p, "receipt_no", 60), "business_date": day,
        "member_id": _id(p, "member_id", optional=True), "amount": _int(p, "amount", minimum=0),
        "wallet_principal": _int(p, "wallet_principal"), "wallet_bonus": _int(p, "wallet_bonus"),
        "points_reversed": _int(p, "points_reversed"), "points_returned": _int(p, "points_returned"),
    }  # fmt: skip
    back = _tenders(p)
    wallet = row["wallet_principal"] + row["wallet_bonus"]
    if wallet:
        back["wallet"] = back.get("wallet", 0) + wallet
    out: list[tuple[Table, dict]] = [(refunds, row)]
    for kind, amount in back.items():
        out.append((tender_lines, {"source": "refund", "source_id": refund_id, **_where(ctx),
                                   "business_date": day, "kind": kind, "amount": amount}))  # fmt: skip
    return out


def _points(p: dict, ctx: Context) -> list[tuple[Table, dict]]:
    row = {
        "id": _id(p, "id"), "member_id": _id(p, "member_id"), **_where(ctx),
        "business_date": _day(p), "delta": _int(p, "delta"), "kind": _text(p, "kind", 20),
        "sale_id": _id(p, "sale_id", optional=True), "refund_id": _id(p, "refund_id", optional=True),
        "balance_after": _int(p, "balance_after"),
    }  # fmt: skip
    if not row["kind"]:
        raise EventInvalid("kind is required")
    return [(points_entries, row)]


def _wallet(p: dict, ctx: Context) -> list[tuple[Table, dict]]:
    row = {
        "id": _id(p, "id"), "member_id": _id(p, "member_id"), **_where(ctx),
        "business_date": _day(p), "principal_delta": _int(p, "principal_delta"),
        "bonus_delta": _int(p, "bonus_delta"), "kind": _text(p, "kind", 20),
        "sale_id": _id(p, "sale_id", optional=True), "topup_id": _id(p, "topup_id", optional=True),
        "refund_id": _id(p, "refund_id", optional=True),
        "principal_after": _int(p, "principal_after", minimum=0),
        "bonus_after": _int(p, "bonus_after", minimum=0),
    }  # fmt: skip
    if not row["kind"]:
        raise EventInvalid("kind is required")
    return [(wallet_entries, row)]


def member_row(p: dict, ctx: Context, now: datetime) -> dict[str, Any]:
    joined_at = parse_time(p.get("joined_at"))
    if joined_at is None:
        raise EventInvalid("joined_at must be an ISO time")
    name = p.get("name")
    if not isinstance(name, str) or not name or "\x00" in name:
        raise EventInvalid("name is required")
    phone = p.get("phone")
    if phone is not None and (not isinstance(phone, str) or len(phone) > 20 or "\x00" in phone):
        raise EventInvalid("phone must be text")
    joined_date = joined_at.replace(tzinfo=UTC).astimezone(ZoneInfo(ctx.timezone)).date()
    return {
        "id": _id(p, "id"), **_where(ctx), "card_no": _text(p, "card_no", 40), "name": name[:80],
        "phone": phone, "tier": _text(p, "tier", 20), "status": _text(p, "status", 12),
        "joined_at": joined_at, "joined_date": joined_date, "version": _int(p, "version", minimum=1, maximum=MAX_SMALL),
        "data": p, "updated_at": now,
    }  # fmt: skip


PROJECTORS = {
    "sale.completed": _sale,
    "sale.refunded": _refund,
    "points.entry": _points,
    "wallet.entry": _wallet,
}
# Known kinds kept as raw events only (their money moves arrive as ledger entries).

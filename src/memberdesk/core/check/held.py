"""Held sales are what was sealed when they were put aside.

A held sale sends nothing to head office, but its hold writes an audit log entry with the
digest of the held row, and its recall or removal another (core/till/held.py); the audit
log's chain cannot be rewritten unseen (audit_chain). A held row that differs from its
hold's digest was changed in the file (its prices lowered, its discount, approver or
member changed); one whose last entry is not a hold (none, or its recall) was written
into the file, or put back after it was taken back. The till refuses to take either
back; this names them. Sales held before holds were sealed were sealed when the file
was brought to that version (migration 0019), so every held row has its hold.
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ..clock import from_utc_naive
from ..i18n import N_, Message
from ..money import format_fen
from ..shop.details import shop_info
from ..store.journal import (
    HELD_ACTIONS,
    HELD_COLUMNS,
    HELD_HOLD,
    STORED_TIME,
    canonical_time,
    held_digest,
)
from ..store.statements import raw_connection
from .base import examples

_ENTRIES = (
    f"SELECT target, action, detail FROM audit_log WHERE action IN "
    f"({', '.join(repr(a) for a in HELD_ACTIONS)}) ORDER BY id"
)
_HELD = f"SELECT {', '.join(HELD_COLUMNS)} FROM held_sales ORDER BY held_at, id"

CHANGED = N_(
    "held sale {id} (put aside {at} by {staff}, {amount}) differs from what was sealed when "
    "it was put aside: it was changed outside memberdesk"
)
WRITTEN_IN = N_(
    "held sale {id} (put aside {at} by {staff}, {amount}) was never put aside at this till, "
    "or was taken back already: it was written into the file outside memberdesk"
)


def _digest(detail: str | None) -> str | None:
    try:
        return json.loads(detail).get("digest") if detail else None
    except (AttributeError, TypeError, ValueError):
        return None


def _when(held_at: object, tz: str) -> str:
    """When it was put aside, on the shop's clock (as the recall list shows it)."""
    try:
        moment = datetime.strptime(canonical_time(held_at), STORED_TIME)  # type: ignore[arg-type]
        utc = from_utc_naive(moment)
        return utc.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError, AttributeError, KeyError):
        return str(held_at)


def _amount(value: object) -> str:
    return format_fen(value) if isinstance(value, int) else str(value)


def held_sales_as_sealed(s: Session) -> list[Message]:
    dbapi = raw_connection(s)
    last: dict[str, tuple[str, str | None]] = {}
    for target, action, detail in dbapi.execute(_ENTRIES):
        last[target] = (action, detail)
    found: list[tuple[str, dict]] = []
    for values in dbapi.execute(_HELD):
        row = dict(zip(HELD_COLUMNS, values, strict=True))
        action, detail = last.get(row["id"], (None, None))
        if action != HELD_HOLD:
            found.append((WRITTEN_IN, row))
        elif _digest(detail) != held_digest(row):
            found.append((CHANGED, row))
    if not found:
        return []
    tz = shop_info(s).timezone
    return examples(found, lambda f: Message(
        f[0], id=f[1]["id"], at=_when(f[1]["held_at"], tz), staff=f[1]["staff_name"],
        amount=_amount(f[1]["amount"])))  # fmt: skip


HELD_CHECKS = [held_sales_as_sealed]
HELD_CHECK_NAMES = {"held_sales_as_sealed": N_("held sales as put aside")}

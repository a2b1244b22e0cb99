"""Held sales are what was sealed when they were put aside.

A held sale sends nothing to head office, but its hold writes an audit log entry with the
digest of the held row, and its recall or removal another (core/till/held.py); the audit
log's chain cannot be rewritten unseen (audit_chain). A held row that differs from its
hold's digest was changed in the file (its prices lowered, its discount, approver or
member changed); one whose last entry is not a hold (none, or its recall) was written
into the file, or put back after it was taken back. The till refuses to take either
back; this names them. Sales held before holds were sealed were sealed when the file
was brought to that version (migration 0019), so every held row has its hold.

The other way round, a held sale whose last entry is its hold but whose row is gone was
neither taken back (to be rung up) nor removed at the till, which both write their entry:
it was deleted in the file — the customer's money kept and the sale never rung up. This
names it with what its hold recorded: when and by whom (the entry's own time and staff),
and how much it came to (the hold's detail carries the amount since it was recorded; an
older hold says it was not, and a seal written by the upgrade says when it was sealed).
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
    f"SELECT target, action, at, staff_name, detail FROM audit_log WHERE action IN "
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
DELETED = N_(
    "held sale {id} (put aside {at} by {staff}, {amount}) is gone from the list, but it was "
    "neither taken back nor removed at the till: it was deleted from the file outside memberdesk"
)
DELETED_NO_AMOUNT = N_(
    "held sale {id} (put aside {at} by {staff}; its amount was not recorded) is gone from the "
    "list, but it was neither taken back nor removed at the till: it was deleted from the file "
    "outside memberdesk"
)
DELETED_SEALED_AT_UPGRADE = N_(
    "held sale {id} (put aside before {at}, when the file was upgraded; who put it aside and "
    "its amount were not recorded) is gone from the list, but it was neither taken back nor "
    "removed at the till: it was deleted from the file outside memberdesk"
)


def _detail(detail: str | None) -> dict:
    try:
        found = json.loads(detail) if detail else {}
    except (TypeError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _digest(detail: str | None) -> str | None:
    return _detail(detail).get("digest")


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


def _deleted(target: str, at: object, staff: str | None, detail: str | None) -> tuple[str, dict]:
    """A held sale deleted in the file, with what its hold recorded: its time and staff are
    the entry's own (or, for a seal written by the upgrade, the held row's, when the seal
    carries them); its amount is in the detail of holds made since it was recorded."""
    kept = _detail(detail)
    staff = kept.get("staff_name") or staff or ""
    values = {"id": target, "held_at": kept.get("held_at") or at, "staff_name": staff,
              "amount": kept.get("amount")}  # fmt: skip
    if values["amount"] is not None:
        return DELETED, values
    return (DELETED_NO_AMOUNT if staff else DELETED_SEALED_AT_UPGRADE), values


def held_sales_as_sealed(s: Session) -> list[Message]:
    dbapi = raw_connection(s)
    last: dict[str, tuple[str, object, str | None, str | None]] = {}
    for target, action, at, staff, detail in dbapi.execute(_ENTRIES):
        last[target] = (action, at, staff, detail)
    found: list[tuple[str, dict]] = []
    held: set[str] = set()
    for values in dbapi.execute(_HELD):
        row = dict(zip(HELD_COLUMNS, values, strict=True))
        held.add(row["id"])
        action, _at, _staff, detail = last.get(row["id"], (None, None, None, None))
        if action != HELD_HOLD:
            found.append((WRITTEN_IN, row))
        elif _digest(detail) != held_digest(row):
            found.append((CHANGED, row))
    found += [_deleted(target, at, staff, detail)
              for target, (action, at, staff, detail) in last.items()
              if action == HELD_HOLD and target not in held]  # fmt: skip
    if not found:
        return []
    tz = shop_info(s).timezone
    return examples(found, lambda f: Message(
        f[0], id=f[1]["id"], at=_when(f[1]["held_at"], tz), staff=f[1]["staff_name"],
        amount=_amount(f[1]["amount"])))  # fmt: skip


HELD_CHECKS = [held_sales_as_sealed]
HELD_CHECK_NAMES = {"held_sales_as_sealed": N_("held sales as put aside")}

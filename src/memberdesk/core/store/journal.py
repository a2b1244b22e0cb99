"""The sync journal's hash chain: each outbox row is sealed to the one before it.

Every change a till makes has its outbox row, written in the same transaction, so
the outbox is the till's journal, as fiscal tills keep one (France's NF525,
Germany's KassenSichV). Each row carries ``chain = sha256(previous chain, the row)``
over its sequence, event id, kind, record, time and payload. Changing, removing or
inserting a row anywhere but at the very end breaks every link after it, and
`memberdesk check` names the first broken one; sales, refunds and ledger rows must
agree with the payloads the chain seals.

What it cannot do: the chain has no secret, so someone holding the file can rewrite
a whole tail and compute its links anew. The journal HQ has received is the anchor:
HQ checks each terminal's links as they arrive and lists a break as a problem, and
what HQ holds cannot be rewritten from the till.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

GENESIS = ""  # the link before a till's first row


STORED_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how the outbox keeps a time (SQLAlchemy on SQLite)


def canonical_time(moment: datetime | str) -> str:
    """A row's time as the chain reads it: as the outbox stores it, microseconds and all
    (a stored text is taken as it is, so a long journal is checked without parsing)."""
    if isinstance(moment, datetime):
        return moment.strftime(STORED_TIME)
    text = str(moment)
    if len(text) == 26 and text[10] == " ":
        return text
    if len(text) == 26 and text[10] == "T" and _ISO_MICROS.fullmatch(text):  # as a till sends it
        return f"{text[:10]} {text[11:]}"  # the same text strftime makes, a tenth of the time
    return datetime.fromisoformat(text).strftime(STORED_TIME)


# 2026-03-01T10:00:00.123456 with a day any month has and a year of four digits (strftime
# writes the year 408 as "408"), so `fromisoformat` and `strftime` would make the same text
# (the 29th to the 31st, and anything else, go the long way).
_ISO_MICROS = re.compile(
    r"[1-9]\d{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{6}"
)


def payload_text(payload: Any) -> str:
    """A payload as the outbox stores it (and as HQ receives it): plain ``json.dumps``."""
    return json.dumps(payload)


def link(
    previous: str, seq: int, event_id: str, kind: str, aggregate_id: str,
    created_at: datetime | str, payload_json: str,
) -> str:  # fmt: skip
    """The chain value of one row, given the chain value of the row before it.

    The payload is taken as its stored JSON text, so checking a long journal parses no
    payload; HQ, which receives that text, reads it back with ``payload_text``."""
    body = "\x1f".join(
        (previous, str(seq), event_id, kind, aggregate_id, canonical_time(created_at), payload_json)
    )
    return hashlib.sha256(body.encode()).hexdigest()


def audit_link(
    previous: str, entry_id: int, at: datetime | str, staff_id: str | None, staff_name: str,
    authorised_by: str | None, action: str, target: str, detail_json: str,
) -> str:  # fmt: skip
    """The chain value of one audit log entry, given the one before it: the audit log is
    sealed as the journal is, so an entry changed, inserted or removed in the file (with
    its guards dropped and put back) breaks every link after it. A missing staff id or
    approver is sealed as NUL, so it cannot become an empty name unseen."""
    body = "\x1f".join(
        (previous, str(entry_id), canonical_time(at), "\x00" if staff_id is None else staff_id,
         staff_name, "\x00" if authorised_by is None else authorised_by, action, target,
         detail_json)
    )  # fmt: skip
    return hashlib.sha256(body.encode()).hexdigest()


_AUDIT_TAIL = "SELECT id, chain FROM {s}audit_log ORDER BY id DESC LIMIT 1"
_AUDIT_ROW = (
    "INSERT INTO {s}audit_log (id, at, staff_id, staff_name, authorised_by, action, target,"
    " detail, chain) VALUES (:id, :at, NULL, '', NULL, :action, :target, :detail, :chain)"
)


def append_unattended_audit(
    execute: Callable[[str, dict[str, Any]], Any], at: str,
    entries: Iterable[tuple[str, str, str]], schema: str = "",
) -> None:  # fmt: skip
    """Append audit entries no one at the till made (a restore, an upgrade), each
    `(action, target, detail_json)` sealed to the entry before it (`audit_link`), through
    `execute(sql, params)` of a connection written without a UnitOfWork: sqlite3's own
    `conn.execute`, or SQLAlchemy's with `text()`. `schema`: the attached database's name."""
    prefix = f"{schema}." if schema else ""
    last = execute(_AUDIT_TAIL.format(s=prefix), {}).fetchone()
    entry_id, previous = (0, GENESIS) if last is None else (int(last[0]), last[1] or GENESIS)
    for action, target, detail in entries:
        entry_id += 1
        previous = audit_link(previous, entry_id, at, None, "", None, action, target, detail)
        execute(_AUDIT_ROW.format(s=prefix), {"id": entry_id, "at": at, "action": action,
                                              "target": target, "detail": detail,
                                              "chain": previous})  # fmt: skip


# A held sale (core/till/held.py) is not a business event and sends nothing to head office,
# but what was put aside is sealed all the same: its hold writes an audit log entry (sealed
# by `audit_link`) whose detail is this digest of the held row, and its recall or removal
# writes another. A held row whose last entry is not its hold, or whose digest differs,
# was written or changed in the file; a hold (its detail: the digest and the amount) whose
# row is gone was deleted in the file.
HELD_HOLD, HELD_RECALL, HELD_DISCARD = "held.hold", "held.recall", "held.discard"
HELD_ACTIONS = (HELD_HOLD, HELD_RECALL, HELD_DISCARD)
HELD_COLUMNS = ("id", "held_at", "staff_id", "staff_name", "shift_id", "member_id", "member_name",
                "amount", "line_count", "sale")  # fmt: skip


def held_digest(values: dict[str, Any]) -> str:
    """sha256 over a canonical JSON of a held sale's row (HELD_COLUMNS): its time as the
    chain reads a time, its kept sale parsed when given as stored text, keys sorted."""
    body = dict(values)
    with contextlib.suppress(TypeError, ValueError):
        body["held_at"] = canonical_time(body["held_at"])
    if isinstance(body.get("sale"), str | bytes):
        with contextlib.suppress(ValueError):
            body["sale"] = json.loads(body["sale"])
    text = json.dumps({k: body.get(k) for k in HELD_COLUMNS}, sort_keys=True,
                      separators=(",", ":"), default=str)  # fmt: skip
    return hashlib.sha256(text.encode()).hexdigest()


# Where the till syncs to — head office's address and this till's id there (the settings
# `sync.url` and `sync.terminal_id`, core/sync/config.py) — is sealed as the owner's
# recovery code is (core/shop/staff.py): each act that sets them (`sync setup`, the sync
# page, a restore that keeps them, the upgrade that found them) writes an audit entry
# (sealed by `audit_link`) whose detail holds the address and terminal id it set, in the
# same transaction. The last such entry says where the till may sync to. An address written
# into the file by hand — a head office of someone's own, whose directory pull would hand a
# friend stored value and whose handshake a coupon key of its own — is refused before
# anything is sent or fetched, and `memberdesk check` names it. The token lives in the
# keyring, never in the file nor in the audit log.
SYNC_SEALED = "sync.configured"
ExecuteFn = Callable[[str, dict[str, Any]], Any]
_SYNC_HELD = "SELECT key, value FROM {s}settings WHERE key IN ('sync.url', 'sync.terminal_id')"
_SYNC_SEALED = (
    f"SELECT detail FROM {{s}}audit_log WHERE action = '{SYNC_SEALED}' ORDER BY id DESC LIMIT 1"
)


def _stored_value(stored: Any) -> Any:
    """A setting or detail as the file holds it (JSON text; anything else as it is)."""
    if isinstance(stored, str | bytes):
        try:
            return json.loads(stored)
        except ValueError:
            return stored
    return stored


def held_sync_settings(execute: ExecuteFn, schema: str = "") -> tuple[Any, Any]:
    """(address, terminal id) as the file holds them (None for one it does not), through
    `execute(sql, params)` as `append_unattended_audit` takes it."""
    prefix = f"{schema}." if schema else ""
    rows = execute(_SYNC_HELD.format(s=prefix), {}).fetchall()
    held = {key: _stored_value(value) for key, value in rows}
    return held.get("sync.url"), held.get("sync.terminal_id")


def sealed_sync_settings(execute: ExecuteFn, schema: str = "") -> tuple[Any, Any] | None:
    """(address, terminal id) as the last act that set them sealed them; None if none did."""
    prefix = f"{schema}." if schema else ""
    row = execute(_SYNC_SEALED.format(s=prefix), {}).fetchone()
    if row is None:
        return None
    detail = _stored_value(row[0])
    if not isinstance(detail, dict):
        return ("", "")  # an entry that says nothing: no setting a till holds matches it
    return detail.get("url"), detail.get("terminal_id")


def sync_seal_detail(url: Any, terminal_id: Any) -> dict[str, Any]:
    """What a sealing audit entry holds: the address and terminal id it set."""
    return {"url": url, "terminal_id": terminal_id}


def sync_as_sealed(held: tuple[Any, Any], sealed: tuple[Any, Any] | None) -> bool:
    """Whether the settings held are those last sealed (none sealed: none may be held)."""
    if sealed is None:
        return held == (None, None)
    return tuple(held) == tuple(sealed)

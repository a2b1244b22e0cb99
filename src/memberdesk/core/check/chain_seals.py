"""The `chain` ledger entries are what the pulls sealed (core/members/chain_seal.py).

Each ledger's `chain` entries are read once, in the order they were written; each goes
to the seal of the pull step that wrote it (the seal's time is the entry's, its id is
within the seal's range), or, up to the rowid the upgrade recorded, to that record.
An entry that belongs to neither was written into the file; a seal or the upgrade's
record whose entries no longer match (changed, removed, added) is named."""

from __future__ import annotations

import bisect
import json
from typing import Any

from sqlalchemy.orm import Session

from ..i18n import N_, Message
from ..members.chain_seal import COLUMNS, SEALED, TABLES, UNSEALED, Tally, stamp
from ..store.journal import canonical_time
from ..store.statements import raw_connection
from .base import MAX_EXAMPLES, examples

LEDGER_NAMES = {"points": N_("points ledger"), "wallet": N_("stored-value ledger")}
ENTRY_NAMES = {"points": N_("points entry"), "wallet": N_("stored-value entry")}

UNSEALED_ENTRY = N_(
    "{what} {id} of member {name} ({card}) is marked as head office's but no pull wrote it: "
    "it was written into the file"
)
SEAL_DIFFERS = N_(
    "the {ledger}'s entries from head office that a pull wrote at {at} (audit log entry "
    "{entry}) differ from what it sealed: {n} entries summing to {sums} sealed, {found} "
    "summing to {found_sums} in the file"
)
BEFORE_DIFFERS = N_(
    "the {ledger}'s entries from head office written before pulls were sealed differ from "
    "what the upgrade recorded (audit log entry {entry}): {n} entries summing to {sums} "
    "recorded, {found} summing to {found_sums} in the file"
)


class _Seal:
    __slots__ = ("entry", "at", "first", "last", "sealed", "tally")

    def __init__(self, entry: int, at: str, sealed: dict[str, Any], ledger: str) -> None:
        self.entry, self.at, self.sealed = entry, at, sealed
        self.first, self.last = str(sealed.get("first")), str(sealed.get("last"))
        self.tally = Tally(ledger)


def _seals(dbapi: Any) -> tuple[dict[str, dict[str, list[_Seal]]], dict[str, Any] | None, int]:
    """The pulls' seals of each ledger by their time (sorted by first id), the upgrade's
    record (only the first, and only before every seal: one written later excuses
    nothing) and its audit entry."""
    seals: dict[str, dict[str, list[_Seal]]] = {ledger: {} for ledger in TABLES}
    before, before_entry, sealed_yet = None, 0, False
    for entry, at, action, detail in dbapi.execute(
        "SELECT id, at, action, detail FROM audit_log WHERE action IN (?, ?) ORDER BY id",
        (SEALED, UNSEALED),
    ):
        try:
            d = json.loads(detail)
            stamp = canonical_time(at)
        except (TypeError, ValueError):
            continue  # not a seal this version wrote (the audit log's chain says so)
        if not isinstance(d, dict):
            continue
        if action == UNSEALED:
            if before is None and not sealed_yet:
                before, before_entry = d, entry
            continue
        sealed_yet = True
        for ledger in TABLES:
            if isinstance(d.get(ledger), dict):
                seals[ledger].setdefault(stamp, []).append(_Seal(entry, stamp, d[ledger], ledger))
    for by_time in seals.values():
        for group in by_time.values():
            group.sort(key=lambda c: c.first)
    return seals, before, before_entry


def _seal_of(group: list[_Seal], entry_id: str) -> _Seal | None:
    at = bisect.bisect_right([c.first for c in group], entry_id) if len(group) > 4 else len(group)
    for c in reversed(group[:at]):
        if c.first <= entry_id <= c.last:
            return c
    return None


def _sums(values: Any) -> str:
    return " / ".join(str(v) for v in values) if isinstance(values, list) else str(values)


def chain_entries_sealed(s: Session) -> list[Message]:
    """Every `chain` entry is one a pull wrote and sealed (or one the upgrade recorded as
    written before pulls were sealed), and every seal's entries are as it sealed them."""
    dbapi = raw_connection(s)
    seals, before, before_entry = _seals(dbapi)
    stray: list[tuple[str, Any, Any]] = []
    out: list[Message] = []
    for ledger, table in TABLES.items():
        recorded = (before or {}).get(ledger)
        upto = recorded.get("rowid", 0) if isinstance(recorded, dict) else 0
        earlier = Tally(ledger)
        by_time = seals[ledger]
        cursor = dbapi.execute(
            f"SELECT rowid, {', '.join(COLUMNS[ledger])} FROM {table} WHERE kind = 'chain'"
            " ORDER BY rowid"
        )
        try:
            for rowid, *row in cursor:
                if isinstance(upto, int) and rowid <= upto:
                    earlier.add(row, ledger)
                    continue
                at = stamp(row[2])
                group = by_time.get(at)  # type: ignore[arg-type]
                seal = _seal_of(group, row[0]) if group and isinstance(row[0], str) else None
                if seal is None:
                    stray.append((ledger, row[0], row[1]))
                else:
                    seal.tally.add(row, ledger, at)
        finally:
            cursor.close()
        if isinstance(recorded, dict) and _differs(recorded, earlier):
            out.append(_differs_message(BEFORE_DIFFERS, ledger, recorded, earlier,
                                        entry=before_entry))  # fmt: skip
        for group in by_time.values():
            for c in group:
                if _differs(c.sealed, c.tally):
                    out.append(_differs_message(SEAL_DIFFERS, ledger, c.sealed, c.tally,
                                                entry=c.entry, at=c.at[:19]))  # fmt: skip
    return _stray_messages(dbapi, stray) + out


def _differs(sealed: dict[str, Any], tally: Tally) -> bool:
    found = tally.record()
    return any(sealed.get(k) != found[k] for k in ("n", "sum", "sha256"))


def _differs_message(
    msgid: str, ledger: str, sealed: dict[str, Any], tally: Tally, **where: Any
) -> Message:
    return Message(msgid, ledger=Message(LEDGER_NAMES[ledger]), n=sealed.get("n"),
                   sums=_sums(sealed.get("sum")), found=tally.n, found_sums=_sums(tally.sums),
                   **where)  # fmt: skip


def _stray_messages(dbapi: Any, stray: list[tuple[str, Any, Any]]) -> list[Message]:
    """Each entry no seal covers, named with its member (looked up for the ones shown)."""
    shown = {r[2] for r in stray[:MAX_EXAMPLES]}
    who = {
        member_id: (name, card)
        for member_id in shown
        for name, card in dbapi.execute(
            "SELECT name, card_no FROM members WHERE id = ?", (member_id,)
        )
    }
    return examples(
        stray,
        lambda r: Message(UNSEALED_ENTRY, what=Message(ENTRY_NAMES[r[0]]), id=r[1],
                          name=who.get(r[2], ("?", "?"))[0], card=who.get(r[2], ("?", "?"))[1]),
    )  # fmt: skip

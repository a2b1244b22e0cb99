"""What a pull writes into the ledgers is sealed in the audit log.

The `chain` ledger entries mirror the other tills' balances (chain_directory.py); HQ
holds their journal rows, the till does not. So that the file still proves them, each
step of a pull that writes any seals them in its own transaction with an audit entry
(`directory.sealed`, chained by `audit_link` as every audit entry is), whose detail
holds, per ledger: the first and last id of the entries it wrote (ordered ids, rising
within a step), how many, their sums and a sha256 digest over the rows as stored (see
`row_text`). `memberdesk check` (core/check/chain_seals.py) reads each ledger's `chain`
entries once, in the order they were written, gives each to the seal of its step (its
time is the seal's, its id within the seal's range), and compares: an entry no seal
covers was written into the file, a seal whose entries differ was changed.

A file upgraded from before pulls were sealed holds entries no seal covers. The upgrade
(migration 0020) records them once, before any seal, in a `directory.unsealed` entry:
the last rowid they reach per ledger, how many, their sums and digest. Entries up to
that rowid are compared with that record as a whole; an entry written after it must
be sealed by a pull. Nothing the till does at run time writes that record again.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from ..store.journal import canonical_time

SEALED = "directory.sealed"  # the audit action of a pull step's seal
UNSEALED = "directory.unsealed"  # the upgrade's record of the entries from before seals

# The columns of a ledger's entries as sealed, in the order the pull writes them.
COLUMNS = {
    "points": ("id", "member_id", "created_at", "business_date", "delta", "balance_after",
               "note"),
    "wallet": ("id", "member_id", "created_at", "business_date", "principal_delta",
               "bonus_delta", "principal_after", "bonus_after", "note"),
}  # fmt: skip
# The columns summed in a seal (for the message that names a seal whose entries differ).
SUMMED = {"points": (4,), "wallet": (4, 5)}
TABLES = {"points": "points_ledger", "wallet": "wallet_ledger"}


def _field(value: Any) -> str:
    return "\x00" if value is None else str(value)


def stamp(created_at: Any) -> str | None:
    """An entry's time as a seal reads it (`canonical_time`; a stored text taken as it is);
    None when it is no time at all."""
    if type(created_at) is str and len(created_at) == 26 and created_at[10] == " ":
        return created_at
    try:
        return canonical_time(created_at)
    except (TypeError, ValueError):
        return None


def row_text(row: tuple | list, at: str | None) -> str:
    """One entry as a seal reads it: its fields as stored, the time as `stamp` gives it,
    separated by US and ended by a newline; NULL as NUL."""
    fields = (row[0], row[1], at, *row[3:])
    return "\x1f".join(map(_field if None in fields else str, fields)) + "\n"


def seal_detail(rows: list[tuple], ledger: str) -> dict[str, Any]:
    """The seal of entries a pull step writes, from the rows it built (the time and
    business day the same for all of them: formatted once)."""
    at, day = rows[0][2], rows[0][3]
    at_text = canonical_time(at) if isinstance(at, datetime) else at
    day_text = day.isoformat() if isinstance(day, date) else day
    digest = hashlib.sha256()
    digest.update("".join(
        "\x1f".join((r[0], r[1], at_text, day_text, *map(_field, r[4:]))) + "\n" for r in rows
    ).encode())  # fmt: skip
    ids = [r[0] for r in rows]
    return {
        "first": min(ids), "last": max(ids), "n": len(rows),
        "sum": [sum(r[i] for r in rows) for i in SUMMED[ledger]], "sha256": digest.hexdigest(),
    }  # fmt: skip


class Tally:
    """Entries compared with one seal, as the check reads them in written order."""

    __slots__ = ("digest", "n", "sums")

    def __init__(self, ledger: str) -> None:
        self.digest = hashlib.sha256()
        self.n = 0
        self.sums = [0] * len(SUMMED[ledger])

    def add(self, row: tuple | list, ledger: str, at: str | None = None) -> None:
        """One entry as read from its ledger (`at`: its time as `stamp` gives it)."""
        self.digest.update(row_text(row, stamp(row[2]) if at is None else at).encode())
        self.n += 1
        for k, i in enumerate(SUMMED[ledger]):
            if type(row[i]) is int:
                self.sums[k] += row[i]

    def record(self) -> dict[str, Any]:
        return {"n": self.n, "sum": self.sums, "sha256": self.digest.hexdigest()}

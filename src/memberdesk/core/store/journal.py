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

import hashlib
import json
from datetime import datetime
from typing import Any

GENESIS = ""  # the link before a till's first row


def canonical_time(moment: datetime | str) -> str:
    """A row's time as the chain reads it (ISO 8601, as sent to HQ)."""
    return moment.isoformat() if isinstance(moment, datetime) else str(moment)


def link(
    previous: str, seq: int, event_id: str, kind: str, aggregate_id: str,
    created_at: datetime | str, payload: Any,
) -> str:  # fmt: skip
    """The chain value of one row, given the chain value of the row before it."""
    body = json.dumps(
        [previous, seq, event_id, kind, aggregate_id, canonical_time(created_at), payload],
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    )  # fmt: skip
    return hashlib.sha256(body.encode()).hexdigest()

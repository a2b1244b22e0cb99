"""held sales: each one sealed in the audit log

From this version a held sale's hold writes an audit log entry with the digest of the held
row (core/store/journal.py `held_digest`), and a held sale without one is not taken back.
The sales held when the file is brought to this version are sealed now, as they are, so
they can still be taken back and `check` compares every held sale with its seal. A seal
carries when the sale was put aside, by whom and its amount, so that one deleted in the
file afterwards is named with them.

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from alembic import op
from sqlalchemy import text

from memberdesk.core.store.journal import (
    HELD_COLUMNS,
    HELD_HOLD,
    STORED_TIME,
    append_unattended_audit,
    canonical_time,
    held_digest,
    payload_text,
)

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    conn = op.get_bind()
    held = conn.execute(
        text(f"SELECT {', '.join(HELD_COLUMNS)} FROM held_sales ORDER BY held_at, id")
    ).all()
    if not held:
        return
    at = datetime.now(UTC).replace(tzinfo=None).strftime(STORED_TIME)
    seals = []
    for row in held:
        values = dict(zip(HELD_COLUMNS, row, strict=True))
        # With what a hold's own entry says (when, by whom) and its amount: a sealed sale
        # deleted in the file later is named with them.
        seal = {"digest": held_digest(values), "held_at": _time(values["held_at"]),
                "staff_name": str(values["staff_name"] or ""),
                "amount": values["amount"] if isinstance(values["amount"], int) else None}  # fmt: skip
        seals.append((HELD_HOLD, values["id"], payload_text(seal)))
    append_unattended_audit(lambda sql, params: conn.execute(text(sql), params), at, seals)


def _time(held_at: object) -> str:
    try:
        return canonical_time(held_at)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(held_at)


def downgrade() -> None:
    pass  # the audit log is append-only: the seals stay, and an older version ignores them

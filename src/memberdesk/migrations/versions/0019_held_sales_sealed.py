"""held sales: each one sealed in the audit log

From this version a held sale's hold writes an audit log entry with the digest of the held
row (core/store/journal.py `held_digest`), and a held sale without one is not taken back.
The sales held when the file is brought to this version are sealed now, as they are, so
they can still be taken back and `check` compares every held sale with its seal.

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from alembic import op
from sqlalchemy import text

from memberdesk.core.store.journal import (
    GENESIS,
    HELD_COLUMNS,
    HELD_HOLD,
    STORED_TIME,
    audit_link,
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
    last = conn.execute(text("SELECT id, chain FROM audit_log ORDER BY id DESC LIMIT 1")).first()
    entry_id, previous = (0, GENESIS) if last is None else (int(last[0]), last[1] or GENESIS)
    at = datetime.now(UTC).replace(tzinfo=None).strftime(STORED_TIME)
    for row in held:
        values = dict(zip(HELD_COLUMNS, row, strict=True))
        detail = payload_text({"digest": held_digest(values)})
        entry_id += 1
        previous = audit_link(previous, entry_id, at, None, "", None, HELD_HOLD, values["id"],
                              detail)  # fmt: skip
        conn.execute(
            text("INSERT INTO audit_log (id, at, staff_id, staff_name, authorised_by, action, "
                 "target, detail, chain) VALUES (:id, :at, NULL, '', NULL, :action, :target, "
                 ":detail, :chain)"),
            {"id": entry_id, "at": at, "action": HELD_HOLD, "target": values["id"],
             "detail": detail, "chain": previous},
        )  # fmt: skip


def downgrade() -> None:
    pass  # the audit log is append-only: the seals stay, and an older version ignores them

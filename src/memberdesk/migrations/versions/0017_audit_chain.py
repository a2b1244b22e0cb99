"""audit_log: each entry sealed to the one before it

The audit log gets a hash chain as the outbox has (core/store/journal.py `audit_link`):
existing entries are linked now, in id order, and the chain is frozen with the rest of
the entry.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

from memberdesk.core.store.journal import GENESIS, audit_link
from memberdesk.migrations.helpers import append_only, drop_append_only

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("chain", sa.String(64)))
    drop_append_only("audit_log")
    conn = op.get_bind()
    previous, after = GENESIS, -1
    while True:
        rows = conn.execute(
            text("SELECT id, at, staff_id, staff_name, authorised_by, action, target, detail "
                 "FROM audit_log WHERE id > :a ORDER BY id LIMIT :n"),
            {"a": after, "n": BATCH},
        ).all()  # fmt: skip
        if not rows:
            break
        values = []
        for r in rows:
            previous = audit_link(previous, r.id, r.at, r.staff_id, r.staff_name, r.authorised_by,
                                  r.action, r.target, r.detail)  # fmt: skip
            values.append({"c": previous, "i": r.id})
        conn.execute(text("UPDATE audit_log SET chain = :c WHERE id = :i"), values)
        after = rows[-1].id
    append_only("audit_log")


def downgrade() -> None:
    drop_append_only("audit_log")
    op.drop_column("audit_log", "chain")
    append_only("audit_log")

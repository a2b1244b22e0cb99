"""The `chain` ledger entries written before pulls were sealed, recorded once

From this version each step of a pull seals the `chain` entries it writes with an audit
entry (core/members/chain_seal.py), and `memberdesk check` names an entry no seal
covers. The entries a file already holds were written before that: they are recorded
here, once, in a `directory.unsealed` audit entry sealed to the one before it (the last
rowid they reach in each ledger, how many, their sums and digest). Check compares the
entries up to that rowid with it; any entry written after must be a pull's, sealed.
Nothing is written for a file with no `chain` entry, nor for one that already holds a
seal or this record.

Revision ID: 0020
Revises: 0019
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from alembic import op
from sqlalchemy import text

from memberdesk.core.members.chain_seal import COLUMNS, SEALED, TABLES, UNSEALED, Tally
from memberdesk.core.store.journal import STORED_TIME, append_unattended_audit

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    conn = op.get_bind()
    if conn.execute(
        text("SELECT 1 FROM audit_log WHERE action IN (:a, :b) LIMIT 1"),
        {"a": SEALED, "b": UNSEALED},
    ).first():
        return
    detail = {}
    for ledger, table in TABLES.items():
        tally, last = Tally(ledger), 0
        rows = conn.execute(text(
            f"SELECT rowid, {', '.join(COLUMNS[ledger])} FROM {table}"
            " WHERE kind = 'chain' ORDER BY rowid"
        ))  # fmt: skip
        for row in rows:
            last = row[0]
            tally.add(tuple(row[1:]), ledger)
        if tally.n:
            detail[ledger] = {"rowid": last, **tally.record()}
    if not detail:
        return
    at = datetime.now(UTC).replace(tzinfo=None).strftime(STORED_TIME)
    append_unattended_audit(lambda sql, params: conn.execute(text(sql), params), at,
                            [(UNSEALED, "", json.dumps(detail))])  # fmt: skip


def downgrade() -> None:
    pass  # the audit log is append-only: the record stays, and is read again after an upgrade

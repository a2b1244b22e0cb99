"""Where the till syncs to: sealed in the audit log

From this version each act that sets head office's address and this till's id there
(`sync setup`, the sync page, a restore) writes an audit entry with what it set
(core/store/journal.py), and the till syncs only to the address last sealed so;
`memberdesk check` names settings in the file that differ from it. The settings a file
holds when it is brought to this version were set before that: they are sealed now, as
they are, in a `sync.configured` entry sealed to the one before it. Nothing is written for
a file with no sync settings, nor for one that already holds such an entry.

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from alembic import op
from sqlalchemy import text

from memberdesk.core.store.journal import (
    STORED_TIME,
    SYNC_SEALED,
    append_unattended_audit,
    held_sync_settings,
    payload_text,
    sealed_sync_settings,
    sync_seal_detail,
)

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    conn = op.get_bind()

    def execute(sql, params):
        return conn.execute(text(sql), params)

    if sealed_sync_settings(execute) is not None:
        return
    url, terminal_id = held_sync_settings(execute)
    if url is None and terminal_id is None:
        return
    at = datetime.now(UTC).replace(tzinfo=None).strftime(STORED_TIME)
    append_unattended_audit(execute, at, [
        (SYNC_SEALED, str(url or ""), payload_text(sync_seal_detail(url, terminal_id)))
    ])  # fmt: skip


def downgrade() -> None:
    pass  # the audit log is append-only: the seal stays, and an older version ignores it

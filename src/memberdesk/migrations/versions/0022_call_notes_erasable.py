"""Call log: the notes of an erased member can be cleared

The call log stays append-only, except for one change: the note of a call about a member
whose personal information was erased (a cancelled member with the placeholder name,
core/members/erase.py) may be set to empty, and nothing else of the row changes.

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The placeholder name in every language (core/members/erase.py `erased_names`, tested).
ERASED_NAMES = ("Erased member", "已清除的会员", "已清除的會員")
COLUMNS = ("id", "member_id", "staff_id", "staff_name", "list_kind", "outcome", "called_at",
           "created_at", "source")  # fmt: skip


def upgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS trg_call_log_no_update")
    same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in COLUMNS)
    names = ", ".join(f"'{n}'" for n in ERASED_NAMES)
    op.execute(
        "CREATE TRIGGER trg_call_log_no_update BEFORE UPDATE ON call_log "
        f"WHEN NOT (NEW.note = '' AND {same} AND EXISTS (SELECT 1 FROM members "
        f"WHERE id = OLD.member_id AND status = 'cancelled' AND name IN ({names}))) "
        "BEGIN SELECT RAISE(ABORT, 'call_log is append-only'); END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS trg_call_log_no_update")
    op.execute(
        "CREATE TRIGGER trg_call_log_no_update BEFORE UPDATE ON call_log "
        "BEGIN SELECT RAISE(ABORT, 'call_log is append-only'); END"
    )

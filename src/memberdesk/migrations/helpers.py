"""Shared pieces for migrations: append-only guards as SQLite triggers."""

from __future__ import annotations

from alembic import op


def append_only(table: str, frozen_columns: tuple[str, ...] | None = None) -> None:
    """Refuse DELETE on `table`; refuse UPDATE of every row, or only of `frozen_columns`."""
    op.execute(
        f"CREATE TRIGGER trg_{table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
    )
    if frozen_columns is None:
        op.execute(
            f"CREATE TRIGGER trg_{table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )
    else:
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in frozen_columns)
        op.execute(
            f"CREATE TRIGGER trg_{table}_frozen BEFORE UPDATE ON {table} WHEN {changed} "
            f"BEGIN SELECT RAISE(ABORT, '{table} rows cannot be rewritten'); END"
        )


def drop_append_only(table: str, frozen_columns: bool = False) -> None:
    op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_delete")
    op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_{'frozen' if frozen_columns else 'no_update'}")

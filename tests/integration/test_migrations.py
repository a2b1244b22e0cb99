"""A database written by the first schema version opens, upgrades, and keeps working."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from memberdesk.core.check.checks import run_checks
from memberdesk.core.clock import FixedClock
from memberdesk.core.members.lookup import find_members
from memberdesk.core.shop.identity import set_identity
from memberdesk.core.shop.staff import Actor, login
from memberdesk.core.store.connect import make_engine
from memberdesk.core.store.database import Store
from memberdesk.core.store.migrate import alembic_config, head_revision
from memberdesk.core.store.models import Base
from memberdesk.core.sync.config import configure_sync
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "schema_0001.sqlite"


def _revision(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def test_schema_0001_file_upgrades_with_a_backup_first(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    shutil.copy(FIXTURE, db)
    assert _revision(db) == "0001"
    original = db.read_bytes()

    store = Store(db, clock=FixedClock(datetime(2026, 3, 10, 2, 0, tzinfo=UTC)))
    try:
        assert _revision(db) == head_revision() != "0001"
        # The copy taken before upgrading is the old file, byte for byte readable at 0001.
        assert store.upgrade_backup is not None
        backup = Path(store.upgrade_backup)
        assert backup.exists() and _revision(backup) == "0001"
        with sqlite3.connect(backup) as conn:
            assert conn.execute("SELECT count(*) FROM members").fetchone()[0] == 3
        assert len(original) > 0

        report = run_checks(store)
        assert report.ok, report.problems
        # Members written by the old version are found and usable at the till.
        result = find_members(store, "zxl")
        assert [h.name for h in result.hits] == ["曾小乐"]
        lost = find_members(store, "13912345678").hits
        assert (
            lost and lost[0].name == "张三" and lost[0].status == "active"
        )  # replaced card, active again
        assert find_members(store, "13712345678").hits == []  # cancelled member is not offered
        owner = login(store, "老板", "8888")
        sale = checkout(
            store,
            owner,
            CheckoutRequest(
                lines=(SaleLineInput("T恤", 9900),),
                member_id=result.hits[0].member_id,
                tenders={"cash": 10000},
            ),
        )
        assert sale.change == 100 and sale.member is not None and sale.member.points == 99
        assert run_checks(store).ok
    finally:
        store.close()

    # Opening it again: already current, no second backup.
    again = Store(db)
    try:
        assert again.upgrade_backup is None
    finally:
        again.close()


def _indexes(path: Path, table: str) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[1] for row in conn.execute(f"PRAGMA index_list({table})")}


def _plan(path: Path, sql: str) -> str:
    with sqlite3.connect(path) as conn:
        return " ".join(str(row[-1]) for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))


def test_a_0022_file_gets_the_audit_log_read_by_action(
    store: Store, db_path: Path, manager: Actor
) -> None:
    """A shop's file at 0022, its audit log written by the till's own acts (staff added,
    the till's identity and sync target set): opened, it is upgraded with an index on
    the audit log's action, the log's guards stay, and it checks as sound. The lookup
    every sync makes (the last `sync.configured`) reads through the index."""
    db = db_path
    set_identity(store, manager, terminal_code="03", card_prefix="8203")
    configure_sync(store, "https://hq.example.com", "T-0001")
    store.close()
    engine = make_engine(db)
    with engine.connect() as conn:  # the file as memberdesk at 0022 left it
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0022")
        conn.commit()
    engine.dispose()
    assert _revision(db) == "0022" and "ix_audit_log_action" not in _indexes(db, "audit_log")
    sync_lookup = (
        "SELECT detail FROM audit_log WHERE action = 'sync.configured' ORDER BY id DESC LIMIT 1"
    )
    assert "ix_audit_log_action" not in _plan(db, sync_lookup)

    with Store(db) as store:
        assert store.upgrade_backup is not None
        assert _revision(db) == head_revision()
        assert "ix_audit_log_action" in _indexes(db, "audit_log")
        report = run_checks(store)
        assert report.ok, report.problems
        assert {"guards_present", "audit_chain", "sync_settings_sealed",
                "settings_match_journal"} <= set(report.checks_run)  # fmt: skip
    assert "USING INDEX ix_audit_log_action" in _plan(db, sync_lookup)
    with sqlite3.connect(db) as conn:
        guards = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                             " AND tbl_name = 'audit_log'")}  # fmt: skip
    assert guards == {"trg_audit_log_no_delete", "trg_audit_log_no_update"}


def test_a_new_file_has_exactly_the_schema_the_models_declare(tmp_path: Path) -> None:
    """The migrations and core/store/models agree: tables, columns, indexes, constraints."""
    db = tmp_path / "new.sqlite"
    Store(db).close()
    engine = make_engine(db)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []

"""A database written by the first schema version opens, upgrades, and keeps working."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from memberdesk.core.check.checks import run_checks
from memberdesk.core.clock import FixedClock
from memberdesk.core.members.lookup import find_members
from memberdesk.core.shop.staff import login
from memberdesk.core.store.database import Store
from memberdesk.core.store.migrate import head_revision
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

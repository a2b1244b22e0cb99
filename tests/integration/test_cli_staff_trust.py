"""The command line acts as a named staff member only as the till's log-in would let them:
a dismissed manager, or a cashier whose row was made a manager's in the SQLite file behind
memberdesk's back, is refused with the log-in's message, and nothing is done or counted.
Run as the owner (or whoever has the file) runs it: sqlite3 on the file, then the real
command in a process of its own."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from memberdesk.core.errors import DomainError
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.shop.staff import Actor, actor_by_name, set_role
from memberdesk.core.store.database import Store

from .test_staff import refused, staff_row

TAMPERED = "员工 收银员 的记录已在本软件之外被改动，不能信任：请老板到员工页面重新设置其角色和 PIN"


def _in_the_file(db_path: Path, sql: str) -> None:
    """Someone with the shop's file edits it by hand, as sqlite3 would."""
    con = sqlite3.connect(db_path)
    with con:
        con.execute(sql)
    con.close()


@pytest.fixture
def shop(store: Store, owner: Actor, manager: Actor, cashier: Actor) -> Store:
    issue_card(store, owner, MemberForm(name="王芳", phone="13800138000"))
    return store


@pytest.fixture
def memberdesk(db_path: Path, tmp_path: Path):
    """`memberdesk --db … ARGS` with MEMBERDESK_STAFF / MEMBERDESK_PIN set, in a process of
    its own."""
    return command_line(db_path, tmp_path)


def command_line(db_path: Path, tmp_path: Path):
    """The real command on the shop's file, as `memberdesk` (the fixture) runs it."""
    src = str(Path(__file__).resolve().parents[2] / "src")

    def command(staff: str, pin: str, *argv: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "MEMBERDESK_STAFF": staff, "MEMBERDESK_PIN": pin}
        for var in ("XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
            env[var] = str(tmp_path / var.lower())
        env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
        return subprocess.run(
            [sys.executable, "-m", "memberdesk", "--db", str(db_path), *argv],
            capture_output=True, text=True, encoding="utf-8", timeout=120, env=env,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip

    return command


def _audit_count(db_path: Path) -> int:
    con = sqlite3.connect(db_path)
    try:
        return con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    finally:
        con.close()


def test_a_cashier_made_manager_in_the_file_is_refused_at_the_command_line(
    shop: Store, db_path: Path, tmp_path: Path, memberdesk
) -> None:
    out = tmp_path / "members.csv"
    _in_the_file(db_path, "UPDATE staff SET role = 'manager' WHERE name = '收银员'")
    before = _audit_count(db_path)
    done = memberdesk("收银员", "1111", "export", "members", str(out), "--full-phone")
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == TAMPERED and done.stdout == ""
    assert not out.exists()  # no full phone numbers for them
    assert _audit_count(db_path) == before and staff_row(shop, "收银员").failed_pins == 0
    # In English too, and the manager the journal sealed still may.
    done = memberdesk("收银员", "1111", "--lang", "en", "export", "members", str(out),
                      "--full-phone")  # fmt: skip
    assert done.returncode == 2 and "was changed outside memberdesk" in done.stderr
    done = memberdesk("店长", "6666", "export", "members", str(out), "--full-phone")
    assert done.returncode == 0, done.stderr
    assert "13800138000" in out.read_text(encoding="utf-8-sig")


def test_a_dismissed_manager_is_refused_at_the_command_line(
    shop: Store, owner: Actor, db_path: Path, tmp_path: Path, memberdesk
) -> None:
    set_role(shop, owner, "店长", "manager", active=False)
    out = tmp_path / "members.csv"
    done = memberdesk("店长", "6666", "export", "members", str(out), "--full-phone")
    assert done.returncode == 2 and done.stderr.strip() == "员工 店长 已停用"
    assert not out.exists()
    # … and a manager dismissed and put back in the file is both: the row is not as sealed.
    _in_the_file(db_path, "UPDATE staff SET active = 1 WHERE name = '店长'")
    done = memberdesk("店长", "6666", "export", "members", str(out), "--full-phone")
    assert done.returncode == 2 and "店长 的记录已在本软件之外被改动" in done.stderr
    assert not out.exists()


def test_acting_by_name_believes_only_active_rows_as_the_journal_sealed_them(
    shop: Store, owner: Actor, db_path: Path
) -> None:
    """`actor_by_name` (a staff member by name, without a PIN) refuses what the log-in
    refuses, and changes nothing."""
    assert actor_by_name(shop, "收银员").role == "cashier"
    _in_the_file(db_path, "UPDATE staff SET role = 'owner' WHERE name = '收银员'")
    e = refused(shop, "staff.tampered", actor_by_name, shop, "收银员")
    assert e.message() == TAMPERED
    _in_the_file(db_path, "UPDATE staff SET role = 'cashier' WHERE name = '收银员'")
    assert actor_by_name(shop, "收银员") == Actor(staff_row(shop, "收银员").id, "收银员", "cashier")

    set_role(shop, owner, "店长", "manager", active=False)
    e = refused(shop, "staff.inactive", actor_by_name, shop, "店长")
    assert e.message("en") == "staff member 店长 is deactivated"
    _in_the_file(db_path, "UPDATE staff SET active = 1 WHERE name = '店长'")
    refused(shop, "staff.tampered", actor_by_name, shop, "店长")

    _in_the_file(db_path, "UPDATE staff SET name = '老板2' WHERE name = '老板'")
    refused(shop, "staff.tampered_owner", actor_by_name, shop, "老板2")
    with pytest.raises(DomainError) as missing:
        actor_by_name(shop, "老板")
    assert missing.value.code == "staff.not_found"


def test_a_row_added_in_the_file_is_not_anyone(shop: Store, db_path: Path) -> None:
    """A staff row written into the file (no journal row ever sealed it) acts as nobody."""
    _in_the_file(db_path, "INSERT INTO staff (id, name, role, pin_hash, failed_pins, active, "
                          "created_at) SELECT 'x-1', '新老板', 'owner', pin_hash, 0, 1, created_at "
                          "FROM staff WHERE name = '收银员'")  # fmt: skip
    refused(shop, "staff.tampered", actor_by_name, shop, "新老板")

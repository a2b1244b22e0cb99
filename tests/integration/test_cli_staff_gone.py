"""A shop whose journal sealed staff is not a new shop, whatever its staff table holds.
Someone with the shop's file deletes the staff rows (or makes every one unable to log in)
with sqlite3: the command line does not then act as the owner of a new shop without a
PIN; it refuses, saying the staff list was changed outside memberdesk and what to do.
A new shop (no staff in the file nor in the journal) still needs no one's PIN."""

from __future__ import annotations

from pathlib import Path

import pytest

from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.shop.staff import Actor, staff_standing
from memberdesk.core.store.database import Store

from .test_cli_staff_trust import _audit_count, _in_the_file, command_line

GONE = (
    "员工名单已在本软件之外被改动：老板, 店长, 收银员 已从本店的文件中删除，"
    "没有人能代表本店操作；请恢复此前最近的一个备份（memberdesk restore，或在窗口中点“恢复备份”）"
)


@pytest.fixture
def memberdesk(db_path: Path, tmp_path: Path):
    """`memberdesk --db … ARGS` with MEMBERDESK_STAFF / MEMBERDESK_PIN set, in a process of
    its own."""
    return command_line(db_path, tmp_path)


@pytest.fixture
def shop(store: Store, owner: Actor, manager: Actor, cashier: Actor) -> Store:
    issue_card(store, owner, MemberForm(name="王芳", phone="13800138000"))
    return store


@pytest.mark.parametrize("staff, pin", [("", ""), ("老板", "8888"), ("谁", "0000")])
def test_staff_deleted_in_the_file_exports_no_full_phone_numbers(
    shop: Store, db_path: Path, tmp_path: Path, memberdesk, staff: str, pin: str
) -> None:
    out = tmp_path / "members.csv"
    _in_the_file(db_path, "DELETE FROM staff")
    before = _audit_count(db_path)
    done = memberdesk(staff, pin, "export", "members", str(out), "--full-phone")
    assert done.returncode == 2, done.stdout
    assert done.stderr.strip() == GONE and done.stdout == ""
    assert not out.exists()  # no full phone numbers, and nobody audited as the system
    assert _audit_count(db_path) == before
    done = memberdesk(staff, pin, "--lang", "en", "export", "members", str(out), "--full-phone")
    assert done.returncode == 2
    assert done.stderr.startswith(
        "the staff list was changed outside memberdesk: 老板, 店长, 收银员"
    )
    assert not out.exists()


def test_the_owner_deleted_in_the_file_leaving_a_cashier_is_refused(
    shop: Store, db_path: Path, tmp_path: Path, memberdesk
) -> None:
    out = tmp_path / "members.csv"
    _in_the_file(db_path, "DELETE FROM staff WHERE role != 'cashier'")
    done = memberdesk("", "", "export", "members", str(out), "--full-phone")
    assert done.returncode == 2
    assert done.stderr.startswith("员工名单已在本软件之外被改动：老板, 店长 已从本店的文件中删除")
    assert not out.exists()


def test_every_staff_member_made_inactive_in_the_file_is_refused(
    shop: Store, db_path: Path, tmp_path: Path, memberdesk
) -> None:
    out = tmp_path / "members.csv"
    _in_the_file(db_path, "UPDATE staff SET active = 0")
    done = memberdesk("", "", "export", "members", str(out), "--full-phone")
    assert done.returncode == 2
    assert done.stderr.strip().startswith("员工名单已在本软件之外被改动：本店文件中已没有人能登录")
    assert "memberdesk staff recover-owner" in done.stderr
    assert not out.exists()


def test_a_new_shop_still_exports_without_a_pin(
    store: Store, db_path: Path, tmp_path: Path, memberdesk
) -> None:
    issue_card(store, Actor(None, "系统", "owner"), MemberForm(name="王芳", phone="13800138000"))
    assert staff_standing(store).new
    out = tmp_path / "members.csv"
    done = memberdesk("", "", "export", "members", str(out), "--full-phone")
    assert done.returncode == 0, done.stderr
    assert "13800138000" in out.read_text(encoding="utf-8-sig")


def test_a_shop_with_its_staff_still_asks_for_the_pin(
    shop: Store, tmp_path: Path, memberdesk
) -> None:
    out = tmp_path / "members.csv"
    done = memberdesk("", "", "export", "members", str(out), "--full-phone")
    assert done.returncode == 2 and "PIN" in done.stderr and not out.exists()
    done = memberdesk("店长", "6666", "export", "members", str(out), "--full-phone")
    assert done.returncode == 0, done.stderr
    assert "13800138000" in out.read_text(encoding="utf-8-sig")

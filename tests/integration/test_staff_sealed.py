"""The till believes a staff row only as the journal last sealed it: a cashier with the shop's
file who raises their own role, or puts the hash of a PIN they know on a manager's row, gets
no one's authority at the till (on a real SQLite file)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from memberdesk.core.check.checks import run_checks
from memberdesk.core.errors import DomainError
from memberdesk.core.shop.backups import backup_now, restore
from memberdesk.core.shop.staff import (
    Actor,
    approver_again,
    authorise,
    hash_pin,
    list_staff,
    login,
    new_recovery_code,
    recover_owner_pin,
    require,
    reset_pin,
    set_role,
)
from memberdesk.core.store.database import Store

from .test_staff import refused, staff_row

KNOWN = "2468"  # a PIN the one who edits the file knows (its hash anyone can make)


def _in_the_file(db_path: Path, sql: str, *params: object) -> None:
    """Someone with the shop's file edits it by hand, the till still running."""
    con = sqlite3.connect(db_path)
    with con:
        con.execute(sql, params)
    con.close()


def _problems(store: Store) -> list[str]:
    return [p.text("en") for p in run_checks(store).problems]


def test_a_cashier_who_raised_their_own_role_in_the_file_is_refused_at_log_in(
    store: Store, db_path: Path, owner: Actor, manager: Actor, cashier: Actor
) -> None:
    _in_the_file(db_path, "UPDATE staff SET role = 'manager' WHERE name = '收银员'")
    e = refused(store, "staff.tampered", login, store, "收银员", "1111")
    assert e.message() == (
        "员工 收银员 的记录已在本软件之外被改动，不能信任：请老板到员工页面重新设置其角色和 PIN"
    )
    # … nor approves anything as the manager the file makes them, nor counts a wrong PIN
    refused(store, "staff.tampered", authorise, store, "收银员", "1111", "refund")
    refused(store, "staff.tampered", login, store, "收银员", "0000")
    assert staff_row(store, "收银员").failed_pins == 0
    # The others are not touched: they log in, and the owner puts it right.
    assert login(store, "店长", "6666").role == "manager"
    boss = login(store, "老板", "8888")
    assert _problems(store) == [
        "staff member 收银员 differs from what the sync journal last sealed for it"
    ]
    set_role(store, boss, "收银员", "cashier")
    again = login(store, "收银员", "1111")
    assert again.role == "cashier" and not again.privileged
    assert run_checks(store).ok


def test_a_managers_pin_hash_replaced_in_the_file_approves_nothing(
    store: Store, db_path: Path, owner: Actor, manager: Actor, cashier: Actor
) -> None:
    _in_the_file(db_path, "UPDATE staff SET pin_hash = ? WHERE name = '店长'", hash_pin(KNOWN))
    e = refused(store, "staff.tampered", authorise, store, "店长", KNOWN, "refund")
    assert "员工 店长 的记录已在本软件之外被改动" in e.message()
    refused(store, "staff.tampered", login, store, "店长", KNOWN)
    # Saving the manager's role would seal the PIN put in: refused, the PIN is set first.
    e = refused(store, "staff.pin_tampered", set_role, store, owner, "店长", "manager")
    assert e.message().startswith("店长 的 PIN 是在本软件之外设置的：请先为其重设 PIN")
    reset_pin(store, owner, "店长", "7777")
    who = authorise(store, "店长", "7777", "refund")
    assert require(cashier, "refund", who) is who
    with pytest.raises(DomainError, match="PIN"):  # the PIN put in the file is gone
        login(store, "店长", KNOWN)
    assert login(store, "收银员", "1111").role == "cashier"
    assert run_checks(store).ok


def test_a_pin_reset_puts_back_the_role_the_till_last_set(
    store: Store, db_path: Path, owner: Actor, cashier: Actor
) -> None:
    """The owner resets the PIN of someone whose role was raised in the file: the PIN reset
    does not seal the raised role."""
    _in_the_file(db_path, "UPDATE staff SET role = 'owner' WHERE name = '收银员'")
    reset_pin(store, owner, "收银员", "1212")
    assert login(store, "收银员", "1212").role == "cashier"
    assert {s.name: s.role for s in list_staff(store)}["收银员"] == "cashier"
    assert run_checks(store).ok


def test_a_manager_who_lowered_the_owners_role_in_the_file_cannot_set_the_owners_pin(
    store: Store, db_path: Path, owner: Actor, manager: Actor
) -> None:
    _in_the_file(db_path, "UPDATE staff SET role = 'cashier' WHERE name = '老板'")
    refused(store, "staff.owner_only", reset_pin, store, manager, "老板", KNOWN)
    refused(store, "staff.owner_only", set_role, store, manager, "老板", "cashier")
    e = refused(store, "staff.tampered_owner", login, store, "老板", "8888")
    assert e.message() == (
        "老板 老板 的记录已在本软件之外被改动，不能信任：请用老板恢复码重设 PIN"
        "（登录界面的“忘记 PIN？”）"
    )


@pytest.mark.parametrize(
    "edit",
    ["UPDATE staff SET pin_hash = ? WHERE name = '老板'",
     "UPDATE staff SET role = 'cashier', pin_hash = ? WHERE name = '老板'"],
    ids=["pin put in", "pin put in and role lowered"],
)  # fmt: skip
def test_an_owner_whose_own_row_was_changed_comes_back_with_the_recovery_code(
    store: Store, db_path: Path, owner: Actor, manager: Actor, edit: str
) -> None:
    code = new_recovery_code(store, owner)
    _in_the_file(db_path, edit, hash_pin(KNOWN))
    refused(store, "staff.tampered_owner", login, store, "老板", KNOWN)
    assert login(store, "店长", "6666").role == "manager"  # the others still work
    recover_owner_pin(store, "老板", code, "1357")
    assert login(store, "老板", "1357").role == "owner"
    with pytest.raises(DomainError, match="PIN"):  # the PIN put in the file is gone
        login(store, "老板", KNOWN)
    assert run_checks(store).ok


def test_recovery_makes_no_owner_of_a_row_raised_in_the_file(
    store: Store, db_path: Path, owner: Actor, cashier: Actor
) -> None:
    code = new_recovery_code(store, owner)
    _in_the_file(db_path, "UPDATE staff SET role = 'owner' WHERE name = '收银员'")
    refused(store, "recovery.not_owner", recover_owner_pin, store, "收银员", code, "1357")
    _in_the_file(db_path, "INSERT INTO staff SELECT 'x-1', '黑客', 'owner', pin_hash, 0, NULL, 1,"
                          " created_at FROM staff LIMIT 1")  # fmt: skip
    refused(store, "staff.tampered", recover_owner_pin, store, "黑客", code, "1357")
    refused(store, "staff.tampered", login, store, "黑客", "8888")


def test_a_held_discount_approved_by_a_manager_whose_row_was_changed_lapses(
    store: Store, db_path: Path, owner: Actor, manager: Actor
) -> None:
    with store.read() as s:
        assert approver_again(s, manager.staff_id) == manager
    _in_the_file(db_path, "UPDATE staff SET pin_hash = ? WHERE name = '店长'", hash_pin(KNOWN))
    with store.read() as s:
        assert approver_again(s, manager.staff_id) is None


def test_rows_sealed_before_the_pin_was_and_rows_a_restore_brought_back_still_log_in(
    store: Store, db_path: Path, owner: Actor, cashier: Actor
) -> None:
    """A journal row written before staff rows sealed their PIN does not carry it (the PIN
    is not compared); a PIN reset after the backup a till is restored from, carried onto
    the restored file, is not the last word on the row brought back."""
    backup = backup_now(store)
    reset_pin(store, owner, "收银员", "3333")  # after the backup: carried over, never sent
    clock = store.clock
    store.close()
    assert restore(db_path, backup, clock=clock, carry_unsent=True).carried > 0
    with Store(db_path, clock=clock) as again:
        assert login(again, "收银员", "1111").role == "cashier"
        assert run_checks(again).ok
    con = sqlite3.connect(db_path)
    with con:  # the journal as an older till wrote it: no PIN in its staff rows
        con.execute("DROP TRIGGER trg_outbox_frozen")
        con.execute("UPDATE outbox SET payload = json_remove(payload, '$.pin')"
                    " WHERE kind LIKE 'staff.%'")  # fmt: skip
        con.execute("UPDATE staff SET pin_hash = ? WHERE name = '收银员'", (hash_pin("4444"),))
    con.close()
    with Store(db_path, clock=clock) as again:
        assert login(again, "收银员", "4444").role == "cashier"


def test_a_span_written_in_by_hand_does_not_excuse_a_staff_row(
    store: Store, db_path: Path, owner: Actor, manager: Actor
) -> None:
    """Marking the manager's demotion as "carried over by a restore" would put back the
    row sealed before it: only spans a restore logged excuse a journal row."""
    set_role(store, owner, "店长", "cashier")
    with store.read() as s:
        seq = s.execute(text("SELECT max(seq) FROM outbox WHERE kind = 'staff.change'")).scalar()
    _in_the_file(db_path, "INSERT INTO settings (key, value) VALUES ('restore.carried', ?)",
                 f"[[{seq}, {seq}]]")  # fmt: skip
    _in_the_file(db_path, "UPDATE staff SET role = 'manager' WHERE name = '店长'")
    refused(store, "staff.tampered", login, store, "店长", "6666")

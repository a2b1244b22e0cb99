"""A shop whose journal sealed staff is not new, whatever its staff table holds: with the
rows deleted in the file, or every one made unable to log in, nobody becomes its first
owner, and `check` names the staff deleted."""

from __future__ import annotations

import sqlite3

from memberdesk.core.check.checks import run_checks
from memberdesk.core.shop.staff import (
    SYSTEM,
    Actor,
    StaffStanding,
    add_staff,
    list_staff,
    login,
    new_recovery_code,
    recover_owner_pin,
    require_staff_as_sealed,
    set_role,
    staff_standing,
)
from memberdesk.core.store.database import Store

from .test_staff import refused


def _in_the_file(store: Store, sql: str) -> None:
    con = sqlite3.connect(store.path)
    with con:
        con.execute(sql)
    con.close()


def _found(store: Store) -> list[str]:
    return [p.text("en") for p in run_checks(store).problems]


def test_a_new_shop_sets_up_its_first_owner(store: Store) -> None:
    assert staff_standing(store) == StaffStanding(new=True, gone=(), none_active=False)
    assert require_staff_as_sealed(store).new
    add_staff(store, SYSTEM, "老板", "owner", "8888")
    assert staff_standing(store) == StaffStanding(
        new=False, gone=(), none_active=False, owners=("老板",)
    )


def test_staff_deleted_in_the_file_do_not_make_a_new_shop(
    store: Store, owner: Actor, manager: Actor, cashier: Actor
) -> None:
    assert not staff_standing(store).changed and _found(store) == []
    _in_the_file(store, "DELETE FROM staff")
    standing = staff_standing(store)
    assert not standing.new and standing.changed
    assert standing.gone == ("老板", "店长", "收银员")  # in the order they were added
    e = refused(store, "staff.list_gone", add_staff, store, SYSTEM, "我", "owner", "1234")
    assert e.message("en").startswith(
        "the staff list was changed outside memberdesk: 老板, 店长, 收银员 were deleted"
    )
    refused(store, "staff.list_gone", require_staff_as_sealed, store)
    assert list_staff(store, include_inactive=True) == []
    found = _found(store)
    for name, seq in (("老板", 3), ("店长", 4), ("收银员", 5)):
        assert (f"staff member {name} is in the sync journal (record {seq}) but no longer in "
                "the shop's records: it was deleted") in found, found  # fmt: skip


def test_the_owner_deleted_leaving_a_cashier_is_named(
    store: Store, owner: Actor, cashier: Actor
) -> None:
    _in_the_file(store, "DELETE FROM staff WHERE role = 'owner'")
    assert staff_standing(store).gone == ("老板",)
    refused(store, "staff.list_gone", add_staff, store, SYSTEM, "老板", "owner", "1234")


def test_everyone_made_inactive_in_the_file_is_put_right_by_the_recovery_code(
    store: Store, owner: Actor, cashier: Actor
) -> None:
    code = new_recovery_code(store, owner)
    _in_the_file(store, "UPDATE staff SET active = 0")
    standing = staff_standing(store)
    assert standing.none_active and standing.gone == () and standing.owners == ("老板",)
    e = refused(store, "staff.list_inactive", add_staff, store, SYSTEM, "我", "owner", "1234")
    assert "memberdesk staff recover-owner" in e.message("en")
    recover_owner_pin(store, "老板", code, "2580")
    assert not staff_standing(store).changed
    assert login(store, "老板", "2580").role == "owner"


def test_staff_dismissed_at_the_till_leave_the_shop_as_it_is(
    store: Store, owner: Actor, manager: Actor, cashier: Actor
) -> None:
    set_role(store, owner, "收银员", "cashier", active=False)
    set_role(store, owner, "店长", "manager", active=False)
    assert not staff_standing(store).changed and not staff_standing(store).new
    require_staff_as_sealed(store)

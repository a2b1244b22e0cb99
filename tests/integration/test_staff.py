"""Staff, PINs and permissions on a real SQLite file: what the login screen says, what
core refuses whatever the UI does, and what the audit log keeps."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from memberdesk.core.errors import DomainError
from memberdesk.core.shop import staff as staff_module
from memberdesk.core.shop.staff import (
    MAX_FAILED_PINS,
    SYSTEM,
    Actor,
    add_staff,
    list_staff,
    login,
    require,
    reset_pin,
    set_role,
    verify_pin,
)
from memberdesk.core.store.database import Store

from ..conftest import PRODUCTION_SCRYPT_N

TABLES = ("staff", "audit_log", "outbox", "members")


def snapshot(store: Store) -> dict[str, Any]:
    with store.read() as s:
        counts = {t: s.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in TABLES}
        staff = s.execute(text("SELECT * FROM staff ORDER BY id")).all()
    return {"counts": counts, "staff": staff}


def refused(store: Store, code: str, action, *args, **kwargs) -> DomainError:
    before = snapshot(store)
    with pytest.raises(DomainError) as info:
        action(*args, **kwargs)
    assert info.value.code == code, info.value.message()
    assert snapshot(store) == before
    return info.value


def staff_row(store: Store, name: str) -> Any:
    with store.read() as s:
        return s.execute(text("SELECT * FROM staff WHERE name = :n"), {"n": name}).one()


def audit_rows(store: Store) -> list[tuple[str, str, str | None, str]]:
    with store.read() as s:
        rows = s.execute(
            text("SELECT action, staff_name, authorised_by, target FROM audit_log ORDER BY id")
        ).all()
    return [tuple(r) for r in rows]


# ------------------------------------------------------------------ PINs


def test_a_pin_is_kept_as_a_slow_salted_hash(
    store: Store, owner: Actor, manager: Actor, cashier: Actor
) -> None:
    add_staff(store, owner, "收银员二", "cashier", "1111")
    first, second = staff_row(store, "收银员"), staff_row(store, "收银员二")
    for row in (first, second):
        assert row.pin_hash != "1111"
        scheme, n, r, p, salt, digest = row.pin_hash.split("$")
        assert scheme == "scrypt" and int(n) == staff_module.SCRYPT_N and int(r) >= 8
        assert len(bytes.fromhex(salt)) >= 16 and len(bytes.fromhex(digest)) >= 32
        assert verify_pin("1111", row.pin_hash)
        assert not verify_pin("1112", row.pin_hash)
    assert first.pin_hash != second.pin_hash  # same PIN, different salt
    assert not verify_pin("1111", "not-a-hash")
    # The shop's own cost (the tests make cheaper hashes to stay quick): about a fifth of
    # a second a PIN, so every 4-digit PIN of a stolen file is ~40 minutes of one core.
    assert PRODUCTION_SCRYPT_N >= 2**16


def test_logging_in_gives_the_staff_members_role(
    store: Store, owner: Actor, manager: Actor, cashier: Actor
) -> None:
    assert login(store, "老板", "8888") == owner
    assert login(store, "店长", "6666") == manager
    got = login(store, "收银员", "1111")
    assert (got.staff_id, got.name, got.role, got.privileged) == (
        cashier.staff_id,
        "收银员",
        "cashier",
        False,
    )
    assert manager.privileged and owner.privileged
    refused(store, "staff.not_found", login, store, "没有这个人", "1111")


def test_wrong_pins_count_and_lock_the_account(store: Store, clock, cashier: Actor) -> None:
    for attempt in range(1, MAX_FAILED_PINS):
        with pytest.raises(DomainError) as info:
            login(store, "收银员", "0000")
        assert info.value.code == "pin.wrong"
        assert info.value.message() == f"PIN 不正确，还可以再试 {MAX_FAILED_PINS - attempt} 次"
        # The count survives the refusal (it is written, not rolled back).
        assert staff_row(store, "收银员").failed_pins == attempt
    with pytest.raises(DomainError) as info:
        login(store, "收银员", "0000")
    assert info.value.code == "pin.locked"
    # Locked for 5 minutes from 10:00 Shanghai time.
    assert info.value.message() == "输错次数过多，已锁定到 10:05"
    assert staff_row(store, "收银员").locked_until is not None
    assert [s.locked for s in list_staff(store) if s.name == "收银员"] == [True]
    assert ("staff.locked", "收银员", None, "收银员") in audit_rows(store)
    # Even the right PIN is refused while locked, and nothing is written for it.
    e = refused(store, "pin.locked", login, store, "收银员", "1111")
    assert "10:05" in e.message()
    clock.advance(minutes=4, seconds=59)
    refused(store, "pin.locked", login, store, "收银员", "1111")
    clock.advance(seconds=1)
    assert login(store, "收银员", "1111").staff_id == cashier.staff_id
    row = staff_row(store, "收银员")
    assert (row.failed_pins, row.locked_until) == (0, None)
    assert [s.locked for s in list_staff(store) if s.name == "收银员"] == [False]


def test_a_right_pin_clears_the_count(store: Store, cashier: Actor) -> None:
    for _ in range(MAX_FAILED_PINS - 1):
        with pytest.raises(DomainError):
            login(store, "收银员", "0000")
    login(store, "收银员", "1111")
    assert staff_row(store, "收银员").failed_pins == 0
    with pytest.raises(DomainError) as info:
        login(store, "收银员", "0000")
    assert info.value.code == "pin.wrong"  # a fresh count, not a lockout


def test_a_reset_pin_unlocks(store: Store, manager: Actor, cashier: Actor) -> None:
    for _ in range(MAX_FAILED_PINS):
        with pytest.raises(DomainError):
            login(store, "收银员", "0000")
    reset_pin(store, manager, "收银员", "2468")
    assert login(store, "收银员", "2468").staff_id == cashier.staff_id
    with pytest.raises(DomainError) as info:
        login(store, "收银员", "1111")
    assert info.value.code == "pin.wrong"  # the old PIN no longer works
    assert ("staff.pin_reset", "店长", None, "收银员") in audit_rows(store)


@pytest.mark.parametrize("pin", ["", "123", "123456789", "12a4", "１２３４", "1234\n", " 1234"])
def test_a_malformed_pin_is_refused(store: Store, owner: Actor, pin: str) -> None:
    e = refused(store, "pin.invalid", add_staff, store, owner, "新人", "cashier", pin)
    assert e.message() == "PIN 必须是 4–8 位数字"


def test_staff_names_and_roles_are_checked(store: Store, owner: Actor, cashier: Actor) -> None:
    refused(store, "staff.name_required", add_staff, store, owner, "  ", "cashier", "1234")
    refused(store, "staff.role_invalid", add_staff, store, owner, "新人", "boss", "1234")
    e = refused(store, "staff.duplicate", add_staff, store, owner, "收银员", "cashier", "1234")
    assert e.message() == "员工 收银员 已存在"


def test_a_deactivated_staff_member_cannot_log_in(
    store: Store, owner: Actor, cashier: Actor
) -> None:
    set_role(store, owner, "收银员", "cashier", active=False)
    e = refused(store, "staff.inactive", login, store, "收银员", "1111")
    assert e.message() == "员工 收银员 已停用"
    assert "收银员" not in [s.name for s in list_staff(store)]
    assert "收银员" in [s.name for s in list_staff(store, include_inactive=True)]


# ------------------------------------------------------------------ permissions


def test_a_cashier_cannot_add_staff_alone(store: Store, cashier: Actor) -> None:
    e = refused(store, "permission.denied", add_staff, store, cashier, "新人", "cashier", "1234")
    assert e.message() == "收银员（收银员）无权管理员工，需要店长或老板授权"
    assert "无权" in str(e)


def test_another_cashier_cannot_authorise(store: Store, owner: Actor, cashier: Actor) -> None:
    info = add_staff(store, owner, "收银员二", "cashier", "2222")
    other = Actor(info.id, info.name, info.role)
    refused(
        store,
        "permission.denied",
        add_staff,
        store,
        cashier,
        "新人",
        "cashier",
        "1234",
        authoriser=other,
    )


def test_a_manager_authorises_a_cashier_and_the_audit_log_says_who(
    store: Store, manager: Actor, cashier: Actor
) -> None:
    added = add_staff(store, cashier, "新人", "cashier", "1234", authoriser=manager)
    assert (added.name, added.role, added.active, added.locked) == ("新人", "cashier", True, False)
    assert login(store, "新人", "1234").staff_id == added.id
    assert audit_rows(store)[-1] == ("staff.add", "收银员", "店长", "新人")
    with store.read() as s:
        staff_id = s.execute(
            text("SELECT staff_id FROM audit_log ORDER BY id DESC LIMIT 1")
        ).scalar_one()
        kinds = s.execute(
            text("SELECT kind FROM outbox WHERE aggregate_id = :id"), {"id": added.id}
        ).all()
    assert staff_id == cashier.staff_id
    assert [k[0] for k in kinds] == ["staff.add"]


def test_every_staff_admin_act_is_audited(
    store: Store, owner: Actor, manager: Actor, cashier: Actor
) -> None:
    before = len(audit_rows(store))
    set_role(store, manager, "收银员", "manager")
    reset_pin(store, owner, "店长", "7777")
    rows = audit_rows(store)[before:]
    assert rows == [
        ("staff.change", "店长", None, "收银员"),
        ("staff.pin_reset", "老板", None, "店长"),
    ]
    assert login(store, "收银员", "1111").role == "manager"
    assert login(store, "店长", "7777").staff_id == manager.staff_id


def test_a_cashier_cannot_change_roles_or_pins(
    store: Store, manager: Actor, cashier: Actor
) -> None:
    refused(store, "permission.denied", set_role, store, cashier, "收银员", "owner")
    refused(store, "permission.denied", reset_pin, store, cashier, "店长", "1234")
    changed = set_role(store, cashier, "收银员", "cashier", active=True, authoriser=manager)
    assert changed.role == "cashier"
    assert audit_rows(store)[-1] == ("staff.change", "收银员", "店长", "收银员")


def test_require_answers_who_allowed_an_act(manager: Actor, cashier: Actor) -> None:
    assert require(manager, "refund") is manager
    assert require(cashier, "refund", authoriser=manager) is manager
    with pytest.raises(DomainError) as info:
        require(cashier, "points_adjust")
    assert info.value.message() == "收银员（收银员）无权调整积分，需要店长或老板授权"
    with pytest.raises(DomainError):
        require(cashier, "export_full_phone", authoriser=cashier)


def test_the_first_staff_member_needs_no_ones_leave(tmp_path, clock) -> None:
    fresh = Store(tmp_path / "fresh.sqlite", clock=clock)
    try:
        first = add_staff(fresh, SYSTEM, "老板", "owner", "8888")
        assert first.role == "owner"
        assert audit_rows(fresh) == [("staff.add", "系统", None, "老板")]
    finally:
        fresh.close()


# ------------------------------------------------------------------ the audit log


def test_the_audit_log_is_append_only(store: Store, manager: Actor) -> None:
    assert audit_rows(store)
    before = audit_rows(store)
    for sql in (
        "UPDATE audit_log SET staff_name = '别人'",
        "UPDATE audit_log SET authorised_by = NULL",
        "DELETE FROM audit_log",
    ):
        with pytest.raises(IntegrityError, match="append-only"), store.write() as uow:
            uow.session.execute(text(sql))
    assert audit_rows(store) == before


def test_lockouts_in_a_row_grow_longer_until_a_right_pin(store: Store, clock, cashier) -> None:
    def lock_out() -> str:
        for _ in range(MAX_FAILED_PINS):
            with pytest.raises(DomainError) as info:
                login(store, "收银员", "0000")
        assert info.value.code == "pin.locked"
        return info.value.message("en")

    assert lock_out().endswith("10:05")  # 5 minutes
    clock.advance(minutes=5)
    assert lock_out().endswith("10:20")  # then 15
    clock.advance(minutes=15)
    assert lock_out().endswith("11:20")  # then an hour
    clock.advance(minutes=60)
    assert lock_out().endswith("12:20")  # and an hour from then on
    clock.advance(minutes=60)
    login(store, "收银员", "1111")  # a right PIN starts again from the first
    assert lock_out().endswith("12:25")


def test_an_authoriser_is_believed_only_as_its_pin_made_it(
    store: Store, cashier: Actor, manager: Actor
) -> None:
    from memberdesk.core.shop.staff import authorise, reset_pin

    forged = Actor(manager.staff_id, manager.name, "manager")  # put together, no PIN typed
    ghost = Actor("no-such-id", "不存在的店长", "owner")
    for who in (forged, ghost):
        e = refused(store, "permission.unverified", reset_pin, store, cashier, "收银员", "2468",
                    authoriser=who)  # fmt: skip
        assert who.name in e.message("en")
    assert login(store, "收银员", "1111")  # nothing changed
    refused(store, "permission.denied", authorise, store, "收银员", "1111", "refund")
    real = authorise(store, "店长", "6666", "refund")
    reset_pin(store, cashier, "收银员", "2468", authoriser=real)
    assert login(store, "收银员", "2468").staff_id == cashier.staff_id
    with pytest.raises(DomainError) as info:
        authorise(store, "店长", "0000", "refund")
    assert info.value.code == "pin.wrong"  # and a wrong one counts towards the lockout
    assert staff_row(store, "店长").failed_pins == 1


def test_six_digit_pins_are_allowed(store: Store, owner: Actor) -> None:
    add_staff(store, owner, "新店员", "cashier", "246810")
    assert login(store, "新店员", "246810").name == "新店员"


def test_the_command_lines_privileged_commands_ask_a_managers_pin(
    store: Store, owner: Actor, manager: Actor, cashier: Actor, db_path, tmp_path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from memberdesk.cli import main
    from memberdesk.core.shop.backups import backup_now

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    sheet = tmp_path / "members.csv"
    sheet.write_text("姓名,手机\n王五,13800138000\n", encoding="utf-8")
    backup = backup_now(store)
    monkeypatch.delenv("MEMBERDESK_STAFF")
    monkeypatch.delenv("MEMBERDESK_PIN")
    base = ["--db", str(db_path), "--lang", "en"]
    for argv in (["import", "members", str(sheet)],
                 ["export", "members", str(tmp_path / "all.csv"), "--full-phone"],
                 ["restore", str(backup)]):  # fmt: skip
        assert main(base + argv) == 2, argv
        assert "--staff NAME" in capsys.readouterr().err
    monkeypatch.setenv("MEMBERDESK_PIN", "1111")  # a cashier may not
    assert main(base + ["import", "members", str(sheet), "--staff", "收银员"]) == 2
    assert "may not import members" in capsys.readouterr().err
    monkeypatch.setenv("MEMBERDESK_PIN", "0000")  # a wrong PIN counts towards the lockout
    assert main(base + ["import", "members", str(sheet), "--staff", "店长"]) == 2
    assert "wrong PIN" in capsys.readouterr().err
    assert staff_row(store, "店长").failed_pins == 1
    with store.read() as s:
        assert s.execute(text("SELECT count(*) FROM members")).scalar() == 0
    monkeypatch.setenv("MEMBERDESK_PIN", "6666")
    assert main(base + ["import", "members", str(sheet), "--staff", "店长"]) == 0
    main(base + ["import", "members", str(sheet), "--dry-run"])  # a dry run asks no PIN
    assert "--staff NAME" not in capsys.readouterr().err
    with store.read() as s:
        assert s.execute(text("SELECT count(*) FROM members")).scalar() == 1


def test_only_the_owner_makes_owners_or_touches_an_owner(
    store: Store, owner: Actor, manager: Actor, cashier: Actor
) -> None:
    """A manager could make themselves owner (no discount limit, the limits page), or set
    the owner's PIN and log in as the owner, or lock the owner out."""
    e = refused(store, "staff.owner_only", set_role, store, manager, "店长", "owner")
    assert e.message() == "店长 无权任命老板或更改老板的角色、PIN 码和登录权限，须由老板本人操作"
    refused(store, "staff.owner_only", reset_pin, store, manager, "老板", "1234")
    refused(store, "staff.owner_only", set_role, store, manager, "老板", "owner", active=False)
    refused(store, "staff.owner_only", set_role, store, manager, "老板", "manager")
    refused(store, "staff.owner_only", add_staff, store, manager, "新老板", "owner", "2468")
    refused(store, "staff.owner_only", set_role, store, cashier, "收银员", "owner",
            authoriser=manager)  # fmt: skip
    assert login(store, "老板", "8888").role == "owner"
    # The owner may, and a manager still runs the rest of the staff.
    set_role(store, owner, "店长", "owner")
    assert login(store, "店长", "6666").role == "owner"
    set_role(store, manager, "收银员", "manager")
    reset_pin(store, manager, "收银员", "2468")
    assert login(store, "收银员", "2468").role == "manager"


def test_the_only_owner_cannot_be_demoted_or_deactivated(
    store: Store, owner: Actor, manager: Actor
) -> None:
    e = refused(store, "staff.last_owner", set_role, store, owner, "老板", "manager")
    assert e.message() == "老板 是本店唯一的老板，请先任命另一位老板"
    refused(store, "staff.last_owner", set_role, store, owner, "老板", "owner", active=False)
    set_role(store, owner, "店长", "owner")  # with a second owner, the first may step down
    set_role(store, owner, "老板", "manager")
    assert login(store, "老板", "8888").role == "manager"

"""The owner's recovery code: the one way back for a shop whose only owner forgot their PIN
(a manager may not set the owner's PIN), on a real SQLite file."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from memberdesk.core.check.checks import run_checks
from memberdesk.core.errors import DomainError
from memberdesk.core.shop.staff import (
    MAX_FAILED_PINS,
    Actor,
    has_recovery_code,
    hash_pin,
    login,
    new_recovery_code,
    recover_owner_pin,
    set_role,
)
from memberdesk.core.store.database import Store

from .test_staff import audit_rows, refused, staff_row

CODE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}")


def journal(store: Store, kind: str) -> list[dict]:
    with store.read() as s:
        rows = s.execute(text("SELECT payload FROM outbox WHERE kind = :k ORDER BY seq"),
                         {"k": kind}).scalars()  # fmt: skip
        return [json.loads(p) if isinstance(p, str) else p for p in rows]


def test_the_code_sets_the_owners_pin_once_and_a_new_code_replaces_it(
    store: Store, owner: Actor, manager: Actor
) -> None:
    code = new_recovery_code(store, owner)
    assert CODE.fullmatch(code), code
    assert new_recovery_code(store, owner) != code  # a new one each time …
    code = new_recovery_code(store, owner)  # … and only the last one works
    # Typed back as a person reads it off paper: lower case, spaces, an O for a 0.
    typed = code.lower().replace("-", " ").replace("0", "o")
    next_code = recover_owner_pin(store, "老板", typed, "2580")
    assert CODE.fullmatch(next_code) and next_code != code
    assert login(store, "老板", "2580").role == "owner"
    with pytest.raises(DomainError) as info:
        login(store, "老板", "8888")
    assert info.value.code == "pin.wrong"  # the forgotten PIN is gone
    # Spent: the same code again is a wrong code, the new one works.
    e = refused_counted(store, "recovery.wrong", "老板", code, "1357")
    # (the old PIN tried above and this code count together)
    assert e.message() == f"恢复码不正确，还可以再试 {MAX_FAILED_PINS - 2} 次"
    recover_owner_pin(store, "老板", next_code, "1357")
    assert login(store, "老板", "1357").role == "owner"
    assert ("staff.recovery_code", "老板", None, "老板") in audit_rows(store)
    assert ("staff.pin_recovered", "老板", None, "老板") in audit_rows(store)
    sealed = journal(store, "staff.pin_recovered")
    assert [p["name"] for p in sealed] == ["老板", "老板"]
    assert len(journal(store, "staff.recovery_code")) == 3
    assert run_checks(store).ok  # the journal seals the owner's row as it now is


def refused_counted(store: Store, code: str, *args: str) -> DomainError:
    """Refused, with the try counted on the owner's row (and nothing else written)."""
    before = staff_row(store, "老板").failed_pins
    with pytest.raises(DomainError) as info:
        recover_owner_pin(store, *args)
    assert info.value.code == code, info.value.message()
    assert staff_row(store, "老板").failed_pins in (before + 1, 0)  # 0: the count locked
    return info.value


def test_wrong_codes_count_and_lock_the_owner(store: Store, clock, owner: Actor) -> None:
    code = new_recovery_code(store, owner)
    wrong = "ABCD-EFGH-JKMN-PQRS"
    for attempt in range(1, MAX_FAILED_PINS):
        refused_counted(store, "recovery.wrong", "老板", wrong, "2580")
        assert staff_row(store, "老板").failed_pins == attempt
    e = refused_counted(store, "recovery.locked", "老板", wrong, "2580")
    assert e.message() == "老板 因 PIN 或恢复码输错次数过多已被锁定，请在 10:05 之后再试"
    # Locked: even the right code is refused, and nothing is written.
    e = refused(store, "recovery.locked", recover_owner_pin, store, "老板", code, "2580")
    assert "10:05" in e.message()
    refused(store, "pin.locked", login, store, "老板", "8888")  # one lock for PINs and codes
    clock.advance(minutes=5)
    recover_owner_pin(store, "老板", code, "2580")
    row = staff_row(store, "老板")
    assert (row.failed_pins, row.locked_until) == (0, None)


def test_wrong_pins_and_wrong_codes_share_one_count(store: Store, owner: Actor) -> None:
    new_recovery_code(store, owner)
    for _ in range(MAX_FAILED_PINS - 1):
        with pytest.raises(DomainError):
            login(store, "老板", "0000")
    refused_counted(store, "recovery.locked", "老板", "ABCD-EFGH-JKMN-PQRS", "2580")


def test_only_the_owner_makes_a_code(
    store: Store, owner: Actor, manager: Actor, cashier: Actor
) -> None:
    for who in (manager, cashier, Actor(manager.staff_id, manager.name, "owner")):
        e = refused(store, "recovery.owner_only", new_recovery_code, store, who)
        assert e.message() == "店长 无权生成老板的恢复码，只有老板本人可以" or who is cashier
    assert not has_recovery_code(store)


def test_the_refusals_say_what_is_wrong_and_change_nothing(
    store: Store, owner: Actor, manager: Actor
) -> None:
    e = refused(store, "recovery.none", recover_owner_pin, store, "老板", "ABCD-EFGH-JKMN-PQRS",
                "2580")  # fmt: skip
    assert e.message() == "本店还没有老板恢复码：请老板在记得 PIN 时到员工页面生成一个"
    code = new_recovery_code(store, owner)
    e = refused(store, "recovery.not_owner", recover_owner_pin, store, "店长", code, "2580")
    assert e.message().startswith("店长 不是老板：恢复码只能重设老板的 PIN")
    e = refused(store, "recovery.invalid", recover_owner_pin, store, "老板", code[:-1], "2580")
    assert "16 位字母和数字" in e.message()
    refused(store, "pin.invalid", recover_owner_pin, store, "老板", code, "12")
    refused(store, "staff.not_found", recover_owner_pin, store, "没有这个人", code, "2580")
    set_role(store, owner, "店长", "owner")
    set_role(store, owner, "老板", "owner", active=False)
    refused(store, "staff.inactive", recover_owner_pin, store, "老板", code, "2580")
    assert CODE.fullmatch(recover_owner_pin(store, "店长", code, "2580"))


def test_the_code_is_never_kept_in_clear(store: Store, owner: Actor, db_path: Path) -> None:
    codes = [new_recovery_code(store, owner)]
    codes.append(recover_owner_pin(store, "老板", codes[0], "2580"))
    with store.read() as s:
        s.execute(text("PRAGMA wal_checkpoint(FULL)"))
    held = b"".join(p.read_bytes() for p in db_path.parent.iterdir() if p.is_file())
    for code in codes:
        for form in (code, code.replace("-", "")):
            for encoded in (form.encode(), form.lower().encode(), form.encode("utf-16-le")):
                assert encoded not in held
    assert has_recovery_code(store)


def test_the_command_line_sets_the_owners_pin_and_shows_the_new_code(
    store: Store, owner: Actor, db_path: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from memberdesk import cli

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    code = new_recovery_code(store, owner)
    asked: list[str] = []

    def answers(*typed: str):
        left = list(typed)

        def getpass(prompt: str = "") -> str:
            asked.append(prompt)
            return left.pop(0)

        monkeypatch.setattr(cli.getpass, "getpass", getpass)

    argv = ["--db", str(db_path), "staff", "recover-owner", "老板"]
    answers(code, "2580", "2588")  # the PIN twice, differently: nothing is changed
    assert cli.main(argv) == 2
    assert "两次输入的 PIN 不一致" in capsys.readouterr().err
    assert login(store, "老板", "8888").role == "owner"
    answers("ABCD-EFGH-JKMN-PQRS", "2580", "2580")
    assert cli.main(argv) == 2
    assert "恢复码不正确，还可以再试 4 次" in capsys.readouterr().err
    asked.clear()
    answers(code, "2580", "2580")
    assert cli.main(argv) == 0
    assert asked == ["老板 的恢复码（输入时不显示）：", "新 PIN，4–8 位数字（输入时不显示）：",
                     "再输入一次新 PIN："]  # fmt: skip
    out = capsys.readouterr().out
    new_code = CODE.search(out)
    assert new_code is not None and new_code.group() != code
    assert "请立即抄下并远离收银台保管" in out
    assert login(store, "老板", "2580").role == "owner"
    answers(new_code.group(), "1357", "1357")  # the code shown is the one that works next
    assert cli.main(argv) == 0
    assert login(store, "老板", "1357").role == "owner"


def _write_setting_in_the_file(db_path: Path, sql: str, *params: object) -> None:
    """Someone with the file edits the owner's recovery code in the settings, by hand."""
    con = sqlite3.connect(db_path)
    with con:
        con.execute(sql, params)
    con.close()


KNOWN = "ABCD-EFGH-JKMN-PQRS"  # a code the one who edits the file knows


@pytest.mark.parametrize("made_before", [True, False], ids=["over the owner's", "none made"])
def test_a_recovery_code_written_into_the_file_sets_no_pin_and_is_named(
    store: Store, owner: Actor, db_path: Path, made_before: bool
) -> None:
    """A cashier with the file writes in a recovery code they know (its hash is made as any
    PIN's), then sets the owner's PIN with it at the till: the owner's account would be
    theirs, and every act of it journalled as the owner's. The till refuses the code, and
    `check` names it before it is ever used."""
    if made_before:
        new_recovery_code(store, owner)
    _write_setting_in_the_file(
        db_path, "INSERT OR REPLACE INTO settings (key, value) VALUES ('staff.recovery_code', ?)",
        json.dumps(hash_pin(KNOWN.replace("-", ""))),
    )  # fmt: skip
    found = [p.text("en") for p in run_checks(store).problems]
    assert found == [
        "the owner's recovery code kept in the file is not the one last made at this till: "
        "it was written in outside memberdesk"
    ], found
    e = refused(store, "recovery.tampered", recover_owner_pin, store, "老板", KNOWN, "4321")
    assert e.message() == (
        "本店文件中保存的老板恢复码已在本软件之外被改动，不能使用：请记得 PIN 的老板"
        "到员工页面重新生成一个"
    )
    assert login(store, "老板", "8888").role == "owner"  # the owner's PIN is still theirs
    assert staff_row(store, "老板").failed_pins == 0


def test_a_recovery_code_removed_from_the_file_is_named(
    store: Store, owner: Actor, db_path: Path
) -> None:
    new_recovery_code(store, owner)
    _write_setting_in_the_file(db_path, "DELETE FROM settings WHERE key = 'staff.recovery_code'")
    found = [p.text("en") for p in run_checks(store).problems]
    assert found == [
        "the owner's recovery code last made at this till is gone from the file: it was "
        "removed outside memberdesk"
    ], found
    refused(store, "recovery.tampered", recover_owner_pin, store, "老板", KNOWN, "4321")
    new_recovery_code(store, owner)  # the owner, who knows their PIN, makes a new one
    assert run_checks(store).ok

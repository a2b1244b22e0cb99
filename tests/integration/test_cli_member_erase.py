"""`memberdesk member erase CARD_OR_ID`: the member page's 清除个人信息 from the command line,
run as the shop's owner runs it — the real command in a process of its own on the shop's
file — and read back from the file with SQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from memberdesk.core.errors import DomainError
from memberdesk.core.followups.calllog import log_call
from memberdesk.core.members.member import cancel, get_member
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store

from .test_cli_staff_trust import command_line
from .test_member_erase import PHONE, issue_zhang


def _row(db_path: Path, member_id: str) -> tuple:
    con = sqlite3.connect(db_path)
    try:
        return con.execute(
            "SELECT name, phone, phone_last4, birthday, notes, status FROM members WHERE id = ?",
            (member_id,),
        ).fetchone()
    finally:
        con.close()


def _erased_rows(db_path: Path) -> list[tuple]:
    con = sqlite3.connect(db_path)
    try:
        return con.execute(
            "SELECT aggregate_id, json_extract(payload, '$.name') FROM outbox"
            " WHERE kind = 'member.erased'"
        ).fetchall()
    finally:
        con.close()


@pytest.fixture
def zhang(store: Store, manager: Actor) -> str:
    member_id = issue_zhang(store, manager)
    log_call(store, manager, member_id, "birthdays", "connected", note="说下周来，想要L码")
    return member_id


def test_a_manager_erases_a_cancelled_member_at_the_command_line(
    store: Store, db_path: Path, tmp_path: Path, manager: Actor, cashier: Actor, zhang: str
) -> None:
    memberdesk = command_line(db_path, tmp_path)
    card = get_member(store, zhang).card_no
    held = ("张三丰", PHONE, "5678", "1990-05-17", "穿L码，喜欢蓝色", "active")

    # Not cancelled: refused with the window's words, nothing changed.
    done = memberdesk("店长", "6666", "member", "erase", card, "--yes")
    refusal = DomainError("member.erase_not_cancelled", name="张三丰", card=card).message("zh")
    assert (done.returncode, done.stderr.strip(), done.stdout) == (2, refusal, "")
    assert _row(db_path, zhang) == held and _erased_rows(db_path) == []

    cancel(store, manager, zhang, "本人要求注销")
    # Without --yes from a script: told what would go and how to go ahead; nothing changes.
    done = memberdesk("店长", "6666", "member", "erase", card)
    assert done.returncode == 1, done.stderr
    assert f"会员 张三丰（卡号 {card}）" in done.stdout
    assert "姓名、手机号、性别、生日、营销许可、备注、回访记录的备注（1 条）" in done.stdout
    assert f"memberdesk member erase {card} --yes" in done.stdout
    assert _row(db_path, zhang) == (*held[:5], "cancelled") and _erased_rows(db_path) == []

    # A cashier may not.
    done = memberdesk("收银员", "1111", "member", "erase", card, "--yes")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert _row(db_path, zhang)[0] == "张三丰" and _erased_rows(db_path) == []

    # A manager, by the member's id, in English.
    done = memberdesk("店长", "6666", "--lang", "en", "member", "erase", zhang, "--yes")
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert (
        f"erased the personal information of card {card}: name, phone, gender, birthday, "
        "marketing consent, notes, the notes of follow-up calls (1); the card and its "
        "history are kept"
    ) in done.stdout
    assert _row(db_path, zhang) == ("已清除的会员", None, None, None, "", "cancelled")
    assert _erased_rows(db_path) == [(zhang, "已清除的会员")]
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("SELECT note FROM call_log").fetchall() == [("",)]
        assert con.execute("SELECT staff_name FROM audit_log WHERE action = 'member.erased'"
                           ).fetchall() == [("店长",)]  # fmt: skip
    finally:
        con.close()

    # Once is enough; a number no member has is said so.
    done = memberdesk("店长", "6666", "member", "erase", card, "--yes")
    assert done.returncode == 2 and f"会员 {card} 的个人信息已经清除" in done.stderr
    done = memberdesk("店长", "6666", "member", "erase", "9999999999", "--yes")
    assert done.returncode == 2 and "9999999999" in done.stderr and "Traceback" not in done.stderr

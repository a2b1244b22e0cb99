"""个人信息副本 (PIPL art. 45): a member who asks is handed a copy of everything the shop
holds about them, read back here as they would read it — the .xlsx opened, sheet by sheet —
and the file's audit log with SQL; the command line run as the owner runs it."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from memberdesk.core.errors import DomainError
from memberdesk.core.followups.calllog import log_call
from memberdesk.core.followups.personal_copy import personal_copy
from memberdesk.core.loyalty.points import adjust_points
from memberdesk.core.members.erase import erase_member
from memberdesk.core.members.member import MemberForm, cancel, get_member, issue_card
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.wallet import top_up

from .test_cli_staff_trust import command_line
from .test_member_erase import PHONE, issue_zhang


def _sheets(path: Path) -> dict[str, list[list]]:
    wb = load_workbook(path)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def _audit(db_path: Path) -> list[tuple]:
    con = sqlite3.connect(db_path)
    try:
        return con.execute(
            "SELECT staff_name, authorised_by, target, detail FROM audit_log"
            " WHERE action = 'member.copy_given'"
        ).fetchall()
    finally:
        con.close()


@pytest.fixture
def zhang(store: Store, manager: Actor) -> str:
    member_id = issue_zhang(store, manager)
    checkout(store, manager, CheckoutRequest(lines=(SaleLineInput("衬衫", 20000),),
                                             member_id=member_id, tenders={"cash": 20000}))  # fmt: skip
    top_up(store, manager, member_id, 50000, "cash")
    adjust_points(store, manager, member_id, 30, "补录小票")
    log_call(store, manager, member_id, "birthdays", "connected", note="说下周来，想要L码")
    issue_card(store, manager, MemberForm(name="李四", phone="13900001111"))  # someone else
    return member_id


def test_the_copy_holds_the_members_whole_profile_and_history_and_nobody_elses(
    store: Store, db_path: Path, manager: Actor, zhang: str, tmp_path: Path
) -> None:
    path = tmp_path / "张三丰.xlsx"
    done = personal_copy(store, manager, get_member(store, zhang).card_no, path)
    card = get_member(store, zhang).card_no
    sheets = _sheets(path)
    assert list(sheets) == ["个人信息", "会员卡", "消费记录", "积分明细", "储值明细", "回访记录"]
    profile = {row[0]: row[1] for row in sheets["个人信息"][1:]}
    assert profile["卡号"] == card and profile["姓名"] == "张三丰"
    assert profile["手机号"] == PHONE  # whole: it is theirs
    assert profile["生日"].date() == date(1990, 5, 17) and profile["性别"] == "男"
    assert profile["同意营销"] == "是" and profile["备注"] == "穿L码，喜欢蓝色"
    assert Decimal(str(profile["储值本金"])) == Decimal("500.00")
    assert profile["积分"] == get_member(store, zhang).points
    [sale] = sheets["消费记录"][1:]
    assert Decimal(str(sale[2])) == Decimal("200.00") and "现金" in sale[6]
    points = sheets["积分明细"][1:]
    assert [r[2] for r in points][0] == 30 and points[0][5] == "补录小票"  # newest first
    [topup] = sheets["储值明细"][1:]
    assert topup[1] == "充值" and Decimal(str(topup[2])) == Decimal("500.00")
    [call] = sheets["回访记录"][1:]
    assert call[4] == "说下周来，想要L码"
    [cards] = sheets["会员卡"][1:]
    assert cards[0] == card
    text = str(sheets)
    assert "李四" not in text and "13900001111" not in text
    assert (done.sales, done.points, done.wallet, done.calls) == (1, len(points), 1, 1)
    [(who, by, target, detail)] = _audit(db_path)
    assert (who, by, target) == ("店长", None, card)
    assert PHONE not in detail and "张三丰" not in detail  # who got a copy, not what it held


def test_a_cashier_needs_a_managers_authority_and_an_erased_member_has_nothing_to_copy(
    store: Store, db_path: Path, manager: Actor, cashier: Actor, zhang: str, tmp_path: Path
) -> None:
    card = get_member(store, zhang).card_no
    with pytest.raises(DomainError) as refused:
        personal_copy(store, cashier, card, tmp_path / "a.xlsx")
    assert refused.value.code == "permission.denied"
    assert "个人信息副本" in refused.value.message() or "个人信息" in refused.value.message()
    assert not (tmp_path / "a.xlsx").exists() and _audit(db_path) == []
    personal_copy(store, cashier, card, tmp_path / "b.xlsx", authoriser=manager)
    assert _audit(db_path)[0][:2] == ("收银员", "店长")
    with pytest.raises(DomainError) as wrong:
        personal_copy(store, manager, card, tmp_path / "c.pdf")
    assert ".xlsx" in wrong.value.message()
    with pytest.raises(DomainError) as nobody:
        personal_copy(store, manager, "8800009999", tmp_path / "d.xlsx")
    assert nobody.value.code == "member.no_card_or_id"

    # Cancelled and erased: nothing personal is left to copy.
    gone = issue_card(store, manager, MemberForm(name="王五", phone="13700001111")).id
    cancel(store, manager, gone, "搬家")
    erase_member(store, manager, gone)
    with pytest.raises(DomainError) as erased:
        personal_copy(store, manager, gone, tmp_path / "e.xlsx")
    assert erased.value.code == "member.erased_already"
    assert not (tmp_path / "e.xlsx").exists()


def test_the_owner_writes_the_copy_at_the_command_line(
    store: Store, db_path: Path, tmp_path: Path, zhang: str
) -> None:
    memberdesk = command_line(db_path, tmp_path)
    card = get_member(store, zhang).card_no
    out = tmp_path / "copy.xlsx"
    refused = memberdesk("收银员", "1111", "member", "copy", card, "-o", str(out))
    assert refused.returncode != 0 and not out.exists(), refused.stdout + refused.stderr
    done = memberdesk("老板", "8888", "member", "copy", card, "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert card in done.stdout and str(out) in done.stdout, done.stdout
    profile = {row[0]: row[1] for row in _sheets(out)["个人信息"][1:]}
    assert profile["手机号"] == PHONE
    assert [a[0] for a in _audit(db_path)] == ["老板"]

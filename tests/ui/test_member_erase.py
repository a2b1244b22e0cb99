"""清除个人信息 on the member page: shown only for a cancelled member, says what goes and what
stays, asks a manager's PIN of a cashier, and leaves the member found by card only."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPushButton

from memberdesk.core.members.member import MemberForm, cancel, issue_card
from memberdesk.core.store.models import Member

from .conftest import child, click, log_in
from .test_member_tier_and_money import _managers_pin, _members_view


def test_a_cashier_erases_a_cancelled_members_personal_information_with_a_managers_pin(
    qtbot, window, store, owner
) -> None:
    active = issue_card(store, owner, MemberForm(name="钱多多", phone="13600001234"))
    gone = issue_card(store, owner, MemberForm(name="孙小美", phone="13700005678", notes="XL码"))
    cancel(store, owner, gone.id, "本人要求注销")
    log_in(qtbot, window, "收银员", "1111")

    page = _members_view(qtbot, window, "1234", "钱多多")
    assert page.member.id == active.id and not page.erase_button.isVisible()

    page = _members_view(qtbot, window, "5678", "孙小美")
    button = page.erase_button
    assert button.isVisible() and button.text() == "清除个人信息"
    click(qtbot, button)
    dialog = page.dialog
    qtbot.waitUntil(dialog.isVisible)
    said = child(dialog, QLabel, "erase_explained").text()
    assert "孙小美" in said and gone.card_no in said
    assert "姓名、手机号、生日" in said and "消费、退货、积分和储值记录" in said, said

    click(qtbot, child(dialog, QPushButton, "confirm_erase"))
    _managers_pin(qtbot, dialog)
    qtbot.waitUntil(lambda: page.panel.name.text() == "已清除的会员")
    assert not dialog.isVisible() and not page.erase_button.isVisible()
    assert gone.card_no in page.bar.text() and "个人信息已清除" in page.bar.text()
    with store.read() as s:
        m = s.get(Member, gone.id)
        assert (m.name, m.phone, m.notes, m.status) == ("已清除的会员", None, "", "cancelled")

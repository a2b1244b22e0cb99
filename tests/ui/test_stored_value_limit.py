"""The stored value limit (储值上限, ¥5,000 by default) at the counter and on the programme
page: the top-up dialog says what the member may still top up, offers no tier beyond it
and refuses more; the owner sees and sets the limit in yuan, and a top-up tier above it
is named before the programme can be saved."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton
from sqlalchemy import func, select

from memberdesk.core.loyalty.program_store import current_program
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.store.models import Member, OutboxEvent, Topup
from memberdesk.core.till.wallet import top_up

from .conftest import child, click, click_item, log_in, type_into


def _counts(store) -> tuple[int, int]:
    with store.read() as s:
        return (
            s.scalar(select(func.count()).select_from(Topup)),
            s.scalar(select(func.count()).select_from(OutboxEvent)),
        )


def _principal(store, member_id: str) -> int:
    with store.read() as s:
        return s.get(Member, member_id).wallet_principal


def _open_topup(qtbot, window, card_no: str):
    till = window.workspace.till
    with qtbot.waitSignal(till.scan.scanned):
        qtbot.keyClicks(till.scan, card_no)
        qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.member_panel.values["card"].text() == card_no)
    qtbot.keyClick(till.scan, Qt.Key.Key_F9)
    dialog = till.dialog
    qtbot.waitUntil(dialog.isVisible)
    return till, dialog


def test_the_top_up_dialog_says_the_room_left_and_refuses_more(qtbot, window, store, owner):
    member = issue_card(store, owner, MemberForm(name="王芳", phone="13900002222"))
    top_up(store, owner, member.id, 420_000, "wechat")  # ¥4,200 (+150 bonus): ¥800 left
    log_in(qtbot, window, "收银员", "1111")
    till, dialog = _open_topup(qtbot, window, member.card_no)
    room = child(dialog, QLabel, "topup_room")
    assert room.isVisible()
    assert room.text() == "储值上限 ¥5,000.00：该会员本次最多还可充值 ¥800.00"
    # 充1000送150 can never be reached by this member: not offered
    assert child(dialog, QLabel, "topup_tiers").text() == "充值优惠：充 ¥500.00 送 ¥50.00"
    amount = child(dialog, QLineEdit, "topup_amount")
    bonus = child(dialog, QLabel, "topup_bonus")
    error = child(dialog, QLabel, "amount_error")
    type_into(qtbot, amount, "450")
    assert bonus.text() == "赠送 ¥0.00，到账合计 ¥450.00\n再充 ¥50.00，可得赠送 ¥50.00"
    type_into(qtbot, amount, "600")
    assert bonus.text() == "赠送 ¥50.00，到账合计 ¥650.00"  # not 再充 ¥400.00 送 ¥150.00
    assert not error.isVisible()

    type_into(qtbot, amount, "800.01")
    refusal = "储值本金最多 ¥5,000.00：该会员本次最多还可充值 ¥800.00"
    qtbot.waitUntil(error.isVisible)
    assert error.text() == refusal
    assert bonus.text() == ""  # no 到账合计 for an amount that will not be taken
    before = _counts(store)
    click(qtbot, child(dialog, QPushButton, "confirm_topup"))
    qtbot.waitUntil(lambda: error.text() == refusal and error.isVisible())
    assert dialog.isVisible()
    assert _counts(store) == before and _principal(store, member.id) == 420_000

    type_into(qtbot, amount, "800")  # exactly up to the limit
    qtbot.waitUntil(lambda: not error.isVisible())
    click(qtbot, child(dialog, QPushButton, "confirm_topup"))
    qtbot.waitUntil(lambda: till.member_panel.values["principal"].text() == "¥5,000.00")
    assert till.member_panel.values["bonus"].text() == "¥200.00"  # 150 + 50: on top
    if till.dialog is not dialog:
        till.dialog.reject()  # the slip's preview

    # at the limit: said at once, and every amount is refused
    qtbot.keyClick(till.scan, Qt.Key.Key_F9)
    again = till.dialog
    qtbot.waitUntil(lambda: again is not dialog and again.isVisible())
    assert child(again, QLabel, "topup_room").text() == (
        "已达储值上限 ¥5,000.00：该会员本次不能充值"
    )
    assert not child(again, QLabel, "topup_tiers").isVisible()
    type_into(qtbot, child(again, QLineEdit, "topup_amount"), "1")
    assert child(again, QLabel, "amount_error").text() == (
        "储值本金最多 ¥5,000.00：该会员已有本金 ¥5,000.00，已达上限，本次不能再充值"
    )


def _program_page(qtbot, window):
    office = window.workspace.backoffice
    window.workspace.setCurrentWidget(office)
    click_item(qtbot, office.menu, "会员方案")
    page = office.program
    qtbot.waitUntil(page.form.tiers.isVisible)
    return page


def test_the_programme_page_shows_and_sets_the_limit_in_yuan(qtbot, window, store):
    log_in(qtbot, window, "老板", "8888")
    page = _program_page(qtbot, window)
    limit = page.form.fields["wallet.principal_limit_fen"]
    assert limit.text() == "5000"
    assert limit.isVisible()
    tiers_error = child(page, QLabel, "error_wallet.topup_bonus")

    type_into(qtbot, limit, "800")  # below the 充1000送150 tier (row 2)
    qtbot.waitUntil(tiers_error.isVisible)
    assert tiers_error.text() == (
        "第 2 行：充值 ¥1,000.00 超过储值上限 ¥800.00：此项赠送永远无法送出"
    )
    assert not page.save_button.isEnabled()

    type_into(qtbot, limit, "3000")
    qtbot.waitUntil(lambda: not tiers_error.isVisible())
    qtbot.waitUntil(page.save_button.isEnabled)
    click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: "第 2 版" in page.bar.text())
    assert current_program(store).program.wallet.principal_limit_fen == 300_000
    assert page.form.fields["wallet.principal_limit_fen"].text() == "3000"  # read back

    type_into(qtbot, limit, "0")  # no limit (a shop the rule does not cover)
    qtbot.waitUntil(page.save_button.isEnabled)
    click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: "第 3 版" in page.bar.text())
    assert current_program(store).program.wallet.principal_limit_fen == 0
    assert page.form.fields["wallet.principal_limit_fen"].text() == "0"

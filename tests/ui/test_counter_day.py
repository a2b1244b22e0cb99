"""A cashier's day, typed and clicked like a person: log in, issue a card (a bad phone first),
scan it, two sales (earn, then redeem), a top-up, a refund with the manager's PIN, the
shift close. Every step's numbers are read off the screen and checked in the database."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QLineEdit, QPlainTextEdit, QPushButton
from sqlalchemy import func, select

from memberdesk.core.store.models import Member, Refund, Sale, Shift

from .conftest import child, click, click_row, log_in, type_into


def _member(store) -> Member:
    with store.read() as s:
        return s.scalars(select(Member)).one()


def _count(store, model) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def scan(qtbot, till, card_no: str) -> None:
    """The card scanner: the number as one fast burst of keys, then Enter."""
    with qtbot.waitSignal(till.scan.scanned):
        qtbot.keyClicks(till.scan, card_no)
        qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.member_panel.values["card"].text() == card_no)


def test_a_day_at_the_counter(qtbot, window, store):
    w = window
    log_in(qtbot, w, "收银员", "1111", opening_float="500")
    till = w.workspace.till
    assert till.scan.hasFocus()
    assert "收银员" in w.who.text() and "班次进行中" in w.who.text()

    # -- issue a card: a bad phone is refused beside the field and nothing is saved
    qtbot.keyClick(till.scan, Qt.Key.Key_F3)
    form = till.dialog
    qtbot.waitUntil(form.isVisible)
    type_into(qtbot, child(form, QLineEdit, "member_name_field"), "张三")
    type_into(qtbot, child(form, QLineEdit, "member_phone_field"), "12345")
    click(qtbot, child(form, QPushButton, "save_member"))
    phone_error = child(form, QLabel, "phone_error")
    qtbot.waitUntil(phone_error.isVisible)
    assert "12345 不是有效的中国大陆手机号" in phone_error.text()
    assert form.isVisible()
    assert _count(store, Member) == 0

    type_into(qtbot, child(form, QLineEdit, "member_phone_field"), "13812345678")
    click(qtbot, child(form, QPushButton, "save_member"))
    qtbot.waitUntil(lambda: not form.isVisible())
    member = _member(store)
    assert (member.name, member.phone, member.points) == ("张三", "13812345678", 0)
    assert till.member_panel.name.text() == "张三"  # the new member is on the sale at once
    assert till.member_panel.values["phone"].text() == "138****5678"

    # -- scan the card as a burst: Esc lets the member go, the scanner brings them back
    qtbot.keyClick(till.scan, Qt.Key.Key_Escape)
    assert till.member_panel.name.text() == "散客"
    scan(qtbot, till, member.card_no)
    assert till.member_panel.values["card"].text() == member.card_no
    assert till.scan.text() == ""

    # -- first sale: ¥500, paid ¥600 cash, ¥100 change, 500 points earned
    qtbot.keyClick(till.scan, Qt.Key.Key_F4)
    type_into(qtbot, till.lines.price, "500", enter=True)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    assert till.lines.total.text() == "应收 ¥500.00"
    assert till.payment.earn.text() == "本单积分：+500"
    qtbot.keyClick(till.lines.price, Qt.Key.Key_F10)
    type_into(qtbot, till.payment.tenders["cash"], "600")
    qtbot.keyClick(till.payment.tenders["cash"], Qt.Key.Key_F12)
    receipt = till.dialog
    qtbot.waitUntil(lambda: receipt is not None and receipt.isVisible())
    text = receipt.findChild(QPlainTextEdit, "slip_text").toPlainText()
    assert "500.00" in text and "张三" in text
    assert "积分 +500，现有 500" in till.last_label.text()
    assert "找零 ¥100.00" in till.last_label.text()
    receipt.reject()
    with store.read() as s:
        first = s.scalars(select(Sale)).one()
        assert (first.total, first.cash_tendered, first.change_given, first.points_earned) == (
            50000,
            60000,
            10000,
            500,
        )
    assert _member(store).points == 500
    assert till.member_panel.name.text() == "散客"  # the next customer starts clean

    # -- second sale: ¥100, redeem 500 points (¥5), the rest in cash; 95 points earned
    scan(qtbot, till, member.card_no)
    assert till.member_panel.values["points"].text() == "500"
    type_into(qtbot, till.lines.price, "100", enter=True)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    assert "最多可用 500 积分（抵 ¥5.00）" in till.payment.redeem_info.text()
    assert (
        "100 起用" in till.payment.redeem_info.text()
        and "本单最多抵 ¥50.00" in till.payment.redeem_info.text()
    )
    qtbot.keyClick(till.lines.price, Qt.Key.Key_F5)
    type_into(qtbot, till.payment.redeem, "500")
    qtbot.keyClick(till.payment.redeem, Qt.Key.Key_Tab)  # taken: what is due is said again
    qtbot.waitUntil(lambda: till.payment.due.text() == "待付 ¥95.00")
    assert till.payment.earn.text() == "本单积分：+95"
    qtbot.keyClick(till.payment.redeem, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: "积分 +95，现有 95" in till.last_label.text())
    till.dialog.reject()
    with store.read() as s:
        second = s.scalars(select(Sale).where(Sale.id != first.id)).one()
        assert (
            second.total,
            second.points_redeemed,
            second.points_value,
            second.points_earned,
        ) == (10000, 500, 500, 95)
    assert _member(store).points == 95

    # -- top-up ¥500: the bonus (充500送50) shows before confirming
    scan(qtbot, till, member.card_no)
    qtbot.keyClick(till.scan, Qt.Key.Key_F9)
    topup = till.dialog
    qtbot.waitUntil(topup.isVisible)
    assert child(topup, QLabel, "topup_tiers").text() == (
        "充值优惠：充 ¥500.00 送 ¥50.00；充 ¥1,000.00 送 ¥150.00"
    )
    type_into(qtbot, child(topup, QLineEdit, "topup_amount"), "450")
    assert child(topup, QLabel, "topup_bonus").text() == (
        "赠送 ¥0.00，到账合计 ¥450.00\n再充 ¥50.00，可得赠送 ¥50.00"  # told before paying
    )
    type_into(qtbot, child(topup, QLineEdit, "topup_amount"), "500")
    assert child(topup, QLabel, "topup_bonus").text() == (
        "赠送 ¥50.00，到账合计 ¥550.00\n再充 ¥500.00，可得赠送 ¥150.00"
    )
    assert _member(store).wallet_principal == 0  # nothing happens before confirming
    click(qtbot, child(topup, QPushButton, "confirm_topup"))
    qtbot.waitUntil(lambda: till.member_panel.values["principal"].text() == "¥500.00")
    assert till.member_panel.values["bonus"].text() == "¥50.00"
    m = _member(store)
    assert (m.wallet_principal, m.wallet_bonus) == (50000, 5000)
    if isinstance(till.dialog, QDialog) and till.dialog is not topup:
        till.dialog.reject()

    # -- refund the second sale from the member's history, with the manager's PIN
    qtbot.keyClick(till.scan, Qt.Key.Key_F11)
    members = w.workspace.members
    qtbot.waitUntil(members.isVisible)
    sales = members.history.sales
    assert sales.rowCount() == 2
    click_row(qtbot, sales, 0)  # newest first: the ¥100 sale
    assert sales.item(0, 2).text() == "¥100.00"
    click(qtbot, members.history.refund_button)
    refund = members.dialog
    qtbot.waitUntil(refund.isVisible)
    click(qtbot, child(refund, QPushButton, "confirm_refund"))
    auth = refund.findChild(QDialog, "authorise_dialog")
    qtbot.waitUntil(lambda: auth is not None and auth.isVisible())
    who = child(auth, QComboBox, "authoriser")
    who.setFocus()
    while who.currentData() != "店长":
        qtbot.keyClick(who, Qt.Key.Key_Down)
    qtbot.keyClicks(auth.pad.edit, "6666")
    qtbot.keyClick(auth.pad.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "已退款 ¥100.00" in members.bar.text())
    assert members.panel.values["points"].text() == "500"  # 95 − 95 earned + 500 redeemed back
    with store.read() as s:
        r = s.scalars(select(Refund)).one()
        assert (r.amount, r.authorised_by, r.tenders, r.points_returned, r.points_reversed) == (
            10000,
            "店长",
            {"cash": 9500},
            500,
            95,
        )
        assert s.get(Sale, second.id).refunded_total == 10000
    assert _member(store).points == 500

    # -- shift close: float 500 + cash sales 595 + top-up 500 − refund 95 = 1500
    w.workspace.setCurrentWidget(w.workspace.backoffice)
    office = w.workspace.backoffice
    office.open_page(office.shift)
    page = office.shift
    qtbot.waitUntil(page.shift_text.isVisible)
    assert "钱箱应有现金" not in page.shift_text.text()  # a blind count: typed first
    type_into(qtbot, page.counted, "1500", enter=True)
    qtbot.waitUntil(lambda: "已交班；无差额" in page.bar.text())
    assert "钱箱应有现金" in page.shift_text.text() and "¥1,500.00" in page.shift_text.text()
    slip = page.dialog.findChild(QPlainTextEdit, "slip_text").toPlainText()
    assert "交班" in slip and "1,500.00" in slip
    with store.read() as s:
        shift = s.scalars(select(Shift)).one()
        assert shift.closed_at is not None
        assert (shift.opening_float, shift.expected_cash, shift.counted_cash) == (
            50000,
            150000,
            150000,
        )
    assert "未开班" in w.who.text()

"""Paying at the till, as a cashier types it: an amount refused leaves what the other
amounts pay said, and Enter in the points box completes the sale as in every box that
pays."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from sqlalchemy import func, select

from memberdesk.core.loyalty.points import adjust_points
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.store.models import Sale, SaleTender
from memberdesk.core.till.wallet import top_up

from .conftest import log_in, type_into


def _sales(store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(Sale))


def type_and_leave(qtbot, field: QWidget, text: str) -> None:
    """Type into a box and move on with Tab, as a cashier does between tenders."""
    type_into(qtbot, field, text)
    qtbot.keyClick(field, Qt.Key.Key_Tab)


def _at_the_till(qtbot, window, store, owner, *, points: int = 0, stored: int = 0):
    """王五 (card found by the last 4 digits of the phone) on a ¥100.00 sale."""
    member = issue_card(store, owner, MemberForm(name="王五", phone="13700002468"))
    if points:
        adjust_points(store, owner, member.id, points, "开卡赠送")
    if stored:
        top_up(store, owner, member.id, stored, "cash")
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    type_into(qtbot, till.scan, "2468", enter=True)
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "王五")
    type_into(qtbot, till.lines.price, "100", enter=True)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    return till


def test_stored_value_refused_leaves_the_cash_typed_counted(qtbot, window, store, owner):
    """¥60 cash typed, then ¥80 of stored value where the member holds ¥50: the till said
    待付 ¥100.00 as if the cash were not there, until the stored value was put right."""
    till = _at_the_till(qtbot, window, store, owner, stored=5000)
    pay = till.payment
    type_and_leave(qtbot, pay.tenders["cash"], "60")
    assert pay.due.text() == "待付 ¥40.00"
    type_and_leave(qtbot, pay.wallet, "80")
    assert pay.error.text() == "会员 王五 储值余额 ¥50.00，不够支付 ¥80.00"
    assert pay.due.text() == "待付 ¥40.00"  # the cash still counts; the ¥80 does not
    assert pay.wallet.text() == "80"  # kept as typed, marked
    assert pay.wallet.property("refused") and not pay.tenders["cash"].property("refused")
    # ¥130 handed over instead: the change is what the cash leaves over the ¥100.
    type_and_leave(qtbot, pay.tenders["cash"], "130")
    assert pay.due.text() == "待付 ¥0.00" and pay.change.text() == "找零 ¥30.00"
    assert "¥80.00" in pay.error.text()
    # Put right: ¥50 from stored value, and the cash covers the rest.
    type_and_leave(qtbot, pay.wallet, "50")
    assert pay.error.isHidden() and not pay.wallet.property("refused")
    assert pay.due.text() == "待付 ¥0.00" and pay.change.text() == "找零 ¥80.00"


def test_points_refused_leave_the_stored_value_and_cash_counted(qtbot, window, store, owner):
    """More points than the member holds: the stored value and the cash typed still pay."""
    till = _at_the_till(qtbot, window, store, owner, points=300, stored=5000)
    pay = till.payment
    type_and_leave(qtbot, pay.wallet, "30")
    type_and_leave(qtbot, pay.tenders["cash"], "20")
    assert pay.due.text() == "待付 ¥50.00"
    type_and_leave(qtbot, pay.redeem, "500")
    assert pay.due.text() == "待付 ¥50.00"  # not ¥100.00: ¥30 stored value and ¥20 cash
    assert pay.redeem.text() == "500" and pay.redeem.property("refused")
    assert "500" in pay.error.text()
    type_and_leave(qtbot, pay.redeem, "300")  # ¥3.00
    assert pay.error.isHidden() and pay.due.text() == "待付 ¥47.00"


def test_a_card_payment_over_what_is_due_leaves_the_cash_counted(qtbot, window, store, owner):
    till = _at_the_till(qtbot, window, store, owner)
    pay = till.payment
    type_and_leave(qtbot, pay.tenders["cash"], "70")
    type_and_leave(qtbot, pay.tenders["card"], "999")
    assert pay.due.text() == "待付 ¥30.00"
    assert "¥999.00 超过应付" in pay.error.text() and pay.tenders["card"].property("refused")
    assert pay.complete.isEnabled()  # F12 says why it cannot sell (the bar), sells nothing
    qtbot.keyClick(pay.tenders["card"], Qt.Key.Key_F12)
    assert "¥999.00 超过应付" in till.bar.text() and _sales(store) == 0


def test_enter_in_the_points_box_completes_the_sale(qtbot, window, store, owner):
    """F5, the points, Enter: the sale is completed with the points, as Enter completes it in
    the cash, WeChat and stored-value boxes (it only reworked what was due)."""
    till = _at_the_till(qtbot, window, store, owner, points=1000)
    pay = till.payment
    qtbot.keyClick(till.scan, Qt.Key.Key_F5)
    qtbot.keyClicks(pay.redeem, "500")
    qtbot.keyClick(pay.redeem, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _sales(store) == 1, timeout=3000)
    assert "已完成" in till.last_label.text()
    with store.read() as s:
        tenders = {t.kind: t.amount for t in s.scalars(select(SaleTender))}
    assert tenders == {"points": 500, "cash": 9500}  # ¥5.00 in points, the rest in cash
    # The same checks as F12: more points than the member holds sell nothing, and say why.
    till.dialog.reject()
    type_into(qtbot, till.scan, "2468", enter=True)
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "王五")
    type_into(qtbot, till.lines.price, "100", enter=True)
    qtbot.keyClick(till.scan, Qt.Key.Key_F5)
    qtbot.keyClicks(pay.redeem, "900")
    qtbot.keyClick(pay.redeem, Qt.Key.Key_Return)
    assert "900" in till.bar.text() and _sales(store) == 1
    assert pay.redeem.text() == "900"

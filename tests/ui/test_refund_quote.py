"""The refund dialog says what goes back before anyone confirms: the money by the way the
sale was paid, stored value, points given back and taken back, as core will refund them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPushButton, QSpinBox
from sqlalchemy import select

from memberdesk.core.store.models import Refund

from ..integration.test_refunds import mixed_sale
from .conftest import child, click, log_in, type_into
from .test_journal_and_day_report import manager_pin


def test_the_refund_dialog_shows_what_goes_back_before_it_is_confirmed(
    qtbot, window, store, owner, manager
) -> None:
    # 300 元 of two coats and a hat, paid with 100 分, 50 元 stored value, card 100, cash 149
    _, sale = mixed_sale(store, owner, manager)
    w = window
    log_in(qtbot, w, "收银员", "1111", opening_float="500")
    till = w.workspace.till
    qtbot.keyClick(till.scan, Qt.Key.Key_F11, Qt.KeyboardModifier.ShiftModifier)
    journal = w.workspace.journal
    qtbot.waitUntil(lambda: journal.isVisible() and journal.scan.hasFocus())
    qtbot.keyClicks(journal.scan, sale.receipt_no)
    qtbot.keyClick(journal.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: journal.detail.refund_button.isEnabled())
    click(qtbot, journal.detail.refund_button)
    qtbot.waitUntil(lambda: journal.dialog is not None and journal.dialog.isVisible())
    dialog = journal.dialog
    quote = child(dialog, QLabel, "refund_quote")

    # everything left: the whole sale comes back, each part the way it was paid
    assert quote.text().splitlines() == [
        "退款 ¥300.00。退给顾客：银行卡 ¥100.00，现金 ¥149.00",
        "退回储值：本金 ¥50.00，赠送金额 ¥0.00",
        "退还本单抵扣的积分：100",
        "扣回本单所得积分：299",
    ]

    # one coat only: a third of every part, to the fen
    type_into(qtbot, child(dialog, QSpinBox, "refund_qty_1"), "1")
    type_into(qtbot, child(dialog, QSpinBox, "refund_qty_2"), "0")
    assert quote.text().splitlines() == [
        "退款 ¥100.00。退给顾客：银行卡 ¥33.33，现金 ¥49.67",
        "退回储值：本金 ¥16.67，赠送金额 ¥0.00",
        "退还本单抵扣的积分：33",
        "扣回本单所得积分：99",
    ]
    type_into(qtbot, child(dialog, QSpinBox, "refund_qty_1"), "0")
    assert quote.text() == "请填写每件商品的退货数量。"
    with store.read() as s:  # looking wrote nothing
        assert s.scalars(select(Refund)).all() == []

    # what was shown is what the refund gives back
    type_into(qtbot, child(dialog, QSpinBox, "refund_qty_1"), "1")
    click(qtbot, child(dialog, QPushButton, "confirm_refund"))
    manager_pin(qtbot, dialog)
    qtbot.waitUntil(lambda: "已退款 ¥100.00" in journal.bar.text())
    with store.read() as s:
        r = s.scalars(select(Refund)).one()
        assert (r.amount, r.tenders, r.points_returned, r.points_reversed) == (
            10000, {"card": 3333, "cash": 4967}, 33, 99
        )  # fmt: skip
        assert r.details["wallet_principal"] == 1667


def test_with_nothing_chosen_to_come_back_the_refund_cannot_be_confirmed(
    qtbot, window, store, owner, manager
) -> None:
    """All quantities at 0: the confirm button is off, so no manager is called over for
    a refund of nothing; choosing an item turns it on again."""
    _, sale = mixed_sale(store, owner, manager)
    log_in(qtbot, window, "收银员", "1111", opening_float="500")
    till = window.workspace.till
    qtbot.keyClick(till.scan, Qt.Key.Key_F11, Qt.KeyboardModifier.ShiftModifier)
    journal = window.workspace.journal
    qtbot.waitUntil(lambda: journal.isVisible() and journal.scan.hasFocus())
    qtbot.keyClicks(journal.scan, sale.receipt_no)
    qtbot.keyClick(journal.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: journal.detail.refund_button.isEnabled())
    click(qtbot, journal.detail.refund_button)
    qtbot.waitUntil(lambda: journal.dialog is not None and journal.dialog.isVisible())
    dialog = journal.dialog
    confirm = child(dialog, QPushButton, "confirm_refund")
    assert confirm.isEnabled()  # everything left comes back unless told otherwise

    for spin in dialog.findChildren(QSpinBox):
        type_into(qtbot, spin, "0")
    assert not confirm.isEnabled()
    assert child(dialog, QLabel, "refund_quote").text() == "请填写每件商品的退货数量。"
    reason = child(dialog, QLineEdit, "refund_reason")
    type_into(qtbot, reason, "顾客不要了")
    qtbot.keyClick(reason, Qt.Key.Key_Return)  # Enter does not reach it either
    confirm.click()  # nor a click on the greyed-out button
    dialog._confirm()  # and were it called all the same, it says what is missing
    qtbot.wait(50)
    auth = dialog.findChild(QDialog, "authorise_dialog")
    assert auth is None or not auth.isVisible()
    assert dialog.isVisible() and child(dialog, QLabel, "refund_error").text() == (
        "请填写每件商品的退货数量。"
    )
    with store.read() as s:
        assert s.scalars(select(Refund)).all() == []

    type_into(qtbot, child(dialog, QSpinBox, "refund_qty_1"), "1")
    assert confirm.isEnabled()

"""What the till's line says after the cashier acts, read as the cashier reads it: a gift
earned by the sale's spend is named (or said to have run out), and a count card sold or
refunded says how much money changes hands and how."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QLineEdit, QPushButton, QSpinBox

from memberdesk.core.items.catalogue import ItemForm, create_item
from memberdesk.core.loyalty.program import revise
from memberdesk.core.loyalty.program_store import current_program, save_program
from memberdesk.core.members.member import MemberForm, issue_card

from .conftest import child, click, log_in, type_into
from .test_counter_day import scan


def _spend_gift_program(store, owner) -> None:
    program = current_program(store).program
    save_program(store, owner, revise(program, {
        "redeem": {"gifts": [{"code": "CUP", "name": "保温杯", "points": 2000, "stock": 1}]},
        "spend_gifts": [{"gift_code": "CUP", "threshold_fen": 50000, "period": "sale"}],
    }))  # fmt: skip


def _sell_price(qtbot, till, price: str) -> None:
    qtbot.keyClicks(till.scan, price)
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    done = till.last_label.text()
    qtbot.keyClick(till.scan, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: till.last_label.text() != done and "已完成" in till.last_label.text())
    if till.dialog is not None and till.dialog.isVisible():  # no printer: the slips are shown
        till.dialog.reject()


def test_the_cashier_is_told_to_hand_over_a_gift_for_spend_and_when_it_has_run_out(
    qtbot, window, store, owner
):
    _spend_gift_program(store, owner)
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    _sell_price(qtbot, till, "600")
    assert "满额赠品 保温杯" in till.last_label.text()
    assert "满额赠品 保温杯" in till.bar.text()
    _sell_price(qtbot, till, "700")  # the only cup is gone
    assert "满额赠品 保温杯（已送完）" in till.last_label.text()


def _sell_card(qtbot, till) -> None:
    qtbot.keyClick(till.scan, Qt.Key.Key_F9, Qt.KeyboardModifier.ShiftModifier)
    cards = till.dialog
    qtbot.waitUntil(cards.isVisible)
    click(qtbot, child(cards, QPushButton, "sell_count_card"))
    sell = cards.findChild(QDialog, "sell_count_card_dialog")
    qtbot.waitUntil(sell.isVisible)
    type_into(qtbot, child(sell, QLineEdit, "card_name"), "剪发两次卡")
    type_into(qtbot, child(sell, QLineEdit, "card_item"), "HC01")
    child(sell, QLineEdit, "card_price").clear()
    type_into(qtbot, child(sell, QLineEdit, "card_price"), "100")
    child(sell, QSpinBox, "card_counts").setValue(2)
    tender = child(sell, QComboBox, "card_tender")
    tender.setCurrentIndex(tender.findText("微信"))
    click(qtbot, child(sell, QPushButton, "confirm_count_card"))
    qtbot.waitUntil(lambda: "剪发两次卡" in till.member_panel.values["count_cards"].text())


def test_a_count_card_sold_or_refunded_says_the_money_and_how_it_is_paid(
    qtbot, window, store, owner
):
    create_item(store, owner, ItemForm("剪发", 5000, code="HC01", category="美发"))
    member = issue_card(store, owner, MemberForm(name="王美", phone="13900000077"))
    log_in(qtbot, window, "店长", "6666")
    till = window.workspace.till
    scan(qtbot, till, member.card_no)
    _sell_card(qtbot, till)
    assert "收款 ¥100.00（微信）" in till.last_label.text()
    if till.dialog is not None and till.dialog.isVisible():
        till.dialog.reject()

    qtbot.keyClick(till.scan, Qt.Key.Key_F9, Qt.KeyboardModifier.ShiftModifier)
    cards = till.dialog
    qtbot.waitUntil(cards.isVisible)
    click(qtbot, child(cards, QCheckBox, "member_confirmed"))
    click(qtbot, child(cards, QPushButton, "use_visit"))
    qtbot.waitUntil(lambda: "1/2" in till.member_panel.values["count_cards"].text())
    assert "¥" not in till.last_label.text()  # a visit moves no money
    if till.dialog is not None and till.dialog.isVisible():
        till.dialog.reject()

    qtbot.keyClick(till.scan, Qt.Key.Key_F9, Qt.KeyboardModifier.ShiftModifier)
    cards = till.dialog
    qtbot.waitUntil(cards.isVisible)
    click(qtbot, child(cards, QPushButton, "refund_count_card"))
    qtbot.waitUntil(
        lambda: (
            "0/2" in till.member_panel.values["count_cards"].text()
            or till.member_panel.values["count_cards"].text() == "—"
        )
    )
    assert "退款 ¥50.00（微信）" in till.last_label.text()

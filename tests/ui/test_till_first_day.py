"""A cashier's first day at the till, typed as a person and a scanner type: what is typed
while a receipt preview or a manager's approval is on screen is never lost."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit, QWidget

from .conftest import child, log_in, type_into


def _keys_now(qtbot, dialog: QWidget) -> QWidget:
    """Where the keys go while the dialog is up, the active window as on a screen: the
    field that has its focus, or the dialog."""
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog.focusWidget() or dialog


def _type_as_the_keyboard(qtbot, first: QWidget, text: str, window: QWidget) -> None:
    """The first key to `first`; each next one, then Enter, to wherever the keys are at
    that moment (the field with the focus in the dialog if still up, else in `window`),
    as a keyboard types."""

    def now() -> QWidget:
        active = first.window() if first.window().isVisible() else window
        return active.focusWidget() or active

    qtbot.keyClick(first, text[0])
    for ch in text[1:]:
        qtbot.keyClick(now(), ch)
    qtbot.keyClick(now(), Qt.Key.Key_Return)


def test_the_next_scan_while_the_receipt_is_on_screen_lands_in_the_search_box(qtbot, window):
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    type_into(qtbot, till.scan, "35", enter=True)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    qtbot.keyClick(till.scan, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: "已完成" in till.last_label.text())
    preview = till.dialog
    qtbot.waitUntil(preview.isVisible)
    # the next customer's goods, typed (or scanned) before the preview was put away
    _type_as_the_keyboard(qtbot, _keys_now(qtbot, preview), "88", window)
    qtbot.waitUntil(lambda: not preview.isVisible())
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    assert till.lines.table.item(0, 4).text() == "¥88.00"
    assert till.lines.total.text() == "应收 ¥88.00"
    assert window.focusWidget() is till.scan and till.scan.text() == ""


def test_esc_puts_the_receipt_away_and_the_keys_go_back_to_the_search_box(qtbot, window):
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    type_into(qtbot, till.scan, "35", enter=True)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    qtbot.keyClick(till.scan, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: "已完成" in till.last_label.text())
    preview = till.dialog
    qtbot.waitUntil(preview.isVisible)
    qtbot.keyClick(_keys_now(qtbot, preview), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not preview.isVisible())
    assert till.lines.table.rowCount() == 0 and "已完成" in till.last_label.text()


def test_the_managers_pin_typed_before_choosing_them_is_not_lost_in_silence(qtbot, window):
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    type_into(qtbot, till.scan, "500", enter=True)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    qtbot.keyClick(till.scan, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = till.dialog
    qtbot.waitUntil(dialog.isVisible)
    mode = child(dialog, QComboBox, "discount_mode")
    mode.setCurrentIndex(mode.findData("zhe"))
    type_into(qtbot, child(dialog, QLineEdit, "discount_value"), "7", enter=True)
    approval = dialog.approval
    qtbot.waitUntil(lambda: approval is not None and approval.isVisible())
    # the manager walks over and types their PIN where the keys are: on the list of names
    keys = _keys_now(qtbot, approval)
    assert keys is child(approval, QComboBox, "approver")
    qtbot.keyClicks(keys, "6666")
    qtbot.keyClick(approval.focusWidget(), Qt.Key.Key_Return)
    assert child(approval, QLabel, "approve_error").text() == "请先选择审批人"
    assert approval.isVisible() and till.lines.table.item(0, 3).text() == ""
    # chosen, the PIN goes in and the discount is approved
    qtbot.keyClick(approval.focusWidget(), Qt.Key.Key_Down)
    while approval.who.currentData() != "店长":
        qtbot.keyClick(approval.focusWidget(), Qt.Key.Key_Down)
    qtbot.keyClicks(approval.focusWidget(), "6666")
    qtbot.keyClick(approval.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert till.lines.table.item(0, 3).text() == "7折 -¥150.00"


def test_the_change_shows_as_the_cash_is_typed_before_the_sale_is_completed(qtbot, window):
    """Cash ¥1000 typed for ¥962: 待付 stayed ¥962.00 and no 找零 showed until the cursor
    left the box, so the cashier could not count the change before pressing Enter."""
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    type_into(qtbot, till.scan, "962.", enter=True)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    qtbot.keyClick(till.scan, Qt.Key.Key_F10)
    cash = till.payment.tenders["cash"]
    qtbot.waitUntil(cash.hasFocus)
    qtbot.keyClicks(cash, "1000")  # no Tab, no Enter: still typing
    assert cash.hasFocus()
    qtbot.waitUntil(lambda: "¥38.00" in till.payment.change.text(), timeout=3000)
    assert cash.text() == "1000" and till.draft.lines  # nothing typed over, nothing sold


def test_a_pin_typed_before_choosing_who_authorises_is_not_lost_in_silence(qtbot, window):
    """The manager's PIN for a cashier's refund (or any act a cashier may not do alone),
    typed where the keys are when the box opens: on the list of names."""
    from memberdesk.ui.members.authorise import AuthoriseDialog

    log_in(qtbot, window, "收银员", "1111")
    dialog = AuthoriseDialog(window.ctx, "refund", window)
    got = []
    dialog.authorised.connect(got.append)
    dialog.open()
    qtbot.waitUntil(dialog.isVisible)
    keys = _keys_now(qtbot, dialog)
    assert keys is child(dialog, QComboBox, "authoriser")
    qtbot.keyClicks(keys, "6666")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert child(dialog, QLabel, "authorise_error").text() == "请先选择审批人"
    assert dialog.isVisible() and not got
    while dialog.who.currentData() != "店长":
        qtbot.keyClick(dialog.who, Qt.Key.Key_Down)
    qtbot.keyClicks(dialog.pad.edit, "6666")
    qtbot.keyClick(dialog.pad.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(got))
    assert got[0].name == "店长" and not dialog.isVisible()


def test_the_line_just_scanned_is_whole_in_sight_however_many_came_before(qtbot, window):
    """The eleventh line of a basket showed half, cut by the table's edge (1366×768)."""
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    table = till.lines.table
    for n, price in enumerate(("35", "12", "8", "99", "15", "22", "5", "18", "7", "66", "3"), 1):
        type_into(qtbot, till.scan, price, enter=True)
        qtbot.waitUntil(lambda n=n: table.rowCount() == n)
        rect = table.visualRect(table.model().index(n - 1, 0))
        assert rect.top() >= 0 and rect.bottom() < table.viewport().height(), (n, rect)

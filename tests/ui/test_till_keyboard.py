"""The till at the counter all day, keyboard first: what a cashier's hands and the scanner
do that the till must take right, wherever the cursor happens to be."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit
from sqlalchemy import func, select

from memberdesk.core.items.catalogue import ItemForm, create_item
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.store.models import Sale

from .conftest import log_in, type_into

COLA = "6901234567892"


def _sales(store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(Sale))


def scan(qtbot, field, code: str) -> None:
    """The scanner: the code's keys in one fast burst, then Enter, into whatever has the focus."""
    qtbot.keyClicks(field, code)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def put_away_the_preview(qtbot, till) -> None:
    """No receipt printer here: the sale's receipt comes up in a preview, which has the
    keyboard until the cashier puts it away with Esc."""
    qtbot.waitUntil(lambda: till.dialog is not None and till.dialog.isVisible())
    preview = till.dialog
    qtbot.waitUntil(lambda: preview.isAncestorOf(QApplication.focusWidget()))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is till.scan)


def test_goods_scanned_while_the_cursor_is_in_another_box_go_on_the_sale(
    qtbot, window, store, owner
):
    create_item(store, owner, ItemForm(name="可乐", price=350, barcodes=(COLA,)))
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    scan(qtbot, till.scan, COLA)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    # F10 for the cash, then the customer puts one more can down and it is scanned.
    qtbot.keyClick(till.scan, Qt.Key.Key_F10)
    cash = till.payment.tenders["cash"]
    qtbot.keyClicks(cash, "5")  # the cashier had begun typing the cash …
    qtbot.wait(200)  # … and stopped to pick up the can
    scan(qtbot, cash, COLA)
    # Never a sale completed with ¥69,012,341.50 change: the can is on the sale.
    assert _sales(store) == 0
    qtbot.waitUntil(lambda: till.lines.table.item(0, 1).text() == "2")
    assert till.lines.total.text() == "应收 ¥7.00"
    assert cash.text() == "5" and till.payment.due.text() == "待付 ¥2.00"
    assert till.scan.hasFocus() and till.scan.text() == ""
    # Into the price box (F4) and the quantity: the can again, never a ¥69,012,345 line.
    qtbot.keyClick(till.scan, Qt.Key.Key_F4)
    scan(qtbot, till.lines.price, COLA)
    qtbot.waitUntil(lambda: till.lines.table.item(0, 1).text() == "3")
    till.lines.quantity.setFocus()
    scan(qtbot, till.lines.quantity, COLA)
    qtbot.waitUntil(lambda: till.lines.table.item(0, 1).text() == "4")
    assert till.lines.table.rowCount() == 1
    assert till.lines.price.text() == "" and till.lines.quantity.value() == 1
    assert till.lines.total.text() == "应收 ¥14.00"
    # Typed by hand, the cash is still the cash: Enter completes with the change due.
    type_into(qtbot, cash, "20", enter=True)
    qtbot.waitUntil(lambda: _sales(store) == 1)
    assert "找零 ¥6.00" in till.last_label.text()


def test_a_second_amount_typed_after_f10_replaces_the_first(qtbot, window, store, owner):
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    type_into(qtbot, till.lines.price, "30", enter=True)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    cash = till.payment.tenders["cash"]
    qtbot.keyClick(till.scan, Qt.Key.Key_F10)
    qtbot.keyClicks(cash, "50")
    qtbot.keyClick(cash, Qt.Key.Key_Tab)
    assert till.payment.change.text() == "找零 ¥20.00"
    # The customer hands a ¥100 note instead: F10 again and the new amount.
    qtbot.keyClick(till.scan, Qt.Key.Key_F10)
    qtbot.keyClicks(cash, "100")
    assert cash.text() == "100"  # not 50100
    qtbot.keyClick(cash, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _sales(store) == 1)
    assert "找零 ¥70.00" in till.last_label.text()
    put_away_the_preview(qtbot, till)
    # The same for the price (F4), the points (F5) and the stored value (F6) boxes.
    issue_card(store, owner, MemberForm(name="李四", phone="13900001111"))
    type_into(qtbot, till.scan, "1111", enter=True)
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "李四")
    pay = till.payment
    for key, field, first, then in (
        (Qt.Key.Key_F4, till.lines.price, "12", "15"),
        (Qt.Key.Key_F5, pay.redeem, "1", "200"),
        (Qt.Key.Key_F6, pay.wallet, "5", "8"),
    ):
        qtbot.keyClick(till.scan, key)
        qtbot.keyClicks(field, first)
        qtbot.keyClick(field, key)
        qtbot.keyClicks(field, then)
        assert field.text() == then


def test_after_the_shortcut_help_the_scanner_is_read_again(qtbot, window, store, owner):
    create_item(store, owner, ItemForm(name="可乐", price=350, barcodes=(COLA,)))
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    qtbot.keyClick(till.scan, Qt.Key.Key_F1)
    qtbot.waitUntil(till.help.isVisible)
    assert "F10" in {label.text().replace("<b>", "").replace("</b>", "")
                     for label in till.help.findChildren(QLabel)}  # fmt: skip
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # read, closed
    assert not till.help.isVisible()
    scan(qtbot, QApplication.focusWidget(), COLA)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    assert till.lines.table.item(0, 0).text() == "可乐" and till.scan.hasFocus()


def test_esc_in_the_cash_box_goes_back_to_the_search_box_and_keeps_the_member(
    qtbot, window, store, owner
):
    issue_card(store, owner, MemberForm(name="李四", phone="13900001111"))
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    type_into(qtbot, till.scan, "1111", enter=True)
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "李四")
    type_into(qtbot, till.lines.price, "88", enter=True)
    cash = till.payment.tenders["cash"]
    qtbot.keyClick(till.scan, Qt.Key.Key_F10)
    qtbot.keyClicks(cash, "100")
    qtbot.keyClick(cash, Qt.Key.Key_Escape)  # not yet: the customer wants something more
    assert till.scan.hasFocus()
    assert till.member_panel.name.text() == "李四"  # the member's points are still earned
    assert till.payment.earn.text() == "本单积分：+88"
    qtbot.keyClick(till.scan, Qt.Key.Key_Escape)  # from the empty box, Esc still takes them off
    assert till.member_panel.name.text() == "散客"


def test_the_change_for_cash_stays_in_large_type_until_the_next_sale(qtbot, window, store):
    """F10, 1400 against ¥1,315 due, Enter: the sale completed at once, and 找零 ¥85.00 was
    left to the small line at the bottom and to a message that went after a few seconds
    (saying 实收 ¥1,315.00 besides, though ¥1,400 had been handed over)."""
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    pay = till.payment
    type_into(qtbot, till.lines.price, "1315", enter=True)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    buttons = [
        (b, b.mapTo(window, b.rect().topLeft())) for b in (pay.complete, *pay.tenders.values())
    ]
    qtbot.keyClick(till.scan, Qt.Key.Key_F10)
    qtbot.keyClicks(pay.tenders["cash"], "1400")
    qtbot.keyClick(pay.tenders["cash"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _sales(store) == 1)
    till.dialog.reject()  # the receipt on screen (no printer set up) is put away
    qtbot.wait(50)
    assert pay.change.text() == "找零 ¥85.00" and pay.change.isVisible()
    assert pay.due.text() == "现金实收 ¥1,400.00"
    assert pay.change.font().pointSize() >= 22 and pay.change.property("role") == "change_due"
    assert [(b, b.mapTo(window, b.rect().topLeft())) for b, _ in buttons] == buttons
    assert "现金实收 ¥1,400.00 · 找零 ¥85.00" in till.bar.text()
    assert "实收 ¥1,315.00" not in till.bar.text()
    assert not till.bar.findChild(QTimer).isActive()  # it stays: coins are counted slowly
    assert "找零 ¥85.00" in till.last_label.text()
    pay.tenders["cash"].setFocus()  # moving about the empty till keeps it
    qtbot.keyClick(pay.tenders["cash"], Qt.Key.Key_Escape)
    assert pay.change.text() == "找零 ¥85.00"

    type_into(qtbot, till.lines.price, "20", enter=True)  # the next customer's goods
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    assert pay.due.text() == "待付 ¥20.00" and pay.change.text() == ""
    assert pay.change.property("role") == "big" and till.bar.isHidden()


def test_after_the_list_of_names_is_put_away_the_next_search_replaces_the_name(
    qtbot, window, store, owner
):
    """黄 matched several members; Esc put the list away and left 黄 in the box with the
    cursor after it, so the initials typed next searched for "黄ls": no member."""
    for name, phone in (("黄一", "13700000001"), ("黄二", "13700000002"), ("林三", "13700000003")):
        issue_card(store, owner, MemberForm(name=name, phone=phone))
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    type_into(qtbot, till.scan, "黄", enter=True)
    qtbot.waitUntil(lambda: till.dialog is not None and till.dialog.isVisible())
    till.dialog.activateWindow()  # the list has the keys, as on a desktop
    qtbot.waitUntil(till.dialog.isActiveWindow)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not till.dialog.isVisible())
    qtbot.waitUntil(lambda: QApplication.focusWidget() is till.scan)  # back in the box
    assert till.draft.member is None
    qtbot.keyClicks(till.scan, "ls")
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    assert till.draft.member is not None and till.draft.member.name == "林三"


class LinuxLineEdits(QObject):
    """What a line edit does on Linux (X11 key bindings): it claims Ctrl+E, "end of line",
    before any shortcut of the window sees the key."""

    def eventFilter(self, watched, event):  # noqa: N802
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(watched, QLineEdit)
            and event.key() == Qt.Key.Key_E
            and event.modifiers() == Qt.KeyboardModifier.ControlModifier
        ):
            event.accept()
        return False


def test_ctrl_e_changes_the_line_with_the_cursor_in_the_search_box_on_linux_too(
    qtbot, window, store, owner
):
    create_item(store, owner, ItemForm(name="可乐", price=350, barcodes=(COLA,)))
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    scan(qtbot, till.scan, COLA)
    assert till.lines.table.column_texts(0) == ["可乐"] and till.scan.hasFocus()
    linux = LinuxLineEdits()
    QApplication.instance().installEventFilter(linux)
    try:
        qtbot.keyClick(till.scan, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: till.dialog is not None and till.dialog.isVisible(), timeout=2000)
    finally:
        QApplication.instance().removeEventFilter(linux)
    assert till.dialog.objectName() == "line_dialog"  # the chosen line, to change


def test_f3_after_a_number_nobody_has_issues_the_card_for_that_number(qtbot, window, store):
    """The customer gives their number, the till finds no one: F3 opens the new member's
    form with that number in it (as typed, +86 and dashes and all, read as the number),
    the bar says so; the member made is on the sale."""
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    till.scan.setFocus()
    scan(qtbot, till.scan, "+86 138-1234-5678")
    assert "F3" in till.bar.text() and "138-1234-5678" in till.bar.text()
    qtbot.keyClick(till.scan, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: till.dialog is not None and till.dialog.isVisible())
    form = till.dialog
    assert form.phone.text() == "13812345678"
    assert form.name.text() == ""
    type_into(qtbot, form.name, "王小红")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: till.draft.member is not None)
    assert (till.draft.member.name, till.draft.member.phone) == ("王小红", "13812345678")


def test_f3_after_a_name_nobody_has_fills_the_name_and_asks_for_the_phone(qtbot, window, store):
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    type_into(qtbot, till.scan, "赵敏", enter=True)
    assert "F3" in till.bar.text()
    qtbot.keyClick(till.scan, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: till.dialog is not None and till.dialog.isVisible())
    assert (till.dialog.name.text(), till.dialog.phone.text()) == ("赵敏", "")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is till.dialog.phone)
    till.dialog.reject()


def test_f3_after_a_member_was_found_opens_an_empty_form(qtbot, window, store, owner):
    """Initials, a card number or a search that found someone say nothing about a new
    member: F3 then opens the form empty, whatever was searched before."""
    issue_card(store, owner, MemberForm(name="林三", phone="13700000003"))
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    type_into(qtbot, till.scan, "13900000009", enter=True)  # nobody
    type_into(qtbot, till.scan, "ls", enter=True)  # 林三
    assert till.draft.member is not None
    qtbot.keyClick(till.scan, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: till.dialog is not None and till.dialog.isVisible())
    assert (till.dialog.name.text(), till.dialog.phone.text()) == ("", "")
    till.dialog.reject()
    qtbot.waitUntil(lambda: not till.dialog.isVisible())
    type_into(qtbot, till.scan, "zm", enter=True)  # letters: initials, not a name
    assert "F3" not in till.bar.text()
    qtbot.keyClick(till.scan, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: till.dialog.isVisible())
    assert (till.dialog.name.text(), till.dialog.phone.text()) == ("", "")
    till.dialog.reject()


def test_a_sale_rung_up_when_the_program_stopped_is_on_hold_at_the_next_log_in(
    qtbot, app, store, owner, cashier
):
    """The window killed mid-sale (no log-out, no close: the program stopped): at the next
    start and log-in the sale is on hold and the bar says so; F8 brings back its lines. A
    sale completed since, or put on hold with F7, is not brought back."""
    from memberdesk.core.till.open_sale import open_sale_path
    from memberdesk.ui.context import AppContext
    from memberdesk.ui.main_window import MainWindow

    def start() -> MainWindow:
        w = MainWindow(AppContext(store, "zh_CN"), startup_jobs=False)
        qtbot.addWidget(w)
        w.resize(1366, 768)
        w.show()
        qtbot.waitExposed(w)
        return w

    first = start()
    log_in(qtbot, first, "收银员", "1111")
    till = first.workspace.till
    till.scan.setFocus()
    scan(qtbot, till.scan, "128")
    scan(qtbot, till.scan, "35.5")
    assert len(till.draft.lines) == 2 and open_sale_path(store).exists()
    first.hide()  # killed: nothing of the window runs again

    second = start()
    try:
        log_in(qtbot, second, "收银员", "1111", opening_float=None)
        till = second.workspace.till
        qtbot.waitUntil(lambda: "¥163.50" in till.bar.text())
        assert "F8" in till.bar.text() and "收银员" in till.bar.text()
        assert second.held_label.isVisible()
        assert not open_sale_path(store).exists()
        qtbot.keyClick(till.scan, Qt.Key.Key_F8)
        qtbot.waitUntil(lambda: len(till.draft.lines) == 2)
        assert open_sale_path(store).exists()  # back on screen: kept again
        qtbot.keyClick(till.scan, Qt.Key.Key_F12)  # paid in cash
        qtbot.waitUntil(lambda: _sales(store) == 1)
        assert not open_sale_path(store).exists()
        put_away_the_preview(qtbot, till)
        scan(qtbot, till.scan, "20")
        assert open_sale_path(store).exists()
        qtbot.keyClick(till.scan, Qt.Key.Key_F7)
        qtbot.waitUntil(lambda: till.draft.empty)
        assert not open_sale_path(store).exists()
    finally:
        second.ctx.shutdown()


def test_the_tills_keys_work_wherever_tab_and_shift_tab_take_the_cursor(qtbot, window):
    """Shift+Tab from the search box used to park the cursor on the tab bar, where F4, F10
    and F12 did nothing until the till was clicked."""
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    qtbot.waitUntil(lambda: QApplication.focusWidget() is till.scan)
    visited = []
    for _ in range(40):  # round the window's whole chain of fields, twice over
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
    assert window.workspace.tabBar() not in visited
    assert till.scan in visited and till.payment.tenders["cash"] in visited

    till.scan.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is till.scan)
    qtbot.keyClick(till.scan, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    outside = QApplication.focusWidget()
    assert outside is window.logout_button  # the one field of the window outside the till
    qtbot.keyClick(outside, Qt.Key.Key_F4)  # the till's key, all the same
    assert QApplication.focusWidget() is till.lines.price
    type_into(qtbot, till.lines.price, "12", enter=True)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    window.logout_button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.logout_button)
    qtbot.keyClick(window.logout_button, Qt.Key.Key_F10)
    assert QApplication.focusWidget() is till.payment.tenders["cash"]


def test_with_the_receipts_preview_up_the_tills_f_keys_put_it_away_and_work(qtbot, window, store):
    """No receipt printer: the preview shows what it would print. The cashier's next F10 (or
    any of the till's F-keys) is the till's, not lost in the preview."""
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    type_into(qtbot, till.lines.price, "30", enter=True)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    qtbot.keyClick(till.scan, Qt.Key.Key_F12)  # paid in cash, exactly
    qtbot.waitUntil(lambda: _sales(store) == 1)
    preview = till.dialog
    qtbot.waitUntil(lambda: preview is not None and preview.isVisible())
    assert preview.objectName() == "slip_preview"
    qtbot.waitUntil(lambda: preview.isAncestorOf(QApplication.focusWidget()))

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F4)  # the next customer's price
    qtbot.waitUntil(lambda: not preview.isVisible())
    qtbot.waitUntil(lambda: QApplication.focusWidget() is till.lines.price)
    qtbot.keyClicks(till.lines.price, "12")
    qtbot.keyClick(till.lines.price, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F10)
    assert QApplication.focusWidget() is till.payment.tenders["cash"]
    qtbot.keyClicks(till.payment.tenders["cash"], "20")
    qtbot.keyClick(till.payment.tenders["cash"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _sales(store) == 2)
    assert "找零 ¥8.00" in till.last_label.text()

    # Esc puts the preview away too, and the till's keys work again at once.
    first = preview
    qtbot.waitUntil(lambda: till.dialog is not first and till.dialog.isVisible())
    preview = till.dialog
    qtbot.waitUntil(lambda: preview.isAncestorOf(QApplication.focusWidget()))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not preview.isVisible())
    qtbot.waitUntil(lambda: QApplication.focusWidget() is till.scan)
    qtbot.keyClick(till.scan, Qt.Key.Key_F4)
    assert QApplication.focusWidget() is till.lines.price


def test_the_receipts_preview_leaves_the_change_in_sight(qtbot, window, store):
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    type_into(qtbot, till.lines.price, "30", enter=True)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    qtbot.keyClick(till.scan, Qt.Key.Key_F10)
    qtbot.keyClicks(till.payment.tenders["cash"], "100")
    qtbot.keyClick(till.payment.tenders["cash"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.dialog is not None and till.dialog.isVisible())
    change = till.payment.change
    assert change.text() == "找零 ¥70.00"
    # The words on the label, where they are drawn on the screen.
    words = change.fontMetrics().horizontalAdvance(change.text())
    drawn = QRect(change.mapToGlobal(QPoint(0, 0)), QSize(words + 16, change.height()))
    assert not till.dialog.frameGeometry().intersects(drawn)

"""The till works inside a shift only, and trades points for the program's gifts.

Typed and clicked like a person; what the cashier reads on screen is checked, and the
database is checked for what must (and must not) have changed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit
from sqlalchemy import func, select

from memberdesk.core.loyalty.program import Gift
from memberdesk.core.loyalty.program_store import current_program, save_program
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.store.models import GiftStock, Member, PointsEntry, Sale, Shift
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout

from .conftest import child, click, click_item, click_row, log_in, type_into
from .test_counter_day import scan


def _count(store, model) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def _shifts(store) -> list[Shift]:
    """Closed shifts first (the test clock stands still, so opening times tie)."""
    with store.read() as s:
        return sorted(s.scalars(select(Shift)), key=lambda shift: shift.closed_at is None)


def test_logging_in_without_a_shift_asks_for_the_float_and_esc_goes_back(qtbot, window, store):
    login = window.login
    click_item(qtbot, login.staff, "收银员")
    qtbot.keyClicks(login.pad.edit, "1111")
    qtbot.keyClick(login.pad.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(login.float_edit.isVisible)
    greeting = child(login, QLabel, "float_greeting").text()
    assert "收银员" in greeting and "没有进行中的班次" in greeting
    qtbot.keyClick(login.float_edit, Qt.Key.Key_Escape)  # not me: back to the names
    qtbot.waitUntil(login.staff.isVisible)
    assert window.workspace is None and _count(store, Shift) == 0

    log_in(qtbot, window, "收银员", "1111", opening_float="300")
    assert "班次进行中" in window.who.text()
    [shift] = _shifts(store)
    assert (shift.opening_float, shift.closed_at) == (30000, None)


def test_no_sale_after_the_shift_is_closed_until_a_new_float_is_counted(qtbot, window, store):
    log_in(qtbot, window, "收银员", "1111", opening_float="100")
    till = window.workspace.till
    type_into(qtbot, till.lines.price, "20", enter=True)
    qtbot.keyClick(till.lines.price, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: "已完成" in till.last_label.text())
    till.dialog.reject()

    office = window.workspace.backoffice
    window.workspace.setCurrentWidget(office)
    office.open_page(office.shift)
    type_into(qtbot, office.shift.counted, "120", enter=True)
    qtbot.waitUntil(lambda: "已交班" in office.shift.bar.text())
    office.shift.dialog.reject()
    assert "未开班" in window.who.text()

    # back at the till: the float is asked for, the sale cannot be reached
    window.workspace.show_view("till")
    qtbot.waitUntil(till.shift_gate.isVisible)
    assert not till.scan.isVisible() and not till.payment.complete.isVisible()
    assert "没有进行中的班次" in child(till.shift_gate, QLabel, "float_greeting").text()
    qtbot.keyClick(till.shift_gate.edit, Qt.Key.Key_F12)
    qtbot.keyClick(till.shift_gate.edit, Qt.Key.Key_F9)
    assert _count(store, Sale) == 1

    type_into(qtbot, till.shift_gate.edit, "150", enter=True)
    qtbot.waitUntil(till.scan.isVisible)
    assert "班次进行中" in window.who.text() and "已开班" in till.bar.text()
    first, second = _shifts(store)
    assert first.closed_at is not None and (second.opening_float, second.closed_at) == (15000, None)
    type_into(qtbot, till.lines.price, "30", enter=True)
    qtbot.keyClick(till.lines.price, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: _count(store, Sale) == 2)
    till.dialog.reject()
    with store.read() as s:
        latest = s.scalars(select(Sale).where(Sale.total == 3000)).one()
        assert latest.shift_id == second.id


def _program_with_gifts(store, owner) -> None:
    program = current_program(store).program
    gifts = (
        Gift(code="CUP", name="保温杯", points=300, stock=1),
        Gift(code="UMB", name="雨伞", points=2000),
        Gift(code="TOWEL", name="毛巾", points=100, stock=0),
    )
    redeem = program.redeem.model_copy(update={"gifts": gifts})
    save_program(store, owner, program.model_copy(update={"redeem": redeem}))


def _gift_rows(dialog) -> list[list[str]]:
    table = dialog.table
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_a_gift_for_points_with_cost_stock_and_refusals_in_chinese(
    qtbot, window, store, owner, cashier
):
    _program_with_gifts(store, owner)
    member = issue_card(store, owner, MemberForm(name="周五", phone="13700001111"))
    checkout(store, cashier, CheckoutRequest(lines=(SaleLineInput("衬衫", 50000),),
                                             member_id=member.id, tenders={"cash": 50000}))  # fmt: skip
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till

    qtbot.keyClick(till.scan, Qt.Key.Key_F1)  # the help lists the gift key
    keys = [lbl.text() for lbl in till.help.findChildren(QLabel)]
    assert "<b>Shift+F5</b>" in keys and "积分兑换礼品" in keys
    qtbot.keyClick(till.help, Qt.Key.Key_Escape)

    qtbot.keyClick(till.scan, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    assert "请先扫会员卡" in till.bar.text()  # no member yet: nothing to redeem against

    scan(qtbot, till, member.card_no)
    assert till.member_panel.values["points"].text() == "500"
    click(qtbot, till.payment.gift)  # the button does what Shift+F5 does
    dialog = till.dialog
    qtbot.waitUntil(dialog.isVisible)
    assert _gift_rows(dialog) == [
        ["保温杯", "300", "1", "可兑换"],
        ["雨伞", "2000", "不限", "积分不足：现有 500，需要 2000"],
        ["毛巾", "100", "0", "礼品“毛巾”已兑完"],
    ]
    click_row(qtbot, dialog.table, 1)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert child(dialog, QLabel, "pick_error").text() == "积分不足：现有 500，需要 2000"
    assert dialog.isVisible() and till.lines.table.rowCount() == 0  # nothing taken
    click_row(qtbot, dialog.table, 2)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert child(dialog, QLabel, "pick_error").text() == "礼品“毛巾”已兑完"

    click_row(qtbot, dialog.table, 0)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    table = till.lines.table
    assert table.rowCount() == 1
    assert (table.item(0, 0).text(), table.item(0, 4).text()) == (
        "积分兑换礼品：保温杯",
        "300 积分",
    )
    assert till.lines.total.text() == "应收 ¥0.00"

    qtbot.keyClick(till.scan, Qt.Key.Key_F12)
    receipt = till.dialog
    qtbot.waitUntil(lambda: receipt is not dialog and receipt.isVisible())
    text = receipt.findChild(QPlainTextEdit, "slip_text").toPlainText()
    assert "积分兑换礼品：保温杯" in text and "礼品兑换单" in text
    assert "礼品 保温杯（300 积分）" in till.last_label.text()
    receipt.reject()
    with store.read() as s:
        assert s.scalars(select(Member)).one().points == 200
        assert s.get(GiftStock, "CUP").remaining == 0
        gift_entry = s.scalars(select(PointsEntry).where(PointsEntry.kind == "gift")).one()
        assert gift_entry.delta == -300

    # the last cup is gone: the next customer is told so, from the live stock
    scan(qtbot, till, member.card_no)
    qtbot.keyClick(till.scan, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    dialog = till.dialog
    qtbot.waitUntil(dialog.isVisible)
    assert _gift_rows(dialog)[0] == ["保温杯", "300", "0", "礼品“保温杯”已兑完"]
    dialog.reject()

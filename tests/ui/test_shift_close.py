"""The shift close as a cashier does it: a blind count, a shortage confirmed with a note,
the slip from the printer, the hand-over offered as the next float; the owner reaches the
back office without opening a shift.

Typed and clicked like a person; the numbers are read off the screen, the printed bytes
and the database."""

from __future__ import annotations

import re
from datetime import UTC
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QPushButton
from sqlalchemy import select

from memberdesk.core.items.catalogue import ItemForm, create_item
from memberdesk.core.loyalty.points import adjust_points
from memberdesk.core.loyalty.program import preset
from memberdesk.core.loyalty.program_store import save_program
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.printing.escpos_out import preview_text
from memberdesk.core.printing.printers import save_printer_settings
from memberdesk.core.store.models import Shift
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.count_cards import CountCardForm, sell_count_card
from memberdesk.core.till.refunds import refund
from memberdesk.core.till.wallet import top_up

from .conftest import child, click, click_item, ime_commit, log_in, type_into


def _shifts(store) -> list[Shift]:
    with store.read() as s:
        return sorted(
            s.scalars(select(Shift)), key=lambda shift: (shift.closed_at is None, shift.id)
        )


def _visible_words(widget) -> str:
    return "\n".join(label.text() for label in widget.findChildren(QLabel) if label.isVisible())


def _shift_page(qtbot, window):
    office = window.workspace.backoffice
    window.workspace.setCurrentWidget(office)
    office.open_page(office.shift)
    page = office.shift
    qtbot.waitUntil(page.counted.isVisible)
    return page


def _rows(table: str) -> dict[str, str]:
    """A summary table's rows as read off the page: {label: value}."""
    return dict(re.findall(r"<td>(.*?)</td><td align='right'><b>(.*?)</b>", table))


def _colour(label: QLabel) -> str:
    label.ensurePolished()
    return label.palette().color(QPalette.ColorRole.WindowText).name()


def test_a_blind_count_with_a_shortage_is_confirmed_with_a_note_printed_and_handed_over(
    qtbot, window, store, owner, cashier, tmp_path, clock
):
    printed = tmp_path / "printer.bin"
    save_printer_settings(store, owner, connection=f"file:{printed}")
    log_in(qtbot, window, "收银员", "1111", opening_float="500")
    [shift] = _shifts(store)
    clock.advance(minutes=5)
    checkout(store, cashier, CheckoutRequest(lines=(SaleLineInput("围巾", 10000),),
                                             tenders={"cash": 10000}, shift_id=shift.id))  # fmt: skip
    checkout(store, cashier, CheckoutRequest(lines=(SaleLineInput("帽子", 4500),),
                                             tenders={"wechat": 4500}, shift_id=shift.id))  # fmt: skip
    clock.advance(hours=8)

    page = _shift_page(qtbot, window)
    # blind: nothing on the page gives the cash expected (¥600) or the takings away
    words = _visible_words(page)
    assert "¥600" not in words and "钱箱应有现金" not in words and "¥145" not in words
    assert "¥100.00" not in words  # not even the cash sales
    assert "<td>消费</td><td align='right'><b>2</b>" in page.shift_text.text()
    assert not page.day.isVisible()  # a cashier sees no day's takings either
    assert page.handover.text() == "500.00"  # what stays for the next shift starts as the float

    # Enter without a count: asked for it, nothing closed
    qtbot.keyClick(page.counted, Qt.Key.Key_Return)
    assert child(page, QLabel, "counted_error").text() == "请先点钞并输入钱箱里的现金"
    assert _shifts(store)[0].closed_at is None

    type_into(qtbot, page.counted, "580")
    type_into(qtbot, page.handover, "300", enter=True)
    dialog = page.dialog
    qtbot.waitUntil(dialog.isVisible)
    facts = child(dialog, QLabel, "difference_facts").text()
    assert "¥580.00" in facts and "¥600.00" in facts  # the expected cash, now the count is in
    amount = child(dialog, QLabel, "difference_amount")
    assert amount.text() == "短款 ¥20.00" and _colour(amount) == "#c62828"

    click(qtbot, child(dialog, QPushButton, "confirm_difference"))  # no note yet
    assert child(dialog, QLabel, "difference_error").text() == "请先写明原因"
    assert dialog.isVisible() and _shifts(store)[0].closed_at is None
    note = child(dialog, QLineEdit, "difference_note")
    note.setFocus()
    ime_commit(note, "找零多给了一张二十")
    click(qtbot, child(dialog, QPushButton, "confirm_difference"))

    qtbot.waitUntil(lambda: "已交班" in page.bar.text())
    assert page.bar.text() == "已交班；短款 ¥20.00"
    result = child(page, QLabel, "shift_difference")
    assert result.text() == "短款 ¥20.00" and _colour(result) == "#c62828"
    summary = page.shift_text.text()
    for text in ("钱箱应有现金", "¥600.00", "实点现金", "¥580.00", "短款 ¥20.00", "找零多给了一张二十",
                 "留给下一班的备用金", "¥300.00", "取出上交", "¥280.00"):  # fmt: skip
        assert text in summary, text
    assert "未开班" in window.who.text()

    # the slip, as the printer got it
    qtbot.waitUntil(lambda: printed.exists() and b"\x1dV" in printed.read_bytes(), timeout=10_000)
    slip = preview_text(printed.read_bytes(), "GB18030")
    lines = [" ".join(line.split()) for line in slip.splitlines()]
    for line in ("交班单", "应有现金 ￥600.00", "实点现金 ￥580.00", "差额 短款 ￥20.00",
                 "备注：找零多给了一张二十", "留给下一班备用金 ￥300.00", "取出上交 ￥280.00"):  # fmt: skip
        assert line in lines, (line, lines)

    [closed] = _shifts(store)
    assert (closed.expected_cash, closed.counted_cash, closed.handover) == (60000, 58000, 30000)
    assert closed.note == "找零多给了一张二十"

    # the next person to open a shift finds the hand-over as the float, and takes it
    click(qtbot, window.logout_button)
    login = window.login
    click_item(qtbot, login.staff, "收银员")
    qtbot.keyClicks(login.pad.edit, "1111")
    qtbot.keyClick(login.pad.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(login.float_edit.isVisible)
    assert login.float_edit.text() == "300.00"
    assert child(login, QLabel, "float_left").text() == "上一班在钱箱里留下 ¥300.00"
    assert not child(login, QPushButton, "office_without_shift").isVisible()  # a cashier sells
    qtbot.keyClick(login.float_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.workspace is not None and window.workspace.till.isVisible())
    first, second = _shifts(store)
    assert (second.opening_float, second.closed_at) == (30000, None)


def test_a_small_overage_closes_at_once_and_reads_as_over(qtbot, window, store, cashier, clock):
    log_in(qtbot, window, "收银员", "1111", opening_float="200")
    [shift] = _shifts(store)
    checkout(store, cashier, CheckoutRequest(lines=(SaleLineInput("袜子", 3900),),
                                             tenders={"cash": 3900}, shift_id=shift.id))  # fmt: skip
    page = _shift_page(qtbot, window)
    type_into(qtbot, page.counted, "244", enter=True)  # ¥5 over: within the ¥10 threshold
    qtbot.waitUntil(lambda: "已交班" in page.bar.text())
    assert page.dialog is not None and page.dialog.objectName() == "slip_preview"
    result = child(page, QLabel, "shift_difference")
    assert result.text() == "长款 ¥5.00" and _colour(result) != "#c62828"
    page.dialog.reject()
    [closed] = _shifts(store)
    assert (closed.counted_cash, closed.expected_cash, closed.handover, closed.note) == (
        24400, 23900, 20000, "",
    )  # fmt: skip


def test_leaving_more_than_was_counted_is_refused_beside_the_field(qtbot, window, store):
    log_in(qtbot, window, "收银员", "1111", opening_float="100")
    page = _shift_page(qtbot, window)
    type_into(qtbot, page.counted, "100")
    type_into(qtbot, page.handover, "150", enter=True)
    error = child(page, QLabel, "handover_error")
    qtbot.waitUntil(error.isVisible)
    assert error.text() == "钱箱里不能留 ¥150.00：实点现金只有 ¥100.00"
    assert _shifts(store)[0].closed_at is None
    type_into(qtbot, page.handover, "100", enter=True)
    qtbot.waitUntil(lambda: "已交班" in page.bar.text())
    assert not error.isVisible()
    page.dialog.reject()


def test_the_owner_reaches_the_back_office_without_a_shift_and_sets_the_threshold(
    qtbot, window, store
):
    login = window.login
    click_item(qtbot, login.staff, "老板")
    qtbot.keyClicks(login.pad.edit, "8888")
    qtbot.keyClick(login.pad.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(login.float_edit.isVisible)
    click(qtbot, child(login, QPushButton, "office_without_shift"))
    qtbot.waitUntil(lambda: window.workspace is not None)
    office = window.workspace.backoffice
    qtbot.waitUntil(office.isVisible)
    assert "未开班" in window.who.text() and _shifts(store) == []

    office.open_page(office.shift)
    page = office.shift
    qtbot.waitUntil(page.day.isVisible)  # the owner sees the day
    assert page.shift_text.text() == "没有进行中的班次。" and not page.counted.isVisible()
    type_into(qtbot, page.threshold, "50", enter=True)
    qtbot.waitUntil(lambda: "¥50.00" in page.day_bar.text())  # under the threshold's button
    assert "¥50.00" not in page.bar.text()  # not in the shift's box

    # selling still needs a shift: the till asks for the float first
    window.workspace.show_view("till")
    till = window.workspace.till
    qtbot.waitUntil(till.shift_gate.isVisible)
    assert not till.scan.isVisible()
    type_into(qtbot, till.shift_gate.edit, "100", enter=True)
    qtbot.waitUntil(till.scan.isVisible)

    # a ¥30 shortage is now under the owner's threshold: no note asked
    page = _shift_page(qtbot, window)
    type_into(qtbot, page.counted, "70")
    type_into(qtbot, page.handover, "50", enter=True)
    qtbot.waitUntil(lambda: "已交班" in page.bar.text())
    assert page.bar.text() == "已交班；短款 ¥30.00"
    page.dialog.reject()


def test_a_refund_in_cash_stored_value_and_points_shows_whole_on_the_close(
    qtbot, window, store, owner, manager, cashier, clock
):
    """A ￥279.30 sale paid ￥26.00 cash, ￥248.30 stored value and 500 points (￥5.00),
    returned whole: the close's refunds read as the refund slip (￥279.30) with the same
    parts the sales show, the points it took back and gave back stand beside the sale's,
    and the drawer holds the float only."""
    save_program(store, owner, preset("generic"))
    member = issue_card(store, owner, MemberForm(name="王芳", phone="13912345678"))
    adjust_points(store, manager, member.id, 1000, "开卡赠送")
    top_up(store, owner, member.id, 50000, "wechat")
    log_in(qtbot, window, "收银员", "1111", opening_float="500")
    [shift] = _shifts(store)
    coat = checkout(store, cashier, CheckoutRequest(
        lines=(SaleLineInput("外套", 27930),), member_id=member.id, redeem_points=500,
        wallet=24830, tenders={"cash": 2600}, shift_id=shift.id))  # fmt: skip
    back = refund(store, cashier, coat.receipt_no, authoriser=manager, shift_id=shift.id)
    assert back.amount == 27930 and back.points_reversed == coat.points_earned > 0

    page = _shift_page(qtbot, window)
    assert "<td>退货</td><td align='right'><b>1</b>" in page.shift_text.text()  # still blind
    assert "¥279.30" not in _visible_words(page)
    # the points the return moved back, beside the sale's (as the members' ledgers have them)
    points_back = f"{back.points_reversed} / 500"
    assert _rows(page.shift_text.text())["退货积分 扣回 / 退回"] == points_back
    type_into(qtbot, page.counted, "500", enter=True)
    qtbot.waitUntil(lambda: "已交班" in page.bar.text())
    page.dialog.reject()
    rows = _rows(page.shift_text.text())
    assert rows["退货"] == "1 · ¥279.30"
    assert rows["退货退款方式"] == "现金 ¥26.00，储值 ¥248.30，积分 ¥5.00"
    assert rows["按支付方式"] == "现金 ¥26.00，储值 ¥248.30，积分 ¥5.00"  # as the sale was paid
    assert rows["钱箱应有现金"] == "¥500.00"
    assert rows["积分 获得 / 使用"] == f"{coat.points_earned} / 500"
    assert rows["退货积分 扣回 / 退回"] == points_back


def test_a_shift_without_top_ups_shows_none_on_the_close(qtbot, window, store, cashier):
    log_in(qtbot, window, "收银员", "1111", opening_float="200")
    page = _shift_page(qtbot, window)
    type_into(qtbot, page.counted, "200", enter=True)
    qtbot.waitUntil(lambda: "已交班" in page.bar.text())
    page.dialog.reject()
    rows = _rows(_visible_words(page))
    assert rows["充值"] == "—" and rows["次卡净额（售卡－退卡）"] == "—"


def test_the_count_cards_net_reads_as_sold_less_refunded_on_screen_and_paper(
    qtbot, window, store, owner, cashier, tmp_path
):
    """次卡售卡减退卡 read as one odd word: the line now says what it is, the count cards'
    money net, sold less refunded, on the page and on the 58 mm slip (one line there)."""
    printed = tmp_path / "printer.bin"
    save_printer_settings(store, owner, connection=f"file:{printed}")
    create_item(store, owner, ItemForm("剪发", 5000, code="HC01"))
    member = issue_card(store, owner, MemberForm(name="王美", phone="13900000077"))
    log_in(qtbot, window, "收银员", "1111", opening_float="200")
    [shift] = _shifts(store)
    sell_count_card(store, cashier, member.id, CountCardForm(
        "剪发十次卡", 10, 40000, "wechat", item_code="HC01"), shift_id=shift.id)  # fmt: skip
    page = _shift_page(qtbot, window)
    type_into(qtbot, page.counted, "200", enter=True)
    qtbot.waitUntil(lambda: "已交班" in page.bar.text())
    rows = _rows(page.shift_text.text())
    assert rows["次卡净额（售卡－退卡）"] == "微信 ¥400.00"
    assert "次卡售卡减退卡" not in page.shift_text.text()
    qtbot.waitUntil(lambda: printed.exists() and b"\x1dV" in printed.read_bytes(), timeout=10_000)
    slip = preview_text(printed.read_bytes(), "GB18030")
    lines = [" ".join(line.split()) for line in slip.splitlines()]
    assert "次卡净额（售卡－退卡） ￥400.00" in lines, lines
    assert "次卡售卡减退卡" not in slip


def test_the_owner_coming_in_later_sees_the_last_close_and_prints_its_slip_again(
    qtbot, window, store, clock
):
    log_in(qtbot, window, "收银员", "1111", opening_float="200")
    page = _shift_page(qtbot, window)
    type_into(qtbot, page.counted, "195")  # ¥5 short: within the threshold
    type_into(qtbot, page.handover, "100", enter=True)
    qtbot.waitUntil(lambda: "已交班" in page.bar.text())
    page.dialog.reject()
    click(qtbot, window.logout_button)

    login = window.login
    click_item(qtbot, login.staff, "老板")
    qtbot.keyClicks(login.pad.edit, "8888")
    qtbot.keyClick(login.pad.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(login.float_edit.isVisible)
    click(qtbot, child(login, QPushButton, "office_without_shift"))
    qtbot.waitUntil(lambda: window.workspace is not None)
    office = window.workspace.backoffice
    window.workspace.setCurrentWidget(office)
    office.open_page(office.shift)
    page = office.shift
    qtbot.waitUntil(page.day.isVisible)
    rows = _rows(_visible_words(page))
    [closed] = _shifts(store)
    shop_clock = closed.closed_at.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    assert rows["收银员"] == "收银员" and rows["差额"] == "短款 ¥5.00"
    assert rows["交班时间"] == shop_clock.strftime("%Y-%m-%d %H:%M")
    assert child(page, QLabel, "shift_difference").text() == "短款 ¥5.00"
    assert page.left_box.title() == "上一次交班"  # not the owner's own shift
    assert _rows(page.day_text.text())["充值"] == "0 · ¥0.00"  # no top-ups today

    click(qtbot, child(page, QPushButton, "reprint_shift"))
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    text = child(page.dialog, QPlainTextEdit, "slip_text").toPlainText()
    assert "重印" in text and "交班单" in text and "短款" in text
    page.dialog.reject()

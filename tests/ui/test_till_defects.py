"""The till's defects found by trying it as a new user, each typed and clicked as a person
does: what is due counts every tender typed, points over the limit say the limit, errors
go once put right, Enter in the quantity box adds the line, messages never move the
buttons, and the receipt preview keeps its columns with Chinese text."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QPushButton, QWidget
from sqlalchemy import func, select

from memberdesk.core.loyalty.points import adjust_points
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.printing.layout import width
from memberdesk.core.store.models import Sale

from .conftest import ime_commit, log_in, type_into


def _sales(store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(Sale))


def add_line(qtbot, till, price: str, name: str = "") -> None:
    rows = till.lines.table.rowCount()
    if name:
        type_into(qtbot, till.lines.description, name)
    type_into(qtbot, till.lines.price, price, enter=True)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == rows + 1)


def type_and_leave(qtbot, field: QWidget, text: str) -> None:
    """Type into a box and move on with Tab, as a cashier does between tenders."""
    type_into(qtbot, field, text)
    qtbot.keyClick(field, Qt.Key.Key_Tab)


def test_what_is_due_counts_the_cash_card_wechat_and_alipay_typed(qtbot, window):
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    add_line(qtbot, till, "124")
    pay = till.payment
    assert pay.due.text() == "待付 ¥124.00"
    type_and_leave(qtbot, pay.tenders["card"], "50")
    assert pay.due.text() == "待付 ¥74.00"
    type_and_leave(qtbot, pay.tenders["wechat"], "20")
    type_and_leave(qtbot, pay.tenders["alipay"], "4")
    assert pay.due.text() == "待付 ¥50.00"
    for kind in ("card", "wechat", "alipay"):
        type_and_leave(qtbot, pay.tenders[kind], "")
    type_and_leave(qtbot, pay.tenders["cash"], "200")
    assert pay.due.text() == "待付 ¥0.00"  # never ¥124 beside 找零 ¥76
    assert pay.change.text() == "找零 ¥76.00"


def test_points_over_the_limit_say_the_limit_and_keep_what_was_typed(qtbot, window, store, owner):
    member = issue_card(store, owner, MemberForm(name="冯一", phone="13500003400"))
    adjust_points(store, owner, member.id, 3400, "开卡赠送")
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    qtbot.keyClicks(till.scan, "3400")
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "冯一")
    add_line(qtbot, till, "1000")
    qtbot.keyClick(till.lines.price, Qt.Key.Key_F5)
    type_and_leave(qtbot, till.payment.redeem, "3450")
    assert till.payment.redeem.text() == "3450"  # not silently 345
    assert till.payment.error.text() == "本单最多可用 3400 积分（抵 ¥34.00），不能用 3450"
    assert till.payment.due.text() == "待付 ¥1,000.00"
    type_and_leave(qtbot, till.payment.redeem, "3400")
    assert till.payment.error.isHidden()
    assert till.payment.due.text() == "待付 ¥966.00"


def test_an_overpay_error_goes_once_the_amount_is_put_right(qtbot, window, store):
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    add_line(qtbot, till, "124")
    type_and_leave(qtbot, till.payment.tenders["wechat"], "300")
    qtbot.keyClick(till.payment.tenders["cash"], Qt.Key.Key_F12)
    assert "¥300.00 超过应付 ¥124.00" in till.bar.text()
    assert _sales(store) == 0
    type_and_leave(qtbot, till.payment.tenders["wechat"], "124")
    assert till.bar.isHidden() or "超过应付" not in till.bar.text()
    assert till.payment.error.isHidden()
    qtbot.keyClick(till.payment.tenders["cash"], Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: _sales(store) == 1)


def test_held_is_not_said_any_more_once_the_sale_is_back(qtbot, window):
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    add_line(qtbot, till, "30")
    qtbot.keyClick(till.lines.price, Qt.Key.Key_F7)
    assert "已挂单" in till.bar.text()
    qtbot.keyClick(till.scan, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    assert "已挂单" not in till.bar.text()


def test_enter_in_the_quantity_box_adds_the_line(qtbot, window):
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    type_into(qtbot, till.lines.description, "啤酒")
    type_into(qtbot, till.lines.price, "6")
    type_into(qtbot, till.lines.quantity, "4", enter=True)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    assert (
        till.lines.table.item(0, 0).text() == "啤酒" and till.lines.table.item(0, 1).text() == "4"
    )
    assert till.lines.total.text() == "应收 ¥24.00"
    assert till.lines.quantity.value() == 1 and till.lines.price.text() == ""


def _places(window, buttons: list[QWidget]) -> list[QRect]:
    return [QRect(b.mapTo(window, QPoint(0, 0)), b.size()) for b in buttons]


def test_messages_never_move_the_tills_buttons(qtbot, window):
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    add_line(qtbot, till, "124")
    buttons = [till.payment.complete, till.lines.findChild(QPushButton, "add_line"),
               till.lines.edit_button, till.lines.sale_discount_button, till.payment.wallet_all,
               *till.payment.tenders.values(), till.lines.price]  # fmt: skip
    before = _places(window, buttons)
    assert till.bar.isHidden() and till.lines.error.isHidden() and till.payment.error.isHidden()

    type_into(qtbot, till.scan, "查无此人", enter=True)  # an error in the bar
    qtbot.waitUntil(till.bar.isVisible)
    assert _places(window, buttons) == before
    type_into(qtbot, till.lines.price, "", enter=True)  # an error beside the lines
    assert till.lines.error.isVisible()
    assert _places(window, buttons) == before
    type_and_leave(qtbot, till.payment.tenders["card"], "999")  # an error beside the payment
    assert till.payment.error.isVisible()
    assert _places(window, buttons) == before
    type_and_leave(qtbot, till.payment.tenders["card"], "")
    qtbot.keyClick(till.scan, Qt.Key.Key_F7)  # a notice, in green
    assert "已挂单" in till.bar.text()
    assert _places(window, buttons) == before
    till.bar.clear_message()
    assert _places(window, buttons) == before


def test_the_receipt_preview_keeps_its_columns_with_chinese(qtbot, window, store):
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    add_line(qtbot, till, "99", "纯棉印花短袖T恤·白色")
    add_line(qtbot, till, "459", "Levi's 501 牛仔裤")
    qtbot.keyClick(till.lines.price, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: "已完成" in till.last_label.text())
    preview = till.dialog.findChild(QPlainTextEdit, "slip_text")
    doc = preview.document()
    ends = {}
    for block_no in range(doc.blockCount()):
        block = doc.findBlockByNumber(block_no)
        text = block.text()
        if not text or text.startswith("["):
            continue
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
        ends.setdefault(width(text), set()).add(preview.cursorRect(cursor).x())
    full = ends[48]  # the rules, the item amounts, the totals: one right edge for all
    assert len(full) == 1, ends
    assert len(ends) > 3


def _text_fits(label) -> bool:
    """Whether a wrapped label shows all its text in the room it has."""
    room = label.contentsRect()
    needed = label.fontMetrics().boundingRect(
        QRect(0, 0, room.width(), 10_000), int(Qt.TextFlag.TextWordWrap), label.text()
    )
    return needed.height() <= room.height()


def test_what_points_may_pay_is_read_whole_on_a_1024_screen(qtbot, window, store, owner):
    """At 1024×768 the line under 使用积分 took three lines in room for two: its first and
    last lines (what the points pay, what the sale allows at most) were cut in half."""
    member = issue_card(store, owner, MemberForm(name="冯三", phone="13500006550"))
    adjust_points(store, owner, member.id, 655, "开卡赠送")
    window.resize(1024, 768)
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    qtbot.keyClicks(till.scan, "6550")
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "冯三")
    add_line(qtbot, till, "200")
    qtbot.keyClick(till.lines.price, Qt.Key.Key_F5)
    type_and_leave(qtbot, till.payment.redeem, "500")
    qtbot.waitUntil(lambda: till.payment.due.text() == "待付 ¥195.00")
    info = till.payment.redeem_info
    assert info.text().startswith("积分抵扣 ¥5.00。") and "本单最多抵" in info.text()
    assert _text_fits(info), info.text()


def _boxes(till) -> dict[str, bool]:
    pay = till.payment
    boxes = {"redeem": pay.redeem, "wallet": pay.wallet, "wallet_all": pay.wallet_all,
             "gift": pay.gift, **pay.tenders, "complete": pay.complete}  # fmt: skip
    return {name: box.isEnabled() for name, box in boxes.items()}


def _refused_for_the_member(till, due: str, why: str) -> None:
    """What is due stays said, with why the sale cannot be completed; no box takes money."""
    assert till.lines.total.text() == f"应收 {due}"
    assert till.payment.due.text() == f"待付 {due}"  # never 待付 ¥0.00 under 应收 ¥88.00
    assert why in till.payment.error.text()
    assert "不能结账" in till.payment.error.text()
    assert not any(_boxes(till).values()), _boxes(till)


def test_a_frozen_member_found_by_phone_leaves_what_is_due_and_no_box_to_pay(
    qtbot, window, store, owner
):
    """The search box takes a frozen member by their phone (or from the pick list): the
    till said 待付 ¥0.00 under 应收 ¥88.00 and kept the stored-value, points and cash boxes
    open. Esc takes the member off, and the sale goes on as a walk-in one."""
    from memberdesk.core.members.member import freeze

    member = issue_card(store, owner, MemberForm(name="陈冻", phone="13600003434"))
    adjust_points(store, owner, member.id, 2000, "开卡赠送")
    freeze(store, owner, member.id, "欠款")
    issue_card(store, owner, MemberForm(name="陈冻冻", phone="13600004343"))
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    qtbot.keyClicks(till.scan, "13600003434")
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "陈冻")
    add_line(qtbot, till, "88")
    _refused_for_the_member(till, "¥88.00", "会员 陈冻 已冻结，不能消费")
    qtbot.keyClick(till.scan, Qt.Key.Key_F12)
    assert _sales(store) == 0

    qtbot.keyClick(till.lines.price, Qt.Key.Key_Escape)  # back to the search box
    qtbot.keyClick(till.scan, Qt.Key.Key_Escape)  # the member off: a walk-in sale
    assert till.member_panel.name.text() == "散客"
    assert till.payment.due.text() == "待付 ¥88.00" and till.payment.error.isHidden()
    assert _boxes(till)["cash"] and _boxes(till)["complete"]

    ime_commit(till.scan, "陈冻")  # two match: the frozen one is picked
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.dialog is not None and till.dialog.isVisible())
    table = till.dialog.table
    row = [table.item(r, 0).text() for r in range(table.rowCount())].index("陈冻")
    table.selectRow(row)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "陈冻")
    _refused_for_the_member(till, "¥88.00", "会员 陈冻 已冻结，不能消费")


def test_a_member_frozen_while_on_the_sale_leaves_what_is_due_and_no_box_to_pay(
    qtbot, window, store, owner
):
    member = issue_card(store, owner, MemberForm(name="周冻", phone="13600005656"))
    log_in(qtbot, window, "老板", "8888")
    till = window.workspace.till
    qtbot.keyClicks(till.scan, member.card_no)
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "周冻")
    add_line(qtbot, till, "88")
    type_into(qtbot, till.payment.tenders["cash"], "100")
    window.workspace.show_view("members")  # the owner freezes them meanwhile
    page = window.workspace.members
    qtbot.waitUntil(page.search.isVisible)
    type_into(qtbot, page.search, "5656", enter=True)
    qtbot.waitUntil(lambda: page.panel.name.text() == "周冻")
    qtbot.mouseClick(page.buttons["freeze"], Qt.MouseButton.LeftButton)
    dialog = page.dialog
    qtbot.waitUntil(dialog.isVisible)
    ime_commit(dialog.findChild(QLineEdit, "reason_field"), "欠款")
    qtbot.mouseClick(dialog.findChild(QPushButton, "confirm_reason"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.bar.text() == "周冻：冻结")
    window.workspace.show_view("till")
    _refused_for_the_member(till, "¥88.00", "会员 周冻 已冻结，不能消费")
    assert till.payment.tenders["cash"].text() == "100"  # what was typed is kept


def test_the_last_customers_notice_goes_when_the_next_customer_is_served(
    qtbot, window, store, owner
):
    """A top-up for one member, then the next member scanned: the bottom line no longer
    speaks of the first one's stored value; a sale's change stays while it is counted out
    and goes with the next sale's first line, while an error about what is being done
    now stays."""
    first = issue_card(store, owner, MemberForm(name="王芳", phone="13900002222"))
    issue_card(store, owner, MemberForm(name="李雷", phone="13900003333"))
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    qtbot.keyClicks(till.scan, first.card_no)  # the card scanned
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "王芳")
    qtbot.keyClick(till.scan, Qt.Key.Key_F9)
    topup = till.dialog
    qtbot.waitUntil(topup.isVisible)
    type_into(qtbot, topup.findChild(QLineEdit, "topup_amount"), "100")
    qtbot.mouseClick(topup.findChild(QPushButton, "confirm_topup"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已充值 ¥100.00" in till.last_label.text())
    if till.dialog is not topup:
        till.dialog.reject()  # the slip's preview
    qtbot.keyClicks(till.scan, "3333")  # the next customer, by their phone's last digits
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "李雷")
    assert till.last_label.text() == ""

    qtbot.keyClick(till.scan, Qt.Key.Key_Escape)
    add_line(qtbot, till, "14")
    type_into(qtbot, till.payment.tenders["cash"], "20", enter=True)
    qtbot.waitUntil(lambda: _sales(store) == 1)
    till.dialog.reject()
    assert "找零 ¥6.00" in till.last_label.text()  # while the change is counted out
    qtbot.keyClick(till.scan, Qt.Key.Key_F9)  # no member on the sale: said, and it stays
    assert till.bar.text() == "请先扫会员卡"
    add_line(qtbot, till, "8")  # the next customer's goods
    assert till.last_label.text() == ""
    assert till.bar.text() == "请先扫会员卡"

"""What a person sees at 1366×768, the commonest small screen at a counter: enough lines of
the sale at the till and of a member's history on the members page, without scrolling."""

from __future__ import annotations

from memberdesk.core.members.member import MemberForm, issue_card

from .conftest import log_in, type_into


def _lines_in_sight(table) -> float:
    return table.viewport().height() / table.verticalHeader().defaultSectionSize()


def test_the_till_shows_six_lines_of_the_sale_at_1366_by_768(qtbot, window):
    assert (window.width(), window.height()) == (1366, 768)
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    for i in range(8):
        type_into(qtbot, till.lines.price, str(10 + i), enter=True)
        qtbot.waitUntil(lambda i=i: till.lines.table.rowCount() == i + 1)
    table = till.lines.table
    assert table.rowHeight(0) == table.verticalHeader().defaultSectionSize()
    assert _lines_in_sight(table) >= 6  # four and a half before


def test_the_members_page_shows_six_lines_of_a_members_history_at_1366_by_768(
    qtbot, window, store, owner
):
    member = issue_card(store, owner, MemberForm(name="张三", phone="13812345678"))
    log_in(qtbot, window, "老板", "8888")
    window.workspace.show_view("members")
    page = window.workspace.members
    type_into(qtbot, page.search, member.card_no, enter=True)
    qtbot.waitUntil(lambda: page.panel.name.text() == "张三")
    # The contact facts beside the balances, not under them.
    card, phone = page.panel.values["card"], page.panel.values["phone"]
    qtbot.waitUntil(lambda: page.history.sales.isVisible() and phone.x() > card.x())
    assert phone.geometry().top() == card.geometry().top()
    assert _lines_in_sight(page.history.sales) >= 6  # three before


def test_a_long_reason_beside_the_payment_is_said_whole_within_its_line(qtbot, app):
    """The payment's reason (one line kept for it): a reason longer than the line takes
    smaller type and wraps inside the same height, where it was cut at the line's end."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    from memberdesk.ui.widgets.fields import ErrorLabel, keep_place

    box = QWidget()
    qtbot.addWidget(box)
    layout = QVBoxLayout(box)
    label = ErrorLabel(box)
    keep_place(label)
    layout.addWidget(label)
    box.resize(520, 80)
    box.show()
    qtbot.waitExposed(box)
    usual, height = label.font().pointSizeF(), label.height()
    reason = ("离线时每位会员每天在本收银台最多可用 5000 积分和储值 ¥200.00；"
              "这位会员今天已用 4800 积分，本单最多还可用 200 积分")  # fmt: skip
    label.show_message(reason)
    assert label.font().pointSizeF() < usual and label.height() == height
    used = QFontMetrics(label.font()).boundingRect(
        QRect(0, 0, label.contentsRect().width(), 10_000), Qt.TextFlag.TextWordWrap, reason
    )
    assert used.height() <= label.height()
    label.show_message("积分不足")
    assert label.font().pointSizeF() == usual

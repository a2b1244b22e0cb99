"""What the till's member panel and its count-card dialog say, read as a new cashier
reads them on a 1366×768 screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from memberdesk.core.items.catalogue import ItemForm, create_item
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.count_cards import CountCardForm, sell_count_card

from .conftest import log_in
from .test_counter_day import scan


def test_a_member_who_never_bought_reads_not_yet_bought(qtbot, window, store, owner) -> None:
    new = issue_card(store, owner, MemberForm(name="王美", phone="13900000077"))
    old = issue_card(store, owner, MemberForm(name="李四", phone="13900000088"))
    checkout(store, owner, CheckoutRequest(lines=(SaleLineInput("袜子", 1200),),
                                           member_id=old.id, tenders={"cash": 1200}))  # fmt: skip
    log_in(qtbot, window, "收银员", "1111", opening_float="500")
    till = window.workspace.till
    scan(qtbot, till, new.card_no)
    last = till.member_panel.values["last_visit"]
    assert last.text() == "尚未消费"  # was 从不 (never)
    scan(qtbot, till, old.card_no)
    assert last.text() not in ("尚未消费", "从不") and "03-10" in last.text()


def _reads_whole_with_air(table, column: int) -> bool:
    air = 2 * table.fontMetrics().horizontalAdvance("次")
    widest = max(
        table.fontMetrics().horizontalAdvance(table.item(r, column).text())
        for r in range(table.rowCount())
    )  # fmt: skip
    left = table.columnViewportPosition(column)
    return (
        table.columnWidth(column) >= widest + air
        and left >= 0 and left + table.columnWidth(column) <= table.viewport().width()
    )  # fmt: skip


def test_the_count_cards_name_and_what_it_covers_are_read_with_room(
    qtbot, window, store, owner
) -> None:
    """The 次卡 and 适用 columns were held to their text's width, the words touching the
    lines, while 有效期至 took all the spare width."""
    create_item(store, owner, ItemForm("精剪洗吹造型套餐", 5000, code="HC01", category="美发护理"))
    member = issue_card(store, owner, MemberForm(name="王美", phone="13900000077"))
    sell_count_card(store, owner, member.id, CountCardForm(
        "精剪洗吹造型十次卡", 10, 40000, "cash", item_code="HC01", valid_days=365))  # fmt: skip
    sell_count_card(store, owner, member.id, CountCardForm(
        "美发护理二十次卡", 20, 80000, "cash", category="美发护理"))  # fmt: skip
    log_in(qtbot, window, "收银员", "1111", opening_float="500")
    till = window.workspace.till
    scan(qtbot, till, member.card_no)
    qtbot.keyClick(till.scan, Qt.Key.Key_F9, Qt.KeyboardModifier.ShiftModifier)
    cards = till.dialog
    qtbot.waitUntil(cards.isVisible)
    table = cards.table
    assert [table.horizontalHeaderItem(c).text() for c in range(2)] == ["次卡", "适用"]
    assert table.item(0, 0).text() == "精剪洗吹造型十次卡"
    assert table.item(0, 1).text() == "精剪洗吹造型套餐"
    assert _reads_whole_with_air(table, 0) and _reads_whole_with_air(table, 1)
    for column in (2, 3):  # the visits left and the date still whole
        assert table.columnViewportPosition(column) + table.columnWidth(column) <= (
            table.viewport().width()
        )
    assert cards.width() <= 1366


def test_a_very_long_card_name_widens_the_dialog(qtbot, window, store, owner) -> None:
    create_item(store, owner, ItemForm("精剪洗吹造型烫染护理至尊套餐", 5000, code="HC01"))
    member = issue_card(store, owner, MemberForm(name="王美", phone="13900000077"))
    sell_count_card(store, owner, member.id, CountCardForm(
        "精剪洗吹造型烫染护理至尊二十次卡", 20, 40000, "cash", item_code="HC01"))  # fmt: skip
    log_in(qtbot, window, "收银员", "1111", opening_float="500")
    till = window.workspace.till
    scan(qtbot, till, member.card_no)
    qtbot.keyClick(till.scan, Qt.Key.Key_F9, Qt.KeyboardModifier.ShiftModifier)
    cards = till.dialog
    qtbot.waitUntil(cards.isVisible)
    assert _reads_whole_with_air(cards.table, 0) and _reads_whole_with_air(cards.table, 1)
    assert not cards.table.horizontalScrollBar().isVisible()


def test_the_f1_help_says_how_to_ring_a_price_that_is_an_items_code(qtbot, window) -> None:
    log_in(qtbot, window, "收银员", "1111", opening_float="500")
    till = window.workspace.till
    qtbot.keyClick(till.scan, Qt.Key.Key_F1)
    qtbot.waitUntil(till.help.isVisible)
    words = [label.text() for label in till.help.findChildren(QLabel)]
    at = words.index("<b>35 / 35.</b>")
    assert (
        words[at + 1] == "在扫码框输入 35 即按 ¥35.00 收款；若 35 是某商品的编码，请输入 35. 或 ¥35"
    )

"""Count cards (次卡) at the till, typed and clicked like a person: Shift+F9 opens the
member's cards; a card is sold, a visit used only once the member's confirmation is
ticked, and the visits left show on the member panel, the slip and the history."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
)
from sqlalchemy import select

from memberdesk.core.items.catalogue import ItemForm, create_item
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.store.models import CountCard, CountCardEntry

from .conftest import child, click, log_in, type_into
from .test_counter_day import scan


def _entries(store) -> list[tuple[str, int]]:
    with store.read() as s:
        return [(e.kind, e.left_after) for e in s.scalars(select(CountCardEntry))]


def test_sell_a_count_card_and_use_a_visit_with_the_members_confirmation(
    qtbot, window, store, owner
):
    create_item(store, owner, ItemForm("剪发", 5000, code="HC01", category="美发"))
    member = issue_card(store, owner, MemberForm(name="王美", phone="13900000077"))
    log_in(qtbot, window, "收银员", "1111", opening_float="500")
    till = window.workspace.till
    scan(qtbot, till, member.card_no)
    assert till.member_panel.values["count_cards"].text() == "—"

    qtbot.keyClick(till.scan, Qt.Key.Key_F9, Qt.KeyboardModifier.ShiftModifier)
    cards = till.dialog
    qtbot.waitUntil(cards.isVisible)
    assert "没有剩余次数的次卡" in cards.bar.text()
    click(qtbot, child(cards, QPushButton, "sell_count_card"))
    sell = cards.findChild(QDialog, "sell_count_card_dialog")
    qtbot.waitUntil(sell.isVisible)
    # A member's card is a registered prepaid card: no end date unless one is given.
    assert child(sell, QSpinBox, "card_days").value() == 0
    assert "记名卡不得设有效期" in child(sell, QLabel, "card_days_rule").text()
    click(qtbot, child(sell, QPushButton, "confirm_count_card"))  # nothing typed yet
    assert "次卡需要名称" in sell.form.errors["name"].text()
    type_into(qtbot, child(sell, QLineEdit, "card_name"), "剪发十次卡")
    type_into(qtbot, child(sell, QLineEdit, "card_item"), "HC99")
    type_into(qtbot, child(sell, QLineEdit, "card_price"), "400")
    click(qtbot, child(sell, QPushButton, "confirm_count_card"))
    assert "HC99" in sell.form.errors["item"].text() and _entries(store) == []
    child(sell, QLineEdit, "card_item").clear()
    type_into(qtbot, child(sell, QLineEdit, "card_item"), "HC01")
    price = child(sell, QLineEdit, "card_price")
    price.clear()
    type_into(qtbot, price, "6000")  # above one registered prepaid card's ¥5,000
    click(qtbot, child(sell, QPushButton, "confirm_count_card"))
    qtbot.waitUntil(lambda: "price" in sell.form.errors and sell.form.errors["price"].isVisible())
    said = sell.form.errors["price"].text()  # beside the price, not the name
    assert "¥6,000.00" in said and "¥5,000.00" in said and _entries(store) == []
    price.clear()
    type_into(qtbot, price, "400")
    click(qtbot, child(sell, QPushButton, "confirm_count_card"))
    qtbot.waitUntil(lambda: till.member_panel.values["count_cards"].text() == "剪发十次卡 10/10")
    assert "剩余 10/10 次" in till.bar.text() and _entries(store) == [("sold", 10)]
    preview = till.dialog  # no printer set up: the slip is shown
    slip = preview.findChild(QPlainTextEdit).toPlainText()
    assert "次卡售卡" in slip and "剩余次数" in slip and "10/10" in slip
    preview.reject()
    with store.read() as s:
        assert s.scalar(select(CountCard.expires_on)) is None  # sold with no end date

    qtbot.keyClick(till.scan, Qt.Key.Key_F9, Qt.KeyboardModifier.ShiftModifier)
    cards = till.dialog
    qtbot.waitUntil(cards.isVisible)
    assert cards.table.column_texts(2) == ["10/10"]
    heading = cards.table.horizontalHeaderItem(0).text()
    assert (heading, cards.table.column_texts(0)) == ("次卡", ["剪发十次卡"])
    click(qtbot, child(cards, QPushButton, "use_visit"))  # the member has not confirmed
    assert cards.bar.text() == "会员尚未确认使用一次次卡，请勾选会员确认框"
    assert _entries(store) == [("sold", 10)]
    confirm = child(cards, QCheckBox, "member_confirmed")
    assert confirm.text() == "王美 确认使用 剪发十次卡 一次（用后剩余 9 次）"
    click(qtbot, confirm)
    click(qtbot, child(cards, QPushButton, "use_visit"))
    qtbot.waitUntil(lambda: till.member_panel.values["count_cards"].text() == "剪发十次卡 9/10")
    assert _entries(store) == [("sold", 10), ("use", 9)]
    slip = till.dialog.findChild(QPlainTextEdit).toPlainText()
    assert "次卡消费" in slip and "9/10" in slip and "顾客签字" in slip


def test_a_cashier_refunds_a_card_from_the_members_view_with_a_managers_pin(
    qtbot, window, store, owner
):
    from memberdesk.core.till.count_cards import CountCardForm, sell_count_card

    from .test_member_tier_and_money import _managers_pin, _members_view

    create_item(store, owner, ItemForm("剪发", 5000, code="HC01", category="美发"))
    member = issue_card(store, owner, MemberForm(name="李雪", phone="13900000088"))
    form = CountCardForm("剪发十次卡", 10, 40000, "cash", item_code="HC01", valid_days=90)
    sell_count_card(store, owner, member.id, form)
    log_in(qtbot, window, "收银员", "1111", opening_float="500")
    page = _members_view(qtbot, window, "13900000088", "李雪")
    assert page.panel.values["count_cards"].text() == "剪发十次卡 10/10"
    assert page.history.cards.column_texts(1) == ["剪发十次卡"]
    assert page.history.cards.horizontalHeaderItem(1).text() == "次卡"
    click(qtbot, page.buttons["cards"])
    cards = page.dialog
    qtbot.waitUntil(cards.isVisible)
    click(qtbot, child(cards, QPushButton, "refund_count_card"))
    _managers_pin(qtbot, cards)
    qtbot.waitUntil(lambda: page.panel.values["count_cards"].text() == "—")
    assert "剩余 0/10 次" in page.bar.text()
    assert _entries(store) == [("sold", 10), ("refund", 0)]
    history = page.history.cards
    qtbot.waitUntil(lambda: history.rowCount() == 2)
    assert (history.column_texts(2)[0], history.column_texts(5)[0]) == ("已退款", "¥400.00")
    assert history.column_texts(4) == ["0/10", "10/10"]

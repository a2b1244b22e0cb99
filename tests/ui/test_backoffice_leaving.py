"""Leaving the back office with a page's changes not saved, other than by its own menu:
another tab, logging out, closing the window. Each asked nothing and the typing was gone."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton
from sqlalchemy import func, select

from memberdesk.core.shop.details import get_shop
from memberdesk.core.store.models import HeldSale

from .conftest import child, click, click_item, log_in, type_into


def _program_share(_qtbot, page) -> QLineEdit:
    return page.form.fields["redeem.max_share_percent"].lineEdit()


def _printer_host(qtbot, page) -> QLineEdit:
    page.way.setCurrentIndex(page.way.findData("net"))  # a network printer chosen
    qtbot.waitUntil(page.host.isVisible)
    return page.host


# the page in the menu, the back office's attribute, the box typed into, the text typed there
PAGES = {
    "会员方案": ("program", _program_share, "30"),
    "店铺与语言": ("shop", lambda _qtbot, page: page.address, "上海市长宁区"),
    "打印机": ("printer", _printer_host, "192.168.1.50"),
    "折扣权限": ("limits", lambda _qtbot, page: child(page, QLineEdit, "manager_zhe"), "6.5"),
    "同步到总部": ("sync", lambda _qtbot, page: page.url, "https://hq.example.com"),
}


def _office_page(qtbot, window, menu_name: str, *, box: bool = True):
    """The owner on `menu_name` in the back office: the office, the page, its box (shown)."""
    log_in(qtbot, window, "老板", "8888")
    workspace = window.workspace
    click_tab(qtbot, workspace, "后台")
    office = workspace.backoffice
    click_item(qtbot, office.menu, menu_name)
    attribute, box_of, _typed = PAGES[menu_name]
    page = getattr(office, attribute)
    assert office.pages.currentWidget() is page
    return office, page, box_of(qtbot, page) if box else None


def click_tab(qtbot, workspace, name: str) -> None:
    bar = workspace.tabBar()
    texts = [bar.tabText(i) for i in range(bar.count())]
    assert name in texts, texts
    index = texts.index(name)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())


def _type(qtbot, box: QLineEdit, text: str) -> None:
    type_into(qtbot, box, text)
    assert box.text() == text


def _question(qtbot, office):
    qtbot.waitUntil(lambda: office.leave_question is not None and office.leave_question.isVisible())
    box = office.leave_question
    assert "没有保存" in box.text()
    assert child(box, QPushButton, "stay_on_page").text() == "留在本页保存"
    assert child(box, QPushButton, "leave_page").text() == "不保存，离开"
    return box


def _answer(qtbot, question, button: str) -> None:
    click(qtbot, child(question, QPushButton, button))
    qtbot.waitUntil(lambda: not question.isVisible())


def _held(store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(HeldSale))


# ---------------------------------------------------------------- another tab


@pytest.mark.parametrize("menu_name", list(PAGES))
def test_another_tab_with_a_page_changed_and_not_saved_asks_first(qtbot, window, menu_name):
    office, page, _box = _office_page(qtbot, window, menu_name, box=False)
    workspace = window.workspace
    click_tab(qtbot, workspace, "会员")  # nothing typed: no question
    qtbot.waitUntil(workspace.members.isVisible)
    assert office.leave_question is None

    click_tab(qtbot, workspace, "后台")
    qtbot.waitUntil(page.isVisible)
    _attribute, box_of, typed = PAGES[menu_name]
    box = box_of(qtbot, page)
    saved = box.text()
    _type(qtbot, box, typed)
    click_tab(qtbot, workspace, "会员")
    question = _question(qtbot, office)
    assert workspace.currentWidget() is workspace.widget(3)  # still the back office
    _answer(qtbot, question, "stay_on_page")
    qtbot.waitUntil(page.isVisible)
    assert workspace.tabBar().currentIndex() == 3
    assert office.pages.currentWidget() is page and box.text() == typed  # kept

    qtbot.keyClick(box, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)  # the journal
    question = _question(qtbot, office)
    _answer(qtbot, question, "leave_page")
    qtbot.waitUntil(workspace.journal.isVisible)
    assert not page.isVisible()

    click_tab(qtbot, workspace, "后台")  # dropped: the page as saved, and no question
    qtbot.waitUntil(page.isVisible)
    assert box.text() == saved != typed
    click_tab(qtbot, workspace, "收银")
    qtbot.waitUntil(workspace.till.isVisible)
    assert not office.leave_question.isVisible()


def test_the_journal_key_asked_first_leaves_the_typing_where_it_was(qtbot, window):
    """Shift+F11 with the shop page changed: asked, the journal's box had taken the
    keyboard behind the question, and after "stay" the owner typed into nothing."""
    office, page, box = _office_page(qtbot, window, "店铺与语言")
    _type(qtbot, box, "上海市长宁区")
    qtbot.keyClick(box, Qt.Key.Key_F11, Qt.KeyboardModifier.ShiftModifier)
    _answer(qtbot, _question(qtbot, office), "stay_on_page")
    assert page.isVisible() and box.text() == "上海市长宁区"
    assert window.focusWidget() is box


def test_a_menu_page_left_without_saving_does_not_ask_again_at_another_tab(qtbot, window):
    office, page, box = _office_page(qtbot, window, "店铺与语言")
    _type(qtbot, box, "上海市长宁区")
    click_item(qtbot, office.menu, "员工")
    _answer(qtbot, _question(qtbot, office), "leave_page")
    qtbot.waitUntil(lambda: office.pages.currentWidget() is office.staff)
    asked = office.leave_question
    click_tab(qtbot, window.workspace, "会员")
    qtbot.waitUntil(window.workspace.members.isVisible)
    assert office.leave_question is asked and not asked.isVisible()


# ---------------------------------------------------------------- logging out


def test_logging_out_with_a_page_changed_and_not_saved_asks_first(qtbot, window, store):
    office, page, box = _office_page(qtbot, window, "店铺与语言")
    _type(qtbot, box, "上海市长宁区")
    click(qtbot, window.logout_button)
    question = _question(qtbot, office)
    _answer(qtbot, question, "stay_on_page")
    assert window.workspace is not None and window.ctx.session is not None  # still logged in
    qtbot.waitUntil(page.isVisible)
    assert box.text() == "上海市长宁区"

    click(qtbot, window.logout_button)
    _answer(qtbot, _question(qtbot, office), "leave_page")
    qtbot.waitUntil(window.login.isVisible)
    assert window.ctx.session is None
    assert get_shop(store).address != "上海市长宁区"  # not saved


def test_logging_out_with_nothing_changed_asks_nothing(qtbot, window):
    office, _page, _box = _office_page(qtbot, window, "店铺与语言", box=False)
    click(qtbot, window.logout_button)
    qtbot.waitUntil(window.login.isVisible)
    assert office.leave_question is None


def test_logging_out_asks_about_the_page_then_about_the_sale_on_the_till(qtbot, window, store):
    """Both questions, one after the other; the sale is put on hold only past the first."""
    log_in(qtbot, window, "老板", "8888")
    till = window.workspace.till
    type_into(qtbot, till.lines.price, "39", enter=True)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    click_tab(qtbot, window.workspace, "后台")
    office = window.workspace.backoffice
    click_item(qtbot, office.menu, "店铺与语言")
    _type(qtbot, office.shop.address, "上海市长宁区")

    click(qtbot, window.logout_button)
    _answer(qtbot, _question(qtbot, office), "stay_on_page")
    assert window.held_warning is None  # not asked: the owner stays
    assert _held(store) == 0 and till.lines.table.rowCount() == 1  # the sale still on the till

    click(qtbot, window.logout_button)
    _answer(qtbot, _question(qtbot, office), "leave_page")
    warning = window.held_warning
    qtbot.waitUntil(lambda: warning is not None and warning.isVisible())
    assert _held(store) == 1
    click(qtbot, child(warning, QPushButton, "stay"))
    assert window.ctx.session is not None and window.workspace is not None
    assert office.shop.address.text() == "上海市长宁区"  # still there to save

    click(qtbot, window.logout_button)
    _answer(qtbot, _question(qtbot, office), "leave_page")
    qtbot.waitUntil(lambda: window.held_warning.isVisible())
    click(qtbot, child(window.held_warning, QPushButton, "leave"))
    qtbot.waitUntil(window.login.isVisible)
    assert window.ctx.session is None


# ---------------------------------------------------------------- closing the window


def test_closing_the_window_with_a_page_changed_and_not_saved_asks_first(qtbot, window):
    office, page, box = _office_page(qtbot, window, "同步到总部")
    _type(qtbot, box, "https://hq.example.com")
    click_tab(qtbot, window.workspace, "收银")  # closed from another tab after a "stay"
    _answer(qtbot, _question(qtbot, office), "stay_on_page")

    window.close()
    question = _question(qtbot, office)
    assert window.isVisible()
    window.close()  # closed again while asked: the same question, still open
    assert office.leave_question is question and question.isVisible()
    _answer(qtbot, question, "stay_on_page")
    assert window.isVisible() and page.isVisible()
    assert box.text() == "https://hq.example.com"

    window.close()
    _answer(qtbot, _question(qtbot, office), "leave_page")
    qtbot.waitUntil(lambda: not window.isVisible())


def test_closing_the_window_with_nothing_changed_asks_nothing(qtbot, window):
    office, _page, _box = _office_page(qtbot, window, "同步到总部", box=False)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())
    assert office.leave_question is None


def test_closing_asks_about_the_page_then_about_the_held_sales(qtbot, window, store):
    log_in(qtbot, window, "老板", "8888")
    till = window.workspace.till
    type_into(qtbot, till.lines.price, "15", enter=True)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    qtbot.keyClick(till.lines.price, Qt.Key.Key_F7)  # put aside
    qtbot.waitUntil(lambda: _held(store) == 1)
    click_tab(qtbot, window.workspace, "后台")
    office = window.workspace.backoffice
    click_item(qtbot, office.menu, "折扣权限")
    _type(qtbot, child(office.limits, QLineEdit, "manager_zhe"), "6.5")

    window.close()
    _answer(qtbot, _question(qtbot, office), "leave_page")
    warning = window.held_warning
    qtbot.waitUntil(lambda: warning is not None and warning.isVisible())
    click(qtbot, child(warning, QPushButton, "stay"))
    assert window.isVisible() and window.ctx.session is not None  # not half closed

    window.close()
    _answer(qtbot, _question(qtbot, office), "leave_page")
    qtbot.waitUntil(lambda: window.held_warning.isVisible())
    click(qtbot, child(window.held_warning, QPushButton, "leave"))
    qtbot.waitUntil(lambda: not window.isVisible())
    assert _held(store) == 1

"""Leaving the back office with a page's changes not saved, other than by its own menu:
another tab, logging out, closing the window. Each asked nothing and the typing was gone.
So did the staff page (a new employee typed, another person chosen over the changes for
the one chosen) and the item editor (closed with Esc, 取消 or its close button)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit, QMessageBox, QPushButton
from sqlalchemy import func, select

from memberdesk.core.items.catalogue import ItemForm, create_item, get_item
from memberdesk.core.loyalty.program_store import current_program
from memberdesk.core.shop.details import get_shop
from memberdesk.core.shop.staff import list_staff, login
from memberdesk.core.store.models import HeldSale, Item

from .conftest import child, click, click_item, click_row, ime_commit, log_in, type_into


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
    "员工": ("staff", lambda _qtbot, page: page.new_name, "导购小王"),
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


def test_logging_out_after_looking_up_a_members_points_holds_no_empty_sale(
    qtbot, window, store, owner
):
    """A customer asks for their points; the cashier finds them, then logs out: no sale
    with nothing in it is put on hold and nothing is asked."""
    from memberdesk.core.members.member import MemberForm, issue_card

    member = issue_card(store, owner, MemberForm(name="周九", phone="13700001234"))
    log_in(qtbot, window, "收银员", "1111", opening_float="500")
    till = window.workspace.till
    till.scan.setFocus()
    qtbot.keyClicks(till.scan, member.card_no)
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.draft.member is not None)
    click(qtbot, window.logout_button)
    qtbot.waitUntil(window.login.isVisible)
    assert window.held_warning is None and _held(store) == 0


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


# ---------------------------------------------------------------- the staff page


def _staff_names(store) -> list[str]:
    return [s.name for s in list_staff(store, include_inactive=True)]


def _choose(qtbot, page, name: str) -> None:
    click_row(qtbot, page.table, page.table.column_texts(0).index(name))


def _chosen(page) -> str | None:
    info = page.table.selected_key()
    return None if info is None else info.name


def _tick(qtbot, box) -> None:
    """A click on the box's tick (the box itself runs across the form)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def _asking(parent) -> QMessageBox | None:
    """The question about changes not saved on screen over `parent` (a page, the editor)."""
    shown = [b for b in parent.findChildren(QMessageBox, "leave_unsaved_question") if b.isVisible()]
    return shown[0] if shown else None


def _pick_question(qtbot, page, name: str):
    qtbot.waitUntil(lambda: _asking(page) is not None)
    box = _asking(page)
    assert box.text().startswith(f"{name} 的修改还没有保存。改选其他员工")
    assert child(box, QPushButton, "stay_on_page").text() == "留在本页保存"
    assert child(box, QPushButton, "leave_page").text() == "不保存，离开"
    return box


def test_another_page_with_a_new_employee_typed_asks_and_added_asks_nothing(qtbot, window, store):
    office, page, name = _office_page(qtbot, window, "员工")
    pin = child(page, QLineEdit, "staff_pin")
    _type(qtbot, name, "导购小王")
    _type(qtbot, pin, "2468")
    click_item(qtbot, office.menu, "商品")
    _answer(qtbot, _question(qtbot, office), "stay_on_page")
    assert office.pages.currentWidget() is page
    assert (name.text(), pin.text()) == ("导购小王", "2468")  # kept to add

    click(qtbot, child(page, QPushButton, "staff_add"))
    qtbot.waitUntil(lambda: "导购小王" in page.table.column_texts(0))
    asked = office.leave_question
    click_item(qtbot, office.menu, "商品")  # added: nothing left to lose, no question
    assert office.pages.currentWidget() is office.items
    assert office.leave_question is asked and not asked.isVisible()


def test_a_new_employee_typed_and_left_without_saving_is_not_added(qtbot, window, store):
    office, page, name = _office_page(qtbot, window, "员工")
    _type(qtbot, name, "导购小王")
    _type(qtbot, child(page, QLineEdit, "staff_pin"), "2468")
    click_item(qtbot, office.menu, "商品")
    _answer(qtbot, _question(qtbot, office), "leave_page")
    qtbot.waitUntil(lambda: office.pages.currentWidget() is office.items)
    click_item(qtbot, office.menu, "员工")  # the page as saved: the typing dropped
    assert office.pages.currentWidget() is page
    assert name.text() == "" and child(page, QLineEdit, "staff_pin").text() == ""
    assert "导购小王" not in _staff_names(store)
    click_item(qtbot, office.menu, "商品")
    assert office.pages.currentWidget() is office.items  # and nothing to ask about


def test_choosing_another_person_over_a_pin_typed_for_the_chosen_one_asks_first(
    qtbot, window, store
):
    _office, page, _box = _office_page(qtbot, window, "员工", box=False)
    _choose(qtbot, page, "收银员")
    _type(qtbot, page.pin, "2468")
    _choose(qtbot, page, "店长")
    question = _pick_question(qtbot, page, "收银员")
    _answer(qtbot, question, "stay_on_page")
    qtbot.wait(50)  # the click over: the list still on the person it was on
    assert _chosen(page) == "收银员" and page.edit_box.title() == "所选员工：收银员"
    assert page.pin.text() == "2468"  # kept, for the cashier

    _choose(qtbot, page, "店长")
    _answer(qtbot, _pick_question(qtbot, page, "收银员"), "leave_page")
    assert _chosen(page) == "店长" and page.edit_box.title() == "所选员工：店长"
    assert page.pin.text() == ""  # the cashier's PIN never meant for the manager
    assert page.role.currentText() == "店长"
    assert login(store, "收银员", "1111").name == "收银员"  # nothing was reset

    # a PIN reset (saved) leaves nothing to ask about
    _type(qtbot, page.pin, "1357")
    click(qtbot, child(page, QPushButton, "staff_reset_pin"))
    qtbot.waitUntil(lambda: "店长" in page.bar.text())
    _choose(qtbot, page, "收银员")
    assert _chosen(page) == "收银员" and _asking(page) is None
    assert login(store, "店长", "1357").name == "店长"


def test_choosing_another_person_over_a_status_changed_asks_and_saved_asks_nothing(
    qtbot, window, store
):
    _office, page, _box = _office_page(qtbot, window, "员工", box=False)
    _choose(qtbot, page, "收银员")
    assert page.active.isChecked()
    _tick(qtbot, page.active)
    assert not page.active.isChecked()
    _choose(qtbot, page, "老板")
    _answer(qtbot, _pick_question(qtbot, page, "收银员"), "stay_on_page")
    assert _chosen(page) == "收银员" and not page.active.isChecked()  # the change kept

    click(qtbot, child(page, QPushButton, "staff_save_role"))
    qtbot.waitUntil(lambda: "收银员" in page.bar.text())
    assert not next(
        s for s in list_staff(store, include_inactive=True) if s.name == "收银员"
    ).active
    _choose(qtbot, page, "老板")  # saved: no question
    assert _chosen(page) == "老板" and _asking(page) is None
    assert page.active.isChecked()


def test_a_new_employee_typed_stays_while_another_person_is_chosen(qtbot, window):
    """The add box is for nobody in the list: choosing someone asks nothing, drops nothing."""
    _office, page, name = _office_page(qtbot, window, "员工")
    _type(qtbot, name, "导购小王")
    _choose(qtbot, page, "收银员")
    _choose(qtbot, page, "店长")
    assert _chosen(page) == "店长" and _asking(page) is None
    assert name.text() == "导购小王"


def test_logging_out_with_a_new_employee_typed_asks_first(qtbot, window, store):
    office, page, name = _office_page(qtbot, window, "员工")
    _type(qtbot, name, "导购小王")
    click(qtbot, window.logout_button)
    _answer(qtbot, _question(qtbot, office), "stay_on_page")
    assert window.ctx.session is not None
    qtbot.waitUntil(page.isVisible)
    assert name.text() == "导购小王"

    click(qtbot, window.logout_button)
    _answer(qtbot, _question(qtbot, office), "leave_page")
    qtbot.waitUntil(window.login.isVisible)
    assert "导购小王" not in _staff_names(store)


def test_closing_the_window_with_a_role_changed_asks_first(qtbot, window):
    office, page, _box = _office_page(qtbot, window, "员工", box=False)
    _choose(qtbot, page, "收银员")
    _tick(qtbot, page.active)
    window.close()
    _answer(qtbot, _question(qtbot, office), "stay_on_page")
    assert window.isVisible() and not page.active.isChecked()
    window.close()
    _answer(qtbot, _question(qtbot, office), "leave_page")
    qtbot.waitUntil(lambda: not window.isVisible())


# ---------------------------------------------------------------- the item editor


def _item_editor(qtbot, window, *, edit: bool):
    """The owner's 后台 → 商品, and its editor open: a new item, or the first one listed."""
    log_in(qtbot, window, "老板", "8888")
    click_tab(qtbot, window.workspace, "后台")
    office = window.workspace.backoffice
    click_item(qtbot, office.menu, "商品")
    page = office.items
    if edit:
        click_row(qtbot, page.table, 0)
    click(qtbot, child(page, QPushButton, "edit_item" if edit else "add_item"))
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    return page.dialog


def _item_question(qtbot, dialog):
    qtbot.waitUntil(lambda: _asking(dialog) is not None)
    box = _asking(dialog)
    assert box.text().startswith("商品的修改还没有保存。关闭此窗口")
    assert child(box, QPushButton, "stay_on_page").text() == "留在本页保存"
    assert child(box, QPushButton, "leave_page").text() == "不保存，离开"
    return box


@pytest.fixture
def cola(store, owner):
    return create_item(store, owner, ItemForm(name="可口可乐", price=350, code="A001"))


def _cancel(dialog) -> QPushButton:
    return next(b for b in dialog.findChildren(QPushButton) if b.text() == "取消")


def test_an_items_price_changed_then_esc_or_cancel_asks_first(qtbot, window, store, cola):
    dialog = _item_editor(qtbot, window, edit=True)
    price = child(dialog, QLineEdit, "item_price_field")
    assert price.text() == "3.50"
    _type(qtbot, price, "4.20")
    qtbot.keyClick(price, Qt.Key.Key_Escape)
    _answer(qtbot, _item_question(qtbot, dialog), "stay_on_page")
    assert dialog.isVisible() and price.text() == "4.20"  # kept to save

    click(qtbot, _cancel(dialog))
    _answer(qtbot, _item_question(qtbot, dialog), "leave_page")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert get_item(store, cola.id).price == 350  # dropped, not saved


def test_a_new_item_typed_then_the_editor_closed_asks_first(qtbot, window, store):
    dialog = _item_editor(qtbot, window, edit=False)
    ime_commit(child(dialog, QLineEdit, "item_name_field"), "蛋糕")
    dialog.close()  # the window's close button
    _answer(qtbot, _item_question(qtbot, dialog), "stay_on_page")
    assert dialog.isVisible()
    assert child(dialog, QLineEdit, "item_name_field").text() == "蛋糕"
    dialog.close()
    _answer(qtbot, _item_question(qtbot, dialog), "leave_page")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Item)) == 0


def test_the_item_editor_saved_or_unchanged_closes_without_a_question(qtbot, window, store, cola):
    dialog = _item_editor(qtbot, window, edit=True)
    qtbot.keyClick(child(dialog, QLineEdit, "item_price_field"), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())  # nothing typed: closed at once
    assert _asking(dialog) is None

    page = window.workspace.backoffice.items
    click(qtbot, child(page, QPushButton, "edit_item"))
    qtbot.waitUntil(lambda: page.dialog is not dialog and page.dialog.isVisible())
    dialog = page.dialog
    _type(qtbot, child(dialog, QLineEdit, "item_price_field"), "4.20")
    click(qtbot, child(dialog, QPushButton, "save_item"))
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _asking(dialog) is None and get_item(store, cola.id).price == 420


# ---------------------------------------------------------------- the categories' rules


def test_a_categorys_rule_changed_then_esc_asks_and_keeps_it_until_left(
    qtbot, window, store, owner
):
    create_item(store, owner, ItemForm(name="可口可乐", price=350, code="A001", category="饮料"))
    log_in(qtbot, window, "老板", "8888")
    click_tab(qtbot, window.workspace, "后台")
    office = window.workspace.backoffice
    click_item(qtbot, office.menu, "商品")
    page = office.items
    click(qtbot, child(page, QPushButton, "category_rules_button"))
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    rules = page.dialog
    qtbot.keyClick(rules, Qt.Key.Key_Escape)  # nothing changed: closes at once
    qtbot.waitUntil(lambda: not rules.isVisible())
    assert _asking(rules) is None

    click(qtbot, child(page, QPushButton, "category_rules_button"))
    qtbot.waitUntil(lambda: page.dialog is not rules and page.dialog.isVisible())
    rules = page.dialog
    earns = child(rules, QCheckBox, "category_0_3")  # the category's sales earn points
    assert earns.isChecked()
    qtbot.mouseClick(earns, Qt.MouseButton.LeftButton, pos=QPoint(8, earns.height() // 2))
    assert not earns.isChecked()
    qtbot.keyClick(rules, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: _asking(rules) is not None)
    box = _asking(rules)
    assert box.text().startswith("商品分类的修改还没有保存")
    _answer(qtbot, box, "stay_on_page")
    assert rules.isVisible() and not earns.isChecked()  # kept to save

    before = current_program(store).version
    click(qtbot, next(b for b in rules.findChildren(QPushButton) if b.text() == "取消"))
    qtbot.waitUntil(lambda: _asking(rules) is not None and _asking(rules).isVisible())
    _answer(qtbot, _asking(rules), "leave_page")
    qtbot.waitUntil(lambda: not rules.isVisible())
    assert current_program(store).version == before  # left unsaved: no new program version

"""What an owner trips over in the back office: messages that name the wrong thing, buttons
that do nothing, forms that save what was never typed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton
from sqlalchemy import func, select

from memberdesk.core.loyalty.program_store import current_program
from memberdesk.core.shop.details import get_shop
from memberdesk.core.shop.staff import list_staff
from memberdesk.core.store.models import Item, Staff

from .conftest import child, click, click_item, click_row, ime_commit, log_in, type_into


def _office(qtbot, w, page_name: str):
    w.workspace.setCurrentWidget(w.workspace.backoffice)
    office = w.workspace.backoffice
    click_item(qtbot, office.menu, page_name)
    return office


def test_a_staff_member_added_without_a_name_is_asked_for_the_staff_members_name(
    qtbot, window, store
):
    log_in(qtbot, window, "老板", "8888")
    page = _office(qtbot, window, "员工").staff
    with store.read() as s:
        before = s.scalar(select(func.count()).select_from(Staff))
    type_into(qtbot, child(page, QLineEdit, "staff_pin"), "2468")
    click(qtbot, child(page, QPushButton, "staff_add"))
    error = child(page, QLabel, "name_error")
    qtbot.waitUntil(error.isVisible)
    assert error.text() == "请填写员工姓名"  # not 会员姓名: this is a staff member
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Staff)) == before


def test_a_new_shop_without_the_owners_name_asks_for_the_owners_name(qtbot, empty_window):
    setup = empty_window.setup
    type_into(qtbot, child(setup, QLineEdit, "setup_name"), "小林服饰")
    type_into(qtbot, child(setup, QLineEdit, "setup_owner"), "")
    type_into(qtbot, child(setup, QLineEdit, "setup_pin"), "2580")
    type_into(qtbot, child(setup, QLineEdit, "setup_pin_again"), "2580")
    click(qtbot, child(setup, QPushButton, "create_shop"))
    error = child(setup, QLabel, "owner_error")
    qtbot.waitUntil(error.isVisible)
    assert error.text() == "请填写员工姓名"
    assert list_staff(empty_window.ctx.store) == []


def test_restore_the_chosen_backup_waits_until_a_backup_is_chosen(qtbot, window):
    """Clicked with no backup chosen it did nothing and said nothing."""
    log_in(qtbot, window, "老板", "8888")
    page = _office(qtbot, window, "备份").backups
    restore = child(page, QPushButton, "restore_chosen")
    assert not restore.isEnabled()
    click(qtbot, child(page, QPushButton, "backup_now"))
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10_000)
    assert not restore.isEnabled()  # listed, not yet chosen
    click_row(qtbot, page.table, 0)
    assert restore.isEnabled()


def test_an_item_saved_with_its_price_left_blank_is_asked_for_a_price_not_sold_free(
    qtbot, window, store
):
    """A blank price was saved as ¥0.00 without a word, and the till then rang it up free."""
    log_in(qtbot, window, "老板", "8888")
    page = _office(qtbot, window, "商品").items
    click(qtbot, child(page, QPushButton, "add_item"))
    form = page.dialog
    qtbot.waitUntil(form.isVisible)
    type_into(qtbot, child(form, QLineEdit, "item_code_field"), "X001")
    ime_commit(child(form, QLineEdit, "item_name_field"), "丝巾")
    click(qtbot, child(form, QPushButton, "save_item"))
    error = child(form, QLabel, "price_error")
    qtbot.waitUntil(error.isVisible)
    assert error.text() == "请填写单价（赠品填 0）"
    assert form.isVisible()
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Item)) == 0

    type_into(qtbot, child(form, QLineEdit, "item_price_field"), "0")  # a gift, said so
    click(qtbot, child(form, QPushButton, "save_item"))
    qtbot.waitUntil(lambda: not form.isVisible())
    qtbot.waitUntil(lambda: page.table.rowCount() == 1)
    click_row(qtbot, page.table, 0)
    click(qtbot, child(page, QPushButton, "edit_item"))
    form = page.dialog
    qtbot.waitUntil(form.isVisible)
    assert child(form, QLineEdit, "item_price_field").text() == "0.00"  # kept, not blanked
    click(qtbot, child(form, QPushButton, "save_item"))
    qtbot.waitUntil(lambda: not form.isVisible())
    with store.read() as s:
        assert s.scalars(select(Item.price)).all() == [0]


def test_every_problem_of_the_shops_details_shows_beside_its_field_at_once(qtbot, window, store):
    """An empty name, a wrong phone, till number and card prefix took four saves to find,
    one message at a time."""
    log_in(qtbot, window, "老板", "8888")
    page = _office(qtbot, window, "店铺与语言").shop
    before = get_shop(store)
    type_into(qtbot, page.name, "")
    type_into(qtbot, page.phone, "hello")
    type_into(qtbot, child(page, QLineEdit, "shop_terminal_code"), "x")
    type_into(qtbot, child(page, QLineEdit, "shop_card_prefix"), "abc")
    click(qtbot, child(page, QPushButton, "shop_save"))
    name_error = child(page, QLabel, "name_error")
    qtbot.waitUntil(name_error.isVisible)
    assert name_error.text() == "请填写店名"
    assert "hello 不是有效的号码" in child(page, QLabel, "phone_error").text()
    assert "收银台号 x 无效" in child(page, QLabel, "terminal_code_error").text()
    assert child(page, QLabel, "card_prefix_error").isVisible()
    assert get_shop(store) == before  # nothing saved

    type_into(qtbot, page.name, "悦己服饰")
    type_into(qtbot, page.phone, "021-64000000")
    type_into(qtbot, child(page, QLineEdit, "shop_terminal_code"), "02")
    type_into(qtbot, child(page, QLineEdit, "shop_card_prefix"), "88")
    click(qtbot, child(page, QPushButton, "shop_save"))
    qtbot.waitUntil(lambda: get_shop(store).name == "悦己服饰")
    assert not name_error.isVisible()
    assert (get_shop(store).terminal_code, get_shop(store).phone) == ("02", "021-64000000")


def test_leaving_the_program_page_with_changes_not_saved_asks_first(qtbot, window, store):
    """Another page chosen, then this one again: the owner's changes were gone unasked."""
    log_in(qtbot, window, "老板", "8888")
    office = _office(qtbot, window, "会员方案")
    page = office.program
    share = page.form.fields["redeem.max_share_percent"]
    type_into(qtbot, share.lineEdit(), "30", enter=True)
    click_item(qtbot, office.menu, "代金券")
    box = office.leave_question
    qtbot.waitUntil(lambda: box is not None and box.isVisible())
    assert "没有保存" in box.text()
    assert office.pages.currentWidget() is page
    assert office.menu.currentItem().text() == "会员方案"
    qtbot.waitUntil(lambda: [i.text() for i in office.menu.selectedItems()] == ["会员方案"])
    click(qtbot, child(box, QPushButton, "stay_on_page"))
    qtbot.waitUntil(lambda: not box.isVisible())
    assert office.pages.currentWidget() is page and share.value() == 30  # kept

    click_item(qtbot, office.menu, "代金券")
    box = office.leave_question
    qtbot.waitUntil(box.isVisible)
    click(qtbot, child(box, QPushButton, "leave_page"))
    qtbot.waitUntil(lambda: office.pages.currentWidget() is office.coupons)
    assert [i.text() for i in office.menu.selectedItems()] == ["代金券"]
    click_item(qtbot, office.menu, "会员方案")  # nothing unsaved here: no question
    assert office.pages.currentWidget() is page
    assert share.value() == current_program(store).program.redeem.max_share_percent


def test_leaving_the_shop_page_unchanged_asks_nothing_and_changed_asks(qtbot, window):
    log_in(qtbot, window, "老板", "8888")
    office = _office(qtbot, window, "店铺与语言")
    click_item(qtbot, office.menu, "员工")
    assert office.pages.currentWidget() is office.staff and office.leave_question is None
    click_item(qtbot, office.menu, "店铺与语言")
    type_into(qtbot, office.shop.address, "上海市长宁区")
    click_item(qtbot, office.menu, "员工")
    qtbot.waitUntil(lambda: office.leave_question is not None and office.leave_question.isVisible())
    assert office.pages.currentWidget() is office.shop


def test_a_problem_shown_on_the_shop_page_goes_with_the_values_it_was_about(qtbot, window):
    """Left and come back to, the page showed the shop as saved beside “请填写店名”."""
    log_in(qtbot, window, "老板", "8888")
    office = _office(qtbot, window, "店铺与语言")
    page = office.shop
    type_into(qtbot, page.name, "")
    click(qtbot, child(page, QPushButton, "shop_save"))
    error = child(page, QLabel, "name_error")
    qtbot.waitUntil(error.isVisible)
    click_item(qtbot, office.menu, "员工")
    qtbot.waitUntil(lambda: office.leave_question is not None and office.leave_question.isVisible())
    click(qtbot, child(office.leave_question, QPushButton, "leave_page"))
    qtbot.waitUntil(lambda: office.pages.currentWidget() is office.staff)
    click_item(qtbot, office.menu, "店铺与语言")
    assert page.name.text()  # the shop's name as saved
    assert not error.isVisible()


def test_a_refused_pin_is_not_left_beside_the_next_person_chosen(qtbot, window):
    log_in(qtbot, window, "老板", "8888")
    page = _office(qtbot, window, "员工").staff
    click_row(qtbot, page.table, 1)
    click(qtbot, child(page, QPushButton, "staff_reset_pin"))
    error = child(page.edit_form, QLabel, "pin_error")
    qtbot.waitUntil(error.isVisible)
    click_row(qtbot, page.table, 2)
    assert not error.isVisible()


def test_the_sync_page_says_beside_the_box_what_to_put_right(qtbot, window, store):
    """An address filled and the till's number not: the bar said sync was not set up and to
    fill the page the owner was on."""
    from memberdesk.core.sync.config import sync_config

    log_in(qtbot, window, "老板", "8888")
    page = _office(qtbot, window, "同步到总部").sync
    type_into(qtbot, page.url, "https://hq.example.com")
    click(qtbot, child(page, QPushButton, "sync_save"))
    terminal_error = child(page.form, QLabel, "terminal_error")
    qtbot.waitUntil(terminal_error.isVisible)
    assert terminal_error.text() == "请填写总部给的本收银台编号"
    assert "同步到总部" not in page.bar.text()
    type_into(qtbot, page.url, "hq.example.com")
    type_into(qtbot, page.terminal, "S001-01")
    click(qtbot, child(page, QPushButton, "sync_save"))
    url_error = child(page.form, QLabel, "url_error")
    qtbot.waitUntil(url_error.isVisible)
    assert "https://" in url_error.text() and not terminal_error.isVisible()
    assert sync_config(store) is None  # nothing saved


def test_the_day_report_kept_open_past_midnight_shows_the_new_day(qtbot, window, store, clock):
    """Built before midnight, the page could not go past that day: the new day's report
    could not be chosen, and “后一天” did nothing on the last day."""
    log_in(qtbot, window, "老板", "8888")
    office = _office(qtbot, window, "日结报表")
    page = office.report
    first = page.chosen_day()
    assert not child(page, QPushButton, "report_next").isEnabled()  # today: no day after
    click(qtbot, child(page, QPushButton, "report_previous"))
    assert child(page, QPushButton, "report_next").isEnabled()
    click(qtbot, child(page, QPushButton, "report_next"))
    assert page.chosen_day() == first

    clock.advance(days=1)  # the till left open overnight
    click_item(qtbot, office.menu, "仪表盘")
    click_item(qtbot, office.menu, "日结报表")
    assert page.chosen_day() == first + timedelta(days=1)
    assert not child(page, QPushButton, "report_next").isEnabled()


def test_a_staff_name_longer_than_the_till_keeps_is_refused_beside_it(qtbot, window, store):
    log_in(qtbot, window, "老板", "8888")
    page = _office(qtbot, window, "员工").staff
    with store.read() as s:
        before = s.scalar(select(func.count()).select_from(Staff))
    ime_commit(child(page, QLineEdit, "staff_name"), "长" * 41)
    type_into(qtbot, child(page, QLineEdit, "staff_pin"), "2468")
    click(qtbot, child(page, QPushButton, "staff_add"))
    error = child(page, QLabel, "name_error")
    qtbot.waitUntil(error.isVisible)
    assert "40" in error.text()
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Staff)) == before


def test_a_discount_limit_that_cannot_be_read_is_said_beside_its_field(qtbot, window, store):
    """“abc” typed as the manager's 折 was said in the bar, not which of the four fields."""
    from memberdesk.core.till.discounts import discount_limits

    log_in(qtbot, window, "老板", "8888")
    page = _office(qtbot, window, "折扣权限").limits
    before = discount_limits(store)
    type_into(qtbot, child(page, QLineEdit, "manager_zhe"), "abc")
    click(qtbot, page.save_button)
    error = child(page.form, QLabel, "manager_zhe_error")
    qtbot.waitUntil(error.isVisible)
    assert "“abc”不是有效的折扣" in error.text()
    assert not child(page.form, QLabel, "cashier_zhe_error").isVisible()
    assert discount_limits(store) == before
    type_into(qtbot, child(page, QLineEdit, "manager_zhe"), "8")
    click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: "折扣权限已保存" in page.bar.text())
    assert not error.isVisible()


def test_a_refused_change_of_the_only_owner_shows_what_the_owner_still_is(qtbot, window):
    """Refused, the box still said 在职 off while the list said 是: which was true?"""
    from PySide6.QtCore import QPoint, Qt

    log_in(qtbot, window, "老板", "8888")
    page = _office(qtbot, window, "员工").staff
    row = page.table.column_texts(0).index("老板")
    click_row(qtbot, page.table, row)
    assert page.active.isChecked()
    qtbot.mouseClick(
        page.active, Qt.MouseButton.LeftButton, pos=QPoint(8, page.active.height() // 2)
    )
    assert not page.active.isChecked()
    click(qtbot, child(page, QPushButton, "staff_save_role"))
    qtbot.waitUntil(lambda: "唯一的老板" in page.bar.text())
    assert page.active.isChecked() and page.table.item(row, 2).text() == "是"


def test_the_journals_member_box_shows_all_it_takes(qtbot, window):
    """At 1366×768 its hint read “卡号、手机号、…”: what else it took was cut off."""
    log_in(qtbot, window, "老板", "8888")
    window.workspace.setCurrentWidget(window.workspace.journal)
    box = child(window.workspace.journal, QLineEdit, "journal_member")
    qtbot.waitUntil(box.isVisible)
    assert box.placeholderText() == "卡号、手机号、姓名"
    margins = box.textMargins().left() + box.textMargins().right() + 12  # frame and padding
    assert box.width() >= box.fontMetrics().horizontalAdvance(box.placeholderText()) + margins


def _printer_host(qtbot, page) -> QLineEdit:
    page.way.setCurrentIndex(page.way.findData("net"))  # a network printer chosen
    qtbot.waitUntil(page.host.isVisible)
    return page.host


# the page in the menu, the box typed into (after what shows it), the text typed there
GUARDED = {
    "打印机": ("printer", _printer_host, "192.168.1.50"),
    "折扣权限": ("limits", lambda _qtbot, page: child(page, QLineEdit, "manager_zhe"), "6.5"),
    "同步到总部": ("sync", lambda _qtbot, page: page.url, "https://hq.example.com"),
}


@pytest.mark.parametrize("menu_name", list(GUARDED))
def test_leaving_a_settings_page_with_typing_not_saved_asks_first(qtbot, window, menu_name):
    """The printer, discount limit and sync pages dropped what was typed and not saved
    when the owner clicked another page."""
    attribute, box_of, typed = GUARDED[menu_name]
    log_in(qtbot, window, "老板", "8888")
    office = _office(qtbot, window, menu_name)
    page = getattr(office, attribute)
    click_item(qtbot, office.menu, "员工")  # nothing typed: leaves without asking
    assert office.pages.currentWidget() is office.staff and office.leave_question is None

    click_item(qtbot, office.menu, menu_name)
    box = box_of(qtbot, page)
    saved = box.text()
    type_into(qtbot, box, typed)
    click_item(qtbot, office.menu, "员工")
    question = office.leave_question
    qtbot.waitUntil(lambda: question is not None and question.isVisible())
    assert "没有保存" in question.text()
    assert office.pages.currentWidget() is page
    click(qtbot, child(question, QPushButton, "stay_on_page"))
    qtbot.waitUntil(lambda: not question.isVisible())
    assert office.pages.currentWidget() is page and box.text() == typed  # kept
    qtbot.waitUntil(lambda: [i.text() for i in office.menu.selectedItems()] == [menu_name])

    click_item(qtbot, office.menu, "员工")
    question = office.leave_question
    qtbot.waitUntil(question.isVisible)
    click(qtbot, child(question, QPushButton, "leave_page"))
    qtbot.waitUntil(lambda: office.pages.currentWidget() is office.staff)
    assert [i.text() for i in office.menu.selectedItems()] == ["员工"]
    click_item(qtbot, office.menu, menu_name)  # dropped: the page as saved, no question
    assert office.pages.currentWidget() is page and box.text() == saved != typed
    click_item(qtbot, office.menu, "员工")
    assert office.pages.currentWidget() is office.staff

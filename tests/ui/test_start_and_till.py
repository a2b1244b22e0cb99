"""First start, logging in, the till's keys, languages."""

from __future__ import annotations

import argparse
import gc
import re
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
)
from sqlalchemy import func, select

from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.shop.details import get_shop
from memberdesk.core.shop.staff import list_staff, login, recover_owner_pin
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Member, Refund, Sale, Staff
from memberdesk.ui import main_window
from memberdesk.ui.context import AppContext
from memberdesk.ui.main_window import MainWindow, run_window

from .conftest import child, click, click_item, click_row, ime_commit, log_in, type_into


def test_no_data_offers_to_create_the_shop(qtbot, empty_window):
    w = empty_window
    setup = w.setup
    assert setup.isVisible()
    type_into(qtbot, child(setup, QLineEdit, "setup_name"), "小林服饰")
    type_into(qtbot, child(setup, QLineEdit, "setup_phone"), "021-5555")
    type_into(qtbot, child(setup, QLineEdit, "setup_pin"), "12", enter=True)  # Enter submits
    pin_error = child(setup, QLabel, "pin_error")
    assert "PIN 必须是 4–8 位数字" in pin_error.text()
    assert list_staff(w.ctx.store) == []
    type_into(qtbot, child(setup, QLineEdit, "setup_pin"), "2580")
    assert not pin_error.isVisible()  # fixed: the message goes at once
    type_into(qtbot, child(setup, QLineEdit, "setup_pin_again"), "2588", enter=True)
    again_error = child(setup, QLabel, "pin_again_error")
    assert again_error.text() == "两次输入的 PIN 不一致，请输入同一个 PIN"
    assert list_staff(w.ctx.store) == [] and setup.isVisible()
    type_into(qtbot, child(setup, QLineEdit, "setup_pin_again"), "2580")
    assert not again_error.isVisible()
    qtbot.keyClick(child(setup, QLineEdit, "setup_pin_again"), Qt.Key.Key_Return)
    phone_error = child(setup, QLabel, "phone_error")
    qtbot.waitUntil(phone_error.isVisible)  # a Shanghai landline has eight digits
    assert "店铺电话 021-5555 不是有效的号码" in phone_error.text()
    assert list_staff(w.ctx.store) == [] and get_shop(w.ctx.store).name != "小林服饰"
    phone = child(setup, QLineEdit, "setup_phone")
    assert phone.hasFocus() and phone.selectedText() == "021-5555"  # typing replaces it
    qtbot.keyClicks(phone, "021-5555 6666")
    click(qtbot, child(setup, QPushButton, "create_shop"))
    code = the_recovery_code_is_written_down(qtbot, w)
    assert get_shop(w.ctx.store).name == "小林服饰"
    assert get_shop(w.ctx.store).phone == "021-5555 6666"
    assert [(s.name, s.role) for s in list_staff(w.ctx.store)] == [("老板", "owner")]
    log_in(qtbot, w, "老板", "2580", opening_float="0")
    assert w.workspace.till.isVisible()
    # The code shown is the shop's: it sets the owner's forgotten PIN.
    recover_owner_pin(w.ctx.store, "老板", code, "1357")
    assert login(w.ctx.store, "老板", "1357").role == "owner"


CODE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}")


def the_recovery_code_is_written_down(qtbot, w, *, enter: bool = False) -> str:
    """Once the shop is made, the owner's recovery code is shown, to be written down,
    before the log-in: the only time the window shows it."""
    setup = w.setup
    code = child(setup, QLabel, "recovery_code")
    qtbot.waitUntil(code.isVisible)
    shown = code.text()
    assert CODE.fullmatch(shown), shown
    note = child(setup, QLabel, "recovery_note").text()
    assert "请立即抄下" in note and "远离收银台" in note and "只显示这一次" in note, note
    assert not w.login.isVisible() and not child(setup, QPushButton, "create_shop").isVisible()
    # The shop exists now: the heading no longer says there is none.
    assert child(setup, QLabel, "setup_title").text() == "店铺已建好：请抄下老板恢复码"
    written = child(setup, QPushButton, "recovery_written")
    if enter:
        assert written.hasFocus()
        qtbot.keyClick(written, Qt.Key.Key_Return)
    else:
        click(qtbot, written)
    qtbot.waitUntil(w.login.isVisible)
    assert code.text() == ""  # gone from the window
    return shown


def test_the_window_opens_maximized_on_a_screen_smaller_than_its_size(
    qtbot, app, tmp_path, monkeypatch
):
    """On a 1024×768 screen the window opened 1366 wide: the set-up's fields, the PIN pad's
    right-hand keys and every error beside a field lay beyond the screen's right edge."""
    seen = {}

    class Started:  # the application, as `memberdesk` starts it, looked at instead of run
        def exec(self) -> int:
            w = next(x for x in QApplication.topLevelWidgets() if isinstance(x, MainWindow))
            room = w.screen().availableGeometry().size()
            assert room.width() < 1366  # the test screen is the small one
            seen["maximized"] = w.isMaximized()
            w.close()
            return 0

    monkeypatch.setattr(main_window, "make_application", lambda lang: Started())
    try:
        assert run_window(argparse.Namespace(db=tmp_path / "shop.sqlite", lang=None)) == 0
    finally:
        gc.unfreeze()
    assert seen == {"maximized": True}


def test_enter_in_the_set_up_moves_down_the_form_and_the_last_field_creates(qtbot, empty_window):
    """Typing the shop's name and Enter went to the masked PIN field: the address typed next
    became the owner's PIN, unseen."""
    w = empty_window
    setup = w.setup
    name = child(setup, QLineEdit, "setup_name")
    type_into(qtbot, name, "", enter=True)  # nothing typed: the problem shows and Enter stays
    assert child(setup, QLabel, "name_error").text() == "请填写店名"
    assert name.hasFocus()
    qtbot.keyClicks(name, "xiaolin")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    address = child(setup, QLineEdit, "setup_address")
    assert address.hasFocus()
    qtbot.keyClicks(address, "Nanjing Rd 1")
    qtbot.keyClick(address, Qt.Key.Key_Return)
    phone = child(setup, QLineEdit, "setup_phone")
    assert phone.hasFocus()
    qtbot.keyClicks(phone, "021-5555 6666")
    qtbot.keyClick(phone, Qt.Key.Key_Return)
    assert child(setup, QComboBox, "setup_timezone").hasFocus()
    for _ in range(4):  # time zone, store code, till number, card prefix: kept as they are
        qtbot.keyClick(w.focusWidget(), Qt.Key.Key_Return)
    preset = child(setup, QComboBox, "setup_preset")
    assert preset.hasFocus()
    qtbot.keyClick(preset, Qt.Key.Key_Return)
    owner = child(setup, QLineEdit, "setup_owner")
    assert owner.hasFocus()
    qtbot.keyClick(owner, Qt.Key.Key_Return)
    pin = child(setup, QLineEdit, "setup_pin")
    assert pin.hasFocus() and pin.text() == ""
    qtbot.keyClicks(pin, "2580")
    qtbot.keyClick(pin, Qt.Key.Key_Return)
    again = child(setup, QLineEdit, "setup_pin_again")
    assert again.hasFocus()
    assert list_staff(w.ctx.store) == []  # nothing created before the last field
    qtbot.keyClicks(again, "2580")
    qtbot.keyClick(again, Qt.Key.Key_Return)
    the_recovery_code_is_written_down(qtbot, w, enter=True)
    shop = get_shop(w.ctx.store)
    assert (shop.name, shop.address, shop.phone) == ("xiaolin", "Nanjing Rd 1", "021-5555 6666")
    log_in(qtbot, w, "老板", "2580", opening_float="0")


def test_the_set_up_takes_the_tills_codes_in_the_chain(qtbot, empty_window):
    w = empty_window
    setup = w.setup
    type_into(qtbot, child(setup, QLineEdit, "setup_name"), "小林服饰二店")
    type_into(qtbot, child(setup, QLineEdit, "setup_pin"), "2580")
    type_into(qtbot, child(setup, QLineEdit, "setup_pin_again"), "2580")
    type_into(qtbot, child(setup, QLineEdit, "setup_store_code"), "s002")
    type_into(qtbot, child(setup, QLineEdit, "setup_terminal_code"), "100")
    type_into(qtbot, child(setup, QLineEdit, "setup_card_prefix"), "8004")
    click(qtbot, child(setup, QPushButton, "create_shop"))
    assert "收银台号 100 无效" in child(setup, QLabel, "terminal_code_error").text()
    assert list_staff(w.ctx.store) == []  # one action: nothing of it written
    type_into(qtbot, child(setup, QLineEdit, "setup_terminal_code"), "02")
    assert not child(setup, QLabel, "terminal_code_error").isVisible()
    click(qtbot, child(setup, QPushButton, "create_shop"))
    the_recovery_code_is_written_down(qtbot, w)
    shop = get_shop(w.ctx.store)
    assert (shop.store_code, shop.terminal_code, shop.card_prefix) == ("S002", "02", "8004")


def test_the_set_up_offers_time_zones_by_name_and_keeps_the_iana_name(qtbot, empty_window):
    """A new owner reads 中国标准时间（北京时间）, not Asia/Shanghai; the shop keeps the IANA
    name, and a zone not listed is typed by it."""
    w = empty_window
    setup = w.setup
    tz = child(setup, QComboBox, "setup_timezone")
    assert tz.currentText() == "中国标准时间（北京时间）"
    assert "香港时间" in [tz.itemText(i) for i in range(tz.count())]
    assert not any("/" in tz.itemText(i) for i in range(tz.count()))
    tz.setCurrentIndex(tz.findText("香港时间"))
    type_into(qtbot, child(setup, QLineEdit, "setup_name"), "小林服饰")
    type_into(qtbot, child(setup, QLineEdit, "setup_pin"), "2580")
    type_into(qtbot, child(setup, QLineEdit, "setup_pin_again"), "2580")
    click(qtbot, child(setup, QPushButton, "create_shop"))
    the_recovery_code_is_written_down(qtbot, w)
    assert get_shop(w.ctx.store).timezone == "Asia/Hong_Kong"


def test_no_data_opens_the_set_up_whose_demo_lives_in_its_own_file(
    qtbot, empty_window, demo_file, tmp_path
):
    w = empty_window
    shop_file = tmp_path / "new" / "memberdesk.sqlite"
    assert w.setup.isVisible() and "演示" not in w.windowTitle()
    assert child(w.setup, QPushButton, "open_demo").text() == "打开演示店"
    click(qtbot, child(w.setup, QPushButton, "open_demo"))
    qtbot.waitUntil(w.login.isVisible, timeout=120_000)
    demo_store = w.ctx.store
    try:
        assert demo_store.path == demo_file and demo_file.exists()
        assert w.windowTitle().endswith("演示店：不是本店的数据")
        assert w.login.staff.count() == 4
        with demo_store.read() as s:
            assert s.scalar(select(func.count()).select_from(Member)) >= 290
        # the shop's own data folder holds none of it: its next start is the set-up again
        assert demo_file.parent != shop_file.parent
        assert not any("demo" in p.name for p in shop_file.parent.iterdir())
        with Store(shop_file) as own:
            assert list_staff(own) == [] and get_shop(own).name != get_shop(demo_store).name
            with own.read() as s:
                assert s.scalar(select(func.count()).select_from(Member)) == 0
        again = MainWindow(AppContext(Store(shop_file), "zh_CN"), startup_jobs=False)
        qtbot.addWidget(again)
        again.show()
        assert again.setup.isVisible() and not again.login.isVisible()
        # the demo tried before is offered as such: its sales are still in it
        assert child(again.setup, QPushButton, "open_demo").text() == "回到演示店"
        again.ctx.store.close()

        log_in(qtbot, w, "老板", "8888", opening_float="0")
        assert w.windowTitle().endswith("演示店：不是本店的数据")  # still, once logged in
    finally:
        w.ctx.shutdown()
        demo_store.close()


def test_wrong_pin_says_how_many_tries_are_left(qtbot, window):
    login = window.login
    click_item(qtbot, login.staff, "收银员")
    qtbot.keyClicks(login.pad.edit, "9999")
    qtbot.keyClick(login.pad.edit, Qt.Key.Key_Return)
    assert "PIN 不正确，还可以再试 4 次" in login.error.text()
    assert window.workspace is None


def test_help_hold_recall_and_duplicate_phone(qtbot, window, store, owner):
    holder = issue_card(store, owner, MemberForm(name="钱八", phone="13600008888"))
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    qtbot.keyClick(till.scan, Qt.Key.Key_F1)
    assert till.help.isVisible()
    keys = [lbl.text() for lbl in till.help.findChildren(QLabel)]
    assert "<b>F12</b>" in keys and "完成收款" in keys
    qtbot.keyClick(till.help, Qt.Key.Key_Escape)
    assert not till.help.isVisible()

    qtbot.keyClick(till.scan, Qt.Key.Key_F4)
    type_into(qtbot, till.lines.price, "88", enter=True)
    qtbot.keyClick(till.lines.price, Qt.Key.Key_F7)
    assert till.lines.table.rowCount() == 0 and "已挂单" in till.bar.text()
    qtbot.keyClick(till.scan, Qt.Key.Key_F8)
    assert till.lines.table.rowCount() == 1 and till.lines.total.text() == "应收 ¥88.00"

    # the member is attached after the lines: the sale is re-priced for them
    qtbot.keyClicks(till.scan, "8888")  # last four digits of the phone, typed
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "钱八")
    assert till.payment.earn.text() == "本单积分：+88"

    qtbot.keyClick(till.scan, Qt.Key.Key_F3)
    form = till.dialog
    type_into(qtbot, child(form, QLineEdit, "member_name_field"), "孙九")
    type_into(qtbot, child(form, QLineEdit, "member_phone_field"), "13600008888")
    click(qtbot, child(form, QPushButton, "save_member"))
    assert (
        child(form, QLabel, "phone_error").text()
        == f"该手机号已被会员 钱八（卡号 {holder.card_no}）使用"
    )
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == 1


def test_a_wrong_manager_pin_counts_against_the_chosen_approver_and_refunds_nothing(
    qtbot, window, store, owner
):
    issue_card(store, owner, MemberForm(name="吴十", phone="13600009999"))
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    ime_commit(till.scan, "吴十")  # a name comes through the input method
    time.sleep(0.2)  # a person pauses before Enter
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "吴十")
    type_into(qtbot, till.lines.price, "50", enter=True)
    qtbot.keyClick(till.lines.price, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: "已完成" in till.last_label.text())
    till.dialog.reject()
    members = window.workspace.members
    window.workspace.setCurrentWidget(members)
    type_into(qtbot, members.search, "9999", enter=True)  # the phone's last four digits
    qtbot.waitUntil(lambda: members.panel.name.text() == "吴十")
    click_row(qtbot, members.history.sales, 0)
    click(qtbot, members.history.refund_button)
    click(qtbot, child(members.dialog, QPushButton, "confirm_refund"))
    auth = members.dialog.findChild(QDialog, "authorise_dialog")
    qtbot.waitUntil(auth.isVisible)
    receipt = members.dialog.sale.receipt_no
    # what is approved, and how much; nobody is taken as the approver
    assert child(auth, QLabel, "authorise_detail").text() == f"退款 ¥50.00（小票 {receipt}）"
    who = child(auth, QComboBox, "authoriser")
    assert who.currentIndex() == -1 and who.currentText() == ""
    qtbot.keyClicks(auth.pad.edit, "0000")
    qtbot.keyClick(auth.pad.edit, Qt.Key.Key_Return)
    assert auth.error.text() == "请先选择审批人"
    assert _failed_pins(store) == {"老板": 0, "店长": 0, "收银员": 0}

    who.setFocus()
    while who.currentData() != "店长":
        qtbot.keyClick(who, Qt.Key.Key_Down)
    assert not auth.error.isVisible()
    qtbot.keyClicks(auth.pad.edit, "0000")
    qtbot.keyClick(auth.pad.edit, Qt.Key.Key_Return)
    assert "PIN 不正确" in auth.error.text()
    # the wrong PIN counts against the one who chose their name, not the owner
    assert _failed_pins(store) == {"老板": 0, "店长": 1, "收银员": 0}
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Refund)) == 0


def _failed_pins(store) -> dict[str, int]:
    with store.read() as s:
        return {row.name: row.failed_pins for row in s.scalars(select(Staff))}


def test_languages_and_qt_buttons(qtbot, window):
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    qtbot.addWidget(box)
    texts = [b.text() for b in box.buttons()]
    assert "确定" in texts and "取消" in texts  # Qt's own catalogue is loaded too
    log_in(qtbot, window, "老板", "8888")
    tabs = window.workspace
    assert [tabs.tabText(i) for i in range(4)] == ["收银", "会员", "回访", "后台"]
    office = tabs.backoffice
    tabs.setCurrentWidget(office)
    click_item(qtbot, office.menu, "店铺与语言")
    combo = child(office.shop, QComboBox, "language")
    combo.setFocus()
    while combo.currentData() != "en":
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    click(qtbot, child(office.shop, QPushButton, "shop_save"))
    qtbot.waitUntil(lambda: window.workspace.tabText(0) == "Till")
    office = window.workspace.backoffice
    combo = child(office.shop, QComboBox, "language")
    combo.setFocus()
    while combo.currentData() != "zh_TW":
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    click(qtbot, child(office.shop, QPushButton, "shop_save"))
    qtbot.waitUntil(lambda: window.workspace.tabText(0) == "收銀")
    assert window.workspace.tabText(3) == "後臺"


def test_member_panel_badges_a_birthday_this_week_and_warns_of_a_frozen_card(
    qtbot, window, store, owner
):
    from datetime import date

    from memberdesk.core.members.member import freeze

    born = issue_card(
        store, owner, MemberForm(name="冯二", phone="13600001212", birthday=date(1990, 3, 12))
    )
    frozen = issue_card(store, owner, MemberForm(name="陈三", phone="13600003434"))
    freeze(store, owner, frozen.id, "欠款")
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    qtbot.keyClicks(till.scan, born.card_no)
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "冯二")
    assert (
        till.member_panel.badge.isVisible() and till.member_panel.badge.text() == "本周生日：03-12"
    )
    qtbot.keyClicks(till.scan, frozen.card_no)
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(till.bar.isVisible)
    assert "会员 陈三 已冻结，不能消费" in till.bar.text()


def test_a_clock_hq_found_wrong_is_in_the_status_bar_and_the_till_refuses_the_sale(
    qtbot, window, store
):
    from datetime import UTC, datetime, timedelta

    from memberdesk.core.shop.clock_check import record_hq_time

    now = datetime.now(UTC)
    with store.write() as uow:  # the last handshake found this computer 40 days behind HQ
        record_hq_time(uow.session, now + timedelta(days=40), now)
    window._show_sync()
    assert "本机时钟与总部相差 57600 分钟" in window.sync_label.text()
    log_in(qtbot, window, "收银员", "1111", opening_float="0")
    till = window.workspace.till
    type_into(qtbot, till.lines.price, "12.50", enter=True)
    qtbot.keyClick(till.lines.price, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: "本机时钟" in till.bar.text(), timeout=5000)
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Sale)) == 0

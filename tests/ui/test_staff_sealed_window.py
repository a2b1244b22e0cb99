"""A staff row changed in the shop's file is refused at the log-in screen and in the
manager's-PIN dialog, with what to do; the owner puts it right on the staff page."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPushButton

from memberdesk.core.shop.staff import hash_pin, login
from memberdesk.ui.members.authorise import AuthoriseDialog

from .conftest import child, click, click_item, click_row, log_in


def _in_the_file(db_path, sql: str, *params: object) -> None:
    con = sqlite3.connect(db_path)
    with con:
        con.execute(sql, params)
    con.close()


def test_a_cashier_made_manager_in_the_file_is_refused_until_the_owner_sets_them_again(
    qtbot, window, store, db_path
):
    _in_the_file(db_path, "UPDATE staff SET role = 'manager' WHERE name = '收银员'")
    screen = window.login
    click_item(qtbot, screen.staff, "收银员")
    qtbot.keyClicks(screen.pad.edit, "1111")
    qtbot.keyClick(screen.pad.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "在本软件之外被改动" in screen.error.text())
    assert "请老板到员工页面重新设置其角色和 PIN" in screen.error.text()
    assert window.workspace is None

    log_in(qtbot, window, "老板", "8888")
    window.workspace.setCurrentWidget(window.workspace.backoffice)
    office = window.workspace.backoffice
    click_item(qtbot, office.menu, "员工")
    page = office.staff
    click_row(qtbot, page.table, page.table.column_texts(0).index("收银员"))
    page.role.setCurrentIndex(page.role.findData("cashier"))
    click(qtbot, child(page, QPushButton, "staff_save_role"))
    qtbot.waitUntil(lambda: "收银员" in page.bar.text())
    assert login(store, "收银员", "1111").role == "cashier"


def test_a_managers_pin_put_in_the_file_approves_nothing(qtbot, window, store, db_path):
    log_in(qtbot, window, "收银员", "1111")
    _in_the_file(db_path, "UPDATE staff SET pin_hash = ? WHERE name = '店长'", hash_pin("2468"))
    approved = []
    dialog = AuthoriseDialog(window.ctx, "refund", window)
    dialog.authorised.connect(approved.append)
    dialog.open()
    qtbot.waitExposed(dialog)
    who = child(dialog, QComboBox, "authoriser")
    who.setCurrentIndex(who.findData("店长"))
    qtbot.keyClicks(dialog.pad.edit, "2468")
    qtbot.keyClick(dialog.pad.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "员工 店长 的记录已在本软件之外被改动" in dialog.error.text())
    assert dialog.isVisible() and approved == []
    dialog.reject()

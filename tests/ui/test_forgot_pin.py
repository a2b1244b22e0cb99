"""An owner who forgot their PIN sets a new one at the log-in screen with the recovery code."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QLabel, QLineEdit, QPushButton

from memberdesk.core.errors import DomainError
from memberdesk.core.shop.staff import login, new_recovery_code, recover_owner_pin

from .conftest import child, click, click_item, log_in


def _open_forgot(qtbot, window, name: str) -> QDialog:
    login_view = window.login
    qtbot.waitUntil(login_view.staff.isVisible)
    click_item(qtbot, login_view.staff, name)
    click(qtbot, child(login_view, QPushButton, "forgot_pin"))
    dialog = next(
        (w for w in QApplication.topLevelWidgets()
         if w.objectName() == "forgot_pin_dialog" and w.isVisible()),
        None,
    )  # fmt: skip
    assert dialog is not None, "no forgot-PIN dialog"
    qtbot.waitExposed(dialog)
    return dialog


def _fields(dialog: QDialog) -> tuple[QLineEdit, QLineEdit, QLineEdit]:
    return (child(dialog, QLineEdit, "forgot_code"), child(dialog, QLineEdit, "forgot_pin"),
            child(dialog, QLineEdit, "forgot_pin_again"))  # fmt: skip


def _type_in_order(qtbot, dialog: QDialog, code: str, pin: str, again: str) -> None:
    """As a person does it: type, Enter to move on; Enter in the last field sends."""
    for text in (code, pin, again):
        field = QApplication.focusWidget()
        assert isinstance(field, QLineEdit) and field.window() is dialog, field
        qtbot.keyClicks(field, text)
        qtbot.keyClick(field, Qt.Key.Key_Return)


def _error(dialog: QDialog, key: str) -> str:
    label = child(dialog, QLabel, f"{key}_error")
    return label.text() if label.isVisible() else ""


def test_an_owner_who_forgot_the_pin_sets_a_new_one_with_the_code_and_logs_in(
    qtbot, window, store, owner, tmp_path
):
    code = new_recovery_code(store, owner)
    dialog = _open_forgot(qtbot, window, "老板")
    assert child(dialog, QComboBox, "forgot_who").currentData() == "老板"
    code_field, pin, again = _fields(dialog)
    assert pin.echoMode() == QLineEdit.EchoMode.Password
    assert again.echoMode() == QLineEdit.EchoMode.Password
    qtbot.waitUntil(code_field.hasFocus)
    _type_in_order(qtbot, dialog, code.lower(), "1357", "1357")

    shown = child(dialog, QLabel, "recovery_code")
    qtbot.waitUntil(shown.isVisible)
    new_code = shown.text()
    assert len(new_code) == 19 and new_code != code
    note = child(dialog, QLabel, "recovery_note").text()
    assert "请立即抄下" in note and "远离收银台" in note and "只显示这一次" in note
    assert not code_field.isVisible()
    dialog.grab().save(str(tmp_path / "forgot_pin_new_code.png"))
    with pytest.raises(DomainError):  # the code typed is used up
        recover_owner_pin(store, "老板", code, "2468")

    written = child(dialog, QPushButton, "recovery_written")
    qtbot.waitUntil(written.hasFocus)
    qtbot.keyClick(written, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert shown.text() == ""  # shown once only
    assert window.login.staff.currentItem().text().startswith("老板")
    log_in(qtbot, window, "老板", "1357")
    assert window.ctx.actor.name == "老板"
    assert recover_owner_pin(store, "老板", new_code, "2468")  # the code shown is the shop's


def test_a_wrong_code_says_how_many_tries_are_left_and_changes_nothing(
    qtbot, window, store, owner, tmp_path
):
    code = new_recovery_code(store, owner)
    dialog = _open_forgot(qtbot, window, "老板")
    code_field, pin, again = _fields(dialog)
    qtbot.waitUntil(code_field.hasFocus)
    _type_in_order(qtbot, dialog, "ABCD-EFGH-JKMN-PQRS", "1357", "1357")
    qtbot.waitUntil(lambda: "恢复码不正确，还可以再试 4 次" in _error(dialog, "code"))
    dialog.grab().save(str(tmp_path / "forgot_pin_wrong_code.png"))
    assert code_field.text() == "ABCD-EFGH-JKMN-PQRS" and code_field.hasFocus()
    assert pin.text() == "" and again.text() == ""
    assert not child(dialog, QLabel, "recovery_code").isVisible()
    assert dialog.isVisible()
    qtbot.keyClick(code_field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert login(store, "老板", "8888").name == "老板"  # the PIN is unchanged
    with pytest.raises(DomainError):
        login(store, "老板", "1357")
    assert recover_owner_pin(store, "老板", code, "2468")  # the code still works


def test_each_refusal_shows_beside_its_field_and_keeps_all_but_the_pins(
    qtbot, window, store, owner
):
    dialog = _open_forgot(qtbot, window, "老板")
    code_field, pin, again = _fields(dialog)
    qtbot.waitUntil(code_field.hasFocus)
    # no code was ever made
    _type_in_order(qtbot, dialog, "ABCD-EFGH-JKMN-PQRS", "1357", "1357")
    assert "本店还没有老板恢复码" in _error(dialog, "code")
    assert code_field.text() == "ABCD-EFGH-JKMN-PQRS" and pin.text() == again.text() == ""

    code = new_recovery_code(store, owner)
    # the two PINs differ: said beside the second one, nothing is tried
    code_field.clear()
    code_field.setFocus()
    _type_in_order(qtbot, dialog, code, "1357", "1358")
    assert "两次输入的 PIN 不一致" in _error(dialog, "pin_again")
    assert _error(dialog, "code") == ""
    assert code_field.text() == code and pin.text() == again.text() == ""
    assert pin.hasFocus()
    # a PIN of the wrong form
    for text in ("12", "12"):
        qtbot.keyClicks(QApplication.focusWidget(), text)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert "PIN 必须是 4–8 位数字" in _error(dialog, "pin")
    assert code_field.text() == code and pin.text() == again.text() == ""
    # a code of the wrong form
    code_field.clear()
    code_field.setFocus()
    _type_in_order(qtbot, dialog, "1234", "1357", "1357")
    assert "恢复码是 16 位字母和数字" in _error(dialog, "code")
    # somebody who is not an owner: said beside the name
    who = child(dialog, QComboBox, "forgot_who")
    who.setCurrentIndex(who.findData("收银员"))
    code_field.setText(code)
    code_field.setFocus()
    _type_in_order(qtbot, dialog, "", "1357", "1357")
    assert "收银员 不是老板" in _error(dialog, "who")
    assert login(store, "收银员", "1111").name == "收银员"
    assert login(store, "老板", "8888").name == "老板"
    assert recover_owner_pin(store, "老板", code, "2468")  # nothing spent the code

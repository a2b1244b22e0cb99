"""A shop whose staff were deleted in its file (or all made unable to log in) is not a new
shop: the window does not offer to create its first owner, says the staff list was changed
outside memberdesk, and offers what puts it right — restoring a backup, or the owner's
recovery code where the owner's record is still in the file."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
)
from sqlalchemy import select

from memberdesk.core.errors import DomainError
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.shop.backups import backup_now
from memberdesk.core.shop.staff import SYSTEM, add_staff, list_staff, new_recovery_code
from memberdesk.core.store.models import Member
from memberdesk.ui.context import AppContext
from memberdesk.ui.main_window import MainWindow
from memberdesk.ui.start import staff_gone

from .conftest import child, click, log_in

TITLE = "员工名单已在本软件之外被改动"


def _in_the_file(store, sql: str) -> None:
    con = sqlite3.connect(store.path)
    with con:
        con.execute(sql)
    con.close()


@pytest.fixture
def open_window(qtbot, app):
    made: list[AppContext] = []

    def opened(store) -> MainWindow:
        ctx = AppContext(store, "zh_CN")
        made.append(ctx)
        w = MainWindow(ctx, startup_jobs=False)
        qtbot.addWidget(w)
        w.resize(1366, 768)
        w.show()
        qtbot.waitExposed(w)
        return w

    yield opened
    for ctx in made:
        ctx.shutdown()


def _says_the_staff_list_was_changed(w: MainWindow) -> str:
    assert not w.setup.isVisible() and not w.login.isVisible()
    assert not child(w.setup, QPushButton, "create_shop").isVisible()
    view = w.staff_gone
    assert view.isVisible()
    assert child(view, QLabel, "staff_gone_title").text() == TITLE
    return child(view, QLabel, "staff_gone_why").text()


def test_staff_deleted_in_the_file_get_no_first_owner_set_up_but_a_restore(
    qtbot, open_window, store, owner, manager, cashier, monkeypatch
):
    issue_card(store, owner, MemberForm(name="王芳", phone="13800138000"))
    backup = backup_now(store)
    issue_card(store, owner, MemberForm(name="后来的", phone="13700000002"))
    _in_the_file(store, "DELETE FROM staff")
    w = open_window(store)
    why = _says_the_staff_list_was_changed(w)
    assert why.startswith("员工名单已在本软件之外被改动：老板, 店长, 收银员 已从本店的文件中删除")
    assert "恢复备份" in why
    # Deleted rows are not put back by the recovery code: only a restore is offered.
    assert not child(w.staff_gone, QPushButton, "staff_gone_recover").isVisible()
    # Nor does core make anyone the first owner of this shop behind the window's back.
    with pytest.raises(DomainError) as refused:
        add_staff(store, SYSTEM, "我", "owner", "1234")
    assert refused.value.code == "staff.list_gone" and list_staff(store) == []

    monkeypatch.setattr(staff_gone.QFileDialog, "getOpenFileName",
                        lambda *a, **k: (str(backup), ""))  # fmt: skip
    asked: list[str] = []

    def question(_parent, _title, text, *a, **k):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(staff_gone.QMessageBox, "question", question)
    click(qtbot, child(w.staff_gone, QPushButton, "staff_gone_restore"))
    qtbot.waitUntil(w.login.isVisible, timeout=20_000)
    assert (
        "2026年3月10日 10:00 的备份" in asked[0]
    )  # asked before today's data is replaced, the backup by its time
    restored = w.ctx.store
    assert restored is not store
    assert {s.name for s in list_staff(restored)} == {"老板", "店长", "收银员"}
    with restored.read() as s:
        assert list(s.scalars(select(Member.name))) == ["王芳"]
    assert len(list(restored.backup_dir.glob("before-restore-*"))) == 1  # the changed file, kept
    log_in(qtbot, w, "老板", "8888", opening_float="0")
    assert w.workspace.till.isVisible()


def test_the_owner_deleted_leaving_cashiers_is_not_a_log_in_without_an_owner(
    qtbot, open_window, store, owner, manager, cashier
):
    _in_the_file(store, "DELETE FROM staff WHERE role != 'cashier'")
    w = open_window(store)
    why = _says_the_staff_list_was_changed(w)
    assert why.startswith("员工名单已在本软件之外被改动：老板, 店长 已从本店的文件中删除")


def test_everyone_made_inactive_in_the_file_is_put_right_by_the_owners_recovery_code(
    qtbot, open_window, store, owner, manager, cashier
):
    code = new_recovery_code(store, owner)
    _in_the_file(store, "UPDATE staff SET active = 0")
    w = open_window(store)
    why = _says_the_staff_list_was_changed(w)
    assert "本店文件中已没有人能登录" in why and "忘记 PIN？" in why
    recover = child(w.staff_gone, QPushButton, "staff_gone_recover")
    assert recover.isVisible()
    click(qtbot, recover)
    dialog = next(d for d in QApplication.topLevelWidgets()
                  if d.objectName() == "forgot_pin_dialog" and d.isVisible())  # fmt: skip
    assert isinstance(dialog, QDialog)
    who = child(dialog, QComboBox, "forgot_who")
    assert [who.itemData(i) for i in range(who.count())] == ["老板"]
    assert who.currentData() == "老板"
    for name, text in (("forgot_code", code), ("forgot_pin", "2580"), ("forgot_pin_again", "2580")):
        qtbot.keyClicks(child(dialog, QLineEdit, name), text)
    click(qtbot, child(dialog, QPushButton, "forgot_submit"))
    written = child(dialog, QPushButton, "recovery_written")
    qtbot.waitUntil(written.isVisible)
    click(qtbot, written)
    qtbot.waitUntil(w.login.isVisible)
    log_in(qtbot, w, "老板", "2580", opening_float="0")
    assert w.workspace.till.isVisible()


def test_a_new_shop_still_sets_up_its_first_owner(qtbot, open_window, store):
    w = open_window(store)
    assert w.setup.isVisible() and not w.staff_gone.isVisible()
    assert child(w.setup, QPushButton, "create_shop").isVisible()


def test_the_start_up_backup_and_upkeep_leave_a_shop_whose_staff_were_deleted_alone(
    qtbot, app, store, owner, cashier, monkeypatch
):
    """The daily backup would push the backups to restore from out of the rotation with a
    copy of the changed file."""
    import memberdesk.core.daily.jobs as jobs_module
    import memberdesk.core.shop.backups as backups_module

    ran: list[str] = []
    monkeypatch.setattr(backups_module, "auto_backup", lambda s: ran.append("backup"))
    monkeypatch.setattr(jobs_module, "run_daily_jobs", lambda s: ran.append("upkeep"))
    _in_the_file(store, "DELETE FROM staff WHERE role = 'owner'")
    ctx = AppContext(store, "zh_CN")
    w = MainWindow(ctx)  # as the app starts: the start-up jobs are on
    qtbot.addWidget(w)
    try:
        assert w.staff_gone.isVisibleTo(w) and w._upkeep_day is not None
        qtbot.waitUntil(lambda: not ctx.jobs.busy, timeout=30_000)
        qtbot.wait(100)
        qtbot.waitUntil(lambda: not ctx.jobs.busy, timeout=30_000)
        assert ran == []
    finally:
        ctx.shutdown()

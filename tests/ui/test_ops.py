"""The one way the window runs an operation (ui.ops): a refusal is said in the view's
message bar and changes nothing; an unexpected error is said briefly and logged; what an
operation committed reaches the other views through the topics its kinds of change map
to; a long job of one kind does not hold up a job of another.

Typed and clicked like a person; the database is checked for what must not change."""

from __future__ import annotations

import logging
import threading
from types import SimpleNamespace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton
from sqlalchemy import func, select

from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.store.models import Member, OutboxEvent
from memberdesk.ui.backoffice import sync_page
from memberdesk.ui.context import MEMBERS, POINTS, SALES, SHIFT, WALLET
from memberdesk.ui.members import members_view

from .conftest import child, click, click_item, log_in, type_into


def _outbox(store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(OutboxEvent))


def _members_view(qtbot, window, query: str, name: str):
    page = window.workspace.members
    window.workspace.setCurrentWidget(page)
    type_into(qtbot, page.search, query, enter=True)
    qtbot.waitUntil(lambda: page.panel.name.text() == name)
    return page


def _report_lost(qtbot, page) -> None:
    click(qtbot, page.buttons["lost"])
    type_into(qtbot, child(page.dialog, QLineEdit, "reason_field"), "lost")
    click(qtbot, child(page.dialog, QPushButton, "confirm_reason"))


def test_a_refusal_is_said_in_the_bar_and_changes_nothing(qtbot, window, store, owner):
    member = issue_card(store, owner, MemberForm(name="郑一", phone="13500001234"))
    log_in(qtbot, window, "收银员", "1111")
    page = _members_view(qtbot, window, "1234", "郑一")
    _report_lost(qtbot, page)
    qtbot.waitUntil(page.panel.warning.isVisible)
    before = _outbox(store)

    with qtbot.assertNotEmitted(window.ctx.changed):
        _report_lost(qtbot, page)  # a card already reported lost cannot be lost again
    qtbot.waitUntil(page.bar.isVisible)
    assert page.bar.text() == "会员 郑一 当前状态为 挂失，不能挂失"
    assert page.bar.property("role") == "warning"
    assert _outbox(store) == before
    with store.read() as s:
        assert s.get(Member, member.id).status == "lost"


def test_an_unexpected_error_is_said_briefly_and_logged(
    qtbot, window, store, owner, monkeypatch, caplog
):
    issue_card(store, owner, MemberForm(name="郑一", phone="13500001234"))

    def broken(*args, **kwargs):
        raise RuntimeError("disk unplugged")

    monkeypatch.setattr(members_view, "report_lost", broken)
    log_in(qtbot, window, "收银员", "1111")
    page = _members_view(qtbot, window, "1234", "郑一")
    with caplog.at_level(logging.ERROR), qtbot.assertNotEmitted(window.ctx.changed):
        _report_lost(qtbot, page)
    qtbot.waitUntil(page.bar.isVisible)
    assert "RuntimeError: disk unplugged" in page.bar.text()
    assert any(r.exc_info and r.exc_info[0] is RuntimeError for r in caplog.records)
    assert not page.panel.warning.isVisible()


def test_an_edit_in_the_members_view_reaches_the_member_at_the_till(qtbot, window, store, owner):
    member = issue_card(store, owner, MemberForm(name="冯二", phone="13600001212"))
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    qtbot.keyClicks(till.scan, member.card_no)
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "冯二")

    page = _members_view(qtbot, window, "1212", "冯二")
    click(qtbot, page.buttons["edit"])
    form = page.dialog
    type_into(qtbot, child(form, QLineEdit, "member_name_field"), "冯二娘")
    with qtbot.waitSignal(window.ctx.changed) as heard:
        click(qtbot, child(form, QPushButton, "save_member"))
    change = heard.args[0]
    assert MEMBERS in change.topics and change.member_ids == {member.id}

    window.workspace.setCurrentWidget(till)
    assert till.member_panel.name.text() == "冯二娘"  # the till's customer, as now saved


def test_a_sale_at_the_till_reaches_the_member_shown_in_the_members_view(
    qtbot, window, store, owner
):
    member = issue_card(store, owner, MemberForm(name="陈三", phone="13600003434"))
    log_in(qtbot, window, "收银员", "1111")
    page = _members_view(qtbot, window, "3434", "陈三")
    assert page.panel.values["points"].text() == "0"

    till = window.workspace.till
    window.workspace.setCurrentWidget(till)
    qtbot.keyClicks(till.scan, member.card_no)
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "陈三")
    type_into(qtbot, till.lines.price, "120", enter=True)
    with qtbot.waitSignal(window.ctx.changed) as heard:
        qtbot.keyClick(till.lines.price, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: "已完成" in till.last_label.text())
    till.dialog.reject()
    change = heard.args[0]
    assert change.topics == {SALES, MEMBERS, POINTS, SHIFT}  # no stored value was used
    assert WALLET not in change.topics and change.member_ids == {member.id}

    window.workspace.setCurrentWidget(page)
    assert page.panel.values["points"].text() == "120"
    assert page.history.sales.rowCount() == 1


def test_a_long_sync_does_not_hold_up_a_backup(qtbot, window, store, monkeypatch):
    running, release = threading.Event(), threading.Event()

    def long_drain(ctx, tokens, retry=None):
        def run(progress):
            running.set()
            release.wait(30)  # a slow head office
            return SimpleNamespace(error=None, acked=0, rejected=0, pending=0)

        return run

    monkeypatch.setattr(sync_page, "drain", long_drain)
    log_in(qtbot, window, "老板", "8888")
    office = window.workspace.backoffice
    window.workspace.setCurrentWidget(office)
    click_item(qtbot, office.menu, "同步到总部")
    click(qtbot, child(office.sync, QPushButton, "sync_now"))
    qtbot.waitUntil(running.is_set)
    label = child(window, QLabel, "job_label")
    qtbot.waitUntil(lambda: label.text() == "正在上传到总部")

    click_item(qtbot, office.menu, "备份")
    click(qtbot, child(office.backups, QPushButton, "backup_now"))
    qtbot.waitUntil(lambda: office.backups.table.rowCount() == 1, timeout=10_000)
    assert "已备份到" in office.backups.bar.text()
    assert not release.is_set() and window.ctx.jobs.busy_with("sync")  # still sending
    assert label.text() == "正在上传到总部"  # the status bar is back on the job still running

    release.set()
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=10_000)
    assert not label.isVisible()

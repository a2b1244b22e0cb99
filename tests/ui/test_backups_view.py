"""Backups as the owner sees them: taken by the window at start without holding it up,
listed at the shop's own clock (the files are named in UTC), restored with today's data
kept aside."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QMessageBox, QPushButton
from sqlalchemy import select

import memberdesk.core.shop.backups as backup_module
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.shop.backups import list_backups
from memberdesk.core.shop.details import configure_shop
from memberdesk.core.store.models import Member
from memberdesk.ui.backoffice import backups_page
from memberdesk.ui.context import AppContext
from memberdesk.ui.main_window import MainWindow

from .conftest import child, click, click_item, click_row, log_in


def _backups_page(qtbot, w):
    w.workspace.show_view("settings")
    office = w.workspace.backoffice
    qtbot.waitUntil(office.menu.isVisible)  # laid out before its items are clicked
    click_item(qtbot, office.menu, "备份")
    qtbot.waitUntil(office.backups.isVisible)
    return office.backups


def test_the_list_shows_when_a_backup_was_taken_on_the_shop_clock(qtbot, window, store):
    log_in(qtbot, window, "老板", "8888")
    page = _backups_page(qtbot, window)
    click(qtbot, child(page, QPushButton, "backup_now"))
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10_000)
    # the test clock: 2026-03-10 02:00 UTC, which is 10:00 in Shanghai
    assert page.table.horizontalHeaderItem(0).text() == "备份时间"
    assert page.table.item(0, 0).text() == "2026-03-10 10:00:00"
    assert page.table.item(0, 2).text().startswith("memberdesk-20260310-020000")

    configure_shop(store, timezone="Asia/Tokyo")  # a shop an hour further east
    click_item(qtbot, window.workspace.backoffice.menu, "店铺与语言")
    page = _backups_page(qtbot, window)
    assert page.table.item(0, 0).text() == "2026-03-10 11:00:00"


def test_the_window_takes_the_daily_backup_at_start_off_the_ui_thread(
    qtbot, app, store, owner, cashier, monkeypatch
):
    real, ran_on = backup_module.auto_backup, []

    def auto_backup(s):
        ran_on.append(threading.get_ident())
        return real(s)

    monkeypatch.setattr(backup_module, "auto_backup", auto_backup)
    assert list_backups(store) == []
    ctx = AppContext(store, "zh_CN")
    w = MainWindow(ctx)  # as the app starts: the start-up jobs are on
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    try:
        assert w.login.isVisible()  # the window is up at once; the backup follows behind it
        qtbot.waitUntil(lambda: bool(ran_on) and not ctx.jobs.busy, timeout=30_000)
        assert ran_on != [threading.get_ident()] and len(ran_on) == 1
        log_in(qtbot, w, "老板", "8888")
        page = _backups_page(qtbot, w)
        assert page.table.rowCount() == 1
        assert page.table.item(0, 0).text() == "2026-03-10 10:00:00"
    finally:
        ctx.shutdown()


def test_restoring_the_chosen_backup_brings_its_members_back_and_asks_to_log_in_again(
    qtbot, window, store, owner, monkeypatch
):
    issue_card(store, owner, MemberForm(name="留下的", phone="13700000001"))
    log_in(qtbot, window, "老板", "8888")
    page = _backups_page(qtbot, window)
    click(qtbot, child(page, QPushButton, "backup_now"))
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10_000)
    issue_card(store, owner, MemberForm(name="后来的", phone="13700000002"))

    monkeypatch.setattr(  # the "replace today's data?" question, answered Yes
        backups_page.QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes
    )
    click_row(qtbot, page.table, 0)
    click(qtbot, child(page, QPushButton, "restore_chosen"))
    qtbot.waitUntil(window.login.isVisible, timeout=20_000)
    restored = window.ctx.store
    assert restored is not store
    with restored.read() as s:
        assert list(s.scalars(select(Member.name))) == ["留下的"]
    assert len(list(restored.backup_dir.glob("before-restore-*"))) == 1  # today's data, kept
    restored.close()


def test_the_owner_sets_a_second_folder_and_each_backup_is_copied_there(
    qtbot, window, store, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QFileDialog, QLabel

    stick = tmp_path / "U盘"
    stick.mkdir()
    log_in(qtbot, window, "老板", "8888")
    page = _backups_page(qtbot, window)
    assert "只存在一个地方" in child(page, QLabel, "second_folder").text()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(stick))
    click(qtbot, child(page, QPushButton, "choose_second_folder"))
    qtbot.waitUntil(lambda: str(stick) in child(page, QLabel, "second_folder").text())
    click(qtbot, child(page, QPushButton, "backup_now"))
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10_000)
    (copy,) = stick.glob("memberdesk-*.sqlite")
    assert copy.name == page.table.item(0, 2).text()


def test_stopping_the_copies_is_offered_only_while_a_copy_folder_is_set(
    qtbot, window, store, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QFileDialog, QLabel

    stick = tmp_path / "U盘"
    stick.mkdir()
    log_in(qtbot, window, "老板", "8888")
    page = _backups_page(qtbot, window)
    stop = child(page, QPushButton, "clear_second_folder")
    assert not stop.isVisible()  # no folder: nothing to stop copying to
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(stick))
    click(qtbot, child(page, QPushButton, "choose_second_folder"))
    qtbot.waitUntil(lambda: str(stick) in child(page, QLabel, "second_folder").text())
    assert stop.isVisible() and stop.text() == "不再复制到那里"
    click(qtbot, stop)
    qtbot.waitUntil(lambda: "只存在一个地方" in child(page, QLabel, "second_folder").text())
    assert not stop.isVisible()


def test_the_restore_question_names_the_backup_by_its_time_on_the_shop_clock(
    qtbot, window, store, tmp_path, monkeypatch
):
    log_in(qtbot, window, "老板", "8888")
    page = _backups_page(qtbot, window)
    click(qtbot, child(page, QPushButton, "backup_now"))
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10_000)
    asked: list[str] = []

    def question(_parent, _title, text, *a, **k):
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(backups_page.QMessageBox, "question", question)
    click_row(qtbot, page.table, 0)
    click(qtbot, child(page, QPushButton, "restore_chosen"))
    qtbot.waitUntil(lambda: bool(asked), timeout=10_000)
    # taken at 02:00 UTC, which is 10:00 in Shanghai; the file's UTC name is not shown
    assert asked[0].startswith("用2026年3月10日 10:00 的备份替换当前数据吗？")
    assert "memberdesk-" not in asked[0] and "020000" not in asked[0]

    # a file that is not named as a backup is named by its file name
    other = tmp_path / "店里的数据.sqlite"
    other.write_bytes(next(store.backup_dir.glob("memberdesk-*.sqlite")).read_bytes())
    monkeypatch.setattr(
        backups_page.QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), "")
    )
    click(qtbot, child(page, QPushButton, "restore_file"))
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=10_000)
    assert asked[1].startswith("用备份文件 店里的数据.sqlite替换当前数据吗？")


def test_the_owner_checks_the_data_from_the_window(qtbot, window, store, owner):
    """`memberdesk check` without the command line: a notice when all holds; a member's
    points raised in the file are named in a box, in the window's language."""
    customer = issue_card(store, owner, MemberForm(name="顾客乙", phone="13700000000"))
    log_in(qtbot, window, "老板", "8888")
    page = _backups_page(qtbot, window)
    click(qtbot, child(page, QPushButton, "check_data"))
    qtbot.waitUntil(lambda: "数据检查通过" in page.bar.text(), timeout=60_000)
    assert page.findings is None

    with store.engine.begin() as conn:  # what a cashier with the file could do
        conn.exec_driver_sql("UPDATE members SET points = points + 5000 WHERE id = ?",
                             (customer.id,))  # fmt: skip
    click(qtbot, child(page, QPushButton, "check_data"))
    qtbot.waitUntil(lambda: page.findings is not None and page.findings.isVisible(), timeout=60_000)
    box = page.findings
    assert "数据检查发现" in page.bar.text()
    assert box.text().startswith("数据检查发现")
    assert box.informativeText() == f"会员 顾客乙（{customer.card_no}）积分 5000，积分流水合计 0"
    assert box.detailedText() == ""  # nothing more than the box shows
    box.close()

    # Twelve members: the first ten named, the other two counted; the whole list to copy.
    for n in range(11):
        issue_card(store, owner, MemberForm(name=f"顾客{n}", phone=f"1371000{n:04d}"))
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE members SET points = points + 5000")
    click(qtbot, child(page, QPushButton, "check_data"))
    qtbot.waitUntil(lambda: page.findings is not box and page.findings.isVisible(), timeout=60_000)
    box = page.findings
    assert "数据检查发现 12 个问题" in page.bar.text() and box.text().startswith(
        "数据检查发现 12 个问题"
    )
    listed = box.detailedText().splitlines()
    assert len(listed) == 11 and listed[-1] == "…… 另有 2 条同类问题"
    assert box.informativeText().splitlines()[-1] == "…"
    box.close()


def test_before_a_restore_the_owner_is_told_what_the_till_will_no_longer_show(
    qtbot, window, store, owner, monkeypatch
):
    from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
    from memberdesk.core.till.wallet import top_up

    kept = issue_card(store, owner, MemberForm(name="留下的", phone="13700000001"))
    log_in(qtbot, window, "老板", "8888")
    page = _backups_page(qtbot, window)
    click(qtbot, child(page, QPushButton, "backup_now"))
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10_000)
    later = issue_card(store, owner, MemberForm(name="后来的", phone="13700000002"))
    top_up(store, owner, kept.id, 50000, "cash")
    for who in (kept.id, later.id):
        line = (SaleLineInput("外套", 12900, 1),)
        checkout(store, owner, CheckoutRequest(line, who, tenders={"cash": 12900}))

    asked: list[str] = []

    def question(_parent, _title, text, *a, **k):
        asked.append(text)
        return QMessageBox.StandardButton.No  # the owner reads it and keeps today's data

    monkeypatch.setattr(backups_page.QMessageBox, "question", question)
    click_row(qtbot, page.table, 0)
    click(qtbot, child(page, QPushButton, "restore_chosen"))
    qtbot.waitUntil(lambda: bool(asked), timeout=10_000)
    (text,) = asked
    assert "2 笔销售" in text and "1 笔充值" in text and "1 位新会员" in text
    assert "积分和储值" in text and "备份时" in text
    assert "只留在" in text  # no head office: the kept copy is the only place they stay
    with store.read() as s:  # nothing was restored
        assert set(s.scalars(select(Member.name))) == {"留下的", "后来的"}
    assert not list(store.backup_dir.glob("before-restore-*"))


def test_a_synced_till_is_told_its_balances_come_back_from_head_office(
    qtbot, window, store, owner, monkeypatch
):
    from memberdesk.core.sync.config import configure_sync
    from memberdesk.core.till.wallet import top_up

    configure_sync(store, "http://127.0.0.1:9", "8d2c0b6e-0000-4000-8000-0000000000aa")
    kept = issue_card(store, owner, MemberForm(name="留下的", phone="13700000001"))
    log_in(qtbot, window, "老板", "8888")
    page = _backups_page(qtbot, window)
    click(qtbot, child(page, QPushButton, "backup_now"))
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10_000)
    top_up(store, owner, kept.id, 50000, "cash")
    asked: list[str] = []

    def question(_parent, _title, text, *a, **k):
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(backups_page.QMessageBox, "question", question)
    click_row(qtbot, page.table, 0)
    click(qtbot, child(page, QPushButton, "restore_chosen"))
    qtbot.waitUntil(lambda: bool(asked), timeout=10_000)
    (text,) = asked
    assert "1 笔充值" in text and "尚未" in text  # not sent yet: sent first, or after
    assert "下次同步时从总部取回" in text
    assert "回到备份时" not in text and "另存副本" not in text


def test_a_damaged_backup_is_refused_before_the_owner_is_asked_anything(
    qtbot, window, store, monkeypatch
):
    log_in(qtbot, window, "老板", "8888")
    page = _backups_page(qtbot, window)
    click(qtbot, child(page, QPushButton, "backup_now"))
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10_000)
    (backup,) = list_backups(store)
    backup.path.write_bytes(backup.path.read_bytes()[: backup.size // 2])  # cut short
    asked: list[str] = []
    monkeypatch.setattr(
        backups_page.QMessageBox, "question",
        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes,
    )  # fmt: skip
    click_row(qtbot, page.table, 0)
    click(qtbot, child(page, QPushButton, "restore_chosen"))
    qtbot.waitUntil(lambda: "已损坏" in page.bar.text(), timeout=10_000)
    assert asked == []


def test_a_window_left_open_for_days_runs_each_days_upkeep_and_backup(
    qtbot, app, store, clock, owner, monkeypatch
):
    """Many tills are never closed at night. Left open from 10:00 on 10 March: at the first
    poll after midnight the day's upkeep runs (the birthday coupon, expiry, the tier review)
    as at a start; the next daily backup is taken once the last is a day old, not only when
    the window is opened again."""
    import memberdesk.core.daily.jobs as jobs_module

    days = []
    real_jobs = jobs_module.run_daily_jobs

    def run_daily_jobs(s, *a, **k):
        days.append(jobs_module.business_day(s).isoformat())
        return real_jobs(s, *a, **k)

    monkeypatch.setattr(jobs_module, "run_daily_jobs", run_daily_jobs)
    ctx = AppContext(store, "zh_CN")
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    try:
        qtbot.waitUntil(lambda: days == ["2026-03-10"] and not ctx.jobs.busy, timeout=30_000)
        assert len(list_backups(store)) == 1
        w._sync_tick()  # a poll the same day: nothing runs again
        assert days == ["2026-03-10"] and not ctx.jobs.busy

        clock.advance(hours=14, minutes=5)  # 00:05 on 11 March
        w._sync_tick()
        qtbot.waitUntil(lambda: days == ["2026-03-10", "2026-03-11"] and not ctx.jobs.busy,
                        timeout=30_000)  # fmt: skip
        assert len(list_backups(store)) == 1  # the last is 14 hours old: not due yet

        clock.advance(hours=10)  # 10:05: the last backup a day old; looked at hourly
        while w._ticks % 120:
            w._ticks += 1
        w._sync_tick()
        qtbot.waitUntil(lambda: len(list_backups(store)) == 2 and not ctx.jobs.busy,
                        timeout=30_000)  # fmt: skip
        assert [b.taken_at.strftime("%m-%d %H:%M") for b in list_backups(store)] == [
            "03-11 02:05", "03-10 02:00"]  # UTC: 10:05 and 10:00 in Shanghai  # fmt: skip
    finally:
        ctx.shutdown()

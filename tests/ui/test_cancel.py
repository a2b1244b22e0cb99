"""Cancelling a job that is already running, from the status bar's Cancel button: the
export leaves no file (not even a partial one), the import leaves the members as they were.

The real core operation runs on the worker; the test only holds it at a progress report
partway through until the Cancel button has been pressed, so "partway" is certain."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QLabel, QPushButton
from sqlalchemy import func, select

from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.store import chunks
from memberdesk.core.store.models import AuditEntry, Member
from memberdesk.ui.backoffice import import_export_page

from .conftest import child, click, click_item, log_in

ROWS = 60  # more than one progress step (core.progress.STEP = 50)


class Gate:
    """Wraps a core operation so its run waits at the first report made partway through."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.release = threading.Event()
        self.seen: list[tuple[int, int]] = []

    def wrap(self, operation):
        def run(*args, progress, **kwargs):
            def report(done: int, total: int) -> None:
                self.seen.append((done, total))
                if 0 < done < total and not self.reached.is_set():
                    self.reached.set()
                    self.release.wait(20)
                progress(done, total)

            return operation(*args, progress=report, **kwargs)

        return run


def _members(store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(Member))


def _press_cancel(qtbot, window, gate: Gate, title: str) -> None:
    qtbot.waitUntil(gate.reached.is_set, timeout=20_000)
    label = child(window, QLabel, "job_label")
    qtbot.waitUntil(lambda: title in label.text())
    click(qtbot, child(window, QPushButton, "job_cancel"))
    assert label.text() == "正在取消…"
    gate.release.set()


def test_cancelling_a_running_export_leaves_no_file(
    qtbot, window, store, owner, tmp_path, monkeypatch
):
    for n in range(ROWS):
        issue_card(store, owner, MemberForm(name=f"会员{n}", phone=f"1370000{n:04d}"))
    gate = Gate()
    monkeypatch.setattr(
        import_export_page, "export_members", gate.wrap(import_export_page.export_members)
    )
    log_in(qtbot, window, "老板", "8888")
    page = window.workspace.backoffice.transfer
    target = tmp_path / "会员.csv"
    partial = target.with_name(target.name + ".part")

    page.export_to(target, False, None)  # what the save dialog hands over
    qtbot.waitUntil(gate.reached.is_set, timeout=20_000)
    assert partial.exists() and not target.exists()  # half-way: rows are being written
    _press_cancel(qtbot, window, gate, "导出")

    qtbot.waitUntil(lambda: "已取消导出" in page.bar.text(), timeout=20_000)
    assert list(tmp_path.glob("会员.csv*")) == []  # neither the file nor its partial copy
    assert not child(window, QPushButton, "job_cancel").isVisible()


def test_cancelling_a_running_import_changes_no_member(qtbot, window, store, tmp_path, monkeypatch):
    # The import commits in chunks of about 0.08 s (core/store/chunks.py); on a slow machine
    # the first 50 rows could fill one and commit it before the gate. Here the first chunk
    # holds every row, so the cancel lands inside it: what this test is about.
    monkeypatch.setattr(chunks, "CHUNK_S", 60.0)
    monkeypatch.setattr(chunks, "CHUNK_CAP_S", 60.0)
    sheet = tmp_path / "old.csv"
    rows = "\n".join(f"顾客{n},1380000{n:04d}" for n in range(ROWS))
    sheet.write_text("姓名,手机号\n" + rows + "\n", encoding="utf-8")
    log_in(qtbot, window, "老板", "8888")
    page = window.workspace.backoffice.transfer
    page.check(sheet)  # what the file chooser hands over: a dry run first
    qtbot.waitUntil(lambda: "试运行" in page.summary.text(), timeout=20_000)
    assert page.run_button.isEnabled()

    gate = Gate()
    monkeypatch.setattr(
        import_export_page, "import_members", gate.wrap(import_export_page.import_members)
    )
    click(qtbot, page.run_button)
    qtbot.waitUntil(gate.reached.is_set, timeout=20_000)
    done, total = gate.seen[-1]
    assert (done, total) == (50, ROWS)  # 50 members written inside the import's transaction
    assert _members(store) == 0  # …which nobody sees until it commits
    _press_cancel(qtbot, window, gate, "导入")

    qtbot.waitUntil(lambda: "已取消导入" in page.bar.text(), timeout=20_000)
    assert _members(store) == 0
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "import.members")) == 0  # fmt: skip
    assert "已写入" not in page.summary.text()


def test_cancelling_a_running_backup_leaves_no_file(qtbot, window, store, owner, monkeypatch):
    from memberdesk.core.store import snapshot as core_db
    from memberdesk.ui.backoffice import backups_page

    for n in range(ROWS):
        issue_card(store, owner, MemberForm(name=f"会员{n}", phone=f"1370000{n:04d}"))
    monkeypatch.setattr(core_db, "BACKUP_PAGES", 2)  # a small file still takes several steps
    gate = Gate()
    monkeypatch.setattr(backups_page, "backup_now", gate.wrap(backups_page.backup_now))
    log_in(qtbot, window, "老板", "8888")
    window.workspace.show_view("settings")
    office = window.workspace.backoffice
    click_item(qtbot, office.menu, "备份")
    page = office.backups
    click(qtbot, child(page, QPushButton, "backup_now"))
    _press_cancel(qtbot, window, gate, "备份")
    qtbot.waitUntil(lambda: "已取消备份" in page.bar.text(), timeout=20_000)
    assert list(store.backup_dir.glob("memberdesk-*")) == []  # neither the copy nor a partial
    assert page.table.rowCount() == 0

"""立即同步 says that it runs, then what it did or what stopped it; the page speaks of the
head office address and token typed on it, never of environment variables or commands."""

from __future__ import annotations

import socket

from PySide6.QtWidgets import QLabel, QPushButton

from memberdesk.core.sync.pusher import DrainReport
from memberdesk.ui.backoffice import sync_page

from .conftest import child, click, click_item, log_in, type_into


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again: nobody answers there


def _words(page) -> str:
    return "\n".join(w.text() for w in page.findChildren(QLabel) if w.isVisible())


def _sync_page(qtbot, window):
    office = window.workspace.backoffice
    window.workspace.setCurrentWidget(office)
    click_item(qtbot, office.menu, "同步到总部")
    return office.sync


def test_sync_now_says_it_runs_then_what_stopped_it(qtbot, window, store, monkeypatch):
    log_in(qtbot, window, "老板", "8888")
    page = _sync_page(qtbot, window)
    button = child(page, QPushButton, "sync_now")
    click(qtbot, button)
    assert page.bar.text() == (
        "还没有设置同步：请在“同步到总部”页填写总部地址和本收银台的编号并保存"
    )
    for field, text in (("url", f"http://127.0.0.1:{_free_port()}"), ("terminal", "T-01"),
                        ("token", "secret-token")):  # fmt: skip
        type_into(qtbot, getattr(page, field), text)
    click(qtbot, [b for b in page.findChildren(QPushButton) if b.text() == "保存"][0])
    qtbot.waitUntil(lambda: page.bar.text().startswith("已保存"))
    words = _words(page)
    assert "MEMBERDESK" not in words and "memberdesk sync" not in words

    click(qtbot, button)
    assert page.bar.text() == "正在发送到总部…" and not button.isEnabled()
    # HQ unreachable: said within seconds (the background rounds' retries took 15-31 s)
    qtbot.waitUntil(button.isEnabled, timeout=8_000)
    text = page.bar.text()
    assert text != "正在发送到总部…" and "总部" in text  # the problem, in words
    assert "MEMBERDESK" not in text and "sync setup" not in text

    monkeypatch.setattr(sync_page, "drain", lambda ctx, tokens, retry=None: lambda progress: DrainReport(
        ok=True, batches=1, acked=3, pending=0))  # fmt: skip
    click(qtbot, button)
    qtbot.waitUntil(lambda: page.bar.text().startswith("完成"), timeout=10_000)
    assert page.bar.text() == "完成：已发送 3 条记录到总部，被拒 0 条，仍在等待 0 条"
    monkeypatch.setattr(
        sync_page, "drain", lambda ctx, tokens, retry=None: lambda progress: DrainReport(ok=True)
    )
    click(qtbot, button)
    qtbot.waitUntil(lambda: "没有待发送" in page.bar.text(), timeout=10_000)

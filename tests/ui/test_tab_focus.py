"""A view opened by clicking its tab takes the keyboard at once, even the first time."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from .conftest import log_in


def _click_tab(qtbot, window, title: str) -> None:
    bar = window.workspace.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())


def test_members_tab_clicked_the_first_time_takes_a_card_and_f3(qtbot, window):
    log_in(qtbot, window, "收银员", "1111")
    _click_tab(qtbot, window, "会员")
    page = window.workspace.members
    qtbot.waitUntil(page.search.isVisible)

    # The cashier scans a card straight away: it lands in the search box.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search)
    qtbot.keyClicks(QApplication.focusWidget(), "8000")
    assert page.search.text() == "8000"

    # F3, as the button says, opens the new card's form.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    assert page.dialog.windowTitle() == "办理会员卡"
    page.dialog.close()

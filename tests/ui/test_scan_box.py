"""The scan box takes a scanner burst even while the Chinese input method is composing."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.ui.till.scan_box import BURST_GAP_S, ScanBox

from .conftest import log_in


def _compose(widget, preedit: str) -> None:
    """What a pinyin IME sends while the person is still choosing characters."""
    QApplication.sendEvent(widget, QInputMethodEvent(preedit, []))


def _commit(widget, text: str) -> None:
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def test_burst_reaches_the_till_while_the_ime_is_composing(qtbot, window, store, owner):
    member = issue_card(store, owner, MemberForm(name="李四", phone="13900001111"))
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    box = till.scan
    _compose(box, "zhang")  # the cashier had started typing a name in pinyin
    assert box.inputMethodQuery(Qt.InputMethodQuery.ImEnabled)
    with qtbot.waitSignal(box.scanned) as scan:
        qtbot.keyClicks(box, member.card_no)  # the scanner: one fast burst …
        qtbot.keyClick(box, Qt.Key.Key_Return)  # … ending in Enter
    assert scan.args == [member.card_no]  # the burst itself, not "zhang" + the digits
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "李四")
    assert box.text() == ""
    assert till.member_panel.values["card"].text() == member.card_no
    # The input method is switched off only for the scan, then comes back for names.
    qtbot.waitUntil(
        lambda: box.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled), timeout=2000
    )


def test_burst_committed_through_the_ime_is_still_a_scan(qtbot, window, store, owner):
    member = issue_card(store, owner, MemberForm(name="王五", phone="13900002222"))
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    _compose(till.scan, "w")
    with qtbot.waitSignal(till.scan.scanned) as scan:
        for ch in member.card_no:  # an IME that passes each key through as committed text
            _commit(till.scan, ch)
        qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    assert scan.args == [member.card_no]
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "王五")


def test_slow_typing_is_a_search_and_chinese_names_go_through_the_ime(qtbot, app):
    box = ScanBox()
    qtbot.addWidget(box)
    scans, searches = [], []
    box.scanned.connect(scans.append)
    box.searched.connect(searches.append)
    box.show()
    _compose(box, "zhang")
    _commit(box, "张三")
    time.sleep(BURST_GAP_S * 2)  # a person pauses before Enter
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert (scans, searches) == ([], ["张三"])
    box.clear()
    for ch in "5678":  # typed by hand, a key at a time
        qtbot.keyClick(box, ch)
        time.sleep(BURST_GAP_S * 2)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert (scans, searches) == ([], ["张三", "5678"])
    box.clear()
    qtbot.keyClicks(box, "8800000017")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert scans == ["8800000017"]


def test_a_scanned_lost_card_is_refused_with_its_reason(qtbot, window, store, owner):
    from memberdesk.core.members.member import replace_card

    member = issue_card(store, owner, MemberForm(name="赵六", phone="13900003333"))
    replace_card(store, owner, member.id, reason="丢了")
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    qtbot.keyClicks(till.scan, member.card_no)
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(till.bar.isVisible)
    assert "已换新卡，旧卡不能使用" in till.bar.text()
    assert till.member_panel.name.text() == "散客"

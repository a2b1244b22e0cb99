"""The member panel at the till says how many of the member's points expire next and
when, beside the points, so the cashier can remind them (其中 500 分 12-31 到期); after a
sale it shows the figure after it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt

from memberdesk.core.loyalty.program import preset, revise
from memberdesk.core.loyalty.program_store import save_program
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout

from .conftest import log_in
from .test_counter_day import scan


def _at(clock, y: int, m: int, d: int) -> None:
    clock.at = datetime(y, m, d, 10, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)


def _earn(store, owner, member_id: str, fen: int) -> None:
    line = SaleLineInput("商品", fen, 1)
    checkout(store, owner, CheckoutRequest(lines=(line,), member_id=member_id,
                                           tenders={"cash": fen}))  # fmt: skip


def test_the_panel_says_how_many_points_expire_and_when(qtbot, window, store, owner, clock):
    save_program(store, owner, preset("supermarket"))  # cleared on 1 January
    _at(clock, 2026, 3, 10)
    member = issue_card(store, owner, MemberForm(name="王美", phone="13900000088"))
    _earn(store, owner, member.id, 50000)
    _at(clock, 2026, 12, 20)
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    panel = till.member_panel
    scan(qtbot, till, member.card_no)
    assert panel.values["points"].text() == "500"
    assert panel.expiring.isVisible()
    assert panel.expiring.text() == "其中 500 分 12-31 到期"

    # A sale of 200 元: its 200 points are 2026's too, and expire with the rest.
    qtbot.keyClicks(till.scan, "200")
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    qtbot.keyClick(till.scan, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: "已完成" in till.last_label.text())
    if till.dialog is not None and till.dialog.isVisible():
        till.dialog.reject()
    scan(qtbot, till, member.card_no)
    qtbot.waitUntil(lambda: panel.values["points"].text() == "700")
    assert panel.expiring.text() == "其中 700 分 12-31 到期"


def test_points_that_never_expire_show_nothing_beside_them(qtbot, window, store, owner, clock):
    never = revise(preset("supermarket"), {"expiry": {"mode": "never"}})
    save_program(store, owner, never)
    _at(clock, 2026, 12, 20)
    member = issue_card(store, owner, MemberForm(name="李青", phone="13900000089"))
    _earn(store, owner, member.id, 50000)
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    scan(qtbot, till, member.card_no)
    assert till.member_panel.values["points"].text() == "500"
    assert not till.member_panel.expiring.isVisible()

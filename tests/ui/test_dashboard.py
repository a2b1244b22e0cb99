"""The dashboard: its dormant figure is the follow-up list's "all dormant", said in words;
a cashier sees no money figures; the 14-day chart carries its values."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton

from memberdesk.core.followups.calllog import log_call
from memberdesk.core.members.member import MemberForm, freeze, issue_card
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout

from .conftest import child, click, click_item, log_in


def _sell(store, who, member_id, fen: int) -> None:
    checkout(store, who, CheckoutRequest(lines=(SaleLineInput("衬衫", fen),), member_id=member_id,
                                         tenders={"cash": fen}))  # fmt: skip


def _shop(store, owner, clock) -> dict[str, str]:
    """G left long ago; A and B became dormant 10 days ago; D, E, F never came back (F is
    frozen); C came today."""
    ids = {"G": issue_card(store, owner, MemberForm(name="老顾客G", phone="13800000007")).id}
    _sell(store, owner, ids["G"], 5000)
    clock.advance(days=150)
    for key, phone in zip("ABCDEF", range(1, 7), strict=True):
        ids[key] = issue_card(
            store, owner, MemberForm(name=f"会员{key}", phone=f"1380000000{phone}")
        ).id
    _sell(store, owner, ids["A"], 3000)
    _sell(store, owner, ids["B"], 3000)
    freeze(store, owner, ids["F"], "测试")
    clock.advance(days=100)
    _sell(store, owner, ids["C"], 8800)
    _sell(store, owner, None, 1250)  # a walk-in sale today
    return ids


def _open_dashboard(qtbot, window):
    office = window.workspace.backoffice
    window.workspace.setCurrentWidget(office)
    click_item(qtbot, office.menu, "仪表盘")
    return office.dashboard


def test_a_cashier_sees_the_members_but_no_money(qtbot, window, store, owner, clock):
    _shop(store, owner, clock)
    log_in(qtbot, window, "收银员", "1111")
    page = _open_dashboard(qtbot, window)
    qtbot.waitUntil(lambda: page.figures["members"].text() == "7", timeout=10_000)
    assert page.figures["dormant"].text() == "5"
    assert not page.figures["share"].isVisible() and not page.month.isVisible()
    assert not page.trend.isVisible()
    words = "\n".join(w.text() for w in page.findChildren(QLabel) if w.isVisible())
    assert "¥" not in words


def test_the_dormant_figure_is_the_all_dormant_list_and_the_chart_shows_values(
    qtbot, window, store, owner, clock
):
    ids = _shop(store, owner, clock)
    log_call(store, owner, ids["A"], "dormant", "no_answer", "")
    log_in(qtbot, window, "老板", "8888")
    page = _open_dashboard(qtbot, window)
    qtbot.waitUntil(lambda: page.figures["members"].text() == "7", timeout=10_000)
    assert [page.figures[k].text() for k in ("active", "dormant")] == ["1", "5"]
    assert page.captions["dormant"].text() == "沉睡：90 天或更久未到店"
    note = child(page, QLabel, "dash_note").text()
    assert "90 天" in note and "全部沉睡会员" in note
    assert [(s.label, s.value) for s in page.activity.slices] == [
        ("活跃", 1), ("沉睡", 5), ("冻结", 1), ("未回店", 0),
    ]  # fmt: skip
    # the money: the month, the share and the chart with a value on each day that sold
    assert page.month.isVisible() and "¥100.50" in page.month.text()
    qtbot.waitUntil(page.trend.isVisible)
    page.trend.repaint()
    labels = page.trend.value_labels()
    assert len(labels) == 14 and labels[-1] == "¥101" and labels[0] == "¥0"
    assert page.trend.painted_values[-1] == "¥101" and page.trend.painted_values[0] == ""

    # the follow-up list: usually only those newly dormant; "all dormant" lists the dashboard's
    followups = window.workspace.followups
    window.workspace.setCurrentWidget(followups)
    kind = child(followups, QComboBox, "followup_kind")
    kind.setFocus()
    while kind.currentData() != "dormant":
        qtbot.keyClick(kind, Qt.Key.Key_Down)
    click(qtbot, child(followups, QPushButton, "followup_show"))
    qtbot.waitUntil(lambda: "唤醒" in followups.summary.text(), timeout=10_000)
    assert sorted(followups.table.column_texts(1)) == ["会员B", "会员D", "会员E"]
    period = child(followups, QComboBox, "followup_period")
    period.setFocus()
    while period.currentData() != "all":
        qtbot.keyClick(period, Qt.Key.Key_Down)
    assert period.currentText() == "全部沉睡会员（不论多久未到店）"
    click(qtbot, child(followups, QPushButton, "followup_show"))
    qtbot.waitUntil(lambda: "共 4 位会员" in followups.summary.text(), timeout=10_000)
    assert sorted(followups.table.column_texts(1)) == ["会员B", "会员D", "会员E", "老顾客G"]
    assert "共 5 位沉睡会员（与仪表盘一致）：其中 1 位近期已联系或不愿被联系，未列出" in (
        followups.summary.text()
    )

"""What a shop owner reads on the back office's pages: the shop's own words for its roles
and figures, every text whole."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtWidgets import QLabel

from memberdesk.core.errors import DomainError

from .conftest import click_item, log_in

ROOT = Path(__file__).resolve().parents[2]


def _back_office_page(qtbot, window, entry: str):
    office = window.workspace.backoffice
    window.workspace.setCurrentWidget(office)
    click_item(qtbot, office.menu, entry)
    return office.pages.currentWidget()


def _words(page) -> str:
    return "\n".join(w.text() for w in page.findChildren(QLabel) if w.isVisible())


def test_the_discount_limits_page_names_the_manager_as_the_staff_page_does(qtbot, window):
    """The staff page, the login list and the PIN prompts call the role 店长; the discount
    limits page called it 经理, a role the shop does not have."""
    log_in(qtbot, window, "老板", "8888")
    words = _words(_back_office_page(qtbot, window, "折扣权限"))
    assert "经理" not in words, words
    assert "店长：最低折扣（折）" in words and "需店长或老板输入 PIN 批准" in words, words
    refused = DomainError("discount.limits_order")
    assert refused.message("zh_CN") == "收银员的折扣权限不能高于店长"


def test_no_text_of_the_shop_calls_a_manager_anything_but_dianzhang():
    ts = ROOT / "resources" / "translations" / "memberdesk_zh_CN.ts"
    texts = [m.findtext("translation") or "" for m in ET.parse(ts).getroot().iter("message")]
    po = ROOT / "src" / "memberdesk" / "locale" / "zh_CN" / "LC_MESSAGES" / "memberdesk.po"
    texts += [
        line for line in po.read_text(encoding="utf-8").splitlines() if line.startswith("msgstr")
    ]
    assert [t for t in texts if "经理" in t] == []


def test_the_shift_slip_calls_the_points_of_its_sales_as_the_day_report_does(
    qtbot, window, store, owner, cashier, tmp_path
):
    """The sales' points read 发放积分 on the day report; the shift slip said 赠送积分 (points
    given away free), as if the shop had handed them out."""
    from memberdesk.core.members.member import MemberForm, issue_card
    from memberdesk.core.printing.escpos_out import preview_text
    from memberdesk.core.printing.printers import save_printer_settings
    from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout

    from .conftest import type_into

    printed = tmp_path / "printer.bin"
    save_printer_settings(store, owner, connection=f"file:{printed}")
    member = issue_card(store, cashier, MemberForm(name="李娜", phone="13812345601"))
    log_in(qtbot, window, "收银员", "1111", opening_float="0")
    shift = window.ctx.session.shift_id
    checkout(store, cashier, CheckoutRequest(lines=(SaleLineInput("围巾", 12800),), member_id=member.id,
                                             tenders={"cash": 12800}, shift_id=shift))  # fmt: skip
    office = window.workspace.backoffice
    window.workspace.setCurrentWidget(office)
    office.open_page(office.shift)
    page = office.shift
    qtbot.waitUntil(page.counted.isVisible)
    type_into(qtbot, page.counted, "128", enter=True)
    qtbot.waitUntil(lambda: printed.exists() and b"\x1dV" in printed.read_bytes(), timeout=10_000)
    lines = [
        " ".join(line.split())
        for line in preview_text(printed.read_bytes(), "GB18030").splitlines()
    ]
    assert "发放积分 128 分" in lines, [line for line in lines if "积分" in line]
    assert not [line for line in lines if "赠送积分" in line], lines


def test_the_dormant_lists_period_shows_whole(qtbot, window):
    """全部沉睡会员（不论多久未到店）, the choice that lists every dormant member, showed as
    全部沉睡: the period box kept the width of its shorter first choices."""
    from PySide6.QtWidgets import QComboBox

    log_in(qtbot, window, "老板", "8888")
    view = window.workspace.followups
    window.workspace.setCurrentWidget(view)
    qtbot.waitUntil(view.isVisible)
    kind = view.findChild(QComboBox, "followup_kind")
    period = view.findChild(QComboBox, "followup_period")
    qtbot.waitUntil(period.isVisible)  # the page as first shown: the birthday list
    qtbot.wait(50)  # and laid out
    kind.setCurrentIndex(kind.findData("dormant"))
    period.setCurrentIndex(period.findData("all"))
    qtbot.wait(10)  # the layout settles
    text = period.currentText()
    assert text == "全部沉睡会员（不论多久未到店）"
    assert period.width() >= period.fontMetrics().horizontalAdvance(text) + 20, period.width()

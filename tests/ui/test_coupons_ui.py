"""Coupons in the window: scanned into the till's box, picked from the member panel, shown on
the sale with what they take off; issued in the back office, campaigns listed."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QLineEdit, QListWidget, QPushButton, QSpinBox
from sqlalchemy import select

from memberdesk.core.coupons.issue import issue_coupons
from memberdesk.core.loyalty.program import revise
from memberdesk.core.loyalty.program_store import current_program, save_program
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.store.models import Coupon, Sale

from .conftest import child, click, log_in, type_into
from .test_backoffice import _office
from .test_till_sales import add_line

TYPES = {"types": [{"code": "A10", "name": "十元券", "kind": "amount", "value": 1000},
                   {"code": "T50", "name": "满300减50", "kind": "threshold", "value": 5000,
                    "min_spend_fen": 30000}]}  # fmt: skip


def scan(qtbot, till, text: str) -> None:
    """A scanner's burst into the till's box, ended by Enter."""
    till.scan.setFocus()
    qtbot.keyClicks(till.scan, text)
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)


def _program(store, owner) -> None:
    save_program(store, owner, revise(current_program(store).program, {"coupons": TYPES}))


def test_a_member_coupon_picked_from_the_panel_and_a_scanned_one(qtbot, window, store, owner,
                                                                 manager):  # fmt: skip
    _program(store, owner)
    member = issue_card(store, owner, MemberForm(name="王芳", phone="13800138000"))
    mine = issue_coupons(store, manager, "A10", [member.id])[0]
    bearer = issue_coupons(store, manager, "T50", [None])[0]
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    add_line(qtbot, till, "120", "衬衫")
    scan(qtbot, till, member.card_no)
    coupons = child(till.member_panel, QListWidget, "member_coupons")
    qtbot.waitUntil(lambda: coupons.count() == 1)
    assert coupons.item(0).text().startswith("十元券")
    coupons.setFocus()
    coupons.setCurrentRow(0)
    qtbot.keyClick(coupons, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "代金券 -¥10.00" in till.lines.discounts.text())
    assert till.lines.total.text() == "应收 ¥110.00"

    # The bearer's 满300减50 scanned into the box: refused on ¥120 (the reason said) …
    scan(qtbot, till, bearer.code)
    qtbot.waitUntil(lambda: "满 " in till.bar.text() or "300" in till.bar.text())
    assert till.draft.coupon == mine.code and till.lines.total.text() == "应收 ¥110.00"
    qtbot.keyClick(till.scan, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: "已完成" in till.last_label.text())
    with store.read() as s:
        sale = s.scalars(select(Sale)).one()
        assert (sale.total, s.get(Coupon, mine.id).status) == (11000, "redeemed")

    # … and taken on ¥300 by a walk-in.
    add_line(qtbot, till, "300", "大衣")
    scan(qtbot, till, bearer.code.lower())
    qtbot.waitUntil(lambda: till.lines.total.text() == "应收 ¥250.00")
    assert "代金券 -¥50.00" in till.lines.discounts.text()


def test_the_back_office_issues_coupons_and_lists_campaigns(qtbot, window, store, owner):
    _program(store, owner)
    log_in(qtbot, window, "老板", "8888")
    office = _office(qtbot, window, "代金券")
    page = office.coupons
    qtbot.waitUntil(lambda: page.type.count() == 2)
    type_into(qtbot, child(page, QSpinBox, "coupon_count"), "3")
    type_into(qtbot, child(page, QLineEdit, "coupon_campaign"), "开业酬宾")
    click(qtbot, child(page, QPushButton, "coupon_issue"))
    qtbot.waitUntil(lambda: page.table.rowCount() == 1)
    assert page.table.column_texts(0) == ["开业酬宾"] and page.table.column_texts(2) == ["3"]
    with store.read() as s:
        assert len(s.scalars(select(Coupon).where(Coupon.campaign == "开业酬宾")).all()) == 3


def test_a_cashier_issues_coupons_with_a_managers_pin(qtbot, window, store, owner):
    _program(store, owner)
    log_in(qtbot, window, "收银员", "1111")
    office = _office(qtbot, window, "代金券")
    page = office.coupons
    qtbot.waitUntil(lambda: page.type.count() == 2)
    type_into(qtbot, child(page, QSpinBox, "coupon_count"), "2")
    type_into(qtbot, child(page, QLineEdit, "coupon_campaign"), "店庆")
    click(qtbot, child(page, QPushButton, "coupon_issue"))
    auth = [d for d in page.findChildren(QDialog, "authorise_dialog") if d.isVisible()]
    assert auth, f"no manager's PIN asked for; the page said {page.bar.text()!r}"
    assert "店庆" in auth[0].detail.text()
    who = child(auth[0], QComboBox, "authoriser")
    who.setFocus()
    while who.currentData() != "店长":
        qtbot.keyClick(who, Qt.Key.Key_Down)
    qtbot.keyClicks(auth[0].pad.edit, "6666")
    qtbot.keyClick(auth[0].pad.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.table.rowCount() == 1)
    assert page.table.column_texts(0) == ["店庆"] and page.table.column_texts(2) == ["2"]
    assert page.bar.text() == "已发放 2 张代金券"
    with store.read() as s:
        assert len(s.scalars(select(Coupon).where(Coupon.campaign == "店庆")).all()) == 2


def test_campaigns_without_a_name_say_what_issued_them(qtbot, window, store, owner, manager):
    rules = {**TYPES, "on_join": "A10"}
    save_program(store, owner, revise(current_program(store).program, {"coupons": rules}))
    issue_card(store, owner, MemberForm(name="王芳", phone="13800138000"))  # 入会送券
    issue_coupons(store, manager, "T50", [None, None])  # no campaign named
    log_in(qtbot, window, "老板", "8888")
    page = _office(qtbot, window, "代金券").coupons
    qtbot.waitUntil(lambda: page.table.rowCount() == 2)
    rows = zip(page.table.column_texts(0), page.table.column_texts(2), strict=True)
    assert sorted(rows) == [("入会礼券", "1"), ("店长发放", "2")]


def test_a_member_exchanges_points_for_a_coupon_at_the_till(qtbot, window, store, owner):
    from memberdesk.core.loyalty.points import adjust_points

    rules = {**TYPES, "exchange": [{"points": 500, "coupon": "A10"}]}
    save_program(store, owner, revise(current_program(store).program, {"coupons": rules}))
    member = issue_card(store, owner, MemberForm(name="王芳", phone="13800138000"))
    adjust_points(store, owner, member.id, 600, "开业")
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    scan(qtbot, till, member.card_no)
    coupons = child(till.member_panel, QListWidget, "member_coupons")
    qtbot.waitUntil(lambda: till.member_panel.member is not None)
    assert (
        coupons.count() == 0
        and till.member_panel.exchange.currentText() == "500 积分兑 十元券：立减 ¥10.00"
    )
    click(qtbot, child(till.member_panel, QPushButton, "member_exchange_go"))
    qtbot.waitUntil(lambda: coupons.count() == 1)
    assert till.member_panel.values["points"].text() == "100"
    qtbot.waitUntil(lambda: till.dialog is not None and till.dialog.isVisible())
    with store.read() as s:
        (c,) = s.scalars(select(Coupon).where(Coupon.member_id == member.id)).all()
    assert c.source == "exchange"


def test_a_held_sale_comes_back_with_its_coupon(qtbot, window, store, owner, manager):
    _program(store, owner)
    bearer = issue_coupons(store, manager, "A10", [None])[0]
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    add_line(qtbot, till, "120", "衬衫")
    scan(qtbot, till, bearer.code)
    qtbot.waitUntil(lambda: till.lines.total.text() == "应收 ¥110.00")
    qtbot.keyClick(till.lines.price, Qt.Key.Key_F7)
    assert "已挂单" in till.bar.text() and till.draft.coupon is None
    qtbot.keyClick(till.scan, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    qtbot.waitUntil(lambda: till.lines.total.text() == "应收 ¥110.00")
    assert "代金券 -¥10.00" in till.lines.discounts.text()
    qtbot.keyClick(till.scan, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: "已完成" in till.last_label.text())
    with store.read() as s:
        sale = s.scalars(select(Sale)).one()
        assert (sale.total, s.get(Coupon, bearer.id).status) == (11000, "redeemed")


def test_a_capped_percent_coupon_says_its_cap_in_the_window(qtbot, window, store, owner,
                                                            manager):  # fmt: skip
    p20 = {"code": "P20", "name": "八折券", "kind": "percent", "value": 20, "max_off_fen": 5000}
    rules = {"types": [*TYPES["types"], p20], "exchange": [{"points": 500, "coupon": "P20"}]}
    save_program(store, owner, revise(current_program(store).program, {"coupons": rules}))
    member = issue_card(store, owner, MemberForm(name="王芳", phone="13800138000"))
    issue_coupons(store, manager, "P20", [member.id])
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    add_line(qtbot, till, "1000", "大衣")
    scan(qtbot, till, member.card_no)
    coupons = child(till.member_panel, QListWidget, "member_coupons")
    qtbot.waitUntil(lambda: coupons.count() == 1)
    assert coupons.item(0).text() == "八折券：减 20%，最高优惠 ¥50.00，有效期至 2026-04-08"
    assert till.member_panel.exchange.currentText() == "500 积分兑 八折券：减 20%，最高优惠 ¥50.00"
    coupons.setFocus()
    coupons.setCurrentRow(0)
    qtbot.keyClick(coupons, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "代金券 -¥50.00" in till.lines.discounts.text())
    assert till.lines.total.text() == "应收 ¥950.00"

    page = _office(qtbot, window, "代金券").coupons
    qtbot.waitUntil(lambda: page.type.count() == 3)
    assert page.type.itemText(2) == "八折券 (P20)：减 20%，最高优惠 ¥50.00（30天有效）"


def test_the_issue_list_says_how_long_each_coupon_type_is_valid(qtbot, window, store, owner):
    """Whoever issues coupons sees what each type gives and for how long, as it will be
    printed on the coupon: the days from the issue day, an end date, or both."""
    dated = [{"code": "XM", "name": "圣诞券", "kind": "amount", "value": 2000,
              "valid_days": None, "valid_until": "2026-12-31"},
             {"code": "SPR", "name": "春季券", "kind": "amount", "value": 500, "valid_days": 7,
              "valid_until": "2026-05-31"},
             {"code": "EXPO", "name": "展会券", "kind": "amount", "value": 800, "valid_days": None,
              "valid_from": "2026-06-01", "valid_until": "2026-06-07"}]  # fmt: skip
    rules = {"types": [*TYPES["types"], *dated]}
    save_program(store, owner, revise(current_program(store).program, {"coupons": rules}))
    log_in(qtbot, window, "老板", "8888")
    page = _office(qtbot, window, "代金券").coupons
    qtbot.waitUntil(lambda: page.type.count() == 5)
    assert [page.type.itemText(i) for i in range(5)] == [
        "十元券 (A10)：立减 ¥10.00（30天有效）",
        "满300减50 (T50)：满 ¥300.00 减 ¥50.00（30天有效）",
        "圣诞券 (XM)：立减 ¥20.00（有效期至 2026-12-31）",
        "春季券 (SPR)：立减 ¥5.00（7天有效，最晚至 2026-05-31）",
        "展会券 (EXPO)：立减 ¥8.00（2026-06-01 至 2026-06-07 有效）",
    ]


def test_a_coupon_in_the_member_panel_is_read_whole_with_its_end_date(qtbot, window, store,
                                                                      owner, manager):  # fmt: skip
    """At 1366×768 the panel is narrow: a capped coupon's line ran past its right edge and
    the end date was hidden behind a sideways scroll bar."""
    p20 = {"code": "P20", "name": "八折券", "kind": "percent", "value": 20, "max_off_fen": 5000}
    save_program(store, owner, revise(current_program(store).program,
                                      {"coupons": {"types": [p20]}}))  # fmt: skip
    member = issue_card(store, owner, MemberForm(name="王芳", phone="13800138000"))
    issue_coupons(store, manager, "P20", [member.id])
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    scan(qtbot, till, member.card_no)
    coupons = child(till.member_panel, QListWidget, "member_coupons")
    qtbot.waitUntil(lambda: coupons.count() == 1)
    item = coupons.item(0)
    assert item.text().endswith("有效期至 2026-04-08")
    viewport = coupons.viewport()
    rect = coupons.visualItemRect(item)
    needed = coupons.fontMetrics().boundingRect(
        0, 0, viewport.width(), 10_000, Qt.TextFlag.TextWordWrap, item.text()
    )
    assert rect.left() >= 0 and rect.right() <= viewport.width()
    assert rect.height() >= needed.height()
    assert not coupons.horizontalScrollBar().isVisible()


def test_a_coupon_issued_elsewhere_shows_in_the_panel_of_the_member_on_the_till(
    qtbot, window, store, owner, manager
):
    """The back office issues a coupon to the member at the counter: the till's panel lists
    it at once, and what the cashier had typed into the sale stays as it was."""
    from memberdesk.ui.ops import run_op

    _program(store, owner)
    member = issue_card(store, owner, MemberForm(name="王芳", phone="13800138000"))
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    add_line(qtbot, till, "120", "衬衫")
    scan(qtbot, till, member.card_no)
    coupons = child(till.member_panel, QListWidget, "member_coupons")
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "王芳")
    assert coupons.count() == 0
    cash = till.payment.tenders["cash"]
    type_into(qtbot, cash, "200")  # the cash being typed, the cursor still in its box

    # As the 代金券 page does: the core call, announced through the window's run_op.
    run_op(till.ctx, lambda: issue_coupons(store, manager, "A10", [member.id]))

    assert coupons.count() == 1 and coupons.item(0).text().startswith("十元券")
    assert till.member_panel.coupons_label.text().startswith("代金券（1）")
    assert till.lines.table.rowCount() == 1 and till.lines.table.item(0, 0).text() == "衬衫"
    assert till.lines.total.text() == "应收 ¥120.00"
    assert cash.text() == "200"
    qtbot.keyClick(cash, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: "¥80.00" in till.payment.change.text())
    assert till.draft.member is not None and till.draft.member.id == member.id


def test_a_members_coupon_is_put_on_the_sale_with_the_keyboard_only(qtbot, window, store, owner,
                                                                     manager):  # fmt: skip
    """F1 says which key reaches the member's coupons; with it, ↓ and Enter, the second
    coupon listed (the older, 十元券) goes on the sale without the mouse."""
    from PySide6.QtWidgets import QApplication, QLabel

    _program(store, owner)
    member = issue_card(store, owner, MemberForm(name="王芳", phone="13800138000"))
    issue_coupons(store, manager, "A10", [member.id])
    issue_coupons(store, manager, "T50", [member.id])
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    scan(qtbot, till, "300")  # a price typed into the box
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    scan(qtbot, till, member.card_no)
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "王芳")

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F1)
    qtbot.waitUntil(till.help.isVisible)
    said = [label.text().replace("<b>", "").replace("</b>", "")
            for label in till.help.findChildren(QLabel)]  # fmt: skip
    # the title, then each key beside what it does
    key = next(said[i - 1] for i in range(2, len(said), 2) if "代金券" in said[i])
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert not till.help.isVisible()

    modifiers = (
        Qt.KeyboardModifier.ShiftModifier
        if key.startswith("Shift+")
        else Qt.KeyboardModifier.NoModifier
    )
    qtbot.keyClick(
        QApplication.focusWidget(), getattr(Qt.Key, "Key_" + key.split("+")[-1]), modifiers
    )
    coupons = child(till.member_panel, QListWidget, "member_coupons")
    qtbot.waitUntil(coupons.hasFocus)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.lines.total.text() == "应收 ¥290.00")
    assert "代金券 -¥10.00" in till.lines.discounts.text()
    assert till.scan.hasFocus()


def test_a_coupon_that_expires_while_the_member_is_at_the_till_leaves_their_list(
    qtbot, window, store, clock, owner, manager
):
    """王芳 at the till at 23:50 on her coupon's last day; at midnight it expires. It stayed
    in her list (and Shift+F6 went into it) until she was found again; now the next thing
    done on the sale shows her list as it is, and picking the coupon from a list still open
    says why it cannot be used."""
    _program(store, owner)
    member = issue_card(store, owner, MemberForm(name="王芳", phone="13800138000"))
    coupon = issue_coupons(store, manager, "A10", [member.id])[0]
    last_day = coupon.valid_until
    clock.at = datetime(last_day.year, last_day.month, last_day.day, 15, 50, tzinfo=UTC)
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    add_line(qtbot, till, "120", "衬衫")
    scan(qtbot, till, member.card_no)
    coupons = child(till.member_panel, QListWidget, "member_coupons")
    qtbot.waitUntil(lambda: coupons.count() == 1)
    clock.advance(minutes=20)  # 00:10 the next day
    add_line(qtbot, till, "30", "袜子")  # the next thing done on the sale
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 2)
    assert coupons.count() == 0 and till.member_panel.coupons_label.text().startswith("代金券（0）")
    qtbot.keyClick(till.scan, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    assert till.bar.text() == "该会员没有可用的代金券" and not coupons.hasFocus()

    # The list went into just before midnight, and the coupon picked just after it.
    second = issue_coupons(store, manager, "A10", [member.id])[0]
    clock.at = datetime(second.valid_until.year, second.valid_until.month,
                        second.valid_until.day, 15, 59, tzinfo=UTC)  # fmt: skip
    add_line(qtbot, till, "10", "手帕")
    qtbot.waitUntil(lambda: coupons.count() == 1)
    qtbot.keyClick(till.scan, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    assert coupons.hasFocus()
    clock.advance(minutes=2)
    qtbot.keyClick(coupons, Qt.Key.Key_Return)
    assert till.bar.text() == f"代金券 {second.id} 已于 {second.valid_until.isoformat()} 过期"
    assert till.draft.coupon is None and till.lines.total.text() == "应收 ¥160.00"
    assert coupons.count() == 0  # gone from the list at once


def test_a_coupon_comes_off_the_sale_with_ctrl_f6_or_its_button(
    qtbot, window, store, clock, owner, manager
):
    """王芳 changes her mind about her ¥10 coupon (she keeps it for another day): Ctrl+F6
    takes it off and her list offers it again. Put back on at 23:59 of its last day, it
    expires at midnight while on the sale: F12 says why the sale cannot complete, the button
    beside the discounts takes it off, and the sale completes at full price."""
    from PySide6.QtWidgets import QApplication

    _program(store, owner)
    member = issue_card(store, owner, MemberForm(name="王芳", phone="13800138000"))
    coupon = issue_coupons(store, manager, "A10", [member.id])[0]
    last = coupon.valid_until
    clock.at = datetime(last.year, last.month, last.day, 15, 58, tzinfo=UTC)  # 23:58 in Shanghai
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    add_line(qtbot, till, "120", "衬衫")
    scan(qtbot, till, member.card_no)
    coupons = child(till.member_panel, QListWidget, "member_coupons")
    qtbot.waitUntil(lambda: coupons.count() == 1)
    drop = child(till.lines, QPushButton, "drop_coupon")
    assert not drop.isVisible()
    qtbot.keyClick(till.scan, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(coupons, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.lines.total.text() == "应收 ¥110.00")
    assert drop.isVisible()

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: till.lines.total.text() == "应收 ¥120.00")
    assert till.draft.coupon is None and "代金券" not in till.lines.discounts.text()
    assert till.bar.text() == "代金券已从本单取下" and not drop.isVisible()
    assert coupons.count() == 1  # hers to use another day
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6, Qt.KeyboardModifier.ControlModifier)
    assert till.bar.text() == "本单没有代金券"

    qtbot.keyClick(till.scan, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(coupons, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.lines.total.text() == "应收 ¥110.00")
    clock.advance(minutes=3)  # 00:01: past its last day, still on the sale
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: "过期" in till.bar.text())
    with store.read() as s:
        assert s.scalars(select(Sale)).first() is None
    click(qtbot, drop)
    qtbot.waitUntil(lambda: till.lines.total.text() == "应收 ¥120.00")
    type_into(qtbot, till.payment.tenders["cash"], "120")
    qtbot.keyClick(till.payment.tenders["cash"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "已完成" in till.last_label.text())
    with store.read() as s:
        assert s.scalars(select(Sale)).one().total == 12000
        assert s.get(Coupon, coupon.id).status != "redeemed"


def test_with_no_coupon_types_the_page_says_where_they_are_made(qtbot, window, store, owner):
    log_in(qtbot, window, "老板", "8888")
    page = _office(qtbot, window, "代金券").coupons
    kinds = child(page, QComboBox, "coupon_type")
    issue = child(page, QPushButton, "coupon_issue")
    qtbot.waitUntil(lambda: not issue.isEnabled())
    assert kinds.count() == 0
    assert kinds.placeholderText() == "还没有券种：请先在 后台 → 会员方案 的“优惠券种类”里添加"
    _program(store, owner)  # the owner adds two in the program
    page.refresh()  # as when the page is shown again
    assert kinds.count() == 2 and issue.isEnabled()

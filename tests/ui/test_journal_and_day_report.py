"""The sales journal and the day-end report, typed and clicked like a person, with the
receipt printer writing to a file (the bytes python-escpos built, decoded as the paper
would read).

A cashier sells to a walk-in, scans the printed receipt's barcode in the journal, refunds
one line with the manager's PIN and reprints the receipt; the owner reads the day-end
report, prints it and saves its PDF; a cashier has no day-end report to open."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QFileDialog, QLineEdit, QPushButton, QSpinBox
from sqlalchemy import select

from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.printing.escpos_out import preview_text
from memberdesk.core.printing.printers import save_printer_settings
from memberdesk.core.shop.staff import SYSTEM
from memberdesk.core.store.models import Refund, Sale, SaleLine
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.refunds import refund
from memberdesk.core.till.shifts import shift_summary

from .conftest import child, click, click_item, click_row, log_in, type_into


def paper_of(path: Path) -> str:
    """What the printer put on paper last (each job replaces the file)."""
    return preview_text(path.read_bytes()) if path.exists() else ""


def printer_to_file(store, tmp_path: Path) -> Path:
    out = tmp_path / "printer.bin"
    save_printer_settings(store, SYSTEM, connection=f"file:{out}")
    return out


def add_line(qtbot, till, description: str, price: str, quantity: int = 1) -> None:
    rows = till.lines.table.rowCount()
    type_into(qtbot, till.lines.description, description)
    if quantity != 1:
        type_into(qtbot, till.lines.quantity, str(quantity))
    type_into(qtbot, till.lines.price, price, enter=True)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == rows + 1)


def manager_pin(qtbot, parent) -> None:
    auth = parent.findChild(QDialog, "authorise_dialog")
    qtbot.waitUntil(lambda: auth is not None and auth.isVisible())
    who = child(auth, QComboBox, "authoriser")
    who.setFocus()
    while who.currentData() != "店长":
        qtbot.keyClick(who, Qt.Key.Key_Down)
    qtbot.keyClicks(auth.pad.edit, "6666")
    qtbot.keyClick(auth.pad.edit, Qt.Key.Key_Return)


def test_a_walk_in_sale_found_by_scanning_its_receipt_refunded_and_reprinted(
    qtbot, window, store, tmp_path: Path
) -> None:
    printer = printer_to_file(store, tmp_path)
    w = window
    log_in(qtbot, w, "收银员", "1111", opening_float="500")
    till = w.workspace.till
    shift_id = w.ctx.shift_id

    # -- a walk-in sale of two lines, exact cash; the receipt comes out of the printer
    add_line(qtbot, till, "袜子", "12", 3)
    add_line(qtbot, till, "帽子", "50")
    assert till.lines.total.text() == "应收 ¥86.00"
    qtbot.keyClick(till.lines.price, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: "[条码 " in paper_of(printer))
    receipt = paper_of(printer)
    barcode = re.search(r"\[条码 ([^\]]+)\]", receipt).group(1)  # what a scanner reads
    with store.read() as s:
        sale = s.scalars(select(Sale)).one()
        assert (sale.receipt_no, sale.member_id, sale.total) == (barcode, None, 8600)
    assert f"小票号：{barcode}" in receipt

    # -- Shift+F11 from the till: the journal, ready for the scanner
    qtbot.keyClick(till.scan, Qt.Key.Key_F11, Qt.KeyboardModifier.ShiftModifier)
    journal = w.workspace.journal
    qtbot.waitUntil(lambda: journal.isVisible() and journal.scan.hasFocus())
    qtbot.waitUntil(lambda: journal.table.rowCount() == 1)
    assert journal.table.item(0, 4).text() == "散客"  # walk-ins are in the journal too

    # a number no sale has: said plainly, nothing opens
    qtbot.keyClicks(journal.scan, "S001-01-260310-9999")
    qtbot.keyClick(journal.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "找不到小票 S001-01-260310-9999" in journal.bar.text())
    assert journal.detail.sale is None and not journal.detail.refund_button.isEnabled()

    # the receipt's barcode, as the scanner types it: the sale opens
    qtbot.keyClicks(journal.scan, barcode)
    qtbot.keyClick(journal.scan, Qt.Key.Key_Return)
    detail = journal.detail
    qtbot.waitUntil(lambda: barcode in detail.head.text())
    assert "散客" in detail.head.text() and "收银员" in detail.head.text()
    assert not journal.bar.isVisible() and journal.scan.text() == ""
    assert detail.lines.column_texts(0) == ["袜子", "帽子"]
    assert detail.lines.column_texts(1) == ["3", "1"]
    assert detail.lines.column_texts(4) == ["¥36.00", "¥50.00"]
    assert "应收 ¥86.00" in detail.totals.text()

    # -- refund the 帽子 line only; a cashier needs the manager's PIN
    click(qtbot, detail.refund_button)
    dialog = journal.dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    type_into(qtbot, child(dialog, QSpinBox, "refund_qty_1"), "0")
    assert child(dialog, QSpinBox, "refund_qty_2").value() == 1
    type_into(qtbot, child(dialog, QLineEdit, "refund_reason"), "不合适")
    click(qtbot, child(dialog, QPushButton, "confirm_refund"))
    manager_pin(qtbot, dialog)
    qtbot.waitUntil(lambda: "已退款 ¥50.00" in journal.bar.text())
    qtbot.waitUntil(lambda: detail.refunds.rowCount() == 1)
    assert detail.lines.column_texts(5) == ["", "1"]
    assert detail.refunds.item(0, 1).text() == "¥50.00"
    assert detail.refunds.item(0, 5).text() == "店长"
    # how the money went back is read whole, without scrolling, on a 1366-wide screen
    refunds = detail.refunds
    assert refunds.horizontalHeaderItem(2).text() == "退款方式"
    paid_back = refunds.item(0, 2).text()
    assert paid_back == "现金 ¥50.00"
    width = refunds.fontMetrics().horizontalAdvance(paid_back)
    assert refunds.columnWidth(2) > width
    assert refunds.columnViewportPosition(2) + refunds.columnWidth(2) <= refunds.viewport().width()
    assert "已退款 ¥50.00" in detail.totals.text()
    assert journal.table.item(0, 3).text() == "¥50.00"
    with store.read() as s:
        refunded = dict(s.execute(select(SaleLine.line_no, SaleLine.refunded_qty)).all())
        assert refunded == {1: 0, 2: 1}
        r = s.scalars(select(Refund)).one()
        assert (r.amount, r.tenders, r.shift_id, r.authorised_by) == (
            5000, {"cash": 5000}, shift_id, "店长"
        )  # fmt: skip
    qtbot.waitUntil(lambda: "退货单" in paper_of(printer))
    assert r.receipt_no in paper_of(printer)
    # the money left this cashier's drawer: float 500 + 86 in − 50 back
    summary = shift_summary(store, shift_id)
    assert (summary.refunds_by_tender, summary.expected_cash) == ({"cash": 5000}, 53600)

    # -- reprint: marked 重印, with the returned line
    click(qtbot, detail.reprint_button)
    qtbot.waitUntil(lambda: "重印" in paper_of(printer))
    again = paper_of(printer)
    assert f"小票号：{barcode}" in again and f"[条码 {barcode}]" in again
    assert "已退 1 件" in again and "[钱箱]" not in again


def test_the_owner_prints_the_day_end_report_and_saves_its_pdf(
    qtbot, window, store, owner, tmp_path: Path, monkeypatch
) -> None:
    printer = printer_to_file(store, tmp_path)
    member = issue_card(store, owner, MemberForm(name="张三", phone="13812345678"))
    checkout(store, owner, CheckoutRequest(lines=(SaleLineInput("外套", 30000),),
                                           member_id=member.id, tenders={"card": 30000}))  # fmt: skip
    w = window
    log_in(qtbot, w, "老板", "8888", opening_float="500")
    till = w.workspace.till
    add_line(qtbot, till, "袜子", "100")
    qtbot.keyClick(till.lines.price, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: "[条码 " in paper_of(printer))

    qtbot.keyClick(till.scan, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    office = w.workspace.backoffice
    qtbot.waitUntil(office.isVisible)
    click_item(qtbot, office.menu, "日结报表")
    page = office.report
    qtbot.waitUntil(lambda: ("销售 2 笔", "¥400.00") in page.texts())
    shown = page.texts()
    assert ("营业日", "2026-03-10") in shown
    assert ("会员消费 1 笔", "¥300.00") in shown and ("散客消费 1 笔", "¥100.00") in shown
    assert ("银行卡", "¥300.00") in shown and ("现金", "¥100.00") in shown
    assert ("发放积分", "+300") in shown
    with store.read() as s:
        assert sum(s.scalars(select(Sale.total))) == 40000

    # -- on the receipt printer
    click(qtbot, page.print_button)
    qtbot.waitUntil(lambda: "日结报表" in paper_of(printer))
    slip = paper_of(printer).splitlines()
    assert any(ln.split() == ["销售", "2", "笔", "￥400.00"] for ln in slip), slip
    assert any(ln.split() == ["散客消费", "1", "笔", "￥100.00"] for ln in slip), slip
    assert max(len(ln.encode("gb18030")) for ln in slip) <= 48

    # -- as an A4 PDF
    pdf = tmp_path / "日结 2026-03-10.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(pdf), "PDF (*.pdf)"))
    click(qtbot, page.pdf_button)
    qtbot.waitUntil(lambda: "已保存" in page.bar.text())
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "日结报表" in text and "销售 2 笔" in text and "¥400.00" in text

    # -- the day before: nothing was sold
    click(qtbot, child(page, QPushButton, "report_previous"))
    qtbot.waitUntil(lambda: ("营业日", "2026-03-09") in page.texts())
    assert ("销售 0 笔", "¥0.00") in page.texts()


def test_a_cashier_has_no_day_end_report(qtbot, window) -> None:
    w = window
    log_in(qtbot, w, "收银员", "1111", opening_float="500")
    qtbot.keyClick(w.workspace.till.scan, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    office = w.workspace.backoffice
    qtbot.waitUntil(office.isVisible)
    items = [office.menu.item(i).text() for i in range(office.menu.count())]
    assert "日结与交班" in items and "日结报表" not in items
    assert office.report is None


def test_the_journals_filters_typed_like_a_person(qtbot, window, store, owner, manager) -> None:
    zhang = issue_card(store, owner, MemberForm(name="张三", phone="13812345678"))
    for fen in (12000, 34000):
        checkout(store, manager, CheckoutRequest(lines=(SaleLineInput("外套", fen),),
                                                 member_id=zhang.id, tenders={"cash": fen}))  # fmt: skip
    for yuan in range(1, 54):  # 53 walk-in sales of ¥1 … ¥53
        checkout(store, owner, CheckoutRequest(lines=(SaleLineInput("", yuan * 100),),
                                               tenders={"wechat": yuan * 100}))  # fmt: skip
    w = window
    log_in(qtbot, w, "店长", "6666", opening_float="500")
    qtbot.keyClick(w.workspace.till.scan, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    journal = w.workspace.journal
    qtbot.waitUntil(lambda: journal.isVisible() and journal.table.rowCount() == 50)
    assert journal.count.text() == "显示最新的 50 笔"
    assert journal.table.item(0, 2).text() == "¥53.00"  # newest first
    click(qtbot, journal.more)
    qtbot.waitUntil(lambda: journal.table.rowCount() == 55)
    assert journal.count.text() == "共 55 笔" and not journal.more.isEnabled()
    assert journal.table.column_texts(2)[-2:] == ["¥340.00", "¥120.00"]

    type_into(qtbot, journal.member, "张三", enter=True)
    qtbot.waitUntil(lambda: journal.table.rowCount() == 2)
    assert all(text.startswith("张三 ") for text in journal.table.column_texts(4))
    click(qtbot, child(journal, QPushButton, "journal_clear"))
    qtbot.waitUntil(lambda: journal.table.rowCount() == 50)

    type_into(qtbot, journal.amount, "3", enter=True)
    qtbot.waitUntil(lambda: journal.table.rowCount() == 1)
    assert journal.table.column_texts(2) == ["¥3.00"]
    type_into(qtbot, journal.amount, "10")
    type_into(qtbot, journal.amount_to, "12", enter=True)
    qtbot.waitUntil(lambda: journal.table.column_texts(2) == ["¥12.00", "¥11.00", "¥10.00"])

    # a range upside down, a day that does not exist: said, and the list stays as it was
    type_into(qtbot, journal.amount, "100", enter=True)
    qtbot.waitUntil(lambda: "最低金额 ¥100.00 高于最高金额 ¥12.00" in journal.bar.text())
    assert journal.table.rowCount() == 3
    type_into(qtbot, journal.amount, "")
    type_into(qtbot, journal.amount_to, "")
    type_into(qtbot, journal.day_from, "2026-13-01", enter=True)
    qtbot.waitUntil(lambda: "日期“2026-13-01”无效" in journal.bar.text())
    assert journal.table.rowCount() == 3
    type_into(qtbot, journal.day_from, "2026-03-10")
    type_into(qtbot, journal.day_to, "2026-03-10")

    # the cashier who rang them up; walk-ins only
    journal.cashier.setFocus()
    while journal.cashier.currentData() != "店长":
        qtbot.keyClick(journal.cashier, Qt.Key.Key_Down)
    click(qtbot, journal.find_button)
    qtbot.waitUntil(lambda: journal.table.rowCount() == 2)
    assert journal.table.column_texts(5) == ["店长", "店长"] and not journal.bar.isVisible()
    journal.cashier.setFocus()
    qtbot.keyClick(journal.cashier, Qt.Key.Key_Home)
    click(qtbot, journal.walk_in)
    click(qtbot, journal.find_button)
    qtbot.waitUntil(lambda: journal.table.rowCount() == 50)
    assert set(journal.table.column_texts(4)) == {"散客"}


def test_enter_after_the_refunds_reason_refunds_rather_than_cancels(
    qtbot, window, store, tmp_path: Path
) -> None:
    """Typing the reason and Enter closed the refund as 取消 had been clicked: nothing was
    refunded and nothing said so."""
    printer = printer_to_file(store, tmp_path)
    w = window
    log_in(qtbot, w, "收银员", "1111", opening_float="500")
    till = w.workspace.till
    add_line(qtbot, till, "帽子", "50")
    qtbot.keyClick(till.lines.price, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: "小票号" in paper_of(printer))
    qtbot.keyClick(till.scan, Qt.Key.Key_F11, Qt.KeyboardModifier.ShiftModifier)
    journal = w.workspace.journal
    qtbot.waitUntil(lambda: journal.isVisible() and journal.table.rowCount() == 1)
    with store.read() as s:
        receipt_no = s.scalars(select(Sale.receipt_no)).one()
    qtbot.keyClicks(journal.scan, receipt_no)
    qtbot.keyClick(journal.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: receipt_no in journal.detail.head.text())
    click(qtbot, journal.detail.refund_button)
    dialog = journal.dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    type_into(qtbot, child(dialog, QLineEdit, "refund_reason"), "不合适", enter=True)
    manager_pin(qtbot, dialog)
    qtbot.waitUntil(lambda: "已退款 ¥50.00" in journal.bar.text())
    with store.read() as s:
        assert s.scalars(select(Refund.amount)).all() == [5000]


def test_one_day_typed_alone_finds_that_days_sales(qtbot, window, store, owner, clock) -> None:
    """The day typed alone listed that day and every later day, while an amount typed
    alone finds that amount: the owner looking at 10 March saw 11 March's sales too."""
    for fen in (1000, 2000):
        checkout(store, owner, CheckoutRequest(lines=(SaleLineInput("", fen),),
                                               tenders={"cash": fen}))  # fmt: skip
        clock.advance(days=1)
    w = window
    log_in(qtbot, w, "老板", "8888", opening_float="500")
    qtbot.keyClick(w.workspace.till.scan, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    journal = w.workspace.journal
    qtbot.waitUntil(lambda: journal.isVisible() and journal.table.rowCount() == 2)
    shown = journal.table.item(1, 1).text()  # this year's day without its year: 03-10 10:00
    first_day = f"{clock.now().year}-{shown[:5]}"
    type_into(qtbot, journal.day_from, first_day, enter=True)
    qtbot.waitUntil(lambda: journal.count.text() == "共 1 笔")
    assert journal.table.column_texts(2) == ["¥10.00"]
    # with the second box filled in, a range as before
    type_into(qtbot, journal.day_to, journal.day_from.text()[:8] + "31", enter=True)
    qtbot.waitUntil(lambda: journal.table.column_texts(2) == ["¥20.00", "¥10.00"])


def _columns(line: str) -> int:
    """Columns a line takes on paper, as wcwidth counts them: 2 for a Hanzi or a full-width
    sign (￥, （）), 1 for the rest."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def test_the_day_report_lines_up_on_58mm_paper_and_on_screen(
    qtbot, window, store, owner, tmp_path: Path
) -> None:
    from memberdesk.core.till.wallet import top_up

    printer = printer_to_file(store, tmp_path)
    save_printer_settings(store, SYSTEM, paper_mm=58)
    member = issue_card(store, owner, MemberForm(name="张三", phone="13812345678"))
    checkout(store, owner, CheckoutRequest(lines=(SaleLineInput("外套", 30000),),
                                           member_id=member.id, tenders={"card": 30000}))  # fmt: skip
    checkout(store, owner, CheckoutRequest(lines=(SaleLineInput("袜子", 1000),),
                                           tenders={"cash": 1000}))  # fmt: skip
    top_up(store, owner, member.id, 50000, "wechat")
    log_in(qtbot, window, "老板", "8888")
    office = window.workspace.backoffice
    window.workspace.setCurrentWidget(office)
    click_item(qtbot, office.menu, "日结报表")
    page = office.report
    qtbot.waitUntil(lambda: ("销售 2 笔", "¥310.00") in page.texts())

    # on screen: a section's title at the edge, its rows one step in, their parts two;
    # the head of the report (no title above it) at the edge
    labels = {page.tables[0].item(r, 0).text().strip("\u3000"): page.tables[0].item(r, 0).text()
              for r in range(page.tables[0].rowCount())}  # fmt: skip
    assert labels["营业日"] == "营业日" and labels["销售"] == "销售"
    assert labels["销售 2 笔"] == "\u3000销售 2 笔"
    assert labels["会员消费 1 笔"] == "\u3000\u3000会员消费 1 笔"
    assert labels["银行卡"] == "\u3000银行卡"  # sales paid by: the first level of its section

    # on 58 mm paper (32 columns): every figure ends at the right edge, and the rows
    # stand in under their section's title as on screen
    click(qtbot, page.print_button)
    qtbot.waitUntil(lambda: "日结报表" in paper_of(printer))
    slip = paper_of(printer).splitlines()
    figures = [ln for ln in slip if re.search(r"(￥-?[\d,]+\.\d\d|[+-]?\d+|位)$", ln)]
    assert len(figures) >= 15
    assert {_columns(ln) for ln in figures} == {32}, figures
    at = slip.index("销售")
    assert slip[at + 1].startswith("  销售 2 笔") and slip[at + 2].startswith("    会员消费 1 笔")
    assert slip[slip.index("销售收款方式") + 1].startswith("  现金 ")
    assert slip[slip.index("储值") + 1].startswith("  储值充值 1 笔")
    assert next(ln for ln in slip if "营业日" in ln).startswith("营业日")


def _whole_in_view(table, row: int, column: int) -> bool:
    """The cell's text is read whole (no "…") without scrolling sideways."""
    text = table.item(row, column).text()
    widest = max(table.fontMetrics().horizontalAdvance(line) for line in text.split("\n"))
    return (
        table.columnWidth(column) > widest
        and table.columnViewportPosition(column) >= 0
        and table.columnViewportPosition(column) + table.columnWidth(column)
        <= table.viewport().width()
    )


def test_a_refunded_split_sale_reads_whole_on_a_1366_screen(
    qtbot, window, store, owner, manager
) -> None:
    """A member's ¥12,345.00 coat paid by bank card and WeChat, refunded: the 已退 column
    widens, and 支付方式 was cut to "银行卡 …"; the refund's 收银员 and 授权人 were past the
    right edge of the refunds table."""
    member = issue_card(store, owner, MemberForm(name="欧阳晓明", phone="13812345678"))
    coat = checkout(store, manager, CheckoutRequest(
        lines=(SaleLineInput("外套", 1234500),), member_id=member.id,
        tenders={"card": 1000000, "wechat": 234500}))  # fmt: skip
    refund(store, manager, coat.receipt_no, authoriser=manager)
    checkout(store, manager, CheckoutRequest(lines=(SaleLineInput("袜子", 1200),),
                                             tenders={"card": 1200}))  # fmt: skip
    w = window
    assert w.width() == 1366
    log_in(qtbot, w, "店长", "6666", opening_float="500")
    qtbot.keyClick(w.workspace.till.scan, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    journal = w.workspace.journal
    qtbot.waitUntil(lambda: journal.isVisible() and journal.table.rowCount() == 2)
    table = journal.table
    assert table.horizontalHeaderItem(6).text() == "支付方式"
    # this year's sales by month, day and time; the ways paid named, their amounts in the tip
    assert table.item(1, 1).text() == "03-10 10:00"
    assert table.item(1, 3).text() == "¥12,345.00"
    assert table.item(1, 6).text() == "银行卡、微信"
    assert table.item(1, 6).toolTip() == "银行卡 ¥10,000.00，微信 ¥2,345.00"
    assert table.item(0, 6).text() == "银行卡"
    assert all(_whole_in_view(table, 1, c) for c in range(table.columnCount()))

    click_row(qtbot, table, 1)
    detail = journal.detail
    qtbot.waitUntil(lambda: detail.refunds.rowCount() == 1)
    refunds = detail.refunds
    assert [refunds.horizontalHeaderItem(c).text() for c in range(6)] == [
        "退货单", "金额", "退款方式", "时间", "收银员", "授权人"]  # fmt: skip
    assert refunds.item(0, 2).text() == "银行卡 ¥10,000.00\n微信 ¥2,345.00"
    assert refunds.item(0, 3).text() == "03-10 10:00"
    assert (refunds.item(0, 4).text(), refunds.item(0, 5).text()) == ("店长", "店长")
    assert refunds.rowHeight(0) >= 2 * refunds.fontMetrics().height()  # both ways shown
    assert all(_whole_in_view(refunds, 0, c) for c in range(refunds.columnCount()))
    assert not refunds.horizontalScrollBar().isVisible()


def test_an_earlier_years_sale_keeps_its_year(qtbot, window, store, owner, manager) -> None:
    checkout(store, manager, CheckoutRequest(lines=(SaleLineInput("袜子", 1200),),
                                             tenders={"cash": 1200}))  # fmt: skip
    store.clock.advance(days=300)  # into the next year
    w = window
    log_in(qtbot, w, "店长", "6666", opening_float="500")
    qtbot.keyClick(w.workspace.till.scan, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    journal = w.workspace.journal
    qtbot.waitUntil(lambda: journal.isVisible() and journal.table.rowCount() == 1)
    assert journal.table.item(0, 1).text() == "2026-03-10 10:00"

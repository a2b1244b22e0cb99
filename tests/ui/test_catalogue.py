"""The catalogue in the window, typed and clicked as a person: a 5,000-item sheet imported
through the items page (dry run first), goods and a member card scanned into the till's
one box and sold, prices typed there, the item editor and the program's category rules.
Numbers are read off the screen and checked in the database."""

from __future__ import annotations

import csv
import time

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
)
from sqlalchemy import func, select

from memberdesk.core.items.catalogue import ItemForm, create_item
from memberdesk.core.loyalty.program_store import current_program
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.store.models import AuditEntry, Item, Member, PointsEntry, Sale, SaleLine
from memberdesk.ui.till.scan_box import BURST_GAP_S

from .conftest import child, click, click_item, click_row, ime_commit, log_in, type_into

COLA = ItemForm(name="可口可乐", price=350, code="A001", barcodes=("6901234567892",),
                category="饮料", member_price=300)  # fmt: skip
SMOKES = ItemForm(name="香烟", price=4500, code="Y001", barcodes=("96385074",), category="烟",
                  no_discount=True, earns_points=False)  # fmt: skip


def _office(qtbot, w, page_name: str):
    w.workspace.setCurrentWidget(w.workspace.backoffice)
    office = w.workspace.backoffice
    click_item(qtbot, office.menu, page_name)
    return office


def _count(store, model) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def scan(qtbot, box, code: str) -> None:
    """A scanner: the code as one fast burst of keys, then Enter."""
    qtbot.keyClicks(box, code)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def type_slowly(qtbot, box, text: str) -> None:
    """A person at the keyboard: a key at a time, then Enter."""
    for ch in text:
        qtbot.keyClick(box, ch)
        time.sleep(BURST_GAP_S * 1.5)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def _cells(table, row: int) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]


def _new_item(qtbot, window, code: str, name: str):
    """The owner's 后台 → 商品 → 新增商品 dialog with a code, a name and ¥28.00, saved."""
    page = _office(qtbot, window, "商品").items
    click(qtbot, child(page, QPushButton, "add_item"))
    form = page.dialog
    qtbot.waitUntil(form.isVisible)
    type_into(qtbot, child(form, QLineEdit, "item_code_field"), code)
    ime_commit(child(form, QLineEdit, "item_name_field"), name)
    type_into(qtbot, child(form, QLineEdit, "item_price_field"), "28")
    click(qtbot, child(form, QPushButton, "save_item"))
    return form


def test_four_digits_that_end_members_phones_are_kept_only_once_the_owner_confirms(
    qtbot, window, store, owner
):
    """As the import warns and the till asks, the editor asks before saving code 5678 when
    members' phones end in 5678: 修改编码 saves nothing, 仍然使用 saves it."""
    issue_card(store, owner, MemberForm(name="李四", phone="13900005678"))
    log_in(qtbot, window, "老板", "8888")
    form = _new_item(qtbot, window, "5678", "蛋糕")
    qtbot.waitUntil(lambda: form.last4_question is not None and form.last4_question.isVisible())
    question = form.last4_question
    assert "收银台也把 5678 读作手机尾号，目前有 1 位会员的手机尾号是 5678" in question.text()
    assert "仍要用 5678 作这件商品的编码吗？" in question.text()
    click(qtbot, child(question, QPushButton, "change_last4_code"))
    qtbot.waitUntil(lambda: not question.isVisible())
    qtbot.waitUntil(child(form, QLineEdit, "item_code_field").hasFocus)
    assert form.isVisible() and _count(store, Item) == 0  # declined: nothing saved
    click(qtbot, child(form, QPushButton, "save_item"))
    qtbot.waitUntil(lambda: form.last4_question is not question and form.last4_question.isVisible())
    click(qtbot, child(form.last4_question, QPushButton, "keep_last4_code"))
    qtbot.waitUntil(lambda: not form.isVisible())
    with store.read() as s:
        assert s.scalars(select(Item.code)).all() == ["5678"]


def test_four_digits_that_end_no_members_phone_are_saved_without_a_question(
    qtbot, window, store, owner
):
    issue_card(store, owner, MemberForm(name="李四", phone="13900005678"))
    log_in(qtbot, window, "老板", "8888")
    form = _new_item(qtbot, window, "4321", "面包")
    qtbot.waitUntil(lambda: not form.isVisible())
    assert form.last4_question is None and form.price_question is None
    with store.read() as s:
        assert s.scalars(select(Item.code)).all() == ["4321"]


def test_a_5000_item_catalogue_imported_through_the_items_page(qtbot, window, store, tmp_path,
                                                              monkeypatch):  # fmt: skip
    sheet = tmp_path / "商品.csv"
    with sheet.open("w", encoding="gb18030", newline="") as f:  # as Chinese Excel saves a CSV
        out = csv.writer(f)
        out.writerow(["商品编码", "条码", "商品名称", "分类", "售价", "会员价", "不打折", "积分"])
        for i in range(5000):
            price = "九块九" if i == 1234 else f"{1 + i % 300}.{i % 100:02d}"  # one bad price
            out.writerow([f"P{i:05d}", "", f"商品{i:05d}", ("饮料", "零食", "日用")[i % 3], price,
                          "", "否", "是"])  # fmt: skip
    log_in(qtbot, window, "老板", "8888")
    office = _office(qtbot, window, "商品")
    page = office.items
    assert page.count.text() == "没有相符的商品"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(sheet), ""))
    click(qtbot, child(page, QPushButton, "import_items"))
    dialog = page.dialog
    qtbot.waitUntil(lambda: "试运行" in dialog.summary.text(), timeout=60_000)
    assert "共 5000 行：新商品 4999，修改 0，有问题 1，无变化 0" in dialog.summary.text()
    assert _cells(dialog.table, 0) == [
        "1236",
        "售价",
        "售价“九块九”不是以元为单位的金额（例如 350.00）",
    ]
    assert _count(store, Item) == 0  # the dry run wrote nothing
    click(qtbot, dialog.run_button)
    qtbot.waitUntil(lambda: "已写入 4999 行" in dialog.summary.text(), timeout=180_000)
    assert _count(store, Item) == 4999
    with store.read() as s:
        assert s.scalar(select(Item.price).where(Item.code == "P00042")) == 4342
        chunks = s.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "items.import")
        ).all()
    assert sum(c["written"] for c in chunks) == 4999 and len(chunks) > 1  # short transactions
    dialog.reject()
    qtbot.waitUntil(lambda: page.count.text() == "共 4999 个商品（第 1–100 个）")
    type_into(qtbot, page.search, "商品00042", enter=True)
    qtbot.waitUntil(lambda: page.table.rowCount() == 1)
    assert _cells(page.table, 0)[:4] == ["P00042", "商品00042", "饮料", "¥43.42"]


def test_the_import_warns_of_codes_the_till_reads_as_a_price_or_a_phones_end(
    qtbot, window, store, owner, tmp_path, monkeypatch
):
    issue_card(store, owner, MemberForm(name="李四", phone="13900005678"))
    sheet = tmp_path / "面包.csv"
    sheet.write_text("编码,名称,售价\n101,法棍,8\n5678,蛋糕,28\nA01,吐司,9\n", encoding="utf-8")
    log_in(qtbot, window, "老板", "8888")
    page = _office(qtbot, window, "商品").items
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(sheet), ""))
    click(qtbot, child(page, QPushButton, "import_items"))
    dialog = page.dialog
    qtbot.waitUntil(lambda: "试运行" in dialog.summary.text())
    assert "共 3 行：新商品 3，修改 0，有问题 0，无变化 0" in dialog.summary.text()
    assert [_cells(dialog.table, r) for r in range(dialog.table.rowCount())] == [
        ["2", "编码", "提示：在收银台输入 101 将加入这件商品，而不是按 ¥101.00 收款；要按 ¥101.00 "
                      "收款，收银员需输入 101.。此行照常导入"],
        ["3", "编码", "提示：收银台也把 5678 读作手机尾号，目前有 1 位会员的手机尾号是 5678：在收银台"
                      "输入 5678 时会询问要这件商品还是会员。此行照常导入"],
    ]  # fmt: skip
    assert dialog.run_button.isEnabled()  # warned, not refused
    click(qtbot, dialog.run_button)
    qtbot.waitUntil(lambda: "已写入 3 行" in dialog.summary.text())
    assert _count(store, Item) == 3 and dialog.table.rowCount() == 2


def test_goods_and_a_member_card_scanned_into_one_box_and_sold(qtbot, window, store, owner):
    cola = create_item(store, owner, COLA)
    smokes = create_item(store, owner, SMOKES)
    member = issue_card(store, owner, MemberForm(name="张三", phone="13812345678"))
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    table = till.lines.table
    scan(qtbot, till.scan, "6901234567892")  # goods first, a walk-in so far
    qtbot.waitUntil(lambda: table.rowCount() == 1)
    assert _cells(table, 0) == ["可口可乐", "1", "¥3.50", "", "¥3.50"]
    scan(qtbot, till.scan, "6901234567892")  # the same goods again: one more on its line
    qtbot.waitUntil(lambda: table.item(0, 1).text() == "2")
    scan(qtbot, till.scan, "96385074")
    qtbot.waitUntil(lambda: table.rowCount() == 2)
    assert till.lines.total.text() == "应收 ¥52.00"
    with qtbot.waitSignal(till.scan.scanned):  # the member's card, into the same box
        scan(qtbot, till.scan, member.card_no)
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "张三")
    assert till.scan.text() == ""
    # A member is on the sale: the cola at its member price; tobacco is 不打折 and earns nothing.
    assert _cells(table, 0) == ["可口可乐", "2", "¥3.50", "-¥1.00", "¥6.00"]
    assert _cells(table, 1) == ["香烟", "1", "¥45.00", "", "¥45.00"]
    assert till.lines.total.text() == "应收 ¥51.00"
    assert "会员价 -¥1.00" in till.lines.discounts.text()
    assert till.payment.earn.text() == "本单积分：+6"
    qtbot.keyClick(till.scan, Qt.Key.Key_F12)
    receipt = till.dialog
    qtbot.waitUntil(lambda: receipt is not None and receipt.isVisible())
    text = receipt.findChild(QPlainTextEdit, "slip_text").toPlainText()
    assert "可口可乐" in text and "会员价" in text and "51.00" in text
    receipt.reject()
    with store.read() as s:
        sale = s.scalars(select(Sale)).one()
        lines = s.execute(select(SaleLine.item_id, SaleLine.item_code, SaleLine.quantity,
                                 SaleLine.unit_price, SaleLine.discount, SaleLine.discount_kind,
                                 SaleLine.amount).order_by(SaleLine.line_no)).all()  # fmt: skip
        earned = s.scalars(select(PointsEntry.delta).where(PointsEntry.kind == "earn")).one()
        points = s.scalar(select(Member.points))
    assert (sale.member_id, sale.subtotal, sale.discount_total, sale.total, sale.points_earned) == (
        member.id, 5200, 100, 5100, 6,
    )  # fmt: skip
    assert [tuple(r) for r in lines] == [
        (cola.id, "A001", 2, 350, 100, "member_price", 600),
        (smokes.id, "Y001", 1, 4500, 0, "", 4500),
    ]
    assert (earned, points) == (6, 6)
    assert "积分 +6，现有 6" in till.last_label.text()


def test_a_price_typed_into_the_box_adds_a_line(qtbot, window, store, owner):
    """The defect: a typed price was searched as a member. The README says price + Enter."""
    issue_card(store, owner, MemberForm(name="李四", phone="13900005678"))
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    type_slowly(qtbot, till.scan, "35")
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    assert _cells(till.lines.table, 0) == ["商品", "1", "¥35.00", "", "¥35.00"]
    assert till.scan.text() == "" and till.member_panel.name.text() == "散客"
    type_slowly(qtbot, till.scan, "12.5")
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 2)
    assert till.lines.total.text() == "应收 ¥47.50"
    # Four digits are the last four of a phone: 李四 is found, not a ¥5,678 line.
    type_slowly(qtbot, till.scan, "5678")
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "李四")
    assert till.lines.table.rowCount() == 2
    # Four digits that end no phone say how to type such a price, and add nothing.
    type_slowly(qtbot, till.scan, "1280")
    qtbot.waitUntil(till.bar.isVisible)
    assert till.bar.text() == (
        "没有手机尾号为 1280 的会员；如要按 ¥1,280.00 收款，请带小数点或 ¥ 输入（1280.00 或 ¥1280）"
    )
    assert till.lines.table.rowCount() == 2 and till.scan.selectedText() == "1280"
    qtbot.keyClicks(till.scan, "¥1280")  # typing replaces what was selected
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 3)
    assert not till.bar.isVisible() or till.bar.text() == ""
    assert _cells(till.lines.table, 2)[2] == "¥1,280.00"


def _item_or_member_pick(qtbot, till):
    """The list the box opened, with the keys in it as on a desktop (the window manager
    gives the new dialog the keys; offscreen, it is activated here)."""
    pick = till.scan.dialog
    qtbot.waitUntil(lambda: pick is not None and pick.isVisible())
    assert pick.objectName() == "item_or_member_pick"
    pick.activateWindow()
    qtbot.waitUntil(pick.table.hasFocus)
    return pick


def test_four_digits_of_an_item_and_of_members_phones_ask_which(qtbot, window, store, owner):
    """The defect: typing a member's last four added the item coded the same, silently."""
    create_item(store, owner, ItemForm(name="蛋糕", price=2800, code="5678"))
    li = issue_card(store, owner, MemberForm(name="李四", phone="13900005678"))
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    type_slowly(qtbot, till.scan, "5678")
    pick = _item_or_member_pick(qtbot, till)
    assert pick.windowTitle() == "5678 既是商品编码，也是会员手机尾号：请选择要哪一个"
    assert [_cells(pick.table, r) for r in range(pick.table.rowCount())] == [
        ["商品", "蛋糕", "5678", "", "¥28.00"],
        ["会员", "李四", li.card_no, "139****5678", ""],
    ]
    assert till.lines.table.rowCount() == 0  # nothing taken until the cashier says
    qtbot.keyClick(pick.table, Qt.Key.Key_Down)  # the member
    qtbot.keyClick(pick.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "李四")
    assert till.lines.table.rowCount() == 0 and till.scan.text() == ""
    qtbot.waitUntil(till.scan.hasFocus)
    type_slowly(qtbot, till.scan, "5678")  # the same four digits again: Enter takes the item
    pick = _item_or_member_pick(qtbot, till)
    qtbot.keyClick(pick.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    assert _cells(till.lines.table, 0)[0] == "蛋糕" and till.scan.text() == ""
    assert till.member_panel.name.text() == "李四"
    qtbot.waitUntil(till.scan.hasFocus)
    type_slowly(qtbot, till.scan, "5678")  # Esc: neither; the digits stay, to be typed over
    pick = _item_or_member_pick(qtbot, till)
    qtbot.keyClick(pick.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not pick.isVisible())
    assert till.lines.table.rowCount() == 1 and till.member_panel.name.text() == "李四"
    qtbot.waitUntil(till.scan.hasFocus)
    assert till.scan.selectedText() == "5678"


def test_a_barcode_that_is_no_item_nor_card_is_said_so(qtbot, window, store, owner):
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    scan(qtbot, till.scan, "4006000000005")
    qtbot.waitUntil(till.bar.isVisible)
    assert till.bar.text() == "没有商品或会员卡的号码是 4006000000005"
    assert till.lines.table.rowCount() == 0 and till.member_panel.name.text() == "散客"
    assert till.scan.text() == "4006000000005" and till.scan.selectedText() == "4006000000005"


def test_a_name_that_several_items_share_offers_a_list(qtbot, window, store, owner):
    for code, name in (("T1", "短袖T恤"), ("T2", "长袖T恤")):
        create_item(store, owner, ItemForm(name=name, price=5900, code=code))
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    ime_commit(till.scan, "T恤")
    time.sleep(BURST_GAP_S * 2)
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    pick = till.scan.dialog
    qtbot.waitUntil(lambda: pick is not None and pick.isVisible())
    assert [pick.table.item(r, 0).text() for r in range(pick.table.rowCount())] == [
        "短袖T恤",
        "长袖T恤",
    ]
    qtbot.keyClick(pick.table, Qt.Key.Key_Down)
    qtbot.keyClick(pick.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    assert _cells(till.lines.table, 0)[0] == "长袖T恤" and till.scan.text() == ""


def test_the_owner_adds_edits_and_deactivates_an_item(qtbot, window, store):
    log_in(qtbot, window, "老板", "8888")
    page = _office(qtbot, window, "商品").items
    click(qtbot, child(page, QPushButton, "add_item"))
    form = page.dialog
    qtbot.waitUntil(form.isVisible)
    type_into(qtbot, child(form, QLineEdit, "item_barcodes_field"), "6901234567891")
    ime_commit(child(form, QLineEdit, "item_name_field"), "可口可乐")
    type_into(qtbot, child(form, QLineEdit, "item_price_field"), "3.5")
    type_into(qtbot, child(form, QLineEdit, "item_member_price_field"), "4")
    click(qtbot, child(form, QPushButton, "save_item"))
    barcode_error = child(form, QLabel, "barcodes_error")
    qtbot.waitUntil(barcode_error.isVisible)
    assert "校验位不对" in barcode_error.text()
    assert child(form, QLabel, "member_price_error").text() == "会员价 ¥4.00 高于售价 ¥3.50"
    assert _count(store, Item) == 0
    type_into(qtbot, child(form, QLineEdit, "item_barcodes_field"), "6901234567892")
    type_into(qtbot, child(form, QLineEdit, "item_member_price_field"), "3")
    category = child(form, QComboBox, "item_category_field")
    category.setFocus()
    ime_commit(category.lineEdit(), "饮料")
    click(qtbot, child(form, QPushButton, "save_item"))
    qtbot.waitUntil(lambda: not form.isVisible())
    qtbot.waitUntil(lambda: page.table.rowCount() == 1)
    assert _cells(page.table, 0) == ["6901234567892", "可口可乐", "饮料", "¥3.50", "¥3.00",
                                     "6901234567892", "否", "是", "在售"]  # fmt: skip
    click_row(qtbot, page.table, 0)
    click(qtbot, child(page, QPushButton, "edit_item"))
    form = page.dialog
    qtbot.waitUntil(form.isVisible)
    type_into(qtbot, child(form, QLineEdit, "item_price_field"), "3.8")
    earns = child(form, QCheckBox, "item_earns_points_field")
    qtbot.mouseClick(earns, Qt.MouseButton.LeftButton, pos=QPoint(8, earns.height() // 2))
    assert not earns.isChecked()
    click(qtbot, child(form, QPushButton, "save_item"))
    qtbot.waitUntil(lambda: not form.isVisible())
    qtbot.waitUntil(lambda: page.table.item(0, 3).text() == "¥3.80")
    assert page.table.item(0, 7).text() == "否"
    click_row(qtbot, page.table, 0)
    toggle = child(page, QPushButton, "toggle_item")
    assert toggle.text() == "停用"
    click(qtbot, toggle)
    qtbot.waitUntil(lambda: page.table.item(0, 8).text() == "已停用")
    with store.read() as s:
        item = s.scalars(select(Item)).one()
        actions = s.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.action.like("item.%"))
            .order_by(AuditEntry.id)
        ).all()
    assert (item.price, item.earns_points, item.active, item.version) == (380, False, False, 3)
    assert actions == ["item.created", "item.edited", "item.deactivated"]
    state = child(page, QComboBox, "items_state")
    state.setCurrentIndex(state.findText("在售"))
    qtbot.waitUntil(lambda: page.table.rowCount() == 0)


def test_a_cashier_adds_an_item_with_a_managers_pin(qtbot, window, store):
    log_in(qtbot, window, "收银员", "1111")
    page = _office(qtbot, window, "商品").items
    click(qtbot, child(page, QPushButton, "add_item"))
    asked = page.dialog
    qtbot.waitUntil(asked.isVisible)
    who = child(asked, QComboBox, "authoriser")
    who.setCurrentIndex(who.findData("店长"))
    qtbot.keyClicks(asked.pad.edit, "6666")
    qtbot.keyClick(asked.pad.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.dialog is not asked and page.dialog.isVisible())
    form = page.dialog
    type_into(qtbot, child(form, QLineEdit, "item_code_field"), "b01")
    ime_commit(child(form, QLineEdit, "item_name_field"), "毛巾")
    type_into(qtbot, child(form, QLineEdit, "item_price_field"), "12.9")
    click(qtbot, child(form, QPushButton, "save_item"))
    qtbot.waitUntil(lambda: not form.isVisible())
    with store.read() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "item.created")).one()
        assert s.scalar(select(Item.code)) == "B01"
    assert (audit.staff_name, audit.authorised_by) == ("收银员", "店长")


def test_a_category_rule_of_the_program_prices_the_category(qtbot, window, store, owner):
    create_item(store, owner, COLA)
    create_item(store, owner, SMOKES)
    member = issue_card(store, owner, MemberForm(name="张三", phone="13812345678"))
    log_in(qtbot, window, "老板", "8888")
    page = _office(qtbot, window, "商品").items
    click(qtbot, child(page, QPushButton, "category_rules_button"))
    rules = page.dialog
    qtbot.waitUntil(rules.isVisible)
    assert [name for name, *_ in rules.rows] == ["烟", "饮料"]
    zhe = child(rules, QDoubleSpinBox, "category_1_1")  # 饮料: members pay 80 %
    zhe.setFocus()
    qtbot.keyClick(zhe, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(zhe, "8")
    earns = child(rules, QCheckBox, "category_0_3")  # 烟: earns no points
    qtbot.mouseClick(earns, Qt.MouseButton.LeftButton, pos=QPoint(8, earns.height() // 2))
    click(qtbot, child(rules, QPushButton, "save_category_rules"))
    qtbot.waitUntil(lambda: not rules.isVisible())
    program = current_program(store).program
    assert [(c.name, c.discount_percent, c.no_discount, c.earns_points) for c in program.categories] == [
        ("烟", 0, False, False), ("饮料", 20, False, True),
    ]  # fmt: skip
    # At the till: 20 % off the cola (¥0.70) beats its member price (¥0.50 off).
    window.workspace.setCurrentWidget(window.workspace.till)
    till = window.workspace.till
    scan(qtbot, till.scan, "6901234567892")
    scan(qtbot, till.scan, member.card_no)
    qtbot.waitUntil(lambda: till.member_panel.name.text() == "张三")
    assert _cells(till.lines.table, 0) == ["可口可乐", "1", "¥3.50", "-¥0.70", "¥2.80"]
    assert "品类折扣（8折） -¥0.70" in till.lines.discounts.text()


def test_a_short_all_digit_code_is_kept_only_once_the_owner_confirms_it(qtbot, window, store):
    """The owner saving code 123 is told that 123 at the till will add the item, not ring
    up ¥123.00, and how a price is then typed; 修改编码 goes back to the code, 仍然使用
    saves it. At the till 123 adds the item, and 123. is ¥123.00."""
    log_in(qtbot, window, "老板", "8888")
    page = _office(qtbot, window, "商品").items
    click(qtbot, child(page, QPushButton, "add_item"))
    form = page.dialog
    qtbot.waitUntil(form.isVisible)
    code = child(form, QLineEdit, "item_code_field")
    type_into(qtbot, code, "123")
    ime_commit(child(form, QLineEdit, "item_name_field"), "法棍")
    type_into(qtbot, child(form, QLineEdit, "item_price_field"), "8")
    click(qtbot, child(form, QPushButton, "save_item"))
    qtbot.waitUntil(lambda: form.price_question is not None and form.price_question.isVisible())
    question = form.price_question
    assert "在收银台输入 123 将加入这件商品，而不是按 ¥123.00 收款" in question.text()
    assert "收银员需输入 123." in question.text()
    click(qtbot, child(question, QPushButton, "change_price_code"))
    qtbot.waitUntil(lambda: not question.isVisible())
    qtbot.waitUntil(code.hasFocus)  # back at the code, to change it
    assert form.isVisible() and _count(store, Item) == 0
    click(qtbot, child(form, QPushButton, "save_item"))
    qtbot.waitUntil(lambda: form.price_question is not question and form.price_question.isVisible())
    click(qtbot, child(form.price_question, QPushButton, "keep_price_code"))
    qtbot.waitUntil(lambda: not form.isVisible())
    assert _count(store, Item) == 1

    window.workspace.setCurrentWidget(window.workspace.till)
    till = window.workspace.till
    qtbot.waitUntil(till.scan.isVisible)
    type_slowly(qtbot, till.scan, "123")
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 1)
    assert _cells(till.lines.table, 0)[0] == "法棍"
    type_slowly(qtbot, till.scan, "123.")
    qtbot.waitUntil(lambda: till.lines.table.rowCount() == 2)
    assert "¥123.00" in _cells(till.lines.table, 1)

"""The owner's side: program settings with inline problems, staff, backups, import dry run,
follow-up lists with outcomes and the call sheet, the dashboard."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
)
from sqlalchemy import func, select

from memberdesk.core.loyalty.program_store import current_program
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.printing.printers import save_printer_settings
from memberdesk.core.shop.backups import list_backups
from memberdesk.core.store.models import CallLogEntry, Member, ProgramVersion, Staff

from .conftest import child, click, click_item, click_row, log_in, type_into


def _office(qtbot, w, page_name: str):
    w.workspace.setCurrentWidget(w.workspace.backoffice)
    office = w.workspace.backoffice
    click_item(qtbot, office.menu, page_name)
    return office


def _edit_cell(qtbot, table, row: int, col: int, text: str) -> None:
    """Click the cell, F2 to edit it, type, Enter."""
    table.scrollTo(table.model().index(row, col))
    rect = table.visualRect(table.model().index(row, col))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit), editor
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_program_problems_show_beside_the_field_and_a_good_change_saves(qtbot, window, store):
    log_in(qtbot, window, "老板", "8888")
    office = _office(qtbot, window, "会员方案")
    page = office.program
    assert "第 1 版" in page.version.text()
    tiers = page.form.tiers
    assert tiers.item(1, 1).text() == "银卡"
    _edit_cell(qtbot, tiers, 1, 2, "0")  # 银卡 from 0 元: not above 普通
    error = child(page, QLabel, "error_tiers.levels")
    qtbot.waitUntil(error.isVisible)
    assert "门槛必须高于上一等级" in error.text() and "第 2 行" in error.text()
    assert not page.save_button.isEnabled()
    _edit_cell(qtbot, tiers, 1, 2, "3000")
    qtbot.waitUntil(lambda: not error.isVisible())
    share = page.form.fields["redeem.max_share_percent"]
    type_into(qtbot, share.lineEdit(), "30", enter=True)
    qtbot.waitUntil(page.save_button.isEnabled)
    click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: "第 2 版" in page.bar.text())
    assert current_program(store).program.redeem.max_share_percent == 30
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(ProgramVersion)) == 2


def test_owner_adds_staff_and_takes_a_backup(qtbot, window, store):
    log_in(qtbot, window, "老板", "8888")
    office = _office(qtbot, window, "员工")
    page = office.staff
    type_into(qtbot, child(page, QLineEdit, "staff_name"), "导购小王")
    type_into(qtbot, child(page, QLineEdit, "staff_pin"), "12")
    click(qtbot, child(page, QPushButton, "staff_add"))
    assert "PIN 必须是 4–8 位数字" in child(page, QLabel, "pin_error").text()
    type_into(qtbot, child(page, QLineEdit, "staff_pin"), "2468")
    click(qtbot, child(page, QPushButton, "staff_add"))
    qtbot.waitUntil(lambda: "导购小王" in page.table.column_texts(0))
    with store.read() as s:
        assert s.scalar(select(Staff.role).where(Staff.name == "导购小王")) == "cashier"

    office = _office(qtbot, window, "备份")
    click(qtbot, child(office.backups, QPushButton, "backup_now"))
    qtbot.waitUntil(lambda: office.backups.table.rowCount() == 1, timeout=10_000)
    assert list_backups(store)[0].path.exists()


def test_import_dry_run_lists_bad_rows_then_imports_the_good_ones(qtbot, window, store, tmp_path):
    sheet = tmp_path / "old.csv"
    sheet.write_text(
        "姓名,手机号,生日\n张一,13800000001,1990-01-02\n李二,12345,\n王三,13800000003,\n",
        encoding="utf-8",
    )
    log_in(qtbot, window, "老板", "8888")
    office = _office(qtbot, window, "导入导出")
    page = office.transfer
    page.check(sheet)  # what the file chooser hands over
    qtbot.waitUntil(lambda: page.table.rowCount() >= 1, timeout=10_000)
    assert "试运行" in page.summary.text()
    assert page.table.item(0, 0).text() == "3"
    assert "12345" in page.table.item(0, 3).text()
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == 0
    click(qtbot, page.run_button)
    qtbot.waitUntil(lambda: "已写入 2 行" in page.summary.text(), timeout=10_000)
    with store.read() as s:
        assert sorted(s.scalars(select(Member.name))) == ["张一", "王三"]


def test_the_member_export_offers_a_file_named_in_chinese(qtbot, window, store, owner,
                                                         tmp_path, monkeypatch):  # fmt: skip
    """The save dialog offered "members.xlsx": an English file name to a Chinese shop."""
    from PySide6.QtWidgets import QFileDialog

    issue_card(store, owner, MemberForm(name="导出人", phone="13600009999"))
    offered: list[str] = []
    target = tmp_path / "out.xlsx"

    def save_as(parent, title, where, filters):
        offered.append(where)
        return str(target), "Excel (*.xlsx)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    log_in(qtbot, window, "老板", "8888")
    page = _office(qtbot, window, "导入导出").transfer
    click(qtbot, child(page, QPushButton, "export_members"))
    qtbot.waitUntil(target.exists, timeout=10_000)
    assert [p.rsplit("/", 1)[-1] for p in offered] == ["会员.xlsx"]


def test_the_import_check_says_what_becomes_of_each_row_it_lists(
    qtbot, window, store, owner, tmp_path
):
    """Not every line of the check is a problem: a good row's opening balance and a column
    left out are listed too, each saying what happens to it."""
    issue_card(store, owner, MemberForm(name="王三", phone="13800000003"))
    sheet = tmp_path / "old.csv"
    sheet.write_text(
        "姓名,手机号,生日,积分,储值余额,微信号\n张一,13800000001,1990-01-02,100,50,zy\n"
        "李二,12345,,,,\n王三,13800000003,,20,,\n",
        encoding="utf-8",
    )
    log_in(qtbot, window, "老板", "8888")
    page = _office(qtbot, window, "导入导出").transfer
    page.check(sheet)  # what the file chooser hands over
    qtbot.waitUntil(lambda: page.table.rowCount() >= 1, timeout=10_000)
    table = page.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == ["行", "列", "处理", "说明"]
    shown = {(table.item(r, 0).text(), table.item(r, 2).text()): table.item(r, 3).text()
             for r in range(table.rowCount())}  # fmt: skip
    assert "12345" in shown[("3", "不导入：请改正后重新检查")]
    assert "王三" in shown[("4", "跳过，不导入")]
    assert "张一" in shown[("2", "导入并建期初余额")]
    assert "微信号" in shown[("", "此列不导入")]


def _new_members_list(qtbot, window, rows: int):
    """The manager's 回访 page showing the new-member care list, `rows` members on it."""
    log_in(qtbot, window, "店长", "6666")
    window.workspace.setCurrentWidget(window.workspace.followups)
    page = window.workspace.followups
    kind = child(page, QComboBox, "followup_kind")
    kind.setFocus()
    while kind.currentData() != "new":
        qtbot.keyClick(kind, Qt.Key.Key_Down)
    click(qtbot, child(page, QPushButton, "followup_show"))
    qtbot.waitUntil(lambda: page.table.rowCount() == rows, timeout=10_000)
    return page


def test_follow_up_list_outcome_and_call_sheet(qtbot, window, store, owner, clock, tmp_path):
    member = issue_card(
        store, owner, MemberForm(name="周七", phone="13700007777", marketing_consent=True)
    )
    clock.advance(days=3)  # day 3 after joining: the thank-you call
    page = _new_members_list(qtbot, window, 1)
    assert page.table.item(0, 1).text() == "周七"
    assert page.table.item(0, 2).text() == "13700007777"  # a manager sees full numbers
    headings = [page.table.horizontalHeaderItem(c).text() for c in range(page.table.columnCount())]
    assert "最近到店" in headings  # as the printed sheet and the spreadsheet head it
    click_row(qtbot, page.table, 0)
    click(qtbot, child(page, QPushButton, "followup_outcome"))
    dialog = page.dialog
    qtbot.waitUntil(dialog.isVisible)
    # Whom the call was to, in the dialog itself (no title bar on some tills).
    assert "周七" in child(dialog, QLabel, "outcome_member").text()
    type_into(qtbot, child(dialog, QLineEdit, "outcome_note"), "thanks")
    click(qtbot, child(dialog, QPushButton, "outcome_save"))
    qtbot.waitUntil(lambda: "周七" in page.bar.text())
    with store.read() as s:
        entry = s.scalars(select(CallLogEntry)).one()
        assert (entry.member_id, entry.list_kind, entry.outcome, entry.note) == (
            member.id,
            "new",
            "connected",
            "thanks",
        )
    pdf = tmp_path / "sheet.pdf"
    page.write_sheet(pdf)  # what the save dialog hands over
    qtbot.waitUntil(lambda: "回访表已生成" in page.bar.text(), timeout=20_000)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_outcomes_taken_back_from_a_sheet_say_how_many_and_name_the_problem_rows(
    qtbot, window, store, owner, clock, tmp_path, monkeypatch
):
    """The count of outcomes taken back was overwritten at once by the problems, and a
    problem read "4: 写了备注…" with no word that 4 is the sheet's row."""
    import openpyxl
    from PySide6.QtWidgets import QFileDialog

    for name, phone in (("周七", "13700007777"), ("吴八", "13700008888")):
        issue_card(store, owner, MemberForm(name=name, phone=phone, marketing_consent=True))
    clock.advance(days=3)
    log_in(qtbot, window, "老板", "8888")
    window.workspace.setCurrentWidget(window.workspace.followups)
    page = window.workspace.followups
    kind = child(page, QComboBox, "followup_kind")
    kind.setFocus()
    while kind.currentData() != "new":
        qtbot.keyClick(kind, Qt.Key.Key_Down)
    click(qtbot, child(page, QPushButton, "followup_show"))
    qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=10_000)
    sheet = tmp_path / "filled.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(sheet), ""))
    click(qtbot, child(page, QPushButton, "followup_export"))
    qtbot.waitUntil(sheet.exists, timeout=10_000)
    book = openpyxl.load_workbook(sheet)
    ws = book.active
    head = [c.value for c in ws[1]]
    rows = {ws.cell(r, head.index("姓名") + 1).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(rows["周七"], head.index("接通") + 1).value = "√"
    ws.cell(rows["吴八"], head.index("备注") + 1).value = "再打"
    book.save(sheet)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(sheet), ""))
    click(qtbot, child(page, QPushButton, "followup_import"))
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: "行有问题" in page.bar.text())
    text = page.bar.text()
    assert text.startswith("已导入 1 条回访结果，0 条已存在，1 行有问题；")
    assert f"第 {rows['吴八']} 行：" in text


def test_dashboard_counts_members(qtbot, window, store, owner):
    for i in range(3):
        issue_card(store, owner, MemberForm(name=f"会员{i}", phone=f"1370000100{i}"))
    log_in(qtbot, window, "老板", "8888")
    office = _office(qtbot, window, "仪表盘")
    qtbot.waitUntil(lambda: office.dashboard.figures["members"].text() == "3", timeout=10_000)
    assert office.dashboard.figures["new"].text() == "3"
    assert [(s.label, s.value) for s in office.dashboard.tiers.slices][0] == ("普通", 3)


def test_card_lifecycle_and_a_points_adjustment_with_the_managers_pin(qtbot, window, store, owner):
    member = issue_card(store, owner, MemberForm(name="郑一", phone="13500001234"))
    log_in(qtbot, window, "收银员", "1111")
    window.workspace.setCurrentWidget(window.workspace.members)
    page = window.workspace.members
    type_into(qtbot, page.search, "1234", enter=True)  # last four digits of the phone
    qtbot.waitUntil(lambda: page.panel.name.text() == "郑一")

    click(qtbot, page.buttons["lost"])
    type_into(qtbot, child(page.dialog, QLineEdit, "reason_field"), "丢在公交上")
    click(qtbot, child(page.dialog, QPushButton, "confirm_reason"))
    qtbot.waitUntil(page.panel.warning.isVisible)
    assert "挂失" in page.panel.warning.text()

    click(qtbot, page.buttons["replace"])
    click(qtbot, child(page.dialog, QPushButton, "confirm_reason"))
    qtbot.waitUntil(lambda: page.panel.values["card"].text() != member.card_no)
    assert not page.panel.warning.isVisible()
    with store.read() as s:
        assert s.get(Member, member.id).status == "active"

    click(qtbot, page.buttons["adjust"])
    dialog = page.dialog
    type_into(qtbot, child(dialog, QLineEdit, "adjust_reason"), "补录上次漏积的分")
    type_into(qtbot, dialog.delta.lineEdit(), "300")
    click(qtbot, child(dialog, QPushButton, "confirm_adjust"))
    auth = dialog.findChild(QDialog, "authorise_dialog")
    qtbot.waitUntil(lambda: auth is not None and auth.isVisible())
    who = child(auth, QComboBox, "authoriser")
    who.setFocus()
    while who.currentData() != "店长":
        qtbot.keyClick(who, Qt.Key.Key_Down)
    qtbot.keyClicks(auth.pad.edit, "6666")
    qtbot.keyClick(auth.pad.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.panel.values["points"].text() == "300")
    with store.read() as s:
        assert s.get(Member, member.id).points == 300
    points = page.history.points
    page.history.setCurrentWidget(points)
    assert points.item(0, 1).text() == "手工调整" and points.item(0, 2).text() == "+300"


def test_a_test_page_sent_to_the_printer_says_it_was_printed(qtbot, window, store, owner, tmp_path):
    out = tmp_path / "printer.bin"
    save_printer_settings(store, owner, connection=f"file:{out}")
    log_in(qtbot, window, "老板", "8888")
    office = _office(qtbot, window, "打印机")
    click(qtbot, child(office, QPushButton, "printer_test"))
    page = office.printer
    qtbot.waitUntil(lambda: page.bar.text() != "")
    assert page.bar.text().startswith("已打印")
    assert out.stat().st_size > 0


def test_a_member_whose_call_is_entered_leaves_the_list_and_the_sheet(
    qtbot, window, store, owner, clock, tmp_path
):
    """The outcome of 周七's call was saved, yet 周七 stayed on the list shown and on the
    call sheet printed from it next, to be called a second time; only showing the list
    again took them off."""
    from pypdf import PdfReader

    for name, phone in (("周七", "13700007777"), ("吴八", "13700008888")):
        issue_card(store, owner, MemberForm(name=name, phone=phone, marketing_consent=True))
    clock.advance(days=3)  # day 3 after joining: the thank-you call
    page = _new_members_list(qtbot, window, 2)
    names = [page.table.item(r, 1).text() for r in range(2)]
    click_row(qtbot, page.table, names.index("周七"))
    click(qtbot, child(page, QPushButton, "followup_outcome"))
    dialog = page.dialog
    qtbot.waitUntil(dialog.isVisible)
    click(qtbot, child(dialog, QPushButton, "outcome_save"))
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10_000)
    assert page.table.item(0, 1).text() == "吴八"
    assert "1 位会员" in page.summary.text()
    assert page.table.selected_key() is not None  # the next one, ready for its outcome
    pdf = tmp_path / "sheet.pdf"
    page.write_sheet(pdf)
    qtbot.waitUntil(lambda: "回访表已生成" in page.bar.text(), timeout=20_000)
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "吴八" in text and "周七" not in text


def test_a_paper_sheet_written_up_later_credits_its_caller_on_the_day_called(
    qtbot, window, store, owner, clock
):
    """The cashier rang two members from the printed sheet on Monday; the manager writes the
    outcomes up on Wednesday. The calls are the cashier's, on Monday: the follow-up counts
    say so, the audit log says who wrote them up, and the second member's dialog starts from
    the first one's caller and day."""
    from memberdesk.core.clock import shop_day_start_utc
    from memberdesk.core.followups.calllog import follow_up_counts
    from memberdesk.core.followups.lists import Period
    from memberdesk.core.store.models import AuditEntry
    from memberdesk.core.till.history import today

    for name, phone in (("周七", "13700007777"), ("吴八", "13700008888")):
        issue_card(store, owner, MemberForm(name=name, phone=phone, marketing_consent=True))
    clock.advance(days=5)
    called = today(store) - timedelta(days=2)
    page = _new_members_list(qtbot, window, 2)
    click_row(qtbot, page.table, 0)
    click(qtbot, child(page, QPushButton, "followup_outcome"))
    dialog = page.dialog
    qtbot.waitUntil(dialog.isVisible)
    caller = child(dialog, QComboBox, "outcome_caller")
    day = child(dialog, QDateEdit, "outcome_day")
    assert caller.currentText() == "店长" and day.date().toPython() == today(store)
    assert day.maximumDate().toPython() == today(store)  # no day still to come
    caller.setCurrentIndex(caller.findText("收银员"))
    day.setDate(QDate(called.year, called.month, called.day))  # picked on the calendar
    click(qtbot, child(dialog, QPushButton, "outcome_save"))
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10_000)

    click(qtbot, child(page, QPushButton, "followup_outcome"))
    qtbot.waitUntil(lambda: page.dialog is not dialog and page.dialog.isVisible())
    dialog = page.dialog
    assert child(dialog, QComboBox, "outcome_caller").currentText() == "收银员"
    assert child(dialog, QDateEdit, "outcome_day").date().toPython() == called
    click(qtbot, child(dialog, QPushButton, "outcome_save"))
    qtbot.waitUntil(lambda: page.table.rowCount() == 0, timeout=10_000)

    noon = shop_day_start_utc(called, "Asia/Shanghai") + timedelta(hours=12)
    with store.read() as s:
        entries = s.scalars(select(CallLogEntry)).all()
        assert {(e.staff_name, e.called_at, e.source) for e in entries} == {("收银员", noon, "app")}
        assert len(entries) == 2
        written = s.scalars(select(AuditEntry).where(AuditEntry.action == "call.logged_for")).all()
        assert [(a.staff_name, a.detail["caller"]) for a in written] == [("店长", "收银员")] * 2
    counts = follow_up_counts(store, Period(called, called))
    assert [(c.staff_name, c.total) for c in counts] == [("收银员", 2)]

    # Another list made: its calls are the manager's own, today, until told otherwise.
    issue_card(store, owner, MemberForm(name="郑九", phone="13700009999", marketing_consent=True))
    clock.advance(days=3)
    click(qtbot, child(page, QPushButton, "followup_show"))
    names = lambda: [page.table.item(r, 1).text() for r in range(page.table.rowCount())]  # noqa: E731
    qtbot.waitUntil(lambda: "郑九" in names(), timeout=10_000)
    click_row(qtbot, page.table, names().index("郑九"))
    click(qtbot, child(page, QPushButton, "followup_outcome"))
    qtbot.waitUntil(lambda: page.dialog is not dialog and page.dialog.isVisible())
    assert child(page.dialog, QComboBox, "outcome_caller").currentText() == "店长"
    assert child(page.dialog, QDateEdit, "outcome_day").date().toPython() == today(store)


def test_a_cashier_needs_a_managers_pin_to_change_the_shop_or_where_it_syncs(
    qtbot, window, store, cashier
):
    """A cashier saved the shop's name, time zone, receipt footer, codes and head office
    address on the back office pages without anyone's leave."""
    from memberdesk.core.errors import DomainError
    from memberdesk.core.shop.details import configure_shop, get_shop
    from memberdesk.core.sync.config import configure_sync, sync_config

    log_in(qtbot, window, "收银员", "1111")
    office = _office(qtbot, window, "店铺与语言")
    type_into(qtbot, office.shop.footer, "随便写")
    click(qtbot, child(office.shop, QPushButton, "shop_save"))
    auth = office.shop.findChild(QDialog, "authorise_dialog")
    qtbot.waitUntil(lambda: auth is not None and auth.isVisible())
    assert get_shop(store).footer != "随便写"
    auth.reject()  # nobody approves: nothing is saved, and what was typed stays
    assert get_shop(store).footer != "随便写" and office.shop.footer.text() == "随便写"
    click(qtbot, child(office.shop, QPushButton, "shop_save"))
    auth = [d for d in office.shop.findChildren(QDialog, "authorise_dialog") if d.isVisible()][0]
    who = child(auth, QComboBox, "authoriser")
    who.setFocus()
    while who.currentData() != "店长":
        qtbot.keyClick(who, Qt.Key.Key_Down)
    qtbot.keyClicks(auth.pad.edit, "6666")
    qtbot.keyClick(auth.pad.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: get_shop(store).footer == "随便写")

    office = _office(qtbot, window, "同步到总部")
    type_into(qtbot, office.sync.url, "http://192.0.2.1:8600")
    type_into(qtbot, office.sync.terminal, "T-1")
    click(qtbot, child(office.sync, QPushButton, "sync_save"))
    auth = office.sync.findChild(QDialog, "authorise_dialog")
    qtbot.waitUntil(lambda: auth is not None and auth.isVisible())
    assert sync_config(store) is None

    # core refuses it whatever a window does
    for act in (lambda: configure_shop(store, actor=cashier, footer="x"),
                lambda: configure_sync(store, "http://192.0.2.1", "T-1", actor=cashier)):  # fmt: skip
        try:
            act()
        except DomainError as e:
            assert e.message() == "收银员（收银员）无权更改店铺信息或同步设置，需要店长或老板授权"
        else:
            raise AssertionError("a cashier changed the shop's settings")
    assert get_shop(store).footer == "随便写" and sync_config(store) is None


def test_the_owner_makes_a_new_recovery_code_on_the_staff_page(qtbot, window, store):
    """The owner's recovery code (the one way back from a forgotten owner's PIN) is made
    by the owner alone, and shown once."""
    from memberdesk.core.shop.staff import login, recover_owner_pin

    log_in(qtbot, window, "老板", "8888")
    office = _office(qtbot, window, "员工")
    page = office.staff
    state = child(page, QLabel, "recovery_state")
    assert "还没有恢复码" in state.text()
    click(qtbot, child(page, QPushButton, "recovery_new"))
    code = child(page, QLabel, "recovery_code")
    qtbot.waitUntil(code.isVisible)
    shown = code.text()
    assert len(shown) == 19 and shown.count("-") == 3
    assert "只显示这一次" in child(page, QLabel, "recovery_note").text()
    assert "已生成恢复码" in state.text()
    _office(qtbot, window, "备份")  # leaving the page: the code is not shown again
    assert code.text() == "" and not code.isVisible()
    recover_owner_pin(store, "老板", shown, "1357")  # the code shown is the shop's
    assert login(store, "老板", "1357").role == "owner"


def test_a_manager_sees_no_recovery_code_button(qtbot, window):
    log_in(qtbot, window, "店长", "6666")
    page = _office(qtbot, window, "员工").staff
    assert not child(page, QPushButton, "recovery_new").isVisible()
    assert not child(page, QLabel, "recovery_state").isVisible()


def _button(page, text: str) -> QPushButton:
    found = [b for b in page.findChildren(QPushButton) if b.text() == text]
    assert len(found) == 1, f"no single button {text!r}"
    return found[0]


def test_the_staff_pages_role_and_pin_buttons_wait_for_a_chosen_person(qtbot, window, store):
    """With nobody chosen in the list, saving a role or resetting a PIN did nothing at all
    when clicked: the buttons are off until a staff member is chosen, and stay on for them."""
    from memberdesk.core.shop.staff import login

    log_in(qtbot, window, "老板", "8888")
    page = _office(qtbot, window, "员工").staff
    save, reset = _button(page, "保存修改"), _button(page, "重设 PIN 码")
    assert page.table.selected_key() is None
    assert not save.isEnabled() and not reset.isEnabled()

    click_row(qtbot, page.table, page.table.column_texts(0).index("收银员"))
    assert save.isEnabled() and reset.isEnabled()
    type_into(qtbot, page.pin, "2468")
    click(qtbot, reset)
    qtbot.waitUntil(lambda: "收银员" in page.bar.text())
    assert login(store, "收银员", "2468").name == "收银员"
    # the list is read again: the same person is still the one chosen
    assert page.table.selected_key().name == "收银员" and reset.isEnabled()


def test_the_staff_page_names_the_chosen_person_and_says_who_still_works_here(qtbot, window):
    log_in(qtbot, window, "老板", "8888")
    page = _office(qtbot, window, "员工").staff
    header = [page.table.horizontalHeaderItem(c).text() for c in range(page.table.columnCount())]
    assert header == ["姓名", "角色", "在职", "已锁定"]
    box = next(b for b in page.findChildren(QGroupBox) if b.title().startswith("所选员工"))
    assert box.title() == "所选员工"
    click_row(qtbot, page.table, page.table.column_texts(0).index("收银员"))
    assert box.title() == "所选员工：收银员"
    form = page.edit_form.form
    row = form.getWidgetPosition(page.active.parentWidget())[0]
    assert form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().text() == "在职"
    assert _button(page, "保存修改").isEnabled()


def test_the_shops_time_zone_is_shown_by_its_name_and_kept_by_its_iana_name(qtbot, window, store):
    """店铺 showed the time zone as Asia/Shanghai: it reads 中国标准时间（北京时间）, the
    others by their names; the shop still keeps the IANA name, and a zone without a name
    here can be typed by it."""
    from memberdesk.core.shop.details import get_shop

    log_in(qtbot, window, "老板", "8888")
    office = _office(qtbot, window, "店铺与语言")
    tz = child(office.shop, QComboBox, "shop_timezone")
    qtbot.waitUntil(tz.isVisible)
    assert get_shop(store).timezone == "Asia/Shanghai"
    assert tz.currentText() == "中国标准时间（北京时间）"
    names = [tz.itemText(i) for i in range(tz.count())]
    assert names[:4] == ["中国标准时间（北京时间）", "香港时间", "澳门时间", "台北时间"]
    assert not any("/" in name for name in names)
    tz.setFocus()
    qtbot.keyClick(tz, Qt.Key.Key_Down)
    assert tz.currentText() == "香港时间"
    click(qtbot, child(office.shop, QPushButton, "shop_save"))
    qtbot.waitUntil(lambda: get_shop(store).timezone == "Asia/Hong_Kong")

    type_into(qtbot, tz.lineEdit(), "Europe/Berlin")
    click(qtbot, child(office.shop, QPushButton, "shop_save"))
    qtbot.waitUntil(lambda: get_shop(store).timezone == "Europe/Berlin")
    office.shop.refresh()
    assert tz.currentText() == "Europe/Berlin"

"""The member history reads in order when entries share a moment, the 挂失 / 冻结 / 注销
dialogs show their reason field with nothing on top of its label, and the member form reads
a birthday as people write it."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPushButton, QWidget
from sqlalchemy import select

from memberdesk.core.loyalty.points import adjust_points
from memberdesk.core.members.member import MemberForm, get_member, issue_card
from memberdesk.core.store.models import Member
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.wallet import top_up

from .conftest import child, click, click_row, log_in, type_into


def _members_view(qtbot, window, query: str, name: str):
    window.workspace.show_view("members")
    page = window.workspace.members
    qtbot.waitUntil(page.search.isVisible)
    type_into(qtbot, page.search, query, enter=True)
    qtbot.waitUntil(lambda: page.panel.name.text() == name)
    return page


def test_ledger_balances_run_in_order_when_entries_share_a_moment(qtbot, window, store, owner):
    member = issue_card(store, owner, MemberForm(name="同时刻", phone="13600005555"))
    for delta, why in ((100, "开卡"), (50, "补积分"), (-30, "扣回")):  # the clock stands still
        adjust_points(store, owner, member.id, delta, why)
    for amount in (10000, 20000):
        top_up(store, owner, member.id, amount, "cash")
    log_in(qtbot, window, "老板", "8888")
    page = _members_view(qtbot, window, "5555", "同时刻")
    points = page.history.points
    page.history.setCurrentWidget(points)
    rows = [[points.item(r, c).text() for c in (2, 3, 5)] for r in range(points.rowCount())]
    assert rows == [["-30", "120", "扣回"], ["+50", "150", "补积分"], ["+100", "100", "开卡"]]
    wallet = page.history.wallet
    stored_after = [wallet.item(r, 4).text() for r in range(wallet.rowCount())]
    assert stored_after == ["¥300.00", "¥100.00"]  # the newest top-up first


def test_the_reason_label_is_not_covered_in_the_status_dialogs(qtbot, window, store, owner):
    issue_card(store, owner, MemberForm(name="挂失人", phone="13600006666"))
    log_in(qtbot, window, "老板", "8888")
    page = _members_view(qtbot, window, "6666", "挂失人")
    for key, fields in (("lost", 1), ("freeze", 1), ("cancel", 1), ("replace", 2)):
        click(qtbot, page.buttons[key])
        dialog = page.dialog
        qtbot.waitUntil(dialog.isVisible)
        [label] = [w for w in dialog.findChildren(QLabel) if w.text() == "原因"]
        centre = label.mapTo(dialog, label.rect().center())
        assert dialog.childAt(centre) is label, key  # the word 原因 itself is what shows there
        edits = [w for w in dialog.findChildren(QLineEdit) if w.isVisible()]
        assert len(edits) == fields, key
        where = QRect(label.mapTo(dialog, QPoint(0, 0)), label.size())
        for edit in edits:  # no box over the label
            assert not QRect(edit.mapTo(dialog, QPoint(0, 0)), edit.size()).intersects(where), key
        dialog.reject()


def test_refund_and_reprint_wait_for_a_chosen_sale(qtbot, window, store, owner):
    member = issue_card(store, owner, MemberForm(name="选小票", phone="13600006666"))
    checkout(store, owner, CheckoutRequest(lines=(SaleLineInput("衬衫", 20000),),
                                           member_id=member.id, tenders={"cash": 20000}))  # fmt: skip
    log_in(qtbot, window, "老板", "8888")
    history = window.workspace.members.history
    assert not history.refund_button.isEnabled() and not history.reprint_button.isEnabled()

    page = _members_view(qtbot, window, "6666", "选小票")
    assert page.history.sales.rowCount() == 1
    # the member's sales are listed, none chosen yet: the buttons cannot be pressed in vain
    assert not history.refund_button.isEnabled() and not history.reprint_button.isEnabled()

    click_row(qtbot, history.sales, 0)
    assert history.refund_button.isEnabled() and history.reprint_button.isEnabled()
    click(qtbot, history.refund_button)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    assert "退货" in page.dialog.windowTitle()
    page.dialog.reject()


def test_a_birthday_typed_as_digits_or_in_chinese_is_read(qtbot, window, store):
    """19900520 and 1990年5月20日 were "not a valid date" in the form, though an import of
    the same members' sheet reads them."""
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    for name, phone, typed in (("王五", "13812340001", "19900520"),
                               ("赵六", "13812340002", "1985年3月8日")):  # fmt: skip
        qtbot.keyClick(till.scan, Qt.Key.Key_F3)
        form = till.dialog
        qtbot.waitUntil(form.isVisible)
        type_into(qtbot, child(form, QLineEdit, "member_name_field"), name)
        type_into(qtbot, child(form, QLineEdit, "member_phone_field"), phone)
        type_into(qtbot, child(form, QLineEdit, "member_birthday_field"), typed)
        click(qtbot, child(form, QPushButton, "save_member"))
        qtbot.waitUntil(lambda form=form: not form.isVisible())
    with store.read() as s:
        birthdays = dict(s.execute(select(Member.name, Member.birthday)).all())
    assert birthdays == {"王五": date(1990, 5, 20), "赵六": date(1985, 3, 8)}


def test_an_unreadable_birthday_leaves_the_phones_error_shown_beside_it(qtbot, window, store):
    """A card issued with the phone 1381234567 and the birthday 1990-5: only 生日 was said
    to be wrong, and the phone's own message went as the birthday's came."""
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    qtbot.keyClick(till.scan, Qt.Key.Key_F3)
    form = till.dialog
    qtbot.waitUntil(form.isVisible)
    type_into(qtbot, child(form, QLineEdit, "member_name_field"), "钱七")
    type_into(qtbot, child(form, QLineEdit, "member_phone_field"), "1381234567")
    type_into(qtbot, child(form, QLineEdit, "member_birthday_field"), "1990-5")
    click(qtbot, child(form, QPushButton, "save_member"))
    phone_error = child(form, QLabel, "phone_error")
    birthday_error = child(form, QLabel, "birthday_error")
    assert phone_error.isVisible() and "1381234567" in phone_error.text()
    assert birthday_error.isVisible() and "1990-5" in birthday_error.text()
    assert child(form, QLabel, "name_error").isHidden()
    with store.read() as s:
        assert s.scalar(select(Member.id).where(Member.name == "钱七")) is None
    # The phone put right, the birthday still unreadable: only the birthday is said.
    type_into(qtbot, child(form, QLineEdit, "member_phone_field"), "13812345678")
    click(qtbot, child(form, QPushButton, "save_member"))
    assert phone_error.isHidden() and birthday_error.isVisible()
    type_into(qtbot, child(form, QLineEdit, "member_birthday_field"), "1990-5-20")
    click(qtbot, child(form, QPushButton, "save_member"))
    qtbot.waitUntil(lambda: not form.isVisible())
    with store.read() as s:
        assert s.scalar(select(Member.birthday).where(Member.name == "钱七")) == date(1990, 5, 20)


def test_a_wrong_phone_is_said_as_the_cashier_moves_on_without_pulling_them_back(
    qtbot, window, store
):
    """Tab out of the phone 1381234567: the message came, and the typing cursor jumped back
    into the phone with it selected, so the birthday typed next replaced the phone (or,
    after a second Tab, went into the gender list and was lost)."""
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    qtbot.keyClick(till.scan, Qt.Key.Key_F3)
    form = till.dialog
    qtbot.waitUntil(form.isVisible)
    form.activateWindow()  # as on a desktop: a field losing the keys says so
    qtbot.waitUntil(form.isActiveWindow)
    type_into(qtbot, child(form, QLineEdit, "member_name_field"), "孙八")
    phone = child(form, QLineEdit, "member_phone_field")
    type_into(qtbot, phone, "1381234567")
    qtbot.keyClick(phone, Qt.Key.Key_Tab)
    phone_error = child(form, QLabel, "phone_error")
    assert phone_error.isVisible() and "1381234567" in phone_error.text()
    gender = child(form, QWidget, "member_gender_field")
    assert gender.hasFocus()  # where Tab goes, as in any form
    qtbot.keyClick(gender, Qt.Key.Key_Tab)
    birthday = child(form, QLineEdit, "member_birthday_field")
    assert birthday.hasFocus()
    qtbot.keyClicks(birthday, "1990-05-20")
    assert phone.text() == "1381234567" and birthday.text() == "1990-05-20"
    # Saving still takes the cursor to the field to put right, and writes nothing.
    click(qtbot, child(form, QPushButton, "save_member"))
    assert phone.hasFocus() and phone_error.isVisible()
    with store.read() as s:
        assert s.scalar(select(Member.id).where(Member.name == "孙八")) is None
    type_into(qtbot, phone, "13812345678")
    click(qtbot, child(form, QPushButton, "save_member"))
    qtbot.waitUntil(lambda: not form.isVisible())
    with store.read() as s:
        assert s.scalar(select(Member.birthday).where(Member.name == "孙八")) == date(1990, 5, 20)


def _results_row(page) -> list[str]:
    return [page.results.item(0, c).text() for c in range(page.results.columnCount())]


def test_the_found_list_shows_a_top_up_points_and_a_lost_card_at_once(qtbot, window, store, owner):
    """After a top-up, a points adjustment or a lost report, the found list beside the
    member still said ¥0.00, the old points and 正常 until the owner searched again."""
    issue_card(store, owner, MemberForm(name="列表人", phone="13600007777"))
    log_in(qtbot, window, "老板", "8888")
    page = _members_view(qtbot, window, "7777", "列表人")
    assert _results_row(page)[3:] == ["0", "¥0.00", "正常"]
    top_up(store, owner, page.member.id, 30000, "cash")
    adjust_points(store, owner, page.member.id, 120, "补积分")
    wallet = get_member(store, page.member.id)
    stored = f"¥{(wallet.wallet_principal + wallet.wallet_bonus) / 100:,.2f}"
    assert stored != "¥0.00"
    click(qtbot, page.buttons["lost"])  # the change the window makes tells the list
    type_into(qtbot, page.dialog.reason, "丢了")
    click(qtbot, child(page.dialog, QPushButton, "confirm_reason"))
    qtbot.waitUntil(lambda: _results_row(page)[5] == "挂失")
    assert _results_row(page)[3:] == ["120", stored, "挂失"]


def test_a_replaced_card_is_named_and_offered_for_printing(qtbot, window, store, owner):
    """补卡 said only "名字：正常": the new number was nowhere but the panel, the found list
    kept the old one, and the new card could not be printed from the window."""
    member = issue_card(store, owner, MemberForm(name="补卡人", phone="13600008888"))
    log_in(qtbot, window, "老板", "8888")
    page = _members_view(qtbot, window, "8888", "补卡人")
    click(qtbot, page.buttons["replace"])
    type_into(qtbot, page.dialog.reason, "卡丢了")
    click(qtbot, child(page.dialog, QPushButton, "confirm_reason"))
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.objectName() == "card_offer")
    new_card = get_member(store, member.id).card_no
    assert new_card != member.card_no
    offer_text = child(page.dialog, QLabel, "card_offer_text").text()
    assert "补卡人" in offer_text and new_card in offer_text and "新卡" in offer_text
    assert page.bar.text() == f"补卡人 已补卡：新卡号 {new_card}（旧卡 {member.card_no} 已停用）"
    assert _results_row(page)[1] == new_card
    page.dialog.reject()


def test_a_members_card_is_printed_again_from_the_member_page(
    qtbot, window, store, owner, tmp_path, monkeypatch
):
    """A worn card, or one not printed when it was issued: the card was offered for printing
    only right after 办卡 or 补卡. A card reported lost is not printed again."""
    from pypdf import PdfReader
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QFileDialog

    from memberdesk.core.members.member import report_lost

    member = issue_card(store, owner, MemberForm(name="重印卡", phone="13600009999"))
    log_in(qtbot, window, "老板", "8888")
    page = _members_view(qtbot, window, "9999", "重印卡")
    button = page.buttons["print_card"]
    assert button.text() == "打印会员卡" and button.isEnabled()
    target = tmp_path / "card.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(target), "PDF (*.pdf)"))
    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True
    )
    click(qtbot, button)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.objectName() == "card_offer")
    assert child(page.dialog, QLabel, "card_offer_text").text() == (
        f"为 重印卡 重新打印会员卡（卡号 {member.card_no}）？"
    )
    click(qtbot, child(page.dialog, QPushButton, "card_print"))
    qtbot.waitUntil(lambda: opened == [str(target)], timeout=20_000)
    text = "".join(p.extract_text() for p in PdfReader(target).pages)
    assert member.card_no in text and "重印卡" in text

    report_lost(store, owner, member.id, "丢了")
    page.open_member(member.id)
    assert not button.isEnabled()


@pytest.mark.parametrize(("name", "pin", "shown"), [
    ("老板", "8888", "13812345678"), ("店长", "6666", "13812345678"), ("收银员", "1111", "138****5678"),
])  # fmt: skip
def test_the_member_panel_shows_the_phone_as_the_found_list_does(
    qtbot, window, store, owner, name, pin, shown
):
    """An owner or manager saw 13812345678 in the found list but 138****5678 in the panel
    beside it; a cashier sees it masked in both."""
    issue_card(store, owner, MemberForm(name="看号码", phone="13812345678"))
    log_in(qtbot, window, name, pin)
    page = _members_view(qtbot, window, "5678", "看号码")
    assert page.results.item(0, 2).text() == shown
    assert page.panel.values["phone"].text() == shown


def test_the_members_tab_issues_a_card_for_the_number_it_did_not_find(qtbot, window, store):
    """Searched by phone on the members tab, nobody: 办卡 (F3) opens the form with that
    number; once the box asks for something else, the form opens empty."""
    log_in(qtbot, window, "收银员", "1111")
    window.workspace.show_view("members")
    page = window.workspace.members
    qtbot.waitUntil(page.search.isVisible)
    type_into(qtbot, page.search, "139 0000 1234", enter=True)
    assert "F3" in page.bar.text()
    click(qtbot, child(page, QPushButton, "issue_card"))
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    assert child(page.dialog, QLineEdit, "member_phone_field").text() == "13900001234"
    page.dialog.reject()
    qtbot.waitUntil(lambda: not page.dialog.isVisible())
    type_into(qtbot, page.search, "139 0000 1234", enter=True)
    type_into(qtbot, page.search, "赵")  # not searched yet: someone else
    click(qtbot, child(page, QPushButton, "issue_card"))
    qtbot.waitUntil(lambda: page.dialog.isVisible())
    assert child(page.dialog, QLineEdit, "member_phone_field").text() == ""
    page.dialog.reject()


def test_a_childs_card_asks_for_the_guardians_consent(qtbot, window, store):
    """个人信息保护法 art. 31: the form asks for a parent's or guardian's consent once the
    birthday makes the member under 14, and refuses the card without it."""
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    qtbot.keyClick(till.scan, Qt.Key.Key_F3)
    form = till.dialog
    qtbot.waitUntil(form.isVisible)
    consent = child(form, QCheckBox, "member_guardian_field")
    assert not consent.isVisible()  # nothing to ask of an adult, or before a birthday
    type_into(qtbot, child(form, QLineEdit, "member_name_field"), "小明")
    type_into(qtbot, child(form, QLineEdit, "member_birthday_field"), "1990-05-20")
    assert not consent.isVisible()
    type_into(qtbot, child(form, QLineEdit, "member_birthday_field"), "2015-05-20")
    qtbot.waitUntil(consent.isVisible)
    assert consent.text() == "父母或其他监护人同意办理会员（未满14周岁）"
    click(qtbot, child(form, QPushButton, "save_member"))
    error = child(form, QLabel, "guardian_consent_error")
    qtbot.waitUntil(error.isVisible)
    assert "未满14周岁" in error.text() and "监护人" in error.text()
    assert form.isVisible()
    with store.read() as s:
        assert s.scalar(select(Member.id).where(Member.name == "小明")) is None
    click(qtbot, consent)
    click(qtbot, child(form, QPushButton, "save_member"))
    qtbot.waitUntil(lambda: not form.isVisible())
    with store.read() as s:
        assert s.scalar(select(Member.guardian_consent).where(Member.name == "小明")) is True


def test_a_cashier_hands_a_member_their_copy_with_a_managers_pin(
    qtbot, window, store, owner, tmp_path, monkeypatch
):
    """个人信息副本 (PIPL art. 45): from the member page, a file chosen, the manager's PIN,
    and the member's whole profile is in the .xlsx; the bar says where."""
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    member = issue_card(store, owner, MemberForm(name="复印人", phone="13600007777",
                                                 notes="只穿黑色"))  # fmt: skip
    target = tmp_path / "复印人.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(target), ""))
    log_in(qtbot, window, "收银员", "1111")
    page = _members_view(qtbot, window, "7777", "复印人")
    button = page.buttons["copy"]
    assert button.text() == "个人信息副本" and button.isEnabled()
    click(qtbot, button)
    dialog = page.dialog
    qtbot.waitUntil(dialog.isVisible)
    assert member.card_no in dialog.detail.text()
    while dialog.who.currentData() != "店长":
        qtbot.keyClick(dialog.who, Qt.Key.Key_Down)
    qtbot.keyClicks(dialog.pad.edit, "6666")
    qtbot.keyClick(dialog.pad.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(target.exists)
    qtbot.waitUntil(lambda: str(target) in page.bar.text())
    sheet = load_workbook(target)["个人信息"]
    profile = {r[0]: r[1] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert profile["手机号"] == "13600007777" and profile["备注"] == "只穿黑色"


def test_a_new_members_details_are_not_lost_to_one_esc(qtbot, window, store):
    """取消 (or Esc, or the window's close button: the dialog's reject) on the card form with
    a customer's details typed asks first; staying keeps them; a form left as it opened
    closes at once. (Offscreen the till's own Esc takes the key before the dialog, which is
    never the active window here; Esc in a real window was tried under Xvfb.)"""

    def cancel(form) -> None:
        click(qtbot, next(b for b in form.findChildren(QPushButton) if b.text() == "取消"))

    from PySide6.QtWidgets import QMessageBox

    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    qtbot.keyClick(till.scan, Qt.Key.Key_F3)
    form = till.dialog
    qtbot.waitUntil(form.isVisible)
    cancel(form)
    qtbot.waitUntil(lambda: not form.isVisible())  # nothing typed: gone at once

    qtbot.keyClick(till.scan, Qt.Key.Key_F3)
    form = till.dialog
    qtbot.waitUntil(form.isVisible)
    type_into(qtbot, child(form, QLineEdit, "member_name_field"), "王小二")
    type_into(qtbot, child(form, QLineEdit, "member_phone_field"), "13812345678")
    cancel(form)

    def question() -> QMessageBox | None:
        shown = [b for b in form.findChildren(QMessageBox, "leave_unsaved_question")
                 if b.isVisible()]  # fmt: skip
        return shown[0] if shown else None

    qtbot.waitUntil(lambda: question() is not None)
    assert question().text().startswith("这位会员的资料还没有保存")
    click(qtbot, child(question(), QPushButton, "stay_on_page"))
    qtbot.waitUntil(lambda: question() is None)
    assert form.isVisible()
    assert child(form, QLineEdit, "member_name_field").text() == "王小二"
    click(qtbot, child(form, QPushButton, "save_member"))
    qtbot.waitUntil(lambda: not form.isVisible())  # saved: no question
    with store.read() as s:
        assert s.scalar(select(Member.phone).where(Member.name == "王小二")) == "13812345678"

"""Member work that needs authority or the drawer: a tier set and locked with a manager's
PIN; top-up, refund, cash-out and top-up reversal only inside an open shift, and counted
in that shift's close (交班单).

Typed and clicked like a person; what the cashier reads is checked on screen, and the
database for what must (and must not) have changed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
)
from sqlalchemy import func, select

from memberdesk.core.loyalty.program_store import current_program, save_program
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.store.models import AuditEntry, Member, Refund, Shift, Topup, WalletEntry
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.wallet import top_up

from .conftest import child, click, click_row, log_in, type_into


def _member(store, member_id: str) -> Member:
    with store.read() as s:
        return s.get(Member, member_id)


def _count(store, model) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def _members_view(qtbot, window, query: str, name: str):
    window.workspace.setCurrentWidget(window.workspace.members)
    page = window.workspace.members
    type_into(qtbot, page.search, query, enter=True)
    qtbot.waitUntil(lambda: page.panel.name.text() == name)
    return page


def _managers_pin(qtbot, parent: QDialog) -> None:
    def asking() -> QDialog | None:
        shown = [d for d in parent.findChildren(QDialog, "authorise_dialog") if d.isVisible()]
        return shown[0] if shown else None

    qtbot.waitUntil(lambda: asking() is not None)
    auth = asking()
    who = child(auth, QComboBox, "authoriser")
    who.setFocus()
    while who.currentData() != "店长":
        qtbot.keyClick(who, Qt.Key.Key_Down)
    qtbot.keyClicks(auth.pad.edit, "6666")
    qtbot.keyClick(auth.pad.edit, Qt.Key.Key_Return)


def _choose(qtbot, combo: QComboBox, text: str) -> None:
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    while combo.currentText() != text:
        before = combo.currentIndex()
        qtbot.keyClick(combo, Qt.Key.Key_Down)
        assert combo.currentIndex() != before, f"no {text!r} in {combo.objectName()}"


def _close_shift_in_back_office(qtbot, window, counted: str) -> str:
    office = window.workspace.backoffice
    window.workspace.setCurrentWidget(office)
    office.open_page(office.shift)
    page = office.shift
    qtbot.waitUntil(page.shift_text.isVisible)
    assert "钱箱应有现金" not in page.shift_text.text()  # a blind count
    type_into(qtbot, page.counted, counted)
    type_into(qtbot, page.handover, "0", enter=True)
    qtbot.waitUntil(lambda: "已交班" in page.bar.text())
    page.dialog.reject()
    return page.shift_text.text()


# ---------------------------------------------------------------- the tier


def test_a_cashier_sets_and_locks_a_tier_with_the_managers_pin(qtbot, window, store, owner):
    member = issue_card(store, owner, MemberForm(name="钱多多", phone="13600001234"))
    log_in(qtbot, window, "收银员", "1111")
    page = _members_view(qtbot, window, "1234", "钱多多")
    assert page.panel.values["tier"].text() == "普通"

    click(qtbot, page.buttons["tier"])
    dialog = page.dialog
    qtbot.waitUntil(dialog.isVisible)
    tiers = child(dialog, QComboBox, "tier_choice")
    assert [tiers.itemText(i) for i in range(tiers.count())] == ["普通", "银卡", "金卡", "钻石"]
    _choose(qtbot, tiers, "金卡")
    lock = child(dialog, QCheckBox, "tier_locked")
    assert lock.text() == "锁定等级" and not lock.isChecked()
    click(qtbot, lock)
    assert lock.isChecked()

    # no reason: said beside the field, before a manager is called over; nothing changes
    click(qtbot, child(dialog, QPushButton, "confirm_tier"))
    reason_error = child(dialog, QLabel, "reason_error")
    qtbot.waitUntil(reason_error.isVisible)
    assert reason_error.text() == "调整会员等级必须填写原因"
    assert dialog.findChild(QDialog, "authorise_dialog") is None
    assert (_member(store, member.id).tier, _member(store, member.id).tier_locked) == (
        "normal",
        False,
    )

    # a reason: the cashier may not do this alone, the dialog says so and asks for the PIN
    type_into(qtbot, child(dialog, QLineEdit, "tier_reason"), "老顾客，店长特批")
    click(qtbot, child(dialog, QPushButton, "confirm_tier"))
    assert not reason_error.isVisible()
    assert child(dialog, QLabel, "tier_dialog_error").text() == (
        "收银员（收银员）无权调整会员等级，需要店长或老板授权"
    )
    _managers_pin(qtbot, dialog)
    qtbot.waitUntil(lambda: page.panel.values["tier"].text() == "金卡（已锁定）")
    assert not dialog.isVisible()
    assert "钱多多：等级 金卡（已锁定）" in page.bar.text()
    m = _member(store, member.id)
    assert (m.tier, m.tier_locked) == ("gold", True)
    with store.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "member.tier_set")).one()
        assert (entry.staff_name, entry.authorised_by) == ("收银员", "店长")
        assert entry.detail["reason"] == "老顾客，店长特批"

    # the till shows the lock too
    till = window.workspace.till
    window.workspace.show_view("till")
    type_into(qtbot, till.scan, "1234", enter=True)
    qtbot.waitUntil(lambda: till.member_panel.values["tier"].text() == "金卡（已锁定）")
    # this program has no gifts: the gift button is greyed out and says why
    assert not till.payment.gift.isEnabled()
    assert till.payment.gift.toolTip() == "会员方案里没有可兑换的礼品"


def test_a_tier_gone_from_the_program_is_refused_by_name_and_nothing_changes(
    qtbot, window, store, owner
):
    member = issue_card(store, owner, MemberForm(name="孙悦", phone="13600005678"))
    log_in(qtbot, window, "店长", "6666")
    page = _members_view(qtbot, window, "5678", "孙悦")
    click(qtbot, page.buttons["tier"])
    dialog = page.dialog
    qtbot.waitUntil(dialog.isVisible)
    _choose(qtbot, child(dialog, QComboBox, "tier_choice"), "钻石")
    type_into(qtbot, child(dialog, QLineEdit, "tier_reason"), "年度大客户")

    # meanwhile the owner drops the top tier from the program
    program = current_program(store).program
    fewer = program.tiers.model_copy(update={"levels": program.tiers.levels[:3]})
    save_program(store, owner, program.model_copy(update={"tiers": fewer}))

    click(qtbot, child(dialog, QPushButton, "confirm_tier"))  # a manager: no PIN asked
    tier_error = child(dialog, QLabel, "tier_error")
    assert tier_error.text() == "方案中没有“钻石”这个等级" and tier_error.isVisible()
    assert dialog.isVisible() and _member(store, member.id).tier == "normal"

    # unlocking by a manager, straight away
    _choose(qtbot, child(dialog, QComboBox, "tier_choice"), "银卡")
    click(qtbot, child(dialog, QPushButton, "confirm_tier"))
    qtbot.waitUntil(lambda: page.panel.values["tier"].text() == "银卡")
    m = _member(store, member.id)
    assert (m.tier, m.tier_locked) == ("silver", False)


# ---------------------------------------------------------------- money inside a shift


def test_money_from_the_members_view_waits_for_a_shift_and_lands_in_its_close(
    qtbot, window, store, owner, cashier, clock
):
    member = issue_card(store, owner, MemberForm(name="李四", phone="13900004321"))
    top_up(store, owner, member.id, 100_000, "wechat")  # ¥1,000 stored earlier, no bonus tier
    sale = checkout(store, owner, CheckoutRequest(lines=(SaleLineInput("衬衫", 20000),),
                                                  member_id=member.id, tenders={"cash": 20000}))  # fmt: skip
    log_in(qtbot, window, "收银员", "1111", opening_float="100")
    clock.advance(minutes=5)
    _close_shift_in_back_office(qtbot, window, "100")
    assert "未开班" in window.who.text()
    clock.advance(minutes=5)
    page = _members_view(qtbot, window, "4321", "李四")
    before = _member(store, member.id)

    # top-up with no shift: refused in plain Chinese, the float form offered; Esc changes nothing
    click(qtbot, page.buttons["topup"])
    gate = page.dialog
    qtbot.waitUntil(gate.isVisible)
    assert page.bar.text().startswith("没有进行中的班次，不能充值")
    greeting = child(gate, QLabel, "float_greeting").text()
    assert "不能充值" in greeting and "备用金" in greeting
    qtbot.keyClick(child(gate, QLineEdit, "opening_float"), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not gate.isVisible())
    assert _count(store, Topup) == 1 and _count(store, Shift) == 1
    assert _member(store, member.id).wallet_principal == before.wallet_principal

    # a refund from the history asks for the shift the same way
    click_row(qtbot, page.history.sales, 0)
    click(qtbot, page.history.refund_button)
    gate = page.dialog
    qtbot.waitUntil(gate.isVisible)
    assert page.bar.text().startswith("没有进行中的班次，不能退款")
    gate.reject()
    assert _count(store, Refund) == 0

    # count the float in the dialog: the shift opens and the top-up carries on
    click(qtbot, page.buttons["topup"])
    gate = page.dialog
    qtbot.waitUntil(gate.isVisible)
    type_into(qtbot, child(gate, QLineEdit, "opening_float"), "200", enter=True)
    topup = page.dialog
    qtbot.waitUntil(lambda: topup is not gate and topup.isVisible())
    assert "班次进行中" in window.who.text()
    [_, shift] = sorted(_all(store, Shift), key=lambda s: s.closed_at is None)
    assert (shift.opening_float, shift.closed_at) == (20000, None)
    type_into(qtbot, child(topup, QLineEdit, "topup_amount"), "300")
    click(qtbot, child(topup, QPushButton, "confirm_topup"))
    qtbot.waitUntil(lambda: page.panel.values["principal"].text() == "¥1,300.00")
    slip = page.dialog.findChild(QPlainTextEdit, "slip_text").toPlainText()
    assert "储值充值单" in slip and "300.00" in slip
    page.dialog.reject()
    with store.read() as s:
        new_topup = s.scalars(select(Topup).where(Topup.amount == 30000)).one()
        assert (new_topup.shift_id, new_topup.tender) == (shift.id, "cash")

    # reverse that top-up from the stored-value ledger, with the manager's PIN
    clock.advance(minutes=1)
    wallet = page.history.wallet
    page.history.setCurrentWidget(wallet.parentWidget())
    assert not page.history.reverse_button.isEnabled()  # nothing chosen yet
    click_row(qtbot, wallet, 0)
    assert wallet.item(0, 1).text() == "充值" and wallet.item(0, 2).text() == "+¥300.00"
    click(qtbot, page.history.reverse_button)
    reversal = page.dialog
    qtbot.waitUntil(reversal.isVisible)
    type_into(qtbot, child(reversal, QLineEdit, "reversal_reason"), "金额输错")
    click(qtbot, child(reversal, QPushButton, "confirm_reversal"))
    _managers_pin(qtbot, reversal)
    qtbot.waitUntil(lambda: page.panel.values["principal"].text() == "¥1,000.00")
    assert "已撤销" in page.bar.text() and "现金" in page.bar.text()
    assert "充值撤销单" in page.dialog.findChild(QPlainTextEdit, "slip_text").toPlainText()
    page.dialog.reject()
    click_row(qtbot, wallet, 0)  # the reversal's own row cannot be reversed
    assert wallet.item(0, 1).text() == "撤销充值" and not page.history.reverse_button.isEnabled()

    # cash out ¥150 of the stored value: a wrong amount first, then the manager's PIN
    clock.advance(minutes=1)
    click(qtbot, page.buttons["cashout"])
    cashout = page.dialog
    qtbot.waitUntil(cashout.isVisible)
    texts = [label.text() for label in cashout.findChildren(QLabel)]
    assert any(t.startswith("储值本金 ¥1,000.00 可退现金") for t in texts)
    type_into(qtbot, child(cashout, QLineEdit, "cashout_amount"), "5000")
    type_into(qtbot, child(cashout, QLineEdit, "cashout_reason"), "顾客搬家")
    click(qtbot, child(cashout, QPushButton, "confirm_cashout"))
    _managers_pin(qtbot, cashout)
    amount_error = child(cashout, QLabel, "amount_error")
    qtbot.waitUntil(amount_error.isVisible)
    assert amount_error.text() == "退现金额必须大于 0 且不超过本金 ¥1,000.00"
    assert _member(store, member.id).wallet_principal == 100_000  # nothing paid out
    type_into(qtbot, child(cashout, QLineEdit, "cashout_amount"), "150")
    click(qtbot, child(cashout, QPushButton, "confirm_cashout"))
    _managers_pin(qtbot, cashout)
    qtbot.waitUntil(lambda: page.panel.values["principal"].text() == "¥850.00")
    assert "已退现金 ¥150.00" in page.bar.text()
    assert "储值退现单" in page.dialog.findChild(QPlainTextEdit, "slip_text").toPlainText()
    page.dialog.reject()
    with store.read() as s:
        out = s.scalars(select(WalletEntry).where(WalletEntry.kind == "cashout")).one()
        assert out.principal_delta == -15000

    # the shift close counts all of it: 200 float + 300 top-up − 300 reversed − 150 paid out
    clock.advance(minutes=1)
    summary = _close_shift_in_back_office(qtbot, window, "50")
    assert "¥150.00" in summary  # stored value paid out
    assert "钱箱应有现金" in summary and "¥50.00" in summary
    with store.read() as s:
        closed = s.get(Shift, shift.id)
        assert (closed.expected_cash, closed.counted_cash) == (5000, 5000)
        assert closed.summary["topups_by_tender"] == {"cash": 0}
        assert closed.summary["cashouts"] == 15000
    assert sale.total == 20000


def _all(store, model) -> list:
    with store.read() as s:
        return list(s.scalars(select(model)))

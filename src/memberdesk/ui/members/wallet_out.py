"""Stored value going back out: cash out the principal, reverse an unspent top-up.

Both need a manager's PIN for a cashier and both move money through the drawer, so
they are recorded in the open shift (the members view asks for one first).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from ...core.errors import DomainError
from ...core.members.member import MemberView
from ...core.till.history import WalletRow
from ...core.till.wallet import WalletResult, bonus_lapsing, cash_out, reverse_topup
from ..context import AppContext
from ..i18n import tr
from ..ops import run_op
from ..texts import money
from ..widgets.fields import ErrorLabel, InlineForm, MessageBar, MoneyEdit
from .authorise import with_authority
from .money_dialogs import dialog_buttons


def shift_refusal(ctx: AppContext) -> str:
    return DomainError("shift.not_open").message(ctx.core_lang)


class CashOutDialog(QDialog):
    """Pay stored principal back in cash; the bonus is never paid out (core says so too)."""

    done = Signal(object)  # WalletResult

    def __init__(self, ctx: AppContext, member: MemberView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.member = ctx, member
        self.setObjectName("cashout_dialog")
        self.setMinimumWidth(520)
        self.setWindowTitle(tr("Cash out stored value: %1").replace("%1", member.name))
        layout = QVBoxLayout(self)
        self.bar = MessageBar(self)
        layout.addWidget(self.bar)
        held = tr(
            "Stored %1 can be paid back in cash; the bonus %2 is not paid out, and the "
            "part given with the principal paid back lapses."
        )
        info = QLabel(held.replace("%1", money(member.wallet_principal))
                      .replace("%2", money(member.wallet_bonus)), self)  # fmt: skip
        info.setWordWrap(True)
        layout.addWidget(info)
        self.form = InlineForm(self)
        self.amount = self.form.add("amount", tr("Cash paid back (yuan)"), MoneyEdit(self))
        self.amount.setObjectName("cashout_amount")
        self.reason = self.form.add("reason", tr("Reason"), QLineEdit(self))
        self.reason.setObjectName("cashout_reason")
        layout.addWidget(self.form)
        self.error = ErrorLabel(self)
        self.error.setObjectName("cashout_error")
        layout.addWidget(self.error)
        row, ok = dialog_buttons(self, tr("Pay out"), "confirm_cashout")
        ok.clicked.connect(self._confirm)
        layout.addLayout(row)
        self.amount.setFocus()

    def _confirm(self) -> None:
        self.form.clear_errors()
        self.error.show_message("")
        try:
            amount = self.amount.fen()
        except DomainError as exc:
            self.form.set_error("amount", exc.message(self.ctx.core_lang))
            return
        detail = tr("Pay %1 of stored value back in cash to %2").replace("%1", money(amount))
        detail = detail.replace("%2", self.member.name)
        lapsing = bonus_lapsing(self.member.wallet_principal, self.member.wallet_bonus, amount)
        if lapsing:
            detail += tr("; bonus %1 lapses").replace("%1", money(lapsing))
        with_authority(self.ctx, self, "wallet_cashout", self._run, detail=detail)

    def _run(self, authoriser) -> None:
        if self.ctx.shift_id is None:
            self.error.show_message(shift_refusal(self.ctx))
            return
        shift_id = self.ctx.shift_id

        def pay_out() -> WalletResult:
            return cash_out(
                self.ctx.store, self.ctx.actor, self.member.id, self.amount.fen(),
                authoriser=authoriser, reason=self.reason.text().strip(), shift_id=shift_id,
            )  # fmt: skip

        def amount_refused(exc: BaseException) -> bool:
            if isinstance(exc, DomainError) and exc.code in ("cashout.invalid", "amount.invalid"):
                self.form.set_error("amount", exc.message(self.ctx.core_lang))
                return True
            return False

        run_op(self.ctx, pay_out, show=self.error.show_message, on_error=amount_refused,
               success=self._done)  # fmt: skip

    def _done(self, result: WalletResult) -> None:
        self.accept()
        self.done.emit(result)


class ReverseTopUpDialog(QDialog):
    """Undo a top-up none of which has been spent: the money goes back the way it came."""

    done = Signal(object)  # WalletResult

    def __init__(
        self, ctx: AppContext, member: MemberView, row: WalletRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.member, self.receipt_no = ctx, member, row.receipt_no
        self.setObjectName("reversal_dialog")
        self.setMinimumWidth(520)
        self.setWindowTitle(tr("Reverse top-up %1").replace("%1", row.receipt_no))
        layout = QVBoxLayout(self)
        what = tr("Top-up of %1 + bonus %2 on %3, %4: both come off the card and the money "
                  "goes back the way it was paid.")  # fmt: skip
        info = QLabel(what.replace("%1", money(row.principal_delta)).replace("%2", money(row.bonus_delta))
                      .replace("%3", row.local_time.strftime("%Y-%m-%d %H:%M"))
                      .replace("%4", member.name), self)  # fmt: skip
        info.setWordWrap(True)
        layout.addWidget(info)
        self.form = InlineForm(self)
        self.reason = self.form.add("reason", tr("Reason"), QLineEdit(self))
        self.reason.setObjectName("reversal_reason")
        layout.addWidget(self.form)
        self.error = ErrorLabel(self)
        self.error.setObjectName("reversal_error")
        layout.addWidget(self.error)
        row_, ok = dialog_buttons(self, tr("Reverse top-up"), "confirm_reversal")
        detail = tr("Reverse top-up %1: %2 back to %3").replace("%1", row.receipt_no)
        detail = detail.replace("%2", money(row.principal_delta)).replace("%3", member.name)
        ok.clicked.connect(lambda: with_authority(ctx, self, "refund", self._run, detail=detail))
        layout.addLayout(row_)
        self.reason.setFocus()

    def _run(self, authoriser) -> None:
        if self.ctx.shift_id is None:
            self.error.show_message(shift_refusal(self.ctx))
            return
        shift_id = self.ctx.shift_id
        run_op(
            self.ctx,
            lambda: reverse_topup(
                self.ctx.store, self.ctx.actor, self.receipt_no, authoriser=authoriser,
                reason=self.reason.text().strip(), shift_id=shift_id,
            ),
            show=self.error.show_message,
            success=self._done,
        )  # fmt: skip

    def _done(self, result: WalletResult) -> None:
        self.accept()
        self.done.emit(result)

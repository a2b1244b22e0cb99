"""Refund a sale from history: choose what comes back, a manager's PIN, the refund slip."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import DomainError
from ...core.printing.slips import SlipContext, refund_slip
from ...core.shop.details import get_shop
from ...core.till.history import sale_detail
from ...core.till.refunds import RefundResult, quote_refund, refund, refund_value
from ..context import AppContext
from ..i18n import tr
from ..ops import run_op
from ..printing import paper, send_slip
from ..texts import core_text, money, tenders_text
from ..widgets.fields import ErrorLabel, set_role
from ..widgets.tables import ReadOnlyTable
from .authorise import with_authority


def shop_now(ctx: AppContext) -> datetime:
    tz = ZoneInfo(get_shop(ctx.store).timezone)
    return ctx.store.clock.now().astimezone(tz).replace(tzinfo=None)


def quote_lines(q: RefundResult) -> list[str]:
    """A refund's quote as the cashier reads it, one thing that goes back (or is kept) a line."""
    lines = [tr("Refund %1. Back to the customer: %2").replace("%1", money(q.amount))
             .replace("%2", tenders_text(q.tenders) if q.tenders else tr("no money back"))]  # fmt: skip
    if q.wallet_principal or q.wallet_bonus:
        lines.append(tr("Back to stored value: principal %1, bonus %2")
                     .replace("%1", money(q.wallet_principal)).replace("%2", money(q.wallet_bonus)))  # fmt: skip
    if q.points_returned:
        lines.append(
            tr("Points used on the sale given back: %1").replace("%1", str(q.points_returned))
        )
    if q.points_reversed:
        lines.append(
            tr("Points the sale earned taken back: %1").replace("%1", str(q.points_reversed))
        )
    if q.bonus_reversed:
        lines.append(
            tr("First-month bonus points taken back: %1").replace("%1", str(q.bonus_reversed))
        )
    if q.deducted_for_points:
        lines.append(
            tr("Kept back for points already spent: %1").replace("%1", money(q.deducted_for_points))
        )
    if q.policy_note:
        lines.append(core_text(q.policy_note))
    lines.extend(tr("Take back the gift: %1").replace("%1", name) for name in q.gifts_back)
    return lines


class RefundDialog(QDialog):
    done = Signal(object)  # RefundResult

    def __init__(self, ctx: AppContext, sale_ref: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sale = sale_detail(ctx.store, sale_ref)
        self.setObjectName("refund_dialog")
        self.setWindowTitle(tr("Refund %1").replace("%1", self.sale.receipt_no))
        self.resize(760, 460)
        layout = QVBoxLayout(self)
        s = self.sale
        head = tr("Sale %1 on %2: total %3, already refunded %4, paid by %5")
        head = (head.replace("%1", s.receipt_no).replace("%2", s.local_time.strftime("%Y-%m-%d %H:%M"))
                .replace("%3", money(s.total)).replace("%4", money(s.refunded_total))
                .replace("%5", tenders_text(s.tenders)))  # fmt: skip
        info = QLabel(head, self)
        info.setWordWrap(True)
        layout.addWidget(info)
        self.table = ReadOnlyTable([tr("Item"), tr("Bought"), tr("Amount"), tr("Refund qty")], self,
                                   name="refund_lines", stretch=0)  # fmt: skip
        self.table.fill([[ln.description, ln.quantity, money(ln.amount), ""] for ln in s.lines],
                        [ln.no for ln in s.lines], numeric=(1, 2))  # fmt: skip
        self.spins: dict[int, QSpinBox] = {}
        for row, ln in enumerate(s.lines):
            spin = QSpinBox(self.table)
            spin.setObjectName(f"refund_qty_{ln.no}")
            left = ln.quantity - ln.refunded_qty
            spin.setRange(0, left)
            spin.setValue(left)
            self.table.setCellWidget(row, 3, spin)
            self.spins[ln.no] = spin
            spin.valueChanged.connect(self._show_quote)
        layout.addWidget(self.table)
        # What goes back, as core counts it, before anyone confirms: the money by the way it
        # was paid, stored value, points returned and taken back, the program's policy.
        self.quote = QLabel(self)
        self.quote.setObjectName("refund_quote")
        self.quote.setWordWrap(True)
        layout.addWidget(self.quote)
        reason_row = QHBoxLayout()
        reason_row.addWidget(QLabel(tr("Reason"), self))
        self.reason = QLineEdit(self)
        self.reason.setObjectName("refund_reason")
        reason_row.addWidget(self.reason, 1)
        layout.addLayout(reason_row)
        self.error = ErrorLabel(self)
        self.error.setObjectName("refund_error")
        layout.addWidget(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        cancel = QPushButton(tr("Cancel"), self)
        cancel.setAutoDefault(False)  # Enter after the reason refunds (the PIN is asked next)
        cancel.clicked.connect(self.reject)
        row.addWidget(cancel)
        self.ok = QPushButton(tr("Refund"), self)
        self.ok.setObjectName("confirm_refund")
        set_role(self.ok, "primary")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self._confirm)
        row.addWidget(self.ok)
        layout.addLayout(row)
        self._show_quote()

    def _show_quote(self) -> None:
        wanted = self._lines()
        # Nothing to give back, nothing to confirm: no manager is called over for it.
        self.ok.setEnabled(bool(wanted))
        if not wanted:
            self.quote.setText(tr("Set how many of each item come back."))
            return
        try:
            q = quote_refund(self.ctx.store, self.ctx.actor, self.sale.sale_id, wanted)
        except DomainError as exc:  # a refund core would refuse: said before anyone confirms
            self.quote.setText(exc.message(self.ctx.core_lang))
            return
        self.quote.setText("\n".join(quote_lines(q)))

    def _lines(self) -> dict[int, int]:
        return {no: spin.value() for no, spin in self.spins.items() if spin.value()}

    def _confirm(self) -> None:
        if not self._lines():  # the button is off then; said all the same if it is called
            self.error.show_message(tr("Set how many of each item come back."))
            return
        amount = refund_value(self.sale.lines, self._lines())
        detail = tr("Refund %1 of receipt %2").replace("%1", money(amount))
        self.authorise = with_authority(self.ctx, self, "refund", self._run,
                                        detail=detail.replace("%2", self.sale.receipt_no))  # fmt: skip

    def _run(self, authoriser) -> None:
        if self.ctx.shift_id is None:  # the money leaves a shift's drawer, or not at all
            self.error.show_message(DomainError("shift.not_open").message(self.ctx.core_lang))
            return
        shift_id = self.ctx.shift_id
        run_op(
            self.ctx,
            lambda: refund(
                self.ctx.store, self.ctx.actor, self.sale.sale_id, self._lines(), authoriser=authoriser,
                reason=self.reason.text().strip(), shift_id=shift_id,
            ),
            show=self.error.show_message,
            success=self._refunded,
        )  # fmt: skip

    def _refunded(self, result: RefundResult) -> None:
        slip = refund_slip(result, SlipContext(get_shop(self.ctx.store), shop_now(self.ctx), self.ctx.actor.name),
                           paper(self.ctx))  # fmt: skip
        self.accept()
        bar_error = getattr(self.parentWidget(), "bar", None)
        send_slip(
            self.ctx,
            self.parentWidget() or self,
            slip,
            tr("Refund slip"),
            result=result,
            on_error=bar_error.error if bar_error is not None else None,
        )
        self.done.emit(result)

"""Changing a line (quantity, price, a discount) and a discount on the whole sale.

Every number is read and judged by core (manual.read_discount, discounts.with_price,
discounts.check_request): the dialog shows what core says, and when the discount is
over the limit of the person at the till it asks a manager for their PIN first.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import DomainError
from ...core.till.checkout import MAX_LINE_QTY, CheckoutRequest
from ...core.till.discounts import DiscountCheck, check_request, with_price, with_quantity
from ...core.till.manual import ManualDiscount, read_discount
from ..context import AppContext
from ..i18n import tr
from ..texts import money
from ..widgets.fields import ErrorLabel, MoneyEdit, keep_place, set_role
from .approve_dialog import ApproveDialog


def _modes(none_text: str) -> list[tuple[str, str]]:
    return [("", none_text), ("zhe", tr("Share paid, in tenths (e.g. 9 or 95)")),
            ("percent", tr("Percent off")), ("amount", tr("Amount off ¥"))]  # fmt: skip


def _typed(d: ManualDiscount | None) -> tuple[str, str]:
    """How a discount given earlier is shown again in the form (mode, text)."""
    if d is None or d.kind == "price":
        return "", ""
    if d.kind == "percent" and d.zhe:
        return "zhe", f"{(100 - d.value) / 10:g}"
    if d.kind == "percent":
        return "percent", str(d.value)
    return "amount", f"{d.value // 100}.{d.value % 100:02d}"


class _DiscountForm(QDialog):
    """The parts both dialogs share: a kind of discount and its value, an error, OK / Cancel,
    and the manager's approval when it is needed."""

    def __init__(self, ctx: AppContext, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.approval: ApproveDialog | None = None  # tests look here
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.mode = QComboBox(self)
        self.mode.setObjectName("discount_mode")
        self.value = QLineEdit(self)
        self.value.setObjectName("discount_value")
        self.error = ErrorLabel(self)
        self.error.setObjectName("discount_error")
        keep_place(self.error, lines=2)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._apply)
        self.buttons.rejected.connect(self.reject)
        self.first: QWidget = self.value  # what takes the keys when the dialog opens

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.first.setFocus()
        if isinstance(self.first, QSpinBox | QLineEdit):
            self.first.selectAll()

    def _finish_layout(self) -> None:
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.buttons)

    def _fill_modes(self, none_text: str, current: ManualDiscount | None) -> None:
        mode, text = _typed(current)
        for code, name in _modes(none_text):
            self.mode.addItem(name, code)
        self.mode.setCurrentIndex(max(0, self.mode.findData(mode)))
        self.value.setText(text)
        self.mode.currentIndexChanged.connect(lambda _i: self.value.setFocus())

    def _discount(self, before: ManualDiscount | None) -> ManualDiscount | None:
        """What the form asks for; the same discount as before keeps its approval."""
        mode = self.mode.currentData()
        if not mode:
            return None
        d = read_discount(mode, self.value.text())
        return before if before is not None and d == before else d

    def _apply(self) -> None:
        raise NotImplementedError

    def _checked(self, check: DiscountCheck, deliver) -> None:
        """Deliver at once, or after a manager approved it (their PIN, their limit)."""
        if check.needs_approval is None:
            self.accept()
            deliver(check.applied.discount if check.applied else None)
            return
        dialog = ApproveDialog(self.ctx, check, self)
        self.approval = dialog

        def approved(actor) -> None:
            self.accept()
            deliver(check.applied.discount.approved(actor))

        dialog.approved.connect(approved)
        dialog.open()

    def _say(self, exc: DomainError) -> None:
        self.error.show_message(exc.message(self.ctx.core_lang))


class LineDialog(_DiscountForm):
    """One line: its quantity, its price, a discount on it."""

    changed = Signal(int, object)  # the line's index, the new SaleLineInput

    def __init__(
        self, ctx: AppContext, request: CheckoutRequest, index: int, parent: QWidget | None = None
    ) -> None:
        line = request.lines[index]
        super().__init__(ctx, tr("Change line %1").replace("%1", str(index + 1)), parent)
        self.setObjectName("line_dialog")
        self.request, self.index, self.line = request, index, line
        name = QLabel(line.description, self)
        set_role(name, "big")
        name.setWordWrap(True)
        self.layout_.insertWidget(0, name)
        self.quantity = QSpinBox(self)
        self.quantity.setObjectName("edit_quantity")
        self.quantity.setRange(1, MAX_LINE_QTY)
        self.quantity.setValue(line.quantity)
        self.form.addRow(tr("Quantity"), self.quantity)
        self.price = MoneyEdit(self)
        self.price.setObjectName("edit_price")
        self._price_now = line.manual.value if _is_price(line.manual) else line.unit_price
        self.price.set_fen(self._price_now)
        self.form.addRow(tr("Unit price ¥"), self.price)
        if not line.price_typed:
            listed = QLabel(tr("List price %1: a new price is a price change").replace(
                "%1", money(line.unit_price)), self)  # fmt: skip
            set_role(listed, "muted")
            self.form.addRow("", listed)
        self._fill_modes(tr("No discount"), line.manual)
        self.form.addRow(tr("Discount"), self.mode)
        self.form.addRow(tr("Discount value"), self.value)
        self._finish_layout()
        self.first = self.quantity

    def _apply(self) -> None:
        line = self.line
        try:
            changed = with_quantity(line, self.quantity.value())
            price = self.price.fen()
            price_changed = price != self._price_now
            discount = self._discount(line.manual)
            if discount is not None and price_changed and not line.price_typed:
                raise DomainError("discount.price_or_discount")
            if price_changed:
                changed = with_price(changed, price)
            if discount is not None:
                changed = replace(changed, manual=discount)
            elif not _is_price(changed.manual):
                changed = replace(changed, manual=None)
            lines = list(self.request.lines)
            lines[self.index] = changed
            check = check_request(self.ctx.store, self.ctx.actor,
                                  replace(self.request, lines=tuple(lines)), self.index)  # fmt: skip
        except DomainError as exc:
            self._say(exc)
            return

        def deliver(approved: ManualDiscount | None) -> None:
            final = replace(changed, manual=approved) if changed.manual is not None else changed
            self.changed.emit(self.index, final)

        self._checked(check, deliver)


class SaleDiscountDialog(_DiscountForm):
    """A discount on the whole sale (never on 不打折 lines, nor on lines with their own)."""

    chosen = Signal(object)  # ManualDiscount | None

    def __init__(
        self, ctx: AppContext, request: CheckoutRequest, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, tr("Whole-sale discount"), parent)
        self.setObjectName("sale_discount_dialog")
        self.request = request
        note = QLabel(tr("It replaces the member's discount on the lines it covers; no-discount "
                         "items and lines with their own discount keep theirs."), self)  # fmt: skip
        note.setWordWrap(True)
        set_role(note, "muted")
        self.layout_.insertWidget(0, note)
        self._fill_modes(tr("No whole-sale discount"), request.sale_discount)
        if request.sale_discount is None:
            self.mode.setCurrentIndex(1)  # 折: what shops give most
        self.form.addRow(tr("Discount"), self.mode)
        self.form.addRow(tr("Discount value"), self.value)
        self._finish_layout()

    def _apply(self) -> None:
        try:
            discount = self._discount(self.request.sale_discount)
            check = check_request(self.ctx.store, self.ctx.actor,
                                  replace(self.request, sale_discount=discount), None)  # fmt: skip
        except DomainError as exc:
            self._say(exc)
            return
        self._checked(check, self.chosen.emit)


def _is_price(d: ManualDiscount | None) -> bool:
    return d is not None and d.kind == "price"

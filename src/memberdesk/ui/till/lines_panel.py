"""The sale's lines: type a price (and optionally what it is and how many), Enter adds it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import DomainError
from ...core.till.checkout import Computation
from ..i18n import tr
from ..texts import discount_kind_name, money
from ..widgets.fields import ErrorLabel, MoneyEdit, set_role
from ..widgets.tables import ReadOnlyTable
from .sale_draft import DraftLine, SaleDraft


class LinesTable(ReadOnlyTable):
    remove_requested = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.currentRow() >= 0:
            self.remove_requested.emit(self.currentRow())
            return
        super().keyPressEvent(event)


class LinesPanel(QWidget):
    changed = Signal()

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.draft = SaleDraft()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        headers = [tr("Item"), tr("Qty"), tr("Price"), tr("Discount"), tr("Amount")]
        self.table = LinesTable(headers, self, name="sale_lines", stretch=0)
        self.table.remove_requested.connect(self.remove_line)
        outer.addWidget(self.table, 1)
        entry = QHBoxLayout()
        self.description = QLineEdit(self)
        self.description.setObjectName("line_description")
        self.description.setPlaceholderText(tr("Item (optional)"))
        self.description.returnPressed.connect(lambda: self.price.setFocus())
        entry.addWidget(self.description, 3)
        entry.addWidget(QLabel(tr("Price ¥"), self))
        self.price = MoneyEdit(self)
        self.price.setObjectName("line_price")
        self.price.returnPressed.connect(self.add_line)
        entry.addWidget(self.price, 2)
        entry.addWidget(QLabel("×", self))
        self.quantity = QSpinBox(self)
        self.quantity.setObjectName("line_quantity")
        self.quantity.setRange(1, 9999)
        entry.addWidget(self.quantity)
        add = QPushButton(tr("Add (Enter)"), self)
        add.setObjectName("add_line")
        add.clicked.connect(self.add_line)
        entry.addWidget(add)
        outer.addLayout(entry)
        self.error = ErrorLabel(self)
        self.error.setObjectName("line_error")
        outer.addWidget(self.error)
        totals = QHBoxLayout()
        self.subtotal = QLabel(self)
        self.subtotal.setObjectName("subtotal")
        totals.addWidget(self.subtotal)
        self.discounts = QLabel(self)
        self.discounts.setObjectName("discounts")
        self.discounts.setWordWrap(True)
        totals.addWidget(self.discounts, 1)
        self.total = QLabel(self)
        self.total.setObjectName("total")
        set_role(self.total, "big")
        totals.addWidget(self.total)
        outer.addLayout(totals)
        self.show_quote(None)

    def add_line(self) -> None:
        try:
            price = self.price.fen()
        except DomainError as exc:
            self.error.show_message(exc.message(self.lang))
            return
        if price <= 0:
            self.error.show_message(tr("Type the price first"))
            self.price.setFocus()
            return
        text = self.description.text().strip() or tr("Goods")
        self.draft.lines.append(DraftLine(text, price, self.quantity.value()))
        self.error.show_message("")
        self.description.clear()
        self.price.clear()
        self.quantity.setValue(1)
        self.changed.emit()

    def remove_line(self, row: int) -> None:
        """Del on a line drops it; on the gift's row (after the lines) it gives the gift back."""
        if 0 <= row < len(self.draft.lines):
            del self.draft.lines[row]
            self.changed.emit()
        elif row == len(self.draft.lines) and self.draft.gift_code is not None:
            self.draft.gift_code = None
            self.changed.emit()

    def show_quote(self, c: Computation | None) -> None:
        """Lines and totals as core priced them (or as typed, before a quote exists)."""
        lines = self.draft.lines
        if c is None:
            rows = [[ln.description, ln.quantity, money(ln.unit_price), "", money(ln.unit_price * ln.quantity)]
                    for ln in lines]  # fmt: skip
            subtotal = sum(ln.unit_price * ln.quantity for ln in lines)
            self.table.fill(rows, numeric=(1, 2, 3, 4))
            self.subtotal.setText(tr("Subtotal %1").replace("%1", money(subtotal)))
            self.discounts.setText("")
            self.total.setText(tr("Total %1").replace("%1", money(subtotal)))
            return
        p = c.pricing
        rows = [
            [pl.line.description, pl.line.quantity, money(pl.line.unit_price_fen),
             f"-{money(pl.discount_fen)}" if pl.discount_fen else "", money(pl.net_fen)]
            for pl in p.lines
        ]  # fmt: skip
        if c.gift is not None:  # handed over for points: costs no money, shown after the lines
            rows.append([tr("Gift for points: %1").replace("%1", c.gift.name), 1, "", "",
                         tr("%1 points").replace("%1", str(c.gift.points))])  # fmt: skip
        self.table.fill(rows, numeric=(1, 2, 3, 4))
        self.subtotal.setText(tr("Subtotal %1").replace("%1", money(p.subtotal_fen)))
        parts = [
            f"{discount_kind_name(kind)} -{money(fen)}"
            for kind, fen in p.discount_by_kind.items()
            if fen
        ]
        if p.discount_percent and parts:
            parts[0] += tr(" (%1% off)").replace("%1", str(p.discount_percent))
        self.discounts.setText("；".join(parts))
        self.total.setText(tr("Total %1").replace("%1", money(p.total_fen)))

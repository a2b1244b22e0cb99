"""The sale's lines: type a price (and optionally what it is and how many), Enter adds it;
choose a line to change its quantity or price, give it a discount, or delete it; a
discount on the whole sale.

The panel shows what core priced; the changes themselves are asked of core by the till
(discounts need the person's limits, and sometimes a manager's PIN).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import DomainError
from ...core.till.checkout import Computation
from ...core.till.manual import MANUAL_KINDS, ManualDiscount, describe
from ..i18n import tr
from ..texts import discount_kind_name, money
from ..widgets.fields import ErrorLabel, MoneyEdit, set_role
from ..widgets.tables import ReadOnlyTable
from .sale_draft import DraftLine, SaleDraft


class LinesTable(ReadOnlyTable):
    """↑/↓ choose, Del deletes, Enter changes the line; anything typed goes back to the
    search box (a card scanned while a line is chosen is not lost)."""

    remove_requested = Signal(int)
    edit_requested = Signal(int)
    typed = Signal(object)  # the key event, for the search box

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.currentRow() >= 0:
            self.remove_requested.emit(self.currentRow())
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.edit_requested.emit(self.currentRow())
            return
        plain = not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        )
        if plain and event.text() and event.text().isprintable():
            self.typed.emit(event)
            return
        super().keyPressEvent(event)


class QuantityBox(QSpinBox):
    """The quantity of the line being typed: Enter adds the line, as in the price box."""

    entered = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.interpretText()
            self.entered.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class LinesPanel(QWidget):
    changed = Signal()
    edit_requested = Signal(int)  # the line (index) to change: quantity, price, discount
    sale_discount_requested = Signal()
    coupon_dropped = Signal()  # the coupon on the sale to come off it

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.draft = SaleDraft()
        self._chosen: int | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        headers = [tr("Item"), tr("Qty"), tr("Price"), tr("Discount"), tr("Amount")]
        self.table = LinesTable(headers, self, name="sale_lines", stretch=0)
        self.table.remove_requested.connect(self.remove_line)
        self.table.edit_requested.connect(self.edit_requested)
        self.table.doubleClicked.connect(lambda index: self.edit_requested.emit(index.row()))
        self.table.itemSelectionChanged.connect(self._selection_changed)
        outer.addWidget(self.table, 1)
        entry = QHBoxLayout()
        self.entry = entry
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
        self.quantity = QuantityBox(self)
        self.quantity.setObjectName("line_quantity")
        self.quantity.setRange(1, 9999)
        self.quantity.entered.connect(self.add_line)
        entry.addWidget(self.quantity)
        add = QPushButton(tr("Add (Enter)"), self)
        add.setObjectName("add_line")
        add.clicked.connect(self.add_line)
        entry.addWidget(add)
        outer.addLayout(entry)
        # The buttons for the lines: at the end of the row above where the panel is wide
        # enough, on a row of their own where it is not (`_place_actions`): every row the
        # panel does not take is a line of the sale more on screen.
        self.actions = QWidget(self)
        actions = QHBoxLayout(self.actions)
        actions.setContentsMargins(0, 0, 0, 0)
        self.edit_button = QPushButton(tr("Change line / discount (Ctrl+E)"), self.actions)
        self.edit_button.setObjectName("edit_line")
        self.edit_button.clicked.connect(self.edit_chosen)
        actions.addWidget(self.edit_button)
        self.remove_button = QPushButton(tr("Delete line (Del)"), self.actions)
        self.remove_button.setObjectName("remove_line")
        self.remove_button.clicked.connect(self.remove_chosen)
        actions.addWidget(self.remove_button)
        self.sale_discount_button = QPushButton(tr("Whole-sale discount (Ctrl+D)"), self.actions)
        self.sale_discount_button.setObjectName("sale_discount")
        self.sale_discount_button.clicked.connect(self.sale_discount_requested)
        actions.addWidget(self.sale_discount_button)
        self.second_row = QWidget(self)
        second = QHBoxLayout(self.second_row)
        second.setContentsMargins(0, 0, 0, 0)
        second.addStretch(1)
        outer.addWidget(self.second_row)
        self._one_row: bool | None = None
        self._place_actions()
        totals = QHBoxLayout()
        self.subtotal = QLabel(self)
        self.subtotal.setObjectName("subtotal")
        totals.addWidget(self.subtotal)
        self.discounts = QLabel(self)
        self.discounts.setObjectName("discounts")
        # One line, whatever it says: a longer list of discounts never pushes the lines up.
        self.discounts.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        totals.addWidget(self.discounts, 1)
        # A line that cannot be added says why in the discounts' place, beside what was
        # typed, for as long as it stands (`_say`): one line, the row's height unchanged.
        self.error = ErrorLabel(self)
        self.error.setObjectName("line_error")
        self.error.setWordWrap(False)
        self.error.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        totals.addWidget(self.error, 1)
        self.drop_coupon = QPushButton(tr("Take the coupon off (Ctrl+F6)"), self)
        self.drop_coupon.setObjectName("drop_coupon")
        self.drop_coupon.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.drop_coupon.clicked.connect(self.coupon_dropped.emit)
        self.drop_coupon.hide()
        totals.addWidget(self.drop_coupon)
        self.total = QLabel(self)
        self.total.setObjectName("total")
        set_role(self.total, "big")
        totals.addWidget(self.total)
        outer.addLayout(totals)
        self.show_quote(None)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place_actions()

    def _place_actions(self) -> None:
        """The line buttons beside the line being typed when the row holds both at their
        sizes (the item's box at least a third of its size), else on the row below."""
        entry = self.entry
        needed = self.actions.sizeHint().width() + entry.spacing() * (entry.count() + 1)
        for i in range(entry.count()):
            widget = entry.itemAt(i).widget()
            if widget is None or widget is self.actions:
                continue
            hint = widget.sizeHint().width()
            needed += hint // 3 if widget is self.description else hint
        one_row = self.width() >= needed
        if one_row == self._one_row:
            return
        self._one_row = one_row
        second = self.second_row.layout()
        if one_row:
            second.removeWidget(self.actions)
            entry.addWidget(self.actions)
        else:
            entry.removeWidget(self.actions)
            second.insertWidget(0, self.actions)
        self.second_row.setVisible(not one_row)

    def _say(self, text: str) -> None:
        """Why the line typed cannot be added ("" once it can), in the discounts' place."""
        self.error.show_message(text)
        self.discounts.setVisible(not text)

    # ------------------------------------------------------------------ adding
    def add_line(self) -> None:
        try:
            price = self.price.fen()
        except DomainError as exc:
            self._say(exc.message(self.lang))
            return
        if price <= 0:
            self._say(tr("Type the price first"))
            self.price.setFocus()
            return
        text = self.description.text().strip() or tr("Goods")
        self.description.clear()
        self.price.clear()
        quantity = self.quantity.value()
        self.quantity.setValue(1)
        self.add_item(text, price, quantity, price_typed=True)
        self.price.setFocus()

    def add_item(
        self, description: str, unit_price: int, quantity: int = 1, *, category: str = "",
        no_discount: bool = False, price_typed: bool = False,
    ) -> None:  # fmt: skip
        """Add a line to the sale (a typed price, or an item with its list price) and choose it."""
        self.draft.lines.append(DraftLine(description, unit_price, quantity, None, price_typed,
                                          category, no_discount))  # fmt: skip
        self._chosen = len(self.draft.lines) - 1
        self._say("")
        self.changed.emit()

    # ------------------------------------------------------------------ choosing
    def chosen(self) -> int | None:
        """The line chosen (clicked, or moved to with ↑/↓), else the last one added."""
        if self._chosen is not None and 0 <= self._chosen < len(self.draft.lines):
            return self._chosen
        return len(self.draft.lines) - 1 if self.draft.lines else None

    def choose(self, row: int) -> None:
        if 0 <= row < len(self.draft.lines):
            self._chosen = row
            self.table.selectRow(row)

    def move_choice(self, step: int) -> None:
        current = self.chosen()
        if current is not None:
            self.choose(max(0, min(len(self.draft.lines) - 1, current + step)))

    def focus_lines(self, step: int) -> None:
        """From the search box into the lines: the line above (↑) or below (↓) the chosen one
        (↑ from the last line added first chooses that line itself)."""
        if not self.draft.lines:
            return
        if self._chosen is None or self.table.hasFocus() or step > 0:
            self.move_choice(step)
        else:
            self.choose(self.chosen())
        self.table.setFocus()
        self.table.setCurrentCell(self.chosen(), 0)

    def _selection_changed(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows and rows[0].row() < len(self.draft.lines):
            self._chosen = rows[0].row()

    def edit_chosen(self) -> None:
        row = self.chosen()
        if row is None:
            self._say(tr("Add a line first"))
            return
        self.edit_requested.emit(row)

    def remove_chosen(self) -> None:
        row = self.chosen()
        if row is not None:
            self.remove_line(row)

    def remove_line(self, row: int) -> None:
        """Del on a line drops it; on the gift's row (after the lines) it gives the gift back."""
        if 0 <= row < len(self.draft.lines):
            del self.draft.lines[row]
            self._chosen = min(row, len(self.draft.lines) - 1) if self.draft.lines else None
            self._say("")
            self.changed.emit()
        elif row == len(self.draft.lines) and self.draft.gift_code is not None:
            self.draft.gift_code = None
            self.changed.emit()

    def replace_line(self, row: int, line: DraftLine) -> None:
        self.draft.lines[row] = line
        self._chosen = row
        self._say("")
        self.changed.emit()

    # ------------------------------------------------------------------ showing
    def _discount_text(self, index: int, kind: str | None, fen: int) -> str:
        if not fen:
            return ""
        manual = self.draft.lines[index].manual if index < len(self.draft.lines) else None
        if kind in ("manual", "price") and manual is not None:
            return f"{describe(manual, self.lang)} -{money(fen)}"
        if kind == "sale":
            return f"{discount_kind_name(kind)} -{money(fen)}"
        return f"-{money(fen)}"

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
            self.drop_coupon.setVisible(self.draft.coupon is not None)
            self.total.setText(tr("Total %1").replace("%1", money(subtotal)))
            self._show_choice()
            return
        p = c.pricing
        rows = [
            [pl.line.description, pl.line.quantity, money(pl.line.unit_price_fen),
             self._discount_text(i, pl.discount_kind, pl.discount_fen), money(pl.net_fen)]
            for i, pl in enumerate(p.lines)
        ]  # fmt: skip
        if c.gift is not None:  # handed over for points: costs no money, shown after the lines
            rows.append([tr("Gift for points: %1").replace("%1", c.gift.name), 1, "", "",
                         tr("%1 points").replace("%1", str(c.gift.points))])  # fmt: skip
        self.table.fill(rows, numeric=(1, 2, 3, 4))
        self.subtotal.setText(tr("Subtotal %1").replace("%1", money(p.subtotal_fen)))
        parts = []
        for kind, fen in p.discount_by_kind.items():
            if not fen:
                continue
            name = discount_kind_name(kind)
            if kind == "sale" and self.draft.sale_discount is not None:
                name += " " + describe(self.draft.sale_discount, self.lang)
            elif kind == p.discount_kind and kind not in MANUAL_KINDS and p.discount_percent:
                zhe = describe(ManualDiscount("percent", p.discount_percent, zhe=True), self.lang)
                name += f"（{zhe}）" if self.lang.startswith("zh") else f" ({zhe})"
            parts.append(f"{name} -{money(fen)}")
        self.discounts.setText("；".join(parts))
        self.drop_coupon.setVisible(self.draft.coupon is not None)
        self.total.setText(tr("Total %1").replace("%1", money(p.total_fen)))
        self._show_choice()

    def _show_choice(self) -> None:
        row = self.chosen()
        if row is not None:
            self.table.blockSignals(True)
            self.table.selectRow(row)
            self.table.blockSignals(False)
            # Whole in sight: the line just scanned showed half, cut by the table's edge.
            self.table.scrollTo(
                self.table.model().index(row, 0), QAbstractItemView.ScrollHint.EnsureVisible
            )

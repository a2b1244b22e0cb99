"""Count cards (次卡) of the member at the counter: use a visit (once the member has
confirmed it), sell a new card, refund the unused visits (a manager's act). Every rule
is core's (core/till/count_cards.py); this only asks and shows."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import DomainError
from ...core.items.lookup import item_categories
from ...core.members.member import MemberView
from ...core.till.checkout import PAY_TENDERS
from ...core.till.count_cards import (
    MAX_COUNTS,
    MAX_VALID_DAYS,
    CountCardForm,
    CountCardView,
    count_cards_of,
    refund_count_card,
    refund_preview,
    sell_count_card,
    use_count_card,
)
from ..context import AppContext
from ..i18n import tr
from ..members.authorise import with_authority
from ..members.money_dialogs import dialog_buttons
from ..ops import run_op
from ..texts import money, tender_name
from ..widgets.fields import InlineForm, MessageBar, MoneyEdit, set_role
from ..widgets.tables import ReadOnlyTable


def _until(card: CountCardView) -> str:
    if card.expires_on is None:
        return tr("No end")
    return f"{card.expires_on - timedelta(days=1):%Y-%m-%d}"


class CountCardsDialog(QDialog):
    """The member's cards that still hold visits; Enter uses one of the chosen card."""

    done = Signal(object)  # CountCardSlip: the till prints it

    def __init__(self, ctx: AppContext, member: MemberView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.member = ctx, member
        self.setObjectName("count_cards_dialog")
        self.setWindowTitle(tr("Count cards: %1").replace("%1", member.name))
        layout = QVBoxLayout(self)
        self.bar = MessageBar(self)
        layout.addWidget(self.bar)
        self.table = ReadOnlyTable(
            [tr("Count card"), tr("Covers"), tr("Visits left"), tr("Valid until")], self,
            name="count_cards_table",
        )  # fmt: skip
        # the card's name and what it covers take the room (they were held to their text's
        # width, the spare width given to the date); the visits and the date to their text
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column, mode in enumerate((QHeaderView.ResizeMode.Stretch,) * 2
                                      + (QHeaderView.ResizeMode.ResizeToContents,) * 2):  # fmt: skip
            header.setSectionResizeMode(column, mode)
        self.table.itemSelectionChanged.connect(self._picked)
        layout.addWidget(self.table)
        self.confirmed = QCheckBox(self)
        self.confirmed.setObjectName("member_confirmed")
        layout.addWidget(self.confirmed)
        row = QHBoxLayout()
        sell = QPushButton(tr("Sell a card…"), self)
        sell.setObjectName("sell_count_card")
        sell.clicked.connect(self._sell)
        row.addWidget(sell)
        self.refund = QPushButton(tr("Refund unused visits…"), self)
        self.refund.setObjectName("refund_count_card")
        self.refund.clicked.connect(self._refund)
        row.addWidget(self.refund)
        row.addStretch(1)
        close = QPushButton(tr("Close"), self)
        close.clicked.connect(self.reject)
        row.addWidget(close)
        self.use = QPushButton(tr("Use one visit"), self)
        self.use.setObjectName("use_visit")
        set_role(self.use, "primary")
        self.use.setDefault(True)
        self.use.clicked.connect(self._use)
        row.addWidget(self.use)
        layout.addLayout(row)
        self.resize(720, 360)
        self.reload()

    def reload(self) -> None:
        cards = count_cards_of(self.ctx.store, self.member.id)
        self.table.fill(
            [[c.name, c.covers, f"{c.left}/{c.counts}", _until(c)] for c in cards], cards,
            numeric=(2,),
        )  # fmt: skip
        self._room_for_names()
        if cards:
            self.table.selectRow(0)
        else:
            self.bar.notice(tr("No count card with visits left: sell one with “Sell a card…”"))
        self._picked()

    def _room_for_names(self) -> None:
        """Wide enough that a long card name and what it covers are read whole, with air
        (the two share the spare width evenly)."""
        table, air = self.table, 2 * self.fontMetrics().horizontalAdvance("次")
        header = table.horizontalHeader()

        def hint(c: int) -> int:
            return max(table.sizeHintForColumn(c), header.sectionSizeHint(c))

        wanted = 2 * (max(hint(0), hint(1)) + air) + hint(2) + hint(3)
        margins = 2 * (table.frameWidth() + self.layout().contentsMargins().left())
        needed = min(wanted + margins + table.verticalScrollBar().sizeHint().width(), 1280)
        if needed > self.width():
            self.resize(needed, self.height())

    def _card(self) -> CountCardView | None:
        return self.table.selected_key()

    def _picked(self) -> None:
        card = self._card()
        self.use.setEnabled(card is not None)
        self.refund.setEnabled(card is not None)
        self.confirmed.setEnabled(card is not None)
        self.confirmed.setChecked(False)
        self.confirmed.setText(
            tr("%1 confirms using one visit of %2 (%3 left after)")
            .replace("%1", self.member.name)
            .replace("%2", card.name if card else "—")
            .replace("%3", str(card.left - 1) if card else "—")
        )

    def _use(self) -> None:
        card = self._card()
        if card is None:
            return
        shift_id, confirmed = self.ctx.shift_id, self.confirmed.isChecked()
        run_op(
            self.ctx,
            lambda: use_count_card(self.ctx.store, self.ctx.actor, card.id,
                                   member_confirmed=confirmed, shift_id=shift_id),
            bar=self.bar, success=self._done,
        )  # fmt: skip

    def _sell(self) -> None:
        if self.ctx.shift_id is None:  # the money goes into a shift's drawer, or not at all
            self.bar.error(DomainError("shift.not_open").message(self.ctx.core_lang))
            return
        dialog = SellCountCardDialog(self.ctx, self.member, self)
        dialog.done.connect(self._done)
        dialog.open()

    def _refund(self) -> None:
        card = self._card()
        if card is None:
            return
        try:
            back = refund_preview(self.ctx.store, card.id)
        except DomainError as exc:
            self.bar.error(exc.message(self.ctx.core_lang))
            return
        detail = (
            tr("Refund %1 unused visits of %2: %3 back")
            .replace("%1", str(card.left)).replace("%2", card.name).replace("%3", money(back))
        )  # fmt: skip
        shift_id = self.ctx.shift_id

        def proceed(authoriser) -> None:
            run_op(
                self.ctx,
                lambda: refund_count_card(self.ctx.store, self.ctx.actor, card.id,
                                          authoriser=authoriser, shift_id=shift_id),
                bar=self.bar, success=self._done,
            )  # fmt: skip

        with_authority(self.ctx, self, "refund", proceed, detail=detail)

    def _done(self, slip) -> None:
        self.accept()
        self.done.emit(slip)


FIELD_OF = {
    "countcard.covers": "item", "countcard.no_item": "item", "countcard.no_category": "category",
    "countcard.counts": "counts", "countcard.price": "price", "countcard.valid_days": "days",
    "countcard.tender": "tender", "countcard.over_limit": "price",
}  # fmt: skip


class SellCountCardDialog(QDialog):
    """A new card: its name, the item (by code) or category it covers, visits, price,
    validity and how it is paid."""

    done = Signal(object)  # CountCardSlip

    def __init__(self, ctx: AppContext, member: MemberView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.member = ctx, member
        self.setObjectName("sell_count_card_dialog")
        self.setWindowTitle(tr("Sell a count card to %1").replace("%1", member.name))
        layout = QVBoxLayout(self)
        self.form = InlineForm(self)
        self.name = self.form.add("name", tr("Card name"), QLineEdit(self))
        self.name.setObjectName("card_name")
        self.name.setPlaceholderText(tr("e.g. 10 haircuts"))
        self.item = self.form.add("item", tr("Item code (or leave empty)"), QLineEdit(self))
        self.item.setObjectName("card_item")
        self.category = self.form.add("category", tr("Or a whole category"), QComboBox(self))
        self.category.setObjectName("card_category")
        self.category.addItem("", None)
        for name in item_categories(ctx.store):
            self.category.addItem(name, name)
        self.counts = self.form.add("counts", tr("Visits"), QSpinBox(self))
        self.counts.setObjectName("card_counts")
        self.counts.setRange(1, MAX_COUNTS)
        self.counts.setValue(10)
        self.price = self.form.add("price", tr("Price (yuan)"), MoneyEdit(self))
        self.price.setObjectName("card_price")
        self.days = self.form.add("days", tr("Valid for days (0: no end)"), QSpinBox(self))
        self.days.setObjectName("card_days")
        self.days.setRange(0, MAX_VALID_DAYS)
        self.days.setValue(0)  # a member's (记名) prepaid card carries no end by the rule below
        self.tender = self.form.add("tender", tr("Paid by"), QComboBox(self))
        self.tender.setObjectName("card_tender")
        for kind in PAY_TENDERS:
            self.tender.addItem(tender_name(kind), kind)
        layout.addWidget(self.form)
        rule = QLabel(tr("A member's count card is a registered prepaid card, which the rules on "
                         "single-purpose prepaid cards (art. 19) allow no end date (0). Days given "
                         "make the visits not used by then lapse."), self)  # fmt: skip
        rule.setObjectName("card_days_rule")
        rule.setWordWrap(True)
        set_role(rule, "muted")
        layout.addWidget(rule)
        self.note = QLabel(self)
        layout.addWidget(self.note)
        row, ok = dialog_buttons(self, tr("Confirm sale"), "confirm_count_card")
        ok.clicked.connect(self._confirm)
        layout.addLayout(row)
        self.name.setFocus()

    def _confirm(self) -> None:
        self.form.clear_errors()
        try:
            price = self.price.fen()
        except DomainError as exc:
            self.form.set_error("price", exc.message(self.ctx.core_lang))
            return
        form = CountCardForm(
            self.name.text(), self.counts.value(), price, self.tender.currentData(),
            item_code=self.item.text().strip() or None, category=self.category.currentData(),
            valid_days=self.days.value() or None,
        )  # fmt: skip
        shift_id = self.ctx.shift_id
        run_op(
            self.ctx,
            lambda: sell_count_card(self.ctx.store, self.ctx.actor, self.member.id, form,
                                    shift_id=shift_id),
            on_error=self._refused,
            success=self._done,
        )  # fmt: skip

    def _refused(self, exc: BaseException) -> bool:
        """A refusal is shown beside the field it is about."""
        if not isinstance(exc, DomainError):
            return False
        field = FIELD_OF.get(exc.code, "price" if exc.code.startswith("amount.") else "name")
        self.form.set_error(field, exc.message(self.ctx.core_lang))
        return True

    def _done(self, slip) -> None:
        self.accept()
        self.done.emit(slip)

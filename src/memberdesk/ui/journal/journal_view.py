"""The sales journal (销售记录): every sale of the till, member or walk-in, newest first.

Scanning a receipt's barcode into the box (or typing its number, then Enter) opens that
sale; the filters find sales by day, amount, member and cashier. From an open sale the
cashier refunds it, whole or some lines (the refund dialog of the members view, with a
manager's PIN for a cashier, inside the open shift), or reprints its receipt (marked 重印).
Shift+F11 from anywhere in the window, Ctrl+5 as a tab.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...core.printing.layout import sale_receipt
from ...core.shop.staff import list_staff
from ...core.till.journal import (
    JournalPage,
    JournalSale,
    SaleQuery,
    find_sales,
    journal_sale,
    parse_day,
)
from ..context import SALES, STAFF, AppContext, Change
from ..i18n import tr
from ..members.refund_dialog import RefundDialog, shop_now
from ..ops import run_op
from ..printing import paper, send_slip
from ..start.opening_float import no_shift_text, within_shift
from ..texts import list_time, money, tender_ways, tenders_text
from ..widgets.fields import MessageBar, MoneyEdit, set_role
from ..widgets.tables import ReadOnlyTable
from .sale_detail import SaleDetail


class JournalView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: QWidget | None = None  # the dialog opened last (tests look here)
        self.page: JournalPage | None = None
        self.query = SaleQuery()
        self._stale = True
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)  # the two tables' columns need the room at 1366
        self.scan = QLineEdit(self)
        self.scan.setObjectName("journal_scan")
        self.scan.setPlaceholderText(
            tr("Scan the receipt's barcode or type its number, then Enter")
        )
        font = self.scan.font()
        font.setPointSize(font.pointSize() + 4)
        self.scan.setFont(font)
        self.scan.returnPressed.connect(self.open_scanned)
        outer.addWidget(self.scan)
        outer.addLayout(self._filters())
        self.bar = MessageBar(self)
        outer.addWidget(self.bar)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(split)
        col = QVBoxLayout(left)
        col.setContentsMargins(0, 0, 0, 0)
        self.table = ReadOnlyTable(
            [tr("Receipt"), tr("Time"), tr("Total"), tr("Refunded"), tr("Member"), tr("Cashier"),
             tr("Paid by")], left, name="journal_table",
        )  # fmt: skip
        self.table.itemSelectionChanged.connect(self._picked)
        col.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.count = QLabel(left)
        self.count.setObjectName("journal_count")
        set_role(self.count, "muted")
        row.addWidget(self.count, 1)
        self.more = QPushButton(tr("Show older sales"), left)
        self.more.setObjectName("journal_more")
        self.more.clicked.connect(self.show_more)
        row.addWidget(self.more)
        col.addLayout(row)
        split.addWidget(left)
        self.detail = SaleDetail(split)
        self.detail.refund_requested.connect(self.refund)
        self.detail.reprint_requested.connect(self.reprint)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([745, 595])
        outer.addWidget(split, 1)
        ctx.changed.connect(self._on_change)
        self.setFocusProxy(self.scan)

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()

        def field(label: str, widget: QWidget, name: str, width: int = 0) -> None:
            widget.setObjectName(name)
            if width:
                widget.setMaximumWidth(width)
            if isinstance(widget, QLineEdit):
                widget.returnPressed.connect(self.search)
            row.addWidget(QLabel(label, self))
            row.addWidget(widget)

        self.day_from = QLineEdit(self)
        self.day_from.setPlaceholderText(tr("YYYY-MM-DD"))
        field(tr("Days"), self.day_from, "journal_from", 110)
        self.day_to = QLineEdit(self)
        self.day_to.setPlaceholderText(tr("YYYY-MM-DD"))
        field(tr("to"), self.day_to, "journal_to", 110)
        self.amount = MoneyEdit(self)
        field(tr("Amount"), self.amount, "journal_amount", 90)
        self.amount_to = MoneyEdit(self)
        field(tr("to"), self.amount_to, "journal_amount_to", 90)
        self.member = QLineEdit(self)
        self.member.setPlaceholderText(tr("card, phone, name"))
        # wide enough to read what it takes: at 150 px it read 卡号、手机号、…
        hint = self.member.fontMetrics().horizontalAdvance(self.member.placeholderText()) + 24
        field(tr("Member"), self.member, "journal_member", max(150, hint))
        self.member.setMinimumWidth(max(150, hint))
        self.walk_in = QCheckBox(tr("Walk-ins only"), self)
        self.walk_in.setObjectName("journal_walk_in")
        row.addWidget(self.walk_in)
        self.cashier = QComboBox(self)
        self._fill_cashiers()
        field(tr("Cashier"), self.cashier, "journal_cashier")
        self.find_button = QPushButton(tr("Find"), self)
        self.find_button.setObjectName("journal_find")
        set_role(self.find_button, "primary")
        self.find_button.clicked.connect(self.search)
        row.addWidget(self.find_button)
        clear = QPushButton(tr("Clear"), self)
        clear.setObjectName("journal_clear")
        clear.clicked.connect(self.clear_filters)
        row.addWidget(clear)
        row.addStretch(1)
        return row

    def _fill_cashiers(self) -> None:
        chosen = self.cashier.currentData()
        self.cashier.clear()
        self.cashier.addItem(tr("Everyone"), "")
        for info in list_staff(self.ctx.store, include_inactive=True):
            self.cashier.addItem(info.name, info.name)
        self.cashier.setCurrentIndex(max(0, self.cashier.findData(chosen or "")))

    # ------------------------------------------------------------------ finding
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.reload()
        self.focus_scan()

    def focus_scan(self) -> None:
        self.scan.setFocus()
        self.scan.selectAll()

    def _typed_query(self) -> SaleQuery:
        """What the filters say (a day or an amount that cannot be read is refused)."""
        low = self.amount.fen() if self.amount.text().strip() else None
        high = self.amount_to.fen() if self.amount_to.text().strip() else None
        exact = low if high is None else None
        first, last = parse_day(self.day_from.text()), parse_day(self.day_to.text())
        if last is None:  # one day typed alone is that day, as one amount is that amount
            last = first
        return SaleQuery(
            day_from=first, day_to=last,
            amount=exact, amount_min=low if high is not None else None, amount_max=high,
            member=self.member.text(), walk_in=self.walk_in.isChecked(),
            cashier=self.cashier.currentData() or "",
        )  # fmt: skip

    def search(self) -> None:
        def run() -> JournalPage:
            query = self._typed_query()
            page = find_sales(self.ctx.store, query)
            self.query = query
            return page

        run_op(self.ctx, run, bar=self.bar, success=self._show_page)

    def reload(self) -> None:
        """The current filters' first page again (a sale or a refund was made meanwhile);
        what the bar says about that act stays."""
        self._stale = False
        run_op(self.ctx, lambda: find_sales(self.ctx.store, self.query), bar=self.bar,
               success=lambda page: self._show_page(page, said=False))  # fmt: skip

    def clear_filters(self) -> None:
        for edit in (self.day_from, self.day_to, self.amount, self.amount_to, self.member):
            edit.clear()
        self.walk_in.setChecked(False)
        self.cashier.setCurrentIndex(0)
        self.query = SaleQuery()
        self.reload()

    def _show_page(self, page: JournalPage, *, append: bool = False, said: bool = True) -> None:
        """`said`: the page answers what the person asked, so an earlier message goes."""
        if said:
            self.bar.clear_message()
        rows = [*(self.page.rows if append and self.page else ()), *page.rows]
        self.page = JournalPage(tuple(rows), page.next, page.members)
        # read whole on a 1366-wide screen, a refunded amount in 已退 too: the time without
        # this year (03-10 10:00), the ways paid without their amounts (银行卡、微信; the
        # amounts are in the sale opened beside, and in the cell's tip)
        year = shop_now(self.ctx).year
        self.table.fill(
            [[r.receipt_no, list_time(r.local_time, year), money(r.total),
              money(r.refunded_total) if r.refunded_total else "",
              f"{r.member_name} {r.card_no}" if r.member_id else tr("walk-in"), r.cashier,
              tender_ways(r.tenders)]
             for r in rows], [r.sale_id for r in rows], numeric=(2, 3),
        )  # fmt: skip
        for n, r in enumerate(rows):
            self.table.item(n, 6).setToolTip(tenders_text(r.tenders))
        self.more.setEnabled(page.next is not None)
        if not rows:
            self.count.setText(tr("No sale matches"))
        elif page.next is not None:
            self.count.setText(tr("Newest %1 shown").replace("%1", str(len(rows))))
        else:
            self.count.setText(tr("%1 sales").replace("%1", str(len(rows))))
        current = self.detail.sale
        if current is not None:  # keep the open sale open, with what happened to it since
            self.open_sale(current.sale.sale_id, said=False)

    def show_more(self) -> None:
        page = self.page
        if page is None or page.next is None:
            return
        run_op(self.ctx, lambda: find_sales(self.ctx.store, self.query, after=page.next),
               bar=self.bar, success=lambda more: self._show_page(more, append=True))  # fmt: skip

    def _picked(self) -> None:
        sale_id = self.table.selected_key()
        if sale_id is not None and (
            self.detail.sale is None or self.detail.sale.sale.sale_id != sale_id
        ):
            self.open_sale(sale_id)

    # ------------------------------------------------------------------ one sale
    def open_scanned(self) -> None:
        text = self.scan.text()

        def opened(js: JournalSale) -> None:
            self.scan.clear()
            self._show_sale(js)

        def refused(_exc: BaseException) -> bool:
            self.scan.selectAll()  # the next scan replaces what was read
            return False

        run_op(self.ctx, lambda: journal_sale(self.ctx.store, text), bar=self.bar,
               on_error=refused, success=opened)  # fmt: skip

    def open_sale(self, sale_id: str, *, said: bool = True) -> None:
        run_op(self.ctx, lambda: journal_sale(self.ctx.store, sale_id), bar=self.bar,
               success=lambda js: self._show_sale(js, said=said))  # fmt: skip

    def _show_sale(self, js: JournalSale, *, said: bool = True) -> None:
        if said:
            self.bar.clear_message()
        self.detail.show_sale(js, this_year=shop_now(self.ctx).year)
        keys = self.table.keys
        if js.sale.sale_id in keys:
            row = keys.index(js.sale.sale_id)
            if self.table.selected_key() != js.sale.sale_id:
                self.table.blockSignals(True)
                self.table.selectRow(row)
                self.table.blockSignals(False)

    def _in_shift(self, what: str, proceed: Callable[[], None]) -> None:
        """Money back: inside the open shift, or after the opening float is counted."""
        if self.ctx.shift_id is not None:
            proceed()
            return
        self.bar.error(no_shift_text(what))

        def opened() -> None:
            self.bar.notice(tr("Shift opened"))
            proceed()

        self.dialog = within_shift(self.ctx, self, what, opened)

    def refund(self) -> None:
        js = self.detail.sale
        if js is None:
            return
        sale_id = js.sale.sale_id

        def opened(dialog: RefundDialog) -> None:
            dialog.done.connect(lambda r: self.bar.notice(
                tr("Refunded %1 (%2)").replace("%1", money(r.amount)).replace("%2", r.receipt_no)))  # fmt: skip
            self.dialog = dialog
            dialog.open()

        def open_dialog() -> None:  # the sale is read again as the dialog is made
            run_op(self.ctx, lambda: RefundDialog(self.ctx, sale_id, self), bar=self.bar,
                   success=opened)  # fmt: skip

        self._in_shift(tr("refund"), open_dialog)

    def reprint(self) -> None:
        js = self.detail.sale
        if js is None:
            return
        s = js.sale
        slip = sale_receipt(s, paper(self.ctx), reprint=1, reprinted_at=shop_now(self.ctx))
        preview = send_slip(self.ctx, self, slip, tr("Receipt %1").replace("%1", s.receipt_no),
                            reprint_of=("sale", s.sale_id), on_error=self.bar.error)  # fmt: skip
        if preview is not None:
            self.dialog = preview
        else:
            self.bar.notice(tr("Reprinting %1").replace("%1", s.receipt_no))

    def _on_change(self, change: Change) -> None:
        if STAFF in change.topics:  # someone new may have rung up sales since
            self._fill_cashiers()
        if SALES not in change.topics:
            return
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

"""One sale as the journal opens it: its lines (with what came back), how it was paid, its
refunds, and the two things to do with it: refund, reprint."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from ...core.till.journal import JournalSale
from ..i18n import tr
from ..texts import discount_kind_name, list_time, money, tender_lines, tenders_text
from ..widgets.fields import set_role
from ..widgets.tables import ReadOnlyTable


class SaleDetail(QWidget):
    refund_requested = Signal()
    reprint_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sale: JournalSale | None = None
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        self.head = QLabel(self)
        self.head.setObjectName("journal_sale_head")
        self.head.setWordWrap(True)
        self.head.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        col.addWidget(self.head)
        self.lines = ReadOnlyTable(
            [tr("Item"), tr("Qty"), tr("Unit price"), tr("Discount"), tr("Amount"), tr("Returned")],
            self, name="journal_lines", stretch=0,
        )  # fmt: skip
        col.addWidget(self.lines, 3)
        self.totals = QLabel(self)
        self.totals.setObjectName("journal_totals")
        self.totals.setWordWrap(True)
        col.addWidget(self.totals)
        self.refunds_title = QLabel(tr("Refunds of this sale"), self)
        set_role(self.refunds_title, "muted")
        col.addWidget(self.refunds_title)
        # the money first (how much, and how it went back), whole: on a 1366-wide screen
        # the ways paid back were cut to "…" between the slip number and the time; the
        # ways one a line and the time without this year, so that who refunded and who
        # allowed it are read without scrolling sideways
        self.refunds = ReadOnlyTable(
            [tr("Refund slip"), tr("Amount"), tr("Paid back"), tr("Time"), tr("Cashier"),
             tr("Authorised by")], self, name="journal_refunds",
        )  # fmt: skip
        self.refunds.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # the last column stretched keeps the width it had when it began to stretch (a new
        # column's 100, past the right edge here): it begins at 40, what 授权人 needs
        header = self.refunds.horizontalHeader()
        header.setStretchLastSection(False)
        header.setDefaultSectionSize(40)
        header.setStretchLastSection(True)
        col.addWidget(self.refunds, 2)
        row = QHBoxLayout()
        self.refund_button = QPushButton(tr("Refund…"), self)
        self.refund_button.setObjectName("journal_refund")
        self.refund_button.clicked.connect(self.refund_requested)
        row.addWidget(self.refund_button)
        self.reprint_button = QPushButton(tr("Reprint receipt"), self)
        self.reprint_button.setObjectName("journal_reprint")
        self.reprint_button.clicked.connect(self.reprint_requested)
        row.addWidget(self.reprint_button)
        row.addStretch(1)
        col.addLayout(row)
        self.show_sale(None)

    def show_sale(self, js: JournalSale | None, *, this_year: int = 0) -> None:
        """`this_year`: the shop's current year (its refunds' times are shown without it)."""
        self.sale = js
        self.refund_button.setEnabled(js is not None and js.refundable)
        self.reprint_button.setEnabled(js is not None)
        if js is None:
            self.head.setText(tr("Scan a receipt, or choose a sale in the list."))
            self.lines.fill([])
            self.refunds.fill([])
            self.totals.setText("")
            return
        s = js.sale
        who = (
            tr("member %1 (card %2)").replace("%1", js.member_name or s.member.name)
            .replace("%2", s.member.card_no)
            if s.member is not None
            else tr("walk-in customer")
        )  # fmt: skip
        self.head.setText(
            tr("Receipt %1 · %2 · cashier %3 · %4")
            .replace("%1", s.receipt_no).replace("%2", s.local_time.strftime("%Y-%m-%d %H:%M"))
            .replace("%3", s.cashier or "—").replace("%4", who)
        )  # fmt: skip
        self.lines.fill(
            [[ln.description, ln.quantity, money(ln.unit_price),
              "；".join(f"{discount_kind_name(kind)} {money(-fen)}"
                       for kind, fen in s.line_discounts(ln)),
              money(ln.amount), ln.refunded_qty or ""] for ln in s.lines],
            [ln.no for ln in s.lines], numeric=(1, 2, 4, 5),
        )  # fmt: skip
        totals = (
            tr("Subtotal %1 · discounts %2 · total %3 · paid by %4")
            .replace("%1", money(s.subtotal)).replace("%2", money(s.discount_total))
            .replace("%3", money(s.total)).replace("%4", tenders_text(s.tenders))
        )  # fmt: skip
        if s.change:
            totals += (
                tr(" (cash received %1, change %2)")
                .replace("%1", money(s.cash_tendered))
                .replace("%2", money(s.change))
            )
        if s.refunded_total:
            totals += tr(" · refunded %1").replace("%1", money(s.refunded_total))
        self.totals.setText(totals)
        self.refunds.fill(
            [[r.receipt_no, money(r.amount), tender_lines(r.tenders),
              list_time(r.local_time, this_year), r.cashier, r.authorised_by]
             for r in js.refunds],
            [r.refund_id for r in js.refunds], numeric=(1,),
        )  # fmt: skip

"""A member's history: sales (refund from here), points ledger, stored-value ledger (reverse
a top-up from here), count cards, calls."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTabWidget, QVBoxLayout, QWidget

from ...core.till.count_cards import member_card_history
from ...core.till.history import call_history, member_sales, points_history, wallet_history
from ..context import AppContext
from ..i18n import tr
from ..texts import (
    call_outcome_name,
    count_card_kind_name,
    list_kind_name,
    money,
    points_kind_name,
    tenders_text,
    wallet_kind_name,
)
from ..widgets.tables import ReadOnlyTable


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def _signed_money(fen: int) -> str:
    return f"+{money(fen)}" if fen > 0 else money(fen)


class HistoryTabs(QTabWidget):
    refund_requested = Signal(str)  # sale id
    reprint_requested = Signal(str)  # sale id
    reversal_requested = Signal(object)  # WalletRow of a top-up

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("history_tabs")
        self.member_id: str | None = None
        sales_page = QWidget(self)
        col = QVBoxLayout(sales_page)
        col.setContentsMargins(0, 0, 0, 0)
        self.sales = ReadOnlyTable(
            [tr("Receipt"), tr("Time"), tr("Total"), tr("Refunded"), tr("Points"), tr("Paid by"), tr("Cashier")],
            sales_page, name="sales_table",
        )  # fmt: skip
        self.sales.itemSelectionChanged.connect(self._sale_picked)
        col.addWidget(self.sales)
        row = QHBoxLayout()
        self.refund_button = QPushButton(tr("Refund the chosen sale…"), sales_page)
        self.refund_button.setObjectName("refund_sale")
        self.refund_button.clicked.connect(self._refund)
        row.addWidget(self.refund_button)
        self.reprint_button = QPushButton(tr("Reprint receipt"), sales_page)
        self.reprint_button.setObjectName("reprint_sale")
        self.reprint_button.clicked.connect(self._reprint)
        row.addWidget(self.reprint_button)
        row.addStretch(1)
        col.addLayout(row)
        self._sale_picked()
        self.addTab(sales_page, tr("Sales"))
        self.points = ReadOnlyTable(
            [tr("Time"), tr("What"), tr("Points"), tr("Balance"), tr("Receipt"), tr("Note")], self,
            name="points_table",
        )  # fmt: skip
        self.addTab(self.points, tr("Points ledger"))
        wallet_page = QWidget(self)
        col = QVBoxLayout(wallet_page)
        col.setContentsMargins(0, 0, 0, 0)
        self.wallet = ReadOnlyTable(
            [tr("Time"), tr("What"), tr("Stored"), tr("Bonus"), tr("Stored after"), tr("Bonus after"),
             tr("Receipt")], wallet_page, name="wallet_table",
        )  # fmt: skip
        self.wallet.itemSelectionChanged.connect(self._wallet_picked)
        col.addWidget(self.wallet)
        row = QHBoxLayout()
        self.reverse_button = QPushButton(tr("Reverse the chosen top-up…"), wallet_page)
        self.reverse_button.setObjectName("reverse_topup")
        self.reverse_button.clicked.connect(self._reverse)
        row.addWidget(self.reverse_button)
        row.addStretch(1)
        col.addLayout(row)
        self.addTab(wallet_page, tr("Stored-value ledger"))
        self.cards = ReadOnlyTable(
            [tr("Date"), tr("Count card"), tr("What"), tr("Visits"), tr("Visits left"), tr("Money"),
             tr("Receipt")], self, name="count_cards_history",
        )  # fmt: skip
        self.addTab(self.cards, tr("Count cards"))
        self.calls = ReadOnlyTable([tr("Time"), tr("By"), tr("List"), tr("Outcome"), tr("Note")], self,
                                   name="calls_table")  # fmt: skip
        self.addTab(self.calls, tr("Call log"))

    def show_member(self, member_id: str | None) -> None:
        self.member_id = member_id
        if member_id is None:
            for table in (self.sales, self.points, self.wallet, self.cards, self.calls):
                table.fill([])
            self._sale_picked()
            self._wallet_picked()
            return
        store = self.ctx.store
        sales = member_sales(store, member_id)
        self.sales.fill(
            [[s.receipt_no, s.local_time.strftime("%Y-%m-%d %H:%M"), money(s.total),
              money(s.refunded_total) if s.refunded_total else "", _signed(s.points_earned - s.points_redeemed),
              tenders_text(s.tenders), s.cashier] for s in sales],
            [s.sale_id for s in sales], numeric=(2, 3, 4),
        )  # fmt: skip
        self._sale_picked()
        points = points_history(store, member_id)
        self.points.fill(
            [[p.local_time.strftime("%Y-%m-%d %H:%M"), points_kind_name(p.kind), _signed(p.delta),
              p.balance_after, p.receipt_no, p.note] for p in points], numeric=(2, 3),
        )  # fmt: skip
        wallet = wallet_history(store, member_id)
        self.wallet.fill(
            [[w.local_time.strftime("%Y-%m-%d %H:%M"), wallet_kind_name(w.kind), _signed_money(w.principal_delta),
              _signed_money(w.bonus_delta), money(w.principal_after), money(w.bonus_after), w.receipt_no]
             for w in wallet], wallet, numeric=(2, 3, 4, 5),
        )  # fmt: skip
        self._wallet_picked()
        self.cards.fill(
            [[f"{e.business_date:%Y-%m-%d}", e.card_name, count_card_kind_name(e.kind), _signed(e.delta),
              f"{e.left_after}/{e.counts}", money(e.amount) if e.amount else "", e.receipt_no]
             for e in member_card_history(store, member_id)], numeric=(3, 4, 5),
        )  # fmt: skip
        calls = call_history(store, member_id)
        self.calls.fill(
            [[c.local_time.strftime("%Y-%m-%d %H:%M"), c.staff_name, list_kind_name(c.list_kind),
              call_outcome_name(c.outcome), c.note] for c in calls]
        )  # fmt: skip

    def _sale_picked(self) -> None:
        """Refunding and reprinting are about the chosen sale: without one they are off."""
        chosen = self.sales.selected_key() is not None
        self.refund_button.setEnabled(chosen)
        self.reprint_button.setEnabled(chosen)

    def _refund(self) -> None:
        sale_id = self.sales.selected_key()
        if sale_id is not None:
            self.refund_requested.emit(sale_id)

    def _wallet_picked(self) -> None:
        row = self.wallet.selected_key()
        self.reverse_button.setEnabled(row is not None and row.kind == "topup")

    def _reverse(self) -> None:
        row = self.wallet.selected_key()
        if row is not None and row.kind == "topup":
            self.reversal_requested.emit(row)

    def _reprint(self) -> None:
        sale_id = self.sales.selected_key()
        if sale_id is not None:
            self.reprint_requested.emit(sale_id)

"""The day's summary and the shift close (交班): count the drawer, see the difference, print the slip."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.printing.slips import SlipContext, shift_slip
from ...core.shop.details import get_shop
from ...core.till.shifts import ShiftSummary, close_shift, shift_summary
from ...core.till.totals import DayTotals, terminal_day_totals
from ..context import SHIFT, AppContext, Change
from ..i18n import tr
from ..members.refund_dialog import shop_now
from ..ops import run_op
from ..printing import paper, send_slip
from ..texts import money, tenders_text
from ..widgets.fields import InlineForm, MessageBar, MoneyEdit, set_role


def summary_lines(s: ShiftSummary) -> list[tuple[str, str]]:
    rows = [
        (tr("Opening float"), money(s.opening_float)),
        (tr("Sales"), f"{s.sales_count} · {money(s.sales_total)}"),
        (tr("Sales by tender"), tenders_text(s.sales_by_tender)),
        (tr("Refunds"), f"{s.refunds_count} · {tenders_text(s.refunds_by_tender)}"),
        (
            tr("Top-ups"),
            tr("%1 · bonus %2")
            .replace("%1", tenders_text(s.topups_by_tender))
            .replace("%2", money(s.topup_bonus)),
        ),
        (tr("Stored value paid out"), money(s.cashouts)),
        (tr("Points earned / redeemed"), f"{s.points_earned} / {s.points_redeemed}"),
        (tr("New members"), str(s.new_members)),
        (tr("Cash expected in the drawer"), money(s.expected_cash)),
    ]
    if s.counted_cash is not None:
        rows.append((tr("Cash counted"), money(s.counted_cash)))
        rows.append((tr("Difference"), money(s.difference or 0)))
    return rows


class ShiftPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.last_close: ShiftSummary | None = None
        self.dialog: QWidget | None = None
        outer = QHBoxLayout(self)
        left = QGroupBox(tr("My shift"), self)
        col = QVBoxLayout(left)
        self.bar = MessageBar(left)
        col.addWidget(self.bar)
        self.shift_text = QLabel(left)
        self.shift_text.setObjectName("shift_summary")
        self.shift_text.setWordWrap(True)
        col.addWidget(self.shift_text)
        self.form = InlineForm(left)
        self.counted = self.form.add("counted", tr("Cash counted (yuan)"), MoneyEdit(left))
        self.counted.setObjectName("counted_cash")
        self.counted.returnPressed.connect(self.close_shift)
        self.next_float = self.form.add(
            "next", tr("Float left for the next shift (yuan)"), MoneyEdit(left)
        )
        self.next_float.setObjectName("next_float")
        col.addWidget(self.form)
        self.carry_on = QCheckBox(tr("I stay on: open my next shift with that float"), left)
        col.addWidget(self.carry_on)
        self.close_button = QPushButton(tr("Close shift and print the slip"), left)
        self.close_button.setObjectName("close_shift")
        set_role(self.close_button, "primary")
        self.close_button.clicked.connect(self.close_shift)
        col.addWidget(self.close_button)
        col.addStretch(1)
        outer.addWidget(left, 1)
        right = QGroupBox(tr("Today, all cashiers"), self)
        rcol = QVBoxLayout(right)
        self.day_text = QLabel(right)
        self.day_text.setObjectName("day_summary")
        self.day_text.setWordWrap(True)
        rcol.addWidget(self.day_text)
        rcol.addStretch(1)
        outer.addWidget(right, 1)
        ctx.changed.connect(self._on_change)

    def _on_change(self, change: Change) -> None:
        if SHIFT in change.topics and self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self.refresh()  # money taken while the page was hidden (the members view, the till)

    @staticmethod
    def _table(rows: list[tuple[str, str]]) -> str:
        cells = "".join(f"<tr><td>{k}</td><td align='right'><b>{v}</b></td></tr>" for k, v in rows)
        return f"<table cellspacing='6'>{cells}</table>"

    def refresh(self) -> None:
        shift_id = self.ctx.shift_id
        if shift_id is None:
            self.shift_text.setText(tr("No shift is open."))
            self.close_button.setEnabled(False)
        else:
            s = shift_summary(self.ctx.store, shift_id, self.ctx.actor.name)
            self.shift_text.setText(self._table(summary_lines(s)))
            self.close_button.setEnabled(True)
        self.day_text.setText(self._table(self._day_lines(terminal_day_totals(self.ctx.store))))

    def _day_lines(self, d: DayTotals) -> list[tuple[str, str]]:
        return [
            (tr("Business day"), d.day.isoformat()),
            (tr("Sales"), f"{d.sales_count} · {money(d.gross)}"),
            (tr("Of which members"), f"{d.member_sales_count} · {money(d.member_gross)}"),
            (tr("Discounts given"), money(d.discounts)),
            (tr("Sales by tender"), tenders_text(d.tenders)),
            (tr("Refunds"), f"{d.refunds_count} · {money(d.refunds_amount)}"),
            (tr("Top-ups"), f"{d.topups_count} · {tenders_text(d.topup_tenders)}"),
            (tr("Points earned / redeemed"), f"{d.points_earned} / {d.points_spent}"),
            (tr("New members"), str(d.new_members)),
        ]

    def close_shift(self) -> None:
        shift_id = self.ctx.shift_id
        if shift_id is None:
            return

        def close() -> ShiftSummary:
            counted = self.counted.fen()
            next_float = self.next_float.fen() if self.carry_on.isChecked() else None
            return close_shift(
                self.ctx.store, self.ctx.actor, shift_id, counted, next_float=next_float
            )

        run_op(self.ctx, close, show=lambda text: self.form.set_error("counted", text),
               success=self._closed)  # fmt: skip

    def _closed(self, summary: ShiftSummary) -> None:
        self.form.clear_errors()
        self.last_close = summary
        context = SlipContext(get_shop(self.ctx.store), shop_now(self.ctx), self.ctx.actor.name)
        opened = summary.opened_at  # naive UTC; the slip shows it as given
        slip = shift_slip(summary, context, paper(self.ctx), self.ctx.shop_time(opened))
        self.dialog = send_slip(
            self.ctx, self, slip, tr("Shift slip"), result=summary, on_error=self.bar.error
        )
        self.shift_text.setText(self._table(summary_lines(summary)))
        self.bar.notice(
            tr("Shift closed; difference %1").replace("%1", money(summary.difference or 0)), 0
        )
        self.ctx.set_shift(summary.next_shift_id)
        self.close_button.setEnabled(summary.next_shift_id is not None)

"""The shift close (交班): a blind count of the drawer, the difference, the hand-over and
the slip; beside it, for a manager or the owner, the day so far and the threshold above
which a difference needs a note.

Blind: before the count is typed, the page shows nothing from which the cash expected
could be worked out (core's `shift_progress`); the expected cash appears with the
difference once the count is in.
"""

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

from ...core.errors import DomainError
from ...core.printing.documents import load_slip
from ...core.printing.slips import SlipContext, shift_slip
from ...core.shop.details import get_shop
from ...core.till.shift_settings import note_threshold, set_note_threshold
from ...core.till.shifts import (
    CountCheck,
    ShiftProgress,
    ShiftSummary,
    check_count,
    close_shift,
    last_close,
    shift_progress,
)
from ...core.till.totals import DayTotals, terminal_day_totals
from ..context import SHIFT, SHOP, AppContext, Change
from ..i18n import tr
from ..members.authorise import with_authority
from ..members.refund_dialog import shop_now
from ..ops import run_op
from ..printing import paper, send_slip
from ..texts import money, tenders_text, when
from ..widgets.fields import InlineForm, MessageBar, MoneyEdit, set_role
from .shift_difference import DifferenceDialog, difference_role, difference_text, table_html


def points_lines(s: ShiftSummary | ShiftProgress) -> list[tuple[str, str]]:
    """The sales' points, then what the shift's refunds moved back of them (as the slip)."""
    rows = [(tr("Points earned / redeemed"), f"{s.points_earned} / {s.points_redeemed}")]
    if s.refunds_points_reversed or s.refunds_points_returned:
        rows.append((tr("Refunds: points taken back / returned"),
                     f"{s.refunds_points_reversed} / {s.refunds_points_returned}"))  # fmt: skip
    return rows


def progress_lines(p: ShiftProgress, opened: str) -> list[tuple[str, str]]:
    """What the page shows before the count: no amount that gives the expected cash away."""
    return [
        (tr("Cashier"), p.cashier),
        (tr("Opened at"), opened),
        (tr("Opening float"), money(p.opening_float)),
        (tr("Sales"), str(p.sales_count)),
        (tr("Refunds"), str(p.refunds_count)),
        *points_lines(p),
        (tr("New members"), str(p.new_members)),
    ]


def summary_lines(s: ShiftSummary, closed: str = "") -> list[tuple[str, str]]:
    """The whole close, once the count is in (`closed`: when, on the shop's clock)."""
    rows = [(tr("Cashier"), s.cashier)] if s.cashier else []
    if closed:
        rows.append((tr("Shift closed at"), closed))
    rows += [
        (tr("Opening float"), money(s.opening_float)),
        (tr("Sales"), f"{s.sales_count} · {money(s.sales_total)}"),
        (tr("Sales by tender"), tenders_text(s.sales_by_tender)),
        (tr("Refunds"), f"{s.refunds_count} · {money(s.refunds_total)}"),
        (tr("Refunds by tender"), tenders_text(s.refunds_returned)),
    ]
    if s.refunds_kept:
        rows.append((tr("Refunds: not given back"), money(s.refunds_kept)))
    topups = tenders_text(s.topups_by_tender)
    if s.topup_bonus:  # no top-ups read "—", as the other ways paid, not "— · bonus ¥0.00"
        topups = tr("%1 · bonus %2").replace("%1", topups).replace("%2", money(s.topup_bonus))
    rows += [
        (tr("Top-ups"), topups),
        (tr("Stored value paid out"), money(s.cashouts)),
        (tr("Count cards sold less refunded"), tenders_text(s.count_cards_by_tender)),
        *points_lines(s),
        (tr("New members"), str(s.new_members)),
        (tr("Cash expected in the drawer"), money(s.expected_cash)),
    ]
    if s.counted_cash is not None:
        rows.append((tr("Cash counted"), money(s.counted_cash)))
        rows.append((tr("Difference"), difference_text(s.difference or 0)))
        if s.note:
            rows.append((tr("Note"), s.note))
    if s.handover is not None and s.taken_out is not None:
        rows.append((tr("Left in the drawer for the next shift"), money(s.handover)))
        rows.append((tr("Taken out of the drawer"), money(s.taken_out)))
    return rows


class ShiftPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.last_close: ShiftSummary | None = None
        self.dialog: QWidget | None = None
        self._float_of: str | None = None  # the shift whose float the hand-over was set from
        outer = QHBoxLayout(self)
        left = self.left_box = QGroupBox(tr("My shift"), self)
        col = QVBoxLayout(left)
        self.bar = MessageBar(left)
        col.addWidget(self.bar)
        self.shift_text = QLabel(left)
        self.shift_text.setObjectName("shift_summary")
        self.shift_text.setWordWrap(True)
        col.addWidget(self.shift_text)
        self.blind_note = QLabel(
            tr("Count the cash in the drawer and type it: what the drawer should hold is "
               "shown once your count is in."), left)  # fmt: skip
        self.blind_note.setObjectName("blind_note")
        self.blind_note.setWordWrap(True)
        set_role(self.blind_note, "muted")
        col.addWidget(self.blind_note)
        self.form = InlineForm(left)
        self.counted = self.form.add("counted", tr("Cash counted (yuan)"), MoneyEdit(left))
        self.counted.setObjectName("counted_cash")
        self.counted.returnPressed.connect(self.close_shift)
        self.handover = self.form.add(
            "handover", tr("Leave in the drawer for the next shift (yuan)"), MoneyEdit(left)
        )
        self.handover.setObjectName("handover")
        self.handover.returnPressed.connect(self.close_shift)
        col.addWidget(self.form)
        self.carry_on = QCheckBox(
            tr("I stay on: open my next shift with the cash left in the drawer"), left
        )
        self.carry_on.setObjectName("carry_on")
        col.addWidget(self.carry_on)
        self.close_button = QPushButton(tr("Close shift and print the slip"), left)
        self.close_button.setObjectName("close_shift")
        set_role(self.close_button, "primary")
        self.close_button.clicked.connect(self.close_shift)
        col.addWidget(self.close_button)
        self.result = QLabel(left)
        self.result.setObjectName("shift_difference")
        self.result.hide()
        col.addWidget(self.result)
        # the slip again (the printer jammed, the owner wants the paper): the close on screen
        self.reprint_button = QPushButton(tr("Reprint the shift slip"), left)
        self.reprint_button.setObjectName("reprint_shift")
        self.reprint_button.clicked.connect(self.reprint)
        self.reprint_button.hide()
        col.addWidget(self.reprint_button)
        col.addStretch(1)
        outer.addWidget(left, 1)

        self.day = QGroupBox(tr("Today, all cashiers"), self)
        rcol = QVBoxLayout(self.day)
        self.day_text = QLabel(self.day)
        self.day_text.setObjectName("day_summary")
        self.day_text.setWordWrap(True)
        rcol.addWidget(self.day_text)
        rcol.addStretch(1)
        threshold_row = InlineForm(self.day)
        self.threshold_form = threshold_row
        self.threshold = threshold_row.add(
            "threshold", tr("A difference above this needs a note (yuan)"), MoneyEdit(self.day)
        )
        self.threshold.setObjectName("note_threshold")
        self.threshold.returnPressed.connect(self.save_threshold)
        rcol.addWidget(threshold_row)
        save = QPushButton(tr("Save"), self.day)
        save.setObjectName("save_threshold")
        save.clicked.connect(self.save_threshold)
        rcol.addWidget(save)
        # said under its button: in the shift's box it read as news of the shift
        self.day_bar = MessageBar(self.day)
        rcol.addWidget(self.day_bar)
        outer.addWidget(self.day, 1)
        for field, key in ((self.counted, "counted"), (self.handover, "handover")):
            field.textEdited.connect(lambda _t, key=key: self.form.set_error(key, ""))
        ctx.changed.connect(self._on_change)

    def _on_change(self, change: Change) -> None:
        if (SHIFT in change.topics or SHOP in change.topics) and self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self.refresh()  # money taken while the page was hidden (the members view, the till)

    def refresh(self) -> None:
        shift_id = self.ctx.shift_id
        open_shift = shift_id is not None
        for widget in (self.form, self.carry_on, self.close_button, self.blind_note):
            widget.setVisible(open_shift)
        progress = None
        if shift_id is not None:
            progress = shift_progress(self.ctx.store, shift_id, self.ctx.actor.name)
        closed = self.last_close
        if closed is not None and shift_id in (None, closed.next_shift_id):
            pass  # the close just made stays on screen (and the shift carried on, if any)
        elif progress is None:
            # no shift open: the latest close of this till, with its difference, for the
            # owner coming in later and for a slip to be printed again
            latest = last_close(self.ctx.store)
            if latest is None:
                self.left_box.setTitle(tr("My shift"))
                self.shift_text.setText(tr("No shift is open."))
            else:
                self.show_close(latest)
        else:
            opened = when(self.ctx.shop_time(progress.opened_at))
            self.shift_text.setText(table_html(progress_lines(progress, opened)))
            self.result.hide()
            self.reprint_button.hide()
            self.left_box.setTitle(tr("My shift"))
            self.last_close = None
        if progress is not None and self._float_of != progress.shift_id:
            # a fresh shift: what it leaves for the next one starts as its own float
            self._float_of = progress.shift_id
            self.handover.set_fen(progress.opening_float)
            self.counted.clear()
        privileged = self.ctx.session is not None and self.ctx.actor.privileged
        self.day.setVisible(privileged)  # the day's takings: a manager's or the owner's
        if privileged:
            self.day_text.setText(table_html(self._day_lines(terminal_day_totals(self.ctx.store))))
            self.threshold.set_fen(note_threshold(self.ctx.store))

    def _day_lines(self, d: DayTotals) -> list[tuple[str, str]]:
        return [
            (tr("Business day"), d.day.isoformat()),
            (tr("Sales"), f"{d.sales_count} · {money(d.gross)}"),
            (tr("Of which members"), f"{d.member_sales_count} · {money(d.member_gross)}"),
            (tr("Discounts given"), money(d.discounts)),
            (tr("Sales by tender"), tenders_text(d.tenders)),
            (tr("Refunds"), f"{d.refunds_count} · {money(d.refunds_amount)}"),
            (
                tr("Top-ups"),
                f"{d.topups_count} · {tenders_text(d.topup_tenders)}"
                if d.topups_count
                else f"0 · {money(0)}",
            ),  # as the refunds: not "0 · —"
            (tr("Points earned / redeemed"), f"{d.points_earned} / {d.points_spent}"),
            (tr("New members"), str(d.new_members)),
        ]

    # ------------------------------------------------------------------ the count
    def _amounts(self) -> tuple[int, int] | None:
        """The count and the hand-over as typed, or None with the problem beside its field."""
        if not self.counted.text().strip():
            self.form.set_error("counted", tr("Count the drawer and type what it holds"))
            self.counted.setFocus()
            return None
        values = []
        for key, field in (("counted", self.counted), ("handover", self.handover)):
            try:
                values.append(field.fen())
            except DomainError as exc:
                self.form.set_error(key, exc.message(self.ctx.core_lang))
                return None
        return values[0], values[1]

    def close_shift(self) -> None:
        shift_id = self.ctx.shift_id
        if shift_id is None:
            return
        amounts = self._amounts()
        if amounts is None:
            return
        counted, handover = amounts
        self.form.clear_errors()

        def refused(exc: BaseException) -> bool:
            if isinstance(exc, DomainError) and exc.code == "shift.handover_over":
                self.form.set_error("handover", exc.message(self.ctx.core_lang))
                return True
            return False

        run_op(self.ctx, lambda: check_count(self.ctx.store, shift_id, counted, handover),
               show=lambda text: self.form.set_error("counted", text), on_error=refused,
               success=lambda check: self._counted(shift_id, check))  # fmt: skip

    def _counted(self, shift_id: str, check: CountCheck) -> None:
        if not check.needs_note:
            self._close(shift_id, check, "")
            return
        dialog = DifferenceDialog(check, self)
        dialog.confirmed.connect(lambda note: self._close(shift_id, check, note))
        dialog.rejected.connect(self._count_again)
        self.dialog = dialog
        dialog.open()

    def _count_again(self) -> None:
        self.counted.setFocus()
        self.counted.selectAll()

    def _close(self, shift_id: str, check: CountCheck, note: str) -> None:
        next_float = check.handover if self.carry_on.isChecked() else None

        def close() -> ShiftSummary:
            return close_shift(self.ctx.store, self.ctx.actor, shift_id, check.counted,
                               handover=check.handover, next_float=next_float, note=note)  # fmt: skip

        run_op(self.ctx, close, show=lambda text: self.form.set_error("counted", text),
               success=self._closed)  # fmt: skip

    def show_close(self, summary: ShiftSummary) -> None:
        """A closed shift on the page: the whole close, its difference in its colour."""
        self.last_close = summary
        closed = when(self.ctx.shop_time(summary.closed_at)) if summary.closed_at else ""
        self.shift_text.setText(table_html(summary_lines(summary, closed)))
        difference = summary.difference or 0
        self.result.setText(difference_text(difference))
        set_role(self.result, difference_role(difference))
        self.result.show()
        self.reprint_button.show()
        self.left_box.setTitle(tr("Last shift closed"))

    def reprint(self) -> None:
        """The close on screen printed again, marked 重印."""
        summary = self.last_close
        if summary is None:
            return
        with self.ctx.store.read() as s:
            slip = load_slip(s, "shift", summary.shift_id, paper(self.ctx),
                             now=self.ctx.store.now(), reprint=1)  # fmt: skip
        preview = send_slip(self.ctx, self, slip, tr("Shift slip"),
                            reprint_of=("shift", summary.shift_id), on_error=self.bar.error)  # fmt: skip
        if preview is not None:
            self.dialog = preview
        else:
            self.bar.notice(tr("Reprinting the shift slip"))

    def _closed(self, summary: ShiftSummary) -> None:
        self.form.clear_errors()
        context = SlipContext(get_shop(self.ctx.store), shop_now(self.ctx), self.ctx.actor.name)
        opened = summary.opened_at  # naive UTC; the slip shows it as given
        slip = shift_slip(summary, context, paper(self.ctx), self.ctx.shop_time(opened))
        self.show_close(summary)
        difference = summary.difference or 0
        self.bar.notice(tr("Shift closed; %1").replace("%1", difference_text(difference)), 0)
        self.counted.clear()
        self.ctx.set_shift(summary.next_shift_id)
        self.dialog = send_slip(
            self.ctx, self, slip, tr("Shift slip"), result=summary, on_error=self.bar.error
        )

    # ------------------------------------------------------------------ the threshold
    def save_threshold(self) -> None:
        try:
            fen = self.threshold.fen()
        except DomainError as exc:
            self.threshold_form.set_error("threshold", exc.message(self.ctx.core_lang))
            return

        def save(authoriser) -> None:
            run_op(self.ctx, lambda: set_note_threshold(self.ctx.store, self.ctx.actor, fen,
                                                        authoriser=authoriser),
                   show=lambda text: self.threshold_form.set_error("threshold", text),
                   success=lambda saved: self._threshold_saved(saved))  # fmt: skip

        self.dialog = with_authority(self.ctx, self, "shift_settings", save)

    def _threshold_saved(self, fen: int) -> None:
        self.threshold_form.clear_errors()
        self.day_bar.notice(tr("A difference above %1 now needs a note").replace("%1", money(fen)))

"""The day-end report (日结) of any day, for the manager and the owner: pick the day, read it,
print it on the receipt printer, save it as an A4 PDF.

The figures and their words are core's (core.till.day_report, core.printing.day_report);
the page shows the same sections, in the same order, as the slip and the PDF.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.money import format_fen
from ...core.printing.day_report import TITLE, day_slip, report_sections
from ...core.till.day_report import DayReport, day_report
from ...core.till.history import today
from ..context import SALES, SHIFT, AppContext, Change
from ..i18n import tr
from ..ops import run_op
from ..printing import paper, send_slip
from ..texts import core_text
from ..widgets.fields import MessageBar, set_role
from ..widgets.file_dialogs import save_file
from ..widgets.tables import ReadOnlyTable
from ..worker import FILES, REPORT


class DayReportPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report: DayReport | None = None
        self.dialog: QWidget | None = None  # the preview opened last (tests look here)
        outer = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("Business day"), self))
        self.day = QDateEdit(self)
        self.day.setObjectName("report_day")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.dateChanged.connect(lambda _d: self.load())
        row.addWidget(self.day)
        steps = []
        for name, text, step in (("report_previous", tr("Day before"), -1),
                                 ("report_next", tr("Day after"), 1)):  # fmt: skip
            button = QPushButton(text, self)
            button.setObjectName(name)
            button.clicked.connect(
                lambda _c=False, step=step: self.day.setDate(self.day.date().addDays(step))
            )
            row.addWidget(button)
            steps.append(button)
        self.next_button = steps[1]  # off on today: no day after it has a report yet
        self.day.dateChanged.connect(lambda _d: self._steps())
        row.addStretch(1)
        self.print_button = QPushButton(tr("Print on the receipt printer"), self)
        self.print_button.setObjectName("report_print")
        set_role(self.print_button, "primary")
        self.print_button.clicked.connect(self.print_slip)
        row.addWidget(self.print_button)
        self.pdf_button = QPushButton(tr("Save as PDF…"), self)
        self.pdf_button.setObjectName("report_pdf")
        self.pdf_button.clicked.connect(self.save_pdf)
        row.addWidget(self.pdf_button)
        outer.addLayout(row)
        self.bar = MessageBar(self)
        outer.addWidget(self.bar)
        # Two columns of sections side by side: the whole day fits the screen.
        tables = QHBoxLayout()
        self.tables = []
        for name in ("report_table", "report_table_2"):
            table = ReadOnlyTable([tr("Figure"), tr("Value")], self, name=name, stretch=0)
            tables.addWidget(table, 1)
            self.tables.append(table)
        outer.addLayout(tables, 1)
        self._set_today(move=True)
        ctx.changed.connect(self._on_change)

    def _set_today(self, *, move: bool = False) -> None:
        """Today is the last day to choose, and the day shown when the page is built or,
        once past midnight, when today was the day shown (the page stays open for days:
        built before midnight, it could not show the new day's report)."""
        now = today(self.ctx.store)
        day = QDate(now.year, now.month, now.day)
        was_today = move or self.day.date() == self.day.maximumDate()
        self.day.blockSignals(True)
        self.day.setMaximumDate(day)
        if was_today:
            self.day.setDate(day)
        self.day.blockSignals(False)
        self._steps()

    def _steps(self) -> None:
        self.next_button.setEnabled(self.day.date() < self.day.maximumDate())

    def chosen_day(self) -> date:
        d = self.day.date()
        return date(d.year(), d.month(), d.day())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._set_today()
        self.load()  # the day may have moved on, or money been taken, while it was hidden

    def _on_change(self, change: Change) -> None:
        if (SALES in change.topics or SHIFT in change.topics) and self.isVisible():
            self.load()

    def load(self) -> None:
        store, actor, day = self.ctx.store, self.ctx.actor, self.chosen_day()
        self.print_button.setEnabled(False)
        self.pdf_button.setEnabled(False)
        run_op(self.ctx, lambda _progress: day_report(store, actor, day), slow=True,
               title=core_text(TITLE), kind=REPORT, bar=self.bar, success=self._show)  # fmt: skip

    def _show(self, report: DayReport) -> None:
        if report.day != self.chosen_day():
            return  # the day was changed again while this one was read
        self.report = report
        sections = report_sections(report, self.ctx.core_lang)
        half = sum(len(s.rows) + 1 for s in sections) / 2
        columns: list[list] = [[], []]
        for section in sections:
            side = columns[0] if sum(len(s.rows) + 1 for s in columns[0]) < half else columns[1]
            side.append(section)
        for table, side in zip(self.tables, columns, strict=True):
            self._fill(table, side)
        self.print_button.setEnabled(True)
        self.pdf_button.setEnabled(True)

    @staticmethod
    def _fill(table: ReadOnlyTable, sections: list) -> None:
        rows, strong = [], []
        for section in sections:
            if section.title:
                strong.append(len(rows))
                rows.append([section.title, ""])
            under = 1 if section.title else 0  # the head of the report has no title
            for r in section.rows:
                if r.strong:
                    strong.append(len(rows))
                value = format_fen(r.amount) if r.amount is not None else r.text
                rows.append(["\u3000" * (under + r.indent // 2) + r.label, value])
        table.fill(rows, numeric=(1,))
        for i in strong:
            for c in range(2):
                item = table.item(i, c)
                font = item.font()
                font.setBold(True)
                item.setFont(font)

    def texts(self) -> list[tuple[str, str]]:
        """Every (figure, value) shown, both columns (what a person reads off the page)."""
        return [
            (table.item(r, 0).text().strip("\u3000 "), table.item(r, 1).text())
            for table in self.tables
            for r in range(table.rowCount())
        ]

    def print_slip(self) -> None:
        report = self.report
        if report is None:
            return
        slip = day_slip(report, paper(self.ctx))
        title = f"{core_text(TITLE)} {report.day.isoformat()}"
        self.dialog = send_slip(self.ctx, self, slip, title, result=report, on_error=self.bar.error)
        if self.dialog is None:
            self.bar.notice(
                tr("Printing the day-end report of %1").replace("%1", report.day.isoformat())
            )

    def save_pdf(self) -> None:
        report = self.report
        if report is None:
            return
        name = f"{core_text(TITLE)}-{report.day.isoformat()}.pdf"
        path = save_file(self, tr("Save the day-end report"), name, "PDF (*.pdf)")
        if not path:
            return
        from ...core.printing.day_pdf import build_day_pdf

        lang = self.ctx.core_lang

        def done(result) -> None:
            self.bar.notice(tr("Saved %1 (%2 pages)").replace("%1", str(result.path))
                            .replace("%2", str(result.pages)))  # fmt: skip

        run_op(self.ctx, lambda _progress: build_day_pdf(report, Path(path), lang=lang), slow=True,
               title=tr("Day-end report PDF"), kind=FILES, bar=self.bar, success=done)  # fmt: skip

"""The owner's back office: a list of pages on the left, the page on the right."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QMessageBox, QStackedWidget, QWidget

from ..context import AppContext
from ..i18n import tr
from ..till.limits_page import DiscountLimitsPage
from ..widgets.saved_values import ask_to_leave
from .backups_page import BackupsPage
from .coupons_page import CouponsPage
from .dashboard_page import DashboardPage
from .import_export_page import ImportExportPage
from .items_page import ItemsPage
from .printer_page import PrinterPage
from .program_page import ProgramPage
from .report_page import DayReportPage
from .shift_page import ShiftPage
from .shop_page import ShopPage
from .staff_page import StaffPage
from .sync_page import SyncPage


class BackOfficeView(QWidget):
    language_changed = Signal()
    restored = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        row = QHBoxLayout(self)
        self.menu = QListWidget(self)
        self.menu.setObjectName("backoffice_menu")
        self.menu.setMaximumWidth(190)
        row.addWidget(self.menu)
        self.pages = QStackedWidget(self)
        row.addWidget(self.pages, 1)
        self.dashboard = DashboardPage(ctx, self)
        self.shift = ShiftPage(ctx, self)
        self.items = ItemsPage(ctx, self)
        self.program = ProgramPage(ctx, self)
        self.coupons = CouponsPage(ctx, self)
        self.staff = StaffPage(ctx, self)
        self.printer = PrinterPage(ctx, self)
        self.sync = SyncPage(ctx, parent=self)
        self.backups = BackupsPage(ctx, self)
        self.backups.restored.connect(self.restored)
        self.transfer = ImportExportPage(ctx, self)
        self.shop = ShopPage(ctx, self)
        self.shop.language_changed.connect(self.language_changed)
        self.limits = DiscountLimitsPage(ctx, self)
        # The day-end report is the manager's and the owner's (core refuses it to others).
        self.report = DayReportPage(ctx, self) if ctx.actor.privileged else None
        report = [(tr("Day-end report"), self.report)] if self.report is not None else []
        for name, page in (
            (tr("Dashboard"), self.dashboard), (tr("Day & shift close"), self.shift), *report,
            (tr("Items"), self.items),
            (tr("Loyalty program"), self.program), (tr("Coupons"), self.coupons),
            (tr("Staff"), self.staff), (tr("Printer"), self.printer),
            (tr("Sync to head office"), self.sync), (tr("Backups"), self.backups),
            (tr("Import / export"), self.transfer), (tr("Shop & language"), self.shop),
            (tr("Discount limits"), self.limits),
        ):  # fmt: skip
            self.menu.addItem(name)
            self.pages.addWidget(page)
        self.leave_question: QMessageBox | None = None  # a page left with changes not saved
        self.menu.currentRowChanged.connect(self._show)
        self.menu.setCurrentRow(0)

    def _show(self, row: int) -> None:
        if row != self.pages.currentIndex() and self.unsaved():
            # Another page chosen with this one's changes not saved: refreshed on the way
            # back, they were lost without a word. The menu stays here until answered (once
            # the click is over: during it, the list would still mark the row clicked).
            here = self.pages.currentIndex()
            self._stay_on(here)
            QTimer.singleShot(0, lambda: self._stay_on(here))
            self.ask_to_leave(lambda: self._left(row))
            return
        self._enter(row)

    def unsaved(self) -> bool:
        """Whether the page shown has changes typed and not saved (widgets.saved_values)."""
        saved = getattr(self.pages.currentWidget(), "saved_values", None)
        return saved is not None and saved.changed()

    def drop_unsaved(self) -> None:
        """The page shown shows what is saved again: what was typed there is dropped."""
        refresh = getattr(self.pages.currentWidget(), "refresh", None)
        if refresh is not None:
            refresh()

    def _enter(self, row: int) -> None:
        self.pages.setCurrentIndex(row)
        refresh = getattr(self.pages.currentWidget(), "refresh", None)
        if refresh is not None:
            refresh()

    def _stay_on(self, row: int) -> None:
        self.menu.blockSignals(True)
        self.menu.setCurrentRow(row)
        self.menu.blockSignals(False)

    def ask_to_leave(self, then: Callable[[], None]) -> None:
        """Ask whether to leave the page shown and lose its changes not saved: `then` runs
        only if the owner leaves; staying keeps the page and what was typed on it. Asked
        here when another page is chosen, and by the window before another tab, logging
        out or closing (workspace, main_window)."""
        self.leave_question = ask_to_leave(self, then)

    def _left(self, row: int) -> None:
        self._stay_on(row)
        self._enter(row)

    def open_page(self, page: QWidget) -> None:
        self.menu.setCurrentRow(self.pages.indexOf(page))

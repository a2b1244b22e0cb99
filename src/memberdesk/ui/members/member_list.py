"""The member list: every member, newest first, filtered by tier, status, joining dates and
salesperson, fifty at a time (core.members.browse pages by key, so the last page of a
100,000-member shop comes as quickly as the first)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.loyalty.program_store import current_program
from ...core.members.browse import (
    HERE,
    NO_SALESPERSON,
    OTHERS,
    PAGE_SIZE,
    Cursor,
    MemberFilter,
    MemberPage,
    browse_members,
    other_stores_held,
)
from ...core.members.member import STATUS_NAMES
from ...core.shop.staff import list_staff
from ..context import MEMBERS, AppContext, Change
from ..i18n import tr
from ..ops import run_op
from ..texts import money, status_name, store_words
from ..widgets.fields import ErrorLabel
from ..widgets.tables import ReadOnlyTable
from ..worker import REPORT

STORE_COLUMN = 1  # the member's store, shown when the till serves other stores' members


class MemberList(QWidget):
    picked = Signal(str)  # member id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.page: MemberPage | None = None
        self.number = 0  # the page shown, from 0
        self._asked: MemberFilter | None = None
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        grid = QGridLayout()
        self.tier = QComboBox(self)
        self.tier.setObjectName("list_tier")
        self.status = QComboBox(self)
        self.status.setObjectName("list_status")
        self.status.addItem(tr("All but cancelled"), None)
        for code in STATUS_NAMES:
            self.status.addItem(status_name(code), code)
        self.salesperson = QComboBox(self)
        self.salesperson.setObjectName("list_salesperson")
        self.joined_from = QLineEdit(self)
        self.joined_from.setObjectName("list_joined_from")
        self.joined_to = QLineEdit(self)
        self.joined_to.setObjectName("list_joined_to")
        for field in (self.joined_from, self.joined_to):
            field.setPlaceholderText(tr("YYYY-MM-DD"))
            field.returnPressed.connect(self.show_first)
            field.textEdited.connect(lambda _t: self.error.show_message(""))
        dates = QHBoxLayout()
        dates.addWidget(self.joined_from)
        dates.addWidget(QLabel(tr("to"), self))
        dates.addWidget(self.joined_to)
        grid.addWidget(QLabel(tr("Tier"), self), 0, 0)
        grid.addWidget(self.tier, 0, 1)
        grid.addWidget(QLabel(tr("Status"), self), 0, 2)
        grid.addWidget(self.status, 0, 3)
        grid.addWidget(QLabel(tr("Joined"), self), 1, 0)
        grid.addLayout(dates, 1, 1)
        grid.addWidget(QLabel(tr("Salesperson"), self), 1, 2)
        grid.addWidget(self.salesperson, 1, 3)
        # Members of the chain's other stores, when this till serves them: told apart.
        self.store = QComboBox(self)
        self.store.setObjectName("list_store")
        for text, code in ((tr("Every store"), None), (tr("This store"), HERE),
                           (tr("Other stores"), OTHERS)):  # fmt: skip
            self.store.addItem(text, code)
        self.store_label = QLabel(tr("Store"), self)
        grid.addWidget(self.store_label, 2, 0)
        grid.addWidget(self.store, 2, 1)
        col.addLayout(grid)
        row = QHBoxLayout()
        self.show_button = QPushButton(tr("Show"), self)
        self.show_button.setObjectName("list_show")
        self.show_button.clicked.connect(self.show_first)
        row.addWidget(self.show_button)
        self.error = ErrorLabel(self)
        self.error.setObjectName("list_error")
        row.addWidget(self.error, 1)
        row.addStretch(1)  # the button keeps its size when no message shows
        col.addLayout(row)
        self.table = ReadOnlyTable(
            [tr("Name"), tr("Store"), tr("Card"), tr("Phone"), tr("Tier"), tr("Status"),
             tr("Joined"), tr("Salesperson"), tr("Points"), tr("Stored value")], self,
            name="member_list",
        )  # fmt: skip
        # Each column as wide as what it holds, the name first: a stretched name column gave
        # way to the eight beside it and read "…" at 1366 wide; the table scrolls sideways.
        self.table.itemSelectionChanged.connect(self._picked)
        col.addWidget(self.table, 1)
        pager = QHBoxLayout()
        self.previous = QPushButton(tr("◀ Previous"), self)
        self.previous.setObjectName("list_previous")
        self.previous.clicked.connect(self.show_previous)
        pager.addWidget(self.previous)
        self.where = QLabel(self)
        self.where.setObjectName("list_where")
        pager.addWidget(self.where, 1)
        self.next = QPushButton(tr("Next ▶"), self)
        self.next.setObjectName("list_next")
        self.next.clicked.connect(self.show_next)
        pager.addWidget(self.next)
        col.addLayout(pager)
        self.previous.setEnabled(False)
        self.next.setEnabled(False)
        self.fill_choices()
        ctx.changed.connect(self._on_change)

    def fill_choices(self) -> None:
        """The tiers of the program in force and the staff, as the filters offer them."""
        self.tier.clear()
        self.tier.addItem(tr("All tiers"), None)
        for level in current_program(self.ctx.store).program.tiers.levels:
            self.tier.addItem(level.name, level.code)
        self._show_stores()
        self.salesperson.clear()
        self.salesperson.addItem(tr("Anyone's"), None)
        self.salesperson.addItem(tr("No salesperson"), NO_SALESPERSON)
        for info in list_staff(self.ctx.store):
            self.salesperson.addItem(info.name, info.id)

    def _show_stores(self) -> None:
        """The store filter and column while this till serves other stores' members (a
        pull may bring the first of them, or a return to per-store membership hide them)."""
        chain = other_stores_held(self.ctx.store)
        self.store_label.setVisible(chain)
        self.store.setVisible(chain)
        if not chain:
            self.store.setCurrentIndex(0)
        self.table.setColumnHidden(STORE_COLUMN, not chain)

    def _on_change(self, change: Change) -> None:
        if MEMBERS in change.topics and self.page is not None and self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """The page shown, read again from its first row (a member changed or was issued)."""
        first = self.page.first if self.page is not None else None
        if self._asked is None or first is None or self.number == 0:
            self._load(self._asked or MemberFilter(), 0)
            return
        # from just after the first row's key: the first row itself comes again
        self._load(self._asked, self.number, after=Cursor(first.joined_at, first.rowid + 1))

    # ------------------------------------------------------------------ asking
    def _date(self, field: QLineEdit) -> date | None:
        text = field.text().strip()
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(text) from None

    def filters(self) -> MemberFilter | None:
        """What the filters say, or None with the problem shown beside them."""
        try:
            start, end = self._date(self.joined_from), self._date(self.joined_to)
        except ValueError as exc:
            self.error.show_message(
                tr("“%1” is not a date: write it as 2026-03-01").replace("%1", str(exc))
            )
            return None
        return MemberFilter(tier=self.tier.currentData(), status=self.status.currentData(),
                            joined_from=start, joined_to=end,
                            salesperson_id=self.salesperson.currentData(),
                            store=self.store.currentData())  # fmt: skip

    def show_first(self) -> None:
        f = self.filters()
        if f is not None:
            self.error.show_message("")
            self._load(f, 0)

    def show_next(self) -> None:
        if self.page is not None and self.page.has_next and self._asked is not None:
            self._load(self._asked, self.number + 1, after=self.page.last)

    def show_previous(self) -> None:
        if self.page is not None and self.page.has_previous and self._asked is not None:
            self._load(self._asked, self.number - 1, before=self.page.first)

    def _load(self, f: MemberFilter, number: int, *, after: Cursor | None = None,
              before: Cursor | None = None) -> None:  # fmt: skip
        store, actor = self.ctx.store, self.ctx.actor

        def run(_progress) -> MemberPage:
            return browse_members(store, f, after=after, before=before, actor=actor)

        def shown(page: MemberPage) -> None:
            self._asked, self.number = f, max(0, number)
            self.show_page(page)

        run_op(self.ctx, run, slow=True, title=tr("Member list"), kind=REPORT,
               show=self.error.show_message, success=shown)  # fmt: skip

    def show_page(self, page: MemberPage) -> None:
        self.page = page
        self._show_stores()
        known: dict[str, str] = {}
        rows = [[r.name, store_words(self.ctx.store, r.store, known), r.card_no, r.phone,
                 r.tier, status_name(r.status), r.joined.isoformat(), r.salesperson or "—",
                 r.points, money(r.wallet)] for r in page.rows]  # fmt: skip
        self.table.fill(rows, [r.member_id for r in page.rows], numeric=(8, 9))
        if page.rows:
            first = self.number * PAGE_SIZE + 1
            text = tr("%1–%2 of %3 members")
            self.where.setText(text.replace("%1", f"{first:,}").replace("%2", f"{first + len(page.rows) - 1:,}")
                               .replace("%3", f"{page.total:,}"))  # fmt: skip
        else:
            self.where.setText(tr("No member matches these filters"))
        self.previous.setEnabled(page.has_previous)
        self.next.setEnabled(page.has_next)

    def _picked(self) -> None:
        member_id = self.table.selected_key()
        if member_id is not None:
            self.picked.emit(member_id)

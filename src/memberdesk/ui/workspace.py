"""The views a logged-in person moves between (Ctrl+1 … Ctrl+5).

The till is built at once: it is what the cashier needs the moment they log in. The
members, follow-ups and back-office views are built the first time they are shown
(or asked for), which keeps logging in quick; their modules are imported then too.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QTabWidget, QVBoxLayout, QWidget

from .context import AppContext
from .i18n import tr
from .till.till_view import TillView

VIEWS = ("till", "members", "followups", "settings", "journal")


def _members(ctx: AppContext, parent: QWidget) -> QWidget:
    from .members.members_view import MembersView

    return MembersView(ctx, parent)


def _followups(ctx: AppContext, parent: QWidget) -> QWidget:
    from .backoffice.pending import followups_view

    return followups_view(ctx, parent)


def _journal(ctx: AppContext, parent: QWidget) -> QWidget:
    from .journal.journal_view import JournalView

    return JournalView(ctx, parent)


def _backoffice(ctx: AppContext, parent: QWidget) -> QWidget:
    from .backoffice.backoffice_view import BackOfficeView

    return BackOfficeView(ctx, parent)


class Workspace(QTabWidget):
    language_changed = Signal()  # from the back office's shop page
    restored = Signal()  # a backup was restored: everyone logs in again

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("workspace")
        self.till = TillView(ctx, self)
        self.addTab(self.till, tr("Till"))
        self._makers: dict[str, Callable[[AppContext, QWidget], QWidget]] = {
            "members": _members, "followups": _followups, "settings": _backoffice,
            "journal": _journal,
        }  # fmt: skip
        self._holders: dict[str, QWidget] = {}
        self._views: dict[str, QWidget] = {}
        for name, title in (("members", tr("Members")), ("followups", tr("Follow-ups")),
                            ("settings", tr("Back office")), ("journal", tr("Sales journal"))):  # fmt: skip
            holder = QWidget(self)
            holder.setObjectName(f"{name}_tab")
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self._holders[name] = holder
            self.addTab(holder, title)
        # Tabs change by a click or Ctrl+1 … Ctrl+5; a Tab key from the till's fields never
        # parks the cursor on the tab bar, where typed and scanned keys would go nowhere.
        self.tabBar().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._at = self.currentIndex()  # the tab last shown
        self.currentChanged.connect(self._shown)
        self.till.history_requested.connect(self.show_member)
        for i in range(len(VIEWS)):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self)
            shortcut.activated.connect(lambda i=i: self.setCurrentIndex(i))
        # The journal from the till (F11 is the member's history, Shift+F11 every sale's).
        QShortcut(QKeySequence("Shift+F11"), self).activated.connect(self.show_journal)

    def _shown(self, index: int) -> None:
        office = self._views.get("settings")
        if index != self._at and VIEWS[self._at] == "settings" and office and office.unsaved():
            # Another tab (clicked, Ctrl+1 … or Shift+F11) with a back-office page's
            # changes not saved: the back office stays until the owner says to leave.
            self._back_to(self._at)
            office.ask_to_leave(lambda: self._left_office(index))
            return
        self._at = index
        built, page = self.view(VIEWS[index]), self.widget(index)
        if QApplication.focusWidget() is page:
            # The tab's page was still empty as it came up, so Qt left the focus on the
            # page itself, outside the view: its keys (the members' F3) would do nothing
            # and what the cashier types would go nowhere. The view's first field takes it
            # once the view is shown (on the next turn of the event loop).
            QTimer.singleShot(0, lambda: self._focus_into(built, page))

    def _back_to(self, index: int) -> None:
        self.blockSignals(True)
        self.setCurrentIndex(index)
        self.blockSignals(False)

    def _left_office(self, index: int) -> None:
        """Left without saving: the page shows what is saved when the owner comes back."""
        self.view("settings").drop_unsaved()
        self.setCurrentIndex(index)

    @staticmethod
    def _focus_into(built: QWidget, page: QWidget) -> None:
        if QApplication.focusWidget() is not page or not built.isVisible():
            return
        widget = built
        while (widget := widget.nextInFocusChain()) is not built:
            if (
                widget.focusPolicy() & Qt.FocusPolicy.TabFocus
                and widget.isVisible()
                and widget.isEnabled()
                and built.isAncestorOf(widget)
            ):
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                return
        built.setFocus()

    def view(self, name: str) -> QWidget:
        """The view called `name`, built now if this is the first time it is wanted."""
        if name == "till":
            return self.till
        built = self._views.get(name)
        if built is None:
            holder = self._holders[name]
            built = self._views[name] = self._makers[name](self.ctx, holder)
            holder.layout().addWidget(built)
            if name == "settings":
                built.language_changed.connect(self.language_changed)
                built.restored.connect(self.restored)
        return built

    @property
    def members(self) -> QWidget:
        return self.view("members")

    @property
    def followups(self) -> QWidget:
        return self.view("followups")

    @property
    def backoffice(self) -> QWidget:
        return self.view("settings")

    @property
    def journal(self) -> QWidget:
        return self.view("journal")

    def is_built(self, name: str) -> bool:
        return name == "till" or name in self._views

    def setCurrentWidget(self, widget: QWidget) -> None:  # noqa: N802 (Qt's name)
        """A view's own widget works as well as its tab page."""
        for name, view in self._views.items():
            if widget is view:
                widget = self._holders[name]
        super().setCurrentWidget(widget)

    def show_view(self, name: str) -> None:
        self.setCurrentIndex(VIEWS.index(name))

    def show_member(self, member_id: str) -> None:
        self.show_view("members")
        self.members.open_member(member_id)

    def show_journal(self) -> None:
        self.show_view("journal")
        if self.currentIndex() == VIEWS.index("journal"):  # not while the back office asks
            self.journal.focus_scan()

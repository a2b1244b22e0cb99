"""The main window: first-start setup or login, then the till, members, follow-ups, back office."""

from __future__ import annotations

import argparse
import logging

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from ..core.backup import auto_backup
from ..core.db import Store
from ..core.errors import DomainError
from ..core.jobs import run_daily_jobs
from ..core.shop import get_shop
from ..core.staff import Actor, list_staff
from ..core.token_store import TokenStore
from .backoffice.backoffice_view import BackOfficeView
from .backoffice.pending import followups_view
from .backoffice.sync_page import drain_job
from .backoffice.sync_page import status_text as sync_status_text
from .bootstrap import make_application
from .context import AppContext
from .i18n import DEFAULT_LANG, core_lang, saved_language, tr
from .members.members_view import MembersView
from .start.login_view import LoginView
from .start.setup_view import SetupView
from .texts import role_name
from .till.till_view import TillView
from .widgets.job_status import JobStatus

log = logging.getLogger(__name__)

VIEWS = ("till", "members", "followups", "settings")
SYNC_POLL_MS = 30_000
SYNC_PUSH_EVERY = 10  # polls: a push every five minutes


class Workspace(QTabWidget):
    """The four views a logged-in person moves between (Ctrl+1 … Ctrl+4)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workspace")
        self.till = TillView(ctx, self)
        self.members = MembersView(ctx, self)
        self.followups = followups_view(ctx, self)
        self.backoffice = BackOfficeView(ctx, self)
        self.addTab(self.till, tr("Till"))
        self.addTab(self.members, tr("Members"))
        self.addTab(self.followups, tr("Follow-ups"))
        self.addTab(self.backoffice, tr("Back office"))
        self.till.history_requested.connect(self.show_member)
        for i in range(4):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self)
            shortcut.activated.connect(lambda i=i: self.setCurrentIndex(i))

    def show_view(self, name: str) -> None:
        self.setCurrentIndex(VIEWS.index(name))

    def show_member(self, member_id: str) -> None:
        self.setCurrentWidget(self.members)
        self.members.open_member(member_id)


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, *, startup_jobs: bool = True) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("main_window")
        self.setMinimumSize(1024, 640)
        self.stack = QStackedWidget(self)
        self.setCentralWidget(self.stack)
        self.setup = SetupView(ctx, self)
        self.setup.ready.connect(self.show_login)
        self.login = LoginView(ctx, self)
        self.login.logged_in.connect(self.enter)
        self.workspace: Workspace | None = None
        self.stack.addWidget(self.setup)
        self.stack.addWidget(self.login)
        self.who = QLabel(self)
        self.who.setObjectName("who")
        self.statusBar().addWidget(self.who, 1)
        self.sync_label = QLabel(self)
        self.sync_label.setObjectName("sync_label")
        self.statusBar().addPermanentWidget(self.sync_label)
        self.statusBar().addPermanentWidget(JobStatus(ctx.jobs, self))
        self.logout_button = QPushButton(tr("Log out"), self)
        self.logout_button.setObjectName("logout")
        self.logout_button.clicked.connect(self.log_out)
        self.statusBar().addPermanentWidget(self.logout_button)
        ctx.session_changed.connect(self._show_who)
        self._show_who()
        if list_staff(ctx.store):
            self.show_login()
        else:
            self.stack.setCurrentWidget(self.setup)
            self.setup.focus_first()
        self.tokens = TokenStore()
        self._sync_timer = QTimer(self)
        self._sync_timer.timeout.connect(self._sync_tick)
        self._ticks = 0
        self._show_sync()
        if startup_jobs:
            self._startup_jobs()
            self._sync_timer.start(SYNC_POLL_MS)

    def _show_sync(self) -> None:
        try:
            self.sync_label.setText(sync_status_text(self.ctx))
        except Exception as exc:  # a status line must never take the window down
            log.warning("sync status: %s", exc)

    def _sync_tick(self) -> None:
        """Poll the outbox counts; now and then push to HQ in the background (never blocking)."""
        self._show_sync()
        self._ticks += 1
        if self._ticks % SYNC_PUSH_EVERY == 0 and not self.ctx.jobs.busy:
            job = drain_job(self.ctx, self.tokens)
            if job is not None:
                job.done = lambda _report: self._show_sync()
                job.failed = lambda exc: log.warning("sync: %s", exc)
                self.ctx.jobs.submit(job)

    def _startup_jobs(self) -> None:
        """Expire points, review tiers, take the daily backup: off the UI thread."""
        from .worker import Job

        store = self.ctx.store

        def run(progress):
            if list_staff(store):
                run_daily_jobs(store)
                auto_backup(store)

        self.ctx.jobs.submit(
            Job(tr("Daily upkeep"), run, failed=lambda exc: log.error("daily jobs: %s", exc))
        )

    def show_login(self) -> None:
        self.setWindowTitle(f"memberdesk · {get_shop(self.ctx.store).name}")
        self.login.reload()
        self.stack.setCurrentWidget(self.login)

    def enter(self, actor: Actor, shift_id: str | None, view: str = "till") -> None:
        self.ctx.log_in(actor, shift_id)
        self.rebuild(view)

    def rebuild(self, view: str = "till") -> None:
        """(Re)create the views, e.g. after logging in or changing the language."""
        if self.workspace is not None:
            self.stack.removeWidget(self.workspace)
            self.workspace.deleteLater()
        self.workspace = Workspace(self.ctx, self)
        self.workspace.backoffice.language_changed.connect(self._language_changed)
        self.workspace.backoffice.restored.connect(self.show_login)
        self.stack.addWidget(self.workspace)
        self.stack.setCurrentWidget(self.workspace)
        self.workspace.show_view(view)

    def _language_changed(self) -> None:
        self.rebuild("settings")
        office = self.workspace.backoffice
        office.open_page(office.shop)

    def log_out(self) -> None:
        self.ctx.log_out()
        if self.workspace is not None:
            self.stack.removeWidget(self.workspace)
            self.workspace.deleteLater()
            self.workspace = None
        self.show_login()

    def _show_who(self) -> None:
        session = self.ctx.session
        self.logout_button.setVisible(session is not None)
        if session is None:
            self.who.setText("")
            return
        shift = tr("shift open") if session.shift_id else tr("no shift")
        self.who.setText(
            f"{get_shop(self.ctx.store).name} · {session.actor.name}（{role_name(session.actor.role)}）· {shift}"
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.ctx.shutdown()
        super().closeEvent(event)


def _language(args: argparse.Namespace) -> str:
    return saved_language("en" if getattr(args, "lang", "zh") == "en" else DEFAULT_LANG)


def run_window(args: argparse.Namespace) -> int:
    lang = _language(args)
    app = make_application(lang)
    try:
        store = Store(args.db)
    except DomainError as exc:
        QMessageBox.critical(None, "memberdesk", exc.message(core_lang(lang)))
        return 2
    ctx = AppContext(store, lang)
    window = MainWindow(ctx)
    window.resize(1366, 768)
    window.show()
    code = app.exec()
    ctx.shutdown()
    store.close()
    return code

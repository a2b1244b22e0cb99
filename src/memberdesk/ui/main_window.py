"""The main window: first-start setup or login, then the till, members, follow-ups, back office."""

from __future__ import annotations

import argparse
import gc
import logging
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QPushButton, QStackedWidget

from ..core.errors import DomainError
from ..core.i18n import normalise
from ..core.shop.details import get_shop, is_demo
from ..core.shop.staff import Actor, list_staff, staff_standing
from ..core.store.database import Store
from ..core.sync.token_store import TokenStore
from ..core.till.held import count_held, hold_sale
from ..core.till.shifts import open_shift_of
from .bootstrap import make_application
from .context import HELD, AppContext, Change
from .i18n import DEFAULT_LANG, LANGS, core_lang, saved_language, tr
from .ops import run_op
from .start.login_view import LoginView
from .start.setup_view import SetupView
from .start.staff_gone import StaffGoneView
from .texts import role_name
from .widgets.job_status import JobStatus
from .widgets.wheel_guard import guard_wheel
from .worker import BACKUP, DB, SYNC
from .workspace import Workspace

log = logging.getLogger(__name__)

SYNC_POLL_MS = 30_000
SYNC_FIRST_MS = 2_000  # the sync line waits until the window has settled: it loads the HTTP client
SYNC_PUSH_EVERY = 10  # polls: a push every five minutes
BACKUP_LOOK_EVERY = 120  # polls: whether the daily backup is due, every hour
WINDOW_SIZE = QSize(1366, 768)  # what the views are laid out for
FRAME_ROOM = QSize(16, 48)  # a title bar and borders the window system adds around it


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, *, startup_jobs: bool = True) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("main_window")
        self.setMinimumSize(1024, 640)
        # the wheel over a drop-down or spin box not clicked into changes nothing: in every
        # view and in every dialog they open (a new member's form, a top-up, a refund …)
        guard_wheel(self)
        self.stack = QStackedWidget(self)
        self.setCentralWidget(self.stack)
        self.setup = SetupView(ctx, self)
        self.setup.ready.connect(self.show_login)
        self.setup.demo_ready.connect(self.open_store)
        self.login = LoginView(ctx, self)
        self.login.logged_in.connect(self.enter)
        self.login.office_wanted.connect(lambda actor: self.enter(actor, None, "settings"))
        self.staff_gone = StaffGoneView(ctx, self)
        self.staff_gone.settled.connect(self.show_start)
        self.workspace: Workspace | None = None
        self.held_warning: QMessageBox | None = None  # the last "sales on hold" question asked
        self._leaving = False  # closing was confirmed
        self.stack.addWidget(self.setup)
        self.stack.addWidget(self.login)
        self.stack.addWidget(self.staff_gone)
        self.who = QLabel(self)
        self.who.setObjectName("who")
        self.statusBar().addWidget(self.who, 1)
        self.sync_label = QLabel(self)
        self.sync_label.setObjectName("sync_label")
        self.statusBar().addPermanentWidget(self.sync_label)
        # the sales on hold stay in sight while the next customers are served (the till's
        # "put aside" message goes with the next sale, the customer waiting was forgotten)
        self.held_label = QLabel(self)
        self.held_label.setObjectName("held_count")
        self.held_label.hide()
        self.statusBar().addPermanentWidget(self.held_label)
        self.statusBar().addPermanentWidget(JobStatus(ctx.jobs, self))
        self.logout_button = QPushButton(tr("Log out"), self)
        self.logout_button.setObjectName("logout")
        self.logout_button.clicked.connect(self.log_out)
        self.statusBar().addPermanentWidget(self.logout_button)
        ctx.session_changed.connect(self._show_who)
        ctx.session_changed.connect(self._show_held)
        ctx.changed.connect(self._held_changed)
        # a sync that ends (立即同步 or the background round, sent or stopped) is told at once
        ctx.jobs.kind_ended.connect(self._job_ended)
        self._show_who()
        self.show_start()
        self.tokens = TokenStore()
        self._sync_timer = QTimer(self)
        self._sync_timer.timeout.connect(self._sync_tick)
        self._ticks = 0
        self._upkeep_day: date | None = None  # the shop's day the daily jobs last ran for
        QTimer.singleShot(SYNC_FIRST_MS, self._show_sync)
        if startup_jobs:
            self._startup_jobs()
            self._sync_timer.start(SYNC_POLL_MS)

    def show_fitting(self) -> None:
        """Open at 1366×768 where the screen has room for it; on a smaller one (1024×768, or
        1366×768 less its taskbar) maximized, so no field or button lies beyond its edge."""
        room = self.screen().availableGeometry().size()
        self.resize(WINDOW_SIZE)
        wanted = WINDOW_SIZE + FRAME_ROOM
        if room.width() < wanted.width() or room.height() < wanted.height():
            self.showMaximized()
        else:
            self.show()
        # The keyboard to the till from the start: a desktop gives a new window the focus,
        # a bare X server (a kiosk's, a test's) does not, and until a click the till's
        # F-keys went nowhere though typing reached the search box.
        self.raise_()
        self.activateWindow()

    def _held_changed(self, change: Change) -> None:
        if HELD in change.topics:
            self._show_held()

    def _show_held(self) -> None:
        """How many sales are on hold at this till, while someone is logged in; nothing when none."""
        session = self.ctx.session
        count = 0
        if session is not None and not session.preview:
            try:
                count = count_held(self.ctx.store)
            except Exception as exc:  # a status line must never take the window down
                log.warning("held sales: %s", exc)
        self.held_label.setText(tr("%1 on hold (F8)").replace("%1", str(count)))
        self.held_label.setVisible(count > 0)

    def _show_sync(self) -> None:
        from .backoffice.sync_page import status_text

        try:
            self.sync_label.setText(status_text(self.ctx))
        except Exception as exc:  # a status line must never take the window down
            log.warning("sync status: %s", exc)

    def _job_ended(self, kind: str) -> None:
        if kind == SYNC:
            self._show_sync()

    def _sync_tick(self) -> None:
        """Poll the outbox counts; now and then push to HQ in the background (never blocking)."""
        from .backoffice.sync_page import push

        self._show_sync()
        self._new_day()
        self._ticks += 1
        if self._ticks % SYNC_PUSH_EVERY == 0 and not self.ctx.jobs.busy_with(SYNC):
            push(self.ctx, self.tokens, success=lambda _report: self._show_sync(),
                 on_error=self._sync_failed)  # fmt: skip

    @staticmethod
    def _sync_failed(exc: BaseException) -> bool:
        log.warning("sync: %s", exc)  # the status line says how sync is doing
        return True

    def _new_day(self) -> None:
        """A till left open (many are never closed at night) runs the day's upkeep (expiry,
        the tier review, birthday coupons) when the shop's day turns, and takes the daily
        backup when one is due (looked at hourly), as a start would."""
        if (
            self._upkeep_day is None
            or self.ctx.jobs.busy_with(BACKUP)
            or self.ctx.jobs.busy_with(DB)
        ):
            return  # not started with the jobs, or they are still running: the next poll looks
        from ..core.daily.jobs import business_day
        from ..core.shop.backups import backup_due

        try:
            due = business_day(self.ctx.store) != self._upkeep_day or (
                self._ticks % BACKUP_LOOK_EVERY == 0 and backup_due(self.ctx.store)
            )
        except Exception as exc:  # a poll must never take the window down
            log.warning("daily jobs: %s", exc)
            return
        if due:
            self._startup_jobs()

    def _startup_jobs(self) -> None:
        """The daily backup, then points expiry and the tier review: on the worker thread,
        each on its own so that one failing does not keep the other from running. Again
        when the shop's day turns while the window stays open (_new_day)."""
        from ..core.daily.jobs import business_day

        store = self.ctx.store
        try:
            self._upkeep_day = business_day(store)
        except Exception as exc:  # the jobs say what is wrong with the file; the poll retries
            log.warning("daily jobs: %s", exc)

        def back_up(progress):
            from ..core.shop.backups import auto_backup

            # a shop that exists (not the first-start screen), whose staff list is as the
            # journal sealed it: a file changed outside memberdesk does not push the backups
            # to restore it from out of the rotation
            if list_staff(store) and not staff_standing(store).changed:
                return auto_backup(store)
            return None

        def upkeep(progress):
            from ..core.daily.jobs import run_daily_jobs
            from ..core.followups.lists import prepare_dropping

            if list_staff(store) and not staff_standing(store).changed:
                run_daily_jobs(store)
                prepare_dropping(store)  # kept with this store: the owner's first list is quick

        def failed(what: str) -> Callable[[BaseException], bool]:
            def log_it(exc: BaseException) -> bool:
                log.error("%s: %s", what, exc)
                return True

            return log_it

        def then_upkeep(_result: object = None) -> None:  # the backup holds the day as it began
            run_op(self.ctx, upkeep, slow=True, title=tr("Daily upkeep"), kind=DB,
                   on_error=failed("daily jobs"))  # fmt: skip

        def backup_failed(exc: BaseException) -> bool:
            failed("daily backup")(exc)
            then_upkeep()
            return True

        run_op(self.ctx, back_up, slow=True, title=tr("Daily backup"), kind=BACKUP,
               on_error=backup_failed, success=then_upkeep)  # fmt: skip

    def show_start(self) -> None:
        """The first screen for the shop in the window's store: the set-up of a new shop, the
        log-in, or, for a shop whose staff list was changed outside memberdesk (its staff
        deleted in the file, or none left who may log in), what happened and what can put it
        right: never the set-up of a first owner."""
        standing = staff_standing(self.ctx.store)
        if standing.changed:
            self._show_title()
            self.staff_gone.show_standing(standing)
            self.stack.setCurrentWidget(self.staff_gone)
        elif standing.new:
            self.setWindowTitle("memberdesk")
            self.stack.setCurrentWidget(self.setup)
            self.setup.focus_first()
        else:
            self.show_login()

    def show_login(self) -> None:
        self._show_title()
        self.login.reload()
        self.stack.setCurrentWidget(self.login)

    def _show_title(self) -> None:
        """The shop's name; the demo shop says it is the demo, so nobody sells in it by mistake."""
        title = f"memberdesk · {get_shop(self.ctx.store).name}"
        if is_demo(self.ctx.store):
            title += " · " + tr("Demo shop: not your shop's data")
        self.setWindowTitle(title)

    def open_store(self, store: Store) -> None:
        """Carry on in another file (the demo shop's): its staff log in."""
        old = self.ctx.store
        if self.workspace is not None:
            self.stack.removeWidget(self.workspace)
            self.workspace.deleteLater()
            self.workspace = None
        self.ctx.switch_store(store)
        if old is not store:
            old.close()
        self.show_start()

    def enter(
        self, actor: Actor, shift_id: str | None, view: str = "till", *, preview: bool = False
    ) -> None:
        """Logged in: carry on with the person's open shift; with none the till asks for the float.

        `preview`: a rendered screenshot, which shows the till without a shift and sells nothing."""
        if shift_id is None and not preview:
            shift_id = open_shift_of(self.ctx.store, actor)
        self.ctx.log_in(actor, shift_id, preview=preview)
        self.rebuild(view)

    def rebuild(self, view: str = "till") -> None:
        """(Re)create the views, e.g. after logging in or changing the language."""
        if self.workspace is not None:
            self.stack.removeWidget(self.workspace)
            self.workspace.deleteLater()
        self.workspace = Workspace(self.ctx, self)
        self.workspace.language_changed.connect(self._language_changed)
        self.workspace.restored.connect(self.show_start)
        self.stack.addWidget(self.workspace)
        self.stack.setCurrentWidget(self.workspace)
        self.workspace.show_view(view)

    def _language_changed(self) -> None:
        # The status bar outlives the views: its words are set again in the new language.
        self.logout_button.setText(tr("Log out"))
        self._show_title()
        self._show_who()
        self._show_sync()
        self._show_held()
        self.rebuild("settings")
        office = self.workspace.backoffice
        office.open_page(office.shop)

    def log_out(self) -> None:
        if not self._leave_asked(self._log_out_now):
            self._log_out_now()

    def _leave_asked(self, then: Callable[[], None]) -> bool:
        """Whether the person leaving (log out, window closed) is asked first: about a
        back-office page's changes not saved, then about the sales they put aside, one
        question after the other. `then` runs once they have said to go on at both; a
        "stay" at either keeps them here, logged in, the window open."""

        def past_unsaved() -> None:
            if not self._held_sales_warned(then):
                then()

        return self._unsaved_warned(past_unsaved) or self._held_sales_warned(then)

    def _unsaved_warned(self, then: Callable[[], None]) -> bool:
        """Whether the back office's page shown has changes not saved: if so the owner is
        brought to it and asked as when choosing another page, and `then` runs only if
        they leave without saving. Staying keeps the page with what was typed on it."""
        workspace = self.workspace
        if workspace is None or not workspace.is_built("settings"):
            return False
        office = workspace.backoffice
        if not office.unsaved():
            return False
        workspace.show_view("settings")
        office.ask_to_leave(then)
        return True

    def _hold_open_sale(self) -> bool:
        """The sale on the till when its cashier leaves (log out, window closed) is put on
        hold, not dropped: nothing typed at the till is lost. A member looked up with
        nothing to sell them is no sale to keep. Whether one was held."""
        session = self.ctx.session
        till = self.workspace.till if self.workspace is not None else None
        if session is None or session.preview or till is None or not till.draft.priced:
            return False
        till.forget_open_sale()
        try:
            hold_sale(self.ctx.store, session.actor, till.draft.held_request(),
                      shift_id=self.ctx.shift_id)  # fmt: skip
        except DomainError:
            till.refresh()  # kept beside the file again
            return False  # cannot be kept: the sale stays on screen, the question below asks
        till.new_sale()
        till.refresh()
        return True

    def _held_sales_warned(self, then: Callable[[], None]) -> bool:
        """Whether the person leaving put sales aside: if so they are told so (the sales stay
        in the database for anyone at this till), and `then` runs only if they go on. A sale
        still on the till is put on hold first."""
        session = self.ctx.session
        if session is None or session.preview:
            return False
        held_now = self._hold_open_sale()
        try:
            count = count_held(self.ctx.store, session.actor.staff_id)
        except DomainError:
            return False  # the store cannot say: never keep anyone from leaving
        if not count:
            return False
        text = tr("You have %1 sale(s) on hold. They are kept: anyone logging in at this till can "
                  "take them back with F8. Leave anyway?").replace("%1", str(count))  # fmt: skip
        if held_now:
            text = tr("The sale on the till was put on hold.") + " " + text
        box = QMessageBox(QMessageBox.Icon.Warning, tr("Sales on hold"), text, parent=self)
        box.setObjectName("held_warning")
        go = box.addButton(tr("Leave"), QMessageBox.ButtonRole.AcceptRole)
        go.setObjectName("leave")
        stay = box.addButton(tr("Stay"), QMessageBox.ButtonRole.RejectRole)
        stay.setObjectName("stay")
        box.setDefaultButton(stay)
        box.buttonClicked.connect(lambda button: then() if button is go else None)
        self.held_warning = box
        box.open()
        return True

    def _log_out_now(self) -> None:
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
        if session.preview:  # a rendered screenshot: neither in a shift nor out of one
            shift = tr("preview, nothing is recorded")
        else:
            shift = tr("shift open") if session.shift_id else tr("no shift")
        self.who.setText(
            tr("%1 · %2 (%3) · %4")
            .replace("%1", get_shop(self.ctx.store).name)
            .replace("%2", session.actor.name)
            .replace("%3", role_name(session.actor.role))
            .replace("%4", shift)
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self._leaving and self._asking():
            event.ignore()  # closed again while asked: the question on screen is the answer
            return
        if not self._leaving and self._leave_asked(self._close_now):
            event.ignore()  # closed once the person says so
            return
        self.ctx.shutdown()
        super().closeEvent(event)

    def _asking(self) -> bool:
        """Whether a question before leaving is on screen, not yet answered."""
        office = (
            self.workspace.backoffice
            if self.workspace and self.workspace.is_built("settings")
            else None
        )
        questions = (self.held_warning, office.leave_question if office is not None else None)
        return any(box is not None and box.isVisible() for box in questions)

    def _close_now(self) -> None:
        self._leaving = True
        self.close()


def window_language(args: argparse.Namespace) -> str:
    """The command line's --lang when it names one (for this run: what was chosen in the
    window stays saved), else the language chosen in the window, else the default."""
    asked = normalise(getattr(args, "lang", None))
    if getattr(args, "lang_given", False) and asked in LANGS:
        return asked
    return saved_language(asked if asked in LANGS else DEFAULT_LANG)


def run_window(args: argparse.Namespace) -> int:
    lang = window_language(args)
    app = make_application(lang)
    try:
        store = Store(args.db, background_checkpoint=True)
    except DomainError as exc:
        QMessageBox.critical(None, "memberdesk", exc.message(core_lang(lang)))
        return 2
    ctx = AppContext(store, lang)
    window = MainWindow(ctx)
    window.show_fitting()
    # What start-up made (modules, Qt wrappers, mappings) lives as long as the window: out
    # of the collector's reach, a full collection no longer walks ~70,000 objects (30-40
    # ms, a pause in whatever the till or a list is doing at that moment).
    gc.freeze()
    code = app.exec()
    ctx.shutdown()
    ctx.store.close()  # the demo shop's, if it was opened from the first start
    store.close()
    return code

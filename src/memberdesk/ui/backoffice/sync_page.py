"""Sync to head office: where HQ is, the access code (OS keyring), sync now, and the "sync problems".

The window speaks of what is on this page and in an owner's words: the head office
address, this till's number and the access code head office gave it (the sync token),
typed and saved here; the code is kept in this computer's secure storage (the system
keyring). Core's refusals that name the command line's ways (`memberdesk sync setup`,
MEMBERDESK_SYNC_TOKEN) or say "token" are said in the page's words instead. "Sync now" says that it runs, then what it did or
what stopped it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ...core.store.database import Store
from ...core.sync.config import configure_sync, sync_config
from ...core.sync.pull import pull_directory
from ...core.sync.pusher import Pusher, RetryPolicy
from ...core.sync.status import sync_problems, sync_status
from ...core.sync.token_store import TokenStore
from ...core.sync.transport import HttpTransport
from ..context import AppContext
from ..i18n import tr
from ..members.authorise import with_authority
from ..ops import run_op
from ..texts import when
from ..widgets.fields import InlineForm, MessageBar, keep_place, set_role
from ..widgets.saved_values import SavedValues
from ..widgets.tables import ReadOnlyTable
from ..worker import SYNC, Progress

DRAIN_SECONDS = 120


# A press of "sync now" tries twice and then says what stopped it: the person waiting at
# the page hears about an unreachable head office in about a second, not after the half
# minute the background rounds spend retrying (they go on every few minutes anyway).
ASKED = RetryPolicy(max_attempts=2)


def window_words(code: str, params: dict | None = None) -> str | None:
    """The page's own words for a refusal whose core text names the command line or
    speaks of tokens (`params`: the refusal's, for those that name a till)."""
    params = params or {}
    words = {
        "sync.not_configured": tr("Sync is not set up: type the head office address and this "
                                  "till's id on the Sync to head office page and save them"),
        "sync.no_token": tr("This till has no access code yet: type the access code head office "
                            "gave it on the Sync to head office page and save it"),
        "sync.token_refused": tr("Head office does not accept this till's access code (mistyped or "
                                 "cancelled): ask head office for a new one and type it on the Sync "
                                 "to head office page"),
        "sync.wrong_terminal": tr("This access code belongs to another till, not %1: check this "
                                  "till's number, or ask head office for this till's access code")
                               .replace("%1", str(params.get("terminal", ""))),
        "sync.terminal_changed": tr("This computer already sends to head office as till %1; as %2 "
                                    "it would send every record again. If the access code is lost, "
                                    "ask head office for a new one for till %1")
                                 .replace("%1", str(params.get("old", "")))
                                 .replace("%2", str(params.get("new", ""))),
        "sync.no_token_given": tr("Type the access code head office gave this till"),
    }  # fmt: skip
    return words.get(code)


def error_text(ctx: AppContext, error: BaseException) -> str:
    code = getattr(error, "code", "")
    return window_words(code, getattr(error, "params", None)) or ctx.explain(error)


def status_text(ctx: AppContext) -> str:
    """One line for the status bar: what waits to be sent and when it last went well."""
    s = sync_status(ctx.store)
    if s.clock is not None:  # before anything else: sales are refused until it is set right
        return s.clock.message(ctx.core_lang)
    if not s.configured:
        return tr("Sync: not set up")
    text = tr("Sync: %1 waiting").replace("%1", str(s.pending + s.inflight))
    if s.last_success_at:
        sent = ctx.shop_time(s.last_success_at)  # kept in UTC, said on the shop's clock
        text += tr(", last sent %1").replace("%1", sent.strftime("%m-%d %H:%M"))
    if s.rejected:
        text += tr(", %1 problem(s)").replace("%1", str(s.rejected))
    if s.last_error is not None and s.online is False:
        said = window_words(s.last_error.code, getattr(s.last_error, "params", None))
        text += " · " + (said or s.last_error.text(ctx.core_lang))
    return text


def drain(
    ctx: AppContext, tokens: TokenStore, retry: RetryPolicy | None = None
) -> Callable[[Progress], object] | None:
    """What pushes the outbox once, on the worker; None when sync is not set up or has no token."""
    config = sync_config(ctx.store)
    token = tokens.get(config.terminal_id) if config else None
    if config is None or not token:
        return None
    path = ctx.store.path

    def run(progress: Progress) -> object:
        store = Store(path)  # the Pusher wants its own thread's Store
        pusher = Pusher.from_settings(store, token, retry=retry)
        try:
            report = pusher.drain_once(max_seconds=DRAIN_SECONDS)
            if report.error is None or report.error.code != "sync.offline":
                # Then the chain's members changed since the last round (short transactions).
                with HttpTransport(config.url, token) as transport:
                    pull_directory(store, transport, max_seconds=DRAIN_SECONDS)
            return report
        finally:
            pusher.close()
            store.close()

    return run


def push(
    ctx: AppContext, tokens: TokenStore, *, bar: MessageBar | None = None,
    success: Callable[[object], object] | None = None,
    on_error: Callable[[BaseException], bool] | None = None, retry: RetryPolicy | None = None,
) -> bool:  # fmt: skip
    """Push the outbox once as a sync job (queued behind sync jobs only); False when sync
    is not set up or has no token."""
    run = drain(ctx, tokens, retry)
    if run is None:
        return False
    run_op(ctx, run, slow=True, title=tr("Sending to head office"), kind=SYNC, bar=bar,
           success=success, on_error=on_error)  # fmt: skip
    return True


# Refusals of what was typed on the page, shown beside the box they are about.
FIELD_OF = {
    "sync.bad_url": "url", "sync.terminal_required": "terminal",
    "sync.terminal_changed": "terminal",
}  # fmt: skip


class SyncPage(QWidget):
    def __init__(
        self, ctx: AppContext, tokens: TokenStore | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tokens = tokens or TokenStore()
        outer = QVBoxLayout(self)
        self.bar = MessageBar(self)
        keep_place(self.bar, lines=2)  # a message never pushes the fields and buttons down
        outer.addWidget(self.bar)
        self.status = QLabel(self)
        self.status.setObjectName("sync_status")
        outer.addWidget(self.status)
        ask = QLabel(tr("Ask head office for three things: its address, this till's number and "
                        "this till's access code."), self)  # fmt: skip
        ask.setObjectName("sync_ask")
        ask.setWordWrap(True)
        outer.addWidget(ask)
        self.form = InlineForm(self)
        self.url = self.form.add("url", tr("Head office address"), QLineEdit(self))
        self.url.setPlaceholderText("https://hq.example.com")
        self.terminal = self.form.add("terminal", tr("This till's number (from head office)"),
                                      QLineEdit(self))  # fmt: skip
        self.token = self.form.add("token", tr("Access code (from head office)"), QLineEdit(self))
        self.token.setObjectName("sync_access_code")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        outer.addWidget(self.form)
        self.keyring = QLabel(self)
        self.keyring.setObjectName("sync_keyring")
        self.keyring.setWordWrap(True)
        set_role(self.keyring, "muted")
        outer.addWidget(self.keyring)
        row = QHBoxLayout()
        save = QPushButton(tr("Save"), self)
        save.setObjectName("sync_save")
        save.clicked.connect(lambda: with_authority(ctx, self, "shop_settings", self._save))
        row.addWidget(save)
        self.now_button = QPushButton(tr("Sync now"), self)
        self.now_button.setObjectName("sync_now")
        set_role(self.now_button, "primary")
        self.now_button.clicked.connect(self.sync_now)
        row.addWidget(self.now_button)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addWidget(QLabel(tr("Sync problems (events head office refused)"), self))
        self.problems = ReadOnlyTable(
            [tr("#"), tr("What"), tr("When"), tr("Why")], self, name="sync_problems"
        )
        outer.addWidget(self.problems, 1)
        self.saved_values = SavedValues(
            lambda: (self.url.text(), self.terminal.text(), self.token.text())
        )

    def refresh(self) -> None:
        self.form.clear_errors()
        config = sync_config(self.ctx.store)
        self.url.setText(config.url if config else "")
        self.terminal.setText(config.terminal_id if config else "")
        self.token.clear()  # never shown: kept in secure storage once saved
        self.saved_values.keep()
        self._show_state()

    def _show_state(self) -> None:
        """How sync stands, and the problems head office refused; the boxes as they are."""
        self.status.setText(status_text(self.ctx))
        secure = self.tokens.secure
        self.keyring.setText(
            tr("The access code is kept in this computer's secure storage, never in the shop's "
               "data; leave the box empty to keep the one saved.") if secure else
            tr("This computer has no secure storage: the access code is kept only until the "
               "program closes; type it here again after a restart.")
        )  # fmt: skip
        rows = sync_problems(self.ctx.store)
        lang = self.ctx.core_lang
        self.problems.fill([[p.seq, p.what(lang), when(self.ctx.shop_time(p.created_at)), p.why(lang)]
                            for p in rows])  # fmt: skip

    def _save(self, authoriser=None) -> None:
        def save():
            config = configure_sync(self.ctx.store, self.url.text(), self.terminal.text(),
                                    actor=self.ctx.actor, authoriser=authoriser)  # fmt: skip
            if self.token.text():
                return self.tokens.set(config.terminal_id, self.token.text())
            return None

        def saved(token_saved) -> None:
            self.form.clear_errors()
            if token_saved is None:
                self.bar.notice(tr("Saved"))
            elif token_saved.secure:
                self.bar.notice(tr("Saved; the access code is in this computer's secure storage"))
            else:
                self.bar.notice(tr("Saved; this computer has no secure storage, so the access code "
                                   "is kept only until the program closes"))  # fmt: skip
            self.refresh()

        def refused(exc: BaseException) -> bool:
            code = getattr(exc, "code", "")
            said = window_words(code, getattr(exc, "params", None))
            field = FIELD_OF.get(code)
            if field is not None:  # beside the box to put right
                self.form.show_errors({field: said or self.ctx.explain(exc)})
                return True
            if said is None:
                return False
            self.bar.error(said)
            return True

        run_op(self.ctx, save, bar=self.bar, success=saved, on_error=refused)

    def sync_now(self) -> None:
        """Send what waits to head office now: the page says it is running, then how it went."""
        if self.ctx.jobs.busy_with(SYNC):
            self.bar.notice(tr("Already sending to head office…"), 0)
            return
        if self.saved_values.changed():  # it would send by what is saved, not what is shown
            self.bar.error(tr("What is typed on this page is not saved yet: press Save first, "
                              "then Sync now"))  # fmt: skip
            return
        if drain(self.ctx, self.tokens) is None:
            config = sync_config(self.ctx.store)
            code = "sync.not_configured" if config is None else "sync.no_token"
            self.bar.error(window_words(code) or "")
            return

        def done(report) -> None:
            self.now_button.setEnabled(True)
            if report.error is not None:
                self.bar.error(error_text(self.ctx, report.error))
            elif report.acked or report.rejected:
                text = tr("Done: %1 change(s) sent to head office, %2 refused, %3 still waiting")
                self.bar.notice(text.replace("%1", str(report.acked)).replace("%2", str(report.rejected))
                                .replace("%3", str(report.pending)), 0)  # fmt: skip
            else:
                self.bar.notice(tr("Done: nothing was waiting, head office has everything"), 0)
            self._show_state()  # what was typed meanwhile stays

        def failed(exc: BaseException) -> bool:
            self.now_button.setEnabled(True)
            self.bar.error(error_text(self.ctx, exc))
            self._show_state()
            return True

        self.now_button.setEnabled(False)
        self.bar.notice(tr("Sending to head office…"), 0)
        push(self.ctx, self.tokens, success=done, on_error=failed, retry=ASKED)

"""Sync to head office: where HQ is, the token (OS keyring), sync now, and the "sync problems"."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ...core.store.database import Store
from ...core.sync.config import configure_sync, sync_config
from ...core.sync.pusher import Pusher
from ...core.sync.status import sync_problems, sync_status
from ...core.sync.token_store import TokenStore
from ..context import AppContext
from ..i18n import tr
from ..ops import run_op
from ..texts import when
from ..widgets.fields import InlineForm, MessageBar, set_role
from ..widgets.tables import ReadOnlyTable
from ..worker import SYNC, Progress

DRAIN_SECONDS = 120


def status_text(ctx: AppContext) -> str:
    """One line for the status bar: what waits to be sent and when it last went well."""
    s = sync_status(ctx.store)
    if s.clock is not None:  # before anything else: sales are refused until it is set right
        return s.clock.message(ctx.core_lang)
    if not s.configured:
        return tr("Sync: not set up")
    text = tr("Sync: %1 waiting").replace("%1", str(s.pending + s.inflight))
    if s.last_success_at:
        text += tr(", last sent %1").replace("%1", s.last_success_at.strftime("%m-%d %H:%M"))
    if s.rejected:
        text += tr(", %1 problem(s)").replace("%1", str(s.rejected))
    if s.last_error is not None and s.online is False:
        text += " · " + s.last_error.text(ctx.core_lang)
    return text


def drain(ctx: AppContext, tokens: TokenStore) -> Callable[[Progress], object] | None:
    """What pushes the outbox once, on the worker; None when sync is not set up or has no token."""
    config = sync_config(ctx.store)
    token = tokens.get(config.terminal_id) if config else None
    if config is None or not token:
        return None
    path = ctx.store.path

    def run(progress: Progress) -> object:
        store = Store(path)  # the Pusher wants its own thread's Store
        pusher = Pusher.from_settings(store, token)
        try:
            return pusher.drain_once(max_seconds=DRAIN_SECONDS)
        finally:
            pusher.close()
            store.close()

    return run


def push(
    ctx: AppContext, tokens: TokenStore, *, bar: MessageBar | None = None,
    success: Callable[[object], object] | None = None,
    on_error: Callable[[BaseException], bool] | None = None,
) -> bool:  # fmt: skip
    """Push the outbox once as a sync job (queued behind sync jobs only); False when sync
    is not set up or has no token."""
    run = drain(ctx, tokens)
    if run is None:
        return False
    run_op(ctx, run, slow=True, title=tr("Sending to head office"), kind=SYNC, bar=bar,
           success=success, on_error=on_error)  # fmt: skip
    return True


class SyncPage(QWidget):
    def __init__(
        self, ctx: AppContext, tokens: TokenStore | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tokens = tokens or TokenStore()
        outer = QVBoxLayout(self)
        self.bar = MessageBar(self)
        outer.addWidget(self.bar)
        self.status = QLabel(self)
        self.status.setObjectName("sync_status")
        outer.addWidget(self.status)
        self.form = InlineForm(self)
        self.url = self.form.add("url", tr("Head office address"), QLineEdit(self))
        self.url.setPlaceholderText("https://hq.example.com")
        self.terminal = self.form.add("terminal", tr("This terminal's id at HQ"), QLineEdit(self))
        self.token = self.form.add(
            "token", tr("Token (kept in the system keyring)"), QLineEdit(self)
        )
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        outer.addWidget(self.form)
        self.keyring = QLabel(self)
        self.keyring.setWordWrap(True)
        set_role(self.keyring, "muted")
        outer.addWidget(self.keyring)
        row = QHBoxLayout()
        save = QPushButton(tr("Save"), self)
        save.clicked.connect(self._save)
        row.addWidget(save)
        now = QPushButton(tr("Sync now"), self)
        now.setObjectName("sync_now")
        set_role(now, "primary")
        now.clicked.connect(self.sync_now)
        row.addWidget(now)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addWidget(QLabel(tr("Sync problems (events head office refused)"), self))
        self.problems = ReadOnlyTable(
            [tr("#"), tr("What"), tr("When"), tr("Why")], self, name="sync_problems"
        )
        outer.addWidget(self.problems, 1)

    def refresh(self) -> None:
        config = sync_config(self.ctx.store)
        self.url.setText(config.url if config else "")
        self.terminal.setText(config.terminal_id if config else "")
        self.status.setText(status_text(self.ctx))
        secure = self.tokens.secure
        self.keyring.setText(
            tr("Token store: %1").replace("%1", self.tokens.backend_name()) if secure else
            tr("No secure keyring on this machine: the token is kept in memory until memberdesk closes.")
        )  # fmt: skip
        rows = sync_problems(self.ctx.store)
        lang = self.ctx.core_lang
        self.problems.fill([[p.seq, p.what(lang), when(p.created_at), p.why(lang)] for p in rows])

    def _save(self) -> None:
        def save():
            config = configure_sync(self.ctx.store, self.url.text(), self.terminal.text())
            if self.token.text():
                return self.tokens.set(config.terminal_id, self.token.text())
            return None

        def saved(token_saved) -> None:
            if token_saved is not None:
                self.bar.notice(token_saved.message(self.ctx.core_lang))
            else:
                self.bar.notice(tr("Saved"))
            self.token.clear()
            self.refresh()

        run_op(self.ctx, save, bar=self.bar, success=saved)

    def sync_now(self) -> None:
        def done(report) -> None:
            if report.error is not None:
                self.bar.error(report.error.message(self.ctx.core_lang))
            else:
                self.bar.notice(
                    tr("Sent %1 change(s) to head office").replace("%1", str(report.acked))
                )
            self.refresh()

        if not push(self.ctx, self.tokens, bar=self.bar, success=done):
            self.bar.error(tr("Set up the head office address, terminal id and token first"))

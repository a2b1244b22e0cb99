"""Backups: take one now, see the list, restore one (a manager's PIN; the current file is kept)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.shop.backups import backup_now, list_backups, restore, unsent_records
from ...core.shop.staff import require
from ...core.store.database import Store
from ...core.sync.pusher import push_what_is_left
from ..context import AppContext
from ..i18n import tr
from ..members.authorise import with_authority
from ..ops import run_op
from ..widgets.fields import MessageBar, set_role
from ..widgets.tables import ReadOnlyTable
from ..worker import BACKUP


class BackupsPage(QWidget):
    restored = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        outer = QVBoxLayout(self)
        self.bar = MessageBar(self)
        outer.addWidget(self.bar)
        row = QHBoxLayout()
        now = QPushButton(tr("Back up now"), self)
        now.setObjectName("backup_now")
        set_role(now, "primary")
        now.clicked.connect(self.back_up)
        row.addWidget(now)
        chosen = QPushButton(tr("Restore the chosen backup…"), self)
        chosen.setObjectName("restore_chosen")
        chosen.clicked.connect(lambda: self._restore(self.table.selected_key()))
        row.addWidget(chosen)
        other = QPushButton(tr("Restore from a file…"), self)
        other.clicked.connect(self._restore_file)
        row.addWidget(other)
        row.addStretch(1)
        outer.addLayout(row)
        self.table = ReadOnlyTable(
            [tr("Taken"), tr("Size"), tr("File")], self, name="backups_table"
        )
        outer.addWidget(self.table, 1)

    def refresh(self) -> None:
        """Newest first, each at the shop's wall-clock time (the file name keeps UTC)."""
        backups = list_backups(self.ctx.store)
        taken = [self.ctx.shop_time(b.taken_at).strftime("%Y-%m-%d %H:%M:%S") for b in backups]
        self.table.fill([[when, f"{b.size / 1_048_576:.1f} MB", b.path.name] for when, b in zip(taken, backups, strict=True)],
                        [b.path for b in backups], numeric=(1,))  # fmt: skip

    def back_up(self) -> None:
        store = self.ctx.store

        def done(path: Path) -> None:
            self.bar.notice(tr("Backed up to %1").replace("%1", str(path)))
            self.refresh()

        run_op(self.ctx, lambda p: backup_now(store, progress=p), slow=True, title=tr("Backing up"),
               kind=BACKUP, stoppable=True, bar=self.bar, success=done,
               cancelled=lambda: self.bar.notice(tr("Backup cancelled: no file was written")))  # fmt: skip

    def _restore_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Choose a backup"), str(self.ctx.store.backup_dir),
                                              "SQLite (*.sqlite *.db);;* (*)")  # fmt: skip
        if path:
            self._restore(Path(path))

    def _restore(self, source: Path | None) -> None:
        if source is None:
            return
        answer = QMessageBox.question(
            self, tr("Restore"),
            tr("Replace today's data with the backup %1? The current file is kept as a backup first.")
            .replace("%1", source.name),
        )  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return
        with_authority(self.ctx, self, "restore_backup", lambda who: self._run_restore(source, who))

    def _run_restore(self, source: Path, authoriser) -> None:
        run_op(self.ctx, lambda: require(self.ctx.actor, "restore_backup", authoriser), bar=self.bar,
               success=lambda _: self._restore_now(source))  # fmt: skip

    def _restore_now(self, source: Path) -> None:
        """Replace the database with `source`: a job that runs alone (no other job has the
        file open meanwhile), with the window's store closed until it is done."""
        ctx = self.ctx
        db_path, current = ctx.store.path, ctx.store

        def run(progress):
            current.close()  # restore() wants the file closed in this process
            if unsent_records(db_path):  # what HQ has not got goes first, when it can
                push_what_is_left(db_path)
            # The person confirmed replacing today's data: what HQ still has not got is
            # carried over, never dropped, and the notice says so.
            done = restore(db_path, source, carry_unsent=True)
            Store(db_path).close()  # upgrade an older schema now, with its own backup
            return done

        def reopen() -> None:
            ctx.store = Store(db_path, clock=ctx.store.clock, background_checkpoint=True)

        def done(result) -> None:
            reopen()
            ctx.log_out()
            text = tr("Restored; the previous data was kept as %1").replace(
                "%1", str(result.safety)
            )
            if result.carried and result.syncs:
                text += tr("; %1 records made after the backup are kept for head office").replace(
                    "%1", str(result.carried)
                )
            self.bar.notice(text)
            self.restored.emit()

        def failed(_exc: BaseException) -> bool:
            reopen()
            return False  # said in the bar

        run_op(ctx, run, slow=True, title=tr("Restoring"), kind=BACKUP, exclusive=True, bar=self.bar,
               on_error=failed, success=done)  # fmt: skip

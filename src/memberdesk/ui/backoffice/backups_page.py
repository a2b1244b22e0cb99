"""Backups: take one now, see the list, restore one (a manager's PIN; the current file is kept);
check the data (`memberdesk check`: the file, the ledgers, the journal) before or after."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.check.checks import CheckReport, run_checks
from ...core.shop.backups import (
    RestorePreview,
    backup_now,
    check_restore_source,
    list_backups,
    restore,
    restore_preview,
    second_folder,
    set_second_folder,
    unsent_records,
)
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

SHOWN = 8  # findings in the box itself; beyond that, all of them under its details


class BackupsPage(QWidget):
    restored = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.findings: QMessageBox | None = None
        outer = QVBoxLayout(self)
        self.bar = MessageBar(self)
        outer.addWidget(self.bar)
        row = QHBoxLayout()
        now = QPushButton(tr("Back up now"), self)
        now.setObjectName("backup_now")
        set_role(now, "primary")
        now.clicked.connect(self.back_up)
        row.addWidget(now)
        self.chosen = chosen = QPushButton(tr("Restore the chosen backup…"), self)
        chosen.setObjectName("restore_chosen")
        chosen.setToolTip(tr("Choose a backup in the list first"))
        chosen.setEnabled(False)  # nothing chosen yet: clicked, it did nothing and said nothing
        chosen.clicked.connect(lambda: self._restore(self.table.selected_key()))
        row.addWidget(chosen)
        other = QPushButton(tr("Restore from a file…"), self)
        other.setObjectName("restore_file")
        other.clicked.connect(self._restore_file)
        row.addWidget(other)
        check = QPushButton(tr("Check the data"), self)
        check.setObjectName("check_data")
        check.setToolTip(
            tr(
                "The file, the balances against their ledgers, and every record against the sync journal"
            )
        )
        check.clicked.connect(self.check_data)
        row.addWidget(check)
        row.addStretch(1)
        outer.addLayout(row)
        self.table = ReadOnlyTable(
            [tr("Taken"), tr("Size"), tr("File")], self, name="backups_table"
        )
        self.table.itemSelectionChanged.connect(
            lambda: self.chosen.setEnabled(self.table.selected_key() is not None)
        )
        outer.addWidget(self.table, 1)
        self.second = QLabel(self)
        self.second.setObjectName("second_folder")
        self.second.setWordWrap(True)
        outer.addWidget(self.second)
        second = QHBoxLayout()
        choose = QPushButton(tr("Also copy to a folder…"), self)
        choose.setObjectName("choose_second_folder")
        choose.clicked.connect(self._choose_second)
        second.addWidget(choose)
        self.clear = QPushButton(tr("Stop copying there"), self)
        self.clear.setObjectName("clear_second_folder")
        self.clear.clicked.connect(lambda: self._set_second(None))
        second.addWidget(self.clear)
        second.addStretch(1)
        outer.addLayout(second)

    def refresh(self) -> None:
        """Newest first, each at the shop's wall-clock time (the file name keeps UTC)."""
        backups = list_backups(self.ctx.store)
        taken = [self.ctx.shop_time(b.taken_at).strftime("%Y-%m-%d %H:%M:%S") for b in backups]
        self.table.fill([[when, f"{b.size / 1_048_576:.1f} MB", b.path.name] for when, b in zip(taken, backups, strict=True)],
                        [b.path for b in backups], numeric=(1,))  # fmt: skip
        self.chosen.setEnabled(self.table.selected_key() is not None)
        self._show_second()

    def _show_second(self) -> None:
        folder = second_folder(self.ctx.store)
        self.clear.setVisible(folder.path is not None)  # no copy folder: nothing to stop
        if folder.path is None:
            self.second.setText(
                tr(
                    "Backups are kept in one place only; a second copy on a USB stick or a synced folder survives a broken disk."
                )
            )
            set_role(self.second, "muted")
        elif folder.error:
            self.second.setText(tr("Second copy in %1: the last one failed (%2)")
                                .replace("%1", str(folder.path)).replace("%2", folder.error))  # fmt: skip
            set_role(self.second, "warning")
        else:
            self.second.setText(
                tr("Every backup is also copied to %1").replace("%1", str(folder.path))
            )
            set_role(self.second, "muted")

    def _choose_second(self) -> None:
        path = QFileDialog.getExistingDirectory(self, tr("Also copy backups to"))
        if path:
            self._set_second(Path(path))

    def _set_second(self, path: Path | None) -> None:
        def saved(_folder) -> None:
            self._show_second()
            self.bar.notice(tr("Saved"))

        def change(who) -> None:
            run_op(self.ctx, lambda: set_second_folder(self.ctx.store, who, path), bar=self.bar,
                   success=saved)  # fmt: skip

        with_authority(self.ctx, self, "backup_settings", lambda who: change(who or self.ctx.actor))

    def back_up(self) -> None:
        store = self.ctx.store

        def done(path: Path) -> None:
            self.refresh()
            self.bar.notice(tr("Backed up to %1").replace("%1", str(path)))

        run_op(self.ctx, lambda p: backup_now(store, progress=p), slow=True, title=tr("Backing up"),
               kind=BACKUP, stoppable=True, bar=self.bar, success=done,
               cancelled=lambda: self.bar.notice(tr("Backup cancelled: no file was written")))  # fmt: skip

    def check_data(self) -> None:
        """`memberdesk check` as a job: a notice when everything holds, else the findings in
        a box the owner can copy from, in the window's language."""
        store, lang = self.ctx.store, self.ctx.core_lang

        def done(report: CheckReport) -> None:
            if report.ok:
                self.bar.notice(tr("The data checks out: %1 checks, no problem found")
                                .replace("%1", str(len(report.checks_run))))  # fmt: skip
                return
            found = [p.text(lang) for p in report.problems]
            self.bar.error(tr("The data check found %1 problems").replace("%1", str(report.found)))
            box = QMessageBox(QMessageBox.Icon.Warning, tr("Check the data"), tr(
                "The data check found %1 problems. Keep a backup of the file as it is now and "
                "show this list to whoever looks after the till's data.").replace(
                "%1", str(report.found)), QMessageBox.StandardButton.Ok, self)  # fmt: skip
            box.setObjectName("check_findings")
            box.setInformativeText("\n".join(found[:SHOWN]) + ("\n…" if len(found) > SHOWN else ""))
            if len(found) > SHOWN:  # the whole list, to copy
                box.setDetailedText("\n".join(found))
            box.open()
            self.findings = box

        run_op(self.ctx, lambda _progress: run_checks(store), slow=True,
               title=tr("Checking the data"), kind=BACKUP, bar=self.bar, success=done)  # fmt: skip

    def _restore_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Choose a backup"), str(self.ctx.store.backup_dir),
                                              "SQLite (*.sqlite *.db);;* (*)")  # fmt: skip
        if path:
            self._restore(Path(path))

    def _restore(self, source: Path | None) -> None:
        if source is None:
            return
        db_path = self.ctx.store.path

        def preview() -> RestorePreview:
            check_restore_source(db_path, source)  # a damaged or foreign file: said, not asked
            return restore_preview(db_path, source)

        run_op(self.ctx, preview, bar=self.bar, success=lambda p: self._confirm(source, p))

    def _confirm(self, source: Path, lost: RestorePreview) -> None:
        """Ask before replacing today's data, saying what the till will no longer show."""
        text = restore_question(self.ctx, source, lost)
        answer = QMessageBox.question(self, tr("Restore"), text)
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
            return restore_over(current, source)

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


def restore_question(ctx: AppContext, source: Path, lost: RestorePreview) -> str:
    """The question asked before today's data is replaced by `source`: the backup named by
    when it was taken, and what the till will no longer show after it."""
    text = tr(
        "Replace today's data with %1? The current file is kept as a backup first."
    ).replace("%1", _backup_words(ctx, source, lost))  # fmt: skip
    if lost.records:
        text += "\n\n" + (
            tr("Made after this backup, and no longer on this till after the restore: %1 sales, "
               "%2 refunds, %3 top-ups, %4 new members (%5 records in all).")
            .replace("%1", str(lost.sales)).replace("%2", str(lost.refunds))
            .replace("%3", str(lost.topups)).replace("%4", str(lost.members))
            .replace("%5", str(lost.records))
        )  # fmt: skip
        if not lost.syncs:
            text += "\n" + tr(
                "Members' points and stored value on this till go back to what they were at "
                "the backup."
            )
            text += "\n" + tr("They stay only in the kept copy of the current file.")
        elif lost.unsent:
            text += "\n" + tr(
                "%1 of them have not reached head office yet: they are sent first when it "
                "answers, otherwise kept and sent after the restore."
            ).replace("%1", str(lost.unsent))
        else:
            text += "\n" + tr("Head office has received all of them and keeps them.")
        if lost.syncs:
            text += "\n" + tr(
                "Members' points and stored value come back from head office with the next "
                "sync, and so do the members issued since (their birthday and notes stay in "
                "the kept copy)."
            )
    return text


def _backup_words(ctx: AppContext, source: Path, preview: RestorePreview) -> str:
    """The backup as the owner knows it: when it was taken, on the shop's clock
    (2026年12月7日 14:05 的备份); a file not named as a backup by its name."""
    if preview.taken_at is None:
        return tr("the backup file %1").replace("%1", source.name)
    at = ctx.shop_time(preview.taken_at)
    return (tr("the backup of %1-%2-%3 %4").replace("%1", str(at.year))
            .replace("%2", str(at.month)).replace("%3", str(at.day))
            .replace("%4", at.strftime("%H:%M")))  # fmt: skip


def restore_over(current: Store, source: Path):  # noqa: ANN201 (core's RestoreResult)
    """Replace `current`'s file with the backup `source` (a job running alone): the store
    closed, what HQ has not got sent first when it can, then carried over, never dropped
    (the notice says so), and an older schema upgraded now, with its own backup."""
    db_path = current.path
    current.close()  # restore() wants the file closed in this process
    if unsent_records(db_path):
        push_what_is_left(db_path)
    done = restore(db_path, source, carry_unsent=True)
    Store(db_path).close()
    return done

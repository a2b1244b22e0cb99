"""The shop's staff list was changed outside memberdesk (its staff deleted from the file, or
none left who may log in): not a new shop, so no "create the first owner". Core says what
happened and what the shop can do; the view offers it: restore a backup (nobody is left to
authorise it, as with a file that no longer opens), or, where the owner's record is still
in the file, the owner's recovery code puts it back."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.shop.backups import (
    RestorePreview,
    check_restore_source,
    restore_preview,
)
from ...core.shop.staff import StaffStanding
from ...core.store.database import Store
from ..backoffice.backups_page import restore_over, restore_question
from ..context import AppContext
from ..i18n import tr
from ..ops import run_op
from ..widgets.fields import MessageBar, set_role
from ..worker import BACKUP
from .forgot_pin import ForgotPinDialog


class StaffGoneView(QWidget):
    settled = Signal()  # a backup was restored or the owner's record put back: look again

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.forgot: ForgotPinDialog | None = None
        outer = QVBoxLayout(self)
        title = QLabel(tr("The staff list was changed outside memberdesk"), self)
        title.setObjectName("staff_gone_title")
        set_role(title, "big")
        outer.addWidget(title)
        self.bar = MessageBar(self)
        outer.addWidget(self.bar)
        self.why = QLabel(self)
        self.why.setObjectName("staff_gone_why")
        self.why.setWordWrap(True)
        outer.addWidget(self.why)
        note = QLabel(
            tr("This is not a new shop: its records say who its staff were, so nobody is set up "
               "as its first owner here. Until the staff list is put back nobody can log in."),
            self,
        )  # fmt: skip
        note.setWordWrap(True)
        set_role(note, "muted")
        outer.addWidget(note)
        buttons = QHBoxLayout()
        self.restore_button = QPushButton(tr("Restore a backup…"), self)
        self.restore_button.setObjectName("staff_gone_restore")
        set_role(self.restore_button, "primary")
        self.restore_button.clicked.connect(self._choose_backup)
        buttons.addWidget(self.restore_button)
        self.recover_button = QPushButton(tr("Forgot PIN? (the owner, with the recovery code)"),
                                          self)  # fmt: skip
        self.recover_button.setObjectName("staff_gone_recover")
        self.recover_button.clicked.connect(self._recover)
        buttons.addWidget(self.recover_button)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        outer.addStretch(1)
        self.standing: StaffStanding | None = None

    def show_standing(self, standing: StaffStanding) -> None:
        """Say what core found, and offer what can put it right."""
        self.standing = standing
        self.why.setText(standing.refusal().message(self.ctx.core_lang))
        # The recovery code puts back an owner's record still in the file, not deleted rows.
        self.recover_button.setVisible(bool(standing.owners) and not standing.gone)
        self.restore_button.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------- the owner's recovery code

    def _recover(self) -> None:
        owners = self.standing.owners if self.standing is not None else ()
        if self.forgot is not None:
            self.forgot.deleteLater()
        self.forgot = ForgotPinDialog(self.ctx, owners[0] if owners else None, self,
                                      names=list(owners))  # fmt: skip
        self.forgot.recovered.connect(lambda _name: self._recovered())
        self.forgot.open()

    def _recovered(self) -> None:
        # the new code is written down in the dialog first; then the log-in
        self.forgot.finished.connect(lambda _r: self.settled.emit())

    # ------------------------------------------------------------- restoring a backup

    def _choose_backup(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Choose a backup"),
                                              str(self.ctx.store.backup_dir),
                                              "SQLite (*.sqlite *.db);;* (*)")  # fmt: skip
        if not path:
            return
        source, db_path = Path(path), self.ctx.store.path

        def preview():
            check_restore_source(db_path, source)  # a damaged or foreign file: said, not asked
            return restore_preview(db_path, source)

        run_op(self.ctx, preview, bar=self.bar, success=lambda lost: self._confirm(source, lost))

    def _confirm(self, source: Path, lost: RestorePreview) -> None:
        text = restore_question(self.ctx, source, lost)
        if QMessageBox.question(self, tr("Restore"), text) != QMessageBox.StandardButton.Yes:
            return
        self._restore_now(source)

    def _restore_now(self, source: Path) -> None:
        """Replace the database with `source`, alone (no other job has the file open), with
        the window's store closed until it is done. Nobody is asked for a PIN: nobody is left
        in the file to ask, as for a file that no longer opens (`memberdesk restore` too)."""
        ctx = self.ctx
        db_path, current = ctx.store.path, ctx.store

        def run(progress):
            return restore_over(current, source)

        def reopen() -> None:
            ctx.store = Store(db_path, clock=ctx.store.clock, background_checkpoint=True)

        def done(result) -> None:
            reopen()
            self.bar.notice(
                tr("Restored; the previous data was kept as %1").replace("%1", str(result.safety))
            )
            self.settled.emit()

        def failed(_exc: BaseException) -> bool:
            reopen()
            return False  # said in the bar

        run_op(ctx, run, slow=True, title=tr("Restoring"), kind=BACKUP, exclusive=True,
               bar=self.bar, on_error=failed, success=done)  # fmt: skip

"""清除个人信息: what goes and what stays, said plainly, then a manager's PIN."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from ...core.members.erase import erase_member
from ...core.members.member import MemberView
from ..context import AppContext
from ..i18n import tr
from ..ops import run_op
from ..widgets.fields import ErrorLabel
from .authorise import with_authority
from .money_dialogs import dialog_buttons


class EraseDialog(QDialog):
    done = Signal(object)  # MemberView

    def __init__(self, ctx: AppContext, member: MemberView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.member = ctx, member
        self.setWindowTitle(tr("Erase personal information"))
        layout = QVBoxLayout(self)
        text = QLabel(
            tr("Erase the personal information of %1 (card %2)?\n\n"
               "Goes for good: the name, phone, birthday, gender, notes, marketing consent "
               "and the notes of follow-up calls. The member is no longer found by name "
               "or phone.\n\n"
               "Stays: the card number, the sales, refunds, points and stored-value history, "
               "which are accounting records the law requires the shop to keep.")
            .replace("%1", member.name).replace("%2", member.card_no),
            self,
        )  # fmt: skip
        text.setObjectName("erase_explained")
        text.setWordWrap(True)
        layout.addWidget(text)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        row, ok = dialog_buttons(self, tr("Erase personal information"), "confirm_erase")
        ok.clicked.connect(self._confirm)
        layout.addLayout(row)

    def _confirm(self) -> None:
        detail = tr("Erase the personal information of %1").replace("%1", self.member.card_no)
        with_authority(self.ctx, self, "member_erase", self._run, detail=detail)

    def _run(self, authoriser) -> None:
        member_id = self.member.id

        def erase() -> MemberView:
            return erase_member(self.ctx.store, self.ctx.actor, member_id, authoriser=authoriser)

        run_op(self.ctx, erase, show=self.error.show_message, success=self._done)

    def _done(self, view: MemberView) -> None:
        self.accept()
        self.done.emit(view)

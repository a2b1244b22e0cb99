"""Set a member's tier by hand and lock it there: a manager's act, with a reason.

The tiers offered are those of the program in force, by name. Core checks everything
first; a cashier is asked for a manager's PIN only when core says it is needed, so a
missing reason is said before anyone is called over.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import DomainError
from ...core.loyalty.program_store import current_program
from ...core.members.member import MemberView
from ...core.members.tiers import set_tier
from ...core.till.history import member_facts
from ..context import AppContext
from ..i18n import tr
from ..ops import run_op
from ..texts import tier_text
from ..widgets.fields import ErrorLabel, InlineForm
from .authorise import AuthoriseDialog, with_authority
from .money_dialogs import dialog_buttons

FIELD_OF = {"tier.unknown": "tier", "tier.reason": "reason"}


class TierDialog(QDialog):
    done = Signal(object)  # MemberView

    def __init__(self, ctx: AppContext, member: MemberView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.member = ctx, member
        self.authorise: AuthoriseDialog | None = None
        self.setObjectName("tier_dialog")
        self.setMinimumWidth(520)
        self.setWindowTitle(tr("Member tier: %1").replace("%1", member.name))
        layout = QVBoxLayout(self)
        now = tier_text(member_facts(ctx.store, member).tier_name, member.tier_locked)
        layout.addWidget(QLabel(tr("Now: %1").replace("%1", now), self))
        self.form = InlineForm(self)
        self.tier = self.form.add("tier", tr("Tier"), QComboBox(self))
        self.tier.setObjectName("tier_choice")
        for level in current_program(ctx.store).program.tiers.levels:
            self.tier.addItem(level.name, level.code)
        at = self.tier.findData(member.tier)
        self.tier.setCurrentIndex(max(at, 0))
        self.locked = self.form.add("locked", "", QCheckBox(tr("Lock the tier"), self))
        self.locked.setObjectName("tier_locked")
        self.locked.setChecked(member.tier_locked)
        # as wide as its words: a click anywhere on the box toggles it
        self.locked.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.locked.setToolTip(tr("A locked tier is not raised by sales nor changed at the review"))
        self.reason = self.form.add("reason", tr("Reason"), QLineEdit(self))
        self.reason.setObjectName("tier_reason")
        layout.addWidget(self.form)
        self.error = ErrorLabel(self)
        self.error.setObjectName("tier_dialog_error")
        layout.addWidget(self.error)
        row, ok = dialog_buttons(self, tr("Set tier"), "confirm_tier")
        ok.clicked.connect(lambda: self._run(None))
        layout.addLayout(row)
        self.tier.setFocus()

    def _run(self, authoriser) -> None:
        self.form.clear_errors()
        self.error.show_message("")
        run_op(
            self.ctx,
            lambda: set_tier(
                self.ctx.store, self.ctx.actor, self.member.id, self.tier.currentData() or "",
                locked=self.locked.isChecked(), reason=self.reason.text(), authoriser=authoriser,
            ),
            show=self.error.show_message,
            on_error=lambda exc: self._refused(exc, authoriser),
            success=self._done,
        )  # fmt: skip

    def _refused(self, exc: BaseException, authoriser) -> bool:
        """A refusal beside its field; without the right, a manager's PIN is asked for."""
        if not isinstance(exc, DomainError):
            return False
        if exc.code == "tier.unknown":  # the name the person chose, not the stored code
            exc = DomainError(exc.code, tier=self.tier.currentText())
        message = exc.message(self.ctx.core_lang)
        if exc.code in FIELD_OF:
            self.form.set_error(FIELD_OF[exc.code], message)
        else:
            self.error.show_message(message)
            if exc.code == "permission.denied" and authoriser is None:
                detail = tr("Tier %1 for %2").replace("%1", self.tier.currentText())
                self.authorise = with_authority(self.ctx, self, "tier_set", self._run,
                                                detail=detail.replace("%2", self.member.name))  # fmt: skip
        return True

    def _done(self, view: MemberView) -> None:
        self.accept()
        self.done.emit(view)

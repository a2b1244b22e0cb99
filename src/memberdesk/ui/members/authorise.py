"""A manager's PIN for an act the logged-in cashier may not do alone (core checks it again)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QVBoxLayout, QWidget

from ...core.i18n import gettext
from ...core.shop.staff import PRIVILEGED, Actor, list_staff, login
from ..context import AppContext
from ..i18n import tr
from ..ops import run_op
from ..texts import role_name
from ..widgets.fields import ErrorLabel
from ..widgets.pin_pad import PinPad


class AuthoriseDialog(QDialog):
    authorised = Signal(object)  # Actor

    def __init__(self, ctx: AppContext, act: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("authorise_dialog")
        self.setWindowTitle(tr("Manager's PIN needed"))
        layout = QVBoxLayout(self)
        what = gettext(PRIVILEGED[act], ctx.lang)
        text = tr("%1 needs a manager or the owner. Ask them to type their PIN.").replace(
            "%1", what
        )
        label = QLabel(text, self)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.who = QComboBox(self)
        self.who.setObjectName("authoriser")
        for info in list_staff(ctx.store):
            if info.role in ("manager", "owner"):
                self.who.addItem(f"{info.name} · {role_name(info.role)}", info.name)
        self.who.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        layout.addWidget(self.who)
        self.pad = PinPad(self)
        self.pad.submitted.connect(self._check)
        layout.addWidget(self.pad)
        self.error = ErrorLabel(self)
        self.error.setObjectName("authorise_error")
        layout.addWidget(self.error)
        self.pad.setFocus()

    def _check(self, pin: str) -> None:
        name = self.who.currentData()
        if not name:
            self.error.show_message(tr("No manager or owner is set up"))
            return

        def refused(_exc: BaseException) -> bool:
            self.pad.clear()
            return False  # said below the pad

        run_op(self.ctx, lambda: login(self.ctx.store, name, pin), show=self.error.show_message,
               on_error=refused, success=self._checked)  # fmt: skip

    def _checked(self, actor: Actor) -> None:
        if not actor.privileged:
            self.error.show_message(tr("%1 is not a manager").replace("%1", actor.name))
            return
        self.accept()
        self.authorised.emit(actor)


def with_authority(ctx: AppContext, parent: QWidget, act: str,
                   proceed: Callable[[Actor | None], None]) -> AuthoriseDialog | None:  # fmt: skip
    """Run `proceed(authoriser)` at once for a manager, or after a manager's PIN for a cashier."""
    if ctx.actor.privileged:
        proceed(None)
        return None
    dialog = AuthoriseDialog(ctx, act, parent)
    dialog.authorised.connect(proceed)
    dialog.open()
    return dialog

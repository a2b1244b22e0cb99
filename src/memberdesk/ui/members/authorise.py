"""A manager's PIN for an act the logged-in cashier may not do alone (core checks it again).

Nobody is chosen beforehand: the person approving picks their own name, so a wrong PIN
counts towards their lockout and no one else's. The dialog says what is approved and,
where there is one, how much."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QVBoxLayout, QWidget

from ...core.i18n import gettext
from ...core.shop.staff import PRIVILEGED, Actor, list_staff, login
from ..context import AppContext
from ..i18n import tr
from ..ops import run_op
from ..texts import role_name
from ..widgets.fields import ErrorLabel, set_role
from ..widgets.pin_pad import DigitsToPad, PinPad


class AuthoriseDialog(QDialog):
    authorised = Signal(object)  # Actor

    def __init__(
        self, ctx: AppContext, act: str, parent: QWidget | None = None, *, detail: str = ""
    ) -> None:
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
        self.detail = QLabel(detail, self)
        self.detail.setObjectName("authorise_detail")
        self.detail.setWordWrap(True)
        set_role(self.detail, "big")
        self.detail.setVisible(bool(detail))
        layout.addWidget(self.detail)
        self.who = QComboBox(self)
        self.who.setObjectName("authoriser")
        self.who.setPlaceholderText(tr("Who approves? Choose your name"))
        for info in list_staff(ctx.store):
            if info.role in ("manager", "owner"):
                self.who.addItem(f"{info.name} · {role_name(info.role)}", info.name)
        self.who.setCurrentIndex(-1)  # nobody by default: the one approving says who they are
        self.who.activated.connect(lambda _i: self.pad.setFocus())
        self.who.currentIndexChanged.connect(lambda _i: self.error.show_message(""))
        layout.addWidget(self.who)
        self.pad = PinPad(self)
        DigitsToPad(self.who, self.pad)  # a PIN typed on the names goes into the PIN box
        self.pad.submitted.connect(self._check)
        layout.addWidget(self.pad)
        self.error = ErrorLabel(self)
        self.error.setObjectName("authorise_error")
        layout.addWidget(self.error)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self.who.setFocus()  # the name first, then the PIN

    def _check(self, pin: str) -> None:
        if self.who.count() == 0:
            self.error.show_message(tr("No manager or owner is set up"))
            return
        name = self.who.currentData()
        if not name:
            self.pad.clear()  # nobody's PIN: nothing counts towards anyone's lockout
            self.error.show_message(tr("Choose who approves first"))
            self.who.setFocus()
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
                   proceed: Callable[[Actor | None], None], *, detail: str = "") -> AuthoriseDialog | None:  # fmt: skip
    """Run `proceed(authoriser)` at once for a manager, or after a manager's PIN for a cashier.

    `detail`: what exactly is approved, e.g. 退款 ¥95.00（小票 S001-…）."""
    if ctx.actor.privileged:
        proceed(None)
        return None
    dialog = AuthoriseDialog(ctx, act, parent, detail=detail)
    dialog.authorised.connect(proceed)
    dialog.open()
    return dialog

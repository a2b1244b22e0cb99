"""Count the drawer and open a shift: the one form for the opening float.

Shown after logging in when the person has no open shift, in the till when the
shift was closed (no sale is rung up outside a shift), and in a dialog when money is
taken in or paid out from the members view with no shift open (`within_shift`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from ...core.shop.staff import Actor
from ...core.till.shifts import last_handover, open_shift
from ..context import AppContext
from ..i18n import tr
from ..ops import run_op
from ..texts import money
from ..widgets.fields import ErrorLabel, MoneyEdit, set_role


class OpeningFloat(QWidget):
    """`opened` carries the new shift's id; a refused float changes nothing and says why."""

    opened = Signal(object, str)  # Actor, shift id

    def __init__(
        self, ctx: AppContext, who: Callable[[], Actor | None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._who = who
        col = QVBoxLayout(self)
        col.addStretch(1)
        self.greeting = QLabel(self)
        self.greeting.setObjectName("float_greeting")
        self.greeting.setWordWrap(True)
        self.greeting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        col.addWidget(self.greeting)  # full width: a wrapped line gets the height it needs
        col.addWidget(
            QLabel(tr("Opening float (cash in the drawer, yuan)"), self),
            0,
            Qt.AlignmentFlag.AlignHCenter,
        )
        self.edit = MoneyEdit(self)
        self.edit.setObjectName("opening_float")
        self.edit.setMaximumWidth(260)
        self.edit.returnPressed.connect(self.open_shift)
        self.edit.textEdited.connect(lambda _t: self.error.show_message(""))
        col.addWidget(self.edit, 0, Qt.AlignmentFlag.AlignHCenter)
        self.left = QLabel(self)
        self.left.setObjectName("float_left")
        set_role(self.left, "muted")
        col.addWidget(self.left, 0, Qt.AlignmentFlag.AlignHCenter)
        self.error = ErrorLabel(self)
        self.error.setObjectName("float_error")
        col.addWidget(self.error, 0, Qt.AlignmentFlag.AlignHCenter)
        self.button = QPushButton(tr("Open shift (Enter)"), self)
        self.button.setObjectName("open_shift")
        set_role(self.button, "primary")
        self.button.clicked.connect(self.open_shift)
        col.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        col.addStretch(2)
        self.setFocusProxy(self.edit)

    def start(self, greeting: str) -> None:
        """Ask for the float; the cash the last close left in the drawer is offered (selected,
        so typing another amount replaces it)."""
        self.greeting.setText(greeting)
        left = last_handover(self.ctx.store)
        self.edit.clear()
        if left is not None:
            self.edit.set_fen(left)
            self.left.setText(tr("The last shift left %1 in the drawer").replace("%1", money(left)))
        self.left.setVisible(left is not None)
        self.error.show_message("")
        self.edit.setFocus()
        self.edit.selectAll()

    def open_shift(self) -> None:
        actor = self._who()
        if actor is None:
            return

        def opened(shift: str) -> None:
            self.error.show_message("")
            self.edit.clear()
            self.opened.emit(actor, shift)

        # an unreadable amount or a refusal: said here, nothing opened
        run_op(self.ctx, lambda: open_shift(self.ctx.store, actor, self.edit.fen()),
               show=self.error.show_message, success=opened)  # fmt: skip


def no_shift_text(what: str) -> str:
    """The refusal, in the person's words: `what` is the act, e.g. 充值."""
    return tr(
        "No shift is open, so you cannot %1: money taken in or paid out is recorded in a shift."
    ).replace("%1", what)


class OpeningFloatDialog(QDialog):
    """The opening-float form on its own: open the shift, then carry on with what was asked."""

    opened = Signal(str)  # shift id

    def __init__(self, ctx: AppContext, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("opening_float_dialog")
        self.setWindowTitle(tr("Open a shift"))
        self.resize(560, 280)
        layout = QVBoxLayout(self)
        self.form = OpeningFloat(ctx, lambda: ctx.session.actor if ctx.session else None, self)
        self.form.opened.connect(self._opened)
        layout.addWidget(self.form)
        self.form.start(
            tr("%1 Count the drawer and type the opening float to open one.").replace(
                "%1", no_shift_text(what)
            )
        )

    def _opened(self, _actor: Actor, shift_id: str) -> None:
        self.ctx.set_shift(shift_id)
        self.accept()
        self.opened.emit(shift_id)


def within_shift(
    ctx: AppContext, parent: QWidget, what: str, proceed: Callable[[], None]
) -> OpeningFloatDialog | None:
    """Run `proceed()` at once inside an open shift; otherwise ask for the opening float
    first and carry on once the shift is open (cancelled: nothing happens)."""
    if ctx.shift_id is not None:
        proceed()
        return None
    dialog = OpeningFloatDialog(ctx, what, parent)
    dialog.opened.connect(lambda _shift: proceed())
    dialog.open()
    return dialog

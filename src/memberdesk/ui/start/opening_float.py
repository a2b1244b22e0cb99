"""Count the drawer and open a shift: the one form for the opening float.

Shown after logging in when the person has no open shift, and in the till when the
shift was closed: no sale is rung up outside a shift.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from ...core.shifts import open_shift
from ...core.staff import Actor
from ..context import AppContext
from ..i18n import tr
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
            QLabel(tr("Opening float (cash in the drawer, 元)"), self),
            0,
            Qt.AlignmentFlag.AlignHCenter,
        )
        self.edit = MoneyEdit(self)
        self.edit.setObjectName("opening_float")
        self.edit.setMaximumWidth(260)
        self.edit.returnPressed.connect(self.open_shift)
        col.addWidget(self.edit, 0, Qt.AlignmentFlag.AlignHCenter)
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
        self.greeting.setText(greeting)
        self.edit.clear()
        self.error.show_message("")
        self.edit.setFocus()

    def open_shift(self) -> None:
        actor = self._who()
        if actor is None:
            return
        try:
            shift = open_shift(self.ctx.store, actor, self.edit.fen())
        except Exception as exc:  # an unreadable amount or a refusal: said here, nothing opened
            self.error.show_message(self.ctx.explain(exc))
            return
        self.error.show_message("")
        self.edit.clear()
        self.opened.emit(actor, shift)

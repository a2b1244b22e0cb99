"""The owner's recovery code, shown once to be written down (set-up, the staff page)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from ..i18n import tr
from .fields import set_role


class RecoveryCodeBox(QFrame):
    """The code, large and selectable, with what to do with it. Empty until `show_code`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_role(self, "panel")
        col = QVBoxLayout(self)
        self.code = QLabel("", self)
        self.code.setObjectName("recovery_code")
        set_role(self.code, "big")
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        col.addWidget(self.code)
        self.note = QLabel("", self)
        self.note.setObjectName("recovery_note")
        self.note.setWordWrap(True)
        col.addWidget(self.note)
        self.hide()

    def show_code(self, code: str, owner: str) -> None:
        self.code.setText(code)
        self.note.setText(
            tr(
                "The owner's recovery code. Write it down now and keep it away from the till "
                "(at home, with the shop's papers): it is shown only now. If %1 forgets the "
                "PIN, this code sets a new one (“Forgot PIN?” on the log-in screen, or "
                "memberdesk staff recover-owner %1); nobody else can. Each code works once: "
                "the next one is shown then."
            ).replace("%1", owner)
        )
        self.show()

    def forget(self) -> None:
        """Shown only once: the code leaves the window."""
        self.code.clear()
        self.note.clear()
        self.hide()

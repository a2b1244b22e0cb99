"""A numeric PIN pad: big buttons for a touch screen, and the keyboard works just the same."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QGridLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr


class PinPad(QWidget):
    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.edit = QLineEdit(self)
        self.edit.setObjectName("pin")
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setValidator(QRegularExpressionValidator(r"^\d{0,8}$", self.edit))
        self.edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)  # digits only
        self.edit.setPlaceholderText(tr("PIN"))
        self.edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.edit.font()
        font.setPointSize(font.pointSize() + 8)
        self.edit.setFont(font)
        self.edit.returnPressed.connect(self._submit)
        layout.addWidget(self.edit)
        grid = QGridLayout()
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "C", "0", "OK"]
        for i, key in enumerate(keys):
            label = {"C": tr("Clear"), "OK": tr("OK")}.get(key, key)
            button = QPushButton(label, self)
            button.setObjectName(f"pin_{key}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the PIN field
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            button.setMinimumHeight(44)
            button.clicked.connect(lambda _=False, k=key: self._press(k))
            grid.addWidget(button, i // 3, i % 3)
        layout.addLayout(grid)
        self.setFocusProxy(self.edit)

    def _press(self, key: str) -> None:
        if key == "C":
            self.edit.clear()
        elif key == "OK":
            self._submit()
        elif len(self.edit.text()) < 8:
            self.edit.setText(self.edit.text() + key)
        self.edit.setFocus()

    def _submit(self) -> None:
        pin = self.edit.text()
        if pin:
            self.submitted.emit(pin)

    def clear(self) -> None:
        self.edit.clear()


class DigitsToPad(QObject):
    """Digits and Enter typed while a list of names has the keys (where they are when an
    approval opens: nobody is chosen beforehand) are the PIN: they go into the pad's box,
    and Enter there says to choose who approves first, never swallowed by the list."""

    def __init__(self, names: QComboBox, pad: PinPad) -> None:
        super().__init__(names)
        self.names, self.pad = names, pad
        names.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is not self.names or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        typed = event.text()
        if not (typed.isdigit() or event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            return False
        if self.names.view().isVisible():
            return False  # the open list: Enter chooses the name
        self.pad.setFocus()
        copy = QKeyEvent(event.type(), event.key(), event.modifiers(), typed)
        QApplication.sendEvent(self.pad.edit, copy)
        return True

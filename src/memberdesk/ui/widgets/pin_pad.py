"""A numeric PIN pad: big buttons for a touch screen, and the keyboard works just the same."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QGridLayout, QLineEdit, QPushButton, QSizePolicy, QVBoxLayout, QWidget

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

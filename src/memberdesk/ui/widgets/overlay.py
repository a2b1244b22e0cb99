"""The F1 help overlay: every shortcut of the current screen, over a dimmed view."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QKeyEvent, QPainter
from PySide6.QtWidgets import QApplication, QGridLayout, QLabel, QVBoxLayout, QWidget

from ..i18n import tr


class HelpOverlay(QWidget):
    """Covers its parent; any key or click closes it, and the keys go back where they were
    typed before (the till's search box, for the next scan)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("help_overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        outer = QVBoxLayout(self)
        outer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.card = QWidget(self)
        self.card.setStyleSheet("background: white; border-radius: 8px;")
        outer.addWidget(self.card, 0, Qt.AlignmentFlag.AlignCenter)
        self.grid = QGridLayout(self.card)
        self.grid.setContentsMargins(24, 16, 24, 16)
        self.grid.setHorizontalSpacing(24)
        parent.installEventFilter(self)
        self._had_focus: QWidget | None = None
        self.hide()

    def show_keys(self, keys: list[tuple[str, str]]) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        title = QLabel(tr("Keyboard shortcuts (any key closes this)"), self.card)
        title.setProperty("role", "big")
        self.grid.addWidget(title, 0, 0, 1, 4)
        half = (len(keys) + 1) // 2
        for i, (key, what) in enumerate(keys):
            row, col = (i % half) + 1, (i // half) * 2
            k = QLabel(f"<b>{key}</b>", self.card)
            self.grid.addWidget(k, row, col)
            self.grid.addWidget(QLabel(what, self.card), row, col + 1)
        focused = QApplication.focusWidget()
        if (
            focused is not None
            and focused is not self
            and self.parentWidget().isAncestorOf(focused)
        ):
            self._had_focus = focused
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()
        self.setFocus()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 140))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:  # Esc and F-keys close the overlay first
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        self.close_overlay()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self.close_overlay()

    def close_overlay(self) -> None:
        self.hide()
        back, self._had_focus = self._had_focus, None
        if back is not None and back.isVisible() and back.isEnabled():
            back.setFocus()
        elif self.parentWidget() is not None:
            self.parentWidget().setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        return False

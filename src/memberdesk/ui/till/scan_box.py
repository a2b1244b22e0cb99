"""The till's one search box, which also takes the card scanner.

A scanner "types" a whole number in a few milliseconds and ends with Enter; a
person types far slower. Every character is timed as it arrives — whether as a key
press or as text an input method commits — and when the characters before Enter
all came in a fast burst, it is a scan: the burst itself is emitted, not the box's
text, so whatever the Chinese input method was composing cannot garble or swallow
it. Once a burst is seen, the input method is switched off for this box until the
scan ends, so it stops taking keys (a pinyin IME would read the scanner's digits as
candidate choices). Anything else ending in Enter is a search.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

BURST_GAP_S = 0.05  # scanners send keys 2–20 ms apart; people need 100 ms and more
MIN_SCAN_LENGTH = 6  # the shortest card number (cardno.CARD_PATTERN)
IME_RESUME_MS = 400


class ScanBox(QLineEdit):
    scanned = Signal(str)
    searched = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scan_box")
        self.setClearButtonEnabled(True)
        self._burst: list[str] = []
        self._last = 0.0
        self._ime_suspended = False
        self._resume = QTimer(self)
        self._resume.setSingleShot(True)
        self._resume.setInterval(IME_RESUME_MS)
        self._resume.timeout.connect(self._resume_ime)

    # ------------------------------------------------------------------ timing
    def _note(self, chars: str) -> None:
        now = time.monotonic()
        if self._burst and now - self._last > BURST_GAP_S:
            self._burst = []
        self._burst.extend(chars)
        self._last = now
        if len(self._burst) >= 3 and not self._ime_suspended:
            self._suspend_ime()
        if self._ime_suspended:
            self._resume.start()

    def burst(self) -> str:
        """The fast run of characters just before now ('' when the last key came slowly)."""
        if not self._burst or time.monotonic() - self._last > BURST_GAP_S:
            return ""
        return "".join(self._burst)

    # ------------------------------------------------------------------ input method
    def _suspend_ime(self) -> None:
        """A scan is under way: drop any composition and keep the input method out of it."""
        self._ime_suspended = True
        self._drop_preedit()
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        QGuiApplication.inputMethod().reset()
        QGuiApplication.inputMethod().update(Qt.InputMethodQuery.ImEnabled)

    def _resume_ime(self) -> None:
        if self._ime_suspended:
            self._ime_suspended = False
            self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, True)
            QGuiApplication.inputMethod().update(Qt.InputMethodQuery.ImEnabled)

    def _drop_preedit(self) -> None:
        super().inputMethodEvent(QInputMethodEvent("", []))

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:  # noqa: N802
        commit = event.commitString()
        if commit:
            self._note(commit)
        if self._ime_suspended:
            # Text composed while a scan runs belongs to no one: keep only what was committed.
            if commit:
                self.insert(commit)
            event.accept()
            return
        super().inputMethodEvent(event)

    # ------------------------------------------------------------------ keys
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._finish()
            event.accept()
            return
        text = event.text()
        if text and text.isprintable():
            self._note(text)
        super().keyPressEvent(event)

    def _finish(self) -> None:
        burst = self.burst().strip()
        self._burst = []
        if len(burst) >= MIN_SCAN_LENGTH:
            self._drop_preedit()
            self.clear()
            self._resume_ime()
            self.scanned.emit(burst)
            return
        text = self.text().strip()
        if text:
            self.searched.emit(text)

"""The till's own keys win over the editing keys of the field the cursor is in."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QWidget


class TillKeysFirst(QObject):
    """A field may claim a key for its own editing before the till's shortcut sees it: on
    Linux a line edit takes Ctrl+E as "end of line", so with the cursor in the search box
    (where it nearly always is) 改行 / 折扣 (Ctrl+E) did nothing. For the till's keys the
    fields' claim is turned down, and the till's shortcut runs."""

    def __init__(self, keys: Iterable[QKeySequence], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._keys = {seq[0].toCombined() for seq in keys if not seq.isEmpty()}

    def watch(self, widgets: Sequence[QWidget]) -> None:
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        if event.keyCombination().toCombined() not in self._keys:
            return False
        event.ignore()  # not the field's: the till's shortcut takes it
        return True

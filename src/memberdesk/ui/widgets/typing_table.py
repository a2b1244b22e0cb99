"""An editable table that takes Chinese typed straight into a selected cell.

Typing into a selected cell opens its editor; a key press reaches the editor that opened,
but the input method's committed text (how Chinese arrives) did not: the view opened
nothing and dropped it (九折券 and 银卡会员 came out empty or unchanged). Here the view opens
the cell and passes the committed text on to its editor.
"""

from __future__ import annotations

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QTableWidget


class TypingTable(QTableWidget):
    def inputMethodEvent(self, event: QInputMethodEvent) -> None:  # noqa: N802 (Qt's name)
        """Text committed into a selected cell that is not being edited opens the cell with it."""
        index = self.currentIndex()
        if (self.state() != self.State.EditingState and event.commitString()
                and not event.preeditString() and index.isValid()):  # fmt: skip
            self.edit(index)
            editor = QApplication.focusWidget()
            if self.state() == self.State.EditingState and editor not in (None, self):
                QApplication.sendEvent(editor, event)
                return
        super().inputMethodEvent(event)

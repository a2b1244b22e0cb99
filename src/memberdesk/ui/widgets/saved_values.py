"""What a page's boxes said when they were last read or saved, to tell whether the owner
has typed something since that is not saved; and the question asked before it is lost.

A back-office page with boxes to save keeps one as `saved_values`: made with a function
that reads what the boxes show, `keep()` once they show what is saved (read again, or
just saved). The back office asks `changed()` before it leaves the page and drops the
typing (backoffice_view), and so does the window before another tab (workspace), logging
out or closing (main_window); a page can ask it too before something would overwrite it
(another person chosen on the staff page, the item editor closed)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from ..i18n import tr


class SavedValues:
    def __init__(self, read: Callable[[], object]) -> None:
        self._read = read
        self._kept: tuple[object] | None = None  # none kept yet: nothing typed over them

    def keep(self) -> None:
        """The boxes now show what is saved."""
        self._kept = (self._read(),)

    def changed(self) -> bool:
        """Something typed since `keep()` that is not saved."""
        return self._kept is not None and (self._read(),) != self._kept


def ask_to_leave(parent: QWidget, then: Callable[[], None], text: str = "") -> QMessageBox:
    """Ask whether to leave changes not saved and lose them: `then` runs only if the
    owner leaves; staying keeps what was typed. `text` says what is left when it is not
    the page (the page's question by default). The question, open, is returned."""
    box = QMessageBox(QMessageBox.Icon.Question, tr("Changes not saved"),
                      text or tr("This page has changes that are not saved. Leave it and lose them?"),
                      parent=parent)  # fmt: skip
    box.setObjectName("leave_unsaved_question")
    stay = box.addButton(tr("Stay and save them"), QMessageBox.ButtonRole.RejectRole)
    stay.setObjectName("stay_on_page")
    leave = box.addButton(tr("Leave without saving"), QMessageBox.ButtonRole.DestructiveRole)
    leave.setObjectName("leave_page")
    box.setDefaultButton(stay)
    box.finished.connect(lambda _r: then() if box.clickedButton() is leave else None)
    box.open()
    return box


class ClosingAsks:
    """For a dialog (listed before QDialog among its bases): Esc, 取消 and the close button
    ask before typing not saved is lost, staying keeps it; saving (accept) never asks.
    `keep_typed(read, question)` once its boxes show what it opened with."""

    def keep_typed(self, read: Callable[[], object], question: str) -> None:
        self.saved_values = SavedValues(read)
        self.saved_values.keep()
        self.leave_question: QMessageBox | None = None
        self._leave_text = question

    def reject(self) -> None:
        if self.leave_question is not None and self.leave_question.isVisible():
            return  # already asked: the question on screen is the answer
        if self.saved_values.changed():
            self.leave_question = ask_to_leave(
                self,
                lambda: QDialog.reject(self),
                self._leave_text,  # type: ignore[arg-type]
            )
            return
        QDialog.reject(self)  # type: ignore[arg-type]

"""The count is off by more than the shop's threshold: count again, or say what happened.
Short (短款) reads red, over (长款) amber, both in words too."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.till.shifts import CountCheck
from ..i18n import tr
from ..texts import money
from ..widgets.fields import ErrorLabel, set_role


def difference_text(difference: int) -> str:
    """短款 ¥12.00 when the drawer holds less than expected, 长款 ¥5.00 when more."""
    if difference < 0:
        return tr("Short %1").replace("%1", money(-difference))
    if difference > 0:
        return tr("Over %1").replace("%1", money(difference))
    return tr("No difference")


def difference_role(difference: int) -> str:
    return "short" if difference < 0 else "over" if difference > 0 else "even"


def table_html(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><td>{k}</td><td align='right'><b>{v}</b></td></tr>" for k, v in rows)
    return f"<table cellspacing='6'>{cells}</table>"


class DifferenceDialog(QDialog):
    """The count is off by more than the threshold: count again, or say what happened."""

    confirmed = Signal(str)  # the note

    def __init__(self, check: CountCheck, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("difference_dialog")
        self.setWindowTitle(tr("The drawer does not match"))
        col = QVBoxLayout(self)
        facts = QLabel(
            table_html(
                [
                    (tr("Cash counted"), money(check.counted)),
                    (tr("Cash expected in the drawer"), money(check.expected)),
                ]
            ),  # fmt: skip
            self,
        )
        facts.setObjectName("difference_facts")
        col.addWidget(facts)
        self.difference = QLabel(difference_text(check.difference), self)
        self.difference.setObjectName("difference_amount")
        set_role(self.difference, difference_role(check.difference))
        col.addWidget(self.difference)
        why = QLabel(
            tr("The difference is more than %1. Count the drawer again, or write what "
               "happened and close the shift.").replace("%1", money(check.threshold)),
            self,
        )  # fmt: skip
        why.setWordWrap(True)
        col.addWidget(why)
        col.addWidget(QLabel(tr("What happened"), self))
        self.note = QLineEdit(self)
        self.note.setObjectName("difference_note")
        self.note.setMaxLength(200)
        col.addWidget(self.note)
        self.error = ErrorLabel(self)
        self.error.setObjectName("difference_error")
        col.addWidget(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        again = QPushButton(tr("Count again"), self)
        again.setObjectName("count_again")
        again.clicked.connect(self.reject)
        row.addWidget(again)
        self.ok = QPushButton(tr("Confirm and close the shift"), self)
        self.ok.setObjectName("confirm_difference")
        set_role(self.ok, "primary")
        self.ok.clicked.connect(self._confirm)
        row.addWidget(self.ok)
        col.addLayout(row)
        self.note.returnPressed.connect(self._confirm)
        self.note.textChanged.connect(lambda _t: self.error.show_message(""))
        self.note.setFocus()

    def _confirm(self) -> None:
        note = self.note.text().strip()
        if not note:
            self.error.show_message(tr("Write what happened first"))
            return
        self.accept()
        self.confirmed.emit(note)

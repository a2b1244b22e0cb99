"""A clearly labelled placeholder for a capability whose core part has not landed yet."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from ..context import AppContext
from ..i18n import tr
from ..widgets.fields import set_role


class Placeholder(QWidget):
    """Says what is missing and why; its buttons are visibly disabled, never fake."""

    def __init__(
        self, title: str, why: str, actions: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("placeholder")
        layout = QVBoxLayout(self)
        head = QLabel(title, self)
        set_role(head, "big")
        layout.addWidget(head)
        note = QLabel(why, self)
        note.setObjectName("placeholder_note")
        note.setWordWrap(True)
        set_role(note, "muted")
        layout.addWidget(note)
        for text in actions:
            button = QPushButton(text, self)
            button.setEnabled(False)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)


def followups_view(ctx: AppContext, parent: QWidget | None = None) -> QWidget:
    """The follow-up lists, or a placeholder when core.followups is not in this build."""
    try:
        from .followups_page import FollowUpsView
    except ImportError:
        return Placeholder(
            tr("Follow-up lists"),
            tr("Not available yet: the follow-up lists (core.followups) are not part of this build."),
            [tr("Print call sheet"), tr("Export"), tr("Enter outcomes")], parent,
        )  # fmt: skip
    return FollowUpsView(ctx, parent)

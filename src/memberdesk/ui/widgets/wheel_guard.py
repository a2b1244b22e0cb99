"""Scrolling a form never changes a field: drop-downs and spin boxes take the mouse wheel
only once clicked into (they have the focus). Unfocused, the wheel passes on to the page,
which scrolls. The owner scrolling the program editor had 不设 turn into 折扣 under the
pointer without noticing.

`guard_wheel(root)` does it for every drop-down and spin box inside `root` (the main
window: every view, and every dialog opened over one), those made later included (a
table's rows are rebuilt on each load): one event filter on the application looks only
at wheel and show events of those two kinds of widget.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

_ROOT = "wheel_needs_focus"


_FIELDS = (QComboBox, QAbstractSpinBox)
_KINDS = frozenset((QEvent.Type.Wheel, QEvent.Type.Show))
_IS_FIELD: dict[type, bool] = {}


class _WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        # Every event of the application comes through here: the cheap question first (an
        # event's type is a Python enum made anew at each call, several times the cost),
        # answered once per class of widget.
        cls = type(watched)
        field = _IS_FIELD.get(cls)
        if field is None:
            field = _IS_FIELD[cls] = issubclass(cls, _FIELDS)
        if not field:
            return False
        kind = event.type()
        if kind not in _KINDS or not _guarded(watched):
            return False
        # the wheel must not give the focus either (Qt's default for these is WheelFocus)
        if watched.focusPolicy() != Qt.FocusPolicy.StrongFocus:
            watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        if kind == QEvent.Type.Wheel and not watched.hasFocus():
            event.ignore()  # not for this field: it goes on to the scroll area around it
            return True
        return False


def _guarded(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if parent.property(_ROOT):
            return True
        parent = parent.parentWidget()
    return False


def guard_wheel(root: QWidget) -> None:
    """Drop-downs and spin boxes inside `root` take the wheel only when they have the focus."""
    root.setProperty(_ROOT, True)
    app = QApplication.instance()
    if app is not None and app.findChild(_WheelGuard, "wheel_guard") is None:
        guard = _WheelGuard(app)  # one for the application, however many roots
        guard.setObjectName("wheel_guard")
        app.installEventFilter(guard)

"""Small input widgets: money in 元, a form whose messages sit beside their fields, a message bar."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QRegularExpressionValidator, QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QWidget,
)

from ...core.money import parse_yuan


class MoneyEdit(QLineEdit):
    """An amount in 元 (up to two decimals); `fen()` gives integer fen via core.money."""

    def __init__(self, parent: QWidget | None = None, *, placeholder: str = "0.00") -> None:
        super().__init__(parent)
        self.setValidator(QRegularExpressionValidator(r"^\d{0,8}(\.\d{0,2})?$", self))
        self.setPlaceholderText(placeholder)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setInputMethodHints(Qt.InputMethodHint.ImhFormattedNumbersOnly)

    def fen(self) -> int:
        """0 when empty; raises DomainError('amount.invalid') for what cannot be read."""
        text = self.text().strip()
        if not text or text == ".":
            return 0
        return parse_yuan(text)

    def set_fen(self, fen: int) -> None:
        self.setText(f"{fen // 100}.{fen % 100:02d}" if fen else "")


def set_role(widget: QWidget, role: str) -> None:
    """Re-style a widget whose `role` property changed (stylesheet selectors read it)."""
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def keep_place(label: QLabel, lines: int = 1) -> None:
    """Give a message its room for good: `lines` lines high, shown or not, so a message
    appearing never moves what is below it (the button a cashier is about to click).

    Its height then never depends on its text (a longer one is cut at the last line):
    a label that asks its layout for a height to fit its wrapped text makes the layout
    share the room out anew each time the text changes."""
    policy = label.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)  # nor does its width
    label.setSizePolicy(policy)
    label.setProperty("kept_place", True)
    label.setFixedHeight(lines_high(label, lines))
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def lines_high(label: QLabel, lines: int) -> int:
    """The height of `lines` lines of `label`'s text in any role: the widest role's padding
    (warning: 4 px above and below) and its border included."""
    return label.fontMetrics().lineSpacing() * lines + 10


# The room a message's text has less than its label's: the warning role's padding (8 px a
# side, 4 above and below, as lines_high counts it) and a pixel of rounding.
PADDING_ACROSS, PADDING_DOWN = 18, 10


# Smaller type a kept message may take to be said whole, as shares of the usual size.
SMALLER_TYPE = (0.9, 0.8, 0.7, 0.62)


def say_within_place(label: QLabel, usual: QFont | None) -> QFont | None:
    """A label with its room kept (keep_place) whose text is longer than that room says it
    whole in smaller type, wrapped within the same height, rather than cut at its last line
    (a narrow screen, a long reason); a text that fits keeps the usual type. Returns the
    usual type (taken from the label the first time)."""
    if not _fits_its_place(label):
        return usual
    usual = usual or QFont(label.font())
    room = QRect(0, 0, max(label.contentsRect().width() - PADDING_ACROSS, 1), 100_000)
    height = label.height() - PADDING_DOWN
    font = QFont(usual)
    for size in (usual.pointSizeF(), *(usual.pointSizeF() * share for share in SMALLER_TYPE)):
        font.setPointSizeF(size)
        used = QFontMetrics(font).boundingRect(room, Qt.TextFlag.TextWordWrap, label.text())
        if used.height() <= height and used.width() <= room.width():
            break
    if font != label.font():
        label.setFont(font)
    return usual


def _fits_its_place(label: QLabel) -> bool:
    """A label `keep_place` sized asks no height for its text (see there)."""
    return bool(label.property("kept_place"))


class ErrorLabel(QLabel):
    """The message beside a field; empty and hidden when the field is fine."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_role(self, "error")
        self.setWordWrap(True)
        self._usual: QFont | None = None  # the type a message that fits is said in
        self.hide()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        return not _fits_its_place(self) and super().hasHeightForWidth()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._usual = say_within_place(self, self._usual)

    def show_message(self, text: str) -> None:
        self.setText(text)
        self._usual = say_within_place(self, self._usual)
        self.setVisible(bool(text))
        window = self.window()
        if text and isinstance(window, QDialog):  # a wrapped message gets the lines it needs
            window.resize(window.size().expandedTo(window.sizeHint()))


class InlineForm(QWidget):
    """A QFormLayout whose every row carries an error label beside the field."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors: dict[str, ErrorLabel] = {}
        self.fields: dict[str, QWidget] = {}

    def add(self, key: str, label: str, field: QWidget) -> QWidget:
        row = QWidget(self)
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(field, 3)
        err = ErrorLabel(row)
        err.setObjectName(f"{key}_error")
        box.addWidget(err, 2)
        self.errors[key] = err
        self.fields[key] = field
        self.form.addRow(label, row)
        return field

    def show_row(self, key: str, visible: bool) -> None:
        """Show or hide a field's row (its label, field and message)."""
        self.form.setRowVisible(self.fields[key].parentWidget(), visible)

    def show_errors(self, errors: dict[str, str]) -> None:
        """Each field's message beside it; the typing cursor goes to the first field refused."""
        for key, label in self.errors.items():
            label.show_message(errors.get(key, ""))
        first = next((key for key in self.errors if errors.get(key)), None)
        if first is not None:
            self._focus(first)

    def set_error(self, key: str, text: str) -> None:
        """One field's message (a refusal of core's), with the typing cursor put there."""
        if key in self.errors:
            self.errors[key].show_message(text)
            if text:
                self._focus(key)

    def note(self, key: str, text: str) -> None:
        """One field's message said as the person moves on (a check as they leave the
        field): the typing cursor stays where they took it, it is not pulled back."""
        if key in self.errors:
            self.errors[key].show_message(text)

    def _focus(self, key: str) -> None:
        field = self.fields[key]
        if field.isVisible() and field.isEnabled():
            field.setFocus(Qt.FocusReason.OtherFocusReason)
            if isinstance(field, QLineEdit):
                field.selectAll()

    def clear_errors(self) -> None:
        self.show_errors({})


class MessageBar(QLabel):
    """A one-line message at the top of a view: errors stay until the next action, notices fade."""

    shown = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("message_bar")
        self.setWordWrap(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear_message)
        self._usual: QFont | None = None  # the type a message that fits is said in
        self.hide()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        return not _fits_its_place(self) and super().hasHeightForWidth()

    def error(self, text: str) -> None:
        set_role(self, "warning")
        self._show(text, 0)

    def notice(self, text: str, ms: int = 8000) -> None:
        set_role(self, "ok")
        self._show(text, ms)

    def _show(self, text: str, ms: int) -> None:
        self.setText(text)
        self._fit()
        self.show()
        self.shown.emit(text)
        self._timer.stop()
        if ms:
            self._timer.start(ms)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        self._usual = say_within_place(self, self._usual)

    def clear_message(self) -> None:
        self.setText("")
        self.hide()

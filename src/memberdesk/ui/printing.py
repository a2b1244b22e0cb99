"""Getting a slip out: to the printer on the worker thread, or on screen when none is set.

The layout and the bytes are core's (core.printing); a failed print never loses
the sale — the message says so and the receipt can be reprinted from history.
The ESC/POS side (python-escpos) is imported on first use: it is slow to load.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QKeyEvent,
    QKeySequence,
    QShortcut,
    QShowEvent,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..core.printing.layout import Paper, Slip, width
from .context import AppContext
from .i18n import tr
from .ops import run_op
from .worker import PRINT

if TYPE_CHECKING:
    from ..core.printing.jobs import PrintOutcome

NO_PRINTER = "dummy"


def _settings(ctx: AppContext):
    from ..core.printing.printers import get_printer_settings

    return get_printer_settings(ctx.store)


def printer_is_set(ctx: AppContext) -> bool:
    return _settings(ctx).connection.strip().lower() != NO_PRINTER


def paper(ctx: AppContext) -> Paper:
    """The receipt paper the printer settings describe (columns and encoding)."""
    return _settings(ctx).paper


class SlipPreview(QDialog):
    """What the receipt would say, in the printer's fixed columns.

    `typing_to`: where what is typed belongs while the preview is up (the till's search
    box). The next customer's goods scanned, or a price typed, before the preview is put
    away put it away and land there, as they would with the receipt printed: never lost
    in the preview, the scanner's Enter taken for its Close button."""

    def __init__(
        self, slip: Slip | None, title: str, parent: QWidget | None = None, *, text: str = "",
        extra: Sequence[Slip] = (), typing_to: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.typing_to = typing_to
        self.setObjectName("slip_preview")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        note = QLabel(tr("No receipt printer is set up; this is what it would print."), self)
        note.setObjectName("preview_note")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("slip_text")
        self.text.setReadOnly(True)
        pages = [slip.text if slip is not None else text, *(e.text for e in extra)]
        self.text.setPlainText("\n\n".join(pages))  # one document after the other, as torn off
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono = QFont("WenQuanYi Micro Hei Mono")
        font = mono if mono.exactMatch() else font
        self.text.setFont(font)
        align_columns(self.text)
        columns = slip.paper.columns if slip is not None else 48
        width = self.text.fontMetrics().horizontalAdvance("M" * (columns + 4))
        self.text.setMinimumWidth(width)
        self.text.setMinimumHeight(420)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        if typing_to is not None:
            for widget in (self, *self.findChildren(QWidget)):
                widget.installEventFilter(self)
            self.finished.connect(self._back_to_typing)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self.typing_to is not None:
            # At the till's left, over the member and the emptied lines, not in the middle:
            # the cash received and the change to count back, on the right, stay in sight.
            window = self.typing_to.window().frameGeometry()
            own = self.frameGeometry()
            top = window.top() + max(0, (window.height() - own.height()) // 2)
            self.move(window.left() + 12, top)

    def _back_to_typing(self) -> None:
        """Put away (Esc, 关闭, a key that belongs to the till): the till's window takes
        the keyboard again, the cursor where the next scan goes."""
        target = self.typing_to
        if target is None or not target.isVisible():
            return
        target.window().activateWindow()
        target.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        target = self.typing_to
        if target is None or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        text = event.text()
        held = event.modifiers() & ~(
            Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
        )
        if Qt.Key.Key_F1.value <= event.key() <= Qt.Key.Key_F12.value:
            self._pass_on(event)
            return True
        if not text or not text.isprintable() or held:
            return False  # Esc, Enter, the arrows, Ctrl+C: the preview's own keys
        self.reject()  # the keyboard back to `target` (_back_to_typing)
        copy = QKeyEvent(event.type(), event.key(), event.modifiers(), text)
        QApplication.sendEvent(target, copy)
        return True

    def _pass_on(self, event: QKeyEvent) -> None:
        """A function key (with Shift or Ctrl too) is the till's: the preview goes, and the
        key does at the till what it does there (F10 the cash box, F8 a held sale)."""
        target = self.typing_to
        assert target is not None
        pressed = QKeySequence(event.keyCombination())
        self.reject()  # the keyboard back to `target` (_back_to_typing)
        for shortcut in target.window().findChildren(QShortcut):
            owner = shortcut.parent()
            if (
                shortcut.key() == pressed
                and shortcut.isEnabled()
                and isinstance(owner, QWidget)
                and owner.isVisible()
            ):
                shortcut.activated.emit()
                return


def align_columns(edit: QPlainTextEdit) -> None:
    """Lay every character out as wide as the printer prints it: one column, or two for a
    Hanzi and every other double-byte character (core.printing.layout.width). A font's own
    widths differ — ·, ×, □, ￥ or full-width punctuation are narrower or wider than two
    columns in most, and a Hanzi in a fallback font is rarely exactly two — so each such
    character gets the spacing that makes up the difference, and the columns of a receipt
    line up on screen as on paper."""
    metrics = QFontMetricsF(edit.font())
    cell = metrics.horizontalAdvance("0")
    spacing: dict[str, float] = {}
    doc = edit.document()
    cursor = QTextCursor(doc)
    cursor.beginEditBlock()
    block = doc.begin()
    while block.isValid():
        start = block.position()
        for i, ch in enumerate(block.text()):
            gap = spacing.get(ch)
            if gap is None:
                gap = spacing[ch] = width(ch) * cell - metrics.horizontalAdvance(ch)
            if abs(gap) < 0.01:
                continue
            cursor.setPosition(start + i)
            cursor.setPosition(start + i + 1, QTextCursor.MoveMode.KeepAnchor)
            wider = QTextCharFormat()
            wider.setFontLetterSpacingType(QFont.SpacingType.AbsoluteSpacing)
            wider.setFontLetterSpacing(gap)
            cursor.mergeCharFormat(wider)
        block = block.next()
    cursor.endEditBlock()


def send_slip(ctx: AppContext, parent: QWidget, slip: Slip, title: str, *, result: object = None,
              reprint_of: tuple[str, str] | None = None, extra: Sequence[Slip] = (),
              on_error: Callable[[str], None] | None = None,
              typing_to: QWidget | None = None, says_kept: bool = False) -> QDialog | None:  # fmt: skip
    """Print what an operation returned (or reprint (kind, ref)) on the worker thread, or,
    with no printer set up, show `slip` on screen; returns the preview when there is one.

    `extra`: documents printed right after it (a gift's voucher after the receipt);
    `typing_to`: where keys typed over the preview go (SlipPreview); `says_kept`: `on_error`
    itself says the document is kept and where to print it again, so it is told only what
    failed and what to check (the till's one line)."""
    if not printer_is_set(ctx):
        preview = SlipPreview(slip, title, parent, extra=extra, typing_to=typing_to)
        preview.open()
        return preview
    store = ctx.store

    after = [(e.kind, e.ref) for e in extra]

    def run(progress) -> PrintOutcome:
        from ..core.printing.jobs import print_now, print_result, reprint

        if reprint_of is not None:
            return reprint(store, *reprint_of)
        outcome = print_result(store, result)
        for kind, ref in after:
            if not outcome.ok:
                break
            outcome = print_now(store, kind, ref)
        return outcome

    def done(outcome: PrintOutcome) -> None:
        if outcome.ok or on_error is None:
            return
        if says_kept and outcome.error is not None:
            from ..core.printing.jobs import nothing_kept

            on_error(nothing_kept(outcome.error).message(ctx.core_lang))
        else:
            on_error(outcome.text(ctx.core_lang))

    run_op(ctx, run, slow=True, title=tr("Printing %1").replace("%1", title), kind=PRINT,
           show=on_error, success=done)  # fmt: skip
    return None


def test_page(
    ctx: AppContext,
    parent: QWidget,
    *,
    on_error: Callable[[str], None],
    on_printed: Callable[[str], None] | None = None,
    connection: str | None = None,
) -> None:
    """Print the test page (`on_printed` is told it went out: 已打印); with no printer set
    up, show what it would print. `connection`: a spec to try instead of the saved one
    (the printer page tests what it shows before it is saved)."""
    from ..core.printing.escpos_out import preview_text
    from ..core.printing.jobs import test_print

    store = ctx.store
    preview = not printer_is_set(ctx) if connection is None else connection == NO_PRINTER

    def run(_progress) -> PrintOutcome:
        return test_print(store, connection=connection)

    def done(outcome: PrintOutcome) -> None:
        if not outcome.ok:
            on_error(outcome.text(ctx.core_lang))
        elif preview:
            text = preview_text(outcome.data, _settings(ctx).encoding)
            dialog = SlipPreview(None, tr("Test page"), parent, text=text)
            dialog.open()
        elif on_printed is not None:
            on_printed(outcome.text(ctx.core_lang))

    run_op(ctx, run, slow=True, title=tr("Test page"), kind=PRINT, show=on_error,
           success=done)  # fmt: skip


def open_drawer(ctx: AppContext, *, on_error: Callable[[str], None]) -> None:
    from ..core.printing.jobs import open_drawer as kick_drawer

    store, actor = ctx.store, ctx.actor

    def done(outcome: PrintOutcome) -> None:
        if not outcome.ok:
            on_error(outcome.text(ctx.core_lang))

    run_op(ctx, lambda _p: kick_drawer(store, actor), slow=True, title=tr("Opening the cash drawer"),
           kind=PRINT, show=on_error, success=done)  # fmt: skip

"""The till's one search box, which also takes the card scanner.

A scanner "types" a whole number in a few milliseconds and ends with Enter; a
person types far slower. Every character is timed as it arrives — whether as a key
press or as text an input method commits — and when the characters before Enter
all came in a fast burst, it is a scan: the burst itself is emitted, not the box's
text, so whatever the Chinese input method was composing cannot garble or swallow
it. Once a burst is seen, the input method is switched off for this box until the
scan ends, so it stops taking keys (a pinyin IME would read the scanner's digits as
candidate choices). Anything else ending in Enter is a search.

What the text is — goods, a member, a price — is core's to say (core.items.scan
``read_scan``, which documents the order): the box asks it through the reader the
till gives it (``set_reader``) and passes the answer on. Goods come out as
``item_chosen`` (several items of a name: a list to choose from first), a price as
``price_entered``, a refusal as ``refused``; a member goes the way it always went, a
scan as ``scanned`` and a typed text as ``searched``, for the till's member search.
Four digits that core reads as either an item's code or members' last four show the
item and those members in one list, the item first (Enter takes it): the item comes
out as ``item_chosen``, a member as ``member_chosen``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox, QDialog, QLineEdit, QSpinBox, QWidget

from ...core.errors import DomainError
from ...core.items.catalogue import ItemView
from ...core.items.scan import ScanAnswer
from ...core.members.lookup import Hit
from ..i18n import tr
from ..texts import money
from .pick_member import PickDialog

Reader = Callable[[str], ScanAnswer]

BURST_GAP_S = 0.05  # scanners send keys 2–20 ms apart; people need 100 ms and more
MIN_SCAN_LENGTH = 6  # the shortest card number (cardno.CARD_PATTERN)
IME_RESUME_MS = 400


def item_pick(items: Sequence[ItemView], parent: QWidget) -> PickDialog:
    """The catalogue's items a typed name matched, to choose one from."""
    headers = [tr("Item"), tr("Item code"), tr("Category"), tr("Price"), tr("Member price")]
    rows = [
        [i.name, i.code, i.category, money(i.price),
         money(i.member_price) if i.member_price is not None else ""]
        for i in items
    ]  # fmt: skip
    dialog = PickDialog(tr("Choose the item"), headers, rows, list(items), parent)
    dialog.setObjectName("item_pick")
    return dialog


def item_or_member_pick(text: str, item: ItemView, members: Sequence[Hit],
                        parent: QWidget) -> PickDialog:  # fmt: skip
    """Four digits that are an item's code and end members' phones: the item first, then
    the members; a row's key says which it is: ("item", ItemView) or ("member", id)."""
    headers = [tr("Item or member"), tr("Item / member name"), tr("Item code / card"),
               tr("Phone"), tr("Price")]  # fmt: skip
    rows = [[tr("Item"), item.name, item.code, "", money(item.price)]]
    rows += [[tr("Member"), h.name, h.card_no, h.phone, ""] for h in members]
    keys: list[tuple[str, object]] = [("item", item)]
    keys += [("member", h.member_id) for h in members]
    title = tr("%1 is an item's code and the end of members' phones: which is meant?")
    dialog = PickDialog(title.replace("%1", text), headers, rows, keys, parent)
    dialog.setObjectName("item_or_member_pick")
    return dialog


class ScanBox(QLineEdit):
    scanned = Signal(str)  # a member's card (or a phone typed fast): the member search
    searched = Signal(str)  # a member's phone, last 4 digits, name or pinyin, typed
    item_chosen = Signal(object)  # ItemView: goods scanned, typed by code or chosen by name
    member_chosen = Signal(str)  # a member's id, chosen from the item-or-member list
    price_entered = Signal(int)  # fen: a line at this price
    refused = Signal(str)  # why the text is none of these, in the reader's words
    code_scanned = Signal(str)  # a customer's WeChat / Alipay payment code, for the tender
    coupon_scanned = Signal(str)  # a coupon's code, for the sale

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scan_box")
        self.setClearButtonEnabled(True)
        self._reader: Reader | None = None
        self._takes_code: Callable[[str], bool] | None = None
        self._lang = "zh_CN"
        self.dialog: QDialog | None = None  # the list it opened last (tests look here)
        self._burst: list[str] = []
        self._last = 0.0
        self._ime_suspended = False
        self._resume = QTimer(self)
        self._resume.setSingleShot(True)
        self._resume.setInterval(IME_RESUME_MS)
        self._resume.timeout.connect(self._resume_ime)

    def set_reader(self, reader: Reader, lang: str) -> None:
        """What reads the box's text (core.items.scan.read_scan on the shop), and the language
        its refusals are said in. Without one, every text is a member's."""
        self._reader, self._lang = reader, lang

    def take_payment_codes(self, when: Callable[[str], bool]) -> None:
        """`when(text)` says a text is a payment code the sale takes now (core's reading of
        the code, and a sale to pay): it goes to code_scanned before anything else."""
        self._takes_code = when

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
        scan = len(burst) >= MIN_SCAN_LENGTH
        if scan:
            self._drop_preedit()
            self.clear()
            self._resume_ime()
        self._take(burst if scan else self.text().strip(), scan)

    def take_scan(self, text: str) -> None:
        """A scanner's burst that went into another field of the till: read here, as if it
        had been scanned into this box (which takes the keys again)."""
        self._burst = []
        self._drop_preedit()
        self.clear()
        self.setFocus()
        self._take(text.strip(), True)

    def _take(self, text: str, scan: bool) -> None:
        if not text:
            return
        if self._takes_code is not None and self._takes_code(text):
            self.clear()
            self.code_scanned.emit(text)
            return
        answer = self._read(text)
        if answer.kind == "member":
            (self.scanned if scan else self.searched).emit(text)
        elif answer.kind == "item" and answer.item is not None:
            self.clear()
            self.item_chosen.emit(answer.item)
        elif answer.kind == "items":
            self._choose(answer.items)
        elif answer.kind == "either" and answer.item is not None:
            self._item_or_member(text, answer.item, answer.members)
        elif answer.kind == "price":
            self.clear()
            self.price_entered.emit(answer.price)
        elif answer.kind == "coupon":
            self.clear()
            self.coupon_scanned.emit(answer.coupon)
        else:
            why = answer.refusal or DomainError("scan.unknown", code=text)
            if scan:
                self.setText(text)
            self.selectAll()  # the next scan or typing replaces it
            self.refused.emit(why.message(self._lang))

    def _read(self, text: str) -> ScanAnswer:
        if self._reader is None:
            return ScanAnswer("member")
        try:
            return self._reader(text)
        except DomainError as exc:  # the store refused (busy, gone): said as any refusal
            return ScanAnswer("refused", refusal=exc)

    def _choose(self, items: Sequence[ItemView]) -> None:
        dialog = item_pick(items, self.window())
        dialog.chosen.connect(self._chosen)
        dialog.finished.connect(lambda _result: self.setFocus())
        self.dialog = dialog
        dialog.open()

    def _chosen(self, item: ItemView) -> None:
        self.clear()
        self.item_chosen.emit(item)

    def _item_or_member(self, text: str, item: ItemView, members: Sequence[Hit]) -> None:
        dialog = item_or_member_pick(text, item, members, self.window())
        dialog.chosen.connect(self._taken)
        dialog.finished.connect(lambda _result: self._back(text))
        self.dialog = dialog
        dialog.open()

    def _taken(self, key: tuple[str, object]) -> None:
        kind, value = key
        self.clear()
        if kind == "item":
            self.item_chosen.emit(value)
        else:
            self.member_chosen.emit(value)

    def _back(self, text: str) -> None:
        """The list put away: the box takes the keys again; put away without a choice, what
        was typed stays, selected, so the next keys replace it."""
        self.window().activateWindow()
        self.setFocus()
        if self.text() == text:
            self.selectAll()


class ScanCatcher(QObject):
    """A scanner's burst into any other field of the till (the cash received, a price, the
    quantity, the points) is a scan, not what that field holds: a barcode read as cash
    received would complete the sale with millions in change. The field gets back what it
    held before the burst and the scan box reads the burst. Keys typed at a person's pace
    go to the field as always."""

    def __init__(self, box: ScanBox, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.box = box
        self._field: QWidget | None = None
        self._before: str | int = ""
        self._burst: list[str] = []
        self._last = 0.0

    def watch(self, widgets: Sequence[QWidget]) -> None:
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QWidget):
            return False
        key = event.key()
        now = time.monotonic()
        fresh = watched is self._field and now - self._last <= BURST_GAP_S
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            burst = "".join(self._burst).strip() if fresh else ""
            self._field, self._burst = None, []
            if len(burst) < MIN_SCAN_LENGTH:
                return False
            self._restore(watched)
            self.box.take_scan(burst)
            return True
        text = event.text()
        held = event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
        if not text or not text.isprintable() or held & ~Qt.KeyboardModifier.KeypadModifier:
            self._field, self._burst = None, []  # Ctrl+A, a shortcut: a person's keys
            return False
        if not fresh:
            self._field, self._before, self._burst = watched, self._held(watched), []
        self._burst.extend(text)
        self._last = now
        return False

    @staticmethod
    def _held(field: QWidget) -> str | int:
        if isinstance(field, QSpinBox):
            return field.value()
        if isinstance(field, QLineEdit):
            return field.text()
        return ""

    def _restore(self, field: QWidget) -> None:
        if isinstance(field, QSpinBox) and isinstance(self._before, int):
            field.setValue(self._before)
        elif isinstance(field, QAbstractSpinBox):
            field.clear()
        elif isinstance(field, QLineEdit) and isinstance(self._before, str):
            field.setText(self._before)

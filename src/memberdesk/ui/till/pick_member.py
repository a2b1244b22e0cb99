"""Short pick lists: the members a search matched, the held sales, the gift catalogue."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ...core.members.chain_directory import other_store
from ...core.members.lookup import Hit
from ...core.store.database import Store
from ...core.till.gifts import GiftOffer
from ..i18n import tr
from ..texts import money, status_name, store_words
from ..widgets.fields import ErrorLabel
from ..widgets.tables import ReadOnlyTable


class _PickTable(ReadOnlyTable):
    picked = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.picked.emit()
            return
        super().keyPressEvent(event)


class PickDialog(QDialog):
    """Rows to choose from; `chosen` carries the key of the row taken.

    `refuse(key)` may say why a row cannot be taken: the reason shows here and the
    list stays open, nothing chosen."""

    chosen = Signal(object)

    def __init__(self, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]],
                 keys: Sequence[Any], parent: QWidget | None = None, *,
                 refuse: Callable[[Any], str | None] | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._refuse = refuse
        self.setObjectName("pick_dialog")
        self.setWindowTitle(title)
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("↑/↓ to choose, Enter to take, Esc to cancel"), self))
        self.table = _PickTable(headers, self, name="pick_table", stretch=0)
        self.table.fill(rows, keys)
        self.table.picked.connect(self._take)
        self.table.doubleClicked.connect(lambda _i: self._take())
        if rows:
            self.table.selectRow(0)
        layout.addWidget(self.table)
        self.error = ErrorLabel(self)
        self.error.setObjectName("pick_error")
        layout.addWidget(self.error)
        self.table.itemSelectionChanged.connect(lambda: self.error.show_message(""))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._take)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.setFocus()

    def _take(self) -> None:
        key = self.table.selected_key()
        if key is None:
            return
        why = self._refuse(key) if self._refuse is not None else None
        if why:
            self.error.show_message(why)
            return
        self.accept()
        self.chosen.emit(key)


def member_pick(hits: Sequence[Hit], parent: QWidget, store: Store | None = None) -> PickDialog:
    """The members a search matched; with `store`, each one's store beside the name when any
    of them is another store's (two 王丽 of the chain told apart at a glance)."""
    headers = [tr("Name"), tr("Card"), tr("Phone"), tr("Points"), tr("Stored value"), tr("Status")]
    rows = [
        [h.name, h.card_no, h.phone, h.points, money(h.wallet), status_name(h.status)] for h in hits
    ]
    homes = {h.member_id: other_store(store, h.member_id) for h in hits} if store else {}
    if store is not None and any(homes.values()):
        known: dict[str, str] = {}
        headers.insert(1, tr("Store"))
        for h, row in zip(hits, rows, strict=True):
            row.insert(1, store_words(store, homes[h.member_id], known))
    return PickDialog(
        tr("Several members match"), headers, rows, [h.member_id for h in hits], parent
    )


def gift_pick(offers: Sequence[GiftOffer], lang: str, parent: QWidget) -> PickDialog:
    """The catalogue for the member at the counter: cost, stock, and why not when not."""
    headers = [tr("Gift"), tr("Points needed"), tr("In stock"), tr("For this member")]
    rows = [
        [o.name, o.points, tr("No limit") if o.stock_left is None else o.stock_left,
         o.refusal.message(lang) if o.refusal else tr("Can redeem")]
        for o in offers
    ]  # fmt: skip
    refusals = {o.code: o.refusal.message(lang) for o in offers if o.refusal is not None}
    dialog = PickDialog(tr("Redeem points for a gift"), headers, rows, [o.code for o in offers],
                        parent, refuse=refusals.get)  # fmt: skip
    dialog.setObjectName("gift_dialog")
    return dialog

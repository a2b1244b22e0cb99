"""After a card is issued or replaced: print it now? The card face is core's PDF (CR80, Code128 and
QR), one card per page for a card printer or on an A4 sheet of ten to cut; the file
opens in the system's viewer, which prints it on whichever printer the shop chose."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.members.member import MemberView
from ..context import AppContext
from ..i18n import tr
from ..ops import run_op
from ..widgets.fields import ErrorLabel, set_role
from ..widgets.file_dialogs import open_in_viewer, save_file
from ..worker import FILES


class CardOffer(QDialog):
    written = Signal(object)  # CardsFile

    def __init__(self, ctx: AppContext, member: MemberView, parent: QWidget | None = None, *,
                 replaced: bool = False, again: bool = False) -> None:  # fmt: skip
        super().__init__(parent)
        self.ctx, self.member = ctx, member
        self.setObjectName("card_offer")
        self.setWindowTitle(tr("Print the member card"))
        col = QVBoxLayout(self)
        if again:
            text = tr("Print the card of %1, card number %2, again?")
        elif replaced:
            text = tr("New card for %1, card number %2. Print the new card now?")
        else:
            text = tr("Card issued: %1, card number %2. Print the card now?")
        label = QLabel(text.replace("%1", member.name).replace("%2", member.card_no), self)
        label.setObjectName("card_offer_text")
        label.setWordWrap(True)
        col.addWidget(label)
        self.layout_choice = QComboBox(self)
        self.layout_choice.setObjectName("card_layout")
        self.layout_choice.addItem(tr("Card printer: one card (85.6 × 54 mm)"), False)
        self.layout_choice.addItem(tr("A4 sheet to cut out"), True)
        col.addWidget(self.layout_choice)
        self.error = ErrorLabel(self)
        self.error.setObjectName("card_offer_error")
        col.addWidget(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        later = QPushButton(tr("Not now"), self)
        later.setObjectName("card_later")
        later.clicked.connect(self.reject)
        row.addWidget(later)
        self.print_button = QPushButton(tr("Print the card…"), self)
        self.print_button.setObjectName("card_print")
        set_role(self.print_button, "primary")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.choose_file)
        row.addWidget(self.print_button)
        col.addLayout(row)

    def choose_file(self) -> None:
        name = tr("Member card %1.pdf").replace("%1", self.member.card_no)
        path = save_file(self, tr("Member card"), name, "PDF (*.pdf)")
        if path:
            self.write_card(path)

    def write_card(self, path: Path) -> None:
        """Write the card's PDF to `path` (off the window's thread) and open it to print."""
        from ...core.members.cards_pdf import build_cards_pdf, card_faces

        store, card, lang = self.ctx.store, self.member.card_no, self.ctx.core_lang
        sheet = bool(self.layout_choice.currentData())
        self.print_button.setEnabled(False)

        def run(_progress):
            return build_cards_pdf(card_faces(store, card_nos=[card], lang=lang), path, sheet=sheet)

        def done(result) -> None:
            self.print_button.setEnabled(True)
            self.accept()
            self.written.emit(result)
            open_in_viewer(result.path)

        def failed(_exc: BaseException) -> bool:
            self.print_button.setEnabled(True)
            return False

        run_op(self.ctx, run, slow=True, title=tr("Member card PDF"), kind=FILES,
               show=self.error.show_message, on_error=failed, success=done)  # fmt: skip

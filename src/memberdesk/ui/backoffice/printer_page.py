"""Printer settings, a test page and the cash drawer button."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import DomainError
from ...core.printing.layout import CODECS, PAPER_COLUMNS
from ..context import AppContext
from ..i18n import tr
from ..members.authorise import with_authority
from ..ops import run_op
from ..printing import open_drawer, test_page
from ..widgets.fields import InlineForm, MessageBar, set_role

FIELD_OF = {
    "connection": "connection",
    "paper_mm": "paper",
    "encoding": "encoding",
    "codes": "codes",
}


class PrinterPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        outer = QVBoxLayout(self)
        self.bar = MessageBar(self)
        outer.addWidget(self.bar)
        self.form = InlineForm(self)
        self.connection = self.form.add("connection", tr("Connection"), QLineEdit(self))
        self.connection.setObjectName("printer_connection")
        from ...core.i18n import gettext
        from ...core.printing.printers import EXAMPLES

        hint = QLabel(tr("For example: %1. “dummy” means no printer: receipts are shown on screen.")
                      .replace("%1", gettext(EXAMPLES, ctx.core_lang)), self)  # fmt: skip
        hint.setWordWrap(True)
        set_role(hint, "muted")
        self.form.form.addRow("", hint)
        self.paper = self.form.add("paper", tr("Paper width"), QComboBox(self))
        for mm, cols in PAPER_COLUMNS.items():
            self.paper.addItem(
                tr("%1 mm (%2 columns)").replace("%1", str(mm)).replace("%2", str(cols)), mm
            )
        self.encoding = self.form.add("encoding", tr("Chinese encoding"), QComboBox(self))
        for name in CODECS:
            self.encoding.addItem(name, name)
        self.codes = self.form.add("codes", tr("Receipt number as"), QComboBox(self))
        names = {
            "both": tr("QR code and barcode"),
            "qr": tr("QR code"),
            "barcode": tr("Barcode"),
            "none": tr("Text only"),
        }
        from ...core.printing.escpos_out import CODE_CHOICES

        for code in CODE_CHOICES:
            self.codes.addItem(names.get(code, code), code)
        self.cut = self.form.add("cut", tr("Cut the paper"), QCheckBox(self))
        self.drawer = self.form.add("drawer", tr("Open the drawer on cash sales"), QCheckBox(self))
        outer.addWidget(self.form)
        row = QHBoxLayout()
        save = QPushButton(tr("Save"), self)
        save.setObjectName("printer_save")
        set_role(save, "primary")
        save.clicked.connect(lambda: with_authority(ctx, self, "shop_settings", self._save))
        row.addWidget(save)
        test = QPushButton(tr("Print a test page"), self)
        test.setObjectName("printer_test")
        test.clicked.connect(
            lambda: test_page(ctx, self, on_error=self.bar.error, on_printed=self.bar.notice)
        )
        row.addWidget(test)
        drawer = QPushButton(tr("Open the cash drawer"), self)
        drawer.setObjectName("printer_drawer")
        drawer.clicked.connect(lambda: open_drawer(ctx, on_error=self.bar.error))
        row.addWidget(drawer)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)

    def refresh(self) -> None:
        from ...core.printing.printers import get_printer_settings

        s = get_printer_settings(self.ctx.store)
        self.connection.setText(s.connection)
        self.paper.setCurrentIndex(max(0, self.paper.findData(s.paper_mm)))
        self.encoding.setCurrentIndex(max(0, self.encoding.findData(s.encoding)))
        self.codes.setCurrentIndex(max(0, self.codes.findData(s.codes)))
        self.cut.setChecked(s.cut)
        self.drawer.setChecked(s.drawer_on_cash)
        self.form.clear_errors()

    def _save(self, authoriser) -> None:
        from ...core.printing.printers import save_printer_settings

        def refused(exc: BaseException) -> bool:
            if not isinstance(exc, DomainError):
                return False
            field = str(exc.params.get("field", "connection"))
            self.form.show_errors(
                {FIELD_OF.get(field, "connection"): exc.message(self.ctx.core_lang)}
            )
            return True

        def saved(_settings) -> None:
            self.form.clear_errors()
            self.bar.notice(tr("Printer settings saved"))

        run_op(
            self.ctx,
            lambda: save_printer_settings(
                self.ctx.store, self.ctx.actor, authoriser=authoriser, connection=self.connection.text().strip(),
                paper_mm=self.paper.currentData(), encoding=self.encoding.currentData(),
                codes=self.codes.currentData(), cut=self.cut.isChecked(), drawer_on_cash=self.drawer.isChecked(),
            ),
            bar=self.bar, on_error=refused, success=saved,
        )  # fmt: skip

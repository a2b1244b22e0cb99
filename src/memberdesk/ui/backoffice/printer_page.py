"""Printer settings, a test page and the cash drawer button.

The connection is chosen as a shop knows its printer — a USB receipt printer (those
found on this computer listed), a network printer by IP address and port, a serial
port, or preview only — and core writes it as the spec it always read
(core.printing.printers.spec_of); a spec the choices do not cover (a Windows printer's
name, a device file) stays under "other", written out."""

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

from ...core.errors import DomainError, ValidationFailed
from ...core.printing.layout import CODECS, PAPER_COLUMNS
from ...core.printing.printers import BAUD_RATES, ConnectionChoice
from ..context import AppContext
from ..i18n import tr
from ..members.authorise import with_authority
from ..ops import run_op
from ..printing import open_drawer, test_page
from ..widgets.fields import InlineForm, MessageBar, keep_place, set_role
from ..widgets.saved_values import SavedValues
from ..worker import PRINT

FIELD_OF = {
    "connection": "connection",
    "host": "host",
    "port": "port",
    "vendor": "vendor",
    "product": "product",
    "device": "device",
    "baud": "baud",
    "paper_mm": "paper",
    "encoding": "encoding",
    "codes": "codes",
}
ROWS_OF = {  # the form rows each way shows
    "usb": ("found", "vendor", "product", "usb_hint"),
    "net": ("host", "port", "net_hint"),
    "serial": ("device", "baud"),
    "preview": ("preview_hint",),
    "other": ("connection", "other_hint"),
}
CHOICE_FIELDS = {  # what each way saves of ConnectionChoice
    "usb": ("vendor", "product"),
    "net": ("host", "port"),
    "serial": ("device", "baud"),
    "other": ("spec",),
}


class PrinterPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.searched = False
        outer = QVBoxLayout(self)
        self.bar = MessageBar(self)
        keep_place(self.bar, lines=2)  # a message never pushes the fields and buttons down
        outer.addWidget(self.bar)
        self.form = InlineForm(self)
        self.rows: dict[str, QWidget] = {}
        self.way = self.form.add("way", tr("Printer connection"), QComboBox(self))
        self.way.setObjectName("printer_way")
        for way, name in (
            ("usb", tr("USB receipt printer")),
            ("net", tr("Network printer (by IP address)")),
            ("serial", tr("Serial port printer")),
            ("preview", tr("Preview only (no printing)")),
            ("other", tr("Other (Windows printer name or device file)")),
        ):
            self.way.addItem(name, way)
        self.way.currentIndexChanged.connect(self._way_changed)

        # USB: the printers found, or the ids from the printer's label typed
        found_row = QWidget(self)
        box = QHBoxLayout(found_row)
        box.setContentsMargins(0, 0, 0, 0)
        self.found = QComboBox(found_row)
        self.found.setObjectName("printer_usb_found")
        self.found.activated.connect(self._found_chosen)
        box.addWidget(self.found, 1)
        self.search_button = QPushButton(tr("Look again"), found_row)
        self.search_button.setObjectName("printer_usb_search")
        self.search_button.clicked.connect(self.search)
        box.addWidget(self.search_button)
        self._add("found", tr("USB printers found"), found_row)
        self.vendor = self._add(
            "vendor", tr("Vendor ID (VID)"), QLineEdit(self), "printer_usb_vendor"
        )
        self.vendor.setPlaceholderText(tr("e.g. 0416"))
        self.product = self._add(
            "product", tr("Product ID (PID)"), QLineEdit(self), "printer_usb_product"
        )
        self.product.setPlaceholderText(tr("e.g. 5011"))
        self.usb_hint = self._hint("usb_hint", "")
        self.usb_hint.setObjectName("printer_usb_hint")

        # network: IP address and port
        self.host = self._add("host", tr("IP address"), QLineEdit(self), "printer_host")
        self.host.setPlaceholderText(tr("e.g. 192.168.1.50"))
        self.port = self._add("port", tr("Port"), QLineEdit(self), "printer_port")
        self._hint("net_hint", tr("The printer prints its IP address on its self-test slip: switch "
                                  "it off, hold its FEED button and switch it on. The port is almost "
                                  "always 9100."))  # fmt: skip

        # serial: the port and its speed
        self.device = self._add(
            "device", tr("Serial port"), QComboBox(self), "printer_serial_device"
        )
        self.device.setEditable(True)
        self.baud = self._add("baud", tr("Baud rate"), QComboBox(self), "printer_baud")
        for rate in BAUD_RATES:
            self.baud.addItem(str(rate), str(rate))

        self._hint("preview_hint", tr("No printer: receipts and slips are shown on the screen. "
                                      "Good for trying the program out."))  # fmt: skip

        # other: a Windows printer's name or a device file, written out as before
        self.connection = self._add(
            "connection", tr("Connection"), QLineEdit(self), "printer_connection"
        )
        from ...core.i18n import gettext
        from ...core.printing.printers import EXAMPLES

        self._hint(
            "other_hint", tr("For example: %1.").replace("%1", gettext(EXAMPLES, ctx.core_lang))
        )

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
        test.clicked.connect(self._test)
        row.addWidget(test)
        drawer = QPushButton(tr("Open the cash drawer"), self)
        drawer.setObjectName("printer_drawer")
        drawer.clicked.connect(lambda: open_drawer(ctx, on_error=self.bar.error))
        row.addWidget(drawer)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self.saved_values = SavedValues(self._typed)
        self._way_changed()

    def _add(self, key: str, label: str, field: QWidget, name: str = "") -> QWidget:
        if name:
            field.setObjectName(name)
        self.form.add(key, label, field)
        self.rows[key] = field.parentWidget()  # the form's row: the field and its message
        return field

    def _hint(self, key: str, text: str) -> QLabel:
        hint = QLabel(text, self)
        hint.setWordWrap(True)
        set_role(hint, "muted")
        self.form.form.addRow("", hint)
        self.rows[key] = hint
        return hint

    # ------------------------------------------------------------ the way chosen

    def _way_changed(self) -> None:
        way = self.way.currentData()
        shown = set(ROWS_OF.get(way, ()))
        for ways_rows in ROWS_OF.values():
            for key in ways_rows:
                self.form.form.setRowVisible(self.rows[key], key in shown)
        self.form.clear_errors()
        if way in ("usb", "serial") and not self.searched and self.isVisible():
            self.search()

    def choice(self) -> ConnectionChoice:
        """What the page shows, as typed (core reads and checks it)."""
        return ConnectionChoice(
            way=self.way.currentData(), host=self.host.text(), port=self.port.text(),
            vendor=self.vendor.text(), product=self.product.text(),
            device=self.device.currentText(), baud=self.baud.currentData() or "",
            spec=self.connection.text(),
        )  # fmt: skip

    def _typed(self) -> tuple:
        """What saving would save: the way chosen with its own fields only (a USB printer
        found while the page shows a serial one changes nothing to save)."""
        choice = self.choice()
        fields = tuple(getattr(choice, f) for f in CHOICE_FIELDS.get(choice.way, ()))
        return (choice.way, fields, self.paper.currentData(), self.encoding.currentData(),
                self.codes.currentData(), self.cut.isChecked(), self.drawer.isChecked())  # fmt: skip

    def _show_choice(self, choice: ConnectionChoice) -> None:
        self.way.setCurrentIndex(max(0, self.way.findData(choice.way)))
        self.host.setText(choice.host)
        self.port.setText(choice.port)
        self.vendor.setText(choice.vendor)
        self.product.setText(choice.product)
        self.device.setCurrentText(choice.device)
        index = self.baud.findData(choice.baud)
        if index < 0:  # a speed saved before the list was offered stays as it was
            self.baud.addItem(choice.baud, choice.baud)
            index = self.baud.count() - 1
        self.baud.setCurrentIndex(index)
        self.connection.setText(choice.spec)

    # ------------------------------------------------------------ finding printers

    def search(self) -> None:
        """Look for USB printers and serial ports on the worker: listing USB can take a while."""
        from ...core.printing.printers import find_printers

        self.searched = True
        self.search_button.setEnabled(False)
        self.usb_hint.setText(tr("Looking for USB printers…"))

        def found(search) -> None:
            self.search_button.setEnabled(True)
            vendor, product = self.vendor.text(), self.product.text()
            self.found.clear()
            for p in search.usb:
                name = p.name or tr("USB printer")
                self.found.addItem(f"{name} ({p.ids})", (f"{p.vendor:04X}", f"{p.product:04X}"))
            self.found.setEnabled(bool(search.usb))
            if not search.usb:
                self.found.addItem(tr("(none found)"))
            current = self.found.findData((vendor.upper(), product.upper()))
            self.found.setCurrentIndex(max(0, current))
            if search.usb and not vendor and not product:
                self._found_chosen(0)
            if search.usb_problem is not None:
                why = search.usb_problem.text(self.ctx.core_lang)
                self.usb_hint.setText(tr("USB printers cannot be looked for: %1. Type the two IDs "
                                         "from the printer's label or manual (4 characters each, "
                                         "0-9 and A-F).").replace("%1", why))  # fmt: skip
            elif not search.usb:
                self.usb_hint.setText(tr("No USB printer found: plug it in, switch it on and press "
                                         "Look again, or type the two IDs from the printer's label "
                                         "or manual (4 characters each, 0-9 and A-F)."))  # fmt: skip
            else:
                self.usb_hint.setText(tr("Choose the printer above, or type the two IDs from the "
                                         "printer's label or manual (4 characters each, 0-9 and "
                                         "A-F)."))  # fmt: skip
            serial = self.device.currentText()
            self.device.clear()
            self.device.addItems(list(search.serial))
            self.device.setCurrentText(serial)

        def failed(exc: BaseException) -> bool:
            self.search_button.setEnabled(True)
            self.usb_hint.setText(self.ctx.explain(exc))
            return True

        run_op(self.ctx, lambda _p: find_printers(), slow=True, title=tr("Looking for printers"),
               kind=PRINT, success=found, on_error=failed)  # fmt: skip

    def _found_chosen(self, index: int) -> None:
        ids = self.found.itemData(index)
        if ids:
            self.vendor.setText(ids[0])
            self.product.setText(ids[1])
            self.form.clear_errors()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self.way.currentData() in ("usb", "serial") and not self.searched:
            self.search()

    # ------------------------------------------------------------ saving and testing

    def refresh(self) -> None:
        from ...core.printing.printers import choice_of, get_printer_settings

        s = get_printer_settings(self.ctx.store)
        self._show_choice(choice_of(s.connection))
        self.paper.setCurrentIndex(max(0, self.paper.findData(s.paper_mm)))
        self.encoding.setCurrentIndex(max(0, self.encoding.findData(s.encoding)))
        self.codes.setCurrentIndex(max(0, self.codes.findData(s.codes)))
        self.cut.setChecked(s.cut)
        self.drawer.setChecked(s.drawer_on_cash)
        self.saved_values.keep()
        self.form.clear_errors()

    def _refused(self, exc: BaseException) -> bool:
        if not isinstance(exc, DomainError):
            return False
        lang = self.ctx.core_lang
        found = exc.errors if isinstance(exc, ValidationFailed) else {"": exc}
        # every field's problem beside it at once (the port's was said only on the next save)
        self.form.show_errors({self._key(e): e.message(lang) for e in found.values()})
        return True

    def _key(self, exc: DomainError) -> str:
        """The form's row for a refusal's `field`."""
        field = str(exc.params.get("field", "connection"))
        key = FIELD_OF.get(field.split(".")[0], "connection")
        if key == "connection" and self.way.currentData() != "other":
            key = "way"
        return key

    def _test(self) -> None:
        """Print the test page through the connection shown (saved or not), off the window."""
        from ...core.printing.printers import spec_of

        self.form.clear_errors()
        try:
            spec = spec_of(self.choice())
        except DomainError as exc:
            self._refused(exc)
            return
        self.bar.clear_message()  # the job's progress shows in the status bar meanwhile
        test_page(self.ctx, self, on_error=self.bar.error, on_printed=self.bar.notice,
                  connection=spec)  # fmt: skip

    def _save(self, authoriser) -> None:
        from ...core.printing.printers import save_printer_settings, spec_of

        def saved(_settings) -> None:
            self.saved_values.keep()
            self.form.clear_errors()
            self.bar.notice(tr("Printer settings saved"))

        run_op(
            self.ctx,
            lambda: save_printer_settings(
                self.ctx.store, self.ctx.actor, authoriser=authoriser, connection=spec_of(self.choice()),
                paper_mm=self.paper.currentData(), encoding=self.encoding.currentData(),
                codes=self.codes.currentData(), cut=self.cut.isChecked(), drawer_on_cash=self.drawer.isChecked(),
            ),
            bar=self.bar, on_error=self._refused, success=saved,
        )  # fmt: skip

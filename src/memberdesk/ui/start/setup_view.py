"""First start with no data: create the shop, or open the demo shop."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.clock import DEFAULT_TZ
from ...core.errors import DomainError, ValidationFailed
from ...core.loyalty.program import presets
from ...core.loyalty.program_store import save_program
from ...core.shop.details import configure_shop
from ...core.shop.staff import (
    SYSTEM,
    Actor,
    add_staff,
    check_pin_format,
    list_staff,
    new_recovery_code,
)
from ...core.store.database import Store
from ...paths import demo_db_path
from ..context import AppContext
from ..i18n import tr
from ..ops import run_op
from ..widgets.fields import InlineForm, MessageBar, set_role
from ..widgets.recovery import RecoveryCodeBox
from ..widgets.timezones import TimezoneBox

DEMO_MEMBERS = 300
# Which field a refusal of core belongs beside.
FIELD_OF = {
    "timezone.invalid": "timezone", "identity.store_code": "store_code",
    "identity.terminal_code": "terminal_code", "identity.card_prefix": "card_prefix",
    "shop.phone_invalid": "phone",
}  # fmt: skip


class SetupView(QWidget):
    ready = Signal()  # the shop was created in the window's store
    demo_ready = Signal(object)  # the demo shop's Store, open on its own file

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        outer = QVBoxLayout(self)
        self.title = title = QLabel(tr("Welcome to memberdesk: there is no shop here yet"), self)
        title.setObjectName("setup_title")
        set_role(title, "big")
        outer.addWidget(title)
        self.bar = MessageBar(self)
        outer.addWidget(self.bar)
        self.form = InlineForm(self)
        self.name = self.form.add("name", tr("Shop name"), QLineEdit(self))
        self.address = self.form.add("address", tr("Address"), QLineEdit(self))
        self.phone = self.form.add("phone", tr("Shop phone"), QLineEdit(self))
        self.tz = self.form.add("timezone", tr("Time zone"), TimezoneBox(self))
        self.tz.set_zone(DEFAULT_TZ)
        self.store_code = self.form.add("store_code", tr("Store code"), QLineEdit("S001", self))
        self.terminal_code = self.form.add(
            "terminal_code", tr("Till number"), QLineEdit("01", self)
        )
        self.card_prefix = self.form.add(
            "card_prefix", tr("Card number prefix"), QLineEdit("88", self)
        )
        note = QLabel(
            tr("A chain's head office gives each till these three; a single shop keeps them."), self
        )
        set_role(note, "muted")
        self.form.add("identity_note", "", note)
        self.preset = self.form.add("preset", tr("Loyalty program"), QComboBox(self))
        for code, program in presets(ctx.core_lang).items():
            self.preset.addItem(program.name, code)
        self.owner = self.form.add("owner", tr("Owner's name"), QLineEdit(self))
        self.owner.setText(tr("Owner"))
        self.pin = self.form.add("pin", tr("Owner's PIN (4–8 digits)"), QLineEdit(self))
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_again = self.form.add("pin_again", tr("The PIN again"), QLineEdit(self))
        self.pin_again.setEchoMode(QLineEdit.EchoMode.Password)
        fields = (("name", self.name), ("address", self.address), ("phone", self.phone),
                  ("owner", self.owner), ("pin", self.pin), ("pin_again", self.pin_again),
                  ("store_code", self.store_code), ("terminal_code", self.terminal_code),
                  ("card_prefix", self.card_prefix))  # fmt: skip
        for key, widget in fields:
            widget.setObjectName(f"setup_{key}")
            # a problem goes as soon as its field is typed in again
            widget.textEdited.connect(lambda _t, key=key: self._edited(key))
        # Enter moves on down the form, as a person fills it in (the address after the name,
        # not the masked PIN); Enter in the last field creates the shop.
        self.preset.setObjectName("setup_preset")
        self.tz.setObjectName("setup_timezone")
        self.preset.installEventFilter(self)
        self._order: list[tuple[str, QWidget]] = [
            ("name", self.name), ("address", self.address), ("phone", self.phone),
            ("timezone", self.tz), ("store_code", self.store_code),
            ("terminal_code", self.terminal_code), ("card_prefix", self.card_prefix),
            ("preset", self.preset), ("owner", self.owner), ("pin", self.pin),
            ("pin_again", self.pin_again),
        ]  # fmt: skip
        for key, widget in self._order:
            line = widget.lineEdit() if isinstance(widget, QComboBox) else widget
            if line is not None:
                line.returnPressed.connect(lambda key=key: self._enter(key))
        self.tz.currentTextChanged.connect(lambda _t: self._edited("timezone"))
        outer.addWidget(self.form)
        buttons = QHBoxLayout()
        self.create_button = QPushButton(tr("Create the shop"), self)
        self.create_button.setObjectName("create_shop")
        set_role(self.create_button, "primary")
        self.create_button.clicked.connect(self._create)
        buttons.addWidget(self.create_button)
        # The demo tried before is kept as it was left: said so, so its sales are no surprise.
        tried = demo_db_path().exists()
        self.demo_button = QPushButton(
            tr("Back to the demo shop") if tried else tr("Open the demo shop"), self
        )
        self.demo_button.setObjectName("open_demo")
        self.demo_button.clicked.connect(self._demo)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        hint = QLabel(tr("The demo shop's PINs: owner 8888, manager 6666, cashier 1111."), self)
        set_role(hint, "muted")
        outer.addWidget(hint)
        self._filling = (self.form, self.create_button, self.demo_button, hint)
        # Once the shop is made: the owner's recovery code, to write down before going on.
        self.recovery = RecoveryCodeBox(self)
        outer.addWidget(self.recovery)
        self.written_button = QPushButton(tr("I have written it down: log in"), self)
        self.written_button.setObjectName("recovery_written")
        set_role(self.written_button, "primary")
        self.written_button.setAutoDefault(True)  # Enter on it goes on, as in the form
        self.written_button.clicked.connect(self._written)
        self.written_button.hide()
        outer.addWidget(self.written_button)
        outer.addStretch(1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        # the program's list takes no text: Enter on it moves on too
        if (
            watched is self.preset
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not self.preset.view().isVisible()
        ):
            self._enter("preset")
            return True
        return super().eventFilter(watched, event)

    def _enter(self, key: str) -> None:
        """Enter in a field: its own problem shows beside it and keeps the focus there;
        otherwise the next field takes the focus, and the last one creates the shop."""
        keys = [k for k, _w in self._order]
        at = keys.index(key)
        if at == len(keys) - 1:
            self._create()
            return
        problem = self._problems().get(key)
        if problem:
            self.form.set_error(key, problem)
            return
        self._order[at + 1][1].setFocus(Qt.FocusReason.TabFocusReason)

    def _problems(self) -> dict[str, str]:
        """What the window itself can tell is wrong before asking core to create the shop."""
        errors: dict[str, str] = {}
        if not self.name.text().strip():
            errors["name"] = tr("Please enter the shop's name")
        if not self.owner.text().strip():
            errors["owner"] = DomainError("staff.name_required").message(self.ctx.core_lang)
        try:
            check_pin_format(self.pin.text())
        except DomainError as exc:
            errors["pin"] = exc.message(self.ctx.core_lang)
        else:
            if self.pin_again.text() != self.pin.text():
                errors["pin_again"] = tr("The two PINs differ: type the same PIN twice")
        return errors

    def _edited(self, key: str) -> None:
        self.form.set_error(key, "")
        if key == "pin":
            self.form.set_error("pin_again", "")
        if self.bar.isVisible() and self.create_button.isEnabled():
            self.bar.clear_message()

    def _create(self) -> None:
        if not self.create_button.isEnabled():  # the demo shop is being built
            return
        self.bar.clear_message()
        errors = self._problems()
        self.form.show_errors(errors)  # the cursor goes to the first field refused
        if errors:
            return
        store = self.ctx.store
        owner_name, pin, program = (
            self.owner.text().strip(),
            self.pin.text(),
            presets(self.ctx.core_lang)[self.preset.currentData()],
        )

        def create() -> str:
            configure_shop(store, name=self.name.text().strip(), address=self.address.text().strip(),
                           phone=self.phone.text().strip(), timezone=self.tz.zone(),
                           language=self.ctx.core_lang, store_code=self.store_code.text(),
                           terminal_code=self.terminal_code.text(), card_prefix=self.card_prefix.text())  # fmt: skip
            info = add_staff(store, SYSTEM, owner_name, "owner", pin)
            owner = Actor(info.id, info.name, info.role)
            save_program(store, owner, program, note=tr("Chosen when the shop was created"))
            return new_recovery_code(store, owner)

        def refused(exc: BaseException) -> bool:
            if isinstance(exc, ValidationFailed):  # the shop's details: each beside its field
                lang = self.ctx.core_lang
                self.form.show_errors({k: e.message(lang) for k, e in exc.errors.items()})
                return True
            field = FIELD_OF.get(exc.code) if isinstance(exc, DomainError) else None
            if field is not None:
                self.form.set_error(field, exc.message(self.ctx.core_lang))
                return True
            return False

        def created(code: str) -> None:
            for widget in self._filling:
                widget.hide()
            self.title.setText(tr("The shop is made: write down the owner's recovery code"))
            self.recovery.show_code(code, owner_name)
            self.written_button.show()
            self.written_button.setFocus(Qt.FocusReason.OtherFocusReason)

        run_op(self.ctx, create, bar=self.bar, on_error=refused, success=created)

    def _written(self) -> None:
        self.recovery.forget()
        self.written_button.hide()
        self.ready.emit()

    def _demo(self) -> None:
        """Open the demo shop from its own file (built the first time), never in the shop's
        data: the shop's own first start still finds no shop and comes here."""
        path = demo_db_path()
        try:
            store = Store(path, background_checkpoint=True)
        except DomainError as exc:
            self.bar.error(exc.message(self.ctx.core_lang))
            return
        if list_staff(store):
            self.demo_ready.emit(store)
            return
        self.demo_button.setEnabled(False)
        self.create_button.setEnabled(False)
        self.bar.notice(tr("Building the demo shop…"), 0)
        lang = self.ctx.core_lang

        def run(progress):
            from ...core.demo.builder import build_demo

            return build_demo(store, members=DEMO_MEMBERS, lang=lang)

        def failed(_exc: BaseException) -> bool:
            self.demo_button.setEnabled(True)
            self.create_button.setEnabled(True)
            store.close()
            return False  # said in the bar

        def done(_result) -> None:
            self.bar.clear_message()
            self.demo_button.setEnabled(True)
            self.create_button.setEnabled(True)
            self.demo_ready.emit(store)

        run_op(self.ctx, run, slow=True, title=tr("Building the demo shop"), bar=self.bar,
               on_error=failed, success=done)  # fmt: skip

    def focus_first(self) -> None:
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

"""The owner forgot the PIN: at the log-in screen, the recovery code written down at set-up
sets a new one. Core decides everything (who may, whether the code is right, the PIN's form,
the lockout); the dialog only puts each refusal beside its field."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import DomainError
from ...core.shop.staff import check_pin_format, list_staff, recover_owner_pin
from ..context import AppContext
from ..i18n import tr
from ..ops import run_op
from ..texts import role_name
from ..widgets.fields import ErrorLabel, InlineForm, set_role
from ..widgets.recovery import RecoveryCodeBox

# Which field a refusal of core's belongs beside.
FIELD_OF = {
    "recovery.invalid": "code", "recovery.wrong": "code", "recovery.none": "code",
    "recovery.not_owner": "who", "recovery.locked": "who", "staff.inactive": "who",
    "staff.not_found": "who", "pin.invalid": "pin",
}  # fmt: skip
PINS = ("pin", "pin_again")


def _no_input_method(field: QLineEdit) -> QLineEdit:
    """Letters and digits as typed: the Chinese input method must not take them."""
    field.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
    return field


class ForgotPinDialog(QDialog):
    """Who forgot (the person chosen on the log-in screen), the recovery code, the new PIN
    twice; then the next recovery code, shown once to be written down."""

    recovered = Signal(str)  # the owner's name: the new PIN is set

    def __init__(
        self,
        ctx: AppContext,
        name: str | None,
        parent: QWidget | None = None,
        *,
        names: list[str] | None = None,
    ) -> None:
        """`names`: the owners to choose from, when the staff list has nobody who may log in
        (core's staff standing: the recovery code puts their record back)."""
        super().__init__(parent)
        self.ctx = ctx
        self.recovered_name: str | None = None
        self.setObjectName("forgot_pin_dialog")
        self.setWindowTitle(tr("Forgot PIN?"))
        self.setMinimumWidth(720)
        layout = QVBoxLayout(self)
        self.intro = QLabel(
            tr("The owner sets a new PIN with the recovery code written down when the shop was "
               "created (or shown when it was last used). Anyone else's PIN is reset by a "
               "manager or the owner on the staff page."),
            self,
        )  # fmt: skip
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.form = InlineForm(self)
        self.who = self.form.add("who", tr("Who forgot the PIN"), QComboBox(self))
        self.who.setObjectName("forgot_who")
        if names is not None:
            for owner in names:
                self.who.addItem(f"{owner} · {role_name('owner')}", owner)
        else:
            for info in list_staff(ctx.store):
                self.who.addItem(f"{info.name} · {role_name(info.role)}", info.name)
        self.who.setCurrentIndex(self.who.findData(name) if name else -1)
        self.code = self.form.add("code", tr("Recovery code"), _no_input_method(QLineEdit(self)))
        self.code.setObjectName("forgot_code")
        self.code.setPlaceholderText("ABCD-EFGH-JKMN-PQRS")
        self.pin = self.form.add(
            "pin", tr("New PIN (4–8 digits)"), _no_input_method(QLineEdit(self))
        )
        self.pin.setObjectName("forgot_pin")
        self.pin_again = self.form.add(
            "pin_again", tr("The PIN again"), _no_input_method(QLineEdit(self))
        )
        self.pin_again.setObjectName("forgot_pin_again")
        self._order: list[tuple[str, QWidget]] = [
            ("who", self.who), ("code", self.code), ("pin", self.pin), ("pin_again", self.pin_again),
        ]  # fmt: skip
        for key, field in self._order[1:]:
            assert isinstance(field, QLineEdit)
            if key in PINS:
                field.setEchoMode(QLineEdit.EchoMode.Password)
            field.returnPressed.connect(lambda key=key: self._enter(key))
            # a problem goes as soon as its field is typed in again
            field.textEdited.connect(lambda _t, key=key: self.form.note(key, ""))
        self.who.installEventFilter(self)  # Enter on the list of names moves on too
        self.who.currentIndexChanged.connect(lambda _i: self.form.note("who", ""))
        layout.addWidget(self.form)
        self.error = ErrorLabel(self)  # what belongs beside no field
        self.error.setObjectName("forgot_error")
        layout.addWidget(self.error)
        self.buttons = QWidget(self)
        row = QHBoxLayout(self.buttons)
        row.setContentsMargins(0, 0, 0, 0)
        row.addStretch(1)
        self.submit = QPushButton(tr("Set the new PIN"), self.buttons)
        self.submit.setObjectName("forgot_submit")
        set_role(self.submit, "primary")
        self.submit.setAutoDefault(False)
        self.submit.clicked.connect(self._submit)
        row.addWidget(self.submit)
        cancel = QPushButton(tr("Cancel"), self.buttons)
        cancel.setObjectName("forgot_cancel")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        row.addWidget(cancel)
        layout.addWidget(self.buttons)
        # Once the PIN is set: the next recovery code, to write down before logging in.
        self.done_note = QLabel("", self)
        self.done_note.setObjectName("forgot_done")
        self.done_note.setWordWrap(True)
        self.done_note.hide()
        layout.addWidget(self.done_note)
        self.recovery = RecoveryCodeBox(self)
        layout.addWidget(self.recovery)
        self.written = QPushButton(tr("I have written it down: log in"), self)
        self.written.setObjectName("recovery_written")
        set_role(self.written, "primary")
        self.written.setAutoDefault(True)  # Enter on it goes on
        self.written.clicked.connect(self.accept)
        self.written.hide()
        layout.addWidget(self.written)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        first = self.code if self.who.currentIndex() >= 0 else self.who
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (
            watched is self.who
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not self.who.view().isVisible()
        ):
            self._enter("who")
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        # Enter is the fields' own (they move on, and the last one sends) and a focused button
        # takes its own: the dialog presses no default button besides, with the same key.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    def done(self, result: int) -> None:
        self.recovery.forget()  # shown once: gone with the dialog
        super().done(result)

    def _enter(self, key: str) -> None:
        """Enter moves on to the next field; in the last one it sends."""
        keys = [k for k, _w in self._order]
        at = keys.index(key)
        if at == len(keys) - 1:
            self._submit()
        else:
            self._order[at + 1][1].setFocus(Qt.FocusReason.TabFocusReason)

    def _pins_refused(self, key: str, text: str) -> None:
        """A refusal about the new PIN: both are typed again, from the first."""
        self.pin.clear()
        self.pin_again.clear()
        self.form.note(key, text)
        self.pin.setFocus(Qt.FocusReason.OtherFocusReason)

    def _submit(self) -> None:
        self.form.clear_errors()
        self.error.show_message("")
        name = self.who.currentData()
        if not name:
            self.form.set_error("who", tr("Choose your name first"))
            return
        code, pin = self.code.text(), self.pin.text()
        try:
            check_pin_format(pin)
        except DomainError as exc:
            self._pins_refused("pin", exc.message(self.ctx.core_lang))
            return
        if self.pin_again.text() != pin:
            self._pins_refused("pin_again", tr("The two PINs differ: type the same PIN twice"))
            return

        def refused(exc: BaseException) -> bool:
            self.pin.clear()
            self.pin_again.clear()
            field = FIELD_OF.get(exc.code) if isinstance(exc, DomainError) else None
            if field is None:
                return False  # said below the fields
            text = exc.message(self.ctx.core_lang)
            if field in PINS:
                self._pins_refused(field, text)
            else:
                self.form.set_error(field, text)
            return True

        run_op(self.ctx, lambda: recover_owner_pin(self.ctx.store, name, code, pin),
               show=self.error.show_message, on_error=refused,
               success=lambda new_code: self._recovered(name, new_code))  # fmt: skip

    def _recovered(self, name: str, new_code: str) -> None:
        self.recovered_name = name
        for widget in (self.intro, self.form, self.error, self.buttons):
            widget.hide()
        self.code.clear()
        self.pin.clear()
        self.pin_again.clear()
        self.done_note.setText(
            tr("The new PIN of %1 is set, and the recovery code just used no longer works. "
               "Here is the next one:").replace("%1", name)
        )  # fmt: skip
        self.done_note.show()
        self.recovery.show_code(new_code, name)
        self.written.show()
        self.written.setFocus(Qt.FocusReason.OtherFocusReason)
        self.adjustSize()
        self.recovered.emit(name)

"""Log in: pick yourself from the staff list, type the PIN; with no open shift, count the float."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.shop.details import get_shop
from ...core.shop.staff import Actor, list_staff, login
from ...core.till.shifts import open_shift_of
from ..context import AppContext
from ..i18n import tr
from ..ops import run_op
from ..texts import role_name
from ..widgets.fields import ErrorLabel, set_role
from ..widgets.pin_pad import PinPad
from .forgot_pin import ForgotPinDialog
from .opening_float import OpeningFloat


class StaffList(QListWidget):
    """Arrow keys choose; a digit or Enter moves on to the PIN."""

    digit = Signal(str)
    chosen = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.text().isdigit():
            self.digit.emit(event.text())
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.chosen.emit()
        else:
            super().keyPressEvent(event)


class LoginView(QWidget):
    logged_in = Signal(object, object)  # Actor, shift id
    office_wanted = Signal(object)  # Actor: a manager or the owner, to the back office, no shift

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._actor: Actor | None = None
        self.pages = QStackedWidget(self)
        outer = QVBoxLayout(self)
        self.shop_label = QLabel(self)
        set_role(self.shop_label, "big")
        self.shop_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.shop_label)
        outer.addWidget(self.pages, 1)

        pin_page = QWidget(self)
        row = QHBoxLayout(pin_page)
        left = QVBoxLayout()
        left.addWidget(QLabel(tr("Who are you?"), pin_page))
        self.staff = StaffList(pin_page)
        self.staff.setObjectName("staff_list")
        self.staff.digit.connect(self._digit)
        self.staff.chosen.connect(lambda: self.pad.setFocus())
        self.staff.itemClicked.connect(lambda _item: self.pad.setFocus())
        left.addWidget(self.staff, 1)
        row.addLayout(left, 1)
        right = QVBoxLayout()
        right.addWidget(QLabel(tr("PIN"), pin_page))
        self.pad = PinPad(pin_page)
        self.pad.submitted.connect(self._login)
        right.addWidget(self.pad)
        self.error = ErrorLabel(pin_page)
        self.error.setObjectName("login_error")
        right.addWidget(self.error)
        # The owner who forgot the PIN sets a new one with the recovery code.
        self.forgot_button = QPushButton(tr("Forgot PIN? (the owner, with the recovery code)"),
                                         pin_page)  # fmt: skip
        self.forgot_button.setObjectName("forgot_pin")
        self.forgot_button.setFlat(True)
        self.forgot_button.setAutoDefault(True)  # Enter on it opens it, as a click does
        self.forgot_button.clicked.connect(self._forgot)
        right.addWidget(self.forgot_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.forgot: ForgotPinDialog | None = None
        right.addStretch(1)
        row.addLayout(right, 1)
        self.pages.addWidget(pin_page)

        self.float_form = OpeningFloat(ctx, lambda: self._actor, self)
        self.float_form.opened.connect(self._shift_opened)
        self.float_edit = self.float_form.edit
        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.float_form)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(self.reload)  # not me: back to the staff list
        # A manager or the owner may go to the back office without counting a float: the
        # till still asks for one before anything is sold.
        self.office_button = QPushButton(tr("Back office without opening a shift"), self.float_form)
        self.office_button.setObjectName("office_without_shift")
        self.office_button.clicked.connect(self._to_office)
        self.float_form.layout().insertWidget(
            self.float_form.layout().count() - 1, self.office_button, 0,
            Qt.AlignmentFlag.AlignHCenter,
        )  # fmt: skip
        self.pages.addWidget(self.float_form)

    def reload(self) -> None:
        """Show the PIN page with the current staff list."""
        self._actor = None
        self.shop_label.setText(get_shop(self.ctx.store).name)
        self.staff.clear()
        for info in list_staff(self.ctx.store):
            item = QListWidgetItem(f"{info.name}  ·  {role_name(info.role)}")
            item.setData(Qt.ItemDataRole.UserRole, info.name)
            self.staff.addItem(item)
        if self.staff.count():
            self.staff.setCurrentRow(0)
        self.pad.clear()
        self.error.show_message("")
        self.pages.setCurrentIndex(0)
        self.staff.setFocus()

    def _digit(self, digit: str) -> None:
        self.pad.edit.setText(self.pad.edit.text() + digit)
        self.pad.setFocus()

    def _login(self, pin: str) -> None:
        item = self.staff.currentItem()
        if item is None:
            self.error.show_message(tr("Choose your name first"))
            return
        name = item.data(Qt.ItemDataRole.UserRole)

        def refused(_exc: BaseException) -> bool:  # a wrong PIN is a message, not a crash
            self.pad.clear()
            return False

        run_op(self.ctx, lambda: login(self.ctx.store, name, pin), show=self.error.show_message,
               on_error=refused, success=self._logged_in)  # fmt: skip

    def _logged_in(self, actor: Actor) -> None:
        self.error.show_message("")
        shift = open_shift_of(self.ctx.store, actor)
        if shift is not None:  # carrying on with a shift that was never closed
            self.logged_in.emit(actor, shift)
            return
        self._actor = actor
        self.office_button.setVisible(actor.privileged)
        self.pages.setCurrentIndex(1)
        self.float_form.start(
            tr("Hello, %1. No shift is open: count the drawer (Esc: not you?)").replace(
                "%1", actor.name
            )
        )

    def _forgot(self) -> None:
        item = self.staff.currentItem()
        if self.forgot is not None:
            self.forgot.deleteLater()
        self.forgot = ForgotPinDialog(self.ctx, item.data(Qt.ItemDataRole.UserRole) if item else None,
                                      self)  # fmt: skip
        self.forgot.finished.connect(self._forgot_closed)
        self.forgot.open()

    def _forgot_closed(self, _result: int) -> None:
        """Back at the PIN: the owner whose PIN was just set is the one chosen, to log in."""
        name = self.forgot.recovered_name if self.forgot is not None else None
        self.pad.clear()
        self.error.show_message("")
        for row in range(self.staff.count()):
            if name and self.staff.item(row).data(Qt.ItemDataRole.UserRole) == name:
                self.staff.setCurrentRow(row)
        self.pad.setFocus()

    def _to_office(self) -> None:
        actor = self._actor
        if actor is not None and actor.privileged:
            self._actor = None
            self.office_wanted.emit(actor)

    def _shift_opened(self, actor: Actor, shift: str) -> None:
        self._actor = None
        self.logged_in.emit(actor, shift)

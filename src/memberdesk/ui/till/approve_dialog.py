"""A manager's PIN for a discount over the limit of the person at the till.

The dialog says what is asked (the line, how much, why it needs approving); the
approver is chosen from the managers and the owner — nobody is chosen beforehand, so
a wrong PIN never counts against someone who was not asked. Core checks the PIN and
that the approver's own limit covers the discount (and checks it again at checkout).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QVBoxLayout, QWidget

from ...core.shop.staff import list_staff
from ...core.till.discounts import DiscountCheck, approve_discount
from ..context import AppContext
from ..i18n import tr
from ..ops import run_op
from ..texts import money, role_name
from ..widgets.fields import ErrorLabel, keep_place, set_role
from ..widgets.pin_pad import DigitsToPad, PinPad


class ApproveDialog(QDialog):
    approved = Signal(object)  # the approver (Actor)

    def __init__(
        self, ctx: AppContext, check: DiscountCheck, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.check = check
        self.setObjectName("approve_dialog")
        self.setWindowTitle(tr("Manager's approval"))
        layout = QVBoxLayout(self)
        lang = ctx.core_lang
        what = QLabel(check.what.text(lang) if check.what is not None else "", self)
        what.setObjectName("approve_what")
        set_role(what, "big")
        what.setWordWrap(True)
        layout.addWidget(what)
        applied = check.applied
        amount = QLabel(
            tr("Discount %1 · from %2 to %3")
            .replace("%1", money(applied.off if applied else 0))
            .replace("%2", money(applied.base if applied else 0))
            .replace("%3", money((applied.base - applied.off) if applied else 0)),
            self,
        )
        amount.setObjectName("approve_amount")
        layout.addWidget(amount)
        why = QLabel(check.needs_approval.text(lang) if check.needs_approval else "", self)
        why.setObjectName("approve_why")
        why.setWordWrap(True)
        layout.addWidget(why)
        layout.addWidget(QLabel(tr("Who approves it?"), self))
        self.who = QComboBox(self)
        self.who.setObjectName("approver")
        for info in list_staff(ctx.store):
            if info.role in ("manager", "owner") and info.name != ctx.actor.name:
                self.who.addItem(f"{info.name} · {role_name(info.role)}", info.name)
        self.who.setPlaceholderText(tr("Choose who approves"))
        self.who.setCurrentIndex(-1)  # nobody by default: a wrong PIN counts against the one chosen
        self.who.activated.connect(lambda _i: self.pad.setFocus())
        layout.addWidget(self.who)
        self.pad = PinPad(self)
        DigitsToPad(self.who, self.pad)  # a PIN typed on the names goes into the PIN box
        self.pad.submitted.connect(self._check)
        layout.addWidget(self.pad)
        self.error = ErrorLabel(self)
        self.error.setObjectName("approve_error")
        keep_place(self.error, lines=2)
        layout.addWidget(self.error)
        self.who.setFocus()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        # ↑/↓ choose the approver from wherever the keys are (the PIN box keeps the digits).
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down) and not self.who.hasFocus():
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            self.who.setCurrentIndex(
                max(0, min(self.who.count() - 1, self.who.currentIndex() + step))
            )
            return
        super().keyPressEvent(event)

    def _check(self, pin: str) -> None:
        name = self.who.currentData()
        if not name or self.check.applied is None:
            self.error.show_message(tr("Choose who approves first"))
            self.pad.clear()
            self.who.setFocus()
            return

        def refused(_exc: BaseException) -> bool:
            self.pad.clear()
            return False  # said below the pad

        applied = self.check.applied
        run_op(self.ctx, lambda: approve_discount(self.ctx.store, name, pin, applied),
               show=self.error.show_message, on_error=refused, success=self._approved)  # fmt: skip

    def _approved(self, actor) -> None:
        self.accept()
        self.approved.emit(actor)

"""The back office's page of discount limits: what a cashier and a manager may give at the
till without anyone's approval (the owner sets them; the owner has none)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ...core.errors import DomainError
from ...core.till.discounts import (
    DiscountLimits,
    RoleLimit,
    discount_limits,
    set_discount_limits,
)
from ...core.till.manual import read_discount
from ..context import AppContext
from ..i18n import tr
from ..ops import run_op
from ..widgets.fields import InlineForm, MessageBar, MoneyEdit, set_role
from ..widgets.saved_values import SavedValues


def _zhe_text(percent_off: int) -> str:
    return f"{(100 - percent_off) / 10:g}" if 0 < percent_off < 100 else ""


class DiscountLimitsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("discount_limits_page")
        outer = QVBoxLayout(self)
        title = QLabel(tr("Discount limits"), self)
        set_role(title, "big")
        outer.addWidget(title)
        note = QLabel(tr(
            "What each role may give at the till without approval: a percent discount down to "
            "this share of the price, and at most this much off in one discount (an amount off "
            "or a price change). Over it, a manager or the owner approves with their PIN; the "
            "owner has no limit. A no-discount item always needs a manager."), self)  # fmt: skip
        note.setWordWrap(True)
        outer.addWidget(note)
        # each field's problem beside it: the bar named no field (“abc”不是有效的折扣)
        self.form = form = InlineForm(self)
        self.fields: dict[str, tuple[QLineEdit, MoneyEdit]] = {}
        for role, name in (("cashier", tr("Cashier")), ("manager", tr("Manager"))):
            zhe = QLineEdit(self)
            zhe.setObjectName(f"{role}_zhe")
            zhe.setPlaceholderText(tr("e.g. 9 (empty: no percent discount)"))
            amount = MoneyEdit(self)
            amount.setObjectName(f"{role}_amount")
            form.add(f"{role}_zhe", tr("%1: lowest share paid, in tenths").replace("%1", name), zhe)
            form.add(f"{role}_amount", tr("%1: most off at once ¥").replace("%1", name), amount)
            self.fields[role] = (zhe, amount)
        outer.addWidget(form)
        self.save_button = QPushButton(tr("Save the limits"), self)
        self.save_button.setObjectName("save_limits")
        set_role(self.save_button, "primary")
        self.save_button.clicked.connect(self.save)
        outer.addWidget(self.save_button)
        self.owner_only = QLabel(tr("Only the owner may change the limits."), self)
        set_role(self.owner_only, "muted")
        outer.addWidget(self.owner_only)
        self.bar = MessageBar(self)
        outer.addWidget(self.bar)
        outer.addStretch(1)
        self.saved_values = SavedValues(
            lambda: [(zhe.text(), amount.text()) for zhe, amount in self.fields.values()]
        )
        self.refresh()

    def refresh(self) -> None:
        limits = discount_limits(self.ctx.store)
        for role, limit in (("cashier", limits.cashier), ("manager", limits.manager)):
            zhe, amount = self.fields[role]
            zhe.setText(_zhe_text(limit.percent))
            amount.set_fen(limit.amount)
        self.saved_values.keep()
        self.form.clear_errors()
        owner = self.ctx.session is not None and self.ctx.actor.role == "owner"
        for zhe, amount in self.fields.values():
            zhe.setReadOnly(not owner)
            amount.setReadOnly(not owner)
        self.save_button.setEnabled(owner)
        self.owner_only.setVisible(not owner)

    def _limit(self, role: str, errors: dict[str, str]) -> RoleLimit:
        zhe, amount = self.fields[role]
        lang, percent, fen = self.ctx.core_lang, 0, 0
        try:
            percent = read_discount("zhe", zhe.text()).value if zhe.text().strip() else 0
        except DomainError as exc:
            errors[f"{role}_zhe"] = exc.message(lang)
        try:
            fen = amount.fen()
        except DomainError as exc:
            errors[f"{role}_amount"] = exc.message(lang)
        return RoleLimit(percent, fen)

    def save(self) -> None:
        self.bar.clear_message()
        errors: dict[str, str] = {}
        limits = DiscountLimits(self._limit("cashier", errors), self._limit("manager", errors))
        self.form.show_errors(errors)
        if errors:
            return

        def saved(_result: DiscountLimits) -> None:
            self.refresh()
            self.bar.notice(tr("Discount limits saved"))

        run_op(self.ctx, lambda: set_discount_limits(self.ctx.store, self.ctx.actor, limits),
               bar=self.bar, success=saved)  # fmt: skip

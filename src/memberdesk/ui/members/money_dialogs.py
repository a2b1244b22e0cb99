"""Top-up (bonus shown before confirming) and a manual points adjustment (manager)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import DomainError
from ...core.loyalty.points import adjust_points
from ...core.members.member import MemberView
from ...core.till.checkout import PAY_TENDERS
from ...core.till.wallet import top_up, topup_offer
from ..context import AppContext
from ..i18n import tr
from ..ops import run_op
from ..texts import money, tender_name
from ..widgets.fields import InlineForm, MessageBar, MoneyEdit, set_role
from .authorise import with_authority


def dialog_buttons(dialog: QDialog, ok_text: str, ok_name: str) -> tuple[QHBoxLayout, QPushButton]:
    row = QHBoxLayout()
    row.addStretch(1)
    cancel = QPushButton(tr("Cancel"), dialog)
    cancel.clicked.connect(dialog.reject)
    row.addWidget(cancel)
    ok = QPushButton(ok_text, dialog)
    ok.setObjectName(ok_name)
    set_role(ok, "primary")
    ok.setDefault(True)
    row.addWidget(ok)
    return row, ok


class TopUpDialog(QDialog):
    done = Signal(object)  # WalletResult

    def __init__(self, ctx: AppContext, member: MemberView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.member = ctx, member
        self.setObjectName("topup_dialog")
        self.setWindowTitle(tr("Top up stored value: %1").replace("%1", member.name))
        layout = QVBoxLayout(self)
        self.bar = MessageBar(self)
        layout.addWidget(self.bar)
        balance = tr("Now: stored %1, bonus %2").replace("%1", money(member.wallet_principal))
        layout.addWidget(QLabel(balance.replace("%2", money(member.wallet_bonus)), self))
        self.form = InlineForm(self)
        self.amount = self.form.add("amount", tr("Amount paid (yuan)"), MoneyEdit(self))
        self.amount.setObjectName("topup_amount")
        self.amount.textChanged.connect(self._preview)
        self.tender = self.form.add("tender", tr("Paid by"), QComboBox(self))
        self.tender.setObjectName("topup_tender")
        for kind in PAY_TENDERS:
            self.tender.addItem(tender_name(kind), kind)
        layout.addWidget(self.form)
        offer = topup_offer(ctx.store, 0, member.id)  # the tiers this member can still reach
        tiers = QLabel(
            tr("Top-up offers: %1").replace("%1", "；".join(
                tr("top up %1, get %2 more").replace("%1", money(least)).replace("%2", money(bonus))
                for least, bonus in offer.tiers))
            if offer.tiers else "", self)  # fmt: skip
        tiers.setObjectName("topup_tiers")
        tiers.setWordWrap(True)
        tiers.setVisible(bool(offer.tiers))
        layout.addWidget(tiers)
        # The stored value limit (储值上限) and what it leaves this member, as core says.
        self.room = QLabel(self)
        self.room.setObjectName("topup_room")
        self.room.setWordWrap(True)
        if offer.room is not None:
            limit = money(offer.limit)
            self.room.setText(
                tr("Stored value limit %1: this member may top up %2 more").replace("%1", limit)
                .replace("%2", money(offer.room)) if offer.room
                else tr("Stored value limit %1 reached: this member cannot top up now")
                .replace("%1", limit))  # fmt: skip
        self.room.setVisible(offer.room is not None)
        layout.addWidget(self.room)
        self.bonus = QLabel(self)
        self.bonus.setObjectName("topup_bonus")
        set_role(self.bonus, "big")
        layout.addWidget(self.bonus)
        row, self.ok = dialog_buttons(self, tr("Confirm top-up"), "confirm_topup")
        self.ok.clicked.connect(self._confirm)
        layout.addLayout(row)
        self._preview()
        self.amount.setFocus()

    def _preview(self) -> None:
        try:
            amount = self.amount.fen()
        except DomainError as exc:
            self.form.set_error("amount", exc.message(self.ctx.core_lang))
            return
        offer = topup_offer(self.ctx.store, amount, self.member.id)
        # Above what the limit leaves: said at once, as core will say it on confirming.
        refusal = offer.refusal.message(self.ctx.core_lang) if offer.refusal else ""
        self.form.set_error("amount", refusal)
        if refusal:  # no sum for an amount that will not be taken
            self.bonus.setText("")
            return
        text = (
            tr("Bonus %1 — the card gets %2")
            .replace("%1", money(offer.bonus))
            .replace("%2", money(amount + offer.bonus))
        )
        if offer.more is not None:  # what the member may like to hear before paying
            text += "\n" + (
                tr("%1 more and the bonus is %2")
                .replace("%1", money(offer.more))
                .replace("%2", money(offer.more_bonus or 0))
            )
        self.bonus.setText(text)

    def _confirm(self) -> None:
        if self.ctx.shift_id is None:  # the money goes into a shift's drawer, or not at all
            self.form.set_error("amount", DomainError("shift.not_open").message(self.ctx.core_lang))
            return
        shift_id = self.ctx.shift_id
        run_op(
            self.ctx,
            lambda: top_up(self.ctx.store, self.ctx.actor, self.member.id, self.amount.fen(),
                           self.tender.currentData(), shift_id=shift_id),
            show=lambda text: self.form.set_error("amount", text),
            success=self._done,
        )  # fmt: skip

    def _done(self, result) -> None:
        self.accept()
        self.done.emit(result)


class AdjustPointsDialog(QDialog):
    done = Signal(object)  # AdjustResult

    def __init__(self, ctx: AppContext, member: MemberView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.member = ctx, member
        self.setObjectName("adjust_dialog")
        self.setWindowTitle(tr("Adjust points: %1").replace("%1", member.name))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Points now: %1").replace("%1", str(member.points)), self))
        self.form = InlineForm(self)
        self.delta = self.form.add("delta", tr("Add (negative takes away)"), QSpinBox(self))
        self.delta.setObjectName("adjust_delta")
        self.delta.setRange(-10_000_000, 10_000_000)
        self.reason = self.form.add("reason", tr("Reason"), QLineEdit(self))
        self.reason.setObjectName("adjust_reason")
        layout.addWidget(self.form)
        row, ok = dialog_buttons(self, tr("Adjust"), "confirm_adjust")
        ok.clicked.connect(self._confirm)
        layout.addLayout(row)

    def _confirm(self) -> None:
        delta = self.delta.value()
        detail = tr("%1 points for %2").replace("%1", f"{delta:+d}").replace("%2", self.member.name)
        with_authority(self.ctx, self, "points_adjust", self._run, detail=detail)

    def _run(self, authoriser) -> None:
        run_op(
            self.ctx,
            lambda: adjust_points(self.ctx.store, self.ctx.actor, self.member.id, self.delta.value(),
                                  self.reason.text(), authoriser=authoriser),
            show=lambda text: self.form.set_error("delta", text),
            on_error=self._reason_refused,
            success=self._done,
        )  # fmt: skip

    def _reason_refused(self, exc: BaseException) -> bool:
        if isinstance(exc, DomainError) and exc.code == "adjust.reason":
            self.form.set_error("reason", exc.message(self.ctx.core_lang))
            return True
        return False

    def _done(self, result) -> None:
        self.accept()
        self.done.emit(result)


class ReasonDialog(QDialog):
    """Why a card is reported lost, frozen, cancelled or replaced (and the new number)."""

    confirmed = Signal(str, str)  # reason, new card number

    def __init__(
        self, title: str, parent: QWidget | None = None, *, ask_card: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reason_dialog")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.form = InlineForm(self)
        self.reason = self.form.add("reason", tr("Reason"), QLineEdit(self))
        self.reason.setObjectName("reason_field")
        # Only a replacement asks for a card number: a field made and never laid out would
        # sit at the dialog's top left, over the word 原因.
        self.card: QLineEdit | None = None
        if ask_card:
            self.card = QLineEdit(self)
            self.card.setObjectName("new_card_field")
            self.form.add("card", tr("New card number (blank: generate)"), self.card)
        layout.addWidget(self.form)
        row, ok = dialog_buttons(self, tr("Confirm"), "confirm_reason")
        ok.clicked.connect(self._ok)
        layout.addLayout(row)

    def _ok(self) -> None:
        self.accept()
        card = self.card.text().strip() if self.card is not None else ""
        self.confirmed.emit(self.reason.text().strip(), card)

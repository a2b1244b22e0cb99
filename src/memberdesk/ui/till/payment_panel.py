"""Paying: points to redeem, stored value, tenders, change, and the points this sale earns.

The WeChat and Alipay boxes take the customer's payment code too: a scanner's 18 or so
digits and Enter there are the code (kept with the tender, shown masked), not an amount.
"""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import DomainError
from ...core.members.member import MemberView
from ...core.till.checkout import PAY_TENDERS, Computation
from ...core.till.paycodes import PAY_APPS, looks_like_code, mask_code
from ..i18n import tr
from ..texts import money, tender_name
from ..widgets.fields import ErrorLabel, MoneyEdit, keep_place, lines_high, set_role


def blocked_reason(reason: str) -> str:
    """Why no points can be used on this sale (RedeemLimits.blocked)."""
    texts = {
        "walk_in": tr("Walk-in customers cannot use points"),
        "window": tr("Points cannot be redeemed this month"),
        "cap": tr("This sale is too small to use points"),
        "balance": tr("Not enough points yet"),
        "min": tr("Not enough points for the minimum redemption"),
        "disabled": tr("Redeeming points is switched off"),
    }
    return texts.get(reason, texts["balance"])


def mark_refused(edit: QLineEdit, refused: bool) -> None:
    """An amount core refused is kept as typed, framed in red beside its message."""
    if bool(edit.property("refused")) != refused:
        edit.setProperty("refused", refused)
        edit.style().unpolish(edit)
        edit.style().polish(edit)


TYPING_PAUSE_MS = 250  # after the last key typed into a tender, the sums follow


class PointsEdit(QLineEdit):
    """The points to redeem, as typed: kept as typed when core refuses them (it says why).
    Enter completes the sale as F12 does, as in every box that pays."""

    amount_entered = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setValidator(QRegularExpressionValidator(r"^\d{0,9}$", self))
        self.setPlaceholderText("0")
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)  # digits only

    def value(self) -> int:
        text = self.text().strip()
        return int(text) if text else 0

    def setValue(self, value: int) -> None:  # noqa: N802 (as QSpinBox's, which it replaced)
        self.setText(str(value) if value else "")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.editingFinished.emit()  # the points taken first, then the sale completed
            self.amount_entered.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class TenderEdit(MoneyEdit):
    """An amount paid (cash, card, WeChat, Alipay, stored value), Enter completing the sale
    as F12 does once the amount is taken; for WeChat and Alipay also the customer's payment
    code, scanned or typed (9 digits or more and Enter), which is announced instead of taken
    as an amount."""

    code_entered = Signal(str)
    amount_entered = Signal()

    def __init__(self, takes_code: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if takes_code:
            self.setValidator(
                QRegularExpressionValidator(r"^(\d{0,8}(\.\d{0,2})?|\d{9,24})$", self)
            )

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            text = self.text().strip()
            if looks_like_code(text):
                self.code_entered.emit(text)
            else:
                self.editingFinished.emit()
                self.amount_entered.emit()
            event.accept()
            return
        super().keyPressEvent(event)


def limits_text(points: int, value: int, least: int, step: int, cap: int) -> str:
    """How many points this sale may take, in words (the figures from RedeemLimits)."""
    return (
        tr("Up to %1 points (%2); from %3, in steps of %4; at most %5 of this sale")
        .replace("%1", str(points)).replace("%2", money(value)).replace("%3", str(least))
        .replace("%4", str(step)).replace("%5", money(cap))
    )  # fmt: skip


def points_paid_text(value: int) -> str:
    return tr("Points pay %1. ").replace("%1", money(value))


def _redeem_texts() -> list[str]:
    """What the points' explanation can say, with the widest figures it shows."""
    most, wide = 9_999_999, 99_999_999
    widest = points_paid_text(wide) + limits_text(most, wide, 99_999, 99_999, wide)
    blocked = [
        blocked_reason(r) for r in ("walk_in", "window", "cap", "balance", "min", "disabled")
    ]
    return [widest, *blocked]


class RedeemInfo(QLabel):
    """The points' explanation beside their box: as many lines high as its longest text
    takes at the width it has (three on a 1024 screen, two at 1366), whatever it says now,
    so a text appearing never moves what is below it, and no line is kept for nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self._heights: dict[tuple[int, str], int] = {}  # by width and font

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt's name)
        key = (width, self.font().key())
        height = self._heights.get(key)
        if height is None:
            metrics = self.fontMetrics()
            flags = int(Qt.TextFlag.TextWordWrap.value)
            tallest = max(
                metrics.boundingRect(0, 0, max(width, 1), 10_000, flags, text).height()
                for text in _redeem_texts()
            )
            lines = max(1, min(3, -(-tallest // metrics.lineSpacing())))
            height = self._heights[key] = lines_high(self, lines)
        return height

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(0, self.heightForWidth(max(self.width(), 300)))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return self.sizeHint()


class PaymentPanel(QWidget):
    changed = Signal()
    complete_requested = Signal()
    gift_requested = Signal()
    code_scanned = Signal(str, str)  # tender, the payment code as scanned

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.gifts_on_offer = True  # the program in force has gifts (the till says which)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        grid = QGridLayout()
        grid.addWidget(QLabel(tr("Redeem points (F5)"), self), 0, 0)
        self.redeem = PointsEdit(self)
        self.redeem.setObjectName("redeem_points")
        self.redeem.editingFinished.connect(self.changed.emit)
        self.redeem.amount_entered.connect(self.complete_requested.emit)
        grid.addWidget(self.redeem, 0, 1)
        self.gift = QPushButton(tr("Gift (Shift+F5)"), self)
        self.gift.setObjectName("choose_gift")
        self.gift.clicked.connect(self.gift_requested.emit)
        grid.addWidget(self.gift, 0, 2)
        self.redeem_info = RedeemInfo(self)
        self.redeem_info.setObjectName("redeem_info")
        grid.addWidget(self.redeem_info, 0, 3, 1, 2)
        grid.addWidget(QLabel(tr("Pay from stored value (F6)"), self), 1, 0)
        self.wallet = TenderEdit(False, self)  # Enter completes the sale, as in every tender
        self.wallet.setObjectName("wallet_pay")
        self.wallet.editingFinished.connect(self.changed.emit)
        self.wallet.amount_entered.connect(self.complete_requested.emit)
        grid.addWidget(self.wallet, 1, 1)
        self.wallet_info = QLabel(self)
        self.wallet_info.setObjectName("wallet_info")
        grid.addWidget(self.wallet_info, 1, 3, 1, 2)
        self.wallet_all = QPushButton(tr("Use all"), self)
        self.wallet_all.setObjectName("wallet_all")
        self.wallet_all.clicked.connect(self._wallet_all)
        grid.addWidget(self.wallet_all, 1, 2)
        self.tenders: dict[str, TenderEdit] = {}
        self.codes: dict[str, QLabel] = {}
        # What is due and the change follow the amount as it is typed (a moment after the
        # last key), not only once the cursor leaves the box: the cashier counts the change
        # before completing the sale.
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self.changed.emit)
        for i, kind in enumerate(PAY_TENDERS):
            edit = TenderEdit(kind in PAY_APPS, self)
            edit.setObjectName(f"tender_{kind}")
            edit.editingFinished.connect(self.changed.emit)
            edit.amount_entered.connect(self.complete_requested.emit)
            edit.code_entered.connect(lambda code, kind=kind: self.code_scanned.emit(kind, code))
            edit.textEdited.connect(lambda text, kind=kind: self._amount_edited(kind, text))
            edit.textEdited.connect(lambda _text: self._typing.start())
            self.tenders[kind] = edit
            label = tr("Cash received (F10)") if kind == "cash" else tender_name(kind)
            grid.addWidget(QLabel(label, self), 2 + i // 2, (i % 2) * 2)
            grid.addWidget(edit, 2 + i // 2, (i % 2) * 2 + 1)
        codes = QVBoxLayout()  # the payment codes, masked, beside the WeChat and Alipay boxes
        codes.setSpacing(0)
        for kind in PAY_APPS:
            code = QLabel(self)
            code.setObjectName(f"code_{kind}")
            set_role(code, "muted")
            self.codes[kind] = code
            codes.addWidget(code)
        grid.addLayout(codes, 3, 4)
        grid.setColumnStretch(4, 1)
        self.references: dict[str, str] = {}  # the sale's payment codes (the till's draft)
        outer.addLayout(grid)
        sums = QGridLayout()
        self.due = QLabel(self)
        self.due.setObjectName("due")
        set_role(self.due, "big")
        sums.addWidget(self.due, 0, 0)
        self.change = QLabel(self)
        self.change.setObjectName("change")
        set_role(self.change, "big")
        sums.addWidget(self.change, 0, 1)
        self.earn = QLabel(self)
        self.earn.setObjectName("earn")
        sums.addWidget(self.earn, 1, 0)
        self.error = ErrorLabel(self)  # beside the points to earn, in room kept for it
        self.error.setObjectName("payment_error")
        keep_place(self.error)
        sums.addWidget(self.error, 1, 1)
        sums.setColumnStretch(1, 1)
        outer.addLayout(sums)
        self.complete = QPushButton(tr("Complete sale (F12)"), self)
        self.complete.setObjectName("complete_sale")
        set_role(self.complete, "primary")
        self.complete.clicked.connect(self.complete_requested.emit)
        outer.addWidget(self.complete)
        self._max_wallet = 0
        # As tall as it needs, never squeezed or stretched: the lines above take the rest.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    # ------------------------------------------------------------------ reading
    def typed_tenders(self, *, but: str = "") -> dict[str, int]:
        """The amounts typed per tender, `but` one (raises DomainError for an unreadable one)."""
        return {
            kind: edit.fen() for kind, edit in self.tenders.items() if kind != but and edit.fen()
        }

    def wallet_fen(self) -> int:
        return self.wallet.fen()

    def amount_boxes(self) -> dict[str, QLineEdit]:
        """The boxes an amount is typed into, by the part of the sale core names them."""
        return {"points": self.redeem, "wallet": self.wallet, **self.tenders}

    def reset(self) -> None:
        self._typing.stop()
        for edit in (*self.tenders.values(), self.wallet):
            edit.clear()
        for edit in self.amount_boxes().values():
            mark_refused(edit, False)
        self.redeem.blockSignals(True)
        self.redeem.setValue(0)
        self.redeem.blockSignals(False)
        self.references.clear()
        self.show_codes()
        self.error.show_message("")

    def _amount_edited(self, kind: str, text: str) -> None:
        """An amount typed over a payment code's tender: cleared, the code goes with it."""
        if not text.strip() and self.references.pop(kind, None) is not None:
            self.show_codes()

    def show_codes(self) -> None:
        for kind, label in self.codes.items():
            code = self.references.get(kind)
            label.setText(tr("Payment code %1").replace("%1", mask_code(code)) if code else "")

    def _wallet_all(self) -> None:
        self.wallet.set_fen(self._max_wallet)
        self.changed.emit()

    # ------------------------------------------------------------------ showing
    def show_quote(
        self, c: Computation | None, member: MemberView | None, error: str = "", *,
        member_refused: bool = False, refused: Collection[str] = (),
    ) -> None:  # fmt: skip
        """`c` as core quoted it; `member_refused`: core refuses the sale for its member (the
        reason is `error`), and `c` is the sale without them: what is due once they are off;
        `refused`: the parts core refused (said in `error`), whose boxes are marked, `c`
        counting them as none."""
        if member_refused:
            error = tr("Cannot complete: %1. Esc takes the member off the sale").replace(
                "%1", error
            )
        self.error.show_message(error)
        for part, edit in self.amount_boxes().items():
            mark_refused(edit, part in refused)
        if self.change.property("role") != "big":  # the last sale's change is gone
            set_role(self.change, "big")
            self.change.setIndent(-1)
        member_only = member is not None and not member_refused
        for w in (self.redeem, self.wallet, self.wallet_all):
            w.setEnabled(member_only)
        for edit in self.tenders.values():  # nothing typed there could pay for this sale
            edit.setEnabled(not member_refused)
        self.gift.setEnabled(member_only and self.gifts_on_offer)
        self.gift.setToolTip(
            "" if self.gifts_on_offer else tr("The loyalty program has no gifts to redeem")
        )
        if member is None:
            self.wallet_info.setText("")
            self._max_wallet = 0
        if c is None:
            self.due.setText(tr("To pay %1").replace("%1", money(0)))
            self.change.setText("")
            self.earn.setText("")
            self.redeem_info.setText(blocked_reason("walk_in") if member is None else "")
            self.complete.setEnabled(False)
            return
        self.complete.setEnabled(not member_refused)
        limits = c.limits
        if limits is None or limits.max_points == 0:
            reason = (limits.blocked if limits else "walk_in") or "balance"
            info = blocked_reason(reason)
        else:
            info = limits_text(limits.max_points, limits.max_value_fen, limits.min_points,
                               limits.unit_points, limits.cap_fen)  # fmt: skip
        if c.points_value:
            info = points_paid_text(c.points_value) + info
        self.redeem_info.setText("" if member_refused else info)
        if member is not None:
            balance = member.wallet_principal + member.wallet_bonus
            self._max_wallet = min(balance, c.pricing.total_fen - c.points_value)
            self.wallet_info.setText(
                tr("Balance %1 (stored %2 + bonus %3)").replace("%1", money(balance))
                .replace("%2", money(member.wallet_principal)).replace("%3", money(member.wallet_bonus))
            )  # fmt: skip
        self.due.setText(tr("To pay %1").replace("%1", money(c.still_due)))
        self.change.setText(
            tr("Change %1").replace("%1", money(c.change)) if c.cash_tendered else ""
        )
        if member_only:
            self.earn.setText(tr("Points this sale: +%1").replace("%1", str(c.earn.total_points)))
        else:
            self.earn.setText("")

    def show_change_due(self, received: int, change: int) -> None:
        """The cash sale just completed: the cash handed over and, in large type on its
        colour, the change to count back (kept until the next sale begins)."""
        self.due.setText(tr("Cash received %1").replace("%1", money(received)))
        self.change.setText(tr("Change %1").replace("%1", money(change)))
        set_role(self.change, "change_due")
        self.change.setIndent(self.change.fontMetrics().averageCharWidth())  # off the colour's edge

    def amount_error(self, exc: DomainError) -> None:
        self.error.show_message(exc.message(self.lang))

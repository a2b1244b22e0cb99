"""The member at the counter: who they are, what they hold, what to watch out for."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.coupons.report import coupons_to_use
from ...core.loyalty.program_store import current_program
from ...core.members.chain_directory import other_store, store_name
from ...core.members.member import MemberView
from ...core.members.phone import phone_seen_by
from ...core.till.history import member_facts
from ..context import AppContext
from ..i18n import tr
from ..texts import coupon_text, money, status_name, tier_text, when
from ..widgets.fields import set_role


class MemberPanel(QFrame):
    """Read-only; shows a MemberView or the walk-in placeholder (at the till, with the
    member's coupons still to use: Shift+F6 goes into them, ↑/↓ choose, and Enter or a double
    click puts one on the sale). The coupons are read again each time the member is shown
    (the till shows them anew whenever the sale changes) and when the cashier goes into
    them, so one past its last day leaves the list without the member being found again."""

    coupon_picked = Signal(str)  # the coupon's code
    exchange_requested = Signal(str)  # the coupon type the member gives points for (积分兑券)

    FIELDS = ("name", "card", "tier", "points", "principal", "bonus", "count_cards", "phone",
              "last_visit", "salesperson", "notes")  # fmt: skip

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, empty_text: str = "",
        coupons: bool = False, columns: int = 1,
    ) -> None:  # fmt: skip
        """`columns` 2: the contact facts beside the balances (the members page, where the
        panel is wide and every line it does not take is a line more of the member's
        history)."""
        super().__init__(parent)
        self.ctx = ctx
        self.empty_text = empty_text or tr("Walk-in customer")
        self.member: MemberView | None = None
        set_role(self, "panel")
        self.setObjectName("member_panel")
        outer = QVBoxLayout(self)
        self.warning = QLabel(self)
        self.warning.setObjectName("member_warning")
        set_role(self.warning, "warning")
        self.warning.setWordWrap(True)
        self.warning.hide()
        outer.addWidget(self.warning)
        self.badge = QLabel(self)
        self.badge.setObjectName("birthday_badge")
        set_role(self.badge, "badge")
        self.badge.hide()
        outer.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignLeft)
        self.store_badge = QLabel(self)  # a member of another store of the chain
        self.store_badge.setObjectName("member_store")
        self.store_badge.setTextFormat(Qt.TextFormat.PlainText)  # a name HQ gave, as typed
        set_role(self.store_badge, "badge")
        self.store_badge.hide()
        outer.addWidget(self.store_badge, 0, Qt.AlignmentFlag.AlignLeft)
        self.name = QLabel(tr("Walk-in customer"), self)
        self.name.setObjectName("member_name")
        set_role(self.name, "big")
        self.name.setWordWrap(True)
        outer.addWidget(self.name)
        grid = QGridLayout()
        labels = {
            "card": tr("Card"), "tier": tr("Tier"), "points": tr("Points"),
            "principal": tr("Stored value"), "bonus": tr("Bonus value"),
            "count_cards": tr("Count cards"), "phone": tr("Phone"),
            "last_visit": tr("Last visit"), "salesperson": tr("Salesperson"), "notes": tr("Notes"),
        }  # fmt: skip
        self.values: dict[str, QLabel] = {}
        beside = {"phone", "last_visit", "salesperson", "notes"} if columns == 2 else set()
        rows = [0, 0]
        for key in self.FIELDS[1:]:
            side = 1 if key in beside else 0
            row, col = rows[side], 2 * side
            grid.addWidget(QLabel(labels[key], self), row, col, Qt.AlignmentFlag.AlignTop)
            value = QLabel("—", self)
            value.setObjectName(f"member_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = value
            if key == "points":  # under the points: those that expire soon (其中 120 分 12-31 到期)
                self.expiring = QLabel(self)
                self.expiring.setObjectName("member_points_expiring")
                self.expiring.setWordWrap(True)
                set_role(self.expiring, "error")  # red: the cashier reminds the member
                self.expiring.hide()
                cell = QVBoxLayout()  # one cell: no empty line opens beside it
                cell.setSpacing(0)
                cell.addWidget(value)
                cell.addWidget(self.expiring)
                grid.addLayout(cell, row, col + 1)
            else:
                grid.addWidget(value, row, col + 1)
            rows[side] = row + 1
        grid.setColumnStretch(1, 1)
        if beside:
            grid.setColumnStretch(3, 1)
            grid.setHorizontalSpacing(self.fontMetrics().horizontalAdvance("\u3000" * 2))
        outer.addLayout(grid)
        big = self.values["points"].font()
        big.setPointSize(big.pointSize() + 4)
        big.setBold(True)
        for key in ("points", "principal", "bonus"):
            self.values[key].setFont(big)
        self.coupons: QListWidget | None = None
        if coupons:
            self.coupons_label = QLabel(tr("Coupons"), self)
            outer.addWidget(self.coupons_label)
            self.coupons = QListWidget(self)
            self.coupons.setObjectName("member_coupons")
            # The panel is narrow at 1366×768: a coupon's line wraps rather than hiding its
            # end date behind a sideways scroll bar.
            self.coupons.setWordWrap(True)
            self.coupons.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.coupons.setResizeMode(QListWidget.ResizeMode.Adjust)
            self.coupons.itemActivated.connect(
                lambda item: self.coupon_picked.emit(item.data(Qt.ItemDataRole.UserRole))
            )
            outer.addWidget(self.coupons)
            row = QHBoxLayout()
            self.exchange = QComboBox(self)
            self.exchange.setObjectName("member_exchange")
            row.addWidget(self.exchange, 1)
            self.exchange_go = QPushButton(tr("Exchange points"), self)
            self.exchange_go.setObjectName("member_exchange_go")
            self.exchange_go.clicked.connect(
                lambda: self.exchange_requested.emit(self.exchange.currentData())
            )
            row.addWidget(self.exchange_go)
            outer.addLayout(row)
        outer.addStretch(1)
        self.show_member(None)

    def _show_coupons(self, member: MemberView | None) -> None:
        if self.coupons is None:
            return
        self.coupons.clear()
        found = coupons_to_use(self.ctx.store, member.id) if member else []
        rules = current_program(self.ctx.store).program.coupons if member else None
        for c in found:  # 八折券：减 20%，最高优惠 ¥50.00，有效期至 …
            what = coupon_text(c.name, c.terms(rules))
            text = tr("%1 until %2").replace("%2", c.valid_until.isoformat()).replace("%1", what)
            item = QListWidgetItem(text, self.coupons)
            item.setData(Qt.ItemDataRole.UserRole, c.code)
        self.coupons_label.setText(tr("Coupons (%1) · Shift+F6").replace("%1", str(len(found))))
        self.exchange.clear()
        if rules is not None:
            for offer in rules.exchange:
                kind = rules.type(offer.coupon)
                what = coupon_text(kind.name, kind.terms()) if kind else offer.coupon
                text = tr("%1 points for %2").replace("%1", str(offer.points))
                self.exchange.addItem(text.replace("%2", what), offer.coupon)
        for w in (self.exchange, self.exchange_go):
            w.setVisible(self.exchange.count() > 0)

    def reload_coupons(self) -> None:
        """The member's coupons as they are now (one may have passed its last day)."""
        if self.coupons is None:
            return
        chosen = self.coupons.currentItem()
        code = chosen.data(Qt.ItemDataRole.UserRole) if chosen is not None else None
        self._show_coupons(self.member)
        for row in range(self.coupons.count()):
            if self.coupons.item(row).data(Qt.ItemDataRole.UserRole) == code:
                self.coupons.setCurrentRow(row)

    def focus_coupons(self) -> bool:
        """Into the coupon list as it is now, the first (or the one chosen before) selected;
        False when there is none to choose."""
        self.reload_coupons()
        if self.coupons is None or self.coupons.count() == 0:
            return False
        if self.coupons.currentRow() < 0:
            self.coupons.setCurrentRow(0)
        self.coupons.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return True

    def show_member(self, member: MemberView | None, warning: str = "") -> None:
        self.member = member
        self._show_coupons(member)
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        if member is None:
            self.name.setText(self.empty_text)
            for value in self.values.values():
                value.setText("—")
            self.expiring.hide()
            self.badge.hide()
            self.store_badge.hide()
            return
        home = other_store(self.ctx.store, member.id)
        named = store_name(self.ctx.store, home) if home else ""
        self.store_badge.setText(
            tr("Member of %1 (%2)").replace("%1", named).replace("%2", home) if named
            else tr("Member of store %1").replace("%1", home)
        )  # fmt: skip
        self.store_badge.setVisible(bool(home))
        facts = member_facts(self.ctx.store, member)
        self.name.setText(member.name)
        v = self.values
        v["card"].setText(member.card_no)
        v["tier"].setText(
            tier_text(facts.tier_name, member.tier_locked) if facts.tier_name else "—"
        )
        v["points"].setText(str(member.points))
        soon = facts.expiring
        if soon is not None:
            self.expiring.setText(
                tr("of which %1 pts expire after %2")
                .replace("%1", str(soon.points))
                .replace("%2", soon.last_day.strftime("%m-%d"))
            )
        self.expiring.setVisible(soon is not None)
        v["principal"].setText(money(member.wallet_principal))
        v["bonus"].setText(money(member.wallet_bonus))
        viewer = self.ctx.session.actor if self.ctx.session is not None else None
        v["phone"].setText(phone_seen_by(viewer, member.phone) or "—")  # as the found list shows it
        v["last_visit"].setText(  # another store's member has bought there, not yet here
            when(facts.last_visit_local) if facts.last_visit_local
            else tr("No purchase at this store yet") if home else tr("No purchase yet")
        )  # fmt: skip
        v["count_cards"].setText(
            "\n".join(f"{c.name} {c.left}/{c.counts}" for c in facts.count_cards) or "—"
        )
        v["salesperson"].setText(member.salesperson_name or "—")
        v["notes"].setText(member.notes or "—")
        if facts.birthday_this_week and facts.birthday_this_year:
            self.badge.setText(
                tr("Birthday this week: %1").replace(
                    "%1", facts.birthday_this_year.strftime("%m-%d")
                )
            )
            self.badge.show()
        else:
            self.badge.hide()
        if not warning and member.status != "active":
            self.warning.setText(
                tr("Status: %1 — no purchases on this card").replace(
                    "%1", status_name(member.status)
                )
            )
            self.warning.show()

"""Coupons in the back office: issue coupons of a type of the program (to members by card
or phone, or to the bearer), and each campaign's coupons issued, redeemed and the spend
they brought back."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.coupons.issue import issue_coupons
from ...core.coupons.report import campaign_figures
from ...core.followups.coupon_campaign import members_by_card_or_phone
from ...core.loyalty.program_store import current_program
from ...core.shop.staff import Actor
from ..context import AppContext
from ..i18n import current_language, tr
from ..members.authorise import with_authority
from ..ops import run_op
from ..texts import coupon_text, money
from ..widgets.fields import InlineForm, MessageBar, set_role
from ..widgets.tables import ReadOnlyTable


class CouponsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        outer = QVBoxLayout(self)
        self.bar = MessageBar(self)
        outer.addWidget(self.bar)
        self.form = InlineForm(self)
        self.type = self.form.add("type", tr("Coupon type"), QComboBox(self))
        self.type.setObjectName("coupon_type")
        self.members = self.form.add("members", tr("Members (cards or phones, comma-separated)"),
                                     QLineEdit(self))  # fmt: skip
        self.members.setObjectName("coupon_members")
        self.count = self.form.add("count", tr("Coupons for the bearer"), QSpinBox(self))
        self.count.setObjectName("coupon_count")
        self.count.setRange(1, 5000)
        self.campaign = self.form.add("campaign", tr("Campaign"), QLineEdit(self))
        self.campaign.setObjectName("coupon_campaign")
        outer.addWidget(self.form)
        row = QHBoxLayout()
        self.issue = issue = QPushButton(tr("Issue coupons"), self)
        issue.setObjectName("coupon_issue")
        set_role(issue, "primary")
        issue.clicked.connect(self._issue)
        row.addWidget(issue)
        row.addStretch(1)
        outer.addLayout(row)
        self.issued = QLabel(self)
        self.issued.setObjectName("coupons_issued")
        self.issued.setWordWrap(True)
        outer.addWidget(self.issued)
        outer.addWidget(QLabel(tr("Campaigns"), self))
        self.table = ReadOnlyTable([tr("Campaign"), tr("Coupon"), tr("Issued"), tr("Redeemed"),
                                    tr("Expired"), tr("Not used"), tr("Taken off"),
                                    tr("Spend brought back")], self)  # fmt: skip
        self.table.setObjectName("coupon_campaigns")
        outer.addWidget(self.table, 1)

    def refresh(self) -> None:
        program = current_program(self.ctx.store).program
        self.type.clear()
        for t in program.coupons.types:  # what it gives and how long: 满300减50（30天有效）
            text = (tr("%1 (%2)").replace("%2", t.validity().text(current_language()))
                    .replace("%1", coupon_text(f"{t.name} ({t.code})", t.terms())))  # fmt: skip
            self.type.addItem(text, t.code)
        # None yet: the page says where they are made, and issues nothing.
        self.type.setPlaceholderText(
            tr("None yet: add coupon types in Back office → Loyalty program (Coupon types)")
        )
        self.issue.setEnabled(self.type.count() > 0)
        rows = [[f.title(self.ctx.core_lang), f.name or f.type_code, f.issued, f.redeemed, f.expired,
                 f.outstanding, money(f.taken_off), money(f.spend)]
                for f in campaign_figures(self.ctx.store)]  # fmt: skip
        self.table.fill(rows, numeric=(2, 3, 4, 5, 6, 7))

    def _members(self) -> list[str | None]:
        refs = [r.strip() for r in self.members.text().replace("，", ",").split(",") if r.strip()]
        if not refs:
            return [None] * self.count.value()
        return list(members_by_card_or_phone(self.ctx.store, refs))

    def _issue(self) -> None:
        code = self.type.currentData()
        if not code:
            self.bar.error(tr("The loyalty program has no coupon types yet"))
            return
        campaign = self.campaign.text().strip()

        def proceed(authoriser: Actor | None) -> None:
            run_op(self.ctx, lambda: issue_coupons(self.ctx.store, self.ctx.actor, code,
                                                   self._members(), campaign=campaign,
                                                   authoriser=authoriser),
                   bar=self.bar, success=self._issued)  # fmt: skip

        detail = f"{self.type.currentText()} · {campaign}" if campaign else self.type.currentText()
        self.authorise = with_authority(self.ctx, self, "coupon_issue", proceed, detail=detail)

    def _issued(self, issued: list) -> None:
        self.issued.setText("\n".join(f"{c.id}  {c.code}" for c in issued[:20]))
        self.bar.notice(tr("%1 coupons issued").replace("%1", str(len(issued))))
        self.members.clear()
        self.refresh()

"""A small dashboard: members active / dormant / new, member share of sales, tier mix, the trend."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ...core.till.dashboard import Dashboard, dashboard
from ..context import AppContext
from ..i18n import tr
from ..ops import run_op
from ..texts import money
from ..widgets.charts import Bars, Donut, Slice
from ..widgets.fields import set_role
from ..worker import REPORT


class DashboardPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        outer = QVBoxLayout(self)
        figures = QHBoxLayout()
        self.figures: dict[str, QLabel] = {}
        for key, title in (("members", tr("Members")), ("active", tr("Active (3 months)")),
                           ("dormant", tr("Dormant")), ("new", tr("New this month")),
                           ("share", tr("Member share of sales"))):  # fmt: skip
            box = QVBoxLayout()
            value = QLabel("—", self)
            value.setObjectName(f"dash_{key}")
            set_role(value, "big")
            box.addWidget(value)
            caption = QLabel(title, self)
            set_role(caption, "muted")
            box.addWidget(caption)
            figures.addLayout(box)
            self.figures[key] = value
        outer.addLayout(figures)
        self.month = QLabel(self)
        self.month.setObjectName("dash_month")
        outer.addWidget(self.month)
        charts = QGridLayout()
        self.activity = Donut(tr("Members by activity"), self)
        self.tiers = Donut(tr("Tier mix"), self)
        self.trend = Bars(tr("Takings, last 14 days"), self)
        charts.addWidget(self.activity, 0, 0)
        charts.addWidget(self.tiers, 0, 1)
        charts.addWidget(self.trend, 1, 0, 1, 2)
        outer.addLayout(charts, 1)

    def refresh(self) -> None:
        """Counting 100k members takes a moment: the worker does it."""
        store = self.ctx.store
        run_op(self.ctx, lambda _progress: dashboard(store), slow=True, title=tr("Dashboard"),
               kind=REPORT, success=self.show_figures)  # fmt: skip

    def show_figures(self, d: Dashboard) -> None:
        f = self.figures
        f["members"].setText(str(d.members))
        f["active"].setText(str(d.active))
        f["dormant"].setText(str(d.dormant))
        f["new"].setText(str(d.new_this_month))
        f["share"].setText(f"{d.member_share_percent}%")
        text = tr("This month: %1 sales, %2; members bought %3 of them for %4")
        text = (text.replace("%1", str(d.month_sales_count)).replace("%2", money(d.month_sales_total))
                .replace("%3", str(d.month_member_sales_count)).replace("%4", money(d.month_member_sales_total)))  # fmt: skip
        self.month.setText(text)
        self.activity.set_slices([
            Slice(tr("Active members"), d.active, "#2da44e"), Slice(tr("Dormant"), d.dormant, "#d1242f"),
            Slice(tr("Not back yet"), d.never_visited, "#bf8700"),
        ])  # fmt: skip
        self.tiers.set_slices([Slice(t.name, t.members) for t in d.tiers])
        self.trend.set_bars(
            [day.day.strftime("%m-%d") for day in d.trend],
            [[day.member_total, day.walk_in_total] for day in d.trend],
            [tr("Members"), tr("Walk-in")],
        )

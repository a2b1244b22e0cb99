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
        self.captions: dict[str, QLabel] = {}
        for key, title in (("members", tr("Members")), ("active", tr("Active (3 months)")),
                           ("dormant", tr("Dormant")), ("new", tr("New this month")),
                           ("share", tr("Member share of sales"))):  # fmt: skip
            box = QVBoxLayout()
            value = QLabel("—", self)
            value.setObjectName(f"dash_{key}")
            set_role(value, "big")
            box.addWidget(value)
            caption = QLabel(title, self)
            caption.setObjectName(f"dash_{key}_caption")
            set_role(caption, "muted")
            box.addWidget(caption)
            figures.addLayout(box)
            self.figures[key] = value
            self.captions[key] = caption
        outer.addLayout(figures)
        self.note = QLabel(self)
        self.note.setObjectName("dash_note")
        self.note.setWordWrap(True)
        set_role(self.note, "muted")
        outer.addWidget(self.note)
        self.month = QLabel(self)
        self.month.setObjectName("dash_month")
        outer.addWidget(self.month)
        charts = QGridLayout()
        self.activity = Donut(tr("Members by activity"), self)
        self.tiers = Donut(tr("Tier mix"), self)
        self.trend = Bars(tr("Takings, last 14 days"), self, value_text=short_money)
        charts.addWidget(self.activity, 0, 0)
        charts.addWidget(self.tiers, 0, 1)
        charts.addWidget(self.trend, 1, 0, 1, 2)
        outer.addLayout(charts, 1)

    def refresh(self) -> None:
        """Counting 100k members takes a moment: the worker does it."""
        store = self.ctx.store
        actor = self.ctx.actor if self.ctx.session is not None else None
        run_op(self.ctx, lambda _progress: dashboard(store, actor=actor), slow=True,
               title=tr("Dashboard"), kind=REPORT, success=self.show_figures)  # fmt: skip

    def show_figures(self, d: Dashboard) -> None:
        f = self.figures
        f["members"].setText(str(d.members))
        f["active"].setText(str(d.active))
        f["dormant"].setText(str(d.dormant))
        f["new"].setText(str(d.new_this_month))
        days = str(d.dormant_days)
        self.captions["active"].setText(tr("Back within %1 days").replace("%1", days))
        self.captions["dormant"].setText(tr("Dormant: away %1 days or more").replace("%1", days))
        note = tr("Dormant counts members (active or card lost) not back for %1 days or more, "
                  "or never back since joining that long ago; Follow-ups → Dormant → “All dormant” "
                  "lists the same members, less those called lately.")  # fmt: skip
        self.note.setText(note.replace("%1", days))
        t = d.takings
        for widget in (f["share"], self.captions["share"], self.month, self.trend):
            widget.setVisible(t is not None)  # a cashier sees no money figures
        if t is not None:
            f["share"].setText(f"{t.member_share_percent}%")
            text = tr("This month: %1 sales, %2; members bought %3 of them for %4")
            text = (text.replace("%1", str(t.month_sales_count)).replace("%2", money(t.month_sales_total))
                    .replace("%3", str(t.month_member_sales_count)).replace("%4", money(t.month_member_sales_total)))  # fmt: skip
            self.month.setText(text)
            self.trend.set_bars(
                [day.day.strftime("%m-%d") for day in t.trend],
                [[day.member_total, day.walk_in_total] for day in t.trend],
                [tr("Members"), tr("Walk-in")],
            )
        slices = [Slice(tr("Active members"), d.active, "#2da44e"),
                  Slice(tr("Dormant"), d.dormant, "#d1242f")]  # fmt: skip
        if d.frozen_away:
            slices.append(Slice(tr("Frozen"), d.frozen_away, "#57606a"))
        slices.append(Slice(tr("Not back yet"), d.never_visited, "#bf8700"))
        self.activity.set_slices(slices)
        self.tiers.set_slices([Slice(t.name, t.members) for t in d.tiers])


def short_money(fen: int) -> str:
    """A bar's value in whole yuan, ¥12,345: fourteen of them stand side by side."""
    return money((fen + 50) // 100 * 100)[:-3]

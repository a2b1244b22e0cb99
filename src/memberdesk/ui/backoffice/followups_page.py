"""The owner's follow-up lists: choose a list and a period, see who to call, grouped by salesperson."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.followups.calllog import OUTCOMES, export_list, import_outcomes, log_call
from ...core.followups.lists import (
    LIST_KINDS,
    FollowupList,
    Period,
    all_dormant,
    default_period,
    followup_list,
    next_days,
)
from ...core.i18n import join
from ...core.members.phone import phone_seen_by
from ...core.shop.staff import list_staff
from ...core.till.history import today
from ..context import AppContext
from ..i18n import tr
from ..ops import run_op
from ..texts import call_outcome_name, list_kind_name, money
from ..widgets.fields import MessageBar
from ..widgets.file_dialogs import open_file, save_file
from ..widgets.tables import ReadOnlyTable
from ..worker import FILES, REPORT


class OutcomeDialog(QDialog):
    """How the call went, for one member of the list: who made it and on which day too, for
    a paper sheet written up later (the follow-up counts are the caller's)."""

    logged = Signal(str, str, str, object)  # outcome, note, the caller's name, the day

    def __init__(
        self, name: str, staff: list[str], caller: str, day: date, today: date,
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("outcome_dialog")
        self.setWindowTitle(tr("Call outcome: %1").replace("%1", name))
        col = QVBoxLayout(self)
        # Named in the dialog too: a till's window manager may show no title bar.
        who = QLabel(tr("Call outcome: %1").replace("%1", name), self)
        who.setObjectName("outcome_member")
        who.setProperty("role", "heading")
        col.addWidget(who)
        form = QFormLayout()
        self.outcome = QComboBox(self)
        self.outcome.setObjectName("outcome")
        for code in OUTCOMES:
            self.outcome.addItem(call_outcome_name(code), code)
        form.addRow(tr("Outcome"), self.outcome)
        self.caller = QComboBox(self)
        self.caller.setObjectName("outcome_caller")
        for person in staff:
            self.caller.addItem(person, person)
        self.caller.setCurrentIndex(max(0, self.caller.findData(caller)))
        form.addRow(tr("Called by"), self.caller)
        self.day = QDateEdit(QDate(day.year, day.month, day.day), self)
        self.day.setObjectName("outcome_day")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setMaximumDate(QDate(today.year, today.month, today.day))  # never a day to come
        form.addRow(tr("Called on"), self.day)
        self.note = QLineEdit(self)
        self.note.setObjectName("outcome_note")
        self.note.setPlaceholderText(tr("Note"))
        form.addRow(tr("Note"), self.note)
        col.addLayout(form)
        ok = QPushButton(tr("Save"), self)
        ok.setObjectName("outcome_save")
        ok.setDefault(True)
        ok.clicked.connect(self._ok)
        col.addWidget(ok)

    def _ok(self) -> None:
        self.accept()
        self.logged.emit(self.outcome.currentData(), self.note.text().strip(),
                         self.caller.currentData() or "", self.day.date().toPython())  # fmt: skip


class FollowUpsView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.current: FollowupList | None = None
        outer = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.kind = QComboBox(self)
        self.kind.setObjectName("followup_kind")
        for kind in LIST_KINDS:
            self.kind.addItem(list_kind_name(kind), kind)
        filters.addWidget(QLabel(tr("List"), self))
        filters.addWidget(self.kind)
        self.period = QComboBox(self)
        self.period.setObjectName("followup_period")
        # as wide as its choice: the dormant list's 全部沉睡会员（不论多久未到店） comes later
        self.period.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for key, text in (("default", tr("Usual period")), ("7", tr("Next 7 days")),
                          ("30", tr("Next 30 days")), ("past7", tr("Last 7 days"))):  # fmt: skip
            self.period.addItem(text, key)
        filters.addWidget(QLabel(tr("Period"), self))
        filters.addWidget(self.period)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.salesperson = QComboBox(self)
        self.salesperson.setObjectName("followup_salesperson")
        self.salesperson.addItem(tr("Everyone"), None)
        for info in list_staff(ctx.store):
            self.salesperson.addItem(info.name, info.name)
        filters.addWidget(QLabel(tr("Salesperson"), self))
        filters.addWidget(self.salesperson)
        show = QPushButton(tr("Show list"), self)
        show.setObjectName("followup_show")
        show.clicked.connect(self.load)
        filters.addWidget(show)
        filters.addStretch(1)
        outer.addLayout(filters)
        self.bar = MessageBar(self)
        outer.addWidget(self.bar)
        self.summary = QLabel(self)
        self.summary.setObjectName("followup_summary")
        outer.addWidget(self.summary)
        self.table = ReadOnlyTable(
            [tr("Salesperson"), tr("Name"), tr("Phone"), tr("Tier"), tr("Due"), tr("Why"), tr("Last seen in store"),
             tr("Spent"), tr("Points"), tr("Offers OK")], self, name="followup_table", stretch=5,
        )  # fmt: skip
        outer.addWidget(self.table, 1)
        actions = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("print", tr("Print call sheet (PDF)…"), self.print_sheet), ("export", tr("Export for filling in…"), self.export),
            ("outcome", tr("Enter the chosen member's outcome…"), self.enter_outcome),
            ("import", tr("Take outcomes back from a sheet…"), self.import_sheet),
        ):  # fmt: skip
            button = QPushButton(text, self)
            button.setObjectName(f"followup_{key}")
            button.clicked.connect(slot)
            actions.addWidget(button)
            self.buttons[key] = button
        actions.addStretch(1)
        outer.addLayout(actions)
        self.dialog: QWidget | None = None
        self._loaded = False
        self._shown = None  # how the list shown was made (its kind, period, salesperson)
        # The last outcome's (who wrote it up, the caller, the day): the next one's defaults
        # while the same list is written up (a paper sheet is one list).
        self._written_up: tuple[str, str, date] = ("", "", date.min)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.load()

    def _kind_changed(self) -> None:
        """Dormant members can be listed all at once, not only those who newly became so."""
        at = self.period.findData("all")
        if self.kind.currentData() == "dormant":
            if at < 0:
                self.period.addItem(tr("All dormant, however long away"), "all")
        elif at >= 0:
            if self.period.currentIndex() == at:
                self.period.setCurrentIndex(0)
            self.period.removeItem(at)

    @staticmethod
    def _period(store, kind: str, key: str) -> Period | None:
        """The period chosen (`key`) for a list of `kind`, from the shop's today."""
        day = today(store)
        if key == "all":
            return all_dormant(day)
        if key == "7":
            return next_days(day, 7)
        if key == "30":
            return next_days(day, 30)
        if key == "past7":
            return Period(day - timedelta(days=6), day)
        return default_period(kind, day)

    def load(self) -> None:
        kind, key = self.kind.currentData(), self.period.currentData()
        store, salesperson = self.ctx.store, self.salesperson.currentData()
        lang = self.ctx.core_lang

        def run(progress):
            return followup_list(
                store,
                kind,
                self._period(store, kind, key),
                salesperson=salesperson,
                lang=lang,
                never_returned=key != "all",  # all dormant: exactly who the dashboard counts
            )

        self._shown = run
        self._written_up = ("", "", date.min)  # a new list: its calls are the writer's, today
        self._show_list(run)

    def _show_list(self, run, at_row: int | None = None) -> None:
        self.summary.setText(tr("Working…"))
        run_op(self.ctx, run, slow=True, title=tr("Follow-up list"), kind=REPORT, bar=self.bar,
               success=lambda result: self._show(result, at_row))  # fmt: skip

    def _list_again(self, at_row: int | None = None) -> None:
        """The list shown, drawn again as core makes it now: a member whose call was just
        entered is off it (and off the sheet printed from it); `at_row` is chosen after."""
        if self._shown is not None:
            self._show_list(self._shown, at_row)

    def _cancelled(self) -> None:
        self.bar.notice(tr("Cancelled: no file was written"))

    def _save_path(self, title: str, name: str, filters: str) -> Path | None:
        return save_file(self, title, name, filters)

    def print_sheet(self) -> None:
        if self.current is None:
            return
        path = self._save_path(tr("Call sheet"), f"{self.current.title}.pdf", "PDF (*.pdf)")
        if path is not None:
            self.write_sheet(path)

    def write_sheet(self, path: Path) -> None:
        from ...core.followups.callsheet_pdf import build_callsheet_pdf

        store, actor, fl = self.ctx.store, self.ctx.actor, self.current

        def done(result) -> None:
            text = tr("Call sheet written: %1 rows, %2 pages → %3")
            self.bar.notice(text.replace("%1", str(result.rows)).replace("%2", str(result.pages))
                            .replace("%3", str(result.path)))  # fmt: skip

        run_op(self.ctx, lambda progress: build_callsheet_pdf(store, actor, fl, path, progress=progress),
               slow=True, title=tr("Call sheet PDF"), kind=FILES, stoppable=True, bar=self.bar,
               success=done, cancelled=self._cancelled)  # fmt: skip

    def export(self) -> None:
        if self.current is None:
            return
        path = self._save_path(
            tr("Export the list"), f"{self.current.title}.xlsx", "Excel (*.xlsx);;CSV (*.csv)"
        )
        if path is None:
            return
        store, actor, fl = self.ctx.store, self.ctx.actor, self.current

        def done(n: int) -> None:
            self.bar.notice(
                tr("Exported %1 members to %2").replace("%1", str(n)).replace("%2", str(path))
            )

        run_op(self.ctx, lambda progress: export_list(store, actor, fl, path, progress=progress),
               slow=True, title=tr("Exporting"), kind=FILES, stoppable=True, bar=self.bar,
               success=done, cancelled=self._cancelled)  # fmt: skip

    def enter_outcome(self) -> None:
        member_id = self.table.selected_key()
        if member_id is None or self.current is None:
            self.bar.error(tr("Choose a member in the list first"))
            return
        row = next(r for r in self.current.rows if r.member_id == member_id)
        at = self.current.rows.index(row)
        kind = self.current.kind
        # Who called and when: the logged-in person today, or, writing up a paper sheet, the
        # caller and day given for the member before (kept while the same person is in).
        staff = [info.name for info in list_staff(self.ctx.store)]
        last = self._written_up if self._written_up[0] == self.ctx.actor.name else None
        caller = last[1] if last and last[1] in staff else self.ctx.actor.name
        now = today(self.ctx.store)
        dialog = OutcomeDialog(row.name, staff, caller, last[2] if last else now, now, self)

        def logged(outcome: str) -> None:
            self.bar.notice(
                tr("%1: %2").replace("%1", row.name).replace("%2", call_outcome_name(outcome))
            )
            self._list_again(at_row=at)  # the next member down is chosen, for their outcome

        def save(outcome: str, note: str, caller: str, day) -> None:
            self._written_up = (self.ctx.actor.name, caller, day)
            run_op(
                self.ctx, lambda: log_call(self.ctx.store, self.ctx.actor, member_id, kind, outcome,
                                           note, called_on=day, caller=caller),
                bar=self.bar, success=lambda _entry: logged(outcome),
            )  # fmt: skip

        dialog.logged.connect(save)
        self.dialog = dialog
        dialog.open()

    def import_sheet(self) -> None:
        path = open_file(self, tr("Filled-in call sheet"), "Excel / CSV (*.xlsx *.csv)")
        if not path:
            return
        store, actor = self.ctx.store, self.ctx.actor

        def done(report) -> None:
            if report.written:
                self._list_again()
            text = tr("%1 outcomes taken back, %2 already there, %3 problem rows")
            counts = (text.replace("%1", str(report.written)).replace("%2", str(report.duplicates))
                      .replace("%3", str(len(report.problems))))  # fmt: skip
            if not report.problems:
                self.bar.notice(counts)
                return
            # One message: the counts stay in sight, each problem named by the sheet's row.
            row = tr("Row %1: ")
            lines = [
                row.replace("%1", str(n)) + why
                for n, why in report.messages(self.ctx.core_lang)[:5]
            ]
            self.bar.error(join([counts, *lines], self.ctx.core_lang, kind="clauses"))

        run_op(self.ctx, lambda progress: import_outcomes(store, actor, Path(path), progress=progress),
               slow=True, title=tr("Taking outcomes back"), kind=FILES, stoppable=True, bar=self.bar,
               success=done, cancelled=lambda: self.bar.notice(tr("Cancelled: no outcome was taken back")))  # fmt: skip

    def _show(self, result: FollowupList, at_row: int | None = None) -> None:
        self.current = result
        viewer = self.ctx.session.actor if self.ctx.session is not None else None
        rows = [
            [r.salesperson, r.name, phone_seen_by(viewer, r.phone), r.tier, r.due.isoformat(),
             r.reason, r.last_visit.isoformat() if r.last_visit else "—", money(r.lifetime_spend), r.points,
             tr("Yes") if r.consent else tr("No")]
            for r in result.rows
        ]  # fmt: skip
        self.table.fill(rows, [r.member_id for r in result.rows], numeric=(7, 8))
        if at_row is not None and result.rows:
            self.table.selectRow(min(at_row, len(result.rows) - 1))
        text = (
            tr("%1 · %2 · %3 members")
            .replace("%1", result.title)
            .replace("%2", result.period.text(result.lang))
        )
        text = text.replace("%3", str(len(result.rows)))
        total = result.dormant_total
        if total is not None:
            if self.salesperson.currentData() is None and total != len(result.rows):
                more = tr("; %1 dormant in all (as on the dashboard): %2 called lately or asking "
                          "not to be called are left out")  # fmt: skip
                text += more.replace("%1", str(total)).replace("%2", str(total - len(result.rows)))
            elif self.salesperson.currentData() is None:
                text += tr("; as on the dashboard")
        self.summary.setText(text)

"""Import members from a sheet (dry run first, every bad row in a table) and export them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.members.import_export import ImportReport, export_members, import_members
from ..context import AppContext
from ..i18n import tr
from ..members.authorise import with_authority
from ..ops import run_op
from ..widgets.fields import MessageBar, set_role
from ..widgets.file_dialogs import open_file, save_file
from ..widgets.tables import ReadOnlyTable
from ..worker import FILES


def report_text(r: ImportReport, lang: str) -> str:
    text = tr("%1 rows: %2 new, %3 updates, %4 with problems, %5 skipped")
    text = (text.replace("%1", str(r.total)).replace("%2", str(r.new)).replace("%3", str(r.updates))
            .replace("%4", str(len(r.bad_rows))).replace("%5", str(len(r.skipped))))  # fmt: skip
    if r.dry_run:
        text += tr(" — dry run, nothing written")
    else:
        text += tr(" — %1 written").replace("%1", str(r.written))
    if r.openings:
        text += "\n" + r.openings_text(lang)
    reason = r.nothing_written()
    if reason is not None:
        text += "\n" + reason.message(lang)
    return text


class ImportExportPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path: Path | None = None
        self.report: ImportReport | None = None
        outer = QVBoxLayout(self)
        self.bar = MessageBar(self)
        outer.addWidget(self.bar)
        box = QGroupBox(tr("Import members (.csv / .xlsx)"), self)
        col = QVBoxLayout(box)
        row = QHBoxLayout()
        choose = QPushButton(tr("Choose a file and check it…"), box)
        choose.setObjectName("import_choose")
        choose.clicked.connect(self._choose)
        row.addWidget(choose)
        self.run_button = QPushButton(tr("Import the good rows"), box)
        self.run_button.setObjectName("import_run")
        set_role(self.run_button, "primary")
        self.run_button.setEnabled(False)
        self.run_button.clicked.connect(lambda: self.check(write=True))
        row.addWidget(self.run_button)
        row.addStretch(1)
        col.addLayout(row)
        self.summary = QLabel(box)
        self.summary.setObjectName("import_summary")
        self.summary.setWordWrap(True)
        col.addWidget(self.summary)
        # Each line says what becomes of its row (not every line is a problem: a good row's
        # opening balance and a column left out are listed too), then why, in core's words.
        self.table = ReadOnlyTable(
            [tr("Row"), tr("Column"), tr("What happens"), tr("Details")], box,
            name="import_problems",
        )  # fmt: skip
        col.addWidget(self.table, 1)
        outer.addWidget(box, 1)
        out = QGroupBox(tr("Export members"), self)
        out_row = QHBoxLayout(out)
        self.full_phone = QCheckBox(tr("Full phone numbers (needs a manager)"), out)
        out_row.addWidget(self.full_phone)
        export = QPushButton(tr("Export…"), out)
        export.setObjectName("export_members")
        export.clicked.connect(self._export)
        out_row.addWidget(export)
        out_row.addStretch(1)
        outer.addWidget(out)

    def _choose(self) -> None:
        path = open_file(self, tr("Member sheet"), "Excel / CSV (*.xlsx *.csv)")
        if path:
            self.check(path)

    def check(self, path: Path | None = None, *, write: bool = False) -> None:
        """Dry-run `path` (or import the checked file when `write`); the report fills the table."""
        if path is not None:
            self.path = path
        if self.path is None:
            return
        store, actor, source = self.ctx.store, self.ctx.actor, self.path
        self.run_button.setEnabled(False)
        self.summary.setText(tr("Checking %1…").replace("%1", source.name))

        def run(progress):
            return import_members(store, actor, source, dry_run=not write, progress=progress)

        def done(report: ImportReport) -> None:
            self.report = report
            lang = self.ctx.core_lang
            self.summary.setText(f"{source.name}：{report_text(report, lang)}")
            rows = [[p.row, p.column(lang), tr("Not imported: correct it and check again"),
                     p.message(lang)] for p in report.problems]  # fmt: skip
            rows += [[s.row, "", tr("Skipped"), s.message(lang)] for s in report.skipped]
            rows += [[s.row, "", tr("Balance not opened"), s.message(lang)]
                     for s in report.balances_kept]  # fmt: skip
            if report.dry_run:
                rows += [[o.row, "", tr("Imported with an opening balance"), o.message(lang)]
                         for o in report.openings]  # fmt: skip
            rows += [
                ["", "", tr("Column left out"), e.message(lang)] for e in report.ignored_columns
            ]
            self.table.fill(rows, numeric=(0,))
            self.run_button.setEnabled(report.dry_run and (report.new + report.updates) > 0)
            if report.stopped is not None:
                self.bar.error(tr("Import stopped after %1 rows were written: %2")
                               .replace("%1", str(report.written))
                               .replace("%2", report.stopped.message(lang)))  # fmt: skip
            elif report.cancelled and report.written:
                self.bar.notice(tr("Import stopped: %1 rows written; import the same file again "
                                   "to add the rest").replace("%1", str(report.written)))  # fmt: skip
            elif report.cancelled:
                self.summary.setText("")
                self.bar.notice(tr("Import cancelled: no member was changed"))

        def failed(_exc: BaseException) -> bool:
            self.summary.setText("")
            return False  # said in the bar

        def cancelled() -> None:
            self.summary.setText("")
            self.run_button.setEnabled(not write and self.report is not None)
            self.bar.notice(tr("Import cancelled: no member was changed") if write
                            else tr("Check cancelled"))  # fmt: skip

        title = tr("Importing") if write else tr("Checking the sheet")
        run_op(self.ctx, run, slow=True, title=title, kind=FILES, stoppable=True, bar=self.bar,
               on_error=failed, success=done, cancelled=cancelled)  # fmt: skip

    def _export(self) -> None:
        name = tr("Members.xlsx")  # the file is named in the reader's language, as the card PDF is
        path = save_file(self, tr("Export members"), name, "Excel (*.xlsx);;CSV (*.csv)")
        if not path:
            return
        if self.full_phone.isChecked():
            with_authority(
                self.ctx,
                self,
                "export_full_phone",
                lambda who: self.export_to(Path(path), True, who),
            )
        else:
            self.export_to(Path(path), False, None)

    def export_to(self, path: Path, full_phone: bool, authoriser) -> None:
        store, actor, lang = self.ctx.store, self.ctx.actor, self.ctx.core_lang

        def run(progress):
            return export_members(store, actor, path, full_phone=full_phone, authoriser=authoriser,
                                  progress=progress, lang=lang)  # fmt: skip

        run_op(
            self.ctx, run, slow=True, title=tr("Exporting"), kind=FILES, stoppable=True, bar=self.bar,
            success=lambda n: self.bar.notice(tr("Exported %1 members to %2").replace("%1", str(n)).replace("%2", str(path))),
            cancelled=lambda: self.bar.notice(tr("Export cancelled: no file was written")),
        )  # fmt: skip

"""The product catalogue (后台 → 商品): browse and filter, add, edit, deactivate, import with a
dry-run table, export, and the program's rules for categories.

A change is a manager's or owner's; a cashier is asked for one's PIN (core checks it
again). Every number and rule is core's: this page only shows and asks.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import DomainError, ValidationFailed
from ...core.items.barcodes import split_barcodes
from ...core.items.catalogue import (
    ItemForm,
    ItemView,
    create_item,
    edit_item,
    get_item,
    set_item_active,
)
from ...core.items.lookup import find_items, item_categories
from ...core.items.transfer import ItemsImportReport, export_items, import_items
from ...core.loyalty.program import revise
from ...core.loyalty.program_store import current_program, save_program
from ..context import ITEMS, AppContext, Change
from ..i18n import tr
from ..members.authorise import with_authority
from ..ops import run_op
from ..texts import money
from ..widgets.fields import InlineForm, MessageBar, MoneyEdit, set_role
from ..widgets.file_dialogs import open_file, save_file
from ..widgets.saved_values import ClosingAsks
from ..widgets.tables import ReadOnlyTable
from ..worker import FILES

PAGE = 100  # items a page of the list shows


def _yes(flag: bool) -> str:
    return tr("Yes") if flag else tr("No")


def report_text(r: ItemsImportReport, lang: str) -> str:
    text = tr("%1 rows: %2 new items, %3 items changed, %4 with problems, %5 unchanged")
    text = (text.replace("%1", str(r.total)).replace("%2", str(r.new)).replace("%3", str(r.updates))
            .replace("%4", str(len(r.bad_rows))).replace("%5", str(len(r.skipped))))  # fmt: skip
    if r.dry_run:
        text += tr(" — dry run, nothing written")
    else:
        text += tr(" — %1 written").replace("%1", str(r.written))
    reason = r.nothing_written()
    if reason is not None:
        text += "\n" + reason.message(lang)
    return text


class ItemDialog(ClosingAsks, QDialog):
    """Add an item or edit one; every problem shows beside its field."""

    saved = Signal(object)  # ItemView

    def __init__(self, ctx: AppContext, authoriser, parent: QWidget | None = None, *,
                 item: ItemView | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.ctx, self.authoriser, self.item = ctx, authoriser, item
        self.price_question: QMessageBox | None = None  # a code the till reads as a price
        self.last4_question: QMessageBox | None = None  # one members' phones end in
        self.setObjectName("item_dialog")
        self.setWindowTitle(tr("Edit item") if item else tr("Add an item"))
        self.setMinimumWidth(720)
        outer = QVBoxLayout(self)
        self.bar = MessageBar(self)
        outer.addWidget(self.bar)
        self.form = f = InlineForm(self)
        self.code = f.add("code", tr("Item code (blank: the first barcode)"), QLineEdit(self))
        self.barcodes = f.add("barcodes", tr("Barcodes (several: separate with spaces)"),
                              QLineEdit(self))  # fmt: skip
        self.name = f.add("name", tr("Item name"), QLineEdit(self))
        self.category = f.add("category", tr("Category"), QComboBox(self))
        self.category.setEditable(True)
        self.category.addItem("")
        self.category.addItems(item_categories(ctx.store))
        # blank, not a grey 0.00 that reads as typed: a price left blank is asked for
        self.price = f.add("price", tr("Price ¥"), MoneyEdit(self, placeholder=""))
        self.member_price = f.add("member_price", tr("Member price ¥ (blank: none)"),
                                  MoneyEdit(self, placeholder=""))  # fmt: skip
        self.no_discount = f.add("no_discount", tr("No discount"),
                                 QCheckBox(tr("Never discounted"), self))  # fmt: skip
        self.earns = f.add("earns_points", tr("Points"),
                           QCheckBox(tr("What is paid for it earns points"), self))  # fmt: skip
        self.earns.setChecked(True)
        for key, w in (("code", self.code), ("barcodes", self.barcodes), ("name", self.name),
                       ("category", self.category), ("price", self.price),
                       ("member_price", self.member_price), ("no_discount", self.no_discount),
                       ("earns_points", self.earns)):  # fmt: skip
            w.setObjectName(f"item_{key}_field")
        outer.addWidget(self.form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        cancel = QPushButton(tr("Cancel"), self)
        cancel.clicked.connect(self.reject)
        buttons.addWidget(cancel)
        self.save_button = QPushButton(tr("Save"), self)
        self.save_button.setObjectName("save_item")
        set_role(self.save_button, "primary")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)
        if item is not None:
            self._load(item)
        self.keep_typed(self._typed, tr("The item's changes are not saved. Close and lose them?"))

    def _typed(self) -> tuple:
        return (self.code.text(), self.barcodes.text(), self.name.text(),
                self.category.currentText(), self.price.text(), self.member_price.text(),
                self.no_discount.isChecked(), self.earns.isChecked())  # fmt: skip

    def _load(self, item: ItemView) -> None:
        self.code.setText(item.code)
        self.barcodes.setText(" ".join(item.barcodes))
        self.name.setText(item.name)
        self.category.setCurrentText(item.category)
        self.price.setText(f"{item.price // 100}.{item.price % 100:02d}")  # ¥0.00 shown too
        if item.member_price is not None:
            self.member_price.setText(f"{item.member_price // 100}.{item.member_price % 100:02d}")
        self.no_discount.setChecked(item.no_discount)
        self.earns.setChecked(item.earns_points)

    def _money(self, field: MoneyEdit, key: str, errors: dict[str, DomainError]) -> int | None:
        try:
            return field.fen() if field.text().strip() else None
        except DomainError as exc:
            errors[key] = exc
            return None

    def form_data(self) -> ItemForm:
        errors: dict[str, DomainError] = {}
        price = self._money(self.price, "price", errors)
        member_price = self._money(self.member_price, "member_price", errors)
        if errors:
            raise ValidationFailed(errors)
        return ItemForm(
            name=self.name.text(), price=price,
            code=self.code.text(), barcodes=tuple(split_barcodes(self.barcodes.text())),
            category=self.category.currentText(), member_price=member_price,
            no_discount=self.no_discount.isChecked(), earns_points=self.earns.isChecked(),
        )  # fmt: skip

    def save(self, *, price_codes_ok: bool = False, last4_codes_ok: bool = False) -> None:
        """Save the item; a code the till reads another way is asked about first (each
        question once: the answers given so far come back in as the flags)."""
        self.bar.clear_message()
        ok = {"price_codes_ok": price_codes_ok, "last4_codes_ok": last4_codes_ok}
        run_op(self.ctx, lambda: self._write(**ok), bar=self.bar,
               on_error=lambda exc: self._refused(exc, ok), success=self._saved)  # fmt: skip

    def _write(self, *, price_codes_ok: bool, last4_codes_ok: bool) -> ItemView:
        form = self.form_data()
        store, actor, who = self.ctx.store, self.ctx.actor, self.authoriser
        ok = {"price_codes_ok": price_codes_ok, "last4_codes_ok": last4_codes_ok}
        if self.item is None:
            return create_item(store, actor, form, authoriser=who, **ok)
        return edit_item(store, actor, self.item.id, form, expected_version=self.item.version,
                         authoriser=who, **ok)  # fmt: skip

    def _refused(self, exc: BaseException, ok: dict[str, bool]) -> bool:
        if isinstance(exc, ValidationFailed):
            self.form.show_errors({k: e.message(self.ctx.core_lang) for k, e in exc.errors.items()})
            return True
        self.form.clear_errors()
        if isinstance(exc, DomainError) and exc.code == "item.code_reads_as_price":
            self.price_question = self._ask_code(exc, "price", {**ok, "price_codes_ok": True})
            return True
        if isinstance(exc, DomainError) and exc.code == "item.code_is_last4":
            self.last4_question = self._ask_code(exc, "last4", {**ok, "last4_codes_ok": True})
            return True
        return False

    def _ask_code(self, exc: DomainError, kind: str, kept: dict[str, bool]) -> QMessageBox:
        """A code the till also reads another way (123 as a price, 5678 as members' last
        four digits): core says what it means; the person keeps it (saved, asked about
        anything else first) or goes back to change it."""
        box = QMessageBox(QMessageBox.Icon.Warning, tr("Item code"), self.ctx.explain(exc),
                          parent=self)  # fmt: skip
        box.setObjectName(f"{kind}_code_question")
        keep = box.addButton(tr("Use it"), QMessageBox.ButtonRole.AcceptRole)
        keep.setObjectName(f"keep_{kind}_code")
        change = box.addButton(tr("Change the code"), QMessageBox.ButtonRole.RejectRole)
        change.setObjectName(f"change_{kind}_code")
        box.setDefaultButton(change)
        box.finished.connect(lambda _r: self._code_answered(box.clickedButton() is keep, kept))
        box.open()
        return box

    def _code_answered(self, keep: bool, kept: dict[str, bool]) -> None:
        if keep:
            self.save(**kept)
            return
        field = self.code if self.code.text().strip() else self.barcodes

        def back_to_code() -> None:  # once the box has given the focus back
            self.activateWindow()
            field.setFocus()
            field.selectAll()

        QTimer.singleShot(0, back_to_code)

    def _saved(self, view: ItemView) -> None:
        self.form.clear_errors()
        self.accept()
        self.saved.emit(view)


class ImportDialog(QDialog):
    """A sheet checked first (every bad row, skipped row, warning and ignored column in the
    table, nothing written), then its good rows imported on the page's word."""

    def __init__(self, ctx: AppContext, path: Path, authoriser,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.ctx, self.path, self.authoriser = ctx, path, authoriser
        self.report: ItemsImportReport | None = None
        self.setObjectName("items_import")
        self.setWindowTitle(tr("Import items: %1").replace("%1", path.name))
        self.resize(900, 520)
        outer = QVBoxLayout(self)
        self.bar = MessageBar(self)
        outer.addWidget(self.bar)
        self.summary = QLabel(self)
        self.summary.setObjectName("items_import_summary")
        self.summary.setWordWrap(True)
        outer.addWidget(self.summary)
        self.table = ReadOnlyTable([tr("Row"), tr("Column"), tr("Problem")], self,
                                   name="items_import_problems")  # fmt: skip
        outer.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        close = QPushButton(tr("Close"), self)
        close.clicked.connect(self.reject)
        buttons.addWidget(close)
        self.run_button = QPushButton(tr("Import the good rows"), self)
        self.run_button.setObjectName("items_import_run")
        set_role(self.run_button, "primary")
        self.run_button.setEnabled(False)
        self.run_button.clicked.connect(lambda: self.check(write=True))
        buttons.addWidget(self.run_button)
        outer.addLayout(buttons)

    def check(self, *, write: bool = False) -> None:
        """Dry-run the sheet (or, `write`, import its good rows); the report fills the table."""
        store, actor, source, who = self.ctx.store, self.ctx.actor, self.path, self.authoriser
        self.run_button.setEnabled(False)
        self.summary.setText(tr("Checking %1…").replace("%1", source.name))

        def run(progress):
            return import_items(store, actor, source, dry_run=not write, progress=progress,
                                authoriser=who)  # fmt: skip

        def done(report: ItemsImportReport) -> None:
            self.report = report
            lang = self.ctx.core_lang
            self.summary.setText(f"{source.name}：{report_text(report, lang)}")
            rows = [[p.row, p.column(lang), p.message(lang)] for p in report.problems]
            rows += [[s.row, "", s.message(lang)] for s in report.skipped]
            rows += [[w.row, w.column(lang), tr("Warning: %1").replace("%1", w.message(lang))]
                     for w in report.warnings]  # fmt: skip
            rows += [["", "", e.message(lang)] for e in report.ignored_columns]
            self.table.fill(rows, numeric=(0,))
            self.run_button.setEnabled(report.dry_run and (report.new + report.updates) > 0)
            if report.stopped is not None:
                self.bar.error(tr("Import stopped after %1 rows were written: %2")
                               .replace("%1", str(report.written))
                               .replace("%2", report.stopped.message(lang)))  # fmt: skip
            elif report.cancelled:
                self.bar.notice(tr("Import stopped: %1 rows written; import the same file again "
                                   "to add the rest").replace("%1", str(report.written)))  # fmt: skip

        def failed(_exc: BaseException) -> bool:
            self.summary.setText("")
            return False  # said in the bar

        title = tr("Importing items") if write else tr("Checking the sheet")
        run_op(self.ctx, run, slow=True, title=title, kind=FILES, stoppable=True, bar=self.bar,
               on_error=failed, success=done,
               cancelled=lambda: self.summary.setText(tr("Check cancelled")))  # fmt: skip


# Rules of a category: its members' discount in 折 (0: none), 不打折, earns points.
class CategoryRulesDialog(ClosingAsks, QDialog):
    """The loyalty program's rules for the catalogue's categories (a new program version)."""

    def __init__(self, ctx: AppContext, authoriser, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.authoriser = ctx, authoriser
        self.setObjectName("category_rules")
        self.setWindowTitle(tr("Categories in the loyalty program"))
        self.resize(760, 460)
        outer = QVBoxLayout(self)
        hint = QLabel(tr("A member's discount on a category (9.5: they pay 95 %) competes with the "
                         "tier's and the day's: the best one applies, they never add up."), self)  # fmt: skip
        hint.setWordWrap(True)
        outer.addWidget(hint)
        self.bar = MessageBar(self)
        outer.addWidget(self.bar)
        program = current_program(ctx.store).program
        names = list(
            dict.fromkeys([*item_categories(ctx.store), *(c.name for c in program.categories)])
        )
        headers = [
            tr("Category"),
            tr("Members pay (tenths)"),
            tr("No discount"),
            tr("Earns points"),
        ]
        self.table = QTableWidget(len(names), len(headers), self)
        self.table.setObjectName("category_rules_table")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.rows: list[tuple[str, QDoubleSpinBox, QCheckBox, QCheckBox]] = []
        for r, name in enumerate(names):
            rule = program.category(name)
            self.table.setCellWidget(r, 0, QLabel(name, self.table))
            zhe = QDoubleSpinBox(self.table)
            zhe.setRange(0, 9.9)
            zhe.setDecimals(1)
            zhe.setSingleStep(0.5)
            zhe.setSpecialValueText("—")
            zhe.setValue(
                (100 - rule.discount_percent) / 10 if rule and rule.discount_percent else 0
            )
            no_discount = QCheckBox(self.table)
            no_discount.setChecked(bool(rule and rule.no_discount))
            earns = QCheckBox(self.table)
            earns.setChecked(rule is None or rule.earns_points)
            for c, w in ((1, zhe), (2, no_discount), (3, earns)):
                w.setObjectName(f"category_{r}_{c}")
                self.table.setCellWidget(r, c, w)
            self.rows.append((name, zhe, no_discount, earns))
        self.table.resizeColumnsToContents()
        outer.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        cancel = QPushButton(tr("Cancel"), self)
        cancel.clicked.connect(self.reject)
        buttons.addWidget(cancel)
        save = QPushButton(tr("Save as a new program version"), self)
        save.setObjectName("save_category_rules")
        set_role(save, "primary")
        save.clicked.connect(self.save)
        buttons.addWidget(save)
        outer.addLayout(buttons)
        self.keep_typed(
            self.rules, tr("The categories' changes are not saved. Close and lose them?")
        )

    def rules(self) -> list[dict]:
        out = []
        for name, zhe, no_discount, earns in self.rows:
            percent = round(100 - zhe.value() * 10) if zhe.value() else 0
            rule = {"name": name, "discount_percent": percent, "no_discount": no_discount.isChecked(),
                    "earns_points": earns.isChecked()}  # fmt: skip
            if percent or rule["no_discount"] or not rule["earns_points"]:
                out.append(rule)
        return out

    def save(self) -> None:
        def write():
            current = current_program(self.ctx.store).program
            program = revise(current, {"categories": self.rules()})
            return save_program(self.ctx.store, self.ctx.actor, program, authoriser=self.authoriser,
                                note=tr("Categories"))  # fmt: skip

        run_op(self.ctx, write, bar=self.bar, success=lambda _saved: self.accept())


class ItemsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.offset = 0
        self.dialog: QDialog | None = None  # the dialog the page opened last (tests look here)
        outer = QVBoxLayout(self)
        self.bar = MessageBar(self)
        outer.addWidget(self.bar)
        filters = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setObjectName("items_search")
        self.search.setPlaceholderText(tr("Name, pinyin, code or barcode"))
        self.search.setClearButtonEnabled(True)
        filters.addWidget(self.search, 3)
        self.category = QComboBox(self)
        self.category.setObjectName("items_category")
        filters.addWidget(self.category, 2)
        self.state = QComboBox(self)
        self.state.setObjectName("items_state")
        for text, value in (
            (tr("All items"), None),
            (tr("On sale"), True),
            (tr("Deactivated"), False),
        ):
            self.state.addItem(text, value)
        filters.addWidget(self.state, 1)
        self.count = QLabel(self)
        self.count.setObjectName("items_count")
        filters.addWidget(self.count, 2)
        self.previous = QPushButton(tr("‹ Previous"), self)
        self.previous.setObjectName("items_previous")
        self.previous.clicked.connect(lambda: self._page(-PAGE))
        filters.addWidget(self.previous)
        self.next = QPushButton(tr("Next ›"), self)
        self.next.setObjectName("items_next")
        self.next.clicked.connect(lambda: self._page(PAGE))
        filters.addWidget(self.next)
        outer.addLayout(filters)
        headers = [tr("Item code"), tr("Item name"), tr("Category"), tr("Price"), tr("Member price"),
                   tr("Barcodes"), tr("No discount"), tr("Points"), tr("State")]  # fmt: skip
        self.table = ReadOnlyTable(headers, self, name="items_table", stretch=1)
        self.table.doubleClicked.connect(lambda _index: self.edit())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        outer.addWidget(self.table, 1)
        actions = QHBoxLayout()
        self.add_button = self._button(actions, tr("Add an item…"), "add_item", self.add)
        set_role(self.add_button, "primary")
        self.edit_button = self._button(actions, tr("Edit…"), "edit_item", self.edit)
        self.toggle_button = self._button(actions, tr("Deactivate"), "toggle_item", self.toggle)
        actions.addStretch(1)
        self._button(actions, tr("Categories…"), "category_rules_button", self.category_rules)
        self._button(actions, tr("Import…"), "import_items", self.choose_import)
        self._button(actions, tr("Export…"), "export_items", self.choose_export)
        outer.addLayout(actions)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._first_page)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.search.returnPressed.connect(self._first_page)
        self.category.currentIndexChanged.connect(lambda _i: self._first_page())
        self.state.currentIndexChanged.connect(lambda _i: self._first_page())
        ctx.changed.connect(self._on_change)
        self._fill_categories()
        self.refresh()

    def _button(self, row: QHBoxLayout, text: str, name: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(slot)
        row.addWidget(button)
        return button

    # ------------------------------------------------------------------ the list
    def _fill_categories(self) -> None:
        chosen = self.category.currentData()
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem(tr("All categories"), None)
        for name in item_categories(self.ctx.store):
            self.category.addItem(name, name)
        self.category.setCurrentIndex(max(0, self.category.findData(chosen)))
        self.category.blockSignals(False)

    def _first_page(self) -> None:
        self.offset = 0
        self.refresh()

    def _page(self, step: int) -> None:
        self.offset = max(0, self.offset + step)
        self.refresh()

    def refresh(self) -> None:
        self._timer.stop()
        page = find_items(self.ctx.store, self.search.text(), category=self.category.currentData(),
                          active=self.state.currentData(), limit=PAGE, offset=self.offset)  # fmt: skip
        rows = [
            [i.code, i.name, i.category, money(i.price),
             money(i.member_price) if i.member_price is not None else "", " ".join(i.barcodes),
             _yes(i.no_discount), _yes(i.earns_points), tr("On sale") if i.active else tr("Deactivated")]
            for i in page.items
        ]  # fmt: skip
        self.table.fill(rows, [i for i in page.items], numeric=(3, 4))
        if page.total:
            shown = tr("%1 items (%2–%3)").replace("%1", str(page.total))
            shown = shown.replace("%2", str(page.offset + 1))
            self.count.setText(shown.replace("%3", str(page.offset + len(page.items))))
        else:
            self.count.setText(tr("No item matches"))
        self.previous.setEnabled(page.offset > 0)
        self.next.setEnabled(page.offset + len(page.items) < page.total)
        self._selection_changed()

    def selected(self) -> ItemView | None:
        return self.table.selected_key()

    def _selection_changed(self) -> None:
        item = self.selected()
        self.edit_button.setEnabled(item is not None)
        self.toggle_button.setEnabled(item is not None)
        self.toggle_button.setText(
            tr("Reactivate") if item and not item.active else tr("Deactivate")
        )

    def _on_change(self, change: Change) -> None:
        if ITEMS in change.topics:
            self._fill_categories()
            self.refresh()

    # ------------------------------------------------------------------ acts
    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.open()

    def _with_authority(self, proceed) -> None:
        asked = with_authority(self.ctx, self, "catalogue_change", proceed)
        if asked is not None:
            self.dialog = asked

    def add(self) -> None:
        def proceed(who) -> None:
            dialog = ItemDialog(self.ctx, who, self)
            dialog.saved.connect(
                lambda view: self.bar.notice(tr("Saved: %1").replace("%1", view.name))
            )
            self._open(dialog)

        self._with_authority(proceed)

    def edit(self) -> None:
        item = self.selected()
        if item is None:
            return

        def proceed(who) -> None:
            dialog = ItemDialog(self.ctx, who, self, item=get_item(self.ctx.store, item.id))
            dialog.saved.connect(
                lambda view: self.bar.notice(tr("Saved: %1").replace("%1", view.name))
            )
            self._open(dialog)

        self._with_authority(proceed)

    def toggle(self) -> None:
        item = self.selected()
        if item is None:
            return

        def proceed(who) -> None:
            def done(view: ItemView) -> None:
                text = tr("%1 is on sale again") if view.active else tr("%1 is deactivated")
                self.bar.notice(text.replace("%1", view.name))

            run_op(self.ctx, lambda: set_item_active(self.ctx.store, self.ctx.actor, item.id,
                                                     not item.active, authoriser=who),
                   bar=self.bar, success=done)  # fmt: skip

        self._with_authority(proceed)

    def category_rules(self) -> None:
        def proceed(who) -> None:
            dialog = CategoryRulesDialog(self.ctx, who, self)
            dialog.accepted.connect(lambda: self.bar.notice(tr("The loyalty program was saved")))
            self._open(dialog)

        asked = with_authority(self.ctx, self, "program_change", proceed)
        if asked is not None:
            self.dialog = asked

    def choose_import(self) -> None:
        path = open_file(self, tr("Item sheet"), "Excel / CSV (*.xlsx *.csv)")
        if path:
            self.import_file(path)

    def import_file(self, path: Path) -> None:
        """Check the sheet at once; its good rows are imported from the dialog (with a
        manager's PIN for a cashier)."""

        def proceed(who) -> None:
            dialog = ImportDialog(self.ctx, path, who, self)
            self._open(dialog)
            dialog.check()

        self._with_authority(proceed)

    def choose_export(self) -> None:
        path = save_file(self, tr("Export items"), "items.xlsx", "Excel (*.xlsx);;CSV (*.csv)")
        if path:
            self.export_to(path)

    def export_to(self, path: Path) -> None:
        store, lang = self.ctx.store, self.ctx.core_lang
        run_op(self.ctx, lambda progress: export_items(store, path, progress=progress, lang=lang),
               slow=True, title=tr("Exporting"), kind=FILES, stoppable=True, bar=self.bar,
               success=lambda n: self.bar.notice(tr("Exported %1 items to %2")
                                                 .replace("%1", str(n)).replace("%2", str(path))),
               cancelled=lambda: self.bar.notice(tr("Export cancelled: no file was written")))  # fmt: skip

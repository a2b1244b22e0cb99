"""The loyalty program as a form: each setting beside the message core's validation gives it.

The form only moves numbers between widgets and the program document (yuan ↔ fen,
折 ↔ percent off, through core.loyalty.zhe: shops say 95折, the program keeps 5 % off);
what is valid is decided by core.program.validate_program, whose problems (field path,
reason) are shown beside the field with that path. A tier is shown by its name; its
code stays out of sight (a new row gets one). The birthday privilege the receipts print
is edited here too: off, a discount, a points multiplier or a gift; and the coupon types
(coupon_types_table.py), a percent coupon's cap among them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ...core.errors import DomainError
from ...core.loyalty.program import Program
from ...core.loyalty.zhe import percent_off, zhe_text
from ...core.money import parse_yuan
from ..i18n import current_language, tr
from ..widgets.fields import ErrorLabel, MoneyEdit
from ..widgets.typing_table import TypingTable
from .coupon_types_table import CouponTypesTable


def _yuan_text(fen: int) -> str:
    return f"{fen // 100}" if fen % 100 == 0 else f"{fen // 100}.{fen % 100:02d}"


def zhe_cell(percent: int) -> str:
    """5 % off as a shop writes it: 95折; no discount: empty."""
    text = zhe_text(percent)
    return tr("%1 zhe").replace("%1", text) if text else ""


def _fit_rows(table: QTableWidget, most: int = 10) -> None:
    """A table as tall as its rows (at most `most`), its heading and frame included."""
    rows = min(table.rowCount(), most)
    height = table.horizontalHeader().height() + 2 * table.frameWidth()
    height += (
        sum(table.rowHeight(r) for r in range(rows)) or table.verticalHeader().defaultSectionSize()
    )
    if table.horizontalScrollBar().isVisible():
        height += table.horizontalScrollBar().height()
    table.setMinimumHeight(max(150, height + 2))


class ZheEdit(QLineEdit):
    """A discount typed in 折 (95, 9.5, 9折 …); `percent()` gives core's percent off."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(tr("none"))

    def percent(self) -> int:
        return percent_off(self.text())

    def set_percent(self, percent: int) -> None:
        self.setText(zhe_cell(percent))


BIRTHDAY = "promotions.birthday"


class ProgramForm(QWidget):
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, ErrorLabel] = {}
        grid = QGridLayout(self)
        earn = self._group(tr("Earning and redeeming"), [
            ("earn.fen_per_point", tr("Spend (yuan) for 1 point"), MoneyEdit()),
            ("redeem.points_per_yuan", tr("Points worth 1 yuan"), self._spin(1, 100000)),
            ("redeem.min_points", tr("Fewest points per redemption"), self._spin(0, 10_000_000)),
            ("redeem.unit_points", tr("Redeem in steps of"), self._spin(1, 10_000_000)),
            ("redeem.max_share_percent", tr("Points pay at most (% of a sale)"), self._spin(0, 100)),
            ("expiry.mode", tr("Points expire"), self._combo([("never", tr("Never")),
                ("months_after_earn", tr("N months after earning")), ("yearly_clear", tr("Cleared once a year"))])),
            ("expiry.months", tr("Months (when they expire after N months)"), self._spin(0, 600)),
            ("expiry.clear_month", tr("Cleared on (month)"), self._spin(1, 12)),
            ("expiry.clear_day", tr("Cleared on (day)"), self._spin(1, 31)),
            ("expiry.keep_years", tr("Kept past the clearing day"), self._combo([
                (0, tr("Not kept (valid to the next clearing day)")),
                (1, tr("One more year")), (2, tr("Two more years"))])),
        ])  # fmt: skip
        # The rule as the owner would print it for members (积分有效期至获得积分次年的12月31日).
        self.expiry_words = QLabel(earn)
        self.expiry_words.setObjectName("program_expiry_words")
        self.expiry_words.setWordWrap(True)
        earn_grid = earn.layout()
        assert isinstance(earn_grid, QGridLayout)
        earn_grid.addWidget(self.expiry_words, earn_grid.rowCount(), 0, 1, 2)
        self.fields["expiry.mode"].currentIndexChanged.connect(self._expiry_mode)
        grid.addWidget(earn, 0, 0)
        promo = self._group(tr("Promotions"), [
            ("promotions.double_points_weekday", tr("Double points every"), self._combo(
                [(None, tr("Off"))] + [(i, d) for i, d in enumerate(
                    [tr("Monday"), tr("Tuesday"), tr("Wednesday"), tr("Thursday"), tr("Friday"),
                     tr("Saturday"), tr("Sunday")], start=1)])),
            ("promotions.member_day", tr("Member day (day of month, 0 = off)"), self._spin(0, 31)),
            ("promotions.member_day_discount_percent", tr("Member day discount (zhe)"), ZheEdit()),
            ("promotions.member_day_multiplier_percent", tr("Member day: points ×% (100 = 1×)"), self._spin(100, 1000)),
            ("promotions.signup_bonus_points", tr("Sign-up bonus points"), self._spin(0, 1_000_000)),
            ("promotions.referral_bonus_points", tr("Referral bonus points"), self._spin(0, 1_000_000)),
            ("wallet.spend_order", tr("Stored value is spent"), self._combo([
                ("principal_first", tr("Paid money first")), ("bonus_first", tr("Bonus first")),
                ("proportional", tr("In proportion"))])),
            ("wallet.refund_policy", tr("Refund after the points were spent"), self._combo([
                ("refuse", tr("Refuse the refund")), ("allow_negative", tr("Allow negative points")),
                ("deduct_cash", tr("Deduct their value from the money back"))])),
            ("count_cards.refund", tr("Count cards: unused visits refunded"), self._combo([
                ("pro_rata", tr("The unused share of the price")),
                ("visit_price", tr("The price less used visits at the item's price")),
                ("none", tr("Not refunded"))])),
        ])  # fmt: skip
        grid.addWidget(promo, 0, 1)
        self.tiers = self._table("tiers.levels", [tr("Code"), tr("Tier name"), tr("From spend (yuan)"),
                                                  tr("Discount (zhe: 95 = 5 % off)"), tr("Points ×%")])  # fmt: skip
        tiers = self._group(tr("Tiers (spend over the window)"), [
            ("tiers.window", tr("Window"), self._combo([("last_12_months", tr("Last 12 months")),
                ("calendar_year", tr("Calendar year")), ("current_quarter", tr("Current quarter")),
                ("lifetime", tr("Lifetime")), ("rolling_days", tr("Rolling days"))])),
            ("tiers.downgrade_at_review", tr("Move down at review"), QCheckBox()),
            ("tiers.levels", "", self.tiers),
        ])  # fmt: skip
        grid.addWidget(tiers, 1, 0)
        self.tiers.setColumnHidden(0, True)  # the tier's code: kept, never shown
        self.topups = self._table(
            "wallet.topup_bonus", [tr("Top up at least (yuan)"), tr("Bonus (yuan)")]
        )
        wallet = self._group(tr("Top-up bonus"), [
            # 储值上限: the most of their own money a member may hold (¥5,000 by the rules).
            ("wallet.principal_limit_fen", tr("Stored value limit (yuan, 0 = no limit)"), MoneyEdit()),
            ("wallet.topup_bonus", "", self.topups),
        ])  # fmt: skip
        grid.addWidget(wallet, 1, 1)
        birthday = self._group(tr("Birthday privilege (printed on the receipt)"), [
            (f"{BIRTHDAY}.kind", tr("Birthday privilege"), self._combo([(None, tr("No birthday privilege")),
                ("discount", tr("A discount")), ("multiplier", tr("More points")), ("gift", tr("A gift"))])),
            (f"{BIRTHDAY}.period", tr("When it applies"), self._combo([("day", tr("On the birthday")),
                ("week", tr("In the birthday week")), ("month", tr("In the birthday month"))])),
            (f"{BIRTHDAY}.discount_percent", tr("Discount (zhe)"), ZheEdit()),
            (f"{BIRTHDAY}.multiplier_percent", tr("Points ×% (200 = double)"), self._spin(100, 1000)),
            (f"{BIRTHDAY}.gift_name", tr("Gift name"), QLineEdit()),
            (f"{BIRTHDAY}.uses_per_year", tr("Times per birthday (0 = every purchase)"), self._spin(0, 366)),
        ])  # fmt: skip
        grid.addWidget(birthday, 2, 0, 1, 2)
        self.fields[f"{BIRTHDAY}.kind"].currentIndexChanged.connect(self._birthday_kind)
        self.coupon_types = CouponTypesTable()
        self.coupon_types.edited.connect(self.edited.emit)
        coupons = self._group(tr("Coupon types"), [("coupons.types", "", self.coupon_types)])
        grid.addWidget(coupons, 3, 0, 1, 2)

    # ------------------------------------------------------------------ building
    def _spin(self, low: int, high: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.valueChanged.connect(lambda _v: self.edited.emit())
        return spin

    def _combo(self, items: list[tuple[Any, str]]) -> QComboBox:
        combo = QComboBox()
        for data, text in items:
            combo.addItem(text, data)
        combo.currentIndexChanged.connect(lambda _i: self.edited.emit())
        return combo

    def _table(self, path: str, headers: list[str]) -> QTableWidget:
        table = TypingTable(0, len(headers))  # Chinese typed into a selected cell is kept
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(True)
        header = table.horizontalHeader()
        # every heading whole: a column is as wide as its heading or its widest cell
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        table.setMinimumHeight(150)
        table.itemChanged.connect(lambda _i: self.edited.emit())
        # Every row in sight (up to ten): the page scrolls, a table inside it need not.
        table.model().rowsInserted.connect(lambda *_a: _fit_rows(table))
        table.model().rowsRemoved.connect(lambda *_a: _fit_rows(table))
        return table

    def _group(self, title: str, rows: list[tuple[str, str, QWidget]]) -> QGroupBox:
        box = QGroupBox(title, self)
        grid = QGridLayout(box)
        for r, (path, label, widget) in enumerate(rows):
            widget.setParent(box)
            widget.setObjectName(f"program_{path}")
            if isinstance(widget, QLineEdit):  # money, 折, a gift's name
                widget.textEdited.connect(lambda _t: self.edited.emit())
            if isinstance(widget, QCheckBox):
                widget.toggled.connect(lambda _c: self.edited.emit())
            err = ErrorLabel(box)
            err.setObjectName(f"error_{path}")
            if label:
                grid.addWidget(QLabel(label, box), 2 * r, 0)
                grid.addWidget(widget, 2 * r, 1)
            else:
                grid.addWidget(widget, 2 * r, 0, 1, 2)
            grid.addWidget(err, 2 * r + 1, 0, 1, 2)
            self.fields[path], self.errors[path] = widget, err
        return box

    # ------------------------------------------------------------------ program ↔ form
    def load(self, program: Program) -> None:
        self.blockSignals(True)
        d = program.model_dump()
        for path, widget in self.fields.items():
            if isinstance(widget, QTableWidget):
                continue
            value = _get(d, path)
            if path == f"{BIRTHDAY}.uses_per_year" and d["promotions"].get("birthday"):
                value = value or 0  # None: every purchase
            if isinstance(widget, MoneyEdit):
                widget.setText(_yuan_text(int(value)))
            elif isinstance(widget, ZheEdit):
                widget.set_percent(int(value or 0))
            elif isinstance(widget, QLineEdit):
                widget.setText(str(value or ""))
            elif isinstance(widget, QSpinBox):
                widget.setValue(int(value or 0))
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(0, widget.findData(value)))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
        self._fill(self.tiers, [[t["code"], t["name"], _yuan_text(t["threshold_fen"]), zhe_cell(t["discount_percent"]),
                                 t["multiplier_percent"]] for t in d["tiers"]["levels"]])  # fmt: skip
        self._fill(self.topups, [[_yuan_text(t["min_topup_fen"]), _yuan_text(t["bonus_fen"])]
                                 for t in d["wallet"]["topup_bonus"]])  # fmt: skip
        self.coupon_types.load(d["coupons"]["types"])
        self.blockSignals(False)
        self._birthday_kind()
        self._expiry_mode()

    def _expiry_mode(self) -> None:
        """Only the expiry fields the chosen mode uses can be changed."""
        mode = self.fields["expiry.mode"].currentData()
        self.fields["expiry.months"].setEnabled(mode == "months_after_earn")
        for name in ("clear_month", "clear_day", "keep_years"):
            self.fields[f"expiry.{name}"].setEnabled(mode == "yearly_clear")

    def show_expiry_words(self, words: str) -> None:
        """The expiry rule in words (core says them), or nothing while the settings are invalid."""
        self.expiry_words.setText(words)

    def _birthday_kind(self) -> None:
        """Only the birthday fields the chosen kind uses can be typed in."""
        kind = self.fields[f"{BIRTHDAY}.kind"].currentData()
        uses = {None: (), "discount": ("discount_percent",), "multiplier": ("multiplier_percent",),
                "gift": ("gift_name",)}[kind]  # fmt: skip
        for name in (
            "period",
            "discount_percent",
            "multiplier_percent",
            "gift_name",
            "uses_per_year",
        ):
            common = name in ("period", "uses_per_year") and kind is not None
            self.fields[f"{BIRTHDAY}.{name}"].setEnabled(common or name in uses)

    @staticmethod
    def _fill(table: QTableWidget, rows: list[list[Any]]) -> None:
        table.blockSignals(True)
        table.setRowCount(len(rows) + 1)  # one empty row to add another
        for r, row in enumerate(rows + [[""] * table.columnCount()]):
            for c, value in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(str(value)))
        table.blockSignals(False)

    def document(self, base: Program) -> tuple[dict[str, Any], dict[str, str]]:
        """The program document the form describes, and the cells that could not be read."""
        d = base.model_dump()
        unreadable: dict[str, str] = {}
        birthday: dict[str, Any] = {}
        for path, widget in self.fields.items():
            if isinstance(widget, QTableWidget):
                continue
            if path.startswith(BIRTHDAY + "."):
                birthday[path[len(BIRTHDAY) + 1 :]] = self._birthday_value(path, widget, unreadable)
                continue
            if isinstance(widget, ZheEdit):
                try:
                    _set(d, path, widget.percent())
                except DomainError as exc:
                    unreadable[path] = exc.message(current_language())
            elif isinstance(widget, MoneyEdit):
                try:
                    _set(d, path, widget.fen())
                except Exception:
                    unreadable[path] = tr("Not an amount")
            elif isinstance(widget, QSpinBox):
                value = widget.value()
                _set(d, path, None if path == "promotions.member_day" and value == 0 else value)
            elif isinstance(widget, QComboBox):
                _set(d, path, widget.currentData())
            elif isinstance(widget, QCheckBox):
                _set(d, path, widget.isChecked())
        levels = []
        rows = _rows(self.tiers)
        taken = {cells[0] for cells in rows}
        for r, cells in enumerate(rows):
            if not cells[0]:  # a tier added here: a code nobody sees
                cells[0] = next(
                    f"tier{n}" for n in range(r + 1, r + 100) if f"tier{n}" not in taken
                )
                taken.add(cells[0])
            try:
                discount = percent_off(cells[3])
            except DomainError as exc:
                row = tr("Row %1: ").replace("%1", str(r + 1))
                unreadable["tiers.levels"] = row + exc.message(current_language())
                continue
            try:
                levels.append({"code": cells[0], "name": cells[1], "threshold_fen": parse_yuan(cells[2] or "0"),
                               "discount_percent": discount, "multiplier_percent": int(cells[4] or 100)})  # fmt: skip
            except Exception:
                unreadable["tiers.levels"] = tr("Row %1: not a number").replace("%1", str(r + 1))
        d["tiers"]["levels"] = levels
        topups = []
        for r, cells in enumerate(_rows(self.topups)):
            try:
                topups.append(
                    {
                        "min_topup_fen": parse_yuan(cells[0]),
                        "bonus_fen": parse_yuan(cells[1] or "0"),
                    }
                )
            except Exception:
                unreadable["wallet.topup_bonus"] = tr("Row %1: not an amount").replace(
                    "%1", str(r + 1)
                )
        d["wallet"]["topup_bonus"] = topups
        d["coupons"]["types"], bad = self.coupon_types.read(d["coupons"]["types"])
        if bad:
            unreadable["coupons.types"] = bad
        if birthday.get("kind") is None:
            d["promotions"]["birthday"] = None
        else:
            kept = d["promotions"].get("birthday") or {}  # what the form does not show (min_tier)
            d["promotions"]["birthday"] = {**kept, **birthday}
        return d, unreadable

    @staticmethod
    def _birthday_value(path: str, widget: QWidget, unreadable: dict[str, str]) -> Any:
        if isinstance(widget, ZheEdit):
            try:
                return widget.percent()
            except DomainError as exc:
                unreadable[path] = exc.message(current_language())
                return 0
        if isinstance(widget, QComboBox):
            return widget.currentData()
        if isinstance(widget, QSpinBox):
            value = widget.value()
            return (value or None) if path.endswith("uses_per_year") else value
        if isinstance(widget, QLineEdit):
            return widget.text().strip()
        return None

    def show_problems(self, problems: dict[str, list[str]]) -> None:
        """Field path → messages; a problem deeper than a field (a table row) lands on the field."""
        shown: dict[str, list[str]] = {}
        for path, messages in problems.items():
            owner = next((p for p in sorted(self.fields, key=len, reverse=True)
                          if path == p or path.startswith(p + ".")), None)  # fmt: skip
            if owner is None:
                continue
            rest = path[len(owner) + 1 :]
            prefix = (
                tr("Row %1: ").replace("%1", str(int(rest.split(".")[0]) + 1))
                if rest[:1].isdigit()
                else ""
            )
            shown.setdefault(owner, []).extend(prefix + m for m in messages)
        for path, label in self.errors.items():
            label.show_message("；".join(shown.get(path, [])))


def _rows(table: QTableWidget) -> list[list[str]]:
    rows = []
    for r in range(table.rowCount()):
        cells = [
            (table.item(r, c).text().strip() if table.item(r, c) else "")
            for c in range(table.columnCount())
        ]
        if any(cells):
            rows.append(cells)
    return rows


def _get(d: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        d = d.get(part) if isinstance(d, dict) else None
    return d


def _set(d: dict[str, Any], path: str, value: Any) -> None:
    *head, last = path.split(".")
    for part in head:
        d = d[part]
    d[last] = value

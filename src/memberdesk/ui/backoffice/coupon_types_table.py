"""The program's coupon types as a table in the program editor: code, name, kind, what it
takes off (yuan; 折 for a percent coupon, as shops say 8折券), the spend it needs, a percent
coupon's cap (最高优惠, yuan), the category or gift item it is for, and how many days a
coupon of it is good for (a new type starts at core's default, in sight, to be changed) —
or, for a type that ends on a date instead, that date as core words it (有效期至 2027-01-31),
left as it is unless a number of days is typed over it.

Only moves numbers between cells and the program document; what is valid is core's
(core.loyalty.coupon_rules), whose problems show beside the table with their row. What
the table does not show of a type (a start or end date, its stacking rules) is kept as it was.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHeaderView,
    QTableWidgetItem,
    QWidget,
)

from ...core.errors import DomainError
from ...core.loyalty.coupon_rules import (
    COUPON_KIND_NAMES,
    COUPON_KINDS,
    NEW_TYPE_VALID_DAYS,
    coupon_validity,
)
from ...core.loyalty.zhe import percent_off, zhe_text
from ...core.money import parse_yuan
from ..i18n import current_language, tr
from ..texts import core_text
from ..widgets.typing_table import TypingTable

CODE, NAME, KIND, OFF, SPEND, CAP, CATEGORY, GIFT, DAYS = range(9)
NAME_ROOM = "八个汉字的券名称"  # a coupon's name of up to 8 characters shows (and is typed) whole


def _yuan(fen: int) -> str:
    if not fen:
        return ""
    return f"{fen // 100}" if fen % 100 == 0 else f"{fen // 100}.{fen % 100:02d}"


def _dated(t: dict[str, Any]) -> str:
    """How long a type that ends on a date (no number of days) is good for, in core's words
    (有效期至 2027-01-31); "" for any other type."""
    if t.get("valid_days") or not t.get("valid_until"):
        return ""

    def day(value: Any) -> date | None:
        return date.fromisoformat(value) if isinstance(value, str) else value

    try:
        words = coupon_validity(None, day(t.get("valid_from")), day(t.get("valid_until")))
    except (TypeError, ValueError):  # a date the program's check will name
        return ""
    return words.text(current_language())


class CouponTypesTable(TypingTable):
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 9, parent)
        self.setHorizontalHeaderLabels([
            tr("Code"), tr("Coupon name"), tr("Kind"), tr("Takes off (yuan; zhe if percent)"),
            tr("Spend at least (yuan)"), tr("At most off (yuan)"), tr("Category"),
            tr("Gift item code"), tr("Valid for (days)"),
        ])  # fmt: skip
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.setMinimumHeight(150)
        self.itemChanged.connect(lambda _i: self.edited.emit())

    def sizeHintForColumn(self, column: int) -> int:  # noqa: N802 (Qt's name)
        """The name column has room for 8 characters, edited too (九折券 showed as 折券)."""
        hint = super().sizeHintForColumn(column)
        if column != NAME:
            return hint
        margin = self.style().pixelMetric(self.style().PixelMetric.PM_FocusFrameHMargin, None, self)
        return max(hint, self.fontMetrics().horizontalAdvance(NAME_ROOM) + 2 * margin + 16)

    def load(self, types: list[dict[str, Any]]) -> None:
        """The program's types (as its document has them), and one empty row to add one."""
        self.blockSignals(True)
        self.setRowCount(len(types) + 1)
        for r, t in enumerate([*types, {}]):
            kind = t.get("kind", "")
            off = (tr("%1 zhe").replace("%1", zhe_text(t["value"])) if kind == "percent" and t.get("value")
                   else "" if kind == "gift" else _yuan(t.get("value", 0)))  # fmt: skip
            dated = _dated(t)
            cells = {CODE: t.get("code", ""), NAME: t.get("name", ""), OFF: off,
                     SPEND: _yuan(t.get("min_spend_fen", 0)), CAP: _yuan(t.get("max_off_fen", 0)),
                     CATEGORY: t.get("category", ""), GIFT: t.get("gift_item", ""),
                     DAYS: dated or (t.get("valid_days") or "") if t else NEW_TYPE_VALID_DAYS}  # fmt: skip
            for c, text in cells.items():
                self.setItem(r, c, QTableWidgetItem(str(text)))
            if dated:  # shown, not typed: read back as no number of days
                self.item(r, DAYS).setData(Qt.ItemDataRole.UserRole, dated)
            combo = QComboBox(self)
            combo.setObjectName(f"coupon_kind_{r}")
            for k in COUPON_KINDS:  # a new row starts on the first, 立减券
                combo.addItem(core_text(COUPON_KIND_NAMES[k]), k)
            combo.setCurrentIndex(max(0, combo.findData(kind)))
            combo.currentIndexChanged.connect(lambda _i: self.edited.emit())
            self.setCellWidget(r, KIND, combo)
        self.blockSignals(False)

    def _text(self, r: int, c: int) -> str:
        item = self.item(r, c)
        return item.text().strip() if item else ""

    def kind(self, r: int) -> str:
        combo = self.cellWidget(r, KIND)
        return str(combo.currentData() or "") if isinstance(combo, QComboBox) else ""

    def read(self, before: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str]:
        """The types the table describes (each keeping what the table does not show of the
        type of the same code in `before`), and why a row could not be read ('' when all
        could)."""
        kept = {t["code"]: t for t in before}
        out: list[dict[str, Any]] = []
        for r in range(self.rowCount()):
            cells = [self._text(r, c) for c in range(self.columnCount())]
            kind = self.kind(r)
            if not any(cells[:DAYS]):
                continue  # the empty row (its kind and validity alone make no coupon type)
            try:
                off = cells[OFF]
                value = (percent_off(off) if kind == "percent" else 0 if kind == "gift"
                         else parse_yuan(off or "0"))  # fmt: skip
                numbers = {"min_spend_fen": parse_yuan(cells[SPEND] or "0"),
                           "max_off_fen": parse_yuan(cells[CAP] or "0")}  # fmt: skip
            except DomainError as exc:
                return out, tr("Row %1: ").replace("%1", str(r + 1)) + exc.message(
                    current_language()
                )
            except Exception:
                return out, tr("Row %1: not an amount").replace("%1", str(r + 1))
            # Days as typed: whole digits as a number, anything else as it is, for core to
            # refuse in its words; none for a type that ends on a date instead.
            days = cells[DAYS]
            shown = self.item(r, DAYS)
            if days and shown is not None and days == shown.data(Qt.ItemDataRole.UserRole):
                days = ""  # the end date shown for a type that ends on one, left as it is
            out.append({**kept.get(cells[CODE], {}), "code": cells[CODE], "name": cells[NAME],
                        "kind": kind, "value": value, **numbers,
                        "category": cells[CATEGORY], "gift_item": cells[GIFT],
                        "valid_days": int(days) if days.isdecimal() else days or None})  # fmt: skip
        return out, ""

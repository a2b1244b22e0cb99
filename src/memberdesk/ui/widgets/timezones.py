"""A box to choose the shop's time zone by the name a person reads (中国标准时间（北京时间）),
keeping its IANA name (Asia/Shanghai); a zone not listed is typed by its IANA name."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from ...core.shop.details import TIMEZONE_NAMES
from ..texts import timezone_name


class TimezoneBox(QComboBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        for tz in TIMEZONE_NAMES:
            self.addItem(timezone_name(tz), tz)

    def set_zone(self, tz: str) -> None:
        at = self.findData(tz)
        if at < 0:  # a zone not listed: by the name it has, kept as it is
            self.addItem(timezone_name(tz), tz)
            at = self.count() - 1
        self.setCurrentIndex(at)

    def zone(self) -> str:
        """The IANA name of the zone chosen, or of the one typed (its name or IANA name)."""
        typed = self.currentText().strip()
        at = self.findText(typed)
        return self.itemData(at) if at >= 0 else typed

"""Read-only tables filled from rows of plain values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)


class ReadOnlyTable(QTableWidget):
    def __init__(
        self,
        headers: Sequence[str],
        parent: QWidget | None = None,
        *,
        name: str = "",
        stretch: int = -1,
    ) -> None:
        """`stretch`: the column that takes the spare width (default: the last one)."""
        super().__init__(0, len(headers), parent)
        if name:
            self.setObjectName(name)
        self.setHorizontalHeaderLabels(list(headers))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().setVisible(False)
        self.setAlternatingRowColors(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        if stretch >= 0:
            self.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        else:
            self.horizontalHeader().setStretchLastSection(True)
        self.keys: list[Any] = []

    def fill(self, rows: Sequence[Sequence[Any]], keys: Sequence[Any] | None = None,
             numeric: Sequence[int] = ()) -> None:  # fmt: skip
        """Rows of display values; `keys` (one per row) say what a selected row stands for."""
        self.setRowCount(0)
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem("" if value is None else str(value))
                if c in numeric:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.setItem(r, c, item)
        self.keys = list(keys) if keys is not None else list(range(len(rows)))

    def selected_key(self) -> Any:
        rows = self.selectionModel().selectedRows()
        if not rows:
            return None
        return self.keys[rows[0].row()]

    def column_texts(self, column: int) -> list[str]:
        return [self.item(r, column).text() for r in range(self.rowCount())]

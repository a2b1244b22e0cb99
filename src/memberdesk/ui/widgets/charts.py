"""Tiny painted charts (PySide6-Essentials has no QtCharts): bars, stacked bars, a donut."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

PALETTE = ["#1f6feb", "#f0883e", "#2da44e", "#8250df", "#d1242f", "#bf8700", "#57606a"]


@dataclass(frozen=True)
class Slice:
    label: str
    value: int
    color: str = ""


def _color(i: int, given: str) -> QColor:
    return QColor(given or PALETTE[i % len(PALETTE)])


class _Chart(QWidget):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(220, 170)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(320, 220)

    def _frame(self, painter: QPainter) -> QRectF:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = painter.fontMetrics()
        painter.setPen(QColor("#24292f"))
        painter.drawText(
            QRectF(0, 0, self.width(), fm.height() + 4), Qt.AlignmentFlag.AlignLeft, self.title
        )
        return QRectF(4, fm.height() + 8, self.width() - 8, self.height() - fm.height() - 12)


class Donut(_Chart):
    """Parts of a whole, with the legend beside it."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.slices: list[Slice] = []

    def set_slices(self, slices: list[Slice]) -> None:
        self.slices = slices
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        area = self._frame(painter)
        total = sum(s.value for s in self.slices)
        side = min(area.height(), area.width() * 0.45)
        ring = QRectF(area.left(), area.top() + (area.height() - side) / 2, side, side)
        angle = 90 * 16
        if total <= 0:
            painter.setPen(QPen(QColor("#d0d7de"), side * 0.18))
            painter.drawEllipse(ring.adjusted(side * 0.1, side * 0.1, -side * 0.1, -side * 0.1))
        for i, s in enumerate(self.slices):
            if total <= 0 or s.value <= 0:
                continue
            span = -round(360 * 16 * s.value / total)
            painter.setPen(
                QPen(_color(i, s.color), side * 0.18, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
            )
            painter.drawArc(
                ring.adjusted(side * 0.1, side * 0.1, -side * 0.1, -side * 0.1), angle, span
            )
            angle += span
        fm = painter.fontMetrics()
        x, y = ring.right() + 12, area.top() + 4
        for i, s in enumerate(self.slices):
            painter.fillRect(QRectF(x, y + 3, 12, 12), _color(i, s.color))
            painter.setPen(QColor("#24292f"))
            share = f"{round(100 * s.value / total)}%" if total else "0%"
            painter.drawText(QRectF(x + 18, y, area.right() - x - 18, fm.height() + 2),
                             Qt.AlignmentFlag.AlignLeft, f"{s.label}  {s.value}  ({share})")  # fmt: skip
            y += fm.height() + 6


class Bars(_Chart):
    """Vertical bars; each bar may stack several parts (e.g. member vs walk-in takings).

    With `value_text`, each bar carries its total above it (a bar too narrow for the text
    shows it as a tooltip only), and pointing at a bar shows its parts."""

    def __init__(
        self, title: str, parent: QWidget | None = None, *,
        value_text: Callable[[int], str] | None = None,
    ) -> None:  # fmt: skip
        super().__init__(title, parent)
        self.labels: list[str] = []
        self.stacks: list[list[int]] = []
        self.legend: list[str] = []
        self.value_text = value_text
        self.painted_values: list[str] = []  # the values drawn last time, bar by bar
        self.setMouseTracking(True)

    def value_labels(self) -> list[str]:
        """Each bar's total as it is written above the bar."""
        if self.value_text is None:
            return []
        return [self.value_text(sum(stack)) for stack in self.stacks]

    def bar_at(self, x: float) -> int | None:
        n = len(self.stacks)
        if not n:
            return None
        i = int((x - 4) / ((self.width() - 8) / n))
        return i if 0 <= i < n else None

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        i = self.bar_at(event.position().x())
        if i is None or self.value_text is None:
            self.setToolTip("")
        else:
            parts = [
                f"{name} {self.value_text(v)}"
                for name, v in zip(self.legend, self.stacks[i], strict=False)
            ]
            head = self.labels[i] if i < len(self.labels) else ""
            self.setToolTip(f"{head}  {self.value_text(sum(self.stacks[i]))}\n" + "\n".join(parts))
        super().mouseMoveEvent(event)

    def set_bars(
        self, labels: list[str], stacks: list[list[int]], legend: list[str] | None = None
    ) -> None:
        self.labels, self.stacks, self.legend = labels, stacks, legend or []
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        area = self._frame(painter)
        fm = painter.fontMetrics()
        legend_h = fm.height() + 4 if self.legend else 0
        plot = QRectF(
            area.left(),
            area.top() + legend_h,
            area.width(),
            area.height() - legend_h - fm.height() - 4,
        )
        x = area.left()
        for i, name in enumerate(self.legend):
            painter.fillRect(QRectF(x, area.top() + 3, 12, 12), _color(i, ""))
            painter.setPen(QColor("#24292f"))
            painter.drawText(
                QRectF(x + 16, area.top(), 200, fm.height() + 2), Qt.AlignmentFlag.AlignLeft, name
            )
            x += 24 + fm.horizontalAdvance(name)
        top = max((sum(s) for s in self.stacks), default=0) or 1
        n = max(len(self.stacks), 1)
        slot = plot.width() / n
        bar_w = max(slot * 0.6, 2)
        painter.setPen(QColor("#d0d7de"))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        step = max(1, n // 7)  # labels every few bars when they would overlap
        values = self.value_labels()
        drawn: list[str] = []
        if values:  # room above the tallest bar for its value
            plot.setTop(plot.top() + fm.height() + 2)
        for i, stack in enumerate(self.stacks):
            left = plot.left() + i * slot + (slot - bar_w) / 2
            y = plot.bottom()
            for j, value in enumerate(stack):
                h = plot.height() * value / top
                painter.fillRect(QRectF(left, y - h, bar_w, h), _color(j, ""))
                y -= h
            if values and sum(stack) > 0 and fm.horizontalAdvance(values[i]) <= slot:
                painter.setPen(QColor("#24292f"))
                painter.drawText(QRectF(plot.left() + i * slot, y - fm.height() - 2, slot, fm.height()),
                                 Qt.AlignmentFlag.AlignHCenter, values[i])  # fmt: skip
                drawn.append(values[i])
            elif values:
                drawn.append("")
            if i % step == 0 and i < len(self.labels):
                painter.setPen(QColor("#57606a"))
                painter.drawText(QRectF(plot.left() + i * slot - slot, plot.bottom() + 2, slot * 3, fm.height() + 2),
                                 Qt.AlignmentFlag.AlignHCenter, self.labels[i])  # fmt: skip
        self.painted_values = drawn

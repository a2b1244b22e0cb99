"""The day-end report as an A4 PDF: the same sections and rows as the slip
(``day_report.report_sections``), with the shipped CJK font embedded.

Every page carries the shop, the title, the business day and "page x / y". The
sections are short (a few rows each), so each is one small table, kept whole; they flow
down two columns, so a day fits one page.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ..files import atomic_write
from ..i18n import DEFAULT_LANG, N_, translate
from ..money import format_fen
from ..pdf_fonts import cjk_font, head_title, para_text, pdf_text, text_width
from ..till.day_report import DayReport
from .day_report import TITLE, report_sections

MARGIN = 14 * mm
HEADER_H = 16 * mm
GUTTER = 8 * mm
COLUMN_W = (A4[0] - 2 * MARGIN - GUTTER) / 2
VALUE_W = 30 * mm
LABEL_W = COLUMN_W - VALUE_W
GRID = colors.HexColor("#9a9a9a")
SHADE = colors.HexColor("#eeeeee")


@dataclass(frozen=True)
class DayReportFile:
    path: Path
    pages: int


class _Canvas(canvas.Canvas):
    """Keeps pages until the end so each can say page x / y."""

    def __init__(self, *args: Any, head: dict[str, str], result: dict[str, int],
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self._head, self._result, self._pages = head, result, []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        self._result["pages"] = total
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._draw_head(number, total)
            super().showPage()
        super().save()

    def _draw_head(self, number: int, total: int) -> None:
        h, (width, height) = self._head, A4
        top = height - MARGIN
        page = pdf_text(
            translate(N_("page {number} / {total}"), h["lang"], number=number, total=total)
        )
        room = width - 2 * MARGIN - text_width(page, 9) - 6 * mm
        self.setFont(cjk_font(), 15)
        self.drawString(MARGIN, top - 13, head_title(h["shop"], h["title"], 15, room))
        self.setFont(cjk_font(), 9)
        self.drawRightString(width - MARGIN, top - 13, page)
        self.drawString(MARGIN, top - 28, pdf_text(h["line"]))
        self.setStrokeColor(GRID)
        self.line(MARGIN, top - 33, width - MARGIN, top - 33)


def build_day_pdf(report: DayReport, path: Path, lang: str = DEFAULT_LANG) -> DayReportFile:
    """Write the report to `path` (A4, in `lang`); a failed write leaves no file."""
    path = Path(path)
    font = cjk_font()
    heading = ParagraphStyle("section", fontName=font, fontSize=11, leading=14,
                             spaceBefore=2 * mm, spaceAfter=1 * mm)  # fmt: skip
    cell = ParagraphStyle("cell", fontName=font, fontSize=9.5, leading=12, wordWrap="CJK")
    strong = ParagraphStyle("strong", parent=cell, fontSize=10)
    story: list[Any] = []
    for section in report_sections(report, lang):
        data, styles = (
            [],
            [
                ("FONT", (0, 0), (-1, -1), font, 9.5),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, GRID),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ],
        )
        for i, row in enumerate(section.rows):
            value = format_fen(row.amount) if row.amount is not None else row.text
            label = "\u3000" * (row.indent // 2) + row.label
            data.append(
                [Paragraph(para_text(label), strong if row.strong else cell), pdf_text(value)]
            )
            if row.strong:
                styles.append(("BACKGROUND", (0, i), (-1, i), SHADE))
                styles.append(("FONT", (1, i), (1, i), font, 10))
        table = Table(data, colWidths=[LABEL_W, VALUE_W], hAlign="LEFT")
        table.setStyle(TableStyle(styles))
        parts: list[Any] = []
        if section.title:
            parts.append(Paragraph(para_text(section.title), heading))
        parts.append(table)
        story.append(KeepTogether(parts))
        story.append(Spacer(1, 1 * mm))
    shop = report.shop
    head = {
        "shop": shop.name,
        "title": translate(TITLE, lang),
        "line": translate(N_("Business day {day} · store {store} / till {till} · made {made}"),
                          lang, day=report.day.isoformat(), store=shop.store_code,
                          till=shop.terminal_code, made=f"{report.made_at:%Y-%m-%d %H:%M}"),
        "lang": lang,
    }  # fmt: skip
    result: dict[str, int] = {}
    body_h = A4[1] - 2 * MARGIN - HEADER_H
    frames = [
        Frame(MARGIN + i * (COLUMN_W + GUTTER), MARGIN, COLUMN_W, body_h, id=f"column{i}",
              leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        for i in range(2)
    ]  # fmt: skip
    with atomic_write(path) as part:
        doc = BaseDocTemplate(
            str(part), pagesize=A4, pageTemplates=[PageTemplate("day", frames)],
            title=f"{shop.name} {translate(TITLE, lang)} {report.day.isoformat()}", author="memberdesk",
        )  # fmt: skip
        doc.build(story, canvasmaker=functools.partial(_Canvas, head=head, result=result))
    return DayReportFile(path, result.get("pages", 0))

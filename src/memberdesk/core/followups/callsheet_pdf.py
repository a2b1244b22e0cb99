"""Call sheets as A4 PDF (landscape): one section per salesperson, each on new pages.

Every page carries the shop, the list, the period, when it was generated, the
salesperson and "第 x / y 页", in the list's language; the column headings are drawn by the page, so the rows
can be laid out in small page-sized chunks that read as one table (one huge Table is
quadratic). A chunk draws its grid as one path and its text as one text object, and
the tick boxes (接通 / 未接 / 预约到店 / 不再联系) are one shared form: per-line drawing
calls dominate the cost of a 5,000-row sheet. Each row leaves room for a note.
Phones are full only for roles allowed to see them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Paragraph

from ..files import atomic_write
from ..i18n import DEFAULT_LANG, N_, gettext, translate
from ..members.phone import mask_phone
from ..pdf_fonts import cjk_font, head_title, para_text, pdf_text, text_width, wrap_text
from ..progress import Progress
from ..shop.staff import Actor
from ..store.database import Store
from .calllog import BOXES, OUTCOMES, audit_full_phones, phone_policy
from .lists import FollowupList, FollowupRow

PAGE = landscape(A4)


MARGIN = 10 * mm


HEADER_H = 17 * mm  # shop, list, period … above the column headings


HEADINGS_H = 6 * mm


# The tier holds four Hanzi on a line (积分会员, the clothing preset's first tier).
# The day of the call is written by hand beside its outcome: the outcome is entered in the
# app later, on that day (followups_page.OutcomeDialog), as the spreadsheet's column gives it.
COLUMNS = ((N_("No."), 8), (N_("Name / card no."), 30), (N_("Phone"), 23), (N_("Tier"), 15),
           (N_("Listed on · reason"), 46), (N_("Last seen in store"), 18), (N_("Total spend"), 20),
           (N_("Points"), 13), (N_("Suggested script"), 36), (N_("Outcome"), 29),
           (N_("Contacted on"), 12), (N_("Notes"), 27))  # fmt: skip


WIDTHS = [w * mm for _, w in COLUMNS]


EDGES = [0.0, *accumulate(WIDTHS)]  # x of every column line, from the table's left edge


BOXES_COL, RIGHT_ALIGNED = 9, (6, 7)


CHUNK = 5  # rows per flowable


SIZE, LEADING, PAD = 8.5, 10.5, 2.0


MIN_ROW_H = 15 * mm  # room to tick a box and write a short note


OUTCOME_LABELS = tuple(OUTCOMES[b] for b in BOXES)  # message ids


BOX, BOX_LINE = 2.8 * mm, 4.4 * mm


FORM = "md_outcome_boxes"


GRID = colors.HexColor("#9a9a9a")


RED = colors.HexColor("#b00000")


@dataclass(frozen=True)
class CallSheetFile:
    path: Path
    rows: int
    pages: int
    full_phones: bool


@dataclass(frozen=True)
class _Row:
    cells: tuple[tuple[str, ...], ...]  # the lines of every column
    height: float
    red: bool  # no marketing consent: the name is printed in red


class _Section(Flowable):
    """Zero-size marker: tells the page which salesperson it belongs to."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._md_section = self.name  # read back in _Canvas.save


def _define_boxes(c: canvas.Canvas) -> None:
    lang = getattr(c, "_md_lang", DEFAULT_LANG)
    labels = [pdf_text(gettext(label, lang)) for label in OUTCOME_LABELS]
    room = WIDTHS[BOXES_COL] - 2 * PAD - 1 * mm
    # 接通 and 未接 share a line; longer words (English) get smaller type to fit.
    size = SIZE
    while (
        size > 6
        and 2 * (BOX + 1.2 * mm) + 1.5 * mm + text_width(labels[0] + labels[1], size) > room
    ):
        size -= 0.5
    second = max(13 * mm, BOX + 1.2 * mm + text_width(labels[0], size) + 1.5 * mm)
    c.beginForm(FORM, 0, 0, WIDTHS[BOXES_COL], 3 * BOX_LINE)
    c.setFont(cjk_font(), size)
    c.setStrokeColor(colors.black)
    c.setFillColor(colors.black)
    c.setLineWidth(0.6)
    spots = ((0, 0), (second, 0), (0, 1), (0, 2))  # (x, line)
    for (x, line), label in zip(spots, labels, strict=True):
        y = 3 * BOX_LINE - (line + 1) * BOX_LINE + 0.6 * mm
        c.rect(x, y, BOX, BOX, stroke=1, fill=0)
        c.drawString(x + BOX + 1.2 * mm, y + 0.3 * mm, label)
    c.endForm()


class _Rows(Flowable):
    """A few rows of the sheet; splits between rows at a page end."""

    def __init__(self, rows: list[_Row]) -> None:
        super().__init__()
        self.rows = rows
        self.width, self.height = EDGES[-1], sum(r.height for r in rows)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, aw: float, ah: float) -> list[Flowable]:
        used, k = 0.0, 0
        while k < len(self.rows) and used + self.rows[k].height <= ah:
            used += self.rows[k].height
            k += 1
        return [] if k == 0 else [_Rows(self.rows[:k]), _Rows(self.rows[k:])]

    def draw(self) -> None:
        c = self.canv
        if not c.hasForm(FORM):
            _define_boxes(c)
        tops = [self.height - h for h in [0.0, *accumulate(r.height for r in self.rows)]]
        path = c.beginPath()
        for y in tops:
            path.moveTo(0, y)
            path.lineTo(self.width, y)
        for x in EDGES:
            path.moveTo(x, 0)
            path.lineTo(x, self.height)
        c.setStrokeColor(GRID)
        c.setLineWidth(0.4)
        c.drawPath(path, stroke=1, fill=0)
        text = c.beginText()
        text.setFont(cjk_font(), SIZE, LEADING)
        for row, top in zip(self.rows, tops, strict=False):
            base = top - PAD - SIZE * 0.9
            for col, lines in enumerate(row.cells):
                if row.red and col == 1:
                    text.setFillColor(RED)
                for i, line in enumerate(lines):
                    if col in RIGHT_ALIGNED:
                        text.setTextOrigin(
                            EDGES[col + 1] - PAD - text_width(line, SIZE), base - i * LEADING
                        )
                        text.textOut(line)
                    else:
                        if i == 0:
                            text.setTextOrigin(EDGES[col] + PAD, base)
                        text.textLine(line)
                if row.red and col == 1:
                    text.setFillColor(colors.black)
        c.drawText(text)
        for top in tops[:-1]:
            c.saveState()
            c.translate(EDGES[BOXES_COL] + PAD + 1 * mm, top - PAD - 3 * BOX_LINE)
            c.doForm(FORM)
            c.restoreState()


class _Canvas(canvas.Canvas):
    """Keeps pages until the end so each can say 第 x / y 页."""

    def __init__(
        self, *args: Any, head: dict[str, str], result: dict[str, int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._head, self._result, self._pages = head, result, []
        self._md_section = ""
        self._md_lang = head["lang"]

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
        font, h = cjk_font(), self._head
        width, height = PAGE
        top = height - MARGIN
        lang = h["lang"]
        page = pdf_text(translate(N_("page {number} / {total}"), lang, number=number, total=total))
        room = width - 2 * MARGIN - text_width(page, 9) - 6 * mm
        self.setFont(font, 14)
        self.drawString(MARGIN, top - 12, head_title(h["shop"], h["title"], 14, room))
        self.setFont(font, 9)
        self.drawRightString(width - MARGIN, top - 12, page)
        line = translate(N_("Period: {period}    Salesperson: {salesperson}    Printed: {printed}"),
                         lang, period=h["period"], salesperson=self._md_section or "—",
                         printed=h["generated"])  # fmt: skip
        self.drawString(MARGIN, top - 27, pdf_text(line))
        self.drawRightString(width - MARGIN, top - 27, pdf_text(h["note"]))
        y = height - MARGIN - HEADER_H - HEADINGS_H
        self.setFillColor(colors.HexColor("#e8e8e8"))
        self.setStrokeColor(GRID)
        self.rect(MARGIN, y, EDGES[-1], HEADINGS_H, fill=1, stroke=1)
        self.setFillColor(colors.black)
        for (title, _), x, width in zip(COLUMNS, EDGES, WIDTHS, strict=False):
            size, lines = heading_lines(gettext(title, lang), width - 2 * PAD)
            self.setFont(font, size)
            for i, line in enumerate(lines):  # one line at y + 5, two at y + 9 and y + 2.5
                self.drawString(MARGIN + x + PAD, y + (5 if len(lines) == 1 else 9 - 6.5 * i), line)


def heading_lines(title: str, room: float) -> tuple[float, tuple[str, ...]]:
    """A column heading that fits its column: on one line at 9 pt, or on two smaller ones
    (English headings are longer than the Chinese: Last seen in store)."""
    title = pdf_text(title)
    if text_width(title, 9) <= room:
        return 9, (title,)
    for size in (7.5, 7, 6.5, 6):
        lines = wrap_text(title, size, room)
        if len(lines) <= 2 and all(text_width(line, size) <= room for line in lines):
            return size, tuple(lines)
    return 6, tuple(wrap_text(title, 6, room, 2))


def yuan(fen: int) -> str:
    """format_fen's zh_CN output (¥1,234.50), without babel's per-call cost: a 5,000-row
    sheet would spend seconds in it. A test keeps the two identical."""
    return f"{'-' if fen < 0 else ''}¥{abs(fen) // 100:,}.{abs(fen) % 100:02d}"


def _cell(text: object, col: int, max_lines: int = 0) -> tuple[str, ...]:
    return tuple(wrap_text(pdf_text(text), SIZE, WIDTHS[col] - 2 * PAD, max_lines))


def _row(n: int, r: FollowupRow, full: bool, script: str, words: dict[str, str]) -> _Row:
    name = (*_cell(r.name, 1, 2), r.card_no, *(() if r.consent else (words["no_consent"],)))
    phone = (r.phone if full else mask_phone(r.phone)) or "—"
    last = f"{r.last_visit:%Y-%m-%d}" if r.last_visit else words["never"]
    cells = (
        (str(n),), name, (phone,), _cell(r.tier, 3), (f"{r.due:%Y-%m-%d}", *_cell(r.reason, 4, 3)),
        (last,), (yuan(r.lifetime_spend),), (str(r.points),), _cell(script, 8, 4), (), (), (),
    )  # fmt: skip
    height = max(MIN_ROW_H, max(len(c) for c in cells) * LEADING + 2 * PAD + 2)
    return _Row(cells, height, not r.consent)


def build_callsheet_pdf(
    store: Store, actor: Actor, fl: FollowupList, path: Path, *, full_phone: bool | None = None,
    scripts: dict[str, str] | None = None, progress: Progress | None = None,
) -> CallSheetFile:  # fmt: skip
    """Write the call sheet of `fl` to `path` (A4, CJK font embedded).

    `progress` hears how far the layout is; raising from it leaves no file behind."""
    from .sms import scripts_for

    path = Path(path)
    full = phone_policy(actor, full_phone)
    scripts = scripts if scripts is not None else scripts_for(store, fl)
    group = ParagraphStyle("group", fontName=cjk_font(), fontSize=11, leading=14, spaceBefore=2 * mm,
                           spaceAfter=2 * mm)  # fmt: skip
    lang = fl.lang
    words = {"no_consent": pdf_text(gettext(N_("No marketing consent"), lang)),
             "never": pdf_text(gettext(N_("Never visited"), lang))}  # fmt: skip
    story: list[Flowable] = []
    number = 0
    for i, (salesperson, rows) in enumerate(fl.by_salesperson()):
        if i:
            story.append(PageBreak())
        story.append(_Section(salesperson))
        heading = translate(N_("Salesperson: {name}    {count} members"), lang, name=salesperson,
                            count=len(rows))  # fmt: skip
        story.append(Paragraph(para_text(heading), group))
        for j in range(0, len(rows), CHUNK):
            chunk = []
            for r in rows[j : j + CHUNK]:
                number += 1
                chunk.append(_row(number, r, full, scripts.get(r.member_id, ""), words))
            story.append(_Rows(chunk))
    if not story:
        nobody = gettext(N_("Nobody needs a call in this period."), lang)
        story.append(Paragraph(para_text(nobody), group))
    note = translate(N_("{count} members · names in red gave no marketing consent: no SMS"), lang,
                     count=len(fl.rows))  # fmt: skip
    head = {"shop": fl.shop_name, "title": fl.title, "period": fl.period.text(lang),
            "generated": f"{fl.generated_at:%Y-%m-%d %H:%M}", "note": note, "lang": lang}  # fmt: skip
    result: dict[str, int] = {}
    frame = Frame(MARGIN, MARGIN, PAGE[0] - 2 * MARGIN, PAGE[1] - 2 * MARGIN - HEADER_H - HEADINGS_H,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)  # fmt: skip
    with atomic_write(path) as part:
        doc = BaseDocTemplate(str(part), pagesize=PAGE, pageTemplates=[PageTemplate("sheet", [frame])],
                              title=f"{fl.shop_name} {fl.title}", author="memberdesk")  # fmt: skip
        if progress is not None:
            blocks = len(story)
            doc.setProgressCallBack(
                lambda kind, n: progress(n, blocks) if kind == "PROGRESS" else None
            )
        doc.build(story, canvasmaker=functools.partial(_Canvas, head=head, result=result))
    if full and fl.rows:
        audit_full_phones(store, actor, f"{fl.kind}:{path.name}", len(fl.rows))
    return CallSheetFile(path, len(fl.rows), result.get("pages", 0), full)

"""Member cards as PDF: CR80 faces (85.6 × 54 mm) with the shop, the member's name,
the card number as text, Code128 and QR — ten to an A4 sheet with cut guides, or
one card per CR80-sized page for a card printer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from sqlalchemy import select

from ..clock import shop_day_start_utc
from ..errors import DomainError
from ..files import atomic_write
from ..i18n import DEFAULT_LANG, N_, translate
from ..loyalty.program_store import program_in_force
from ..pdf_fonts import cjk_font, pdf_text
from ..shop.details import shop_info
from ..store.database import Store
from ..store.models import Card, Member
from .tiers import tier_member

CARD_W, CARD_H = 85.6 * mm, 54 * mm


PER_ROW, PER_COLUMN = 2, 5  # 10 cards on an A4 sheet


MAX_CARDS = 5000


@dataclass(frozen=True)
class CardFace:
    shop_name: str
    member_name: str
    card_no: str
    tier: str  # the tier's name
    lang: str = DEFAULT_LANG  # of the words printed around the data


@dataclass(frozen=True)
class CardsFile:
    path: Path
    cards: int
    pages: int


def card_faces(
    store: Store, *, card_nos: list[str] | None = None, new_since: date | None = None,
    lang: str = DEFAULT_LANG,
) -> list[CardFace]:  # fmt: skip
    """The cards to print: the named card numbers (a replaced number prints the member's
    current card), or every active member who joined on or after `new_since`."""
    if not card_nos and new_since is None:
        raise DomainError("cards.nothing_selected")
    with store.read() as s:
        shop = shop_info(s)
        current = program_in_force(s)
        levels = current.program.tiers.levels if current else ()
        tiers = {t.code: t.name for t in levels}
        lowest = levels[0].name if levels else ""
        members: list[Member] = []
        for number in card_nos or []:
            card = s.scalar(select(Card).where(Card.card_no == number.strip().upper()))
            if card is None:
                raise DomainError("card.not_found", card=number)
            members.append(s.get(Member, card.member_id))
        if new_since is not None:
            since = shop_day_start_utc(new_since, shop.timezone)
            members += s.scalars(
                select(Member)
                .where(Member.joined_at >= since, Member.status == "active")
                .order_by(Member.joined_at, Member.card_no)
                .limit(MAX_CARDS + 1)
            )
        if len(members) > MAX_CARDS:
            raise DomainError("cards.too_many", max=MAX_CARDS)
        seen: set[str] = set()
        faces = []
        for m in members:
            if m.id not in seen and m.status != "cancelled":
                seen.add(m.id)
                tier = tiers.get(m.tier, lowest)
                faces.append(CardFace(shop.name, m.name, m.card_no, tier, lang))
        return faces


def _fit(text: str, font: str, size: float, room: float) -> tuple[str, float]:
    """Shrink the type (down to 60 %) and then cut the text so it fits `room`."""
    text = pdf_text(text)
    for scale in (1, 0.9, 0.8, 0.7, 0.6):
        if stringWidth(text, font, size * scale) <= room:
            return text, size * scale
    while text and stringWidth(text + "…", font, size * 0.6) > room:
        text = text[:-1]
    return text + "…", size * 0.6


def _draw_card(c: canvas.Canvas, face: CardFace, x: float, y: float, guide: bool) -> None:
    font = cjk_font()
    pad = 5 * mm
    if guide:
        c.setStrokeColor(colors.HexColor("#bbbbbb"))
        c.setLineWidth(0.3)
        c.roundRect(x, y, CARD_W, CARD_H, 3 * mm, stroke=1, fill=0)
    c.setFillColor(colors.black)
    qr_size = 20 * mm
    text_room = CARD_W - 2 * pad - qr_size - 2 * mm
    shop, size = _fit(face.shop_name, font, 11, CARD_W - 2 * pad)
    c.setFont(font, size)
    c.drawString(x + pad, y + CARD_H - pad - 9, shop)
    name, size = _fit(face.member_name, font, 15, text_room)
    c.setFont(font, size)
    c.drawString(x + pad, y + CARD_H - 22 * mm, name)
    if face.tier:
        c.setFont(font, 8)
        c.drawString(x + pad, y + CARD_H - 27 * mm, pdf_text(tier_member(face.tier, face.lang)))
    c.setFont(font, 9)
    number = translate(N_("Card no. {card}"), face.lang, card=face.card_no)
    c.drawString(x + pad, y + 17 * mm, pdf_text(number))
    bar = Code128(
        face.card_no, barHeight=9 * mm, barWidth=0.3 * mm, humanReadable=False, quiet=False
    )
    if bar.width > text_room:
        bar = Code128(face.card_no, barHeight=9 * mm, barWidth=text_room / bar.width * 0.3 * mm,
                      humanReadable=False, quiet=False)  # fmt: skip
    bar.drawOn(c, x + pad, y + pad)
    qr = QrCodeWidget(face.card_no, barLevel="M")
    left, bottom, right, top = qr.getBounds()
    drawing = Drawing(
        qr_size, qr_size, transform=[qr_size / (right - left), 0, 0, qr_size / (top - bottom), 0, 0]
    )
    drawing.add(qr)
    renderPDF.draw(drawing, c, x + CARD_W - pad - qr_size, y + pad)


def build_cards_pdf(faces: list[CardFace], path: Path, *, sheet: bool = True) -> CardsFile:
    """A4 sheets of ten (sheet=True) or one CR80 page per card (sheet=False)."""
    if not faces:
        raise DomainError("cards.nothing_selected")
    path = Path(path)
    size = A4 if sheet else (CARD_W, CARD_H)
    pages = 0
    with atomic_write(path) as part:
        c = canvas.Canvas(str(part), pagesize=size, pageCompression=1)
        c.setTitle(translate(N_("{shop} member cards"), faces[0].lang, shop=faces[0].shop_name))
        per_page = PER_ROW * PER_COLUMN if sheet else 1
        left = (A4[0] - PER_ROW * CARD_W) / 2
        top = A4[1] - (A4[1] - PER_COLUMN * CARD_H) / 2
        for start in range(0, len(faces), per_page):
            for i, face in enumerate(faces[start : start + per_page]):
                if sheet:
                    col, row = i % PER_ROW, i // PER_ROW
                    _draw_card(c, face, left + col * CARD_W, top - (row + 1) * CARD_H, guide=True)
                else:
                    _draw_card(c, face, 0, 0, guide=False)
            c.showPage()
            pages += 1
        c.save()
    return CardsFile(path, len(faces), pages)

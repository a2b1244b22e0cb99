"""The bundled CJK TrueType font for reportlab, and text made safe for it.

WenQuanYi Micro Hei (resources/fonts) is registered once per process and embedded
(subset) in every PDF. A character the font has no glyph for would print as an
invisible blank — a PDF with a missing glyph raises no error — so such characters
(emoji, rare Hanzi outside the font) are replaced by a visible □. Text for
Paragraph markup is XML-escaped: a note with `<` or `&` must not break the page.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from itertools import repeat
from xml.sax.saxutils import escape

from ..resources import cjk_font_path

FONT = "WQYMicroHei"


MISSING = "□"


_lock = threading.Lock()


_glyphs: dict[int, int] | None = None


_widths: dict[int, float] = {}


# An ASCII run is a word; a yuan sign belongs to the amount after it (¥1,515.94 is one word).
_TOKENS = re.compile(r"[\x21-\x7e]*[￥¥][\x21-\x7e]+|[\x21-\x7e]+| +|.", re.S)


# What a closing punctuation mark takes down with it to the next line: the word before it.
_LAST_WORD = re.compile(r"(?:[\x21-\x7e]*[￥¥][\x21-\x7e]+|[\x21-\x7e]+|.)$", re.S)


NO_LINE_START = set("，。、；：？！）》」』】〕〉”’…,.;:?!)]}%")


NO_LINE_END = set("（《「『【〔〈“‘([{")  # opening marks go down with what they open


def cjk_font() -> str:
    """Register the CJK font with reportlab (first call only) and return its name."""
    global _glyphs
    with _lock:
        if _glyphs is None:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            font = TTFont(FONT, str(cjk_font_path()), subfontIndex=0)
            pdfmetrics.registerFont(font)
            _glyphs = font.face.charToGlyph
            _widths.update(font.face.charWidths)
    return FONT


def pdf_text(text: object) -> str:
    """Plain text the font can draw: controls become spaces, unknown glyphs become □."""
    cjk_font()
    assert _glyphs is not None
    text = unicodedata.normalize("NFC", str(text if text is not None else ""))
    if text.isprintable() and all(map(_glyphs.__contains__, map(ord, text))):
        return text  # the common case, checked at C speed
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch == "\n":
            out.append(ch)
        elif cat in ("Cc", "Zl", "Zp"):
            out.append(" ")
        elif cat in ("Mn", "Me", "Cf") and ord(ch) not in _glyphs:
            continue  # joiners and variation selectors of an emoji
        else:
            out.append(ch if ord(ch) in _glyphs else MISSING)
    return "".join(out)


def para_text(text: object) -> str:
    """Text for a Paragraph: drawable, XML-escaped, line breaks kept."""
    return escape(pdf_text(text)).replace("\n", "<br/>")


def text_width(text: str, size: float) -> float:
    """Width in points of drawable text (a dictionary lookup per character: reportlab's
    own measuring runs in pure Python without its optional accelerator)."""
    return sum(map(_widths.get, map(ord, text), repeat(1000.0))) * size / 1000


def wrap_text(text: str, size: float, room: float, max_lines: int = 0) -> list[str]:
    """Break drawable text into lines no wider than `room`: Chinese between any two
    characters, Latin words and amounts (¥1,515.94) whole where they fit, no line
    starting with closing punctuation nor ending with an opening bracket. With `max_lines`, the last line kept ends in …"""
    if "\n" not in text and text_width(text, size) <= room:
        return [text]
    lines: list[str] = []
    for paragraph in text.split("\n"):
        cur, cur_w = "", 0.0
        for token in _TOKENS.findall(paragraph):
            w = text_width(token, size)
            if token.isspace():
                if cur:
                    cur, cur_w = cur + token, cur_w + w
                continue
            if cur_w + w <= room:
                cur, cur_w = cur + token, cur_w + w
            elif w > room:  # one Latin run wider than a line: split it anywhere
                for ch in token:
                    cw = text_width(ch, size)
                    if cur.strip() and cur_w + cw > room:
                        lines.append(cur.rstrip())
                        cur, cur_w = "", 0.0
                    cur, cur_w = cur + ch, cur_w + cw
            else:
                carry, kept = "", cur.rstrip()
                if token[0] in NO_LINE_START:
                    # the word before the mark goes down with it (an amount whole, never
                    # its last digit), unless it is all the line holds or would not fit
                    word = _LAST_WORD.search(kept)
                    if word and word.start() > 0 and text_width(word.group() + token, size) <= room:
                        carry, kept = word.group(), kept[: word.start()]
                while (
                    len(kept) > 1
                    and kept[-1] in NO_LINE_END
                    and text_width(kept[-1] + carry + token, size) <= room
                ):
                    carry, kept = kept[-1] + carry, kept[:-1]
                lines.append(kept.rstrip())
                cur = carry + token
                cur_w = text_width(cur, size)
        lines.append(cur.rstrip())
    if max_lines and len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_width(last + "…", size) > room:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last + "…"]
    return lines


def head_title(shop: str, title: str, size: float, room: float) -> str:
    """ "shop · title" on one line of `room` points: a shop name too long for it is cut
    with …, the title (what the page is) always kept whole."""
    shop, title = pdf_text(shop), pdf_text(title)
    tail = f" · {title}"
    if text_width(shop + tail, size) <= room:
        return shop + tail
    left = max(0.0, room - text_width(tail, size))
    cut = shop
    while cut and text_width(cut + "…", size) > left:
        cut = cut[:-1]
    return cut.rstrip() + "…" + tail

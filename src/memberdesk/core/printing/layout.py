"""Receipt layout as pure data: lines of text that fit the paper, measured in columns.

A thermal printer in Chinese mode prints every double-byte character (a Hanzi, full-
width punctuation, ￥, even · and ×) two columns wide and every ASCII byte one column
wide, so a line's width is the length of its encoded bytes. The slips' own words use no
character whose width a reader's screen would take otherwise (× and · are one column in
most fonts and terminals): a quantity reads "2 x ￥99.00", so every line that spans the
paper is exactly its width however it is measured. Text is cleaned before it is
measured: control characters become spaces (an ESC inside a product name would be a
printer command), simplified Chinese becomes traditional for a Big5 printer, and
whatever the printer's character set cannot show — an emoji, a rare character outside
GBK / Big5 — becomes a visible □ instead of an error.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from ..i18n import DEFAULT_LANG, N_, gettext, translate
from ..loyalty.coupon_rules import coupon_terms as coupon_terms_message
from ..loyalty.program import TENDER_NAMES
from ..money import format_fen
from ..shop.details import ShopInfo
from ..till.manual import ManualDiscount, describe
from ..till.paycodes import mask_code
from ..till.receipts import SaleResult
from .big5 import TRADITIONAL, to_traditional

CODECS = {"GB18030": "gb18030", "GBK": "gbk", "BIG5": "big5"}
PAPER_COLUMNS = {58: 32, 80: 48}
REPLACEMENT = "□"
# Big5 has no U+FFE5; its full-width yen sign (A2 44) decodes as U+00A5.
SUBSTITUTES = {"BIG5": {"￥": "¥"}}
# Characters a line should not start with (they hang on to the character before).
NO_LINE_START = set("，。、；：？！）》」』】〕〉”’…,.;:?!)]}%")
# How a discount reads on a slip or a screen (translated where shown).
DISCOUNT_NAMES = {
    "tier": N_("Member tier discount"),
    "member_day": N_("Member day discount"),
    "birthday": N_("Birthday discount"),
    "manual": N_("Line discount"),
    "price": N_("Price change"),
    "sale": N_("Sale discount"),
    "member_price": N_("Member price"),
    "category": N_("Category discount"),
    "coupon": N_("Coupon"),
}


OTHER_DISCOUNT = N_("Discount")
TENDER_ORDER = ("cash", "card", "wechat", "alipay", "wallet", "points")
# An ASCII run is a word; a yuan sign belongs to the amount after it (-￥12.50 is one word).
_TOKENS = re.compile(r"[\x21-\x7e]*[￥¥][\x21-\x7e]+|[\x21-\x7e]+| +|.", re.S)
# What a closing punctuation mark takes down with it to the next line: the word before it.
_LAST_WORD = re.compile(r"(?:[\x21-\x7e]*[￥¥][\x21-\x7e]+|[\x21-\x7e]+|.)$", re.S)


@dataclass(frozen=True)
class Paper:
    columns: int = 48
    encoding: str = "GB18030"


@dataclass(frozen=True)
class Line:
    text: str
    bold: bool = False
    tall: bool = False  # double height, same width: a tall line still fits the columns


@dataclass(frozen=True)
class Slip:
    """One printed document: its lines, and the number its QR code / barcode carries."""

    kind: str  # sale|refund|topup|adjust|gift|shift|day|test
    ref: str  # receipt number (empty: no codes)
    lines: tuple[Line, ...]
    paper: Paper
    opens_drawer: bool = False  # cash changed hands
    at: datetime | None = None  # the shop's wall clock when it happened

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@lru_cache(maxsize=8192)
def glyph_bytes(ch: str, encoding: str) -> bytes | None:
    """How the printer receives one character, or None when it cannot print it."""
    ch = SUBSTITUTES.get(encoding, {}).get(ch, ch)
    if ch.isascii():
        return ch.encode() if (ch.isprintable() or ch == " ") else None
    try:
        data = ch.encode(CODECS[encoding])
    except UnicodeEncodeError:
        return None
    return data if len(data) == 2 else None  # 4-byte GB18030 is beyond printer fonts


def clean(text: object, encoding: str = "GB18030", *, convert: bool = True) -> str:
    """Text the printer can show, one character per glyph, nothing that is a command.

    For a Big5 printer the text is first converted to traditional characters (see
    big5.py); `convert=False` is for text that was cleaned for Big5 already."""
    text = unicodedata.normalize("NFC", str(text)).replace("¥", "￥")
    if encoding == "BIG5" and convert:
        text = to_traditional(text)
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Zl", "Zp") or (cat == "Zs" and ch != "\u3000"):
            out.append(" ")
        elif cat in ("Mn", "Me", "Cf") or "\ufe00" <= ch <= "\ufe0f":
            continue  # joiners, variation selectors, stray combining marks
        elif glyph_bytes(ch, encoding) is None:
            alt = TRADITIONAL.get(ch, "") if encoding == "BIG5" else ""
            out.append(alt if alt and glyph_bytes(alt, encoding) else REPLACEMENT)
        else:
            out.append(ch)
    return "".join(out)


def width(text: str) -> int:
    """Columns a cleaned text takes: 1 per ASCII character, 2 for anything else."""
    return sum(1 if ord(ch) < 0x80 else 2 for ch in text)


def wrap(text: str, columns: int) -> list[str]:
    """Break cleaned text into lines of at most `columns`: Latin words stay whole when
    they fit a line, Chinese breaks between any two characters, and closing
    punctuation never starts a line."""
    lines: list[str] = []
    cur, cur_w = "", 0
    for token in _TOKENS.findall(text):
        tw = width(token)
        if token.startswith(" "):
            if cur and cur_w + tw <= columns:
                cur, cur_w = cur + token, cur_w + tw
            elif cur:
                lines.append(cur.rstrip())
                cur, cur_w = "", 0
            continue
        if cur_w + tw <= columns:
            cur, cur_w = cur + token, cur_w + tw
            continue
        if tw > columns:  # a Latin run longer than a line: split it anywhere
            for ch in token:
                if cur_w + width(ch) > columns:
                    lines.append(cur.rstrip())
                    cur, cur_w = "", 0
                cur, cur_w = cur + ch, cur_w + width(ch)
            continue
        carry = ""
        if token[0] in NO_LINE_START:
            kept = cur.rstrip()
            word = _LAST_WORD.search(kept)
            # the word before the mark goes down with it (an amount whole, never its last
            # digit), unless it is all the line holds or the two would not fit a line
            if word and word.start() > 0 and width(word.group() + token) <= columns:
                carry, cur = word.group(), kept[: word.start()]
        lines.append(cur.rstrip())
        cur = carry + token
        cur_w = width(cur)
    if cur.strip() or not lines:
        lines.append(cur.rstrip())
    return lines


def money(fen: int) -> str:
    return format_fen(fen, symbol="￥")


def coupon_terms(b: SlipBuilder, c: dict[str, Any]) -> str:
    """What a coupon gives, in words: ￥10.00 off, 20% off (at most ￥50.00 off), ￥50.00 off
    a spend of ￥300.00, a gift. `c`: a slip's or a sale's coupon (kind, value, min_spend,
    max_off)."""
    return coupon_terms_message(c["kind"], int(c.get("value") or 0), int(c.get("min_spend") or 0),
                                int(c.get("max_off") or 0), money).text(b.lang)  # fmt: skip


def local(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S}"


@dataclass
class SlipBuilder:
    """Collects lines; every method keeps every line within the paper's columns. The
    slip's own words are in `lang`, the shop's language."""

    paper: Paper
    lang: str = DEFAULT_LANG
    lines: list[Line] = field(default_factory=list)

    def t(self, msgid: str, **params: object) -> str:
        """A fixed label of the slip in its language."""
        return translate(msgid, self.lang, **params)

    def name(self, names: dict[str, str], code: str, default: str | None = None) -> str:
        """A code (tender, discount kind) by its name on the slip."""
        msgid = names.get(code, default)
        return gettext(msgid, self.lang) if msgid else code

    @property
    def cols(self) -> int:
        return self.paper.columns

    def _clean(self, text: object) -> str:
        return clean(text, self.paper.encoding)

    def text(self, text: object, *, bold: bool = False, indent: int = 0) -> None:
        for part in wrap(self._clean(text), self.cols - indent):
            self.lines.append(Line(" " * indent + part, bold=bold))

    def hanging(self, prefix: str, text: object) -> None:
        """`prefix` then text; continuation lines indented under the text, not the prefix."""
        pad = width(prefix)
        for i, part in enumerate(wrap(self._clean(text), self.cols - pad)):
            self.lines.append(Line((prefix if i == 0 else " " * pad) + part))

    def center(self, text: object, *, bold: bool = False, tall: bool = False) -> None:
        for part in wrap(self._clean(text), self.cols):
            self.lines.append(Line(" " * ((self.cols - width(part)) // 2) + part, bold, tall))

    def pair(self, left: object, right: object, *, bold: bool = False, indent: int = 0) -> None:
        """`left` at the left edge, `right` flush right; the left side wraps when long."""
        lt, rt = self._clean(left), self._clean(right)
        rw = width(rt)
        if rw > self.cols:
            self.text(lt, bold=bold, indent=indent)
            self.text(rt, bold=bold)
            return
        parts = wrap(lt, self.cols - indent)
        last = " " * indent + parts[-1]
        heads = [" " * indent + p for p in parts[:-1]]
        if width(last) + 1 + rw <= self.cols:
            tail = [last + " " * (self.cols - width(last) - rw) + rt]
        else:
            tail = [last, " " * (self.cols - rw) + rt]
        self.lines.extend(Line(t, bold=bold) for t in heads + tail)

    def rule(self, ch: str = "-") -> None:
        self.lines.append(Line(ch * (self.cols // width(ch))))

    def blank(self) -> None:
        self.lines.append(Line(""))

    def reprint_mark(self, reprint: int, reprinted_at: datetime | None) -> None:
        if reprint:
            self.center(
                self.t(N_("** REPRINT **"))
                if reprint == 1
                else self.t(N_("** REPRINT (copy {n}) **"), n=reprint),
                bold=True,
            )
            if reprinted_at is not None:
                self.center(self.t(N_("Reprinted {time}"), time=local(reprinted_at)))

    def shop_head(self, shop: ShopInfo, title: str = "") -> None:
        self.center(shop.name, bold=True, tall=True)
        if shop.address:
            self.center(self.t(N_("Address: {address}"), address=shop.address))
        if shop.phone:
            self.center(self.t(N_("Tel: {phone}"), phone=shop.phone))
        if title:
            self.center(title, bold=True)
        self.rule()

    def slip(self, kind: str, ref: str, at: datetime | None, *, opens_drawer: bool = False) -> Slip:
        return Slip(kind, ref, tuple(self.lines), self.paper, opens_drawer, at)


def sale_receipt(
    r: SaleResult, paper: Paper, *, reprint: int = 0, reprinted_at: datetime | None = None
) -> Slip:
    """The customer's receipt: what was bought and paid, and the member AFTER the sale."""
    b = SlipBuilder(paper, r.shop.language)
    b.reprint_mark(reprint, reprinted_at)
    b.shop_head(r.shop)
    b.text(b.t(N_("Receipt no.: {number}"), number=r.receipt_no))
    b.text(b.t(N_("Time: {time}"), time=local(r.local_time)))
    b.text(b.t(N_("Cashier: {name}"), name=r.cashier))
    b.rule()
    manual = {m.get("line"): m for m in r.manual_discounts}
    for ln in r.lines:
        b.hanging(f"{ln.no}. ", ln.description)
        b.pair(
            f"{ln.quantity} x {money(ln.unit_price)}", money(ln.quantity * ln.unit_price), indent=3
        )
        for kind, fen in r.line_discounts(ln):  # the coupon's share apart from the line's own
            b.pair(_discount_label(b, kind, manual.get(ln.no) if kind != "coupon" else None),
                   money(-fen), indent=3)  # fmt: skip
        if ln.refunded_qty:
            b.text(b.t(N_("{n} returned"), n=ln.refunded_qty), indent=3)
    b.rule()
    b.pair(b.t(N_("Subtotal")), money(r.subtotal))
    for kind, fen in r.discount_by_kind.items():
        if fen:
            whole_sale = manual.get(None) if kind == "sale" else None  # lines' add up plainly
            b.pair(_discount_label(b, kind, whole_sale), money(-fen))
    approvers = sorted({m["approved_by"] for m in r.manual_discounts if m.get("approved_by")})
    if approvers:
        b.text(b.t(N_("Discount approved by: {names}"), names="、".join(approvers)))
    b.pair(b.t(N_("Total due")), money(r.total), bold=True)
    if r.gift:
        b.pair(b.t(N_("Gift for points: {name}"), name=r.gift.get("name", "")),
               b.t(N_("-{points} pts"), points=r.gift.get("points", 0)))  # fmt: skip
    if getattr(r, "birthday_gift", None):
        b.pair(b.t(N_("Birthday gift: {name}"), name=r.birthday_gift), "x 1")
    for gift in getattr(r, "spend_gifts", ()):
        if gift.get("out_of_stock"):
            b.text(b.t(N_("Gift for spend {name}: out of stock"), name=gift["name"]))
        else:
            b.pair(b.t(N_("Gift for spend: {name}"), name=gift["name"]), "x 1")
    if r.coupon:
        b.text(
            b.t(N_("Coupon used: {name} ({serial})"), name=r.coupon["name"], serial=r.coupon["id"])
        )
        if "value" in r.coupon:  # its terms (a sale made before they were kept has none)
            b.text(coupon_terms(b, r.coupon))
    b.rule()
    tender_lines(b, r)
    if r.refunded_total:
        b.pair(b.t(N_("Refunded")), money(r.refunded_total))
    member_lines(b, r)
    for c in r.coupons_issued:  # each also printed on a coupon slip of its own, with its code
        b.rule()
        b.text(b.t(N_("New coupon: {name} ({serial})"), name=c["name"], serial=c["id"]), bold=True)
        b.text(coupon_terms(b, c))
        b.text(b.t(N_("Valid from {start} to {end}"), start=c["valid_from"], end=c["valid_until"]))
    b.rule()
    b.center(r.shop.footer)
    return b.slip("sale", r.receipt_no, r.local_time, opens_drawer=r.cash_tendered > 0)


def _discount_label(b: SlipBuilder, kind: str, record: dict | None) -> str:
    """A discount's name on the slip; one given by hand says how much (9折, 减 ￥5.00)."""
    name = b.name(DISCOUNT_NAMES, kind, OTHER_DISCOUNT)
    if record is None or kind not in ("manual", "price", "sale"):
        return name
    if kind == "price":
        return b.t(N_("Price changed to {price}"), price=money(record.get("after", 0)))
    given = ManualDiscount(record.get("kind", ""), record.get("value", 0), bool(record.get("zhe")))
    return f"{name} {describe(given, b.lang)}"


def tender_lines(b: SlipBuilder, r: SaleResult) -> None:
    kinds = [k for k in TENDER_ORDER if k in r.tenders] + sorted(set(r.tenders) - set(TENDER_ORDER))
    for kind in kinds:
        amount = r.tenders[kind]
        if kind == "cash":
            b.pair(b.t(N_("Cash received")), money(r.cash_tendered))
        elif kind == "wallet":
            b.pair(b.t(N_("Paid from stored value")), money(amount))
            b.text(b.t(N_("(principal {principal}, bonus {bonus})"),
                       principal=money(r.wallet_principal_used), bonus=money(r.wallet_bonus_used)),
                   indent=3)  # fmt: skip
        elif kind == "points":
            b.pair(b.t(N_("Paid with points ({points} pts)"), points=r.points_redeemed),
                   money(amount))  # fmt: skip
        else:
            b.pair(b.name(TENDER_NAMES, kind), money(amount))
        reference = getattr(r, "references", {}).get(kind)
        if reference:  # the payment code, masked: the whole one is for matching statements
            b.text(b.t(N_("Payment code {code}"), code=mask_code(reference)), indent=3)
    if "cash" in r.tenders:  # the change last, under every way the sale was paid
        b.pair(b.t(N_("Change")), money(r.change))


def member_lines(b: SlipBuilder, r: SaleResult) -> None:
    m = r.member
    if m is None:
        return
    b.rule()
    b.pair(b.t(N_("Points this time")), f"+{r.points_earned}")
    b.pair(b.t(N_("Member: {name}"), name=m.name), m.phone_masked)
    b.pair(b.t(N_("Card no.")), m.card_no)
    tier = b.t(N_("{tier} (upgraded now)"), tier=m.tier_name) if r.tier_upgraded else m.tier_name
    b.pair(b.t(N_("Member tier")), tier)
    b.pair(b.t(N_("Points balance")), str(m.points))
    b.pair(b.t(N_("Wallet principal")), money(m.wallet_principal))
    b.pair(b.t(N_("Wallet bonus")), money(m.wallet_bonus))
    if m.expiring_points:  # kept with the sale: a reprint says what the first print said
        b.text(b.t(N_("{points} pts expire after {date}"), points=m.expiring_points,
                   date=m.expiring_last_day))  # fmt: skip
    if m.birthday_note:
        b.text(m.birthday_note)

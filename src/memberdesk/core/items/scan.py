"""What the till's one box was given: goods, a member, or a price.

The cashier scans goods and member cards into the same box and types phones, the last
four digits of a phone, names and prices there too. A text is read in this order, and
the first that fits decides (``read_scan``):

1. **an item**: the text is an active item's barcode, else its code (a UPC-A finds its
   EAN-13 and back). A product scan never reaches the member search. Four digits that
   are an item's code and also end members' phones are both: the box offers the item
   and those members together (``either``), the item first, so Enter takes the item and
   ↓ Enter a member; a cashier keying a member's last four never gets the goods
   silently, and one keying the item pays one Enter more. (No scan is four digits: a
   scanner's burst is six characters at least.)
2. **a member's card**: a card number ever issued (a lost or replaced one is refused by
   the member search, with its reason). A 13-digit number that is no item's barcode but
   is a card is the card.
3. **an inactive item**: refused, named, so it is not sold by mistake; four digits that
   also end members' phones are the members' (the item cannot be sold anyway).
4. **a price**: a number with a decimal point or a currency mark (``12.50``, ``¥35``,
   ``35元``, ``1280.``), or a whole number of one to three digits (``35`` is ¥35.00).
   Four digits are the last four of a phone, never a price: ¥1,280 is typed ``1280.`` or
   ``¥1280``. An item whose code reads as a price (``123``) wins in step 1: the owner is
   asked to confirm such a code when saving it (catalogue.py), and ¥123 is then typed
   ``123.`` or ``¥123``.
5. **a member**: a full mobile number, the last four digits of one, a name or pinyin.
   Four digits that end no member's phone are refused with the way to type such a price.
6. **an item by name**: a name or pinyin that no member has finds the catalogue's
   active items (one is added at once; several are offered to choose from).

0. **a coupon**: a code that starts ``CP`` and reads as a coupon's (core/coupons/codes.py)
   is the coupon, before anything else (no barcode or card looks like one); whether it
   may be used on the sale is the sale's to say, when it is priced.

Any other number (five digits or more) that is none of these is refused as an unknown
barcode or card: it is never searched as a name, nor taken as a price.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..coupons.codes import clean, looks_like_code
from ..errors import DomainError
from ..members.card_numbers import CARD_PATTERN
from ..members.lookup import Hit, find_members, new_member_hint
from ..members.phone import normalize_mobile
from ..money import MAX_LINE_FEN, format_fen, parse_yuan, whole
from ..shop.staff import Actor
from ..store.database import Store
from .barcodes import scan_forms
from .catalogue import PRICE_FIELD, ItemView
from .lookup import code_lookup, find_items

# A price as a cashier types it: a mark or a decimal point makes any amount a price.
_MARKED_PRICE = re.compile(r"^(?:[¥￥]\s*)?(\d{1,7}(?:\.\d{0,2})?)\s*(?:元)?$")


_PLAIN_PRICE = re.compile(r"^\d{1,3}$")


# Four digits: the last four of a phone (members.phone_last4), never a price.
_LAST4 = re.compile(r"^[0-9]{4}$")


_CARD_EXISTS = "SELECT 1 FROM cards WHERE card_no = ?"


# Items a name search offers at the till.
NAME_CHOICES = 20


@dataclass(frozen=True)
class ScanAnswer:
    """What the box was given. `kind`: item | items | either | price | member | coupon |
    refused. `either`: four digits that are `item`'s code and end the phones of `members`
    (the best first, as the member search lists them): the cashier says which."""

    kind: str
    item: ItemView | None = None
    items: tuple[ItemView, ...] = ()
    members: tuple[Hit, ...] = ()
    price: int = 0  # fen
    refusal: DomainError | None = None
    coupon: str = ""  # the coupon's code, cleaned


def as_price(text: str) -> int | None:
    """The price a typed text means (fen), or None when it is not written as a price.

    Raises a DomainError for a price that is written as one but cannot be sold at."""
    plain = unicodedata.normalize("NFKC", text).strip()
    marked = plain.startswith(("¥", "￥")) or plain.endswith("元") or "." in plain
    m = _MARKED_PRICE.match(plain)
    if m is None or not (marked or _PLAIN_PRICE.match(plain)):
        return None
    number = m.group(1).rstrip(".") or "0"
    fen = whole(parse_yuan(number), PRICE_FIELD, limit=MAX_LINE_FEN)
    if fen <= 0:
        raise DomainError("scan.price_zero")
    return fen


def price_reading(code: str) -> tuple[int, str] | None:
    """The price the box reads an item code or barcode as when no item holds it (123 is
    ¥123.00, 12.50 is ¥12.50), with how the cashier still rings that price up once an
    item holds it (123. or ¥12.50: the item wins in the box); None for any other code."""
    try:
        fen = as_price(code)
    except DomainError:  # 0, 0.00: refused as a price, so no price is lost to the code
        return None
    if fen is None:
        return None
    return fen, f"¥{code}" if "." in code else f"{code}."


def reads_as_last4(code: str) -> bool:
    """Whether the box reads `code` as the last four digits of a phone too (5678): where
    a member's phone ends in it, the box asks which is meant (see the module)."""
    return _LAST4.match(code) is not None


def _as_phone(text: str) -> str | None:
    try:
        return normalize_mobile(text)
    except DomainError:
        return None


def read_scan(store: Store, text: str, *, actor: Actor | None = None) -> ScanAnswer:
    """Read what was scanned or typed into the till's box (see the module). `actor`: who
    asks, for the members' phones as they may see them."""
    q = unicodedata.normalize("NFKC", text).strip()
    if not q:
        return ScanAnswer("member")
    if looks_like_code(q):
        return ScanAnswer("coupon", coupon=clean(q))
    forms = scan_forms(q)
    with store.lookup_read() as con:
        item = code_lookup(con, forms) if forms else None
        if item is not None and item.active and not reads_as_last4(q):
            return ScanAnswer("item", item=item)
        if CARD_PATTERN.match(q) and con.execute(_CARD_EXISTS, (q.upper(),)).fetchone():
            return ScanAnswer("member")
    if item is not None and reads_as_last4(q):
        members = tuple(find_members(store, q, actor=actor).hits)
        if members and item.active:
            return ScanAnswer("either", item=item, members=members)
        if members:
            return ScanAnswer("member")
        if item.active:
            return ScanAnswer("item", item=item)
    if item is not None:
        return ScanAnswer("refused", refusal=DomainError("item.inactive", name=item.name,
                                                          code=item.code))  # fmt: skip
    try:
        price = as_price(q)
    except DomainError as e:
        return ScanAnswer("refused", refusal=e)
    if price is not None:
        return ScanAnswer("price", price=price)
    if _as_phone(q) is not None:
        return ScanAnswer("member")
    digits = q.replace(" ", "")
    if digits.isdigit() and len(digits) == 4:
        if find_members(store, digits, limit=1).hits:
            return ScanAnswer("member")
        example = format_fen(int(digits) * 100)
        return ScanAnswer("refused", refusal=DomainError("scan.no_last4", digits=digits,
                                                          price=example))  # fmt: skip
    if digits.isdigit():
        return ScanAnswer("refused", refusal=DomainError("scan.unknown", code=q))
    if find_members(store, q, limit=1).hits:
        return ScanAnswer("member")
    found = find_items(store, q, active=True, limit=NAME_CHOICES).items
    if len(found) == 1:
        return ScanAnswer("item", item=found[0])
    if found:
        return ScanAnswer("items", items=tuple(found))
    if new_member_hint(q)[0]:  # a name nobody has: the customer, maybe, to sign up
        return ScanAnswer("refused", refusal=DomainError("scan.nothing_name", query=q))
    return ScanAnswer("refused", refusal=DomainError("scan.nothing", query=q))

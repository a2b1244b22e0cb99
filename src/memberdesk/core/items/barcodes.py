"""Barcodes and item codes: what a scanner sends for goods, cleaned and checked.

A retail barcode is a GTIN: EAN-13 (13 digits, the Chinese 69… codes), EAN-8, UPC-A
(12) or GTIN-14 (the case), each ending in a GS1 check digit; UPC-E (8 digits, a
compressed UPC-A) carries the check digit of its UPC-A. A digit string of one of these
lengths must pass its check digit, so a mistyped or misread code is refused rather
than saved. A UPC-A is kept as the EAN-13 it also is (a leading 0): scanners send
either, depending on how they are set up, and both find the item. Anything else is a
shop's own code (letters, digits, ``-``, ``_``, ``.``; up to 40), taken as written, upper-cased.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import DomainError

MAX_CODE = 40


SHOP_CODE = re.compile(r"^[0-9A-Z][0-9A-Z._-]{0,39}$")


GTIN_LENGTHS = (8, 12, 13, 14)


def gs1_check_digit(body: str) -> str:
    """The GS1 mod-10 check digit of `body` (every GTIN length: weights 3, 1 from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def gtin_ok(code: str) -> bool:
    return code.isdigit() and gs1_check_digit(code[:-1]) == code[-1]


def upc_e_to_a(code: str) -> str | None:
    """The UPC-A a UPC-E (8 digits: number system 0 or 1, six digits, check) stands for."""
    if len(code) != 8 or not code.isdigit() or code[0] not in "01":
        return None
    system, d, check = code[0], code[1:7], code[7]
    last = d[5]
    if last in "012":
        body = f"{d[0]}{d[1]}{last}0000{d[2]}{d[3]}{d[4]}"
    elif last == "3":
        body = f"{d[0]}{d[1]}{d[2]}00000{d[3]}{d[4]}"
    elif last == "4":
        body = f"{d[0]}{d[1]}{d[2]}{d[3]}00000{d[4]}"
    else:
        body = f"{d[0]}{d[1]}{d[2]}{d[3]}{d[4]}0000{last}"
    return f"{system}{body}{check}"


def _cleaned(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().upper()


def normalize_barcode(text: str) -> str:
    """A barcode as it is kept: checked, a UPC-A as its EAN-13. Raises a DomainError."""
    code = _cleaned(text)
    if not SHOP_CODE.match(code):
        raise DomainError("item.barcode_invalid", barcode=text)
    if code.isdigit() and len(code) in GTIN_LENGTHS:
        upc_a = upc_e_to_a(code) if len(code) == 8 else None
        if not gtin_ok(code) and not (upc_a and gtin_ok(upc_a)):
            raise DomainError("item.barcode_check_digit", barcode=code)
        if len(code) == 12:
            return "0" + code
    return code


def normalize_code(text: str) -> str:
    """An item code (编码) as it is kept: the shop's own, upper-cased; no check digit asked."""
    code = _cleaned(text)
    if not SHOP_CODE.match(code):
        raise DomainError("item.code_invalid", code=text)
    return code


def scan_forms(text: str) -> tuple[str, ...]:
    """What a scanned or typed text may be stored as, most likely first (no refusal: a
    text that is no code at all has no forms)."""
    code = _cleaned(text)
    if not SHOP_CODE.match(code):
        return ()
    forms = [code]
    if code.isdigit() and len(code) == 12:
        forms.insert(0, "0" + code)
    elif code.isdigit() and len(code) == 13 and code.startswith("0"):
        forms.append(code[1:])
    return tuple(forms)


def split_barcodes(text: str) -> list[str]:
    """A cell or a field holding several barcodes: separated by commas, semicolons,
    slashes, 、 or white space (full-width ones too)."""
    return [p for p in re.split(r"[,;/、\s]+", unicodedata.normalize("NFKC", str(text))) if p]

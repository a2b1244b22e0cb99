"""A coupon's code: its terms, signed with the chain's key, so any till verifies it offline.

The code is ``CP`` and the base32 of a short record — format version, key id, the
serial (the issuing till's card prefix and its own sequence: unique in the chain by
construction), the coupon type's code, kind, value, minimum spend, validity and a tag
of the member it was issued to — followed by the first 8 bytes of its HMAC-SHA256
under the chain's key. Guessing a code means guessing a 64-bit MAC; changing any
term breaks it. Scanned as a QR code or typed (spaces and dashes are ignored).

A percent coupon's code (format version 2) also states the most it takes off (最高优惠),
as printed on it when it was issued: a cap changed in the program later does not change
what an outstanding coupon gives. Codes of format 1 (other kinds, and percent coupons
issued before caps were carried) state none; theirs is the program's (``max_off`` None).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
from dataclasses import dataclass
from datetime import date, timedelta

from ..errors import DomainError

PREFIX = "CP"
VERSION = 1
CAPPED = 2  # a percent coupon's format: the head, then its cap (24 bits), then the type code
MAC_BYTES = 8
EPOCH = date(2020, 1, 1)  # dates ride as days since this one
KINDS = ("amount", "percent", "threshold", "gift")
# version, key id, card prefix (24 bits), sequence, kind, value (24 bits), min spend
# (24 bits), valid from, valid until (days), member tag, type code length.
_HEAD = struct.Struct(">BBHBIB3s3sHHHB")
_CAP = struct.Struct(">3s")
MAX_24 = 2**24 - 1


@dataclass(frozen=True)
class CouponTerms:
    """What a code says about its coupon."""

    key_id: int
    prefix: int
    seq: int
    type_code: str
    kind: str
    value: int
    min_spend: int
    valid_from: date
    valid_until: date
    member_tag: int  # 0: anyone may use it
    # The most a percent coupon takes off, as issued (0: no cap); None: a code that states
    # none (format 1), whose cap is its type's in the program in force.
    max_off: int | None = None

    @property
    def serial(self) -> str:
        return serial_of(self.prefix, self.seq)


def serial_of(prefix: int, seq: int) -> str:
    return f"{prefix}-{seq:07d}"


def member_tag(member_id: str | None) -> int:
    """A 16-bit tag of a member id (never 0, which means "anyone")."""
    if not member_id:
        return 0
    return int.from_bytes(hashlib.sha256(member_id.encode()).digest()[:2], "big") or 1


def _days(d: date) -> int:
    return (d - EPOCH).days


def encode(terms: CouponTerms, secret: bytes) -> str:
    typ = terms.type_code.encode("ascii")
    capped = terms.kind == "percent" and terms.max_off is not None
    body = _HEAD.pack(
        CAPPED if capped else VERSION, terms.key_id, terms.prefix >> 8, terms.prefix & 0xFF, terms.seq,
        KINDS.index(terms.kind), terms.value.to_bytes(3, "big"),
        terms.min_spend.to_bytes(3, "big"), _days(terms.valid_from),
        _days(terms.valid_until), terms.member_tag, len(typ),
    ) + (_CAP.pack(terms.max_off.to_bytes(3, "big")) if capped else b"") + typ  # fmt: skip
    mac = hmac.new(secret, body, hashlib.sha256).digest()[:MAC_BYTES]
    return PREFIX + base64.b32encode(body + mac).decode("ascii").rstrip("=")


def clean(text: str) -> str:
    """A scanned or typed code without spaces or dashes, in capitals."""
    return "".join(ch for ch in str(text).upper() if ch not in " -\t")


def looks_like_code(text: str) -> bool:
    t = clean(text)
    return t.startswith(PREFIX) and len(t) > 40 and t[2:].isalnum()


def read_terms(text: str) -> tuple[CouponTerms, bytes, bytes]:
    """The terms a code states, its signed body and its MAC — not yet verified."""
    t = clean(text)
    if not looks_like_code(t):
        raise DomainError("coupon.invalid")
    raw = t[len(PREFIX) :]
    try:
        data = base64.b32decode(raw + "=" * (-len(raw) % 8))
    except ValueError:
        raise DomainError("coupon.invalid") from None
    if len(data) < _HEAD.size + MAC_BYTES + 1:
        raise DomainError("coupon.invalid")
    body, mac = data[:-MAC_BYTES], data[-MAC_BYTES:]
    (version, key_id, p_hi, p_lo, seq, kind, value, min_spend, start, end, tag,
     n) = _HEAD.unpack_from(body)  # fmt: skip
    max_off, at = None, _HEAD.size
    if version == CAPPED and len(body) >= at + _CAP.size:
        max_off, at = int.from_bytes(_CAP.unpack_from(body, at)[0], "big"), at + _CAP.size
    elif version != VERSION:
        raise DomainError("coupon.invalid")
    typ = body[at:]
    if kind >= len(KINDS) or len(typ) != n or (max_off is not None and KINDS[kind] != "percent"):
        raise DomainError("coupon.invalid")
    try:
        type_code = typ.decode("ascii")
    except UnicodeDecodeError:
        raise DomainError("coupon.invalid") from None
    terms = CouponTerms(
        key_id=key_id, prefix=(p_hi << 8) | p_lo, seq=seq, type_code=type_code,
        kind=KINDS[kind], value=int.from_bytes(value, "big"),
        min_spend=int.from_bytes(min_spend, "big"), valid_from=EPOCH + timedelta(days=start),
        valid_until=EPOCH + timedelta(days=end), member_tag=tag, max_off=max_off,
    )  # fmt: skip
    return terms, body, mac


def stated_cap(code: str, kind: str, program_cap: int) -> int:
    """The most a coupon with `code` takes off: what its code states, else (a code that
    states none) `program_cap`, its type's in the program in force."""
    if kind != "percent":
        return 0
    try:
        stated = read_terms(code)[0].max_off
    except DomainError:
        stated = None
    return program_cap if stated is None else stated


def verify(text: str, keys: dict[int, bytes]) -> CouponTerms:
    """The terms of a genuine code; a damaged, forged or foreign one is refused alike."""
    terms, body, mac = read_terms(text)
    secret = keys.get(terms.key_id)
    if secret is None:
        raise DomainError("coupon.unknown_key")
    expected = hmac.new(secret, body, hashlib.sha256).digest()[:MAC_BYTES]
    if not hmac.compare_digest(mac, expected):
        raise DomainError("coupon.invalid")
    return terms

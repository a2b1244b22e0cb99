"""A coupon's code: its terms, signed with the chain's key, so any till verifies it offline.

The code is ``CP`` and the base32 of a short record — format version, key id, the
serial (the issuing till's card prefix and its own sequence: unique in the chain by
construction), the coupon type's code, kind, value, minimum spend, validity and a tag
of the member it was issued to — followed by the first 8 bytes of its HMAC-SHA256
under the chain's key. Guessing a code means guessing a 64-bit MAC; changing any
term breaks it. Scanned as a QR code or typed (spaces and dashes are ignored).
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
MAC_BYTES = 8
EPOCH = date(2020, 1, 1)  # dates ride as days since this one
KINDS = ("amount", "percent", "threshold", "gift")
# version, key id, card prefix (24 bits), sequence, kind, value (24 bits), min spend
# (24 bits), valid from, valid until (days), member tag, type code length.
_HEAD = struct.Struct(">BBHBIB3s3sHHHB")
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
    body = _HEAD.pack(
        VERSION, terms.key_id, terms.prefix >> 8, terms.prefix & 0xFF, terms.seq,
        KINDS.index(terms.kind), terms.value.to_bytes(3, "big"),
        terms.min_spend.to_bytes(3, "big"), _days(terms.valid_from),
        _days(terms.valid_until), terms.member_tag, len(typ),
    ) + typ  # fmt: skip
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
    typ = body[_HEAD.size :]
    if version != VERSION or kind >= len(KINDS) or len(typ) != n:
        raise DomainError("coupon.invalid")
    try:
        type_code = typ.decode("ascii")
    except UnicodeDecodeError:
        raise DomainError("coupon.invalid") from None
    terms = CouponTerms(
        key_id=key_id, prefix=(p_hi << 8) | p_lo, seq=seq, type_code=type_code,
        kind=KINDS[kind], value=int.from_bytes(value, "big"),
        min_spend=int.from_bytes(min_spend, "big"), valid_from=EPOCH + timedelta(days=start),
        valid_until=EPOCH + timedelta(days=end), member_tag=tag,
    )  # fmt: skip
    return terms, body, mac


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

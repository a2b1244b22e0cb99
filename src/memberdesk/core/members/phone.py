"""Mainland China mobile numbers: validation, normalising and masking (via phonenumbers)."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

import phonenumbers
from phonenumbers import PhoneNumberType

from ..errors import DomainError

if TYPE_CHECKING:
    from ..shop.staff import Actor

_DIGITS = re.compile(r"\+?[0-9]+")


def normalize_mobile(text: str) -> str:
    """Return the 11-digit national number, or raise ``phone.invalid``.

    Accepts spaces, dashes, brackets and a +86 / 0086 prefix, which is how people write them.
    """
    # NFKC turns full-width digits typed with a Chinese IME into ASCII ones.
    raw = "".join(ch for ch in unicodedata.normalize("NFKC", str(text)).strip() if ch not in " -()")
    if raw.startswith("0086"):
        raw = "+86" + raw[4:]
    # phonenumbers reads letters as keypad digits (138abcd5678 → 13822235678): refuse them.
    if not _DIGITS.fullmatch(raw):
        raise DomainError("phone.invalid", phone=text)
    try:
        parsed = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException as exc:
        raise DomainError("phone.invalid", phone=text) from exc
    national = str(parsed.national_number)
    if (
        parsed.country_code != 86
        or len(national) != 11
        or not phonenumbers.is_valid_number(parsed)
        or phonenumbers.number_type(parsed)
        not in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
    ):
        raise DomainError("phone.invalid", phone=text)
    return national


def mask_phone(phone: str | None) -> str:
    """13812345678 → 138****5678 (the form shown to roles that may not see numbers)."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def sees_full_phones(viewer: Actor | None) -> bool:
    """Whether `viewer` sees members' whole numbers on screen: managers and owners do
    (the act view_full_phone), the other roles and nobody logged in see them masked."""
    return viewer is not None and viewer.privileged


def phone_seen_by(viewer: Actor | None, phone: str | None) -> str:
    """A member's phone as `viewer` may see it: whole, or masked (138****5678); "" for none.
    Every list and panel that shows a member's phone shows it this way."""
    return (phone or "") if sees_full_phones(viewer) else mask_phone(phone)

"""Card numbers: generated ones carry a Luhn check digit; pre-printed ones are taken as scanned."""

from __future__ import annotations

import re

from ..errors import DomainError

CARD_PATTERN = re.compile(r"^[0-9A-Za-z]{6,20}$")


SEQUENCE_WIDTH = 7


def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(number: str) -> bool:
    return number.isdigit() and luhn_digit(number[:-1]) == number[-1]


def generated_number(prefix: str, sequence: int) -> str:
    body = f"{prefix}{sequence:0{SEQUENCE_WIDTH}d}"
    return body + luhn_digit(body)


def looks_generated(number: str, prefix: str) -> bool:
    return (
        number.isdigit()
        and number.startswith(prefix)
        and len(number) == len(prefix) + SEQUENCE_WIDTH + 1
    )


def normalize_card(text: str, prefix: str) -> str:
    """Clean a typed or scanned number; refuse malformed ones and typos in our own numbers."""
    number = str(text).strip().upper()
    if not CARD_PATTERN.match(number):
        raise DomainError("card.invalid", card=text)
    if looks_generated(number, prefix) and not luhn_ok(number):
        raise DomainError("card.check_digit", card=number)
    return number

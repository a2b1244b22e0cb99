"""Discounts as Chinese shops say them: 折 (tenths of the price paid).

九五折 (95折, or 9.5折) is 5 % off, 9折 is 10 % off, 85折 is 15 % off, 7折 is 30 % off.
The program keeps percent off (`discount_percent`); people see and type 折.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation

from ..errors import DomainError

NONE_WORDS = ("", "不打折", "无", "無", "none", "-", "—")


def zhe_text(percent_off: int) -> str:
    """5 → '95', 10 → '9', 15 → '85', 95 → '0.5'; no discount → ''."""
    pay = 100 - percent_off
    if percent_off <= 0:
        return ""
    if pay % 10 == 0:
        return str(pay // 10)
    return str(pay) if pay > 10 else f"0.{pay}" if pay < 10 else "1"


def percent_off(text: str) -> int:
    """What a person typed (95, 95折, 9.5, 9折, 8.8折, 95 zhe; blank or 不打折: none) as
    percent off.

    A single digit is tenths (9 → 9折), two digits are hundredths (95 → 95折), a decimal
    is tenths (9.5 → 95折); 10 (十折) is the full price. Anything else is refused."""
    raw = unicodedata.normalize("NFKC", str(text)).strip().lower()
    if raw in NONE_WORDS:
        return 0
    raw = raw.removesuffix("折").removesuffix("zhe").strip()
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise DomainError("discount.zhe_invalid", text=text) from exc
    if not value.is_finite() or value <= 0:
        raise DomainError("discount.zhe_invalid", text=text)
    if value == value.to_integral_value() and "." not in raw:
        n = int(value)
        if 1 <= n <= 9:
            pay = n * 10
        elif n == 10 or n == 100:
            pay = 100
        elif 11 <= n <= 99:
            pay = n
        else:
            raise DomainError("discount.zhe_invalid", text=text)
    else:
        tenths = value * 10
        if value >= 10 or tenths != tenths.to_integral_value():
            raise DomainError("discount.zhe_invalid", text=text)
        pay = int(tenths)
    return 100 - pay

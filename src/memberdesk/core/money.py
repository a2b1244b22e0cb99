"""Money is integer fen (分). This module is the one place that parses and formats it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_decimal

from .errors import DomainError


def parse_yuan(text: str | int | Decimal, *, allow_negative: bool = False) -> int:
    """'12.34' / '¥12.34' / '12' → 1234 fen. Refuses more than two decimals and negatives."""
    raw = str(text).strip().replace("￥", "").replace("¥", "").replace(",", "").replace("元", "")
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise DomainError("amount.invalid", value=text) from exc
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise DomainError("amount.invalid", value=text)
    if value < 0 and not allow_negative:
        raise DomainError("amount.negative")
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fen_to_decimal(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def format_fen(fen: int, *, symbol: str = "¥", locale: str = "zh_CN") -> str:
    """1234 → '¥12.34'; -50 → '-¥0.50'. Receipts pass symbol='￥' (full-width, see printing)."""
    sign = "-" if fen < 0 else ""
    number = format_decimal(fen_to_decimal(abs(fen)), format="#,##0.00", locale=locale)
    return f"{sign}{symbol}{number}"


def plain_yuan(fen: int) -> str:
    """1234 → '12.34' without grouping, for files other programs read (CSV, XLSX)."""
    return str(fen_to_decimal(fen))

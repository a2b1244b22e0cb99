"""Money is integer fen (分). This module is the one place that parses and formats it."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

from .errors import DomainError
from .i18n import Message

# Upper bounds at the boundary of core: typo guards, and far below where a sum of many
# amounts could overflow SQLite's 64-bit integers (2^63 fen).
MAX_FEN = 10**15  # ¥10 trillion: any one amount, a tender or a total
MAX_LINE_FEN = 100_000_000  # ¥1,000,000: one line of a sale (unit price × quantity)
MAX_TOPUP_FEN = 10_000_000  # ¥100,000: one top-up
MAX_POINTS = 1_000_000_000  # one points adjustment, redemption or opening balance


def whole(value: object, what: str | Message, *, limit: int, fen: bool = True) -> int:
    """`value` as an int, else a refusal naming `what`: never a float, a bool, a Decimal
    or a string (money is integer fen), never above `limit` either way. The sign is the
    caller's to judge."""
    name = what if isinstance(what, Message) else Message(what)
    if isinstance(value, bool) or not isinstance(value, int):
        shown = (
            str(value) if isinstance(value, int | float | Decimal | str) else type(value).__name__
        )
        raise DomainError("amount.not_fen" if fen else "number.not_whole", what=name, value=shown)
    if abs(value) > limit:
        if fen:
            raise DomainError("amount.too_large", what=name, amount=format_fen(value),
                              limit=format_fen(limit))  # fmt: skip
        raise DomainError("number.too_large", what=name, value=value, limit=limit)
    return value


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


AMOUNT_FORMAT = "#,##0.00"
# Amounts the quick formatter is compared with babel on before it is trusted.
_PROBES = (0, 1, 9, 10, 99, 100, 105, 99_999, 100_000, 123_456_789, 12_345_678_901_234)


@lru_cache(maxsize=32)
def _amount_formatter(locale: str) -> Callable[[int], str]:
    """The formatter of a non-negative fen amount in `locale`, built once per locale.

    Parsing a babel locale costs about 0.3 ms; lists print thousands of amounts. The
    pattern is fixed (groups of three, two decimals), so the locale only supplies its
    two symbols; the result is checked against babel and babel is used when they differ.
    """
    loc = Locale.parse(locale)

    def by_babel(fen: int) -> str:
        return format_decimal(fen_to_decimal(fen), format=AMOUNT_FORMAT, locale=loc)

    decimal_symbol, group_symbol = get_decimal_symbol(loc), get_group_symbol(loc)

    def quick(fen: int) -> str:
        whole = f"{fen // 100:,}".replace(",", group_symbol)
        return f"{whole}{decimal_symbol}{fen % 100:02d}"

    return quick if all(quick(f) == by_babel(f) for f in _PROBES) else by_babel


def format_fen(fen: int, *, symbol: str = "¥", locale: str = "zh_CN") -> str:
    """1234 → '¥12.34'; -50 → '-¥0.50'. Receipts pass symbol='￥' (full-width, see printing)."""
    sign = "-" if fen < 0 else ""
    if not isinstance(fen, int):  # not an amount in fen: babel's own rounding, as always
        number = format_decimal(fen_to_decimal(abs(fen)), format=AMOUNT_FORMAT, locale=locale)
        return f"{sign}{symbol}{number}"
    return f"{sign}{symbol}{_amount_formatter(locale)(abs(fen))}"


def plain_yuan(fen: int) -> str:
    """1234 → '12.34' without grouping, for files other programs read (CSV, XLSX)."""
    return str(fen_to_decimal(fen))

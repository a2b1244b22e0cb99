"""Receipt layout primitives: measuring, cleaning and wrapping text in printer columns."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from memberdesk.core.money import format_fen
from memberdesk.core.printing.layout import (
    REPLACEMENT,
    Paper,
    SlipBuilder,
    clean,
    glyph_bytes,
    money,
    width,
    wrap,
)


def test_a_hanzi_is_two_columns_ascii_one() -> None:
    assert width("会员") == 4
    assert width("VIP会员") == 7
    assert width(clean("￥12.00")) == 7
    assert width(clean("·")) == 2  # GB-encoded punctuation prints full width


def test_unprintable_characters_become_a_visible_box() -> None:
    assert clean("张😀") == "张" + REPLACEMENT
    assert clean("𠮷野家") == REPLACEMENT + "野家"  # outside GBK: 4 bytes in GB18030
    assert clean("👨‍👩‍👧") == REPLACEMENT * 3  # the joiners go, each face is one box
    assert clean("☕️") == REPLACEMENT  # the variation selector goes too
    assert glyph_bytes("😀", "GB18030") is None


def test_control_characters_never_reach_the_printer() -> None:
    assert clean("a\x1b@b\x1dV\x00c\nd\te") == "a @b V c d e"


def test_half_width_yen_is_replaced_by_the_full_width_sign() -> None:
    assert clean("¥5") == "￥5"


def test_big5_takes_traditional_forms_where_it_can() -> None:
    assert clean("会员积分余额", "BIG5") == "會員積分餘額"  # by words: 余额 is 餘額
    assert clean("￥", "BIG5") == "￥"  # encoded later as Big5's own yen sign


def test_wrap_keeps_latin_words_and_breaks_chinese_anywhere() -> None:
    assert wrap("Levi's 501 牛仔裤 Straight Fit", 28) == ["Levi's 501 牛仔裤 Straight", "Fit"]
    assert wrap("纯棉印花短袖", 8) == ["纯棉印花", "短袖"]
    assert wrap("A" * 10, 4) == ["AAAA", "AAAA", "AA"]


def test_wrap_never_starts_a_line_with_closing_punctuation() -> None:
    assert wrap("一二三，四五", 6) == ["一二", "三，四", "五"]


printable_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FFFF), max_size=120
)


@settings(max_examples=300, deadline=None)
@given(text=printable_text, columns=st.sampled_from([32, 48]))
def test_no_line_is_ever_wider_than_the_paper(text: str, columns: int) -> None:
    b = SlipBuilder(Paper(columns))
    b.text(text)
    b.pair(text, "￥1,234.56")
    b.hanging("12. ", text)
    b.center(text)
    for line in b.lines:
        assert width(line.text) <= columns
        assert len(line.text.encode("gb18030")) == width(
            line.text
        )  # what is measured is what is sent


@settings(max_examples=200, deadline=None)
@given(text=printable_text)
def test_cleaned_text_always_encodes_in_every_printer_encoding(text: str) -> None:
    for encoding, codec in (("GB18030", "gb18030"), ("GBK", "gbk"), ("BIG5", "big5")):
        cleaned = clean(text, encoding)
        cleaned.replace("￥", "¥" if encoding == "BIG5" else "￥").encode(codec)


def test_amounts_read_as_babel_writes_them_with_grouping_and_two_decimals() -> None:
    assert money(123456) == "￥1,234.56" and money(-50) == "-￥0.50" and money(0) == "￥0.00"
    assert format_fen(100_000_000_00) == "¥100,000,000.00"
    assert format_fen(123456, locale="de_DE") == "¥1.234,56"  # the locale's own symbols
    for fen in [*range(-1000, 1001, 7), 99_999, 100_000, 12_345_678_901, -987_654_321]:
        for loc in ("zh_CN", "zh_TW", "en_US", "de_DE", "fr_FR"):
            number = format_decimal(abs(Decimal(fen)) / 100, format="#,##0.00", locale=loc)
            assert format_fen(fen, locale=loc) == f"{'-' if fen < 0 else ''}¥{number}"


def test_wrap_keeps_an_amount_whole_before_closing_punctuation() -> None:
    """The character carried down with a closing bracket was the amount's last digit."""
    assert wrap("（本金 ￥300.00，赠送 ￥0.00）", 29) == ["（本金 ￥300.00，赠送", "￥0.00）"]
    assert wrap("赠送 ￥12.50", 10) == ["赠送", "￥12.50"]  # the sign stays with its number

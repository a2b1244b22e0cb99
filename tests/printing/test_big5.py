"""Big5 printers (Taiwan, Hong Kong): the receipt comes out in traditional characters.

The app and the shop type simplified Chinese; the bytes sent to a Big5 printer are
read back here exactly as the printer would print them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.printing import big5
from memberdesk.core.printing.escpos_out import encode, preview_text, render
from memberdesk.core.printing.layout import REPLACEMENT, Paper, SlipBuilder, clean, sale_receipt
from memberdesk.core.printing.slips import SlipContext, wallet_slip
from memberdesk.core.shop.details import configure_shop, shop_info
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.receipts import SaleResult
from memberdesk.core.till.wallet import top_up


@dataclass
class Big5Shop:
    sale: SaleResult
    store: Store
    owner: Actor
    member_id: str


@pytest.fixture
def big5_shop(store: Store, owner: Actor, cashier: Actor) -> Big5Shop:
    configure_shop(store, name="晓龙服饰", address="广州市天河区体育西路 191 号",
                   footer="谢谢惠顾，欢迎再来！退换货请保留小票")  # fmt: skip
    member = issue_card(store, owner, MemberForm(name="张晓龙", phone="13912345678"))
    sale = checkout(store, cashier, CheckoutRequest(
        lines=(SaleLineInput("连衣裙", 29900), SaleLineInput("苎麻衬衫 XL 浅蓝色", 15900)),
        member_id=member.id, tenders={"cash": 50000},
    ))  # fmt: skip
    return Big5Shop(sale, store, owner, member.id)


def printed_big5(data: bytes) -> list[str]:
    text = preview_text(data, "BIG5")
    return [ln for ln in text.splitlines() if not ln.startswith("[")]  # codes, cut


def line_with(lines: list[str], needle: str) -> str:
    return next(ln for ln in lines if needle in ln)


@pytest.mark.parametrize("columns", [32, 48])
def test_a_big5_receipt_reads_in_traditional_characters(big5_shop: Big5Shop, columns: int) -> None:
    lines = printed_big5(render(sale_receipt(big5_shop.sale, Paper(columns, "BIG5"))))
    text = "\n".join(lines)
    assert lines[0].strip() == "曉龍服飾"
    assert "會員：張曉龍" in line_with(lines, "會員：")
    assert line_with(lines, "連衣裙").split() == ["1.", "連衣裙"]
    assert "2. 苧麻襯衫 XL 淺藍色" in text
    for label in ("小票號", "收銀員", "商品合計", "應付", "現金實收", "會員等級", "積分餘額",
                  "儲值本金", "謝謝惠顧，歡迎再來！"):  # fmt: skip
        assert label in text
    assert "廣州市天河區體育西路" in text
    # Everything on it is a common character: nothing lost to a box or a question mark.
    assert REPLACEMENT not in text and "?" not in text and "\ufffd" not in text
    for simplified in "张晓龙连会员积余额":
        assert simplified not in text


@pytest.mark.parametrize("columns", [32, 48])
def test_no_big5_line_is_wider_than_the_paper(big5_shop: Big5Shop, columns: int) -> None:
    lines = printed_big5(render(sale_receipt(big5_shop.sale, Paper(columns, "BIG5"))))
    assert len(lines) > 20
    for line in lines:
        assert len(line.encode("big5")) <= columns, line  # a Hanzi: two bytes, two columns


def test_the_printed_big5_text_is_the_laid_out_text(big5_shop: Big5Shop) -> None:
    """Each line is converted once, when it is laid out: what was measured is what prints
    (converting twice would turn 苧 of 苎麻 into 薴)."""
    slip = sale_receipt(big5_shop.sale, Paper(32, "BIG5"))
    laid_out = [ln.text.replace("￥", "¥") for ln in slip.lines]
    assert printed_big5(render(slip, codes="none")) == laid_out


def test_the_same_receipt_stays_simplified_on_a_gb18030_printer(big5_shop: Big5Shop) -> None:
    text = preview_text(render(sale_receipt(big5_shop.sale, Paper(48))), "GB18030")
    assert "会员：张晓龙" in text and "1. 连衣裙" in text
    assert "會" not in text and "張" not in text


def test_other_slips_convert_too(big5_shop: Big5Shop) -> None:
    topup = top_up(big5_shop.store, big5_shop.owner, big5_shop.member_id, 50000, "cash")
    with big5_shop.store.read() as s:
        ctx = SlipContext(shop_info(s), datetime(2026, 3, 10, 10), cashier="收银员")
    text = "\n".join(printed_big5(render(wallet_slip(topup, ctx, Paper(32, "BIG5")))))
    assert "儲值充值單" in text and "會員：張曉龍" in text and "儲值本金餘額" in text
    assert REPLACEMENT not in text and "?" not in text


def test_what_big5_cannot_show_becomes_a_box_in_its_two_columns() -> None:
    assert clean("张晓龙😀", "BIG5") == "張曉龍" + REPLACEMENT
    assert clean("𠮷野家", "BIG5") == REPLACEMENT + "野家"
    assert clean("\ud800张", "BIG5") == REPLACEMENT + "張"  # a lone surrogate: no crash
    b = SlipBuilder(Paper(32, "BIG5"))
    b.pair("会员：张晓龙😀😀😀😀😀😀😀😀😀😀😀", "139****5678")
    for line in b.lines:
        assert len(encode(line.text, "BIG5", convert=False)) <= 32


def test_without_opencc_the_built_in_map_still_converts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(big5, "_opencc_steps", lambda: ())
    assert clean("会员积分", "BIG5") == "會員積分"
    assert clean("张晓龙", "BIG5") == "張" + REPLACEMENT * 2  # 晓, 龙: not in the small map


def test_ascii_and_traditional_text_pass_through() -> None:
    assert big5.to_traditional("Levi's 501 XL") == "Levi's 501 XL"
    assert clean("張曉龍 連衣裙", "BIG5") == "張曉龍 連衣裙"
    assert big5.opencc_available()


printable_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FFFF), max_size=80
)


@settings(max_examples=200, deadline=None)
@given(text=printable_text, columns=st.sampled_from([32, 48]))
def test_big5_lines_never_exceed_the_paper(text: str, columns: int) -> None:
    b = SlipBuilder(Paper(columns, "BIG5"))
    b.text(text)
    b.pair(text, "￥1,234.56")
    b.hanging("12. ", text)
    b.center(text)
    for line in b.lines:
        assert len(encode(line.text, "BIG5", convert=False)) <= columns

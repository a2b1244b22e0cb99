"""Sale receipts, compared as the printer would print them: bytes decoded as GB18030."""

from __future__ import annotations

import re

import pytest

from memberdesk.core.printing.escpos_out import encode, preview_text, render
from memberdesk.core.printing.layout import Paper, sale_receipt, width
from tests.printing.conftest import PrintShop

RECEIPT_80 = """\
                    测试小店
      地址：杭州市西湖区文三路 100 号 1 楼
              电话：0571-8888 6666
------------------------------------------------
小票号：S001-01-260310-0001
时间：2026-03-10 10:00:00
收银员：收银员
------------------------------------------------
1. 超长的商品名称：纯棉印花短袖T恤 XL 白色 加长
   款
   2 x ￥99.00                          ￥198.00
   会员折扣                              -￥9.90
2. Levi's 501 牛仔裤 Straight Fit
   1 x ￥459.00                         ￥459.00
   会员折扣                             -￥22.95
------------------------------------------------
商品合计                                ￥657.00
会员折扣                                -￥32.85
应付                                    ￥624.15
------------------------------------------------
现金实收                                ￥300.00
银行卡                                  ￥100.00
微信                                    ￥100.00
支付宝                                  ￥100.00
储值支付                                 ￥50.00
   （本金 ￥50.00，赠送 ￥0.00）
积分抵扣（500 分）                        ￥5.00
找零                                     ￥30.85
------------------------------------------------
本次积分                                    +619
会员：欧阳娜娜□□                   138****5678
卡号                                  8800000013
会员等级                                    银卡
积分余额                                    1119
储值本金                                ￥450.00
储值赠送                                 ￥50.00
生日当月享9折（生日 04-15）
------------------------------------------------
      谢谢惠顾，欢迎再来！退换货请保留小票
[二维码 S001-01-260310-0001]

[条码 S001-01-260310-0001]
[切纸]
"""

RECEIPT_58 = """\
            测试小店
地址：杭州市西湖区文三路 100 号
              1 楼
      电话：0571-8888 6666
--------------------------------
小票号：S001-01-260310-0001
时间：2026-03-10 10:00:00
收银员：收银员
--------------------------------
1. 超长的商品名称：纯棉印花短袖T
   恤 XL 白色 加长款
   2 x ￥99.00          ￥198.00
   会员折扣              -￥9.90
2. Levi's 501 牛仔裤 Straight
   Fit
   1 x ￥459.00         ￥459.00
   会员折扣             -￥22.95
--------------------------------
商品合计                ￥657.00
会员折扣                -￥32.85
应付                    ￥624.15
--------------------------------
现金实收                ￥300.00
银行卡                  ￥100.00
微信                    ￥100.00
支付宝                  ￥100.00
储值支付                 ￥50.00
   （本金 ￥50.00，赠送 ￥0.00）
积分抵扣（500 分）        ￥5.00
找零                     ￥30.85
--------------------------------
本次积分                    +619
会员：欧阳娜娜□□   138****5678
卡号                  8800000013
会员等级                    银卡
积分余额                    1119
储值本金                ￥450.00
储值赠送                 ￥50.00
生日当月享9折（生日 04-15）
--------------------------------
谢谢惠顾，欢迎再来！退换货请保留
              小票
[二维码 S001-01-260310-0001]

[切纸]
"""


def printed(data: bytes, encoding: str = "GB18030") -> str:
    return preview_text(data, encoding).rstrip("\n") + "\n"


@pytest.mark.parametrize(("columns", "expected"), [(48, RECEIPT_80), (32, RECEIPT_58)])
def test_receipt_bytes_read_back_as_the_expected_text(
    print_shop: PrintShop, columns: int, expected: str
) -> None:
    slip = sale_receipt(print_shop.sale, Paper(columns))
    assert printed(render(slip)) == expected


@pytest.mark.parametrize("columns", [32, 48])
def test_no_printed_line_is_wider_than_the_paper(print_shop: PrintShop, columns: int) -> None:
    data = render(sale_receipt(print_shop.sale, Paper(columns)))
    for line in printed(data).splitlines():
        if not line.startswith("["):
            # decoded back from bytes: every non-ASCII character took two bytes, two columns
            assert len(line.encode("gb18030")) <= columns, line
            assert width(line) <= columns


def test_every_tender_kind_is_on_the_receipt(print_shop: PrintShop) -> None:
    assert set(print_shop.sale.tenders) == {"cash", "card", "wechat", "alipay", "wallet", "points"}
    text = printed(render(sale_receipt(print_shop.sale, Paper(48))))
    for label in ("现金实收", "找零", "银行卡", "微信", "支付宝", "储值支付", "积分抵扣（500 分）"):
        assert label in text


def test_full_width_yuan_sign_is_sent_never_the_half_width_one(print_shop: PrintShop) -> None:
    data = render(sale_receipt(print_shop.sale, Paper(48)))
    assert "￥".encode("gb18030") == b"\xa3\xa4" and b"\xa3\xa4" in data
    assert "¥".encode("gb18030") not in data
    assert encode("¥12.00") == encode("￥12.00")  # a half-width sign typed by someone is fixed


def test_gbk_and_big5_printers_get_their_own_encoding(print_shop: PrintShop) -> None:
    gbk = render(sale_receipt(print_shop.sale, Paper(48, "GBK")))
    assert printed(gbk, "GBK") == RECEIPT_80
    big5 = printed(render(sale_receipt(print_shop.sale, Paper(48, "BIG5"))), "BIG5")
    assert "會員等級" in big5 and "積分餘額" in big5  # labels take their traditional forms
    assert "小票號：S001-01-260310-0001" in big5
    assert "¥624.15" in big5  # Big5's full-width yen (A2 44) reads back as U+00A5


def test_a_reprint_says_so_at_the_top(print_shop: PrintShop) -> None:
    from datetime import datetime

    slip = sale_receipt(
        print_shop.sale, Paper(32), reprint=2, reprinted_at=datetime(2026, 3, 11, 9, 5)
    )
    lines = printed(render(slip)).splitlines()
    assert lines[0].strip() == "** 重印（第 2 次）**"
    assert lines[1].strip() == "重印时间 2026-03-11 09:05:00"
    assert lines[2].strip() == "测试小店"


def test_printer_commands_in_a_product_name_are_not_sent(print_shop: PrintShop) -> None:
    from dataclasses import replace

    evil = replace(print_shop.sale.lines[0], description="坏\x1bp\x00\x19名字\x1dV\x00")
    sale = replace(print_shop.sale, lines=(evil,))
    data = render(sale_receipt(sale, Paper(48)), drawer_pin=None)
    assert b"\x1bp" not in data  # no drawer kick smuggled in
    assert "1. 坏 p  名字 V\n" in printed(data)


def test_a_birthday_gift_handed_over_is_on_the_receipt(print_shop: PrintShop) -> None:
    from dataclasses import replace

    sale = replace(print_shop.sale, birthday_gift="生日蛋糕券")
    text = printed(render(sale_receipt(sale, Paper(32))))
    assert "生日礼品：生日蛋糕券         x 1" in text


def test_an_amount_is_never_cut_in_two_on_narrow_paper(print_shop: PrintShop) -> None:
    """¥300.00 paid from stored value on 58 mm paper: the line under it printed
    "（本金 ￥300.00，赠送 ￥0.0" and then "0）" on the next line."""
    from dataclasses import replace

    sale = replace(print_shop.sale, tenders={**print_shop.sale.tenders, "wallet": 30000},
                   wallet_principal_used=30000, wallet_bonus_used=0)  # fmt: skip
    lines = printed(render(sale_receipt(sale, Paper(32)))).splitlines()
    at = next(i for i, line in enumerate(lines) if "本金" in line)
    assert [line.strip() for line in lines[at : at + 2]] == ["（本金 ￥300.00，赠送", "￥0.00）"]
    for line in lines:
        # every amount whole on its line: the sign, the yuan and both decimals
        assert re.fullmatch(r"(.*￥[\d,]+\.\d\d)*[^￥]*", line), line

"""The receipt of a sale with discounts given by hand and a WeChat payment code, read back from
the printer's bytes: every line that spans the paper is exactly its width (a Hanzi two
columns, measured by the bytes the printer gets and by the characters' own East Asian
width alike), the discounts say how much and who approved them, the code is masked."""

from __future__ import annotations

import re
import unicodedata

import pytest

from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.printing.escpos_out import preview_text, render
from memberdesk.core.printing.layout import Paper, sale_receipt
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.discounts import approve_discount, try_discount
from memberdesk.core.till.manual import ManualDiscount

WECHAT_CODE = "134567890123456789"
ENDS_WITH_AMOUNT = re.compile(r"(-?￥[\d,]+\.\d\d|\+\d+|\d+)$")


def columns_by_bytes(line: str) -> int:
    return len(line.encode("gb18030"))


def columns_by_character(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


@pytest.fixture
def sale(store, owner, manager, cashier):
    member = issue_card(store, owner, MemberForm(name="林小雨", phone="13912345678", tier="silver"))
    lines = (
        SaleLineInput(
            "纯棉印花短袖T恤 白色", 9900, 2, manual=ManualDiscount("percent", 10, zhe=True)
        ),
        SaleLineInput("牛仔裤", 25900, manual=ManualDiscount("price", 23900)),
        SaleLineInput("羊毛围巾（限量款）加长加厚", 15900),
        SaleLineInput("袜子", 1500, 3),
    )
    base = CheckoutRequest(lines=lines, member_id=member.id)
    check = try_discount(store, cashier, base, None, ManualDiscount("percent", 20, zhe=True))
    who = approve_discount(store, "店长", "6666", check.applied)
    req = CheckoutRequest(
        lines=lines, member_id=member.id,
        sale_discount=ManualDiscount("percent", 20, zhe=True).approved(who),
        tenders={"wechat": 10000, "cash": 50000}, references={"wechat": WECHAT_CODE},
    )  # fmt: skip
    return checkout(store, cashier, req)


@pytest.mark.parametrize("columns", [32, 48])
def test_every_line_that_spans_the_paper_is_exactly_its_width(sale, columns: int) -> None:
    text = preview_text(render(sale_receipt(sale, Paper(columns)), codes="none"))
    spanning = 0
    for line in text.splitlines():
        if line.startswith("["):
            continue
        assert columns_by_bytes(line) == columns_by_character(line), line
        assert columns_by_bytes(line) <= columns, line
        if set(line) == {"-"} or (ENDS_WITH_AMOUNT.search(line) and "  " in line.strip()):
            spanning += 1
            assert columns_by_bytes(line) == columns, f"{columns_by_bytes(line)}: {line!r}"
    assert spanning >= 20


def test_the_receipt_says_the_discounts_who_approved_them_and_masks_the_code(sale) -> None:
    text = preview_text(render(sale_receipt(sale, Paper(48)), codes="none"))
    squeezed = [" ".join(line.split()) for line in text.splitlines()]
    assert "2 x ￥99.00 ￥198.00" in squeezed
    assert "单品折扣 9折 -￥19.80" in squeezed
    assert "改价为 ￥239.00 -￥20.00" in squeezed
    assert "整单折扣 8折 -￥40.80" in squeezed  # 20 % of ¥159.00 + ¥45.00
    assert "单品折扣 -￥19.80" in squeezed and "改价 -￥20.00" in squeezed  # the totals by kind
    assert "折扣批准人：店长" in squeezed
    assert "微信 ￥100.00" in squeezed and "付款码 1345****6789" in squeezed
    assert WECHAT_CODE not in text
    assert "会员折扣" not in text  # the manual discounts replaced the tier's 5 % on every line

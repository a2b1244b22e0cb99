"""Money is integer fen at core's boundary: a float, a bool, a Decimal or a string handed
to checkout, a refund, a top-up, a cash-out or a points adjustment is refused with a
sentence naming the field and the value, and so is an amount past its limit (a top-up
above ¥100,000, a line above ¥1,000,000, anything that would overflow SQLite's 64-bit
integers) — each leaving the database exactly as it was."""

from __future__ import annotations

from decimal import Decimal

import pytest

from memberdesk.core.loyalty.points import adjust_points
from memberdesk.core.loyalty.program import preset, revise
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.till.checkout import CheckoutRequest, checkout
from memberdesk.core.till.refunds import refund
from memberdesk.core.till.shifts import open_shift
from memberdesk.core.till.wallet import cash_out, top_up

from .loyalty_helpers import YUAN, line, new_member, refused, sell, use_program


@pytest.mark.parametrize(
    ("req", "zh", "en"),
    [
        (dict(lines=(line(12.5),), tenders={"cash": 100}), "第 1 行的单价必须是整数（分），不能是 12.5",
         "line 1: the unit price must be a whole number of fen (cents), not 12.5"),
        (dict(lines=(line(Decimal("10.00")),), tenders={"cash": 1000}),
         "第 1 行的单价必须是整数（分），不能是 10.00",
         "line 1: the unit price must be a whole number of fen (cents), not 10.00"),
        (dict(lines=(line(1000, True),), tenders={"cash": 1000}), "第 1 行的数量必须是整数，不能是 True",
         "line 1: the quantity must be a whole number, not True"),
        (dict(lines=(line(1000, 2.0),), tenders={"cash": 2000}), "第 1 行的数量必须是整数，不能是 2.0",
         "line 1: the quantity must be a whole number, not 2.0"),
        (dict(lines=(line(1000),), tenders={"cash": 10.0}), "现金必须是整数（分），不能是 10.0",
         "Cash must be a whole number of fen (cents), not 10.0"),
        (dict(lines=(line(1000),), tenders={"wechat": "1000"}), "微信必须是整数（分），不能是 1000",
         "WeChat Pay must be a whole number of fen (cents), not 1000"),
        (dict(lines=(line(1000),), wallet=0.5, tenders={"cash": 1000}),
         "储值支付必须是整数（分），不能是 0.5",
         "the stored-value payment must be a whole number of fen (cents), not 0.5"),
        (dict(lines=(line(1000),), redeem_points=1.5, tenders={"cash": 1000}),
         "使用的积分必须是整数，不能是 1.5", "the points redeemed must be a whole number, not 1.5"),
        (dict(lines=(line(100_000_001),), tenders={"cash": 100_000_001}),
         "第 1 行的单价 ¥1,000,000.01 超过上限 ¥1,000,000.00",
         "line 1: the unit price ¥1,000,000.01 is more than the limit of ¥1,000,000.00"),
        (dict(lines=(line(50_000_000, 3),), tenders={"cash": 150_000_000}),
         "第 1 行的金额 ¥1,500,000.00 超过上限 ¥1,000,000.00",
         "line 1: the amount ¥1,500,000.00 is more than the limit of ¥1,000,000.00"),
        (dict(lines=(line(1000),), tenders={"cash": 2**63}),
         "现金 ¥92,233,720,368,547,758.08 超过上限 ¥10,000,000,000,000.00",
         "Cash ¥92,233,720,368,547,758.08 is more than the limit of ¥10,000,000,000,000.00"),
    ],
)  # fmt: skip
def test_checkout_takes_only_whole_fen(
    store: Store, owner: Actor, req: dict, zh: str, en: str
) -> None:
    m = new_member(store, owner)
    sale = CheckoutRequest(member_id=m.id, **req)
    error = refused(store, lambda: checkout(store, owner, sale), None)
    assert (error.message("zh_CN"), error.message("en")) == (zh, en)


def test_top_ups_cash_outs_adjustments_and_refunds_take_only_whole_numbers(
    store: Store, owner: Actor
) -> None:
    # No stored-value limit: the bound of one top-up (¥100,000) is what is checked here.
    use_program(store, owner, revise(preset("generic"), {"wallet": {"principal_limit_fen": 0}}))
    m = new_member(store, owner)
    sale = sell(store, owner, m.id, 100 * YUAN)
    top_up(store, owner, m.id, 100 * YUAN, "cash")
    cases = [
        (lambda: top_up(store, owner, m.id, 100.0, "cash"),
         "充值金额必须是整数（分），不能是 100.0"),
        (lambda: top_up(store, owner, m.id, True, "cash"), "充值金额必须是整数（分），不能是 True"),
        (lambda: top_up(store, owner, m.id, 10_000_001, "cash"),
         "充值金额 ¥100,000.01 超过上限 ¥100,000.00"),
        (lambda: cash_out(store, owner, m.id, Decimal("5.00")),
         "取现金额必须是整数（分），不能是 5.00"),
        (lambda: adjust_points(store, owner, m.id, 1.5, "补录"), "积分调整必须是整数，不能是 1.5"),
        (lambda: adjust_points(store, owner, m.id, 2**63, "补录"),
         "积分调整 9223372036854775808 超过上限 1000000000"),
        (lambda: refund(store, owner, sale.receipt_no, {1: 1.0}),
         "第 1 行的退货数量必须是整数，不能是 1.0"),
        (lambda: open_shift(store, owner, 100.5), "备用金必须是整数（分），不能是 100.5"),
    ]  # fmt: skip
    for call, zh in cases:
        assert refused(store, call, None).message("zh_CN") == zh
    # and the whole numbers still go through
    assert top_up(store, owner, m.id, 10_000_000, "cash").principal_after == 10_010_000

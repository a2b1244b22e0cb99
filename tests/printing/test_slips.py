"""Slips for the till's other acts, each rebuilt from the database by its print job."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from memberdesk.core.errors import DomainError
from memberdesk.core.loyalty.points import adjust_points
from memberdesk.core.printing import jobs
from memberdesk.core.printing.documents import job_ref
from memberdesk.core.printing.escpos_out import drawer_kick, preview_text, render
from memberdesk.core.printing.layout import Paper, width
from memberdesk.core.printing.printers import DummyPort, save_printer_settings
from memberdesk.core.printing.slips import SlipContext, wallet_slip
from memberdesk.core.shop.details import get_shop
from memberdesk.core.store.models import SaleLine
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.refunds import refund
from memberdesk.core.till.shifts import close_shift, open_shift
from memberdesk.core.till.wallet import cash_out, reverse_topup, top_up
from tests.printing.conftest import LONG_ITEM, MIXED_ITEM, PrintShop


def print_text(shop: PrintShop, result: object, paper: int = 58) -> tuple[str, bytes]:
    save_printer_settings(shop.store, shop.owner, paper_mm=paper)
    port = DummyPort()
    outcome = jobs.print_result(shop.store, result, port)
    assert outcome.ok, outcome.message
    text = preview_text(port.sent[-1])
    columns = 32 if paper == 58 else 48
    assert all(width(line) <= columns for line in text.splitlines() if not line.startswith("["))
    return text, port.sent[-1]


def lines_of(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines()]


def test_refund_slip(print_shop: PrintShop) -> None:
    r = refund(
        print_shop.store, print_shop.owner, print_shop.sale.receipt_no, {2: 1}, reason="尺码不合适"
    )
    text, data = print_text(print_shop, r)
    got = lines_of(text)
    assert "退货单" in got and f"单号：{r.receipt_no}" in got
    assert "原小票：S001-01-260310-0001" in got and "授权：老板" in got
    assert f"退货金额 ￥{r.amount / 100:,.2f}" in got
    assert "现金 ￥" + f"{r.tenders['cash'] / 100:,.2f}" in got
    assert "退回储值本金 ￥" + f"{r.wallet_principal / 100:,.2f}" in got
    assert f"扣回所得积分 -{r.points_reversed}" in got
    assert f"积分余额 {r.points_after}" in got and "顾客签字：" in got
    assert drawer_kick(2) in data  # cash goes back out of the drawer
    # reprinted from history: the same slip, marked, no drawer
    port = DummyPort()
    assert jobs.reprint(print_shop.store, *job_ref(r), port).ok
    again = preview_text(port.sent[-1])
    assert again.splitlines()[0].strip() == "** 重印 **" and f"单号：{r.receipt_no}" in again
    assert drawer_kick(2) not in port.sent[-1]


def test_a_refund_slip_lists_the_goods_returned_and_why(print_shop: PrintShop, clock) -> None:
    """The slip the customer signs says what came back: each line returned with its
    quantity and the money refunded for it (its share after the sale's discounts), and
    the reason. A long name wraps on 58 mm and 80 mm paper; a second return of the same
    line is priced on its own, and a reprint of the first, made after it, still lists
    the first one's goods as printed."""
    store, owner = print_shop.store, print_shop.owner
    with store.read() as s:
        sold = {ln.line_no: ln for ln in s.scalars(
            select(SaleLine).where(SaleLine.sale_id == print_shop.sale.sale_id))}  # fmt: skip
    shirt, jeans = sold[1].amount, sold[2].amount  # two shirts, one pair of jeans
    clock.advance(minutes=1)
    r = refund(store, owner, print_shop.sale.receipt_no, {1: 1, 2: 1}, reason="尺码不合适，换不到")
    assert r.amount == shirt // 2 + jeans
    first: list[str] = []
    for paper in (80, 58):
        text, _ = print_text(print_shop, r, paper=paper)
        got = lines_of(text)
        flat = "".join(got).replace(" ", "")
        assert "原因：尺码不合适，换不到" in got
        assert f"1.{LONG_ITEM}x1￥{shirt // 2 / 100:,.2f}".replace(" ", "") in flat
        assert f"2.{MIXED_ITEM}x1￥{jeans / 100:,.2f}".replace(" ", "") in flat
        assert flat.index(LONG_ITEM.replace(" ", "")) < flat.index("退货金额")
        first = got  # the last: 58 mm, as the reprint below
    clock.advance(minutes=1)
    rest = refund(store, owner, print_shop.sale.receipt_no, {1: 1})  # no reason given
    got = lines_of(print_text(print_shop, rest)[0])
    flat = "".join(got).replace(" ", "")
    assert f"1.{LONG_ITEM}x1￥{(shirt - shirt // 2) / 100:,.2f}".replace(" ", "") in flat
    assert MIXED_ITEM.replace(" ", "") not in flat
    assert not any(line.startswith("原因") for line in got)
    port = DummyPort()
    assert jobs.reprint(store, *job_ref(r), port).ok
    again = lines_of(preview_text(port.sent[-1]))
    assert again[0].startswith("** 重印") and again[1].startswith("重印时间")

    def body(lines: list[str]) -> list[str]:  # bar the reprint marks and the drawer kick
        return [ln for ln in lines if ln != "[钱箱]" and not ln.startswith(("** 重印", "重印时间"))]

    assert body(again) == body(first[: first.index("[切纸]") + 1])  # the customer's copy


def test_a_refund_slip_reprinted_later_shows_the_points_right_after_the_refund(
    print_shop: PrintShop, clock
) -> None:
    """A return that moved no points (a ￥0.50 hair tie earns none) still prints the
    balance it left; reprinted after the member earned more, the slip says the same."""
    store, owner, member = print_shop.store, print_shop.owner, print_shop.member_id
    clock.advance(minutes=1)
    tie = checkout(store, owner, CheckoutRequest(
        lines=(SaleLineInput("发圈", 50),), member_id=member, tenders={"cash": 50}))  # fmt: skip
    assert tie.points_earned == 0
    clock.advance(minutes=1)
    r = refund(store, owner, tie.receipt_no, {1: 1}, reason="不要了")
    assert r.points_reversed == r.points_returned == 0
    text, _ = print_text(print_shop, r)
    assert f"积分余额 {r.points_after}" in lines_of(text)
    clock.advance(minutes=5)
    later = checkout(store, owner, CheckoutRequest(
        lines=(SaleLineInput("围巾", 20000),), member_id=member, tenders={"cash": 20000}))  # fmt: skip
    assert later.points_earned > 0 and later.member.points != r.points_after
    port = DummyPort()
    assert jobs.reprint(store, *job_ref(r), port).ok
    again = lines_of(preview_text(port.sent[-1]))
    assert f"积分余额 {r.points_after}" in again
    assert f"积分余额 {later.member.points}" not in again


def test_top_up_reversal_and_cash_out_slips(print_shop: PrintShop, clock) -> None:
    store, owner, member = print_shop.store, print_shop.owner, print_shop.member_id
    clock.advance(minutes=1)  # after the fixture's sale, or the top-up counts as spent
    t = top_up(store, print_shop.cashier, member, 100000, "wechat")
    text, data = print_text(print_shop, t, paper=80)
    got = lines_of(text)
    assert "储值充值单" in got and f"单号：{t.receipt_no}" in got
    assert "充值金额 ￥1,000.00" in got and "赠送金额 ￥150.00" in got and "付款方式 微信" in got
    assert "储值本金余额 ￥1,450.00" in got and "储值赠送余额 ￥200.00" in got
    assert "会员：欧阳娜娜□□ 138****5678" in got
    assert drawer_kick(2) not in data
    v = reverse_topup(store, owner, t.ref_id, reason="输错金额")
    got = lines_of(print_text(print_shop, v)[0])
    assert "充值撤销单" in got and f"单号：{v.receipt_no}" in got and "撤销本金 -￥1,000.00" in got
    assert "储值本金余额 ￥450.00" in got
    c = cash_out(store, owner, member, 10000, reason="退卡")
    text, data = print_text(print_shop, c)
    got = lines_of(text)
    assert "储值退现单" in got and f"单号：{c.receipt_no}" in got and "退现金额 ￥100.00" in got
    assert "收银员：老板" in got and drawer_kick(2) in data


def test_points_adjustment_slip(print_shop: PrintShop) -> None:
    a = adjust_points(print_shop.store, print_shop.cashier, print_shop.member_id, -200, "系统故障补扣",
                      authoriser=print_shop.owner)  # fmt: skip
    got = lines_of(print_text(print_shop, a)[0])
    assert "积分调整单" in got and "调整积分 -200" in got and "调整后积分 919" in got
    assert "原因：系统故障补扣" in got and "授权：老板" in got and "收银员：收银员" in got


def test_gift_redemption_slip(print_shop: PrintShop) -> None:
    sale = checkout(print_shop.store, print_shop.cashier, CheckoutRequest(
        member_id=print_shop.member_id, gift_code="CUP"))  # fmt: skip
    port = DummyPort()
    assert jobs.print_now(print_shop.store, "gift", sale.sale_id, port).ok
    got = lines_of(preview_text(port.sent[-1]))
    assert "礼品兑换单" in got and "礼品：保温杯 x 1" in got and "使用积分 -500" in got
    assert "积分余额 619" in got
    with pytest.raises(DomainError):  # a sale without a gift has no gift slip
        from memberdesk.core.printing.documents import load_slip
        from memberdesk.core.printing.layout import Paper

        with print_shop.store.read() as s:
            load_slip(s, "gift", print_shop.sale.sale_id, Paper(), now=print_shop.store.now())


def test_shift_close_slip(print_shop: PrintShop, clock) -> None:
    store, cashier = print_shop.store, print_shop.cashier
    clock.advance(minutes=1)  # the fixture's sale was before the shift
    shift = open_shift(store, cashier, 50000)
    clock.advance(minutes=5)
    checkout(store, cashier, CheckoutRequest(lines=(SaleLineInput("帽子", 12000),),
                                             tenders={"cash": 20000}, shift_id=shift))  # fmt: skip
    checkout(store, cashier, CheckoutRequest(lines=(SaleLineInput("围巾", 8800),),
                                             tenders={"alipay": 8800}, shift_id=shift))  # fmt: skip
    clock.advance(hours=8)
    summary = close_shift(store, cashier, shift, 61900, handover=30000)
    got = lines_of(print_text(print_shop, summary)[0])
    assert "交班单" in got and "收银员 收银员" in got
    assert "开班 2026-03-10 10:01:00" in got and "交班 2026-03-10 18:06:00" in got
    assert "备用金 ￥500.00" in got and "销售 2 笔 ￥208.00" in got
    assert "现金 ￥120.00" in got and "支付宝 ￥88.00" in got
    assert "应有现金 ￥620.00" in got and "实点现金 ￥619.00" in got and "差额 短款 ￥1.00" in got
    assert "留给下一班备用金 ￥300.00" in got and "取出上交 ￥319.00" in got
    assert "交班人签字：" in got and "接班人签字：" in got


def test_shift_close_slip_names_the_cashier_once(print_shop: PrintShop, clock) -> None:
    """The shift slip says who worked the shift once, printed at the close and reprinted."""
    store, cashier = print_shop.store, print_shop.cashier
    clock.advance(minutes=1)
    shift = open_shift(store, cashier, 50000)
    clock.advance(hours=8)
    summary = close_shift(store, cashier, shift, 50000)
    got = lines_of(print_text(print_shop, summary)[0])
    assert [line for line in got if line.startswith("收银员")] == ["收银员 收银员"]
    port = DummyPort()
    assert jobs.reprint(store, *job_ref(summary), port).ok
    again = lines_of(preview_text(port.sent[-1]))
    assert [line for line in again if line.startswith("收银员")] == ["收银员 收银员"]


def test_shift_close_slip_shows_a_refund_whole_with_stored_value_and_points(
    print_shop: PrintShop, clock
) -> None:
    """A coat of ￥279.30 paid ￥26.00 cash, ￥248.30 stored value and 500 points (￥5.00),
    returned: the slip's refunds say the ￥279.30 of the refund slip and its three parts,
    while only the ￥26.00 cash comes out of the drawer."""
    store, cashier, member = print_shop.store, print_shop.cashier, print_shop.member_id
    clock.advance(minutes=1)
    shift = open_shift(store, cashier, 50000)
    coat = checkout(store, cashier, CheckoutRequest(
        lines=(SaleLineInput("外套", 29400),), member_id=member, redeem_points=500, wallet=24830,
        tenders={"cash": 2600}, shift_id=shift))  # fmt: skip
    r = refund(store, cashier, coat.receipt_no, authoriser=print_shop.owner, shift_id=shift)
    assert f"退货金额 ￥{r.amount / 100:,.2f}" in lines_of(print_text(print_shop, r)[0])
    assert r.amount == 27930
    clock.advance(hours=8)
    summary = close_shift(store, cashier, shift, 50000)
    got = lines_of(print_text(print_shop, summary)[0])
    refunds = got.index("退货 1 笔 ￥279.30")
    assert got[refunds + 1 : refunds + 4] == ["现金 ￥26.00", "储值 ￥248.30", "积分 ￥5.00"]
    assert "销售 1 笔 ￥279.30" in got
    assert "应有现金 ￥500.00" in got and "差额 ￥0.00" in got


def test_a_cash_out_slip_reprinted_shows_what_the_first_print_showed(
    print_shop: PrintShop, clock
) -> None:
    """充1000送150, then ￥400 of the principal cashed out: the bonus's share lapses with it.
    The slip says so and shows the balances after both; the window's slip, the printed one
    and a reprint a day later (after the member topped up again) say the same, bar the
    reprint mark (and the drawer kick, only the first time)."""
    store, owner, member = print_shop.store, print_shop.owner, print_shop.member_id
    clock.advance(minutes=1)
    top_up(store, owner, member, 100000, "wechat")  # on top of what the fixture left
    c = cash_out(store, owner, member, 40000, reason="搬家")
    assert c.bonus_delta < 0 and c.bonus_after == 20000 + c.bonus_delta
    lapsed, bonus_after = f"-￥{-c.bonus_delta / 100:,.2f}", f"￥{c.bonus_after / 100:,.2f}"
    text, _ = print_text(print_shop, c)
    first = [line for line in lines_of(text) if line != "[钱箱]"]
    assert "退现金额 ￥400.00" in first and f"赠送作废 {lapsed}" in first
    assert f"储值本金余额 ￥{c.principal_after / 100:,.2f}" in first
    assert f"储值赠送余额 {bonus_after}" in first
    # what the window shows and prints when no printer is set up
    at = store.clock.now().astimezone(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
    slip = wallet_slip(c, SlipContext(get_shop(store), at, owner.name), Paper(32), "138****5678")
    window = lines_of(preview_text(render(slip)))
    assert window == first
    clock.advance(days=1)
    top_up(store, owner, member, 10000, "cash")
    port = DummyPort()
    assert jobs.reprint(store, *job_ref(c), port).ok
    again = lines_of(preview_text(port.sent[-1]))
    assert again[0] == "** 重印 **" and again[1].startswith("重印时间")
    assert again[2:] == first

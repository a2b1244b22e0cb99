"""The till's other slips: refund, stored value, points adjustment, gift redemption,
shift close (交班单) and the printer's test page. Pure layout, like the receipt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..loyalty.points import AdjustResult
from ..shop.details import ShopInfo
from ..till.receipts import SaleResult
from ..till.refunds import RefundResult
from ..till.shifts import ShiftSummary
from ..till.wallet import WalletResult
from .layout import TENDER_NAMES as _TENDERS
from .layout import TENDER_ORDER, Paper, Slip, SlipBuilder, local, money

WALLET_TITLES = {"topup": "储值充值单", "topup_reversal": "充值撤销单", "cashout": "储值退现单"}


@dataclass(frozen=True)
class SlipContext:
    """Where and when a slip is printed from: the shop, the local time of the act, who did it."""

    shop: ShopInfo
    at: datetime  # the shop's wall clock at the time of the act
    cashier: str = ""
    reprint: int = 0
    reprinted_at: datetime | None = None


def _head(b: SlipBuilder, ctx: SlipContext, title: str, receipt_no: str = "") -> None:
    b.reprint_mark(ctx.reprint, ctx.reprinted_at)
    b.shop_head(ctx.shop, title)
    if receipt_no:
        b.text(f"单号：{receipt_no}")
    b.text(f"时间：{local(ctx.at)}")
    if ctx.cashier:
        b.text(f"收银员：{ctx.cashier}")
    b.rule()


def _by_tender(b: SlipBuilder, amounts: dict[str, int]) -> None:
    kinds = [k for k in TENDER_ORDER if k in amounts] + sorted(set(amounts) - set(TENDER_ORDER))
    for kind in kinds:
        b.pair(_TENDERS.get(kind, kind), money(amounts[kind]), indent=2)


def _footer(b: SlipBuilder, ctx: SlipContext, signature: bool = False) -> None:
    b.rule()
    if signature:
        b.text("顾客签字：")
        b.blank()
    b.center(ctx.shop.footer)


def refund_slip(r: RefundResult, ctx: SlipContext, paper: Paper) -> Slip:
    b = SlipBuilder(paper)
    _head(b, ctx, "退货单", r.receipt_no)
    b.text(f"原小票：{r.sale_receipt_no}")
    if r.authorised_by:
        b.text(f"授权：{r.authorised_by}")
    b.rule()
    b.pair("退货金额", money(r.amount), bold=True)
    b.text("退回：")
    _by_tender(b, r.tenders)
    if r.wallet_principal or r.wallet_bonus:
        b.pair("退回储值本金", money(r.wallet_principal), indent=2)
        b.pair("退回储值赠送", money(r.wallet_bonus), indent=2)
    if r.points_returned:
        b.pair("退回抵扣积分", f"+{r.points_returned}", indent=2)
    if r.points_reversed:
        b.pair("扣回所得积分", f"-{r.points_reversed}", indent=2)
    if r.bonus_reversed:
        b.pair("收回首月奖励", f"-{r.bonus_reversed}", indent=2)
    if r.deducted_for_points:
        b.pair("扣除积分价值", money(-r.deducted_for_points), indent=2)
    if r.policy_note:
        b.text(r.policy_note)
    if r.member_name is not None:
        b.rule()
        b.text(f"会员：{r.member_name}")
        if r.points_after is not None:
            b.pair("积分余额", str(r.points_after))
        if r.wallet_principal_after is not None:
            b.pair("储值本金", money(r.wallet_principal_after))
            b.pair("储值赠送", money(r.wallet_bonus_after or 0))
    _footer(b, ctx, signature=True)
    cash_back = r.tenders.get("cash", 0) > 0
    return b.slip("refund", r.receipt_no, ctx.at, opens_drawer=cash_back)


def wallet_slip(r: WalletResult, ctx: SlipContext, paper: Paper, phone_masked: str = "") -> Slip:
    b = SlipBuilder(paper)
    _head(b, ctx, WALLET_TITLES.get(r.kind, "储值单"), r.receipt_no)
    b.pair(f"会员：{r.member_name}", phone_masked)
    b.pair("卡号", r.card_no)
    b.rule()
    if r.kind == "topup":
        b.pair("充值金额", money(r.principal_delta), bold=True)
        b.pair("赠送金额", money(r.bonus_delta))
        b.pair("付款方式", _TENDERS.get(r.tender, r.tender))
    elif r.kind == "topup_reversal":
        b.pair("撤销本金", money(r.principal_delta), bold=True)
        b.pair("撤销赠送", money(r.bonus_delta))
        b.pair("退回方式", _TENDERS.get(r.tender, r.tender))
    else:
        b.pair("退现金额", money(-r.principal_delta), bold=True)
    b.rule()
    b.pair("储值本金余额", money(r.principal_after))
    b.pair("储值赠送余额", money(r.bonus_after))
    _footer(b, ctx, signature=r.kind != "topup")
    cash = r.tender == "cash"
    return b.slip("topup", r.receipt_no, ctx.at, opens_drawer=cash)


def adjust_slip(r: AdjustResult, ctx: SlipContext, paper: Paper, card_no: str = "") -> Slip:
    b = SlipBuilder(paper)
    _head(b, ctx, "积分调整单")
    b.text(f"会员：{r.member_name}")
    if card_no:
        b.pair("卡号", card_no)
    b.pair("调整积分", f"{r.delta:+d}", bold=True)
    b.pair("调整后积分", str(r.points_after))
    b.text(f"原因：{r.reason}")
    if r.authorised_by:
        b.text(f"授权：{r.authorised_by}")
    _footer(b, ctx)
    return b.slip("adjust", "", ctx.at)


def gift_slip(
    r: SaleResult, paper: Paper, *, reprint: int = 0, reprinted_at: datetime | None = None
) -> Slip:
    """The redemption voucher handed over with a gift (the sale receipt is printed too)."""
    ctx = SlipContext(r.shop, r.local_time, r.cashier, reprint, reprinted_at)
    b = SlipBuilder(paper)
    _head(b, ctx, "礼品兑换单", r.receipt_no)
    gift = r.gift or {}
    b.pair(f"礼品：{gift.get('name', '')}", "× 1", bold=True)
    b.pair("使用积分", f"-{gift.get('points', 0)}")
    if r.member is not None:
        b.pair(f"会员：{r.member.name}", r.member.phone_masked)
        b.pair("积分余额", str(r.member.points))
    _footer(b, ctx, signature=True)
    return b.slip("gift", r.receipt_no, ctx.at)


def shift_slip(s: ShiftSummary, ctx: SlipContext, paper: Paper, opened_local: datetime) -> Slip:
    b = SlipBuilder(paper)
    _head(b, ctx, "交班单")
    b.pair("收银员", s.cashier)
    b.pair("开班", local(opened_local))
    b.pair("交班", local(ctx.at))
    b.pair("备用金", money(s.opening_float))
    b.rule()
    b.pair(f"销售 {s.sales_count} 笔", money(s.sales_total), bold=True)
    _by_tender(b, s.sales_by_tender)
    b.pair(f"退货 {s.refunds_count} 笔", money(sum(s.refunds_by_tender.values())))
    _by_tender(b, s.refunds_by_tender)
    b.pair("储值充值", money(sum(s.topups_by_tender.values())))
    _by_tender(b, s.topups_by_tender)
    b.pair("充值赠送", money(s.topup_bonus))
    b.pair("储值退现", money(s.cashouts))
    b.pair("积分抵扣", f"{s.points_redeemed} 分")
    b.pair("赠送积分", f"{s.points_earned} 分")
    b.pair("新会员", f"{s.new_members} 位")
    b.rule()
    b.pair("应有现金", money(s.expected_cash), bold=True)
    if s.counted_cash is not None:
        b.pair("实点现金", money(s.counted_cash))
        diff = s.difference if s.difference is not None else s.counted_cash - s.expected_cash
        b.pair("差额", money(diff), bold=diff != 0)
    b.rule()
    b.text("交班人签字：")
    b.blank()
    b.text("接班人签字：")
    b.blank()
    return b.slip("shift", "", ctx.at)


def test_slip(ctx: SlipContext, paper: Paper, settings: list[tuple[str, str]]) -> Slip:
    b = SlipBuilder(paper)
    _head(b, ctx, "打印测试")
    for label, value in settings:
        b.pair(label, value)
    b.rule()
    b.text("中文：会员收银台 测试打印，标点“引号”（括号）。")
    b.text("English 12345 abc ABC !@#%&*")
    b.pair("金额", money(123456))
    digits = "1234567890" * (paper.columns // 10 + 1)
    b.text(digits[: paper.columns])
    b.text("汉" * (paper.columns // 2))
    b.rule("=")
    return b.slip("test", "TEST-PRINT", ctx.at)

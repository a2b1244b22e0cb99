"""The till's other slips: refund, stored value, points adjustment, gift redemption,
shift close (交班单) and the printer's test page. Pure layout, like the receipt."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from ..i18n import N_, localised
from ..loyalty.points import AdjustResult
from ..shop.details import ShopInfo
from ..till.count_cards import CountCardSlip
from ..till.receipts import SaleResult
from ..till.refunds import RefundResult
from ..till.shifts import ShiftSummary
from ..till.wallet import WalletResult
from .layout import TENDER_NAMES as _TENDERS
from .layout import TENDER_ORDER, Paper, Slip, SlipBuilder, local, money

WALLET_TITLES = {
    "topup": N_("Stored-value top-up"),
    "topup_reversal": N_("Top-up reversal"),
    "cashout": N_("Stored-value cash-out"),
}


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
    b.shop_head(ctx.shop, b.t(title))
    if receipt_no:
        b.text(b.t(N_("Slip no.: {number}"), number=receipt_no))
    b.text(b.t(N_("Time: {time}"), time=local(ctx.at)))
    if ctx.cashier:
        b.text(b.t(N_("Cashier: {name}"), name=ctx.cashier))
    b.rule()


def _by_tender(b: SlipBuilder, amounts: dict[str, int]) -> None:
    kinds = [k for k in TENDER_ORDER if k in amounts] + sorted(set(amounts) - set(TENDER_ORDER))
    for kind in kinds:
        b.pair(b.name(_TENDERS, kind), money(amounts[kind]), indent=2)


def _footer(b: SlipBuilder, ctx: SlipContext, signature: bool = False) -> None:
    b.rule()
    if signature:
        b.text(b.t(N_("Customer's signature:")))
        b.blank()
    b.center(ctx.shop.footer)


def refund_slip(r: RefundResult, ctx: SlipContext, paper: Paper) -> Slip:
    b = SlipBuilder(paper, ctx.shop.language)
    _head(b, ctx, N_("Refund slip"), r.receipt_no)
    b.text(b.t(N_("Original receipt: {number}"), number=r.sale_receipt_no))
    if r.authorised_by:
        b.text(b.t(N_("Authorised by: {name}"), name=r.authorised_by))
    if r.reason:
        b.text(b.t(N_("Reason: {reason}"), reason=r.reason))
    b.rule()
    for ln in r.lines:  # as the receipt lists them: the name, wrapped, then quantity and money
        b.hanging(f"{ln.no}. ", ln.description)
        b.pair(f"x {ln.quantity}", money(ln.amount), indent=3)
    if r.lines:
        b.rule()
    b.pair(b.t(N_("Refund amount")), money(r.amount), bold=True)
    b.text(b.t(N_("Returned:")))
    _by_tender(b, r.tenders)
    if r.wallet_principal or r.wallet_bonus:
        b.pair(b.t(N_("Back to wallet principal")), money(r.wallet_principal), indent=2)
        b.pair(b.t(N_("Back to wallet bonus")), money(r.wallet_bonus), indent=2)
    if r.points_returned:
        b.pair(b.t(N_("Redeemed points returned")), f"+{r.points_returned}", indent=2)
    if r.points_reversed:
        b.pair(b.t(N_("Earned points taken back")), f"-{r.points_reversed}", indent=2)
    if r.bonus_reversed:
        b.pair(b.t(N_("First-month bonus taken back")), f"-{r.bonus_reversed}", indent=2)
    if r.deducted_for_points:
        b.pair(b.t(N_("Points' value deducted")), money(-r.deducted_for_points), indent=2)
    if r.policy_note:
        b.text(b.t(r.policy_note))  # its message id (older refunds: the text itself)
    for name in r.gifts_back:
        b.text(b.t(N_("Take back the gift for spend: {name}"), name=name), bold=True)
    if r.member_name is not None:
        b.rule()
        b.text(b.t(N_("Member: {name}"), name=r.member_name))
        if r.points_after is not None:
            b.pair(b.t(N_("Points balance")), str(r.points_after))
        if r.wallet_principal_after is not None:
            b.pair(b.t(N_("Wallet principal")), money(r.wallet_principal_after))
            b.pair(b.t(N_("Wallet bonus")), money(r.wallet_bonus_after or 0))
    _footer(b, ctx, signature=True)
    cash_back = r.tenders.get("cash", 0) > 0
    return b.slip("refund", r.receipt_no, ctx.at, opens_drawer=cash_back)


def wallet_slip(r: WalletResult, ctx: SlipContext, paper: Paper, phone_masked: str = "") -> Slip:
    b = SlipBuilder(paper, ctx.shop.language)
    _head(b, ctx, WALLET_TITLES.get(r.kind, N_("Stored-value slip")), r.receipt_no)
    b.pair(b.t(N_("Member: {name}"), name=r.member_name), phone_masked)
    b.pair(b.t(N_("Card no.")), r.card_no)
    b.rule()
    if r.kind == "topup":
        b.pair(b.t(N_("Top-up amount")), money(r.principal_delta), bold=True)
        b.pair(b.t(N_("Bonus amount")), money(r.bonus_delta))
        b.pair(b.t(N_("Paid by")), b.name(_TENDERS, r.tender))
    elif r.kind == "topup_reversal":
        b.pair(b.t(N_("Principal reversed")), money(r.principal_delta), bold=True)
        b.pair(b.t(N_("Bonus reversed")), money(r.bonus_delta))
        b.pair(b.t(N_("Returned by")), b.name(_TENDERS, r.tender))
    else:
        b.pair(b.t(N_("Cash-out amount")), money(-r.principal_delta), bold=True)
        if r.bonus_delta:  # the bonus given with the principal paid back lapses with it
            b.pair(b.t(N_("Bonus lapsed")), money(r.bonus_delta))
    b.rule()
    b.pair(b.t(N_("Wallet principal balance")), money(r.principal_after))
    b.pair(b.t(N_("Wallet bonus balance")), money(r.bonus_after))
    _footer(b, ctx, signature=r.kind != "topup")
    cash = r.tender == "cash"
    return b.slip("topup", r.receipt_no, ctx.at, opens_drawer=cash)


COUNT_CARD_TITLES = {
    "sold": N_("Count card sold"), "use": N_("Count card visit"),
    "refund": N_("Count card refund"),
}  # fmt: skip


def count_card_slip(r: CountCardSlip, ctx: SlipContext, paper: Paper) -> Slip:
    """A count card's sale, visit or refund, with the visits left after it."""
    b = SlipBuilder(paper, ctx.shop.language)
    _head(b, ctx, COUNT_CARD_TITLES[r.kind], r.receipt_no)
    b.pair(b.t(N_("Member: {name}"), name=r.member_name), r.phone_masked)
    b.pair(b.t(N_("Card no.")), r.card_no)
    b.rule()
    b.text(r.card.name, bold=True)
    if r.card.covers:
        b.pair(b.t(N_("Covers")), r.card.covers)
    if r.kind == "sold":
        b.pair(b.t(N_("Visits on the card")), str(r.counts))
        b.pair(b.t(N_("Price")), money(r.amount), bold=True)
        b.pair(b.t(N_("Paid by")), b.name(_TENDERS, r.tender))
    elif r.kind == "use":
        b.pair(b.t(N_("Visits used")), str(r.counts))
    else:
        b.pair(b.t(N_("Visits refunded")), str(r.counts))
        b.pair(b.t(N_("Money back")), money(r.amount), bold=True)
        b.pair(b.t(N_("Returned by")), b.name(_TENDERS, r.tender))
    b.rule()
    b.pair(b.t(N_("Visits left")), f"{r.card.left}/{r.card.counts}", bold=True)
    if r.card.expires_on is not None:
        last = r.card.expires_on - timedelta(days=1)
        b.pair(b.t(N_("Valid until")), f"{last:%Y-%m-%d}")
    _footer(b, ctx, signature=r.kind != "sold")  # the member signs for a visit or a refund
    cash = r.tender == "cash" and r.amount > 0
    return b.slip("countcard", r.receipt_no, ctx.at, opens_drawer=cash)


def adjust_slip(r: AdjustResult, ctx: SlipContext, paper: Paper, card_no: str = "") -> Slip:
    b = SlipBuilder(paper, ctx.shop.language)
    _head(b, ctx, N_("Points adjustment"))
    b.text(b.t(N_("Member: {name}"), name=r.member_name))
    if card_no:
        b.pair(b.t(N_("Card no.")), card_no)
    b.pair(b.t(N_("Points adjusted")), f"{r.delta:+d}", bold=True)
    b.pair(b.t(N_("Points after")), str(r.points_after))
    b.text(b.t(N_("Reason: {reason}"), reason=r.reason))
    if r.authorised_by:
        b.text(b.t(N_("Authorised by: {name}"), name=r.authorised_by))
    _footer(b, ctx)
    return b.slip("adjust", "", ctx.at)


def gift_slip(
    r: SaleResult, paper: Paper, *, reprint: int = 0, reprinted_at: datetime | None = None
) -> Slip:
    """The hand-over slip of the gifts a sale gives: one redeemed for points and those
    earned for spend (the sale receipt is printed too), signed by the member."""
    ctx = SlipContext(r.shop, r.local_time, r.cashier, reprint, reprinted_at)
    b = SlipBuilder(paper, ctx.shop.language)
    _head(b, ctx, N_("Gift redemption") if r.gift else N_("Gift for spend"), r.receipt_no)
    if r.gift:
        gift = r.gift
        b.pair(b.t(N_("Gift: {name}"), name=gift.get("name", "")), "x 1", bold=True)
        b.pair(b.t(N_("Points used")), f"-{gift.get('points', 0)}")
    for earned in r.gifts_to_hand_over:
        b.pair(b.t(N_("Gift for spend: {name}"), name=earned["name"]), "x 1", bold=True)
    if r.member is not None:
        b.pair(b.t(N_("Member: {name}"), name=r.member.name), r.member.phone_masked)
        b.pair(b.t(N_("Points balance")), str(r.member.points))
    _footer(b, ctx, signature=True)
    return b.slip("gift", r.receipt_no, ctx.at)


def shift_slip(s: ShiftSummary, ctx: SlipContext, paper: Paper, opened_local: datetime) -> Slip:
    b = SlipBuilder(paper, ctx.shop.language)
    # the shift's cashier is named once, with its times below (not again in the head)
    _head(b, replace(ctx, cashier=""), N_("Shift close"))
    b.pair(b.t(N_("Cashier")), s.cashier)
    b.pair(b.t(N_("Shift opened")), local(opened_local))
    b.pair(b.t(N_("Shift closed")), local(ctx.at))
    b.pair(b.t(N_("Opening float")), money(s.opening_float))
    b.rule()
    b.pair(b.t(N_("Sales: {n}"), n=s.sales_count), money(s.sales_total), bold=True)
    _by_tender(b, s.sales_by_tender)
    # the goods returned, then what went back by tender as the sales above (stored value
    # and points too: the parts of the refund slips' amounts)
    b.pair(b.t(N_("Refunds: {n}"), n=s.refunds_count), money(s.refunds_total))
    _by_tender(b, s.refunds_returned)
    if s.refunds_kept:
        b.pair(b.t(N_("Not given back")), money(s.refunds_kept), indent=2)
    b.pair(b.t(N_("Stored-value top-ups")), money(sum(s.topups_by_tender.values())))
    _by_tender(b, s.topups_by_tender)
    b.pair(b.t(N_("Top-up bonus")), money(s.topup_bonus))
    b.pair(b.t(N_("Stored value cashed out")), money(s.cashouts))
    if s.count_cards_by_tender:
        b.pair(
            b.t(N_("Count cards sold less refunded")), money(sum(s.count_cards_by_tender.values()))
        )
        _by_tender(b, s.count_cards_by_tender)
    # the sales' points, each with what the shift's refunds moved back of it (as the
    # sales' money above is followed by its refunds)
    b.pair(b.t(N_("Points redeemed")), b.t(N_("{points} pts"), points=s.points_redeemed))
    if s.refunds_points_returned:
        b.pair(b.t(N_("Points returned by refunds")),
               b.t(N_("{points} pts"), points=s.refunds_points_returned), indent=2)  # fmt: skip
    b.pair(b.t(N_("Points given")), b.t(N_("{points} pts"), points=s.points_earned))
    if s.refunds_points_reversed:
        b.pair(b.t(N_("Points taken back by refunds")),
               b.t(N_("{points} pts"), points=s.refunds_points_reversed), indent=2)  # fmt: skip
    b.pair(b.t(N_("New members")), b.t(N_("{n} people"), n=s.new_members))
    b.rule()
    b.pair(b.t(N_("Cash expected")), money(s.expected_cash), bold=True)
    if s.counted_cash is not None:
        b.pair(b.t(N_("Cash counted")), money(s.counted_cash), bold=True)
        diff = s.difference if s.difference is not None else s.counted_cash - s.expected_cash
        b.pair(b.t(N_("Difference")), difference_words(b, diff), bold=diff != 0)
        if s.note:
            b.hanging(b.t(N_("Note: ")), s.note)
    if s.handover is not None and s.taken_out is not None:
        b.rule()
        b.pair(b.t(N_("Left in the drawer for the next shift")), money(s.handover), bold=True)
        b.pair(b.t(N_("Taken out of the drawer")), money(s.taken_out))
    b.rule()
    b.text(b.t(N_("Handed over by (signature):")))
    b.blank()
    b.text(b.t(N_("Taken over by (signature):")))
    b.blank()
    return b.slip("shift", "", ctx.at)


def difference_words(b: SlipBuilder, difference: int) -> str:
    """短款 ￥12.00 (the drawer holds less than expected), 长款 ￥5.00 (more), or ￥0.00."""
    if difference < 0:
        return b.t(N_("short {amount}"), amount=money(-difference))
    if difference > 0:
        return b.t(N_("over {amount}"), amount=money(difference))
    return money(0)


def test_slip(ctx: SlipContext, paper: Paper, settings: list[tuple[str, str]]) -> Slip:
    b = SlipBuilder(paper, ctx.shop.language)
    _head(b, ctx, N_("Test print"))
    for label, value in settings:
        b.pair(b.t(label), value)
    b.rule()
    # Chinese whatever the shop's language (繁體 for a 繁體 shop): this checks the
    # printer's character set and its double-width columns.
    b.text(localised("中文：会员收银台 测试打印，标点“引号”（括号）。", b.lang))
    b.text("English 12345 abc ABC !@#%&*")
    b.pair(b.t(N_("Amount")), money(123456))
    digits = "1234567890" * (paper.columns // 10 + 1)
    b.text(digits[: paper.columns])
    b.text(localised("汉", b.lang) * (paper.columns // 2))
    b.rule("=")
    return b.slip("test", "TEST-PRINT", ctx.at)

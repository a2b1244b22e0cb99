"""A shop's three days through core's own operations, for the sales journal and the day-end
report: members and walk-ins, a tier discount, points earned and redeemed, a top-up and its
reversal, a cash-out, refunds of a walk-in's line and of a member's line, three cashiers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from memberdesk.core.clock import FixedClock
from memberdesk.core.loyalty.points import adjust_points
from memberdesk.core.members.member import MemberView, replace_card
from memberdesk.core.members.tiers import set_tier
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.till.receipts import SaleResult
from memberdesk.core.till.refunds import RefundResult, refund
from memberdesk.core.till.wallet import WalletResult, cash_out, reverse_topup, top_up

from .loyalty_helpers import YUAN, line, new_member, sell, set_local, use_program

DAY = date(2026, 3, 10)
BEFORE, AFTER = date(2026, 3, 9), date(2026, 3, 11)


@dataclass
class ShopDays:
    zhang: MemberView  # silver (5 % off); his first card was replaced
    li: MemberView  # points both ways, stored value, a cash-out
    wang: MemberView  # a top-up reversed
    old_card: str  # 张三's replaced card
    before: SaleResult  # 03-09, walk-in, cash
    s1: SaleResult  # 张三, 2 × 外套 ¥100 + 帽子 ¥50, 5 % off, card
    s2: SaleResult  # 李四 ¥300: 200 points, ¥100 stored value, cash
    s3: SaleResult  # walk-in, 3 × 袜子 ¥12, WeChat, by the cashier
    s4: SaleResult  # walk-in ¥88, Alipay, by the cashier
    r1: RefundResult  # one 袜子 of s3 (the cashier, the manager's PIN)
    r2: RefundResult  # 张三's 帽子
    topup: WalletResult  # 李四 ¥500 cash (+¥50)
    reversed_topup: WalletResult  # 王五's ¥100 WeChat top-up, reversed
    cashout: WalletResult  # 李四 ¥50 in cash
    after: SaleResult  # 03-11, 张三


def build(
    store: Store, clock: FixedClock, owner: Actor, manager: Actor, cashier: Actor
) -> ShopDays:
    use_program(store, owner, "generic")
    set_local(clock, 2026, 3, 9, 15)
    before = sell(store, cashier, None, 50 * YUAN)
    zhang = new_member(store, owner, "张三", phone="13812345678")
    old_card = zhang.card_no
    zhang = replace_card(store, owner, zhang.id, reason="卡丢了")
    set_tier(store, owner, zhang.id, "silver", locked=True, reason="老顾客")
    li = new_member(store, owner, "李四", phone="13900001111")
    wang = new_member(store, owner, "王五", phone="13700002222")

    set_local(clock, 2026, 3, 10, 10, 0)
    s1 = sell(store, owner, zhang.id, line(100 * YUAN, 2, "外套"), line(50 * YUAN, 1, "帽子"),
              tenders={"card": 23750})  # fmt: skip
    set_local(clock, 2026, 3, 10, 10, 5)
    adjust_points(store, owner, li.id, 1000, "迁移")
    topup = top_up(store, owner, li.id, 500 * YUAN, "cash")
    s2 = sell(store, manager, li.id, 300 * YUAN, redeem_points=200, wallet=100 * YUAN)
    set_local(clock, 2026, 3, 10, 10, 10)
    s3 = sell(store, cashier, None, line(12 * YUAN, 3, "袜子"), tenders={"wechat": 36 * YUAN})
    s4 = sell(store, cashier, None, 88 * YUAN, tenders={"alipay": 88 * YUAN})
    set_local(clock, 2026, 3, 10, 10, 20)
    r1 = refund(store, cashier, s3.receipt_no, {1: 1}, authoriser=manager, reason="尺码不对")
    set_local(clock, 2026, 3, 10, 10, 25)
    wang_topup = top_up(store, owner, wang.id, 100 * YUAN, "wechat")
    reversed_topup = reverse_topup(store, owner, wang_topup.ref_id, reason="充错了")
    set_local(clock, 2026, 3, 10, 10, 30)
    cashout = cash_out(store, owner, li.id, 50 * YUAN, reason="退卡")
    set_local(clock, 2026, 3, 10, 10, 40)
    r2 = refund(store, owner, s1.receipt_no, {2: 1})

    set_local(clock, 2026, 3, 11, 11, 0)
    after = sell(store, owner, zhang.id, 20 * YUAN)
    set_local(clock, 2026, 3, 11, 18, 0)
    return ShopDays(zhang, li, wang, old_card, before, s1, s2, s3, s4, r1, r2, topup,
                    reversed_topup, cashout, after)  # fmt: skip

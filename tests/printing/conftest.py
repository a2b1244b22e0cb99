"""A shop with a loyalty program that exercises every receipt line, and its sales."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from memberdesk.core.loyalty.points import adjust_points
from memberdesk.core.loyalty.program import preset
from memberdesk.core.loyalty.program_store import save_program
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.shop.details import configure_shop
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.receipts import SaleResult
from memberdesk.core.till.wallet import top_up

LONG_ITEM = "超长的商品名称：纯棉印花短袖T恤 XL 白色 加长款"
MIXED_ITEM = "Levi's 501 牛仔裤 Straight Fit"
ODD_NAME = "欧阳娜娜😀𠮷"  # an emoji and a character outside GBK


@dataclass
class PrintShop:
    store: Store
    owner: Actor
    cashier: Actor
    member_id: str
    sale: SaleResult  # every tender kind, a tier discount, points, long and mixed lines


def loyalty_program() -> dict:
    data = preset("generic").model_dump(mode="json")
    data["promotions"]["birthday"] = {"period": "month", "kind": "discount", "discount_percent": 10}
    data["redeem"]["gifts"] = [{"code": "CUP", "name": "保温杯", "points": 500, "stock": 10}]
    return data


@pytest.fixture
def print_shop(store: Store, owner: Actor, cashier: Actor) -> PrintShop:
    configure_shop(store, address="杭州市西湖区文三路 100 号 1 楼", phone="0571-8888 6666",
                   footer="谢谢惠顾，欢迎再来！退换货请保留小票")  # fmt: skip
    save_program(store, owner, loyalty_program())
    member = issue_card(store, owner, MemberForm(name=ODD_NAME, phone="13812345678", tier="silver",
                                                  birthday=date(1990, 4, 15), marketing_consent=True))  # fmt: skip
    top_up(store, owner, member.id, 50000, "cash")  # ￥500 + ￥50 bonus
    adjust_points(store, owner, member.id, 1000, "开卡赠送")
    sale = checkout(store, cashier, CheckoutRequest(
        lines=(SaleLineInput(LONG_ITEM, 9900, 2), SaleLineInput(MIXED_ITEM, 45900)),
        member_id=member.id, redeem_points=500, wallet=5000,
        tenders={"card": 10000, "wechat": 10000, "alipay": 10000, "cash": 30000},
    ))  # fmt: skip
    return PrintShop(store, owner, cashier, member.id, sale)

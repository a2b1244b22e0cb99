"""Discounts given by hand at the till: limits per role, a manager's approval, what the sale,
its lines, its details and the audit log keep, and the shop's limits as the owner sets them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from memberdesk.core.errors import DomainError
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.shop.staff import login
from memberdesk.core.store.models import AuditEntry, OutboxEvent, Sale, SaleLine
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout, quote
from memberdesk.core.till.discounts import (
    DiscountLimits,
    RoleLimit,
    approve_discount,
    discount_limits,
    set_discount_limits,
    try_discount,
    with_price,
)
from memberdesk.core.till.manual import ManualDiscount, read_discount


def _sale(store) -> Sale:
    with store.read() as s:
        return s.scalars(select(Sale)).one()


def _lines(store) -> list[SaleLine]:
    with store.read() as s:
        return list(s.scalars(select(SaleLine).order_by(SaleLine.line_no)))


def _audit(store, action: str) -> list[AuditEntry]:
    with store.read() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _count_sales(store) -> int:
    with store.read() as s:
        return len(s.scalars(select(Sale.id)).all())


ZHE_9 = ManualDiscount("percent", 10, zhe=True)
ZHE_8 = ManualDiscount("percent", 20, zhe=True)


def test_a_cashier_gives_9zhe_on_a_line_within_the_limit(store, cashier):
    req = CheckoutRequest(
        lines=(SaleLineInput("衬衫", 19900, manual=ZHE_9), SaleLineInput("袜子", 1500)),
        tenders={"cash": 20000},
    )
    result = checkout(store, cashier, req)
    assert (result.subtotal, result.discount_total, result.total) == (21400, 1990, 19410)
    shirt, socks = _lines(store)
    assert (shirt.discount, shirt.discount_kind, shirt.amount) == (1990, "manual", 17910)
    assert (socks.discount, socks.discount_kind, socks.amount) == (0, "", 1500)
    assert _sale(store).details["manual_discounts"] == [
        {"line": 1, "item": "衬衫", "kind": "percent", "value": 10, "zhe": True, "off": 1990,
         "base": 19900, "before": 19900, "after": 19900, "approved_by": None}
    ]  # fmt: skip
    (entry,) = _audit(store, "sale.discount")
    assert (entry.staff_name, entry.authorised_by, entry.target) == (
        "收银员",
        None,
        result.receipt_no,
    )
    assert (entry.detail["line"], entry.detail["off"]) == (1, 1990)


def test_over_the_cashiers_limit_the_sale_waits_for_a_managers_pin(store, cashier, manager):
    req = CheckoutRequest(
        lines=(SaleLineInput("外套", 50000, manual=ZHE_8),), tenders={"cash": 40000}
    )
    with pytest.raises(DomainError) as refused:
        checkout(store, cashier, req)
    assert refused.value.code == "discount.needs_approval"
    assert "第 1 行（外套）：8折" in refused.value.message("zh_CN")
    assert "超出收银员的权限（最多 9折）" in refused.value.message("zh_CN")
    assert _count_sales(store) == 0

    check = try_discount(
        store, cashier, CheckoutRequest(lines=(SaleLineInput("外套", 50000),)), 0, ZHE_8
    )
    assert check.needs_approval is not None and check.applied.off == 10000
    with pytest.raises(DomainError) as wrong:
        approve_discount(store, "店长", "0000", check.applied)
    assert wrong.value.code == "pin.wrong"
    who = approve_discount(store, "店长", "6666", check.applied)
    approved = CheckoutRequest(
        lines=(SaleLineInput("外套", 50000, manual=ZHE_8.approved(who)),), tenders={"cash": 40000}
    )
    result = checkout(store, cashier, approved)
    assert result.total == 40000
    assert result.manual_discounts[0]["approved_by"] == "店长"
    (entry,) = _audit(store, "sale.discount")
    assert (entry.staff_name, entry.authorised_by) == ("收银员", "店长")
    assert (entry.detail["before"], entry.detail["after"], entry.detail["off"]) == (
        50000,
        50000,
        10000,
    )


def test_an_approver_is_believed_only_within_their_own_limit(store, cashier, manager, owner):
    six = ManualDiscount("percent", 40, zhe=True)  # 6折: beyond a manager's 7折
    check = try_discount(
        store, cashier, CheckoutRequest(lines=(SaleLineInput("包", 30000),)), 0, six
    )
    with pytest.raises(DomainError) as refused:
        approve_discount(store, "店长", "6666", check.applied)
    assert refused.value.code == "discount.approver_limit"
    assert "店长 不能批准" in refused.value.message("zh_CN")
    boss = approve_discount(store, "老板", "8888", check.applied)
    # an approver put together by a caller, not by a PIN, is not believed
    forged = ManualDiscount("percent", 40, zhe=True).approved(login(store, "店长", "6666"))
    with pytest.raises(DomainError):
        checkout(store, cashier, CheckoutRequest(lines=(SaleLineInput("包", 30000, manual=forged),),
                                                 tenders={"cash": 18000}))  # fmt: skip
    result = checkout(store, cashier, CheckoutRequest(
        lines=(SaleLineInput("包", 30000, manual=six.approved(boss)),), tenders={"cash": 18000}))  # fmt: skip
    assert result.total == 18000


def test_a_manual_discount_replaces_the_members_tier_discount_on_its_line_only(
    store, cashier, owner
):
    member = issue_card(store, owner, MemberForm(name="赵六", phone="13900001111", tier="silver"))
    req = CheckoutRequest(
        lines=(SaleLineInput("裙子", 10000, manual=ZHE_9), SaleLineInput("帽子", 10000)),
        member_id=member.id,
    )
    c = quote(store, req)
    kinds = [(pl.discount_kind, pl.discount_fen) for pl in c.pricing.lines]
    assert kinds == [("manual", 1000), ("tier", 500)]  # never 9折 and the tier's 5 % together
    assert dict(c.pricing.discount_by_kind) == {"manual": 1000, "tier": 500}
    assert c.pricing.total_fen == 18500


def test_a_whole_sale_discount_is_shared_over_the_lines_to_the_fen(store, cashier):
    req = CheckoutRequest(
        lines=(SaleLineInput("A", 3333), SaleLineInput("B", 3333), SaleLineInput("C", 3334),
               SaleLineInput("D", 999, no_discount=True)),
        sale_discount=ManualDiscount("amount", 1000), tenders={"cash": 9999},
    )  # fmt: skip
    result = checkout(store, cashier, req)
    shares = [ln.discount for ln in _lines(store)]
    assert sum(shares) == 1000 and shares[3] == 0  # 不打折 is never covered
    assert [ln.discount_kind for ln in _lines(store)][:3] == ["sale", "sale", "sale"]
    assert result.total == 10999 - 1000
    percent = quote(store, CheckoutRequest(lines=(SaleLineInput("A", 9999),),
                                           sale_discount=ManualDiscount("percent", 5, zhe=True)))  # fmt: skip
    assert percent.pricing.total_fen == 9499  # 95折 of ¥99.99: ¥5.00 off, half up


def test_a_no_discount_line_takes_a_discount_only_from_a_manager(store, cashier, manager):
    req = CheckoutRequest(
        lines=(
            SaleLineInput("香烟", 2500, no_discount=True, manual=ManualDiscount("amount", 100)),
        ),
        tenders={"cash": 2400},
    )
    with pytest.raises(DomainError) as refused:
        checkout(store, cashier, req)
    assert "不打折商品" in refused.value.message("zh_CN")
    result = checkout(store, manager, req)  # a manager may, as the acting staff
    assert result.total == 2400
    with pytest.raises(DomainError) as nothing:
        quote(store, CheckoutRequest(lines=(SaleLineInput("香烟", 2500, no_discount=True),),
                                     sale_discount=ZHE_9))  # fmt: skip
    assert nothing.value.code == "discount.nothing_to_discount"


def test_a_price_change_keeps_the_list_price_and_records_the_difference(store, cashier, manager):
    listed = SaleLineInput("毛衣", 10000, 2)  # from the catalogue: a list price
    changed = with_price(listed, 9000)
    assert changed.unit_price == 10000 and changed.manual == ManualDiscount("price", 9000)
    check = try_discount(store, cashier, CheckoutRequest(lines=(changed,)), 0, changed.manual)
    assert check.applied.off == 2000 and check.needs_approval is None  # ¥20: a cashier's limit
    result = checkout(store, cashier, CheckoutRequest(lines=(changed,), tenders={"cash": 18000}))
    (line,) = _lines(store)
    assert (line.unit_price, line.discount, line.discount_kind, line.amount) == (
        10000,
        2000,
        "price",
        18000,
    )
    assert result.manual_discounts[0]["after"] == 9000
    # a price typed by hand is corrected in place: no discount, no limit
    typed = with_price(SaleLineInput("杂货", 10000, price_typed=True), 1000)
    assert (typed.unit_price, typed.manual) == (1000, None)
    three = with_price(SaleLineInput("毛衣", 10000, 3), 9000)  # ¥30 off: over a cashier's ¥20
    assert try_discount(
        store, cashier, CheckoutRequest(lines=(three,)), 0, three.manual
    ).needs_approval


@pytest.mark.parametrize(
    ("mode", "typed", "kind", "value"),
    [("zhe", "9", "percent", 10), ("zhe", "95", "percent", 5), ("zhe", "9.5", "percent", 5),
     ("zhe", "8.5折", "percent", 15), ("zhe", "75", "percent", 25), ("percent", "12", "percent", 12),
     ("percent", "100%", "percent", 100), ("amount", "20", "amount", 2000),
     ("amount", "¥0.50", "amount", 50), ("price", "0", "price", 0), ("price", "88.8", "price", 8880)],
)  # fmt: skip
def test_what_the_cashier_types_reads_as_a_discount(mode, typed, kind, value):
    d = read_discount(mode, typed)
    assert (d.kind, d.value) == (kind, value)


@pytest.mark.parametrize(
    ("mode", "typed", "code"),
    [("zhe", "-9", "discount.zhe_invalid"), ("zhe", "0", "discount.zhe_invalid"),
     ("zhe", "9.55", "discount.zhe_invalid"), ("zhe", "九折", "discount.zhe_invalid"),
     ("zhe", "100", "discount.zhe_invalid"), ("percent", "101", "discount.over_100"),
     ("percent", "7.5", "discount.percent_invalid"), ("percent", "0", "discount.percent_invalid"),
     ("amount", "0", "discount.amount_zero"), ("amount", "1.234", "amount.invalid"),
     ("price", "-1", "discount.price_negative")],
)  # fmt: skip
def test_what_cannot_be_a_discount_is_refused_clearly(mode, typed, code):
    with pytest.raises(DomainError) as refused:
        read_discount(mode, typed)
    assert refused.value.code == code


def test_an_amount_over_the_line_is_refused(store):
    with pytest.raises(DomainError) as refused:
        quote(
            store,
            CheckoutRequest(
                lines=(SaleLineInput("笔", 500, manual=ManualDiscount("amount", 600)),)
            ),
        )
    assert refused.value.message("zh_CN") == "第 1 行：优惠 ¥6.00 超过了该行的 ¥5.00"


def test_the_owner_sets_the_limits_and_nobody_else(store, owner, manager, cashier):
    assert discount_limits(store) == DiscountLimits(RoleLimit(10, 2000), RoleLimit(30, 20000))
    with pytest.raises(DomainError) as refused:
        set_discount_limits(
            store, manager, DiscountLimits(RoleLimit(20, 5000), RoleLimit(30, 20000))
        )
    assert refused.value.code == "discount.limits_owner"
    with pytest.raises(DomainError):
        set_discount_limits(store, owner, DiscountLimits(RoleLimit(40, 5000), RoleLimit(30, 20000)))
    set_discount_limits(store, owner, DiscountLimits(RoleLimit(20, 5000), RoleLimit(50, 50000)))
    assert discount_limits(store).cashier == RoleLimit(20, 5000)
    (entry,) = _audit(store, "discount.limits")
    assert entry.detail["before"]["cashier"] == {"percent": 10, "amount": 2000}
    with store.read() as s:
        event = s.scalars(select(OutboxEvent).where(OutboxEvent.kind == "shop.configured")
                          .order_by(OutboxEvent.seq.desc())).first()  # fmt: skip
        assert event.payload == {"discount_limits": {"cashier": {"percent": 20, "amount": 5000},
                                                     "manager": {"percent": 50, "amount": 50000}}}  # fmt: skip
    # now 8折 is within a cashier's limit
    req = CheckoutRequest(
        lines=(SaleLineInput("外套", 50000, manual=ZHE_8),), tenders={"cash": 40000}
    )
    assert checkout(store, cashier, req).total == 40000


def test_points_over_what_the_sale_allows_say_the_limit(store, cashier, owner):
    from memberdesk.core.loyalty.points import adjust_points

    member = issue_card(store, owner, MemberForm(name="钱七", phone="13900002222"))
    adjust_points(store, owner, member.id, 3400, "开卡赠送")
    req = CheckoutRequest(
        lines=(SaleLineInput("大衣", 100000),), member_id=member.id, redeem_points=3450
    )
    with pytest.raises(DomainError) as refused:
        quote(store, req)
    assert refused.value.code == "points.over_max"
    assert "最多可用 3400 积分" in refused.value.message("zh_CN")
    assert "不能用 3450" in refused.value.message("zh_CN")


def test_what_is_still_due_counts_every_tender_typed(store):
    req = CheckoutRequest(lines=(SaleLineInput("鞋", 12400),), tenders={"card": 5000})
    assert quote(store, req).still_due == 7400
    c = quote(store, CheckoutRequest(lines=(SaleLineInput("鞋", 12400),), tenders={"cash": 20000}))
    assert (c.still_due, c.change) == (0, 7600)

"""The gift catalogue as the till shows it: cost, live stock, and the rules' refusal."""

from __future__ import annotations

from memberdesk.core.loyalty.program import Gift
from memberdesk.core.loyalty.program_store import current_program, save_program
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.gifts import gift_offers


def test_offers_follow_the_members_points_and_the_live_stock(store, owner, cashier) -> None:
    assert gift_offers(store, None) == []  # the default program has no catalogue
    program = current_program(store).program
    gifts = (
        Gift(code="CUP", name="保温杯", points=300, stock=1),
        Gift(code="UMB", name="雨伞", points=900),
    )
    save_program(store, owner, program.model_copy(update={"redeem": program.redeem.model_copy(update={"gifts": gifts})}))  # fmt: skip
    member = issue_card(store, owner, MemberForm(name="周五", phone="13700001111"))
    checkout(store, cashier, CheckoutRequest(lines=(SaleLineInput("衬衫", 50000),),
                                             member_id=member.id, tenders={"cash": 50000}))  # fmt: skip

    cup, umbrella = gift_offers(store, member.id)
    assert (cup.name, cup.points, cup.stock_left, cup.refusal) == ("保温杯", 300, 1, None)
    assert (umbrella.stock_left, umbrella.refusal.message()) == (
        None,
        "积分不足：现有 500，需要 900",
    )
    assert gift_offers(store, None)[0].refusal.message() == "散客不能使用积分"

    checkout(store, cashier, CheckoutRequest(member_id=member.id, gift_code="CUP"))
    cup, umbrella = gift_offers(store, member.id)
    assert (cup.stock_left, cup.refusal.message()) == (0, "礼品“保温杯”已兑完")
    assert umbrella.refusal.message() == "积分不足：现有 200，需要 900"


def test_the_quote_refuses_a_gift_that_is_gone_as_checkout_does(store, owner, cashier) -> None:
    from memberdesk.core.errors import DomainError
    from memberdesk.core.till.checkout import quote

    program = current_program(store).program
    gifts = (Gift(code="CUP", name="保温杯", points=100, stock=1),)
    save_program(store, owner, program.model_copy(update={"redeem": program.redeem.model_copy(update={"gifts": gifts})}))  # fmt: skip
    a = issue_card(store, owner, MemberForm(name="周五", phone="13700001111"))
    b = issue_card(store, owner, MemberForm(name="周六", phone="13700002222"))
    for m in (a, b):
        checkout(store, cashier, CheckoutRequest(lines=(SaleLineInput("衬衫", 50000),),
                                                 member_id=m.id, tenders={"cash": 50000}))  # fmt: skip
    assert quote(store, CheckoutRequest(member_id=b.id, gift_code="CUP")).gift.code == "CUP"
    checkout(store, cashier, CheckoutRequest(member_id=a.id, gift_code="CUP"))  # the last one
    for attempt in (quote, lambda s, r: checkout(s, cashier, r)):
        try:
            attempt(store, CheckoutRequest(member_id=b.id, gift_code="CUP"))
        except DomainError as e:
            assert e.message() == "礼品“保温杯”已兑完"
        else:
            raise AssertionError("a gift out of stock was offered")

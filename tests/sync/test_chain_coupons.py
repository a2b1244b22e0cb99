"""Coupons across tills (PostgreSQL HQ on a free port): every till gets the chain's key at
its handshake, a coupon issued at one store is taken at another's till with no call to
HQ, and one coupon taken at two tills while they were cut off is listed at HQ."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from memberdesk.core.check.checks import run_checks
from memberdesk.core.coupons.issue import issue_coupons
from memberdesk.core.errors import DomainError
from memberdesk.core.loyalty.program import revise
from memberdesk.core.loyalty.program_store import current_program, save_program
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.store.models import Coupon
from memberdesk.core.sync.coupon_status import ask_hq_coupon
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.refunds import refund
from memberdesk.hq.models import coupon_events
from memberdesk.hq.problems import find_problems

from ..conftest import START
from .fault_proxy import Fault
from .test_chain_members import chain  # noqa: F401  (the fixture: two stores, two tills each)

pytestmark = pytest.mark.postgres

TYPES = {"types": [{"code": "A20", "name": "二十元券", "kind": "amount", "value": 2000}]}


def _program(tills, owner) -> None:
    for till in tills:
        p = current_program(till.store).program
        save_program(till.store, owner, revise(p, {"coupons": TYPES}))


def _sell(till, cashier, code, member_id=None):
    return checkout(till.store, cashier, CheckoutRequest(
        lines=(SaleLineInput("衬衫", 10000),), member_id=member_id, coupon=code,
        tenders={"cash": 8000}))  # fmt: skip


def _ok(till) -> None:
    report = run_checks(till.store)
    assert report.ok, (till.name, [str(p) for p in report.problems])


def test_a_coupon_issued_at_one_store_is_redeemed_at_another_and_a_double_use_is_listed(
    chain,  # noqa: F811
    shop_template,
) -> None:
    hq, proxy, tills = chain
    owner, manager, cashier = shop_template.owner, shop_template.manager, shop_template.cashier
    a1, b1 = tills["S001-01"], tills["S002-01"]
    _program((a1, b1), owner)
    member = issue_card(a1.store, cashier, MemberForm(name="曾小贤", phone="13912345678"))
    theirs = issue_coupons(a1.store, manager, "A20", [member.id])[0]
    for till in (a1, b1):
        till.round()

    sale = _sell(b1, cashier, theirs.code, member.id)  # verified at B with the chain's key
    assert (sale.total, sale.discount_by_kind) == (8000, {"coupon": 2000})
    with b1.store.read() as s:
        assert (s.get(Coupon, theirs.id).source, s.get(Coupon, theirs.id).status) == (
            "chain",
            "redeemed",
        )
    b1.round()
    with hq.engine.connect() as conn:
        steps = conn.execute(select(coupon_events.c.kind, coupon_events.c.store_code)
                             .where(coupon_events.c.coupon_id == theirs.id)
                             .order_by(coupon_events.c.kind)).all()  # fmt: skip
        assert [tuple(r) for r in steps] == [("issued", "S001"), ("redeemed", "S002")]
        assert not find_problems(conn, START.replace(tzinfo=None)).coupons_twice

    bearer = issue_coupons(a1.store, manager, "A20", [None])[0]
    a1.round()
    for path in ("/v1/handshake", "/v1/batches", "/v1/directory"):
        proxy.add(Fault("status", path=path, status=503, times=1000))
    first, second = _sell(a1, cashier, bearer.code), _sell(b1, cashier, bearer.code)
    proxy.clear()
    for till in (a1, b1):
        till.round()
    with hq.engine.connect() as conn:
        twice = find_problems(conn, START.replace(tzinfo=None)).coupons_twice
    assert [t.coupon_id for t in twice] == [bearer.id]
    assert sorted((store, sale_id) for store, _t, sale_id, _d in twice[0].uses) == sorted(
        [("S001", first.sale_id), ("S002", second.sale_id)]
    )
    for till in tills.values():
        _ok(till)


def test_a_coupon_used_at_one_till_is_refused_at_another_that_can_reach_hq(
    chain,  # noqa: F811
    shop_template,
) -> None:
    """Online, a till asks HQ about a coupon when it is scanned: one another till used (and
    pushed) is refused here with where and when; the till that used it, and any till while
    HQ cannot be reached, judge by what they hold; a refund giving the coupon back at HQ
    lets it be used again."""
    hq, proxy, tills = chain
    owner, manager, cashier = shop_template.owner, shop_template.manager, shop_template.cashier
    a1, a2, b1 = tills["S001-01"], tills["S001-02"], tills["S002-01"]
    _program((a1, a2, b1), owner)
    bearer = issue_coupons(a1.store, manager, "A20", [None])[0]
    first = _sell(a2, cashier, bearer.code)  # used at the other till of the same store
    for till in (a1, a2, b1):
        till.round()

    assert not ask_hq_coupon(a2.store, bearer.code, token=a2.token)  # its own use: its own
    assert ask_hq_coupon(b1.store, bearer.code, token=b1.token)
    with pytest.raises(DomainError) as e:
        _sell(b1, cashier, bearer.code)
    assert e.value.code == "coupon.used_elsewhere"
    assert e.value.message("zh_CN") == f"代金券 {bearer.id} 已于 2026-03-10 在门店 S001 使用过"
    assert ask_hq_coupon(a1.store, bearer.code, token=a1.token)  # the till that issued it
    with pytest.raises(DomainError):
        _sell(a1, cashier, bearer.code)

    refund(a2.store, manager, first.receipt_no)  # the refund gives the coupon back
    a2.round()
    assert not ask_hq_coupon(b1.store, bearer.code, token=b1.token)  # HQ: not used now
    assert _sell(b1, cashier, bearer.code).discount_by_kind == {"coupon": 2000}
    b1.round()

    other = issue_coupons(a1.store, manager, "A20", [None])[0]
    _sell(a1, cashier, other.code)
    a1.round()
    proxy.add(Fault("status", path=f"/v1/coupons/{other.id}", status=503, times=1000))
    assert not ask_hq_coupon(b1.store, other.code, token=b1.token)  # no answer: offline rules
    assert _sell(b1, cashier, other.code).total == 8000
    proxy.clear()
    for till in tills.values():
        _ok(till)

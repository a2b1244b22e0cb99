"""Every way a member's points or stored value leave the balance is a spend for the chain
(PostgreSQL HQ on a free port, two stores with two tills each, membership chain-wide):
points exchanged for a coupon (积分兑券), stored value cashed out, a top-up reversed. Cut
off from HQ, each counts towards the chain's per-member offline limit at a till; two
stores spending one balance at once leave an overdraft HQ records and lists, that every
till shows in the member's history, counted once everywhere.
"""

from __future__ import annotations

import pytest

from memberdesk.core.errors import DomainError
from memberdesk.core.loyalty.program import revise
from memberdesk.core.loyalty.program_store import current_program, save_program
from memberdesk.core.members.chain_directory import member_overdrafts
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.shop.staff import login
from memberdesk.core.store.models import Member
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.coupons import exchange_points
from memberdesk.core.till.wallet import cash_out, reverse_topup, top_up
from memberdesk.hq.directory import list_overdrafts
from memberdesk.hq.problems import find_problems
from memberdesk.hq.totals import member_balance

from ..conftest import START
from .fault_proxy import Fault
from .test_chain_members import (
    _balance,
    _check,
    _sell,
    chain,  # noqa: F401  (the fixture: two stores, two tills each)
)

pytestmark = pytest.mark.postgres


def _cut_off(proxy, tills) -> None:
    """Every call to HQ fails, and the tills' last pull grows old."""
    for path in ("/v1/handshake", "/v1/batches", "/v1/directory"):
        proxy.add(Fault("status", path=path, status=503, times=1000))
    for till in tills:
        till.clock.advance(minutes=30)
        assert not till.pull().ok


def _rounds(tills, n: int = 2) -> None:
    for _ in range(n):
        for till in tills.values():
            till.round()


def _principal(till, member_id: str) -> int:
    with till.store.read() as s:
        return s.get(Member, member_id).wallet_principal


def test_points_exchanged_for_coupons_at_two_stores_offline_count_and_the_overdraft_is_listed(
    chain,  # noqa: F811
    owner,
    cashier,
) -> None:
    hq, proxy, tills = chain
    a1, b1 = tills["S001-01"], tills["S002-01"]
    for till in tills.values():
        program = current_program(till.store).program
        save_program(till.store, owner, revise(program, {"coupons": {
            "types": [{"code": "A20", "name": "二十元券", "kind": "amount", "value": 2000}],
            "exchange": [{"points": 2500, "coupon": "A20"}]}}))  # fmt: skip
    member = issue_card(a1.store, cashier, MemberForm(name="胡一菲", phone="13900005555"))
    _sell(a1, cashier, member.id, 400000)  # 4000 points
    _rounds(tills, 1)
    assert _balance(b1, member.id) == 4000

    _cut_off(proxy, (a1, b1))
    exchange_points(a1.store, cashier, member.id, "A20")  # 2500 of the 4000 at each store
    exchange_points(b1.store, cashier, member.id, "A20")
    with pytest.raises(DomainError) as refused:  # 2500 + 600 is over 3000 a day offline
        _sell(b1, cashier, member.id, 10000, redeem=600)
    assert refused.value.code == "chain.offline_points"
    assert "2500" in refused.value.message("en")

    proxy.clear()
    _rounds(tills)
    with hq.engine.connect() as conn:
        at_hq = member_balance(conn, member.id).points
        listed = list_overdrafts(conn)
        problems = find_problems(conn, START.replace(tzinfo=None))
    assert at_hq == 4000 - 2 * 2500
    assert [(o.member_id, o.kind, o.balance) for o in listed] == [(member.id, "points", -1000)]
    assert problems.overdrafts == listed
    for till in tills.values():
        assert _balance(till, member.id) == at_hq, till.name
        assert [o.kind for o in member_overdrafts(till.store, member.id)] == ["points"]
        _check(till)


def test_stored_value_cashed_out_offline_keeps_to_the_chains_limit(
    chain,  # noqa: F811
    cashier,
) -> None:
    hq, proxy, tills = chain
    a1, b1 = tills["S001-01"], tills["S002-01"]
    member = issue_card(a1.store, cashier, MemberForm(name="陈美嘉", phone="13900006666"))
    top_up(a1.store, cashier, member.id, 100000, "cash")  # ¥1000
    _rounds(tills, 1)
    assert _principal(b1, member.id) == 100000

    _cut_off(proxy, (a1, b1))
    manager = login(b1.store, "店长", "6666")
    with pytest.raises(DomainError) as refused:  # the whole ¥1000, over ¥200 a day offline
        cash_out(b1.store, manager, member.id, 100000, reason="退卡")
    assert refused.value.code == "chain.offline_wallet"
    assert _principal(b1, member.id) == 100000  # nothing moved
    cash_out(b1.store, manager, member.id, 15000, reason="退卡")  # ¥150 is within it
    with pytest.raises(DomainError) as refused:  # and counts: ¥150 + ¥100 is over ¥200
        checkout(b1.store, cashier, CheckoutRequest((SaleLineInput("围巾", 10000),), member.id,
                                                    wallet=10000))  # fmt: skip
    assert refused.value.code == "chain.offline_wallet"

    proxy.clear()
    _rounds(tills)
    with hq.engine.connect() as conn:
        at_hq = member_balance(conn, member.id).wallet_principal
        assert list_overdrafts(conn) == []
    assert at_hq == 100000 - 15000
    for till in tills.values():
        assert _principal(till, member.id) == at_hq, till.name
        _check(till)


def test_a_top_up_reversed_while_cut_off_keeps_to_the_chains_limit(
    chain,  # noqa: F811
    cashier,
) -> None:
    """A top-up given back in cash while the till cannot reach HQ is stored value leaving
    the member, as a cash-out is: ¥300 of it is over the ¥200 a day, and nothing moves."""
    hq, proxy, tills = chain
    a1 = tills["S001-01"]
    member = issue_card(a1.store, cashier, MemberForm(name="张伟", phone="13900008888"))
    topped = top_up(a1.store, cashier, member.id, 30000, "cash")  # ¥300
    _rounds(tills, 1)

    _cut_off(proxy, (a1,))
    manager = login(a1.store, "店长", "6666")
    with pytest.raises(DomainError) as refused:
        reverse_topup(a1.store, manager, topped.ref_id, reason="充错")
    assert refused.value.code == "chain.offline_wallet"
    assert _principal(a1, member.id) == 30000  # nothing moved

    proxy.clear()
    assert a1.pull().ok  # HQ reached again: the balance it confirms holds
    reverse_topup(a1.store, manager, topped.ref_id, reason="充错")
    _rounds(tills)
    for till in tills.values():
        assert _principal(till, member.id) == 0, till.name
        _check(till)


def test_a_top_up_reversed_offline_after_another_store_spent_it_is_a_listed_overdraft(
    chain,  # noqa: F811
    cashier,
) -> None:
    hq, proxy, tills = chain
    a1, b1 = tills["S001-01"], tills["S002-01"]
    member = issue_card(a1.store, cashier, MemberForm(name="关谷神奇", phone="13900007777"))
    topped = top_up(a1.store, cashier, member.id, 10000, "cash")  # ¥100
    _rounds(tills, 1)

    _cut_off(proxy, (a1, b1))
    checkout(b1.store, cashier, CheckoutRequest((SaleLineInput("围巾", 8000),), member.id,
                                                wallet=8000))  # ¥80 of it at store B  # fmt: skip
    # Store A, not knowing, gives the ¥100 back in cash: the member has ¥80 too little.
    reverse_topup(a1.store, login(a1.store, "店长", "6666"), topped.ref_id, reason="充错")

    proxy.clear()
    b1.round()  # store B's payment reaches HQ first: it left ¥20
    _rounds(tills)
    with hq.engine.connect() as conn:
        at_hq = member_balance(conn, member.id).wallet_principal
        listed = list_overdrafts(conn)
    assert at_hq == -8000
    assert [(o.member_id, o.kind, o.balance, o.till) for o in listed] == [
        (member.id, "principal", -8000, "S001-01")
    ]
    for till in tills.values():
        assert _principal(till, member.id) == -8000, till.name
        assert [o.kind for o in member_overdrafts(till.store, member.id)] == ["principal"]
        _check(till)

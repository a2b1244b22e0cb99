"""A synced till restored from an older backup gets its members' balances back from HQ.

The records made after the backup stay in the copy the restore keeps and reach HQ once
(carried over); the till's own balances went back with the file. The next pull brings
them back: HQ counts the carried records' entries with everyone else's for this till,
and the directory's cursor went back with the file, so every member changed since the
backup comes again — the other stores' entries pulled after the backup included. A
member issued after the backup comes back too; nothing is counted twice, and the money
spent after the backup cannot be spent again.

Two stores with two tills each on one HQ (PostgreSQL, a real server on a free port),
membership chain-wide (tests/sync/test_chain_members.py's chain).
"""

from __future__ import annotations

import pytest

from memberdesk.core.errors import DomainError
from memberdesk.core.members.lookup import find_members
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.shop.backups import backup_now, restore
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Member
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.wallet import top_up
from memberdesk.hq.totals import member_balance

from .test_chain_members import _check, _sell, chain  # noqa: F401  (the chain fixture)

pytestmark = pytest.mark.postgres


def _balances(store: Store, member_id: str) -> tuple[int, int, int]:
    with store.read() as s:
        m = s.get(Member, member_id)
        return m.points, m.wallet_principal, m.wallet_bonus


def _restore(till, backup) -> None:
    till.store.close()
    done = restore(till.store.path, backup, carry_unsent=True)
    assert done.carried > 0 and done.syncs
    till.store = Store(till.store.path, clock=till.clock)


def test_a_restored_till_gets_its_members_balances_back_from_hq(chain, cashier) -> None:  # noqa: F811
    hq, _proxy, tills = chain
    a1, b2 = tills["S001-01"], tills["S002-01"]
    member = issue_card(a1.store, cashier, MemberForm(name="郭靖", phone="13900007777"))
    top_up(a1.store, cashier, member.id, 50000, "cash")  # ¥500 of stored value at store A
    for till in tills.values():
        till.round()
    backup = backup_now(a1.store)

    # After the backup: ¥300 paid from it at A, a member issued and topped up at A, and
    # points earned at store B that A pulls before the restore.
    lines = (SaleLineInput("大衣", 30000, 1),)
    checkout(a1.store, cashier, CheckoutRequest(lines, member.id, wallet=30000))
    newcomer = issue_card(a1.store, cashier, MemberForm(name="黄蓉", phone="13900008888"))
    top_up(a1.store, cashier, newcomer.id, 10000, "cash")
    _sell(b2, cashier, member.id, 20000)
    for till in (b2, a1):
        till.round()
    before = _balances(a1.store, member.id)
    newcomer_before = _balances(a1.store, newcomer.id)
    assert before[1] < 50000 and newcomer_before[1] >= 10000

    _restore(a1, backup)
    assert _balances(a1.store, member.id)[1] >= 50000  # the file went back
    a1.round()
    with hq.engine.connect() as conn:
        at_hq = member_balance(conn, member.id)
        newcomer_at_hq = member_balance(conn, newcomer.id)
    # What the till shows is what it showed before the restore, and what HQ holds.
    assert _balances(a1.store, member.id) == before
    assert before == (at_hq.points, at_hq.wallet_principal, at_hq.wallet_bonus)
    assert _balances(a1.store, newcomer.id) == newcomer_before
    assert newcomer_before == (
        newcomer_at_hq.points,
        newcomer_at_hq.wallet_principal,
        newcomer_at_hq.wallet_bonus,
    )
    hits = find_members(a1.store, "13900008888").hits
    assert [h.member_id for h in hits] == [newcomer.id]
    _check(a1)

    # The ¥300 spent after the backup cannot be spent again here.
    left = before[1] + before[2]
    too_much = (SaleLineInput("大衣", left + 100, 1),)
    with pytest.raises(DomainError):
        checkout(a1.store, cashier, CheckoutRequest(too_much, member.id, wallet=left + 100))
    checkout(a1.store, cashier, CheckoutRequest((SaleLineInput("袜子", 1000, 1),), member.id,
                                                wallet=1000))  # fmt: skip

    # Another round everywhere: every till and HQ agree, nothing counted twice.
    for _ in range(2):
        for till in tills.values():
            till.round()
    with hq.engine.connect() as conn:
        at_hq = member_balance(conn, member.id)
    for till in tills.values():
        assert _balances(till.store, member.id) == (
            at_hq.points,
            at_hq.wallet_principal,
            at_hq.wallet_bonus,
        ), till.name
        _check(till)

"""Members across tills and stores: two stores with two tills each on one HQ
(PostgreSQL, a real server on a free port), membership chain-wide.

A member issued at store A's first till is found at store B's second till after one
sync round by every kind of lookup, earns and redeems there, and after the next round
every till's and HQ's balances agree and `memberdesk check` holds everywhere. Then both
stores spend the same member's points while cut off from HQ (the fault proxy answers
nothing): the chain's offline limit refuses what is over it, the overdraft is listed at
HQ and in the member's history, and nothing is counted twice.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from memberdesk.core.check.checks import run_checks
from memberdesk.core.clock import FixedClock
from memberdesk.core.errors import DomainError
from memberdesk.core.members.chain_directory import member_overdrafts
from memberdesk.core.members.lookup import find_members
from memberdesk.core.members.member import MemberForm, edit_member, issue_card, report_lost
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Member, OutboxEvent, PointsEntry
from memberdesk.core.sync.config import configure_sync, sync_config
from memberdesk.core.sync.pull import ask_hq, pull_directory, recheck_card_at_hq
from memberdesk.core.sync.pusher import Pusher, RetryPolicy
from memberdesk.core.sync.transport import HttpTransport, Refused
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout, quote
from memberdesk.core.till.refunds import refund
from memberdesk.core.till.totals import terminal_day_totals
from memberdesk.core.till.wallet import top_up
from memberdesk.hq.chain_cli import overdraft_lines
from memberdesk.hq.cli import _zones
from memberdesk.hq.directory import list_overdrafts, set_chain
from memberdesk.hq.models import events, points_entries
from memberdesk.hq.models import refunds as hq_refunds
from memberdesk.hq.problems import find_problems
from memberdesk.hq.provision import add_store, add_terminal
from memberdesk.hq.totals import day_totals, member_balance

from ..conftest import START
from .fault_proxy import Fault, FaultProxy
from .support import HQServer, fresh_pg_url

pytestmark = pytest.mark.postgres

ONE_TRY = RetryPolicy(base=0.01, cap=0.05, max_attempts=2)


@dataclass
class Till:
    name: str
    store: Store
    clock: FixedClock
    token: str
    url: str

    def transport(self) -> HttpTransport:
        return HttpTransport(self.url, self.token, timeout=5)

    def push(self) -> bool:
        pusher = Pusher(self.store, self.transport(), retry=ONE_TRY, reconcile_daily=False)
        try:
            return pusher.drain_once(max_seconds=30).ok
        finally:
            pusher.close()

    def pull(self):
        with self.transport() as t:
            return pull_directory(self.store, t)

    def round(self) -> None:
        assert self.push(), self.name
        report = self.pull()
        assert report.ok, (self.name, report.error)


def join_till(engine, tmp_path: Path, shop_template, store_code: str, code: str, url: str) -> Till:
    """A new till of `store_code` with terminal code `code` at HQ, reaching it at `url`: a
    copy of the shop template, set up to sync, introduced (it takes HQ's store, till number
    and card prefix)."""
    terminal = add_terminal(engine, store_code, code=code)
    path = tmp_path / f"{store_code}-{code}.sqlite"
    shutil.copyfile(shop_template.path, path)
    clock = FixedClock(START)
    store = Store(path, clock=clock)
    configure_sync(store, url, terminal.id)
    till = Till(f"{store_code}-{code}", store, clock, terminal.token, url)
    pusher = Pusher(store, till.transport(), retry=ONE_TRY, reconcile_daily=False)
    pusher.introduce()
    pusher.close()
    return till


@pytest.fixture
def chain(tmp_path: Path, shop_template) -> Iterator[tuple[HQServer, FaultProxy, dict[str, Till]]]:
    with fresh_pg_url() as url:
        hq = HQServer(url).start()
        proxy = FaultProxy(hq.port).start()
        tills: dict[str, Till] = {}
        try:
            set_chain(hq.engine, START.replace(tzinfo=None), scope="chain",
                      policy={"offline_points_per_day": 3000})  # fmt: skip
            for store_code in ("S001", "S002"):
                add_store(hq.engine, store_code, f"门店 {store_code}")
                for code in ("01", "02"):
                    till = join_till(
                        hq.engine, tmp_path, shop_template, store_code, code, proxy.url
                    )
                    tills[till.name] = till
            yield hq, proxy, tills
        finally:
            for till in tills.values():
                till.store.close()
            proxy.stop()
            hq.stop()


def terminal_id(store: Store) -> str:
    return sync_config(store).terminal_id


def _sell(till: Till, cashier: Actor, member_id: str, price: int, *, redeem: int = 0) -> None:
    """A sale of one line to the member, the points redeemed, the rest paid by WeChat."""
    lines = (SaleLineInput("衬衫", price, 1),)
    due = quote(till.store, CheckoutRequest(lines, member_id, redeem_points=redeem))
    checkout(till.store, cashier, CheckoutRequest(lines, member_id, redeem_points=redeem,
                                                  tenders={"wechat": due.due_after_points_wallet}))  # fmt: skip


def _balance(till: Till, member_id: str) -> int:
    with till.store.read() as s:
        return s.get(Member, member_id).points


def _check(till: Till) -> None:
    report = run_checks(till.store)
    assert report.ok, (till.name, [p for p in report.problems])


def test_a_member_issued_at_one_store_is_found_earns_and_redeems_at_another(chain, cashier) -> None:
    hq, _proxy, tills = chain
    a1, b2 = tills["S001-01"], tills["S002-02"]
    member = issue_card(a1.store, cashier, MemberForm(name="曾小贤", phone="13912345678"))
    _sell(a1, cashier, member.id, 50000)  # earns 500 points at store A
    for till in tills.values():
        till.round()

    with b2.store.read() as s:
        here = s.get(Member, member.id)
        assert (here.chain_store, here.points, here.card_no) == ("S001", 500, member.card_no)
    for query, kind in (
        (member.card_no, "card"),
        ("13912345678", "phone"),
        ("5678", "last4"),
        ("曾小贤", "name_exact"),
        ("zxx", "initials_exact"),
        ("cxx", "initials_exact"),
    ):
        found = find_members(b2.store, query)
        assert [h.member_id for h in found.hits] == [member.id], (query, found)
        assert found.hits[0].matched_by == kind

    _sell(b2, cashier, member.id, 30000, redeem=200)  # earns at B, redeems 200 of A's points
    after = _balance(b2, member.id)
    assert after > 500 - 200
    for _ in range(2):
        for till in tills.values():
            till.round()
    with hq.engine.connect() as conn:
        at_hq = member_balance(conn, member.id).points
    assert at_hq == after
    for till in tills.values():
        assert _balance(till, member.id) == at_hq, till.name
        _check(till)

    # A card reported lost at store A is refused at store B after the next pull.
    report_lost(a1.store, cashier, member.id)
    a1.round()
    b2.pull()
    assert find_members(b2.store, member.card_no).refusal.code == "card.lost"


def test_a_card_lost_elsewhere_is_refused_even_where_an_edit_of_the_member_waits_to_be_sent(
    chain, cashier
) -> None:
    """Store B edited the member and has not sent it yet (its push failed); store A reports
    the card lost. B's pull keeps B's edit, but the lost card is refused at once; once the
    edit is sent, both stores hold the merged member: B's new phone, A's lost card."""
    hq, _proxy, tills = chain
    a1, b2 = tills["S001-01"], tills["S002-02"]
    member = issue_card(a1.store, cashier, MemberForm(name="曾小贤", phone="13800002222"))
    for till in (a1, b2):
        till.round()
    assert find_members(b2.store, member.card_no).exact is not None
    b2.clock.advance(minutes=1)
    edit_member(b2.store, cashier, member.id, MemberForm(name="曾小贤", phone="13900003333"))
    a1.clock.advance(minutes=2)
    report_lost(a1.store, cashier, member.id)
    a1.round()

    assert b2.pull().ok  # B's edit still waits in its journal
    found = find_members(b2.store, member.card_no)
    assert found.exact is None and found.refusal.code == "card.lost"
    assert find_members(b2.store, "13900003333").hits[0].member_id == member.id  # B's edit kept

    b2.round()
    a1.round()
    for till in (a1, b2):
        assert find_members(till.store, member.card_no).refusal.code == "card.lost", till.name
        with till.store.read() as s:
            assert s.get(Member, member.id).phone == "13900003333", till.name
        _check(till)


def test_a_card_lost_elsewhere_is_refused_at_once_at_a_till_that_can_ask_hq(chain, cashier) -> None:
    """Store B took the member's card; store A reports it lost. Before B's next pull, B asks
    HQ about the card it takes: refused there and then when HQ answers; offline, B keeps what
    it pulled last (the next pull refuses it)."""
    _hq, proxy, tills = chain
    a1, b2 = tills["S001-01"], tills["S002-02"]
    member = issue_card(a1.store, cashier, MemberForm(name="陆展博", phone="13800004444"))
    for till in (a1, b2):
        till.round()
    assert not recheck_card_at_hq(b2.store, member.card_no, b2.token)  # nothing changed
    report_lost(a1.store, cashier, member.id)
    a1.round()

    proxy.add(Fault("status", path="/v1/directory/find", status=503, times=5))
    assert not recheck_card_at_hq(b2.store, member.card_no, b2.token)  # HQ out of reach
    assert find_members(b2.store, member.card_no).exact is not None
    proxy.clear()
    assert recheck_card_at_hq(b2.store, member.card_no, b2.token)
    assert find_members(b2.store, member.card_no).refusal.code == "card.lost"
    _check(b2)


def test_both_stores_spending_one_balance_offline_follow_the_policy_and_the_overdraft_is_listed(
    chain, cashier
) -> None:
    hq, proxy, tills = chain
    a1, b1 = tills["S001-01"], tills["S002-01"]
    member = issue_card(a1.store, cashier, MemberForm(name="王芳", phone="13900001111"))
    _sell(a1, cashier, member.id, 400000)  # 4000 points
    for till in tills.values():
        till.round()
    assert _balance(b1, member.id) == 4000

    # Cut off: every call to HQ fails, and the last pull grows old.
    for path in ("/v1/handshake", "/v1/batches", "/v1/directory"):
        proxy.add(Fault("status", path=path, status=503, times=1000))
    for till in (a1, b1):
        till.clock.advance(minutes=30)
        assert not till.push()
        assert not till.pull().ok
    with pytest.raises(DomainError) as refused:  # over the offline limit of 3000 a day
        _sell(b1, cashier, member.id, 10000, redeem=3500)
    assert refused.value.code == "chain.offline_points"
    _sell(a1, cashier, member.id, 8000, redeem=3000)  # both spend 3000 of the same 4000
    _sell(b1, cashier, member.id, 8000, redeem=3000)
    moved = [_balance(t, member.id) - 4000 for t in (a1, b1)]

    proxy.clear()
    for _ in range(2):
        for till in tills.values():
            till.round()
    with hq.engine.connect() as conn:
        at_hq = member_balance(conn, member.id).points
        entries = conn.scalar(select(func.count()).select_from(points_entries)
                              .where(points_entries.c.member_id == member.id))  # fmt: skip
        listed = list_overdrafts(conn)
        problems = find_problems(conn, START.replace(tzinfo=None))
    # 4000 earned at A, then each store's own moves: every entry counted once.
    assert at_hq == 4000 + sum(moved)
    assert entries == 5  # earned; redeemed and earned at A; redeemed and earned at B
    assert [(o.member_id, o.kind) for o in listed] == [(member.id, "points")]
    assert listed[0].balance < 0
    assert problems.overdrafts == listed
    # The operator reads which store's till spent past the balance, as everywhere else
    said = overdraft_lines("en", listed, _zones(hq.engine))[1]
    assert "after till S002-01's spending" in said and listed[0].terminal_id not in said
    for till in tills.values():
        assert _balance(till, member.id) == at_hq, till.name
        _check(till)
        with till.store.read() as s:
            chain_rows = s.scalar(select(func.count()).select_from(PointsEntry).where(
                PointsEntry.member_id == member.id, PointsEntry.kind != "chain"))  # fmt: skip
        assert chain_rows <= 5
    assert [o.kind for o in member_overdrafts(b1.store, member.id)] == ["points"]


def test_an_online_till_asks_hq_for_a_member_it_has_not_pulled(chain, cashier) -> None:
    _hq, _proxy, tills = chain
    a1, b2 = tills["S001-01"], tills["S002-02"]
    member = issue_card(a1.store, cashier, MemberForm(name="李四", phone="13911112222"))
    assert a1.push()
    assert find_members(b2.store, member.card_no).hits == []
    with b2.transport() as t:
        assert ask_hq(b2.store, t, phone="13911112222")
    assert [h.member_id for h in find_members(b2.store, member.card_no).hits] == [member.id]
    _check(b2)


def test_a_lookup_by_phone_keeps_the_number_out_of_the_url() -> None:
    """What a till asks HQ travels in the body: a URL's query string is written to the access
    log of HQ and of every proxy on the way, and a phone number must not be."""
    seen: list[httpx.Request] = []

    def hq(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(404, json={"error": "not_found"})

    with httpx.Client(transport=httpx.MockTransport(hq)) as client:
        transport = HttpTransport("https://hq.example.cn", "mdt_token", client=client)
        for asked in ({"phone": "13911112222"}, {"card": "8001000000017"}):
            with pytest.raises(Refused):
                transport.find_member(**asked)
    for request, number in zip(seen, ("13911112222", "8001000000017"), strict=True):
        assert number not in str(request.url)
        assert number in json.loads(request.content).values()


def test_a_stored_value_overdraft_pulled_to_a_till_stays_consistent_up_to_hq(
    chain, cashier
) -> None:
    """Two stores pay from one stored value offline: the overdraft reaches every till as a
    balance below zero, and the next stored-value entry a till makes from there (a top-up
    that does not cover the debt) is taken by HQ, whose balance every till then shows."""
    hq, proxy, tills = chain
    a1, b1 = tills["S001-01"], tills["S002-01"]
    member = issue_card(a1.store, cashier, MemberForm(name="赵敏", phone="13900004444"))
    top_up(a1.store, cashier, member.id, 10000, "cash")  # ¥100
    for till in tills.values():
        till.round()
    for path in ("/v1/handshake", "/v1/batches", "/v1/directory"):
        proxy.add(Fault("status", path=path, status=503, times=1000))
    for till in (a1, b1):
        till.clock.advance(minutes=30)
        assert not till.pull().ok
    for till in (a1, b1):  # ¥80 each, within the offline limit, from the same ¥100
        lines = (SaleLineInput("围巾", 8000, 1),)
        checkout(till.store, cashier, CheckoutRequest(lines, member.id, wallet=8000))
    proxy.clear()
    for _ in range(2):
        for till in tills.values():
            till.round()
    with b1.store.read() as s:
        assert s.get(Member, member.id).wallet_principal == -6000
    top_up(b1.store, cashier, member.id, 2000, "cash")  # ¥20: still ¥40 short
    for _ in range(2):
        for till in tills.values():
            till.round()
    with hq.engine.connect() as conn:
        rejected = conn.execute(
            select(events.c.kind, events.c.code, events.c.params)
            .where(events.c.status == "rejected", events.c.aggregate_id != "")  # fmt: skip
            .where(events.c.kind.like("wallet.%"))
        ).all()
        at_hq = member_balance(conn, member.id)
    assert rejected == []
    assert at_hq.wallet_principal == -4000
    for till in tills.values():
        with till.store.read() as s:
            assert s.get(Member, member.id).wallet_principal == -4000, till.name
        _check(till)
    assert {o.kind for o in member_overdrafts(b1.store, member.id)} == {"principal"}


def test_a_store_refunds_its_own_sale_to_another_stores_member_after_membership_went_per_store(
    chain, cashier, manager
) -> None:
    """Store B sold to store A's member while membership was chain-wide; per store now, B's
    till no longer finds A's members, but a customer returning those goods is refunded, and
    HQ takes the refund: it reverses a sale HQ took from B, so B's day and the member's
    balances agree everywhere."""
    hq, _proxy, tills = chain
    a1, b2 = tills["S001-01"], tills["S002-02"]
    member = issue_card(a1.store, cashier, MemberForm(name="吕子乔", phone="13800001111"))
    top_up(a1.store, cashier, member.id, 20000, "cash")  # ¥200 of stored value at store A
    _sell(a1, cashier, member.id, 50000)  # 500 points
    for till in tills.values():
        till.round()
    lines = (SaleLineInput("衬衫", 30000, 1),)
    req = CheckoutRequest(lines, member.id, redeem_points=300, wallet=10000)
    due = quote(b2.store, req).due_after_points_wallet
    sale = checkout(b2.store, cashier, CheckoutRequest(lines, member.id, redeem_points=300,
                                                       wallet=10000, tenders={"wechat": due}))  # fmt: skip
    b2.round()
    set_chain(hq.engine, START.replace(tzinfo=None), scope="store")
    for till in tills.values():
        till.round()
    assert not find_members(b2.store, member.card_no).hits  # hidden at store B now

    with b2.store.read() as s:
        before = s.scalar(select(func.max(OutboxEvent.seq)))
    refund(b2.store, cashier, sale.sale_id, authoriser=manager, reason="退货")
    for _ in range(2):
        for till in tills.values():
            till.round()

    with b2.store.read() as s:
        refund_events = s.execute(select(OutboxEvent.kind, OutboxEvent.state)
                                  .where(OutboxEvent.seq > before)).all()  # fmt: skip
        here = s.get(Member, member.id)
        at_b = (here.points, here.wallet_principal)
    assert {kind for kind, _ in refund_events} == {"sale.refunded", "points.entry", "wallet.entry"}
    assert {state for _, state in refund_events} == {"acked"}  # none rejected by HQ
    with hq.engine.connect() as conn:
        held = conn.scalar(select(func.count()).select_from(hq_refunds)
                           .where(hq_refunds.c.sale_id == sale.sale_id))  # fmt: skip
        balance = member_balance(conn, member.id)
        day = terminal_day_totals(b2.store).day
        b_day = day_totals(conn, "S002", day, terminal_id(b2.store))
    assert held == 1
    assert b_day.differences(terminal_day_totals(b2.store, day)) == []
    with a1.store.read() as s:
        at_a = (s.get(Member, member.id).points, s.get(Member, member.id).wallet_principal)
    # 500 earned at A; at B 300 redeemed and 197 earned, both undone by the refund
    assert (balance.points, balance.wallet_principal) == (500, 20000) == at_a == at_b
    for till in tills.values():
        _check(till)


def test_a_page_hq_fails_once_is_asked_for_again(chain, shop_template) -> None:
    """Right after HQ's database restarted, one request can land on a dead connection (503):
    the pull asks for the page again instead of giving up the round; HQ failing on and on
    still ends it, as unreachable."""
    hq, proxy, tills = chain
    a1, b1 = tills["S001-01"], tills["S002-01"]
    member = issue_card(
        a1.store, shop_template.cashier, MemberForm(name="钱多多", phone="13912340001")
    )
    a1.round()
    proxy.add(Fault("status", path="/v1/directory", status=503, times=1))
    report = b1.pull()
    assert report.ok, report.error
    assert find_members(b1.store, "13912340001").hits[0].member_id == member.id
    proxy.add(Fault("status", path="/v1/directory", status=503, times=3))
    report = b1.pull()
    assert not report.ok and report.error.code == "sync.offline"
    proxy.clear()

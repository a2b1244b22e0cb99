"""Random shop days over two simulated years, against the real core on a real file.

A hypothesis state machine issues members, sells (random lines, tenders, points and
stored value), refunds random lines, tops up, pays from the wallet, reverses top-ups,
cashes out, adjusts points, sells, uses and refunds count cards (次卡), issues coupons (by a manager, on joining,
for points, for spend reached) and uses them on sales, runs the daily
jobs and the tier review, freezes and unfreezes, and moves the clock by hours to weeks. One preset and one refund policy
per example. Every refusal (DomainError) must leave the database exactly as it was;
after every step every check holds, no wallet is negative, points are negative only
under the allow_negative policy, and each member's points equal the sum of their
points ledger (asserted with plain SQL as well as by the checks); right after the daily
jobs no member holds a lot earned before the expiry cutoff; every count card's visits
sold = used + refunded + expired + left; coupons issued = redeemed + expired +
outstanding by their ledger.
"""

from __future__ import annotations

import atexit
import itertools
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import text

from memberdesk.core.clock import FixedClock, shop_date
from memberdesk.core.coupons.issue import issue_coupons
from memberdesk.core.daily import jobs as daily_jobs
from memberdesk.core.daily.jobs import review_tiers, run_daily_jobs
from memberdesk.core.errors import DomainError
from memberdesk.core.items.catalogue import ItemForm, create_item
from memberdesk.core.loyalty.lots import replay
from memberdesk.core.loyalty.points import adjust_points
from memberdesk.core.loyalty.pricing import expiry_cutoff
from memberdesk.core.loyalty.program import preset, revise
from memberdesk.core.loyalty.program_store import program_in_force, save_program
from memberdesk.core.members.member import LunarDate, MemberForm, freeze, issue_card, unfreeze
from memberdesk.core.shop.details import shop_info
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.till.checkout import checkout, quote
from memberdesk.core.till.count_cards import (
    CountCardForm,
    refund_count_card,
    sell_count_card,
    use_count_card,
)
from memberdesk.core.till.coupons import exchange_points
from memberdesk.core.till.receipts import load_sale
from memberdesk.core.till.refunds import refund
from memberdesk.core.till.wallet import cash_out, reverse_topup, top_up

from .loyalty_helpers import (
    fresh_copy,
    line,
    next_phone,
    problems,
    request,
    snapshot,
    template_store,
)

START = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
HORIZON = datetime(2028, 3, 10, 2, 0, tzinfo=UTC)  # two simulated years
# How far the clock moves after each operation: odd offsets so steps land on every
# hour of the day, midnight included; the slowest covers a day, the fastest two years.
PACES = [
    timedelta(minutes=37),
    timedelta(hours=7, minutes=13),
    timedelta(days=2, hours=5, minutes=3),
    timedelta(days=9, hours=13, minutes=7),
    timedelta(days=19, hours=3, minutes=41),
]
PRESETS = ["generic", "clothing", "accessories", "supermarket", "prepaid"]
POLICIES = ["refuse", "allow_negative", "deduct_cash"]
PRICES = [1, 99, 100, 1999, 9999, 12345, 50000, 100000, 300000]
TOPUPS = [1, 100, 49999, 50000, 99999, 100000, 150000, 499999, 500000]
PAY = ["cash", "card", "wechat", "alipay"]
# Coupons of every kind the program offers (the gift kind needs the catalogue: its own test).
COUPONS = {
    "types": [
        {"code": "A10", "name": "十元券", "kind": "amount", "value": 1000, "valid_days": 400},
        {"code": "P15", "name": "85折券", "kind": "percent", "value": 15, "valid_days": 3},
        {"code": "T50", "name": "满300减50", "kind": "threshold", "value": 5000,
         "min_spend_fen": 30000, "valid_days": 400},
        {"code": "SOLO", "name": "不同享券", "kind": "amount", "value": 3000,
         "with_tier_discount": False, "with_points": False, "valid_days": 400},
    ],
    "on_join": "A10", "on_tier_up": "P15", "on_spend": [{"spend_fen": 100000, "coupon": "T50"}],
    "exchange": [{"points": 300, "coupon": "SOLO"}],
}  # fmt: skip
TYPES = [t["code"] for t in COUPONS["types"]]

_template: dict[str, Any] = {}
_examples = itertools.count()


def _shared_template() -> tuple[Store, Actor, Actor, Actor]:
    """One migrated shop with staff, copied for every example (migrations and scrypt are slow)."""
    if not _template:
        folder = Path(tempfile.mkdtemp(prefix="memberdesk-sm-"))
        atexit.register(shutil.rmtree, folder, True)
        _template["folder"] = folder
        _template["shop"] = template_store(folder / "template", FixedClock(START))
    return _template["shop"]


lines_st = st.lists(
    st.builds(
        lambda qty, price, nd: line(price, qty, no_discount=nd),
        st.integers(1, 3),
        st.sampled_from(PRICES),
        st.booleans(),
    ),
    min_size=1,
    max_size=3,
)


class MoneyMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.store: Store | None = None
        self.clock = FixedClock(START)
        self.pace = timedelta(0)
        self.members: list[str] = []
        self.sales: list[str] = []
        self.topups: list[str] = []
        self.cards: list[str] = []
        self.program_changes = 0
        self.jobs_ran_at: datetime | None = None
        self.coupons: list[str] = []

    # ---------------------------------------------------------------- setup

    @initialize(
        code=st.sampled_from(PRESETS), policy=st.sampled_from(POLICIES), pace=st.sampled_from(PACES)
    )
    def open_shop(self, code: str, policy: str, pace: timedelta) -> None:
        self.pace = pace
        template, self.owner, self.manager, self.cashier = _shared_template()
        self.clock = FixedClock(START)
        self.folder = _template["folder"] / f"ex{next(_examples)}"
        self.store = fresh_copy(template, self.folder, self.clock, fsync=False)
        self.policy = policy
        refund_rule = ["pro_rata", "visit_price", "none"][next(_examples) % 3]
        program = revise(preset(code), {"wallet": {"refund_policy": policy},
                                        "count_cards": {"refund": refund_rule},
                                        "coupons": COUPONS})  # fmt: skip
        save_program(self.store, self.owner, program)
        create_item(self.store, self.owner, ItemForm("剪发", 5000, code="HC01", category="美发"))

    def teardown(self) -> None:
        if self.store is not None:
            self.store.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    # ---------------------------------------------------------------- helpers

    def attempt(self, call: Callable[[], Any]) -> Any:
        """Run one operation; a refusal must leave every row as it was. Then time moves on
        at this example's pace (so 40 steps span hours to two years)."""
        assert self.store is not None
        before = snapshot(self.store)
        try:
            return call()
        except DomainError:
            assert snapshot(self.store) == before
            return None
        finally:
            self.clock.advance(seconds=self.pace.total_seconds())

    def pick_member(self, data: st.DataObject) -> str | None:
        return data.draw(st.sampled_from(self.members)) if self.members else None

    def member(self, member_id: str) -> dict[str, int]:
        with self.store.read() as s:  # type: ignore[union-attr]
            row = s.execute(
                text("SELECT points, wallet_principal, wallet_bonus FROM members WHERE id = :i"),
                {"i": member_id},
            ).one()
        return {"points": row[0], "principal": row[1], "bonus": row[2]}

    # ---------------------------------------------------------------- members

    @rule(
        data=st.data(),
        birthday=st.one_of(
            st.none(),
            st.dates(datetime(1950, 1, 1).date(), datetime(2005, 12, 31).date()),
            st.builds(LunarDate, st.integers(1960, 2000), st.integers(1, 12), st.integers(1, 29)),
        ),
    )
    def issue(self, data: st.DataObject, birthday: Any) -> None:
        referrer = data.draw(st.none() | st.sampled_from(self.members)) if self.members else None
        card = None
        if referrer is not None:
            with self.store.read() as s:  # type: ignore[union-attr]
                card = s.execute(
                    text("SELECT card_no FROM members WHERE id = :i"), {"i": referrer}
                ).scalar_one()
        form = MemberForm(
            name=f"会员{len(self.members) + 1}",
            phone=next_phone(),
            birthday=birthday if not isinstance(birthday, LunarDate) else None,
            lunar_birthday=birthday if isinstance(birthday, LunarDate) else None,
            referrer=card,
        )
        view = self.attempt(lambda: issue_card(self.store, self.owner, form))
        if view is not None:
            self.members.append(view.id)

    @precondition(lambda self: self.members)
    @rule(data=st.data())
    def freeze_or_unfreeze(self, data: st.DataObject) -> None:
        member_id = self.pick_member(data)
        action = data.draw(st.sampled_from([freeze, unfreeze]))
        self.attempt(lambda: action(self.store, self.owner, member_id, "测试"))

    # ---------------------------------------------------------------- sales

    @rule(data=st.data(), lines=lines_st, wild=st.sampled_from([False, False, True]))
    def sell(self, data: st.DataObject, lines: list, wild: bool) -> None:
        member_id = data.draw(st.none() | st.sampled_from(self.members)) if self.members else None
        self._sell(data, member_id, lines, wild)

    @precondition(lambda self: self.members)
    @rule(data=st.data(), lines=lines_st)
    def sell_to_a_member(self, data: st.DataObject, lines: list) -> None:
        self._sell(data, self.pick_member(data), lines, False)

    def _sell(self, data: st.DataObject, member_id: str | None, lines: list, wild: bool) -> None:
        self._coupons_known()
        coupon = data.draw(st.none() | st.sampled_from(self.coupons)) if self.coupons else None
        lines = [*lines]
        try:
            q = quote(self.store, request(member_id, *lines, coupon=coupon))  # type: ignore[arg-type]
        except DomainError:
            q = None
        if wild or q is None:
            # Anything at all: short, over, negative, more points or stored value than held.
            redeem = data.draw(st.sampled_from([0, 0, 1, 100, 500, 5000, -100]))
            wallet = data.draw(st.sampled_from([0, 0, 1, 5000, 10**6, -1]))
            tenders = data.draw(
                st.dictionaries(st.sampled_from(PAY), st.integers(-10, 10**6), max_size=3)
            )
        else:
            redeem = 0
            if member_id is not None and q.limits is not None and q.limits.max_points:
                units = data.draw(st.integers(0, q.limits.max_points // q.limits.unit_points))
                redeem = units * q.limits.unit_points
            wallet = 0
            if member_id is not None:
                m = self.member(member_id)
                assert q.limits is not None
                value = redeem // q.limits.unit_points * q.limits.unit_value_fen
                room = q.pricing.total_fen - value
                wallet = data.draw(st.integers(0, max(0, min(room, m["principal"] + m["bonus"]))))
            try:
                due = quote(
                    self.store,  # type: ignore[arg-type]
                    request(member_id, *lines, redeem_points=redeem, wallet=wallet, coupon=coupon),
                ).due_after_points_wallet
            except DomainError:
                due, redeem, wallet = q.due_after_points_wallet, 0, 0
            tenders = {}
            for kind in data.draw(st.lists(st.sampled_from(PAY), min_size=1, max_size=3)):
                part = data.draw(st.integers(0, due))
                tenders[kind] = tenders.get(kind, 0) + part
                due -= part
            tenders["cash"] = tenders.get("cash", 0) + due + data.draw(st.sampled_from([0, 0, 50]))
        req = request(member_id, *lines, redeem_points=redeem, wallet=wallet, tenders=tenders,
                      coupon=coupon)  # fmt: skip
        result = self.attempt(lambda: checkout(self.store, self.cashier, req))
        if result is not None:
            self.sales.append(result.receipt_no)

    def holders(self) -> list[str]:
        with self.store.read() as s:  # type: ignore[union-attr]
            return list(
                s.scalars(text("SELECT id FROM members WHERE wallet_principal + wallet_bonus > 0"))
            )

    @precondition(lambda self: self.topups)
    @rule(data=st.data(), over=st.sampled_from([0, 0, 0, 1]))
    def pay_from_wallet(self, data: st.DataObject, over: int) -> None:
        holders = self.holders()
        if not holders:
            return
        member_id = data.draw(st.sampled_from(holders))
        m = self.member(member_id)
        amount = data.draw(st.integers(1, m["principal"] + m["bonus"])) + over
        req = request(member_id, amount, wallet=amount)
        result = self.attempt(lambda: checkout(self.store, self.cashier, req))
        if result is not None:
            self.sales.append(result.receipt_no)

    @precondition(lambda self: self.sales)
    @rule(data=st.data(), who=st.sampled_from(["manager", "manager", "authorised", "cashier"]))
    def refund_everything_left(self, data: st.DataObject, who: str) -> None:
        self._refund(data, who, everything=True)

    @precondition(lambda self: self.sales)
    @rule(data=st.data(), who=st.sampled_from(["manager", "manager", "authorised", "cashier"]))
    def refund_some_lines(self, data: st.DataObject, who: str) -> None:
        self._refund(data, who, everything=False)

    def _refund(self, data: st.DataObject, who: str, everything: bool) -> None:
        receipt = data.draw(st.sampled_from(self.sales))
        with self.store.read() as s:  # type: ignore[union-attr]
            sale = load_sale(s, receipt)
        lines = None
        if not everything:
            over = data.draw(st.sampled_from([0, 0, 0, 1]))  # now and then one too many
            lines = {
                x.no: data.draw(st.integers(0, x.quantity - x.refunded_qty + over))
                for x in sale.lines
            }
        actor = self.manager if who == "manager" else self.cashier  # "cashier": refused
        authoriser = self.manager if who == "authorised" else None
        self.attempt(
            lambda: refund(self.store, actor, receipt, lines, authoriser=authoriser, reason="随机")
        )

    # ---------------------------------------------------------------- coupons

    def _coupons_known(self) -> None:
        """Every coupon the shop issued so far (by a rule, too) can be brought to the till."""
        with self.store.read() as s:  # type: ignore[union-attr]
            self.coupons = list(s.scalars(text("SELECT code FROM coupons ORDER BY issued_at")))

    @rule(data=st.data(), code=st.sampled_from(TYPES + ["NOPE"]), who=st.sampled_from(["m", "c"]))
    def issue_coupon(self, data: st.DataObject, code: str, who: str) -> None:
        member_id = data.draw(st.none() | st.sampled_from(self.members)) if self.members else None
        actor = self.manager if who == "m" else self.cashier  # a cashier is refused
        self.attempt(lambda: issue_coupons(self.store, actor, code, [member_id]))

    @precondition(lambda self: self.members)
    @rule(data=st.data())
    def exchange_points_for_a_coupon(self, data: st.DataObject) -> None:
        member_id = self.pick_member(data)
        self.attempt(lambda: exchange_points(self.store, self.cashier, member_id, "SOLO"))

    # ---------------------------------------------------------------- stored value

    @precondition(lambda self: self.members)
    @rule(
        data=st.data(), amount=st.sampled_from(TOPUPS), tender=st.sampled_from(PAY * 3 + ["wallet"])
    )
    def top_up(self, data: st.DataObject, amount: int, tender: str) -> None:
        member_id = self.pick_member(data)
        result = self.attempt(lambda: top_up(self.store, self.cashier, member_id, amount, tender))
        if result is not None:
            self.topups.append(result.ref_id)

    @precondition(lambda self: self.topups)
    @rule(data=st.data())
    def reverse_top_up(self, data: st.DataObject) -> None:
        topup = data.draw(st.sampled_from(self.topups))
        self.attempt(lambda: reverse_topup(self.store, self.manager, topup, reason="撤销"))

    @precondition(lambda self: self.topups)
    @rule(data=st.data(), extra=st.sampled_from([-1, 0, 0, 0, 1]))
    def cash_out(self, data: st.DataObject, extra: int) -> None:
        holders = self.holders()
        if not holders:
            return
        member_id = data.draw(st.sampled_from(holders))
        principal = self.member(member_id)["principal"]
        amount = data.draw(st.integers(0, principal)) + extra
        self.attempt(lambda: cash_out(self.store, self.manager, member_id, amount))

    @precondition(lambda self: self.members)
    @rule(data=st.data(), delta=st.integers(-3000, 3000))
    def adjust(self, data: st.DataObject, delta: int) -> None:
        member_id = self.pick_member(data)
        self.attempt(lambda: adjust_points(self.store, self.manager, member_id, delta, "随机调整"))

    # ---------------------------------------------------------------- count cards

    @precondition(lambda self: self.members)
    @rule(
        data=st.data(), counts=st.sampled_from([1, 2, 10, 0]), price=st.sampled_from(PRICES),
        days=st.sampled_from([None, 1, 30, 90]), item=st.booleans(),
        tender=st.sampled_from(PAY * 3 + ["wallet"]),
    )  # fmt: skip
    def sell_count_card(
        self, data: st.DataObject, counts: int, price: int, days: int | None, item: bool,
        tender: str,
    ) -> None:  # fmt: skip
        form = CountCardForm("剪发次卡", counts, price, tender, item_code="HC01" if item else None,
                             category=None if item else "美发", valid_days=days)  # fmt: skip
        member_id = self.pick_member(data)
        slip = self.attempt(lambda: sell_count_card(self.store, self.cashier, member_id, form))
        if slip is not None:
            self.cards.append(slip.card.id)

    @precondition(lambda self: self.cards)
    @rule(data=st.data(), confirmed=st.sampled_from([True, True, True, False]))
    def use_count_card(self, data: st.DataObject, confirmed: bool) -> None:
        card = data.draw(st.sampled_from(self.cards))
        self.attempt(
            lambda: use_count_card(self.store, self.cashier, card, member_confirmed=confirmed)
        )

    @precondition(lambda self: self.cards)
    @rule(data=st.data(), who=st.sampled_from(["manager", "authorised", "cashier"]))
    def refund_count_card(self, data: st.DataObject, who: str) -> None:
        card = data.draw(st.sampled_from(self.cards))
        actor = self.manager if who == "manager" else self.cashier  # "cashier": refused
        authoriser = self.manager if who == "authorised" else None
        self.attempt(
            lambda: refund_count_card(self.store, actor, card, authoriser=authoriser, reason="退卡")
        )

    @precondition(lambda self: self.program_changes < 2)
    @rule(code=st.sampled_from(PRESETS))
    def change_program(self, code: str) -> None:
        """Another preset (same refund policy): new sales follow it, old ones keep theirs."""
        self.program_changes += 1
        program = revise(
            preset(code), {"wallet": {"refund_policy": self.policy}, "coupons": COUPONS}
        )
        self.attempt(lambda: save_program(self.store, self.owner, program))

    # ---------------------------------------------------------------- time and jobs

    @rule(hours=st.integers(1, 24 * 7 * 4))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(hours=hours)

    @precondition(lambda self: self.clock.at < HORIZON)
    @rule(weeks=st.integers(4, 26), minutes=st.integers(0, 24 * 60 - 1))
    def seasons_pass(self, weeks: int, minutes: int) -> None:
        """Months at a time, landing on any minute of the day (midnight edges included)."""
        self.clock.advance(weeks=weeks, minutes=minutes)

    @precondition(lambda self: self.jobs_ran_at != self.clock.at)
    @rule(job=st.sampled_from([run_daily_jobs, run_daily_jobs, review_tiers]), twice=st.booleans())
    def jobs(self, job: Callable[[Store], Any], twice: bool) -> None:
        self.jobs_ran_at = at = self.clock.at
        self.attempt(lambda: job(self.store))  # type: ignore[arg-type]
        if job is run_daily_jobs:
            self.nothing_left_to_expire(at)
        if twice:  # a second run at the same moment changes nothing
            later, self.clock.at = self.clock.at, at  # (attempt moved the clock on)
            before = snapshot(self.store)  # type: ignore[arg-type]
            self.attempt(lambda: job(self.store))  # type: ignore[arg-type]
            after = snapshot(self.store)  # type: ignore[arg-type]
            self.clock.at = later
            assert after["counts"] == before["counts"] and after["members"] == before["members"]

    def nothing_left_to_expire(self, at: datetime) -> None:
        """Right after the expiry job, replaying each ledger finds no lot past its date — as
        of the day the job ran (`at`): `attempt` has moved the clock on since, across a
        clearing date now and then."""
        with self.store.read() as s:  # type: ignore[union-attr]
            current = program_in_force(s)
            today = shop_date(at, shop_info(s).timezone)
            cutoff = expiry_cutoff(current.program, today) if current else None
            if cutoff is None:
                return
            rows = s.connection().exec_driver_sql(
                "SELECT member_id, kind, delta, business_date, sale_id, refund_id"
                " FROM points_ledger ORDER BY member_id, rowid"
            )
            for member_id, entries in daily_jobs._entries(rows):
                assert replay(entries).due_before(cutoff) == 0, member_id

    # ---------------------------------------------------------------- invariants

    @invariant()
    def count_cards_add_up(self) -> None:
        if self.store is None:
            return
        with self.store.read() as s:
            for counts, left, sold, used, back, lapsed, entries_left in s.execute(text(
                """SELECT c.counts, c.counts_left,
                          SUM(CASE WHEN e.kind = 'sold' THEN e.delta ELSE 0 END),
                          SUM(CASE WHEN e.kind = 'use' THEN -e.delta ELSE 0 END),
                          SUM(CASE WHEN e.kind = 'refund' THEN -e.delta ELSE 0 END),
                          SUM(CASE WHEN e.kind = 'expire' THEN -e.delta ELSE 0 END),
                          SUM(e.delta)
                   FROM count_cards c JOIN count_card_ledger e ON e.card_id = c.id
                   GROUP BY c.id""")):  # fmt: skip
                assert sold == counts == used + back + lapsed + left
                assert left == entries_left >= 0

    @invariant()
    def every_check_holds(self) -> None:
        if self.store is None:
            return
        assert problems(self.store) == []

    @invariant()
    def coupons_issued_are_redeemed_expired_or_outstanding(self) -> None:
        if self.store is None:
            return
        with self.store.read() as s:
            steps = dict(
                s.execute(text("SELECT kind, COUNT(*) FROM coupon_events GROUP BY kind")).all()
            )
            status = dict(
                s.execute(text("SELECT status, COUNT(*) FROM coupons GROUP BY status")).all()
            )
        redeemed = steps.get("redeem", 0) - steps.get("return", 0)
        outstanding = steps.get("issue", 0) - redeemed - steps.get("expire", 0)
        assert (
            status.get("redeemed", 0),
            status.get("expired", 0),
            status.get("outstanding", 0),
        ) == (redeemed, steps.get("expire", 0), outstanding)
        assert sum(status.values()) == steps.get("issue", 0)

    @invariant()
    def balances_are_their_ledgers_and_never_negative(self) -> None:
        if self.store is None:
            return
        with self.store.read() as s:
            rows = s.execute(
                text(
                    """SELECT m.id, m.points, m.wallet_principal, m.wallet_bonus,
                          (SELECT COALESCE(SUM(delta), 0) FROM points_ledger p
                           WHERE p.member_id = m.id),
                          (SELECT COALESCE(SUM(principal_delta), 0) FROM wallet_ledger w
                           WHERE w.member_id = m.id),
                          (SELECT COALESCE(SUM(bonus_delta), 0) FROM wallet_ledger w
                           WHERE w.member_id = m.id)
                       FROM members m"""
                )
            ).all()
        for _id, points, principal, bonus, lp, lw, lb in rows:
            assert (points, principal, bonus) == (lp, lw, lb)
            assert principal >= 0 and bonus >= 0
            if self.policy != "allow_negative":
                assert points >= 0


MoneyMachine.TestCase.settings = settings(
    max_examples=20,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestMoneyStateMachine = pytest.mark.slow(MoneyMachine.TestCase)

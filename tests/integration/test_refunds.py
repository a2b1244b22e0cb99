"""Refunds through the real core: whole and partial, a manager's leave, proportional
reversal of points and stored value, the program's policy when the points are gone,
and a property test that any split of a sale into partial refunds gives back
exactly what the sale took."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from memberdesk.core.clock import FixedClock
from memberdesk.core.daily.jobs import run_daily_jobs
from memberdesk.core.loyalty.points import adjust_points
from memberdesk.core.loyalty.program import preset, revise
from memberdesk.core.members.member import cancel
from memberdesk.core.printing import jobs
from memberdesk.core.printing.escpos_out import preview_text
from memberdesk.core.printing.printers import DummyPort
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Member
from memberdesk.core.till.checkout import checkout, checkout_in, quote
from memberdesk.core.till.receipts import load_sale
from memberdesk.core.till.refunds import (
    CANCELLED_NOTE,
    EXPIRED_NOTE,
    POLICY_NAMES,
    quote_refund,
    refund,
    refund_in,
)
from memberdesk.core.till.wallet import top_up, top_up_in

from .loyalty_helpers import (
    YUAN,
    assert_sound,
    audit_rows,
    fresh_copy,
    line,
    member_row,
    new_member,
    outbox_kinds,
    points_entries,
    points_of,
    refused,
    request,
    sell,
    set_local,
    template_store,
    use_program,
    wallet_of,
)


def policy(name: str):
    return revise(preset("generic"), {"wallet": {"refund_policy": name}})


def mixed_sale(store: Store, owner: Actor, manager: Actor):
    """Generic program. 1000 分 and 充500送50 first, then a 300 元 sale of
    2 × 100 元 (line 1) + 1 × 100 元 (line 2) paid: 100 分 (1 元), wallet 50 元,
    card 100 元, cash 149 元 → 299 分 earned."""
    use_program(store, owner, "generic")
    m = new_member(store, owner)
    adjust_points(store, manager, m.id, 1000, "迁移")
    top_up(store, owner, m.id, 500 * YUAN, "cash")
    r = sell(
        store, owner, m.id, line(100 * YUAN, 2, "外套"), line(100 * YUAN, 1, "帽子"),
        redeem_points=100, wallet=50 * YUAN, tenders={"card": 100 * YUAN, "cash": 149 * YUAN},
    )  # fmt: skip
    assert r.points_earned == 299
    assert points_of(store, m.id) == 1000 - 100 + 299
    assert wallet_of(store, m.id) == (500 * YUAN - 50 * YUAN, 50 * YUAN)
    return m, r


def test_whole_refund_reverses_everything(store: Store, owner: Actor, manager: Actor) -> None:
    m, sale = mixed_sale(store, owner, manager)
    r = refund(store, manager, sale.receipt_no, reason="不合适")
    assert r.amount == 300 * YUAN
    assert r.tenders == {"card": 100 * YUAN, "cash": 149 * YUAN}
    assert (r.points_reversed, r.points_returned) == (299, 100)
    assert (r.wallet_principal, r.wallet_bonus) == (50 * YUAN, 0)
    assert (r.deducted_for_points, r.policy_note) == (0, "")
    # Back to where the member stood before the sale.
    assert (r.points_after, r.wallet_principal_after, r.wallet_bonus_after) == (
        1000, 500 * YUAN, 50 * YUAN,
    )  # fmt: skip
    assert points_of(store, m.id) == 1000
    assert wallet_of(store, m.id) == (500 * YUAN, 50 * YUAN)
    assert r.receipt_no == "S001-01-260310-R0001"
    with store.read() as s:
        shown = load_sale(s, sale.receipt_no)
    assert shown.refunded_total == shown.total == 300 * YUAN
    assert [x.refunded_qty for x in shown.lines] == [2, 1]
    refused(store, lambda: refund(store, manager, sale.receipt_no), "refund.nothing_left")
    assert_sound(store)


def test_selected_lines_in_proportion(store: Store, owner: Actor, manager: Actor) -> None:
    """One of the two 100 元 coats: 100 of 300 元 = one third of every part (cumulatively,
    so the last refund settles every fen): points earned 299/3 = 99.67 → 99; points spent
    100/3 → 33; wallet 50 元/3 = 16.666…; card 100 元/3 = 33.333…; cash 149 元/3 = 49.666….
    Rounded down the paying parts make 99.98 元 (with the points' 0.33); the two fen left
    go to the parts with most of a fen due (wallet, then cash): 100 元 back in all."""
    m, sale = mixed_sale(store, owner, manager)
    first = refund(store, manager, sale.receipt_no, {1: 1})
    assert first.amount == 100 * YUAN
    assert (first.points_reversed, first.points_returned) == (99, 33)
    assert (first.wallet_principal, first.wallet_bonus) == (1667, 0)
    assert first.tenders == {"card": 3333, "cash": 4967}
    assert first.amount == 1667 + 3333 + 4967 + 33  # the points' 33 fen come back as points
    assert first.sale_refunded_total == 100 * YUAN
    with store.read() as s:
        shown = load_sale(s, sale.sale_id)
    assert shown.refunded_total == 100 * YUAN
    assert [x.refunded_qty for x in shown.lines] == [1, 0]
    # The rest in one go: the remainders come back, the totals are exact.
    rest = refund(store, manager, sale.receipt_no)
    assert rest.amount == 200 * YUAN
    assert (first.points_reversed + rest.points_reversed) == 299
    assert (first.points_returned + rest.points_returned) == 100
    assert first.wallet_principal + rest.wallet_principal == 50 * YUAN
    assert first.tenders["card"] + rest.tenders["card"] == 100 * YUAN
    assert first.tenders["cash"] + rest.tenders["cash"] == 149 * YUAN
    assert points_of(store, m.id) == 1000
    assert wallet_of(store, m.id) == (500 * YUAN, 50 * YUAN)
    assert_sound(store)


def test_a_quote_is_what_the_refund_then_gives_back_and_writes_nothing(
    store: Store, owner: Actor, manager: Actor
) -> None:
    """Shown before the manager approves: one coat of the mixed sale gives back card
    33.33 元 and cash 49.67 元, 16.67 元 to the wallet, 33 points and takes 99 back —
    the very figures the refund then writes; the quote itself changes nothing."""
    m, sale = mixed_sale(store, owner, manager)
    outbox_before = len(outbox_kinds(store))
    quote = quote_refund(store, owner, sale.receipt_no, {1: 1})
    assert quote.amount == 100 * YUAN
    assert quote.tenders == {"card": 3333, "cash": 4967}
    assert (quote.wallet_principal, quote.wallet_bonus) == (1667, 0)
    assert (quote.points_returned, quote.points_reversed) == (33, 99)
    assert len(outbox_kinds(store)) == outbox_before
    assert points_of(store, m.id) == 1000 - 100 + 299
    with store.read() as s:
        assert [x.refunded_qty for x in load_sale(s, sale.receipt_no).lines] == [0, 0]
    done = refund(store, manager, sale.receipt_no, {1: 1})
    fields = ("amount", "tenders", "wallet_principal", "wallet_bonus", "points_returned",
              "points_reversed", "deducted_for_points", "policy_note", "points_after")  # fmt: skip
    assert [getattr(quote, f) for f in fields] == [getattr(done, f) for f in fields]
    assert done.receipt_no == "S001-01-260310-R0001"  # the quote took no number
    # A refund core would refuse is refused by the quote, in the same words.
    refused(store, lambda: quote_refund(store, owner, sale.receipt_no, {1: 2}), "refund.too_many")
    assert_sound(store)


def test_refund_cannot_exceed_what_is_left(store: Store, owner: Actor, manager: Actor) -> None:
    _, sale = mixed_sale(store, owner, manager)
    refund(store, manager, sale.receipt_no, {1: 1})
    refused(store, lambda: refund(store, manager, sale.receipt_no, {1: 2}), "refund.too_many")
    refused(store, lambda: refund(store, manager, sale.receipt_no, {2: 2}), "refund.too_many")
    refused(store, lambda: refund(store, manager, sale.receipt_no, {1: -1}), "refund.too_many")
    refused(store, lambda: refund(store, manager, sale.receipt_no, {3: 1}), "refund.no_line")
    refused(store, lambda: refund(store, manager, sale.receipt_no, {1: 0}), "refund.nothing_left")
    refused(store, lambda: refund(store, manager, "S001-01-260310-9999"), "sale.not_found")
    refund(store, manager, sale.receipt_no, {1: 1, 2: 1})
    refused(store, lambda: refund(store, manager, sale.receipt_no, {1: 1}), "refund.too_many")
    assert_sound(store)


def test_cashier_needs_a_manager_and_the_leave_is_audited(
    store: Store, owner: Actor, manager: Actor, cashier: Actor
) -> None:
    _, sale = mixed_sale(store, owner, manager)
    err = refused(store, lambda: refund(store, cashier, sale.receipt_no), "permission.denied")
    assert "收银员" in str(err) and "退货退款" in str(err)
    # Another cashier "authorising" is no authorisation.
    refused(
        store,
        lambda: refund(store, cashier, sale.receipt_no, authoriser=cashier),
        "permission.denied",
    )
    r = refund(store, cashier, sale.receipt_no, {2: 1}, authoriser=manager, reason="质量问题")
    assert r.authorised_by == "店长"
    [row] = audit_rows(store, "refund")
    assert (row.staff_name, row.authorised_by, row.target) == ("收银员", "店长", sale.receipt_no)
    assert row.detail["amount"] == 100 * YUAN and row.detail["reason"] == "质量问题"
    # A manager refunding on their own is audited without an authoriser.
    refund(store, manager, sale.receipt_no, {1: 1})
    assert [(a.staff_name, a.authorised_by) for a in audit_rows(store, "refund")] == [
        ("收银员", "店长"),
        ("店长", None),
    ]


def test_wallet_payment_goes_back_as_principal_and_bonus(store: Store, owner: Actor) -> None:
    use_program(store, owner, "generic")
    m = new_member(store, owner)
    top_up(store, owner, m.id, 500 * YUAN, "cash")  # 500.00 principal + 50.00 bonus
    # 540 元 from the wallet, principal first: 500.00 principal + 40.00 bonus.
    sale = sell(store, owner, m.id, line(270 * YUAN, 2), wallet=540 * YUAN, tenders={})
    assert (sale.wallet_principal_used, sale.wallet_bonus_used) == (50000, 4000)
    assert wallet_of(store, m.id) == (0, 1000)
    half = refund(store, owner, sale.receipt_no, {1: 1})
    assert (half.wallet_principal, half.wallet_bonus, half.tenders) == (25000, 2000, {})
    assert wallet_of(store, m.id) == (25000, 3000)
    refund(store, owner, sale.receipt_no)
    assert wallet_of(store, m.id) == (50000, 5000)
    assert_sound(store)


def test_a_cancelled_members_wallet_part_comes_back_in_cash(store: Store, owner: Actor) -> None:
    use_program(store, owner, "generic")
    m = new_member(store, owner)
    top_up(store, owner, m.id, 500 * YUAN, "cash")  # 500.00 principal + 50.00 bonus
    sale = sell(store, owner, m.id, line(270 * YUAN, 2), wallet=540 * YUAN, tenders={})
    assert (sale.wallet_principal_used, sale.wallet_bonus_used) == (50000, 4000)
    points = points_of(store, m.id)
    cancel(store, owner, m.id, "搬家")  # the 10.00 bonus left lapses with the card
    assert wallet_of(store, m.id) == (0, 0)
    r = refund(store, owner, sale.receipt_no)
    # The closed wallet takes nothing back: its 500.00 principal is handed over in cash,
    # its 40.00 bonus lapses, and the closed account's points stay as they were.
    assert (r.amount, r.tenders, r.wallet_principal, r.wallet_bonus) == (
        54000,
        {"cash": 50000},
        0,
        0,
    )
    assert (r.points_reversed, r.points_returned, r.policy_note) == (0, 0, CANCELLED_NOTE)
    assert wallet_of(store, m.id) == (0, 0) and points_of(store, m.id) == points
    assert_sound(store)


def test_a_refund_inside_a_batch_that_holds_the_member_keeps_it_current(
    store: Store, owner: Actor
) -> None:
    """The demo builder sells, refunds and tops up in one transaction while the session
    holds the member as an ORM object: what the refund changed reaches that object, so
    the top-up after it starts from the refunded balances."""
    use_program(store, owner, "generic")
    m = new_member(store, owner)
    top_up(store, owner, m.id, 500 * YUAN, "cash")  # 500.00 principal + 50.00 bonus
    with store.write() as uow:
        held = uow.session.get(Member, m.id)
        sale = checkout_in(uow, owner, request(m.id, line(270 * YUAN, 2), wallet=540 * YUAN))
        r = refund_in(uow, owner, owner, sale.sale_id, None, "", None)
        assert (r.wallet_principal_after, r.wallet_bonus_after) == (500 * YUAN, 50 * YUAN)
        assert (held.wallet_principal, held.wallet_bonus, held.lifetime_spend) == (
            500 * YUAN, 50 * YUAN, 0,
        )  # fmt: skip
        top_up_in(uow, owner, m.id, 100 * YUAN, "cash")
    assert wallet_of(store, m.id)[0] == 600 * YUAN
    assert (member_row(store, m.id)["lifetime_spend"], points_of(store, m.id)) == (0, 0)
    assert_sound(store)


def test_a_return_that_undoes_the_first_month_target_takes_the_bonus_back(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """Clothing: 2000 points from purchases within 30 days of joining → +500, once."""
    use_program(store, owner, "clothing")
    set_local(clock, 2026, 3, 10)
    m = new_member(store, owner)
    first = sell(store, owner, m.id, 1500 * YUAN)
    second = sell(store, owner, m.id, 500 * YUAN)
    assert second.points_earned == 500 + 500 and points_of(store, m.id) == 2500
    r = refund(store, owner, first.receipt_no)
    # 2000 − 1500 = 500 first-month points left, short of 2000: the 500 bonus goes too.
    assert (r.points_reversed, r.bonus_reversed, r.points_after) == (1500, 500, 500)
    assert points_entries(store, m.id, "challenge") == [500, -500]
    port = DummyPort()  # the refund slip says why
    assert jobs.print_result(store, r, port).ok
    assert "收回首月奖励 -500" in " ".join(preview_text(port.sent[-1]).split())
    # Reaching the target again inside the month earns the bonus again.
    assert sell(store, owner, m.id, 1500 * YUAN).points_earned == 1500 + 500
    assert points_of(store, m.id) == 2500
    assert_sound(store)


def test_the_bonus_stays_while_the_first_month_target_still_holds(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    use_program(store, owner, "clothing")
    set_local(clock, 2026, 3, 10)
    m = new_member(store, owner)
    big = sell(store, owner, m.id, 2000 * YUAN)  # 2000 + 500
    extra = sell(store, owner, m.id, 300 * YUAN)
    assert refund(store, owner, extra.receipt_no).bonus_reversed == 0  # 2000 still reached
    set_local(clock, 2026, 4, 20)  # after the month: later purchases never counted
    late = sell(store, owner, m.id, 100 * YUAN)
    assert refund(store, owner, late.receipt_no).bonus_reversed == 0
    r = refund(store, owner, big.receipt_no)  # a month-one purchase, returned late
    assert (r.points_reversed, r.bonus_reversed) == (2000, 500)
    assert points_entries(store, m.id, "challenge") == [500, -500]
    assert points_of(store, m.id) == 0
    assert_sound(store)


def test_returning_goods_that_earned_no_points_takes_none_back(
    store: Store, owner: Actor, manager: Actor
) -> None:
    """A 不积分 line (cigarettes) earned nothing: returning it leaves the points the
    clothes earned, and returning the clothes takes back all of theirs."""
    program = revise(preset("generic"), {"categories": [{"name": "烟", "earns_points": False}]})
    use_program(store, owner, program)
    m = new_member(store, owner)
    sale = sell(
        store, owner, m.id, line(100 * YUAN, category="服装"), line(100 * YUAN, category="烟")
    )
    assert sale.points_earned == 100  # the clothes' 100 元 only
    cigarettes = refund(store, manager, sale.receipt_no, {2: 1})
    assert (cigarettes.amount, cigarettes.points_reversed, points_of(store, m.id)) == (
        100 * YUAN, 0, 100,
    )  # fmt: skip
    clothes = refund(store, manager, sale.receipt_no, {1: 1})
    assert (clothes.points_reversed, points_of(store, m.id)) == (100, 0)
    assert_sound(store)


def test_walk_in_refund_returns_the_money_only(store: Store, owner: Actor) -> None:
    use_program(store, owner, "generic")
    sale = sell(store, owner, None, line(1999, 3), tenders={"wechat": 2000, "cash": 5000})
    # 3 × 19.99 = 59.97: wechat 20.00 + cash 39.97 (of 50 handed over).
    r = refund(store, owner, sale.receipt_no, {1: 1})
    # One third of 59.97 = 19.99: wechat 2000/3 = 6.666…, cash 3997/3 = 13.323…; rounded down
    # they make 19.98, and the fen left goes to wechat (the larger part of a fen due).
    assert (r.amount, r.tenders, r.member_name, r.points_after) == (
        1999, {"wechat": 667, "cash": 1332}, None, None,
    )  # fmt: skip
    r2 = refund(store, owner, sale.receipt_no, {1: 2})
    assert r2.tenders == {"wechat": 2000 - 667, "cash": 3997 - 1332}
    assert_sound(store)


def test_each_refund_gives_back_its_amount_to_the_fen(store: Store, owner: Actor) -> None:
    """10.00 paid 5.00 cash + 5.00 WeChat, its three lines returned one at a time: the
    money handed back each time is the slip's 退款金额, not a fen less or more."""
    use_program(store, owner, "generic")
    sale = sell(store, owner, None, line(333, 1), line(333, 1), line(334, 1),
                tenders={"cash": 500, "wechat": 500})  # fmt: skip
    refunds = [refund(store, owner, sale.receipt_no, {n: 1}) for n in (1, 2, 3)]
    assert [r.amount for r in refunds] == [333, 333, 334]
    assert [sum(r.tenders.values()) for r in refunds] == [333, 333, 334]
    assert [r.tenders for r in refunds] == [
        {"cash": 167, "wechat": 166}, {"cash": 166, "wechat": 167}, {"cash": 167, "wechat": 167},
    ]  # fmt: skip
    port = DummyPort()  # the slip shows the amount and the two parts that make it
    assert jobs.print_result(store, refunds[0], port).ok
    slip = " ".join(preview_text(port.sent[-1]).split())
    assert "3.33" in slip and "1.67" in slip and "1.66" in slip
    assert_sound(store)


# ------------------------------------------------------------------ points already spent


def spent_points_sale(store: Store, owner: Actor, manager: Actor, program) -> tuple:
    """200 元 cash → 200 分; the member then spends 150 of them (a gift at the desk)."""
    use_program(store, owner, program)
    m = new_member(store, owner)
    sale = sell(store, owner, m.id, line(100 * YUAN, 2))
    adjust_points(store, manager, m.id, -150, "兑换礼品")
    assert points_of(store, m.id) == 50
    return m, sale


def test_policy_refuse_when_the_points_are_spent(
    store: Store, owner: Actor, manager: Actor
) -> None:
    m, sale = spent_points_sale(store, owner, manager, policy("refuse"))
    err = refused(store, lambda: refund(store, manager, sale.receipt_no), "refund.points_spent")
    assert "150" in str(err)  # 200 to take back, 50 held → 150 short
    # Half the sale takes back 100 分: still more than the 50 held.
    refused(store, lambda: refund(store, manager, sale.receipt_no, {1: 1}), "refund.points_spent")
    assert points_of(store, m.id) == 50


def test_policy_allow_negative(store: Store, owner: Actor, manager: Actor) -> None:
    m, sale = spent_points_sale(store, owner, manager, policy("allow_negative"))
    r = refund(store, manager, sale.receipt_no)
    assert r.policy_note == POLICY_NAMES["allow_negative"]
    assert (r.points_reversed, r.points_after, r.tenders) == (200, -150, {"cash": 200 * YUAN})
    assert points_of(store, m.id) == -150
    assert_sound(store)


def test_policy_deduct_cash(store: Store, owner: Actor, manager: Actor) -> None:
    """150 分 short at 100 分 = 1 元 → 1.50 元 kept back from the cash; the member's
    points go to zero, not below."""
    m, sale = spent_points_sale(store, owner, manager, policy("deduct_cash"))
    r = refund(store, manager, sale.receipt_no)
    assert r.policy_note == POLICY_NAMES["deduct_cash"]
    assert (r.deducted_for_points, r.tenders) == (150, {"cash": 200 * YUAN - 150})
    assert (r.points_reversed, r.points_after) == (50, 0)
    assert r.amount == 200 * YUAN  # the goods' value; the money back is what was reduced
    assert points_of(store, m.id) == 0
    assert_sound(store)


def test_policy_deduct_cash_from_a_wallet_refund(
    store: Store, owner: Actor, manager: Actor
) -> None:
    """Paid from stored value: the points' value comes off what goes back to the wallet
    (principal first), rather than refusing a refund the program allows."""
    use_program(store, owner, policy("deduct_cash"))
    m = new_member(store, owner)
    top_up(store, owner, m.id, 200 * YUAN, "cash")
    sale = sell(store, owner, m.id, 200 * YUAN, wallet=200 * YUAN, tenders={})
    assert sale.points_earned == 200
    adjust_points(store, manager, m.id, -200, "兑换礼品")
    r = refund(store, manager, sale.receipt_no)
    # 200 分 short → 2.00 元 off the 200 元 going back to the wallet.
    assert (r.deducted_for_points, r.wallet_principal, r.tenders) == (200, 200 * YUAN - 200, {})
    assert (r.points_reversed, r.points_after) == (0, 0)
    assert wallet_of(store, m.id) == (200 * YUAN - 200, 0)
    assert_sound(store)


def test_points_returned_count_before_the_policy(
    store: Store, owner: Actor, manager: Actor
) -> None:
    """A sale that both spent and earned points: what comes back in covers what goes out."""
    use_program(store, owner, "generic")
    m = new_member(store, owner)
    adjust_points(store, manager, m.id, 500, "迁移")
    sale = sell(store, owner, m.id, 100 * YUAN, redeem_points=500)  # 5 元 off, 95 元 → 95 分
    assert points_of(store, m.id) == 95
    adjust_points(store, manager, m.id, -95, "兑换")  # nothing left
    r = refund(store, manager, sale.receipt_no)
    assert (r.points_returned, r.points_reversed, r.points_after) == (500, 95, 405)
    assert r.policy_note == ""


def test_a_return_after_the_points_expired_takes_nothing_back(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """Supermarket: bought 30 December, points cleared on 1 January, goods returned on
    2 January. The points are gone by expiry, not spent: the refund goes through under
    the "refuse" policy, takes no points back, and tells the cashier why."""
    use_program(store, owner, "supermarket")
    m = new_member(store, owner)
    set_local(clock, 2026, 12, 30)
    sale = sell(store, owner, m.id, 100 * YUAN)
    set_local(clock, 2027, 1, 1, 0, 30)
    assert run_daily_jobs(store).expired_points == 100
    set_local(clock, 2027, 1, 2)
    newer = sell(store, owner, m.id, 30 * YUAN)  # 30 分 earned this year stay untouched
    r = refund(store, owner, sale.receipt_no)
    assert (r.points_reversed, r.points_after, r.policy_note) == (0, 30, EXPIRED_NOTE)
    assert r.tenders == {"cash": 100 * YUAN}
    # A sale whose points are still live is reversed as usual.
    assert refund(store, owner, newer.receipt_no).points_reversed == 30
    assert_sound(store)


# ------------------------------------------------------------------ property: splits add up


@pytest.fixture(scope="module")
def refund_template(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("refund-template")
    clock = FixedClock(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
    store, owner, manager, cashier = template_store(folder, clock)
    yield store, owner, manager
    store.close()


_counter = itertools.count()

lines_st = st.lists(
    st.tuples(st.integers(1, 5), st.integers(1, 30_000), st.booleans()), min_size=1, max_size=4
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    cart=lines_st,
    tier=st.sampled_from(["normal", "silver", "gold"]),
    order=st.sampled_from(["principal_first", "bonus_first", "proportional"]),
    points_share=st.floats(0, 1),
    wallet_share=st.floats(0, 1),
    split=st.lists(st.sampled_from(["card", "wechat", "alipay", "cash"]), min_size=1, max_size=4),
    chunks=st.randoms(use_true_random=False),
)
def test_partial_refunds_add_up_to_the_sale(
    refund_template, tmp_path: Path, cart, tier, order, points_share, wallet_share, split, chunks
) -> None:
    template, owner, manager = refund_template
    clock = FixedClock(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
    store = fresh_copy(template, tmp_path / f"ex{next(_counter)}", clock, fsync=False)
    try:
        use_program(store, owner, revise(preset("generic"), {"wallet": {"spend_order": order}}))
        m = new_member(store, owner, tier=tier)
        adjust_points(store, manager, m.id, 20_000, "迁移")
        top_up(store, owner, m.id, 1000 * YUAN, "cash")  # 1000 + 150 bonus
        before = (points_of(store, m.id), wallet_of(store, m.id))
        lines = tuple(line(price, qty, no_discount=nd) for qty, price, nd in cart)
        q = quote(store, request(m.id, *lines))
        assert q.limits is not None
        units = int(q.limits.max_points // q.limits.unit_points * points_share)
        redeem = units * q.limits.unit_points
        due = q.pricing.total_fen - (redeem * 100 // 100)  # generic: 100 分 = 1 元
        wallet = min(int(due * wallet_share), 1150 * YUAN)
        rest = due - wallet
        tenders: dict[str, int] = {}
        for i, kind in enumerate(split):  # an uneven split of the rest over the tenders
            part = rest if i == len(split) - 1 else rest // (i + 2)
            tenders[kind] = tenders.get(kind, 0) + part
            rest -= part
        sale = checkout(
            store,
            owner,
            request(m.id, *lines, redeem_points=redeem, wallet=wallet, tenders=tenders),
        )
        # Refund in random chunks until nothing is left.
        left = {x.no: x.quantity for x in sale.lines}
        refunds = []
        while any(left.values()):
            pick = {n: chunks.randint(0, q) for n, q in left.items() if q}
            if not any(pick.values()):
                n = chunks.choice([n for n, q in left.items() if q])
                pick[n] = 1
            refunds.append(refund(store, manager, sale.receipt_no, pick))
            for n, qty in pick.items():
                left[n] -= qty
        assert sum(r.amount for r in refunds) == sale.total
        assert sum(r.points_reversed for r in refunds) == sale.points_earned
        assert sum(r.points_returned for r in refunds) == sale.points_redeemed
        assert sum(r.wallet_principal for r in refunds) == sale.wallet_principal_used
        assert sum(r.wallet_bonus for r in refunds) == sale.wallet_bonus_used
        money = {k: v for k, v in sale.tenders.items() if k not in ("wallet", "points")}
        back: dict[str, int] = {}
        for r in refunds:
            for k, v in r.tenders.items():
                assert v > 0
                back[k] = back.get(k, 0) + v
        assert back == money
        for r in refunds:  # every part of every refund is its share, never more
            assert r.points_reversed >= 0 and r.points_returned >= 0
            assert r.wallet_principal >= 0 and r.wallet_bonus >= 0
        # What each refund hands back (money and stored value) is its amount less the share
        # paid with points: to the fen when no points paid, never more than the amount.
        kept = [r.amount - sum(r.tenders.values()) - r.wallet_principal - r.wallet_bonus
                for r in refunds]  # fmt: skip
        assert min(kept) >= 0 and sum(kept) == sale.points_value
        if not redeem:
            assert set(kept) == {0}
        assert (points_of(store, m.id), wallet_of(store, m.id)) == before
        assert_sound(store)
    finally:
        store.close()

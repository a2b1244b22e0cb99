"""Daily jobs (points expiry, tier review) on the exact boundaries of the shop's time
zone, run twice to prove a second run changes nothing; the shift close (交班) with
its cash count; manual points adjustment with a manager and a reason."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event, func, select

from memberdesk.core.clock import FixedClock
from memberdesk.core.daily import jobs
from memberdesk.core.daily.jobs import (
    expire_points,
    refresh_birthdays,
    review_tiers,
    run_daily_jobs,
)
from memberdesk.core.loyalty.points import adjust_points
from memberdesk.core.loyalty.program import preset, revise
from memberdesk.core.members.member import LunarDate, cancel
from memberdesk.core.members.tiers import set_tier
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Member, OutboxEvent, PointsEntry, Shift
from memberdesk.core.till.refunds import refund
from memberdesk.core.till.shifts import close_shift, open_shift, open_shift_of, shift_summary
from memberdesk.core.till.wallet import cash_out, reverse_topup, top_up

from .loyalty_helpers import (
    YUAN,
    assert_sound,
    audit_rows,
    ledger_sum,
    member_row,
    new_member,
    outbox_kinds,
    points_entries,
    points_of,
    refused,
    sell,
    set_local,
    use_program,
)


def ledger_rows(store: Store) -> tuple[int, int]:
    with store.read() as s:
        return (
            s.scalar(select(func.count()).select_from(PointsEntry)),
            s.scalar(select(func.count()).select_from(OutboxEvent)),
        )


# ------------------------------------------------------------------ points expiry


def test_accessories_lots_expire_at_local_midnight_24_months_on(
    store: Store, clock: FixedClock, owner: Actor, manager: Actor
) -> None:
    """Earned 2024-03-10 → expires at the START of 2026-03-10, shop time (16:00 UTC on
    the 9th). FIFO: the 30 points spent in June 2024 came out of the oldest lot."""
    use_program(store, owner, "accessories")
    set_local(clock, 2024, 3, 10)
    m = new_member(store, owner)
    sell(store, owner, m.id, 100 * YUAN)  # lot 2024-03-10: 100
    set_local(clock, 2024, 3, 11)
    sell(store, owner, m.id, 50 * YUAN)  # lot 2024-03-11: 50
    set_local(clock, 2024, 6, 1)
    adjust_points(store, manager, m.id, -30, "兑换小礼品")  # consumes 30 of the first lot
    assert points_of(store, m.id) == 120

    set_local(clock, 2026, 3, 9, 23, 59)
    assert expire_points(store) == (0, 0)
    set_local(clock, 2026, 3, 10, 0, 0)
    assert expire_points(store) == (1, 70)  # 100 − 30 already spent
    assert points_of(store, m.id) == 50
    rows = ledger_rows(store)
    assert expire_points(store) == (0, 0)  # a second run changes nothing
    assert ledger_rows(store) == rows
    set_local(clock, 2026, 3, 11, 0, 0)
    assert expire_points(store) == (1, 50)  # the 2024-03-11 lot
    assert points_of(store, m.id) == ledger_sum(store, m.id) == 0
    assert points_entries(store, m.id, "expire") == [-70, -50]
    assert_sound(store)


def test_the_expiry_scan_leaves_the_till_free_and_counts_a_sale_made_meanwhile(
    store: Store, clock: FixedClock, owner: Actor, manager: Actor, monkeypatch
) -> None:
    """The whole-ledger scan runs in a read transaction (at 2M sales it takes seconds, at
    every start); a redemption made between the scan and the write is taken into account."""
    use_program(store, owner, "accessories")
    set_local(clock, 2024, 3, 10)
    a, b = new_member(store, owner, "甲"), new_member(store, owner, "乙")
    sell(store, owner, a.id, 100 * YUAN)
    sell(store, owner, b.id, 100 * YUAN)
    set_local(clock, 2026, 3, 10, 9, 0)
    scans: list[str] = []

    def spy(conn, _cursor, statement, _params, _context, _many) -> None:
        if "points_ledger" in statement and ("GROUP BY" in statement or "ORDER BY" in statement):
            scans.append(conn.get_execution_options().get("sqlite_begin", "DEFERRED"))

    real_scan = jobs._due_members

    def due_then_redeem(session, cutoff):  # the till takes 40 of 甲's points right after the scan
        found = real_scan(session, cutoff)
        adjust_points(store, manager, a.id, -40, "兑换小礼品")
        return found

    event.listen(store.engine, "before_cursor_execute", spy)
    monkeypatch.setattr(jobs, "_due_members", due_then_redeem)
    try:
        assert expire_points(store) == (2, 60 + 100)
    finally:
        event.remove(store.engine, "before_cursor_execute", spy)
    assert scans[0] == "DEFERRED"  # the scan held no write lock
    assert set(scans[1:]) == {"IMMEDIATE"}  # each member read again inside the write
    assert points_of(store, a.id) == points_of(store, b.id) == 0
    assert points_entries(store, a.id, "expire") == [-60]
    assert_sound(store)


def test_supermarket_clears_on_1_january(store: Store, clock: FixedClock, owner: Actor) -> None:
    use_program(store, owner, "supermarket")
    m = new_member(store, owner)
    set_local(clock, 2026, 6, 1)
    sell(store, owner, m.id, 100 * YUAN)
    set_local(clock, 2026, 12, 31, 23, 0)
    sell(store, owner, m.id, 50 * YUAN)  # an hour before the clearing: still clears
    set_local(clock, 2026, 12, 31, 23, 59)
    assert run_daily_jobs(store).expired_points == 0
    set_local(clock, 2027, 1, 1, 0, 0)
    report = run_daily_jobs(store)
    assert (report.expired_members, report.expired_points) == (1, 150)
    rows = ledger_rows(store)
    assert run_daily_jobs(store).expired_points == 0
    assert ledger_rows(store) == rows
    set_local(clock, 2027, 1, 1, 9, 0)
    sell(store, owner, m.id, 30 * YUAN)  # earned on the clearing day: kept a year
    set_local(clock, 2027, 12, 31, 23, 59)
    assert expire_points(store) == (0, 0)
    set_local(clock, 2028, 1, 1, 0, 0)
    assert expire_points(store) == (1, 30)
    assert points_of(store, m.id) == 0
    assert_sound(store)


def test_never_expiring_program_expires_nothing(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    use_program(store, owner, "generic")
    m = new_member(store, owner)
    sell(store, owner, m.id, 100 * YUAN)
    set_local(clock, 2036, 3, 10)
    assert expire_points(store) == (0, 0)
    assert points_of(store, m.id) == 100


# ------------------------------------------------------------------ tier review


def test_generic_yearly_review_downgrades_on_1_january_only(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """Generic: 12-month window, yearly review, downgrades allowed. The daily job runs
    every day but moves tiers only on the review date; the first run ever only starts
    the count."""
    use_program(store, owner, "generic")
    m = new_member(store, owner)
    sell(store, owner, m.id, 4000 * YUAN)  # 2026-03-10 → silver at once
    assert run_daily_jobs(store).tiers_changed == 0  # first run: baseline
    set_local(clock, 2026, 9, 1)
    assert run_daily_jobs(store).tiers_changed == 0
    set_local(clock, 2027, 1, 1, 8, 0)  # 2026 spend 4000 元 ≥ 3000: stays silver
    assert run_daily_jobs(store).tiers_changed == 0
    set_local(clock, 2027, 3, 11)  # the sale left the 12-month window: not a review day
    assert run_daily_jobs(store).tiers_changed == 0
    assert member_row(store, m.id)["tier"] == "silver"
    set_local(clock, 2028, 1, 1, 8, 0)  # 2027: nothing bought → 普通
    before = outbox_kinds(store, m.id).count("member.tier_changed")
    assert run_daily_jobs(store).tiers_changed == 1
    assert member_row(store, m.id)["tier"] == "normal"
    assert outbox_kinds(store, m.id).count("member.tier_changed") == before + 1
    rows = ledger_rows(store)
    assert run_daily_jobs(store).tiers_changed == 0  # idempotent
    assert ledger_rows(store) == rows
    assert_sound(store)


def test_clothing_quarterly_review_judges_the_quarter_that_ended(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """5000 元 in March makes 银卡; on 1 April the review looks at Q1 (5000 元 → stays
    silver), not at the empty new quarter. On 1 July Q2 had nothing → back to 积分会员."""
    use_program(store, owner, "clothing")
    m = new_member(store, owner)
    run_daily_jobs(store)  # baseline
    r = sell(store, owner, m.id, 5000 * YUAN)
    assert r.tier_after == "silver"
    set_local(clock, 2026, 4, 1, 0, 5)
    assert run_daily_jobs(store).tiers_changed == 0
    assert member_row(store, m.id)["tier"] == "silver"
    set_local(clock, 2026, 7, 1, 0, 5)
    assert run_daily_jobs(store).tiers_changed == 1
    assert member_row(store, m.id)["tier"] == "member"


def test_review_keeps_what_todays_sales_already_earned(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    use_program(store, owner, "clothing")
    m = new_member(store, owner)
    run_daily_jobs(store)  # baseline
    set_local(clock, 2026, 7, 1, 9, 0)  # bought before the job ran on the review day
    assert sell(store, owner, m.id, 5000 * YUAN).tier_after == "silver"
    assert run_daily_jobs(store).tiers_changed == 0
    assert member_row(store, m.id)["tier"] == "silver"


def test_a_review_run_late_keeps_what_the_new_quarter_already_earned(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """The shop was closed on 1 April; the daily job first runs on 20 April and holds the
    1 April review then. A member who reached 银卡 on 10 April keeps it."""
    use_program(store, owner, "clothing")
    m = new_member(store, owner)
    run_daily_jobs(store)  # baseline
    set_local(clock, 2026, 4, 10)
    assert sell(store, owner, m.id, 5000 * YUAN).tier_after == "silver"
    set_local(clock, 2026, 4, 20)
    assert run_daily_jobs(store).tiers_changed == 0
    assert member_row(store, m.id)["tier"] == "silver"


def test_no_downgrade_unless_the_program_says_so(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    use_program(store, owner, revise(preset("generic"), {"tiers": {"downgrade_at_review": False}}))
    m = new_member(store, owner)
    sell(store, owner, m.id, 4000 * YUAN)
    set_local(clock, 2029, 1, 1)
    assert review_tiers(store) == 0
    assert member_row(store, m.id)["tier"] == "silver"


def test_a_locked_tier_never_moves(store: Store, clock: FixedClock, owner: Actor) -> None:
    """There is no core operation to lock a tier yet (reported); the flag is set here."""
    use_program(store, owner, "generic")
    vip = new_member(store, owner, "老板朋友", tier="diamond")
    small = new_member(store, owner, "锁普通", tier="normal")
    with store.write() as uow:
        for member_id in (vip.id, small.id):
            uow.session.get(Member, member_id).tier_locked = True
    set_local(clock, 2027, 1, 1)
    assert review_tiers(store) == 0
    assert member_row(store, vip.id)["tier"] == "diamond"
    r = sell(store, owner, small.id, 20000 * YUAN)  # 2 万元 would make diamond
    assert (r.tier_before, r.tier_after) == ("normal", "normal")
    assert review_tiers(store) == 0
    assert member_row(store, small.id)["tier"] == "normal"


def _tier_scan_spy(store: Store, scans: list[str]):
    """Records, for every statement summing sales by member, how its transaction began."""

    def spy(conn, _cursor, statement, _params, _context, _many) -> None:
        if "FROM sales" in statement and "GROUP BY sales.member_id" in statement:
            scans.append(conn.get_execution_options().get("sqlite_begin", "DEFERRED"))

    return spy


def test_the_tier_review_scan_leaves_the_till_free_and_counts_a_sale_made_meanwhile(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """Summing every member's spend takes seconds at 2M sales, while the till is open: it
    runs in a read transaction, so a sale made during it goes through at once (it would
    wait for the write lock, then fail), and the member's new tier follows that sale."""
    use_program(store, owner, "clothing")  # quarterly; 银卡 5000 元; reviews lower
    kept = new_member(store, owner, "甲", tier="silver")
    lowered = new_member(store, owner, "乙", tier="silver")
    set_local(clock, 2026, 7, 1, 9, 0)  # nothing bought in Q2: both would go down
    scans: list[str] = []
    sales: list = []
    spy = _tier_scan_spy(store, scans)

    def sell_during_the_scan(*_args) -> None:  # right after the first sum, still inside it
        if scans and not sales:
            sales.append(None)  # (the sale's own statements come back here)
            sales[0] = sell(store, owner, kept.id, 6000 * YUAN)  # 5700 after 5 % off

    event.listen(store.engine, "before_cursor_execute", spy)
    event.listen(store.engine, "after_cursor_execute", sell_during_the_scan)
    try:
        assert review_tiers(store, date(2026, 7, 1)) == 1
    finally:
        event.remove(store.engine, "before_cursor_execute", spy)
        event.remove(store.engine, "after_cursor_execute", sell_during_the_scan)
    assert scans[:2] == ["DEFERRED", "DEFERRED"]  # both windows summed without a write lock
    assert set(scans[2:]) == {"IMMEDIATE"}  # each mover summed again inside the write
    assert sales[0].tier_after == "silver"
    assert member_row(store, kept.id)["tier"] == "silver"  # the new quarter already earns it
    assert member_row(store, lowered.id)["tier"] == "member"
    assert review_tiers(store, date(2026, 7, 1)) == 0  # a second run moves nobody
    assert_sound(store)


def test_the_tier_review_judges_each_member_again_when_it_writes(
    store: Store, clock: FixedClock, owner: Actor, manager: Actor, monkeypatch
) -> None:
    """Between the scan and the writes (in batches): a refund lowers a spend further, a
    tier is locked by hand, another is set by hand, a card is cancelled. Each write
    follows what the member's row and sales say then."""
    use_program(store, owner, "clothing")
    refunded, locked, by_hand, cancelled, untouched = (
        new_member(store, owner, name, tier="gold") for name in ("甲", "乙", "丙", "丁", "戊")
    )
    set_local(clock, 2026, 5, 10)
    sale = sell(store, owner, refunded.id, 6000 * YUAN)  # Q2: 5520 元 after 8 % off → 银卡
    set_local(clock, 2026, 7, 1, 9, 0)
    scans: list[str] = []
    spy = _tier_scan_spy(store, scans)
    real_write, done = store.write, []

    def write_after_the_scan():  # the till, before the review writes anything
        if scans and not done:
            done.append(True)
            refund(store, owner, sale.receipt_no, reason="退货")
            set_tier(store, manager, locked.id, "gold", locked=True, reason="老客户")
            set_tier(store, manager, by_hand.id, "member", locked=False, reason="按实际消费")
            cancel(store, owner, cancelled.id, "搬家")
        return real_write()

    event.listen(store.engine, "before_cursor_execute", spy)
    monkeypatch.setattr(store, "write", write_after_the_scan)
    monkeypatch.setattr(jobs, "REVIEW_BATCH", 2)
    try:
        assert review_tiers(store, date(2026, 7, 1)) == 2
    finally:
        event.remove(store.engine, "before_cursor_execute", spy)
    assert done
    assert scans.count("IMMEDIATE") == 3 * 2  # 5 movers found: 3 writes, each sums 2 windows
    tiers = [member_row(store, m.id)["tier"] for m in (refunded, locked, by_hand, cancelled)]
    assert tiers == ["member", "gold", "member", "gold"]  # the refund counted: not 银卡
    assert member_row(store, untouched.id)["tier"] == "member"
    assert outbox_kinds(store, by_hand.id).count("member.tier_changed") == 1  # by hand only
    assert outbox_kinds(store, untouched.id).count("member.tier_changed") == 1
    assert review_tiers(store, date(2026, 7, 1)) == 0
    assert_sound(store)


# ------------------------------------------------------------------ birthdays


def test_birthdays_move_to_the_new_year_in_short_writes(
    store: Store, clock: FixedClock, owner: Actor, monkeypatch
) -> None:
    """On 1 January every member's month-day moves (a lunar birthday to its new solar
    date): found in a read, written a batch at a time, so the till is never held up."""
    set_local(clock, 2025, 6, 1)
    new_member(store, owner, "中秋", lunar_birthday=LunarDate(1990, 8, 15))
    solar = [new_member(store, owner, f"会员{i}", birthday=date(1990, 5, i + 1)) for i in range(4)]
    new_member(store, owner, "无生日")
    set_local(clock, 2026, 1, 1, 0, 5)
    monkeypatch.setattr(jobs, "BIRTHDAY_BATCH", 2)
    begins: list[str] = []
    spy = lambda conn, *_: begins.append(conn.get_execution_options().get("sqlite_begin", "-"))  # noqa: E731
    event.listen(store.engine, "begin", spy)
    try:
        assert refresh_birthdays(store) == 5
    finally:
        event.remove(store.engine, "begin", spy)
    assert begins.count("IMMEDIATE") == 3  # 2 + 2 + 1 members
    with store.read() as s:
        rows = {name: (md, year) for name, md, year in s.execute(
            select(Member.name, Member.birthday_md, Member.birthday_md_year))}  # fmt: skip
    assert rows["中秋"] == (925, 2026)  # 八月十五 falls on 25 September in 2026
    assert [rows[m.name] for m in solar] == [(501 + i, 2026) for i in range(4)]
    assert rows["无生日"] == (None, None)
    assert refresh_birthdays(store) == 0  # nothing left to move


# ------------------------------------------------------------------ shift close


def test_shift_close_counts_everything_by_tender(
    store: Store, clock: FixedClock, owner: Actor, manager: Actor, cashier: Actor
) -> None:
    use_program(store, owner, "generic")
    regular = new_member(store, owner, "老会员")
    adjust_points(store, manager, regular.id, 1000, "迁移")
    top_up(store, owner, regular.id, 100 * YUAN, "cash")  # before the shift: not counted
    clock.advance(minutes=1)
    shift = open_shift(store, cashier, 500 * YUAN)
    assert open_shift_of(store, cashier) == shift
    refused(store, lambda: open_shift(store, cashier, 0), "shift.open")
    clock.advance(minutes=1)

    newbie = new_member(store, cashier, "新会员")  # 1 new member in the shift
    a = sell(
        store, cashier, None, 8850, tenders={"cash": 100 * YUAN}, shift_id=shift
    )  # change 11.50
    sell(store, cashier, regular.id, 50 * YUAN, tenders={"card": 50 * YUAN}, shift_id=shift)
    sell(store, cashier, newbie.id, 30 * YUAN, tenders={"wechat": 30 * YUAN}, shift_id=shift)
    sell(store, cashier, regular.id, 20 * YUAN, tenders={"alipay": 20 * YUAN}, shift_id=shift)
    sell(  # 10 元 sale: 5 元 by 500 分, 5 元 by the wallet
        store, cashier, regular.id, 10 * YUAN, redeem_points=500, wallet=5 * YUAN,
        tenders={}, shift_id=shift,
    )  # fmt: skip
    refund(store, cashier, a.receipt_no, {1: 1}, authoriser=manager, shift_id=shift)  # 88.50 cash
    t = top_up(store, cashier, newbie.id, 1000 * YUAN, "cash", shift_id=shift)  # +150 bonus
    top_up(store, cashier, newbie.id, 200 * YUAN, "card", shift_id=shift)
    cash_out(store, cashier, regular.id, 30 * YUAN, authoriser=manager, shift_id=shift)
    small = top_up(store, cashier, newbie.id, 10 * YUAN, "cash", shift_id=shift)
    reverse_topup(store, cashier, small.ref_id, authoriser=manager, reason="重复充值")
    clock.advance(minutes=1)

    live = shift_summary(store, shift, "收银员")
    # Float 500 + cash sales 88.50 + cash top-ups (1000 + 10 − 10 reversed) − cash
    # refund 88.50 − cash-out 30 = 1470.00 元.
    assert live.expected_cash == 500 * YUAN + 8850 + 1000 * YUAN - 8850 - 30 * YUAN
    closed = close_shift(store, cashier, shift, 1469 * YUAN, next_float=500 * YUAN, note="少一元")
    assert closed.sales_count == 5
    assert closed.sales_by_tender == {
        "cash": 8850, "card": 5000, "wechat": 3000, "alipay": 2000, "points": 500, "wallet": 500,
    }  # fmt: skip
    assert closed.sales_total == 8850 + 5000 + 3000 + 2000 + 1000
    assert (closed.refunds_count, closed.refunds_by_tender) == (1, {"cash": 8850})
    assert closed.topups_by_tender == {"cash": 1000 * YUAN, "card": 200 * YUAN}
    assert closed.topup_bonus == 150 * YUAN + 0 + 0  # 充1000送150 (generic)
    assert closed.cashouts == 30 * YUAN
    assert closed.points_redeemed == 500
    assert closed.new_members == 1
    assert closed.expected_cash == 147000
    assert (closed.counted_cash, closed.difference) == (146900, -100)
    assert closed.next_shift_id is not None and closed.next_shift_id != shift
    assert open_shift_of(store, cashier) == closed.next_shift_id
    with store.read() as s:
        row = s.get(Shift, shift)
        assert (row.expected_cash, row.counted_cash, row.note) == (147000, 146900, "少一元")
        assert row.summary["difference"] == -100
    assert t.bonus_delta == 150 * YUAN
    refused(store, lambda: close_shift(store, cashier, shift, 0), "shift.closed")
    refused(store, lambda: open_shift(store, cashier, -1), "amount.negative")
    # The next shift starts empty.
    assert shift_summary(store, closed.next_shift_id).sales_count == 0
    assert_sound(store)


def test_two_shifts_open_at_once_each_count_only_their_own_cash_outs_and_reversals(
    store: Store, clock: FixedClock, owner: Actor, manager: Actor, cashier: Actor
) -> None:
    use_program(store, owner, "generic")
    member = new_member(store, owner, "老会员")
    mine = open_shift(store, cashier, 500 * YUAN)
    theirs = open_shift(store, manager, 300 * YUAN)  # the manager works the second till
    clock.advance(minutes=1)
    top_up(store, manager, member.id, 200 * YUAN, "cash", shift_id=theirs)
    small = top_up(store, cashier, member.id, 10 * YUAN, "cash", shift_id=mine)
    reverse_topup(store, cashier, small.ref_id, authoriser=manager, reason="重复充值",
                  shift_id=mine)  # fmt: skip
    cash_out(store, manager, member.id, 50 * YUAN, shift_id=theirs)
    clock.advance(minutes=1)
    a, b = shift_summary(store, mine), shift_summary(store, theirs)
    assert (a.cashouts, a.topups_by_tender) == (0, {"cash": 0})
    assert a.expected_cash == 500 * YUAN  # +10 top-up −10 reversed
    assert (b.cashouts, b.topups_by_tender) == (50 * YUAN, {"cash": 200 * YUAN})
    assert b.expected_cash == 300 * YUAN + 200 * YUAN - 50 * YUAN


# ------------------------------------------------------------------ manual adjustment


def test_manual_points_adjustment(
    store: Store, owner: Actor, manager: Actor, cashier: Actor
) -> None:
    use_program(store, owner, "generic")
    m = new_member(store, owner)
    refused(store, lambda: adjust_points(store, cashier, m.id, 100, "补录"), "permission.denied")
    refused(store, lambda: adjust_points(store, manager, m.id, 100, "   "), "adjust.reason")
    refused(store, lambda: adjust_points(store, manager, m.id, 100, ""), "adjust.reason")
    refused(store, lambda: adjust_points(store, manager, m.id, 0, "补录"), "adjust.zero")
    refused(store, lambda: adjust_points(store, manager, m.id, -1, "扣减"), "points.insufficient")
    r = adjust_points(store, cashier, m.id, 100, " 补录小票 ", authoriser=manager)
    assert (r.delta, r.points_after, r.reason, r.authorised_by) == (100, 100, "补录小票", "店长")
    adjust_points(store, manager, m.id, -40, "兑换")
    assert points_of(store, m.id) == ledger_sum(store, m.id) == 60
    rows = audit_rows(store, "points.adjust")
    assert [
        (a.staff_name, a.authorised_by, a.detail["delta"], a.detail["reason"]) for a in rows
    ] == [
        ("收银员", "店长", 100, "补录小票"),
        ("店长", None, -40, "兑换"),
    ]
    assert_sound(store)


def test_birthday_refresh_is_idempotent(store: Store, clock: FixedClock, owner: Actor) -> None:
    from memberdesk.core.members.member import LunarDate

    use_program(store, owner, "generic")
    m = new_member(store, owner, lunar_birthday=LunarDate(1990, 8, 15))
    assert member_row(store, m.id)["birthday_md"] == 925  # 2026-09-25
    set_local(clock, 2027, 1, 2)
    assert run_daily_jobs(store).birthdays_refreshed == 1
    assert member_row(store, m.id)["birthday_md"] == 915  # 2027-09-15
    assert run_daily_jobs(store).birthdays_refreshed == 0
    assert date(2027, 9, 15).month == 9

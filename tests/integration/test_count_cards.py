"""Count cards (次卡) at the till: ten haircuts sold for 400 元, valid 90 days; one visit
used per confirmation with the visits left on the slip; the unused ones refunded by the
program's rule with a manager, or expired by the daily job; each act its own journal rows,
and `check` holding after each (counts sold = used + refunded + expired + left)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select, text

from memberdesk.core.clock import FixedClock
from memberdesk.core.daily.jobs import run_daily_jobs
from memberdesk.core.items.catalogue import ItemForm, create_item
from memberdesk.core.loyalty.program import preset, revise
from memberdesk.core.loyalty.program_store import current_program
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import CountCardEntry, OutboxEvent
from memberdesk.core.till.count_cards import (
    CountCardForm,
    card_history,
    count_cards_of,
    refund_count_card,
    refund_preview,
    sell_count_card,
    use_count_card,
)

from .loyalty_helpers import (
    YUAN,
    assert_sound,
    audit_rows,
    new_member,
    problems,
    set_local,
    unchanged,
    use_program,
)

HAIRCUTS = CountCardForm("剪发十次卡", counts=10, price=400 * YUAN, tender="wechat",
                         item_code="HC01", valid_days=90)  # fmt: skip


@pytest.fixture
def salon(store: Store, clock: FixedClock, owner: Actor) -> Store:
    set_local(clock, 2026, 3, 10)
    create_item(store, owner, ItemForm("剪发", 50 * YUAN, code="HC01", category="美发"))
    create_item(store, owner, ItemForm("洗吹", 30 * YUAN, code="WB01", category="美发"))
    return store


def test_sell_use_with_confirmation_and_the_slip_shows_whats_left(
    salon: Store, clock: FixedClock, owner: Actor, cashier: Actor
) -> None:
    m = new_member(salon, owner, "王美")
    sold = sell_count_card(salon, cashier, m.id, HAIRCUTS)
    assert (sold.kind, sold.amount, sold.tender, sold.counts) == ("sold", 40000, "wechat", 10)
    assert sold.receipt_no.endswith("-K0001")
    assert (sold.card.left, sold.card.counts, sold.card.covers) == (10, 10, "剪发")
    assert sold.card.expires_on == date(2026, 6, 8)  # 90 days: 10 March … 7 June
    with unchanged(salon, "countcard.unconfirmed"):
        use_count_card(salon, cashier, sold.card.id, member_confirmed=False)
    used = use_count_card(salon, cashier, sold.card.id, member_confirmed=True)
    assert (used.kind, used.counts, used.card.left) == ("use", 1, 9)
    assert used.receipt_no.endswith("-U0001")
    assert [c.left for c in count_cards_of(salon, m.id)] == [9]
    assert [(e.kind, e.delta, e.left_after) for e in card_history(salon, sold.card.id)] == [
        ("sold", 10, 10), ("use", -1, 9),
    ]  # fmt: skip
    with salon.read() as s:
        kinds = list(s.scalars(select(OutboxEvent.kind).where(OutboxEvent.kind.like("countcard.%"))
                               .order_by(OutboxEvent.seq)))  # fmt: skip
    assert kinds == ["countcard.sold", "countcard.entry", "countcard.entry"]
    assert_sound(salon)


def test_a_bad_card_is_refused_in_the_users_words(
    salon: Store, owner: Actor, cashier: Actor
) -> None:
    m = new_member(salon, owner)
    cases = {
        "countcard.covers": replace(HAIRCUTS, category="美发"),
        "countcard.no_item": replace(HAIRCUTS, item_code="NOPE"),
        "countcard.no_category": replace(HAIRCUTS, item_code=None, category="美甲"),
        "countcard.counts": replace(HAIRCUTS, counts=0),
        "countcard.tender": replace(HAIRCUTS, tender="wallet"),
        "countcard.valid_days": replace(HAIRCUTS, valid_days=0),
        "countcard.name": replace(HAIRCUTS, name="  "),
        "amount.not_fen": replace(HAIRCUTS, price=399.5),
    }
    for code, form in cases.items():
        with unchanged(salon, code) as caught:
            sell_count_card(salon, cashier, m.id, form)
        assert caught and caught[0].message("zh_CN") != code


def test_a_card_dearer_than_one_registered_prepaid_card_may_hold_is_refused(
    salon: Store, owner: Actor, cashier: Actor
) -> None:
    """A member's count card is a registered prepaid card: its price keeps to the limit the
    programme sets for one (¥5,000 by default, as for stored value), said with both
    amounts; a shop the rule does not cover sets no limit (0) and sells it."""
    m = new_member(salon, owner)
    with unchanged(salon, "countcard.over_limit") as caught:
        sell_count_card(salon, cashier, m.id, replace(HAIRCUTS, price=5000 * YUAN + 1))
    said = caught[0].message("zh_CN")
    assert "¥5,000.01" in said and "¥5,000.00" in said and "限额" in said
    assert (
        sell_count_card(salon, cashier, m.id, replace(HAIRCUTS, price=5000 * YUAN)).amount == 500000
    )
    program = current_program(salon).program
    use_program(salon, owner, revise(program, {"wallet": {"principal_limit_fen": 0}}))
    dear = sell_count_card(salon, cashier, m.id, replace(HAIRCUTS, price=8000 * YUAN))
    assert dear.amount == 800000
    assert_sound(salon)


def test_used_up_and_expired_cards_are_refused(
    salon: Store, clock: FixedClock, owner: Actor, cashier: Actor
) -> None:
    m = new_member(salon, owner)
    two = sell_count_card(salon, cashier, m.id, replace(HAIRCUTS, counts=2, valid_days=30))
    for _ in range(2):
        use_count_card(salon, cashier, two.card.id, member_confirmed=True)
    with unchanged(salon, "countcard.used_up"):
        use_count_card(salon, cashier, two.card.id, member_confirmed=True)
    card = sell_count_card(salon, cashier, m.id, replace(HAIRCUTS, valid_days=30))
    set_local(clock, 2026, 4, 8, 23, 59)  # the 30th day: still valid
    use_count_card(salon, cashier, card.card.id, member_confirmed=True)
    set_local(clock, 2026, 4, 9, 0, 0)
    with unchanged(salon, "countcard.expired") as caught:
        use_count_card(salon, cashier, card.card.id, member_confirmed=True)
    assert "2026-04-08" in caught[0].message("zh_CN")
    assert_sound(salon)


@pytest.mark.parametrize(
    ("rule", "back"),
    [("pro_rata", 7 * 40 * YUAN), ("visit_price", 400 * YUAN - 3 * 50 * YUAN), ("none", 0)],
)
def test_unused_visits_are_refunded_by_the_programs_rule(
    salon: Store, owner: Actor, cashier: Actor, manager: Actor, rule: str, back: int
) -> None:
    """3 of 10 haircuts used: pro rata 7 × 40 元; at the haircut's own price 400 − 3 × 50
    元; or nothing."""
    use_program(salon, owner, revise(preset("generic"), {"count_cards": {"refund": rule}}))
    m = new_member(salon, owner)
    card = sell_count_card(salon, cashier, m.id, HAIRCUTS).card
    for _ in range(3):
        use_count_card(salon, cashier, card.id, member_confirmed=True)
    assert refund_preview(salon, card.id) == back
    with unchanged(salon, "permission.denied"):
        refund_count_card(salon, cashier, card.id)
    slip = refund_count_card(salon, cashier, card.id, authoriser=manager, reason="搬家")
    assert (slip.kind, slip.counts, slip.amount, slip.tender, slip.card.left) == (
        "refund", 7, back, "wechat", 0,
    )  # fmt: skip
    assert audit_rows(salon, "countcard.refund")[0].authorised_by == "店长"
    with unchanged(salon, "countcard.used_up"):
        refund_count_card(salon, manager, card.id)
    assert count_cards_of(salon, m.id) == []
    assert_sound(salon)


def test_the_daily_job_expires_unused_visits_once(
    salon: Store, clock: FixedClock, owner: Actor, cashier: Actor
) -> None:
    m = new_member(salon, owner)
    card = sell_count_card(salon, cashier, m.id, HAIRCUTS).card
    use_count_card(salon, cashier, card.id, member_confirmed=True)
    assert run_daily_jobs(salon, date(2026, 6, 7)).expired_count_cards == 0
    report = run_daily_jobs(salon, date(2026, 6, 8))
    assert (report.expired_count_cards, report.expired_visits) == (1, 9)
    assert run_daily_jobs(salon, date(2026, 6, 9)).expired_count_cards == 0
    assert [(e.kind, e.delta) for e in card_history(salon, card.id)][-1] == ("expire", -9)
    assert_sound(salon)


def test_check_names_a_card_whose_counts_do_not_add_up(
    salon: Store, owner: Actor, cashier: Actor
) -> None:
    m = new_member(salon, owner)
    card = sell_count_card(salon, cashier, m.id, HAIRCUTS).card
    use_count_card(salon, cashier, card.id, member_confirmed=True)
    con = sqlite3.connect(salon.path)
    try:
        for sql in ("UPDATE count_card_ledger SET delta = 0",
                    "DELETE FROM count_card_ledger",
                    "UPDATE count_cards SET counts_left = 10",
                    "UPDATE count_cards SET counts = 20"):  # fmt: skip
            with pytest.raises(sqlite3.DatabaseError):
                con.execute(sql)
        # Someone with the file drops a guard and gives the visit back.
        con.execute("DROP TRIGGER trg_count_cards_left_down")
        con.execute("UPDATE count_cards SET counts_left = 10")
        con.commit()
    finally:
        con.close()
    found = " ".join(str(p) for p in problems(salon))
    assert "trg_count_cards_left_down" in found
    assert card.receipt_no in found
    with salon.read() as s:
        assert s.scalar(select(CountCardEntry.left_after).order_by(text("rowid DESC"))) == 9


def test_the_slips_show_the_visits_left_and_print_again_from_history(
    salon: Store, clock: FixedClock, owner: Actor, cashier: Actor, manager: Actor
) -> None:
    from memberdesk.core.printing.documents import job_ref, load_slip
    from memberdesk.core.printing.layout import Paper
    from memberdesk.core.printing.slips import SlipContext, count_card_slip
    from memberdesk.core.shop.details import get_shop

    m = new_member(salon, owner, "王美")
    sold = sell_count_card(salon, cashier, m.id, HAIRCUTS)
    used = use_count_card(salon, cashier, sold.card.id, member_confirmed=True)
    back = refund_count_card(salon, cashier, sold.card.id, authoriser=manager)
    ctx = SlipContext(get_shop(salon), clock.at.replace(tzinfo=None), cashier.name)
    texts = [count_card_slip(r, ctx, Paper(32)).text for r in (sold, used, back)]
    assert "剪发十次卡" in texts[0] and "10/10" in texts[0] and "2026-06-07" in texts[0]
    assert "9/10" in texts[1] and m.phone[-4:] in texts[1]
    assert "0/10" in texts[2] and "360.00" in texts[2]
    with salon.read() as s:
        again = load_slip(s, *job_ref(used), Paper(32), now=clock.at.replace(tzinfo=None),
                          reprint=1)  # fmt: skip
    assert "9/10" in again.text and used.receipt_no == again.ref


def test_the_shift_counts_the_cash_a_card_brought_and_gave_back(
    salon: Store, owner: Actor, cashier: Actor, manager: Actor
) -> None:
    from memberdesk.core.till.shifts import open_shift, shift_summary

    shift = open_shift(salon, cashier, 10000)
    m = new_member(salon, owner)
    card = sell_count_card(salon, cashier, m.id, replace(HAIRCUTS, tender="cash"), shift_id=shift)
    sell_count_card(salon, cashier, m.id, HAIRCUTS, shift_id=shift)  # WeChat: not the drawer
    use_count_card(salon, cashier, card.card.id, member_confirmed=True, shift_id=shift)
    refund_count_card(salon, cashier, card.card.id, authoriser=manager, shift_id=shift)  # 360 元
    summary = shift_summary(salon, shift)
    assert summary.count_cards_by_tender == {"cash": 40000 - 36000, "wechat": 40000}
    assert summary.expected_cash == 10000 + 4000


def test_the_day_report_counts_count_card_money(
    salon: Store, owner: Actor, cashier: Actor, manager: Actor
) -> None:
    from memberdesk.core.till.day_report import day_report

    m = new_member(salon, owner)
    card = sell_count_card(salon, cashier, m.id, replace(HAIRCUTS, tender="cash"))
    refund_count_card(salon, cashier, card.card.id, authoriser=manager)
    sell_count_card(salon, cashier, m.id, HAIRCUTS)
    report = day_report(salon, manager)
    assert report.count_cards_by_tender == {"wechat": 40000}  # cash: 400 in, 400 back
    assert report.money_by_tender == {"wechat": 40000}


def test_a_card_is_refunded_by_the_rule_it_was_sold_under_and_not_once_expired(
    salon: Store, clock: FixedClock, owner: Actor, cashier: Actor, manager: Actor
) -> None:
    use_program(salon, owner, revise(preset("generic"), {"count_cards": {"refund": "none"}}))
    m = new_member(salon, owner)
    card = sell_count_card(salon, cashier, m.id, HAIRCUTS).card
    short = sell_count_card(salon, cashier, m.id, replace(HAIRCUTS, valid_days=1)).card
    use_program(salon, owner, preset("generic"))  # pro rata from now on
    assert refund_preview(salon, card.id) == 0  # the rule it was sold under
    set_local(clock, 2026, 3, 11)  # the short card's one day is over
    with unchanged(salon, "countcard.expired"):
        refund_count_card(salon, manager, short.id)
    assert refund_count_card(salon, manager, card.id).amount == 0
    fresh = sell_count_card(salon, cashier, m.id, HAIRCUTS).card
    assert refund_preview(salon, fresh.id) == 400 * YUAN
    assert_sound(salon)


@pytest.mark.parametrize(
    "change",
    [
        "visit_price = 1",  # a refund would take 1 fen off a visit used, not the haircut's price
        "expires_on = '2099-01-01'",  # used and refunded long after it lapsed
        "tender = 'cash'",  # paid by WeChat, refunded from the drawer
        "business_date = '2026-03-01'",
    ],
)
def test_check_names_a_card_whose_terms_were_changed_in_the_file(
    salon: Store, owner: Actor, cashier: Actor, change: str
) -> None:
    """What a card's use and refund read from its row, changed in the file with its guard
    dropped and put back, differs from what the journal sealed when it was sold."""
    m = new_member(salon, owner)
    card = sell_count_card(salon, cashier, m.id, HAIRCUTS).card
    use_count_card(salon, cashier, card.id, member_confirmed=True)
    assert_sound(salon)
    con = sqlite3.connect(salon.path)
    try:
        (guard,) = con.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'trg_count_cards_frozen'"
        ).fetchone()
        con.execute("DROP TRIGGER trg_count_cards_frozen")
        con.execute(f"UPDATE count_cards SET {change}")
        con.execute(guard)
        con.commit()
    finally:
        con.close()
    found = " ".join(p.text("en") for p in problems(salon))
    assert f"count card {card.id} differs from what the sync journal sealed" in found, found


def test_check_names_a_card_moved_to_another_program_in_the_file(
    salon: Store, owner: Actor, cashier: Actor, manager: Actor
) -> None:
    """A card sold while the program gave nothing back for unused counts keeps that rule
    (the program version it was sold under). Moved in the file to the later program that
    refunds pro rata (the guard put back), its refund pays out 360 元 the shop never
    promised; `check` names the card and both versions."""
    use_program(salon, owner, revise(preset("generic"), {"count_cards": {"refund": "none"}}))
    m = new_member(salon, owner)
    card = sell_count_card(salon, cashier, m.id, HAIRCUTS).card
    use_count_card(salon, cashier, card.id, member_confirmed=True)
    use_program(salon, owner, preset("generic"))  # pro rata from now on
    assert refund_preview(salon, card.id) == 0 and problems(salon) == []
    con = sqlite3.connect(salon.path)
    try:
        sold_under, seq = con.execute(
            "SELECT c.program_version, o.seq FROM count_cards c JOIN outbox o"
            " ON o.aggregate_id = c.id AND o.kind = 'countcard.sold'"
        ).fetchone()
        (guard,) = con.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'trg_count_cards_frozen'"
        ).fetchone()
        con.execute("DROP TRIGGER trg_count_cards_frozen")
        con.execute("UPDATE count_cards SET program_version = program_version + 1")
        con.execute(guard)
        con.commit()
    finally:
        con.close()
    assert refund_preview(salon, card.id) == 360 * YUAN  # of nothing
    found = problems(salon)
    assert [p.text("en") for p in found] == [
        f"count card {card.receipt_no} says it was sold under loyalty program version "
        f"{sold_under + 1}, but version {sold_under} was in force when it was sold (sync record "
        f"{seq}): its refund would follow another program's rule"
    ]
    assert found[0].text("zh") == (
        f"次卡 {card.receipt_no} 记着按会员方案第 {sold_under + 1} 版售出，但售出时（第 {seq} "
        f"条同步记录）生效的是第 {sold_under} 版：退卡时会按另一版方案的规则退款"
    )


@pytest.mark.parametrize("edit", ["UPDATE settings SET value = '1' WHERE key = ?",
                                  "DELETE FROM settings WHERE key = ?"])  # fmt: skip
def test_a_receipt_counter_turned_back_in_the_file_is_named_before_a_number_repeats(
    salon: Store, owner: Actor, cashier: Actor, edit: str
) -> None:
    """A visit's receipt number comes from the day's counter. Turned back (or removed) in
    the file, the next visit would be given a number a customer already holds; `check`
    names the counter, and a number issued twice."""
    m = new_member(salon, owner)
    card = sell_count_card(salon, cashier, m.id, HAIRCUTS).card
    first = use_count_card(salon, cashier, card.id, member_confirmed=True)
    use_count_card(salon, cashier, card.id, member_confirmed=True)
    assert_sound(salon)
    day = f"20{first.receipt_no.rsplit('-', 2)[1]}"
    con = sqlite3.connect(salon.path)
    try:
        con.execute(edit, (f"receipt.seq.U{day}",))
        con.commit()
    finally:
        con.close()
    found = " ".join(p.text("en") for p in problems(salon))
    assert f"the receipt counter of {day} U" in found, found
    again = use_count_card(salon, cashier, card.id, member_confirmed=True)
    assert again.receipt_no == first.receipt_no  # what the till then does
    found = " ".join(p.text("en") for p in problems(salon))
    assert f"receipt number {first.receipt_no} was issued 2 times" in found, found

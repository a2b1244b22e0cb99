"""Coupons worked through by hand: each kind, stacking with the member's discount and with
points, a refund that gives the coupon back, expiry, codes that cannot be forged."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from memberdesk.core.check.checks import run_checks
from memberdesk.core.coupons.codes import read_terms
from memberdesk.core.coupons.issue import issue_coupons
from memberdesk.core.coupons.report import coupons_to_use, list_coupons
from memberdesk.core.daily.jobs import expire_coupons
from memberdesk.core.errors import DomainError
from memberdesk.core.items.catalogue import ItemForm, create_item
from memberdesk.core.items.scan import read_scan
from memberdesk.core.loyalty.points import adjust_points
from memberdesk.core.loyalty.program import revise
from memberdesk.core.loyalty.program_store import current_program, save_program
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.members.tiers import set_tier
from memberdesk.core.printing.layout import Paper, sale_receipt
from memberdesk.core.store.models import (
    Coupon,
    CouponEvent,
    OutboxEvent,
    ProgramVersion,
    SaleLine,
)
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout, quote
from memberdesk.core.till.coupons import exchange_points
from memberdesk.core.till.held import hold_sale, recall_held
from memberdesk.core.till.receipts import load_sale
from memberdesk.core.till.refunds import refund

TYPES = [
    {"code": "A10", "name": "十元券", "kind": "amount", "value": 1000},
    {"code": "P20", "name": "八折券", "kind": "percent", "value": 20},
    {
        "code": "T50",
        "name": "满300减50",
        "kind": "threshold",
        "value": 5000,
        "min_spend_fen": 30000,
    },
    {"code": "SHOE", "name": "鞋类券", "kind": "amount", "value": 3000, "category": "鞋"},
    {"code": "SOCK", "name": "袜子礼券", "kind": "gift", "gift_item": "SOCK1"},
    {
        "code": "SOLO",
        "name": "不同享券",
        "kind": "amount",
        "value": 1500,
        "with_tier_discount": False,
        "with_points": False,
    },
    {"code": "JOIN", "name": "入会礼券", "kind": "amount", "value": 1000, "valid_days": 7},
    # 8折，最高优惠 ¥50: without the cap a ¥5,000 sale would take ¥1,000 off
    {"code": "CAP50", "name": "八折券", "kind": "percent", "value": 20, "max_off_fen": 5000},
]


@pytest.fixture
def program(store, owner):
    p = current_program(store).program
    save_program(
        store,
        owner,
        revise(
            p,
            {
                "coupons": {
                    "types": TYPES,
                    "on_join": "JOIN",
                    "exchange": [{"points": 500, "coupon": "A10"}],
                }
            },
        ),
    )


@pytest.fixture
def member(store, owner, program):
    return issue_card(store, owner, MemberForm(name="王芳", phone="13800138000"))


def _one(store, manager, code, member_id=None):
    return issue_coupons(store, manager, code, [member_id])[0]


def _check(store):
    report = run_checks(store)
    assert report.ok, [str(p) for p in report.problems]


def _pay(store, cashier, code, name, price, cash):
    """A sale of one line with the coupon `code`, the rest paid in cash."""
    return checkout(
        store,
        cashier,
        CheckoutRequest(lines=(SaleLineInput(name, price),), coupon=code, tenders={"cash": cash}),
    )


def _behind_guard(db_path, trigger, *statements):
    """Someone with the file drops a guard, runs `statements` ((sql, *params) each) and puts
    the guard back as it was."""
    import sqlite3

    con = sqlite3.connect(db_path)
    (guard,) = con.execute("SELECT sql FROM sqlite_master WHERE name = ?", (trigger,)).fetchone()
    with con:
        con.execute(f"DROP TRIGGER {trigger}")
        for sql, *params in statements:
            con.execute(sql, params)
        con.execute(guard)
    con.close()


def _status(store, serial):
    with store.read() as s:
        return s.get(Coupon, serial).status


def test_amount_off_on_a_walk_in_sale(store, manager, cashier, program):
    c = _one(store, manager, "A10")
    req = CheckoutRequest(
        lines=(SaleLineInput("衬衫", 12900), SaleLineInput("袜子", 2100)),
        coupon=c.code,
        tenders={"cash": 14000},
    )
    assert quote(store, req).pricing.total_fen == 14000  # 150.00 - 10.00
    sale = checkout(store, cashier, req)
    assert (sale.subtotal, sale.discount_total, sale.total, sale.change) == (15000, 1000, 14000, 0)
    assert sale.discount_by_kind == {"coupon": 1000}
    with store.read() as s:
        lines = s.scalars(select(SaleLine).order_by(SaleLine.line_no)).all()
    # 1000 shared 129:21 → 860 and 140 (largest remainder)
    assert [(ln.discount, ln.amount, ln.discount_kind) for ln in lines] == [
        (860, 12040, "coupon"),
        (140, 1960, "coupon"),
    ]
    assert _status(store, c.id) == "redeemed"
    with pytest.raises(DomainError) as e:
        checkout(store, cashier, req)
    assert e.value.code == "coupon.used"
    _check(store)


def test_percent_threshold_and_category(store, manager, cashier, program):
    p20 = _one(store, manager, "P20")
    sale = _pay(store, cashier, p20.code, "外套", 33333, 26666)
    assert sale.total == 33333 - 6667  # 20 % of 333.33 = 66.666 → 66.67
    t50 = _one(store, manager, "T50")
    short = CheckoutRequest(
        lines=(SaleLineInput("T恤", 29999),), coupon=t50.code, tenders={"cash": 29999}
    )
    with pytest.raises(DomainError) as e:
        checkout(store, cashier, short)
    assert e.value.code == "coupon.below_min"
    sale = _pay(store, cashier, t50.code, "T恤", 30000, 25000)
    assert sale.total == 25000
    shoe = _one(store, manager, "SHOE")
    req = CheckoutRequest(
        lines=(
            SaleLineInput("跑鞋", 50000, category="鞋"),
            SaleLineInput("帽子", 8000, category="配件"),
        ),
        coupon=shoe.code,
        tenders={"cash": 55000},
    )
    sale = checkout(store, cashier, req)
    assert [(ln.discount, ln.amount) for ln in sale.lines] == [(3000, 47000), (0, 8000)]
    nothing = _one(store, manager, "SHOE")
    with pytest.raises(DomainError) as e:
        checkout(
            store,
            cashier,
            CheckoutRequest(
                lines=(SaleLineInput("帽子", 8000),), coupon=nothing.code, tenders={"cash": 8000}
            ),
        )
    assert e.value.code == "coupon.nothing_covered"
    _check(store)


def test_a_gift_coupon_gives_one_unit_of_its_item(store, owner, manager, cashier, program):
    sock = create_item(store, owner, ItemForm(name="棉袜", price=1500, code="SOCK1"))
    c = _one(store, manager, "SOCK")
    req = CheckoutRequest(
        lines=(
            SaleLineInput("衬衫", 10000),
            SaleLineInput("棉袜", 1500, 3, item_id=sock.id, item_code="SOCK1"),
        ),
        coupon=c.code,
        tenders={"cash": 13000},
    )
    sale = checkout(store, cashier, req)
    assert (sale.total, sale.lines[1].discount, sale.lines[1].amount) == (13000, 1500, 3000)


def test_stacking_with_the_tier_discount_and_points(store, owner, manager, cashier, member):
    set_tier(store, owner, member.id, "silver", locked=True, reason="老顾客")  # 5 % off
    adjust_points(store, owner, member.id, 1000, "开业")
    a10 = _one(store, manager, "A10", member.id)
    # Stacks: 200.00 - 5 % = 190.00, less 10.00 = 180.00; 100 points pay 1.00.
    sale = checkout(
        store,
        cashier,
        CheckoutRequest(
            lines=(SaleLineInput("裙子", 20000),),
            member_id=member.id,
            coupon=a10.code,
            redeem_points=100,
            tenders={"cash": 17900},
        ),
    )
    assert (sale.total, sale.discount_by_kind) == (18000, {"tier": 1000, "coupon": 1000})
    assert sale.points_value == 100
    solo = _one(store, manager, "SOLO", member.id)
    # Does not stack: the list price 200.00 less 15.00 = 185.00 (the tier's 5 % is dropped).
    req = CheckoutRequest(
        lines=(SaleLineInput("裙子", 20000),),
        member_id=member.id,
        coupon=solo.code,
        tenders={"cash": 18500},
    )
    with pytest.raises(DomainError) as e:
        checkout(store, cashier, CheckoutRequest(**{**req.__dict__, "redeem_points": 100}))
    assert e.value.code == "coupon.no_points"
    sale = checkout(store, cashier, req)
    assert (sale.total, sale.discount_by_kind) == (18500, {"coupon": 1500})
    # On 20.00 the tier takes 1.00 off: a 15.00 coupon at list price still wins (5.00);
    # on 400.00 the tier's 20.00 beats the coupon's 15.00: refused.
    solo2 = _one(store, manager, "SOLO", member.id)
    with pytest.raises(DomainError) as e:
        checkout(
            store,
            cashier,
            CheckoutRequest(
                lines=(SaleLineInput("大衣", 40000),),
                member_id=member.id,
                coupon=solo2.code,
                tenders={"cash": 40000},
            ),
        )
    assert e.value.code == "coupon.program_better"
    _check(store)


def test_a_member_coupon_is_theirs_alone(store, owner, manager, cashier, member):
    other = issue_card(store, owner, MemberForm(name="李雷", phone="13900139000"))
    c = _one(store, manager, "A10", member.id)
    for who in (None, other.id):
        with pytest.raises(DomainError) as e:
            checkout(
                store,
                cashier,
                CheckoutRequest(
                    lines=(SaleLineInput("裙子", 20000),),
                    member_id=who,
                    coupon=c.code,
                    tenders={"cash": 20000},
                ),
            )
        assert e.value.code == "coupon.other_member"


def test_joining_and_points_exchange_issue_coupons(store, owner, cashier, member):
    with store.read() as s:
        joined = s.scalars(select(Coupon).where(Coupon.member_id == member.id)).all()
    assert [(c.type_code, c.source, (c.valid_until - c.valid_from).days) for c in joined] == [
        ("JOIN", "join", 6)
    ]
    adjust_points(store, owner, member.id, 600, "开业")
    got = exchange_points(store, cashier, member.id, "A10")
    assert got.value == 1000
    with store.read() as s:
        from memberdesk.core.store.models import Member

        assert s.get(Member, member.id).points == 100
    _check(store)


def test_a_full_refund_gives_the_coupon_back_a_partial_one_does_not(
    store, manager, cashier, program
):
    c = _one(store, manager, "A10")
    sale = checkout(
        store,
        cashier,
        CheckoutRequest(
            lines=(SaleLineInput("衬衫", 6000), SaleLineInput("裤子", 4000)),
            coupon=c.code,
            tenders={"cash": 9000},
        ),
    )
    part = refund(store, manager, sale.receipt_no, {2: 1})
    assert (part.amount, part.coupon_returned) == (3600, None)  # 40.00 less its 4.00 share
    assert _status(store, c.id) == "redeemed"
    rest = refund(store, manager, sale.receipt_no)
    assert (rest.amount, rest.coupon_returned) == (5400, c.id)
    assert _status(store, c.id) == "outstanding"
    again = _pay(store, cashier, c.code, "衬衫", 6000, 5000)
    assert again.total == 5000
    _check(store)


def test_expiry_by_the_daily_job(store, clock, manager, cashier, member):
    c = _one(store, manager, "A10", member.id)  # 30 days from 2026-03-10: to 2026-04-08
    assert c.valid_until.isoformat() == "2026-04-08"
    clock.advance(days=29)
    assert expire_coupons(store) == 1  # the joining coupon: 7 days, to 2026-03-16
    clock.advance(days=1)
    req = CheckoutRequest(
        lines=(SaleLineInput("裙子", 20000),),
        member_id=member.id,
        coupon=c.code,
        tenders={"cash": 20000},
    )
    with pytest.raises(DomainError) as e:
        checkout(store, cashier, req)
    assert e.value.code == "coupon.expired"
    assert expire_coupons(store) == 1
    assert expire_coupons(store) == 0
    assert _status(store, c.id) == "expired"
    with store.read() as s:
        kinds = [
            e.kind
            for e in s.scalars(
                select(OutboxEvent)
                .where(OutboxEvent.aggregate_id == c.id)
                .order_by(OutboxEvent.seq)
            )
        ]
    assert kinds == ["coupon.issued", "coupon.expired"]
    _check(store)


def test_the_till_offers_a_coupon_to_its_last_day_and_not_after_it(store, clock, manager, member):
    """Past its last day a coupon is no longer offered at the till, though the daily job
    that marks it expired has not run (the till stayed open over midnight)."""
    c = _one(store, manager, "A10", member.id)  # to 2026-04-08
    offered = lambda: [x.id for x in coupons_to_use(store, member.id)]  # noqa: E731
    clock.advance(days=29, hours=13, minutes=59)  # 2026-04-08 23:59 in Shanghai
    assert c.id in offered()
    clock.advance(minutes=1)  # 2026-04-09 00:00
    assert c.id not in offered()
    assert c.id in [x.id for x in list_coupons(store, member_id=member.id, status="outstanding")]


def test_codes_cannot_be_forged_or_guessed(store, manager, cashier, program):
    c = _one(store, manager, "A10")
    assert read_scan(store, c.code.lower()).kind == "coupon"
    terms, body, mac = read_terms(c.code)
    assert (terms.kind, terms.value) == ("amount", 1000)
    # The value raised to 100.00 in the code: the signature no longer matches.
    import base64

    forged_body = bytearray(body)
    forged_body[10:13] = (10000).to_bytes(3, "big")
    forged = "CP" + base64.b32encode(bytes(forged_body) + mac).decode().rstrip("=")
    assert read_terms(forged)[0].value == 10000
    for code in (forged, c.code[:-2] + ("AA" if c.code[-2:] != "AA" else "BB")):
        with pytest.raises(DomainError) as e:
            checkout(
                store,
                cashier,
                CheckoutRequest(
                    lines=(SaleLineInput("x", 20000),), coupon=code, tenders={"cash": 20000}
                ),
            )
        assert e.value.code == "coupon.invalid"
    with store.read() as s:
        assert s.scalar(select(CouponEvent.kind).where(CouponEvent.kind == "redeem")) is None


def test_check_finds_a_coupon_marked_unused_behind_its_ledger(
    store, db_path, manager, cashier, program
):
    import sqlite3

    c = _one(store, manager, "A10")
    _pay(store, cashier, c.code, "衬衫", 6000, 5000)
    _check(store)
    con = sqlite3.connect(db_path)
    with con:
        con.execute("UPDATE coupons SET status = 'outstanding'")
    with con:
        con.execute("DROP TRIGGER trg_coupon_events_no_delete")
        con.execute("DELETE FROM coupon_events WHERE kind = 'redeem'")
    con.close()
    found = [str(p) for p in run_checks(store).problems]
    assert any("trg_coupon_events_no_delete" in p for p in found), found
    assert "代金券流水中 已使用 共 0 条；同步队列中 1 条" in found


def test_tier_up_spend_reached_and_birthday_issue_their_coupons(store, owner, clock, cashier):
    from datetime import date

    from memberdesk.core.coupons.jobs import birthday_coupons
    from memberdesk.core.till.receipts import load_sale

    p = current_program(store).program
    save_program(store, owner, revise(p, {"coupons": {
        "types": TYPES, "on_tier_up": "P20", "on_birthday": "A10",
        "on_spend": [{"spend_fen": 100000, "coupon": "T50"}, {"spend_fen": 400000, "coupon": "A10"}]}}))  # fmt: skip
    m = issue_card(store, owner, MemberForm(name="赵六", phone="13700137000",
                                            birthday=date(1990, 3, 11)))  # fmt: skip
    # ¥900: no tier yet (silver from ¥3000), no threshold. ¥3000 more: silver and ¥1000 crossed.
    checkout(store, cashier, CheckoutRequest(lines=(SaleLineInput("a", 90000),), member_id=m.id,
                                             tenders={"cash": 90000}))  # fmt: skip
    sale = checkout(
        store,
        cashier,
        CheckoutRequest(
            lines=(SaleLineInput("b", 300000),), member_id=m.id, tenders={"cash": 300000}
        ),
    )
    with store.read() as s:
        got = sorted((c.source, c.type_code) for c in s.scalars(
            select(Coupon).where(Coupon.member_id == m.id)))  # fmt: skip
        receipt = load_sale(s, sale.receipt_no)
    assert got == [("spend", "T50"), ("tier_up", "P20")]
    assert sorted(c["name"] for c in receipt.coupons_issued) == ["八折券", "满300减50"]
    assert birthday_coupons(store) == 0  # 10 March: the birthday is tomorrow
    clock.advance(days=1)
    assert birthday_coupons(store) == 1
    assert birthday_coupons(store) == 0  # once a year
    _check(store)


def test_a_refund_keeps_the_coupon_when_the_program_says_so_or_it_has_expired(
    store, owner, clock, manager, cashier
):
    p = current_program(store).program
    save_program(store, owner, revise(p, {"coupons": {"types": TYPES, "refund_returns": False}}))
    kept = _one(store, manager, "A10")
    sale = _pay(store, cashier, kept.code, "衬衫", 6000, 5000)
    assert refund(store, manager, sale.receipt_no).coupon_returned is None
    assert _status(store, kept.id) == "redeemed"

    save_program(store, owner, revise(p, {"coupons": {"types": TYPES}}))
    late = _one(store, manager, "A10")  # valid to 2026-04-08
    sale = _pay(store, cashier, late.code, "衬衫", 6000, 5000)
    clock.advance(days=30)  # 2026-04-09: the coupon has run out
    back = refund(store, manager, sale.receipt_no)
    assert (back.amount, back.coupon_returned) == (5000, None)
    assert _status(store, late.id) == "redeemed"
    _check(store)


def test_a_coupon_leaves_no_discount_lines_alone(store, manager, cashier, program):
    c = _one(store, manager, "P20")
    sale = checkout(store, cashier, CheckoutRequest(
        lines=(SaleLineInput("香烟", 5000, no_discount=True), SaleLineInput("衬衫", 10000)),
        coupon=c.code, tenders={"cash": 13000}))  # fmt: skip
    assert [(ln.discount, ln.amount) for ln in sale.lines] == [(0, 5000), (2000, 8000)]
    only = _one(store, manager, "A10")
    with pytest.raises(DomainError) as e:
        checkout(store, cashier, CheckoutRequest(
            lines=(SaleLineInput("香烟", 5000, no_discount=True),), coupon=only.code,
            tenders={"cash": 5000}))  # fmt: skip
    assert e.value.code == "coupon.nothing_covered"


def test_check_finds_a_coupon_rewritten_behind_its_guard(store, db_path, manager, program):
    """Someone with the file raises a coupon's value and puts the guard back: the guard is
    there, the ledger agrees — the journal's sealed copy of the coupon does not."""

    c = _one(store, manager, "A10")
    _check(store)
    _behind_guard(
        db_path, "trg_coupons_frozen", ("UPDATE coupons SET value = value * 50, min_spend = 0",)
    )
    found = [p.text("en") for p in run_checks(store).problems]
    assert (
        len(found) == 1 and f"coupon {c.id} differs from what the sync journal sealed" in found[0]
    ), found


def test_a_held_sale_keeps_its_coupon(store, manager, cashier, program):
    c = _one(store, manager, "A10")
    req = CheckoutRequest(lines=(SaleLineInput("衬衫", 12900),), coupon=c.code)
    summary = hold_sale(store, cashier, req)
    assert summary.amount == 11900  # as it came to with the coupon
    assert _status(store, c.id) == "outstanding"  # held is not used
    draft = recall_held(store, cashier, summary.id)
    assert draft.request.coupon == c.code
    sale = checkout(store, cashier, CheckoutRequest(**{**draft.request.__dict__,
                                                       "tenders": {"cash": 11900}}))  # fmt: skip
    assert (sale.total, sale.discount_by_kind) == (11900, {"coupon": 1000})
    assert _status(store, c.id) == "redeemed"
    _check(store)


def test_check_finds_a_coupon_step_rewritten_behind_its_guard(
    store, db_path, manager, cashier, program
):
    """Someone with the file makes a coupon's use say it took more off, on another day, or
    hides that it was used, and puts the ledger's guard back: `check` names the coupon and
    the step; the till's sound steps (issue, use, give back, use again) pass."""

    c = _one(store, manager, "A10")
    other = _one(store, manager, "A10")
    sale = _pay(store, cashier, c.code, "衬衫", 6000, 5000)
    refund(store, manager, sale.receipt_no)
    _pay(store, cashier, c.code, "衬衫", 6000, 5000)
    _pay(store, cashier, other.code, "裤子", 4000, 3000)
    _check(store)
    _behind_guard(db_path, "trg_coupon_events_no_update", (  # c's second use: a day earlier, 30.00 off
        "UPDATE coupon_events SET off = 3000, business_date = date(business_date, '-1 day')"
        " WHERE rowid = (SELECT max(rowid) FROM coupon_events WHERE coupon_id = ?"
        " AND kind = 'redeem')", c.id))  # fmt: skip
    found = [p.text("en") for p in run_checks(store).problems]
    assert found == [f"coupon {c.id}: the step “used” differs from what the sync journal sealed"], (
        found
    )
    # the other coupon's use taken out of the ledger
    _behind_guard(db_path, "trg_coupon_events_no_delete",
                  ("DELETE FROM coupon_events WHERE coupon_id = ? AND kind = 'redeem'", other.id))  # fmt: skip
    found = [p.text("en") for p in run_checks(store).problems]
    assert f"coupon {other.id}: the step “used” differs from what the sync journal sealed" in found
    assert f"coupon {c.id}: the step “used” differs from what the sync journal sealed" in found


def test_a_spend_threshold_gives_its_coupon_once_even_after_a_return(
    store, owner, manager, cashier
):
    """累计消费满1000送券 is one coupon per member: buying ¥1000, returning it and buying it
    again crosses the same threshold a second time, and gives nothing more."""
    p = current_program(store).program
    save_program(store, owner, revise(p, {"coupons": {
        "types": TYPES, "on_spend": [{"spend_fen": 100000, "coupon": "T50"}]}}))  # fmt: skip
    m = issue_card(store, owner, MemberForm(name="钱七", phone="13700137001"))

    def buy():
        return checkout(store, cashier, CheckoutRequest(
            lines=(SaleLineInput("大衣", 100000),), member_id=m.id, tenders={"cash": 100000}))  # fmt: skip

    first = buy()
    assert [c["name"] for c in first.coupons_issued] == ["满300减50"]
    refund(store, manager, first.receipt_no)
    again = buy()
    assert again.coupons_issued == ()
    with store.read() as s:
        got = [c.type_code for c in s.scalars(select(Coupon).where(Coupon.member_id == m.id))]
    assert got == ["T50"]
    _check(store)


def test_the_receipt_keeps_a_lines_own_discount_apart_from_the_coupons_share(
    store, owner, manager, cashier, member
):
    """Each line's discounts on the receipt add up to the totals printed below them: the
    member's 5 % is not printed as if it had taken the coupon's share off too."""
    set_tier(store, owner, member.id, "silver", locked=True, reason="老顾客")  # 5 % off
    a10 = _one(store, manager, "A10", member.id)
    sale = checkout(
        store,
        cashier,
        CheckoutRequest(
            lines=(SaleLineInput("衬衫", 10000), SaleLineInput("大衣", 30000)),
            member_id=member.id,
            coupon=a10.code,
            tenders={"cash": 37000},
        ),
    )
    assert sale.discount_by_kind == {"tier": 2000, "coupon": 1000}
    assert [sale.line_discounts(ln) for ln in reload(store, sale).lines] == [
        [("tier", 500), ("coupon", 250)],
        [("tier", 1500), ("coupon", 750)],
    ]  # what the sales journal shows per line
    for text in (
        sale_receipt(sale, Paper(32)).text,
        sale_receipt(reload(store, sale), Paper(32)).text,
    ):
        rows = [ln.strip() for ln in text.splitlines()]
        # 衬衫: 5.00 of its own, 2.50 of the coupon's 10.00; 大衣: 15.00 and 7.50
        assert _pairs(rows, "会员折扣") == ["-￥5.00", "-￥15.00", "-￥20.00"]
        assert _pairs(rows, "代金券") == ["-￥2.50", "-￥7.50", "-￥10.00"]
    _check(store)


def reload(store, sale):
    with store.read() as s:
        return load_sale(s, sale.sale_id)


def _pairs(rows: list[str], label: str) -> list[str]:
    """The amounts printed on the rows that start with `label`, top to bottom."""
    return [r.split()[-1] for r in rows if r.startswith(label)]


def test_a_capped_percent_coupon_takes_at_most_its_cap(store, manager, cashier, program):
    big = _one(store, manager, "CAP50")
    req = CheckoutRequest(lines=(SaleLineInput("大衣", 100000),), coupon=big.code,
                          tenders={"cash": 95000})  # fmt: skip
    assert quote(store, req).pricing.total_fen == 95000  # ¥50 off ¥1,000, not ¥200
    sale = checkout(store, cashier, req)
    assert (sale.total, sale.discount_by_kind) == (95000, {"coupon": 5000})
    small = _one(store, manager, "CAP50")
    sale = _pay(store, cashier, small.code, "T恤", 10000, 8000)
    assert (sale.total, sale.discount_by_kind) == (8000, {"coupon": 2000})  # 20 % of ¥100
    _check(store)


def test_a_capped_coupon_is_shared_over_the_lines_and_refunded_in_share(
    store, manager, cashier, program
):
    c = _one(store, manager, "CAP50")
    prices = (33333, 44444, 22223)  # ¥1,000.00 in all: 20 % would be ¥200.00
    sale = checkout(store, cashier, CheckoutRequest(
        lines=tuple(SaleLineInput(f"货品{i}", p) for i, p in enumerate(prices, 1)),
        coupon=c.code, tenders={"cash": 95000}))  # fmt: skip
    # ¥50.00 shared 33333:44444:22223 → 1666.65, 2222.2, 1111.15: the largest remainder
    # (.65) gets the fen left over
    assert [ln.discount for ln in sale.lines] == [1667, 2222, 1111]
    assert [ln.amount for ln in sale.lines] == [31666, 42222, 21112]
    assert sum(ln.amount for ln in sale.lines) == sale.total == 95000
    with store.read() as s:
        journal = {e.kind: e.payload for e in s.scalars(select(OutboxEvent))}
    assert journal["sale.completed"]["discount_by_kind"] == {"coupon": 5000}
    assert [ln["discount"] for ln in journal["sale.completed"]["lines"]] == [1667, 2222, 1111]
    assert journal["coupon.redeemed"]["off"] == 5000
    receipt = sale_receipt(reload(store, sale), Paper(32)).text
    assert "减 20%，最高优惠 ￥50.00" in receipt and "-￥50.00" in receipt
    part = refund(store, manager, sale.receipt_no, {2: 1})
    assert (part.amount, part.coupon_returned) == (42222, None)  # ¥444.44 less its ¥22.22
    rest = refund(store, manager, sale.receipt_no)
    assert (rest.amount, rest.coupon_returned) == (31666 + 21112, c.id)
    assert part.amount + rest.amount == sale.total
    _check(store)


def test_a_cap_belongs_to_percent_coupons_only(store, owner, program):
    from memberdesk.core.loyalty.program import ProgramInvalid

    bad = {"code": "A10CAP", "name": "十元券", "kind": "amount", "value": 1000,
           "max_off_fen": 500}  # fmt: skip
    before = current_program(store)
    with pytest.raises(ProgramInvalid) as e:
        save_program(store, owner, revise(before.program, {"coupons": {"types": [bad]}}))
    assert [(p.path, p.text("zh_CN")) for p in e.value.errors] == [
        ("coupons.types.0.max_off_fen", "只有折扣券才能设最高优惠")
    ]
    assert current_program(store).version == before.version  # nothing saved


def test_a_coupon_types_validity_is_whole_days_said_plainly_otherwise(store, owner, program):
    from memberdesk.core.loyalty.program import ProgramInvalid

    before = current_program(store)
    types = [t.model_dump(mode="json") for t in before.program.coupons.types]
    for days in (0, -5, 2.5, "7天", 3651):
        bad = {"code": "D", "name": "十元券", "kind": "amount", "value": 1000, "valid_days": days}
        with pytest.raises(ProgramInvalid) as e:
            save_program(
                store, owner, revise(before.program, {"coupons": {"types": [*types, bad]}})
            )
        assert [(p.path, p.text("zh_CN")) for p in e.value.errors] == [
            (f"coupons.types.{len(types)}.valid_days", "有效期须为 1 到 3650 之间的整数天数")
        ], days
    assert current_program(store).version == before.version  # nothing saved
    good = {"code": "D", "name": "十元券", "kind": "amount", "value": 1000, "valid_days": 3650}
    saved = save_program(
        store, owner, revise(before.program, {"coupons": {"types": [*types, good]}})
    )
    assert saved.program.coupons.type("D").valid_days == 3650


def test_a_program_stored_before_caps_still_loads_and_checks(
    store, owner, manager, cashier, monkeypatch
):
    """A program saved before coupon types had a cap: its types take no cap, and the
    program, sealed as it was stored, still passes the check."""
    from memberdesk.core.loyalty.program import Program

    program = revise(current_program(store).program, {"coupons": {"types": TYPES}})
    stored = json.loads(program.to_json())
    for t in stored["coupons"]["types"]:
        del t["max_off_fen"]
    stored["coupons"]["types"] = [t for t in stored["coupons"]["types"] if t["code"] != "CAP50"]
    stored["coupons"]["types"].append({"code": "P20OLD", "name": "老八折券", "kind": "percent",
                                       "value": 20})  # fmt: skip
    monkeypatch.setattr(Program, "to_json", lambda self: json.dumps(stored, ensure_ascii=False))
    saved = save_program(store, owner, program)
    monkeypatch.undo()
    with store.read() as s:
        settings = s.get(ProgramVersion, saved.version).settings
    assert "max_off_fen" not in json.dumps(settings)  # as an older program was stored
    loaded = current_program(store).program
    assert loaded.coupons.type("P20OLD").max_off_fen == 0
    c = _one(store, manager, "P20OLD")
    sale = _pay(store, cashier, c.code, "大衣", 100000, 80000)
    assert sale.total == 80000  # no cap: 20 % of ¥1,000
    _check(store)


def _with_cap(store, owner, cap):
    types = [dict(t, max_off_fen=cap) if t["code"] == "CAP50" else t for t in TYPES]
    save_program(
        store, owner, revise(current_program(store).program, {"coupons": {"types": types}})
    )


def test_a_coupon_keeps_the_cap_it_was_issued_with(store, owner, manager, cashier, program):
    """8折，最高优惠 ¥50 printed on the customer's coupon: the owner lowering the type's cap to
    ¥30 (or removing it) afterwards does not change what that coupon takes off, nor what its
    slip and the coupon list say; coupons issued after take the new cap."""
    from memberdesk.core.coupons.report import list_coupons
    from memberdesk.core.printing.documents import load_slip

    before = _one(store, manager, "CAP50")
    assert read_terms(before.code)[0].max_off == 5000  # the code states it
    _with_cap(store, owner, 3000)
    after = _one(store, manager, "CAP50")
    rules = current_program(store).program.coupons
    assert (before.cap(rules), after.cap(rules)) == (5000, 3000)
    listed = {c.id: c.terms(rules).text("zh_CN") for c in list_coupons(store)}
    assert "最高优惠 ¥50.00" in listed[before.id] and "最高优惠 ¥30.00" in listed[after.id]
    with store.read() as s:
        slip = load_slip(s, "coupon", before.id, Paper(32), now=datetime.now()).text
    assert "最高优惠 ￥50.00" in slip
    sale = _pay(store, cashier, before.code, "大衣", 100000, 95000)
    assert (sale.total, sale.discount_by_kind) == (95000, {"coupon": 5000})
    assert "最高优惠 ￥50.00" in sale_receipt(reload(store, sale), Paper(32)).text
    sale = _pay(store, cashier, after.code, "大衣", 100000, 97000)
    assert (sale.total, sale.discount_by_kind) == (97000, {"coupon": 3000})
    _with_cap(store, owner, 0)
    uncapped = _one(store, manager, "CAP50")  # issued with no cap
    _with_cap(store, owner, 3000)
    capped = _one(store, manager, "CAP50")  # issued with ¥30
    _with_cap(store, owner, 0)  # the cap removed: the one issued with ¥30 keeps it
    sale = _pay(store, cashier, capped.code, "大衣", 100000, 97000)
    assert sale.discount_by_kind == {"coupon": 3000}
    _with_cap(store, owner, 1000)  # a cap brought back: the one issued without stays without
    sale = _pay(store, cashier, uncapped.code, "大衣", 100000, 80000)
    assert sale.discount_by_kind == {"coupon": 20000}  # issued without a cap: 20 % of ¥1,000
    _check(store)


def test_a_coupons_stated_cap_cannot_be_raised_and_older_codes_read_as_before():
    from dataclasses import replace
    from datetime import date

    from memberdesk.core.coupons.codes import CouponTerms, encode, verify

    key = b"k" * 32
    terms = CouponTerms(key_id=1, prefix=123456, seq=7, type_code="CAP50", kind="percent",
                        value=20, min_spend=0, valid_from=date(2026, 1, 1),
                        valid_until=date(2026, 12, 31), member_tag=0, max_off=5000)  # fmt: skip
    code = encode(terms, key)
    assert verify(code, {1: key}) == terms
    # the cap's bytes raised to ¥500.00 in the code: the MAC no longer matches
    from memberdesk.core.coupons import codes as c

    raw = c.clean(code)[2:]
    data = bytearray(c.base64.b32decode(raw + "=" * (-len(raw) % 8)))
    data[c._HEAD.size : c._HEAD.size + 3] = (50000).to_bytes(3, "big")
    forged = "CP" + c.base64.b32encode(bytes(data)).decode().rstrip("=")
    with pytest.raises(DomainError) as e:
        verify(forged, {1: key})
    assert e.value.code == "coupon.invalid"
    # a code of the first format (an amount coupon, or a percent one issued before codes
    # stated caps) reads as before: no cap stated, the program's applies
    old = replace(terms, max_off=None)
    assert verify(encode(old, key), {1: key}).max_off is None
    amount = replace(terms, kind="amount", value=1000, max_off=None)
    assert verify(encode(amount, key), {1: key}) == amount
    assert c.stated_cap(encode(old, key), "percent", 3000) == 3000
    assert c.stated_cap(code, "percent", 3000) == 5000


def test_a_code_typed_in_small_letters_with_dashes_is_kept_as_issued(
    store, manager, cashier, program
):
    """A coupon's code read off its slip and typed by hand (small letters, dashes between
    the groups): the sale takes it, and what it keeps and sends to head office is the code
    as issued (head office refuses any other form of it)."""
    c = _one(store, manager, "A10")
    typed = "-".join(c.code[i : i + 4] for i in range(0, len(c.code), 4)).lower()
    sale = _pay(store, cashier, typed, "衬衫", 12000, 11000)
    assert sale.total == 11000
    with store.read() as s:
        sent = [e.payload for e in s.scalars(select(OutboxEvent)) if e.kind == "coupon.redeemed"]
    assert [p["code"] for p in sent] == [c.code]
    assert _status(store, c.id) == "redeemed"
    _check(store)


def test_a_restore_of_an_older_backup_never_issues_a_coupon_number_again(
    store, manager, program, db_path, clock
):
    """A coupon issued after the backup stays in the file the restore replaced, its journal
    row carried onto the restored one: the next coupon must not take its number, which the
    customer holding it and head office know."""
    from memberdesk.core.shop.backups import backup_now, restore
    from memberdesk.core.store.database import Store

    _one(store, manager, "A10")
    backup = backup_now(store)
    after_backup = _one(store, manager, "A10")
    store.close()
    restore(db_path, backup, carry_unsent=True)
    again = Store(db_path, clock=clock)
    try:
        issued = _one(again, manager, "A10")
        assert issued.id != after_backup.id and issued.code != after_backup.code
        assert issued.id == "88-0000003"
        _check(again)
    finally:
        again.close()


def test_the_coupon_counter_turned_back_in_the_file_is_named(store, manager, program, db_path):
    """The next coupon would take the number, and so the code, of one already issued."""
    import sqlite3

    _one(store, manager, "A10")
    _one(store, manager, "A10")
    _check(store)
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE settings SET value = 2 WHERE key = 'coupon.seq'")
    conn.close()
    report = run_checks(store)
    assert [p.text("en") for p in report.problems] == [
        "the coupon counter's next number is 2, but coupons up to number 2 were issued: a "
        "coupon number would be given twice"
    ]

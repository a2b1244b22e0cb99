"""Stored value (储值) through the real core: top-up bonus tiers with the preview the
cashier sees first, principal and bonus kept apart, paying per the spend order,
reversing an unspent top-up, cashing out principal with a manager, and every
attempt to push a balance below zero refused with nothing changed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from memberdesk.core.loyalty.program import preset, revise
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import OutboxEvent, Topup, WalletEntry
from memberdesk.core.till.refunds import refund
from memberdesk.core.till.wallet import (
    bonus_lapsing,
    bonus_preview,
    cash_out,
    reverse_topup,
    top_up,
    topup_offer,
)

from .loyalty_helpers import (
    YUAN,
    assert_sound,
    audit_rows,
    new_member,
    outbox_kinds,
    refused,
    sell,
    use_program,
    wallet_of,
)

# The prepaid preset without a limit on the principal a member may hold.
UNLIMITED = revise(preset("prepaid"), {"wallet": {"principal_limit_fen": 0}})


@pytest.mark.parametrize(
    ("amount", "bonus"),
    [
        (99999, 0),  # 999.99 元: below 充1000 → nothing
        (100000, 10000),  # 充1000送100 (threshold inclusive)
        (499999, 10000),  # 4999.99 元: still the 1000 tier, no stacking
        (500000, 60000),  # 充5000送600
        (1000000, 60000),  # above the top tier: the top tier's bonus
    ],
)
def test_prepaid_bonus_tiers_preview_then_top_up(
    store: Store, owner: Actor, amount: int, bonus: int
) -> None:
    use_program(store, owner, UNLIMITED)  # ¥10,000 at once: above the default limit
    m = new_member(store, owner)
    assert bonus_preview(store, amount) == bonus
    r = top_up(store, owner, m.id, amount, "wechat")
    assert (r.kind, r.principal_delta, r.bonus_delta) == ("topup", amount, bonus)
    assert (r.principal_after, r.bonus_after) == (amount, bonus)
    assert wallet_of(store, m.id) == (amount, bonus)
    assert r.receipt_no == "S001-01-260310-T0001"
    assert outbox_kinds(store, r.ref_id) == ["wallet.topup"]
    assert_sound(store)


def test_preview_of_nothing_is_nothing(store: Store, owner: Actor) -> None:
    use_program(store, owner, "prepaid")
    assert bonus_preview(store, 0) == bonus_preview(store, -100000) == 0


def test_top_ups_add_up_principal_and_bonus_apart(store: Store, owner: Actor) -> None:
    use_program(store, owner, UNLIMITED)  # ¥6,200 in all: above the default limit
    m = new_member(store, owner)
    top_up(store, owner, m.id, 1000 * YUAN, "cash")  # +1000 / +100
    top_up(store, owner, m.id, 200 * YUAN, "card")  # +200 / +0
    top_up(store, owner, m.id, 5000 * YUAN, "alipay")  # +5000 / +600
    assert wallet_of(store, m.id) == (6200 * YUAN, 700 * YUAN)
    assert_sound(store)


@pytest.mark.parametrize(
    ("order", "principal", "bonus"),
    [
        ("principal_first", 11000, 0),
        ("bonus_first", 1000, 10000),
        # 110 元 of 1100 (1000 + 100): bonus share = 110 × 100/1100 = 10.00 元.
        ("proportional", 10000, 1000),
    ],
)
def test_paying_from_the_wallet_follows_the_spend_order(
    store: Store, owner: Actor, order: str, principal: int, bonus: int
) -> None:
    use_program(store, owner, revise(preset("prepaid"), {"wallet": {"spend_order": order}}))
    m = new_member(store, owner)
    top_up(store, owner, m.id, 1000 * YUAN, "cash")  # 100000 + 10000
    r = sell(store, owner, m.id, 110 * YUAN, wallet=110 * YUAN, tenders={})
    assert (r.wallet_principal_used, r.wallet_bonus_used) == (principal, bonus)
    assert r.member is not None
    assert (r.member.wallet_principal, r.member.wallet_bonus) == (
        100000 - principal,
        10000 - bonus,
    )
    assert_sound(store)


def test_the_whole_wallet_can_be_spent_but_not_a_fen_more(store: Store, owner: Actor) -> None:
    use_program(store, owner, "prepaid")
    m = new_member(store, owner)
    top_up(store, owner, m.id, 1000 * YUAN, "cash")  # 1100 元 in all
    refused(
        store,
        lambda: sell(store, owner, m.id, 2000 * YUAN, wallet=110001, tenders={"cash": 2000 * YUAN}),
        "wallet.insufficient",
    )
    r = sell(store, owner, m.id, 2000 * YUAN, wallet=110000, tenders={"cash": 900 * YUAN})
    assert (r.wallet_principal_used, r.wallet_bonus_used) == (100000, 10000)
    assert wallet_of(store, m.id) == (0, 0)
    refused(
        store, lambda: sell(store, owner, m.id, 100, wallet=1, tenders={}), "wallet.insufficient"
    )
    assert_sound(store)


# ------------------------------------------------------------------ the principal limit (储值上限)


def topup_rows(store: Store) -> tuple[int, int, int]:
    """(top-ups, wallet entries, outbox rows about top-ups) in the database."""
    with store.read() as s:
        return (
            s.scalar(select(func.count()).select_from(Topup)),
            s.scalar(select(func.count()).select_from(WalletEntry)),
            s.scalar(select(func.count()).where(OutboxEvent.kind == "wallet.topup")),
        )


def test_a_top_up_above_the_principal_limit_is_refused_naming_what_is_left(
    store: Store, owner: Actor
) -> None:
    """单用途商业预付卡管理办法 art. 20: a 记名 card holds at most ¥5,000 of the member's money."""
    use_program(store, owner, "prepaid")  # the default limit: ¥5,000
    m = new_member(store, owner)
    top_up(store, owner, m.id, 3800 * YUAN, "cash")  # +3800 / +100
    before = topup_rows(store)
    err = refused(store, lambda: top_up(store, owner, m.id, 1200 * YUAN + 1, "cash"),
                  "topup.over_limit")  # fmt: skip
    assert err.message("zh_CN") == "储值本金最多 ¥5,000.00：该会员本次最多还可充值 ¥1,200.00"
    assert err.message("zh_TW") == "儲值本金最多 ¥5,000.00：該會員本次最多還可充值 ¥1,200.00"
    assert err.message("en") == (
        "stored principal is at most ¥5,000.00: this member may top up at most ¥1,200.00 more now"
    )
    assert topup_rows(store) == before  # no top-up, no wallet entry, no outbox row
    assert wallet_of(store, m.id) == (3800 * YUAN, 100 * YUAN)
    # Exactly up to the limit is taken; its bonus comes on top of the ¥5,000.
    r = top_up(store, owner, m.id, 1200 * YUAN, "wechat")
    assert (r.principal_after, r.bonus_after) == (5000 * YUAN, 200 * YUAN)
    err = refused(store, lambda: top_up(store, owner, m.id, 1, "cash"), "topup.at_limit")
    assert err.message("zh_CN") == (
        "储值本金最多 ¥5,000.00：该会员已有本金 ¥5,000.00，已达上限，本次不能再充值"
    )
    assert_sound(store)


def test_the_bonus_does_not_count_toward_the_limit(store: Store, owner: Actor) -> None:
    use_program(store, owner, "prepaid")
    m = new_member(store, owner)
    r = top_up(store, owner, m.id, 5000 * YUAN, "alipay")  # 充5000送600: the whole limit at once
    assert (r.principal_after, r.bonus_after) == (5000 * YUAN, 600 * YUAN)
    # Spent from the wallet (principal first), the principal is below the limit again.
    sell(store, owner, m.id, 700 * YUAN, wallet=700 * YUAN, tenders={})
    assert wallet_of(store, m.id) == (4300 * YUAN, 600 * YUAN)
    refused(store, lambda: top_up(store, owner, m.id, 700 * YUAN + 1, "cash"), "topup.over_limit")
    assert top_up(store, owner, m.id, 700 * YUAN, "cash").principal_after == 5000 * YUAN
    assert_sound(store)


def test_a_refund_to_the_wallet_is_not_limited(store: Store, owner: Actor) -> None:
    """What goes back was the member's already: only new top-ups are limited."""
    use_program(store, owner, "prepaid")
    m = new_member(store, owner)
    top_up(store, owner, m.id, 5000 * YUAN, "cash")
    sale = sell(store, owner, m.id, 1000 * YUAN, wallet=1000 * YUAN, tenders={})
    top_up(store, owner, m.id, 1000 * YUAN, "cash")  # back at the limit
    refund(store, owner, sale.receipt_no)
    assert wallet_of(store, m.id) == (6000 * YUAN, 700 * YUAN)
    refused(store, lambda: top_up(store, owner, m.id, 1, "cash"), "topup.at_limit")
    assert_sound(store)


def test_no_limit_when_the_programme_sets_none(store: Store, owner: Actor) -> None:
    use_program(store, owner, UNLIMITED)
    m = new_member(store, owner)
    top_up(store, owner, m.id, 5000 * YUAN, "cash")
    assert top_up(store, owner, m.id, 5000 * YUAN, "cash").principal_after == 10000 * YUAN
    offer = topup_offer(store, 100 * YUAN, m.id)
    assert (offer.limit, offer.room, offer.refusal) == (0, None, None)


def test_the_offer_suggests_no_tier_beyond_what_the_member_may_still_top_up(
    store: Store, owner: Actor
) -> None:
    use_program(store, owner, "prepaid")  # 充1000送100, 充5000送600
    m = new_member(store, owner)
    fresh = topup_offer(store, 4000 * YUAN, m.id)
    assert (fresh.room, fresh.more, fresh.more_bonus) == (5000 * YUAN, 1000 * YUAN, 600 * YUAN)
    top_up(store, owner, m.id, 3800 * YUAN, "cash")
    offer = topup_offer(store, 500 * YUAN, m.id)
    assert (offer.limit, offer.room) == (5000 * YUAN, 1200 * YUAN)
    assert offer.tiers == ((1000 * YUAN, 100 * YUAN),)  # 充5000 is out of reach
    assert (offer.more, offer.more_bonus, offer.refusal) == (500 * YUAN, 100 * YUAN, None)
    assert topup_offer(store, 1100 * YUAN, m.id).more is None  # not 再充 ¥3,900 送 600
    over = topup_offer(store, 1300 * YUAN, m.id).refusal
    assert over is not None and over.code == "topup.over_limit"
    top_up(store, owner, m.id, 900 * YUAN, "cash")  # ¥300 left
    offer = topup_offer(store, 100 * YUAN, m.id)
    assert (offer.room, offer.tiers, offer.more) == (300 * YUAN, (), None)
    # Without a member: the programme's tiers, as before.
    assert topup_offer(store, 0).tiers == ((1000 * YUAN, 100 * YUAN), (5000 * YUAN, 600 * YUAN))


# ------------------------------------------------------------------ reversing a top-up


def test_reverse_an_unspent_top_up_needs_a_manager(
    store: Store, owner: Actor, manager: Actor, cashier: Actor
) -> None:
    use_program(store, owner, "prepaid")
    m = new_member(store, owner)
    t = top_up(store, cashier, m.id, 1000 * YUAN, "cash")
    refused(store, lambda: reverse_topup(store, cashier, t.ref_id), "permission.denied")
    r = reverse_topup(store, cashier, t.receipt_no, authoriser=manager, reason="输错金额")
    assert (r.kind, r.principal_delta, r.bonus_delta) == ("topup_reversal", -100000, -10000)
    assert (r.principal_after, r.bonus_after) == (0, 0)
    assert r.receipt_no == "S001-01-260310-V0001"
    [row] = audit_rows(store, "wallet.topup_reversal")
    assert (row.staff_name, row.authorised_by, row.detail["reason"]) == (
        "收银员",
        "店长",
        "输错金额",
    )
    refused(store, lambda: reverse_topup(store, manager, t.ref_id), "topup.already_reversed")
    refused(store, lambda: reverse_topup(store, manager, "no-such-topup"), "topup.not_found")
    assert_sound(store)


def test_a_spent_top_up_cannot_be_reversed(store: Store, owner: Actor, manager: Actor) -> None:
    use_program(store, owner, "prepaid")
    m = new_member(store, owner)
    older = top_up(store, owner, m.id, 300 * YUAN, "cash")
    newer = top_up(store, owner, m.id, 1000 * YUAN, "cash")
    sell(store, owner, m.id, 1, wallet=1, tenders={})  # one fen spent after both
    refused(store, lambda: reverse_topup(store, manager, newer.ref_id), "topup.spent")
    refused(store, lambda: reverse_topup(store, manager, older.ref_id), "topup.spent")
    assert wallet_of(store, m.id) == (130000 - 1, 10000)


def test_an_older_unspent_top_up_can_be_reversed_after_a_newer_one(
    store: Store, owner: Actor, manager: Actor
) -> None:
    use_program(store, owner, "prepaid")
    m = new_member(store, owner)
    older = top_up(store, owner, m.id, 300 * YUAN, "cash")
    top_up(store, owner, m.id, 1000 * YUAN, "cash")
    reverse_topup(store, manager, older.ref_id)
    assert wallet_of(store, m.id) == (100000, 10000)
    assert_sound(store)


# ------------------------------------------------------------------ cash-out


def test_cash_out_principal_only_with_a_manager(
    store: Store, owner: Actor, manager: Actor, cashier: Actor
) -> None:
    use_program(store, owner, "prepaid")
    m = new_member(store, owner)
    top_up(store, owner, m.id, 1000 * YUAN, "cash")  # 1000 principal + 100 bonus
    refused(store, lambda: cash_out(store, cashier, m.id, 100 * YUAN), "permission.denied")
    # Larger than the principal (the bonus is never paid out): refused.
    err = refused(store, lambda: cash_out(store, manager, m.id, 1000 * YUAN + 1), "cashout.invalid")
    assert "1,000.00" in str(err)
    refused(store, lambda: cash_out(store, manager, m.id, 0), "cashout.invalid")
    refused(store, lambda: cash_out(store, manager, m.id, -100), "cashout.invalid")
    # The bonus came with the principal: 400 of 1000 taken back takes 40 of the 100 bonus.
    r = cash_out(store, cashier, m.id, 400 * YUAN, authoriser=manager, reason="搬家")
    assert (r.kind, r.principal_delta, r.bonus_delta, r.tender) == (
        "cashout",
        -40000,
        -4000,
        "cash",
    )
    assert (r.principal_after, r.bonus_after) == (60000, 6000)
    assert wallet_of(store, m.id) == (60000, 6000)
    cash_out(store, manager, m.id, 600 * YUAN)
    assert wallet_of(store, m.id) == (0, 0)  # all the principal back: none of the bonus stays
    refused(store, lambda: cash_out(store, manager, m.id, 1), "cashout.invalid")
    rows = audit_rows(store, "wallet.cashout")
    assert [(a.staff_name, a.authorised_by, a.detail["amount"]) for a in rows] == [
        ("收银员", "店长", 40000),
        ("店长", None, 60000),
    ]
    assert_sound(store)


def test_top_up_then_cash_out_leaves_no_bonus_to_spend(store: Store, owner: Actor) -> None:
    """充1000送100, then the 1000 cashed out at once: the 100 bonus goes with it."""
    use_program(store, owner, "prepaid")
    m = new_member(store, owner)
    top_up(store, owner, m.id, 1000 * YUAN, "cash")
    cash_out(store, owner, m.id, 1000 * YUAN, reason="退卡")
    assert wallet_of(store, m.id) == (0, 0)
    refused(store, lambda: sell(store, owner, m.id, 100 * YUAN, wallet=100 * YUAN),
            "wallet.insufficient")  # fmt: skip
    assert_sound(store)


@pytest.mark.parametrize(
    ("principal", "bonus", "amount", "lapses"),
    [(100_000, 10_000, 100_000, 10_000), (100_000, 10_000, 15_000, 1_500),
     (30_000, 1_000, 10_000, 334), (100_000, 0, 50_000, 0), (100_000, 10_000, 0, 0),
     (0, 10_000, 100, 0), (50_000, -2_000, 10_000, 0), (10_000, 10_000, 20_000, 10_000)],
)  # fmt: skip
def test_the_bonus_a_cash_out_lets_lapse_is_its_share_rounded_up(
    principal: int, bonus: int, amount: int, lapses: int
) -> None:
    """What the cashier is told before the cash-out, and what the cash-out takes: the bonus's
    share of the principal paid back, up to the fen; none of a bonus overdrawn elsewhere."""
    assert bonus_lapsing(principal, bonus, amount) == lapses


def test_a_partial_cash_out_takes_the_share_it_was_told(store: Store, owner: Actor) -> None:
    use_program(store, owner, "prepaid")
    m = new_member(store, owner)
    top_up(store, owner, m.id, 1000 * YUAN, "cash")  # 充1000送100
    told = bonus_lapsing(*wallet_of(store, m.id), 150 * YUAN)
    cash_out(store, owner, m.id, 150 * YUAN, reason="部分退现")
    assert wallet_of(store, m.id) == (850 * YUAN, 100 * YUAN - told) and told == 15 * YUAN
    assert_sound(store)


def test_top_up_refusals(store: Store, owner: Actor) -> None:
    use_program(store, owner, "prepaid")
    m = new_member(store, owner)
    refused(store, lambda: top_up(store, owner, m.id, 0, "cash"), "topup.invalid")
    refused(store, lambda: top_up(store, owner, m.id, -100, "cash"), "topup.invalid")
    refused(store, lambda: top_up(store, owner, m.id, 100, "wallet"), "topup.tender")
    refused(store, lambda: top_up(store, owner, m.id, 100, "points"), "topup.tender")
    refused(store, lambda: top_up(store, owner, "nobody", 100, "cash"), "member.not_found")


def test_the_offer_names_every_tier_and_what_a_little_more_would_bring(
    store: Store, owner: Actor
) -> None:
    """A member topping up ¥999.99 hears that ¥0.01 more gets them ¥100 (充1000送100)."""
    use_program(store, owner, "prepaid")
    below = topup_offer(store, 99999)
    assert below.tiers == ((100000, 10000), (500000, 60000))
    assert (below.bonus, below.more, below.more_bonus) == (0, 1, 10000)
    first = topup_offer(store, 100000)
    assert (first.bonus, first.more, first.more_bonus) == (10000, 400000, 60000)
    top = topup_offer(store, 1000000)
    assert (top.bonus, top.more, top.more_bonus) == (60000, None, None)
    assert topup_offer(store, 0).more is None  # nothing typed yet: no hint

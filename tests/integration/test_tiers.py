"""A tier set by hand and locked: sales do not raise it, the review does not lower it."""

from __future__ import annotations

from datetime import date

from memberdesk.core.clock import FixedClock
from memberdesk.core.daily.jobs import review_tiers
from memberdesk.core.members.tiers import set_tier
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store

from .loyalty_helpers import (
    YUAN,
    assert_sound,
    audit_rows,
    member_row,
    new_member,
    outbox_kinds,
    refused,
    sell,
    set_local,
    use_program,
)


def test_a_cashier_cannot_change_a_tier_without_a_manager(
    store: Store, owner: Actor, manager: Actor, cashier: Actor
) -> None:
    use_program(store, owner, "accessories")
    m = new_member(store, cashier)
    err = refused(store, lambda: set_tier(store, cashier, m.id, "gold", locked=True, reason="老客户"),
                  "permission.denied")  # fmt: skip
    assert "调整会员等级" in err.message("zh")
    view = set_tier(store, cashier, m.id, "gold", locked=True, reason="老客户", authoriser=manager)
    assert (view.tier, view.tier_locked) == ("gold", True)
    [entry] = audit_rows(store, "member.tier_set")
    assert (entry.staff_name, entry.authorised_by) == (cashier.name, manager.name)
    assert entry.detail["reason"] == "老客户" and entry.detail["to"] == "gold"
    assert outbox_kinds(store, m.id)[-1] == "member.tier_changed"


def test_bad_tier_changes_are_refused_and_change_nothing(
    store: Store, owner: Actor, manager: Actor
) -> None:
    use_program(store, owner, "accessories")
    m = new_member(store, manager)
    err = refused(store, lambda: set_tier(store, manager, m.id, "platinum", locked=True, reason="x"),
                  "tier.unknown")  # fmt: skip
    assert "platinum" in err.message("zh")
    refused(store, lambda: set_tier(store, manager, m.id, "gold", locked=True, reason="  "),
            "tier.reason")  # fmt: skip


def test_a_locked_tier_stays_through_sales_and_reviews_until_unlocked(
    store: Store, clock: FixedClock, owner: Actor, manager: Actor, cashier: Actor
) -> None:
    use_program(store, owner, "accessories")  # 银卡 3000, 金卡 5000, 钻石 10000 元; reviews lower
    set_local(clock, 2026, 3, 10)
    m = new_member(store, cashier)
    set_tier(store, manager, m.id, "gold", locked=True, reason="开业老客户")
    sale = sell(store, cashier, m.id, 12000 * YUAN)  # enough for 钻石
    assert member_row(store, m.id)["tier"] == "gold"
    assert sale.member is not None and sale.member.tier == "gold"
    assert sale.discount_by_kind.get("tier", 0) == 12000 * YUAN * 10 // 100  # 金卡 10 % off

    set_local(clock, 2027, 5, 1)  # the 12-month window is empty now: a review would lower it
    review_tiers(store, date(2027, 5, 1))
    assert member_row(store, m.id)["tier"] == "gold"

    set_tier(store, manager, m.id, "gold", locked=False, reason="恢复按消费定级")
    review_tiers(store, date(2027, 6, 1))
    assert member_row(store, m.id)["tier"] == "normal"  # no spend in the window
    sell(store, cashier, m.id, 3500 * YUAN)
    assert member_row(store, m.id)["tier"] == "silver"  # upgrades again as it earns
    assert_sound(store)

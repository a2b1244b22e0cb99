"""Figures of count cards (次卡): a visit used at the till, against its raw baseline.

Cards are sold first (real operations, not timed); each sample is one visit used —
the ledger entry, the card's count, the journal row, the slip's number — timed with
perf_counter, then the same rows written by the raw writer on the same file.
"""

from __future__ import annotations

import random
from datetime import date

from memberdesk.core.clock import shop_date
from memberdesk.core.items.catalogue import ItemForm, create_item
from memberdesk.core.shop.staff import Actor, list_staff
from memberdesk.core.store.database import Store
from memberdesk.core.till.count_cards import CountCardForm, sell_count_card, use_count_card

from .baseline import RawWriter
from .figures import CHECKOUT_TARGET, _timed, sample_members
from .report import Figure, percentiles

CODE = "BENCH-HC01"


def count_card_figures(store: Store, samples: int, rng: random.Random) -> list[Figure]:
    staff = list_staff(store)
    cashier = next(Actor(s.id, s.name, s.role) for s in staff if s.role == "cashier")
    owner = next(Actor(s.id, s.name, s.role) for s in staff if s.role == "owner")
    today: date = shop_date(store.clock.now())
    create_item(store, owner, ItemForm("剪发", 5000, code=CODE, category="美发"))
    form = CountCardForm("剪发十次卡", counts=10, price=40000, tender="wechat", item_code=CODE,
                         valid_days=365)  # fmt: skip
    cards = [
        sell_count_card(store, cashier, member_id, form).card.id
        for member_id, *_ in sample_members(store, samples // 5 + 1, rng)
    ]  # each used at most 5 times of its 10
    raw = RawWriter(store.path)
    real, base = [], []
    try:
        for i in range(samples):
            card_id = cards[i % len(cards)]
            marks = raw.marks(card_id=card_id)
            _, seconds = _timed(
                lambda c=card_id: use_count_card(store, cashier, c, member_confirmed=True)
            )
            real.append(seconds)
            counter = f"receipt.seq.U{today:%Y%m%d}"
            base.append(raw.run(raw.capture_count_card_use(marks, card_id, counter)))
    finally:
        raw.close()
    p50, p99 = percentiles(real)
    b50, b99 = percentiles(base)
    return [
        Figure("checkout", "count card visit (次卡)", "ms", p50, p99, baseline_p50=b50,
               baseline_p99=b99, target=CHECKOUT_TARGET,
               meets=p50 <= 3 and p99 <= 15 and p50 <= 10 * b50, samples=len(real),
               note=f"{len(cards)} cards of 10 visits; ledger entry, count, journal, slip number")
    ]  # fmt: skip

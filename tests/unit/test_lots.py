"""The points lots (core/loyalty/lots.py) against the plain sum the expiry job trusts for
a member whose points no refund ever touched: without refunds, lots are made in date
order and every negative entry takes the oldest first, so what is left of the lots
earned before a cutoff is what was added before it less everything taken since."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from memberdesk.core.loyalty.lots import Entry, replay

START = date(2024, 1, 1)

moves = st.lists(
    st.tuples(
        st.integers(0, 40),  # days after the previous entry
        st.sampled_from(["earn", "signup", "adjust", "redeem", "gift", "expire"]),
        st.integers(1, 500),
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(moves=moves, cutoff_days=st.integers(0, 600))
def test_without_refunds_the_old_lots_are_the_plain_sum(moves, cutoff_days) -> None:
    day, entries = START, []
    for gap, kind, points in moves:
        day += timedelta(days=gap)
        taking = kind in ("redeem", "gift", "expire") or (kind == "adjust" and points % 2)
        entries.append(Entry(kind, -points if taking else points, day, f"s{len(entries)}"))
    cutoff = START + timedelta(days=cutoff_days)
    old = sum(e.delta for e in entries if e.delta > 0 and e.business_date < cutoff)
    taken = sum(-e.delta for e in entries if e.delta < 0)
    lots = replay(entries)
    assert lots.due_before(cutoff) == max(0, old - taken)
    assert lots.balance == sum(e.delta for e in entries)


def test_a_refund_is_what_the_plain_sum_gets_wrong() -> None:
    """The issue's case: 100 points of 2024-01-10, a newer sale's 200 refunded."""
    entries = [
        Entry("earn", 100, date(2024, 1, 10), "A"),
        Entry("earn", 200, date(2025, 6, 1), "B"),
        Entry("refund_reverse", -200, date(2025, 6, 5), "B", "r"),
    ]
    assert replay(entries).due_before(date(2026, 1, 10)) == 100  # the plain sum says 0

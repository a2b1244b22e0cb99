"""A lookup that finds no one asks head office, off the UI thread.

A member who joined a minute ago at another store is not in this till's copy of the
chain's directory until the next pull. When the search box held a card number or a whole
mobile and the till syncs, core asks HQ (`core.sync.pull.ask_hq_for`, a few seconds at
most) on a worker of its own; the cashier keeps typing meanwhile, and `found` runs on the
main thread only when HQ knew the member (then a lookup finds them here). A card the till
holds is asked about too when it is taken, while membership is chain-wide: another store
may have reported it lost since the last pull.
"""

from __future__ import annotations

from collections.abc import Callable

from ...core.sync.coupon_status import ask_hq_coupon
from ...core.sync.pull import ask_hq_for, cards_change_elsewhere, recheck_card_at_hq
from ..context import AppContext
from ..i18n import tr
from ..ops import run_op
from ..worker import ASK


def _ask(ctx: AppContext, call: Callable[[], bool], title: str, then: Callable[[], object]) -> None:
    """`call` on a worker of its own; `then` on the main thread only when it answered yes."""

    def asked(yes: bool) -> None:
        if yes:
            then()

    run_op(ctx, lambda _progress: call(), slow=True, kind=ASK, title=title, success=asked)


def ask_head_office(ctx: AppContext, text: str, found: Callable[[], object]) -> None:
    store = ctx.store
    _ask(ctx, lambda: ask_hq_for(store, text), tr("Asking head office for the member"), found)


def ask_head_office_about_coupon(ctx: AppContext, code: str, used: Callable[[], object]) -> None:
    """Whether another till used the coupon scanned (`core.sync.coupon_status`); `used`
    runs on the main thread only when HQ said so (then the sale refuses the coupon)."""
    store = ctx.store
    _ask(ctx, lambda: ask_hq_coupon(store, code), tr("Asking head office about the coupon"), used)


def recheck_card(ctx: AppContext, card: str, barred: Callable[[], object]) -> None:
    """Whether another store reported the card just taken lost or replaced, or froze or
    cancelled its member, since the last pull (`core.sync.pull.recheck_card_at_hq`, chain-wide
    membership only); `barred` runs on the main thread only when HQ said so."""
    store = ctx.store
    if cards_change_elsewhere(store):
        _ask(ctx, lambda: recheck_card_at_hq(store, card), tr("Asking head office about the card"),
             barred)  # fmt: skip

"""A lookup that finds no one asks head office, off the UI thread.

A member who joined a minute ago at another store is not in this till's copy of the
chain's directory until the next pull. When the search box held a card number or a whole
mobile and the till syncs, core asks HQ (`core.sync.pull.ask_hq_for`, a few seconds at
most) on a worker of its own; the cashier keeps typing meanwhile, and `found` runs on the
main thread only when HQ knew the member (then a lookup finds them here).
"""

from __future__ import annotations

from collections.abc import Callable

from ...core.sync.coupon_status import ask_hq_coupon
from ...core.sync.pull import ask_hq_for
from ..context import AppContext
from ..i18n import tr
from ..ops import run_op
from ..worker import ASK


def ask_head_office(ctx: AppContext, text: str, found: Callable[[], object]) -> None:
    store = ctx.store

    def asked(known: bool) -> None:
        if known:
            found()

    run_op(ctx, lambda _progress: ask_hq_for(store, text), slow=True, kind=ASK,
           title=tr("Asking head office for the member"), success=asked)  # fmt: skip


def ask_head_office_about_coupon(ctx: AppContext, code: str, used: Callable[[], object]) -> None:
    """Whether another till used the coupon scanned (`core.sync.coupon_status`); `used`
    runs on the main thread only when HQ said so (then the sale refuses the coupon)."""
    store = ctx.store

    def asked(elsewhere: bool) -> None:
        if elsewhere:
            used()

    run_op(ctx, lambda _progress: ask_hq_coupon(store, code), slow=True, kind=ASK,
           title=tr("Asking head office about the coupon"), success=asked)  # fmt: skip

"""The one way the window runs an operation (as Anki's CollectionOp and OpChanges).

``run_op(ctx, call, …)`` runs a core call — at once on the UI thread (the till's
quick writes and reads), or with ``slow=True`` as a job of its `kind` on a worker
thread, with progress and cancel (``call`` then takes the job's `Progress`) — and
then:

- on success, hands the result to ``success``;
- on a failure, says it: a refusal (`DomainError`, the program's `ProgramInvalid`)
  as the person's words, anything unexpected as a short line with the cause in the
  log (`AppContext.explain`). The words go to the view's message bar (``bar``), or to
  ``show`` (a dialog's error label, a form's field). A form that shows some refusals
  beside their fields first offers the error to ``on_error``, which returns True
  when it has shown it;
- in every case, tells the other views what changed: the transactions the call
  committed noted their kinds of change and the members they touched
  (core.store.changes); `TOPICS` turns the kinds into the topics views subscribe to,
  and `AppContext.changed` carries them with the members. What did not commit is not
  announced; nothing committed, nothing announced. A view does not announce by hand.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from ..core.errors import DomainError
from ..core.loyalty.program import ProgramInvalid
from ..core.store.changes import Changes, collect_changes
from .context import (
    COUPONS,
    HELD,
    ITEMS,
    MEMBERS,
    POINTS,
    PROGRAM,
    SALES,
    SHIFT,
    SHOP,
    STAFF,
    WALLET,
    AppContext,
    Change,
)
from .widgets.fields import MessageBar
from .worker import DB, Job, Progress

log = logging.getLogger(__name__)

# Kind of change (by prefix) → the topics it touches. Every matching row counts.
TOPICS: tuple[tuple[str, frozenset[str]], ...] = (
    ("member.", frozenset({MEMBERS})),
    ("sale.", frozenset({SALES, MEMBERS, SHIFT})),  # a member's totals, the shift's takings
    ("points.", frozenset({POINTS, MEMBERS})),
    ("wallet.", frozenset({WALLET, MEMBERS})),
    ("wallet.topup", frozenset({SHIFT})),  # top-ups and their reversals pass the drawer
    ("wallet.cashout", frozenset({SHIFT})),
    ("shift.", frozenset({SHIFT})),
    ("call.", frozenset({MEMBERS})),
    ("countcard.", frozenset({MEMBERS, SHIFT})),  # a member's cards; a card sold passes the drawer
    ("program.", frozenset({PROGRAM})),
    ("staff.", frozenset({STAFF})),
    ("shop.", frozenset({SHOP})),
    ("printer.", frozenset({SHOP})),  # the shop's set-up: its printer and its head office
    ("sync.", frozenset({SHOP})),
    ("item.", frozenset({ITEMS})),
    ("held.", frozenset({HELD})),  # a sale put aside, taken back or removed
    ("coupon.", frozenset({COUPONS})),  # the member's coupons, shown beside them at the till
)

EXPECTED = (DomainError, ProgramInvalid)  # refusals a person can act on


def topics_of(kinds: Iterable[str]) -> frozenset[str]:
    found: set[str] = set()
    for kind in kinds:
        for prefix, topics in TOPICS:
            if kind.startswith(prefix):
                found |= topics
    return frozenset(found)


def change_of(changes: Changes) -> Change | None:
    """What views hear of `changes`, or None when they changed nothing anyone shows."""
    topics = topics_of(changes.kinds)
    if not topics and not changes.member_ids:
        return None
    return Change(topics, frozenset(changes.member_ids))


def announce(ctx: AppContext, changes: Changes) -> None:
    change = change_of(changes)
    if change is not None:
        ctx.changed.emit(change)


def run_op(
    ctx: AppContext,
    call: Callable[..., Any],
    *,
    success: Callable[[Any], object] | None = None,
    bar: MessageBar | None = None,
    show: Callable[[str], object] | None = None,
    on_error: Callable[[BaseException], bool] | None = None,
    slow: bool = False,
    title: str = "",
    kind: str = DB,
    stoppable: bool = False,
    exclusive: bool = False,
    cancelled: Callable[[], object] | None = None,
) -> None:
    """Run `call` (see the module): ``call()`` now, or ``call(progress)`` as a worker job when
    `slow` — `title`, `kind`, `stoppable`, `exclusive` and `cancelled` are the job's (ui.worker)."""

    def failed(exc: BaseException) -> None:
        if on_error is not None and on_error(exc):
            if not isinstance(exc, EXPECTED):
                log.error("unexpected error", exc_info=exc)
            return
        text = ctx.explain(exc)  # logs what is unexpected
        if show is not None:
            show(text)
        elif bar is not None:
            bar.error(text)
        elif isinstance(exc, EXPECTED):
            log.warning("refused: %s", text)

    if not slow:
        error: Exception | None = None
        with collect_changes() as changes:
            try:
                result = call()
            except Exception as exc:  # said to the person; the cause of the unexpected is logged
                error = exc
        if error is not None:
            failed(error)
        elif success is not None:
            success(result)
        announce(ctx, changes)
        return

    collected: list[Changes] = []

    def run(progress: Progress) -> Any:
        with collect_changes() as changes:  # on the job's thread: this job's transactions
            collected.append(changes)
            return call(progress)

    def after() -> None:
        for changes in collected:
            announce(ctx, changes)

    def done(result: Any) -> None:
        if success is not None:
            success(result)
        after()

    def refused(exc: BaseException) -> None:
        failed(exc)
        after()

    def stopped() -> None:
        if cancelled is not None:
            cancelled()
        after()

    job = Job(
        title, run, done, refused, stopped, stoppable=stoppable, kind=kind, exclusive=exclusive
    )
    ctx.jobs.submit(job)

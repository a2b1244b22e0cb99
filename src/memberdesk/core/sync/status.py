"""What the window shows of sync: pending, in flight, problems, last success and error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from ..i18n import DEFAULT_LANG, N_, name_of
from ..shop.details import read_setting
from ..store.database import Store
from ..store.models import OutboxEvent
from ..till.totals import DayTotals
from .config import K_ERROR, K_MISMATCHES, K_ONLINE, K_SUCCESS, K_TERMINAL, K_URL
from .errors import SyncMessage


@dataclass(frozen=True)
class Reconciliation:
    day: date
    status: str  # match | mismatch | incomplete (events for the day still pending)
    differences: tuple[str, ...]
    local: DayTotals
    hq: DayTotals | None
    checked_at: datetime


@dataclass(frozen=True)
class SyncStatus:
    pending: int
    inflight: int
    rejected: int
    last_success_at: datetime | None
    last_error: SyncMessage | None
    online: bool | None  # None: never tried
    configured: bool = False
    mismatch_days: tuple[str, ...] = ()  # business days whose totals disagreed with HQ's


# What each kind of record sent to HQ is, as a person reading the sync problems says it.
EVENT_NAMES = {
    "member.issued": N_("new member"), "member.edited": N_("member details"),
    "member.card_lost": N_("card reported lost"), "member.card_replaced": N_("new card"),
    "member.frozen": N_("member frozen"), "member.active": N_("member unfrozen"),
    "member.cancelled": N_("member cancelled"), "member.tier_changed": N_("tier change"),
    "sale.completed": N_("sale"), "sale.refunded": N_("refund record"),
    "wallet.topup": N_("top-up"), "wallet.topup_reversed": N_("Top-up reversed"),
    "wallet.cashout": N_("Cash-out"), "points.entry": N_("points entry"),
    "wallet.entry": N_("stored-value entry"), "staff.add": N_("new staff member"),
    "staff.change": N_("staff change"), "staff.pin_reset": N_("PIN reset"),
    "program.saved": N_("loyalty program"), "shift.opened": N_("shift opened"),
    "shift.closed": N_("shift closed"), "shop.configured": N_("shop details"),
    "call.logged": N_("call logged"),
}  # fmt: skip


@dataclass(frozen=True)
class SyncProblem:
    seq: int
    event_id: str
    kind: str
    aggregate_id: str
    created_at: datetime
    reason: str  # HQ's own words (English, for whoever looks into it at HQ)

    def what(self, lang: str | None = DEFAULT_LANG) -> str:
        """The kind of record, by its name."""
        return name_of(EVENT_NAMES, self.kind, lang)


def outbox_counts(session: Any) -> dict[str, int]:
    rows = session.execute(
        select(OutboxEvent.state, func.count())
        .where(OutboxEvent.state.in_(("pending", "inflight", "rejected")))
        .group_by(OutboxEvent.state)
    )
    return {state: int(n) for state, n in rows}


def _when(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def sync_status(store: Store) -> SyncStatus:
    """Cheap enough to poll: three counts from the outbox's state index and a few settings."""
    with store.read() as s:
        counts = outbox_counts(s)
        err = read_setting(s, K_ERROR)
        return SyncStatus(
            pending=counts.get("pending", 0),
            inflight=counts.get("inflight", 0),
            rejected=counts.get("rejected", 0),
            last_success_at=_when(read_setting(s, K_SUCCESS)),
            last_error=SyncMessage.from_setting(err) if isinstance(err, dict) else None,
            online=read_setting(s, K_ONLINE),
            configured=bool(read_setting(s, K_URL) and read_setting(s, K_TERMINAL)),
            mismatch_days=tuple(read_setting(s, K_MISMATCHES, []) or []),
        )


def sync_problems(store: Store, limit: int = 500) -> list[SyncProblem]:
    """Events HQ rejected, newest first, with HQ's reason."""
    with store.read() as s:
        rows = s.execute(
            select(
                OutboxEvent.seq, OutboxEvent.event_id, OutboxEvent.kind, OutboxEvent.aggregate_id,
                OutboxEvent.created_at, OutboxEvent.reason,
            )
            .where(OutboxEvent.state == "rejected")
            .order_by(OutboxEvent.seq.desc())
            .limit(limit)
        )  # fmt: skip
        return [SyncProblem(*row) for row in rows]

"""What the window shows of sync: pending, in flight, problems, last success and error."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from string import Formatter
from typing import Any

from sqlalchemy import func, select

from ..errors import DomainError
from ..i18n import DEFAULT_LANG, N_, Message, name_of, translate
from ..shop.clock_check import clock_problem
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
    clock: DomainError | None = None  # the till's clock is wrong: sales are refused


# What each kind of record sent to HQ is, as a person reading the sync problems says it.
EVENT_NAMES = {
    "member.issued": N_("new member"), "member.edited": N_("member details"),
    "member.card_lost": N_("card reported lost"), "member.card_replaced": N_("new card"),
    "member.frozen": N_("member frozen"), "member.active": N_("member unfrozen"),
    "member.cancelled": N_("member cancelled"), "member.tier_changed": N_("tier change"),
    "member.erased": N_("personal information erased"),
    "sale.completed": N_("sale"), "sale.refunded": N_("refund record"),
    "wallet.topup": N_("top-up"), "wallet.topup_reversed": N_("Top-up reversed"),
    "wallet.cashout": N_("Cash-out"), "points.entry": N_("points entry"),
    "wallet.entry": N_("stored-value entry"), "staff.add": N_("new staff member"),
    "staff.change": N_("staff change"), "staff.pin_reset": N_("PIN reset"),
    "staff.recovery_code": N_("owner's recovery code"),
    "staff.pin_recovered": N_("owner's PIN set by the recovery code"),
    "program.saved": N_("loyalty program"), "shift.opened": N_("shift opened"),
    "shift.closed": N_("shift closed"), "shop.configured": N_("shop details"),
    "call.logged": N_("call logged"), "countcard.sold": N_("count card"),
    "countcard.entry": N_("count card entry"),
}  # fmt: skip


# Why HQ refused a record, as the till explains it (HQ answers a code and its parameters).
REJECTIONS = {
    "event_id_reused": N_(
        "HQ already holds this record from terminal {terminal_code} of store {store_code}: this "
        "till's records were copied from another till (or a backup was restored under a new "
        "terminal). It is not counted twice. Set this till up afresh from HQ instead of copying "
        "another till's file"
    ),
    "event_id_twice": N_("this record was sent twice in one batch under id {event_id}; HQ took it once"),
    "record_reused": N_(
        "HQ already holds {record} {id} from another record: it is not counted twice. This "
        "till's file was probably copied from another till"
    ),
    "other_store": N_(
        "this record touches {record} {id} of store {store_code}; a till may only write its "
        "own store's records"
    ),
    "identity": N_(
        "HQ did not take this record: it was made while this till's store code was "
        "{store_code}, but HQ has this till as store {hq_store_code}. The record stays on this "
        "till and is not counted at HQ. Keep the store code in Back office → Shop & language "
        "at {hq_store_code} (change it only when head office asks), and tell head office about "
        "this record"
    ),
    "invalid": N_(
        "HQ found this record inconsistent ({field}: {problem}); it stays here and is not "
        "counted at HQ: contact HQ"
    ),
    "unknown_kind": N_("HQ does not know records of kind {kind} yet; HQ needs an upgrade"),
    "too_large": N_("this record is too large for HQ to accept ({bytes} bytes)"),
}  # fmt: skip
# `identity` kept before the till noted which store HQ has it as (that code is unknown).
IDENTITY_UNNAMED = N_(
    "HQ did not take this record: it was made while this till's store code was {store_code}, "
    "which is not the store HQ has this till as. The record stays on this till and is not "
    "counted at HQ. Keep the store code in Back office → Shop & language as head office gave "
    "it (change it only when head office asks), and tell head office about this record"
)


# The words inside those reasons.
PROBLEMS = {
    "missing": N_("missing"), "type": N_("wrong type"), "negative": N_("negative"),
    "too_large": N_("too large"), "unknown_kind": N_("unknown kind"),
    "sum": N_("does not add up"), "time_range": N_("time out of range"), "too_long": N_("too long"),
    "too_small": N_("too small"), "unknown": N_("not known at head office"),
}  # fmt: skip
RECORDS = {
    "member": N_("member"), "sale": N_("sale"), "refund": N_("refund record"),
    "points": N_("points entry"), "wallet": N_("stored-value entry"),
}  # fmt: skip


def rejection_text(answer: dict[str, Any], store_code: str | None = None) -> str:
    """What is kept of one rejection in the outbox: its code and parameters (shown in the
    reader's language) and HQ's own words; a plain text from an HQ that sends no code.
    `store_code`: the code the batch was sent under, which HQ accepts only as its own for
    this till — kept with an `identity` rejection, so the till can name the store HQ has it as."""
    reason = str(answer.get("reason") or "rejected")[:500]
    code, params = answer.get("code"), answer.get("params")
    if not isinstance(code, str) or not code:
        return reason
    params = (
        {str(k)[:40]: str(v)[:120] for k, v in (params or {}).items()}
        if isinstance(params, dict)
        else {}
    )
    if code == "identity" and store_code:
        params["hq_store_code"] = store_code[:120]
    return json.dumps({"code": code[:40], "params": params, "reason": reason}, ensure_ascii=False)


@dataclass(frozen=True)
class SyncProblem:
    seq: int
    event_id: str
    kind: str
    aggregate_id: str
    created_at: datetime
    reason: str  # as kept by `rejection_text`

    def what(self, lang: str | None = DEFAULT_LANG) -> str:
        """The kind of record, by its name."""
        return name_of(EVENT_NAMES, self.kind, lang)

    def why(self, lang: str | None = DEFAULT_LANG) -> str:
        """Why HQ refused it, in `lang` (HQ's own words when the code is not one we know)."""
        try:
            kept = json.loads(self.reason)
        except ValueError:
            return self.reason
        if not isinstance(kept, dict):
            return self.reason
        code = str(kept.get("code"))
        msgid = REJECTIONS.get(code)
        if msgid is None:
            return str(kept.get("reason") or kept.get("code"))
        kept_params = kept.get("params") or {}
        if code == "identity" and not kept_params.get("hq_store_code"):
            msgid = IDENTITY_UNNAMED
        params: dict[str, Any] = {k: "" for k in _placeholders(msgid)}
        params.update(kept_params)
        if params.get("problem") in PROBLEMS:
            params["problem"] = Message(PROBLEMS[params["problem"]])
        if params.get("record") in RECORDS:
            params["record"] = Message(RECORDS[params["record"]])
        return translate(msgid, lang, **params)


def _placeholders(msgid: str) -> list[str]:
    return [name for _, name, _, _ in Formatter().parse(msgid) if name]


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
            clock=clock_problem(s),
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

"""Invariants of the coupons: each coupon's status is what its ledger says, the ledger's
steps follow one another as a coupon can live (issued once, used once until a refund
gives it back, expired only while unused), issued = redeemed + expired + outstanding,
and every step this till took has its outbox row."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..coupons.issue import STATUS_AFTER
from ..i18n import N_, Message
from .base import examples, rows

# How a ledger row and a status read in a finding (translated where shown).
STEP_NAMES = {"issue": N_("issued"), "redeem": N_("used"), "return": N_("given back by a refund"),
              "expire": N_("expired")}  # fmt: skip
STATUS_NAMES = {"outstanding": N_("not used"), "redeemed": N_("used"), "expired": N_("expired")}


def _name(names: dict[str, str], code: str | None) -> Message | str:
    return Message(names[code]) if code in names else (code or "—")


# What may follow what in a coupon's ledger (None: its first row).
NEXT = {None: {"issue"}, "issue": {"redeem", "expire"}, "redeem": {"return"},
        "return": {"redeem", "expire"}, "expire": set()}  # fmt: skip


def coupon_ledger_agrees(s: Session) -> list[Message]:
    found = rows(
        s,
        """SELECT c.id, c.status, e.kind FROM coupons c
                       LEFT JOIN coupon_events e ON e.coupon_id = c.id
                       ORDER BY c.id, e.rowid""",
    )
    bad_steps, bad_status = [], []
    last: dict[str, str | None] = {}
    status: dict[str, str] = {}
    for r in found:
        before = last.get(r.id)
        if r.kind not in NEXT.get(before, set()):
            bad_steps.append((r.id, before, r.kind))
        last[r.id], status[r.id] = r.kind, r.status
    for coupon_id, kind in last.items():
        if STATUS_AFTER.get(kind or "") != status[coupon_id]:
            bad_status.append((coupon_id, status[coupon_id], kind))
    out = examples(bad_steps, lambda r: Message(
        N_("coupon {serial}: its ledger goes from {before} to {after}"),
        serial=r[0], before=_name(STEP_NAMES, r[1]), after=_name(STEP_NAMES, r[2])))  # fmt: skip
    out += examples(bad_status, lambda r: Message(
        N_("coupon {serial} is marked {status}, but its ledger ends with {kind}"),
        serial=r[0], status=_name(STATUS_NAMES, r[1]), kind=_name(STEP_NAMES, r[2])))  # fmt: skip
    counts = dict(rows(s, "SELECT status, COUNT(*) FROM coupons GROUP BY status"))
    issued = sum(counts.values())
    parts = [counts.get(k, 0) for k in ("redeemed", "expired", "outstanding")]
    if issued != sum(parts):
        out.append(Message(N_("coupons issued {issued} ≠ redeemed {redeemed} + expired {expired} + outstanding {outstanding}"),
                           issued=issued, redeemed=parts[0], expired=parts[1], outstanding=parts[2]))  # fmt: skip
    return out


def coupon_steps_have_outbox(s: Session) -> list[Message]:
    kinds = {"issue": "coupon.issued", "redeem": "coupon.redeemed", "return": "coupon.returned",
             "expire": "coupon.expired"}  # fmt: skip
    ledger = dict(rows(s, "SELECT kind, COUNT(*) FROM coupon_events WHERE reported GROUP BY kind"))
    journal = dict(
        rows(s, "SELECT kind, COUNT(*) FROM outbox WHERE kind LIKE 'coupon.%' GROUP BY kind")
    )
    return [Message(N_("coupon ledger rows of kind {kind}: {ledger}; in the sync queue: {journal}"),
                    kind=_name(STEP_NAMES, kind), ledger=ledger.get(kind, 0), journal=journal.get(event, 0))
            for kind, event in kinds.items() if ledger.get(kind, 0) != journal.get(event, 0)]  # fmt: skip


GUARDS = ("trg_coupons_no_delete", "trg_coupons_frozen", "trg_coupon_events_no_delete",
          "trg_coupon_events_no_update")  # fmt: skip


def coupon_guards_present(s: Session) -> list[Message]:
    have = {r[0] for r in rows(s, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return [Message(N_("the guard {name} against rewriting coupons is missing"), name=name)
            for name in GUARDS if name not in have]  # fmt: skip


COUPON_CHECKS = [coupon_ledger_agrees, coupon_steps_have_outbox, coupon_guards_present]
COUPON_CHECK_NAMES = {
    "coupon_ledger_agrees": N_("coupons and their ledger"),
    "coupon_steps_have_outbox": N_("coupon changes in the sync queue"),
    "coupon_guards_present": N_("guards against rewriting coupons"),
}

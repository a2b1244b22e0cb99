"""Invariants of the coupons: each coupon's status is what its ledger says, the ledger's
steps follow one another as a coupon can live (issued once, used once until a refund
gives it back, expired only while unused), issued = redeemed + expired + outstanding,
and every step this till took has its journal row and is what that row sealed."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from sqlalchemy.orm import Session

from ..coupons.issue import STATUS_AFTER
from ..i18n import N_, Message
from ..shop.details import ShopInfo
from ..store.statements import raw_connection
from .base import examples, rows
from .journal import carried_spans

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


# Each step of the ledger and its journal row: what both say (the step's time is the row's).
JOURNAL_KINDS = {"coupon.issued": "issue", "coupon.redeemed": "redeem",
                 "coupon.returned": "return", "coupon.expired": "expire"}  # fmt: skip
_STEPS = """SELECT coupon_id, kind, at, CASE kind WHEN 'issue' THEN NULL ELSE business_date END,
                  sale_id, refund_id, CASE kind WHEN 'redeem' THEN off END
           FROM coupon_events WHERE reported ORDER BY rowid"""
_SEALED_STEPS = f"""SELECT seq, aggregate_id, CASE kind {
    " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in JOURNAL_KINDS.items())
} END, created_at,
                  json_extract(payload, '$.business_date'), json_extract(payload, '$.sale_id'),
                  json_extract(payload, '$.refund_id'),
                  CASE kind WHEN 'coupon.redeemed' THEN json_extract(payload, '$.off') END
           FROM outbox WHERE kind IN ({", ".join(f"'{k}'" for k in JOURNAL_KINDS)}) ORDER BY seq"""


def coupon_steps_match_journal(s: Session) -> list[Message]:
    """Each step of the coupon ledger this till took has its journal row, and is what that
    row sealed: the coupon, the kind of step, its time and day, the sale and refund, the
    amount taken off.

    The ledger's guard can be dropped and put back by someone with the file; the
    journal's chain cannot be rewritten unseen (journal_chain). A till writes each step
    and its journal row in one transaction, so both read in order come in pairs; where
    they part, the steps of each kind are counted on both sides, and each step is
    matched by coupon, kind and how many of that kind came before, which names every
    step changed, added or removed. (One read of the journal's coupon rows: the journal
    has no index by kind, and a large shop's is millions of rows.)"""
    dbapi = raw_connection(s)
    carried = carried_spans(s)

    def sealed() -> Any:
        for seq, *step in dbapi.execute(_SEALED_STEPS):
            if not (carried and any(a <= seq <= b for a, b in carried)):
                yield tuple(str(v) if v is not None else None for v in step)

    def held() -> Any:
        for step in dbapi.execute(_STEPS):
            yield tuple(str(v) if v is not None else None for v in step)

    ledger, journal = list(held()), list(sealed())
    if ledger == journal:
        return []
    mine, theirs = Counter(step[1] for step in ledger), Counter(step[1] for step in journal)
    out = [Message(N_("coupon ledger rows of kind {kind}: {ledger}; in the sync queue: {journal}"),
                   kind=_name(STEP_NAMES, kind), ledger=mine[kind], journal=theirs[kind])
           for kind in STEP_NAMES if mine[kind] != theirs[kind]]  # fmt: skip
    return out + examples(_parted(ledger, journal), lambda r: Message(
        N_("coupon {serial}: the step “{step}” differs from what the sync journal sealed"),
        serial=r[0], step=_name(STEP_NAMES, r[1])))  # fmt: skip


def _parted(ledger: Any, journal: Any) -> list[tuple[str, str]]:
    """The steps (coupon, kind) on one side only or different on the two, in ledger order."""

    def keyed(steps: Any) -> dict[tuple[str, str, int], tuple]:
        seen: Counter[tuple[str, str]] = Counter()
        out = {}
        for step in steps:
            seen[step[0], step[1]] += 1
            out[step[0], step[1], seen[step[0], step[1]]] = step
        return out

    mine, theirs = keyed(ledger), keyed(journal)
    found = [k for k, step in mine.items() if theirs.get(k) != step]
    found += [k for k in theirs if k not in mine]
    return list(dict.fromkeys((k[0], k[1]) for k in found))


GUARDS = ("trg_coupons_no_delete", "trg_coupons_frozen", "trg_coupon_events_no_delete",
          "trg_coupon_events_no_update")  # fmt: skip


def coupon_guards_present(s: Session) -> list[Message]:
    have = {r[0] for r in rows(s, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return [Message(N_("the guard {name} against rewriting coupons is missing"), name=name)
            for name in GUARDS if name not in have]  # fmt: skip


# The counter a coupon's number is taken from (core/coupons/issue.py: "88-0000042", this
# till's card prefix and the counter): the next number must be past every coupon this till
# issued under its prefix (a coupon of another till, used here, has that till's). One turned
# back in the file would have the till give a number, and so a code, already held. Sought
# on the coupons' key, not by reading them all.
_LAST_ISSUED = "SELECT max(id) FROM coupons WHERE id > ? AND id < ?"


def coupon_counter_ahead(s: Session) -> list[Message]:
    dbapi = raw_connection(s)
    prefix = dbapi.execute("SELECT value FROM settings WHERE key = 'shop.card_prefix'").fetchone()
    prefix = str(json.loads(prefix[0]) if prefix is not None else ShopInfo().card_prefix)
    newest = dbapi.execute(_LAST_ISSUED, (f"{prefix}-", f"{prefix}.")).fetchone()[0]
    if newest is None or not newest[len(prefix) + 1 :].isdigit():
        return []
    last = int(newest[len(prefix) + 1 :])
    row = dbapi.execute("SELECT value FROM settings WHERE key = 'coupon.seq'").fetchone()
    try:
        counter = int(row[0]) if row is not None else None
    except (TypeError, ValueError):
        counter = None
    if counter is not None and counter > last:
        return []
    return [Message(N_("the coupon counter's next number is {counter}, but coupons up to number "
                       "{last} were issued: a coupon number would be given twice"),
                    counter=row[0] if row is not None else "—", last=last)]  # fmt: skip


COUPON_CHECKS = [coupon_ledger_agrees, coupon_steps_match_journal, coupon_guards_present,
                 coupon_counter_ahead]  # fmt: skip
COUPON_CHECK_NAMES = {
    "coupon_counter_ahead": N_("the coupon counter past every coupon issued"),
    "coupon_ledger_agrees": N_("coupons and their ledger"),
    "coupon_steps_match_journal": N_("coupon steps against the sync journal"),
    "coupon_guards_present": N_("guards against rewriting coupons"),
}

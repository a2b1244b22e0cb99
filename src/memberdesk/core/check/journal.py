"""Invariants of the journal (core/store/journal.py): its chain is whole, every record
agrees with the journal row that sealed it (and the reverse), receipt numbers run
without a gap, the guards against rewriting are in place, and nothing is marked sent
that HQ never confirmed. Each names the first broken link it finds."""

from __future__ import annotations

import json
import re
from collections import defaultdict

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..i18n import N_, Message
from ..loyalty.program import TENDER_NAMES
from ..store.journal import GENESIS, link
from ..store.statements import raw_connection
from .base import examples, rows

# The triggers the migrations create; a missing one was dropped by hand.
GUARDS = (
    "trg_outbox_no_delete", "trg_outbox_frozen", "trg_audit_log_no_delete",
    "trg_audit_log_no_update", "trg_points_ledger_no_delete", "trg_points_ledger_no_update",
    "trg_wallet_ledger_no_delete", "trg_wallet_ledger_no_update", "trg_topups_no_delete",
    "trg_topups_no_update", "trg_refunds_no_delete", "trg_refunds_no_update",
    "trg_sales_no_delete", "trg_sales_frozen", "trg_sales_refunded_up",
    "trg_sale_lines_no_delete", "trg_sale_lines_frozen", "trg_sale_lines_refunded_up",
    "trg_sale_tenders_no_delete", "trg_sale_tenders_no_update",
    "trg_count_cards_no_delete", "trg_count_cards_frozen", "trg_count_cards_left_down",
    "trg_count_card_ledger_no_delete", "trg_count_card_ledger_no_update",
)  # fmt: skip

# Each record and the journal row that sealed it: the fields that must agree.
SEALED = (
    ("sales", "sale.completed", N_("sale"),
     {"receipt_no": "receipt_no", "total": "total", "subtotal": "subtotal",
      "discount_total": "discount", "points_earned": "points_earned",
      "points_redeemed": "points_redeemed", "member_id": "member_id"}),
    ("refunds", "sale.refunded", N_("refund record"),
     {"receipt_no": "receipt_no", "amount": "amount", "sale_id": "sale_id",
      "points_reversed": "points_reversed"}),
    ("topups", "wallet.topup", N_("top-up"),
     {"receipt_no": "receipt_no", "amount": "amount", "bonus": "bonus", "member_id": "member_id"}),
    ("points_ledger", "points.entry", N_("points entry"),
     {"delta": "delta", "member_id": "member_id", "kind": "kind", "balance_after": "balance_after"}),
    ("wallet_ledger", "wallet.entry", N_("stored-value entry"),
     {"principal_delta": "principal_delta", "bonus_delta": "bonus_delta", "member_id": "member_id",
      "principal_after": "principal_after", "bonus_after": "bonus_after"}),
    ("count_cards", "countcard.sold", N_("count card"),
     {"receipt_no": "receipt_no", "member_id": "member_id", "counts": "counts", "price": "price",
      "item_id": "item_id", "category": "category"}),
    ("count_card_ledger", "countcard.entry", N_("count card entry"),
     {"card_id": "card_id", "delta": "delta", "kind": "kind", "amount": "amount",
      "left_after": "left_after", "receipt_no": "receipt_no"}),
)  # fmt: skip

RECEIPT = re.compile(r"-(\d{6})-([A-Z]?)(\d+)$")


def journal_chain(s: Session) -> list[Message]:
    """Every row's chain follows from the one before, and no sequence number is missing."""
    cursor = raw_connection(s).execute(
        "SELECT seq, event_id, kind, aggregate_id, created_at, payload, chain FROM outbox "
        "ORDER BY seq"
    )
    previous, expected_seq = GENESIS, 1
    try:
        for seq, event_id, kind, aggregate_id, created_at, payload, chain in cursor:
            if seq != expected_seq:
                return [Message(N_("the sync journal is missing records {first}–{last}: they "
                                   "were deleted"), first=expected_seq, last=seq - 1)]  # fmt: skip
            if chain != link(previous, seq, event_id, kind, aggregate_id, created_at, payload):
                return [Message(N_("the sync journal is broken at record {seq} ({kind}): it was "
                                   "changed, inserted or removed after it was written"),
                                seq=seq, kind=kind)]  # fmt: skip
            previous, expected_seq = chain, seq + 1
    finally:
        cursor.close()
    return []


def guards_present(s: Session) -> list[Message]:
    have = {r.name for r in rows(s, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return [
        Message(N_("the guard {name} against rewriting records was removed"), name=name)
        for name in GUARDS
        if name not in have
    ]


def _carried(s: Session) -> list[tuple[int, int]]:
    """Journal rows carried onto a restored file (their records stayed in the old one)."""
    row = s.execute(text("SELECT value FROM settings WHERE key = 'restore.carried'")).first()
    spans = json.loads(row[0]) if row is not None and isinstance(row[0], str) else []
    return [(int(a), int(b)) for a, b in spans]


def records_match_journal(s: Session) -> list[Message]:
    """Each record agrees with its sealed journal row, and each journal row has its record."""
    out: list[Message] = []
    carried = _carried(s)
    for table, kind, label, fields in SEALED:
        differs = " OR ".join(
            f"json_extract(o.payload, '$.{key}') IS NOT t.{column}"
            for column, key in fields.items()
        )
        # One pass over the records: each finds its journal row (none: never sent),
        # and what it holds now is compared with what that row sealed.
        found = rows(
            s,
            f"""SELECT t.id, o.seq FROM {table} t LEFT JOIN outbox o
                ON o.aggregate_id = t.id AND o.kind = '{kind}' WHERE o.seq IS NULL OR {differs}""",
        )
        out += examples(
            [r for r in found if r.seq is None],
            lambda r, label=label: Message(N_("{what} {id} has no sync record"),
                                           what=Message(label), id=r.id),
        )  # fmt: skip
        changed = [r for r in found if r.seq is not None]
        out += examples(
            changed,
            lambda r, label=label: Message(
                N_("{what} {id} differs from what the sync journal sealed (record {seq}): it "
                   "was changed afterwards"), what=Message(label), id=r.id, seq=r.seq),
        )  # fmt: skip
        orphans = [
            r for r in rows(
                s,
                f"""SELECT o.seq, o.aggregate_id FROM outbox o WHERE o.kind = '{kind}'
                    AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = o.aggregate_id)""",
            )
            if not any(a <= r.seq <= b for a, b in carried)
        ]  # fmt: skip
        out += examples(
            orphans,
            lambda r, label=label: Message(
                N_("{what} {id} is in the sync journal (record {seq}) but no longer in the "
                   "shop's records: it was deleted"), what=Message(label), id=r.aggregate_id,
                seq=r.seq),
        )  # fmt: skip
    return out


def tender_references_match_journal(s: Session) -> list[Message]:
    """Each tender's payment code (付款码) is the one its sale's journal row sealed."""
    changed = rows(
        s,
        """SELECT t.sale_id AS id, t.kind, o.seq FROM sale_tenders t JOIN outbox o
           ON o.aggregate_id = t.sale_id AND o.kind = 'sale.completed'
           WHERE coalesce(json_extract(o.payload, '$.tender_refs.' || t.kind), '')
                 IS NOT t.reference""",
    )
    return examples(
        changed,
        lambda r: Message(N_("the payment code of sale {id} ({kind}) differs from what the sync "
                             "journal sealed (record {seq}): it was changed afterwards"),
                          id=r.id, kind=Message(TENDER_NAMES.get(r.kind, r.kind)), seq=r.seq),
    )  # fmt: skip


def receipts_continuous(s: Session) -> list[Message]:
    """Per day and kind, the receipt numbers the journal holds run 1, 2, 3 … up to the
    counter, with none missing."""
    seen: dict[tuple[str, str], set[int]] = defaultdict(set)
    for r in rows(
        s,
        """SELECT json_extract(payload, '$.receipt_no') AS receipt FROM outbox
           WHERE kind IN ('sale.completed', 'sale.refunded', 'wallet.topup',
                          'wallet.topup_reversed', 'wallet.cashout', 'countcard.entry')""",
    ):
        m = RECEIPT.search(r.receipt or "")
        if m:
            seen[(m.group(1), m.group(2))].add(int(m.group(3)))
    counters = {
        r.key: int(json.loads(r.value)) if isinstance(r.value, str) else int(r.value)
        for r in rows(s, "SELECT key, value FROM settings WHERE key LIKE 'receipt.seq.%'")
    }
    out = []
    for (day, kind), numbers in sorted(seen.items()):
        top = max(numbers)
        counter = counters.get(f"receipt.seq.{kind}20{day}")
        if counter is not None:
            top = max(top, counter - 1)
        missing = sorted(set(range(1, top + 1)) - numbers)
        if missing:
            out.append(Message(
                N_("receipt numbers of 20{day} {kind} are missing {numbers}: issued, then gone"),
                day=day, kind=kind or "-", numbers=", ".join(str(n) for n in missing[:10])))  # fmt: skip
    return out


def nothing_marked_sent_unconfirmed(s: Session) -> list[Message]:
    """Rows marked sent beyond the last sequence HQ confirmed were never acknowledged."""
    row = s.execute(text("SELECT value FROM settings WHERE key = 'sync.hq_last_seq'")).first()
    value = row[0] if row is not None else None
    confirmed = int(json.loads(value) if isinstance(value, str) else (value or 0))
    found = rows(
        s,
        f"SELECT count(*) AS n, min(seq) AS first FROM outbox WHERE state = 'acked' AND seq > {confirmed}",
    )[0]
    if not found.n:
        return []
    return [Message(N_("{n} records from number {first} on are marked sent, but head office "
                       "confirmed only up to {confirmed}"), n=found.n, first=found.first,
                    confirmed=confirmed)]  # fmt: skip


JOURNAL_CHECKS = [
    journal_chain,
    guards_present,
    records_match_journal,
    tender_references_match_journal,
    receipts_continuous,
    nothing_marked_sent_unconfirmed,
]

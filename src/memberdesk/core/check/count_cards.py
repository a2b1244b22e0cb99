"""Invariants of count cards (次卡): each card's counts add up, by its ledger.

counts sold = used + refunded + expired + left, per card; the cached count left is the
ledger's sum, and each entry's count after it is the running sum."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..i18n import N_, Message
from .base import examples, rows


def count_cards_add_up(s: Session) -> list[Message]:
    bad = rows(
        s,
        """SELECT c.receipt_no, c.name, c.counts, c.counts_left,
                  COALESCE(SUM(CASE WHEN e.kind = 'sold' THEN e.delta END), 0) AS sold,
                  COALESCE(SUM(CASE WHEN e.kind = 'use' THEN -e.delta END), 0) AS used,
                  COALESCE(SUM(CASE WHEN e.kind = 'refund' THEN -e.delta END), 0) AS refunded,
                  COALESCE(SUM(CASE WHEN e.kind = 'expire' THEN -e.delta END), 0) AS expired,
                  COALESCE(SUM(e.delta), 0) AS ledger,
                  COUNT(CASE WHEN e.kind NOT IN ('sold', 'use', 'refund', 'expire')
                                  OR (e.kind = 'sold') != (e.delta > 0) THEN 1 END) AS odd
           FROM count_cards c LEFT JOIN count_card_ledger e ON e.card_id = c.id
           GROUP BY c.id
           HAVING sold != c.counts OR used + refunded + expired + c.counts_left != c.counts
               OR ledger != c.counts_left OR c.counts_left < 0 OR odd > 0""",
    )
    out = examples(
        bad,
        lambda r: Message(
            N_("count card {receipt} ({name}): {counts} visits sold, the ledger sold {sold}, "
               "used {used}, refunded {refunded}, expired {expired}, {left} left"),
            receipt=r.receipt_no, name=r.name, counts=r.counts, sold=r.sold, used=r.used,
            refunded=r.refunded, expired=r.expired, left=r.counts_left),
    )  # fmt: skip
    chain = rows(
        s,
        """SELECT id, left_after, running FROM (
             SELECT id, left_after,
                    SUM(delta) OVER (PARTITION BY card_id ORDER BY rowid) AS running
             FROM count_card_ledger) WHERE left_after != running""",
    )
    out += examples(
        chain,
        lambda r: Message(N_("count card entry {id}: {left} left differs from the running total {running}"),
                          id=r.id, left=r.left_after, running=r.running),
    )  # fmt: skip
    return out


COUNT_CARD_CHECKS = [count_cards_add_up]

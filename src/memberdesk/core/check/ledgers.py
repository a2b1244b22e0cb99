"""Invariants of the money side: cached balances equal the ledgers, no sale or
ledger entry without its outbox row, no ledger entry without its sale, and no
refund beyond its sale."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..i18n import N_, Message
from .base import examples, rows
from .count_cards import COUNT_CARD_CHECKS

ENTRY_NAMES = {"points": N_("points entry"), "wallet": N_("stored-value entry")}


def balances_match_ledgers(s: Session) -> list[Message]:
    points = rows(
        s,
        """SELECT m.name, m.card_no, m.points, COALESCE(SUM(p.delta), 0) AS ledger
           FROM members m LEFT JOIN points_ledger p ON p.member_id = m.id
           GROUP BY m.id HAVING m.points != ledger""",
    )
    out = examples(
        points,
        lambda r: Message(N_("member {name} ({card}) has {points} points; the points ledger sums to {ledger}"),
                          name=r.name, card=r.card_no, points=r.points, ledger=r.ledger),
    )  # fmt: skip
    wallet = rows(
        s,
        """SELECT m.name, m.card_no, m.wallet_principal AS p, m.wallet_bonus AS b,
                  COALESCE(SUM(w.principal_delta), 0) AS lp, COALESCE(SUM(w.bonus_delta), 0) AS lb
           FROM members m LEFT JOIN wallet_ledger w ON w.member_id = m.id
           GROUP BY m.id HAVING m.wallet_principal != lp OR m.wallet_bonus != lb""",
    )
    out += examples(
        wallet,
        lambda r: Message(
            N_(
                "member {name} ({card}) holds principal {principal} / bonus {bonus}; the ledger sums to {ledger_principal} / {ledger_bonus}"
            ),
            name=r.name,
            card=r.card_no,
            principal=r.p,
            bonus=r.b,
            ledger_principal=r.lp,
            ledger_bonus=r.lb,
        ),  # fmt: skip
    )
    negative = rows(
        s, "SELECT name, card_no FROM members WHERE wallet_principal < 0 OR wallet_bonus < 0"
    )
    out += examples(
        negative,
        lambda r: Message(N_("member {name} ({card}) has a negative stored value"), name=r.name,
                          card=r.card_no),
    )  # fmt: skip
    return out


def ledger_chain(s: Session) -> list[Message]:
    # Each entry's balance_after must be the running sum of that member's entries.
    bad = rows(
        s,
        """SELECT member_id, id, balance_after, running FROM (
             SELECT member_id, id, balance_after,
                    SUM(delta) OVER (PARTITION BY member_id ORDER BY rowid) AS running
             FROM points_ledger) WHERE balance_after != running""",
    )
    out = examples(
        bad,
        lambda r: Message(N_("points entry {id}: balance {balance} differs from the running total {running}"),
                          id=r.id, balance=r.balance_after, running=r.running),
    )  # fmt: skip
    wallet = rows(
        s,
        """SELECT id, principal_after, bonus_after, rp, rb FROM (
             SELECT id, principal_after, bonus_after,
                    SUM(principal_delta) OVER (PARTITION BY member_id ORDER BY rowid) AS rp,
                    SUM(bonus_delta) OVER (PARTITION BY member_id ORDER BY rowid) AS rb
             FROM wallet_ledger) WHERE principal_after != rp OR bonus_after != rb""",
    )
    out += examples(
        wallet,
        lambda r: Message(
            N_(
                "stored-value entry {id}: balance {principal}/{bonus} differs from the running total {running_principal}/{running_bonus}"
            ),
            id=r.id,
            principal=r.principal_after,
            bonus=r.bonus_after,
            running_principal=r.rp,
            running_bonus=r.rb,
        ),  # fmt: skip
    )
    return out


def entries_have_their_sale(s: Session) -> list[Message]:
    orphans = rows(
        s,
        """SELECT 'points' AS t, id FROM points_ledger p WHERE sale_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM sales x WHERE x.id = p.sale_id)
           UNION ALL
           SELECT 'wallet', id FROM wallet_ledger w WHERE sale_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM sales x WHERE x.id = w.sale_id)""",
    )
    out = examples(
        orphans,
        lambda r: Message(N_("{what} {id} has no sale to go with it"),
                          what=Message(ENTRY_NAMES.get(r.t, r.t)), id=r.id),
    )  # fmt: skip
    no_lines = rows(
        s,
        "SELECT receipt_no FROM sales x WHERE total > 0 AND NOT EXISTS (SELECT 1 FROM sale_lines l WHERE l.sale_id = x.id)",
    )
    out += examples(
        no_lines, lambda r: Message(N_("sale {receipt} has no lines"), receipt=r.receipt_no)
    )
    return out


def sales_add_up(s: Session) -> list[Message]:
    bad = rows(
        s,
        """SELECT x.receipt_no, x.total, x.refunded_total,
                  (SELECT COALESCE(SUM(amount), 0) FROM sale_lines l WHERE l.sale_id = x.id) AS lines,
                  (SELECT COALESCE(SUM(amount), 0) FROM sale_tenders t WHERE t.sale_id = x.id) AS paid,
                  (SELECT COALESCE(SUM(amount), 0) FROM refunds r WHERE r.sale_id = x.id) AS refunded
           FROM sales x
           WHERE lines != x.total OR paid != x.total OR refunded != x.refunded_total
              OR x.refunded_total > x.total""",
    )
    out = examples(
        bad,
        lambda r: Message(
            N_(
                "sale {receipt}: total {total}, lines {lines}, paid {paid}, refunded {refunded_total}/{refunded}"
            ),
            receipt=r.receipt_no,
            total=r.total,
            lines=r.lines,
            paid=r.paid,
            refunded_total=r.refunded_total,
            refunded=r.refunded,
        ),  # fmt: skip
    )
    over = rows(
        s,
        """SELECT x.receipt_no, l.line_no, l.quantity, l.refunded_qty FROM sale_lines l
           JOIN sales x ON x.id = l.sale_id
           WHERE l.refunded_qty < 0 OR l.refunded_qty > l.quantity""",
    )
    out += examples(
        over,
        lambda r: Message(
            N_("sale {receipt} line {line}: quantity {quantity}, refunded {refunded}"),
            receipt=r.receipt_no,
            line=r.line_no,
            quantity=r.quantity,
            refunded=r.refunded_qty,
        ),  # fmt: skip
    )
    return out


LEDGER_CHECKS = [
    *COUNT_CARD_CHECKS,
    balances_match_ledgers,
    ledger_chain,
    entries_have_their_sale,
    sales_add_up,
]

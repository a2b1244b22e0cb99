"""Invariants of the money side: cached balances equal the ledgers, no sale or
ledger entry without its outbox row, no ledger entry without its sale, and no
refund beyond its sale."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..i18n import N_, Message
from ..store.statements import raw_connection
from .base import examples, rows
from .chain_seals import chain_entries_sealed
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
    # Below zero only where HQ recorded the overdraft (two stores spent it while offline).
    negative = rows(
        s,
        """SELECT name, card_no FROM members m WHERE (wallet_principal < 0 OR wallet_bonus < 0)
           AND NOT EXISTS (SELECT 1 FROM chain_overdrafts o WHERE o.member_id = m.id
                           AND o.kind IN ('principal', 'bonus'))""",
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


def _sorted_ids(dbapi, sql: str):
    return (r[0] for r in dbapi.execute(sql))


def _missing(wanted, have) -> list[str]:
    """Ids in the sorted stream `wanted` (repeats allowed) that the sorted stream `have`
    lacks: one merge of two index scans, no lookup by id."""
    missing: list[str] = []
    current = next(have, None)
    for sale_id in wanted:
        while current is not None and current < sale_id:
            current = next(have, None)
        if current != sale_id and (not missing or missing[-1] != sale_id):
            missing.append(sale_id)
    return missing


def entries_have_their_sale(s: Session) -> list[Message]:
    """Every ledger entry of a sale has its sale, and every sale with a total has lines:
    sorted index scans merged, so a shop of millions of sales is read once in order."""
    dbapi = raw_connection(s)
    sales = "SELECT id FROM sales ORDER BY id"
    lost = {
        "points": _missing(_sorted_ids(dbapi, "SELECT sale_id FROM points_ledger WHERE sale_id IS "
                                               "NOT NULL ORDER BY sale_id"),
                           _sorted_ids(dbapi, sales)),
        "wallet": _missing(_sorted_ids(dbapi, "SELECT sale_id FROM wallet_ledger WHERE sale_id IS "
                                               "NOT NULL ORDER BY sale_id"),
                           _sorted_ids(dbapi, sales)),
    }  # fmt: skip
    orphans = []
    for t, ids in lost.items():
        for start in range(0, len(ids), 500):
            chunk = ", ".join(f"'{i}'" for i in ids[start : start + 500] if "'" not in i)
            orphans += rows(s, f"SELECT '{t}' AS ledger, id FROM {t}_ledger WHERE sale_id IN ({chunk}) "
                               "ORDER BY rowid")  # fmt: skip
    out = examples(
        orphans,
        lambda r: Message(N_("{what} {id} has no sale to go with it"),
                          what=Message(ENTRY_NAMES.get(r.ledger, r.ledger)), id=r.id),
    )  # fmt: skip
    bare = _missing(_sorted_ids(dbapi, sales),
                    _sorted_ids(dbapi, "SELECT DISTINCT sale_id FROM sale_lines ORDER BY sale_id"))  # fmt: skip
    no_lines = []
    for start in range(0, len(bare), 500):
        chunk = ", ".join(f"'{i}'" for i in bare[start : start + 500] if "'" not in i)
        no_lines += rows(s, f"SELECT receipt_no FROM sales WHERE id IN ({chunk}) AND total > 0")
    out += examples(
        no_lines, lambda r: Message(N_("sale {receipt} has no lines"), receipt=r.receipt_no)
    )
    return out


def _sums_in_order(s: Session) -> bool:
    """Every sale's lines, payments and refunds add up, read in the order they were
    written: a sale and its lines and tenders are written in one transaction, so the
    three tables read by rowid come in step. True when every sale agrees and nothing is
    left over; otherwise the sales are compared one by one."""
    dbapi = raw_connection(s)
    refunded = dict(dbapi.execute("SELECT sale_id, SUM(amount) FROM refunds GROUP BY sale_id"))
    sales = dbapi.execute("SELECT id, total, refunded_total FROM sales ORDER BY rowid")
    lines = dbapi.execute("SELECT sale_id, amount FROM sale_lines ORDER BY rowid")
    tenders = dbapi.execute("SELECT sale_id, amount FROM sale_tenders ORDER BY rowid")
    try:
        line, tender = next(lines, None), next(tenders, None)
        for sale_id, total, refunded_total in sales:
            in_lines = paid = 0
            while line is not None and line[0] == sale_id:
                in_lines += line[1]
                line = next(lines, None)
            while tender is not None and tender[0] == sale_id:
                paid += tender[1]
                tender = next(tenders, None)
            if (in_lines != total or paid != total or refunded_total > total
                    or refunded.pop(sale_id, 0) != refunded_total):  # fmt: skip
                return False
        return line is None and tender is None and not refunded
    finally:
        for cursor in (sales, lines, tenders):
            cursor.close()


def sales_add_up(s: Session) -> list[Message]:
    bad = [] if _sums_in_order(s) else rows(
        s,
        """SELECT x.receipt_no, x.total, x.refunded_total,
                  (SELECT COALESCE(SUM(amount), 0) FROM sale_lines l WHERE l.sale_id = x.id) AS lines,
                  (SELECT COALESCE(SUM(amount), 0) FROM sale_tenders t WHERE t.sale_id = x.id) AS paid,
                  (SELECT COALESCE(SUM(amount), 0) FROM refunds r WHERE r.sale_id = x.id) AS refunded
           FROM sales x
           WHERE lines != x.total OR paid != x.total OR refunded != x.refunded_total
              OR x.refunded_total > x.total""",
    )  # fmt: skip
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


def chain_sums_match(s: Session) -> list[Message]:
    """The other tills' balances HQ last sent equal the `chain` entries mirroring them, for
    every member: a `chain` entry has no journal row (HQ holds the other tills' ones), so one
    added in the file to a member no pull has written (their sums are 0) is named here."""
    found = rows(
        s,
        """SELECT m.name, m.card_no, m.chain_points AS cp, m.chain_principal AS cw, m.chain_bonus AS cb,
                  (SELECT COALESCE(SUM(delta), 0) FROM points_ledger p
                    WHERE p.member_id = m.id AND p.kind = 'chain') AS lp,
                  (SELECT COALESCE(SUM(principal_delta), 0) FROM wallet_ledger w
                    WHERE w.member_id = m.id AND w.kind = 'chain') AS lw,
                  (SELECT COALESCE(SUM(bonus_delta), 0) FROM wallet_ledger w
                    WHERE w.member_id = m.id AND w.kind = 'chain') AS lb
           FROM members m WHERE cp != lp OR cw != lw OR cb != lb""",
    )
    return examples(
        found,
        lambda r: Message(
            N_("member {name} ({card}): other stores' balances from HQ {points} / {principal} / "
               "{bonus} differ from their ledger entries {ledger_points} / {ledger_principal} / {ledger_bonus}"),
            name=r.name, card=r.card_no, points=r.cp, principal=r.cw, bonus=r.cb,
            ledger_points=r.lp, ledger_principal=r.lw, ledger_bonus=r.lb,
        ),
    )  # fmt: skip


LEDGER_CHECKS = [
    *COUNT_CARD_CHECKS,
    balances_match_ledgers,
    chain_sums_match,
    chain_entries_sealed,
    ledger_chain,
    entries_have_their_sale,
    sales_add_up,
]

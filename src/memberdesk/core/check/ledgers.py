"""Invariants of the money side: cached balances equal the ledgers, no sale or
ledger entry without its outbox row, no ledger entry without its sale, and no
refund beyond its sale."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .base import examples, rows


def balances_match_ledgers(s: Session) -> list[str]:
    points = rows(
        s,
        """SELECT m.name, m.card_no, m.points, COALESCE(SUM(p.delta), 0) AS ledger
           FROM members m LEFT JOIN points_ledger p ON p.member_id = m.id
           GROUP BY m.id HAVING m.points != ledger""",
    )
    out = examples(
        points, lambda r: f"会员 {r.name}（{r.card_no}）积分 {r.points}，积分流水合计 {r.ledger}"
    )
    wallet = rows(
        s,
        """SELECT m.name, m.card_no, m.wallet_principal AS p, m.wallet_bonus AS b,
                  COALESCE(SUM(w.principal_delta), 0) AS lp, COALESCE(SUM(w.bonus_delta), 0) AS lb
           FROM members m LEFT JOIN wallet_ledger w ON w.member_id = m.id
           GROUP BY m.id HAVING m.wallet_principal != lp OR m.wallet_bonus != lb""",
    )
    out += examples(
        wallet,
        lambda r: f"会员 {r.name}（{r.card_no}）储值 本金 {r.p}/赠送 {r.b}，流水合计 {r.lp}/{r.lb}",
    )
    negative = rows(
        s, "SELECT name, card_no FROM members WHERE wallet_principal < 0 OR wallet_bonus < 0"
    )
    out += examples(negative, lambda r: f"会员 {r.name}（{r.card_no}）储值为负")
    return out


def ledger_chain(s: Session) -> list[str]:
    # Each entry's balance_after must be the running sum of that member's entries.
    bad = rows(
        s,
        """SELECT member_id, id, balance_after, running FROM (
             SELECT member_id, id, balance_after,
                    SUM(delta) OVER (PARTITION BY member_id ORDER BY rowid) AS running
             FROM points_ledger) WHERE balance_after != running""",
    )
    out = examples(
        bad, lambda r: f"积分流水 {r.id} 的结余 {r.balance_after} 与累计 {r.running} 不符"
    )
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
        lambda r: (
            f"储值流水 {r.id} 的结余 {r.principal_after}/{r.bonus_after} 与累计 {r.rp}/{r.rb} 不符"
        ),
    )
    return out


def every_change_has_outbox(s: Session) -> list[str]:
    out = []
    for table, key, kind, label in (
        ("sales", "id", "sale.completed", "销售"),
        ("refunds", "id", "sale.refunded", "退货"),
        ("topups", "id", "wallet.topup", "充值"),
        ("points_ledger", "id", "points.entry", "积分流水"),
        ("wallet_ledger", "id", "wallet.entry", "储值流水"),
    ):
        missing = rows(
            s,
            f"""SELECT t.{key} AS id FROM {table} t
                WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.aggregate_id = t.{key} AND o.kind = '{kind}')""",
        )
        out += examples(missing, lambda r, label=label: f"{label} {r.id} 没有同步记录")
    return out


def entries_have_their_sale(s: Session) -> list[str]:
    orphans = rows(
        s,
        """SELECT 'points' AS t, id FROM points_ledger p WHERE sale_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM sales x WHERE x.id = p.sale_id)
           UNION ALL
           SELECT 'wallet', id FROM wallet_ledger w WHERE sale_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM sales x WHERE x.id = w.sale_id)""",
    )
    out = examples(orphans, lambda r: f"{r.t} 流水 {r.id} 找不到对应的销售")
    no_lines = rows(
        s,
        "SELECT receipt_no FROM sales x WHERE total > 0 AND NOT EXISTS (SELECT 1 FROM sale_lines l WHERE l.sale_id = x.id)",
    )
    out += examples(no_lines, lambda r: f"小票 {r.receipt_no} 没有商品行")
    return out


def sales_add_up(s: Session) -> list[str]:
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
        lambda r: (
            f"小票 {r.receipt_no}：应付 {r.total}，商品合计 {r.lines}，支付合计 {r.paid}，已退 {r.refunded_total}/{r.refunded}"
        ),
    )
    over = rows(
        s,
        """SELECT x.receipt_no, l.line_no, l.quantity, l.refunded_qty FROM sale_lines l
           JOIN sales x ON x.id = l.sale_id
           WHERE l.refunded_qty < 0 OR l.refunded_qty > l.quantity""",
    )
    out += examples(
        over,
        lambda r: (
            f"小票 {r.receipt_no} 第 {r.line_no} 行：数量 {r.quantity}，已退 {r.refunded_qty}"
        ),
    )
    return out


LEDGER_CHECKS = [
    balances_match_ledgers,
    ledger_chain,
    every_change_has_outbox,
    entries_have_their_sale,
    sales_add_up,
]

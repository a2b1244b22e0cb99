"""Kill a till busy with money (sales, refunds, top-ups) with SIGKILL, over and over.

After every kill the file is opened as the shop would open it next morning, and
checked the way the owner and an auditor would check it:

- every operation the till saw committed is there exactly once, whole: the sale by
  its receipt number with its lines, tenders, ledger entries and outbox rows, the
  refund with its reversals, the top-up with its bonus;
- nothing half-written exists: no sale without its ledger entries or outbox row, no
  ledger entry without its sale, refund or top-up, no outbox row for a change that
  is not there;
- each member's points, stored value (principal and bonus), lifetime spend and visits
  agree with the ledgers and the sales (memberdesk's own checks, and ours);
- receipt numbers run 1, 2, 3 … per series with no gap and no repeat, the next sale
  after the crash takes the next one, and nothing committed ever disappears;
- the till goes on selling.

Each round's till runs on its own seed (printed with every failure): with the same
file and seed, it makes the same choices until the moment of the kill.
MEMBERDESK_CRASH_SEED overrides the base seed to explore other runs.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from memberdesk.core.check.checks import run_checks
from memberdesk.core.check.ledgers import LEDGER_CHECKS
from memberdesk.core.clock import FixedClock
from memberdesk.core.loyalty.program_store import save_program
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.shop.details import configure_shop
from memberdesk.core.shop.staff import SYSTEM, Actor, add_staff, login
from memberdesk.core.store.database import Store
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout, quote
from memberdesk.core.till.refunds import refund
from memberdesk.core.till.wallet import top_up

from .crash_harness import ForkServer, kill
from .crash_money_child import (
    CASHIER,
    MANAGER,
    OWNER,
    START,
    crash_program,
    expected_bonus,
    open_store,
    refund_record,
    sale_record,
    wallet_record,
)

CHILD = Path(__file__).with_name("crash_money_child.py")
ROUNDS = 24
EARLY = (0, ROUNDS // 2)  # rounds struck while the till opens the file or starts its first sale
BASE_SEED = int(os.environ.get("MEMBERDESK_CRASH_SEED", "20260311"))
RECEIPT = re.compile(r"^(?P<series>.+-\d{6}-[A-Z]?)(?P<seq>\d{4,})$")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL"),
]


def rows(s: Session, sql: str, **params: Any) -> list[Any]:
    return list(s.execute(text(sql), params).all())


# ---------------------------------------------------------------- the shop before the first kill


def set_up_shop(db: Path) -> None:
    with Store(db, clock=FixedClock(START)) as store:
        configure_shop(store, name="测试小店", store_code="S001")
        info = add_staff(store, SYSTEM, OWNER, "owner", "8888")
        owner = Actor(info.id, info.name, info.role)
        add_staff(store, owner, MANAGER, "manager", "6666")
        add_staff(store, owner, CASHIER, "cashier", "1111")
        save_program(store, owner, crash_program())
        for i in range(8):
            issue_card(store, owner, MemberForm(name=f"会员{i}", phone=f"1390000{i:04d}"))


# ---------------------------------------------------------------- what the till reported


def read_reports(ops_file: Path) -> tuple[list[dict[str, Any]], str | None]:
    """The operations reported committed, and the one under way at the kill (if any)."""
    if not ops_file.exists():
        return [], None
    done: list[dict[str, Any]] = []
    under_way = None
    for line in ops_file.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if "begin" in record:
            under_way = record["begin"]
        else:
            done.append(record)
            under_way = None
    return done, under_way


# ---------------------------------------------------------------- nothing half-written


def sales_whole(s: Session) -> list[str]:
    out = []
    for x in rows(
        s,
        """SELECT x.receipt_no, x.total, x.points_earned, x.points_redeemed,
             COALESCE(json_extract(x.details, '$.wallet_principal'), 0) AS wp,
             COALESCE(json_extract(x.details, '$.wallet_bonus'), 0) AS wb,
             (SELECT COUNT(*) FROM sale_lines l WHERE l.sale_id = x.id) AS n_lines,
             (SELECT COUNT(*) FROM sale_tenders t WHERE t.sale_id = x.id) AS n_tenders,
             (SELECT COALESCE(SUM(delta), 0) FROM points_ledger p WHERE p.sale_id = x.id
                AND p.refund_id IS NULL AND p.kind IN ('earn', 'challenge')) AS earned,
             (SELECT COALESCE(SUM(delta), 0) FROM points_ledger p WHERE p.sale_id = x.id
                AND p.refund_id IS NULL AND p.kind = 'redeem') AS redeemed,
             (SELECT COUNT(*) FROM points_ledger p WHERE p.sale_id = x.id
                AND p.member_id IS NOT x.member_id) AS stray_points,
             (SELECT COUNT(*) FROM wallet_ledger w WHERE w.sale_id = x.id AND w.kind = 'pay') AS n_pay,
             (SELECT COALESCE(SUM(principal_delta), 0) FROM wallet_ledger w
                WHERE w.sale_id = x.id AND w.kind = 'pay') AS paid_p,
             (SELECT COALESCE(SUM(bonus_delta), 0) FROM wallet_ledger w
                WHERE w.sale_id = x.id AND w.kind = 'pay') AS paid_b,
             (SELECT COUNT(*) FROM outbox o
                WHERE o.aggregate_id = x.id AND o.kind = 'sale.completed') AS events,
             (SELECT json_extract(o.payload, '$.receipt_no') FROM outbox o
                WHERE o.aggregate_id = x.id AND o.kind = 'sale.completed') AS event_receipt
           FROM sales x""",
    ):
        why = []
        if x.n_lines < 1 or (x.total > 0 and x.n_tenders < 1):
            why.append(f"{x.n_lines} lines, {x.n_tenders} tenders")
        if x.earned != x.points_earned or x.redeemed != -x.points_redeemed or x.stray_points:
            why.append(
                f"points earned {x.points_earned} / redeemed {x.points_redeemed}, ledger says "
                f"{x.earned} / {x.redeemed} ({x.stray_points} entries of another member)"
            )
        if (x.paid_p, x.paid_b) != (-x.wp, -x.wb) or x.n_pay != (1 if x.wp or x.wb else 0):
            why.append(f"wallet used {x.wp}/{x.wb}, ledger {x.n_pay} entries {x.paid_p}/{x.paid_b}")
        if x.events != 1 or x.event_receipt != x.receipt_no:
            why.append(f"{x.events} sale.completed rows (receipt {x.event_receipt})")
        if why:
            out.append(f"sale {x.receipt_no}: " + "; ".join(why))
    return out


def refunds_whole(s: Session) -> list[str]:
    out = []
    audits = Counter(
        json.loads(r.detail).get("refund")
        for r in rows(s, "SELECT detail FROM audit_log WHERE action = 'refund'")
    )
    for r in rows(
        s,
        """SELECT r.receipt_no, r.points_reversed, r.points_returned,
             r.member_id IS x.member_id AS same_member,
             COALESCE(json_extract(r.details, '$.wallet_principal'), 0) AS wp,
             COALESCE(json_extract(r.details, '$.wallet_bonus'), 0) AS wb,
             (SELECT COALESCE(SUM(delta), 0) FROM points_ledger p
                WHERE p.refund_id = r.id AND p.kind = 'refund_reverse') AS reversed,
             (SELECT COALESCE(SUM(delta), 0) FROM points_ledger p
                WHERE p.refund_id = r.id AND p.kind = 'refund_return') AS returned,
             (SELECT COUNT(*) FROM wallet_ledger w WHERE w.refund_id = r.id) AS n_back,
             (SELECT COALESCE(SUM(principal_delta), 0) FROM wallet_ledger w
                WHERE w.refund_id = r.id AND w.kind = 'refund') AS back_p,
             (SELECT COALESCE(SUM(bonus_delta), 0) FROM wallet_ledger w
                WHERE w.refund_id = r.id AND w.kind = 'refund') AS back_b,
             (SELECT COUNT(*) FROM outbox o
                WHERE o.aggregate_id = r.id AND o.kind = 'sale.refunded') AS events
           FROM refunds r LEFT JOIN sales x ON x.id = r.sale_id""",
    ):
        why = []
        if not r.same_member:
            why.append("not the member of its sale")
        if r.reversed != -r.points_reversed or r.returned != r.points_returned:
            why.append(
                f"points reversed {r.points_reversed} / returned {r.points_returned}, "
                f"ledger says {-r.reversed} / {r.returned}"
            )
        if (r.back_p, r.back_b) != (r.wp, r.wb) or r.n_back != (1 if r.wp or r.wb else 0):
            why.append(
                f"wallet back {r.wp}/{r.wb}, ledger {r.n_back} entries {r.back_p}/{r.back_b}"
            )
        if r.events != 1 or audits[r.receipt_no] != 1:
            why.append(f"{r.events} sale.refunded rows, {audits[r.receipt_no]} audit entries")
        if why:
            out.append(f"refund {r.receipt_no}: " + "; ".join(why))
    # Each line's returned quantity is what the refunds of it say, no more, no less.
    taken: Counter[tuple[str, int]] = Counter()
    for r in rows(s, "SELECT sale_id, details FROM refunds"):
        for line_no, qty in json.loads(r.details)["lines"].items():
            taken[(r.sale_id, int(line_no))] += qty
    for ln in rows(
        s,
        """SELECT x.receipt_no, l.sale_id, l.line_no, l.refunded_qty
           FROM sale_lines l JOIN sales x ON x.id = l.sale_id""",
    ):
        if ln.refunded_qty != taken[(ln.sale_id, ln.line_no)]:
            out.append(
                f"sale {ln.receipt_no} line {ln.line_no}: {ln.refunded_qty} returned, "
                f"refunds say {taken[(ln.sale_id, ln.line_no)]}"
            )
    return out


def topups_whole(s: Session, program_version: int) -> list[str]:
    out = []
    audits = Counter(
        r.target
        for r in rows(s, "SELECT target FROM audit_log WHERE action = 'wallet.topup_reversal'")
    )
    for t in rows(
        s,
        """SELECT t.receipt_no, t.amount, t.bonus, t.program_version,
             (SELECT COUNT(*) FROM wallet_ledger w WHERE w.topup_id = t.id AND w.kind = 'topup') AS n_in,
             (SELECT COALESCE(SUM(principal_delta), 0) FROM wallet_ledger w
                WHERE w.topup_id = t.id AND w.kind = 'topup') AS in_p,
             (SELECT COALESCE(SUM(bonus_delta), 0) FROM wallet_ledger w
                WHERE w.topup_id = t.id AND w.kind = 'topup') AS in_b,
             (SELECT COUNT(*) FROM wallet_ledger w
                WHERE w.topup_id = t.id AND w.kind = 'topup_reversal') AS n_out,
             (SELECT COALESCE(SUM(principal_delta + bonus_delta), 0) FROM wallet_ledger w
                WHERE w.topup_id = t.id AND w.kind = 'topup_reversal') AS out_total,
             (SELECT COUNT(*) FROM outbox o
                WHERE o.aggregate_id = t.id AND o.kind = 'wallet.topup') AS events,
             (SELECT COUNT(*) FROM outbox o
                WHERE o.aggregate_id = t.id AND o.kind = 'wallet.topup_reversed') AS out_events
           FROM topups t""",
    ):
        why = []
        if t.bonus != expected_bonus(t.amount) or t.program_version != program_version:
            why.append(f"top-up {t.amount} got bonus {t.bonus} under program v{t.program_version}")
        if (t.n_in, t.in_p, t.in_b) != (1, t.amount, t.bonus):
            why.append(f"{t.n_in} wallet entries adding {t.in_p}/{t.in_b} for {t.amount}/{t.bonus}")
        if t.events != 1:
            why.append(f"{t.events} wallet.topup rows")
        if t.n_out > 1 or t.out_events != t.n_out or audits[t.receipt_no] != t.n_out:
            why.append(
                f"{t.n_out} reversals, {t.out_events} wallet.topup_reversed rows, "
                f"{audits[t.receipt_no]} audit entries"
            )
        if t.n_out and t.out_total != -(t.amount + t.bonus):
            why.append(f"reversed {t.out_total} of {t.amount}+{t.bonus}")
        if why:
            out.append(f"top-up {t.receipt_no}: " + "; ".join(why))
    return out


def entries_belong(s: Session) -> list[str]:
    """Every ledger entry belongs to its operation and has exactly one outbox row; every
    outbox row of money reports something that is there."""
    out = []
    for r in rows(
        s,
        """SELECT 'points' AS ledger, p.id, p.kind FROM points_ledger p WHERE
             (p.kind IN ('earn', 'redeem', 'gift', 'challenge')
               AND (p.refund_id IS NOT NULL
                    OR NOT EXISTS (SELECT 1 FROM sales x WHERE x.id = p.sale_id)))
             OR (p.kind IN ('refund_reverse', 'refund_return') AND NOT EXISTS
                  (SELECT 1 FROM refunds r WHERE r.id = p.refund_id AND r.sale_id IS p.sale_id))
           UNION ALL
           SELECT 'wallet', w.id, w.kind FROM wallet_ledger w WHERE
             (w.kind = 'pay' AND NOT EXISTS (SELECT 1 FROM sales x WHERE x.id = w.sale_id))
             OR (w.kind = 'refund' AND NOT EXISTS
                  (SELECT 1 FROM refunds r WHERE r.id = w.refund_id AND r.sale_id IS w.sale_id))
             OR (w.kind IN ('topup', 'topup_reversal') AND NOT EXISTS
                  (SELECT 1 FROM topups t WHERE t.id = w.topup_id AND t.member_id = w.member_id))""",
    ):
        out.append(f"{r.ledger} entry {r.id} ({r.kind}) without the operation it belongs to")
    for r in rows(
        s,
        """SELECT 'points' AS ledger, p.id, (SELECT COUNT(*) FROM outbox o
             WHERE o.aggregate_id = p.id AND o.kind = 'points.entry') AS n FROM points_ledger p
           UNION ALL
           SELECT 'wallet', w.id, (SELECT COUNT(*) FROM outbox o
             WHERE o.aggregate_id = w.id AND o.kind = 'wallet.entry') FROM wallet_ledger w""",
    ):
        if r.n != 1:
            out.append(f"{r.ledger} entry {r.id} has {r.n} outbox rows")
    for r in rows(
        s,
        """SELECT o.seq, o.kind, o.aggregate_id FROM outbox o WHERE
             (o.kind = 'sale.completed' AND NOT EXISTS (SELECT 1 FROM sales x WHERE x.id = o.aggregate_id))
          OR (o.kind = 'sale.refunded' AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.id = o.aggregate_id))
          OR (o.kind = 'wallet.topup' AND NOT EXISTS (SELECT 1 FROM topups t WHERE t.id = o.aggregate_id))
          OR (o.kind = 'wallet.topup_reversed' AND NOT EXISTS (SELECT 1 FROM wallet_ledger w
                WHERE w.topup_id = o.aggregate_id AND w.kind = 'topup_reversal'))
          OR (o.kind = 'points.entry' AND NOT EXISTS (SELECT 1 FROM points_ledger p WHERE p.id = o.aggregate_id))
          OR (o.kind = 'wallet.entry' AND NOT EXISTS (SELECT 1 FROM wallet_ledger w WHERE w.id = o.aggregate_id))
          OR (o.kind LIKE 'member.%' AND NOT EXISTS (SELECT 1 FROM members m WHERE m.id = o.aggregate_id))""",
    ):
        out.append(f"outbox row {r.seq} ({r.kind}) reports {r.aggregate_id}, which is not there")
    n, seqs, events = rows(
        s, "SELECT COUNT(*), COUNT(DISTINCT seq), COUNT(DISTINCT event_id) FROM outbox"
    )[0]
    if not n == seqs == events:
        out.append(f"outbox: {n} rows, {seqs} distinct seq, {events} distinct event ids")
    return out


def members_add_up(s: Session) -> list[str]:
    """Lifetime spend and visits, straight from the sales and refunds."""
    out = []
    for m in rows(
        s,
        """SELECT m.name, m.card_no, m.lifetime_spend, m.visit_count, m.last_visit_at,
             (SELECT COALESCE(SUM(total), 0) FROM sales x WHERE x.member_id = m.id)
               - (SELECT COALESCE(SUM(amount), 0) FROM refunds r WHERE r.member_id = m.id) AS spend,
             (SELECT COUNT(*) FROM sales x WHERE x.member_id = m.id AND x.total > 0) AS visits,
             (SELECT MAX(created_at) FROM sales x WHERE x.member_id = m.id AND x.total > 0) AS last
           FROM members m""",
    ):
        if (m.lifetime_spend, m.visit_count, m.last_visit_at) != (m.spend, m.visits, m.last):
            out.append(
                f"member {m.name} ({m.card_no}): spend {m.lifetime_spend}, {m.visit_count} visits, "
                f"last {m.last_visit_at}; the sales say {m.spend}, {m.visits}, {m.last}"
            )
    return out


def receipt_series(s: Session) -> tuple[list[str], dict[str, int]]:
    """Each series (sales, R refunds, T top-ups, V reversals, per day) is 1..N with its
    counter at N+1: no number used twice, none skipped, none to be handed out again."""
    numbers = [
        r[0]
        for r in rows(
            s,
            """SELECT receipt_no FROM sales UNION ALL SELECT receipt_no FROM refunds
               UNION ALL SELECT receipt_no FROM topups
               UNION ALL SELECT json_extract(payload, '$.receipt_no') FROM outbox
                 WHERE kind = 'wallet.topup_reversed'""",
        )
    ]
    series: dict[str, list[int]] = {}
    out = []
    for no in numbers:
        m = RECEIPT.match(no or "")
        if m is None:
            out.append(f"receipt number {no!r} is not shaped like one")
            continue
        series.setdefault(m["series"], []).append(int(m["seq"]))
    counters = dict(
        rows(s, "SELECT key, value FROM settings WHERE key >= 'receipt.' AND key < 'receipt/'")
    )
    last = {}
    for name, seqs in series.items():
        seqs.sort()
        if seqs != list(range(1, len(seqs) + 1)):
            dupes = sorted(n for n, c in Counter(seqs).items() if c > 1)
            gaps = sorted(set(range(1, seqs[-1] + 1)) - set(seqs))
            out.append(f"series {name}: repeated {dupes[:5]}, missing {gaps[:5]}")
        day, kind = re.search(r"-(\d{6})-([A-Z]?)$", name).groups()
        counter = counters.get(f"receipt.seq.{kind}20{day}")
        if isinstance(counter, str):  # a JSON column: SQLite may keep a number as one
            counter = json.loads(counter)
        if counter != seqs[-1] + 1:
            out.append(f"series {name}: {seqs[-1]} used, the counter says next is {counter}")
        last[name] = seqs[-1]
    return out, last


# ---------------------------------------------------------------- what the till said it did


def reported_present(s: Session, done: list[dict[str, Any]]) -> list[str]:
    out = []
    sales = {r.receipt_no: r for r in rows(s, "SELECT * FROM sales")}
    lines: dict[str, list[list[int]]] = {}
    for ln in rows(s, "SELECT sale_id, line_no, quantity, amount FROM sale_lines ORDER BY line_no"):
        lines.setdefault(ln.sale_id, []).append([ln.line_no, ln.quantity, ln.amount])
    tenders: dict[str, dict[str, int]] = {}
    for t in rows(s, "SELECT sale_id, kind, amount FROM sale_tenders"):
        tenders.setdefault(t.sale_id, {})[t.kind] = t.amount
    refunds = {r.receipt_no: r for r in rows(s, "SELECT * FROM refunds")}
    sale_receipt = {x.id: x.receipt_no for x in sales.values()}
    topups = {t.receipt_no: t for t in rows(s, "SELECT * FROM topups")}
    reversals = {
        r.receipt_no: r
        for r in rows(
            s,
            """SELECT json_extract(o.payload, '$.receipt_no') AS receipt_no, o.aggregate_id,
                 w.principal_delta, w.bonus_delta FROM outbox o
               JOIN wallet_ledger w ON w.topup_id = o.aggregate_id AND w.kind = 'topup_reversal'
               WHERE o.kind = 'wallet.topup_reversed'""",
        )
    }
    members = {r.id for r in rows(s, "SELECT id FROM members")}
    for op in done:
        kind, no = op["op"], op.get("receipt")
        if kind == "sale":
            x = sales.get(no)
            seen = x and (
                x.id, x.member_id, x.total, x.points_earned, x.points_redeemed,
                lines.get(x.id), tenders.get(x.id, {}),
                [json.loads(x.details).get("wallet_principal", 0),
                 json.loads(x.details).get("wallet_bonus", 0)],
            )  # fmt: skip
            said = (op["id"], op["member"], op["total"], op["earned"], op["redeemed"],
                    op["lines"], op["tenders"], op["wallet"])  # fmt: skip
        elif kind == "refund":
            r = refunds.get(no)
            seen = r and (
                r.id, sale_receipt.get(r.sale_id), r.amount, json.loads(r.tenders),
                r.points_reversed, r.points_returned,
                [json.loads(r.details)["wallet_principal"], json.loads(r.details)["wallet_bonus"]],
            )  # fmt: skip
            said = (op["id"], op["sale"], op["amount"], op["tenders"], op["reversed"],
                    op["returned"], op["wallet"])  # fmt: skip
        elif kind == "topup":
            t = topups.get(no)
            seen = t and (t.id, t.member_id, t.amount, t.bonus)
            said = (op["id"], op["member"], op["amount"], op["bonus"])
        elif kind == "reversal":
            v = reversals.get(no)
            seen = v and (v.aggregate_id, -v.principal_delta, -v.bonus_delta)
            said = (op["id"], op["amount"], op["bonus"])
        else:
            seen, said = op["id"] in members, True
        if seen != said:
            out.append(f"{kind} {no or op['id']} was committed as {said}, the file holds {seen}")
    return out


# ---------------------------------------------------------------- after each kill


def outbox_rows(s: Session) -> dict[int, tuple[str, str, str]]:
    return {
        r.seq: (r.event_id, r.kind, r.aggregate_id)
        for r in rows(s, "SELECT seq, event_id, kind, aggregate_id FROM outbox")
    }


def verify(
    store: Store, done: list[dict[str, Any]], before: dict[str, Any] | None
) -> tuple[list[str], dict[str, Any]]:
    """Every check; returns the problems and what must still be there after the next kill."""
    report = run_checks(store)  # integrity first, then every invariant, the ledgers' included
    problems = list(report.problems)
    with store.read() as s:
        for check in LEDGER_CHECKS:  # (should run_checks ever leave one out, it still runs)
            if check.__name__ not in report.checks_run:
                problems += check(s)
        integrity = [r[0] for r in rows(s, "PRAGMA integrity_check")]
        if integrity != ["ok"]:
            problems.append(f"integrity_check: {integrity[:5]}")
        version = s.scalar(text("SELECT MAX(version) FROM program_versions"))
        problems += sales_whole(s)
        problems += refunds_whole(s)
        problems += topups_whole(s, version)
        problems += entries_belong(s)
        problems += members_add_up(s)
        series_problems, last = receipt_series(s)
        problems += series_problems
        problems += reported_present(s, done)
        outbox = outbox_rows(s)
    if before is not None:
        lost = [seq for seq, row in before["outbox"].items() if outbox.get(seq) != row]
        if lost:
            problems.append(
                f"{len(lost)} committed outbox rows vanished or changed, e.g. {lost[:5]}"
            )
    return problems, {"outbox": outbox, "last": last, "program": version}


def continue_selling(
    store: Store, after: dict[str, Any], seen: dict[str, str], where: str
) -> list[dict[str, Any]]:
    """The till reopened after the crash: sell, top up and refund, each on the next number."""
    with store.read() as s:
        cashier = rows(s, "SELECT id, name, role FROM staff WHERE name = :n", n=CASHIER)[0]
        manager = rows(s, "SELECT id, name, role FROM staff WHERE name = :n", n=MANAGER)[0]
        member_id = s.scalar(
            text("SELECT id FROM members WHERE status = 'active' ORDER BY rowid LIMIT 1")
        )
    cashier, manager = Actor(*cashier), login(store, manager[1], "6666")
    store.clock.advance(seconds=1)
    goods = (SaleLineInput("袜子", 15_00, 2), SaleLineInput("发夹", 9_90))
    sale = checkout(store, cashier, CheckoutRequest(goods, tenders={"cash": 50_00}))  # walk-in
    store.clock.advance(seconds=1)
    req = CheckoutRequest((SaleLineInput("外套", 399_00),), member_id)
    due = quote(store, req).due_after_points_wallet
    member_sale = checkout(
        store, cashier, CheckoutRequest(req.lines, member_id, tenders={"wechat": due})
    )
    store.clock.advance(seconds=1)
    topup = top_up(store, cashier, member_id, 1000_00, "alipay")
    store.clock.advance(seconds=1)
    back = refund(store, cashier, sale.receipt_no, {1: 1}, authoriser=manager, reason="换货")
    done = [sale_record(sale), sale_record(member_sale), wallet_record(topup),
            refund_record(back, whole=False)]  # fmt: skip
    expected = [(sale.receipt_no, 1), (member_sale.receipt_no, 2), (topup.receipt_no, 1),
                (back.receipt_no, 1)]  # fmt: skip
    for no, step in expected:
        m = RECEIPT.match(no)
        previous = after["last"].get(m["series"], 0)
        assert int(m["seq"]) == previous + step, f"{where}: {no} does not follow {previous}"
        assert no not in seen, f"{where}: receipt {no} was already used for {seen[no]}"
    assert topup.bonus_delta == expected_bonus(1000_00), f"{where}: bonus {topup.bonus_delta}"
    assert sale.change == 50_00 - 39_90, f"{where}: change {sale.change}"
    with store.read() as s:
        new_rows = s.scalar(
            text("SELECT COUNT(*) FROM outbox WHERE seq > :top"),
            {"top": max(after["outbox"], default=0)},
        )
    # 2 sales, 1 top-up, 1 refund, 2 member ledger entries (earn, top-up) at least
    assert new_rows >= 6, f"{where}: the new operations wrote {new_rows} outbox rows after the old"
    return done


def kind_of(op: dict[str, Any]) -> str:
    if op["op"] == "sale":
        if op["member"] is None:
            return "walk_in"
        return "points_or_wallet" if op["redeemed"] or any(op["wallet"]) else "member_sale"
    if op["op"] == "refund":
        return "refund_whole" if op["whole"] else "refund_part"
    if op["op"] == "topup":
        return "topup_bonus" if op["bonus"] else "topup"
    return op["op"]


def test_killing_a_busy_till_never_loses_or_half_writes_money(tmp_path: Path) -> None:
    db = tmp_path / "memberdesk.sqlite"
    set_up_shop(db)
    rng = random.Random(BASE_SEED)
    done: list[dict[str, Any]] = []
    seen: dict[str, str] = {}  # receipt number → the id it was issued for
    kinds: Counter[str] = Counter()
    under_way, hot_logs = Counter(), 0
    state = None
    server = ForkServer(CHILD, db)
    try:
        for round_no in range(ROUNDS):
            seed = rng.randrange(10**9)
            where = f"round {round_no}, seed {seed} (base seed {BASE_SEED})"
            try:
                err_file = tmp_path / f"till-{round_no}.err"
                pid = server.spawn(seed, err_file)
                if round_no in EARLY:
                    time.sleep(rng.uniform(0.0, 0.15))
                else:
                    server.wait_ready(pid)
                    time.sleep(rng.uniform(0.1, 0.9))
                kill(pid, err_file)
                wal = db.with_name(db.name + "-wal")
                hot_logs += wal.exists() and wal.stat().st_size > 0
                reported, busy = read_reports(err_file.with_suffix(".ops"))
                under_way[busy] += 1
                for op in reported:
                    kinds[kind_of(op)] += 1
                    no = op.get("receipt")
                    if no is not None:
                        assert seen.setdefault(no, op["id"]) == op["id"], (
                            f"{where}: receipt {no} issued twice, for {seen[no]} and {op['id']}"
                        )
                done += reported
                with open_store(db) as store:  # WAL recovery happens here
                    problems, state = verify(store, done, state)
                    assert not problems, f"{where}:\n" + "\n".join(problems[:20])
                    more = continue_selling(store, state, seen, where)
                    for op in more:
                        seen[op["receipt"]] = op["id"]
                    done += more
                    with store.read() as s:
                        state["outbox"] = outbox_rows(s)
            except Exception as exc:  # whatever broke (an IntegrityError too): say where
                if where not in str(exc):
                    exc.add_note(where)
                raise
        with open_store(db) as store:
            problems, state = verify(store, done, state)
            assert not problems, f"after the last round (base seed {BASE_SEED}):\n" + "\n".join(
                problems[:20]
            )
    finally:
        server.close()
    counts = dict(kinds, rounds=ROUNDS, hot_logs=hot_logs, under_way=dict(under_way))
    print(f"\ncrash run, base seed {BASE_SEED}: {counts}")
    # Proof that the run exercised what it claims to.
    assert kinds["member_sale"] >= 20 and kinds["points_or_wallet"] >= 10, counts
    assert kinds["walk_in"] >= 5, counts
    assert kinds["refund_whole"] >= 3 and kinds["refund_part"] >= 5, counts
    assert kinds["topup"] >= 3 and kinds["topup_bonus"] >= 5, counts
    assert hot_logs >= ROUNDS // 2, f"few kills left a -wal to recover: {counts}"
    assert sum(n for op, n in under_way.items() if op) >= ROUNDS // 2, (
        f"few kills struck an operation under way: {counts}"
    )

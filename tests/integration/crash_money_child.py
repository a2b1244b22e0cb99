"""A till selling all day: random sales, refunds and top-ups, until the parent kills it.

    python crash_money_child.py --serve DB_PATH       a fork server (see crash_child.py):
                                                      for each line "SEED ERRFILE" it forks
                                                      a till reporting to OPS_FILE, which is
                                                      ERRFILE with the suffix ".ops"
    python crash_money_child.py DB_PATH SEED OPS_FILE one till: prints "ready", works until killed

The shop must exist already (configured, with the staff below and the program of
`crash_program`): the parent sets it up once.

The till appends one JSON line to OPS_FILE before each operation ({"begin": op}) and
one AFTER core returned it ({"op": ..., "receipt": ..., "id": ...} and what the receipt
says). A line is written with a single write(2) to a file opened O_APPEND, so once
the call has returned the line survives a SIGKILL (the kernel has it; no power is
lost here). An operation reported is therefore an operation committed; one begun
and not reported may or may not have been.

A refusal a person would see (DomainError: points already spent, nothing left to
refund, a top-up already used …) is part of the game and is skipped; anything else
ends the till with a traceback in ERRFILE, which the parent reports as a failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from memberdesk.core.clock import FixedClock
from memberdesk.core.demo.names import random_mobile, random_name
from memberdesk.core.errors import DomainError
from memberdesk.core.loyalty.program import Program, preset, revise
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.shop.staff import Actor, actor_by_name, login
from memberdesk.core.store.database import Store
from memberdesk.core.till.checkout import (
    PAY_TENDERS,
    CheckoutRequest,
    SaleLineInput,
    checkout,
    quote,
)
from memberdesk.core.till.receipts import SaleResult
from memberdesk.core.till.refunds import RefundResult, refund
from memberdesk.core.till.wallet import WalletResult, reverse_topup, top_up

if __package__:
    from .crash_child import serve
else:  # run as a script: this folder is on sys.path
    from crash_child import serve

# 2026-03-10 10:00 in Shanghai: the whole crash run is one business day, so every
# receipt series runs on across the kills.
START = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
OWNER, MANAGER, CASHIER = "老板", "店长", "收银员"
# 充500送50, 充1000送150, 充2000送400 (the highest tier reached applies).
TOPUP_TIERS = ((500_00, 50_00), (1000_00, 150_00), (2000_00, 400_00))
GOODS = ("T恤", "牛仔裤", "围巾", "发夹", "洗发水", "袜子", "外套", "手链")


def crash_program() -> Program:
    """The generic program (1 元 = 1 分, 100 分 = 1 元 up to half the sale), with three
    top-up tiers, stored value spent in proportion, points already spent taken from the
    refund in cash, and no limit on the stored principal (a day of random top-ups would
    fill it, and the till reopened after the crash must take its ¥1,000 top-up)."""
    return revise(
        preset("generic"),
        {
            "wallet": {
                "topup_bonus": [{"min_topup_fen": m, "bonus_fen": b} for m, b in TOPUP_TIERS],
                "spend_order": "proportional",
                "refund_policy": "deduct_cash",
                "principal_limit_fen": 0,
            }
        },
    )


def expected_bonus(amount: int) -> int:
    return max((bonus for least, bonus in TOPUP_TIERS if amount >= least), default=0)


def open_store(db_path: str | Path) -> Store:
    """The store on a clock that resumes one second after the last thing written."""
    store = Store(db_path, clock=FixedClock(START))
    with store.read() as s:
        last = s.scalar(text("SELECT MAX(created_at) FROM outbox"))
    if last is not None:
        store.clock.at = datetime.fromisoformat(str(last)).replace(tzinfo=UTC) + timedelta(
            seconds=1
        )
    return store


# ---------------------------------------------------------------- what gets reported


def sale_record(r: SaleResult) -> dict[str, Any]:
    return {
        "op": "sale", "receipt": r.receipt_no, "id": r.sale_id,
        "member": r.member.id if r.member else None, "total": r.total,
        "lines": [[ln.no, ln.quantity, ln.amount] for ln in r.lines], "tenders": r.tenders,
        "earned": r.points_earned, "redeemed": r.points_redeemed,
        "wallet": [r.wallet_principal_used, r.wallet_bonus_used],
    }  # fmt: skip


def refund_record(r: RefundResult, *, whole: bool) -> dict[str, Any]:
    return {
        "op": "refund", "whole": whole, "receipt": r.receipt_no, "id": r.refund_id, "sale": r.sale_receipt_no,
        "amount": r.amount, "tenders": r.tenders, "reversed": r.points_reversed,
        "returned": r.points_returned, "wallet": [r.wallet_principal, r.wallet_bonus],
    }  # fmt: skip


def wallet_record(w: WalletResult) -> dict[str, Any]:
    op = {"topup": "topup", "topup_reversal": "reversal"}[w.kind]
    return {
        "op": op, "receipt": w.receipt_no, "id": w.ref_id, "member": w.member_id,
        "amount": abs(w.principal_delta), "bonus": abs(w.bonus_delta),
    }  # fmt: skip


# ---------------------------------------------------------------- the till


@dataclass
class Till:
    store: Store
    rng: random.Random
    cashier: Actor
    manager: Actor
    report: Callable[[dict[str, Any]], None]

    def pick(self, sql: str, **params: Any) -> Any:
        """One row of `sql` (ordered, so the seed decides which), or None."""
        with self.store.read() as s:
            n = s.scalar(text(f"SELECT COUNT(*) FROM ({sql})"), params)
            if not n:
                return None
            offset = self.rng.randrange(n)
            return s.execute(text(f"{sql} LIMIT 1 OFFSET {offset}"), params).one()

    def member(self, condition: str = "1") -> str | None:
        row = self.pick(
            f"SELECT id FROM members WHERE status = 'active' AND {condition} ORDER BY rowid"
        )
        return row.id if row else None

    def cart(self) -> tuple[SaleLineInput, ...]:
        rng = self.rng
        return tuple(
            SaleLineInput(
                rng.choice(GOODS),
                rng.randrange(5, 400) * 100 + rng.choice((0, 0, 50, 90)),
                rng.choice((1, 1, 1, 2, 3)),
            )
            for _ in range(rng.choice((1, 1, 2, 3)))
        )

    def pay(self, req: CheckoutRequest) -> SaleResult:
        """Settle what is left after points and stored value, the way customers do."""
        due = quote(self.store, req).due_after_points_wallet
        r = self.rng.random()
        if due == 0:
            tenders = {}
        elif r < 0.35:
            tenders = {"cash": due}
        elif r < 0.5:
            tenders = {"cash": -(-due // 100_00) * 100_00 + 100_00}  # a note too big: change
        elif r < 0.85:
            tenders = {self.rng.choice(("wechat", "alipay", "card")): due}
        else:
            part = self.rng.randint(1, due)
            tenders = {"card": part, "cash": due - part}
        result = checkout(self.store, self.cashier, replace(req, tenders=tenders))
        return result


def op_member_sale(till: Till) -> None:
    member_id = till.member()
    if member_id is not None:
        till.report(sale_record(till.pay(CheckoutRequest(till.cart(), member_id))))


def op_points_and_wallet_sale(till: Till) -> None:
    """Redeem points (as many units as the rules allow, or fewer) and pay part from the wallet."""
    member_id = till.member("(points >= 100 OR wallet_principal + wallet_bonus > 0)")
    if member_id is None:
        return
    req = CheckoutRequest(till.cart(), member_id)
    limits = quote(till.store, req).limits
    if limits is not None and limits.max_points >= max(limits.min_points, limits.unit_points):
        least = -(-limits.min_points // limits.unit_points)
        units = till.rng.randint(least, limits.max_points // limits.unit_points)
        req = replace(req, redeem_points=units * limits.unit_points)
    due = quote(till.store, req).due_after_points_wallet
    with till.store.read() as s:
        balance = s.scalar(
            text("SELECT wallet_principal + wallet_bonus FROM members WHERE id = :m"),
            {"m": member_id},
        )
    if balance and due:
        # Mostly part of it (the rest in cash or by phone), sometimes all of it.
        wallet = till.rng.randint(1, due - 1) if due > 1 and till.rng.random() < 0.75 else due
        req = replace(req, wallet=min(wallet, balance))
    till.report(sale_record(till.pay(req)))


def op_walk_in_sale(till: Till) -> None:
    till.report(sale_record(till.pay(CheckoutRequest(till.cart()))))


def op_refund_whole(till: Till) -> None:
    sale = till.pick("SELECT receipt_no FROM sales WHERE refunded_total < total ORDER BY rowid")
    if sale is not None:
        r = refund(till.store, till.cashier, sale.receipt_no, authoriser=till.manager,
                   reason="整单退货")  # fmt: skip
        till.report(refund_record(r, whole=True))


def op_refund_part(till: Till) -> None:
    line = till.pick(
        """SELECT x.receipt_no, l.line_no, l.quantity - l.refunded_qty AS left_qty
           FROM sale_lines l JOIN sales x ON x.id = l.sale_id
           WHERE l.refunded_qty < l.quantity ORDER BY l.id"""
    )
    if line is not None:
        qty = till.rng.randint(1, line.left_qty)
        r = refund(till.store, till.cashier, line.receipt_no, {line.line_no: qty},
                   authoriser=till.manager, reason="部分退货")  # fmt: skip
        till.report(refund_record(r, whole=False))


def op_top_up(till: Till) -> None:
    member_id = till.member()
    if member_id is not None:
        yuan = till.rng.choice((50, 100, 300, 499, 500, 800, 1000, 1200, 2000, 3000))
        amount = yuan * 100 + till.rng.choice((0, 0, 0, 50))
        w = top_up(till.store, till.cashier, member_id, amount, till.rng.choice(PAY_TENDERS))
        till.report(wallet_record(w))


def op_reverse_top_up(till: Till) -> None:
    """The customer changes their mind at once: only an untouched top-up can be undone."""
    recent = till.pick(
        "SELECT id FROM (SELECT id, rowid AS r FROM topups ORDER BY rowid DESC LIMIT 3) ORDER BY r"
    )
    if recent is not None:
        w = reverse_topup(till.store, till.cashier, recent.id, authoriser=till.manager,
                          reason="顾客反悔")  # fmt: skip
        till.report(wallet_record(w))


def op_issue(till: Till) -> None:
    name, gender = random_name(till.rng)
    view = issue_card(
        till.store,
        till.cashier,
        MemberForm(name=name, phone=random_mobile(till.rng), gender=gender),
    )
    till.report({"op": "member", "id": view.id})


OPERATIONS: list[tuple[int, Callable[[Till], None]]] = [
    (5, op_member_sale),
    (4, op_points_and_wallet_sale),
    (2, op_walk_in_sale),
    (1, op_refund_whole),
    (2, op_refund_part),
    (3, op_top_up),
    (1, op_reverse_top_up),
    (1, op_issue),
]


def work(db_path: str, seed: int, announce: str, ops_file: str) -> None:
    rng = random.Random(seed)
    fd = os.open(ops_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def report(fields: dict[str, Any]) -> None:
        os.write(fd, (json.dumps(fields, ensure_ascii=False) + "\n").encode())

    store = open_store(db_path)
    till = Till(store, rng, actor_by_name(store, CASHIER), login(store, MANAGER, "6666"), report)
    weights = [w for w, _ in OPERATIONS]
    ops = [op for _, op in OPERATIONS]
    print(announce, flush=True)
    while True:
        op = rng.choices(ops, weights)[0]
        store.clock.advance(seconds=1)
        report({"begin": op.__name__[3:]})
        with contextlib.suppress(DomainError):  # a refusal a person would see: go on
            op(till)


def forked(db_path: str, seed: int, announce: str, err_file: str) -> None:
    work(db_path, seed, announce, str(Path(err_file).with_suffix(".ops")))


def main(argv: list[str]) -> None:
    if argv[1] == "--serve":
        serve(argv[2], forked)
    else:
        work(argv[1], int(argv[2]), "ready", argv[3])


if __name__ == "__main__":
    main(sys.argv)

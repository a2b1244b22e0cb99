"""Figures of the till: lookup, checkout (with its raw baseline) and the daily jobs.

Every figure calls the public core function the app calls, on a working copy of the
generated shop, with the clock at the end of its history. Latency is wall time
(perf_counter) per call; real and raw runs alternate so a noisy neighbour hits both.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date

from sqlalchemy import text

from memberdesk.core.clock import shop_date
from memberdesk.core.daily.jobs import expire_points, review_tiers
from memberdesk.core.followups.lists import prepare_dropping
from memberdesk.core.members.lookup import find_members
from memberdesk.core.members.search_keys import pinyin_forms
from memberdesk.core.shop.staff import Actor, list_staff
from memberdesk.core.store.database import Store
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout, quote
from memberdesk.core.till.refunds import refund
from memberdesk.core.till.wallet import top_up, topup_offer

from .baseline import RawWriter
from .raw_lookup import RawLookup
from .report import Figure, percentiles
from .shaping import sale_lines

LOOKUP_TARGETS = {"card": 1.0, "phone": 10.0, "last4": 10.0, "name": 10.0, "pinyin": 10.0}
CHECKOUT_TARGET = "p50 ≤ 3 ms, ≤ 10× raw; p99 ≤ 15 ms"


def sample_members(store: Store, n: int, rng: random.Random) -> list[tuple[str, str, str, str]]:
    """(id, card_no, phone, name) of n random active members with a phone."""
    with store.read() as s:
        top = s.scalar(text("SELECT MAX(rowid) FROM members")) or 0
        found: dict[str, tuple[str, str, str, str]] = {}
        for _ in range(20):
            ids = [rng.randint(1, top) for _ in range(4 * n)]
            marks = ",".join(str(i) for i in ids)
            rows = s.execute(text(
                f"SELECT id, card_no, phone, name FROM members WHERE rowid IN ({marks}) "
                "AND status = 'active' AND phone IS NOT NULL"
            )).all()  # fmt: skip
            for r in rows:
                found.setdefault(r[0], tuple(r))
            if len(found) >= n:
                break
    picked = list(found.values())
    rng.shuffle(picked)
    return picked[:n]


def _queries(members: list[tuple[str, str, str, str]], rng: random.Random) -> dict[str, list[str]]:
    qs: dict[str, list[str]] = {k: [] for k in LOOKUP_TARGETS}
    for _id, card, phone, name in members:
        qs["card"].append(card)
        qs["phone"].append(phone)
        qs["last4"].append(phone[-4:])
        given = name[1:] if len(name) >= 3 else name
        qs["name"].append(name if rng.random() < 0.5 else given)
        initials = sorted(i for i in pinyin_forms(name)[0] if i.isascii() and len(i) >= 2)
        qs["pinyin"].append(initials[0] if initials else "zs")
    return qs


def lookup_figures(store: Store, samples: int, rng: random.Random) -> list[Figure]:
    members = sample_members(store, samples + 20, rng)
    queries = _queries(members, rng)
    raw = RawLookup(store.path)
    figures = []
    names = {"card": "card number", "phone": "full phone", "last4": "phone last 4",
             "name": "name substring", "pinyin": "pinyin initials"}  # fmt: skip
    try:
        for kind, qs in queries.items():
            for q in qs[:20]:  # warm: compiled statements, page cache
                find_members(store, q)
                raw.find(kind, q)
            real, base, hits = [], [], 0
            for q in qs[20:]:
                t = time.perf_counter()
                result = find_members(store, q)
                real.append(time.perf_counter() - t)
                hits += len(result.hits)
                t = time.perf_counter()
                raw.find(kind, q)
                base.append(time.perf_counter() - t)
            p50, p99 = percentiles(real)
            b50, b99 = percentiles(base)
            target = LOOKUP_TARGETS[kind]
            figures.append(Figure(
                "lookup", names[kind], "ms", p50, p99, baseline_p50=b50, baseline_p99=b99,
                target=f"p99 ≤ {target:g} ms", meets=p99 <= target, samples=len(real),
                note=f"{hits / max(len(real), 1):.1f} hits per query",
            ))  # fmt: skip
    finally:
        raw.close()
    return figures


def _counter(kind: str, day: date) -> str:
    return f"receipt.seq.{kind}{day:%Y%m%d}"


def _timed(fn: Callable[[], object]) -> tuple[object, float]:
    t = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t


def _figure(name: str, real: list[float], base: list[float], note: str) -> Figure:
    p50, p99 = percentiles(real)
    b50, b99 = percentiles(base)
    meets = p50 <= 3 and p99 <= 15 and p50 <= 10 * b50
    return Figure("checkout", name, "ms", p50, p99, baseline_p50=b50, baseline_p99=b99,
                  target=CHECKOUT_TARGET, meets=meets, samples=len(real), note=note)  # fmt: skip


def checkout_figures(store: Store, samples: int, rng: random.Random) -> list[Figure]:
    staff = list_staff(store)
    cashier = next(Actor(s.id, s.name, s.role) for s in staff if s.role == "cashier")
    manager = next(Actor(s.id, s.name, s.role) for s in staff if s.role == "manager")
    today = shop_date(store.clock.now())
    raw = RawWriter(store.path)
    members = sample_members(store, 2 * samples, rng)
    sold: list[tuple[str, str]] = []  # (sale id, member id) to refund
    real, base, earned = [], [], 0
    try:
        for member_id, *_ in members[:samples]:
            lines = sale_lines(rng)
            due = quote(store, CheckoutRequest(lines, member_id)).due_after_points_wallet
            req = CheckoutRequest(lines, member_id, tenders={"wechat": due})
            marks = raw.marks(member_id)
            result, seconds = _timed(lambda req=req: checkout(store, cashier, req))
            real.append(seconds)
            earned += result.points_earned > 0
            sold.append((result.sale_id, member_id))
            base.append(
                raw.run(raw.capture_sale(marks, result.sale_id, member_id, _counter("", today)))
            )
        figures = [_figure("member sale, points earned", real, base,
                           f"{earned}/{len(real)} earned points; wechat")]  # fmt: skip
        figures.append(_redeem_and_wallet(store, raw, cashier, members[samples:], today, rng))
        real, base = [], []
        for sale_id, member_id in sold:
            marks = raw.marks(member_id, sale_id)
            result, seconds = _timed(
                lambda sale_id=sale_id: refund(store, manager, sale_id, None, reason="压测")
            )
            real.append(seconds)
            script = raw.capture_refund(
                marks, result.refund_id, sale_id, member_id, _counter("R", today)
            )
            base.append(raw.run(script))
        figures.append(_figure("refund (whole sale)", real, base, "points reversed, money back"))
    finally:
        raw.close()
    return figures


def _redeem_and_wallet(
    store: Store, raw: RawWriter, cashier: Actor, members: list, today: date, rng: random.Random
) -> Figure:
    """A sale paid partly with points and partly from the wallet; members are topped up and
    given points first (real operations, not timed)."""
    setup = (SaleLineInput("手表", 59900, 2),)
    ready = []
    for member_id, *_ in members:
        room = topup_offer(store, 0, member_id).room  # the programme's 储值上限
        amount = 100000 if room is None else min(100000, room)
        if amount:
            top_up(store, cashier, member_id, amount, "wechat")
        due = quote(store, CheckoutRequest(setup, member_id)).due_after_points_wallet
        checkout(store, cashier, CheckoutRequest(setup, member_id, tenders={"cash": due}))
        ready.append(member_id)
    real, base, redeemed = [], [], 0
    for member_id in ready:
        lines = (*sale_lines(rng), SaleLineInput("项链", 15900, 1))
        limits = quote(store, CheckoutRequest(lines, member_id)).limits
        points = min(limits.max_points, limits.unit_points * 2) if limits else 0
        after_points = quote(store, CheckoutRequest(lines, member_id, redeem_points=points))
        wallet = min(5000, after_points.due_after_points_wallet)
        rest = after_points.due_after_points_wallet - wallet
        req = CheckoutRequest(lines, member_id, redeem_points=points, wallet=wallet,
                              tenders={"alipay": rest} if rest else {})  # fmt: skip
        marks = raw.marks(member_id)
        result, seconds = _timed(lambda req=req: checkout(store, cashier, req))
        real.append(seconds)
        redeemed += result.points_redeemed > 0
        base.append(
            raw.run(raw.capture_sale(marks, result.sale_id, member_id, _counter("", today)))
        )
    note = f"{redeemed}/{len(real)} redeemed points; part wallet, rest alipay"
    return _figure("sale with points + wallet", real, base, note)


def job_figures(store: Store) -> list[Figure]:
    today = shop_date(store.clock.now())
    (members, points), expiry_s = _timed(lambda: expire_points(store, today))
    changed, review_s = _timed(lambda: review_tiers(store, today))
    spenders, sums_s = _timed(lambda: prepare_dropping(store))
    return [
        Figure("jobs", "points expiry, all members", "s", value=expiry_s, samples=1,
               note=f"{members:,} members, {points:,} points expired"),
        Figure("jobs", "tier review, all members", "s", value=review_s, samples=1,
               note=f"{changed:,} tiers changed"),
        Figure("jobs", "spend sums for the dropping list (daily)", "s", value=sums_s, samples=1,
               note=f"{spenders:,} members with spend in the windows"),
    ]  # fmt: skip

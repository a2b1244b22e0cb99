"""A sale with a coupon, against the raw writes of the same sale (its coupon's ledger row
and status included), on the generated shop.

The shop's program gets one coupon type (¥10 off a spend of ¥50); a manager issues one
coupon to each sampled member (not timed); each member's sale then scans its coupon.
"""

from __future__ import annotations

import random
from datetime import date

from memberdesk.core.clock import shop_date
from memberdesk.core.coupons.issue import issue_coupons
from memberdesk.core.loyalty.program import revise
from memberdesk.core.loyalty.program_store import current_program, save_program
from memberdesk.core.shop.staff import Actor, list_staff
from memberdesk.core.store.database import Store
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout, quote

from .baseline import RawWriter
from .figures import _counter, _figure, _timed, sample_members
from .report import Figure
from .shaping import sale_lines

COUPON = {"code": "BENCH", "name": "满50减10", "kind": "threshold", "value": 1000,
          "min_spend_fen": 5000, "valid_days": 30}  # fmt: skip


def coupon_figures(store: Store, samples: int, rng: random.Random) -> list[Figure]:
    staff = {s.role: Actor(s.id, s.name, s.role) for s in list_staff(store)}
    program = current_program(store).program
    types = [t.model_dump() for t in program.coupons.types if t.code != COUPON["code"]]
    save_program(store, staff["owner"],
                 revise(program, {"coupons": {"types": [*types, COUPON]}}))  # fmt: skip
    members = [m[0] for m in sample_members(store, samples, rng)]
    issued = issue_coupons(store, staff["manager"], COUPON["code"], members)
    today: date = shop_date(store.clock.now())
    raw = RawWriter(store.path)
    for table in ("coupons", "coupon_events"):
        info = raw.con.execute(f"PRAGMA table_info({table})").fetchall()
        raw.columns[table] = [(r[1], r[2].upper(), bool(r[5])) for r in info]
    real, base, off = [], [], 0
    try:
        for member_id, coupon in zip(members, issued, strict=True):
            lines = (*sale_lines(rng), SaleLineInput("围巾", 5900, 1))
            due = quote(store, CheckoutRequest(lines, member_id, coupon=coupon.code))
            req = CheckoutRequest(lines, member_id, coupon=coupon.code,
                                  tenders={"wechat": due.due_after_points_wallet})  # fmt: skip
            marks = raw.marks(member_id)
            result, seconds = _timed(lambda req=req: checkout(store, staff["cashier"], req))
            real.append(seconds)
            off += result.discount_by_kind.get("coupon", 0) > 0
            script = raw.capture_sale(marks, result.sale_id, member_id, _counter("", today))
            ids: dict[str, str] = {}
            events = raw._select("coupon_events", "sale_id = ?", (result.sale_id,))
            raw._insert(script, "coupon_events", events, ids)
            raw._update(script, "coupons", "id", raw._select("coupons", "id = ?", (coupon.id,)),
                        marks)  # fmt: skip
            base.append(raw.run(script))
    finally:
        raw.close()
    note = f"{off}/{len(real)} took the coupon off; verified offline (HMAC), wechat"
    return [_figure("sale with a coupon", real, base, note)]

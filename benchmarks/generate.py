"""Build the benchmark shop through core's own operations, and cache it by its parameters.

Eight years are replayed in time order with the transaction's clock set to each
moment (as core.demo does): create_member, checkout_in, top_up_in and _refund,
a few thousand operations per transaction; on the first of every month the daily
jobs (points expiry, tier review, birthday refresh) and the card desk's acts (lost,
replaced, frozen, cancelled cards) run as their own transactions. So every ledger
entry, cached total and outbox row is what real use writes, and `check` must pass.

Bulk without changing the rules: inside a batch the session does not flush before
every query (autoflush off) but only when the next operation touches a member with
unflushed changes, before a refund, and after the first use of a day's receipt
counter, so every query an operation makes still sees everything it depends on;
the batch also keeps the rows it loaded (the session's identity map is weak), so a
member or a counter is not read back from the file again. `plain=True` turns both
off (autoflush before every query, as the till runs) for comparison.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from memberdesk.core.checkout import checkout_in
from memberdesk.core.clock import FixedClock, shop_date
from memberdesk.core.db import Store, head_revision
from memberdesk.core.errors import DomainError, ValidationFailed
from memberdesk.core.jobs import run_daily_jobs
from memberdesk.core.members import cancel, create_member, freeze, replace_card, report_lost
from memberdesk.core.models import Member
from memberdesk.core.program import preset
from memberdesk.core.program_store import save_program
from memberdesk.core.refunds import _refund
from memberdesk.core.shop import configure_shop
from memberdesk.core.staff import SYSTEM, Actor, add_staff
from memberdesk.core.wallet import top_up_in

from .population import (
    END,
    JOIN,
    REFUND,
    SALE,
    START,
    TOPUP,
    Event,
    Faces,
    Population,
    topup_amount,
)
from .population import tender as pick_tender
from .shaping import exact_request, guessed_request, sale_lines
from .shopcheck import full_check

GENERATOR_VERSION = 1
BATCH_OPS = 2000
REFERRED = 0.05  # members who name a referrer when joining
SHOP = {"name": "悦己饰品（压测店）", "address": "上海市徐汇区漕溪北路 88 号", "phone": "021-64000000",
        "store_code": "S001"}  # fmt: skip
STAFF = [("老板", "owner", "8888"), ("店长小林", "manager", "6666"), ("收银小美", "cashier", "1111"),
         ("收银阿芳", "cashier", "1112"), ("导购阿强", "cashier", "2221"), ("导购小慧", "cashier", "2222"),
         ("导购佳佳", "cashier", "2223"), ("导购大伟", "cashier", "2224")]  # fmt: skip
KIND_NAMES = {JOIN: "join", TOPUP: "topup", SALE: "sale", REFUND: "refund"}


@dataclass(frozen=True)
class ShopSpec:
    members: int = 100_000
    sales_per_member: float = 20.0
    seed: int = 2026
    preset: str = "accessories"

    def file_name(self) -> str:
        return (f"shop-{self.preset}-m{self.members}-k{self.sales_per_member:g}-s{self.seed}"
                f"-g{GENERATOR_VERSION}-{head_revision()}.sqlite")  # fmt: skip


def cached_shop(
    spec: ShopSpec, cache_dir: Path, *, log: Callable[[str], None] = print, plain: bool = False
) -> tuple[Path, dict[str, Any]]:
    """The generated file for `spec` (built now if the cache has none) and its manifest."""
    path = cache_dir / spec.file_name()
    manifest_path = path.with_suffix(".json")
    if path.exists() and manifest_path.exists():
        log(f"cached shop: {path}")
        return path, json.loads(manifest_path.read_text())
    cache_dir.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{part}{suffix}").unlink(missing_ok=True)
    log(f"generating {spec.members:,} members × {spec.sales_per_member:g} sales → {path.name}")
    manifest = build(part, spec, log=log, plain=plain)
    os.replace(part, path)
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return path, manifest


def build(
    path: Path, spec: ShopSpec, *, log: Callable[[str], None] = print, plain: bool = False
) -> dict[str, Any]:
    wall0, cpu0 = time.perf_counter(), time.process_time()
    clock = FixedClock(START.replace(tzinfo=UTC))
    with Store(path, clock=clock) as store:
        replay = Replay(store, clock, spec, log, plain)
        replay.run()
        gen_wall, gen_cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        clock.at = END.replace(tzinfo=UTC)
        log("checking the generated file (memberdesk check + ledger checks) …")
        t = time.perf_counter()
        problems, checks = full_check(store)
        check_s = time.perf_counter() - t
    if problems:
        raise RuntimeError("the generated shop fails `check`:\n  " + "\n  ".join(problems[:20]))
    counts = dict(replay.counts)
    return {
        "spec": asdict(spec), "generator_version": GENERATOR_VERSION, "schema": head_revision(),
        "start": START.isoformat(), "end": END.isoformat(), "counts": counts,
        "skipped": dict(replay.skipped), "plain": plain, "batch_ops": BATCH_OPS,
        "seconds": {"wall": round(gen_wall, 1), "cpu": round(gen_cpu, 1),
                    **{k: round(v, 1) for k, v in replay.cpu.items()}},
        "check": {"ok": True, "checks": checks, "seconds": round(check_s, 1)},
        "bytes": path.stat().st_size, "python": sys.version.split()[0],
        "built": datetime.now().astimezone().isoformat(timespec="seconds"),
    }  # fmt: skip


class Replay:
    def __init__(
        self,
        store: Store,
        clock: FixedClock,
        spec: ShopSpec,
        log: Callable[[str], None],
        plain: bool,
    ) -> None:
        self.store, self.clock, self.spec, self.log, self.plain = store, clock, spec, log, plain
        self.rng = random.Random(spec.seed + 1)
        self.counts: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()
        self.cpu: Counter[str] = Counter()
        self.pop = Population(spec.members, spec.sales_per_member, spec.seed)
        self.member_ids: list[str | None] = [None] * spec.members
        self.phones: list[str | None] = [None] * spec.members
        self.sales: dict[int, str] = {}  # sale seq → id, while a refund is still to come
        self._cm: Any = None
        self._keep: list[object] = []
        self._dirty: set[str] = set()
        self._counters: set[tuple[str, date]] = set()

    # ------------------------------------------------------------ setup and months

    def _setup(self) -> None:
        configure_shop(self.store, **SHOP)
        self.staff: list[Actor] = []
        for name, role, pin in STAFF:  # the first one, the owner, needs no one's leave
            info = add_staff(self.store, self.staff[0] if self.staff else SYSTEM, name, role, pin)
            self.staff.append(Actor(info.id, info.name, info.role))
        owner, self.manager = self.staff[0], self.staff[1]
        self.program = save_program(
            self.store, owner, preset(self.spec.preset), note="压测店方案"
        ).program
        self.tz = "Asia/Shanghai"
        salespeople = [a.staff_id for a in self.staff if "导购" in a.name or a.role == "manager"]
        self.faces = Faces(self.spec.seed, salespeople)

    def run(self) -> None:
        self._setup()
        t0, ops0 = time.perf_counter(), 0
        for month in range(self.pop.months):
            self.clock.at = self.pop.month_start(month).replace(hour=1, minute=30, tzinfo=UTC)
            if month:
                c = time.process_time()
                run_daily_jobs(self.store, shop_date(self.clock.at, self.tz))
                self._admin(month)
                self.cpu["jobs"] += time.process_time() - c
            events = self.pop.month_events(month)
            self._begin()
            try:
                for i, ev in enumerate(events):
                    self._op(ev)
                    if (i + 1) % BATCH_OPS == 0:
                        self._commit()
                        self._begin()
            except BaseException:
                self._cm.__exit__(*sys.exc_info())
                self._cm = None
                raise
            self._commit()
            ops = sum(self.counts.values())
            if month % 6 == 5 or month == self.pop.months - 1:
                rate = (ops - ops0) / max(time.perf_counter() - t0, 1e-9)
                self.log(f"  {self.pop.month_start(month):%Y-%m}: {self.counts['members']:,} members, "
                         f"{self.counts['sales']:,} sales, {rate:,.0f} ops/s")  # fmt: skip
                t0, ops0 = time.perf_counter(), ops

    def _admin(self, month: int) -> None:
        acts = {"replace": replace_card, "lost": report_lost, "freeze": freeze, "cancel": cancel}
        for act in self.pop.admin_acts(month):
            member_id = self.member_ids[act.member]
            if member_id is None:
                continue
            try:
                acts[act.kind](self.store, self.manager, member_id, reason="压测")
                self.counts[f"card_{act.kind}"] += 1
            except DomainError as exc:
                self.skipped[f"{act.kind}:{exc.code}"] += 1

    # ------------------------------------------------------------ batches

    def _hold(self, _session: object, instance: object) -> None:
        self._keep.append(instance)

    def _begin(self) -> None:
        self._cm = self.store.write()
        self.uow = self._cm.__enter__()
        if not self.plain:
            event.listen(self.uow.session, "loaded_as_persistent", self._hold)
            event.listen(self.uow.session, "pending_to_persistent", self._hold)
        self._dirty.clear()

    def _commit(self) -> None:
        c = time.process_time()
        self._cm.__exit__(None, None, None)
        self.cpu["commit"] += time.process_time() - c
        self._cm, self._keep = None, []

    def _flush(self) -> None:
        c = time.process_time()
        self.uow.session.flush()
        self.cpu["flush"] += time.process_time() - c
        self._dirty.clear()

    def _op(self, ev: Event) -> None:
        uow = self.uow
        uow.now = ev.at
        member_id = self.member_ids[ev.member] if ev.member >= 0 else None
        if not self.plain and (ev.kind == REFUND or member_id in self._dirty):
            self._flush()
        c = time.process_time()
        name = KIND_NAMES[ev.kind]
        try:
            if self.plain:
                done = self._do(ev, member_id)
            else:
                with uow.session.no_autoflush:
                    done = self._do(ev, member_id)
        except DomainError as exc:  # refused before writing anything (see module doc)
            self.skipped[f"{name}:{exc.code}"] += 1
            done = False
        self.cpu[name] += time.process_time() - c
        if not done or self.plain:
            return
        if ev.kind == JOIN:
            self._dirty.clear()  # create_member flushed everything
            return
        if member_id is not None:
            self._dirty.add(member_id)
        letter = {SALE: "", TOPUP: "T", REFUND: "R"}[ev.kind]
        counter = (letter, shop_date(ev.at, self.tz))
        if counter not in self._counters:  # a new receipt counter row: flush it, so the
            self._counters.add(counter)  # next operation's get() finds it instead of adding one
            self._flush()

    def _do(self, ev: Event, member_id: str | None) -> bool:
        if ev.kind == JOIN:
            return self._join(ev)
        if ev.member >= 0 and member_id is None:
            self.skipped[f"{KIND_NAMES[ev.kind]}:no_member"] += 1
            return False
        cashier = self.rng.choice(self.staff)
        if ev.kind == TOPUP:
            top_up_in(self.uow, cashier, member_id, topup_amount(self.rng), pick_tender(self.rng))
            self.counts["topups"] += 1
            return True
        if ev.kind == REFUND:
            return self._refund(ev)
        return self._sale(ev, member_id, cashier)

    def _join(self, ev: Event) -> bool:
        i = ev.member
        referrer = None
        if i > 100 and self.rng.random() < REFERRED:
            referrer = self.phones[self.rng.randrange(i)]
        form = self.faces.form(ev.at, referrer)
        try:
            member = create_member(self.uow, form, joined_at=ev.at)
        except ValidationFailed as exc:
            if "referrer" not in exc.errors:
                raise
            self.skipped["join:referrer_gone"] += 1
            member = create_member(self.uow, replace(form, referrer=None), joined_at=ev.at)
        self.member_ids[i], self.phones[i] = member.id, form.phone
        self.counts["members"] += 1
        self.counts["referred"] += member.referrer_id is not None
        return True

    def _sale(self, ev: Event, member_id: str | None, cashier: Actor) -> bool:
        s = self.uow.session
        member = s.get(Member, member_id) if member_id else None
        if member is not None and member.status != "active":
            self.skipped[f"sale:member_{member.status}"] += 1
            return False
        today = shop_date(ev.at, self.tz)
        lines = sale_lines(self.rng)
        req = guessed_request(self.rng, self.program, member, today, self.tz, lines)
        try:
            result = checkout_in(self.uow, cashier, req)
        except DomainError:  # the guess missed; shape it from core's preview instead
            self.counts["reshaped"] += 1
            req = exact_request(self.rng, s, self.program, member, today, self.tz, lines)
            result = checkout_in(self.uow, cashier, req)
        self.counts["sales"] += 1
        self.counts["member_sales" if member_id else "walk_in_sales"] += 1
        self.counts["redeemed"] += req.redeem_points > 0
        self.counts["wallet_paid"] += req.wallet > 0
        if ev.returned:
            self.sales[ev.ref] = result.sale_id
        if member is not None and member.referrer_id:  # a referral bonus may have moved theirs
            self._dirty.add(member.referrer_id)
        return True

    def _refund(self, ev: Event) -> bool:
        sale_id = self.sales.pop(ev.ref, None)
        if sale_id is None:
            self.skipped["refund:sale_not_made"] += 1
            return False
        lines = {1: 1} if self.rng.random() < 0.3 else None  # a third give back one piece
        _refund(self.uow, self.manager, self.manager, sale_id, lines, "尺码/款式不合适", None)
        self.counts["refunds"] += 1
        self.counts["partial_refunds"] += lines is not None
        return True

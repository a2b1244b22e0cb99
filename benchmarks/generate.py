"""Build the benchmark shop through core's own operations, and cache it by its parameters.

Eight years are replayed in time order with the transaction's clock set to each
moment (as core.demo does): create_member, checkout_in, top_up_in and refund_in; on
the first of every month the daily jobs (points expiry, tier review, birthday
refresh) and the card desk's acts (lost, replaced, frozen, cancelled cards). So every
ledger entry, cached total and outbox row is what real use writes, and `check` must
pass.

One month is one transaction: its jobs, its card acts, its operations and the
checkpoint below. The jobs and the card acts are core's store-level operations; they
run inside the month's transaction through `_InMonth`, a store whose write() hands
out the month's unit of work (a card act that refuses does so before writing
anything, so a refusal leaves nothing behind).

Bulk without changing the rules: inside a month the session does not flush before
every query (autoflush off) but only when the next operation touches a member with
unflushed changes and before a refund, so every query an operation makes still sees
everything it depends on (receipt and card counters are plain statements, always
current); the rows loaded are kept until the flush every BATCH_OPS operations (the
session's identity map is weak), so a member is not read back from the file again
while memory stays bounded however large a month is. `plain=True` turns both off
(autoflush before every query, as the till runs) for comparison.

Resumable: in each month's transaction the generator also writes what it needs to go
on (the month, the states of its random generators, the planner's pending refunds,
the sales still to be refunded, its counters) to a side table `bench_checkpoint`, and
the month's sign-ups (member index, id, phone) to `bench_joins`; the file and the
checkpoint therefore never disagree. A build stopped in any way (Ctrl-C, SIGKILL, a
machine stop) leaves `<name>.part`; run again with the same parameters, it continues
after the last committed month and makes the same shop as an uninterrupted build.
The side tables are dropped after the final check: the cached file is a pure
memberdesk file.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import event
from sqlalchemy.orm import Session

from memberdesk.core.clock import FixedClock, shop_date
from memberdesk.core.daily.jobs import run_daily_jobs
from memberdesk.core.errors import DomainError, ValidationFailed
from memberdesk.core.loyalty.program import preset
from memberdesk.core.loyalty.program_store import program_in_force, save_program
from memberdesk.core.members.member import cancel, create_member, freeze, replace_card, report_lost
from memberdesk.core.shop.details import configure_shop
from memberdesk.core.shop.staff import SYSTEM, Actor, add_staff
from memberdesk.core.store.connect import make_engine
from memberdesk.core.store.database import Store
from memberdesk.core.store.migrate import _upgrade, head_revision, is_known_revision
from memberdesk.core.store.models import Member
from memberdesk.core.store.uow import UnitOfWork
from memberdesk.core.till.checkout import checkout_in
from memberdesk.core.till.refunds import refund_in
from memberdesk.core.till.wallet import top_up_in, topup_room_in

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

try:
    import fcntl
except ImportError:  # not on Windows: no guard against two builds of one shop there
    fcntl = None  # type: ignore[assignment]

GENERATOR_VERSION = 2
BATCH_OPS = 2000  # operations between flushes inside a month's transaction
REFERRED = 0.05  # members who name a referrer when joining
SHOP = {"name": "悦己饰品（压测店）", "address": "上海市徐汇区漕溪北路 88 号", "phone": "021-64000000",
        "store_code": "S001"}  # fmt: skip
STAFF = [("老板", "owner", "8888"), ("店长小林", "manager", "6666"), ("收银小美", "cashier", "1111"),
         ("收银阿芳", "cashier", "1112"), ("导购阿强", "cashier", "2221"), ("导购小慧", "cashier", "2222"),
         ("导购佳佳", "cashier", "2223"), ("导购大伟", "cashier", "2224")]  # fmt: skip
KIND_NAMES = {JOIN: "join", TOPUP: "topup", SALE: "sale", REFUND: "refund"}
TZ = "Asia/Shanghai"
SIDE_TABLES = ("bench_checkpoint", "bench_joins")  # the generator's own, dropped before caching
SIDE_DDL = (
    "CREATE TABLE IF NOT EXISTS bench_checkpoint"
    " (id INTEGER PRIMARY KEY CHECK (id = 1), month INTEGER NOT NULL, state BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS bench_joins"
    " (member INTEGER PRIMARY KEY, member_id TEXT, phone TEXT NOT NULL)",
)
FINGERPRINT = "SELECT (SELECT count(*) FROM sales), (SELECT coalesce(max(seq), 0) FROM outbox)"


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
    """The generated file for `spec` (built now, or finished if stopped before) and its manifest."""
    path = cache_dir / spec.file_name()
    manifest_path = path.with_suffix(".json")
    if not path.exists():
        adopt_older(spec, cache_dir, log=log)
    if path.exists() and manifest_path.exists():
        log(f"cached shop: {path}")
        return path, json.loads(manifest_path.read_text())
    cache_dir.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    with _only_builder(part):
        state = None
        if part.exists():
            state, why = read_checkpoint(part, spec, plain)
            if state is None:
                log(f"{part.name} cannot be continued ({why}): starting over")
        if state is None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{part}{suffix}").unlink(missing_ok=True)
            log(
                f"generating {spec.members:,} members × {spec.sales_per_member:g} sales → {path.name}"
            )
        else:
            log(f"continuing the stopped build of {path.name}")
        manifest = build(part, spec, log=log, plain=plain, resume=state)
        os.replace(part, path)
        tmp = manifest_path.with_name(manifest_path.name + ".tmp")
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(tmp, manifest_path)
        Path(f"{part}.lock").unlink(missing_ok=True)
    return path, manifest


def _older(spec: ShopSpec, cache_dir: Path) -> list[tuple[str, Path]]:
    """(schema revision, file) of this spec's shops built under an older schema."""
    stem = spec.file_name().rsplit("-", 1)[0] + "-"
    found = []
    for p in cache_dir.glob(f"{stem}*.sqlite*"):
        rev, dot, rest = p.name[len(stem) :].partition(".sqlite")
        if dot and rest in ("", ".part") and rev != head_revision() and is_known_revision(rev):
            found.append((rev, p))
    return sorted(found, reverse=True)


def upgrade_in_place(path: Path) -> None:
    """memberdesk's own migrations, all in one transaction, on a cached shop (no copy first:
    a 2M-sale file is 10 GB, and the cache is not anyone's only copy)."""
    engine = make_engine(path)
    try:
        _upgrade(engine)
    finally:
        engine.dispose()


def adopt_older(spec: ShopSpec, cache_dir: Path, *, log: Callable[[str], None] = print) -> None:
    """Carry this spec's shop over from an older schema instead of building it again.

    A new migration renames every cached shop; rebuilding the 2M-sale one takes hours.
    A finished shop is upgraded and checked again; a stopped build is upgraded and then
    continued (its checkpoint stays valid: the rows are the same, only the schema moved).
    """
    path = cache_dir / spec.file_name()
    part = path.with_name(path.name + ".part")
    for rev, old in _older(spec, cache_dir):
        finished = not old.name.endswith(".part")
        manifest = old.with_suffix(".json")
        if finished and not manifest.exists():
            continue
        target = path.with_name(path.name + ".upgrading") if finished else part
        if not finished and part.exists():
            continue  # a build under the new schema is already under way
        with _only_builder(old):  # not from under a build of the old code still running
            log(f"upgrading {old.name} from schema {rev} to {head_revision()} …")
            for suffix in ("-wal", "-shm", ""):  # the WAL too: it may hold committed months
                if Path(f"{old}{suffix}").exists():
                    os.replace(f"{old}{suffix}", f"{target}{suffix}")
        Path(f"{old}.lock").unlink(missing_ok=True)
        t = time.perf_counter()
        upgrade_in_place(target)
        if finished:
            with Store(target, clock=FixedClock(END.replace(tzinfo=UTC))) as store:
                problems, checks = full_check(store)
            if problems:
                raise RuntimeError(f"{old.name} fails `check` after the upgrade:\n  "
                                   + "\n  ".join(problems[:20]))  # fmt: skip
            data = json.loads(manifest.read_text())
            data["upgraded"] = {"from": rev, "to": head_revision(), "checks": checks,
                                "seconds": round(time.perf_counter() - t, 1)}  # fmt: skip
            data["schema"], data["bytes"] = head_revision(), target.stat().st_size
            tmp = path.with_suffix(".json.tmp")
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1))
            os.replace(target, path)
            os.replace(tmp, path.with_suffix(".json"))
            manifest.unlink()
        log(f"upgraded in {time.perf_counter() - t:.0f} s")
        return


@contextmanager
def _only_builder(part: Path) -> Iterator[None]:
    """One build per file: a second process would interleave its months with ours."""
    if fcntl is None:
        yield
        return
    with open(f"{part}.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(f"another process is building {part.name}") from None
        yield


def identity(spec: ShopSpec, plain: bool) -> dict[str, Any]:
    """What a checkpoint must have been written by to be continued."""
    return {"spec": asdict(spec), "generator": GENERATOR_VERSION, "schema": head_revision(),
            "plain": plain}  # fmt: skip


def read_checkpoint(part: Path, spec: ShopSpec, plain: bool) -> tuple[dict | None, str]:
    """(the state a stopped build left in `part`, "") or (None, why it cannot go on)."""
    try:
        con = sqlite3.connect(part)  # opening recovers the committed months from the WAL
        try:
            try:
                row = con.execute("SELECT month, state FROM bench_checkpoint").fetchone()
            except sqlite3.OperationalError:
                row = None
            if row is None:
                return None, "no month was finished"
            found = tuple(con.execute(FINGERPRINT).fetchone())
            revision = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        finally:
            con.close()
        state = pickle.loads(row[1])
    except (sqlite3.Error, pickle.UnpicklingError, EOFError) as exc:
        return None, f"unreadable: {exc}"
    # The schema may have moved on since (adopt_older upgraded the file): what must match
    # is the build, and the file must be at the current schema now.
    found_id = {k: v for k, v in (state.get("identity") or {}).items() if k != "schema"}
    want = {k: v for k, v in identity(spec, plain).items() if k != "schema"}
    if revision != head_revision():
        return None, f"the file is at schema {revision}, not {head_revision()}"
    if found_id != want:
        differ = ", ".join(
            f"{k} {found_id.get(k)} ≠ {v}" for k, v in want.items() if found_id.get(k) != v
        )
        return None, f"written by another build: {differ}"
    if state["month"] != row[0] or tuple(state["fingerprint"]) != found:
        return None, f"the checkpoint does not match the data ({state['fingerprint']} vs {found})"
    return state, ""


def build(
    path: Path,
    spec: ShopSpec,
    *,
    log: Callable[[str], None] = print,
    plain: bool = False,
    resume: dict[str, Any] | None = None,
) -> dict[str, Any]:
    clock = FixedClock(START.replace(tzinfo=UTC))
    with Store(path, clock=clock) as store:
        replay = Replay(store, clock, spec, log, plain)
        replay.run(resume)
        clock.at = END.replace(tzinfo=UTC)
        log("checking the generated file (memberdesk check + ledger checks) …")
        t = time.perf_counter()
        problems, checks = full_check(store)
        check_s = time.perf_counter() - t
        if problems:  # the .part stays, finished: a second run checks it again
            raise RuntimeError(
                "the generated shop fails `check`:\n  " + "\n  ".join(str(p) for p in problems[:20])
            )
        drop_side_tables(store)
    counts = dict(replay.counts)
    return {
        "spec": asdict(spec), "generator_version": GENERATOR_VERSION, "schema": head_revision(),
        "start": START.isoformat(), "end": END.isoformat(), "counts": counts,
        "skipped": dict(replay.skipped), "plain": plain, "batch_ops": BATCH_OPS,
        "transactions": "one per month", "runs": replay.runs,
        "seconds": {"wall": round(replay.spent["wall"], 1), "cpu": round(replay.spent["cpu"], 1),
                    **{k: round(v, 1) for k, v in replay.cpu.items()}},
        "check": {"ok": True, "checks": checks, "seconds": round(check_s, 1)},
        "bytes": path.stat().st_size, "python": sys.version.split()[0],
        "built": datetime.now().astimezone().isoformat(timespec="seconds"),
    }  # fmt: skip


def drop_side_tables(store: Store) -> None:
    with store.write() as uow:
        conn = uow.session.connection()
        for table in SIDE_TABLES:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")


class _InMonth:
    """A store for core's store-level operations whose write() is the month's transaction."""

    def __init__(self, store: Store, uow: UnitOfWork) -> None:
        self.path, self.clock, self._uow = store.path, store.clock, uow

    @contextmanager
    def write(self) -> Iterator[UnitOfWork]:
        yield self._uow

    @contextmanager
    def read(self) -> Iterator[Session]:
        yield self._uow.session


def _span(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


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
        self.tz = TZ
        self.runs: list[int] = []  # the month each run started at
        self.spent: dict[str, float] = {"wall": 0.0, "cpu": 0.0}  # replay time, all runs
        self._joins: list[list[Any]] = []  # this month's sign-ups: [index, id or None, phone]
        self._cm: Any = None
        self._keep: list[object] = []
        self._holding = False
        self._dirty: set[str] = set()

    # ------------------------------------------------------------ setup, checkpoint

    def _setup(self) -> None:
        configure_shop(self.store, **SHOP)
        self.staff: list[Actor] = []
        for name, role, pin in STAFF:  # the first one, the owner, needs no one's leave
            info = add_staff(self.store, self.staff[0] if self.staff else SYSTEM, name, role, pin)
            self.staff.append(Actor(info.id, info.name, info.role))
        self.manager = self.staff[1]
        self.program = save_program(
            self.store, self.staff[0], preset(self.spec.preset), note="压测店方案"
        ).program
        self.faces = Faces(self.spec.seed, self._salespeople())

    def _salespeople(self) -> list[str]:
        return [a.staff_id for a in self.staff if "导购" in a.name or a.role == "manager"]

    def _checkpoint(self, month: int) -> None:
        """Written in the month's transaction, after everything else of the month."""
        conn = self.uow.session.connection()
        if self._joins:
            conn.exec_driver_sql(
                "INSERT INTO bench_joins (member, member_id, phone) VALUES (?, ?, ?)",
                [tuple(j) for j in self._joins],
            )
        pop = self.pop  # the planner's own state: its pending refunds and sale numbers
        state = {
            "identity": identity(self.spec, self.plain), "month": month,
            "fingerprint": tuple(conn.exec_driver_sql(FINGERPRINT).one()),
            "rng": self.rng.getstate(), "faces_rng": self.faces.rng.getstate(),
            "pop_refunds": list(pop._refunds), "pop_seq": pop._seq,
            "staff": [(a.staff_id, a.name, a.role) for a in self.staff], "sales": self.sales,
            "counts": dict(self.counts), "skipped": dict(self.skipped), "cpu": dict(self.cpu),
            "spent": self._spent_now(), "runs": self.runs,
        }  # fmt: skip
        conn.exec_driver_sql(
            "INSERT OR REPLACE INTO bench_checkpoint (id, month, state) VALUES (1, ?, ?)",
            (month, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)),
        )

    def _restore(self, state: dict[str, Any]) -> int:
        """Take up a stopped build where its checkpoint says; returns the month to go on with."""
        self.staff = [Actor(*a) for a in state["staff"]]
        self.manager = self.staff[1]
        self.faces = Faces(self.spec.seed, self._salespeople())
        self.faces.rng.setstate(state["faces_rng"])
        self.rng.setstate(state["rng"])
        with self.store.read() as s:
            current = program_in_force(s)
            joins = s.connection().exec_driver_sql(
                "SELECT member, member_id, phone FROM bench_joins"
            )
            for i, member_id, phone in joins:
                self.faces.phones.add(phone)  # every phone handed out, joined or not
                if member_id is not None:
                    self.member_ids[i], self.phones[i] = member_id, phone
        assert current is not None
        self.program = current.program
        self.pop._refunds, self.pop._seq = list(state["pop_refunds"]), state["pop_seq"]
        self.pop._month = state["month"]
        self.sales = dict(state["sales"])
        self.counts, self.skipped = Counter(state["counts"]), Counter(state["skipped"])
        self.cpu = Counter(state["cpu"])
        self.spent, self.runs = dict(state["spent"]), list(state["runs"])
        return state["month"] + 1

    def _spent_now(self) -> dict[str, float]:
        return {"wall": self._spent0["wall"] + time.perf_counter() - self._t0[0],
                "cpu": self._spent0["cpu"] + time.process_time() - self._t0[1]}  # fmt: skip

    # ------------------------------------------------------------ months

    def run(self, resume: dict[str, Any] | None = None) -> None:
        self._t0 = (time.perf_counter(), time.process_time())
        if resume is None:
            self._setup()
            first = 0
        else:
            first = self._restore(resume)
        self._spent0 = dict(self.spent)  # the earlier runs' time, if any
        self.runs.append(first)
        months = self.pop.months
        if first:
            at = (
                f"month {first + 1}/{months} ({self.pop.month_start(first):%Y-%m})"
                if first < months
                else "the check (every month is built)"
            )
            self.log(f"resumed from {at}: {self.counts['members']:,} members,"
                     f" {self.counts['sales']:,} sales already built in {_span(self.spent['wall'])}")  # fmt: skip
        self._log_t, self._log_ops = time.perf_counter(), sum(self.counts.values())
        self._eta0 = (self._log_t, self._work())  # after the setup: the rate of the months alone
        for month in range(first, months):
            self._month(month)
            self._progress(month, first)
        self.spent = self._spent_now()

    def _month(self, month: int) -> None:
        """Jobs, card acts, operations and checkpoint of one month: one transaction."""
        self.clock.at = self.pop.month_start(month).replace(hour=1, minute=30, tzinfo=UTC)
        events = self.pop.month_events(month)
        self._begin()
        try:
            if month == 0:
                for ddl in SIDE_DDL:
                    self.uow.session.connection().exec_driver_sql(ddl)
            else:
                c = time.process_time()
                desk = cast(Store, _InMonth(self.store, self.uow))
                run_daily_jobs(desk, shop_date(self.clock.at, self.tz))
                self._admin(month, desk)
                self._flush()  # what the jobs and acts changed, before the month's queries
                self._keep = []
                self.cpu["jobs"] += time.process_time() - c
            self._holding = not self.plain
            for i, ev in enumerate(events):
                self._op(ev)
                if (i + 1) % BATCH_OPS == 0 and not self.plain:
                    self._flush()
                    self._keep = []
            self._flush()
            self._checkpoint(month)
        except BaseException:
            self._cm.__exit__(*sys.exc_info())
            self._cm = None
            raise
        self._commit()
        self._joins = []

    def _work(self) -> int:
        return self.counts["sales"] + 2 * self.counts["members"]  # a sign-up costs ~2 sales

    def _progress(self, month: int, first: int) -> None:
        now, months = time.perf_counter(), self.pop.months
        last = month == months - 1
        if not (month % 6 == 5 or last or now - self._log_t >= 60):
            return
        ops = sum(self.counts.values())
        rate = (ops - self._log_ops) / max(now - self._log_t, 1e-9)
        done = self._work() - self._eta0[1]
        planned = self.spec.members * (self.spec.sales_per_member + 2)
        per_work = (now - self._eta0[0]) / done if done else 0.0
        eta = "" if last else f", ETA {_span(max(planned - self._work(), 0) * per_work)}"
        cpu = (time.process_time() - self._t0[1]) / (month - first + 1)
        self.log(f"  {self.pop.month_start(month):%Y-%m} (month {month + 1}/{months}):"
                 f" {self.counts['members']:,} members, {self.counts['sales']:,} sales,"
                 f" {rate:,.0f} ops/s, {cpu:.2f} s CPU per month{eta}")  # fmt: skip
        self._log_t, self._log_ops = now, ops

    def _admin(self, month: int, desk: Store) -> None:
        acts = {"replace": replace_card, "lost": report_lost, "freeze": freeze, "cancel": cancel}
        for act in self.pop.admin_acts(month):
            member_id = self.member_ids[act.member]
            if member_id is None:
                continue
            try:
                acts[act.kind](desk, self.manager, member_id, reason="压测")
                self.counts[f"card_{act.kind}"] += 1
            except DomainError as exc:  # refused before writing anything
                self.skipped[f"{act.kind}:{exc.code}"] += 1

    # ------------------------------------------------------------ operations

    def _hold(self, _session: object, instance: object) -> None:
        if self._holding:
            self._keep.append(instance)

    def _begin(self) -> None:
        self._cm = self.store.write()
        self.uow = self._cm.__enter__()
        self._holding = False
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
        elif member_id is not None:
            self._dirty.add(member_id)

    def _do(self, ev: Event, member_id: str | None) -> bool:
        if ev.kind == JOIN:
            return self._join(ev)
        if ev.member >= 0 and member_id is None:
            self.skipped[f"{KIND_NAMES[ev.kind]}:no_member"] += 1
            return False
        cashier = self.rng.choice(self.staff)
        if ev.kind == TOPUP:
            # At most what the member may still top up under the programme's 储值上限.
            amount, room = topup_amount(self.rng), topup_room_in(self.uow, member_id)
            amount = amount if room is None else min(amount, room)
            if amount <= 0:
                self.skipped["topup:at_limit"] += 1
                return False
            top_up_in(self.uow, cashier, member_id, amount, pick_tender(self.rng))
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
        joined: list[Any] = [i, None, form.phone]
        self._joins.append(joined)  # the phone is taken even if the sign-up is refused
        try:
            member = create_member(self.uow, form, joined_at=ev.at)
        except ValidationFailed as exc:
            if "referrer" not in exc.errors:
                raise
            self.skipped["join:referrer_gone"] += 1
            member = create_member(self.uow, replace(form, referrer=None), joined_at=ev.at)
        self.member_ids[i], self.phones[i] = member.id, form.phone
        joined[1] = member.id
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
        # Each attempt in a savepoint: a sale clears the member's expired points first, so
        # one refused after that (the guess missed) has written that entry — as the till's
        # transaction does before its rollback.
        try:
            with s.begin_nested():
                result = checkout_in(self.uow, cashier, req)
        except DomainError:  # the guess missed; shape it from core's preview instead
            self.counts["reshaped"] += 1
            req = exact_request(self.rng, s, self.program, member, today, self.tz, lines)
            with s.begin_nested():
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
        refund_in(self.uow, self.manager, self.manager, sale_id, lines, "尺码/款式不合适", None)
        self.counts["refunds"] += 1
        self.counts["partial_refunds"] += lines is not None
        return True

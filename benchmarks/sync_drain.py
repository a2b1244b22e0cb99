"""Drain throughput: N pending outbox events pushed to HQ over loopback.

    .venv/bin/python benchmarks/sync_drain.py [--events 100000] [--db URL | --sqlite] [--batch 1000]

HQ runs as its own process (`memberdesk-hq serve`) on 127.0.0.1, either on a fresh
schema of the PostgreSQL database in --db (default $MEMBERDESK_TEST_PG; start one
with `. .ci/postgres.sh && start_postgres`), or on SQLite: a new file given as
`--db sqlite:///path/hq.sqlite` (or a plain path), or with --sqlite a fresh file in
the work folder (WAL, synchronous=FULL, as `memberdesk-hq serve` opens it). The terminal is a real memberdesk store:
a few hundred real operations (members, sales, refunds, top-ups) make the seed
events, which are then cloned with fresh ids until N events are pending, so HQ
does the full work (validation, raw events, every projection) for each one.
Prints events/s for the drain alone (a JSON line naming the backend), and checks HQ
holds every event exactly once.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from memberdesk.core.errors import DomainError
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.shop.details import configure_shop
from memberdesk.core.shop.staff import SYSTEM, Actor, add_staff
from memberdesk.core.store.database import Store
from memberdesk.core.sync.config import configure_sync
from memberdesk.core.sync.pusher import Pusher
from memberdesk.core.sync.status import sync_status
from memberdesk.core.sync.transport import HttpTransport
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout, quote
from memberdesk.core.till.refunds import refund
from memberdesk.core.till.wallet import top_up, topup_offer
from memberdesk.hq.db import normalize_url, open_database
from memberdesk.hq.models import events as hq_events
from memberdesk.hq.provision import add_store, add_terminal

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), 0 where it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def postgres_cpu() -> float:
    total = 0.0
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if (proc / "comm").read_text().strip() == "postgres":
                    total += cpu_seconds(int(proc.name))
            except OSError:
                pass
    return total


def seed_business(store: Store, ops: int, rng: random.Random) -> None:
    owner_info = add_staff(store, SYSTEM, "老板", "owner", "8888")
    owner = Actor(owner_info.id, owner_info.name, owner_info.role)
    members: list[str] = []
    sales: list[str] = []
    for i in range(ops):
        r = rng.random()
        try:
            if r < 0.1 or not members:
                phone = f"139{rng.randrange(1000, 10000)}{i:04d}"
                members.append(issue_card(store, owner, MemberForm(name="会员", phone=phone)).id)
            elif r < 0.2:
                member = rng.choice(members)
                room = topup_offer(store, 0, member).room  # the programme's 储值上限
                amount = 50000 if room is None else min(50000, room)
                if amount:
                    top_up(store, owner, member, amount, "wechat")
            elif r < 0.27 and sales:
                refund(store, owner, rng.choice(sales), None, reason="bench")
            else:
                member = rng.choice(members) if rng.random() < 0.7 else None
                lines = (
                    SaleLineInput("商品", rng.choice((3900, 12900, 25900)), rng.choice((1, 2))),
                )
                due = quote(store, CheckoutRequest(lines, member)).due_after_points_wallet
                sales.append(
                    checkout(
                        store, owner, CheckoutRequest(lines, member, tenders={"alipay": due})
                    ).sale_id
                )
        except DomainError:
            pass


def clone_until(store: Store, target: int) -> int:
    """Copy the seed events with fresh ids (consistently within each copy) up to `target` pending."""
    with store.read() as s:
        seed = s.execute(
            text("SELECT kind, aggregate_id, payload, created_at FROM outbox ORDER BY seq")
        ).all()
        have = s.scalar(text("SELECT count(*) FROM outbox"))
    rows = []
    while have + len(rows) < target:
        fresh: dict[str, str] = {}

        def swap(m: re.Match, fresh: dict[str, str] = fresh) -> str:
            return fresh.setdefault(m.group(0), str(uuid.uuid4()))

        for kind, aggregate, payload, created in seed:
            if have + len(rows) >= target:
                break
            rows.append({"e": str(uuid.uuid4()), "k": kind, "a": UUID.sub(swap, aggregate),
                         "p": UUID.sub(swap, payload), "c": created})  # fmt: skip
    with store.write() as uow:
        uow.session.execute(
            text(
                "INSERT INTO outbox (event_id, kind, aggregate_id, payload, created_at, state, reason) "
                "VALUES (:e, :k, :a, :p, :c, 'pending', '')"
            ),
            rows,
        )
    return have + len(rows)


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--db", default=os.environ.get("MEMBERDESK_TEST_PG", ""),
                    help="PostgreSQL URL, or a new SQLite file (sqlite:///path or a path)")  # fmt: skip
    ap.add_argument(
        "--sqlite", action="store_true", help="HQ on a fresh SQLite file (ignores --db)"
    )
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--seed-ops", type=int, default=300)
    args = ap.parse_args()
    if not (args.db or args.sqlite):
        print(
            "need an HQ database: --sqlite, --db sqlite:///FILE, or a PostgreSQL URL in --db or "
            "MEMBERDESK_TEST_PG (. .ci/postgres.sh && start_postgres)"
        )
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="memberdesk-bench-"))
    url = (workdir / "hq.sqlite").as_posix() if args.sqlite else args.db
    url = normalize_url(url)
    backend = make_url(url).get_backend_name()
    if backend not in ("postgresql", "sqlite"):
        print(f"--db: HQ runs on PostgreSQL or SQLite, not {backend}")
        shutil.rmtree(workdir, ignore_errors=True)
        return 2
    if backend == "sqlite":
        database = make_url(url).database or ""
        if database in ("", ":memory:") or Path(database).exists():
            print(f"--db: the SQLite HQ must be a new file, not {database or 'in memory'}")
            shutil.rmtree(workdir, ignore_errors=True)
            return 2
    admin: Engine | None = None
    schema = "bench_" + uuid.uuid4().hex[:10]
    if backend == "postgresql":
        admin = create_engine(url, poolclass=NullPool)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    hq = None
    try:
        engine = open_database(url)
        add_store(engine, "S001")
        terminal = add_terminal(engine, "S001")
        port = free_port()
        hq = subprocess.Popen(
            [sys.executable, "-m", "memberdesk.hq.cli", "serve", "--db", url, "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning", "--no-access-log",
             "--max-events", str(args.batch), "--max-bytes", str(8 * 1024 * 1024)],
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        with Store(workdir / "terminal.sqlite") as store:
            configure_shop(store, name="压测店", store_code="S001")
            t0 = time.perf_counter()
            seed_business(store, args.seed_ops, random.Random(1))
            total = clone_until(store, args.events)
            print(f"prepared {total} pending events in {time.perf_counter() - t0:.1f}s")
            configure_sync(store, base, terminal.id)
            pusher = Pusher(store, HttpTransport(base, terminal.token, timeout=60), max_events=args.batch,
                            max_bytes=8 * 1024 * 1024, reconcile_daily=False)  # fmt: skip
            cpu0 = (os.times(), cpu_seconds(hq.pid), postgres_cpu() if admin is not None else 0.0)
            t0 = time.perf_counter()
            report = pusher.drain_once()
            elapsed = time.perf_counter() - t0
            me = os.times()
            cpu = {
                "terminal": round(me.user + me.system - cpu0[0].user - cpu0[0].system, 2),
                "hq": round(cpu_seconds(hq.pid) - cpu0[1], 2),
            }
            if admin is not None:
                cpu["postgres"] = round(postgres_cpu() - cpu0[2], 2)
            pusher.close()
            status = sync_status(store)
        with engine.connect() as conn:
            held = conn.scalar(select(func.count()).select_from(hq_events))
            distinct = conn.scalar(select(func.count(func.distinct(hq_events.c.event_id))))
        engine.dispose()
        print(json.dumps({
            "backend": backend, "events": report.acked + report.rejected, "batches": report.batches, "seconds": round(elapsed, 2),
            "events_per_s": round((report.acked + report.rejected) / elapsed), "rejected": report.rejected,
            "left_pending": status.pending, "hq_events": held, "hq_distinct": distinct, "ok": report.ok,
            "cpu_seconds": cpu, "load_average": os.getloadavg()[0],
        }))  # fmt: skip
        print(f"drain to {backend}: {(report.acked + report.rejected) / elapsed:,.0f} events/s "
              f"({report.acked + report.rejected} events, {report.batches} batches, {elapsed:.1f}s)")  # fmt: skip
        return 0 if report.ok and held == distinct == total else 1
    finally:
        if hq is not None and hq.poll() is None:
            hq.send_signal(signal.SIGTERM)
            try:
                hq.wait(10)
            except subprocess.TimeoutExpired:
                hq.kill()
        if admin is not None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

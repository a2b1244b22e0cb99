"""HQ under a chain's load: K simulated tills against `memberdesk-hq serve --workers N`.

    .venv/bin/python -m benchmarks.hq_load --terminals 1000 --shape live --workers 2 --pg URL
    .venv/bin/python -m benchmarks.hq_load --terminals 100 --shape catchup --workers 2 --pg URL

The tills send recorded batches with real tokens: a real till (a memberdesk store)
does a few hundred operations — members, sales, refunds, top-ups — and its journal
is recorded; each simulated till gets its own copy with fresh ids, its store's code,
and its own journal links, cut into batches in the pusher's wire format. The tills
are provisioned through HQ's own provisioning (`add_store`, `add_terminal`), so
every request carries a token HQ issued. HQ runs as its own process tree on a free
loopback port over a fresh schema of the PostgreSQL database in --pg (default
$MEMBERDESK_TEST_PG), dropped afterwards.

Shapes:
- live: each till sends `--events` events (10) every `--every` seconds (10) for
  `--seconds` (120), starting at a random moment of the first interval;
- catchup: each till sends a backlog of `--backlog` events in batches of `--batch`,
  one batch after the other, all tills at once.
A batch answered 503 or not at all is sent again, the same batch, after a short
random wait (as the pusher does); one batch in a hundred is sent twice more, as by a
till that lost HQ's answer. The tills share `--connections` keep-alive connections
(as a reverse proxy in front of HQ would) and run in a process of their own
(benchmarks/hq_tills.py: the request bytes written by hand, so that a general HTTP
client's CPU is not counted as HQ's slowness on a shared machine). Everything is
bounded: the run stops at its time limit whatever is left, and says so.

Printed: events/s and requests/s over the load, p50/p99 latency of a batch (from its
first send to its answer), the exactly-once check (per terminal: the events HQ holds
by SQL on hq_events = the events the till sent, and none twice), the CPU each side
used — HQ's processes, the PostgreSQL backends serving HQ (by application_name,
sampled every second so that one which exits still counts), the tills' process —
in all, per request and per event, with the load average before and after, and
the raw baseline: the same rows HQ wrote, copied out of its tables and
written again by plain psycopg COPY into an empty copy of the schema, in as many
transactions as HQ committed batches — and HQ's rate as a share of it. Ends with one
JSON line. Figures: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from memberdesk.core.shop.details import configure_shop
from memberdesk.core.store.database import Store
from memberdesk.core.store.journal import GENESIS, link
from memberdesk.core.sync.transport import batch_body, event_json
from memberdesk.hq.db import Pool, open_database
from memberdesk.hq.provision import add_store, add_terminal

from .hq_tills import Load, Till, run_tills
from .sync_drain import cpu_seconds, free_port, seed_business

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TILLS_PER_STORE = 10
# HQ's backends carry this name, so that their CPU is told apart from the server's other users.
APP_NAME = f"hq_load_{os.getpid()}"
SEED_STORE = "S001"
TABLES = ("hq_events", "hq_batches", "hq_members", "hq_sales", "hq_refunds", "hq_tender_lines",
          "hq_points_entries", "hq_wallet_entries", "hq_cards", "hq_parked_refunds")  # fmt: skip


# ---------------------------------------------------------------- the recorded till


def record_journal(workdir: Path, ops: int) -> list[tuple[str, str, str, str]]:
    """A real till's journal after `ops` operations: (kind, record id, payload text, time)."""
    with Store(workdir / "recorded.sqlite") as store:
        configure_shop(store, name="录制门店", store_code=SEED_STORE)
        seed_business(store, ops, random.Random(7))
        with store.read() as s:
            rows = s.execute(
                text("SELECT kind, aggregate_id, payload, created_at FROM outbox ORDER BY seq")
            ).all()
    return [(k, a, p, str(c).replace(" ", "T")) for k, a, p, c in rows]


def till_events(journal: list[tuple[str, str, str, str]], count: int, store: str, code: str,
                rng: random.Random) -> Iterator[tuple[str, str, str, str, str]]:  # fmt: skip
    """`count` events of one till: copies of the journal, fresh ids in each copy (the same
    record keeps one id within a copy), the till's own store and receipt numbers."""
    made = 0
    while made < count:
        fresh: dict[str, str] = {}

        def swap(m: re.Match, fresh: dict[str, str] = fresh) -> str:
            return fresh.setdefault(m.group(0), str(uuid.UUID(int=rng.getrandbits(128), version=4)))

        for kind, aggregate, payload, created in journal:
            if made >= count:
                return
            payload = (
                UUID.sub(swap, payload)
                .replace(f'"store_code": "{SEED_STORE}"', f'"store_code": "{store}"')
                .replace(f'"{SEED_STORE}-01-', f'"{store}-{code}-')
            )
            event_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            yield event_id, kind, UUID.sub(swap, aggregate), payload, created
            made += 1


def batches_of(till: Till, code: str, journal, count: int, size: int, rng: random.Random) -> None:
    chain, pending = GENESIS, []

    def flush() -> None:
        body = batch_body(str(uuid.uuid4()), till.terminal_id, till.store_code, pending)
        till.bodies.append((len(pending), body))
        pending.clear()

    made = till_events(journal, count, till.store_code, code, rng)
    for seq, (event_id, kind, aggregate, payload, created) in enumerate(made, start=1):
        chain = link(chain, seq, event_id, kind, aggregate, created, payload)
        pending.append(event_json(seq, event_id, kind, aggregate, created, payload, chain))
        if len(pending) == size:
            flush()
    if pending:
        flush()


def provision(engine, k: int, journal, per_till: int, size: int, seed: int) -> list[Till]:
    rng = random.Random(seed)
    tills = []
    for i in range(k):
        store = f"S{i // TILLS_PER_STORE + 1:04d}"
        if i % TILLS_PER_STORE == 0:
            add_store(engine, store, f"门店 {store}")
        new = add_terminal(engine, store, card_prefix=f"9{i + 1:05d}")
        till = Till(new.id, store, new.token)
        batches_of(till, new.code, journal, per_till, size, rng)
        tills.append(till)
    return tills


# ---------------------------------------------------------------- HQ and its database


@contextmanager
def fresh_schema(base: str, prefix: str) -> Iterator[str]:
    admin = create_engine(base, poolclass=NullPool)
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def hq_server(url: str, workers: int, pool: Pool, log: Path, concurrency: int) -> Iterator[str]:
    port = free_port()
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "memberdesk.hq.cli", "serve", "--db", url, "--host", "127.0.0.1",
             "--port", str(port), "--workers", str(workers), "--pool-size", str(pool.size),
             "--pool-overflow", str(pool.overflow), "--limit-concurrency", str(concurrency),
             "--log-level", "warning", "--no-access-log"],
            stdout=out, stderr=out,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"HQ did not start: {log.read_text()[-2000:]}")
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        hq_pids.clear()
        hq_pids.extend([proc.pid, *_children(proc.pid)])
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


hq_pids: list[int] = []


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def hq_cpu() -> float:
    return sum(cpu_seconds(p) for p in hq_pids)


# ---------------------------------------------------------------- the load


def run_load(port: int, tills: list[Till], shape: str, every: float, limit: float,
             connections: int, seed: int) -> Load:  # fmt: skip
    """The tills' load in a process of its own (benchmarks/hq_tills.py); each till's `sent`
    comes back from it."""
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn) as pool:
        load = pool.submit(run_tills, port, tills, shape, every, limit, connections, seed).result()
    for till, sent in zip(tills, load.sent, strict=True):
        till.sent = sent
    return load


class BackendCpu:
    """The CPU of the PostgreSQL backends serving one database, sampled every second so that
    a backend which exits (a pool's overflow connection) is still counted."""

    def __init__(self, url: str) -> None:
        self.dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.seen: dict[int, tuple[float, float]] = {}  # pid: (first, last) CPU seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="pg-cpu", daemon=True)

    def __enter__(self) -> BackendCpu:
        self._sample(psycopg.connect(self.dsn, autocommit=True), first=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            while not self._stop.wait(1.0):
                self._sample(conn)
            self._sample(conn)

    def _sample(self, conn: psycopg.Connection, first: bool = False) -> None:
        me = conn.info.backend_pid
        pids = [r[0] for r in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND pid <> %s",
            (APP_NAME, me))]  # fmt: skip
        for pid in pids:
            now = cpu_seconds(pid)
            if now:
                was = self.seen.get(pid)
                self.seen[pid] = (now if first or was is None else was[0], now)
        if first:
            conn.close()

    def used(self) -> float:
        """CPU seconds since entering; a backend that started meanwhile counts from zero."""
        return sum(last - first for first, last in self.seen.values())


# ---------------------------------------------------------------- checks and the baseline


def exactly_once(url: str, tills: list[Till]) -> dict[str, object]:
    """Per terminal, by SQL on HQ's tables: events held = events sent, none twice, none rejected."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        held = {r.terminal_id: r for r in conn.execute(text(
            "SELECT terminal_id, count(*) AS n, count(DISTINCT event_id) AS ids,"
            " count(*) FILTER (WHERE status <> 'accepted') AS rejected,"
            " coalesce(max(seq), 0) AS last FROM hq_events GROUP BY terminal_id"))}  # fmt: skip
        sales = conn.scalar(text("SELECT count(*) FROM hq_sales"))
        size = conn.scalar(text("SELECT pg_total_relation_size('hq_events')"))
    engine.dispose()
    wrong = []
    for t in tills:
        r = held.get(t.terminal_id)
        n, ids, rejected, last = (r.n, r.ids, r.rejected, r.last) if r else (0, 0, 0, 0)
        if not (n == ids == last == t.sent and rejected == 0):
            wrong.append({"terminal": t.terminal_id, "sent": t.sent, "held": n, "distinct": ids,
                          "rejected": rejected, "last_seq": last})  # fmt: skip
    return {"ok": not wrong, "terminals": len(tills), "wrong": wrong[:5],
            "events_held": sum(r.n for r in held.values()), "sales_held": sales,
            "event_bytes": round(size / max(1, sum(r.n for r in held.values())))}  # fmt: skip


def raw_baseline(base: str, url: str, transactions: int) -> dict[str, float]:
    """The rows HQ wrote, written again by plain COPY into an empty copy of the schema."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    copied: dict[str, list[bytes]] = {}
    with psycopg.connect(dsn) as src:
        for table in TABLES:
            buf = bytearray()
            with src.cursor().copy(f"COPY {table} TO STDOUT") as copy:
                for chunk in copy:
                    buf += chunk
            lines = bytes(buf).splitlines(keepends=True)
            if lines:
                copied[table] = lines
    with fresh_schema(base, "raw") as scratch:
        open_database(scratch).dispose()
        target = make_url(scratch).set(drivername="postgresql")
        with psycopg.connect(target.render_as_string(hide_password=False)) as dst:
            dst.execute("SELECT 1")
            dst.commit()
            n = max(1, transactions)
            t0 = time.perf_counter()
            for i in range(n):
                with dst.transaction():
                    for table, lines in copied.items():
                        part = lines[len(lines) * i // n : len(lines) * (i + 1) // n]
                        if part:
                            with dst.cursor().copy(f"COPY {table} FROM STDIN") as copy:
                                copy.write(b"".join(part))
            seconds = time.perf_counter() - t0
    rows = sum(len(v) for v in copied.values())
    events = len(copied.get("hq_events", []))
    return {"seconds": round(seconds, 2), "rows": rows, "events": events,
            "events_per_s": round(events / seconds) if seconds else 0, "transactions": n}  # fmt: skip


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# ---------------------------------------------------------------- the run


@dataclass
class Options:
    terminals: int = 10
    shape: str = "live"
    workers: int = 2
    pg: str = ""
    seconds: float = 120.0
    every: float = 10.0
    events: int = 10
    backlog: int = 2000
    batch: int = 500
    connections: int = 64
    pool_size: int = 4
    pool_overflow: int = 2
    seed_ops: int = 300
    seed: int = 1
    limit: float = (
        0.0  # the run's time limit; 0: the shape's own (live: seconds + 60, catch-up: 600)
    )


def run(opts: Options, url: str | None = None) -> dict[str, object]:
    """One run over a fresh schema (or over `url`, which is kept); returns the figures."""
    workdir = Path(tempfile.mkdtemp(prefix="memberdesk-hqload-"))
    with fresh_schema(opts.pg, "load") if url is None else _given(url) as hq_url:
        t0 = time.perf_counter()
        journal = record_journal(workdir, opts.seed_ops)
        engine = open_database(hq_url)
        if opts.shape == "live":
            per_till, size = int(opts.seconds // opts.every) * opts.events, opts.events
        else:
            per_till, size = opts.backlog, opts.batch
        tills = provision(engine, opts.terminals, journal, per_till, size, opts.seed)
        engine.dispose()
        prepared = time.perf_counter() - t0
        limit = opts.limit or (opts.seconds + 60 if opts.shape == "live" else 600)
        pool = Pool(opts.pool_size, opts.pool_overflow)
        served = f"{hq_url}&application_name={APP_NAME}"  # its backends, for their CPU
        with hq_server(
            served, opts.workers, pool, workdir / "hq.log", opts.connections * 2
        ) as base, BackendCpu(hq_url) as postgres:  # fmt: skip
            hq0, load_before = hq_cpu(), os.getloadavg()[0]
            load = run_load(int(base.rsplit(":", 1)[1]), tills, opts.shape, opts.every, limit,
                            opts.connections, opts.seed)  # fmt: skip
            hq = hq_cpu() - hq0
        cpu = {
            "load": round(load.cpu, 1),
            "hq": round(hq, 1),
            "postgres": round(postgres.used(), 1),
        }
        elapsed = load.elapsed
        check = exactly_once(hq_url, tills)
        answered = len(load.latencies)
        raw = raw_baseline(opts.pg, hq_url, answered - load.resent)
    sent = sum(t.sent for t in tills)
    result = {
        "shape": opts.shape, "terminals": opts.terminals, "workers": opts.workers,
        "events": sent, "batches": answered, "seconds": round(elapsed, 1),
        "events_per_s": round(sent / elapsed), "requests_per_s": round(load.requests / elapsed, 1),
        "p50_ms": round(percentile(load.latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(load.latencies, 0.99) * 1000, 1),
        "max_ms": round(max(load.latencies, default=0) * 1000, 1),
        "retries": load.retries, "resent": load.resent, "unfinished": load.unfinished,
        "refused": load.refused, "late_starts": len(load.late),
        "late_p99_ms": round(percentile(load.late, 0.99) * 1000, 1),
        "exactly_once": check, "raw": raw,
        "ratio_to_raw": round(sent / elapsed / raw["events_per_s"], 3) if raw["events_per_s"] else None,
        "cpu_seconds": cpu, "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "cpu_ms_per_request": {k: round(v * 1000 / max(1, load.requests), 2) for k, v in cpu.items()},
        "cpu_us_per_event": {k: round(v * 1e6 / max(1, sent), 1) for k, v in cpu.items()},
        "prepared_s": round(prepared, 1), "cpus": os.cpu_count(),
    }  # fmt: skip
    for item in workdir.iterdir():
        item.unlink()
    workdir.rmdir()
    return result


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--terminals", type=int, default=10)
    ap.add_argument("--shape", choices=("live", "catchup"), default="live")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--pg", default=os.environ.get("MEMBERDESK_TEST_PG", ""))
    ap.add_argument("--seconds", type=float, default=120.0, help="live: how long the tills send")
    ap.add_argument(
        "--every", type=float, default=10.0, help="live: seconds between a till's batches"
    )
    ap.add_argument("--events", type=int, default=10, help="live: events per batch")
    ap.add_argument("--backlog", type=int, default=2000, help="catchup: events per till")
    ap.add_argument("--batch", type=int, default=500, help="catchup: events per batch")
    ap.add_argument("--connections", type=int, default=64, help="connections the tills share")
    ap.add_argument("--pool-size", type=int, default=4)
    ap.add_argument("--pool-overflow", type=int, default=2)
    ap.add_argument("--limit", type=float, default=0.0, help="the run's time limit (seconds)")
    args = ap.parse_args(argv)
    if not args.pg or make_url(args.pg).get_backend_name() != "postgresql":
        print(
            "need PostgreSQL: --pg URL or MEMBERDESK_TEST_PG (. .ci/postgres.sh && start_postgres)"
        )
        return 2
    opts = Options(**{k: v for k, v in vars(args).items()})
    r = run(opts)
    once = r["exactly_once"]
    print(f"{r['shape']}: {r['terminals']} tills, {r['workers']} workers, {r['events']:,} events in "
          f"{r['batches']:,} batches over {r['seconds']}s")  # fmt: skip
    print(f"  {r['events_per_s']:,} events/s, {r['requests_per_s']} requests/s, "
          f"p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms (max {r['max_ms']} ms)")  # fmt: skip
    print(f"  exactly once: {'yes' if once['ok'] else 'NO ' + json.dumps(once['wrong'])} "
          f"({once['events_held']:,} events held at HQ by {once['terminals']} terminals)")  # fmt: skip
    print(f"  raw COPY of the same {r['raw']['rows']:,} rows in {r['raw']['transactions']} "
          f"transactions: {r['raw']['events_per_s']:,} events/s; HQ/raw = {r['ratio_to_raw']}")  # fmt: skip
    print(f"  cpu s: {r['cpu_seconds']}, ms a request: {r['cpu_ms_per_request']}, µs an event: "
          f"{r['cpu_us_per_event']}; load average {r['load_average']}")  # fmt: skip
    print(f"  retries {r['retries']}, late starts {r['late_starts']}, unfinished {r['unfinished']}")
    print(json.dumps(r, default=str))
    return 0 if once["ok"] and not r["unfinished"] else 1


if __name__ == "__main__":
    sys.exit(main())

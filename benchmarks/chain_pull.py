"""The chain's member directory: pull rate, a checkout waiting during the pull, and lookup
over the pulled members.

    .venv/bin/python benchmarks/chain_pull.py [--members 100000] [--db URL]

HQ (PostgreSQL: a fresh schema of --db, default $MEMBERDESK_TEST_PG) holds N members of
store S001, written straight into its tables; membership is chain-wide. A till of store
S002 pulls them all over loopback from HQ's real app (uvicorn in a thread) while another
thread rings up sales on the same file; then lookup finds pulled members by card, phone,
last four, name and pinyin initials. Prints a JSON line: members/s of the pull, the
longest a sale waited, and each lookup kind's p50/p99 in ms with the ratio to a raw
indexed statement of the same kind measured in the same run (card: one row by
cards.card_no; others: members by phone_last4).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from memberdesk.core.members.lookup import find_members
from memberdesk.core.shop.details import configure_shop
from memberdesk.core.shop.staff import SYSTEM, Actor, add_staff
from memberdesk.core.store.database import Store
from memberdesk.core.sync.config import configure_sync
from memberdesk.core.sync.pull import pull_directory
from memberdesk.core.sync.transport import HttpTransport
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.hq.app import create_app
from memberdesk.hq.db import open_database
from memberdesk.hq.directory import set_chain
from memberdesk.hq.models import cards, directory, members
from memberdesk.hq.provision import add_store, add_terminal

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def seed_hq(engine, n: int, rng: random.Random) -> list[dict]:
    now = datetime.now(UTC).replace(tzinfo=None)
    people = []
    for i in range(n):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        card = f"9{i:011d}"
        phone = f"13{i:09d}"
        people.append({"id": str(uuid.uuid4()), "store_code": "S001", "terminal_id": "seed",
                       "card_no": card, "name": name, "phone": phone, "tier": "", "status": "active",
                       "joined_at": now, "joined_date": now.date(), "version": 1,
                       "data": {"gender": "U"}, "updated_at": now})  # fmt: skip
    with engine.begin() as conn:
        for i in range(0, n, 5000):
            chunk = people[i : i + 5000]
            conn.execute(members.insert(), chunk)
            conn.execute(cards.insert(), [{"card_no": p["card_no"], "member_id": p["id"],
                                           "store_code": "S001", "first_seen_at": now} for p in chunk])  # fmt: skip
            conn.execute(directory.insert(), [{"member_id": p["id"], "change_seq": 2} for p in chunk])
    return people


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=100_000)
    ap.add_argument("--db", default=os.environ.get("MEMBERDESK_TEST_PG", ""))
    ap.add_argument("--lookups", type=int, default=2000)
    args = ap.parse_args()
    rng = random.Random(17)
    base = args.db
    schema = "bench_" + uuid.uuid4().hex[:12]
    admin = create_engine(base, poolclass=NullPool)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    work = Path(tempfile.mkdtemp(prefix="chain-bench-"))
    try:
        engine = open_database(f"{base}{sep}options=-csearch_path%3D{schema}")
        add_store(engine, "S001", "一号店")
        add_store(engine, "S002", "二号店")
        terminal = add_terminal(engine, "S002")
        set_chain(engine, datetime.now(UTC).replace(tzinfo=None), scope="chain")
        people = seed_hq(engine, args.members, rng)

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(engine), log_level="warning",
                                               access_log=False, lifespan="off"))  # fmt: skip
        threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
        while not server.started:
            time.sleep(0.01)
        url = f"http://127.0.0.1:{port}"

        path = work / "till.sqlite"
        with Store(path) as store:
            configure_shop(store, name="二号店", store_code="S002")
            owner = add_staff(store, SYSTEM, "老板", "owner", "8888")
            configure_sync(store, url, terminal.id)
        actor = Actor(owner.id, owner.name, owner.role)

        waits: list[float] = []
        done = threading.Event()

        def sell(till: Store) -> None:  # the cashier at work during the pull, as in the window
            while not done.is_set():
                started = time.perf_counter()
                checkout(till, actor, CheckoutRequest((SaleLineInput("衬衫", 9900, 1),),
                                                      tenders={"cash": 9900}))  # fmt: skip
                waits.append(time.perf_counter() - started)
                time.sleep(0.02)

        with Store(path) as store:
            cashier = threading.Thread(target=sell, args=(store,))
            cashier.start()
            with HttpTransport(url, terminal.token, timeout=60) as transport:
                report = pull_directory(store, transport)
            done.set()
            cashier.join()
            assert report.ok, report.error
            sample = rng.sample(people, min(args.lookups, len(people)))
            queries = {
                "card": [p["card_no"] for p in sample], "phone": [p["phone"] for p in sample],
                "last4": [p["phone"][-4:] for p in sample], "name": [p["name"] for p in sample],
                "initials": ["".join({"王": "w", "李": "l", "张": "z"}.get(p["name"][0], "c")) + "x"
                             for p in sample],
            }  # fmt: skip
            lookups = {}
            with store.lookup_read() as con:
                raw = {"card": ("SELECT member_id FROM cards WHERE card_no = ?", queries["card"]),
                       "other": ("SELECT id FROM members WHERE phone_last4 = ? LIMIT 20", queries["last4"])}  # fmt: skip
                raw_ms = {}
                for kind, (sql, qs) in raw.items():
                    times = []
                    for q in qs:
                        t = time.perf_counter()
                        con.execute(sql, (q,)).fetchall()
                        times.append((time.perf_counter() - t) * 1000)
                    raw_ms[kind] = statistics.median(times)
            for kind, qs in queries.items():
                times = []
                for q in qs:
                    t = time.perf_counter()
                    find_members(store, q)
                    times.append((time.perf_counter() - t) * 1000)
                times.sort()
                p99 = times[int(len(times) * 0.99) - 1]
                baseline = raw_ms["card" if kind == "card" else "other"]
                lookups[kind] = {"p50_ms": round(statistics.median(times), 3), "p99_ms": round(p99, 3),
                                 "ratio_p50_to_raw": round(statistics.median(times) / baseline, 1)}  # fmt: skip
        server.should_exit = True
        print(json.dumps({
            "members": args.members, "pull_seconds": round(report.seconds, 2),
            "members_per_s": round(report.members / report.seconds),
            "sales_during_pull": len(waits), "longest_sale_ms": round(max(waits) * 1000, 1) if waits else None,
            "lookup": lookups,
        }, ensure_ascii=False))  # fmt: skip
        engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

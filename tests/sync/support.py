"""Helpers shared by the sync and HQ tests: PostgreSQL, a real HQ on a free loopback
port (in a thread or a child process), a shop that does random business, and the
one assertion every sync test ends with."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.pool import NullPool

from memberdesk.core.clock import shop_date
from memberdesk.core.errors import DomainError
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.shop.details import shop_info
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Member, OutboxEvent, PointsEntry, Refund, Sale, WalletEntry
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout, quote
from memberdesk.core.till.refunds import refund
from memberdesk.core.till.totals import terminal_day_totals
from memberdesk.core.till.wallet import top_up
from memberdesk.hq.app import Limits, create_app
from memberdesk.hq.db import open_database
from memberdesk.hq.models import events as hq_events
from memberdesk.hq.provision import NewTerminal, ProvisionError, add_store, add_terminal
from memberdesk.hq.totals import day_totals, member_balance

ROOT = Path(__file__).resolve().parents[2]
STORE_CODE = "S001"

# ---------------------------------------------------------------- PostgreSQL

_pg: dict[str, str | None] = {}


def pg_base_url() -> str:
    """MEMBERDESK_TEST_PG, or the local cluster started by .ci/postgres.sh.

    In CI (CI=true) a missing PostgreSQL is a failure, never a skip.
    """
    if "url" in _pg:
        if _pg["url"] is None:
            pytest.skip(_pg["why"] or "PostgreSQL unavailable")
        return _pg["url"]
    url = os.environ.get("MEMBERDESK_TEST_PG", "").strip()
    why = ""
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but MEMBERDESK_TEST_PG is not set: .ci/run must start PostgreSQL")
        try:
            done = subprocess.run(
                ["bash", "-c", '. .ci/postgres.sh && start_postgres >&2 && echo "$MEMBERDESK_TEST_PG"'],
                cwd=ROOT, capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            url = (
                done.stdout.strip().splitlines()[-1]
                if done.returncode == 0 and done.stdout.strip()
                else ""
            )
            why = (
                done.stderr.strip().splitlines()[-1]
                if done.stderr.strip()
                else f"exit {done.returncode}"
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            why = str(exc)
        if url:
            os.environ["MEMBERDESK_TEST_PG"] = url
    _pg["url"] = url or None
    _pg["why"] = f"PostgreSQL not available outside CI (.ci/postgres.sh: {why})" if not url else ""
    if not url:
        pytest.skip(_pg["why"])
    return url


@contextmanager
def fresh_pg_url() -> Iterator[str]:
    """A new, empty schema for one test; dropped afterwards."""
    base = pg_base_url()
    schema = "t_" + uuid.uuid4().hex[:16]
    admin = create_engine(base, poolclass=NullPool)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


_HQ_TEMPLATE: list[Path] = []


def _migrated_hq_file() -> Path:
    """An HQ SQLite file with every migration run and nothing else written, made once per
    worker: the migrations cost about a fifth of a second a file, and a few hundred tests
    start from a new HQ. tests/hq/test_hq_cli.py and the servers started on paths of their
    own still run them on a new file."""
    if not _HQ_TEMPLATE:
        import tempfile

        path = Path(tempfile.mkdtemp(prefix="memberdesk-hq-template-")) / "hq.sqlite"
        open_database(str(path)).dispose()
        _HQ_TEMPLATE.append(path)
    return _HQ_TEMPLATE[0]


@contextmanager
def hq_database(kind: str, tmp_path: Path) -> Iterator[str]:
    if kind == "sqlite":
        path = tmp_path / "hq" / "hq.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_migrated_hq_file(), path)
        yield str(path)
    else:
        with fresh_pg_url() as url:
            yield url


# ---------------------------------------------------------------- HQ servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HQServer:
    """HQ's app under uvicorn in a thread, on 127.0.0.1 and a port the OS picked, holding
    at most `limit_concurrency` connections (as `memberdesk-hq serve` does)."""

    def __init__(
        self, url: str, *, limits: Limits | None = None, limit_concurrency: int = 64,
        timeout_keep_alive: int = 5,
    ) -> None:  # fmt: skip
        self.url = url
        self.engine: Engine = open_database(url)
        self.limits = limits
        self.limit_concurrency = limit_concurrency
        self.timeout_keep_alive = timeout_keep_alive
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> HQServer:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            create_app(self.engine, limits=self.limits), log_level="warning", access_log=False,
            timeout_graceful_shutdown=2, lifespan="off", limit_concurrency=self.limit_concurrency,
            timeout_keep_alive=self.timeout_keep_alive,
        )  # fmt: skip
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("HQ did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
        self.engine.dispose()


class HQProcess:
    """`memberdesk-hq serve` as a child process, to be killed with SIGKILL and restarted."""

    def __init__(self, url: str, log_path: Path) -> None:
        self.url = url
        self.log_path = log_path
        self.port = 0
        self.proc: subprocess.Popen | None = None

    def start(self) -> HQProcess:
        self.port = free_port()
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "memberdesk.hq.cli", "serve", "--db", self.url, "--host",
             "127.0.0.1", "--port", str(self.port), "--log-level", "warning", "--no-access-log"],
            stdout=log, stderr=log,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"HQ exited: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError("HQ did not come up")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)


def provision(engine: Engine, store_code: str = STORE_CODE) -> NewTerminal:
    with contextlib.suppress(ProvisionError):  # already there
        add_store(engine, store_code, f"门店 {store_code}")
    return add_terminal(engine, store_code)


# ---------------------------------------------------------------- a shop at work


@dataclass
class Shop:
    """Random, valid business on a terminal: members, sales, refunds, top-ups."""

    store: Store
    cashier: Actor
    manager: Actor
    rng: random.Random
    members: list[str] = field(default_factory=list)
    sales: list[str] = field(default_factory=list)
    phones: int = 0

    def issue(self) -> None:
        self.phones += 1
        name = self.rng.choice(["张三", "李四", "王芳", "赵敏", "陈晨"])
        phone = f"139{self.rng.randrange(1000, 10000)}{self.phones:04d}"
        self.members.append(
            issue_card(self.store, self.cashier, MemberForm(name=name, phone=phone)).id
        )

    def sale(self) -> None:
        member = self.rng.choice(self.members) if self.members and self.rng.random() < 0.7 else None
        lines = tuple(
            SaleLineInput(
                f"商品{i}", self.rng.choice((990, 3900, 12900, 25900)), self.rng.choice((1, 1, 2))
            )
            for i in range(self.rng.choice((1, 1, 2, 3)))
        )
        try:
            due = quote(self.store, CheckoutRequest(lines, member)).due_after_points_wallet
            wallet = 0
            if member is not None and self.rng.random() < 0.4:
                with self.store.read() as s:
                    m = s.get(Member, member)
                    wallet = min(m.wallet_principal + m.wallet_bonus, due, 20000)
            rest = due - wallet
            tender = self.rng.choice(("cash", "wechat", "alipay", "card"))
            pay = {tender: -(-rest // 10000) * 10000 if tender == "cash" else rest} if rest else {}
            req = CheckoutRequest(lines, member, wallet=wallet, tenders=pay)
            self.sales.append(checkout(self.store, self.cashier, req).sale_id)
        except DomainError:
            pass

    def refund(self) -> None:
        if not self.sales:
            return
        sale_id = self.rng.choice(self.sales)
        lines = None if self.rng.random() < 0.5 else {1: 1}
        with contextlib.suppress(DomainError):
            refund(self.store, self.cashier, sale_id, lines, authoriser=self.manager, reason="测试")

    def top_up(self) -> None:
        if not self.members:
            return
        member = self.rng.choice(self.members)
        amount, tender = (
            self.rng.choice((10000, 50000, 100000)),
            self.rng.choice(("cash", "wechat")),
        )
        with contextlib.suppress(DomainError):
            top_up(self.store, self.cashier, member, amount, tender)

    def busy(self, n: int) -> None:
        if not self.members:
            self.issue()
        for _ in range(n):
            r = self.rng.random()
            if r < 0.1:
                self.issue()
            elif r < 0.7:
                self.sale()
            elif r < 0.85:
                self.top_up()
            else:
                self.refund()


# ---------------------------------------------------------------- the final check


def business_days(store: Store) -> set[date]:
    with store.read() as s:
        days = set(s.scalars(select(Sale.business_date).distinct()))
        days |= set(s.scalars(select(Refund.business_date).distinct()))
        days |= set(s.scalars(select(PointsEntry.business_date).distinct()))
        days |= set(s.scalars(select(WalletEntry.business_date).distinct()))
        tz = shop_info(s).timezone
        days |= {shop_date(t, tz) for t in s.scalars(select(Member.joined_at))}
    return days


def outbox_states(store: Store) -> dict[str, int]:
    with store.read() as s:
        return dict(
            s.execute(select(OutboxEvent.state, func.count()).group_by(OutboxEvent.state)).all()
        )


def assert_in_sync(
    store: Store,
    engine: Engine,
    terminal_id: str,
    *,
    rejected: int = 0,
    store_code: str = STORE_CODE,
) -> None:
    """Nothing left to send; HQ holds every terminal event exactly once; the days and balances agree."""
    states = outbox_states(store)
    assert states.get("pending", 0) == 0, states
    assert states.get("inflight", 0) == 0, states
    assert states.get("rejected", 0) == rejected, states
    with store.read() as s:
        local = {
            r.event_id: (r.seq, r.state)
            for r in s.execute(select(OutboxEvent.event_id, OutboxEvent.seq, OutboxEvent.state))
        }
        balances = {
            m.id: (m.points, m.wallet_principal, m.wallet_bonus) for m in s.scalars(select(Member))
        }
    with engine.connect() as conn:
        held = conn.execute(
            select(hq_events.c.event_id, hq_events.c.seq, hq_events.c.status).where(
                hq_events.c.terminal_id == terminal_id
            )
        ).all()
        assert len(held) == len({h.event_id for h in held}), "HQ holds an event twice"
        assert {h.event_id: h.seq for h in held} == {k: v[0] for k, v in local.items()}, (
            "HQ and terminal hold different events"
        )
        for h in held:
            want = "rejected" if local[h.event_id][1] == "rejected" else "accepted"
            assert h.status == want, (h, local[h.event_id])
        for day in sorted(business_days(store)):
            hq_day, local_day = (
                day_totals(conn, store_code, day, terminal_id),
                terminal_day_totals(store, day),
            )
            assert hq_day.differences(local_day) == [], (day, hq_day, local_day)
            assert hq_day.sales_count == local_day.sales_count
        for member_id, (points, principal, bonus) in balances.items():
            b = member_balance(conn, member_id)
            assert (b.points, b.wallet_principal, b.wallet_bonus) == (points, principal, bonus), (
                member_id
            )


def synced_and_refused(store: Store, owner: Actor) -> datetime:
    """Sync set up, last gone well at 2026-03-01 16:30 UTC (00:30 the next day in Beijing),
    and the till's newest record refused by HQ; returns that record's time (UTC)."""
    from zoneinfo import ZoneInfo

    from memberdesk.core.shop.details import write_setting
    from memberdesk.core.sync.config import K_SUCCESS, configure_sync

    configure_sync(store, f"http://127.0.0.1:{free_port()}", "T-01", actor=owner)
    issue_card(store, owner, MemberForm(name="张三", phone="13800000001"))
    with store.write() as uow:
        write_setting(uow.session, K_SUCCESS, "2026-03-01T16:30:00")
        seq, made = uow.session.execute(
            text("SELECT seq, created_at FROM outbox ORDER BY seq DESC LIMIT 1")
        ).one()
        uow.session.execute(
            text("UPDATE outbox SET state = 'rejected', reason = 'refused' WHERE seq = :seq"),
            {"seq": seq},
        )
    return datetime.fromisoformat(made).replace(tzinfo=ZoneInfo("UTC"))

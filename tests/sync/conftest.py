"""Fixtures of the sync tests: a real HQ (SQLite and PostgreSQL) on 127.0.0.1, a fault
proxy in front of it, and the terminal's store (tests/conftest.py) linked to it."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from memberdesk.core.clock import FixedClock
from memberdesk.core.shop.details import configure_shop
from memberdesk.core.shop.staff import SYSTEM, Actor, add_staff, login
from memberdesk.core.store.database import Store
from memberdesk.core.sync.config import configure_sync
from memberdesk.core.sync.pusher import Pusher, RetryPolicy
from memberdesk.core.sync.transport import HttpTransport
from memberdesk.hq.app import Limits
from memberdesk.hq.provision import NewTerminal

from ..conftest import START
from .fault_proxy import FaultProxy
from .support import HQServer, Shop, hq_database, provision

FAST = RetryPolicy(base=0.01, cap=0.1, max_attempts=6)


@dataclass(frozen=True)
class Template:
    path: Path
    owner: Actor
    manager: Actor
    cashier: Actor


@pytest.fixture(scope="session")
def shop_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """One configured shop with its staff, copied for each test (PIN hashing and the
    first migration cost about two seconds a test otherwise)."""
    path = tmp_path_factory.mktemp("template") / "memberdesk.sqlite"
    with Store(path, clock=FixedClock(START)) as s:
        configure_shop(s, name="测试小店", store_code="S001")
        owner = add_staff(s, SYSTEM, "老板", "owner", "8888")
        manager = add_staff(s, Actor(owner.id, owner.name, owner.role), "店长", "manager", "6666")
        cashier = add_staff(s, Actor(owner.id, owner.name, owner.role), "收银员", "cashier", "1111")
    return Template(path, *(Actor(i.id, i.name, i.role) for i in (owner, manager, cashier)))


@pytest.fixture
def store(db_path: Path, clock: FixedClock, shop_template: Template) -> Iterator[Store]:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shop_template.path, db_path)
    s = Store(db_path, clock=clock)
    yield s
    s.close()


@pytest.fixture
def owner(shop_template: Template) -> Actor:
    return shop_template.owner


@pytest.fixture
def manager(store: Store) -> Actor:
    """Logged in by PIN on this test's copy: core believes an authoriser only so."""
    return login(store, "店长", "6666")


@pytest.fixture
def cashier(shop_template: Template) -> Actor:
    return shop_template.cashier


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def hq_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def hq_url(hq_kind: str, tmp_path: Path) -> Iterator[str]:
    with hq_database(hq_kind, tmp_path) as url:
        yield url


@pytest.fixture
def hq_limits(request: pytest.FixtureRequest) -> Limits | None:
    return getattr(request, "param", None)


@pytest.fixture
def hq(hq_url: str, hq_limits: Limits | None) -> Iterator[HQServer]:
    server = HQServer(hq_url, limits=hq_limits).start()
    yield server
    server.stop()


@pytest.fixture
def terminal(hq: HQServer) -> NewTerminal:
    return provision(hq.engine)


@pytest.fixture
def proxy(hq: HQServer) -> Iterator[FaultProxy]:
    p = FaultProxy(hq.port).start()
    yield p
    p.stop()


@pytest.fixture
def shop(store: Store, cashier: Actor, manager: Actor) -> Shop:
    return Shop(store, cashier, manager, random.Random(20260310))


@dataclass
class Link:
    """The terminal set up to sync through the proxy; makes pushers and closes them."""

    store: Store
    url: str
    terminal: NewTerminal
    made: list[Pusher] = field(default_factory=list)

    def pusher(self, *, token: str | None = None, timeout: float = 3.0, **kw: Any) -> Pusher:
        kw.setdefault("retry", FAST)
        kw.setdefault("reconcile_daily", False)
        transport = HttpTransport(self.url, token or self.terminal.token, timeout=timeout)
        p = Pusher(self.store, transport, **kw)
        self.made.append(p)
        return p


@pytest.fixture
def link(store: Store, terminal: NewTerminal, proxy: FaultProxy) -> Iterator[Link]:
    configure_sync(store, proxy.url, terminal.id)
    linked = Link(store, proxy.url, terminal)
    yield linked
    for p in linked.made:
        p.close()


@pytest.fixture
def link_factory(store: Store) -> Iterator[Any]:
    """For tests that run HQ themselves: a proxy to `port` and a Link through it."""
    made: list[FaultProxy] = []

    def make(port: int, terminal: NewTerminal) -> FaultProxy:
        p = FaultProxy(port).start()
        configure_sync(store, p.url, terminal.id)
        p.link = Link(store, p.url, terminal)
        made.append(p)
        return p

    yield make
    for p in made:
        for pusher in p.link.made:
            pusher.close()
        p.stop()

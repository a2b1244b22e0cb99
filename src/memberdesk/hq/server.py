"""Serving HQ: one process, or several worker processes behind one port.

HQ keeps no state in a process (a batch is applied under its terminal's row lock,
so two workers given copies of one batch apply it once), so it scales by workers:
uvicorn starts `workers` processes that share the listening socket, and restarts
one that dies. Each worker builds its own app from `app_from_environment` (uvicorn
imports it by name in each process), with the settings the parent put in
`MEMBERDESK_HQ_SERVE`; the parent has brought the schema up to date before.

Each worker holds at most `pool.size + pool.overflow` PostgreSQL connections, so a
machine holds `workers × (size + overflow)`: `connection_budget` compares that
with what the server allows (docs/hq-deploy.md).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import logging
import os
import re
import signal
import sys
import threading
import time
from dataclasses import asdict, dataclass, field

from sqlalchemy import Engine, text
from starlette.applications import Starlette

from . import LOG_FORMAT
from .app import Limits, create_app
from .db import Pool, make_engine
from .tokens import DEFAULT_TTL

ENV = "MEMBERDESK_HQ_SERVE"
SUPERVISOR = "MEMBERDESK_HQ_SUPERVISOR"  # the pid of the process that starts the workers
PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclass(frozen=True)
class Settings:
    """What every worker needs to build the same app."""

    url: str
    limits: Limits = field(default_factory=Limits)
    pool: Pool = field(default_factory=Pool)
    token_ttl: float = DEFAULT_TTL

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls, value: str) -> Settings:
        data = json.loads(value)
        return cls(data["url"], Limits(**data["limits"]), Pool(**data["pool"]), data["token_ttl"])


def build_app(settings: Settings) -> Starlette:
    engine = make_engine(settings.url, settings.pool)
    return create_app(engine, limits=settings.limits, token_ttl=settings.token_ttl)


class MaskPhones(logging.Filter):
    """The access log without members' phone numbers: a till asking for a member by phone
    (`/v1/directory/find?phone=…`) is logged with the number masked as the till shows it
    (138****5678); the log is read by people who may not see numbers."""

    PHONE = re.compile(r"(phone=)(\d{3})\d{4}(\d{4})")

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and any(isinstance(a, str) and "phone=" in a for a in args):
            record.args = tuple(
                self.PHONE.sub(r"\1\2****\3", a) if isinstance(a, str) else a for a in args
            )
        return True


def app_from_environment() -> Starlette:
    """uvicorn's factory in each worker process."""
    _end_with_parent()
    # A worker is a process of its own (spawned): without this, what HQ logs in it (a
    # database that cannot be reached, a failed batch) went out bare, with no time or level.
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    logging.getLogger("uvicorn.access").addFilter(MaskPhones())  # uvicorn set it up already
    app = build_app(Settings.from_env(os.environ[ENV]))
    # What the worker has built by now (modules, tables, the app) lives as long as it does:
    # frozen, it is left out of the collector's full passes, which the many objects of a
    # parsed batch set off — a tenth of the CPU of a large batch went to walking it again.
    gc.freeze()
    # A parsed batch is tens of thousands of dicts and lists that die with the batch (no
    # cycles): at the default threshold (700) the collector walked them, and the other
    # batches in flight, some 600 times in a 100,000-event catch-up — a fifth of a worker's
    # CPU. A young generation of 100,000 lets most die by reference count before a pass.
    gc.set_threshold(100_000, 20, 10)
    return app


def _end_with_parent(every: float = 1.0) -> None:
    """A worker whose supervisor was killed (SIGKILL, OOM) stops too, instead of holding
    the port and its connections with nobody to restart or stop it: at once on Linux
    (the kernel's parent-death signal; killed as its supervisor was, PostgreSQL rolls
    back what it had open), else within `every` seconds. The supervisor's pid comes from
    the environment: a worker still starting when its supervisor was killed has been
    given another parent already, and must not take that one for its own. With one worker
    uvicorn serves in the supervisor's own process, which has no supervisor to follow."""
    parent = int(os.environ.get(SUPERVISOR) or os.getppid())
    if parent == os.getpid():
        return
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL) == 0:
                if os.getppid() != parent:  # it died before the signal was asked for
                    os.kill(os.getpid(), signal.SIGTERM)
                return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os.kill(os.getpid(), signal.SIGTERM)

    if parent > 1:
        threading.Thread(target=watch, name="hq-parent-watch", daemon=True).start()


@dataclass(frozen=True)
class Budget:
    """This machine's connections against what PostgreSQL allows."""

    wanted: int  # workers × (pool size + overflow)
    allowed: int  # max_connections − superuser_reserved_connections
    in_use: int  # connections open now (other HQ machines, reports, …)

    @property
    def impossible(self) -> bool:
        return self.wanted > self.allowed

    @property
    def tight(self) -> bool:
        return self.wanted > self.allowed - self.in_use


def connection_budget(engine: Engine, workers: int, pool: Pool) -> Budget | None:
    """The budget on PostgreSQL (None on SQLite, which has no connection limit)."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        most = int(conn.scalar(text("SHOW max_connections")))
        reserved = int(conn.scalar(text("SHOW superuser_reserved_connections")))
        in_use = int(conn.scalar(text("SELECT count(*) FROM pg_stat_activity "
                                      "WHERE backend_type = 'client backend'")))  # fmt: skip
    return Budget(workers * pool.most, most - reserved, max(0, in_use - 1))

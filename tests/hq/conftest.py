"""HQ tests: a real HQ on 127.0.0.1 over SQLite and PostgreSQL, each test on a fresh database."""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from memberdesk.hq.app import Limits
from memberdesk.hq.models import batches, events, members, sales, terminals
from memberdesk.hq.provision import NewTerminal

from ..sync.support import HQServer, hq_database, provision

LIMITS = Limits(max_events=50, max_bytes=64 * 1024, max_body=64 * 1024)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def hq_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def hq_url(hq_kind: str, tmp_path: Path) -> Iterator[str]:
    with hq_database(hq_kind, tmp_path) as url:
        yield url


@pytest.fixture
def hq(hq_url: str) -> Iterator[HQServer]:
    server = HQServer(hq_url, limits=LIMITS).start()
    yield server
    server.stop()


@pytest.fixture
def term(hq: HQServer) -> NewTerminal:
    return provision(hq.engine, "S001")


@pytest.fixture
def other(hq: HQServer) -> NewTerminal:
    """A terminal of another store."""
    return provision(hq.engine, "S002")


@pytest.fixture
def client(hq: HQServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=hq.base_url, timeout=10) as c:
        yield c


def sale_event(seq: int, *, total: int = 10000, store: str = "S001", day: str = "2026-03-10",
               sale_id: str | None = None, member_id: str | None = None) -> dict[str, Any]:  # fmt: skip
    sale_id = sale_id or str(uuid.uuid4())
    return {
        "seq": seq, "event_id": str(uuid.uuid4()), "kind": "sale.completed", "aggregate_id": sale_id,
        "created_at": "2026-03-10T02:00:00",
        "payload": {"id": sale_id, "receipt_no": f"R{seq}", "store_code": store, "business_date": day,
                    "member_id": member_id, "subtotal": total, "discount": 0, "total": total,
                    "tenders": {"cash": total}, "points_earned": 0, "points_redeemed": 0},
    }  # fmt: skip


def event(seq: int, kind: str, payload: dict[str, Any], *, aggregate_id: str | None = None,
          created_at: str = "2026-03-10T02:00:00") -> dict[str, Any]:  # fmt: skip
    return {"seq": seq, "event_id": str(uuid.uuid4()), "kind": kind,
            "aggregate_id": aggregate_id or str(payload.get("id", "")), "created_at": created_at,
            "payload": payload}  # fmt: skip


def refund_event(seq: int, sale_id: str, amount: int = 10000, **fields: Any) -> dict[str, Any]:
    refund_id = str(uuid.uuid4())
    payload = {"id": refund_id, "sale_id": sale_id, "receipt_no": f"R-{seq}", "store_code": "S001",
               "business_date": "2026-03-10", "member_id": None, "amount": amount,
               "tenders": {"cash": amount}, "wallet_principal": 0, "wallet_bonus": 0,
               "points_reversed": 0, "points_returned": 0, **fields}  # fmt: skip
    return event(seq, "sale.refunded", payload)


def auth(term) -> dict:
    return {"Authorization": f"Bearer {term.token}"}


def member_event(seq: int, member_id: str, version: int, name: str = "张三") -> dict:
    return {
        "seq": seq, "event_id": str(uuid.uuid4()), "kind": "member.issued" if version == 1 else "member.edited",
        "aggregate_id": member_id, "created_at": "2026-03-10T02:00:00",
        "payload": {"id": member_id, "card_no": "8800000013", "name": name, "phone": "13800138000",
                    "tier": "", "status": "active", "joined_at": "2026-03-09T17:30:00", "version": version},
    }  # fmt: skip


def ledger_event(seq: int, member_id: str, kind: str, delta: int, wallet: int = 0) -> dict:
    entry = str(uuid.uuid4())
    if wallet:
        payload = {"id": entry, "member_id": member_id, "principal_delta": wallet, "bonus_delta": 0,
                   "kind": kind, "business_date": "2026-03-10", "principal_after": max(wallet, 0),
                   "bonus_after": 0}  # fmt: skip
        return {"seq": seq, "event_id": str(uuid.uuid4()), "kind": "wallet.entry", "aggregate_id": entry,
                "created_at": "2026-03-10T02:00:00", "payload": payload}  # fmt: skip
    payload = {"id": entry, "member_id": member_id, "delta": delta, "kind": kind,
               "business_date": "2026-03-10", "balance_after": 0}  # fmt: skip
    return {"seq": seq, "event_id": str(uuid.uuid4()), "kind": "points.entry", "aggregate_id": entry,
            "created_at": "2026-03-10T02:00:00", "payload": payload}  # fmt: skip


def batch(
    term: NewTerminal, evs: list[dict], *, batch_id: str | None = None, store: str = "S001"
) -> dict:
    return {"protocol": 1, "batch_id": batch_id or str(uuid.uuid4()), "terminal_id": term.id,
            "store_code": store, "events": evs}  # fmt: skip


def post(client: httpx.Client, token: str, body: Any, *, raw: bytes | None = None,
         gz: bool = True) -> httpx.Response:  # fmt: skip
    data = raw if raw is not None else json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if gz and raw is None:
        data = gzip.compress(data)
        headers["Content-Encoding"] = "gzip"
    elif gz:
        headers["Content-Encoding"] = "gzip"
    return client.post("/v1/batches", content=data, headers=headers)


def fingerprint(engine) -> tuple:
    """Everything a refused request must leave as it was."""
    with engine.connect() as conn:
        return (
            conn.scalar(select(func.count()).select_from(events)),
            conn.scalar(select(func.count()).select_from(batches)),
            conn.scalar(select(func.count()).select_from(sales)),
            conn.scalar(select(func.count()).select_from(members)),
            tuple(
                conn.execute(
                    select(terminals.c.id, terminals.c.last_seq).order_by(terminals.c.id)
                ).all()
            ),
        )

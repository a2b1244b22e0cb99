"""HQ takes the catalogue's events (every change carries the whole item), checked in full:
a good one is kept, a bad one is rejected naming its field, and neither holds up the rest."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from memberdesk.hq.models import events

from .conftest import batch, event, post


def item(**changes: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()), "code": "A001", "name": "可口可乐 500ml", "category": "饮料",
        "price": 350, "member_price": 300, "no_discount": False, "earns_points": True,
        "active": True, "barcodes": ["6901234567892"], "version": 1,
        "updated_at": "2026-03-10T02:00:00", "change": {"by": "老板", "via": "editor"},
        **changes,
    }  # fmt: skip


def test_item_events_are_checked_and_kept(hq, term, client):
    good = item()
    evs = [
        event(1, "item.created", good),
        event(2, "item.edited", {**good, "price": 380, "version": 2}),
        event(3, "item.deactivated", {**good, "active": False, "version": 3}),
        event(4, "item.reactivated", {**good, "version": 4, "member_price": None, "barcodes": []}),
        event(5, "item.created", item(price="3.50")),
        event(6, "item.created", item(name="")),
        event(7, "item.created", item(member_price=400)),
        event(8, "item.created", item(barcodes="6901234567892")),
        event(9, "item.created", item(barcodes=["x" * 41])),
        event(10, "item.created", item(active="yes")),
        event(11, "item.created", item(price=10**20)),
        event(12, "item.created", item(code="A\x00")),
    ]
    answer = post(client, term.token, batch(term, evs)).json()
    assert answer["accepted"] == 4
    rejected = {r["seq"]: (r["code"], r["params"]) for r in answer["rejected"]}
    assert rejected == {
        5: ("invalid", {"field": "price", "problem": "type"}),
        6: ("invalid", {"field": "name", "problem": "missing"}),
        7: ("invalid", {"field": "member_price", "problem": "too_large"}),
        8: ("invalid", {"field": "barcodes", "problem": "type"}),
        9: ("invalid", {"field": "barcodes.0", "problem": "too_long"}),
        10: ("invalid", {"field": "active", "problem": "type"}),
        11: ("invalid", {"field": "price", "problem": "too_large"}),
        12: ("invalid", {"field": "code", "problem": "type"}),
    }
    with hq.engine.connect() as conn:
        kept = conn.execute(
            select(events.c.kind, events.c.payload).where(events.c.status == "accepted")
            .order_by(events.c.seq)
        ).all()  # fmt: skip
    assert [k for k, _ in kept] == [
        "item.created",
        "item.edited",
        "item.deactivated",
        "item.reactivated",
    ]
    assert kept[1].payload["price"] == 380

"""How HQ applies batches: exactly once, in sequence, per-event rejections, projections."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from memberdesk.core.store.journal import payload_text
from memberdesk.hq.apply import encode_payload
from memberdesk.hq.models import events, members

from .conftest import auth, batch, fingerprint, ledger_event, member_event, post, sale_event


def test_handshake_reports_protocol_time_sequence_and_limits(hq, term, client):
    hello = {"terminal_id": term.id, "store_code": "S001", "protocol_min": 1, "protocol_max": 3}
    r = client.post("/v1/handshake", json=hello, headers=auth(term))
    assert r.status_code == 200
    a = r.json()
    assert a["protocol"] == 1 and a["last_seq"] == 0 and a["max_events"] == 50 and a["server_time"]
    r = client.post(
        "/v1/handshake", json={**hello, "protocol_min": 7, "protocol_max": 9}, headers=auth(term)
    )
    assert r.status_code == 426


def test_replayed_batch_id_gets_the_stored_answer(hq, term, client):
    body = batch(term, [sale_event(1), sale_event(2)])
    first = post(client, term.token, body).json()
    before = fingerprint(hq.engine)
    again = post(client, term.token, body).json()
    assert again == {**first, "replayed": True}
    assert fingerprint(hq.engine) == before
    # The same id with other events is a conflict, not a replay.
    r = post(client, term.token, {**body, "events": [sale_event(3)]})
    assert r.status_code == 409 and r.json()["error"] == "batch_reused"
    assert fingerprint(hq.engine) == before


def test_sequence_must_continue(hq, term, client):
    assert post(client, term.token, batch(term, [sale_event(1)])).status_code == 200
    before = fingerprint(hq.engine)
    r = post(client, term.token, batch(term, [sale_event(3)]))
    assert (
        r.status_code == 409
        and r.json()["error"] == "sequence_gap"
        and r.json()["expected_seq"] == 2
    )
    r = post(client, term.token, batch(term, [sale_event(2), sale_event(4)]))
    assert r.status_code == 409 and r.json()["expected_seq"] == 2
    assert fingerprint(hq.engine) == before


def test_events_already_held_are_duplicates_and_others_apply(hq, term, client):
    e1, e2, e3 = sale_event(1), sale_event(2), sale_event(3)
    post(client, term.token, batch(term, [e1, e2]))
    a = post(client, term.token, batch(term, [e1, e2, e3])).json()
    assert (a["accepted"], a["duplicates"], a["processed_through"], a["last_seq"]) == (1, 2, 3, 3)
    # A different event under a sequence HQ already holds: the terminal diverged.
    r = post(client, term.token, batch(term, [sale_event(2)]))
    assert r.status_code == 409 and r.json()["error"] == "diverged"
    with hq.engine.connect() as conn:
        assert len(conn.execute(select(events.c.seq)).all()) == 3


def test_bad_events_are_rejected_one_by_one(hq, term, client):
    bad_store = sale_event(2, store="S999")
    bad_store["created_at"] = datetime.now(UTC).isoformat()  # made since the till joined HQ
    bad_type = sale_event(3)
    bad_type["payload"]["total"] = "100"
    no_payload = {**sale_event(4), "payload": "oops"}
    dup_sale = sale_event(6, sale_id="fixed-sale")
    huge = sale_event(9)
    huge["payload"]["total"] = 10**20  # would overflow BIGINT and fail every retry of the batch
    nul = member_event(10, str(uuid.uuid4()), 1, name="张\x00三")
    evs = [sale_event(1), bad_store, bad_type, no_payload, sale_event(5, sale_id="fixed-sale"), dup_sale,
           {"seq": 7, "kind": "x"}, {**sale_event(8), "kind": "future.kind"}, huge, nul]  # fmt: skip
    a = post(client, term.token, batch(term, evs)).json()
    codes = {r["seq"]: (r["code"], r["params"]) for r in a["rejected"]}
    assert codes == {
        2: ("identity", {"store_code": "S999"}),
        3: ("invalid", {"field": "total", "problem": "type"}),
        4: ("invalid", {"field": "payload", "problem": "type"}),
        6: ("record_reused", {"record": "sale", "id": "fixed-sale"}),
        7: ("invalid", {"field": "event_id", "problem": "missing"}),
        8: ("unknown_kind", {"kind": "future.kind"}),
        9: ("invalid", {"field": "total", "problem": "too_large"}),
        10: ("invalid", {"field": "name", "problem": "type"}),
    }
    reasons = {r["seq"]: r["reason"] for r in a["rejected"]}
    assert "S999" in reasons[2] and "total" in reasons[3] and "payload" in reasons[4]
    assert "already recorded" in reasons[6] and "event_id" in reasons[7]
    assert a["accepted"] == 2 and a["last_seq"] == 10
    r = client.get(
        "/v1/stores/S001/totals", params={"day": "2026-03-10"}, headers=auth(term)
    ).json()
    assert r["sales_count"] == 2 and r["gross"] == 20000 and r["tenders"] == {"cash": 20000}
    with hq.engine.connect() as conn:
        stored = dict(conn.execute(select(events.c.seq, events.c.status)).all())
    assert stored == {1: "accepted", 2: "rejected", 3: "rejected", 4: "rejected", 5: "accepted",
                      6: "rejected", 7: "rejected", 8: "rejected", 9: "rejected", 10: "rejected"}  # fmt: skip


def test_members_balances_and_totals(hq, term, client):
    m = str(uuid.uuid4())
    evs = [
        member_event(1, m, 1), ledger_event(2, m, "earn", 120), ledger_event(3, m, "redeem", -20),
        ledger_event(4, m, "refund_reverse", -10), ledger_event(5, m, "topup", 0, wallet=50000),
        ledger_event(6, m, "pay", 0, wallet=-3000), member_event(7, m, 3, "张三丰"), member_event(8, m, 2, "旧名"),
    ]  # fmt: skip
    assert post(client, term.token, batch(term, evs)).json()["accepted"] == 8
    with hq.engine.connect() as conn:
        row = conn.execute(select(members.c.name, members.c.version, members.c.joined_date)).one()
    assert (row.name, row.version) == ("张三丰", 3)  # an older version never overwrites a newer one
    assert str(row.joined_date) == "2026-03-10"  # 17:30 UTC is the next day in Shanghai
    b = client.get(f"/v1/stores/S001/members/{m}", headers=auth(term)).json()
    assert (b["points"], b["wallet_principal"], b["wallet_bonus"], b["known"]) == (
        90,
        47000,
        0,
        True,
    )
    t = client.get("/v1/stores/S001/totals", params={"day": "2026-03-10", "terminal": term.id},
                   headers=auth(term)).json()  # fmt: skip
    assert (t["points_earned"], t["points_spent"], t["points_other"]) == (120, 20, -10)
    assert (t["wallet_in"], t["wallet_out"], t["new_members"]) == (50000, 3000, 1)
    assert (
        client.get("/v1/stores/S001/totals", params={"day": "x"}, headers=auth(term)).status_code
        == 400
    )


def test_concurrent_copies_of_one_batch_apply_once(hq, term, client):
    import threading

    body = batch(term, [sale_event(i) for i in range(1, 30)])
    answers = []

    def send() -> None:
        with __import__("httpx").Client(base_url=hq.base_url, timeout=20) as c:
            answers.append(post(c, term.token, body))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert [r.status_code for r in answers] == [200] * 4
    assert sum(1 for r in answers if not r.json().get("replayed")) == 1
    with hq.engine.connect() as conn:
        assert len(conn.execute(select(events.c.seq)).all()) == 29


def test_a_payload_is_encoded_as_the_journal_links_it():
    """HQ's encoder gives the text the till's journal linked (plain json.dumps), byte for
    byte, for whatever JSON a batch may carry."""
    sent = [
        r'{"name": "\u5f20\u4e09", "note": "a\"b\\c\n", "lines": [{"qty": 1, "price": 1999}]}',
        r'{"é": "中文 raw", "tab": "\t", "slash": "\/", "ctl": "\u0001", "emoji": "\ud83d\ude00"}',
        '{"f": 1.5, "g": 1e-07, "h": 1E+2, "i": 12345678901234567890123, "n": -0, "z": 0.10}',
        '{"nan": NaN, "inf": Infinity, "ninf": -Infinity, "big": 1e400}',
        '{"a": {}, "b": [], "c": [[], [{}]], "d": null, "e": true, "f": false, "": ""}',
        '{"dup": 1, "dup": 2}',
        '[1, "two", 3.0]',
        '"text"',
        "7",
        "null",
    ]
    for text in sent:
        value = json.loads(text)
        assert encode_payload(value) == payload_text(value) == json.dumps(value), text

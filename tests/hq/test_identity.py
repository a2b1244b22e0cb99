"""A terminal's identity at HQ: store, code, card prefix, epoch; the handshake; the cards check."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from memberdesk.hq.cli import main
from memberdesk.hq.models import terminals
from memberdesk.hq.provision import ProvisionError, add_store, add_terminal

from .conftest import auth, batch, member_event, post


def test_codes_and_card_prefixes_are_unique_by_construction(hq):
    add_store(hq.engine, "S001")
    add_store(hq.engine, "S002")
    t1, t2 = add_terminal(hq.engine, "S001"), add_terminal(hq.engine, "S001")
    t3 = add_terminal(hq.engine, "S002")
    assert [(t.code, t.card_prefix, t.epoch) for t in (t1, t2, t3)] == [
        ("01", "8001", 1), ("02", "8002", 1), ("01", "8003", 1)
    ]  # fmt: skip
    with pytest.raises(ProvisionError) as refused:
        add_terminal(hq.engine, "S001", code="02")
    assert refused.value.code == "hq.terminal_code_taken"
    assert t2.id in refused.value.message("en") and "02" in refused.value.message("en")
    for bad in ("1", "00", "ab", "123"):
        with pytest.raises(ProvisionError) as refused:
            add_terminal(hq.engine, "S001", code=bad)
        assert refused.value.code == "hq.terminal_code_invalid"
    # A prefix equal to, inside or around another terminal's could make the same number.
    for clash in ("8001", "800", "80015", "80"):
        with pytest.raises(ProvisionError) as refused:
            add_terminal(hq.engine, "S002", card_prefix=clash)
        assert refused.value.code == "hq.card_prefix_taken"
    for bad in ("8", "8a01", "1234567890123", "1234567", "080", "0801"):
        with pytest.raises(ProvisionError) as refused:
            add_terminal(hq.engine, "S002", card_prefix=bad)
        assert refused.value.code == "hq.card_prefix_invalid"
    t4 = add_terminal(hq.engine, "S002", code="07", card_prefix="66")
    assert (t4.code, t4.card_prefix) == ("07", "66")
    assert add_terminal(hq.engine, "S002").card_prefix == "8004"
    with hq.engine.connect() as conn:
        rows = conn.execute(select(terminals.c.store_code, terminals.c.code)).all()
    assert len(rows) == len(set(rows)) == 5


def test_add_terminal_prints_its_identity(hq_url, capsys):
    db = ["--db", hq_url]
    assert main(["add-store", "S001", "--name", "一号店", *db]) == 0
    capsys.readouterr()
    assert main(["add-terminal", "S001", "--code", "05", "--card-prefix", "8123", *db]) == 0
    out = dict(line.split(":", 1) for line in capsys.readouterr().out.splitlines()[:6])
    assert {k: v.strip() for k, v in out.items() if k != "token"} == {
        "terminal": out["terminal"].strip(), "store": "S001", "terminal_code": "05",
        "card_prefix": "8123", "epoch": "1",
    }  # fmt: skip
    assert main(["add-terminal", "S001", "--code", "05", *db]) == 2
    assert "已有编号为 05 的终端" in capsys.readouterr().err
    assert main(["add-terminal", "S001", "--card-prefix", "812", "--lang", "en", *db]) == 2
    assert "overlaps 8123" in capsys.readouterr().err
    assert main(["add-terminal", "--store", "S001", *db]) == 0  # the older spelling still works
    assert "terminal_code: 01" in capsys.readouterr().out
    assert main(["terminals", "--lang", "en", *db]) == 0
    listing = capsys.readouterr().out
    assert "S001-05  in use  card prefix 8123  epoch 1  last record 0" in listing
    assert "in use" in listing and "clock -" in listing


def test_handshake_names_the_identity_and_measures_the_clock(hq, term, client):
    ahead = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    old_till = {"terminal_id": term.id, "store_code": "S001", "protocol_min": 1,
                "protocol_max": 1, "client_time": ahead}  # fmt: skip
    r = client.post("/v1/handshake", json=old_till, headers=auth(term))
    assert r.status_code == 200
    a = r.json()
    assert {k: a[k] for k in ("terminal_id", "store_code", "store_name", "terminal_code",
                              "card_prefix", "epoch", "last_seq", "last_event_id", "status",
                              "clock_tolerance_s")} == {
        "terminal_id": term.id, "store_code": "S001", "store_name": "门店 S001",
        "terminal_code": term.code, "card_prefix": term.card_prefix, "epoch": 1, "last_seq": 0,
        "last_event_id": None, "status": "ok", "clock_tolerance_s": 300,
    }  # fmt: skip
    assert a["server_time"] and a["max_events"] == 50 and a["max_bytes"] and a["protocol"] == 1
    with hq.engine.connect() as conn:
        offset = conn.scalar(select(terminals.c.clock_offset_s))
    assert -3610 < offset < -3590
    # A till that has never synced claims no identity yet and adopts HQ's.
    r = client.post("/v1/handshake", json={"terminal_id": term.id, "terminal_code": "",
                                           "card_prefix": ""}, headers=auth(term))  # fmt: skip
    assert r.status_code == 200 and r.json()["store_code"] == "S001"
    r = client.post("/v1/handshake", json={"terminal_id": term.id, "store_code": "S009"},
                    headers=auth(term))  # fmt: skip
    assert r.status_code == 403 and r.json() == {"error": "wrong_store", "store_code": "S001"}


def test_a_till_can_ask_whether_a_card_number_is_in_use(hq, term, other, client):
    m = str(uuid.uuid4())
    issued = member_event(1, m, 1)
    issued["payload"]["card_no"] = "80010000001X"
    replaced = member_event(2, m, 2)
    replaced["payload"]["card_no"] = "800100000027"
    assert post(client, term.token, batch(term, [issued, replaced])).json()["accepted"] == 2
    for number, known in (("80010000001x", True), ("800100000027", True), ("123456", False)):
        r = client.get(f"/v1/cards/{number}", headers=auth(other))
        assert r.status_code == 200
        assert r.json() == {"card_no": number.upper(), "known": known,
                            "store_code": "S001" if known else None}  # fmt: skip
    assert set(r.json()) == {"card_no", "known", "store_code"}  # nothing about the person
    assert client.get("/v1/cards/800100000027").status_code == 401
    assert client.get("/v1/cards/%20%2F%20", headers=auth(term)).status_code in (400, 404)

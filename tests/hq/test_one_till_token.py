"""What one till's token can do at head office: its own store's business, and nothing that
stops HQ or the other tills."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select, update

from memberdesk.core.members.chain_directory import MAX_AMOUNT, read_page
from memberdesk.hq.app import Limits
from memberdesk.hq.directory import set_chain
from memberdesk.hq.models import members, terminals
from memberdesk.hq.projections import MAX_MONEY, MAX_POINTS

from ..sync.support import HQServer, provision
from .conftest import auth, batch, fingerprint, ledger_event, member_event, post, sale_event


def test_an_edit_naming_only_fields_hq_does_not_merge_is_taken_not_a_5xx(hq, term, client):
    """A member edit names the fields it changed; one naming none HQ merges (a newer till's
    field, or no field at all) failed the whole batch on SQLite (503, retried for ever)."""
    m = str(uuid.uuid4())
    assert post(client, term.token, batch(term, [member_event(1, m, 1)])).json()["accepted"] == 1
    evs = []
    for seq, named in ((2, ["email"]), (3, []), (4, [None, 5, {"x": 1}])):
        edit = member_event(seq, m, seq, name="张三")
        edit["payload"]["fields"] = named
        evs.append(edit)
    r = post(client, term.token, batch(term, evs))
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == 3 and r.json()["rejected"] == []
    rename = member_event(5, m, 5, name="张三丰")
    rename["payload"]["fields"] = ["name"]
    assert post(client, term.token, batch(term, [rename])).json()["accepted"] == 1
    with hq.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(members)) == 1
        assert conn.scalar(select(members.c.name)) == "张三丰"


@pytest.fixture
def roomy_hq(hq_url: str) -> Iterator[HQServer]:
    """HQ taking batches of a thousand events, as it does by default."""
    server = HQServer(hq_url, limits=Limits(max_events=1000, max_bytes=4 << 20)).start()
    yield server
    server.stop()


def test_a_balance_beyond_what_a_till_holds_does_not_stop_every_tills_pull(roomy_hq):
    """Chain-wide, every till pulls every member. One till crediting a member of its own
    store ¥1,000,000 ten thousand times over (each entry within HQ's limit) made HQ publish a
    balance no till takes: each till refused the whole page, and its pull stopped there for
    good. HQ publishes such a balance at the most a till holds, and every till pulls on."""
    hq = roomy_hq
    term, other = provision(hq.engine, "S001"), provision(hq.engine, "S002")
    set_chain(hq.engine, datetime.now(UTC).replace(tzinfo=None), scope="chain", policy={})
    m, later = str(uuid.uuid4()), str(uuid.uuid4())
    seq = 1
    with httpx.Client(base_url=hq.base_url, timeout=60) as client:
        assert post(client, other.token, batch(other, [member_event(1, m, 1)], store="S002")).json()[
            "accepted"] == 1  # fmt: skip
        entries = MAX_AMOUNT // MAX_POINTS + 1
        while entries > 0:
            n = min(entries, 999)
            evs = [ledger_event(seq + 1 + i, m, "adjust", MAX_POINTS) for i in range(n)]
            evs += [ledger_event(seq + 1 + n, m, "adjust", 0, wallet=MAX_MONEY)]
            a = post(client, other.token, batch(other, evs, store="S002")).json()
            assert a["accepted"] == n + 1
            seq, entries = seq + n + 1, entries - n
        mine = member_event(1, later, 1, name="李四")
        mine["payload"].update(card_no="8800000021", phone="13900000001")
        assert post(client, term.token, batch(term, [mine])).json()["accepted"] == 1
        taken = {}
        for till in (term, other):
            page = client.get("/v1/directory", headers=auth(till)).json()
            taken[till.id] = {e.id: e for e in read_page(page["members"])}  # a till's, whole
            assert set(taken[till.id]) == {m, later}
    # S001's till sees the sum at the most a till holds; S002's adds its own entries to none.
    seen = taken[term.id][m]
    assert (seen.points, seen.principal) == (MAX_AMOUNT, MAX_MONEY * 11)
    assert taken[other.id][m].points == 0


def test_a_terminal_given_to_another_store_writes_nothing_for_its_old_one(hq, other, client):
    """HQ remembers a token's terminal for a minute for its batches. A terminal an operator
    gave to another store in HQ's database still wrote, for that minute, as its old store:
    the batch is checked against the terminal's store under its lock, as its revocation is."""
    provision(hq.engine, "S001")
    first = post(client, other.token, batch(other, [sale_event(1, store="S002")], store="S002"))
    assert first.json()["accepted"] == 1  # its terminal is remembered now
    with hq.engine.begin() as conn:
        moved = {"store_code": "S001", "code": "09"}  # a code free in its new store
        conn.execute(update(terminals).where(terminals.c.id == other.id).values(**moved))
    before = fingerprint(hq.engine)
    r = post(client, other.token, batch(other, [sale_event(2, store="S002")], store="S002"))
    assert (r.status_code, r.json()) == (403, {"error": "wrong_store", "store_code": "S001"})
    assert fingerprint(hq.engine) == before

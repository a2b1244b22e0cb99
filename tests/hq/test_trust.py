"""HQ believes a terminal only about its own store, and only what adds up."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from memberdesk.core.members.card_numbers import generated_number
from memberdesk.core.members.chain_directory import read_page
from memberdesk.hq.directory import set_chain
from memberdesk.hq.models import (
    cards,
    events,
    members,
    parked_refunds,
    points_entries,
    refunds,
    sales,
    tender_lines,
    terminals,
    wallet_entries,
)
from memberdesk.hq.rebase import rebase_terminal

from ..sync.support import provision
from .conftest import (
    auth,
    batch,
    event,
    fingerprint,
    ledger_event,
    member_event,
    post,
    refund_event,
    sale_event,
)


def codes(answer: dict) -> dict[int, tuple]:
    return {r["seq"]: (r["code"], r["params"]) for r in answer["rejected"]}


def count(conn, table, *where) -> int:
    return conn.scalar(select(func.count()).select_from(table).where(*where))


def test_another_stores_terminal_cannot_touch_a_member(hq, term, other, client):
    m = str(uuid.uuid4())
    mine = [member_event(1, m, 1), ledger_event(2, m, "earn", 120), sale_event(3, member_id=m)]
    assert post(client, term.token, batch(term, mine)).json()["accepted"] == 3
    with hq.engine.connect() as conn:
        before = conn.execute(select(members)).all(), count(conn, points_entries)
    theirs = [
        ledger_event(1, m, "adjust", 99_999),
        member_event(2, m, 9999, name="冒名"),
        sale_event(3, store="S002", member_id=m),
        ledger_event(4, m, "topup", 0, wallet=100_000),
        refund_event(5, mine[2]["payload"]["id"], store_code="S002"),
        sale_event(6, store="S001"),
        sale_event(7, store="S002"),
    ]
    theirs[5]["created_at"] = datetime.now(UTC).isoformat()  # made since the till joined HQ
    r = post(client, other.token, batch(other, theirs, store="S002"))
    assert r.status_code == 200
    a = r.json()
    owner = {"record": "member", "id": m, "store_code": "S001"}
    assert codes(a) == {
        1: ("other_store", owner), 2: ("other_store", owner), 3: ("other_store", owner),
        4: ("other_store", owner),
        5: ("other_store", {"record": "sale", "id": mine[2]["payload"]["id"], "store_code": "S001"}),
        6: ("identity", {"store_code": "S001"}),
    }  # fmt: skip
    assert a["accepted"] == 1 and a["last_seq"] == 7
    assert all(r["reason"] for r in a["rejected"])
    with hq.engine.connect() as conn:
        assert (conn.execute(select(members)).all(), count(conn, points_entries)) == before
        assert count(conn, wallet_entries) == 0 and count(conn, refunds) == 0
        assert count(conn, sales, sales.c.store_code == "S002") == 1
        assert conn.scalar(select(func.sum(points_entries.c.delta))) == 120
    b = client.get(f"/v1/stores/S001/members/{m}", headers=auth(term)).json()
    assert (b["points"], b["name"]) == (120, "张三")
    # S001's terminal goes on as before.
    more = [member_event(4, m, 2, name="张三丰"), ledger_event(5, m, "earn", 30)]
    a = post(client, term.token, batch(term, more)).json()
    assert a["accepted"] == 2 and a["rejected"] == []
    with hq.engine.connect() as conn:
        assert conn.execute(select(members.c.name, members.c.version)).one() == ("张三丰", 2)


def _of_sale(entry: dict, sale_id: str, refund_id: str | None = None) -> dict:
    entry["payload"].update(sale_id=sale_id, refund_id=refund_id)
    return entry


def test_a_store_refunds_its_own_sale_to_another_stores_member_after_membership_went_per_store(
    hq, term, other, client
):
    """Sold while membership was chain-wide, refunded per store: the refund and its entries
    reverse what HQ took from the store's own sale, so they are taken; the member is still
    not the store's to touch otherwise."""
    m = str(uuid.uuid4())
    assert post(client, term.token, batch(term, [member_event(1, m, 1)])).json()["accepted"] == 1
    set_chain(hq.engine, datetime(2026, 3, 10, 1), scope="chain")
    sold, walk_in = sale_event(2, store="S002", member_id=m), sale_event(3, store="S002")
    sold_id, walk_in_id = sold["payload"]["id"], walk_in["payload"]["id"]
    day = [_of_sale(ledger_event(1, m, "earn", 100), sold_id), sold, walk_in]
    assert post(client, other.token, batch(other, day, store="S002")).json()["accepted"] == 3
    set_chain(hq.engine, datetime(2026, 3, 10, 2), scope="store")

    back = refund_event(7, sold_id, store_code="S002", member_id=m, points_reversed=100)
    refund_id = back["payload"]["id"]
    later = [
        _of_sale(ledger_event(4, m, "refund_reverse", -100), sold_id, refund_id),
        _of_sale(ledger_event(5, m, "adjust", 500), walk_in_id),  # a sale that named no one
        ledger_event(6, m, "adjust", 500),
        back,
    ]
    a = post(client, other.token, batch(other, later, store="S002")).json()
    owner = {"record": "member", "id": m, "store_code": "S001"}
    assert codes(a) == {5: ("other_store", owner), 6: ("other_store", owner)}
    assert a["accepted"] == 2
    with hq.engine.connect() as conn:
        assert count(conn, refunds, refunds.c.sale_id == sold_id) == 1
        assert conn.scalar(select(func.sum(points_entries.c.delta))
                           .where(points_entries.c.member_id == m)) == 0  # fmt: skip


def test_an_old_sale_lets_a_store_credit_another_stores_member_no_more_than_it_moved(
    hq, term, other, client
):
    """Per store again, a store's own sale to another store's member carries its refund's
    entries to HQ — not any entry: crediting more points than the sale earned and redeemed,
    more stored value than it took, or an entry no checkout or refund writes, is refused."""
    m = str(uuid.uuid4())
    assert post(client, term.token, batch(term, [member_event(1, m, 1)])).json()["accepted"] == 1
    set_chain(hq.engine, datetime(2026, 3, 10, 1), scope="chain")
    sold = sale_event(1, store="S002", member_id=m)
    sold["payload"].update(points_earned=50, tenders={"cash": 7000, "wallet": 3000})
    sold_id = sold["payload"]["id"]
    day = [sold, _of_sale(ledger_event(2, m, "earn", 50), sold_id),
           _of_sale(ledger_event(3, m, "pay", 0, wallet=-3000), sold_id)]  # fmt: skip
    assert post(client, other.token, batch(other, day, store="S002")).json()["accepted"] == 3
    set_chain(hq.engine, datetime(2026, 3, 10, 2), scope="store")

    back = refund_event(4, sold_id, store_code="S002", member_id=m, points_reversed=50,
                        tenders={"cash": 7000}, wallet_principal=3000)  # fmt: skip
    refund_id = back["payload"]["id"]
    later = [
        back,
        _of_sale(ledger_event(5, m, "refund_reverse", -50), sold_id, refund_id),
        _of_sale(ledger_event(6, m, "refund", 0, wallet=3000), sold_id, refund_id),
        _of_sale(ledger_event(7, m, "refund", 0, wallet=100_000), sold_id, refund_id),
        _of_sale(ledger_event(8, m, "refund_return", 500), sold_id, refund_id),
        _of_sale(ledger_event(9, m, "adjust", 1), sold_id),
        _of_sale(ledger_event(10, m, "earn", 1), sold_id),
    ]
    a = post(client, other.token, batch(other, later, store="S002")).json()
    owner = {"record": "member", "id": m, "store_code": "S001"}
    assert codes(a) == {n: ("other_store", owner) for n in (7, 8, 9, 10)}
    assert a["accepted"] == 3
    with hq.engine.connect() as conn:
        points = conn.scalar(select(func.sum(points_entries.c.delta))
                             .where(points_entries.c.member_id == m))  # fmt: skip
        wallet = conn.scalar(select(func.sum(wallet_entries.c.principal_delta))
                             .where(wallet_entries.c.member_id == m))  # fmt: skip
    assert (points, wallet) == (0, 0)  # the sale undone, nothing more


def test_a_ledger_entry_needs_a_member_hq_holds(hq, term, client):
    a = post(client, term.token, batch(term, [ledger_event(1, "nobody", "earn", 5)])).json()
    assert codes(a) == {1: ("invalid", {"field": "member_id", "problem": "unknown"})}
    m = str(uuid.uuid4())  # issued earlier in the same batch: fine
    a = post(client, term.token, batch(term, [member_event(2, m, 1), ledger_event(3, m, "x", 5)]))
    assert a.json()["accepted"] == 2


def _sale(seq: int, **fields) -> dict:
    e = sale_event(seq, total=1000)
    e["payload"].update(fields)
    return e


def test_bad_payloads_are_rejected_and_nothing_is_written(hq, term, client):
    bad = [
        _sale(1, subtotal=-100, total=-100, tenders={}),
        _sale(2, discount=-100),
        _sale(3, points_earned=-5),
        _sale(4, tenders={"cash": 10**13}),
        _sale(5, tenders={"bitcoin": 1000}),
        _sale(6, tenders={"cash": 500, "wechat": 400}),
        refund_event(7, "no-such-sale", wallet_principal=-100_000),
        {**sale_event(8), "created_at": "0001-01-01T00:00:00"},
        {**sale_event(9), "created_at": "9999-12-31T23:59:59"},
        {**sale_event(10), "created_at": "0001-01-01T00:00:00+08:00"},
        _sale(11, discount=2000, total=0, tenders={}),
        _sale(12, total=900),
        _sale(13, business_date="2026-04-01"),
        _sale(14, points_redeemed=True),
        _sale(15, receipt_no="R" * 61),
        event(
            16,
            "points.entry",
            {
                "id": "p",
                "member_id": "m",
                "business_date": "2026-03-10",
                "delta": 10**9,
                "kind": "earn",
                "balance_after": 0,
            },
        ),  # fmt: skip
    ]
    before = fingerprint(hq.engine)
    a = post(client, term.token, batch(term, bad)).json()
    field = {seq: (code, params.get("field"), params.get("problem"))
             for seq, (code, params) in codes(a).items()}  # fmt: skip
    assert field == {
        1: ("invalid", "subtotal", "negative"), 2: ("invalid", "discount", "negative"),
        3: ("invalid", "points_earned", "negative"), 4: ("invalid", "tenders.cash", "too_large"),
        5: ("invalid", "tenders.bitcoin", "unknown_kind"), 6: ("invalid", "tenders", "sum"),
        7: ("invalid", "wallet_principal", "negative"), 8: ("invalid", "created_at", "time_range"),
        9: ("invalid", "created_at", "time_range"), 10: ("invalid", "created_at", "time_range"),
        11: ("invalid", "discount", "too_large"), 12: ("invalid", "total", "sum"),
        13: ("invalid", "business_date", "time_range"), 14: ("invalid", "points_redeemed", "type"),
        15: ("invalid", "receipt_no", "too_long"), 16: ("invalid", "delta", "too_large"),
    }  # fmt: skip
    assert a["accepted"] == 0 and a["parked"] == 0 and a["last_seq"] == 16
    after = fingerprint(hq.engine)
    assert after[2:4] == before[2:4]  # no sale, no member
    with hq.engine.connect() as conn:
        assert count(conn, tender_lines) == count(conn, refunds) == count(conn, parked_refunds) == 0
        assert count(conn, points_entries) == 0
        stored = conn.execute(select(events.c.seq, events.c.status, events.c.code)).all()
    assert {(s, status, code) for s, status, code in stored} == {
        (s, "rejected", "invalid") for s in range(1, 17)
    }
    # A resent copy (a lost answer) reports the same rejections, code and params.
    again = post(client, term.token, batch(term, bad)).json()
    assert codes(again) == codes(a) and again["duplicates"] == 16


def test_what_a_real_sale_sends_adds_up(hq, term, client):
    """Tenders are what was applied: cash net of change, stored value, points' value."""
    e = _sale(1, subtotal=12900, discount=1290, total=11610, change=390,
              tenders={"cash": 5000, "wallet": 4610, "points": 2000}, points_value=2000,
              wallet_principal_used=4000, wallet_bonus_used=610, points_redeemed=200)  # fmt: skip
    wrong_wallet = _sale(2, tenders={"wallet": 1000}, wallet_principal_used=900)
    a = post(client, term.token, batch(term, [e, wrong_wallet])).json()
    assert a["accepted"] == 1
    assert codes(a) == {2: ("invalid", {"field": "tenders.wallet", "problem": "sum"})}


def test_the_same_event_from_a_copied_till_is_rejected_not_a_5xx(hq, term, client):
    first = [sale_event(1), sale_event(2), sale_event(3)]
    assert post(client, term.token, batch(term, first)).json()["accepted"] == 3
    copy = provision(hq.engine, "S001")  # the till file copied to a second PC
    fresh = sale_event(3)
    r = post(client, copy.token, batch(copy, [first[0], first[1], fresh]))
    assert r.status_code == 200
    a = r.json()
    held = {"terminal_code": term.code, "store_code": "S001"}
    assert codes(a) == {
        1: ("event_id_reused", {"event_id": first[0]["event_id"], **held}),
        2: ("event_id_reused", {"event_id": first[1]["event_id"], **held}),
    }
    assert a["accepted"] == 1
    assert post(client, copy.token, batch(copy, [sale_event(4)])).json()["accepted"] == 1
    assert post(client, term.token, batch(term, [sale_event(4)])).json()["accepted"] == 1
    with hq.engine.connect() as conn:
        assert count(conn, sales) == 6
        assert count(conn, events, events.c.event_id == first[0]["event_id"]) == 2
        assert count(conn, events, events.c.status == "rejected") == 2


def test_one_id_twice_in_a_batch(hq, term, client):
    one, two = sale_event(1), sale_event(2)
    two["event_id"] = one["event_id"]
    a = post(client, term.token, batch(term, [one, two])).json()
    assert codes(a) == {2: ("event_id_twice", {"event_id": one["event_id"]})}
    assert a["accepted"] == 1


def test_a_refund_before_its_sale_waits_and_then_counts(hq, term, client):
    till2 = provision(hq.engine, "S001")
    sale = sale_event(1, total=5000)
    back = refund_event(1, sale["payload"]["id"], amount=2000)
    a = post(client, till2.token, batch(till2, [back])).json()
    assert (a["accepted"], a["parked"], a["rejected"]) == (0, 1, [])
    with hq.engine.connect() as conn:
        assert count(conn, refunds) == 0 and count(conn, parked_refunds) == 1
    day = {"day": "2026-03-10"}
    assert client.get("/v1/stores/S001/totals", params=day, headers=auth(term)).json()[
        "refunds_count"] == 0  # fmt: skip
    a = post(client, term.token, batch(term, [sale])).json()
    assert a["accepted"] == 1
    with hq.engine.connect() as conn:
        assert count(conn, refunds) == 1
        assert conn.scalar(select(parked_refunds.c.applied_at)) is not None
        assert count(conn, tender_lines, tender_lines.c.source == "refund") == 1
    t = client.get("/v1/stores/S001/totals", params=day, headers=auth(term)).json()
    assert (t["sales_count"], t["refunds_count"], t["refunds_amount"]) == (1, 1, 2000)
    # The same refund id again is a reused record, parked or not.
    again = refund_event(2, sale["payload"]["id"], amount=1)
    again["payload"]["id"] = back["payload"]["id"]
    a = post(client, till2.token, batch(till2, [again])).json()
    assert codes(a)[2][0] == "record_reused"


def test_a_refund_parked_for_another_stores_sale_stays_parked(hq, term, other, client):
    sale = sale_event(1, store="S002")
    a = post(client, term.token, batch(term, [refund_event(1, sale["payload"]["id"])])).json()
    assert a["parked"] == 1
    post(client, other.token, batch(other, [sale], store="S002"))
    with hq.engine.connect() as conn:
        assert count(conn, refunds) == 0
        assert conn.scalar(select(parked_refunds.c.applied_at)) is None


def test_text_and_numbers_no_column_holds_are_rejected_one_by_one_not_a_5xx(hq, term, client):
    """JSON can spell what no database column keeps: a lone surrogate ("\\ud800"), NUL, a
    number beyond a float (1e400, NaN). Each such event is rejected on its own, the good one
    beside them is applied, and a resent copy gets the same answer (never a 5xx for ever)."""
    member_id = str(uuid.uuid4())
    noted = member_event(2, member_id, 1)
    noted["payload"]["notes"] = "M\u0000L"
    evs = [
        event(1, "shift.opened", {"id": "s1", "note": "\ud800"}),
        noted,
        event(3, "shift.opened", {"id": "s3", "float": 1e400}),
        event(4, "shift.opened", {"id": "s4", "nan": float("nan")}),
        {**event(5, "shift.opened", {"id": "s5"}), "event_id": "\udc00"},
        {**event(6, "shift.opened", {"id": "s6"}), "kind": "shift.\ud800"},
        {**event(7, "shift.opened", {"id": "s7"}), "aggregate_id": "a\ud800"},
        {**event(8, "shift.opened", {"id": "s8", "\u0000": 1})},
        event(9, "shift.opened", {"id": "s9", "ok": "😀 1.5", "n": 1.5}),  # a pair: one char
        sale_event(10, total=700),
        {**event(11, "shift.opened", {"id": "s11"}), "payload": "\ud800"},
        {**event(12, "shift.opened", {"id": "s12"}), "chain": "\u0000"},  # the last link
    ]
    body = batch(term, evs)
    r = post(client, term.token, body)
    assert r.status_code == 200, r.text
    a = r.json()
    field = {seq: (code, params.get("field"), params.get("problem"))
             for seq, (code, params) in codes(a).items()}  # fmt: skip
    assert field == {
        1: ("invalid", "payload", "type"), 2: ("invalid", "payload", "type"),
        3: ("invalid", "payload", "type"), 4: ("invalid", "payload", "type"),
        5: ("invalid", "event_id", "too_long"), 6: ("invalid", "kind", "type"),
        7: ("invalid", "aggregate_id", "type"), 8: ("invalid", "payload", "type"),
        11: ("invalid", "payload", "type"),
    }  # fmt: skip
    assert a["accepted"] == 3 and a["last_seq"] == 12
    assert post(client, term.token, body).json()["rejected"] == a["rejected"]  # replayed
    with hq.engine.connect() as conn:
        assert count(conn, members) == 0
        assert count(conn, sales) == 1
        stored = dict(conn.execute(select(events.c.seq, events.c.status)).all())
        last_chain = conn.scalar(select(terminals.c.last_chain).where(terminals.c.id == term.id))
    assert stored == {s: "rejected" for s in (1, 2, 3, 4, 5, 6, 7, 8, 11)} | {
        9: "accepted",
        10: "accepted",
        12: "accepted",
    }
    assert last_chain is None  # a link that is no link is not kept as the terminal's


def test_a_batch_id_no_column_holds_is_400_and_nothing_is_written(hq, term, client):
    before = fingerprint(hq.engine)
    r = post(client, term.token, batch(term, [sale_event(1)], batch_id="\ud800"))
    assert r.status_code == 400 and r.json()["error"] == "bad_batch"
    assert fingerprint(hq.engine) == before


def test_a_shops_records_from_before_it_joined_the_chain_are_its_stores(hq, term, other, client):
    """A shop sold on its own (its till called itself S001, the default) and then joined
    the chain as store S002: what it recorded before HQ added its till names S001, and is
    taken as S002's; a record made since, naming another store, is still refused."""
    before = sale_event(1, store="S001")  # 2026-03-10, long before the till was added
    since = sale_event(2, store="S001")
    since["created_at"] = datetime.now(UTC).isoformat()
    a = post(client, other.token, batch(other, [before, since], store="S002")).json()
    assert (a["accepted"], codes(a)) == (1, {2: ("identity", {"store_code": "S001"})})
    with hq.engine.connect() as conn:
        assert conn.execute(select(sales.c.store_code, sales.c.receipt_no)).all() == [
            ("S002", "R1")
        ]


def test_a_member_event_naming_another_stores_member_is_rejected_and_a_rebase_never_takes_it(
    hq, term, other, client
):
    """A member event's record id is the member its payload is: the history HQ reads by that
    id (a rebase puts a member back to its newest kept event) never holds another member's
    row, so another store cannot write its own member's row into this one."""
    m = str(uuid.uuid4())
    mine = [member_event(1, m, 1, name="李四"), member_event(2, m, 2, name="李四二")]
    assert post(client, other.token, batch(other, mine, store="S002")).json()["accepted"] == 2
    z = str(uuid.uuid4())
    forged = member_event(2, z, 999, name="冒名")
    forged["aggregate_id"] = m
    forged["payload"]["phone"] = "13912345678"
    a = post(client, term.token, batch(term, [member_event(1, z, 1), forged])).json()
    assert codes(a) == {2: ("invalid", {"field": "aggregate_id", "problem": "mismatch"})}
    assert a["accepted"] == 1
    # S002's till restored from an old backup sends another event at seq 2; HQ rebases it.
    r = post(
        client, other.token, batch(other, [member_event(2, m, 2, name="李四三")], store="S002")
    )
    assert r.status_code == 409 and r.json()["error"] == "diverged"
    rebase_terminal(hq.engine, other.id)
    with hq.engine.connect() as conn:
        row = conn.execute(select(members.c.name, members.c.phone, members.c.store_code)
                           .where(members.c.id == m)).one()  # fmt: skip
    assert tuple(row) == ("李四", "13800138000", "S002")


def test_a_card_number_of_another_store_is_not_taken_for_a_member_of_this_one(
    hq, term, other, client
):
    """A store cannot squat the numbers another store's till will generate, nor a number HQ
    holds for another store's member: the first member to carry a number gets every lookup
    by it (the chain's tills keep the first they pull)."""
    set_chain(hq.engine, datetime(2026, 3, 10, 1), scope="chain")
    theirs = generated_number(other.card_prefix, 1)
    fake, held = str(uuid.uuid4()), str(uuid.uuid4())
    squat = member_event(1, fake, 1, name="冒名")
    squat["payload"]["card_no"] = theirs
    a = post(client, term.token, batch(term, [squat])).json()
    assert codes(a) == {1: ("other_store", {"record": "card", "id": theirs, "store_code": "S002"})}
    real = member_event(1, held, 1, name="李四")
    real["payload"].update(card_no=theirs, phone="13900000000")
    assert post(client, other.token, batch(other, [real], store="S002")).json()["accepted"] == 1
    again = member_event(2, fake, 1, name="冒名")
    again["payload"]["card_no"] = theirs
    a = post(client, term.token, batch(term, [again])).json()
    assert codes(a) == {2: ("other_store", {"record": "card", "id": theirs, "store_code": "S002"})}
    with hq.engine.connect() as conn:
        assert conn.execute(
            select(cards.c.card_no, cards.c.member_id, cards.c.store_code)
        ).all() == [(theirs, held, "S002")]
        assert count(conn, members) == 1
    found = client.post("/v1/directory/find", json={"card": theirs}, headers=auth(term)).json()
    assert found["member"]["id"] == held
    # S001's own numbers, and S001 editing S002's member (chain-wide) with S002's card, go on.
    edit = member_event(3, held, 2, name="李四")
    edit["payload"].update(card_no=theirs, phone="13900000000")
    mine = member_event(4, fake, 1, name="王五")
    mine["payload"]["card_no"] = generated_number(term.card_prefix, 1)
    a = post(client, term.token, batch(term, [edit, mine])).json()
    assert a["accepted"] == 2 and a["rejected"] == []


def test_an_edit_dated_ahead_does_not_win_a_members_field_over_later_edits(hq, term, other, client):
    """Profile edits merge by their time at their till, never later than HQ received them: a
    store whose edit says it was made weeks ahead does not keep the field against every
    edit the member's own store makes until then."""
    set_chain(hq.engine, datetime(2026, 3, 10, 1), scope="chain")
    now = datetime.now(UTC).replace(tzinfo=None)
    m = str(uuid.uuid4())

    def edit(seq: int, name: str, at: datetime) -> dict:
        e = member_event(seq, m, 2, name=name)
        e["payload"]["fields"] = ["name"]
        e["created_at"] = at.isoformat()
        return e

    issued = member_event(1, m, 1, name="李四")
    issued["created_at"] = (now - timedelta(hours=1)).isoformat()
    assert post(client, other.token, batch(other, [issued], store="S002")).json()["accepted"] == 1
    ahead = edit(1, "冒名", now + timedelta(days=20))
    assert post(client, term.token, batch(term, [ahead])).json()["accepted"] == 1
    later = edit(2, "李四新", datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=1))
    assert post(client, other.token, batch(other, [later], store="S002")).json()["accepted"] == 1
    with hq.engine.connect() as conn:
        assert conn.scalar(select(members.c.name).where(members.c.id == m)) == "李四新"


def test_another_stores_edit_at_the_last_version_is_refused_and_the_members_store_syncs_on(
    hq, term, other, client
):
    """Chain-wide, another store's till edits a member; HQ moves a member's version on by one
    when it merges two stores' edits. An edit claiming the column's last version left no room:
    the member's own till's next edit failed the whole batch at HQ (a 503 it retried for ever,
    on PostgreSQL). Such an edit is refused alone, and the member's store goes on syncing."""
    set_chain(hq.engine, datetime.now(UTC).replace(tzinfo=None), scope="chain", policy={})
    m = str(uuid.uuid4())
    assert post(client, term.token, batch(term, [member_event(1, m, 1)])).json()["accepted"] == 1
    theirs = post(client, other.token,
                  batch(other, [member_event(1, m, 2**31 - 1, name="冒名")], store="S002"))  # fmt: skip
    assert theirs.status_code == 200
    assert codes(theirs.json()) == {1: ("invalid", {"field": "version", "problem": "too_large"})}
    mine = member_event(2, m, 2, name="吕小布")
    mine["payload"]["fields"] = ["name"]
    r = post(client, term.token, batch(term, [mine]))
    assert r.status_code == 200 and r.json()["accepted"] == 1, r.text
    with hq.engine.connect() as conn:
        assert conn.execute(select(members.c.name, members.c.version)).one() == ("吕小布", 2)


def test_a_name_no_column_holds_in_a_sales_money_split_is_rejected_alone_not_a_5xx(
    hq, term, client
):
    """A tender, payment code or discount kind is a key of the sale's payload, and its
    rejection names it (as a rejection names the store a sale claims): one spelled with NUL or a lone surrogate failed the whole batch (a
    500, for ever). Each such sale is rejected on its own, named with U+FFFD where the
    character no column keeps was, and the good sale beside them is applied."""
    evs = []
    for key in ("\ud800", "\u0000", "a\udfff"):
        tender, ref, split = (sale_event(len(evs) + i) for i in (1, 2, 3))
        tender["payload"]["tenders"] = {key: 10000}
        ref["payload"]["tender_refs"] = {key: "1234567890123456"}
        split["payload"]["discount_by_kind"] = {key: "x"}
        evs += [tender, ref, split]
    evs.append(sale_event(10, total=700))
    evs.append(sale_event(11, store="S\ud800"))  # a store's code, named in the rejection
    evs[-1]["created_at"] = datetime.now(UTC).isoformat()  # made since the till joined HQ
    body = batch(term, evs)
    r = post(client, term.token, body)
    assert r.status_code == 200, r.text
    a = r.json()
    assert a["accepted"] == 1 and a["last_seq"] == 11
    assert codes(a).pop(11) == ("identity", {"store_code": "S\ufffd"})
    assert [params.get("field") for _code, params in codes(a).values()][:9] == [
        "tenders.\ufffd", "tender_refs.\ufffd", "discount_by_kind.\ufffd",
    ] * 2 + ["tenders.a\ufffd", "tender_refs.a\ufffd", "discount_by_kind.a\ufffd"]  # fmt: skip
    assert post(client, term.token, body).json()["rejected"] == a["rejected"]  # replayed
    with hq.engine.connect() as conn:
        assert count(conn, sales) == 1 and count(conn, tender_lines) == 1
        stored = dict(conn.execute(select(events.c.seq, events.c.status)).all())
    assert stored == {seq: "rejected" for seq in (*range(1, 10), 11)} | {10: "accepted"}


def test_a_member_row_no_till_can_take_is_refused_and_every_till_pulls_on(hq, term, other, client):
    """Chain-wide, another store's till edits a member, and every till pulls the row HQ
    makes of it. A status that is none (a till refuses the whole page it comes in: its
    directory pull stopped there for good), no card number, a member id longer than a
    till's, or a phone that is no mobile — a masked one, 138****8000, which a till drops,
    so the member could no more be found by phone anywhere — is refused, event by event."""
    set_chain(hq.engine, datetime.now(UTC).replace(tzinfo=None), scope="chain", policy={})
    m = str(uuid.uuid4())
    assert post(client, term.token, batch(term, [member_event(1, m, 1)])).json()["accepted"] == 1
    with hq.engine.connect() as conn:
        before = conn.execute(select(members)).all()
    bad = {2: {"status": "hacked"}, 3: {"status": ""}, 4: {"card_no": ""},
           5: {"phone": "138****8000"}, 6: {"phone": "1380013800"}}  # fmt: skip
    evs = [member_event(1, m, 2, name="合法")]
    evs[0]["payload"]["fields"] = ["name"]
    for seq, change in bad.items():
        evs.append(member_event(seq, m, seq + 1))
        evs[-1]["payload"].update(change, fields=list(change))
    long_id = "m" * 37
    evs.append(member_event(7, long_id, 1))
    evs[-1]["payload"]["card_no"] = "X7"
    r = post(client, other.token, batch(other, evs, store="S002"))
    assert r.status_code == 200, r.text
    got = {seq: (code, params.get("field")) for seq, (code, params) in codes(r.json()).items()}
    assert got == {2: ("invalid", "status"), 3: ("invalid", "status"), 4: ("invalid", "card_no"),
                   5: ("invalid", "phone"), 6: ("invalid", "phone"), 7: ("invalid", "id")}  # fmt: skip
    with hq.engine.connect() as conn:
        row = conn.execute(select(members)).one()
    assert (row.name, row.status, row.card_no, row.phone) == ("合法", "active", "8800000013",
                                                             "13800138000")  # fmt: skip
    assert len(before) == 1
    for till in (term, other):
        page = client.get("/v1/directory", headers=auth(till)).json()
        assert [e.id for e in read_page(page["members"])] == [m]  # what a till takes, whole


def test_a_sale_refund_or_coupon_naming_a_member_hq_does_not_hold_is_rejected(
    hq, term, client, capsys
):
    """A sale, a refund or a coupon issue naming a member no till ever sent (a forged event,
    or a member made up) is refused as ledger entries already are, listed by `memberdesk-hq
    problems`, and counted nowhere; one naming a member issued earlier in the batch is fine."""
    from memberdesk.hq.cli import main

    from .test_coupons_at_hq import TERMS

    ghost, m = str(uuid.uuid4()), str(uuid.uuid4())
    sold = sale_event(1, member_id=ghost)
    theirs = [
        sold,
        refund_event(2, sold["payload"]["id"], member_id=ghost),
        event(3, "coupon.issued", {"id": "88-0000031", "store_code": "S001", "name": "十元券",
                                   "member_id": ghost, "source": "manager", "campaign": "", **TERMS}),
        member_event(4, m, 1),
        sale_event(5, member_id=m),
    ]  # fmt: skip
    a = post(client, term.token, batch(term, theirs)).json()
    unknown = ("invalid", {"field": "member_id", "problem": "unknown"})
    assert codes(a) == {1: unknown, 2: unknown, 3: unknown}
    assert a["accepted"] == 2
    with hq.engine.connect() as conn:
        assert conn.execute(select(sales.c.member_id)).scalars().all() == [m]
        assert count(conn, refunds) == 0 and count(conn, parked_refunds) == 0
        assert conn.scalar(select(func.sum(sales.c.total))) == 10000
    assert main(["problems", "--db", hq.url, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.count("invalid member_id: not held at HQ") == 3


def test_text_with_control_characters_or_direction_marks_is_refused(hq, term, client):
    """What a till refuses where it is typed (core/text.py) HQ refuses in a forged event too: a
    direction override that makes 张三‮9871 read 张三1789, a control character, a line break in
    a name. A note keeps its ordinary line breaks."""
    from .test_items_at_hq import item

    m, fine = str(uuid.uuid4()), str(uuid.uuid4())
    named = member_event(2, m, 1, name="张三\u202e9871")
    noted = member_event(3, fine, 1)
    noted["payload"]["notes"] = "爱喝茶\n周末来"
    broken = member_event(4, str(uuid.uuid4()), 1, name="张三\n李四")
    escaped = member_event(5, str(uuid.uuid4()), 1)
    escaped["payload"]["notes"] = "\x1b[2J"
    line = sale_event(6)
    line["payload"]["lines"] = [{"no": 1, "description": "可乐\u2066", "quantity": 1}]
    evs = [
        event(1, "staff.add", {"id": "s-1", "name": "李\u202e四", "role": "cashier", "active": True}),
        named, noted, broken, escaped, line,
        event(7, "item.created", item(name="可口可乐\u202e")),
        event(8, "item.created", item(category="饮料\r\n")),
        event(9, "shift.closed", {"id": "sh-1", "cashier": "王五", "note": "少了\x07十元"}),
        member_event(10, str(uuid.uuid4()), 1, name="王\x7f五"),  # DEL reads as nothing
    ]  # fmt: skip
    a = post(client, term.token, batch(term, evs)).json()

    def bad(field: str, problem: str = "control") -> tuple:
        return ("invalid", {"field": field, "problem": problem})

    assert codes(a) == {
        1: bad("name"), 2: bad("name"), 4: bad("name", "line_break"), 5: bad("notes"),
        6: bad("lines.0.description"), 7: bad("name"), 8: bad("category", "line_break"),
        9: bad("note"), 10: bad("name"),
    }  # fmt: skip
    assert a["accepted"] == 1
    with hq.engine.connect() as conn:
        assert conn.execute(select(members.c.id, members.c.name)).all() == [(fine, "张三")]
        assert count(conn, sales) == 0
        kept = conn.execute(select(events.c.kind).where(events.c.status == "accepted")).scalars()
        assert kept.all() == ["member.issued"]


def test_a_till_learns_the_other_stores_names_only_while_membership_is_chain_wide(
    hq, term, other, client
):
    """Per store, a till hears of no other store; chain-wide, of every store's name, so
    that it names another store's member by the store's name."""
    page = client.get("/v1/directory", headers=auth(term)).json()
    assert page["scope"] == "store" and page["stores"] == {}
    set_chain(hq.engine, datetime(2026, 3, 10), scope="chain")
    page = client.get("/v1/directory", headers=auth(term)).json()
    assert page["stores"] == {"S001": "门店 S001", "S002": "门店 S002"}

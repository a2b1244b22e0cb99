"""Coupons at HQ (SQLite and PostgreSQL): the chain's key at the handshake, each coupon
step checked in full, a coupon used at two stores listed, one given back and used again not."""

from __future__ import annotations

from datetime import datetime

from memberdesk.hq.cli import main
from memberdesk.hq.problems import find_problems

from .conftest import auth, batch, event, post

TERMS = {"code": "CPAEAAAACYAAAAAAICAAJYQADVGAENICHRAAAAGVBVGBBZY2O5S36XYGQ", "type_code": "A10",
         "kind": "amount", "value": 1000, "min_spend": 0, "valid_from": "2026-03-10",
         "valid_until": "2026-04-08"}  # fmt: skip


def used(seq: int, coupon: str, sale: str, store: str = "S001", **changes) -> dict:
    return event(seq, "coupon.redeemed", {"id": coupon, "store_code": store, "sale_id": sale,
                                          "off": 1000, "business_date": "2026-03-10", **TERMS,
                                          **changes})  # fmt: skip


def test_the_key_the_steps_and_a_double_use(hq, term, other, client, capsys):
    hello = {"terminal_id": term.id, "store_code": "S001"}
    key = client.post("/v1/handshake", json=hello, headers=auth(term)).json()["coupon_key"]
    again = client.post("/v1/handshake", json={"terminal_id": other.id, "store_code": "S002"},
                        headers=auth(other)).json()["coupon_key"]  # fmt: skip
    assert key == again and key["id"] == 1 and len(bytes.fromhex(key["secret"])) == 32

    issued = event(1, "coupon.issued", {"id": "88-0000001", "store_code": "S001", "name": "十元券",
                                        "member_id": None, "source": "manager", "campaign": "",
                                        **TERMS})  # fmt: skip
    bad = [used(2, "88-0000002", "s-2", value=-5), used(3, "88-0000003", "s-3", kind="bitcoin"),
           used(4, "88-0000004", None), used(5, "88-0000005", "s-5", code="x' OR 1=1")]  # fmt: skip
    answer = post(
        client, term.token, batch(term, [issued, *bad, used(6, "88-0000001", "s-6")])
    ).json()
    assert answer["accepted"] == 2
    assert sorted(r["seq"] for r in answer["rejected"]) == [2, 3, 4, 5]
    # Used again at store B while cut off; a coupon given back by a refund and used again is fine.
    second = used(1, "88-0000001", "s-b1", store="S002")
    back = event(3, "coupon.returned", {"id": "88-0000009", "store_code": "S002", "sale_id": "s-b2",
                                        "refund_id": "r-b2", "business_date": "2026-03-10"})  # fmt: skip
    r = post(client, other.token, batch(other, [second, used(2, "88-0000009", "s-b2", store="S002"),
                                                back, used(4, "88-0000009", "s-b3", store="S002")],
                                         store="S002"))  # fmt: skip
    assert r.json()["accepted"] == 4, r.text
    with hq.engine.connect() as conn:
        twice = find_problems(conn, __import__("datetime").datetime(2026, 3, 11)).coupons_twice
    assert [(t.coupon_id, sorted(u[2] for u in t.uses)) for t in twice] == [
        ("88-0000001", ["s-6", "s-b1"])
    ]
    assert main(["problems", "--db", hq.url, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Coupons used twice while tills were offline (1)" in out and "coupon 88-0000001:" in out


def test_a_coupons_uses_not_given_back_are_answered_to_any_till(hq, term, other, client):
    assert (
        post(client, term.token, batch(term, [used(1, "88-0000007", "s-1")])).json()["accepted"]
        == 1
    )
    ask = "/v1/coupons/88-0000007"
    assert client.get(ask).status_code == 401  # a till's token is needed
    answer = client.get(ask, headers=auth(other)).json()  # another store's till asks
    assert (answer["used"], [(u["store_code"], u["terminal_id"], u["sale_id"]) for u in answer["uses"]]) == (
        1, [("S001", term.id, "s-1")],
    )  # fmt: skip
    back = event(2, "coupon.returned", {"id": "88-0000007", "store_code": "S001", "sale_id": "s-1",
                                        "refund_id": "r-1", "business_date": "2026-03-10"})  # fmt: skip
    assert post(client, term.token, batch(term, [back])).json()["accepted"] == 1
    assert client.get(ask, headers=auth(other)).json() == {
        "id": "88-0000007",
        "used": 0,
        "uses": [],
    }
    assert client.get("/v1/coupons/88-0000099", headers=auth(other)).json()["used"] == 0
    for bad in ("a%00b", "x" * 25, "88_1"):
        assert client.get(f"/v1/coupons/{bad}", headers=auth(other)).status_code == 400, bad


def test_another_stores_return_gives_back_no_use_of_a_coupon(hq, term, other, client):
    """A return gives back its own store's use (its refund of its own sale): another store
    cannot make a coupon used here look unused to every till, nor hide its second use."""
    assert post(client, term.token, batch(term, [used(1, "88-0000007", "s-1")])).json()[
        "accepted"
    ] == 1  # fmt: skip
    ask = "/v1/coupons/88-0000007"
    theirs = [
        event(1, "coupon.returned", {"id": "88-0000007", "store_code": "S002", "sale_id": "s-1",
                                     "refund_id": "r-1", "business_date": "2026-03-10"}),
        used(2, "88-0000007", "s-b2", store="S002"),
        event(3, "coupon.returned", {"id": "88-0000007", "store_code": "S002",
                                     "refund_id": "r-2", "business_date": "2026-03-10"}),
        used(4, "88-0000007", "s-b4", store="S002"),
    ]  # fmt: skip
    assert post(client, other.token, batch(other, theirs, store="S002")).json()["accepted"] == 4
    answer = client.get(ask, headers=auth(term)).json()
    assert [(u["store_code"], u["sale_id"]) for u in answer["uses"]] == [
        ("S001", "s-1"), ("S002", "s-b4"),
    ]  # fmt: skip
    with hq.engine.connect() as conn:
        twice = find_problems(conn, datetime(2026, 3, 11)).coupons_twice
    assert [(t.coupon_id, sorted(u[2] for u in t.uses)) for t in twice] == [
        ("88-0000007", ["s-1", "s-b2", "s-b4"])
    ]


def test_a_coupon_step_naming_another_stores_sale_or_member_is_refused(hq, term, other, client):
    """A redemption or return names its store's own sale, an issue a member the store may
    touch: one naming another store's sale, or (membership per store) another store's member,
    is refused as other_store and kept from every till's answer about the coupon."""
    from .conftest import member_event, sale_event

    m = "8d2c0b6e-0000-4000-8000-00000000000a"
    sold = sale_event(2, member_id=m)
    sale_id = sold["payload"]["id"]
    assert post(client, term.token, batch(term, [member_event(1, m, 1), sold])).json()[
        "accepted"] == 2  # fmt: skip
    theirs = [
        used(1, "88-0000011", sale_id, store="S002"),
        event(2, "coupon.returned", {"id": "88-0000012", "store_code": "S002", "sale_id": sale_id,
                                     "refund_id": "r-1", "business_date": "2026-03-10"}),
        event(3, "coupon.issued", {"id": "88-0000013", "store_code": "S002", "name": "十元券",
                                   "member_id": m, "source": "manager", "campaign": "", **TERMS}),
        used(4, "88-0000014", "s-b4", store="S002"),  # its own sale: taken
    ]  # fmt: skip
    answer = post(client, other.token, batch(other, theirs, store="S002")).json()
    assert {r["seq"]: (r["code"], r["params"]) for r in answer["rejected"]} == {
        1: ("other_store", {"record": "sale", "id": sale_id, "store_code": "S001"}),
        2: ("other_store", {"record": "sale", "id": sale_id, "store_code": "S001"}),
        3: ("other_store", {"record": "member", "id": m, "store_code": "S001"}),
    }
    assert answer["accepted"] == 1
    assert client.get("/v1/coupons/88-0000011", headers=auth(term)).json()["used"] == 0

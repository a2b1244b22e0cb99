"""Coupons at HQ (SQLite and PostgreSQL): the chain's key at the handshake, each coupon
step checked in full, a coupon used at two stores listed, one given back and used again not."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from memberdesk.core.coupons.codes import CouponTerms, encode, read_terms
from memberdesk.hq.cli import main
from memberdesk.hq.problems import find_problems

from .conftest import auth, batch, event, post, sale_event

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
    uses = next(line for line in out.splitlines() if "coupon 88-0000001:" in line)
    assert f"S001-{term.code} s-6 " in uses and f"S002-{other.code} s-b1 " in uses  # the tills


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


# ---------------------------------------------------------------- coupons no till issued

DAY = date(2026, 3, 10)


def minted(key: dict, prefix: str | int, seq: int, *, value: int = 1000, kind: str = "amount",
           max_off: int | None = None, until: date = date(2026, 4, 8)) -> str:  # fmt: skip
    """A code signed with the chain's key: what every till holds, a rogue one too."""
    terms = CouponTerms(key_id=key["id"], prefix=int(prefix), seq=seq, type_code="A10", kind=kind,
                        value=value, min_spend=0, valid_from=DAY, valid_until=until, member_tag=0,
                        max_off=max_off)  # fmt: skip
    return encode(terms, bytes.fromhex(key["secret"]))


def stated(code: str) -> dict:
    """The fields a till sends beside a code: what the code states."""
    t = read_terms(code)[0]
    return {"id": t.serial, "code": code, "type_code": t.type_code, "kind": t.kind,
            "value": t.value, "min_spend": t.min_spend, "valid_from": t.valid_from.isoformat(),
            "valid_until": t.valid_until.isoformat()}  # fmt: skip


def issued_event(seq: int, code: str) -> dict:
    return event(seq, "coupon.issued", {"store_code": "S001", "name": "十元券", "member_id": None,
                                        "source": "manager", "campaign": "", **stated(code)})  # fmt: skip


def taken(seq: int, code: str, sale: dict, off: int, **changes) -> dict:
    """A use of `code` on `sale` at a till of store S002."""
    return event(seq, "coupon.redeemed", {**stated(code), "store_code": "S002", "off": off,
                                          "sale_id": sale["payload"]["id"],
                                          "business_date": "2026-03-10", **changes})  # fmt: skip


def chain_key(client, term) -> dict:
    hello = {"terminal_id": term.id, "store_code": term.store_code}
    return client.post("/v1/handshake", json=hello, headers=auth(term)).json()["coupon_key"]


def test_a_coupon_no_till_issued_is_listed_once_its_till_has_sent_later_records(
    hq, term, other, client, capsys
):
    """A rogue till of store S002 signs coupons with the chain's key under store S001's
    till's serials (and under a prefix no terminal has) and takes them on its sales. A
    genuine coupon issued and used is not listed; one S001's till issued offline and not
    yet sent is listed as not yet sent, and leaves the list when its issue arrives."""
    key = chain_key(client, other)
    genuine, forged, offline = (minted(key, term.card_prefix, 1), minted(key, term.card_prefix, 2, value=50000),
                                minted(key, term.card_prefix, 3))  # fmt: skip
    nobody = minted(key, 999999, 1, value=30000)
    assert post(client, term.token, batch(term, [issued_event(1, genuine)])).json()["accepted"] == 1
    sales = [sale_event(n, store="S002") for n in (1, 2, 3, 4)]
    uses = [taken(5, genuine, sales[0], 1000), taken(6, forged, sales[1], 50000),
            taken(7, offline, sales[2], 1000), taken(8, nobody, sales[3], 30000)]  # fmt: skip
    r = post(client, other.token, batch(other, [*sales, *uses], store="S002")).json()
    assert r["accepted"] == 8, r

    def listed() -> list[tuple]:
        with hq.engine.connect() as conn:
            found = find_problems(conn, datetime(2026, 3, 11))
        assert found.coupons_other_terms == []
        return [(u.coupon_id, u.store_code, u.terminal_id, u.receipt_no, u.off, u.why)
                for u in found.coupons_unissued]  # fmt: skip

    serial = term.card_prefix + "-00000"
    assert listed() == [
        (serial + "02", "S002", other.id, "R2", 50000, "not_sent"),
        (serial + "03", "S002", other.id, "R3", 1000, "not_sent"),
        ("999999-0000001", "S002", other.id, "R4", 30000, "no_terminal"),
    ]
    assert main(["problems", "--db", hq.url, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Coupons used that no till issued (3)" in out
    assert (f"S002-{other.code} {other.id}: coupon {serial}02 on sale R2, ¥500.00 off, 2026-03-10: "
            f"not yet sent by its till S001-{term.code} {term.id}") in out  # fmt: skip
    assert f"coupon {serial}01" not in out  # issued, and used once

    # S001's till comes back: the coupon it issued offline, then a sale of the next day.
    later = [issued_event(2, offline), sale_event(3, day="2026-03-11")]
    assert post(client, term.token, batch(term, later)).json()["accepted"] == 2
    assert listed() == [
        (serial + "02", "S002", other.id, "R2", 50000, "never_issued"),
        ("999999-0000001", "S002", other.id, "R4", 30000, "no_terminal"),
    ]
    assert main(["problems", "--db", hq.url]) == 0
    out = capsys.readouterr().out
    assert "无任何收银机发出却被使用的代金券（2）" in out
    assert (f"代金券 {serial}02，用于销售 R2，优惠 ¥500.00，2026-03-10：其收银机 S001-{term.code} "
            f"{term.id} 已发来之后的记录，其中没有这张券的发放") in out  # fmt: skip
    assert "没有终端使用其编号中的卡号前缀" in out
    with hq.engine.connect() as conn:  # S001 sees what was made under its till's serials
        mine = find_problems(conn, datetime(2026, 3, 11), store="S001").coupons_unissued
    assert [u.coupon_id for u in mine] == [serial + "02"]


def test_a_coupon_used_with_other_terms_than_it_was_issued_with_is_listed(
    hq, term, other, client, capsys
):
    """A coupon S001's till issued for ¥10.00 comes back at a till of S002 signed anew for
    ¥500.00, and a capped percent coupon comes back stating no cap: both are listed with what
    was issued and what was used. A genuine one used with the code it was issued with is not."""
    key = chain_key(client, other)
    ten, capped, plain = (minted(key, term.card_prefix, 1), minted(key, term.card_prefix, 2,
                          kind="percent", value=20, max_off=5000), minted(key, term.card_prefix, 3))  # fmt: skip
    issues = [issued_event(1, ten), issued_event(2, capped), issued_event(3, plain)]
    assert post(client, term.token, batch(term, issues)).json()["accepted"] == 3
    bigger = minted(key, term.card_prefix, 1, value=50000)
    uncapped = minted(key, term.card_prefix, 2, kind="percent", value=20)
    sales = [sale_event(n, store="S002") for n in (1, 2, 3)]
    uses = [taken(4, bigger, sales[0], 50000), taken(5, uncapped, sales[1], 8000),
            taken(6, plain, sales[2], 1000)]  # fmt: skip
    r = post(client, other.token, batch(other, [*sales, *uses], store="S002")).json()
    assert r["accepted"] == 6, r
    with hq.engine.connect() as conn:
        found = find_problems(conn, datetime(2026, 3, 11))
    assert found.coupons_unissued == []
    assert [(c.coupon_id, c.receipt_no, c.off, c.issued.value, c.used.value, c.issued.max_off,
             c.used.max_off) for c in found.coupons_other_terms] == [
        (term.card_prefix + "-0000001", "R1", 50000, 1000, 50000, None, None),
        (term.card_prefix + "-0000002", "R2", 8000, 20, 20, 5000, None),
    ]  # fmt: skip
    assert main(["problems", "--db", hq.url, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Coupons used with other terms than they were issued with (2)" in out
    assert (f"coupon {term.card_prefix}-0000001 on sale R1, ¥500.00 off, 2026-03-10: issued as "
            "¥10.00 off, type A10, 2026-03-10 to 2026-04-08; used as ¥500.00 off, type A10, "
            "2026-03-10 to 2026-04-08") in out  # fmt: skip
    assert "issued as 20% off, at most ¥50.00 off, type A10" in out
    assert main(["problems", "--db", hq.url]) == 0
    assert "条件与发放时不同的代金券（2）" in capsys.readouterr().out


def test_another_stores_members_coupon_is_refused_at_this_store_while_membership_is_per_store(
    hq, term, other, client, capsys
):
    """A coupon S001's till issued to one of S001's members is that member's: a till of S002
    reporting its use (a forged event: no till of S002 sells to S001's member per store) is
    refused and listed, and S001's till is not told the coupon is used. Chain-wide, any store
    takes it; a coupon issued to no one is taken at every store either way."""
    from memberdesk.hq.directory import set_chain
    from memberdesk.hq.models import coupon_events

    from .conftest import member_event

    m = "8d2c0b6e-0000-4000-8000-00000000000b"
    theirs, anyones = "88-0000021", "88-0000022"
    issues = [
        member_event(1, m, 1),
        event(2, "coupon.issued", {"id": theirs, "store_code": "S001", "name": "生日券",
                                   "member_id": m, "source": "birthday", "campaign": "", **TERMS}),
        event(3, "coupon.issued", {"id": anyones, "store_code": "S001", "name": "十元券",
                                   "member_id": None, "source": "manager", "campaign": "", **TERMS}),
    ]  # fmt: skip
    assert post(client, term.token, batch(term, issues)).json()["accepted"] == 3
    steps = [used(1, theirs, "s-b1", store="S002"), used(2, anyones, "s-b2", store="S002"),
             event(3, "coupon.expired", {"id": theirs, "store_code": "S002",
                                         "business_date": "2026-03-10"})]  # fmt: skip
    answer = post(client, other.token, batch(other, steps, store="S002")).json()
    owner = {"record": "member", "id": m, "store_code": "S001"}
    assert {r["seq"]: (r["code"], r["params"]) for r in answer["rejected"]} == {
        1: ("other_store", owner),
        3: ("other_store", owner),
    }
    assert answer["accepted"] == 1
    with hq.engine.connect() as conn:
        held = conn.execute(select(coupon_events.c.coupon_id, coupon_events.c.kind)
                            .where(coupon_events.c.store_code == "S002")).all()  # fmt: skip
    assert held == [(anyones, "redeemed")]
    assert client.get(f"/v1/coupons/{theirs}", headers=auth(term)).json()["used"] == 0
    assert client.get(f"/v1/coupons/{anyones}", headers=auth(term)).json()["used"] == 1
    assert main(["problems", "--db", hq.url, "--store", "S002", "--lang", "en"]) == 0
    assert f"member {m} belongs to store S001" in capsys.readouterr().out

    set_chain(hq.engine, datetime(2026, 3, 10, 1), scope="chain")
    again = used(4, theirs, "s-b4", store="S002")
    assert post(client, other.token, batch(other, [again], store="S002")).json()["accepted"] == 1
    assert client.get(f"/v1/coupons/{theirs}", headers=auth(term)).json()["used"] == 1


def test_a_use_signed_anew_with_other_terms_does_not_make_the_coupon_look_used(
    hq, term, other, client
):
    """A till of S002 signs S001's coupon serial anew (every till holds the chain's key) and
    reports its use: listed as used with other terms, but S001's till asking about its coupon
    is not told it was used, and the customer can still use it. A genuine use counts."""
    key = chain_key(client, other)
    ten = minted(key, term.card_prefix, 1)
    assert post(client, term.token, batch(term, [issued_event(1, ten)])).json()["accepted"] == 1
    forged = minted(key, term.card_prefix, 1, value=50000)
    sales = [sale_event(1, store="S002"), sale_event(3, store="S002")]
    r = post(client, other.token, batch(other, [sales[0], taken(2, forged, sales[0], 10000)],
                                        store="S002")).json()  # fmt: skip
    assert r["accepted"] == 2, r
    ask = f"/v1/coupons/{term.card_prefix}-0000001"
    assert client.get(ask, headers=auth(term)).json() == {"id": term.card_prefix + "-0000001",
                                                          "used": 0, "uses": []}  # fmt: skip
    with hq.engine.connect() as conn:
        assert [c.coupon_id for c in find_problems(conn, datetime(2026, 3, 11)).coupons_other_terms
                ] == [term.card_prefix + "-0000001"]  # fmt: skip
    r = post(client, other.token, batch(other, [sales[1], taken(4, ten, sales[1], 1000)],
                                        store="S002")).json()  # fmt: skip
    assert r["accepted"] == 2, r
    answer = client.get(ask, headers=auth(term)).json()
    assert [(u["store_code"], u["sale_id"]) for u in answer["uses"]] == [
        ("S002", sales[1]["payload"]["id"])
    ]

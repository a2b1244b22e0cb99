"""`memberdesk-hq problems`: rejections, waiting refunds and clock trouble, in the reader's language."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from memberdesk.hq.cli import main
from memberdesk.hq.directory import set_chain
from memberdesk.hq.models import clock_problems, sales, terminals, wallet_entries
from memberdesk.hq.problems import find_problems
from memberdesk.hq.rebase import rebase_terminal

from .conftest import (
    auth,
    batch,
    event,
    ledger_event,
    member_event,
    post,
    refund_event,
    sale_event,
)


def timed_sale(seq: int, minutes: int) -> dict:
    """A sale whose till clock said now + `minutes`."""
    at = datetime.now(UTC) + timedelta(minutes=minutes)
    e = sale_event(seq, day=at.date().isoformat())
    e["created_at"] = at.isoformat()
    return e


def hello(client, term, minutes: int) -> None:
    at = (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()
    body = {"terminal_id": term.id, "store_code": "S001", "client_time": at}
    assert client.post("/v1/handshake", json=body, headers=auth(term)).status_code == 200


def test_clock_trouble_is_accepted_and_listed(hq, term, client, capsys):
    first = [timed_sale(1, -60), timed_sale(2, 60), timed_sale(3, -180), timed_sale(4, -5)]
    assert post(client, term.token, batch(term, first)).json()["accepted"] == 4
    hello(client, term, 20)  # the till's clock is 20 minutes fast
    assert post(client, term.token, batch(term, [timed_sale(5, 0)])).json()["accepted"] == 1
    hello(client, term, 0)
    assert post(client, term.token, batch(term, [timed_sale(6, 0)])).json()["accepted"] == 1
    with hq.engine.connect() as conn:
        listed = dict(
            conn.execute(
                select(sales.c.receipt_no, clock_problems.c.problem).join(
                    sales, sales.c.id == clock_problems.c.sale_id
                )
            ).all()
        )
    assert listed == {"R2": "ahead", "R3": "back", "R5": "offset"}
    assert main(["problems", "--db", hq.url, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Sales with clock trouble (3)" in out
    assert "the till's clock was ahead" in out and "the till's clock went back" in out
    # whose till, as the operator knows it: two tills may share receipt numbers
    assert "  S001-01  R3  " in out and term.id not in out
    assert main(["problems", "--db", hq.url]) == 0
    assert "收银机时钟偏快" in capsys.readouterr().out


def test_a_clock_decades_off_is_answered_and_kept_at_the_columns_limit(hq, term, client):
    """A till whose clock says 2099 (a flat battery, a mistyped year): the handshake still
    answers, and the offset kept is as far off as the column holds, not a 500 at each try."""
    for at, kept in (
        ("2099-12-31T00:00:00+00:00", -(2**31 - 1)),
        ("1900-01-01T00:00:00", 2**31 - 1),
    ):
        body = {"terminal_id": term.id, "store_code": "S001", "client_time": at}
        r = client.post("/v1/handshake", json=body, headers=auth(term))
        assert r.status_code == 200, r.text
        with hq.engine.connect() as conn:
            offset = conn.scalar(
                select(terminals.c.clock_offset_s).where(terminals.c.id == term.id)
            )
        assert offset == kept
    assert post(client, term.token, batch(term, [timed_sale(1, 0)])).json()["accepted"] == 1


def test_rejections_and_waiting_refunds_are_listed(hq, term, other, client, capsys):
    bad = sale_event(2)
    bad["payload"]["tenders"] = {"bitcoin": 10000}
    waiting = refund_event(3, "sale-not-here-yet")
    a = post(client, term.token, batch(term, [sale_event(1), bad, waiting])).json()
    assert (a["accepted"], a["parked"], len(a["rejected"])) == (1, 1, 1)
    db = ["--db", hq.url]
    assert main(["problems", *db]) == 0
    out = capsys.readouterr().out
    assert f"S001-{term.code}  #2  sale.completed" in out
    assert "tenders.bitcoin 无效：未知类型" in out
    assert "退货" not in out  # parked for less than a day: not a problem yet
    assert main(["problems", "--lang", "zh_TW", *db]) == 0
    assert "tenders.bitcoin 無效：未知型別" in capsys.readouterr().out
    assert main(["problems", "--store", "S002", "--lang", "en", *db]) == 0
    assert capsys.readouterr().out.strip() == "No problems."
    with hq.engine.connect() as conn:
        later = find_problems(conn, datetime.now(UTC).replace(tzinfo=None) + timedelta(days=2))
    assert [p.refund_id for p in later.parked] == [waiting["payload"]["id"]]
    assert [(r.code, r.params["field"]) for r in later.rejected] == [("invalid", "tenders.bitcoin")]


def test_stored_value_credited_with_nothing_behind_it_is_listed(hq, term, other, client, capsys):
    """Chain-wide, any store may top up a member: a credit is listed when no top-up of its
    own store brought that money in (a bare entry, or a top-up of another amount), and a
    refund's or an imported opening balance's only when they do not back it."""
    set_chain(hq.engine, datetime.now(UTC).replace(tzinfo=None), scope="chain", policy={})
    member = str(uuid.uuid4())
    top = str(uuid.uuid4())
    topped = ledger_event(2, member, "topup", 0, wallet=50000)
    topped["payload"].update(topup_id=top, bonus_delta=5000, bonus_after=5000)
    paid = event(3, "wallet.topup", {"id": top, "receipt_no": "T1", "member_id": member,
                                     "amount": 50000, "bonus": 5000, "tender": "cash",
                                     "business_date": "2026-03-10"})  # fmt: skip
    opening = ledger_event(4, member, "opening", 0, wallet=3000)
    a = post(client, term.token, batch(term, [member_event(1, member, 1), topped, paid, opening]))
    assert a.json()["accepted"] == 4, a.text
    with hq.engine.connect() as conn:
        assert find_problems(conn, datetime.now(UTC)).unbacked == []  # all backed

    bare = ledger_event(1, member, "topup", 0, wallet=100_000_000)  # ¥1,000,000 from nowhere
    bare["payload"]["topup_id"] = top  # naming store S001's top-up does not make it S002's
    theirs = ledger_event(2, member, "opening", 0, wallet=700)  # not one of S002's members
    b = post(client, other.token, batch(other, [bare, theirs], store="S002"))
    assert b.json()["accepted"] == 2, b.text
    with hq.engine.connect() as conn:
        listed = find_problems(conn, datetime.now(UTC)).unbacked
        held = conn.scalar(
            select(func.sum(wallet_entries.c.principal_delta)).where(
                wallet_entries.c.member_id == member
            )
        )
    assert held == 50000 + 3000 + 100_000_000 + 700  # applied, and listed
    assert [(u.store_code, u.kind, u.principal, u.bonus) for u in listed] == [
        ("S002", "topup", 100_000_000, 0), ("S002", "opening", 700, 0),
    ]  # fmt: skip
    assert main(["problems", "--db", hq.url]) == 0
    out = capsys.readouterr().out
    assert "储值入账却没有对应的充值、退款或期初余额（2）" in out
    assert f"  S002-{other.code} 会员 {member}：topup 本金 ¥1,000,000.00" in out


def test_one_phone_held_by_two_members_of_the_chain_is_listed(hq, term, other, client, capsys):
    """Per store, two stores' members may share a number; chain-wide, a till finds only one
    of them by it, so HQ lists the pair for someone to merge or correct."""
    mine, theirs = str(uuid.uuid4()), str(uuid.uuid4())
    assert (
        post(client, term.token, batch(term, [member_event(1, mine, 1, name="吕小布")])).json()[
            "accepted"
        ]
        == 1
    )
    assert post(client, other.token, batch(other, [member_event(1, theirs, 1, name="新会员")],
                                           store="S002")).json()["accepted"] == 1  # fmt: skip
    with hq.engine.connect() as conn:
        assert find_problems(conn, datetime.now(UTC)).shared_phones == []  # per store: fine
    set_chain(hq.engine, datetime.now(UTC).replace(tzinfo=None), scope="chain", policy={})
    with hq.engine.connect() as conn:
        shared = find_problems(conn, datetime.now(UTC)).shared_phones
    assert [(p.phone, sorted(s for s, _c, _n in p.members)) for p in shared] == [
        ("138****8000", ["S001", "S002"])
    ]
    assert main(["problems", "--db", hq.url]) == 0
    out = capsys.readouterr().out
    assert "同一手机号属于连锁中多位会员（1）" in out
    assert "138****8000: S001 8800000013 吕小布; S002 8800000013 新会员" in out


def test_one_card_number_carried_by_two_stores_members_is_listed(hq, term, other, client, capsys):
    """Two shops that numbered their cards alike before they joined: chain-wide, each store's
    tills find their own member by the number and the other's by phone or name only, so HQ
    lists the number and who carries it, for one of them to get a new card."""
    mine, theirs, third = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    here = batch(term, [member_event(1, mine, 1, name="吕小布")])
    assert post(client, term.token, here).json()["accepted"] == 1
    there = [member_event(1, theirs, 1, name="新会员"), member_event(2, third, 1, name="另一位")]
    there[0]["payload"]["phone"] = "13900000001"
    there[1]["payload"].update(phone="13900000002", card_no="8800000021")
    assert post(client, other.token, batch(other, there, store="S002")).json()["accepted"] == 2
    with hq.engine.connect() as conn:
        assert find_problems(conn, datetime.now(UTC)).shared_cards == []  # per store: fine
    set_chain(hq.engine, datetime.now(UTC).replace(tzinfo=None), scope="chain", policy={})
    with hq.engine.connect() as conn:
        shared = find_problems(conn, datetime.now(UTC)).shared_cards
        assert find_problems(conn, datetime.now(UTC), store="S003").shared_cards == []
    assert [(c.card_no, [s for s, _p, _n in c.members]) for c in shared] == [
        ("8800000013", ["S001", "S002"])
    ]
    assert main(["problems", "--db", hq.url, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Card numbers carried by members of more than one store (1)" in out
    assert "8800000013: S001 138****8000 吕小布; S002 139****0001 新会员" in out


def test_every_kind_of_spend_that_overdraws_a_member_is_listed(hq, term, other, client, capsys):
    """Chain-wide, store S002 spent a member's balance first; what store S001 then took from
    it — points exchanged for a coupon, a top-up given back in cash — leaves the member below
    zero at HQ and is listed as an overdraft of S001's till, as a redemption or a payment is."""
    set_chain(hq.engine, datetime.now(UTC).replace(tzinfo=None), scope="chain", policy={})
    member = str(uuid.uuid4())
    top = str(uuid.uuid4())
    topped = ledger_event(3, member, "topup", 0, wallet=10000)
    topped["payload"]["topup_id"] = top
    paid = event(4, "wallet.topup", {"id": top, "receipt_no": "T1", "member_id": member,
                                     "amount": 10000, "bonus": 0, "tender": "cash",
                                     "business_date": "2026-03-10"})  # fmt: skip
    earned = ledger_event(2, member, "earn", 4000)
    a = post(client, term.token, batch(term, [member_event(1, member, 1), earned, topped, paid]))
    assert a.json()["accepted"] == 4, a.text
    spent = [
        ledger_event(1, member, "redeem", -2500),
        ledger_event(2, member, "pay", 0, wallet=-8000),
    ]
    b = post(client, other.token, batch(other, spent, store="S002"))
    assert b.json()["accepted"] == 2, b.text
    with hq.engine.connect() as conn:
        assert find_problems(conn, datetime.now(UTC)).overdrafts == []  # 1500 points and ¥20 left

    exchanged = ledger_event(5, member, "coupon", -2500)
    reversed_ = ledger_event(6, member, "topup_reversal", 0, wallet=-10000)
    reversed_["payload"]["topup_id"] = top
    c = post(client, term.token, batch(term, [exchanged, reversed_]))
    assert c.json()["accepted"] == 2, c.text
    with hq.engine.connect() as conn:
        listed = find_problems(conn, datetime.now(UTC)).overdrafts
    assert [(o.member_id, o.kind, o.balance, o.terminal_id) for o in listed] == [
        (member, "points", -1000, term.id), (member, "principal", -8000, term.id),
    ]  # fmt: skip
    assert main(["problems", "--db", hq.url]) == 0
    assert "-¥80.00" in capsys.readouterr().out


def test_a_terminal_hq_stopped_taking_records_from_is_listed_with_what_to_do(
    hq, term, client, capsys
):
    # A till put back to an old copy sends, at a record HQ holds, one it does not know:
    # HQ takes nothing more from it. `problems` is where the operator looks first.
    m = str(uuid.uuid4())
    evs = [member_event(1, m, 1), member_event(2, m, 2, name="二")]
    assert post(client, term.token, batch(term, evs)).json()["accepted"] == 2
    other = member_event(2, m, 2, name="另一个二")
    assert post(client, term.token, batch(term, [evs[0], other])).status_code == 409
    assert main(["problems", "--db", hq.url]) == 0
    out = capsys.readouterr().out
    assert "总部不再接收其记录的终端：记录与总部不一致（1）" in out
    assert f"  S001-{term.code}：从第 2 条记录起不一致" in out
    assert f"memberdesk-hq rebase-terminal S001-{term.code}" in out and term.id not in out
    rebase_terminal(hq.engine, term.id)
    assert main(["problems", "--db", hq.url]) == 0
    assert "不一致" not in capsys.readouterr().out


def test_points_adjusted_by_hand_for_another_stores_member_are_listed(
    hq, term, other, client, capsys
):
    """Chain-wide, a till of store S002 may adjust the points of a member store S001 issued:
    HQ takes it and lists who, which till, how many and when; an adjustment a store makes to
    its own member is not listed."""
    set_chain(hq.engine, datetime.now(UTC).replace(tzinfo=None), scope="chain", policy={})
    ours, theirs = str(uuid.uuid4()), str(uuid.uuid4())
    a = post(client, term.token, batch(term, [member_event(1, ours, 1, name="李四"),
                                              ledger_event(2, ours, "adjust", 300)]))  # fmt: skip
    assert a.json()["accepted"] == 2, a.text
    given = ledger_event(2, ours, "adjust", 5000)
    given["payload"]["note"] = "补录积分"
    given["created_at"] = "2026-03-10T06:30:00"
    b = post(client, other.token, batch(other, [member_event(1, theirs, 1, name="王五"), given,
                                                ledger_event(3, theirs, "adjust", 200)],
                                        store="S002"))  # fmt: skip
    assert b.json()["accepted"] == 3, b.text
    with hq.engine.connect() as conn:
        listed = find_problems(conn, datetime.now(UTC)).hand_points
    assert [(h.store_code, h.terminal_id, h.member_id, h.member_store, h.delta, h.reason)
            for h in listed] == [("S002", other.id, ours, "S001", 5000, "补录积分")]  # fmt: skip
    assert main(["problems", "--db", hq.url]) == 0
    out = capsys.readouterr().out
    assert "为其他门店的会员手工调整、或无本店销售而给予的积分（1）" in out
    assert (
        f"S002-{other.code} {other.id}：手工调整 +5000 积分，会员 李四（8800000013），属门店 S001，"
        "2026-03-10，录入于 2026-03-10 14:30:00：补录积分"  # 06:30 UTC, in Shanghai
    ) in out


def test_points_given_to_another_stores_member_with_no_sale_behind_them_are_listed(
    hq, term, other, client, capsys
):
    """Chain-wide, another store's till may earn points for a member on its own sale. Points
    it credits with no sale of its store naming that member — an "earn" of no sale or of a
    sale that named no one, a kind no till writes, a referral or refund of a sale HQ does not
    hold — made points out of nothing, and were listed nowhere: they are listed with the
    points set by hand. Points earned on its own sale, and a referral bonus from a sale to
    someone the member referred, are not."""
    set_chain(hq.engine, datetime.now(UTC).replace(tzinfo=None), scope="chain", policy={})
    m, referred = str(uuid.uuid4()), str(uuid.uuid4())
    friend = member_event(2, referred, 1, name="王五")
    friend["payload"].update(card_no="8800000021", phone="13900000001", referrer_id=m)
    a = post(client, term.token, batch(term, [member_event(1, m, 1, name="李四"), friend]))
    assert a.json()["accepted"] == 2, a.text

    def credit(seq: int, kind: str, delta: int, sale: dict | None = None, member: str = m):
        e = ledger_event(seq, member, kind, delta)
        e["payload"]["sale_id"] = sale["payload"]["id"] if sale else None
        return e

    walk_in = sale_event(1, store="S002")
    sold, for_friend = sale_event(2, store="S002", member_id=m), sale_event(3, store="S002",
                                                                           member_id=referred)  # fmt: skip
    evs = [walk_in, sold, for_friend,
           credit(4, "earn", 100_000_000), credit(5, "bonus", 7000), credit(6, "earn", 60, walk_in),
           credit(7, "referral", 70), credit(8, "refund_return", 80, sale_event(0)),
           credit(9, "earn", 30, sold), credit(10, "challenge", 20, sold),
           credit(11, "referral", 40, for_friend), credit(12, "redeem", -10, sold)]  # fmt: skip
    r = post(client, other.token, batch(other, evs, store="S002"))
    assert r.json()["accepted"] == 12, r.text
    with hq.engine.connect() as conn:
        listed = find_problems(conn, datetime.now(UTC)).hand_points
    assert [(h.store_code, h.member_id, h.kind, h.delta) for h in listed] == [
        ("S002", m, "earn", 100_000_000), ("S002", m, "bonus", 7000), ("S002", m, "earn", 60),
        ("S002", m, "referral", 70), ("S002", m, "refund_return", 80),
    ]  # fmt: skip
    assert main(["problems", "--db", hq.url]) == 0
    out = capsys.readouterr().out
    assert "为其他门店的会员手工调整、或无本店销售而给予的积分（5）" in out
    assert "+100000000 积分，会员 李四（8800000013），属门店 S001" in out


def test_a_sale_refunded_for_more_than_it_took_is_listed(hq, term, client, capsys):
    """A till refunds a sale for at most what is left of it. Refunds of one sale adding up
    to more than it took - money out of the drawer HQ holds no sale for - were taken and
    listed nowhere; they are listed, with the sale, its total and what its refunds gave."""
    big, small = sale_event(1, total=10000), sale_event(2, total=100)
    evs = [big, small,
           refund_event(3, big["payload"]["id"], amount=4000),
           refund_event(4, big["payload"]["id"], amount=6000),  # the whole of it: fine
           *(refund_event(seq, small["payload"]["id"], amount=100) for seq in (5, 6, 7))]  # fmt: skip
    a = post(client, term.token, batch(term, evs)).json()
    assert a["accepted"] == 7, a
    with hq.engine.connect() as conn:
        listed = find_problems(conn, datetime.now(UTC)).over_refunded
    assert [(r.store_code, r.receipt_no, r.total, r.refunds, r.refunded) for r in listed] == [
        ("S001", "R2", 100, 3, 300)
    ]
    assert main(["problems", "--db", hq.url]) == 0
    out = capsys.readouterr().out
    assert "退款合计超过原销售的销售（1）" in out
    assert "  S001-01 R2：销售 ¥1.00，3 笔退款共 ¥3.00，2026-03-10" in out


def test_a_child_sent_without_a_guardians_consent_is_listed(hq, term, client, capsys):
    """A till older than the consent rule issues a ten-year-old with no consent: HQ keeps
    the member as sent and lists them for the store to ask; a child with the consent, a
    fourteen-year-old and a cancelled member are not listed."""
    today = datetime.now(UTC).date()

    def member(seq: int, name: str, born: date, **more) -> dict:
        e = member_event(seq, str(uuid.uuid4()), 1, name=name)
        e["payload"].update(birthday=born.isoformat(), phone=f"1380013{seq:04d}",
                            card_no=f"88000000{seq:02d}", **more)  # fmt: skip
        return e

    ten = date(today.year - 10, 1, 1)
    evs = [member(1, "小明", ten), member(2, "小红", ten, guardian_consent=True),
           member(3, "大壮", date(today.year - 15, 1, 1)),
           member(4, "小刚", ten, status="cancelled")]  # fmt: skip
    assert post(client, term.token, batch(term, evs)).json()["accepted"] == 4
    with hq.engine.connect() as conn:
        children = find_problems(conn, datetime.now(UTC)).children
    assert [(c.card_no, c.name, c.birthday) for c in children] == [("8800000001", "小明", ten)]
    assert main(["problems", "--db", hq.url]) == 0
    out = capsys.readouterr().out
    assert "未满 14 周岁、没有监护人同意记录的会员（1）" in out
    assert f"卡号 8800000001 小明，生于 {ten.isoformat()}" in out

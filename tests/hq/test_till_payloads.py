"""HQ takes what the till now sends with a sale: the payment code a WeChat / Alipay tender was
paid with (kept whole in the raw event, for matching the apps' statements) and the
discounts by kind (the ones given by hand included) — checked in full like the rest."""

from __future__ import annotations

from sqlalchemy import select

from memberdesk.hq.models import events, sales

from .conftest import batch, post, sale_event

CODE = "134567890123456789"


def _sale(seq: int, **fields) -> dict:
    e = sale_event(seq, total=1000)
    e["payload"].update(fields)
    return e


def test_a_payment_code_and_the_discounts_by_kind_are_taken_and_kept(hq, term, client):
    good = _sale(1, subtotal=1200, discount=200, total=1000,
                 tenders={"wechat": 600, "cash": 400}, tender_refs={"wechat": CODE},
                 discount_by_kind={"manual": 150, "sale": 50})  # fmt: skip
    answer = post(client, term.token, batch(term, [good])).json()
    assert answer["accepted"] == 1 and answer["rejected"] == []
    with hq.engine.connect() as conn:
        kept = conn.execute(select(events.c.payload).where(events.c.seq == 1)).scalar_one()
        assert kept["tender_refs"] == {"wechat": CODE}
        assert conn.execute(select(sales.c.discount)).scalar_one() == 200


def test_a_bad_payment_code_or_discount_split_is_rejected_not_written(hq, term, client):
    bad = [
        _sale(1, tenders={"cash": 1000}, tender_refs={"wechat": CODE}),  # no WeChat amount
        _sale(2, tenders={"wechat": 1000}, tender_refs={"wechat": "12345"}),
        _sale(3, tenders={"card": 1000}, tender_refs={"card": CODE}),
        _sale(4, tenders={"wechat": 1000}, tender_refs=[CODE]),
        _sale(5, subtotal=1200, discount=200, discount_by_kind={"manual": 150}),
        _sale(6, subtotal=1200, discount=200, discount_by_kind={"manual": -200, "sale": 400}),
    ]
    answer = post(client, term.token, batch(term, bad)).json()
    got = {r["seq"]: (r["params"]["field"], r["params"]["problem"]) for r in answer["rejected"]}
    assert got == {
        1: ("tender_refs.wechat", "sum"), 2: ("tender_refs.wechat", "type"),
        3: ("tender_refs.card", "unknown_kind"), 4: ("tender_refs", "type"),
        5: ("discount_by_kind", "sum"), 6: ("discount_by_kind.manual", "negative"),
    }  # fmt: skip
    assert answer["accepted"] == 0
    with hq.engine.connect() as conn:
        assert conn.execute(select(sales.c.id)).all() == []


def test_the_lines_that_earned_no_points_and_the_gifts_for_spend_are_taken_and_kept(
    hq, term, client
):
    """A till seals in each sale's journal row what a refund of it reads: the lines that
    earned no points and the gifts for spend it handed over. HQ takes the sale as before
    and keeps them whole in the raw event."""
    gifts = [{"code": "UMB", "name": "雨伞", "key": "sale:UMB:100000", "threshold": 100000,
              "period": "sale", "out_of_stock": False}]  # fmt: skip
    sale = _sale(1, no_earn_lines=[2], spend_gifts=gifts)
    answer = post(client, term.token, batch(term, [sale, _sale(2, no_earn_lines=[])])).json()
    assert answer["accepted"] == 2 and answer["rejected"] == []
    with hq.engine.connect() as conn:
        kept = conn.execute(select(events.c.payload).where(events.c.seq == 1)).scalar_one()
        assert (kept["no_earn_lines"], kept["spend_gifts"]) == ([2], gifts)
        assert len(conn.execute(select(sales.c.id)).all()) == 2


def test_a_sale_and_a_refund_with_their_cashier_shift_and_gift_stock_are_taken(hq, term, client):
    """A sale and its refund as the till now seals them: who sold and who gave the money back,
    in which shift and on whose authority, the gift for points and the gift stock they
    moved. HQ takes both and keeps what came."""
    from .conftest import refund_event

    cashier, shift = "7d0c3a52-7a59-4d7e-9d7c-2d3a1b4c5e6f", "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9"
    sale = _sale(1, cashier_id=cashier, shift_id=shift, cashier="收银员",
                 gift={"code": "UMB", "name": "雨伞", "points": 500}, gift_stock={"UMB": 3})  # fmt: skip
    back = refund_event(2, sale["aggregate_id"], amount=400, cashier_id=cashier, shift_id=shift,
                        authorised_by="店长", cashier="收银员", reason="尺码不合",
                        lines={"2": 1}, gifts_back=["UMB"], gift_stock={"UMB": 4})  # fmt: skip
    walk_in = _sale(3, cashier_id=None, shift_id=None, gift=None)  # no staff, no shift
    answer = post(client, term.token, batch(term, [sale, back, walk_in])).json()
    assert answer["accepted"] == 3 and answer["rejected"] == []
    with hq.engine.connect() as conn:
        kept = conn.execute(select(events.c.payload).where(events.c.seq == 2)).scalar_one()
        assert (kept["cashier_id"], kept["authorised_by"], kept["gift_stock"]) == (
            cashier, "店长", {"UMB": 4},
        )  # fmt: skip
        assert len(conn.execute(select(sales.c.id)).all()) == 2
